/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the counter semantics of doc/metrics.md over sequences of poll cycles:
 * rekeys keep per-connection byte counters monotonic, 32-bit wraps of 3.x/4.x
 * are compensated per SA serial, vanished SAs are retired into their
 * connection, deleted connections disappear, a pluto restart never makes a
 * counter go down, and templates/groups fold their instances.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "model/model.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "lib/strbuf.h"
#include "lib/util.h"

static const struct model_options default_opt = { .max_users = 10 };

/* One poll cycle from literal outputs; NULL = that command failed this cycle. */
static void cycle(struct model *m, const char *status, const char *traffic)
{
	struct status_summary *s = status ? status_parse(status, strlen(status)) : NULL;
	struct traffic_list *t = traffic ? traffic_parse(traffic, strlen(traffic)) : NULL;

	model_update(m, s, t);
	status_summary_free(s);
	traffic_list_free(t);
}

static struct model_conn *conn(struct model *m, const char *name)
{
	return model_conn_get(m, name);
}

#define STATUS_AB                                                                                  \
	"000 Connection list:\n"                                                                   \
	"000  \n"                                                                                  \
	"000 \"a\": 198.51.100.1/32===192.0.2.1[@west]...192.0.2.2[@east]===203.0.113.1/32; "      \
	"erouted; eroute owner: #4\n"                                                              \
	"000 \"a\":   policy: "                                                                    \
	"IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO;\n"           \
	"000 \"b\": 198.51.100.2/32===192.0.2.1[@west]...192.0.2.2[@east]===203.0.113.2/32; "      \
	"unrouted; eroute owner: #0\n"                                                             \
	"000 \"b\":   policy: "                                                                    \
	"IKEv2+PSK+ENCRYPT+TUNNEL+PFS+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO;\n"              \
	"000  \n"                                                                                  \
	"000 Total IPsec connections: loaded 2, active 1\n"

#define STATUS_B_ONLY                                                                              \
	"000 Connection list:\n"                                                                   \
	"000 \"b\": 198.51.100.2/32===192.0.2.1[@west]...192.0.2.2[@east]===203.0.113.2/32; "      \
	"unrouted; eroute owner: #0\n"                                                             \
	"000 Total IPsec connections: loaded 1, active 0\n"

static void test_rekey_keeps_counter_monotonic(void **state)
{
	struct model *m = model_new(&default_opt);

	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=1000, outBytes=2000, "
	      "maxBytes=2^63B, id='@east'\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 1000);
	assert_int_equal(model_conn_out_bytes(conn(m, "a")), 2000);
	/* rekey overlap: both SAs listed */
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=1000, outBytes=2000, "
	      "maxBytes=2^63B, id='@east'\n"
	      "006 #7: \"a\", type=ESP, add_time=1700003000, inBytes=0, outBytes=0, "
	      "maxBytes=2^63B, id='@east'\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 1000);
	/* old SA #4 gone, new #7 at 10 */
	cycle(m, STATUS_AB,
	      "006 #7: \"a\", type=ESP, add_time=1700003000, inBytes=10, outBytes=20, "
	      "maxBytes=2^63B, id='@east'\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 1010);
	assert_int_equal(model_conn_out_bytes(conn(m, "a")), 2020);
	/* a connection that never came up is present with 0 */
	assert_non_null(conn(m, "b"));
	assert_int_equal(model_conn_in_bytes(conn(m, "b")), 0);
	assert_true(conn(m, "b")->loaded);
	assert_false(conn(m, "b")->expected_up);
	assert_true(conn(m, "a")->expected_up);
	model_free(m);
}

static void test_wrap_32bit_in_bytes(void **state)
{
	struct model *m = model_new(&default_opt);

	/* 4.8-4.15: inBytes wraps at 2^32 (prefixed output), outBytes is 64-bit (maxBytes
	 * present) */
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=4294967000, "
	      "outBytes=4294967000, maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 4294967000ULL);
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=100, outBytes=4294967396, "
	      "maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 4294967396ULL);
	assert_int_equal(model_conn_out_bytes(conn(m, "a")), 4294967396ULL);
	/* and again: two wraps on the same serial */
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=4294967295, "
	      "outBytes=4294967396, maxBytes=2^63B\n");
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=5, outBytes=4294967396, "
	      "maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 2 * 4294967296ULL + 5);
	model_free(m);
}

static void test_wrap_32bit_out_bytes_before_4_8(void **state)
{
	struct model *m = model_new(&default_opt);

	/* 4.0-4.7: no maxBytes, outBytes wraps too */
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=1, outBytes=4294967000\n");
	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=1, outBytes=100\n");
	assert_int_equal(model_conn_out_bytes(conn(m, "a")), 4294967396ULL);
	model_free(m);
}

