# scenario: the kernel's view joined to pluto's: SAs, policies and packet counters equal ip -s xfrm
# Two IKEv2 tunnels with pings of known size. The exporter runs in west's namespace and reads its
# XFRM state through the helper: each connection holds its two kernel SAs (none missing), its
# packet counters equal `ip -s xfrm state` (K pings = K packets each way), the SAD count equals
# the kernel's, the policies are joined to their connection through the SAs' reqid, and with
# --metrics.sas the per-SA series carry the kernel's packets.
lsx_tunnels 2
lsx_exporter_start w west --metrics.sas

lsx_ping west 198.51.100.1 203.0.113.1 1000 4
lsx_ping west 198.51.100.2 203.0.113.2 300 3
lsx_expect_metric w libreswan_kernel_up == 1
lsx_expect_metric w 'libreswan_connection_in_packets_total{connection="net-1"}' == 4
lsx_expect_metric w 'libreswan_connection_out_packets_total{connection="net-1"}' == 4
lsx_expect_metric w 'libreswan_connection_in_packets_total{connection="net-2"}' == 3
lsx_expect_metric w 'libreswan_connection_out_packets_total{connection="net-2"}' == 3
lsx_check_packets_xfrm w west ==
lsx_check_traffic_xfrm w west ==
sad=$(lsx_in west ip xfrm state count | sed -n 's/.*SAD count \([0-9]*\).*/\1/p')
lsx_expect_metric w libreswan_kernel_sas == "${sad:-?}"
for c in net-1 net-2; do
	lsx_expect_metric w "libreswan_connection_kernel_sas{connection=\"$c\"}" == 2
	lsx_expect_metric w "libreswan_connection_kernel_sas_missing{connection=\"$c\"}" == 0
	lsx_expect_metric w "libreswan_connection_kernel_policies{connection=\"$c\",direction=\"out\"}" '>=' 1
	lsx_expect_metric w "libreswan_connection_kernel_policies{connection=\"$c\",direction=\"in\"}" '>=' 1
	lsx_expect_metric w "libreswan_connection_kernel_errors_total{connection=\"$c\",reason=\"integrity\"}" == 0
done
lsx_expect_metric w libreswan_kernel_sas_unclaimed == 0
lsx_expect_metric w 'libreswan_kernel_xfrm_stat_total{counter="XfrmInNoStates"}' '>=' 0
LSX_METRIC_SUM=1 lsx_expect_metric w 'libreswan_sa_in_packets_total{connection="net-1"}' == 4
lsx_expect_metric w 'libreswan_kernel_parse_errors_total' == 0
# the SPD as the kernel counts it
spd_out=$(lsx_in west ip xfrm policy count | sed -n 's/.*OUT \([0-9]*\).*/\1/p')
lsx_expect_metric w 'libreswan_kernel_policies{direction="out"}' == "${spd_out:-?}"
lsx_check_against_pluto w west

if [ -n "${LSX_CAPTURE:-}" ]; then
	for what in status trafficstatus; do
		echo "LSX-CAPTURE-BEGIN $what" >&2; lsx_whack west --"$what" >&2; echo "LSX-CAPTURE-END" >&2
	done
	echo "LSX-CAPTURE-BEGIN kernel" >&2; lsx_kernel_helper west >&2; echo "LSX-CAPTURE-END" >&2
	echo "LSX-CAPTURE-BEGIN ip-xfrm-state" >&2; lsx_in west ip -s xfrm state | grep -v -E '^\s+(aead|enc|auth)' >&2; echo "LSX-CAPTURE-END" >&2
fi
