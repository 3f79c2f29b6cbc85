/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/util.h"

enum {
	OPT_LISTEN = 0x100,
	OPT_PATH,
	OPT_WEB_CONFIG,
	OPT_SYSTEMD_SOCKET,
	OPT_IPSEC_COMMAND,
	OPT_CTLSOCKET,
	OPT_POLL_INTERVAL,
	OPT_POLL_TIMEOUT,
	OPT_POLL_FULL_INTERVAL,
	OPT_MAX_OUTPUT,
	OPT_LOG_LEVEL,
	OPT_LOG_FORMAT,
	OPT_ONCE,
	OPT_INPUT_STATUS,
	OPT_INPUT_TRAFFIC,
	OPT_INPUT_GLOBAL,
	OPT_INSTANCES,
	OPT_USERS,
	OPT_MAX_USERS,
	OPT_SAS,
	OPT_MAX_SAS,
	OPT_WEB_MAX_CONN,
	OPT_WEB_MAX_CONN_PER_IP,
	OPT_WEB_TIMEOUT,
	OPT_COLLECTOR_KERNEL,
	OPT_NO_COLLECTOR_KERNEL,
	OPT_KERNEL_HELPER,
	OPT_INPUT_KERNEL,
	OPT_COLLECTOR_EVENTS,
	OPT_NO_COLLECTOR_EVENTS,
	OPT_EVENTS_HELPER,
	OPT_EVENTS_LOG_FILE,
	OPT_INPUT_EVENTS,
	OPT_WEB_HEADER_TIMEOUT,
	OPT_COLLECTOR_CERTS,
	OPT_NO_COLLECTOR_CERTS,
	OPT_CERTS_INTERVAL,
	OPT_INPUT_LISTCERTS,
	OPT_INPUT_LISTCACERTS,
	OPT_INPUT_LISTCRLS,
	OPT_INPUT_POOLS,
	OPT_VERSION,
	OPT_HELP,
};

static const struct option options[] = {
	{ "web.listen-address", required_argument, NULL, OPT_LISTEN },
	{ "web.telemetry-path", required_argument, NULL, OPT_PATH },
	{ "web.config.file", required_argument, NULL, OPT_WEB_CONFIG },
	{ "web.systemd-socket", no_argument, NULL, OPT_SYSTEMD_SOCKET },
	{ "web.max-connections", required_argument, NULL, OPT_WEB_MAX_CONN },
	{ "web.max-connections-per-ip", required_argument, NULL, OPT_WEB_MAX_CONN_PER_IP },
	{ "web.timeout", required_argument, NULL, OPT_WEB_TIMEOUT },
	{ "web.read-header-timeout", required_argument, NULL, OPT_WEB_HEADER_TIMEOUT },
	{ "ipsec.command", required_argument, NULL, OPT_IPSEC_COMMAND },
	{ "ipsec.ctlsocket", required_argument, NULL, OPT_CTLSOCKET },
	{ "poll.interval", required_argument, NULL, OPT_POLL_INTERVAL },
	{ "poll.full-interval", required_argument, NULL, OPT_POLL_FULL_INTERVAL },
	{ "poll.timeout", required_argument, NULL, OPT_POLL_TIMEOUT },
	{ "poll.max-output", required_argument, NULL, OPT_MAX_OUTPUT },
	{ "log.level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "log.format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "input.status", required_argument, NULL, OPT_INPUT_STATUS },
	{ "input.trafficstatus", required_argument, NULL, OPT_INPUT_TRAFFIC },
	{ "input.globalstatus", required_argument, NULL, OPT_INPUT_GLOBAL },
	{ "input.listcerts", required_argument, NULL, OPT_INPUT_LISTCERTS },
	{ "input.listcacerts", required_argument, NULL, OPT_INPUT_LISTCACERTS },
	{ "input.listcrls", required_argument, NULL, OPT_INPUT_LISTCRLS },
	{ "input.addresspoolstatus", required_argument, NULL, OPT_INPUT_POOLS },
	{ "collector.certificates", no_argument, NULL, OPT_COLLECTOR_CERTS },
	{ "no-collector.certificates", no_argument, NULL, OPT_NO_COLLECTOR_CERTS },
	{ "certificates.interval", required_argument, NULL, OPT_CERTS_INTERVAL },
	{ "metrics.instances", no_argument, NULL, OPT_INSTANCES },
	{ "metrics.users", no_argument, NULL, OPT_USERS },
	{ "metrics.max-users", required_argument, NULL, OPT_MAX_USERS },
	{ "metrics.sas", no_argument, NULL, OPT_SAS },
	{ "metrics.max-sas", required_argument, NULL, OPT_MAX_SAS },
	{ "collector.kernel", no_argument, NULL, OPT_COLLECTOR_KERNEL },
	{ "no-collector.kernel", no_argument, NULL, OPT_NO_COLLECTOR_KERNEL },
	{ "collector.kernel.helper", required_argument, NULL, OPT_KERNEL_HELPER },
	{ "input.kernel", required_argument, NULL, OPT_INPUT_KERNEL },
	{ "collector.events", no_argument, NULL, OPT_COLLECTOR_EVENTS },
	{ "no-collector.events", no_argument, NULL, OPT_NO_COLLECTOR_EVENTS },
	{ "collector.events.helper", required_argument, NULL, OPT_EVENTS_HELPER },
	{ "events.log-file", required_argument, NULL, OPT_EVENTS_LOG_FILE },
	{ "input.events", required_argument, NULL, OPT_INPUT_EVENTS },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{}
};

