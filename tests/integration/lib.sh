# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Integration harness: real Libreswan pluto daemons in network namespaces, the real exporter
# against them, and checks that compare the exporter's page with what pluto and the kernel say.
#
# Source this file from bash (tests/integration/run.sh does it for every scenario); it sources
# tests/lib/common.sh (fail, skip, poll_until, metric, exporter_run, the exit trap), next to it in
# the tree and in the VM's payload. Everything a run creates is named after a unique run id
# (namespaces "lsx-<id>-<name>", the scratch directory WORK) and removed on exit, Ctrl-C included.
#
# Vocabulary (see README.md for the full reference):
#   topology:  lsx_ns, lsx_link, lsx_addr, lsx_in, lsx_pair, lsx_tunnels
#   pluto:     lsx_pluto_new, lsx_conf, lsx_conf_both, lsx_secret, lsx_pluto_start, lsx_pluto_stop,
#              lsx_pluto_restart, lsx_pluto_freeze, lsx_pluto_thaw, lsx_whack, lsx_initiate
#   exporter:  lsx_exporter_start, lsx_exporter_alive, lsx_scrape, lsx_page, metric (common.sh)
#   traffic:   lsx_ping, lsx_bg
#   pluto's and the kernel's view: lsx_pluto_status_counts, lsx_pluto_count, lsx_pluto_connections,
#              lsx_pluto_sa_counts, lsx_pluto_traffic_sums, lsx_pluto_spis, lsx_xfrm_conn_sums,
#              lsx_xfrm_conn_errors, lsx_kernel_helper
#   checks:    lsx_expect, lsx_expect_metric, lsx_expect_metric_now, lsx_expect_bytes,
#              lsx_wait_until, lsx_wait_child_sas, lsx_check_against_pluto, lsx_check_traffic,
#              lsx_check_traffic_xfrm, lsx_check_packets_xfrm, lsx_check_monotonic, lsx_fail
#   common.sh: fail (a broken precondition: the scenario stops), skip, poll_until, metric
#
# Addresses used by the helpers come only from 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24,
# and only inside the namespaces the harness creates.

LSX_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${TOP_SRCDIR:=$(cd "$LSX_LIBDIR/../.." && pwd)}"
# shellcheck source=../lib/common.sh
. "$LSX_LIBDIR/../lib/common.sh"
LSX_PLUTO=${LSX_PLUTO:-/usr/libexec/ipsec/pluto}
LSX_WHACK=${LSX_WHACK:-/usr/libexec/ipsec/whack}
LSX_ADDCONN=${LSX_ADDCONN:-/usr/libexec/ipsec/addconn}
LSX_IPSEC=${LSX_IPSEC:-ipsec}
LSX_PSK=${LSX_PSK:-lsx-integration-secret-0123456789abcdef}
LSX_POLL_INTERVAL=${LSX_POLL_INTERVAL:-1s}
LSX_POLL_TIMEOUT=${LSX_POLL_TIMEOUT:-2s}
LSX_WAIT=${LSX_WAIT:-30}           # default bound of every wait, seconds
LSX_POLL_STEP=0.2                  # between two tries of a wait (common.sh's poll_until)
LSX_PING=${LSX_PING:-$(command -v ping || echo busybox ping)}
# LSX_CONN_OPTIONS: "key=value" words added to every conn written by lsx_conn_* (e.g. cheaper
# algorithms for slow emulated machines: "ike=aes128-sha2_256;dh19 esp=aes_gcm128 pfs=no")
LSX_CONN_OPTIONS=${LSX_CONN_OPTIONS:-}

LSX_FAILS=0

# --- messages -------------------------------------------------------------------------------

lsx_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
lsx_note() { lsx_log "  $*"; }
# A failed expectation: recorded, the scenario continues and fails at the end. (A broken
# precondition stops the scenario: common.sh's fail.)
lsx_fail() { LSX_FAILS=$((LSX_FAILS + 1)); lsx_log "  FAILED: $*"; }

# --- run lifetime ---------------------------------------------------------------------------

# lsx_setup: the scratch directory WORK, a unique id, the clean-up of what the scenario starts.
# Called once per scenario.
lsx_setup() {
	LSX_ID=${LSX_ID:-$(printf '%04x%04x' $$ $((RANDOM)))}
	LSX_ID=${LSX_ID:0:8}
	work_dir "$LSX_ID"
	# traversable (not readable) so that an unprivileged exporter reaches the sockets' mode bits
	chmod 0711 "$WORK"
	LSX_NAMESPACES=()
	LSX_PLUTOS=()
	LSX_BG_PIDS=()
	at_exit lsx_cleanup
}

# lsx_cleanup: background commands, plutos and namespaces (common.sh stops the exporters first)
lsx_cleanup() {
	local n p
	for p in "${LSX_BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for n in "${LSX_PLUTOS[@]}"; do
		p=$(lsx_pluto_pid "$n" 2>/dev/null) || continue
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	for n in "${LSX_PLUTOS[@]}"; do
		p=$(lsx_pluto_pid "$n" 2>/dev/null) || continue
		poll_until 2 gone "$p" || kill -KILL "$p" 2>/dev/null
	done
	for n in "${LSX_NAMESPACES[@]}"; do
		# processes still inside (ping loops started by scenarios) go with the namespace
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
}

# lsx_bg CMD...: run CMD in the background for the rest of the scenario (killed by cleanup).
lsx_bg() { "$@" & LSX_BG_PIDS+=($!); }

# lsx_wait_until SECONDS DESCRIPTION CMD...: poll CMD until it succeeds; on timeout record a
# failure naming DESCRIPTION and return 1.
lsx_wait_until() {
	local limit=$1 desc=$2; shift 2
	poll_until "$limit" "$@" || { lsx_fail "timed out after ${limit}s waiting for: $desc"; return 1; }
}

# --- topology -------------------------------------------------------------------------------

# lsx_nsname NAME: the real namespace name of the harness namespace NAME
lsx_nsname() { echo "lsx-$LSX_ID-$1"; }

# lsx_ns NAME...: create namespaces with loopback up
lsx_ns() {
	local n ns
	for n in "$@"; do
		ns=$(lsx_nsname "$n")
		ip netns add "$ns" || fail "ip netns add $ns failed"
		LSX_NAMESPACES+=("$ns")
		ip -n "$ns" link set lo up
	done
}

# lsx_in NAME CMD...: run CMD inside namespace NAME
lsx_in() { local ns; ns=$(lsx_nsname "$1"); shift; ip netns exec "$ns" "$@"; }

