/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

/*
 * The HTTP side: libmicrohttpd in external-epoll mode driven by sd-event (no
 * thread). Serves the current page at the telemetry path, a landing page at
 * /, /-/healthy and /-/ready; 404 for other paths, 405 for other methods.
 * Knows nothing of IPsec: pages come from a callback.
 */

struct page;
struct http_server;
struct web_config;

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
	uint64_t timeout_usec;
	struct web_config *web;		/* TLS and basic auth (--web.config.file), or NULL */
	http_page_fn page_fn;
	http_ready_fn ready_fn;
	void *userdata;
};

/* Bind, start libmicrohttpd and hook it into e. 0 or -errno (logged). */
int http_start(sd_event *e, const struct http_options *o, struct http_server **ret);

/* Stop serving; NULL is a no-op; returns NULL. */
struct http_server *http_free(struct http_server *h);

/* A (new) page exists: answer the scrapes held since before the first poll cycle. */
void http_page_ready(struct http_server *h);

/* Port of the i-th listener (useful with port 0). */
uint16_t http_port(const struct http_server *h, size_t i);

/* Bind a listening TCP socket for "[host]:port" ("" host or ":port" = all, dual-stack). 0 or -errno. */
int http_listen_socket(const char *addr, int *ret_fd);
