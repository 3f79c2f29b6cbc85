/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdlib.h>

#include "lib/config.h"
#include "lib/hashmap.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parse_certs.h"
#include "parse/parse_pools.h"
#include "parse/parse_status.h"
#include "render/family.h"
#include "sources/source.h"

/*
 * Certificates, CRLs and address pools (doc/metrics.md, "Certificates and address pools"): what
 * `whack --utc --listcerts`, `--listcacerts`, `--listcrls` and `--addresspoolstatus` print, read at
 * start-up and then every --certificates.interval (they change rarely), never per scrape. Between
 * two reads the last successful one is served. Every connection's certificate is the `mycert=` of
 * pluto's status, read every cycle by the pluto source: its nickname is kept in the connection (an
 * area of the model) and looked up among the certificates, then the CA certificates that issued it.
 *
 * A read that fails while pluto does not answer its status either is tried again at the next
 * cycle (pluto starting after the exporter); any other failed read waits for the interval.
 * Libreswan 3.x has no --addresspoolstatus (whack refuses the option): once pluto's status shows a
 * 3.x, it is not run, so a 3.x gateway has no pool series and no failing command. The first pool
 * read waits for a status for that reason (one poll cycle after start-up), except with --once,
 * whose only cycle runs everything.
 */

enum {
	CMD_LISTCERTS,
	CMD_LISTCACERTS,
	CMD_LISTCRLS,
	CMD_POOLS,
	_CMD_MAX,
};

#define N_CERT_LISTS 3	/* the commands before CMD_POOLS each fill a struct cert_list */

/* A CA chain longer than this (or a loop of issuers) is not followed further. */
#define CA_CHAIN_MAX 8

static const struct source_command commands[] = {
	[CMD_LISTCERTS] = { .name = "listcerts", .run = SOURCE_RUN_WHACK,
			    .whack_args = { "--utc", "--listcerts" } },
	[CMD_LISTCACERTS] = { .name = "listcacerts", .run = SOURCE_RUN_WHACK,
			      .whack_args = { "--utc", "--listcacerts" } },
	[CMD_LISTCRLS] = { .name = "listcrls", .run = SOURCE_RUN_WHACK,
			   .whack_args = { "--utc", "--listcrls" } },
	[CMD_POOLS] = { .name = "addresspoolstatus", .run = SOURCE_RUN_WHACK,
			.whack_args = { "--addresspoolstatus" } },
};

/* What the source keeps in every connection of the model. */
struct certs_conn {
	/* this cycle's: zeroed at the start of each */
	bool seen;		/* the status listed it with a certificate this cycle */
	/* kept */
	bool has_cert;		/* its certificate is listed: not_after is valid */
	bool has_ca;		/* a CA certificate above it is listed: ca_not_after is valid */
	char *nickname;		/* its mycert=, without NSS's token prefix; NULL: none */
	uint64_t resolved;	/* the generation of the listings it was looked up in; 0: never */
	int64_t not_after;
	int64_t ca_not_after;	/* the earliest notAfter of the CA certificates of its chain */
};

/* One series of the certificate families. */
struct cert_sample {
	const struct cert_entry *e;
	struct metric_label labels[4];
};

struct certs {
	const struct exporter_config *cfg;
	size_t area;			/* struct certs_conn in every connection */
	/* each command's output: cur takes this cycle's run, good holds the last successful one */
	struct cert_list *cur[N_CERT_LISTS];
	struct cert_list *good[N_CERT_LISTS];
	struct pool_list *pools_cur;
	struct pool_list *pools_good;
	bool have[_CMD_MAX];		/* good holds a read */
	bool running[_CMD_MAX];		/* it runs this cycle */
	uint64_t next_due[_CMD_MAX];	/* CLOCK_MONOTONIC usec; 0: at the next cycle */
	uint64_t cycle_start;
	bool status_seen;		/* a status was read: family tells the release */
	enum status_family family;
	bool ever_named;		/* a connection had a certificate once */
	/* what the good listings say, made again when one of them changes */
	uint64_t gen;			/* their generation, from 1 */
	struct hashmap by_name;		/* nickname -> its best struct cert_entry */
	struct hashmap ca_by_subject;	/* subject -> its best CA's struct cert_entry */
	struct cert_sample *samples;	/* the certificates, one per label set */
	size_t n_samples;
	const struct cert_crl **crls;	/* one per issuer */
	size_t n_crls;
};

