#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run.sh: the integration scenarios against the Libreswan that operators run: Debian 11 (4.3,
# the pre-4.5 output format), Debian 12 (4.10) and Debian 13 (5.2), and a pair of different
# releases (5.2 west, 4.10 east). Each release runs from a root of its own (release-root.sh),
# built once per run or taken from the cache.
#
#   run.sh [-v] [host] [vm]      (default: both parts)
#
#   host  tests/integration/scenarios/host/* on this machine's kernel (IKE; no ESP on most
#         CI kernels), once per configuration of LSX_MATRIX_HOST (default "bullseye bookworm
#         trixie trixie+bookworm"); a pair of releases (west+east) runs the scenarios in which
#         the two negotiate, LSX_MATRIX_PAIR_SCENARIOS
#   vm    VM scenarios (full ESP) in one QEMU guest (tests/integration/vm.sh), per line of
#         LSX_MATRIX_VM ("CONFIG SCENARIO..." lines; default below). "native" in a VM
#         configuration is the guest's Libreswan, this machine's own (4.10 on Debian 12).
#
# With LSX_CAPTURE_DIR set, runs capture.sh instead in every configuration of both parts: real
# whack output of each release for the parser fixtures, in LSX_CAPTURE_DIR/<label>[-esp]/.
#
# Prints one line per scenario and configuration, "PASS: 4.3/loaded-down (1.2s)", the time
# each part took, and a summary. Exit status: 0 all passed, 1 a failure, 77 when the matrix
# cannot run here (not root, no debootstrap, the Debian mirror unreachable, no VM for "vm";
# the reason is printed as "SKIP: ...").
#
# Environment: EXPORTER, TOP_BUILDDIR, MX_ROOTS (where the roots go, default
# $TOP_BUILDDIR/tests/matrix/roots when every user may search that path, else
# /var/tmp/lsx-matrix-roots), the cache and mirror variables of release-root.sh, and the
# LSX_* knobs of the integration harness.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
INTEG=$(cd "$HERE/../integration" && pwd)
. "$HERE/../lib/common.sh"
. "$HERE/lib.sh"
# searchable_by_all DIR: every directory from DIR up to / lets others through (o+x)
searchable_by_all() {
	local d=$1
	while [ "$d" != / ] && [ -n "$d" ]; do
		[ $((0$(stat -c %a "$d" 2> /dev/null || echo 0) & 1)) = 1 ] || return 1
		d=$(dirname "$d")
	done
}
# The no-permission scenario runs each root's whack as nobody: the roots may not lie under a
# directory only root may search, such as /root, where a git clone of this project may be.
if [ -z "${MX_ROOTS:-}" ] && [ -n "${TOP_BUILDDIR:-}" ] && searchable_by_all "$TOP_BUILDDIR"; then
	MX_ROOTS=$TOP_BUILDDIR/tests/matrix/roots
