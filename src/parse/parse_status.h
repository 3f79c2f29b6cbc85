/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"
#include "parse/sa_id.h"

struct arena;

/*
 * Pure parser for `ipsec whack --status` (and the state lines of
 * --showstates / the brief lines of --briefstatus), Libreswan 3.x..5.x.
 * No I/O, no logging, no globals. The formats are described at the top of
 * parse_status.c. Only what the exporter reads is kept.
 */

#define STATUS_TIMER_NONE INT64_MIN	/* "no such timer on this state" */

/* What a state counts as (FORMATS §10). */
enum sa_category {
	SA_CATEGORY_UNKNOWN,		/* name/story not recognised */
	SA_CATEGORY_IGNORE,		/* ephemeral, not counted by pluto */
	SA_CATEGORY_HALF_OPEN,
	SA_CATEGORY_OPEN,
	SA_CATEGORY_ESTABLISHED_IKE,
	SA_CATEGORY_OPEN_CHILD,
	SA_CATEGORY_ESTABLISHED_CHILD,
	SA_CATEGORY_INFO,
};

/* The output family, as far as the text tells. */
enum status_family {
	STATUS_FAMILY_UNKNOWN,
	STATUS_FAMILY_3,	/* 3.x */
	STATUS_FAMILY_4,	/* 4.x */
	STATUS_FAMILY_5,	/* 5.x */
};

struct status_state {
	uint64_t serial;	/* "#N" */
	char *conn;		/* connection name without quotes */
	char *instance;		/* "[1]" / "[1][2]"; "" if none */
	enum sa_category category;	/* from the state's name, else its story */
	bool is_child;		/* has a parent reference: an established IPsec/Child SA */
	/*
	 * Seconds until each timer fires (soonest of its kind; may be negative
	 * when overdue); STATUS_TIMER_NONE if absent, for "none in -1s", and for
	 * the test suite's "in XXs" placeholder (value unknown).
	 */
	int64_t rekey_in;
	int64_t replace_in;
	int64_t expire_in;
	int64_t lastdpd; /* seconds since last DPD; -1 never; STATUS_TIMER_NONE if not printed */
	int64_t lastlive;	/* seconds since last liveness; STATUS_TIMER_NONE if not printed */
};

struct status_conn {
	char *name;		/* without quotes */
	char *instance;		/* "[N]..." chain; "" for a non-instance */
	char *local_host; /* host address of our end from the topology line ("192.0.2.1", "%any") */
	char *remote_host;	/* host address of the peer ("%any", "%opportunisticgroup", ...) */
	/*
	 * From the policy line: 1, 2, or 0 if not known. 4.x/5.x name it
	 * ("IKEv1+"/"IKEv2+"); 3.x has allow flags: IKEV2_ALLOW without
	 * IKEV1_ALLOW, or both with IKEV2_PROPOSE (pluto then initiates IKEv2),
	 * is 2; IKEV1_ALLOW otherwise is 1.
	 */
	int ike_version;
	bool policy_up;		/* "+UP+" bit in the policy line */
	bool policy_group;	/* GROUP in policy (an OE/group definition) */
	bool policy_groupinstance; /* GROUPINSTANCE in policy (generated from a group) */
	uint32_t reqid; /* 5.4+: "reqid: N" (the base of its SAs' reqids); 0 if not printed */
	/*
	 * The NSS nicknames of the certificates of its ends, as printed ("mycert=west",
	 * "peercert=east"; 3.x "hiscert="), NSS's token prefix included when pluto prints it
	 * ("NSS Certificate DB:west"); NULL when the end has none.
	 */
	char *cert;
	char *peer_cert;
};

/*
 * One SAID of an established Child SA's detail line (`esp.1a2b3c4d@192.0.2.2`):
 * per protocol pluto prints the outbound SA (destination: the peer) and then
 * the inbound one (destination: this host). `tun.0@` pseudo-SAs and SPIs the
 * test suite replaced by placeholders are not kept.
 */
struct status_said {
	uint64_t serial;	/* the Child SA ("#N") */
	size_t state; /* index of its state line in states[]; SIZE_MAX if none came before */
	bool inbound;
	struct sa_id id;
};

struct status_summary {
	struct status_conn *conns;	/* connection list, in output order */
	size_t n_conns;
	size_t alloc_conns;
	struct status_state *states;	/* state lines, in output order */
	size_t n_states;
	size_t alloc_states;
	struct status_said *saids;	/* SAIDs of the detail lines, in output order */
	size_t n_saids;
	size_t alloc_saids;

	bool has_total;			/* "Total IPsec connections: ..." */
	bool has_routed;		/* 5.3+ form */
	uint64_t loaded, routed, active;

	bool has_ike_sas; /* "IKE SAs: total(T), half-open(H), open(O), authenticated(A),
			     anonymous(N)" */
	uint64_t ike_total, ike_half_open, ike_open, ike_authenticated, ike_anonymous;

	bool has_ipsec_sas;		/* "IPsec SAs: total(T), authenticated(A), anonymous(N)" */
	uint64_t ipsec_total, ipsec_authenticated, ipsec_anonymous;

	bool has_state_info;		/* "State Information: ..." */
	bool ddos_cookies_required;
	bool accepting_ike;		/* "Accepting new IKE connections" */

	char *version;			/* pluto version if printed ("4.10"); NULL otherwise */
	enum status_family family;

	bool unknown_name; /* "021 no such connection ..." / "no connection or alias named" */

	uint64_t lines;			/* non-blank lines seen */
	uint64_t parse_errors;		/* lines not recognised (counted, skipped) */

	/* private parser state */
	size_t cur_name_len;		/* the last connection's name and instance lengths */
	size_t cur_chain_len;
	int section;			/* enum status_section */
	unsigned evidence;		/* family hints seen so far */
	struct parser parser;		/* takes the output: parser_feed(), parser_finish() */
};

/* Allocate an empty summary (aborts on OOM). */
struct status_summary *status_summary_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct status_summary *status_summary_free(struct status_summary *s);

/* Empty it for the next output, keeping its memory (arrays and arena blocks) for reuse. */
void status_summary_reset(struct status_summary *s);

/* Convenience: parse a whole buffer. */
struct status_summary *status_parse(const char *text, size_t len);

/* Name of a category for labels and debugging ("half_open", "established_child", ...). */
const char *status_sa_category_to_string(enum sa_category c);
