/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>

#include "daemon/config.h"
#include "lib/log.h"
#include "model/model.h"
#include "http/page.h"
#include "parse/parse_global.h"
#include "parse/parse_kernel.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "daemon/poller.h"
#include "daemon/privilege.h"
#include "daemon/spawn.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "xfrm/protocol.h"


struct job {
	struct poller *owner;
	enum poll_command cmd;
	struct spawn *spawn;
	enum poll_reason reason;	/* POLL_REASON_NONE for success */
	enum poll_reason last_reason;	/* previous cycle's, for logging changes only */
};

struct poller {
	sd_event *event;
	const struct exporter_config *cfg;
	poller_cycle_fn cycle_fn;
	void *userdata;
	sd_event_source *timer;
	sd_event_source *finish_src;
	uint64_t cycle_start;
	struct job jobs[_POLL_COMMAND_MAX];
	unsigned running;
	struct status_summary *status;
	struct traffic_list *traffic;
	struct global_list *global;
	struct kernel_snapshot *kernel;
	struct model *model;
	struct poll_stats stats;
	struct page *page;
	struct render_cache *render_cache;	/* what the last page's rendering can lend the next */
	poller_extra_fn extra_fn;
	void *extra_userdata;
	metrics_flush_fn sink_fn;	/* the page in pieces as it renders (--once), or NULL */
	void *sink_userdata;
	char **envp;
	char summary[256];
	size_t last_page_len;	/* sizes the next render */
	char *spare_text;	/* the last replaced page's buffer, for the next render to write into */
	size_t spare_size;
	/* The cycle's model update and rendering, off the loop (see finish_cycle()). */
	struct finish_work {
		struct render_input in;
		char *text;	/* the rendered page, for the loop to publish */
		size_t text_len;
		char summary[256];
	} work;
	/* --input.* files, read a slice per loop turn, one after the other */
	sd_event_source *input_src;
	char *input_buf;	/* INPUT_READ_BYTES, for the --input.* files */
	int input_fd;
	enum poll_command input_cmd;	/* the one being read; _POLL_COMMAND_MAX when none */
	uint64_t input_total, input_start;
	pthread_t worker;
	bool worker_running;	/* a worker was started and not yet joined */
	int worker_efd;		/* written by the worker when it is done */
	sd_event_source *worker_src;
};

static const char *const whack_flag[POLL_COMMAND_WHACK_END] = { "--status", "--trafficstatus", "--globalstatus" };

/* What every child's end tells alike; POLL_REASON_EXIT_STATUS for any other failure. */
static enum poll_reason classify_common(const struct spawn_result *r)
{
	if (r->spawn_error)
		return POLL_REASON_SPAWN_FAILED;
	if (r->too_large)
		return POLL_REASON_OUTPUT_TOO_LARGE;
	if (r->timed_out)
		return POLL_REASON_TIMEOUT;
	if (r->exited && r->exit_status == 0)
		return POLL_REASON_NONE;
	return POLL_REASON_EXIT_STATUS;
}

enum poll_reason poll_classify(const struct spawn_result *r)
{
	const char *e = r->err_text ? r->err_text : "";
	enum poll_reason reason = classify_common(r);

	if (reason != POLL_REASON_EXIT_STATUS)
		return reason;
	/*
	 * whack's own words (3.x/4.x: `whack: Pluto is not running (no "/run/pluto/pluto.ctl")`,
	 * 5.x: `ipsec whack: ERROR: Pluto is not running (...)`). A socket left behind by a
	 * killed pluto refuses connections: nothing is running there either.
	 */
	if (strstr(e, "not running") || strstr(e, "No such file") || strstr(e, "Connection refused"))
		return POLL_REASON_NOT_RUNNING;
	/* 4.x checks access(2) first: "whack: no right to communicate with pluto (access(...))" */
	if (strstr(e, "Permission denied") || strstr(e, "Operation not permitted") || strstr(e, "no right to"))
		return POLL_REASON_PERMISSION;
	if (strstr(e, "connect"))
		return POLL_REASON_CONNECT_FAILED;
	return POLL_REASON_EXIT_STATUS;
}

enum poll_reason poll_classify_kernel(const struct spawn_result *r)
{
	enum poll_reason reason = classify_common(r);

	if (reason == POLL_REASON_EXIT_STATUS && r->exited && r->exit_status == XFRM_HELPER_EXIT_NOT_PERMITTED)
		return POLL_REASON_PERMISSION;
	return reason;
}

