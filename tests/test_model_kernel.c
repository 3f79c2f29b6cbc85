/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the join of pluto's view and the kernel's (doc/kernel.md) over sequences
 * of poll cycles: each established Child SA's SAIDs find their kernel SAs by
 * protocol, SPI and destination (both directions); SAs the kernel lacks are
 * counted missing for their connection only; packet and error counters stay
 * monotonic across rekeys, across an SA deleted and added again under the
 * same SPI, and across cycles where the kernel or pluto could not be read;
 * kernel SAs nobody claims and half-created ones are counted; policies join
 * through the reqids of the connection's SAs (or 5.4's reqid line); per-SA
 * kernel counters are kept with --metrics.sas; deleted connections go away.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

/* the source itself, to see its state (chrony's way of reaching a module's statics) */
#include "sources/kernel.c"

#include "lib/strbuf.h"
#include "xfrm/protocol.h"

/* A model and the kernel source on it, as the poll cycle makes them. */
struct rig {
	struct exporter_config cfg;
	struct model *m;
	struct kernel *kn;
};

static struct rig *rig_new(bool per_sa)
{
	struct rig *r = xcalloc(1, sizeof(*r));
	struct model_options mo = { .max_users = 10 };

	config_init(&r->cfg);
	r->cfg.per_sa = per_sa;
	r->m = model_new(&mo);
	r->kn = kernel_new(&(struct source_env){ .cfg = &r->cfg, .model = r->m });
	return r;
}

static void rig_free(struct rig *r)
{
	kernel_free(r->kn);
	model_free(r->m);
	free(r);
}

#define CONN_LINES(name, n)                                                                        \
	"000 \"" name "\": 198.51.100." n "/32===192.0.2.1...192.0.2.2===203.0.113." n             \
	"/32; erouted; eroute owner: #0\n"                                                         \
	"000 \"" name "\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKE_FRAG_ALLOW+ESN_NO;\n"

/* An established Child SA #serial of conn with its ESP SAIDs (outbound SPI, inbound SPI). */
static void child(struct strbuf *sb, const char *conn, unsigned serial, const char *out_spi,
		  const char *in_spi)
{
	strbuf_appendf(sb,
		       "000 #%u: \"%s\":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); "
		       "REKEY in 27s; newest; "
		       "eroute owner; IKE SA #1; idle;\n"
		       "000 #%u: \"%s\" esp.%s@192.0.2.2 esp.%s@192.0.2.1 tun.0@192.0.2.2 "
		       "tun.0@192.0.2.1 Traffic: "
		       "ESPin=0B ESPout=0B ESPmax=2^63B \n",
		       serial, conn, serial, conn, out_spi, in_spi);
}

/* A kernel ESP SA towards dst (192.0.2.2 = outbound, 192.0.2.1 = inbound). */
static void ksa(struct strbuf *sb, const char *spi, const char *dst, unsigned reqid,
		unsigned packets, unsigned add_time, unsigned integrity)
{
	strbuf_appendf(sb,
		       "sa proto=esp spi=%s dst=%s src=x reqid=%u mode=tunnel if_id=0 keyed=1 "
		       "bytes=%u packets=%u "
		       "add_time=%u use_time=0 replay_window=0 replay=0 integrity=%u\n",
		       spi, dst, reqid, packets * 100, packets, add_time, integrity);
}

