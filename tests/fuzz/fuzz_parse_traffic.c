/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Fuzz target for parse_traffic: any bytes, parsed whole and, in place on a copy, in chunks whose
 * sizes come from the input itself; every string of the result is read. The
 * two parses must agree.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse_traffic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static uint64_t walk(const struct traffic_list *l)
{
	uint64_t n = 0;

	for (size_t i = 0; i < l->n_sas; i++) {
		const struct traffic_sa *sa = &l->sas[i];

		n += touch(sa->conn) + touch(sa->instance) + touch(sa->peer) + touch(sa->username) +
		     touch(sa->type) + touch(sa->offload) + touch(sa->id) + touch(sa->lease);
		n += sa->serial + sa->add_time + sa->in_bytes + sa->out_bytes + sa->max_bytes;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct traffic_list *whole = traffic_parse(text, size);
	struct traffic_list *chunked = traffic_list_new();
	size_t step = size > 0 ? 1 + data[0] % 61 : 1;
	char *copy = malloc(size + 1);	/* the chunked parse runs in place, on its own copy */

	if (!copy)
		abort();
	memcpy(copy, data, size);

	for (size_t off = 0; off < size; off += step)
		traffic_feed_inplace(chunked, copy + off, size - off < step ? size - off : step);
	traffic_finish(chunked);
	if (walk(whole) != walk(chunked) || whole->n_sas != chunked->n_sas ||
	    whole->parse_errors != chunked->parse_errors)
		abort();
	traffic_list_free(whole);
	traffic_list_free(chunked);
	free(copy);
	return 0;
}
