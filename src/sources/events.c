/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/hashmap.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parser.h"
#include "parse/pluto_log.h"
#include "plutolog/protocol.h"
#include "render/family.h"
#include "sources/source.h"

/*
 * Pluto's own account (doc/metrics.md, "Events"): why a connection is down, and how often its SAs
 * came up. A helper (src/plutolog), which alone may read the log, follows pluto's log and passes on
 * pluto's messages as they are written; this source classifies each one (src/parse/pluto_log.c)
 * on the loop and counts it for its connection: SAs established (new or rekeyed), failures by
 * cause, and when each cause last struck. What came since the last cycle is handed to the worker
 * when the cycle ends, which adds it to the connection in the model (instances folded into their
 * connection like everywhere else); the counts live as long as the connection does.
 *
 * Memory is bounded: at most EVENTS_PENDING_MAX distinct (connection, instance) names wait between
 * two cycles (more are counted as dropped), and a connection's counts exist only while pluto has
 * the connection.
 *
 * What the log says of the connection set goes to the other sources at the next cycle (struct
 * source_request; pluto's source then reads pluto's whole status, whose connection list it does
 * not read every cycle): a connection added, deleted, taken down by an operator or routed, and
 * pluto starting again, as the live log says them (not a saved one, --input.events, which is read
 * again every cycle). Initiations are not passed on: pluto says one on every revival and keying
 * attempt, and an initiation that changes what the page says (an operator's up) also shows in
 * pluto's state list, which pluto's source reads every cycle.
 */

#define EVENTS_PENDING_MAX 65536

static const struct source_command commands[] = {
	/* not run: the helper streams instead; a saved log is read with --input.events */
	{ .name = "events", .run = SOURCE_RUN_NONE },
};

#define N_SA _PLUTO_SA_MAX
#define N_HOW _PLUTO_HOW_MAX
#define N_REASON _PLUTO_REASON_MAX

/* Counts of one connection, or of one name between two cycles. */
struct counts {
	uint64_t established[N_SA][N_HOW];
	uint64_t failures[N_SA][N_REASON];
	uint64_t last_failure_usec[N_REASON];	/* 0: never */
	bool failed;				/* some failure counted */
};

/* A name the stream named since the last cycle, and what it did. */
struct pending {
	char *name;
	char *instance;
	struct counts counts;
};

/* The worker's copy of the stream's figures, as of the last collect(). */
struct figures {
	bool enabled;
	bool up;		/* the helper follows the log */
	uint64_t messages;	/* pluto's messages read */
	uint64_t unrecognised;	/* about a connection, in words no rule knows */
	uint64_t dropped;	/* named more connections between two cycles than kept */
	uint64_t starts;	/* helpers started */
};

struct events {
	const struct exporter_config *cfg;
	/* struct counts * in every connection (made at its first event) */
	size_t area;
	char *argv[4];
	/* the loop's side */
	struct parser parser;		/* the helper's output */
	struct parser input;		/* --input.events: a saved log, one message a line */
	struct pluto_log *classifier;
	struct hashmap pending;		/* "name\x1finstance" -> struct pending */
	struct figures now;
	unsigned requests;		/* enum source_request: for the next cycle */
	bool followed;			/* a helper followed the log before */
	/* of the last helper that ended, for logging changes only */
	int last_exit;
	/* the worker's side, handed over by collect() */
	struct hashmap taken;
	struct figures seen;
	uint64_t unknown;		/* events of a connection the model does not have */
	struct strbuf labels;		/* scratch: a connection's label set and two more */
};


static struct counts **conn_counts(const struct events *ev, const struct model_conn *c)
{
	return model_conn_area(c, ev->area);
}

static void area_free(void *area)
{
	struct counts **counts = area;

	free(*counts);
}

static void pending_free(struct pending *p)
{
	free(p->name);
	free(p->instance);
	free(p);
}

static void pending_clear(struct hashmap *map)
{
	size_t i = 0;
	void *v;

	while (hashmap_next(map, &i, NULL, &v))
		pending_free(v);
	hashmap_clear(map);
}

/* The pending counts of the event's connection; NULL when too many names wait already. */
static struct pending *pending_of(struct events *ev, const struct pluto_event *e)
{
	struct strbuf key = STRBUF_INIT;
	struct pending *p;

	strbuf_append(&key, e->conn, e->conn_len);
	strbuf_putc(&key, '\x1f');
	strbuf_append(&key, e->instance, e->instance_len);
	p = hashmap_get(&ev->pending, key.buf);
	if (!p && ev->pending.n_items < EVENTS_PENDING_MAX) {
		p = xcalloc(1, sizeof(*p));
		p->name = xstrndup(e->conn, e->conn_len);
		p->instance = xstrndup(e->instance, e->instance_len);
		(void)hashmap_put(&ev->pending, key.buf, p);
	}
	strbuf_release(&key);
	return p;
}