# lsx_link A ADDR_A/PLEN B ADDR_B/PLEN: veth pair between namespaces A and B (device "to-B" in A,
# "to-A" in B; names are cut to 15 characters), addresses assigned, links up.
lsx_link() {
	local a=$1 aa=$2 b=$3 ba=$4 da db
	da="to-$b"; db="to-$a"; da=${da:0:15}; db=${db:0:15}
	ip link add "$da" netns "$(lsx_nsname "$a")" type veth peer name "$db" netns "$(lsx_nsname "$b")" ||
		fail "veth $a<->$b failed"
	ip -n "$(lsx_nsname "$a")" addr add "$aa" dev "$da"
	ip -n "$(lsx_nsname "$b")" addr add "$ba" dev "$db"
	ip -n "$(lsx_nsname "$a")" link set "$da" up
	ip -n "$(lsx_nsname "$b")" link set "$db" up
}

# lsx_addr NAME ADDR/PLEN [DEV]: extra address (default on lo)
lsx_addr() { ip -n "$(lsx_nsname "$1")" addr add "$2" dev "${3:-lo}"; }

# --- pluto instances ------------------------------------------------------------------------

lsx_pdir() { echo "$WORK/pluto-$1"; }
# lsx__lsw NAME TOOL: the Libreswan program TOOL (PLUTO, WHACK, ADDCONN or IPSEC) of pluto NAME:
# LSX_<TOOL>_<NAME> when set (pairs of different releases, e.g. LSX_PLUTO_west), else LSX_<TOOL>
lsx__lsw() { local v="LSX_$2_${1//[^A-Za-z0-9_]/_}" d="LSX_$2"; printf '%s' "${!v:-${!d}}"; }
lsx_ctl() { echo "$WORK/pluto-$1/run/pluto.ctl"; }
lsx_pluto_pid() { local f; f="$(lsx_pdir "$1")/run/pluto.pid"; [ -s "$f" ] && cat "$f"; }

# lsx_pluto_new NAME NS [SETUP_LINE...]: a pluto instance NAME living in namespace NS, with its own
# configuration, secrets, NSS database, run directory and log. SETUP_LINEs go into "config
# setup" (e.g. "ikev1-policy=accept"). Connections are added with lsx_conf; nothing starts yet.
lsx_pluto_new() {
	local name=$1 ns=$2; shift 2
	local d; d=$(lsx_pdir "$name")
	mkdir -p "$d/run" "$d/nss" "$d/ipsec.d"
	echo "$ns" > "$d/ns"
	{
		printf 'config setup\n\tlogfile=%s/pluto.log\n\tdumpdir=%s\n' "$d" "$d"
		local l; for l in "$@"; do printf '\t%s\n' "$l"; done
		printf '\n'
	} > "$d/ipsec.conf"
	: > "$d/ipsec.secrets"; chmod 600 "$d/ipsec.secrets"
	"$(lsx__lsw "$name" IPSEC)" initnss --nssdir "$d/nss" > "$d/initnss.log" 2>&1 ||
		fail "ipsec initnss for $name failed: $(cat "$d/initnss.log")"
	LSX_PLUTOS+=("$name")
}

# lsx_conf NAME: append stdin (ipsec.conf "conn" sections) to pluto NAME's configuration
lsx_conf() { cat >> "$(lsx_pdir "$1")/ipsec.conf"; }
# lsx_conf_both A B: append stdin to both configurations (left/right are found by address)
lsx_conf_both() { local t; t=$(cat); printf '%s\n\n' "$t" | lsx_conf "$1"; printf '%s\n\n' "$t" | lsx_conf "$2"; }
# lsx_secret NAME LINE: append an ipsec.secrets line
lsx_secret() { printf '%s\n' "$2" >> "$(lsx_pdir "$1")/ipsec.secrets"; }

# lsx_whack NAME ARGS...: whack against pluto NAME (bounded by LSX_WHACK_TIMEOUT, default 20 s)
lsx_whack() {
	local n=$1; shift
	timeout "${LSX_WHACK_TIMEOUT:-20}" "$(lsx__lsw "$n" WHACK)" --ctlsocket "$(lsx_ctl "$n")" "$@"
}

# lsx_pluto_start NAME [--no-load]: start pluto NAME inside its namespace, wait for the control
# socket, load every connection (addconn --autoall) and listen.
lsx_pluto_start() {
	local name=$1 d ns; d=$(lsx_pdir "$name"); ns=$(cat "$d/ns")
	rm -f "$d/run/pluto.ctl" "$d/run/pluto.pid"
	lsx_in "$ns" "$(lsx__lsw "$name" PLUTO)" --config "$d/ipsec.conf" --rundir "$d/run" --nssdir "$d/nss" \
		--secretsfile "$d/ipsec.secrets" --ipsecdir "$d/ipsec.d" --logfile "$d/pluto.log" \
		>> "$d/pluto.stdout" 2>&1 || fail "pluto $name did not start: $(tail -5 "$d/pluto.stdout" "$d/pluto.log" 2>/dev/null)"
	poll_until 15 test -S "$d/run/pluto.ctl" -a -s "$d/run/pluto.pid" ||
		fail "pluto $name: no control socket after 15 s: $(tail -5 "$d/pluto.log" 2>/dev/null)"
	[ "${2:-}" = --no-load ] && return 0
	lsx_in "$ns" "$(lsx__lsw "$name" ADDCONN)" --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" --autoall \
		>> "$d/addconn.log" 2>&1 || fail "addconn for $name failed: $(tail -5 "$d/addconn.log")"
	lsx_whack "$name" --listen > /dev/null 2>&1 || fail "whack --listen for $name failed"
	lsx_note "pluto $name started in namespace $(lsx_nsname "$ns"), connections loaded"
}

# lsx_pluto_stop NAME [--kill]: whack --shutdown (or SIGKILL with --kill), wait for the exit
lsx_pluto_stop() {
	local name=$1 pid; pid=$(lsx_pluto_pid "$name") || return 0
	if [ "${2:-}" = --kill ]; then kill -KILL "$pid" 2>/dev/null
	else lsx_whack "$name" --shutdown > /dev/null 2>&1 || kill "$pid" 2>/dev/null; fi
	poll_until 15 gone "$pid" || { kill -KILL "$pid" 2>/dev/null; sleep 0.2; }
}

lsx_pluto_restart() { lsx_pluto_stop "$1"; lsx_pluto_start "$@"; }
lsx_pluto_freeze() { kill -STOP "$(lsx_pluto_pid "$1")"; }
lsx_pluto_thaw() { kill -CONT "$(lsx_pluto_pid "$1")"; }

# lsx_initiate NAME CONN [--asynchronous]: whack --initiate (bounded, never fails the scenario:
# on a kernel without ESP the Child SA of every initiation fails by design)
lsx_initiate() {
	local n=$1 c=$2; shift 2
	LSX_WHACK_TIMEOUT=${LSX_INITIATE_TIMEOUT:-30} lsx_whack "$n" --name "$c" --initiate "$@" \
		>> "$(lsx_pdir "$n")/initiate.log" 2>&1 || true
	lsx_note "pluto $n: initiated $c $*"
}

