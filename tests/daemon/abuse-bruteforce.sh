#!/bin/sh
# SPDX-License-Identifier: MIT
# Brute force: 128 connections (16 client addresses, 8 each) send wrong passwords
# as fast as they are answered for 10 s. Proves that password checks do not run on
# the event loop: authorised scrapes from another address answer in under 1 s (p99),
# poll cycles keep their 1 s interval (within 1 s), the watchdog (WATCHDOG_USEC=2s) is
# never missed; that the queue bound (503) and the per-address budget (429) refuse
# the excess, each refusal counted on the page and logged once per episode.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3 openssl
exec python3 "$TOP_SRCDIR/tests/daemon/abuse.py" bruteforce
