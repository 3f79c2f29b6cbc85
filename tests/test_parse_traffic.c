/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that parse_traffic reads `ipsec trafficstatus` lines of every
 * Libreswan family by key, never by position:
 *  - golden: every tests/fixtures/traffic/<x>.txt (real 3.25, 4.4, 4.10, 5.1,
 *    5.4 lines; empty outputs captured from a real 4.10 pluto; 5.x forms
 *    derived from Libreswan's source; awkward bytes) parses into exactly what
 *    <x>.expected lists, fed whole, byte by byte or line by line;
 *  - username= raw up to ", type=", type=ESP(nic-offload=packet), maxBytes in
 *    2^63B and humber forms, id='...' with commas and quotes inside, lease
 *    lists, 2^64-1 counters accepted and 2^64 rejected (never wrapped),
 *    unknown keys skipped, a 1024-byte "..." cut keeping complete fields,
 *    the prefixed flag, unknown_name, and a NULL-safe free.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parser_fixtures.h"
#include "parse/parse_traffic.h"

static char *dump_traffic(const struct traffic_list *l)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "lines %llu\nparse_errors %llu\nprefixed %d\nunknown_name %d\n",
		       (unsigned long long)l->lines, (unsigned long long)l->parse_errors,
		       l->prefixed, l->unknown_name);
	for (size_t i = 0; i < l->n_sas; i++) {
		const struct traffic_sa *sa = &l->sas[i];

		strbuf_appendf(&sb, "sa #%llu ", (unsigned long long)sa->serial);
		dump_str(&sb, sa->conn);
		strbuf_puts(&sb, " instance=");
		dump_str(&sb, sa->instance);
		strbuf_puts(&sb, " peer=");
		dump_str(&sb, sa->peer);
		strbuf_puts(&sb, " username=");
		dump_str(&sb, sa->username);
		strbuf_puts(&sb, " type=");
		dump_str(&sb, sa->type);
		strbuf_puts(&sb, " offload=");
		dump_str(&sb, sa->offload);
		strbuf_appendf(&sb, " add_time=%llu", (unsigned long long)sa->add_time);
		strbuf_puts(&sb, " in=");
		if (sa->has_in_bytes)
			strbuf_put_u64(&sb, sa->in_bytes);
		else
			strbuf_putc(&sb, '-');
		strbuf_puts(&sb, " out=");
		if (sa->has_out_bytes)
			strbuf_put_u64(&sb, sa->out_bytes);
		else
			strbuf_putc(&sb, '-');
		strbuf_puts(&sb, " max=");
		if (sa->has_max_bytes)
			strbuf_put_u64(&sb, sa->max_bytes);
		else
			strbuf_putc(&sb, '-');
		strbuf_puts(&sb, " id=");
		dump_str(&sb, sa->id);
		strbuf_puts(&sb, " lease=");
		dump_str(&sb, sa->lease);
		strbuf_appendf(&sb, " truncated=%d\n", sa->truncated);
	}
	return strbuf_detach(&sb, NULL);
}

FIXTURE_PARSER(traffic_list, "traffic", 10, dump_traffic, NULL);

/* Every fixture against its golden, fed whole, byte by byte, line by line and into a reset list. */
static void test_traffic_fixtures(void **state)
{
	(void)state;
	assert_int_equal(fixture_parse_all(&traffic_list_fixtures), 0);
}

static int parse1(struct traffic_list *l, const char *line)
{
	return parser_parse_line(&l->parser, line, strlen(line));
}

