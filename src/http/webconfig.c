/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

static int load_tls(struct web_config *c, yaml_document_t *doc, yaml_node_t *map, char **reterr)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(reterr, -EINVAL, "tls_server_config must be a mapping");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
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
		else if (streq(k, "client_auth_type")) {
			if (s && streq(s, "RequireAndVerifyClientCert"))
				c->require_client_cert = true;
			else if (!s || !streq(s, "NoClientCert"))
				return fail(reterr, -EINVAL,
					    "tls_server_config.client_auth_type: only NoClientCert and "
					    "RequireAndVerifyClientCert are supported");
		} else if (streq(k, "min_version")) {
			if (s && streq(s, "TLS13"))
				c->tls13_only = true;
			else if (!s || !streq(s, "TLS12"))
				return fail(reterr, -EINVAL, "tls_server_config.min_version: TLS12 or TLS13");
		} else {
			return fail(reterr, -EINVAL, "tls_server_config.%s is not supported", k);
		}
		if (r < 0)
			return r;
	}
	if (!c->cert_file || !c->key_file)
		return fail(reterr, -EINVAL, "tls_server_config needs both cert_file and key_file");
	if (c->require_client_cert && !c->client_ca_file)
		return fail(reterr, -EINVAL, "client_auth_type RequireAndVerifyClientCert needs client_ca_file");
	return 0;
}

/* The cost of a bcrypt hash ("$2b$10$..." -> 10); the syntax was checked by the caller. */
static unsigned bcrypt_cost(const char *hash)
{
	return (unsigned)(hash[4] - '0') * 10 + (unsigned)(hash[5] - '0');
}

static bool is_bcrypt(const char *hash)
{
	static const char b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	/* $2y$NN$ + 22 characters of salt + 31 of checksum, in bcrypt's base64 */
	if (!(startswith(hash, "$2y$") || startswith(hash, "$2b$") || startswith(hash, "$2a$")))
		return false;
	if (strlen(hash) != 60 || !isdigit((unsigned char)hash[4]) || !isdigit((unsigned char)hash[5]) ||
	    hash[6] != '$')
		return false;
	if (bcrypt_cost(hash) < 4 || bcrypt_cost(hash) > 31)
		return false;
	return strspn(hash + 7, b64) == 53;
}

static int load_users(struct web_config *c, yaml_node_t *map, yaml_document_t *doc, char **reterr)
{
	size_t n;

	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(reterr, -EINVAL, "basic_auth_users must be a mapping of user: bcrypt-hash");
	if (c->users)
		return fail(reterr, -EINVAL, "basic_auth_users is given twice");
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	c->users = xcalloc(n + 1, sizeof(*c->users));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *user = scalar(yaml_document_get_node(doc, p->key));
		const char *hash = scalar(yaml_document_get_node(doc, p->value));

		if (!user || !user[0] || strchr(user, ':'))
			return fail(reterr, -EINVAL, "basic_auth_users: bad user name");
		if (web_config_find_user(c, user))
			return fail(reterr, -EINVAL, "basic_auth_users.%s is given twice", user);
		if (!hash || !is_bcrypt(hash))
			return fail(reterr, -EINVAL, "basic_auth_users.%s: expected a bcrypt hash ($2y$...)", user);
		c->users[c->n_users].name = xstrdup(user);
		c->users[c->n_users].hash = xstrdup(hash);
		if (!c->dummy_hash || bcrypt_cost(hash) > bcrypt_cost(c->dummy_hash))
			c->dummy_hash = c->users[c->n_users].hash;
		c->n_users++;
	}
	return 0;
}

int web_config_parse(const char *text, size_t len, const char *name, struct web_config **ret, char **reterr)
{
	struct web_config *c;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	bool tls = false;
	int r;

	if (len > PEM_MAX)
		return fail(reterr, -EFBIG, "%s: larger than %d bytes", name, PEM_MAX);
	if (!yaml_parser_initialize(&parser))
		return fail(reterr, -ENOMEM, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = fail(reterr, -EINVAL, "%s: YAML error at line %zu: %s", name, parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		return r;
	}
	yaml_parser_delete(&parser);
	c = xcalloc(1, sizeof(*c));
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
				r = fail(reterr, -EINVAL, "%s: tls_server_config is given twice", name);
			else
				r = load_tls(c, &doc, v, reterr);
			tls = true;
		} else if (k && streq(k, "basic_auth_users"))
			r = load_users(c, v, &doc, reterr);
		else
			r = fail(reterr, -EINVAL, "%s: %s is not supported", name, k ? k : "(non-string key)");
	}
	yaml_document_delete(&doc);
	if (r < 0) {
		web_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

static int read_named(const char *key, const char *path, char **slot, char **reterr)
{
	int r;

	if (!path)
		return 0;
	r = read_file(path, slot);
	if (r < 0)
		return fail(reterr, r, "tls_server_config.%s: cannot read %s: %s", key, path, strerror(-r));
	return 0;
}

int web_config_load(const char *path, struct web_config **ret, char **reterr)
{
	_cleanup_free_ char *text = NULL;
	struct web_config *c;
	int r;

	r = read_file(path, &text);
	if (r < 0)
		return fail(reterr, r, "cannot read %s: %s", path, strerror(-r));
	r = web_config_parse(text, strlen(text), path, &c, reterr);
	if (r < 0)
		return r;
	r = read_named("cert_file", c->cert_file, &c->cert_pem, reterr);
	if (r >= 0)
		r = read_named("key_file", c->key_file, &c->key_pem, reterr);
	if (r >= 0)
		r = read_named("client_ca_file", c->client_ca_file, &c->client_ca_pem, reterr);
	if (r < 0) {
		web_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct web_config *web_config_free(struct web_config *c)
{
	if (!c)
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
