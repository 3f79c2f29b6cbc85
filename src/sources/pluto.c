/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "lib/config.h"
#include "lib/hashmap.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "render/family.h"
#include "sources/source.h"

/*
 * Pluto's own view: its connections, their states and timers, pluto-wide counts, and the bytes of
 * every IPsec SA. They make the model's connections and byte counters (src/model), and this source
 * writes what the page says of pluto as a whole and of every connection: whether it is loaded,
 * should be up, is up, its SAs, its bytes, its timers.
 *
 * Pluto runs one thread: while it prints it negotiates nothing. `whack --status` is almost all
 * connection list (16 MB and a third of a second of pluto's time at 10k connections), which
 * changes rarely; the states, counts and bytes are small. So a cycle reads either:
 *   - whole: `--status` and `--trafficstatus`;
 *   - light: `--briefstatus --showstates` (pluto's summary counts and its state list, the SAIDs of
 *     established Child SAs included, in one answer) and `--trafficstatus`, with the connection
 *     list of the last whole read: the page is the one a whole read would give.
 * A whole read happens (its reason counted, enum full_reason) at the first cycle; when pluto did
 * not answer the cycle before (it may have restarted) or its log says it started again (both
 * followed by whole reads until pluto's connection list holds still: settle()); when the
 * light read shows what the kept connection list cannot explain (below); when pluto's log says a
 * connection was added, deleted, taken down or routed (the events source asks for it); every
 * --poll.full-interval; after a light read that failed; and always with --once, --input.*, a
 * --poll.full-interval of 0 and releases without --showstates (3.x: the kept list's format tells).
 *
 * What a light read cannot explain, compared with the last whole read:
 *   - a state or SA of a connection or instance that list does not have (added, instantiated);
 *   - an instance that had states and has none (instances go with their last state);
 *   - a connection whose established Child SAs came or all went: its routing, and so pluto's
 *     "active" count, go with them;
 *   - a connection that is not held up and had no states, negotiating (an operator's up sets its
 *     policy, which only the connection list shows);
 *   - state serials that pluto, which numbers its states upwards, cannot have given since the last
 *     state list (it restarted), or a state that moved to another connection.
 * Such a cycle's page is not published: the cycle asks for the next one at once (struct
 * cycle.again), which reads pluto whole; so does a light read that failed (pluto not answering:
 * libreswan_up 0 comes from the whole read tried at once). What neither the state list nor the
 * log shows (a connection without states deleted by a release that does not log it, 5.x, say)
 * waits for the interval. Where the connection set churns (road warriors coming and going), the
 * whole status is read as often as before light cycles, at most once a cycle.
 */

enum {
	CMD_STATUS,
	CMD_STATES,
	CMD_TRAFFIC,
};

static const struct source_command commands[] = {
	[CMD_STATUS] = { .name = "status",
			 .run = SOURCE_RUN_WHACK,
			 .whack_args = { "--status" },
			 .decides_up = true },
	[CMD_STATES] = { .name = "showstates",
			 .run = SOURCE_RUN_WHACK,
			 .whack_args = { "--briefstatus", "--showstates" },
			 .decides_up = true,
			 .listed_once_run = true },
	[CMD_TRAFFIC] = { .name = "trafficstatus",
			  .run = SOURCE_RUN_WHACK,
			  .whack_args = { "--trafficstatus" } },
};

/* Why pluto's status was read whole (the reason label of libreswan_poll_full_reads_total). */
enum full_reason {
	FULL_REASON_START,		/* the first read */
	FULL_REASON_RESTART,		/* pluto did not answer the cycle before, or restarted */
	/* the states name a connection or instance not listed, or an instance lost them */
	FULL_REASON_CONNECTIONS,
	/* a connection's tunnel came up or went down, or one not held up negotiates */
	FULL_REASON_STATES,
	/* pluto's log: a connection added, deleted, taken down or routed */
	FULL_REASON_LOG,
	FULL_REASON_INTERVAL,		/* --poll.full-interval passed */
	FULL_REASON_FAILED,		/* the light read failed */
	/* every cycle: --once, --input.*, --poll.full-interval=0, pluto 3.x */
	FULL_REASON_ALWAYS,
	_FULL_REASON_MAX,
};

