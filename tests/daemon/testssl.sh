#!/bin/sh
# SPDX-License-Identifier: MIT
# testssl.sh (the Debian package) against the TLS endpoint, configured as the README's "Securing
# the endpoint" recommends (the TLS defaults, plus the security headers): proves that an
# auditor's scanner finds nothing about the protocols, the cipher order, CBC or other weak
# suites, the vulnerabilities it probes, or the server's own configuration (headers). Findings
# about the test's self-signed certificate (trust chain, SAN, expiry, revocation) and the DNS
# CAA record of a name that does not exist are expected and filtered by their ids, explicitly.
# The scan takes about 30 s.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
need openssl python3
TESTSSL=$(command -v testssl || command -v testssl.sh || true)
[ -n "$TESTSSL" ] || { echo "SKIP: testssl.sh is not installed (Debian package testssl.sh)"; exit 77; }

cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout server.key -out server.crt 2>/dev/null || fail "openssl"
cat > web.yml <<YML
tls_server_config:
  cert_file: server.crt
  key_file: server.key
http_server_config:
  headers:
    Strict-Transport-Security: max-age=31536000
    X-Content-Type-Options: nosniff
    X-Frame-Options: deny
    Content-Security-Policy: default-src 'none'
YML
start_daemon --web.config.file="$WORK/web.yml" --poll.interval=1s
wait_for "TLS listener" curl -sk -o /dev/null "https://127.0.0.1:$PORT/metrics"
set +e
timeout 600 "$TESTSSL" --quiet --color 0 --warnings off --jsonfile "$WORK/testssl.json" \
	--protocols --server-preference --server-defaults --headers --vulnerable --std --fs \
	"127.0.0.1:$PORT" > "$WORK/testssl.txt" 2>&1
rc=$?
set -e
[ -s "$WORK/testssl.json" ] || { tail -20 "$WORK/testssl.txt"; fail "testssl.sh wrote no report (exit $rc)"; }
python3 - "$WORK/testssl.json" <<'E' || { sed 's/^/  testssl: /' "$WORK/testssl.txt" | tail -60; fail "testssl.sh found problems"; }
import json, re, sys
findings = json.load(open(sys.argv[1]))
# the test's certificate, not the product: self-signed, short-lived, no revocation URIs; and a
# CAA record, which belongs to a DNS name (there is none here)
expected = re.compile(r"^(cert_|chain_of_trust|cert$|intermediate_cert|OCSP_|DNS_CAArecord$|certificate_transparency$)")
scanned = len(findings)
bad = [f for f in findings if f["severity"] not in ("OK", "INFO") and not expected.match(f["id"])]
filtered = [f["id"] for f in findings if f["severity"] not in ("OK", "INFO") and expected.match(f["id"])]
for f in bad:
    print("FINDING %s %s: %s" % (f["severity"], f["id"], f["finding"]))
print("# testssl.sh: %d results, %d findings about the server, %d about the test certificate (%s)" %
      (scanned, len(bad), len(filtered), ", ".join(filtered)))
order = [f for f in findings if f["id"] == "cipher_order"]
if not order or order[0]["severity"] not in ("OK", "INFO") or "NOT" in order[0]["finding"]:
    print("FINDING cipher_order: %s" % (order[0]["finding"] if order else "not reported"))
    sys.exit(1)
sys.exit(1 if bad else 0)
E
ok "testssl.sh: no finding about protocols, cipher order, CBC, vulnerabilities or headers"
stop_daemon
echo "1 passed, 0 failed"
