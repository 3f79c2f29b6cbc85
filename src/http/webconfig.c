/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <yaml.h>

#include "lib/strbuf.h"
#include "lib/util.h"
#include "http/webconfig.h"

#define PEM_MAX (1 << 20)	/* a certificate, key or the configuration itself */
#define ERR_MAX 400		/* an error message, cut */

static int fail(char **reterr, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char **reterr, int err, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	strbuf_reserve(&sb, (size_t)(n > 0 ? n : 0));
	va_start(ap, fmt);
	(void)vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* Keys and names from the file end up in the message: keep it one printable line. */
	for (char *p = sb.buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (n > ERR_MAX)
		memcpy(sb.buf + ERR_MAX - 3, "...", 4);
	*reterr = sb.buf;
	return err;
}

/* Read a small file (certificates, keys) into a NUL-terminated string. */
static int read_file(const char *path, char **ret)
{
	struct strbuf sb = STRBUF_INIT;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[4096];

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			strbuf_release(&sb);
			return r;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > PEM_MAX) {
			strbuf_release(&sb);
			return -EFBIG;
		}
		strbuf_append(&sb, buf, (size_t)n);
	}
	*ret = strbuf_detach(&sb, NULL);
	return 0;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Go's cipher suites (crypto/tls CipherSuites(), the ones the toolkit accepts) as GnuTLS names. */
struct suite {
	const char *go;
	const char *kx; /* NULL: a TLS 1.3 suite, which Go does not let cipher_suites change */
	const char *cipher;
	const char *mac;
};

static const struct suite suites[] = {
	{ "TLS_AES_128_GCM_SHA256", NULL, "AES-128-GCM", "AEAD" },
	{ "TLS_AES_256_GCM_SHA384", NULL, "AES-256-GCM", "AEAD" },
	{ "TLS_CHACHA20_POLY1305_SHA256", NULL, "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA", "AES-128-GCM", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA", "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA", "AES-128-GCM", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA", "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA", "CHACHA20-POLY1305",
	  "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA", "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA", "AES-128-CBC", "SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA", "AES-256-CBC", "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA", "AES-128-CBC", "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA", "AES-256-CBC", "SHA1" },
};

/* Go's curve names (crypto/tls CurveID) as GnuTLS groups. */
static const struct {
	const char *go;
	const char *group;
} curves[] = {
	{ "X25519", "GROUP-X25519" },
	{ "CurveP256", "GROUP-SECP256R1" },
	{ "CurveP384", "GROUP-SECP384R1" },
	{ "CurveP521", "GROUP-SECP521R1" },
};

static const char *const client_auth_names[_WEB_CLIENT_AUTH_MAX] = {
	[WEB_CLIENT_AUTH_NONE] = "NoClientCert",
	[WEB_CLIENT_AUTH_REQUEST] = "RequestClientCert",
	[WEB_CLIENT_AUTH_REQUIRE_ANY] = "RequireAnyClientCert",
	[WEB_CLIENT_AUTH_VERIFY_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY] = "RequireAndVerifyClientCert",
};

/* The response headers the toolkit lets a configuration set, and the values it checks. */
static const char *const header_names[WEB_MAX_HEADERS] = {
	"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "X-XSS-Protection",
	"Strict-Transport-Security",
};

const char *web_cipher_suite_name(unsigned i)
{
	return i < ELEMENTSOF(suites) ? suites[i].go : NULL;
}

const char *web_curve_name(unsigned i)
{
	return i < ELEMENTSOF(curves) ? curves[i].go : NULL;
}

const char *web_client_auth_to_string(enum web_client_auth a)
{
	return client_auth_names[a];
}

static int set_path(yaml_node_t *v, const char *key, char **slot, char **reterr)
{
	const char *path = scalar(v);

	if (!path || !path[0])
		return fail(reterr, -EINVAL, "tls_server_config.%s must be a file name", key);
	if (*slot)
		return fail(reterr, -EINVAL, "tls_server_config.%s is given twice", key);
	*slot = xstrdup(path);
	return 0;
}

