# scenario: kernel faults under an established tunnel: an SA deleted by hand, a corrupted key
# Two IKEv2 tunnels. Deleting net-1's inbound SA from west's kernel (pluto does not notice) makes
# libreswan_connection_kernel_sas_missing 1 for net-1 only, with its packet counter kept. Then
# net-2's inbound SA is replaced under the same SPI with another key (delete + add: `ip xfrm state
# update` keeps an SA's keys), so east's replies fail west's integrity check: net-2's integrity
# errors rise as `ip -s xfrm state` counts them, and its packet counter never goes down.
lsx_tunnels 2
lsx_exporter_start w west
lsx_ping west 198.51.100.1 203.0.113.1 200 3
lsx_ping west 198.51.100.2 203.0.113.2 200 2
lsx_expect_metric w 'libreswan_connection_in_packets_total{connection="net-1"}' == 3
lsx_expect_metric w 'libreswan_connection_in_packets_total{connection="net-2"}' == 2
for c in net-1 net-2; do lsx_expect_metric w "libreswan_connection_kernel_sas_missing{connection=\"$c\"}" == 0; done

# the inbound SA of a connection: "SPI" of the SA towards west (192.0.2.1) among its SAIDs
inbound_spi() {
	lsx_whack west --status | awk -v c="\"$1\"" '$3 == c && / Traffic:/ {
		n = split($0, w, " "); k = 0
		for (i = 1; i <= n; i++) if (w[i] ~ /^esp\./) { k++; if (k == 2) { s = w[i]; sub(/^esp\./, "", s); sub(/@.*/, "", s); print s; exit } }
	}'
}
spi1=$(inbound_spi net-1); spi2=$(inbound_spi net-2)
[ -n "$spi1" ] && [ -n "$spi2" ] || fail "no inbound SPIs in whack --status"
lsx_note "inbound SPIs: net-1 0x$spi1, net-2 0x$spi2"

lsx_in west ip xfrm state delete src 192.0.2.2 dst 192.0.2.1 proto esp spi "0x$spi1" || fail "ip xfrm state delete failed"
lsx_expect_metric w 'libreswan_connection_kernel_sas_missing{connection="net-1"}' == 1
lsx_expect_metric_now w 'libreswan_connection_kernel_sas{connection="net-1"}' == 1
lsx_expect_metric_now w 'libreswan_connection_kernel_sas_missing{connection="net-2"}' == 0
lsx_expect_metric_now w 'libreswan_connection_in_packets_total{connection="net-1"}' == 3

# net-2's inbound SA again, same SPI and parameters, another key
spec=$(lsx_in west ip xfrm state get src 192.0.2.2 dst 192.0.2.1 proto esp spi "0x$spi2")
lsx_note "net-2 inbound SA: $(printf '%s' "$spec" | grep -v -E '^\s*aead' | tr '\n\t' '  ')"
reqid=$(printf '%s\n' "$spec" | sed -n 's/.* reqid \([0-9]*\).*/\1/p')
alg=$(printf '%s\n' "$spec" | awk '$1 == "aead" { print $2; exit }')
icv=$(printf '%s\n' "$spec" | awk '$1 == "aead" { print $4; exit }')
klen=$(printf '%s\n' "$spec" | awk '$1 == "aead" { print length($3) - 2; exit }')
[ -n "$reqid" ] && [ -n "$alg" ] && [ -n "$klen" ] || fail "cannot read net-2's inbound SA"
wrong=0x$(head -c $((klen / 2)) /dev/zero | od -An -tx1 | tr -d ' \n' | tr 0 5)
lsx_in west ip xfrm state delete src 192.0.2.2 dst 192.0.2.1 proto esp spi "0x$spi2"
lsx_in west ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi "0x$spi2" reqid "$reqid" mode tunnel \
	replay-window 32 flag af-unspec aead "$alg" "$wrong" "$icv" || fail "ip xfrm state add failed"
lsx_in west $LSX_PING -q -c 4 -i 0.2 -W 1 -s 200 -I 198.51.100.2 203.0.113.2 > /dev/null 2>&1
lsx_expect_metric w 'libreswan_connection_kernel_errors_total{connection="net-2",reason="integrity"}' '>=' 4
lsx_expect "integrity errors equal ip -s xfrm state" eval '
	want=$(lsx_xfrm_conn_errors west | awk "\$1 == \"net-2\" { print \$4 }");
	got=$(metric "libreswan_connection_kernel_errors_total{connection=\"net-2\",reason=\"integrity\"}" "$(lsx_page w)");
	lsx_note "integrity: exporter $got, kernel ${want:-?}"; [ -n "$want" ] && [ "$got" = "$want" ]'
lsx_expect_metric_now w 'libreswan_connection_kernel_errors_total{connection="net-1",reason="integrity"}' == 0
lsx_expect_metric_now w 'libreswan_connection_in_packets_total{connection="net-2"}' '>=' 2
lsx_expect_metric_now w 'libreswan_connection_kernel_sas_missing{connection="net-2"}' == 0
lsx_expect_metric w 'libreswan_kernel_xfrm_stat_total{counter="XfrmInStateProtoError"}' '>=' 4
