/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that parse_certs reads the X.509 listings of `ipsec whack` (--listcerts, --listcacerts,
 * --listcrls, --listall) of every Libreswan family, to the second:
 *  - golden: every tests/fixtures/certs/<x>.txt (captured from real 4.3, 4.10 and 5.2 plutos by
 *    tests/fixtures/capture-certs.sh; 3.25, 4.10, 5.2 and 5.4 consoles of Libreswan's test suite,
 *    whose "TIMESTAMP" and "0xXX" placeholders count as errors; forms derived from the sources;
 *    awkward bytes) parses into exactly what <x>.expected lists, fed whole, byte by byte, line by
 *    line, or into a reset list;
 *  - the dates of the real captures equal openssl's for the same certificates and CRL
 *    (<version>-lab.dates, computed by GNU date when they were captured), and the CA of each
 *    end certificate is found by its issuer among the CA certificates;
 *  - every golden and every date is the same under TZ=America/New_York and TZ=Asia/Kolkata as
 *    under UTC (the parser reads no time zone);
 *  - cert_parse_time() agrees with glibc's gmtime_r() and strftime() on 20000 times from year 1
 *    to 9999 and on the edges (1969-12-31 23:59:59, 1970, 2^31, 2^32, Feb 29, Dec 31
 *    23:59:59), and rejects dates that do not exist, a wrong weekday, a leap second, a 5-digit
 *    year and stray bytes;
 *  - certificate lines: "(null)" and "" nicknames are no nickname, a nickname holding quotes
 *    and " - SN: " is kept whole, NSS's token prefix is ignored by cert_list_find(); empty
 *    output, a truncated last line, a cut date, a field given twice, indented lines of a
 *    certificate that could not be read, and a NULL-safe free.
 */
#include "autoconfig.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "parser_fixtures.h"
#include "parse/parse_certs.h"

static void dump_time(struct strbuf *sb, const char *key, bool has, int64_t t)
{
	strbuf_appendf(sb, " %s=", key);
	if (has)
		strbuf_put_i64(sb, t);
	else
		strbuf_putc(sb, '-');
}

static char *dump_certs(const struct cert_list *l)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_appendf(&sb,
		       "lines %llu\nparse_errors %llu\nprefixed %d\nlists end=%d ca=%d crl=%d\n",
		       (unsigned long long)l->lines, (unsigned long long)l->parse_errors,
		       l->prefixed, l->has_end_list, l->has_ca_list, l->has_crl_list);
	for (size_t i = 0; i < l->n_certs; i++) {
		const struct cert_entry *c = &l->certs[i];

		strbuf_appendf(&sb, "cert %s%s ", c->root ? "root-" : "",
			       c->kind == CERT_KIND_CA ? "ca" : "end");
		dump_str(&sb, c->nickname);
		strbuf_puts(&sb, " name=");
		dump_str(&sb, c->name);
		strbuf_puts(&sb, " serial=");
		dump_str(&sb, c->serial);
		dump_time(&sb, "not_before", c->has_not_before, c->not_before);
		dump_time(&sb, "not_after", c->has_not_after, c->not_after);
		strbuf_appendf(&sb, " key=%u/", c->key_bits);
		dump_str(&sb, c->key_type);
		strbuf_appendf(&sb, " private=%d\n  subject=", c->has_private_key);
		dump_str(&sb, c->subject);
		strbuf_puts(&sb, "\n  issuer=");
		dump_str(&sb, c->issuer);
		strbuf_putc(&sb, '\n');
	}
	for (size_t i = 0; i < l->n_crls; i++) {
		const struct cert_crl *c = &l->crls[i];

		strbuf_puts(&sb, "crl ");
		dump_str(&sb, c->issuer);
		strbuf_puts(&sb, " revoked=");
		if (c->has_revoked)
			strbuf_put_u64(&sb, c->revoked);
		else
			strbuf_putc(&sb, '-');
		dump_time(&sb, "this_update", c->has_this_update, c->this_update);
		dump_time(&sb, "next_update", c->has_next_update, c->next_update);
		strbuf_putc(&sb, '\n');
	}
	for (size_t i = 0; i < l->n_fetches; i++) {
		const struct cert_crl_fetch *f = &l->fetches[i];

		strbuf_puts(&sb, "fetch issuer=");
		dump_str(&sb, f->issuer);
		strbuf_puts(&sb, " url=");
		dump_str(&sb, f->url);
		strbuf_appendf(&sb, " attempts=%llu", (unsigned long long)f->attempts);
		dump_time(&sb, "time", f->has_time, f->time);
		strbuf_putc(&sb, '\n');
	}
	return strbuf_detach(&sb, NULL);
}

