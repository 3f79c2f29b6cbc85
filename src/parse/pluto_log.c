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
 * (3.x's `added connection description "west"` is the one message naming its connection later.)
 * The text after the first ": " is the message; 3.x and 4.x often start it with the state's name
 * ("STATE_MAIN_I4: ISAKMP SA established {...}", 5.x "IKE_SA_INIT_I: 60 second timeout ..."),
 * which tells IKE from Child SA and IKEv1 from IKEv2.
 *
 * What each release says (from the five releases' sources and Libreswan's test consoles):
 *
 * Established, IKE SA
 *   3.x IKEv1   STATE_MAIN_I4: ISAKMP SA established {...}   (MAIN_R3, AGGR_I2, AGGR_R2 alike)
 *   3.x IKEv2   Authenticated using authby=secret | RSA      (no line says "established")
 *   4.x IKEv1   IKE SA established {auth=PRESHARED_KEY ...}
 *   4.4 IKEv2   authenticated using authby=secret and peer ID_FQDN '@east' | RSA with ...
 *               (IKEv1 says it too with RSA: not counted on a serial known as IKEv1)
 *   4.4 IKEv2   established IKE SA {auth=IKEv2 ...}          (a rekeyed IKE SA, either role)
 *   4.10+ IKEv2 initiator|responder established IKE SA; authenticated peer ...
 *               initiator|responder rekeyed IKE SA #N {...}
 *   5.x IKEv1   ISAKMP SA established {auth=...}
 * Established, Child SA
 *   3.x         STATE_QUICK_I2: sent QI2, IPsec SA established ... | STATE_V2_IPSEC_I: IPsec SA
 *               established ... (older 3.x: STATE_PARENT_I3: PARENT SA established tunnel mode,
 *               the IKE SA and its first Child SA in one line: counted as the Child SA)
 *   4.x         IPsec SA established tunnel mode {...}       (IKEv1 and IKEv2 alike)
 *   4.10+ IKEv2 initiator|responder established Child SA using #1; IPsec tunnel ...
 *               initiator|responder rekeyed Child SA #2 using #1; ...
 *   5.x IKEv1   IPsec SA established tunnel mode {...}
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
 *
 * Failed: one event per failure, under one reason. pluto tells a failure in several lines (the
 * cause, a notification, "encountered fatal error", a deletion, a revival). The classifier
 * counts the cause ("carrier" lines; a second carrier on the same serial and SA is the same
 * failure) and lets the rest follow: a follower counts only when nothing was counted for its
 * serial, nor for its connection since it last established or initiated something, and then
 * under the cause the peer gave earlier if any (kept as "pending" on the serial and the
 * connection), else "other". A negotiation deleted unestablished after the peer gave a cause
 * fails under that cause.
 *   authentication  IKE SA authentication request rejected [by peer]: AUTHENTICATION_FAILED,
 *                   3.x STATE_PARENT_I2: v2N_AUTHENTICATION_FAILED, authentication failed: ...,
 *                   PSK/RSA/Digital Signature authentication failed, Signature check ... failed,
 *                   probable authentication failure (mismatch of preshared secrets?), XAUTH,
 *                   PPK, own key missing, IKEv1 INVALID_ID_INFORMATION / INVALID_HASH_ /
 *                   INVALID_KEY_INFORMATION in Main/Aggressive Mode; X509/NSS certificate and
 *                   identity rejections are pending (a responder may still switch to another
 *                   connection that suits); IKEv1 Main Mode I3 going unanswered ("Possible
 *                   authentication failure": what a pre-shared key that differs looks like)
 *   no proposal     [IKE_]AUTH response contained the error notification NO_PROPOSAL_CHOSEN,
 *                   IKE_AUTH response rejected Child SA with ..., CHILD SA failed: ...,
 *                   CREATE_CHILD_SA failed with error notification ..., no local proposal
 *                   matches remote proposals, no acceptable Oakley Transform / Proposal in IPsec
 *                   SA, transport/tunnel mode mismatches; unauthenticated NO_PROPOSAL_CHOSEN
 *                   answers (which pluto ignores and retransmits) are pending
 *   TS              the same families with TS_UNACCEPTABLE, cannot respond to IPsec SA request
 *                   because no connection is known for ..., Child SA's Traffic Selector ...
 *                   does not fit/match, IKEv1 INVALID_ID_INFORMATION on an established ISAKMP
 *                   SA (Quick Mode)
 *   invalid KE      CREATE_CHILD_SA failed with error notification INVALID_KE_PAYLOAD, 3.x
 *                   STATE_PARENT_I1: v2N_INVALID_KE_PAYLOAD. "received unauthenticated
 *                   INVALID_KE_PAYLOAD response ...; resending with suggested ..." is no failure:
 *                   pluto retries with the group asked for, in the same negotiation, which
 *                   usually succeeds; it is pending, the cause should that negotiation then
 *                   time out or be deleted unestablished. A responder answering INVALID_KE_PAYLOAD
 *                   is none (the initiator retries).
 *   timeout         STATE: N second timeout exceeded after N retransmits ... / max number of
 *                   retransmissions (N) reached ...: in IKE_SA_INIT, IKE_AUTH, IKEv1 phase 1
 *                   and Quick Mode; the cause the peer gave, if any, wins
 *   liveness        liveness action - ..., IKEv2 liveness: action - ..., DPD action - ...,
 *                   IKEv1 DPD[:] action - ..., liveness_check - peer ... has not responded;
 *                   and an IKEv2 exchange of an established IKE SA going unanswered (5.x
 *                   ESTABLISHED_IKE_SA: ... timeout, 3.x/4.x STATE_V2_REKEY_CHILD_I1: ...,
 *                   which 4.x follows with "liveness action")
 *
 * Connection: "added [oriented|unoriented] IKEv2 connection" (4.x+), `added connection
 * description "NAME"` (3.x), "deleting connection ...", "deleting non-instance connection",
 * "deleting template|group instances", "initiating IKEv2 connection ..." / "initiating IKEv1
 * Main Mode connection" / "initiating v2 parent SA" / "initiating Main Mode" (not a
 * replacement), "terminating SAs using this connection", "initiating delete of connection's
 * ...", "suspending connection", "connection marked for routing" / "... already routed" /
 * "policy ROUTE added ...", "switched [from "A"] to "B"".
 *
 * None: the wordings in none_prefixes[] below (progress of a negotiation, retransmits,
 * deletions, traffic counters, updown output, IMPAIR test hooks, ...). Anything else about a
 * connection is unrecognised.
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

#include "lib/util.h"
#include "parse/pluto_log.h"

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

static const char *find(const char *s, size_t n, const char *p, size_t pl)
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

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "#N" at s (bounded by end): the serial, 0 if none. */
static uint64_t serial_at(const char *s, const char *end)
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
static uint64_t serial_after(const char *s, size_t n, const char *p, size_t pl)
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

static bool st_has(const struct msg *m, const char *p, size_t pl)
{
	return m->st && find(m->st, m->st_len, p, pl);
}

#define ST_HAS(m, lit) st_has((m), "" lit, sizeof(lit) - 1)

/* The SA a state name belongs to: QUICK, CHILD, IPSEC and CREATE states are Child SAs. */
static enum pluto_event_sa state_sa(const struct msg *m)
{
	if (ST_HAS(m, "QUICK") || ST_HAS(m, "CHILD") || ST_HAS(m, "IPSEC") || ST_HAS(m, "CREATE"))
		return PLUTO_SA_CHILD;
	return PLUTO_SA_IKE;
}

static enum pluto_ike_version state_ike(const struct msg *m)
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
	bool only_if_v2;		/* ESTABLISHED: not counted on a serial known as IKEv1 */
	bool v1_phase;		/* IKEv1 words whose SA is the phase the serial is in */
	bool v1_id;		/* IKEv1 INVALID_ID_INFORMATION: the identity in phase 1, the
					 * traffic selectors in phase 2 */
	uint64_t other;		/* ESTABLISHED: the IKE SA of a Child SA; deletes: the
					 * serial deleted when not the message's own */
};

