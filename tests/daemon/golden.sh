#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden end-to-end output: saved whack outputs of each Libreswan family
# (tests/fixtures) go through `--once --input.*` and the page must equal
# tests/daemon/golden/NAME.prom, apart from the lines that depend on the
# clock or the build (durations, timestamps, SA ages, revision). Run with
# GOLDEN_UPDATE=1 to rewrite the golden files after a deliberate change.
. "$(dirname "$0")/lib.sh"

fixtures=$TOP_SRCDIR/tests/fixtures
golden=$TOP_SRCDIR/tests/daemon/golden
failed=0
passed=0

volatile='^libreswan_(poll_duration_seconds|last_poll_timestamp_seconds|exporter_build_info|connection_child_sa_age_seconds|sa_age_seconds|kernel_read_duration_seconds|connection_last_failure_timestamp_seconds)[{ ]'

while read -r name st tr gl kn ev lc lca crl pool; do
	case $name in '#'* | '') continue ;; esac
	set --
	[ "$st" != - ] && set -- "$@" --input.status "$fixtures/status/$st"
	[ "$tr" != - ] && set -- "$@" --input.trafficstatus "$fixtures/traffic/$tr"
	[ "$gl" != - ] && set -- "$@" --input.globalstatus "$fixtures/global/$gl"
	[ "${kn:--}" != - ] && set -- "$@" --input.kernel "$fixtures/kernel/$kn"
	[ "${ev:--}" != - ] && set -- "$@" --input.events "$fixtures/events/$ev"
	[ "${lc:--}" != - ] && set -- "$@" --input.listcerts "$fixtures/certs/$lc"
	[ "${lca:--}" != - ] && set -- "$@" --input.listcacerts "$fixtures/certs/$lca"
	[ "${crl:--}" != - ] && set -- "$@" --input.listcrls "$fixtures/certs/$crl"
	[ "${pool:--}" != - ] && set -- "$@" --input.addresspoolstatus "$fixtures/pools/$pool"
	"$EXPORTER" --once "$@" > "$WORK/$name.raw" 2> "$WORK/$name.err" || {
		echo "not ok - $name: exit status $? ($(cat "$WORK/$name.err"))"
		failed=$((failed + 1))
		continue
	}
	grep -Ev "$volatile" "$WORK/$name.raw" > "$WORK/$name.prom"
	if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$WORK/$name.prom" "$golden/$name.prom"
		echo "updated $name"
		continue
	fi
	if diff -u "$golden/$name.prom" "$WORK/$name.prom" > "$WORK/$name.diff"; then
		passed=$((passed + 1))
		ok "$name"
	else
		failed=$((failed + 1))
		echo "not ok - $name"
		head -40 "$WORK/$name.diff"
	fi
	if command -v promtool > /dev/null 2>&1; then
		promtool check metrics < "$WORK/$name.raw" > "$WORK/$name.lint" 2>&1 || {
			echo "not ok - $name: promtool check metrics"
			cat "$WORK/$name.lint"
			failed=$((failed + 1))
		}
	fi
done < "$golden/cases"

# stdout that cannot take the page: exit status 3 (not 1, which says pluto did not answer and
# comes with a whole page) and one line saying so, never a page cut short that looks whole
if [ -w /dev/full ]; then
	set +e
	"$EXPORTER" --once --input.status "$fixtures/status/$(awk '$1 !~ /^#/ && NF {print $2; exit}' "$golden/cases")" \
		> /dev/full 2> "$WORK/full.err"
	rc=$?
	set -e
	if [ "$rc" = 3 ] && [ "$(wc -l < "$WORK/full.err")" = 1 ] && grep -q 'writing the page to stdout failed' "$WORK/full.err"; then
		passed=$((passed + 1))
		ok "--once > /dev/full: $(cat "$WORK/full.err")"
	else
		failed=$((failed + 1))
		echo "not ok - --once > /dev/full: exit $rc, stderr: $(cat "$WORK/full.err")"
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