/* One cycle; st_body NULL = status failed, k_body NULL = the kernel could not be read. */
static void cycle(struct rig *r, struct strbuf *st_body, struct strbuf *k_body)
{
	struct status_summary *s = NULL;
	struct cycle cy = { .model = r->m, .cfg = &r->cfg };
	bool usable = k_body != NULL;

	model_begin_cycle(r->m);
	if (st_body) {
		s = status_parse(st_body->buf ? st_body->buf : "", st_body->len);
		strbuf_reset(st_body);
		model_apply_status(r->m, s);
		cy.status = s;
	}
	kernel_begin(r->kn, 0);
	if (k_body) {
		struct strbuf sb = STRBUF_INIT;
		unsigned sas = 0, policies = 0;

		for (const char *p = k_body->buf; p && *p;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			sas += startswith(p, "sa ");
			policies += startswith(p, "policy ");
		}
		strbuf_appendf(&sb, XFRM_HELPER_HEADER "\n%send sas=%u policies=%u\n",
			       k_body->buf ? k_body->buf : "", sas, policies);
		parser_feed(kernel_parser(r->kn, 0), sb.buf, sb.len);
		parser_finish(kernel_parser(r->kn, 0));
		assert_true(r->kn->snap->complete);
		strbuf_release(&sb);
		strbuf_reset(k_body);
	}
	kernel_update(r->kn, &cy, &usable);
	model_end_cycle(r->m);
	status_summary_free(s);
}

/* The kernel's part of a connection (NULL if the model has none of that name). */
static struct kernel_conn *conn(struct rig *r, const char *name)
{
	struct model_conn *c = model_conn_get(r->m, name);

	return c ? kconn(r->kn, c) : NULL;
}

static uint64_t integrity_errors(const struct kernel_conn *kc)
{
	return kc->retired_errors[KERNEL_ERROR_INTEGRITY] + kc->live_errors[KERNEL_ERROR_INTEGRITY];
}

static void test_join_rekey_and_replaced_sa(void **state)
{
	struct rig *r = rig_new(false);
	struct strbuf st = STRBUF_INIT, k = STRBUF_INIT;
	struct kernel_conn *a, *b;

	/* a up with #2 (both kernel SAs), b up with #3 whose inbound SA the kernel lost */
	strbuf_puts(&st, CONN_LINES("a", "1") CONN_LINES("b", "2"));
	child(&st, "a", 2, "a0000001", "a0000002");
	child(&st, "b", 3, "b0000001", "b0000002");
	ksa(&k, "a0000001", "192.0.2.2", 16389, 4, 100, 0);
	ksa(&k, "a0000002", "192.0.2.1", 16389, 5, 100, 0);
	ksa(&k, "b0000001", "192.0.2.2", 16393, 7, 100, 0);
	ksa(&k, "99999999", "192.0.2.1", 0, 1, 100, 0);		/* nobody's */
	strbuf_puts(&k, "sa proto=esp spi=0 dst=192.0.2.2 keyed=0\n");	/* an ACQUIRE */
	cycle(r, &st, &k);
	a = conn(r, "a");
	b = conn(r, "b");
	assert_true(r->kn->joined);
	assert_int_equal(a->sas, 2);
	assert_int_equal(a->sas_missing, 0);
	assert_int_equal(b->sas, 1);
	assert_int_equal(b->sas_missing, 1);
	assert_int_equal(packets(a, 0), 5);	/* in: the SA towards us */
	assert_int_equal(packets(a, 1), 4);
	assert_int_equal(packets(b, 1), 7);
	assert_int_equal(r->kn->unclaimed, 1);
	assert_int_equal(r->kn->larval, 1);

	/* rekey of a: new SPIs from 0 while the old SAs carried a few more packets, then the old
	 * go */
	strbuf_puts(&st, CONN_LINES("a", "1") CONN_LINES("b", "2"));
	child(&st, "a", 2, "a0000001", "a0000002");
	child(&st, "a", 4, "a0000003", "a0000004");
	child(&st, "b", 3, "b0000001", "b0000002");
	ksa(&k, "a0000001", "192.0.2.2", 16389, 6, 100, 0);
	ksa(&k, "a0000002", "192.0.2.1", 16389, 8, 100, 0);
	ksa(&k, "a0000003", "192.0.2.2", 16389, 0, 200, 0);
	ksa(&k, "a0000004", "192.0.2.1", 16389, 0, 200, 0);
	ksa(&k, "b0000001", "192.0.2.2", 16393, 7, 100, 0);
	cycle(r, &st, &k);
	assert_int_equal(a->sas, 4);
	assert_int_equal(packets(a, 0), 8);
	assert_int_equal(packets(a, 1), 6);
	strbuf_puts(&st, CONN_LINES("a", "1") CONN_LINES("b", "2"));
	child(&st, "a", 4, "a0000003", "a0000004");
	child(&st, "b", 3, "b0000001", "b0000002");
	ksa(&k, "a0000003", "192.0.2.2", 16389, 2, 200, 0);
	ksa(&k, "a0000004", "192.0.2.1", 16389, 3, 200, 0);
	ksa(&k, "b0000001", "192.0.2.2", 16393, 7, 100, 0);
	cycle(r, &st, &k);
	assert_int_equal(a->sas, 2);
	assert_int_equal(packets(a, 0), 8 + 3);
	assert_int_equal(packets(a, 1), 6 + 2);

	/* a's inbound SA deleted and added again under the same SPI (another key): counts from 0 */
	strbuf_puts(&st, CONN_LINES("a", "1") CONN_LINES("b", "2"));
	child(&st, "a", 4, "a0000003", "a0000004");
	ksa(&k, "a0000003", "192.0.2.2", 16389, 5, 200, 0);
	ksa(&k, "a0000004", "192.0.2.1", 16389, 1, 300, 4);
	cycle(r, &st, &k);
	assert_int_equal(packets(a, 0), 8 + 3 + 1);
	assert_int_equal(packets(a, 1), 6 + 5);
	assert_int_equal(integrity_errors(a), 4);
	/* b: its SA gone from the kernel and its Child SA from pluto; the counter stays */
	assert_int_equal(packets(b, 1), 7);
	assert_int_equal(b->sas, 0);
	assert_int_equal(b->sas_missing, 0);
	strbuf_release(&st);
	strbuf_release(&k);
	rig_free(r);
}

