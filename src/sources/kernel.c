/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <netinet/in.h>
#include <string.h>

#include "lib/config.h"
#include "lib/hashmap.h"
#include "lib/log.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parse_kernel.h"
#include "parse/parse_status.h"
#include "render/family.h"
#include "sources/source.h"

/*
 * The kernel's view (XFRM), joined to pluto's connections (doc/kernel.md). Every poll cycle the
 * helper (src/xfrm), which alone holds CAP_NET_ADMIN, prints the kernel's SAs and policies; every
 * SAID of an established Child SA that pluto lists (protocol, SPI, destination) is looked up among
 * the kernel's SAs. A kernel SA found that way is tracked (by its kernel identity) with its packet
 * and error counters for as long as the kernel holds it, whatever pluto says later, and its last
 * values are retired into its connection when it goes away, like the byte counters: kernel
 * counters are 64-bit, so a value that goes down, or another add_time under the same identity (an
 * SA deleted and added again with the same SPI), is a new SA. Policies carry no SPI: they are
 * counted per connection by the reqids of its SAs.
 */

enum {
	CMD_KERNEL,
};

static const struct source_command commands[] = {
	[CMD_KERNEL] = { .name = "kernel",
			 .run = SOURCE_RUN_HELPER,
			 .privilege = SOURCE_PRIVILEGE_KERNEL },
};

/* A kernel SA once joined to a connection, tracked while the kernel holds it. */
struct tracked_sa {
	struct sa_id id;
	char *conn_key;		/* map key of the connection it counts towards */
	bool inbound;
	uint32_t reqid;
	uint64_t add_time;	/* the kernel's; another value under the same id is another SA */
	uint64_t packets;	/* last values read */
	uint64_t errors[_KERNEL_ERROR_MAX];
};

/* What the source keeps in every connection of the model. */
struct kernel_conn {
	/* this cycle's: zeroed at the start of each */
	bool policies_known;	/* a reqid of it is known: policies is valid */
	unsigned sas;		/* kernel SAs of its established Child SAs */
	unsigned sas_missing;	/* SAIDs of its established Child SAs that the kernel lacks */
	unsigned policies[_KERNEL_DIR_MAX];
	uint64_t live_packets[2];	/* [0] in, [1] out: the tracked SAs' last values */
	uint64_t live_errors[_KERNEL_ERROR_MAX];
	/* kept */
	bool tracked;		/* a kernel SA was joined to it since the exporter started */
	uint64_t retired_packets[2];
	uint64_t retired_errors[_KERNEL_ERROR_MAX];
};

struct kernel {
	const struct exporter_config *cfg;
	size_t first_command;
	size_t area;			/* struct kernel_conn in every connection */
	/* this cycle's output: emptied each cycle, its memory reused */
	struct kernel_snapshot *snap;
	struct hashmap tracked;		/* sa_id_key -> struct tracked_sa */
	/* decimal serial -> struct sa_kernel_counters (per-SA opt-in) */
	struct hashmap sa_counters;
	bool read;			/* this cycle read the kernel */
	bool joined;			/* ... and pluto's status: the join ran */
	uint64_t larval;		/* SAs without algorithms or with SPI 0 */
	/* ESP/AH/IPComp SAs no established Child SA of pluto lists */
	uint64_t unclaimed;
};

static struct kernel_conn *kconn(const struct kernel *kn, const struct model_conn *c)
{
	return model_conn_area(c, kn->area);
}

/*
 * An index of a snapshot's SAs by identity (open addressing over their
 * positions), so that the join costs no allocation per SA.
 */
struct kindex {
	uint32_t *slots;	/* position + 1; 0 = empty */
	size_t mask;
};

#define KINDEX_NONE SIZE_MAX

