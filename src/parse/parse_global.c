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
 * sign, spaces, a NUL byte, a missing '=', a line longer than LINE_MAX_LEN)
 * is counted in parse_errors. Lines are prepared by the shared whack-line
 * layer (prefix, CR, NUL); blank lines are skipped. Duplicate keys are kept
 * in input order; every key lives in the list's arena.
 */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "parse/parse_global.h"
#include "lib/util.h"
#include "parse/whack_line.h"

#define GLOBAL_KEY_MAX 255

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("._-+/()[]:#@,", c));
}

/* One line as the reader delivers it (writable, prepared in place). */
static int parse_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct global_list *l = parser_container(base, struct global_list, parser);
	struct whack_line wl;
	const char *p, *end, *eq;
	uint64_t v;
	int r = whack_line_take(line, len, flags, &wl, &l->lines, &l->parse_errors, NULL);

	if (r <= 0)
		return r;
	if (wl.truncated)
		goto bad;	/* no valid key=value line is that long, or cut by pluto */
	p = wl.text;
	end = p + wl.len;
	eq = memchr(p, '=', wl.len);
	if (!eq || eq == p || eq - p > GLOBAL_KEY_MAX)
		goto bad;
	for (const char *k = p; k < eq; k++)
		if (!is_key_char(*k))
			goto bad;
	if (safe_atou64_n(eq + 1, (size_t)(end - eq - 1), &v) < 0)
		goto bad;

	xgrow((void **)&l->entries, &l->alloc_entries, l->n_entries + 1, sizeof(*l->entries));
	l->entries[l->n_entries].key = arena_strndup(l->parser.arena, p, (size_t)(eq - p));
	l->entries[l->n_entries].value = v;
	l->n_entries++;
	return 0;
bad:
	l->parse_errors++;
	return -EBADMSG;
}

struct global_list *global_list_new(void)
{
	return parser_result_new(sizeof(struct global_list), offsetof(struct global_list, parser),
				 parse_line);
}

struct global_list *global_list_free(struct global_list *l)
{
	if (!l)
		return NULL;
	free(l->entries);
	parser_release(&l->parser);
	free(l);
	return NULL;
}

void global_list_reset(struct global_list *l)
{
	struct global_list keep = { .entries = l->entries,
				    .alloc_entries = l->alloc_entries,
				    .parser = l->parser };

	parser_reset(&keep.parser);
	*l = keep;
}

struct global_list *global_parse(const char *text, size_t len)
{
	struct global_list *l = global_list_new();

	parser_parse(&l->parser, text, len);
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
