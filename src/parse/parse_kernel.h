/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/parser.h"
#include "parse/sa_id.h"

/*
 * Pure parser for the output of the kernel helper (src/xfrm/helper.c; the
 * protocol is src/xfrm/protocol.h): the kernel's SAs and policies, the SAD and
 * SPD counts and the /proc/net/xfrm_stat rows. Fed as the bytes arrive, like
 * the whack parsers; no I/O, no logging. Only what the exporter uses is kept.
 */

struct arena;

#define KERNEL_POLICY_MAX_TMPL 4	/* templates kept per policy (AH+ESP+IPComp+spare) */

enum kernel_error {
	KERNEL_ERROR_REPLAY_WINDOW,	/* outside the replay window */
	KERNEL_ERROR_REPLAY,		/* replayed packets */
	KERNEL_ERROR_INTEGRITY,		/* integrity (ICV) check failures */
	_KERNEL_ERROR_MAX,
};

enum kernel_dir {
	KERNEL_DIR_IN,
	KERNEL_DIR_OUT,
	KERNEL_DIR_FWD,
	_KERNEL_DIR_MAX,
};

struct kernel_sa {
	struct sa_id id;
	uint32_t reqid;
	bool keyed;		/* has algorithms; false for a larval SA */
	uint64_t bytes;
	uint64_t packets;
	uint64_t add_time;	/* Unix seconds the kernel SA was added */
	uint64_t errors[_KERNEL_ERROR_MAX];
};

struct kernel_policy {
	enum kernel_dir dir;
	unsigned n_reqids;
	uint32_t reqids[KERNEL_POLICY_MAX_TMPL];	/* of its templates, in order */
};

struct kernel_stat {
	char *name;		/* "XfrmInNoStates" */
	uint64_t value;
};

struct kernel_snapshot {
	struct kernel_sa *sas;
	size_t n_sas;
	size_t alloc_sas;
	struct kernel_policy *policies;		/* socket policies are not kept */
	size_t n_policies;
	size_t alloc_policies;
	struct kernel_stat *stats;
	size_t n_stats;
	size_t alloc_stats;

	bool has_sad_count;
	uint64_t sad_count;			/* "sadinfo count=" */
	bool has_spd_counts;
	uint64_t spd_counts[_KERNEL_DIR_MAX];	/* "spdinfo in= out= fwd=" */
	bool stat_absent;			/* no /proc/net/xfrm_stat on this kernel */

	bool header_ok;				/* "xfrm-helper 1" came first */
	bool complete;				/* "end" seen and its counts match what was read */
	uint64_t lines;
	uint64_t parse_errors;			/* lines not recognised (counted, skipped) */

	/* private parser state */
	uint64_t sa_lines;
	uint64_t policy_lines;
	struct parser parser; /* takes the output: parser_feed(), parser_finish() */
};

/* An empty snapshot (aborts on OOM). */
struct kernel_snapshot *kernel_snapshot_new(void);

/* Free; NULL is a no-op; returns NULL. */
struct kernel_snapshot *kernel_snapshot_free(struct kernel_snapshot *k);

/* Empty it for the next output, keeping its memory for reuse. */
void kernel_snapshot_reset(struct kernel_snapshot *k);

/* Convenience: parse a whole buffer. */
struct kernel_snapshot *kernel_parse(const char *text, size_t len);

/* Label value of an error reason ("replay_window", "replay", "integrity"). */
const char *kernel_error_to_string(enum kernel_error e);

/* Label value of a policy direction ("in", "out", "fwd"). */
const char *kernel_dir_to_string(enum kernel_dir d);
