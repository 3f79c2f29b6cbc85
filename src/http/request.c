/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "http/auth.h"
#include "http/server.h"
#include "http/page_maker.h"
#include "http/webconfig.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/util.h"

static const char content_type_text[] = "text/plain; version=0.0.4; charset=utf-8";
static const char content_type_openmetrics[] =
	"application/openmetrics-text; version=1.0.0; charset=utf-8";

/* The headers of http_server_config.headers, on every response. */
static void add_config_headers(const struct http_server *h, struct MHD_Response *r)
{
	for (size_t i = 0; h->web && i < h->web->n_headers; i++)
		(void)MHD_add_response_header(r, h->web->headers[i].name, h->web->headers[i].value);
}

static enum MHD_Result queue_static(const struct http_server *h, struct MHD_Connection *c,
				    unsigned status, const char *type, const char *body)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
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

static void free_page_cb(void *cls)
{
	page_unref(cls);
}

static void suspend_conn(struct http_conn *c)
{
	c->suspended = true;
	MHD_suspend_connection(c->mhd);
}

void http_resume_conn(struct http_conn *c)
{
	c->suspended = false;
	MHD_resume_connection(c->mhd);
}

/* A body was made (or could not be): the requests that waited for it are answered. */
void http_on_body_made(void *userdata, struct page *p, enum metrics_format format, bool gzip)
{
	struct http_server *h = userdata;
	bool any = false;

	for (struct http_conn *c = h->conns; c; c = c->next)
		if (c->waiting_body && c->page == p && c->want_format == format &&
		    c->want_gzip == gzip) {
			c->waiting_body = false;
			http_resume_conn(c);
			any = true;
		}
	if (any)
		http_run_mhd(h);
}

static enum MHD_Result serve_metrics(struct http_server *h, struct http_conn *hc,
				     struct MHD_Connection *c)
{
	const char *accept =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	const char *enc =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	enum metrics_format fmt = METRICS_FORMAT_TEXT;
	const struct page_body *body;
	struct MHD_Response *r;
	struct page *p;
	bool gz = false;
	enum MHD_Result ret;

	if (h->stopping)
		return MHD_NO;	/* resumed only to be closed */
	/* a request resumed once its body was made serves the page it waited for, not a newer one
	 */
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
			log_debug("Failed to queue a page body, making it at once: %s",
				  strerror(-q));
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
	/* libmicrohttpd only reads a buffer response, its parameter is not const for other reasons
	 */
	r = MHD_create_response_from_buffer_with_free_callback_cls(
		body->len, (void *)(uintptr_t)body->data, free_page_cb, p);
	if (!r) {
		page_unref(p);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				      fmt == METRICS_FORMAT_OPENMETRICS ? content_type_openmetrics
									: content_type_text);
	add_config_headers(h, r);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding, Accept");
	if (gz)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* 429 and 503 to password guessers: say when to come back, and close the connection. */
static enum MHD_Result queue_refusal(const struct http_server *h, struct MHD_Connection *c,
				     unsigned status, uint64_t retry_s, const char *body)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
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

static enum MHD_Result unauthorized(struct http_server *h, struct http_conn *hc,
				    struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	http_reject(h, HTTP_REJECT_UNAUTHORIZED, hc->key);
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
void http_on_auth_done(void *userdata, void *token, bool match)
{
	struct http_server *h = userdata;
	struct http_conn *c = token;

	c->auth = match && c->known_user ? AUTH_STATE_MATCH : AUTH_STATE_MISMATCH;
	if (c->auth == AUTH_STATE_MATCH)
		guard_auth_refund(&h->guard, c->bucket, now_monotonic_usec());
	http_resume_conn(c);
	http_run_mhd(h);
}

/*
 * Hand the password to the worker and suspend the request. An unknown user's
 * password is hashed too, against the costliest configured hash, so that the
 * answer takes as long as for a wrong password.
 */
static enum MHD_Result start_check(struct http_server *h, struct http_conn *hc,
				   struct MHD_Connection *c, const struct web_user *u,
				   const char *password)
{
	uint64_t now = now_monotonic_usec(), retry_usec;
	int r;

	if (guard_auth_take(&h->guard, hc->bucket, now, &retry_usec) < 0) {
		http_reject(h, HTTP_REJECT_RATE_LIMITED, hc->key);
		return queue_refusal(h, c, MHD_HTTP_TOO_MANY_REQUESTS,
				     (retry_usec + 999999) / 1000000,
				     "Too many failed password attempts from this address.\n");
	}
	r = auth_pool_submit(h->auth, password, u ? u->hash : h->web->dummy_hash, hc);
	if (r < 0) {
		guard_auth_refund(&h->guard, hc->bucket, now);
		http_reject(h, HTTP_REJECT_AUTH_BUSY, hc->key);
		return queue_refusal(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, 1,
				     "Too many password checks in progress.\n");
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
	if ((hc->auth == AUTH_STATE_MATCH || hc->auth == AUTH_STATE_MISMATCH) &&
	    hc->auth_gen != h->web_gen)
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

enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url,
				const char *method, const char *version, const char *upload_data,
				size_t *upload_size, void **con_cls)
{
	struct http_server *h = cls;
	struct http_conn *hc = *con_cls;
	bool get = streq(method, MHD_HTTP_METHOD_GET) || streq(method, MHD_HTTP_METHOD_HEAD);
	bool known = streq(url, h->opt.telemetry_path) || streq(url, "/") ||
		     streq(url, "/-/healthy") || streq(url, "/-/ready");
	bool authenticated = false;

	/*
	 * The first call carries the headers. Answer from the last call on, as
	 * libmicrohttpd closes the connection when a response is queued from the
	 * first, and keep-alive matters (scrapers and benchmarks reuse connections).
	 */
	if (!hc) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

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
	http_wait_remove(h, hc);
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
		return queue_static(h, c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8",
				    "Not found.\n");
	if (!get)
		return queue_static(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
				    "Method not allowed.\n");
	if (streq(url, h->opt.telemetry_path))
		return serve_metrics(h, hc, c);
	if (streq(url, "/-/healthy"))
		return queue_static(h, c, MHD_HTTP_OK, "text/plain; charset=utf-8", "OK\n");
	if (streq(url, "/-/ready")) {
		if (h->opt.ready_fn(h->opt.userdata))
			return queue_static(h, c, MHD_HTTP_OK, "text/plain; charset=utf-8",
					    "Ready\n");
		return queue_static(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
				    "Not ready\n");
	}
	return queue_static(h, c, MHD_HTTP_OK, "text/html; charset=utf-8", h->landing);
}

/* A request is over: on a kept-alive connection the next one's headers are due in turn. */
void http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		       enum MHD_RequestTerminationCode toe)
{
	struct http_server *h = cls;
	struct http_conn *hc = *con_cls;

	if (!hc)
		return;
	*con_cls = NULL;
	hc->auth = AUTH_STATE_NONE;
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK && !h->stopping)
		http_wait_add(h, hc);
}
