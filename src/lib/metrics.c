/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/metrics.h"
#include "lib/util.h"

void metrics_writer_init(struct metrics_writer *w, struct strbuf *sb, enum metrics_format format)
{
	*w = (struct metrics_writer){ .sb = sb, .format = format };
}

size_t metrics_utf8_valid_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void metrics_escape_label(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), plain = 0;

	/* Fast path: printable ASCII without \\ or \" goes in as it is. */
	while (plain < len && p[plain] >= 0x20 && p[plain] < 0x80 && p[plain] != '\\' &&
	       p[plain] != '"')
		plain++;
	if (plain == len) {
		strbuf_append(sb, s, len);
		return;
	}
	strbuf_reserve(sb, len + 2);
	while (*p) {
		size_t n;

		switch (*p) {
		case '\\':
			strbuf_append(sb, "\\\\", 2);
			p++;
			continue;
		case '"':
			strbuf_append(sb, "\\\"", 2);
			p++;
			continue;
		case '\n':
			strbuf_append(sb, "\\n", 2);
			p++;
			continue;
		default:
			break;
		}
		n = metrics_utf8_valid_len(p, len - (size_t)(p - (const unsigned char *)s));
		if (n == 0) {
			strbuf_append(sb, "\xef\xbf\xbd", 3);	/* U+FFFD */
			p++;
			continue;
		}
		strbuf_append(sb, (const char *)p, n);
		p += n;
	}
}

/* HELP text escapes only \\ and \n. */
static void escape_help(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			strbuf_append(sb, "\\\\", 2);
		else if (*s == '\n')
			strbuf_append(sb, "\\n", 2);
		else
			strbuf_putc(sb, *s);
	}
}

void metrics_writer_set_flush(struct metrics_writer *w, metrics_flush_fn fn, void *userdata,
			      size_t at)
{
	w->flush = fn;
	w->flush_userdata = userdata;
	w->flush_at = at;
}

void metrics_family(struct metrics_writer *w, const char *name, enum metric_type type,
		    const char *help)
{
	size_t base_len = strlen(name);

	if (w->flush && w->sb->len >= w->flush_at) {
		w->flush(w->flush_userdata, w->sb->buf, w->sb->len);
		strbuf_reset(w->sb);
	}

	w->family = name;
	w->family_len = base_len;
	w->type = type;
	/* OpenMetrics names the counter family without its _total suffix. */
	if (w->format == METRICS_FORMAT_OPENMETRICS && type == METRIC_TYPE_COUNTER &&
	    base_len > 6 && streq(name + base_len - 6, "_total"))
		base_len -= 6;
	strbuf_puts(w->sb, "# HELP ");
	strbuf_append(w->sb, name, base_len);
	strbuf_putc(w->sb, ' ');
	escape_help(w->sb, help);
	strbuf_puts(w->sb, "\n# TYPE ");
	strbuf_append(w->sb, name, base_len);
	strbuf_puts(w->sb, type == METRIC_TYPE_COUNTER ? " counter\n" : " gauge\n");
}

static void sample_head(struct metrics_writer *w, const struct metric_label *labels, size_t n)
{
	strbuf_puts(w->sb, w->family);
	if (n > 0) {
		strbuf_putc(w->sb, '{');
		metrics_format_labels(w->sb, labels, n);
		strbuf_putc(w->sb, '}');
	}
	strbuf_putc(w->sb, ' ');
}

void metrics_format_labels(struct strbuf *sb, const struct metric_label *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_putc(sb, ',');
		strbuf_puts(sb, labels[i].name);
		strbuf_append(sb, "=\"", 2);
		metrics_escape_label(sb, labels[i].value ? labels[i].value : "");
		strbuf_putc(sb, '"');
	}
}

/* True when s goes into a label value as it is (printable ASCII, no \\ or \"); its length in
 * *ret_len. */
static bool plain_label(const char *s, size_t *ret_len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p >= 0x80 || *p == '\\' || *p == '"')
			return false;
	*ret_len = (size_t)(p - (const unsigned char *)s);
	return true;
}

/* The decimal digits of v, written backwards from end; returns where they start. */
static char *u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/*
 * One sample with preformatted labels: `family{labels[,extra="value"]} [-]N\n`. The
 * page's bulk (every per-connection series) goes through here, so the line is sized
 * once and copied in place rather than appended piece by piece.
 */
