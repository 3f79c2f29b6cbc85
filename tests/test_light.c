/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the light poll cycle of pluto's source (every source, driven as the poll cycle drives
 * them, without the loop): on the same pluto state, the page after a light cycle (`whack
 * --briefstatus --showstates` with the connection list of the last whole read) equals the page
 * after a whole one (`whack --status`) byte for byte, apart from the exporter's own poll series:
 * for every golden case of the daemon's tests (Libreswan 3.25 to 5.4, the kernel join, the
 * certificates) and for outputs of Libreswan 4.3, 4.10 and 5.2 captured at one moment. That a
 * status's state list is what --briefstatus --showstates prints (checked on those captures).
 * And the choice: the whole status at start-up; after pluto did not answer; when a light read
 * names a connection or instance the kept list lacks, an instance lost its states, a tunnel came
 * up or went down, a connection not held up began to negotiate, or state serials started over;
 * when pluto's log says a connection was added, deleted, taken down or routed, or pluto started
 * (not when it says one was initiated); every --poll.full-interval; after a failed light read;
 * always for 3.x and with --poll.full-interval=0. A light cycle that shows a change asks for the
 * next cycle at once and is not to be published. libreswan_up follows the light read.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cycle_util.h"
#include "fixture_util.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"

#define NOW 1700000000

/* One cycle's outputs, by command; NULL: the command did not answer (it failed). */
struct outs {
	const char *status;	/* --status, if this cycle reads pluto whole */
	const char *light;	/* --briefstatus --showstates, if it does not */
	const char *traffic;
	const char *global;
	const char *kernel;
	const char *listcerts, *listcacerts, *listcrls, *pools;
};

static bool keep_light(struct exporter_config *cfg)
{
	return cfg->poll_full_interval_usec > 0;
}

static void light_config(struct exporter_config *cfg)
{
	cfg->poll_full_interval_usec = 300 * UINT64_C(1000000);
	cfg->collector_kernel = true;
}

static void whole_config(struct exporter_config *cfg)
{
	cfg->collector_kernel = true;
}

static void feed(struct test_cycle *tc, bool *given, const char *name, const char *text,
		 bool must_run)
{
	size_t i = test_cycle_command(tc, name);
	struct poll_stats *st = &tc->stats;

	if (!source_set_enabled(tc->sources, i)) {
		if (must_run)
			fail_msg("%s does not run this cycle", name);
		return;
	}
	given[i] = true;
	st->cmd[i].attempted = true;
	st->cmd[i].success = text != NULL;
	if (text)
		parser_feed(source_set_parser(tc->sources, i), text, strlen(text));
}

/*
 * One cycle as src/daemon/poller.c runs it: begin, the commands that run (the status or the light
 * read, whichever pluto's source chose), judged, up from the first command that decides it and
 * ran, the updates. Returns whether it read pluto whole.
 */
static bool run(struct test_cycle *tc, const struct outs *o)
{
	struct poll_stats *st = &tc->stats;
	bool given[SOURCES_MAX_COMMANDS] = { false };
	bool whole;

	source_set_begin(tc->sources);
	for (size_t i = 0; i < st->n_commands; i++)
		st->cmd[i].success = false;
	whole = source_set_enabled(tc->sources, test_cycle_command(tc, "status"));
	assert_true(whole != source_set_enabled(tc->sources, test_cycle_command(tc, "showstates")));
	feed(tc, given, whole ? "status" : "showstates", whole ? o->status : o->light, true);
	feed(tc, given, "trafficstatus", o->traffic, true);
	if (o->global)
		feed(tc, given, "globalstatus", o->global, true);
	if (o->kernel)
		feed(tc, given, "kernel", o->kernel, true);
	if (o->listcerts)
		feed(tc, given, "listcerts", o->listcerts, false);
	if (o->listcacerts)
		feed(tc, given, "listcacerts", o->listcacerts, false);
	if (o->listcrls)
		feed(tc, given, "listcrls", o->listcrls, false);
	if (o->pools)
		feed(tc, given, "addresspoolstatus", o->pools, false);
	test_cycle_judge(tc, given);
	source_set_collect(tc->sources);
	st->up = false;
	for (size_t i = 0; i < st->n_commands; i++)
		if (st->commands[i]->decides_up && given[i]) {
			st->up = st->cmd[i].success;
			break;
		}
	st->cycles++;
	tc->cycle = (struct cycle){ .model = tc->model, .cfg = &tc->cfg, .stats = st, .now = NOW };
	model_begin_cycle(tc->model);
	source_set_update(tc->sources, &tc->cycle, tc->usable);
	model_end_cycle(tc->model);
	return whole;
}

