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
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3
fx="$TOP_SRCDIR/tests/contrib/fixtures"
work_dir contrib

"$EXPORTER" --once --input.status "$fx/status.txt" --input.trafficstatus "$fx/trafficstatus.txt" \
	--input.globalstatus "$fx/globalstatus.txt" --input.kernel "$fx/kernel.txt" --input.events "$fx/pluto.log" \
	--input.listcerts "$fx/listcerts.txt" --input.listcacerts "$fx/listcacerts.txt" --input.listcrls "$fx/listcrls.txt" \
	--input.addresspoolstatus "$fx/addresspoolstatus.txt" \
	> "$WORK/page.prom" 2> "$WORK/stderr" ||
	fail "$EXPORTER --once exited $? on the fixtures: $(cat "$WORK/stderr")"

python3 "$TOP_SRCDIR/tests/contrib/check_contrib.py" names "$TOP_SRCDIR" "$WORK/page.prom"

# The fixtures must parse cleanly: a parse error here means the fixtures or
# the parser drifted from the Libreswan 4.10 format.
errors=$(LSX_METRIC_SUM=1 metric libreswan_parse_errors_total "$WORK/page.prom" || echo 0)
kernel_errors=$(metric libreswan_kernel_parse_errors_total "$WORK/page.prom" || echo 0)
[ "$errors" = 0 ] && [ "$kernel_errors" = 0 ] ||
	fail "the exporter reports parse errors on the contrib fixtures: $errors, kernel $kernel_errors"
