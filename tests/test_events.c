/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the events source over poll cycles, fed pluto's log as a saved file is
 * (--input.events): each message counts for its connection, instances folded into
 * their template; a connection's series appear with its first event, every label of
 * the family with them; failures keep the time of their reason; the counts grow
 * across cycles and go with the connection; messages about a connection pluto does
 * not have, and wordings nobody knows, are counted apart, never as events.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "cycle_util.h"

static const char status[] =
	"000 \"site-a\": 10.0.1.0/24===192.0.2.1...192.0.2.2===10.0.2.0/24; erouted; eroute owner: "
	"#2\n"
	"000 \"site-a\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n"
	"000 \"site-b\": 10.0.1.0/24===192.0.2.1...192.0.2.3===10.0.3.0/24; unrouted; eroute "
	"owner: #0\n"
	"000 \"site-b\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n"
	"000 \"rw\": 0.0.0.0/0===192.0.2.1...%any; unrouted; eroute owner: #0\n"
	"000 \"rw\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n"
	"000 \"site-c\": 10.0.1.0/24===192.0.2.1...192.0.2.4===10.0.4.0/24; unrouted; eroute "
	"owner: #0\n"
	"000 \"site-c\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS;\n"
	"000 Total IPsec connections: loaded 4, active 1\n";

/* 4.10's words, as its journal holds them and as its logfile= writes them. */
static const char log_cycle1[] =
	"\"site-a\" #1: initiator established IKE SA; authenticated peer '@east'\n"
	"Dec  7 05:32:24.123456: \"site-a\" #2: initiator established Child SA using #1; IPsec "
	"tunnel "
	"[10.0.1.0-10.0.1.255:0-65535 0] -> [10.0.2.0-10.0.2.255:0-65535 0] {ESP/ESN=>0x1 <0x2 "
	"xfrm=AES_GCM_16_256-NONE "
	"DPD=passive}\n"
	"\"site-b\" #3: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED\n"
	"\"rw\"[1] 198.51.100.7 #4: responder established IKE SA; authenticated peer '@rw1'\n"
	"\"rw\"[2] 198.51.100.8 #5: responder established IKE SA; authenticated peer '@rw2'\n"
	"\"gone\" #6: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED\n"
	"\"site-a\" #9: a message nobody ever wrote\n"
	"listening for IKE messages\n";

static const char log_cycle2[] =
	"\"site-b\" #7: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED\n"
	"\"site-a\" #8: initiator rekeyed Child SA #2 using #1; IPsec tunnel "
	"[10.0.1.0-10.0.1.255:0-65535 0] -> "
	"[10.0.2.0-10.0.2.255:0-65535 0] {ESP/ESN=>0x3 <0x4 xfrm=AES_GCM_16_256-NONE "
	"DPD=passive}\n";

static void with_events(struct exporter_config *cfg)
{
	cfg->input_events = "saved.log";	/* what --input.events sets: the source is on */
}

static char *cycle(struct test_cycle *tc, const char *st, const char *log)
{
	static const char *const names[] = { "status", "events" };
	const char *const outputs[] = { st, log };
	size_t len;

	test_cycle_run(tc, names, outputs, 2, 1700000000, NULL);
	return test_cycle_render(tc, METRICS_FORMAT_TEXT, NULL, &len);
}

static void assert_has(const char *page, const char *line)
{
	if (!strstr(page, line))
		fail_msg("missing line: %s", line);
}

static void assert_lacks(const char *page, const char *text)
{
	if (strstr(page, text))
		fail_msg("unexpected: %s", text);
}

static void test_counts_per_connection(void **state)
{
	struct test_cycle tc;
	_cleanup_free_ char *page = NULL;

	test_cycle_init(&tc, with_events);
	page = cycle(&tc, status, log_cycle1);
	assert_has(page, "libreswan_events_up 1\n");
	assert_has(page, "libreswan_events_messages_total 8\n");
	assert_has(page, "libreswan_events_unrecognised_total 1\n");
	assert_has(page, "libreswan_events_dropped_total 1\n");	/* "gone" is not loaded */
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"site-a\",sa="
			 "\"ike\",how=\"new\"} 1\n");
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"site-a\",sa="
			 "\"child\",how=\"new\"} 1\n");
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"site-a\",sa="
			 "\"child\",how=\"rekey\"} 0\n");
	/* two road warriors, folded into their template */
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"rw\",sa=\"ike\","
			 "how=\"new\"} 2\n");
	/* every reason of a connection that failed, zeros too; none for one that never failed */
	assert_has(page, "libreswan_connection_failures_total{connection=\"site-b\",sa=\"ike\","
			 "reason=\"authentication_failed\"} 1\n");
	assert_has(page, "libreswan_connection_failures_total{connection=\"site-b\",sa=\"child\","
			 "reason=\"liveness\"} 0\n");
	assert_lacks(page, "libreswan_connection_failures_total{connection=\"site-a\"");
	assert_has(page, "libreswan_connection_last_failure_timestamp_seconds{connection=\"site-"
			 "b\",reason=\"authentication_failed\"} ");
	assert_lacks(page, "libreswan_connection_last_failure_timestamp_seconds{connection=\"site-"
			   "b\",reason=\"timeout\"}");
	/* a connection without events has no event series */
	assert_lacks(page, "connection=\"site-c\",sa=");

	free(page);
	page = cycle(&tc, status, log_cycle2);
	assert_has(page, "libreswan_connection_failures_total{connection=\"site-b\",sa=\"ike\","
			 "reason=\"authentication_failed\"} 2\n");
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"site-a\",sa="
			 "\"child\",how=\"rekey\"} 1\n");
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"site-a\",sa="
			 "\"child\",how=\"new\"} 1\n");
	assert_has(page, "libreswan_events_messages_total 10\n");

	/* site-b deleted: its counts go with it */
	free(page);
	page = cycle(&tc,
		     "000 \"site-a\": 10.0.1.0/24===192.0.2.1...192.0.2.2===10.0.2.0/24; erouted; "
		     "eroute owner: #2\n"
		     "000 \"site-a\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;\n",
		     "");
	assert_lacks(page, "connection=\"site-b\",sa=");
	assert_has(page, "libreswan_connection_sa_established_total{connection=\"site-a\",sa="
			 "\"child\",how=\"rekey\"} 1\n");
	test_cycle_release(&tc);
}

static void test_off_by_default_without_a_log(void **state)
{
	static const char *const names[] = { "status" };
	const char *const outputs[] = { status };
	struct test_cycle tc;
	_cleanup_free_ char *page = NULL;
	size_t len;

	/* the harness reads no journal: the collector is on but nothing is followed */
	test_cycle_init(&tc, NULL);
	test_cycle_run(&tc, names, outputs, 1, 1700000000, NULL);
	page = test_cycle_render(&tc, METRICS_FORMAT_TEXT, NULL, &len);
	assert_has(page, "libreswan_events_up 0\n");
	assert_lacks(page, "libreswan_connection_sa_established_total");
	test_cycle_release(&tc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_per_connection),
		cmocka_unit_test(test_off_by_default_without_a_log),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
