#!/bin/bash
# SPDX-License-Identifier: MIT
#
# release-root.sh: a Debian release's own userland (and so its own Libreswan), in a directory,
# for running that release's pluto and whack on this machine.
#
#   release-root.sh build RELEASE DIR [PACKAGE...]
#       DIR becomes a root of RELEASE (debootstrap minbase, then libreswan and iproute2 plus
#       PACKAGEs, without recommends). Taken from the cache when it holds the same release and
#       package set; built and added to the cache otherwise. Prints one line:
#       "RELEASE: Libreswan VERSION (package VERSION), N MB, from cache|built in S s".
#   release-root.sh version DIR     the Libreswan version of a root (e.g. 4.3, 4.10, 5.2)
#   release-root.sh front-end DIR FILE
#       write FILE, an `ipsec` command for the exporter's --ipsec.command and for the test
#       harness: `FILE whack ARGS` runs DIR's whack through DIR's own dynamic loader and
#       libraries (no chroot: the exporter keeps no CAP_SYS_CHROOT), anything else runs DIR's
#       `ipsec` chrooted (initnss, ...). Paths given to it must be valid inside DIR too (see
#       run.sh, which binds the scratch directory into each root at the same path).
#   release-root.sh mounts DIR | unmounts DIR | bind SRC DEST
#       mount (once) what chrooted programs need into DIR (proc, sys, dev); unmount everything
#       below DIR; bind-mount SRC on DEST
#   release-root.sh wrap DIR BINDIR
#       write BINDIR/{pluto,whack,addconn,ipsec}: the release's programs, chrooted into DIR
#       (pluto, addconn) or as `front-end` (whack, ipsec), for the integration harness's
#       LSX_PLUTO, LSX_WHACK, LSX_ADDCONN and LSX_IPSEC.
#
# Exit status 77 (automake's skip) with "SKIP: reason" when a root cannot be built here: not
# root, no debootstrap, or the Debian mirror unreachable.
#
# Cache: $LSX_ROOT_CACHE, else /var/cache/libreswan-root when it exists, else
# $TOP_BUILDDIR/tests/matrix/cache (one build per CI run, reused by every scenario and by the
# package test), else /var/tmp/lsx-release-roots. Entries are
# tarballs named after the release and a hash of the package list; a root is reproducible from
# its release and packages, so any entry may be deleted. Mirror: $LSX_DEBIAN_MIRROR, else the
# first URIs of this machine's apt sources, else http://deb.debian.org/debian.
#
# Roots are trimmed (documentation, manual pages, locales, apt's package lists and downloads):
# about 100-150 MB each instead of 400, which keeps them cheap to copy into the VM's initramfs.
# KEEP_APT_LISTS=1 keeps the package lists (for roots that install more packages later).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

