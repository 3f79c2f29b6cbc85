/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "http/options.h"

/*
 * The HTTP side: libmicrohttpd in external-epoll mode driven by sd-event.
 * Serves the current page at the telemetry path, a landing page at /,
 * /-/healthy and /-/ready; 404 for other paths, 405 for other methods.
 * Knows nothing of IPsec: pages come from a callback. A request for a body
 * of the page that is not made yet (gzip, OpenMetrics) is suspended until
 * the page maker (page_maker.h) has made it in slices on the loop; requests
 * that want the same body meanwhile wait for the same making.
 *
 * The listening sockets are ours: connections are accepted on the loop (a
 * bounded number per turn), admitted, then served by one libmicrohttpd daemon
 * that has no listener of its own; TLS ends before it (tls.h), so a reload
 * (http_reload()) needs no new daemon and no new listener.
 *
 * No client can stall the loop or lock others out: connections are capped per
 * client address and in total (counted here, across all listeners); at the
 * total cap a newcomer is admitted by shedding a connection that proved least
 * (no authorised request completed, waiting for a request's headers, from the
 * address holding the most connections, the oldest), so a crowd sheds its own
 * and a scraper keeps its place; a request's headers must arrive in full within
 * a deadline however slowly a client trickles them; TLS handshakes advance one
 * step per turn; and passwords are checked by a worker thread (auth.h) while
 * the request is suspended, behind a bounded queue and a per-address budget of
 * failed attempts. Each refusal and shed is counted by reason and logged once
 * per episode.
 */

struct http_server;
struct strbuf;
struct web_config;

/* Bind, start libmicrohttpd and hook it into e. 0 or -errno (logged). */
int http_start(sd_event *e, const struct http_options *o, struct http_server **ret);

/*
 * Serve new connections and requests with web (NULL: plain HTTP, no auth):
 * its TLS certificate and settings apply to connections accepted from now on
 * (established ones keep theirs), its users and headers to every request from
 * now on. The listening sockets, the connections and the counters stay. 0, or
 * -errno with a one-line reason in *reterr (caller frees); then nothing changed.
 */
int http_reload(struct http_server *h, struct web_config *web, char **reterr);

/* Stop serving; NULL is a no-op; returns NULL. */
struct http_server *http_free(struct http_server *h);

/* A (new) page exists: answer the scrapes held since before the first poll cycle. */
void http_page_ready(struct http_server *h);

/* Port of the i-th listener (useful with port 0). */
uint16_t http_port(const struct http_server *h, size_t i);

/* Append the server's own metric families (text format) to a page being rendered. */
void http_render_stats(const struct http_server *h, struct strbuf *sb);