static char *page_of(struct test_cycle *tc)
{
	size_t len;

	return test_cycle_render(tc, METRICS_FORMAT_TEXT, NULL, &len);
}

/* The page without the exporter's own poll series (which commands ran, when, how long, the lines
 * each could not parse). */
static char *without_poll_series(const char *page)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = page; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p + 1) : strlen(p);
		const char *name = p;

		if (startswith(p, "# HELP ") || startswith(p, "# TYPE "))
			name = p + 7;
		if (!startswith(name, "libreswan_poll_") &&
		    !startswith(name, "libreswan_parse_errors_total"))
			strbuf_append(&sb, p, n);
		p += n;
	}
	strbuf_putc(&sb, '\0');
	return strbuf_detach(&sb, NULL);
}

/* The value of the sample whose line starts with prefix, or -1. */
static double value_of(const char *page, const char *prefix)
{
	size_t plen = strlen(prefix);

	for (const char *p = page; *p;) {
		const char *eol = strchr(p, '\n');

		if (strncmp(p, prefix, plen) == 0 && p[plen] == ' ')
			return strtod(p + plen + 1, NULL);
		if (!eol)
			break;
		p = eol + 1;
	}
	return -1;
}

static double full_reads(struct test_cycle *tc, const char *reason)
{
	char sel[96];
	char *page = page_of(tc);
	double v;

	(void)snprintf(sel, sizeof(sel), "libreswan_poll_full_reads_total{reason=\"%s\"}", reason);
	v = value_of(page, sel);
	free(page);
	return v;
}

/* What the light read of a pluto whose --status is status prints: its summary and state lines. */
static char *light_of(const char *status)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = status; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p + 1) : strlen(p);
		const char *t = p;

		if (n > 4 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
		    p[2] >= '0' && p[2] <= '9' && p[3] == ' ')
			t = p + 4;
		if (startswith(t, "State Information: ") || startswith(t, "IKE SAs: ") ||
		    startswith(t, "IPsec SAs: ") || (t[0] == '#' && t[1] >= '0' && t[1] <= '9'))
			strbuf_append(&sb, p, n);
		p += n;
	}
	strbuf_putc(&sb, '\0');
	return strbuf_detach(&sb, NULL);
}

static char *read_in(const char *dir, const char *name)
{
	char path[PATH_MAX];
	size_t len;
	char *text;

	if (!name || streq(name, "-"))
		return NULL;
	(void)snprintf(path, sizeof(path), "%s/%s/%s", getenv("FIXTURES_DIR"), dir, name);
	text = fixture_read(path, &len);
	if (!text)
		fail_msg("cannot read %s", path);
	return text;
}

static enum status_family family_of(const char *status)
{
	struct status_summary *s = status_parse(status, strlen(status));
	enum status_family f = s->family;

	status_summary_free(s);
	return f;
}

/* Three cycles of the same outputs, the last whole or light; its page without the poll series. */
static char *third_page(const char *label, const struct outs *o, bool light_last, bool *ret_whole)
{
	struct test_cycle tc;
	char *page, *whole_page;

	test_cycle_init(&tc, light_config);
	assert_true(run(&tc, o));
	/* a second whole read (the certificate source reads pools only once a status was read) */
	tc.cfg.poll_full_interval_usec = 1;
	assert_true(run(&tc, o));
	if (light_last)
		tc.cfg.poll_full_interval_usec = 300 * UINT64_C(1000000);
	*ret_whole = run(&tc, o);
	if (tc.cycle.again) {
		char *before = page_of(&tc), *after;

		run(&tc, o);
		after = page_of(&tc);
		print_error("%s: a light read of the same state asks for a whole one:\n%s\n", label,
			    strstr(after, "libreswan_poll_full_reads_total{"));
		free(before);
		free(after);
		fail();
	}
	whole_page = page_of(&tc);
	page = without_poll_series(whole_page);
	free(whole_page);
	test_cycle_release(&tc);
	return page;
}

/*
 * On the same outputs and the same history (the model keeps byte counters across cycles), the
 * page after a light cycle equals the page after a whole one but for the exporter's poll series.
 * light NULL: derived from the status.
 */
