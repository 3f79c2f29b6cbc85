/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <string.h>

#include "lines.h"

void line_reader_init(struct line_reader *lr)
{
	lr->len = 0;
	lr->overflow = false;
}

static void emit(struct line_reader *lr, line_cb cb, void *userdata)
{
	size_t len = lr->len;

	if (len > 0 && lr->buf[len - 1] == '\r' && !lr->overflow)
		len--;
	lr->buf[len] = '\0';
	cb(userdata, lr->buf, len, lr->overflow);
	lr->len = 0;
	lr->overflow = false;
}

void line_reader_feed(struct line_reader *lr, const char *data, size_t len, line_cb cb, void *userdata)
{
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t chunk = nl ? (size_t)(nl - data) : len;
		size_t room = LINE_MAX_LEN - lr->len;
		size_t take = chunk < room ? chunk : room;

		memcpy(lr->buf + lr->len, data, take);
		lr->len += take;
		if (chunk > take)
			lr->overflow = true;
		if (!nl)
			return;
		emit(lr, cb, userdata);
		data = nl + 1;
		len -= chunk + 1;
	}
}

void line_reader_finish(struct line_reader *lr, line_cb cb, void *userdata)
{
	if (lr->len > 0 || lr->overflow)
		emit(lr, cb, userdata);
}
