#!/bin/sh
# SPDX-License-Identifier: MIT
# Proves --web.config.file (exporter-toolkit format), each key with a real TLS client (curl,
# gnutls-cli) checking its effect: TLS with the given certificate and basic auth (401 without or
# with wrong credentials, 200 with the right ones); the defaults an audit expects (TLS 1.2 and 1.3
# only, the server's cipher order, no CBC); cipher_suites, prefer_server_cipher_suites,
# curve_preferences, min_version, max_version; the five client_auth_type values with no, a valid
# and an unknown client certificate; client_allowed_sans; http_server_config headers on every
# response and http2 accepted with one log line; basic_auth_excluded_paths; relative paths from
# the file's folder; inline cert and key; the exporter-toolkit's documented examples loading unchanged
# (tests/fixtures/webconfig/toolkit-*.yml); and a refusal to start, with one clear line, on a file
# it cannot honour.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need curl openssl python3 gnutls-cli

cd "$WORK"
# a CA, a server certificate for 127.0.0.1, client certificates (one with a SAN), an unknown CA's
ossl() { openssl "$@" 2>/dev/null || fail "openssl $*"; }
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other.key -out other.crt
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
printf 'subjectAltName=DNS:prometheus.example.org\n' > client-san.ext
for n in server client sanclient foreign; do
	ossl req -newkey rsa:2048 -nodes -subj "/CN=$n" -keyout $n.key -out $n.csr
done
ossl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial 2 -days 2 -extfile san.ext -out server.crt
ossl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -set_serial 3 -days 2 -out client.crt
ossl x509 -req -in sanclient.csr -CA ca.crt -CAkey ca.key -set_serial 4 -days 2 -extfile client-san.ext \
	-out sanclient.crt
ossl x509 -req -in foreign.csr -CA other.crt -CAkey other.key -set_serial 5 -days 2 -out foreign.crt
hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4)))')
case $hash in '$2'*) ;; *) echo "SKIP: no bcrypt in this libcrypt"; exit 77 ;; esac

code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
# tls PRIORITY [gnutls-cli args...]: "version cipher group" the handshake agreed on, or "refused"
tls() {
	pr=$1
	shift
	out=$(gnutls-cli --x509cafile ca.crt -p "$PORT" 127.0.0.1 --priority "$pr" "$@" < /dev/null 2>&1) || true
	d=$(printf '%s\n' "$out" | sed -n 's/^- Description: (\(TLS1\.[0-9]\)[^)]*)-(ECDHE-\([^)]*\))-([^)]*)-(\([^)]*\)).*/\1 \3 \2/p')
	echo "${d:-refused}"
}
expect_tls() {
	what=$1 want=$2
	shift 2
	got=$(tls "$@")
	case $got in $want) ok "$what: $got" ;; *) fail "$what: got '$got', want '$want'" ;; esac
}
serve() {
	start_daemon --web.config.file="$1" --poll.interval=1s
	wait_for "TLS listener" curl -s --cacert ca.crt --cert client.crt --key client.key -o /dev/null \
		"https://127.0.0.1:$PORT/-/healthy"
}
url() { echo "https://127.0.0.1:$PORT${1:-/metrics}"; }

# 1. TLS + basic auth; the defaults
cat > web.yml <<YML
tls_server_config:
  cert_file: $WORK/server.crt
  key_file: $WORK/server.key
basic_auth_users:
  prometheus: '$hash'
YML
serve web.yml
[ "$(code --cacert ca.crt "$(url)")" = 401 ] || fail "no credentials should give 401"
[ "$(code --cacert ca.crt -u prometheus:wrong "$(url)")" = 401 ] || fail "wrong password should give 401"
[ "$(code --cacert ca.crt -u nobody:s3cret "$(url)")" = 401 ] || fail "unknown user should give 401"
[ "$(code --cacert ca.crt -u prometheus:s3cret "$(url)")" = 200 ] || fail "right credentials should give 200"
curl -s --cacert ca.crt -u prometheus:s3cret "$(url)" | grep -q '^libreswan_up ' || fail "page over TLS"
[ "$(code "http://127.0.0.1:$PORT/metrics")" = 000 ] || fail "plain HTTP must not be served"
ok "TLS + basic auth"
expect_tls "default: TLS 1.3" "TLS1.3 AES-128-GCM *" NORMAL
expect_tls "default: TLS 1.2 with ECDHE and AEAD" "TLS1.2 AES-128-GCM *" "NORMAL:-VERS-ALL:+VERS-TLS1.2"
expect_tls "default: TLS 1.1 refused" refused "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"
expect_tls "default: CBC refused" refused "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC"
expect_tls "default: RSA key exchange refused" refused "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA"
expect_tls "default: the server's cipher order (client prefers ChaCha20)" "TLS1.2 AES-128-GCM *" \
	"NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305:+AES-128-GCM"
expect_tls "default: curves X25519, P-256, P-384 (client offers P-521 only)" refused \
	"NORMAL:-GROUP-ALL:+GROUP-SECP521R1"
stop_daemon

# 2. cipher_suites, prefer_server_cipher_suites, curve_preferences, min/max_version
cat > web.yml <<YML
tls_server_config:
  cert_file: $WORK/server.crt
  key_file: $WORK/server.key
  max_version: TLS12
  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA]
  curve_preferences: [CurveP384]
