/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/config.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "render/family.h"
#include "sources/source.h"

/*
 * Pluto's own view: `whack --status` (the connections, their states and timers, pluto-wide
 * figures) and `whack --trafficstatus` (the bytes of every IPsec SA). They make the model's
 * connections and byte counters (src/model), and this source writes what the page says of pluto as
 * a whole and of every connection: whether it is loaded, should be up, is up, its SAs, its bytes,
 * its timers.
 */

enum {
	CMD_STATUS,
	CMD_TRAFFIC,
};

static const struct source_command commands[] = {
	[CMD_STATUS] = { .name = "status", .run = SOURCE_RUN_WHACK, .whack_args = { "--status" }, .decides_up = true },
	[CMD_TRAFFIC] = { .name = "trafficstatus", .run = SOURCE_RUN_WHACK, .whack_args = { "--trafficstatus" } },
};

struct pluto {
	/* the parse results live as long as the source: emptied each cycle, their memory reused */
	struct status_summary *status;
	struct traffic_list *traffic;
	bool status_read;	/* this cycle's status can be trusted */
};

static void *pluto_new(const struct source_env *env)
{
	struct pluto *p = xcalloc(1, sizeof(*p));

	p->status = status_summary_new();
	p->traffic = traffic_list_new();
	return p;
}

static void pluto_free(void *self)
{
	struct pluto *p = self;

	status_summary_free(p->status);
	traffic_list_free(p->traffic);
	free(p);
}

static void pluto_begin(void *self)
{
	struct pluto *p = self;

	status_summary_reset(p->status);
	traffic_list_reset(p->traffic);
}

static struct parser *pluto_parser(void *self, size_t i)
{
	struct pluto *p = self;

	return i == CMD_STATUS ? &p->status->parser : &p->traffic->parser;
}

static bool pluto_judge(void *self, size_t i, uint64_t *ret_parse_errors)
{
	struct pluto *p = self;

	*ret_parse_errors = i == CMD_STATUS ? p->status->parse_errors : p->traffic->parse_errors;
	return true;
}

static void pluto_update(void *self, struct cycle *cy, const bool *usable)
{
	struct pluto *p = self;

	p->status_read = usable[CMD_STATUS];
	if (usable[CMD_STATUS]) {
		model_apply_status(cy->model, p->status);
		cy->status = p->status;
	}
	if (usable[CMD_TRAFFIC]) {
		model_apply_traffic(cy->model, p->traffic);
		cy->traffic = p->traffic;
	}
}

