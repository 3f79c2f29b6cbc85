/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the page's bodies: only the text exists until a body is made; made
 * in steps of any size (one byte, a line, all at once), the OpenMetrics form
 * equals page_text_to_openmetrics() and each gzip body inflates to its plain
 * body and equals a one-shot compression; a step of no input does nothing.
 * And the page maker, on a real sd-event loop: bodies are made once however
 * often they are asked for, in several slices for a large page (the loop
 * turns in between: a timer fires while a body is being made), the done
 * callback comes once per body, a made body needs no job, the maker keeps
 * the page alive when everybody else let it go, and freeing the maker with
 * jobs queued calls nothing and leaks nothing.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>
#include <cmocka.h>

#include "http/page.h"
#include "http/page_maker.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/* A page of n connections with counter and gauge families, like render_page()'s. */
static char *sample_text(size_t n, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_puts(&sb, "# HELP libreswan_up Whether pluto answered.\n# TYPE libreswan_up "
			 "gauge\nlibreswan_up 1\n");
	strbuf_puts(&sb, "# HELP libreswan_connection_in_bytes_total Bytes in.\n"
			 "# TYPE libreswan_connection_in_bytes_total counter\n");
	for (size_t i = 0; i < n; i++)
		strbuf_appendf(&sb,
			       "libreswan_connection_in_bytes_total{connection=\"conn-%zu\"} %zu\n",
			       i, i * 7919 % 100003);
	strbuf_puts(&sb,
		    "# HELP libreswan_connection_up Up.\n# TYPE libreswan_connection_up gauge\n");
	for (size_t i = 0; i < n; i++)
		strbuf_appendf(&sb, "libreswan_connection_up{connection=\"conn-%zu\"} %d\n", i,
			       i % 3 != 0);
	return strbuf_detach(&sb, ret_len);
}

static char *gunzip(const struct page_body *b, size_t *ret_len)
{
	z_stream zs = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char buf[16384];
	int r;

	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)b->data;
	zs.avail_in = (uInt)b->len;
	do {
		zs.next_out = (Bytef *)buf;
		zs.avail_out = sizeof(buf);
		r = inflate(&zs, Z_NO_FLUSH);
		assert_true(r == Z_OK || r == Z_STREAM_END);
		strbuf_append(&sb, buf, sizeof(buf) - zs.avail_out);
	} while (r != Z_STREAM_END);
	assert_int_equal(zs.avail_in, 0);
	(void)inflateEnd(&zs);
	return strbuf_detach(&sb, ret_len);
}

/* The page's gzip in one go (its level and framing), to compare the sliced body with. */
static char *gzip_at_once(const char *data, size_t len, size_t *ret_len)
{
	z_stream zs = { 0 };
	size_t cap;
	char *out;

	/* windowBits 15 + 16: gzip header and trailer */
	assert_int_equal(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&zs, (uLong)len) + 32;
	out = xmalloc(cap);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*ret_len = zs.total_out;
	(void)deflateEnd(&zs);
	return out;
}

static void assert_body_equals(const struct page_body *b, const char *data, size_t len)
{
	assert_non_null(b);
	assert_int_equal(b->len, len);
	assert_memory_equal(b->data, data, len);
}

/* Make every body of a page in steps of the given input size, then check them all. */
static void make_in_steps(size_t n_conns, size_t step)
{
	size_t len, om_len, out_len;
	char *text = sample_text(n_conns, &len);
	_cleanup_free_ char *om = page_text_to_openmetrics(text, len, &om_len);
	struct page *p = page_new(xstrdup(text), len);
	static const enum metrics_format formats[] = { METRICS_FORMAT_TEXT,
						       METRICS_FORMAT_OPENMETRICS };

	assert_body_equals(page_get_body(p, METRICS_FORMAT_TEXT, false), text, len);
	assert_null(page_get_body(p, METRICS_FORMAT_OPENMETRICS, false));
	assert_null(page_get_body(p, METRICS_FORMAT_TEXT, true));
	assert_null(page_get_body(p, METRICS_FORMAT_OPENMETRICS, true));
	/* no input, no progress */
	assert_int_equal(page_make(p, METRICS_FORMAT_OPENMETRICS, true, 0), 0);
	assert_null(page_get_body(p, METRICS_FORMAT_OPENMETRICS, false));

	for (size_t f = 0; f < ELEMENTSOF(formats); f++) {
		const char *plain = formats[f] == METRICS_FORMAT_TEXT ? text : om;
		size_t plain_len = formats[f] == METRICS_FORMAT_TEXT ? len : om_len;
		_cleanup_free_ char *once = NULL, *inflated = NULL;
		size_t once_len, steps = 0;
		int r;

		while ((r = page_make(p, formats[f], true, step)) == 0)
			steps++;
		assert_int_equal(r, 1);
		/* a step never handles more than it is given (whole lines aside) */
		if (step < plain_len)
			assert_true(steps >= plain_len / (step + 200));
		assert_body_equals(page_get_body(p, formats[f], false), plain, plain_len);
		inflated = gunzip(page_get_body(p, formats[f], true), &out_len);
		assert_body_equals(&(struct page_body){ inflated, out_len }, plain, plain_len);
		/* the same bytes as compressing all at once */
		once = gzip_at_once(plain, plain_len, &once_len);
		assert_body_equals(page_get_body(p, formats[f], true), once, once_len);
		/* made: nothing more to do */
		assert_int_equal(page_make(p, formats[f], true, step), 1);
		assert_int_equal(page_make(p, formats[f], false, step), 1);
	}
	free(text);
	page_unref(p);
}

