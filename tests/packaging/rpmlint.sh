#!/bin/sh
# SPDX-License-Identifier: MIT
# rpmlint finds no error in libreswan_exporter.spec (warnings are printed, not fatal: on
# Debian, rpmlint runs without Fedora's configuration and warns about the absent BuildRoot tag,
# which Fedora's guidelines say to omit). Exit 77 without rpmlint.
set -eu
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
command -v rpmlint > /dev/null 2>&1 || { echo "SKIP: no rpmlint"; exit 77; }
out=$(rpmlint "$TOP_SRCDIR/libreswan_exporter.spec" 2>&1) || true
printf '%s\n' "$out"
summary=$(printf '%s\n' "$out" | grep -E '[0-9]+ errors?, [0-9]+ warnings?' | tail -1)
[ -n "$summary" ] || { echo "FAIL: no rpmlint summary"; exit 1; }
case $summary in *" 0 errors,"*) echo "ok - rpmlint: $summary" ;; *) echo "FAIL: rpmlint: $summary"; exit 1 ;; esac