static struct certs_conn *cconn(const struct certs *s, const struct model_conn *c)
{
	return model_conn_area(c, s->area);
}

static void certs_conn_free(void *area)
{
	struct certs_conn *cc = area;

	free(cc->nickname);
}

/* Of two certificates known by one name: an end certificate first, then the later notAfter. */
static bool better_named(const struct cert_entry *a, const struct cert_entry *b)
{
	if (a->kind != b->kind)
		return a->kind == CERT_KIND_END;
	if (a->has_not_after != b->has_not_after)
		return a->has_not_after;
	return a->not_after > b->not_after;
}

/* Of two certificates of one label set (or two CAs of one subject): the later (a renewal). */
static bool later(const struct cert_entry *a, const struct cert_entry *b)
{
	if (a->has_not_after != b->has_not_after)
		return a->has_not_after;
	return a->not_after > b->not_after;
}

/* The same certificate may be listed by several commands (or twice, as NSS keeps a renewal
 * next to the certificate it renews): one series per label set, the latest. */
static void add_sample(struct certs *s, struct hashmap *seen, struct strbuf *key,
		       const struct cert_entry *e)
{
	const char *name = e->name ? e->name : "";
	const char *kind = e->kind == CERT_KIND_CA ? "ca" : "end";
	const char *subject = e->subject ? e->subject : "";
	const char *issuer = e->issuer ? e->issuer : "";
	void *pos;

	strbuf_reset(key);
	strbuf_appendf(key, "%s%c%s%c%s%c%s", name, 0x1f, kind, 0x1f, subject, 0x1f, issuer);
	pos = hashmap_get(seen, key->buf);
	if (pos) {
		struct cert_sample *old = &s->samples[(uintptr_t)pos - 1];

		if (later(e, old->e))
			old->e = e;
		return;
	}
	s->samples[s->n_samples] = (struct cert_sample){
		.e = e,
		.labels = { LABEL("nickname", name), LABEL("kind", kind), LABEL("subject", subject),
			    LABEL("issuer", issuer) },
	};
	(void)hashmap_put(seen, key->buf, (void *)(uintptr_t)++s->n_samples);
}

/* One CRL per issuer: the newer (a later thisUpdate). */
static void add_crl(struct certs *s, struct hashmap *seen, const struct cert_crl *c)
{
	const char *issuer = c->issuer ? c->issuer : "";
	uintptr_t pos = (uintptr_t)hashmap_get(seen, issuer);
	const struct cert_crl *old;

	if (!pos) {
		s->crls[s->n_crls] = c;
		(void)hashmap_put(seen, issuer, (void *)(uintptr_t)++s->n_crls);
		return;
	}
	old = s->crls[pos - 1];
	if (c->has_this_update && (!old->has_this_update || c->this_update > old->this_update))
		s->crls[pos - 1] = c;
}

/* The indexes and series of the good listings, made again after one of them changed. */
static void index_listings(struct certs *s)
{
	struct hashmap seen = HASHMAP_INIT, crl_seen = HASHMAP_INIT_BORROWED;
	struct strbuf key = STRBUF_INIT;
	size_t n_certs = 0, n_crls = 0;

	hashmap_clear(&s->by_name);
	hashmap_clear(&s->ca_by_subject);
	for (size_t l = 0; l < N_CERT_LISTS; l++) {
		if (!s->have[l])
			continue;
		n_certs += s->good[l]->n_certs;
		n_crls += s->good[l]->n_crls;
	}
	free(s->samples);
	free(s->crls);
	s->samples = xcalloc(n_certs + 1, sizeof(*s->samples));
	s->crls = xcalloc(n_crls + 1, sizeof(*s->crls));
	s->n_samples = s->n_crls = 0;
	for (size_t l = 0; l < N_CERT_LISTS; l++) {
		const struct cert_list *list = s->good[l];

		if (!s->have[l])
			continue;
		for (size_t i = 0; i < list->n_certs; i++) {
			const struct cert_entry *e = &list->certs[i], *old;

			add_sample(s, &seen, &key, e);
			if (e->name) {
				old = hashmap_get(&s->by_name, e->name);
				if (!old || better_named(e, old))
					(void)hashmap_put(&s->by_name, e->name, (void *)e);
			}
			if (e->kind == CERT_KIND_CA && e->subject) {
				old = hashmap_get(&s->ca_by_subject, e->subject);
				if (!old || later(e, old))
					(void)hashmap_put(&s->ca_by_subject, e->subject, (void *)e);
			}
		}
		for (size_t i = 0; i < list->n_crls; i++)
			add_crl(s, &crl_seen, &list->crls[i]);
	}
	hashmap_clear(&seen);
	hashmap_clear(&crl_seen);
	strbuf_release(&key);
	s->gen++;
}

