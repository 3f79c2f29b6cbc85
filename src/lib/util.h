/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Small helpers shared by every module. OOM policy: the x* allocators abort
 * the process with a message (see doc/HACKING.md); systemd restarts it.
 */

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* An AddressSanitizer build: its leak checker wants everything freed at exit, even where the
 * product leaves that to the end of the process. */
#if defined(__SANITIZE_ADDRESS__)
#define BUILT_WITH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BUILT_WITH_ASAN 1
#endif
#endif
#ifndef BUILT_WITH_ASAN
#define BUILT_WITH_ASAN 0
#endif

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool startswith(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);	/* a constant for the literal prefixes of the parsers */

	/* Most calls are misses: compare the first byte before calling strncmp(). */
	return n == 0 || (s[0] == prefix[0] && strncmp(s, prefix, n) == 0);
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* malloc that aborts on OOM. */
void *xmalloc(size_t size);

/* calloc that aborts on OOM or overflow. */
void *xcalloc(size_t n, size_t size);

/* realloc of n * size bytes that aborts on OOM or overflow. */
void *xreallocarray(void *p, size_t n, size_t size);

/* strdup that aborts on OOM. */
char *xstrdup(const char *s);

/* strndup that aborts on OOM. */
char *xstrndup(const char *s, size_t n);

/* Grow *p (of *alloc elements of size) so it holds at least need elements. */
void xgrow(void **p, size_t *alloc, size_t need, size_t size);

/* Strict decimal: digits only, no sign, no spaces, no overflow. 0 or -EINVAL/-ERANGE; *ret only on success. */
int safe_atou64(const char *s, uint64_t *ret);

/* Same as safe_atou64 on the first len bytes of s. */
int safe_atou64_n(const char *s, size_t len, uint64_t *ret);

/* Signed strict decimal ("-1", "27"). */
int safe_atoi64_n(const char *s, size_t len, int64_t *ret);

/* "500ms", "10s", "2m", "1h" -> microseconds; 0 or -EINVAL/-ERANGE. */
int parse_duration_usec(const char *s, uint64_t *ret);

/* "256MiB", "64KiB", "1000", "1GiB" -> bytes; 0 or -EINVAL/-ERANGE. */
int parse_size(const char *s, uint64_t *ret);

/* Split "host:port", "[v6]:port" or ":port" into a host (NULL = any) and port. 0 or -EINVAL. */
int parse_host_port(const char *addr, char **ret_host, uint16_t *ret_port);

/* True if a equals b, in a time that depends on their lengths only (for secrets). */
bool streq_secret(const char *a, const char *b);

/*
 * A bump allocator for the many small strings of one parse result: they are
 * freed together, so a 100k-connection status costs a few hundred block
 * allocations instead of a million malloc/free pairs.
 */
struct arena;

/* A new, empty arena (aborts on OOM). */
struct arena *arena_new(void);

/* Copy n bytes of s, NUL-terminated, into the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Forget everything in the arena but keep its blocks for the next strings. */
void arena_reset(struct arena *a);

/* Free the arena and everything in it; NULL is a no-op; returns NULL. */
struct arena *arena_free(struct arena *a);

/* Current CLOCK_REALTIME / CLOCK_MONOTONIC in microseconds. */
uint64_t now_realtime_usec(void);
uint64_t now_monotonic_usec(void);
