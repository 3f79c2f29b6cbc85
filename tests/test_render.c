/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the rendered page, as the sources write it: every family has HELP and TYPE and appears
 * once, a loaded-but-down connection is present with up 0 and counters 0,
 * a connection whose IKE SA is up but Child SA failed shows expected_up 1
 * and up 0, and the globalstatus keys map to their families (unknown keys
 * are exported generically), and over several cycles that a --clearstats
 * reset of pluto's totals passes through while the per-connection counters
 * survive pluto going down and coming back.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "cycle_util.h"
#include "http/page.h"
#include "lib/util.h"

static const char status_410[] =
	"000 Connection list:\n"
	"000  \n"
	"000 \"down\": 198.51.100.2/32===192.0.2.1[@west]...192.0.2.2[@east]===203.0.113.2/32; "
	"unrouted; eroute owner: #0\n"
	"000 \"down\":   policy: "
	"IKEv2+PSK+ENCRYPT+TUNNEL+PFS+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO;\n"
	"000 \"down\":   newest IKE SA: #0; newest IPsec SA: #0; conn serial: $2;\n"
	"000 \"half\": 198.51.100.1/32===192.0.2.1[@west]...192.0.2.2[@east]===203.0.113.1/32; "
	"unrouted; eroute owner: #0\n"
	"000 \"half\":   policy: "
	"IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO;\n"
	"000 \"half\":   newest IKE SA: #1; newest IPsec SA: #0; conn serial: $1;\n"
	"000  \n"
	"000 Total IPsec connections: loaded 2, active 0\n"
	"000  \n"
	"000 State Information: DDoS cookies not required, Accepting new IKE connections\n"
	"000 IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)\n"
	"000 IPsec SAs: total(0), authenticated(0), anonymous(0)\n"
	"000  \n"
	"000 #1: \"half\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 27s; "
	"REPLACE in 57s; newest; lastdpd=-1s(seq in:0 out:0); idle;\n";

static const char global_410[] = "config.setup.ike.ddos_threshold=25000\n"
				 "current.states.all=1\n"
				 "total.ike.ikev2.established=1\n"
				 "total.ike.ikev2.failed=4\n"
				 "total.ikev2.recv.notifies.error.TS_UNACCEPTABLE=1\n"
				 "total.new.key.from.the.future=7\n";

/* The page of the fixtures above, rendered into reuse (a buffer of reuse_size bytes) when given. */
/* Where a sink's pieces go, and how many there were. */
struct pieces {
	struct strbuf sb;
	size_t n;
};

static void take_piece(void *userdata, const char *data, size_t len)
{
	struct pieces *p = userdata;

	assert_true(len > 0);
	assert_memory_equal(data, "# HELP ", 7);	/* cut where a family begins */
	strbuf_append(&p->sb, data, len);
	p->n++;
}

static void max_users_10(struct exporter_config *cfg)
{
	cfg->max_users = 10;
}

static char *render_sink(enum metrics_format fmt, char *reuse, size_t reuse_size,
			 struct pieces *sink, size_t chunk)
{
	static const char *const names[] = { "status", "trafficstatus", "globalstatus" };
	const char *const outputs[] = { status_410, "", global_410 };
	struct render_buffer buf = { .reserve = 4096, .reuse = reuse, .reuse_size = reuse_size };
	struct test_cycle tc;
	char *page;
	size_t len;

	if (sink) {
		buf.sink = take_piece;
		buf.sink_userdata = sink;
		buf.sink_chunk = chunk;
	}
	test_cycle_init(&tc, max_users_10);
	test_cycle_run(&tc, names, outputs, 3, 1700000000, NULL);
	page = test_cycle_render(&tc, fmt, &buf, &len);
	assert_int_equal(strlen(page), len);
	test_cycle_release(&tc);
	return page;
}

static char *render_into(enum metrics_format fmt, char *reuse, size_t reuse_size)
{
	return render_sink(fmt, reuse, reuse_size, NULL, 0);
}

static char *render(enum metrics_format fmt)
{
	return render_into(fmt, NULL, 0);
}

static void assert_has(const char *page, const char *line)
{
	if (!strstr(page, line))
		fail_msg("missing line: %s", line);
}

