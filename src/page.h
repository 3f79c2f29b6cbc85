/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"

/*
 * A rendered metrics page, made once per poll cycle and reference-counted,
 * so an HTTP response in flight keeps its page alive across a swap. The
 * text format and its gzip are made with the page (Prometheus asks for gzip
 * on every scrape); the OpenMetrics form, which differs only in the counter
 * family names and the "# EOF" trailer, is derived from the text on the
 * first request that wants it and then kept with the page.
 */

struct page_body {
	char *data;
	size_t len;
};

struct page {
	unsigned refs;
	struct page_body plain[2];	/* indexed by enum metrics_format; [OPENMETRICS] lazily */
	struct page_body gzip[2];	/* gzip[TEXT] with the page when asked for, [OPENMETRICS] lazily */
};

/* Make a page from the text-format page (takes ownership); compress it now if asked. */
struct page *page_new(char *text, size_t text_len, bool compress);

/* The body in the given format, gzip-compressed or not (made on first use). NULL if gzip failed. */
const struct page_body *page_body(struct page *p, enum metrics_format format, bool gzip);

/*
 * The text buffer of a page nobody else holds (no response in flight), taken out of it
 * for the next page to be rendered into, with its usable size in *ret_size; NULL when
 * shared or already taken. The page itself is still to be unreferenced.
 */
char *page_take_text(struct page *p, size_t *ret_size);

/* Take a reference. */
struct page *page_ref(struct page *p);

/* Drop a reference; frees at zero; NULL is a no-op; returns NULL. */
struct page *page_unref(struct page *p);

/* gzip-compress (RFC 1952) data into a new buffer at the given zlib level; 0 or -ENOMEM/-EIO. */
int gzip_compress(const char *data, size_t len, int level, char **ret, size_t *ret_len);

/* The OpenMetrics form of a text-format page rendered by render_page() (new buffer). */
char *page_text_to_openmetrics(const char *text, size_t len, size_t *ret_len);
