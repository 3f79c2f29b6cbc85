# scenario: half-open IKE SAs towards a silent peer are counted as pluto counts them
# Three connections towards addresses where nobody answers; each initiation leaves an IKE SA in
# "sent IKE_SA_INIT request", retransmitting.
LSX_HALF_OPEN=${LSX_HALF_OPEN:-3}
lsx_pair 0
lsx_conn_host host
for i in $(seq 1 "$LSX_HALF_OPEN"); do lsx_conn_silent "silent-$i" "$i"; done
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start e west
for i in $(seq 1 "$LSX_HALF_OPEN"); do lsx_initiate west "silent-$i" --asynchronous; done
lsx_wait_until 20 "pluto: $LSX_HALF_OPEN half-open IKE SAs" \
	eval '[ "$(lsx_pluto_count west ike_half_open)" = "$LSX_HALF_OPEN" ]'

lsx_expect_metric e 'libreswan_ike_sas{state="half_open"}' == "$(lsx_pluto_count west ike_half_open)"
lsx_expect_metric e 'libreswan_ike_sas{state="authenticated"}' == 0
for i in $(seq 1 "$LSX_HALF_OPEN"); do
	lsx_expect_metric_now e "libreswan_connection_expected_up{connection=\"silent-$i\"}" == 1
	lsx_expect_metric_now e "libreswan_connection_ike_sas_established{connection=\"silent-$i\"}" == 0
	lsx_expect_metric_now e "libreswan_connection_up{connection=\"silent-$i\"}" == 0
done
lsx_check_against_pluto e west
