#!/bin/sh
# SPDX-License-Identifier: MIT
# The packages build the version configure.ac declares: debian/changelog's upstream version
# and the spec's Version: are AC_INIT's.
set -eu
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
want=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' "$TOP_SRCDIR/configure.ac")
deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$TOP_SRCDIR/debian/changelog")
rpm=$(sed -n 's/^Version:[[:space:]]*//p' "$TOP_SRCDIR/libreswan_exporter.spec")
echo "configure.ac $want, debian/changelog $deb, libreswan_exporter.spec $rpm"
[ -n "$want" ] || { echo "FAIL: no version in configure.ac"; exit 1; }
[ "${deb%-*}" = "$want" ] || { echo "FAIL: debian/changelog packages ${deb%-*}, configure.ac says $want"; exit 1; }
[ "$rpm" = "$want" ] || { echo "FAIL: the spec packages $rpm, configure.ac says $want"; exit 1; }
echo "ok - one version: $want"