static const char *certs_dir(char *buf, size_t len)
{
	const char *top = getenv("FIXTURES_DIR");

	snprintf(buf, len, "%s/certs", top ? top : "tests/fixtures");
	return buf;
}

FIXTURE_PARSER(cert_list, "certs", 20, dump_certs, NULL);

static struct cert_list *parse_file(const char *dir, const char *version, const char *command)
{
	char path[PATH_MAX + 256];
	struct cert_list *l;
	size_t len = 0;
	char *text;

	snprintf(path, sizeof(path), "%s/%s-lab--%s.txt", dir, version, command);
	text = fixture_read(path, &len);
	assert_non_null(text);
	l = cert_parse(text, len);
	free(text);
	return l;
}

/*
 * The real captures against openssl: <version>-lab.dates lists "NAME not_before not_after" per
 * certificate ("crl this_update next_update" for the CRL) as GNU date computed them from
 * openssl's output. Returns the number of dates compared.
 */
static unsigned check_openssl_dates(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], line[512];
	struct dirent *de;
	unsigned compared = 0;
	DIR *d = opendir(certs_dir(dir, sizeof(dir)));

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		char version[32];
		struct cert_list *certs, *cacerts, *crls;
		FILE *f;

		if (nl < 11 || !streq(de->d_name + nl - 10, "-lab.dates") ||
		    nl - 10 >= sizeof(version))
			continue;
		snprintf(version, sizeof(version), "%.*s", (int)(nl - 10), de->d_name);
		certs = parse_file(dir, version, "listcerts");
		cacerts = parse_file(dir, version, "listcacerts");
		crls = parse_file(dir, version, "listcrls");
		assert_int_equal(certs->parse_errors + cacerts->parse_errors + crls->parse_errors,
				 0);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "re");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			char *sp2 = strrchr(line, ' '), *sp1;
			long long a, b;

			assert_non_null(sp2);
			*sp2 = '\0';
			sp1 = strrchr(line, ' ');
			assert_non_null(sp1);
			*sp1 = '\0';
			a = strtoll(sp1 + 1, NULL, 10);
			b = strtoll(sp2 + 1, NULL, 10);
			if (streq(line, "crl")) {
				assert_int_equal(crls->n_crls, 1);
				assert_true(crls->crls[0].has_this_update &&
					    crls->crls[0].has_next_update);
				assert_int_equal(crls->crls[0].this_update, a);
				assert_int_equal(crls->crls[0].next_update, b);
			} else {
				const struct cert_entry *c = cert_list_find(certs, line);

				if (c) {
					/* each end certificate's CA is listed by --listcacerts */
					const struct cert_entry *ca;

					ca = cert_list_find_subject(cacerts, c->issuer,
								    CERT_KIND_CA);
					assert_non_null(ca);
					assert_string_equal(ca->name, "Lab CA");
				} else {
					c = cert_list_find(cacerts, line);
				}
				assert_non_null(c);
				assert_true(c->has_not_before && c->has_not_after);
				assert_int_equal(c->not_before, a);
				assert_int_equal(c->not_after, b);
			}
			compared += 2;
		}
		fclose(f);
		cert_list_free(certs);
		cert_list_free(cacerts);
		cert_list_free(crls);
	}
	closedir(d);
	return compared;
}

