/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Fuzz target for parse_status: any bytes, parsed whole and, in place on a copy, in chunks whose
 * sizes come from the input itself; every string of the result is read so a
 * dangling or unterminated one shows up under ASan. The two parses must agree.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t walk(const struct status_summary *s)
{
	size_t n = touch(s->version);

	for (size_t i = 0; i < s->n_conns; i++)
		n += touch(s->conns[i].name) + touch(s->conns[i].instance) +
		     touch(s->conns[i].local_host) + touch(s->conns[i].remote_host) + s->conns[i].reqid;
	for (size_t i = 0; i < s->n_states; i++)
		n += touch(s->states[i].conn) + touch(s->states[i].instance) +
		     strlen(status_sa_category_to_string(s->states[i].category)) + (size_t)s->states[i].rekey_in;
	for (size_t i = 0; i < s->n_saids; i++)
		n += s->saids[i].id.spi + s->saids[i].inbound + s->saids[i].id.addr[0];
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct status_summary *whole = status_parse(text, size);
	struct status_summary *chunked = status_summary_new();
	size_t step = size > 0 ? 1 + data[0] % 61 : 1;
	char *copy = malloc(size + 1);	/* the chunked parse runs in place, on its own copy */

	if (!copy)
		abort();
	memcpy(copy, data, size);

	for (size_t off = 0; off < size; off += step)
		status_feed_inplace(chunked, copy + off, size - off < step ? size - off : step);
	status_finish(chunked);
	if (walk(whole) != walk(chunked) || whole->n_conns != chunked->n_conns ||
	    whole->n_states != chunked->n_states || whole->parse_errors != chunked->parse_errors)
		abort();
	status_summary_free(whole);
	status_summary_free(chunked);
	free(copy);
	return 0;
}
