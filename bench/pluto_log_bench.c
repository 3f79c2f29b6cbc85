/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Throughput of the classifier of pluto's log (src/parse/pluto_log.c), in messages per second
 * of CPU, and the cost of a storm of road warriors connecting at once.
 *
 *   pluto_log_bench [-s SECONDS] [-n STORM] FILE...
 *
 * FILE: pluto's messages one per line (a log file, a corpus of messages, or the fixtures'
 * "EXPECTED<TAB>LINE" form, of which the LINE is taken); timestamps and whack codes are taken
 * off first, outside the timing. The lines are classified in order by one classifier, over and
 * over, until SECONDS (default 3) of CPU have passed. The storm: STORM (default 1000) road
 * warriors' IKEv2 responder sequences as Libreswan 5.x logs them, interleaved, classified once
 * each repetition; its CPU is the median of 21 repetitions.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "parse/pluto_log.h"

struct msgs {
	char **msg;
	size_t *len;
	size_t n, alloc;
};

static void add(struct msgs *m, const char *s, size_t len)
{
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 1024;
		m->msg = xreallocarray(m->msg, m->alloc, sizeof(*m->msg));
		m->len = xreallocarray(m->len, m->alloc, sizeof(*m->len));
	}
	m->msg[m->n] = xmalloc(len + 1);
	memcpy(m->msg[m->n], s, len);
	m->msg[m->n][len] = '\0';
	m->len[m->n++] = len;
}

static int load(struct msgs *m, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *s = line, *tab, *msg;
		size_t len = (size_t)n, mlen;

		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			len--;
		if (len == 0 || s[0] == '#')
			continue;
		tab = memchr(s, '\t', len);
		if (tab) {
			len -= (size_t)(tab + 1 - s);
			s = tab + 1;
		}
		mlen = pluto_log_strip_prefix(s, len, &msg);
		add(m, msg, mlen);
	}
	free(line);
	fclose(f);
	return 0;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Classify every message once; returns a sum of the kinds (so that nothing is optimised away). */
static unsigned long classify_all(struct pluto_log *l, const struct msgs *m, unsigned long *kinds)
{
	unsigned long sum = 0;
	struct pluto_event ev;

	for (size_t i = 0; i < m->n; i++) {
		int r = pluto_log_classify(l, m->msg[i], m->len[i], &ev);
		unsigned k = r < 0 ? _PLUTO_EVENT_KIND_MAX : ev.kind;

		kinds[k]++;
		sum += k + ev.serial;
	}
	return sum;
}

/* What pluto 5.x logs for one road warrior connecting (a responder), step by step. */
static const char *const storm_steps[] = {
    "\"rw\"[%u] 198.51.%u.%u #%u: proposal 1:IKE=AES_GCM_16_256-HMAC_SHA2_512-DH19 chosen from "
    "remote proposals 1:IKE:ENCR=AES_GCM_16_256;PRF=HMAC_SHA2_512;PRF=HMAC_SHA2_256;KE=DH19"
    "[first-match]",
    "\"rw\"[%u] 198.51.%u.%u #%u: sent IKE_SA_INIT response to 198.51.%u.%u:UDP/500 "
    "{cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19}",
    "\"rw\"[%u] 198.51.%u.%u #%u: processing IKE_AUTH request from 198.51.%u.%u:UDP/4500 "
    "containing SK{IDi,CERT,N(INITIAL_CONTACT),AUTH,SA,TSi,TSr}",
    "\"rw\"[%u] 198.51.%u.%u #%u: responder established IKE SA; authenticated peer certificate "
    "'CN=road%u' and 3nnn-bit RSASSA-PSS with SHA2_512 digital signature issued by 'CN=ca'",
    "\"rw\"[%u] 198.51.%u.%u #%u: received INTERNAL_IP4_ADDRESS request",
    "\"rw\"[%u] 198.51.%u.%u #%u: responder established Child SA using #%u; IPsec tunnel "
    "[0.0.0.0/0===100.64.%u.%u/32] {ESPinUDP/ESN=>0x%08x <0x%08x xfrm=AES_GCM_16_256 "
    "NATD=198.51.%u.%u:4500 DPD=passive}",
};