fi
MX_ROOTS=${MX_ROOTS:-/var/tmp/lsx-matrix-roots}
export MX_ROOTS
LSX_MATRIX_HOST=${LSX_MATRIX_HOST:-bullseye bookworm trixie trixie+bookworm}
LSX_MATRIX_PAIR_SCENARIOS=${LSX_MATRIX_PAIR_SCENARIOS:-ike-established events-ike kernel-collector light-equals-whole pluto-restart}
mx_vm_plan_given=${LSX_MATRIX_VM:+yes}
LSX_MATRIX_VM=${LSX_MATRIX_VM:-"bullseye esp-ikev2 rekey roadwarrior address-pool events-rekey
trixie esp-ikev2 esp-ikev1 rekey roadwarrior address-pool events-rekey
trixie+native esp-ikev2 rekey"}

[ "${1:-}" = -v ] && { MX_VERBOSE=1; export MX_VERBOSE; shift; }
if [ -n "${LSX_CAPTURE_DIR:-}" ]; then
	# capture mode: the capture scenario alone, in every configuration of both parts (a VM plan
	# given in LSX_MATRIX_VM is taken as it is: it may name /payload/extra/capture.sh itself)
	LSX_CAPTURE_DIR=$(readlink -m "$LSX_CAPTURE_DIR")
	export LSX_CAPTURE_DIR
	[ -n "$mx_vm_plan_given" ] ||
		LSX_MATRIX_VM=$(printf '%s\n' "$LSX_MATRIX_VM" | awk 'NF { print $1, "/payload/extra/capture.sh" }')
fi
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(host vm)

# --- host part, inside a private mount namespace (re-executed by the main part) -------------
if [ "${1:-}" = --host-inside ]; then
	work_dir matrix
	scratch=$WORK
	chmod 0755 "$scratch"
	for r in $(printf '%s\n' $LSX_MATRIX_HOST | tr '+' '\n' | grep -vx native | sort -u); do
		mx_prepare_root "$MX_ROOTS/$r" "$scratch" || { echo "FAIL: cannot prepare the $r root"; exit 1; }
	done
	export TMPDIR=$scratch
	# The host kernel of most CI machines has XFRM but no ESP: every Child SA is refused. Libreswan
	# 4.3 then never completes IKE_AUTH (it keeps retransmitting it), so the scenarios that need an
	# established IKE SA cannot pass on such a kernel; the VM part runs 4.3 with ESP.
	esp=yes
	ns=lsx-mx-esp-$$
	if ip netns add "$ns" 2>/dev/null; then
		mx_has_esp "$ns" || esp=no
		ip netns del "$ns"
	fi
	echo "this kernel: $(uname -r), ESP: $esp"
	scenarios=$(cd "$INTEG/scenarios/host" && ls -- *.sh | sed 's/\.sh$//')
	[ -n "${LSX_CAPTURE_DIR:-}" ] && scenarios=$HERE/capture.sh
	for c in $LSX_MATRIX_HOST; do
		skips=""
		if [ "$esp" = no ] && [ "$(mx_version "${c%%+*}")" = 4.3 ]; then
			why="no ESP in this kernel: pluto 4.3 never completes IKE_AUTH when the Child SA is refused; see the VM part"
			skips="ike-established=$why
light-equals-whole=$why
pluto-restart=$why"
		fi
		run=$scenarios
		# a pair of releases: the scenarios in which the two plutos negotiate with each other
		# (the others watch west alone, as its own release's configuration does already)
		case $c in *+*) [ -n "${LSX_CAPTURE_DIR:-}" ] || run=$LSX_MATRIX_PAIR_SCENARIOS ;; esac
		# shellcheck disable=SC2086
		mx_run "$c" "$INTEG/run.sh" "$INTEG/scenarios/host" "$skips" $run
	done
	echo "matrix-counts $MX_PASS $MX_FAIL $MX_SKIP"
	exit 0
fi

# --- main part ------------------------------------------------------------------------------
need_root "debootstrap, chroot, namespaces"
need unshare ip curl
ip netns list > /dev/null 2>&1 || skip "no usable 'ip netns'"
need_exporter

want_host=0 want_vm=0
for p in "${parts[@]}"; do
	case $p in host) want_host=1 ;; vm) want_vm=1 ;; *) echo "run.sh: unknown part $p" >&2; exit 2 ;; esac
done
releases=""
[ "$want_host" = 1 ] && releases="$releases $LSX_MATRIX_HOST"
[ "$want_vm" = 1 ] && releases="$releases $(printf '%s\n' "$LSX_MATRIX_VM" | awk '{ print $1 }')"
releases=$(printf '%s\n' $releases | tr '+' '\n' | grep -vx native | sort -u)

# 1. The release roots, built in parallel (network and dpkg bound), each once per run.
t0=$SECONDS
mkdir -p "$MX_ROOTS"
work_dir matrix
logs=$WORK
for r in $releases; do
	extra=MX_PACKAGES_$r
	# shellcheck disable=SC2086
	"$HERE/release-root.sh" build "$r" "$MX_ROOTS/$r" ${!extra:-} > "$logs/$r" 2>&1 &
