/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stddef.h>

#include "metrics.h"

/*
 * A rendered metrics page: the text of both exposition formats, each plain
 * and gzip-compressed, rendered once per poll cycle. Immutable once made and
 * reference-counted, so an HTTP response in flight keeps its page alive
 * across a swap.
 */

struct page_body {
	char *data;
	size_t len;
};

struct page {
	unsigned refs;
	struct page_body plain[2];	/* indexed by enum metrics_format */
	struct page_body gzip[2];
};

/* Make a page from the two texts (takes ownership) and compress them. */
struct page *page_new(char *text, size_t text_len, char *openmetrics, size_t openmetrics_len);

/* Take a reference. */
struct page *page_ref(struct page *p);

/* Drop a reference; frees at zero; NULL is a no-op; returns NULL. */
struct page *page_unref(struct page *p);

/* gzip-compress (RFC 1952) data into a new buffer; 0 or -ENOMEM/-EIO. */
int gzip_compress(const char *data, size_t len, char **ret, size_t *ret_len);
