/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The classifier of pluto's log: one message at a time, as the journal's MESSAGE= field holds it
 * (no whack "NNN " code, no syslog timestamp: pluto_log_strip_prefix() removes those), turned into
 * what happened to which connection: an SA established (new or rekeyed), a negotiation failed or an
 * SA was lost (by cause), or the connection set changed. Libreswan 3.x, 4.x and 5.x wordings; the
 * rules, release by release, are at the top of pluto_log.c.
 *
 * Pure (no I/O, no logging, no globals). Its state is two fixed tables allocated by
 * pluto_log_new() and never grown (PLUTO_LOG_STATE_SLOTS, PLUTO_LOG_CONN_SLOTS): what it knows
 * of recent SA serials (a replacement announced, an establishment or a failure already counted, a
 * cause given by the peer but not yet final) and of connections (their newest established SAs,
 * for the releases whose words do not tell a rekey from a new SA). Forgetting is safe: a forgotten
 * serial or connection is classified as if seen for the first time.
 */

/* What a message means to the exporter. */
enum pluto_event_kind {
	PLUTO_EVENT_NONE,		/* recognised, nothing to count (progress, ...) */
	PLUTO_EVENT_UNRECOGNISED,	/* names a connection, but no rule knows its wording */
	PLUTO_EVENT_ESTABLISHED,	/* an SA was established: .sa, .how, .ike */
	PLUTO_EVENT_FAILED,		/* a negotiation failed, an SA was lost: .sa, .reason */
	PLUTO_EVENT_CONNECTION,		/* a connection was added, deleted, ...: .change */
	_PLUTO_EVENT_KIND_MAX,
};

/* Which SA an event is about. */
enum pluto_event_sa {
	PLUTO_SA_IKE,			/* the IKE SA (IKEv1: ISAKMP SA, phase 1) */
	PLUTO_SA_CHILD,			/* a Child SA (IKEv1: IPsec SA, phase 2) */
	_PLUTO_SA_MAX,
};

/* How an SA came to be. */
enum pluto_event_how {
	PLUTO_HOW_NEW,			/* a fresh negotiation: the tunnel coming up */
	PLUTO_HOW_REKEY,		/* an existing SA replaced (rekey, reauthentication) */
	_PLUTO_HOW_MAX,
};

/* Why a negotiation failed or an SA was lost; each failure is reported once, under one reason. */
enum pluto_event_reason {
	/* AUTHENTICATION_FAILED, a bad PSK, signature or certificate, IKEv1's ID in phase 1 */
	PLUTO_REASON_AUTHENTICATION_FAILED,
	PLUTO_REASON_NO_PROPOSAL_CHOSEN,	/* no acceptable proposal (IKE or Child SA) */
	PLUTO_REASON_TS_UNACCEPTABLE,		/* traffic selectors (IKEv1: phase 2 IDs) */
	PLUTO_REASON_INVALID_KE,		/* INVALID_KE_PAYLOAD ending a negotiation */
	PLUTO_REASON_TIMEOUT,			/* no (acceptable) answer to retransmits */
	PLUTO_REASON_LIVENESS,			/* DPD/liveness declared the peer dead */
	PLUTO_REASON_OTHER,			/* any other failure pluto reports as fatal */
	_PLUTO_REASON_MAX,
};

/* What changed about a connection (PLUTO_EVENT_CONNECTION): reasons to re-read its status. */
enum pluto_event_change {
	PLUTO_CHANGE_ADDED,		/* added (or replaced by a new definition) */
	PLUTO_CHANGE_DELETED,		/* a connection or instance was deleted */
	PLUTO_CHANGE_INITIATED,		/* a new IKE SA started (up, auto=start, revival) */
	PLUTO_CHANGE_DOWN,		/* an operator took it down (down, suspend) */
	PLUTO_CHANGE_ROUTED,		/* its policy was routed (`ipsec route`, auto=route) */
	PLUTO_CHANGE_SWITCHED,		/* a negotiation moved to another connection */
	_PLUTO_CHANGE_MAX,
};

/* The IKE version of a message's words, when they (or its serial's history) tell. */
enum pluto_ike_version {
	PLUTO_IKE_UNKNOWN,
	PLUTO_IKEV1,
	PLUTO_IKEV2,
	_PLUTO_IKE_MAX,
};

/*
 * One message's meaning. Every pointer points into the message given to pluto_log_classify()
 * (valid as long as it is); the fields a kind does not use are 0.
 */
struct pluto_event {
	enum pluto_event_kind kind;
	enum pluto_event_sa sa;		/* ESTABLISHED, FAILED */
	enum pluto_event_how how;	/* ESTABLISHED */
	enum pluto_event_reason reason;	/* FAILED */
	enum pluto_event_change change;	/* CONNECTION */
	enum pluto_ike_version ike;	/* ESTABLISHED, FAILED: when known */
	const char *conn;		/* the name without quotes ("private#10.0.0.0/8" whole) */
	size_t conn_len;
	const char *instance;		/* the chain, "[3]", "[1][2]"; length 0 if none */
	size_t instance_len;
	uint64_t serial;		/* the state's #N the message is about, 0 if none */
};

/* The serials the classifier remembers (a direct-mapped table: serial modulo this). */
#define PLUTO_LOG_STATE_SLOTS 4096
/* The connections it remembers (4-way set-associative, least recently used goes). */
#define PLUTO_LOG_CONN_SLOTS 16384
/* Longest message looked at; beyond it a message is classified by its first bytes. */
#define PLUTO_LOG_MAX_LEN 4096

struct pluto_log;

/* A classifier with empty memory (its tables are allocated once, 736 KiB; aborts on OOM). */
struct pluto_log *pluto_log_new(void);

/* Free it; NULL is a no-op; returns NULL. */
struct pluto_log *pluto_log_free(struct pluto_log *l);

/* Forget everything (pluto restarted: its serials start again at #1). */
void pluto_log_reset(struct pluto_log *l);

/*
 * Classify one message (len bytes at msg, need not be NUL-terminated; a trailing CR/LF is ignored).
 * 0 with *ret filled, or -EBADMSG for a message that names no connection (*ret untouched). The
 * message "Starting Pluto ..." (pluto restarted) resets the memory and gives -EBADMSG.
 */
int pluto_log_classify(struct pluto_log *l, const char *msg, size_t len, struct pluto_event *ret);

/* True when the message is the one pluto logs as it starts ("Starting Pluto (Libreswan Version
 * ..."). The classifier forgets everything on it; it names no connection. */
bool pluto_log_is_start(const char *msg, size_t len);

/*
 * A log file's line to the message the journal would hold: drops a syslog timestamp
 * ("Dec  7 05:32:24.123456: " of pluto's own logfile=, or "2026-12-07 05:32:24.123: ", with or
 * without the fraction) and then a whack reply code ("002 "). Returns the length left and points
 * *ret_msg at it (inside line).
 */
size_t pluto_log_strip_prefix(const char *line, size_t len, const char **ret_msg);

/* Names, as the metrics' labels spell them ("authentication_failed", "ike", "rekey", ...). */
const char *pluto_event_kind_to_string(enum pluto_event_kind k);
const char *pluto_event_sa_to_string(enum pluto_event_sa s);
const char *pluto_event_how_to_string(enum pluto_event_how h);
const char *pluto_event_reason_to_string(enum pluto_event_reason r);
const char *pluto_event_change_to_string(enum pluto_event_change c);
const char *pluto_ike_version_to_string(enum pluto_ike_version v);
