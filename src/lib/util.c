/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "lib/util.h"

static void oom(void)
{
	static const char msg[] = "<2>libreswan_exporter: out of memory, aborting\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size)
		oom();
	q = realloc(p, (n && size) ? n * size : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

void xgrow(void **p, size_t *alloc, size_t need, size_t size)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			oom();
		n *= 2;
	}
	*p = xreallocarray(*p, n, size);
	*alloc = n;
}

int safe_atou64_n(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int safe_atou64(const char *s, uint64_t *ret)
{
	return safe_atou64_n(s, strlen(s), ret);
}

int safe_atoi64_n(const char *s, size_t len, int64_t *ret)
{
	bool neg = false;
	uint64_t v;
	int r;

	if (len > 0 && s[0] == '-') {
		neg = true;
		s++;
		len--;
	}
	r = safe_atou64_n(s, len, &v);
	if (r < 0)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)v;
	}
	return 0;
}

/* Split "123abc" into number and unit; the unit must be one of the table's. */
static int parse_with_units(const char *s, const char *const *units, const uint64_t *mults, size_t n_units,
			    uint64_t *ret)
{
	size_t digits = strspn(s, "0123456789");
	const char *unit = s + digits;
	uint64_t v;
	int r;

	r = safe_atou64_n(s, digits, &v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n_units; i++) {
		if (!streq(unit, units[i]))
			continue;
		if (mults[i] && v > UINT64_MAX / mults[i])
			return -ERANGE;
		*ret = v * mults[i];
		return 0;
	}
	return -EINVAL;
}

int parse_duration_usec(const char *s, uint64_t *ret)
{
	static const char *const units[] = { "us", "ms", "s", "m", "h" };
	static const uint64_t mults[] = { 1, 1000, 1000000, 60000000, UINT64_C(3600000000) };

	return parse_with_units(s, units, mults, ELEMENTSOF(units), ret);
}

int parse_size(const char *s, uint64_t *ret)
{
	static const char *const units[] = { "", "B", "KiB", "MiB", "GiB", "KB", "MB", "GB" };
	static const uint64_t mults[] = { 1, 1, UINT64_C(1) << 10, UINT64_C(1) << 20, UINT64_C(1) << 30,
					  1000, 1000000, 1000000000 };

	return parse_with_units(s, units, mults, ELEMENTSOF(units), ret);
}

int parse_host_port(const char *addr, char **ret_host, uint16_t *ret_port)
{
	const char *colon;
	char *host = NULL;
	uint64_t port;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end || end[1] != ':' || end == addr + 1)
			return -EINVAL;
		host = xstrndup(addr + 1, (size_t)(end - addr - 1));
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return -EINVAL;
		if (colon != addr)
			host = xstrndup(addr, (size_t)(colon - addr));
		if (host && strchr(host, ':')) {
			free(host);
			return -EINVAL;	/* a bare IPv6 address needs brackets */
		}
	}
	if (safe_atou64(colon + 1, &port) < 0 || port > 65535) {
		free(host);
		return -EINVAL;
	}
	*ret_host = host;
	*ret_port = (uint16_t)port;
	return 0;
}

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	char data[];
};

struct arena {
	struct arena_block *head;	/* the block being filled first, then the full ones */
	struct arena_block *spare;	/* emptied by arena_reset(), reused before any malloc */
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	struct arena_block *b = a->head;
	char *p;

	if (n > SIZE_MAX / 2)
		abort();
	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

		if (a->spare && a->spare->size >= n + 1) {
			b = a->spare;
			a->spare = b->next;
		} else {
			b = xmalloc(sizeof(*b) + size);
			b->size = size;
		}
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

void arena_reset(struct arena *a)
{
	while (a->head) {
		struct arena_block *b = a->head;

		a->head = b->next;
		b->next = a->spare;
		a->spare = b;
	}
}

static void free_blocks(struct arena_block *b)
{
	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
}

struct arena *arena_free(struct arena *a)
{
	if (!a)
		return NULL;
	free_blocks(a->head);
	free_blocks(a->spare);
	free(a);
	return NULL;
}

static uint64_t now_usec(clockid_t clock)
{
	struct timespec ts;

	(void)clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t now_realtime_usec(void)
{
	return now_usec(CLOCK_REALTIME);
}

uint64_t now_monotonic_usec(void)
{
	return now_usec(CLOCK_MONOTONIC);
}

bool streq_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	/* no early exit on the first difference: the time says nothing about where it is */
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}
