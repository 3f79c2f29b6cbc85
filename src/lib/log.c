/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/util.h"

/* Process-wide logging settings: written once at start-up by main.c. */
static enum log_level max_level = LOG_LEVEL_INFO;
static enum log_format line_format = LOG_FORMAT_LOGFMT;
static bool journal_prefix;

/* True when JOURNAL_STREAM ("DEV:INODE") names the file stderr is: stderr goes to the journal. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat st;
	char end;

	if (!e || sscanf(e, "%ju:%ju%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

void log_open(void)
{
	journal_prefix = stderr_is_journal();
}

void log_set_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_level(void)
{
	return max_level;
}

void log_set_format(enum log_format format)
{
	line_format = format;
}

int log_level_from_string(const char *s, enum log_level *ret)
{
	static const struct {
		const char *name;
		enum log_level level;
	} table[] = {
		{ "error", LOG_LEVEL_ERROR },  { "warn", LOG_LEVEL_WARN },
		{ "warning", LOG_LEVEL_WARN }, { "info", LOG_LEVEL_INFO },
		{ "debug", LOG_LEVEL_DEBUG },
	};

	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		if (streq(s, table[i].name)) {
			*ret = table[i].level;
			return 0;
		}
	return -EINVAL;
}

int log_format_from_string(const char *s, enum log_format *ret)
{
	if (streq(s, "logfmt")) {
		*ret = LOG_FORMAT_LOGFMT;
		return 0;
	}
	if (streq(s, "json")) {
		*ret = LOG_FORMAT_JSON;
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

/* A fixed buffer that takes whole pieces only, keeping room for the line's end. */
struct line {
	char *buf;
	size_t size;
	size_t len;
	size_t reserve;
};

static bool line_put(struct line *l, const char *s, size_t n)
{
	if (l->len + n + l->reserve > l->size)
		return false;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	return true;
}

static bool line_puts(struct line *l, const char *s)
{
	return line_put(l, s, strlen(s));
}

/* logfmt quotes a value that is empty or holds a space, '=', '"', a control byte or non-ASCII. */
static bool logfmt_needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p >= 0x7f)
			return true;
	return false;
}

/*
 * Append msg escaped for a logfmt quoted value or a JSON string (the same escapes: \\ \" \n \r
 * \t, \u00XX for other control bytes, U+FFFD for bytes that are not UTF-8); stops at the first
 * piece that does not fit, so a cut falls between characters.
 */
static void put_escaped(struct line *l, const char *msg)
{
	const unsigned char *p = (const unsigned char *)msg;
	size_t avail = strlen(msg);

	while (avail > 0) {
		char esc[8];
		size_t n;
		bool fits;

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			fits = line_put(l, esc, 2);
			n = 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			if (*p == '\n')
				fits = line_puts(l, "\\n");
			else if (*p == '\r')
				fits = line_puts(l, "\\r");
			else if (*p == '\t')
				fits = line_puts(l, "\\t");
			else {
				(void)snprintf(esc, sizeof(esc), "\\u%04x", *p);
				fits = line_puts(l, esc);
			}
			n = 1;
		} else if (*p < 0x80) {
			fits = line_put(l, (const char *)p, 1);
			n = 1;
		} else {
			n = metrics_utf8_valid_len(p, avail);
			if (n == 0) {
				fits = line_puts(l, "\\ufffd");
				n = 1;
			} else
				fits = line_put(l, (const char *)p, n);
		}
		if (!fits)
			return;
		p += n;
		avail -= n;
	}
}

size_t log_format_line(char *buf, size_t size, enum log_format format, bool journal,
		       enum log_level level, const struct timespec *ts, const char *msg)
{
	/* while the message goes in, room for its end: "}, the newline and the NUL */
	struct line l = { .buf = buf, .size = size, .reserve = 4 };
	char stamp[40], prefix[8];
	struct tm tm;

	assert(size >= 64);
	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		strcpy(stamp, "1970-01-01T00:00:00");
	(void)snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp), ".%03ldZ",
		       ts->tv_nsec / 1000000);
	if (journal) {
		(void)snprintf(prefix, sizeof(prefix), "<%d>", (int)level);
		(void)line_puts(&l, prefix);
	}
	switch (format) {
	case LOG_FORMAT_LOGFMT:
		(void)line_puts(&l, "ts=");
		(void)line_puts(&l, stamp);
		(void)line_puts(&l, " level=");
		(void)line_puts(&l, level_name(level));
		(void)line_puts(&l, " msg=");
		if (logfmt_needs_quotes(msg)) {
			(void)line_puts(&l, "\"");
			put_escaped(&l, msg);
			l.reserve = 1;
			(void)line_puts(&l, "\"");
		} else
			put_escaped(&l, msg);
		break;
	case LOG_FORMAT_JSON:
		(void)line_puts(&l, "{\"ts\":\"");
		(void)line_puts(&l, stamp);
		(void)line_puts(&l, "\",\"level\":\"");
		(void)line_puts(&l, level_name(level));
		(void)line_puts(&l, "\",\"msg\":\"");
		put_escaped(&l, msg);
		l.reserve = 1;
		(void)line_puts(&l, "\"}");
		break;
	}
	l.reserve = 1;
	(void)line_put(&l, "\n", 1);
	buf[l.len] = '\0';
	return l.len;
}

int log_internal(enum log_level level, int err, const char *fmt, ...)
{
	char msg[2048], line[4096];
	struct timespec ts;
	va_list ap;
	size_t n;

	if (level > max_level)
		return err ? -err : 0;
	/* %m must see our errno, not whatever the caller left behind. */
	errno = err;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	n = log_format_line(line, sizeof(line), line_format, journal_prefix, level, &ts, msg);
	/* one write per line: lines of several threads never interleave */
	(void)fwrite(line, 1, n, stderr);
	return err ? -err : 0;
}
