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
#include "http/server.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "http/page.h"
#include "http/page_maker.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "http/tls.h"
#include "http/webconfig.h"

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

static int on_mhd(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	http_run_mhd(userdata);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	http_run_mhd(userdata);
	return 0;
}

/*
 * The HTTP server proper: one libmicrohttpd daemon without a listening socket
 * of its own, fed the connections http_admit() lets in (decrypted ones through a
 * socketpair, see tls.h). It never sees TLS, so a new certificate needs no
 * new daemon.
 */
static int start_mhd(struct http_server *h)
{
	const union MHD_DaemonInfo *info;
	unsigned timeout_s = (unsigned)((h->opt.timeout_usec + 999999) / 1000000);
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
	/* http_admit() enforces the caps (per address, and in total with shedding) before
	 * libmicrohttpd sees a connection; its own sit above them, as a backstop only */
	intptr_t limit = (intptr_t)(h->opt.max_connections + HTTP_MHD_SLACK);
	struct MHD_OptionItem opts[] = {
		/* the logger first, so that libmicrohttpd's own complaints reach it too */
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, limit, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, limit, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, timeout_s, NULL },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http_on_connection, h },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http_on_completed, h },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	int r;

	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, http_on_request, h, MHD_OPTION_ARRAY,
				     opts, MHD_OPTION_END);
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
	r = sd_event_add_time_relative(h->event, &h->mhd_timer, CLOCK_MONOTONIC, UINT64_C(1000000),
				       1, on_timer, h);
	if (r < 0)
		return log_error_errno(r, "Failed to watch the HTTP server: %m");
	http_arm_timer(h);
	return 0;
}

/* Take web (a reference) for new connections and requests. 0, or -errno with a reason in *reterr.
 */
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
		r = auth_pool_new(h->event, HTTP_AUTH_WORKERS, HTTP_AUTH_QUEUE, http_on_auth_done,
				  h, &h->auth);
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
	strbuf_puts(&sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Libreswan "
			 "Exporter</title>"
			 "</head>\n<body><h1>Libreswan Exporter</h1>\n<p>Prometheus metrics for "
			 "Libreswan IPsec "
			 "(pluto).</p>\n<ul><li><a href=\"");
	for (const char *p = path; *p; p++) {
		if (*p == '"' || *p == '<' || *p == '>' || *p == '&')
			strbuf_appendf(&sb, "&#%d;", *p);
		else
			strbuf_putc(&sb, *p);
	}
	strbuf_puts(&sb,
		    "\">Metrics</a></li><li><a href=\"/-/healthy\">Health</a></li>"
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
	r = sd_event_add_time(e, &h->deadline_timer, CLOCK_MONOTONIC, 0,
			      HTTP_DEADLINE_ACCURACY_USEC, http_on_deadline, h);
	if (r >= 0)
		r = sd_event_source_set_enabled(h->deadline_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_time(e, &h->episode_timer, CLOCK_MONOTONIC, 0,
				      HTTP_DEADLINE_ACCURACY_USEC, http_on_episode_timer, h);
	if (r >= 0)
		r = sd_event_source_set_enabled(h->episode_timer, SD_EVENT_OFF);
	if (r < 0) {
		log_error_errno(r, "Failed to set up the HTTP timers: %m");
		goto fail;
	}
	r = page_maker_new(e, http_on_body_made, h, &h->maker);
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
		r = http_start_listener(h, o->listen_fd);
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
			r = http_start_listener(h, fd);
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
			http_resume_conn(c);
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
		http_conn_release(h, c);
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
			http_resume_conn(c);
			any = true;
		}
	if (any)
		http_run_mhd(h);
}

void http_render_stats(const struct http_server *h, struct strbuf *sb)
{
	struct metrics_writer w;

	metrics_writer_init(&w, sb, METRICS_FORMAT_TEXT);
	metrics_family(
		&w, "libreswan_http_rejected_total", METRIC_TYPE_COUNTER,
		"HTTP connections and requests refused, by reason (as of the last poll cycle).");
	for (size_t r = 0; r < _HTTP_REJECT_MAX; r++) {
		struct metric_label l = { "reason", http_reject_to_string(r) };

		metrics_sample_u64(&w, &l, 1, h->rejected[r]);
	}
	metrics_family(&w, "libreswan_http_connections", METRIC_TYPE_GAUGE,
		       "Open HTTP connections (at the end of the last poll cycle).");
	metrics_sample_u64(&w, NULL, 0, h->n_conns - h->n_doomed);
	if (h->auth) {
		metrics_family(&w, "libreswan_http_password_checks_total", METRIC_TYPE_COUNTER,
			       "Passwords hashed by the password worker, off the event loop (cache "
			       "misses).");
		metrics_sample_u64(&w, NULL, 0, auth_pool_completed(h->auth));
	}
}

uint16_t http_port(const struct http_server *h, size_t i)
{
	return i < h->n_listeners ? h->listeners[i].port : 0;
}
