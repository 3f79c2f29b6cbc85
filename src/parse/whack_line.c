/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "parse/whack_line.h"

/* "NNN " or a bare "NNN" */
#define CODE_LEN 3

enum whack_line_kind whack_line_prepare(char *buf, size_t len, unsigned line_flags,
					struct whack_line *ret)
{
	bool truncated = line_flags & LINE_TRUNCATED;
	char *p = buf;
	const char *q;

	if (line_flags & LINE_NUL)
		return WHACK_LINE_NUL;
	if (len > LINE_MAX_LEN) {
		len = LINE_MAX_LEN;
		truncated = true;
	}
	if (len > 0 && buf[len - 1] == '\r' && !truncated)
		len--;
	buf[len] = '\0';
	if (len >= 3 && memcmp(buf + len - 3, "...", 3) == 0)
		truncated = true;	/* pluto's own 1024-byte cut */

	ret->code = -1;
	if (len >= CODE_LEN && whack_is_digit(p[0]) && whack_is_digit(p[1]) &&
	    whack_is_digit(p[2]) && (len == CODE_LEN || p[CODE_LEN] == ' ')) {
		ret->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		p += len == CODE_LEN ? CODE_LEN : CODE_LEN + 1;
	}
	ret->text = p;
	ret->len = len - (size_t)(p - buf);
	ret->truncated = truncated;
	for (q = p; *q == ' '; q++)
		;
	return *q == '\0' ? WHACK_LINE_BLANK : WHACK_LINE_TEXT;
}

int whack_line_take(char *buf, size_t len, unsigned line_flags, struct whack_line *ret,
		    uint64_t *lines, uint64_t *parse_errors, bool *prefixed)
{
	switch (whack_line_prepare(buf, len, line_flags, ret)) {
	case WHACK_LINE_BLANK:
		return 0;
	case WHACK_LINE_NUL:
		(*lines)++;
		(*parse_errors)++;
		return -EBADMSG;
	case WHACK_LINE_TEXT:
		break;
	}
	(*lines)++;
	if (prefixed && ret->code >= 0)
		*prefixed = true;
	return 1;
}

int whack_conn_ref(const char *s, struct whack_conn_ref *ret)
{
	const char *q = s + 1;
	const char *p;

	for (;;) {
		q = strchr(q, '"');
		if (!q)
			return -EBADMSG;
		if (q[1] == '[' || q[1] == ':' || q[1] == ',' || q[1] == ' ' || q[1] == '\0')
			break;
		q++;
	}
	p = q + 1;
	while (*p == '[') {
		const char *d = p + 1;

		while (whack_is_digit(*d))
			d++;
		if (d == p + 1 || *d != ']')
			break;
		p = d + 1;
	}
	ret->name = s + 1;
	ret->name_len = (size_t)(q - (s + 1));
	ret->chain = q + 1;
	ret->chain_len = (size_t)(p - (q + 1));
	ret->end = p;
	return 0;
}

int whack_read_u64(const char *s, uint64_t *ret, const char **ret_end)
{
	const char *e = s;

	while (whack_is_digit(*e))
		e++;
	if (e == s)
		return -EINVAL;
	if (safe_atou64_n(s, (size_t)(e - s), ret) < 0)
		return -ERANGE;
	*ret_end = e;
	return 0;
}
