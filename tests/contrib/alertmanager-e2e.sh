#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# Alerting end to end (see alertmanager_e2e.py): the exporter, a real Prometheus evaluating
# the shipped rules, a real Alertmanager running contrib/alertmanager/alertmanager.yml, and a
# webhook receiver: LibreswanTunnelDown arrives firing with its labels and annotations and
# resolved when the tunnel is back; the example's inhibition and routing hold. Only
# 127.0.0.1, random ports, bounded waits. Skipped (exit 77) without prometheus,
# prometheus-alertmanager or python3.
set -eu
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${EXPORTER:=$TOP_BUILDDIR/src/libreswan_exporter}"
: "${PROMETHEUS:=prometheus}"
: "${ALERTMANAGER:=prometheus-alertmanager}"
PYTHON=${PYTHON:-python3}
export TOP_SRCDIR EXPORTER PROMETHEUS ALERTMANAGER
for t in "$PROMETHEUS" "$ALERTMANAGER" "$PYTHON"; do
	command -v "$t" > /dev/null 2>&1 || { echo "SKIP: $t not found (Debian: prometheus, prometheus-alertmanager, python3)"; exit 77; }
done
[ -x "$EXPORTER" ] || { echo "SKIP: exporter not built ($EXPORTER)"; exit 77; }
exec "$PYTHON" "$TOP_SRCDIR/tests/contrib/alertmanager_e2e.py"
