/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <assert.h>
#include <stdlib.h>

#include "lib/util.h"
#include "sources/sources.h"

/*
 * The sources, in the order their updates run (one may use what an earlier one put into struct
 * cycle: the kernel joins pluto's status, the per-SA series read the kernel's counters) and their
 * commands are numbered. Each is the struct source_ops named source_<name> in
 * src/sources/<name>.c: a new source is a file of its own and its name on this line.
 */
#define SOURCES(X) X(exporter) X(pluto) X(global) X(kernel) X(detail) X(events) X(certs)

#define DECLARE_SOURCE(name) extern const struct source_ops source_##name;
#define LIST_SOURCE(name) &source_##name,

SOURCES(DECLARE_SOURCE)

static const struct source_ops *const registry[] = { SOURCES(LIST_SOURCE) };

#define N_SOURCES ELEMENTSOF(registry)

struct source_set {
	void *self[N_SOURCES];
	/* command i of the set is command cmd_index[i] of source cmd_source[i] */
	size_t cmd_source[SOURCES_MAX_COMMANDS];
	size_t cmd_index[SOURCES_MAX_COMMANDS];
	size_t n_commands;
	/* stream k is the stream of source stream_source[k] */
	size_t stream_source[N_SOURCES];
	size_t n_streams;
};

struct source_set *source_set_new(const struct exporter_config *cfg, struct model *m,
				  struct poll_stats *stats)
{
	struct source_set *set = xcalloc(1, sizeof(*set));

	for (size_t s = 0; s < N_SOURCES; s++) {
		const struct source_ops *ops = registry[s];
		struct source_env env = { .cfg = cfg,
					  .model = m,
					  .first_command = set->n_commands };

		set->self[s] = ops->new ? ops->new(&env) : NULL;
		if (ops->stream_argv)
			set->stream_source[set->n_streams++] = s;
		for (size_t i = 0; i < ops->n_commands; i++) {
			assert(set->n_commands < SOURCES_MAX_COMMANDS);
			set->cmd_source[set->n_commands] = s;
			set->cmd_index[set->n_commands] = i;
			stats->commands[set->n_commands++] = &ops->commands[i];
		}
	}
	stats->n_commands = set->n_commands;
	return set;
}

struct source_set *source_set_free(struct source_set *set)
{
	if (!set)
		return NULL;
	for (size_t s = 0; s < N_SOURCES; s++)
		if (registry[s]->free)
			registry[s]->free(set->self[s]);
	free(set);
	return NULL;
}

void source_set_begin(struct source_set *set)
{
	unsigned requests = 0;

	for (size_t s = 0; s < N_SOURCES; s++)
		if (registry[s]->requests)
			requests |= registry[s]->requests(set->self[s]);
	for (size_t s = 0; s < N_SOURCES; s++)
		if (registry[s]->begin)
			registry[s]->begin(set->self[s], requests);
}

bool source_set_enabled(struct source_set *set, size_t i)
{
	const struct source_ops *ops = registry[set->cmd_source[i]];

	if (ops->commands[set->cmd_index[i]].run == SOURCE_RUN_NONE)
		return false;	/* only ever read from its --input file */
	return !ops->enabled || ops->enabled(set->self[set->cmd_source[i]], set->cmd_index[i]);
}

const char *source_set_helper_path(struct source_set *set, size_t i)
{
	return registry[set->cmd_source[i]]->helper_path(set->self[set->cmd_source[i]],
							 set->cmd_index[i]);
}

struct parser *source_set_parser(struct source_set *set, size_t i)
{
	return registry[set->cmd_source[i]]->parser(set->self[set->cmd_source[i]],
						    set->cmd_index[i]);
}

bool source_set_judge(struct source_set *set, size_t i, uint64_t *ret_parse_errors)
{
	return registry[set->cmd_source[i]]->judge(set->self[set->cmd_source[i]], set->cmd_index[i],
						   ret_parse_errors);
}

bool source_set_log_change(struct source_set *set, size_t i, enum poll_reason now, const char *why)
{
	const struct source_ops *ops = registry[set->cmd_source[i]];

	if (!ops->log_change)
		return false;
	ops->log_change(set->self[set->cmd_source[i]], set->cmd_index[i], now, why);
	return true;
}

size_t source_set_n_streams(const struct source_set *set)
{
	return set->n_streams;
}

char *const *source_set_stream_argv(struct source_set *set, size_t k,
				    enum source_privilege *ret_privilege)
{
	size_t s = set->stream_source[k];

	return registry[s]->stream_argv(set->self[s], ret_privilege);
}

void source_set_stream_data(struct source_set *set, size_t k, char *data, size_t len)
{
	size_t s = set->stream_source[k];

	registry[s]->stream_data(set->self[s], data, len);
}

void source_set_stream_ended(struct source_set *set, size_t k, int exit_status, const char *why,
			     uint64_t retry_usec)
{
	size_t s = set->stream_source[k];

	registry[s]->stream_ended(set->self[s], exit_status, why, retry_usec);
}

void source_set_collect(struct source_set *set)
{
	for (size_t s = 0; s < N_SOURCES; s++)
		if (registry[s]->collect)
			registry[s]->collect(set->self[s]);
}

void source_set_update(struct source_set *set, struct cycle *cy, const bool *usable)
{
	size_t first = 0;

	for (size_t s = 0; s < N_SOURCES; s++) {
		if (registry[s]->update)
			registry[s]->update(set->self[s], cy, usable + first);
		first += registry[s]->n_commands;
	}
}

void source_set_render(struct source_set *set, struct metrics_writer *w, const struct cycle *cy)
{
	for (size_t section = 0; section < _PAGE_SECTION_MAX; section++)
		for (size_t s = 0; s < N_SOURCES; s++)
			if (registry[s]->render)
				registry[s]->render(set->self[s], w, cy, section);
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
