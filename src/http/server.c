/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/* The HTTP server's refusals, counted and logged once per episode; libmicrohttpd's runs. */
#include "autoconfig.h"

#include <inttypes.h>
#include <microhttpd.h>

#include "http/server.h"
#include "lib/log.h"
#include "lib/string_table.h"
#include "lib/util.h"

static const char *const http_reject_table[_HTTP_REJECT_MAX] = {
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
	[HTTP_REJECT_RATE_LIMITED] =
		"request refused (429): too many password attempts from one address",
	[HTTP_REJECT_AUTH_BUSY] = "request refused (503): the password checks queue is full",
	[HTTP_REJECT_CLIENT_CERT] =
		"TLS handshake refused: no valid client certificate (client_auth_type, "
		"client_allowed_sans)",
	[HTTP_REJECT_SHED] =
		"connection closed to admit another at --web.max-connections: it had sent no "
		"complete request, and its address held the most connections",
	[HTTP_REJECT_TLS_HANDSHAKE] =
		"TLS handshake failed (not TLS, or no common version, suite or curve)",
};

DEFINE_STRING_TABLE_LOOKUP_TO_STRING(http_reject, enum http_reject, _HTTP_REJECT_MAX)

/* The first refusal of a kind is logged; then only counted until none came for a while. */
int http_on_episode_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct http_server *h = userdata;
	uint64_t now = now_monotonic_usec(), next = 0;

	for (size_t r = 0; r < _HTTP_REJECT_MAX; r++) {
		struct episode *e = &h->episodes[r];

		if (!e->active)
			continue;
		if (now - e->last_usec >= HTTP_EPISODE_QUIET_USEC) {
			log_info("HTTP: episode over, %" PRIu64
				 " refusals of reason %s in all; none for %" PRIu64 " s",
				 e->count, http_reject_to_string(r),
				 HTTP_EPISODE_QUIET_USEC / 1000000);
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

void http_reject(struct http_server *h, enum http_reject r, const char *addr)
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
		 "libreswan_http_rejected_total{reason=\"%s\"} and not logged until none came for "
		 "%" PRIu64 " s",
		 reject_text[r], addr, http_reject_to_string(r), HTTP_EPISODE_QUIET_USEC / 1000000);
	if (h->episode_timer && sd_event_source_get_enabled(h->episode_timer, NULL) == 0) {
		(void)sd_event_source_set_time(h->episode_timer, now + HTTP_EPISODE_QUIET_USEC);
		(void)sd_event_source_set_enabled(h->episode_timer, SD_EVENT_ONESHOT);
	}
}

void http_arm_timer(struct http_server *h)
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
void http_run_mhd(struct http_server *h)
{
	(void)MHD_run(h->daemon);
	http_arm_timer(h);
}
