/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

/*
 * plutolog-helper: the events collector's reading half (doc/privilege.md).
 *
 * Spawned once by the daemon and kept running, it follows pluto's log from its end and prints
 * pluto's messages, and only pluto's, on stdout (src/plutolog/protocol.h). Reading the journal
 * takes the systemd-journal group, which would show the network-facing process every service's
 * logs, and a root-owned log file takes CAP_DAC_READ_SEARCH: this process holds that capability
 * alone, reads nothing but the log, and passes on only what matches pluto. Memory is bounded:
 * one line buffer and stdio's output buffer. It ends with its parent (PR_SET_PDEATHSIG).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "plutolog/protocol.h"

/* How long the file follower sleeps when nothing tells it that the file changed. */
#define FILE_POLL_MS 1000
/* How long a rotated file is still read: its writer may add a last line before it reopens. */
#define ROTATED_GRACE_SEC 5
/*
 * Once the log has changed, how long the helper lets more of it gather before reading: pluto
 * writes every line on its own, and a storm of them read one by one costs a wakeup, a read and a
 * write per line, here and in the daemon (bench/README.md, section 7). A line is passed on at
 * most this much later; the page changes once per poll cycle anyway.
 */
#define GATHER_MS 20

static void gather(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = GATHER_MS * 1000000L };

	(void)nanosleep(&ts, NULL);
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* One message: control characters become spaces, at most PLUTOLOG_MESSAGE_MAX bytes. */
static void emit(uint64_t usec, const char *text, size_t len)
{
	char buf[PLUTOLOG_MESSAGE_MAX];

	if (len > sizeof(buf))
		len = sizeof(buf);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	printf("m %llu %.*s\n", (unsigned long long)usec, (int)len, buf);
}

static int fail(int r, const char *what)
{
	fprintf(stderr, "plutolog-helper: %s: %s\n", what, strerror(r < 0 ? -r : r));
	return r == -EPERM || r == -EACCES || r == EPERM || r == EACCES
		       ? PLUTOLOG_HELPER_EXIT_NOT_PERMITTED
		       : EXIT_FAILURE;
}

static int follow_journal(void)
{
	sd_journal *j = NULL;
	int r;

	r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0)
		return fail(r, "opening the journal");
	/* pluto's syslog identifier, from a process that is pluto (a user's `logger -t pluto` is
	 * not) */
	r = sd_journal_add_match(j, "SYSLOG_IDENTIFIER=pluto", 0);
	if (r >= 0)
		r = sd_journal_add_match(j, "_COMM=pluto", 0);
	if (r < 0)
		return fail(r, "matching pluto's entries");
	if (sd_journal_has_runtime_files(j) <= 0 && sd_journal_has_persistent_files(j) <= 0) {
		/* sd-journal skips the files it may not read: none at all is a missing permission
		 * where the journal's folders are there, and no journal (no journald) where they
		 * are not */
		bool denied = (access("/run/log/journal", F_OK) == 0 &&
			       access("/run/log/journal", R_OK | X_OK) < 0) ||
			      (access("/var/log/journal", F_OK) == 0 &&
			       access("/var/log/journal", R_OK | X_OK) < 0);

		printf("waiting %s\n", denied ? "no journal file can be read"
					      : "no journal (is systemd-journald running?)");
		(void)fflush(stdout);
		sd_journal_close(j);
		return denied ? fail(-EACCES, "reading the journal's files (needs "
					      "CAP_DAC_READ_SEARCH or the systemd-journal group)")
			      : fail(-ENOENT, "no journal files");
	}
	r = sd_journal_seek_tail(j);
	if (r >= 0)
		/* at the last entry: what next() returns from now on is new */
		r = sd_journal_previous(j);
	if (r < 0)
		return fail(r, "seeking the journal's end");
	printf("following journal\n");
	for (;;) {
		const void *data;
		size_t len;
		uint64_t usec;

		r = sd_journal_next(j);
		if (r < 0)
			return fail(r, "reading the journal");
		if (r == 0) {
			if (fflush(stdout) != 0)
				return fail(errno, "writing");
			r = sd_journal_wait(j, UINT64_MAX);
			if (r < 0)
				return fail(r, "waiting for the journal");
			gather();
			continue;
		}
		if (sd_journal_get_data(j, "MESSAGE", &data, &len) < 0 || len < 8)
			continue;
		if (sd_journal_get_realtime_usec(j, &usec) < 0)
			usec = now_usec();
		emit(usec, (const char *)data + 8, len - 8);	/* past "MESSAGE=" */
	}
}

struct file_follower {
	const char *path;
	int fd;
	int old_fd;		/* the file before the last rotation, read for a while longer */
	time_t old_until;
	dev_t dev;
	ino_t ino;
	off_t offset;
	char line[PLUTOLOG_MESSAGE_MAX + 1];
	size_t line_len;
	/* the line being read went past the buffer: the rest of it is dropped */
	bool overlong;
	/* the last whole line read, with its '\n', which must still end at offset: otherwise the
	 * file was truncated and written again (copytruncate), even where it grew back past offset
	 */
	char last[PLUTOLOG_MESSAGE_MAX + 1];
	size_t last_len;
};

