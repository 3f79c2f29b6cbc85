/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/offloop.h"
#include "lib/util.h"

struct offloop_waker {
	int efd;
	sd_event_source *src;
	offloop_woken_fn fn;
	void *userdata;
};

static int on_wake(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct offloop_waker *w = userdata;
	eventfd_t v;

	(void)eventfd_read(w->efd, &v);
	w->fn(w->userdata);
	return 0;
}

int offloop_waker_new(sd_event *e, offloop_woken_fn fn, void *userdata, struct offloop_waker **ret)
{
	struct offloop_waker *w = xcalloc(1, sizeof(*w));
	int r;

	w->fn = fn;
	w->userdata = userdata;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		r = -errno;
		free(w);
		return r;
	}
	r = sd_event_add_io(e, &w->src, w->efd, EPOLLIN, on_wake, w);
	if (r < 0) {
		(void)close(w->efd);
		free(w);
		return r;
	}
	*ret = w;
	return 0;
}

void offloop_wake(struct offloop_waker *w)
{
	(void)eventfd_write(w->efd, 1);
}

struct offloop_waker *offloop_waker_free(struct offloop_waker *w)
{
	if (!w)
		return NULL;
	w->src = sd_event_source_disable_unref(w->src);
	(void)close(w->efd);
	free(w);
	return NULL;
}

int offloop_thread_start(pthread_t *ret, size_t stack_size, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	pthread_attr_t attr;
	int r;

	(void)pthread_attr_init(&attr);
	if (stack_size)
		(void)pthread_attr_setstacksize(&attr, stack_size);
	/* the new thread inherits the mask: it takes no signal */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(ret, &attr, fn, arg);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	(void)pthread_attr_destroy(&attr);
	return r;
}
