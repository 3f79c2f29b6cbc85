# scenario: an IKEv1 tunnel carrying pings of known size: byte counters equal trafficstatus and XFRM
# Debian's Libreswan 4.10 drops IKEv1 unless "ikev1-policy=accept" is set in config setup.
LSX_SETUP=(ikev1-policy=accept)
lsx_pair 1
lsx_conn_net v1 1 ikev2=no
lsx_pluto_start west
lsx_pluto_start east
lsx_initiate west v1
lsx_wait_child_sas west 1 || fail "no IPsec SA"
lsx_exporter_start w west

lsx_ping west 198.51.100.1 203.0.113.1 600 4
lsx_expect_bytes w v1 $((4 * 628)) $((4 * 628))
lsx_check_traffic w west ==
lsx_check_traffic_xfrm w west ==
lsx_expect_metric_now w 'libreswan_connection_info{connection="v1",ike_version="1"}' == 1
lsx_expect_metric_now w 'libreswan_connection_up{connection="v1"}' == 1
lsx_expect_metric_now w 'libreswan_connection_ike_sas_established{connection="v1"}' == 1
lsx_check_against_pluto w west
