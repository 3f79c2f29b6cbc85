#!/bin/sh
# SPDX-License-Identifier: MIT
# The kernel collector's side of the daemon with a stand-in helper (real
# children, real HTTP): a complete helper output gives libreswan_kernel_up 1
# and the joined per-connection series; every way the helper can fail is
# counted under its reason (permission, timeout, exit_status for a failure or
# an output cut before its end line, output_too_large, spawn_failed for a
# missing helper), turns libreswan_kernel_up to 0, is logged once per episode,
# never stalls scrapes and leaves pluto's side of the page alone; the kernel
# counters survive the failed cycles; --no-collector.kernel runs no helper.
. "$(dirname "$0")/lib.sh"
need curl
FAKE_HELPER=$TOP_SRCDIR/tests/daemon/fake-xfrm-helper
fx=$TOP_SRCDIR/tests/contrib/fixtures
cp "$fx/status.txt" "$FAKE_DIR/status.txt"
cp "$fx/trafficstatus.txt" "$FAKE_DIR/trafficstatus.txt"
cp "$fx/kernel.txt" "$FAKE_DIR/kernel.txt"

# read_errors_above REASON N: more than N kernel read errors of REASON on a scrape made now
read_errors_above() { [ "$(value "libreswan_kernel_read_errors_total{reason=\"$1\"}")" -gt "$2" ]; }

start_daemon --poll.interval=300ms --poll.timeout=1s --poll.max-output=1MiB \
	--collector.kernel.helper="$FAKE_HELPER"
wait_for "kernel up" metric_is libreswan_kernel_up 1
metric_is 'libreswan_connection_kernel_sas_missing{connection="site-a"}' 1 || fail "site-a's missing SA"
metric_is 'libreswan_connection_out_packets_total{connection="site-a"}' 61200 || fail "site-a packets"
metric_is libreswan_kernel_sas 6 || fail "SAD count"
ok "a complete helper output: kernel_up 1, site-a's missing SA, packets, SAD count"

for case in denied:permission hang:timeout fail:exit_status cut:exit_status huge:output_too_large; do
	mode=${case%%:*} reason=${case#*:}
	before=$(value "libreswan_kernel_read_errors_total{reason=\"$reason\"}")
	echo "$mode" > "$FAKE_DIR/kernel-mode"
	wait_for "$mode counted as $reason" metric_positive "libreswan_kernel_read_errors_total{reason=\"$reason\"}"
	wait_for "$mode: more than one failure" read_errors_above "$reason" $((before + 1))
	metric_is libreswan_kernel_up 0 || fail "$mode: kernel_up not 0"
	metric_is libreswan_up 1 || fail "$mode: pluto's side affected"
	metric_is 'libreswan_connection_out_packets_total{connection="site-a"}' 61200 || fail "$mode: packets not kept"
	t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/metrics")
	awk -v t="$t" 'BEGIN { exit !(t < 0.5) }' || fail "$mode: a scrape took $t s"
	rm -f "$FAKE_DIR/kernel-mode"
	wait_for "$mode: back to kernel_up 1" metric_is libreswan_kernel_up 1
	ok "helper $mode: reason=$reason, kernel_up 0, libreswan_up 1, packets kept, scrape ${t}s, recovered"
done
metric_is libreswan_kernel_parse_errors_total 0 || fail "failed runs counted as parse errors"
n=$(grep -c 'kernel collector: not permitted' "$WORK/daemon.log")
[ "$n" = 1 ] || fail "the permission failure logged $n times"
n=$(grep -c 'kernel collector: reading the kernel' "$WORK/daemon.log")
[ "$n" = 5 ] || fail "recoveries logged $n times, not 5"
ok "each episode logged once ($(grep -c 'kernel collector:' "$WORK/daemon.log") lines), no parse errors from failed runs"
exporter_stop

start_daemon --poll.interval=300ms --poll.timeout=1s --collector.kernel.helper="$WORK/no-such-helper"
wait_for "missing helper counted" metric_positive 'libreswan_kernel_read_errors_total{reason="spawn_failed"}'
metric_is libreswan_kernel_up 0 || fail "missing helper: kernel_up"
metric_is libreswan_kernel_collector_enabled 1 || fail "missing helper: collector_enabled"
exporter_stop
ok "a missing helper: spawn_failed, kernel_up 0"

rm -f "$FAKE_DIR/kernel-calls"
start_daemon --poll.interval=200ms --poll.timeout=1s --no-collector.kernel --collector.kernel.helper="$FAKE_HELPER"
wait_for "ready" metric_is libreswan_up 1
sleep 0.5
[ ! -e "$FAKE_DIR/kernel-calls" ] || fail "--no-collector.kernel ran the helper"
metric_is libreswan_kernel_collector_enabled 0 || fail "collector_enabled with --no-collector.kernel"
metric_is libreswan_kernel_up 0 || fail "kernel_up with --no-collector.kernel"
[ -z "$(value 'libreswan_kernel_read_errors_total{reason="permission"}')" ] || fail "read errors shown while off"
exporter_stop
ok "--no-collector.kernel: no helper run, collector_enabled 0"
