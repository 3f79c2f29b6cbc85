/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/metrics.h"
#include "parse/parse_kernel.h"

/*
 * A source: one origin of what the page says (node_exporter's collectors). Each lives in a file of
 * its own under src/sources/ and is listed once in src/sources/sources.c; the poll cycle drives
 * them all through this interface and knows none of their details.
 *
 * A source may run commands every poll cycle (whack, or a helper program): the cycle runs them in
 * bounded children (or reads their --input.NAME file) and feeds each one's output to the parser the
 * source gives for it, on the loop, as it arrives. A source may also follow a stream: a helper
 * child that runs as long as the exporter (restarted with back-off when it ends), whose output it
 * takes on the loop as it comes, and hands to its worker side when a cycle ends (collect()). When
 * every command is done, a worker thread calls each source's update(), in the order they are
 * listed, then renders the page: each section of the page in turn, every source's families for that
 * section. A source owns its state; the loop and the worker never touch it at the same time (no
 * cycle starts while one finishes). Sources do not see each other: what one needs of another goes
 * through struct cycle.
 */

struct exporter_config;
struct global_list;
struct hashmap;
struct model;
struct parser;
struct render_cache;
struct status_summary;
struct traffic_list;

/* Why a command failed (the reason label of libreswan_poll_errors_total). */
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

/* The capability a helper child gets (the daemon holds none effective). */
enum source_privilege {
	SOURCE_PRIVILEGE_NONE,
	SOURCE_PRIVILEGE_KERNEL,	/* CAP_NET_ADMIN: XFRM netlink */
	SOURCE_PRIVILEGE_LOG,		/* CAP_DAC_READ_SEARCH: pluto's log */
};

/* How a command is run. */
enum source_run {
	SOURCE_RUN_WHACK,	/* `<ipsec.command> whack [--ctlsocket S] <whack_flag>` */
	/* a helper program of ours with a capability of its own (exit 3: not permitted) */
	SOURCE_RUN_HELPER,
	SOURCE_RUN_NONE,	/* nothing: only its --input.NAME file is read, when given */
};

struct source_command {
	/* "status": its command label, its --input.NAME file, its log lines */
	const char *name;
	enum source_run run;
	/* SOURCE_RUN_WHACK: its arguments ("--status"; "--utc", "--listcerts") */
	const char *whack_args[3];
	enum source_privilege privilege;	/* SOURCE_RUN_HELPER: the capability it gets */
	/*
	 * Its success is libreswan_up: of the commands marked so, the first (in the order of the
	 * sources and their commands) that runs in a cycle decides it for that cycle.
	 */
	bool decides_up;
	/* Its poll series (success, duration, errors, parse errors) appear once it has run: not
	 * every configuration runs it (--once and --input.* never do), and pages without it stay as
	 * they were. */
	bool listed_once_run;
};

/* What the poll cycle knows of one command: of its last run (a command need not run every
 * cycle). */
struct command_stats {
	bool attempted;			/* it ran (or its file was read) at least once */
	bool success;
	double duration;		/* seconds */
	uint64_t errors[_POLL_REASON_MAX];
	uint64_t parse_errors;
};

#define SOURCES_MAX_COMMANDS 16
#define SOURCES_MAX_STREAMS 4

struct poll_stats {
	/* of every source, in order */
	const struct source_command *commands[SOURCES_MAX_COMMANDS];
	struct command_stats cmd[SOURCES_MAX_COMMANDS];
	size_t n_commands;
	uint64_t cycles;
	double last_poll_timestamp;	/* Unix seconds; 0 before the first cycle */
	bool up;
};

/* The kernel's counters of one pluto Child SA this cycle (for the per-SA opt-in series). */
struct sa_kernel_counters {
	uint64_t packets[2];	/* [0] in, [1] out */
	uint64_t errors[_KERNEL_ERROR_MAX];
};

/*
 * What a source may ask of the next cycle for the others (bits), on the loop: every source's
 * requests() is asked as a cycle begins, and what any of them asked goes to every source's
 * begin(). Sources do not see each other; this is how one that learns something between two
 * cycles (from its stream) tells the ones it concerns.
 */
enum source_request {
	/* pluto's log says a connection was added, deleted, taken down or routed: the connection
	 * list (and what pluto holds of each connection) changed */
	SOURCE_REQUEST_CONNECTIONS = 1u << 0,
	/* pluto's log says pluto started again */
	SOURCE_REQUEST_RESTART = 1u << 1,
};