/* A notification's name (v2N_ prefix or not) to a reason; OTHER for the rest. */
static enum pluto_event_reason notify_reason(const char *s, size_t n)
{
	const char *e;

	if (PFX(s, n, "v2N_"))
		s += 4, n -= 4;
	e = s;
	while ((size_t)(e - s) < n && ((*e >= 'A' && *e <= 'Z') || is_digit(*e) || *e == '_'))
		e++;
	n = (size_t)(e - s);
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
	if (IS("AUTHENTICATION_FAILED") || IS("INVALID_ID_INFORMATION") ||
	    IS("INVALID_HASH_INFORMATION") || IS("INVALID_KEY_INFORMATION") ||
	    IS("INVALID_SIGNATURE") || IS("INVALID_CERTIFICATE") || IS("CERT_UNAVAILABLE"))
		return PLUTO_REASON_AUTHENTICATION_FAILED;
	if (IS("NO_PROPOSAL_CHOSEN") || IS("BAD_PROPOSAL_SYNTAX"))
		return PLUTO_REASON_NO_PROPOSAL_CHOSEN;
	if (IS("TS_UNACCEPTABLE"))
		return PLUTO_REASON_TS_UNACCEPTABLE;
	if (IS("INVALID_KE_PAYLOAD"))
		return PLUTO_REASON_INVALID_KE;
#undef IS
	return PLUTO_REASON_OTHER;
}

/* The notification name after the literal p, or NULL. */
static const char *notify_after(const char *s, size_t n, const char *p, size_t pl, size_t *ret_len)
{
	const char *f = find(s, n, p, pl), *e, *end = s + n;

	if (!f)
		return NULL;
	f += pl;
	for (e = f; e < end && ((*e >= 'A' && *e <= 'Z') || (*e >= 'a' && *e <= 'z') ||
				is_digit(*e) || *e == '_');
	     e++)
		;
	if (e == f)
		return NULL;
	*ret_len = (size_t)(e - f);
	return f;
}

static void failed(struct verdict *v, enum pluto_event_sa sa, enum pluto_event_reason r)
{
	v->kind = V_FAILED;
	v->sa = sa;
	v->reason = r;
}

static void follower(struct verdict *v, enum pluto_event_sa sa, enum pluto_event_reason r)
{
	failed(v, sa, r);
	v->follower = true;
}

static void pending(struct verdict *v, enum pluto_event_sa sa, enum pluto_event_reason r)
{
	v->kind = V_PENDING;
	v->sa = sa;
	v->reason = r;
}

static void established(struct verdict *v, enum pluto_event_sa sa, enum est_how how,
			enum pluto_ike_version ike)
{
	v->kind = V_ESTABLISHED;
	v->sa = sa;
	v->how = how;
	v->ike = ike;
}

static void connection(struct verdict *v, enum pluto_event_change c)
{
	v->kind = V_CONNECTION;
	v->change = c;
}

/*
 * The wordings that mean nothing to count: the progress of a negotiation, retransmits, peer IDs,
 * traffic counters, updown output, test hooks. Matched at the start of the message (after a
 * state name). Deletions are not here: they are read for the memory (read_deletion()).
 */
