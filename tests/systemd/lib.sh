# SPDX-License-Identifier: MIT
# Shared by the tests/systemd scripts: skip/fail helpers and a scratch directory.
# The top Makefile.am exports EXPORTER, TOP_SRCDIR and TOP_BUILDDIR.

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	exit 1
}

need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
	done
}

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${EXPORTER:=$TOP_BUILDDIR/src/libreswan_exporter}"
[ -x "$EXPORTER" ] || fail "no daemon at $EXPORTER"
SYSTEMD_TESTS="$TOP_SRCDIR/tests/systemd"

# A scratch directory, removed on exit; scripts add their own clean-up to cleanup().
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lsx-systemd.XXXXXX") || fail "mktemp"
cleanup() { :; }
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

# A TCP port nobody listens on right now (the kernel's pick for port 0).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