static const char *const full_reason_names[_FULL_REASON_MAX] = {
	[FULL_REASON_START] = "start",
	[FULL_REASON_RESTART] = "restart",
	[FULL_REASON_CONNECTIONS] = "connections",
	[FULL_REASON_STATES] = "states",
	[FULL_REASON_LOG] = "log",
	[FULL_REASON_INTERVAL] = "interval",
	[FULL_REASON_FAILED] = "failed",
	[FULL_REASON_ALWAYS] = "always",
};

/* What the last whole read said of a connection (K_*), and what a light read sees of it. */
enum {
	K_INSTANCE = 1 << 0,	/* an instance of a template or group */
	K_HELD_UP = 1 << 1,	/* its policy is UP */
	K_STATES = 1 << 2,	/* it has states */
	K_CHILD = 1 << 3,	/* it has an established Child SA */
};

/* A state of the last state list: its serial, and a hash of its connection and instance. */
struct listed_state {
	uint64_t serial;
	uint64_t conn;
};

struct pluto {
	const struct exporter_config *cfg;
	bool light_allowed;		/* the daemon polls pluto, with a --poll.full-interval */
	/* the parse results live as long as the source: emptied each cycle they run, their memory
	 * reused */
	struct status_summary *status;	/* this cycle's --status */
	/* the last trusted --status: its connection list serves light reads */
	struct status_summary *full;
	struct status_summary *states;	/* this cycle's --briefstatus --showstates */
	struct traffic_list *traffic;
	/* a light cycle's status: the kept list and this cycle's states (borrowed) */
	struct status_summary view;
	/* this cycle's status for the model and the page; NULL: none */
	const struct status_summary *read;
	/* the cycle's choice, made on the loop by begin() */
	bool whole;			/* --status runs this cycle */
	enum full_reason reason;	/* why */
	uint64_t begin_usec;		/* CLOCK_MONOTONIC, at begin() */
	/* what the worker's update() leaves for the next begin() */
	bool have_full;			/* full holds a trusted read */
	bool answered;			/* the last cycle reached pluto */
	bool light_failed;		/* the last light read could not be used */
	unsigned light_incomplete;	/* light reads in a row that lacked pluto's counts */
	/* light reads lack them for this pluto: read whole until it restarts */
	bool light_off;
	/* the last light read showed a change: reason detected_reason */
	bool detected;
	enum full_reason detected_reason;
	/* pluto (re)started lately: read whole until two reads in a row list as many connections */
	bool settling;
	enum full_reason settle_reason;	/* start or restart, which made it settle */
	size_t settle_conns;		/* connections of the last of those reads */
	uint64_t full_usec;		/* begin_usec of the cycle of the last trusted whole read */
	uint64_t full_reads[_FULL_REASON_MAX];
	/* the last whole read's connections, for checking light reads: "name\x1finstance" -> 1 +
	 * index */
	struct hashmap index;
	struct strbuf index_keys;	/* the index's keys (borrowed by it), NUL-separated */
	uint8_t *kept;			/* per connection of full->conns: K_* of the whole read */
	uint8_t *seen;			/* per connection: K_STATES, K_CHILD of this light read */
	size_t alloc_flags;
	struct strbuf key;		/* scratch */
	/* the states of the last trusted state list (whole or light), sorted by serial */
	struct listed_state *listed, *listing;
	size_t n_listed, n_listing, alloc_listed, alloc_listing;
};

static void *pluto_new(const struct source_env *env)
{
	const struct exporter_config *cfg = env->cfg;
	struct pluto *p = xcalloc(1, sizeof(*p));

	p->cfg = cfg;
	p->light_allowed =
		!cfg->once && !config_uses_inputs(cfg) && cfg->poll_full_interval_usec > 0;
	p->status = status_summary_new();
	p->full = status_summary_new();
	p->states = status_summary_new();
	p->traffic = traffic_list_new();
	p->index = (struct hashmap)HASHMAP_INIT_BORROWED;
	p->answered = true;
	return p;
}

static void pluto_free(void *self)
{
	struct pluto *p = self;

	status_summary_free(p->status);
	status_summary_free(p->full);
	status_summary_free(p->states);
	traffic_list_free(p->traffic);
	hashmap_clear(&p->index);
	strbuf_release(&p->index_keys);
	strbuf_release(&p->key);
	free(p->kept);
	free(p->seen);
	free(p->listed);
	free(p->listing);
	free(p);
}

