/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that the classifier of pluto's log (src/parse/pluto_log.c) turns pluto's messages into
 * the right events:
 *  - every line of tests/fixtures/pluto-log/<release>.txt (Libreswan's own test consoles and
 *    sequences written from each release's source, fed in order to one classifier) gives
 *    exactly the expected kind, SA, new/rekey, IKE version, reason or change, and its event's
 *    connection, instance and serial equal what an independent regular expression reads from
 *    the line's prefix; every pointer returned lies inside the message;
 *  - the prefix: names with '#', instance chains, peers with spaces, no serial; what names no
 *    connection is -EBADMSG and leaves *ret alone; a message need not be NUL-terminated; a
 *    trailing CR/LF is ignored; an overlong message is cut, not overrun;
 *  - pluto_log_strip_prefix() takes off both timestamp forms and whack's code, nothing else;
 *  - the memory: INVALID_KE followed by success is no failure, followed by a timeout is one;
 *    a failure told in several lines is counted once; "Starting Pluto" forgets; the tables are
 *    bounded: a storm of serials and of connections beyond their sizes neither grows them nor
 *    breaks the classification (what is forgotten is classified as new);
 *  - the names of the labels are the metrics' (authentication_failed, ts_unacceptable, ...).
 */
#include "autoconfig.h"

#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture_util.h"
#include "parse/pluto_log.h"

/* The event as the fixtures spell it ("established/child/rekey/ikev2"). */
static void event_token(int r, const struct pluto_event *ev, char *buf, size_t size)
{
	if (r < 0) {
		snprintf(buf, size, "ignored");
		return;
	}
	switch (ev->kind) {
	case PLUTO_EVENT_ESTABLISHED:
		snprintf(buf, size, "established/%s/%s/%s", pluto_event_sa_to_string(ev->sa),
			 pluto_event_how_to_string(ev->how), pluto_ike_version_to_string(ev->ike));
		break;
	case PLUTO_EVENT_FAILED:
		snprintf(buf, size, "failed/%s/%s", pluto_event_sa_to_string(ev->sa),
			 pluto_event_reason_to_string(ev->reason));
		break;
	case PLUTO_EVENT_CONNECTION:
		snprintf(buf, size, "connection/%s", pluto_event_change_to_string(ev->change));
		break;
	case PLUTO_EVENT_NONE:
	case PLUTO_EVENT_UNRECOGNISED:
	case _PLUTO_EVENT_KIND_MAX:
		snprintf(buf, size, "%s", pluto_event_kind_to_string(ev->kind));
		break;
	}
}

static bool inside(const char *p, size_t n, const char *msg, size_t len)
{
	return p >= msg && p + n <= msg + len;
}

/*
 * The connection, instance and serial of a line, read independently: up to the first ": ",
 * `"NAME"[N]... PEER #SERIAL`; 3.x's `added connection description "NAME"`.
 */
static bool expected_prefix(const regex_t *re, const char *msg, size_t len, char *name, char *inst,
			    uint64_t *serial)
{
	char buf[4200], *colon, *word;
	regmatch_t m[3];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, msg);
	*serial = 0;
	if (startswith(buf, "added connection description \"")) {
		char *q = strrchr(buf, '"');

		snprintf(name, 256, "%.*s", (int)(q - buf - 30), buf + 30);
		inst[0] = '\0';
		return true;
	}
	colon = strstr(buf, ": ");
	if (colon)
		*colon = '\0';
	/* the serial: the prefix's last word, when it is "#N" */
	word = strrchr(buf, ' ');
	if (word && word[1] == '#' && strspn(word + 2, "0123456789") == strlen(word + 2) &&
	    word[2]) {
		*serial = strtoull(word + 2, NULL, 10);
		*word = '\0';
	}
	if (regexec(re, buf, ELEMENTSOF(m), m, 0) != 0)
		return false;
	snprintf(name, 256, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), buf + m[1].rm_so);
	snprintf(inst, 64, "%.*s", (int)(m[2].rm_eo - m[2].rm_so), buf + m[2].rm_so);
	return true;
}

