/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the certificates source as the poll cycle drives it (every source, without the loop):
 * on the real listings of Libreswan 4.3, 4.10 and 5.2 (certificates made with openssl, their
 * dates in the fixtures' .dates files) every notAfter, notBefore and CRL update on the page
 * equals openssl's to the second, in a time zone that is not UTC; a connection gets its own
 * certificate's notAfter and its CA's, one without a certificate gets neither; pool leases add
 * up to the pool. And the schedule: the listings run at start-up and again only after
 * --certificates.interval, their last good read is served in between and after a failed read, a
 * read that failed while pluto was down is tried at the next cycle, a 3.x pluto is never asked
 * for pools, --no-collector.certificates runs nothing, --input.* reads every cycle. Also: the
 * connection keeps its nickname across cycles without a status and forgets it when its
 * status shows none; a renewed certificate (same nickname and subject) replaces the old one;
 * the CA notAfter is the earliest along the chain to the root.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cycle_util.h"
#include "fixture_util.h"

/* A command's output in one cycle; fail: it ran but did not succeed (its output cut short). */
struct out {
	const char *name;
	const char *text;
	bool fail;
};

#define OK(n, t) { .name = (n), .text = (t) }
#define FAILED(n, t) { .name = (n), .text = (t), .fail = true }

/*
 * One poll cycle as src/daemon/poller.c runs it: begin, the enabled commands (each output given
 * must be of an enabled command, or of any with --input.*), judged, then the sources' updates.
 * *ret_enabled (when given) says which commands ran. up: whether pluto answered its status.
 */
static void run(struct test_cycle *tc, const struct out *outs, size_t n, bool *ret_enabled)
{
	struct poll_stats *st = &tc->stats;
	bool given[SOURCES_MAX_COMMANDS] = { false };

	source_set_begin(tc->sources);
	for (size_t i = 0; i < st->n_commands; i++) {
		st->cmd[i].success = false;
		if (ret_enabled)
			ret_enabled[i] = source_set_enabled(tc->sources, i);
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = test_cycle_command(tc, outs[k].name);
		struct parser *p = source_set_parser(tc->sources, i);

		if (!config_uses_inputs(&tc->cfg) && st->commands[i]->run == SOURCE_RUN_WHACK &&
		    !source_set_enabled(tc->sources, i))
			fail_msg("output given for %s, which does not run this cycle",
				 outs[k].name);
		given[i] = true;
		st->cmd[i].attempted = true;
		st->cmd[i].success = !outs[k].fail;
		parser_feed(p, outs[k].text,
			    outs[k].fail ? strlen(outs[k].text) / 2 : strlen(outs[k].text));
	}
	test_cycle_judge(tc, given);
	st->up = tc->usable[test_cycle_command(tc, "status")];
	st->cycles++;
	tc->cycle = (struct cycle){
		.model = tc->model, .cfg = &tc->cfg, .stats = st, .now = 1800000000
	};
	model_begin_cycle(tc->model);
	source_set_update(tc->sources, &tc->cycle, tc->usable);
	model_end_cycle(tc->model);
}

static char *page_of(struct test_cycle *tc)
{
	size_t len;

	return test_cycle_render(tc, METRICS_FORMAT_TEXT, NULL, &len);
}

/* The value of the first sample whose line starts with prefix; fails when there is none. */
static double value_of(const char *page, const char *prefix)
{
	size_t plen = strlen(prefix);

	for (const char *p = page; *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, prefix, plen) == 0) {
			const char *eol = strchr(p, '\n');
			const char *sp = eol;

			while (sp > p && sp[-1] != ' ')
				sp--;
			return strtod(sp, NULL);
		}
		if (!strchr(p, '\n'))
			break;
	}
	fail_msg("no sample %s", prefix);
	return 0;
}

static bool has(const char *page, const char *s)
{
	return strstr(page, s) != NULL;
}

static char *fixture(const char *dir, const char *name)
{
	char path[PATH_MAX];
	size_t len;
	char *text;

	(void)snprintf(path, sizeof(path), "%s/%s/%s", getenv("FIXTURES_DIR"), dir, name);
	text = fixture_read(path, &len);
	if (!text)
		fail_msg("cannot read %s", path);
	return text;
}

