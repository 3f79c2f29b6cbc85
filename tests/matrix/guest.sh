#!/bin/bash
# SPDX-License-Identifier: MIT
#
# guest.sh: the VM part of the Libreswan matrix, run inside the guest that
# tests/integration/vm.sh boots (it arrives there as /payload/extra/run.sh, next to lib.sh,
# release-root.sh, the release roots under roots/ and the plan). Each plan line is
# "CONFIG SCENARIO...": the VM scenarios (in LSX_SCENARIOS) to run under that configuration.
# Prints the scenario lines and "matrix-counts PASS FAIL SKIP"; exits 1 on a failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
MX_ROOTS=$HERE/roots
[ "${1:-}" = -v ] && MX_VERBOSE=1
scratch=/tmp/lsx-matrix
mkdir -p "$scratch"; chmod 0755 "$scratch"
for r in "$MX_ROOTS"/*; do
	[ -d "$r" ] || continue
	mx_prepare_root "$r" "$scratch" || { echo "FAIL: cannot prepare $r"; echo "matrix-counts 0 1 0"; exit 1; }
done
export TMPDIR=$scratch LSX_CAPTURE_DIR=/tmp/lsx-capture
while read -r config scenarios; do
	[ -n "$config" ] || continue
	# shellcheck disable=SC2086
	mx_run "$config" /payload/integration/run.sh "${LSX_SCENARIOS:-/payload/scenarios}" "" $scenarios
done < "$HERE/plan"
# captures (capture.sh) leave the guest on the console
if [ -n "$(ls -A "$LSX_CAPTURE_DIR" 2> /dev/null)" ]; then
	echo LSX-CAPTURE-BEGIN
	tar -C "$LSX_CAPTURE_DIR" -czf - . | base64
	echo LSX-CAPTURE-END
fi
echo "matrix-counts $MX_PASS $MX_FAIL $MX_SKIP"
[ "$MX_FAIL" -eq 0 ]
