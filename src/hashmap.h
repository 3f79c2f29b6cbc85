/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Open-addressing hash map from a string key (copied) to a pointer value.
 * Used for per-connection and per-SA state that must stay O(1) per lookup
 * at 100,000 tunnels. Deletion uses backward shifting (no tombstones).
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
};

#define HASHMAP_INIT { NULL, 0, 0 }

/* Value stored under key, or NULL. */
void *hashmap_get(const struct hashmap *m, const char *key);

/* Insert or replace; returns the previous value (or NULL). The key is copied. */
void *hashmap_put(struct hashmap *m, const char *key, void *value);

/* Remove key; returns its value (or NULL). */
void *hashmap_remove(struct hashmap *m, const char *key);

/*
 * Remove every entry for which fn returns true; fn is called once per entry and may free the
 * value it removes, but must not use this map. Returns the number removed.
 */
size_t hashmap_remove_if(struct hashmap *m, bool (*fn)(const char *key, void *value, void *userdata),
			 void *userdata);

/* Iterate: *i starts at 0; returns false at the end. Do not modify the map while iterating. */
bool hashmap_next(const struct hashmap *m, size_t *i, const char **ret_key, void **ret_value);

/* Free the table and the copied keys (not the values). */
void hashmap_clear(struct hashmap *m);