static void sample_text(struct metrics_writer *w, const char *labels, size_t labels_len,
			const char *extra_name, const char *extra_value, bool negative,
			uint64_t magnitude)
{
	char digits[24], *d = u64_digits(digits + sizeof(digits), magnitude);
	size_t dlen = (size_t)(digits + sizeof(digits) - d), name_len = 0, value_len = 0, need;
	struct strbuf *sb = w->sb;
	char *p;

	if (extra_name && !plain_label(extra_value, &value_len)) {
		/* the rare value that needs escaping */
		strbuf_append(sb, w->family, w->family_len);
		strbuf_putc(sb, '{');
		strbuf_append(sb, labels, labels_len);
		strbuf_putc(sb, ',');
		strbuf_puts(sb, extra_name);
		strbuf_append(sb, "=\"", 2);
		metrics_escape_label(sb, extra_value);
		strbuf_append(sb, "\"} ", 3);
		if (negative)
			strbuf_putc(sb, '-');
		strbuf_append(sb, d, dlen);
		strbuf_putc(sb, '\n');
		return;
	}
	if (extra_name)
		name_len = strlen(extra_name);
	need = w->family_len + 1 + labels_len + (extra_name ? 4 + name_len + value_len : 0) + 2 +
	       negative + dlen + 1;
	strbuf_reserve(sb, need);
	p = sb->buf + sb->len;
	memcpy(p, w->family, w->family_len);
	p += w->family_len;
	*p++ = '{';
	memcpy(p, labels, labels_len);
	p += labels_len;
	if (extra_name) {
		*p++ = ',';
		memcpy(p, extra_name, name_len);
		p += name_len;
		*p++ = '=';
		*p++ = '"';
		memcpy(p, extra_value, value_len);
		p += value_len;
		*p++ = '"';
	}
	*p++ = '}';
	*p++ = ' ';
	if (negative)
		*p++ = '-';
	memcpy(p, d, dlen);
	p += dlen;
	*p++ = '\n';
	*p = '\0';
	sb->len = (size_t)(p - sb->buf);
}

void metrics_sample_text_u64(struct metrics_writer *w, const char *labels, size_t labels_len,
			     const char *extra_name, const char *extra_value, uint64_t v)
{
	sample_text(w, labels, labels_len, extra_name, extra_value, false, v);
}

void metrics_sample_text_i64(struct metrics_writer *w, const char *labels, size_t labels_len,
			     const char *extra_name, const char *extra_value, int64_t v)
{
	/* the magnitude of INT64_MIN fits in uint64_t */
	sample_text(w, labels, labels_len, extra_name, extra_value, v < 0,
		    v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void metrics_sample_u64(struct metrics_writer *w, const struct metric_label *labels, size_t n,
			uint64_t v)
{
	sample_head(w, labels, n);
	strbuf_put_u64(w->sb, v);
	strbuf_putc(w->sb, '\n');
}

void metrics_sample_i64(struct metrics_writer *w, const struct metric_label *labels, size_t n,
			int64_t v)
{
	sample_head(w, labels, n);
	strbuf_put_i64(w->sb, v);
	strbuf_putc(w->sb, '\n');
}

void metrics_sample_double(struct metrics_writer *w, const struct metric_label *labels, size_t n,
			   double v)
{
	char tmp[64];

	sample_head(w, labels, n);
	if (isnan(v))
		strbuf_puts(w->sb, "NaN");
	else if (isinf(v))
		strbuf_puts(w->sb, v > 0 ? "+Inf" : "-Inf");
	else if (fabs(v) < 1e15 &&
		 v == (double)(int64_t)v) /* range first: the cast is undefined beyond int64 */
		strbuf_put_i64(w->sb, (int64_t)v);
	else {
		/*
		 * Shortest form that reads back exactly (epoch seconds need all 17
		 * digits). The process never calls setlocale(): '.' is the point.
		 */
		(void)snprintf(tmp, sizeof(tmp), "%.15g", v);
		if (strtod(tmp, NULL) != v)
			(void)snprintf(tmp, sizeof(tmp), "%.17g", v);
		strbuf_puts(w->sb, tmp);
	}
	strbuf_putc(w->sb, '\n');
}

void metrics_writer_finish(struct metrics_writer *w)
{
	if (w->format == METRICS_FORMAT_OPENMETRICS)
		strbuf_puts(w->sb, "# EOF\n");
}