static void same_pages(const char *label, const struct outs *given, const char *light)
{
	struct outs o = *given;
	char *derived = NULL, *a, *b;
	enum status_family family = family_of(given->status);
	bool light_runs = family == STATUS_FAMILY_4 || family == STATUS_FAMILY_5, whole;

	if (!light) {
		derived = light_of(given->status);
		light = derived;
	}
	o.light = light;
	a = third_page(label, &o, false, &whole);
	assert_true(whole);
	b = third_page(label, &o, true, &whole);
	if (whole == light_runs) {
		print_error("%s: the third cycle %s\n", label,
			    light_runs ? "read pluto whole" : "was light");
		fail();
	}
	if (!streq(a, b)) {
		/* the first line that differs, for the log */
		size_t i = 0;

		while (a[i] && a[i] == b[i])
			i++;
		while (i > 0 && a[i - 1] != '\n')
			i--;
		print_error("%s: the light page differs from the whole one at:\n  whole: %.160s\n  "
			    "light: %.160s\n",
			    label, a + i, b + i);
		fail();
	}
	free(a);
	free(b);
	free(derived);
}

/* Whether every SA of the traffic output is of a connection (and instance) the status lists: not
 * so for the golden cases that pair a status with a mix of the corpus's SAs. */
static bool same_pluto(const char *status, const char *traffic)
{
	struct status_summary *s = status_parse(status, strlen(status));
	struct traffic_list *t = traffic_parse(traffic, strlen(traffic));
	bool all = true;

	for (size_t i = 0; i < t->n_sas && all; i++) {
		bool found = false;

		for (size_t c = 0; c < s->n_conns && !found; c++)
			found = streq(s->conns[c].name, t->sas[i].conn) &&
				streq(s->conns[c].instance, t->sas[i].instance);
		all = found;
	}
	status_summary_free(s);
	traffic_list_free(t);
	return all;
}

/* Every golden case of the daemon's tests that has a status: light pages equal whole ones (with
 * its trafficstatus when that is of the same pluto). */
static void test_golden_cases(void **state)
{
	char path[PATH_MAX];
	size_t len, done = 0;
	char *cases;

	(void)snprintf(path, sizeof(path), "%s/../daemon/golden/cases", getenv("FIXTURES_DIR"));
	cases = fixture_read(path, &len);
	assert_non_null(cases);
	for (char *line = strtok(cases, "\n"); line; line = strtok(NULL, "\n")) {
		char *f[10] = { NULL };
		size_t n = 0;
		struct outs o;
		char *texts[9];

		if (line[0] == '#')
			continue;
		for (char *save, *w = strtok_r(line, " \t", &save); w && n < 10;
		     w = strtok_r(NULL, " \t", &save))
			f[n++] = w;
		if (n < 2 || !f[1] || streq(f[1], "-") || (n > 5 && f[5] && !streq(f[5], "-")))
			continue;	/* no status; a saved log (events are not this test's) */
		texts[0] = read_in("status", f[1]);
		texts[1] = read_in("traffic", n > 2 ? f[2] : NULL);
		texts[2] = read_in("global", n > 3 ? f[3] : NULL);
		texts[3] = read_in("kernel", n > 4 ? f[4] : NULL);
		texts[4] = read_in("certs", n > 6 ? f[6] : NULL);
		texts[5] = read_in("certs", n > 7 ? f[7] : NULL);
		texts[6] = read_in("certs", n > 8 ? f[8] : NULL);
		texts[7] = read_in("pools", n > 9 ? f[9] : NULL);
		if (texts[1] && !same_pluto(texts[0], texts[1])) {
			free(texts[1]);
			texts[1] = NULL;
		}
		o = (struct outs){ .status = texts[0],
				   .traffic = texts[1] ? texts[1] : "",
				   .global = texts[2],
				   .kernel = texts[3],
				   .listcerts = texts[4],
				   .listcacerts = texts[5],
				   .listcrls = texts[6],
				   .pools = texts[7] };
		same_pages(f[0], &o, NULL);
		for (size_t i = 0; i < 8; i++)
			free(texts[i]);
		done++;
	}
	assert_true(done >= 15);
	free(cases);
}

