/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Parser for `ipsec whack --trafficstatus` (`ipsec trafficstatus [NAME]`),
 * Libreswan 3.x, 4.x and 5.x. Pure: text in, struct traffic_list out.
 *
 * One line per established IPsec/Child SA (FORMATS §4):
 *   3.x-4.7  006 #2: "westnet-eastnet", type=ESP, add_time=1234567890, inBytes=336, outBytes=336,
 * id='@east' 3.x-4.x  006 #2: "east-any"[1] 192.1.3.33, username=xnorth, type=ESP,
 * add_time=1234567890, inBytes=336, outBytes=336, lease=192.0.2.100/32 3.x-4.x  006 #2:
 * "private-or-clear#192.1.2.0/24"[1] 10.0.10.1/32=== ...192.1.2.23, type=ESP, add_time=0,
 * inBytes=252, outBytes=252, id='ID_NULL', lease=10.0.10.1/32 4.8-4.15 006 #2: "westnet-eastnet",
 * type=ESP, add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, id='C=CA, O=Libreswan,
 * CN=east' 5.x      #2: "east"[2] 2001:db8:1:2::45, type=ESP(nic-offload=packet),
 * add_time=1234567890, inBytes=188, outBytes=188, maxBytes=1KiB, id='@west',
 * lease=192.3.1.0/32,2001:db8:0:3:1::/128 5.x      #2: "labeled"[1][1] 192.1.2.23, type=ESP,
 * add_time=1234567890, inBytes=64, outBytes=64, maxBytes=2^63B, id='@east' 3.25+    021 no such
 * connection or aliased connection named "X"    (sets unknown_name) 5.x      no connection or alias
 * named "X"                          (sets unknown_name)
 *
 * Fields are found by key, never by position: the optional peer suffix runs
 * to the first ','; username= is raw up to ", type="; type= may carry
 * "(nic-offload=...)" (or "(esp-hw-offload=...)"); add_time, inBytes,
 * outBytes are exact decimals (beyond 2^64-1 the line is not recognised);
 * maxBytes is "2^63B" or a humber "<n>[Ki|Mi|Gi|Ti|Pi|Ei]B"; id='...' is
 * unescaped and runs to the last "'" followed by ", lease=" or the end of
 * the line; lease= is the rest of the line. Unknown ", key=value" fields are
 * skipped. A line cut by pluto at 1024 bytes ("...") or by the reader keeps
 * the fields that are complete before the cut and is marked truncated.
 * An optional "NNN " prefix (3.x/4.x) is removed and sets prefixed. Lines
 * with a NUL byte or otherwise malformed are counted in parse_errors.
 */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "parse/parse_traffic.h"
#include "lib/util.h"
#include "parse/whack_line.h"

#define is_digit whack_is_digit

/* Every string of the list lives in its arena: freed together. */
static char *dup_span(struct traffic_list *l, const char *b, const char *e)
{
	return arena_strndup(l->parser.arena, b, (size_t)(e - b));
}

/* Decimal digits in [b, e) exactly; -EINVAL or -ERANGE otherwise. */
static int span_u64(const char *b, const char *e, uint64_t *ret)
{
	if (e <= b)
		return -EINVAL;
	return safe_atou64_n(b, (size_t)(e - b), ret);
}

/* "2^63B" or "<n>[Ki|Mi|Gi|Ti|Pi|Ei]B" in [b, e). */
static int parse_humber(const char *b, const char *e, uint64_t *ret)
{
	static const char units[] = "KMGTPE";
	const char *d = b;
	uint64_t v;
	int r;

	if (e - b == 5 && memcmp(b, "2^63B", 5) == 0) {
		*ret = TRAFFIC_MAX_BYTES_UNLIMITED;
		return 0;
	}
	if (e <= b || e[-1] != 'B')
		return -EINVAL;
	e--;
	while (d < e && is_digit(*d))
		d++;
	r = span_u64(b, d, &v);
	if (r < 0)
		return r;
	if (d == e) {
		*ret = v;
		return 0;
	}
	if (e - d != 2 || d[1] != 'i')
		return -EINVAL;
	for (size_t i = 0; units[i]; i++) {
		if (d[0] != units[i])
			continue;
		for (size_t k = 0; k <= i; k++) {
			if (v > UINT64_MAX / 1024)
				return -ERANGE;
			v *= 1024;
		}
		*ret = v;
		return 0;
	}
	return -EINVAL;
}

/* Start of the next ", key=" field at or after p (key: letters, digits, '_'); NULL if none. */
static const char *next_field(const char *p)
{
	for (p = strstr(p, ", "); p; p = strstr(p + 1, ", ")) {
		const char *k = p + 2;

		while ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || is_digit(*k) ||
		       *k == '_' || *k == '-')
			k++;
		if (k > p + 2 && *k == '=')
			return p;
	}
	return NULL;
}

/*
 * The fields after "type=": q points at ", " or the end. On a truncated line
 * a field counts only when a complete one follows it. 0 or -EBADMSG.
 */
