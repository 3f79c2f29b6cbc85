/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hashmap.h"
#include "parse/parse_kernel.h"
#include "lib/strbuf.h"

/*
 * The exporter's view of pluto, kept across poll cycles: one entry per
 * (folded) connection with its monotonic byte counters, and one entry per
 * live Child SA serial with its last byte values and 32-bit wrap count.
 * State is bounded: SA entries live as long as pluto lists the SA,
 * connection entries as long as pluto has the connection loaded.
 *
 * The kernel's view (XFRM) is joined in: every SAID of an established Child
 * SA is looked up in the kernel's SAD by protocol, SPI and destination; a
 * kernel SA found that way is tracked (by its kernel identity) with its
 * packet and error counters for as long as the kernel holds it, whatever
 * pluto says later, and its last values are retired into its connection when
 * it goes away, like the byte counters.
 */

struct status_summary;
struct traffic_list;
struct kernel_snapshot;

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
	const char *labels;	/* formatted, escaped label set of its series: connection="a"[,conn_instance="[3]"] */
	size_t labels_len;
	bool loaded;		/* listed by the last successful status */
	bool expected_up;
	bool kernel_tracked;	/* a kernel SA was joined to it since the exporter started */
	bool kernel_joined;	/* this cycle joined status and kernel (the kernel gauges are valid) */
	bool kernel_policies_known;	/* a reqid of it is known: kernel_policies is valid */
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
	uint64_t cycle;		/* last cycle the connection was loaded or had SAs (conn_touch()) */
	/* what it is */
	const char *key;	/* connection label value ("rw") */
	const char *instance;	/* instance label with --metrics.instances ("[3]"), else "" */
	const char *map_key;	/* key in struct model.conns, which borrows it */
	size_t sorted_pos;	/* its index in struct model.sorted; SIZE_MAX until it is sorted in */
	int ike_version;
	enum conn_kind kind;
	char *local;
	char *remote;
	/* the kernel's view: persistent */
	uint64_t retired_packets[2];	/* [0] in, [1] out */
	uint64_t retired_errors[_KERNEL_ERROR_MAX];
	/* the kernel's view: refreshed every cycle that read the kernel */
	unsigned kernel_sas;	/* kernel SAs of its established Child SAs */
	unsigned kernel_sas_missing;	/* SAIDs of its established Child SAs that the kernel lacks */
	unsigned kernel_policies[_KERNEL_DIR_MAX];
	uint64_t live_packets[2];
	uint64_t live_errors[_KERNEL_ERROR_MAX];
	/* the strings above (key, instance, map_key, labels): one allocation with the connection */
	char strings[];
};

struct model_sa {
	uint64_t serial;
	const char *key;	/* the decimal serial: its key in struct model.sas, which borrows it */
	const char *conn_key;	/* map key of the model_conn this SA counts towards */
	struct model_conn *conn;	/* that connection, set by each cycle that lists the SA: valid only
					 * while cycle is the model's */
	char *username;		/* XAUTH/CP user, NULL if none */
	uint64_t add_time;
	uint64_t last_in;	/* last raw values as printed */
	uint64_t last_out;
	uint64_t in_base;	/* 2^32 per observed wrap */
	uint64_t out_base;
	uint64_t cycle;
	char strings[];		/* key and conn_key: one allocation with the SA */
};

/* A kernel SA once joined to a connection, tracked while the kernel holds it. */
struct model_ksa {
	struct sa_id id;
	char *conn_key;		/* map key of the model_conn it counts towards */
	bool inbound;
	uint32_t reqid;
	uint64_t add_time;	/* the kernel's; another value under the same id is another SA */
	uint64_t packets;	/* last values read */
	uint64_t errors[_KERNEL_ERROR_MAX];
	uint64_t cycle;		/* last cycle the kernel listed it */
};

/* Kernel counters of one pluto Child SA this cycle (for the per-SA series). */
struct model_child_kernel {
	uint64_t packets[2];	/* [0] in, [1] out */
	uint64_t errors[_KERNEL_ERROR_MAX];
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
	bool per_sa;		/* keep the kernel counters of each Child SA (child_kernel) */
};

