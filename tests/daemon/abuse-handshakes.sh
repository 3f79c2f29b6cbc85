#!/bin/sh
# SPDX-License-Identifier: MIT
# A storm of full TLS handshakes (RSA 2048) with the event loop timed by bench/loopstall.c: proves
# that handshakes advance in bounded steps (the loop's longest turn stays within 25 ms of CPU) and
# that authorised scrapes still answer within 1 s.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need python3 openssl
export WORK
set +e
python3 "$TOP_SRCDIR/tests/daemon/abuse.py" handshakes
exit $?
