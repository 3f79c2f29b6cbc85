/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * The connection blocks of `whack --status` (the grammar is described at the
 * top of parse_status.c): a topology line opens a connection, attribute lines
 * (indented) follow. Of a connection, the host addresses of its topology
 * line, its policy (IKE version, UP, GROUP, GROUPINSTANCE), the nicknames of
 * its certificates and, 5.4+, its reqid are kept.
 */
#include "autoconfig.h"

#include <errno.h>

#include "parse/status_private.h"

/* The connection an attribute line belongs to: the last one, if the name and instance match. */
static struct status_conn *current_conn(struct status_summary *s, const struct whack_conn_ref *r)
{
	struct status_conn *c;

	if (s->n_conns == 0 || s->cur_name_len != r->name_len || s->cur_chain_len != r->chain_len)
		return NULL;
	c = &s->conns[s->n_conns - 1];
	return memcmp(c->name, r->name, r->name_len) == 0 &&
			       memcmp(c->instance, r->chain, r->chain_len) == 0
		       ? c
		       : NULL;
}

/*
 * The first (with last, the last) run of three c ("...", "===") in [s, end) outside [ID] and
 * <hostname> brackets; NULL if none.
 */
static inline const char *find_mark(const char *s, const char *end, char c, bool last)
{
	const char *found = NULL;
	int depth = 0;

	for (const char *p = s; p + 3 <= end; p++) {
		if (*p == '[' || *p == '<')
			depth++;
		else if ((*p == ']' || *p == '>') && depth > 0)
			depth--;
		else if (depth == 0 && p[0] == c && p[1] == c && p[2] == c) {
			found = p;
			if (!last)
				break;
		}
	}
	return found;
}

/* End of a host address at p: before '<', '[', '{', "---", "===", ';' or ":proto/port". */
static const char *host_end(const char *p, const char *end)
{
	for (const char *q = p; q < end; q++) {
		if (*q == '<' || *q == '[' || *q == '{' || *q == ';')
			return q;
		if (end - q >= 3 && ((q[0] == '-' && q[1] == '-' && q[2] == '-') ||
				     (q[0] == '=' && q[1] == '=' && q[2] == '=')))
			return q;
		if (*q == ':' && whack_is_digit(q[1])) {
			const char *d = q + 1;

			while (d < end && whack_is_digit(*d))
				d++;
			if (d < end && *d == '/')
				return q;
		}
	}
	return end;
}

/* First "---" in [s, end) before any bracket or "==="; NULL if none. */
static const char *leading_nexthop_sep(const char *s, const char *end)
{
	for (const char *p = s; p + 3 <= end; p++) {
		if (*p == '[' || *p == '<' || *p == '{')
			return NULL;
		if (p[0] == '=' && p[1] == '=' && p[2] == '=')
			return NULL;
		if (p[0] == '-' && p[1] == '-' && p[2] == '-')
			return p;
	}
	return NULL;
}

/* dots: the "..." between the two ends (find_mark() of '.'), NULL if the line was cut before it. */
static void topology_hosts(struct status_summary *s, struct status_conn *c, const char *t,
			   const char *dots, const char *end)
{
	const char *l, *le, *r, *re, *sep;

	if (!dots)
		return;
	sep = find_mark(t, dots, '=', true);
	l = sep ? sep + 3 : t;
	le = host_end(l, dots);
	r = dots + 3;
	sep = leading_nexthop_sep(r, end);
	if (sep)
		r = sep + 3;
	re = host_end(r, end);
	if (le > l && !c->local_host)
		c->local_host = status_dup(s, l, le);
	if (re > r && !c->remote_host)
		c->remote_host = status_dup(s, r, re);
}

/*
 * Topology line: `LEFT...RIGHT; ROUTING; eroute owner: #S` (3.x/4.x) or
 * `LEFT...RIGHT; ROUTING; my_ip=A; their_ip=B;` (5.x). t is after ": ".
 */
