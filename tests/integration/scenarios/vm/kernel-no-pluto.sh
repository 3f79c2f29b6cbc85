# scenario: a kernel with IPsec state but no pluto: the kernel's counts still come through
# SAs and policies added with `ip xfrm` in a namespace where no pluto runs: libreswan_up 0
# (whack finds no pluto), libreswan_kernel_up 1, the SAD and SPD counts as the kernel has them,
# nothing joined to any connection and no unclaimed count (there is no pluto to claim them).
lsx_ns solo
lsx_addr solo 192.0.2.1/24
k=0x0102030405060708090a0b0c0d0e0f1011121314
for spi in 0x1001 0x1002; do
	lsx_in solo ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi $spi reqid 7 mode tunnel \
		aead 'rfc4106(gcm(aes))' $k 128 || fail "ip xfrm state add failed"
done
lsx_in solo ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2001 reqid 7 mode tunnel \
	aead 'rfc4106(gcm(aes))' $k 128
lsx_in solo ip xfrm policy add src 10.0.1.0/24 dst 10.0.2.0/24 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 7 mode tunnel
lsx_in solo ip xfrm policy add src 10.0.2.0/24 dst 10.0.1.0/24 dir in tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 7 mode tunnel
lsx_in solo ip xfrm policy add src 10.0.2.0/24 dst 10.0.1.0/24 dir fwd tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 7 mode tunnel
LSX_EXPORTER_NETNS=solo lsx_exporter_start e nopluto
lsx_expect_metric e libreswan_up == 0
lsx_expect_metric e libreswan_kernel_up == 1
lsx_expect_metric_now e libreswan_kernel_sas == 3
lsx_expect_metric_now e 'libreswan_kernel_policies{direction="out"}' == 1
lsx_expect_metric_now e 'libreswan_kernel_policies{direction="in"}' == 1
lsx_expect_metric_now e 'libreswan_kernel_policies{direction="fwd"}' == 1
lsx_expect_metric_now e libreswan_kernel_sas_larval == 0
lsx_expect "no unclaimed count without pluto" eval '! metric libreswan_kernel_sas_unclaimed "$(lsx_page e)" > /dev/null'
lsx_expect "no per-connection kernel series" eval '! grep -q "^libreswan_connection_kernel" "$(lsx_page e)"'
