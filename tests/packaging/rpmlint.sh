#!/bin/sh
# SPDX-License-Identifier: MIT
# rpmlint finds no error in libreswan_exporter.spec (warnings are printed, not fatal: on
# Debian, rpmlint runs without Fedora's configuration and warns about the absent BuildRoot tag,
# which Fedora's guidelines say to omit). Exit 77 without rpmlint.
set -eu
. "$(dirname "$0")/../lib/common.sh"
need rpmlint
out=$(rpmlint "$TOP_SRCDIR/libreswan_exporter.spec" 2>&1) || true
printf '%s\n' "$out"
summary=$(printf '%s\n' "$out" | grep -E '[0-9]+ errors?, [0-9]+ warnings?' | tail -1)
[ -n "$summary" ] || fail "no rpmlint summary"
case $summary in *" 0 errors,"*) ok "rpmlint: $summary" ;; *) fail "rpmlint: $summary" ;; esac