static void kindex_build(struct kindex *ix, const struct kernel_snapshot *k)
{
	size_t n = 16;

	while (n < 2 * k->n_sas)
		n *= 2;
	ix->slots = xcalloc(n, sizeof(*ix->slots));
	ix->mask = n - 1;
	for (size_t i = 0; i < k->n_sas && i < UINT32_MAX - 1; i++) {
		size_t h;

		if (k->sas[i].id.family == 0)
			continue;	/* no address: cannot be joined */
		h = (size_t)sa_id_hash(&k->sas[i].id) & ix->mask;
		while (ix->slots[h])
			h = (h + 1) & ix->mask;
		ix->slots[h] = (uint32_t)i + 1;
	}
}

static size_t kindex_find(const struct kindex *ix, const struct kernel_snapshot *k,
			  const struct sa_id *id)
{
	size_t h = (size_t)sa_id_hash(id) & ix->mask;

	for (; ix->slots[h]; h = (h + 1) & ix->mask)
		if (sa_id_equal(&k->sas[ix->slots[h] - 1].id, id))
			return ix->slots[h] - 1;
	return KINDEX_NONE;
}

/* reqid -> connection, for the policies (which carry no SPI). Open addressing, no deletion. */
struct reqmap {
	uint32_t *keys;		/* 0 = empty (reqid 0 is never a connection's) */
	struct model_conn **conns;
	size_t mask;
	size_t n;
};

static void reqmap_put(struct reqmap *r, uint32_t reqid, struct model_conn *c)
{
	size_t h;

	if (reqid == 0)
		return;
	if (2 * (r->n + 1) > r->mask + 1 || !r->keys) {
		struct reqmap bigger = { 0 };
		size_t n = r->keys ? 2 * (r->mask + 1) : 64;

		bigger.keys = xcalloc(n, sizeof(*bigger.keys));
		bigger.conns = xcalloc(n, sizeof(*bigger.conns));
		bigger.mask = n - 1;
		for (size_t i = 0; r->keys && i <= r->mask; i++)
			if (r->keys[i])
				reqmap_put(&bigger, r->keys[i], r->conns[i]);
		free(r->keys);
		free(r->conns);
		*r = bigger;
	}
	h = (reqid * UINT64_C(0x9E3779B97F4A7C15)) >> 7 & r->mask;
	while (r->keys[h] && r->keys[h] != reqid)
		h = (h + 1) & r->mask;
	if (!r->keys[h])
		r->n++;
	r->keys[h] = reqid;
	r->conns[h] = c;
}

static struct model_conn *reqmap_get(const struct reqmap *r, uint32_t reqid)
{
	size_t h;

	if (!r->keys || reqid == 0)
		return NULL;
	h = (reqid * UINT64_C(0x9E3779B97F4A7C15)) >> 7 & r->mask;
	for (; r->keys[h]; h = (h + 1) & r->mask)
		if (r->keys[h] == reqid)
			return r->conns[h];
	return NULL;
}

static void tracked_free(struct tracked_sa *s)
{
	free(s->conn_key);
	free(s);
}

/* Move a kernel SA's last values into its connection's retired totals. */
static void tracked_retire(const struct kernel *kn, const struct model *m, struct tracked_sa *s)
{
	struct model_conn *c = model_conn_get(m, s->conn_key);

	if (c) {
		struct kernel_conn *kc = kconn(kn, c);

		kc->retired_packets[!s->inbound] += s->packets;
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			kc->retired_errors[e] += s->errors[e];
	}
	s->packets = 0;
	memset(s->errors, 0, sizeof(s->errors));
}

/* Take the kernel's current values of a tracked SA; a replaced SA is retired first. */
static void tracked_update(const struct kernel *kn, const struct model *m, struct tracked_sa *s,
			   const struct kernel_sa *k)
{
	bool replaced = s->add_time != k->add_time || k->packets < s->packets;

	for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
		replaced = replaced || k->errors[e] < s->errors[e];
	if (replaced) {
		tracked_retire(kn, m, s);
		s->add_time = k->add_time;
	}
	s->packets = k->packets;
	memcpy(s->errors, k->errors, sizeof(s->errors));
	s->reqid = k->reqid;
}

