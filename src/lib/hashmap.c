/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include "lib/hashmap.h"
#include "lib/util.h"

/* FNV-1a, 64 bit: short keys (connection names, serials), good enough spread. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(1099511628211);
	}
	return h ^ (h >> 32);
}

static size_t find_slot(const struct hashmap *m, const char *key, uint64_t h)
{
	size_t mask = m->n_slots - 1;
	size_t i = (size_t)h & mask;

	while (m->slots[i].key && !(m->slots[i].hash == h && streq(m->slots[i].key, key)))
		i = (i + 1) & mask;
	return i;
}

void *hashmap_get(const struct hashmap *m, const char *key)
{
	size_t i;

	if (m->n_items == 0)
		return NULL;
	i = find_slot(m, key, hash_str(key));
	return m->slots[i].key ? m->slots[i].value : NULL;
}

void hashmap_prefetch(const struct hashmap *m, const char *key)
{
	if (m->n_slots > 0)
		__builtin_prefetch(&m->slots[(size_t)hash_str(key) & (m->n_slots - 1)]);
}

static void resize(struct hashmap *m, size_t n_slots)
{
	struct hashmap_slot *old = m->slots;
	size_t old_n = m->n_slots;

	m->n_slots = n_slots;
	m->slots = xcalloc(m->n_slots, sizeof(*m->slots));
	for (size_t i = 0; i < old_n; i++) {
		size_t j;

		if (!old[i].key)
			continue;
		j = find_slot(m, old[i].key, old[i].hash);
		m->slots[j] = old[i];
	}
	free(old);
}

void hashmap_reserve(struct hashmap *m, size_t n)
{
	size_t n_slots = m->n_slots ? m->n_slots : 16;

	/* the load factor stays at or below 1/2 */
	while (n > n_slots / 2)
		n_slots *= 2;
	if (n_slots > m->n_slots)
		resize(m, n_slots);
}

static void free_key(const struct hashmap *m, char *key)
{
	if (!m->borrowed_keys)
		free(key);
}

void *hashmap_put(struct hashmap *m, const char *key, void *value)
{
	uint64_t h = hash_str(key);
	size_t i;
	void *prev;

	/* Keep the load factor at or below 1/2. */
	if ((m->n_items + 1) * 2 > m->n_slots)
		resize(m, m->n_slots ? m->n_slots * 2 : 16);
	i = find_slot(m, key, h);
	if (m->slots[i].key) {
		prev = m->slots[i].value;
		m->slots[i].value = value;
		if (m->borrowed_keys)
			m->slots[i].key = (char *)key;	/* the old one may go with the old value */
		return prev;
	}
	m->slots[i] =
		(struct hashmap_slot){ m->borrowed_keys ? (char *)key : xstrdup(key), h, value };
	m->n_items++;
	return NULL;
}

void *hashmap_remove(struct hashmap *m, const char *key)
{
	size_t mask, i, j;
	void *value;

	if (m->n_items == 0)
		return NULL;
	mask = m->n_slots - 1;
	i = find_slot(m, key, hash_str(key));
	if (!m->slots[i].key)
		return NULL;
	value = m->slots[i].value;
	free_key(m, m->slots[i].key);
	m->slots[i].key = NULL;
	m->n_items--;
	/* Backward-shift the following cluster so lookups never stop early. */
	j = i;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!m->slots[j].key)
			break;
		home = (size_t)m->slots[j].hash & mask;
		/* Move j into the hole at i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = NULL;
			i = j;
		}
	}
	return value;
}

/* How many slots ahead a walk asks for the value: the caller of a walk nearly always reads it,
 * and at 100k entries the values are scattered over memory that is no longer in the cache. */
#define WALK_PREFETCH 8

static void prefetch_value(const struct hashmap *m, size_t i)
{
	if (i + WALK_PREFETCH < m->n_slots && m->slots[i + WALK_PREFETCH].key)
		__builtin_prefetch(m->slots[i + WALK_PREFETCH].value);
}

size_t hashmap_remove_if(struct hashmap *m,
			 bool (*fn)(const char *key, void *value, void *userdata), void *userdata)
{
	struct hashmap_slot *old = m->slots;
	size_t removed = 0;

	/* Decide every entry first, then rebuild: deleting while walking would shift entries under
	 * the walk. */
	for (size_t i = 0; i < m->n_slots; i++) {
		prefetch_value(m, i);
		if (old[i].key && fn(old[i].key, old[i].value, userdata)) {
			free_key(m, old[i].key);
			old[i].key = NULL;
			removed++;
		}
	}
	if (removed == 0)
		return 0;
	m->slots = xcalloc(m->n_slots, sizeof(*m->slots));
	for (size_t i = 0; i < m->n_slots; i++)
		if (old[i].key)
			m->slots[find_slot(m, old[i].key, old[i].hash)] = old[i];
	m->n_items -= removed;
	free(old);
	return removed;
}

bool hashmap_next(const struct hashmap *m, size_t *i, const char **ret_key, void **ret_value)
{
	for (; *i < m->n_slots; (*i)++) {
		prefetch_value(m, *i);
		if (!m->slots[*i].key)
			continue;
		if (ret_key)
			*ret_key = m->slots[*i].key;
		if (ret_value)
			*ret_value = m->slots[*i].value;
		(*i)++;
		return true;
	}
	return false;
}

void hashmap_clear(struct hashmap *m)
{
	for (size_t i = 0; i < m->n_slots; i++)
		free_key(m, m->slots[i].key);
	free(m->slots);
	*m = (struct hashmap){ .borrowed_keys = m->borrowed_keys };
}
