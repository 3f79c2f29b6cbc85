/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that parse_kernel reads the kernel helper's output: every
 * tests/fixtures/kernel/<x>.txt (real helper runs on an ESP-less host, on a
 * namespace with policies only, and in a VM with two live IKEv2 tunnels,
 * plus awkward input) parses into exactly <x>.expected, fed whole or byte by
 * byte; fields are found by key and unknown keys ignored; a record missing a
 * field the join needs, with a bad number or an unknown kind is a counted
 * error; the snapshot is complete only with the header first and an end line
 * whose counts match; socket policies are counted but not kept.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parser_fixtures.h"
#include "parse/parse_kernel.h"

static char *dump_kernel(const struct kernel_snapshot *k)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "lines %llu\nparse_errors %llu\nheader_ok %d\ncomplete %d\n",
		       (unsigned long long)k->lines, (unsigned long long)k->parse_errors,
		       k->header_ok, k->complete);
	if (k->has_sad_count)
		strbuf_appendf(&sb, "sad_count %llu\n", (unsigned long long)k->sad_count);
	if (k->has_spd_counts)
		strbuf_appendf(&sb, "spd in=%llu out=%llu fwd=%llu\n",
			       (unsigned long long)k->spd_counts[KERNEL_DIR_IN],
			       (unsigned long long)k->spd_counts[KERNEL_DIR_OUT],
			       (unsigned long long)k->spd_counts[KERNEL_DIR_FWD]);
	strbuf_appendf(&sb, "stat_absent %d\n", k->stat_absent);
	for (size_t i = 0; i < k->n_sas; i++) {
		const struct kernel_sa *sa = &k->sas[i];
		char key[SA_ID_KEY_MAX];

		strbuf_appendf(&sb,
			       "sa %s reqid=%u keyed=%d bytes=%llu packets=%llu add_time=%llu "
			       "errors=%llu/%llu/%llu\n",
			       sa_id_key(&sa->id, key), sa->reqid, sa->keyed,
			       (unsigned long long)sa->bytes, (unsigned long long)sa->packets,
			       (unsigned long long)sa->add_time,
			       (unsigned long long)sa->errors[KERNEL_ERROR_REPLAY_WINDOW],
			       (unsigned long long)sa->errors[KERNEL_ERROR_REPLAY],
			       (unsigned long long)sa->errors[KERNEL_ERROR_INTEGRITY]);
	}
	for (size_t i = 0; i < k->n_policies; i++) {
		strbuf_appendf(&sb, "policy %s reqids=", kernel_dir_to_string(k->policies[i].dir));
		for (unsigned t = 0; t < k->policies[i].n_reqids; t++)
			strbuf_appendf(&sb, "%s%u", t ? "," : "", k->policies[i].reqids[t]);
		strbuf_putc(&sb, '\n');
	}
	for (size_t i = 0; i < k->n_stats; i++) {
		strbuf_puts(&sb, "stat ");
		dump_str(&sb, k->stats[i].name);
		strbuf_appendf(&sb, " %llu\n", (unsigned long long)k->stats[i].value);
	}
	return strbuf_detach(&sb, NULL);
}

FIXTURE_PARSER(kernel_snapshot, "kernel", 4, dump_kernel, NULL);

/* Every fixture against its golden, fed whole, byte by byte, line by line and into a reset
 * snapshot. */
static void test_kernel_fixtures(void **state)
{
	(void)state;
	assert_int_equal(fixture_parse_all(&kernel_snapshot_fixtures), 0);
}

static struct kernel_snapshot *parse_str(const char *s)
{
	return kernel_parse(s, strlen(s));
}

