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
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need "${PROMETHEUS:-prometheus}" promtool python3
fleet=$TOP_SRCDIR/contrib/prometheus/fleet
promtool check config --agent "$fleet/agent.yml"
promtool check config "$fleet/central.yml"
exec python3 "$TOP_SRCDIR/tests/contrib/fleet_e2e.py"