# lsx_pair [N]: the standard two-pluto topology. Namespaces and plutos "west" (192.0.2.1) and
# "east" (192.0.2.2) joined by a veth; tunnel i (1..N) joins 198.51.100.i/32 (west, on lo) with
# 203.0.113.i/32 (east, on lo), routes set. PSK for every peer. Pluto setup lines can be given in
# LSX_SETUP (array). Connections are added afterwards with lsx_conf/lsx_conf_both, then
# lsx_pluto_start west; lsx_pluto_start east.
lsx_pair() {
	local n=${1:-0} i
	lsx_ns west east
	lsx_link west 192.0.2.1/24 east 192.0.2.2/24
	for i in $(seq 1 "$n"); do
		lsx_addr west "198.51.100.$i/32"; lsx_addr east "203.0.113.$i/32"
		lsx_in west ip route add "203.0.113.$i/32" via 192.0.2.2 src "198.51.100.$i"
		lsx_in east ip route add "198.51.100.$i/32" via 192.0.2.1 src "203.0.113.$i"
	done
	lsx_pluto_new west west "${LSX_SETUP[@]}"
	lsx_pluto_new east east "${LSX_SETUP[@]}"
	lsx_secret west "%any %any : PSK \"$LSX_PSK\""
	lsx_secret east "%any %any : PSK \"$LSX_PSK\""
}

# lsx_tunnels N: the pair of lsx_pair with N subnet tunnels net-1..net-N (lsx_conn_net), both
# plutos started, every tunnel initiated by west, and all N Child SAs established (needs ESP:
# the scenario dies otherwise)
lsx_tunnels() {
	local n=$1 i
	lsx_pair "$n"
	for i in $(seq 1 "$n"); do lsx_conn_net "net-$i" "$i"; done
	lsx_pluto_start west
	lsx_pluto_start east
	for i in $(seq 1 "$n"); do lsx_initiate west "net-$i" --asynchronous; done
	lsx_wait_child_sas west "$n" || fail "no Child SAs (no ESP in this kernel?)"
}

# lsx_conn_host NAME [OPTION...]: a host-to-host PSK conn (west <-> east) on both plutos
# lsx_conn_net NAME I [OPTION...]: a subnet conn for tunnel I (198.51.100.I <-> 203.0.113.I)
# OPTIONs are extra "key=value" lines (e.g. ikev2=no, auto=start); auto=add unless given.
lsx_conn_host() {
	local name=$1; shift
	lsx__conn "$name" left=192.0.2.1 right=192.0.2.2 "$@" | lsx_conf_both west east
}
lsx_conn_net() {
	local name=$1 i=$2; shift 2
	lsx__conn "$name" left=192.0.2.1 right=192.0.2.2 "leftsubnet=198.51.100.$i/32" \
		"rightsubnet=203.0.113.$i/32" "$@" | lsx_conf_both west east
}
# lsx_conn_silent NAME I [OPTION...]: a conn on west only, towards 192.0.2.(100+I) where nobody
# answers: initiating it leaves a half-open IKE SA retransmitting
lsx_conn_silent() {
	local name=$1 i=$2; shift 2
	lsx__conn "$name" left=192.0.2.1 "right=192.0.2.$((100 + i))" "$@" | lsx_conf west
}
# lsx__conn NAME KEY=VALUE...: print a conn section (authby=secret, auto=add and LSX_CONN_OPTIONS
# unless the same key is given)
lsx__conn() {
	local name=$1 o d defaults=() keys=" "; shift
	for o in "$@"; do keys="$keys${o%%=*} "; done
	# shellcheck disable=SC2086
	for d in authby=secret auto=add $LSX_CONN_OPTIONS; do
		[[ $keys == *" ${d%%=*} "* ]] || { defaults+=("$d"); keys="$keys${d%%=*} "; }
	done
	printf 'conn %s\n' "$name"
	for o in "${defaults[@]}" "$@"; do printf '\t%s\n' "$o"; done
	printf '\n'
}

# --- exporter -------------------------------------------------------------------------------

lsx_edir() { echo "$WORK/exporter-$1"; }
lsx_port() { cat "$(lsx_edir "$1")/port"; }
# lsx__curl NAME CURL-ARGS...: curl run where exporter NAME listens (its network namespace)
lsx__curl() {
	local ns; ns=$(cat "$(lsx_edir "$1")/netns" 2>/dev/null); shift
	if [ -n "$ns" ] && [ "$ns" != - ]; then lsx_in "$ns" curl "$@"; else curl "$@"; fi
}
lsx_url() { echo "http://127.0.0.1:$(lsx_port "$1")${2:-/metrics}"; }
lsx_exporter_pid() { cat "$(lsx_edir "$1")/pid"; }

# lsx_exporter_start NAME PLUTO [FLAG...]: the exporter (EXPORTER) polling pluto PLUTO through
# --ipsec.ctlsocket, in PLUTO's network namespace (LSX_EXPORTER_NETNS: another one, "-" this
# one), on a port of 127.0.0.1 it picks (LSX_EXPORTER_ADDRESS and LSX_EXPORTER_PORT choose
# others), its log in $(lsx_edir NAME)/log. LSX_EXPORTER_WRAP (array) prefixes the command (e.g.
# setpriv ... to drop privilege). Waits until /-/ready answers 200 (bounded).
lsx_exporter_start() {
	local name=$1 pluto=$2; shift 2
	local d ns wrap=() kernel=()
	d=$(lsx_edir "$name"); mkdir -p "$d"; chmod 0755 "$d"
	[ -x "$EXPORTER" ] || fail "exporter binary not found: $EXPORTER (set EXPORTER)"
	# the exporter runs on the gateway, next to its pluto: in pluto's namespace, whose kernel
	# state (XFRM) the kernel collector reads; LSX_EXPORTER_NETNS=- keeps it in this one
	ns=${LSX_EXPORTER_NETNS-$(cat "$(lsx_pdir "$pluto")/ns" 2>/dev/null || echo -)}
	echo "$ns" > "$d/netns"
	[ "$ns" != - ] && wrap=(ip netns exec "$(lsx_nsname "$ns")")
	[ -n "${LSX_KERNEL_HELPER:-}" ] && kernel=(--collector.kernel.helper="$LSX_KERNEL_HELPER")
	exporter_run "$d/log" "${wrap[@]}" "${LSX_EXPORTER_WRAP[@]}" "$EXPORTER" \
		--web.listen-address="${LSX_EXPORTER_ADDRESS:-127.0.0.1}:${LSX_EXPORTER_PORT:-0}" \
		--ipsec.command="$(lsx__lsw "$pluto" IPSEC)" --ipsec.ctlsocket="$(lsx_ctl "$pluto")" \
		--poll.interval="$LSX_POLL_INTERVAL" --poll.timeout="$LSX_POLL_TIMEOUT" "${kernel[@]}" \
		--log.level="${LSX_EXPORTER_LOG_LEVEL:-debug}" "$@"
	echo "$EXPORTER_PID" > "$d/pid"; echo "$PORT" > "$d/port"
	if poll_until "$LSX_WAIT" lsx__ready "$name"; then
		lsx_note "exporter $name ready on $(lsx_url "$name") (pluto $pluto, namespace $ns)"
	else
		lsx_fail "exporter $name: /-/ready not 200 after ${LSX_WAIT}s"
	fi
}
lsx__ready() { [ "$(lsx__curl "$1" -s -o /dev/null -w '%{http_code}' --max-time 2 "$(lsx_url "$1" /-/ready)")" = 200 ]; }