static void test_records(void **state)
{
	struct kernel_snapshot *k =
		parse_str("xfrm-helper 1\n"
			  "sa proto=esp spi=c0ffee01 dst=2001:db8::2 src=2001:db8::1 reqid=16393 "
			  "mode=tunnel if_id=0 keyed=1 "
			  "bytes=18446744073709551615 packets=7 add_time=1764300000 use_time=0 "
			  "replay_window=1 replay=2 "
			  "integrity=3 future=field\n"
			  "sa proto=comp spi=1f2e dst=192.0.2.2 keyed=1\n"
			  "sa proto=ipip spi=c0000201 dst=192.0.2.2 keyed=0\n"
			  "sa proto=esp spi=0 dst=? keyed=0\n"
			  "policy dir=fwd action=allow "
			  "tmpl=comp:tunnel:16394,esp:tunnel:16393,ah:transport:16392,x:y:1,x:y:2\n"
			  "policy dir=socket action=allow tmpl=\n"
			  "policy dir=in tmpl=\n"
			  "end sas=4 policies=3\n");
	uint8_t want[16];

	assert_true(k->complete);
	assert_int_equal(k->parse_errors, 0);
	assert_int_equal(k->n_sas, 4);
	assert_int_equal(k->sas[0].id.proto, IPPROTO_ESP);
	assert_int_equal(k->sas[0].id.spi, 0xc0ffee01);
	assert_int_equal(k->sas[0].id.family, AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", want), 1);
	assert_memory_equal(k->sas[0].id.addr, want, 16);
	assert_int_equal(k->sas[0].bytes, UINT64_MAX);
	assert_int_equal(k->sas[0].packets, 7);
	assert_int_equal(k->sas[0].errors[KERNEL_ERROR_REPLAY_WINDOW], 1);
	assert_int_equal(k->sas[0].errors[KERNEL_ERROR_REPLAY], 2);
	assert_int_equal(k->sas[0].errors[KERNEL_ERROR_INTEGRITY], 3);
	assert_int_equal(k->sas[1].id.proto, IPPROTO_COMP);
	assert_int_equal(k->sas[1].id.spi, 0x1f2e);
	assert_int_equal(k->sas[2].id.proto, IPPROTO_IPIP);
	assert_false(k->sas[2].keyed);
	assert_int_equal(k->sas[3].id.family, 0);	/* "?": kept, not joinable */
	/* the socket policy is counted for the end line, not kept */
	assert_int_equal(k->n_policies, 2);
	assert_int_equal(k->policies[0].dir, KERNEL_DIR_FWD);
	assert_int_equal(k->policies[0].n_reqids, KERNEL_POLICY_MAX_TMPL);
	assert_int_equal(k->policies[0].reqids[1], 16393);
	assert_int_equal(k->policies[1].n_reqids, 0);
	assert_null(kernel_snapshot_free(k));
	assert_null(kernel_snapshot_free(NULL));
}

static void test_errors_and_completeness(void **state)
{
	static const char *const bad[] = {
		"sa spi=1 dst=192.0.2.1 keyed=1",		/* no proto */
		"sa proto=esp dst=192.0.2.1",			/* no spi */
		"sa proto=esp spi=1",				/* no dst */
		"sa proto=esp spi=123456789 dst=192.0.2.1",	/* 9 hex digits */
		"sa proto=esp spi=g1 dst=192.0.2.1",
		"sa proto=esp spi=1 dst=192.0.2.1 packets=-1",
		"sa proto=esp spi=1 dst=192.0.2.1 packets=18446744073709551616",
		"sa proto=esp spi=1 dst=192.0.2.300",
		"sa proto=esp spi=1 dst=192.0.2.1 keyed=2",
		"sa proto=256 spi=1 dst=192.0.2.1",
		"sa proto=esp spi=1 dst=192.0.2.1 pack",	/* a token that is not key=value */
		"end sas=0 policies=0 x",
		"policy tmpl=esp:tunnel:1",
		"policy dir=sideways",
		"policy dir=out tmpl=esp:tunnel:x",
		"policy dir=out tmpl=esp:tunnel:4294967296",
		"stat Xfrm In 1",
		"stat XfrmIn-Error 1",
		"stat XfrmInError",
		"sadinfo",
		"spdinfo in=1 out=2",
		"unknown record",
		"end sas=0",
	};
	struct kernel_snapshot *k = kernel_snapshot_new();

	assert_int_equal(parser_parse_line(&k->parser, "xfrm-helper 1", 13), 0);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		if (parser_parse_line(&k->parser, bad[i], strlen(bad[i])) != -EBADMSG)
			fail_msg("accepted: %s", bad[i]);
	}
	assert_int_equal(k->parse_errors, ELEMENTSOF(bad));
	assert_int_equal(k->n_sas, 0);
	assert_false(k->complete);
	assert_int_equal(parser_parse_line(&k->parser, "a\0b", 3), -EBADMSG);
	kernel_snapshot_free(k);

	/* another protocol version, or no header: never complete */
	k = parse_str("xfrm-helper 2\nend sas=0 policies=0\n");
	assert_false(k->header_ok);
	assert_false(k->complete);
	kernel_snapshot_free(k);
	k = parse_str("end sas=0 policies=0\n");
	assert_false(k->complete);
	kernel_snapshot_free(k);
	/* a count that does not match what was read (a record lost) */
	k = parse_str(
		"xfrm-helper 1\nsa proto=esp spi=1 dst=192.0.2.1 keyed=1\nend sas=2 policies=0\n");
	assert_false(k->complete);
	kernel_snapshot_free(k);
	/* a helper cut before its end line */
	k = parse_str("xfrm-helper 1\nsa proto=esp spi=1 dst=192.0.2.1 keyed=1\n");
	assert_false(k->complete);
	assert_int_equal(k->n_sas, 1);
	kernel_snapshot_free(k);
	/* an empty kernel, without /proc/net/xfrm_stat */
	k = parse_str("xfrm-helper 1\nsadinfo count=0\nspdinfo in=0 out=0 fwd=0\nstat-absent\nend "
		      "sas=0 policies=0\n");
	assert_true(k->complete);
	assert_true(k->stat_absent);
	assert_true(k->has_sad_count);
	assert_int_equal(k->n_stats, 0);
	assert_int_equal(k->parse_errors, 0);
	kernel_snapshot_free(k);
	/* the same, its end line cut before the newline: an error, and not complete */
	k = parse_str("xfrm-helper 1\nsadinfo count=0\nend sas=0 policies=0");
	assert_false(k->complete);
	assert_int_equal(k->parse_errors, 1);
	kernel_snapshot_free(k);
}

static void test_names(void **state)
{
	assert_string_equal(kernel_error_to_string(KERNEL_ERROR_REPLAY_WINDOW), "replay_window");
	assert_string_equal(kernel_error_to_string(KERNEL_ERROR_REPLAY), "replay");
	assert_string_equal(kernel_error_to_string(KERNEL_ERROR_INTEGRITY), "integrity");
	assert_string_equal(kernel_dir_to_string(KERNEL_DIR_IN), "in");
	assert_string_equal(kernel_dir_to_string(KERNEL_DIR_OUT), "out");
	assert_string_equal(kernel_dir_to_string(KERNEL_DIR_FWD), "fwd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_fixtures),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_errors_and_completeness),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
