# scenario: a tunnel coming up, rekeyed and brought down and up again, counted from pluto's log
# One IKEv2 subnet tunnel; an exporter on each side follows its pluto's log file. Initiated once
# (IKE and Child SA new), its Child SA rekeyed twice (`whack --rekey-ipsec`, 5.x `--rekey-child`)
# and its IKE SA once (`--rekey-ike`), then taken down and initiated again twice: on both sides,
# in either role, exactly ike new 3, ike rekey 1, child new 3, child rekey 2, no failure, and no
# message of pluto's in words the classifier does not know.
lsx_pair 1
lsx_conn_net net-1 1
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start_events w west
lsx_exporter_start_events e east
both() { lsx_expect_events w net-1 established "$@"; lsx_expect_events e net-1 established "$@"; }

lsx_initiate west net-1
lsx_wait_child_sas west 1 || fail "no Child SA"
both ike/new=1 child/new=1

# Libreswan 5 renamed --rekey-ipsec to --rekey-child (an unknown option is not an error status)
rekey=--rekey-ipsec
lsx_whack west --help 2>&1 | grep -q -- --rekey-child && rekey=--rekey-child
for i in 1 2; do
	old=$(lsx_child_serials west net-1)
	LSX_WHACK_TIMEOUT=60 lsx_whack west --name net-1 "$rekey" > /dev/null 2>&1
	lsx_wait_until 60 "a new Child SA serial replacing #$old" \
		eval 's=$(lsx_child_serials west net-1); [ -n "$s" ] && [[ " $s " != *" $old "* ]]'
	both ike/new=1 child/new=1 "child/rekey=$i"
done
LSX_WHACK_TIMEOUT=60 lsx_whack west --name net-1 --rekey-ike > /dev/null 2>&1
both ike/new=1 ike/rekey=1 child/new=1 child/rekey=2

for i in 2 3; do
	LSX_WHACK_TIMEOUT=60 lsx_whack west --name net-1 --terminate > /dev/null 2>&1
	lsx_wait_until 60 "net-1 down on both sides" \
		eval '[ "$(lsx_pluto_count west ipsec_total)" = 0 ] && [ "$(lsx_pluto_count east ipsec_total)" = 0 ]'
	lsx_initiate west net-1
	lsx_wait_child_sas west 1 || fail "no Child SA after down/up $((i - 1))"
	both "ike/new=$i" ike/rekey=1 "child/new=$i" child/rekey=2
done
lsx_expect_events w net-1 failures
lsx_expect_events e net-1 failures
lsx_expect_recognised w
lsx_expect_recognised e
