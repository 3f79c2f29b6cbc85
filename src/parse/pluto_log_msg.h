/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * The classifier's reading of one message's words, private to pluto_log.c (the prefix, the
 * memory, the interface), pluto_log_words.c (what establishes, initiates, adds, times out,
 * deletes or means nothing) and pluto_log_cause.c (why a negotiation failed).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "parse/pluto_log.h"

/* The parts of one message. */
struct msg {
	const char *conn, *instance, *peer_end;
	size_t conn_len, instance_len;
	uint64_t serial;
	const char *body;	/* after the "...: " prefix */
	size_t len;
	const char *st;		/* the state's name starting the body, or NULL */
	size_t st_len;
	const char *rest;	/* the body after the state name */
	size_t rest_len;
};

/* ---- bounded string helpers ---- */

static inline bool has_prefix(const char *s, size_t n, const char *p, size_t pl)
{
	/* most tries fail at the first byte: no call for them */
	return n >= pl && (pl == 0 || (s[0] == p[0] && memcmp(s, p, pl) == 0));
}

#define PFX(s, n, lit) has_prefix((s), (n), "" lit, sizeof(lit) - 1)

static inline const char *find(const char *s, size_t n, const char *p, size_t pl)
{
	if (pl == 0)
		return s;
	while (n >= pl) {
		const char *c = memchr(s, p[0], n - pl + 1);

		if (!c)
			return NULL;
		if (memcmp(c, p, pl) == 0)
			return c;
		n -= (size_t)(c + 1 - s);
		s = c + 1;
	}
	return NULL;
}

#define FIND(s, n, lit) find((s), (n), "" lit, sizeof(lit) - 1)
#define HAS(s, n, lit) (FIND((s), (n), lit) != NULL)

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "#N" at s (bounded by end): the serial, 0 if none. */
static inline uint64_t serial_at(const char *s, const char *end)
{
	uint64_t v = 0;
	const char *d;

	if (s >= end || *s != '#')
		return 0;
	for (d = s + 1; d < end && is_digit(*d); d++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*d - '0');
	}
	return v;
}

/* The serial of the first "#N" after the literal p in the message text, 0 if none. */
static inline uint64_t serial_after(const char *s, size_t n, const char *p, size_t pl)
{
	const char *f = find(s, n, p, pl);
	const char *end = s + n;

	if (!f)
		return 0;
	f += pl;
	while (f < end && *f == ' ')
		f++;
	return serial_at(f, end);
}

#define SERIAL_AFTER(s, n, lit) serial_after((s), (n), "" lit, sizeof(lit) - 1)

static inline bool st_has(const struct msg *m, const char *p, size_t pl)
{
	return m->st && find(m->st, m->st_len, p, pl);
}

#define ST_HAS(m, lit) st_has((m), "" lit, sizeof(lit) - 1)

/* The SA a state name belongs to: QUICK, CHILD, IPSEC and CREATE states are Child SAs. */
static inline enum pluto_event_sa state_sa(const struct msg *m)
{
	if (ST_HAS(m, "QUICK") || ST_HAS(m, "CHILD") || ST_HAS(m, "IPSEC") || ST_HAS(m, "CREATE"))
		return PLUTO_SA_CHILD;
	return PLUTO_SA_IKE;
}

static inline enum pluto_ike_version state_ike(const struct msg *m)
{
	if (!m->st)
		return PLUTO_IKE_UNKNOWN;
	if (ST_HAS(m, "MAIN_") || ST_HAS(m, "AGGR_") || ST_HAS(m, "QUICK_") || ST_HAS(m, "XAUTH") ||
	    ST_HAS(m, "MODE_CFG"))
		return PLUTO_IKEV1;
	return PLUTO_IKEV2;
}

/* ---- what a message says, before the memory is consulted ---- */

enum verdict_kind {
	V_UNRECOGNISED,
	V_NONE,
	V_ESTABLISHED,	/* .sa; .how_explicit; .parent */
	V_FAILED,	/* .sa, .reason; .follower */
	V_TIMEOUT,	/* .sa; the reason is the pending cause, else .reason */
	V_PENDING,	/* none, but .reason/.sa are the cause if this negotiation fails */
	V_CONNECTION,	/* .change */
};

enum est_how {
	EST_DECIDE,		/* the words cannot tell: announcements, the connection's SAs */
	EST_NEW,		/* the words say new (an announcement still makes a rekey) */
	EST_REKEY,		/* the words say rekeyed */
};

struct verdict {
	enum verdict_kind kind;
	enum pluto_event_sa sa;
	enum est_how how;
	enum pluto_event_reason reason;
	enum pluto_event_change change;
	enum pluto_ike_version ike;	/* what the words say of the IKE version */
	bool follower;		/* FAILED: a consequence, counted only if nothing was */
	bool replaces;		/* this serial replaces another SA */
	bool deletes;			/* this serial (or .other) is gone */
	bool reauth;		/* replaces: a new IKE SA (its Child SA replaces too) */
	bool quiet;		/* NONE: the serial ends by design (the initiator retries) */
	bool only_if_v2;		/* ESTABLISHED: not counted on a serial known as IKEv1 */
	bool v1_phase;		/* IKEv1 words whose SA is the phase the serial is in */
	bool v1_id;		/* IKEv1 INVALID_ID_INFORMATION: the identity in phase 1, the
					 * traffic selectors in phase 2 */
	uint64_t other;		/* ESTABLISHED: the IKE SA of a Child SA; deletes: the
					 * serial deleted when not the message's own;
					 * replaces: the serial replaced, when named */
};


static inline void failed(struct verdict *v, enum pluto_event_sa sa, enum pluto_event_reason r)
{
	v->kind = V_FAILED;
	v->sa = sa;
	v->reason = r;
}

static inline void follower(struct verdict *v, enum pluto_event_sa sa, enum pluto_event_reason r)
{
	failed(v, sa, r);
	v->follower = true;
}

static inline void pending(struct verdict *v, enum pluto_event_sa sa, enum pluto_event_reason r)
{
	v->kind = V_PENDING;
	v->sa = sa;
	v->reason = r;
}

static inline void established(struct verdict *v, enum pluto_event_sa sa, enum est_how how,
			enum pluto_ike_version ike)
{
	v->kind = V_ESTABLISHED;
	v->sa = sa;
	v->how = how;
	v->ike = ike;
}

static inline void connection(struct verdict *v, enum pluto_event_change c)
{
	v->kind = V_CONNECTION;
	v->change = c;
}


/* What the message's words say, before the memory is consulted. */
void pluto_log_read_message(const struct msg *m, struct verdict *v);

/* The IKE version a message's words reveal, for the serial's memory. */
enum pluto_ike_version pluto_log_words_ike(const struct msg *m);

/*
 * Failure causes and the peer's notifications (pluto_log_cause.c): true when the message is one,
 * v filled in.
 */
bool pluto_log_read_cause(const struct msg *m, struct verdict *v);
