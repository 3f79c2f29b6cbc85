# scenario: without CAP_NET_ADMIN the kernel collector reports down and nothing else changes
# Two exporters on west's pluto, in west's namespace: one whose bounding set lacks CAP_NET_ADMIN
# (so its kernel helper is refused by XFRM), one with --no-collector.kernel. The first says
# libreswan_kernel_up 0, counts reason="permission" and logs the reason once; apart from the
# kernel families and the clocks, its page equals the second one's line for line.
lsx_pair 2
lsx_conn_net net-1 1
lsx_conn_net net-2 2
lsx_pluto_start west
lsx_pluto_start east
command -v setpriv > /dev/null || skip "no setpriv"
LSX_EXPORTER_WRAP=(setpriv --bounding-set=-net_admin)
lsx_exporter_start d west
LSX_EXPORTER_WRAP=()
lsx_exporter_start off west --no-collector.kernel
lsx_expect_metric d libreswan_up == 1
lsx_expect_metric d 'libreswan_kernel_read_errors_total{reason="permission"}' '>=' 2
lsx_expect_metric_now d libreswan_kernel_up == 0
lsx_expect_metric_now d libreswan_kernel_collector_enabled == 1
lsx_expect_metric_now off libreswan_kernel_up == 0
lsx_expect_metric_now off libreswan_kernel_collector_enabled == 0
lsx_expect "the reason logged once" \
	eval '[ "$(grep -c "not permitted to read XFRM" "$(lsx_edir d)/log")" = 1 ]'
lsx_expect "daemon CapEff 0" grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$(lsx_exporter_pid d)/status"

# the rest of the page: equal, but for the kernel's families, the process's own (two processes)
# and what the clock moves
rest() {
	grep -Ev '^(# (HELP|TYPE) )?(libreswan_(kernel_|poll_duration_seconds|last_poll_timestamp_seconds|poll_cycles_total)|process_)' "$1"
}
same=""
for i in 1 2 3 4 5; do
	a=$(lsx_page d) && b=$(lsx_page off) || break
	if diff <(rest "$a") <(rest "$b") > "$WORK/page.diff"; then same=1; break; fi
	sleep 1
done
lsx_expect "the page without CAP_NET_ADMIN equals the page without the collector, kernel families aside ($(wc -l < "$a") lines)" test -n "$same"
[ -n "$same" ] || head -20 "$WORK/page.diff" >&2
lsx_check_against_pluto d west