static const char usage[] =
	"Usage: libreswan_exporter [OPTION]...\n"
	"Prometheus exporter for Libreswan IPsec: polls pluto with `ipsec whack` and\n"
	"serves the result over HTTP.\n"
	"\n"
	"  --web.listen-address=ADDR     address:port to listen on (default :10500; may repeat)\n"
	"  --web.telemetry-path=PATH     path of the metrics page (default /metrics)\n"
	"  --web.config.file=FILE        TLS and basic-auth configuration (exporter-toolkit\n"
	"                                format)\n"
	"  --web.systemd-socket          use the listening socket passed by systemd\n"
	"  --web.max-connections=N       concurrent HTTP connections (default 256)\n"
	"  --web.max-connections-per-ip=N\n"
	"                                concurrent HTTP connections per client address\n"
	"                                (default 8)\n"
	"  --web.timeout=DURATION        idle HTTP connection timeout (default 30s)\n"
	"  --web.read-header-timeout=DURATION\n"
	"                                a request (headers and any body) must arrive in full\n"
	"                                within this, from the accept or the previous response\n"
	"                                (default 10s)\n"
	"  --ipsec.command=PATH          the ipsec front end (default ipsec)\n"
	"  --ipsec.ctlsocket=PATH        pluto control socket, passed to whack as --ctlsocket\n"
	"  --poll.interval=DURATION      time between poll cycles (default 10s)\n"
	"  --poll.timeout=DURATION       kill a whack command running longer (default 5s)\n"
	"  --poll.full-interval=DURATION read pluto's whole status (its connection list) at\n"
	"                                least this often; cycles between read only the states,\n"
	"                                counts and bytes, and the whole status when they show\n"
	"                                a change (default 5m; 0: every cycle)\n"
	"  --poll.max-output=SIZE        kill a whack command printing more (default 256MiB)\n"
	"  --log.level=LEVEL             debug, info, warn, error (default info)\n"
	"  --log.format=FORMAT           logfmt or json (default logfmt)\n"
	"  --once                        run one poll cycle, print the page to stdout, exit\n"
	"  --input.status=FILE           read `whack --status` output from FILE (- = stdin)\n"
	"  --input.trafficstatus=FILE    read `whack --trafficstatus` output from FILE\n"
	"  --input.globalstatus=FILE     read `whack --globalstatus` output from FILE\n"
	"  --metrics.instances           per-instance series for templates and groups\n"
	"  --metrics.users               per-user (XAUTH/IKEv2-CP) traffic series\n"
	"  --metrics.max-users=N         cap on user series (default 1000)\n"
	"  --metrics.sas                 per-SA series\n"
	"  --metrics.max-sas=N           cap on per-SA series (default 1000)\n"
	"  --[no-]collector.certificates read certificates, CRLs and address pools (default on)\n"
	"  --certificates.interval=DURATION\n"
	"                                time between those reads (default 5m)\n"
	"  --input.listcerts=FILE, --input.listcacerts=FILE, --input.listcrls=FILE,\n"
	"  --input.addresspoolstatus=FILE\n"
	"                                read that whack command's output from FILE\n"
	"  --[no-]collector.kernel       read the kernel's IPsec state (XFRM) every cycle\n"
	"                                (default on)\n"
	"  --collector.kernel.helper=PATH\n"
	"                                the helper that reads it (default\n"
	"                                " KERNEL_HELPER_PATH ")\n"
	"  --[no-]collector.events       follow pluto's log: why tunnels fail, how often they\n"
	"                                come up (default on)\n"
	"  --events.log-file=PATH        follow this file (pluto's logfile=) instead of the\n"
	"                                systemd journal\n"
	"  --collector.events.helper=PATH\n"
	"                                the helper that reads the log (default\n"
	"                                " EVENTS_HELPER_PATH ")\n"
	"  --input.kernel=FILE           read the kernel helper's output from FILE\n"
	"  --input.events=FILE           count the events of a saved pluto log (every cycle)\n"
	"  --version                     print the version and exit\n"
	"  -h, --help                    print this help and exit\n"
	"\n"
	"Durations as Prometheus writes them: 500ms, 10s, 1m30s, 2h, 1d.\n";

