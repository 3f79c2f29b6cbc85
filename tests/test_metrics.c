/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the exposition writer: HELP/TYPE then samples, label escaping,
 * invalid UTF-8 replaced, integers without locale or exponent, OpenMetrics
 * counter family naming and the # EOF trailer.
 */
#include "autoconfig.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/metrics.h"

static void test_text_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct metrics_writer w;

	metrics_writer_init(&w, &sb, METRICS_FORMAT_TEXT);
	metrics_family(&w, "x_bytes_total", METRIC_TYPE_COUNTER, "Help with \\ and\nnewline.");
	metrics_sample_u64(&w, (struct metric_label[]){ { "connection", "a\"b\\c\nd" } }, 1,
			   UINT64_MAX);
	metrics_family(&w, "y", METRIC_TYPE_GAUGE, "Y.");
	metrics_sample_double(&w, NULL, 0, 0.25);
	metrics_sample_double(&w, NULL, 0, 1700000000.0);
	metrics_sample_i64(&w, NULL, 0, -3);
	metrics_sample_double(&w, NULL, 0, NAN);
	metrics_writer_finish(&w);
	assert_string_equal(sb.buf,
			    "# HELP x_bytes_total Help with \\\\ and\\nnewline.\n"
			    "# TYPE x_bytes_total counter\n"
			    "x_bytes_total{connection=\"a\\\"b\\\\c\\nd\"} 18446744073709551615\n"
			    "# HELP y Y.\n"
			    "# TYPE y gauge\n"
			    "y 0.25\n"
			    "y 1700000000\n"
			    "y -3\n"
			    "y NaN\n");
	strbuf_release(&sb);
}

/* Values beyond int64 (a cast would be undefined) print as doubles, exactly. */
static void test_large_doubles(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct metrics_writer w;

	metrics_writer_init(&w, &sb, METRICS_FORMAT_TEXT);
	metrics_family(&w, "y", METRIC_TYPE_GAUGE, "Y.");
	metrics_sample_double(&w, NULL, 0, 1e300);
	metrics_sample_double(&w, NULL, 0, -1e19);
	metrics_sample_double(&w, NULL, 0, 9007199254740993.0);
	metrics_sample_double(&w, NULL, 0, 999999999999999.0);
	metrics_sample_double(&w, NULL, 0, -INFINITY);
	metrics_writer_finish(&w);
	assert_string_equal(sb.buf, "# HELP y Y.\n# TYPE y gauge\n"
				    "y 1e+300\n"
				    "y -1e+19\n"
				    "y 9007199254740992\n"
				    "y 999999999999999\n"
				    "y -Inf\n");
	strbuf_release(&sb);
}

static void test_openmetrics(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct metrics_writer w;

	metrics_writer_init(&w, &sb, METRICS_FORMAT_OPENMETRICS);
	metrics_family(&w, "x_total", METRIC_TYPE_COUNTER, "X.");
	metrics_sample_u64(&w, NULL, 0, 1);
	metrics_writer_finish(&w);
	assert_string_equal(sb.buf, "# HELP x X.\n# TYPE x counter\nx_total 1\n# EOF\n");
	strbuf_release(&sb);
}

static void test_utf8(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	metrics_escape_label(
		&sb, "ok \xc3\xa9 \xff bad \xe2\x82 cut \xed\xa0\x80 surrogate \xf0\x9f\x98\x80");
	assert_string_equal(sb.buf,
			    "ok \xc3\xa9 \xef\xbf\xbd bad \xef\xbf\xbd\xef\xbf\xbd cut "
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate \xf0\x9f\x98\x80");
	strbuf_release(&sb);
	/* overlong encodings are invalid */
	assert_int_equal(metrics_utf8_valid_len((const unsigned char *)"\xc0\x80", 2), 0);
	assert_int_equal(metrics_utf8_valid_len((const unsigned char *)"\xe0\x80\x80", 3), 0);
	assert_int_equal(metrics_utf8_valid_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_format),
		cmocka_unit_test(test_large_doubles),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
