#!/bin/bash
# SPDX-License-Identifier: MIT
# A storm of road warriors connecting at once to a real pluto, and what following pluto's log costs
# the exporter next to what the storm costs pluto (bench/README.md, section 7).
#
#   rw-storm.sh N           (root; EXPORTER, EVENTS_HELPER, WORK_DIR from the environment)
#
# Two network namespaces joined by a veth: `gw`, a pluto (this machine's Libreswan) with one
# road-warrior template (right=%any, pre-shared key) whose log file the exporter follows through
# its log helper (--events.log-file), and `rw`, a second pluto with N connections, one per client
# address (IPv6 documentation addresses 2001:db8::1:I, so that N may exceed the 762 IPv4
# documentation addresses), all started at once (auto=start, one `addconn --autoall`). The
# exporter polls a saved `whack --status` of the gateway (a front end prints it), so that its
# polls ask pluto nothing during the storm and cost it a fixed, measured amount.
#
# Measured: the gateway pluto's CPU (/proc/PID/stat utime+stime, all its threads: its crypto
# helpers do the key exchanges) from the storm's start until its log is quiet for 2 s (every
# establishment, and whatever the kernel refused, written); over the same time plus 3 s for the
# last lines to be read, the CPU of the exporter's event-loop thread, where pluto's messages are
# read, classified and counted, and of its log helper (/proc/PID/task/TID/schedstat, nanoseconds:
# a few milliseconds are below the 10 ms clock tick of utime), minus the loop's idle CPU over as
# long, measured just before the storm (its polls and timers); the whole daemon's utime+stime
# (poll cycles' threads included) too, and the clients' pluto for reference. Then the page must count N IKE SAs established
# (new) for the template, and says how many messages it read and how many it did not recognise.
# Prints one line: "BENCH storm n=N key=value ...".
set -euo pipefail
n=${1:?usage: rw-storm.sh N}
W=${WORK_DIR:?}
EXPORTER=${EXPORTER:?}
HELPER=${EVENTS_HELPER:-$(dirname "$EXPORTER")/plutolog-helper}
TICK=$(getconf CLK_TCK)
GW=lsxstorm-gw-$$ RW=lsxstorm-rw-$$
PSK='"lsx-bench-storm-secret-0123456789abcdef"'
pids=()
cleanup() {
	local p
	for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	for p in gw rw; do [ -f "$W/$p/run/pluto.pid" ] && kill "$(cat "$W/$p/run/pluto.pid")" 2>/dev/null || true; done
	sleep 0.5
	for p in gw rw; do [ -f "$W/$p/run/pluto.pid" ] && kill -9 "$(cat "$W/$p/run/pluto.pid")" 2>/dev/null || true; done
	ip netns del "$GW" 2>/dev/null || true
	ip netns del "$RW" 2>/dev/null || true
}
trap cleanup EXIT
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ms() { echo $(( $1 * 1000 / TICK )); }
ns() { awk '{print $1}' "/proc/$1/task/$1/schedstat"; }	# the thread's CPU time, ns

for ns in "$GW" "$RW"; do
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$ns" link set lo up
done
ip link add v-gw netns "$GW" type veth peer name v-rw netns "$RW"
ip -n "$GW" addr add 2001:db8::1/64 dev v-gw nodad
ip -n "$GW" link set v-gw up
ip -n "$RW" link set v-rw up
for i in $(seq 1 "$n"); do echo "addr add 2001:db8::1:$i/64 dev v-rw nodad"; done | ip -n "$RW" -batch -

mkpluto() { # NAME NS CONFIG-BODY
	local d=$W/$1
	mkdir -p "$d/run" "$d/nss" "$d/ipsec.d"
	{ printf 'config setup\n\tlogfile=%s/pluto.log\n\tdumpdir=%s\n\n' "$d" "$d"; cat; } > "$d/ipsec.conf"
	echo "%any %any : PSK $PSK" > "$d/ipsec.secrets"
	ipsec initnss --nssdir "$d/nss" > /dev/null 2>&1
	ip netns exec "$2" /usr/libexec/ipsec/pluto --config "$d/ipsec.conf" --rundir "$d/run" --nssdir "$d/nss" \
		--secretsfile "$d/ipsec.secrets" --ipsecdir "$d/ipsec.d" --logfile "$d/pluto.log" 2> /dev/null
	for _ in $(seq 100); do [ -S "$d/run/pluto.ctl" ] && [ -s "$d/run/pluto.pid" ] && break; sleep 0.1; done
}
load() { # NAME NS
	local d=$W/$1
	ip netns exec "$2" /usr/libexec/ipsec/addconn --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" --autoall > /dev/null 2>&1 || true
}
printf 'conn rw\n\tauthby=secret\n\tauto=add\n\tleft=2001:db8::1\n\tright=%%any\n' | mkpluto gw "$GW"
load gw "$GW"
/usr/libexec/ipsec/whack --ctlsocket "$W/gw/run/pluto.ctl" --listen > /dev/null
/usr/libexec/ipsec/whack --ctlsocket "$W/gw/run/pluto.ctl" --status > "$W/gw-status.txt"
GWPID=$(cat "$W/gw/run/pluto.pid")

