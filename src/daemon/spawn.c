/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "daemon/spawn.h"
#include "lib/util.h"

#define READ_CHUNK 65536
#define READS_PER_EVENT 16	/* at most 1 MiB per wake-up: the loop stays fair to HTTP */
/*
 * whack writes its output a line at a time as pluto sends it: read as it comes,
 * the daemon would wake once per few lines (about 3,000 wake-ups and 7,000
 * read/epoll_wait calls per cycle for a 16 MB status). Instead, after each
 * read the stdout source sleeps for SPAWN_BATCH_USEC while a larger pipe
 * (SPAWN_PIPE_SIZE) holds what arrives meanwhile: one wake-up per batch.
 */
#define SPAWN_PIPE_SIZE (1024 * 1024)
#define SPAWN_BATCH_USEC 2000

struct spawn {
	sd_event *event;
	pid_t pid;
	sd_event_source *child_src;
	sd_event_source *out_src;
	sd_event_source *err_src;
	sd_event_source *timer_src;
	sd_event_source *batch_src;	/* wakes the stdout source after a batch interval */
	sd_event_source *defer_src;	/* reports a failed start from the loop */
	int out_fd;
	int err_fd;
	bool child_done;
	bool killed;
	uint64_t max_output;
	uint64_t start_usec;
	spawn_data_fn data_fn;
	spawn_done_fn done_fn;
	void *userdata;
	struct spawn_result result;
	char err_buf[SPAWN_STDERR_MAX + 1];
	size_t err_len;
	bool reported;
};

static void close_out(struct spawn *s)
{
	s->batch_src = sd_event_source_disable_unref(s->batch_src);
	s->out_src = sd_event_source_disable_unref(s->out_src);
	if (s->out_fd >= 0)
		(void)close(s->out_fd);
	s->out_fd = -1;
}

static void close_err(struct spawn *s)
{
	s->err_src = sd_event_source_disable_unref(s->err_src);
	if (s->err_fd >= 0)
		(void)close(s->err_fd);
	s->err_fd = -1;
}

static void kill_group(struct spawn *s, int sig)
{
	if (s->pid > 0 && !s->child_done)
		(void)kill(-s->pid, sig);
}

static void report(struct spawn *s)
{
	if (s->reported)
		return;
	s->reported = true;
	s->timer_src = sd_event_source_disable_unref(s->timer_src);
	close_out(s);
	close_err(s);
	s->err_buf[s->err_len] = '\0';
	s->result.err_text = s->err_buf;
	s->result.duration_usec = now_monotonic_usec() - s->start_usec;
	s->done_fn(s->userdata, &s->result);
}

static void maybe_done(struct spawn *s)
{
	if (s->child_done && s->out_fd < 0 && s->err_fd < 0)
		report(s);
}

static int on_batch(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct spawn *s = userdata;

	if (s->out_src)
		(void)sd_event_source_set_enabled(s->out_src, SD_EVENT_ON);
	return 0;
}

/* Let the pipe fill for a while before the next read (see SPAWN_BATCH_USEC). */
static void pause_stdout(struct spawn *s)
{
	if (!s->batch_src) {
		/* accuracy 0 would mean sd-event's default, 250 ms */
		if (sd_event_add_time_relative(s->event, &s->batch_src, CLOCK_MONOTONIC,
					       SPAWN_BATCH_USEC, 100, on_batch, s) < 0)
			return;	/* no timer: keep reading as the data comes */
		(void)sd_event_source_set_priority(s->batch_src, SD_EVENT_PRIORITY_IMPORTANT);
	} else {
		(void)sd_event_source_set_time_relative(s->batch_src, SPAWN_BATCH_USEC);
		(void)sd_event_source_set_enabled(s->batch_src, SD_EVENT_ONESHOT);
	}
	(void)sd_event_source_set_enabled(s->out_src, SD_EVENT_OFF);
}

static int on_stdout(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct spawn *s = userdata;
	char buf[READ_CHUNK];

	for (int i = 0; i < READS_PER_EVENT; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			close_out(s);
			maybe_done(s);
			return 0;
		}
		if (s->result.bytes + (uint64_t)n > s->max_output) {
			/* Over the cap: stop reading, kill the child now, report too_large. */
			s->result.too_large = true;
			kill_group(s, SIGKILL);
			close_out(s);
			maybe_done(s);
			return 0;
		}
		s->result.bytes += (uint64_t)n;
		s->data_fn(s->userdata, buf, (size_t)n);
		if ((size_t)n < sizeof(buf))
			break;	/* drained: no need for the read that says EAGAIN */
	}
	pause_stdout(s);
	return 0;
}

static int on_stderr(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct spawn *s = userdata;
	char buf[1024];

	for (int i = 0; i < READS_PER_EVENT; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t room;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			close_err(s);
			maybe_done(s);
			return 0;
		}
		room = SPAWN_STDERR_MAX - s->err_len;
		if ((size_t)n > room)
			n = (ssize_t)room;
		memcpy(s->err_buf + s->err_len, buf, (size_t)n);
		s->err_len += (size_t)n;
	}
	return 0;
}