lsx_exporter_alive() { kill -0 "$(lsx_exporter_pid "$1")" 2>/dev/null; }

# lsx_scrape NAME [FILE]: fetch the metrics page (to FILE, default stdout); fails on non-200
lsx_scrape() {
	local out=${2:-/dev/stdout}
	lsx__curl "$1" -sf --max-time "${LSX_SCRAPE_TIMEOUT:-5}" -o "$out" "$(lsx_url "$1")"
}

# lsx_page NAME: scrape into the exporter's last-page file and print its path
lsx_page() {
	local f="$WORK/exporter-$1/page"
	lsx_scrape "$1" "$f" && echo "$f"
}

# lsx__cmp A OP B: numeric comparison (floats), OP one of == != < <= > >=
lsx__cmp() {
	# integers: no process (this runs in tight wait loops, also inside slow emulated guests)
	if [[ $1 =~ ^-?[0-9]{1,17}$ && $3 =~ ^-?[0-9]{1,17}$ ]]; then
		case $2 in
		==) (($1 == $3)) ;; !=) (($1 != $3)) ;; '<') (($1 < $3)) ;; '<=') (($1 <= $3)) ;;
		'>') (($1 > $3)) ;; '>=') (($1 >= $3)) ;; *) return 2 ;;
		esac
		return
	fi
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
	if (a == "" || b == "") exit 1
	a += 0; b += 0
	r = (op == "==") ? a == b : (op == "!=") ? a != b : (op == "<") ? a < b : (op == "<=") ? a <= b : (op == ">") ? a > b : (op == ">=") ? a >= b : 0
	exit !r }'; }

# lsx__metric_is NAME SELECTOR OP VALUE: one scrape, compare (VALUE may be "absent")
lsx__metric_is() {
	local f v; f=$(lsx_page "$1") || { LSX_DIFF="scrape failed"; return 1; }
	v=$(metric "$2" "$f"); LSX_DIFF="is ${v:-absent}"
	if [ "$4" = absent ]; then [ -z "$v" ]; return; fi
	lsx__cmp "$v" "$3" "$4"
}

# lsx_expect_metric NAME SELECTOR OP VALUE [SECONDS]: wait (bounded, default LSX_WAIT) until the
# exporter NAME serves a sample SELECTOR satisfying OP VALUE; records a failure with the last
# value seen otherwise. VALUE "absent" (with OP ==) expects no such sample.
lsx_expect_metric() {
	lsx__agree_within "${5:-$LSX_WAIT}" "$2 $3 $4" lsx__metric_is "$1" "$2" "$3" "$4"
}

# lsx_expect_metric_now NAME SELECTOR OP VALUE: the same on a single scrape, no waiting
lsx_expect_metric_now() { lsx_expect_metric "$1" "$2" "$3" "$4" 0; }

# lsx_expect DESCRIPTION CMD...: record a failure unless CMD succeeds
lsx_expect() {
	local desc=$1; shift
	if "$@"; then lsx_note "ok: $desc"; return 0; fi
	lsx_fail "$desc"; return 1
}

# --- what pluto and the kernel say ----------------------------------------------------------

# lsx_pluto_status_counts PLUTO: pluto's own overview from `whack --status`, as "key value" lines:
#   loaded N, active N, ike_total N, ike_half_open N, ike_open N, ike_authenticated N,
#   ike_anonymous N, ipsec_total N, ipsec_authenticated N, ipsec_anonymous N
lsx_pluto_status_counts() {
	lsx_whack "$1" --status 2>/dev/null | awk '
	function num(s, k,   r) { r = s; if (!match(r, k "\\([0-9]+\\)")) return ""; r = substr(r, RSTART, RLENGTH); gsub(/[^0-9]/, "", r); return r }
	/Total IPsec connections:/ {
		if (match($0, /loaded [0-9]+/)) print "loaded", substr($0, RSTART + 7, RLENGTH - 7)
		if (match($0, /active [0-9]+/)) print "active", substr($0, RSTART + 7, RLENGTH - 7)
	}
	/IKE SAs: total/ {
		print "ike_total", num($0, "total"); print "ike_half_open", num($0, "half-open")
		print "ike_open", num($0, "[^-]open"); print "ike_authenticated", num($0, "authenticated")
		print "ike_anonymous", num($0, "anonymous")
	}
	/IPsec SAs: total/ {
		print "ipsec_total", num($0, "total"); print "ipsec_authenticated", num($0, "authenticated")
		print "ipsec_anonymous", num($0, "anonymous")
	}'
}
# lsx_pluto_count PLUTO KEY: one value of lsx_pluto_status_counts
lsx_pluto_count() { lsx_pluto_status_counts "$1" | awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }'; }

# lsx_pluto_connections PLUTO: names of the loaded connections (instances and group members
# folded into their root connection), one per line, sorted; from the "Connection list:" section
lsx_pluto_connections() {
	lsx_whack "$1" --status 2>/dev/null | awk '
	/Connection list:/ { on = 1; next }
	/Total IPsec connections/ { on = 0 }
	on && match($0, /^[0-9]* *"[^"]*"/) {
		c = substr($0, RSTART, RLENGTH); sub(/^[0-9]* *"/, "", c); sub(/"$/, "", c); sub(/#.*/, "", c); print c
	}' | sort -u
}

