/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the child handling with real /bin/sh children on a real sd_event
 * loop: output is streamed, a hung child is killed at its deadline, a child
 * that prints too much is killed at the cap, a child that closes stdout but
 * keeps running is killed by the deadline, exit statuses and a missing
 * binary are reported, the child sees only 0-2 open and the given
 * environment, and no zombie is left behind; how a child ended reads as
 * words for the log, with the first line of what it said.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "daemon/command.h"
#include "daemon/spawn.h"
#include "lib/strbuf.h"
#include "lib/util.h"

struct run {
	struct strbuf out;
	struct spawn_result r;
	char err[SPAWN_STDERR_MAX + 1];
	bool done;
	sd_event *e;
};

static void on_data(void *userdata, char *data, size_t len)
{
	struct run *run = userdata;

	/* keep at most 1 MiB: the large-output test only counts */
	if (run->out.len < (1 << 20))
		strbuf_append(&run->out, data, len);
}

static void on_done(void *userdata, const struct spawn_result *r)
{
	struct run *run = userdata;

	run->r = *r;
	snprintf(run->err, sizeof(run->err), "%s", r->err_text);
	run->r.err_text = run->err;
	run->done = true;
	(void)sd_event_exit(run->e, 0);
}

static void run_sh(struct run *run, const char *script, uint64_t timeout_usec, uint64_t cap)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)script, NULL };
	char *envp[] = { (char *)"PATH=/usr/bin:/bin", (char *)"ONLY_THIS=1", NULL };
	struct spawn *s = NULL;

	memset(run, 0, sizeof(*run));
	assert_int_equal(sd_event_new(&run->e), 0);
	assert_int_equal(
		spawn_start(run->e, argv, envp, timeout_usec, cap, on_data, on_done, run, &s), 0);
	assert_int_equal(sd_event_loop(run->e), 0);
	assert_true(run->done);
	spawn_free(s);
	run->e = sd_event_unref(run->e);
}