/* A connection's certificate and the CA certificates above it, in the good listings. */
static void resolve(const struct certs *s, struct certs_conn *cc)
{
	const struct cert_entry *e = cc->nickname ? hashmap_get(&s->by_name, cc->nickname) : NULL;
	const char *subject, *issuer;

	cc->resolved = s->gen;
	cc->has_cert = e && e->has_not_after;
	cc->has_ca = false;
	if (!e)
		return;
	cc->not_after = e->not_after;
	subject = e->subject;
	issuer = e->issuer;
	/* up the chain to a self-signed root, as far as the CA certificates are listed */
	for (size_t depth = 0; depth < CA_CHAIN_MAX && issuer; depth++) {
		const struct cert_entry *ca;

		if (subject && streq(subject, issuer))
			break;	/* self-signed */
		ca = hashmap_get(&s->ca_by_subject, issuer);
		if (!ca)
			break;
		if (ca->has_not_after && (!cc->has_ca || ca->not_after < cc->ca_not_after)) {
			cc->ca_not_after = ca->not_after;
			cc->has_ca = true;
		}
		subject = ca->subject;
		issuer = ca->issuer;
	}
}

static void forget(struct certs_conn *cc)
{
	free(cc->nickname);
	cc->nickname = NULL;
	cc->has_cert = cc->has_ca = false;
	cc->resolved = 0;
}

/* This cycle's status: each connection's certificate (the first of it and its instances). */
static void take_status(struct certs *s, struct model *m, const struct status_summary *st)
{
	bool any = false;

	for (size_t i = 0; i < st->n_conns && !any; i++)
		any = st->conns[i].cert && st->conns[i].cert[0];
	if (!any && !s->ever_named)
		return;	/* no certificates here (a PSK gateway): nothing to do */
	for (size_t i = 0; i < st->n_conns; i++) {
		const struct status_conn *sc = &st->conns[i];
		const char *name = sc->cert ? cert_nickname_unqualified(sc->cert) : NULL;
		struct model_conn *c;
		struct certs_conn *cc;

		if (!name || !name[0])
			continue;
		c = model_conn_find(m, sc->name, sc->instance);
		if (!c)
			continue;
		cc = cconn(s, c);
		if (cc->seen)
			continue;
		cc->seen = true;
		s->ever_named = true;
		if (!cc->nickname || !streq(cc->nickname, name)) {
			forget(cc);
			cc->nickname = xstrdup(name);
		}
	}
}

/*
 * Every connection: one that this cycle's status lists without a certificate forgets its old
 * one (status_read); one whose nickname or the listings changed looks its certificate up.
 */
static void refresh_conns(const struct certs *s, const struct model *m, bool status_read)
{
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);

	for (size_t i = 0; i < n; i++) {
		struct certs_conn *cc = cconn(s, conns[i]);

		render_conn_prefetch(conns, i, n);
		if (status_read && model_conn_listed(m, conns[i]) && !cc->seen && cc->nickname)
			forget(cc);
		if (cc->nickname && cc->resolved != s->gen)
			resolve(s, cc);
	}
}

