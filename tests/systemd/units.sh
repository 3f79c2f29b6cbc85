#!/bin/sh
# SPDX-License-Identifier: MIT
# The shipped units: `systemd-analyze verify` prints nothing and succeeds, and
# `systemd-analyze security --offline=true` rates the service 2.0 or lower.
# The service is generated from the .in file with @sbindir@ pointing at the
# built daemon, since verify checks that ExecStart= is executable.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need systemd-analyze
work_dir systemd
MAX_EXPOSURE=2.0

U=$WORK/units
mkdir -p "$U"
sed -e "s,@sbindir@,$(dirname "$EXPORTER"),g" "$TOP_SRCDIR/systemd/libreswan_exporter.service.in" \
	> "$U/libreswan_exporter.service"
cp "$TOP_SRCDIR/systemd/libreswan_exporter.socket" "$U/"
grep -q '@[a-z_]*@' "$U/libreswan_exporter.service" && fail "an @substitution@ is left in the service"
[ "$(basename "$EXPORTER")" = libreswan_exporter ] || skip "the daemon is not named libreswan_exporter"

# --man=no: the man page is not installed in the build tree.
cd "$U" || fail "cd $U"
systemd-analyze verify --man=no ./libreswan_exporter.service ./libreswan_exporter.socket \
	> "$WORK/verify" 2>&1
rc=$?
cat "$WORK/verify"
[ $rc -eq 0 ] || fail "systemd-analyze verify failed ($rc)"
[ -s "$WORK/verify" ] && fail "systemd-analyze verify is not clean"
echo "verify: clean"

systemd-analyze security --offline=true ./libreswan_exporter.service > "$WORK/security" 2>&1
rc=$?
if grep -q -i -e 'unrecognized option' -e 'unknown option' "$WORK/security"; then
	skip "this systemd-analyze has no --offline (systemd < 250)"
fi
grep '✗' "$WORK/security"
score=$(sed -n 's/.*Overall exposure level for libreswan_exporter.service: \([0-9.]*\).*/\1/p' "$WORK/security")
[ -n "$score" ] || { cat "$WORK/security"; fail "no exposure level in the output (exit $rc)"; }
echo "security: exposure $score (at most $MAX_EXPOSURE)"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= m + 0) }' ||
	fail "exposure $score is above $MAX_EXPOSURE"
echo PASS