static int parse_fields(struct traffic_list *l, struct traffic_sa *sa, const char *q,
			bool truncated)
{
	const char *end = q + strlen(q);

	while (*q) {
		const char *key, *eq, *val, *vend;
		size_t klen;
		int r = 0;

		if (q[0] != ',' || q[1] != ' ')
			return truncated ? 0 : -EBADMSG;
		key = q + 2;
		eq = strchr(key, '=');
		if (!eq)
			return truncated ? 0 : -EBADMSG;
		klen = (size_t)(eq - key);
		val = eq + 1;

#define KEY_IS(x) (klen == strlen(x) && memcmp(key, x, klen) == 0)
		if (KEY_IS("id")) {
			const char *lease;

			if (*val != '\'')
				return truncated ? 0 : -EBADMSG;
			/* the last "'" followed by ", lease=" or the end of the line */
			lease = NULL;
			for (const char *f = strstr(val + 1, "', lease="); f;
			     f = strstr(f + 1, "', lease="))
				lease = f;
			if (lease) {
				vend = lease;
			} else if (!truncated && end - val >= 2 && end[-1] == '\'') {
				vend = end - 1;
			} else {
				return truncated ? 0 : -EBADMSG;
			}
			sa->id = dup_span(l, val + 1, vend);
			q = vend + 1;
			continue;
		}
		if (KEY_IS("lease")) {
			if (truncated)
				return 0;
			sa->lease = dup_span(l, val, end);
			return 0;
		}
		vend = next_field(val);
		if (!vend) {
			if (truncated)
				return 0;	/* the last field may be cut */
			vend = end;
		}
		if (KEY_IS("add_time")) {
			r = span_u64(val, vend, &sa->add_time);
		} else if (KEY_IS("inBytes")) {
			r = span_u64(val, vend, &sa->in_bytes);
			sa->has_in_bytes = r == 0;
		} else if (KEY_IS("outBytes")) {
			r = span_u64(val, vend, &sa->out_bytes);
			sa->has_out_bytes = r == 0;
		} else if (KEY_IS("maxBytes")) {
			r = parse_humber(val, vend, &sa->max_bytes);
			sa->has_max_bytes = r == 0;
		}
		/* other keys: a later release's addition; skipped */
#undef KEY_IS
		if (r < 0)
			return -EBADMSG;
		q = vend;
	}
	return 0;
}

/*
 * "#N: "conn"[i] peer, username=u, type=T(o=x), ..." (prefix already removed).
 * On a malformed line the strings already copied stay in the arena until the
 * list is freed or reset.
 */
static int parse_sa(struct traffic_list *l, const char *p, bool truncated)
{
	struct traffic_sa sa = { 0 };
	struct whack_conn_ref r;
	const char *x, *type, *te;

	if (*p != '#')
		return -EBADMSG;
	if (whack_read_u64(p + 1, &sa.serial, &x) < 0)
		return -EBADMSG;
	if (x[0] != ':' || x[1] != ' ' || x[2] != '"' || whack_conn_ref(x + 2, &r) < 0)
		return -EBADMSG;
	x = r.end;

	type = strstr(x, ", type=");
	if (!type)
		return -EBADMSG;
	if (*x == ' ') {
		const char *comma = strchr(x, ',');	/* never NULL: type has one */

		if (comma > x + 1)
			sa.peer = dup_span(l, x + 1, comma);
		x = comma;
	}
	if (x != type) {
		if (!startswith(x, ", username="))
			return -EBADMSG;
		sa.username = dup_span(l, x + strlen(", username="), type);
	}
	sa.conn = dup_span(l, r.name, r.name + r.name_len);
	sa.instance = dup_span(l, r.chain, r.chain + r.chain_len);

	type += strlen(", type=");
	te = type;
	while ((*te >= 'A' && *te <= 'Z') || is_digit(*te) || *te == '_')
		te++;
	if (te == type)
		return -EBADMSG;
	sa.type = dup_span(l, type, te);
	if (*te == '(') {
		const char *eq = strchr(te, '=');
		const char *close = strchr(te, ')');

		if (!eq || !close || eq > close)
			return -EBADMSG;
		sa.offload = dup_span(l, eq + 1, close);
		te = close + 1;
	}
	if (parse_fields(l, &sa, te, truncated) < 0)
		return -EBADMSG;
	sa.truncated = truncated;

	xgrow((void **)&l->sas, &l->alloc_sas, l->n_sas + 1, sizeof(*l->sas));
	l->sas[l->n_sas++] = sa;
	return 0;
}

/* One line as the reader delivers it (writable, prepared in place). */
static int parse_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct traffic_list *l = parser_container(base, struct traffic_list, parser);
	struct whack_line wl;
	int r = whack_line_take(line, len, flags, &wl, &l->lines, &l->parse_errors, &l->prefixed);

	if (r <= 0)
		return r;
	if (wl.code == WHACK_CODE_UNKNOWN_NAME ||
	    startswith(wl.text, "no connection or alias named ") ||
	    startswith(wl.text, "no such connection or aliased connection named ")) {
		l->unknown_name = true;
		return 0;
	}
	if (parse_sa(l, wl.text, wl.truncated) < 0) {
		l->parse_errors++;
		return -EBADMSG;
	}
	return 0;
}

struct traffic_list *traffic_list_new(void)
{
	return parser_result_new(sizeof(struct traffic_list), offsetof(struct traffic_list, parser),
				 parse_line);
}

struct traffic_list *traffic_list_free(struct traffic_list *l)
{
	if (!l)
		return NULL;
	free(l->sas);
	parser_release(&l->parser);
	free(l);
	return NULL;
}

void traffic_list_reset(struct traffic_list *l)
{
	struct traffic_list keep = { .sas = l->sas,
				     .alloc_sas = l->alloc_sas,
				     .parser = l->parser };

	parser_reset(&keep.parser);
	*l = keep;
}

struct traffic_list *traffic_parse(const char *text, size_t len)
{
	struct traffic_list *l = traffic_list_new();

	parser_parse(&l->parser, text, len);
	return l;
}
