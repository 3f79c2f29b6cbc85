# scenario: the kernel collector on a kernel without ESP: SAD/SPD counts, an ACQUIRE, no errors
# West routes a connection (auto=route: pluto installs its policies) and traffic hits it, so the
# kernel holds a larval SA (SPI 0) while pluto negotiates; every Child SA fails here (no ESP), so
# no SA is established. The exporter, in west's namespace, reads the kernel through the helper:
# libreswan_kernel_up 1, the SAD and SPD counts equal `ip xfrm state/policy count`, the larval SA
# is counted, nothing is missing or unclaimed, and neither read nor parse errors occur.
lsx_pair 2
lsx_conn_net net-1 1 auto=route
lsx_conn_net net-2 2
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start w west
lsx_expect_metric w libreswan_kernel_up == 1
lsx_expect_metric w libreswan_kernel_collector_enabled == 1
out=$(lsx_in west ip xfrm policy count | sed -n 's/.*OUT \([0-9]*\).*/\1/p')
lsx_expect "west has policies (auto=route)" test "${out:-0}" -ge 1
lsx_expect_metric w 'libreswan_kernel_policies{direction="out"}' == "$out"
lsx_expect_metric w 'libreswan_kernel_policies{direction="in"}' == \
	"$(lsx_in west ip xfrm policy count | sed -n 's/.*IN  *\([0-9]*\).*/\1/p')"
# policies present, the SAD empty (no ESP: no Child SA ever installs one)
lsx_expect_metric_now w libreswan_kernel_sas == 0
lsx_expect_metric_now w libreswan_kernel_sas_larval == 0

# a packet for the routed tunnel: the kernel asks pluto for an SA (ACQUIRE, a larval SA)
lsx_in west ping -q -c 1 -W 1 -I 198.51.100.1 203.0.113.1 > /dev/null 2>&1
lsx_expect_metric w libreswan_kernel_sas_larval '>=' 1
lsx_expect_metric w libreswan_kernel_sas == "$(lsx_in west ip xfrm state count | sed -n 's/.*SAD count \([0-9]*\).*/\1/p')" 5
lsx_expect_metric w libreswan_kernel_sas_unclaimed == 0
lsx_expect_metric w 'libreswan_connection_kernel_sas_missing{connection="net-1"}' == 0
lsx_expect_metric w 'libreswan_connection_kernel_sas_missing{connection="net-2"}' == 0
lsx_expect_metric w 'libreswan_kernel_xfrm_stat_total{counter="XfrmOutNoStates"}' '>=' 0
for r in permission timeout exit_status output_too_large spawn_failed; do
	lsx_expect_metric_now w "libreswan_kernel_read_errors_total{reason=\"$r\"}" == 0
done
lsx_expect_metric_now w libreswan_kernel_parse_errors_total == 0
lsx_expect "no kernel collector warning in the log" eval '! grep -q "kernel collector" "$(lsx_edir w)/log"'
lsx_expect "daemon CapEff 0" grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$(lsx_exporter_pid w)/status"
lsx_check_against_pluto w west