/* What a change of the connection set asks of the next cycle (see the top of this file). */
static unsigned change_request(enum pluto_event_change c)
{
	switch (c) {
	case PLUTO_CHANGE_ADDED:
	case PLUTO_CHANGE_DELETED:
	case PLUTO_CHANGE_DOWN:
	case PLUTO_CHANGE_ROUTED:
		return SOURCE_REQUEST_CONNECTIONS;
	case PLUTO_CHANGE_INITIATED:
	case PLUTO_CHANGE_SWITCHED:
	case _PLUTO_CHANGE_MAX:
		break;
	}
	return 0;
}

/* One message of pluto's, logged at usec; live: from the log as it is written. */
static void take_message(struct events *ev, uint64_t usec, const char *text, size_t len, bool live)
{
	struct pluto_event e;
	struct pending *p;

	ev->now.messages++;
	/* a logfile's line begins with its time stamp; the journal's message does not */
	len = pluto_log_strip_prefix(text, len, &text);
	if (live && pluto_log_is_start(text, len))
		ev->requests |= SOURCE_REQUEST_RESTART;
	if (pluto_log_classify(ev->classifier, text, len, &e) < 0)
		return;	/* about no connection */
	switch (e.kind) {
	case PLUTO_EVENT_NONE:
		return;
	case PLUTO_EVENT_CONNECTION:
		if (live)
			ev->requests |= change_request(e.change);
		return;
	case PLUTO_EVENT_UNRECOGNISED:
		ev->now.unrecognised++;
		/* new wordings (a Libreswan upgrade): which, for whoever looks */
		log_debug("events collector: a message in words no rule knows: %.*s", (int)len,
			  text);
		return;
	case PLUTO_EVENT_ESTABLISHED:
	case PLUTO_EVENT_FAILED:
		break;
	case _PLUTO_EVENT_KIND_MAX:
		return;
	}
	p = pending_of(ev, &e);
	if (!p) {
		ev->now.dropped++;
		return;
	}
	if (e.kind == PLUTO_EVENT_ESTABLISHED) {
		p->counts.established[e.sa][e.how]++;
		return;
	}
	p->counts.failures[e.sa][e.reason]++;
	p->counts.failed = true;
	if (usec > p->counts.last_failure_usec[e.reason])
		p->counts.last_failure_usec[e.reason] = usec;
}

/* A line of the helper's (src/plutolog/protocol.h). */
static int on_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct events *ev = parser_container(base, struct events, parser);
	uint64_t usec;
	char *sp;

	if (startswith(line, "m ")) {
		sp = strchr(line + 2, ' ');
		if (!sp || safe_atou64_n(line + 2, (size_t)(sp - line - 2), &usec) < 0)
			return -EBADMSG;
		take_message(ev, usec, sp + 1, len - (size_t)(sp + 1 - line), true);
	} else if (startswith(line, "following ")) {
		if (!ev->now.up)
			log_info("events collector: following %s", line + 10);
		ev->now.up = true;
		/* what the log said while nobody followed it is not known (the first start needs
		 * nothing: the first cycle reads everything) */
		if (ev->followed)
			ev->requests |= SOURCE_REQUEST_CONNECTIONS;
		ev->followed = true;
	} else if (startswith(line, "waiting ")) {
		if (ev->now.up || ev->last_exit != -2)
			log_warn("events collector: waiting for pluto's log: %s, ignoring",
				 line + 8);
		ev->now.up = false;
		ev->last_exit = -2;
	}
	return 0;
}

/* A line of a saved log (--input.events): a message, logged now as far as the counts are
 * concerned. */
static int on_input_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct events *ev = parser_container(base, struct events, input);

	if (len > 0)
		take_message(ev, now_realtime_usec(), line, len, false);
	return 0;
}

static void *events_new(const struct source_env *env)
{
	const struct exporter_config *cfg = env->cfg;
	struct events *ev = xcalloc(1, sizeof(*ev));
	size_t n = 0;

	ev->cfg = cfg;
	ev->area = model_add_conn_area(env->model, sizeof(struct counts *), 0, area_free);
	ev->classifier = pluto_log_new();
	/* the log is followed by the daemon (not --once, which has no history, nor --input.*), or
	 * read from --input.events */
	ev->now.enabled = (cfg->collector_events && !cfg->once && !config_uses_inputs(cfg)) ||
			  cfg->input_events;
	ev->last_exit = 0;
	parser_init(&ev->parser, on_line);
	parser_init(&ev->input, on_input_line);
	ev->argv[n++] = (char *)cfg->events_helper;
	if (cfg->events_log_file) {
		ev->argv[n++] = (char *)"--file";
		ev->argv[n++] = (char *)cfg->events_log_file;
	}
	ev->argv[n] = NULL;
	return ev;
}

