/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that the classifier of pluto's log knows the wordings of every release in the
 * reference corpus of pluto's messages ($CORPUS_LOG_DIR/<release>.txt: the unique lines of
 * Libreswan's own test consoles, sorted; skipped with exit 77 when it is absent):
 *  - every line classifies once, without a crash or sanitizer report, every pointer inside the
 *    line; per release it prints the share of lines per kind (each line alone, on an empty
 *    memory) and the unrecognised lines, and fails when more than 2% are unrecognised;
 *  - every failure reason and every establishment class the release has (IKE/Child SA x
 *    new/rekey x IKEv1/IKEv2) is recognised at least once. The corpus holds no sequences (its
 *    lines are sorted and deduplicated), so a class is looked for by replaying the lines of
 *    each connection and serial together, its announcements first ("initiating ...",
 *    "rekeyed #N"); where the release's rekey or cause is told by one line and counted on
 *    another (IKEv1 "to replace #N" then "ISAKMP SA established"; an INVALID_KE_PAYLOAD then
 *    the timeout), the corpus's own two lines are joined on one serial. The classes a
 *    release's corpus does not hold are listed below with why (the same serial of the same
 *    connection name in two tests can still join into one, which is not held against the
 *    list); tests/fixtures/pluto-log covers them.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fixture_util.h"
#include "parse/pluto_log.h"

/* The classes looked for: sa x how x ike, and the reasons. */
#define N_CLASSES (_PLUTO_SA_MAX * _PLUTO_HOW_MAX * 2)

static unsigned class_of(enum pluto_event_sa sa, enum pluto_event_how how, enum pluto_ike_version v)
{
	return (unsigned)((sa * _PLUTO_HOW_MAX + how) * 2 + (v == PLUTO_IKEV2));
}

static const char *class_name(unsigned c, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s", pluto_event_sa_to_string(c / 2 / _PLUTO_HOW_MAX),
		 pluto_event_how_to_string(c / 2 % _PLUTO_HOW_MAX), c % 2 ? "ikev2" : "ikev1");
	return buf;
}

/* What a release's corpus cannot show, and why. */
struct absent {
	const char *release;
	const char *what; /* a class name or a reason */
	const char *why;
};

static const struct absent absents[] = {
    {"v3.25", "child/rekey/ikev1", "no rekey of any kind in the 3.25 consoles"},
    {"v3.25", "child/rekey/ikev2", "no rekey of any kind in the 3.25 consoles"},
    {"v3.25", "ike/rekey/ikev1", "no rekey of any kind in the 3.25 consoles"},
    {"v3.25", "ike/rekey/ikev2", "no rekey of any kind in the 3.25 consoles"},
    {"v4.4", "child/rekey/ikev1", "no \"initiating Quick Mode ... to replace #N\" in any corpus"},
    {"v4.4", "ike/rekey/ikev1", "no \"... Main Mode connection to replace #N\" in the 4.4 corpus"},
    {"v4.10", "child/rekey/ikev1", "no \"initiating Quick Mode ... to replace #N\" in any corpus"},
    {"v5.1", "child/rekey/ikev1", "no \"initiating Quick Mode ... to replace #N\" in any corpus"},
    {"v5.4", "child/rekey/ikev1", "no \"initiating Quick Mode ... to replace #N\" in any corpus"},
};

static const struct absent *find_absent(const char *release, const char *what)
{
	for (size_t i = 0; i < ELEMENTSOF(absents); i++)
		if (streq(absents[i].release, release) && streq(absents[i].what, what))
			return &absents[i];
	return NULL;
}

struct line {
	const char *msg; /* after pluto_log_strip_prefix(); NUL-terminated in the buffer */
	size_t len;
	const char *name; /* points at the name's quote */
	size_t name_len;
	uint64_t serial;
	bool early; /* an announcement: replayed first within its serial */
	size_t order;
};

/* The body after the prefix's ": " (or the whole line). */
static const char *body_of(const struct line *l)
{
	const char *c = strstr(l->msg, ": ");

	return c ? c + 2 : l->msg;
}

static bool is_early(const char *body)
{
	static const char *const early[] = {
	    "initiating",
	    "initiate",
	    "rekeyed #",
	    "sent CREATE_CHILD_SA request to rekey",
	    "negotiated",
	    "Peer ID is",
	    "IKEv2 mode peer ID",
	    "STATE_MAIN_I1: initiate",
	    "STATE_PARENT_I1: initiate",
	    "responding to Main Mode",
	    "responding to Quick Mode",
	};

	for (size_t i = 0; i < ELEMENTSOF(early); i++)
		if (startswith(body, early[i]))
			return true;
	return false;
}

