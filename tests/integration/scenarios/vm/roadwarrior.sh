# scenario: a road-warrior template with several instances folds into one connection
# east holds a template (right=%any); west dials in from three addresses, each with its own
# connection and pings of a different size: east's exporter shows one "rw" with 3 instances
# and the summed bytes.
lsx_pair 0
lsx_addr east 203.0.113.1/32
lsx_in west ip route add 203.0.113.1/32 via 192.0.2.2
lsx__conn rw left=192.0.2.2 leftsubnet=203.0.113.1/32 right=%any | lsx_conf east
sizes=(0 200 400 600)
total=0
for i in 1 2 3; do
	lsx_addr west "192.0.2.1$i/24" to-east
	lsx__conn "dial-$i" "left=192.0.2.1$i" right=192.0.2.2 rightsubnet=203.0.113.1/32 | lsx_conf west
	total=$((total + 2 * (sizes[i] + 28)))
done
lsx_pluto_start west
lsx_pluto_start east
for i in 1 2 3; do lsx_initiate west "dial-$i" --asynchronous; done
lsx_wait_child_sas east 3 || fail "not 3 instances up"
lsx_exporter_start e east

for i in 1 2 3; do lsx_ping west "192.0.2.1$i" 203.0.113.1 "${sizes[i]}" 2; done
lsx_expect_metric e 'libreswan_connection_instances{connection="rw"}' == 3
lsx_expect_bytes e rw "$total" "$total"
lsx_check_traffic e east ==
lsx_check_traffic_xfrm e east ==
f=$(lsx_page e)
lsx_expect "rw is a template" eval "[ \"\$(metric 'libreswan_connection_info{connection=\"rw\",kind=\"template\"}' $f)\" = 1 ]"
lsx_expect "rw: up, 3 Child SAs" eval "[ \"\$(metric 'libreswan_connection_up{connection=\"rw\"}' $f)\" = 1 ] &&
	[ \"\$(metric 'libreswan_connection_child_sas_established{connection=\"rw\"}' $f)\" = 3 ]"
lsx_expect "no per-instance series (no [N] in connection labels)" eval "! grep -q 'connection=\"rw\\[' $f"
lsx_expect "one libreswan_connection_up series in all" eval "[ \"\$(grep -c '^libreswan_connection_up{' $f)\" = 1 ]"
lsx_check_against_pluto e east
