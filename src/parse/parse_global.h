/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"

/*
 * Pure parser for `ipsec whack --globalstatus`: "key=value" lines, values
 * unsigned decimal, never prefixed (RC_RAW) in any version.
 */

struct global_entry {
	char *key;		/* e.g. "total.ike.ikev2.established" */
	uint64_t value;
};

struct arena;

struct global_list {
	struct global_entry *entries;	/* in input order */
	size_t n_entries;
	size_t alloc_entries;
	uint64_t lines;
	uint64_t parse_errors;
	struct parser parser;		/* takes the output: parser_feed(), parser_finish() */
};

/* Allocate an empty list (aborts on OOM). */
struct global_list *global_list_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct global_list *global_list_free(struct global_list *l);

/* Empty it for the next output, keeping its memory for reuse. */
void global_list_reset(struct global_list *l);

/* Convenience: parse a whole buffer. */
struct global_list *global_parse(const char *text, size_t len);

/* Look up a key; returns true and sets *ret_value if present. */
bool global_list_get(const struct global_list *l, const char *key, uint64_t *ret_value);