void config_init(struct exporter_config *c)
{
	*c = (struct exporter_config){
		.telemetry_path = "/metrics",
		.ipsec_command = "ipsec",
		.poll_interval_usec = 10 * UINT64_C(1000000),
		.poll_timeout_usec = 5 * UINT64_C(1000000),
		.poll_full_interval_usec = 300 * UINT64_C(1000000),
		.max_output = UINT64_C(256) << 20,
		.log_level = LOG_LEVEL_INFO,
		.log_format = LOG_FORMAT_LOGFMT,
		.max_users = 1000,
		.max_sas = 1000,
		.collector_certificates = true,
		.certificates_interval_usec = 300 * UINT64_C(1000000),
		.web_max_connections = 256,
		.web_max_connections_per_ip = 8,
		.web_timeout_usec = 30 * UINT64_C(1000000),
		.collector_kernel = true,
		.kernel_helper = KERNEL_HELPER_PATH,
		.collector_events = true,
		.events_helper = EVENTS_HELPER_PATH,
		.web_read_header_timeout_usec = 10 * UINT64_C(1000000),
	};
}

const char *config_input(const struct exporter_config *c, const char *command)
{
	if (streq(command, "listcerts"))
		return c->input_listcerts;
	if (streq(command, "listcacerts"))
		return c->input_listcacerts;
	if (streq(command, "listcrls"))
		return c->input_listcrls;
	if (streq(command, "addresspoolstatus"))
		return c->input_addresspoolstatus;
	if (streq(command, "status"))
		return c->input_status;
	if (streq(command, "trafficstatus"))
		return c->input_trafficstatus;
	if (streq(command, "globalstatus"))
		return c->input_globalstatus;
	if (streq(command, "kernel"))
		return c->input_kernel;
	if (streq(command, "events"))
		return c->input_events;
	return NULL;
}

bool config_uses_inputs(const struct exporter_config *c)
{
	return c->input_status || c->input_trafficstatus || c->input_globalstatus ||
	       c->input_kernel || c->input_events || c->input_listcerts || c->input_listcacerts ||
	       c->input_listcrls || c->input_addresspoolstatus;
}

bool config_reads_kernel(const struct exporter_config *c)
{
	return config_uses_inputs(c) ? c->input_kernel != NULL : c->collector_kernel;
}

static int bad(const char *flag, const char *value, const char *why)
{
	if (value)
		fprintf(stderr, "libreswan_exporter: invalid value \"%s\" for --%s: %s\n", value,
			flag, why);
	else
		fprintf(stderr, "libreswan_exporter: --%s: %s\n", flag, why);
	return -EINVAL;
}

static int parse_count(const char *flag, const char *v, uint64_t min, uint64_t max, uint64_t *ret)
{
	char why[80];
	uint64_t n;

	if (safe_atou64(v, &n) < 0 || n < min || n > max) {
		if (max == UINT64_MAX)
			(void)snprintf(why, sizeof(why),
				       "expected a whole number of at least %" PRIu64, min);
		else
			(void)snprintf(why, sizeof(why),
				       "expected a whole number from %" PRIu64 " to %" PRIu64, min,
				       max);
		return bad(flag, v, why);
	}
	*ret = n;
	return 0;
}

