#!/bin/bash
# SPDX-License-Identifier: MIT
#
# demo.sh: a local Libreswan lab with the exporter in front of it, for looking at real metrics
# without a VPN. Needs root, Libreswan (pluto), iproute2 and curl; nothing leaves the machine.
#
#   sudo tests/integration/demo.sh [--port PORT] [--tunnels N]
#
# Starts two plutos, "west" and "east", in their own network namespaces, with:
#   host, net-1..net-N  IKEv2 PSK tunnels between them, initiated by west
#   idle                a connection loaded but never started (down, not expected up)
#   silent              a connection towards an address nobody answers (a half-open IKE SA)
# pings a few small packets per second through every tunnel address pair, runs the exporter
# against west's pluto, prints its URL and waits; Ctrl-C stops everything and removes the
# namespaces. A kernel without ESP (XFRM but no esp4 module, as in many containers and CI
# machines) stops every tunnel at IKE: IKE SAs establish, Child SAs fail, the pings travel in
# clear text and the byte counters stay at 0. The demo says which case you are in.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
port=10500 tunnels=3
while [ $# -gt 0 ]; do
	case $1 in
	--port) port=$2; shift ;;
	--port=*) port=${1#*=} ;;
	--tunnels) tunnels=$2; shift ;;
	--tunnels=*) tunnels=${1#*=} ;;
	-h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
case $tunnels in ''|*[!0-9]*) echo "demo.sh: --tunnels wants a number" >&2; exit 2 ;; esac
[ "$tunnels" -le 200 ] || { echo "demo.sh: at most 200 tunnels" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "demo.sh: needs root (network namespaces, pluto): sudo $0" >&2; exit 1; }
[ -x /usr/libexec/ipsec/pluto ] || { echo "demo.sh: Libreswan is not installed (apt-get install libreswan)" >&2; exit 1; }
command -v curl > /dev/null || { echo "demo.sh: needs curl" >&2; exit 1; }
if [ -z "${EXPORTER:-}" ]; then
	for c in "${TOP_BUILDDIR:+$TOP_BUILDDIR/src/libreswan_exporter}" "$HERE/../../src/libreswan_exporter" \
		"$(command -v libreswan_exporter 2>/dev/null)"; do
		[ -n "$c" ] && [ -x "$c" ] && { EXPORTER=$(readlink -f "$c"); break; }
	done
fi
[ -n "${EXPORTER:-}" ] || { echo "demo.sh: build the exporter first (autoreconf -fi && ./configure && make) or set EXPORTER" >&2; exit 1; }
export EXPORTER
[ -z "${LSX_KERNEL_HELPER:-}" ] && [ -x "$(dirname "$EXPORTER")/xfrm-helper" ] && LSX_KERNEL_HELPER=$(dirname "$EXPORTER")/xfrm-helper
export LSX_KERNEL_HELPER

# shellcheck source=lib.sh
. "$HERE/lib.sh"
lsx_setup
say() { printf '%s\n' "$*"; }

say "Starting the lab (namespaces lsx-$LSX_ID-west and lsx-$LSX_ID-east, work dir $WORK)..."
lsx_pair "$tunnels"
lsx_conn_host host
for i in $(seq 1 "$tunnels"); do lsx_conn_net "net-$i" "$i"; done
lsx__conn idle left=192.0.2.1 right=192.0.2.3 | lsx_conf west
lsx_conn_silent silent 1
lsx_pluto_start west
lsx_pluto_start east
for c in host $(seq -f 'net-%g' 1 "$tunnels") silent; do lsx_initiate west "$c" --asynchronous; done
poll_until 30 eval '[ "$(lsx_pluto_count west ike_authenticated)" -ge 1 ]'
sleep 2

# light background traffic through every tunnel address pair (and the host pair)
for i in $(seq 1 "$tunnels"); do
	lsx_bg lsx_in west ping -q -i 0.5 -s 200 -I "198.51.100.$i" "203.0.113.$i" > /dev/null 2>&1
done
lsx_bg lsx_in west ping -q -i 1 -s 100 192.0.2.2 > /dev/null 2>&1

# in this namespace, so that the page is reachable from here; its kernel collector reads this
# namespace's XFRM state (the tunnels' kernel SAs live in west's: see the VM scenarios)
LSX_EXPORTER_NETNS=- LSX_EXPORTER_PORT=$port LSX_EXPORTER_ADDRESS=${DEMO_LISTEN:-127.0.0.1} LSX_EXPORTER_LOG_LEVEL=info \
	lsx_exporter_start demo west --poll.interval=5s --poll.timeout=5s
sleep 1
child=$(lsx_pluto_count west ipsec_total)
say ""
say "Lab is up: pluto west $(lsx_ctl west)"
say "           pluto east $(lsx_ctl east)"
if [ "${child:-0}" -gt 0 ]; then
	say "Tunnels:   $child Child SA(s) established; pings flow through ESP and the byte counters grow."
else
	say "Tunnels:   this kernel has no ESP support, so every tunnel stops at IKE: IKE SAs are"
	say "           established (libreswan_ike_sas, libreswan_connection_ike_sas_established), the"
	say "           Child SAs fail (libreswan_connection_up 0 while expected_up is 1), the pings go"
	say "           in clear text and the byte counters stay at 0. Full ESP needs a kernel with esp4"
	say "           (see tests/integration/README.md, VM scenarios)."
fi
say "Also:      'idle' is loaded but down; 'silent' retransmits towards a peer that never answers"
say "           (a half-open IKE SA)."
say ""
say "Metrics:   $(lsx_url demo)"
say "           e.g. curl -s $(lsx_url demo) | grep -E '^libreswan_(up|ike_sas|connection_(up|expected_up|ike_sas_established))'"
say "whack:     ip netns exec $(lsx_nsname west) ipsec whack --ctlsocket $(lsx_ctl west) --status"
say "Exporter log: $(lsx_edir demo)/log"
say ""
say "Press Ctrl-C to stop and clean up."
while sleep 1; do
	lsx_exporter_alive demo || { say "the exporter exited; see the log above"; tail -20 "$(lsx_edir demo)/log"; exit 1; }
done