static bool has_cert(const struct model *m, const struct model_conn *c, const void *ctx)
{
	return model_conn_listed(m, c) && cconn(ctx, c)->has_cert;
}

static bool has_ca(const struct model *m, const struct model_conn *c, const void *ctx)
{
	return model_conn_listed(m, c) && cconn(ctx, c)->has_ca;
}

/* Unix seconds; a date before 1970 (no certificate in use has one) as 0. */
static uint64_t unix_u64(int64_t t)
{
	return t < 0 ? 0 : (uint64_t)t;
}

static uint64_t v_not_after(const struct model_conn *c, const void *ctx)
{
	return unix_u64(cconn(ctx, c)->not_after);
}

static uint64_t v_ca_not_after(const struct model_conn *c, const void *ctx)
{
	return unix_u64(cconn(ctx, c)->ca_not_after);
}

static void render_connections(const struct certs *s, struct metrics_writer *w,
			       const struct cycle *cy)
{
	const struct conn_family families[] = {
		{ "libreswan_connection_certificate_not_after_timestamp_seconds", METRIC_TYPE_GAUGE,
		  "notAfter (Unix time) of the certificate the connection authenticates with "
		  "(its mycert=).",
		  v_not_after, has_cert, s, true },
		{ "libreswan_connection_ca_certificate_not_after_timestamp_seconds",
		  METRIC_TYPE_GAUGE,
		  "The earliest notAfter (Unix time) of the CA certificates that issued the "
		  "connection's certificate, up to its root, as far as pluto lists them.",
		  v_ca_not_after, has_ca, s, true },
	};

	if (!s->ever_named)
		return;
	for (size_t i = 0; i < ELEMENTSOF(families); i++)
		render_conn_family(w, cy->cache, cy->model, &families[i]);
}

/* A family of one sample per certificate that has the date (not_after or not_before). */
static void render_cert_dates(const struct certs *s, struct metrics_writer *w, bool after)
{
	const char *name = after ? "libreswan_certificate_not_after_timestamp_seconds"
				 : "libreswan_certificate_not_before_timestamp_seconds";
	const char *help = after ? "notAfter (Unix time) of a certificate in pluto's NSS database "
				   "(kind: end or ca)."
				 : "notBefore (Unix time) of a certificate in pluto's NSS database "
				   "(kind: end or ca).";
	bool begun = false;

	for (size_t i = 0; i < s->n_samples; i++) {
		const struct cert_entry *e = s->samples[i].e;

		if (!(after ? e->has_not_after : e->has_not_before))
			continue;
		if (!begun) {
			metrics_family(w, name, METRIC_TYPE_GAUGE, help);
			begun = true;
		}
		metrics_sample_i64(w, s->samples[i].labels, 4,
				   after ? e->not_after : e->not_before);
	}
}

enum crl_family {
	CRL_THIS_UPDATE,
	CRL_NEXT_UPDATE,
	CRL_REVOKED,
	_CRL_FAMILY_MAX,
};

static void render_crls(const struct certs *s, struct metrics_writer *w)
{
	static const struct {
		const char *name;
		const char *help;
	} families[] = {
		[CRL_THIS_UPDATE] = { "libreswan_crl_this_update_timestamp_seconds",
				      "thisUpdate (Unix time) of the CRL pluto holds for the "
				      "issuer: when it was issued." },
		[CRL_NEXT_UPDATE] = { "libreswan_crl_next_update_timestamp_seconds",
				      "nextUpdate (Unix time) of the CRL pluto holds for the "
				      "issuer: it is stale after this." },
		[CRL_REVOKED] = { "libreswan_crl_revoked_certificates",
				  "Certificates the issuer's CRL revokes." },
	};

	for (size_t f = 0; f < _CRL_FAMILY_MAX; f++) {
		bool begun = false;

		for (size_t i = 0; i < s->n_crls; i++) {
			const struct cert_crl *c = s->crls[i];
			struct metric_label l = LABEL("issuer", c->issuer ? c->issuer : "");
			bool has = f == CRL_THIS_UPDATE	  ? c->has_this_update
				   : f == CRL_NEXT_UPDATE ? c->has_next_update
							  : c->has_revoked;

			if (!has)
				continue;
			if (!begun) {
				metrics_family(w, families[f].name, METRIC_TYPE_GAUGE,
					       families[f].help);
				begun = true;
			}
			if (f == CRL_REVOKED)
				metrics_sample_u64(w, &l, 1, c->revoked);
			else if (f == CRL_THIS_UPDATE)
				metrics_sample_i64(w, &l, 1, c->this_update);
			else
				metrics_sample_i64(w, &l, 1, c->next_update);
		}
	}
}

