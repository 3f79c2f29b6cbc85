/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Parser for the kernel helper's output (src/xfrm/protocol.h):
 *   xfrm-helper 1
 *   sa proto=esp spi=c0ffee01 dst=192.0.2.2 src=192.0.2.1 reqid=16389 mode=tunnel if_id=0 keyed=1
 * bytes=4112 ... policy dir=out action=allow index=9 priority=1757 if_id=0 src=10.0.1.0/24
 * dst=10.0.2.0/24 tmpl=esp:tunnel:16389 sadinfo count=4 spdinfo in=2 out=2 fwd=2 stat XfrmInError 0
 *   stat-absent
 *   end sas=4 policies=6
 * Fields are found by key, so the helper may add fields; a record missing a
 * field the join needs (sa: proto, spi, dst; policy: dir), or with a number
 * that does not parse, is counted in parse_errors and skipped, as is an
 * unknown record. The snapshot is complete only when the header came first
 * and the end line's counts match the records read: a helper killed halfway
 * never passes for an empty kernel. A last line without its newline is such a
 * cut too: counted as an error, never parsed.
 */
#include "autoconfig.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "parse/parse_kernel.h"
#include "lib/util.h"
#include "xfrm/protocol.h"

struct field {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
};

/* The next "key=value" token of [*p, end); false at the end. A token without '=' has an empty key.
 */
static bool next_field(const char **p, const char *end, struct field *f)
{
	const char *s = *p, *e, *eq;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return false;
	e = memchr(s, ' ', (size_t)(end - s));
	if (!e)
		e = end;
	eq = memchr(s, '=', (size_t)(e - s));
	if (eq) {
		f->key = s;
		f->key_len = (size_t)(eq - s);
		f->val = eq + 1;
		f->val_len = (size_t)(e - eq - 1);
	} else {
		f->key = s;
		f->key_len = 0;
		f->val = s;
		f->val_len = (size_t)(e - s);
	}
	*p = e;
	return true;
}

static bool key_is(const struct field *f, const char *key)
{
	size_t n = strlen(key);

	return f->key_len == n && memcmp(f->key, key, n) == 0;
}

static bool val_is(const struct field *f, const char *v)
{
	size_t n = strlen(v);

	return f->val_len == n && memcmp(f->val, v, n) == 0;
}

/* A protocol by the helper's name, or its decimal number; -EINVAL otherwise. */
static int parse_proto(const struct field *f, uint8_t *ret)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} names[] = {
		{ "esp", IPPROTO_ESP },	    { "ah", IPPROTO_AH },     { "comp", IPPROTO_COMP },
		{ "ipip", IPPROTO_IPIP },   { "ipv6", IPPROTO_IPV6 }, { "route2", IPPROTO_ROUTING },
		{ "hao", IPPROTO_DSTOPTS },
	};
	uint64_t v;

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (val_is(f, names[i].name)) {
			*ret = names[i].proto;
			return 0;
		}
	if (safe_atou64_n(f->val, f->val_len, &v) < 0 || v > 255)
		return -EINVAL;
	*ret = (uint8_t)v;
	return 0;
}

static int parse_u64_field(const struct field *f, uint64_t *ret)
{
	return safe_atou64_n(f->val, f->val_len, ret);
}

