#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmarks of libreswan_exporter (see bench/README.md). Run through `make bench`, or directly:
#   EXPORTER=src/libreswan_exporter GEN=bench/gen bench/run.sh
#
# Environment:
#   BENCH_QUICK=1          5 s wrk runs, N up to 10k, shorter soaks (for development)
#   BENCH_DURATION=10s     wrk duration per run of section 3 (default 10s, quick 5s; each run is repeated)
#   BENCH_REPEAT=5         repetitions of each timing (median reported; quick 3)
#   BENCH_SECTIONS="parse cycle http stall soak pluto kernel tlssoak storm"   which measurements to run
#                          ("pluto" includes 2b, light on pluto; "plutolight" runs 2b alone)
#   BENCH_LIGHT_CYCLES=10  2b: cycles per measurement; BENCH_LIGHT_INTERVAL=2s: its poll interval
#   BENCH_DIR=DIR          work directory (default: a new /tmp/lsx-bench.XXXXXX, removed at the end
#                          unless BENCH_KEEP=1)
#   BENCH_UPDATE_README=0  do not rewrite the results block of bench/README.md
#   BENCH_PORT=18500       first TCP port to try on 127.0.0.1
# The pluto section needs root, ip(8) with netns support and Libreswan (/usr/libexec/ipsec/pluto);
# it is skipped otherwise. It only uses 192.0.2.0/24 inside a network namespace it creates.
# The kernel section boots the integration tests' VM (tests/integration/vm.sh: root, qemu, Debian's
# cloud kernel, GNU time) and measures the kernel helper against `ip -s xfrm state` there
# (bench/kernel-sad.sh); KERNEL_HELPER is the helper (default: next to EXPORTER).
# The storm section (root, ip, Libreswan, the log helper) runs bench/rw-storm.sh: road warriors
# connecting at once to a real pluto whose log the exporter follows; BENCH_STORM="1000" sets the
# sizes (quick: 200), EVENTS_HELPER the helper (default: next to EXPORTER).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
EXPORTER=${EXPORTER:-$here/../src/libreswan_exporter}
GEN=${GEN:-$here/gen}
KEYDIR=${KEYDIR:-$here/data}
README=${README:-$here/README.md}
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	DUR=${BENCH_DURATION:-5s}; REPEAT=${BENCH_REPEAT:-3}; SIZES="1000 10000"
	SCRAPES=100000; POLLS=1000; PLUTO_SIZES="1000"; STORM=100 # STORM <= 508 (one silent peer each)
	CYCLE_SIZES="10000"; CYCLES_100K=10; CYCLES_10K=20
else
	DUR=${BENCH_DURATION:-10s}; REPEAT=${BENCH_REPEAT:-5}; SIZES="1000 10000 100000"
	SCRAPES=1000000; POLLS=10000; PLUTO_SIZES="1000 10000"; STORM=100 # 250 made pluto 4.10 take 20-60 s per whack
	CYCLE_SIZES="10000 100000"; CYCLES_100K=100; CYCLES_10K=60 # the clock tick is 10 ms: 60 cycles of 20 ms put it within 1%
fi
SECTIONS=${BENCH_SECTIONS:-parse cycle http stall soak pluto kernel tlssoak storm}
LOOPSTALL=${LOOPSTALL:-$here/loopstall.so}
PORT=${BENCH_PORT:-18500}
FAMILIES="3 4 5.1 5.4"
MAIN_FAMILY=4

for f in "$EXPORTER" "$GEN"; do
	[ -x "$f" ] || { echo "run.sh: $f is missing (build with: make src/libreswan_exporter bench/gen)" >&2; exit 2; }
done
if [ -n "${BENCH_DIR:-}" ]; then W=$BENCH_DIR; mkdir -p "$W"; else W=$(mktemp -d /tmp/lsx-bench.XXXXXX); fi
W=$(cd "$W" && pwd)
T=$W/table.md
: > "$T"
pids=()
NS=lsxbench$$