/* One poll cycle as the sources see it on the worker thread. */
struct cycle {
	struct model *model;
	const struct exporter_config *cfg;
	const struct poll_stats *stats;
	uint64_t now;				/* Unix seconds */
	/* what the last page lends this one; NULL: render everything */
	struct render_cache *cache;
	/* set by the sources' updates, for the ones after them and for the render */
	const struct status_summary *status;	/* pluto's connection and state list, if read */
	const struct traffic_list *traffic;	/* pluto's SAs and their bytes, if read */
	/* decimal serial -> struct sa_kernel_counters, if read (opt-in) */
	const struct hashmap *sa_kernel;
	/*
	 * Set by a source's update: what this cycle read shows that its page would not be exact
	 * (pluto's connection list moved since the source last read it whole). The poll cycle then
	 * does not publish this cycle's page and starts the next cycle at once, in which the source
	 * reads what it needs; that cycle's page is published whatever it says.
	 */
	bool again;
};

/* The page's sections, in the order they are written; a source writes into any of them. */
enum page_section {
	PAGE_SECTION_EXPORTER,			/* the exporter's own: up, its poll cycle */
	PAGE_SECTION_OVERVIEW,			/* pluto as a whole */
	/* per connection: what it is, whether it is up, its bytes */
	PAGE_SECTION_CONNECTIONS,
	PAGE_SECTION_CONNECTIONS_KERNEL,	/* per connection: the kernel's view */
	PAGE_SECTION_CONNECTIONS_TIMES,		/* per connection: ages and timers */
	PAGE_SECTION_KERNEL,			/* the kernel as a whole */
	PAGE_SECTION_DETAIL,			/* opt-in series: per user, per SA */
	PAGE_SECTION_PLUTO_COUNTERS,		/* pluto's own counters (globalstatus) */
	_PAGE_SECTION_MAX,
};

/* What a source is given when it is made. */
struct source_env {
	const struct exporter_config *cfg;
	/* to ask for an area in every connection (model_add_conn_area()) */
	struct model *model;
	size_t first_command;		/* the index of its first command in struct poll_stats */
};

struct source_ops {
	const char *name;
	const struct source_command *commands;
	size_t n_commands;

	/* On the loop. */
	void *(*new)(const struct source_env *env);
	void (*free)(void *self);
	/* Whether command i runs this cycle (NULL: always); asked after begin(). */
	bool (*enabled)(void *self, size_t i);
	/* The program a SOURCE_RUN_HELPER command runs. */
	const char *(*helper_path)(void *self, size_t i);
	/* What this source asks of the next cycle (enum source_request bits; NULL: nothing), asked
	 * as a cycle begins: it is then asked, and forgets it. */
	unsigned (*requests)(void *self);
	/* A cycle begins: the parsers of the commands that run this cycle empty again; requests:
	 * what the sources asked of this cycle (enum source_request bits). */
	void (*begin)(void *self, unsigned requests);
	/* The parser that takes command i's output. */
	struct parser *(*parser)(void *self, size_t i);
	/*
	 * Command i's output is all in and it exited 0: its parse errors into *ret_parse_errors,
	 * and whether its result can be trusted (false: counted as a failed run, exit_status).
	 */
	bool (*judge)(void *self, size_t i, uint64_t *ret_parse_errors);
	/* Log that command i's outcome changed to now, why it failed in words ("" when nothing said
	 * it) (NULL: the cycle's own wording for whack's). */
	void (*log_change)(void *self, size_t i, enum poll_reason now, const char *why);

	/*
	 * The stream (NULL: none): the argv of a helper that runs as long as the exporter (NULL:
	 * not in this configuration), with the capability it gets; its output as it comes; its end
	 * (exit_status -1 when it did not exit by itself; why: how it ended, its stderr's first
	 * line) after which it is started again in retry_usec; all on the loop.
	 */
	char *const *(*stream_argv)(void *self, enum source_privilege *ret_privilege);
	void (*stream_data)(void *self, char *data, size_t len);
	void (*stream_ended)(void *self, int exit_status, const char *why, uint64_t retry_usec);
	/* On the loop, when the cycle's commands are done and before the worker starts: take over
	 * what the stream brought since the last cycle, for update() and render(). */
	void (*collect)(void *self);

	/* On the worker. usable[i]: command i ran this cycle and its result is trusted. */
	void (*update)(void *self, struct cycle *cy, const bool *usable);
	void (*render)(void *self, struct metrics_writer *w, const struct cycle *cy,
		       enum page_section section);
};

/* Label value of a reason ("not_running", ...). */
const char *poll_reason_to_string(enum poll_reason r);
