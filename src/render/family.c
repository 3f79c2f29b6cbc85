/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <string.h>

#include "lib/strbuf.h"
#include "lib/util.h"
#include "render/family.h"

/* The families render_cache keeps: few, so a linear look-up by name. */
#define RENDER_CACHE_FAMILIES 16

struct cached_family {
	const char *name;		/* the family's name (a literal) */
	enum metrics_format format;
	uint64_t sorted_version;	/* of the model's connection list it was made from */
	uint64_t *values; /* one per connection in the sorted list, or RENDER_VALUE_ABSENT */
	size_t n_values;
	size_t alloc_values;
	struct strbuf text;		/* the family as rendered: HELP, TYPE, samples */
};

struct render_cache {
	struct cached_family families[RENDER_CACHE_FAMILIES];
	size_t n_families;
	uint64_t *values;	/* this cycle's, being compared */
	size_t alloc_values;
	uint64_t hits, misses;	/* render_cache_counts() */
};

struct render_cache *render_cache_new(void)
{
	return xcalloc(1, sizeof(struct render_cache));
}

struct render_cache *render_cache_free(struct render_cache *rc)
{
	if (!rc)
		return NULL;
	for (size_t i = 0; i < rc->n_families; i++) {
		free(rc->families[i].values);
		strbuf_release(&rc->families[i].text);
	}
	free(rc->values);
	free(rc);
	return NULL;
}

void render_cache_counts(const struct render_cache *rc, uint64_t *ret_reused,
			 uint64_t *ret_rendered)
{
	*ret_reused = rc->hits;
	*ret_rendered = rc->misses;
}

uint64_t *render_cache_values(struct render_cache *rc, size_t n)
{
	xgrow((void **)&rc->values, &rc->alloc_values, n + 1, sizeof(*rc->values));
	return rc->values;
}

static struct cached_family *cache_find(struct render_cache *rc, const char *name)
{
	for (size_t i = 0; i < rc->n_families; i++)
		if (streq(rc->families[i].name, name))
			return &rc->families[i];
	if (rc->n_families == RENDER_CACHE_FAMILIES)
		return NULL;
	rc->families[rc->n_families].name = name;
	return &rc->families[rc->n_families++];
}

bool render_cache_reuse(struct metrics_writer *w, struct render_cache *rc, const char *name,
			const struct model *m, size_t n)
{
	struct cached_family *f = cache_find(rc, name);

	if (!f || !f->text.buf || f->format != w->format ||
	    f->sorted_version != model_sorted_version(m) || f->n_values != n ||
	    memcmp(f->values, rc->values, n * sizeof(*rc->values)) != 0) {
		rc->misses++;
		return false;
	}
	strbuf_append(w->sb, f->text.buf, f->text.len);
	rc->hits++;
	return true;
}

void render_cache_store(struct metrics_writer *w, struct render_cache *rc, const char *name,
			const struct model *m, size_t n, size_t start)
{
	struct cached_family *f = cache_find(rc, name);
	uint64_t *swap;
	size_t swap_alloc;

	if (!f)
		return;
	f->format = w->format;
	f->sorted_version = model_sorted_version(m);
	/* the values just compared become the family's; its old vector is the next cycle's scratch
	 */
	swap = f->values;
	swap_alloc = f->alloc_values;
	f->values = rc->values;
	f->alloc_values = rc->alloc_values;
	f->n_values = n;
	rc->values = swap;
	rc->alloc_values = swap_alloc;
	strbuf_reset(&f->text);
	strbuf_append(&f->text, w->sb->buf + start, w->sb->len - start);
}

void render_conn_family(struct metrics_writer *w, struct render_cache *rc, const struct model *m,
			const struct conn_family *f)
{
	/* in locals: the writes of the page could alias f as far as the compiler knows */
	uint64_t (*value)(const struct model_conn *, const void *) = f->value;
	bool (*filter)(const struct model *, const struct model_conn *, const void *) = f->filter;
	const void *ctx = f->ctx;
	size_t n, start = w->sb->len;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	bool begun = false;

	if (!f->cacheable)
		rc = NULL;
	if (rc) {
		uint64_t *v = render_cache_values(rc, n);

		for (size_t i = 0; i < n; i++) {
			render_conn_prefetch(conns, i, n);
			v[i] = filter(m, conns[i], ctx) ? value(conns[i], ctx)
							: RENDER_VALUE_ABSENT;
		}
		if (render_cache_reuse(w, rc, f->name, m, n))
			return;
	}
	for (size_t i = 0; i < n; i++) {
		render_conn_prefetch(conns, i, n);
		if (!filter(m, conns[i], ctx))
			continue;
		if (!begun) {
			metrics_family(w, f->name, f->type, f->help);
			begun = true;
		}
		metrics_sample_text_u64(w, conns[i]->labels, conns[i]->labels_len, NULL, NULL,
					value(conns[i], ctx));
	}
	if (rc)
		render_cache_store(w, rc, f->name, m, n, start);
}
