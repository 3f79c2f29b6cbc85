#!/bin/sh
# SPDX-License-Identifier: MIT
# Equal cost: the median time of 20 failed logins for an unknown user is within 20%
# of that for a known user with a wrong password (no user enumeration by timing).
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need python3 
export WORK
set +e
python3 "$TOP_SRCDIR/tests/daemon/abuse.py" equalcost
exit $?
