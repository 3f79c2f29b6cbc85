/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

/*
 * Password checks off the event loop. crypt(3) with a bcrypt hash costs tens
 * of milliseconds on purpose, far too long for the loop that serves scrapes,
 * runs the poll cycle and feeds the watchdog. A few worker threads take jobs
 * from a bounded queue; each result goes back to the loop through an eventfd
 * watched by sd-event, and the callback runs on the loop. A worker touches
 * nothing but its job (copies of the password and the hash) and its own
 * struct crypt_data; all other state stays on the loop's thread.
 */

struct auth_pool;

/* A finished check, on the loop: match tells whether the password hashed to the hash. */
typedef void (*auth_done_fn)(void *userdata, void *token, bool match);

/* Start n_workers threads taking at most max_jobs queued or running checks. 0 or -errno. */
int auth_pool_new(sd_event *e, unsigned n_workers, size_t max_jobs, auth_done_fn fn, void *userdata,
		  struct auth_pool **ret);

/* Queue a check of password against hash (both copied). 0, or -EAGAIN when max_jobs are pending. */
int auth_pool_submit(struct auth_pool *p, const char *password, const char *hash, void *token);

/* Checks queued or running (not yet handed to the callback). */
size_t auth_pool_pending(const struct auth_pool *p);

/* Checks the workers have completed since the start. */
unsigned long long auth_pool_completed(const struct auth_pool *p);

/* Stop: running checks finish, queued ones are dropped, no callback runs. NULL is a no-op; returns
 * NULL. */
struct auth_pool *auth_pool_free(struct auth_pool *p);
