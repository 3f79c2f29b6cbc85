/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>

#include "lib/log.h"
#include "http/page.h"
#include "http/page_maker.h"
#include "lib/util.h"

struct job {
	struct job *next;
	struct page *page;	/* a reference */
	enum metrics_format format;
	bool gzip;
	unsigned slices;
	uint64_t work_usec;	/* time spent in its slices */
};

struct page_maker {
	sd_event_source *slice;	/* a timer that is always due while there are jobs */
	page_maker_done_fn done_fn;
	void *userdata;
	struct job *head, *tail;	/* first in, first made */
	unsigned n_jobs;
};

static const char *format_name(enum metrics_format f)
{
	switch (f) {
	case METRICS_FORMAT_TEXT:
		return "text";
	case METRICS_FORMAT_OPENMETRICS:
		return "OpenMetrics";
	}
	return "?";
}

static struct job *job_free(struct job *j)
{
	page_unref(j->page);
	free(j);
	return NULL;
}

/*
 * One slice of the oldest job. The slices come from a timer that is due at
 * once, with the loop's normal priority (libmicrohttpd's too), and not from a
 * defer source: sd-event runs the pending source that has waited longest
 * among those of the best priority, and a defer source stays pending from
 * the iteration it was enabled in, so it would always be the oldest and
 * starve the HTTP side. A timer re-armed after each slice becomes pending
 * anew each iteration: slices and the HTTP work take turns.
 */
static int on_slice(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct page_maker *m = userdata;
	struct job *j = m->head;
	uint64_t start = now_monotonic_usec();
	int r;

	if (!j)
		return 0;
	do
		r = page_make(j->page, j->format, j->gzip, PAGE_MAKER_STEP);
	while (r == 0 && now_monotonic_usec() - start < PAGE_MAKER_SLICE_USEC);
	j->slices++;
	j->work_usec += now_monotonic_usec() - start;
	if (r == 0)
		return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	if (r > 0)
		log_debug("page body made: %s%s, %zu bytes, in %u slices, %.1f ms of work",
			  format_name(j->format), j->gzip ? " gzip" : "",
			  page_get_body(j->page, j->format, j->gzip)->len, j->slices,
			  (double)j->work_usec / 1000);
	else
		log_warn("Failed to make a page body (%s%s): %s, serving it uncompressed, ignoring",
			 format_name(j->format), j->gzip ? " gzip" : "", strerror(-r));
	m->head = j->next;
	if (!m->head)
		m->tail = NULL;
	else
		(void)sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	m->n_jobs--;
	/* a body that cannot be made (r < 0) is told as done too: the waiters serve the plain one
	 */
	m->done_fn(m->userdata, j->page, j->format, j->gzip);
	job_free(j);
	return 0;
}

int page_maker_new(sd_event *e, page_maker_done_fn fn, void *userdata, struct page_maker **ret)
{
	struct page_maker *m = xcalloc(1, sizeof(*m));
	int r;

	m->done_fn = fn;
	m->userdata = userdata;
	/* due at once (time 1 is long past), to the microsecond */
	r = sd_event_add_time(e, &m->slice, CLOCK_MONOTONIC, 1, 1, on_slice, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->slice, SD_EVENT_OFF);
	if (r < 0) {
		page_maker_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

struct page_maker *page_maker_free(struct page_maker *m)
{
	if (!m)
		return NULL;
	while (m->head) {
		struct job *j = m->head;

		m->head = j->next;
		job_free(j);
	}
	m->slice = sd_event_source_disable_unref(m->slice);
	free(m);
	return NULL;
}

int page_maker_want(struct page_maker *m, struct page *p, enum metrics_format format, bool gzip)
{
	struct job *j;
	int r;

	if (page_make(p, format, gzip, 0) != 0)
		return 1;
	for (j = m->head; j; j = j->next)
		if (j->page == p && j->format == format && j->gzip == gzip)
			return 0;
	if (!m->head) {
		r = sd_event_source_set_enabled(m->slice, SD_EVENT_ONESHOT);
		if (r < 0)
			return r;
	}
	j = xcalloc(1, sizeof(*j));
	j->page = page_ref(p);
	j->format = format;
	j->gzip = gzip;
	if (m->tail)
		m->tail->next = j;
	else
		m->head = j;
	m->tail = j;
	m->n_jobs++;
	return 0;
}

unsigned page_maker_pending(const struct page_maker *m)
{
	return m->n_jobs;
}