/* The lines of what fd holds now, from where the follower stopped. */
static int read_available(struct file_follower *f, int fd)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (fd == f->fd)
			f->offset += n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				emit(now_usec(), f->line, f->line_len);
				if (fd == f->fd && !f->overlong) {
					memcpy(f->last, f->line, f->line_len);
					f->last[f->line_len] = '\n';
					f->last_len = f->line_len + 1;
				}
				f->line_len = 0;
				f->overlong = false;
			} else if (f->line_len < PLUTOLOG_MESSAGE_MAX) {
				f->line[f->line_len++] = buf[i];
			} else {
				f->overlong = true;
			}
		}
	}
}

/* The file was truncated (and perhaps written again): the last line read is no longer where it
 * was. */
static bool truncated(const struct file_follower *f)
{
	char buf[PLUTOLOG_MESSAGE_MAX + 1];
	struct stat st;

	if (fstat(f->fd, &st) == 0 && st.st_size < f->offset)
		return true;
	if (f->last_len == 0 || f->line_len > 0 || (off_t)f->last_len > f->offset)
		return false;	/* nothing to compare with, or in the middle of a line */
	return pread(f->fd, buf, f->last_len, f->offset - (off_t)f->last_len) !=
		       (ssize_t)f->last_len ||
	       memcmp(buf, f->last, f->last_len) != 0;
}

/* Open the file: at its end the first time (from_start false), from its start after a rotation. */
static int open_file(struct file_follower *f, bool from_start)
{
	struct stat st;

	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	if (fstat(f->fd, &st) < 0)
		return -errno;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->offset = from_start ? 0 : st.st_size;
	f->last_len = 0;
	(void)lseek(f->fd, f->offset, SEEK_SET);
	printf("following file %s\n", f->path);
	return 0;
}

static int follow_file(const char *path)
{
	struct file_follower f = { .path = path, .fd = -1, .old_fd = -1 };
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	bool opened_once = false, said_waiting = false;
	int in, r;

	/* the folder's events tell of writes, rotation and creation alike */
	if (!slash)
		(void)snprintf(dir, sizeof(dir), ".");
	else
		(void)snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path),
			       path);
	in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in >= 0)
		(void)inotify_add_watch(
			in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
	for (;;) {
		struct stat st;
		struct pollfd p = { .fd = in, .events = POLLIN };
		char ev[4096];

		if (f.fd < 0) {
			r = open_file(&f, opened_once);
			if (r == -EACCES || r == -EPERM)
				return fail(r, path);
			if (r < 0 && !said_waiting) {
				printf("waiting %s: %s\n", path, strerror(-r));
				said_waiting = true;
			}
			if (r == 0) {
				opened_once = true;
				said_waiting = false;
			}
		}
		if (f.old_fd >= 0) {
			(void)read_available(&f, f.old_fd);
			if (time(NULL) >= f.old_until) {
				(void)close(f.old_fd);
				f.old_fd = -1;
			}
		}
		if (f.fd >= 0) {
			r = read_available(&f, f.fd);
			if (r < 0)
				return fail(r, path);
			if (truncated(&f)) {
				/* truncated in place (copytruncate): from its start again */
				f.offset = lseek(f.fd, 0, SEEK_SET);
				f.last_len = 0;
				continue;
			}
			if (stat(path, &st) < 0 || st.st_dev != f.dev || st.st_ino != f.ino) {
				/* rotated or removed: the new file from its start, the old one for
				 * a while longer */
				if (f.old_fd >= 0)
					(void)close(f.old_fd);
				f.old_fd = f.fd;
				f.old_until = time(NULL) + ROTATED_GRACE_SEC;
				f.fd = -1;
				continue;
			}
		}
		if (fflush(stdout) != 0)
			return fail(errno, "writing");
		if (poll(in >= 0 ? &p : NULL, in >= 0 ? 1 : 0, FILE_POLL_MS) > 0) {
			gather();
			while (read(in, ev, sizeof(ev)) > 0)
				;
		}
	}
}

int main(int argc, char **argv)
{
	static char outbuf[65536];
	pid_t parent = getppid();

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("plutolog-helper (libreswan_exporter) %s, protocol %d\n", PACKAGE_VERSION,
		       PLUTOLOG_HELPER_PROTOCOL);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: plutolog-helper [--file PATH]\n"
		       "The events collector of libreswan_exporter, which spawns it and keeps\n"
		       "it running: follows pluto's log from its end (the systemd journal, or\n"
		       "the log file PATH) and prints pluto's messages on stdout. Needs\n"
		       "CAP_DAC_READ_SEARCH (or the systemd-journal group); exit status 3 when\n"
		       "the log cannot be read.\n");
		return 0;
	}
	if (!(argc == 1 || (argc == 3 && strcmp(argv[1], "--file") == 0))) {
		fprintf(stderr, "usage: %s [--file PATH] (spawned by libreswan_exporter)\n",
			argv[0]);
		return PLUTOLOG_HELPER_EXIT_USAGE;
	}
	/* ends with the daemon, even when nothing is ever written */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;
	(void)signal(SIGPIPE, SIG_DFL);
	(void)setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	printf("%s\n", PLUTOLOG_HELPER_HEADER);
	return argc == 3 ? follow_file(argv[2]) : follow_journal();
}
