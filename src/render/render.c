/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/hashmap.h"
#include "model/model.h"
#include "parse/parse_global.h"
#include "parse/parse_kernel.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "render/render.h"
#include "lib/util.h"

#define L(n, v) ((struct metric_label){ (n), (v) })

/* The families render_cache keeps: few, so a linear look-up by name. */
#define RENDER_CACHE_FAMILIES 16
/* The first page's size guess: what every page has, and what each connection adds (about 800 bytes). */
#define RENDER_PAGE_BASE 65536
#define RENDER_PAGE_PER_CONN 900
/* A connection that a family leaves out, in its vector of values. */
#define VALUE_ABSENT UINT64_MAX

struct cached_family {
	const char *name;		/* the family's name (a literal) */
	enum metrics_format format;
	uint64_t sorted_version;	/* of the model's connection list it was made from */
	uint64_t *values;		/* one per connection in the sorted list, or VALUE_ABSENT */
	size_t n_values;
	size_t alloc_values;
	struct strbuf text;		/* the family as rendered: HELP, TYPE, samples */
};

struct render_cache {
	struct cached_family families[RENDER_CACHE_FAMILIES];
	size_t n_families;
	uint64_t *values;	/* this cycle's, being compared */
	size_t alloc_values;
	uint64_t hits, misses;	/* render_cache_counts() */
};

struct render_cache *render_cache_new(void)
{
	return xcalloc(1, sizeof(struct render_cache));
}

struct render_cache *render_cache_free(struct render_cache *rc)
{
	if (!rc)
		return NULL;
	for (size_t i = 0; i < rc->n_families; i++) {
		free(rc->families[i].values);
		strbuf_release(&rc->families[i].text);
	}
	free(rc->values);
	free(rc);
	return NULL;
}

void render_cache_counts(const struct render_cache *rc, uint64_t *ret_reused, uint64_t *ret_rendered)
{
	*ret_reused = rc->hits;
	*ret_rendered = rc->misses;
}

/* The cycle's value vector of n connections, to be filled before cache_reuse(). */
static uint64_t *cache_values(struct render_cache *rc, size_t n)
{
	xgrow((void **)&rc->values, &rc->alloc_values, n + 1, sizeof(*rc->values));
	return rc->values;
}

static struct cached_family *cache_find(struct render_cache *rc, const char *name)
{
	for (size_t i = 0; i < rc->n_families; i++)
		if (streq(rc->families[i].name, name))
			return &rc->families[i];
	if (rc->n_families == RENDER_CACHE_FAMILIES)
		return NULL;
	rc->families[rc->n_families].name = name;
	return &rc->families[rc->n_families++];
}

/* Append the family's text kept from a cycle with the same connections and values; false if none. */
static bool cache_reuse(struct metrics_writer *w, struct render_cache *rc, const char *name, const struct model *m,
			size_t n)
{
	struct cached_family *f = cache_find(rc, name);

	if (!f || !f->text.buf || f->format != w->format || f->sorted_version != m->sorted_version ||
	    f->n_values != n || memcmp(f->values, rc->values, n * sizeof(*rc->values)) != 0) {
		rc->misses++;
		return false;
	}
	strbuf_append(w->sb, f->text.buf, f->text.len);
	rc->hits++;
	return true;
}

/* Keep the family just rendered (the page from offset start) with the values it was made from. */
static void cache_store(struct metrics_writer *w, struct render_cache *rc, const char *name, const struct model *m,
			size_t n, size_t start)
{
	struct cached_family *f = cache_find(rc, name);
	uint64_t *swap;
	size_t swap_alloc;

	if (!f)
		return;
	f->format = w->format;
	f->sorted_version = m->sorted_version;
	swap = f->values;
	swap_alloc = f->alloc_values;
	f->values = rc->values;
	f->alloc_values = rc->alloc_values;
	f->n_values = n;
	rc->values = swap;
	rc->alloc_values = swap_alloc;
	strbuf_reset(&f->text);
	strbuf_append(&f->text, w->sb->buf + start, w->sb->len - start);
}

const char *poll_command_to_string(enum poll_command c)
{
	switch (c) {
	case POLL_COMMAND_STATUS:
		return "status";
	case POLL_COMMAND_TRAFFICSTATUS:
		return "trafficstatus";
	case POLL_COMMAND_GLOBALSTATUS:
		return "globalstatus";
	case POLL_COMMAND_KERNEL:
		return "kernel";
	case _POLL_COMMAND_MAX:
		break;
	}
	return "?";
}

const char *poll_reason_to_string(enum poll_reason r)
{
	switch (r) {
	case POLL_REASON_NOT_RUNNING:
		return "not_running";
	case POLL_REASON_PERMISSION:
		return "permission";
	case POLL_REASON_CONNECT_FAILED:
		return "connect_failed";
	case POLL_REASON_TIMEOUT:
		return "timeout";
	case POLL_REASON_EXIT_STATUS:
		return "exit_status";
	case POLL_REASON_OUTPUT_TOO_LARGE:
		return "output_too_large";
	case POLL_REASON_SPAWN_FAILED:
		return "spawn_failed";
	case POLL_REASON_NONE:
	case _POLL_REASON_MAX:
		break;
	}
	return "?";
}

