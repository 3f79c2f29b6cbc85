#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one shell test for automake's test driver (SH_LOG_COMPILER). With
# LSX_SKIP_SLOW=1 (make distcheck, see quickstart.sh) the system-level suites,
# which the main `make check` has already run, are skipped: real pluto in
# namespaces and VMs, a real Prometheus, the systemd protocol tests.
test=$1
shift
if [ "${LSX_SKIP_SLOW:-0}" = 1 ]; then
	case $test in
	*/integration/* | */systemd/* | */contrib/*-e2e.sh)
		echo "SKIP: $test is a slow system-level suite (LSX_SKIP_SLOW=1)"
		exit 77
		;;
	esac
fi
exec "$test" "$@"
