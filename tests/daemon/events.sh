#!/bin/sh
# SPDX-License-Identifier: MIT
# The events collector with its real helper (plutolog-helper) following a log file as pluto
# writes it (--events.log-file): it starts at the end of the file (what was there before is not
# counted); each message appended counts for its connection within a poll cycle or two; the file
# rotated (renamed, a new one created) and truncated in place (copytruncate) is followed on; a
# missing file is waited for (libreswan_events_up 0, then 1 once it exists); a helper that dies is
# started again (libreswan_events_helper_starts_total 2) and its counts survive; and
# --no-collector.events runs no helper.
. "$(dirname "$0")/lib.sh"
need curl
HELPER=$(dirname "$EXPORTER")/plutolog-helper
[ -x "$HELPER" ] || skip "the log helper is not built ($HELPER)"
fx=$TOP_SRCDIR/tests/contrib/fixtures
cp "$fx/status.txt" "$fx/trafficstatus.txt" "$FAKE_DIR/"
LOG=$WORK/pluto.log

auth_failure() { echo "Dec  7 05:41:07.000001: \"site-b\" #$1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED"; }
child_up() {
	echo "Dec  7 05:30:01.000002: \"site-a\" #$1: initiator established Child SA using #1; IPsec tunnel [10.1.0.0-10.1.255.255:0-65535 0] -> [10.20.0.0-10.20.255.255:0-65535 0] {ESP/ESN=>0xaaaa0001 <0xbbbb0001 xfrm=AES_GCM_16_256-NONE DPD=passive}"
}
failures() { value 'libreswan_connection_failures_total{connection="site-b",sa="ike",reason="authentication_failed"}'; }

# history before the exporter starts is not counted
auth_failure 2 > "$LOG"
start_daemon --poll.interval=300ms --poll.timeout=1s --no-collector.kernel --collector.events.helper="$HELPER" --events.log-file="$LOG"
wait_for "events up" metric_is libreswan_events_up 1
sleep 0.7
[ -z "$(failures)" ] || fail "a message written before the start was counted: $(failures)"
auth_failure 3 >> "$LOG"
child_up 4 >> "$LOG"
wait_for "site-b's failure counted" metric_is \
	'libreswan_connection_failures_total{connection="site-b",sa="ike",reason="authentication_failed"}' 1
metric_is 'libreswan_connection_sa_established_total{connection="site-a",sa="child",how="new"}' 1 ||
	fail "site-a's Child SA not counted"
metric_positive 'libreswan_connection_last_failure_timestamp_seconds{connection="site-b",reason="authentication_failed"}' ||
	fail "no time for site-b's failure"
ok "appended messages counted from the end of the file"

# rotation: renamed, then a new file
mv "$LOG" "$LOG.1"
auth_failure 5 >> "$LOG.1"	# the old file's last lines are still read
auth_failure 6 > "$LOG"
wait_for "both rotated messages" metric_is \
	'libreswan_connection_failures_total{connection="site-b",sa="ike",reason="authentication_failed"}' 3
ok "rotation: the old file's last message and the new file's"

# truncation in place
: > "$LOG"
auth_failure 7 >> "$LOG"
wait_for "the message after truncation" metric_is \
	'libreswan_connection_failures_total{connection="site-b",sa="ike",reason="authentication_failed"}' 4
ok "truncation: followed from the new start"

# the helper dies: started again after its back-off, the counts kept
pkill -KILL -P "$EXPORTER_PID" -f "plutolog-helper --file $LOG" || fail "no helper to kill"
LSX_WAIT=15 wait_for "a second helper" metric_is libreswan_events_helper_starts_total 2
wait_for "events up again" metric_is libreswan_events_up 1
auth_failure 8 >> "$LOG"
wait_for "a message after the restart" metric_is \
	'libreswan_connection_failures_total{connection="site-b",sa="ike",reason="authentication_failed"}' 5
grep -q 'events collector: the log helper ended' "$WORK/daemon.log" || fail "the helper's end was not logged"
ok "a helper that dies is started again; counts kept"
exporter_stop

# a missing file is waited for
start_daemon --poll.interval=300ms --poll.timeout=1s --no-collector.kernel --collector.events.helper="$HELPER" \
	--events.log-file="$WORK/later.log"
wait_for "the first cycle" metric_is libreswan_up 1
metric_is libreswan_events_up 0 || fail "events up without a file"
: > "$WORK/later.log"
LSX_WAIT=15 wait_for "events up once the file exists" metric_is libreswan_events_up 1
auth_failure 9 >> "$WORK/later.log"
wait_for "a message of the new file" metric_is \
	'libreswan_connection_failures_total{connection="site-b",sa="ike",reason="authentication_failed"}' 1
ok "a missing file is waited for"
exporter_stop

# off: no helper, events_up 0
start_daemon --poll.interval=300ms --poll.timeout=1s --no-collector.kernel --no-collector.events --collector.events.helper="$HELPER"
wait_for "the first cycle" metric_is libreswan_up 1
metric_is libreswan_events_up 0 || fail "events up while off"
pgrep -P "$EXPORTER_PID" -f plutolog-helper > /dev/null && fail "a helper runs with --no-collector.events"
ok "--no-collector.events: no helper"
exporter_stop