/* Light reads need --showstates: 4.0 and later (the kept list's format tells). */
static bool light_possible(const struct pluto *p)
{
	return p->light_allowed && p->have_full && !p->light_off &&
	       (p->full->family == STATUS_FAMILY_4 || p->full->family == STATUS_FAMILY_5);
}

/* On the loop: this cycle's choice, whole or light (see the top of this file). */
static void pluto_begin(void *self, unsigned requests)
{
	struct pluto *p = self;
	uint64_t now = now_monotonic_usec();

	p->begin_usec = now;
	p->whole = true;
	if (!p->have_full)
		p->reason =
			p->full_reads[FULL_REASON_START] ? FULL_REASON_RESTART : FULL_REASON_START;
	else if (!light_possible(p))
		p->reason = FULL_REASON_ALWAYS;
	else if (!p->answered || (requests & SOURCE_REQUEST_RESTART))
		p->reason = FULL_REASON_RESTART;
	else if (p->settling)
		p->reason = p->settle_reason;
	else if (p->detected)
		p->reason = p->detected_reason;
	else if (requests & SOURCE_REQUEST_CONNECTIONS)
		p->reason = FULL_REASON_LOG;
	else if (p->light_failed)
		p->reason = FULL_REASON_FAILED;
	else if (now - p->full_usec >= p->cfg->poll_full_interval_usec)
		p->reason = FULL_REASON_INTERVAL;
	else
		p->whole = false;
	p->detected = false;
	if (p->whole)
		status_summary_reset(p->status);
	else
		status_summary_reset(p->states);
	traffic_list_reset(p->traffic);
}

static bool pluto_enabled(void *self, size_t i)
{
	struct pluto *p = self;

	switch (i) {
	case CMD_STATUS:
		return p->whole;
	case CMD_STATES:
		return !p->whole;
	default:
		return true;
	}
}

static struct parser *pluto_parser(void *self, size_t i)
{
	struct pluto *p = self;

	switch (i) {
	case CMD_STATUS:
		return &p->status->parser;
	case CMD_STATES:
		return &p->states->parser;
	default:
		return &p->traffic->parser;
	}
}

static bool pluto_judge(void *self, size_t i, uint64_t *ret_parse_errors)
{
	struct pluto *p = self;

	switch (i) {
	case CMD_STATUS:
		*ret_parse_errors = p->status->parse_errors;
		break;
	case CMD_STATES:
		*ret_parse_errors = p->states->parse_errors;
		break;
	default:
		*ret_parse_errors = p->traffic->parse_errors;
		break;
	}
	return true;
}

/* A connection's key in the index, "name\x1finstance", in p->key. */
static const char *conn_key(struct pluto *p, const char *name, const char *instance)
{
	strbuf_reset(&p->key);
	strbuf_puts(&p->key, name);
	strbuf_putc(&p->key, '\x1f');
	strbuf_puts(&p->key, instance);
	return p->key.buf;
}

/* A hash of a connection and instance (FNV-1a), to tell two states of one serial apart. */
static uint64_t conn_hash(const char *name, const char *instance)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * UINT64_C(1099511628211);
	h = (h ^ 0x1f) * UINT64_C(1099511628211);
	for (const char *c = instance; *c; c++)
		h = (h ^ (uint8_t)*c) * UINT64_C(1099511628211);
	return h;
}

/* The connection of a state or SA in the last whole read: its index, or -ENOENT. */
static ssize_t kept_conn(struct pluto *p, const char *name, const char *instance)
{
	uintptr_t v = (uintptr_t)hashmap_get(&p->index, conn_key(p, name, instance));

	return v ? (ssize_t)(v - 1) : -ENOENT;
}

/* K_STATES and K_CHILD of every connection of s's states into flags (indexed like full->conns). */
static int mark_states(struct pluto *p, const struct status_summary *s, uint8_t *flags)
{
	ssize_t last = -1;
	const struct status_state *prev = NULL;
	int r = 0;

	for (size_t i = 0; i < s->n_states; i++) {
		const struct status_state *ss = &s->states[i];
		ssize_t c;

		/* a connection's states come one after the other */
		if (prev && streq(prev->conn, ss->conn) && streq(prev->instance, ss->instance))
			c = last;
		else
			c = kept_conn(p, ss->conn, ss->instance);
		prev = ss;
		last = c;
		if (c < 0) {
			r = -ENOENT;
			continue;
		}
		flags[c] |= K_STATES;
		if (ss->is_child && ss->category == SA_CATEGORY_ESTABLISHED_CHILD)
			flags[c] |= K_CHILD;
	}
	return r;
}