/* The kernel-wide figures of the last cycle that read the kernel. */
struct model_kernel_totals {
	bool valid;		/* the last cycle read the kernel */
	bool joined;		/* ... and pluto's status: unclaimed is valid */
	uint64_t larval;	/* SAs without algorithms or with SPI 0 */
	uint64_t unclaimed;	/* ESP/AH/IPComp SAs no established Child SA of pluto lists */
};

struct model {
	struct model_options opt;
	struct hashmap conns;	/* map_key -> struct model_conn (borrowed keys) */
	struct hashmap sas;	/* decimal serial -> struct model_sa (borrowed keys) */
	struct hashmap users;	/* username -> struct model_user */
	struct hashmap groups;	/* names of group connections (OE "private") -> (void *)1 */
	struct hashmap ksas;	/* sa_id_key -> struct model_ksa */
	struct hashmap child_kernel;	/* decimal serial -> struct model_child_kernel (per_sa only; this cycle) */
	struct model_kernel_totals kernel;
	struct model_conn **sorted;	/* conns by key, then instance: rebuilt only when conns come or go */
	size_t n_sorted;
	uint64_t sorted_version;	/* changes whenever the sorted list is rebuilt */
	struct model_conn **created;	/* connections created since the last sort, in order of creation */
	size_t n_created;
	size_t alloc_created;
	bool conns_removed;		/* some went since the last sort: rebuild from the map */
	bool ever_kernel;	/* the kernel was read at least once */
	uint64_t cycle;
	bool status_ok;		/* last cycle's status was available */
	bool traffic_ok;
	bool ever_status;	/* a status was ever available (daemon knows pluto's connection list) */
	struct model_user other_user;	/* the "_other" bucket */
	struct strbuf keybuf;		/* scratch for map keys */
	struct strbuf labelbuf;		/* scratch for a new connection's label set */
	struct strbuf prefetchbuf;	/* scratch for the map key of a look-up ahead */
	struct model_conn *last_lookup;	/* the connection the last look-up found (states come grouped) */
	size_t cursor;		/* where in sorted the last look-up found it: pluto lists in that order */
	size_t conns_touched;	/* connections listed or with SAs this cycle (the others may go) */
};

/* A new, empty model. */
struct model *model_new(const struct model_options *opt);

/* Free; NULL is a no-op; returns NULL. */
struct model *model_free(struct model *m);

/*
 * Apply one poll cycle. status/traffic/kernel are NULL when that source was
 * not available this cycle (failed, or not configured): then the state it
 * would update is kept as it is.
 */
void model_update(struct model *m, const struct status_summary *status, const struct traffic_list *traffic,
		  const struct kernel_snapshot *kernel);

/*
 * The connection a name from a state or SA line counts towards: "rw"[3] -> "rw",
 * group members "private#10.0.0.0/8"[1] -> "private". With per-instance series
 * *ret_instance gets the rest ("[3]", "#10.0.0.0/8[1]"), else "". Both are new strings.
 */
void model_fold_name(const struct model *m, const char *name, const char *instance, char **ret_base,
		     char **ret_instance);

/* The connections sorted by key (then instance), as of the last model_update(); owned by the model. */
struct model_conn *const *model_sorted_conns(const struct model *m, size_t *ret_n);

/* True if the connection (or an instance) has an established Child SA this cycle. */
bool model_conn_is_up(const struct model_conn *c);

/* Total of the connection's byte counters. */
uint64_t model_conn_in_bytes(const struct model_conn *c);
uint64_t model_conn_out_bytes(const struct model_conn *c);

/* Total of the connection's kernel packet counters: dir 0 in, 1 out. */
uint64_t model_conn_packets(const struct model_conn *c, unsigned dir);

/* Total of the connection's kernel error counter for one reason. */
uint64_t model_conn_kernel_errors(const struct model_conn *c, enum kernel_error e);

/* The users sorted by name (opt-in). */
struct model_user **model_sorted_users(const struct model *m, size_t *ret_n);

/* Name of a kind for the label. */
const char *model_conn_kind_to_string(enum conn_kind k);

/* Name of an event for the label. */
const char *model_event_to_string(enum model_event e);
