/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/lines.h"

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
	struct arena *arena;		/* holds every key */
	struct line_reader lr;
};

/* Allocate an empty list (aborts on OOM). */
struct global_list *global_list_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct global_list *global_list_free(struct global_list *l);

/* Empty it for the next output, keeping its memory for reuse. */
void global_list_reset(struct global_list *l);

/* Parse one line; 0 if recognised or blank, -EBADMSG if counted as error. */
int global_parse_line(struct global_list *l, const char *line, size_t len);

/* Feed a chunk of raw output. */
void global_feed(struct global_list *l, const char *data, size_t len);

/* The same for a chunk it may modify (line ends become NULs): no line is copied. */
void global_feed_inplace(struct global_list *l, char *data, size_t len);

/* Flush the last unterminated line. */
void global_finish(struct global_list *l);

/* Convenience: parse a whole buffer. */
struct global_list *global_parse(const char *text, size_t len);

/* Look up a key; returns true and sets *ret_value if present. */
bool global_list_get(const struct global_list *l, const char *key, uint64_t *ret_value);