static void test_families_once_with_help_and_type(void **state)
{
	_cleanup_free_ char *page = render(METRICS_FORMAT_TEXT);
	char seen[256][96];
	size_t n_seen = 0;
	const char *p = page;
	char current[96] = "";

	while (*p) {
		const char *eol = strchr(p, '\n');
		char name[96];

		assert_non_null(eol);
		if (strncmp(p, "# HELP ", 7) == 0) {
			sscanf(p + 7, "%95s", name);
			for (size_t i = 0; i < n_seen; i++)
				if (streq(seen[i], name))
					fail_msg("family %s appears twice", name);
			snprintf(seen[n_seen++], sizeof(seen[0]), "%s", name);
			snprintf(current, sizeof(current), "%s", name);
			assert_true(strncmp(eol + 1, "# TYPE ", 7) == 0);
		} else if (*p != '#') {
			/* every sample belongs to the family announced last */
			sscanf(p, "%95[^{ ]", name);
			assert_string_equal(name, current);
		}
		p = eol + 1;
	}
	assert_true(n_seen > 20);
}

static void test_connections(void **state)
{
	_cleanup_free_ char *page = render(METRICS_FORMAT_TEXT);

	assert_has(page, "libreswan_up 1\n");
	assert_has(page, "libreswan_connections_loaded 2\n");
	assert_has(page, "libreswan_ike_sas{state=\"authenticated\"} 1\n");
	assert_has(
		page,
		"libreswan_connection_info{connection=\"down\",ike_version=\"2\",kind=\"static\","
		"local=\"192.0.2.1\",remote=\"192.0.2.2\"} 1\n");
	assert_has(page, "libreswan_connection_up{connection=\"down\"} 0\n");
	assert_has(page, "libreswan_connection_expected_up{connection=\"down\"} 0\n");
	assert_has(page, "libreswan_connection_in_bytes_total{connection=\"down\"} 0\n");
	assert_has(page, "libreswan_connection_up{connection=\"half\"} 0\n");
	assert_has(page, "libreswan_connection_expected_up{connection=\"half\"} 1\n");
	assert_has(page, "libreswan_connection_ike_sas_established{connection=\"half\"} 1\n");
	assert_has(page, "libreswan_connection_ike_sa_next_event_seconds{connection=\"half\",event="
			 "\"rekey\"} 27\n");
	assert_has(page, "libreswan_connection_ike_sa_next_event_seconds{connection=\"half\",event="
			 "\"replace\"} 57\n");
}

static void test_global(void **state)
{
	_cleanup_free_ char *page = render(METRICS_FORMAT_TEXT);

	assert_has(page, "libreswan_config_ddos_threshold 25000\n");
	assert_has(page, "libreswan_states 1\n");
	assert_has(page, "libreswan_ike_sa_established_total{ike_version=\"2\"} 1\n");
	assert_has(page, "libreswan_ike_sa_failed_total{ike_version=\"2\"} 4\n");
	assert_has(
		page,
		"libreswan_ike_notifies_total{ike_version=\"2\",direction=\"recv\",kind=\"error\","
		"notify=\"TS_UNACCEPTABLE\"} 1\n");
	assert_has(
		page,
		"libreswan_globalstatus_events_total{key=\"total.new.key.from.the.future\"} 7\n");
}

static void test_openmetrics_page(void **state)
{
	_cleanup_free_ char *page = render(METRICS_FORMAT_OPENMETRICS);
	size_t len = strlen(page);

	assert_has(page, "# TYPE libreswan_connection_in_bytes counter\n");
	assert_has(page, "libreswan_connection_in_bytes_total{connection=\"down\"} 0\n");
	assert_true(len > 6 && streq(page + len - 6, "# EOF\n"));
}

static void test_openmetrics_derived_from_text(void **state)
{
	/* the daemon derives OpenMetrics from the text page: it must equal a direct rendering */
	_cleanup_free_ char *text = render(METRICS_FORMAT_TEXT);
	_cleanup_free_ char *om = render(METRICS_FORMAT_OPENMETRICS);
	size_t len;
	_cleanup_free_ char *derived = page_text_to_openmetrics(text, strlen(text), &len);

	assert_int_equal(len, strlen(derived));
	assert_string_equal(derived, om);
}

/* A page no response holds gives its buffer to the next rendering, which comes out the same. */
static void test_page_buffer_reused(void **state)
{
	char *text = render(METRICS_FORMAT_TEXT);
	size_t len = strlen(text), size = 0;
	struct page *pg = page_new(xstrdup(text), len);
	struct page *held = page_ref(pg);
	char *buf;

	/* a response in flight holds the page: its text stays */
	assert_null(page_take_text(pg, &size));
	page_unref(held);
	buf = page_take_text(pg, &size);
	assert_non_null(buf);
	assert_true(size > len);
	assert_null(page_take_text(pg, &size));	/* taken once */
	page_unref(pg);
	/* garbage left in the buffer must not show */
	memset(buf, 'x', size);
	{
		_cleanup_free_ char *out = render_into(METRICS_FORMAT_TEXT, buf, size);

		assert_string_equal(out, text);
	}
	free(text);
}

