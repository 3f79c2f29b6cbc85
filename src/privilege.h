/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * Least privilege: see privilege.c. The process that parses HTTP and whack
 * output keeps no capability in its effective set.
 */

/* Drop what the daemon does not need before it serves anything. 0 or -errno (logged). */
int privilege_drop(void);
