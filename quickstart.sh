#!/bin/bash
# SPDX-License-Identifier: MIT
# The two quick-start commands of the README, for a fresh Debian 12 (or Ubuntu) root shell.
#
#   ./quickstart.sh run [FLAGS...]   install the build dependencies, build, and run the
#                                    exporter in the foreground against the local pluto
#                                    (http://localhost:10500/metrics)
#   ./quickstart.sh test             install the test dependencies, build, and run the whole
#                                    test suite: unit tests, daemon tests, parser corpus and
#                                    fuzz replays, rules and dashboard with a real Prometheus,
#                                    systemd protocols, real pluto in network namespaces (and a
#                                    VM with full ESP), Alertmanager and a fleet of exporters,
#                                    the Libreswan of Debian 11, 12 and 13 (host and VM), the
#                                    Debian package in a fresh Debian 12 root under systemd, the
#                                    RPM, an ASan+UBSan build, 60 s of fuzzing per parser and the
#                                    web config loader, and make distcheck
#
# Environment: JOBS (default: nproc), FUZZ_SECONDS (default 30), SKIP_APT=1 to skip apt-get.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
JOBS=${JOBS:-$(nproc)}

BUILD_DEPS=(build-essential autoconf automake autoconf-archive pkg-config
	libmicrohttpd-dev libsystemd-dev zlib1g-dev libyaml-dev libcrypt-dev libgnutls28-dev libmnl-dev libcmocka-dev
	git xz-utils)
TEST_DEPS=(curl ca-certificates openssl python3 prometheus libreswan iproute2 iputils-ping procps psmisc
	util-linux kmod systemd clang libclang-rt-14-dev libnss3-tools
	qemu-system-x86 linux-image-cloud-amd64 busybox-static cpio
	prometheus-alertmanager debootstrap debhelper lintian rpm rpmlint gnutls-bin testssl.sh)

log() { printf '\n==> %s\n' "$*"; }

install() {
	[ "${SKIP_APT:-0}" = 1 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "quickstart: run as root (or set SKIP_APT=1 with the packages installed)" >&2
		exit 1
	fi
	log "Installing: $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "$@" > /tmp/quickstart-apt.log 2>&1 ||
		{ tail -30 /tmp/quickstart-apt.log; exit 1; }
}

# configure_in DIR CONFIGURE-ARGS...: an out-of-tree build in DIR
configure_in() {
	local dir=$1
	shift
	[ -x configure ] || { log "autoreconf"; autoreconf -fi > /dev/null; }
	mkdir -p "$dir"
	(cd "$dir" && ../configure -q "$@")
}

case ${1:-} in
run)
	shift
	install "${BUILD_DEPS[@]}"
	configure_in build --enable-werror
	log "Building"
	make -C build -j"$JOBS" > /dev/null
	log "Starting the exporter: http://localhost:10500/metrics (Ctrl-C stops it)"
	# the kernel collector's helper from the build tree (an installed exporter finds its own)
	exec build/src/libreswan_exporter --collector.kernel.helper="$PWD/build/src/xfrm-helper" "$@"
	;;
test)
	install "${BUILD_DEPS[@]}" "${TEST_DEPS[@]}"
	start=$(date +%s)
	stage_start=$start
	timings=()
	stage_end() {
		local now
		now=$(date +%s)
		timings+=("$1: $((now - stage_start)) s")
		stage_start=$now
	}
	configure_in build --enable-werror
	log "Building"
	make -C build -j"$JOBS" > /dev/null
	log "make check (unit, daemon, parsers, corpus, fuzz replay, rules, dashboard, Prometheus, systemd, real pluto)"
	rc=0
	make -C build -j"$JOBS" check || rc=$?
	log "Real Libreswan scenarios, by name"
	cat build/tests/integration/*-scenarios.log 2>/dev/null | grep -E '^(PASS|FAIL|SKIP)' || true
	[ "$rc" = 0 ] || { cat build/test-suite.log; exit 1; }
	stage_end "make check"
	# exit status 77: the stage cannot run here (it printed "SKIP: reason"); anything else fails
	skipped_or_failed() {
		local rc=$?
		[ "$rc" = 77 ] || exit 1
	}

	# Debian 11, 12 and 13 roots, built once for this run (or from /var/cache/libreswan-root)
	# and shared by the matrix and the package test.
	built=(env TOP_BUILDDIR="$PWD/build" EXPORTER="$PWD/build/src/libreswan_exporter")
	log "Live Libreswan matrix, host kernel: 4.3 (Debian 11), 4.10 (12), 5.2 (13), 5.2 west + 4.10 east"
	"${built[@]}" tests/matrix/run.sh host || skipped_or_failed
	stage_end "matrix, host"
	log "Live Libreswan matrix, VM with ESP: 4.3, 5.2, 5.2 west + 4.10 east"
	"${built[@]}" tests/matrix/run.sh vm || skipped_or_failed
	stage_end "matrix, VM"

	log "Debian package: dpkg-buildpackage, lintian, install/upgrade/purge in a fresh Debian 12 root under systemd"
	make -C build dist > /dev/null
	"${built[@]}" tests/packaging/deb.sh build/libreswan_exporter-*.tar.xz || skipped_or_failed
	stage_end "Debian package"
	log "RPM: rpmbuild -bb --nodeps from the tarball (Debian's rpm tooling)"
	# its check section runs the tarball's fast tests as the Debian package's did just before
	LSX_RPM_CHECK=0 "${built[@]}" tests/packaging/rpm.sh build/libreswan_exporter-*.tar.xz ||
		skipped_or_failed
	stage_end "RPM"

	log "ASan+UBSan build: unit, parser, fuzz-replay and daemon tests"
	configure_in build-asan --enable-werror --enable-sanitizers
	make -C build-asan -j"$JOBS" > /dev/null
	san_tests=$(cd build-asan && make -s print-fast-tests)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -C build-asan -j"$JOBS" check TESTS="$san_tests" ||
		{ cat build-asan/test-suite.log; exit 1; }

	log "Fuzzing each parser and the web configuration loader for ${FUZZ_SECONDS:-30} s (clang, libFuzzer, ASan+UBSan)"
	tests/fuzz/run-fuzzers.sh "${FUZZ_SECONDS:-30}"
	stage_end "ASan+UBSan and fuzzing"

	log "make distcheck"
	LSX_SKIP_SLOW=1 make -C build -j"$JOBS" distcheck > build/distcheck.log 2>&1 ||
		{ tail -60 build/distcheck.log; exit 1; }
	grep -E 'archives ready|\.tar\.xz' build/distcheck.log | tail -2
	stage_end "make distcheck"

	log "All tests passed in $(($(date +%s) - start)) s"
	printf '  %s\n' "${timings[@]}"
	;;
*)
	sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
