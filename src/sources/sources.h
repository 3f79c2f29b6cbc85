/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/metrics.h"
#include "sources/source.h"

/*
 * Every source (the list is in sources.c), made and driven as one set by the poll cycle. Commands
 * are numbered across the set in the order of the list, as in struct poll_stats.
 */

struct source_set;

/* Make every source; their commands go into stats->commands. */
struct source_set *source_set_new(const struct exporter_config *cfg, struct model *m,
				  struct poll_stats *stats);

/* Free; NULL is a no-op; returns NULL. */
struct source_set *source_set_free(struct source_set *set);

/* On the loop: a cycle begins (every parser empties again; what the sources asked of it goes to
 * every source). */
void source_set_begin(struct source_set *set);

/* On the loop, for command i of the set: whether it runs this cycle (never: SOURCE_RUN_NONE), its
 * helper program, its parser. */
bool source_set_enabled(struct source_set *set, size_t i);
const char *source_set_helper_path(struct source_set *set, size_t i);
struct parser *source_set_parser(struct source_set *set, size_t i);

/* Command i exited 0 and its output is in: its parse errors, and whether to trust it. */
bool source_set_judge(struct source_set *set, size_t i, uint64_t *ret_parse_errors);

/* Log a change of command i's outcome in its source's words; false when it has none of its own. */
bool source_set_log_change(struct source_set *set, size_t i, enum poll_reason now, const char *why);

/* Sources with a stream: how many, and for stream k its argv (NULL: none in this configuration). */
size_t source_set_n_streams(const struct source_set *set);
char *const *source_set_stream_argv(struct source_set *set, size_t k,
				    enum source_privilege *ret_privilege);

/* On the loop: stream k's output, and its end. */
void source_set_stream_data(struct source_set *set, size_t k, char *data, size_t len);
void source_set_stream_ended(struct source_set *set, size_t k, int exit_status, const char *why,
			     uint64_t retry_usec);

/* On the loop, before the worker starts: every source takes what its stream brought. */
void source_set_collect(struct source_set *set);

/* On the worker: every source's update in order (usable[i] for command i of the set). */
void source_set_update(struct source_set *set, struct cycle *cy, const bool *usable);

/* On the worker: every section of the page, each with every source's families. */
void source_set_render(struct source_set *set, struct metrics_writer *w, const struct cycle *cy);
