/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * A main() for the fuzz targets when libFuzzer is not linked: `make check`
 * feeds every fixture (the files under $FIXTURES_DIR's status/, traffic/, global/
 * and kernel/, or the directories REPLAY_SUBDIRS names, e.g. "webconfig" for the
 * web configuration loader) and every file named on the command line
 * through LLVMFuzzerTestOneInput once, whole and with the first byte
 * changed (so the chunked path takes another step size). Exit 0 when all
 * inputs ran; a bug aborts (sanitizers make that loud).
 */
#include "autoconfig.h"

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL;
	size_t len = 0, alloc = 0, n;

	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	for (;;) {
		if (alloc - len < 65536) {
			uint8_t *p = realloc(buf, alloc + 65536 + 1);

			if (!p)
				abort();
			buf = p;
			alloc += 65536;
		}
		n = fread(buf + len, 1, 65536, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, len);
	if (len > 0) {
		buf[0] ^= 0x5a;
		(void)LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);
	return 0;
}

static int run_dir(const char *dir, unsigned *count)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (run_file(path) < 0)
			r = -1;
		(*count)++;
	}
	closedir(d);
	return r;
}

int main(int argc, char **argv)
{
#ifdef REPLAY_SUBDIRS
	static const char *const subdirs[] = { REPLAY_SUBDIRS };
#else
	static const char *const subdirs[] = { "status", "traffic", "global", "kernel" };
#endif
	const char *top = getenv("FIXTURES_DIR");
	unsigned count = 0;
	int r = 0;

	for (int i = 1; i < argc; i++) {
		if (run_file(argv[i]) < 0)
			r = -1;
		count++;
	}
	if (argc == 1) {
		if (!top)
			top = "tests/fixtures";
		for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
			char dir[PATH_MAX];

			if (snprintf(dir, sizeof(dir), "%s/%s", top, subdirs[i]) >=
			    (int)sizeof(dir))
				return EXIT_FAILURE;
			if (run_dir(dir, &count) < 0)
				r = -1;
		}
	}
	printf("replay: %u inputs\n", count);
	return r < 0 || count == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