/* After a trusted whole read (now in p->full): index its connections and what they hold. */
static void index_full(struct pluto *p)
{
	const struct status_summary *f = p->full;
	size_t *offsets;

	hashmap_clear(&p->index);
	strbuf_reset(&p->index_keys);
	xgrow((void **)&p->kept, &p->alloc_flags, f->n_conns + 1, 1);
	p->seen = xreallocarray(p->seen, p->alloc_flags, 1);
	offsets = xcalloc(f->n_conns + 1, sizeof(*offsets));
	/* the keys first (the buffer may move as it grows), then the map that borrows them */
	for (size_t i = 0; i < f->n_conns; i++) {
		offsets[i] = p->index_keys.len;
		strbuf_puts(&p->index_keys, conn_key(p, f->conns[i].name, f->conns[i].instance));
		strbuf_putc(&p->index_keys, '\0');
	}
	hashmap_reserve(&p->index, f->n_conns);
	for (size_t i = 0; i < f->n_conns; i++) {
		const struct status_conn *sc = &f->conns[i];

		(void)hashmap_put(&p->index, p->index_keys.buf + offsets[i],
				  (void *)(uintptr_t)(i + 1));
		p->kept[i] = (sc->instance[0] ? K_INSTANCE : 0) | (sc->policy_up ? K_HELD_UP : 0);
	}
	free(offsets);
	(void)mark_states(p, f, p->kept);
}

