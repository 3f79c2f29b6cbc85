/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the password worker with a real sd-event loop and real bcrypt: a
 * right and a wrong password come back as match and mismatch, through the
 * callback, on the loop's own thread, while the loop keeps turning (a timer
 * fires during a costly check); the queue refuses a check beyond its bound
 * with -EAGAIN; stopping with checks queued runs no callback and leaks
 * nothing.
 */
#include "autoconfig.h"

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "http/auth.h"
#include "lib/util.h"

struct result {
	int token;
	bool match;
	bool on_loop_thread;
};

struct state {
	sd_event *e;
	pthread_t loop_thread;
	struct result results[8];
	size_t n;
	size_t expect;
	unsigned ticks;
};

static char *make_hash(const char *password, unsigned long cost)
{
	struct crypt_data cd;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_gensalt_rn("$2b$", cost, NULL, 0, salt, (int)sizeof(salt)));
	h = crypt_rn(password, salt, &cd, (int)sizeof(cd));
	assert_non_null(h);
	return xstrdup(h);
}

static void on_done(void *userdata, void *token, bool match)
{
	struct state *s = userdata;

	assert_true(s->n < ELEMENTSOF(s->results));
	s->results[s->n++] = (struct result){ (int)(intptr_t)token, match,
					      pthread_equal(pthread_self(), s->loop_thread) };
	if (s->n == s->expect)
		(void)sd_event_exit(s->e, 0);
}

static int on_tick(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct state *s = userdata;

	s->ticks++;
	(void)sd_event_source_set_time_relative(src, 1000);
	return sd_event_source_set_enabled(src, SD_EVENT_ON);
}

static int on_give_up(sd_event_source *src, uint64_t usec, void *userdata)
{
	fail_msg("no result within 30 s");
	return 0;
}

static void test_checks(void **state)
{
	struct state s = { .loop_thread = pthread_self(), .expect = 2 };
	struct auth_pool *p = NULL;
	sd_event_source *tick = NULL, *give_up = NULL;
	char *hash = make_hash("s3cret", 10);

	assert_int_equal(sd_event_new(&s.e), 0);
	assert_int_equal(auth_pool_new(s.e, 1, 2, on_done, &s, &p), 0);
	assert_int_equal(auth_pool_submit(p, "s3cret", hash, (void *)1), 0);
	assert_int_equal(auth_pool_submit(p, "wrong", hash, (void *)2), 0);
	assert_int_equal(auth_pool_pending(p), 2);
	/* the bound: a third check is refused at once */
	assert_int_equal(auth_pool_submit(p, "third", hash, (void *)3), -EAGAIN);
	/* a 1 ms timer keeps firing while bcrypt (cost 10, tens of ms each) runs elsewhere */
	assert_int_equal(
		sd_event_add_time_relative(s.e, &tick, CLOCK_MONOTONIC, 1000, 1, on_tick, &s), 0);
	assert_int_equal(sd_event_add_time_relative(s.e, &give_up, CLOCK_MONOTONIC, 30 * 1000000, 0,
						    on_give_up, &s), 0);
	assert_int_equal(sd_event_loop(s.e), 0);

	assert_int_equal(s.n, 2);
	assert_int_equal(s.results[0].token, 1);
	assert_true(s.results[0].match);
	assert_int_equal(s.results[1].token, 2);
	assert_false(s.results[1].match);
	assert_true(s.results[0].on_loop_thread && s.results[1].on_loop_thread);
	assert_int_equal(auth_pool_pending(p), 0);
	assert_int_equal(auth_pool_completed(p), 2);
	assert_true(s.ticks >= 10);
	p = auth_pool_free(p);
	sd_event_source_unref(tick);
	sd_event_source_unref(give_up);
	sd_event_unref(s.e);
	free(hash);
}

static void test_stop_with_queue(void **state)
{
	struct state s = { .loop_thread = pthread_self() };
	struct auth_pool *p = NULL;
	char *hash = make_hash("s3cret", 8);

	assert_int_equal(sd_event_new(&s.e), 0);
	assert_int_equal(auth_pool_new(s.e, 2, 8, on_done, &s, &p), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(auth_pool_submit(p, "pw", hash, (void *)(intptr_t)i), 0);
	/* running checks finish, queued ones are dropped, nothing is called back */
	assert_null(auth_pool_free(p));
	assert_int_equal(s.n, 0);
	assert_null(auth_pool_free(NULL));
	sd_event_unref(s.e);
	free(hash);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_stop_with_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
