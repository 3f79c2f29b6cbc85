/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Fuzz target for the --web.config.file loader (web_config_parse(): YAML in,
 * no file read). Any bytes: either an error with a message and no result, or
 * a configuration that keeps the loader's promises: TLS has both a
 * certificate and a key, client certificates have a CA, every user is found
 * by name, has a bcrypt hash and a cache that works, and unknown users get
 * the costliest of those hashes.
 */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "http/webconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_config *c = (struct web_config *)1;
	char *err = NULL;
	bool dummy_found = false;
	int r = web_config_parse((const char *)data, size, "fuzz.yml", &c, &err);

	if (r < 0) {
		/* a one-line reason, and the result untouched */
		if (!err || !err[0] || strchr(err, '\n') || c != (struct web_config *)1)
			abort();
		free(err);
		return 0;
	}
	if (err || !c)
		abort();
	/* TLS has a certificate and a key, each either a file or inline (parsing reads no file) */
	if (!(c->cert_file || c->cert_pem) != !(c->key_file || c->key_pem) ||
	    (c->cert_file && c->cert_pem) || (c->key_file && c->key_pem) ||
	    (c->client_ca_file && c->client_ca_pem))
		abort();
	/* certificates that are verified have a CA to verify them against; versions in order */
	if ((c->client_auth == WEB_CLIENT_AUTH_VERIFY_IF_GIVEN || c->require_client_cert) &&
	    !c->client_ca_file && !c->client_ca_pem)
		abort();
	if (c->min_version < 10 || c->min_version > c->max_version || c->max_version > 13)
		abort();
	if (c->cert_file || c->cert_pem) {
		char *prio = web_config_tls_priority(c);

		if (!strstr(prio, "+VERS-TLS1."))
			abort();
		free(prio);
	}
	if (!c->n_users != !c->dummy_hash)
		abort();
	for (size_t i = 0; i < c->n_users; i++) {
		struct web_user *u = &c->users[i];

		dummy_found |= u->hash == c->dummy_hash;
		/* "$2y$NN$": no user costs more than the hash unknown users are checked against */
		if (web_config_find_user(c, u->name) != u || strlen(u->hash) != 60 ||
		    memcmp(u->hash + 4, c->dummy_hash + 4, 2) > 0)
			abort();
		if (web_user_cached(u, "x"))
			abort();
		web_user_remember(u, "x");
		if (!web_user_cached(u, "x") || web_user_cached(u, "y"))
			abort();
	}
	if (c->n_users && !dummy_found)
		abort();
	web_config_free(c);
	return 0;
}
