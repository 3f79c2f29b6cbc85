# SPDX-License-Identifier: MIT
# shellcheck shell=sh disable=SC3043
#
# What every test script does, written once: report (ok, fail, skip), need a tool or root, a
# scratch directory and clean-up on exit, the exporter started in the background on a port it
# picks itself, scrapes, one metric read from a page, bounded waits. POSIX sh with `local`, which
# dash, bash and busybox sh all have (the daemon tests run under dash, the integration harness
# under bash, in a VM too); each folder's lib.sh sources it and adds only what is its own:
#
#   . "$(dirname "$0")/../lib/common.sh"
#
# Sourcing it installs the exit trap: exporters this script started are stopped, the commands
# given to at_exit run (last given first), WORK is removed. Scripts add clean-up with at_exit,
# never with trap. Python scripts have the same in tests/lib/lsx.py.
#
# Environment (automake's AM_TESTS_ENVIRONMENT sets them; run by hand, a script in
# tests/FOLDER/ finds the tree from its own place): TOP_SRCDIR, TOP_BUILDDIR, EXPORTER.
# LSX_KEEP_DIR: where to copy WORK when the script fails.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${EXPORTER:=$TOP_BUILDDIR/src/libreswan_exporter}"
export TOP_SRCDIR TOP_BUILDDIR EXPORTER

# --- verdicts -------------------------------------------------------------------------------

# ok MESSAGE: one check passed
ok() { echo "ok - $*"; }

# skip REASON: this script cannot run here: "SKIP: REASON" and exit 77 (automake's skip)
skip() {
	echo "SKIP: $*"
	exit 77
}

# fail MESSAGE: "FAIL: MESSAGE" and the end of the log of every exporter this script started,
# then exit 1
fail() {
	local l
	echo "FAIL: $*" >&2
	for l in ${LSX_LOGS:-}; do
		[ -s "$l" ] && tail -20 "$l" | sed "s|^|  ${l#"${WORK:-}"/}: |" >&2
	done
	exit 1
}

# need TOOL...: skip unless each TOOL is a command here
need() {
	local t
	for t in "$@"; do
		command -v "$t" > /dev/null 2>&1 || skip "$t is not installed"
	done
}

# need_root [WHY]: skip unless running as root
need_root() { [ "$(id -u)" = 0 ] || skip "needs root${1:+ ($1)}"; }

# need_exporter: skip unless the exporter is built
need_exporter() { [ -x "$EXPORTER" ] || skip "the exporter is not built ($EXPORTER)"; }

# --- scratch directory and clean-up ---------------------------------------------------------

LSX_AT_EXIT=
LSX_PIDS=
LSX_LOGS=

# work_dir [NAME]: WORK, a new scratch directory under TMPDIR, removed on exit (not exported:
# each script, Python ones too, makes its own)
work_dir() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/lsx-${1:-test}.XXXXXX") || fail "mktemp"
	LSX_OWN_WORK=$WORK
}

# at_exit COMMAND: run COMMAND (a string, eval'd) on exit; the last one given runs first
at_exit() {
	LSX_AT_EXIT="$*
$LSX_AT_EXIT"
}

