/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * The pluto log helper's wire contract: what plutolog-helper (src/plutolog/helper.c) prints, and
 * what the events source (src/sources/events.c) reads. Both sides include this header and nothing
 * else of each other.
 *
 * The helper follows pluto's log from its end for as long as it runs: by default pluto's entries
 * in the systemd journal (SYSLOG_IDENTIFIER=pluto from a process named pluto), with --file PATH a
 * plain log file (pluto's logfile=), across rotation and truncation. One record per line:
 *   plutolog-helper 1                  first
 *   following journal | following file PATH
 *                                      the source is open; what follows is new
 *   waiting REASON                     the source is not there (yet): the helper keeps trying
 *   m USEC TEXT                        one message of pluto's: USEC the microseconds since the
 *                                      epoch it was logged at (the journal's) or read at (a
 *                                      file's), TEXT the message as pluto wrote it (a file's line
 *                                      with its time stamp prefix), control characters replaced
 *                                      by spaces, cut to PLUTOLOG_MESSAGE_MAX bytes
 * Other services' entries never pass: the journal is matched on the helper's side.
 */

#define PLUTOLOG_HELPER_PROTOCOL 1
#define PLUTOLOG_HELPER_HEADER "plutolog-helper 1"

/* Longest message passed on (pluto itself cuts its lines at 1 KiB). */
#define PLUTOLOG_MESSAGE_MAX 2048

/* Exit status: 0 stopped (SIGTERM); 3 not permitted to read the source; 1 any other failure
 * (reason on stderr); 2 usage. */
#define PLUTOLOG_HELPER_EXIT_NOT_PERMITTED 3
#define PLUTOLOG_HELPER_EXIT_USAGE 2
