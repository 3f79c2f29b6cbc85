/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "page.h"
#include "strbuf.h"
#include "util.h"
#include "webconfig.h"

#define HTTP_MAX_LISTENERS CONFIG_MAX_LISTEN
#define HTTP_MEMORY_LIMIT (64 * 1024)	/* per connection: request headers only */
#define HTTP_BACKLOG 128

static const char content_type_text[] = "text/plain; version=0.0.4; charset=utf-8";
static const char content_type_openmetrics[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";

struct listener {
	struct http_server *server;
	struct MHD_Daemon *daemon;
	sd_event_source *io;
	sd_event_source *timer;
	uint16_t port;
};

struct http_server {
	sd_event *event;
	struct http_options opt;
	char *landing;
	/* scrapes that arrived before the first poll cycle finished, held until it does */
	struct MHD_Connection **waiting;
	size_t n_waiting;
	struct listener listeners[HTTP_MAX_LISTENERS];
	size_t n_listeners;
};

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

static enum MHD_Result queue_static(struct MHD_Connection *c, unsigned status, const char *type, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
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

static enum MHD_Result serve_metrics(struct http_server *h, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	enum metrics_format fmt = METRICS_FORMAT_TEXT;
	const struct page_body *body;
	struct MHD_Response *r;
	struct page *p;
	bool gz = false;
	enum MHD_Result ret;

	p = h->opt.page_fn(h->opt.userdata);
	if (!p && h->n_waiting < h->opt.max_connections) {
		/*
		 * The first poll cycle is still running (it is bounded by --poll.timeout):
		 * hold the scrape instead of failing it, so the scrape that socket
		 * activation started gets the page. http_page_ready() resumes it.
		 */
		h->waiting[h->n_waiting++] = c;
		MHD_suspend_connection(c);
		return MHD_YES;
	}
	if (!p)
		return queue_static(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
				    "The first poll cycle has not completed yet.\n");
	if (accept) {
		double om = header_q(accept, "application/openmetrics-text");
		double text = header_q(accept, "text/plain");

		if (om > 0 && om >= text)
			fmt = METRICS_FORMAT_OPENMETRICS;
	}
	if (enc && header_q(enc, "gzip") > 0)
		gz = true;
	body = page_body(p, fmt, gz);
	if (!body) {
		gz = false;	/* compression failed: serve it plain */
		body = page_body(p, fmt, false);
	}
	/* The response holds a page reference: a swap during a slow download is harmless. */
	r = MHD_create_response_from_buffer_with_free_callback_cls(body->len, body->data, free_page_cb, p);
	if (!r) {
		page_unref(p);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				      fmt == METRICS_FORMAT_OPENMETRICS ? content_type_openmetrics : content_type_text);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding, Accept");
	if (gz)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* TLS client certificate and basic auth checks of --web.config.file; false means *ret answered. */
static bool authorized(struct web_config *web, struct MHD_Connection *c, enum MHD_Result *ret)
{
	if (web->require_client_cert) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		unsigned status = 1;
		unsigned n = 0;

		if (ci && ci->tls_session) {
			gnutls_session_t s = (gnutls_session_t)ci->tls_session;

			if (gnutls_certificate_get_peers(s, &n) && n > 0 &&
			    gnutls_certificate_verify_peers2(s, &status) != GNUTLS_E_SUCCESS)
				status = 1;
		}
		if (n == 0 || status != 0) {
			*ret = queue_static(c, MHD_HTTP_FORBIDDEN, "text/plain; charset=utf-8",
					    "A valid client certificate is required.\n");
			return false;
		}
	}
	if (web->n_users > 0) {
		char *pass = NULL;
		char *user = MHD_basic_auth_get_username_password(c, &pass);
		bool ok = user && pass && web_config_check_user(web, user, pass);
		struct MHD_Response *r;

		if (pass) {
			explicit_bzero(pass, strlen(pass));
			MHD_free(pass);
		}
		if (user)
			MHD_free(user);
		if (ok)
			return true;
		r = MHD_create_response_from_buffer(strlen("Unauthorized\n"), (void *)"Unauthorized\n",
						    MHD_RESPMEM_PERSISTENT);
		if (!r) {
			*ret = MHD_NO;
			return false;
		}
		*ret = MHD_queue_basic_auth_fail_response(c, "libreswan_exporter", r);
		MHD_destroy_response(r);
		return false;
	}
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	static int first_call_marker;
	struct http_server *h = cls;
	bool get = streq(method, MHD_HTTP_METHOD_GET) || streq(method, MHD_HTTP_METHOD_HEAD);
	bool known = streq(url, h->opt.telemetry_path) || streq(url, "/") || streq(url, "/-/healthy") ||
		     streq(url, "/-/ready");

	/*
	 * libmicrohttpd closes the connection when a response is queued from the
	 * call that only carries the headers; answer on the second call so
	 * keep-alive works (scrapers and benchmarks reuse connections).
	 */
	if (!*con_cls) {
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;	/* a body is never used: discard it */
		return MHD_YES;
	}
	if (h->opt.web) {
		enum MHD_Result r;

		if (!authorized(h->opt.web, c, &r))
			return r;
	}
	if (!known)
		return queue_static(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "Not found.\n");
	if (!get)
		return queue_static(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
				    "Method not allowed.\n");
	if (streq(url, h->opt.telemetry_path))
		return serve_metrics(h, c);
	if (streq(url, "/-/healthy"))
		return queue_static(c, MHD_HTTP_OK, "text/plain; charset=utf-8", "OK\n");
	if (streq(url, "/-/ready")) {
		if (h->opt.ready_fn(h->opt.userdata))
			return queue_static(c, MHD_HTTP_OK, "text/plain; charset=utf-8", "Ready\n");
		return queue_static(c, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", "Not ready\n");
	}
	return queue_static(c, MHD_HTTP_OK, "text/html; charset=utf-8", h->landing);
}

static void arm_timer(struct listener *l)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(l->daemon, &ms) != MHD_YES) {
		(void)sd_event_source_set_enabled(l->timer, SD_EVENT_OFF);
		return;
	}
	(void)sd_event_source_set_time_relative(l->timer, (uint64_t)ms * 1000);
	(void)sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct listener *l = userdata;

	(void)MHD_run(l->daemon);
	arm_timer(l);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct listener *l = userdata;

	(void)MHD_run(l->daemon);
	arm_timer(l);
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

	r = config_split_listen(addr, &host, &port);
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

static int start_listener(struct http_server *h, int fd)
{
	struct listener *l = &h->listeners[h->n_listeners];
	const union MHD_DaemonInfo *info;
	unsigned timeout_s = (unsigned)((h->opt.timeout_usec + 999999) / 1000000);
	int r;

	l->server = h;
	l->port = socket_port(fd);
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	{
		struct web_config *web = h->opt.web;
		struct MHD_OptionItem opts[16];
		unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK |
				 MHD_ALLOW_SUSPEND_RESUME;
		size_t n = 0;

		/* The logger first, so that libmicrohttpd's own complaints reach it too. */
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, NULL };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, fd, NULL };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)h->opt.max_connections, NULL };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
						     (intptr_t)h->opt.max_connections, NULL };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, timeout_s, NULL };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, HTTP_BACKLOG, NULL };
		if (web && web->cert_pem) {
			flags |= MHD_USE_TLS;
			opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, web->key_pem };
			opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, web->cert_pem };
			opts[n++] = (struct MHD_OptionItem){
				MHD_OPTION_HTTPS_PRIORITIES, 0,
				(void *)(web->tls13_only ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
							 : "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2")
			};
			if (web->client_ca_pem)
				opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, web->client_ca_pem };
		}
		opts[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
		l->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, opts,
					     MHD_OPTION_END);
	}
	if (!l->daemon) {
		(void)close(fd);
		return log_error_errno(EINVAL, "Failed to start the HTTP server");
	}
	info = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		MHD_stop_daemon(l->daemon);
		return log_error_errno(EINVAL, "libmicrohttpd has no epoll descriptor");
	}
	r = sd_event_add_io(h->event, &l->io, info->epoll_fd, EPOLLIN, on_io, l);
	if (r < 0)
		goto fail;
	r = sd_event_add_time_relative(h->event, &l->timer, CLOCK_MONOTONIC, UINT64_C(1000000), 0, on_timer, l);
	if (r < 0)
		goto fail;
	arm_timer(l);
	h->n_listeners++;
	return 0;
