/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "lib/config.h"
#include "http/http.h"
#include "lib/log.h"
#include "daemon/loop.h"
#include "http/page.h"
#include "daemon/poller.h"
#include "daemon/privilege.h"
#include "daemon/sd.h"
#include "lib/util.h"
#include "http/webconfig.h"

/* Process-wide state lives here and only here. */
static struct exporter_config cfg;
static struct poller *poller;
static struct http_server *http;

static struct page *get_page(void *userdata)
{
	return poller ? poller_get_page(poller) : NULL;
}

static bool get_ready(void *userdata)
{
	return poller && poller_is_ready(poller);
}

/* The HTTP server's own families, appended to each page the poller renders. */
static void render_http_stats(void *userdata, struct strbuf *sb)
{
	if (http)
		http_render_stats(http, sb);
}

static void on_cycle(void *userdata, const struct poller *p)
{
	sd_status(poller_get_summary(p));
	if (http)
		http_page_ready(http);
}

/* Read --web.config.file and log what it sets. 0 or -errno (logged). */
static int load_web_config(struct web_config **ret)
{
	_cleanup_free_ char *err = NULL;
	struct web_config *web;
	int r;

	r = web_config_load(cfg.web_config_file, &web, &err);
	if (r < 0) {
		log_error("--web.config.file: %s", err);
		return r;
	}
	log_info("web configuration: %s%s%s", web_config_tls(web) ? "TLS" : "plain HTTP",
		 web->n_users ? ", basic auth" : "",
		 web->client_auth != WEB_CLIENT_AUTH_NONE ? ", client certificates" : "");
	if (web->http2_given)
		log_info("web configuration: http_server_config.http2 is accepted and changes nothing: this server "
			 "speaks HTTP/1.1");
	*ret = web;
	return 0;
}

/*
 * SIGHUP: the web configuration and the files it names are read again and
 * applied to new connections and requests; the listening sockets, the
 * connections and every counter stay. A file that does not load is logged and
 * the configuration in use is kept.
 */
static void reload(void *userdata)
{
	_cleanup_free_ char *err = NULL;
	struct web_config *web = NULL;
	int r;

	if (!cfg.web_config_file) {
		log_info("SIGHUP: no --web.config.file, nothing to reload");
		return;
	}
	if (!http) {
		log_info("SIGHUP: the HTTP server is not serving yet, nothing to reload");
		return;
	}
	r = load_web_config(&web);
	if (r >= 0) {
		r = http_reload(http, web, &err);
		if (r < 0)
			log_error("--web.config.file: %s", err);
	}
	if (r < 0)
		log_warn("SIGHUP: the new web configuration was refused, the one in use is kept, ignoring");
	else
		log_info("SIGHUP: web configuration reloaded");
	web_config_free(web);
}

/*
 * A TLS connection takes three descriptors (the client's socket and a
 * socketpair to the HTTP server), so --web.max-connections of them need more
 * than the usual soft limit of 1024: raise it to what they need, within the
 * hard limit. Descriptors are never handed to select(), and children get only
 * 0-2.
 */
static void raise_fd_limit(void)
{
	uint64_t want = 4 * cfg.web_max_connections + 1024;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? (rlim_t)want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("Failed to raise the descriptor limit to %" PRIu64 ": %m, ignoring", want);
}

/* --once: why stdout could not take the page (an errno), or 0. */
static int once_write_error;

/* --once: the page goes to stdout as it is rendered. */
static void once_write(void *userdata, const char *data, size_t len)
{
	if (once_write_error == 0 && fwrite(data, 1, len, stdout) != len)
		once_write_error = errno ? errno : EIO;
}

