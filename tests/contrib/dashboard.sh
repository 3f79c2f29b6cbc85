#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# Proves that contrib/grafana/libreswan.json imports through Grafana file
# provisioning without edits: valid JSON, Grafana 10+ schema, stable uid, no
# __inputs, datasource/instance/connection variables, every panel and query
# on ${datasource}. Also checks the provisioning and scrape-config examples
# are well-formed YAML when PyYAML is available.
set -eu
. "$(dirname "$0")/../lib/common.sh"
need python3
python3 "$TOP_SRCDIR/tests/contrib/check_contrib.py" dashboard "$TOP_SRCDIR"

# The examples must at least parse.
if python3 -c 'import yaml' 2>/dev/null; then
	for f in contrib/prometheus/prometheus.yml \
		contrib/grafana/provisioning/datasources/prometheus.yml \
		contrib/grafana/provisioning/dashboards/libreswan.yml; do
		python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$TOP_SRCDIR/$f"
		ok "yaml: $f"
	done
else
	echo "note: PyYAML not installed, example YAML files not parsed"
fi

# promtool validates the scrape-config example as a full Prometheus config
# (its rule_files path is relative to the config file).
if command -v promtool >/dev/null 2>&1; then
	promtool check config "$TOP_SRCDIR/contrib/prometheus/prometheus.yml"
fi
