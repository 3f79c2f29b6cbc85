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
# LSX_CAPTURE_DIR/<label> (MX_LABEL, e.g. 5.2+4.10) plus "-esp" on a kernel with ESP. Also, as
# DIR/<state>-<side>-light--{status,showstates,trafficstatus}.txt, what the exporter's light poll
# cycle reads (`whack --briefstatus --showstates`) with a --status and a --trafficstatus of the
# same moment: pluto's state list printed alike by both (timers to the second), tried again until
# it is.
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
	capture_light "$state"
	lsx_note "captured $state into $out"
}
# the summary and state lines of a status or light output
light_lines() { grep -E '^([0-9]{3} )?(State Information: |IKE SAs: |IPsec SAs: |#[0-9])' "$1"; }
capture_light() {
	local state=$1 side try
	for side in west east; do
		for try in $(seq 20); do
			lsx_whack "$side" --status > "$out.s1" 2>&1 || true
			lsx_whack "$side" --briefstatus --showstates > "$out.l" 2>&1 || true
			lsx_whack "$side" --trafficstatus > "$out.t" 2>&1 || true
			lsx_whack "$side" --status > "$out.s2" 2>&1 || true
			cmp -s <(light_lines "$out.s1") <(light_lines "$out.l") &&
				cmp -s <(light_lines "$out.s2") <(light_lines "$out.l") && break
			sleep 0.3
		done
		mv "$out.s1" "$out/$state-$side-light--status.txt"
		mv "$out.l" "$out/$state-$side-light--showstates.txt"
		mv "$out.t" "$out/$state-$side-light--trafficstatus.txt"
		rm -f "$out.s2"
	done
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
