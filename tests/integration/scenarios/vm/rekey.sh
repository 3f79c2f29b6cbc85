# scenario: rekeying a Child SA keeps the byte and packet counters monotonic and exact
# Traffic, a quiet poll, `whack --rekey-ipsec` (new SA serial, new kernel SAs, counters from 0),
# more traffic: the counters never go down and end at the sum of both SAs' traffic, in bytes
# (trafficstatus) and in packets (the kernel's SAs, read by the kernel collector).
lsx_pair 1
lsx_conn_net net-1 1
lsx_pluto_start west
lsx_pluto_start east
lsx_initiate west net-1
lsx_wait_child_sas west 1 || fail "no Child SA"
lsx_exporter_start w west

lsx_ping west 198.51.100.1 203.0.113.1 1000 3
lsx_expect_bytes w net-1 3084 3084
lsx_expect_metric w 'libreswan_connection_in_packets_total{connection="net-1"}' == 3
lsx_check_packets_xfrm w west ==
sleep "${LSX_POLL_INTERVAL%s}"
before=$WORK/page-before; cp "$(lsx_page w)" "$before"
old=$(lsx_child_serials west net-1)
lsx_note "Child SA(s) before rekey: #$old"
# Libreswan 5 renamed --rekey-ipsec to --rekey-child (an unknown option is not an error status)
rekey=--rekey-ipsec
lsx_whack west --help 2>&1 | grep -q -- --rekey-child && rekey=--rekey-child
LSX_WHACK_TIMEOUT=60 lsx_whack west --name net-1 "$rekey" > /dev/null 2>&1
lsx_wait_until 60 "a new Child SA serial replacing #$old" \
	eval 's=$(lsx_child_serials west net-1); [ -n "$s" ] && [ "$s" != "$old" ] && [[ " $s " != *" $old "* ]]'
lsx_note "Child SA(s) after rekey: #$(lsx_child_serials west net-1)"
# a few polls across the rekey: never below the pre-rekey value
for i in 1 2 3; do
	sleep "${LSX_POLL_INTERVAL%s}"
	lsx_check_monotonic "$before" "$(lsx_page w)"
done
lsx_ping west 198.51.100.1 203.0.113.1 500 2
lsx_expect_bytes w net-1 $((3084 + 2 * 528)) $((3084 + 2 * 528))
lsx_expect_metric w 'libreswan_connection_in_packets_total{connection="net-1"}' == 5
lsx_expect_metric_now w 'libreswan_connection_out_packets_total{connection="net-1"}' == 5
lsx_check_packets_xfrm w west '>='
lsx_check_traffic w west '>='
lsx_check_monotonic "$before" "$(lsx_page w)"
lsx_check_against_pluto w west
