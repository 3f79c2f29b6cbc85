/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/* What the HTTP server is started with (http.h), and what it counts its refusals by. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page;
struct web_config;

/* Why a connection or request was refused (the reason label of libreswan_http_rejected_total). */
enum http_reject {
	HTTP_REJECT_CONNECTION_LIMIT, /* --web.max-connections reached */
	HTTP_REJECT_PER_IP_LIMIT,     /* --web.max-connections-per-ip reached */
	HTTP_REJECT_HEADER_TIMEOUT,   /* headers not complete within --web.read-header-timeout */
	HTTP_REJECT_UNAUTHORIZED,     /* 401: missing or wrong credentials, unknown user */
	HTTP_REJECT_RATE_LIMITED,     /* 429: the address used up its password attempts */
	HTTP_REJECT_AUTH_BUSY,	      /* 503: the password checks queue is full */
	HTTP_REJECT_CLIENT_CERT,      /* TLS: no valid (or allowed) client certificate */
	HTTP_REJECT_SHED, /* closed, request-less, to admit another at --web.max-connections */
	HTTP_REJECT_TLS_HANDSHAKE, /* TLS: the handshake failed */
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
	int listen_fd; /* an inherited listening socket (socket activation), or -1 */
	uint64_t max_connections;
	uint64_t max_connections_per_ip;
	uint64_t timeout_usec;		/* idle time */
	uint64_t header_timeout_usec;	/* a request's headers must be complete within this */
	struct web_config *web;		/* TLS and basic auth (--web.config.file), or NULL */
	http_page_fn page_fn;
	http_ready_fn ready_fn;
	void *userdata;
};