/* openssl's dates of a lab certificate ("NAME not_before not_after" lines of VERSION-lab.dates). */
static void dates_of(const char *version, const char *name, int64_t *ret_before, int64_t *ret_after)
{
	char file[64];
	_cleanup_free_ char *text = NULL;
	size_t nlen = strlen(name);

	(void)snprintf(file, sizeof(file), "%s-lab.dates", version);
	text = fixture("certs", file);
	for (char *p = text; *p; p = strchr(p, '\n') + 1) {
		long long b, a;

		if (strncmp(p, name, nlen) == 0 && p[nlen] == ' ' &&
		    sscanf(p + nlen, "%lld %lld", &b, &a) == 2) {
			*ret_before = b;
			*ret_after = a;
			return;
		}
		if (!strchr(p, '\n'))
			break;
	}
	fail_msg("no dates of %s in %s", name, file);
}

static const char *const releases[] = { "4.3", "4.10", "5.2" };

#define NS "libreswan_certificate_not_after_timestamp_seconds{nickname="
#define NB "libreswan_certificate_not_before_timestamp_seconds{nickname="
#define CONN_NA "libreswan_connection_certificate_not_after_timestamp_seconds{connection="
#define CONN_CA "libreswan_connection_ca_certificate_not_after_timestamp_seconds{connection="

/* Every date on the page of a real pluto's listings equals openssl's to the second. */
static void test_lab_dates_equal_openssl(void **state)
{
	for (size_t r = 0; r < ELEMENTSOF(releases); r++) {
		const char *v = releases[r];
		char f[4][80];
		_cleanup_free_ char *status = NULL, *certs = NULL, *cacerts = NULL, *crls = NULL,
				    *page = NULL;
		struct test_cycle tc;
		int64_t ca_b, ca_a, west_b, west_a, spare_b, spare_a, crl_this, crl_next;

		(void)snprintf(f[0], sizeof(f[0]), "%s-lab-certs--status.txt", v);
		(void)snprintf(f[1], sizeof(f[1]), "%s-lab--listcerts.txt", v);
		(void)snprintf(f[2], sizeof(f[2]), "%s-lab--listcacerts.txt", v);
		(void)snprintf(f[3], sizeof(f[3]), "%s-lab--listcrls.txt", v);
		status = fixture("status", f[0]);
		certs = fixture("certs", f[1]);
		cacerts = fixture("certs", f[2]);
		crls = fixture("certs", f[3]);
		dates_of(v, "Lab CA", &ca_b, &ca_a);
		dates_of(v, "west", &west_b, &west_a);
		dates_of(v, "spare", &spare_b, &spare_a);
		dates_of(v, "crl", &crl_this, &crl_next);

		test_cycle_init(&tc, NULL);
		run(&tc,
		    (struct out[]){ OK("status", status), OK("listcerts", certs),
				    OK("listcacerts", cacerts), OK("listcrls", crls) },
		    4, NULL);
		page = page_of(&tc);
		print_message("Libreswan %s: west notAfter %lld, spare %lld, Lab CA %lld, CRL next "
			      "%lld\n",
			      v, (long long)west_a, (long long)spare_a, (long long)ca_a,
			      (long long)crl_next);
		assert_true(value_of(page, NS "\"west\",kind=\"end\"") == (double)west_a);
		assert_true(value_of(page, NB "\"west\",kind=\"end\"") == (double)west_b);
		assert_true(value_of(page, NS "\"spare\",kind=\"end\"") == (double)spare_a);
		assert_true(value_of(page, NB "\"spare\",kind=\"end\"") == (double)spare_b);
		assert_true(value_of(page, NS "\"Lab CA\",kind=\"ca\"") == (double)ca_a);
		assert_true(value_of(page, NB "\"Lab CA\",kind=\"ca\"") == (double)ca_b);
		assert_true(has(page, NS
				"\"west\",kind=\"end\",subject=\"C=XX, O=Example Lab, "
				"OU=Gateways\\\\, Lab, CN=west.example\",issuer=\"C=XX, O=Example "
				"Lab, CN=Lab CA\"} "));
		assert_true(value_of(page, "libreswan_crl_this_update_timestamp_seconds{issuer=\"C="
					   "XX, O=Example Lab, CN=Lab CA\"}") == (double)crl_this);
		assert_true(value_of(page, "libreswan_crl_next_update_timestamp_seconds{issuer=\"C="
					   "XX, O=Example Lab, CN=Lab CA\"}") == (double)crl_next);
		assert_true(value_of(page, "libreswan_crl_revoked_certificates{") == 1);
		/* "pinned" and "rw" authenticate with west (printed with NSS's prefix or
		 * without) */
		assert_true(value_of(page, CONN_NA "\"pinned\"}") == (double)west_a);
		assert_true(value_of(page, CONN_NA "\"rw\"}") == (double)west_a);
		assert_true(value_of(page, CONN_CA "\"rw\"}") == (double)ca_a);
		/* "psk" has no certificate: no series of its own */
		assert_false(has(page, CONN_NA "\"psk\"}"));
		assert_false(has(page, CONN_CA "\"psk\"}"));
		assert_true(has(page, "libreswan_connection_up{connection=\"psk\"} 0\n"));
		test_cycle_release(&tc);
	}
}

