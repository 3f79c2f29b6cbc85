#!/bin/sh
# SPDX-License-Identifier: MIT
# The shipped contrib/web-config.yml with the README's recipes ("Securing the endpoint"): the
# server certificate and the client CA and certificate made with the openssl commands given
# there, a bcrypt hash in the placeholder's place, the paths moved to a scratch directory, and
# nothing else changed. As shipped (placeholder still in) the exporter refuses to start. Filled
# in, over TLS: the client certificate and the password give 200 on /metrics; every path, / and
# /-/healthy included, answers 401 without the password and refuses a client without a
# certificate (403 or a failed handshake); plain HTTP gets nothing.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need curl openssl python3
EXAMPLE=$TOP_SRCDIR/contrib/web-config.yml
T=$WORK/tls
mkdir -p "$T"

set +e
"$EXPORTER" --web.listen-address=127.0.0.1:0 --web.config.file="$EXAMPLE" > /dev/null 2> "$WORK/refused"
rc=$?
set -e
[ "$rc" = 1 ] || fail "the example as shipped: exit $rc (the placeholder hash must be refused)"
grep -q 'basic_auth_users.prometheus: expected a bcrypt hash' "$WORK/refused" || fail "as shipped: $(cat "$WORK/refused")"
ok "as shipped: refused until the placeholder is replaced ($(sed -n 's/.*msg="\(--web.config.file[^"]*\)".*/\1/p' "$WORK/refused"))"

# The README's commands, with localhost for the gateway's name.
(
	cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
		-subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" -keyout server.key -out server.crt &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj "/CN=Prometheus clients" -keyout prometheus-ca.key -out prometheus-ca.crt &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=prometheus" \
		-keyout prometheus.key -out prometheus.csr &&
	openssl x509 -req -in prometheus.csr -CA prometheus-ca.crt -CAkey prometheus-ca.key -CAcreateserial \
		-days 825 -out prometheus.crt &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=stranger" \
		-keyout stranger.key -out stranger.crt
) > "$WORK/openssl.log" 2>&1 || { cat "$WORK/openssl.log"; fail "the README's openssl commands"; }
# a bcrypt hash as the README makes one (htpasswd, mkpasswd or python3)
if command -v htpasswd > /dev/null 2>&1; then
	hash=$(htpasswd -nbBC 10 prometheus 's3cret pass' | cut -d: -f2)
else
	hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("s3cret pass", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 10)))')
fi
case $hash in '$2'*) ;; *) fail "no bcrypt hash: $hash" ;; esac
sed -e "s,/etc/libreswan_exporter/tls/,$T/,g" -e "s,REPLACE-WITH-A-BCRYPT-HASH,'$hash'," "$EXAMPLE" > "$WORK/web-config.yml"
diff "$EXAMPLE" "$WORK/web-config.yml" | grep '^>' | sed 's/^/  changed: /'

start_daemon --web.config.file="$WORK/web-config.yml" --poll.interval=10s --no-collector.kernel
grep -q 'web configuration: TLS, basic auth' "$WORK/daemon.log" || fail "TLS and basic auth not in use"
code() {
	curl -s -m 5 -o "$WORK/body" -w '%{http_code}' --cacert "$T/server.crt" "$@" 2> /dev/null || true
}
url=https://localhost:$PORT
c=$(code --cert "$T/prometheus.crt" --key "$T/prometheus.key" -u 'prometheus:s3cret pass' "$url/metrics")
[ "$c" = 200 ] || fail "certificate and password: $c"
grep -q '^libreswan_exporter_build_info' "$WORK/body" || fail "no page"
ok "client certificate and password: 200 on /metrics"
for path in /metrics / /-/healthy /-/ready /nowhere; do
	c=$(code --cert "$T/prometheus.crt" --key "$T/prometheus.key" "$url$path")
	[ "$c" = 401 ] || fail "$path without the password: $c, expected 401"
	c=$(code -u 'prometheus:s3cret pass' "$url$path")
	case $c in 403 | 000) ;; *) fail "$path without a client certificate: $c" ;; esac
	c2=$(code --cert "$T/stranger.crt" --key "$T/stranger.key" -u 'prometheus:s3cret pass' "$url$path")
	case $c2 in 403 | 000) ;; *) fail "$path with a certificate from another CA: $c2" ;; esac
done
c=$(code --cert "$T/prometheus.crt" --key "$T/prometheus.key" -u 'prometheus:s3cret pass' "$url/-/healthy")
[ "$c" = 200 ] || fail "/-/healthy with both: $c"
ok "/metrics, /, /-/healthy, /-/ready, unknown paths: 401 without the password, $c2 without a known client certificate"
c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics" 2> /dev/null || true)
[ "$c" = 000 ] || fail "plain HTTP answered: $c"
ok "plain HTTP: no answer"
