/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

/*
 * Least privilege (doc/privilege.md).
 *
 * Three children need a capability, and nothing else does:
 *  - whack opens pluto's control socket, `srwx------ root`: connecting needs
 *    uid 0 or CAP_DAC_OVERRIDE, and whoever connects controls pluto;
 *  - the kernel helper (xfrm-helper) sends XFRM netlink requests, which need
 *    CAP_NET_ADMIN (dumps included);
 *  - the log helper (plutolog-helper) reads pluto's log: the journal's files
 *    (group systemd-journal, which would show every service's logs) or a
 *    root-owned logfile, which needs CAP_DAC_READ_SEARCH.
 * The shipped unit runs the daemon as an unprivileged user with the three in its
 * ambient set. privilege_drop() then empties the effective set, keeps them
 * in the permitted and inheritable sets only, and clears the ambient set, so
 * the process that parses HTTP and child output acts with no capability at
 * all. Before each spawn privilege_ambient() raises the one ambient capability
 * that child needs: it survives execve() and becomes effective there (ipsec is
 * a shell script that execs whack: the ambient set survives both execs, as
 * neither file is setuid or carries file caps). So whack never holds
 * CAP_NET_ADMIN, and each helper holds its own capability alone.
 *
 * whack itself first calls access(2) on the socket, and access() drops the
 * effective capabilities of a non-root caller unless SECBIT_NO_SETUID_FIXUP is
 * set: the unit sets SecureBits=no-setuid-fixup, and we warn when it is missing.
 *
 * Run by hand as root, the same reduction applies: the bounding set shrinks to
 * the three capabilities, SECBIT_NOROOT is set so that an exec'd child of uid 0
 * gets its ambient capability and nothing more, and no_new_privs is set. Uid 0
 * still owns root's files; the log line says so.
 *
 * Raw capget/capset/prctl keep libcap out of the dependencies.
 */

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/log.h"
#include "daemon/privilege.h"
#include "lib/util.h"

/* The capabilities the children need (see above); nothing else is kept. */
#define CAP_WHACK CAP_DAC_OVERRIDE
#define CAP_KERNEL CAP_NET_ADMIN
#define CAP_LOG CAP_DAC_READ_SEARCH
#define CAP_BIT(c) (UINT64_C(1) << (c))
#define KEEP_CAPS (CAP_BIT(CAP_WHACK) | CAP_BIT(CAP_KERNEL) | CAP_BIT(CAP_LOG))

/* Highest capability number the running kernel knows; the bounding set loop stops there. */
#define CAP_SCAN_MAX 63

static bool cap_in(const struct __user_cap_data_struct d[2], unsigned int cap, bool effective)
{
	uint32_t set = effective ? d[CAP_TO_INDEX(cap)].effective : d[CAP_TO_INDEX(cap)].permitted;

	return set & CAP_TO_MASK(cap);
}

static int caps_get(struct __user_cap_data_struct ret[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

	if (syscall(SYS_capget, &hdr, ret) < 0)
		return -errno;
	return 0;
}

/* Permitted and inheritable = keep (a mask of capability bits); effective always empty. */
static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	for (unsigned int cap = 0; cap <= CAP_SCAN_MAX; cap++)
		if (keep & CAP_BIT(cap)) {
			d[CAP_TO_INDEX(cap)].permitted |= CAP_TO_MASK(cap);
			d[CAP_TO_INDEX(cap)].inheritable |= CAP_TO_MASK(cap);
		}
	if (syscall(SYS_capset, &hdr, d) < 0)
		return -errno;
	return 0;
}

/* Drop every capability but KEEP_CAPS from the bounding set (needs CAP_SETPCAP). */
static int bounding_shrink(void)
{
	for (unsigned int cap = 0; cap <= CAP_SCAN_MAX; cap++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0UL, 0UL, 0UL);

		if (r < 0)
			break;	/* beyond the kernel's last capability */
		if (r == 0 || (KEEP_CAPS & CAP_BIT(cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0UL, 0UL, 0UL) < 0)
			return -errno;
	}
	return 0;
}