/* The children's environment: ours without systemd's per-process variables, C locale. */
static char **child_env(void)
{
	static const char *const drop[] = { "NOTIFY_SOCKET=", "WATCHDOG_", "LISTEN_", "JOURNAL_STREAM=",
					    "LC_ALL=", "LANG=" };
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		bool skip = false;

		for (size_t d = 0; d < ELEMENTSOF(drop); d++)
			if (startswith(environ[i], drop[d]))
				skip = true;
		if (!skip)
			env[k++] = xstrdup(environ[i]);
	}
	env[k++] = xstrdup("LC_ALL=C");
	env[k] = NULL;
	return env;
}

/*
 * The parse results live as long as the poller and are emptied at the start
 * of each cycle: their arrays and arena blocks are reused, so a steady
 * gateway's cycle allocates (and faults in) nothing new for them.
 */
static void reset_results(struct poller *p)
{
	status_summary_reset(p->status);
	traffic_list_reset(p->traffic);
	global_list_reset(p->global);
	kernel_snapshot_reset(p->kernel);
}

/* A chunk of a command's output, in a buffer of ours: parsed in place. */
static void feed(struct poller *p, enum poll_command cmd, char *data, size_t len)
{
	switch (cmd) {
	case POLL_COMMAND_STATUS:
		parser_feed_inplace(&p->status->parser, data, len);
		break;
	case POLL_COMMAND_TRAFFICSTATUS:
		parser_feed_inplace(&p->traffic->parser, data, len);
		break;
	case POLL_COMMAND_GLOBALSTATUS:
		parser_feed_inplace(&p->global->parser, data, len);
		break;
	case POLL_COMMAND_KERNEL:
		parser_feed_inplace(&p->kernel->parser, data, len);
		break;
	case _POLL_COMMAND_MAX:
		break;
	}
}

static void log_transition(struct job *j)
{
	const char *cmd = poll_command_to_string(j->cmd);

	if (j->reason == j->last_reason)
		return;
	if (j->cmd == POLL_COMMAND_KERNEL) {
		if (j->reason == POLL_REASON_NONE)
			log_info("kernel collector: reading the kernel's IPsec state again");
		else if (j->reason == POLL_REASON_PERMISSION)
			log_warn("kernel collector: not permitted to read XFRM (the helper needs CAP_NET_ADMIN), "
				 "serving libreswan_kernel_up 0, ignoring");
		else
			log_warn("kernel collector: the helper failed (%s), serving libreswan_kernel_up 0, ignoring",
				 poll_reason_to_string(j->reason));
		j->last_reason = j->reason;
		return;
	}
	if (j->reason == POLL_REASON_NONE && j->last_reason == POLL_REASON_NOT_RUNNING) {
		if (j->cmd == POLL_COMMAND_STATUS)
			log_info("pluto answers again");
		else
			log_debug("%s: pluto answers again", cmd);
	} else if (j->reason == POLL_REASON_NONE)
		log_info("%s: whack answers again", cmd);
	else if (j->reason == POLL_REASON_NOT_RUNNING && j->cmd == POLL_COMMAND_STATUS)
		log_warn("pluto is not running, serving libreswan_up 0, ignoring");
	else if (j->reason == POLL_REASON_NOT_RUNNING)
		log_debug("%s: pluto is not running", cmd);	/* said once, for status */
	else
		log_warn("%s: whack failed (%s), ignoring", cmd, poll_reason_to_string(j->reason));
	j->last_reason = j->reason;
}

static int schedule_next(struct poller *p);
static void publish_cycle(struct poller *p);

/*
 * The cycle's heavy half: the model update, the page's rendering and the summary. At 10k
 * connections this is 5-10 ms, at 100k ten times that: too long for the loop, which serves
 * scrapes and feeds the watchdog meanwhile. It runs in a worker thread that owns, until it is
 * joined, what it touches: the model, the parse results, the render cache and the text buffer
 * (the loop leaves them alone while p->worker_running); the poll statistics it only reads. The
 * loop publishes the page when the worker is done (publish_cycle()).
 */
