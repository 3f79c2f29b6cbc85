#!/bin/sh
# SPDX-License-Identifier: MIT
# The conventions an exporter among exporters follows, on the real daemon:
#  - the standard process_* families on the page, with this process's values (start time, the
#    descriptors /proc lists, the descriptor limit, memory as /proc/PID/statm says, CPU time),
#    each documented in doc/metrics.md with every other family of the daemon's page; none on
#    an --once page (node_exporter's textfile collector serves its own);
#  - --log.format: logfmt by default (ts=, level=, msg=), json (one JSON object a line); the
#    journald "<N>" priority prefix only when JOURNAL_STREAM names the file stderr is;
#  - Prometheus durations on the command line (1m30s, 1s500ms); -h as --help.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need curl python3

printf 'total.ike.ikev2.established=1\n' > "$FAKE_DIR/globalstatus.txt"
: > "$FAKE_DIR/status.txt"
: > "$FAKE_DIR/trafficstatus.txt"

t0=$(date +%s)
start_daemon --poll.interval=1s500ms --poll.timeout=1s --no-collector.kernel --web.timeout=1m30s
wait_for "first poll" scrape /-/ready
scrape > "$WORK/page"
t1=$(date +%s)
pid=$EXPORTER_PID
for f in process_start_time_seconds process_cpu_seconds_total process_resident_memory_bytes \
	process_virtual_memory_bytes process_open_fds process_max_fds; do
	grep -q "^# TYPE $f " "$WORK/page" || fail "no $f on the page"
done
v() { awk -v n="$1" '$1 == n { print $2 }' "$WORK/page"; }
# the start time: between the moment before the start and the first page
awk -v s="$(v process_start_time_seconds)" -v a="$t0" -v b="$t1" 'BEGIN { exit !(s >= a - 1 && s <= b + 1) }' ||
	fail "process_start_time_seconds $(v process_start_time_seconds) not within [$t0, $t1]"
[ "$(v process_max_fds)" = "$(awk '$1 == "Max" && $2 == "open" { print $4 }' /proc/$pid/limits)" ] ||
	fail "process_max_fds $(v process_max_fds), /proc/$pid/limits: $(grep 'open files' /proc/$pid/limits)"
# descriptors and memory as /proc tells now; a cycle later they may have moved a little
fds=$(ls /proc/$pid/fd | wc -l)
awk -v a="$(v process_open_fds)" -v b="$fds" 'BEGIN { exit !(a >= b - 4 && a <= b + 4 && a >= 5) }' ||
	fail "process_open_fds $(v process_open_fds), /proc/$pid/fd lists $fds"
page=$(getconf PAGESIZE)
read -r size rss _ < /proc/$pid/statm
awk -v a="$(v process_resident_memory_bytes)" -v b="$((rss * page))" 'BEGIN { exit !(a > 0 && a >= b / 2 && a <= b * 2) }' ||
	fail "process_resident_memory_bytes $(v process_resident_memory_bytes), statm says $((rss * page))"
awk -v a="$(v process_virtual_memory_bytes)" -v b="$((size * page))" 'BEGIN { exit !(a >= b / 2 && a <= b * 2) }' ||
	fail "process_virtual_memory_bytes $(v process_virtual_memory_bytes), statm says $((size * page))"
awk -v a="$(v process_cpu_seconds_total)" 'BEGIN { exit !(a >= 0 && a < 60) }' || fail "process_cpu_seconds_total"
ok "process_*: start $(v process_start_time_seconds), cpu $(v process_cpu_seconds_total) s, rss $(v process_resident_memory_bytes), vsz $(v process_virtual_memory_bytes), fds $(v process_open_fds)/$(v process_max_fds)"
# the values follow the process: a later cycle's page has the same start and no less CPU time
sleep 2
scrape > "$WORK/page2"
awk -v a="$(v process_start_time_seconds)" '$1 == "process_start_time_seconds" { exit !($2 == a) }' "$WORK/page2" ||
	fail "the start time moved"
awk -v a="$(v process_cpu_seconds_total)" '$1 == "process_cpu_seconds_total" { exit !($2 >= a) }' "$WORK/page2" ||
	fail "the CPU time went down"
if command -v promtool > /dev/null 2>&1; then
	promtool check metrics < "$WORK/page2" > "$WORK/lint" 2>&1 || { cat "$WORK/lint"; fail "promtool check metrics"; }
	ok "promtool check metrics: clean"
