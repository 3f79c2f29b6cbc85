# scenario: certificates, a CRL and an address pool: the page's dates equal openssl's to the second, in any time zone
# A CA and two end certificates made with openssl with known dates (west: used by the road-warrior
# template "rw", which has a pool of 10 addresses; spare: used by no connection), a CRL revoking a
# third; "psk" authenticates without a certificate. pluto runs in a zone 5:30 east of UTC, and so
# does one of two exporters (the other in UTC): both pages carry openssl's dates to the second, and
# so does a --once run.
for t in openssl certutil pk12util crlutil; do
	command -v "$t" > /dev/null || lsx_skip "no $t (openssl, libnss3-tools)"
done
. "$LSX_LIBDIR/x509.sh"
X=$LSX_WORK/x509
lsx_x509_ca "$X"
lsx_x509_cert "$X" west "/C=XX/O=Example Lab/OU=Gateways, Lab/CN=west.example" 20240229000000Z 20280229123456Z \
	DNS:west.example
lsx_x509_cert "$X" spare "/C=XX/O=Example Lab/CN=spare.example" 20250101000000Z 20380119031408Z DNS:spare.example
lsx_x509_cert "$X" gone "/C=XX/O=Example Lab/CN=gone.example" 20250101000000Z 20300101000000Z DNS:gone.example
lsx_x509_crl "$X" gone

lsx_ns west
lsx_addr west 192.0.2.1/24
lsx_pluto_new west west
lsx_nss west certutil -A -n "Lab CA" -t CT,, -i "$X/ca.pem"
lsx_nss west pk12util -i "$X/west.p12" -W lab
lsx_nss west certutil -A -n spare -t ,, -i "$X/spare.pem"
lsx_nss west crlutil -I -i "$X/crl.der" -t 1 -B
lsx__conn rw ikev2=yes authby=rsasig left=192.0.2.1 leftcert=west leftid=%fromcert leftsubnet=198.51.100.0/24 \
	right=%any rightid=%fromcert rightaddresspool=192.0.2.100-192.0.2.109 rightmodecfgclient=yes | lsx_conf west
lsx__conn psk ikev2=yes left=192.0.2.1 leftid=@west right=192.0.2.8 rightid=@psk | lsx_conf west
lsx_secret west "@west @psk : PSK \"$LSX_PSK\""
TZ=IST-5:30 lsx_pluto_start west
TZ=UTC lsx_exporter_start utc west
TZ=IST-5:30 lsx_exporter_start ist west

declare -A want
want[west_after]=$(lsx_x509_epoch "$X" west enddate)
want[west_before]=$(lsx_x509_epoch "$X" west startdate)
want[spare_after]=$(lsx_x509_epoch "$X" spare enddate)
want[spare_before]=$(lsx_x509_epoch "$X" spare startdate)
want[ca_after]=$(lsx_x509_epoch "$X" ca enddate)
want[ca_before]=$(lsx_x509_epoch "$X" ca startdate)
want[crl_this]=$(lsx_x509_crl_epoch "$X" lastupdate)
want[crl_next]=$(lsx_x509_crl_epoch "$X" nextupdate)
lsx_note "openssl: west ${want[west_before]}..${want[west_after]}, spare ${want[spare_before]}..${want[spare_after]}," \
	"Lab CA ${want[ca_before]}..${want[ca_after]}, CRL ${want[crl_this]}..${want[crl_next]}"

