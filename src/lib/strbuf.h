/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer, always NUL-terminated. Allocation failure aborts (util.h). */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

/* Make room for at least extra more bytes (plus the NUL). */
void strbuf_reserve(struct strbuf *sb, size_t extra);

/* Append len bytes. */
void strbuf_append(struct strbuf *sb, const char *data, size_t len);

/* Append a C string. */
void strbuf_puts(struct strbuf *sb, const char *s);

/* Append one byte. */
void strbuf_putc(struct strbuf *sb, char c);

/* Append a decimal unsigned number (locale-free). */
void strbuf_put_u64(struct strbuf *sb, uint64_t v);

/* Append a decimal signed number (locale-free). */
void strbuf_put_i64(struct strbuf *sb, int64_t v);

/* Append printf-style. */
void strbuf_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Drop the contents, keep the allocation. */
void strbuf_reset(struct strbuf *sb);

/* Hand the buffer to the caller (never NULL); sb becomes empty. */
char *strbuf_detach(struct strbuf *sb, size_t *ret_len);

/* Free the buffer. */
void strbuf_release(struct strbuf *sb);