cleanup() {
	local p
	for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
	if [ -n "${PDIR:-}" ] && [ -f "$PDIR/run/pluto.pid" ]; then kill "$(cat "$PDIR/run/pluto.pid")" 2>/dev/null || true; fi
	ip netns del "$NS" 2>/dev/null || true
	rm -f "/dev/shm/lsx-bench-page.$$"
	if [ "${BENCH_KEEP:-0}" != 1 ] && [ -z "${BENCH_DIR:-}" ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }
die_log() { log "run.sh: a server did not start; $1:"; tail -5 "$1" >&2; exit 1; }
out() { printf '%s\n' "$*" >> "$T"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now_ns() { date +%s%N; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b/1048576}'; }
free_port() {
	local p=$PORT
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	PORT=$((p + 1))
	echo "$p"
}
metric() { # FILE NAME{labels} -> value (first match)
	awk -v k="$2" '$1 == k {print $2; exit}' "$1"
}
stat_cpu() { # PID -> utime+stime in clock ticks (self only)
	awk '{print $14 + $15}' "/proc/$1/stat"
}
stat_child_cpu() { # PID -> cutime+cstime (waited-for children)
	awk '{print $16 + $17}' "/proc/$1/stat"
}
# runstat OUTFILE CMD...: runs CMD with stdout to OUTFILE; prints "wall_ms cpu_ms maxrss_kb" of CMD alone
runstat() {
	python3 -c '
import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
t = time.monotonic()
pid = os.fork()
if pid == 0:
    os.dup2(out, 1)
    os.execvp(sys.argv[2], sys.argv[2:])
_, st, ru = os.wait4(pid, 0)
w = time.monotonic() - t
print("%.2f %.2f %d" % (w * 1000, (ru.ru_utime + ru.ru_stime) * 1000, ru.ru_maxrss))
sys.exit(0 if os.waitstatus_to_exitcode(st) == 0 else 1)
' "$@"
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
TICK=$(getconf CLK_TCK)
wait_http() { # URL [tries]
	local i
	for i in $(seq "${2:-200}"); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.05
	done
	return 1
}

gen() { # FAMILY N DIR [SEED]
	[ -f "$3/expect.txt" ] || "$GEN" -n "$2" -f "$1" -o "$3" -k "$KEYDIR" -s "${4:-1}"
}
inputs() { echo "--input.status $1/status.txt --input.trafficstatus $1/trafficstatus.txt --input.globalstatus $1/globalstatus.txt"; }

# Check a page against the generator's expect.txt; prints "ok" or the first mismatch.
verify() { # PAGE DIR
	local page=$1 d=$2 e
	e() { awk -F= -v k="$1" '$1 == k {print $2}' "$d/expect.txt"; }
	local -a checks=(
		"libreswan_parse_errors_total{command=\"status\"}" 0
		"libreswan_parse_errors_total{command=\"trafficstatus\"}" 0
		"libreswan_parse_errors_total{command=\"globalstatus\"}" 0
		libreswan_connections_loaded "$(e loaded)"
		libreswan_connections_active "$(e active)"
		"libreswan_ike_sas{state=\"half_open\"}" "$(e ike_sas_half_open)"
		"libreswan_ike_sas{state=\"authenticated\"}" "$(e ike_sas_authenticated)"
		"libreswan_ipsec_sas{state=\"authenticated\"}" "$(e ipsec_sas)"
	)
	local i got
	for ((i = 0; i < ${#checks[@]}; i += 2)); do
		got=$(metric "$page" "${checks[i]}")
		if [ "$got" != "${checks[i+1]}" ]; then echo "${checks[i]}=$got, want ${checks[i+1]}"; return; fi
	done
	local sums
	sums=$(awk '/^libreswan_connection_in_bytes_total\{/ {i += $2} /^libreswan_connection_out_bytes_total\{/ {o += $2}
		/^libreswan_connection_up\{/ {u += $2} END {printf "%.0f %.0f %d", i, o, u}' "$page")
	local want_up=$(( $(e static_up) + ($(e instances) > 0 ? $(e templates) : 0) ))
	if [ "$sums" != "$(e in_bytes) $(e out_bytes) $want_up" ]; then
		echo "in/out bytes, connections up = $sums, want $(e in_bytes) $(e out_bytes) $want_up"; return
	fi
	echo ok
}

machine() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($cpu); Linux $(uname -r); exporter $("$EXPORTER" --version 2>&1 | head -1)"
}

declare -A R # results for the targets

# ---------------------------------------------------------------------------------------------
# 1. parse + render: --once --input.* per N and family
section_parse() {
	log "== 1. parse + render (--once --input.*), $REPEAT runs each"
	# Timed runs write the page to /dev/null: what a file costs is its file system's work, not the
	# exporter's (ext4 and writeback moved a 72 MB page by tens of ms; tmpfs costs 1.3 ms for the
	# 7 MB page of 10k connections but 28 ms for the 72 MB one of 100k). Alternating runs write it
	# to a file in /dev/shm (or the work directory), for the column that includes that cost and
	# for the checks.
	local PAGE_OUT=$W/page-out.txt
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then PAGE_OUT=/dev/shm/lsx-bench-page.$$; fi
	: > "$W/empty"
	local e="$W/empty" i ws=() cs=() rs=() basew basec
	for i in $(seq "$REPEAT"); do
		read -r w c m < <(runstat "$W/page-empty.txt" "$EXPORTER" --once --input.status "$e" --input.trafficstatus "$e" --input.globalstatus "$e")
		ws+=("$w"); cs+=("$c")
	done
	basew=$(printf '%s\n' "${ws[@]}" | median); basec=$(printf '%s\n' "${cs[@]}" | median)
	out "### 1. Parse + render: \`--once --input.*\` (median of $REPEAT runs; process start-up on empty inputs subtracted: $basec ms CPU, $basew ms wall)"
	out ""
	out "CPU = user+sys of the process (robust against other load on the machine); MB/s = status MB / CPU s."
	out ""
	out "| layout | N | status MB | traffic MB | page MB | CPU ms | wall ms | MB/s of status | CPU ms, page to a file in $(dirname "$PAGE_OUT") | peak RSS MB | RSS bound MB | page check |"
	out "|---|---|---|---|---|---|---|---|---|---|---|---|"
	local fam n d sz tsz psz wall cpu cpuf rss mbs bound chk fs=()
	for fam in $FAMILIES; do
		for n in $SIZES; do
			[ "$n" -gt 10000 ] && [ "$fam" != "$MAIN_FAMILY" ] && continue
			d=$W/gen/$fam-$n
			gen "$fam" "$n" "$d"
			ws=(); cs=(); rs=(); fs=()
			for i in $(seq "$REPEAT"); do
				read -r w c m < <(runstat /dev/null "$EXPORTER" --once $(inputs "$d"))
				ws+=("$w"); cs+=("$c"); rs+=("$m")
				read -r w c m < <(runstat "$PAGE_OUT" "$EXPORTER" --once $(inputs "$d"))
				fs+=("$c")
			done
			cp "$PAGE_OUT" "$d/page.txt"
			rm -f "$PAGE_OUT"
			wall=$(awk -v w="$(printf '%s\n' "${ws[@]}" | median)" -v b="$basew" 'BEGIN{printf "%.1f", w-b}')
			cpu=$(awk -v w="$(printf '%s\n' "${cs[@]}" | median)" -v b="$basec" 'BEGIN{printf "%.1f", w-b}')
			cpuf=$(awk -v w="$(printf '%s\n' "${fs[@]}" | median)" -v b="$basec" 'BEGIN{printf "%.1f", w-b}')
			rss=$(printf '%s\n' "${rs[@]}" | sort -n | tail -1)
			sz=$(stat -c %s "$d/status.txt"); tsz=$(stat -c %s "$d/trafficstatus.txt"); psz=$(stat -c %s "$d/page.txt")
			mbs=$(awk -v s="$sz" -v w="$cpu" 'BEGIN{printf "%.0f", (s/1e6)/(w/1000)}')
			bound=$(awk -v a="$sz" -v b="$tsz" -v g="$(stat -c %s "$d/globalstatus.txt")" -v p="$psz" 'BEGIN{printf "%.0f", (3*(a+b+g+p))/1048576 + 8}')
			chk=$(verify "$d/page.txt" "$d")
			out "| $fam | $n | $(mb "$sz") | $(mb "$tsz") | $(mb "$psz") | $cpu | $wall | $mbs | $cpuf | $(awk -v r="$rss" 'BEGIN{printf "%.1f", r/1024}') | $bound | $chk |"
			log "   layout $fam N=$n: CPU ${cpu} ms (wall $wall ms; ${cpuf} ms with the page to a file), $mbs MB/s, RSS $((rss / 1024)) MB (bound $bound), check: $chk"
			R[parse_ms_${fam}_$n]=$cpu; R[parse_msf_${fam}_$n]=$cpuf; R[parse_mbs_${fam}_$n]=$mbs; R[rss_${fam}_$n]=$((rss / 1024)); R[bound_${fam}_$n]=$bound
			R[check_${fam}_$n]=$chk
		done
	done
	out ""
}

# ---------------------------------------------------------------------------------------------
# 3. /metrics vs nginx serving the same bytes
wrk_run() { # URL OUTFILE [header]
	if [ -n "${3:-}" ]; then wrk -t1 -c64 -d"$DUR" --latency -H "$3" "$1" > "$2" 2>&1
	else wrk -t1 -c64 -d"$DUR" --latency "$1" > "$2" 2>&1; fi
}
wrk_field() { # FILE rps|p50|p99|errors
	case $2 in
	rps) awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1" ;;
	p50|p99) awk -v p="${2#p}%" '$1 == p {v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : 1; printf "%.2f", v*f}' "$1" ;;
	max) awk '$1 == "Latency" && NF >= 4 {v=$4; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : 1; printf "%.1f", v*f; exit}' "$1" ;;
	requests) awk '/requests in/ {print $1}' "$1" ;;
	errors) awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); for (i=1;i<=NF;i++) n+=$i} END {print n+0}' "$1" ;;
	esac
}
start_nginx() { # ROOT PORT
	local root=$1 port=$2 nd=$W/nginx-$2
	mkdir -p "$nd"
	cat > "$nd/nginx.conf" <<-EOF
	worker_processes 1;
	master_process off;
	daemon off;
	pid $nd/nginx.pid;
	error_log $nd/error.log warn;
	events { worker_connections 1024; }
	http {
	    access_log off;
	    client_body_temp_path $nd/client; proxy_temp_path $nd/proxy; fastcgi_temp_path $nd/fcgi;
	    uwsgi_temp_path $nd/uwsgi; scgi_temp_path $nd/scgi;
	    sendfile on; tcp_nopush on;
	    keepalive_requests 10000000; keepalive_timeout 60s;
	    server {
	        listen 127.0.0.1:$port;
	        root $root;
	        location = /metrics { default_type "text/plain; version=0.0.4; charset=utf-8"; gzip_static on; }
	    }
	}
	EOF
	nginx -p "$nd" -c "$nd/nginx.conf" &
	pids+=($!)
	wait_http "http://127.0.0.1:$port/metrics" || die_log "$nd/error.log"
}
start_exporter() { # DIR PORT [extra args] ; sets XPID
	local d=$1 port=$2; shift 2
	# X_PRELOAD: a shim preloaded into the daemon alone (section 3b), with its output file X_STALL_OUT;
	# wrk's 64 connections all come from 127.0.0.1: lift the per-address cap (default 8) above them
	${X_PRELOAD:+env LD_PRELOAD=$X_PRELOAD LOOPSTALL_OUT=$X_STALL_OUT} \
	"$EXPORTER" --web.listen-address="127.0.0.1:$port" --poll.interval=1h --log.level=warn \
		--web.max-connections-per-ip=128 $(inputs "$d") "$@" \
		> "$W/exporter-$port.log" 2>&1 &
	XPID=$!
	pids+=("$XPID")
	wait_http "http://127.0.0.1:$port/-/ready" || die_log "$W/exporter-$port.log"
}
# wrk_server URL OUT PID [header]: one wrk run; also writes the server's CPU microseconds per request to OUT.cpu
wrk_server() {
	local c0 c1 n
	c0=$(stat_cpu "$3")
	wrk_run "$1" "$2" "${4:-}"
	c1=$(stat_cpu "$3")
	n=$(wrk_field "$2" requests)
	awk -v c=$((c1 - c0)) -v t="$TICK" -v n="${n:-0}" 'BEGIN{ if (n > 0) printf "%.0f", c * 1e6 / t / n; else print "nan"}' > "$2.cpu"
}
med_of() { printf '%s\n' "$@" | median; }
section_http() {
	log "== 3. /metrics throughput vs nginx (wrk -t1 -c64 -d$DUR --latency, $REPEAT alternating runs each)"
	out "### 3. \`/metrics\` vs nginx serving the same bytes as a static file (\`wrk -t1 -c64 -d$DUR --latency\`, $REPEAT runs each, exporter and nginx alternating; medians; nginx: 1 worker, sendfile, gzip_static)"
	out ""
	out "| N | encoding | body KB | exporter req/s | nginx req/s | ratio (range over the runs) | exporter p50 / p99 ms | nginx p50 / p99 ms | worst latency ms (x / n) | server CPU us per request (x / n) | errors (x / n) |"
	out "|---|---|---|---|---|---|---|---|---|---|---|"
	local n d xp np root enc hdr body i npid
	for n in 1000 10000; do
		d=$W/gen/$MAIN_FAMILY-$n
		gen "$MAIN_FAMILY" "$n" "$d"
		xp=$(free_port); start_exporter "$d" "$xp"
		root=$W/www-$n; mkdir -p "$root"
		curl -sf -o "$root/metrics" "http://127.0.0.1:$xp/metrics"
		curl -sf -H 'Accept-Encoding: gzip' -D "$root/gz.headers" -o "$root/metrics.gz" "http://127.0.0.1:$xp/metrics"
		grep -qi '^content-encoding: *gzip' "$root/gz.headers" || log "   warning: the exporter did not gzip"
		cmp -s <(gzip -dc "$root/metrics.gz") "$root/metrics" || log "   warning: gzip body differs from the plain page"
		np=$(free_port); start_nginx "$root" "$np"; npid=${pids[-1]}
		for enc in identity gzip; do
			if [ $enc = gzip ]; then hdr='Accept-Encoding: gzip'; body=$(stat -c %s "$root/metrics.gz"); else hdr=''; body=$(stat -c %s "$root/metrics"); fi
			local xr=() nr=() ra=() x50=() x99=() n50=() n99=() xc=() nc=() xmax=0 nmax=0 xe=0 ne=0 f
			for i in $(seq "$REPEAT"); do
				f=$W/wrk-x-$n-$enc-$i.txt; wrk_server "http://127.0.0.1:$xp/metrics" "$f" "$XPID" "$hdr"
				xr+=("$(wrk_field "$f" rps)"); x50+=("$(wrk_field "$f" p50)"); x99+=("$(wrk_field "$f" p99)"); xc+=("$(cat "$f.cpu")")
				xmax=$(awk -v a="$xmax" -v b="$(wrk_field "$f" max)" 'BEGIN{print (b > a) ? b : a}'); xe=$((xe + $(wrk_field "$f" errors)))
				f=$W/wrk-n-$n-$enc-$i.txt; wrk_server "http://127.0.0.1:$np/metrics" "$f" "$npid" "$hdr"
				nr+=("$(wrk_field "$f" rps)"); n50+=("$(wrk_field "$f" p50)"); n99+=("$(wrk_field "$f" p99)"); nc+=("$(cat "$f.cpu")")
				nmax=$(awk -v a="$nmax" -v b="$(wrk_field "$f" max)" 'BEGIN{print (b > a) ? b : a}'); ne=$((ne + $(wrk_field "$f" errors)))
				ra+=("$(awk -v a="${xr[-1]}" -v b="${nr[-1]}" 'BEGIN{printf "%.2f", (b > 0) ? a/b : 0}')")
				log "   N=$n $enc run $i: exporter ${xr[-1]} req/s (p99 ${x99[-1]} ms, ${xc[-1]} us CPU/req), nginx ${nr[-1]} req/s (p99 ${n99[-1]} ms, ${nc[-1]} us CPU/req)"
			done
			local mx mn ratio
			mx=$(med_of "${xr[@]}"); mn=$(med_of "${nr[@]}")
			ratio=$(awk -v a="$mx" -v b="$mn" 'BEGIN{printf "%.2f", a/b}')
			out "| $n | $enc | $((body / 1024)) | $mx | $mn | $ratio ($(printf '%s\n' "${ra[@]}" | sort -g | head -1)–$(printf '%s\n' "${ra[@]}" | sort -g | tail -1)) | $(med_of "${x50[@]}") / $(med_of "${x99[@]}") | $(med_of "${n50[@]}") / $(med_of "${n99[@]}") | $xmax / $nmax | $(med_of "${xc[@]}") / $(med_of "${nc[@]}") | $xe / $ne |"
			R[ratio_${n}_$enc]=$ratio
			R[p99_${n}_$enc]=$(med_of "${x99[@]}")
		done
		kill "$XPID" "$npid" 2>/dev/null || true
		wait "$XPID" "$npid" 2>/dev/null || true
	done
	out ""
}

