#!/bin/sh
# SPDX-License-Identifier: MIT
# sd_notify protocol: READY=1, STATUS=, repeated WATCHDOG=1, STOPPING=1, a clean
# exit within a second of SIGTERM, children without NOTIFY_SOCKET (notify.py).
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3
exec python3 "$TOP_SRCDIR/tests/systemd/notify.py"
