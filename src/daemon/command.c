/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/command.h"
#include "daemon/spawn.h"
#include "lib/util.h"
#include "xfrm/protocol.h"

char **command_env_new(void)
{
	static const char *const drop[] = { "NOTIFY_SOCKET=",  "WATCHDOG_", "LISTEN_",
					    "JOURNAL_STREAM=", "LC_ALL=",   "LANG=" };
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		bool skip = false;

		for (size_t d = 0; d < ELEMENTSOF(drop); d++)
			if (startswith(environ[i], drop[d]))
				skip = true;
		if (!skip)
			env[k++] = xstrdup(environ[i]);
	}
	env[k++] = xstrdup("LC_ALL=C");
	env[k] = NULL;
	return env;
}

char **command_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
	return NULL;
}

/* What every child's end tells alike; POLL_REASON_EXIT_STATUS for any other failure. */
static enum poll_reason classify_common(const struct spawn_result *r)
{
	if (r->spawn_error)
		return POLL_REASON_SPAWN_FAILED;
	if (r->too_large)
		return POLL_REASON_OUTPUT_TOO_LARGE;
	if (r->timed_out)
		return POLL_REASON_TIMEOUT;
	if (r->exited && r->exit_status == 0)
		return POLL_REASON_NONE;
	return POLL_REASON_EXIT_STATUS;
}

enum poll_reason poll_classify(const struct spawn_result *r)
{
	const char *e = r->err_text ? r->err_text : "";
	enum poll_reason reason = classify_common(r);

	if (reason != POLL_REASON_EXIT_STATUS)
		return reason;
	/*
	 * whack's own words (3.x/4.x: `whack: Pluto is not running (no "/run/pluto/pluto.ctl")`,
	 * 5.x: `ipsec whack: ERROR: Pluto is not running (...)`). A socket left behind by a
	 * killed pluto refuses connections: nothing is running there either.
	 */
	if (strstr(e, "not running") || strstr(e, "No such file") ||
	    strstr(e, "Connection refused"))
		return POLL_REASON_NOT_RUNNING;
	/* 4.x checks access(2) first: "whack: no right to communicate with pluto (access(...))" */
	if (strstr(e, "Permission denied") || strstr(e, "Operation not permitted") ||
	    strstr(e, "no right to"))
		return POLL_REASON_PERMISSION;
	if (strstr(e, "connect"))
		return POLL_REASON_CONNECT_FAILED;
	return POLL_REASON_EXIT_STATUS;
}

enum poll_reason poll_classify_kernel(const struct spawn_result *r)
{
	enum poll_reason reason = classify_common(r);

	if (reason == POLL_REASON_EXIT_STATUS && r->exited &&
	    r->exit_status == XFRM_HELPER_EXIT_NOT_PERMITTED)
		return POLL_REASON_PERMISSION;
	return reason;
}