static void test_unreadable_sources(void **state)
{
	struct rig *r = rig_new(false);
	struct strbuf st = STRBUF_INIT, k = STRBUF_INIT;
	struct kernel_conn *a;

	strbuf_puts(&st, CONN_LINES("a", "1"));
	child(&st, "a", 2, "a0000001", "a0000002");
	ksa(&k, "a0000001", "192.0.2.2", 16389, 4, 100, 0);
	ksa(&k, "a0000002", "192.0.2.1", 16389, 5, 100, 1);
	cycle(r, &st, &k);
	a = conn(r, "a");
	assert_true(r->kn->read && r->kn->joined);

	/* the kernel could not be read: counters kept as they were, no gauge claims anything */
	strbuf_puts(&st, CONN_LINES("a", "1"));
	child(&st, "a", 2, "a0000001", "a0000002");
	cycle(r, &st, NULL);
	assert_false(r->kn->read);
	assert_false(r->kn->joined);
	assert_true(a->tracked);
	assert_int_equal(packets(a, 0), 5);
	assert_int_equal(integrity_errors(a), 1);

	/* pluto down but the kernel read: tracked SAs keep counting, no join, unclaimed unknown */
	ksa(&k, "a0000001", "192.0.2.2", 16389, 40, 100, 0);
	ksa(&k, "a0000002", "192.0.2.1", 16389, 50, 100, 1);
	cycle(r, NULL, &k);
	assert_true(r->kn->read);
	assert_false(r->kn->joined);
	assert_int_equal(packets(a, 0), 50);
	assert_int_equal(packets(a, 1), 40);
	assert_int_equal(r->kn->unclaimed, 0);

	/* the connection deleted: it and its counters go */
	strbuf_puts(&st, "000 Total IPsec connections: loaded 0, active 0\n");
	cycle(r, &st, &k);
	assert_null(conn(r, "a"));
	strbuf_release(&st);
	strbuf_release(&k);
	rig_free(r);
}