static void render_exporter(struct metrics_writer *w, const struct render_input *in)
{
	const struct poll_stats *st = in->stats;
	static const char *const cmds[] = { "status", "trafficstatus", "globalstatus" };

	metrics_family(w, "libreswan_up", METRIC_TYPE_GAUGE,
		       "1 if the last poll cycle reached pluto (the status command succeeded).");
	metrics_sample_u64(w, NULL, 0, st->up);

	metrics_family(w, "libreswan_exporter_build_info", METRIC_TYPE_GAUGE,
		       "Version and source revision of the exporter; always 1.");
	metrics_sample_u64(w, (struct metric_label[]){ L("version", PACKAGE_VERSION), L("revision", REVISION) }, 2, 1);

	metrics_family(w, "libreswan_poll_success", METRIC_TYPE_GAUGE,
		       "1 if the command's last run succeeded.");
	for (size_t c = 0; c < POLL_COMMAND_WHACK_END; c++)
		if (st->attempted[c])
			metrics_sample_u64(w, (struct metric_label[]){ L("command", cmds[c]) }, 1, st->success[c]);

	metrics_family(w, "libreswan_poll_duration_seconds", METRIC_TYPE_GAUGE,
		       "Wall time of the command's last run.");
	for (size_t c = 0; c < POLL_COMMAND_WHACK_END; c++)
		if (st->attempted[c])
			metrics_sample_double(w, (struct metric_label[]){ L("command", cmds[c]) }, 1, st->duration[c]);

	metrics_family(w, "libreswan_poll_errors_total", METRIC_TYPE_COUNTER,
		       "Failed runs of a whack command, by cause.");
	for (size_t c = 0; c < POLL_COMMAND_WHACK_END; c++)
		for (size_t r = 0; r < _POLL_REASON_MAX; r++)
			metrics_sample_u64(w,
					   (struct metric_label[]){ L("command", cmds[c]),
								    L("reason", poll_reason_to_string(r)) },
					   2, st->errors[c][r]);

	metrics_family(w, "libreswan_parse_errors_total", METRIC_TYPE_COUNTER,
		       "Lines of whack output the parser did not recognise (skipped).");
	for (size_t c = 0; c < POLL_COMMAND_WHACK_END; c++)
		metrics_sample_u64(w, (struct metric_label[]){ L("command", cmds[c]) }, 1, st->parse_errors[c]);

	metrics_family(w, "libreswan_last_poll_timestamp_seconds", METRIC_TYPE_GAUGE,
		       "End of the last completed poll cycle (Unix time).");
	metrics_sample_double(w, NULL, 0, st->last_poll_timestamp);

	metrics_family(w, "libreswan_poll_cycles_total", METRIC_TYPE_COUNTER,
		       "Poll cycles completed since the exporter started.");
	metrics_sample_u64(w, NULL, 0, st->cycles);

	metrics_family(w, "libreswan_exporter_tracked_sas", METRIC_TYPE_GAUGE,
		       "Child SAs whose byte counters the exporter tracks across poll cycles.");
	metrics_sample_u64(w, NULL, 0, in->model->sas.n_items);
}

static void render_overview(struct metrics_writer *w, const struct status_summary *s)
{
	if (s->has_total) {
		metrics_family(w, "libreswan_connections_loaded", METRIC_TYPE_GAUGE,
			       "Connections loaded in pluto (Total IPsec connections: loaded N).");
		metrics_sample_u64(w, NULL, 0, s->loaded);
		metrics_family(w, "libreswan_connections_active", METRIC_TYPE_GAUGE,
			       "Connections with an installed tunnel (Total IPsec connections: active N).");
		metrics_sample_u64(w, NULL, 0, s->active);
		if (s->has_routed) {
			metrics_family(w, "libreswan_connections_routed", METRIC_TYPE_GAUGE,
				       "Connections with a kernel route or policy (Libreswan 5.3+).");
			metrics_sample_u64(w, NULL, 0, s->routed);
		}
	}
	if (s->has_ike_sas) {
		metrics_family(w, "libreswan_ike_sas", METRIC_TYPE_GAUGE,
			       "IKE SAs by state, from pluto's IKE SAs line.");
		metrics_sample_u64(w, (struct metric_label[]){ L("state", "half_open") }, 1, s->ike_half_open);
		metrics_sample_u64(w, (struct metric_label[]){ L("state", "open") }, 1, s->ike_open);
		metrics_sample_u64(w, (struct metric_label[]){ L("state", "authenticated") }, 1, s->ike_authenticated);
		metrics_sample_u64(w, (struct metric_label[]){ L("state", "anonymous") }, 1, s->ike_anonymous);
	}
	if (s->has_ipsec_sas) {
		metrics_family(w, "libreswan_ipsec_sas", METRIC_TYPE_GAUGE,
			       "Established IPsec/Child SAs, from pluto's IPsec SAs line.");
		metrics_sample_u64(w, (struct metric_label[]){ L("state", "authenticated") }, 1,
				   s->ipsec_authenticated);
		metrics_sample_u64(w, (struct metric_label[]){ L("state", "anonymous") }, 1, s->ipsec_anonymous);
	}
	if (s->has_state_info) {
		metrics_family(w, "libreswan_ddos_cookies_required", METRIC_TYPE_GAUGE,
			       "1 when pluto requires DDoS cookies from new IKE peers.");
		metrics_sample_u64(w, NULL, 0, s->ddos_cookies_required);
		metrics_family(w, "libreswan_accepting_ike", METRIC_TYPE_GAUGE,
			       "1 when pluto says it is accepting new IKE connections.");
		metrics_sample_u64(w, NULL, 0, s->accepting_ike);
	}
	{
		static const char *const fam[] = { "", "3", "4", "5" };

		metrics_family(w, "libreswan_pluto_info", METRIC_TYPE_GAUGE,
			       "Pluto's version where it prints it, and the output format family; always 1.");
		metrics_sample_u64(w,
				   (struct metric_label[]){ L("version", s->version ? s->version : ""),
							    L("family", fam[s->family]) },
				   2, 1);
	}
}

/*
 * How far ahead a walk over the connections asks for their memory. The page walks every connection
 * once per family; at 100k connections they no longer stay in the cache from one walk to the next,
 * and a walk that waits for each in turn spends most of its time waiting.
 */
#define PREFETCH_AHEAD 16

/* Ask for the lines a family reads of the connection PREFETCH_AHEAD on (the fields it reads come
 * first: see struct model_conn), and for the label set of the one half as far on. */
static inline void conn_prefetch(struct model_conn *const *conns, size_t i, size_t n)
{
	if (i + PREFETCH_AHEAD < n) {
		const char *p = (const char *)conns[i + PREFETCH_AHEAD];

		__builtin_prefetch(p);
		__builtin_prefetch(p + 64);
		__builtin_prefetch(p + 128);
	}
	if (i + PREFETCH_AHEAD / 2 < n)
		__builtin_prefetch(conns[i + PREFETCH_AHEAD / 2]->labels);
}

/* Which connections get series: see doc/metrics.md. */
static bool conn_listed(const struct model *m, const struct model_conn *c)
{
	return m->status_ok && c->loaded;
}

static bool conn_counted(const struct model *m, const struct model_conn *c)
{
	if (m->status_ok)
		return c->loaded || c->traffic_sas > 0;
	/* Without a connection list, show what trafficstatus names (and, when there never was a
	 * list, everything tracked so far). */
	return c->traffic_sas > 0 || (!m->ever_status && m->traffic_ok);
}

/* The kernel join ran this cycle for it (status and kernel both read). */
static bool conn_kernel_joined(const struct model *m, const struct model_conn *c)
{
	return conn_listed(m, c) && c->kernel_joined;
}