static int listed_cmp(const void *a, const void *b)
{
	const struct listed_state *x = a, *y = b;

	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

/*
 * Take s's state list as the last one. FULL_REASON_RESTART when pluto cannot have printed it after
 * the one before (a serial no larger than any it had printed then, and not among them: pluto
 * started again and numbers its states from #1); FULL_REASON_CONNECTIONS when a state moved to
 * another connection (a responder switching connections); else -1.
 */
static int take_listing(struct pluto *p, const struct status_summary *s)
{
	uint64_t top = p->n_listed ? p->listed[p->n_listed - 1].serial : 0;
	int reason = -1;
	struct listed_state *t;
	size_t n = 0;

	xgrow((void **)&p->listing, &p->alloc_listing, s->n_states + 1, sizeof(*p->listing));
	for (size_t i = 0; i < s->n_states; i++)
		p->listing[n++] = (struct listed_state){
			.serial = s->states[i].serial,
			.conn = conn_hash(s->states[i].conn, s->states[i].instance),
		};
	qsort(p->listing, n, sizeof(*p->listing), listed_cmp);
	for (size_t i = 0; i < n && reason != FULL_REASON_RESTART; i++) {
		const struct listed_state *was;

		if (p->listing[i].serial > top)
			break;
		was = bsearch(&p->listing[i], p->listed, p->n_listed, sizeof(*p->listed),
			      listed_cmp);
		if (!was)
			reason = FULL_REASON_RESTART;
		else if (was->conn != p->listing[i].conn)
			reason = FULL_REASON_CONNECTIONS;
	}
	t = p->listed;
	p->listed = p->listing;
	p->listing = t;
	n = p->alloc_listed;
	p->alloc_listed = p->alloc_listing;
	p->alloc_listing = n;
	p->n_listed = s->n_states;
	return reason;
}

/* A light read against the last whole one: FULL_REASON_* when it cannot be explained, else -1. */
static int check_light(struct pluto *p, const bool *usable)
{
	const struct status_summary *f = p->full;
	int reason = -1, listing;

	memset(p->seen, 0, f->n_conns);
	if (mark_states(p, p->states, p->seen) < 0)
		reason = FULL_REASON_CONNECTIONS;
	if (usable[CMD_TRAFFIC])
		for (size_t i = 0; i < p->traffic->n_sas && reason < 0; i++)
			if (kept_conn(p, p->traffic->sas[i].conn, p->traffic->sas[i].instance) < 0)
				reason = FULL_REASON_CONNECTIONS;
	for (size_t i = 0; i < f->n_conns && reason < 0; i++) {
		uint8_t was = p->kept[i], now = p->seen[i];

		if ((was & K_INSTANCE) && (was & K_STATES) && !(now & K_STATES))
			reason = FULL_REASON_CONNECTIONS;
		else if ((was & K_CHILD) != (now & K_CHILD))
			reason = FULL_REASON_STATES;
		else if (!(was & (K_STATES | K_HELD_UP)) && (now & K_STATES))
			reason = FULL_REASON_STATES;
	}
	/* pluto starting again explains the rest */
	listing = take_listing(p, p->states);
	if (listing == FULL_REASON_RESTART || (reason < 0 && listing >= 0))
		reason = listing;
	return reason;
}

/* A light cycle's status: the kept connection list and totals, this cycle's states and counts. */
static void compose(struct pluto *p)
{
	const struct status_summary *f = p->full, *l = p->states;

	p->view = (struct status_summary){
		.conns = f->conns,
		.n_conns = f->n_conns,
		.states = l->states,
		.n_states = l->n_states,
		.saids = l->saids,
		.n_saids = l->n_saids,
		.has_total = f->has_total,
		.has_routed = f->has_routed,
		.loaded = f->loaded,
		.routed = f->routed,
		.active = f->active,
		.has_ike_sas = l->has_ike_sas,
		.ike_total = l->ike_total,
		.ike_half_open = l->ike_half_open,
		.ike_open = l->ike_open,
		.ike_authenticated = l->ike_authenticated,
		.ike_anonymous = l->ike_anonymous,
		.has_ipsec_sas = l->has_ipsec_sas,
		.ipsec_total = l->ipsec_total,
		.ipsec_authenticated = l->ipsec_authenticated,
		.ipsec_anonymous = l->ipsec_anonymous,
		.has_state_info = l->has_state_info,
		.ddos_cookies_required = l->ddos_cookies_required,
		.accepting_ike = l->accepting_ike,
		.version = f->version,
		.family = f->family,
	};
	p->read = &p->view;
}

/* The light read carries what the whole one did of pluto's counts (whack printed them both). */
static bool light_complete(const struct pluto *p)
{
	const struct status_summary *f = p->full, *l = p->states;

	return (!f->has_ike_sas || l->has_ike_sas) && (!f->has_ipsec_sas || l->has_ipsec_sas) &&
	       (!f->has_state_info || l->has_state_info);
}

/*
 * Pluto loads its connections just after it starts (ipsec.service's `addconn --autoall`, one by
 * one): a read at start-up or after a restart may catch it with none or some. The light reads
 * would not see the rest (connections without states show nowhere but in the list), so such a
 * read is followed by whole ones until two in a row list as many connections.
 */
static void settle(struct pluto *p)
{
	size_t n = p->full->n_conns;

	if (p->reason != FULL_REASON_START && p->reason != FULL_REASON_RESTART)
		p->settling = false;
	else if (p->settling && n == p->settle_conns)
		p->settling = false;
	else {
		p->settling = true;
		p->settle_reason = p->reason;
		p->settle_conns = n;
	}
}

static void update_whole(struct pluto *p, const bool *usable)
{
	struct status_summary *t;

	if (!usable[CMD_STATUS])
		return;
	t = p->full;
	p->full = p->status;
	p->status = t;
	p->have_full = true;
	p->light_failed = false;
	p->full_usec = p->begin_usec;
	p->full_reads[p->reason]++;
	if (p->reason == FULL_REASON_RESTART)
		p->light_off = false;	/* perhaps another release */
	settle(p);
	if (light_possible(p)) {
		index_full(p);
		(void)take_listing(p, p->full);
	}
	p->read = p->full;
}

static void update_light(struct pluto *p, struct cycle *cy, const bool *usable)
{
	int reason;

	if (!usable[CMD_STATES] || !light_complete(p)) {
		/* pluto did not answer, or not in full: read it whole at once */
		p->light_failed = true;
		cy->again = true;
		if (usable[CMD_STATES] && ++p->light_incomplete == 3) {
			p->light_off = true;
			log_warn("pluto's answer to `whack --briefstatus --showstates` lacks its "
				 "SA counts three times in a row: reading its whole status every "
				 "cycle, ignoring");
		}
		return;
	}
	p->light_failed = false;
	p->light_incomplete = 0;
	reason = check_light(p, usable);
	if (reason >= 0) {
		p->detected = true;
		p->detected_reason = (enum full_reason)reason;
		cy->again = true;
	}
	compose(p);
}

static void pluto_update(void *self, struct cycle *cy, const bool *usable)
{
	struct pluto *p = self;

	p->read = NULL;
	if (p->whole)
		update_whole(p, usable);
	else
		update_light(p, cy, usable);
	if (p->read) {
		model_apply_status(cy->model, p->read);
		cy->status = p->read;
	}
	if (usable[CMD_TRAFFIC]) {
		model_apply_traffic(cy->model, p->traffic);
		cy->traffic = p->traffic;
	}
	p->answered = cy->stats->up;
}

/* Why pluto's status was read whole, by reason: only where the exporter chooses what to read. */
static void render_full_reads(const struct pluto *p, struct metrics_writer *w)
{
	if (!p->light_allowed)
		return;
	metrics_family(w, "libreswan_poll_full_reads_total", METRIC_TYPE_COUNTER,
		       "Reads of pluto's whole status (its connection list), by why it was read "
		       "whole; other cycles read its states, counts and bytes only.");
	for (size_t r = 0; r < _FULL_REASON_MAX; r++)
		metrics_sample_u64(w,
				   (struct metric_label[]){ LABEL("reason", full_reason_names[r]) },
				   1, p->full_reads[r]);
}

static void render_overview(struct metrics_writer *w, const struct status_summary *s)
{
	static const char *const family[] = { "", "3", "4", "5" };

	if (s->has_total) {
		metrics_family(w, "libreswan_connections_loaded", METRIC_TYPE_GAUGE,
			       "Connections loaded in pluto (Total IPsec connections: loaded N).");
		metrics_sample_u64(w, NULL, 0, s->loaded);
		metrics_family(w, "libreswan_connections_active", METRIC_TYPE_GAUGE,
			       "Connections with an installed tunnel (Total IPsec connections: "
			       "active N).");
		metrics_sample_u64(w, NULL, 0, s->active);
		if (s->has_routed) {
			metrics_family(
				w, "libreswan_connections_routed", METRIC_TYPE_GAUGE,
				"Connections with a kernel route or policy (Libreswan 5.3+).");
			metrics_sample_u64(w, NULL, 0, s->routed);
		}
	}
	if (s->has_ike_sas) {
		metrics_family(w, "libreswan_ike_sas", METRIC_TYPE_GAUGE,
			       "IKE SAs by state, from pluto's IKE SAs line.");
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "half_open") }, 1,
				   s->ike_half_open);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "open") }, 1,
				   s->ike_open);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "authenticated") }, 1,
				   s->ike_authenticated);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "anonymous") }, 1,
				   s->ike_anonymous);
	}
	if (s->has_ipsec_sas) {
		metrics_family(w, "libreswan_ipsec_sas", METRIC_TYPE_GAUGE,
			       "Established IPsec/Child SAs, from pluto's IPsec SAs line.");
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "authenticated") }, 1,
				   s->ipsec_authenticated);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "anonymous") }, 1,
				   s->ipsec_anonymous);
	}
	if (s->has_state_info) {
		metrics_family(w, "libreswan_ddos_cookies_required", METRIC_TYPE_GAUGE,
			       "1 when pluto requires DDoS cookies from new IKE peers.");
		metrics_sample_u64(w, NULL, 0, s->ddos_cookies_required);
		metrics_family(w, "libreswan_accepting_ike", METRIC_TYPE_GAUGE,
			       "1 when pluto says it is accepting new IKE connections.");
		metrics_sample_u64(w, NULL, 0, s->accepting_ike);
	}
	metrics_family(
		w, "libreswan_pluto_info", METRIC_TYPE_GAUGE,
		"Pluto's version where it prints it, and the output format family; always 1.");
	/* no version label where pluto does not print its version, rather than an empty one */
	if (s->version)
		metrics_sample_u64(w,
				   (struct metric_label[]){ LABEL("version", s->version),
							    LABEL("family", family[s->family]) },
				   2, 1);
	else
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("family", family[s->family]) },
				   1, 1);
}