static void test_bodies_in_steps(void **state)
{
	make_in_steps(3, 1);
	make_in_steps(200, 37);
	make_in_steps(2000, 4096);
	make_in_steps(2000, SIZE_MAX);
}

static void test_empty_page(void **state)
{
	struct page *p = page_new(xstrdup(""), 0);
	_cleanup_free_ char *inflated = NULL;
	size_t len;

	assert_int_equal(page_make(p, METRICS_FORMAT_TEXT, true, 1), 1);
	inflated = gunzip(page_get_body(p, METRICS_FORMAT_TEXT, true), &len);
	assert_int_equal(len, 0);
	while (page_make(p, METRICS_FORMAT_OPENMETRICS, false, 1) == 0)
		;
	assert_body_equals(page_get_body(p, METRICS_FORMAT_OPENMETRICS, false), "# EOF\n", 6);
	page_unref(p);
}

struct maker_state {
	struct page_maker *m;
	unsigned done[2][2];	/* [format][gzip] */
	unsigned ticks;		/* a timer's turns while bodies were being made */
	unsigned slices;	/* loop iterations it took */
};

static void on_done(void *userdata, struct page *p, enum metrics_format format, bool gzip)
{
	struct maker_state *s = userdata;

	assert_non_null(page_get_body(p, format, gzip));
	s->done[format][gzip]++;
}

static int on_tick(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct maker_state *s = userdata;

	s->ticks++;
	return sd_event_source_set_time_relative(src, 100);
}

static void test_maker_on_loop(void **state)
{
	struct maker_state s = { 0 };
	sd_event *e = NULL;
	sd_event_source *tick = NULL;
	size_t len;
	char *text = sample_text(100000, &len);	/* about 7 MB, like a 10k-tunnel page */
	struct page *p = page_new(text, len);

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(page_maker_new(e, on_done, &s, &s.m), 0);
	assert_int_equal(sd_event_add_time_relative(e, &tick, CLOCK_MONOTONIC, 100, 1, on_tick, &s),
			 0);
	assert_int_equal(sd_event_source_set_enabled(tick, SD_EVENT_ON), 0);

	/* three requests for the OpenMetrics gzip and one for the text gzip: two bodies */
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_OPENMETRICS, true), 0);
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_OPENMETRICS, true), 0);
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_TEXT, true), 0);
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_OPENMETRICS, true), 0);
	assert_int_equal(page_maker_pending(s.m), 2);
	/* the plain text needs no job */
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_TEXT, false), 1);
	/* the maker holds the page: the last other reference may go */
	page_unref(p);

	while (page_maker_pending(s.m) > 0) {
		assert_true(sd_event_run(e, UINT64_MAX) >= 0);
		s.slices++;
	}
	assert_int_equal(s.done[METRICS_FORMAT_OPENMETRICS][true], 1);
	assert_int_equal(s.done[METRICS_FORMAT_TEXT][true], 1);
	assert_int_equal(s.done[METRICS_FORMAT_OPENMETRICS][false], 0);
	/* made in slices, with the timer served in between */
	assert_true(s.slices > 4);
	assert_true(s.ticks > 0);

	tick = sd_event_source_disable_unref(tick);
	s.m = page_maker_free(s.m);
	sd_event_unref(e);
}

static void test_maker_free_with_jobs(void **state)
{
	struct maker_state s = { 0 };
	sd_event *e = NULL;
	size_t len;
	char *text = sample_text(1000, &len);
	struct page *p = page_new(text, len);

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(page_maker_new(e, on_done, &s, &s.m), 0);
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_TEXT, true), 0);
	assert_int_equal(page_maker_want(s.m, p, METRICS_FORMAT_OPENMETRICS, false), 0);
	page_unref(p);
	s.m = page_maker_free(s.m);
	assert_int_equal(
		s.done[METRICS_FORMAT_TEXT][true] + s.done[METRICS_FORMAT_OPENMETRICS][false], 0);
	assert_null(page_maker_free(NULL));
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bodies_in_steps),
		cmocka_unit_test(test_empty_page),
		cmocka_unit_test(test_maker_on_loop),
		cmocka_unit_test(test_maker_free_with_jobs),
	};

	return cmocka_run_group_tests_name("page", tests, NULL, NULL);
}