static void once(struct exporter_config *cfg)
{
	cfg->once = true;
}

/* The leases of a pool by state add up to its addresses; the states follow the lease lines. */
static void test_pools(void **state)
{
	static const struct {
		const char *file, *pool;
		double addresses, in_use, reusable, free;
	} cases[] = {
		{ "4.10-lab-loaded--addresspoolstatus.txt", "192.0.2.100-192.0.2.109", 10, 0, 0,
		  10 },
		{ "4.10-lab-leased--addresspoolstatus.txt", "192.0.2.100-192.0.2.109", 10, 2, 0,
		  8 },
		{ "4.10-lab-one-left--addresspoolstatus.txt", "192.0.2.100-192.0.2.109", 10, 1, 1,
		  8 },
		{ "4.3-lab-one-left--addresspoolstatus.txt", "192.0.2.100-192.0.2.109", 10, 0, 1,
		  9 },
		{ "5.2-lab-one-left--addresspoolstatus.txt", "192.0.2.100-192.0.2.109", 10, 1, 1,
		  8 },
		{ "4.10-lab-leased--addresspoolstatus.txt", "2001:db8:0:3::1-2001:db8:0:3::fff",
		  4095, 0, 0, 4095 },
		/* a free lease without a peer's name is plain free */
		{ "derived-5.4--addresspoolstatus.txt", "192.0.2.100-192.0.2.109", 10, 2, 0, 8 },
		{ "derived-5.4--addresspoolstatus.txt",
		  "2001:db8:1::-2001:db8:1:0:ffff:ffff:ffff:ffff/96", 3221225472, 1, 0,
		  3221225471 },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *text = fixture("pools", cases[i].file), *page = NULL;
		struct test_cycle tc;
		char sel[160];

		/* pools run in the first cycle only with --once (no status yet) */
		test_cycle_init(&tc, once);
		run(&tc, (struct out[]){ OK("addresspoolstatus", text) }, 1, NULL);
		page = page_of(&tc);
		(void)snprintf(sel, sizeof(sel), "libreswan_address_pool_addresses{pool=\"%s\"}",
			       cases[i].pool);
		assert_true(value_of(page, sel) == cases[i].addresses);
		(void)snprintf(sel, sizeof(sel),
			       "libreswan_address_pool_leases{pool=\"%s\",state=\"in_use\"}",
			       cases[i].pool);
		assert_true(value_of(page, sel) == cases[i].in_use);
		(void)snprintf(sel, sizeof(sel),
			       "libreswan_address_pool_leases{pool=\"%s\",state=\"reusable\"}",
			       cases[i].pool);
		assert_true(value_of(page, sel) == cases[i].reusable);
		(void)snprintf(sel, sizeof(sel),
			       "libreswan_address_pool_leases{pool=\"%s\",state=\"free\"}",
			       cases[i].pool);
		assert_true(value_of(page, sel) == cases[i].free);
		assert_true(cases[i].in_use + cases[i].reusable + cases[i].free ==
			    cases[i].addresses);
		test_cycle_release(&tc);
	}
}

