# scenario: a road warrior takes an address from a pool: 1 lease in use while it is connected, 0 after it leaves
# east is the gateway: a template "rw" (IKEv2) hands out 198.51.100.200-198.51.100.209 (10
# addresses) by configuration payload; west dials in as a road warrior asking for an address
# (leftmodecfgclient). east's exporter reads the pools every cycle (--certificates.interval=3s,
# the poll interval): seven whack commands a cycle, so the emulated guest gets a longer timeout.
pool=198.51.100.200-198.51.100.209
lsx_pair 0
lsx_addr east 203.0.113.1/32
lsx_in west ip route add 203.0.113.1/32 via 192.0.2.2
lsx__conn rw ikev2=yes left=192.0.2.2 leftsubnet=203.0.113.1/32 right=%any "rightaddresspool=$pool" \
	rightmodecfgclient=yes | lsx_conf east
lsx__conn road ikev2=yes left=192.0.2.1 leftmodecfgclient=yes right=192.0.2.2 rightsubnet=203.0.113.1/32 \
	narrowing=yes | lsx_conf west
lsx_pluto_start west
lsx_pluto_start east
LSX_POLL_INTERVAL=3s LSX_POLL_TIMEOUT=10s lsx_exporter_start e east --certificates.interval=3s

sel() { echo "libreswan_address_pool_leases{pool=\"$pool\",state=\"$1\"}"; }
# pluto's own count from the pool's header line ("10 addresses, 1 leases, 1 in-use, 0 free (0 reusable)")
pluto_in_use() { lsx_whack east --addresspoolstatus | sed -n "s/.*address pool $pool: .* \([0-9]*\) in-use,.*/\1/p"; }

lsx_expect_metric e "libreswan_address_pool_addresses{pool=\"$pool\"}" == 10
lsx_expect_metric e "$(sel in_use)" == 0
lsx_expect_metric_now e "$(sel free)" == 10

lsx_initiate west road --asynchronous
lsx_wait_child_sas east 1 || lsx_die "the road warrior did not connect"
lsx_note "pluto east: $(lsx_whack east --addresspoolstatus | head -2 | tr -s ' ' | tr '\n' ';')"
lsx_expect "pluto leases one address" [ "$(pluto_in_use)" = 1 ]
lsx_expect_metric e "$(sel in_use)" == 1
lsx_expect_metric_now e "$(sel free)" == 9
lsx_expect_metric_now e 'libreswan_connection_instances{connection="rw"}' == 1

# the road warrior leaves: its lease is given back
lsx_whack west --name road --terminate > /dev/null 2>&1
lsx_wait_until 30 "east: no IPsec SA left" eval '[ "$(lsx_pluto_count east ipsec_total)" = 0 ]'
lsx_note "pluto east: $(lsx_whack east --addresspoolstatus | head -3 | tr -s ' ' | tr '\n' ';')"
lsx_expect "pluto leases no address" [ "$(pluto_in_use)" = 0 ]
lsx_expect_metric e "$(sel in_use)" == 0
f=$(lsx_page e)
total=$(LSX_METRIC_SUM=1 metric "libreswan_address_pool_leases{pool=\"$pool\"}" "$f")
lsx_expect "the pool's states add up to its 10 addresses ($total)" [ "$total" = 10 ]
lsx_expect_metric_now e 'libreswan_poll_success{command="addresspoolstatus"}' == 1
lsx_note "poll errors: $(grep '^libreswan_poll_errors_total.* [1-9]' "$f" | tr '\n' ' ')"