static int set_pem(yaml_node_t *v, const char *key, char **slot, char **reterr)
{
	const char *pem = scalar(v);

	if (!pem || !strstr(pem, "-----BEGIN "))
		return fail(reterr, -EINVAL, "tls_server_config.%s must be PEM text", key);
	if (*slot)
		return fail(reterr, -EINVAL, "tls_server_config.%s is given twice", key);
	*slot = xstrdup(pem);
	return 0;
}

/* true/false as YAML 1.1 (and Go's yaml.v2) spell them. */
static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "yes", "on", "y" };
	static const char *const no[] = { "false", "no", "off", "n" };

	for (size_t i = 0; s && i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_version(const char *s, unsigned *ret)
{
	static const char *const names[] = { "TLS10", "TLS11", "TLS12", "TLS13" };

	for (unsigned i = 0; s && i < ELEMENTSOF(names); i++)
		if (streq(s, names[i])) {
			*ret = 10 + i;
			return 0;
		}
	return -EINVAL;
}

/* A YAML sequence of scalars; an empty value (key with nothing after it) counts as empty. */
static int for_each_item(yaml_document_t *doc, yaml_node_t *v, const char *key, char **reterr,
			 int (*fn)(const char *item, void *userdata, char **reterr), void *userdata)
{
	if (v && v->type == YAML_SCALAR_NODE && !v->data.scalar.length)
		return 0;
	if (!v || v->type != YAML_SEQUENCE_NODE)
		return fail(reterr, -EINVAL, "%s must be a list", key);
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
	     i++) {
		const char *s = scalar(yaml_document_get_node(doc, *i));
		int r;

		if (!s || !s[0])
			return fail(reterr, -EINVAL, "%s: the items must be strings", key);
		r = fn(s, userdata, reterr);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_suite(const char *s, void *userdata, char **reterr)
{
	struct web_config *c = userdata;

	for (unsigned i = 0; i < ELEMENTSOF(suites); i++) {
		if (!streq(s, suites[i].go))
			continue;
		for (size_t j = 0; j < c->n_suites; j++)
			if (c->suites[j] == i)
				return fail(reterr, -EINVAL,
					    "tls_server_config.cipher_suites: %s is listed twice",
					    s);
		c->suites[c->n_suites++] = i;
		return 0;
	}
	return fail(reterr, -EINVAL,
		    "tls_server_config.cipher_suites: unknown or insecure cipher suite %s", s);
}

static int add_curve(const char *s, void *userdata, char **reterr)
{
	struct web_config *c = userdata;

	for (unsigned i = 0; i < ELEMENTSOF(curves); i++) {
		if (!streq(s, curves[i].go))
			continue;
		for (size_t j = 0; j < c->n_curves; j++)
			if (c->curves[j] == i)
				return fail(
					reterr, -EINVAL,
					"tls_server_config.curve_preferences: %s is listed twice",
					s);
		c->curves[c->n_curves++] = i;
		return 0;
	}
	return fail(reterr, -EINVAL, "tls_server_config.curve_preferences: unknown curve %s "
		    "(X25519, CurveP256, CurveP384, CurveP521)", s);
}

struct string_list {
	char ***items;
	size_t *n;
	size_t max;
	const char *key;
};

static int add_string(const char *s, void *userdata, char **reterr)
{
	struct string_list *l = userdata;

	if (*l->n >= l->max)
		return fail(reterr, -E2BIG, "%s: more than %zu items", l->key, l->max);
	*l->items = xreallocarray(*l->items, *l->n + 1, sizeof(char *));
	(*l->items)[(*l->n)++] = xstrdup(s);
	return 0;
}

static int load_tls(struct web_config *c, yaml_document_t *doc, yaml_node_t *map, char **reterr)
{
	bool auth_given = false, ca_inline = false;

	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(reterr, -EINVAL, "tls_server_config must be a mapping");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *s = scalar(v);
		int r = 0;

		if (!k)
			return fail(reterr, -EINVAL, "tls_server_config: keys must be strings");
		if (streq(k, "cert_file"))
			r = set_path(v, k, &c->cert_file, reterr);
		else if (streq(k, "key_file"))
			r = set_path(v, k, &c->key_file, reterr);
		else if (streq(k, "client_ca_file"))
			r = set_path(v, k, &c->client_ca_file, reterr);
		else if (streq(k, "cert"))
			r = set_pem(v, k, &c->cert_pem, reterr);
		else if (streq(k, "key"))
			r = set_pem(v, k, &c->key_pem, reterr);
		else if (streq(k, "client_ca")) {
			r = set_pem(v, k, &c->client_ca_pem, reterr);
			ca_inline = true;
		} else if (streq(k, "client_auth_type")) {
			size_t i;

			for (i = 0; s && i < _WEB_CLIENT_AUTH_MAX; i++)
				if (streq(s, client_auth_names[i]))
					break;
			if (!s || i == _WEB_CLIENT_AUTH_MAX)
				return fail(reterr, -EINVAL,
					    "tls_server_config.client_auth_type: NoClientCert, "
					    "RequestClientCert, "
					    "RequireAnyClientCert, VerifyClientCertIfGiven or "
					    "RequireAndVerifyClientCert");
			c->client_auth = (enum web_client_auth)i;
			auth_given = true;
		} else if (streq(k, "min_version") || streq(k, "max_version")) {
			if (parse_version(s, streq(k, "min_version") ? &c->min_version
								     : &c->max_version) < 0)
				return fail(reterr, -EINVAL,
					    "tls_server_config.%s: TLS10, TLS11, TLS12 or TLS13",
					    k);
		} else if (streq(k, "prefer_server_cipher_suites")) {
			if (parse_bool(s, &c->prefer_server_cipher_suites) < 0)
				return fail(reterr, -EINVAL, "tls_server_config.%s: true or false",
					    k);
		} else if (streq(k, "cipher_suites")) {
			if (c->n_suites)
				return fail(reterr, -EINVAL, "tls_server_config.%s is given twice",
					    k);
			r = for_each_item(doc, v, "tls_server_config.cipher_suites", reterr,
					  add_suite, c);
		} else if (streq(k, "curve_preferences")) {
			if (c->n_curves)
				return fail(reterr, -EINVAL, "tls_server_config.%s is given twice",
					    k);
			r = for_each_item(doc, v, "tls_server_config.curve_preferences", reterr,
					  add_curve, c);
		} else if (streq(k, "client_allowed_sans")) {
			struct string_list l = { &c->allowed_sans, &c->n_allowed_sans, 256,
						 "tls_server_config.client_allowed_sans" };

			r = for_each_item(doc, v, l.key, reterr, add_string, &l);
		} else {
			return fail(reterr, -EINVAL, "tls_server_config.%s is not supported", k);
		}
		if (r < 0)
			return r;
	}
	if (!c->cert_file && !c->cert_pem)
		return fail(reterr, -EINVAL, "tls_server_config needs cert_file (or cert)");
	if (!c->key_file && !c->key_pem)
		return fail(reterr, -EINVAL, "tls_server_config needs key_file (or key)");
	if ((c->cert_file && c->cert_pem) || (c->key_file && c->key_pem) ||
	    (c->client_ca_file && ca_inline))
		return fail(
			reterr, -EINVAL,
			"tls_server_config: give a certificate, key or CA either inline or as a "
			"file, not both");
	if (c->min_version > c->max_version)
		return fail(reterr, -EINVAL, "tls_server_config: min_version is above max_version");
	if ((c->client_ca_file || c->client_ca_pem) &&
	    (!auth_given || c->client_auth == WEB_CLIENT_AUTH_NONE))
		return fail(
			reterr, -EINVAL,
			"tls_server_config: client_ca_file is set but client_auth_type does not "
			"ask for client certificates");
	if ((c->client_auth == WEB_CLIENT_AUTH_VERIFY_IF_GIVEN ||
	     c->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY) &&
	    !c->client_ca_file && !c->client_ca_pem)
		return fail(reterr, -EINVAL, "client_auth_type %s needs client_ca_file",
			    client_auth_names[c->client_auth]);
	if (c->n_allowed_sans && c->client_auth != WEB_CLIENT_AUTH_REQUIRE_ANY &&
	    c->client_auth != WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY)
		return fail(reterr, -EINVAL,
			    "tls_server_config.client_allowed_sans needs client_auth_type "
			    "RequireAnyClientCert or RequireAndVerifyClientCert");
	c->require_client_cert = c->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY;
	return 0;
}

static int load_http(struct web_config *c, yaml_document_t *doc, yaml_node_t *map, char **reterr)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(reterr, -EINVAL, "http_server_config must be a mapping");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(doc, p->key));
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		bool b;

		if (k && streq(k, "http2")) {
			if (parse_bool(scalar(v), &b) < 0)
				return fail(reterr, -EINVAL,
					    "http_server_config.http2: true or false");
			c->http2_given = true;
			continue;
		}
		if (!k || !streq(k, "headers"))
			return fail(reterr, -EINVAL, "http_server_config.%s is not supported",
				    k ? k : "?");
		if (v && v->type == YAML_SCALAR_NODE && !v->data.scalar.length)
			continue;
		if (!v || v->type != YAML_MAPPING_NODE)
			return fail(reterr, -EINVAL,
				    "http_server_config.headers must be a mapping");
		for (yaml_node_pair_t *h = v->data.mapping.pairs.start;
		     h < v->data.mapping.pairs.top; h++) {
			const char *name = scalar(yaml_document_get_node(doc, h->key));
			const char *value = scalar(yaml_document_get_node(doc, h->value));
			size_t i;

			for (i = 0; name && i < WEB_MAX_HEADERS; i++)
				if (strcasecmp(name, header_names[i]) == 0)
					break;
			if (!name || i == WEB_MAX_HEADERS)
				return fail(reterr, -EINVAL,
					    "http_server_config.headers: %s cannot be configured",
					    name ? name : "?");
			if (!value || strpbrk(value, "\r\n"))
				return fail(reterr, -EINVAL,
					    "http_server_config.headers.%s: bad value", name);
			if (!value[0])
				continue;	/* "unset if blank" */
			if (i == 1 && strcasecmp(value, "deny") != 0 &&
			    strcasecmp(value, "sameorigin") != 0)
				return fail(reterr, -EINVAL,
					    "http_server_config.headers.X-Frame-Options: deny or "
					    "sameorigin");
			if (i == 2 && strcasecmp(value, "nosniff") != 0)
				return fail(reterr, -EINVAL,
					    "http_server_config.headers.X-Content-Type-Options: "
					    "nosniff");
			for (size_t j = 0; j < c->n_headers; j++)
				if (streq(c->headers[j].name, header_names[i]))
					return fail(reterr, -EINVAL,
						    "http_server_config.headers.%s is given twice",
						    name);
			c->headers[c->n_headers].name = xstrdup(header_names[i]);
			c->headers[c->n_headers].value = xstrdup(value);
			c->n_headers++;
		}
	}
	return 0;
}

