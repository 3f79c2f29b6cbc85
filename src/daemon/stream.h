/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "daemon/privilege.h"
#include "daemon/spawn.h"

/*
 * A helper child that runs for as long as the exporter does (the pluto log helper): started at
 * once, its output handed over as it arrives, and started again when it ends, after a back-off
 * that doubles from STREAM_BACKOFF_MIN_USEC to STREAM_BACKOFF_MAX_USEC (and starts over once a
 * child ran for STREAM_BACKOFF_MAX_USEC). It gets one capability of its own (privilege.h).
 */

#define STREAM_BACKOFF_MIN_USEC (1 * UINT64_C(1000000))
#define STREAM_BACKOFF_MAX_USEC (60 * UINT64_C(1000000))

struct stream;

/* A chunk of the child's output (a buffer the callee may modify); started: a new child's first. */
typedef void (*stream_data_fn)(void *userdata, char *data, size_t len);

/* The child ended (r says how); the next one starts after retry_usec. */
typedef void (*stream_ended_fn)(void *userdata, const struct spawn_result *r, uint64_t retry_usec);

/* Start argv (copied) on loop e with envp (borrowed: it must outlive the stream). 0 or -errno. */
int stream_new(sd_event *e, char *const argv[], char *const envp[], enum privilege_child priv,
	       stream_data_fn data_fn, stream_ended_fn ended_fn, void *userdata,
	       struct stream **ret);

/* Children started so far (1 for the first). */
uint64_t stream_starts(const struct stream *s);

/* Stop: the child is killed and reaped. NULL is a no-op; returns NULL. */
struct stream *stream_free(struct stream *s);