static void test_fixtures(void **state)
{
	const char *top = getenv("FIXTURES_DIR");
	char dir[PATH_MAX], path[PATH_MAX + 256];
	char **names;
	size_t n, lines = 0;
	int failures = 0;
	regex_t re;

	/* `"NAME"[1][2] peer`: the name runs to the prefix's last quote */
	assert_int_equal(regcomp(&re, "^\"(.*)\"((\\[[0-9]+\\])*)( .*)?$", REG_EXTENDED), 0);
	snprintf(dir, sizeof(dir), "%s/pluto-log", top ? top : "tests/fixtures");
	n = fixture_list(dir, &names);
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		struct pluto_log *l = pluto_log_new();
		char *text, *line, *next;
		size_t len = 0;
		int lineno = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = fixture_read(path, &len);
		assert_non_null(text);
		for (line = text; line && *line; line = next) {
			char want[128], got[128], name[256], inst[64], *tab, *copy;
			const char *msg;
			size_t mlen, eol;
			struct pluto_event ev;
			uint64_t serial;
			int r;

			next = strchr(line, '\n');
			eol = next ? (size_t)(next - line) : strlen(line);
			if (next)
				*next++ = '\0';
			lineno++;
			if (eol == 0 || line[0] == '#')
				continue;
			tab = strchr(line, '\t');
			assert_non_null(tab);
			snprintf(want, sizeof(want), "%.*s", (int)(tab - line), line);
			mlen = pluto_log_strip_prefix(tab + 1, strlen(tab + 1), &msg);
			/* not NUL-terminated: a copy with no byte after the message */
			copy = xmalloc(mlen ? mlen : 1);
			memcpy(copy, msg, mlen);
			r = pluto_log_classify(l, copy, mlen, &ev);
			event_token(r, &ev, got, sizeof(got));
			lines++;
			if (strcmp(want, got) != 0) {
				print_message("%s:%d: want %s, got %s: %s\n", names[i], lineno,
					      want, got, tab + 1);
				failures++;
			}
			if (r == 0) {
				bool ok = inside(ev.conn, ev.conn_len, copy, mlen) &&
					  inside(ev.instance, ev.instance_len, copy, mlen);

				if (ok && expected_prefix(&re, copy, mlen, name, inst, &serial))
					ok = ev.conn_len == strlen(name) &&
					     memcmp(ev.conn, name, ev.conn_len) == 0 &&
					     ev.instance_len == strlen(inst) &&
					     memcmp(ev.instance, inst, ev.instance_len) == 0 &&
					     ev.serial == serial;
				if (!ok) {
					print_message("%s:%d: connection/instance/serial: %s\n",
						      names[i], lineno, tab + 1);
					failures++;
				}
			}
			free(copy);
		}
		free(text);
		pluto_log_free(l);
		free(names[i]);
	}
	free(names);
	regfree(&re);
	print_message("pluto-log fixtures: %zu messages\n", lines);
	assert_int_equal(failures, 0);
}

/* Classify one NUL-terminated message; returns the token. */
static const char *classify(struct pluto_log *l, const char *msg, struct pluto_event *ev)
{
	static char tok[128];
	int r = pluto_log_classify(l, msg, strlen(msg), ev);

	event_token(r, ev, tok, sizeof(tok));
	return tok;
}