static const char *const none_prefixes[] = {
	/* negotiation progress, all releases */
	"initiate",			/* 3.x "STATE_MAIN_I1: initiate" */
	"initiating Child SA",		/* 5.x: a Child SA on an existing IKE SA */
	"initiating a redirect",
	"initiator guessed wrong keying material group",	/* responding with INVALID_KE */
	"initiating connection '",	/* 4.x revival of a connection that must remain up */
	"initiating reauthentication",
	"initiate reauthentication",
	"sent ",			/* sent MI2, sent IKE_SA_INIT request, sent v2I1 ... */
	"received ",
	"Received ",
	"processing ",
	"processed ",
	"responding to Main Mode",
	"responding to Aggressive Mode",
	"responding to Quick Mode",
	"negotiated connection",	/* 3.x/4.x: before "IPsec SA established" */
	"negotiated tunnel",
	"accepted selectors",
	"the peer proposed",
	"proposal ",			/* proposal 1:IKE=... chosen from remote proposals */
	"remote proposal ",
	"Remote proposal ",
	"transform (",
	"Peer ID is ",
	"IKEv2 mode peer ID is ",
	"Main mode peer ID is ",
	"Aggressive mode peer ID is ",
	"authenticated peer ",		/* 4.10+ IKEv1, before "ISAKMP SA established" */
	"certificate verified OK",
	"certificate E=",
	"certificate CN=",
	"I am sending ",
	"sending INITIAL_CONTACT",
	"sending keepalive",
	"sending IKE SA delete",
	"setting ip source address",
	"XAUTH: Answering",
	"XAUTH: Successfully",
	"XAUTH: ",
	"XAUTH client - possibly",
	"XAUTH completed",
	"xauth: ",
	"modecfg: ",
	"prompt for ",
	"PAM: authentication of user '",	/* SUCCEEDED (ABORTED: read_cause()) */
	"scheduling retry attempt",
	"starting keying attempt",
	"release whack",
	"releasing whack",
	"switching CHILD #",
	"reschedule pending",
	"pending ",
	"adding ",
	"added EAP payload",
	"delete ipsec-interface",
	"cannot delete ipsec-interface",
	"dropping negotiation as superseded",
	"dropping IKE_SA_INIT response",
	"dropping unrecognized",
	"message id deadlock",
	"Message ID: ",
	"Deleting previous proposal",
	"multiple DH groups",
	"IKEv1 Aggressive Mode with PSK is vulnerable",
	"WARNING: ",
	"warning: ",
	"PPK AUTH calculated",
	"PPK '",
	"failed to find PPK and PPK_ID, continuing",
	"Peer wants to continue without PPK",
	"peer wants to continue without PPK",
	"No Certificate Authority available!",
	"no crl from issuer",
	"no Certificate Authority in NSS Certificate DB",
	"X509: connection allows unmatched",
	"ignoring unsolicited",
	"ignoring INTERNAL_",
	"ignoring Delete SA payload",
	"ignoring IKE_SA_INIT response containing IKEV2_FRAGMENTATION",
	"ignoring informational payload IPSEC_",
	"ignoring secured informational payload IPSEC_",
	"ignoring unsecured informational payload IPSEC_",
	"discarding ",
	"retransmitting ",
	"retransmission; will wait",
	"suppressing retransmit",
	"IMPAIR",
	"Impair",
	"SKIPPED sending",
	"setting bogus",
	" setting bogus",
	"sending bogus",
	"EXPECTATION FAILED",
	"non-critical payload ignored",
	"message response contained an unknown critical payload",
	"packet rejected: should have been encrypted",
	"encrypted payload seems to be corrupt",
	"NSS: AEAD ",
	"NSS: shared key calculation",
	"no useful state microcode",
	"message for STATE_",
	"KE has ",
	"initiator IKE_SA_INIT KE payload",
	"responder IKE_SA_INIT KE payload",
	"responder IDPROT KE payload",
	"Informational Exchange message must be encrypted",
	"malformed Quick Mode message",
	"IKE_SA_INIT response has zero",
	"IKE_AUTH response missing",
	"IKE_AUTH request fragment",
	"IKE_SA_INIT response redirects",
	"IKE_AUTH response redirects",
	"IKE_AUTH redirect",
	"redirect loop",
	"scheduling redirect",
	"unexpected INFORMATIONAL response",
	"unexpected IKE_SA_INIT message containing IKEV2_FRAGMENTATION",
	"missing ADDITIONAL_KEY_EXCHANGE",
	"dropping ADDKE",
	"initiator processed ",
	"MOBIKE ",
	" success MOBIKE",
	"success MOBIKE",
	"updown ",
	"running updown",
	"command \"",
	"\"",				/* 5.x: "unroute" output: ... (a quoted command) */
	"prepare-client output",
	"prepare-client-v6 output",
	"prepare-host output",
	"route-client output",
	"route-host output",
	"unroute-client output",
	"unroute-host output",
	"up-client output",
	"up-client-v6 output",
	"up-host output",
	"down-client output",
	"down-client-v6 output",
	"down-host output",
	"kernel: ",
	"ESP traffic information",	/* read by read_deletion() first: counters at deletion */
	"AH traffic information",
	"IPCOMP traffic information",
	" IPCOMP traffic information",
	"failed to pull traffic counters",
	"received soft EXPIRE",
	"calling REKEY event handler",
	"deleting existing REKEY event",
	"connection is using multiple",
	"route to peer's client conflicts",
	"cannot install kernel policy",
	"Subnet ",
	"CISCO_SPLIT",
	"IKETCP ",
	"DPD: ",			/* IKEv1 R_U_THERE bookkeeping ("DPD action": liveness) */
	"Configured DPD",
	"DPD initialization failed",
	"liveness: ",
	"IKE SA is shared",
	"IKE SA expired",		/* read by read_deletion() first */
	"certificate payload rejected; crl-strict=yes and Certificate Revocation List (CRL) is "
		"expired or missing, forcing",
	"NSS: ERROR: ",			/* a certificate's check: read_cause() first */
	"Peer public key",		/* read_cause() first */
	"ignoring ",
	"omitting CHILD SA payloads",
	"initiating IKE_AUTH redirect",
	"initiating IKE_SA_INIT redirect",
	"intiating delete",		/* 4.10 (sic): an IKE SA's delete exchange */
	"fatal error for IKE SA, but releasing whack",
	"dropping fragment",
	"calling REAUTH event handler",
	"no existing REAUTH event",
	"Child SA initiating pending connection",
	"Child SA #",			/* ... no longer exists, ignoring delete response */
	"IKE SA #",			/* ... has outstanding IKE_AUTH request */
	"ISAKMP_v2_",			/* ... message response ... has no matching SA */
	"state spd requires a block",
	"unsolicited ",
	"asking for session resume ticket",
	"identity hash, skipping",
	"Allowing questionable (microsoft) proposal",
	"BSD doesn't add kernel-policy",
	"command: ",
	"eof: ",
	"freebsd_ipsec_interface",
	"openbsd_ipsec_interface",
	"netbsd_ipsec_interface",
	"Received Domain",
	"Received DNS",
	"Received IP",
	"Received subnet",
};

/* The IKE version a message's words reveal, for the serial's memory. */
static enum pluto_ike_version words_ike(const struct msg *m)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;
	enum pluto_ike_version v = state_ike(m);

	if (v != PLUTO_IKE_UNKNOWN)
		return v;
	if (PFX(r, rn, "Peer ID is ") || PFX(r, rn, "initiating IKEv1") ||
	    PFX(r, rn, "initiating Main Mode") || PFX(r, rn, "initiating Aggressive Mode") ||
	    PFX(r, rn, "initiating Quick Mode") || PFX(r, rn, "ISAKMP SA established") ||
	    PFX(r, rn, "sent Main Mode") || PFX(r, rn, "sent Quick Mode") ||
	    PFX(r, rn, "sent Aggressive Mode") || PFX(r, rn, "responding to Main Mode") ||
	    PFX(r, rn, "responding to Aggressive Mode") || PFX(r, rn, "responding to Quick Mode") ||
	    PFX(r, rn, "authenticated peer ") || PFX(r, rn, "IKE SA established {") ||
	    PFX(r, rn, "XAUTH"))
		return PLUTO_IKEV1;
	if (PFX(r, rn, "IKEv2 mode peer ID is") || PFX(r, rn, "initiating IKEv2") ||
	    PFX(r, rn, "initiating v2") || PFX(r, rn, "negotiated connection") ||
	    PFX(r, rn, "sent IKE_") || PFX(r, rn, "sent CREATE_CHILD_SA") ||
	    PFX(r, rn, "processing IKE_") || PFX(r, rn, "processed IKE_") ||
	    PFX(r, rn, "initiator ") || PFX(r, rn, "responder ") ||
	    PFX(r, rn, "established IKE SA"))
		return PLUTO_IKEV2;
	return PLUTO_IKE_UNKNOWN;
}

/* "N second timeout exceeded after N retransmits" (after the state name) or 3.x "max number of
 * retransmissions (N) reached STATE_X": the SA from the state's name. */
