/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"

struct arena;

/*
 * Pure parser for `ipsec whack --trafficstatus` (all Libreswan 3.x..5.x forms;
 * see the comment at the top of parse_traffic.c). No I/O, no logging, no globals.
 */

#define TRAFFIC_MAX_BYTES_UNLIMITED (UINT64_C(1) << 63)	/* "maxBytes=2^63B" */

struct traffic_sa {
	uint64_t serial;	/* "#N" */
	char *conn;		/* connection name without quotes */
	char *instance;		/* "[1]" or "[1][2]"; "" when not an instance */
	char *peer; /* suffix after the instance chain ("192.0.2.7", "...192.1.2.3"); NULL if none
		     */
	char *username;		/* XAUTH user; NULL if absent */
	char *type;		/* "ESP", "AH", "IPCOMP", "UNKNOWN" */
	char *offload;		/* "packet", "crypto", ...; NULL if absent */
	uint64_t add_time;	/* Unix seconds; 0 = not yet read */
	bool has_in_bytes;
	bool has_out_bytes;
	bool has_max_bytes;
	uint64_t in_bytes;
	uint64_t out_bytes;
	uint64_t max_bytes;	/* TRAFFIC_MAX_BYTES_UNLIMITED for 2^63 */
	char *id;		/* peer ID without the quotes; NULL if absent */
	char *lease;		/* "a/32[,b/128]"; NULL if absent */
	bool truncated; /* the line was cut (1024-byte "..." or overlong): later fields absent */
};

struct traffic_list {
	struct traffic_sa *sas;
	size_t n_sas;
	size_t alloc_sas;
	uint64_t lines;		/* non-blank lines seen */
	uint64_t parse_errors;	/* lines not recognised (counted, skipped) */
	bool prefixed;		/* saw a 3.x/4.x "NNN " prefix: inBytes is 32-bit */
	bool unknown_name;	/* "021 no such connection" / "no connection or alias named" */
	struct parser parser;		/* takes the output: parser_feed(), parser_finish() */
};

/* Allocate an empty list (aborts on OOM). */
struct traffic_list *traffic_list_new(void);

/* Free a list; NULL is a no-op; returns NULL. */
struct traffic_list *traffic_list_free(struct traffic_list *l);

/* Empty it for the next output, keeping its memory for reuse. */
void traffic_list_reset(struct traffic_list *l);

/* Convenience: parse a whole buffer into a new list. */
struct traffic_list *traffic_parse(const char *text, size_t len);