/* A small 5.x status: "gw-a" and "gw-b" with certificates, "plain" without. */
static const char status_5[] =
	"\"gw-a\": 192.0.2.1[@a]...192.0.2.2[@b]; unrouted; my_ip=unset; their_ip=unset;\n"
	"\"gw-a\":   host: oriented; local: 192.0.2.1; remote: 192.0.2.2;\n"
	"\"gw-a\":   mycert=NSS Certificate DB:gw; my_updown=ipsec _updown;\n"
	"\"gw-a\":   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS;\n"
	"\"gw-b\": 192.0.2.1[@a]...192.0.2.3[@c]; unrouted; my_ip=unset; their_ip=unset;\n"
	"\"gw-b\":   host: oriented; local: 192.0.2.1; remote: 192.0.2.3;\n"
	"\"gw-b\":   mycert=other; my_updown=ipsec _updown;\n"
	"\"gw-b\":   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS;\n"
	"\"plain\": 192.0.2.1[@a]...192.0.2.4[@d]; unrouted; my_ip=unset; their_ip=unset;\n"
	"\"plain\":   host: oriented; local: 192.0.2.1; remote: 192.0.2.4;\n"
	"\"plain\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n"
	"Total IPsec connections: loaded 3, active 0\n";

/* The same a little later: gw-b's certificate is gone from its configuration. */
static const char status_5_b_plain[] =
	"\"gw-a\": 192.0.2.1[@a]...192.0.2.2[@b]; unrouted; my_ip=unset; their_ip=unset;\n"
	"\"gw-a\":   host: oriented; local: 192.0.2.1; remote: 192.0.2.2;\n"
	"\"gw-a\":   mycert=gw; my_updown=ipsec _updown;\n"
	"\"gw-a\":   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS;\n"
	"\"gw-b\": 192.0.2.1[@a]...192.0.2.3[@c]; unrouted; my_ip=unset; their_ip=unset;\n"
	"\"gw-b\":   host: oriented; local: 192.0.2.1; remote: 192.0.2.3;\n"
	"\"gw-b\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n"
	"Total IPsec connections: loaded 2, active 0\n";

/* 5.x listings: "gw" twice (a renewal: same nickname and subject), issued by an intermediate CA
 * under a root; "other" issued by a CA pluto does not hold. */
static const char listcerts_5[] =
	"List of X.509 End Certificates:\n"
	" \n"
	"End certificate \"gw\" - SN: 0x10\n"
	"  subject: CN=gw.example\n"
	"  issuer: CN=Sub CA\n"
	"  not before: Wed Jan 01 00:00:00 2025\n"
	"  not after: Thu Jan 01 00:00:00 2026\n"
	"  2048 bit RSA: has private key\n"
	" \n"
	"End certificate \"NSS Certificate DB:gw\" - SN: 0x11\n"
	"  subject: CN=gw.example\n"
	"  issuer: CN=Sub CA\n"
	"  not before: Mon Dec 01 00:00:00 2025\n"
	"  not after: Fri Jan 01 00:00:00 2027\n"
	"  2048 bit RSA: has private key\n"
	" \n"
	"End certificate \"other\" - SN: 0x12\n"
	"  subject: CN=other.example\n"
	"  issuer: CN=Elsewhere CA\n"
	"  not before: Wed Jan 01 00:00:00 2025\n"
	"  not after: Sun Jan 01 00:00:00 2040\n"
	"  2048 bit RSA: has private key\n";

