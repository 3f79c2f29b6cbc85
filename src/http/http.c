/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "http/auth.h"
#include "http/guard.h"
#include "http/http.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "http/page.h"
#include "http/page_maker.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "http/tls.h"
#include "http/webconfig.h"

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
/* An address that completed an authenticated request keeps priority this long, at most this many. */
#define HTTP_TRUST_USEC (3600 * UINT64_C(1000000))
#define HTTP_MAX_TRUSTED 4096
/* An abuse episode ends after this long without a refusal of its kind. */
#define HTTP_EPISODE_QUIET_USEC (60 * UINT64_C(1000000))
#define HTTP_DEADLINE_ACCURACY_USEC (50 * UINT64_C(1000))

static const char content_type_text[] = "text/plain; version=0.0.4; charset=utf-8";
static const char content_type_openmetrics[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";

static const char *const reject_names[_HTTP_REJECT_MAX] = {
	[HTTP_REJECT_CONNECTION_LIMIT] = "connection_limit",
	[HTTP_REJECT_PER_IP_LIMIT] = "per_ip_limit",
	[HTTP_REJECT_HEADER_TIMEOUT] = "header_timeout",
	[HTTP_REJECT_UNAUTHORIZED] = "unauthorized",
	[HTTP_REJECT_RATE_LIMITED] = "rate_limited",
	[HTTP_REJECT_AUTH_BUSY] = "auth_busy",
	[HTTP_REJECT_CLIENT_CERT] = "client_cert",
	[HTTP_REJECT_SHED] = "shed",
	[HTTP_REJECT_TLS_HANDSHAKE] = "tls_handshake",
};

static const char *const reject_text[_HTTP_REJECT_MAX] = {
	[HTTP_REJECT_CONNECTION_LIMIT] = "connection refused: --web.max-connections reached",
	[HTTP_REJECT_PER_IP_LIMIT] = "connection refused: --web.max-connections-per-ip reached",
	[HTTP_REJECT_HEADER_TIMEOUT] = "connection closed: request headers not complete within "
				       "--web.read-header-timeout",
	[HTTP_REJECT_UNAUTHORIZED] = "request refused (401): missing or wrong credentials",
	[HTTP_REJECT_RATE_LIMITED] = "request refused (429): too many password attempts from one address",
	[HTTP_REJECT_AUTH_BUSY] = "request refused (503): the password checks queue is full",
	[HTTP_REJECT_CLIENT_CERT] = "TLS handshake refused: no valid client certificate (client_auth_type, "
				    "client_allowed_sans)",
	[HTTP_REJECT_SHED] = "connection closed to admit another at --web.max-connections: it had sent no "
			     "complete request, and its address held the most connections",
	[HTTP_REJECT_TLS_HANDSHAKE] = "TLS handshake failed (not TLS, or no common version, suite or curve)",
};

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
	int fd;				/* plain HTTP: the client's socket (libmicrohttpd's); TLS: -1 */
	struct sockaddr_storage sa;	/* the client's address */
	socklen_t salen;
	bool proven;			/* it completed an authorised request: never shed */
	bool trusted;			/* its address did lately (guard_trusted()): shed by none */
	bool doomed;			/* being closed (shed, or past its deadline): counted no more */
	unsigned auth_gen;		/* the configuration its password check was made against */
	char key[GUARD_KEY_MAX];	/* client address */
	char bucket[GUARD_KEY_MAX];	/* its password budget */
	uint64_t deadline;		/* the request's headers are due (CLOCK_MONOTONIC); 0: not waiting */
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
	struct MHD_Daemon *daemon;	/* one, plain HTTP, fed the accepted (or decrypted) connections */
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

const char *http_reject_to_string(enum http_reject r)
{
	return reject_names[r];
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

/* The headers of http_server_config.headers, on every response. */
static void add_config_headers(const struct http_server *h, struct MHD_Response *r)
{
	for (size_t i = 0; h->web && i < h->web->n_headers; i++)
		(void)MHD_add_response_header(r, h->web->headers[i].name, h->web->headers[i].value);
}

static enum MHD_Result queue_static(const struct http_server *h, struct MHD_Connection *c, unsigned status,
				    const char *type, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	add_config_headers(h, r);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The q-value of a media range or coding in an Accept-style header; -1 if absent. */
static double header_q(const char *header, const char *token)
{
	const char *p = header;
	size_t tlen = strlen(token);
	double best = -1;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *item = p;
		size_t ilen;

		while (*item == ' ' || *item == '\t')
			item++;
		ilen = strcspn(item, ";, \t");
		if (ilen == tlen && strncasecmp(item, token, tlen) == 0) {
			const char *q = item;
			double v = 1.0;

			while ((q = strchr(q, ';')) && q < p + len) {
				q++;
				while (*q == ' ')
					q++;
				if (q[0] == 'q' && q[1] == '=')
					v = strtod(q + 2, NULL);
			}
			if (v > best)
				best = v;
		}
		p = end ? end + 1 : NULL;
	}
	return best;
}

/* The first refusal of a kind is logged; then only counted until none came for a while. */
static int on_episode_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct http_server *h = userdata;
	uint64_t now = now_monotonic_usec(), next = 0;

	for (size_t r = 0; r < _HTTP_REJECT_MAX; r++) {
		struct episode *e = &h->episodes[r];

		if (!e->active)
			continue;
		if (now - e->last_usec >= HTTP_EPISODE_QUIET_USEC) {
			log_info("HTTP: episode over, %" PRIu64 " refusals of reason %s in all; none for %" PRIu64 " s",
				 e->count, reject_names[r], HTTP_EPISODE_QUIET_USEC / 1000000);
			*e = (struct episode){ 0 };
		} else if (!next || e->last_usec + HTTP_EPISODE_QUIET_USEC < next)
			next = e->last_usec + HTTP_EPISODE_QUIET_USEC;
	}
	if (next) {
		(void)sd_event_source_set_time(s, next);
		(void)sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	return 0;
}

static void reject(struct http_server *h, enum http_reject r, const char *addr)
{
	struct episode *e = &h->episodes[r];
	uint64_t now = now_monotonic_usec();

	h->rejected[r]++;
	e->count++;
	e->last_usec = now;
	if (e->active)
		return;
	e->active = true;
	log_warn("HTTP: %s (client %s); more of these are counted in "
		 "libreswan_http_rejected_total{reason=\"%s\"} and not logged until none came for %" PRIu64 " s",
		 reject_text[r], addr, reject_names[r], HTTP_EPISODE_QUIET_USEC / 1000000);
	if (h->episode_timer && sd_event_source_get_enabled(h->episode_timer, NULL) == 0) {
		(void)sd_event_source_set_time(h->episode_timer, now + HTTP_EPISODE_QUIET_USEC);
		(void)sd_event_source_set_enabled(h->episode_timer, SD_EVENT_ONESHOT);
	}
}

static void arm_timer(struct http_server *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (!h->mhd_timer)
		return;
	if (MHD_get_timeout(h->daemon, &ms) != MHD_YES) {
		(void)sd_event_source_set_enabled(h->mhd_timer, SD_EVENT_OFF);
		return;
	}
	(void)sd_event_source_set_time_relative(h->mhd_timer, (uint64_t)ms * 1000);
	(void)sd_event_source_set_enabled(h->mhd_timer, SD_EVENT_ONESHOT);
}

/* With an external loop, resumed and added connections are processed by the next MHD_run(). */
static void run_mhd(struct http_server *h)
{
	(void)MHD_run(h->daemon);
	arm_timer(h);
}

/*
 * The header deadline. A connection waits for a request's headers (and its
 * body, if one is sent) from its start (which covers the TLS handshake) and
 * again from the end of each response; libmicrohttpd's own timeout only
 * measures idle time, which a client trickling a byte now and then never
 * reaches. All deadlines are the
 * same distance from when they were set, so appending keeps the list sorted
 * and one timer, armed at the head, serves all.
 */
static void arm_deadline(struct http_server *h)
{
	if (!h->deadline_timer)
		return;
	if (!h->wait_head) {
		(void)sd_event_source_set_enabled(h->deadline_timer, SD_EVENT_OFF);
		return;
	}
	(void)sd_event_source_set_time(h->deadline_timer, h->wait_head->deadline);
	(void)sd_event_source_set_enabled(h->deadline_timer, SD_EVENT_ONESHOT);
}

static void wait_remove(struct http_server *h, struct http_conn *c)
{
	if (!c->deadline)
		return;
	if (c->wait_prev)
		c->wait_prev->wait_next = c->wait_next;
	else
		h->wait_head = c->wait_next;
	if (c->wait_next)
		c->wait_next->wait_prev = c->wait_prev;
	else
		h->wait_tail = c->wait_prev;
	c->wait_prev = c->wait_next = NULL;
	c->deadline = 0;
}

static void wait_add(struct http_server *h, struct http_conn *c)
{
	wait_remove(h, c);
	c->deadline = now_monotonic_usec() + h->opt.header_timeout_usec;
	c->wait_prev = h->wait_tail;
	if (h->wait_tail)
		h->wait_tail->wait_next = c;
	else
		h->wait_head = c;
	h->wait_tail = c;
	if (h->wait_head == c)
		arm_deadline(h);
}

/* A connection is gone on both sides (TLS and libmicrohttpd): forget it. */
static void conn_release(struct http_server *h, struct http_conn *hc)
{
	wait_remove(h, hc);
	hc->page = page_unref(hc->page);
	if (hc->prev)
		hc->prev->next = hc->next;
	else
		h->conns = hc->next;
	if (hc->next)
		hc->next->prev = hc->prev;
	if (hc->doomed)
		h->n_doomed--;
	else
		guard_conn_closed(&h->guard, hc->key);
	h->n_conns--;
	free(hc);
	if (h->accept_paused) {
		h->accept_paused = false;
		for (size_t i = 0; i < h->n_listeners; i++)
			(void)sd_event_source_set_enabled(h->listeners[i].io, SD_EVENT_ON);
	}
}

/*
 * Close a connection that has no request in progress (it is waiting for one's
 * headers): its address's count drops at once, and it no longer counts
 * against --web.max-connections. A TLS connection ends here and now (its
 * libmicrohttpd half, if any, sees the end of its socket at the next run); a
 * plain one has its socket ended under libmicrohttpd, which has no call to
 * close a connection, and its next run cleans it up.
 */
static void doom(struct http_server *h, struct http_conn *hc)
{
	wait_remove(h, hc);
	if (hc->doomed)
		return;
	hc->doomed = true;
	h->n_doomed++;
	guard_conn_closed(&h->guard, hc->key);
	if (hc->tls) {
		hc->tls = tls_conn_free(hc->tls);
		if (!hc->mhd)
			conn_release(h, hc);
	} else if (hc->fd >= 0)
		(void)shutdown(hc->fd, SHUT_RDWR);
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct http_server *h = userdata;
	uint64_t now = now_monotonic_usec();

	while (h->wait_head && h->wait_head->deadline <= now) {
		struct http_conn *c = h->wait_head;

		reject(h, HTTP_REJECT_HEADER_TIMEOUT, c->key);
		doom(h, c);
	}
	arm_deadline(h);
	return 0;
}

static void free_page_cb(void *cls)
{
	page_unref(cls);
}

static void suspend_conn(struct http_conn *c)
{
	c->suspended = true;
	MHD_suspend_connection(c->mhd);
}

static void resume_conn(struct http_conn *c)
{
	c->suspended = false;
	MHD_resume_connection(c->mhd);
}

/* A body was made (or could not be): the requests that waited for it are answered. */
static void on_body_made(void *userdata, struct page *p, enum metrics_format format, bool gzip)
{
	struct http_server *h = userdata;
	bool any = false;

	for (struct http_conn *c = h->conns; c; c = c->next)
		if (c->waiting_body && c->page == p && c->want_format == format && c->want_gzip == gzip) {
			c->waiting_body = false;
			resume_conn(c);
			any = true;
		}
	if (any)
		run_mhd(h);
}

static enum MHD_Result serve_metrics(struct http_server *h, struct http_conn *hc, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	enum metrics_format fmt = METRICS_FORMAT_TEXT;
	const struct page_body *body;
	struct MHD_Response *r;
	struct page *p;
	bool gz = false;
	enum MHD_Result ret;

	if (h->stopping)
		return MHD_NO;	/* resumed only to be closed */
	/* a request resumed once its body was made serves the page it waited for, not a newer one */
	p = hc->page ? hc->page : h->opt.page_fn(h->opt.userdata);
	hc->page = NULL;
	if (!p) {
		/*
		 * The first poll cycle is still running (it is bounded by --poll.timeout):
		 * hold the scrape instead of failing it, so the scrape that socket
		 * activation started gets the page. http_page_ready() resumes it.
		 */
		hc->waiting_page = true;
		suspend_conn(hc);
		return MHD_YES;
	}
	if (accept) {
		double om = header_q(accept, "application/openmetrics-text");
		double text = header_q(accept, "text/plain");

		if (om > 0 && om >= text)
			fmt = METRICS_FORMAT_OPENMETRICS;
	}
	if (enc && header_q(enc, "gzip") > 0)
		gz = true;
	body = page_get_body(p, fmt, gz);
	if (!body) {
		/*
		 * Made on first request, in slices on the loop: this request waits,
		 * and so does any other that wants the same body meanwhile.
		 */
		int q = page_maker_want(h->maker, p, fmt, gz);

		if (q == 0) {
			hc->page = p;
			hc->waiting_body = true;
			hc->want_format = fmt;
			hc->want_gzip = gz;
			suspend_conn(hc);
			return MHD_YES;
		}
		if (q < 0) {
			log_debug("Failed to queue a page body, making it at once: %s", strerror(-q));
			while (page_make(p, fmt, gz, SIZE_MAX) == 0)
				;
		}
		body = page_get_body(p, fmt, gz);
	}
	if (!body && gz) {
		gz = false;	/* compression failed: serve it plain */
		body = page_get_body(p, fmt, false);
	}
	if (!body) {
		page_unref(p);
		return MHD_NO;
	}
	/* The response holds a page reference: a swap during a slow download is harmless. */
	/* libmicrohttpd only reads a buffer response, its parameter is not const for other reasons */
	r = MHD_create_response_from_buffer_with_free_callback_cls(body->len, (void *)(uintptr_t)body->data,
								   free_page_cb, p);
	if (!r) {
		page_unref(p);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				      fmt == METRICS_FORMAT_OPENMETRICS ? content_type_openmetrics : content_type_text);
	add_config_headers(h, r);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding, Accept");
	if (gz)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* 429 and 503 to password guessers: say when to come back, and close the connection. */
static enum MHD_Result queue_refusal(const struct http_server *h, struct MHD_Connection *c, unsigned status,
				     uint64_t retry_s, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	char retry[24];
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	add_config_headers(h, r);
	(void)snprintf(retry, sizeof(retry), "%" PRIu64, retry_s);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result unauthorized(struct http_server *h, struct http_conn *hc, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	reject(h, HTTP_REJECT_UNAUTHORIZED, hc->key);
	r = MHD_create_response_from_buffer(strlen("Unauthorized\n"), (void *)"Unauthorized\n",
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	add_config_headers(h, r);
	ret = MHD_queue_basic_auth_fail_response(c, "libreswan_exporter", r);
	MHD_destroy_response(r);
	return ret;
}

/* A check finished (on the loop): the suspended request goes on with its result. */
static void on_auth_done(void *userdata, void *token, bool match)
{
	struct http_server *h = userdata;
	struct http_conn *c = token;

	c->auth = match && c->known_user ? AUTH_STATE_MATCH : AUTH_STATE_MISMATCH;
	if (c->auth == AUTH_STATE_MATCH)
		guard_auth_refund(&h->guard, c->bucket, now_monotonic_usec());
	resume_conn(c);
	run_mhd(h);
}

/*
 * Hand the password to the worker and suspend the request. An unknown user's
 * password is hashed too, against the costliest configured hash, so that the
 * answer takes as long as for a wrong password.
 */
static enum MHD_Result start_check(struct http_server *h, struct http_conn *hc, struct MHD_Connection *c,
				   const struct web_user *u, const char *password)
{
	uint64_t now = now_monotonic_usec(), retry_usec;
	int r;

	if (guard_auth_take(&h->guard, hc->bucket, now, &retry_usec) < 0) {
		reject(h, HTTP_REJECT_RATE_LIMITED, hc->key);
		return queue_refusal(h, c, MHD_HTTP_TOO_MANY_REQUESTS, (retry_usec + 999999) / 1000000,
				     "Too many failed password attempts from this address.\n");
	}
	r = auth_pool_submit(h->auth, password, u ? u->hash : h->web->dummy_hash, hc);
	if (r < 0) {
		guard_auth_refund(&h->guard, hc->bucket, now);
		reject(h, HTTP_REJECT_AUTH_BUSY, hc->key);
		return queue_refusal(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, 1, "Too many password checks in progress.\n");
	}
	hc->auth = AUTH_STATE_PENDING;
	hc->auth_gen = h->web_gen;
	hc->known_user = u != NULL;
	suspend_conn(hc);
	return MHD_YES;
}

/* Basic auth; true: go on; false: *ret says what was queued (or that the request is suspended). */
static bool check_password(struct http_server *h, struct http_conn *hc, struct MHD_Connection *c,
			   enum MHD_Result *ret)
{
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(c, &pass);
	struct web_user *u = user ? web_config_find_user(h->web, user) : NULL;
	bool ok = false;

	/* a result against a configuration that SIGHUP replaced meanwhile: check again */
	if ((hc->auth == AUTH_STATE_MATCH || hc->auth == AUTH_STATE_MISMATCH) && hc->auth_gen != h->web_gen)
		hc->auth = AUTH_STATE_NONE;
	switch (hc->auth) {
	case AUTH_STATE_MATCH:
		/* the worker matched this request's password: later scrapes compare, no bcrypt */
		if (u && pass) {
			web_user_remember(u, pass);
			ok = true;
		} else
			*ret = unauthorized(h, hc, c);
		break;
	case AUTH_STATE_MISMATCH:
		*ret = unauthorized(h, hc, c);
		break;
	case AUTH_STATE_PENDING:
		*ret = MHD_NO;	/* resumed without a result: only when the server stops */
		break;
	case AUTH_STATE_NONE:
		if (!user || !pass)
			*ret = unauthorized(h, hc, c);
		else if (u && web_user_cached(u, pass))
			ok = true;
		else
			*ret = start_check(h, hc, c, u, pass);
		break;
	}
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct http_server *h = cls;
	struct http_conn *hc = *con_cls;
	bool get = streq(method, MHD_HTTP_METHOD_GET) || streq(method, MHD_HTTP_METHOD_HEAD);
	bool known = streq(url, h->opt.telemetry_path) || streq(url, "/") || streq(url, "/-/healthy") ||
		     streq(url, "/-/ready");
	bool authenticated = false;

	/*
	 * The first call carries the headers. Answer from the last call on, as
	 * libmicrohttpd closes the connection when a response is queued from the
	 * first, and keep-alive matters (scrapers and benchmarks reuse connections).
	 */
	if (!hc) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

		hc = ci ? ci->socket_context : NULL;
		if (!hc)
			return MHD_NO;
		*con_cls = hc;
		hc->auth = AUTH_STATE_NONE;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;	/* a body is never used: discard it */
		return MHD_YES;
	}
	/* The request is in, body and all: the deadline is met (a body trickled forever would
	 * otherwise hold the connection, each byte resetting libmicrohttpd's idle timeout). */
	wait_remove(h, hc);
	if (web_config_needs_auth(h->web, url)) {
		enum MHD_Result r = MHD_NO;

		if (!check_password(h, hc, c, &r))
			return r;
		authenticated = true;
	} else if (h->web && h->web->require_client_cert && hc->tls)
		authenticated = true;	/* the handshake verified its certificate */
	/* an authorised request in full: this connection keeps its place at the connection limit */
	hc->proven = true;
	/* and with credentials or a verified certificate, its address keeps priority for a while */
	if (authenticated)
		guard_trust(&h->guard, hc->bucket, now_monotonic_usec());
	if (!known)
		return queue_static(h, c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "Not found.\n");
	if (!get)
		return queue_static(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
				    "Method not allowed.\n");
	if (streq(url, h->opt.telemetry_path))
		return serve_metrics(h, hc, c);
	if (streq(url, "/-/healthy"))
		return queue_static(h, c, MHD_HTTP_OK, "text/plain; charset=utf-8", "OK\n");
	if (streq(url, "/-/ready")) {
		if (h->opt.ready_fn(h->opt.userdata))
			return queue_static(h, c, MHD_HTTP_OK, "text/plain; charset=utf-8", "Ready\n");
		return queue_static(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", "Not ready\n");
	}
	return queue_static(h, c, MHD_HTTP_OK, "text/html; charset=utf-8", h->landing);
}

/* A request is over: on a kept-alive connection the next one's headers are due in turn. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *h = cls;
	struct http_conn *hc = *con_cls;

	if (!hc)
		return;
	*con_cls = NULL;
	hc->auth = AUTH_STATE_NONE;
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && !h->stopping)
		wait_add(h, hc);
}

static void client_key(const struct sockaddr *sa, char key[static GUARD_KEY_MAX])
{
	if (!sa || guard_addr_key(sa, key) < 0)
		(void)snprintf(key, GUARD_KEY_MAX, "local");
}

/* libmicrohttpd takes a connection (the one being added) or is done with it. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *h = cls;
	struct http_conn *hc;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		hc = h->adding;
		if (hc)
			hc->mhd = c;
		*socket_context = hc;
		return;
	}
	hc = *socket_context;
	if (!hc)
		return;
	*socket_context = NULL;
	hc->mhd = NULL;
	hc->page = page_unref(hc->page);
	if (hc == h->adding)
		return;		/* it failed to start: add_to_mhd() answers for it */
	/* a TLS connection ends when its session sees the end of this socket */
	if (!hc->tls)
		conn_release(h, hc);
}

/* Hand a (plain, or decrypted) connection to libmicrohttpd. 0, or -EIO (fd closed by it). */
static int add_to_mhd(struct http_server *h, struct http_conn *hc, int fd)
{
	enum MHD_Result r;

	h->adding = hc;
	r = MHD_add_connection(h->daemon, fd, (const struct sockaddr *)&hc->sa, hc->salen);
	h->adding = NULL;
	if (r != MHD_YES || !hc->mhd)
		return -EIO;
	arm_timer(h);
	return 0;
}

static int on_tls_ready(void *userdata, int fd)
{
	struct http_conn *hc = userdata;
	struct http_server *h = hc->server;

	if (add_to_mhd(h, hc, fd) < 0) {
		reject(h, HTTP_REJECT_CONNECTION_LIMIT, hc->key);
		return -EIO;
	}
	return 0;
}

static void on_tls_closed(void *userdata, enum tls_end why)
{
	struct http_conn *hc = userdata;
	struct http_server *h = hc->server;

	hc->tls = NULL;
	switch (why) {
	case TLS_END_CLIENT_CERT:
		reject(h, HTTP_REJECT_CLIENT_CERT, hc->key);
		break;
	case TLS_END_HANDSHAKE:
		reject(h, HTTP_REJECT_TLS_HANDSHAKE, hc->key);
		break;
	case TLS_END_CLOSED:
	case TLS_END_ERROR:
		break;
	}
	if (!hc->mhd)
		conn_release(h, hc);
}

static const struct tls_callbacks tls_callbacks = {
	.ready = on_tls_ready,
	.closed = on_tls_closed,
};

/*
 * The connection to shed so that one from address key gets in at the
 * connection limit: of those that never completed an authorised request, are
 * waiting for a request's headers (none is in the middle of one) and are not
 * from a trusted address, one of the address that holds the most connections,
 * the oldest of them; and, for a newcomer that is not trusted either, only if
 * that address holds at least two more connections than the newcomer's: so no
 * address can take more than its share of the limit from others, a crowd of
 * slow clients sheds its own, and one that is wider than the limit (one
 * connection per address) is refused at the cost of an accept() and a
 * close(), not let in to churn. Connections that proved themselves stay, and
 * a scraper that authenticated before (its address is trusted) gets in and
 * stays however many addresses the crowd has. The waiting list is in order of arrival for these
 * connections (their deadlines are all one header timeout after their
 * accept()): one pass over it.
 */
static struct http_conn *pick_victim(struct http_server *h, const char *key, bool trusted)
{
	uint64_t mine = guard_conns(&h->guard, key), best_n = 0;
	struct http_conn *best = NULL;

	for (struct http_conn *c = h->wait_head; c; c = c->wait_next) {
		uint64_t n;

		if (c->proven || c->doomed || c->trusted)
			continue;
		n = guard_conns(&h->guard, c->key);
		if (n > best_n) {
			best = c;
			best_n = n;
		}
	}
	return best && (trusted || best_n > mine + 1) ? best : NULL;
}

/* A new connection: the caps (per address, then in total, shedding to make room), then serve it. */
static void admit(struct http_server *h, int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	struct http_conn *hc;
	char key[GUARD_KEY_MAX], bucket[GUARD_KEY_MAX];
	bool trusted;

	client_key((const struct sockaddr *)ss, key);
	guard_bucket_key(key, bucket);
	trusted = guard_trusted(&h->guard, bucket, now_monotonic_usec());
	if (h->stopping) {
		(void)close(fd);
		return;
	}
	if (!guard_conn_allowed(&h->guard, key)) {
		(void)close(fd);
		reject(h, HTTP_REJECT_PER_IP_LIMIT, key);
		return;
	}
	if (h->n_conns - h->n_doomed >= h->opt.max_connections) {
		struct http_conn *victim = pick_victim(h, key, trusted);

		if (!victim) {
			(void)close(fd);
			reject(h, HTTP_REJECT_CONNECTION_LIMIT, key);
			return;
		}
		reject(h, HTTP_REJECT_SHED, victim->key);
		doom(h, victim);
	}
	hc = xcalloc(1, sizeof(*hc));
	hc->server = h;
	hc->fd = -1;
	memcpy(&hc->sa, ss, len);
	hc->salen = len;
	memcpy(hc->key, key, sizeof(hc->key));
	memcpy(hc->bucket, bucket, sizeof(hc->bucket));
	hc->trusted = trusted;
	guard_conn_opened(&h->guard, hc->key);
	h->n_conns++;
	hc->next = h->conns;
	if (h->conns)
		h->conns->prev = hc;
	h->conns = hc;
	/* the deadline covers the TLS handshake too */
	wait_add(h, hc);
	if (h->tls) {
		if (tls_conn_new(h->event, h->tls, fd, &tls_callbacks, hc, &hc->tls) < 0)
			conn_release(h, hc);
		return;
	}
	hc->fd = fd;
	if (add_to_mhd(h, hc, fd) < 0) {
		hc->fd = -1;
		reject(h, HTTP_REJECT_CONNECTION_LIMIT, hc->key);
		conn_release(h, hc);
	}
}

static int on_listen(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct listener *l = userdata;
	struct http_server *h = l->server;

	for (int i = 0; i < HTTP_ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			bool out_of_room = errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;

			if (out_of_room && h->n_conns > 0) {
				/* the connection waits in the backlog until a descriptor is free */
				log_warn("HTTP: accept() failed: %m; accepting again when a connection closes");
				h->accept_paused = true;
				for (size_t j = 0; j < h->n_listeners; j++)
					(void)sd_event_source_set_enabled(h->listeners[j].io, SD_EVENT_OFF);
			}
			break;
		}
		admit(h, cfd, &ss, len);
	}
	return 0;
}

static int on_mhd(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	run_mhd(userdata);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	run_mhd(userdata);
	return 0;
}

int http_listen_socket(const char *addr, int *ret_fd)
{
	_cleanup_free_ char *host = NULL;
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char port_str[8];
	uint16_t port;
	int fd = -1, r, one = 1, zero = 0;

	r = parse_host_port(addr, &host, &port);
	if (r < 0)
		return r;
	(void)snprintf(port_str, sizeof(port_str), "%u", port);
	if (!host || !host[0]) {
		/* All addresses: IPv6 dual-stack when the host has IPv6, else IPv4. */
		struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
					    .sin6_addr = IN6ADDR_ANY_INIT };
		struct sockaddr_in sa4 = { .sin_family = AF_INET, .sin_port = htons(port) };

		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0) {
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, (struct sockaddr *)&sa6, sizeof(sa6)) == 0)
				goto bound;
			(void)close(fd);
		}
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -errno;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa4, sizeof(sa4)) < 0) {
			r = -errno;
			(void)close(fd);
			return r;
		}
		goto bound;
	}
	r = getaddrinfo(host, port_str, &hints, &res);
	if (r != 0)
		return -EADDRNOTAVAIL;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		freeaddrinfo(res);
		return r;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (res->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		r = -errno;
		freeaddrinfo(res);
		(void)close(fd);
		return r;
	}
	freeaddrinfo(res);
