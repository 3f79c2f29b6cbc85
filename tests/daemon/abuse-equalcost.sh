#!/bin/sh
# SPDX-License-Identifier: MIT
# Equal cost: the median time of 20 failed logins for an unknown user is within 20%
# of that for a known user with a wrong password (no user enumeration by timing). Up
# to three rounds, as make -j may run a busy test alongside; a skipped bcrypt (50
# times faster) fails every round.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need python3 
export WORK
set +e
python3 "$TOP_SRCDIR/tests/daemon/abuse.py" equalcost
exit $?