static const char listcacerts_5[] =
	"List of X.509 CA Certificates:\n"
	" \n"
	"CA certificate \"Sub CA\" - SN: 0x2\n"
	"  subject: CN=Sub CA\n"
	"  issuer: CN=Root CA\n"
	"  not before: Wed Jan 01 00:00:00 2025\n"
	"  not after: Sat Jan 01 00:00:00 2028\n"
	"  2048 bit RSA\n"
	" \n"
	"Root CA certificate \"Root CA\" - SN: 0x1\n"
	"  subject: CN=Root CA\n"
	"  issuer: CN=Root CA\n"
	"  not before: Wed Jan 01 00:00:00 2020\n"
	"  not after: Tue Jan 01 00:00:00 2030\n"
	"  2048 bit RSA\n";

/* "gw" once more, renewed again (not after 2029-01-01) */
static const char listcerts_5_renewed[] =
	"List of X.509 End Certificates:\n"
	" \n"
	"End certificate \"gw\" - SN: 0x13\n"
	"  subject: CN=gw.example\n"
	"  issuer: CN=Sub CA\n"
	"  not before: Sun Dec 03 00:00:00 2028\n"
	"  not after: Mon Jan 01 00:00:00 2029\n"
	"  2048 bit RSA: has private key\n";

#define T_2026 1767225600	/* 2026-01-01T00:00:00Z */
#define T_2027 1798761600
#define T_2028 1830297600
#define T_2029 1861920000
#define T_2030 1893456000
#define T_2040 2208988800

/* The renewal wins; the CA notAfter is the earliest of the chain (the intermediate's here). */
static void test_chain_and_renewal(void **state)
{
	struct test_cycle tc;
	_cleanup_free_ char *page = NULL;

	test_cycle_init(&tc, NULL);
	run(&tc,
	    (struct out[]){ OK("status", status_5), OK("listcerts", listcerts_5),
			    OK("listcacerts", listcacerts_5) },
	    3, NULL);
	page = page_of(&tc);
	/* one series for the two "gw": the later */
	assert_true(value_of(page, NS "\"gw\",kind=\"end\"") == T_2027);
	assert_null(strstr(strstr(page, NS "\"gw\"") + 1, NS "\"gw\""));
	assert_true(
		value_of(page, NS
			 "\"Root CA\",kind=\"ca\",subject=\"CN=Root CA\",issuer=\"CN=Root CA\"}") ==
		T_2030);
	assert_true(value_of(page, CONN_NA "\"gw-a\"}") == T_2027);
	assert_true(value_of(page, CONN_CA "\"gw-a\"}") == T_2028);
	/* other's CA is not in pluto's database: its own notAfter, no CA series */
	assert_true(value_of(page, CONN_NA "\"gw-b\"}") == T_2040);
	assert_false(has(page, CONN_CA "\"gw-b\"}"));
	assert_false(has(page, CONN_NA "\"plain\"}"));
	assert_int_equal(value_of(page, "libreswan_parse_errors_total{command=\"listcerts\"}"), 0);
	test_cycle_release(&tc);
}

static void hour_interval(struct exporter_config *cfg)
{
	cfg->certificates_interval_usec = 3600 * UINT64_C(1000000);
}

static void short_interval(struct exporter_config *cfg)
{
	cfg->certificates_interval_usec = 50 * 1000;
	cfg->poll_interval_usec = 1000;
}

static bool enabled_named(const struct test_cycle *tc, const bool *enabled, const char *name)
{
	return enabled[test_cycle_command(tc, name)];
}