static int parse_duration_flag(const char *flag, const char *v, uint64_t *ret)
{
	uint64_t usec;

	if (parse_duration_usec(v, &usec) < 0)
		return bad(flag, v, "expected a duration such as 500ms, 10s, 1m30s or 2h");
	if (usec < 1000)
		return bad(flag, v, "must be at least 1ms");
	*ret = usec;
	return 0;
}

/* Return the long name of the option that getopt just rejected, for the message. */
static const char *rejected_flag(char **argv)
{
	const char *a = argv[optind - 1];

	return a ? a : "?";
}

int config_parse_argv(struct exporter_config *c, int argc, char **argv)
{
	int opt, r;
	uint64_t u;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		const char *flag = options[0].name;

		for (size_t i = 0; options[i].name; i++)
			if (options[i].val == opt)
				flag = options[i].name;

		switch (opt) {
		case OPT_LISTEN: {
			char *host;
			uint16_t port;

			if (parse_host_port(optarg, &host, &port) < 0)
				return bad(flag, optarg, "expected [host]:port with port 0-65535");
			free(host);
			if (c->n_listen == CONFIG_MAX_LISTEN)
				return bad(flag, optarg, "too many listen addresses");
			c->listen[c->n_listen++] = optarg;
			break;
		}
		case OPT_PATH:
			if (optarg[0] != '/')
				return bad(flag, optarg, "must start with /");
			c->telemetry_path = optarg;
			break;
		case OPT_WEB_CONFIG:
			c->web_config_file = optarg;
			break;
		case OPT_SYSTEMD_SOCKET:
			c->systemd_socket = true;
			break;
		case OPT_WEB_MAX_CONN:
			r = parse_count(flag, optarg, 1, CONFIG_MAX_WEB_CONNECTIONS,
					&c->web_max_connections);
			if (r < 0)
				return r;
			break;
		case OPT_WEB_MAX_CONN_PER_IP:
			r = parse_count(flag, optarg, 1, CONFIG_MAX_WEB_CONNECTIONS,
					&c->web_max_connections_per_ip);
			if (r < 0)
				return r;
			break;
		case OPT_WEB_TIMEOUT:
			r = parse_duration_flag(flag, optarg, &c->web_timeout_usec);
			if (r < 0)
				return r;
			break;
		case OPT_WEB_HEADER_TIMEOUT:
			r = parse_duration_flag(flag, optarg, &c->web_read_header_timeout_usec);
			if (r < 0)
				return r;
			break;
		case OPT_IPSEC_COMMAND:
			if (!optarg[0])
				return bad(flag, optarg, "must not be empty");
			c->ipsec_command = optarg;
			break;
		case OPT_CTLSOCKET:
			if (!optarg[0])
				return bad(flag, optarg, "must not be empty");
			c->ctlsocket = optarg;
			break;
		case OPT_POLL_INTERVAL:
			r = parse_duration_flag(flag, optarg, &c->poll_interval_usec);
			if (r < 0)
				return r;
			break;
		case OPT_POLL_TIMEOUT:
			r = parse_duration_flag(flag, optarg, &c->poll_timeout_usec);
			if (r < 0)
				return r;
			break;
		case OPT_POLL_FULL_INTERVAL:
			/* 0 (or 0s): the whole status every cycle */
			if (streq(optarg, "0") ||
			    (parse_duration_usec(optarg, &u) == 0 && u == 0)) {
				c->poll_full_interval_usec = 0;
				break;
			}
			r = parse_duration_flag(flag, optarg, &c->poll_full_interval_usec);
			if (r < 0)
				return r;
			break;
		case OPT_MAX_OUTPUT:
			if (parse_size(optarg, &c->max_output) < 0 || c->max_output == 0)
				return bad(flag, optarg,
					   "expected a size such as 64MiB or 1000000");
			break;
		case OPT_LOG_LEVEL:
			if (log_level_from_string(optarg, &c->log_level) < 0)
				return bad(flag, optarg, "expected debug, info, warn or error");
			break;
		case OPT_LOG_FORMAT:
			if (log_format_from_string(optarg, &c->log_format) < 0)
				return bad(flag, optarg, "expected logfmt or json");
			break;
		case OPT_ONCE:
			c->once = true;
			break;
		case OPT_INPUT_STATUS:
			c->input_status = optarg;
			break;
		case OPT_INPUT_TRAFFIC:
			c->input_trafficstatus = optarg;
			break;
		case OPT_INPUT_GLOBAL:
			c->input_globalstatus = optarg;
			break;
		case OPT_INSTANCES:
			c->per_instance = true;
			break;
		case OPT_USERS:
			c->per_user = true;
			break;
		case OPT_MAX_USERS:
			r = parse_count(flag, optarg, 1, UINT64_MAX, &c->max_users);
			if (r < 0)
				return r;
			break;
		case OPT_SAS:
			c->per_sa = true;
			break;
		case OPT_MAX_SAS:
			r = parse_count(flag, optarg, 1, UINT64_MAX, &c->max_sas);
			if (r < 0)
				return r;
			break;
		case OPT_COLLECTOR_CERTS:
			c->collector_certificates = true;
			break;
		case OPT_NO_COLLECTOR_CERTS:
			c->collector_certificates = false;
			break;
		case OPT_CERTS_INTERVAL:
			r = parse_duration_flag(flag, optarg, &c->certificates_interval_usec);
			if (r < 0)
				return r;
			break;
		case OPT_INPUT_LISTCERTS:
			c->input_listcerts = optarg;
			break;
		case OPT_INPUT_LISTCACERTS:
			c->input_listcacerts = optarg;
			break;
		case OPT_INPUT_LISTCRLS:
			c->input_listcrls = optarg;
			break;
		case OPT_INPUT_POOLS:
			c->input_addresspoolstatus = optarg;
			break;
		case OPT_COLLECTOR_KERNEL:
			c->collector_kernel = true;
			break;
		case OPT_NO_COLLECTOR_KERNEL:
			c->collector_kernel = false;
			break;
		case OPT_COLLECTOR_EVENTS:
			c->collector_events = true;
			break;
		case OPT_NO_COLLECTOR_EVENTS:
			c->collector_events = false;
			break;
		case OPT_EVENTS_HELPER:
			c->events_helper = optarg;
			break;
		case OPT_INPUT_EVENTS:
			c->input_events = optarg;
			break;
		case OPT_EVENTS_LOG_FILE:
			if (!optarg[0])
				return bad(flag, optarg, "expected a file name");
			c->events_log_file = optarg;
			break;
		case OPT_KERNEL_HELPER:
			if (!optarg[0])
				return bad(flag, optarg, "must not be empty");
			c->kernel_helper = optarg;
			break;
		case OPT_INPUT_KERNEL:
			c->input_kernel = optarg;
			break;
		case OPT_VERSION:
			printf("libreswan_exporter %s (revision %s)\n", PACKAGE_VERSION, REVISION);
			return 0;
		case 'h':
		case OPT_HELP:
			fputs(usage, stdout);
			return 0;
		case ':':
			fprintf(stderr, "libreswan_exporter: %s: missing value\n",
				rejected_flag(argv));
			return -EINVAL;
		default:
			fprintf(stderr, "libreswan_exporter: unknown flag %s (see --help)\n",
				rejected_flag(argv));
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "libreswan_exporter: unexpected argument \"%s\" (see --help)\n",
			argv[optind]);
		return -EINVAL;
	}
	if (c->poll_timeout_usec >= c->poll_interval_usec * 10 && !c->once)
		return bad("poll.timeout", NULL, "must be shorter than ten poll intervals");
	if (c->n_listen == 0)
		c->listen[c->n_listen++] = ":10500";
	const char *inputs[] = { c->input_status,	    c->input_trafficstatus,
				 c->input_globalstatus,	    c->input_kernel,
				 c->input_events,	    c->input_listcerts,
				 c->input_listcacerts,	    c->input_listcrls,
				 c->input_addresspoolstatus };
	static const char *const names[] = { "input.status",	       "input.trafficstatus",
					     "input.globalstatus",     "input.kernel",
					     "input.events",	       "input.listcerts",
					     "input.listcacerts",      "input.listcrls",
					     "input.addresspoolstatus" };

	for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
		if (!inputs[i])
			continue;
		if (streq(inputs[i], "-")) {
			if (!c->once)
				return bad(names[i], inputs[i],
					   "stdin can only be read with --once");
			continue;
		}
		/* a saved output that is not there is a mistyped path, not a pluto that said
		 * nothing */
		if (access(inputs[i], R_OK) < 0)
			return bad(names[i], inputs[i], strerror(errno));
	}
	return 1;
}
