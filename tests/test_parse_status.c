/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that parse_status reads `ipsec status` / showstates / briefstatus /
 * connectionstatus output of every Libreswan family into the expected
 * structures:
 *  - golden: every tests/fixtures/status/<x>.txt (real 3.25, 4.4, 4.10
 *    including outputs captured from a real 4.10 pluto, 5.1, 5.4; 5.0 and 5.3
 *    cases derived from Libreswan's source; awkward cases) parses into exactly what
 *    <x>.expected lists, whether fed whole, byte by byte or line by line;
 *  - the certificates' nicknames of each release's connection block;
 *  - the semantics other modules rely on: STATUS_TIMER_NONE for absent
 *    timers, "" instance for non-instances, NULL for absent strings, the
 *    soonest timer of a kind kept, "in XXs" taken as no value, overflowing
 *    numbers making the line unrecognised (never wrapped), NUL bytes, CRLF,
 *    1024-byte "..." cuts and overlong lines, and a NULL-safe free.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parser_fixtures.h"
#include "parse/parse_status.h"

static const char *family_name(enum status_family f)
{
	switch (f) {
	case STATUS_FAMILY_UNKNOWN:
		return "unknown";
	case STATUS_FAMILY_3:
		return "3";
	case STATUS_FAMILY_4:
		return "4";
	case STATUS_FAMILY_5:
		return "5";
	}
	return "?";
}

/* The golden text: one line per fact, stable order. */
static char *dump_status(const struct status_summary *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "family %s\nversion ", family_name(s->family));
	dump_str(&sb, s->version);
	strbuf_appendf(&sb, "\nlines %llu\nparse_errors %llu\nunknown_name %d\n",
		       (unsigned long long)s->lines, (unsigned long long)s->parse_errors,
		       s->unknown_name);
	if (s->has_total)
		strbuf_appendf(&sb, "total loaded=%llu routed=%s%llu active=%llu\n",
			       (unsigned long long)s->loaded, s->has_routed ? "" : "(absent)",
			       (unsigned long long)s->routed, (unsigned long long)s->active);
	if (s->has_state_info)
		strbuf_appendf(&sb, "state_info ddos_cookies_required=%d accepting_ike=%d\n",
			       s->ddos_cookies_required, s->accepting_ike);
	if (s->has_ike_sas)
		strbuf_appendf(
			&sb,
			"ike_sas total=%llu half_open=%llu open=%llu authenticated=%llu "
			"anonymous=%llu\n",
			(unsigned long long)s->ike_total, (unsigned long long)s->ike_half_open,
			(unsigned long long)s->ike_open, (unsigned long long)s->ike_authenticated,
			(unsigned long long)s->ike_anonymous);
	if (s->has_ipsec_sas)
		strbuf_appendf(&sb, "ipsec_sas total=%llu authenticated=%llu anonymous=%llu\n",
			       (unsigned long long)s->ipsec_total,
			       (unsigned long long)s->ipsec_authenticated,
			       (unsigned long long)s->ipsec_anonymous);
	for (size_t i = 0; i < s->n_conns; i++) {
		const struct status_conn *c = &s->conns[i];

		strbuf_puts(&sb, "conn ");
		dump_str(&sb, c->name);
		strbuf_puts(&sb, " instance=");
		dump_str(&sb, c->instance);
		strbuf_puts(&sb, " local=");
		dump_str(&sb, c->local_host);
		strbuf_puts(&sb, " remote=");
		dump_str(&sb, c->remote_host);
		strbuf_appendf(&sb, " ike=%d up=%d group=%d groupinstance=%d\n", c->ike_version,
			       c->policy_up, c->policy_group, c->policy_groupinstance);
		if (c->reqid)
			strbuf_appendf(&sb, "  reqid=%u\n", c->reqid);
		if (c->cert || c->peer_cert) {
			strbuf_puts(&sb, "  cert=");
			dump_str(&sb, c->cert);
			strbuf_puts(&sb, " peer_cert=");
			dump_str(&sb, c->peer_cert);
			strbuf_putc(&sb, '\n');
		}
	}
	for (size_t i = 0; i < s->n_states; i++) {
		const struct status_state *st = &s->states[i];

		strbuf_appendf(&sb, "state #%llu ", (unsigned long long)st->serial);
		dump_str(&sb, st->conn);
		strbuf_puts(&sb, " instance=");
		dump_str(&sb, st->instance);
		strbuf_appendf(&sb, " category=%s child=%d",
			       status_sa_category_to_string(st->category), st->is_child);
		dump_timer(&sb, "rekey", st->rekey_in, STATUS_TIMER_NONE);
		dump_timer(&sb, "replace", st->replace_in, STATUS_TIMER_NONE);
		dump_timer(&sb, "expire", st->expire_in, STATUS_TIMER_NONE);
		dump_timer(&sb, "lastdpd", st->lastdpd, STATUS_TIMER_NONE);
		dump_timer(&sb, "lastlive", st->lastlive, STATUS_TIMER_NONE);
		strbuf_putc(&sb, '\n');
	}
	for (size_t i = 0; i < s->n_saids; i++) {
		const struct status_said *sd = &s->saids[i];
		char key[SA_ID_KEY_MAX];

		strbuf_appendf(&sb, "said #%llu state=%lld %s %s\n", (unsigned long long)sd->serial,
			       sd->state == SIZE_MAX ? -1LL : (long long)sd->state,
			       sd->inbound ? "in" : "out", sa_id_key(&sd->id, key));
	}
	return strbuf_detach(&sb, NULL);
}

