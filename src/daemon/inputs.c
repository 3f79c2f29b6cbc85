/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "daemon/inputs.h"
#include "lib/log.h"
#include "lib/util.h"

/* What one loop turn reads of a file at most: a slice of about a millisecond. */
#define INPUT_SLICE_BYTES (1024 * 1024)
#define INPUT_SLICE_USEC 1000

/* One read(): few system calls, and what it brings in still in the cache as it is parsed. */
#define INPUT_READ_BYTES (256 * 1024)

struct inputs {
	sd_event *event;
	bool whole;
	uint64_t max_output;
	inputs_data_fn data_fn;
	inputs_done_fn done_fn;
	void *userdata;
	sd_event_source *src;
	const char *paths[SOURCES_MAX_COMMANDS];
	size_t n;
	size_t cur;		/* the command being read; n when none */
	int fd;
	char *buf;		/* INPUT_READ_BYTES */
	uint64_t total;		/* bytes of the current file so far */
	uint64_t start;		/* when the current file's first slice began */
};

/* The first command from `from` on that has a file; in->n when none has. */
static size_t next_input(const struct inputs *in, size_t from)
{
	while (from < in->n && !in->paths[from])
		from++;
	return from;
}

/* Read a slice of the current file into its parser. POLL_REASON_NONE with *done false: more to
 * come. */
static enum poll_reason read_slice(struct inputs *in, bool *done)
{
	const char *path = in->paths[in->cur];
	uint64_t start = now_monotonic_usec();
	size_t slice = 0;

	*done = true;
	if (in->fd < 0) {
		in->fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			log_error_errno(errno, "Failed to open input file %s: %m", path);
			return POLL_REASON_SPAWN_FAILED;
		}
		in->total = 0;
	}
	if (!in->buf)
		in->buf = xmalloc(INPUT_READ_BYTES);
	for (;;) {
		ssize_t n = read(in->fd, in->buf, INPUT_READ_BYTES);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error_errno(errno, "Failed to read %s: %m", path);
			return POLL_REASON_SPAWN_FAILED;
		}
		if (n == 0)
			return POLL_REASON_NONE;
		in->total += (uint64_t)n;
		if (in->total > in->max_output) {
			log_error("%s is larger than --poll.max-output", path);
			return POLL_REASON_OUTPUT_TOO_LARGE;
		}
		in->data_fn(in->userdata, in->cur, in->buf, (size_t)n);
		slice += (size_t)n;
		if (in->whole)
			continue;
		if (slice >= INPUT_SLICE_BYTES ||
		    now_monotonic_usec() - start >= INPUT_SLICE_USEC) {
			*done = false;
			return POLL_REASON_NONE;
		}
	}
}

/* One slice per turn, from a timer that is always due (like the page maker's). */
static int on_input(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct inputs *in = userdata;
	size_t cmd = in->cur;
	enum poll_reason r;
	bool done;

	if (cmd >= in->n)
		return 0;
	if (!in->start)
		in->start = now_monotonic_usec();
	r = read_slice(in, &done);
	if (!done)
		return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	if (in->fd >= 0)
		(void)close(in->fd);
	in->fd = -1;
	in->cur = next_input(in, cmd + 1);
	if (in->cur < in->n)
		(void)sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	/* last: the last file's end may end the cycle */
	in->done_fn(in->userdata, cmd, r, now_monotonic_usec() - in->start);
	in->start = 0;
	return 0;
}

struct inputs *inputs_new(sd_event *e, bool whole, uint64_t max_output, inputs_data_fn data_fn,
			  inputs_done_fn done_fn, void *userdata)
{
	struct inputs *in = xcalloc(1, sizeof(*in));

	in->whole = whole;
	in->max_output = max_output;
	in->data_fn = data_fn;
	in->done_fn = done_fn;
	in->userdata = userdata;
	in->fd = -1;
	in->event = sd_event_ref(e);
	return in;
}

int inputs_start(struct inputs *in, const char *const *paths, size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++)
		in->paths[i] = paths[i];
	in->n = n;
	in->cur = next_input(in, 0);
	in->start = 0;
	if (in->cur >= n)
		return 0;
	if (!in->src) {
		/* due at once (time 1 is long past), to the microsecond */
		r = sd_event_add_time(in->event, &in->src, CLOCK_MONOTONIC, 1, 1, on_input, in);
		if (r < 0)
			return r;
	}
	return sd_event_source_set_enabled(in->src, SD_EVENT_ONESHOT);
}

struct inputs *inputs_free(struct inputs *in)
{
	if (!in)
		return NULL;
	in->src = sd_event_source_disable_unref(in->src);
	sd_event_unref(in->event);
	free(in->buf);
	if (in->fd >= 0)
		(void)close(in->fd);
	free(in);
	return NULL;
}