static bool read_timeout(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *f;
	size_t rn = m->rest_len;
	struct msg sm = *m;

	if (m->st && (HAS(r, rn, " second timeout exceeded after ") ||
		      PFX(r, rn, "max number of retransmissions ("))) {
		/* the state's name is the message's */
	} else if ((f = FIND(r, rn, "max number of retransmissions (")) != NULL &&
		   (f = FIND(f, rn - (size_t)(f - r), ") reached ")) != NULL) {
		/* older 3.x: "max number of retransmissions (2) reached STATE_MAIN_I3.  ..." */
		const char *e = f + sizeof(") reached ") - 1, *end = r + rn;

		sm.st = e;
		while (e < end && ((*e >= 'A' && *e <= 'Z') || is_digit(*e) || *e == '_'))
			e++;
		sm.st_len = (size_t)(e - sm.st);
		if (sm.st_len == 0)
			sm.st = NULL;
	} else {
		return false;
	}
	v->kind = V_TIMEOUT;
	v->sa = state_sa(&sm);
	v->ike = state_ike(&sm);
	v->reason = PLUTO_REASON_TIMEOUT;
	/*
	 * IKEv1's first encrypted message unanswered: pluto says "Possible authentication failure",
	 * and it is what a pre-shared key that differs looks like from the initiator (the
	 * responder cannot decrypt it). IKEv2 answers a bad AUTH with AUTHENTICATION_FAILED: its
	 * IKE_AUTH going unanswered is more often a path that drops fragments, a timeout.
	 */
	if (v->ike == PLUTO_IKEV1 && (ST_HAS(&sm, "MAIN_I3") || ST_HAS(&sm, "AGGR_I2")))
		v->reason = PLUTO_REASON_AUTHENTICATION_FAILED;
	/*
	 * IKEv2 past IKE_AUTH: an exchange of an established IKE SA (a liveness probe, a delete, a
	 * rekey, a new Child SA) went unanswered: the peer is gone, and 4.x says "liveness action"
	 * next. 5.x names the IKE SA's state (ESTABLISHED_IKE_SA), 3.x/4.x the exchange's
	 * (STATE_V2_REKEY_CHILD_I1, STATE_V2_CREATE_I, ...).
	 */
	if (v->ike == PLUTO_IKEV2 && sm.st &&
	    !(st_has(&sm, "PARENT_I1", 9) || st_has(&sm, "PARENT_I2", 9) ||
	      st_has(&sm, "IKE_SA_INIT", 11) || st_has(&sm, "IKE_AUTH", 8) ||
	      st_has(&sm, "IKE_INTERMEDIATE", 16) || st_has(&sm, "IKE_SESSION_RESUME", 18))) {
		v->sa = PLUTO_SA_IKE;
		v->reason = PLUTO_REASON_LIVENESS;
	}
	return true;
}

/* The peer declared dead. */
static bool read_liveness(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;

	if (PFX(r, rn, "liveness action - ") || PFX(r, rn, "IKEv2 liveness: action - ") ||
	    PFX(r, rn, "IKEv2 liveness action - ") || PFX(r, rn, "IKEv1 DPD: action - ") ||
	    PFX(r, rn, "IKEv1 DPD action - ") || PFX(r, rn, "DPD action - ") ||
	    PFX(r, rn, "liveness_check - peer ") || PFX(r, rn, "DPD: No response from peer")) {
		failed(v, PLUTO_SA_IKE, PLUTO_REASON_LIVENESS);
		return true;
	}
	return false;
}

/* Establishments and the announcements of replacements. */
static bool read_established(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *f;
	size_t rn = m->rest_len;

	/* 4.10+ IKEv2: the role and the words say it all */
	if (PFX(r, rn, "initiator ") || PFX(r, rn, "responder ")) {
		const char *t = r + 10;
		size_t tn = rn - 10;

		if (PFX(t, tn, "established IKE SA")) {
			established(v, PLUTO_SA_IKE, EST_NEW, PLUTO_IKEV2);
			return true;
		}
		if (PFX(t, tn, "rekeyed IKE SA")) {
			established(v, PLUTO_SA_IKE, EST_REKEY, PLUTO_IKEV2);
			return true;
		}
		if (PFX(t, tn, "established Child SA")) {
			established(v, PLUTO_SA_CHILD, EST_NEW, PLUTO_IKEV2);
			v->other = SERIAL_AFTER(t, tn, " using");
			return true;
		}
		if (PFX(t, tn, "rekeyed Child SA")) {
			established(v, PLUTO_SA_CHILD, EST_REKEY, PLUTO_IKEV2);
			return true;
		}
		return false;
	}
	/* 5.x and 3.x IKEv1 phase 1 (3.x after the state's name, "sent MR3, ..." included) */
	if ((f = FIND(r, rn, "ISAKMP SA established")) != NULL && (f == r || f[-1] == ' ')) {
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV1);
		return true;
	}
	/* 4.x IKEv1 phase 1 */
	if (PFX(r, rn, "IKE SA established")) {
		if (PFX(r, rn, "IKE SA established but initiator rejected Child SA")) {
			follower(v, PLUTO_SA_CHILD, PLUTO_REASON_OTHER);
			return true;
		}
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV1);
		return true;
	}
	/* phase 2 / Child SA, 3.x and 4.x both versions, 5.x IKEv1 */
	if ((f = FIND(r, rn, "IPsec SA established")) != NULL &&
	    (f == r || (f - r >= 2 && f[-1] == ' ' && f[-2] == ','))) {
		established(v, PLUTO_SA_CHILD, EST_DECIDE, state_ike(m));
		return true;
	}
	/* 3.x IKEv2 IKE SA (the line is on the Child SA's serial); IKEv1 RSA says it too */
	if (PFX(r, rn, "Authenticated using ") || PFX(r, rn, "authenticated using ")) {
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV2);
		v->only_if_v2 = true;
		return true;
	}
	/* older 3.x: the IKE SA and its first Child SA in one line; 3.25: a rekeyed IKE SA */
	if ((f = FIND(r, rn, "PARENT SA established")) != NULL) {
		bool child = HAS(r, rn, "{ESP") || HAS(r, rn, "{AH") || HAS(r, rn, " mode");

		established(v, child ? PLUTO_SA_CHILD : PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV2);
		return true;
	}
	/* 4.4: a rekeyed IKE SA, either role */
	if (PFX(r, rn, "established IKE SA")) {
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV2);
		return true;
	}
	/* announcements: the message's serial will replace another SA */
	if (PFX(r, rn, "rekeyed #") ||				/* 3.x, 4.x initiator */
	    PFX(r, rn, "initiating rekey to replace ") ||	/* 4.10+ */
	    PFX(r, rn, "initiate rekey of ") ||			/* 4.4 */
	    PFX(r, rn, "sent CREATE_CHILD_SA request to rekey ")) {
		v->kind = V_NONE;
		v->replaces = true;
		v->ike = PLUTO_IKEV2;
		return true;
	}
	return false;
}

