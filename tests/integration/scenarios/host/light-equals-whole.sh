# scenario: a light poll cycle's page equals a whole one's on a real pluto: connections, states, counts
# Two exporters poll west: "light" reads the whole status once and then light cycles (`whack
# --briefstatus --showstates`, --trafficstatus), "whole" reads --status every cycle
# (--poll.full-interval=0). West holds an established IKE SA (host), a half-open one towards a
# silent peer (silent, auto=start), an idle connection, and a road-warrior template with an
# instance that east dialled in. What the pluto source says (pluto's counts, every connection's
# description, expected_up, instances, up, SA counts, bytes) must agree line for line between
# the two pages, pluto's timers (seconds to the next event) apart, which tick between two reads.
lsx_pair 0
lsx_conn_host host
lsx_conn_silent silent 1 auto=start
lsx__conn spare left=192.0.2.1 right=192.0.2.2 leftsubnet=198.51.100.7/32 rightsubnet=203.0.113.7/32 | lsx_conf west
lsx__conn rw left=192.0.2.1 right=%any leftsubnet=198.51.100.9/32 | lsx_conf west
# east dials in from an address of its own (connections between the same two addresses would
# share host's IKE SA)
lsx_addr east 192.0.2.3/24 to-west
lsx__conn dial left=192.0.2.3 right=192.0.2.1 rightsubnet=198.51.100.9/32 | lsx_conf east
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start light west --no-collector.events --no-collector.certificates
lsx_exporter_start whole west --no-collector.events --no-collector.certificates --poll.full-interval=0
lsx_initiate west host --asynchronous
lsx_initiate east dial --asynchronous
lsx_wait_until 30 "pluto west: two IKE SAs established (host, rw's instance)" \
	eval '[ "$(lsx_pluto_count west ike_authenticated)" -ge 2 ]'
sleep 3 # the Child SAs' failures on a kernel without ESP, as they stand a few seconds later

# the pluto source's families, without pluto's timers
pluto_lines() {
	grep -E '^libreswan_(connections_|ike_sas|ipsec_sas|ddos_cookies_required|accepting_ike|pluto_info|connection_(info|expected_up|instances|up|ike_sas_established|child_sas_established|in_bytes_total|out_bytes_total))[{ ]' "$1"
}
agree() {
	local a b
	a=$(lsx_page light) && b=$(lsx_page whole) || { LSX_DIFF="scrape failed"; return 1; }
	pluto_lines "$a" > "$WORK/light.lines"; pluto_lines "$b" > "$WORK/whole.lines"
	LSX_DIFF="$(wc -l < "$WORK/light.lines") lines; $(diff "$WORK/whole.lines" "$WORK/light.lines" | grep '^[<>]' | head -4 | tr '\n' ' ')"
	[ -s "$WORK/light.lines" ] && cmp -s "$WORK/light.lines" "$WORK/whole.lines"
}
lsx__agree_within 20 "the light and the whole exporter's pages agree" agree
lsx_expect_metric_now light 'libreswan_poll_success{command="showstates"}' == 1
# the first read, and those that found pluto's connection list held still (it may have been
# loading, or the road warrior's instance came meanwhile)
lsx_expect_metric_now light 'libreswan_poll_full_reads_total{reason="start"}' '>=' 2
lsx_expect_metric_now whole 'libreswan_poll_success{command="showstates"}' == absent
lsx_expect_metric_now light 'libreswan_connection_instances{connection="rw"}' == 1
lsx_check_against_pluto light west
lsx_check_against_pluto whole west
lsx_note "light's whole reads: $(grep '^libreswan_poll_full_reads_total' "$(lsx_page light)" | grep -v ' 0$' | tr '\n' ' ')"