/* Track the kernel SA joined to connection c; its entry is made (from zero) when new. */
static void tracked_claim(struct kernel *kn, const struct model *m, const struct sa_id *id,
			  const struct model_conn *c, bool inbound)
{
	char key[SA_ID_KEY_MAX];
	struct tracked_sa *s = hashmap_get(&kn->tracked, sa_id_key(id, key));

	if (s && !streq(s->conn_key, c->map_key)) {
		/* the SPI now belongs to another connection: a different SA */
		tracked_retire(kn, m, s);
		tracked_free(hashmap_remove(&kn->tracked, key));
		s = NULL;
	}
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->id = *id;
		s->conn_key = xstrdup(c->map_key);
		s->inbound = inbound;
		(void)hashmap_put(&kn->tracked, key, s);
	}
}

static void sa_counters_clear(struct kernel *kn)
{
	size_t i = 0;
	void *v;

	while (hashmap_next(&kn->sa_counters, &i, NULL, &v))
		free(v);
	hashmap_clear(&kn->sa_counters);
}

/* The kernel's counters of a pluto Child SA, for the per-SA opt-in series. */
static void sa_counters_add(struct kernel *kn, uint64_t serial, bool inbound,
			    const struct kernel_sa *k)
{
	char buf[MODEL_SERIAL_KEY_MAX];
	const char *key = model_serial_key(buf, serial);
	struct sa_kernel_counters *sc = hashmap_get(&kn->sa_counters, key);

	if (!sc) {
		sc = xcalloc(1, sizeof(*sc));
		(void)hashmap_put(&kn->sa_counters, key, sc);
	}
	sc->packets[!inbound] += k->packets;
	for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
		sc->errors[e] += k->errors[e];
}

/* reqids of a connection's SAs: Libreswan numbers them from a base, AH +0, ESP +1, IPComp +2. */
static void reqmap_put_base(struct reqmap *r, uint32_t base, struct model_conn *c)
{
	/* manual reqids (<= 0x3fff) are the same for every SA of the bundle */
	for (uint32_t d = 0; d <= (base > 0x3fff ? 2u : 0u); d++)
		reqmap_put(r, base + d, c);
}

/* Join pluto's established Child SAs (their SAIDs) to the kernel's SAs. */
static void join(struct kernel *kn, struct model *m, const struct status_summary *st,
		 const struct kindex *ix, bool *claimed, struct reqmap *reqs)
{
	const struct kernel_snapshot *k = kn->snap;

	for (size_t i = 0; i < st->n_conns; i++) {
		struct model_conn *c;

		if (!st->conns[i].reqid)
			continue;
		c = model_conn_find(m, st->conns[i].name, st->conns[i].instance);
		if (c)
			reqmap_put_base(reqs, st->conns[i].reqid, c);
	}
	for (size_t i = 0; i < st->n_saids; i++) {
		const struct status_said *sd = &st->saids[i];
		const struct status_state *ss;
		struct model_conn *c;
		size_t pos;

		if (sd->state == SIZE_MAX)
			continue;
		ss = &st->states[sd->state];
		if (!ss->is_child || ss->category != SA_CATEGORY_ESTABLISHED_CHILD)
			continue;
		c = model_conn_find(m, ss->conn, ss->instance);
		if (!c)
			continue;
		pos = kindex_find(ix, k, &sd->id);
		if (pos == KINDEX_NONE) {
			kconn(kn, c)->sas_missing++;
			continue;
		}
		if (claimed[pos])
			continue;	/* listed twice: counted once */
		claimed[pos] = true;
		kconn(kn, c)->sas++;
		tracked_claim(kn, m, &sd->id, c, sd->inbound);
		reqmap_put(reqs, k->sas[pos].reqid, c);
		if (kn->cfg->per_sa)
			sa_counters_add(kn, sd->serial, sd->inbound, &k->sas[pos]);
	}
}