static void test_prefix(void **state)
{
	struct pluto_log *l = pluto_log_new();
	struct pluto_event ev, sentinel;
	static const char *const no_connection[] = {
	    "",
	    "| debug line",
	    "Starting Pluto (Libreswan Version 5.4) pid:1",
	    "\"unterminated name #1: hello",
	    "\"west\" #1 no colon here",
	    "\"west\"x: a name that does not end",
	    "adding interface eth0 192.1.2.45:500",
	    "IMPAIR: \"west\" #3: revival: skip scheduling",
	};

	for (size_t i = 0; i < ELEMENTSOF(no_connection); i++) {
		memset(&sentinel, 0xa5, sizeof(sentinel));
		ev = sentinel;
		assert_int_equal(
		    pluto_log_classify(l, no_connection[i], strlen(no_connection[i]), &ev),
		    -EBADMSG);
		assert_memory_equal(&ev, &sentinel, sizeof(ev));
	}

	/* a group's member: the whole quoted name; two levels of instance; a peer with spaces */
	assert_string_equal(
	    classify(l,
		     "\"private-or-clear#192.1.2.0/24\"[1][2] 10.0.10.1/32=== "
		     "...192.1.2.23 #7: responder established IKE SA; authenticated "
		     "peer using authby=null and ID_NULL 'ID_NULL'",
		     &ev),
	    "established/ike/new/ikev2");
	assert_int_equal(ev.conn_len, strlen("private-or-clear#192.1.2.0/24"));
	assert_memory_equal(ev.conn, "private-or-clear#192.1.2.0/24", ev.conn_len);
	assert_int_equal(ev.instance_len, 6);
	assert_memory_equal(ev.instance, "[1][2]", 6);
	assert_int_equal(ev.serial, 7);

	/* an IPv6 peer and a trailing CRLF; then no serial, no instance */
	assert_string_equal(
	    classify(l, "\"v6\"[3] 2001:db8:0:2::254 #12: IKE SA expired (LATEST!)\r\n", &ev),
	    "none");
	assert_int_equal(ev.serial, 12);
	assert_memory_equal(ev.instance, "[3]", 3);
	assert_string_equal(classify(l, "\"west\": added IKEv2 connection", &ev),
			    "connection/added");
	assert_int_equal(ev.serial, 0);
	assert_int_equal(ev.instance_len, 0);
	assert_ptr_equal(ev.instance, ev.conn + ev.conn_len + 1);
	assert_string_equal(classify(l,
				     "\"west\": added unoriented IKEv2 connection (neither "
				     "192.1.2.45 nor 192.1.2.23 match an interface)",
				     &ev),
			    "connection/added");
	assert_string_equal(
	    classify(l, "\"west\": added 192.0.1.251/24 to ipsec-interface ipsec1@eth1", &ev),
	    "none");
	/* a name holding a quote, as whack prints it */
	assert_string_equal(classify(l, "\"we\"st\" #2: sent Quick Mode request", &ev), "none");
	assert_int_equal(ev.conn_len, 5);
	/* words nobody taught it */
	assert_string_equal(classify(l, "\"west\" #2: the moon is made of green cheese", &ev),
			    "unrecognised");
	pluto_log_free(l);
}

static void test_long_and_binary(void **state)
{
	struct pluto_log *l = pluto_log_new();
	struct pluto_event ev;
	size_t len = 3 * PLUTO_LOG_MAX_LEN;
	char *msg = xmalloc(len);

	/* cut at PLUTO_LOG_MAX_LEN: classified by its beginning, nothing read past the end */
	memset(msg, 'x', len);
	memcpy(msg, "\"west\" #1: initiator established IKE SA; ", 41);
	assert_int_equal(pluto_log_classify(l, msg, len, &ev), 0);
	assert_int_equal(ev.kind, PLUTO_EVENT_ESTABLISHED);
	/* a name that never ends within the limit */
	memset(msg, 'y', len);
	msg[0] = '"';
	assert_int_equal(pluto_log_classify(l, msg, len, &ev), -EBADMSG);
	/* NUL bytes inside are bytes like any other */
	memcpy(msg, "\"we\0t\" #1: sent\0Quick Mode request", 35);
	assert_int_equal(pluto_log_classify(l, msg, 35, &ev), 0);
	assert_int_equal(ev.conn_len, 4);
	free(msg);
	pluto_log_free(l);
}

static void test_strip_prefix(void **state)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
	    {"Dec  7 05:32:24.123456: \"west\" #1: x", "\"west\" #1: x"},
	    {"Dec 17 05:32:24: \"west\" #1: x", "\"west\" #1: x"},
	    {"2026-12-07 05:32:24.123: \"west\" #1: x", "\"west\" #1: x"},
	    {"2026-12-07 05:32:24: 002 \"west\" #1: x", "\"west\" #1: x"},
	    {"002 \"west\" #1: x", "\"west\" #1: x"},
	    {"\"west\" #1: x", "\"west\" #1: x"},
	    {"Dec  7 05:32:24.123456 \"west\" #1: x", "Dec  7 05:32:24.123456 \"west\" #1: x"},
	    {"Foo  7 05:32:24: \"west\"", "Foo  7 05:32:24: \"west\""},
	    {"2026-12-07 5:32:24: x", "2026-12-07 5:32:24: x"},
	    {"00 \"west\"", "00 \"west\""},
	    {"", ""},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const char *msg;
		size_t n = pluto_log_strip_prefix(cases[i].line, strlen(cases[i].line), &msg);

		assert_int_equal(n, strlen(cases[i].msg));
		assert_memory_equal(msg, cases[i].msg, n);
	}
}

