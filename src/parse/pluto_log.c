/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * pluto's log, message by message (see pluto_log.h for the contract).
 *
 * A message about a connection starts with its name, then optionally its instance chain, the
 * peer's address and the state's serial:
 *
 *   "west" #2: initiator established Child SA using #1; IPsec tunnel [...] {ESP/ESN=>0x...}
 *   "rw"[3] 192.0.2.7 #12: responder established IKE SA; authenticated peer ...
 *   "private#10.0.0.0/8"[1] ...192.1.2.23 #2: negotiated connection [...]
 *   "west": added IKEv2 connection
 *
 * (3.x's `added connection description "west"` is the one message naming its connection later;
 * 4.10 writes an error's marker first, `ERROR: "west" #2: netlink response for Add SA ...`.)
 * The text after the first ": " is the message; 3.x and 4.x often start it with the state's name
 * ("STATE_MAIN_I4: ISAKMP SA established {...}", 5.x "IKE_SA_INIT_I: 60 second timeout ..."),
 * which tells IKE from Child SA and IKEv1 from IKEv2.
 *
 * What the words of each release say is read in pluto_log_words.c (established, initiated,
 * added, timed out, deleted, nothing) and pluto_log_cause.c (why it failed); this file keeps
 * the memory that turns those verdicts into events:
 *
 * New or rekey. Where the words say (4.10+ IKEv2 "rekeyed"), they decide. Otherwise a rekey is
 *   - a serial announced as a replacement before it established: IKEv1 "initiating Quick Mode
 *     ... to replace #N", "initiating [IKEv1] Main|Aggressive Mode [connection] to replace #N",
 *     IKEv2 reauthentication "initiating IKEv2 connection to replace ... #N" / "(replacing
 *     established IKE SA #N)" / 3.x "initiating v2 parent SA to replace #N", 3.x/4.4 "rekeyed
 *     #N STATE_V2_REKEY_..._I1 ...", 4.10+ "initiating rekey to replace Child|IKE SA #N";
 *   - a Child SA established by an IKE SA that is a reauthentication (the new IKE SA brings
 *     the tunnel's Child SA again);
 *   - where the words cannot tell (IKEv1, IKEv2 before 4.10; the responder of an IKEv1 Quick
 *     Mode is never told it replaces anything): the connection (name and instance) already
 *     holds an established SA of that kind, with a smaller serial, whose deletion has not
 *     been seen.
 *   A replacement of a negotiation that never established (a keying retry) is a new one.
 *
 * Failed: one event per failure, under one reason. pluto tells a failure in several lines (the
 * cause, a notification, "encountered fatal error", a deletion, a revival). The classifier
 * counts the cause ("carrier" lines; a second carrier on the same serial and SA is the same
 * failure) and lets the rest follow: a follower counts only when nothing was counted for its
 * serial, nor for its connection since it last established or initiated something, and then
 * under the cause the peer gave earlier if any (kept as "pending" on the serial and the
 * connection), else "other". A negotiation deleted unestablished after the peer gave a cause
 * fails under that cause.
 *
 * Memory (pluto_log_new() allocates it, nothing grows it): PLUTO_LOG_STATE_SLOTS serials,
 * direct-mapped (serial modulo the size: a serial that many states older is forgotten), each
 * with the connection it belongs to, flags and a pending cause; PLUTO_LOG_CONN_SLOTS
 * connections, 4-way set-associative by a hash of name and instance, least recently used
 * first out, each with its newest established IKE and Child SA and a pending cause. What is
 * forgotten reads as the words say (an establishment of unclear words as new). pluto's
 * "Starting Pluto" message empties it in O(1) (an epoch number in every slot).
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/string_table.h"
#include "lib/util.h"
#include "parse/pluto_log.h"
#include "parse/pluto_log_msg.h"

#define CONN_WAYS 4
#define CONN_SETS (PLUTO_LOG_CONN_SLOTS / CONN_WAYS)

/* What the classifier knows of one serial. */
enum {
	ST_REPLACES = 1 << 0,	/* announced as a replacement: its establishment is a rekey */
	ST_EST_IKE = 1 << 1,	/* an IKE SA establishment was counted on this serial */
	ST_EST_CHILD = 1 << 2,	/* a Child SA establishment was counted on this serial */
	ST_FAIL_IKE = 1 << 3,	/* an IKE SA failure was counted on this serial */
	ST_FAIL_CHILD = 1 << 4,	/* a Child SA failure was counted on this serial */
	ST_REAUTH = 1 << 5,	/* a new IKE SA replacing one: its Child SAs replace theirs */
	ST_QUIET = 1 << 6,	/* a responder asked the initiator to try again (INVALID_KE,
				 * COOKIE, ...): the state's end is no failure */
};

struct state_slot {
	uint64_t serial;	/* 0: empty */
	uint64_t conn;		/* the key of the connection it was seen with (conn_key()) */
	uint32_t epoch;		/* valid only when the classifier's (a reset bumps that) */
	uint8_t flags;		/* ST_* */
	uint8_t ike;		/* enum pluto_ike_version */
	uint8_t pending;	/* a cause the peer gave, not yet counted: reason + 1, 0 if none */
	uint8_t pending_sa;
};

enum {
	CONN_FAILED = 1 << 0,	/* failed since it last established or initiated */
};

struct conn_slot {
	uint64_t key;		/* hash of name and instance; 0: empty */
	uint32_t epoch;		/* valid only when the classifier's */
	uint64_t ike;		/* newest established IKE SA not seen deleted, 0 if none */
	uint64_t child;		/* newest established Child SA not seen deleted, 0 if none */
	uint32_t stamp;		/* last use, for eviction */
	uint8_t flags;		/* CONN_* */
	uint8_t pending;	/* a cause the peer gave on any of its serials: reason + 1 */
	uint8_t pending_sa;
};

struct pluto_log {
	struct state_slot *states;	/* PLUTO_LOG_STATE_SLOTS */
	struct conn_slot *conns;	/* PLUTO_LOG_CONN_SLOTS */
	uint32_t clock;			/* messages seen, for the conns' stamps */
	uint32_t epoch;			/* bumped by a reset: older slots are empty */
};

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return h;
}

/* ---- the message's prefix ---- */

/*
 * `"name"[1][2] peer #N: ` at the start of s. The name ends at the first '"' followed by '[', ':',
 * ',', ' ' or the end (as whack's own lines: names may hold '"'), like whack_conn_ref(), which
 * needs a NUL-terminated string; this one stays within n bytes.
 */
static int parse_prefix(const char *s, size_t n, struct msg *m)
{
	const char *end = s + n, *q = s + 1, *p, *colon;

	if (n < 2 || s[0] != '"')
		return -EBADMSG;
	for (;;) {
		q = memchr(q, '"', (size_t)(end - q));
		if (!q)
			return -EBADMSG;
		if (q + 1 == end || q[1] == '[' || q[1] == ':' || q[1] == ',' || q[1] == ' ')
			break;
		q++;
	}
	m->conn = s + 1;
	m->conn_len = (size_t)(q - (s + 1));
	p = q + 1;
	while (p < end && *p == '[') {
		const char *d = p + 1;

		while (d < end && is_digit(*d))
			d++;
		if (d == p + 1 || d >= end || *d != ']')
			break;
		p = d + 1;
	}
	m->instance = q + 1;
	m->instance_len = (size_t)(p - (q + 1));
	/* the first ": " ends the prefix (addresses hold ':' but never ": ") */
	colon = find(p, (size_t)(end - p), ": ", 2);
	if (!colon) {
		if (end - p >= 1 && end[-1] == ':')
			colon = end - 1;	/* "name": with nothing after */
		else
			return -EBADMSG;
	}
	if (colon != p && *p != ' ')
		return -EBADMSG;	/* `"name"x...: `: not pluto's prefix */
	m->serial = 0;
	m->peer_end = colon;
	{
		/* the last word before the colon may be "#N" */
		const char *w = colon;

		while (w > p && w[-1] != ' ')
			w--;
		if (w < colon && *w == '#') {
			const char *d = w + 1;

			while (d < colon && is_digit(*d))
				d++;
			if (d == colon && d > w + 1)
				m->serial = serial_at(w, colon);
		}
	}
	m->body = colon + 1 < end ? colon + 2 : end;
	if (m->body > end)
		m->body = end;
	m->len = (size_t)(end - m->body);
	return 0;
}

/* A state's name starting the body: STATE_MAIN_I4:, 5.x's IKE_SA_INIT_I: (capitals, digits, _). */
static void split_state(struct msg *m)
{
	const char *s = m->body, *end = s + m->len, *p = s;
	bool underscore = false;

	m->st = NULL;
	m->st_len = 0;
	m->rest = s;
	m->rest_len = m->len;
	while (p < end && ((*p >= 'A' && *p <= 'Z') || is_digit(*p) || *p == '_')) {
		underscore |= *p == '_';
		p++;
	}
	if (!underscore || p - s < 5 || end - p < 2 || p[0] != ':' || p[1] != ' ')
		return;
	/* 3.x/4.x STATE_*, 5.x's IKEv2 names; not CISCO_SPLIT: and the like */
	if (!(PFX(s, m->len, "STATE_") || PFX(s, m->len, "IKE_") ||
	      PFX(s, m->len, "ESTABLISHED_") || PFX(s, m->len, "UNSECURED_") ||
	      PFX(s, m->len, "REKEY_") || PFX(s, m->len, "NEW_CHILD_") ||
	      PFX(s, m->len, "LARVAL_") || PFX(s, m->len, "MAIN_") || PFX(s, m->len, "AGGR_") ||
	      PFX(s, m->len, "QUICK_") || PFX(s, m->len, "XAUTH_") || PFX(s, m->len, "MODE_CFG_") ||
	      PFX(s, m->len, "INFO_") || PFX(s, m->len, "CHILD_SA_")))
		return;
	m->st = s;
	m->st_len = (size_t)(p - s);
	m->rest = p + 2;
	m->rest_len = (size_t)(end - m->rest);
}

/* ---- memory ---- */

static uint64_t conn_key(const struct msg *m)
{
	uint64_t h = fnv1a(UINT64_C(14695981039346656037), m->conn, m->conn_len);

	h = fnv1a(h ^ 0xff, m->instance, m->instance_len);
	return h ? h : 1;
}

/*
 * The memory of a serial. A serial names one SA of one connection for the life of a pluto; seen
 * with another connection it is another SA (a pluto restarted without our seeing it, or a
 * negotiation moved to another connection): it starts afresh. key 0 looks a serial up whatever
 * its connection (the IKE SA a Child SA names, a state deleted by another's message).
 */
static struct state_slot *state_get(struct pluto_log *l, uint64_t serial, uint64_t key,
				     bool create)
{
	struct state_slot *s;

	if (serial == 0)
		return NULL;
	s = &l->states[serial % PLUTO_LOG_STATE_SLOTS];
	if (s->serial == serial && s->epoch == l->epoch && (key == 0 || s->conn == key))
		return s;
	if (!create)
		return NULL;
	/* a serial PLUTO_LOG_STATE_SLOTS older (or newer) is forgotten */
	memset(s, 0, sizeof(*s));
	s->serial = serial;
	s->conn = key;
	s->epoch = l->epoch;
	return s;
}

static struct conn_slot *conn_get(struct pluto_log *l, uint64_t key)
{
	struct conn_slot *w = &l->conns[((key >> 32) ^ key) % CONN_SETS * CONN_WAYS];
	struct conn_slot *victim = NULL;

	for (size_t i = 0; i < CONN_WAYS; i++) {
		if (w[i].key == key && w[i].epoch == l->epoch) {
			w[i].stamp = l->clock;
			return &w[i];
		}
	}
	for (size_t i = 0; i < CONN_WAYS; i++) {
		bool empty = w[i].key == 0 || w[i].epoch != l->epoch;

		/* empty first, else the least recently used (ages survive the clock's wrap) */
		if (!victim || empty || l->clock - w[i].stamp > l->clock - victim->stamp)
			victim = &w[i];
		if (empty)
			break;
	}
	memset(victim, 0, sizeof(*victim));
	victim->key = key;
	victim->epoch = l->epoch;
	victim->stamp = l->clock;
	return victim;
}

static uint8_t sa_bit(enum pluto_event_sa sa, uint8_t ike_bit, uint8_t child_bit)
{
	return sa == PLUTO_SA_IKE ? ike_bit : child_bit;
}

/* A cause given earlier: the serial's, else the connection's for the same SA; -1 if none. */
static int pending_cause(const struct state_slot *st, const struct conn_slot *c,
			 enum pluto_event_sa sa)
{
	if (st && st->pending)
		return st->pending - 1;
	if (c && c->pending && c->pending_sa == sa)
		return c->pending - 1;
	return -1;
}

static void note_failure(struct state_slot *st, struct conn_slot *c, enum pluto_event_sa sa,
			 enum pluto_event_reason reason)
{
	if (st) {
		st->flags |= sa_bit(sa, ST_FAIL_IKE, ST_FAIL_CHILD);
		st->pending = 0;
	}
	c->flags |= CONN_FAILED;
	c->pending = 0;
	if (reason == PLUTO_REASON_LIVENESS) {
		/* the peer is dead: all its SAs go */
		c->ike = 0;
		c->child = 0;
	}
}

/* Turn what the words say into an event, with what the memory knows. */
static void decide(struct pluto_log *l, const struct msg *m, struct verdict *v,
		   struct pluto_event *ev)
{
	enum pluto_ike_version learnt = pluto_log_words_ike(m);
	uint64_t key = conn_key(m);
	struct state_slot *st = state_get(l, m->serial, key, true);
	struct conn_slot *c;
	int cause;

	if (st && learnt != PLUTO_IKE_UNKNOWN && !v->only_if_v2)
		st->ike = (uint8_t)learnt;
	if (v->quiet && st)
		st->flags |= ST_QUIET;
	if (v->kind == V_UNRECOGNISED || (v->kind == V_NONE && !v->deletes && !v->replaces)) {
		ev->kind = v->kind == V_NONE ? PLUTO_EVENT_NONE : PLUTO_EVENT_UNRECOGNISED;
		return;
	}
	c = conn_get(l, key);
	if (v->v1_phase && ((st && (st->flags & ST_EST_IKE)) ||
			    (c->ike && c->ike != m->serial &&
			     !(st && (st->flags & ST_REPLACES))))) {
		/* a notification on an established ISAKMP SA (or while the connection has one)
		 * is about Quick Mode */
		v->sa = PLUTO_SA_CHILD;
		if (v->v1_id)
			v->reason = PLUTO_REASON_TS_UNACCEPTABLE;
	}
	ev->kind = PLUTO_EVENT_NONE;
	ev->ike = v->ike;
	if (ev->ike == PLUTO_IKE_UNKNOWN && st)
		ev->ike = (enum pluto_ike_version)st->ike;

	switch (v->kind) {
	case V_UNRECOGNISED:
		break;
	case V_NONE:
		if (v->replaces && v->other) {
			struct state_slot *rs = state_get(l, v->other, key, false);

			if (rs && !(rs->flags & (ST_EST_IKE | ST_EST_CHILD))) {
				/* it replaces a negotiation that never established: a new one */
				ev->kind = PLUTO_EVENT_CONNECTION;
				ev->change = PLUTO_CHANGE_INITIATED;
				ev->ike = PLUTO_IKE_UNKNOWN;
				c->flags &= (uint8_t)~CONN_FAILED;
				c->pending = 0;
				break;
			}
		}
		if (v->replaces && st) {
			st->flags |= ST_REPLACES;
			c->flags &= (uint8_t)~CONN_FAILED;
		}
		if (v->replaces && v->reauth && st)
			st->flags |= ST_REAUTH;
		if (v->deletes) {
			uint64_t gone = v->other ? v->other : m->serial;
			struct state_slot *gs = state_get(l, gone, 0, false);

			if (gone && c->ike == gone)
				c->ike = 0;
			if (gone && c->child == gone)
				c->child = 0;
			/* a negotiation that ends unestablished after the peer gave a cause */
			if (gs && gs->pending &&
			    !(gs->flags & (ST_EST_IKE | ST_EST_CHILD | ST_FAIL_IKE | ST_FAIL_CHILD |
					   ST_QUIET)) &&
			    !(c->flags & CONN_FAILED)) {
				ev->kind = PLUTO_EVENT_FAILED;
				ev->sa = (enum pluto_event_sa)gs->pending_sa;
				ev->reason = (enum pluto_event_reason)(gs->pending - 1);
				ev->ike = (enum pluto_ike_version)gs->ike;
				note_failure(gs, c, ev->sa, ev->reason);
			}
		}
		break;
	case V_PENDING:
		if (st) {
			st->pending = (uint8_t)(v->reason + 1);
			st->pending_sa = (uint8_t)v->sa;
		}
		c->pending = (uint8_t)(v->reason + 1);
		c->pending_sa = (uint8_t)v->sa;
		break;
	case V_ESTABLISHED: {
		uint8_t bit = sa_bit(v->sa, ST_EST_IKE, ST_EST_CHILD);
		uint64_t *held = v->sa == PLUTO_SA_IKE ? &c->ike : &c->child;
		struct state_slot *parent = v->other ? state_get(l, v->other, 0, false) : NULL;
		bool rekey;

		if (st && (st->flags & bit))
			break;	/* counted already (3.x/4.4 print two lines for one IKE SA) */
		if (v->only_if_v2 && st && st->ike == PLUTO_IKEV1)
			break;	/* IKEv1 RSA's "authenticated using": the next line counts */
		if (v->how == EST_REKEY)
			rekey = true;
		else if (st && (st->flags & ST_REPLACES))
			rekey = true;
		else if (v->sa == PLUTO_SA_CHILD && parent && (parent->flags & ST_REAUTH))
			rekey = true;	/* the first Child SA of a reauthentication */
		else if (v->how == EST_NEW)
			rekey = false;
		else
			rekey = *held && (m->serial == 0 || *held < m->serial);
		ev->kind = PLUTO_EVENT_ESTABLISHED;
		ev->sa = v->sa;
		ev->how = rekey ? PLUTO_HOW_REKEY : PLUTO_HOW_NEW;
		if (ev->ike == PLUTO_IKE_UNKNOWN && parent)
			ev->ike = (enum pluto_ike_version)parent->ike;
		if (st) {
			st->flags |= bit;
			st->pending = 0;
		}
		if (m->serial)
			*held = m->serial;
		c->flags &= (uint8_t)~CONN_FAILED;
		c->pending = 0;
		break;
	}
	case V_FAILED:
	case V_TIMEOUT: {
		uint8_t bit = sa_bit(v->sa, ST_FAIL_IKE, ST_FAIL_CHILD);
		enum pluto_event_reason reason = v->reason;

		if (v->follower) {
			if ((st && (st->flags & (ST_FAIL_IKE | ST_FAIL_CHILD | ST_QUIET))) ||
			    (c->flags & CONN_FAILED))
				break;
		} else if (st && (st->flags & bit)) {
			break;
		}
		cause = pending_cause(st, c, v->sa);
		if (cause >= 0 && (v->kind == V_TIMEOUT ? reason != PLUTO_REASON_LIVENESS :
							  reason == PLUTO_REASON_OTHER))
			reason = (enum pluto_event_reason)cause;
		ev->kind = PLUTO_EVENT_FAILED;
		ev->sa = v->sa;
		ev->reason = reason;
		note_failure(st, c, v->sa, reason);
		break;
	}
	case V_CONNECTION:
		ev->kind = PLUTO_EVENT_CONNECTION;
		ev->change = v->change;
		ev->ike = PLUTO_IKE_UNKNOWN;
		if (v->change == PLUTO_CHANGE_INITIATED) {
			c->flags &= (uint8_t)~CONN_FAILED;
			c->pending = 0;
		}
		if (v->change == PLUTO_CHANGE_DELETED) {
			c->ike = 0;
			c->child = 0;
		}
		break;
	}
}

/* ---- the interface ---- */

struct pluto_log *pluto_log_new(void)
{
	struct pluto_log *l = xcalloc(1, sizeof(*l));

	l->states = xcalloc(PLUTO_LOG_STATE_SLOTS, sizeof(*l->states));
	l->conns = xcalloc(PLUTO_LOG_CONN_SLOTS, sizeof(*l->conns));
	l->epoch = 1;
	return l;
}

struct pluto_log *pluto_log_free(struct pluto_log *l)
{
	if (!l)
		return NULL;
	free(l->states);
	free(l->conns);
	free(l);
	return NULL;
}

void pluto_log_reset(struct pluto_log *l)
{
	/* O(1): slots of an older epoch read as empty; wiped only when the epoch wraps */
	if (++l->epoch == 0) {
		memset(l->states, 0, PLUTO_LOG_STATE_SLOTS * sizeof(*l->states));
		memset(l->conns, 0, PLUTO_LOG_CONN_SLOTS * sizeof(*l->conns));
		l->epoch = 1;
	}
}

/* 3.x: `added connection description "NAME"`, the one message naming its connection later. */
static int read_added_description(const char *s, size_t n, struct msg *m)
{
	const char *end = s + n, *q;

	if (!PFX(s, n, "added connection description \""))
		return -EBADMSG;
	s += sizeof("added connection description \"") - 1;
	q = end;
	while (q > s && q[-1] != '"')
		q--;
	if (q <= s)
		return -EBADMSG;
	memset(m, 0, sizeof(*m));
	m->conn = s;
	m->conn_len = (size_t)(q - 1 - s);
	m->instance = q;
	return 0;
}

bool pluto_log_is_start(const char *msg, size_t len)
{
	return PFX(msg, len, "Starting Pluto");
}

int pluto_log_classify(struct pluto_log *l, const char *msg, size_t len, struct pluto_event *ret)
{
	struct msg m;
	struct verdict v;
	struct pluto_event ev;

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	if (len > PLUTO_LOG_MAX_LEN)
		len = PLUTO_LOG_MAX_LEN;
	/* 4.10+ puts an error's marker before the prefix: `ERROR: "west" #2: netlink ...` */
	if (PFX(msg, len, "ERROR: \"")) {
		msg += 7;
		len -= 7;
	} else if (PFX(msg, len, "WARNING: \"")) {
		msg += 9;
		len -= 9;
	}
	if (len == 0 || msg[0] != '"') {
		if (pluto_log_is_start(msg, len)) {
			pluto_log_reset(l);
			return -EBADMSG;
		}
		if (read_added_description(msg, len, &m) < 0)
			return -EBADMSG;
		memset(&ev, 0, sizeof(ev));
		ev.kind = PLUTO_EVENT_CONNECTION;
		ev.change = PLUTO_CHANGE_ADDED;
		ev.conn = m.conn;
		ev.conn_len = m.conn_len;
		ev.instance = m.instance;
		*ret = ev;
		return 0;
	}
	if (parse_prefix(msg, len, &m) < 0)
		return -EBADMSG;
	l->clock++;
	split_state(&m);
	pluto_log_read_message(&m, &v);
	memset(&ev, 0, sizeof(ev));
	decide(l, &m, &v, &ev);
	ev.conn = m.conn;
	ev.conn_len = m.conn_len;
	ev.instance = m.instance;
	ev.instance_len = m.instance_len;
	ev.serial = m.serial;
	if (ev.kind != PLUTO_EVENT_ESTABLISHED && ev.kind != PLUTO_EVENT_FAILED) {
		ev.sa = 0;
		ev.ike = PLUTO_IKE_UNKNOWN;
	}
	if (ev.kind != PLUTO_EVENT_ESTABLISHED)
		ev.how = 0;
	if (ev.kind != PLUTO_EVENT_FAILED)
		ev.reason = 0;
	if (ev.kind != PLUTO_EVENT_CONNECTION)
		ev.change = 0;
	*ret = ev;
	return 0;
}

/* The first strlen(shape) bytes of s (which has them) as shape says: 'd' a digit, the rest
 * itself. */
static bool shaped(const char *s, const char *shape)
{
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return false;
	return true;
}

/* The end of a time stamp whose seconds end at s[i]: an optional fraction, then ": "; 0 if not. */
static size_t stamp_end(const char *s, size_t n, size_t i)
{
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i + 1 < n && s[i] == ':' && s[i + 1] == ' ' ? i + 2 : 0;
}

/* "Dec  7 05:32:24[.123456]: " (pluto's logfile=, syslog's month-day-time). */
static size_t syslog_stamp(const char *s, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i = 0;
	bool month = false;

	if (n < 16)
		return 0;
	for (size_t k = 0; k < 12; k++)
		month |= memcmp(s, months + 3 * k, 3) == 0;
	if (!month || s[3] != ' ')
		return 0;
	i = 4;
	if (s[i] == ' ')
		i++;
	if (!is_digit(s[i]))
		return 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i >= n || s[i] != ' ')
		return 0;
	i++;
	if (i + 8 > n || !shaped(s + i, "dd:dd:dd"))
		return 0;
	return stamp_end(s, n, i + 8);
}