/*
 * Outputs of real plutos (4.3, 4.10, 5.2, and 5.2 against 4.10) captured at one moment by
 * tests/matrix/capture.sh, in tests/fixtures/light as RELEASE-STATE-SIDE--COMMAND.txt: the
 * status's summary and state lines are what --briefstatus --showstates printed, and the pages
 * agree.
 */
static void test_captured(void **state)
{
	char **names;
	char dir[PATH_MAX];
	size_t n, done = 0;

	(void)snprintf(dir, sizeof(dir), "%s/light", getenv("FIXTURES_DIR"));
	n = fixture_list(dir, &names);
	for (size_t i = 0; i < n; i++) {
		const char *suffix = strstr(names[i], "--status.txt");
		char other[PATH_MAX];
		char *status, *light, *traffic, *derived, *light_lines;
		struct outs o = { 0 };

		if (!suffix || suffix[strlen("--status.txt")])
			goto next;
		status = read_in("light", names[i]);
		(void)snprintf(other, sizeof(other), "%.*s--showstates.txt",
			       (int)(suffix - names[i]), names[i]);
		light = read_in("light", other);
		(void)snprintf(other, sizeof(other), "%.*s--trafficstatus.txt",
			       (int)(suffix - names[i]), names[i]);
		traffic = read_in("light", other);
		derived = light_of(status);
		light_lines = light_of(light);
		if (!streq(derived, light_lines)) {
			print_error("%s: the status's state list is not what --briefstatus "
				    "--showstates printed\n",
				    names[i]);
			fail();
		}
		o.status = status;
		o.traffic = traffic;
		same_pages(names[i], &o, light);
		free(status);
		free(light);
		free(traffic);
		free(derived);
		free(light_lines);
		done++;
next:
		free(names[i]);
	}
	free(names);
	assert_int_equal(done, 16);
}

/* ---- the choice ---- */

#define ST_PREFIX "000 "
#define STATUS_HEAD                                                                                \
	"000 using kernel interface: xfrm\n"                                                       \
	"000 Kernel algorithms supported:\n"                                                       \
	"000 Connection list:\n"                                                                   \
	"000  \n"
#define CONN(name, up)                                                                             \
	"000 \"" name "\": 192.0.2.1...192.0.2.2; unrouted; eroute owner: #0\n"                    \
	"000 \"" name "\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS" up                              \
	"+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n"
#define RW_INSTANCE(n)                                                                             \
	"000 \"rw\"[" n "]: 198.51.100.9/32===192.0.2.1...192.0.2.7; unrouted; eroute owner: #0\n" \
	"000 \"rw\"[" n                                                                            \
	"]:   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n"
#define RW                                                                                         \
	"000 \"rw\": 198.51.100.9/32===192.0.2.1...%any; unrouted; eroute owner: #0\n"             \
	"000 \"rw\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n"
#define TOTAL(n, a) "000 Total IPsec connections: loaded " n ", active " a "\n"
#define BRIEF(ike, half, auth, child)                                                              \
	"000 State Information: DDoS cookies not required, Accepting new IKE connections\n"        \
	"000 IKE SAs: total(" ike "), half-open(" half "), open(0), authenticated(" auth           \
	"), anonymous(0)\n"                                                                        \
	"000 IPsec SAs: total(" child "), authenticated(" child "), anonymous(0)\n"
#define IKE(serial, conn)                                                                          \
	"000 #" serial ": " conn                                                                   \
	":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 100s; "                   \
	"REPLACE in 200s; newest; idle;\n"
#define HALF(serial, conn)                                                                         \
	"000 #" serial ": " conn                                                                   \
	":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT in 1s; idle;\n"
#define CHILD(serial, ike, conn)                                                                   \
	"000 #" serial ": " conn                                                                   \
	":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); REKEY in 100s; "               \
	"REPLACE in 200s; newest; eroute owner; IKE SA #" ike "; idle;\n"

/* a, held up (auto=start), with an established IKE SA; b loaded; rw a template, instance [1] up */
static const char base_status[] = STATUS_HEAD CONN("a", "+UP") CONN("b", "") RW RW_INSTANCE("1")
	"000  \n" TOTAL("4", "0") "000  \n" BRIEF("2", "0", "2", "0") "000  \n"
	IKE("1", "\"a\"") IKE("2", "\"rw\"[1] 192.0.2.7");
static const char base_light[] =
	BRIEF("2", "0", "2", "0") "000  \n" IKE("1", "\"a\"") IKE("2", "\"rw\"[1] 192.0.2.7");

