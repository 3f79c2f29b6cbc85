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
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need "${PROMETHEUS:-prometheus}" "${ALERTMANAGER:-prometheus-alertmanager}" python3
exec python3 "$TOP_SRCDIR/tests/contrib/alertmanager_e2e.py"
