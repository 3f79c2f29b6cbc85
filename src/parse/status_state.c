/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * The state list of `whack --status` / `--showstates` (the grammar is
 * described at the top of parse_status.c): a state line per IKE or Child SA,
 * the detail line of an established Child SA (its SAIDs) and pending lines.
 * Of a state, its connection, category, parent reference, timers and DPD /
 * liveness ages are kept; its name and story decide the category and are not.
 */
#include "autoconfig.h"

#include <errno.h>
#include <netinet/in.h>

#include "parse/status_private.h"

/* Same, with an optional '-'. */
static int read_i64(const char *s, int64_t *ret, const char **ret_end)
{
	const char *e = s;

	if (*e == '-')
		e++;
	while (whack_is_digit(*e))
		e++;
	if (e == s || (e == s + 1 && *s == '-'))
		return -EINVAL;
	if (safe_atoi64_n(s, (size_t)(e - s), ret) < 0)
		return -ERANGE;
	*ret_end = e;
	return 0;
}

static bool span_is(const char *b, size_t len, const char *text)
{
	return len == strlen(text) && memcmp(b, text, len) == 0;
}

static bool span_starts(const char *b, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(b, prefix, n) == 0;
}

/* The state's category from its name (when printed) or story; the name also hints at the version.
 */
static void classify_state(struct status_state *st, const char *name, size_t name_len,
			   const char *story, size_t story_len, unsigned *evidence)
{
	const struct status_kind *k = NULL;

	if (name) {
		k = status_kind_by_name(name, name_len);
		/* 3.x-only names; the other STATE_PARENT_ names live on in 4.0-4.4 */
		if (span_is(name, name_len, "STATE_PARENT_I3") ||
		    span_is(name, name_len, "STATE_PARENT_R2") ||
		    span_starts(name, name_len, "STATE_V2_IPSEC_") ||
		    span_starts(name, name_len, "STATE_V2_CREATE_") ||
		    span_is(name, name_len, "STATE_V2_REKEY_IKE_I") ||
		    span_is(name, name_len, "STATE_V2_REKEY_IKE_R") ||
		    span_is(name, name_len, "STATE_V2_REKEY_CHILD_I") ||
		    span_is(name, name_len, "STATE_V2_REKEY_CHILD_R"))
			*evidence |= EV_V3;
		else if (span_starts(name, name_len, "STATE_V2_"))
			*evidence |= EV_V4PLUS;
		else if (!span_starts(name, name_len, "STATE_"))
			*evidence |= EV_V5;
	} else {
		*evidence |= EV_V5;
	}
	if (!k)
		k = status_kind_by_story(story, story_len);
	if (k)
		st->category = k->category;
	/* only established IPsec/Child SAs print a parent reference (FORMATS §10) */
	if (st->is_child)
		st->category = SA_CATEGORY_ESTABLISHED_CHILD;
}

/* Timer kinds after normalisation ("EVENT_v2_SA_REKEY" -> "REKEY"); NULL for those not kept
 * (RETRANSMIT). */
static int64_t *timer_slot(struct status_state *st, const char *name, size_t len)
{
	static const char *const drop[] = { "EVENT_", "v1_", "v2_", "SA_" };

	for (size_t i = 0; i < ELEMENTSOF(drop); i++) {
		size_t n = strlen(drop[i]);

		if (len > n && memcmp(name, drop[i], n) == 0) {
			name += n;
			len -= n;
		}
	}
#define NAME_IS(x) (len == strlen(x) && memcmp(name, x, len) == 0)
	if (NAME_IS("REKEY"))
		return &st->rekey_in;
	if (NAME_IS("REPLACE") || NAME_IS("REPLACE_IF_USED"))
		return &st->replace_in;
	if (NAME_IS("EXPIRE"))
		return &st->expire_in;
#undef NAME_IS
	return NULL;
}