/*
 * A pool's addresses by state, which add up to its size: in_use (held by a connection), reusable
 * (free again, but kept for the peer that had it: pluto gives it back to that peer, and to
 * another only when nothing else is left), free (every other address: on pluto's free list, or
 * never handed out). Pluto's own "free" counts only the leases it made (it makes them as the
 * pool is used), and its "reusable" the leases kept for a peer whether in use or not.
 */
static void pool_states(const struct pool_list *l, const struct pool_entry *p, uint64_t ret[3])
{
	uint64_t lingering = 0, rest;

	for (size_t i = p->first_lease; i < p->first_lease + p->n_leases && i < l->n_leases; i++)
		lingering += !l->leases[i].in_use && l->leases[i].reusable_name;
	ret[0] = p->in_use < p->addresses ? p->in_use : p->addresses;
	rest = p->addresses - ret[0];
	ret[1] = lingering < rest ? lingering : rest;
	ret[2] = rest - ret[1];
}

static void render_pools(const struct certs *s, struct metrics_writer *w)
{
	static const char *const states[] = { "in_use", "reusable", "free" };
	const struct pool_list *l = s->pools_good;
	struct hashmap seen = HASHMAP_INIT_BORROWED;

	if (!s->have[CMD_POOLS] || l->n_pools == 0)
		return;
	metrics_family(w, "libreswan_address_pool_addresses", METRIC_TYPE_GAUGE,
		       "Addresses in the address pool (rightaddresspool=), by its range as pluto "
		       "prints it.");
	for (size_t i = 0; i < l->n_pools; i++) {
		struct metric_label pool = LABEL("pool", l->pools[i].range);

		if (hashmap_get(&seen, l->pools[i].range))
			continue;	/* a range listed twice would be a duplicate series */
		(void)hashmap_put(&seen, l->pools[i].range, (void *)(uintptr_t)(i + 1));
		metrics_sample_u64(w, &pool, 1, l->pools[i].addresses);
	}
	metrics_family(w, "libreswan_address_pool_leases", METRIC_TYPE_GAUGE,
		       "Addresses of the pool by state: in_use (leased to a connection), "
		       "reusable (free, kept for the peer that had it), free (any other); they add "
		       "up to the pool's addresses.");
	for (size_t i = 0; i < l->n_pools; i++) {
		uint64_t v[3];

		if ((uintptr_t)hashmap_get(&seen, l->pools[i].range) != i + 1)
			continue;
		pool_states(l, &l->pools[i], v);
		for (size_t k = 0; k < ELEMENTSOF(states); k++) {
			struct metric_label labels[] = { LABEL("pool", l->pools[i].range),
							 LABEL("state", states[k]) };

			metrics_sample_u64(w, labels, 2, v[k]);
		}
	}
	hashmap_clear(&seen);
}

static void *certs_new(const struct source_env *env)
{
	struct certs *s = xcalloc(1, sizeof(*s));

	s->cfg = env->cfg;
	s->area = model_add_conn_area(env->model, sizeof(struct certs_conn),
				      offsetof(struct certs_conn, has_cert), certs_conn_free);
	for (size_t l = 0; l < N_CERT_LISTS; l++) {
		s->cur[l] = cert_list_new();
		s->good[l] = cert_list_new();
	}
	s->pools_cur = pool_list_new();
	s->pools_good = pool_list_new();
	s->by_name = (struct hashmap)HASHMAP_INIT_BORROWED;
	s->ca_by_subject = (struct hashmap)HASHMAP_INIT_BORROWED;
	s->gen = 1;
	return s;
}