/* What the kept capabilities are for, and what goes without, for the log line. */
static const char *held_names(uint64_t keep, char *buf, size_t size)
{
	static const struct {
		unsigned int cap;
		const char *held, *missing;
	} caps[] = {
		{ CAP_WHACK, "CAP_DAC_OVERRIDE for whack", "no CAP_DAC_OVERRIDE for whack" },
		{ CAP_KERNEL, "CAP_NET_ADMIN for the kernel helper",
		  "no CAP_NET_ADMIN: the kernel collector will be refused" },
		{ CAP_LOG, "CAP_DAC_READ_SEARCH for the log helper",
		  "no CAP_DAC_READ_SEARCH: the events collector reads only what this user may" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(caps); i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				 keep & CAP_BIT(caps[i].cap) ? caps[i].held : caps[i].missing);

		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

int privilege_drop(void)
{
	struct __user_cap_data_struct d[2];
	char names[256];
	bool shrunk = false, noroot = false;
	uint64_t keep = 0;
	uid_t uid = geteuid();
	int r;

	r = caps_get(d);
	if (r < 0)
		return log_error_errno(r, "Failed to read the process capabilities: %m");
	if (cap_in(d, CAP_WHACK, false))
		keep |= CAP_BIT(CAP_WHACK);
	if (cap_in(d, CAP_KERNEL, false))
		keep |= CAP_BIT(CAP_KERNEL);
	if (cap_in(d, CAP_LOG, false))
		keep |= CAP_BIT(CAP_LOG);

	/* While CAP_SETPCAP is still effective: nothing exec'd later may regain more. */
	if (cap_in(d, CAP_SETPCAP, true)) {
		r = bounding_shrink();
		if (r < 0)
			return log_error_errno(r,
					       "Failed to shrink the capability bounding set: %m");
		shrunk = true;
		/* uid 0's children would get the whole bounding set at exec: only their ambient one
		 * instead */
		if (uid == 0) {
			r = prctl(PR_GET_SECUREBITS, 0UL, 0UL, 0UL, 0UL);
			if (r >= 0 && prctl(PR_SET_SECUREBITS,
					    (unsigned long)r | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
					    0UL, 0UL, 0UL) == 0)
				noroot = true;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) < 0)
		return log_error_errno(errno, "Failed to set no_new_privs: %m");

	r = caps_set(keep);
	if (r < 0)
		return log_error_errno(r, "Failed to drop capabilities: %m");
	/* Raised per child by privilege_ambient(). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) < 0)
		return log_error_errno(errno, "Failed to clear the ambient capabilities: %m");

	/* Without the securebit, whack's access() check refuses the socket (see above). */
	if ((keep & CAP_BIT(CAP_WHACK)) && uid != 0) {
		r = prctl(PR_GET_SECUREBITS, 0UL, 0UL, 0UL, 0UL);
		if (r >= 0 && !(r & SECBIT_NO_SETUID_FIXUP))
			log_warn("SECBIT_NO_SETUID_FIXUP is not set: whack's access() check will "
				 "ignore "
				 "CAP_DAC_OVERRIDE and refuse pluto's socket "
				 "(SecureBits=no-setuid-fixup in the "
				 "unit), ignoring");
	}

	if (uid == 0 && keep)
		log_info("running as root: no effective capabilities; each child gets its own: "
			 "%s%s%s; "
			 "uid 0 still owns root's files, the shipped unit runs as an unprivileged "
			 "user",
			 held_names(keep, names, sizeof(names)),
			 shrunk ? "; bounding set reduced to them"
				: " (bounding set unchanged: no CAP_SETPCAP)",
			 noroot ? ", SECBIT_NOROOT set" : "");
	else if (keep)
		log_info(
			"running as uid %u: no effective capabilities; each child gets its own: %s",
			(unsigned int)uid, held_names(keep, names, sizeof(names)));
	else
		log_info("running as uid %u without capabilities: whack reaches pluto only if this "
			 "user may "
			 "open its control socket, and the kernel collector is refused",
			 (unsigned int)uid);
	return 0;
}

void privilege_ambient(enum privilege_child who)
{
	unsigned long cap = 0;

	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL);
	switch (who) {
	case PRIVILEGE_CHILD_NONE:
		return;
	case PRIVILEGE_CHILD_WHACK:
		cap = CAP_WHACK;
		break;
	case PRIVILEGE_CHILD_KERNEL:
		cap = CAP_KERNEL;
		break;
	case PRIVILEGE_CHILD_LOG:
		cap = CAP_LOG;
		break;
	}
	/* EPERM when the process does not hold it (run unprivileged, or --once): the child goes
	 * without. */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0UL, 0UL);
}
