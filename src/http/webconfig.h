/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * --web.config.file: the exporter-toolkit web configuration, the file
 * node_exporter and friends read, every key of it:
 *
 *   tls_server_config:
 *     cert_file: tls.crt              # PEM; relative paths are relative to this file's folder
 *     key_file: tls.key               # (or cert:, key:, client_ca: with the PEM inline)
 *     client_auth_type: RequireAndVerifyClientCert   # NoClientCert (default), RequestClientCert,
 *                                     # RequireAnyClientCert, VerifyClientCertIfGiven
 *     client_ca_file: ca.crt          # needed to verify client certificates
 *     client_allowed_sans: [prometheus.example.org]  # a client certificate must name one
 *     min_version: TLS12              # TLS10 .. TLS13; default TLS12
 *     max_version: TLS13              # default TLS13
 *     cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]  # Go's names, TLS 1.2 and older
 *     prefer_server_cipher_suites: true               # default true
 *     curve_preferences: [X25519, CurveP256]          # Go's names
 *   http_server_config:
 *     http2: true                     # accepted; this server speaks HTTP/1.1 (the caller logs it)
 *     headers: {X-Content-Type-Options: nosniff}      # added to every response
 *   basic_auth_users:
 *     prometheus: $2y$10$...          # bcrypt hashes
 *   basic_auth_excluded_paths: [/-/healthy]          # served without credentials
 *
 * Any other key is an error: a setting we would silently ignore is worse than
 * refusing to start. The TLS defaults are what an audit expects: TLS 1.2 and
 * 1.3, the server's cipher order, AEAD suites with ECDHE only, X25519 and the
 * NIST P-256 and P-384 curves.
 */

/* How a client certificate is asked for and checked (Go's tls.ClientAuthType). */
enum web_client_auth {
	WEB_CLIENT_AUTH_NONE,			/* NoClientCert */
	WEB_CLIENT_AUTH_REQUEST,		/* RequestClientCert: asked for, not verified */
	WEB_CLIENT_AUTH_REQUIRE_ANY,		/* RequireAnyClientCert: required, not verified */
	WEB_CLIENT_AUTH_VERIFY_IF_GIVEN,	/* VerifyClientCertIfGiven */
	WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY,	/* RequireAndVerifyClientCert */
	_WEB_CLIENT_AUTH_MAX,
};

/* Room for the cipher suites and curves Go knows (each listed at most once). */
#define WEB_MAX_SUITES 16
#define WEB_MAX_CURVES 8
#define WEB_MAX_HEADERS 5

struct web_user {
	char *name;
	char *hash;		/* crypt(3) hash, bcrypt as the toolkit requires */
	char *verified; /* last password that matched, so bcrypt runs once, not per scrape */
};

struct web_header {
	char *name;
	char *value;
};

struct web_config {
	unsigned refs;		/* web_config_ref(); web_config_free() drops one */
	char *cert_file; /* the paths as written (relative ones resolved by web_config_load()) */
	char *key_file;
	char *client_ca_file;
	char *cert_pem;		/* the PEM: inline in the file, or read by web_config_load() */
	char *key_pem;
	char *client_ca_pem;
	enum web_client_auth client_auth;
	bool require_client_cert;	/* the client must present a certificate that verifies */
	unsigned min_version;	/* 10 .. 13 for TLS 1.0 .. 1.3 */
	unsigned max_version;
	bool prefer_server_cipher_suites;
	unsigned suites[WEB_MAX_SUITES]; /* cipher_suites, as indices of web_cipher_suite_name() */
	size_t n_suites;
	unsigned curves[WEB_MAX_CURVES]; /* curve_preferences, as indices of web_curve_name() */
	size_t n_curves;
	char **allowed_sans;	/* client_allowed_sans */
	size_t n_allowed_sans;
	struct web_header headers[WEB_MAX_HEADERS];
	size_t n_headers;
	bool http2_given;	/* http_server_config.http2 was set (it cannot apply here) */
	char **excluded_paths;	/* basic_auth_excluded_paths */
	size_t n_excluded_paths;
	struct web_user *users;
	size_t n_users;
	/* The hash an unknown user's password is checked against, so that an unknown
	 * user costs the same as a wrong password: the costliest configured hash. */
	const char *dummy_hash;
};

/* Parse the text of a web configuration (name for messages); reads no file. 0, or -errno with
 * reterr. */
int web_config_parse(const char *text, size_t len, const char *name, struct web_config **ret,
		     char **reterr);

/*
 * Read and validate the file and the files it names, relative ones from the
 * file's folder. 0, or -errno with a one-line reason in *reterr (caller frees).
 */
int web_config_load(const char *path, struct web_config **ret, char **reterr);

/* Another reference (a TLS context keeps the configuration it was made from). */
struct web_config *web_config_ref(struct web_config *c);

/* Drop a reference, freeing with the last; NULL is a no-op; returns NULL. */
struct web_config *web_config_free(struct web_config *c);

/* True when the configuration serves TLS. */
bool web_config_tls(const struct web_config *c);

/* The GnuTLS priority string the TLS settings make (caller frees). */
char *web_config_tls_priority(const struct web_config *c);

/* True unless cipher_suites names TLS 1.2 suites and this one (GnuTLS names) is not among them. */
bool web_config_suite_allowed(const struct web_config *c, const char *kx, const char *cipher,
			      const char *mac);

/* True when basic auth applies to the path (users configured, the path not excluded). */
bool web_config_needs_auth(const struct web_config *c, const char *path);

/* Go's name of the i-th cipher suite this loader knows, or NULL past the last. */
const char *web_cipher_suite_name(unsigned i);

/* Go's name of the i-th curve this loader knows, or NULL past the last. */
const char *web_curve_name(unsigned i);

/* The name of a client_auth_type value. */
const char *web_client_auth_to_string(enum web_client_auth a);

/* The configured user of that name, or NULL. */
struct web_user *web_config_find_user(struct web_config *c, const char *name);

/* True if password is the one last verified for u (compared in constant time; no hashing). */
bool web_user_cached(const struct web_user *u, const char *password);

/* Remember password as verified for u (after the hash matched). */
void web_user_remember(struct web_user *u, const char *password);
