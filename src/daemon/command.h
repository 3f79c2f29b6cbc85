/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include "sources/source.h"

/*
 * How the poll cycle's children are run and how their ends are read: the environment they get,
 * and the failure reason (the reason label of libreswan_poll_errors_total) of a finished run.
 */

struct spawn_result;

/* The children's environment: ours without systemd's per-process variables, C locale. A new array
 * of new strings. */
char **command_env_new(void);

/* Free what command_env_new() made; returns NULL. */
char **command_env_free(char **env);

/* Map a finished whack command to POLL_REASON_NONE (success) or its failure reason, from its words.
 * Pure. */
enum poll_reason poll_classify(const struct spawn_result *r);

/* The same for a helper of ours, whose exit status 3 means "not permitted" (src/xfrm/protocol.h).
 * Pure. */
enum poll_reason poll_classify_kernel(const struct spawn_result *r);
