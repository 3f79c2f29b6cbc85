/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Enum-to-string lookups from a table of designated initialisers, one entry per value below
 * the enum's _MAX:
 *
 *   static const char *const pluto_event_sa_table[_PLUTO_SA_MAX] = {
 *           [PLUTO_SA_IKE] = "ike",
 *           [PLUTO_SA_CHILD] = "child",
 *   };
 *   DEFINE_STRING_TABLE_LOOKUP_TO_STRING(pluto_event_sa, enum pluto_event_sa, _PLUTO_SA_MAX)
 *
 * defines pluto_event_sa_to_string(): NULL for a value outside the table or left out of it.
 */
#pragma once

#include <assert.h>
#include <stddef.h>

#include "lib/util.h"

#define DEFINE_STRING_TABLE_LOOKUP_TO_STRING(name, type, max)                                      \
	static_assert(ELEMENTSOF(name##_table) == (size_t)(max),                                   \
		      #name "_table has a slot per value");                                        \
	const char *name##_to_string(type i)                                                       \
	{                                                                                          \
		if ((size_t)i >= ELEMENTSOF(name##_table))                                         \
			return NULL;                                                               \
		return name##_table[i];                                                            \
	}
