/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that parse_pools reads `ipsec whack --addresspoolstatus`:
 *  - golden: every tests/fixtures/pools/<x>.txt (captured from real 4.3, 4.10 and 5.2 plutos by
 *    tests/fixtures/capture-certs.sh: pools before any road warrior, with leases in use, after
 *    one left; 5.4 forms derived from its sources; awkward bytes) parses into exactly what
 *    <x>.expected lists, fed whole, byte by byte, line by line, or into a reset list;
 *  - in the real captures every pool's lease lines are as many as its header's leases, and in
 *    use plus free is leases, as pluto itself checks;
 *  - the header's numbers, an IPv6 range with its colons, a lease with and without a reusable
 *    name (the trailing space), its connection line or "does not exist"; lines out of place
 *    (a lease before any pool, a connection line without its lease) are errors that close what
 *    was open; empty output, a truncated last line, numbers beyond 2^64-1; a NULL-safe free.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parser_fixtures.h"
#include "parse/parse_pools.h"

static char *dump_pools(const struct pool_list *l)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "lines %llu\nparse_errors %llu\nprefixed %d\n",
		       (unsigned long long)l->lines, (unsigned long long)l->parse_errors,
		       l->prefixed);
	for (size_t i = 0; i < l->n_pools; i++) {
		const struct pool_entry *p = &l->pools[i];

		strbuf_puts(&sb, "pool ");
		dump_str(&sb, p->range);
		strbuf_appendf(&sb,
			       " addresses=%llu leases=%llu in_use=%llu free=%llu reusable=%llu "
			       "lease_lines=%zu\n",
			       (unsigned long long)p->addresses, (unsigned long long)p->leases,
			       (unsigned long long)p->in_use, (unsigned long long)p->free,
			       (unsigned long long)p->reusable, p->n_leases);
		for (size_t k = p->first_lease; k < p->first_lease + p->n_leases; k++) {
			const struct pool_lease *e = &l->leases[k];

			strbuf_puts(&sb, "  lease ");
			dump_str(&sb, e->address);
			strbuf_appendf(&sb, " %s $%llu reusable=", e->in_use ? "in_use" : "free",
				       (unsigned long long)e->conn_serial);
			dump_str(&sb, e->reusable_name);
			strbuf_puts(&sb, " conn=");
			dump_str(&sb, e->conn);
			strbuf_puts(&sb, " instance=");
			dump_str(&sb, e->instance);
			strbuf_puts(&sb, " peer=");
			dump_str(&sb, e->peer);
			strbuf_putc(&sb, '\n');
		}
	}
	return strbuf_detach(&sb, NULL);
}

static unsigned pools_lab_fixtures;

/* pluto's own invariants, on what a real pluto printed (the "-lab-" fixtures). */
static int check_pools(const char *name, const struct pool_list *l)
{
	if (!strstr(name, "-lab-"))
		return 0;
	pools_lab_fixtures++;
	assert_int_equal(l->parse_errors, 0);
	assert_true(l->n_pools >= 1);
	for (size_t p = 0; p < l->n_pools; p++) {
		const struct pool_entry *e = &l->pools[p];

		assert_int_equal(e->n_leases, e->leases);
		assert_int_equal(e->in_use + e->free, e->leases);
		for (size_t k = e->first_lease; k < e->first_lease + e->n_leases; k++)
			assert_true(!l->leases[k].in_use || l->leases[k].conn);
	}
	return 0;
}

static int check_pools_fixture(const char *name, const void *r)
{
	return check_pools(name, r);
}

FIXTURE_PARSER(pool_list, "pools", 10, dump_pools, check_pools_fixture);

/* Every fixture against its golden, fed whole, byte by byte, line by line and into a reset list. */
static void test_pools_fixtures(void **state)
{
	(void)state;
	pools_lab_fixtures = 0;
	assert_int_equal(fixture_parse_all(&pool_list_fixtures), 0);
	assert_true(pools_lab_fixtures >= 9);
}

static int feed1(struct pool_list *l, const char *line)
{
	return parser_parse_line(&l->parser, line, strlen(line));
}

