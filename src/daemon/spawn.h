/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

/*
 * Run one command as a child process on an sd_event loop: no shell, an
 * explicit environment, stdin from /dev/null, every other descriptor
 * closed, its own process group. stdout is streamed to a callback as it
 * arrives (non-blocking); stderr is kept (first 4 KiB) for diagnosis. The
 * child is killed (SIGTERM, then SIGKILL 500 ms later) when it runs past
 * its deadline, and at once when it prints more than max_output bytes. It
 * is always reaped. spawn never logs.
 */

#define SPAWN_STDERR_MAX 4096
#define SPAWN_KILL_GRACE_USEC (500 * UINT64_C(1000))

struct spawn;

struct spawn_result {
	int spawn_error;	/* errno when the child could not be started; 0 otherwise */
	bool exited;		/* exited normally (exit_status valid) */
	int exit_status;
	int term_signal;	/* signal that ended it, 0 if none */
	bool timed_out;
	bool too_large;
	uint64_t bytes;		/* stdout bytes delivered */
	uint64_t duration_usec;
	const char *err_text;	/* stderr (NUL-terminated, possibly cut) */
};

/* Receives each chunk of stdout, in a buffer the callback may modify. */
typedef void (*spawn_data_fn)(void *userdata, char *data, size_t len);

/* Called once when the child is gone and its output drained (or it could not start). */
typedef void (*spawn_done_fn)(void *userdata, const struct spawn_result *r);

/*
 * Start argv[0] (looked up in PATH if it has no '/') with envp; timeout_usec 0: no deadline, a
 * child that runs for as long as it likes (max_output UINT64_MAX: no cap). On success
 * *ret is the running spawn; done_fn is always called later, even if
 * posix_spawn failed (then with spawn_error set). Returns -errno only for
 * setup failures (pipes, event sources).
 */
int spawn_start(sd_event *e, char *const argv[], char *const envp[], uint64_t timeout_usec,
		uint64_t max_output, spawn_data_fn data_fn, spawn_done_fn done_fn, void *userdata,
		struct spawn **ret);

/* Stop watching; a child still running is killed and reaped. NULL is a no-op; returns NULL. */
struct spawn *spawn_free(struct spawn *s);

/*
 * How a child ended, in words for a log line, into buf (size bytes, NUL-terminated, cut if
 * longer): "could not be started: No such file or directory", "killed at the output cap",
 * "killed at its deadline", "killed by signal 9 (Killed)" or "exit status 5", then ": " and the
 * first line of its standard error when it wrote one. Pure; returns buf.
 */
char *spawn_result_describe(const struct spawn_result *r, char *buf, size_t size);