static bool listed(const struct model *m, const struct model_conn *c, const void *ctx)
{
	return model_conn_listed(m, c);
}

static bool counted(const struct model *m, const struct model_conn *c, const void *ctx)
{
	return model_conn_counted(m, c);
}

static uint64_t v_expected(const struct model_conn *c, const void *ctx)
{
	return c->expected_up;
}

static uint64_t v_instances(const struct model_conn *c, const void *ctx)
{
	return c->instances;
}

static uint64_t v_up(const struct model_conn *c, const void *ctx)
{
	return model_conn_is_up(c);
}

static uint64_t v_ike(const struct model_conn *c, const void *ctx)
{
	return c->ike_established;
}

static uint64_t v_child(const struct model_conn *c, const void *ctx)
{
	return c->child_established > c->traffic_sas ? c->child_established : c->traffic_sas;
}

static uint64_t v_in_bytes(const struct model_conn *c, const void *ctx)
{
	return model_conn_in_bytes(c);
}

static uint64_t v_out_bytes(const struct model_conn *c, const void *ctx)
{
	return model_conn_out_bytes(c);
}

static const struct conn_family conn_families[] = {
	{ "libreswan_connection_expected_up", METRIC_TYPE_GAUGE,
	  "1 if pluto holds the connection's policy UP (auto=start or brought up by an operator).",
	  v_expected, listed, NULL, true },
	{ "libreswan_connection_instances", METRIC_TYPE_GAUGE,
	  "Live instances of a template or group (0 for static connections).", v_instances, listed,
	  NULL, true },
	{ "libreswan_connection_up", METRIC_TYPE_GAUGE,
	  "1 if the connection or one of its instances has an established IPsec/Child SA.", v_up,
	  listed, NULL, true },
	{ "libreswan_connection_ike_sas_established", METRIC_TYPE_GAUGE,
	  "Established IKE (ISAKMP/parent) SAs of the connection.", v_ike, listed, NULL, true },
	{ "libreswan_connection_child_sas_established", METRIC_TYPE_GAUGE,
	  "Established IPsec/Child SAs of the connection.", v_child, listed, NULL, true },
	{ "libreswan_connection_in_bytes_total", METRIC_TYPE_COUNTER,
	  "Bytes received through the connection's IPsec SAs, monotonic across rekeys.", v_in_bytes,
	  counted, NULL, false },
	{ "libreswan_connection_out_bytes_total", METRIC_TYPE_COUNTER,
	  "Bytes sent through the connection's IPsec SAs, monotonic across rekeys.", v_out_bytes,
	  counted, NULL, false },
};

