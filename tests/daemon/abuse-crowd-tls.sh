#!/bin/sh
# SPDX-License-Identifier: MIT
# The attack from many addresses over TLS: 64 addresses (within the per-address cap) hold 8
# connections each, sending one byte of a TLS ClientHello every 2 s and reconnecting when closed:
# 512 against --web.max-connections 256. Proves that an authorised scraper from a 65th address never
# fails and always answers within 1 s, that the watchdog is fed, and that the attackers' connections
# are shed (libreswan_http_rejected_total{reason="shed"}) rather than the scraper refused.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need python3 openssl
export WORK
set +e
python3 "$TOP_SRCDIR/tests/daemon/abuse.py" crowd-tls
exit $?