# lsx_pluto_sa_counts PLUTO: per-connection established SAs from the state list of `whack
# --status`, as "name ike_established child_established" lines (instances folded). IKEv2
# "established IKE SA"/"established Child SA", IKEv1 "ISAKMP SA established" (3.x) or "IKE SA
# established" (4.x+) and "IPsec SA established". State names: STATE_* up to 4.x, without the
# prefix from 5.0 (ESTABLISHED_IKE_SA).
lsx_pluto_sa_counts() {
	lsx_whack "$1" --status 2>/dev/null | awk '
	/Connection list:/ { on = 1; next }
	on && match($0, /^[0-9]* *"[^"]*"/) {
		c = substr($0, RSTART, RLENGTH); sub(/^[0-9]* *"/, "", c); sub(/"$/, "", c); sub(/#.*/, "", c); seen[c] = 1
	}
	/#[0-9]+: "[^"]*".* [A-Z][A-Z0-9_]+ \(/ && match($0, /"[^"]*"/) {
		c = substr($0, RSTART + 1, RLENGTH - 2); sub(/#.*/, "", c); seen[c] = 1
		if ($0 ~ /\(established IKE SA\)|(ISAKMP|IKE) SA established/) ike[c]++
		else if ($0 ~ /\(established Child SA\)|IPsec SA established/) child[c]++
	}
	END { for (c in seen) printf "%s %d %d\n", c, ike[c], child[c] }' | sort
}

# lsx_pluto_traffic_sums PLUTO: per-connection "name inBytes outBytes" summed over the live SAs
# of `whack --trafficstatus` (instances folded into their root connection)
lsx_pluto_traffic_sums() {
	lsx_whack "$1" --trafficstatus 2>/dev/null | awk '
	match($0, /"[^"]*"/) {
		c = substr($0, RSTART + 1, RLENGTH - 2); sub(/#.*/, "", c)
		i = 0; o = 0
		if (match($0, /inBytes=[0-9]+/)) i = substr($0, RSTART + 8, RLENGTH - 8)
		if (match($0, /outBytes=[0-9]+/)) o = substr($0, RSTART + 9, RLENGTH - 9)
		in_[c] += i; out_[c] += o; seen[c] = 1
	}
	END { for (c in seen) printf "%s %d %d\n", c, in_[c], out_[c] }' | sort
}

# lsx_pluto_spis PLUTO: the ESP/AH SPIs of every Child SA in `whack --status` (the state
# lines' "esp.SPI@address" words), as "name spi" lines (instances folded; SPI in lower-case hex without leading zeros)
lsx_pluto_spis() {
	lsx_whack "$1" --status 2>/dev/null | awk '
	/#[0-9]+: "[^"]*".* (esp|ah)\.[0-9a-fA-F]+@/ && match($0, /"[^"]*"/) {
		c = substr($0, RSTART + 1, RLENGTH - 2); sub(/#.*/, "", c)
		n = split($0, w, /[ ;]+/)
		for (i = 1; i <= n; i++) if (w[i] ~ /^(esp|ah)\.[0-9a-fA-F]+@/) {
			spi = w[i]; sub(/^[a-z]+\./, "", spi); sub(/@.*/, "", spi); spi = tolower(spi); sub(/^0+/, "", spi)
			print c, spi
		}
	}'
}