bound:
	if (listen(fd, HTTP_BACKLOG) < 0) {
		r = -errno;
		(void)close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

static uint16_t socket_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

/* A listening socket (ours, whichever way it came): accepted from on the loop. */
static int start_listener(struct http_server *h, int fd)
{
	struct listener *l = &h->listeners[h->n_listeners];
	int r;

	l->server = h;
	l->fd = fd;
	l->port = socket_port(fd);
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	r = sd_event_add_io(h->event, &l->io, fd, EPOLLIN, on_listen, l);
	if (r < 0) {
		(void)close(fd);
		return log_error_errno(r, "Failed to watch the listening socket: %m");
	}
	h->n_listeners++;
	return 0;
}

/*
 * The HTTP server proper: one libmicrohttpd daemon without a listening socket
 * of its own, fed the connections admit() lets in (decrypted ones through a
 * socketpair, see tls.h). It never sees TLS, so a new certificate needs no
 * new daemon.
 */
static int start_mhd(struct http_server *h)
{
	const union MHD_DaemonInfo *info;
	unsigned timeout_s = (unsigned)((h->opt.timeout_usec + 999999) / 1000000);
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_NO_LISTEN_SOCKET;
	/* admit() enforces the caps (per address, and in total with shedding) before libmicrohttpd
	 * sees a connection; its own sit above them, as a backstop only */
	intptr_t limit = (intptr_t)(h->opt.max_connections + HTTP_MHD_SLACK);
	struct MHD_OptionItem opts[] = {
		/* the logger first, so that libmicrohttpd's own complaints reach it too */
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, limit, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, limit, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, timeout_s, NULL },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, h },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, h },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	int r;

	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!h->daemon)
		return log_error_errno(EINVAL, "Failed to start the HTTP server");
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info)
		return log_error_errno(EINVAL, "libmicrohttpd has no epoll descriptor");
	r = sd_event_add_io(h->event, &h->mhd_io, info->epoll_fd, EPOLLIN, on_mhd, h);
	if (r < 0)
		return log_error_errno(r, "Failed to watch the HTTP server: %m");
	/*
	 * Accuracy 1 us, not sd-event's default of 250 ms: libmicrohttpd asks for a
	 * timeout of 0 whenever it has more to do at once (a pipelined request
	 * already read, a header that needs the buffer grown, a resumed or added
	 * connection), and each of those would otherwise wait up to a quarter of a second.
	 */
	r = sd_event_add_time_relative(h->event, &h->mhd_timer, CLOCK_MONOTONIC, UINT64_C(1000000), 1, on_timer, h);
	if (r < 0)
		return log_error_errno(r, "Failed to watch the HTTP server: %m");
	arm_timer(h);
	return 0;
}

