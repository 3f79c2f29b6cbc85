/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * The HTTP server's state, what its files share (ell's dhcp-private.h way), from the bottom up:
 * server.c (the refusal counts and their log, driving libmicrohttpd's timer), admission.c (the
 * listening sockets, accept, admission and shedding, TLS hand-off, the header deadline),
 * request.c (a request: routes, the page and its bodies, basic auth through the password
 * workers) and http.c on top (the server's life: start, reload, stop, its own metrics). Nothing
 * outside src/http/ includes it.
 */

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <systemd/sd-event.h>

#include "http/guard.h"
#include "http/options.h"
#include "http/page.h"
#include "lib/metrics.h"

struct auth_pool;
struct page_maker;
struct tls_conn;
struct tls_ctx;
struct web_config;

#define HTTP_MEMORY_LIMIT (64 * 1024)	/* per connection: request headers only */
#define HTTP_BACKLOG 1024	/* absorbs a burst of connections refused after accept() */
/* Connections accepted per turn of the loop (the listening socket is level-triggered: the rest
 * wait for the next turn, after the other sources had theirs). */
#define HTTP_ACCEPT_BATCH 32
/*
 * libmicrohttpd's own cap sits above ours by this much: a connection shed to admit another
 * is closed by libmicrohttpd's next run, so for a moment both are counted there.
 */
#define HTTP_MHD_SLACK 256
/*
 * Password checks: one worker (bcrypt is CPU-bound and the loop needs the other
 * core), at most 16 checks queued or running (about 0.9 s of work at cost 10:
 * a check that waits behind a full queue still answers well within a scrape
 * timeout), and per client address 10 checks at once, then one a second;
 * checks that match are given back, so only failures cost.
 */
#define HTTP_AUTH_WORKERS 1
#define HTTP_AUTH_QUEUE 16
#define HTTP_AUTH_BURST 10
#define HTTP_AUTH_INTERVAL_USEC UINT64_C(1000000)
#define HTTP_AUTH_MAX_BUCKETS 4096
/* An address that completed an authenticated request keeps priority this long, at most this many.
 */
#define HTTP_TRUST_USEC (3600 * UINT64_C(1000000))
#define HTTP_MAX_TRUSTED 4096
/* An abuse episode ends after this long without a refusal of its kind. */
#define HTTP_EPISODE_QUIET_USEC (60 * UINT64_C(1000000))
#define HTTP_DEADLINE_ACCURACY_USEC (50 * UINT64_C(1000))

enum auth_state {
	AUTH_STATE_NONE,	/* this request's password was not checked yet */
	AUTH_STATE_PENDING,	/* the worker has it; the request is suspended */
	AUTH_STATE_MATCH,
	AUTH_STATE_MISMATCH,
};

/* A listening socket: ours, accepted from here, handed to libmicrohttpd (or TLS first). */
struct listener {
	struct http_server *server;
	int fd;
	sd_event_source *io;
	uint16_t port;
};

/*
 * One client connection, from accept() until both its halves are gone: the
 * TLS session (tls.h; none on plain HTTP) and libmicrohttpd's connection
 * (from its STARTED notification to CLOSED).
 */
struct http_conn {
	struct http_server *server;
	struct MHD_Connection *mhd;
	struct tls_conn *tls;
	int fd; /* plain HTTP: the client's socket (libmicrohttpd's); TLS: -1 */
	struct sockaddr_storage sa;	/* the client's address */
	socklen_t salen;
	bool proven;			/* it completed an authorised request: never shed */
	bool trusted;			/* its address did lately (guard_trusted()): shed by none */
	bool doomed; /* being closed (shed, or past its deadline): counted no more */
	unsigned auth_gen;		/* the configuration its password check was made against */
	char key[GUARD_KEY_MAX];	/* client address */
	char bucket[GUARD_KEY_MAX];	/* its password budget */
	uint64_t deadline; /* the request's headers are due (CLOCK_MONOTONIC); 0: not waiting */
	struct http_conn *wait_prev, *wait_next;	/* in the deadline list, by deadline */
	struct http_conn *prev, *next;			/* in the list of all connections */
	enum auth_state auth;
	bool known_user;		/* the pending check is for a configured user */
	bool suspended;
	bool waiting_page;		/* held until the first poll cycle's page exists */
	bool waiting_body;		/* held until the body it wants is made (page_maker.h) */
	enum metrics_format want_format;	/* that body */
	bool want_gzip;
	struct page *page;		/* its page, while waiting for the body (a reference) */
};

/* Refusals of one kind: logged when the first comes, summed up when they stop. */
struct episode {
	bool active;
	uint64_t count;
	uint64_t last_usec;
};

struct http_server {
	sd_event *event;
	struct http_options opt;
	struct web_config *web;		/* the current configuration (a reference), or NULL */
	unsigned web_gen;		/* bumped by each reload */
	struct tls_ctx *tls;		/* TLS for new connections, or NULL: plain HTTP */
	struct MHD_Daemon
		*daemon; /* one, plain HTTP, fed the accepted (or decrypted) connections */
	sd_event_source *mhd_io;
	sd_event_source *mhd_timer;
	struct http_conn *adding;	/* the connection MHD_add_connection() is adding */
	uint64_t n_doomed;		/* of n_conns */
	bool accept_paused;		/* out of descriptors: accepting again when one closes */
	char *landing;
	struct guard guard;
	struct auth_pool *auth;
	struct page_maker *maker;
	struct http_conn *conns;
	uint64_t n_conns;
	struct http_conn *wait_head, *wait_tail;
	sd_event_source *deadline_timer;
	sd_event_source *episode_timer;
	uint64_t rejected[_HTTP_REJECT_MAX];
	struct episode episodes[_HTTP_REJECT_MAX];
	bool stopping;
	struct listener *listeners;	/* one per listening socket */
	size_t n_listeners;
};

/* server.c */

/* Label value of a reason ("per_ip_limit", ...). */
const char *http_reject_to_string(enum http_reject r);

/* The refusal episodes' timer: an episode with no refusal for a while is summed up and ends. */
int http_on_episode_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Count a refusal of kind r from addr (NULL: none to name), and log it when an episode begins. */
void http_reject(struct http_server *h, enum http_reject r, const char *addr);

/* Re-arm the timer libmicrohttpd asks for after a run. */
void http_arm_timer(struct http_server *h);

/* Let libmicrohttpd do what its sockets and timers are ready for, then re-arm its timer. */
void http_run_mhd(struct http_server *h);

/* admission.c */

/* Bind a listening TCP socket for "[host]:port" ("" host or ":port" = all, dual-stack). 0 or
 * -errno. */
int http_listen_socket(const char *addr, int *ret_fd);

/* A connection's request headers arrived (or it is closing): off the deadline list. */
void http_wait_remove(struct http_server *h, struct http_conn *c);

/* A connection now waits for its request's headers: on the deadline list. */
void http_wait_add(struct http_server *h, struct http_conn *c);

/* The connection is gone on both sides (TLS and libmicrohttpd): freed, and accepting resumed. */
void http_conn_release(struct http_server *h, struct http_conn *hc);

/* The deadline timer: connections whose headers are late are closed. */
int http_on_deadline(sd_event_source *s, uint64_t usec, void *userdata);

/* libmicrohttpd's connection notifications (started, closed). */
void http_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			enum MHD_ConnectionNotificationCode toe);

/* A connection accepted on a listener: admitted (shedding another at the limit) or refused. */
void http_admit(struct http_server *h, int fd, const struct sockaddr_storage *ss, socklen_t len);

/* Accept from the listening socket fd on the loop. 0 or -errno. */
int http_start_listener(struct http_server *h, int fd);

/* request.c */

/* Resume a request suspended for a password check or a body. */
void http_resume_conn(struct http_conn *c);

/* page_maker's callback: a body some requests wait for is made. */
void http_on_body_made(void *userdata, struct page *p, enum metrics_format format, bool gzip);

/* The password workers' callback: a check is done. */
void http_on_auth_done(void *userdata, void *token, bool match);

/* libmicrohttpd's request handler: routes, authorisation, the page. */
enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url,
				const char *method, const char *version, const char *upload_data,
				size_t *upload_size, void **con_cls);

/* libmicrohttpd's request completion: a proven connection, a released page. */
void http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		       enum MHD_RequestTerminationCode toe);