static int add_excluded(const char *s, void *userdata, char **reterr)
{
	if (s[0] != '/')
		return fail(reterr, -EINVAL, "basic_auth_excluded_paths: %s is not a path", s);
	return add_string(s, userdata, reterr);
}

bool web_config_tls(const struct web_config *c)
{
	return c && c->cert_pem && c->key_pem;
}

bool web_config_needs_auth(const struct web_config *c, const char *path)
{
	if (!c || !c->n_users)
		return false;
	for (size_t i = 0; i < c->n_excluded_paths; i++)
		if (streq(c->excluded_paths[i], path))
			return false;
	return true;
}

/* Append ":<prefix><name>" unless that token is there already (a cipher shared by two suites). */
static void put_token(struct strbuf *sb, const char *prefix, const char *name)
{
	char tok[64];
	size_t n;

	n = (size_t)snprintf(tok, sizeof(tok), ":%s%s", prefix, name);
	for (const char *p = sb->buf; p && (p = strstr(p, tok)); p += n)
		if (p[n] == ':' || p[n] == '\0')
			return;
	strbuf_puts(sb, tok);
}

char *web_config_tls_priority(const struct web_config *c)
{
	static const char *const default_ciphers[] = { "AES-128-GCM", "AES-256-GCM",
						       "CHACHA20-POLY1305" };
	struct strbuf sb = STRBUF_INIT;
	bool any12 = false;

	/*
	 * NORMAL less everything an audit flags: versions, key exchange, ciphers,
	 * MACs and groups are listed explicitly, in the server's order.
	 */
	strbuf_puts(&sb, "NORMAL:-VERS-ALL");
	for (unsigned v = c->max_version; v >= c->min_version && v >= 10; v--)
		strbuf_appendf(&sb, ":+VERS-TLS1.%u", v - 10);
	strbuf_puts(&sb, ":-KX-ALL:-CIPHER-ALL:-MAC-ALL:-GROUP-ALL");
	for (size_t i = 0; i < c->n_suites; i++)
		any12 |= suites[c->suites[i]].kx != NULL;
	if (!any12) {
		strbuf_puts(&sb, ":+ECDHE-ECDSA:+ECDHE-RSA");
		for (size_t i = 0; i < ELEMENTSOF(default_ciphers); i++)
			put_token(&sb, "+", default_ciphers[i]);
		strbuf_puts(&sb, ":+AEAD");
	} else {
		/* GnuTLS enables key exchange x cipher x MAC; with one certificate only one key
		 * exchange applies, so these are the listed suites (the TLS layer checks the
		 * suite a handshake agreed on, for a list that names a cipher for one only). */
		for (size_t i = 0; i < c->n_suites; i++)
			if (suites[c->suites[i]].kx)
				put_token(&sb, "+", suites[c->suites[i]].kx);
		for (size_t i = 0; i < c->n_suites; i++)
			if (suites[c->suites[i]].kx)
				put_token(&sb, "+", suites[c->suites[i]].cipher);
		for (size_t i = 0; i < c->n_suites; i++)
			if (suites[c->suites[i]].kx)
				put_token(&sb, "+", suites[c->suites[i]].mac);
		/* TLS 1.3 keeps its AEAD suites whatever the list says, as in Go */
		if (c->max_version >= 13) {
			for (size_t i = 0; i < ELEMENTSOF(default_ciphers); i++)
				put_token(&sb, "+", default_ciphers[i]);
			put_token(&sb, "+", "AEAD");
		}
	}
	if (c->n_curves)
		for (size_t i = 0; i < c->n_curves; i++)
			put_token(&sb, "+", curves[c->curves[i]].group);
	else
		strbuf_puts(&sb, ":+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1");
	if (c->prefer_server_cipher_suites)
		strbuf_puts(&sb, ":%SERVER_PRECEDENCE");
	return strbuf_detach(&sb, NULL);
}

