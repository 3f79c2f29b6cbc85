/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/tls.h"
#include "http/webconfig.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/* One TLS record's plaintext at most per buffer; this many buffers each way per turn. */
#define TLS_BUF 16384
#define TLS_CHUNKS_PER_TURN 4

struct tls_ctx {
	unsigned refs;
	struct web_config *web;	/* a reference: the client certificate policy and the suite list */
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
};

struct tls_conn {
	struct tls_ctx *ctx;
	gnutls_session_t s;
	int fd;			/* the client's socket */
	int inner;		/* our end of the socketpair, once established; -1 before */
	sd_event_source *io, *inner_io;
	const struct tls_callbacks *cb;
	void *userdata;
	bool established;
	bool client_eof;   /* the client sent close_notify or closed: the server's side was told */
	bool inner_eof;	   /* the server closed its end: what it wrote is flushed, then we end */
	bool cert_refused; /* the certificate check failed (as opposed to other handshake errors) */
	size_t up_off, up_len;	/* client -> server, decrypted, not yet written to inner */
	size_t down_off, down_len;	/* server -> client, read from inner, not yet sent */
	char up[TLS_BUF];
	char down[TLS_BUF];
};

static int fail(char **reterr, int err, const char *what, int gnutls_err)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb, "%s: %s", what, gnutls_strerror(gnutls_err));
	*reterr = strbuf_detach(&sb, NULL);
	return err;
}

static bool san_allowed(const struct web_config *w, gnutls_x509_crt_t crt)
{
	for (unsigned i = 0;; i++) {
		char buf[1024], text[INET6_ADDRSTRLEN];
		size_t size = sizeof(buf) - 1;
		const char *name = buf;
		int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &size, NULL);

		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			return false;
		if (type == GNUTLS_E_SHORT_MEMORY_BUFFER)
			continue;
		if (type < 0)
			return false;
		buf[size] = '\0';
		if (type == GNUTLS_SAN_IPADDRESS) {
			if (!inet_ntop(size == 4 ? AF_INET : AF_INET6, buf, text, sizeof(text)) ||
			    (size != 4 && size != 16))
				continue;
			name = text;
		} else if (type != GNUTLS_SAN_DNSNAME && type != GNUTLS_SAN_RFC822NAME &&
			   type != GNUTLS_SAN_URI)
			continue;
		if (strlen(name) != size && name == buf)
			continue;	/* an embedded NUL: never a match */
		for (size_t j = 0; j < w->n_allowed_sans; j++)
			if (streq(name, w->allowed_sans[j]))
				return true;
	}
}

/*
 * Called by GnuTLS inside the handshake when the client's certificate arrives:
 * the policy of client_auth_type, then client_allowed_sans. Non-zero fails the
 * handshake (the client gets an alert, as from Go's server).
 */
static int verify_client(gnutls_session_t s)
{
	struct tls_conn *c = gnutls_session_get_ptr(s);
	const struct web_config *w = c->ctx->web;
	unsigned n = 0, status = 0;
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &n);
	gnutls_x509_crt_t crt;
	bool verify = w->client_auth == WEB_CLIENT_AUTH_VERIFY_IF_GIVEN ||
		      w->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY;
	bool required = w->client_auth == WEB_CLIENT_AUTH_REQUIRE_ANY ||
			w->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY;
	bool ok;

	if (!certs || n == 0) {
		c->cert_refused = required;
		return required ? -1 : 0;
	}
	if (verify && (gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0)) {
		c->cert_refused = true;
		return -1;
	}
	if (!w->n_allowed_sans)
		return 0;
	if (gnutls_x509_crt_init(&crt) < 0) {
		c->cert_refused = true;
		return -1;
	}
	ok = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0 &&
	     san_allowed(w, crt);
	gnutls_x509_crt_deinit(crt);
	c->cert_refused = !ok;
	return ok ? 0 : -1;
}

int tls_ctx_new(struct web_config *web, struct tls_ctx **ret, char **reterr)
{
	struct tls_ctx *t = xcalloc(1, sizeof(*t));
	_cleanup_free_ char *prio = web_config_tls_priority(web);
	gnutls_datum_t cert = { (unsigned char *)web->cert_pem, (unsigned)strlen(web->cert_pem) };
	gnutls_datum_t key = { (unsigned char *)web->key_pem, (unsigned)strlen(web->key_pem) };
	const char *errpos = NULL;
	int r;

	t->refs = 1;
	t->web = web_config_ref(web);
	r = gnutls_certificate_allocate_credentials(&t->cred);
	if (r < 0) {
		r = fail(reterr, -ENOMEM, "TLS credentials", r);
		goto out;
	}
	r = gnutls_certificate_set_x509_key_mem2(t->cred, &cert, &key, GNUTLS_X509_FMT_PEM, NULL,
						 0);
	if (r < 0) {
		r = fail(reterr, -EINVAL, "the certificate and key", r);
		goto out;
	}
	if (web->client_ca_pem) {
		gnutls_datum_t ca = { (unsigned char *)web->client_ca_pem,
				      (unsigned)strlen(web->client_ca_pem) };

		r = gnutls_certificate_set_x509_trust_mem(t->cred, &ca, GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			r = fail(reterr, -EINVAL, "client_ca_file",
				 r < 0 ? r : GNUTLS_E_NO_CERTIFICATE_FOUND);
			goto out;
		}
	}
	gnutls_certificate_set_verify_function(t->cred, verify_client);
	r = gnutls_priority_init(&t->prio, prio, &errpos);
	if (r < 0) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_appendf(&sb, "the TLS settings (GnuTLS priority \"%s\", at \"%s\"): %s",
			       prio, errpos ? errpos : "?", gnutls_strerror(r));
		*reterr = strbuf_detach(&sb, NULL);
		r = -EINVAL;
		goto out;
	}
	*ret = t;
	return 0;