FIXTURE_PARSER(status_summary, "status", 30, dump_status, NULL);

/* Every fixture against its golden, fed whole, byte by byte, line by line and into a reset
 * summary. */
static void test_status_fixtures(void **state)
{
	(void)state;
	assert_int_equal(fixture_parse_all(&status_summary_fixtures), 0);
}

static struct status_summary *parse_str(const char *text)
{
	return status_parse(text, strlen(text));
}

/* A 4.10 state line: connection, timers, parent reference, category. */
static void test_state_line_4x(void **state)
{
	struct status_summary *s = parse_str(
		"000 #2: \"road\"[1] 192.1.2.23:500 STATE_V2_ESTABLISHED_CHILD_SA (established "
		"Child "
		"SA); REKEY in 27s; REPLACE in 40s; newest; eroute owner; IKE SA #1; idle;\n");

	assert_int_equal(s->parse_errors, 0);
	assert_int_equal(s->n_states, 1);
	assert_int_equal(s->states[0].serial, 2);
	assert_string_equal(s->states[0].conn, "road");
	assert_string_equal(s->states[0].instance, "[1]");
	assert_int_equal(s->states[0].category, SA_CATEGORY_ESTABLISHED_CHILD);
	assert_true(s->states[0].is_child);
	assert_int_equal(s->states[0].rekey_in, 27);
	assert_int_equal(s->states[0].replace_in, 40);
	assert_true(s->states[0].expire_in == STATUS_TIMER_NONE);
	assert_true(s->states[0].lastdpd == STATUS_TIMER_NONE);
	assert_int_equal(s->family, STATUS_FAMILY_4);
	status_summary_free(s);
}

/* 5.4: no state name; IPv6 peer with port; (tcp); soonest timer; negative; XX placeholder. */
static void test_state_line_54(void **state)
{
	struct status_summary *s = parse_str(
		"#7: \"rw (tcp)\"[2] 2001:db8:1:2::45:4500(tcp) established IKE SA; REPLACE in "
		"90s; "
		"REPLACE in 30s; REKEY in -3s; RETRANSMIT in XXs; newest; lastlive=5s; idle;\n");

	assert_int_equal(s->parse_errors, 0);
	assert_int_equal(s->n_states, 1);
	assert_string_equal(s->states[0].conn, "rw (tcp)");
	assert_string_equal(s->states[0].instance, "[2]");
	assert_int_equal(s->states[0].category, SA_CATEGORY_ESTABLISHED_IKE);	/* from the story */
	assert_false(s->states[0].is_child);
	assert_int_equal(s->states[0].replace_in, 30);
	assert_int_equal(s->states[0].rekey_in, -3);
	assert_int_equal(s->states[0].lastlive, 5);
	assert_int_equal(s->family, STATUS_FAMILY_5);
	status_summary_free(s);
}

