/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include "privilege.h"

int privilege_drop(void)
{
	return 0;
}
