#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# Proves, with a real Prometheus server scraping the daemon (fed the
# Libreswan 4.10 fixtures through --input.*), that the exporter's page is
# scrapable, that the shipped rules evaluate without errors on it, and that
# LibreswanTunnelDown goes pending and firing for the connection that pluto
# holds up but that has no Child SA. Only 127.0.0.1, random ports, bounded
# waits; see prometheus_e2e.py. Skipped (exit 77) without prometheus/python3.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need "${PROMETHEUS:-prometheus}" python3
exec python3 "$TOP_SRCDIR/tests/contrib/prometheus_e2e.py"
