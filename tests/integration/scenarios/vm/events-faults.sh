# scenario: why a tunnel is down, from pluto's log: five faults on one gateway pair, beside a healthy tunnel
# West initiates six connections, each with an IKE SA of its own (addresses of its own), and
# one more to a third pluto, north; an exporter on west and one on east follow their plutos' log
# files. Each fault is counted once, under exactly its reason, on exactly its connection:
#   badpsk  a different pre-shared key on each side for its IDs: ike authentication_failed
#   noesp   ESP proposals with nothing in common (IKE SA up): child no_proposal_chosen
#   nots    east's subnet is not the one west asks for (IKE SA up): child ts_unacceptable
#   silent  towards an address nobody answers: ike timeout
#   dpd     up, then north's pluto is killed while DPD runs: ike liveness
# and `good`, a tunnel beside them, comes up once and keeps 0 failures on both sides. The faulty
# connections try once (keyingtries=1, rekey=no, dpdaction=clear for dpd; revival impaired for
# 5.x) so every count is exact. Their retransmits wait for pluto's own default time (emulated crypto can take seconds
# per exchange), but for the silent peer's (10 s) and the dead peer's liveness probe (15 s). No
# message of any pluto is in words the classifier does not know.
lsx_pair 1
for i in 1 2 3; do
	lsx_addr west "192.0.2.1$i/24" to-east
	lsx_addr east "192.0.2.2$i/24" to-west
done
lsx_ns north
lsx_link west 198.51.100.253/30 north 198.51.100.254/30
lsx_pluto_new north north "${LSX_SETUP[@]}"
lsx_secret north "%any %any : PSK \"$LSX_PSK\""
once=(keyingtries=1 rekey=no)
lsx_conn_net good 1
lsx__conn badpsk left=192.0.2.11 right=192.0.2.21 leftid=@west-badpsk rightid=@east-badpsk "${once[@]}" |
	lsx_conf_both west east
lsx_secret west '@west-badpsk @east-badpsk : PSK "lsx-integration-the-one-secret-0123456789"'
lsx_secret east '@west-badpsk @east-badpsk : PSK "lsx-integration-the-other-secret-012345678"'
lsx__conn noesp left=192.0.2.12 right=192.0.2.22 esp=aes_gcm128 "${once[@]}" | lsx_conf west
lsx__conn noesp left=192.0.2.12 right=192.0.2.22 esp=aes256-sha2_512 "${once[@]}" | lsx_conf east
lsx__conn nots left=192.0.2.13 right=192.0.2.23 leftsubnet=198.51.100.13/32 rightsubnet=203.0.113.13/32 \
	"${once[@]}" | lsx_conf west
lsx__conn nots left=192.0.2.13 right=192.0.2.23 leftsubnet=198.51.100.13/32 rightsubnet=203.0.113.14/32 \
	"${once[@]}" | lsx_conf east
lsx_conn_silent silent 4 "${once[@]}" retransmit-timeout=10s
lsx__conn dpd left=198.51.100.253 right=198.51.100.254 dpddelay=2 dpdtimeout=15s dpdaction=clear retransmit-timeout=15s \
	"${once[@]}" |
	lsx_conf_both west north
lsx_pluto_start west
lsx_pluto_start east
lsx_pluto_start north
# keyingtries=1 and rekey=no keep 4.x to one attempt; 5.x revives a connection an operator
# brought up until it is taken down, whatever keyingtries says: pluto's own test switch turns
# revival off (every release has it)
for p in west east north; do lsx_whack "$p" --impair revival > /dev/null 2>&1; done
lsx_exporter_start_events w west
lsx_exporter_start_events e east
for c in good dpd badpsk noesp nots silent; do lsx_initiate west "$c" --asynchronous; done

# a faulty connection is taken down once its fault is counted: no later retry can add to the
# count (4.3 tries an IKE SA whose IKE_AUTH failed again two minutes later)
down() { LSX_WHACK_TIMEOUT=30 lsx_whack west --name "$1" --terminate > /dev/null 2>&1; }
lsx_expect_events w good established ike/new=1 child/new=1
lsx_expect_events e good established ike/new=1 child/new=1
lsx_expect_events w dpd established ike/new=1 child/new=1
lsx_expect_events w badpsk failures ike/authentication_failed=1
lsx_expect_events e badpsk failures ike/authentication_failed=1
down badpsk
lsx_expect_events w noesp failures child/no_proposal_chosen=1
lsx_expect_events e noesp failures child/no_proposal_chosen=1
lsx_expect_events w nots failures child/ts_unacceptable=1
lsx_expect_events e nots failures child/ts_unacceptable=1
for c in noesp nots; do
	# their IKE SA: up where pluto itself says so (4.3's initiator fails IKE_AUTH with its
	# Child SA, while its responder keeps the IKE SA it established)
	ike=$(lsx_pluto_sa_counts west | awk -v c="$c" '$1 == c { print $2 }')
	if [ "${ike:-0}" -ge 1 ]; then
		lsx_expect_events w "$c" established ike/new=1
	else
		lsx_note "pluto west holds no IKE SA for $c"
		lsx_expect_events w "$c" established
	fi
	lsx_expect_events e "$c" established ike/new=1
	down "$c"
done
lsx_expect_events w silent failures ike/timeout=1

# north's pluto dies; west's liveness probes go unanswered
lsx_pluto_stop north --kill
lsx_note "pluto north killed"
LSX_EVENTS_WAIT=60 lsx_expect_events w dpd failures ike/liveness=1

# all is said (the silent peer's retransmits ended, the dead peer was cleared): the
# page holds exactly this, the healthy tunnel is still up and has no failure
sleep 3
for e in w e; do lsx_expect_events "$e" good failures; done
LSX_EVENTS_WAIT=0
lsx_expect_events w good established ike/new=1 child/new=1
lsx_expect_events w badpsk failures ike/authentication_failed=1
lsx_expect_events w noesp failures child/no_proposal_chosen=1
lsx_expect_events w nots failures child/ts_unacceptable=1
lsx_expect_events w silent failures ike/timeout=1
lsx_expect_events w dpd failures ike/liveness=1
for c in badpsk silent; do lsx_expect_events w "$c" established; done
lsx_expect_metric_now w 'libreswan_connection_up{connection="good"}' == 1
lsx_expect_recognised w
lsx_expect_recognised e
