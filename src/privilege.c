/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

/*
 * Least privilege (doc/privilege.md).
 *
 * Pluto's control socket is `srwx------ root`: connecting to it needs uid 0 or
 * CAP_DAC_OVERRIDE, and whoever connects controls pluto. The shipped unit runs
 * the daemon as an unprivileged user with CAP_DAC_OVERRIDE in the ambient set.
 * privilege_drop() then empties the effective set and everything else, so the
 * process that parses HTTP and whack output acts with no capability at all;
 * the ambient CAP_DAC_OVERRIDE survives execve() and becomes effective in the
 * whack children only (ipsec is a shell script that execs whack: the ambient
 * set survives both execs, as neither file is setuid or carries file caps).
 *
 * whack itself first calls access(2) on the socket, and access() drops the
 * effective capabilities of a non-root caller unless SECBIT_NO_SETUID_FIXUP is
 * set: the unit sets SecureBits=no-setuid-fixup, and we warn when it is missing.
 *
 * Run by hand as root, the same reduction applies: the bounding set shrinks to
 * CAP_DAC_OVERRIDE (so an exec'd program cannot get more back from uid 0) and
 * no_new_privs is set. Uid 0 still owns root's files; the log line says so.
 *
 * Raw capget/capset/prctl keep libcap out of the dependencies.
 */

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "privilege.h"

/* The one capability the whack children need: open pluto.ctl despite its 0700 mode. */
#define KEEP_CAP CAP_DAC_OVERRIDE

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

/* Permitted and inheritable = {KEEP_CAP} if keep, else empty; effective always empty. */
static int caps_set(bool keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (keep) {
		d[CAP_TO_INDEX(KEEP_CAP)].permitted = CAP_TO_MASK(KEEP_CAP);
		d[CAP_TO_INDEX(KEEP_CAP)].inheritable = CAP_TO_MASK(KEEP_CAP);
	}
	if (syscall(SYS_capset, &hdr, d) < 0)
		return -errno;
	return 0;
}

/* Drop every capability but KEEP_CAP from the bounding set (needs CAP_SETPCAP). */
static int bounding_shrink(void)
{
	for (unsigned int cap = 0; cap <= CAP_SCAN_MAX; cap++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0UL, 0UL, 0UL);

		if (r < 0)
			break;	/* beyond the kernel's last capability */
		if (r == 0 || cap == KEEP_CAP)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0UL, 0UL, 0UL) < 0)
			return -errno;
	}
	return 0;
}

int privilege_drop(void)
{
	struct __user_cap_data_struct d[2];
	bool keep, shrunk = false;
	uid_t uid = geteuid();
	int r;

	r = caps_get(d);
	if (r < 0)
		return log_error_errno(r, "Failed to read the process capabilities: %m");
	keep = cap_in(d, KEEP_CAP, false);

	/* While CAP_SETPCAP is still effective: nothing exec'd later may regain more. */
	if (cap_in(d, CAP_SETPCAP, true)) {
		r = bounding_shrink();
		if (r < 0)
			return log_error_errno(r, "Failed to shrink the capability bounding set: %m");
		shrunk = true;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) < 0)
		return log_error_errno(errno, "Failed to set no_new_privs: %m");

	r = caps_set(keep);
	if (r < 0)
		return log_error_errno(r, "Failed to drop capabilities: %m");

	/* Ambient needs the bit in permitted and inheritable, which caps_set() just left. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL) < 0)
		return log_error_errno(errno, "Failed to clear the ambient capabilities: %m");
	if (keep && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)KEEP_CAP, 0UL, 0UL) < 0)
		return log_error_errno(errno, "Failed to make CAP_DAC_OVERRIDE ambient: %m");

	/* Without the securebit, whack's access() check refuses the socket (see above). */
	if (keep && uid != 0) {
		r = prctl(PR_GET_SECUREBITS, 0UL, 0UL, 0UL, 0UL);
		if (r >= 0 && !(r & SECBIT_NO_SETUID_FIXUP))
			log_warn("SECBIT_NO_SETUID_FIXUP is not set: whack's access() check will ignore "
				 "CAP_DAC_OVERRIDE and refuse pluto's socket (SecureBits=no-setuid-fixup in the "
				 "unit), ignoring");
	}

	if (uid == 0 && keep)
		log_info("running as root: no effective capabilities, CAP_DAC_OVERRIDE ambient for whack%s; "
			 "uid 0 still owns root's files, the shipped unit runs as an unprivileged user",
			 shrunk ? ", bounding set reduced to it" : " (bounding set unchanged: no CAP_SETPCAP)");
	else if (keep)
		log_info("running as uid %u: no effective capabilities, CAP_DAC_OVERRIDE ambient for whack only",
			 (unsigned int)uid);
	else
		log_info("running as uid %u without capabilities: whack reaches pluto only if this user may "
			 "open its control socket", (unsigned int)uid);
	return 0;
}
