/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/util.h"

/* Process-wide logging settings: written once at start-up by main.c. */
static enum log_level max_level = LOG_LEVEL_INFO;
static bool journal_prefix;

void log_open(void)
{
	journal_prefix = getenv("JOURNAL_STREAM") != NULL;
}

void log_set_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_level(void)
{
	return max_level;
}

int log_level_from_string(const char *s, enum log_level *ret)
{
	static const struct {
		const char *name;
		enum log_level level;
	} table[] = {
		{ "error", LOG_LEVEL_ERROR }, { "warn", LOG_LEVEL_WARN }, { "warning", LOG_LEVEL_WARN },
		{ "info", LOG_LEVEL_INFO },   { "debug", LOG_LEVEL_DEBUG },
	};

	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(s, table[i].name)) {
			*ret = table[i].level;
			return 0;
		}
	return -EINVAL;
}

static const char *level_name(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
		return "error";
	case LOG_LEVEL_WARN:
		return "warn";
	case LOG_LEVEL_INFO:
		return "info";
	case LOG_LEVEL_DEBUG:
		return "debug";
	}
	return "?";
}

int log_internal(enum log_level level, int err, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (level > max_level)
		return err ? -err : 0;
	/* %m must see our errno, not whatever the caller left behind. */
	errno = err;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (journal_prefix) {
		fprintf(stderr, "<%d>%s\n", (int)level, msg);
	} else {
		char ts[32];
		time_t t = time(NULL);
		struct tm tm;

		(void)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
		fprintf(stderr, "%s %s: %s\n", ts, level_name(level), msg);
	}
	return err ? -err : 0;
}