mirror() {
	local m
	m=${LSX_DEBIAN_MIRROR:-}
	[ -n "$m" ] || m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $2 !~ /^\[/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
	echo "${m:-http://deb.debian.org/debian}"
}

cache_dir() {
	if [ -n "${LSX_ROOT_CACHE:-}" ]; then echo "$LSX_ROOT_CACHE"
	elif [ -d /var/cache/libreswan-root ]; then echo /var/cache/libreswan-root
	elif [ -n "${TOP_BUILDDIR:-}" ]; then echo "$TOP_BUILDDIR/tests/matrix/cache"
	else echo /var/tmp/lsx-release-roots; fi
}

# mounted DIR: something is mounted on DIR (no mountpoint(1) in the VM's busybox)
mounted() { awk -v d="$(readlink -m "$1")" '$2 == d { f = 1 } END { exit !f }' /proc/mounts; }
# bind SRC DEST: SRC mounted on DEST (created), once
bind() { mkdir -p "$2"; mounted "$2" || mount -o bind "$1" "$2"; }
# mounts DIR: what chrooted programs need (pseudo-filesystems); unmounts DIR: all mounts below DIR
mounts() {
	local m
	for m in proc sys dev dev/pts; do bind "/$m" "$1/$m" || return 1; done
}
unmounts() {
	local d m
	d=$(readlink -m "$1")
	for m in $(awk -v d="$d/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

version_of() {
	chroot "$1" /usr/libexec/ipsec/pluto --version 2>&1 | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^v?[0-9]+\.[0-9]+/) { v = $i; sub(/^v/, "", v); sub(/[^0-9.].*$/, "", v); print v; exit } }'
}

build() {
	local rel=$1 dir=$2; shift 2
	local pkgs key cache t m start
	need_root "building a $rel root"
	pkgs=$(printf '%s\n' libreswan iproute2 "$@" | sort -u | tr '\n' ' ')
	key=$(printf '%s %s' "$rel" "$pkgs" | sha256sum | cut -c1-12)
	cache=$(cache_dir)/$rel-$key.tar
	start=$SECONDS
	if [ ! -f "$cache" ]; then
		need debootstrap
		m=$(mirror)
		curl -sfI --max-time 20 "$m/dists/$rel/Release" > /dev/null ||
			skip "Debian mirror $m does not answer for $rel: cannot build the $rel root"
		t=$(mktemp -d "${TMPDIR:-/tmp}/release-root.XXXXXX")
		unfinished=$t
		at_exit 'if [ -n "$unfinished" ]; then unmounts "$unfinished"; rm -rf "$unfinished" "$unfinished.log"; fi'
		debootstrap --variant=minbase "$rel" "$t" "$m" > "$t.log" 2>&1 ||
			{ tail -15 "$t.log" >&2; fail "debootstrap $rel failed"; }
		rm -f "$t/etc/apt/sources.list"
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$m" "$rel" > "$t/etc/apt/sources.list.d/debian.sources"
		cp /etc/resolv.conf "$t/etc/resolv.conf" 2>/dev/null || true
		# no daemon starts inside the root while packages are installed
		printf '#!/bin/sh\nexit 101\n' > "$t/usr/sbin/policy-rc.d"; chmod 755 "$t/usr/sbin/policy-rc.d"
		mounts "$t"
		# shellcheck disable=SC2086
		chroot "$t" sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
			apt-get install -y -qq --no-install-recommends $pkgs" >> "$t.log" 2>&1 ||
			{ tail -15 "$t.log" >&2; fail "installing $pkgs into the $rel root failed"; }
		unmounts "$t"
		rm -f "$t/usr/sbin/policy-rc.d"
		chroot "$t" dpkg-query -W -f '${Package} ${Version}\n' > "$t/.release-root-manifest"
		echo "$rel $pkgs" > "$t/.release-root-key"
		rm -rf "$t"/usr/share/doc/* "$t"/usr/share/man/* "$t"/usr/share/info/* "$t"/usr/share/locale/* \
			"$t"/var/cache/apt/*.bin "$t"/var/cache/apt/archives/*.deb "$t"/var/log/*.log "$t"/var/log/apt/*
		[ "${KEEP_APT_LISTS:-0}" = 1 ] || rm -rf "$t"/var/lib/apt/lists/*
		mkdir -p "$(dirname "$cache")"
		tar -C "$t" -cf "$cache.part" . && mv "$cache.part" "$cache"
		rm -rf "$t" "$t.log"; unfinished=
		how="built in $((SECONDS - start)) s"
	else
		how="from cache $cache"
	fi
	unmounts "$dir"; rm -rf "$dir"; mkdir -p "$dir"
	tar -C "$dir" -xf "$cache"
	chmod 755 "$dir"
	echo "$rel: Libreswan $(version_of "$dir") (package $(awk '$1 == "libreswan" { print $2 }' "$dir/.release-root-manifest")), $(du -sm "$dir" | cut -f1) MB, $how"
}

front_end() {
	local dir lib ld
	dir=$(readlink -m "$1")
	lib=$dir/lib/x86_64-linux-gnu:$dir/usr/lib/x86_64-linux-gnu
	# the loader's symbolic links are absolute inside the root: resolve them there
	ld=$dir$(chroot "$dir" readlink -f /lib64/ld-linux-x86-64.so.2) || fail "$dir: no dynamic loader"
	[ -f "$ld" ] || fail "$dir: no dynamic loader"
	cat > "$2" <<EOF
#!/bin/sh
# \`ipsec\` of the root $dir: whack through the root's own loader and libraries
# (no chroot, so it works under the exporter's capability set); the rest chrooted.
if [ "\${1:-}" = whack ]; then
	shift
	exec "$ld" --library-path "$lib" "$dir/usr/libexec/ipsec/whack" "\$@"
fi
exec chroot "$dir" /usr/sbin/ipsec "\$@"
EOF
	chmod 755 "$2"
}

wrap() {
	local dir bin p
	dir=$(readlink -m "$1"); bin=$2
	mkdir -p "$bin"
	front_end "$dir" "$bin/ipsec"
	printf '#!/bin/sh\nexec "%s" whack "$@"\n' "$bin/ipsec" > "$bin/whack"
	for p in pluto addconn; do
		printf '#!/bin/sh\nexec chroot "%s" /usr/libexec/ipsec/%s "$@"\n' "$dir" "$p" > "$bin/$p"
	done
	chmod 755 "$bin"/*
}

cmd=${1:-}
shift || true
case $cmd in
build) [ $# -ge 2 ] || fail "usage: build RELEASE DIR [PACKAGE...]"; build "$@" ;;
version) version_of "$1" ;;
front-end) front_end "$1" "$2" ;;
wrap) wrap "$1" "$2" ;;
mounts) mounts "$1" ;;
bind) bind "$1" "$2" ;;
unmounts) unmounts "$1" ;;
*) sed -n '3,33p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
