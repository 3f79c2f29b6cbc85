/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon/command.h"
#include "daemon/inputs.h"
#include "daemon/poller.h"
#include "daemon/privilege.h"
#include "daemon/spawn.h"
#include "daemon/stream.h"
#include "http/page.h"
#include "lib/config.h"
#include "lib/log.h"
#include "lib/offloop.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "model/model.h"
#include "parse/parse_status.h"
#include "parse/parser.h"
#include "render/family.h"
#include "render/render.h"
#include "sources/sources.h"

/* The first page's size guess: what every page has, and what each connection adds (about 800
 * bytes). */
#define PAGE_BASE 65536
#define PAGE_PER_CONN 900

/* A source's stream: its long-lived helper. */
struct follower {
	struct poller *owner;
	size_t k;			/* its number in the source set */
	struct stream *stream;
};

struct job {
	struct poller *owner;
	size_t cmd;			/* its index in the source set and in struct poll_stats */
	struct spawn *spawn;
	enum poll_reason reason;	/* POLL_REASON_NONE for success */
	enum poll_reason last_reason;	/* the previous cycle's, for logging changes only */
	/* how its last failed run ended, the child's first line included */
	char why[256];
};

/*
 * The cycle's end: the model and the sources take what the commands printed, and the page is
 * rendered, with its summary. At 10k connections this is 5-10 ms, at 100k ten times that: too long
 * for the loop, which serves scrapes and feeds the watchdog meanwhile, so it runs on a worker
 * thread, which owns all of this from its start until the loop joins it (the loop leaves it alone
 * meanwhile: no cycle starts while one is finishing). Between cycles, the loop feeds the sources'
 * parsers through it.
 */
struct cycle_work {
	struct model *model;
	struct source_set *sources;
	/* what the last page's rendering lends the next; NULL for --once */
	struct render_cache *cache;
	struct cycle cycle;		/* what the sources see */
	bool usable[SOURCES_MAX_COMMANDS];
	struct render_buffer buffer;
	/* why the command that decides libreswan_up failed, for the summary */
	enum poll_reason up_reason;
	/* what it hands back, and how it tells the loop */
	char *text;
	size_t text_len;
	char summary[256];
	struct offloop_waker *done;
};

struct poller {
	sd_event *event;
	const struct exporter_config *cfg;
	poller_cycle_fn cycle_fn;
	void *userdata;
	/* the cycle, on the loop */
	sd_event_source *timer;
	sd_event_source *finish_src;
	uint64_t cycle_start;
	struct job jobs[SOURCES_MAX_COMMANDS];
	unsigned running;		/* jobs (and the worker) not done yet */
	bool running_now[SOURCES_MAX_COMMANDS];	/* the commands that run this cycle */
	struct poll_stats stats;
	char **envp;
	struct inputs *inputs;		/* --input.*: read in place of the commands, or NULL */
	struct follower followers[SOURCES_MAX_STREAMS];	/* the sources' long-lived helpers */
	/* its end, on the worker */
	struct cycle_work work;
	pthread_t worker;
	bool worker_running;		/* started and not yet joined */
	/* the published page */
	struct page *page;
	char summary[256];
	size_t last_page_len;		/* sizes the next render */
	/* "pluto is not running" was logged, "answers again" not yet */
	bool said_not_running;
	/* this cycle is one a source asked for at once (struct cycle.again) */
	bool again_ran;
	/* the last replaced page's buffer, for the next render to write into */
	char *spare_text;
	size_t spare_size;
	poller_extra_fn extra_fn;
	void *extra_userdata;
};

static int schedule_next(struct poller *p);
static void publish_cycle(struct poller *p);
static void start_cycle(struct poller *p);

/* The command whose success is libreswan_up this cycle: the first of those that may decide it that
 * ran; st->n_commands when none ran. */
static size_t up_command(const struct poll_stats *st, const bool *ran)
{
	size_t i = 0;

	while (i < st->n_commands && !(st->commands[i]->decides_up && ran[i]))
		i++;
	return i;
}

/*
 * whack says pluto is not running both when nothing listens on the socket and when there is no
 * socket. An --ipsec.ctlsocket that does not exist is more likely mistyped (or pluto runs with
 * another --rundir) than pluto stopped: say which. One stat(), on a change.
 */
