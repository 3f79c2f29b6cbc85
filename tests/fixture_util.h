/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * Helpers shared by the parser tests (header-only, static): read a fixture,
 * list a fixture directory, escape bytes for golden files, compare a dump
 * with its .expected file. $UPDATE_GOLDEN_DIR, when set, receives the dumps
 * as <fixture>.expected instead (to regenerate goldens; review the diff).
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/util.h"

static inline char *fixture_read(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	size_t len = 0, alloc = 0, n;

	if (!f)
		return NULL;
	do {
		xgrow((void **)&buf, &alloc, len + 65536 + 1, 1);
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static inline int fixture_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the *.txt files in dir; returns the count, names in *ret (free each + array). */
static inline size_t fixture_list(const char *dir, char ***ret)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		*ret = NULL;
		return 0;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		xgrow((void **)&names, &alloc, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), fixture_cmp_names);
	*ret = names;
	return n;
}

/* Append a string quoted, bytes outside printable ASCII (and " \) as \xHH; NULL as -. */
static inline void dump_str(struct strbuf *sb, const char *s)
{
	if (!s) {
		strbuf_putc(sb, '-');
		return;
	}
	strbuf_putc(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			strbuf_appendf(sb, "\\x%02x", c);
		else
			strbuf_putc(sb, (char)c);
	}
	strbuf_putc(sb, '"');
}

static inline void dump_timer(struct strbuf *sb, const char *key, int64_t v, int64_t none)
{
	strbuf_appendf(sb, " %s=", key);
	if (v == none)
		strbuf_putc(sb, '-');
	else
		strbuf_put_i64(sb, v);
}

/*
 * Compare dump with dir/name's .expected (name ends in .txt). Returns 0 if
 * equal; prints the first differing line otherwise.
 */
static inline int golden_compare(const char *dir, const char *name, const char *dump)
{
	char path[PATH_MAX];
	const char *update = getenv("UPDATE_GOLDEN_DIR");
	size_t len, base = strlen(name) - 4;
	char *expected;
	const char *a, *b, *la, *lb;
	unsigned line = 1;

	if (update) {
		FILE *f;

		if (snprintf(path, sizeof(path), "%s/%.*s.expected", update, (int)base, name) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
		f = fopen(path, "we");
		if (!f)
			return -errno;
		fputs(dump, f);
		fclose(f);
		return 0;
	}
	if (snprintf(path, sizeof(path), "%s/%.*s.expected", dir, (int)base, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	expected = fixture_read(path, &len);
	if (!expected) {
		fprintf(stderr, "golden: missing %s\n", path);
		return -ENOENT;
	}
	la = expected;
	lb = dump;
	for (a = expected, b = dump; *a && *a == *b; a++, b++)
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
	if (*a == *b) {
		free(expected);
		return 0;
	}
	fprintf(stderr, "golden: %s differs at line %u\n  expected: %.*s\n  got:      %.*s\n", path,
		line, (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
	free(expected);
	return -EBADMSG;
}