/* Numbers beyond 2^64-1 make the line unrecognised; 2^64-1 itself is fine. */
static void test_overflow(void **state)
{
	struct status_summary *s = status_summary_new();
	const char *ok =
		"000 #18446744073709551615: \"c\":500 STATE_MAIN_I4 (ISAKMP SA established); "
		"EVENT_SA_REPLACE in 9223372036854775807s; idle;";
	const char *bad1 = "000 #18446744073709551616: \"c\":500 STATE_MAIN_I4 (x); idle;";
	const char *bad2 = "000 #1: \"c\":500 STATE_MAIN_I4 (x); EVENT_SA_REPLACE in "
			   "9223372036854775808s; idle;";
	const char *bad3 =
		"000 \"c\": 1.2.3.4...5.6.7.8; unrouted; eroute owner: #99999999999999999999";
	const char *bad4 = "000 #1: \"c\":65536 STATE_MAIN_I4 (x); idle;";

	assert_int_equal(parser_parse_line(&s->parser, ok, strlen(ok)), 0);
	assert_int_equal(s->states[0].serial, UINT64_MAX);
	assert_int_equal(s->states[0].replace_in, INT64_MAX);
	assert_int_equal(parser_parse_line(&s->parser, bad1, strlen(bad1)), -EBADMSG);
	assert_int_equal(parser_parse_line(&s->parser, bad2, strlen(bad2)), -EBADMSG);
	assert_int_equal(parser_parse_line(&s->parser, bad3, strlen(bad3)), -EBADMSG);
	assert_int_equal(parser_parse_line(&s->parser, bad4, strlen(bad4)), -EBADMSG);
	assert_int_equal(s->n_states, 1);
	assert_int_equal(s->n_conns, 0);
	assert_int_equal(s->parse_errors, 4);
	status_summary_free(s);
}

/* Separators, prefixes, unknown-name, NUL and CRLF handling on single lines. */
static void test_line_forms(void **state)
{
	static const char crlf[] =
		"000 IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)\r";
	struct status_summary *s = status_summary_new();

	assert_int_equal(parser_parse_line(&s->parser, "000  ", 5), 0);
	assert_int_equal(parser_parse_line(&s->parser, " ", 1), 0);
	assert_int_equal(parser_parse_line(&s->parser, "", 0), 0);
	assert_int_equal(parser_parse_line(&s->parser, "000", 3), 0);
	assert_int_equal(s->lines, 0);
	assert_int_equal(parser_parse_line(&s->parser, crlf, strlen(crlf)), 0);
	assert_true(s->has_ike_sas);
	assert_int_equal(s->ike_authenticated, 1);
	assert_int_equal(parser_parse_line(&s->parser,
					   "000 Total IPsec\0connections: loaded 1, active 0", 47),
			 -EBADMSG);
	assert_false(s->has_total);
	assert_int_equal(parser_parse_line(&s->parser,
					   "021 no such connection or aliased connection named "
					   "\"x\"",
					   54),
			 0);
	assert_true(s->unknown_name);
	assert_int_equal(s->lines, 3);
	assert_int_equal(s->parse_errors, 1);
	assert_null(status_summary_free(s));
	assert_null(status_summary_free(NULL));
}

/* A NUL inside a stream fed in place spoils its own line only. */
static void test_nul_in_stream(void **state)
{
	static const char text[] =
		"000 Total IPsec connections: loaded 2, active 1\n"
		"000 IKE SAs: total(1), half\0-open(0), open(0), authenticated(1), anonymous(0)\n"
		"000 IPsec SAs: total(1), authenticated(1), anonymous(0)\n";
	struct status_summary *s = status_summary_new();
	char *buf = xmalloc(sizeof(text));

	memcpy(buf, text, sizeof(text));
	parser_feed_inplace(&s->parser, buf, sizeof(text) - 1);
	parser_finish(&s->parser);
	assert_true(s->has_total);
	assert_int_equal(s->loaded, 2);
	assert_false(s->has_ike_sas);
	assert_int_equal(s->lines, 3);
	assert_int_equal(s->parse_errors, 1);
	free(buf);
	status_summary_free(s);
}