NA=libreswan_certificate_not_after_timestamp_seconds
NB=libreswan_certificate_not_before_timestamp_seconds
CRL='issuer="C=XX, O=Example Lab, CN=Lab CA"'
for e in utc ist; do
	lsx_expect_metric "$e" 'libreswan_address_pool_addresses{pool="192.0.2.100-192.0.2.109"}' == 10
	f=$(lsx_page "$e") || { lsx_fail "$e: scrape failed"; continue; }
	lsx_note "$e: page west $(metric "$NB{nickname=\"west\",kind=\"end\"}" "$f")..$(metric "$NA{nickname=\"west\",kind=\"end\"}" "$f")," \
		"spare ..$(metric "$NA{nickname=\"spare\",kind=\"end\"}" "$f"), Lab CA ..$(metric "$NA{nickname=\"Lab CA\",kind=\"ca\"}" "$f")," \
		"CRL ..$(metric "libreswan_crl_next_update_timestamp_seconds{$CRL}" "$f")"
	for sel_want in \
		"$NA{nickname=\"west\",kind=\"end\"}=${want[west_after]}" \
		"$NB{nickname=\"west\",kind=\"end\"}=${want[west_before]}" \
		"$NA{nickname=\"spare\",kind=\"end\"}=${want[spare_after]}" \
		"$NB{nickname=\"spare\",kind=\"end\"}=${want[spare_before]}" \
		"$NA{nickname=\"Lab CA\",kind=\"ca\"}=${want[ca_after]}" \
		"$NB{nickname=\"Lab CA\",kind=\"ca\"}=${want[ca_before]}" \
		"libreswan_crl_this_update_timestamp_seconds{$CRL}=${want[crl_this]}" \
		"libreswan_crl_next_update_timestamp_seconds{$CRL}=${want[crl_next]}" \
		"libreswan_crl_revoked_certificates{$CRL}=1" \
		"libreswan_connection_certificate_not_after_timestamp_seconds{connection=\"rw\"}=${want[west_after]}" \
		"libreswan_connection_ca_certificate_not_after_timestamp_seconds{connection=\"rw\"}=${want[ca_after]}" \
		'libreswan_address_pool_leases{pool="192.0.2.100-192.0.2.109",state="in_use"}=0' \
		'libreswan_address_pool_leases{pool="192.0.2.100-192.0.2.109",state="free"}=10'; do
		lsx_expect_metric_now "$e" "${sel_want%=*}" == "${sel_want##*=}"
	done
	# a connection without a certificate has no certificate series
	lsx_expect_metric_now "$e" 'libreswan_connection_up{connection="psk"}' == 0
	lsx_expect_metric_now "$e" 'libreswan_connection_certificate_not_after_timestamp_seconds{connection="psk"}' == absent
	lsx_expect_metric_now "$e" 'libreswan_connection_ca_certificate_not_after_timestamp_seconds{connection="psk"}' == absent
	# the certificate of the rw template has one series, and spare (used by none) none of its own
	lsx_expect "$e: one connection certificate series (rw)" \
		eval "[ \"\$(grep -c '^libreswan_connection_certificate_not_after_timestamp_seconds{' $f)\" = 1 ]"
	for c in listcerts listcacerts listcrls addresspoolstatus; do
		lsx_expect_metric_now "$e" "libreswan_poll_success{command=\"$c\"}" == 1
		lsx_expect_metric_now "$e" "libreswan_parse_errors_total{command=\"$c\"}" == 0
	done
done
# --once runs the listings and the pools in its one cycle
once=$LSX_WORK/once.prom
"$EXPORTER" --once --no-collector.kernel --ipsec.command="$(lsx__lsw west IPSEC)" --ipsec.ctlsocket="$(lsx_ctl west)" \
	> "$once" 2> "$LSX_WORK/once.err" || lsx_fail "--once exited $?: $(cat "$LSX_WORK/once.err")"
lsx_expect "--once: west's notAfter" [ "$(metric "$NA{nickname=\"west\",kind=\"end\"}" "$once")" = "${want[west_after]}" ]
lsx_expect "--once: rw's certificate" \
	[ "$(metric 'libreswan_connection_certificate_not_after_timestamp_seconds{connection="rw"}' "$once")" = "${want[west_after]}" ]
lsx_expect "--once: the pool" [ "$(metric 'libreswan_address_pool_addresses{pool="192.0.2.100-192.0.2.109"}' "$once")" = 10 ]
# the same dates as whack prints them (with --utc), read by GNU date
w=$(lsx_whack west --utc --listcerts | sed -n '/"NSS Certificate DB:west"\|"west"/,/not after/s/.*not after: //p' | head -1)
lsx_expect "whack's notAfter of west ($w) is openssl's" [ "$(date -u -d "$w" +%s)" = "${want[west_after]}" ]
lsx_check_against_pluto utc west
