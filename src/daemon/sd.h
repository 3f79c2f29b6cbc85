/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * The only caller of sd_notify() and sd_listen_fds(): the service manager
 * protocol (READY=1, STATUS=, STOPPING=1) and socket activation.
 */

/* Tell the service manager we are ready (no-op without NOTIFY_SOCKET). */
void sd_ready(void);

/* Publish a one-line status. */
void sd_status(const char *status);

/* Tell the service manager we are stopping. */
void sd_stopping(void);

/* The single listening stream socket passed by systemd: 0 and *ret_fd; -ENOENT if none,
 * -EINVAL if several, -ENOTSOCK if it is not a listening stream socket. */
int sd_get_listen_fd(int *ret_fd);
