# scenario: IKEv2 tunnels carrying pings of known size: byte counters equal trafficstatus and XFRM
# Two subnet tunnels; K pings of S bytes through a tunnel are K*(S+28) bytes each way. Checked on
# the initiator; the responder side is covered by the road-warrior scenario.
lsx_tunnels 2
lsx_exporter_start w west

lsx_ping west 198.51.100.1 203.0.113.1 1000 4
lsx_ping west 198.51.100.2 203.0.113.2 300 3
lsx_expect_bytes w net-1 $((4 * 1028)) $((4 * 1028))
lsx_expect_bytes w net-2 $((3 * 328)) $((3 * 328))
lsx_check_traffic w west ==
lsx_check_traffic_xfrm w west ==
f=$(lsx_page w)
for c in net-1 net-2; do
	lsx_expect "$c: up 1, one Child SA, IKEv2" eval "[ \"\$(metric 'libreswan_connection_up{connection=\"$c\"}' $f)\" = 1 ] &&
		[ \"\$(metric 'libreswan_connection_child_sas_established{connection=\"$c\"}' $f)\" = 1 ] &&
		[ \"\$(metric 'libreswan_connection_info{connection=\"$c\",ike_version=\"2\"}' $f)\" = 1 ]"
done
lsx_check_against_pluto w west