static void finish_work(struct poller *p)
{
	struct finish_work *w = &p->work;
	const struct poll_stats *st = w->in.stats;
	const struct status_summary *status = w->in.status;

	model_update(p->model, status, w->in.traffic, w->in.kernel);
	w->text = render_page(&w->in, METRICS_FORMAT_TEXT, &w->text_len);

	if (!st->up && st->attempted[POLL_COMMAND_STATUS]) {
		enum poll_reason reason = p->jobs[POLL_COMMAND_STATUS].reason;

		(void)snprintf(w->summary, sizeof(w->summary), "pluto unreachable: %s",
			       reason != POLL_REASON_NONE ? poll_reason_to_string(reason) : "unknown");
	} else if (status) {
		size_t up = 0, n = 0, n_conns;
		struct model_conn *const *conns = model_sorted_conns(p->model, &n_conns);

		for (size_t i = 0; i < n_conns; i++) {
			if (!conns[i]->loaded)
				continue;
			n++;
			up += model_conn_is_up(conns[i]);
		}
		(void)snprintf(w->summary, sizeof(w->summary), "%zu connections, %zu up%s%s", n, up,
			       status->version ? ", pluto " : "", status->version ? status->version : "");
	} else {
		(void)snprintf(w->summary, sizeof(w->summary), "polled %s",
			       config_uses_inputs(p->cfg) ? "input files" : "pluto");
	}
}

static void *worker_main(void *userdata)
{
	struct poller *p = userdata;

	finish_work(p);
	(void)eventfd_write(p->worker_efd, 1);
	return NULL;
}

static void join_worker(struct poller *p)
{
	eventfd_t v;

	if (!p->worker_running)
		return;
	(void)pthread_join(p->worker, NULL);
	p->worker_running = false;
	(void)eventfd_read(p->worker_efd, &v);
}

static int on_worker_done(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct poller *p = userdata;

	if (!p->worker_running)
		return 0;
	join_worker(p);
	p->running = 0;
	publish_cycle(p);
	return 0;
}

/* Start the worker for this cycle's finish; < 0 when it cannot be (the loop then does the work). */
static int start_worker(struct poller *p)
{
	sigset_t all, old;
	int r;

	if (p->worker_efd < 0) {
		p->worker_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->worker_efd < 0)
			return -errno;
		r = sd_event_add_io(p->event, &p->worker_src, p->worker_efd, EPOLLIN, on_worker_done, p);
		if (r < 0) {
			(void)close(p->worker_efd);
			p->worker_efd = -1;
			return r;
		}
	}
	/* the worker takes no signal: they stay with the loop's signalfd */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&p->worker, NULL, worker_main, p);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		log_warn_errno(r, "Failed to start the render thread, rendering on the loop: %m");
		return r;
	}
	p->worker_running = true;
	p->running = 1;	/* the cycle is not over: the timer skips, nothing else starts */
	return 0;
}

static void finish_cycle(struct poller *p)
{
	const struct exporter_config *cfg = p->cfg;
	struct poll_stats *st = &p->stats;
	bool inputs = config_uses_inputs(cfg);
	const struct status_summary *status;
	const struct traffic_list *traffic;
	const struct global_list *global;
	const struct kernel_snapshot *kernel;
	uint64_t now = now_realtime_usec();

	parser_finish(&p->status->parser);
	parser_finish(&p->traffic->parser);
	parser_finish(&p->global->parser);
	parser_finish(&p->kernel->parser);
	if (st->attempted[POLL_COMMAND_KERNEL] && st->success[POLL_COMMAND_KERNEL]) {
		/* what a helper that exited 0 printed; a killed one's cut output is not parse errors */
		st->parse_errors[POLL_COMMAND_KERNEL] += p->kernel->parse_errors;
		if (!p->kernel->complete) {
			/* no end line, or a count that does not match: not a snapshot to trust */
			struct job *j = &p->jobs[POLL_COMMAND_KERNEL];

			st->success[POLL_COMMAND_KERNEL] = false;
			st->errors[POLL_COMMAND_KERNEL][POLL_REASON_EXIT_STATUS]++;
			j->reason = POLL_REASON_EXIT_STATUS;
		}
	}
	/* logged once the snapshot is judged, so that an incomplete one never reads as a recovery */
	if (st->attempted[POLL_COMMAND_KERNEL])
		log_transition(&p->jobs[POLL_COMMAND_KERNEL]);
	status = st->attempted[POLL_COMMAND_STATUS] && st->success[POLL_COMMAND_STATUS] ? p->status : NULL;
	traffic = st->attempted[POLL_COMMAND_TRAFFICSTATUS] && st->success[POLL_COMMAND_TRAFFICSTATUS] ? p->traffic
													  : NULL;
	global = st->attempted[POLL_COMMAND_GLOBALSTATUS] && st->success[POLL_COMMAND_GLOBALSTATUS] ? p->global : NULL;
	if (status)
		st->parse_errors[POLL_COMMAND_STATUS] += p->status->parse_errors;
	if (traffic)
		st->parse_errors[POLL_COMMAND_TRAFFICSTATUS] += p->traffic->parse_errors;
	if (global)
		st->parse_errors[POLL_COMMAND_GLOBALSTATUS] += p->global->parse_errors;
	kernel = st->attempted[POLL_COMMAND_KERNEL] && st->success[POLL_COMMAND_KERNEL] ? p->kernel : NULL;

	if (st->attempted[POLL_COMMAND_STATUS])
		st->up = status != NULL;
	else	/* --input.* without a status file: up when what was given could be read */
		st->up = inputs && (!st->attempted[POLL_COMMAND_TRAFFICSTATUS] || traffic) &&
			 (!st->attempted[POLL_COMMAND_GLOBALSTATUS] || global);
	st->cycles++;
	st->last_poll_timestamp = (double)now / 1e6;

	p->work = (struct finish_work){ 0 };
	p->work.in = (struct render_input){
		.model = p->model,
		.status = status,
		.traffic = traffic,
		.global = global,
		.kernel = kernel,
		.stats = st,
		.per_sa = cfg->per_sa,
		.max_sas = cfg->max_sas,
		.now = now / 1000000,
		.size_hint = p->last_page_len,
	};
	/*
	 * The published page stays whole while the next one renders (scrapes are served from it
	 * meanwhile): the render writes into the buffer of the page replaced last time, when nobody
	 * held that one any more (no page faults for a buffer the size of the page).
	 */
	p->work.in.reuse = p->spare_text;
	p->work.in.reuse_size = p->spare_size;
	p->spare_text = NULL;
	p->spare_size = 0;
	p->work.in.cache = p->render_cache;
	p->work.in.sink = p->sink_fn;
	p->work.in.sink_userdata = p->sink_userdata;
	if (!cfg->once && start_worker(p) == 0)
		return;	/* on_worker_done() finishes */
	finish_work(p);
	publish_cycle(p);
}

