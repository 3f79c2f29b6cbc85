/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <signal.h>

#include "lib/log.h"
#include "daemon/loop.h"

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	log_info("received %s, stopping", si->ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int on_hup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	const struct loop_reload *r = userdata;

	log_info("received SIGHUP, reloading the web configuration");
	r->fn(r->userdata);
	return 0;
}

int loop_new(sd_event **ret, const struct loop_reload *reload)
{
	sd_event *e = NULL;
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGCHLD);
	if (reload)
		sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	(void)signal(SIGPIPE, SIG_IGN);

	r = sd_event_new(&e);
	if (r < 0)
		return r;
	r = sd_event_add_signal(e, NULL, SIGTERM, on_signal, NULL);
	if (r >= 0)
		r = sd_event_add_signal(e, NULL, SIGINT, on_signal, NULL);
	if (r >= 0 && reload)
		r = sd_event_add_signal(e, NULL, SIGHUP, on_hup, (void *)reload);
	if (r >= 0)
		r = sd_event_set_watchdog(e, true);
	if (r < 0) {
		sd_event_unref(e);
		return r;
	}
	*ret = e;
	return 0;
}
