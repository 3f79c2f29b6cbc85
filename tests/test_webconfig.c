/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
/*
 * Proves the web configuration loader's reading of each exporter-toolkit key:
 * the TLS defaults as a GnuTLS priority string (TLS 1.2-1.3, ECDHE, AEAD only,
 * X25519/P-256/P-384, the server's order) that GnuTLS itself accepts; Go's
 * cipher suite and curve names mapped in the order given; versions; the five
 * client_auth_type values and the rules that tie them to client_ca_file and
 * client_allowed_sans; headers (the five the toolkit allows, checked values);
 * http2; basic_auth_excluded_paths; inline PEM; relative paths resolved from
 * the file's folder by web_config_load(); and that a refused file leaves the
 * result untouched (sentinel).
 */
#include "autoconfig.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "http/webconfig.h"
#include "lib/util.h"

#define SENTINEL ((struct web_config *)0x1)
#define TLS_HEAD "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n"

static struct web_config *parse_ok(const char *text)
{
	struct web_config *c = SENTINEL;
	char *err = NULL;
	int r = web_config_parse(text, strlen(text), "t.yml", &c, &err);

	if (r < 0)
		fail_msg("refused: %s", err);
	assert_null(err);
	return c;
}

/* The error message of a refused text (caller frees); the result is not written. */
static char *parse_err(const char *text)
{
	struct web_config *c = SENTINEL;
	char *err = NULL;

	assert_true(web_config_parse(text, strlen(text), "t.yml", &c, &err) < 0);
	assert_ptr_equal(c, SENTINEL);
	assert_non_null(err);
	return err;
}

static void assert_refused(const char *text, const char *needle)
{
	char *err = parse_err(text);

	if (!strstr(err, needle))
		fail_msg("\"%s\" does not say \"%s\"", err, needle);
	free(err);
}

/* GnuTLS accepts the priority string. */
static void assert_gnutls_accepts(const char *prio)
{
	gnutls_priority_t p;
	const char *errpos = NULL;

	if (gnutls_priority_init(&p, prio, &errpos) < 0)
		fail_msg("GnuTLS refuses \"%s\" at \"%s\"", prio, errpos ? errpos : "?");
	gnutls_priority_deinit(p);
}

static void test_defaults(void **state)
{
	struct web_config *c = parse_ok(TLS_HEAD);
	char *prio = web_config_tls_priority(c);

	assert_int_equal(c->min_version, 12);
	assert_int_equal(c->max_version, 13);
	assert_true(c->prefer_server_cipher_suites);
	assert_int_equal(c->client_auth, WEB_CLIENT_AUTH_NONE);
	assert_string_equal(
		prio,
		"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:-CIPHER-ALL:-MAC-ALL:-GROUP-ALL"
		":+ECDHE-ECDSA:+ECDHE-RSA:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AEAD"
		":+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:%SERVER_PRECEDENCE");
	assert_gnutls_accepts(prio);
	/* no suite list: every suite the priority string allows is allowed */
	assert_true(web_config_suite_allowed(c, "ECDHE-RSA", "AES-128-GCM", "AEAD"));
	free(prio);
	web_config_free(c);
}

