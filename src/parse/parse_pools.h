/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"

struct arena;

/*
 * Pure parser for `ipsec whack --addresspoolstatus` (Libreswan 4.0 and later; 3.x has no such
 * command). The format is described at the top of parse_pools.c. No I/O, no logging, no globals.
 */

/* One lease line of a pool and the connection line under it. */
struct pool_lease {
	char *address;		/* "192.0.2.100" (5.4+ may print a prefix, "192.0.2.100/32") */
	bool in_use;		/* "assigned to"; false: "free" */
	uint64_t conn_serial;	/* "$N": the connection that holds (or last held) it; 0: none */
	char *reusable_name;	/* the peer ID the lease is kept for (reusable); NULL if none */
	char *conn;		/* the connection's name, NULL when pluto says it does not exist */
	char *instance;		/* its "[N]" chain ("" if none); NULL with conn */
	char *peer;		/* what follows the chain (the peer's address); NULL if nothing */
};

/*
 * "address pool RANGE: N addresses, L leases, U in-use, F free (R reusable)". leases counts the
 * addresses that were ever handed out (each is in use or on the free list): the addresses never
 * handed out are addresses - leases, and are free too. reusable counts leases kept for the peer
 * that had them (in use or free).
 */
struct pool_entry {
	char *range;		/* as printed: "192.0.2.100-192.0.2.109" (5.4+: "/N" may follow) */
	uint64_t addresses;
	uint64_t leases;
	uint64_t in_use;
	uint64_t free;
	uint64_t reusable;
	size_t first_lease;	/* its lease lines: leases[first_lease .. first_lease + n_leases) */
	size_t n_leases;
};

struct pool_list {
	struct pool_entry *pools;	/* in output order */
	size_t n_pools;
	size_t alloc_pools;
	struct pool_lease *leases;	/* every pool's lease lines, pool after pool */
	size_t n_leases;
	size_t alloc_leases;

	bool prefixed;		/* saw a 4.x "NNN " prefix */
	uint64_t lines;		/* non-blank lines seen */
	uint64_t parse_errors;	/* lines not recognised (counted, skipped) */

	/* private parser state */
	bool pool_open;		/* the last pool takes lease lines */
	bool lease_open;	/* the last lease awaits its connection line */
	struct parser parser;	/* takes the output: parser_feed(), parser_finish() */
};

/* Allocate an empty list (aborts on OOM). */
struct pool_list *pool_list_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct pool_list *pool_list_free(struct pool_list *l);

/* Empty it for the next output, keeping its memory for reuse. */
void pool_list_reset(struct pool_list *l);

/* Convenience: parse a whole buffer. */
struct pool_list *pool_parse(const char *text, size_t len);