/* "initiating ...": a new negotiation (a connection event) or a replacement (an announcement). */
static bool read_initiating(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;
	bool v1;

	if (PFX(r, rn, "initiating Quick Mode ")) {
		v->kind = V_NONE;
		v->ike = PLUTO_IKEV1;
		v->replaces = HAS(r, rn, " to replace #");
		return true;
	}
	if (PFX(r, rn, "initiating IKEv1 ") || PFX(r, rn, "initiating Main Mode") ||
	    PFX(r, rn, "initiating Aggressive Mode"))
		v1 = true;
	else if (PFX(r, rn, "initiating IKEv2 ") || PFX(r, rn, "initiating v2 parent SA") ||
		 PFX(r, rn, "initiating IKEv2"))
		v1 = false;
	else
		return false;
	v->ike = v1 ? PLUTO_IKEV1 : PLUTO_IKEV2;
	if (HAS(r, rn, "to replace ") || HAS(r, rn, "(replacing ")) {
		v->kind = V_NONE;
		v->replaces = true;
		v->reauth = !v1;
	} else {
		connection(v, PLUTO_CHANGE_INITIATED);
	}
	return true;
}

/* The connection set changed. */
static bool read_connection(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *f;
	size_t rn = m->rest_len;

	if (PFX(r, rn, "added ") && (f = FIND(r, rn, " connection")) != NULL && f - r <= 40 &&
	    (f + 11 == r + rn || f[11] == ' ')) {
		for (const char *p = r + 6; p < f; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      is_digit(*p) || *p == ' '))
				return false;
		connection(v, PLUTO_CHANGE_ADDED);
		return true;
	}
	if (PFX(r, rn, "deleting connection") || PFX(r, rn, "deleting non-instance connection") ||
	    PFX(r, rn, "deleting labeled parent connection") ||
	    PFX(r, rn, "deleting labeled child connection") ||
	    PFX(r, rn, "deleting template instances") || PFX(r, rn, "deleting group instances") ||
	    PFX(r, rn, "terminating group instances")) {
		connection(v, PLUTO_CHANGE_DELETED);
		return true;
	}
	if (PFX(r, rn, "terminating SAs using this connection") ||
	    PFX(r, rn, "initiating delete of connection's ") ||
	    PFX(r, rn, "initiating delete of ") ||
	    PFX(r, rn, "suspending connection")) {
		connection(v, PLUTO_CHANGE_DOWN);
		return true;
	}
	if (PFX(r, rn, "connection marked for routing") ||
	    PFX(r, rn, "connection is already routed") ||
	    PFX(r, rn, "connection will remain routed") ||
	    PFX(r, rn, "connection already routed") ||
	    PFX(r, rn, "policy ROUTE added to established connection")) {
		connection(v, PLUTO_CHANGE_ROUTED);
		return true;
	}
	if (PFX(r, rn, "switched from \"") || PFX(r, rn, "switched to \"")) {
		connection(v, PLUTO_CHANGE_SWITCHED);
		return true;
	}
	return false;
}

/* The reason a notification named after the literal p gives, sa-less; false if no name follows. */
static bool notify_at(const char *r, size_t rn, const char *p, size_t pl,
		      enum pluto_event_reason *ret_reason, const char **ret_name, size_t *ret_len)
{
	size_t nl;
	const char *name = notify_after(r, rn, p, pl, &nl);

	if (!name)
		return false;
	*ret_reason = notify_reason(name, nl);
	if (ret_name) {
		*ret_name = name;
		*ret_len = nl;
	}
	return true;
}

#define NOTIFY_AT(r, rn, lit, reason) \
	notify_at((r), (rn), "" lit, sizeof(lit) - 1, (reason), NULL, NULL)

static bool name_is(const char *name, size_t nl, const char *lit, size_t ll)
{
	if (nl > 4 && memcmp(name, "v2N_", 4) == 0)
		name += 4, nl -= 4;
	return nl == ll && memcmp(name, lit, ll) == 0;
}

#define NAME_IS(name, nl, lit) name_is((name), (nl), "" lit, sizeof(lit) - 1)

/* The SA of a rejected Child SA (NO_PROPOSAL, TS, INVALID_KE) or of the IKE SA (the rest). */
static enum pluto_event_sa sa_of_child_reason(enum pluto_event_reason r)
{
	return r == PLUTO_REASON_NO_PROPOSAL_CHOSEN || r == PLUTO_REASON_TS_UNACCEPTABLE ||
			       r == PLUTO_REASON_INVALID_KE ?
		       PLUTO_SA_CHILD :
		       PLUTO_SA_IKE;
}

/*
 * Failure causes and the peer's notifications. v->v1_phase is set where IKEv1 words depend on the
 * phase (INVALID_ID_INFORMATION: the identity in Main Mode, the traffic selectors in Quick Mode).
 */