fi
# every family of the daemon's page is in the metric reference
missing=$(sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$WORK/page2" | while read -r f; do
	grep -q "\`$f\`" "$TOP_SRCDIR/doc/metrics.md" || echo "$f"
done)
[ -z "$missing" ] || fail "not in doc/metrics.md: $missing"
ok "every family of the page ($(grep -c '^# TYPE' "$WORK/page2")) is in doc/metrics.md"

# logfmt by default
grep -q '^ts=[0-9-]*T[0-9:.]*Z level=info msg="libreswan_exporter [^"]* starting"$' "$WORK/daemon.log" ||
	fail "no logfmt start line: $(head -1 "$WORK/daemon.log")"
exporter_stop
grep -q '^ts=.* level=info msg=stopped$' "$WORK/daemon.log" || fail "no logfmt stop line"
ok "logfmt: $(head -1 "$WORK/daemon.log")"

"$EXPORTER" --once --input.globalstatus "$FAKE_DIR/globalstatus.txt" > "$WORK/once"
grep -q '^process_' "$WORK/once" && fail "process_* on an --once page"
ok "--once: no process_* families"

# json: a JSON object a line, with ts, level and msg; whack's failure message, quotes and all
echo down > "$FAKE_DIR/mode"
set +e
"$EXPORTER" --once --ipsec.command="$FAKE_IPSEC" --no-collector.kernel --log.format=json --log.level=debug \
	> /dev/null 2> "$WORK/json.log"
set -e
python3 - "$WORK/json.log" <<'PY' || fail "--log.format=json: $(head -3 "$WORK/json.log")"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "no log lines"
for line in lines:
    o = json.loads(line)
    assert list(o) == ["ts", "level", "msg"], o
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["ts"]), o
    assert o["level"] in ("debug", "info", "warn", "error"), o
assert any('no "/run/pluto/pluto.ctl"' in json.loads(l)["msg"] for l in lines), "whack's message is missing"
PY
ok "json: $(grep -c . "$WORK/json.log") lines, each an object with ts, level, msg"
rm -f "$FAKE_DIR/mode"

# the journal's priority prefix when stderr is the file JOURNAL_STREAM names, not otherwise
: > "$WORK/journal"
stream=$(stat -c '%d:%i' "$WORK/journal")
JOURNAL_STREAM=$stream "$EXPORTER" --once --ipsec.command=/nonexistent --no-collector.kernel \
	> /dev/null 2>> "$WORK/journal" || true
grep -q '^<4>ts=.* level=warn msg=' "$WORK/journal" || fail "no <4> prefix on a warning to the journal: $(head -1 "$WORK/journal")"
JOURNAL_STREAM=$stream "$EXPORTER" --once --ipsec.command=/nonexistent --no-collector.kernel \
	> /dev/null 2> "$WORK/not-journal" || true
grep -q '^ts=.* level=warn msg=' "$WORK/not-journal" || fail "a prefix on stderr that is not the journal: $(head -1 "$WORK/not-journal")"
ok "journald: <N> prefix when stderr is the journal ($(head -1 "$WORK/journal" | cut -c1-40)...), none otherwise"

# a failure says what happened in words: the program that could not start, a socket that is not there
"$EXPORTER" --once --ipsec.command=/nonexistent/ipsec --no-collector.kernel --no-collector.events \
	--no-collector.certificates > /dev/null 2> "$WORK/spawn.log" && fail "--once exited 0 without pluto"
grep -q 'level=warn msg="status: whack failed (spawn_failed: /nonexistent/ipsec could not be started: No such file or directory), ignoring"' \
	"$WORK/spawn.log" || fail "spawn failure not named: $(cat "$WORK/spawn.log")"
"$EXPORTER" --once --ipsec.ctlsocket="$WORK/no-such/pluto.ctl" --no-collector.kernel --no-collector.events \
	--no-collector.certificates > /dev/null 2> "$WORK/socket.log" && fail "--once exited 0 without a socket"
grep -q "level=warn msg=\"--ipsec.ctlsocket $WORK/no-such/pluto.ctl does not exist (a mistyped path" "$WORK/socket.log" ||
	fail "a missing --ipsec.ctlsocket not said: $(cat "$WORK/socket.log")"
ok "failures in words: a program that cannot start is named, a missing --ipsec.ctlsocket is said"

"$EXPORTER" -h > "$WORK/help" || fail "-h exit status"
grep -q -- '--log.format' "$WORK/help" || fail "-h does not print the help"
ok "-h prints the help"