/* A page handed out in pieces as it renders (--once) is the same page, in both formats, whatever
 * the size of the pieces. */
static void test_page_to_sink(void **state)
{
	static const enum metrics_format formats[] = { METRICS_FORMAT_TEXT,
						       METRICS_FORMAT_OPENMETRICS };
	static const size_t chunks[] = { 1, 100, 1000, 1u << 20 };

	for (size_t f = 0; f < ELEMENTSOF(formats); f++) {
		_cleanup_free_ char *whole = render(formats[f]);

		for (size_t c = 0; c < ELEMENTSOF(chunks); c++) {
			struct pieces sink = { STRBUF_INIT, 0 };
			_cleanup_free_ char *rest =
				render_sink(formats[f], NULL, 0, &sink, chunks[c]);

			strbuf_puts(&sink.sb, rest);
			assert_string_equal(sink.sb.buf ? sink.sb.buf : "", whole);
			if (chunks[c] == 1)
				/* every family but the first begins a piece */
				assert_true(sink.n > 20);
			if (chunks[c] == 1u << 20)
				/* a small page: all of it is the rest */
				assert_int_equal(sink.n, 0);
			strbuf_release(&sink.sb);
		}
	}
}

/* One daemon cycle of the three whack commands (NULL: it failed); returns the page. */
static char *daemon_cycle(struct test_cycle *tc, const char *status, const char *traffic,
			  const char *global)
{
	static const char *const names[] = { "status", "trafficstatus", "globalstatus" };
	const char *const outputs[] = { status, traffic, global };
	size_t len;

	test_cycle_run(tc, names, outputs, 3, 1700000000, NULL);
	return test_cycle_render(tc, METRICS_FORMAT_TEXT, NULL, &len);
}

static void test_clearstats_and_restart(void **state)
{
	struct test_cycle tc;
	static const char status[] =
		"000 \"a\": 192.0.2.1...192.0.2.2; erouted; eroute owner: #2\n"
		"000 \"a\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n"
		"000 Total IPsec connections: loaded 1, active 1\n";
	char *page;

	test_cycle_init(&tc, max_users_10);
	page = daemon_cycle(&tc, status,
			    "006 #2: \"a\", type=ESP, add_time=1699999000, inBytes=700, "
			    "outBytes=800, maxBytes=2^63B\n",
			    "total.ike.ikev2.established=9\ntotal.ipsec.traffic.in=5000\n");
	assert_has(page, "libreswan_ike_sa_established_total{ike_version=\"2\"} 9\n");
	assert_has(page, "libreswan_connection_in_bytes_total{connection=\"a\"} 700\n");
	assert_has(page, "libreswan_connection_child_sa_age_seconds{connection=\"a\"} 1000\n");
	free(page);
	/* ipsec whack --clearstats: pluto's totals restart, a legitimate counter reset passed
	 * through */
	page = daemon_cycle(&tc, status,
			    "006 #2: \"a\", type=ESP, add_time=1699999000, inBytes=750, "
			    "outBytes=800, maxBytes=2^63B\n",
			    "total.ike.ikev2.established=0\ntotal.ipsec.traffic.in=0\n");
	assert_has(page, "libreswan_ike_sa_established_total{ike_version=\"2\"} 0\n");
	assert_has(page, "libreswan_ipsec_retired_in_bytes_total 0\n");
	assert_has(page, "libreswan_connection_in_bytes_total{connection=\"a\"} 750\n");
	free(page);
	/* pluto down: up 0, no per-connection series, nothing forgotten */
	page = daemon_cycle(&tc, NULL, NULL, NULL);
	assert_has(page, "libreswan_up 0\n");
	assert_null(strstr(page, "libreswan_connection_in_bytes_total{"));
	free(page);
	/* pluto restarted: serial #2 again, other add_time, small counters: the counter goes on */
	page = daemon_cycle(&tc, status,
			    "006 #2: \"a\", type=ESP, add_time=1700000000, inBytes=5, outBytes=6, "
			    "maxBytes=2^63B\n",
			    "total.ike.ikev2.established=1\n");
	assert_has(page, "libreswan_connection_in_bytes_total{connection=\"a\"} 755\n");
	assert_has(page, "libreswan_connection_out_bytes_total{connection=\"a\"} 806\n");
	free(page);
	test_cycle_release(&tc);
}

/*
 * One cycle rendered twice, with the cache and without: the two pages must be the same.
 * Returns the cached one.
 */
