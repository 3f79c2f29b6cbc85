/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/strbuf.h"

/*
 * Exposition writer: Prometheus text format 0.0.4 and OpenMetrics 1.0.0.
 * Pure: appends to a strbuf. Families are written as HELP, TYPE, then
 * their samples as one uninterrupted group. Label values are escaped
 * (\\ \" \n) and made valid UTF-8 (invalid bytes become U+FFFD).
 */

enum metrics_format {
	METRICS_FORMAT_TEXT,
	METRICS_FORMAT_OPENMETRICS,
};

enum metric_type {
	METRIC_TYPE_GAUGE,
	METRIC_TYPE_COUNTER,
};

/* Takes len bytes of finished page text (see metrics_writer_set_flush()). */
typedef void (*metrics_flush_fn)(void *userdata, const char *data, size_t len);

struct metrics_writer {
	struct strbuf *sb;
	enum metrics_format format;
	metrics_flush_fn flush;	/* NULL: the whole page stays in sb */
	void *flush_userdata;
	size_t flush_at;
	const char *family;	/* current family name (with _total for counters) */
	size_t family_len;
	enum metric_type type;
};

/* A label pair; arrays of them end where n says. */
struct metric_label {
	const char *name;
	const char *value;
};

/* One label pair, for the arrays the sample functions take. */
#define LABEL(n, v) ((struct metric_label){ (n), (v) })

/* Start writing into sb in the given format. */
void metrics_writer_init(struct metrics_writer *w, struct strbuf *sb, enum metrics_format format);

/*
 * Hand the text out as it goes: when a family begins and sb holds at least at bytes, fn takes them
 * and sb starts again. Nothing may keep offsets into sb across families then.
 */
void metrics_writer_set_flush(struct metrics_writer *w, metrics_flush_fn fn, void *userdata,
			      size_t at);

/* Begin a family: name includes "_total" for counters. HELP and TYPE are written immediately. */
void metrics_family(struct metrics_writer *w, const char *name, enum metric_type type,
		    const char *help);

/* One sample of the current family with n labels. */
void metrics_sample_u64(struct metrics_writer *w, const struct metric_label *labels, size_t n,
			uint64_t v);
void metrics_sample_i64(struct metrics_writer *w, const struct metric_label *labels, size_t n,
			int64_t v);
void metrics_sample_double(struct metrics_writer *w, const struct metric_label *labels, size_t n,
			   double v);

/*
 * One sample whose labels are already formatted and escaped ("a=\"x\",b=\"y\""), plus an
 * optional extra label (extra_name NULL for none). For series written many times per page.
 */
void metrics_sample_text_u64(struct metrics_writer *w, const char *labels, size_t labels_len,
			     const char *extra_name, const char *extra_value, uint64_t v);
void metrics_sample_text_i64(struct metrics_writer *w, const char *labels, size_t labels_len,
			     const char *extra_name, const char *extra_value, int64_t v);

/* Append n labels formatted and escaped as metrics_sample_text_*() takes them. */
void metrics_format_labels(struct strbuf *sb, const struct metric_label *labels, size_t n);

/* Finish the page ("# EOF" for OpenMetrics). */
void metrics_writer_finish(struct metrics_writer *w);

/* Append s escaped as a label value (valid UTF-8 guaranteed). */
void metrics_escape_label(struct strbuf *sb, const char *s);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if the bytes there are not valid UTF-8. */
size_t metrics_utf8_valid_len(const unsigned char *s, size_t avail);
