/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "sources/source.h"

/*
 * The --input.* files of a poll cycle, read in place of running the commands: one after the
 * other, a slice per loop turn (at most 1 MiB or 1 ms: the loop serves its clients between slices,
 * as it does between the reads of a command's pipe), or whole in --once, which has no clients to
 * serve meanwhile. The command's output cap applies as for a command.
 */

struct inputs;

/* A chunk of command cmd's file, in a buffer of the reader's that the callee may modify. */
typedef void (*inputs_data_fn)(void *userdata, size_t cmd, char *data, size_t len);

/* Command cmd's file is read to its end, or failed (reason), after duration_usec. */
typedef void (*inputs_done_fn)(void *userdata, size_t cmd, enum poll_reason reason,
			       uint64_t duration_usec);

/* A reader on loop e; whole: read every file at once (--once); max_output: the cap per file. */
struct inputs *inputs_new(sd_event *e, bool whole, uint64_t max_output, inputs_data_fn data_fn,
			  inputs_done_fn done_fn, void *userdata);

/* Start reading paths[0..n) (NULL: no file for that command) from the next loop turn on. 0 or
 * -errno. */
int inputs_start(struct inputs *in, const char *const *paths, size_t n);

/* Stop; NULL is a no-op; returns NULL. */
struct inputs *inputs_free(struct inputs *in);
