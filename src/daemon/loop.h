/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <systemd/sd-event.h>

/*
 * The event loop's process-wide set-up: SIGTERM/SIGINT end the loop, SIGHUP
 * calls the reload callback (when one is given; a reload never ends the loop),
 * SIGCHLD is blocked for sd-event's child sources, SIGPIPE is ignored, and
 * the watchdog is petted from the loop itself (a loop that stops turning
 * stops petting it).
 */

/* What SIGHUP does (on the loop). */
struct loop_reload {
	void (*fn)(void *userdata);
	void *userdata;
};

/* Create the loop with signals and watchdog wired; reload (or NULL: SIGHUP not handled) must
 * outlive it. 0 or -errno. */
int loop_new(sd_event **ret, const struct loop_reload *reload);
