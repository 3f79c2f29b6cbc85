/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * --web.config.file: the exporter-toolkit web configuration (the file
 * node_exporter and friends read), the subset that applies here:
 *
 *   tls_server_config:
 *     cert_file: /etc/libreswan_exporter/tls.crt      # PEM
 *     key_file: /etc/libreswan_exporter/tls.key       # PEM
 *     client_auth_type: RequireAndVerifyClientCert    # or NoClientCert (default)
 *     client_ca_file: /etc/libreswan_exporter/ca.crt  # needed for client certificates
 *     min_version: TLS12                              # TLS12 (default) or TLS13
 *   basic_auth_users:
 *     prometheus: $2y$10$...                          # bcrypt hashes
 *
 * Any other key is an error: a setting we would silently ignore (a cipher
 * list, a header) is worse than refusing to start.
 */

struct web_user {
	char *name;
	char *hash;		/* crypt(3) hash, bcrypt as the toolkit requires */
	char *verified;		/* last password that matched, so bcrypt runs once, not per scrape */
};

struct web_config {
	char *cert_file;	/* the paths as written; NULL: plain HTTP */
	char *key_file;
	char *client_ca_file;	/* NULL: no client certificates */
	char *cert_pem;		/* the files' contents, read by web_config_load() */
	char *key_pem;
	char *client_ca_pem;
	bool require_client_cert;
	bool tls13_only;
	struct web_user *users;
	size_t n_users;
	/* The hash an unknown user's password is checked against, so that an unknown
	 * user costs the same as a wrong password: the costliest configured hash. */
	const char *dummy_hash;
};

/* Parse the text of a web configuration (name for messages); reads no file. 0, or -errno with reterr. */
int web_config_parse(const char *text, size_t len, const char *name, struct web_config **ret, char **reterr);

/* Read and validate the file and the files it names. 0, or -errno with a one-line reason in *reterr (caller frees). */
int web_config_load(const char *path, struct web_config **ret, char **reterr);

/* Free; NULL is a no-op; returns NULL. */
struct web_config *web_config_free(struct web_config *c);

/* The configured user of that name, or NULL. */
struct web_user *web_config_find_user(struct web_config *c, const char *name);

/* True if password is the one last verified for u (compared in constant time; no hashing). */
bool web_user_cached(const struct web_user *u, const char *password);

/* Remember password as verified for u (after the hash matched). */
void web_user_remember(struct web_user *u, const char *password);