YML
serve web.yml
pr12="NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1"
expect_tls "max_version TLS12: a TLS 1.3 client gets 1.2" "TLS1.2 AES-256-GCM SECP384R1" "$pr12"
expect_tls "cipher_suites: a suite not listed is refused" refused "$pr12:-CIPHER-ALL:+AES-128-GCM"
expect_tls "cipher_suites: a listed CBC suite" "TLS1.2 AES-128-CBC *" "$pr12:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1"
expect_tls "prefer_server_cipher_suites (default true): the server's order" "TLS1.2 AES-256-GCM *" \
	"$pr12:-CIPHER-ALL:+AES-128-CBC:+AES-256-GCM:-MAC-ALL:+SHA1:+AEAD"
expect_tls "curve_preferences [CurveP384]: X25519 only is refused" refused \
	"NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-X25519"
stop_daemon
printf '  prefer_server_cipher_suites: false\n' >> web.yml
serve web.yml
expect_tls "prefer_server_cipher_suites false: the client's order" "TLS1.2 AES-128-CBC *" \
	"$pr12:-CIPHER-ALL:+AES-128-CBC:+AES-256-GCM:-MAC-ALL:+SHA1:+AEAD"
stop_daemon
cat > web.yml <<YML
tls_server_config:
  cert_file: $WORK/server.crt
  key_file: $WORK/server.key
  min_version: TLS13
  curve_preferences: [CurveP256, X25519]
YML
serve web.yml
expect_tls "min_version TLS13: a TLS 1.2 client is refused" refused "NORMAL:-VERS-ALL:+VERS-TLS1.2"
expect_tls "min_version TLS13: TLS 1.3, the server's curve order" "TLS1.3 * SECP256R1" \
	"NORMAL:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1"
stop_daemon

# 3. the five client_auth_type values: no certificate, a valid one, one from an unknown CA
for mode in NoClientCert RequestClientCert RequireAnyClientCert VerifyClientCertIfGiven RequireAndVerifyClientCert; do
	ca=
	[ $mode = NoClientCert ] || ca="  client_ca_file: $WORK/ca.crt"
	printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n  client_auth_type: %s\n%s\n' \
		"$WORK/server.crt" "$WORK/server.key" $mode "$ca" > web.yml
	start_daemon --web.config.file="$WORK/web.yml" --poll.interval=1s
	wait_for "TLS listener" curl -s --cacert ca.crt -o /dev/null --cert client.crt --key client.key "$(url /-/healthy)"
	got="$(code --cacert ca.crt "$(url)") $(code --cacert ca.crt --cert client.crt --key client.key "$(url)")"
	got="$got $(code --cacert ca.crt --cert foreign.crt --key foreign.key "$(url)")"
	case $mode in
	NoClientCert | RequestClientCert) want="200 200 200" ;;
	RequireAnyClientCert) want="000 200 200" ;;
	VerifyClientCertIfGiven) want="200 200 000" ;;
	RequireAndVerifyClientCert) want="000 200 000" ;;
	esac
	[ "$got" = "$want" ] || fail "client_auth_type $mode: none, valid, unknown CA -> $got, want $want"
	ok "client_auth_type $mode: no certificate, a valid one, an unknown CA's -> $got"
	stop_daemon
done
value_of() { curl -s --cacert ca.crt --cert client.crt --key client.key "$(url)" |
	awk -v p="$1" 'index($0, p " ") == 1 { print $NF; exit }'; }

# 4. client_allowed_sans; headers; http2; basic_auth_excluded_paths; relative paths
mkdir -p conf/sub
cp server.crt server.key ca.crt conf/sub/
cat > conf/web.yml <<YML
tls_server_config:
  cert_file: sub/server.crt
  key_file: sub/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: sub/ca.crt
  client_allowed_sans: [prometheus.example.org, 192.0.2.9]
http_server_config:
  http2: true
  headers:
    X-Content-Type-Options: nosniff
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: '$hash'
basic_auth_excluded_paths: [/-/healthy]
YML
( cd / && start_daemon --web.config.file="$WORK/conf/web.yml" --poll.interval=1s && echo "$DAEMON_PID $PORT" > "$WORK/pp" )
read -r DAEMON_PID PORT < pp
sc="--cacert ca.crt --cert sanclient.crt --key sanclient.key"
wait_for "TLS listener" curl -s $sc -o /dev/null "$(url /-/healthy)"
ok "relative cert_file, key_file, client_ca_file: from the file's folder (started in /)"
[ "$(code $sc -u prometheus:s3cret "$(url)")" = 200 ] || fail "client_allowed_sans: a listed SAN"
[ "$(code --cacert ca.crt --cert client.crt --key client.key -u prometheus:s3cret "$(url)")" = 000 ] ||
	fail "client_allowed_sans: a valid certificate without a listed SAN must be refused"
