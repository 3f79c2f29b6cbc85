/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Parser for `ipsec whack --addresspoolstatus`, Libreswan 4.0 to 5.x (3.x has no such command).
 * Pure: text in, struct pool_list out.
 *
 * One header line per pool (the pools of the loaded connections that have rightaddresspool=),
 * then two lines per lease ever handed out: its address, state, the connection serial that holds
 * or last held it and the peer ID it is kept for (when reusable); under it the connection, or
 * "connection $N does not exist". Real output (Libreswan 4.10; 5.x is the same without "000 "):
 *
 *   000 address pool 192.0.2.100-192.0.2.109: 10 addresses, 2 leases, 1 in-use, 1 free (2 reusable)
 *   000     192.0.2.100 assigned to $10  C=XX, O=Example Lab, CN=road2.example
 *   000                 "rw"[2] 192.0.2.3
 *   000     192.0.2.101 free $0  C=XX, O=Example Lab, CN=road1.example
 *   000                 connection $0 does not exist
 *   000 address pool 2001:db8:0:3::1-2001:db8:0:3::fff: 4095 addresses, 0 leases, 0 in-use, 0 ...
 *
 * A lease without a reusable name ends after "$N " (a trailing space). The range is everything
 * between "address pool " and the last ": " (an IPv6 range holds colons); 5.4 may add "/N" (the
 * size of each lease). The counts are 32-bit in pluto (an IPv6 pool is capped: 4.x at 2^32-1,
 * 5.x at 3Gi addresses). A lease line belongs to the last pool; a connection line to the last
 * lease. A line that cannot be read is counted in parse_errors and skipped, and closes what was
 * open (an indented line closes the lease, another line the pool), so that no later line is
 * given to the wrong pool or lease.
 */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "parse/parse_pools.h"
#include "parse/whack_line.h"

static char *dup_span(struct pool_list *l, const char *b, const char *e)
{
	return arena_strndup(l->parser.arena, b, (size_t)(e - b));
}

/* Decimal digits at *p followed by the text after: the value, *p moved past both. */
static int number_then(const char **p, const char *after, uint64_t *ret)
{
	const char *e;

	if (whack_read_u64(*p, ret, &e) < 0 || !startswith(e, after))
		return -EBADMSG;
	*p = e + strlen(after);
	return 0;
}

/* "address pool RANGE: N addresses, L leases, U in-use, F free (R reusable)" */
static int parse_pool_line(struct pool_list *l, const char *t, const char *end)
{
	struct pool_entry pool = { 0 };
	const char *colon = NULL, *p;

	t += strlen("address pool ");
	for (const char *q = t; q + 1 < end; q++)
		if (q[0] == ':' && q[1] == ' ')
			colon = q;
	if (!colon || colon == t)
		return -EBADMSG;
	p = colon + 2;
	if (number_then(&p, " addresses, ", &pool.addresses) < 0 ||
	    number_then(&p, " leases, ", &pool.leases) < 0 ||
	    number_then(&p, " in-use, ", &pool.in_use) < 0 ||
	    number_then(&p, " free (", &pool.free) < 0 ||
	    number_then(&p, " reusable)", &pool.reusable) < 0 || p != end)
		return -EBADMSG;
	pool.range = dup_span(l, t, colon);
	pool.first_lease = l->n_leases;
	xgrow((void **)&l->pools, &l->alloc_pools, l->n_pools + 1, sizeof(*l->pools));
	l->pools[l->n_pools++] = pool;
	return 0;
}

