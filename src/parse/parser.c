/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <string.h>

#include "lib/util.h"
#include "parse/parser.h"

/* line_cb of the reader: the parser's own line function, whose result a stream has no use for. */
static void on_line(void *userdata, char *line, size_t len, unsigned flags)
{
	struct parser *p = userdata;

	(void)p->line(p, line, len, flags);
}

void parser_init(struct parser *p, parser_line_fn line)
{
	p->line = line;
	p->arena = arena_new();
	line_reader_init(&p->lr);
}

void *parser_result_new(size_t size, size_t offset, parser_line_fn line)
{
	char *r = xcalloc(1, size);

	parser_init((struct parser *)(void *)(r + offset), line);
	return r;
}

void parser_reset(struct parser *p)
{
	arena_reset(p->arena);
	line_reader_init(&p->lr);
}

void parser_release(struct parser *p)
{
	p->arena = arena_free(p->arena);
}

void parser_parse(struct parser *p, const char *text, size_t len)
{
	parser_feed(p, text, len);
	parser_finish(p);
}

void parser_feed(struct parser *p, const char *data, size_t len)
{
	line_reader_feed(&p->lr, data, len, on_line, p);
}

void parser_feed_inplace(struct parser *p, char *data, size_t len)
{
	line_reader_feed_inplace(&p->lr, data, len, on_line, p);
}

void parser_finish(struct parser *p)
{
	line_reader_finish(&p->lr, on_line, p);
}

int parser_parse_line(struct parser *p, const char *line, size_t len)
{
	char buf[LINE_MAX_LEN + 1];
	bool truncated = len > LINE_MAX_LEN;

	if (truncated)
		len = LINE_MAX_LEN;
	else if (len > 0 && line[len - 1] == '\r')
		len--;	/* as the reader delivers a CRLF line */
	memcpy(buf, line, len);
	buf[len] = '\0';
	return p->line(p, buf, len, line_flags(buf, len, truncated));
}
