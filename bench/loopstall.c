/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * How long the daemon's event loop goes without looking at its descriptors:
 * an LD_PRELOAD shim (bench/run.sh, section "stall") that times the gaps
 * between sd-event's epoll_wait() calls, in wall time and in the thread's
 * CPU time (wall minus CPU is time the machine gave to others). sd-event's
 * epoll is the first one waited on with a timeout other than 0
 * (libmicrohttpd, driven from the loop, only ever polls its own with 0).
 *
 * LOOPSTALL_OUT=FILE: on SIGUSR1 (at the loop's next turn) and at exit, one
 * line is appended and the counters start again:
 *   "max_cpu_ms max_wall_ms iterations over_1ms over_2ms" (over_*: in wall time)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

static int (*real_epoll_wait)(int, struct epoll_event *, int, int);
static int loop_fd = -1;
static volatile sig_atomic_t report_asked;
static uint64_t last_wall, last_cpu, max_wall, max_cpu, iterations, over1, over2;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void report(void)
{
	const char *path = getenv("LOOPSTALL_OUT");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (f) {
		fprintf(f, "%.3f %.3f %llu %llu %llu\n", max_cpu / 1e6, max_wall / 1e6,
			(unsigned long long)iterations, (unsigned long long)over1,
			(unsigned long long)over2);
		fclose(f);
	}
	max_wall = max_cpu = iterations = over1 = over2 = 0;
}

static void on_usr1(int sig)
{
	report_asked = 1;
}

__attribute__((constructor)) static void init(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

__attribute__((destructor)) static void fini(void)
{
	report();
}

int epoll_wait(int fd, struct epoll_event *events, int max, int timeout)
{
	int r;

	if (!real_epoll_wait)
		real_epoll_wait = (int (*)(int, struct epoll_event *, int, int))dlsym(RTLD_NEXT,
										      "epoll_wait");
	if (loop_fd < 0 && timeout != 0)
		loop_fd = fd;
	if (fd == loop_fd && last_wall) {
		uint64_t wall = clock_ns(CLOCK_MONOTONIC) - last_wall,
			 cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - last_cpu;

		iterations++;
		max_wall = wall > max_wall ? wall : max_wall;
		max_cpu = cpu > max_cpu ? cpu : max_cpu;
		over1 += wall > 1000000;
		over2 += wall > 2000000;
	}
	if (fd == loop_fd && report_asked) {
		report_asked = 0;
		report();
	}
	r = real_epoll_wait(fd, events, max, timeout);
	if (fd == loop_fd) {
		last_wall = clock_ns(CLOCK_MONOTONIC);
		last_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	}
	return r;
}