# lsx_xfrm_conn_sums PLUTO [UNIT]: the kernel's view per connection: "name in out" summed over
# the XFRM states of its Child SAs (`ip -s xfrm state` in PLUTO's namespace, "lifetime current"
# bytes, or packets with UNIT=packets, matched by SPI; inbound = destination is a local address)
lsx_xfrm_conn_sums() {
	local p=$1 unit=${2:-bytes} ns addrs spis; ns=$(cat "$(lsx_pdir "$p")/ns")
	addrs=$(lsx_in "$ns" ip -o addr show | awk '{ a = $4; sub(/\/.*/, "", a); printf "%s ", a }')
	spis=$(lsx_pluto_spis "$p" | tr '\n' ';')
	lsx_in "$ns" ip -s xfrm state | awk -v addrs="$addrs" -v spis="$spis" -v unit="$unit" '
	BEGIN {
		n = split(addrs, a, " "); for (i = 1; i <= n; i++) local_[a[i]] = 1
		n = split(spis, l, ";"); for (i = 1; i <= n; i++) if (split(l[i], w, " ") == 2) { conn[w[2]] = w[1]; seen[w[1]] = 1 }
		re = "[0-9]+\\(" unit "\\)"
	}
	/^src / { dst = $4 }
	/^[ \t]*proto (esp|ah) spi/ { spi = tolower($4); sub(/\(.*/, "", spi); sub(/^0x0*/, "", spi) }
	/lifetime current:/ { want = 1; next }
	want { want = 0
		if (match($0, re) && (spi in conn)) {
			b = substr($0, RSTART, RLENGTH); sub(/\(.*/, "", b)
			if (dst in local_) in_[conn[spi]] += b; else out_[conn[spi]] += b
		}
	}
	END { for (c in seen) printf "%s %d %d\n", c, in_[c], out_[c] }' | sort
}

# lsx_xfrm_conn_errors PLUTO: per connection "name replay_window replay integrity", the kernel's
# SA error statistics (`ip -s xfrm state`, "stats:" lines) summed over its Child SAs' states
lsx_xfrm_conn_errors() {
	local p=$1 ns spis; ns=$(cat "$(lsx_pdir "$p")/ns")
	spis=$(lsx_pluto_spis "$p" | tr '\n' ';')
	lsx_in "$ns" ip -s xfrm state | awk -v spis="$spis" '
	BEGIN { n = split(spis, l, ";"); for (i = 1; i <= n; i++) if (split(l[i], w, " ") == 2) { conn[w[2]] = w[1]; seen[w[1]] = 1 } }
	/^[ \t]*proto (esp|ah) spi/ { spi = tolower($4); sub(/\(.*/, "", spi); sub(/^0x0*/, "", spi) }
	/^[ \t]*stats:/ { want = 1; next }
	want { want = 0
		if ((spi in conn) && match($0, /replay-window [0-9]+ replay [0-9]+ failed [0-9]+/)) {
			split(substr($0, RSTART, RLENGTH), v, " ")
			rw[conn[spi]] += v[2]; rp[conn[spi]] += v[4]; ig[conn[spi]] += v[6]
		}
	}
	END { for (c in seen) printf "%s %d %d %d\n", c, rw[c], rp[c], ig[c] }' | sort
}

# lsx_kernel_helper PLUTO: the kernel helper's output for PLUTO's namespace (what the exporter reads)
lsx_kernel_helper() {
	local ns; ns=$(cat "$(lsx_pdir "$1")/ns")
	[ -n "${LSX_KERNEL_HELPER:-}" ] || fail "no kernel helper (LSX_KERNEL_HELPER)"
	lsx_in "$ns" "$LSX_KERNEL_HELPER"
}

# lsx_ping NS SRC DST SIZE COUNT: COUNT echo requests of SIZE payload bytes from SRC to DST inside
# namespace NS; fails (recording it) unless every reply arrives. Each request and each reply is
# an inner IPv4 packet of SIZE + 28 bytes.
lsx_ping() {
	local ns=$1 src=$2 dst=$3 size=$4 count=$5 out got
	# shellcheck disable=SC2086
	out=$(lsx_in "$ns" $LSX_PING -q -c "$count" -s "$size" -i 0.2 -W 5 -I "$src" "$dst" 2>&1)
	got=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p')
	[ "$got" = "$count" ] && return 0
	lsx_fail "ping $src -> $dst ($count x $size): ${got:-0} replies: $(printf '%s' "$out" | tail -2 | tr '\n' ' ')"
	return 1
}

# --- composite checks -----------------------------------------------------------------------

# lsx_check_against_pluto EXPORTER PLUTO [SECONDS]: the exporter's page agrees with pluto's own
# `whack --status`: loaded/active connections, the four IKE SA states, the IPsec SA states,
# and one libreswan_connection_up series for every loaded connection. Pluto and the exporter
# sample at different moments, so this waits (bounded) until one scrape and one whack agree.
lsx_check_against_pluto() {
	lsx__agree_within "${3:-$LSX_WAIT}" "exporter $1 against pluto $2's status" lsx__agrees "$1" "$2"
}
# lsx__agree_within SECONDS DESCRIPTION CMD...: poll CMD, which says what it compared in
# LSX_DIFF, until it succeeds (noted as ok) or SECONDS pass (recorded as a failure)
lsx__agree_within() {
	local limit=$1 desc=$2; shift 2
	LSX_DIFF=""
	if poll_until "$limit" "$@"; then
		lsx_note "ok: $desc ($LSX_DIFF)"
		return 0
	fi
	lsx_fail "$desc: $LSX_DIFF"
	return 1
}
lsx__agrees() {
	local e=$1 p=$2 f counts key sel want got c diff=""
	counts=$(lsx_pluto_status_counts "$p") || { LSX_DIFF="whack --status failed"; return 1; }
	f=$(lsx_page "$e") || { LSX_DIFF="scrape failed"; return 1; }
	while read -r key want; do
		case $key in
		loaded) sel=libreswan_connections_loaded ;;
		active) sel=libreswan_connections_active ;;
		ike_half_open) sel='libreswan_ike_sas{state="half_open"}' ;;
		ike_open) sel='libreswan_ike_sas{state="open"}' ;;
		ike_authenticated) sel='libreswan_ike_sas{state="authenticated"}' ;;
		ike_anonymous) sel='libreswan_ike_sas{state="anonymous"}' ;;
		ipsec_authenticated) sel='libreswan_ipsec_sas{state="authenticated"}' ;;
		ipsec_anonymous) sel='libreswan_ipsec_sas{state="anonymous"}' ;;
		*) continue ;;
		esac
		got=$(metric "$sel" "$f")
		[ "$got" = "$want" ] || diff="$diff $sel=${got:-absent} (pluto $want);"
	done <<< "$counts"
	for c in $(lsx_pluto_connections "$p"); do
		metric "libreswan_connection_up{connection=\"$c\"}" "$f" > /dev/null ||
			diff="$diff no libreswan_connection_up{connection=\"$c\"};"
	done
	local ike child
	while read -r c ike child; do
		[ -n "$c" ] || continue
		got=$(metric "libreswan_connection_ike_sas_established{connection=\"$c\"}" "$f")
		[ "${got:-0}" = "$ike" ] || diff="$diff ike_sas_established{$c}=${got:-absent} (pluto $ike);"
		got=$(metric "libreswan_connection_child_sas_established{connection=\"$c\"}" "$f")
		[ "${got:-0}" = "$child" ] || diff="$diff child_sas_established{$c}=${got:-absent} (pluto $child);"
		got=$(metric "libreswan_connection_up{connection=\"$c\"}" "$f")
		[ "${got:-0}" = "$([ "$child" -gt 0 ] && echo 1 || echo 0)" ] || diff="$diff connection_up{$c}=${got:-absent} (pluto has $child Child SAs);"
	done <<< "$(lsx_pluto_sa_counts "$p")"
	got=$(metric libreswan_up "$f"); [ "$got" = 1 ] || diff="$diff libreswan_up=${got:-absent};"
	LSX_DIFF=${diff:-none}
	[ -z "$diff" ]
}

# lsx_check_traffic EXPORTER PLUTO [OP] [SECONDS]: per-connection byte counters against the live
# SA sums of `whack --trafficstatus`: OP "==" (default; no SA retired since the exporter started)
# or ">=" (after rekeys the exporter also counts retired SAs). Bounded wait as above.
lsx_check_traffic() {
	local op=${3:-==}
	lsx__agree_within "${4:-$LSX_WAIT}" "byte counters of $1 $op trafficstatus of $2" \
		lsx__sums_agree "$1" "$2" "$op" lsx_pluto_traffic_sums "trafficstatus empty"
}
# lsx__sums_agree EXPORTER PLUTO OP SUMS-FUNCTION EMPTY-MESSAGE: the exporter's per-connection
# byte counters against the "conn in out" lines that SUMS-FUNCTION prints for PLUTO
lsx__sums_agree() {
	local e=$1 p=$2 op=$3 fn=$4 empty=$5 unit=${6:-bytes} f sums c i o gi go bad="" seen=""
	sums=$("$fn" "$p" "$unit")
	f=$(lsx_page "$e") || { LSX_DIFF="scrape failed"; return 1; }
	[ -n "$sums" ] || { LSX_DIFF=$empty; return 1; }
	while read -r c i o; do
		gi=$(metric "libreswan_connection_in_${unit}_total{connection=\"$c\"}" "$f")
		go=$(metric "libreswan_connection_out_${unit}_total{connection=\"$c\"}" "$f")
		seen="$seen $c in=${gi:-absent}/$i out=${go:-absent}/$o;"
		lsx__cmp "$gi" "$op" "$i" && lsx__cmp "$go" "$op" "$o" || bad=1
	done <<< "$sums"
	LSX_DIFF=$seen
	[ -z "$bad" ]
}

# lsx_check_traffic_xfrm EXPORTER PLUTO [OP] [SECONDS]: per-connection byte counters against the
# kernel's XFRM state byte counts of the connection's SAs (lsx_xfrm_conn_sums); OP as above
lsx_check_traffic_xfrm() {
	local op=${3:-==}
	lsx__agree_within "${4:-$LSX_WAIT}" "byte counters of $1 $op ip -s xfrm state of $2" \
		lsx__sums_agree "$1" "$2" "$op" lsx_xfrm_conn_sums "no XFRM state of any Child SA" bytes
}

# lsx_check_packets_xfrm EXPORTER PLUTO [OP] [SECONDS]: per-connection packet counters of the
# exporter (libreswan_connection_{in,out}_packets_total) OP the sums of ip -s xfrm state (bounded wait)
lsx_check_packets_xfrm() {
	local op=${3:-==}
	lsx__agree_within "${4:-$LSX_WAIT}" "packet counters of $1 $op ip -s xfrm state of $2" \
		lsx__sums_agree "$1" "$2" "$op" lsx_xfrm_conn_sums "no XFRM state of any Child SA" packets
}

