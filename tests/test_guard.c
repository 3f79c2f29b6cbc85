/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the per-client-address bookkeeping of the HTTP server: address keys
 * (IPv4-mapped IPv6 counts as IPv4, IPv6 password budgets per /64), the
 * connection cap exactly at its value and back to zero, and the password
 * budget: a burst, then one check per interval, the wait it reports, checks
 * given back, and a bounded table whose full buckets are forgotten; trusted
 * addresses for a while after an authenticated request, in a bounded table.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "http/guard.h"
#include "lib/util.h"

#define SEC UINT64_C(1000000)

static const struct guard_options opts = {
	.max_conns_per_addr = 3,
	.auth_burst = 4,
	.auth_interval_usec = SEC,
	.max_buckets = 8,
};

static void test_addr_key(void **state)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr un = { .sa_family = AF_UNIX };
	char key[GUARD_KEY_MAX], bucket[GUARD_KEY_MAX];

	assert_int_equal(inet_pton(AF_INET, "192.0.2.7", &in.sin_addr), 1);
	assert_int_equal(guard_addr_key((struct sockaddr *)&in, key), 0);
	assert_string_equal(key, "192.0.2.7");
	guard_bucket_key(key, bucket);
	assert_string_equal(bucket, "192.0.2.7");

	/* a dual-stack listener sees an IPv4 client as ::ffff:a.b.c.d: the same client */
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.7", &in6.sin6_addr), 1);
	assert_int_equal(guard_addr_key((struct sockaddr *)&in6, key), 0);
	assert_string_equal(key, "192.0.2.7");

	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &in6.sin6_addr),
			 1);
	assert_int_equal(guard_addr_key((struct sockaddr *)&in6, key), 0);
	assert_string_equal(key, "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
	guard_bucket_key(key, bucket);
	assert_string_equal(bucket, "2001:db8:1:2::/64");

	strcpy(key, "sentinel");
	assert_int_equal(guard_addr_key(&un, key), -EAFNOSUPPORT);
	assert_string_equal(key, "sentinel");
}

static void test_conn_cap(void **state)
{
	struct guard g;

	guard_init(&g, &opts);
	for (int i = 0; i < 3; i++) {
		assert_true(guard_conn_allowed(&g, "192.0.2.1"));
		guard_conn_opened(&g, "192.0.2.1");
	}
	/* exactly max_conns_per_addr: the next one is refused, another address is not */
	assert_false(guard_conn_allowed(&g, "192.0.2.1"));
	assert_true(guard_conn_allowed(&g, "192.0.2.2"));
	assert_int_equal(guard_conns(&g, "192.0.2.1"), 3);
	guard_conn_closed(&g, "192.0.2.1");
	assert_true(guard_conn_allowed(&g, "192.0.2.1"));
	guard_conn_closed(&g, "192.0.2.1");
	guard_conn_closed(&g, "192.0.2.1");
	/* back to zero: nothing is kept for the address */
	assert_int_equal(guard_conns(&g, "192.0.2.1"), 0);
	assert_int_equal(g.conns.n_items, 0);
	guard_done(&g);
}

static void test_budget(void **state)
{
	struct guard g;
	uint64_t t = 1000 * SEC, retry = 12345;

	guard_init(&g, &opts);
	for (int i = 0; i < 4; i++)
		assert_int_equal(guard_auth_take(&g, "a", t, &retry), 0);
	assert_int_equal(retry, 12345);	/* written only on refusal */
	assert_int_equal(guard_auth_take(&g, "a", t, &retry), -EBUSY);
	assert_int_equal(retry, SEC);
	/* another address has its own bucket */
	assert_int_equal(guard_auth_take(&g, "b", t, &retry), 0);
	/* half an interval later: still refused, half an interval to wait */
	assert_int_equal(guard_auth_take(&g, "a", t + SEC / 2, &retry), -EBUSY);
	assert_int_equal(retry, SEC / 2);
	/* one interval later: exactly one more */
	assert_int_equal(guard_auth_take(&g, "a", t + SEC, &retry), 0);
	assert_int_equal(guard_auth_take(&g, "a", t + SEC, &retry), -EBUSY);
	/* a check that matched is given back */
	guard_auth_refund(&g, "a", t + SEC);
	assert_int_equal(guard_auth_take(&g, "a", t + SEC, &retry), 0);
	/* after a long quiet the bucket is full again, but never more than the burst */
	for (int i = 0; i < 4; i++)
		assert_int_equal(guard_auth_take(&g, "a", t + 100 * SEC, &retry), 0);
	assert_int_equal(guard_auth_take(&g, "a", t + 100 * SEC, &retry), -EBUSY);
	guard_done(&g);
}

static void test_bounded(void **state)
{
	struct guard g;
	uint64_t t = 1000 * SEC, retry;
	char key[32];

	guard_init(&g, &opts);
	for (int i = 0; i < 8; i++) {
		(void)snprintf(key, sizeof(key), "198.51.100.%d", i);
		assert_int_equal(guard_auth_take(&g, key, t, &retry), 0);
	}
	assert_int_equal(guard_buckets(&g), 8);
	/* the table is full and no bucket is full yet: the new address goes untracked */
	assert_int_equal(guard_auth_take(&g, "203.0.113.1", t, &retry), 0);
	assert_int_equal(guard_buckets(&g), 8);
	/* later the old buckets have refilled and are forgotten to make room */
	assert_int_equal(guard_auth_take(&g, "203.0.113.1", t + 10 * SEC, &retry), 0);
	assert_int_equal(guard_buckets(&g), 1);
	guard_done(&g);
}

/* Trust: from an authenticated request for trust_usec, per /64 for IPv6, in a bounded table. */
static void test_trust(void **state)
{
	struct guard_options o = opts;
	struct guard g;
	char key[GUARD_KEY_MAX];

	o.trust_usec = 10 * SEC;
	o.max_trusted = 2;
	guard_init(&g, &o);
	assert_false(guard_trusted(&g, "192.0.2.1", 1 * SEC));
	guard_trust(&g, "192.0.2.1", 1 * SEC);
	assert_true(guard_trusted(&g, "192.0.2.1", 1 * SEC));
	assert_true(guard_trusted(&g, "192.0.2.1", 11 * SEC - 1));
	assert_false(guard_trusted(&g, "192.0.2.1", 11 * SEC));
	assert_false(guard_trusted(&g, "192.0.2.2", 1 * SEC));
	/* renewed by each authenticated request */
	guard_trust(&g, "192.0.2.1", 5 * SEC);
	assert_true(guard_trusted(&g, "192.0.2.1", 14 * SEC));
	/* IPv6: the caller passes the /64 */
	guard_bucket_key("2001:db8:1:2::7", key);
	guard_trust(&g, key, 5 * SEC);
	guard_bucket_key("2001:db8:1:2:ffff::1", key);
	assert_true(guard_trusted(&g, key, 6 * SEC));
	/* full: a third is not added while the two are live; once they expired, they make room */
	guard_trust(&g, "192.0.2.3", 6 * SEC);
	assert_false(guard_trusted(&g, "192.0.2.3", 6 * SEC));
	assert_int_equal(guard_trusted_count(&g), 2);
	guard_trust(&g, "192.0.2.3", 30 * SEC);
	assert_true(guard_trusted(&g, "192.0.2.3", 30 * SEC));
	assert_int_equal(guard_trusted_count(&g), 1);
	guard_done(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_key),
		cmocka_unit_test(test_conn_cap),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_trust),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