# ---------------------------------------------------------------------------------------------
# 3b. the event loop's longest turn (bench/loopstall.so preloaded into the daemon)
section_stall() {
	local d xp out=$W/loopstall.txt i pids_c=() line
	if [ ! -f "$LOOPSTALL" ]; then
		log "== 3b. loop stalls: skipped ($LOOPSTALL is missing: make bench builds it)"; return
	fi
	log "== 3b. the event loop's longest turn, 10k page"
	d=$W/gen/$MAIN_FAMILY-10000
	gen "$MAIN_FAMILY" 10000 "$d"
	out "### 3b. The event loop's longest turn (10k page; \`bench/loopstall.so\`: time between sd-event's waits, the daemon thread's CPU time and wall time)"
	out ""
	out "| phase | longest turn: CPU ms | wall ms | turns | turns over 1 ms / 2 ms (wall) |"
	out "|---|---|---|---|---|"
	# (a) serving: the first scrapes of the cycle in three forms at once, then wrk
	: > "$out"
	xp=$(free_port)
	X_PRELOAD=$LOOPSTALL X_STALL_OUT=$out start_exporter "$d" "$xp"
	sleep 0.5
	kill -USR1 "$XPID"; sleep 0.2; curl -sf -o /dev/null "http://127.0.0.1:$xp/-/healthy" || true
	for i in $(seq 8); do curl -sf -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$xp/metrics" & pids_c+=($!); done
	for i in $(seq 4); do curl -sf -o /dev/null -H 'Accept-Encoding: gzip' -H 'Accept: application/openmetrics-text;version=1.0.0' "http://127.0.0.1:$xp/metrics" & pids_c+=($!); done
	for i in $(seq 4); do curl -sf -o /dev/null -H 'Accept: application/openmetrics-text;version=1.0.0' "http://127.0.0.1:$xp/metrics" & pids_c+=($!); done
	wait "${pids_c[@]}"
	wrk -t1 -c64 -d3s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$xp/metrics" > /dev/null 2>&1
	kill -USR1 "$XPID"; sleep 0.2; curl -sf -o /dev/null "http://127.0.0.1:$xp/-/healthy" || true
	kill "$XPID"; wait "$XPID" 2>/dev/null || true
	line=$(sed -n 2p "$out")
	# shellcheck disable=SC2086
	set -- $line
	out "| serving: 16 first scrapes at once (gzip, OpenMetrics, OpenMetrics gzip), then 3 s of wrk -c64 gzip | $1 | $2 | $3 | $4 / $5 |"
	log "   serving: longest turn $1 ms CPU, $2 ms wall"
	R[stall_serve]=$1
	# (b) poll cycles nobody scrapes: reading the input files, parsing, rendering
	: > "$out"
	xp=$(free_port)
	LD_PRELOAD=$LOOPSTALL LOOPSTALL_OUT=$out "$EXPORTER" --web.listen-address="127.0.0.1:$xp" --poll.interval=1s --poll.timeout=5s \
		--log.level=warn $(inputs "$d") > "$W/exporter-stall.log" 2>&1 &
	XPID=$!; pids+=("$XPID")
	sleep 5.5
	kill "$XPID"; wait "$XPID" 2>/dev/null || true
	# shellcheck disable=SC2046
	set -- $(tail -1 "$out")
	out "| 5 poll cycles nobody scrapes (--input.* files: read, parse, render) | $1 | $2 | $3 | $4 / $5 |"
	log "   poll cycles: longest turn $1 ms CPU, $2 ms wall"
	out ""
}

# ---------------------------------------------------------------------------------------------
# 4. RSS over many scrapes and many poll cycles
section_soak() {
	log "== 4. RSS after $SCRAPES scrapes and $POLLS poll cycles"
	out "### 4. Memory over time"
	out ""
	out "| run | RSS before KB | RSS after KB | growth KB | detail |"
	out "|---|---|---|---|---|"
	local d xp before after done_req=0 secs t0 t1 rps
	# (a) scrapes: a 100-connection page, plain text, wrk until $SCRAPES requests
	d=$W/gen/$MAIN_FAMILY-100
	gen "$MAIN_FAMILY" 100 "$d"
	xp=$(free_port); start_exporter "$d" "$xp"
	wrk -t1 -c64 -d2s "http://127.0.0.1:$xp/metrics" > /dev/null 2>&1 # warm-up
	before=$(rss_kb "$XPID")
	t0=$(now_ns)
	while [ "$done_req" -lt "$SCRAPES" ]; do
		wrk -t1 -c64 -d10s "http://127.0.0.1:$xp/metrics" > "$W/wrk-soak.txt" 2>&1
		done_req=$((done_req + $(awk '/requests in/ {print $1}' "$W/wrk-soak.txt")))
	done
	t1=$(now_ns)
	after=$(rss_kb "$XPID")
	secs=$(( (t1 - t0) / 1000000000 ))
	out "| $done_req scrapes (100-connection page, $(stat -c %s "$d/status.txt" | awk '{printf "%d", $1/1024}') KB status) | $before | $after | $((after - before)) | ${secs} s |"
	log "   scrapes: $done_req in ${secs}s, RSS $before -> $after KB"
	R[scrape_growth]=$((after - before)); R[scrape_n]=$done_req
	kill "$XPID"; wait "$XPID" 2>/dev/null || true

	# (b) poll cycles: --poll.interval=1ms over inputs that alternate between two populations
	local a=$W/gen/soak-a b=$W/gen/soak-b cur=$W/gen/soak-cur cycles=0 first=""
	gen "$MAIN_FAMILY" 200 "$a" 1; gen "$MAIN_FAMILY" 200 "$b" 2
	ln -sfn "$a" "$cur"
	xp=$(free_port)
	"$EXPORTER" --web.listen-address="127.0.0.1:$xp" --poll.interval=2ms --poll.timeout=19ms --log.level=warn $(inputs "$cur") > "$W/exporter-soak.log" 2>&1 &
	XPID=$!; pids+=("$XPID")
	wait_http "http://127.0.0.1:$xp/-/ready" || die_log "$W/exporter-soak.log"
	( while :; do ln -sfn "$b" "$cur.new" && mv -T "$cur.new" "$cur"; sleep 0.2; ln -sfn "$a" "$cur.new" && mv -T "$cur.new" "$cur"; sleep 0.2; done ) &
	local swapper=$!; pids+=("$swapper")
	t0=$(now_ns)
	while [ "$cycles" -lt "$POLLS" ]; do
		sleep 1
		cycles=$(curl -sf "http://127.0.0.1:$xp/metrics" | awk '$1 == "libreswan_poll_cycles_total" {print $2}')
		cycles=${cycles%.*}
		if [ -z "$first" ] && [ "${cycles:-0}" -ge 200 ]; then first=$(rss_kb "$XPID"); fi
	done
	t1=$(now_ns)
	after=$(rss_kb "$XPID")
	kill "$swapper" "$XPID"; wait "$XPID" 2>/dev/null || true
	out "| $cycles poll cycles (--poll.interval=2ms, 200 connections, inputs alternating between two populations every 0.2 s; before = after 200 cycles) | $first | $after | $((after - first)) | $(( (t1 - t0) / 1000000000 )) s |"
	log "   polls: $cycles, RSS $first -> $after KB"
	R[poll_growth]=$((after - first)); R[poll_n]=$cycles
	out ""
}

