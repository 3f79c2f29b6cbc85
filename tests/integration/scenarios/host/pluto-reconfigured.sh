# scenario: pluto restarted with another configuration: the page shows the new connection list at the next poll cycle with the events collector, within --poll.full-interval without
# As conn-added: exporters "on" (pluto's log followed) and "off" (whole reads every FULL s).
# West is stopped, its configuration changed (spare removed, extra added, host now auto=start
# towards a silent peer) and started again. Pluto logs its start and every connection it adds;
# an exporter that saw pluto gone also reads it whole again. "on" must show the new list at the
# next poll cycle after pluto is back with its connections loaded, "off" within FULL s.
FULL=${LSX_LIGHT_FULL:-5}
lsx_light_spare "$FULL"
for e in on off; do
	lsx_expect_metric_now "$e" 'libreswan_connection_info{connection="spare"}' == 1
done
before_on=$WORK/page-on-before; cp "$(lsx_page on)" "$before_on"
before_off=$WORK/page-off-before; cp "$(lsx_page off)" "$before_off"

lsx_note "pluto west: stop, another configuration, start"
lsx_pluto_stop west
d=$(lsx_pdir west)
awk '/^conn spare$/ { skip = 1; next } /^conn / { skip = 0 } !skip' "$d/ipsec.conf" > "$d/ipsec.conf.new"
mv "$d/ipsec.conf.new" "$d/ipsec.conf"
lsx__conn extra left=192.0.2.1 right=192.0.2.2 leftsubnet=198.51.100.8/32 rightsubnet=203.0.113.8/32 | lsx_conf west
lsx_conn_silent silent 1 auto=start
lsx_pluto_start west
t0=$(lsx_now_ns)
for e in on off; do
	bound=$LSX_BOUND_ON
	[ "$e" = off ] && bound=$LSX_BOUND_OFF
	lsx_shows_within "$e" "$bound" "$t0" libreswan_connections_loaded == 3
	lsx_shows_within "$e" "$bound" "$t0" 'libreswan_connection_info{connection="extra"}' == 1
	lsx_shows_within "$e" "$bound" "$t0" 'libreswan_connection_info{connection="spare"}' == absent
	lsx_shows_within "$e" "$bound" "$t0" 'libreswan_connection_expected_up{connection="silent"}' == 1
	lsx_expect_metric_now "$e" libreswan_up == 1
done
lsx_expect_metric_now on 'libreswan_poll_full_reads_total{reason="restart"}' '>=' 1
lsx_check_against_pluto on west
lsx_check_against_pluto off west
# the exporter's own counters go on (spare's byte counters go with spare)
re='^libreswan_(poll_errors_total|parse_errors_total|poll_cycles_total|poll_full_reads_total)[{ ]'
lsx_check_monotonic "$before_on" "$(lsx_page on)" "$re"
lsx_check_monotonic "$before_off" "$(lsx_page off)" "$re"