/* Take web (a reference) for new connections and requests. 0, or -errno with a reason in *reterr. */
static int use_web_config(struct http_server *h, struct web_config *web, char **reterr)
{
	struct tls_ctx *t = NULL;
	int r;

	if (web_config_tls(web)) {
		r = tls_ctx_new(web, &t, reterr);
		if (r < 0)
			return r;
	}
	if (web && web->n_users > 0 && !h->auth) {
		r = auth_pool_new(h->event, HTTP_AUTH_WORKERS, HTTP_AUTH_QUEUE, on_auth_done, h, &h->auth);
		if (r < 0) {
			tls_ctx_unref(t);
			*reterr = xstrdup("cannot start the password worker");
			return r;
		}
	}
	tls_ctx_unref(h->tls);
	h->tls = t;
	web_config_free(h->web);
	h->web = web ? web_config_ref(web) : NULL;
	h->web_gen++;
	return 0;
}

int http_reload(struct http_server *h, struct web_config *web, char **reterr)
{
	return use_web_config(h, web, reterr);
}

static char *landing_page(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	/* The path comes from our own command line; keep the HTML well-formed anyway. */
	strbuf_puts(&sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Libreswan Exporter</title>"
			 "</head>\n<body><h1>Libreswan Exporter</h1>\n<p>Prometheus metrics for Libreswan IPsec "
			 "(pluto).</p>\n<ul><li><a href=\"");
	for (const char *p = path; *p; p++) {
		if (*p == '"' || *p == '<' || *p == '>' || *p == '&')
			strbuf_appendf(&sb, "&#%d;", *p);
		else
			strbuf_putc(&sb, *p);
	}
	strbuf_puts(&sb, "\">Metrics</a></li><li><a href=\"/-/healthy\">Health</a></li>"
			 "<li><a href=\"/-/ready\">Readiness</a></li></ul>\n<p>Version " PACKAGE_VERSION
			 " (" REVISION ")</p>\n</body></html>\n");
	return strbuf_detach(&sb, NULL);
}

