#!/bin/sh
# SPDX-License-Identifier: MIT
# Slowloris: 300 connections from 127.0.0.1 trickle a header line every second.
# Proves the per-address cap (8 admitted, the rest refused at once), that the admitted
# ones are closed at the header deadline (--web.read-header-timeout) whatever they
# trickle, and that an authorised scrape from 127.0.0.2 answers in under 1 s throughout.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3
exec python3 "$TOP_SRCDIR/tests/daemon/abuse.py" slowloris