static void start(struct test_cycle *tc)
{
	struct outs o = { .status = base_status, .traffic = "" };

	test_cycle_init(tc, light_config);
	tc->cfg.collector_kernel = false;
	assert_true(run(tc, &o));
	assert_true(tc->stats.up);
	assert_false(tc->cycle.again);
	assert_int_equal(full_reads(tc, "start"), 1);
	/* read whole once more: pluto may have been loading its connections */
	assert_true(run(tc, &o));
	assert_int_equal(full_reads(tc, "start"), 2);
}

/* A light cycle of these outputs: whether it asked for the next cycle at once. */
static bool light_cycle(struct test_cycle *tc, const char *light, const char *traffic)
{
	struct outs o = { .status = base_status,
			  .light = light,
			  .traffic = traffic ? traffic : "" };

	assert_false(run(tc, &o));
	return tc->cycle.again;
}

static void whole_for(struct test_cycle *tc, const char *reason);

/* After pluto (re)started: the next two cycles read it whole, for reason (the second finds the
 * connection list as the first did). */
static void whole_settled(struct test_cycle *tc, const char *reason)
{
	whole_for(tc, reason);
	whole_for(tc, reason);
}

/* The next cycle reads pluto whole, for reason. */
static void whole_for(struct test_cycle *tc, const char *reason)
{
	struct outs o = { .status = base_status, .traffic = "" };
	double before = full_reads(tc, reason);

	assert_true(run(tc, &o));
	assert_false(tc->cycle.again);
	if (full_reads(tc, reason) != before + 1) {
		char *page = page_of(tc);

		print_error("no whole read for %s:\n%s\n", reason,
			    strstr(page, "libreswan_poll_full_reads_total"));
		free(page);
		fail();
	}
}

static void test_steady(void **state)
{
	struct test_cycle tc;
	char *page;

	start(&tc);
	for (int i = 0; i < 5; i++)
		assert_false(light_cycle(&tc, base_light, NULL));
	assert_true(tc.stats.up);
	page = page_of(&tc);
	assert_int_equal(value_of(page, "libreswan_poll_success{command=\"showstates\"}"), 1);
	assert_int_equal(value_of(page, "libreswan_connections_loaded"), 4);
	assert_int_equal(value_of(page, "libreswan_connection_instances{connection=\"rw\"}"), 1);
	assert_int_equal(
		value_of(page, "libreswan_connection_ike_sas_established{connection=\"rw\"}"), 1);
	assert_int_equal(value_of(page, "libreswan_ike_sas{state=\"authenticated\"}"), 2);
	free(page);
	/* the counts and the states follow pluto without a whole read: a connection held up,
	 * half-open */
	assert_false(light_cycle(&tc,
				 BRIEF("3", "1", "2", "0") IKE("1", "\"a\"") HALF("3", "\"a\"")
					 IKE("2", "\"rw\"[1] 192.0.2.7"),
				 NULL));
	page = page_of(&tc);
	assert_int_equal(value_of(page, "libreswan_ike_sas{state=\"half_open\"}"), 1);
	assert_int_equal(full_reads(&tc, "states") + full_reads(&tc, "connections"), 0);
	free(page);
	test_cycle_release(&tc);
}

static void test_unknown_connection(void **state)
{
	struct test_cycle tc;

	start(&tc);
	/* a state of a connection the list does not have (added since) */
	assert_true(light_cycle(&tc,
				BRIEF("3", "1", "2", "0") IKE("1", "\"a\"")
					IKE("2", "\"rw\"[1] 192.0.2.7") HALF("3", "\"new\""),
				NULL));
	whole_for(&tc, "connections");
	/* a new instance of a template */
	assert_true(light_cycle(&tc,
				BRIEF("3", "0", "3", "0") IKE("1", "\"a\"") IKE(
					"2", "\"rw\"[1] 192.0.2.7") IKE("4", "\"rw\"[2] 192.0.2.8"),
				NULL));
	whole_for(&tc, "connections");
	/* an SA of trafficstatus whose instance the list does not have */
	assert_true(light_cycle(&tc, base_light,
				"006 #5: \"rw\"[3] 192.0.2.9, type=ESP, add_time=1700000000, "
				"inBytes=0, outBytes=0, "
				"id='@x'\n"));
	whole_for(&tc, "connections");
	/* an instance that lost its states is gone (or going) */
	assert_true(light_cycle(&tc, BRIEF("1", "0", "1", "0") IKE("1", "\"a\""), NULL));
	whole_for(&tc, "connections");
	test_cycle_release(&tc);
}