bool web_config_suite_allowed(const struct web_config *c, const char *kx, const char *cipher,
			      const char *mac)
{
	bool any12 = false;

	for (size_t i = 0; i < c->n_suites; i++) {
		const struct suite *s = &suites[c->suites[i]];

		if (!s->kx)
			continue;
		any12 = true;
		if (strcasecmp(s->kx, kx) == 0 && strcasecmp(s->cipher, cipher) == 0 &&
		    strcasecmp(s->mac, mac) == 0)
			return true;
	}
	return !any12;
}

/* The cost of a bcrypt hash ("$2b$10$..." -> 10); the syntax was checked by the caller. */
static unsigned bcrypt_cost(const char *hash)
{
	return (unsigned)(hash[4] - '0') * 10 + (unsigned)(hash[5] - '0');
}

static bool is_bcrypt(const char *hash)
{
	static const char b64[] =
		"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	/* $2y$NN$ + 22 characters of salt + 31 of checksum, in bcrypt's base64 */
	if (!(startswith(hash, "$2y$") || startswith(hash, "$2b$") || startswith(hash, "$2a$")))
		return false;
	if (strlen(hash) != 60 || !isdigit((unsigned char)hash[4]) ||
	    !isdigit((unsigned char)hash[5]) || hash[6] != '$')
		return false;
	if (bcrypt_cost(hash) < 4 || bcrypt_cost(hash) > 31)
		return false;
	return strspn(hash + 7, b64) == 53;
}

