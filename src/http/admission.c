/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "http/server.h"
#include "http/tls.h"
#include "lib/log.h"
#include "lib/util.h"

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

void http_wait_remove(struct http_server *h, struct http_conn *c)
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

void http_wait_add(struct http_server *h, struct http_conn *c)
{
	http_wait_remove(h, c);
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
void http_conn_release(struct http_server *h, struct http_conn *hc)
{
	http_wait_remove(h, hc);
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
	http_wait_remove(h, hc);
	if (hc->doomed)
		return;
	hc->doomed = true;
	h->n_doomed++;
	guard_conn_closed(&h->guard, hc->key);
	if (hc->tls) {
		hc->tls = tls_conn_free(hc->tls);
		if (!hc->mhd)
			http_conn_release(h, hc);
	} else if (hc->fd >= 0)
		(void)shutdown(hc->fd, SHUT_RDWR);
}

int http_on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct http_server *h = userdata;
	uint64_t now = now_monotonic_usec();

	while (h->wait_head && h->wait_head->deadline <= now) {
		struct http_conn *c = h->wait_head;

		http_reject(h, HTTP_REJECT_HEADER_TIMEOUT, c->key);
		doom(h, c);
	}
	arm_deadline(h);
	return 0;
}

static void client_key(const struct sockaddr *sa, char key[static GUARD_KEY_MAX])
{
	if (!sa || guard_addr_key(sa, key) < 0)
		(void)snprintf(key, GUARD_KEY_MAX, "local");
}

/* libmicrohttpd takes a connection (the one being added) or is done with it. */
void http_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
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
		http_conn_release(h, hc);
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
	http_arm_timer(h);
	return 0;
}

static int on_tls_ready(void *userdata, int fd)
{
	struct http_conn *hc = userdata;
	struct http_server *h = hc->server;

	if (add_to_mhd(h, hc, fd) < 0) {
		http_reject(h, HTTP_REJECT_CONNECTION_LIMIT, hc->key);
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
		http_reject(h, HTTP_REJECT_CLIENT_CERT, hc->key);
		break;
	case TLS_END_HANDSHAKE:
		http_reject(h, HTTP_REJECT_TLS_HANDSHAKE, hc->key);
		break;
	case TLS_END_CLOSED:
	case TLS_END_ERROR:
		break;
	}
	if (!hc->mhd)
		http_conn_release(h, hc);
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
void http_admit(struct http_server *h, int fd, const struct sockaddr_storage *ss, socklen_t len)
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
		http_reject(h, HTTP_REJECT_PER_IP_LIMIT, key);
		return;
	}
	if (h->n_conns - h->n_doomed >= h->opt.max_connections) {
		struct http_conn *victim = pick_victim(h, key, trusted);

		if (!victim) {
			(void)close(fd);
			http_reject(h, HTTP_REJECT_CONNECTION_LIMIT, key);
			return;
		}
		http_reject(h, HTTP_REJECT_SHED, victim->key);
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
	http_wait_add(h, hc);
	if (h->tls) {
		if (tls_conn_new(h->event, h->tls, fd, &tls_callbacks, hc, &hc->tls) < 0)
			http_conn_release(h, hc);
		return;
	}
	hc->fd = fd;
	if (add_to_mhd(h, hc, fd) < 0) {
		hc->fd = -1;
		http_reject(h, HTTP_REJECT_CONNECTION_LIMIT, hc->key);
		http_conn_release(h, hc);
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
			bool out_of_room = errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
					   errno == ENOMEM;

			if (out_of_room && h->n_conns > 0) {
				/* the connection waits in the backlog until a descriptor is free */
				log_warn("HTTP: accept() failed: %m; accepting again when a "
					 "connection closes");
				h->accept_paused = true;
				for (size_t j = 0; j < h->n_listeners; j++)
					(void)sd_event_source_set_enabled(h->listeners[j].io,
									  SD_EVENT_OFF);
			}
			break;
		}
		http_admit(h, cfd, &ss, len);
	}
	return 0;
}

int http_listen_socket(const char *addr, int *ret_fd)
{
	_cleanup_free_ char *host = NULL;
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
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
int http_start_listener(struct http_server *h, int fd)
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
