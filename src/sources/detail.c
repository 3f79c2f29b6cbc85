/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdlib.h>

#include "lib/config.h"
#include "lib/hashmap.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parse_traffic.h"
#include "sources/source.h"

/*
 * The opt-in series, beyond one per connection: per XAUTH/IKEv2-CP user (--metrics.users, the
 * model keeps their byte counters) and per SA (--metrics.sas: the live SAs of trafficstatus, with
 * the kernel's counters when it was read), each with a cap on its series; what goes over the cap
 * is summed into one "_other" series and counted.
 */

static void render_users(struct metrics_writer *w, const struct model *m)
{
	size_t n;
	struct model_user **users = model_sorted_users(m, &n);
	const struct model_user *other = model_other_user(m);
	bool show_other = other->sas > 0 || other->retired_in || other->retired_out;

	metrics_family(w, "libreswan_user_in_bytes_total", METRIC_TYPE_COUNTER,
		       "Bytes received through the IPsec SAs of an XAUTH/IKEv2-CP user.");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("username", users[i]->name) },
				   1, users[i]->retired_in + users[i]->live_in);
	if (show_other)
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("username", "_other") }, 1,
				   other->retired_in + other->live_in);
	metrics_family(w, "libreswan_user_out_bytes_total", METRIC_TYPE_COUNTER,
		       "Bytes sent through the IPsec SAs of an XAUTH/IKEv2-CP user.");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("username", users[i]->name) },
				   1, users[i]->retired_out + users[i]->live_out);
	if (show_other)
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("username", "_other") }, 1,
				   other->retired_out + other->live_out);
	metrics_family(w, "libreswan_user_sas", METRIC_TYPE_GAUGE, "Live IPsec SAs of a user.");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(
			w,
			(struct metric_label[]){ LABEL("username", users[i]->name),
						 LABEL("connection", users[i]->conn_key) },
			2, users[i]->sas);
	metrics_family(w, "libreswan_user_lease_info", METRIC_TYPE_GAUGE,
		       "The address leased to a user (ModeCfg/IKEv2 CP); always 1.");
	for (size_t i = 0; i < n; i++)
		if (users[i]->lease)
			metrics_sample_u64(
				w,
				(struct metric_label[]){ LABEL("username", users[i]->name),
							 LABEL("lease", users[i]->lease) },
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
	struct sa_kernel_counters kernel;	/* the kernel's counters of its Child SAs */
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
static uint64_t render_sas(struct metrics_writer *w, const struct cycle *cy)
{
	const struct traffic_list *t = cy->traffic;
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

		model_fold_name(cy->model, sa->conn, sa->instance, &base, &inst);
		strbuf_puts(&key, base);
		strbuf_putc(&key, '\x1f');
		strbuf_puts(&key, sa->peer ? sa->peer : "");
		strbuf_putc(&key, '\x1f');
		strbuf_puts(&key, sa->id ? sa->id : (sa->username ? sa->username : ""));
		s = hashmap_get(&map, key.buf);
		if (!s && n >= cy->cfg->max_sas) {
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
		if (cy->sa_kernel) {
			char serial_key[MODEL_SERIAL_KEY_MAX];
			const struct sa_kernel_counters *ck = hashmap_get(
				cy->sa_kernel, model_serial_key(serial_key, sa->serial));

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
		metrics_sample_u64(w,
				   (struct metric_label[]){ LABEL("connection", sorted[i]->conn),
							    LABEL("peer", sorted[i]->peer),
							    LABEL("id", sorted[i]->id) },
				   3, sorted[i]->in);
	metrics_family(w, "libreswan_sa_out_bytes", METRIC_TYPE_GAUGE,
		       "Bytes sent by the live IPsec SAs of one peer (resets on rekey).");
	for (size_t i = 0; i < n; i++)
		metrics_sample_u64(w,
				   (struct metric_label[]){ LABEL("connection", sorted[i]->conn),
							    LABEL("peer", sorted[i]->peer),
							    LABEL("id", sorted[i]->id) },
				   3, sorted[i]->out);
	metrics_family(w, "libreswan_sa_age_seconds", METRIC_TYPE_GAUGE,
		       "Age of the newest live IPsec SA of one peer (from add_time).");
	for (size_t i = 0; i < n; i++)
		if (sorted[i]->newest_add_time)
			metrics_sample_i64(
				w,
				(struct metric_label[]){ LABEL("connection", sorted[i]->conn),
							 LABEL("peer", sorted[i]->peer),
							 LABEL("id", sorted[i]->id) },
				3, (int64_t)cy->now - (int64_t)sorted[i]->newest_add_time);
	if (cy->sa_kernel) {
		static const char *const packet_family[2] = { "libreswan_sa_in_packets",
							      "libreswan_sa_out_packets" };
		static const char *const packet_help[2] = {
			"Packets received by the live kernel SAs of one peer (resets on rekey).",
			"Packets sent by the live kernel SAs of one peer (resets on rekey).",
		};

		for (size_t d = 0; d < 2; d++) {
			metrics_family(w, packet_family[d], METRIC_TYPE_GAUGE, packet_help[d]);
			for (size_t i = 0; i < n; i++)
				metrics_sample_u64(w,
						   (struct metric_label[]){
							   LABEL("connection", sorted[i]->conn),
							   LABEL("peer", sorted[i]->peer),
							   LABEL("id", sorted[i]->id) },
						   3, sorted[i]->kernel.packets[d]);
		}
		metrics_family(w, "libreswan_sa_kernel_errors", METRIC_TYPE_GAUGE,
			       "The kernel's error statistics of the live SAs of one peer (reset "
			       "on rekey).");
		for (size_t i = 0; i < n; i++)
			for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
				metrics_sample_u64(
					w,
					(struct metric_label[]){
						LABEL("connection", sorted[i]->conn),
						LABEL("peer", sorted[i]->peer),
						LABEL("id", sorted[i]->id),
						LABEL("reason", kernel_error_to_string(e)) },
					4, sorted[i]->kernel.errors[e]);
	}
	for (size_t i = 0; i < t->n_sas; i++)
		free(names[i]);
	free(names);
	free(sorted);
	free(all);
	hashmap_clear(&map);
	return overflow;
}

static void detail_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			  enum page_section section)
{
	const struct exporter_config *cfg = cy->cfg;
	bool per_user = model_options(cy->model)->per_user;
	uint64_t sa_overflow = 0;

	if (section != PAGE_SECTION_DETAIL)
		return;
	if (per_user)
		render_users(w, cy->model);
	if (cfg->per_sa && cy->traffic)
		sa_overflow = render_sas(w, cy);
	if (!per_user && !cfg->per_sa)
		return;
	metrics_family(w, "libreswan_series_overflow", METRIC_TYPE_GAUGE,
		       "SAs folded into an opt-in collector's overflow series in the last cycle.");
	if (cfg->per_sa)
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("collector", "sas") }, 1,
				   sa_overflow);
	if (per_user)
		metrics_sample_u64(w, (struct metric_label[]){ LABEL("collector", "users") }, 1,
				   model_other_user(cy->model)->sas);
}

const struct source_ops source_detail = {
	.name = "detail",
	.render = detail_render,
};
