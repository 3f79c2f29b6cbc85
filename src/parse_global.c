/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Parser for `ipsec whack --globalstatus`, Libreswan 3.x, 4.x and 5.x. Pure:
 * text in, struct global_list out.
 *
 * Every line is "key=value" with an unsigned decimal value. The lines are
 * RC_RAW in 3.x/4.x, so whack strips their prefix; no version prints one
 * (FORMATS §9). An "NNN " prefix is nevertheless removed if present.
 *   3.25+  config.setup.ike.ddos_threshold=25000
 *   3.25+  current.states.enumerate.STATE_MAIN_R0=0
 *   4.7+   total.total.pluto.stf.STF_OK=12
 *   5.0+   total.ipsec.esp.traffic.in=18446744073709551615
 * The key is 1..255 bytes of letters, digits and "._-+/()[]:#@,"; the value is
 * 1+ digits that fit in 64 bits. Anything else (a value beyond 2^64-1, a
 * sign, spaces, a NUL byte, a missing '=') is counted in parse_errors.
 * Blank lines are skipped. Duplicate keys are kept in input order.
 */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "parse_global.h"
#include "util.h"

#define GLOBAL_KEY_MAX 255

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("._-+/()[]:#@,", c));
}

static int parse_line(struct global_list *l, const char *line, size_t len)
{
	const char *p = line, *end, *eq, *q;
	uint64_t v;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	end = line + len;
	if (len >= 4 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
	    p[2] >= '0' && p[2] <= '9' && p[3] == ' ')
		p += 4;
	for (q = p; q < end && *q == ' '; q++)
		;
	if (q == end)
		return 0;	/* blank */
	l->lines++;
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq || eq == p || eq - p > GLOBAL_KEY_MAX)
		goto bad;
	for (const char *k = p; k < eq; k++)
		if (!is_key_char(*k))
			goto bad;
	if (safe_atou64_n(eq + 1, (size_t)(end - eq - 1), &v) < 0)
		goto bad;

	xgrow((void **)&l->entries, &l->alloc_entries, l->n_entries + 1, sizeof(*l->entries));
	l->entries[l->n_entries].key = xstrndup(p, (size_t)(eq - p));
	l->entries[l->n_entries].value = v;
	l->n_entries++;
	return 0;
bad:
	l->parse_errors++;
	return -EBADMSG;
}

int global_parse_line(struct global_list *l, const char *line, size_t len)
{
	return parse_line(l, line, len);
}

static void global_line_cb(void *userdata, const char *line, size_t len, bool truncated)
{
	struct global_list *l = userdata;

	if (truncated) {
		/* no valid key=value line is that long */
		l->lines++;
		l->parse_errors++;
		return;
	}
	(void)parse_line(l, line, len);
}

struct global_list *global_list_new(void)
{
	struct global_list *l = xcalloc(1, sizeof(*l));

	line_reader_init(&l->lr);
	return l;
}

struct global_list *global_list_free(struct global_list *l)
{
	if (!l)
		return NULL;
	for (size_t i = 0; i < l->n_entries; i++)
		free(l->entries[i].key);
	free(l->entries);
	free(l);
	return NULL;
}

void global_feed(struct global_list *l, const char *data, size_t len)
{
	line_reader_feed(&l->lr, data, len, global_line_cb, l);
}

void global_finish(struct global_list *l)
{
	line_reader_finish(&l->lr, global_line_cb, l);
}

struct global_list *global_parse(const char *text, size_t len)
{
	struct global_list *l = global_list_new();

	global_feed(l, text, len);
	global_finish(l);
	return l;
}

bool global_list_get(const struct global_list *l, const char *key, uint64_t *ret_value)
{
	for (size_t i = 0; i < l->n_entries; i++)
		if (streq(l->entries[i].key, key)) {
			*ret_value = l->entries[i].value;
			return true;
		}
	return false;
}