static int load_users(struct web_config *c, yaml_node_t *map, yaml_document_t *doc, char **reterr)
{
	size_t n;

	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(reterr, -EINVAL,
			    "basic_auth_users must be a mapping of user: bcrypt-hash");
	if (c->users)
		return fail(reterr, -EINVAL, "basic_auth_users is given twice");
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	c->users = xcalloc(n + 1, sizeof(*c->users));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *user = scalar(yaml_document_get_node(doc, p->key));
		const char *hash = scalar(yaml_document_get_node(doc, p->value));

		if (!user || !user[0] || strchr(user, ':'))
			return fail(reterr, -EINVAL, "basic_auth_users: bad user name");
		if (web_config_find_user(c, user))
			return fail(reterr, -EINVAL, "basic_auth_users.%s is given twice", user);
		if (!hash || !is_bcrypt(hash))
			return fail(reterr, -EINVAL,
				    "basic_auth_users.%s: expected a bcrypt hash ($2y$...)", user);
		c->users[c->n_users].name = xstrdup(user);
		c->users[c->n_users].hash = xstrdup(hash);
		if (!c->dummy_hash || bcrypt_cost(hash) > bcrypt_cost(c->dummy_hash))
			c->dummy_hash = c->users[c->n_users].hash;
		c->n_users++;
	}
	return 0;
}

