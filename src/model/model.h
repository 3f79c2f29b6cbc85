/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The exporter's view of pluto, kept across poll cycles: one entry per (folded) connection with
 * its monotonic byte counters, and one entry per live Child SA serial with its last byte values
 * and 32-bit wrap count. State is bounded: SA entries live as long as pluto lists the SA,
 * connection entries as long as pluto has the connection loaded.
 *
 * A source that keeps something of its own per connection (the kernel's view, say) asks for an
 * area in every connection (model_add_conn_area()): it is allocated with the connection, so a walk
 * over the connections finds it in the same memory, and it goes with the connection.
 */

struct status_summary;
struct traffic_list;
struct model;

enum conn_kind {
	CONN_KIND_STATIC,
	CONN_KIND_TEMPLATE,
	CONN_KIND_GROUP,
};

#define MODEL_TIMER_NONE INT64_MIN

enum model_event {
	MODEL_EVENT_REKEY,
	MODEL_EVENT_REPLACE,
	MODEL_EVENT_EXPIRE,
	_MODEL_EVENT_MAX,
};

struct model_conn {
	/*
	 * What every connection family of the page reads, first: the render walks all connections
	 * once per family, and at 100k connections they do not stay in the cache between walks.
	 */
	const char *labels; /* formatted, escaped label set of its series:
			       connection="a"[,conn_instance="[3]"] */
	size_t labels_len;
	bool loaded;		/* listed by the last successful status */
	bool expected_up;
	bool have_info;		/* the root connection itself was in the status list */
	unsigned instances;
	unsigned ike_established;
	unsigned child_established;
	unsigned traffic_sas;	/* SAs listed by trafficstatus this cycle */
	uint64_t newest_add_time;	/* newest Child SA add_time; 0 if none */
	/* the byte counters: persistent part, then this cycle's */
	uint64_t retired_in;	/* final values of SAs gone since the exporter started */
	uint64_t retired_out;
	uint64_t live_in;	/* sum of live SAs (wrap-compensated) */
	uint64_t live_out;
	int64_t lastdpd;	/* seconds; MODEL_TIMER_NONE if unknown/never */
	int64_t lastlive;
	uint64_t info_version;	/* changes whenever ike_version, kind, local or remote do */
	/* refreshed every cycle */
	int64_t ike_timer[_MODEL_EVENT_MAX];	/* soonest; MODEL_TIMER_NONE if none */
	int64_t child_timer[_MODEL_EVENT_MAX];
	uint64_t cycle;		/* last cycle the connection was loaded or had SAs */
	/* what it is */
	const char *key;	/* connection label value ("rw") */
	const char *instance;	/* instance label with --metrics.instances ("[3]"), else "" */
	const char *map_key;	/* its key in the model's map, which borrows it */
	size_t sorted_pos;	/* its index in the sorted list; SIZE_MAX until it is sorted in */
	int ike_version;
	enum conn_kind kind;
	char *local;
	char *remote;
	/* then the sources' areas, then the strings above (key, instance, map_key, labels): one
	 * allocation */
};

struct model_user {
	char *name;
	uint64_t retired_in;
	uint64_t retired_out;
	uint64_t live_in;
	uint64_t live_out;
	unsigned sas;
	char *lease;
	char *conn_key;
	uint64_t cycle;
};

struct model_options {
	bool per_instance;
	bool per_user;
	uint64_t max_users;
};

/* Room for a decimal uint64_t and its NUL: the key of an SA by serial. */
#define MODEL_SERIAL_KEY_MAX 21

/* A new, empty model. */
struct model *model_new(const struct model_options *opt);

/* Free; NULL is a no-op; returns NULL. */
struct model *model_free(struct model *m);

/* Frees what a source's area holds when its connection goes (not the area itself). */
typedef void (*model_area_free_fn)(void *area);

/*
 * A source's own area of size bytes in every connection, zeroed when the connection is made; the
 * first cycle_size bytes of it again at the start of every cycle; free_fn (or NULL) when the
 * connection goes. Before the first cycle only. Returns the area's handle for model_conn_area().
 */
size_t model_add_conn_area(struct model *m, size_t size, size_t cycle_size,
			   model_area_free_fn free_fn);

/* The connection's area of a source. */
static inline void *model_conn_area(const struct model_conn *c, size_t area)
{
	return (char *)c + area;
}

/*
 * One poll cycle: begin, then what was read this cycle (a source not read leaves the state it
 * would update as it is), then end.
 */
void model_begin_cycle(struct model *m);
void model_apply_status(struct model *m, const struct status_summary *st);
void model_apply_traffic(struct model *m, const struct traffic_list *t);
void model_end_cycle(struct model *m);

/* The whole cycle for the pluto sources alone: status and traffic, each NULL when not read. */
void model_update(struct model *m, const struct status_summary *status,
		  const struct traffic_list *traffic);

/* The connection a (name, instance) pair from one of pluto's lists folds into, or NULL. */
struct model_conn *model_conn_find(struct model *m, const char *name, const char *instance);

/* The connection with this map key (model_conn.map_key), or NULL. */
struct model_conn *model_conn_get(const struct model *m, const char *map_key);

/*
 * The connection a name from a state or SA line counts towards: "rw"[3] -> "rw",
 * group members "private#10.0.0.0/8"[1] -> "private". With per-instance series
 * *ret_instance gets the rest ("[3]", "#10.0.0.0/8[1]"), else "". Both are new strings.
 */
void model_fold_name(const struct model *m, const char *name, const char *instance, char **ret_base,
		     char **ret_instance);

/* The connections sorted by key (then instance), as of the last cycle; owned by the model. */
struct model_conn *const *model_sorted_conns(const struct model *m, size_t *ret_n);

/* Changes whenever a connection came or went (the sorted list was made again). */
uint64_t model_sorted_version(const struct model *m);

/* Connections, and SAs whose byte counters are tracked across cycles. */
size_t model_n_conns(const struct model *m);
size_t model_n_sas(const struct model *m);

/* The number of the current cycle (1 for the first). */
uint64_t model_cycle(const struct model *m);

/* The last cycle read pluto's connection list (status); one ever did; it read trafficstatus. */
bool model_status_ok(const struct model *m);
bool model_traffic_ok(const struct model *m);

/* Which connections get series (doc/metrics.md): listed by this cycle's status (only a cycle that
 * read the status sets loaded). */
static inline bool model_conn_listed(const struct model *m, const struct model_conn *c)
{
	return c->loaded;
}

/* True when this cycle read trafficstatus but no cycle ever read the status: every connection
 * counts. */
bool model_counts_every_conn(const struct model *m);

/* ... or counted: listed, or with SAs this cycle (or, before any status, everything trafficstatus
 * names). */
static inline bool model_conn_counted(const struct model *m, const struct model_conn *c)
{
	return c->loaded || c->traffic_sas > 0 || model_counts_every_conn(m);
}

/* True if the connection (or an instance) has an established Child SA this cycle. */
bool model_conn_is_up(const struct model_conn *c);

/* Total of the connection's byte counters. */
uint64_t model_conn_in_bytes(const struct model_conn *c);
uint64_t model_conn_out_bytes(const struct model_conn *c);

/* The users sorted by name (opt-in): a new array (caller frees); the "_other" bucket apart. */
struct model_user **model_sorted_users(const struct model *m, size_t *ret_n);
const struct model_user *model_other_user(const struct model *m);

/* The options the model was made with. */
const struct model_options *model_options(const struct model *m);

/* The decimal serial in buf (the key of an SA): returns where it starts. */
const char *model_serial_key(char buf[static MODEL_SERIAL_KEY_MAX], uint64_t serial);

/* Name of a kind for the label. */
const char *model_conn_kind_to_string(enum conn_kind k);

/* Name of an event for the label. */
const char *model_event_to_string(enum model_event e);