static void publish_cycle(struct poller *p)
{
	char *text = p->work.text;
	size_t text_len = p->work.text_len;

	p->work.text = NULL;
	p->last_page_len = text_len;
	if (p->extra_fn) {
		/* the page's buffer is sized with room to spare: appending rarely moves it */
		struct strbuf sb = { .buf = text, .len = text_len, .alloc = malloc_usable_size(text) };

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

static void job_done(struct poller *p, struct job *j, enum poll_reason reason, uint64_t duration_usec)
{
	j->reason = reason;
	p->stats.success[j->cmd] = reason == POLL_REASON_NONE;
	p->stats.duration[j->cmd] = (double)duration_usec / 1e6;
	if (reason != POLL_REASON_NONE)
		p->stats.errors[j->cmd][reason]++;
	if (j->cmd != POLL_COMMAND_KERNEL)
		log_transition(j);	/* the kernel's when its output is judged, in finish_cycle() */
	if (--p->running == 0) {
		/* Finish from the loop, not from inside a child's callback. */
		if (sd_event_add_defer(p->event, &p->finish_src, on_finish, p) < 0)
			finish_cycle(p);
	}
}

static void on_data(void *userdata, char *data, size_t len)
{
	struct job *j = userdata;

	feed(j->owner, j->cmd, data, len);
}

static void on_done(void *userdata, const struct spawn_result *r)
{
	struct job *j = userdata;
	struct poller *p = j->owner;
	enum poll_reason reason = j->cmd == POLL_COMMAND_KERNEL ? poll_classify_kernel(r) : poll_classify(r);

	if (reason != POLL_REASON_NONE)
		log_debug("%s: exit=%d signal=%d timeout=%d too_large=%d spawn_error=%d stderr: %s",
			  poll_command_to_string(j->cmd), r->exit_status, r->term_signal, r->timed_out,
			  r->too_large, r->spawn_error, r->err_text);
	job_done(p, j, reason, r->duration_usec);
}

/* What one loop turn reads of an --input.* file at most: a slice of about a millisecond. */
#define INPUT_SLICE_BYTES (1024 * 1024)
#define INPUT_SLICE_USEC 1000

/* One read(): few system calls, and what it brings in still in the cache as it is parsed. */
#define INPUT_READ_BYTES (256 * 1024)

static const char *input_path(const struct poller *p, enum poll_command cmd)
{
	const struct exporter_config *cfg = p->cfg;

	switch (cmd) {
	case POLL_COMMAND_STATUS:
		return cfg->input_status;
	case POLL_COMMAND_TRAFFICSTATUS:
		return cfg->input_trafficstatus;
	case POLL_COMMAND_GLOBALSTATUS:
		return cfg->input_globalstatus;
	case POLL_COMMAND_KERNEL:
		return cfg->input_kernel;
	case _POLL_COMMAND_MAX:
		break;
	}
	return NULL;
}

/*
 * Read a slice of the current --input.* file through the same parser; the cap applies as for
 * a command. POLL_REASON_NONE with *done false: more to read at the next turn.
 */
static enum poll_reason read_input_slice(struct poller *p, bool *done)
{
	enum poll_command cmd = p->input_cmd;
	const char *path = input_path(p, cmd);
	uint64_t start = now_monotonic_usec();
	size_t slice = 0;
	char *buf;

	*done = true;
	if (p->input_fd < 0) {
		p->input_fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
		if (p->input_fd < 0) {
			log_error_errno(errno, "Failed to open --input.%s file %s: %m", poll_command_to_string(cmd),
					path);
			return POLL_REASON_SPAWN_FAILED;
		}
		p->input_total = 0;
	}
	if (!p->input_buf)
		p->input_buf = xmalloc(INPUT_READ_BYTES);
	buf = p->input_buf;
	for (;;) {
		ssize_t n = read(p->input_fd, buf, INPUT_READ_BYTES);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error_errno(errno, "Failed to read %s: %m", path);
			return POLL_REASON_SPAWN_FAILED;
		}
		if (n == 0)
			return POLL_REASON_NONE;
		p->input_total += (uint64_t)n;
		if (p->input_total > p->cfg->max_output) {
			log_error("%s is larger than --poll.max-output", path);
			return POLL_REASON_OUTPUT_TOO_LARGE;
		}
		feed(p, cmd, buf, (size_t)n);
		slice += (size_t)n;
		if (p->cfg->once)
			continue;	/* no client waits on the loop: the whole file at once */
		if (slice >= INPUT_SLICE_BYTES || now_monotonic_usec() - start >= INPUT_SLICE_USEC) {
			*done = false;
			return POLL_REASON_NONE;
		}
	}
}

/* The first command from `from` on that reads a file; _POLL_COMMAND_MAX when none does. */
static enum poll_command next_input(const struct poller *p, size_t from)
{
	for (size_t c = from; c < _POLL_COMMAND_MAX; c++)
		if (input_path(p, c))
			return c;
	return _POLL_COMMAND_MAX;
}

/*
 * One slice per turn, from a timer that is always due (like the page maker's): the loop serves
 * its clients between slices, as it does between the reads of a command's pipe.
 */
static int on_input(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct poller *p = userdata;
	enum poll_command cmd = p->input_cmd;
	enum poll_reason r;
	bool done;

	if (cmd == _POLL_COMMAND_MAX)
		return 0;
	if (!p->input_start)
		p->input_start = now_monotonic_usec();
	r = read_input_slice(p, &done);
	if (!done)
		return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	if (p->input_fd >= 0)
		(void)close(p->input_fd);
	p->input_fd = -1;
	p->input_cmd = next_input(p, (size_t)cmd + 1);
	if (p->input_cmd != _POLL_COMMAND_MAX)
		(void)sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	/* last: the last input's end finishes the cycle */
	job_done(p, &p->jobs[cmd], r, now_monotonic_usec() - p->input_start);
	p->input_start = 0;
	return 0;
}

static int start_inputs(struct poller *p)
{
	int r;

	p->input_cmd = next_input(p, 0);
	p->input_start = 0;
	if (p->input_cmd == _POLL_COMMAND_MAX)
		return 0;
	if (!p->input_src) {
		/* due at once (time 1 is long past), to the microsecond */
		r = sd_event_add_time(p->event, &p->input_src, CLOCK_MONOTONIC, 1, 1, on_input, p);
		if (r < 0)
			return r;
	}
	return sd_event_source_set_enabled(p->input_src, SD_EVENT_ONESHOT);
}

static void start_cycle(struct poller *p)
{
	const struct exporter_config *cfg = p->cfg;
	bool use_inputs = config_uses_inputs(cfg);

	p->cycle_start = now_monotonic_usec();
	reset_results(p);
	p->running = 1;	/* held until every job is started */

	for (size_t c = 0; c < _POLL_COMMAND_MAX; c++) {
		struct job *j = &p->jobs[c];

		j->owner = p;
		j->cmd = c;
		j->spawn = spawn_free(j->spawn);
		p->stats.attempted[c] = false;
		if (use_inputs) {
			/* read by on_input(), a slice per loop turn */
			if (!input_path(p, c))
				continue;
			p->stats.attempted[c] = true;
			p->running++;
			continue;
		}
		{
			char *argv[7];
			size_t n = 0;
			int r;

			if (c == POLL_COMMAND_KERNEL) {
				if (!cfg->collector_kernel)
					continue;
				argv[n++] = (char *)cfg->kernel_helper;
				privilege_ambient(PRIVILEGE_CHILD_KERNEL);
			} else {
				argv[n++] = (char *)cfg->ipsec_command;
				argv[n++] = (char *)"whack";
				if (cfg->ctlsocket) {
					argv[n++] = (char *)"--ctlsocket";
					argv[n++] = (char *)cfg->ctlsocket;
				}
				argv[n++] = (char *)whack_flag[c];
				privilege_ambient(PRIVILEGE_CHILD_WHACK);
			}
			argv[n] = NULL;
			p->stats.attempted[c] = true;
			p->running++;
			r = spawn_start(p->event, argv, p->envp, cfg->poll_timeout_usec, cfg->max_output, on_data,
					on_done, j, &j->spawn);
			privilege_ambient(PRIVILEGE_CHILD_NONE);
			if (r < 0) {
				log_error_errno(r, "Failed to start %s: %m", argv[0]);
				job_done(p, j, POLL_REASON_SPAWN_FAILED, 0);
			}
		}
	}
	if (use_inputs && start_inputs(p) < 0) {
		log_error("Failed to schedule reading the --input.* files");
		for (size_t c = 0; c < _POLL_COMMAND_MAX; c++)
			if (input_path(p, c))
				job_done(p, &p->jobs[c], POLL_REASON_SPAWN_FAILED, 0);
		p->input_cmd = _POLL_COMMAND_MAX;
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
		int r = sd_event_add_time(p->event, &p->timer, CLOCK_MONOTONIC, next, 1000, on_timer, p);

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
		.per_sa = cfg->per_sa,
	};

	p->event = sd_event_ref(e);
	p->cfg = cfg;
	p->cycle_fn = fn;
	p->userdata = userdata;
	p->model = model_new(&mo);
	if (!cfg->once)	/* one page only: nothing to reuse */
		p->render_cache = render_cache_new();
	p->status = status_summary_new();
	p->traffic = traffic_list_new();
	p->global = global_list_new();
	p->kernel = kernel_snapshot_new();
	p->stats.kernel_enabled = config_reads_kernel(cfg);
	p->envp = child_env();
	p->worker_efd = -1;
	p->input_fd = -1;
	p->input_cmd = _POLL_COMMAND_MAX;
	for (size_t c = 0; c < _POLL_COMMAND_MAX; c++)
		p->jobs[c].reason = p->jobs[c].last_reason = POLL_REASON_NONE;
	(void)snprintf(p->summary, sizeof(p->summary), "starting");
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
	p->sink_fn = fn;
	p->sink_userdata = userdata;
	/* the cache keeps offsets into whole pages */
	p->render_cache = render_cache_free(p->render_cache);
}

struct poller *poller_free(struct poller *p)
{
	if (!p)
		return NULL;
	join_worker(p);	/* a cycle's rendering in progress: at most a few hundred ms at 100k */
	free(p->spare_text);
	p->input_src = sd_event_source_disable_unref(p->input_src);
	free(p->input_buf);
	if (p->input_fd >= 0)
		(void)close(p->input_fd);
	free(p->work.text);
	p->worker_src = sd_event_source_disable_unref(p->worker_src);
	if (p->worker_efd >= 0)
		(void)close(p->worker_efd);
	for (size_t c = 0; c < _POLL_COMMAND_MAX; c++)
		p->jobs[c].spawn = spawn_free(p->jobs[c].spawn);
	p->timer = sd_event_source_disable_unref(p->timer);
	p->finish_src = sd_event_source_disable_unref(p->finish_src);
	p->status = status_summary_free(p->status);
	p->traffic = traffic_list_free(p->traffic);
	p->global = global_list_free(p->global);
	p->kernel = kernel_snapshot_free(p->kernel);
	p->model = model_free(p->model);
	p->render_cache = render_cache_free(p->render_cache);
	page_unref(p->page);
	for (size_t i = 0; p->envp[i]; i++)
		free(p->envp[i]);
	free(p->envp);
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