# ---------------------------------------------------------------------------------------------
# 2. real pluto: whack + pluto CPU vs exporter CPU per poll cycle
# storm_start: STORM initiations towards silent peers, asynchronous (the half-open storm)
storm_start() {
	local i
	[ "$STORM" -gt 0 ] || return 0
	for i in $(seq 1 "$STORM"); do
		ip netns exec "$NS" /usr/libexec/ipsec/whack --ctlsocket "$CTL" \
			--name "$(printf 'silent-%04d' "$i")" --initiate --asynchronous > /dev/null 2>&1 || true
	done
	sleep 1
}

pluto_up() { # N -> starts pluto in $NS with N loaded connections
	local n=$1 d=$W/pluto-$1-$STORM i peer
	pluto_down
	PDIR=$d
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$d"; mkdir -p "$d/run" "$d/nss" "$d/ipsec.d"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add v0 type veth peer name v1 # v1 has no address: nobody answers the silent peers
	ip -n "$NS" addr add 192.0.2.1/24 dev v0
	ip -n "$NS" link set v0 up
	ip -n "$NS" link set v1 up
	ip -n "$NS" route add 198.51.100.0/24 dev v0 # silent peers
	ip -n "$NS" route add 203.0.113.0/24 dev v0
	{
		printf 'config setup\n\tlogfile=%s/pluto.log\n\tdumpdir=%s\n\n' "$d" "$d"
		printf 'conn %%default\n\tauthby=secret\n\tikev2=yes\n\tauto=add\n\tleft=192.0.2.1\n\tleftsubnet=192.0.2.0/25\n\n'
		for i in $(seq 1 "$n"); do
			printf 'conn site-%06d\n\tright=192.0.2.%d\n\trightsubnet=192.0.2.%d/32\n\n' "$i" $((130 + i % 120)) $((128 + i % 128))
		done
		for i in $(seq 1 "$STORM"); do
			if [ "$i" -le 254 ]; then peer=198.51.100.$i; else peer=203.0.113.$((i - 254)); fi
			printf 'conn silent-%04d\n\tright=%s\n\n' "$i" "$peer"
		done
	} > "$d/ipsec.conf"
	echo '192.0.2.1 %any : PSK "lsx-bench-lab-secret-0123456789abcdef"' > "$d/ipsec.secrets"
	ipsec initnss --nssdir "$d/nss" > /dev/null 2>&1
	ip netns exec "$NS" /usr/libexec/ipsec/pluto --config "$d/ipsec.conf" --rundir "$d/run" --nssdir "$d/nss" \
		--secretsfile "$d/ipsec.secrets" --ipsecdir "$d/ipsec.d" --logfile "$d/pluto.log" 2>/dev/null
	for i in $(seq 100); do [ -S "$d/run/pluto.ctl" ] && break; sleep 0.1; done
	ip netns exec "$NS" /usr/libexec/ipsec/addconn --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" --autoall > /dev/null 2>&1 || true
	ip netns exec "$NS" /usr/libexec/ipsec/whack --ctlsocket "$d/run/pluto.ctl" --listen > /dev/null
	PLUTO_PID=$(cat "$d/run/pluto.pid")
	CTL=$d/run/pluto.ctl
}
pluto_down() { # stop the previous pluto and wait until it has gone (it unlinks its socket on exit)
	local d=${PDIR:-$W/none} p i
	[ -f "$d/run/pluto.pid" ] || return 0
	p=$(cat "$d/run/pluto.pid")
	kill "$p" 2>/dev/null || true
	for i in $(seq 300); do [ -d "/proc/$p" ] || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null || true
	rm -f "$d/run/pluto.pid"
}
# whack --status alone, K times: prints "whack_ms pluto_ms wall_ms bytes" per call (medians)
whack_cost() {
	local k=$1 i ws=() ps=() walls=() p0 p1 t0 t1
	for i in $(seq "$k"); do
		p0=$(stat_cpu "$PLUTO_PID"); t0=$(now_ns)
		timeout 60 /usr/bin/time -f '%U %S' -o "$W/time.out" /usr/libexec/ipsec/whack --ctlsocket "$CTL" --status > "$W/pluto-status.txt" || echo "0 0" > "$W/time.out"
		t1=$(now_ns); p1=$(stat_cpu "$PLUTO_PID")
		read -r u s < "$W/time.out"
		ws+=("$(awk -v u="$u" -v s="$s" 'BEGIN{print (u+s)*1000}')")
		ps+=("$(( (p1 - p0) * 1000 / TICK ))")
		walls+=("$(( (t1 - t0) / 1000000 ))")
	done
	echo "$(printf '%s\n' "${ws[@]}" | median) $(printf '%s\n' "${ps[@]}" | median) $(printf '%s\n' "${walls[@]}" | median) $(stat -c %s "$W/pluto-status.txt")"
}
# Poll cycles a daemon has finished, from its debug log ("poll cycle N done"). The cycle
# measurements watch the log, not /metrics: a scrape is work of the daemon too (a 10k page is
# 7 MB), and scraping every 50 ms to see a cycle end once counted about 100 scrapes per cycle.
cycles_done() { # LOG
	sed -n 's/.*poll cycle \([0-9]*\) done.*/\1/p' "$1" | tail -1 | awk '{print $1 + 0} END {if (NR == 0) print 0}'
}
wait_cycles() { # LOG N: until the daemon ($XPID) has finished N cycles
	while [ "$(cycles_done "$1")" -lt "$2" ]; do
		kill -0 "$XPID" 2>/dev/null || die_log "$1"
		sleep 0.02
	done
}
# The exporter daemon against the socket for K cycles: per-cycle CPU of the exporter itself
# (utime+stime of its own process), of its whack children (cutime+cstime), and of pluto.
exporter_cycle_cost() {
	local k=$1 interval=$2 xp c0 c1 x0 x1 w0 w1 p0 p1 cyc lg=$W/exporter-pluto.log
	xp=$(free_port)
	mkdir -p "$W/bin"
	printf '#!/bin/sh\nexec /usr/libexec/ipsec/"$@"\n' > "$W/bin/ipsec"; chmod +x "$W/bin/ipsec"
	# whole cycles (--status every cycle): the exporter's cost against pluto's for the same read;
	# section 2b compares them with light cycles
	"$EXPORTER" --web.listen-address="127.0.0.1:$xp" --poll.interval="$interval" --poll.timeout="$3" --log.level=debug \
		--ipsec.command="$W/bin/ipsec" --ipsec.ctlsocket="$CTL" --poll.full-interval=0 > "$lg" 2>&1 &
	XPID=$!; pids+=("$XPID")
	wait_http "http://127.0.0.1:$xp/-/ready" 1200 || die_log "$lg"
	wait_cycles "$lg" 1
	c0=$(( $(cycles_done "$lg") + 1 ))
	wait_cycles "$lg" "$c0" # just after a cycle ended
	x0=$(stat_cpu "$XPID"); w0=$(stat_child_cpu "$XPID"); p0=$(stat_cpu "$PLUTO_PID")
	wait_cycles "$lg" $((c0 + k))
	x1=$(stat_cpu "$XPID"); w1=$(stat_child_cpu "$XPID"); p1=$(stat_cpu "$PLUTO_PID")
	c1=$(cycles_done "$lg")
	cyc=$((c1 - c0))
	curl -sf "http://127.0.0.1:$xp/metrics" > "$W/pluto-page.txt"
	kill "$XPID"; wait "$XPID" 2>/dev/null || true
	echo "$(( (x1 - x0) * 1000 / TICK / cyc )) $(( (w1 - w0) * 1000 / TICK / cyc )) $(( (p1 - p0) * 1000 / TICK / cyc )) $cyc $(metric "$W/pluto-page.txt" libreswan_connections_loaded) $(metric "$W/pluto-page.txt" 'libreswan_parse_errors_total{command="status"}') $(metric "$W/pluto-page.txt" 'libreswan_ike_sas{state="half_open"}')"
}
section_pluto() {
	if [ "$(id -u)" != 0 ] || ! command -v ip > /dev/null || [ ! -x /usr/libexec/ipsec/pluto ]; then
		log "== 2. real pluto: skipped (needs root, ip and Libreswan)"
		out "### 2. Real pluto: skipped (needs root, ip(8) and Libreswan)"; out ""; return
	fi
	log "== 2. real pluto in a network namespace"
	out "### 2. Real pluto ($(/usr/libexec/ipsec/pluto --version 2>&1 | head -1 | awk '{print $1, $2}')) in a network namespace: CPU per poll cycle (half-open: a storm of initiations towards silent peers)"
	out ""
	out "| loaded | half-open | status KB | whack --status CPU ms | pluto CPU ms per --status | exporter cycle: own CPU ms | its whack children ms | pluto ms | exporter / (whack+pluto) | cycles | check |"
	out "|---|---|---|---|---|---|---|---|---|---|---|"
	local n wc xc st half
	local saved_storm=$STORM
	for n in $PLUTO_SIZES; do
		for st in 0 1; do
			if [ "$st" = 1 ]; then STORM=$saved_storm; else STORM=0; fi
			[ "$st" = 1 ] && [ "$n" != "${PLUTO_SIZES%% *}" ] && continue
			log "   pluto with $n connections, storm $STORM"
			pluto_up "$n"
			storm_start
			wc=$(whack_cost 10)
			set -- $wc
			local wms=$1 pms=$2 bytes=$4
			if [ "$n" -ge 10000 ] || [ "$STORM" -gt 0 ]; then xc=$(exporter_cycle_cost 5 4s 30s); else xc=$(exporter_cycle_cost 5 1s 9s); fi
			set -- $xc
			if [ $# -lt 7 ]; then
				log "   the exporter got no answer from pluto: $(tail -1 "$W/exporter-pluto.log")"
				out "| $n+$STORM | $STORM | $((bytes / 1024)) | $wms | $pms | - | - | - | - | - | pluto stopped answering whack during the storm: $(tail -1 "$W/exporter-pluto.log" | cut -c1-80) |"
				continue
			fi
			half=$7
			out "| $5 | $half | $((bytes / 1024)) | $wms | $pms | $1 | $2 | $3 | $(awk -v x="$1" -v w="$2" -v p="$3" 'BEGIN{ if (w+p > 0) printf "%.0f%%", 100*x/(w+p); else print "n/a"}') | $4 | parse errors $6 |"
			log "   whack $wms ms, pluto $pms ms per --status; exporter cycle: self $1 ms, whack $2 ms, pluto $3 ms"
			R[cpu_ratio_${n}_$st]=$(awk -v x="$1" -v w="$2" -v p="$3" 'BEGIN{ if (w+p > 0) printf "%.0f", 100*x/(w+p); else print "nan"}')
		done
	done
	STORM=$saved_storm
	pluto_down
	ip netns del "$NS" 2>/dev/null || true
	out ""
	out "Exporter CPU per cycle = utime+stime of the daemon process, all its threads, over whole poll cycles (its own work:"
	out "reading the three outputs, parsing, the model update and rendering the text page; nobody scrapes, so no OpenMetrics or"
	out "gzip body is made), divided by the number of cycles; whack children = the cutime+cstime delta (the three whack"
	out "commands of each cycle); pluto = pluto's utime+stime delta over the same cycles."
	out "Clock tick: $((1000 / TICK)) ms."
	out ""
}

# ---------------------------------------------------------------------------------------------
# 2b. light on pluto: what the exporter's poll cycles cost pluto, reading pluto whole every cycle
# (--poll.full-interval=0, the cycle of earlier releases) or lightly (the default: the states,
# counts and bytes, the connection list only when they show a change or every 5 minutes), and how
# long a tiny whack command waits meanwhile. Same pluto, the two modes alternating.
sched_ns() { # PID -> CPU time of all its threads in ns (/proc/PID/task/*/schedstat)
	cat /proc/"$1"/task/*/schedstat 2> /dev/null | awk '{s += $1} END {printf "%.0f\n", s}'
}
# probe OUT: `whack --briefstatus` every 0.1 s until killed, the wall time of each call in us in OUT
# (one Python process spawning whack: a shell loop's own forks of date and timeout cost more, and
# vary more, than what is measured)
probe() {
	exec python3 -c '
import subprocess, sys, time
ctl, out = sys.argv[1], open(sys.argv[2], "a", buffering=1)
while True:
    t = time.monotonic()
    try:
        subprocess.run(["/usr/libexec/ipsec/whack", "--ctlsocket", ctl, "--briefstatus"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    except subprocess.TimeoutExpired:
        pass
    out.write("%d\n" % ((time.monotonic() - t) * 1e6))
    time.sleep(0.1)
' "$CTL" "$1"
}
# probe_for SECONDS: the tiny command's "longest_ms median_ms calls" over that long, no exporter
probe_for() {
	local f=$W/probe-alone.txt pp
	: > "$f"
	probe "$f" & pp=$!
	sleep "$1"
	kill "$pp" 2> /dev/null; wait "$pp" 2> /dev/null || true
	probe_stats "$f"
}
probe_stats() { # FILE of microseconds -> "longest_ms median_ms n p99_ms"
	awk '{print $1 / 1000}' "$1" | sort -g | awk '{a[NR] = $1} END {
		if (NR == 0) { print "nan nan 0 nan"; exit }
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		p = int(NR * 0.99 + 0.999); if (p < 1) p = 1; if (p > NR) p = NR
		printf "%.1f %.1f %d %.1f\n", a[NR], m, NR, a[p] }'
}
# idle_cpu SECONDS INTERVAL: pluto's own CPU (ms) per INTERVAL over SECONDS without exporter or probe
idle_cpu() {
	local a b
	a=$(sched_ns "$PLUTO_PID"); sleep "$1"; b=$(sched_ns "$PLUTO_PID")
	awk -v a="$a" -v b="$b" -v s="$1" -v i="$(echo "$2" | sed 's/s$//')" 'BEGIN {printf "%.1f", (b - a) / 1e6 / s * i}'
}
# light_run MODE INTERVAL K: one exporter (MODE full: --poll.full-interval=0; light: the default)
# against $CTL, kernel, events and certificate collectors off; after its first two cycles, K
# cycles to measure pluto's CPU per cycle, then K more with the probe running. Prints
# "pluto_ms_per_cycle longest_ms median_ms probes p99_ms whole_reads cycles"; the probe's times
# are kept in W/probe-MODE-TAG.txt
light_run() {
	local mode=$1 interval=$2 k=$3 xp lg=$W/exporter-light.log c0 c1 p0 p1 f0 f1 pf=$W/probe-exporter.txt pp
	local flags=()
	[ "$mode" = full ] && flags=(--poll.full-interval=0)
	xp=$(free_port)
	mkdir -p "$W/bin"
	printf '#!/bin/sh\nexec /usr/libexec/ipsec/"$@"\n' > "$W/bin/ipsec"; chmod +x "$W/bin/ipsec"
	"$EXPORTER" --web.listen-address="127.0.0.1:$xp" --poll.interval="$interval" --poll.timeout=10s --log.level=debug \
		--ipsec.command="$W/bin/ipsec" --ipsec.ctlsocket="$CTL" --no-collector.kernel --no-collector.events \
		--no-collector.certificates "${flags[@]}" > "$lg" 2>&1 &
	XPID=$!; pids+=("$XPID")
	wait_http "http://127.0.0.1:$xp/-/ready" 1200 || die_log "$lg"
	wait_cycles "$lg" 2
	c0=$(( $(cycles_done "$lg") + 1 ))
	wait_cycles "$lg" "$c0" # just after a cycle ended
	curl -sf "http://127.0.0.1:$xp/metrics" > "$W/light-page0.txt"
	p0=$(sched_ns "$PLUTO_PID")
	wait_cycles "$lg" $((c0 + k))
	p1=$(sched_ns "$PLUTO_PID"); c1=$(cycles_done "$lg")
	: > "$pf"
	probe "$pf" & pp=$!
	wait_cycles "$lg" $((c1 + k))
	kill "$pp" 2> /dev/null; wait "$pp" 2> /dev/null || true
	cp "$pf" "$W/probe-$mode-$4.txt"
	curl -sf "http://127.0.0.1:$xp/metrics" > "$W/light-page1.txt"
	kill "$XPID"; wait "$XPID" 2> /dev/null || true
	f0=$(awk '/^libreswan_poll_full_reads_total/ {s += $2} END {print s + 0}' "$W/light-page0.txt")
	f1=$(awk '/^libreswan_poll_full_reads_total/ {s += $2} END {print s + 0}' "$W/light-page1.txt")
	[ "$mode" = full ] && f0=0 f1=$((2 * k))
	echo "$(awk -v a="$p0" -v b="$p1" -v n="$((c1 - c0))" 'BEGIN {printf "%.1f", (b - a) / 1e6 / n}') $(probe_stats "$pf") $((f1 - f0)) $((c1 - c0))"
}
section_pluto_light() {
	if [ "$(id -u)" != 0 ] || ! command -v ip > /dev/null || [ ! -x /usr/libexec/ipsec/pluto ]; then
		log "== 2b. light on pluto: skipped (needs root, ip and Libreswan)"
		out "### 2b. Light on pluto: skipped (needs root, ip(8) and Libreswan)"; out ""; return
	fi
	local n st saved_storm=$STORM k=${BENCH_LIGHT_CYCLES:-10} interval=${BENCH_LIGHT_INTERVAL:-2s} rep mode
	log "== 2b. light on pluto: whole reads every cycle against light ones, $REPEAT runs each, alternating"
	out "### 2b. Light on pluto ($(/usr/libexec/ipsec/pluto --version 2>&1 | head -1 | awk '{print $1, $2}')): pluto's CPU per steady poll cycle and the longest wait of a tiny whack command, whole reads every cycle against light ones"
	out ""
	out "| loaded | half-open | cycle | pluto CPU ms per cycle | whole reads in $((2 * k)) cycles | tiny whack: longest wait ms | 99th percentile ms | median ms | probes |"
	out "|---|---|---|---|---|---|---|---|---|"
	for n in $PLUTO_SIZES; do
		for st in 0 1; do
			if [ "$st" = 1 ]; then STORM=$saved_storm; else STORM=0; fi
			[ "$st" = 1 ] && [ "$n" != "${PLUTO_SIZES%% *}" ] && continue
			log "   pluto with $n connections, storm $STORM"
			pluto_up "$n"
			storm_start
			local idle
			idle=$(idle_cpu 20 "$interval")
			set -- $(probe_for 20)
			out "| $n | $STORM | none: pluto alone, then the probe alone | $idle (per $interval) | - | $1 | $4 | $2 | $3 |"
			local -A cpu=() longest=() med=() probes=() whole=() p99=()
			for rep in $(seq "$REPEAT"); do
				for mode in full light; do
					set -- $(light_run "$mode" "$interval" "$k" "$n-$STORM-$rep")
					log "   $mode #$rep: pluto $1 ms per cycle, tiny whack longest $2 ms (p99 $5, median $3, $4 calls), $6 whole reads in $((2 * k)) cycles"
					cpu[$mode]="${cpu[$mode]:-} $1"; longest[$mode]="${longest[$mode]:-} $2"; med[$mode]="${med[$mode]:-} $3"
					probes[$mode]="${probes[$mode]:-} $4"; p99[$mode]="${p99[$mode]:-} $5"; whole[$mode]="${whole[$mode]:-} $6"
				done
			done
			for mode in full light; do
				local c l m pr wh q lr
				c=$(echo ${cpu[$mode]} | tr ' ' '\n' | median); l=$(echo ${longest[$mode]} | tr ' ' '\n' | median)
				m=$(echo ${med[$mode]} | tr ' ' '\n' | median); pr=$(echo ${probes[$mode]} | tr ' ' '\n' | median)
				wh=$(echo ${whole[$mode]} | tr ' ' '\n' | median); q=$(echo ${p99[$mode]} | tr ' ' '\n' | median)
				lr=$(echo ${longest[$mode]} | tr ' ' '\n' | sort -g | awk 'NR == 1 {a = $1} {b = $1} END {print a "-" b}')
				out "| $n | $STORM | $([ "$mode" = full ] && echo "whole every cycle" || echo light) | $c | $wh | $l ($lr) | $q | $m | $pr |"
				R[light_cpu_${mode}_${n}_$st]=$c; R[light_wait_${mode}_${n}_$st]=$l
			done
		done
	done
	STORM=$saved_storm
	pluto_down
	ip netns del "$NS" 2>/dev/null || true
	out ""
	out "Medians of $REPEAT runs per mode (the longest wait: median, then the range over the runs), the modes alternating on"
	out "the same pluto; poll interval $interval, kernel, events and certificate collectors off. Pluto CPU = the sum of its"
	out "threads' run time (/proc/PID/task/*/schedstat) over $k whole poll cycles after the first two, divided by the cycles:"
	out "what pluto does meanwhile of its own is in it (the \"none\" rows: pluto alone over 20 s, per interval); the tiny"
	out "command = \`whack --briefstatus\` every 0.1 s during the next $k cycles, its wall time (spawning whack included: see"
	out "the probe alone over 20 s). A whole read costs pluto what it cost before light cycles existed: the \"whole every"
	out "cycle\" rows. In the half-open storm pluto itself stops answering for seconds at a time (its retransmissions and"
	out "new attempts): the probe alone shows it."
	out ""
	if [ -n "${R[light_cpu_light_10000_0]:-}" ]; then
		out "| target (10k loaded, light cycles) | result | met |"
		out "|---|---|---|"
		out "| pluto CPU per steady cycle <= 30 ms | ${R[light_cpu_light_10000_0]} ms (whole every cycle: ${R[light_cpu_full_10000_0]} ms) | $(awk -v v="${R[light_cpu_light_10000_0]}" 'BEGIN {print (v <= 30) ? "yes" : "**no**"}') |"
		out "| longest wait of a tiny whack <= 50 ms | ${R[light_wait_light_10000_0]} ms (whole every cycle: ${R[light_wait_full_10000_0]} ms) | $(awk -v v="${R[light_wait_light_10000_0]}" 'BEGIN {print (v <= 50) ? "yes" : "**no**"}') |"
		out ""
	fi
}