/* One info series per listed connection: the values are its description, which changes rarely. */
static void render_info(struct metrics_writer *w, struct render_cache *rc, const struct model *m)
{
	static const char name[] = "libreswan_connection_info";
	size_t n, start = w->sb->len;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	struct strbuf info = STRBUF_INIT;
	bool begun = false;

	if (rc) {
		uint64_t *v = render_cache_values(rc, n);

		for (size_t i = 0; i < n; i++) {
			render_conn_prefetch(conns, i, n);
			v[i] = model_conn_listed(m, conns[i]) ? conns[i]->info_version
							      : RENDER_VALUE_ABSENT;
		}
		if (render_cache_reuse(w, rc, name, m, n))
			return;
	}
	for (size_t i = 0; i < n; i++) {
		struct model_conn *c = conns[i];
		struct metric_label l[4];
		char ikev[4];

		render_conn_prefetch(conns, i, n);
		if (!model_conn_listed(m, c))
			continue;
		if (!begun) {
			metrics_family(w, name, METRIC_TYPE_GAUGE,
				       "One per loaded connection (instances folded into their "
				       "template); always 1.");
			begun = true;
		}
		(void)snprintf(ikev, sizeof(ikev), "%d", c->ike_version);
		l[0] = LABEL("ike_version", c->ike_version ? ikev : "");
		l[1] = LABEL("kind", model_conn_kind_to_string(c->kind));
		l[2] = LABEL("local", c->local ? c->local : "");
		l[3] = LABEL("remote", c->remote ? c->remote : "");
		/* the connection's own label set (made once by the model), then these */
		strbuf_reset(&info);
		strbuf_append(&info, c->labels, c->labels_len);
		strbuf_putc(&info, ',');
		metrics_format_labels(&info, l, 4);
		metrics_sample_text_u64(w, info.buf, info.len, NULL, NULL, 1);
	}
	if (rc)
		render_cache_store(w, rc, name, m, n, start);
	strbuf_release(&info);
}

