/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that parse_global reads `ipsec globalstatus` output: every
 * tests/fixtures/global/<x>.txt (real 3.25 and 5.4 consoles, a capture from a
 * real 4.10 pluto, awkward bytes) parses into exactly the entries and error
 * count of <x>.expected, fed whole or byte by byte; 2^64-1 is accepted, 2^64,
 * signs, spaces, hex, NUL bytes and lines without '=' are counted errors;
 * global_list_get() finds keys; the free is NULL-safe.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture_util.h"
#include "parse/parse_global.h"

static char *dump_global(const struct global_list *l)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "lines %llu\nparse_errors %llu\n", (unsigned long long)l->lines,
		       (unsigned long long)l->parse_errors);
	for (size_t i = 0; i < l->n_entries; i++) {
		dump_str(&sb, l->entries[i].key);
		strbuf_putc(&sb, ' ');
		strbuf_put_u64(&sb, l->entries[i].value);
		strbuf_putc(&sb, '\n');
	}
	return strbuf_detach(&sb, NULL);
}

static void test_global_fixtures(void **state)
{
	const char *top = getenv("FIXTURES_DIR");
	char dir[PATH_MAX], path[PATH_MAX + 256];
	char **names;
	size_t n;
	int failures = 0;

	struct global_list *reused = global_list_new();	/* reset between fixtures */

	snprintf(dir, sizeof(dir), "%s/global", top ? top : "tests/fixtures");
	n = fixture_list(dir, &names);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		struct global_list *whole, *bytes;
		char *text, *d_whole, *d_bytes;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = fixture_read(path, &len);
		assert_non_null(text);
		whole = global_parse(text, len);
		bytes = global_list_new();
		for (size_t k = 0; k < len; k++)
			parser_feed(&bytes->parser, text + k, 1);
		parser_finish(&bytes->parser);
		global_list_reset(reused);
		parser_feed(&reused->parser, text, len);
		parser_finish(&reused->parser);
		d_whole = dump_global(whole);
		d_bytes = dump_global(reused);
		if (!streq(d_whole, d_bytes)) {
			fprintf(stderr, "global: %s: parse into a reset list differs\n", names[i]);
			failures++;
		}
		free(d_bytes);
		d_bytes = dump_global(bytes);
		if (golden_compare(dir, names[i], d_whole) < 0)
			failures++;
		if (!streq(d_whole, d_bytes)) {
			fprintf(stderr, "global: %s: chunked parse differs\n", names[i]);
			failures++;
		}
		free(d_whole);
		free(d_bytes);
		global_list_free(whole);
		global_list_free(bytes);
		free(text);
		free(names[i]);
	}
	free(names);
	global_list_free(reused);
	assert_int_equal(failures, 0);
}

static void test_lookup_and_limits(void **state)
{
	static const char text[] = "current.states.ipsec=3\ntotal.ipsec.traffic.in=18446744073709551615\n"
				   "total.ipsec.traffic.out=18446744073709551616\n\n";
	struct global_list *l = global_parse(text, sizeof(text) - 1);
	uint64_t v = 42;

	assert_int_equal(l->n_entries, 2);
	assert_int_equal(l->lines, 3);
	assert_int_equal(l->parse_errors, 1);
	assert_true(global_list_get(l, "current.states.ipsec", &v));
	assert_int_equal(v, 3);
	assert_true(global_list_get(l, "total.ipsec.traffic.in", &v));
	assert_int_equal(v, UINT64_MAX);
	v = 42;
	assert_false(global_list_get(l, "total.ipsec.traffic.out", &v));
	assert_int_equal(v, 42);	/* untouched on a miss */
	assert_int_equal(parser_parse_line(&l->parser, "a=-1", 4), -EBADMSG);
	assert_int_equal(parser_parse_line(&l->parser, "a=1 ", 4), -EBADMSG);
	assert_int_equal(parser_parse_line(&l->parser, "a\0=1", 4), -EBADMSG);
	assert_int_equal(parser_parse_line(&l->parser, "a=1\r", 4), 0);
	assert_null(global_list_free(l));
	assert_null(global_list_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_fixtures),
		cmocka_unit_test(test_lookup_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
