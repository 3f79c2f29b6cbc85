# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# The Libreswan release matrix: shared by run.sh (on this machine) and guest.sh (inside the VM).
#
# A configuration names the release whose Libreswan each side runs: "bullseye" (both plutos
# from Debian 11's root), "trixie+bookworm" (west from Debian 13, east from Debian 12), or
# "native" for the Libreswan installed where the scenario runs. Each root's pluto and addconn
# run chrooted into it, its whack through its own dynamic loader (release-root.sh wrap), and
# the integration harness gets them per pluto (LSX_PLUTO_west, LSX_WHACK_east, ...). Every
# path the harness hands to pluto lives in one scratch directory, bound into each root at the
# same path, so a path means the same file inside and outside the chroot.
#
# Scenario lines are those of tests/integration/run.sh with the configuration's Libreswan
# versions in front: "PASS: 5.2+4.10/ike-established (12.3s)".

MX_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MX_PASS=0 MX_FAIL=0 MX_SKIP=0

# mx_prepare_root DIR SCRATCH: mount what chrooted programs need into root DIR, bind SCRATCH at
# the same path inside it, write the release's programs to DIR.bin and its version to
# DIR.bin/version
mx_prepare_root() {
	local dir=$1 scratch=$2
	bash "$MX_LIBDIR/release-root.sh" mounts "$dir" || return 1
	bash "$MX_LIBDIR/release-root.sh" bind "$scratch" "$dir$scratch" || return 1
	bash "$MX_LIBDIR/release-root.sh" wrap "$dir" "$dir.bin" || return 1
	bash "$MX_LIBDIR/release-root.sh" version "$dir" > "$dir.bin/version"
}

# mx_has_esp NETNS: the kernel can hold an ESP SA (esp4 and AES-GCM available), tried in network
# namespace NETNS and removed again. Most CI host kernels have XFRM but no ESP.
mx_has_esp() {
	ip -n "$1" xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x100 mode tunnel \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 2> /dev/null || return 1
	ip -n "$1" xfrm state flush
}

# mx_version SIDE: the Libreswan version of a side ("native" or a release prepared in MX_ROOTS)
mx_version() {
	if [ "$1" = native ]; then
		"${LSX_PLUTO:-/usr/libexec/ipsec/pluto}" --version 2>&1 |
			awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^v?[0-9]+\.[0-9]+/) { v = $i; sub(/^v/, "", v); sub(/[^0-9.].*$/, "", v); print v; exit } }'
	else
		cat "$MX_ROOTS/$1.bin/version"
	fi
}

# mx_label CONFIG: "4.3", "5.2+4.10"
mx_label() {
	local w=${1%%+*} e=${1#*+} l
	l=$(mx_version "$w")
	[ "$e" = "$w" ] || l="$l+$(mx_version "$e")"
	echo "$l"
}

# mx_side_env PLUTO SIDE: export the harness's per-pluto programs for pluto PLUTO (west, east)
mx_side_env() {
	local p=$1 side=$2 t
	for t in PLUTO WHACK ADDCONN IPSEC; do unset "LSX_${t}_$p"; done
	[ "$side" = native ] && return 0
	export "LSX_PLUTO_$p=$MX_ROOTS/$side.bin/pluto" "LSX_WHACK_$p=$MX_ROOTS/$side.bin/whack" \
		"LSX_ADDCONN_$p=$MX_ROOTS/$side.bin/addconn" "LSX_IPSEC_$p=$MX_ROOTS/$side.bin/ipsec"
}

# mx_run CONFIG RUN_SH SCENARIO_DIR SKIPS SCENARIO...: run the scenarios (names in SCENARIO_DIR,
# or paths) under CONFIG with the harness's run.sh, MX_LABEL set to the configuration's label;
# SKIPS is a list of "scenario=reason" lines for scenarios that cannot run under CONFIG here.
# Counts into MX_PASS, MX_FAIL, MX_SKIP.
mx_run() {
	local config=$1 run=$2 dir=$3 skips=$4; shift 4
	local label s reason todo=() out rc
	label=$(mx_label "$config")
	for s in "$@"; do
		reason=$(printf '%s\n' "$skips" | awk -v s="$(basename "$s" .sh)" 'index($0, s "=") == 1 { print substr($0, length(s) + 2); exit }')
		if [ -n "$reason" ]; then
			echo "SKIP: $label/$(basename "$s" .sh) ($reason)"; MX_SKIP=$((MX_SKIP + 1))
		else
			todo+=("$s")
		fi
	done
	[ ${#todo[@]} -gt 0 ] || return 0
	echo "--- Libreswan $label ($config): ${todo[*]}"
	out=$(mktemp)
	(
		mx_side_env west "${config%%+*}"
		mx_side_env east "${config#*+}"
		# pluto 5 keeps whack --initiate waiting while it retries a refused Child SA; the
		# scenarios wait for what they expect themselves, so do not wait on whack for long
		export LSX_INITIATE_TIMEOUT=${LSX_INITIATE_TIMEOUT:-10} MX_LABEL=$label
		LSX_SCENARIOS=$dir bash "$run" ${MX_VERBOSE:+-v} "${todo[@]}"
	) > "$out" 2>&1
	rc=$?
	sed -E "s#^(PASS|FAIL|SKIP): #\\1: $label/#; /^integration: /d" "$out"
	MX_PASS=$((MX_PASS + $(grep -c '^PASS: ' "$out")))
	MX_FAIL=$((MX_FAIL + $(grep -c '^FAIL: ' "$out")))
	MX_SKIP=$((MX_SKIP + $(grep -c '^SKIP: ' "$out")))
	# a suite that could not start at all (77) or died without a verdict counts as a failure
	if [ "$rc" != 0 ] && ! grep -q '^FAIL: ' "$out"; then
		echo "FAIL: $label (run.sh exited with status $rc)"; MX_FAIL=$((MX_FAIL + 1))
	fi
	rm -f "$out"
}

# Packages a release's root gets besides libreswan and iproute2. Debian 12's root also serves
# the package test (tests/packaging), which boots systemd in it: one bookworm root per run.
MX_PACKAGES_bookworm="systemd curl ca-certificates"