static char *cached_cycle(struct test_cycle *tc, struct render_cache *rc, const char *status,
			  const char *traffic)
{
	static const char *const names[] = { "status", "trafficstatus" };
	const char *const outputs[] = { status, traffic };
	char *page, *fresh;
	size_t len, fresh_len;

	test_cycle_run(tc, names, outputs, 2, 1700000000, rc);
	page = test_cycle_render(tc, METRICS_FORMAT_TEXT, NULL, &len);
	tc->cycle.cache = NULL;
	fresh = test_cycle_render(tc, METRICS_FORMAT_TEXT, NULL, &fresh_len);
	assert_int_equal(len, fresh_len);
	assert_string_equal(page, fresh);
	free(fresh);
	return page;
}

static void counts(const struct render_cache *rc, uint64_t *reused, uint64_t *rendered)
{
	static uint64_t last_reused, last_rendered;
	uint64_t r, n;

	render_cache_counts(rc, &r, &n);
	*reused = r - last_reused;
	*rendered = n - last_rendered;
	last_reused = r;
	last_rendered = n;
}

/* Families come from the cache exactly while their values and the connection list stay. */
static void test_render_cache(void **state)
{
	static const char two[] =
		"000 \"a\": 192.0.2.1...192.0.2.2; erouted; eroute owner: #2\n"
		"000 \"a\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n"
		"000 \"b\": 192.0.2.1...192.0.2.3; unrouted; eroute owner: #0\n"
		"000 \"b\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n";
	static const char moved[] =	/* b's peer moved */
		"000 \"a\": 192.0.2.1...192.0.2.2; erouted; eroute owner: #2\n"
		"000 \"a\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n"
		"000 \"b\": 192.0.2.1...198.51.100.9; unrouted; eroute owner: #0\n"
		"000 \"b\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n";
	static const char three[] =	/* and c was added */
		"000 \"a\": 192.0.2.1...192.0.2.2; erouted; eroute owner: #2\n"
		"000 \"a\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n"
		"000 \"b\": 192.0.2.1...198.51.100.9; unrouted; eroute owner: #0\n"
		"000 \"b\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n"
		"000 \"c\": 192.0.2.1...192.0.2.4; unrouted; eroute owner: #0\n";
	static const char a_up[] =
		"006 #2: \"a\", type=ESP, add_time=1699999000, inBytes=7, outBytes=8\n";
	static const char a_up_more[] =
		"006 #2: \"a\", type=ESP, add_time=1699999000, inBytes=70, outBytes=80\n";
	struct render_cache *rc = render_cache_new();
	struct test_cycle tc;
	uint64_t reused, rendered;
	char *page;

	test_cycle_init(&tc, NULL);
	free(cached_cycle(&tc, rc, two, a_up));
	counts(rc, &reused, &rendered);
	assert_int_equal(reused, 0);
	assert_true(rendered >= 6);
	/* nothing changed but the byte counters: every cached family is reused */
	page = cached_cycle(&tc, rc, two, a_up_more);
	assert_has(page, "libreswan_connection_in_bytes_total{connection=\"a\"} 70\n");
	free(page);
	counts(rc, &reused, &rendered);
	assert_true(reused >= 6);
	assert_int_equal(rendered, 0);
	/* a description changed: connection_info only */
	page = cached_cycle(&tc, rc, moved, a_up_more);
	assert_has(page, "remote=\"198.51.100.9\"");
	free(page);
	counts(rc, &reused, &rendered);
	assert_int_equal(rendered, 1);
	/* a went down: connection_up and child_sas_established (its count came from
	 * trafficstatus) */
	page = cached_cycle(&tc, rc, moved, "");
	assert_has(page, "libreswan_connection_up{connection=\"a\"} 0\n");
	free(page);
	counts(rc, &reused, &rendered);
	assert_true(rendered >= 1);
	/* a connection came: the list changed, nothing is reused */
	page = cached_cycle(&tc, rc, three, a_up_more);
	assert_has(page, "libreswan_connection_info{connection=\"c\"");
	free(page);
	counts(rc, &reused, &rendered);
	assert_int_equal(reused, 0);
	/* pluto gone and back */
	free(cached_cycle(&tc, rc, NULL, NULL));
	free(cached_cycle(&tc, rc, three, a_up_more));
	free(cached_cycle(&tc, rc, three, a_up_more));
	counts(rc, &reused, &rendered);
	assert_true(reused >= 6);
	render_cache_free(rc);
	test_cycle_release(&tc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families_once_with_help_and_type),
		cmocka_unit_test(test_connections),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_openmetrics_page),
		cmocka_unit_test(test_openmetrics_derived_from_text),
		cmocka_unit_test(test_page_buffer_reused),
		cmocka_unit_test(test_page_to_sink),
		cmocka_unit_test(test_clearstats_and_restart),
		cmocka_unit_test(test_render_cache),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
