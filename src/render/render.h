/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/metrics.h"

/*
 * Renders one poll cycle into the exposition text: the model (connections,
 * counters), the parsed status/globalstatus of the cycle, and the poller's
 * own statistics. Pure: no I/O, no clock (the caller passes now).
 */

struct model;
struct status_summary;
struct traffic_list;
struct global_list;
struct kernel_snapshot;

/* What a poll cycle runs: three whack commands, then the kernel helper. */
enum poll_command {
	POLL_COMMAND_STATUS,
	POLL_COMMAND_TRAFFICSTATUS,
	POLL_COMMAND_GLOBALSTATUS,
	POLL_COMMAND_KERNEL,
	_POLL_COMMAND_MAX,
};

/* The commands before this one are whack's (the command label of SPEC §3). */
#define POLL_COMMAND_WHACK_END POLL_COMMAND_KERNEL

enum poll_reason {
	POLL_REASON_NONE = -1,	/* the command succeeded */
	POLL_REASON_NOT_RUNNING,
	POLL_REASON_PERMISSION,
	POLL_REASON_CONNECT_FAILED,
	POLL_REASON_TIMEOUT,
	POLL_REASON_EXIT_STATUS,
	POLL_REASON_OUTPUT_TOO_LARGE,
	POLL_REASON_SPAWN_FAILED,
	_POLL_REASON_MAX,
};

struct poll_stats {
	bool attempted[_POLL_COMMAND_MAX];	/* run (or read) this cycle */
	bool success[_POLL_COMMAND_MAX];
	double duration[_POLL_COMMAND_MAX];	/* seconds */
	uint64_t errors[_POLL_COMMAND_MAX][_POLL_REASON_MAX];
	uint64_t parse_errors[_POLL_COMMAND_MAX];
	uint64_t cycles;
	double last_poll_timestamp;		/* Unix seconds; 0 before the first cycle */
	bool up;
	bool kernel_enabled;			/* poll cycles read the kernel (collector on, or --input.kernel) */
};

/*
 * What render_page() keeps between cycles so as not to redo work whose
 * inputs did not change: the text of per-connection families whose every
 * value, and the connection list, are as they were (on a steady gateway:
 * which connections are up, their SA counts, their descriptions). Owned by
 * the caller, one per page stream; NULL renders everything.
 */
struct render_cache;

struct render_cache *render_cache_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct render_cache *render_cache_free(struct render_cache *rc);

/* Families taken from the cache and rendered anew since it was made. */
void render_cache_counts(const struct render_cache *rc, uint64_t *ret_reused, uint64_t *ret_rendered);

struct render_input {
	const struct model *model;
	const struct status_summary *status;	/* NULL if not available this cycle */
	const struct traffic_list *traffic;	/* NULL if not available this cycle */
	const struct global_list *global;	/* NULL if not available this cycle */
	const struct kernel_snapshot *kernel;	/* NULL if not read this cycle */
	const struct poll_stats *stats;
	bool per_sa;
	uint64_t max_sas;
	uint64_t now;				/* Unix seconds, for SA ages */
	size_t size_hint;			/* the last page's length: the buffer is sized once */
	char *reuse;				/* a buffer to render into (taken over), or NULL */
	size_t reuse_size;			/* its usable size */
	struct render_cache *cache;		/* NULL: no reuse across cycles */
	/*
	 * Where the page goes as it is rendered, or NULL: sink takes it in pieces of about
	 * sink_chunk bytes (0: RENDER_SINK_CHUNK), in order, cut where a family begins, and what
	 * render_page() returns is the rest. The page is then never whole in memory (--once at 100k
	 * connections: 8 MB of buffer instead of 72). No render cache with a sink.
	 */
	metrics_flush_fn sink;
	void *sink_userdata;
	size_t sink_chunk;
};

#define RENDER_SINK_CHUNK (4u << 20)

/* Render the page; returns a new buffer (caller frees), its length in *ret_len. */
char *render_page(const struct render_input *in, enum metrics_format format, size_t *ret_len);

/* Label value of a command ("status", "trafficstatus", "globalstatus"). */
const char *poll_command_to_string(enum poll_command c);

/* Label value of a reason ("not_running", ...). */
const char *poll_reason_to_string(enum poll_reason r);