/* One ';'-separated item after the story; -EBADMSG if it is malformed. */
static int parse_state_item(struct status_state *st, const char *b, const char *e,
			    unsigned *evidence)
{
	const char *in, *x;
	uint64_t u;
	int64_t v;

	while (b < e && *b == ' ')
		b++;
	while (e > b && e[-1] == ' ')
		e--;
	if (b == e)
		return 0;

	if ((size_t)(e - b) >= strlen("newest") && memcmp(b, "newest", strlen("newest")) == 0) {
		/* "newest" alone (4.6+), or "newest ISAKMP"/"newest IPSEC" */
		if (e - b == (ptrdiff_t)strlen("newest"))
			*evidence |= EV_V4PLUS;
		return 0;
	}
	if (startswith(b, "isakmp#") || startswith(b, "IKE SA #") || startswith(b, "ISAKMP SA #")) {
		const char *hash = memchr(b, '#', (size_t)(e - b));

		if (whack_read_u64(hash + 1, &u, &x) < 0 || x != e)
			return -EBADMSG;
		if (u == 0)
			return 0;	/* "isakmp#0" (stale 3.x consoles): no parent */
		st->is_child = true;
		if (*b != 'i')
			*evidence |= EV_V4PLUS;	/* "IKE SA #P" / "ISAKMP SA #P": 4.6+ */
		return 0;
	}
	if (startswith(b, "lastdpd=")) {
		if (read_i64(b + strlen("lastdpd="), &v, &x) < 0 || *x != 's' || v == INT64_MIN)
			return -EBADMSG;
		st->lastdpd = v;
		return 0;
	}
	if (startswith(b, "lastlive=")) {
		if (read_i64(b + strlen("lastlive="), &v, &x) < 0 || *x != 's' || v == INT64_MIN)
			return -EBADMSG;
		st->lastlive = v;
		return 0;
	}
	/* "NAME in Ns" (3.25 sanitised: "NAME in  XXs"): NAME is one word, so " in " follows the
	 * first one */
	in = b;
	while (in < e && *in != ' ')
		in++;
	if (e - in < 4 || memcmp(in, " in ", 4) != 0)
		in = NULL;
	if (in && e[-1] == 's') {
		const char *val = in + 4;
		int64_t *slot;

		while (val < e && *val == ' ')
			val++;
		for (const char *n = b; n < in; n++)
			if (!status_is_name_char(*n))
				return 0;	/* not a timer; unknown item, tolerated */
		if (e - val == 3 && memcmp(val, "XXs", 3) == 0)
			return 0;	/* test-suite placeholder: value unknown */
		if (read_i64(val, &v, &x) < 0 || x != e - 1 || v == INT64_MIN)
			return -EBADMSG;
		if (in - b == 4 && memcmp(b, "none", 4) == 0)
			return 0;
		if (!startswith(b, "EVENT_"))
			*evidence |= EV_V4PLUS;	/* short names: 4.5+ */
		slot = timer_slot(st, b, (size_t)(in - b));
		if (slot && (*slot == STATUS_TIMER_NONE || v < *slot))
			*slot = v;
		return 0;
	}
	/* idle; crypto_calculating; nodpd; import:...; unknown items: tolerated */
	return 0;
}

static void state_init(struct status_state *st)
{
	*st = (struct status_state){
		.rekey_in = STATUS_TIMER_NONE,
		.replace_in = STATUS_TIMER_NONE,
		.expire_in = STATUS_TIMER_NONE,
		.lastdpd = STATUS_TIMER_NONE,
		.lastlive = STATUS_TIMER_NONE,
	};
}

/*
 * Find the remote port: the first ":digits" (at most 65535) followed by ' ' or
 * "(tcp)"; the test suite's ":PORT" / ":EPHEM" placeholders are accepted. Only
 * checked: the port is not kept.
 */
static const char *find_port(const char *p, const char **ret_after)
{
	for (; *p; p++) {
		const char *d;
		uint64_t v;

		if (*p != ':')
			continue;
		if (startswith(p, ":PORT ") || startswith(p, ":EPHEM ")) {
			*ret_after = strchr(p, ' ');
			return p;
		}
		if (!whack_is_digit(p[1]))
			continue;
		d = p + 1;
		while (whack_is_digit(*d))
			d++;
		if (*d == ' ' || startswith(d, "(tcp)")) {
			if (safe_atou64_n(p + 1, (size_t)(d - p - 1), &v) < 0 || v > 65535)
				return NULL;
			*ret_after = d;
			return p;
		}
		p = d - 1;
	}
	return NULL;
}

/*
 * The SAIDs of a detail line (t: after the connection reference, up to
 * " Traffic:"). Tokens before the first SAID (an instance's peer) and the
 * `tun.` pseudo-SAs are skipped; so is a SAID whose SPI or address does not
 * parse (a placeholder), though it still counts for the direction.
 */