out:
	tls_ctx_unref(t);
	return r;
}

struct tls_ctx *tls_ctx_ref(struct tls_ctx *t)
{
	t->refs++;
	return t;
}

struct tls_ctx *tls_ctx_unref(struct tls_ctx *t)
{
	if (!t || --t->refs > 0)
		return NULL;
	if (t->prio)
		gnutls_priority_deinit(t->prio);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	web_config_free(t->web);
	free(t);
	return NULL;
}

struct tls_conn *tls_conn_free(struct tls_conn *c)
{
	if (!c)
		return NULL;
	c->io = sd_event_source_disable_unref(c->io);
	c->inner_io = sd_event_source_disable_unref(c->inner_io);
	if (c->s)
		gnutls_deinit(c->s);
	if (c->fd >= 0)
		(void)close(c->fd);
	if (c->inner >= 0)
		(void)close(c->inner);
	tls_ctx_unref(c->ctx);
	free(c);
	return NULL;
}

bool tls_conn_established(const struct tls_conn *c)
{
	return c->established;
}

/* The end: the owner hears of it, then the connection is gone. */
static void finish(struct tls_conn *c, enum tls_end why)
{
	c->cb->closed(c->userdata, why);
	tls_conn_free(c);
}

/* What each socket waits for, from the state of the buffers. */
static void update_events(struct tls_conn *c)
{
	uint32_t ev = 0, inner_ev = 0;
	bool up_empty = c->up_off == c->up_len, down_empty = c->down_off == c->down_len;

	if (!c->established) {
		ev = gnutls_record_get_direction(c->s) ? EPOLLOUT : EPOLLIN;
	} else {
		if (!c->client_eof && up_empty)
			ev |= EPOLLIN;
		if (!down_empty)
			ev |= EPOLLOUT;
		if (!c->inner_eof && down_empty)
			inner_ev |= EPOLLIN;
		/* decrypted data GnuTLS still holds wakes us through the (writable) inner socket */
		if (!up_empty || (!c->client_eof && gnutls_record_check_pending(c->s) > 0))
			inner_ev |= EPOLLOUT;
		(void)sd_event_source_set_io_events(c->inner_io, inner_ev);
		(void)sd_event_source_set_enabled(c->inner_io,
						  inner_ev ? SD_EVENT_ON : SD_EVENT_OFF);
	}
	(void)sd_event_source_set_io_events(c->io, ev);
	(void)sd_event_source_set_enabled(c->io, ev ? SD_EVENT_ON : SD_EVENT_OFF);
}

/* Move at most TLS_CHUNKS_PER_TURN buffers each way. false: the connection ended (and is freed). */
static bool pump(struct tls_conn *c)
{
	for (int i = 0; i < TLS_CHUNKS_PER_TURN; i++) {
		ssize_t n;

		if (c->down_off < c->down_len) {
			n = gnutls_record_send(c->s, c->down + c->down_off,
					       c->down_len - c->down_off);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				break;
			if (n < 0) {
				finish(c, TLS_END_ERROR);
				return false;
			}
			c->down_off += (size_t)n;
			if (c->down_off == c->down_len)
				c->down_off = c->down_len = 0;
			continue;
		}
		if (c->inner_eof)
			break;
		n = read(c->inner, c->down, sizeof(c->down));
		if (n > 0) {
			c->down_len = (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		c->inner_eof = true;	/* the server closed (or reset) its end */
	}
	if (c->inner_eof && c->down_off == c->down_len) {
		(void)gnutls_bye(c->s, GNUTLS_SHUT_WR);	/* a close_notify if it fits; never waits */
		finish(c, TLS_END_CLOSED);
		return false;
	}
	for (int i = 0; i < TLS_CHUNKS_PER_TURN; i++) {
		ssize_t n;

		if (c->up_off < c->up_len) {
			n = write(c->inner, c->up + c->up_off, c->up_len - c->up_off);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n < 0) {
				finish(c, TLS_END_CLOSED);	/* the server is gone */
				return false;
			}
			c->up_off += (size_t)n;
			if (c->up_off == c->up_len)
				c->up_off = c->up_len = 0;
			continue;
		}
		if (c->client_eof)
			break;
		n = gnutls_record_recv(c->s, c->up, sizeof(c->up));
		if (n > 0) {
			c->up_len = (size_t)n;
			continue;
		}
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			break;
		if (n < 0 && !gnutls_error_is_fatal((int)n))
			continue;
		if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION) {
			/* the client is done sending: the server reads the end, answers what it has
			 */
			c->client_eof = true;
			(void)shutdown(c->inner, SHUT_WR);
			break;
		}
		finish(c, TLS_END_ERROR);
		return false;
	}
	update_events(c);
	return true;
}