static void test_invalid_ke(void **state)
{
	struct pluto_log *l = pluto_log_new();
	struct pluto_event ev;

	/* pluto retries with the suggested group and succeeds: no failure */
	assert_string_equal(
	    classify(l,
		     "\"a\" #1: received unauthenticated INVALID_KE_PAYLOAD response "
		     "to Key Exchange Method (DH) MODP1536; resending with suggested "
		     "MODP2048",
		     &ev),
	    "none");
	assert_string_equal(classify(l,
				     "\"a\" #1: initiator established IKE SA; authenticated peer "
				     "using authby=secret and FQDN '@east'",
				     &ev),
			    "established/ike/new/ikev2");
	assert_string_equal(classify(l,
				     "\"a\" #1: deleting IKE SA (ESTABLISHED_IKE_SA) and sending "
				     "notification",
				     &ev),
			    "none");
	/* the retry goes unanswered: the failure is the INVALID_KE, once */
	assert_string_equal(
	    classify(l,
		     "\"b\" #2: received unauthenticated INVALID_KE_PAYLOAD response "
		     "to Key Exchange Method (DH) MODP1536; resending with suggested "
		     "MODP8192",
		     &ev),
	    "none");
	assert_string_equal(classify(l,
				     "\"b\" #2: IKE_SA_INIT_I: 60 second timeout exceeded after 7 "
				     "retransmits.  No response (or no acceptable response) to our "
				     "first IKEv2 message",
				     &ev),
			    "failed/ike/invalid_ke");
	assert_string_equal(
	    classify(l,
		     "\"b\" #3: connection is supposed to remain up; revival attempt "
		     "1 scheduled in 0 seconds",
		     &ev),
	    "none");
	assert_string_equal(
	    classify(l, "\"b\" #2: deleting IKE SA (sent IKE_SA_INIT request)", &ev), "none");
	/* or is deleted unestablished (keyingtries exhausted, an operator): also the INVALID_KE */
	assert_string_equal(
	    classify(l,
		     "\"c\" #4: received unauthenticated INVALID_KE_PAYLOAD response "
		     "to Key Exchange Method (DH) MODP1536; resending with suggested "
		     "MODP8192",
		     &ev),
	    "none");
	assert_string_equal(
	    classify(l, "\"c\" #4: deleting IKE SA (sent IKE_SA_INIT request)", &ev),
	    "failed/ike/invalid_ke");
	pluto_log_free(l);
}

static void test_once(void **state)
{
	struct pluto_log *l = pluto_log_new();
	struct pluto_event ev;

	/* 3.x: two lines for one rejection (log, then whack's transition result) */
	assert_string_equal(classify(l,
				     "\"a\" #2: IKE SA authentication request rejected: "
				     "AUTHENTICATION_FAILED",
				     &ev),
			    "failed/ike/authentication_failed");
	assert_string_equal(
	    classify(l, "\"a\" #2: STATE_PARENT_I2: v2N_AUTHENTICATION_FAILED", &ev), "none");
	assert_string_equal(
	    classify(l, "\"a\" #2: encountered fatal error in state STATE_PARENT_I2", &ev), "none");
	/* a consequence with no cause before it counts, as "other" */
	assert_string_equal(
	    classify(l, "\"b\" #3: encountered fatal error in state IKE_AUTH_I", &ev),
	    "failed/ike/other");
	/* a certificate rejected is the cause if the negotiation then dies */
	assert_string_equal(
	    classify(l,
		     "\"c\" #4: NSS: ERROR: IPsec certificate CN=east invalid: "
		     "SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate has expired.",
		     &ev),
	    "none");
	assert_string_equal(
	    classify(l, "\"c\" #4: encountered fatal error in state IKE_AUTH_I", &ev),
	    "failed/ike/authentication_failed");
	/* ... and not if the responder found another connection that suits */
	assert_string_equal(classify(l,
				     "\"d\"[1] 192.0.2.9 #5: X509: CERT payload does not match "
				     "connection ID",
				     &ev),
			    "none");
	assert_string_equal(
	    classify(l, "\"d\"[1] 192.0.2.9 #5: switched to \"e\"[1] 192.0.2.9", &ev),
	    "connection/switched");
	assert_string_equal(classify(l,
				     "\"e\"[1] 192.0.2.9 #5: responder established IKE SA; "
				     "authenticated peer using authby=secret and FQDN '@x'",
				     &ev),
			    "established/ike/new/ikev2");
	pluto_log_free(l);
}

