/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "parse/parse_status.h"
#include "lib/util.h"
#include "parse/whack_line.h"

/*
 * What the pieces of the status parser share (not for other modules):
 *   parse_status.c   the dispatcher: line preparation, the summary lines, the
 *                    preamble, the result's life cycle (the formats it reads
 *                    are described at its top);
 *   status_conn.c    the connection blocks (topology and attribute lines);
 *   status_state.c   the state lines and the SAIDs of their detail lines;
 *   status_tables.c  the names and stories of pluto's states (pure data).
 */

/* status_summary.evidence bits, for the family heuristics (FORMATS §11.3). */
#define EV_PREFIX	(1u << 0)	/* a "NNN " prefix: 3.x/4.x */
#define EV_NOPREFIX	(1u << 1)	/* a recognised line without prefix */
#define EV_V3		(1u << 2)	/* only 3.x prints this */
#define EV_V4PLUS	(1u << 3)	/* 4.0 or later */
#define EV_V5		(1u << 4)	/* only 5.x prints this */

/* status_summary.section: where in the output the parser is. */
enum status_section {
	STATUS_SECTION_NONE,
	STATUS_SECTION_SHUNTS,	/* after "Bare Shunt list:" */
};

/* What a state name or story says: the SA's category and IKE version (0: either). */
struct status_kind {
	const char *text;
	size_t len;
	enum sa_category category;
	int ike_version;
};

/* The kind of a state name ("STATE_V2_ESTABLISHED_IKE_SA", "ESTABLISHED_CHILD_SA"); NULL if
 * unknown. */
const struct status_kind *status_kind_by_name(const char *name, size_t len);

/* The kind of a state's story ("established IKE SA", "XAUTH..."); NULL if unknown. */
const struct status_kind *status_kind_by_story(const char *story, size_t len);

/* `"name"[N]: ...` (a connection block's topology or attribute line); 0 or -EBADMSG. */
int status_parse_conn_line(struct status_summary *s, const char *line, bool truncated);

/* `#N: ...` (a state line, a Child SA's detail line or a pending line); p is after '#'. */
int status_parse_hash_line(struct status_summary *s, const char *p, bool truncated);

/* A copy of [b, e) in the summary's arena. */
static inline char *status_dup(struct status_summary *s, const char *b, const char *e)
{
	return arena_strndup(s->parser.arena, b, (size_t)(e - b));
}

static inline bool status_is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* A character of a state or timer name. */
static inline bool status_is_name_char(char c)
{
	return status_is_upper(c) || whack_is_digit(c) || c == '_' || (c >= 'a' && c <= 'z');
}

/* Last occurrence of needle in [s, end). */
static inline const char *status_rfind(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	if ((size_t)(end - s) < n)
		return NULL;
	for (const char *p = end - n;; p--) {
		if (memcmp(p, needle, n) == 0)
			return p;
		if (p == s)
			return NULL;
	}
}
