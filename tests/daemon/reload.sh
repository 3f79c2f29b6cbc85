#!/bin/sh
# SPDX-License-Identifier: MIT
# Proves SIGHUP: the daemon re-reads --web.config.file and the certificate it names; new TLS
# handshakes get the new certificate, a connection kept alive across the reload keeps working,
# the listening socket stays the same (same inode, no refused connection attempt while it
# reloads), the counters carry on (libreswan_http_rejected_total, the poll cycle's), a new
# password applies at once; a broken file is logged and the configuration in use is kept; the
# daemon never exits (SIGHUP used to kill it with status 129).
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need curl openssl python3

cd "$WORK"
ossl() { openssl "$@" 2>/dev/null || fail "openssl $*"; }
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
for n in first second; do
	ossl req -newkey rsa:2048 -nodes -subj "/CN=$n" -keyout $n.key -out $n.csr
	ossl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -set_serial $((${#n} + 1)) -days 2 -extfile san.ext -out $n.crt
done
bc() { python3 -W ignore -c "import crypt; print(crypt.crypt('$1', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 4)))"; }
h1=$(bc one) h2=$(bc two)
case $h1 in '$2'*) ;; *) echo "SKIP: no bcrypt in this libcrypt"; exit 77 ;; esac
cp first.crt tls.crt
cp first.key tls.key
config() { printf 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prometheus: %s\n' "'$1'" > web.yml; }
config "$h1"
start_daemon --web.config.file="$WORK/web.yml" --poll.interval=1s
url=https://127.0.0.1:$PORT/metrics
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert ca.crt "$@" || true; }
subject() { curl -sv --max-time 5 --cacert ca.crt -o /dev/null -u "prometheus:$1" "$url" 2>&1 | sed -n 's/.*subject: //p'; }
val() { curl -s --max-time 5 --cacert ca.crt -u "prometheus:$1" "$url" | awk -v p="$2" 'index($0, p " ") == 1 { print $NF; exit }'; }
wait_for "TLS listener" curl -s --cacert ca.crt -o /dev/null "$url"
[ "$(subject one)" = "CN=first" ] || fail "first certificate: $(subject one)"
for _ in 1 2 3; do [ "$(code -u prometheus:wrong "$url")" = 401 ] || fail "401"; done
wait_for "the refusals on the page" sh -c "[ \"\$(curl -s --cacert ca.crt -u prometheus:one $url |
	awk '/rejected_total.reason=\"unauthorized\"/ { print \$NF }')\" -ge 3 ]"
before=$(val one 'libreswan_http_rejected_total{reason="unauthorized"}')
listen_before=$(awk -v p=$(printf '%04X' "$PORT") '$2 ~ ":"p"$" && $4 == "0A" { print $10 }' /proc/net/tcp)

# a connection kept alive across the reload, and connection attempts all the while
python3 - "$PORT" > keepalive.out 2>&1 <<'E' &
import socket, ssl, sys, time, base64
port = int(sys.argv[1])
ctx = ssl.create_default_context(cafile="ca.crt")
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1")
def req(password):
    auth = base64.b64encode(b"prometheus:" + password).decode()
    s.sendall(("GET /-/healthy HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n" % auth).encode())
    return s.recv(4096).split(b" ")[1]
print("before", req(b"one").decode(), flush=True)
time.sleep(2.5)
print("after", req(b"two").decode(), flush=True)
E
KA=$!
python3 - "$PORT" > attempts.out 2>&1 <<'E' &
import socket, sys, time
port, refused, n = int(sys.argv[1]), 0, 0
end = time.monotonic() + 2.0
while time.monotonic() < end:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        refused += 1
    n += 1
    time.sleep(0.005)
print("attempts %d refused %d" % (n, refused))
E
AT=$!
sleep 0.5
cp second.crt tls.crt
cp second.key tls.key
config "$h2"
kill -HUP "$DAEMON_PID"
wait_for "the reload" grep -q 'SIGHUP: web configuration reloaded' "$WORK/daemon.log"
wait "$AT" "$KA"
kill -0 "$DAEMON_PID" || fail "the daemon exited on SIGHUP"
[ "$(subject two)" = "CN=second" ] || fail "a new handshake after SIGHUP: $(subject two)"
ok "SIGHUP: new handshakes get the new certificate (CN=second)"
grep -q '^after 200' keepalive.out || fail "the kept-alive connection: $(cat keepalive.out)"
ok "a connection kept alive across the reload still answers ($(tr '\n' ' ' < keepalive.out))"
grep -q 'refused 0$' attempts.out || fail "connection attempts during the reload: $(cat attempts.out)"
listen_after=$(awk -v p=$(printf '%04X' "$PORT") '$2 ~ ":"p"$" && $4 == "0A" { print $10 }' /proc/net/tcp)
[ -n "$listen_before" ] && [ "$listen_before" = "$listen_after" ] ||
	fail "the listening socket changed: $listen_before -> $listen_after"
ok "the listening socket stays (inode $listen_after), no attempt refused ($(cat attempts.out))"
[ "$(code -u prometheus:one "$url")" = 401 ] || fail "the old password after the reload"
[ "$(code -u prometheus:two "$url")" = 200 ] || fail "the new password after the reload"
ok "the new password applies, the old one no longer"
wait_for "the counters carry on" sh -c "[ \"\$(curl -s --cacert ca.crt -u prometheus:two $url |
	awk '/rejected_total.reason=\"unauthorized\"/ { print \$NF }')\" -gt $before ]"
ok "libreswan_http_rejected_total carried on across the reload (was $before, now $(val two 'libreswan_http_rejected_total{reason="unauthorized"}'))"

# a broken file: logged, the configuration in use kept
printf 'tls_server_config:\n  cert_file: missing.crt\n  key_file: tls.key\n' > web.yml
kill -HUP "$DAEMON_PID"
wait_for "the refusal" grep -q 'the new web configuration was refused, the one in use is kept' "$WORK/daemon.log"
grep -q 'missing.crt' "$WORK/daemon.log" || fail "the reason is not logged"
kill -0 "$DAEMON_PID" || fail "the daemon exited on a broken configuration"
[ "$(subject two)" = "CN=second" ] || fail "the configuration in use after a broken reload: $(subject two)"
[ "$(code -u prometheus:two "$url")" = 200 ] || fail "the password in use after a broken reload"
ok "a broken file: logged ($(grep -o 'cannot read [^:]*' "$WORK/daemon.log" | tail -1)), the configuration in use kept"
printf 'garbage: [\n' > web.yml
kill -HUP "$DAEMON_PID"
sleep 0.5
kill -0 "$DAEMON_PID" || fail "the daemon exited on a YAML error"
[ "$(code -u prometheus:two "$url")" = 200 ] || fail "after a YAML error"
ok "a YAML error on reload: logged, still serving"
stop_daemon
grep -q 'stopped' "$WORK/daemon.log" || fail "no clean stop"

# without --web.config.file: nothing to reload, and nothing else happens
start_daemon --poll.interval=1s
wait_for "the page" scrape /-/healthy
kill -HUP "$DAEMON_PID"
sleep 0.3
kill -0 "$DAEMON_PID" || fail "SIGHUP without a web configuration ended the daemon"
scrape /-/healthy > /dev/null || fail "not serving after SIGHUP"
grep -q 'nothing to reload' "$WORK/daemon.log" || fail "SIGHUP without a web configuration: not logged"
stop_daemon
ok "SIGHUP without --web.config.file: logged, still serving"
echo "1 passed, 0 failed"
