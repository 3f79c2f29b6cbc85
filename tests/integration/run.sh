#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run.sh: run integration scenarios against real Libreswan and the real exporter.
#
#   run.sh [-v] [-l] [SCENARIO...]
#
# SCENARIO is a scenario file, a directory of them (*.sh), or the name of a file in
# LSX_SCENARIOS (default: scenarios/host next to this script). Without arguments every scenario
# of LSX_SCENARIOS runs. Each scenario runs in its own bash process with lib.sh loaded and
# lsx_setup done, bounded by LSX_SCENARIO_TIMEOUT seconds (default 180), and prints one line:
#   PASS: name (12.3s)   FAIL: name (4.0s)   SKIP: name (reason)
# A failing scenario's log follows its line (all logs with -v). -l lists the scenarios.
#
# Exit status: 0 all passed (or skipped), 1 a scenario failed, 77 the whole suite cannot run
# here (not root, no Libreswan, no `ip netns`, no exporter binary), for automake's test driver.
#
# Environment: EXPORTER (the daemon; default $TOP_BUILDDIR/src/libreswan_exporter, else
# ../../src/libreswan_exporter from here), LSX_RESULTS (keep the work directory of every failed
# scenario there: pluto logs, configurations, the last page), LSX_SCENARIO_TIMEOUT, and every
# LSX_* knob of lib.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
LSX_SCENARIOS=${LSX_SCENARIOS:-$HERE/scenarios/host}
verbose=0; list=0
while [ $# -gt 0 ]; do
	case $1 in
	-v) verbose=1 ;;
	-l) list=1 ;;
	-h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

files=()
add() {
	local a=$1 f
	if [ -d "$a" ]; then for f in "$a"/*.sh; do [ -e "$f" ] && files+=("$f"); done
	elif [ -f "$a" ]; then files+=("$a")
	elif [ -f "$LSX_SCENARIOS/$a.sh" ]; then files+=("$LSX_SCENARIOS/$a.sh")
	elif [ -f "$LSX_SCENARIOS/$a" ]; then files+=("$LSX_SCENARIOS/$a")
	else echo "run.sh: no scenario $a" >&2; exit 2; fi
}
if [ $# -eq 0 ]; then add "$LSX_SCENARIOS"; else for a in "$@"; do add "$a"; done; fi
name_of() { local b; b=$(basename "$1"); echo "${b%.sh}"; }
if [ "$list" = 1 ]; then
	for f in "${files[@]}"; do printf '%-24s %s\n' "$(name_of "$f")" "$(sed -n 's/^# scenario: //p' "$f" | head -1)"; done
	exit 0
fi

need_root "namespaces and pluto"
need ip curl "${LSX_IPSEC:-ipsec}"
ip netns list > /dev/null 2>&1 || skip "no usable 'ip netns'"
[ -x "${LSX_PLUTO:-/usr/libexec/ipsec/pluto}" ] || skip "Libreswan not installed (no ${LSX_PLUTO:-/usr/libexec/ipsec/pluto})"
need_exporter
# the kernel collector's helper is built next to the exporter
if [ -z "${LSX_KERNEL_HELPER:-}" ] && [ -x "$(dirname "$EXPORTER")/xfrm-helper" ]; then
	LSX_KERNEL_HELPER=$(dirname "$EXPORTER")/xfrm-helper
fi
export LSX_KERNEL_HELPER

pass=0; failures=0; skipped=0; failed=()
work_dir logs
logdir=$WORK
for f in "${files[@]}"; do
	n=$(name_of "$f"); log=$logdir/$n.log
	keep=""; [ -n "${LSX_RESULTS:-}" ] && keep="$LSX_RESULTS/$n"
	start=$(date +%s.%N)
	LSX_KEEP_DIR=$keep timeout -k 15 "${LSX_SCENARIO_TIMEOUT:-180}" bash -c '
		. "$1/lib.sh" || exit 1
		lsx_setup
		lsx_log "scenario $2 (work dir $WORK, namespaces lsx-$LSX_ID-*)"
		. "$3"
		[ "$LSX_FAILS" -eq 0 ] || { lsx_log "$LSX_FAILS expectation(s) failed"; exit 1; }
		exit 0' lsx-scenario "$HERE" "$n" "$f" > "$log" 2>&1
	rc=$?
	t=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	case $rc in
	0) pass=$((pass + 1)); echo "PASS: $n (${t}s)" ;;
	77) skipped=$((skipped + 1)); echo "SKIP: $n ($(sed -n 's/^SKIP: //p' "$log" | tail -1))" ;;
	124|137) failures=$((failures + 1)); failed+=("$n"); echo "FAIL: $n (${t}s, timed out after ${LSX_SCENARIO_TIMEOUT:-180}s)" ;;
	*) failures=$((failures + 1)); failed+=("$n"); echo "FAIL: $n (${t}s)" ;;
	esac
	if [ "$verbose" = 1 ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ]; }; then sed 's/^/    | /' "$log"; fi
	[ -n "$keep" ] && [ -d "$keep" ] && cp "$log" "$keep/scenario.log"
done
echo "integration: $pass passed, $failures failed, $skipped skipped${failed[*]:+ (failed: ${failed[*]})}"
[ "$failures" -eq 0 ]