/* The lines one by one: what each gives, and what a line out of place closes. */
static void test_pool_lines(void **state)
{
	struct pool_list *l = pool_list_new();

	/* a lease before any pool */
	assert_int_equal(feed1(l, "    192.0.2.100 assigned to $3 "), -EBADMSG);
	assert_int_equal(
	    feed1(l, "000 address pool 2001:db8:0:3::1-2001:db8:0:3::fff: 4095 addresses, "
		     "2 leases, 1 in-use, 1 free (1 reusable)"),
	    0);
	assert_true(l->prefixed);
	assert_string_equal(l->pools[0].range, "2001:db8:0:3::1-2001:db8:0:3::fff");
	assert_int_equal(l->pools[0].addresses, 4095);
	assert_int_equal(l->pools[0].leases, 2);
	assert_int_equal(l->pools[0].in_use, 1);
	assert_int_equal(l->pools[0].free, 1);
	assert_int_equal(l->pools[0].reusable, 1);
	assert_int_equal(feed1(l, "000     2001:db8:0:3::1 assigned to $3 "), 0);
	assert_true(l->leases[0].in_use);
	assert_int_equal(l->leases[0].conn_serial, 3);
	assert_null(l->leases[0].reusable_name);
	assert_null(l->leases[0].conn);
	assert_int_equal(feed1(l, "000                     \"rw v6\"[12][3] 2001:db8::7"), 0);
	assert_string_equal(l->leases[0].conn, "rw v6");
	assert_string_equal(l->leases[0].instance, "[12][3]");
	assert_string_equal(l->leases[0].peer, "2001:db8::7");
	/* a connection line without its lease */
	assert_int_equal(feed1(l, "000                     \"rw\"[1] 192.0.2.9"), -EBADMSG);
	assert_int_equal(feed1(l, "000     2001:db8:0:3::2 free $0  @road"), 0);
	assert_false(l->leases[1].in_use);
	assert_string_equal(l->leases[1].reusable_name, "@road");
	assert_int_equal(feed1(l, "000                     connection $0 does not exist"), 0);
	assert_null(l->leases[1].conn);
	assert_int_equal(l->pools[0].n_leases, 2);
	/* a lease whose connection line went missing is followed by the next lease */
	assert_int_equal(feed1(l, "    2001:db8:0:3::3 assigned to $4"), 0);
	assert_int_equal(feed1(l, "    2001:db8:0:3::4 assigned to $5 "), 0);
	assert_int_equal(feed1(l, "                    \"rw\""), 0);
	assert_null(l->leases[2].conn);
	assert_string_equal(l->leases[3].conn, "rw");
	assert_string_equal(l->leases[3].instance, "");
	assert_null(l->leases[3].peer);
	assert_int_equal(l->pools[0].n_leases, 4);
	/* malformed */
	assert_int_equal(feed1(l, "    2001:db8:0:3::5 leased to $5 "), -EBADMSG);
	assert_int_equal(feed1(l, "    2001:db8:0:3::5 free $x"), -EBADMSG);
	assert_int_equal(feed1(l, "    2001:db8:0:3::5 free $5 x"), -EBADMSG);
	assert_int_equal(feed1(l, "    2001:db8:0:3::5 free $5  "), -EBADMSG);
	assert_int_equal(feed1(l, "    2001:db8:0:3::5 free $18446744073709551616 "), -EBADMSG);
	assert_int_equal(
	    feed1(l, "address pool 10.0.0.1-10.0.0.2: 2 addresses, 0 leases, 0 in-use, 0 free"),
	    -EBADMSG);
	assert_int_equal(feed1(l, "    10.0.0.1 free $0 "), -EBADMSG);	/* its pool was not read */
	assert_int_equal(
	    feed1(l, "address pool : 2 addresses, 0 leases, 0 in-use, 0 free (0 reusable)"),
	    -EBADMSG);
	assert_int_equal(
	    feed1(l, "address pool 10.0.0.0/30: 18446744073709551615 addresses, 0 leases, "
		     "0 in-use, 0 free (0 reusable)"),
	    0);
	assert_int_equal(l->pools[1].addresses, UINT64_MAX);
	assert_int_equal(
	    feed1(l, "address pool 10.0.0.0/30: 18446744073709551616 addresses, 0 leases, "
		     "0 in-use, 0 free (0 reusable)"),
	    -EBADMSG);
	assert_int_equal(feed1(l, "whack: Pluto is not running"), -EBADMSG);
	assert_int_equal(l->n_pools, 2);
	assert_int_equal(l->parse_errors, 12);
	assert_null(pool_list_free(l));
	assert_null(pool_list_free(NULL));
}

/* Empty output; a last line without '\n'; a last line cut in its middle. */
static void test_stream_ends(void **state)
{
	static const char body[] =
	    "address pool 192.0.2.100-192.0.2.109: 10 addresses, 1 leases, 1 in-use, "
	    "0 free (0 reusable)\n    192.0.2.100 assigned to $7 \n"
	    "                \"rw\"[1] 192.0.2.2";
	struct pool_list *l = pool_parse("", 0);

	assert_int_equal(l->lines, 0);
	assert_int_equal(l->n_pools, 0);
	pool_list_free(l);

	l = pool_parse(body, strlen(body));
	assert_int_equal(l->parse_errors, 0);
	assert_false(l->prefixed);
	assert_string_equal(l->leases[0].peer, "192.0.2.2");
	pool_list_free(l);

	l = pool_parse(body, 60);	/* the header cut after "1 leases, 1" */
	assert_int_equal(l->parse_errors, 1);
	assert_int_equal(l->n_pools, 0);
	pool_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pools_fixtures),
	    cmocka_unit_test(test_pool_lines),
	    cmocka_unit_test(test_stream_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
