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
 * flags: LINE_*). Returns 0 when recognised or blank, -EBADMSG when it was counted as a parse
 * error.
 */
typedef int (*parser_line_fn)(struct parser *p, char *line, size_t len, unsigned flags);

struct arena;

struct parser {
	parser_line_fn line;
	struct arena *arena; /* the result's strings: emptied by parser_reset(), freed by
				parser_release() */
	struct line_reader lr;
};

/* Set up a parser whose lines go to line, with an empty arena. */
void parser_init(struct parser *p, parser_line_fn line);

/*
 * A parser's result: size bytes, zeroed, whose struct parser at offset is set up for line
 * (aborts on OOM). A parser's X_new() is this and nothing else.
 */
void *parser_result_new(size_t size, size_t offset, parser_line_fn line);

/* Empty it for the next output: the reader, and the arena (its blocks kept for reuse). */
void parser_reset(struct parser *p);

/* Free its arena. */
void parser_release(struct parser *p);

/* Feed a chunk of raw output. */
void parser_feed(struct parser *p, const char *data, size_t len);

/* The same for a chunk it may modify (line ends become NULs): no line is copied. */
void parser_feed_inplace(struct parser *p, char *data, size_t len);

/* The output ended: a last line without '\n' goes to the line function flagged LINE_UNTERMINATED.
 */
void parser_finish(struct parser *p);

/* A whole output at once: fed, then finished. */
void parser_parse(struct parser *p, const char *text, size_t len);

/*
 * Parse one whole line given apart from a stream, as the reader would deliver it (a trailing
 * '\r' dropped, cut at LINE_MAX_LEN); line is copied first, not modified.
 */
int parser_parse_line(struct parser *p, const char *line, size_t len);

/* The result struct of type T whose member named member is the parser p. */
#define parser_container(p, T, member) ((T *)(void *)((char *)(p) - offsetof(T, member)))
