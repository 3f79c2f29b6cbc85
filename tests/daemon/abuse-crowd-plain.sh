#!/bin/sh
# SPDX-License-Identifier: MIT
# The attack from many addresses over plain HTTP: 128 addresses x 8 connections trickling a
# request's headers (1024 against --web.max-connections 256), reconnecting when closed. Proves that
# an authorised scraper from another address never fails and always answers within 1 s, that the
# watchdog is fed, and that the attackers' connections are shed and counted.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need python3 openssl
export WORK
set +e
python3 "$TOP_SRCDIR/tests/daemon/abuse.py" crowd-plain
exit $?
