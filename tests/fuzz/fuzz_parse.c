/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * The fuzz targets of the parse layer, one per parser, chosen when compiling (FUZZ_PARSE_STATUS,
 * _TRAFFIC, _GLOBAL, _KERNEL, _CERTS or _POOLS). Every target does the same with its input: any
 * bytes, parsed whole and, in place on a copy, in chunks whose sizes come from the input itself;
 * every field and string of the result is read (a dangling or unterminated string shows up under
 * ASan). The two parses must agree: the same summary of every field, the same counts, the same
 * parse errors.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse_certs.h"
#include "parse/parse_global.h"
#include "parse/parse_kernel.h"
#include "parse/parse_pools.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every byte of a string (FNV-1a): a string read past its end, or another string, sums
 * otherwise. */
static uint64_t touch(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

/* Reads every field: equal results walk to equal sums. (inline: each target uses one walk) */
static inline uint64_t walk_status(const struct status_summary *s)
{
	uint64_t n = touch(s->version) + s->n_conns + s->n_states + s->parse_errors;

	for (size_t i = 0; i < s->n_conns; i++)
		n += touch(s->conns[i].name) + touch(s->conns[i].instance) +
		     touch(s->conns[i].local_host) + touch(s->conns[i].remote_host) +
		     s->conns[i].reqid + touch(s->conns[i].cert) + touch(s->conns[i].peer_cert);
	for (size_t i = 0; i < s->n_states; i++)
		n += touch(s->states[i].conn) + touch(s->states[i].instance) +
		     touch(status_sa_category_to_string(s->states[i].category)) +
		     (uint64_t)s->states[i].rekey_in;
	for (size_t i = 0; i < s->n_saids; i++)
		n += s->saids[i].id.spi + s->saids[i].inbound + s->saids[i].id.addr[0];
	return n;
}

static inline uint64_t walk_traffic(const struct traffic_list *l)
{
	uint64_t n = l->n_sas + l->parse_errors;

	for (size_t i = 0; i < l->n_sas; i++) {
		const struct traffic_sa *sa = &l->sas[i];

		n += touch(sa->conn) + touch(sa->instance) + touch(sa->peer) + touch(sa->username) +
		     touch(sa->type) + touch(sa->offload) + touch(sa->id) + touch(sa->lease);
		n += sa->serial + sa->add_time + sa->in_bytes + sa->out_bytes + sa->max_bytes;
	}
	return n;
}

/* Every key is read and looked up again. */
static inline uint64_t walk_global(const struct global_list *l)
{
	uint64_t n = l->n_entries + l->parse_errors, v;

	for (size_t i = 0; i < l->n_entries; i++) {
		n += touch(l->entries[i].key) + l->entries[i].value;
		if (i < 64 && !global_list_get(l, l->entries[i].key, &v))
			abort();
	}
	return n;
}

/* A snapshot that calls itself complete must hold exactly the records its end line announced. */
static inline uint64_t walk_kernel(const struct kernel_snapshot *k)
{
	uint64_t n = k->sad_count + k->n_stats + k->stat_absent + k->complete + k->n_sas +
		     k->parse_errors;

	if (k->complete && !k->header_ok)
		abort();
	for (size_t i = 0; i < k->n_sas; i++) {
		const struct kernel_sa *sa = &k->sas[i];

		n += sa->id.spi + sa->id.proto + sa->id.family + sa->id.addr[15] + sa->reqid +
		     sa->keyed + sa->bytes + sa->packets + sa->add_time;
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			n += sa->errors[e];
	}
	for (size_t i = 0; i < k->n_policies; i++) {
		n += k->policies[i].dir + k->policies[i].n_reqids;
		for (unsigned t = 0; t < k->policies[i].n_reqids; t++)
			n += k->policies[i].reqids[t];
	}
	for (size_t i = 0; i < k->n_stats; i++)
		n += touch(k->stats[i].name) + k->stats[i].value;
	for (size_t d = 0; d < _KERNEL_DIR_MAX; d++)
		n += k->spd_counts[d];
	return n;
}

/*
 * Every certificate, CRL and fetch; a certificate's name lies inside its nickname and finds a
 * certificate of that name again; a date is read only when it was.
 */
static inline uint64_t walk_certs(const struct cert_list *l)
{
	uint64_t n = l->n_certs + l->n_crls + l->n_fetches + l->parse_errors + l->has_end_list +
		     l->has_ca_list + l->has_crl_list;

	for (size_t i = 0; i < l->n_certs; i++) {
		const struct cert_entry *c = &l->certs[i];

		if (!c->nickname != !c->name ||
		    (c->name &&
		     (c->name < c->nickname || c->name > c->nickname + strlen(c->nickname))))
			abort();
		if (i < 64 && c->name && !cert_list_find(l, c->name))
			abort();
		n += touch(c->nickname) + touch(c->name) + touch(c->serial) + touch(c->subject) +
		     touch(c->issuer) + touch(c->key_type) + c->kind + c->root + c->key_bits +
		     c->has_private_key;
		n += c->has_not_before ? (uint64_t)c->not_before : 1;
		n += c->has_not_after ? (uint64_t)c->not_after : 2;
	}
	for (size_t i = 0; i < l->n_crls; i++) {
		const struct cert_crl *c = &l->crls[i];

		n += touch(c->issuer) + (c->has_revoked ? c->revoked : 3);
		n += c->has_this_update ? (uint64_t)c->this_update : 4;
		n += c->has_next_update ? (uint64_t)c->next_update : 5;
	}
	for (size_t i = 0; i < l->n_fetches; i++) {
		const struct cert_crl_fetch *f = &l->fetches[i];

		n += touch(f->issuer) + touch(f->url) + f->attempts +
		     (f->has_time ? (uint64_t)f->time : 6);
	}
	return n;
}

/* Every pool and lease; each pool's leases lie inside the lease array, one after the other. */
static inline uint64_t walk_pools(const struct pool_list *l)
{
	uint64_t n = l->n_pools + l->n_leases + l->parse_errors;
	size_t next = 0;

	for (size_t i = 0; i < l->n_pools; i++) {
		const struct pool_entry *p = &l->pools[i];

		if (p->first_lease != next || p->first_lease + p->n_leases > l->n_leases)
			abort();
		next = p->first_lease + p->n_leases;
		n += touch(p->range) + p->addresses + p->leases + p->in_use + p->free + p->reusable;
	}
	if (next != l->n_leases)
		abort();
	for (size_t i = 0; i < l->n_leases; i++) {
		const struct pool_lease *e = &l->leases[i];

		if (!e->conn != !e->instance)
			abort();
		n += touch(e->address) + touch(e->reusable_name) + touch(e->conn) +
		     touch(e->instance) + touch(e->peer) + e->in_use + e->conn_serial;
	}
	return n;
}

/* The target's parser: its result type, constructor, whole-buffer parse, walk and free. */
#if defined(FUZZ_PARSE_STATUS)
#define RESULT status_summary
#define result_new status_summary_new
#define result_parse status_parse
#define result_walk walk_status
#define result_free status_summary_free
#elif defined(FUZZ_PARSE_TRAFFIC)
#define RESULT traffic_list
#define result_new traffic_list_new
#define result_parse traffic_parse
#define result_walk walk_traffic
#define result_free traffic_list_free
#elif defined(FUZZ_PARSE_GLOBAL)
#define RESULT global_list
#define result_new global_list_new
#define result_parse global_parse
#define result_walk walk_global
#define result_free global_list_free
#elif defined(FUZZ_PARSE_KERNEL)
#define RESULT kernel_snapshot
#define result_new kernel_snapshot_new
#define result_parse kernel_parse
#define result_walk walk_kernel
#define result_free kernel_snapshot_free
#elif defined(FUZZ_PARSE_CERTS)
#define RESULT cert_list
#define result_new cert_list_new
#define result_parse cert_parse
#define result_walk walk_certs
#define result_free cert_list_free
#elif defined(FUZZ_PARSE_POOLS)
#define RESULT pool_list
#define result_new pool_list_new
#define result_parse pool_parse
#define result_walk walk_pools
#define result_free pool_list_free
#else
#error "define one of FUZZ_PARSE_STATUS, _TRAFFIC, _GLOBAL, _KERNEL, _CERTS, _POOLS"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct RESULT *whole = result_parse((const char *)data, size);
	struct RESULT *chunked = result_new();
	size_t step = size > 0 ? 1 + data[0] % 61 : 1;
	char *copy = malloc(size + 1);	/* the chunked parse runs in place, on its own copy */

	if (!copy)
		abort();
	memcpy(copy, data, size);
	for (size_t off = 0; off < size; off += step)
		parser_feed_inplace(&chunked->parser, copy + off,
				    size - off < step ? size - off : step);
	parser_finish(&chunked->parser);
	if (result_walk(whole) != result_walk(chunked))
		abort();
	result_free(whole);
	result_free(chunked);
	free(copy);
	return 0;
}
