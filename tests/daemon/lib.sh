# SPDX-License-Identifier: MIT
# Shared helpers of the daemon's black-box tests: start the real binary on an
# ephemeral port with the fake `ipsec`, wait for conditions with bounded
# timeouts, clean up on exit.
set -eu

: "${EXPORTER:?EXPORTER must point at the built daemon}"
: "${TOP_SRCDIR:?}"
FAKE_IPSEC=$TOP_SRCDIR/tests/daemon/fake-ipsec
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lsx-test.XXXXXX")
FAKE_DIR=$WORK/fake
export FAKE_DIR
mkdir -p "$FAKE_DIR"
DAEMON_PID=
PORT=

cleanup() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	[ -f "$WORK/daemon.log" ] && sed 's/^/  daemon: /' "$WORK/daemon.log" | tail -20 >&2
	exit 1
}

ok() {
	echo "ok - $*"
}

# need TOOL...: skip (77) when a tool is missing
need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
	done
}

# start_daemon ARGS...: run the exporter on 127.0.0.1:0 with the fake ipsec; sets PORT
start_daemon() {
	# emptied here, before the fork: the child's own truncation may come after the loop below
	# has read the previous daemon's port from the old log
	: > "$WORK/daemon.log"
	"$EXPORTER" --web.listen-address=127.0.0.1:0 --ipsec.command="$FAKE_IPSEC" "$@" \
		>"$WORK/daemon.out" 2>"$WORK/daemon.log" &
	DAEMON_PID=$!
	for _ in $(seq 100); do
		PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$WORK/daemon.log" | head -1)
		[ -n "$PORT" ] && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon exited at start"
		sleep 0.05
	done
	fail "daemon did not report its port"
}

stop_daemon() {
	kill "$DAEMON_PID"
	wait "$DAEMON_PID" || true
	DAEMON_PID=
}

scrape() {
	curl -fsS --max-time 5 "http://127.0.0.1:$PORT${1:-/metrics}"
}

# value METRIC_LINE_PREFIX: the value of the first sample starting with it
value() {
	scrape | awk -v p="$1" 'index($0, p " ") == 1 { print $NF; exit }'
}

# wait_for DESCRIPTION COMMAND...: retry for up to 10 s
wait_for() {
	what=$1
	shift
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "timed out waiting for: $what"
}

metric_is() {
	[ "$(value "$1")" = "$2" ]
}

metric_positive() {
	v=$(value "$1")
	[ -n "$v" ] && [ "$v" != 0 ]
}