# ---------------------------------------------------------------------------------------------
# 1b. the daemon's poll cycle on generated output through a child (as whack's would arrive)
section_cycle() {
	log "== 1b. daemon CPU per poll cycle, generated layout $MAIN_FAMILY output through a child"
	out "### 1b. Daemon poll cycle: generated layout $MAIN_FAMILY output printed by a child (\`cat\` standing in for whack), nobody scraping"
	out ""
	out "| N | status MB | page MB | cycles | daemon CPU ms per cycle | user / sys ms | peak RSS MB | RSS bound MB |"
	out "|---|---|---|---|---|---|---|---|"
	local n d xp lg k interval c0 u0 s0 u1 s1 hwm sz psz bound cyc
	for n in $CYCLE_SIZES; do
		d=$W/gen/$MAIN_FAMILY-$n
		gen "$MAIN_FAMILY" "$n" "$d"
		[ -f "$d/page.txt" ] || "$EXPORTER" --once $(inputs "$d") > "$d/page.txt"
		mkdir -p "$W/bin"
		printf '#!/bin/sh\n# whack [--ctlsocket S] --CMD: the saved output of --CMD\nshift; [ "$1" = --ctlsocket ] && shift 2\nexec cat "%s/${1#--}.txt"\n' "$d" > "$W/bin/fake-ipsec-$n"
		chmod +x "$W/bin/fake-ipsec-$n"
		local timeout
		if [ "$n" -ge 100000 ]; then k=$CYCLES_100K; interval=1500ms; timeout=14s; else k=$CYCLES_10K; interval=300ms; timeout=2s; fi
		xp=$(free_port); lg=$W/exporter-cycle-$n.log
		# whole cycles, as measured before light ones existed (the saved status is all there is)
		"$EXPORTER" --web.listen-address="127.0.0.1:$xp" --poll.interval="$interval" --poll.timeout="$timeout" --log.level=debug \
			--ipsec.command="$W/bin/fake-ipsec-$n" --no-collector.kernel --poll.full-interval=0 > "$lg" 2>&1 &
		XPID=$!; pids+=("$XPID")
		wait_cycles "$lg" 1
		c0=$(( $(cycles_done "$lg") + 1 ))
		wait_cycles "$lg" "$c0"
		read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$XPID/stat")
		wait_cycles "$lg" $((c0 + k))
		read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$XPID/stat")
		cyc=$(( $(cycles_done "$lg") - c0 ))
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$XPID/status")
		grep -q "poll cycle still running" "$lg" && log "   (a cycle overran its interval)"
		kill "$XPID"; wait "$XPID" 2>/dev/null || true
		sz=$(stat -c %s "$d/status.txt"); psz=$(stat -c %s "$d/page.txt")
		bound=$(awk -v a="$sz" -v b="$(stat -c %s "$d/trafficstatus.txt")" -v g="$(stat -c %s "$d/globalstatus.txt")" -v p="$psz" 'BEGIN{printf "%.0f", (3*(a+b+g+p))/1048576 + 8}')
		local ms us ss
		ms=$(awk -v a=$((u1 + s1 - u0 - s0)) -v n="$cyc" -v t="$TICK" 'BEGIN{printf "%.1f", a*1000/t/n}')
		us=$(awk -v a=$((u1 - u0)) -v n="$cyc" -v t="$TICK" 'BEGIN{printf "%.1f", a*1000/t/n}')
		ss=$(awk -v a=$((s1 - s0)) -v n="$cyc" -v t="$TICK" 'BEGIN{printf "%.1f", a*1000/t/n}')
		out "| $n | $(mb "$sz") | $(mb "$psz") | $cyc | $ms | $us / $ss | $(awk -v r="$hwm" 'BEGIN{printf "%.1f", r/1024}') | $bound |"
		log "   N=$n: $ms ms per cycle ($us user, $ss sys) over $cyc cycles, peak RSS $((hwm / 1024)) MB (bound $bound)"
		R[cycle_ms_$n]=$ms; R[cycle_hwm_$n]=$((hwm / 1024)); R[cycle_bound_$n]=$bound; R[cycle_n_$n]=$cyc
	done
	out ""
	out "CPU = utime+stime of the daemon process (not its children) over whole poll cycles; the clock tick is"
	out "$((1000 / TICK)) ms. Peak RSS = VmHWM after the cycles (the first cycle included); the bound is 3 x (input + page) + 8 MB."
	out ""
}

