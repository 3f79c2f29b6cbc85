/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdlib.h>

#include "lib/hashmap.h"
#include "lib/util.h"
#include "parse/parse_global.h"
#include "sources/source.h"

/*
 * Pluto's own counters: `whack --globalstatus`, a list of key=value lines (IKE and Child SAs
 * established and failed by version, algorithms, notifies, DPD, traffic of deleted SAs, state
 * counts, configured limits), turned into families by the rules below.
 */

static const struct source_command commands[] = {
	{ .name = "globalstatus", .run = SOURCE_RUN_WHACK, .whack_args = { "--globalstatus" } },
};

struct global {
	/* this cycle's output: emptied each cycle, its memory reused */
	struct global_list *list;
	bool read;			/* this cycle's can be trusted */
};

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
	{ "total.ike.ikev{}.failed", "libreswan_ike_sa_failed_total", METRIC_TYPE_COUNTER,
	  { "ike_version" }, "IKE SA negotiations that failed." },
	{ "total.ike.ikev{}.completed", "libreswan_ike_sa_completed_total", METRIC_TYPE_COUNTER,
	  { "ike_version" }, "IKE SAs completed (deleted after being established)." },
	{ "total.ikev2.ike.{}", "libreswan_ike_sa_lifecycle_total", METRIC_TYPE_COUNTER,
	  { "event" }, "IKE SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.isakmp.{}", "libreswan_ike_sa_lifecycle_total", METRIC_TYPE_COUNTER,
	  { "event" }, "IKE SA lifecycle events (started, established, finished)." },
	{ "total.ikev2.child.{}", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER,
	  { "event" }, "Child SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.ipsec.started", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER,
	  { NULL }, "Child SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.ipsec.established", "libreswan_child_sa_lifecycle_total",
	  METRIC_TYPE_COUNTER, { NULL },
	  "Child SA lifecycle events (started, established, finished)." },
	{ "total.ikev1.ipsec.finished", "libreswan_child_sa_lifecycle_total", METRIC_TYPE_COUNTER,
	  { NULL }, "Child SA lifecycle events (started, established, finished)." },
	{ "total.ipsec.type.all", "libreswan_ipsec_sa_established_total", METRIC_TYPE_COUNTER,
	  { NULL }, "IPsec/Child SAs established since pluto started." },
	{ "total.ipsec.type.{}", "libreswan_ipsec_sa_established_by_property_total",
	  METRIC_TYPE_COUNTER, { "property" },
	  "IPsec/Child SAs established, by property (esp, ah, ipcomp, esn, tfc, encap, ...)." },
	{ "total.ipsec.traffic.in", "libreswan_ipsec_retired_in_bytes_total", METRIC_TYPE_COUNTER,
	  { NULL }, "Bytes received by IPsec SAs that pluto has deleted." },
	{ "total.ipsec.traffic.out", "libreswan_ipsec_retired_out_bytes_total", METRIC_TYPE_COUNTER,
	  { NULL }, "Bytes sent by IPsec SAs that pluto has deleted." },
	{ "total.ike.traffic.in", "libreswan_ike_in_bytes_total", METRIC_TYPE_COUNTER,
	  { NULL }, "Bytes of IKE messages received." },
	{ "total.ike.traffic.out", "libreswan_ike_out_bytes_total", METRIC_TYPE_COUNTER,
	  { NULL }, "Bytes of IKE messages sent." },
	{ "total.ike.dpd.{}", "libreswan_dpd_messages_total", METRIC_TYPE_COUNTER,
	  { "direction" }, "DPD messages (sent, recv, replied)." },
	{ "total.pamauth.{}", "libreswan_pam_auth_total", METRIC_TYPE_COUNTER,
	  { "event" }, "PAM (XAUTH) authentications (started, stopped, aborted)." },
	{ "total.xauth.{}", "libreswan_pam_auth_total", METRIC_TYPE_COUNTER,
	  { "event" }, "PAM (XAUTH) authentications (started, stopped, aborted)." },
	{ "total.iketcp.{}.{}", "libreswan_ike_tcp_sessions_total", METRIC_TYPE_COUNTER,
	  { "role", "event" }, "IKE over TCP sessions (RFC 8229) by role and event." },
	{ "total.ike.ikev2.redirect.{}", "libreswan_ike_redirect_total", METRIC_TYPE_COUNTER,
	  { "result" }, "IKEv2 redirects (completed, failed)." },
	{ "total.ikev{}.ipsec.{}.{}", "libreswan_child_sa_algorithm_total", METRIC_TYPE_COUNTER,
	  { "ike_version", "kind", "algorithm" }, "Child SAs negotiated, by algorithm." },
	{ "total.ikev{}.{}.notifies.{}.{}", NULL, METRIC_TYPE_COUNTER, { NULL }, NULL }, /* below */
	{ "total.ikev2.{}.invalidke.{}.{}", "libreswan_ikev2_invalid_ke_total", METRIC_TYPE_COUNTER,
	  { "direction", "role", "group" }, "IKEv2 INVALID_KE_PAYLOAD exchanges, by DH group." },
	{ "total.ikev{}.{}.{}", "libreswan_ike_sa_algorithm_total", METRIC_TYPE_COUNTER,
	  { "ike_version", "kind", "algorithm" }, "IKE SAs negotiated, by algorithm." },
	{ "total.total.pluto.stf.{}", "libreswan_state_transition_results_total",
	  METRIC_TYPE_COUNTER, { "result" }, "Results of pluto's state transition functions." },
	{ "current.states.all", "libreswan_states", METRIC_TYPE_GAUGE,
	  { NULL }, "States in pluto: IKE SAs, IPsec SAs and bare shunts." },
	{ "current.states.ike", "libreswan_states_ike", METRIC_TYPE_GAUGE,
	  { NULL }, "IKE SAs in pluto, any state." },
	{ "current.states.ipsec", "libreswan_states_ipsec", METRIC_TYPE_GAUGE,
	  { NULL }, "Established IPsec/Child SAs in pluto." },
	{ "current.states.shunts", "libreswan_bare_shunts", METRIC_TYPE_GAUGE,
	  { NULL }, "Bare shunts installed." },
	{ "current.states.iketype.{}", "libreswan_states_ike_by_type", METRIC_TYPE_GAUGE,
	  { "type" }, "IKE SAs in pluto by type (half_open, open, authenticated, anonymous)." },
	{ "current.states.enumerate.{}", "libreswan_states_by_kind", METRIC_TYPE_GAUGE,
	  { "state" }, "States in pluto by state kind." },
	{ "config.setup.ike.ddos_threshold", "libreswan_config_ddos_threshold", METRIC_TYPE_GAUGE,
	  { NULL }, "Half-open IKE SAs at which pluto starts requiring DDoS cookies." },
	{ "config.setup.ike.max_halfopen", "libreswan_config_max_halfopen", METRIC_TYPE_GAUGE,
	  { NULL }, "Half-open IKE SAs beyond which pluto refuses new ones." },
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
			s->values[s->n_labels] =
				xstrdup(startswith(e->key, "total.ikev1.") ? "1" : "2");
			s->labels[s->n_labels++] = LABEL("ike_version", NULL);
			if (n == 0) {
				s->values[s->n_labels] = xstrdup(strrchr(e->key, '.') + 1);
				s->labels[s->n_labels++] = LABEL("event", NULL);
			}
		}
		for (int i = 0; i < n && (size_t)i < ELEMENTSOF(rule->labels) && rule->labels[i];
		     i++) {
			/* pluto's iketype "halfopen" spelt as
			 * libreswan_ike_sas{state="half_open"} */
			if (streq(rule->labels[i], "type") && cap_len[i] == 8 &&
			    memcmp(cap[i], "halfopen", 8) == 0)
				s->values[s->n_labels] = xstrdup("half_open");
			else
				s->values[s->n_labels] = xstrndup(cap[i], cap_len[i]);
			s->labels[s->n_labels++] = LABEL(rule->labels[i], NULL);
		}
		if (rule == &notifies_rule && n == 4) {
			s->values[s->n_labels] = xstrndup(cap[3], cap_len[3]);
			s->labels[s->n_labels++] = LABEL("notify", NULL);
		}
		goto done;
	}
	/* Not known yet: exported as is. */
	if (startswith(e->key, "total.")) {
		s->family = "libreswan_globalstatus_events_total";
		s->type = METRIC_TYPE_COUNTER;
		s->help = "A total.* key of ipsec whack --globalstatus that has no dedicated "
			  "metric yet.";
	} else {
		s->family = "libreswan_globalstatus_value";
		s->type = METRIC_TYPE_GAUGE;
		s->help = "A current.* or config.* key of ipsec whack --globalstatus with no "
			  "dedicated metric yet.";
	}
	s->order = ELEMENTSOF(global_rules) + (s->type == METRIC_TYPE_GAUGE);
	s->values[0] = xstrdup(e->key);
	s->labels[0] = LABEL("key", NULL);
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
			(void)hashmap_put(&families, s[i].family,
					  (void *)(uintptr_t)(s[i].order + 1));
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

