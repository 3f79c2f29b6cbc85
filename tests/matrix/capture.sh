# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# scenario: whack's output of each side's Libreswan in typical states, saved for the fixtures
# (run by `tests/matrix/run.sh capture`). West and east load: host (IKEv2, host to host),
# net-1 and net-2 (IKEv2, subnets), silent-1 (west only, towards an address nobody answers)
# and rw (east only, a road-warrior template). Captured, from both sides:
#   loaded       every connection loaded, nothing initiated
#   initiated    host and net-1 initiated, silent-1 half-open; on a kernel with ESP the
#                Child SAs carry pings of known size (4 x 1000 bytes on net-1, 3 x 300 on host)
# as DIR/<state>-<side>--<command>.txt for status, trafficstatus and globalstatus, where DIR is
# LSX_CAPTURE_DIR/<label> (MX_LABEL, e.g. 5.2+4.10) plus "-esp" on a kernel with ESP.
[ -n "${LSX_CAPTURE_DIR:-}" ] || skip "LSX_CAPTURE_DIR not set"
lsx_pair 2
lsx_conn_host host
lsx_conn_net net-1 1
lsx_conn_net net-2 2
lsx_conn_silent silent-1 1
lsx__conn rw left=192.0.2.2 right=%any | lsx_conf east
lsx_pluto_start west
lsx_pluto_start east

capture() {
	local state=$1 side cmd
	for side in west east; do
		for cmd in status trafficstatus globalstatus; do
			lsx_whack "$side" --"$cmd" > "$out.tmp" 2>&1 || true
			mv "$out.tmp" "$out/$state-$side--$cmd.txt"
		done
	done
	lsx_note "captured $state into $out"
}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
esp=no
mx_has_esp "$(lsx_nsname west)" && esp=yes
out=$LSX_CAPTURE_DIR/${MX_LABEL:-unknown}$([ "$esp" = yes ] && echo -esp)
mkdir -p "$out"
capture loaded

for c in host net-1 silent-1; do lsx_initiate west "$c" --asynchronous; done
poll_until 30 eval '[ "$(lsx_pluto_count west ike_half_open)" -ge 1 ] &&
	[ "$(lsx_pluto_count west ike_authenticated)" -ge 1 ]' ||
	lsx_note "west: $(lsx_pluto_status_counts west | tr '\n' ' ')"
if [ "$esp" = yes ]; then
	lsx_wait_child_sas west 2 || fail "no Child SAs"
	lsx_ping west 198.51.100.1 203.0.113.1 1000 4
	lsx_ping west 192.0.2.1 192.0.2.2 300 3
else
	sleep 5 # retransmissions and failed Child SAs, as they stand a few seconds later
fi
capture initiated