static void assert_no_zombies(void)
{
	/* every child was reaped: nothing left to wait for */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_output_and_exit(void **state)
{
	struct run run;

	run_sh(&run, "echo hello; echo oops >&2; exit 3", 5000000, 1 << 20);
	assert_string_equal(run.out.buf, "hello\n");
	assert_string_equal(run.r.err_text, "oops\n");
	assert_true(run.r.exited);
	assert_int_equal(run.r.exit_status, 3);
	assert_int_equal(poll_classify(&run.r), POLL_REASON_EXIT_STATUS);
	/* the kernel helper's exit 3 is XFRM's refusal */
	assert_int_equal(poll_classify_kernel(&run.r), POLL_REASON_PERMISSION);
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_timeout_kills(void **state)
{
	struct run run;
	uint64_t t0 = now_monotonic_usec();

	run_sh(&run, "sleep 30", 200000, 1 << 20);
	assert_true(run.r.timed_out);
	assert_int_equal(run.r.term_signal, SIGTERM);
	assert_true(now_monotonic_usec() - t0 < 3000000);
	assert_int_equal(poll_classify(&run.r), POLL_REASON_TIMEOUT);
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_sigterm_ignored_then_sigkill(void **state)
{
	struct run run;

	run_sh(&run, "trap '' TERM; sleep 30", 200000, 1 << 20);
	assert_true(run.r.timed_out);
	assert_int_equal(run.r.term_signal, SIGKILL);
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_closes_stdout_keeps_running(void **state)
{
	struct run run;

	run_sh(&run, "exec >&- 2>&-; sleep 30", 300000, 1 << 20);
	assert_true(run.r.timed_out);
	assert_int_equal(poll_classify(&run.r), POLL_REASON_TIMEOUT);
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_one_gib_output_is_capped(void **state)
{
	struct run run;

	/* a child printing 1 GiB is stopped at the cap (here 8 MiB) */
	run_sh(&run, "head -c 1073741824 /dev/zero", 20000000, 8 << 20);
	assert_true(run.r.too_large);
	assert_true(run.r.bytes <= (8 << 20));
	assert_int_equal(poll_classify(&run.r), POLL_REASON_OUTPUT_TOO_LARGE);
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_missing_binary(void **state)
{
	char *argv[] = { (char *)"/nonexistent/ipsec", (char *)"whack", NULL };
	char *envp[] = { NULL };
	struct run run;
	struct spawn *s = NULL;

	memset(&run, 0, sizeof(run));
	assert_int_equal(sd_event_new(&run.e), 0);
	assert_int_equal(spawn_start(run.e, argv, envp, 1000000, 1024, on_data, on_done, &run, &s),
			 0);
	assert_int_equal(sd_event_loop(run.e), 0);
	assert_int_equal(run.r.spawn_error, ENOENT);
	assert_int_equal(poll_classify(&run.r), POLL_REASON_SPAWN_FAILED);
	spawn_free(s);
	sd_event_unref(run.e);
	assert_no_zombies();
}

static void test_descriptors_and_environment(void **state)
{
	struct run run;
	int leak = open("/dev/null", O_RDONLY);	/* deliberately without O_CLOEXEC */

	assert_true(leak >= 3);
	run_sh(&run, "ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; env | sort", 5000000,
	       1 << 20);
	close(leak);
	/* 0, 1, 2 and the descriptor ls uses to read the directory */
	assert_non_null(strstr(run.out.buf, "0 1 2 3 \n"));
	assert_null(strstr(run.out.buf, "NOTIFY_SOCKET"));
	assert_non_null(strstr(run.out.buf, "ONLY_THIS=1"));
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_classify_whack_messages(void **state)
{
	struct spawn_result r = { .exited = true, .exit_status = 1 };

	r.err_text = "whack: Pluto is not running (no \"/run/pluto/pluto.ctl\")\n";
	assert_int_equal(poll_classify(&r), POLL_REASON_NOT_RUNNING);
	r.err_text = "ipsec whack: ERROR: Pluto is not running (no \"/run/pluto/pluto.ctl\"): No "
		     "such file or directory (errno 2)\n";
	assert_int_equal(poll_classify(&r), POLL_REASON_NOT_RUNNING);
	r.err_text =
		"whack: connect() for \"/run/pluto/pluto.ctl\" failed (13 Permission denied)\n";
	assert_int_equal(poll_classify(&r), POLL_REASON_PERMISSION);
	r.err_text =
		"whack: no right to communicate with pluto (access(\"/run/pluto/pluto.ctl\"))\n";
	assert_int_equal(poll_classify(&r), POLL_REASON_PERMISSION);
	r.err_text =
		"whack: connect() for \"/run/pluto/pluto.ctl\" failed (111 Connection refused)\n";
	assert_int_equal(poll_classify(&r), POLL_REASON_NOT_RUNNING);
	r.err_text = "whack: connect() for \"/run/pluto/pluto.ctl\" failed (11 Resource "
		     "temporarily unavailable)\n";
	assert_int_equal(poll_classify(&r), POLL_REASON_CONNECT_FAILED);
	r.err_text = "";
	r.exit_status = 0;
	assert_int_equal(poll_classify(&r), -1);
}

static void test_describe(void **state)
{
	struct spawn_result r = { .exited = true, .exit_status = 1 };
	char buf[160], small[20];
	struct run run;

	r.err_text = "\n  whack: no right to communicate with pluto "
		     "(access(\"/run/pluto/pluto.ctl\"))  \n"
		     "more\n";
	assert_string_equal(spawn_result_describe(&r, buf, sizeof(buf)),
			    "exit status 1: whack: no right to communicate with pluto "
			    "(access(\"/run/pluto/pluto.ctl\"))");
	r.err_text = "";
	r.exit_status = 5;
	assert_string_equal(spawn_result_describe(&r, buf, sizeof(buf)), "exit status 5");
	r.err_text = NULL;
	assert_string_equal(spawn_result_describe(&r, buf, sizeof(buf)), "exit status 5");
	assert_string_equal(spawn_result_describe(&r, small, sizeof(small)), "exit status 5");
	r.err_text = "a message longer than the buffer";
	assert_string_equal(spawn_result_describe(&r, small, sizeof(small)), "exit status 5: a me");
	r = (struct spawn_result){ .spawn_error = ENOENT, .err_text = "" };
	assert_string_equal(spawn_result_describe(&r, buf, sizeof(buf)),
			    "could not be started: No such file or directory");
	r = (struct spawn_result){ .timed_out = true, .term_signal = SIGKILL, .err_text = "" };
	assert_string_equal(spawn_result_describe(&r, buf, sizeof(buf)), "killed at its deadline");
	r = (struct spawn_result){ .too_large = true, .term_signal = SIGKILL, .err_text = "" };
	assert_string_equal(spawn_result_describe(&r, buf, sizeof(buf)),
			    "killed at the output cap");
	/* a real child killed by a signal */
	run_sh(&run, "echo going >&2; kill -TERM $$", 5000000, 1 << 20);
	assert_string_equal(spawn_result_describe(&run.r, buf, sizeof(buf)),
			    "killed by signal 15 (Terminated): going");
	strbuf_release(&run.out);
	assert_no_zombies();
}

static void test_classify_kernel_helper(void **state)
{
	struct spawn_result r = { .exited = true, .exit_status = 0, .err_text = "" };

	assert_int_equal(poll_classify_kernel(&r), -1);
	r.exit_status = 3;	/* XFRM refused: no CAP_NET_ADMIN */
	assert_int_equal(poll_classify_kernel(&r), POLL_REASON_PERMISSION);
	r.exit_status = 1;
	r.err_text = "xfrm-helper: opening the XFRM netlink socket: Operation not permitted\n";
	/* its status decides, not its words */
	assert_int_equal(poll_classify_kernel(&r), POLL_REASON_EXIT_STATUS);
	r = (struct spawn_result){
		.exited = true, .exit_status = 0, .timed_out = true, .err_text = ""
	};
	assert_int_equal(poll_classify_kernel(&r), POLL_REASON_TIMEOUT);
	r = (struct spawn_result){ .term_signal = 9, .too_large = true, .err_text = "" };
	assert_int_equal(poll_classify_kernel(&r), POLL_REASON_OUTPUT_TOO_LARGE);
	r = (struct spawn_result){ .spawn_error = 2, .err_text = "" };
	assert_int_equal(poll_classify_kernel(&r), POLL_REASON_SPAWN_FAILED);
	r = (struct spawn_result){ .term_signal = 11, .err_text = "" };
	assert_int_equal(poll_classify_kernel(&r), POLL_REASON_EXIT_STATUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_exit),
		cmocka_unit_test(test_classify_kernel_helper),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_sigterm_ignored_then_sigkill),
		cmocka_unit_test(test_closes_stdout_keeps_running),
		cmocka_unit_test(test_one_gib_output_is_capped),
		cmocka_unit_test(test_missing_binary),
		cmocka_unit_test(test_descriptors_and_environment),
		cmocka_unit_test(test_classify_whack_messages),
		cmocka_unit_test(test_describe),
	};
	sigset_t mask;

	/* sd-event's child sources need SIGCHLD blocked, as loop_new() does in the daemon */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
