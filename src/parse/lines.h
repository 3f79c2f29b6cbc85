/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Pure line splitter for whack output that arrives in chunks.
 *
 * Lines end at '\n'; a trailing '\r' is removed (CRLF); NUL bytes are kept
 * in the line (callers see the length) and the line is flagged LINE_NUL. A
 * line longer than LINE_MAX_LEN is cut: the callback gets the first
 * LINE_MAX_LEN bytes flagged LINE_TRUNCATED and the rest of that line is
 * dropped. Memory use is bounded by LINE_MAX_LEN whatever the input.
 */

#define LINE_MAX_LEN 4096

enum {
	LINE_TRUNCATED = 1 << 0,    /* cut at LINE_MAX_LEN */
	LINE_NUL = 1 << 1,	    /* holds a NUL byte before len */
	LINE_UNTERMINATED = 1 << 2, /* the last line, which had no '\n' (line_reader_finish()) */
};

/*
 * Called once per complete line: line is NUL-terminated at len (it may contain NULs, then
 * LINE_NUL is set) and lives in the reader's buffer, which the callback may modify (at most
 * up to line[len]). flags: LINE_* bits.
 */
typedef void (*line_cb)(void *userdata, char *line, size_t len, unsigned flags);

/* The LINE_* flags of a line given whole (not through a reader): truncated and NUL bits. */
unsigned line_flags(const char *line, size_t len, bool truncated);

struct line_reader {
	char buf[LINE_MAX_LEN + 1];
	size_t len;
	bool overflow;
};

/* Reset a reader to its empty state. */
void line_reader_init(struct line_reader *lr);

/* Feed a chunk; calls cb for every line completed by it (each line copied into the reader's
 * buffer). */
void line_reader_feed(struct line_reader *lr, const char *data, size_t len, line_cb cb,
		      void *userdata);

/*
 * The same for a chunk the caller lets the reader modify: a line that lies whole inside it
 * is handed to cb where it is, its '\n' (or CR) turned into the NUL, without a copy. The
 * lines delivered are the same as line_reader_feed()'s.
 */
void line_reader_feed_inplace(struct line_reader *lr, char *data, size_t len, line_cb cb,
			      void *userdata);

/* Flush a last line that had no '\n' (flagged LINE_UNTERMINATED). */
void line_reader_finish(struct line_reader *lr, line_cb cb, void *userdata);
