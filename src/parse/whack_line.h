/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/lines.h"

/*
 * The layer the three whack parsers share (status, trafficstatus,
 * globalstatus): how one line of whack output is prepared before its
 * grammar is looked at, the `"name"[1][2]` connection reference, and digits.
 * Pure; no allocation.
 *
 * Line preparation, in place on a writable line (the line reader's buffer):
 *  - at most LINE_MAX_LEN bytes are looked at (longer: cut, truncated);
 *  - a trailing CR of a complete line goes (CRLF);
 *  - a NUL byte makes the line unusable (pluto never prints one; what follows
 *    it cannot be trusted);
 *  - pluto's own 1024-byte cut ends the line with "...": truncated;
 *  - an optional "NNN " reply-code prefix (3.x/4.x) is removed and kept in
 *    code ("NNN" alone is an empty line);
 *  - what is left, if only spaces, is a blank (separator) line.
 */

/* The reply code whack prints for an unknown connection name (3.x/4.x). */
#define WHACK_CODE_UNKNOWN_NAME 21

enum whack_line_kind {
	WHACK_LINE_TEXT,	/* something to parse */
	WHACK_LINE_BLANK,	/* only spaces after the prefix: a separator */
	WHACK_LINE_NUL,		/* holds a NUL byte: a parse error */
};

struct whack_line {
	char *text;		/* after the prefix, NUL-terminated, writable */
	size_t len;		/* of text */
	int code;		/* the "NNN " reply code, -1 if none */
	bool truncated;		/* cut by the reader or by pluto ("...") */
};

/*
 * Prepare the len bytes at buf in place (buf[len] must be writable, it gets
 * the NUL); line_flags as the line reader gives them (LINE_TRUNCATED,
 * LINE_NUL). Fills *ret for WHACK_LINE_TEXT and WHACK_LINE_BLANK.
 */
enum whack_line_kind whack_line_prepare(char *buf, size_t len, unsigned line_flags,
					struct whack_line *ret);

/*
 * whack_line_prepare() with the counting every whack parser does: a line that is not blank
 * counts in *lines, one holding a NUL in *parse_errors too; *prefixed (prefixed may be NULL) is
 * set when the line carries a 3.x/4.x reply code. 1: text to parse (*ret filled in); 0: a blank
 * line; -EBADMSG: a NUL (the text after it cannot be trusted: pluto never prints one).
 */
int whack_line_take(char *buf, size_t len, unsigned line_flags, struct whack_line *ret,
		    uint64_t *lines, uint64_t *parse_errors, bool *prefixed);

/* `"name"[1][2]` at s (s[0] == '"'): the name ends at the first '"' followed by '[', ':', ',', ' '
 * or the end. */
struct whack_conn_ref {
	const char *name;
	size_t name_len;
	const char *chain;	/* the "[N][M]" instance chain; chain_len 0 if none */
	size_t chain_len;
	const char *end;	/* just after the chain */
};

/* Scan a connection reference at s; 0 or -EBADMSG. */
int whack_conn_ref(const char *s, struct whack_conn_ref *ret);

static inline bool whack_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at s: the value and the end of the digits; -EINVAL (none) or -ERANGE. */
int whack_read_u64(const char *s, uint64_t *ret, const char **ret_end);
