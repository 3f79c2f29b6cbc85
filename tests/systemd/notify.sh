#!/bin/sh
# SPDX-License-Identifier: MIT
# sd_notify protocol: READY=1, STATUS=, repeated WATCHDOG=1, STOPPING=1, a clean
# exit within a second of SIGTERM, children without NOTIFY_SOCKET (notify.py).
. "$(dirname "$0")/lib.sh"
need python3
PORT=$(free_port) || fail "no free port"
export WORK PORT SYSTEMD_TESTS EXPORTER
python3 "$SYSTEMD_TESTS/notify.py"