int http_start(sd_event *e, const struct http_options *o, struct http_server **ret)
{
	struct http_server *h = xcalloc(1, sizeof(*h));
	struct guard_options go = {
		.max_conns_per_addr = o->max_connections_per_ip,
		.auth_burst = HTTP_AUTH_BURST,
		.auth_interval_usec = HTTP_AUTH_INTERVAL_USEC,
		.max_buckets = HTTP_AUTH_MAX_BUCKETS,
		.trust_usec = HTTP_TRUST_USEC,
		.max_trusted = HTTP_MAX_TRUSTED,
	};
	_cleanup_free_ char *err = NULL;
	int r;

	h->event = sd_event_ref(e);
	h->opt = *o;
	h->landing = landing_page(o->telemetry_path);
	guard_init(&h->guard, &go);
	r = sd_event_add_time(e, &h->deadline_timer, CLOCK_MONOTONIC, 0, HTTP_DEADLINE_ACCURACY_USEC, on_deadline,
			      h);
	if (r >= 0)
		r = sd_event_source_set_enabled(h->deadline_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_time(e, &h->episode_timer, CLOCK_MONOTONIC, 0, HTTP_DEADLINE_ACCURACY_USEC,
				      on_episode_timer, h);
	if (r >= 0)
		r = sd_event_source_set_enabled(h->episode_timer, SD_EVENT_OFF);
	if (r < 0) {
		log_error_errno(r, "Failed to set up the HTTP timers: %m");
		goto fail;
	}
	r = page_maker_new(e, on_body_made, h, &h->maker);
	if (r < 0) {
		log_error_errno(r, "Failed to set up the page maker: %m");
		goto fail;
	}
	r = use_web_config(h, o->web, &err);
	if (r < 0) {
		log_error("--web.config.file: %s", err);
		goto fail;
	}
	r = start_mhd(h);
	if (r < 0)
		goto fail;
	h->listeners = xcalloc(o->listen_fd >= 0 ? 1 : o->n_listen, sizeof(*h->listeners));
	if (o->listen_fd >= 0) {
		r = start_listener(h, o->listen_fd);
		if (r < 0)
			goto fail;
	} else {
		for (size_t i = 0; i < o->n_listen; i++) {
			int fd;

			r = http_listen_socket(o->listen[i], &fd);
			if (r < 0) {
				log_error_errno(r, "Failed to listen on %s: %m", o->listen[i]);
				goto fail;
			}
			r = start_listener(h, fd);
			if (r < 0)
				goto fail;
		}
	}
	*ret = h;
	return 0;
fail:
	http_free(h);
	return r;
}

struct http_server *http_free(struct http_server *h)
{
	if (!h)
		return NULL;
	h->stopping = true;
	/* No result comes back once the workers are gone; running checks finish first. */
	h->auth = auth_pool_free(h->auth);
	h->maker = page_maker_free(h->maker);
	for (size_t i = 0; i < h->n_listeners; i++) {
		h->listeners[i].io = sd_event_source_disable_unref(h->listeners[i].io);
		(void)close(h->listeners[i].fd);
	}
	free(h->listeners);
	h->listeners = NULL;
	h->n_listeners = 0;
	h->accept_paused = false;
	/* libmicrohttpd refuses to stop with suspended connections: let them go (and close). */
	for (struct http_conn *c = h->conns; c; c = c->next)
		if (c->suspended)
			resume_conn(c);
	h->deadline_timer = sd_event_source_disable_unref(h->deadline_timer);
	h->episode_timer = sd_event_source_disable_unref(h->episode_timer);
	h->mhd_io = sd_event_source_disable_unref(h->mhd_io);
	h->mhd_timer = sd_event_source_disable_unref(h->mhd_timer);
	/* every libmicrohttpd half is closed (CLOSED releases the plain connections) */
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	/* what is left: TLS sessions (in their handshake, or whose other half just closed) */
	while (h->conns) {
		struct http_conn *c = h->conns;

		c->tls = tls_conn_free(c->tls);
		c->mhd = NULL;
		conn_release(h, c);
	}
	h->tls = tls_ctx_unref(h->tls);
	h->web = web_config_free(h->web);
	guard_done(&h->guard);
	free(h->landing);
	sd_event_unref(h->event);
	free(h);
	return NULL;
}

void http_page_ready(struct http_server *h)
{
	bool any = false;

	for (struct http_conn *c = h->conns; c; c = c->next)
		if (c->waiting_page) {
			c->waiting_page = false;
			resume_conn(c);
			any = true;
		}
	if (any)
		run_mhd(h);
}

void http_render_stats(const struct http_server *h, struct strbuf *sb)
{
	struct metrics_writer w;

	metrics_writer_init(&w, sb, METRICS_FORMAT_TEXT);
	metrics_family(&w, "libreswan_http_rejected_total", METRIC_TYPE_COUNTER,
		       "HTTP connections and requests refused, by reason (as of the last poll cycle).");
	for (size_t r = 0; r < _HTTP_REJECT_MAX; r++) {
		struct metric_label l = { "reason", reject_names[r] };

		metrics_sample_u64(&w, &l, 1, h->rejected[r]);
	}
	metrics_family(&w, "libreswan_http_connections", METRIC_TYPE_GAUGE,
		       "Open HTTP connections (at the end of the last poll cycle).");
	metrics_sample_u64(&w, NULL, 0, h->n_conns - h->n_doomed);
	if (h->auth) {
		metrics_family(&w, "libreswan_http_password_checks_total", METRIC_TYPE_COUNTER,
			       "Passwords hashed by the password worker, off the event loop (cache misses).");
		metrics_sample_u64(&w, NULL, 0, auth_pool_completed(h->auth));
	}
}

uint16_t http_port(const struct http_server *h, size_t i)
{
	return i < h->n_listeners ? h->listeners[i].port : 0;
}
