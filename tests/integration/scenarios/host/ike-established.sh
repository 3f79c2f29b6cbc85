# scenario: an initiated connection whose IKE SA establishes (its Child SA fails without ESP)
# On a kernel with ESP the Child SA establishes too; the checks against pluto hold either way.
lsx_pair 0
lsx_conn_host host
lsx_conn_host spare
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start w west
lsx_exporter_start e east
lsx_initiate west host
lsx_wait_until 30 "pluto west: an authenticated IKE SA" eval '[ "$(lsx_pluto_count west ike_authenticated)" = 1 ]'

lsx_expect_metric w 'libreswan_ike_sas{state="authenticated"}' == 1
lsx_expect_metric w 'libreswan_connection_ike_sas_established{connection="host"}' == 1
lsx_expect_metric w 'libreswan_connection_expected_up{connection="host"}' == 1
lsx_expect_metric w 'libreswan_connection_expected_up{connection="spare"}' == 0
lsx_expect_metric w 'libreswan_connection_ike_sas_established{connection="spare"}' == 0
if [ -z "$(lsx_pluto_traffic_sums west)" ]; then
	lsx_note "no Child SA on this kernel (no ESP): connection_up must be 0"
	lsx_expect_metric w 'libreswan_connection_up{connection="host"}' == 0
	lsx_expect_metric w 'libreswan_connection_child_sas_established{connection="host"}' == 0
else
	lsx_expect_metric w 'libreswan_connection_up{connection="host"}' == 1
fi
# the responder's view: one authenticated IKE SA, on whichever connection pluto picked
lsx_expect_metric e 'libreswan_ike_sas{state="authenticated"}' == 1
LSX_METRIC_SUM=1 lsx_expect_metric e 'libreswan_connection_ike_sas_established' == 1
lsx_check_against_pluto w west
lsx_check_against_pluto e east
