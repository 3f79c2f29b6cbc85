/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "daemon/process_metrics.h"
#include "lib/metrics.h"
#include "lib/strbuf.h"
#include "lib/util.h"

static double timespec_seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/* Read a small /proc file whole into buf (NUL-terminated); its length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	(void)close(fd);
	return n;
}

double process_start_time(void)
{
	struct timespec real, boot;
	char buf[1024];
	const char *p;
	unsigned long long start_ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);

	(void)clock_gettime(CLOCK_REALTIME, &real);
	/*
	 * Field 22 of /proc/self/stat is the start in clock ticks after boot (CLOCK_BOOTTIME); the
	 * fields after the command name, which may hold spaces and parentheses, start after the
	 * last ')'. /proc/stat's btime would do as well but is hidden by ProcSubset=pid.
	 */
	if (read_small("/proc/self/stat", buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')) ||
	    hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return timespec_seconds(&real);
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start_ticks) != 1)
		return timespec_seconds(&real);
	/* now, less the time since the start */
	return timespec_seconds(&real) -
	       (timespec_seconds(&boot) - (double)start_ticks / (double)hz);
}

/* Descriptors open in this process, not counting the one that reads the list. */
static int count_fds(uint64_t *ret)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	uint64_t n = 0;
	int self;

	if (!d)
		return -errno;
	self = dirfd(d);
	while ((de = readdir(d))) {
		uint64_t fd;

		if (safe_atou64(de->d_name, &fd) < 0 || fd == (uint64_t)self)
			continue;
		n++;
	}
	(void)closedir(d);
	*ret = n;
	return 0;
}

void process_stats_read(double start_time, struct process_stats *ret)
{
	struct process_stats st = { .start_time_seconds = start_time };
	unsigned long long size, resident;
	struct rusage ru;
	struct rlimit rl;
	char buf[256];

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		st.cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
				 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	/* statm: total program size and resident set, in pages */
	if (read_small("/proc/self/statm", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu %llu", &size, &resident) == 2) {
		uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

		st.virtual_bytes = size * page;
		st.resident_bytes = resident * page;
		st.has_memory = true;
	}
	st.has_open_fds = count_fds(&st.open_fds) == 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		st.max_fds = rl.rlim_cur;
		st.has_max_fds = true;
	}
	*ret = st;
}

void process_stats_render(const struct process_stats *st, struct strbuf *sb)
{
	struct metrics_writer w;

	metrics_writer_init(&w, sb, METRICS_FORMAT_TEXT);
	metrics_family(&w, "process_cpu_seconds_total", METRIC_TYPE_COUNTER,
		       "Total user and system CPU time spent in seconds.");
	metrics_sample_double(&w, NULL, 0, st->cpu_seconds);
	if (st->has_open_fds) {
		metrics_family(&w, "process_open_fds", METRIC_TYPE_GAUGE,
			       "Number of open file descriptors.");
		metrics_sample_u64(&w, NULL, 0, st->open_fds);
	}
	if (st->has_max_fds) {
		metrics_family(&w, "process_max_fds", METRIC_TYPE_GAUGE,
			       "Maximum number of open file descriptors.");
		metrics_sample_u64(&w, NULL, 0, st->max_fds);
	}
	if (st->has_memory) {
		metrics_family(&w, "process_virtual_memory_bytes", METRIC_TYPE_GAUGE,
			       "Virtual memory size in bytes.");
		metrics_sample_u64(&w, NULL, 0, st->virtual_bytes);
		metrics_family(&w, "process_resident_memory_bytes", METRIC_TYPE_GAUGE,
			       "Resident memory size in bytes.");
		metrics_sample_u64(&w, NULL, 0, st->resident_bytes);
	}
	metrics_family(&w, "process_start_time_seconds", METRIC_TYPE_GAUGE,
		       "Start time of the process since unix epoch in seconds.");
	metrics_sample_double(&w, NULL, 0, st->start_time_seconds);
}
