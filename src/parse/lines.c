/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <string.h>

#include "parse/lines.h"

void line_reader_init(struct line_reader *lr)
{
	lr->len = 0;
	lr->overflow = false;
}

unsigned line_flags(const char *line, size_t len, bool truncated)
{
	return (truncated ? LINE_TRUNCATED : 0) | (memchr(line, '\0', len) ? LINE_NUL : 0);
}

static void emit(struct line_reader *lr, line_cb cb, void *userdata, unsigned extra_flags)
{
	size_t len = lr->len;

	if (len > 0 && lr->buf[len - 1] == '\r' && !lr->overflow)
		len--;
	lr->buf[len] = '\0';
	cb(userdata, lr->buf, len, line_flags(lr->buf, len, lr->overflow) | extra_flags);
	lr->len = 0;
	lr->overflow = false;
}

/* Take the piece [data, data + chunk) into the buffer; a line ends there when nl. */
static void take(struct line_reader *lr, const char *data, size_t chunk, bool nl, line_cb cb,
		 void *userdata)
{
	size_t room = LINE_MAX_LEN - lr->len;
	size_t n = chunk < room ? chunk : room;

	memcpy(lr->buf + lr->len, data, n);
	lr->len += n;
	if (chunk > n)
		lr->overflow = true;
	if (nl)
		emit(lr, cb, userdata, 0);
}

void line_reader_feed(struct line_reader *lr, const char *data, size_t len, line_cb cb,
		      void *userdata)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t chunk = nl ? (size_t)(nl - data) : len;

		take(lr, data, chunk, nl != NULL, cb, userdata);
		if (!nl)
			return;
		data = nl + 1;
		len -= chunk + 1;
	}
}

void line_reader_feed_inplace(struct line_reader *lr, char *data, size_t len, line_cb cb,
			      void *userdata)
{
	/* one look at the whole chunk (NULs never come from pluto) spares one per line */
	bool clean = !memchr(data, '\0', len);

	while (len > 0) {
		char *nl = memchr(data, '\n', len);
		size_t chunk = nl ? (size_t)(nl - data) : len;

		if (nl && lr->len == 0 && !lr->overflow && chunk <= LINE_MAX_LEN) {
			/* a whole line inside the chunk: handed out where it is, its end made a NUL
			 */
			size_t n = chunk > 0 && data[chunk - 1] == '\r' ? chunk - 1 : chunk;

			unsigned flags = clean ? 0 : line_flags(data, n, false);

			data[n] = '\0';
			cb(userdata, data, n, flags);
		} else {
			take(lr, data, chunk, nl != NULL, cb, userdata);
		}
		if (!nl)
			return;
		data = nl + 1;
		len -= chunk + 1;
	}
}

void line_reader_finish(struct line_reader *lr, line_cb cb, void *userdata)
{
	if (lr->len > 0 || lr->overflow)
		emit(lr, cb, userdata, LINE_UNTERMINATED);
}
