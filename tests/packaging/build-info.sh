#!/bin/sh
# SPDX-License-Identifier: MIT
# libreswan_exporter_build_info carries a real source revision, never "unknown": in a build
# from a tarball (make distcheck, packages) the one `make dist` recorded in .tarball-revision,
# in a tree from `git archive` (a forge's "download source") the one git wrote into
# .archive-revision, in a git checkout a commit of that repository. The version label is the
# package version.
set -eu
. "$(dirname "$0")/../lib/common.sh"
need_exporter
line=$("$EXPORTER" --once --input.globalstatus /dev/null | grep '^libreswan_exporter_build_info{')
echo "$line"
rev=$(printf '%s\n' "$line" | sed -n 's/.*revision="\([^"]*\)".*/\1/p')
version=$(printf '%s\n' "$line" | sed -n 's/.*version="\([^"]*\)".*/\1/p')
want_version=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' "$TOP_SRCDIR/configure.ac")
[ "$version" = "$want_version" ] || fail "version \"$version\", configure.ac says $want_version"
case $rev in '' | unknown) fail "revision \"$rev\"" ;; esac
if [ -s "$TOP_SRCDIR/.tarball-revision" ]; then
	want=$(cat "$TOP_SRCDIR/.tarball-revision")
	[ "$rev" = "$want" ] || fail "revision $rev, the tarball recorded $want"
	ok "tarball build: revision $rev as recorded by make dist"
elif [ -s "$TOP_SRCDIR/.archive-revision" ] && ! grep -q '^\$Format' "$TOP_SRCDIR/.archive-revision"; then
	# a tree from `git archive`: "HASH DESCRIBE" written by git (export-subst)
	read -r hash describe < "$TOP_SRCDIR/.archive-revision"
	want=${describe:-$hash}
	[ "$rev" = "$want" ] || fail "revision $rev, git archive recorded $want"
	ok "git archive tree: revision $rev as recorded by git archive"
elif git -C "$TOP_SRCDIR" rev-parse --git-dir > /dev/null 2>&1; then
	# git describe: TAG, TAG-N-gHASH or HASH, each maybe with -dirty
	commit=${rev%-dirty}; commit=${commit##*-g}
	git -C "$TOP_SRCDIR" cat-file -e "$commit^{commit}" 2>/dev/null ||
		fail "revision $rev is no commit of $TOP_SRCDIR"
	ok "git checkout: revision $rev is a commit of this repository"
else
	skip "neither a tarball made by make dist, a git archive nor a git checkout: nothing to compare $rev with"
fi