static void test_64bit_never_wraps(void **state)
{
	struct model *m = model_new(&default_opt);

	/* 5.x (no prefix): values above 2^32 are real, a drop is a new kernel SA, never a wrap */
	cycle(m, STATUS_AB,
	      "#4: \"a\", type=ESP, add_time=1700000000, inBytes=5000000000, outBytes=7, "
	      "maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 5000000000ULL);
	cycle(m, STATUS_AB,
	      "#4: \"a\", type=ESP, add_time=1700000000, inBytes=10, outBytes=7, maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 5000000010ULL);
	model_free(m);
}

static void test_sa_gone_and_connection_deleted(void **state)
{
	struct model *m = model_new(&default_opt);

	cycle(m, STATUS_AB,
	      "006 #4: \"a\", type=ESP, add_time=1700000000, inBytes=500, outBytes=600, "
	      "maxBytes=2^63B\n");
	/* the SA disappears (tunnel down): the counter stays */
	cycle(m, STATUS_AB, "");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 500);
	assert_int_equal(model_n_sas(m), 0);
	/* trafficstatus fails this cycle: nothing changes, nothing is retired twice */
	cycle(m, STATUS_AB, NULL);
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 500);
	/* the connection is deleted from pluto: its entry goes */
	cycle(m, STATUS_B_ONLY, "");
	assert_null(conn(m, "a"));
	assert_non_null(conn(m, "b"));
	model_free(m);
}

static void test_pluto_restart(void **state)
{
	struct model *m = model_new(&default_opt);

	cycle(m, STATUS_AB,
	      "006 #12: \"a\", type=ESP, add_time=1700000000, inBytes=900, outBytes=900, "
	      "maxBytes=2^63B\n");
	/* pluto down: status and traffic fail; state kept */
	cycle(m, NULL, NULL);
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 900);
	/* pluto back: serials start again, the new SA #2 reports small values */
	cycle(m, STATUS_AB,
	      "006 #2: \"a\", type=ESP, add_time=1700009000, inBytes=3, outBytes=4, "
	      "maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 903);
	/* serial reused with another add_time: a different SA, the old one is retired */
	cycle(m, STATUS_AB,
	      "006 #12: \"a\", type=ESP, add_time=1700009500, inBytes=1, outBytes=1, "
	      "maxBytes=2^63B\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "a")), 904);
	model_free(m);
}

static void test_once_is_sum_of_live(void **state)
{
	struct model *m = model_new(&default_opt);

	cycle(m, NULL,
	      "#1: \"rw\"[1] 192.0.2.7, type=ESP, add_time=1700000000, inBytes=10, outBytes=20, "
	      "maxBytes=2^63B, id='@a'\n"
	      "#2: \"rw\"[2] 192.0.2.8, type=ESP, add_time=1700000001, inBytes=30, outBytes=40, "
	      "maxBytes=2^63B, id='@b'\n");
	assert_int_equal(model_conn_in_bytes(conn(m, "rw")), 40);
	assert_int_equal(model_conn_out_bytes(conn(m, "rw")), 60);
	assert_int_equal(conn(m, "rw")->traffic_sas, 2);
	model_free(m);
}

static void test_template_and_group_folding(void **state)
{
	static const char status[] =
		"\"private\": 192.0.2.1---192.0.2.254...%opportunisticgroup; unrouted; "
		"my_ip=unset; their_ip=unset;\n"
		"\"private\":   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS+GROUP+OPPORTUNISTIC;\n"
		"\"private#10.0.0.0/8\": 192.0.2.1---192.0.2.254...%opportunistic===10.0.0.0/8; "
		"routed-ondemand; my_ip=unset; their_ip=unset;\n"
		"\"private#10.0.0.0/8\":   policy: "
		"IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS+GROUPINSTANCE+OPPORTUNISTIC;\n"
		"\"private#10.0.0.0/8\"[1]: 192.0.2.1...10.1.2.3; routed-tunnel; my_ip=unset; "
		"their_ip=unset;\n"
		"\"private#10.0.0.0/8\"[1]:   policy: "
		"IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS+OPPORTUNISTIC;\n"
		"\"rw\": 192.0.2.1...%any; unrouted; my_ip=unset; their_ip=unset;\n"
		"\"rw\":   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS;\n"
		"\"rw\"[3]: 192.0.2.1...192.0.2.7; routed-tunnel; my_ip=unset; their_ip=unset;\n"
		"\"rw\"[3]:   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS;\n"
		"\"rw\"[4]: 192.0.2.1...192.0.2.8; routed-tunnel; my_ip=unset; their_ip=unset;\n"
		"\"rw\"[4]:   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS;\n"
		"Total IPsec connections: loaded 6, active 3\n";
	struct model *m = model_new(&default_opt);

	cycle(m, status,
	      "#5: \"private#10.0.0.0/8\"[1] ...10.1.2.3, type=ESP, add_time=1700000000, "
	      "inBytes=84, outBytes=84, maxBytes=2^63B, id='ID_NULL'\n"
	      "#7: \"rw\"[3] 192.0.2.7, type=ESP, add_time=1700000000, inBytes=1, outBytes=2, "
	      "maxBytes=2^63B, id='@a'\n"
	      "#9: \"rw\"[4] 192.0.2.8, type=ESP, add_time=1700000000, inBytes=3, outBytes=4, "
	      "maxBytes=2^63B, id='@b'\n");
	assert_non_null(conn(m, "private"));
	assert_null(conn(m, "private#10.0.0.0/8"));
	assert_int_equal(conn(m, "private")->kind, CONN_KIND_GROUP);
	assert_int_equal(conn(m, "private")->instances, 1);
	assert_int_equal(model_conn_in_bytes(conn(m, "private")), 84);
	assert_int_equal(conn(m, "rw")->kind, CONN_KIND_TEMPLATE);
	assert_int_equal(conn(m, "rw")->instances, 2);
	assert_int_equal(model_conn_in_bytes(conn(m, "rw")), 4);
	assert_int_equal(model_conn_out_bytes(conn(m, "rw")), 6);
	assert_int_equal(model_n_conns(m), 2);
	model_free(m);
}

static void test_per_instance_option(void **state)
{
	struct model_options opt = { .per_instance = true, .max_users = 10 };
	struct model *m = model_new(&opt);
	size_t n;
	struct model_conn *const *cs;

	cycle(m, NULL,
	      "#7: \"rw\"[3] 192.0.2.7, type=ESP, add_time=1700000000, inBytes=1, outBytes=2, "
	      "maxBytes=2^63B\n"
	      "#9: \"rw\"[4] 192.0.2.8, type=ESP, add_time=1700000000, inBytes=3, outBytes=4, "
	      "maxBytes=2^63B\n");
	cs = model_sorted_conns(m, &n);
	assert_int_equal(n, 2);
	assert_string_equal(cs[0]->key, "rw");
	assert_string_equal(cs[0]->instance, "[3]");
	assert_string_equal(cs[1]->instance, "[4]");
	assert_int_equal(model_conn_in_bytes(cs[1]), 3);
	model_free(m);
}

/* The status of connections named in the given order (pluto lists them sorted; the model must not
 * rely on it). */
static char *status_of(const char *const *names, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++)
		strbuf_appendf(&sb,
			       "000 \"%s\": 192.0.2.1...192.0.2.%zu; unrouted; eroute owner: #0\n",
			       names[i], i + 2);
	return strbuf_detach(&sb, NULL);
}

