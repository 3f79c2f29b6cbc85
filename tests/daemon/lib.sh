# SPDX-License-Identifier: MIT
# The daemon's black-box tests: the real binary with the fake `ipsec` (fake-ipsec), which
# prints what FAKE_DIR holds. The rest is tests/lib/common.sh.
set -eu
. "$(dirname "$0")/../lib/common.sh"

need_exporter
FAKE_IPSEC=$TOP_SRCDIR/tests/daemon/fake-ipsec
work_dir test
FAKE_DIR=$WORK/fake
export FAKE_DIR
mkdir -p "$FAKE_DIR"

# west_east: FAKE_DIR answers as a pluto with one established tunnel, "west-east" (1234 bytes
# in, 5678 out), and a few globalstatus counters
west_east() { cp "$TOP_SRCDIR"/tests/daemon/west-east/*.txt "$FAKE_DIR/"; }

# start_daemon ARGS...: the exporter on 127.0.0.1:0 with the fake ipsec, its log in
# $WORK/daemon.log; sets PORT and EXPORTER_PID
start_daemon() {
	exporter_run "$WORK/daemon.log" "$EXPORTER" --web.listen-address=127.0.0.1:0 \
		--ipsec.command="$FAKE_IPSEC" "$@"
}
