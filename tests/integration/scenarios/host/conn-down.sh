# scenario: an operator's down of a connection that was never up (auto=start, its peer silent) shows at the next poll cycle with the events collector, within --poll.full-interval without
# As conn-added: exporters "on" (pluto's log followed) and "off" (whole reads every FULL s).
# "silent" starts with pluto (auto=start) towards an address nobody answers: held up, a half-open
# IKE SA, never up. An operator takes it down (`whack --down`, 4.x `--terminate`): pluto no longer
# holds it up and drops the half-open SA. The half-open count changes at once on both pages (the
# light read carries it); expected_up, which only the connection list says, changes on "on"'s
# page at the next poll cycle where pluto logs the down (4.x: "terminating SAs using this
# connection"; 5.x says nothing of a connection without an established SA, so there at the next
# whole read), on "off"'s within FULL s.
FULL=${LSX_LIGHT_FULL:-5}
lsx_pair 0
lsx_conn_host host
lsx_conn_silent silent 1 auto=start
lsx_light_start "$FULL"
for e in on off; do
	lsx_expect_metric "$e" 'libreswan_connection_expected_up{connection="silent"}' == 1
	lsx_expect_metric "$e" 'libreswan_ike_sas{state="half_open"}' == 1
	lsx_expect_metric_now "$e" 'libreswan_connection_up{connection="silent"}' == 0
done
family=$(lsx_pluto_family on)
lsx_note "pluto west: output family $family"

lsx_whack_down west silent || fail "whack down silent: $(cat "$WORK/down.out")"
t0=$(lsx_now_ns)
lsx_note "pluto west: silent taken down ($(tr '\n' ' ' < "$WORK/down.out"))"
lsx_shows_within on "$LSX_BOUND_ON" "$t0" 'libreswan_ike_sas{state="half_open"}' == 0
lsx_shows_within off "$LSX_BOUND_ON" "$t0" 'libreswan_ike_sas{state="half_open"}' == 0
if [ "$family" = 5 ]; then
	lsx_note "5.x logs no down of a connection without an established SA: \"on\" shows expected_up 0 at its next whole read (--poll.full-interval)"
else
	lsx_shows_within on "$LSX_BOUND_ON" "$t0" 'libreswan_connection_expected_up{connection="silent"}' == 0
	lsx_expect_metric_now on 'libreswan_poll_full_reads_total{reason="log"}' '>=' 1
fi
lsx_shows_within off "$LSX_BOUND_OFF" "$t0" 'libreswan_connection_expected_up{connection="silent"}' == 0
lsx_check_against_pluto on west
lsx_check_against_pluto off west