static void certs_free(void *self)
{
	struct certs *s = self;

	for (size_t l = 0; l < N_CERT_LISTS; l++) {
		cert_list_free(s->cur[l]);
		cert_list_free(s->good[l]);
	}
	pool_list_free(s->pools_cur);
	pool_list_free(s->pools_good);
	hashmap_clear(&s->by_name);
	hashmap_clear(&s->ca_by_subject);
	free(s->samples);
	free(s->crls);
	free(s);
}

/* Whether command i is to run this cycle (on the loop, at its start). */
static bool due(const struct certs *s, size_t i, uint64_t now)
{
	const struct exporter_config *cfg = s->cfg;

	if (config_uses_inputs(cfg))
		return true;	/* the files are read every cycle, as every other --input.* */
	if (!cfg->collector_certificates)
		return false;
	if (i == CMD_POOLS && (s->family == STATUS_FAMILY_3 || (!s->status_seen && !cfg->once)))
		return false;	/* 3.x has none; before a status, the release is unknown */
	/* half a poll interval early rather than one cycle late */
	return now + cfg->poll_interval_usec / 2 >= s->next_due[i];
}

static void certs_begin(void *self, unsigned requests)
{
	struct certs *s = self;

	s->cycle_start = now_monotonic_usec();
	for (size_t i = 0; i < _CMD_MAX; i++) {
		s->running[i] = due(s, i, s->cycle_start);
		if (!s->running[i])
			continue;
		if (i == CMD_POOLS)
			pool_list_reset(s->pools_cur);
		else
			cert_list_reset(s->cur[i]);
	}
}

static bool certs_enabled(void *self, size_t i)
{
	struct certs *s = self;

	return s->running[i];
}

static struct parser *certs_parser(void *self, size_t i)
{
	struct certs *s = self;

	return i == CMD_POOLS ? &s->pools_cur->parser : &s->cur[i]->parser;
}

static bool certs_judge(void *self, size_t i, uint64_t *ret_parse_errors)
{
	struct certs *s = self;

	*ret_parse_errors = i == CMD_POOLS ? s->pools_cur->parse_errors : s->cur[i]->parse_errors;
	return true;
}

static void certs_update(void *self, struct cycle *cy, const bool *usable)
{
	struct certs *s = self;
	bool changed = false;

	if (cy->status) {
		s->status_seen = true;
		s->family = cy->status->family;
	}
	for (size_t i = 0; i < _CMD_MAX; i++) {
		if (!s->running[i])
			continue;
		s->running[i] = false;
		/* pluto did not answer at all: again at the next cycle; else after the interval */
		if (usable[i] || cy->stats->up)
			s->next_due[i] = s->cycle_start + s->cfg->certificates_interval_usec;
		else
			s->next_due[i] = 0;
		if (!usable[i])
			continue;	/* the last good read stays */
		s->have[i] = true;
		if (i == CMD_POOLS) {
			struct pool_list *t = s->pools_good;

			s->pools_good = s->pools_cur;
			s->pools_cur = t;
		} else {
			struct cert_list *t = s->good[i];

			s->good[i] = s->cur[i];
			s->cur[i] = t;
			changed = true;
		}
	}
	if (changed)
		index_listings(s);
	if (cy->status)
		take_status(s, cy->model, cy->status);
	if (s->ever_named && (changed || cy->status))
		refresh_conns(s, cy->model, cy->status != NULL);
}

static void certs_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			 enum page_section section)
{
	struct certs *s = self;

	if (section == PAGE_SECTION_OVERVIEW) {
		render_cert_dates(s, w, true);
		render_cert_dates(s, w, false);
		render_crls(s, w);
		render_pools(s, w);
	} else if (section == PAGE_SECTION_CONNECTIONS_TIMES) {
		render_connections(s, w, cy);
	}
}

const struct source_ops source_certs = {
	.name = "certs",
	.commands = commands,
	.n_commands = ELEMENTSOF(commands),
	.new = certs_new,
	.free = certs_free,
	.enabled = certs_enabled,
	.begin = certs_begin,
	.parser = certs_parser,
	.judge = certs_judge,
	.update = certs_update,
	.render = certs_render,
};