lsx__exit() {
	local rc=$? p
	set +e
	trap - EXIT
	for p in $LSX_PIDS; do exporter_stop "$p" 2> /dev/null; done
	eval "$LSX_AT_EXIT"
	if [ -n "${LSX_OWN_WORK:-}" ] && [ -d "$LSX_OWN_WORK" ]; then
		if [ -n "${LSX_KEEP_DIR:-}" ] && [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
			mkdir -p "$LSX_KEEP_DIR" && cp -a "$LSX_OWN_WORK/." "$LSX_KEEP_DIR/" 2> /dev/null
		fi
		rm -rf "$LSX_OWN_WORK"
	fi
	exit "$rc"
}
trap lsx__exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- waiting --------------------------------------------------------------------------------

lsx__ms() { echo $(($(date +%s%N) / 1000000)); }

# poll_until SECONDS CMD...: run CMD every LSX_POLL_STEP seconds (default 0.1) until it succeeds
# (status 0) or SECONDS have passed (status 1); CMD runs at least once
poll_until() {
	local end
	end=$(($(lsx__ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(lsx__ms)" -lt "$end" ] || return 1
		sleep "${LSX_POLL_STEP:-0.1}"
	done
}

# wait_for DESCRIPTION CMD...: poll_until CMD (its output discarded) succeeds within LSX_WAIT
# seconds (default 10), else fail
wait_for() {
	local what=$1
	shift
	poll_until "${LSX_WAIT:-10}" lsx__quiet "$@" || fail "timed out waiting for: $what"
}
lsx__quiet() { "$@" > /dev/null 2>&1; }

# --- the exporter ---------------------------------------------------------------------------

# exporter_run LOG CMD...: start CMD, the exporter's command line with any wrapper in front
# (ip netns exec NS, setpriv ...: each must exec the next), in the background, its output in
# LOG; wait up to 10 s for the port it logs listening on. Sets EXPORTER_PID and PORT; fails if
# the exporter exits or names no port first. Stopped on exit unless exporter_stop ran.
exporter_run() {
	local log=$1 i=0
	shift
	: > "$log"
	"$@" >> "$log" 2>&1 &
	EXPORTER_PID=$!
	LSX_PIDS="$LSX_PIDS $EXPORTER_PID"
	LSX_LOGS="$LSX_LOGS $log"
	PORT=
	while [ -z "$PORT" ]; do
		PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$log" | head -1)
		[ -n "$PORT" ] && break
		kill -0 "$EXPORTER_PID" 2> /dev/null || fail "the exporter exited at start: $(tail -5 "$log")"
		i=$((i + 1))
		[ "$i" -lt 200 ] || fail "the exporter did not report its port within 10 s"
		sleep 0.05
	done
}

# exporter_stop [PID]: SIGTERM to the exporter (default EXPORTER_PID), SIGKILL if it still runs
# 5 s later; returns once it has exited (its log complete), with its exit status in
# EXPORTER_STATUS
exporter_stop() {
	local pid=${1:-${EXPORTER_PID:-}} p rest=
	for p in $LSX_PIDS; do [ "$p" = "$pid" ] || rest="$rest $p"; done
	LSX_PIDS=$rest
	if kill "$pid" 2> /dev/null; then
		poll_until 5 gone "$pid" || kill -KILL "$pid" 2> /dev/null
	fi
	EXPORTER_STATUS=0
	wait "$pid" 2> /dev/null || EXPORTER_STATUS=$?
}

# gone PID: no process PID runs (any more)
gone() { ! kill -0 "$1" 2> /dev/null; }

# free_port: a TCP port of 127.0.0.1 nobody listens on right now (the kernel's pick for port 0)
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- scrapes and metrics --------------------------------------------------------------------

# scrape [PATH]: GET PATH (default /metrics) from the exporter on 127.0.0.1:PORT to stdout;
# status 22 on an HTTP error
scrape() { curl -fsS --max-time 5 "http://127.0.0.1:$PORT${1:-/metrics}"; }

# http_code CURL-ARG...: the HTTP status code of one request (000: no answer), body discarded
http_code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; }

# metric SELECTOR [FILE]: the value of the first sample matching SELECTOR in a metrics page read
# from FILE (default stdin). SELECTOR is a metric name with optional label matchers, in any
# order, that the sample's labels must include:
#   libreswan_up
#   libreswan_ike_sas{state="half_open"}
#   libreswan_poll_errors_total{command="status",reason="timeout"}
# Prints nothing (status 1) when no sample matches. With LSX_METRIC_SUM=1 prints the sum of all
# matching samples instead (e.g. every series of a family).
metric() {
	local sel=$1 file=${2:-/dev/stdin} name labels=
	name=${sel%%\{*}
	if [ "$name" != "$sel" ]; then
		labels=${sel#*\{}
		labels=${labels%\}}
	fi
	awk -v name="$name" -v labels="$labels" -v sum="${LSX_METRIC_SUM:-0}" '
	BEGIN {
		n = 0
		# split matchers on commas outside quotes
		s = labels; cur = ""; q = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\" && q) { cur = cur c substr(s, i + 1, 1); i++; continue }
			if (c == "\"") q = !q
			if (c == "," && !q) { if (cur != "") m[++n] = cur; cur = ""; continue }
			cur = cur c
		}
		if (cur != "") m[++n] = cur
		found = 0; total = 0
	}
	/^#/ { next }
	{
		line = $0
		sp = index(line, " ")
		if (sp == 0) next
		br = index(line, "{")
		if (br > 0 && br < sp) {
			mname = substr(line, 1, br - 1)
			# last "}" before the value
			rest = line; pos = 0
			while ((k = index(rest, "}")) > 0) { pos += k; rest = substr(rest, k + 1) }
			lbl = "," substr(line, br + 1, pos - br - 1) ","
			val = substr(line, pos + 2)
		} else {
			mname = substr(line, 1, sp - 1); lbl = ",,"; val = substr(line, sp + 1)
		}
		if (mname != name) next
		for (j = 1; j <= n; j++) if (index(lbl, "," m[j] ",") == 0) next
		split(val, v, " ")
		if (!sum) { print v[1]; found = 1; exit 0 }
		total += v[1]; found = 1
	}
	END {
		if (sum && found) printf "%.17g\n", total
		exit !found
	}' "$file"
}

# value SELECTOR: metric SELECTOR on a scrape made now (nothing when absent or unanswered)
value() { scrape | metric "$1" || :; }

# metric_is SELECTOR VALUE, metric_positive SELECTOR: predicates on a scrape made now
metric_is() { [ "$(value "$1")" = "$2" ]; }
metric_positive() {
	local v
	v=$(value "$1")
	[ -n "$v" ] && [ "$v" != 0 ]
}

# --- credentials ----------------------------------------------------------------------------

# bcrypt PASSWORD [COST]: a bcrypt hash from the system's libcrypt (as htpasswd -B makes one);
# status 1 when libcrypt has no bcrypt
bcrypt() {
	local h
	h=$(python3 -W ignore -c 'import crypt, sys
print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << int(sys.argv[2]))))' \
		"$1" "${2:-10}" 2> /dev/null)
	case $h in '$2'*) echo "$h" ;; *) return 1 ;; esac
}

# pki DIR: in DIR, a CA (ca.crt, ca.key), a server certificate for 127.0.0.1 (server.crt,
# server.key) and a client certificate (client.crt, client.key) it signed, and a self-signed
# client certificate (self.crt, self.key); RSA 2048, valid two days. Fails on an openssl error.
pki() {
	mkdir -p "$1"
	(
		cd "$1" &&
			openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt &&
			openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr &&
			printf 'subjectAltName=IP:127.0.0.1\n' > san.ext &&
			openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial 2 -days 2 -extfile san.ext \
				-out server.crt &&
			openssl req -newkey rsa:2048 -nodes -subj /CN=prometheus -keyout client.key -out client.csr &&
			openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -set_serial 3 -days 2 -out client.crt &&
			openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=prometheus -keyout self.key -out self.crt
	) > "$1/openssl.log" 2>&1 || fail "openssl: $(tail -5 "$1/openssl.log")"
}
