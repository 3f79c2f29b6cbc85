/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <malloc.h>
#include <zlib.h>

#include "page.h"
#include "strbuf.h"
#include "util.h"

/*
 * Level 1: on a 7 MB page (10k tunnels) it is about twice as fast as the
 * default level 6 for a body some 15% larger; the page is compressed once
 * per poll cycle, on the loop that also serves scrapes.
 */
#define PAGE_GZIP_LEVEL 1

int gzip_compress(const char *data, size_t len, int level, char **ret, size_t *ret_len)
{
	z_stream zs = { 0 };
	size_t cap;
	char *out;
	int r;

	/* windowBits 15 + 16: gzip header and trailer */
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
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

char *page_text_to_openmetrics(const char *text, size_t len, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text, *end = text + len;

	strbuf_reserve(&sb, len + 16);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p);

		/* "# HELP x_total ..." / "# TYPE x_total counter": OpenMetrics names the family "x".
		 * Every counter family of ours ends in _total and no gauge does. */
		if (n > 7 && p[0] == '#' && (memcmp(p, "# HELP ", 7) == 0 || memcmp(p, "# TYPE ", 7) == 0)) {
			const char *name_end = memchr(p + 7, ' ', n - 7);

			if (name_end && name_end - (p + 7) > 6 && memcmp(name_end - 6, "_total", 6) == 0) {
				strbuf_append(&sb, p, (size_t)(name_end - 6 - p));
				strbuf_append(&sb, name_end, n - (size_t)(name_end - p));
				p += n;
				continue;
			}
		}
		strbuf_append(&sb, p, n);
		p += n;
	}
	strbuf_puts(&sb, "# EOF\n");
	return strbuf_detach(&sb, ret_len);
}

struct page *page_new(char *text, size_t text_len, bool compress)
{
	struct page *p = xcalloc(1, sizeof(*p));

	p->refs = 1;
	p->plain[METRICS_FORMAT_TEXT] = (struct page_body){ text, text_len };
	if (compress)
		(void)page_body(p, METRICS_FORMAT_TEXT, true);
	return p;
}

const struct page_body *page_body(struct page *p, enum metrics_format format, bool gzip)
{
	struct page_body *plain = &p->plain[format];
	struct page_body *gz = &p->gzip[format];

	if (!plain->data) {
		const struct page_body *text = &p->plain[METRICS_FORMAT_TEXT];

		plain->data = page_text_to_openmetrics(text->data, text->len, &plain->len);
	}
	if (!gzip)
		return plain;
	if (!gz->data && gzip_compress(plain->data, plain->len, PAGE_GZIP_LEVEL, &gz->data, &gz->len) < 0)
		return NULL;
	return gz;
}

char *page_take_text(struct page *p, size_t *ret_size)
{
	char *text;

	if (!p || p->refs != 1 || !p->plain[METRICS_FORMAT_TEXT].data)
		return NULL;
	text = p->plain[METRICS_FORMAT_TEXT].data;
	p->plain[METRICS_FORMAT_TEXT] = (struct page_body){ NULL, 0 };
	*ret_size = malloc_usable_size(text);
	return text;
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
