#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
#
# Proves that every libreswan_* metric the alert rules and the Grafana
# dashboard query is served by the exporter: runs the daemon once on the
# Libreswan 4.10 fixtures in tests/contrib/fixtures (status, trafficstatus,
# globalstatus of a gateway with up, down, on-demand, responder-only,
# no-rekey and road-warrior connections, the kernel helper's view of the
# same gateway, its certificates, CRL and address pool) and looks each name up among the
# page's metric families. A renamed metric fails here, not silently in
# production.
set -eu

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${EXPORTER:=$TOP_BUILDDIR/src/libreswan_exporter}"
PYTHON=${PYTHON:-python3}
fx="$TOP_SRCDIR/tests/contrib/fixtures"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "SKIP: python3 not found; metric name checks not run"
	exit 77
fi
if [ ! -x "$EXPORTER" ]; then
	echo "SKIP: exporter not built ($EXPORTER)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

rc=0
"$EXPORTER" --once \
	--input.status "$fx/status.txt" \
	--input.trafficstatus "$fx/trafficstatus.txt" \
	--input.globalstatus "$fx/globalstatus.txt" \
	--input.kernel "$fx/kernel.txt" \
	--input.listcerts "$fx/listcerts.txt" \
	--input.listcacerts "$fx/listcacerts.txt" \
	--input.listcrls "$fx/listcrls.txt" \
	--input.addresspoolstatus "$fx/addresspoolstatus.txt" >"$tmp/page.prom" 2>"$tmp/stderr" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "FAIL: $EXPORTER --once exited $rc on the fixtures"
	cat "$tmp/stderr"
	exit 1
fi

"$PYTHON" "$TOP_SRCDIR/tests/contrib/check_contrib.py" names "$TOP_SRCDIR" "$tmp/page.prom"

# The fixtures must parse cleanly: a parse error here means the fixtures or
# the parser drifted from the Libreswan 4.10 format.
if grep -E '^libreswan_(parse_errors_total\{.*\}|kernel_parse_errors_total) [1-9]' "$tmp/page.prom"; then
	echo "FAIL: the exporter reports parse errors on the contrib fixtures"
	exit 1
fi