# the exporter: polls the saved status (a front end stands in for whack), follows the gateway's log
mkdir -p "$W/bin"
printf '#!/bin/sh\n# whack [--ctlsocket S] --status: the saved status; other commands print nothing\nfor a; do [ "$a" = --status ] && exec cat "%s"; done\nexit 0\n' \
	"$W/gw-status.txt" > "$W/bin/ipsec"
chmod +x "$W/bin/ipsec"
"$EXPORTER" --web.listen-address=127.0.0.1:0 --poll.interval=1s --ipsec.command="$W/bin/ipsec" \
	--no-collector.kernel --no-collector.certificates --collector.events.helper="$HELPER" \
	--events.log-file="$W/gw/pluto.log" > "$W/exporter.log" 2>&1 &
XPID=$!; pids+=("$XPID")
port=
for _ in $(seq 100); do port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$W/exporter.log" | head -1); [ -n "$port" ] && break; sleep 0.05; done
[ -n "$port" ] || { echo "rw-storm.sh: the exporter did not start: $(tail -3 "$W/exporter.log")" >&2; exit 1; }
page() { curl -sf "http://127.0.0.1:$port/metrics" > "$W/page.txt"; }
value() { awk -v k="$1" '$1 == k {print $2; exit}' "$W/page.txt"; }
for _ in $(seq 100); do page && [ "$(value libreswan_events_up)" = 1 ] && break; sleep 0.1; done
[ "$(value libreswan_events_up)" = 1 ] || { echo "rw-storm.sh: events not up" >&2; exit 1; }
HPID=$(pgrep -P "$XPID" -x plutolog-helper | head -1)

# the clients: N connections, each from an address of its own; pluto loads them at its start
# (auto=add), the storm is the same configuration with auto=start loaded again
clients() {
	for i in $(seq 1 "$n"); do
		printf 'conn c-%d\n\tauthby=secret\n\tauto=%s\n\tleft=2001:db8::1:%d\n\tright=2001:db8::1\n\n' "$i" "$1" "$i"
	done
}
clients add | mkpluto rw "$RW"
load rw "$RW"
RWPID=$(cat "$W/rw/run/pluto.pid")
{ sed -n '1,/^$/p' "$W/rw/ipsec.conf"; clients start; } > "$W/rw/ipsec.conf.new"
mv "$W/rw/ipsec.conf.new" "$W/rw/ipsec.conf"

# the event loop's idle CPU (polls, timers) over 5 s
sleep 1
l0=$(ns "$XPID"); t0=$(date +%s%N); sleep 5; l1=$(ns "$XPID"); t1=$(date +%s%N)
idle_ns_per_s=$(awk -v a=$((l1 - l0)) -v s=$((t1 - t0)) 'BEGIN{printf "%.0f", a / (s / 1e9)}')

lines0=$(wc -l < "$W/gw/pluto.log")
p0=$(cpu "$GWPID"); r0=$(cpu "$RWPID"); x0=$(cpu "$XPID"); l0=$(ns "$XPID"); h0=$(ns "$HPID")
t0=$(date +%s%N)
load rw "$RW"	# every auto=start connection initiates now
# the storm is over when the gateway's log has not grown for 2 s
last=-1 same=0
while [ "$same" -lt 20 ]; do
	sz=$(stat -c %s "$W/gw/pluto.log")
	if [ "$sz" = "$last" ]; then same=$((same + 1)); else same=0; last=$sz; fi
	sleep 0.1
done
t1=$(date +%s%N)
p1=$(cpu "$GWPID"); r1=$(cpu "$RWPID")
sleep 3
x1=$(cpu "$XPID"); l1=$(ns "$XPID"); h1=$(ns "$HPID")
t2=$(date +%s%N)
page
lines=$(( $(wc -l < "$W/gw/pluto.log") - lines0 ))
est=$(grep -c 'responder established IKE SA' "$W/gw/pluto.log" || true)
busy_s=$(awk -v a="$t0" -v b="$t2" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
loop_ms=$(awk -v a=$((l1 - l0)) 'BEGIN{printf "%.1f", a / 1e6}')
idle_ms=$(awk -v i="$idle_ns_per_s" -v s="$busy_s" 'BEGIN{printf "%.1f", i * s / 1e6}')
echo "BENCH storm n=$n storm_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b - a) / 1e9}')" \
	"pluto_ms=$(ms $((p1 - p0))) clients_ms=$(ms $((r1 - r0))) loop_ms=$loop_ms idle_ms=$idle_ms" \
	"daemon_ms=$(ms $((x1 - x0))) helper_ms=$(awk -v a=$((h1 - h0)) 'BEGIN{printf "%.1f", a / 1e6}')" \
	"lines=$lines log_kb=$(( $(stat -c %s "$W/gw/pluto.log") / 1024 ))" \
	"pluto_established=$est" \
	"ike_new=$(value 'libreswan_connection_sa_established_total{connection="rw",sa="ike",how="new"}')" \
	"child_new=$(value 'libreswan_connection_sa_established_total{connection="rw",sa="child",how="new"}')" \
	"failures=$(awk '/^libreswan_connection_failures_total\{connection="rw"/ {s += $2} END {print s + 0}' "$W/page.txt")" \
	"read=$(value libreswan_events_messages_total) unrecognised=$(value libreswan_events_unrecognised_total)" \
	"dropped=$(value libreswan_events_dropped_total)"