/* Keys, not positions: every optional field present, absent, or reordered by a future release. */
static void test_fields_by_key(void **state)
{
	struct traffic_list *l = traffic_list_new();

	assert_int_equal(parse1(l, "006 #2: \"east-any\"[1] 192.1.3.33, username=x, y, type=ESP, "
				"add_time=1234567890, inBytes=336, outBytes=84, maxBytes=2^63B, "
				"lease=192.0.2.100/32"), 0);
	assert_true(l->prefixed);
	assert_int_equal(l->n_sas, 1);
	assert_string_equal(l->sas[0].conn, "east-any");
	assert_string_equal(l->sas[0].instance, "[1]");
	assert_string_equal(l->sas[0].peer, "192.1.3.33");
	assert_string_equal(l->sas[0].username, "x, y");
	assert_string_equal(l->sas[0].type, "ESP");
	assert_null(l->sas[0].offload);
	assert_int_equal(l->sas[0].add_time, 1234567890);
	assert_int_equal(l->sas[0].in_bytes, 336);
	assert_int_equal(l->sas[0].out_bytes, 84);
	assert_true(l->sas[0].max_bytes == TRAFFIC_MAX_BYTES_UNLIMITED);
	assert_null(l->sas[0].id);
	assert_string_equal(l->sas[0].lease, "192.0.2.100/32");

	assert_int_equal(parse1(l, "#3: \"a\", type=ESP(nic-offload=packet), add_time=1, "
				"maxBytes=3MiB, id='CN=a, O=b'"), 0);
	assert_int_equal(l->n_sas, 2);
	assert_string_equal(l->sas[1].instance, "");
	assert_null(l->sas[1].peer);
	assert_string_equal(l->sas[1].offload, "packet");
	assert_false(l->sas[1].has_in_bytes);
	assert_false(l->sas[1].has_out_bytes);
	assert_int_equal(l->sas[1].max_bytes, 3 * 1024 * 1024);
	assert_string_equal(l->sas[1].id, "CN=a, O=b");
	assert_int_equal(l->parse_errors, 0);
	assert_null(traffic_list_free(l));
	assert_null(traffic_list_free(NULL));
}

/* 2^64-1 is a number; 2^64 makes the line unrecognised (counted), never a wrapped value. */
static void test_overflow(void **state)
{
	struct traffic_list *l = traffic_list_new();

	assert_int_equal(parse1(l, "#1: \"c\", type=ESP, add_time=1, inBytes=18446744073709551615, "
				"outBytes=4294967296"), 0);
	assert_int_equal(l->sas[0].in_bytes, UINT64_MAX);
	assert_int_equal(l->sas[0].out_bytes, UINT64_C(4294967296));
	assert_int_equal(parse1(l, "#2: \"c\", type=ESP, add_time=1, inBytes=18446744073709551616, "
				"outBytes=1"), -EBADMSG);
	assert_int_equal(parse1(l, "#3: \"c\", type=ESP, add_time=1, maxBytes=16EiB"), -EBADMSG);
	assert_int_equal(parse1(l, "#18446744073709551616: \"c\", type=ESP, add_time=1"), -EBADMSG);
	assert_int_equal(l->n_sas, 1);
	assert_int_equal(l->parse_errors, 3);
	traffic_list_free(l);
}

/* Unknown-name answers of 3.x/4.x and 5.x; blanks; junk. */
static void test_line_forms(void **state)
{
	struct traffic_list *l = traffic_list_new();

	assert_int_equal(parse1(l, "006  "), 0);
	assert_int_equal(parse1(l, " "), 0);
	assert_int_equal(l->lines, 0);
	assert_int_equal(parse1(l, "no connection or alias named \"x\""), 0);
	assert_true(l->unknown_name);
	assert_false(l->prefixed);
	assert_int_equal(parse1(l, "021 no such connection or aliased connection named \"x\""), 0);
	assert_true(l->prefixed);
	assert_int_equal(parse1(l, "#1 \"c\", type=ESP, add_time=1"), -EBADMSG);
	assert_int_equal(parse1(l, "#1: \"c\", add_time=1"), -EBADMSG);
	assert_int_equal(parser_parse_line(&l->parser, "#1: \"c\"\0, type=ESP, add_time=1", 29),
			 -EBADMSG);
	assert_int_equal(l->n_sas, 0);
	assert_int_equal(l->parse_errors, 3);
	traffic_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traffic_fixtures),
		cmocka_unit_test(test_fields_by_key),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_line_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
