/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the process_* families: the start time is this process's (between the test's own
 * start, as the kernel records it, and now), open descriptors follow a pipe being opened and
 * closed, the descriptor limit is getrlimit()'s, memory figures are plausible, CPU time grows,
 * and the rendered families carry the standard names, types and values.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/process_metrics.h"
#include "lib/strbuf.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_read(void **state)
{
	double start = process_start_time(), t = now();
	struct process_stats a, b;
	struct rlimit rl;
	volatile double x = 0;
	int p[2];

	/* started a moment ago (clock ticks are 10 ms; this test runs in well under a minute) */
	assert_true(start <= t + 0.02);
	assert_true(start > t - 60);
	process_stats_read(start, &a);
	assert_true(a.start_time_seconds == start);
	assert_true(a.has_memory);
	assert_true(a.resident_bytes > 0);
	assert_true(a.virtual_bytes >= a.resident_bytes);
	assert_true(a.has_open_fds);
	assert_true(a.open_fds >= 3);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_true(a.has_max_fds);
	assert_true(a.max_fds == rl.rlim_cur);

	assert_int_equal(pipe(p), 0);
	for (int i = 0; i < 20000000; i++)
		x += i;
	process_stats_read(start, &b);
	assert_true(b.open_fds == a.open_fds + 2);
	assert_true(b.cpu_seconds > a.cpu_seconds);
	close(p[0]);
	close(p[1]);
	process_stats_read(start, &b);
	assert_true(b.open_fds == a.open_fds);
}

static void test_render(void **state)
{
	struct process_stats st = {
		.start_time_seconds = 1767323045.5,
		.cpu_seconds = 1.25,
		.resident_bytes = 4096,
		.virtual_bytes = 8192,
		.open_fds = 12,
		.max_fds = 1024,
		.has_memory = true,
		.has_open_fds = true,
		.has_max_fds = true,
	};
	struct strbuf sb = { 0 };
	char *text;

	process_stats_render(&st, &sb);
	text = strbuf_detach(&sb, NULL);
	assert_non_null(strstr(text, "# TYPE process_cpu_seconds_total counter\n"
				     "process_cpu_seconds_total 1.25\n"));
	assert_non_null(strstr(text, "# TYPE process_open_fds gauge\nprocess_open_fds 12\n"));
	assert_non_null(strstr(text, "# TYPE process_max_fds gauge\nprocess_max_fds 1024\n"));
	assert_non_null(strstr(text, "# TYPE process_virtual_memory_bytes gauge\n"
				     "process_virtual_memory_bytes 8192\n"));
	assert_non_null(strstr(text, "# TYPE process_resident_memory_bytes gauge\n"
				     "process_resident_memory_bytes 4096\n"));
	assert_non_null(strstr(text, "# TYPE process_start_time_seconds gauge\n"
				     "process_start_time_seconds 1767323045.5\n"));
	free(text);

	/* what could not be read is left out */
	st.has_memory = st.has_open_fds = st.has_max_fds = false;
	process_stats_render(&st, &sb);
	text = strbuf_detach(&sb, NULL);
	assert_null(strstr(text, "process_open_fds"));
	assert_null(strstr(text, "process_max_fds"));
	assert_null(strstr(text, "memory"));
	assert_non_null(strstr(text, "process_cpu_seconds_total 1.25\n"));
	assert_non_null(strstr(text, "process_start_time_seconds 1767323045.5\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests_name("process_metrics", tests, NULL, NULL);
}
