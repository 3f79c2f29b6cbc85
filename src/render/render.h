/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stddef.h>

#include "lib/metrics.h"

/*
 * The page as a whole: where it is written (a buffer sized from the last page, or lent by it, or a
 * sink that takes it in pieces) and its end. What it says comes from fn, which writes every
 * family. Pure: no I/O, no clock.
 */

/* Writes the page's families. */
typedef void (*render_fn)(void *userdata, struct metrics_writer *w);

/* Where the page is written. */
struct render_buffer {
	size_t reserve;		/* bytes the page will likely take: the buffer is sized once */
	char *reuse;		/* a buffer to render into (taken over), or NULL */
	size_t reuse_size;	/* its usable size */
	/*
	 * Where the page goes as it is rendered, or NULL: sink takes it in pieces of about
	 * sink_chunk bytes (0: RENDER_SINK_CHUNK), in order, cut where a family begins, and what
	 * render_page() returns is the rest. The page is then never whole in memory (--once at 100k
	 * connections: 8 MB of buffer instead of 72). No render cache with a sink: it keeps offsets
	 * into the page.
	 */
	metrics_flush_fn sink;
	void *sink_userdata;
	size_t sink_chunk;
};

#define RENDER_SINK_CHUNK (4u << 20)

/* Render the page; returns a new buffer (caller frees), its length in *ret_len. */
char *render_page(const struct render_buffer *buf, enum metrics_format format, render_fn fn,
		  void *userdata, size_t *ret_len);
