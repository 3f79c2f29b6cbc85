/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include "lib/strbuf.h"
#include "render/render.h"

char *render_page(const struct render_buffer *buf, enum metrics_format format, render_fn fn,
		  void *userdata, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	struct metrics_writer w;
	size_t sink_chunk = buf->sink_chunk ? buf->sink_chunk : RENDER_SINK_CHUNK;

	/* the last page's memory, already mapped: no page faults for every page written */
	if (buf->reuse && buf->reuse_size > 0)
		sb = (struct strbuf){ .buf = buf->reuse, .len = 0, .alloc = buf->reuse_size };
	/* no chain of reallocations and copies as the page grows */
	strbuf_reserve(&sb, buf->sink ? 2 * sink_chunk : buf->reserve);
	metrics_writer_init(&w, &sb, format);
	if (buf->sink)
		metrics_writer_set_flush(&w, buf->sink, buf->sink_userdata, sink_chunk);
	fn(userdata, &w);
	metrics_writer_finish(&w);
	return strbuf_detach(&sb, ret_len);
}
