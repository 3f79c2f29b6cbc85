#!/bin/sh
# SPDX-License-Identifier: MIT
# Soak: 20,000 scrapes over TLS with basic auth (keep-alive, a new handshake every
# 100): the daemon's RSS after the run is within 1 MB of its RSS after the warm-up
# (the 1M-scrape run is in bench/). Under a sanitizer build the scrapes run but RSS
# is not compared (the sanitizer's allocator keeps freed memory).
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3 openssl
exec python3 "$TOP_SRCDIR/tests/daemon/abuse.py" soak "${LSX_SOAK_SCRAPES:-20000}"
