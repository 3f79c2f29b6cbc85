/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Fuzz target for parse_kernel (the kernel helper's output): any bytes, parsed
 * whole and in chunks whose sizes come from the input itself; every field of
 * the result is read. The two parses must agree, and a snapshot that calls
 * itself complete must hold exactly the records its end line announced.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse_kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t walk(const struct kernel_snapshot *k)
{
	uint64_t n = k->sad_count + k->n_stats + k->stat_absent + k->complete;

	for (size_t i = 0; i < k->n_sas; i++) {
		const struct kernel_sa *sa = &k->sas[i];

		n += sa->id.spi + sa->id.proto + sa->id.family + sa->id.addr[15] + sa->reqid + sa->keyed + sa->bytes +
		     sa->packets + sa->add_time;
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			n += sa->errors[e];
	}
	for (size_t i = 0; i < k->n_policies; i++) {
		n += k->policies[i].dir + k->policies[i].n_reqids;
		for (unsigned t = 0; t < k->policies[i].n_reqids; t++)
			n += k->policies[i].reqids[t];
	}
	for (size_t i = 0; i < k->n_stats; i++)
		n += strlen(k->stats[i].name) + k->stats[i].value;
	for (size_t d = 0; d < _KERNEL_DIR_MAX; d++)
		n += k->spd_counts[d];
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct kernel_snapshot *whole = kernel_parse(text, size);
	struct kernel_snapshot *chunked = kernel_snapshot_new();
	size_t step = size > 0 ? 1 + data[0] % 61 : 1;
	char *copy = malloc(size + 1);	/* the chunked parse runs in place, on its own copy */

	if (!copy)
		abort();
	memcpy(copy, data, size);

	for (size_t off = 0; off < size; off += step)
		kernel_feed_inplace(chunked, copy + off, size - off < step ? size - off : step);
	kernel_finish(chunked);
	if (walk(whole) != walk(chunked) || whole->n_sas != chunked->n_sas ||
	    whole->parse_errors != chunked->parse_errors || whole->complete != chunked->complete)
		abort();
	if (whole->complete && !whole->header_ok)
		abort();
	kernel_snapshot_free(whole);
	kernel_snapshot_free(chunked);
	free(copy);
	return 0;
}
