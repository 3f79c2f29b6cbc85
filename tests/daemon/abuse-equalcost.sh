#!/bin/sh
# SPDX-License-Identifier: MIT
# Equal cost: the median time of 20 failed logins for an unknown user is within 20%
# of that for a known user with a wrong password (no user enumeration by timing). Up
# to three rounds, as make -j may run a busy test alongside; a skipped bcrypt (50
# times faster) fails every round.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3
exec python3 "$TOP_SRCDIR/tests/daemon/abuse.py" equalcost