/* Count the kernel's policies of every connection whose reqids are known. */
static void count_policies(const struct kernel *kn, const struct reqmap *reqs)
{
	const struct kernel_snapshot *k = kn->snap;

	for (size_t i = 0; reqs->keys && i <= reqs->mask; i++)
		if (reqs->keys[i])
			kconn(kn, reqs->conns[i])->policies_known = true;
	for (size_t i = 0; i < k->n_policies; i++) {
		const struct kernel_policy *p = &k->policies[i];
		struct model_conn *counted[KERNEL_POLICY_MAX_TMPL];
		unsigned n = 0;

		for (unsigned t = 0; t < p->n_reqids; t++) {
			struct model_conn *c = reqmap_get(reqs, p->reqids[t]);
			bool dup = false;

			if (!c)
				continue;
			for (unsigned j = 0; j < n; j++)
				dup = dup || counted[j] == c;
			if (dup)
				continue;
			counted[n++] = c;
			kconn(kn, c)->policies[p->dir]++;
		}
	}
}

struct refresh_ctx {
	struct kernel *kn;
	const struct model *m;
	const struct kindex *ix;
};

/* hashmap_remove_if(): a tracked SA takes the kernel's values, or is retired and dropped when
 * gone. */
static bool refresh(const char *key, void *value, void *userdata)
{
	const struct refresh_ctx *c = userdata;
	struct tracked_sa *s = value;
	size_t pos = kindex_find(c->ix, c->kn->snap, &s->id);

	if (pos != KINDEX_NONE) {
		tracked_update(c->kn, c->m, s, &c->kn->snap->sas[pos]);
		return false;
	}
	tracked_retire(c->kn, c->m, s);
	tracked_free(s);
	return true;
}

/* This cycle's kernel snapshot: joined to pluto's status when there is one. */
static void apply(struct kernel *kn, struct model *m, const struct status_summary *st)
{
	const struct kernel_snapshot *k = kn->snap;
	struct kindex ix;
	struct reqmap reqs = { 0 };
	bool *claimed = xcalloc(k->n_sas + 1, sizeof(*claimed));

	kn->joined = st != NULL;
	kn->larval = kn->unclaimed = 0;
	sa_counters_clear(kn);
	kindex_build(&ix, k);
	if (st)
		join(kn, m, st, &ix, claimed, &reqs);

	/* Every tracked SA takes the kernel's values, or is retired when the kernel dropped it. */
	(void)hashmap_remove_if(&kn->tracked, refresh, &(struct refresh_ctx){ kn, m, &ix });

	/* Only ESP, AH and IPComp SAs are IPsec SAs here (IPComp's IP-in-IP helper SAs are not). */
	for (size_t i = 0; i < k->n_sas; i++) {
		const struct kernel_sa *sa = &k->sas[i];
		bool ipsec = sa->id.proto == IPPROTO_ESP || sa->id.proto == IPPROTO_AH ||
			     sa->id.proto == IPPROTO_COMP;
		bool larval = !sa->keyed || sa->id.spi == 0;

		if (!ipsec)
			continue;
		kn->larval += larval;
		if (st && !claimed[i] && !larval)
			kn->unclaimed++;
	}
	count_policies(kn, &reqs);
	free(reqs.keys);
	free(reqs.conns);
	free(ix.slots);
	free(claimed);
}

/* Sum the tracked kernel SAs into their connections (every cycle: a cycle that did not read the
 * kernel keeps their last values). */
static void sum_live(const struct kernel *kn, const struct model *m)
{
	size_t it = 0;
	void *v;

	while (hashmap_next(&kn->tracked, &it, NULL, &v)) {
		struct tracked_sa *s = v;
		struct model_conn *c = model_conn_get(m, s->conn_key);
		struct kernel_conn *kc;

		if (!c)
			continue;
		kc = kconn(kn, c);
		kc->tracked = true;
		kc->live_packets[!s->inbound] += s->packets;
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			kc->live_errors[e] += s->errors[e];
	}
}

