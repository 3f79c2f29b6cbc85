/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hashmap.h"
#include "lib/util.h"
#include "model/conn_index.h"
#include "model/model.h"

/* How far past the cursor a look-up searches the sorted list before it hashes. */
#define CURSOR_REACH 8

void conn_index_add(struct conn_index *ix, struct model_conn *c)
{
	c->sorted_pos = SIZE_MAX;
	xgrow((void **)&ix->created, &ix->alloc_created, ix->n_created + 1, sizeof(*ix->created));
	ix->created[ix->n_created++] = c;
}

void conn_index_removed(struct conn_index *ix)
{
	ix->removed = true;
}

struct model_conn *conn_index_near(struct conn_index *ix, const char *map_key)
{
	size_t end;

	if (ix->removed)
		return NULL;	/* the list may hold freed connections until it is sorted again */
	end = ix->cursor + CURSOR_REACH < ix->n_sorted ? ix->cursor + CURSOR_REACH : ix->n_sorted;
	for (size_t i = ix->cursor; i < end; i++) {
		int r = strcmp(ix->sorted[i]->map_key, map_key);

		if (r == 0) {
			ix->cursor = i;
			return ix->sorted[i];
		}
		if (r > 0)
			break;
	}
	return NULL;
}

void conn_index_found(struct conn_index *ix, const struct model_conn *c)
{
	if (c->sorted_pos != SIZE_MAX)
		ix->cursor = c->sorted_pos;
}

void conn_index_rewind(struct conn_index *ix)
{
	ix->cursor = 0;
}

static int cmp_conn(const struct model_conn *x, const struct model_conn *y)
{
	int r = strcmp(x->key, y->key);

	return r ? r : strcmp(x->instance, y->instance);
}

static int qsort_cmp_conn(const void *a, const void *b)
{
	return cmp_conn(*(const struct model_conn *const *)a, *(const struct model_conn *const *)b);
}

/* Merge the sorted runs a[0..na) and b[0..nb) into out (stable: a first on equal keys). */
static void merge_runs(struct model_conn **out, struct model_conn *const *a, size_t na,
		       struct model_conn *const *b, size_t nb)
{
	size_t i = 0, j = 0, k = 0;

	while (i < na && j < nb)
		out[k++] = cmp_conn(a[i], b[j]) <= 0 ? a[i++] : b[j++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}

/*
 * Sort connections that come as a few sorted runs (a first cycle creates them in pluto's order,
 * or in the order of the few lists they came from): the runs found, then merged pairwise. n - 1
 * comparisons for one run; n log2(runs) for more; stable.
 */
static void sort_runs(struct model_conn **a, size_t n)
{
	size_t *bounds, n_runs = 0;
	struct model_conn **tmp;

	bounds = xreallocarray(NULL, n + 1, sizeof(*bounds));
	bounds[n_runs++] = 0;
	for (size_t i = 1; i < n; i++)
		if (cmp_conn(a[i - 1], a[i]) > 0)
			bounds[n_runs++] = i;
	if (n_runs == 1 || n < 2) {
		free(bounds);
		return;
	}
	bounds[n_runs] = n;
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	while (n_runs > 1) {
		size_t r = 0, kept = 0;

		for (; r + 1 < n_runs; r += 2) {
			size_t lo = bounds[r], mid = bounds[r + 1], hi = bounds[r + 2];

			merge_runs(tmp + lo, a + lo, mid - lo, a + mid, hi - mid);
			memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(*a));
			bounds[kept++] = lo;
		}
		if (r < n_runs)
			bounds[kept++] = bounds[r]; /* the odd run out waits for the next round */
		bounds[kept] = n;
		n_runs = kept;
	}
	free(tmp);
	free(bounds);
}

void conn_index_sort(struct conn_index *ix, const struct hashmap *conns)
{
	size_t it = 0;
	void *v;

	if (!ix->n_created && !ix->removed && ix->sorted)
		return;
	if (ix->removed) {
		/* the list may hold freed connections: from the map again */
		ix->sorted = xreallocarray(ix->sorted, conns->n_items + 1, sizeof(*ix->sorted));
		ix->n_sorted = 0;
		while (hashmap_next(conns, &it, NULL, &v))
			ix->sorted[ix->n_sorted++] = v;
		qsort(ix->sorted, ix->n_sorted, sizeof(*ix->sorted), qsort_cmp_conn);
	} else {
		struct model_conn **old = ix->sorted;

		/* pluto lists its connections sorted by name: the new ones usually are, one
		 * comparison each */
		sort_runs(ix->created, ix->n_created);
		ix->sorted =
			xreallocarray(NULL, ix->n_sorted + ix->n_created + 1, sizeof(*ix->sorted));
		merge_runs(ix->sorted, old, ix->n_sorted, ix->created, ix->n_created);
		ix->n_sorted += ix->n_created;
		free(old);
	}
	for (size_t i = 0; i < ix->n_sorted; i++)
		ix->sorted[i]->sorted_pos = i;
	ix->n_created = 0;
	ix->removed = false;
	ix->cursor = 0;
	ix->version++;
}

void conn_index_release(struct conn_index *ix)
{
	free(ix->sorted);
	free(ix->created);
	*ix = (struct conn_index){ 0 };
}