done
wait
unavailable=""
for r in $releases; do
	if grep -q '^SKIP: ' "$logs/$r"; then
		sed 's/^/  /' "$logs/$r"; unavailable="$unavailable $r"
	elif [ -x "$MX_ROOTS/$r/usr/libexec/ipsec/pluto" ]; then
		echo "root $(tail -1 "$logs/$r")"
	else
		echo "FAIL: the $r root could not be made:"; sed 's/^/    | /' "$logs/$r"; exit 1
	fi
done
echo "release roots: $((SECONDS - t0)) s"
[ -z "$unavailable" ] || skip "Libreswan matrix: no root for$unavailable (see above)"

pass=0 failures=0 skipped=0
count() { pass=$((pass + $1)); failures=$((failures + $2)); skipped=$((skipped + $3)); }

# 2. Host scenarios: in a private mount namespace, so the roots' mounts end with it.
if [ "$want_host" = 1 ]; then
	t0=$SECONDS
	unshare --mount --propagation private "$0" --host-inside 2>&1 | tee "$logs/host" | grep --line-buffered -v '^matrix-counts '
	# shellcheck disable=SC2046
	count $(awk '$1 == "matrix-counts" { print $2, $3, $4; f = 1 } END { if (!f) print 0, 1, 0 }' "$logs/host")
	echo "host part: $((SECONDS - t0)) s"
fi

# 3. VM scenarios: the roots travel in the guest's initramfs; guest.sh runs the plan there.
if [ "$want_vm" = 1 ]; then
	t0=$SECONDS
	x=$logs/vm-payload
	mkdir -p "$x/roots"
	cp "$HERE/lib.sh" "$HERE/release-root.sh" "$HERE/capture.sh" "$x/"
	cp "$HERE/guest.sh" "$x/run.sh"
	printf '%s\n' "$LSX_MATRIX_VM" > "$x/plan"
	for r in $(printf '%s\n' "$LSX_MATRIX_VM" | awk '{ print $1 }' | tr '+' '\n' | grep -vx native | sort -u); do
		cp -al "$MX_ROOTS/$r" "$x/roots/$r" 2>/dev/null || cp -a "$MX_ROOTS/$r" "$x/roots/$r"
	done
	LSX_VM_EXTRA=$x LSX_VM_MEM=${LSX_VM_MEM:-3072} LSX_VM_TIMEOUT=${LSX_VM_TIMEOUT:-1200} \
		LSX_SCENARIO_TIMEOUT=${LSX_SCENARIO_TIMEOUT:-240} bash "$INTEG/vm.sh" ${MX_VERBOSE:+-v} 2>&1 |
		tee "$logs/vm" | grep --line-buffered -v '^matrix-counts ' | sed -u '/^LSX-CAPTURE-BEGIN$/,/^LSX-CAPTURE-END$/d'
	rc=${PIPESTATUS[0]}
	if [ -n "${LSX_CAPTURE_DIR:-}" ]; then
		mkdir -p "$LSX_CAPTURE_DIR"
		sed -n '/^LSX-CAPTURE-BEGIN$/,/^LSX-CAPTURE-END$/p' "$logs/vm" | sed '1d;$d' | base64 -d |
			tar -C "$LSX_CAPTURE_DIR" -xzf - && echo "VM captures extracted into $LSX_CAPTURE_DIR"
	fi
	if [ "$rc" = 77 ] && ! grep -q '^matrix-counts ' "$logs/vm"; then
		echo "SKIP: VM part ($(sed -n 's/^SKIP: //p' "$logs/vm" | head -1))"
		skipped=$((skipped + 1))
	else
		# shellcheck disable=SC2046
		count $(awk '$1 == "matrix-counts" { print $2, $3, $4; f = 1 } END { if (!f) print 0, 1, 0 }' "$logs/vm")
	fi
	echo "VM part: $((SECONDS - t0)) s"
fi

echo "Libreswan matrix: $pass passed, $failures failed, $skipped skipped"
[ "$failures" -eq 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
