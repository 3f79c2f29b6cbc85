#!/bin/sh
# SPDX-License-Identifier: MIT
# Proves the command line's error contract: a bad flag or value gives exactly one line
# on stderr naming the flag, and exit status 2; --help, -h and --version exit 0.
. "$TOP_SRCDIR/tests/daemon/lib.sh"

bad() {
	flag=$1
	shift
	set +e
	"$EXPORTER" "$@" > "$WORK/out" 2> "$WORK/err"
	rc=$?
	set -e
	[ "$rc" = 2 ] || fail "$*: exit $rc, expected 2"
	[ "$(wc -l < "$WORK/err")" = 1 ] || fail "$*: expected one line, got: $(cat "$WORK/err")"
	grep -q -- "$flag" "$WORK/err" || fail "$*: message does not name $flag: $(cat "$WORK/err")"
	[ -s "$WORK/out" ] && fail "$*: printed to stdout"
	ok "$* -> $(cat "$WORK/err")"
}

bad --poll.interval --poll.interval=abc
bad --web.listen-address --web.listen-address=:99999
bad --web.listen-address --web.listen-address localhost
bad --poll.timeout --poll.timeout=-1s
bad --poll.max-output --poll.max-output=lots
bad --log.level --log.level=loud
bad --no-such-flag --no-such-flag
bad --poll.interval --poll.interval
bad --web.telemetry-path --web.telemetry-path=metrics
bad stray stray
bad --collector.kernel.helper --collector.kernel.helper=
bad --collector.kernel --collector.kernel=yes
bad --input.kernel --input.kernel -
bad --web.max-connections-per-ip --web.max-connections-per-ip=0
bad --web.max-connections-per-ip --web.max-connections-per-ip=-3
bad --web.max-connections-per-ip --web.max-connections-per-ip=lots
bad --web.max-connections-per-ip --web.max-connections-per-ip=99999999999999999999
bad --web.max-connections-per-ip --web.max-connections-per-ip
bad --web.max-connections --web.max-connections=0
bad --web.read-header-timeout --web.read-header-timeout=soon
bad --web.read-header-timeout --web.read-header-timeout=0s
bad --certificates.interval --certificates.interval=5
bad --certificates.interval --certificates.interval=0s
bad --no-collector.certificates --no-collector.certificates=1
bad --poll.full-interval --poll.full-interval=often
bad --poll.full-interval --poll.full-interval=5
bad --input.listcrls --input.listcrls -
bad --poll.interval --poll.interval=30s1m
bad --poll.interval --poll.interval=1.5s
bad --log.format --log.format=text
bad -x -x

"$EXPORTER" --help > "$WORK/out" || fail "--help exit status"
grep -q -- '--web.listen-address' "$WORK/out" || fail "--help lists the flags"
grep -q -- '--web.max-connections-per-ip=N' "$WORK/out" || fail "--help lists --web.max-connections-per-ip"
"$EXPORTER" -h > "$WORK/out" || fail "-h exit status"
grep -q -- '--web.listen-address' "$WORK/out" || fail "-h lists the flags"
grep -q -- '--poll.full-interval=DURATION' "$WORK/out" || fail "--help lists --poll.full-interval"
"$EXPORTER" --version | grep -q '^libreswan_exporter [0-9]' || fail "--version"
ok "--help, -h and --version exit 0"

# a port already in use: one clear error, exit 1
start_daemon --poll.interval=10s
set +e
"$EXPORTER" --web.listen-address=127.0.0.1:"$PORT" --ipsec.command=/bin/false > /dev/null 2> "$WORK/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "port in use: exit $rc"
grep -q 'Address already in use' "$WORK/err" || fail "port in use message: $(cat "$WORK/err")"
ok "port in use -> exit 1 ($(grep -c . "$WORK/err") lines)"
echo "1 passed, 0 failed"
