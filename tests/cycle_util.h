/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * Poll cycles without the loop (header-only, static): every source of the daemon, fed the output
 * of the commands a test gives, then updated and rendered as the poll cycle's worker does. A
 * command the test gives no output for did not run; its output is judged as the cycle judges it
 * (a kernel snapshot without its end line is not trusted).
 */

#include <stdbool.h>
#include <string.h>

#include "lib/config.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parser.h"
#include "render/family.h"
#include "render/render.h"
#include "sources/sources.h"

struct test_cycle {
	struct exporter_config cfg;
	struct model *model;
	struct source_set *sources;
	struct poll_stats stats;
	struct cycle cycle;
	bool usable[SOURCES_MAX_COMMANDS];
};

/* Options beyond the defaults (which read no kernel, and pluto's whole status every cycle:
 * --poll.full-interval=0), applied before the sources are made. */
typedef void (*test_cycle_config_fn)(struct exporter_config *cfg);

static inline void test_cycle_init(struct test_cycle *tc, test_cycle_config_fn fn)
{
	struct model_options mo;

	memset(tc, 0, sizeof(*tc));
	config_init(&tc->cfg);
	tc->cfg.collector_kernel = false;
	tc->cfg.poll_full_interval_usec = 0;
	if (fn)
		fn(&tc->cfg);
	mo = (struct model_options){ .per_instance = tc->cfg.per_instance,
				     .per_user = tc->cfg.per_user,
				     .max_users = tc->cfg.max_users };
	tc->model = model_new(&mo);
	tc->sources = source_set_new(&tc->cfg, tc->model, &tc->stats);
}

static inline void test_cycle_release(struct test_cycle *tc)
{
	tc->sources = source_set_free(tc->sources);
	tc->model = model_free(tc->model);
}

static inline size_t test_cycle_command(const struct test_cycle *tc, const char *name)
{
	for (size_t i = 0; i < tc->stats.n_commands; i++)
		if (streq(tc->stats.commands[i]->name, name))
			return i;
	abort();
}

/*
 * The end of the commands' runs, as the poll cycle has it: each parser of a command that ran
 * (ran: NULL for all) finished, its parse errors counted, the command usable when it succeeded
 * and its source trusts the output.
 */
static inline void test_cycle_judge(struct test_cycle *tc, const bool *ran)
{
	struct poll_stats *st = &tc->stats;

	for (size_t i = 0; i < st->n_commands; i++) {
		uint64_t parse_errors = 0;

		tc->usable[i] = false;
		if (ran && !ran[i])
			continue;
		parser_finish(source_set_parser(tc->sources, i));
		if (st->cmd[i].success && !source_set_judge(tc->sources, i, &parse_errors))
			st->cmd[i].success = false;
		st->cmd[i].parse_errors += parse_errors;
		tc->usable[i] = st->cmd[i].success;
	}
}

/*
 * One cycle: outputs[i] is the output of the command named names[i] (it ran and exited 0); the
 * others did not run. The model and the sources take them; render with test_cycle_render().
 */
static inline void test_cycle_run(struct test_cycle *tc, const char *const *names,
				  const char *const *outputs, size_t n, uint64_t now,
				  struct render_cache *cache)
{
	struct poll_stats *st = &tc->stats;

	source_set_begin(tc->sources);
	for (size_t i = 0; i < st->n_commands; i++)
		st->cmd[i].attempted = st->cmd[i].success = false;
	for (size_t k = 0; k < n; k++) {
		size_t i = test_cycle_command(tc, names[k]);
		struct parser *p = source_set_parser(tc->sources, i);

		if (!outputs[k])
			continue;
		st->cmd[i].attempted = st->cmd[i].success = true;
		parser_feed(p, outputs[k], strlen(outputs[k]));
	}
	test_cycle_judge(tc, NULL);
	source_set_collect(tc->sources);
	/* as the poll cycle decides it: the first command that may decide it and ran */
	st->up = false;
	for (size_t i = 0; i < st->n_commands; i++)
		if (st->commands[i]->decides_up && st->cmd[i].attempted) {
			st->up = st->cmd[i].success;
			break;
		}
	st->cycles++;
	tc->cycle = (struct cycle){
		.model = tc->model, .cfg = &tc->cfg, .stats = st, .now = now, .cache = cache
	};
	model_begin_cycle(tc->model);
	source_set_update(tc->sources, &tc->cycle, tc->usable);
	model_end_cycle(tc->model);
}

static inline void test_cycle_write(void *userdata, struct metrics_writer *w)
{
	struct test_cycle *tc = userdata;

	source_set_render(tc->sources, w, &tc->cycle);
}

/* The page of the last cycle as the poll cycle renders it (buf NULL: into a buffer of its own). */
static inline char *test_cycle_render(struct test_cycle *tc, enum metrics_format fmt,
				      const struct render_buffer *buf, size_t *ret_len)
{
	struct render_buffer own = { .reserve = 4096 };

	return render_page(buf ? buf : &own, fmt, test_cycle_write, tc, ret_len);
}