static void storm(struct msgs *m, unsigned n)
{
	char buf[1024];

	for (size_t step = 0; step < ELEMENTSOF(storm_steps); step++) {
		for (unsigned i = 0; i < n; i++) {
			unsigned a = i / 250, b = i % 250 + 1, ike = 2 * i + 1;
			int len;

			if (step == 5)
				len = snprintf(buf, sizeof(buf), storm_steps[step], i + 1, a, b,
					       ike + 1, ike, a, b, 0xc0000000u + i, 0xd0000000u + i,
					       a, b);
			else if (step == 3)
				len = snprintf(buf, sizeof(buf), storm_steps[step], i + 1, a, b,
					       ike, i + 1);
			else
				len = snprintf(buf, sizeof(buf), storm_steps[step], i + 1, a, b,
					       ike, a, b);
			add(m, buf, (size_t)len);
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double seconds = 3, t0, t, rounds = 0, samples[21];
	unsigned n_storm = 1000;
	unsigned long kinds[_PLUTO_EVENT_KIND_MAX + 1] = {0}, sum = 0;
	struct msgs m = {0}, s = {0};
	struct pluto_log *l;
	int opt;

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		if (opt == 's')
			seconds = atof(optarg);
		else if (opt == 'n')
			n_storm = (unsigned)atoi(optarg);
		else
			return 2;
	}
	if (optind == argc) {
		fprintf(stderr, "usage: pluto_log_bench [-s SECONDS] [-n STORM] FILE...\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (load(&m, argv[i]) < 0) {
			fprintf(stderr, "pluto_log_bench: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
	}
	if (m.n == 0)
		return 1;
	l = pluto_log_new();
	t0 = cpu_now();
	do {
		sum += classify_all(l, &m, kinds);
		rounds++;
		t = cpu_now() - t0;
	} while (t < seconds);
	printf("messages: %zu lines x %.0f rounds = %.0f in %.3f s of CPU: %.2f million/s, %.0f ns "
	       "each\n",
	       m.n, rounds, rounds * (double)m.n, t, rounds * (double)m.n / t / 1e6,
	       t * 1e9 / (rounds * (double)m.n));
	printf("kinds per round: none %lu, unrecognised %lu, established %lu, failed %lu, "
	       "connection %lu, no connection %lu\n",
	       kinds[PLUTO_EVENT_NONE] / (unsigned long)rounds,
	       kinds[PLUTO_EVENT_UNRECOGNISED] / (unsigned long)rounds,
	       kinds[PLUTO_EVENT_ESTABLISHED] / (unsigned long)rounds,
	       kinds[PLUTO_EVENT_FAILED] / (unsigned long)rounds,
	       kinds[PLUTO_EVENT_CONNECTION] / (unsigned long)rounds,
	       kinds[_PLUTO_EVENT_KIND_MAX] / (unsigned long)rounds);

	storm(&s, n_storm);
	memset(kinds, 0, sizeof(kinds));
	for (size_t i = 0; i < ELEMENTSOF(samples); i++) {
		pluto_log_reset(l);
		t0 = cpu_now();
		sum += classify_all(l, &s, kinds);
		samples[i] = cpu_now() - t0;
	}
	qsort(samples, ELEMENTSOF(samples), sizeof(samples[0]), cmp_double);
	printf("storm: %u road warriors, %zu messages, %lu established per run: %.3f ms of CPU "
	       "(median of %zu)\n",
	       n_storm, s.n, kinds[PLUTO_EVENT_ESTABLISHED] / ELEMENTSOF(samples),
	       samples[ELEMENTSOF(samples) / 2] * 1e3, ELEMENTSOF(samples));
	pluto_log_free(l);
	for (size_t i = 0; i < m.n; i++)
		free(m.msg[i]);
	for (size_t i = 0; i < s.n; i++)
		free(s.msg[i]);
	free(m.msg);
	free(m.len);
	free(s.msg);
	free(s.len);
	return sum == 0; /* never: the sum includes serials */
}