static void render_age(struct metrics_writer *w, const struct model *m, uint64_t now)
{
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	bool begun = false;

	for (size_t i = 0; i < n; i++) {
		struct model_conn *c = conns[i];

		render_conn_prefetch(conns, i, n);
		if (!model_conn_counted(m, c) || c->newest_add_time == 0 || c->traffic_sas == 0)
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_child_sa_age_seconds",
				       METRIC_TYPE_GAUGE,
				       "Age of the connection's newest Child SA (from "
				       "trafficstatus add_time).");
			begun = true;
		}
		metrics_sample_text_i64(w, c->labels, c->labels_len, NULL, NULL,
					(int64_t)now - (int64_t)c->newest_add_time);
	}
}

static void render_timers(struct metrics_writer *w, const struct model *m, const char *name,
			  const char *help, bool child)
{
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	bool begun = false;

	for (size_t i = 0; i < n; i++) {
		const int64_t *t = child ? conns[i]->child_timer : conns[i]->ike_timer;

		render_conn_prefetch(conns, i, n);
		if (!model_conn_listed(m, conns[i]))
			continue;
		for (size_t e = 0; e < _MODEL_EVENT_MAX; e++) {
			if (t[e] == MODEL_TIMER_NONE)
				continue;
			if (!begun) {
				metrics_family(w, name, METRIC_TYPE_GAUGE, help);
				begun = true;
			}
			metrics_sample_text_i64(w, conns[i]->labels, conns[i]->labels_len, "event",
						model_event_to_string(e), t[e]);
		}
	}
}

/* A gauge of listed connections whose int64_t field at offset is known (not MODEL_TIMER_NONE). */
static void render_seconds(struct metrics_writer *w, const struct model *m, size_t offset,
			   const char *name, const char *help)
{
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	bool begun = false;

	for (size_t i = 0; i < n; i++) {
		int64_t v = *(const int64_t *)((const char *)conns[i] + offset);

		render_conn_prefetch(conns, i, n);
		if (!model_conn_listed(m, conns[i]) || v == MODEL_TIMER_NONE)
			continue;
		if (!begun) {
			metrics_family(w, name, METRIC_TYPE_GAUGE, help);
			begun = true;
		}
		metrics_sample_text_i64(w, conns[i]->labels, conns[i]->labels_len, NULL, NULL, v);
	}
}

static void pluto_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			 enum page_section section)
{
	struct pluto *p = self;
	const struct model *m = cy->model;

	switch (section) {
	case PAGE_SECTION_EXPORTER:
		render_full_reads(p, w);
		break;
	case PAGE_SECTION_OVERVIEW:
		if (p->read)
			render_overview(w, p->read);
		break;
	case PAGE_SECTION_CONNECTIONS:
		render_info(w, cy->cache, m);
		for (size_t i = 0; i < ELEMENTSOF(conn_families); i++)
			render_conn_family(w, cy->cache, m, &conn_families[i]);
		break;
	case PAGE_SECTION_CONNECTIONS_TIMES:
		render_age(w, m, cy->now);
		render_timers(w, m, "libreswan_connection_ike_sa_next_event_seconds",
			      "Seconds until the soonest rekey/replace/expire timer of the "
			      "connection's IKE SAs.",
			      false);
		render_timers(w, m, "libreswan_connection_child_sa_next_event_seconds",
			      "Seconds until the soonest rekey/replace/expire timer of the "
			      "connection's Child SAs; expire means the SA ends without being "
			      "replaced.",
			      true);
		render_seconds(w, m, offsetof(struct model_conn, lastdpd),
			       "libreswan_connection_dpd_last_seconds",
			       "Seconds since the last DPD exchange on the connection's IKE SA.");
		render_seconds(w, m, offsetof(struct model_conn, lastlive),
			       "libreswan_connection_liveness_last_seconds",
			       "Seconds since the connection's IKE SA last heard from the peer.");
		break;
	case PAGE_SECTION_CONNECTIONS_KERNEL:
	case PAGE_SECTION_KERNEL:
	case PAGE_SECTION_DETAIL:
	case PAGE_SECTION_PLUTO_COUNTERS:
	case _PAGE_SECTION_MAX:
		break;
	}
}

const struct source_ops source_pluto = {
	.name = "pluto",
	.commands = commands,
	.n_commands = ELEMENTSOF(commands),
	.new = pluto_new,
	.free = pluto_free,
	.enabled = pluto_enabled,
	.begin = pluto_begin,
	.parser = pluto_parser,
	.judge = pluto_judge,
	.update = pluto_update,
	.render = pluto_render,
};
