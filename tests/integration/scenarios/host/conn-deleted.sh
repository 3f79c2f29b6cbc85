# scenario: connections deleted from a running pluto (--delete) leave the page at the next poll cycle with the events collector, within --poll.full-interval without
# As conn-added: exporters "on" (pluto's log followed) and "off" (whole reads every FULL s).
# Deleted: "host", whose IKE SA is established (4.3 on a kernel without ESP keeps it negotiating),
# then "spare", which never had a state. Pluto 4.x logs both deletions; 5.x logs only the first
# (a connection without SAs goes without a word), so there "spare" leaves "on"'s page at its
# next whole read like "off"'s: within FULL s.
FULL=${LSX_LIGHT_FULL:-5}
lsx_pair 0
lsx_conn_host host
lsx__conn spare left=192.0.2.1 right=192.0.2.2 leftsubnet=198.51.100.7/32 rightsubnet=203.0.113.7/32 | lsx_conf west
lsx__conn keep left=192.0.2.1 right=192.0.2.2 leftsubnet=198.51.100.8/32 rightsubnet=203.0.113.8/32 | lsx_conf west
lsx_light_start "$FULL"
lsx_initiate west host --asynchronous
for e in on off; do
	lsx_expect_metric "$e" libreswan_connections_loaded == 3
	LSX_METRIC_SUM=1 lsx_expect_metric "$e" 'libreswan_ike_sas' '>=' 1
done
family=$(lsx_pluto_family on)
lsx_note "pluto west: output family $family"

lsx_whack west --name host --delete > "$WORK/delete.out" 2>&1 || fail "whack --delete host: $(cat "$WORK/delete.out")"
t0=$(lsx_now_ns)
lsx_note "pluto west: deleted host"
lsx_shows_within on "$LSX_BOUND_ON" "$t0" 'libreswan_connection_info{connection="host"}' == absent
lsx_shows_within on 0 "$t0" libreswan_connections_loaded == 2
lsx_shows_within off "$LSX_BOUND_OFF" "$t0" 'libreswan_connection_info{connection="host"}' == absent
lsx_expect_metric_now off libreswan_connections_loaded == 2

lsx_whack west --name spare --delete > "$WORK/delete.out" 2>&1 || fail "whack --delete spare: $(cat "$WORK/delete.out")"
t0=$(lsx_now_ns)
lsx_note "pluto west: deleted spare"
if [ "$family" = 5 ]; then
	lsx_note "5.x logs nothing when a connection without SAs is deleted: \"on\" shows it at its next whole read (--poll.full-interval)"
else
	lsx_shows_within on "$LSX_BOUND_ON" "$t0" 'libreswan_connection_info{connection="spare"}' == absent
	lsx_shows_within on 0 "$t0" libreswan_connections_loaded == 1
fi
lsx_shows_within off "$LSX_BOUND_OFF" "$t0" 'libreswan_connection_info{connection="spare"}' == absent
lsx_expect_metric_now off libreswan_connections_loaded == 1
[ "$family" = 5 ] || lsx_check_against_pluto on west
lsx_check_against_pluto off west
