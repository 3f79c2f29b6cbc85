#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run-fuzzers.sh SECONDS [TARGET...]: build the libFuzzer targets with clang, ASan and UBSan in a
# temporary build tree and run each (default: the parsers, the classifier of pluto's log and
# the web configuration loader) for SECONDS, seeded with the fixtures. Exits non-zero if a target crashes, leaks
# or trips a sanitizer; the reproducer is
# kept and its path printed. Set KEEP=1 to keep the build tree, JOBS for make -j.
set -eu

secs=${1:?usage: run-fuzzers.sh SECONDS [TARGET...]}
shift
all="fuzz_parse_status fuzz_parse_traffic fuzz_parse_global fuzz_parse_kernel fuzz_parse_certs"
all="$all fuzz_parse_pools fuzz_pluto_log fuzz_webconfig"
targets=${*:-$all}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lsx-fuzz.XXXXXX")
cleanup() {
	if [ "${KEEP:-0}" = 1 ] || [ "${failed:-0}" = 1 ]; then
		echo "run-fuzzers: build tree kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# A pristine copy of the sources: an in-tree configured checkout cannot host a VPATH build.
mkdir "$work/src"
if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - 2> /dev/null) | tar -xf - -C "$work/src"
else
	cp -a "$top/." "$work/src"
	[ -f "$work/src/Makefile" ] && make -C "$work/src" distclean > /dev/null 2>&1 || true
fi
cd "$work/src"
autoreconf -fi > "$work/autoreconf.log" 2>&1
mkdir "$work/build"
cd "$work/build"
# configure's probe links -fsanitize=fuzzer with a main() of its own, which libFuzzer rejects;
# first check that the compiler really has libFuzzer, then preset that probe's result.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n ? 0 : 0; }\n' \
	> "$work/probe.c"
${CC:-clang} -fsanitize=fuzzer -o "$work/probe" "$work/probe.c" > "$work/probe.log" 2>&1 ||
	{ failed=1; echo "run-fuzzers: ${CC:-clang} cannot link libFuzzer"; cat "$work/probe.log"; exit 1; }
CC=${CC:-clang} ax_cv_check_ldflags___fsanitize_fuzzer=yes \
	"$work/src/configure" --enable-fuzzing --enable-sanitizers \
	> "$work/configure.log" 2>&1 || { failed=1; tail -30 "$work/configure.log"; exit 1; }
paths=
for t in $targets; do paths="$paths tests/fuzz/$t"; done
# shellcheck disable=SC2086
make -j"${JOBS:-2}" $paths > "$work/make.log" 2>&1 || { failed=1; tail -50 "$work/make.log"; exit 1; }

# One fuzzer per core at a time (JOBS, default: the number of cores).
fuzz_one() { # TARGET
	local t=$1 seeds corpus
	case $t in
	*status) seeds=status ;;
	*traffic) seeds=traffic ;;
	*kernel) seeds=kernel ;;
	*certs) seeds=certs ;;
	*pools) seeds=pools ;;
	*webconfig) seeds=webconfig ;;
	*pluto_log) seeds=pluto-log ;;
	*) seeds=global ;;
	esac
	corpus="$work/corpus-$t"
	mkdir -p "$corpus"
	cp "$top/tests/fixtures/$seeds"/*.txt "$top/tests/fixtures/$seeds"/*.yml "$corpus/" 2> /dev/null || true
	if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"./tests/fuzz/$t" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/$t-" "$corpus" \
		> "$work/$t.log" 2>&1; then
		echo "run-fuzzers: $t FAILED; reproducer(s): $(ls "$work/$t-"* 2> /dev/null)"
		tail -40 "$work/$t.log"
		return 1
	fi
	echo "run-fuzzers: $t done: $(grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$work/$t.log" | tr '\n' ' ')"
}

status=0
jobs_max=${JOBS:-$(nproc)}
running=0
for t in $targets; do
	echo "run-fuzzers: $t for ${secs}s"
	fuzz_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs_max" ]; then
		wait -n || { status=1; failed=1; }
		running=$((running - 1))
	fi
done
while [ "$running" -gt 0 ]; do
	wait -n || { status=1; failed=1; }
	running=$((running - 1))
done
exit $status