static void assert_sorted(struct model *m, const char *want)
{
	struct strbuf got = STRBUF_INIT;
	size_t n;
	struct model_conn *const *cs = model_sorted_conns(m, &n);

	for (size_t i = 0; i < n; i++) {
		strbuf_appendf(&got, "%s%s", i ? " " : "", cs[i]->key);
		assert_int_equal(cs[i]->sorted_pos, i);	/* where the look-up cursor finds it */
	}
	assert_string_equal(got.buf ? got.buf : "", want);
	assert_int_equal(n, model_n_conns(m));
	strbuf_release(&got);
}

/* The sorted list stays complete and in order whether connections come in order, out of it, or
 * go. */
static void test_sorted_connections(void **state)
{
	static const char *const c1[] = { "b", "d", "f" };			/* in order */
	static const char *const c2[] = {
		"b", "d", "f", "e", "a", "g"
	}; /* new ones out of order */
	static const char *const c3[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	static const char *const c4[] = { "h", "c", "a" };			/* some go */
	static const char *const c5[] = { "h", "c", "a", "b", "i" };		/* some come back */
	struct model *m = model_new(&default_opt);
	uint64_t v;
	char *st;

	st = status_of(c1, ELEMENTSOF(c1)); cycle(m, st, ""); free(st);
	assert_sorted(m, "b d f");
	v = model_sorted_version(m);
	st = status_of(c1, ELEMENTSOF(c1)); cycle(m, st, ""); free(st);
	assert_int_equal(model_sorted_version(m), v);	/* nothing came or went: not sorted again */
	st = status_of(c2, ELEMENTSOF(c2)); cycle(m, st, ""); free(st);
	assert_sorted(m, "a b d e f g");
	st = status_of(c3, ELEMENTSOF(c3)); cycle(m, st, ""); free(st);
	assert_sorted(m, "a b c d e f g h");
	st = status_of(c4, ELEMENTSOF(c4)); cycle(m, st, ""); free(st);
	assert_sorted(m, "a c h");
	st = status_of(c5, ELEMENTSOF(c5)); cycle(m, st, ""); free(st);
	assert_sorted(m, "a b c h i");
	model_free(m);
}

/* A first cycle's connections in several sorted runs (an odd number of them, then an even one). */
static void test_sorted_runs(void **state)
{
	static const char *const three[] = { "s1", "s2", "s3", "r1", "r2", "m1", "t" };
	static const char *const four[] = { "u", "v", "c1", "c2", "c3", "b", "z", "a" };
	struct model *m = model_new(&default_opt);
	char *st;

	st = status_of(three, ELEMENTSOF(three)); cycle(m, st, ""); free(st);
	assert_sorted(m, "m1 r1 r2 s1 s2 s3 t");
	model_free(m);
	m = model_new(&default_opt);
	st = status_of(four, ELEMENTSOF(four)); cycle(m, st, ""); free(st);
	assert_sorted(m, "a b c1 c2 c3 u v z");
	model_free(m);
}

/* Look-ups from the cursor: SAs in order, past its reach, backwards, repeated, and of a new
 * connection. */
static void test_lookup_cursor(void **state)
{
	static const char *const order[] = { "c00", "c01", "c15", "c03", "c19",
					     "c19", "c02", "zz",  "c00" };
	const char *names[20];
	char name_buf[20][4];
	struct model *m = model_new(&default_opt);
	struct strbuf traffic = STRBUF_INIT;
	char *st;

	for (size_t i = 0; i < 20; i++) {
		(void)snprintf(name_buf[i], sizeof(name_buf[i]), "c%02zu", i);
		names[i] = name_buf[i];
	}
	for (size_t i = 0; i < ELEMENTSOF(order); i++)
		strbuf_appendf(&traffic,
			       "006 #%zu: \"%s\", type=ESP, add_time=1700000000, inBytes=%zu, "
			       "outBytes=1, maxBytes=2^63B\n",
			       i + 10, order[i], i + 1);
	st = status_of(names, ELEMENTSOF(names));
	/* a first cycle, then one with the list sorted */
	for (int round = 0; round < 2; round++) {
		cycle(m, st, traffic.buf);
		assert_int_equal(model_n_conns(m), 21);
		assert_int_equal(model_conn_in_bytes(conn(m, "c00")), 1 + 9);
		assert_int_equal(model_conn_in_bytes(conn(m, "c01")), 2);
		assert_int_equal(model_conn_in_bytes(conn(m, "c15")), 3);
		assert_int_equal(model_conn_in_bytes(conn(m, "c03")), 4);
		assert_int_equal(model_conn_in_bytes(conn(m, "c19")), 5 + 6);
		assert_int_equal(model_conn_in_bytes(conn(m, "c02")), 7);
		assert_int_equal(model_conn_in_bytes(conn(m, "zz")), 8);
		assert_int_equal(model_conn_in_bytes(conn(m, "c04")), 0);
		assert_int_equal(conn(m, "c19")->traffic_sas, 2);
	}
	free(st);
	strbuf_release(&traffic);
	model_free(m);
}

static void test_users_cap(void **state)
{
	struct model_options opt = { .per_user = true, .max_users = 1 };
	struct model *m = model_new(&opt);

	cycle(m, NULL,
	      "006 #2: \"xauth\"[1] 192.0.2.9, username=alice, type=ESP, add_time=1700000000, "
	      "inBytes=5, outBytes=6, maxBytes=2^63B, lease=10.0.0.1/32\n"
	      "006 #3: \"xauth\"[2] 192.0.2.10, username=bob, type=ESP, add_time=1700000000, "
	      "inBytes=7, outBytes=8, maxBytes=2^63B, lease=10.0.0.2/32\n");
	{
		size_t n;
		struct model_user **users = model_sorted_users(m, &n);

		assert_int_equal(n, 1);
		assert_string_equal(users[0]->name, "alice");
		free(users);
	}
	assert_int_equal(model_other_user(m)->sas, 1);
	assert_int_equal(model_other_user(m)->live_in, 7);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_keeps_counter_monotonic),
		cmocka_unit_test(test_wrap_32bit_in_bytes),
		cmocka_unit_test(test_wrap_32bit_out_bytes_before_4_8),
		cmocka_unit_test(test_64bit_never_wraps),
		cmocka_unit_test(test_sa_gone_and_connection_deleted),
		cmocka_unit_test(test_pluto_restart),
		cmocka_unit_test(test_once_is_sum_of_live),
		cmocka_unit_test(test_template_and_group_folding),
		cmocka_unit_test(test_per_instance_option),
		cmocka_unit_test(test_sorted_connections),
		cmocka_unit_test(test_sorted_runs),
		cmocka_unit_test(test_lookup_cursor),
		cmocka_unit_test(test_users_cap),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