static void log_not_running(const struct poller *p, const struct job *j)
{
	const char *sock = p->cfg->ctlsocket;
	struct stat st;

	if (sock && stat(sock, &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
		log_warn("--ipsec.ctlsocket %s does not exist (a mistyped path, or pluto puts its "
			 "socket elsewhere), serving libreswan_up 0, ignoring",
			 sock);
	else if (j->why[0])
		log_warn("pluto is not running (%s), serving libreswan_up 0, ignoring", j->why);
	else
		log_warn("pluto is not running, serving libreswan_up 0, ignoring");
}

static void log_change(struct poller *p, struct job *j)
{
	const struct source_command *c = p->stats.commands[j->cmd];
	enum poll_reason before = j->last_reason;

	if (j->reason == before)
		return;
	j->last_reason = j->reason;
	if (source_set_log_change(p->work.sources, j->cmd, j->reason, j->why))
		return;
	/* pluto going away and coming back is said once, whichever of the commands that decide
	 * libreswan_up saw it (they take turns from one cycle to the next) */
	if (j->reason == POLL_REASON_NONE && before == POLL_REASON_NOT_RUNNING) {
		if (c->decides_up && p->said_not_running)
			log_info("pluto answers again");
		else
			log_debug("%s: pluto answers again", c->name);
		if (c->decides_up)
			p->said_not_running = false;
	} else if (j->reason == POLL_REASON_NONE)
		log_info("%s: whack answers again", c->name);
	else if (j->reason == POLL_REASON_NOT_RUNNING && c->decides_up && !p->said_not_running) {
		log_not_running(p, j);
		p->said_not_running = true;
	} else if (j->reason == POLL_REASON_NOT_RUNNING)
		log_debug("%s: pluto is not running", c->name);	/* said once */
	else
		log_warn("%s: whack failed (%s%s%s), ignoring", c->name,
			 poll_reason_to_string(j->reason), j->why[0] ? ": " : "", j->why);
}

static void write_families(void *userdata, struct metrics_writer *w)
{
	struct cycle_work *wk = userdata;

	source_set_render(wk->sources, w, &wk->cycle);
}

/* The summary for STATUS=: the connections and how many are up, or why pluto was not reached. */
static void summarize(struct cycle_work *wk, bool inputs)
{
	const struct poll_stats *st = wk->cycle.stats;
	const struct status_summary *status = wk->cycle.status;

	if (!st->up && wk->up_reason != POLL_REASON_NONE) {
		(void)snprintf(wk->summary, sizeof(wk->summary), "pluto unreachable: %s",
			       poll_reason_to_string(wk->up_reason));
	} else if (status) {
		size_t up = 0, n = 0, n_conns;
		struct model_conn *const *conns = model_sorted_conns(wk->model, &n_conns);

		for (size_t i = 0; i < n_conns; i++) {
			if (!conns[i]->loaded)
				continue;
			n++;
			up += model_conn_is_up(conns[i]);
		}
		(void)snprintf(wk->summary, sizeof(wk->summary), "%zu connections, %zu up%s%s", n,
			       up, status->version ? ", pluto " : "",
			       status->version ? status->version : "");
	} else {
		(void)snprintf(wk->summary, sizeof(wk->summary), "polled %s",
			       inputs ? "input files" : "pluto");
	}
}

/* The cycle's heavy half (see struct cycle_work); the poll statistics and the configuration it only
 * reads. */
static void finish_work(struct cycle_work *wk)
{

	model_begin_cycle(wk->model);
	source_set_update(wk->sources, &wk->cycle, wk->usable);
	model_end_cycle(wk->model);
	if (!wk->buffer.reserve)	/* no last page to size it: from the connections */
		wk->buffer.reserve = PAGE_BASE + model_n_conns(wk->model) * PAGE_PER_CONN;
	wk->text = render_page(&wk->buffer, METRICS_FORMAT_TEXT, write_families, wk, &wk->text_len);
	summarize(wk, config_uses_inputs(wk->cycle.cfg));
}

static void *worker_main(void *userdata)
{
	struct cycle_work *wk = userdata;

	finish_work(wk);
	offloop_wake(wk->done);
	return NULL;
}

static void join_worker(struct poller *p)
{
	if (!p->worker_running)
		return;
	(void)pthread_join(p->worker, NULL);
	p->worker_running = false;
}

static void on_worker_done(void *userdata)
{
	struct poller *p = userdata;

	if (!p->worker_running)
		return;
	join_worker(p);
	p->running = 0;
	publish_cycle(p);
}

/* Start the worker for this cycle's end; < 0 when it cannot be (the loop then does the work). */
static int start_worker(struct poller *p)
{
	int r;

	if (!p->work.done) {
		r = offloop_waker_new(p->event, on_worker_done, p, &p->work.done);
		if (r < 0)
			return r;
	}
	r = offloop_thread_start(&p->worker, 0, worker_main, &p->work);
	if (r < 0) {
		log_warn_errno(r, "Failed to start the render thread, rendering on the loop: %m");
		return r;
	}
	p->worker_running = true;
	p->running = 1;	/* the cycle is not over: the timer skips, nothing else starts */
	return 0;
}

/* Every command is done: judge what they printed, then hand the cycle's end to the worker. */
static void finish_cycle(struct poller *p)
{
	const struct exporter_config *cfg = p->cfg;
	struct poll_stats *st = &p->stats;
	struct cycle_work *wk = &p->work;
	uint64_t now = now_realtime_usec();
	size_t up_cmd = up_command(st, p->running_now);
	bool whack_ok = true;

	for (size_t i = 0; i < st->n_commands; i++) {
		struct command_stats *cs = &st->cmd[i];
		uint64_t parse_errors = 0;

		if (!p->running_now[i]) {
			/* not run this cycle: its figures are its last run's */
			wk->usable[i] = false;
			continue;
		}
		parser_finish(source_set_parser(wk->sources, i));
		if (cs->success) {
			/* what a command that exited 0 printed; a killed one's cut output is not
			 * parse errors */
			bool trusted = source_set_judge(wk->sources, i, &parse_errors);

			cs->parse_errors += parse_errors;
			if (!trusted) {
				cs->success = false;
				cs->errors[POLL_REASON_EXIT_STATUS]++;
				p->jobs[i].reason = POLL_REASON_EXIT_STATUS;
			}
		}
		/* logged once the output is judged, so that an untrusted one never reads as a
		 * recovery */
		log_change(p, &p->jobs[i]);
		wk->usable[i] = cs->success;
		if (st->commands[i]->run == SOURCE_RUN_WHACK)
			whack_ok = whack_ok && cs->success;
	}
	if (up_cmd < st->n_commands)
		st->up = st->cmd[up_cmd].success;
	else	/* --input.* without a status file: up when what was given could be read */
		st->up = config_uses_inputs(cfg) && whack_ok;
	st->cycles++;
	st->last_poll_timestamp = (double)now / 1e6;

	source_set_collect(wk->sources);
	wk->cycle = (struct cycle){
		.model = wk->model,
		.cfg = cfg,
		.stats = st,
		.now = now / 1000000,
		.cache = wk->cache,
	};
	/*
	 * The published page stays whole while the next one renders (scrapes are served from it
	 * meanwhile): the render writes into the buffer of the page replaced last time, when nobody
	 * held that one any more (no page faults for a buffer the size of the page).
	 */
	wk->buffer.reserve = p->last_page_len + p->last_page_len / 8;
	wk->buffer.reuse = p->spare_text;
	wk->buffer.reuse_size = p->spare_size;
	p->spare_text = NULL;
	p->spare_size = 0;
	wk->text = NULL;
	wk->up_reason = up_cmd < st->n_commands ? p->jobs[up_cmd].reason : POLL_REASON_NONE;
	if (!cfg->once && start_worker(p) == 0)
		return;	/* on_worker_done() publishes */
	finish_work(wk);
	publish_cycle(p);
}

static void publish_cycle(struct poller *p)
{
	char *text = p->work.text;
	size_t text_len = p->work.text_len;

	p->work.text = NULL;
	if (p->work.cycle.again && !p->again_ran && !p->cfg->once) {
		/* a source must read more for its page to be exact: the next cycle now, once; this
		 * page's buffer is the next render's */
		log_debug("poll cycle %" PRIu64 " not published: a source reads again at once",
			  p->stats.cycles);
		free(p->spare_text);
		p->spare_text = text;
		p->spare_size = malloc_usable_size(text);
		p->again_ran = true;
		start_cycle(p);
		return;
	}
	p->again_ran = false;
	p->last_page_len = text_len;
	if (p->extra_fn) {
		/* the page's buffer is sized with room to spare: appending rarely moves it */
		struct strbuf sb = { .buf = text,
				     .len = text_len,
				     .alloc = malloc_usable_size(text) };

		p->extra_fn(p->extra_userdata, &sb);
		text = strbuf_detach(&sb, &text_len);
	}
	/* a page no scrape holds lends its buffer to the next render */
	free(p->spare_text);
	p->spare_text = page_take_text(p->page, &p->spare_size);
	page_unref(p->page);
	/* only the text: other formats and gzip are made when a scrape first asks for them */
	p->page = page_new(text, text_len);
	memcpy(p->summary, p->work.summary, sizeof(p->summary));
	log_debug("poll cycle %" PRIu64 " done: %s", p->stats.cycles, p->summary);
	if (p->cycle_fn)
		p->cycle_fn(p->userdata, p);
	if (!p->cfg->once)
		(void)schedule_next(p);
}

static int on_finish(sd_event_source *s, void *userdata)
{
	struct poller *p = userdata;

	p->finish_src = sd_event_source_disable_unref(p->finish_src);
	finish_cycle(p);
	return 0;
}

static void job_done(struct poller *p, struct job *j, enum poll_reason reason,
		     uint64_t duration_usec)
{
	struct command_stats *cs = &p->stats.cmd[j->cmd];

	j->reason = reason;
	cs->success = reason == POLL_REASON_NONE;
	cs->duration = (double)duration_usec / 1e6;
	if (reason != POLL_REASON_NONE)
		cs->errors[reason]++;
	if (--p->running == 0) {
		/* Finish from the loop, not from inside a child's callback. */
		if (sd_event_add_defer(p->event, &p->finish_src, on_finish, p) < 0)
			finish_cycle(p);
	}
}

static void on_data(void *userdata, char *data, size_t len)
{
	struct job *j = userdata;

	parser_feed_inplace(source_set_parser(j->owner->work.sources, j->cmd), data, len);
}

/* How a failed run ended, in j->why for the warning ("/usr/sbin/ipsec could not be started: No
 * such file or directory", "exit status 33: whack: Pluto is not running ..."), and at debug level
 * all of its standard error when there is more than the first line. */
static void describe_failure(struct poller *p, struct job *j, const struct spawn_result *r)
{
	const struct source_command *c = p->stats.commands[j->cmd];
	const char *prog = c->run == SOURCE_RUN_HELPER
				   ? source_set_helper_path(p->work.sources, j->cmd)
				   : p->cfg->ipsec_command;
	const char *e = r->err_text ? r->err_text : "";
	size_t first = strcspn(e, "\n");
	bool more = e[first] && e[first + 1 + strspn(e + first + 1, " \t\r\n")];
	char how[200];

	(void)spawn_result_describe(r, how, sizeof(how));
	(void)snprintf(j->why, sizeof(j->why), "%s%s%s", r->spawn_error ? prog : "",
		       r->spawn_error ? " " : "", how);
	log_debug("%s: %s%s%s", c->name, j->why, more ? "; its standard error: " : "",
		  more ? e : "");
}

static void on_done(void *userdata, const struct spawn_result *r)
{
	struct job *j = userdata;
	struct poller *p = j->owner;
	const struct source_command *c = p->stats.commands[j->cmd];
	enum poll_reason reason =
		c->run == SOURCE_RUN_HELPER ? poll_classify_kernel(r) : poll_classify(r);

	if (reason != POLL_REASON_NONE)
		describe_failure(p, j, r);
	job_done(p, j, reason, r->duration_usec);
}

static void on_input_data(void *userdata, size_t cmd, char *data, size_t len)
{
	struct poller *p = userdata;

	parser_feed_inplace(source_set_parser(p->work.sources, cmd), data, len);
}

static void on_input_done(void *userdata, size_t cmd, enum poll_reason reason,
			  uint64_t duration_usec)
{
	struct poller *p = userdata;

	job_done(p, &p->jobs[cmd], reason, duration_usec);
}

static enum privilege_child child_privilege(enum source_privilege p)
{
	switch (p) {
	case SOURCE_PRIVILEGE_NONE:
		return PRIVILEGE_CHILD_NONE;
	case SOURCE_PRIVILEGE_KERNEL:
		return PRIVILEGE_CHILD_KERNEL;
	case SOURCE_PRIVILEGE_LOG:
		return PRIVILEGE_CHILD_LOG;
	}
	return PRIVILEGE_CHILD_NONE;
}

/* Start command i as a child; its end comes to on_done(). */
static void start_command(struct poller *p, struct job *j)
{
	const struct exporter_config *cfg = p->cfg;
	const struct source_command *c = p->stats.commands[j->cmd];
	char *argv[8];
	size_t n = 0;
	int r;

	j->why[0] = '\0';
	if (c->run == SOURCE_RUN_HELPER) {
		argv[n++] = (char *)source_set_helper_path(p->work.sources, j->cmd);
		privilege_ambient(child_privilege(c->privilege));
	} else {
		argv[n++] = (char *)cfg->ipsec_command;
		argv[n++] = (char *)"whack";
		if (cfg->ctlsocket) {
			argv[n++] = (char *)"--ctlsocket";
			argv[n++] = (char *)cfg->ctlsocket;
		}
		for (size_t a = 0; a < ELEMENTSOF(c->whack_args) && c->whack_args[a]; a++)
			argv[n++] = (char *)c->whack_args[a];
		privilege_ambient(PRIVILEGE_CHILD_WHACK);
	}
	argv[n] = NULL;
	p->stats.cmd[j->cmd].attempted = p->running_now[j->cmd] = true;
	p->running++;
	r = spawn_start(p->event, argv, p->envp, cfg->poll_timeout_usec, cfg->max_output, on_data,
			on_done, j, &j->spawn);
	privilege_ambient(PRIVILEGE_CHILD_NONE);
	if (r < 0) {
		log_error_errno(r, "Failed to start %s: %m", argv[0]);
		(void)snprintf(j->why, sizeof(j->why), "%s could not be started: %s", argv[0],
			       strerror(-r));
		job_done(p, j, POLL_REASON_SPAWN_FAILED, 0);
	}
}

static void on_stream_data(void *userdata, char *data, size_t len)
{
	struct follower *f = userdata;

	source_set_stream_data(f->owner->work.sources, f->k, data, len);
}

static void on_stream_ended(void *userdata, const struct spawn_result *r, uint64_t retry_usec)
{
	struct follower *f = userdata;
	char why[160];

	(void)spawn_result_describe(r, why, sizeof(why));
	source_set_stream_ended(f->owner->work.sources, f->k, r->exited ? r->exit_status : -1, why,
				retry_usec);
}

/* The sources' long-lived helpers, started once (not for --once or --input.*: nothing follows). */
static void start_streams(struct poller *p)
{
	size_t n = source_set_n_streams(p->work.sources);

	if (p->cfg->once || p->inputs)
		return;
	for (size_t k = 0; k < n && k < SOURCES_MAX_STREAMS; k++) {
		enum source_privilege priv = SOURCE_PRIVILEGE_NONE;
		char *const *argv = source_set_stream_argv(p->work.sources, k, &priv);
		struct follower *f = &p->followers[k];
		int r;

		if (!argv)
			continue;
		f->owner = p;
		f->k = k;
		r = stream_new(p->event, argv, p->envp, child_privilege(priv), on_stream_data,
			       on_stream_ended, f, &f->stream);
		if (r < 0)
			log_error_errno(r, "Failed to start %s: %m", argv[0]);
	}
}

static void start_cycle(struct poller *p)
{
	const struct exporter_config *cfg = p->cfg;
	const char *paths[SOURCES_MAX_COMMANDS] = { NULL };
	size_t n = p->stats.n_commands;

	p->cycle_start = now_monotonic_usec();
	source_set_begin(p->work.sources);
	p->running = 1;	/* held until every job is started */
	for (size_t i = 0; i < n; i++) {
		struct job *j = &p->jobs[i];

		j->spawn = spawn_free(j->spawn);
		p->running_now[i] = false;
		if (p->inputs) {
			/* read by the input reader, a slice per loop turn */
			paths[i] = config_input(cfg, p->stats.commands[i]->name);
			if (paths[i]) {
				p->stats.cmd[i].attempted = p->running_now[i] = true;
				p->running++;
			}
		} else if (source_set_enabled(p->work.sources, i)) {
			start_command(p, j);
		}
	}
	if (p->inputs && inputs_start(p->inputs, paths, n) < 0) {
		log_error("Failed to schedule reading the --input.* files");
		for (size_t i = 0; i < n; i++)
			if (paths[i])
				job_done(p, &p->jobs[i], POLL_REASON_SPAWN_FAILED, 0);
	}
	/* Drop the hold; finishes at once when nothing was started. */
	if (--p->running == 0 && !p->finish_src)
		if (sd_event_add_defer(p->event, &p->finish_src, on_finish, p) < 0)
			finish_cycle(p);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct poller *p = userdata;

	if (p->running > 0) {
		log_warn("poll cycle still running at the next interval, skipping one");
		return schedule_next(p);
	}
	start_cycle(p);
	return 0;
}

static int schedule_next(struct poller *p)
{
	uint64_t next = p->cycle_start + p->cfg->poll_interval_usec;
	uint64_t now = now_monotonic_usec();

	if (next < now)
		next = now;
	if (!p->timer) {
		int r = sd_event_add_time(p->event, &p->timer, CLOCK_MONOTONIC, next, 1000,
					  on_timer, p);

		if (r >= 0)
			(void)sd_event_source_set_priority(p->timer, SD_EVENT_PRIORITY_IMPORTANT);
		return r;
	}
	(void)sd_event_source_set_time(p->timer, next);
	return sd_event_source_set_enabled(p->timer, SD_EVENT_ONESHOT);
}

int poller_new(sd_event *e, const struct exporter_config *cfg, poller_cycle_fn fn, void *userdata,
	       struct poller **ret)
{
	struct poller *p = xcalloc(1, sizeof(*p));
	struct model_options mo = {
		.per_instance = cfg->per_instance,
		.per_user = cfg->per_user,
		.max_users = cfg->max_users,
	};

	p->event = sd_event_ref(e);
	p->cfg = cfg;
	p->cycle_fn = fn;
	p->userdata = userdata;
	p->work.model = model_new(&mo);
	p->work.sources = source_set_new(cfg, p->work.model, &p->stats);
	if (!cfg->once)	/* one page only: nothing to reuse */
		p->work.cache = render_cache_new();
	if (config_uses_inputs(cfg))
		p->inputs =
			inputs_new(e, cfg->once, cfg->max_output, on_input_data, on_input_done, p);
	p->envp = command_env_new();
	for (size_t i = 0; i < SOURCES_MAX_COMMANDS; i++) {
		p->jobs[i].owner = p;
		p->jobs[i].cmd = i;
		p->jobs[i].reason = p->jobs[i].last_reason = POLL_REASON_NONE;
	}
	(void)snprintf(p->summary, sizeof(p->summary), "starting");
	start_streams(p);
	start_cycle(p);
	*ret = p;
	return 0;
}

void poller_set_page_extra(struct poller *p, poller_extra_fn fn, void *userdata)
{
	p->extra_fn = fn;
	p->extra_userdata = userdata;
}

void poller_set_page_sink(struct poller *p, metrics_flush_fn fn, void *userdata)
{
	p->work.buffer.sink = fn;
	p->work.buffer.sink_userdata = userdata;
	/* the cache keeps offsets into whole pages */
	p->work.cache = render_cache_free(p->work.cache);
}

struct poller *poller_free(struct poller *p)
{
	if (!p)
		return NULL;
	join_worker(p);	/* a cycle's rendering in progress: at most a few hundred ms at 100k */
	p->work.done = offloop_waker_free(p->work.done);
	free(p->spare_text);
	free(p->work.text);
	p->inputs = inputs_free(p->inputs);
	for (size_t k = 0; k < SOURCES_MAX_STREAMS; k++)
		p->followers[k].stream = stream_free(p->followers[k].stream);
	for (size_t i = 0; i < SOURCES_MAX_COMMANDS; i++)
		p->jobs[i].spawn = spawn_free(p->jobs[i].spawn);
	p->timer = sd_event_source_disable_unref(p->timer);
	p->finish_src = sd_event_source_disable_unref(p->finish_src);
	p->work.sources = source_set_free(p->work.sources);
	p->work.model = model_free(p->work.model);
	p->work.cache = render_cache_free(p->work.cache);
	page_unref(p->page);
	p->envp = command_env_free(p->envp);
	sd_event_unref(p->event);
	free(p);
	return NULL;
}

struct page *poller_get_page(const struct poller *p)
{
	return p->page ? page_ref(p->page) : NULL;
}

bool poller_is_ready(const struct poller *p)
{
	return p->page != NULL;
}

const struct poll_stats *poller_get_stats(const struct poller *p)
{
	return &p->stats;
}

const char *poller_get_summary(const struct poller *p)
{
	return p->summary;
}