/* Start-up reads everything (pools once the release is known); then nothing before the interval. */
static void test_schedule(void **state)
{
	struct test_cycle tc;
	bool en[SOURCES_MAX_COMMANDS];
	_cleanup_free_ char *p1 = NULL, *p2 = NULL;
	_cleanup_free_ char *pools = fixture("pools", "4.10-lab-leased--addresspoolstatus.txt");

	test_cycle_init(&tc, hour_interval);
	run(&tc,
	    (struct out[]){ OK("status", status_5), OK("listcerts", listcerts_5),
			    OK("listcacerts", listcacerts_5), OK("listcrls", "List of CRLs:\n") },
	    4, en);
	assert_true(enabled_named(&tc, en, "status"));
	assert_true(enabled_named(&tc, en, "listcerts"));
	assert_true(enabled_named(&tc, en, "listcacerts"));
	assert_true(enabled_named(&tc, en, "listcrls"));
	assert_false(enabled_named(&tc, en, "addresspoolstatus"));	/* which release is it? */
	p1 = page_of(&tc);

	/* the next cycle: only the pools (now that a 5.x status was read) */
	run(&tc, (struct out[]){ OK("status", status_5), OK("addresspoolstatus", pools) }, 2, en);
	assert_false(enabled_named(&tc, en, "listcerts"));
	assert_false(enabled_named(&tc, en, "listcacerts"));
	assert_false(enabled_named(&tc, en, "listcrls"));
	assert_true(enabled_named(&tc, en, "addresspoolstatus"));
	p2 = page_of(&tc);
	/* the listings of the first cycle are still served */
	assert_true(value_of(p2, CONN_NA "\"gw-a\"}") == T_2027);
	assert_true(value_of(p2, NS "\"Root CA\"") == T_2030);
	assert_true(
		value_of(p2,
			 "libreswan_address_pool_addresses{pool=\"192.0.2.100-192.0.2.109\"}") ==
		10);
	assert_true(value_of(p1, "libreswan_poll_success{command=\"listcerts\"}") == 1);
	assert_false(has(p1, "libreswan_poll_success{command=\"addresspoolstatus\"}"));

	/* and then nothing of this source for an hour */
	run(&tc, (struct out[]){ OK("status", status_5) }, 1, en);
	for (size_t i = 0; i < tc.stats.n_commands; i++)
		if (!streq(tc.stats.commands[i]->name, "status") &&
		    !streq(tc.stats.commands[i]->name, "trafficstatus") &&
		    !streq(tc.stats.commands[i]->name, "globalstatus"))
			assert_false(en[i]);
	test_cycle_release(&tc);
}

/* Due again after the interval; a failed read keeps the last good one and waits for the interval,
 * unless pluto did not answer at all (then the next cycle tries again). */
static void test_interval_and_failures(void **state)
{
	struct test_cycle tc;
	bool en[SOURCES_MAX_COMMANDS];
	char *page;

	test_cycle_init(&tc, short_interval);
	run(&tc,
	    (struct out[]){ OK("status", status_5), OK("listcerts", listcerts_5),
			    OK("listcacerts", listcacerts_5) },
	    3, en);
	usleep(60 * 1000);

	/* the interval is over: read again, and this read fails (pluto answers its status) */
	run(&tc, (struct out[]){ OK("status", status_5), FAILED("listcerts", listcerts_5_renewed) },
	    2, en);
	assert_true(enabled_named(&tc, en, "listcerts"));
	page = page_of(&tc);
	assert_true(value_of(page, CONN_NA "\"gw-a\"}") == T_2027);	/* the last good read */
	assert_true(value_of(page, "libreswan_poll_success{command=\"listcerts\"}") == 0);
	free(page);
	run(&tc, (struct out[]){ OK("status", status_5) }, 1, en);
	assert_false(enabled_named(&tc, en, "listcerts"));	/* waits for the interval */
	usleep(60 * 1000);

	/* pluto is down: its status fails, and so does the listing */
	run(&tc,
	    (struct out[]){ FAILED("status", status_5), FAILED("listcerts", listcerts_5_renewed) },
	    2, en);
	assert_true(enabled_named(&tc, en, "listcerts"));
	run(&tc, (struct out[]){ OK("status", status_5), OK("listcerts", listcerts_5_renewed) }, 2,
	    en);
	assert_true(enabled_named(&tc, en, "listcerts"));	/* at once again */
	page = page_of(&tc);
	assert_true(value_of(page, CONN_NA "\"gw-a\"}") == T_2029);
	assert_true(value_of(page, CONN_CA "\"gw-a\"}") == T_2028);
	free(page);
	test_cycle_release(&tc);
}

/* The nickname stays with the connection through cycles without a status; a status without
 * its mycert= forgets it; a connection that goes takes it along. */