static void test_suites_curves_versions(void **state)
{
	struct web_config *c = parse_ok(TLS_HEAD "  cipher_suites:\n"
					"    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n"
					"    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\n"
					"    - TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA\n"
					"  curve_preferences: [CurveP384, X25519]\n"
					"  min_version: TLS10\n  max_version: TLS12\n"
					"  prefer_server_cipher_suites: false\n");
	char *prio = web_config_tls_priority(c);

	assert_int_equal(c->n_suites, 3);
	assert_string_equal(web_cipher_suite_name(c->suites[0]),
			    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	assert_int_equal(c->n_curves, 2);
	assert_string_equal(web_curve_name(c->curves[0]), "CurveP384");
	/* listed order, each token once; no TLS 1.3 ciphers with max_version TLS12; client order */
	assert_string_equal(
		prio, "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:-KX-ALL:-CIPHER-ALL:"
		      "-MAC-ALL"
		      ":-GROUP-ALL:+ECDHE-RSA:+ECDHE-ECDSA:+AES-256-GCM:+AES-128-CBC:+AEAD:+SHA1"
		      ":+GROUP-SECP384R1:+GROUP-X25519");
	assert_gnutls_accepts(prio);
	assert_true(web_config_suite_allowed(c, "ECDHE-RSA", "AES-128-CBC", "SHA1"));
	assert_true(web_config_suite_allowed(c, "ECDHE-ECDSA", "AES-256-GCM", "AEAD"));
	/* the key exchange x cipher product GnuTLS makes: checked after the handshake */
	assert_false(web_config_suite_allowed(c, "ECDHE-ECDSA", "AES-128-CBC", "SHA1"));
	free(prio);
	web_config_free(c);

	/* TLS 1.3 keeps its suites whatever the list says, as in Go */
	c = parse_ok(
		TLS_HEAD
		"  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_AES_128_GCM_SHA256]\n");
	prio = web_config_tls_priority(c);
	assert_non_null(strstr(prio, ":+VERS-TLS1.3:+VERS-TLS1.2:"));
	assert_non_null(strstr(
		prio, "+AES-128-CBC:+SHA1:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AEAD"));
	assert_gnutls_accepts(prio);
	free(prio);
	web_config_free(c);

	assert_refused(TLS_HEAD "  cipher_suites: [TLS_RSA_WITH_AES_128_CBC_SHA]\n",
		       "unknown or insecure");
	assert_refused(TLS_HEAD
		       "  cipher_suites: [TLS_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]\n",
		       "twice");
	assert_refused(TLS_HEAD "  curve_preferences: [P-256]\n", "unknown curve");
	assert_refused(TLS_HEAD "  min_version: TLS1.2\n", "TLS10, TLS11, TLS12 or TLS13");
	assert_refused(TLS_HEAD "  min_version: TLS13\n  max_version: TLS12\n",
		       "min_version is above");
	assert_refused(TLS_HEAD "  prefer_server_cipher_suites: maybe\n", "true or false");
}

static void test_client_auth(void **state)
{
	static const char *const modes[] = { "NoClientCert", "RequestClientCert",
					     "RequireAnyClientCert", "VerifyClientCertIfGiven",
					     "RequireAndVerifyClientCert" };
	char text[512];

	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		struct web_config *c;

		(void)snprintf(text, sizeof(text), TLS_HEAD "  client_auth_type: %s\n%s", modes[i],
			       i ? "  client_ca_file: ca.crt\n" : "");
		c = parse_ok(text);
		assert_int_equal(c->client_auth, (enum web_client_auth)i);
		assert_string_equal(web_client_auth_to_string(c->client_auth), modes[i]);
		assert_int_equal(c->require_client_cert, i == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY);
		web_config_free(c);
	}
	/* certificates that are verified need a CA; a CA needs a policy that asks for
	 * certificates */
	assert_refused(TLS_HEAD "  client_auth_type: VerifyClientCertIfGiven\n",
		       "needs client_ca_file");
	assert_refused(TLS_HEAD "  client_auth_type: RequireAndVerifyClientCert\n",
		       "needs client_ca_file");
	assert_refused(TLS_HEAD "  client_ca_file: ca.crt\n",
		       "does not ask for client certificates");
	assert_refused(TLS_HEAD "  client_auth_type: Sometimes\n", "RequireAndVerifyClientCert");
	/* SANs need a policy under which there always is a certificate to match */
	assert_refused(TLS_HEAD "  client_auth_type: RequestClientCert\n  client_ca_file: ca.crt\n"
				"  client_allowed_sans: [a]\n", "client_allowed_sans needs");
	{
		struct web_config *c = parse_ok(
			TLS_HEAD "  client_auth_type: RequireAnyClientCert\n"
				 "  client_allowed_sans: [prometheus.example.org, 192.0.2.9]\n");

		assert_int_equal(c->n_allowed_sans, 2);
		assert_string_equal(c->allowed_sans[1], "192.0.2.9");
		web_config_free(c);
	}
}

