#!/bin/sh
# SPDX-License-Identifier: MIT
# The textfile recipe, contrib/textfile/libreswan-textfile.sh, run as written (with cron's
# PATH) against the fake ipsec:
#  - pluto up: DIR/libreswan.prom says libreswan_up 1, mode 0644, nothing else left in DIR;
#  - pluto dies (whack: "Pluto is not running", --once exits 1): the file now says
#    libreswan_up 0 (the old recipe, `--once > f.$$ && mv`, kept the 1), the script exits 0;
#  - a bad flag: the previous file untouched, no temporary file left, the exporter's status 2;
#  - interrupted while whack hangs: no temporary file left, the previous file untouched;
#  - (root) a full file system: --once exits 3, the previous file untouched, nothing left over;
#  - promtool check metrics accepts the file when promtool is installed.
. "$TOP_SRCDIR/tests/daemon/lib.sh"
SCRIPT=$TOP_SRCDIR/contrib/textfile/libreswan-textfile.sh
DIR=$WORK/textfile
mkdir -p "$DIR"

cat > "$FAKE_DIR/status.txt" <<'OUT'
000 "site-a": 192.0.2.1...198.51.100.2; erouted; eroute owner: #2
000 "site-a":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO;
000 "site-a":   newest IKE SA: #1; newest IPsec SA: #2; conn serial: $1;
000 Total IPsec connections: loaded 1, active 1
000 IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)
000 IPsec SAs: total(1), authenticated(1), anonymous(0)
000 #1: "site-a":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 2000s; newest; idle;
000 #2: "site-a":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); REKEY in 1000s; newest; eroute owner; IKE SA #1; idle;
OUT
: > "$FAKE_DIR/trafficstatus.txt"
: > "$FAKE_DIR/globalstatus.txt"

# run_script FLAG...: the script as cron runs it; sets rc
run_script() {
	set +e
	env PATH=/usr/bin:/bin LIBRESWAN_EXPORTER="$EXPORTER" "$SCRIPT" "$DIR" --ipsec.command="$FAKE_IPSEC" \
		--no-collector.kernel "$@" > "$WORK/script.out" 2> "$WORK/script.err"
	rc=$?
	set -e
}
only_the_page() {
	left=$(ls -A "$DIR")
	[ "$left" = libreswan.prom ] || fail "$1: DIR holds: $left"
}

run_script
[ "$rc" = 0 ] || fail "pluto up: exit $rc: $(cat "$WORK/script.err")"
grep -qx 'libreswan_up 1' "$DIR/libreswan.prom" || fail "pluto up: no libreswan_up 1"
grep -q '^libreswan_connection_up{connection="site-a"} 1$' "$DIR/libreswan.prom" || fail "pluto up: site-a"
[ "$(stat -c %a "$DIR/libreswan.prom")" = 644 ] || fail "mode $(stat -c %a "$DIR/libreswan.prom"), node_exporter cannot read it"
only_the_page "pluto up"
if command -v promtool > /dev/null 2>&1; then
	promtool check metrics < "$DIR/libreswan.prom" > "$WORK/lint" 2>&1 || { cat "$WORK/lint"; fail "promtool check metrics"; }
fi
ok "pluto up: libreswan.prom says libreswan_up 1 (mode 644), nothing else in the directory"
"$SCRIPT" --help | grep -q 'node_exporter' || fail "--help does not explain"
[ -z "$(ls -A "$DIR" | grep -v '^libreswan.prom$')" ] || fail "--help left a file"

echo down > "$FAKE_DIR/mode"
run_script
[ "$rc" = 0 ] || fail "pluto down: exit $rc: $(cat "$WORK/script.err")"
grep -qx 'libreswan_up 0' "$DIR/libreswan.prom" || fail "pluto down: the file does not say libreswan_up 0"
grep -q '^libreswan_poll_errors_total{command="status",reason="not_running"} 1$' "$DIR/libreswan.prom" ||
	fail "pluto down: not counted as not_running"
only_the_page "pluto down"
ok "pluto dies: the file says libreswan_up 0 (reason not_running), exit 0"