int web_config_parse(const char *text, size_t len, const char *name, struct web_config **ret,
		     char **reterr)
{
	struct web_config *c;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	bool tls = false, http = false;
	int r;

	if (len > PEM_MAX)
		return fail(reterr, -EFBIG, "%s: larger than %d bytes", name, PEM_MAX);
	if (!yaml_parser_initialize(&parser))
		return fail(reterr, -ENOMEM, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = fail(reterr, -EINVAL, "%s: YAML error at line %zu: %s", name,
			 parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		return r;
	}
	yaml_parser_delete(&parser);
	c = xcalloc(1, sizeof(*c));
	c->refs = 1;
	c->min_version = 12;
	c->max_version = 13;
	c->prefer_server_cipher_suites = true;
	root = yaml_document_get_root_node(&doc);
	r = 0;
	if (root && root->type != YAML_MAPPING_NODE)
		r = fail(reterr, -EINVAL, "%s: expected a mapping at the top", name);
	for (yaml_node_pair_t *p = root && r == 0 ? root->data.mapping.pairs.start : NULL;
	     p && p < root->data.mapping.pairs.top && r == 0; p++) {
		const char *k = scalar(yaml_document_get_node(&doc, p->key));
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);

		if (k && streq(k, "tls_server_config")) {
			if (tls)
				r = fail(reterr, -EINVAL, "%s: tls_server_config is given twice",
					 name);
			else
				r = load_tls(c, &doc, v, reterr);
			tls = true;
		} else if (k && streq(k, "http_server_config")) {
			if (http)
				r = fail(reterr, -EINVAL, "%s: http_server_config is given twice",
					 name);
			else
				r = load_http(c, &doc, v, reterr);
			http = true;
		} else if (k && streq(k, "basic_auth_users"))
			r = load_users(c, v, &doc, reterr);
		else if (k && streq(k, "basic_auth_excluded_paths")) {
			struct string_list l = { &c->excluded_paths, &c->n_excluded_paths, 64,
						 "basic_auth_excluded_paths" };

			r = c->n_excluded_paths
				    ? fail(reterr, -EINVAL,
					   "%s: basic_auth_excluded_paths is given twice", name)
				    : for_each_item(&doc, v, l.key, reterr, add_excluded, &l);
		} else
			r = fail(reterr, -EINVAL, "%s: %s is not supported", name,
				 k ? k : "(non-string key)");
	}
	yaml_document_delete(&doc);
	if (r < 0) {
		web_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

/* A path from the file: relative ones are relative to the file's folder (dir, with its '/'). */
static int read_named(const char *key, const char *dir, char **path, char **slot, char **reterr)
{
	int r;

	if (!*path)
		return 0;
	if ((*path)[0] != '/' && dir[0]) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_puts(&sb, dir);
		strbuf_puts(&sb, *path);
		free(*path);
		*path = strbuf_detach(&sb, NULL);
	}
	r = read_file(*path, slot);
	if (r < 0)
		return fail(reterr, r, "tls_server_config.%s: cannot read %s: %s", key, *path,
			    strerror(-r));
	return 0;
}

int web_config_load(const char *path, struct web_config **ret, char **reterr)
{
	_cleanup_free_ char *text = NULL, *dir = xstrdup(path);
	struct web_config *c;
	char *slash;
	int r;

	slash = strrchr(dir, '/');
	if (slash)
		slash[1] = '\0';
	else
		dir[0] = '\0';
	r = read_file(path, &text);
	if (r < 0)
		return fail(reterr, r, "cannot read %s: %s", path, strerror(-r));
	r = web_config_parse(text, strlen(text), path, &c, reterr);
	if (r < 0)
		return r;
	r = read_named("cert_file", dir, &c->cert_file, &c->cert_pem, reterr);
	if (r >= 0)
		r = read_named("key_file", dir, &c->key_file, &c->key_pem, reterr);
	if (r >= 0)
		r = read_named("client_ca_file", dir, &c->client_ca_file, &c->client_ca_pem,
			       reterr);
	if (r < 0) {
		web_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct web_config *web_config_ref(struct web_config *c)
{
	c->refs++;
	return c;
}

struct web_config *web_config_free(struct web_config *c)
{
	if (!c || --c->refs > 0)
		return NULL;
	free(c->cert_file);
	free(c->key_file);
	free(c->client_ca_file);
	free(c->cert_pem);
	if (c->key_pem) {
		explicit_bzero(c->key_pem, strlen(c->key_pem));
		free(c->key_pem);
	}
	free(c->client_ca_pem);
	for (size_t i = 0; i < c->n_allowed_sans; i++)
		free(c->allowed_sans[i]);
	free(c->allowed_sans);
	for (size_t i = 0; i < c->n_excluded_paths; i++)
		free(c->excluded_paths[i]);
	free(c->excluded_paths);
	for (size_t i = 0; i < c->n_headers; i++) {
		free(c->headers[i].name);
		free(c->headers[i].value);
	}
	for (size_t i = 0; i < c->n_users; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
		if (c->users[i].verified) {
			explicit_bzero(c->users[i].verified, strlen(c->users[i].verified));
			free(c->users[i].verified);
		}
	}
	free(c->users);
	free(c);
	return NULL;
}

struct web_user *web_config_find_user(struct web_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_users; i++)
		if (streq(c->users[i].name, name))
			return &c->users[i];
	return NULL;
}

bool web_user_cached(const struct web_user *u, const char *password)
{
	return u->verified && streq_secret(u->verified, password);
}

void web_user_remember(struct web_user *u, const char *password)
{
	if (u->verified) {
		explicit_bzero(u->verified, strlen(u->verified));
		free(u->verified);
	}
	u->verified = xstrdup(password);
}