fail:
	l->io = sd_event_source_disable_unref(l->io);
	MHD_stop_daemon(l->daemon);
	l->daemon = NULL;
	return log_error_errno(r, "Failed to watch the HTTP server: %m");
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
	int r;

	h->event = sd_event_ref(e);
	h->opt = *o;
	h->waiting = xcalloc(o->max_connections + 1, sizeof(*h->waiting));
	h->landing = landing_page(o->telemetry_path);
	if (o->listen_fd >= 0) {
		r = start_listener(h, o->listen_fd);
		if (r < 0)
			goto fail;
	} else {
		for (size_t i = 0; i < o->n_listen && i < HTTP_MAX_LISTENERS; i++) {
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
	for (size_t i = 0; i < h->n_listeners; i++) {
		struct listener *l = &h->listeners[i];

		l->io = sd_event_source_disable_unref(l->io);
		l->timer = sd_event_source_disable_unref(l->timer);
		if (l->daemon)
			MHD_stop_daemon(l->daemon);
	}
	free(h->landing);
	free(h->waiting);
	sd_event_unref(h->event);
	free(h);
	return NULL;
}

void http_page_ready(struct http_server *h)
{
	if (h->n_waiting == 0)
		return;
	for (size_t i = 0; i < h->n_waiting; i++)
		MHD_resume_connection(h->waiting[i]);
	h->n_waiting = 0;
	/* with an external loop, resumed connections are processed by the next MHD_run() */
	for (size_t i = 0; i < h->n_listeners; i++) {
		(void)MHD_run(h->listeners[i].daemon);
		arm_timer(&h->listeners[i]);
	}
}

uint16_t http_port(const struct http_server *h, size_t i)
{
	return i < h->n_listeners ? h->listeners[i].port : 0;
}
