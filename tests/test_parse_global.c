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

#include "parser_fixtures.h"
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

FIXTURE_PARSER(global_list, "global", 5, dump_global, NULL);

/* Every fixture against its golden, fed whole, byte by byte, line by line and into a reset list. */
static void test_global_fixtures(void **state)
{
	(void)state;
	assert_int_equal(fixture_parse_all(&global_list_fixtures), 0);
}

static void test_lookup_and_limits(void **state)
{
	static const char text[] =
		"current.states.ipsec=3\ntotal.ipsec.traffic.in=18446744073709551615\n"
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
