#!/bin/sh
# SPDX-License-Identifier: MIT
# Socket activation: with --web.systemd-socket the daemon serves on the listener
# it inherits (LISTEN_FDS/LISTEN_PID) and binds nothing itself; the whack
# children do not inherit that descriptor. Two ways in: LISTEN_FDS set by this
# script, and systemd-socket-activate when it is installed.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3 curl
work_dir systemd
FAKE_IPSEC=$TOP_SRCDIR/tests/systemd/fake-ipsec

# the daemon of the case running now, started with its socket
PID=
stop_daemon() {
	if [ -n "$PID" ]; then exporter_stop "$PID"; fi
	PID=
}
at_exit stop_daemon

# page_up PORT: the page on PORT shows a poll cycle (libreswan_up 1)
page_up() {
	curl -fsS "http://127.0.0.1:$1/metrics" > "$WORK/page" 2>/dev/null &&
		[ "$(metric libreswan_up "$WORK/page")" = 1 ]
}

run_checks() {
	label=$1 port=$2
	# The first poll cycle runs right after start; retry until the page shows it.
	poll_until 5 page_up "$port" || { cat "$WORK/stderr"; fail "$label: no libreswan_up 1 over the inherited socket"; }
	echo "$label: scrape over the inherited socket on port $port works"
	# --web.listen-address was given too: it must not have been bound.
	if curl -fsS "http://127.0.0.1:$UNUSED/metrics" >/dev/null 2>&1; then
		fail "$label: the daemon also bound --web.listen-address"
	fi
	grep -q 'socket passed by systemd' "$WORK/stderr" || fail "$label: no log line about the passed socket"
	for f in "$WORK"/child.*; do
		[ -e "$f" ] || fail "$label: the fake ipsec never ran"
		grep -q '^fd: 0 ' "$f" || fail "$label: the descriptor list of the child is missing"
		# Its stdout/stderr are pipes, the log file is its own: no socket may be open.
		if grep '^fd: .* socket:' "$f"; then
			fail "$label: a whack child inherited a socket"
		fi
	done
	stop_daemon
	rm -f "$WORK"/child.*
}

UNUSED=$(free_port) || fail "no free port"
export FAKE_IPSEC_LOG="$WORK/child"
ARGS="--web.systemd-socket --web.listen-address=127.0.0.1:$UNUSED --ipsec.command=$FAKE_IPSEC"

# 1. LISTEN_FDS set by hand: python binds, moves the socket to fd 3, and execs
# the daemon with LISTEN_PID = its own pid (exec keeps the pid).
PORT=$(free_port) || fail "no free port"
python3 - "$PORT" "$EXPORTER" $ARGS 2>"$WORK/stderr" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
fd = os.dup(s.fileno())  # above 3, so that dup2 below really copies
os.dup2(fd, 3)  # dup2 leaves fd 3 inheritable
os.close(fd)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execv(sys.argv[2], sys.argv[2:])
PY
PID=$!
run_checks "LISTEN_FDS" "$PORT"

# 2. systemd-socket-activate, as the .socket unit would do it.
if command -v systemd-socket-activate >/dev/null 2>&1; then
	PORT=$(free_port) || fail "no free port"
	systemd-socket-activate -E FAKE_IPSEC_LOG -l "127.0.0.1:$PORT" "$EXPORTER" $ARGS 2>"$WORK/stderr" &
	PID=$!
	# It accepts on the daemon's behalf only once the daemon runs; wait for the listener.
	run_checks "systemd-socket-activate" "$PORT"
else
	echo "systemd-socket-activate not found: only the LISTEN_FDS case ran"
fi

# 3. --web.systemd-socket without a passed socket is an error, not a silent bind.
if "$EXPORTER" --web.systemd-socket --web.listen-address=127.0.0.1:$UNUSED \
	--ipsec.command="$FAKE_IPSEC" 2>"$WORK/stderr"; then
	fail "--web.systemd-socket without LISTEN_FDS did not fail"
fi
grep -q 'systemd-socket' "$WORK/stderr" || fail "no error naming --web.systemd-socket"
echo "PASS"