static void test_tunnels(void **state)
{
	struct test_cycle tc;

	start(&tc);
	/* a's tunnel comes up: its routing, pluto's active count, change */
	assert_true(light_cycle(&tc,
				BRIEF("2", "0", "2", "1") IKE("1", "\"a\"") CHILD("5", "1", "\"a\"")
					IKE("2", "\"rw\"[1] 192.0.2.7"),
				NULL));
	whole_for(&tc, "states");
	/* b, not held up, without states at the whole read, negotiates (an operator's up) */
	assert_true(light_cycle(&tc, BRIEF("3", "1", "2", "0") IKE("1", "\"a\"") HALF("6", "\"b\"")
					     IKE("2", "\"rw\"[1] 192.0.2.7"), NULL));
	whole_for(&tc, "states");
	test_cycle_release(&tc);
}

static void test_restart(void **state)
{
	struct test_cycle tc;
	struct outs down = { .status = base_status, .light = NULL, .traffic = NULL };

	start(&tc);
	assert_false(light_cycle(&tc, BRIEF("3", "1", "2", "0") IKE("1", "\"a\"") HALF("7", "\"a\"")
					      IKE("2", "\"rw\"[1] 192.0.2.7"), NULL));
	/* serials pluto cannot have given after #7 without starting again: #3 is new and lower */
	assert_true(light_cycle(&tc, BRIEF("3", "1", "2", "0") IKE("1", "\"a\"") HALF("3", "\"a\"")
					     IKE("2", "\"rw\"[1] 192.0.2.7"), NULL));
	whole_settled(&tc, "restart");
	/* a state that moved to another connection (a responder switching): read whole, not a
	 * restart */
	assert_false(light_cycle(&tc, base_light, NULL));
	assert_true(light_cycle(&tc,
				BRIEF("2", "0", "2", "0") IKE("1", "\"a\"")
					IKE("2", "\"rw\"[1] 192.0.2.7") HALF("9", "\"a\""),
				NULL) == false);
	assert_true(light_cycle(&tc,
				BRIEF("2", "0", "2", "0") IKE("1", "\"a\"")
					IKE("2", "\"rw\"[1] 192.0.2.7")
						HALF("9", "\"rw\"[1] 192.0.2.7"),
				NULL));
	whole_for(&tc, "connections");
	/* pluto does not answer: up 0, and the cycle asks for a whole read at once; until pluto
	 * answers, every cycle tries the whole status, counted once it is read */
	assert_false(run(&tc, &down));
	assert_false(tc.stats.up);
	assert_true(tc.cycle.again);
	down.status = NULL;
	assert_true(run(&tc, &down));
	assert_false(tc.stats.up);
	assert_true(run(&tc, &down));
	whole_settled(&tc, "restart");
	assert_true(tc.stats.up);
	assert_false(light_cycle(&tc, base_light, NULL));
	test_cycle_release(&tc);
}

static void stream(struct test_cycle *tc, const char *line);

/* Pluto read while it loads its connections (at the exporter's start, after a restart): the next
 * cycles read it whole until two in a row list as many connections. */
static void test_settle(void **state)
{
	static const char empty[] = STATUS_HEAD "000  \n" TOTAL("0", "0") "000  \n"
		BRIEF("0", "0", "0", "0") "000  \n";
	static const char some[] = STATUS_HEAD CONN("a", "+UP") "000  \n" TOTAL("1", "0") "000  \n"
		BRIEF("0", "0", "0", "0") "000  \n";
	struct outs o = { .status = empty, .traffic = "" };
	struct test_cycle tc;
	char *page;

	test_cycle_init(&tc, light_config);
	tc.cfg.collector_kernel = false;
	assert_true(run(&tc, &o));
	o.status = some;
	assert_true(run(&tc, &o));
	o.status = base_status;
	assert_true(run(&tc, &o));
	assert_true(run(&tc, &o));
	assert_int_equal(full_reads(&tc, "start"), 4);
	assert_false(light_cycle(&tc, base_light, NULL));
	page = page_of(&tc);
	assert_int_equal(value_of(page, "libreswan_connections_loaded"), 4);
	assert_int_equal(value_of(page, "libreswan_connection_up{connection=\"b\"}"), 0);
	free(page);
	/* a restart caught before the connections were loaded */
	stream(&tc, "m 1700000000000000 Starting Pluto (Libreswan Version 5.2) pid:1234");
	o.status = empty;
	assert_true(run(&tc, &o));
	o.status = base_status;
	whole_settled(&tc, "restart");
	assert_int_equal(full_reads(&tc, "restart"), 3);
	assert_false(light_cycle(&tc, base_light, NULL));
	test_cycle_release(&tc);
}

