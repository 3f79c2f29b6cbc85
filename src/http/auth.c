/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "http/auth.h"
#include "lib/offloop.h"
#include "lib/util.h"

/* bcrypt needs little stack; the default 8 MiB would only cost address space. */
#define AUTH_STACK_SIZE (256 * 1024)
/* Workers yield the CPU to the loop when both want it (refused under the unit's filter: harmless).
 */
#define AUTH_NICE 10

struct auth_job {
	struct auth_job *next;
	void *token;
	char *password;
	char *hash;
	bool match;
};

struct auth_pool {
	auth_done_fn fn;
	void *userdata;
	struct offloop_waker *waker;	/* a worker's result is waiting */
	size_t max_jobs;
	size_t pending;			/* submitted, not yet handed to fn (loop only) */
	pthread_t *threads;
	unsigned n_threads;
	/* under lock: */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct auth_job *queue, **queue_tail;	/* waiting for a worker */
	struct auth_job *done, **done_tail;	/* finished, waiting for the loop */
	unsigned long long completed;
	bool stop;
};

static void job_free(struct auth_job *j)
{
	explicit_bzero(j->password, strlen(j->password));
	free(j->password);
	free(j->hash);
	free(j);
}

static void free_list(struct auth_job *j)
{
	while (j) {
		struct auth_job *next = j->next;

		job_free(j);
		j = next;
	}
}

static void *worker(void *arg)
{
	struct auth_pool *p = arg;
	struct crypt_data *cd = xmalloc(sizeof(*cd));

	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), AUTH_NICE);
	for (;;) {
		struct auth_job *j;
		const char *h;

		(void)pthread_mutex_lock(&p->lock);
		while (!p->stop && !p->queue)
			(void)pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop) {
			(void)pthread_mutex_unlock(&p->lock);
			break;
		}
		j = p->queue;
		p->queue = j->next;
		if (!p->queue)
			p->queue_tail = &p->queue;
		(void)pthread_mutex_unlock(&p->lock);

		memset(cd, 0, sizeof(*cd));
		/* crypt_rn(): libxcrypt's reentrant variant that never returns a "*0" token, and
		 * that sanitizer runtimes do not intercept (their crypt_r hook breaks on
		 * libxcrypt). */
		h = crypt_rn(j->password, j->hash, cd, (int)sizeof(*cd));
		j->match = h && streq_secret(h, j->hash);
		explicit_bzero(cd, sizeof(*cd));
		explicit_bzero(j->password, strlen(j->password));
		j->next = NULL;

		(void)pthread_mutex_lock(&p->lock);
		*p->done_tail = j;
		p->done_tail = &j->next;
		p->completed++;
		(void)pthread_mutex_unlock(&p->lock);
		offloop_wake(p->waker);
	}
	free(cd);
	return NULL;
}

static void on_done(void *userdata)
{
	struct auth_pool *p = userdata;
	struct auth_job *list;

	(void)pthread_mutex_lock(&p->lock);
	list = p->done;
	p->done = NULL;
	p->done_tail = &p->done;
	(void)pthread_mutex_unlock(&p->lock);
	while (list) {
		struct auth_job *j = list;

		list = j->next;
		p->pending--;
		p->fn(p->userdata, j->token, j->match);
		job_free(j);
	}
}

static void stop_workers(struct auth_pool *p)
{
	(void)pthread_mutex_lock(&p->lock);
	p->stop = true;
	(void)pthread_cond_broadcast(&p->cond);
	(void)pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n_threads; i++)
		(void)pthread_join(p->threads[i], NULL);
	p->n_threads = 0;
}

int auth_pool_new(sd_event *e, unsigned n_workers, size_t max_jobs, auth_done_fn fn, void *userdata,
		  struct auth_pool **ret)
{
	struct auth_pool *p = xcalloc(1, sizeof(*p));
	int r;

	p->fn = fn;
	p->userdata = userdata;
	p->max_jobs = max_jobs;
	p->queue_tail = &p->queue;
	p->done_tail = &p->done;
	(void)pthread_mutex_init(&p->lock, NULL);
	(void)pthread_cond_init(&p->cond, NULL);
	r = offloop_waker_new(e, on_done, p, &p->waker);
	if (r < 0)
		goto fail;
	p->threads = xcalloc(n_workers, sizeof(*p->threads));
	for (unsigned i = 0; i < n_workers; i++) {
		r = offloop_thread_start(&p->threads[i], AUTH_STACK_SIZE, worker, p);
		if (r < 0)
			goto fail;
		p->n_threads++;
	}
	*ret = p;
	return 0;
fail:
	auth_pool_free(p);
	return r;
}

int auth_pool_submit(struct auth_pool *p, const char *password, const char *hash, void *token)
{
	struct auth_job *j;

	if (p->pending >= p->max_jobs)
		return -EAGAIN;
	j = xcalloc(1, sizeof(*j));
	j->token = token;
	j->password = xstrdup(password);
	j->hash = xstrdup(hash);
	p->pending++;
	(void)pthread_mutex_lock(&p->lock);
	*p->queue_tail = j;
	p->queue_tail = &j->next;
	(void)pthread_cond_signal(&p->cond);
	(void)pthread_mutex_unlock(&p->lock);
	return 0;
}

size_t auth_pool_pending(const struct auth_pool *p)
{
	return p->pending;
}

unsigned long long auth_pool_completed(const struct auth_pool *p)
{
	struct auth_pool *q = (struct auth_pool *)p;	/* the lock is the only thing written */
	unsigned long long n;

	(void)pthread_mutex_lock(&q->lock);
	n = q->completed;
	(void)pthread_mutex_unlock(&q->lock);
	return n;
}

struct auth_pool *auth_pool_free(struct auth_pool *p)
{
	if (!p)
		return NULL;
	stop_workers(p);
	p->waker = offloop_waker_free(p->waker);
	free_list(p->queue);
	free_list(p->done);
	free(p->threads);
	(void)pthread_cond_destroy(&p->cond);
	(void)pthread_mutex_destroy(&p->lock);
	free(p);
	return NULL;
}