/* "2026-12-07 05:32:24[.123]: " */
static size_t iso_stamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";

	if (n < sizeof(shape) - 1 + 2 || !shaped(s, shape))
		return 0;
	return stamp_end(s, n, sizeof(shape) - 1);
}

size_t pluto_log_strip_prefix(const char *line, size_t len, const char **ret_msg)
{
	size_t skip = syslog_stamp(line, len);

	if (!skip)
		skip = iso_stamp(line, len);
	line += skip;
	len -= skip;
	if (len >= 4 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]) &&
	    line[3] == ' ')
		line += 4, len -= 4;
	*ret_msg = line;
	return len;
}

static const char *const pluto_event_kind_table[_PLUTO_EVENT_KIND_MAX] = {
	[PLUTO_EVENT_NONE] = "none",
	[PLUTO_EVENT_UNRECOGNISED] = "unrecognised",
	[PLUTO_EVENT_ESTABLISHED] = "established",
	[PLUTO_EVENT_FAILED] = "failed",
	[PLUTO_EVENT_CONNECTION] = "connection",
};
DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_event_kind, enum pluto_event_kind, _PLUTO_EVENT_KIND_MAX)

static const char *const pluto_event_sa_table[_PLUTO_SA_MAX] = {
	[PLUTO_SA_IKE] = "ike",
	[PLUTO_SA_CHILD] = "child",
};
DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_event_sa, enum pluto_event_sa, _PLUTO_SA_MAX)