static void events_free(void *self)
{
	struct events *ev = self;

	pending_clear(&ev->pending);
	pending_clear(&ev->taken);
	pluto_log_free(ev->classifier);
	strbuf_release(&ev->labels);
	parser_release(&ev->parser);
	parser_release(&ev->input);
	free(ev);
}

static char *const *events_stream_argv(void *self, enum source_privilege *ret_privilege)
{
	struct events *ev = self;

	*ret_privilege = SOURCE_PRIVILEGE_LOG;
	return ev->now.enabled && !ev->cfg->input_events ? ev->argv : NULL;
}

static unsigned events_requests(void *self)
{
	struct events *ev = self;
	unsigned r = ev->requests;

	ev->requests = 0;
	return r;
}

static void events_begin(void *self, unsigned requests)
{
	struct events *ev = self;

	parser_reset(&ev->input);
}

static struct parser *events_parser(void *self, size_t i)
{
	struct events *ev = self;

	return &ev->input;
}

static bool events_judge(void *self, size_t i, uint64_t *ret_parse_errors)
{
	struct events *ev = self;

	*ret_parse_errors = 0;
	ev->now.up = true;	/* the saved log was read */
	return true;
}

static void events_stream_data(void *self, char *data, size_t len)
{
	struct events *ev = self;

	parser_feed_inplace(&ev->parser, data, len);
}

static void events_stream_ended(void *self, int exit_status, const char *why, uint64_t retry_usec)
{
	struct events *ev = self;

	parser_finish(&ev->parser);
	parser_reset(&ev->parser);	/* the next helper starts with its own header */
	ev->now.up = false;
	ev->now.starts++;
	if (exit_status != ev->last_exit)
		log_warn("events collector: the log helper ended (%s)%s, serving "
			 "libreswan_events_up 0, trying again in %llu s, ignoring",
			 why,
			 exit_status == PLUTOLOG_HELPER_EXIT_NOT_PERMITTED
				 ? ": not permitted to read pluto's log"
				 : "",
			 (unsigned long long)(retry_usec / 1000000));
	ev->last_exit = exit_status;
}

static void events_collect(void *self)
{
	struct events *ev = self;
	struct hashmap swap = ev->taken;

	/* the worker emptied taken at its last update: the pending names become its, and the loop
	 * gathers into the emptied map */
	ev->taken = ev->pending;
	ev->pending = swap;
	ev->seen = ev->now;
}

static void add_counts(struct counts *to, const struct counts *from)
{
	for (size_t s = 0; s < N_SA; s++) {
		for (size_t h = 0; h < N_HOW; h++)
			to->established[s][h] += from->established[s][h];
		for (size_t r = 0; r < N_REASON; r++)
			to->failures[s][r] += from->failures[s][r];
	}
	for (size_t r = 0; r < N_REASON; r++)
		if (from->last_failure_usec[r] > to->last_failure_usec[r])
			to->last_failure_usec[r] = from->last_failure_usec[r];
	to->failed = to->failed || from->failed;
}

static void events_update(void *self, struct cycle *cy, const bool *usable)
{
	struct events *ev = self;
	size_t i = 0;
	void *v;

	while (hashmap_next(&ev->taken, &i, NULL, &v)) {
		struct pending *p = v;
		struct model_conn *c = model_conn_find(cy->model, p->name, p->instance);
		struct counts **counts;

		if (!c) {
			ev->unknown++;
			continue;
		}
		counts = conn_counts(ev, c);
		if (!*counts)
			*counts = xcalloc(1, sizeof(**counts));
		add_counts(*counts, &p->counts);
	}
	pending_clear(&ev->taken);
}

static void render_collector(const struct events *ev, struct metrics_writer *w)
{
	const struct figures *f = &ev->seen;

	metrics_family(w, "libreswan_events_up", METRIC_TYPE_GAUGE,
		       "1 while pluto's log is being followed (the events collector); 0 also when "
		       "it is off.");
	metrics_sample_u64(w, NULL, 0, f->enabled && f->up);
	if (!f->enabled)
		return;
	metrics_family(w, "libreswan_events_messages_total", METRIC_TYPE_COUNTER,
		       "Messages of pluto's read from its log.");
	metrics_sample_u64(w, NULL, 0, f->messages);
	metrics_family(w, "libreswan_events_unrecognised_total", METRIC_TYPE_COUNTER,
		       "Messages of pluto's about a connection in words the classifier does not "
		       "know (not counted as an event).");
	metrics_sample_u64(w, NULL, 0, f->unrecognised);
	metrics_family(w, "libreswan_events_dropped_total", METRIC_TYPE_COUNTER,
		       "Events not counted: about a connection pluto no longer has, or beyond the "
		       "names kept between two poll cycles.");
	metrics_sample_u64(w, NULL, 0, f->dropped + ev->unknown);
	if (ev->cfg->input_events)
		return;	/* read from a file: no helper */
	metrics_family(w, "libreswan_events_helper_starts_total", METRIC_TYPE_COUNTER,
		       "Starts of the log helper (more than 1: it ended and was started again).");
	metrics_sample_u64(w, NULL, 0, f->starts + 1);
}