/* It has kernel counters: a kernel SA was joined to it since the exporter started. */
static bool conn_kernel_counted(const struct model *m, const struct model_conn *c)
{
	return conn_counted(m, c) && c->kernel_tracked;
}

typedef uint64_t (*conn_value_fn)(const struct model_conn *c);

static uint64_t v_expected(const struct model_conn *c)
{
	return c->expected_up;
}

static uint64_t v_instances(const struct model_conn *c)
{
	return c->instances;
}

static uint64_t v_up(const struct model_conn *c)
{
	return model_conn_is_up(c);
}

static uint64_t v_ike(const struct model_conn *c)
{
	return c->ike_established;
}

static uint64_t v_child(const struct model_conn *c)
{
	return c->child_established > c->traffic_sas ? c->child_established : c->traffic_sas;
}

static uint64_t v_kernel_sas(const struct model_conn *c)
{
	return c->kernel_sas;
}

static uint64_t v_kernel_missing(const struct model_conn *c)
{
	return c->kernel_sas_missing;
}

static uint64_t v_in_packets(const struct model_conn *c)
{
	return model_conn_packets(c, 0);
}

static uint64_t v_out_packets(const struct model_conn *c)
{
	return model_conn_packets(c, 1);
}

/* One sample per connection that filter lets through; rc: reuse the text while nothing changed. */
static void conn_family(struct metrics_writer *w, struct render_cache *rc, const struct model *m,
			struct model_conn *const *conns, size_t n, const char *name, enum metric_type type,
			const char *help, conn_value_fn fn, bool (*filter)(const struct model *, const struct model_conn *))
{
	bool begun = false;
	size_t start = w->sb->len;

	if (rc) {
		uint64_t *v = cache_values(rc, n);

		for (size_t i = 0; i < n; i++) {
			conn_prefetch(conns, i, n);
			v[i] = filter(m, conns[i]) ? fn(conns[i]) : VALUE_ABSENT;
		}
		if (cache_reuse(w, rc, name, m, n))
			return;
	}
	for (size_t i = 0; i < n; i++) {
		conn_prefetch(conns, i, n);
		if (!filter(m, conns[i]))
			continue;
		if (!begun) {
			metrics_family(w, name, type, help);
			begun = true;
		}
		metrics_sample_text_u64(w, conns[i]->labels, conns[i]->labels_len, NULL, NULL, fn(conns[i]));
	}
	if (rc)
		cache_store(w, rc, name, m, n, start);
}

static void timer_family(struct metrics_writer *w, const struct model *m, struct model_conn *const *conns, size_t n,
			 const char *name, const char *help, bool child)
{
	bool begun = false;

	for (size_t i = 0; i < n; i++) {
		const int64_t *t = child ? conns[i]->child_timer : conns[i]->ike_timer;

		conn_prefetch(conns, i, n);
		if (!conn_listed(m, conns[i]))
			continue;
		for (size_t e = 0; e < _MODEL_EVENT_MAX; e++) {
			if (t[e] == MODEL_TIMER_NONE)
				continue;
			if (!begun) {
				metrics_family(w, name, METRIC_TYPE_GAUGE, help);
				begun = true;
			}
			metrics_sample_text_i64(w, conns[i]->labels, conns[i]->labels_len, "event", model_event_to_string(e), t[e]);
		}
	}
}

/* A gauge of listed connections whose int64_t field at offset is known (not MODEL_TIMER_NONE). */
static void seconds_family(struct metrics_writer *w, const struct model *m, struct model_conn *const *conns, size_t n,
			   size_t offset, const char *name, const char *help)
{
	bool begun = false;

	for (size_t i = 0; i < n; i++) {
		int64_t v = *(const int64_t *)((const char *)conns[i] + offset);

		conn_prefetch(conns, i, n);
		if (!conn_listed(m, conns[i]) || v == MODEL_TIMER_NONE)
			continue;
		if (!begun) {
			metrics_family(w, name, METRIC_TYPE_GAUGE, help);
			begun = true;
		}
		metrics_sample_text_i64(w, conns[i]->labels, conns[i]->labels_len, NULL, NULL, v);
	}
}

/* The per-connection families of the kernel's view (SPEC §3b). */
static void render_connections_kernel(struct metrics_writer *w, struct render_cache *rc, const struct model *m,
				      struct model_conn *const *conns, size_t n)
{
	bool begun;

	conn_family(w, rc, m, conns, n, "libreswan_connection_kernel_sas", METRIC_TYPE_GAUGE,
		    "Kernel SAs (XFRM) that belong to the connection's established Child SAs.", v_kernel_sas,
		    conn_kernel_joined);
	conn_family(w, rc, m, conns, n, "libreswan_connection_kernel_sas_missing", METRIC_TYPE_GAUGE,
		    "SAs of the connection's established Child SAs (one per direction and protocol) that the "
		    "kernel does not hold; 0 is healthy.",
		    v_kernel_missing, conn_kernel_joined);
	conn_family(w, NULL, m, conns, n, "libreswan_connection_in_packets_total", METRIC_TYPE_COUNTER,
		    "Packets through the connection's inbound kernel SAs, monotonic across rekeys.", v_in_packets,
		    conn_kernel_counted);
	conn_family(w, NULL, m, conns, n, "libreswan_connection_out_packets_total", METRIC_TYPE_COUNTER,
		    "Packets through the connection's outbound kernel SAs, monotonic across rekeys.", v_out_packets,
		    conn_kernel_counted);

	begun = false;
	for (size_t i = 0; i < n; i++) {
		const struct model_conn *c = conns[i];

		conn_prefetch(conns, i, n);
		if (!conn_kernel_counted(m, c))
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_kernel_errors_total", METRIC_TYPE_COUNTER,
				       "The kernel's error statistics of the connection's SAs (packets outside the "
				       "replay window, replayed, failing the integrity check), kept across rekeys.");
			begun = true;
		}
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			metrics_sample_text_u64(w, c->labels, c->labels_len, "reason", kernel_error_to_string(e),
						model_conn_kernel_errors(c, e));
	}

	begun = false;
	for (size_t i = 0; i < n; i++) {
		const struct model_conn *c = conns[i];

		conn_prefetch(conns, i, n);
		if (!conn_kernel_joined(m, c) || !c->kernel_policies_known)
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_kernel_policies", METRIC_TYPE_GAUGE,
				       "Kernel policies (XFRM SPD) whose templates carry a reqid of the connection's SAs.");
			begun = true;
		}
		for (size_t d = 0; d < _KERNEL_DIR_MAX; d++)
			metrics_sample_text_u64(w, c->labels, c->labels_len, "direction", kernel_dir_to_string(d),
						c->kernel_policies[d]);
	}
}