static int parse_topology(struct status_summary *s, const struct whack_conn_ref *r, const char *t,
			  bool truncated)
{
	const char *end = t + strlen(t);
	const char *dots = find_mark(t, end, '.', false);
	const char *mark, *rstart, *body_end = end;
	struct status_conn *c;

	if (!dots && !truncated)
		return -EBADMSG;	/* LEFT...RIGHT, unless the cut took the "..." */

	mark = status_rfind(t, end, "; eroute owner: #");
	if (mark) {
		uint64_t owner;
		const char *e;

		if (whack_read_u64(mark + strlen("; eroute owner: #"), &owner, &e) < 0)
			return -EBADMSG;
	} else {
		mark = status_rfind(t, end, "; my_ip=");
		if (mark)
			s->evidence |= EV_V5;
	}
	if (mark) {
		/* "; ROUTING" before the mark ends the hosts (the routing itself is not kept) */
		rstart = status_rfind(t, mark, "; ");
		if (rstart)
			body_end = rstart;
	} else if (!truncated) {
		return -EBADMSG;
	}

	c = current_conn(s, r);
	if (c) {
		/* another SPD of the same connection */
		return 0;
	}
	xgrow((void **)&s->conns, &s->alloc_conns, s->n_conns + 1, sizeof(*s->conns));
	c = &s->conns[s->n_conns++];
	*c = (struct status_conn){
		.name = arena_strndup(s->parser.arena, r->name, r->name_len),
		.instance = arena_strndup(s->parser.arena, r->chain, r->chain_len),
	};
	s->cur_name_len = r->name_len;
	s->cur_chain_len = r->chain_len;
	topology_hosts(s, c, t, dots && dots + 3 <= body_end ? dots : NULL, body_end);
	return 0;
}

/* policy: A+B+C; -> ike_version, UP, GROUP, GROUPINSTANCE. */
static void parse_policy(struct status_conn *c, const char *p)
{
	bool v1_allow = false, v2_allow = false, v2_propose = false;
	int explicit = 0;

	while (*p) {
		size_t n = strcspn(p, "+; ");

#define TOKEN_IS(x) (n == strlen(x) && memcmp(p, x, n) == 0)
		if (TOKEN_IS("UP"))
			c->policy_up = true;
		else if (TOKEN_IS("GROUP"))
			c->policy_group = true;
		else if (TOKEN_IS("GROUPINSTANCE"))
			c->policy_groupinstance = true;
		else if (TOKEN_IS("IKEv1"))
			explicit = 1;
		else if (TOKEN_IS("IKEv2"))
			explicit = 2;
		else if (TOKEN_IS("IKEV1_ALLOW"))
			v1_allow = true;
		else if (TOKEN_IS("IKEV2_ALLOW"))
			v2_allow = true;
		else if (TOKEN_IS("IKEV2_PROPOSE"))
			v2_propose = true;
#undef TOKEN_IS
		p += n;
		if (*p)
			p++;
	}
	/*
	 * 4.x/5.x name the version. 3.x has allow flags; with both allowed
	 * pluto initiates IKEv2 only when IKEV2_PROPOSE is set, so that decides.
	 */
	if (explicit)
		c->ike_version = explicit;
	else if (v2_allow && (!v1_allow || v2_propose))
		c->ike_version = 2;
	else if (v1_allow)
		c->ike_version = 1;
}

/* Value of "KEY#N" / "KEY$N" in s: 1 if found, 0 if not, <0 if the number is malformed. */
static int find_serial(const char *s, const char *key, uint64_t *ret)
{
	const char *p = strstr(s, key);
	const char *e;

	if (!p)
		return 0;
	if (whack_read_u64(p + strlen(key), ret, &e) < 0)
		return -EBADMSG;
	return 1;
}

/*
 * The serials an attribute line carries (after the keys given) are checked
 * (a malformed one makes the line an error) but not kept: nothing reads them.
 */
static int check_serials(const char *a, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		int r = find_serial(a, keys[i], &v);

		if (r < 0)
			return r;
	}
	return 0;
}

/* The keys with a serial of each kind of line (3.x-5.x). */
static const char *const newest_keys[] = {
	"newest ISAKMP SA: #", "newest IKE SA: #",     "newest IPsec SA: #",
	"conn serial: $",      "instantiated from: $",
};
static const char *const established_keys[] = {
	"established IKE SA: #",
	"established ISAKMP SA: #",
	"established Child SA: #",
	"established IPsec SA: #",
};
static const char *const serial_keys[] = { "conn serial: $", "instantiated from: $" };

/*
 * The value of key (e.g. "mycert=") in the attribute line a, where key starts the line or follows
 * "; ". It ends before the first "; " that starts one of the keys pluto prints after it (a nickname
 * may hold "; "), else before the line's last ';' (5.x ends the line with one), else at the end,
 * which a line pluto cut does not count as: there it is not kept. NULL if absent or empty.
 *   3.x/4.x  oriented; my_ip=unset; their_ip=unset; mycert=west; peercert=east; my_updown=...;
 *   5.0-5.3  mycert=west; peercert=east; my_updown=ipsec _updown;
 *   5.4+     mycert=west; peercert=east;
 */
