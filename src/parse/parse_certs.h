/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"

struct arena;

/*
 * Pure parser for the X.509 listings of `ipsec whack`: --listcerts, --listcacerts and
 * --listcrls (alone, together, or as the same sections of --listall), Libreswan 3.x..5.x.
 * The formats are described at the top of parse_certs.c. No I/O, no logging, no globals;
 * no locale and no time zone: every date is converted by arithmetic of its own.
 */

/* What the certificate line calls it: "End certificate" or "CA certificate". */
enum cert_kind {
	CERT_KIND_END,
	CERT_KIND_CA,
};

struct cert_entry {
	/*
	 * The nickname as pluto printed it between the quotes, NSS's token prefix included when
	 * NSS gave one ("NSS Certificate DB:west": NSS qualifies the nickname of a certificate
	 * once it has been looked up through its token, so one pluto may print "west" and later
	 * "NSS Certificate DB:west" for the same certificate; `mycert=` in --status does the
	 * same). NULL when pluto printed none ("(null)", or nothing between the quotes).
	 */
	char *nickname;
	/* nickname without NSS's own token prefix (cert_nickname_unqualified()); NULL with it */
	const char *name;
	enum cert_kind kind;
	bool root;		/* "Root ...": self-signed */
	char *serial;		/* as printed, "0x1001"; NULL when pluto printed "(NULL)" */
	char *subject;		/* distinguished names as printed; NULL when their line is absent */
	char *issuer;
	bool has_not_before;
	bool has_not_after;
	int64_t not_before;	/* Unix seconds, exact (UTC); may be negative (before 1970) */
	int64_t not_after;
	uint32_t key_bits;	/* from "2048 bit RSA"; 0 when the key line is absent */
	char *key_type;		/* "RSA" or "other" (pluto names no other type); NULL if absent */
	bool has_private_key;	/* ": has private key" */
};

struct cert_crl {
	char *issuer;		/* as printed */
	bool has_revoked;
	bool has_this_update;
	bool has_next_update;
	uint64_t revoked;	/* "revoked certs: N" */
	int64_t this_update;	/* Unix seconds (UTC) */
	int64_t next_update;
};

/*
 * A pending CRL fetch ("List of CRL fetch requests:", printed only while one is queued). 3.x to
 * 5.2 print one request per issuer with its distribution points; 5.3+ one per distribution
 * point with its issuers. The first of each is kept.
 */
struct cert_crl_fetch {
	char *issuer;		/* NULL if not printed */
	char *url;		/* NULL if not printed */
	uint64_t attempts;	/* "trials: N" (to 5.2) or "attempts: N" (5.3+) */
	/*
	 * When the request was queued: whack prints it in UTC with --utc (" UTC " in the date), in
	 * pluto's local time otherwise, which no pure parser can convert: then has_time is false.
	 */
	bool has_time;
	int64_t time;
};

struct cert_list {
	struct cert_entry *certs;	/* in output order, end and CA certificates alike */
	size_t n_certs;
	size_t alloc_certs;
	struct cert_crl *crls;
	size_t n_crls;
	size_t alloc_crls;
	struct cert_crl_fetch *fetches;
	size_t n_fetches;
	size_t alloc_fetches;

	/* which listings the output held (their header lines): tells "none" from "not listed" */
	bool has_end_list;	/* "List of X.509 End Certificates:" */
	bool has_ca_list;	/* "List of X.509 CA Certificates:" */
	bool has_crl_list;	/* "List of CRLs:" */

	bool prefixed;		/* saw a 3.x/4.x "NNN " prefix */
	uint64_t lines;		/* non-blank lines seen */
	uint64_t parse_errors;	/* lines not recognised (counted, skipped) */

	/* private parser state */
	int section;		/* enum cert_section (parse_certs.c) */
	bool open;		/* the last entry of the section still takes its lines */
	struct parser parser;	/* takes the output: parser_feed(), parser_finish() */
};

/* Allocate an empty list (aborts on OOM). */
struct cert_list *cert_list_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct cert_list *cert_list_free(struct cert_list *l);

/* Empty it for the next output, keeping its memory for reuse. */
void cert_list_reset(struct cert_list *l);

/* Convenience: parse a whole buffer. */
struct cert_list *cert_parse(const char *text, size_t len);

/* The first certificate named nickname (NSS's token prefix ignored on both sides); NULL if none. */
const struct cert_entry *cert_list_find(const struct cert_list *l, const char *nickname);

/*
 * The first certificate of that kind whose subject is subject (as printed): for a certificate's
 * issuer and CERT_KIND_CA, the CA that signed it (the listings of one pluto print a DN the same
 * way every time). NULL if none or subject is NULL.
 */
const struct cert_entry *cert_list_find_subject(const struct cert_list *l, const char *subject,
						enum cert_kind kind);

/*
 * A nickname without NSS's own token prefix ("NSS Certificate DB:", "NSS FIPS 140-2 Certificate
 * DB:"): a pointer into nickname. Another token's prefix (a PKCS#11 module's) stays: it names
 * another certificate store.
 */
const char *cert_nickname_unqualified(const char *nickname);

/*
 * A date as NSS prints certificate and CRL times, "Thu Feb 29 12:34:56 2028" (always UTC), in
 * exactly len bytes: Unix seconds in *ret_time. The weekday must match the date. 0 or -EBADMSG.
 */
int cert_parse_time(const char *s, size_t len, int64_t *ret_time);
