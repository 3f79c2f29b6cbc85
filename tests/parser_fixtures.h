/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * The fixture test every parser has (header-only, static): each fixture in
 * $FIXTURES_DIR/<dir> (tests/fixtures/<dir> by default) parsed whole, byte by byte, line by
 * line (parser_parse_line(); a line the reader would cut is fed to it) and into a result reset
 * from the one before (as the poller reuses one), the four dumps alike and the first equal to
 * the fixture's .expected golden.
 *
 *   FIXTURE_PARSER(status_summary, "status", 30, dump_status, NULL);
 *   ...
 *   assert_int_equal(fixture_parse_all(&status_summary_fixtures), 0);
 *
 * where status_summary_new(), _reset() and _free() make, empty and free a struct
 * status_summary, whose struct parser is its member "parser".
 */

#include "fixture_util.h"
#include "parse/lines.h"
#include "parse/parser.h"

struct fixture_parser {
	const char *dir;		/* the folder below the fixtures; names it in messages */
	size_t min_fixtures;		/* fewer is a failure: a folder lost or misnamed */
	void *(*new_fn)(void);
	void (*reset_fn)(void *r);
	void (*free_fn)(void *r);
	struct parser *(*parser_fn)(void *r);
	char *(*dump_fn)(const void *r);
	/* more checks of the whole parse of the fixture name; its failures (NULL: none) */
	int (*check_fn)(const char *name, const void *r);
};

#define FIXTURE_PARSER(type, dir, min, dump, check)                                                \
	static void *type##_fixture_new(void)                                                      \
	{                                                                                          \
		return type##_new();                                                               \
	}                                                                                          \
	static void type##_fixture_reset(void *r)                                                  \
	{                                                                                          \
		type##_reset(r);                                                                   \
	}                                                                                          \
	static void type##_fixture_free(void *r)                                                   \
	{                                                                                          \
		type##_free(r);                                                                    \
	}                                                                                          \
	static struct parser *type##_fixture_parser(void *r)                                       \
	{                                                                                          \
		return &((struct type *)r)->parser;                                                \
	}                                                                                          \
	static char *type##_fixture_dump(const void *r)                                            \
	{                                                                                          \
		return dump((const struct type *)r);                                               \
	}                                                                                          \
	static const struct fixture_parser type##_fixtures = {                                     \
		dir,                                                                               \
		min,                                                                               \
		type##_fixture_new,                                                                \
		type##_fixture_reset,                                                              \
		type##_fixture_free,                                                               \
		type##_fixture_parser,                                                             \
		type##_fixture_dump,                                                               \
		check,                                                                             \
	}

/* One fixture's text, line by line: what the reader would cut goes through it. */
static inline void fixture_parse_lines(struct parser *p, const char *text, size_t len)
{
	for (size_t k = 0; k < len;) {
		const char *nl = memchr(text + k, '\n', len - k);
		size_t l = nl ? (size_t)(nl - (text + k)) : len - k;

		if (l <= LINE_MAX_LEN)
			(void)parser_parse_line(p, text + k, l);
		else
			parser_feed(p, text + k, l + 1);
		k += l + 1;
	}
	parser_finish(p);
}

/* One fixture, four ways; its failures. */
static inline int fixture_parse_one(const struct fixture_parser *fp, void *reused,
				    const char *dir, const char *name, const char *text, size_t len)
{
	static const char *const ways[] = { "byte by byte", "line by line", "into a reset result" };
	void *whole = fp->new_fn(), *bytes = fp->new_fn(), *lines = fp->new_fn();
	char *dumps[4];
	int failures = 0;

	parser_parse(fp->parser_fn(whole), text, len);
	for (size_t k = 0; k < len; k++)
		parser_feed(fp->parser_fn(bytes), text + k, 1);
	parser_finish(fp->parser_fn(bytes));
	fixture_parse_lines(fp->parser_fn(lines), text, len);
	fp->reset_fn(reused);
	parser_feed(fp->parser_fn(reused), text, len);
	parser_finish(fp->parser_fn(reused));

	dumps[0] = fp->dump_fn(whole);
	dumps[1] = fp->dump_fn(bytes);
	dumps[2] = fp->dump_fn(lines);
	dumps[3] = fp->dump_fn(reused);
	if (golden_compare(dir, name, dumps[0]) < 0)
		failures++;
	for (size_t w = 1; w < 4; w++) {
		if (!streq(dumps[0], dumps[w])) {
			fprintf(stderr, "%s: %s: parsed %s differs\n", fp->dir, name, ways[w - 1]);
			failures++;
		}
		free(dumps[w]);
	}
	free(dumps[0]);
	if (fp->check_fn)
		failures += fp->check_fn(name, whole);
	fp->free_fn(whole);
	fp->free_fn(bytes);
	fp->free_fn(lines);
	return failures;
}

/* Every fixture of fp's folder, four ways; the failures (each told on stderr). */
static inline int fixture_parse_all(const struct fixture_parser *fp)
{
	const char *top = getenv("FIXTURES_DIR");
	char dir[PATH_MAX], path[PATH_MAX + 256];
	void *reused = fp->new_fn();
	char **names;
	size_t n;
	int failures = 0;

	snprintf(dir, sizeof(dir), "%s/%s", top ? top : "tests/fixtures", fp->dir);
	n = fixture_list(dir, &names);
	if (n < fp->min_fixtures) {
		fprintf(stderr, "%s: %zu fixtures in %s, expected at least %zu\n", fp->dir, n, dir,
			fp->min_fixtures);
		failures++;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		text = fixture_read(path, &len);
		if (!text) {
			fprintf(stderr, "%s: cannot read %s\n", fp->dir, path);
			failures++;
		} else {
			failures += fixture_parse_one(fp, reused, dir, names[i], text, len);
		}
		free(text);
		free(names[i]);
	}
	free(names);
	fp->free_fn(reused);
	return failures;
}