static bool joined_filter(const struct model *m, const struct model_conn *c, const void *ctx)
{
	const struct kernel *kn = ctx;

	/* the join ran this cycle (status and kernel both read) and the connection is listed */
	return kn->joined && model_conn_listed(m, c);
}

static bool counted_filter(const struct model *m, const struct model_conn *c, const void *ctx)
{
	return model_conn_counted(m, c) && kconn(ctx, c)->tracked;
}

static uint64_t v_sas(const struct model_conn *c, const void *ctx)
{
	return kconn(ctx, c)->sas;
}

static uint64_t v_missing(const struct model_conn *c, const void *ctx)
{
	return kconn(ctx, c)->sas_missing;
}

static uint64_t packets(const struct kernel_conn *kc, unsigned dir)
{
	return kc->retired_packets[dir] + kc->live_packets[dir];
}

static uint64_t v_in_packets(const struct model_conn *c, const void *ctx)
{
	return packets(kconn(ctx, c), 0);
}

static uint64_t v_out_packets(const struct model_conn *c, const void *ctx)
{
	return packets(kconn(ctx, c), 1);
}

/* The per-connection families of the kernel's view. */
static void render_connections(const struct kernel *kn, struct metrics_writer *w,
			       const struct cycle *cy)
{
	const struct conn_family families[] = {
		{ "libreswan_connection_kernel_sas", METRIC_TYPE_GAUGE,
		  "Kernel SAs (XFRM) that belong to the connection's established Child SAs.", v_sas,
		  joined_filter, kn, true },
		{ "libreswan_connection_kernel_sas_missing", METRIC_TYPE_GAUGE,
		  "SAs of the connection's established Child SAs (one per direction and protocol) "
		  "that the kernel does not hold; 0 is healthy.",
		  v_missing, joined_filter, kn, true },
		{ "libreswan_connection_in_packets_total", METRIC_TYPE_COUNTER,
		  "Packets through the connection's inbound kernel SAs, monotonic across rekeys.",
		  v_in_packets, counted_filter, kn, false },
		{ "libreswan_connection_out_packets_total", METRIC_TYPE_COUNTER,
		  "Packets through the connection's outbound kernel SAs, monotonic across rekeys.",
		  v_out_packets, counted_filter, kn, false },
	};
	const struct model *m = cy->model;
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	bool begun;

	for (size_t i = 0; i < ELEMENTSOF(families); i++)
		render_conn_family(w, cy->cache, m, &families[i]);

	begun = false;
	for (size_t i = 0; i < n; i++) {
		const struct model_conn *c = conns[i];
		const struct kernel_conn *kc = kconn(kn, c);

		render_conn_prefetch(conns, i, n);
		if (!counted_filter(m, c, kn))
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_kernel_errors_total",
				       METRIC_TYPE_COUNTER,
				       "The kernel's error statistics of the connection's SAs "
				       "(packets outside the replay window, replayed, failing the "
				       "integrity check), kept across rekeys.");
			begun = true;
		}
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			metrics_sample_text_u64(w, c->labels, c->labels_len, "reason",
						kernel_error_to_string(e),
						kc->retired_errors[e] + kc->live_errors[e]);
	}

	begun = false;
	for (size_t i = 0; i < n; i++) {
		const struct model_conn *c = conns[i];
		const struct kernel_conn *kc = kconn(kn, c);

		render_conn_prefetch(conns, i, n);
		if (!joined_filter(m, c, kn) || !kc->policies_known)
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_kernel_policies", METRIC_TYPE_GAUGE,
				       "Kernel policies (XFRM SPD) whose templates carry a reqid "
				       "of the connection's SAs.");
			begun = true;
		}
		for (size_t d = 0; d < _KERNEL_DIR_MAX; d++)
			metrics_sample_text_u64(w, c->labels, c->labels_len, "direction",
						kernel_dir_to_string(d), kc->policies[d]);
	}
}

