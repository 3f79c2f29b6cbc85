/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "lib/metrics.h"
#include "sources/source.h"

/*
 * The poll cycle: every --poll.interval, run every source's commands concurrently (or read the
 * --input.* files), feed their output to the sources' parsers as it arrives, then, on a worker
 * thread, update the model and the sources and render the page once (the text format; other
 * forms are made from it when a scrape first wants them, see http/page.h), and swap it in.
 * Scrapes only ever see a finished page.
 */

struct exporter_config;
struct page;
struct poller;
struct strbuf;

/* Called after each completed cycle (for sd_notify STATUS=, --once). */
typedef void (*poller_cycle_fn)(void *userdata, const struct poller *p);

/* Appends more families to each page as it is rendered (the HTTP server's own metrics). */
typedef void (*poller_extra_fn)(void *userdata, struct strbuf *sb);

/* A poller on event e; starts the first cycle at once. */
int poller_new(sd_event *e, const struct exporter_config *cfg, poller_cycle_fn fn, void *userdata,
	       struct poller **ret);

/* Have fn append to every page from the next cycle on (the text format; NULL: nothing). */
void poller_set_page_extra(struct poller *p, poller_extra_fn fn, void *userdata);

/*
 * Have the page handed to fn in pieces as it is rendered, from the next cycle on (--once: the page
 * is never whole in memory); the cycle's page then holds only the rest, which follows them.
 */
void poller_set_page_sink(struct poller *p, metrics_flush_fn fn, void *userdata);

/* Stop (children are killed and reaped); NULL is a no-op; returns NULL. */
struct poller *poller_free(struct poller *p);

/* The current page with a new reference (caller unrefs), or NULL before the first cycle. */
struct page *poller_get_page(const struct poller *p);

/* True once a cycle has completed. */
bool poller_is_ready(const struct poller *p);

/* The counters of the last cycle. */
const struct poll_stats *poller_get_stats(const struct poller *p);

/* One-line summary for STATUS= ("12 connections, 11 up" or the current error). */
const char *poller_get_summary(const struct poller *p);
