/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/metrics.h"
#include "model/model.h"

/*
 * What the sources' per-connection families share: the walk over the model's connections (one
 * sample per connection that a filter lets through, memory asked for ahead), and the render cache,
 * which keeps the text of families whose every value, and the connection list, are as they were
 * last cycle (on a steady gateway: which connections are up, their SA counts, their descriptions).
 */

/*
 * What a page stream keeps between cycles so as not to redo work whose inputs did not change.
 * Owned by the poll cycle, one per page stream; NULL renders everything.
 */
struct render_cache;

struct render_cache *render_cache_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct render_cache *render_cache_free(struct render_cache *rc);

/* Families taken from the cache and rendered anew since it was made. */
void render_cache_counts(const struct render_cache *rc, uint64_t *ret_reused,
			 uint64_t *ret_rendered);

/*
 * The cache by hand, for a family render_conn_family() does not write: fill the vector of n
 * values (one per connection of the sorted list, RENDER_VALUE_ABSENT for one left out), then
 * reuse the family's text if nothing changed, or render it and store it (start: where its text
 * begins in the page).
 */
#define RENDER_VALUE_ABSENT UINT64_MAX
uint64_t *render_cache_values(struct render_cache *rc, size_t n);
bool render_cache_reuse(struct metrics_writer *w, struct render_cache *rc, const char *name,
			const struct model *m, size_t n);
void render_cache_store(struct metrics_writer *w, struct render_cache *rc, const char *name,
			const struct model *m, size_t n, size_t start);

/* A per-connection family: one sample per connection that filter lets through. */
struct conn_family {
	const char *name;
	enum metric_type type;
	const char *help;
	uint64_t (*value)(const struct model_conn *c, const void *ctx);
	bool (*filter)(const struct model *m, const struct model_conn *c, const void *ctx);
	const void *ctx;	/* for value and filter */
	bool cacheable; /* its values change rarely (states, not counters): the cache may keep it */
};

/* Write the family for the model's sorted connections (reused from rc when nothing changed). */
void render_conn_family(struct metrics_writer *w, struct render_cache *rc, const struct model *m,
			const struct conn_family *f);

/* How far ahead a walk over the connections asks for their memory. */
#define RENDER_PREFETCH_AHEAD 16

/*
 * Ask for the memory of the connection RENDER_PREFETCH_AHEAD on from conns[i] (the fields a family
 * reads come first: see struct model_conn) and for the label set of the one half as far on. The
 * page walks every connection once per family; at 100k connections they no longer stay in the
 * cache from one walk to the next, and a walk that waits for each in turn spends most of its time
 * waiting.
 */
static inline void render_conn_prefetch(struct model_conn *const *conns, size_t i, size_t n)
{
	if (i + RENDER_PREFETCH_AHEAD < n) {
		const char *p = (const char *)conns[i + RENDER_PREFETCH_AHEAD];

		__builtin_prefetch(p);
		__builtin_prefetch(p + 64);
		__builtin_prefetch(p + 128);
	}
	if (i + RENDER_PREFETCH_AHEAD / 2 < n)
		__builtin_prefetch(conns[i + RENDER_PREFETCH_AHEAD / 2]->labels);
}
