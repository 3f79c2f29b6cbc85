/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the command line: the flags' defaults, both --flag=value and
 * --flag value forms, repeated listen addresses, Prometheus durations, the
 * log format, -h, and that bad values are rejected (the caller exits 2).
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "lib/config.h"
#include "lib/util.h"

static int parse(struct exporter_config *c, const char *a1, const char *a2, const char *a3)
{
	char *argv[5] = { (char *)"libreswan_exporter", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 1 + (a1 != NULL) + (a1 && a2) + (a1 && a2 && a3);

	config_init(c);
	return config_parse_argv(c, argc, argv);
}

static void test_defaults(void **state)
{
	struct exporter_config c;

	assert_int_equal(parse(&c, NULL, NULL, NULL), 1);
	assert_int_equal(c.n_listen, 1);
	assert_string_equal(c.listen[0], ":10500");
	assert_string_equal(c.telemetry_path, "/metrics");
	assert_string_equal(c.ipsec_command, "ipsec");
	assert_null(c.ctlsocket);
	assert_int_equal(c.poll_interval_usec, 10000000);
	assert_int_equal(c.poll_timeout_usec, 5000000);
	assert_int_equal(c.max_output, 256ULL << 20);
	assert_int_equal(c.log_level, LOG_LEVEL_INFO);
	assert_int_equal(c.log_format, LOG_FORMAT_LOGFMT);
	assert_false(c.once);
	assert_int_equal(c.web_max_connections, 256);
	assert_int_equal(c.web_max_connections_per_ip, 8);
	assert_int_equal(c.web_timeout_usec, 30000000);
	assert_int_equal(c.web_read_header_timeout_usec, 10000000);
}

static void test_forms(void **state)
{
	struct exporter_config c;

	assert_int_equal(parse(&c, "--poll.interval=500ms", "--poll.timeout", "2s"), 1);
	assert_int_equal(c.poll_interval_usec, 500000);
	assert_int_equal(c.poll_timeout_usec, 2000000);
	assert_int_equal(
		parse(&c, "--web.listen-address=[::]:10500", "--web.listen-address", "127.0.0.1:9"),
		1);
	assert_int_equal(c.n_listen, 2);
	assert_int_equal(parse(&c, "--once", "--input.status", "-"), 1);
	assert_true(c.once);
	assert_string_equal(c.input_status, "-");
	assert_true(config_uses_inputs(&c));
	assert_int_equal(parse(&c, "--log.level=debug", "--poll.max-output=64MiB", NULL), 1);
	assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(c.max_output, 64ULL << 20);
	assert_int_equal(
		parse(&c, "--web.max-connections-per-ip", "1", "--web.read-header-timeout=2500ms"),
		1);
	assert_int_equal(c.web_max_connections_per_ip, 1);
	assert_int_equal(c.web_read_header_timeout_usec, 2500000);
	assert_int_equal(parse(&c, "--web.max-connections-per-ip=1000000", NULL, NULL), 1);
	assert_int_equal(c.web_max_connections_per_ip, 1000000);
	/* every duration flag takes Prometheus' forms */
	assert_int_equal(parse(&c, "--poll.interval=1m30s", "--poll.timeout=1m", NULL), 1);
	assert_int_equal(c.poll_interval_usec, 90000000);
	assert_int_equal(c.poll_timeout_usec, 60000000);
	assert_int_equal(parse(&c, "--poll.interval", "2h", NULL), 1);
	assert_true(c.poll_interval_usec == UINT64_C(7200000000));
	assert_int_equal(
		parse(&c, "--web.timeout=1h30m", "--web.read-header-timeout=1s500ms", NULL), 1);
	assert_true(c.web_timeout_usec == UINT64_C(5400000000));
	assert_int_equal(c.web_read_header_timeout_usec, 1500000);
	assert_int_equal(parse(&c, "--poll.interval=1d", "--poll.timeout=1h", NULL), 1);
	assert_true(c.poll_interval_usec == UINT64_C(86400000000));
	assert_int_equal(parse(&c, "--log.format=json", NULL, NULL), 1);
	assert_int_equal(c.log_format, LOG_FORMAT_JSON);
	assert_int_equal(parse(&c, "--log.format", "logfmt", NULL), 1);
	assert_int_equal(c.log_format, LOG_FORMAT_LOGFMT);
}

static void test_bad_values(void **state)
{
	struct exporter_config c;

	assert_true(parse(&c, "--poll.interval=abc", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.listen-address=:99999", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.listen-address=localhost", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.listen-address=::1:80", NULL, NULL) < 0);
	assert_true(parse(&c, "--log.level=loud", NULL, NULL) < 0);
	assert_true(parse(&c, "--no-such-flag", NULL, NULL) < 0);
	assert_true(parse(&c, "--poll.interval", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.telemetry-path=metrics", NULL, NULL) < 0);
	assert_true(parse(&c, "--input.status=-", NULL, NULL) < 0);	/* stdin needs --once */
	assert_true(parse(&c, "stray", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.max-connections-per-ip=0", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.max-connections-per-ip=1000001", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.max-connections-per-ip=8x", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.max-connections-per-ip=", NULL, NULL) < 0);
	assert_true(parse(&c, "--web.read-header-timeout=0", NULL, NULL) < 0);
	assert_true(parse(&c, "--poll.interval=30s1m", NULL, NULL) < 0);
	assert_true(parse(&c, "--poll.interval=1.5s", NULL, NULL) < 0);
	assert_true(parse(&c, "--log.format=text", NULL, NULL) < 0);
	assert_true(parse(&c, "--log.format=", NULL, NULL) < 0);
	assert_true(parse(&c, "-x", NULL, NULL) < 0);
}

/* The certificates collector: on, every 5 minutes; its flags and --input.* files. */
static void test_certificates(void **state)
{
	struct exporter_config c;

	assert_int_equal(parse(&c, NULL, NULL, NULL), 1);
	assert_true(c.collector_certificates);
	assert_int_equal(c.certificates_interval_usec, 300000000);
	assert_int_equal(parse(&c, "--no-collector.certificates", "--certificates.interval", "90s"),
			 1);
	assert_false(c.collector_certificates);
	assert_int_equal(c.certificates_interval_usec, 90000000);
	assert_int_equal(parse(&c, "--no-collector.certificates", "--collector.certificates", NULL),
			 1);
	assert_true(c.collector_certificates);
	assert_false(config_uses_inputs(&c));
	assert_int_equal(parse(&c, "--input.listcerts=/dev/null", "--input.listcacerts=/dev/zero",
			       "--input.listcrls=/dev/full"),
			 1);
	assert_true(config_uses_inputs(&c));
	assert_string_equal(config_input(&c, "listcerts"), "/dev/null");
	assert_string_equal(config_input(&c, "listcacerts"), "/dev/zero");
	assert_string_equal(config_input(&c, "listcrls"), "/dev/full");
	assert_null(config_input(&c, "addresspoolstatus"));
	assert_int_equal(parse(&c, "--input.addresspoolstatus", "/dev/random", NULL), 1);
	assert_true(config_uses_inputs(&c));
	assert_string_equal(config_input(&c, "addresspoolstatus"), "/dev/random");
	assert_int_equal(parse(&c, "--once", "--input.listcerts=-", NULL), 1);

	assert_true(parse(&c, "--certificates.interval=often", NULL, NULL) < 0);
	assert_true(parse(&c, "--certificates.interval=0", NULL, NULL) < 0);
	assert_true(parse(&c, "--certificates.interval", NULL, NULL) < 0);
	assert_true(parse(&c, "--collector.certificates=no", NULL, NULL) < 0);
	assert_true(parse(&c, "--input.addresspoolstatus=-", NULL, NULL) <
		    0); /* stdin needs --once */
	/* a saved output that is not there is refused, not read as a silent pluto */
	assert_true(parse(&c, "--once", "--input.events=/nonexistent/pluto.log", NULL) < 0);
	assert_true(parse(&c, "--input.status", "/nonexistent/status", NULL) < 0);
}

/* Pluto's whole status every 5 minutes, light cycles between; 0 (or 0s): every cycle. */
static void test_full_interval(void **state)
{
	struct exporter_config c;

	assert_int_equal(parse(&c, NULL, NULL, NULL), 1);
	assert_int_equal(c.poll_full_interval_usec, 300000000);
	assert_int_equal(parse(&c, "--poll.full-interval=90s", NULL, NULL), 1);
	assert_int_equal(c.poll_full_interval_usec, 90000000);
	assert_int_equal(parse(&c, "--poll.full-interval", "0", NULL), 1);
	assert_int_equal(c.poll_full_interval_usec, 0);
	assert_int_equal(parse(&c, "--poll.full-interval=0s", NULL, NULL), 1);
	assert_int_equal(c.poll_full_interval_usec, 0);
	assert_int_equal(parse(&c, "--poll.full-interval=2h", NULL, NULL), 1);
	assert_int_equal(c.poll_full_interval_usec, UINT64_C(7200000000));
	assert_true(parse(&c, "--poll.full-interval=often", NULL, NULL) < 0);
	assert_true(parse(&c, "--poll.full-interval=-5m", NULL, NULL) < 0);
	assert_true(parse(&c, "--poll.full-interval", NULL, NULL) < 0);
}

static void test_help_version(void **state)
{
	struct exporter_config c;
	int saved = dup(STDOUT_FILENO);
	FILE *null = fopen("/dev/null", "w");

	/* --help and --version print: keep the test log readable */
	assert_non_null(null);
	fflush(stdout);
	dup2(fileno(null), STDOUT_FILENO);
	assert_int_equal(parse(&c, "--version", NULL, NULL), 0);
	assert_int_equal(parse(&c, "--help", NULL, NULL), 0);
	assert_int_equal(parse(&c, "-h", NULL, NULL), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fclose(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),	cmocka_unit_test(test_forms),
		cmocka_unit_test(test_bad_values),	cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_full_interval),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
