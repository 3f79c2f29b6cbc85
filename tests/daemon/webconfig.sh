#!/bin/sh
# SPDX-License-Identifier: MIT
# Proves --web.config.file (exporter-toolkit format): TLS with the given
# certificate, basic auth against bcrypt hashes (401 without or with wrong
# credentials, 200 with the right ones), client certificates required and
# verified against the CA, and a refusal to start, with one clear line, on a
# file it cannot honour.
. "$(dirname "$0")/lib.sh"
need curl openssl python3

cd "$WORK"
# a CA, a server certificate for 127.0.0.1 and a client certificate
pki "$WORK"
hash=$(bcrypt s3cret 4) || skip "no bcrypt in this libcrypt"

cat > web.yml <<YML
tls_server_config:
  cert_file: $WORK/server.crt
  key_file: $WORK/server.key
basic_auth_users:
  prometheus: '$hash'
YML
start_daemon --web.config.file="$WORK/web.yml" --poll.interval=1s
url=https://127.0.0.1:$PORT/metrics
wait_for "TLS listener" curl -s --cacert ca.crt -o /dev/null "$url"
[ "$(http_code --cacert ca.crt "$url")" = 401 ] || fail "no credentials should give 401"
[ "$(http_code --cacert ca.crt -u prometheus:wrong "$url")" = 401 ] || fail "wrong password should give 401"
[ "$(http_code --cacert ca.crt -u nobody:s3cret "$url")" = 401 ] || fail "unknown user should give 401"
[ "$(http_code --cacert ca.crt -u prometheus:s3cret "$url")" = 200 ] || fail "right credentials should give 200"
curl -s --cacert ca.crt -u prometheus:s3cret "$url" | metric libreswan_up > /dev/null || fail "page over TLS"
[ "$(http_code "http://127.0.0.1:$PORT/metrics")" = 000 ] || fail "plain HTTP must not be served"
ok "TLS + basic auth"
exporter_stop

cat > web.yml <<YML
tls_server_config:
  cert_file: $WORK/server.crt
  key_file: $WORK/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: $WORK/ca.crt
  min_version: TLS12
YML
start_daemon --web.config.file="$WORK/web.yml" --poll.interval=1s
url=https://127.0.0.1:$PORT/metrics
wait_for "TLS listener" curl -s --cacert ca.crt --cert client.crt --key client.key -o /dev/null "$url"
[ "$(http_code --cacert ca.crt --cert client.crt --key client.key "$url")" = 200 ] || fail "client cert: 200"
c=$(http_code --cacert ca.crt "$url")
[ "$c" = 403 ] || [ "$c" = 000 ] || fail "no client cert should be refused, got $c"
ok "client certificates required and verified"
exporter_stop

for bad in 'tls_server_config: {cert_file: /nonexistent, key_file: /nonexistent}' \
	'http_server_config: {http2: true}' 'basic_auth_users: {u: plaintext}' 'tls_server_config: [1, 2'; do
	printf '%s\n' "$bad" > bad.yml
	set +e
	"$EXPORTER" --web.listen-address=127.0.0.1:0 --web.config.file=bad.yml --ipsec.command=/bin/false \
		> /dev/null 2> err
	rc=$?
	set -e
	[ "$rc" = 1 ] || fail "bad web config ($bad): exit $rc"
	grep -q 'web.config.file' err || fail "bad web config ($bad): $(cat err)"
	ok "refused: $(grep web.config.file err | sed 's/.*: --web/--web/')"
done
echo "1 passed, 0 failed"
