#!/bin/bash
# SPDX-License-Identifier: MIT
#
# rpm.sh TARBALL: builds the binary RPM from libreswan_exporter.spec and the release tarball
# with `rpmbuild -bb --nodeps` (Debian's rpm tooling: the build dependencies are Debian's
# packages, which rpm cannot see, hence --nodeps; Fedora's systemd-rpm-macros are replaced by
# rpm-macros.systemd), its check section running the fast tests, then checks the package: its
# files, the systemd scriptlets, and the revision the packaged binary reports. rpmlint on the
# spec runs in make check (rpmlint.sh). Exit 77 when rpmbuild is missing. KEEP=1 keeps the work
# directory; LSX_RPM_CHECK=0 builds without the check section (rpmbuild --nocheck).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib/common.sh"
tarball=$(readlink -f "${1:?usage: rpm.sh TARBALL}")
need rpmbuild
work_dir rpm
W=$WORK
mkdir -p "$W"/{SOURCES,SPECS,BUILD,RPMS,SRPMS}
cp "$tarball" "$W/SOURCES/"
cp "$TOP/libreswan_exporter.spec" "$W/SPECS/"
t0=$SECONDS
flags=(-bb --nodeps)
[ "${LSX_RPM_CHECK:-1}" = 0 ] && flags+=(--nocheck)
rpmbuild "${flags[@]}" --define "_topdir $W" --load "$HERE/rpm-macros.systemd" \
	"$W/SPECS/libreswan_exporter.spec" > "$W/rpmbuild.log" 2>&1 ||
	{ tail -60 "$W/rpmbuild.log"; fail "rpmbuild -bb"; }
rpm=$(find "$W/RPMS" -name 'libreswan_exporter-[0-9]*.rpm' | head -1)
[ -n "$rpm" ] || fail "no package in $W/RPMS"
echo "rpmbuild ${flags[*]}: $(basename "$rpm") ($(du -k "$rpm" | cut -f1) KiB) in $((SECONDS - t0)) s"
grep -E '^# (TOTAL|PASS|SKIP|FAIL):' "$W/rpmbuild.log" | sed 's/^/  check section: /' || true

files=$(rpm -qlp "$rpm" 2>/dev/null)
# (Debian's rpm neither compresses manual pages nor leaves the version out of documentation
# directories, as Fedora's does: both forms are accepted)
for f in /usr/sbin/libreswan_exporter /usr/lib/systemd/system/libreswan_exporter.service \
	/usr/lib/systemd/system/libreswan_exporter.socket /etc/default/libreswan_exporter \
	'/usr/share/man/man8/libreswan_exporter\.8(\.gz)?' '/usr/share/licenses/libreswan_exporter(-[0-9.]+)?/LICENSE'; do
	grep -qxE "$f" <<< "$files" || fail "$f is not in the package"
done
ok "files: binary, units, /etc/default/libreswan_exporter, man page, licence"
rpm -qp --configfiles "$rpm" 2>/dev/null | grep -qx /etc/default/libreswan_exporter || fail "environment file is no config file"
scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
for s in 'postinstall' 'preuninstall' 'postuninstall'; do
	grep -q "^$s scriptlet" <<< "$scripts" || fail "no $s scriptlet"
done
grep -q 'preset libreswan_exporter.service libreswan_exporter.socket' <<< "$scripts" || fail "no preset in %post"
grep -q 'try-restart libreswan_exporter.service' <<< "$scripts" || fail "no restart in %postun"
ok "scriptlets: preset on install, disable on removal, restart on upgrade"

mkdir "$W/x"
(cd "$W/x" && rpm2cpio "$rpm" | cpio -idm --quiet)
want=$(tar -xOJf "$tarball" --wildcards '*/.tarball-revision')
got=$("$W/x/usr/sbin/libreswan_exporter" --once --input.globalstatus /dev/null |
	sed -n 's/^libreswan_exporter_build_info{.*revision="\([^"]*\)".*/\1/p')
[ "$got" = "$want" ] || fail "packaged binary reports revision '$got', the tarball recorded '$want'"
ok "packaged binary: build_info revision $got (the tarball's)"
echo PASS