/* Failures of the kernel helper worth a label (it never reports pluto's reasons). */
static const enum poll_reason kernel_reasons[] = {
	POLL_REASON_PERMISSION, POLL_REASON_TIMEOUT, POLL_REASON_EXIT_STATUS, POLL_REASON_OUTPUT_TOO_LARGE,
	POLL_REASON_SPAWN_FAILED,
};

/* The kernel collector itself and the kernel-wide figures (SPEC §3b). */
static void render_kernel(struct metrics_writer *w, const struct render_input *in)
{
	const struct poll_stats *st = in->stats;
	const struct kernel_snapshot *k = in->kernel;
	const struct model *m = in->model;

	metrics_family(w, "libreswan_kernel_up", METRIC_TYPE_GAUGE,
		       "1 if the last poll cycle read the kernel's IPsec state (XFRM); 0 also when the kernel "
		       "collector is off or not permitted.");
	metrics_sample_u64(w, NULL, 0, k != NULL);
	metrics_family(w, "libreswan_kernel_collector_enabled", METRIC_TYPE_GAUGE,
		       "1 if poll cycles read the kernel's IPsec state (--collector.kernel, or --input.kernel).");
	metrics_sample_u64(w, NULL, 0, st->kernel_enabled);
	if (st->kernel_enabled) {
		if (st->attempted[POLL_COMMAND_KERNEL]) {
			metrics_family(w, "libreswan_kernel_read_duration_seconds", METRIC_TYPE_GAUGE,
				       "Wall time of the last kernel read (the helper's run).");
			metrics_sample_double(w, NULL, 0, st->duration[POLL_COMMAND_KERNEL]);
		}
		metrics_family(w, "libreswan_kernel_read_errors_total", METRIC_TYPE_COUNTER,
			       "Failed kernel reads, by cause.");
		for (size_t i = 0; i < ELEMENTSOF(kernel_reasons); i++)
			metrics_sample_u64(w, (struct metric_label[]){ L("reason", poll_reason_to_string(kernel_reasons[i])) },
					   1, st->errors[POLL_COMMAND_KERNEL][kernel_reasons[i]]);
		metrics_family(w, "libreswan_kernel_parse_errors_total", METRIC_TYPE_COUNTER,
			       "Lines of the kernel helper's output that were not recognised (skipped).");
		metrics_sample_u64(w, NULL, 0, st->parse_errors[POLL_COMMAND_KERNEL]);
	}
	if (!k)
		return;

	metrics_family(w, "libreswan_kernel_sas", METRIC_TYPE_GAUGE,
		       "SAs in the kernel's SAD (all of them, not only pluto's).");
	metrics_sample_u64(w, NULL, 0, k->has_sad_count ? k->sad_count : k->n_sas);
	metrics_family(w, "libreswan_kernel_policies", METRIC_TYPE_GAUGE, "Policies in the kernel's SPD, by direction.");
	for (size_t d = 0; d < _KERNEL_DIR_MAX; d++) {
		uint64_t v = 0;

		if (k->has_spd_counts)
			v = k->spd_counts[d];
		else
			for (size_t i = 0; i < k->n_policies; i++)
				v += k->policies[i].dir == d;
		metrics_sample_u64(w, (struct metric_label[]){ L("direction", kernel_dir_to_string(d)) }, 1, v);
	}
	metrics_family(w, "libreswan_kernel_sas_larval", METRIC_TYPE_GAUGE,
		       "Half-created ESP/AH/IPComp kernel SAs: SPI 0 (an ACQUIRE placeholder) or an allocated SPI "
		       "without algorithms yet.");
	metrics_sample_u64(w, NULL, 0, m->kernel.larval);
	if (m->kernel.joined) {
		metrics_family(w, "libreswan_kernel_sas_unclaimed", METRIC_TYPE_GAUGE,
			       "Complete ESP/AH/IPComp kernel SAs that no established Child SA of pluto lists.");
		metrics_sample_u64(w, NULL, 0, m->kernel.unclaimed);
	}
	if (k->n_stats) {
		metrics_family(w, "libreswan_kernel_xfrm_stat_total", METRIC_TYPE_COUNTER,
			       "The kernel's XFRM error counters, every row of /proc/net/xfrm_stat by name.");
		for (size_t i = 0; i < k->n_stats; i++)
			metrics_sample_u64(w, (struct metric_label[]){ L("counter", k->stats[i].name) }, 1,
					   k->stats[i].value);
	}
}

