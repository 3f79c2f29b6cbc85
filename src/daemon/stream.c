/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>

#include "daemon/stream.h"
#include "lib/util.h"

struct stream {
	sd_event *event;
	char **argv;
	char *const *envp;
	enum privilege_child priv;
	stream_data_fn data_fn;
	stream_ended_fn ended_fn;
	void *userdata;
	struct spawn *child;
	sd_event_source *retry_src;
	uint64_t backoff_usec;		/* the next wait before a start */
	uint64_t started_usec;		/* when the running child was started */
	uint64_t starts;
};

static void start(struct stream *s);

static void on_data(void *userdata, char *data, size_t len)
{
	struct stream *s = userdata;

	s->data_fn(s->userdata, data, len);
}

static int on_retry(sd_event_source *src, uint64_t usec, void *userdata)
{
	start(userdata);
	return 0;
}

/* The child ended: a new one after the back-off (reset by a long run). */
static void on_done(void *userdata, const struct spawn_result *r)
{
	struct stream *s = userdata;
	uint64_t wait;

	if (now_monotonic_usec() - s->started_usec >= STREAM_BACKOFF_MAX_USEC)
		s->backoff_usec = STREAM_BACKOFF_MIN_USEC;
	wait = s->backoff_usec;
	s->backoff_usec = s->backoff_usec * 2 < STREAM_BACKOFF_MAX_USEC ? s->backoff_usec * 2
									: STREAM_BACKOFF_MAX_USEC;
	s->ended_fn(s->userdata, r, wait);
	/* the spawn is freed when the next one starts: this callback runs inside it */
	if (!s->retry_src) {
		if (sd_event_add_time_relative(s->event, &s->retry_src, CLOCK_MONOTONIC, wait,
					       100000, on_retry, s) < 0)
			return;
	} else {
		(void)sd_event_source_set_time_relative(s->retry_src, wait);
	}
	(void)sd_event_source_set_enabled(s->retry_src, SD_EVENT_ONESHOT);
}

static void start(struct stream *s)
{
	s->child = spawn_free(s->child);
	s->started_usec = now_monotonic_usec();
	s->starts++;
	privilege_ambient(s->priv);
	/* no deadline, no cap: it runs as long as the exporter; the reader bounds what it keeps */
	if (spawn_start(s->event, s->argv, s->envp, 0, UINT64_MAX, on_data, on_done, s, &s->child) <
	    0) {
		struct spawn_result r = { .spawn_error = ENOMEM, .err_text = "" };

		on_done(s, &r);
	}
	privilege_ambient(PRIVILEGE_CHILD_NONE);
}

int stream_new(sd_event *e, char *const argv[], char *const envp[], enum privilege_child priv,
	       stream_data_fn data_fn, stream_ended_fn ended_fn, void *userdata,
	       struct stream **ret)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	size_t n = 0;

	while (argv[n])
		n++;
	s->argv = xcalloc(n + 1, sizeof(*s->argv));
	for (size_t i = 0; i < n; i++)
		s->argv[i] = xstrdup(argv[i]);
	s->event = sd_event_ref(e);
	s->envp = envp;
	s->priv = priv;
	s->data_fn = data_fn;
	s->ended_fn = ended_fn;
	s->userdata = userdata;
	s->backoff_usec = STREAM_BACKOFF_MIN_USEC;
	start(s);
	*ret = s;
	return 0;
}

uint64_t stream_starts(const struct stream *s)
{
	return s->starts;
}

struct stream *stream_free(struct stream *s)
{
	if (!s)
		return NULL;
	s->retry_src = sd_event_source_disable_unref(s->retry_src);
	s->child = spawn_free(s->child);
	for (size_t i = 0; s->argv[i]; i++)
		free(s->argv[i]);
	free(s->argv);
	sd_event_unref(s->event);
	free(s);
	return NULL;
}
