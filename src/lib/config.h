/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/log.h"

/*
 * The command line (the flags of the README and libreswan_exporter(8)): defaults, the
 * getopt_long table and validation. No I/O besides the error line on stderr.
 */

#define CONFIG_MAX_LISTEN 16
/* Upper bound of --web.max-connections and --web.max-connections-per-ip (libmicrohttpd takes an
 * unsigned int). */
#define CONFIG_MAX_WEB_CONNECTIONS 1000000

#ifndef KERNEL_HELPER_PATH
#define KERNEL_HELPER_PATH "/usr/libexec/libreswan_exporter/xfrm-helper"
#endif
#ifndef EVENTS_HELPER_PATH
#define EVENTS_HELPER_PATH "/usr/libexec/libreswan_exporter/plutolog-helper"
#endif

struct exporter_config {
	const char *listen[CONFIG_MAX_LISTEN];	/* "--web.listen-address", may repeat */
	size_t n_listen;
	const char *telemetry_path;
	const char *web_config_file;
	bool systemd_socket;
	const char *ipsec_command;
	const char *ctlsocket;
	uint64_t poll_interval_usec;
	uint64_t poll_timeout_usec;
	/* pluto's whole status at least this often; 0: every cycle */
	uint64_t poll_full_interval_usec;
	uint64_t max_output;
	enum log_level log_level;
	enum log_format log_format;
	bool once;
	const char *input_status;
	const char *input_trafficstatus;
	const char *input_globalstatus;
	/* opt-ins */
	bool per_instance;
	bool per_user;
	uint64_t max_users;
	bool per_sa;
	uint64_t max_sas;
	/* the certificates collector: certificates, CRLs and address pools */
	bool collector_certificates;
	uint64_t certificates_interval_usec;
	const char *input_listcerts;
	const char *input_listcacerts;
	const char *input_listcrls;
	const char *input_addresspoolstatus;
	/* the kernel collector */
	bool collector_kernel;
	const char *kernel_helper;
	const char *input_kernel;
	/* the events collector */
	bool collector_events;
	const char *events_helper;
	const char *events_log_file;	/* NULL: the journal */
	/* --input.events: a saved log, its every line counted each cycle */
	const char *input_events;
	/* HTTP limits */
	uint64_t web_max_connections;
	uint64_t web_max_connections_per_ip;
	uint64_t web_timeout_usec;
	uint64_t web_read_header_timeout_usec;
};

/* Fill in the flags' defaults. */
void config_init(struct exporter_config *c);

/*
 * Parse argv into c. Returns <0 on a bad flag (one line already printed on
 * stderr), 0 when the process should exit 0 (--help, --version printed),
 * >0 to continue.
 */
int config_parse_argv(struct exporter_config *c, int argc, char **argv);

/* True when any --input.* flag is given (no command is then run). */
bool config_uses_inputs(const struct exporter_config *c);

/*
 * The --input.NAME file of a command ("status", "trafficstatus", "globalstatus", "kernel",
 * "listcerts", "listcacerts", "listcrls", "addresspoolstatus"), or NULL.
 */
const char *config_input(const struct exporter_config *c, const char *command);

/* True when poll cycles read the kernel: the collector is on, or with --input.*, --input.kernel is
 * given. */
bool config_reads_kernel(const struct exporter_config *c);
