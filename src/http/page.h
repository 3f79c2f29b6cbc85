/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/metrics.h"

/*
 * A rendered metrics page, made once per poll cycle and reference-counted,
 * so an HTTP response in flight keeps its page alive across a swap.
 *
 * Only the text format is made with the page. Each other body is made when
 * a request first wants it and then kept with the page for the rest of its
 * cycle: the OpenMetrics form (which differs only in the counter family
 * names and the "# EOF" trailer, so it is derived from the text) and the
 * gzip of either format. A cycle whose page nobody scrapes compresses
 * nothing. Making a body is split into steps of bounded input
 * (page_make()), so that the event loop can make the body of a 100k-tunnel
 * page in slices between its other work instead of in one long stall.
 */

struct page;

/* A body's bytes, owned by the page: valid while a reference to it is held. */
struct page_body {
	const char *data;
	size_t len;
};

/* Make a page from the text-format page (takes ownership of text, a malloc()ed buffer). */
struct page *page_new(char *text, size_t text_len);

/* The body in the given format, gzip-compressed or not, if it is made (the plain text always is);
 * else NULL. */
const struct page_body *page_get_body(const struct page *p, enum metrics_format format, bool gzip);

/*
 * Make (a part of) a body, handling at most max_input bytes of input: 1 once
 * the body is made, 0 when there is more to do, -errno when it cannot be made
 * (gzip failed: -ENOMEM or -EIO; then every later call says so too, and the
 * plain body is to be served instead).
 */
int page_make(struct page *p, enum metrics_format format, bool gzip, size_t max_input);

/*
 * The text buffer of a page nobody else holds (no response in flight, no
 * body being made), taken out of it for the next page to be rendered into,
 * with its usable size in *ret_size; NULL when shared or already taken. The
 * page itself is still to be unreferenced.
 */
char *page_take_text(struct page *p, size_t *ret_size);

/* Take a reference. */
struct page *page_ref(struct page *p);

/* Drop a reference; frees at zero; NULL is a no-op; returns NULL. */
struct page *page_unref(struct page *p);


/* The OpenMetrics form of a text-format page rendered by render_page() (new buffer). */
char *page_text_to_openmetrics(const char *text, size_t len, size_t *ret_len);
