/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that the line reader splits chunked input into the same lines
 * whatever the chunk boundaries: '\n' ends a line, one trailing '\r' is
 * removed, NUL bytes are kept (length tells), a line longer than LINE_MAX_LEN
 * is delivered once, cut, with truncated=true, and the rest of it is dropped;
 * finish() flushes an unterminated last line and nothing else. The in-place
 * reader (lines handed out inside the caller's chunk) delivers exactly the
 * same lines.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parse/lines.h"
#include "lib/strbuf.h"
#include "lib/util.h"

struct collect {
	struct strbuf out;
	unsigned n, n_truncated;
};

static void collect_cb(void *userdata, char *line, size_t len, unsigned flags)
{
	struct collect *c = userdata;
	bool truncated = flags & LINE_TRUNCATED;

	/* the flag says whether the line holds a NUL, exactly */
	assert_int_equal(!!(flags & LINE_NUL), memchr(line, '\0', len) != NULL);
	assert_true(len <= LINE_MAX_LEN);
	assert_int_equal(line[len], '\0');
	strbuf_appendf(&c->out, "[%zu%s]", len, truncated ? "T" : "");
	for (size_t i = 0; i < len && i < 16; i++)
		strbuf_putc(&c->out, line[i] ? line[i] : '@');
	strbuf_putc(&c->out, '\n');
	c->n++;
	c->n_truncated += truncated;
}

static char *split_how(const char *data, size_t len, size_t chunk, struct collect *c, bool inplace)
{
	struct line_reader lr;
	char *copy = xmalloc(len + 1);

	memcpy(copy, data, len);
	*c = (struct collect){ .out = STRBUF_INIT };
	line_reader_init(&lr);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		if (inplace)
			line_reader_feed_inplace(&lr, copy + off, n, collect_cb, c);
		else
			line_reader_feed(&lr, data + off, n, collect_cb, c);
	}
	line_reader_finish(&lr, collect_cb, c);
	free(copy);
	return strbuf_detach(&c->out, NULL);
}

static char *split(const char *data, size_t len, size_t chunk, struct collect *c)
{
	return split_how(data, len, chunk, c, false);
}

static void test_chunking_is_invisible(void **state)
{
	static const char head[] = "000 a\r\n\nb\0c\r\r\n";
	struct strbuf in = STRBUF_INIT;
	struct collect c;
	char *data, *ref;
	size_t len;

	strbuf_append(&in, head, sizeof(head) - 1);
	for (size_t i = 0; i < 3 * LINE_MAX_LEN; i++)
		strbuf_putc(&in, 'x');
	strbuf_puts(&in, "\nlast");
	data = strbuf_detach(&in, &len);

	ref = split(data, len, len, &c);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.n_truncated, 1);
	assert_string_equal(ref, "[5]000 a\n[0]\n[4]b@c\r\n[4096T]xxxxxxxxxxxxxxxx\n[4]last\n");
	for (size_t chunk = 1; chunk < 40; chunk++) {
		char *got = split(data, len, chunk, &c);

		assert_string_equal(got, ref);
		free(got);
		got = split_how(data, len, chunk, &c, true);
		assert_string_equal(got, ref);
		free(got);
	}
	{
		char *got = split_how(data, len, len, &c, true);

		assert_string_equal(got, ref);
		free(got);
	}
	free(ref);
	free(data);
}

static void test_empty_and_finish(void **state)
{
	struct collect c;
	char *got = split("", 0, 1, &c);

	assert_int_equal(c.n, 0);
	free(got);
	got = split("a\n", 2, 1, &c);
	assert_int_equal(c.n, 1);	/* finish adds no empty line after a final '\n' */
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunking_is_invisible),
		cmocka_unit_test(test_empty_and_finish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
