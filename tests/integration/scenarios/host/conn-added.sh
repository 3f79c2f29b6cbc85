# scenario: a connection added to a running pluto (addconn) shows at the next poll cycle with the events collector, within --poll.full-interval without
# Two exporters poll west every second between whole reads of its status: "on" follows pluto's
# log (the events collector; its own --poll.full-interval is an hour, so only the log or the
# state list can make it read the connection list again), "off" does not and reads the whole
# status every FULL seconds. A connection added with addconn (auto=add: no state shows it) must
# be on "on"'s page at the first poll cycle after pluto logs it, and on "off"'s within FULL.
FULL=${LSX_LIGHT_FULL:-5}
lsx_light_spare "$FULL"

lsx__conn extra left=192.0.2.1 right=192.0.2.2 leftsubnet=198.51.100.8/32 rightsubnet=203.0.113.8/32 | lsx_conf west
d=$(lsx_pdir west)
lsx_in "$(cat "$d/ns")" "$(lsx__lsw west ADDCONN)" --config "$d/ipsec.conf" --ctlsocket "$d/run/pluto.ctl" extra \
	>> "$d/addconn.log" 2>&1 || fail "addconn extra failed: $(tail -3 "$d/addconn.log")"
t0=$(lsx_now_ns)
lsx_note "pluto west: added extra"
lsx_shows_within on "$LSX_BOUND_ON" "$t0" 'libreswan_connection_info{connection="extra"}' == 1
lsx_shows_within on 0 "$t0" libreswan_connections_loaded == 3
lsx_expect_metric_now on 'libreswan_connection_up{connection="extra"}' == 0
lsx_expect_metric_now on 'libreswan_poll_full_reads_total{reason="log"}' '>=' 1
lsx_shows_within off "$LSX_BOUND_OFF" "$t0" 'libreswan_connection_info{connection="extra"}' == 1
lsx_expect_metric_now off libreswan_connections_loaded == 3
lsx_expect_metric_now off 'libreswan_poll_full_reads_total{reason="interval"}' '>=' 1
lsx_check_against_pluto on west
lsx_check_against_pluto off west