static void test_mapping_kept(void **state)
{
	struct test_cycle tc;
	bool en[SOURCES_MAX_COMMANDS];
	char *page;

	test_cycle_init(&tc, short_interval);
	run(&tc,
	    (struct out[]){ OK("status", status_5), OK("listcerts", listcerts_5),
			    OK("listcacerts", listcacerts_5) },
	    3, en);
	usleep(60 * 1000);
	/* no status this cycle (pluto slow), but a new listing */
	run(&tc, (struct out[]){ OK("listcerts", listcerts_5_renewed) }, 1, en);
	page = page_of(&tc);
	assert_false(has(page, CONN_NA));	/* no connection is listed this cycle */
	assert_true(value_of(page, NS "\"gw\"") == T_2029);
	free(page);
	/* the status is back (gw-b without a certificate now, plain gone) */
	run(&tc, (struct out[]){ OK("status", status_5_b_plain) }, 1, en);
	page = page_of(&tc);
	assert_true(value_of(page, CONN_NA "\"gw-a\"}") == T_2029);
	assert_false(has(page, CONN_NA "\"gw-b\"}"));
	free(page);
	run(&tc, (struct out[]){ OK("status", status_5) }, 1, en);
	page = page_of(&tc);
	assert_false(has(page, CONN_NA "\"gw-b\"}"));	/* "other" is no longer listed */
	assert_true(value_of(page, CONN_NA "\"gw-a\"}") == T_2029);
	free(page);
	test_cycle_release(&tc);
}

static void no_collector(struct exporter_config *cfg)
{
	cfg->collector_certificates = false;
}

static void inputs(struct exporter_config *cfg)
{
	cfg->input_listcerts = "listcerts.txt";	/* never opened here: only what it means */
}

/* --no-collector.certificates runs none of them; with --input.* every cycle reads the files. */
static void test_collector_off_and_inputs(void **state)
{
	struct test_cycle tc;
	bool en[SOURCES_MAX_COMMANDS];
	char *page;

	test_cycle_init(&tc, no_collector);
	for (int c = 0; c < 2; c++) {
		run(&tc, (struct out[]){ OK("status", status_5) }, 1, en);
		assert_false(enabled_named(&tc, en, "listcerts"));
		assert_false(enabled_named(&tc, en, "addresspoolstatus"));
	}
	page = page_of(&tc);
	assert_false(has(page, "libreswan_certificate_"));
	assert_false(has(page, "libreswan_connection_certificate_"));
	assert_false(has(page, "libreswan_address_pool_"));
	free(page);
	test_cycle_release(&tc);

	test_cycle_init(&tc, inputs);
	for (int c = 0; c < 2; c++) {
		run(&tc, (struct out[]){ OK("listcerts", c ? listcerts_5_renewed : listcerts_5) },
		    1, en);
		page = page_of(&tc);
		assert_true(value_of(page, NS "\"gw\"") == (c ? T_2029 : T_2027));
		assert_true(enabled_named(&tc, en, "listcerts"));
		free(page);
	}
	test_cycle_release(&tc);
}

/* A 3.x pluto has no --addresspoolstatus: never asked (with --once, the first cycle cannot
 * know). */
static void test_3x_no_pools(void **state)
{
	struct test_cycle tc;
	bool en[SOURCES_MAX_COMMANDS];
	_cleanup_free_ char *status =
		fixture("status", "3.25-ikev2-41-rw-replace--status--road-1.txt");
	_cleanup_free_ char *page = NULL;

	test_cycle_init(&tc, short_interval);
	for (int c = 0; c < 3; c++) {
		run(&tc, (struct out[]){ OK("status", status) }, 1, en);
		assert_false(enabled_named(&tc, en, "addresspoolstatus"));
		usleep(60 * 1000);
	}
	assert_true(enabled_named(&tc, en, "listcerts"));
	page = page_of(&tc);
	assert_false(has(page, "libreswan_poll_success{command=\"addresspoolstatus\"}"));
	test_cycle_release(&tc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_dates_equal_openssl),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_chain_and_renewal),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_interval_and_failures),
		cmocka_unit_test(test_mapping_kept),
		cmocka_unit_test(test_collector_off_and_inputs),
		cmocka_unit_test(test_3x_no_pools),
	};

	/* dates are exact whatever the machine's zone: run in one far from UTC */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