static int cmp_lines(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	if (x->early != y->early)
		return x->early ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct release {
	const char *name;
	bool classes[N_CLASSES];
	bool reasons[_PLUTO_REASON_MAX];
	uint64_t kinds[_PLUTO_EVENT_KIND_MAX + 1]; /* + ignored */
	uint64_t lines;
	int failures;
};

static void note(struct release *rel, int r, const struct pluto_event *ev, const struct line *l)
{
	if (r < 0)
		return;
	if (!(ev->conn >= l->msg && ev->conn + ev->conn_len <= l->msg + l->len &&
	      ev->instance >= l->msg && ev->instance + ev->instance_len <= l->msg + l->len)) {
		print_message("%s: pointer outside the line: %s\n", rel->name, l->msg);
		rel->failures++;
	}
	if (ev->kind == PLUTO_EVENT_ESTABLISHED && ev->ike != PLUTO_IKE_UNKNOWN)
		rel->classes[class_of(ev->sa, ev->how, ev->ike)] = true;
	if (ev->kind == PLUTO_EVENT_FAILED)
		rel->reasons[ev->reason] = true;
}

/* Feed two lines on one connection and serial: the first's, the second's body. */
static void join(struct pluto_log *pl, struct release *rel, const struct line *first,
		 const struct line *second)
{
	char buf[8400];
	struct pluto_event ev;
	struct line l;
	int n;

	pluto_log_reset(pl);
	l = *first;
	(void)pluto_log_classify(pl, l.msg, l.len, &ev);
	n = snprintf(buf, sizeof(buf), "%.*s #%llu: %s", (int)first->name_len, first->name,
		     (unsigned long long)first->serial, body_of(second));
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	l.msg = buf;
	l.len = (size_t)n;
	note(rel, pluto_log_classify(pl, buf, l.len, &ev), &ev, &l);
}

static void check_release(const char *dir, const char *file, struct release *rel)
{
	char path[PATH_MAX + 256], cname[64];
	struct pluto_log *pl = pluto_log_new();
	struct line *lines = NULL, *v1_ike_est = NULL, *ike_sa_init_timeout = NULL;
	size_t n = 0, alloc = 0, len = 0, unrec_shown = 0;
	char *text, *p;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = fixture_read(path, &len);
	assert_non_null(text);
	for (p = text; *p;) {
		char *nl = strchr(p, '\n');
		struct line *l;
		const char *q;

		if (nl)
			*nl = '\0';
		if (*p) {
			xgrow((void **)&lines, &alloc, n + 1, sizeof(*lines));
			l = &lines[n];
			l->len = pluto_log_strip_prefix(p, strlen(p), &l->msg);
			l->order = n++;
			l->name = l->msg;
			q = l->msg[0] == '"' ? strchr(l->msg + 1, '"') : NULL;
			l->name_len = q ? (size_t)(q + 1 - l->msg) : 0;
			l->serial = 0;
			q = strstr(l->msg, ": ");
			if (q) {
				const char *w = q;

				while (w > l->msg && w[-1] != ' ')
					w--;
				if (*w == '#')
					l->serial = strtoull(w + 1, NULL, 10);
			}
			l->early = is_early(body_of(l));
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
	rel->lines = n;

	/* each line alone: the share of lines per kind, and what is not recognised */
	for (size_t i = 0; i < n; i++) {
		struct pluto_event ev;
		int r;

		pluto_log_reset(pl);
		r = pluto_log_classify(pl, lines[i].msg, lines[i].len, &ev);
		note(rel, r, &ev, &lines[i]);
		rel->kinds[r < 0 ? _PLUTO_EVENT_KIND_MAX : ev.kind]++;
		if (r == 0 && ev.kind == PLUTO_EVENT_UNRECOGNISED && unrec_shown++ < 40)
			print_message("%s: unrecognised: %s\n", rel->name, lines[i].msg);
		if (r == 0 && ev.kind == PLUTO_EVENT_ESTABLISHED && ev.sa == PLUTO_SA_IKE &&
		    ev.ike == PLUTO_IKEV1 && !v1_ike_est)
			v1_ike_est = &lines[i];
		if (r == 0 && ev.kind == PLUTO_EVENT_FAILED && ev.reason == PLUTO_REASON_TIMEOUT &&
		    (strstr(lines[i].msg, "IKE_SA_INIT_I: ") ||
		     strstr(lines[i].msg, "PARENT_I1: ")) &&
		    !ike_sa_init_timeout)
			ike_sa_init_timeout = &lines[i];
	}

	/* each connection's serials, announcements first */
	qsort(lines, n, sizeof(*lines), cmp_lines);
	for (size_t i = 0; i < n; i++) {
		struct pluto_event ev;

		if (i == 0 || cmp_lines(&(struct line){.name = lines[i].name,
						       .name_len = lines[i].name_len,
						       .serial = lines[i].serial},
					&(struct line){.name = lines[i - 1].name,
						       .name_len = lines[i - 1].name_len,
						       .serial = lines[i - 1].serial}) != 0)
			pluto_log_reset(pl);
		note(rel, pluto_log_classify(pl, lines[i].msg, lines[i].len, &ev), &ev, &lines[i]);
	}

	/* the two-line tellings, from the release's own lines */
	for (size_t i = 0; i < n; i++) {
		const char *b = body_of(&lines[i]);

		if (v1_ike_est && lines[i].serial &&
		    ((startswith(b, "initiating IKEv1 ") || startswith(b, "initiating Main Mode") ||
		      startswith(b, "initiating Aggressive Mode")) &&
		     strstr(b, "replace")))
			join(pl, rel, &lines[i], v1_ike_est);
		if (ike_sa_init_timeout && lines[i].serial && strstr(b, "INVALID_KE_PAYLOAD") &&
		    strstr(b, "resending"))
			join(pl, rel, &lines[i], ike_sa_init_timeout);
	}

	print_message(
	    "%s: %llu lines: none %.1f%%, unrecognised %.2f%% (%llu), established %.1f%%, "
	    "failed %.1f%%, connection %.1f%%, no connection %.1f%%\n",
	    rel->name, (unsigned long long)n, 100.0 * rel->kinds[PLUTO_EVENT_NONE] / n,
	    100.0 * rel->kinds[PLUTO_EVENT_UNRECOGNISED] / n,
	    (unsigned long long)rel->kinds[PLUTO_EVENT_UNRECOGNISED],
	    100.0 * rel->kinds[PLUTO_EVENT_ESTABLISHED] / n,
	    100.0 * rel->kinds[PLUTO_EVENT_FAILED] / n,
	    100.0 * rel->kinds[PLUTO_EVENT_CONNECTION] / n,
	    100.0 * rel->kinds[_PLUTO_EVENT_KIND_MAX] / n);
	if (rel->kinds[PLUTO_EVENT_UNRECOGNISED] * 50 > n) {
		print_message("%s: more than 2%% unrecognised\n", rel->name);
		rel->failures++;
	}
	for (unsigned c = 0; c < N_CLASSES; c++) {
		const struct absent *a =
		    find_absent(rel->name, class_name(c, cname, sizeof(cname)));

		if (!rel->classes[c] && !a) {
			print_message("%s: no establishment recognised as %s\n", rel->name, cname);
			rel->failures++;
		} else if (a && !rel->classes[c]) {
			print_message("%s: %s: not in this corpus (%s)\n", rel->name, cname,
				      a->why);
		}
	}
	for (int r = 0; r < _PLUTO_REASON_MAX; r++) {
		if (!rel->reasons[r]) {
			print_message("%s: no failure recognised as %s\n", rel->name,
				      pluto_event_reason_to_string(r));
			rel->failures++;
		}
	}
	free(lines);
	free(text);
	pluto_log_free(pl);
}

static void test_corpus_log(void **state)
{
	const char *dir = *state;
	static const char *const releases[] = {"v3.25", "v4.4", "v4.10", "v5.1", "v5.4"};
	int failures = 0;

	for (size_t i = 0; i < ELEMENTSOF(releases); i++) {
		char file[64];
		struct release rel = {.name = releases[i]};

		snprintf(file, sizeof(file), "%s.txt", releases[i]);
		check_release(dir, file, &rel);
		failures += rel.failures;
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const char *root = getenv("CORPUS_LOG_DIR");
	struct stat st;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_prestate(test_corpus_log, (void *)root),
	};

	if (!root || stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP: no corpus of pluto's log messages (CORPUS_LOG_DIR=%s is not a "
		       "directory)\n",
		       root ? root : "(unset)");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