static void stream(struct test_cycle *tc, const char *line)
{
	char buf[512];

	(void)snprintf(buf, sizeof(buf), "%s\n", line);
	source_set_stream_data(tc->sources, 0, buf, strlen(buf));
}

static void test_log(void **state)
{
	struct test_cycle tc;

	start(&tc);
	assert_int_equal(source_set_n_streams(tc.sources), 1);
	/* the first helper's start asks for nothing; a later one (the log unread meanwhile) does */
	stream(&tc, "following file /var/log/pluto.log");
	assert_false(light_cycle(&tc, base_light, NULL));
	stream(&tc, "following file /var/log/pluto.log");
	whole_for(&tc, "log");
	assert_false(light_cycle(&tc, base_light, NULL));
	/* an initiation (every revival says one) asks for nothing; an addition does */
	stream(&tc, "m 1700000000000000 \"b\" #9: initiating IKEv2 connection");
	assert_false(light_cycle(&tc, base_light, NULL));
	stream(&tc, "m 1700000000000000 \"c\": added IKEv2 connection");
	whole_for(&tc, "log");
	stream(&tc, "m 1700000000000000 Dec  7 07:02:32.840597: \"b\": terminating SAs using this "
		    "connection");
	whole_for(&tc, "log");
	assert_false(light_cycle(&tc, base_light, NULL));
	stream(&tc, "m 1700000000000000 Starting Pluto (Libreswan Version 5.2) pid:1234");
	whole_settled(&tc, "restart");
	assert_false(light_cycle(&tc, base_light, NULL));
	test_cycle_release(&tc);
}

static void test_interval_and_failure(void **state)
{
	struct test_cycle tc;
	struct outs failed = { .status = base_status, .light = NULL, .traffic = "" };

	start(&tc);
	/* the light read fails: pluto did not answer (libreswan_up 0), a whole read at once */
	assert_false(run(&tc, &failed));
	assert_false(tc.stats.up);
	assert_true(tc.cycle.again);
	whole_settled(&tc, "restart");
	/* a light read without pluto's counts (a whack that ignored --briefstatus) is not used */
	assert_true(light_cycle(&tc, IKE("1", "\"a\"") IKE("2", "\"rw\"[1] 192.0.2.7"), NULL));
	whole_for(&tc, "failed");
	assert_false(light_cycle(&tc, base_light, NULL));
	/* the interval */
	tc.cfg.poll_full_interval_usec = 1;
	whole_for(&tc, "interval");
	whole_for(&tc, "interval");
	test_cycle_release(&tc);
}

static void test_always(void **state)
{
	static const char status_325[] =
		"000 \"a\": 192.0.2.1...192.0.2.2; unrouted; eroute owner: #0\n"
		"000 \"a\":   policy: PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV2_ALLOW+IKEV2_PROPOSE;\n"
		"000 interface eth0/eth0 192.0.2.1@500\n"
		"000 Total IPsec connections: loaded 1, active 0\n";
	struct test_cycle tc;
	struct outs o = { .status = status_325, .traffic = "" };

	/* 3.x has no --showstates */
	test_cycle_init(&tc, light_config);
	assert_true(run(&tc, &o));
	assert_true(run(&tc, &o));
	assert_true(run(&tc, &o));
	assert_int_equal(full_reads(&tc, "always"), 2);
	test_cycle_release(&tc);
	/* --poll.full-interval=0: every cycle whole, as before light cycles; no counter */
	o.status = base_status;
	test_cycle_init(&tc, whole_config);
	assert_false(keep_light(&tc.cfg));
	assert_true(run(&tc, &o));
	assert_true(run(&tc, &o));
	assert_int_equal(full_reads(&tc, "always"), -1);
	test_cycle_release(&tc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_cases),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_steady),
		cmocka_unit_test(test_unknown_connection),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_interval_and_failure),
		cmocka_unit_test(test_always),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
