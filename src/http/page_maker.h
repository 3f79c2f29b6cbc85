/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>

#include <systemd/sd-event.h>

#include "lib/metrics.h"

/*
 * Makes the bodies of pages that requests wait for (the OpenMetrics form,
 * gzip) on the event loop, in slices of at most PAGE_MAKER_SLICE_USEC, so
 * that compressing a large page never stalls the loop: the scrapes, timers
 * and children of the loop take turns with it. Each body is made once,
 * however many requests want it; a job holds a reference to its page.
 */

struct page;
struct page_maker;

/* Slices of work: the loop's other sources run between them. */
#define PAGE_MAKER_SLICE_USEC 500
/* Input per step of page_make() (about 0.1 ms of gzip level 1); steps are repeated up to a slice.
 */
#define PAGE_MAKER_STEP (64 * 1024)

/* Called on the loop once the body of p in the given form is made, or could not be made. */
typedef void (*page_maker_done_fn)(void *userdata, struct page *p, enum metrics_format format,
				   bool gzip);

/* A maker on event loop e; fn is told of each body made. 0 or -errno. */
int page_maker_new(sd_event *e, page_maker_done_fn fn, void *userdata, struct page_maker **ret);

/* Drop the jobs (done is not called for them); NULL is a no-op; returns NULL. */
struct page_maker *page_maker_free(struct page_maker *m);

/*
 * Have the body made (takes its own reference to p): 0 when it is queued
 * (done follows, from the loop), 1 when there is nothing to wait for (it is
 * made already or it cannot be made), -errno if the job could not be queued.
 */
int page_maker_want(struct page_maker *m, struct page *p, enum metrics_format format, bool gzip);

/* Bodies being made or queued. */
unsigned page_maker_pending(const struct page_maker *m);