/* Connection list: topology forms, policy line; SPDs fold into one connection. */
static void test_connection_block(void **state)
{
	struct status_summary *s = parse_str(
		"000 \"n/1x2\": "
		"10.0.1.0/24===192.1.2.45<192.1.2.45>[@west]...192.1.2.23<192.1.2.23>"
		"[@east]===10.0.2.0/24; erouted; eroute owner: #2\n"
		"000 \"n/1x2\": "
		"10.0.3.0/24===192.1.2.45<192.1.2.45>[@west]...192.1.2.23<192.1.2.23>"
		"[@east]===10.0.4.0/24; erouted; eroute owner: #2\n"
		"000 \"n/1x2\":   policy: "
		"PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+IKEV2_ALLOW+SAREF_TRACK;\n"
		"000 \"n/1x2\":   newest ISAKMP SA: #1; newest IPsec SA: #2;\n"
		"\"oe#10.0.0.0/8\"[3]: 192.1.2.45---192.1.2.254...192.1.2.3===10.0.0.9/32; "
		"routed-tunnel; "
		"my_ip=unset; their_ip=unset;\n"
		"\"oe#10.0.0.0/8\"[3]:   policy: IKEv2+AUTHNULL+ENCRYPT+TUNNEL+GROUPINSTANCE;\n"
		"\"oe#10.0.0.0/8\"[3]:   routing: routed-tunnel; owner: Child SA #6; established "
		"IKE SA: "
		"#5; established Child SA: #6;\n"
		"\"oe#10.0.0.0/8\"[3]:   conn serial: $7, instantiated from: $4;\n");

	assert_int_equal(s->parse_errors, 0);
	assert_int_equal(s->n_conns, 2);
	assert_string_equal(s->conns[0].name, "n/1x2");
	assert_string_equal(s->conns[0].instance, "");
	assert_string_equal(s->conns[0].local_host, "192.1.2.45");
	assert_string_equal(s->conns[0].remote_host, "192.1.2.23");
	assert_int_equal(s->conns[0].ike_version, 1);	/* 3.x: both allowed, no IKEV2_PROPOSE */
	assert_true(s->conns[0].policy_up);
	assert_string_equal(s->conns[1].name, "oe#10.0.0.0/8");
	assert_string_equal(s->conns[1].instance, "[3]");
	assert_string_equal(s->conns[1].local_host, "192.1.2.45");
	assert_string_equal(s->conns[1].remote_host, "192.1.2.3");
	assert_int_equal(s->conns[1].ike_version, 2);
	assert_true(s->conns[1].policy_groupinstance);
	assert_false(s->conns[1].policy_up);
	assert_int_equal(s->family, STATUS_FAMILY_5);	/* routing:/conn serial: lines */
	status_summary_free(s);
}

/*
 * The certificates' nicknames of each release's connection block: 3.x hiscert=, 4.x peercert= on
 * the "oriented;" line, 5.0-5.3 with my_updown=, 5.4 alone; a nickname with spaces, "; " or
 * NSS's token prefix is kept whole; a line cut before its end keeps no guess; a connection
 * without a certificate has none; a line of a connection that was not listed is ignored.
 */
