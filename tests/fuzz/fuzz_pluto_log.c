/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * The fuzz target of the classifier of pluto's log: any bytes, cut into lines at '\n', each
 * line's text after its first TAB if it has one (so that the fixtures' "EXPECTED<TAB>LINE" feed
 * their lines), with its timestamp or whack code taken off when the input's first byte is odd,
 * classified by one classifier, in order, twice (two classifiers, the second reset halfway and fed
 * the second half again). It aborts when:
 *  - a result is neither 0 nor -EBADMSG, or -EBADMSG wrote the event;
 *  - a pointer returned lies outside its line (each line is copied to a buffer of exactly its
 *    size, so ASan sees a read past it), or an enum is out of range, or a field the kind does
 *    not use is set;
 *  - the two classifiers disagree on the first half (the result depends on something else
 *    than the messages: uninitialised memory).
 * The memory stays bounded by construction: the classifier allocates its two tables in
 * pluto_log_new() and nothing after (tests/test_pluto_log.c storms them past their sizes).
 * `make check` replays it over tests/fixtures/pluto-log.
 */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pluto_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check one event against its line; returns a digest of it (equal events, equal digests). */
static uint64_t check(int r, const struct pluto_event *ev, const struct pluto_event *sentinel,
		      const char *line, size_t len)
{
	uint64_t h;

	if (r == -EBADMSG) {
		if (memcmp(ev, sentinel, sizeof(*ev)) != 0)
			abort();
		return 1;
	}
	if (r != 0)
		abort();
	if (!ev->conn || ev->conn < line || ev->conn_len > len ||
	    ev->conn + ev->conn_len > line + len)
		abort();
	if (!ev->instance || ev->instance < line || ev->instance_len > len ||
	    ev->instance + ev->instance_len > line + len)
		abort();
	if ((unsigned)ev->kind >= _PLUTO_EVENT_KIND_MAX || (unsigned)ev->sa >= _PLUTO_SA_MAX ||
	    (unsigned)ev->how >= _PLUTO_HOW_MAX || (unsigned)ev->reason >= _PLUTO_REASON_MAX ||
	    (unsigned)ev->change >= _PLUTO_CHANGE_MAX || (unsigned)ev->ike >= _PLUTO_IKE_MAX)
		abort();
	if (ev->kind != PLUTO_EVENT_ESTABLISHED && ev->how != 0)
		abort();
	if (ev->kind != PLUTO_EVENT_FAILED && ev->reason != 0)
		abort();
	if (ev->kind != PLUTO_EVENT_CONNECTION && ev->change != 0)
		abort();
	if (ev->kind != PLUTO_EVENT_ESTABLISHED && ev->kind != PLUTO_EVENT_FAILED &&
	    (ev->sa != 0 || ev->ike != 0))
		abort();
	if (!pluto_event_kind_to_string(ev->kind) || !pluto_event_reason_to_string(ev->reason) ||
	    !pluto_event_change_to_string(ev->change) || !pluto_event_sa_to_string(ev->sa) ||
	    !pluto_event_how_to_string(ev->how) || !pluto_ike_version_to_string(ev->ike))
		abort();
	h = (uint64_t)ev->kind * 31 + ev->sa;
	h = h * 31 + ev->how;
	h = h * 31 + ev->reason;
	h = h * 31 + ev->change;
	h = h * 31 + ev->ike;
	h = h * 31 + ev->serial;
	h = h * 31 + (uint64_t)(ev->conn - line) + ev->conn_len;
	h = h * 31 + (uint64_t)(ev->instance - line) + ev->instance_len;
	for (size_t i = 0; i < ev->conn_len; i++)
		h = h * 131 + (unsigned char)ev->conn[i]; /* read every byte */
	return h;
}

/* Classify the lines of data[from..to) with l; digests go to sums[] (one per line). */
static size_t run(struct pluto_log *l, const uint8_t *data, size_t size, bool strip, uint64_t *sums,
		  size_t max)
{
	size_t n = 0, off = 0;

	while (off < size && n < max) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (data + off)) : size - off;
		char *line = malloc(len ? len : 1);
		const char *msg = line;
		size_t mlen = len;
		struct pluto_event ev, sentinel;
		int r;

		if (!line)
			abort();
		memcpy(line, data + off, len);
		{
			const char *tab = memchr(line, '\t', len);

			if (tab) {
				msg = tab + 1;
				mlen = len - (size_t)(msg - line);
			}
		}
		if (strip) {
			const char *m;
			size_t ml = pluto_log_strip_prefix(msg, mlen, &m);

			if (m < msg || m + ml != msg + mlen)
				abort();
			msg = m;
			mlen = ml;
		}
		memset(&sentinel, 0x5a, sizeof(sentinel));
		ev = sentinel;
		r = pluto_log_classify(l, msg, mlen, &ev);
		sums[n++] = check(r, &ev, &sentinel, msg, mlen);
		free(line);
		off += len + 1;
	}
	return n;
}

#define MAX_LINES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t a[MAX_LINES], b[MAX_LINES];
	bool strip = size > 0 && (data[0] & 1);
	struct pluto_log *l1 = pluto_log_new(), *l2 = pluto_log_new();
	size_t half = size / 2, n1, n2;

	n1 = run(l1, data, size, strip, a, MAX_LINES);
	/* the same, in two halves with a reset between: the first half must agree */
	while (half < size && data[half] != '\n')
		half++;
	n2 = run(l2, data, half, strip, b, MAX_LINES);
	if (n2 > n1 || memcmp(a, b, n2 * sizeof(a[0])) != 0)
		abort();
	pluto_log_reset(l2);
	(void)run(l2, data + (half < size ? half + 1 : size),
		  size - (half < size ? half + 1 : size), strip, b, MAX_LINES);
	pluto_log_free(l1);
	pluto_log_free(l2);
	return 0;
}
