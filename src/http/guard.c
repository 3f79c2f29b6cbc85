/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include "http/guard.h"
#include "lib/util.h"

/* A full table is swept at most this often (a sweep walks every bucket). */
#define GUARD_SWEEP_USEC UINT64_C(1000000)

/*
 * The password budget as a GCRA (generic cell rate algorithm): tat is the
 * theoretical arrival time of the next check. A check is allowed while tat
 * is at most (burst - 1) intervals ahead of now, and moves tat one interval
 * on. A bucket whose tat is not ahead of now is full and can be forgotten.
 */
struct guard_bucket {
	uint64_t tat;
};

void guard_init(struct guard *g, const struct guard_options *o)
{
	assert(o->max_conns_per_addr >= 1 && o->auth_burst >= 1 && o->auth_interval_usec > 0);
	assert(o->auth_burst - 1 <= UINT64_MAX / o->auth_interval_usec);
	*g = (struct guard){
		.opt = *o, .conns = HASHMAP_INIT, .buckets = HASHMAP_INIT, .trusted = HASHMAP_INIT
	};
}

static void free_buckets(struct hashmap *m)
{
	size_t i = 0;
	void *v;

	while (hashmap_next(m, &i, NULL, &v))
		free(v);
	hashmap_clear(m);
}

void guard_done(struct guard *g)
{
	hashmap_clear(&g->conns);
	free_buckets(&g->buckets);
	free_buckets(&g->trusted);
}

int guard_addr_key(const struct sockaddr *sa, char ret_key[static GUARD_KEY_MAX])
{
	char buf[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		if (!inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf)))
			return -EAFNOSUPPORT;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			if (!inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof(buf)))
				return -EAFNOSUPPORT;
		} else if (!inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf)))
			return -EAFNOSUPPORT;
	} else
		return -EAFNOSUPPORT;
	(void)snprintf(ret_key, GUARD_KEY_MAX, "%s", buf);
	return 0;
}

void guard_bucket_key(const char *key, char ret_bucket[static GUARD_KEY_MAX])
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN];

	if (!strchr(key, ':') || inet_pton(AF_INET6, key, &a) != 1) {
		(void)snprintf(ret_bucket, GUARD_KEY_MAX, "%s", key);
		return;
	}
	memset(&a.s6_addr[8], 0, 8);
	if (!inet_ntop(AF_INET6, &a, buf, sizeof(buf))) {
		(void)snprintf(ret_bucket, GUARD_KEY_MAX, "%s", key);
		return;
	}
	(void)snprintf(ret_bucket, GUARD_KEY_MAX, "%s/64", buf);
}

uint64_t guard_conns(const struct guard *g, const char *key)
{
	return (uint64_t)(uintptr_t)hashmap_get(&g->conns, key);
}

bool guard_conn_allowed(const struct guard *g, const char *key)
{
	return guard_conns(g, key) < g->opt.max_conns_per_addr;
}

void guard_conn_opened(struct guard *g, const char *key)
{
	uintptr_t n = (uintptr_t)hashmap_get(&g->conns, key);

	(void)hashmap_put(&g->conns, key, (void *)(n + 1));
}

void guard_conn_closed(struct guard *g, const char *key)
{
	uintptr_t n = (uintptr_t)hashmap_get(&g->conns, key);

	if (n <= 1)
		(void)hashmap_remove(&g->conns, key);
	else
		(void)hashmap_put(&g->conns, key, (void *)(n - 1));
}

static bool bucket_full(const char *key, void *value, void *userdata)
{
	struct guard_bucket *b = value;
	const uint64_t *now = userdata;

	if (b->tat > *now)
		return false;
	free(b);
	return true;
}

/* Forget the full buckets. */
static void sweep(struct guard *g, uint64_t now)
{
	g->last_sweep_usec = now;
	(void)hashmap_remove_if(&g->buckets, bucket_full, &now);
}

int guard_auth_take(struct guard *g, const char *bucket_key, uint64_t now, uint64_t *ret_retry_usec)
{
	uint64_t slack = (g->opt.auth_burst - 1) * g->opt.auth_interval_usec;
	struct guard_bucket *b = hashmap_get(&g->buckets, bucket_key);
	uint64_t tat = b && b->tat > now ? b->tat : now;

	if (tat - now > slack) {
		*ret_retry_usec = tat - now - slack;
		return -EBUSY;
	}
	if (!b) {
		if (g->buckets.n_items >= g->opt.max_buckets &&
		    (g->last_sweep_usec == 0 || now - g->last_sweep_usec >= GUARD_SWEEP_USEC))
			sweep(g, now);
		/* Still full: this address goes untracked (the worker's queue still bounds it). */
		if (g->buckets.n_items >= g->opt.max_buckets)
			return 0;
		b = xcalloc(1, sizeof(*b));
		(void)hashmap_put(&g->buckets, bucket_key, b);
	}
	b->tat = tat + g->opt.auth_interval_usec;
	return 0;
}

void guard_auth_refund(struct guard *g, const char *bucket_key, uint64_t now)
{
	struct guard_bucket *b = hashmap_get(&g->buckets, bucket_key);

	if (!b || b->tat <= now)
		return;
	b->tat =
		b->tat - now > g->opt.auth_interval_usec ? b->tat - g->opt.auth_interval_usec : now;
}

size_t guard_buckets(const struct guard *g)
{
	return g->buckets.n_items;
}

void guard_trust(struct guard *g, const char *bucket_key, uint64_t now)
{
	struct guard_bucket *b = hashmap_get(&g->trusted, bucket_key);

	if (!b) {
		if (g->trusted.n_items >= g->opt.max_trusted &&
		    (g->last_trust_sweep_usec == 0 ||
		     now - g->last_trust_sweep_usec >= GUARD_SWEEP_USEC)) {
			g->last_trust_sweep_usec = now;
			(void)hashmap_remove_if(&g->trusted, bucket_full, &now);
		}
		if (g->trusted.n_items >= g->opt.max_trusted)
			return;
		b = xcalloc(1, sizeof(*b));
		(void)hashmap_put(&g->trusted, bucket_key, b);
	}
	b->tat = now + g->opt.trust_usec;
}

bool guard_trusted(const struct guard *g, const char *bucket_key, uint64_t now)
{
	const struct guard_bucket *b = hashmap_get(&g->trusted, bucket_key);

	return b && b->tat > now;
}

size_t guard_trusted_count(const struct guard *g)
{
	return g->trusted.n_items;
}
