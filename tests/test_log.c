/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the log line formats: logfmt as the Prometheus exporters write it (ts, level, msg;
 * the message quoted only when it must be), JSON with the same keys, the journald "<N>"
 * prefix, escapes of quotes, backslashes, control bytes and bytes that are not UTF-8, and a
 * message too long for the buffer cut between characters with the line still well formed.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/log.h"

/* 2026-01-02T03:04:05.678Z */
static const struct timespec when = { .tv_sec = 1767323045, .tv_nsec = 678901234 };

static const char *line(enum log_format f, bool journal, enum log_level level, const char *msg)
{
	static char buf[512];
	size_t n = log_format_line(buf, sizeof(buf), f, journal, level, &when, msg);

	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_logfmt(void **state)
{
	assert_string_equal(line(LOG_FORMAT_LOGFMT, false, LOG_LEVEL_INFO, "stopped"),
			    "ts=2026-01-02T03:04:05.678Z level=info msg=stopped\n");
	assert_string_equal(line(LOG_FORMAT_LOGFMT, false, LOG_LEVEL_WARN, "pluto is down, x"),
			    "ts=2026-01-02T03:04:05.678Z level=warn msg=\"pluto is down, x\"\n");
	assert_string_equal(line(LOG_FORMAT_LOGFMT, false, LOG_LEVEL_ERROR, "a=b"),
			    "ts=2026-01-02T03:04:05.678Z level=error msg=\"a=b\"\n");
	assert_string_equal(line(LOG_FORMAT_LOGFMT, false, LOG_LEVEL_DEBUG, ""),
			    "ts=2026-01-02T03:04:05.678Z level=debug msg=\"\"\n");
	assert_string_equal(line(LOG_FORMAT_LOGFMT, false, LOG_LEVEL_WARN,
				 "whack: (no \"/run/pluto/pluto.ctl\")\nsecond\\line\t\x01"),
			    "ts=2026-01-02T03:04:05.678Z level=warn msg=\"whack: "
			    "(no \\\"/run/pluto/pluto.ctl\\\")\\nsecond\\\\line\\t\\u0001\"\n");
	/* UTF-8 stays, other bytes become U+FFFD */
	assert_string_equal(line(LOG_FORMAT_LOGFMT, false, LOG_LEVEL_INFO, "caf\xc3\xa9 \xff"),
			    "ts=2026-01-02T03:04:05.678Z level=info msg=\"caf\xc3\xa9 \\ufffd\"\n");
}

static void test_json(void **state)
{
	assert_string_equal(line(LOG_FORMAT_JSON, false, LOG_LEVEL_INFO, "stopped"),
			    "{\"ts\":\"2026-01-02T03:04:05.678Z\",\"level\":\"info\","
			    "\"msg\":\"stopped\"}\n");
	assert_string_equal(line(LOG_FORMAT_JSON, false, LOG_LEVEL_ERROR, "say \"hi\"\\\n\x1f\xc0"),
			    "{\"ts\":\"2026-01-02T03:04:05.678Z\",\"level\":\"error\","
			    "\"msg\":\"say \\\"hi\\\"\\\\\\n\\u001f\\ufffd\"}\n");
}

static void test_journal_prefix(void **state)
{
	assert_string_equal(line(LOG_FORMAT_LOGFMT, true, LOG_LEVEL_WARN, "x"),
			    "<4>ts=2026-01-02T03:04:05.678Z level=warn msg=x\n");
	assert_string_equal(line(LOG_FORMAT_JSON, true, LOG_LEVEL_DEBUG, "x"),
			    "<7>{\"ts\":\"2026-01-02T03:04:05.678Z\",\"level\":\"debug\","
			    "\"msg\":\"x\"}\n");
}

static void test_cut(void **state)
{
	char msg[300], buf[80];
	size_t n;

	/* two-byte characters: a cut must not split one */
	for (size_t i = 0; i + 1 < sizeof(msg); i += 2) {
		msg[i] = '\xc3';
		msg[i + 1] = '\xa9';
	}
	msg[sizeof(msg) - 1] = '\0';
	n = log_format_line(buf, sizeof(buf), LOG_FORMAT_JSON, true, LOG_LEVEL_INFO, &when, msg);
	assert_true(n < sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_memory_equal(buf + n - 3, "\"}\n", 3);
	assert_int_equal((buf[n - 4] & 0xff), 0xa9);	/* the last character is whole */
	n = log_format_line(buf, sizeof(buf), LOG_FORMAT_LOGFMT, false, LOG_LEVEL_INFO, &when, msg);
	assert_true(n < sizeof(buf));
	assert_memory_equal(buf + n - 2, "\"\n", 2);
	assert_int_equal((buf[n - 3] & 0xff), 0xa9);
}

static void test_names(void **state)
{
	enum log_format f = LOG_FORMAT_JSON;

	assert_int_equal(log_format_from_string("logfmt", &f), 0);
	assert_int_equal(f, LOG_FORMAT_LOGFMT);
	assert_int_equal(log_format_from_string("json", &f), 0);
	assert_int_equal(f, LOG_FORMAT_JSON);
	assert_int_equal(log_format_from_string("JSON", &f), -EINVAL);
	assert_int_equal(log_format_from_string("", &f), -EINVAL);
	assert_int_equal(f, LOG_FORMAT_JSON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logfmt),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_journal_prefix),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
