#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# Many gateways (see fleet_e2e.py): three exporters scraped by a Prometheus in agent mode
# that remote-writes to a central Prometheus, both from the examples in
# contrib/prometheus/fleet/ (checked first with promtool); per-gateway series, the recording
# rules and the dashboard's fleet row work there. Only 127.0.0.1, random ports, bounded
# waits. Skipped (exit 77) without prometheus, promtool or python3.
set -eu
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${EXPORTER:=$TOP_BUILDDIR/src/libreswan_exporter}"
: "${PROMETHEUS:=prometheus}"
: "${PROMTOOL:=promtool}"
PYTHON=${PYTHON:-python3}
export TOP_SRCDIR EXPORTER PROMETHEUS
for t in "$PROMETHEUS" "$PROMTOOL" "$PYTHON"; do
	command -v "$t" > /dev/null 2>&1 || { echo "SKIP: $t not found (Debian: prometheus, python3)"; exit 77; }
done
[ -x "$EXPORTER" ] || { echo "SKIP: exporter not built ($EXPORTER)"; exit 77; }
fleet=$TOP_SRCDIR/contrib/prometheus/fleet
"$PROMTOOL" check config --agent "$fleet/agent.yml"
"$PROMTOOL" check config "$fleet/central.yml"
exec "$PYTHON" "$TOP_SRCDIR/tests/contrib/fleet_e2e.py"