static void render_connections(struct metrics_writer *w, const struct render_input *in)
{
	const struct model *m = in->model;
	struct render_cache *rc = in->cache;
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	struct strbuf info = STRBUF_INIT;
	struct metric_label l[4];
	size_t start = w->sb->len;
	bool begun, reused = false;

	if (rc) {
		uint64_t *v = cache_values(rc, n);

		/* the info series change only with a connection's description */
		for (size_t i = 0; i < n; i++) {
			conn_prefetch(conns, i, n);
			v[i] = conn_listed(m, conns[i]) ? conns[i]->info_version : VALUE_ABSENT;
		}
		reused = cache_reuse(w, rc, "libreswan_connection_info", m, n);
	}
	begun = false;
	for (size_t i = 0; i < n && !reused; i++) {
		struct model_conn *c = conns[i];
		char ikev[4];

		conn_prefetch(conns, i, n);
		if (!conn_listed(m, c))
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_info", METRIC_TYPE_GAUGE,
				       "One per loaded connection (instances folded into their template); always 1.");
			begun = true;
		}
		(void)snprintf(ikev, sizeof(ikev), "%d", c->ike_version);
		l[0] = L("ike_version", c->ike_version ? ikev : "");
		l[1] = L("kind", model_conn_kind_to_string(c->kind));
		l[2] = L("local", c->local ? c->local : "");
		l[3] = L("remote", c->remote ? c->remote : "");
		/* the connection's own label set (made once by the model), then these */
		strbuf_reset(&info);
		strbuf_append(&info, c->labels, c->labels_len);
		strbuf_putc(&info, ',');
		metrics_format_labels(&info, l, 4);
		metrics_sample_text_u64(w, info.buf, info.len, NULL, NULL, 1);
	}
	if (rc && !reused)
		cache_store(w, rc, "libreswan_connection_info", m, n, start);
	strbuf_release(&info);
	conn_family(w, rc, m, conns, n, "libreswan_connection_expected_up", METRIC_TYPE_GAUGE,
		    "1 if pluto holds the connection's policy UP (auto=start or brought up by an operator).",
		    v_expected, conn_listed);
	conn_family(w, rc, m, conns, n, "libreswan_connection_instances", METRIC_TYPE_GAUGE,
		    "Live instances of a template or group (0 for static connections).", v_instances, conn_listed);
	conn_family(w, rc, m, conns, n, "libreswan_connection_up", METRIC_TYPE_GAUGE,
		    "1 if the connection or one of its instances has an established IPsec/Child SA.", v_up,
		    conn_listed);
	conn_family(w, rc, m, conns, n, "libreswan_connection_ike_sas_established", METRIC_TYPE_GAUGE,
		    "Established IKE (ISAKMP/parent) SAs of the connection.", v_ike, conn_listed);
	conn_family(w, rc, m, conns, n, "libreswan_connection_child_sas_established", METRIC_TYPE_GAUGE,
		    "Established IPsec/Child SAs of the connection.", v_child, conn_listed);
	conn_family(w, NULL, m, conns, n, "libreswan_connection_in_bytes_total", METRIC_TYPE_COUNTER,
		    "Bytes received through the connection's IPsec SAs, monotonic across rekeys.",
		    model_conn_in_bytes, conn_counted);
	conn_family(w, NULL, m, conns, n, "libreswan_connection_out_bytes_total", METRIC_TYPE_COUNTER,
		    "Bytes sent through the connection's IPsec SAs, monotonic across rekeys.",
		    model_conn_out_bytes, conn_counted);
	render_connections_kernel(w, rc, m, conns, n);

	begun = false;
	for (size_t i = 0; i < n; i++) {
		struct model_conn *c = conns[i];

		conn_prefetch(conns, i, n);
		if (!conn_counted(m, c) || c->newest_add_time == 0 || c->traffic_sas == 0)
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_child_sa_age_seconds", METRIC_TYPE_GAUGE,
				       "Age of the connection's newest Child SA (from trafficstatus add_time).");
			begun = true;
		}
		metrics_sample_text_i64(w, c->labels, c->labels_len, NULL, NULL, (int64_t)in->now - (int64_t)c->newest_add_time);
	}
	timer_family(w, m, conns, n, "libreswan_connection_ike_sa_next_event_seconds",
		     "Seconds until the soonest rekey/replace/expire timer of the connection's IKE SAs.", false);
	timer_family(w, m, conns, n, "libreswan_connection_child_sa_next_event_seconds",
		     "Seconds until the soonest rekey/replace/expire timer of the connection's Child SAs; "
		     "expire means the SA ends without being replaced.",
		     true);

	seconds_family(w, m, conns, n, offsetof(struct model_conn, lastdpd), "libreswan_connection_dpd_last_seconds",
		       "Seconds since the last DPD exchange on the connection's IKE SA.");
	seconds_family(w, m, conns, n, offsetof(struct model_conn, lastlive),
		       "libreswan_connection_liveness_last_seconds",
		       "Seconds since the connection's IKE SA last heard from the peer.");
}

static void render_users(struct metrics_writer *w, const struct model *m)
{
	size_t n;
	struct model_user **users = model_sorted_users(m, &n);
	const struct model_user *other = &m->other_user;
	bool show_other = other->sas > 0 || other->retired_in || other->retired_out;

	metrics_family(w, "libreswan_user_in_bytes_total", METRIC_TYPE_COUNTER,
		       "Bytes received through the IPsec SAs of an XAUTH/IKEv2-CP user.");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w, (struct metric_label[]){ L("username", users[i]->name) }, 1,
				   users[i]->retired_in + users[i]->live_in);
	if (show_other)
		metrics_sample_u64(w, (struct metric_label[]){ L("username", "_other") }, 1,
				   other->retired_in + other->live_in);
	metrics_family(w, "libreswan_user_out_bytes_total", METRIC_TYPE_COUNTER,
		       "Bytes sent through the IPsec SAs of an XAUTH/IKEv2-CP user.");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w, (struct metric_label[]){ L("username", users[i]->name) }, 1,
				   users[i]->retired_out + users[i]->live_out);
	if (show_other)
		metrics_sample_u64(w, (struct metric_label[]){ L("username", "_other") }, 1,
				   other->retired_out + other->live_out);
	metrics_family(w, "libreswan_user_sas", METRIC_TYPE_GAUGE, "Live IPsec SAs of a user.");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w,
				   (struct metric_label[]){ L("username", users[i]->name),
							    L("connection", users[i]->conn_key) },
				   2, users[i]->sas);
	metrics_family(w, "libreswan_user_lease_info", METRIC_TYPE_GAUGE,
		       "The address leased to a user (ModeCfg/IKEv2 CP); always 1.");
	for (size_t i = 0; i < n; i++)
		if (users[i]->lease)
			metrics_sample_u64(w,
					   (struct metric_label[]){ L("username", users[i]->name),
								    L("lease", users[i]->lease) },
					   2, 1);
	free(users);
}

struct sa_series {
	const char *conn;
	const char *peer;
	const char *id;
	uint64_t in;
	uint64_t out;
	uint64_t newest_add_time;
	struct model_child_kernel kernel;	/* the kernel's counters of its Child SAs */
};

static int cmp_sa_series(const void *a, const void *b)
{
	const struct sa_series *x = *(const struct sa_series *const *)a;
	const struct sa_series *y = *(const struct sa_series *const *)b;
	int r = strcmp(x->conn, y->conn);

	if (!r)
		r = strcmp(x->peer, y->peer);
	return r ? r : strcmp(x->id, y->id);
}

/*
 * Per-SA series (opt-in). Keyed by connection, peer and peer ID, never by the
 * SA serial; SAs that share those (the old and new SA of a rekey overlap) are
 * summed. Beyond the cap they go into one "_other" series.
 */
