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
set -eu

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${EXPORTER:=$TOP_BUILDDIR/src/libreswan_exporter}"
: "${PROMETHEUS:=prometheus}"
PYTHON=${PYTHON:-python3}
export TOP_SRCDIR EXPORTER PROMETHEUS

if ! command -v "$PROMETHEUS" >/dev/null 2>&1; then
	echo "SKIP: prometheus not found (Debian/Ubuntu package 'prometheus'); end-to-end test not run"
	exit 77
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "SKIP: python3 not found; end-to-end test not run"
	exit 77
fi
if [ ! -x "$EXPORTER" ]; then
	echo "SKIP: exporter not built ($EXPORTER)"
	exit 77
fi

exec "$PYTHON" "$TOP_SRCDIR/tests/contrib/prometheus_e2e.py"
