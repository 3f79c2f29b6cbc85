/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <zlib.h>

#include "page.h"
#include "util.h"

int gzip_compress(const char *data, size_t len, char **ret, size_t *ret_len)
{
	z_stream zs = { 0 };
	size_t cap;
	char *out;
	int r;

	/* windowBits 15 + 16: gzip header and trailer. Level 6 is zlib's default trade-off. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	cap = deflateBound(&zs, (uLong)len) + 32;
	out = xmalloc(cap);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	r = deflate(&zs, Z_FINISH);
	if (r != Z_STREAM_END) {
		(void)deflateEnd(&zs);
		free(out);
		return -EIO;
	}
	*ret_len = zs.total_out;
	(void)deflateEnd(&zs);
	*ret = out;
	return 0;
}

struct page *page_new(char *text, size_t text_len, char *openmetrics, size_t openmetrics_len)
{
	struct page *p = xcalloc(1, sizeof(*p));

	p->refs = 1;
	p->plain[METRICS_FORMAT_TEXT] = (struct page_body){ text, text_len };
	p->plain[METRICS_FORMAT_OPENMETRICS] = (struct page_body){ openmetrics, openmetrics_len };
	for (size_t f = 0; f < 2; f++)
		if (gzip_compress(p->plain[f].data, p->plain[f].len, &p->gzip[f].data, &p->gzip[f].len) < 0)
			p->gzip[f] = (struct page_body){ NULL, 0 };	/* served uncompressed instead */
	return p;
}

struct page *page_ref(struct page *p)
{
	p->refs++;
	return p;
}

struct page *page_unref(struct page *p)
{
	if (!p || --p->refs > 0)
		return NULL;
	for (size_t f = 0; f < 2; f++) {
		free(p->plain[f].data);
		free(p->gzip[f].data);
	}
	free(p);
	return NULL;
}