static uint64_t render_sas(struct metrics_writer *w, const struct render_input *in)
{
	const struct traffic_list *t = in->traffic;
	struct hashmap map = HASHMAP_INIT;
	struct sa_series *all = xcalloc(t->n_sas + 1, sizeof(*all));
	struct sa_series **sorted = xcalloc(t->n_sas + 1, sizeof(*sorted));
	char **names = xcalloc(t->n_sas + 1, sizeof(*names));
	struct sa_series other = { .conn = "_other", .peer = "_other", .id = "" };
	size_t n = 0;
	uint64_t overflow = 0;

	for (size_t i = 0; i < t->n_sas; i++) {
		const struct traffic_sa *sa = &t->sas[i];
		_cleanup_free_ char *inst = NULL;
		struct strbuf key = STRBUF_INIT;
		struct sa_series *s;
		char *base;

		model_fold_name(in->model, sa->conn, sa->instance, &base, &inst);
		strbuf_puts(&key, base);
		strbuf_putc(&key, '\x1f');
		strbuf_puts(&key, sa->peer ? sa->peer : "");
		strbuf_putc(&key, '\x1f');
		strbuf_puts(&key, sa->id ? sa->id : (sa->username ? sa->username : ""));
		s = hashmap_get(&map, key.buf);
		if (!s && n >= in->max_sas) {
			s = &other;
			overflow++;
		} else if (!s) {
			s = &all[n];
			names[n] = base;
			base = NULL;
			s->conn = names[n];
			s->peer = sa->peer ? sa->peer : "";
			s->id = sa->id ? sa->id : (sa->username ? sa->username : "");
			sorted[n++] = s;
			(void)hashmap_put(&map, key.buf, s);
		}
		free(base);
		strbuf_release(&key);
		s->in += sa->in_bytes;
		s->out += sa->out_bytes;
		if (sa->add_time > s->newest_add_time)
			s->newest_add_time = sa->add_time;
		if (in->kernel) {
			char serial_key[24];
			const struct model_child_kernel *ck;

			(void)snprintf(serial_key, sizeof(serial_key), "%" PRIu64, sa->serial);
			ck = hashmap_get(&in->model->child_kernel, serial_key);
			for (size_t d = 0; ck && d < 2; d++)
				s->kernel.packets[d] += ck->packets[d];
			for (size_t e = 0; ck && e < _KERNEL_ERROR_MAX; e++)
				s->kernel.errors[e] += ck->errors[e];
		}
	}
	qsort(sorted, n, sizeof(*sorted), cmp_sa_series);
	if (overflow)
		sorted[n++] = &other;

	metrics_family(w, "libreswan_sa_in_bytes", METRIC_TYPE_GAUGE,
		       "Bytes received by the live IPsec SAs of one peer (resets on rekey).");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w, (struct metric_label[]){ L("connection", sorted[i]->conn),
				   L("peer", sorted[i]->peer), L("id", sorted[i]->id) }, 3, sorted[i]->in);
	metrics_family(w, "libreswan_sa_out_bytes", METRIC_TYPE_GAUGE,
		       "Bytes sent by the live IPsec SAs of one peer (resets on rekey).");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w, (struct metric_label[]){ L("connection", sorted[i]->conn),
				   L("peer", sorted[i]->peer), L("id", sorted[i]->id) }, 3, sorted[i]->out);
	metrics_family(w, "libreswan_sa_age_seconds", METRIC_TYPE_GAUGE,
		       "Age of the newest live IPsec SA of one peer (from add_time).");
	for (size_t i = 0; i < n; i++)
		if (sorted[i]->newest_add_time)
			metrics_sample_i64(w, (struct metric_label[]){ L("connection", sorted[i]->conn),
					   L("peer", sorted[i]->peer), L("id", sorted[i]->id) }, 3,
					   (int64_t)in->now - (int64_t)sorted[i]->newest_add_time);
	if (in->kernel) {
		static const char *const packet_family[2] = { "libreswan_sa_in_packets", "libreswan_sa_out_packets" };
		static const char *const packet_help[2] = {
			"Packets received by the live kernel SAs of one peer (resets on rekey).",
			"Packets sent by the live kernel SAs of one peer (resets on rekey).",
		};

		for (size_t d = 0; d < 2; d++) {
			metrics_family(w, packet_family[d], METRIC_TYPE_GAUGE, packet_help[d]);
			for (size_t i = 0; i < n; i++)
				metrics_sample_u64(w, (struct metric_label[]){ L("connection", sorted[i]->conn),
						   L("peer", sorted[i]->peer), L("id", sorted[i]->id) }, 3,
						   sorted[i]->kernel.packets[d]);
		}
		metrics_family(w, "libreswan_sa_kernel_errors", METRIC_TYPE_GAUGE,
			       "The kernel's error statistics of the live SAs of one peer (reset on rekey).");
		for (size_t i = 0; i < n; i++)
			for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
				metrics_sample_u64(w, (struct metric_label[]){ L("connection", sorted[i]->conn),
						   L("peer", sorted[i]->peer), L("id", sorted[i]->id),
						   L("reason", kernel_error_to_string(e)) }, 4, sorted[i]->kernel.errors[e]);
	}
	for (size_t i = 0; i < t->n_sas; i++)
		free(names[i]);
	free(names);
	free(sorted);
	free(all);
	hashmap_clear(&map);
	return overflow;
}

/*
 * globalstatus keys -> families. A pattern is the key with "{}" where a label
 * value stands (one dot-free segment, or the rest of the key when last);
 * "ikev{}" captures the digit. Unknown keys fall through to the generic
 * families so nothing pluto adds is dropped.
 */
struct global_rule {
	const char *pattern;
	const char *family;
	enum metric_type type;
	const char *labels[3];		/* names of the captures, in order */
	const char *help;
};

