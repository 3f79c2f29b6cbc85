/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Fuzz target for parse_global: any bytes, parsed whole and, in place on a copy, in chunks whose
 * sizes come from the input itself; every key is read and looked up again.
 * The two parses must agree.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse_global.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct global_list *whole = global_parse(text, size);
	struct global_list *chunked = global_list_new();
	size_t step = size > 0 ? 1 + data[0] % 61 : 1;
	char *copy = malloc(size + 1);	/* the chunked parse runs in place, on its own copy */

	if (!copy)
		abort();
	memcpy(copy, data, size);
	uint64_t v;

	for (size_t off = 0; off < size; off += step)
		global_feed_inplace(chunked, copy + off, size - off < step ? size - off : step);
	global_finish(chunked);
	if (whole->n_entries != chunked->n_entries || whole->parse_errors != chunked->parse_errors)
		abort();
	for (size_t i = 0; i < whole->n_entries && i < 64; i++)
		if (!global_list_get(whole, whole->entries[i].key, &v) ||
		    strcmp(whole->entries[i].key, chunked->entries[i].key) != 0)
			abort();
	global_list_free(whole);
	global_list_free(chunked);
	free(copy);
	return 0;
}