static int parse_u32_field(const struct field *f, uint32_t *ret)
{
	uint64_t v;

	if (safe_atou64_n(f->val, f->val_len, &v) < 0 || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_sa(struct kernel_snapshot *k, const char *p, const char *end)
{
	struct kernel_sa sa = { 0 };
	bool have_proto = false, have_spi = false, have_dst = false;
	struct field f;
	int r = 0;

	while (r == 0 && next_field(&p, end, &f)) {
		if (f.key_len == 0) {
			r = -EINVAL;	/* every field is key=value */
		} else if (key_is(&f, "proto")) {
			r = parse_proto(&f, &sa.id.proto);
			have_proto = true;
		} else if (key_is(&f, "spi")) {
			r = sa_id_parse_spi(f.val, f.val_len, &sa.id.spi);
			have_spi = true;
		} else if (key_is(&f, "dst")) {
			/* "?" (a family the helper does not print) leaves the SA unjoinable, not
			 * wrong */
			if (!val_is(&f, "?"))
				r = sa_id_parse_addr(f.val, f.val_len, &sa.id);
			have_dst = true;
		} else if (key_is(&f, "reqid")) {
			r = parse_u32_field(&f, &sa.reqid);
		} else if (key_is(&f, "keyed")) {
			if (!val_is(&f, "0") && !val_is(&f, "1"))
				r = -EINVAL;
			sa.keyed = val_is(&f, "1");
		} else if (key_is(&f, "bytes")) {
			r = parse_u64_field(&f, &sa.bytes);
		} else if (key_is(&f, "packets")) {
			r = parse_u64_field(&f, &sa.packets);
		} else if (key_is(&f, "add_time")) {
			r = parse_u64_field(&f, &sa.add_time);
		} else if (key_is(&f, "replay_window")) {
			r = parse_u64_field(&f, &sa.errors[KERNEL_ERROR_REPLAY_WINDOW]);
		} else if (key_is(&f, "replay")) {
			r = parse_u64_field(&f, &sa.errors[KERNEL_ERROR_REPLAY]);
		} else if (key_is(&f, "integrity")) {
			r = parse_u64_field(&f, &sa.errors[KERNEL_ERROR_INTEGRITY]);
		}
	}
	if (r < 0 || !have_proto || !have_spi || !have_dst)
		return -EBADMSG;
	k->sa_lines++;
	xgrow((void **)&k->sas, &k->alloc_sas, k->n_sas + 1, sizeof(*k->sas));
	k->sas[k->n_sas++] = sa;
	return 0;
}

/* "esp:tunnel:16389,comp:tunnel:16390" -> the reqids (the first KERNEL_POLICY_MAX_TMPL). */
static int parse_tmpls(const struct field *f, struct kernel_policy *pol)
{
	const char *s = f->val, *end = f->val + f->val_len;

	while (s < end) {
		const char *e = memchr(s, ',', (size_t)(end - s));
		const char *colon;
		uint64_t v;

		if (!e)
			e = end;
		colon = e;
		while (colon > s && colon[-1] != ':')
			colon--;
		if (colon == s || safe_atou64_n(colon, (size_t)(e - colon), &v) < 0 ||
		    v > UINT32_MAX)
			return -EINVAL;
		if (pol->n_reqids < KERNEL_POLICY_MAX_TMPL)
			pol->reqids[pol->n_reqids++] = (uint32_t)v;
		s = e < end ? e + 1 : e;
	}
	return 0;
}

static int parse_policy(struct kernel_snapshot *k, const char *p, const char *end)
{
	struct kernel_policy pol = { 0 };
	bool have_dir = false, socket = false;
	struct field f;
	int r = 0;

	while (r == 0 && next_field(&p, end, &f)) {
		if (f.key_len == 0) {
			r = -EINVAL;
		} else if (key_is(&f, "dir")) {
			have_dir = true;
			if (val_is(&f, "in"))
				pol.dir = KERNEL_DIR_IN;
			else if (val_is(&f, "out"))
				pol.dir = KERNEL_DIR_OUT;
			else if (val_is(&f, "fwd"))
				pol.dir = KERNEL_DIR_FWD;
			else if (val_is(&f, "socket"))
				socket = true;
			else
				r = -EINVAL;
		} else if (key_is(&f, "tmpl")) {
			r = parse_tmpls(&f, &pol);
		}
	}
	if (r < 0 || !have_dir)
		return -EBADMSG;
	k->policy_lines++;
	if (socket)
		return 0;
	xgrow((void **)&k->policies, &k->alloc_policies, k->n_policies + 1, sizeof(*k->policies));
	k->policies[k->n_policies++] = pol;
	return 0;
}

/* "count=N" or "in=N out=N fwd=N" and "sas=N policies=N": the named values into slots. */
static int parse_counts(const char *p, const char *end, const char *const *keys,
			uint64_t *const *slots, size_t n)
{
	bool seen[4] = { false };
	struct field f;

	while (next_field(&p, end, &f)) {
		if (f.key_len == 0)
			return -EBADMSG;
		for (size_t i = 0; i < n; i++)
			if (key_is(&f, keys[i])) {
				if (parse_u64_field(&f, slots[i]) < 0)
					return -EBADMSG;
				seen[i] = true;
			}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			return -EBADMSG;
	return 0;
}

static int parse_stat(struct kernel_snapshot *k, const char *p, const char *end)
{
	const char *name = p, *sp = memchr(p, ' ', (size_t)(end - p));
	uint64_t v;

	if (!sp || sp == name || safe_atou64_n(sp + 1, (size_t)(end - sp - 1), &v) < 0)
		return -EBADMSG;
	for (const char *c = name; c < sp; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '_'))
			return -EBADMSG;
	xgrow((void **)&k->stats, &k->alloc_stats, k->n_stats + 1, sizeof(*k->stats));
	k->stats[k->n_stats].name = arena_strndup(k->parser.arena, name, (size_t)(sp - name));
	k->stats[k->n_stats++].value = v;
	return 0;
}

/* One line as the reader delivers it. */
static int parse_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct kernel_snapshot *k = parser_container(base, struct kernel_snapshot, parser);
	const char *end = line + len;
	int r;

	if (len == 0 && !(flags & LINE_UNTERMINATED))
		return 0;
	k->lines++;
	/* no record of the helper is that long, and it ends every line: a broken or cut stream */
	if (flags & (LINE_TRUNCATED | LINE_UNTERMINATED))
		r = -EBADMSG;
	else if (memchr(line, '\0', len))
		r = -EBADMSG;
	else if (k->lines == 1)
		r = streq(line, XFRM_HELPER_HEADER) ? 0 : -EBADMSG;
	else if (startswith(line, "sa "))
		r = parse_sa(k, line + 3, end);
	else if (startswith(line, "policy "))
		r = parse_policy(k, line + 7, end);
	else if (startswith(line, "stat "))
		r = parse_stat(k, line + 5, end);
	else if (streq(line, "stat-absent")) {
		k->stat_absent = true;
		r = 0;
	} else if (startswith(line, "sadinfo ")) {
		r = parse_counts(line + 8, end, (const char *const[]){ "count" },
				 (uint64_t *const[]){ &k->sad_count }, 1);
		k->has_sad_count = r == 0;
	} else if (startswith(line, "spdinfo ")) {
		r = parse_counts(line + 8, end, (const char *const[]){ "in", "out", "fwd" },
				 (uint64_t *const[]){ &k->spd_counts[KERNEL_DIR_IN],
						      &k->spd_counts[KERNEL_DIR_OUT],
						      &k->spd_counts[KERNEL_DIR_FWD] },
				 3);
		k->has_spd_counts = r == 0;
	} else if (startswith(line, "end ")) {
		uint64_t sas = 0, policies = 0;

		r = parse_counts(line + 4, end, (const char *const[]){ "sas", "policies" },
				 (uint64_t *const[]){ &sas, &policies }, 2);
		k->complete =
			r == 0 && k->header_ok && sas == k->sa_lines && policies == k->policy_lines;
	} else
		r = -EBADMSG;
	if (k->lines == 1)
		k->header_ok = r == 0;
	if (r < 0)
		k->parse_errors++;
	return r;
}

struct kernel_snapshot *kernel_snapshot_new(void)
{
	return parser_result_new(sizeof(struct kernel_snapshot),
				 offsetof(struct kernel_snapshot, parser), parse_line);
}

struct kernel_snapshot *kernel_snapshot_free(struct kernel_snapshot *k)
{
	if (!k)
		return NULL;
	free(k->sas);
	free(k->policies);
	free(k->stats);
	parser_release(&k->parser);
	free(k);
	return NULL;
}

void kernel_snapshot_reset(struct kernel_snapshot *k)
{
	struct kernel_snapshot keep = {
		.sas = k->sas, .alloc_sas = k->alloc_sas,
		.policies = k->policies, .alloc_policies = k->alloc_policies,
		.stats = k->stats, .alloc_stats = k->alloc_stats,
		.parser = k->parser,
	};

	parser_reset(&keep.parser);
	*k = keep;
}

struct kernel_snapshot *kernel_parse(const char *text, size_t len)
{
	struct kernel_snapshot *k = kernel_snapshot_new();

	parser_parse(&k->parser, text, len);
	return k;
}

const char *kernel_error_to_string(enum kernel_error e)
{
	switch (e) {
	case KERNEL_ERROR_REPLAY_WINDOW:
		return "replay_window";
	case KERNEL_ERROR_REPLAY:
		return "replay";
	case KERNEL_ERROR_INTEGRITY:
		return "integrity";
	case _KERNEL_ERROR_MAX:
		break;
	}
	return "?";
}

const char *kernel_dir_to_string(enum kernel_dir d)
{
	switch (d) {
	case KERNEL_DIR_IN:
		return "in";
	case KERNEL_DIR_OUT:
		return "out";
	case KERNEL_DIR_FWD:
		return "fwd";
	case _KERNEL_DIR_MAX:
		break;
	}
	return "?";
}
