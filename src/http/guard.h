/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/hashmap.h"

/*
 * Per-client-address bookkeeping of the HTTP server: how many connections
 * each address holds (for --web.max-connections-per-ip), how many password
 * checks each address may still start (a token bucket, so that one client
 * cannot keep the password worker busy with wrong passwords), and which
 * addresses completed an authenticated request lately (trusted: their new
 * connections keep priority at the connection limit, so that a crowd from
 * countless addresses cannot take the place of the scraper it is aimed at).
 *
 * Pure: no I/O, no logging, the caller passes the clock. Memory is bounded:
 * a connection count lives only while the address holds a connection, a
 * bucket only while it is not full again (at most max_buckets of them), and a
 * trusted address trust_usec after its last authenticated request (at most
 * max_trusted of them; with the table full of live entries, no more are added).
 *
 * Addresses are keyed by their text form; an IPv4-mapped IPv6 address (a
 * dual-stack listener's view of an IPv4 client) counts as the IPv4 address.
 * Password buckets and trust of IPv6 clients are per /64, the block one host
 * or site usually holds, so that walking through one's own /64 buys nothing.
 */

struct sockaddr;

/* Room for any key, with its NUL. */
#define GUARD_KEY_MAX 64

struct guard_options {
	uint64_t max_conns_per_addr;	/* concurrent connections one address may hold (>= 1) */
	uint64_t auth_burst;		/* password checks an address may start at once (>= 1) */
	uint64_t auth_interval_usec;	/* one more check per this much time (> 0) */
	size_t max_buckets;		/* addresses whose password budget is tracked at most */
	uint64_t trust_usec; /* an address stays trusted this long after an authenticated request */
	size_t max_trusted;		/* trusted addresses remembered at most */
};

struct guard {
	struct guard_options opt;
	struct hashmap conns;		/* address -> count, as (void *)(uintptr_t) */
	struct hashmap buckets;		/* bucket key -> struct guard_bucket * */
	uint64_t last_sweep_usec;
	struct hashmap trusted; /* bucket key -> struct guard_bucket * (tat: trusted until) */
	uint64_t last_trust_sweep_usec;
};

/* An empty guard (never fails; free with guard_done()). */
void guard_init(struct guard *g, const struct guard_options *o);

/* Free what the guard holds. */
void guard_done(struct guard *g);

/* The connection key of a socket address ("192.0.2.1", "2001:db8::1"). 0 or -EAFNOSUPPORT. */
int guard_addr_key(const struct sockaddr *sa, char ret_key[static GUARD_KEY_MAX]);

/* The password-bucket key of a connection key (IPv6: its /64, "2001:db8:1:2::/64"). */
void guard_bucket_key(const char *key, char ret_bucket[static GUARD_KEY_MAX]);

/* Connections the address holds now. */
uint64_t guard_conns(const struct guard *g, const char *key);

/* True if the address may open one more connection. */
bool guard_conn_allowed(const struct guard *g, const char *key);

/* Count a connection opened by / closed for the address. */
void guard_conn_opened(struct guard *g, const char *key);
void guard_conn_closed(struct guard *g, const char *key);

/*
 * Take one password check from the bucket of bucket_key at now. 0, or -EBUSY
 * when the bucket is empty, with the time until the next check is allowed in
 * *ret_retry_usec (written only then).
 */
int guard_auth_take(struct guard *g, const char *bucket_key, uint64_t now_usec,
		    uint64_t *ret_retry_usec);

/* Give back a check that succeeded (only failed checks are meant to cost). */
void guard_auth_refund(struct guard *g, const char *bucket_key, uint64_t now_usec);

/* Buckets tracked now (for tests). */
size_t guard_buckets(const struct guard *g);

/* The address (bucket key: IPv6 per /64) completed an authenticated request at now. */
void guard_trust(struct guard *g, const char *bucket_key, uint64_t now_usec);

/* True if the address completed an authenticated request within trust_usec before now. */
bool guard_trusted(const struct guard *g, const char *bucket_key, uint64_t now_usec);

/* Trusted addresses remembered now (for tests and the page). */
size_t guard_trusted_count(const struct guard *g);
