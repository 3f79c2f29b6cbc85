/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <malloc.h>
#include <zlib.h>

#include "http/page.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/*
 * Level 1: on a 7 MB page (10k tunnels) it is about twice as fast as the
 * default level 6 for a body some 15% larger (13 ms here for 7.6 MB); the
 * page is compressed at most once per poll cycle and format, in slices.
 */
#define PAGE_GZIP_LEVEL 1
#define PAGE_FORMATS 2	/* enum metrics_format */

/* A gzip body being made: the stream, its output so far, how much of the plain body it has read. */
struct deflating {
	z_stream zs;
	char *out;
	size_t cap;
	size_t in_off;
};

struct page {
	unsigned refs;
	struct page_body plain[PAGE_FORMATS];	/* [TEXT] from the start, [OPENMETRICS] once made */
	struct page_body gzip[PAGE_FORMATS];	/* once made */
	char *text;			/* owned buffers behind the bodies */
	char *openmetrics;
	char *gz[PAGE_FORMATS];
	/* bodies being made */
	struct strbuf om_sb;		/* the OpenMetrics form so far */
	size_t om_off;			/* how much of the text it covers */
	struct deflating *deflating[PAGE_FORMATS];
	int gz_error[PAGE_FORMATS];	/* a gzip body that could not be made (-errno) */
};

/*
 * Convert text lines from *off on into sb until at least max_input bytes are
 * handled (whole lines) or the text ends; true once it has ended (and the
 * "# EOF" trailer is written).
 */
static bool openmetrics_step(struct strbuf *sb, const char *text, size_t len, size_t *off,
			     size_t max_input)
{
	const char *p = text + *off, *end = text + len,
		   *stop = max_input < (size_t)(end - p) ? p + max_input : end;

	while (p < stop) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) + 1 : (size_t)(end - p);

		/* "# HELP x_total ..." / "# TYPE x_total counter": OpenMetrics names the family
		 * "x". Every counter family of ours ends in _total and no gauge does. */
		if (n > 7 && p[0] == '#' &&
		    (memcmp(p, "# HELP ", 7) == 0 || memcmp(p, "# TYPE ", 7) == 0)) {
			const char *name_end = memchr(p + 7, ' ', n - 7);

			if (name_end && name_end - (p + 7) > 6 &&
			    memcmp(name_end - 6, "_total", 6) == 0) {
				strbuf_append(sb, p, (size_t)(name_end - 6 - p));
				strbuf_append(sb, name_end, n - (size_t)(name_end - p));
				p += n;
				continue;
			}
		}
		strbuf_append(sb, p, n);
		p += n;
	}
	*off = (size_t)(p - text);
	if (p < end)
		return false;
	strbuf_puts(sb, "# EOF\n");
	return true;
}

char *page_text_to_openmetrics(const char *text, size_t len, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t off = 0;

	strbuf_reserve(&sb, len + 16);
	(void)openmetrics_step(&sb, text, len, &off, len);
	return strbuf_detach(&sb, ret_len);
}

struct page *page_new(char *text, size_t text_len)
{
	struct page *p = xcalloc(1, sizeof(*p));

	p->refs = 1;
	p->text = text;
	p->plain[METRICS_FORMAT_TEXT] = (struct page_body){ text, text_len };
	return p;
}

const struct page_body *page_get_body(const struct page *p, enum metrics_format format, bool gzip)
{
	const struct page_body *b = gzip ? &p->gzip[format] : &p->plain[format];

	return b->data ? b : NULL;
}

static struct deflating *deflating_free(struct deflating *d)
{
	if (!d)
		return NULL;
	(void)deflateEnd(&d->zs);
	free(d->out);
	free(d);
	return NULL;
}

/* One step of the gzip body of a made plain body: 1 made, 0 more to do, -errno failed. */
static int deflate_step(struct page *p, enum metrics_format format, size_t max_input)
{
	const struct page_body *in = &p->plain[format];
	struct deflating *d = p->deflating[format];
	size_t n;
	int r;

	if (!d) {
		d = xcalloc(1, sizeof(*d));
		/* windowBits 15 + 16: gzip header and trailer */
		if (deflateInit2(&d->zs, PAGE_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			free(d);
			return -ENOMEM;
		}
		/* room for the whole stream: deflate never runs out of output, and pages not
		 * written to (most of the bound) cost no memory */
		d->cap = deflateBound(&d->zs, (uLong)in->len) + 32;
		d->out = xmalloc(d->cap);
		d->zs.next_out = (Bytef *)d->out;
		d->zs.avail_out = (uInt)d->cap;
		p->deflating[format] = d;
	}
	n = in->len - d->in_off;
	if (n > max_input)
		n = max_input;
	if (n == 0 && d->in_off < in->len)
		return 0;	/* nothing asked for: deflate() would take it for an error */
	d->zs.next_in = (Bytef *)(uintptr_t)(in->data + d->in_off);
	d->zs.avail_in = (uInt)n;
	d->in_off += n;
	r = deflate(&d->zs, d->in_off == in->len ? Z_FINISH : Z_NO_FLUSH);
	if (r == Z_STREAM_END) {
		size_t len = d->zs.total_out;
		char *out = realloc(d->out, len ? len : 1);	/* give the unused bound back */

		p->gz[format] = out ? out : d->out;
		p->gzip[format] = (struct page_body){ p->gz[format], len };
		d->out = NULL;
		p->deflating[format] = deflating_free(d);
		return 1;
	}
	if (r != Z_OK || d->zs.avail_in != 0) {
		p->deflating[format] = deflating_free(d);
		return -EIO;
	}
	return 0;
}

int page_make(struct page *p, enum metrics_format format, bool gzip, size_t max_input)
{
	int r;

	if (page_get_body(p, format, gzip))
		return 1;
	if (gzip && p->gz_error[format] < 0)
		return p->gz_error[format];
	if (!p->plain[format].data) {
		/* only the OpenMetrics form is ever missing: derive it from the text */
		const struct page_body *text = &p->plain[METRICS_FORMAT_TEXT];

		if (!p->om_sb.buf)
			strbuf_reserve(&p->om_sb, text->len + 16);
		if (!openmetrics_step(&p->om_sb, text->data, text->len, &p->om_off, max_input))
			return 0;
		p->openmetrics = strbuf_detach(&p->om_sb, &p->plain[format].len);
		p->plain[format].data = p->openmetrics;
		return gzip ? 0 : 1;
	}
	r = deflate_step(p, format, max_input);
	if (r < 0)
		p->gz_error[format] = r;
	return r;
}

char *page_take_text(struct page *p, size_t *ret_size)
{
	char *text;

	if (!p || p->refs != 1 || !p->text)
		return NULL;
	text = p->text;
	p->text = NULL;
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
	free(p->text);
	free(p->openmetrics);
	strbuf_release(&p->om_sb);
	for (size_t f = 0; f < PAGE_FORMATS; f++) {
		free(p->gz[f]);
		deflating_free(p->deflating[f]);
	}
	free(p);
	return NULL;
}
