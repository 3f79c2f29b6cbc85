# scenario: connections loaded but never initiated are reported, all down and not expected up
# Three connections on each side, auto=add: pluto holds them, nothing is negotiated.
lsx_pair 2
lsx_conn_host host
lsx_conn_net net-1 1
lsx_conn_net net-2 2
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start e west

lsx_expect_metric e libreswan_up == 1
lsx_expect_metric e libreswan_connections_loaded == 3
for c in host net-1 net-2; do
	lsx_expect_metric_now e "libreswan_connection_info{connection=\"$c\",ike_version=\"2\",kind=\"static\"}" == 1
	lsx_expect_metric_now e "libreswan_connection_up{connection=\"$c\"}" == 0
	lsx_expect_metric_now e "libreswan_connection_expected_up{connection=\"$c\"}" == 0
	lsx_expect_metric_now e "libreswan_connection_ike_sas_established{connection=\"$c\"}" == 0
done
lsx_expect_metric_now e 'libreswan_ike_sas{state="authenticated"}' == 0
lsx_check_against_pluto e west
