/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The identity of an IPsec SA as the kernel's SAD keys it: protocol, SPI and
 * destination address. Pluto prints it as a SAID (`esp.1a2b3c4d@192.0.2.2`,
 * `esp:1a2b3c4d@2001:db8::2` for IPv6); the kernel helper prints its fields.
 * Both sides are parsed into this form, so the join never depends on how an
 * address was spelled. Pure.
 */

/* "255/ffffffff@" plus the longest IPv6 text, and the NUL. */
#define SA_ID_KEY_MAX 64

struct sa_id {
	uint32_t spi;
	uint8_t proto;		/* IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP, ... */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; the first 4 bytes for IPv4 */
};

/* Parse an IPv4 or IPv6 address of len bytes into id's family and addr. 0 or -EINVAL. */
int sa_id_parse_addr(const char *s, size_t len, struct sa_id *id);

/* Parse len bytes of hex digits (1..8) into *ret. 0 or -EINVAL. */
int sa_id_parse_spi(const char *s, size_t len, uint32_t *ret);

/* "esp"/"ah"/"comp" (len bytes) -> IPPROTO_*; 0 when not one of them. */
uint8_t sa_id_proto_from_name(const char *s, size_t len);

/* A canonical text key for hash maps ("50/c0ffee01@192.0.2.2"); buf holds SA_ID_KEY_MAX. */
const char *sa_id_key(const struct sa_id *id, char buf[static SA_ID_KEY_MAX]);

/* A hash of the identity (for open-addressing tables). */
uint64_t sa_id_hash(const struct sa_id *id);

/* True when both name the same SA. */
bool sa_id_equal(const struct sa_id *a, const struct sa_id *b);