# ---------------------------------------------------------------------------------------------
# 5. the kernel collector: the helper against ip -s xfrm state, in the VM (ESP needs its kernel)
section_kernel() {
	local vm=$here/../tests/integration/vm.sh sizes="10000 100000" line
	[ "$QUICK" = 1 ] && sizes="1000 10000"
	if [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 > /dev/null || [ ! -x /usr/bin/time ]; then
		log "== 5. kernel read: skipped (needs root, qemu-system-x86_64, GNU time)"
		out "### 5. Kernel read: skipped (needs root, qemu and the cloud kernel of the VM scenarios, GNU time)"; out ""; return
	fi
	log "== 5. kernel read in the VM: $sizes SAs"
	EXPORTER=$EXPORTER LSX_KERNEL_HELPER=${KERNEL_HELPER:-$(dirname "$EXPORTER")/xfrm-helper} LSX_BENCH_SAS="$sizes" \
		LSX_BENCH_REPEAT=$REPEAT LSX_VM_MEM=3072 LSX_SCENARIO_TIMEOUT=1500 LSX_VM_TIMEOUT=1800 \
		bash "$vm" -v "$here/kernel-sad.sh" > "$W/kernel-vm.log" 2>&1 || { log "   the VM run failed:"; tail -20 "$W/kernel-vm.log" >&2; }
	out "### 5. Kernel read (kernel collector) in the test VM (software emulation: compare the rows, not with the host): $REPEAT runs, medians"
	out ""
	out "| SAs | helper output KB | helper wall ms | helper CPU ms | helper peak RSS KB | \`ip -s xfrm state\` wall ms | its CPU ms | its peak RSS KB | exporter parse+join+render (--once --input.kernel) CPU ms | its peak RSS KB |"
	out "|---|---|---|---|---|---|---|---|---|---|"
	grep -o 'BENCH kernel .*' "$W/kernel-vm.log" | while read -r line; do
		set -- $line
		local -A k=()
		local kv
		for kv in "${@:3}"; do k[${kv%%=*}]=${kv#*=}; done
		out "| ${k[sas]} | $((k[out_bytes] / 1024)) | $(awk -v v="${k[helper_wall]}" 'BEGIN{printf "%.0f", v*1000}') | $(awk -v v="${k[helper_cpu]}" 'BEGIN{printf "%.0f", v*1000}') | ${k[helper_rss_kb]} | $(awk -v v="${k[ip_wall]}" 'BEGIN{printf "%.0f", v*1000}') | $(awk -v v="${k[ip_cpu]}" 'BEGIN{printf "%.0f", v*1000}') | ${k[ip_rss_kb]} | $(awk -v v="${k[parse_cpu]}" 'BEGIN{printf "%.0f", v*1000}') | ${k[parse_rss_kb]} |"
	done
	out ""
}

# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# 6. RSS over many scrapes over TLS with basic auth (tests/daemon/abuse.py soak)
section_tlssoak() {
	local work=$W/tlssoak warm soak
	if ! command -v openssl > /dev/null || ! command -v python3 > /dev/null; then
		log "== 6. TLS soak: skipped (needs openssl and python3)"
		out "### 6. Memory over scrapes over TLS with basic auth: skipped (needs openssl and python3)"; out ""; return
	fi
	log "== 6. RSS over $SCRAPES scrapes over TLS with basic auth"
	mkdir -p "$work"
	if ! EXPORTER=$EXPORTER TOP_SRCDIR=$here/.. WORK=$work python3 "$here/../tests/daemon/abuse.py" soak "$SCRAPES" \
		> "$W/tlssoak.log" 2>&1; then
		log "   the soak failed:"; tail -20 "$W/tlssoak.log" >&2
	fi
	# "# warm-up: N scrapes in S s; RSS A kB at start, B kB after warm-up"
	# "# soak: N scrapes over TLS with basic auth in S s (R/s), E errors; RSS C kB (+D kB since the warm-up)"
	warm=$(sed -n 's/^# warm-up: \([0-9]*\) scrapes in .*; RSS \([0-9]*\) kB at start, \([0-9]*\) kB after.*/\1 \2 \3/p' "$W/tlssoak.log")
	soak=$(sed -n 's/^# soak: \([0-9]*\) scrapes .* in \([0-9.]*\) s (\([0-9]*\)\/s), \([0-9]*\) errors; RSS \([0-9]*\) kB (\([-+0-9]*\) kB.*/\1 \2 \3 \4 \5 \6/p' "$W/tlssoak.log")
	out "### 6. Memory over scrapes over TLS with basic auth (\`tests/daemon/abuse.py soak\`: 4 clients, keep-alive, a new handshake every 100 scrapes, gzip, bcrypt cost 10, P-256 keys)"
	out ""
	out "| scrapes | RSS at start KB | after the warm-up KB | at the end KB | growth since the warm-up KB | scrapes/s | errors |"
	out "|---|---|---|---|---|---|---|"
	if [ -n "$warm" ] && [ -n "$soak" ]; then
		# shellcheck disable=SC2086
		set -- $warm $soak
		out "| $4 (warm-up $1) | $2 | $3 | $8 | $9 | $6 | $7 |"
		log "   $4 scrapes, RSS $3 -> $8 KB ($9 KB), $6/s, $7 errors"
		R[tls_growth]=${9#+}; R[tls_n]=$4
	else
		out "| failed: see the log | | | | | | |"
	fi
	out ""
}

# ---------------------------------------------------------------------------------------------
# 7. a storm of road warriors: what following pluto's log costs, next to what the storm costs pluto
section_storm() {
	local sizes=${BENCH_STORM:-1000} n i line runs kv
	local helper=${EVENTS_HELPER:-$(dirname "$EXPORTER")/plutolog-helper}
	[ "$QUICK" = 1 ] && sizes=${BENCH_STORM:-200}
	if [ "$(id -u)" != 0 ] || ! command -v ip > /dev/null || [ ! -x /usr/libexec/ipsec/pluto ] || [ ! -x "$helper" ]; then
		log "== 7. road-warrior storm: skipped (needs root, ip, Libreswan and the log helper)"
		out "### 7. A storm of road warriors: skipped (needs root, ip(8), Libreswan and the log helper)"; out ""; return
	fi
	log "== 7. road-warrior storm: $sizes road warriors, $REPEAT runs each"
	out "### 7. A storm of road warriors connecting at once to a real pluto ($(/usr/libexec/ipsec/pluto --version 2>&1 | head -1 | awk '{print $1, $2}')), the exporter following its log (\`bench/rw-storm.sh\`; $REPEAT runs, medians)"
	out ""
	out "| road warriors | storm s | pluto CPU ms | exporter event loop CPU ms (its idle CPU subtracted) | log helper CPU ms | exporter / pluto | whole daemon utime+stime ms | log lines | log KB | IKE SAs counted (pluto's log says) | failures counted | unrecognised |"
	out "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for n in $sizes; do
		runs=$W/storm-$n.txt
		: > "$runs"
		for i in $(seq "$REPEAT"); do
			rm -rf "$W/storm"; mkdir -p "$W/storm"
			if line=$(WORK_DIR=$W/storm EXPORTER=$EXPORTER EVENTS_HELPER=$helper bash "$here/rw-storm.sh" "$n" 2> "$W/storm.err" | grep '^BENCH storm '); then
				echo "$line" >> "$runs"
				log "   $line"
			else
				log "   run $i failed: $(tail -3 "$W/storm.err")"
			fi
		done
		[ -s "$runs" ] || { out "| $n | failed: see the log | | | | | | | | | | |"; continue; }
		# the median of each figure over the runs
		med() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$runs" | median; }
		local p x idle h xn ratio
		p=$(med pluto_ms); x=$(med loop_ms); idle=$(med idle_ms); h=$(med helper_ms)
		xn=$(awk -v x="$x" -v i="$idle" 'BEGIN{v = x - i; if (v < 0) v = 0; printf "%.1f", v}')
		ratio=$(awk -v x="$xn" -v h="$h" -v p="$p" 'BEGIN{ if (p > 0) printf "%.1f%%", 100 * (x + h) / p; else print "n/a"}')
		out "| $n | $(med storm_s) | $p | $xn ($x - $idle) | $h | $ratio | $(med daemon_ms) | $(med lines) | $(med log_kb) | $(med ike_new) ($(med pluto_established)) | $(med failures) | $(med unrecognised) |"
		R[storm_ratio_$n]=$(awk -v x="$xn" -v h="$h" -v p="$p" 'BEGIN{ if (p > 0) printf "%.1f", 100 * (x + h) / p; else print "nan"}')
		R[storm_counted_$n]="$(med ike_new)/$(med pluto_established)"
	done
	out ""
	out "pluto CPU = the gateway pluto's utime+stime (all its threads) from the storm's start until its log has been quiet for"
	out "2 s; exporter event loop = the CPU time of the daemon's main thread (schedstat, ns), where pluto's messages are read,"
	out "classified and counted, over the same time plus 3 s (the last lines read), minus its idle CPU over as long (polls of a"
	out "saved status, timers) measured just before; log helper = its schedstat CPU time over that time; whole daemon = its"
	out "utime+stime (clock tick $((1000 / TICK)) ms), polls and their threads included."
	out ""
}

targets() {
	local n10=${R[parse_ms_${MAIN_FAMILY}_10000]:-} n100=${R[parse_ms_${MAIN_FAMILY}_100000]:-}
	out "### Targets"
	out ""
	out "| target | result | met |"
	out "|---|---|---|"
	yn() { awk "BEGIN{print ($1) ? \"yes\" : \"**no**\"}"; }
	if [ -n "$n10" ]; then
		local k all="" low=""
		for k in "${!R[@]}"; do
			case $k in parse_mbs_*_10000|parse_mbs_*_100000)
				all="$all ${k#parse_mbs_}=${R[$k]}"
				awk -v v="${R[$k]}" 'BEGIN{exit !(v < 600)}' && low="$low ${k#parse_mbs_}" ;;
			esac
		done
		all=$(echo "$all" | tr ' ' '\n' | sort -V | tr '\n' ' ' | sed 's/^ //; s/ $//; s/_/ N=/g')
		out "| \`--once\` parse + render >= 600 MB/s of status text, every layout, N >= 10k | ${all} MB/s | $(yn "\"$low\" == \"\"") |"
		out "| 10k connections < 100 ms | $n10 ms | $(yn "$n10 < 100") |"
		if [ -n "$n100" ]; then
			local f10=${R[parse_msf_${MAIN_FAMILY}_10000]} f100=${R[parse_msf_${MAIN_FAMILY}_100000]}
			out "| 100k <= 10.5 x the 10k time | $n100 ms = $(awk -v a="$n100" -v b="$n10" 'BEGIN{printf "%.1f", a/b}') x (with the page to a file: $f100 ms = $(awk -v a="$f100" -v b="$f10" 'BEGIN{printf "%.1f", a/b}') x) | $(yn "$n100 <= 10.5 * $n10") |"
		fi
		local worst="" k
		for k in "${!R[@]}"; do
			case $k in rss_*) local key=${k#rss_}
				if [ "${R[$k]}" -gt "${R[bound_$key]}" ]; then worst="$worst $key(${R[$k]}>${R[bound_$key]})"; fi ;;
			esac
		done
		out "| peak RSS <= 3 x (input + page) + 8 MB | ${worst:-all runs within the bound} | $([ -z "$worst" ] && echo yes || echo '**no**') |"
		local bad=""
		for k in "${!R[@]}"; do case $k in check_*) [ "${R[$k]}" = ok ] || bad="$bad ${k#check_}";; esac; done
		out "| generated outputs parse with 0 errors and the right counts | ${bad:-all layouts and sizes} | $([ -z "$bad" ] && echo yes || echo '**no**') |"
	fi
	if [ -n "${R[cycle_ms_10000]:-}" ]; then
		out "| daemon CPU per poll cycle, 10k generated through a child, <= 20 ms | ${R[cycle_ms_10000]} ms | $(yn "${R[cycle_ms_10000]} <= 20") |"
	fi
	if [ -n "${R[cycle_hwm_100000]:-}" ]; then
		out "| daemon peak RSS over ${R[cycle_n_100000]} cycles at 100k <= 3 x (input + page) + 8 MB | ${R[cycle_hwm_100000]} MB (bound ${R[cycle_bound_100000]} MB) | $(yn "${R[cycle_hwm_100000]} <= ${R[cycle_bound_100000]}") |"
	fi
	if [ -n "${R[scrape_growth]:-}" ]; then
		out "| RSS flat over ${R[scrape_n]} scrapes | +${R[scrape_growth]} KB | $(yn "${R[scrape_growth]} <= 1024") |"
		out "| RSS flat over ${R[poll_n]} poll cycles | +${R[poll_growth]} KB | $(yn "${R[poll_growth]} <= 1024") |"
	fi
	if [ -n "${R[tls_growth]:-}" ]; then
		out "| RSS flat over ${R[tls_n]} scrapes over TLS with basic auth | ${R[tls_growth]} KB | $(yn "${R[tls_growth]} <= 1024") |"
	fi
	if [ -n "${R[cpu_ratio_1000_0]:-}" ]; then
		local k s=""
		for k in "${!R[@]}"; do case $k in cpu_ratio_*) s="$s ${k#cpu_ratio_}=${R[$k]}%";; esac; done
		out "| exporter CPU per cycle <= 10% of whack+pluto | $(echo "$s" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/_0=/ loaded: /g; s/_1=/ +storm: /g') | $(yn "$(for k in "${!R[@]}"; do case $k in cpu_ratio_*) printf '%s <= 10 && ' "${R[$k]}";; esac; done) 1") |"
	fi
	if [ -n "${R[storm_ratio_1000]:-}" ]; then
		local sc=${R[storm_counted_1000]}
		out "| a storm of 1,000 road warriors: exporter + log helper CPU <= 5% of pluto's, every IKE SA counted | ${R[storm_ratio_1000]}%, counted ${sc%/*} of ${sc#*/} | $(yn "${R[storm_ratio_1000]} <= 5 && ${sc%/*}0 == ${sc#*/}0") |"
	fi
	if [ -n "${R[ratio_1000_identity]:-}" ]; then
		out "| /metrics req/s >= 80% of nginx (same body) | 1k: ${R[ratio_1000_identity]} plain, ${R[ratio_1000_gzip]} gzip; 10k: ${R[ratio_10000_identity]} plain, ${R[ratio_10000_gzip]} gzip | $(yn "${R[ratio_1000_identity]} >= 0.8 && ${R[ratio_1000_gzip]} >= 0.8 && ${R[ratio_10000_identity]} >= 0.8 && ${R[ratio_10000_gzip]} >= 0.8") |"
		out "| p99 < 5 ms at 64 connections, 1k page | ${R[p99_1000_identity]} ms plain, ${R[p99_1000_gzip]} ms gzip | $(yn "${R[p99_1000_identity]} < 5 && ${R[p99_1000_gzip]} < 5") |"
	fi
	out ""
}

{
	echo "Machine: $(machine)"
	echo ""
	echo "Mode: $([ "$QUICK" = 1 ] && echo "quick (BENCH_QUICK=1)" || echo full); wrk duration $DUR; timings are medians of $REPEAT runs."
	echo ""
} >> "$T"
for s in parse cycle http stall soak pluto kernel tlssoak storm; do
	case " $SECTIONS " in *" $s "*) "section_$s" ;; esac
done
# 2b runs with section 2 ("pluto"), or alone as "plutolight"
case " $SECTIONS " in *" pluto "* | *" plutolight "*) section_pluto_light ;; esac
targets

echo
cat "$T"
if [ "${BENCH_UPDATE_README:-1}" = 1 ] && [ -f "$README" ] && grep -q '<!-- bench:results:begin -->' "$README"; then
	awk -v t="$T" '
		/<!-- bench:results:begin -->/ {print; while ((getline l < t) > 0) print l; skip=1; next}
		/<!-- bench:results:end -->/ {skip=0}
		!skip {print}' "$README" > "$README.new" && mv "$README.new" "$README"
	log "updated $README"
fi