static void test_conn_certs(void **state)
{
	struct status_summary *s = parse_str(
		"000 \"v3\": 192.0.2.1[CN=a]...192.0.2.2[CN=b]; unrouted; eroute owner: #0\n"
		"000 \"v3\":     oriented; my_ip=unset; their_ip=unset; mycert=west; hiscert=east; "
		"my_updown=ipsec _updown;\n"
		"000 \"v4\"[2]: 192.0.2.1...192.0.2.3; unrouted; eroute owner: #0\n"
		"000 \"v4\"[2]:     unoriented; my_ip=unset; their_ip=unset; "
		"mycert=NSS Certificate DB:Lab; west; peercert=Gate A - Lab; "
		"my_updown=ipsec _updown;\n"
		"000 \"psk\": 192.0.2.1...192.0.2.4; unrouted; eroute owner: #0\n"
		"000 \"psk\":     oriented; my_ip=unset; their_ip=unset; my_updown=ipsec _updown;\n"
		"\"v50\": 192.0.2.1...192.0.2.5; unrouted; my_ip=unset; their_ip=unset;\n"
		"\"v50\":   mycert=west; my_updown=ipsec _updown;\n"
		"\"v54\": 192.0.2.1...192.0.2.6; unrouted; my_ip=unset; their_ip=unset;\n"
		"\"v54\":   mycert=west;\n"
		"\"peer\": 192.0.2.1...192.0.2.7; unrouted; my_ip=unset; their_ip=unset;\n"
		"\"peer\":   peercert=east;\n"
		"\"cut\": 192.0.2.1...192.0.2.8; unrouted; my_ip=unset; their_ip=unset;\n"
		"\"cut\":   mycert=a-very-long-nick...\n"
		"\"other\":   mycert=elsewhere;\n");

	assert_int_equal(s->parse_errors, 0);
	assert_int_equal(s->n_conns, 7);
	assert_string_equal(s->conns[0].cert, "west");
	assert_string_equal(s->conns[0].peer_cert, "east");
	assert_string_equal(s->conns[1].instance, "[2]");
	assert_string_equal(s->conns[1].cert, "NSS Certificate DB:Lab; west");
	assert_string_equal(s->conns[1].peer_cert, "Gate A - Lab");
	assert_null(s->conns[2].cert);
	assert_null(s->conns[2].peer_cert);
	assert_string_equal(s->conns[3].cert, "west");
	assert_null(s->conns[3].peer_cert);
	assert_string_equal(s->conns[4].cert, "west");
	assert_null(s->conns[5].cert);
	assert_string_equal(s->conns[5].peer_cert, "east");
	assert_null(s->conns[6].cert);	/* cut: the end of the nickname is unknown */
	status_summary_free(s);
}

/* A 1024-byte line cut by pluto ("...") keeps what its start tells; a >4 KiB line is cut too. */
static void test_truncated_lines(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct status_summary *s;
	char *text;
	size_t len = 0;

	strbuf_puts(&sb, "000 \"long\": 192.0.2.1[CN=");
	while (sb.len < 1021)
		strbuf_putc(&sb, 'a');
	strbuf_puts(&sb, "...\n000 #1: \"long\":500 STATE_MAIN_I4 (ISAKMP SA established); "
			 "EVENT_SA_REPLACE in 10s; newest ISAKMP; lastdpd=");
	while (sb.len < 1024 + 1021)
		strbuf_putc(&sb, '9');
	strbuf_puts(&sb, "...\n000 \"huge\": 192.0.2.1...192.0.2.2; unrouted; eroute owner: #0");
	while (sb.len < 3 * 4096)
		strbuf_putc(&sb, 'x');
	strbuf_puts(&sb, "\n000 Total IPsec connections: loaded 2, active 0\n");
	text = strbuf_detach(&sb, &len);
	s = status_parse(text, len);
	assert_int_equal(s->n_conns, 2);
	assert_string_equal(s->conns[0].name, "long");
	assert_null(s->conns[0].local_host);	/* cut before its "...": no hosts */
	assert_null(s->conns[0].remote_host);
	assert_string_equal(s->conns[1].name, "huge");
	assert_string_equal(s->conns[1].remote_host, "192.0.2.2");
	assert_int_equal(s->n_states, 1);
	assert_int_equal(s->states[0].replace_in, 10);
	assert_int_equal(s->loaded, 2);
	assert_int_equal(s->parse_errors, 0);	/* the cut lastdpd=999... item is ignored */
	status_summary_free(s);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_fixtures),
		cmocka_unit_test(test_state_line_4x),
		cmocka_unit_test(test_state_line_54),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_line_forms),
		cmocka_unit_test(test_nul_in_stream),
		cmocka_unit_test(test_connection_block),
		cmocka_unit_test(test_conn_certs),
		cmocka_unit_test(test_truncated_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