/* Failures of the kernel helper worth a label (it never reports pluto's reasons). */
static const enum poll_reason helper_reasons[] = {
	POLL_REASON_PERMISSION, POLL_REASON_TIMEOUT, POLL_REASON_EXIT_STATUS,
	POLL_REASON_OUTPUT_TOO_LARGE, POLL_REASON_SPAWN_FAILED,
};

/* The collector itself and the kernel-wide figures. */
static void render_kernel(const struct kernel *kn, struct metrics_writer *w, const struct cycle *cy)
{
	const struct command_stats *cs = &cy->stats->cmd[kn->first_command + CMD_KERNEL];
	const struct kernel_snapshot *k = kn->read ? kn->snap : NULL;
	bool enabled = config_reads_kernel(kn->cfg);

	metrics_family(w, "libreswan_kernel_up", METRIC_TYPE_GAUGE,
		       "1 if the last poll cycle read the kernel's IPsec state (XFRM); 0 also when "
		       "the kernel collector is off or not permitted.");
	metrics_sample_u64(w, NULL, 0, k != NULL);
	metrics_family(w, "libreswan_kernel_collector_enabled", METRIC_TYPE_GAUGE,
		       "1 if poll cycles read the kernel's IPsec state (--collector.kernel, or "
		       "--input.kernel).");
	metrics_sample_u64(w, NULL, 0, enabled);
	if (enabled) {
		if (cs->attempted) {
			metrics_family(w, "libreswan_kernel_read_duration_seconds",
				       METRIC_TYPE_GAUGE,
				       "Wall time of the last kernel read (the helper's run).");
			metrics_sample_double(w, NULL, 0, cs->duration);
		}
		metrics_family(w, "libreswan_kernel_read_errors_total", METRIC_TYPE_COUNTER,
			       "Failed kernel reads, by cause.");
		for (size_t i = 0; i < ELEMENTSOF(helper_reasons); i++)
			metrics_sample_u64(
				w,
				(struct metric_label[]){
					LABEL("reason", poll_reason_to_string(helper_reasons[i])) },
				1, cs->errors[helper_reasons[i]]);
		metrics_family(
			w, "libreswan_kernel_parse_errors_total", METRIC_TYPE_COUNTER,
			"Lines of the kernel helper's output that were not recognised (skipped).");
		metrics_sample_u64(w, NULL, 0, cs->parse_errors);
	}
	if (!k)
		return;

	metrics_family(w, "libreswan_kernel_sas", METRIC_TYPE_GAUGE,
		       "SAs in the kernel's SAD (all of them, not only pluto's).");
	metrics_sample_u64(w, NULL, 0, k->has_sad_count ? k->sad_count : k->n_sas);
	metrics_family(w, "libreswan_kernel_policies", METRIC_TYPE_GAUGE,
		       "Policies in the kernel's SPD, by direction.");
	for (size_t d = 0; d < _KERNEL_DIR_MAX; d++) {
		uint64_t v = 0;

		if (k->has_spd_counts)
			v = k->spd_counts[d];
		else
			for (size_t i = 0; i < k->n_policies; i++)
				v += k->policies[i].dir == d;
		metrics_sample_u64(
			w, (struct metric_label[]){ LABEL("direction", kernel_dir_to_string(d)) },
			1, v);
	}
	metrics_family(w, "libreswan_kernel_sas_larval", METRIC_TYPE_GAUGE,
		       "Half-created ESP/AH/IPComp kernel SAs: SPI 0 (an ACQUIRE placeholder) or "
		       "an allocated SPI without algorithms yet.");
	metrics_sample_u64(w, NULL, 0, kn->larval);
	if (kn->joined) {
		metrics_family(w, "libreswan_kernel_sas_unclaimed", METRIC_TYPE_GAUGE,
			       "Complete ESP/AH/IPComp kernel SAs that no established Child SA of "
			       "pluto lists.");
		metrics_sample_u64(w, NULL, 0, kn->unclaimed);
	}
	if (k->n_stats) {
		metrics_family(w, "libreswan_kernel_xfrm_stat_total", METRIC_TYPE_COUNTER,
			       "The kernel's XFRM error counters, every row of /proc/net/xfrm_stat "
			       "by name.");
		for (size_t i = 0; i < k->n_stats; i++)
			metrics_sample_u64(
				w, (struct metric_label[]){ LABEL("counter", k->stats[i].name) }, 1,
				k->stats[i].value);
	}
}

