/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * The standard process_* families every Prometheus exporter serves (start time, CPU seconds,
 * resident and virtual memory, open and maximum descriptors), read from /proc/self and
 * getrusage()/getrlimit(): a few system calls, some tens of microseconds, once per poll cycle.
 * A value that cannot be read is left out, not made up. Never logs.
 */

struct strbuf;

/* What one reading found; each has_* says whether its value could be read. */
struct process_stats {
	double start_time_seconds;	/* Unix time */
	double cpu_seconds;		/* user + system, all threads */
	uint64_t resident_bytes;
	uint64_t virtual_bytes;
	uint64_t open_fds;
	uint64_t max_fds;
	bool has_memory;
	bool has_open_fds;
	bool has_max_fds;
};

/* The process's start time (Unix seconds), worked out once: call it at start-up. */
double process_start_time(void);

/* Read the process's current figures; start_time is process_start_time()'s result. */
void process_stats_read(double start_time, struct process_stats *ret);

/* Append the process_* families for st to sb (Prometheus text format). */
void process_stats_render(const struct process_stats *st, struct strbuf *sb);
