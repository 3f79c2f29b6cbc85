/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The model's connections sorted by name (then instance): the order of the page, and a faster way
 * than the map to find the connection of the next record pluto lists. Pluto lists connections,
 * states and SAs sorted by connection name, so the next record's connection is usually the last one
 * found or one of the next few: a cursor follows the list, and comparing a few neighbours in memory
 * order costs less than a random access into the map. Only an accelerator: a miss goes to the map.
 *
 * The list is sorted again only when connections came or went (a steady gateway's cycle sorts
 * nothing); new ones come in the order pluto listed them, so they are sorted by merging the sorted
 * runs they came in, then merged into the list.
 */

struct hashmap;
struct model_conn;

struct conn_index {
	struct model_conn **sorted;	/* by key, then instance */
	size_t n_sorted;
	uint64_t version;		/* changes whenever sorted is rebuilt */
	struct model_conn *
		*created; /* connections created since the last sort, in order of creation */
	size_t n_created;
	size_t alloc_created;
	bool removed;			/* some went since the last sort: rebuild from the map */
	size_t cursor;			/* where in sorted the last look-up found its connection */
};

/* A new connection: it joins the list at the next sort. */
void conn_index_add(struct conn_index *ix, struct model_conn *c);

/* Connections were removed from the map: the list may hold freed ones until the next sort. */
void conn_index_removed(struct conn_index *ix);

/* The connection with this map key at or just after the cursor (moved there), or NULL. */
struct model_conn *conn_index_near(struct conn_index *ix, const char *map_key);

/* A look-up found c in the map: the cursor follows it when c is in the list. */
void conn_index_found(struct conn_index *ix, const struct model_conn *c);

/* Start following the list from its beginning again (a new list of pluto's). */
void conn_index_rewind(struct conn_index *ix);

/* Sort when connections came or went since the last sort; conns is the map that holds them all. */
void conn_index_sort(struct conn_index *ix, const struct hashmap *conns);

/* Free the index's own memory (not the connections). */
void conn_index_release(struct conn_index *ix);
