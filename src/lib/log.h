/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * A tiny logging API. Lines go to stderr in logfmt (the default) or JSON, as the Prometheus
 * exporters write them: ts=2026-01-02T03:04:05.678Z level=info msg="...". When stderr is the
 * journal (JOURNAL_STREAM names it) each line starts with an sd-daemon "<N>" priority prefix,
 * which journald turns into the entry's priority.
 * Pure modules (parse_*, metrics, strbuf, util, spawn) never log: callers do.
 */

enum log_level {
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARN = 4,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

enum log_format {
	LOG_FORMAT_LOGFMT,
	LOG_FORMAT_JSON,
};

/* Decide the output style from the environment (call once at start). */
void log_open(void);

/* Set the maximum level printed. */
void log_set_level(enum log_level level);

/* Current maximum level. */
enum log_level log_get_level(void);

/* "debug", "info", "warn", "error" -> level; -EINVAL if unknown. */
int log_level_from_string(const char *s, enum log_level *ret);

/* Set the line format (logfmt until called). */
void log_set_format(enum log_format format);

/* "logfmt", "json" -> format; -EINVAL if unknown. */
int log_format_from_string(const char *s, enum log_format *ret);

/*
 * Format one log line, newline included, into buf (at most size bytes, NUL-terminated; a message
 * too long for it is cut at a character boundary). journal adds the "<N>" prefix. Pure; returns
 * the line's length.
 */
size_t log_format_line(char *buf, size_t size, enum log_format format, bool journal,
		       enum log_level level, const struct timespec *ts, const char *msg);

/* Print one line at level; errno-style %m uses err (positive). Returns -err if err != 0, else 0. */
int log_internal(enum log_level level, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) (void)log_internal(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warn(...) (void)log_internal(LOG_LEVEL_WARN, 0, __VA_ARGS__)
#define log_info(...) (void)log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) (void)log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)

/* These take a negative or positive errno, print it for %m and return -abs(err). */
#define log_error_errno(err, ...)                                                                  \
	log_internal(LOG_LEVEL_ERROR, (err) < 0 ? -(err) : (err), __VA_ARGS__)
#define log_warn_errno(err, ...)                                                                   \
	log_internal(LOG_LEVEL_WARN, (err) < 0 ? -(err) : (err), __VA_ARGS__)
#define log_debug_errno(err, ...)                                                                  \
	log_internal(LOG_LEVEL_DEBUG, (err) < 0 ? -(err) : (err), __VA_ARGS__)