static void test_reset(void **state)
{
	struct pluto_log *l = pluto_log_new();
	struct pluto_event ev;

	assert_string_equal(classify(l,
				     "\"a\" #3: initiating Quick Mode IKEv1+PSK+ENCRYPT+TUNNEL to "
				     "replace #2 {using isakmp#1 msgid:1 proposal=x}",
				     &ev),
			    "none");
	/* pluto restarts: its serials start over, and nothing it said before holds */
	assert_string_equal(classify(l, "Starting Pluto (Libreswan Version 5.4) pid:2", &ev),
			    "ignored");
	assert_string_equal(
	    classify(l, "\"a\" #3: IPsec SA established tunnel mode {ESP=>0x1 <0x2}", &ev),
	    "established/child/new/unknown");
	pluto_log_reset(l);
	pluto_log_reset(l);
	assert_string_equal(
	    classify(l, "\"a\" #3: IPsec SA established tunnel mode {ESP=>0x1 <0x2}", &ev),
	    "established/child/new/unknown");
	pluto_log_free(l);
}

static void test_bounds(void **state)
{
	struct pluto_log *l = pluto_log_new();
	struct pluto_event ev;
	char msg[256];

	/* a replacement announced, then more serials than the table holds pass by */
	assert_string_equal(classify(l,
				     "\"a\" #1: initiating Quick Mode IKEv1+PSK to replace #9 "
				     "{using isakmp#8 msgid:1 proposal=x}",
				     &ev),
			    "none");
	for (uint64_t s = 2; s < 3 * PLUTO_LOG_STATE_SLOTS; s++) {
		snprintf(msg, sizeof(msg), "\"b\" #%llu: sent Quick Mode request",
			 (unsigned long long)s);
		assert_string_equal(classify(l, msg, &ev), "none");
	}
	/* #1 was forgotten: its establishment reads as the words say, new */
	assert_string_equal(
	    classify(l, "\"a\" #1: IPsec SA established tunnel mode {ESP=>0x1 <0x2}", &ev),
	    "established/child/new/unknown");
	/* more connections than the table holds, each with an established Child SA */
	for (unsigned i = 0; i < 3 * PLUTO_LOG_CONN_SLOTS; i++) {
		snprintf(msg, sizeof(msg),
			 "\"rw\"[%u] 192.0.2.1 #%u: IPsec SA established tunnel mode "
			 "{ESP=>0x1 <0x2}",
			 i + 1, 100000 + i);
		assert_string_equal(classify(l, msg, &ev), "established/child/new/unknown");
	}
	/* the most recent ones are remembered: a second Child SA there is a rekey */
	snprintf(msg, sizeof(msg),
		 "\"rw\"[%u] 192.0.2.1 #%u: IPsec SA established tunnel mode "
		 "{ESP=>0x1 <0x2}",
		 3 * PLUTO_LOG_CONN_SLOTS, 900000);
	assert_string_equal(classify(l, msg, &ev), "established/child/rekey/unknown");
	pluto_log_free(l);
	assert_null(pluto_log_free(NULL));
}

static void test_names(void **state)
{
	static const char *const reasons[] = {
	    "authentication_failed",
	    "no_proposal_chosen",
	    "ts_unacceptable",
	    "invalid_ke",
	    "timeout",
	    "liveness",
	    "other",
	};

	assert_int_equal(ELEMENTSOF(reasons), _PLUTO_REASON_MAX);
	for (int r = 0; r < _PLUTO_REASON_MAX; r++)
		assert_string_equal(pluto_event_reason_to_string(r), reasons[r]);
	assert_string_equal(pluto_event_sa_to_string(PLUTO_SA_IKE), "ike");
	assert_string_equal(pluto_event_sa_to_string(PLUTO_SA_CHILD), "child");
	assert_string_equal(pluto_event_how_to_string(PLUTO_HOW_NEW), "new");
	assert_string_equal(pluto_event_how_to_string(PLUTO_HOW_REKEY), "rekey");
	for (int k = 0; k < _PLUTO_EVENT_KIND_MAX; k++)
		assert_non_null(pluto_event_kind_to_string(k));
	for (int c = 0; c < _PLUTO_CHANGE_MAX; c++)
		assert_non_null(pluto_event_change_to_string(c));
	for (int v = 0; v < _PLUTO_IKE_MAX; v++)
		assert_non_null(pluto_ike_version_to_string(v));
	assert_null(pluto_event_reason_to_string(_PLUTO_REASON_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),	    cmocka_unit_test(test_prefix),
	    cmocka_unit_test(test_long_and_binary), cmocka_unit_test(test_strip_prefix),
	    cmocka_unit_test(test_invalid_ke),	    cmocka_unit_test(test_once),
	    cmocka_unit_test(test_reset),	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