/* One sample with the connection's labels and two more. */
static void sample2(struct events *ev, struct metrics_writer *w, const struct model_conn *c,
		    const char *n1, const char *v1, const char *n2, const char *v2, uint64_t value)
{
	struct metric_label l[2] = { LABEL(n1, v1), LABEL(n2, v2) };

	strbuf_reset(&ev->labels);
	strbuf_append(&ev->labels, c->labels, c->labels_len);
	strbuf_putc(&ev->labels, ',');
	metrics_format_labels(&ev->labels, l, 2);
	metrics_sample_text_u64(w, ev->labels.buf, ev->labels.len, NULL, NULL, value);
}

/*
 * The per-connection families: only connections with an event since the exporter started (all of
 * a family's series of such a connection, zeros too, so that a later first increase shows).
 */
static void render_connections(struct events *ev, struct metrics_writer *w, const struct model *m)
{
	size_t n;
	struct model_conn *const *conns = model_sorted_conns(m, &n);
	bool begun = false;

	for (size_t i = 0; i < n; i++) {
		const struct counts *k = *conn_counts(ev, conns[i]);

		if (!k || !model_conn_counted(m, conns[i]))
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_sa_established_total",
				       METRIC_TYPE_COUNTER,
				       "SAs pluto established for the connection (either role): "
				       "new (a fresh negotiation) or rekey (a replacement of an "
				       "existing SA).");
			begun = true;
		}
		for (size_t s = 0; s < N_SA; s++)
			for (size_t h = 0; h < N_HOW; h++)
				sample2(ev, w, conns[i], "sa", pluto_event_sa_to_string(s), "how",
					pluto_event_how_to_string(h), k->established[s][h]);
	}
	begun = false;
	for (size_t i = 0; i < n; i++) {
		const struct counts *k = *conn_counts(ev, conns[i]);

		if (!k || !k->failed || !model_conn_counted(m, conns[i]))
			continue;
		if (!begun) {
			metrics_family(w, "libreswan_connection_failures_total",
				       METRIC_TYPE_COUNTER,
				       "Failed negotiations and lost SAs of the connection, each "
				       "counted once, under its cause.");
			begun = true;
		}
		for (size_t s = 0; s < N_SA; s++)
			for (size_t r = 0; r < N_REASON; r++)
				sample2(ev, w, conns[i], "sa", pluto_event_sa_to_string(s),
					"reason", pluto_event_reason_to_string(r),
					k->failures[s][r]);
	}
	begun = false;
	for (size_t i = 0; i < n; i++) {
		const struct counts *k = *conn_counts(ev, conns[i]);

		if (!k || !k->failed || !model_conn_counted(m, conns[i]))
			continue;
		for (size_t r = 0; r < N_REASON; r++) {
			if (!k->last_failure_usec[r])
				continue;
			if (!begun) {
				metrics_family(
					w, "libreswan_connection_last_failure_timestamp_seconds",
					METRIC_TYPE_GAUGE,
					"When the connection last failed for this reason (Unix "
					"time).");
				begun = true;
			}
			metrics_sample_text_i64(w, conns[i]->labels, conns[i]->labels_len, "reason",
						pluto_event_reason_to_string(r),
						(int64_t)(k->last_failure_usec[r] / 1000000));
		}
	}
}

static void events_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			  enum page_section section)
{
	struct events *ev = self;

	if (section == PAGE_SECTION_EXPORTER)
		render_collector(ev, w);
	else if (section == PAGE_SECTION_CONNECTIONS)
		render_connections(ev, w, cy->model);
}

const struct source_ops source_events = {
	.name = "events",
	.commands = commands,
	.n_commands = ELEMENTSOF(commands),
	.new = events_new,
	.free = events_free,
	.requests = events_requests,
	.begin = events_begin,
	.parser = events_parser,
	.judge = events_judge,
	.stream_argv = events_stream_argv,
	.stream_data = events_stream_data,
	.stream_ended = events_stream_ended,
	.collect = events_collect,
	.update = events_update,
	.render = events_render,
};