static int on_inner(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	(void)pump(userdata);
	return 0;
}

/* The handshake is done: the plaintext goes through a socketpair to the HTTP server. */
static bool established(struct tls_conn *c)
{
	int sv[2], r;

	if (gnutls_protocol_get_version(c->s) != GNUTLS_TLS1_3 &&
	    !web_config_suite_allowed(c->ctx->web, gnutls_kx_get_name(gnutls_kx_get(c->s)),
				      gnutls_cipher_get_name(gnutls_cipher_get(c->s)),
				      gnutls_mac_get_name(gnutls_mac_get(c->s)))) {
		(void)gnutls_alert_send(c->s, GNUTLS_AL_FATAL, GNUTLS_A_HANDSHAKE_FAILURE);
		finish(c, TLS_END_HANDSHAKE);
		return false;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
		finish(c, TLS_END_ERROR);
		return false;
	}
	c->inner = sv[0];
	c->established = true;
	r = sd_event_add_io(sd_event_source_get_event(c->io), &c->inner_io, c->inner, EPOLLIN,
			    on_inner, c);
	if (r < 0) {
		(void)close(sv[1]);
		finish(c, TLS_END_ERROR);
		return false;
	}
	if (c->cb->ready(c->userdata, sv[1]) < 0) {
		finish(c, TLS_END_ERROR);
		return false;
	}
	return pump(c);
}

/* One handshake step per turn: at most one flight of the client processed, one answered. */
static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct tls_conn *c = userdata;
	int r;

	if (c->established) {
		(void)pump(c);
		return 0;
	}
	do
		r = gnutls_handshake(c->s);
	while (r < 0 && r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED &&
	       !gnutls_error_is_fatal(r));
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		update_events(c);
		return 0;
	}
	if (r == GNUTLS_E_PREMATURE_TERMINATION) {
		finish(c, TLS_END_CLOSED); /* the client left (a port check, a probe): nothing
					      failed */
		return 0;
	}
	if (r < 0) {
		/* a certificate required and not sent fails before verify_client() could say so */
		if (r == GNUTLS_E_NO_CERTIFICATE_FOUND || r == GNUTLS_E_CERTIFICATE_REQUIRED)
			c->cert_refused = true;
		(void)gnutls_alert_send_appropriate(c->s, r);
		finish(c, c->cert_refused ? TLS_END_CLIENT_CERT : TLS_END_HANDSHAKE);
		return 0;
	}
	(void)established(c);
	return 0;
}

int tls_conn_new(sd_event *e, struct tls_ctx *t, int fd, const struct tls_callbacks *cb,
		 void *userdata, struct tls_conn **ret)
{
	struct tls_conn *c = xcalloc(1, sizeof(*c));
	const struct web_config *w = t->web;
	int r;

	c->ctx = tls_ctx_ref(t);
	c->fd = fd;
	c->inner = -1;
	c->cb = cb;
	c->userdata = userdata;
	r = gnutls_init(&c->s, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	if (r < 0) {
		c->s = NULL;
		tls_conn_free(c);
		return -ENOMEM;
	}
	gnutls_session_set_ptr(c->s, c);
	r = gnutls_priority_set(c->s, t->prio);
	if (r >= 0)
		r = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (r < 0) {
		tls_conn_free(c);
		return -EINVAL;
	}
	switch (w->client_auth) {
	case WEB_CLIENT_AUTH_NONE:
		break;
	case WEB_CLIENT_AUTH_REQUEST:
	case WEB_CLIENT_AUTH_VERIFY_IF_GIVEN:
		gnutls_certificate_server_set_request(c->s, GNUTLS_CERT_REQUEST);
		break;
	case WEB_CLIENT_AUTH_REQUIRE_ANY:
	case WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY:
		gnutls_certificate_server_set_request(c->s, GNUTLS_CERT_REQUIRE);
		break;
	case _WEB_CLIENT_AUTH_MAX:
		break;
	}
	/* records go out as they are made: with Nagle, a response's second record would wait for
	 * the client's delayed ACK of the first (40 ms) */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	gnutls_transport_set_int(c->s, fd);
	/* a handshake that waits for its client costs nothing until the client sends */
	gnutls_handshake_set_timeout(c->s, 0);
	r = sd_event_add_io(e, &c->io, fd, EPOLLIN, on_io, c);
	if (r < 0) {
		tls_conn_free(c);
		return r;
	}
	*ret = c;
	return 0;
}
