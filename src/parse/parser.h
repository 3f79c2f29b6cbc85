/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stddef.h>

#include "parse/lines.h"

/*
 * What every parser of a command's output shares: the output arrives in chunks, a line reader cuts
 * it into lines, and the parser's own line function takes each one. A parser's result struct
 * holds a struct parser; these functions feed any of them, so that the poll cycle, the tests and
 * the fuzz targets drive every parser alike.
 */

struct parser;

/*
 * A parser's line function: one line as the reader delivers it (writable, NUL-terminated at len;
 * flags: LINE_*). Returns 0 when recognised or blank, -EBADMSG when it was counted as a parse error.
 */
typedef int (*parser_line_fn)(struct parser *p, char *line, size_t len, unsigned flags);

struct parser {
	parser_line_fn line;
	struct line_reader lr;
};

/* Set up (or empty again, for the next output) a parser whose lines go to line. */
void parser_init(struct parser *p, parser_line_fn line);

/* Feed a chunk of raw output. */
void parser_feed(struct parser *p, const char *data, size_t len);

/* The same for a chunk it may modify (line ends become NULs): no line is copied. */
void parser_feed_inplace(struct parser *p, char *data, size_t len);

/* The output ended: a last line without '\n' goes to the line function flagged LINE_UNTERMINATED. */
void parser_finish(struct parser *p);

/* Parse one whole line given apart from a stream (copied first: line is not modified). */
int parser_parse_line(struct parser *p, const char *line, size_t len);

/* The result struct of type T whose member named member is the parser p. */
#define parser_container(p, T, member) ((T *)(void *)((char *)(p) - offsetof(T, member)))