static int on_child(sd_event_source *src, const siginfo_t *si, void *userdata)
{
	struct spawn *s = userdata;

	s->child_done = true;
	if (si->si_code == CLD_EXITED) {
		s->result.exited = true;
		s->result.exit_status = si->si_status;
	} else {
		s->result.term_signal = si->si_status;
	}
	/* A grandchild may keep the pipes open; once killed for a deadline, don't wait for it. */
	if (s->result.timed_out || s->result.too_large) {
		report(s);
		return 0;
	}
	maybe_done(s);
	return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct spawn *s = userdata;

	if (s->child_done) {
		/* The child is gone but something still holds its stdout open. */
		s->result.timed_out = true;
		report(s);
		return 0;
	}
	if (!s->killed) {
		s->killed = true;
		s->result.timed_out = true;
		kill_group(s, SIGTERM);
		(void)sd_event_source_set_time_relative(src, SPAWN_KILL_GRACE_USEC);
		(void)sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
		return 0;
	}
	kill_group(s, SIGKILL);
	return 0;
}

static int on_defer(sd_event_source *src, void *userdata)
{
	struct spawn *s = userdata;

	s->defer_src = sd_event_source_disable_unref(s->defer_src);
	report(s);
	return 0;
}

int spawn_start(sd_event *e, char *const argv[], char *const envp[], uint64_t timeout_usec,
		uint64_t max_output, spawn_data_fn data_fn, spawn_done_fn done_fn, void *userdata,
		struct spawn **ret)
{
	struct spawn *s = xcalloc(1, sizeof(*s));
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	int r;

	s->event = e;
	s->out_fd = s->err_fd = -1;
	s->max_output = max_output;
	s->data_fn = data_fn;
	s->done_fn = done_fn;
	s->userdata = userdata;
	s->start_usec = now_monotonic_usec();

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	(void)fcntl(out[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(err[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(out[0], F_SETPIPE_SZ, SPAWN_PIPE_SIZE);	/* the default 64 KiB if refused */

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	/* Inherited non-CLOEXEC descriptors (a socket-activated listener) must not leak. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);

	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						POSIX_SPAWN_SETPGROUP);

	r = posix_spawnp(&s->pid, argv[0], &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	(void)close(out[1]);
	(void)close(err[1]);
	out[1] = err[1] = -1;
	s->out_fd = out[0];
	s->err_fd = err[0];
	out[0] = err[0] = -1;

	if (r != 0) {
		/* Report from the loop, like any other completion. */
		s->pid = 0;
		s->child_done = true;
		s->result.spawn_error = r;
		r = sd_event_add_defer(e, &s->defer_src, on_defer, s);
		if (r < 0)
			goto fail;
		*ret = s;
		return 0;
	}

	r = sd_event_add_child(e, &s->child_src, s->pid, WEXITED, on_child, s);
	if (r < 0) {
		(void)kill(-s->pid, SIGKILL);
		(void)waitpid(s->pid, NULL, 0);
		s->pid = 0;
		goto fail;
	}
	(void)sd_event_source_set_child_process_own(s->child_src, true);
	r = sd_event_add_io(e, &s->out_src, s->out_fd, EPOLLIN, on_stdout, s);
	if (r < 0)
		goto fail;
	r = sd_event_add_io(e, &s->err_src, s->err_fd, EPOLLIN, on_stderr, s);
	if (r < 0)
		goto fail;
	if (timeout_usec) {
		r = sd_event_add_time_relative(e, &s->timer_src, CLOCK_MONOTONIC, timeout_usec, 0,
					       on_timer, s);
		if (r < 0)
			goto fail;
		(void)sd_event_source_set_priority(s->timer_src, SD_EVENT_PRIORITY_IMPORTANT);
	}
	/* Under a storm of scrapes the poll must still make progress: serve the children first. */
	(void)sd_event_source_set_priority(s->child_src, SD_EVENT_PRIORITY_IMPORTANT);
	(void)sd_event_source_set_priority(s->out_src, SD_EVENT_PRIORITY_IMPORTANT);
	(void)sd_event_source_set_priority(s->err_src, SD_EVENT_PRIORITY_IMPORTANT);
	*ret = s;
	return 0;

fail:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			(void)close(out[i]);
		if (err[i] >= 0)
			(void)close(err[i]);
	}
	s->reported = true;
	(void)spawn_free(s);
	return r;
}

struct spawn *spawn_free(struct spawn *s)
{
	if (!s)
		return NULL;
	s->timer_src = sd_event_source_disable_unref(s->timer_src);
	s->defer_src = sd_event_source_disable_unref(s->defer_src);
	close_out(s);
	close_err(s);
	if (s->child_src) {
		/* The source owns the process: freeing it kills and reaps a child still running. */
		if (!s->child_done)
			kill_group(s, SIGKILL);
		s->child_src = sd_event_source_disable_unref(s->child_src);
	}
	free(s);
	return NULL;
}

char *spawn_result_describe(const struct spawn_result *r, char *buf, size_t size)
{
	const char *e = r->err_text ? r->err_text : "";
	size_t n;
	int len;

	if (size == 0)
		return buf;
	if (r->spawn_error)
		len = snprintf(buf, size, "could not be started: %s", strerror(r->spawn_error));
	else if (r->too_large)
		len = snprintf(buf, size, "killed at the output cap");
	else if (r->timed_out)
		len = snprintf(buf, size, "killed at its deadline");
	else if (r->term_signal)
		len = snprintf(buf, size, "killed by signal %d (%s)", r->term_signal,
			       strsignal(r->term_signal));
	else
		len = snprintf(buf, size, "exit status %d", r->exit_status);
	if (len < 0 || (size_t)len >= size - 1)
		return buf;
	/* the first line of what it said, blank lines and surrounding blanks aside */
	e += strspn(e, " \t\r\n");
	n = strcspn(e, "\r\n");
	while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == '\t'))
		n--;
	if (n > 0)
		(void)snprintf(buf + len, size - (size_t)len, ": %.*s", (int)n, e);
	return buf;
}