/* "ADDRESS assigned to $N[  NAME]" or "ADDRESS free $N[  NAME]" (t after the indentation) */
static int parse_lease_line(struct pool_list *l, const char *t, const char *end)
{
	struct pool_lease lease = { 0 };
	const char *sp = memchr(t, ' ', (size_t)(end - t)), *p;

	if (!sp || sp == t)
		return -EBADMSG;
	p = sp + 1;
	if (startswith(p, "assigned to $")) {
		lease.in_use = true;
		p += strlen("assigned to $");
	} else if (startswith(p, "free $")) {
		p += strlen("free $");
	} else {
		return -EBADMSG;
	}
	if (whack_read_u64(p, &lease.conn_serial, &p) < 0)
		return -EBADMSG;
	if (p < end) {
		/* " " then "" or " NAME" */
		if (*p != ' ')
			return -EBADMSG;
		p++;
		if (p < end) {
			if (*p != ' ' || p + 1 == end)
				return -EBADMSG;
			lease.reusable_name = dup_span(l, p + 1, end);
		}
	}
	lease.address = dup_span(l, t, sp);
	xgrow((void **)&l->leases, &l->alloc_leases, l->n_leases + 1, sizeof(*l->leases));
	l->leases[l->n_leases++] = lease;
	l->pools[l->n_pools - 1].n_leases++;
	return 0;
}

/* `"name"[N] peer` or "connection $N does not exist" (t after the indentation) */
static int parse_conn_line(struct pool_list *l, const char *t, const char *end)
{
	struct pool_lease *lease = &l->leases[l->n_leases - 1];
	struct whack_conn_ref r;
	uint64_t serial;
	const char *e;

	if (startswith(t, "connection $")) {
		if (whack_read_u64(t + strlen("connection $"), &serial, &e) < 0 ||
		    !streq(e, " does not exist"))
			return -EBADMSG;
		return 0;
	}
	if (*t != '"' || whack_conn_ref(t, &r) < 0 || r.name_len == 0)
		return -EBADMSG;
	if (r.end < end && (*r.end != ' ' || r.end + 1 == end))
		return -EBADMSG;
	lease->conn = dup_span(l, r.name, r.name + r.name_len);
	lease->instance = dup_span(l, r.chain, r.chain + r.chain_len);
	if (r.end < end)
		lease->peer = dup_span(l, r.end + 1, end);
	return 0;
}

static int parse_text(struct pool_list *l, const char *t, const char *end, bool truncated)
{
	int r;

	if (*t != ' ') {
		l->pool_open = false;
		l->lease_open = false;
		if (truncated || !startswith(t, "address pool "))
			return -EBADMSG;
		r = parse_pool_line(l, t, end);
		l->pool_open = r == 0;
		return r;
	}
	while (*t == ' ')
		t++;
	if (truncated || !l->pool_open) {
		l->lease_open = false;
		return -EBADMSG;
	}
	if (l->lease_open) {
		l->lease_open = false;
		r = parse_conn_line(l, t, end);
		if (r == 0)
			return 0;
		/* not its connection: perhaps the next lease */
		if (*t == '"' || startswith(t, "connection $"))
			return r;
	}
	r = parse_lease_line(l, t, end);
	l->lease_open = r == 0;
	return r;
}

/* One line as the reader delivers it (writable, prepared in place). */
static int parse_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct pool_list *l = parser_container(base, struct pool_list, parser);
	struct whack_line wl;
	int r = whack_line_take(line, len, flags, &wl, &l->lines, &l->parse_errors, &l->prefixed);

	if (r < 0) {
		/* the entries a NUL cut short go no further */
		l->pool_open = false;
		l->lease_open = false;
	}
	if (r <= 0)
		return r;
	r = parse_text(l, wl.text, wl.text + wl.len, wl.truncated);
	if (r < 0)
		l->parse_errors++;
	return r;
}

struct pool_list *pool_list_new(void)
{
	return parser_result_new(sizeof(struct pool_list), offsetof(struct pool_list, parser),
				 parse_line);
}

struct pool_list *pool_list_free(struct pool_list *l)
{
	if (!l)
		return NULL;
	free(l->pools);
	free(l->leases);
	parser_release(&l->parser);
	free(l);
	return NULL;
}

void pool_list_reset(struct pool_list *l)
{
	struct pool_list keep = {
		.pools = l->pools, .alloc_pools = l->alloc_pools,
		.leases = l->leases, .alloc_leases = l->alloc_leases,
		.parser = l->parser,
	};

	parser_reset(&keep.parser);
	*l = keep;
}

struct pool_list *pool_parse(const char *text, size_t len)
{
	struct pool_list *l = pool_list_new();

	parser_parse(&l->parser, text, len);
	return l;
}