static void test_policies_through_reqids(void **state)
{
	struct rig *r = rig_new(false);
	struct strbuf st = STRBUF_INIT, k = STRBUF_INIT;

	strbuf_puts(&st, CONN_LINES("a", "1") CONN_LINES("b", "2") CONN_LINES("c", "3"));
	child(&st, "a", 2, "a0000001", "a0000002");
	ksa(&k, "a0000001", "192.0.2.2", 16389, 0, 100, 0);
	strbuf_puts(&k,
		    "policy dir=out tmpl=esp:tunnel:16389\n"
		    "policy dir=in tmpl=esp:tunnel:16389\n"
		    "policy dir=fwd tmpl=esp:tunnel:16389\n"
		    "policy dir=fwd tmpl=comp:tunnel:16390,esp:tunnel:16389\n" /* one policy,
										  counted once */
		    "policy dir=out tmpl=esp:tunnel:77777\n"
		    "policy dir=out tmpl=\n");
	cycle(r, &st, &k);
	assert_true(conn(r, "a")->policies_known);
	assert_int_equal(conn(r, "a")->policies[KERNEL_DIR_OUT], 1);
	assert_int_equal(conn(r, "a")->policies[KERNEL_DIR_IN], 1);
	assert_int_equal(conn(r, "a")->policies[KERNEL_DIR_FWD], 2);
	assert_false(conn(r, "b")->policies_known);	/* no SA, no 5.4 reqid: unknown */
	rig_free(r);

	/* 5.4 prints the base reqid: AH +0, ESP +1, IPComp +2 (automatic reqids), as is when
	 * manual */
	r = rig_new(false);
	strbuf_puts(&st, "\"v\": 10.0.1.0/24===192.0.2.1...192.0.2.2===10.0.2.0/24; routed-tunnel; "
			 "my_ip=unset; their_ip=unset;\n"
			 "\"v\":   reqid: 16392;\n"
			 "\"m\": 10.0.3.0/24===192.0.2.1...192.0.2.2===10.0.4.0/24; "
			 "routed-ondemand; my_ip=unset; their_ip=unset;\n"
			 "\"m\":   reqid: 100;\n");
	strbuf_puts(&k, "policy dir=out tmpl=esp:tunnel:16393\n"
			"policy dir=in tmpl=comp:tunnel:16394\n"
			"policy dir=out tmpl=esp:tunnel:100\n"
			"policy dir=in tmpl=esp:tunnel:101\n");
	cycle(r, &st, &k);
	assert_int_equal(conn(r, "v")->policies[KERNEL_DIR_OUT], 1);
	assert_int_equal(conn(r, "v")->policies[KERNEL_DIR_IN], 1);
	assert_int_equal(conn(r, "m")->policies[KERNEL_DIR_OUT], 1);
	assert_int_equal(conn(r, "m")->policies[KERNEL_DIR_IN], 0);
	strbuf_release(&st);
	strbuf_release(&k);
	rig_free(r);
}

static void test_per_sa_kernel_counters(void **state)
{
	struct rig *r = rig_new(true);
	struct strbuf st = STRBUF_INIT, k = STRBUF_INIT;
	const struct sa_kernel_counters *ck;

	strbuf_puts(&st, CONN_LINES("a", "1"));
	child(&st, "a", 2, "a0000001", "a0000002");
	ksa(&k, "a0000001", "192.0.2.2", 16389, 4, 100, 0);
	ksa(&k, "a0000002", "192.0.2.1", 16389, 5, 100, 2);
	cycle(r, &st, &k);
	ck = hashmap_get(&r->kn->sa_counters, "2");
	assert_non_null(ck);
	assert_int_equal(ck->packets[0], 5);
	assert_int_equal(ck->packets[1], 4);
	assert_int_equal(ck->errors[KERNEL_ERROR_INTEGRITY], 2);
	strbuf_release(&st);
	strbuf_release(&k);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_rekey_and_replaced_sa),
		cmocka_unit_test(test_unreadable_sources),
		cmocka_unit_test(test_policies_through_reqids),
		cmocka_unit_test(test_per_sa_kernel_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
