/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "parse/sa_id.h"

int sa_id_parse_addr(const char *s, size_t len, struct sa_id *id)
{
	char buf[INET6_ADDRSTRLEN];
	int family;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	family = memchr(s, ':', len) ? AF_INET6 : AF_INET;
	memset(id->addr, 0, sizeof(id->addr));
	if (inet_pton(family, buf, id->addr) != 1)
		return -EINVAL;
	id->family = (uint8_t)family;
	return 0;
}

int sa_id_parse_spi(const char *s, size_t len, uint32_t *ret)
{
	uint32_t v = 0;

	if (len == 0 || len > 8)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

uint8_t sa_id_proto_from_name(const char *s, size_t len)
{
	if (len == 3 && memcmp(s, "esp", 3) == 0)
		return IPPROTO_ESP;
	if (len == 2 && memcmp(s, "ah", 2) == 0)
		return IPPROTO_AH;
	if (len == 4 && memcmp(s, "comp", 4) == 0)
		return IPPROTO_COMP;
	return 0;
}

const char *sa_id_key(const struct sa_id *id, char buf[static SA_ID_KEY_MAX])
{
	char a[INET6_ADDRSTRLEN] = "?";

	(void)inet_ntop(id->family == AF_INET6 ? AF_INET6 : AF_INET, id->addr, a, sizeof(a));
	(void)snprintf(buf, SA_ID_KEY_MAX, "%u/%08" PRIx32 "@%s", id->proto, id->spi, a);
	return buf;
}

uint64_t sa_id_hash(const struct sa_id *id)
{
	/* FNV-1a over the fields that make the identity */
	uint64_t h = UINT64_C(14695981039346656037);
	uint8_t b[4 + 2 + 16];

	memcpy(b, &id->spi, 4);
	b[4] = id->proto;
	b[5] = id->family;
	memcpy(b + 6, id->addr, 16);
	for (size_t i = 0; i < sizeof(b); i++) {
		h ^= b[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

bool sa_id_equal(const struct sa_id *a, const struct sa_id *b)
{
	return a->spi == b->spi && a->proto == b->proto && a->family == b->family &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}
