#!/bin/sh
# SPDX-License-Identifier: MIT
# The attack from a crowd wider than the connection limit: 1024 addresses of 127/8 with one
# connection each, sending one byte of a TLS ClientHello every 2 s and reconnecting when closed,
# against --web.max-connections 256. No address holds more than another, so shedding by share
# alone would shed the scraper's new connections too: proves that a scraper that authenticated
# before (its address is trusted) never fails and answers within 1 s, that the watchdog is fed,
# and that the attackers' connections are shed and counted.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need python3 openssl
export WORK
set +e
python3 "$TOP_SRCDIR/tests/daemon/abuse.py" crowd-wide
exit $?