static const struct global_rule global_rules[] = {
	{ "total.ike.ikev{}.established", "libreswan_ike_sa_established_total", METRIC_TYPE_COUNTER,
	  { "ike_version" }, "IKE SAs established since pluto started (or --clearstats)." },
	{ "total.ike.ikev{}.failed", "libreswan_ike_sa_failed_total", METRIC_TYPE_COUNTER, { "ike_version" },
	  "IKE SA negotiations that failed." },
	{ "total.ike.ikev{}.completed", "libreswan_ike_sa_completed_total", METRIC_TYPE_COUNTER,
	  { "ike_version" }, "IKE SAs completed (deleted after being established)." },
	{ "total.ikev2.ike.{}", "libreswan_ike_sa_lifecycle_total", METRIC_TYPE_COUNTER, { "event" },
	  "IKE SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.isakmp.{}", "libreswan_ike_sa_lifecycle_total", METRIC_TYPE_COUNTER, { "event" },
	  "IKE SA lifecycle events (started, established, finished)." },
	{ "total.ikev2.child.{}", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER, { "event" },
	  "Child SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.ipsec.started", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER, { NULL },
	  "Child SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.ipsec.established", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER, { NULL },
	  "Child SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.ipsec.finished", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER, { NULL },
	  "Child SA lifecycle events (started, established, finished)." },
	{ "total.ipsec.type.all", "libreswan_ipsec_sa_established_total", METRIC_TYPE_COUNTER, { NULL },
	  "IPsec/Child SAs established since pluto started." },
	{ "total.ipsec.type.{}", "libreswan_ipsec_sa_established_by_property_total", METRIC_TYPE_COUNTER,
	  { "property" }, "IPsec/Child SAs established, by property (esp, ah, ipcomp, esn, tfc, encap, ...)." },
	{ "total.ipsec.traffic.in", "libreswan_ipsec_retired_in_bytes_total", METRIC_TYPE_COUNTER, { NULL },
	  "Bytes received by IPsec SAs that pluto has deleted." },
	{ "total.ipsec.traffic.out", "libreswan_ipsec_retired_out_bytes_total", METRIC_TYPE_COUNTER, { NULL },
	  "Bytes sent by IPsec SAs that pluto has deleted." },
	{ "total.ike.traffic.in", "libreswan_ike_in_bytes_total", METRIC_TYPE_COUNTER, { NULL },
	  "Bytes of IKE messages received." },
	{ "total.ike.traffic.out", "libreswan_ike_out_bytes_total", METRIC_TYPE_COUNTER, { NULL },
	  "Bytes of IKE messages sent." },
	{ "total.ike.dpd.{}", "libreswan_dpd_messages_total", METRIC_TYPE_COUNTER, { "direction" },
	  "DPD messages (sent, recv, replied)." },
	{ "total.pamauth.{}", "libreswan_pam_auth_total", METRIC_TYPE_COUNTER, { "event" },
	  "PAM (XAUTH) authentications (started, stopped, aborted)." },
	{ "total.xauth.{}", "libreswan_pam_auth_total", METRIC_TYPE_COUNTER, { "event" },
	  "PAM (XAUTH) authentications (started, stopped, aborted)." },
	{ "total.iketcp.{}.{}", "libreswan_ike_tcp_sessions_total", METRIC_TYPE_COUNTER, { "role", "event" },
	  "IKE over TCP sessions (RFC 8229) by role and event." },
	{ "total.ike.ikev2.redirect.{}", "libreswan_ike_redirect_total", METRIC_TYPE_COUNTER, { "result" },
	  "IKEv2 redirects (completed, failed)." },
	{ "total.ikev{}.ipsec.{}.{}", "libreswan_child_sa_algorithm_total", METRIC_TYPE_COUNTER,
	  { "ike_version", "kind", "algorithm" }, "Child SAs negotiated, by algorithm." },
	{ "total.ikev{}.{}.notifies.{}.{}", NULL, METRIC_TYPE_COUNTER, { NULL }, NULL },	/* below */
	{ "total.ikev2.{}.invalidke.{}.{}", "libreswan_ikev2_invalid_ke_total", METRIC_TYPE_COUNTER,
	  { "direction", "role", "group" }, "IKEv2 INVALID_KE_PAYLOAD exchanges, by DH group." },
	{ "total.ikev{}.{}.{}", "libreswan_ike_sa_algorithm_total", METRIC_TYPE_COUNTER,
	  { "ike_version", "kind", "algorithm" }, "IKE SAs negotiated, by algorithm." },
	{ "total.total.pluto.stf.{}", "libreswan_state_transition_results_total", METRIC_TYPE_COUNTER,
	  { "result" }, "Results of pluto's state transition functions." },
	{ "current.states.all", "libreswan_states", METRIC_TYPE_GAUGE, { NULL },
	  "States in pluto: IKE SAs, IPsec SAs and bare shunts." },
	{ "current.states.ike", "libreswan_states_ike", METRIC_TYPE_GAUGE, { NULL }, "IKE SAs in pluto, any state." },
	{ "current.states.ipsec", "libreswan_states_ipsec", METRIC_TYPE_GAUGE, { NULL },
	  "Established IPsec/Child SAs in pluto." },
	{ "current.states.shunts", "libreswan_bare_shunts", METRIC_TYPE_GAUGE, { NULL }, "Bare shunts installed." },
	{ "current.states.iketype.{}", "libreswan_states_ike_by_type", METRIC_TYPE_GAUGE, { "type" },
	  "IKE SAs in pluto by type (halfopen, open, authenticated, anonymous)." },
	{ "current.states.enumerate.{}", "libreswan_states_by_kind", METRIC_TYPE_GAUGE, { "state" },
	  "States in pluto by state kind." },
	{ "config.setup.ike.ddos_threshold", "libreswan_config_ddos_threshold", METRIC_TYPE_GAUGE, { NULL },
	  "Half-open IKE SAs at which pluto starts requiring DDoS cookies." },
	{ "config.setup.ike.max_halfopen", "libreswan_config_max_halfopen", METRIC_TYPE_GAUGE, { NULL },
	  "Half-open IKE SAs beyond which pluto refuses new ones." },
};

/* The notifies rule needs the IKE version, the direction, the kind and the name. */
static const struct global_rule notifies_rule = {
	"total.ikev{}.{}.notifies.{}.{}", "libreswan_ike_notifies_total", METRIC_TYPE_COUNTER,
	{ "ike_version", "direction", "kind" }, "IKE notify payloads sent and received."
};

/* Match key against pattern; captures[i] = (start, len). Returns the number of captures or -1. */
static int glob_match(const char *pattern, const char *key, const char *cap[4], size_t cap_len[4])
{
	int n = 0;

	while (*pattern) {
		if (pattern[0] == '{' && pattern[1] == '}') {
			char stop = pattern[2];
			const char *end;

			if (n == 4)
				return -1;
			if (stop == '\0')
				end = key + strlen(key);
			else
				end = strchr(key, stop);
			if (!end || end == key)
				return -1;
			/* A capture is one segment: no dot inside unless it is the last one. */
			if (stop != '\0' && memchr(key, '.', (size_t)(end - key)))
				return -1;
			cap[n] = key;
			cap_len[n++] = (size_t)(end - key);
			key = end;
			pattern += 2;
			continue;
		}
		if (*pattern != *key)
			return -1;
		pattern++;
		key++;
	}
	return *key ? -1 : n;
}

struct global_sample {
	const char *family;
	enum metric_type type;
	const char *help;
	size_t order;			/* index of the rule, to keep families in a stable order */
	size_t seq;			/* input order within the family */
	struct metric_label labels[4];
	size_t n_labels;
	char *values[4];		/* owned label values */
	uint64_t value;
};

