#!/bin/sh
# SPDX-License-Identifier: MIT
# The packages build the version configure.ac declares: debian/changelog's upstream version
# and the spec's Version: are AC_INIT's.
set -eu
. "$(dirname "$0")/../lib/common.sh"
want=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' "$TOP_SRCDIR/configure.ac")
deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$TOP_SRCDIR/debian/changelog")
rpm=$(sed -n 's/^Version:[[:space:]]*//p' "$TOP_SRCDIR/libreswan_exporter.spec")
echo "configure.ac $want, debian/changelog $deb, libreswan_exporter.spec $rpm"
[ -n "$want" ] || fail "no version in configure.ac"
[ "${deb%-*}" = "$want" ] || fail "debian/changelog packages ${deb%-*}, configure.ac says $want"
[ "$rpm" = "$want" ] || fail "the spec packages $rpm, configure.ac says $want"
ok "one version: $want"
