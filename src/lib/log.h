/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <errno.h>
#include <stdbool.h>

/*
 * A tiny logging API. Lines go to stderr; under journald (JOURNAL_STREAM set)
 * they carry sd-daemon "<N>" priority prefixes, otherwise a readable level.
 * Pure modules (parse_*, metrics, strbuf, util, spawn) never log: callers do.
 */

enum log_level {
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARN = 4,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/* Decide the output style from the environment (call once at start). */
void log_open(void);

/* Set the maximum level printed. */
void log_set_level(enum log_level level);

/* Current maximum level. */
enum log_level log_get_level(void);

/* "debug", "info", "warn", "error" -> level; -EINVAL if unknown. */
int log_level_from_string(const char *s, enum log_level *ret);

/* Print one line at level; errno-style %m uses err (positive). Returns -err if err != 0, else 0. */
int log_internal(enum log_level level, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_error(...) (void)log_internal(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warn(...) (void)log_internal(LOG_LEVEL_WARN, 0, __VA_ARGS__)
#define log_info(...) (void)log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) (void)log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)

/* These take a negative or positive errno, print it for %m and return -abs(err). */
#define log_error_errno(err, ...) log_internal(LOG_LEVEL_ERROR, (err) < 0 ? -(err) : (err), __VA_ARGS__)
#define log_warn_errno(err, ...) log_internal(LOG_LEVEL_WARN, (err) < 0 ? -(err) : (err), __VA_ARGS__)
#define log_debug_errno(err, ...) log_internal(LOG_LEVEL_DEBUG, (err) < 0 ? -(err) : (err), __VA_ARGS__)