static int cmp_global_sample(const void *a, const void *b)
{
	const struct global_sample *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void classify_global(const struct global_entry *e, size_t seq, struct global_sample *s)
{
	const char *cap[4];
	size_t cap_len[4];
	int n;

	*s = (struct global_sample){ .seq = seq, .value = e->value };
	for (size_t r = 0; r < ELEMENTSOF(global_rules); r++) {
		const struct global_rule *rule = &global_rules[r];

		n = glob_match(rule->pattern, e->key, cap, cap_len);
		if (n < 0)
			continue;
		if (!rule->family)
			rule = &notifies_rule;
		s->family = rule->family;
		s->type = rule->type;
		s->help = rule->help;
		s->order = r;
		if (strstr(rule->family, "_lifecycle_total")) {
			/* total.ikev2.{ike,child}.EVENT and total.ikev1.{isakmp,ipsec}.EVENT */
			s->values[s->n_labels] = xstrdup(startswith(e->key, "total.ikev1.") ? "1" : "2");
			s->labels[s->n_labels++] = L("ike_version", NULL);
			if (n == 0) {
				s->values[s->n_labels] = xstrdup(strrchr(e->key, '.') + 1);
				s->labels[s->n_labels++] = L("event", NULL);
			}
		}
		for (int i = 0; i < n && (size_t)i < ELEMENTSOF(rule->labels) && rule->labels[i]; i++) {
			s->values[s->n_labels] = xstrndup(cap[i], cap_len[i]);
			s->labels[s->n_labels++] = L(rule->labels[i], NULL);
		}
		if (rule == &notifies_rule && n == 4) {
			s->values[s->n_labels] = xstrndup(cap[3], cap_len[3]);
			s->labels[s->n_labels++] = L("notify", NULL);
		}
		goto done;
	}
	/* Not known yet: exported as is. */
	if (startswith(e->key, "total.")) {
		s->family = "libreswan_globalstatus_events_total";
		s->type = METRIC_TYPE_COUNTER;
		s->help = "A total.* key of ipsec whack --globalstatus that has no dedicated metric yet.";
	} else {
		s->family = "libreswan_globalstatus_value";
		s->type = METRIC_TYPE_GAUGE;
		s->help = "A current.* or config.* key of ipsec whack --globalstatus with no dedicated metric yet.";
	}
	s->order = ELEMENTSOF(global_rules) + (s->type == METRIC_TYPE_GAUGE);
	s->values[0] = xstrdup(e->key);
	s->labels[0] = L("key", NULL);
	s->n_labels = 1;
done:
	for (size_t i = 0; i < s->n_labels; i++)
		s->labels[i].value = s->values[i];
}

static void render_global(struct metrics_writer *w, const struct global_list *g)
{
	struct global_sample *s = xcalloc(g->n_entries + 1, sizeof(*s));
	/* keys borrowed: the entries and the rules outlive the maps */
	struct hashmap seen = HASHMAP_INIT_BORROWED, families = HASHMAP_INIT_BORROWED;
	size_t n = 0;
	const char *family = NULL;

	for (size_t i = 0; i < g->n_entries; i++) {
		if (hashmap_get(&seen, g->entries[i].key))
			continue;	/* a repeated key would be a duplicate series */
		(void)hashmap_put(&seen, g->entries[i].key, (void *)1);
		classify_global(&g->entries[i], i, &s[n++]);
	}
	qsort(s, n, sizeof(*s), cmp_global_sample);
	/*
	 * Families that two rules share (lifecycle, pam) must stay one group: every sample of a
	 * family takes the order of its first (one look-up each: pairs of ~500 keys cost 0.5 ms).
	 */
	for (size_t i = 0; i < n; i++) {
		void *first = hashmap_get(&families, s[i].family);

		if (first)
			s[i].order = (size_t)(uintptr_t)first - 1;
		else
			(void)hashmap_put(&families, s[i].family, (void *)(uintptr_t)(s[i].order + 1));
	}
	qsort(s, n, sizeof(*s), cmp_global_sample);
	for (size_t i = 0; i < n; i++) {
		if (!family || !streq(family, s[i].family)) {
			family = s[i].family;
			metrics_family(w, family, s[i].type, s[i].help);
		}
		metrics_sample_u64(w, s[i].labels, s[i].n_labels, s[i].value);
		for (size_t j = 0; j < s[i].n_labels; j++)
			free(s[i].values[j]);
	}
	hashmap_clear(&seen);
	hashmap_clear(&families);
	free(s);
}

char *render_page(const struct render_input *in, enum metrics_format format, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;
	struct metrics_writer w;
	uint64_t sa_overflow = 0;
	size_t sink_chunk = in->sink_chunk ? in->sink_chunk : RENDER_SINK_CHUNK;

	/* the last page's memory, already mapped: no page faults for every page written */
	if (in->reuse && in->reuse_size > 0)
		sb = (struct strbuf){ .buf = in->reuse, .len = 0, .alloc = in->reuse_size };
	/*
	 * The page grows little between cycles: no chain of reallocations and copies. Without a
	 * last page (the first cycle, --once), from the connections: about 800 bytes each.
	 */
	if (in->sink)
		strbuf_reserve(&sb, 2 * sink_chunk);
	else if (in->size_hint)
		strbuf_reserve(&sb, in->size_hint + in->size_hint / 8);
	else {
		size_t n;

		(void)model_sorted_conns(in->model, &n);
		strbuf_reserve(&sb, RENDER_PAGE_BASE + n * RENDER_PAGE_PER_CONN);
	}
	metrics_writer_init(&w, &sb, format);
	if (in->sink) {
		assert(!in->cache);	/* its entries are offsets into the page */
		metrics_writer_set_flush(&w, in->sink, in->sink_userdata, sink_chunk);
	}
	render_exporter(&w, in);
	if (in->status)
		render_overview(&w, in->status);
	render_connections(&w, in);
	render_kernel(&w, in);
	if (in->model->opt.per_user)
		render_users(&w, in->model);
	if (in->per_sa && in->traffic)
		sa_overflow = render_sas(&w, in);
	if (in->model->opt.per_user || in->per_sa) {
		metrics_family(&w, "libreswan_series_overflow", METRIC_TYPE_GAUGE,
			       "SAs folded into an opt-in collector's overflow series in the last cycle.");
		if (in->per_sa)
			metrics_sample_u64(&w, (struct metric_label[]){ L("collector", "sas") }, 1, sa_overflow);
		if (in->model->opt.per_user)
			metrics_sample_u64(&w, (struct metric_label[]){ L("collector", "users") }, 1,
					   in->model->other_user.sas);
	}
	if (in->global)
		render_global(&w, in->global);
	metrics_writer_finish(&w);
	return strbuf_detach(&sb, ret_len);
}
