/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#pragma once

/*
 * The kernel helper's wire contract: what xfrm-helper (src/xfrm/helper.c) prints and how it ends,
 * and what its parser (src/parse/parse_kernel.c) and the kernel source (src/sources/kernel.c)
 * read. Both sides include this header and nothing else of each other.
 *
 * Output (protocol 1), one record per line, space-separated key=value fields in this order
 * (readers look fields up by key and ignore unknown ones):
 *   xfrm-helper 1
 *   sa proto=esp spi=c0ffee01 dst=192.0.2.2 src=192.0.2.1 reqid=16389 mode=tunnel if_id=0 keyed=1
 *      bytes=4112 packets=4 add_time=1764300000 use_time=1764300010 replay_window=0 replay=0
 * integrity=0 policy dir=out action=allow index=9 priority=1757 if_id=0 src=10.0.1.0/24
 * dst=10.0.2.0/24 tmpl=esp:tunnel:16389[,comp:tunnel:16390...]   (tmpl= with nothing after it: no
 * template) sadinfo count=4 spdinfo in=2 out=2 fwd=2 stat XfrmInError 0 (every /proc/net/xfrm_stat
 * row, by name) stat-absent                                      (the kernel has no
 * CONFIG_XFRM_STATISTICS) end sas=4 policies=6 spi is hexadecimal (host order, as pluto prints it),
 * proto and mode are names where the kernel's numbers have one (else the number), keyed=0 marks an
 * SA without algorithms (a larval SA: an ACQUIRE placeholder or an allocated SPI not yet filled
 * in). SAs and policies are dumped separately, so a dump racing with a rekey is an approximate
 * snapshot (XFRM never sets NLM_F_DUMP_INTR). Every line ends with '\n'; a last line without one is
 * output cut short.
 */

/* The protocol version, and the first line that names it. */
#define XFRM_HELPER_PROTOCOL 1
#define XFRM_HELPER_HEADER "xfrm-helper 1"

/* Exit status: 0 complete; 3 not permitted (no CAP_NET_ADMIN); 1 any other failure (reason on
 * stderr); 2 usage. */
#define XFRM_HELPER_EXIT_NOT_PERMITTED 3
#define XFRM_HELPER_EXIT_USAGE 2
