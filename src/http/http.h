/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

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

struct page;
struct http_server;
struct strbuf;
struct web_config;

/* Why a connection or request was refused (the reason label of libreswan_http_rejected_total). */
enum http_reject {
	HTTP_REJECT_CONNECTION_LIMIT,	/* --web.max-connections reached */
	HTTP_REJECT_PER_IP_LIMIT,	/* --web.max-connections-per-ip reached */
	HTTP_REJECT_HEADER_TIMEOUT,	/* headers not complete within --web.read-header-timeout */
	HTTP_REJECT_UNAUTHORIZED,	/* 401: missing or wrong credentials, unknown user */
	HTTP_REJECT_RATE_LIMITED,	/* 429: the address used up its password attempts */
	HTTP_REJECT_AUTH_BUSY,		/* 503: the password checks queue is full */
	HTTP_REJECT_CLIENT_CERT,	/* TLS: no valid (or allowed) client certificate */
	HTTP_REJECT_SHED,		/* closed, request-less, to admit another at --web.max-connections */
	HTTP_REJECT_TLS_HANDSHAKE,	/* TLS: the handshake failed */
	_HTTP_REJECT_MAX,
};

/* Returns the current page with a reference (or NULL before the first poll). */
typedef struct page *(*http_page_fn)(void *userdata);

/* True once the first poll cycle completed. */
typedef bool (*http_ready_fn)(void *userdata);

struct http_options {
	const char *telemetry_path;
	const char *const *listen;	/* "[host]:port" strings */
	size_t n_listen;
	int listen_fd;			/* an inherited listening socket (socket activation), or -1 */
	uint64_t max_connections;
	uint64_t max_connections_per_ip;
	uint64_t timeout_usec;		/* idle time */
	uint64_t header_timeout_usec;	/* a request's headers must be complete within this */
	struct web_config *web;		/* TLS and basic auth (--web.config.file), or NULL */
	http_page_fn page_fn;
	http_ready_fn ready_fn;
	void *userdata;
};

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

/* Label value of a reason ("per_ip_limit", ...). */
const char *http_reject_to_string(enum http_reject r);

/* Bind a listening TCP socket for "[host]:port" ("" host or ":port" = all, dual-stack). 0 or -errno. */
int http_listen_socket(const char *addr, int *ret_fd);
