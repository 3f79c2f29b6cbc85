#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# Proves that contrib/prometheus/libreswan.rules.yml is valid for Prometheus
# (`promtool check rules`) and that its alerts behave as specified: every
# alert fires in its scenario and stays silent in the traps
# (`promtool test rules libreswan.rules.test.yml`).
# Skipped (exit 77) when promtool is not installed.
set -eu
. "$(dirname "$0")/../lib/common.sh"
need promtool
rules_dir="$TOP_SRCDIR/contrib/prometheus"
promtool check rules "$rules_dir/libreswan.rules.yml"
# rule_files in the test file are relative to the test file's directory.
promtool test rules "$rules_dir/libreswan.rules.test.yml"
