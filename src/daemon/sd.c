/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <errno.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include "daemon/sd.h"

void sd_ready(void)
{
	(void)sd_notify(0, "READY=1");
}

void sd_status(const char *status)
{
	(void)sd_notifyf(0, "STATUS=%s", status);
}

void sd_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}

int sd_get_listen_fd(int *ret_fd)
{
	int n = sd_listen_fds(1), r;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if (n > 1)
		return -EINVAL;
	/* A stale LISTEN_FDS would hand us whatever fd 3 happens to be (the event loop's epoll). */
	r = sd_is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1);
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOTSOCK;
	*ret_fd = SD_LISTEN_FDS_START;
	return 0;
}
