/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include "model/model.h"
#include "sources/source.h"

/*
 * The exporter's own account of its poll cycle: whether it reached pluto, how each whack command
 * went (success, wall time, failures by cause, lines it could not parse), when the last cycle
 * ended. It runs nothing itself; it reads what the cycle recorded.
 */

/* The whack commands of every source, in order: the command label's values (a command listed
 * only once it has run is left out before). */
#define for_each_whack(st, i)                 \
	for (size_t i = 0; i < (st)->n_commands; i++) \
		if ((st)->commands[i]->run == SOURCE_RUN_WHACK && \
		    (!(st)->commands[i]->listed_once_run || (st)->cmd[i].attempted))

static void exporter_render(void *self, struct metrics_writer *w, const struct cycle *cy,
			    enum page_section section)
{
	const struct poll_stats *st = cy->stats;

	if (section != PAGE_SECTION_EXPORTER)
		return;
	metrics_family(w, "libreswan_up", METRIC_TYPE_GAUGE,
		       "1 if the last poll cycle reached pluto (the status command succeeded).");
	metrics_sample_u64(w, NULL, 0, st->up);

	metrics_family(w, "libreswan_exporter_build_info", METRIC_TYPE_GAUGE,
		       "Version and source revision of the exporter; always 1.");
	metrics_sample_u64(w,
			   (struct metric_label[]){ LABEL("version", PACKAGE_VERSION),
						    LABEL("revision", REVISION) },
			   2, 1);

	metrics_family(w, "libreswan_poll_success", METRIC_TYPE_GAUGE,
		       "1 if the command's last run succeeded.");
	for_each_whack(st, c)
		if (st->cmd[c].attempted)
			metrics_sample_u64(
				w,
				(struct metric_label[]){ LABEL("command", st->commands[c]->name) },
				1, st->cmd[c].success);

	metrics_family(w, "libreswan_poll_duration_seconds", METRIC_TYPE_GAUGE,
		       "Wall time of the command's last run.");
	for_each_whack(st, c)
		if (st->cmd[c].attempted)
			metrics_sample_double(
				w,
				(struct metric_label[]){ LABEL("command", st->commands[c]->name) },
				1, st->cmd[c].duration);

	metrics_family(w, "libreswan_poll_errors_total", METRIC_TYPE_COUNTER,
		       "Failed runs of a whack command, by cause.");
	for_each_whack(st, c)
		for (size_t r = 0; r < _POLL_REASON_MAX; r++)
			metrics_sample_u64(w,
					   (struct metric_label[]){
						   LABEL("command", st->commands[c]->name),
						   LABEL("reason", poll_reason_to_string(r)) },
					   2, st->cmd[c].errors[r]);

	metrics_family(w, "libreswan_parse_errors_total", METRIC_TYPE_COUNTER,
		       "Lines of whack output the parser did not recognise (skipped).");
	for_each_whack(st, c)
		metrics_sample_u64(
			w, (struct metric_label[]){ LABEL("command", st->commands[c]->name) }, 1,
			st->cmd[c].parse_errors);

	metrics_family(w, "libreswan_last_poll_timestamp_seconds", METRIC_TYPE_GAUGE,
		       "End of the last completed poll cycle (Unix time).");
	metrics_sample_double(w, NULL, 0, st->last_poll_timestamp);

	metrics_family(w, "libreswan_poll_cycles_total", METRIC_TYPE_COUNTER,
		       "Poll cycles completed since the exporter started.");
	metrics_sample_u64(w, NULL, 0, st->cycles);

	metrics_family(w, "libreswan_exporter_tracked_sas", METRIC_TYPE_GAUGE,
		       "Child SAs whose byte counters the exporter tracks across poll cycles.");
	metrics_sample_u64(w, NULL, 0, model_n_sas(cy->model));
}

const struct source_ops source_exporter = {
	.name = "exporter",
	.render = exporter_render,
};