# the recipe this script replaces keeps the stale page: shown here, so the difference stays proven
cp "$DIR/libreswan.prom" "$WORK/saved"
rm -f "$FAKE_DIR/mode"
run_script
echo down > "$FAKE_DIR/mode"
(cd "$DIR" && PATH=/usr/bin:/bin "$EXPORTER" --once --ipsec.command="$FAKE_IPSEC" --no-collector.kernel \
	> libreswan.prom.$$ 2> /dev/null && mv libreswan.prom.$$ libreswan.prom) || true
grep -qx 'libreswan_up 1' "$DIR/libreswan.prom" || fail "the old recipe should have kept libreswan_up 1"
[ -e "$DIR/libreswan.prom.$$" ] || fail "the old recipe should have left its temporary file"
rm -f "$DIR/libreswan.prom.$$"
ok "the old recipe (--once > f.\$\$ && mv), same pluto: keeps libreswan_up 1 and leaves libreswan.prom.$$"
cp "$WORK/saved" "$DIR/libreswan.prom"

sum=$(md5sum < "$DIR/libreswan.prom")
run_script --poll.interval=abc
[ "$rc" = 2 ] || fail "bad flag: exit $rc"
[ "$(md5sum < "$DIR/libreswan.prom")" = "$sum" ] || fail "bad flag: the previous page was replaced"
only_the_page "bad flag"
ok "bad flag: exit 2, previous page kept, no temporary file ($(cat "$WORK/script.err"))"

echo hang > "$FAKE_DIR/mode"
set +e
env PATH=/usr/bin:/bin LIBRESWAN_EXPORTER="$EXPORTER" "$SCRIPT" "$DIR" --ipsec.command="$FAKE_IPSEC" \
	--no-collector.kernel --poll.timeout=1s 2> /dev/null &
spid=$!
sleep 0.3
ls -A "$DIR" | grep -q '^\.libreswan\.prom\.' || fail "interrupted: no temporary file while running"
kill -TERM "$spid"
wait "$spid"
rc=$?
set -e
[ "$rc" != 0 ] || fail "interrupted: exit 0"
[ "$(md5sum < "$DIR/libreswan.prom")" = "$sum" ] || fail "interrupted: the previous page was replaced"
only_the_page "interrupted"
ok "interrupted (SIGTERM while whack hangs): exit $rc, previous page kept, no temporary file"
rm -f "$FAKE_DIR/mode"

if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null 2>&1; then
	# a full file system, in a private mount namespace: a 64 KiB tmpfs takes a small page, not a
	# page of 3000 connections
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "006 #%d: \"conn-%04d\", type=ESP, add_time=1700000000, inBytes=%d, outBytes=%d, id='"'"'@p%d'"'"'\n", 2 * i + 2, i, i, i, i }' \
		> "$WORK/big-traffic.txt"
	cat > "$WORK/full.sh" <<EOF
set -u
mount -t tmpfs -o size=64k tmpfs "$DIR"
env PATH=/usr/bin:/bin LIBRESWAN_EXPORTER="$EXPORTER" "$SCRIPT" "$DIR" --ipsec.command="$FAKE_IPSEC" --no-collector.kernel 2>/dev/null || exit 90
sum=\$(md5sum < "$DIR/libreswan.prom")
env PATH=/usr/bin:/bin LIBRESWAN_EXPORTER="$EXPORTER" "$SCRIPT" "$DIR" --input.trafficstatus="$WORK/big-traffic.txt" 2> "$WORK/full.err"
rc=\$?
[ "\$(md5sum < "$DIR/libreswan.prom")" = "\$sum" ] || exit 91
[ "\$(ls -A "$DIR")" = libreswan.prom ] || exit 92
exit \$rc
EOF
	set +e
	unshare --mount --propagation private sh "$WORK/full.sh"
	rc=$?
	set -e
	[ "$rc" = 3 ] || fail "full file system: exit $rc (90: first page, 91: page replaced, 92: files left): $(cat "$WORK/full.err" 2>/dev/null)"
	grep -q 'writing the page to stdout failed' "$WORK/full.err" || fail "full file system: no message"
	ok "full file system: exit 3, previous page kept, no temporary file ($(sed 's/.*msg=//' "$WORK/full.err"))"
else
	echo "# full file system case not run (needs root and unshare)"
fi