static const char *const pluto_event_how_table[_PLUTO_HOW_MAX] = {
	[PLUTO_HOW_NEW] = "new",
	[PLUTO_HOW_REKEY] = "rekey",
};
DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_event_how, enum pluto_event_how, _PLUTO_HOW_MAX)

static const char *const pluto_event_reason_table[_PLUTO_REASON_MAX] = {
	[PLUTO_REASON_AUTHENTICATION_FAILED] = "authentication_failed",
	[PLUTO_REASON_NO_PROPOSAL_CHOSEN] = "no_proposal_chosen",
	[PLUTO_REASON_TS_UNACCEPTABLE] = "ts_unacceptable",
	[PLUTO_REASON_INVALID_KE] = "invalid_ke",
	[PLUTO_REASON_TIMEOUT] = "timeout",
	[PLUTO_REASON_LIVENESS] = "liveness",
	[PLUTO_REASON_OTHER] = "other",
};
DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_event_reason, enum pluto_event_reason, _PLUTO_REASON_MAX)

static const char *const pluto_event_change_table[_PLUTO_CHANGE_MAX] = {
	[PLUTO_CHANGE_ADDED] = "added",
	[PLUTO_CHANGE_DELETED] = "deleted",
	[PLUTO_CHANGE_INITIATED] = "initiated",
	[PLUTO_CHANGE_DOWN] = "down",
	[PLUTO_CHANGE_ROUTED] = "routed",
	[PLUTO_CHANGE_SWITCHED] = "switched",
};
DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_event_change, enum pluto_event_change, _PLUTO_CHANGE_MAX)

static const char *const pluto_ike_version_table[_PLUTO_IKE_MAX] = {
	[PLUTO_IKE_UNKNOWN] = "unknown",
	[PLUTO_IKEV1] = "ikev1",
	[PLUTO_IKEV2] = "ikev2",
};
DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_ike_version, enum pluto_ike_version, _PLUTO_IKE_MAX)
