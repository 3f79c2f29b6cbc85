#!/bin/sh
# SPDX-License-Identifier: MIT
# The poll cycle's light reads of pluto, with the fake ipsec answering `whack --briefstatus
# --showstates` from its status as pluto does (a real 4.10 pluto's output, tests/fixtures/light):
# after the whole status at start-up, the cycles run the light read and --trafficstatus only,
# and libreswan_up follows the light read; a light read naming a connection the status did not
# list is not published: the next cycle starts at once and reads the whole status (reason
# "connections"), whose page is published; pluto not answering the light read gives
# libreswan_up 0 from the whole read tried at once (its not_running counted with the light
# read's); pluto back: read whole (reason "restart"); --poll.full-interval=0 reads the whole
# status every cycle and never runs the light read.
. "$(dirname "$0")/lib.sh"
need curl
fx=$TOP_SRCDIR/tests/fixtures/light
cp "$fx/4.10-initiated-west--status.txt" "$FAKE_DIR/status.txt"
cp "$fx/4.10-initiated-west--trafficstatus.txt" "$FAKE_DIR/trafficstatus.txt"
calls() { grep -c "^$1\$" "$FAKE_DIR/calls" || :; }

start_daemon --poll.interval=300ms --poll.timeout=2500ms --poll.full-interval=1h --no-collector.kernel \
	--no-collector.events --no-collector.certificates --log.level=debug
wait_for "a light cycle" metric_is 'libreswan_poll_success{command="showstates"}' 1
n0=$(calls status)
l0=$(calls briefstatus)
sleep 1.5
[ "$(calls status)" = "$n0" ] || fail "the whole status was read again without a reason ($n0 -> $(calls status)): $(scrape | grep -E '^libreswan_poll_(full_reads|errors)_total' | grep -v ' 0$' | tr '\n' ' ')"
[ "$(calls briefstatus)" -ge $((l0 + 3)) ] || fail "no light reads: $l0 -> $(calls briefstatus)"
metric_is 'libreswan_poll_full_reads_total{reason="start"}' 2 || fail "start (the first read and the one that finds the list held still): $(value 'libreswan_poll_full_reads_total{reason="start"}')"
metric_is libreswan_up 1 || fail "libreswan_up"
metric_is libreswan_connections_loaded 4 || fail "loaded: $(value libreswan_connections_loaded)"
metric_is 'libreswan_ike_sas{state="half_open"}' 1 || fail "half-open"
metric_is 'libreswan_connection_ike_sas_established{connection="host"}' 1 || fail "host's IKE SA"
ok "light cycles between whole reads: $(calls briefstatus) light reads, $(calls status) whole"

# a state of a connection the status does not list: the light page is not published, the status
# is read at once
{
	grep -E '^([0-9]{3} )?(State Information: |IKE SAs: |IPsec SAs: |#[0-9])' "$FAKE_DIR/status.txt"
	echo '000 #9: "newcomer":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT in 1s; idle;'
} > "$FAKE_DIR/briefstatus.txt"
wait_for "a whole read for the connections" metric_positive 'libreswan_poll_full_reads_total{reason="connections"}'
grep -q 'not published: a source reads again at once' "$WORK/daemon.log" || fail "the light cycle was published"
metric_is libreswan_connections_loaded 4 || fail "loaded after the whole read"
[ -z "$(value 'libreswan_connection_up{connection="newcomer"}')" ] || fail "a connection pluto's status does not list"
rm "$FAKE_DIR/briefstatus.txt"
ok "a light read that the status cannot explain: not published, the status read at once"

# pluto gone: the light read fails, the status is tried at once; both count not_running
echo down > "$FAKE_DIR/mode"
wait_for "libreswan_up 0" metric_is libreswan_up 0
metric_positive 'libreswan_poll_errors_total{command="status",reason="not_running"}' || fail "status not_running"
metric_positive 'libreswan_poll_errors_total{command="showstates",reason="not_running"}' || fail "showstates not_running"
[ "$(grep -c 'pluto is not running.*, serving libreswan_up 0' "$WORK/daemon.log")" = 1 ] || fail "\"pluto is not running\" said once: $(grep -c 'pluto is not running.*, serving libreswan_up 0' "$WORK/daemon.log")"
rm "$FAKE_DIR/mode"
wait_for "libreswan_up 1" metric_is libreswan_up 1
wait_for "a whole read for the restart" metric_positive 'libreswan_poll_full_reads_total{reason="restart"}'
wait_for "light cycles again" metric_is 'libreswan_poll_success{command="showstates"}' 1
ok "pluto gone and back: up 0 with the status's not_running, then a whole read (restart)"
exporter_stop

# --poll.full-interval=0: the whole status every cycle
: > "$FAKE_DIR/calls"
start_daemon --poll.interval=300ms --poll.timeout=1s --poll.full-interval=0 --no-collector.kernel \
	--no-collector.events --no-collector.certificates
wait_for "cycles" metric_is libreswan_up 1
sleep 1
[ "$(calls briefstatus)" = 0 ] || fail "--poll.full-interval=0 ran light reads"
[ "$(calls status)" -ge 3 ] || fail "--poll.full-interval=0: $(calls status) whole reads"
[ -z "$(value 'libreswan_poll_full_reads_total{reason="always"}')" ] || fail "the counter without light cycles"
[ -z "$(value 'libreswan_poll_success{command="showstates"}')" ] || fail "showstates series without light cycles"
ok "--poll.full-interval=0: $(calls status) whole reads, no light one"
echo "4 passed, 0 failed"