static bool read_cause(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *name;
	size_t rn = m->rest_len, nl;
	enum pluto_event_reason reason;

	/* ---- IKEv2 initiator: the responder's answer ---- */
	if (PFX(r, rn, "IKE SA authentication request rejected") &&
	    (NOTIFY_AT(r, rn, "rejected by peer: ", &reason) ||
	     NOTIFY_AT(r, rn, "rejected: ", &reason))) {
		failed(v, PLUTO_SA_IKE, reason);
		return true;
	}
	if (PFX(r, rn, "IKE SA authentication failed")) {
		failed(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		return true;
	}
	if ((PFX(r, rn, "AUTH response contained the error notification ") ||
	     PFX(r, rn, "IKE_AUTH response contained the error notification ")) &&
	    NOTIFY_AT(r, rn, "error notification ", &reason)) {
		failed(v, sa_of_child_reason(reason), reason);
		return true;
	}
	if ((PFX(r, rn, "IKE_AUTH response rejected Child SA with ") &&
	     NOTIFY_AT(r, rn, "Child SA with ", &reason)) ||
	    (PFX(r, rn, "CHILD SA failed: ") && NOTIFY_AT(r, rn, "failed: ", &reason)) ||
	    (PFX(r, rn, "CREATE_CHILD_SA failed with error notification ") &&
	     NOTIFY_AT(r, rn, "error notification ", &reason)) ||
	    (PFX(r, rn, "response for Child SA #") &&
	     (NOTIFY_AT(r, rn, "was rejected with ", &reason) ||
	      NOTIFY_AT(r, rn, "was rejected (", &reason))) ||
	    (PFX(r, rn, "peer rejected Child SA ") &&
	     (NOTIFY_AT(r, rn, "Child SA  (", &reason) ||
	      NOTIFY_AT(r, rn, "Child SA (", &reason)))) {
		failed(v, PLUTO_SA_CHILD, reason);
		return true;
	}
	/* 3.x/4.x: unauthenticated answers to IKE_SA_INIT, ignored: the cause if it times out */
	if (m->st && PFX(r, rn, "received unauthenticated ") && HAS(r, rn, " - ignored") &&
	    NOTIFY_AT(r, rn, "received unauthenticated ", &reason)) {
		if (reason != PLUTO_REASON_OTHER)
			pending(v, state_sa(m), reason);
		else
			v->kind = V_NONE;
		return true;
	}
	if ((PFX(r, rn, "ignoring IKE_SA_INIT response containing ") &&
	     NOTIFY_AT(r, rn, "response containing ", &reason)) ||
	    ((PFX(r, rn, "dropping unexpected IKE_SA_INIT message containing ") ||
	      PFX(r, rn, "unexpected IKE_SA_INIT message containing ")) &&
	     NOTIFY_AT(r, rn, "message containing ", &reason))) {
		if (reason != PLUTO_REASON_OTHER)
			pending(v, PLUTO_SA_IKE, reason);
		else
			v->kind = V_NONE;
		return true;
	}
	if (PFX(r, rn, "dropping unexpected ") &&
	    NOTIFY_AT(r, rn, "message containing ", &reason)) {
		if (reason != PLUTO_REASON_OTHER)
			pending(v, sa_of_child_reason(reason), reason);
		else
			v->kind = V_NONE;
		return true;
	}
	/* INVALID_KE_PAYLOAD answered by a retry with the group the responder asked for */
	if ((PFX(r, rn, "Received unauthenticated INVALID_KE_PAYLOAD") ||
	     PFX(r, rn, "received unauthenticated INVALID_KE_PAYLOAD")) &&
	    HAS(r, rn, "resending")) {
		pending(v, PLUTO_SA_IKE, PLUTO_REASON_INVALID_KE);
		return true;
	}
	/* 3.x whack: the transition's result, "STATE_PARENT_I2: v2N_AUTHENTICATION_FAILED" */
	if (m->st && rn > 0 && ((r[0] >= 'A' && r[0] <= 'Z') || PFX(r, rn, "v2N_"))) {
		const char *e = r;

		while (e < r + rn && ((*e >= 'A' && *e <= 'Z') || is_digit(*e) || *e == '_' ||
				      (e - r < 4 && (*e == 'v' || *e == 'N'))))
			e++;
		if (e == r + rn && rn >= 6 && HAS(r, rn, "_")) {
			enum pluto_event_sa sa = state_sa(m);

			reason = notify_reason(r, rn);
			/* IKE_AUTH (PARENT_I2) carries the first Child SA: its proposal, its TS */
			if (reason == PLUTO_REASON_TS_UNACCEPTABLE ||
			    (reason == PLUTO_REASON_NO_PROPOSAL_CHOSEN && ST_HAS(m, "PARENT_I2")))
				sa = PLUTO_SA_CHILD;
			failed(v, sa, reason);
			if (sa == PLUTO_SA_CHILD && reason == PLUTO_REASON_AUTHENTICATION_FAILED &&
			    HAS(r, rn, "INVALID_ID_INFORMATION"))
				v->reason = PLUTO_REASON_TS_UNACCEPTABLE;
			return true;
		}
	}

	/* ---- the responder's own causes ---- */
	if (PFX(r, rn, "no local proposal matches remote proposals")) {
		failed(v, HAS(r, rn, ":ESP") || HAS(r, rn, ":AH") ? PLUTO_SA_CHILD : PLUTO_SA_IKE,
		       PLUTO_REASON_NO_PROPOSAL_CHOSEN);
		return true;
	}
	if (PFX(r, rn, "no acceptable Oakley Transform")) {
		failed(v, PLUTO_SA_IKE, PLUTO_REASON_NO_PROPOSAL_CHOSEN);
		return true;
	}
	if (PFX(r, rn, "no acceptable Proposal in IPsec SA") ||
	    PFX(r, rn, "local policy requires Transport Mode but peer requires") ||
	    PFX(r, rn, "local policy requires Tunnel Mode but peer requires") ||
	    PFX(r, rn, "policy dictates Transport Mode, but peer requested") ||
	    PFX(r, rn, "policy dictates Tunnel Mode, but peer requested") ||
	    PFX(r, rn, "Unexpected IPCOMP request") ||
	    PFX(r, rn, "IKE_AUTH responder matching remote ESP/AH proposals failed")) {
		failed(v, PLUTO_SA_CHILD, PLUTO_REASON_NO_PROPOSAL_CHOSEN);
		return true;
	}
	if (PFX(r, rn, "cannot respond to IPsec SA request because no connection is known") ||
	    PFX(r, rn, "No IKEv2 connection found with compatible Traffic Selectors") ||
	    PFX(r, rn, "no IKEv2 connection found with compatible Traffic Selectors") ||
	    PFX(r, rn, "peer client subnet returned doesn't match my proposal") ||
	    (PFX(r, rn, "Child SA's Traffic Selector") &&
	     (HAS(r, rn, "TS_UNACCEPTABLE") || HAS(r, rn, "does not fit"))) ||
	    PFX(r, rn, "proposed Traffic Selectors do not match") ||
	    PFX(r, rn, "rekey: received Traffic Selectors") ||
	    PFX(r, rn, "Quick Mode request rejected; connection has no remote client selector")) {
		failed(v, PLUTO_SA_CHILD, PLUTO_REASON_TS_UNACCEPTABLE);
		return true;
	}
	if (PFX(r, rn, "Quick Mode request rejected") ||
	    PFX(r, rn, "leasing IPv4 address failed") ||
	    PFX(r, rn, "ERROR: netlink response for Add SA") ||
	    PFX(r, rn, "leasing IPv6 address failed")) {
		failed(v, PLUTO_SA_CHILD, PLUTO_REASON_OTHER);
		return true;
	}
	/* authentication, either role */
	if (HAS(r, rn, "uthentication failed") || HAS(r, rn, "uthentication Failed") ||
	    PFX(r, rn, "probable authentication failure") ||
	    PFX(r, rn, "received Hash Payload does not match computed value") ||
	    (PFX(r, rn, "Signature check") && HAS(r, rn, "failed")) ||
	    (PFX(r, rn, "RSA Signature check") && HAS(r, rn, "fai")) ||
	    PFX(r, rn, "Peer attempted NULL authentication") ||
	    PFX(r, rn, "no RSA public key known for") || PFX(r, rn, "No matching PSK found") ||
	    PFX(r, rn, "Can't find the certificate or private key") ||
	    PFX(r, rn, "unable to locate my private key") || PFX(r, rn, "DigSig: failed to find") ||
	    PFX(r, rn, "private key matching") || PFX(r, rn, "Received Cisco XAUTH status: FAIL") ||
	    PFX(r, rn, "legacy RSA-SHA1 is not allowed") ||
	    PFX(r, rn, "connection requires PPK, but we didn't find one") ||
	    PFX(r, rn, "Requested PPK_ID not found") ||
	    PFX(r, rn, "no matching (PPK_ID, PPK) found") ||
	    PFX(r, rn, "connection has ppk=insist but peer does not support PPK") ||
	    PFX(r, rn, "authentication method ") ||
	    (PFX(r, rn, "initial Aggressive Mode packet claiming to be from") &&
	     HAS(r, rn, "no connection has been authorized")) ||
	    (PFX(r, rn, "PAM: authentication of user") && !HAS(r, rn, "SUCCEEDED")) ||
	    PFX(r, rn, "XAUTH: User ") || PFX(r, rn, "XAUTH: aborting")) {
		if (PFX(r, rn, "XAUTH: aborting"))
			follower(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		else
			failed(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		return true;
	}
	/* certificate and identity checks: a responder may still switch to another connection,
	 * so these are the cause should the negotiation end (fatal error, deletion) */
	if (PFX(r, rn, "X509: ") || PFX(r, rn, "NSS ERROR: ") ||
	    PFX(r, rn, "ERROR: Peer's Certificate") || PFX(r, rn, "ERROR: Issuer certificate") ||
	    PFX(r, rn, "NSS: ERROR: IPsec certificate") ||
	    PFX(r, rn, "certificate revoked") || PFX(r, rn, "FIPS: ") ||
	    PFX(r, rn, "Peer public key SubjectAltName does not match") ||
	    PFX(r, rn, "Peer CERT payload SubjectAltName does not match") ||
	    PFX(r, rn, "certificate subjectAltName extension does not match") ||
	    PFX(r, rn, "certificate contains no subjectAltName") ||
	    PFX(r, rn, "peer certificate contains no subjectAltName") ||
	    PFX(r, rn, "peer certificate subjectAltName") ||
	    PFX(r, rn, "certificate does not contain") ||
	    PFX(r, rn, "No matching subjectAltName") ||
	    PFX(r, rn, "certificate payload rejected") ||
	    ((PFX(r, rn, "Certificate ") || PFX(r, rn, "certificate ")) &&
	     HAS(r, rn, "failed") && HAS(r, rn, "verification")) ||
	    ((PFX(r, rn, "ID_") || PFX(r, rn, "DER_ASN1_DN") || PFX(r, rn, "FQDN")) &&
	     HAS(r, rn, "does not match expected"))) {
		pending(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		return true;
	}

	/* ---- notifications sent or received (IKEv1 both ways, IKEv2 responses) ---- */
	if (PFX(r, rn, "responding to ") &&
	    notify_at(r, rn, " notification ", sizeof(" notification ") - 1, &reason, &name, &nl)) {
		if (NAME_IS(name, nl, "INVALID_KE_PAYLOAD") ||
		    NAME_IS(name, nl, "TEMPORARY_FAILURE") ||
		    NAME_IS(name, nl, "COOKIE") || NAME_IS(name, nl, "REDIRECT")) {
			v->kind = V_NONE;	/* the initiator retries */
		} else {
			enum pluto_event_sa sa = sa_of_child_reason(reason);

			if (HAS(r, rn, "CREATE_CHILD_SA"))
				sa = PLUTO_SA_CHILD;
			else if (HAS(r, rn, "IKE_SA_INIT") || HAS(r, rn, "SA_INIT"))
				sa = PLUTO_SA_IKE;
			follower(v, sa, reason);
		}
		return true;
	}
	if ((PFX(r, rn, "sending notification ") || PFX(r, rn, "sending encrypted notification ") ||
	     PFX(r, rn, "sending unencrypted notification ")) &&
	    notify_at(r, rn, "notification ", sizeof("notification ") - 1, &reason, &name, &nl)) {
		if (reason == PLUTO_REASON_OTHER && !NAME_IS(name, nl, "PAYLOAD_MALFORMED")) {
			v->kind = V_NONE;	/* INVALID_FLAGS, ...: stray packets */
		} else {
			follower(v, PLUTO_SA_IKE, reason);
			v->v1_phase = true;
			v->v1_id = NAME_IS(name, nl, "INVALID_ID_INFORMATION");
		}
		return true;
	}
	if (((PFX(r, rn, "ignoring informational payload ") ||
	      PFX(r, rn, "ignoring unsecured informational payload ") ||
	      PFX(r, rn, "ignoring secured informational payload ")) &&
	     notify_at(r, rn, "informational payload ", sizeof("informational payload ") - 1,
		       &reason, &name, &nl)) ||
	    (PFX(r, rn, "received and ignored notification payload: ") &&
	     notify_at(r, rn, "notification payload: ", sizeof("notification payload: ") - 1,
		       &reason, &name, &nl)) ||
	    (PFX(r, rn, "received and ignored informational message"))) {
		if (PFX(r, rn, "received and ignored informational message") ||
		    reason == PLUTO_REASON_OTHER) {
			v->kind = V_NONE;
		} else {
			pending(v, PLUTO_SA_IKE, reason);
			v->v1_phase = true;
			v->v1_id = NAME_IS(name, nl, "INVALID_ID_INFORMATION");
		}
		return true;
	}

	/* ---- consequences ---- */
	if (PFX(r, rn, "encountered fatal error in state ")) {
		struct msg sm = *m;

		sm.st = r + sizeof("encountered fatal error in state ") - 1;
		sm.st_len = rn - (sizeof("encountered fatal error in state ") - 1);
		follower(v, state_sa(&sm), PLUTO_REASON_OTHER);
		v->ike = state_ike(&sm);
		return true;
	}
	if (PFX(r, rn, "state transition ") && HAS(r, rn, "failed")) {
		reason = PLUTO_REASON_OTHER;
		(void)NOTIFY_AT(r, rn, "failed with ", &reason);
		follower(v, HAS(r, rn, "CHILD") || HAS(r, rn, "Child") ? PLUTO_SA_CHILD :
			 reason == PLUTO_REASON_AUTHENTICATION_FAILED ? PLUTO_SA_IKE :
									sa_of_child_reason(reason),
			 reason);
		return true;
	}
	return false;
}

/* An SA went away: the message's own serial, or the one it names (v->other). */
static bool read_deletion(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;

	if (PFX(r, rn, "IMPAIR: "))
		r += 8, rn -= 8;
	if (PFX(r, rn, "deleting other state #")) {
		v->other = SERIAL_AFTER(r, rn, "deleting other state");
	} else if (PFX(r, rn, "received Delete SA") &&
		   (HAS(r, rn, "State #") || HAS(r, rn, "SA #"))) {
		v->other = HAS(r, rn, "State #") ? SERIAL_AFTER(r, rn, "State") :
						   SERIAL_AFTER(r, rn, "SA");
	} else if (!(PFX(r, rn, "deleting state") || PFX(r, rn, "deleting IKE SA") ||
		     PFX(r, rn, "deleting ISAKMP SA") || PFX(r, rn, "deleting IPsec SA") ||
		     PFX(r, rn, "deleting Child SA") || PFX(r, rn, "deleting CHILD SA") ||
		     PFX(r, rn, "deleting established ") || PFX(r, rn, "deleting larval ") ||
		     PFX(r, rn, "deleting lingering ") ||
		     PFX(r, rn, "sent INFORMATIONAL request to delete ") ||
		     PFX(r, rn, "ESP traffic information") ||
		     PFX(r, rn, "AH traffic information") ||
		     PFX(r, rn, "IPCOMP traffic information") ||
		     PFX(r, rn, " IPCOMP traffic information") || PFX(r, rn, "IKE SA expired") ||
		     PFX(r, rn, "connection is supposed to remain up") ||
		     PFX(r, rn, "IMPAIR: retransmit so deleting SA"))) {
		return false;
	}
	v->kind = V_NONE;
	v->deletes = true;
	return true;
}

static bool read_none(const struct msg *m)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;

	/* 3.x/4.x whack: "NAME prompt for Username:", "NAME IKE proposals: ..." */
	if (HAS(r, rn, " prompt for ") ||
	    (rn > m->conn_len && memcmp(r, m->conn, m->conn_len) == 0 && r[m->conn_len] == ' '))
		return true;
	if (PFX(r, rn, "added ") && HAS(r, rn, " to ipsec-interface "))
		return true;
	/* IKEv1 Quick Mode responder: "    us: 192.0.2.0/24===...", "  them: ..." */
	while (rn > 0 && *r == ' ')
		r++, rn--;
	if (rn < m->rest_len && (PFX(r, rn, "us: ") || PFX(r, rn, "them: ")))
		return true;

	for (size_t i = 0; i < ELEMENTSOF(none_prefixes); i++) {
		const char *p = none_prefixes[i];

		if (rn > 0 && r[0] == p[0] && has_prefix(r, rn, p, strlen(p)))
			return true;
	}
	return false;
}

/* What the message's words say, before the memory is consulted. */
static void read_message(const struct msg *m, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = V_UNRECOGNISED;
	if (read_established(m, v) || read_initiating(m, v) || read_connection(m, v) ||
	    read_timeout(m, v) || read_liveness(m, v) || read_cause(m, v) || read_deletion(m, v))
		return;
	if (read_none(m))
		v->kind = V_NONE;
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
	enum pluto_ike_version learnt = words_ike(m);
	uint64_t key = conn_key(m);
	struct state_slot *st = state_get(l, m->serial, key, true);
	struct conn_slot *c;
	int cause;

	if (st && learnt != PLUTO_IKE_UNKNOWN && !v->only_if_v2)
		st->ike = (uint8_t)learnt;
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
			    !(gs->flags &
			      (ST_EST_IKE | ST_EST_CHILD | ST_FAIL_IKE | ST_FAIL_CHILD)) &&
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
			if ((st && (st->flags & (ST_FAIL_IKE | ST_FAIL_CHILD))) ||
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
	read_message(&m, &v);
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
	/* HH:MM:SS */
	if (i + 8 > n || !is_digit(s[i]) || !is_digit(s[i + 1]) || s[i + 2] != ':' ||
	    !is_digit(s[i + 3]) || !is_digit(s[i + 4]) || s[i + 5] != ':' || !is_digit(s[i + 6]) ||
	    !is_digit(s[i + 7]))
		return 0;
	i += 8;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i + 1 < n && s[i] == ':' && s[i + 1] == ' ')
		return i + 2;
	return 0;
}

/* "2026-12-07 05:32:24[.123]: " */
static size_t iso_stamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	if (n < sizeof(shape) - 1 + 2)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return 0;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i + 1 < n && s[i] == ':' && s[i + 1] == ' ')
		return i + 2;
	return 0;
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

const char *pluto_event_kind_to_string(enum pluto_event_kind k)
{
	switch (k) {
	case PLUTO_EVENT_NONE:
		return "none";
	case PLUTO_EVENT_UNRECOGNISED:
		return "unrecognised";
	case PLUTO_EVENT_ESTABLISHED:
		return "established";
	case PLUTO_EVENT_FAILED:
		return "failed";
	case PLUTO_EVENT_CONNECTION:
		return "connection";
	case _PLUTO_EVENT_KIND_MAX:
		break;
	}
	return NULL;
}

const char *pluto_event_sa_to_string(enum pluto_event_sa s)
{
	switch (s) {
	case PLUTO_SA_IKE:
		return "ike";
	case PLUTO_SA_CHILD:
		return "child";
	case _PLUTO_SA_MAX:
		break;
	}
	return NULL;
}

const char *pluto_event_how_to_string(enum pluto_event_how h)
{
	switch (h) {
	case PLUTO_HOW_NEW:
		return "new";
	case PLUTO_HOW_REKEY:
		return "rekey";
	case _PLUTO_HOW_MAX:
		break;
	}
	return NULL;
}

const char *pluto_event_reason_to_string(enum pluto_event_reason r)
{
	switch (r) {
	case PLUTO_REASON_AUTHENTICATION_FAILED:
		return "authentication_failed";
	case PLUTO_REASON_NO_PROPOSAL_CHOSEN:
		return "no_proposal_chosen";
	case PLUTO_REASON_TS_UNACCEPTABLE:
		return "ts_unacceptable";
	case PLUTO_REASON_INVALID_KE:
		return "invalid_ke";
	case PLUTO_REASON_TIMEOUT:
		return "timeout";
	case PLUTO_REASON_LIVENESS:
		return "liveness";
	case PLUTO_REASON_OTHER:
		return "other";
	case _PLUTO_REASON_MAX:
		break;
	}
	return NULL;
}

const char *pluto_event_change_to_string(enum pluto_event_change c)
{
	switch (c) {
	case PLUTO_CHANGE_ADDED:
		return "added";
	case PLUTO_CHANGE_DELETED:
		return "deleted";
	case PLUTO_CHANGE_INITIATED:
		return "initiated";
	case PLUTO_CHANGE_DOWN:
		return "down";
	case PLUTO_CHANGE_ROUTED:
		return "routed";
	case PLUTO_CHANGE_SWITCHED:
		return "switched";
	case _PLUTO_CHANGE_MAX:
		break;
	}
	return NULL;
}

const char *pluto_ike_version_to_string(enum pluto_ike_version v)
{
	switch (v) {
	case PLUTO_IKE_UNKNOWN:
		return "unknown";
	case PLUTO_IKEV1:
		return "ikev1";
	case PLUTO_IKEV2:
		return "ikev2";
	case _PLUTO_IKE_MAX:
		break;
	}
	return NULL;
}
