/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-event.h>

/*
 * TLS in front of the HTTP server, on the event loop, in bounded steps.
 *
 * libmicrohttpd's own TLS (0.9.75) runs every pending handshake in one call
 * and spins the loop while a handshake waits for its client; it also cannot
 * take a new certificate without a new daemon. So TLS ends here: each client
 * connection has a GnuTLS session whose handshake advances one step per turn
 * of the loop (one ClientHello processed, at most one server signature), then
 * the plaintext is carried to and from a socketpair whose other end the HTTP
 * server serves as a plain connection (at most 64 KiB each way per turn).
 *
 * The GnuTLS priority string, the certificate and the client certificate
 * policy (client_auth_type, client_ca_file, client_allowed_sans) come from the
 * web configuration (webconfig.h). A context is made once per configuration
 * and shared by the connections made with it, so that a new configuration
 * (SIGHUP) applies to new connections while older ones finish with theirs.
 */

struct tls_ctx;
struct tls_conn;
struct web_config;

/* How a connection ended. */
enum tls_end {
	TLS_END_CLOSED,	     /* either side closed */
	TLS_END_HANDSHAKE,   /* the handshake failed (not TLS, no common version or suite, ...) */
	TLS_END_CLIENT_CERT, /* the client certificate was missing, invalid or not allowed */
	TLS_END_ERROR,	     /* a read or write failed */
};

struct tls_callbacks {
	/* The handshake succeeded: the plaintext is on fd (non-blocking, close-on-exec; the callee
	 * owns it). Return < 0 to end the connection (fd is then the callee's to close still). */
	int (*ready)(void *userdata, int fd);
	/* The connection is over; the tls_conn is freed after this returns. */
	void (*closed)(void *userdata, enum tls_end why);
};

/* A context for web (which must have a certificate and key). 0, or -errno with a reason in *reterr.
 */
int tls_ctx_new(struct web_config *web, struct tls_ctx **ret, char **reterr);

/* Another reference. */
struct tls_ctx *tls_ctx_ref(struct tls_ctx *t);

/* Drop a reference; NULL is a no-op; returns NULL. */
struct tls_ctx *tls_ctx_unref(struct tls_ctx *t);

/* Serve TLS on the accepted socket fd (taken over: closed with the connection). 0 or -errno (fd
 * closed). */
int tls_conn_new(sd_event *e, struct tls_ctx *t, int fd, const struct tls_callbacks *cb,
		 void *userdata, struct tls_conn **ret);

/* End the connection now, without a callback; NULL is a no-op; returns NULL. */
struct tls_conn *tls_conn_free(struct tls_conn *c);

/* True once the handshake has completed. */
bool tls_conn_established(const struct tls_conn *c);