# lsx_expect_bytes EXPORTER CONN IN OUT [SECONDS]: the connection's byte counters equal IN and OUT
lsx_expect_bytes() {
	lsx__agree_within "${5:-$LSX_WAIT}" "$2 in/out bytes == $3/$4" lsx__bytes_are "$1" "$2" "$3" "$4"
}
lsx__bytes_are() {
	local f i o; f=$(lsx_page "$1") || { LSX_DIFF="scrape failed"; return 1; }
	i=$(metric "libreswan_connection_in_bytes_total{connection=\"$2\"}" "$f")
	o=$(metric "libreswan_connection_out_bytes_total{connection=\"$2\"}" "$f")
	LSX_DIFF="is ${i:-absent}/${o:-absent}"
	[ "$i" = "$3" ] && [ "$o" = "$4" ]
}

# lsx_child_serials PLUTO CONN: serials of CONN's live Child SAs in `whack --trafficstatus`
# (instances included), sorted, on one line
lsx_child_serials() {
	lsx_whack "$1" --trafficstatus 2>/dev/null | awk -v c="$2" '
	match($0, /#[0-9]+: "[^"]*"/) { s = substr($0, RSTART, RLENGTH); n = s; sub(/:.*/, "", s); sub(/^[^"]*"/, "", n); sub(/".*/, "", n)
		if (n == c) print substr(s, 2) }' | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# lsx_wait_child_sas PLUTO N [SECONDS]: wait until pluto counts at least N IPsec SAs
lsx_wait_child_sas() {
	lsx_wait_until "${3:-60}" "pluto $1: $2 IPsec SA(s)" lsx__child_sas "$1" "$2"
}
lsx__child_sas() { local n; n=$(lsx_pluto_count "$1" ipsec_total); [ "${n:-0}" -ge "$2" ]; }

# lsx_counters FILE [REGEX]: "series value" lines of the exporter-owned counters of a page (the
# ones that must never decrease while the exporter runs, whatever pluto does): by default the
# per-connection and per-user byte counters, poll and parse error counters, poll cycles.
LSX_MONOTONIC_RE='^libreswan_(connection_(in|out)_(bytes|packets)_total|connection_kernel_errors_total|user_(in|out)_bytes_total|poll_errors_total|parse_errors_total|poll_cycles_total|kernel_read_errors_total)[{ ]'
lsx_counters() { grep -E "${2:-$LSX_MONOTONIC_RE}" "$1" | awk '{ v = $NF; $NF = ""; sub(/ $/, ""); print $0 "\t" v }'; }

# lsx_check_monotonic BEFORE AFTER [REGEX]: no exporter-owned counter of page BEFORE is lower
# (or missing) in page AFTER
lsx_check_monotonic() {
	local before=$1 after=$2 re=${3:-$LSX_MONOTONIC_RE} bad
	bad=$(awk -F'\t' 'NR == FNR { a[$1] = $2; next } { b[$1] = $2 }
		END { for (k in a) if (!(k in b)) print k " missing (was " a[k] ")"; else if (b[k] + 0 < a[k] + 0) print k " went from " a[k] " to " b[k] }' \
		<(lsx_counters "$before" "$re") <(lsx_counters "$after" "$re"))
	if [ -n "$bad" ]; then lsx_fail "counters decreased: $bad"; return 1; fi
	lsx_note "ok: $(lsx_counters "$before" "$re" | wc -l) exporter counters did not decrease"
}

# lsx_scrape_time NAME: seconds one /metrics request takes
lsx_scrape_time() { lsx__curl "$1" -s -o /dev/null --max-time 10 -w '%{time_total}' "$(lsx_url "$1")"; }

# --- pluto's log: the events collector -------------------------------------------------------

# lsx_exporter_start_events NAME PLUTO [FLAG...]: lsx_exporter_start with the events collector
# following PLUTO's log file (its logfile=, --events.log-file) through the log helper
# (LSX_EVENTS_HELPER, else plutolog-helper next to the exporter); waits until
# libreswan_events_up is 1 (the helper follows the file from its end: what pluto writes from
# then on counts)
lsx_exporter_start_events() {
	local name=$1 pluto=$2 helper; shift 2
	helper=$(lsx_events_helper)
	[ -x "$helper" ] || fail "no log helper at $helper (set LSX_EVENTS_HELPER)"
	lsx_exporter_start "$name" "$pluto" --collector.events.helper="$helper" \
		--events.log-file="$(lsx_pdir "$pluto")/pluto.log" "$@"
	lsx_expect_metric "$name" libreswan_events_up == 1
}

# lsx_event_counts NAME CONN FAMILY [FILE]: the non-zero samples of CONN in FAMILY (failures:
# libreswan_connection_failures_total, established: libreswan_connection_sa_established_total)
# of exporter NAME's page (or FILE), as sorted "sa/reason=N" or "sa/how=N" words on one line
lsx_event_counts() {
	local f=${4:-} fam key
	case $3 in
	failures) fam=libreswan_connection_failures_total key=reason ;;
	established) fam=libreswan_connection_sa_established_total key=how ;;
	*) fail "lsx_event_counts: family $3" ;;
	esac
	[ -n "$f" ] || f=$(lsx_page "$1") || return 1
	awk -v fam="$fam" -v conn="connection=\"$2\"" -v key="$key" '
	index($0, fam "{") == 1 && index($0, conn) {
		sa = $0; sub(/.*sa="/, "", sa); sub(/".*/, "", sa)
		k = $0; sub(".*" key "=\"", "", k); sub(/".*/, "", k)
		if ($NF + 0 != 0) print sa "/" k "=" $NF
	}' "$f" | sort | tr '\n' ' ' | sed 's/ $//'
}

# lsx_expect_events NAME CONN FAMILY [SA/KEY=N...]: wait (bounded, LSX_WAIT) until CONN's
# non-zero samples in FAMILY (see lsx_event_counts) are exactly the ones given, e.g.
#   lsx_expect_events w site-a failures ike/authentication_failed=1
#   lsx_expect_events w site-a established ike/new=1 child/new=1 child/rekey=2
#   lsx_expect_events w site-b failures ike/no_proposal_chosen=+    (any count but 0)
#   lsx_expect_events w spare failures             (no failure at all)
# records a failure with what the page says otherwise. LSX_EVENTS_WAIT=0: one scrape, no wait.
lsx_expect_events() {
	local e=$1 c=$2 fam=$3 want; shift 3
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
	lsx__agree_within "${LSX_EVENTS_WAIT:-$LSX_WAIT}" "$e: $c $fam ${want:-none}" lsx__events_are "$e" "$c" "$fam" "$want"
}
lsx__events_are() {
	local got w k
	got=$(lsx_event_counts "$1" "$2" "$3") || { LSX_DIFF="scrape failed"; return 1; }
	LSX_DIFF="is ${got:-none}"
	# "key=+" in what is wanted: any count of that key will do
	for w in $4; do
		[ "${w##*=}" = + ] || continue
		k=${w%=+}
		# shellcheck disable=SC2086
		got=$(printf '%s\n' $got | sed "s#^$k=[0-9][0-9]*\$#$k=+#" | tr '\n' ' ' | sed 's/ $//')
	done
	[ "$got" = "$4" ]
}

