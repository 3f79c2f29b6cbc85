/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Open-addressing hash map from a string key to a pointer value.
 * Used for per-connection and per-SA state that must stay O(1) per lookup
 * at 100,000 tunnels. Deletion uses backward shifting (no tombstones).
 *
 * Keys are copied, unless the map borrows them (HASHMAP_INIT_BORROWED): then
 * each key is a string of its value's, which must outlive the entry, and a
 * put costs no allocation.
 */

struct hashmap_slot {
	char *key;		/* NULL = empty */
	uint64_t hash;
	void *value;
};

struct hashmap {
	struct hashmap_slot *slots;
	size_t n_slots;		/* power of two, or 0 */
	size_t n_items;
	bool borrowed_keys;
};

#define HASHMAP_INIT { NULL, 0, 0, false }
#define HASHMAP_INIT_BORROWED { NULL, 0, 0, true }

/* Value stored under key, or NULL. */
void *hashmap_get(const struct hashmap *m, const char *key);

/* Ask the CPU for the memory a look-up of key will read first (a hint; nothing changes). For loops
 * over many keys: a look-up a few keys ahead no longer waits for its slot to come from memory. */
void hashmap_prefetch(const struct hashmap *m, const char *key);

/* Insert or replace; returns the previous value (or NULL). The key is copied unless borrowed. */
void *hashmap_put(struct hashmap *m, const char *key, void *value);

/* Make room for n items in all, so that inserting up to n costs no rehash. */
void hashmap_reserve(struct hashmap *m, size_t n);

/* Remove key; returns its value (or NULL). */
void *hashmap_remove(struct hashmap *m, const char *key);

/*
 * Remove every entry for which fn returns true; fn is called once per entry and may free the
 * value it removes, but must not use this map. Returns the number removed.
 */
size_t hashmap_remove_if(struct hashmap *m,
			 bool (*fn)(const char *key, void *value, void *userdata), void *userdata);

/* Iterate: *i starts at 0; returns false at the end. Do not modify the map while iterating. */
bool hashmap_next(const struct hashmap *m, size_t *i, const char **ret_key, void **ret_value);

/* Free the table and the copied keys (not the values); the map stays usable, as it was made. */
void hashmap_clear(struct hashmap *m);