static void *kernel_new(const struct source_env *env)
{
	struct kernel *kn = xcalloc(1, sizeof(*kn));

	kn->cfg = env->cfg;
	kn->first_command = env->first_command;
	kn->area = model_add_conn_area(env->model, sizeof(struct kernel_conn),
				       offsetof(struct kernel_conn, tracked), NULL);
	kn->snap = kernel_snapshot_new();
	return kn;
}

static void kernel_free(void *self)
{
	struct kernel *kn = self;
	size_t i = 0;
	void *v;

	while (hashmap_next(&kn->tracked, &i, NULL, &v))
		tracked_free(v);
	hashmap_clear(&kn->tracked);
	sa_counters_clear(kn);
	kernel_snapshot_free(kn->snap);
	free(kn);
}

static bool kernel_enabled(void *self, size_t i)
{
	struct kernel *kn = self;

	return kn->cfg->collector_kernel;
}

static const char *kernel_helper_path(void *self, size_t i)
{
	struct kernel *kn = self;

	return kn->cfg->kernel_helper;
}

static void kernel_begin(void *self, unsigned requests)
{
	struct kernel *kn = self;

	kernel_snapshot_reset(kn->snap);
}

static struct parser *kernel_parser(void *self, size_t i)
{
	struct kernel *kn = self;

	return &kn->snap->parser;
}

static bool kernel_judge(void *self, size_t i, uint64_t *ret_parse_errors)
{
	struct kernel *kn = self;

	*ret_parse_errors = kn->snap->parse_errors;
	/* no end line, or a count that does not match: not a snapshot to trust */
	return kn->snap->complete;
}

static void kernel_log_change(void *self, size_t i, enum poll_reason now, const char *why)
{
	if (now == POLL_REASON_NONE)
		log_info("kernel collector: reading the kernel's IPsec state again");
	else if (now == POLL_REASON_PERMISSION)
		log_warn("kernel collector: not permitted to read XFRM (the helper needs "
			 "CAP_NET_ADMIN), serving libreswan_kernel_up 0, ignoring");
	else
		log_warn("kernel collector: the helper failed (%s%s%s), serving "
			 "libreswan_kernel_up 0, ignoring",
			 poll_reason_to_string(now), why[0] ? ": " : "", why);
}

static void kernel_update(void *self, struct cycle *cy, const bool *usable)
{
	struct kernel *kn = self;

	kn->read = usable[CMD_KERNEL];
	if (kn->read) {
		apply(kn, cy->model, cy->status);
		if (kn->cfg->per_sa)
			cy->sa_kernel = &kn->sa_counters;
	} else {
		kn->joined = false;
	}
	sum_live(kn, cy->model);
}

static void kernel_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			  enum page_section section)
{
	struct kernel *kn = self;

	if (section == PAGE_SECTION_CONNECTIONS_KERNEL)
		render_connections(kn, w, cy);
	else if (section == PAGE_SECTION_KERNEL)
		render_kernel(kn, w, cy);
}

const struct source_ops source_kernel = {
	.name = "kernel",
	.commands = commands,
	.n_commands = ELEMENTSOF(commands),
	.new = kernel_new,
	.free = kernel_free,
	.enabled = kernel_enabled,
	.helper_path = kernel_helper_path,
	.begin = kernel_begin,
	.parser = kernel_parser,
	.judge = kernel_judge,
	.log_change = kernel_log_change,
	.update = kernel_update,
	.render = kernel_render,
};