# lsx_expect_recognised NAME: exporter NAME's classifier knew the words of every message of
# pluto's that named a connection (libreswan_events_unrecognised_total 0); the ones it did not
# know are listed from the exporter's debug log otherwise
lsx_expect_recognised() {
	lsx_expect_metric_now "$1" libreswan_events_unrecognised_total == 0 && return 0
	grep 'a message in words no rule knows' "$(lsx_edir "$1")/log" | sed 's/^/    unrecognised: /' | head -20 >&2
	return 1
}

# --- light poll cycles: how soon a change of pluto's connection list shows ------------------

# lsx_now_ns: the time now in ns (take it right after a change, for lsx_shows_within)
lsx_now_ns() { date +%s%N; }

# lsx_events_helper: the events collector's log helper (LSX_EVENTS_HELPER, else the one next to
# the exporter)
lsx_events_helper() { echo "${LSX_EVENTS_HELPER:-$(dirname "$EXPORTER")/plutolog-helper}"; }

# lsx_light_exporters PLUTO FULL_INTERVAL: two exporters polling PLUTO every LSX_POLL_INTERVAL:
# "on", with the events collector following pluto's log file and a --poll.full-interval of 1h
# (only the state list and the log make it read pluto whole), and "off", without the events
# collector, with --poll.full-interval=FULL_INTERVAL (seconds)
lsx_light_exporters() {
	local p=$1 full=$2 helper
	helper=$(lsx_events_helper)
	[ -x "$helper" ] || fail "the events collector's helper is not built ($helper)"
	lsx_exporter_start on "$p" --collector.events.helper="$helper" --events.log-file="$(lsx_pdir "$p")/pluto.log" \
		--poll.full-interval=1h --no-collector.certificates
	lsx_exporter_start off "$p" --no-collector.events --poll.full-interval="${full}s" --no-collector.certificates
	lsx_expect_metric on libreswan_events_up == 1
}

# lsx_light_start FULL_INTERVAL [LOADED]: west and east started, exporters "on" and "off"
# polling west (lsx_light_exporters), the bounds of lsx_light_bounds set; waits until both run
# light cycles (their whole reads at start-up done) and, with LOADED, serve
# libreswan_connections_loaded LOADED
lsx_light_start() {
	local e
	lsx_pluto_start west
	lsx_pluto_start east
	lsx_light_exporters west "$1"
	lsx_light_bounds "$1"
	for e in on off; do
		lsx_expect_metric "$e" 'libreswan_poll_success{command="showstates"}' == 1
		[ -z "${2:-}" ] || lsx_expect_metric "$e" libreswan_connections_loaded == "$2"
	done
}

# lsx_light_spare FULL_INTERVAL: the pair, west with host (towards east) and spare (idle, never
# up), started as lsx_light_start does, both exporters serving the two connections
lsx_light_spare() {
	lsx_pair 0
	lsx_conn_host host
	lsx__conn spare left=192.0.2.1 right=192.0.2.2 leftsubnet=198.51.100.7/32 rightsubnet=203.0.113.7/32 | lsx_conf west
	lsx_light_start "$1" 2
}

# lsx_shows_within NAME SECONDS SINCE_NS SELECTOR OP VALUE: wait until exporter NAME serves
# SELECTOR OP VALUE (VALUE "absent" allowed), at most SECONDS (may have a fraction) after SINCE_NS
# (lsx_now_ns at the change); notes how long it took, records a failure when it did not show in
# time. Returns 0 when it showed.
lsx_shows_within() {
	local name=$1 limit=$2 since=$3 sel=$4 op=$5 want=$6 end now
	end=$(awk -v s="$since" -v l="$limit" 'BEGIN { printf "%.0f", s + l * 1e9 }')
	while :; do
		now=$(date +%s%N)
		if lsx__metric_is "$name" "$sel" "$op" "$want"; then
			lsx_note "ok: exporter $name: $sel $op $want, $(awk -v a="$since" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s after the change (bound $limit s)"
			return 0
		fi
		[ "$now" -lt "$end" ] || break
		sleep 0.1
	done
	lsx_fail "exporter $name: $sel $op $want not within $limit s of the change ($LSX_DIFF)"
	return 1
}

# lsx_pluto_family NAME: the output family of exporter NAME's pluto ("4", "5"), from its page
lsx_pluto_family() { sed -n 's/^libreswan_pluto_info{.*family="\([0-9]*\)".*/\1/p' "$(lsx_page "$1")" | head -1; }

# lsx_whack_down PLUTO CONN: an operator's down: `whack --down` (5.x), else `--terminate` (4.x)
lsx_whack_down() {
	lsx_whack "$1" --name "$2" --down > "$WORK/down.out" 2>&1 && return 0
	lsx_whack "$1" --name "$2" --terminate > "$WORK/down.out" 2>&1
}

# lsx_seconds DURATION: a duration of the exporter's flags (500ms, 1s, 2m) in seconds
lsx_seconds() {
	awk -v d="$1" 'BEGIN { n = d + 0; u = d; sub(/^[0-9.]+/, "", u)
		print (u == "ms") ? n / 1000 : (u == "m") ? n * 60 : (u == "h") ? n * 3600 : n }'
}
# LSX_LIGHT_SLACK: what showing "at the next poll cycle" may take beyond the interval (pluto
# logging, the log helper reading, the cycle, the scrape), seconds
LSX_LIGHT_SLACK=${LSX_LIGHT_SLACK:-1.5}
# lsx_light_bounds FULL_INTERVAL: LSX_BOUND_ON (the next poll cycle) and LSX_BOUND_OFF (the next
# whole read without the log: the full interval, then that cycle)
lsx_light_bounds() {
	local i; i=$(lsx_seconds "$LSX_POLL_INTERVAL")
	LSX_BOUND_ON=$(awk -v i="$i" -v s="$LSX_LIGHT_SLACK" 'BEGIN { print i + s }')
	LSX_BOUND_OFF=$(awk -v f="$1" -v i="$i" -v s="$LSX_LIGHT_SLACK" 'BEGIN { print f + i + s }')
}