static void set_tz(const char *tz)
{
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* Goldens and openssl's dates, in UTC and in two zones far from it. */
static void test_certs_fixtures(void **state)
{
	static const char *const zones[] = { "UTC", "America/New_York", "Asia/Kolkata" };
	char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;

	for (size_t z = 0; z < ELEMENTSOF(zones); z++) {
		set_tz(zones[z]);
		assert_int_equal(fixture_parse_all(&cert_list_fixtures), 0);
		/* 4.3, 4.10 and 5.2: 3 certificates and a CRL each */
		assert_true(check_openssl_dates() >= 3 * 8);
	}
	set_tz(saved);
	free(saved);
}

static int64_t parse_time(const char *s)
{
	int64_t t = INT64_MIN;

	if (cert_parse_time(s, strlen(s), &t) < 0)
		return INT64_MIN;
	return t;
}

/* The edges, and what must be refused (with *ret_time untouched). */
static void test_time_edges(void **state)
{
	int64_t t = 42;

	assert_int_equal(parse_time("Thu Jan 01 00:00:00 1970"), 0);
	assert_int_equal(parse_time("Wed Dec 31 23:59:59 1969"), -1);
	assert_int_equal(parse_time("Tue Jan 19 03:14:07 2038"), INT32_MAX);
	assert_int_equal(parse_time("Tue Jan 19 03:14:08 2038"), INT64_C(2147483648));
	assert_int_equal(parse_time("Sun Feb 07 06:28:16 2106"), INT64_C(4294967296));
	assert_int_equal(parse_time("Thu Feb 29 00:00:00 2024"), 1709164800);
	assert_int_equal(parse_time("Tue Feb 29 12:34:56 2028"), 1835440496);
	assert_int_equal(parse_time("Tue Feb 29 00:00:00 2000"), 951782400);
	assert_int_equal(parse_time("Fri Dec 31 23:59:59 2049"), 2524607999);
	assert_int_equal(parse_time("Sat Jan 01 00:00:00 2050"), 2524608000);
	assert_int_equal(parse_time("Thu Dec 31 23:59:59 2099"), 4102444799);
	assert_int_equal(parse_time("Fri Dec 31 23:59:59 9999"), INT64_C(253402300799));
	assert_int_equal(parse_time("Mon Jan 01 00:00:00 1"), INT64_C(-62135596800));
	assert_int_equal(parse_time("Sat Jan 01 00:00:00 0"), INT64_C(-62167219200));
	assert_int_equal(parse_time("Sun Jan 01 00:00:00 1950"), -631152000);

	/* 2100 is no leap year; 1970-01-01 was a Thursday */
	assert_int_equal(cert_parse_time("Mon Feb 29 00:00:00 2100", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Feb 30 00:00:00 2024", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Wed Apr 31 00:00:00 2024", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Wed Jan 00 00:00:00 2025", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Fri Jan 01 00:00:00 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 24:00:00 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 23:60:00 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 23:59:60 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan  1 00:00:00 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Foo 01 00:00:00 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("thu jan 01 00:00:00 1970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Sat Jan 01 00:00:00 10000", 25, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 00:00:00 1970 ", 25, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 00:00:00 +970", 24, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 00:00:00 1970", 23, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 00:00:00 ", 20, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("Thu Jan 01 00:00:00", 19, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("", 0, &t), -EBADMSG);
	assert_int_equal(cert_parse_time("TIMESTAMP", 9, &t), -EBADMSG);
	assert_int_equal(t, 42);
}

/*
 * 20000 pseudo-random times from year 1 to 9999 and every day around the edges, formatted by
 * glibc as NSS formats them (C locale), read back exactly; under a zone that is not UTC.
 */
static void test_time_against_libc(void **state)
{
	const int64_t lo = INT64_C(-62135596800), hi = INT64_C(253402300799);
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
	char buf[64];

	set_tz("Asia/Kolkata");
	for (int i = 0; i < 20000 + 4 * 800; i++) {
		struct tm tm;
		time_t tt;
		int64_t t, got = 0;
		size_t n;

		if (i < 20000) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			t = lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
		} else {
			/* one second before midnight, around 1970, 2038, 2100 and 9999 */
			static const int64_t centre[] = {
				0,
				INT64_C(2147483648),
				INT64_C(4107542400),
				INT64_C(253402300799) - 400 * 86400,
			};
			int k = i - 20000;

			t = centre[k / 800] + (int64_t)(k % 800 - 400) * 86400 - 1;
			if (t > hi)
				continue;
		}
		tt = (time_t)t;
		assert_non_null(gmtime_r(&tt, &tm));
		n = strftime(buf, sizeof(buf), "%a %b %d %H:%M:%S %Y", &tm);
		assert_true(n > 0);
		if (cert_parse_time(buf, n, &got) < 0 || got != t)
			fail_msg("%s: got %lld, want %lld", buf, (long long)got, (long long)t);
	}
	set_tz("UTC");
}

static int feed1(struct cert_list *l, const char *line)
{
	return parser_parse_line(&l->parser, line, strlen(line));
}

/* Certificate lines: nicknames, serials, key lines, fields given twice, unreadable lines. */
static void test_cert_lines(void **state)
{
	struct cert_list *l = cert_list_new();

	assert_int_equal(feed1(l, "  subject: CN=nobody"), -EBADMSG);	/* before any listing */
	assert_int_equal(feed1(l, "List of X.509 End Certificates:"), 0);
	assert_true(l->has_end_list);
	assert_false(l->has_ca_list);
	assert_int_equal(feed1(l, "  subject: CN=orphan"), -EBADMSG);	/* no certificate open */
	assert_int_equal(feed1(l, "End certificate \"(null)\" - SN: 0x01"), 0);
	assert_null(l->certs[0].nickname);
	assert_null(l->certs[0].name);
	assert_int_equal(feed1(l, "  3072 bit RSA"), 0);
	assert_int_equal(feed1(l, "  3072 bit RSA"), -EBADMSG);	/* twice */
	assert_int_equal(feed1(l, "  not after: Tue Feb 29 12:34:56 2028"), 0);
	assert_int_equal(feed1(l, "  not after: Wed Mar 01 12:34:56 2028"), -EBADMSG);
	assert_int_equal(l->certs[0].not_after, 1835440496);
	/* an unknown indented line: the certificate stays open */
	assert_int_equal(feed1(l, "  key usage: digitalSignature"), -EBADMSG);
	assert_int_equal(feed1(l, "  issuer: CN=Lab CA"), 0);
	assert_string_equal(l->certs[0].issuer, "CN=Lab CA");
	assert_int_equal(feed1(l, "End certificate \"\" - SN: 0x02"), 0);
	assert_null(l->certs[1].nickname);
	assert_int_equal(feed1(l, "Root End certificate \"a \"q\" - SN: 0x3\" - SN: 0x0A0b"), 0);
	assert_string_equal(l->certs[2].nickname, "a \"q\" - SN: 0x3");
	assert_string_equal(l->certs[2].serial, "0x0A0b");
	assert_true(l->certs[2].root);
	assert_int_equal(l->certs[2].kind, CERT_KIND_END);
	assert_int_equal(feed1(l, "  256 bit(other): has private key"), 0);
	assert_string_equal(l->certs[2].key_type, "other");
	assert_int_equal(l->certs[2].key_bits, 256);
	assert_true(l->certs[2].has_private_key);
	assert_int_equal(feed1(l, "CA certificate \"NSS Certificate DB:ca\" - SN: (NULL)"), 0);
	assert_null(l->certs[3].serial);
	assert_string_equal(l->certs[3].name, "ca");
	assert_int_equal(l->certs[3].kind, CERT_KIND_CA);
	assert_ptr_equal(cert_list_find(l, "ca"), &l->certs[3]);
	assert_ptr_equal(cert_list_find(l, "NSS Certificate DB:ca"), &l->certs[3]);
	assert_null(cert_list_find(l, "token:ca"));
	assert_null(cert_list_find(l, NULL));
	assert_null(cert_list_find_subject(l, NULL, CERT_KIND_CA));
	assert_null(cert_list_find_subject(l, "CN=Lab CA", CERT_KIND_CA));	/* an issuer only */
	/* a serial the test suite replaced: the certificate is there, the line counts */
	assert_int_equal(feed1(l, "End certificate \"suite\" - SN: 0xXX"), -EBADMSG);
	assert_int_equal(l->n_certs, 5);
	assert_null(l->certs[4].serial);
	assert_int_equal(feed1(l, "  subject: CN=suite"), 0);
	assert_string_equal(l->certs[4].subject, "CN=suite");
	/* an unreadable certificate line: what follows is nobody's */
	assert_int_equal(feed1(l, "End certificate \"broken\""), -EBADMSG);
	assert_int_equal(feed1(l, "  subject: CN=broken"), -EBADMSG);
	assert_string_equal(l->certs[4].subject, "CN=suite");
	assert_int_equal(feed1(l, "Expired certificate \"x\" - SN: 0x1"), -EBADMSG);
	assert_int_equal(l->n_certs, 5);
	assert_int_equal(feed1(l, "  2048 bit DSA"), -EBADMSG);
	assert_int_equal(feed1(l, "  2048 bit RSA: has no key"), -EBADMSG);
	assert_int_equal(feed1(l, "  99999999999 bit RSA"), -EBADMSG);
	assert_int_equal(l->parse_errors, 12);
	assert_null(cert_list_free(l));
	assert_null(cert_list_free(NULL));
}

/* Empty output; a last line without '\n'; a date cut by the end of the output. */
static void test_stream_ends(void **state)
{
	static const char body[] = "000 List of X.509 CA Certificates:\n"
				   "000 Root CA certificate \"Lab CA\" - SN: 0x1000\n"
				   "000   not before: Thu Jan 01 00:00:00 1970\n"
				   "000   not after: Fri Dec 31 23:59:59 2049";
	struct cert_list *l = cert_parse("", 0);

	assert_int_equal(l->lines, 0);
	assert_int_equal(l->n_certs, 0);
	assert_false(l->has_end_list || l->has_ca_list || l->has_crl_list);
	cert_list_free(l);

	l = cert_parse(body, strlen(body));
	assert_int_equal(l->parse_errors, 0);
	assert_true(l->prefixed);
	assert_true(l->has_ca_list);
	assert_true(l->certs[0].has_not_after);
	assert_int_equal(l->certs[0].not_after, 2524607999);
	cert_list_free(l);

	l = cert_parse(body, strlen(body) - 6);	/* "...23:59:59 2049" cut to "...23:5" */
	assert_int_equal(l->parse_errors, 1);
	assert_false(l->certs[0].has_not_after);
	assert_true(l->certs[0].has_not_before);
	cert_list_free(l);
}

/* CRLs and the fetch queue of both families; a CRL line that cannot be read closes its CRL. */
static void test_crl_lines(void **state)
{
	struct cert_list *l = cert_list_new();

	assert_int_equal(feed1(l, "List of CRLs:"), 0);
	assert_int_equal(feed1(l, "revoked certs: 1"), -EBADMSG);	/* no CRL yet */
	assert_int_equal(feed1(l, "issuer: CN=Lab CA"), 0);
	assert_int_equal(feed1(l, "revoked certs: 18446744073709551615"), 0);
	assert_int_equal(l->crls[0].revoked, UINT64_MAX);
	assert_int_equal(feed1(l, "updates: this Mon Dec 07 05:59:13 2026"), 0);
	assert_int_equal(feed1(l, "         next Wed Jan 06 05:59:13 2027"), 0);
	assert_int_equal(l->crls[0].next_update, 1799215153);
	assert_int_equal(feed1(l, "issuer: CN=Other"), 0);
	/* a known line that cannot be read: the CRL stays open */
	assert_int_equal(feed1(l, "revoked certs: 18446744073709551616"), -EBADMSG);
	assert_false(l->crls[1].has_revoked);
	assert_int_equal(feed1(l, "updates: this Mon Dec 07 05:59:13 2026"), 0);
	assert_int_equal(feed1(l, "entries: 3"), -EBADMSG);	/* unknown: closes the CRL */
	assert_int_equal(feed1(l, "         next Wed Jan 06 05:59:13 2027"), -EBADMSG);
	assert_true(l->crls[1].has_this_update);
	assert_false(l->crls[1].has_next_update);
	assert_int_equal(feed1(l, "List of CRL fetch requests:"), 0);
	assert_int_equal(feed1(l, "Dec 07 05:59:13 UTC 2026, trials: 2"), 0);
	assert_int_equal(feed1(l, "       issuer:  'CN=Lab CA'"), 0);
	assert_int_equal(feed1(l, "       distPts: 'http://crl.example/a.crl'"), 0);
	assert_int_equal(feed1(l, "                'ldap://crl.example/b'"), 0);
	assert_int_equal(l->n_fetches, 1);
	assert_true(l->fetches[0].has_time);
	assert_int_equal(l->fetches[0].time, 1796623153);
	assert_int_equal(l->fetches[0].attempts, 2);
	assert_string_equal(l->fetches[0].url, "http://crl.example/a.crl");
	/* in local time: read, but no time */
	assert_int_equal(feed1(l, "Dec 07 11:29:13 2026, trials: 0"), 0);
	assert_false(l->fetches[1].has_time);
	assert_int_equal(feed1(l, "Dec 32 11:29:13 2026, trials: 0"), -EBADMSG);
	assert_int_equal(feed1(l, "http://crl.example/c.crl"), 0);
	assert_int_equal(
	    feed1(l, "       Dec 07 05:59:13 UTC 2026, Dec 07 06:04:13 UTC 2026, attempts: 3"), 0);
	assert_int_equal(feed1(l, "       issuer:   'CN=Lab CA'"), 0);
	assert_int_equal(feed1(l, "                 'CN=Other'"), 0);
	assert_int_equal(l->n_fetches, 3);
	assert_int_equal(l->fetches[2].attempts, 3);
	assert_int_equal(l->fetches[2].time, 1796623153);
	assert_string_equal(l->fetches[2].issuer, "CN=Lab CA");
	assert_int_equal(feed1(l, "       --- -- --:--:-- UTC ----, attempts: 0"), 0);
	assert_false(l->fetches[2].has_time);
	assert_int_equal(feed1(l, "not a url"), -EBADMSG);
	assert_int_equal(feed1(l, "       issuer:   'CN=Lab CA'"), -EBADMSG);	/* closed */
	assert_int_equal(l->parse_errors, 7);
	cert_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_certs_fixtures),    cmocka_unit_test(test_time_edges),
	    cmocka_unit_test(test_time_against_libc), cmocka_unit_test(test_cert_lines),
	    cmocka_unit_test(test_stream_ends),	      cmocka_unit_test(test_crl_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