static void test_http_server_config(void **state)
{
	struct web_config *c = parse_ok(
		"http_server_config:\n  http2: false\n  headers:\n"
		"    x-frame-options: SAMEORIGIN\n    X-XSS-Protection: \"1; mode=block\"\n"
		"    Content-Security-Policy: ''\n"
		"basic_auth_excluded_paths: [/-/healthy]\n");

	assert_true(c->http2_given);
	assert_false(web_config_tls(c));
	/* names as the toolkit spells them; blank values unset */
	assert_int_equal(c->n_headers, 2);
	assert_string_equal(c->headers[0].name, "X-Frame-Options");
	assert_string_equal(c->headers[0].value, "SAMEORIGIN");
	assert_string_equal(c->headers[1].name, "X-XSS-Protection");
	/* no users: nothing needs credentials */
	assert_false(web_config_needs_auth(c, "/metrics"));
	web_config_free(c);

	assert_refused("http_server_config:\n  headers:\n    Server: x\n", "cannot be configured");
	assert_refused("http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
		       "deny or sameorigin");
	assert_refused("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
		       "nosniff");
	assert_refused("http_server_config:\n  http2: sometimes\n", "true or false");
	assert_refused("http_server_config:\n  http3: true\n", "not supported");
	assert_refused("basic_auth_excluded_paths: [healthy]\n", "not a path");
	assert_refused("rate_limit:\n  interval: 1s\n", "not supported");
}

static void test_excluded_paths(void **state)
{
	struct web_config *c =
		parse_ok("basic_auth_users:\n"
			 "  u: $2y$04$abcdefghijklmnopqrstuu5oNcA.sdiF8wCHAnNMdPwUKJQxY0vC6\n"
			 "basic_auth_excluded_paths:\n- /-/healthy\n- /-/ready\n");

	assert_false(web_config_needs_auth(c, "/-/healthy"));
	assert_false(web_config_needs_auth(c, "/-/ready"));
	assert_true(web_config_needs_auth(c, "/metrics"));
	assert_true(web_config_needs_auth(c, "/-/healthy/x"));
	web_config_free(c);
}

static void test_inline_pem(void **state)
{
	struct web_config *c =
		parse_ok("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n    x\n"
			 "  key: |\n    -----BEGIN PRIVATE KEY-----\n    y\n");

	assert_null(c->cert_file);
	assert_non_null(strstr(c->cert_pem, "BEGIN CERTIFICATE"));
	assert_true(web_config_tls(c));
	web_config_free(c);
	assert_refused("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n"
		       "  cert_file: a\n  key_file: b\n",
		       "either inline or as a file");
	assert_refused("tls_server_config:\n  cert: not pem\n  key_file: b\n", "PEM text");
	assert_refused("tls_server_config:\n  cert_file: a\n", "needs key_file");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void test_relative_paths(void **state)
{
	char dir[] = "/tmp/test_webconfig.XXXXXX", path[256], sub[256];
	struct web_config *c = SENTINEL;
	char *err = NULL;

	assert_non_null(mkdtemp(dir));
	(void)snprintf(sub, sizeof(sub), "%s/tls", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/tls/s.crt", dir);
	write_file(path, "CERT\n");
	(void)snprintf(path, sizeof(path), "%s/tls/s.key", dir);
	write_file(path, "KEY\n");
	(void)snprintf(path, sizeof(path), "%s/web.yml", dir);
	write_file(path, "tls_server_config:\n  cert_file: tls/s.crt\n  key_file: tls/s.key\n");
	assert_int_equal(web_config_load(path, &c, &err), 0);
	assert_string_equal(c->cert_pem, "CERT\n");
	assert_string_equal(c->key_pem, "KEY\n");
	(void)snprintf(sub, sizeof(sub), "%s/tls/s.crt", dir);
	assert_string_equal(c->cert_file, sub);
	web_config_free(c);

	/* a file it names that is missing: refused with the path, the result untouched */
	write_file(path, "tls_server_config:\n  cert_file: tls/none.crt\n  key_file: tls/s.key\n");
	c = SENTINEL;
	assert_true(web_config_load(path, &c, &err) < 0);
	assert_ptr_equal(c, SENTINEL);
	assert_non_null(strstr(err, "tls/none.crt"));
	free(err);

	(void)snprintf(sub, sizeof(sub), "rm -rf '%s'", dir);
	assert_int_equal(system(sub), 0);
}

static void test_refcount(void **state)
{
	struct web_config *c = parse_ok(TLS_HEAD);

	assert_ptr_equal(web_config_ref(c), c);
	assert_null(web_config_free(c));	/* one reference left */
	assert_int_equal(c->refs, 1);
	assert_null(web_config_free(c));
	assert_null(web_config_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_suites_curves_versions),
		cmocka_unit_test(test_client_auth),
		cmocka_unit_test(test_http_server_config),
		cmocka_unit_test(test_excluded_paths),
		cmocka_unit_test(test_inline_pem),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_refcount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
