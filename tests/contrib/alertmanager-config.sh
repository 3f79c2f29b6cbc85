#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# contrib/alertmanager/alertmanager.yml is a valid Alertmanager configuration (amtool
# check-config) whose routing tree sends every critical alert of the shipped rules to the
# on-call receiver and every other one to the team receiver (amtool config routes test).
# Skipped (exit 77) without amtool (Debian: prometheus-alertmanager).
set -eu
. "$(dirname "$0")/../lib/common.sh"
need amtool
conf=$TOP_SRCDIR/contrib/alertmanager/alertmanager.yml
rules=$TOP_SRCDIR/contrib/prometheus/libreswan.rules.yml
amtool check-config "$conf"
n=0
# every alert of the rules file with its severity
for a in $(awk '/- alert:/ { name = $3 } /severity:/ && name { print name "=" $2; name = "" }' "$rules"); do
	name=${a%=*} severity=${a#*=}
	want=ipsec-team
	[ "$severity" = critical ] && want=ipsec-oncall
	got=$(amtool config routes test --config.file="$conf" alertname="$name" severity="$severity" 2> /dev/null)
	[ "$got" = "$want" ] || fail "$name ($severity) routed to '$got', want $want"
	ok "$name ($severity) -> $got"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n alerts found in $rules"
ok "$n alerts routed as documented"
