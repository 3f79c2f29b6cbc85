#!/bin/sh
# SPDX-License-Identifier: MIT
# Starts the real daemon on an ephemeral port (real libmicrohttpd, real
# children) and proves the HTTP contract of the README and the man page: a scrape before the first
# poll cycle waits for it, /metrics plain and gzip,
# OpenMetrics negotiation, /, /-/healthy, /-/ready, 404, 405, HEAD; pluto
# down is 200 with libreswan_up 0 and a not_running count; pluto back gives
# up 1; the children's environment carries no systemd variables; 64
# concurrent scrapers cause no whack runs beyond the poll cycles' own; the
# page passes promtool's lint when promtool is installed.
. "$(dirname "$0")/lib.sh"
need curl gzip
west_east

# a scrape that arrives before the first poll cycle is held until the page exists
echo slow > "$FAKE_DIR/mode"
start_daemon --poll.interval=10s --poll.timeout=3s
[ "$(http_code "http://127.0.0.1:$PORT/-/ready")" = 503 ] || fail "/-/ready before the first cycle"
[ "$(curl -s -o "$WORK/first" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/metrics")" = 200 ] ||
	fail "the first scrape should wait for the first poll cycle"
[ "$(metric libreswan_up "$WORK/first")" = 1 ] || fail "first page"
ok "scrape before the first poll cycle: held, then 200"
exporter_stop
rm -f "$FAKE_DIR/mode"

NOTIFY_SOCKET=/nonexistent WATCHDOG_USEC=1000000 start_daemon --poll.interval=200ms --poll.timeout=1s
wait_for "first poll" scrape /-/ready

hdr=$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$PORT/metrics")
echo "$hdr" | grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' || fail "content type: $hdr"
metric_is libreswan_up 1 || fail "libreswan_up should be 1"
metric_is 'libreswan_connection_in_bytes_total{connection="west-east"}' 1234 || fail "in bytes"
metric_is 'libreswan_connection_up{connection="west-east"}' 1 || fail "connection up"
ok "GET /metrics"

curl -fsS -H 'Accept-Encoding: gzip' -D "$WORK/gz.h" -o "$WORK/page.gz" "http://127.0.0.1:$PORT/metrics"
grep -qi '^Content-Encoding: gzip' "$WORK/gz.h" || fail "no Content-Encoding: gzip"
[ "$(gzip -dc < "$WORK/page.gz" | metric libreswan_up)" = 1 ] || fail "gzip body"
curl -fsS -H 'Accept-Encoding: identity' -D "$WORK/id.h" -o /dev/null "http://127.0.0.1:$PORT/metrics"
grep -qi '^Content-Encoding' "$WORK/id.h" && fail "identity got an encoding"
ok "gzip negotiation"

curl -fsS -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
	-D "$WORK/om.h" -o "$WORK/om.txt" "http://127.0.0.1:$PORT/metrics"
grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0' "$WORK/om.h" || fail "openmetrics type"
[ "$(tail -1 "$WORK/om.txt")" = "# EOF" ] || fail "openmetrics # EOF"
ok "OpenMetrics negotiation"

[ "$(http_code "http://127.0.0.1:$PORT/")" = 200 ] || fail "/"
scrape / | grep -q 'href="/metrics"' || fail "landing page links the metrics path"
[ "$(http_code "http://127.0.0.1:$PORT/-/healthy")" = 200 ] || fail "/-/healthy"
[ "$(http_code "http://127.0.0.1:$PORT/-/ready")" = 200 ] || fail "/-/ready"
[ "$(http_code "http://127.0.0.1:$PORT/nope")" = 404 ] || fail "404"
[ "$(http_code -X POST -d x=1 "http://127.0.0.1:$PORT/metrics")" = 405 ] || fail "405"
[ "$(http_code -X DELETE "http://127.0.0.1:$PORT/")" = 405 ] || fail "405 on /"
[ "$(http_code -I "http://127.0.0.1:$PORT/metrics")" = 200 ] || fail "HEAD"
ok "/, /-/healthy, /-/ready, 404, 405, HEAD"

grep -q NOTIFY_SOCKET "$FAKE_DIR/env.status" && fail "NOTIFY_SOCKET leaked to whack"
grep -q WATCHDOG_ "$FAKE_DIR/env.status" && fail "WATCHDOG_* leaked to whack"
grep -q '^LC_ALL=C$' "$FAKE_DIR/env.status" || fail "children run in the C locale"
ok "clean child environment"

if command -v promtool >/dev/null 2>&1; then
	scrape > "$WORK/page.txt"
	promtool check metrics < "$WORK/page.txt" > "$WORK/lint" 2>&1 || { cat "$WORK/lint"; fail "promtool check metrics"; }
	ok "promtool check metrics"
else
	echo "# promtool not installed: lint skipped"
fi

# 64 concurrent scrapers: the poll cycle runs whack, scrapes never do
c0=$(value libreswan_poll_cycles_total)
n0=$(wc -l < "$FAKE_DIR/calls")
scrapers=
for i in $(seq 64); do
	( end=$(($(date +%s) + 3)); while [ "$(date +%s)" -lt "$end" ]; do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics" || true; done ) &
	scrapers="$scrapers $!"
done
# shellcheck disable=SC2086
wait $scrapers
# the scrapers' last connections may still hold this address's slots for a moment
wait_for "a scrape answered after the 64 scrapers stopped" metric_positive libreswan_poll_cycles_total
c1=$(value libreswan_poll_cycles_total)
n1=$(wc -l < "$FAKE_DIR/calls")
runs=$((n1 - n0))
cycles=$((c1 - c0))
# each cycle runs exactly three commands; allow one cycle in flight at each end
[ "$runs" -le $(((cycles + 1) * 3)) ] && [ "$runs" -ge $(((cycles - 1) * 3)) ] ||
	fail "$runs whack runs for $cycles cycles under 64 scrapers"
ok "64 concurrent scrapers: $runs whack runs in $cycles poll cycles"

# pluto stops: still 200, up 0, not_running counted; then back
echo down > "$FAKE_DIR/mode"
wait_for "libreswan_up 0" metric_is libreswan_up 0
[ "$(http_code "http://127.0.0.1:$PORT/metrics")" = 200 ] || fail "page must stay 200 with pluto down"
metric_positive 'libreswan_poll_errors_total{command="status",reason="not_running"}' || fail "not_running count"
grep -q 'pluto is not running' "$WORK/daemon.log" || fail "the log says pluto is not running"
ok "pluto down: 200, libreswan_up 0, reason not_running"
rm -f "$FAKE_DIR/mode"
wait_for "libreswan_up 1" metric_is libreswan_up 1
metric_is 'libreswan_connection_in_bytes_total{connection="west-east"}' 1234 || fail "counter after recovery"
ok "pluto back: libreswan_up 1"

# whack hangs: killed at --poll.timeout, the page keeps answering
echo hang > "$FAKE_DIR/mode"
wait_for "timeout counted" metric_positive 'libreswan_poll_errors_total{command="status",reason="timeout"}'
t0=$(date +%s%N)
scrape > /dev/null
t1=$(date +%s%N)
[ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "scrape blocked while whack hangs"
ok "hung whack: reason timeout, scrapes still answered"
rm -f "$FAKE_DIR/mode"

exporter_stop
grep -q 'stopped' "$WORK/daemon.log" || fail "clean stop"
ok "SIGTERM: clean exit"
echo "1 passed, 0 failed"
