/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <systemd/sd-event.h>

/*
 * The event loop's process-wide set-up: SIGTERM/SIGINT end the loop,
 * SIGCHLD is blocked for sd-event's child sources, SIGPIPE is ignored, and
 * the watchdog is petted from the loop itself (a loop that stops turning
 * stops petting it).
 */

/* Create the loop with signals and watchdog wired. 0 or -errno. */
int loop_new(sd_event **ret);
