/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the small shared pieces: strict number parsing that never clobbers
 * its output on error, durations and sizes for the flags, the growable
 * buffer, the hash map (including deletion in the middle of clusters), and
 * the comparison of secrets (whole strings, lengths included).
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "lib/hashmap.h"
#include "lib/strbuf.h"
#include "lib/util.h"

#define SENTINEL UINT64_C(0xdeadbeef)

static void test_safe_atou64(void **state)
{
	uint64_t v = SENTINEL;

	assert_int_equal(safe_atou64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(safe_atou64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	v = SENTINEL;
	assert_int_equal(safe_atou64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(safe_atou64("", &v), -EINVAL);
	assert_int_equal(safe_atou64("-1", &v), -EINVAL);
	assert_int_equal(safe_atou64(" 1", &v), -EINVAL);
	assert_int_equal(safe_atou64("1x", &v), -EINVAL);
	assert_int_equal(safe_atou64("+1", &v), -EINVAL);
	assert_true(v == SENTINEL);
}

static void test_safe_atoi64(void **state)
{
	int64_t v = 7;

	assert_int_equal(safe_atoi64_n("-1", 2, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(safe_atoi64_n("-9223372036854775808", 20, &v), 0);
	assert_true(v == INT64_MIN);
	v = 7;
	assert_int_equal(safe_atoi64_n("9223372036854775808", 19, &v), -ERANGE);
	assert_int_equal(safe_atoi64_n("-", 1, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_durations_and_sizes(void **state)
{
	uint64_t v = SENTINEL;

	assert_int_equal(parse_duration_usec("500ms", &v), 0);
	assert_int_equal(v, 500000);
	assert_int_equal(parse_duration_usec("10s", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(parse_duration_usec("2m", &v), 0);
	assert_int_equal(v, 120000000);
	v = SENTINEL;
	assert_int_equal(parse_duration_usec("abc", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("10", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("s", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("10 s", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("99999999999999999999h", &v), -ERANGE);
	assert_int_equal(parse_duration_usec("600000000y", &v), -ERANGE);
	assert_true(v == SENTINEL);
	/* Prometheus' forms: several units, largest first, each once; "0" alone */
	assert_int_equal(parse_duration_usec("1m30s", &v), 0);
	assert_int_equal(v, 90000000);
	assert_int_equal(parse_duration_usec("2h", &v), 0);
	assert_true(v == UINT64_C(7200000000));
	assert_int_equal(parse_duration_usec("1d", &v), 0);
	assert_true(v == UINT64_C(86400000000));
	assert_int_equal(parse_duration_usec("1w", &v), 0);
	assert_true(v == UINT64_C(604800000000));
	assert_int_equal(parse_duration_usec("1y", &v), 0);
	assert_true(v == UINT64_C(31536000000000));
	assert_int_equal(parse_duration_usec("1h1m1s1ms", &v), 0);
	assert_true(v == UINT64_C(3661001000));
	assert_int_equal(parse_duration_usec("1s500ms", &v), 0);
	assert_int_equal(v, 1500000);
	assert_int_equal(parse_duration_usec("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_duration_usec("0s", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_duration_usec("250us", &v), 0);
	assert_int_equal(v, 250);
	v = SENTINEL;
	assert_int_equal(parse_duration_usec("30s1m", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("1m1m", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("1m30", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("1.5s", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("-1s", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("1ns", &v), -EINVAL);
	assert_int_equal(parse_duration_usec("1S", &v), -EINVAL);
	assert_true(v == SENTINEL);
	assert_int_equal(parse_size("256MiB", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(parse_size("1000", &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("1TiB", &v), -EINVAL);
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;

	strbuf_puts(&sb, "a");
	strbuf_put_u64(&sb, UINT64_MAX);
	strbuf_putc(&sb, ' ');
	strbuf_put_i64(&sb, INT64_MIN);
	strbuf_appendf(&sb, " %s=%d", "x", 42);
	assert_string_equal(sb.buf, "a18446744073709551615 -9223372036854775808 x=42");
	for (int i = 0; i < 10000; i++)
		strbuf_append(&sb, "0123456789", 10);
	assert_int_equal(sb.len, 47 + 100000);
	s = strbuf_detach(&sb, &len);
	assert_int_equal(len, 100047);
	assert_null(sb.buf);
	free(s);
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "");
	free(s);
}

static bool every_fourth(const char *key, void *value, void *userdata)
{
	size_t *calls = userdata;

	(*calls)++;
	assert_ptr_equal(value, (void *)(uintptr_t)strtoul(key + 1, NULL, 10));
	return (uintptr_t)value % 4 == 0;
}

static void test_hashmap(void **state)
{
	struct hashmap m = HASHMAP_INIT;
	char key[32];
	size_t it = 0, n = 0, calls;

	assert_null(hashmap_get(&m, "x"));
	assert_null(hashmap_remove(&m, "x"));
	for (uintptr_t i = 1; i <= 5000; i++) {
		(void)snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_null(hashmap_put(&m, key, (void *)i));
	}
	assert_int_equal(m.n_items, 5000);
	assert_ptr_equal(hashmap_put(&m, "k7", (void *)7), (void *)7);
	/* remove every odd key, everything else stays reachable */
	for (uintptr_t i = 1; i <= 5000; i += 2) {
		(void)snprintf(key, sizeof(key), "k%zu", (size_t)i);
		assert_ptr_equal(hashmap_remove(&m, key), (void *)i);
	}
	for (uintptr_t i = 1; i <= 5000; i++) {
		(void)snprintf(key, sizeof(key), "k%zu", (size_t)i);
		if (i % 2)
			assert_null(hashmap_get(&m, key));
		else
			assert_ptr_equal(hashmap_get(&m, key), (void *)i);
	}
	while (hashmap_next(&m, &it, NULL, NULL))
		n++;
	assert_int_equal(n, 2500);
	/* remove_if: each entry judged once; the kept ones stay reachable, the removed ones gone */
	calls = 0;
	assert_int_equal(hashmap_remove_if(&m, every_fourth, &calls), 1250);
	assert_int_equal(calls, 2500);
	assert_int_equal(m.n_items, 1250);
	for (uintptr_t i = 2; i <= 5000; i += 2) {
		(void)snprintf(key, sizeof(key), "k%zu", (size_t)i);
		if (i % 4 == 0)
			assert_null(hashmap_get(&m, key));
		else
			assert_ptr_equal(hashmap_get(&m, key), (void *)i);
	}
	calls = 0;
	assert_int_equal(hashmap_remove_if(&m, every_fourth, &calls), 0);
	assert_int_equal(calls, 1250);
	hashmap_clear(&m);
	assert_int_equal(m.n_items, 0);
}

/* Borrowed keys: each is a string of its value's; a replaced value's key goes with it. */
struct owned {
	uintptr_t n;
	char key[16];
};

static void test_hashmap_borrowed(void **state)
{
	struct hashmap m = HASHMAP_INIT_BORROWED;
	struct owned *items = calloc(3000, sizeof(*items)), *again = calloc(1, sizeof(*again));
	size_t slots;

	assert_non_null(items);
	assert_non_null(again);
	hashmap_reserve(&m, 3000);
	slots = m.n_slots;
	assert_true(slots >= 6000);
	for (size_t i = 0; i < 3000; i++) {
		items[i].n = i;
		(void)snprintf(items[i].key, sizeof(items[i].key), "s%zu", i);
		assert_null(hashmap_put(&m, items[i].key, &items[i]));
	}
	assert_int_equal(m.n_slots, slots);	/* reserved: no rehash */
	/* the map holds the value's own string, not a copy */
	assert_ptr_equal(((struct owned *)hashmap_get(&m, "s42"))->key, items[42].key);
	/* replacing takes the new value's key: the old one may be freed right after */
	*again = items[42];
	assert_ptr_equal(hashmap_put(&m, again->key, again), &items[42]);
	memset(items[42].key, 'x', sizeof(items[42].key) - 1);
	assert_ptr_equal(hashmap_get(&m, "s42"), again);
	assert_ptr_equal(hashmap_remove(&m, "s7"), &items[7]);
	assert_null(hashmap_get(&m, "s7"));
	assert_int_equal(m.n_items, 2999);
	/* frees no key: items still owns them (LeakSanitizer would see a double free) */
	hashmap_clear(&m);
	assert_true(m.borrowed_keys);
	assert_null(hashmap_put(&m, items[1].key, &items[1]));
	assert_ptr_equal(hashmap_get(&m, "s1"), &items[1]);
	hashmap_clear(&m);
	free(again);
	free(items);
}

static void test_streq_secret(void **state)
{
	assert_true(streq_secret("", ""));
	assert_true(streq_secret("s3cret", "s3cret"));
	assert_false(streq_secret("s3cret", "s3creT"));
	assert_false(streq_secret("s3cret", "s3cre"));
	assert_false(streq_secret("s3cre", "s3cret"));
	assert_false(streq_secret("", "x"));
}

static void test_parse_host_port(void **state)
{
	char *host = (char *)"sentinel";
	uint16_t port = 1;

	assert_int_equal(parse_host_port(":10500", &host, &port), 0);
	assert_null(host);
	assert_int_equal(port, 10500);
	assert_int_equal(parse_host_port("[::1]:80", &host, &port), 0);
	assert_string_equal(host, "::1");
	free(host);
	assert_int_equal(parse_host_port("127.0.0.1:0", &host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 0);
	free(host);
	host = (char *)"sentinel";
	assert_true(parse_host_port("[::1]", &host, &port) < 0);
	assert_true(parse_host_port("1.2.3.4:", &host, &port) < 0);
	assert_string_equal(host, "sentinel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_atou64),
		cmocka_unit_test(test_safe_atoi64),
		cmocka_unit_test(test_durations_and_sizes),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_hashmap),
		cmocka_unit_test(test_hashmap_borrowed),
		cmocka_unit_test(test_streq_secret),
		cmocka_unit_test(test_parse_host_port),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
