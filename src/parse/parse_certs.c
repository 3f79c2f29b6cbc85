/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Parser for `ipsec whack --listcerts`, `--listcacerts` and `--listcrls` (and those sections of
 * `--listall`), Libreswan 3.x, 4.x and 5.x. Pure: text in, struct cert_list out.
 *
 * The wording has not changed from 3.25 to 5.4; 3.x/4.x put "000 " in front of every line, 5.x
 * nothing; up to 4.3 a blank line comes before each certificate, from 4.4 after it. Real output
 * (Libreswan 4.10; the tests' fixtures hold 4.3, 4.10 and 5.2):
 *
 *   000 List of X.509 End Certificates:                      (--listcacerts: "CA Certificates:")
 *   000
 *   000 End certificate "west" - SN: 0x1001                  ("Root CA certificate "Lab CA" ...")
 *   000   subject: C=XX, O=Example Lab, OU=Gateways\, Lab, CN=west.example
 *   000   issuer: C=XX, O=Example Lab, CN=Lab CA
 *   000   not before: Thu Feb 29 00:00:00 2024
 *   000   not after: Tue Feb 29 12:34:56 2028
 *   000   2048 bit RSA: has private key                       ("384 bit(other)" for ECDSA)
 *   000 List of CRLs:
 *   000 issuer: C=XX, O=Example Lab, CN=Lab CA
 *   000 revoked certs: 1
 *   000 updates: this Mon Dec 07 05:59:13 2026
 *   000          next Wed Jan 06 05:59:13 2027
 *
 * Dates. pluto formats certificate and CRL times with NSS (PR_FormatTime "%a %b %d %H:%M:%S %Y"
 * of the time exploded in GMT) in every release: always UTC, whatever pluto's time zone and
 * whether or not whack was given --utc (which changes only the public keys' and the CRL fetch
 * requests' times). They are converted here by date arithmetic, exact to the second, for the
 * years 0..9999 (X.509's range; 1970 and before give 0 or negative seconds); the weekday must
 * agree with the date. The nickname is what NSS holds: "west", or "NSS Certificate DB:west" once
 * NSS has qualified it with its token (seen on a real 4.10 between two listings); "(null)" when
 * the certificate has none. The serial number is "0x" and hex digits, or "(NULL)".
 *
 * Pending CRL fetches follow "List of CRL fetch requests:" (queued fetches only):
 *   3.x-5.2:  Dec 07 05:59:13 UTC 2026, trials: 2         (without --utc: pluto's local time)
 *                    issuer:  'C=XX, O=Example Lab, CN=Lab CA'
 *                    distPts: 'http://crl.example/lab.crl'
 *                             'ldap://...'                 (more distribution points)
 *   5.3+:     http://crl.example/lab.crl
 *                    Dec 07 05:59:13 UTC 2026[, Dec 07 06:04:13 UTC 2026], attempts: 2
 *                    issuer:   'C=XX, O=Example Lab, CN=Lab CA'
 *                              'C=...'                     (more issuers)
 * A time in local time (no " UTC ") cannot be converted without the machine's time zone, which a
 * pure parser does not read: it is checked and left out (has_time false).
 *
 * Lines of other listings of --listall (public keys, pre-shared secrets) are skipped after their
 * "List of ..." header; so are the lines 5.x logs to whack while --listcacerts builds its cache
 * of root certificates ("adding the CA+root cert ..."). An entry takes the lines that follow its
 * first line. A line that cannot be read is counted in parse_errors and skipped: a known line
 * with a value that cannot be read (or a field given twice: the first value stays) and any
 * indented line of a certificate (a later release may add one) leave the entry open; any other
 * line closes it, so that no later line is given to the wrong certificate, CRL or request. A
 * certificate line whose serial number cannot be read (the test suite's "0xXX") still opens its
 * certificate, without a serial.
 */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "parse/parse_certs.h"
#include "parse/whack_line.h"

#define is_digit whack_is_digit

enum cert_section {
	CERT_SECTION_NONE,	/* before any listing */
	CERT_SECTION_CERTS,	/* "List of X.509 ... Certificates:" */
	CERT_SECTION_CRLS,	/* "List of CRLs:" */
	CERT_SECTION_FETCHES,	/* "List of CRL fetch requests:" */
	CERT_SECTION_OTHER,	/* another listing of --listall: skipped */
};

static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char weekdays[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);

	return days[m - 1] + (m == 2 && leap);
}

/* Exactly n digits at s (n <= 4): their value, or -1. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "Mmm" at s: 1..12, or 0. */
static unsigned month_of(const char *s)
{
	for (unsigned i = 0; i < 12; i++)
		if (memcmp(s, months[i], 3) == 0)
			return i + 1;
	return 0;
}

/*
 * "Mmm DD HH:MM:SS" at s, followed by sep and a year of 1 to 4 digits that ends at end: Unix
 * seconds and the weekday (0 = Sunday) in *ret_wday. 0 or -EBADMSG.
 */
static int parse_mdhms_year(const char *s, const char *end, const char *sep, int64_t *ret,
			    unsigned *ret_wday)
{
	size_t seplen = strlen(sep), ylen;
	unsigned mon;
	int day, hour, min, sec, year;
	int64_t days;

	if (end - s < (ptrdiff_t)(15 + seplen + 1))
		return -EBADMSG;
	ylen = (size_t)(end - s) - 15 - seplen;
	mon = month_of(s);
	if (ylen > 4 || mon == 0 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' ||
	    memcmp(s + 15, sep, seplen) != 0)
		return -EBADMSG;
	day = digits(s + 4, 2);
	hour = digits(s + 7, 2);
	min = digits(s + 10, 2);
	sec = digits(s + 13, 2);
	year = digits(s + 15 + seplen, ylen);
	if (day < 1 || hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59 ||
	    year < 0 || (unsigned)day > days_in_month(year, mon))
		return -EBADMSG;
	days = days_from_civil(year, mon, (unsigned)day);
	*ret_wday = (unsigned)(((days % 7) + 7 + 4) % 7);	/* 1970-01-01 was a Thursday */
	*ret = days * 86400 + hour * 3600 + min * 60 + sec;
	return 0;
}

int cert_parse_time(const char *s, size_t len, int64_t *ret_time)
{
	unsigned wday;
	int64_t t;

	if (len < 4 || s[3] != ' ' || parse_mdhms_year(s + 4, s + len, " ", &t, &wday) < 0)
		return -EBADMSG;
	if (memcmp(s, weekdays[wday], 3) != 0)
		return -EBADMSG;
	*ret_time = t;
	return 0;
}

/*
 * pluto's own realtime format, "Mmm DD HH:MM:SS UTC YYYY" with --utc, "Mmm DD HH:MM:SS YYYY" in
 * its local time without, "--- -- --:--:-- UTC ----" for none: 1 and the time for the first, 0
 * for the others (well-formed, no time), -EBADMSG otherwise.
 */
static int parse_realtime(const char *s, const char *end, int64_t *ret)
{
	unsigned wday;

	if ((end - s == 24 && memcmp(s, "--- -- --:--:-- UTC ----", 24) == 0) ||
	    (end - s == 20 && memcmp(s, "--- -- --:--:-- ----", 20) == 0))
		return 0;
	if (parse_mdhms_year(s, end, " UTC ", ret, &wday) == 0)
		return 1;
	if (parse_mdhms_year(s, end, " ", ret, &wday) == 0)
		return 0;
	return -EBADMSG;
}

const char *cert_nickname_unqualified(const char *nickname)
{
	static const char *const internal[] = {
		"NSS Certificate DB:",
		"NSS FIPS 140-2 Certificate DB:",
	};

	if (!nickname)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(internal); i++)
		if (startswith(nickname, internal[i]))
			return nickname + strlen(internal[i]);
	return nickname;
}

const struct cert_entry *cert_list_find(const struct cert_list *l, const char *nickname)
{
	const char *want = cert_nickname_unqualified(nickname);

	if (!want)
		return NULL;
	for (size_t i = 0; i < l->n_certs; i++)
		if (l->certs[i].name && streq(l->certs[i].name, want))
			return &l->certs[i];
	return NULL;
}

const struct cert_entry *cert_list_find_subject(const struct cert_list *l, const char *subject,
						enum cert_kind kind)
{
	if (!subject)
		return NULL;
	for (size_t i = 0; i < l->n_certs; i++)
		if (l->certs[i].kind == kind && l->certs[i].subject &&
		    streq(l->certs[i].subject, subject))
			return &l->certs[i];
	return NULL;
}

static char *dup_span(struct cert_list *l, const char *b, const char *e)
{
	return arena_strndup(l->parser.arena, b, (size_t)(e - b));
}

/* Last occurrence of needle in [s, end); NULL if none. */
static const char *rfind(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle), len = (size_t)(end - s);

	if (len < n)
		return NULL;
	for (size_t i = len - n + 1; i-- > 0;)
		if (memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* "0x" and hex digits, or "(NULL)". */
static int parse_serial(struct cert_list *l, const char *s, const char *end, char **ret)
{
	if (end - s == 6 && memcmp(s, "(NULL)", 6) == 0) {
		*ret = NULL;
		return 0;
	}
	if (end - s < 3 || s[0] != '0' || s[1] != 'x')
		return -EBADMSG;
	for (const char *p = s + 2; p < end; p++)
		if (!is_digit(*p) && !((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
			return -EBADMSG;
	*ret = dup_span(l, s, end);
	return 0;
}

/*
 * `[Root ](End|CA) certificate "NICK" - SN: SERIAL`: 1 when it is one (added), 0 when not, <0 bad.
 * A serial number that cannot be read (the test suite's "0xXX") leaves serial NULL: the
 * certificate is added (the lines that follow are its own) and 2 says the line counts as an error.
 */
static int parse_cert_line(struct cert_list *l, const char *t, const char *end)
{
	struct cert_entry c = { 0 };
	const char *p = t, *q;
	int r;

	if (startswith(p, "Root ")) {
		c.root = true;
		p += strlen("Root ");
	}
	if (startswith(p, "End certificate \"")) {
		c.kind = CERT_KIND_END;
		p += strlen("End certificate \"");
	} else if (startswith(p, "CA certificate \"")) {
		c.kind = CERT_KIND_CA;
		p += strlen("CA certificate \"");
	} else {
		return 0;
	}
	q = rfind(p, end, "\" - SN: ");
	if (!q)
		return -EBADMSG;
	r = parse_serial(l, q + strlen("\" - SN: "), end, &c.serial);
	if (q > p && !(q - p == 6 && memcmp(p, "(null)", 6) == 0)) {
		c.nickname = dup_span(l, p, q);
		c.name = cert_nickname_unqualified(c.nickname);
	}
	xgrow((void **)&l->certs, &l->alloc_certs, l->n_certs + 1, sizeof(*l->certs));
	l->certs[l->n_certs++] = c;
	return r < 0 ? 2 : 1;
}

/* "2048 bit RSA", "384 bit(other)", either with ": has private key". */
static int parse_key_line(struct cert_entry *c, struct cert_list *l, const char *t, const char *end)
{
	static const char has_key[] = ": has private key";
	const char *p, *type;
	uint64_t bits;

	if (c->key_type || whack_read_u64(t, &bits, &p) < 0 || bits > UINT32_MAX ||
	    !startswith(p, " bit"))
		return -EBADMSG;
	p += strlen(" bit");
	if (startswith(p, " RSA")) {
		type = "RSA";
		p += strlen(" RSA");
	} else if (startswith(p, "(other)")) {
		type = "other";
		p += strlen("(other)");
	} else {
		return -EBADMSG;
	}
	if (p < end && !streq(p, has_key))
		return -EBADMSG;
	c->key_type = arena_strndup(l->parser.arena, type, strlen(type));
	c->key_bits = (uint32_t)bits;
	c->has_private_key = p < end;
	return 0;
}

/* A date field: "not before: " and the like, given once. */
static int set_time(const char *v, const char *end, bool *has, int64_t *ret)
{
	if (*has || cert_parse_time(v, (size_t)(end - v), ret) < 0)
		return -EBADMSG;
	*has = true;
	return 0;
}

/* A string field, given once. */
static int set_str(struct cert_list *l, const char *v, const char *end, char **ret)
{
	if (*ret || v == end)
		return -EBADMSG;
	*ret = dup_span(l, v, end);
	return 0;
}

/* An indented line of the open certificate. */
static int parse_cert_field(struct cert_list *l, const char *t, const char *end)
{
	struct cert_entry *c = &l->certs[l->n_certs - 1];

	while (*t == ' ')
		t++;
	if (startswith(t, "subject: "))
		return set_str(l, t + strlen("subject: "), end, &c->subject);
	if (startswith(t, "issuer: "))
		return set_str(l, t + strlen("issuer: "), end, &c->issuer);
	if (startswith(t, "not before: "))
		return set_time(t + strlen("not before: "), end, &c->has_not_before,
				&c->not_before);
	if (startswith(t, "not after: "))
		return set_time(t + strlen("not after: "), end, &c->has_not_after, &c->not_after);
	if (is_digit(*t))
		return parse_key_line(c, l, t, end);
	return -EBADMSG;
}

static int parse_certs_section(struct cert_list *l, const char *t, const char *end, bool truncated)
{
	int r;

	if (*t == ' ') {
		if (!l->open || truncated)
			return -EBADMSG;
		return parse_cert_field(l, t, end);
	}
	l->open = false;
	if (truncated)
		return -EBADMSG;
	r = parse_cert_line(l, t, end);
	if (r <= 0)
		return -EBADMSG;
	l->open = true;
	return r == 1 ? 0 : -EBADMSG;
}

static int parse_crls_section(struct cert_list *l, const char *t, const char *end, bool truncated)
{
	struct cert_crl *c = l->open ? &l->crls[l->n_crls - 1] : NULL;
	const char *e;

	if (truncated) {
		l->open = false;
		return -EBADMSG;
	}
	if (startswith(t, "issuer: ")) {
		if (t + strlen("issuer: ") == end) {
			l->open = false;
			return -EBADMSG;
		}
		xgrow((void **)&l->crls, &l->alloc_crls, l->n_crls + 1, sizeof(*l->crls));
		l->crls[l->n_crls++] = (struct cert_crl){
			.issuer = dup_span(l, t + strlen("issuer: "), end),
		};
		l->open = true;
		return 0;
	}
	if (c && startswith(t, "revoked certs: ")) {
		uint64_t n;

		t += strlen("revoked certs: ");
		if (c->has_revoked || whack_read_u64(t, &n, &e) < 0 || e != end)
			return -EBADMSG;
		c->revoked = n;
		c->has_revoked = true;
		return 0;
	}
	if (c && startswith(t, "updates: this "))
		return set_time(t + strlen("updates: this "), end, &c->has_this_update,
				&c->this_update);
	if (c && *t == ' ') {
		while (*t == ' ')
			t++;
		if (startswith(t, "next "))
			return set_time(t + strlen("next "), end, &c->has_next_update,
					&c->next_update);
	}
	l->open = false;
	return -EBADMSG;
}

/* 'TEXT' in [s, end) exactly: TEXT in [*ret_b, *ret_e). */
static int quoted(const char *s, const char *end, const char **ret_b, const char **ret_e)
{
	if (end - s < 2 || s[0] != '\'' || end[-1] != '\'')
		return -EBADMSG;
	*ret_b = s + 1;
	*ret_e = end - 1;
	return 0;
}

static struct cert_crl_fetch *new_fetch(struct cert_list *l)
{
	xgrow((void **)&l->fetches, &l->alloc_fetches, l->n_fetches + 1, sizeof(*l->fetches));
	l->fetches[l->n_fetches] = (struct cert_crl_fetch){ 0 };
	l->open = true;
	return &l->fetches[l->n_fetches++];
}

/* "DATE[, DATE], attempts: N" (5.3+) or "DATE, trials: N" (to 5.2): time and attempts. */
static int fetch_times(struct cert_crl_fetch *f, const char *t, const char *end, const char *key)
{
	const char *k = rfind(t, end, key), *comma, *e;
	uint64_t n;
	int64_t when;
	int r;

	if (!k || whack_read_u64(k + strlen(key), &n, &e) < 0 || e != end)
		return -EBADMSG;
	comma = memchr(t, ',', (size_t)(k - t));
	if (comma && comma[1] != ' ')
		return -EBADMSG;
	r = parse_realtime(t, comma ? comma : k, &when);
	if (r < 0 || (comma && parse_realtime(comma + 2, k, &(int64_t){ 0 }) < 0))
		return -EBADMSG;
	f->attempts = n;
	f->has_time = r > 0;
	if (r > 0)
		f->time = when;
	return 0;
}

static int parse_fetches_section(struct cert_list *l, const char *t, const char *end,
				 bool truncated)
{
	struct cert_crl_fetch *f = l->open ? &l->fetches[l->n_fetches - 1] : NULL;
	const char *b, *e;

	if (truncated) {
		l->open = false;
		return -EBADMSG;
	}
	if (*t != ' ') {
		l->open = false;
		if (rfind(t, end, ", trials: ")) {
			struct cert_crl_fetch g = { 0 };

			if (fetch_times(&g, t, end, ", trials: ") < 0)
				return -EBADMSG;
			*new_fetch(l) = g;
			return 0;
		}
		if (!strstr(t, "://") || memchr(t, ' ', (size_t)(end - t)))
			return -EBADMSG;
		new_fetch(l)->url = dup_span(l, t, end);
		return 0;
	}
	while (*t == ' ')
		t++;
	if (!f)
		return -EBADMSG;
	if (startswith(t, "issuer:") || startswith(t, "distPts:")) {
		bool issuer = *t == 'i';
		char **field = issuer ? &f->issuer : &f->url;

		t += issuer ? strlen("issuer:") : strlen("distPts:");
		while (*t == ' ')
			t++;
		if (quoted(t, end, &b, &e) < 0)
			return -EBADMSG;
		if (!*field)
			*field = dup_span(l, b, e);
		return 0;
	}
	if (*t == '\'')
		return quoted(t, end, &b, &e);	/* another issuer or distribution point */
	return fetch_times(f, t, end, ", attempts: ");
}

/* "List of ...": the section it opens. */
static void parse_header(struct cert_list *l, const char *t)
{
	l->open = false;
	if (streq(t, "List of X.509 End Certificates:")) {
		l->section = CERT_SECTION_CERTS;
		l->has_end_list = true;
	} else if (streq(t, "List of X.509 CA Certificates:")) {
		l->section = CERT_SECTION_CERTS;
		l->has_ca_list = true;
	} else if (streq(t, "List of X.509 Certificates:")) {
		l->section = CERT_SECTION_CERTS;
	} else if (streq(t, "List of CRLs:")) {
		l->section = CERT_SECTION_CRLS;
		l->has_crl_list = true;
	} else if (streq(t, "List of CRL fetch requests:")) {
		l->section = CERT_SECTION_FETCHES;
	} else {
		l->section = CERT_SECTION_OTHER;
	}
}

/* One line as the reader delivers it (writable, prepared in place). */
static int parse_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct cert_list *l = parser_container(base, struct cert_list, parser);
	struct whack_line wl;
	const char *t, *end;
	int r = whack_line_take(line, len, flags, &wl, &l->lines, &l->parse_errors, &l->prefixed);

	if (r < 0)
		l->open = false;	/* the entry a NUL cut short goes no further */
	if (r <= 0)
		return r;
	r = -EBADMSG;
	t = wl.text;
	end = t + wl.len;
	if (startswith(t, "List of ") && !wl.truncated) {
		parse_header(l, t);
		return 0;
	}
	/* what 5.x logs to whack when --listcacerts (re)builds its cache of root certificates */
	if (startswith(t, "adding the CA+root cert ") || streq(t, "freeing root certificate cache"))
		return 0;
	switch ((enum cert_section)l->section) {
	case CERT_SECTION_NONE:
		break;
	case CERT_SECTION_CERTS:
		r = parse_certs_section(l, t, end, wl.truncated);
		break;
	case CERT_SECTION_CRLS:
		r = parse_crls_section(l, t, end, wl.truncated);
		break;
	case CERT_SECTION_FETCHES:
		r = parse_fetches_section(l, t, end, wl.truncated);
		break;
	case CERT_SECTION_OTHER:
		return 0;
	}
	if (r < 0)
		l->parse_errors++;
	return r;
}

struct cert_list *cert_list_new(void)
{
	return parser_result_new(sizeof(struct cert_list), offsetof(struct cert_list, parser),
				 parse_line);
}

struct cert_list *cert_list_free(struct cert_list *l)
{
	if (!l)
		return NULL;
	free(l->certs);
	free(l->crls);
	free(l->fetches);
	parser_release(&l->parser);
	free(l);
	return NULL;
}

void cert_list_reset(struct cert_list *l)
{
	struct cert_list keep = {
		.certs = l->certs, .alloc_certs = l->alloc_certs,
		.crls = l->crls, .alloc_crls = l->alloc_crls,
		.fetches = l->fetches, .alloc_fetches = l->alloc_fetches,
		.parser = l->parser,
	};

	parser_reset(&keep.parser);
	*l = keep;
}

struct cert_list *cert_parse(const char *text, size_t len)
{
	struct cert_list *l = cert_list_new();

	parser_parse(&l->parser, text, len);
	return l;
}