static void render_overview(struct metrics_writer *w, const struct status_summary *s)
{
	static const char *const family[] = { "", "3", "4", "5" };

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
		metrics_family(w, "libreswan_ike_sas", METRIC_TYPE_GAUGE, "IKE SAs by state, from pluto's IKE SAs line.");
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "half_open") }, 1, s->ike_half_open);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "open") }, 1, s->ike_open);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "authenticated") }, 1,
				   s->ike_authenticated);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "anonymous") }, 1, s->ike_anonymous);
	}
	if (s->has_ipsec_sas) {
		metrics_family(w, "libreswan_ipsec_sas", METRIC_TYPE_GAUGE,
			       "Established IPsec/Child SAs, from pluto's IPsec SAs line.");
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "authenticated") }, 1,
				   s->ipsec_authenticated);
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("state", "anonymous") }, 1, s->ipsec_anonymous);
	}
	if (s->has_state_info) {
		metrics_family(w, "libreswan_ddos_cookies_required", METRIC_TYPE_GAUGE,
			       "1 when pluto requires DDoS cookies from new IKE peers.");
		metrics_sample_u64(w, NULL, 0, s->ddos_cookies_required);
		metrics_family(w, "libreswan_accepting_ike", METRIC_TYPE_GAUGE,
			       "1 when pluto says it is accepting new IKE connections.");
		metrics_sample_u64(w, NULL, 0, s->accepting_ike);
	}
	metrics_family(w, "libreswan_pluto_info", METRIC_TYPE_GAUGE,
		       "Pluto's version where it prints it, and the output format family; always 1.");
	/* no version label where pluto does not print its version, rather than an empty one */
	if (s->version)
		metrics_sample_u64(w,
				   (struct metric_label[]){ LABEL("version", s->version),
							    LABEL("family", family[s->family]) },
				   2, 1);
	else
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("family", family[s->family]) }, 1,
				   1);
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
	  "1 if pluto holds the connection's policy UP (auto=start or brought up by an operator).", v_expected,
	  listed, NULL, true },
	{ "libreswan_connection_instances", METRIC_TYPE_GAUGE,
	  "Live instances of a template or group (0 for static connections).", v_instances, listed, NULL, true },
	{ "libreswan_connection_up", METRIC_TYPE_GAUGE,
	  "1 if the connection or one of its instances has an established IPsec/Child SA.", v_up, listed, NULL,
	  true },
	{ "libreswan_connection_ike_sas_established", METRIC_TYPE_GAUGE,
	  "Established IKE (ISAKMP/parent) SAs of the connection.", v_ike, listed, NULL, true },
	{ "libreswan_connection_child_sas_established", METRIC_TYPE_GAUGE,
	  "Established IPsec/Child SAs of the connection.", v_child, listed, NULL, true },
	{ "libreswan_connection_in_bytes_total", METRIC_TYPE_COUNTER,
	  "Bytes received through the connection's IPsec SAs, monotonic across rekeys.", v_in_bytes, counted, NULL,
	  false },
	{ "libreswan_connection_out_bytes_total", METRIC_TYPE_COUNTER,
	  "Bytes sent through the connection's IPsec SAs, monotonic across rekeys.", v_out_bytes, counted, NULL,
	  false },
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
			v[i] = model_conn_listed(m, conns[i]) ? conns[i]->info_version : RENDER_VALUE_ABSENT;
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
				       "One per loaded connection (instances folded into their template); always 1.");
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
			metrics_family(w, "libreswan_connection_child_sa_age_seconds", METRIC_TYPE_GAUGE,
				       "Age of the connection's newest Child SA (from trafficstatus add_time).");
			begun = true;
		}
		metrics_sample_text_i64(w, c->labels, c->labels_len, NULL, NULL,
					(int64_t)now - (int64_t)c->newest_add_time);
	}
}

static void render_timers(struct metrics_writer *w, const struct model *m, const char *name, const char *help,
			  bool child)
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
static void render_seconds(struct metrics_writer *w, const struct model *m, size_t offset, const char *name,
			   const char *help)
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

static void pluto_render(void *self, struct metrics_writer *w, const struct cycle *cy, enum page_section section)
{
	struct pluto *p = self;
	const struct model *m = cy->model;

	switch (section) {
	case PAGE_SECTION_OVERVIEW:
		if (p->status_read)
			render_overview(w, p->status);
		break;
	case PAGE_SECTION_CONNECTIONS:
		render_info(w, cy->cache, m);
		for (size_t i = 0; i < ELEMENTSOF(conn_families); i++)
			render_conn_family(w, cy->cache, m, &conn_families[i]);
		break;
	case PAGE_SECTION_CONNECTIONS_TIMES:
		render_age(w, m, cy->now);
		render_timers(w, m, "libreswan_connection_ike_sa_next_event_seconds",
			      "Seconds until the soonest rekey/replace/expire timer of the connection's IKE SAs.", false);
		render_timers(w, m, "libreswan_connection_child_sa_next_event_seconds",
			      "Seconds until the soonest rekey/replace/expire timer of the connection's Child SAs; "
			      "expire means the SA ends without being replaced.",
			      true);
		render_seconds(w, m, offsetof(struct model_conn, lastdpd), "libreswan_connection_dpd_last_seconds",
			       "Seconds since the last DPD exchange on the connection's IKE SA.");
		render_seconds(w, m, offsetof(struct model_conn, lastlive),
			       "libreswan_connection_liveness_last_seconds",
			       "Seconds since the connection's IKE SA last heard from the peer.");
		break;
	case PAGE_SECTION_EXPORTER:
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
	.begin = pluto_begin,
	.parser = pluto_parser,
	.judge = pluto_judge,
	.update = pluto_update,
	.render = pluto_render,
};