/* --once: print the rest of the page and leave the loop with 0 if pluto answered, 1 if not. */
static void on_once(void *userdata, const struct poller *p)
{
	sd_event *e = userdata;
	struct page *pg = poller_get_page(p);
	int code = poller_get_stats(p)->up ? 0 : 1;

	if (pg) {
		const struct page_body *b = page_get_body(pg, METRICS_FORMAT_TEXT, false);

		once_write(NULL, b->data, b->len);
		page_unref(pg);
	}
	if (once_write_error == 0 && fflush(stdout) != 0)
		once_write_error = errno ? errno : EIO;
	if (once_write_error != 0) {
		log_error_errno(-once_write_error, "--once: writing the page to stdout failed: %m");
		code = 1;
	}
	(void)sd_event_exit(e, code);
}

static int run(void)
{
	static const struct loop_reload on_hup = { reload, NULL };
	struct web_config *web = NULL;
	sd_event *e = NULL;
	int r, listen_fd = -1;

	r = loop_new(&e, cfg.once ? NULL : &on_hup);
	if (r < 0)
		return log_error_errno(r, "Failed to set up the event loop: %m");

	if (cfg.once) {
		/* The heap grows by a quarter GiB of address space at a time (untouched, it costs no
		 * memory): a 100k-connection first cycle made some 500 brk() calls and trims instead. */
		(void)mallopt(M_TOP_PAD, 256 << 20);
		r = poller_new(e, &cfg, on_once, e, &poller);
		if (r < 0)
			goto out;
		poller_set_page_sink(poller, once_write, NULL);
		r = sd_event_loop(e);
		/* The process ends now and the kernel takes its memory back at once: freeing the model
		 * piece by piece would cost a 100k-connection first cycle a fifth of its time. */
		if (!BUILT_WITH_ASAN)
			return r;
		goto out;
	}

	if (cfg.web_config_file) {
		r = load_web_config(&web);
		if (r < 0)
			goto out;
	}
	if (cfg.systemd_socket) {
		r = sd_get_listen_fd(&listen_fd);
		if (r < 0) {
			log_error_errno(r, "--web.systemd-socket: no single socket passed by systemd: %m");
			goto out;
		}
	}
	raise_fd_limit();
	r = privilege_drop();
	if (r < 0)
		goto out;
	{
		struct http_options ho = {
			.telemetry_path = cfg.telemetry_path,
			.listen = cfg.listen,
			.n_listen = cfg.n_listen,
			.listen_fd = listen_fd,
			.max_connections = cfg.web_max_connections,
			.max_connections_per_ip = cfg.web_max_connections_per_ip,
			.timeout_usec = cfg.web_timeout_usec,
			.header_timeout_usec = cfg.web_read_header_timeout_usec,
			.web = web,
			.page_fn = get_page,
			.ready_fn = get_ready,
		};

		r = http_start(e, &ho, &http);
		if (r < 0)
			goto out;
	}
	if (listen_fd >= 0)
		log_info("listening on the socket passed by systemd, metrics at %s", cfg.telemetry_path);
	else
		for (size_t i = 0; i < cfg.n_listen; i++)
			log_info("listening on %s (port %u), metrics at %s", cfg.listen[i], http_port(http, i),
				 cfg.telemetry_path);

	r = poller_new(e, &cfg, on_cycle, NULL, &poller);
	if (r < 0)
		goto out;
	poller_set_page_extra(poller, render_http_stats, NULL);
	sd_ready();
	r = sd_event_loop(e);
	sd_stopping();
	log_info("stopped");
out:
	poller = poller_free(poller);
	http = http_free(http);
	web = web_config_free(web);
	sd_event_unref(e);
	return r;
}

int main(int argc, char **argv)
{
	int r;

	log_open();
	config_init(&cfg);
	r = config_parse_argv(&cfg, argc, argv);
	if (r <= 0)
		return r < 0 ? 2 : EXIT_SUCCESS;
	log_set_level(cfg.log_level);
	if (!cfg.once)
		log_info("libreswan_exporter %s (%s) starting", PACKAGE_VERSION, REVISION);
	r = run();
	if (r < 0)
		return EXIT_FAILURE;
	return r;
}