ok "client_allowed_sans: a certificate naming prometheus.example.org -> 200, a valid one without it -> refused"
[ "$(code $sc "$(url /-/healthy)")" = 200 ] || fail "basic_auth_excluded_paths: /-/healthy without credentials"
[ "$(code $sc "$(url)")" = 401 ] || fail "basic_auth_excluded_paths: /metrics still needs credentials"
ok "basic_auth_excluded_paths: /-/healthy without credentials 200, /metrics 401"
for p in /metrics /-/healthy /nope; do
	curl -s -o /dev/null -D hdr $sc -u prometheus:s3cret "$(url $p)"
	for h in 'X-Content-Type-Options: nosniff' 'X-Frame-Options: deny' 'Strict-Transport-Security: max-age=31536000'; do
		tr -d '\r' < hdr | grep -qi "^$h\$" || fail "header $h missing on $p: $(cat hdr)"
	done
done
curl -s -o /dev/null -D hdr $sc "$(url)"
grep -qi '^X-Frame-Options: deny' hdr || fail "headers on the 401"
ok "http_server_config.headers on 200, 404 and 401 responses"
[ "$(code --http2 $sc -u prometheus:s3cret "$(url)")" = 200 ] || fail "an HTTP/2 client"
grep -q 'http2 is accepted' "$WORK/daemon.log" || fail "no log line for http2"
ok "http_server_config.http2: accepted with one log line; an HTTP/2 client is served over HTTP/1.1"
stop_daemon

# inline cert and key (the PEM in the file itself)
{
	printf 'tls_server_config:\n  cert: |\n'
	sed 's/^/    /' server.crt
	printf '  key: |\n'
	sed 's/^/    /' server.key
} > inline.yml
start_daemon --web.config.file="$WORK/inline.yml" --poll.interval=1s
wait_for "TLS listener (inline)" curl -s --cacert ca.crt -o /dev/null "$(url /-/healthy)"
[ "$(code --cacert ca.crt "$(url)")" = 200 ] || fail "inline cert and key"
ok "inline cert and key: served over TLS with that certificate"
stop_daemon

# 5. the exporter-toolkit's documented examples load unchanged (their users' passwords are not
# known: 401 with anything, the excluded paths without credentials)
for f in toolkit-web-config.yml toolkit-every-key.yml; do
	mkdir -p "ex-$f"
	cp "$TOP_SRCDIR/tests/fixtures/webconfig/$f" server.crt server.key ca.crt "ex-$f/"
	cp "$TOP_SRCDIR/tests/fixtures/webconfig/$f" "ex-$f/web.yml"
	start_daemon --web.config.file="$WORK/ex-$f/web.yml" --poll.interval=1s
	c="--cacert ca.crt --cert sanclient.crt --key sanclient.key"
	wait_for "TLS listener ($f)" curl -s $c -o /dev/null "$(url /)"
	[ "$(code $c -u alice:wrong "$(url)")" = 401 ] || fail "$f: a wrong password must give 401"
	case $f in toolkit-web-config.yml)
		[ "$(code $c "$(url /-/ready)")" = 200 ] || fail "$f: /-/ready is excluded from basic auth" ;;
	esac
	ok "$f (the exporter-toolkit's documentation) loads unchanged and serves TLS with basic auth"
	stop_daemon
done

# 6. files it cannot honour: one line naming the problem, exit 1
for bad in 'tls_server_config: {cert_file: /nonexistent, key_file: /nonexistent}' \
	'http_server_config: {http3: true}' 'basic_auth_users: {u: plaintext}' 'tls_server_config: [1, 2' \
	"tls_server_config: {cert_file: $WORK/server.crt, key_file: $WORK/server.key, cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]}" \
	"tls_server_config: {cert_file: $WORK/server.crt, key_file: $WORK/server.key, curve_preferences: [P-256]}" \
	"tls_server_config: {cert_file: $WORK/server.crt, key_file: $WORK/server.key, min_version: TLS13, max_version: TLS12}" \
	"tls_server_config: {cert_file: $WORK/server.crt, key_file: $WORK/server.key, client_auth_type: VerifyClientCertIfGiven}" \
	"tls_server_config: {cert_file: $WORK/server.crt, key_file: $WORK/server.key, client_allowed_sans: [x]}" \
	'http_server_config: {headers: {X-Frame-Options: allow}}' 'http_server_config: {headers: {Server: x}}'; do
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