static void parse_saids(struct status_summary *s, uint64_t serial, const char *t, const char *end)
{
	unsigned seen[3] = { 0 };	/* SAIDs so far per protocol: ESP, AH, IPComp */

	while (t < end) {
		const char *tok, *tok_end, *sep, *at;
		struct status_said sd = { .serial = serial, .state = SIZE_MAX };
		unsigned *count;

		while (t < end && *t == ' ')
			t++;
		if (t >= end)
			break;
		tok = t;
		tok_end = memchr(tok, ' ', (size_t)(end - tok));
		if (!tok_end)
			tok_end = end;
		t = tok_end;
		sep = tok;
		while (sep < tok_end && *sep >= 'a' && *sep <= 'z')
			sep++;
		if (sep == tok_end || (*sep != '.' && *sep != ':'))
			continue;
		sd.id.proto = sa_id_proto_from_name(tok, (size_t)(sep - tok));
		switch (sd.id.proto) {
		case IPPROTO_ESP:
			count = &seen[0];
			break;
		case IPPROTO_AH:
			count = &seen[1];
			break;
		case IPPROTO_COMP:
			count = &seen[2];
			break;
		default:
			continue;	/* tun.0@..., or not a SAID */
		}
		at = memchr(sep, '@', (size_t)(tok_end - sep));
		if (!at)
			continue;
		sd.inbound = (*count)++ % 2 == 1;
		/* the detail line follows its own state line */
		if (s->n_states > 0 && s->states[s->n_states - 1].serial == serial)
			sd.state = s->n_states - 1;
		if (sa_id_parse_spi(sep + 1, (size_t)(at - sep - 1), &sd.id.spi) < 0 ||
		    sa_id_parse_addr(at + 1, (size_t)(tok_end - at - 1), &sd.id) < 0)
			continue;
		xgrow((void **)&s->saids, &s->alloc_saids, s->n_saids + 1, sizeof(*s->saids));
		s->saids[s->n_saids++] = sd;
	}
}

/* "#N: ..." state, traffic detail or pending line; p is after "#". */
int status_parse_hash_line(struct status_summary *s, const char *p, bool truncated)
{
	struct status_state st;
	struct whack_conn_ref r;
	const char *x, *port, *rest, *name = NULL, *story_b, *story_e, *items, *items_end;
	size_t name_len = 0;
	uint64_t serial;
	int ret;

	if (whack_read_u64(p, &serial, &x) < 0)
		return -EBADMSG;
	if (x[0] != ':' || x[1] != ' ')
		return -EBADMSG;
	x += 2;
	if (startswith(x, "pending "))
		return 0;
	if (*x != '"' || whack_conn_ref(x, &r) < 0)
		return -EBADMSG;
	x = strstr(r.end, " Traffic:");
	if (x) {
		if (strstr(r.end, " ref="))
			s->evidence |= EV_V3;
		parse_saids(s, serial, r.end, x);
		return 0;
	}
	if (*r.end != ':' && *r.end != ' ')
		return -EBADMSG;
	port = find_port(r.end, &rest);
	if (!port)
		return -EBADMSG;

	state_init(&st);
	st.serial = serial;
	if (startswith(rest, "(tcp)")) {
		rest += strlen("(tcp)");
		s->evidence |= EV_V4PLUS;
	}
	if (*rest != ' ')
		return -EBADMSG;
	rest++;

	/* NAME (story); or, 5.4+, story; */
	x = rest;
	while (status_is_name_char(*x))
		x++;
	if (status_is_upper(*rest) && x[0] == ' ' && x[1] == '(') {
		story_b = x + 2;
		story_e = strstr(story_b, ");");
		if (story_e) {
			items = story_e + 2;
		} else {
			story_e = strrchr(story_b, ')');
			if (!story_e) {
				if (!truncated)
					return -EBADMSG;
				story_e = story_b + strlen(story_b);
			}
			items = story_e + (*story_e ? 1 : 0);
		}
		name = rest;
		name_len = (size_t)(x - rest);
	} else {
		story_b = rest;
		story_e = strchr(story_b, ';');
		if (!story_e) {
			if (!truncated)
				return -EBADMSG;
			story_e = story_b + strlen(story_b);
			items = story_e;
		} else {
			items = story_e + 1;
		}
	}
	if (story_e == story_b)
		return -EBADMSG;

	/* on a cut line the last item may be partial: ignore it */
	items_end = items + strlen(items);
	if (truncated) {
		const char *semi = strrchr(items, ';');

		items_end = semi ? semi : items;
	}
	ret = 0;
	while (items < items_end) {
		const char *e = memchr(items, ';', (size_t)(items_end - items));

		if (!e)
			e = items_end;
		ret = parse_state_item(&st, items, e, &s->evidence);
		if (ret < 0)
			break;
		items = e < items_end ? e + 1 : e;
	}
	if (ret < 0)
		return ret;

	st.conn = arena_strndup(s->parser.arena, r.name, r.name_len);
	st.instance = arena_strndup(s->parser.arena, r.chain, r.chain_len);
	classify_state(&st, name, name_len, story_b, (size_t)(story_e - story_b), &s->evidence);

	xgrow((void **)&s->states, &s->alloc_states, s->n_states + 1, sizeof(*s->states));
	s->states[s->n_states++] = st;
	return 0;
}