static char *cert_value(struct status_summary *s, const char *a, const char *key, bool truncated)
{
	static const char *const after[] = {
		"; peercert=", "; hiscert=", "; my_updown=", "; leftupdown=",
	};
	size_t klen = strlen(key);
	const char *v, *e = NULL;

	if (strncmp(a, key, klen) == 0) {
		v = a + klen;
	} else {
		char pattern[16] = "; ";

		memcpy(pattern + 2, key, klen + 1);
		v = strstr(a, pattern);
		if (!v)
			return NULL;
		v += klen + 2;
	}
	for (size_t i = 0; i < ELEMENTSOF(after); i++) {
		const char *f = strstr(v, after[i]);

		if (f && (!e || f < e))
			e = f;
	}
	if (!e) {
		if (truncated)
			return NULL;
		e = v + strlen(v);
		if (e > v && e[-1] == ';')
			e--;
	}
	return e > v ? status_dup(s, v, e) : NULL;
}

/* mycert= and peercert= (3.x: hiscert=): on the "oriented;" line of 3.x/4.x, alone in 5.x. */
static void parse_certs(struct status_summary *s, struct status_conn *c, const char *a,
			bool truncated)
{
	if (!c || c->cert || c->peer_cert)
		return;
	c->cert = cert_value(s, a, "mycert=", truncated);
	c->peer_cert = cert_value(s, a, "peercert=", truncated);
	if (!c->peer_cert)
		c->peer_cert = cert_value(s, a, "hiscert=", truncated);
}

/*
 * Attribute lines of a connection block; c may be NULL (filtered output).
 * Dispatched on their first byte: of the ~15-20 lines of a block only these
 * are read (policy, the certificates, the 5.4 reqid) or tell the version
 * (routing/host/newest/conn serial); every other line is left at once.
 */
static int parse_conn_attr(struct status_summary *s, struct status_conn *c, const char *a,
			   bool truncated)
{
	const char *e;
	uint64_t v;

	switch (a[0]) {
	case 'p':
		if (startswith(a, "policy: ") && c)
			parse_policy(c, a + strlen("policy: "));
		else if (startswith(a, "peercert="))
			parse_certs(s, c, a, truncated);
		return 0;
	case 'm':
		if (startswith(a, "mycert="))
			parse_certs(s, c, a, truncated);
		return 0;
	case 'o':
	case 'u':
		if (startswith(a, "oriented; ") || startswith(a, "unoriented; "))
			parse_certs(s, c, a, truncated);
		return 0;
	case 'r':
		if (startswith(a, "reqid: ")) {
			/* 5.4+; the test suite's "REQID" placeholder leaves it unknown */
			s->evidence |= EV_V5;
			if (c && whack_read_u64(a + strlen("reqid: "), &v, &e) == 0 && *e == ';' &&
			    v <= UINT32_MAX)
				c->reqid = (uint32_t)v;
			return 0;
		}
		if (!startswith(a, "routing: "))
			return 0;
		s->evidence |= EV_V5;
		return check_serials(a, established_keys, ELEMENTSOF(established_keys));
	case 'h':
		if (!startswith(a, "host: "))
			return 0;
		s->evidence |= EV_V5;
		return check_serials(a, established_keys, ELEMENTSOF(established_keys));
	case 'n':
		if (!startswith(a, "newest "))
			return 0;
		if (strstr(a, "conn serial: $"))
			s->evidence |= EV_V4PLUS;
		else if (!strstr(a, "newest IKE SA"))
			s->evidence |= EV_V3;
		return check_serials(a, newest_keys, ELEMENTSOF(newest_keys));
	case 'c':
		if (!startswith(a, "conn serial: $"))
			return 0;
		s->evidence |= EV_V5;
		return check_serials(a, serial_keys, ELEMENTSOF(serial_keys));
	default:
		return 0;
	}
}

/* `"name"[N]: ...`: a topology line or an attribute line. */
int status_parse_conn_line(struct status_summary *s, const char *line, bool truncated)
{
	struct whack_conn_ref r;
	const char *p;

	if (whack_conn_ref(line, &r) < 0)
		return -EBADMSG;
	p = r.end;
	if (p[0] != ':' || p[1] != ' ')
		return -EBADMSG;
	p += 2;
	if (*p != ' ') {
		if (*p == '\0')
			return -EBADMSG;
		return parse_topology(s, &r, p, truncated);
	}
	/* attribute lines are indented by 3+ spaces; tolerate 2 */
	if (p[1] != ' ')
		return -EBADMSG;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return -EBADMSG;
	return parse_conn_attr(s, current_conn(s, &r), p, truncated);
}