static void *global_new(const struct source_env *env)
{
	struct global *g = xcalloc(1, sizeof(*g));

	g->list = global_list_new();
	return g;
}

static void global_free(void *self)
{
	struct global *g = self;

	global_list_free(g->list);
	free(g);
}

static void global_begin(void *self, unsigned requests)
{
	struct global *g = self;

	global_list_reset(g->list);
}

static struct parser *global_parser(void *self, size_t i)
{
	struct global *g = self;

	return &g->list->parser;
}

static bool global_judge(void *self, size_t i, uint64_t *ret_parse_errors)
{
	struct global *g = self;

	*ret_parse_errors = g->list->parse_errors;
	return true;
}

static void global_update(void *self, struct cycle *cy, const bool *usable)
{
	struct global *g = self;

	g->read = usable[0];
}

static void global_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			  enum page_section section)
{
	struct global *g = self;

	if (section == PAGE_SECTION_PLUTO_COUNTERS && g->read)
		render_global(w, g->list);
}

const struct source_ops source_global = {
	.name = "global",
	.commands = commands,
	.n_commands = ELEMENTSOF(commands),
	.new = global_new,
	.free = global_free,
	.begin = global_begin,
	.parser = global_parser,
	.judge = global_judge,
	.update = global_update,
	.render = global_render,
};
