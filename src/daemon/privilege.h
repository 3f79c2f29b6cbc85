/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * Least privilege: see privilege.c. The process that parses HTTP and whack
 * output keeps no capability in its effective set.
 */

/* Who a child process is: each gets exactly the capability it needs, and only it. */
enum privilege_child {
	PRIVILEGE_CHILD_NONE,
	PRIVILEGE_CHILD_WHACK,	/* CAP_DAC_OVERRIDE: open pluto's root-only control socket */
	PRIVILEGE_CHILD_KERNEL, /* CAP_NET_ADMIN: XFRM netlink requests */
	PRIVILEGE_CHILD_LOG,	/* CAP_DAC_READ_SEARCH: read pluto's log (the journal's files, a
				   logfile) */
};

/* Drop what the daemon does not need before it serves anything. 0 or -errno (logged). */
int privilege_drop(void);

/*
 * Make the ambient set hold the capability of the next child to be spawned
 * (NONE clears it): ambient capabilities become effective in a child after
 * execve(). A capability the process does not hold is silently not raised.
 * Never logs; cheap (prctl calls only).
 */
void privilege_ambient(enum privilege_child who);
