#!/bin/bash
# SPDX-License-Identifier: MIT
#
# deb.sh TARBALL: the Debian package, end to end, from the release tarball.
#
#  1. dpkg-buildpackage -b -us -uc in the unpacked tarball (its check runs the fast tests);
#  2. lintian: no error, no warning; every override carries a written reason;
#  3. the package: every file `make install` installs, Debian's names, the unit's sandbox and
#     capabilities exactly upstream's, the revision the binary reports is the tarball's; the
#     dashboard, the rules (promtool test rules run where they are installed) and the other
#     examples under /usr/share/doc/prometheus-libreswan-exporter/examples, the references next
#     to them;
#  4. a fresh Debian 12 root (tests/matrix/release-root.sh; the same one the Libreswan matrix
#     uses) with systemd and Debian's libreswan; the package installed there with apt-get
#     (dependencies from the mirror), systemd booted as PID 1 of private namespaces in that
#     root, pluto started by Debian's own ipsec.service: the service, enabled and started by the
#     package, serves libreswan_up 1 with CapEff 0 and the operator's ARGS;
#  5. an upgrade under the running systemd restarts the service and keeps the operator's
#     /etc/default file; purge and autoremove leave the root's file list as it was before the
#     install (compared after a boot before and a boot after, so systemd's own state matches).
#
# Needs root, dpkg-dev, debhelper, lintian, unshare/nsenter, and what release-root.sh needs
# (debootstrap, the Debian mirror). Exit 77 with the reason when something is missing.
# Environment: KEEP=1 keeps the work directory; the cache variables of release-root.sh.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/matrix/lib.sh"
PKG=prometheus-libreswan-exporter
tarball=$(readlink -f "${1:?usage: deb.sh TARBALL}")

step() { printf '[%4ds] %s\n' $((SECONDS - T0)) "$*"; }
T0=$SECONDS

need_root
need dpkg-buildpackage dpkg-checkbuilddeps lintian unshare nsenter curl
# Private mount namespaces need / to be a mount point; in a chroot into a plain directory it is
# none (`mount --bind DIR DIR` before the chroot makes it one, as containers have it).
unshare --mount --propagation private true 2> /dev/null ||
	skip "/ is not a mount point (a chroot into a plain directory?): systemd cannot boot in private mount namespaces here"

if [ "${KEEP:-0}" = 1 ]; then W=$(mktemp -d "${TMPDIR:-/tmp}/lsx-deb.XXXXXX"); echo "deb.sh: keeping $W"
else work_dir deb; W=$WORK; fi
ROOT=$W/root
S="" UPID="" PRE_CG=""
# boot_systemd: systemd as PID 1 of new pid, mount, net, uts, ipc and cgroup namespaces, its
# root the fresh root; sets S (its pid here) and waits until it has finished starting up
boot_systemd() {
	cat > "$W/inner.sh" <<EOF
#!/bin/sh
set -e
# the root must be a mount point of its own for the units' sandboxing (ProtectSystem= & co.)
mount --bind "$ROOT" "$ROOT"
mount --rbind /sys "$ROOT/sys"
mount -t proc proc "$ROOT/proc"
mount --rbind /dev "$ROOT/dev"
mount -t tmpfs tmpfs "$ROOT/run"
mount -t tmpfs tmpfs "$ROOT/tmp"
export container=lsx-package-test
exec chroot "$ROOT" /lib/systemd/systemd --system --show-status=no
EOF
	chmod 755 "$W/inner.sh"
	PRE_CG=$(ls -d /sys/fs/cgroup/*/init.scope /sys/fs/cgroup/*/system.slice 2> /dev/null)
	unshare --pid --fork --mount --uts --ipc --net --cgroup --propagation private \
		"$W/inner.sh" > "$W/console" 2>&1 &
	UPID=$!
	S=""
	poll_until 10 systemd_pid || { cat "$W/console"; fail "systemd did not start"; }
	state=""
	poll_until 30 started
	echo "  systemd $(in_ns systemctl --version | head -1 | awk '{ print $2 }') booted in the root: $state$(
		[ "$state" = degraded ] && printf ' (failed: %s)' "$(in_ns systemctl --failed --plain --no-legend | awk '{ print $1 }' | tr '\n' ' ')")"
}
# systemd_pid: S, the pid of the namespaces' systemd (the child of unshare)
systemd_pid() {
	S=$(awk '{ print $1 }' "/proc/$UPID/task/$UPID/children" 2> /dev/null)
	[ -n "$S" ]
}
# started: systemd has finished starting up (state in $state)
started() {
	state=$(in_ns systemctl is-system-running 2> /dev/null)
	case $state in running | degraded) ;; *) return 1 ;; esac
}
in_ns() { timeout 60 nsenter -t "$S" -a -r -w "$@"; }
stop_systemd() {
	[ -n "$S" ] || return 0
	in_ns systemctl poweroff > /dev/null 2>&1
	poll_until 10 gone "$S"
	kill -9 "$S" 2> /dev/null
	[ -n "$UPID" ] && wait "$UPID" 2> /dev/null
	S="" UPID=""
	# cgroups systemd created in this machine's hierarchy
	for d in /sys/fs/cgroup/*/init.scope /sys/fs/cgroup/*/system.slice; do
		[ -d "$d" ] || continue
		case "$PRE_CG" in *"$d"*) continue ;; esac
		find "$d" -depth -type d -exec rmdir {} \; 2> /dev/null
	done
}
# snapshot FILE: the root's files (paths), but for what changes with every boot or apt run
snapshot() {
	(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
		-o -path ./var/log -o -path ./var/cache -o -path ./var/lib/apt/lists -o -path ./var/tmp \) -prune -o -print) |
		sort > "$1"
}
page() { in_ns curl -s -m 2 "http://127.0.0.1:10500/metrics"; }
# wait_page_up: the service's page (in $W/page) shows libreswan_up 1, within 20 s
wait_page_up() { poll_until 20 page_is_up; }
page_is_up() { page > "$W/page" 2> /dev/null && [ "$(metric libreswan_up "$W/page")" = 1 ]; }
# service_facts: the service's main process (SVC_PID) runs unprivileged with CapEff 0
service_facts() {
	local pid
	pid=$(in_ns systemctl show -p MainPID --value "$PKG.service")
	[ -n "$pid" ] && [ "$pid" != 0 ] || fail "$PKG.service has no main process"
	in_ns grep -E '^(Uid|CapEff|CapAmb|CapBnd|NoNewPrivs|Seccomp):' "/proc/$pid/status" > "$W/status"
	grep -q '^CapEff:[[:space:]]*0000000000000000$' "$W/status" || { cat "$W/status"; fail "CapEff is not 0"; }
	grep -q '^Uid:[[:space:]]*0[[:space:]]' "$W/status" && fail "the daemon runs as root"
	SVC_PID=$pid
}

cleanup() {
	stop_systemd
	bash "$TOP/tests/matrix/release-root.sh" unmounts "$ROOT" 2> /dev/null
}
at_exit cleanup

# --- 1. build ---------------------------------------------------------------------------------
tar -C "$W" -xf "$tarball"
src=$(find "$W" -mindepth 1 -maxdepth 1 -type d -name 'libreswan_exporter-*' | head -1)
[ -d "$src/debian" ] || fail "the tarball has no debian/ directory"
(cd "$src" && dpkg-checkbuilddeps) || fail "build dependencies missing (see above)"
step "dpkg-buildpackage -b -us -uc"
t=$SECONDS
(cd "$src" && dpkg-buildpackage -b -us -uc) > "$W/build.log" 2>&1 || { tail -60 "$W/build.log"; fail "dpkg-buildpackage"; }
deb=$(ls "$W"/${PKG}_*.deb 2> /dev/null | grep -v dbgsym | head -1)
[ -f "$deb" ] || fail "no .deb built"
version=$(dpkg-deb -f "$deb" Version)
ok "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $((SECONDS - t)) s"
grep -E '^# (TOTAL|PASS|SKIP|FAIL|XFAIL|ERROR):' "$W/build.log" | tr '\n' ' ' | sed 's/^/  package build tests: /; s/ $/\n/'
grep -q '^# FAIL: *0' "$W/build.log" || fail "the package build's tests did not report 0 failures"

# --- 2. lintian -------------------------------------------------------------------------------
step "lintian"
t=$SECONDS
changes=$(ls "$W"/*.changes | head -1)
# the exit status without --show-overrides (lintian 2.116 fails on overridden warnings with it)
lintian --fail-on error,warning --display-info "$changes" > /dev/null 2>&1
rc=$?
lintian --display-info --show-overrides "$changes" > "$W/lintian.log" 2>&1
grep -v 'running with root privileges' "$W/lintian.log" | sed 's/^/  lintian: /'
[ "$rc" = 0 ] || fail "lintian reports errors or warnings"
grep -qE '^[EW]: ' "$W/lintian.log" && fail "lintian reports errors or warnings"
for f in "$src"/debian/*lintian-overrides; do
	[ -f "$f" ] || continue
	awk '/^[[:space:]]*$/ { next } /^#/ { why = 1; next } { if (!why) { print FILENAME ": no reason above: " $0; bad = 1 } why = 0 }
		END { exit bad }' "$f" || fail "lintian override without a written reason"
done
ok "lintian: no error or warning ($((SECONDS - t)) s)"

# --- 3. contents ------------------------------------------------------------------------------
x=$W/x
dpkg-deb -x "$deb" "$x"
files=$(cd "$x" && find . ! -type d | sed 's/^\.//' | sort)
# everything `make install` installs (DESTDIR install of the same tree) is in the package,
# under the names debian/rules gives the units and the environment file (dh_compress adds .gz)
make -C "$src" install DESTDIR="$W/inst" > /dev/null 2>&1 || fail "make install DESTDIR in the build tree"
missing=$(cd "$W/inst" && find . ! -type d | sed 's/^\.//' | sed \
	-e "s,/libreswan_exporter\.\(service\|socket\)$,/$PKG.\1," \
	-e "s,^/usr/share/doc/$PKG/examples/libreswan_exporter\.default$,/etc/default/$PKG," \
	| sort | comm -23 - <(sed 's,\.gz$,,' <<< "$files" | sort))
[ -z "$missing" ] || fail "installed by make install but not in the package: $missing"
for f in /usr/sbin/libreswan_exporter /usr/bin/$PKG /usr/share/man/man8/libreswan_exporter.8.gz \
	/usr/share/man/man8/$PKG.8.gz /lib/systemd/system/$PKG.service /lib/systemd/system/$PKG.socket \
	/etc/default/$PKG /usr/share/doc/$PKG/copyright; do
	grep -qx "$f" <<< "$files" || fail "$f is not in the package"
done
# what the README promises an operator, where the README and the man page say it is
doc=/usr/share/doc/$PKG
for f in "$doc/README.md" "$doc/metrics.md" "$doc/privilege.md" "$doc/kernel.md" "$doc/examples/README.md" \
	"$doc/examples/grafana/libreswan.json" "$doc/examples/grafana/provisioning/dashboards/libreswan.yml" \
	"$doc/examples/grafana/provisioning/datasources/prometheus.yml" "$doc/examples/prometheus/libreswan.rules.yml" \
	"$doc/examples/prometheus/libreswan.rules.test.yml" "$doc/examples/prometheus/prometheus.yml" \
	"$doc/examples/prometheus/fleet/agent.yml" "$doc/examples/prometheus/fleet/central.yml" \
	"$doc/examples/alertmanager/alertmanager.yml" "$doc/examples/web-config.yml" \
	"$doc/examples/textfile/libreswan-textfile.sh"; do
	grep -qxE "$f(\.gz)?" <<< "$files" || fail "$f is not in the package"
done
[ -x "$x$doc/examples/textfile/libreswan-textfile.sh" ] || fail "the textfile script is not executable"
panels=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(sum(1 + len(p.get("panels", [])) for p in d["panels"]))' \
	"$x$doc/examples/grafana/libreswan.json") || fail "the packaged dashboard is not JSON"
rules=$(grep -cE '^ *- (alert|record):' "$x$doc/examples/prometheus/libreswan.rules.yml")
if command -v promtool > /dev/null; then
	(cd "$x$doc/examples/prometheus" && promtool test rules libreswan.rules.test.yml) > "$W/promtool.log" 2>&1 ||
		{ cat "$W/promtool.log"; fail "promtool test rules on the packaged rules"; }
	tested="promtool test rules passes on them where they are installed"
else
	tested="promtool not installed: rules not tested here"
fi
ok "examples in $doc/examples: the dashboard ($panels panels), $rules alert and recording rules ($tested), Prometheus, fleet, Alertmanager and web-config examples, the textfile script; README, metric, privilege and kernel references in $doc"
grep -E "^$doc/" <<< "$files" | sed 's/^/  /'
unit=$x/lib/systemd/system/$PKG.service
sed -e 's,@sbindir@,/usr/sbin,g' "$src/systemd/libreswan_exporter.service.in" > "$W/upstream.service"
keys='^(User|DynamicUser|AmbientCapabilities|CapabilityBoundingSet|SecureBits|NoNewPrivileges|ExecStart|RestrictAddressFamilies|SystemCallFilter|ProtectSystem|InaccessiblePaths|ProcSubset|ProtectProc)='
diff <(grep -E "$keys" "$W/upstream.service") <(grep -E "$keys" "$unit") > "$W/unit.diff" ||
	{ cat "$W/unit.diff"; fail "the packaged unit's sandbox or capabilities differ from upstream's"; }
grep -qx "EnvironmentFile=-/etc/default/$PKG" "$unit" || fail "the unit does not read /etc/default/$PKG"
grep -qx 'Alias=libreswan_exporter.service' "$unit" || fail "no Alias=libreswan_exporter.service"
dpkg-deb -I "$deb" conffiles | grep -qx "/etc/default/$PKG" || fail "/etc/default/$PKG is no conffile"
want_rev=$(cat "$src/.tarball-revision")
got_rev=$("$x/usr/sbin/libreswan_exporter" --once --input.globalstatus /dev/null |
	sed -n 's/^libreswan_exporter_build_info{.*revision="\([^"]*\)".*/\1/p')
[ "$got_rev" = "$want_rev" ] || fail "packaged binary: revision '$got_rev', the tarball recorded '$want_rev'"
ok "contents: $(wc -l <<< "$files") files, all of make install's; unit capabilities and sandbox as upstream ($(grep -E '^(AmbientCapabilities|CapabilityBoundingSet)=' "$unit" | tr '\n' ' ')); build_info revision $got_rev"

# The same package with a higher version: a real upgrade through the maintainer scripts.
dpkg-deb -R "$deb" "$W/v2"
sed -i "s/^Version: .*/Version: $version+upgrade1/" "$W/v2/DEBIAN/control"
dpkg-deb -b "$W/v2" "$W/${PKG}_upgrade.deb" > /dev/null || fail "dpkg-deb -b of the upgrade package"

# --- 4. a fresh Debian 12 root, systemd as PID 1 ----------------------------------------------
step "fresh Debian 12 root"
# shellcheck disable=SC2086
bash "$TOP/tests/matrix/release-root.sh" build bookworm "$ROOT" $MX_PACKAGES_bookworm > "$W/root.log" 2>&1
rc=$?
sed 's/^/  /' "$W/root.log"
[ "$rc" = 77 ] && skip "$(sed -n 's/^SKIP: //p' "$W/root.log")"
[ "$rc" = 0 ] || fail "no Debian 12 root"
chroot "$ROOT" dpkg-query -W "$PKG" > /dev/null 2>&1 && fail "the fresh root already has $PKG"

# Debian's pluto, started by Debian's ipsec.service: one connection loaded, one held up
# (auto=start) towards an address where nobody answers.
cat > "$ROOT/etc/ipsec.conf" <<'EOF'
config setup
	logfile=/var/log/pluto.log

conn site-a
	left=192.0.2.1
	right=192.0.2.2
	authby=secret
	auto=add

conn site-b
	left=192.0.2.1
	right=192.0.2.3
	authby=secret
	auto=start
EOF
echo '192.0.2.1 %any : PSK "package-test-secret-0123456789abcdef"' > "$ROOT/etc/ipsec.secrets"
chmod 600 "$ROOT/etc/ipsec.secrets"
ln -sf /lib/systemd/system/ipsec.service "$ROOT/etc/systemd/system/multi-user.target.wants/ipsec.service"
# the container has one network: loopback with the gateway's address
cat > "$ROOT/etc/systemd/system/lsx-lo.service" <<'EOF'
[Unit]
Description=loopback with the test gateway's address
DefaultDependencies=no
Before=network-online.target ipsec.service
[Service]
Type=oneshot
ExecStart=/sbin/ip link set lo up
ExecStart=/sbin/ip addr replace 192.0.2.1/32 dev lo
[Install]
WantedBy=network-online.target
EOF
mkdir -p "$ROOT/etc/systemd/system/network-online.target.wants"
ln -sf /etc/systemd/system/lsx-lo.service "$ROOT/etc/systemd/system/network-online.target.wants/lsx-lo.service"

step "boot 1: the root before the package (primes systemd's and pluto's own state)"
boot_systemd
for _ in $(seq 100); do in_ns systemctl is-active -q ipsec.service && break; sleep 0.2; done
in_ns systemctl is-active -q ipsec.service || { in_ns systemctl status --no-pager ipsec.service; fail "ipsec.service did not start"; }
stop_systemd
snapshot "$W/before"

step "apt-get install ./$(basename "$deb") in the root"
cp "$deb" "$ROOT/tmp/"
bash "$TOP/tests/matrix/release-root.sh" mounts "$ROOT"
chroot "$ROOT" sh -c "DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/$(basename "$deb")" \
	> "$W/install.log" 2>&1 || { tail -30 "$W/install.log"; fail "apt-get install of the package"; }
grep -E '^(Setting up|Unpacking) ' "$W/install.log" | sed 's/^/  /'
bash "$TOP/tests/matrix/release-root.sh" unmounts "$ROOT"
rm -f "$ROOT/tmp/$(basename "$deb")"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/$PKG.service" ] || fail "the package did not enable $PKG.service"
[ -e "$ROOT/etc/systemd/system/multi-user.target.wants/$PKG.socket" ] && fail "the package enabled the socket unit"
ok "installed with its dependencies; $PKG.service enabled, the socket not"
# the operator's options
sed -i 's/^ARGS=.*/ARGS="--poll.interval=1s --log.level=debug"/' "$ROOT/etc/default/$PKG"

step "boot 2: the installed package under systemd"
boot_systemd
wait_page_up || { in_ns systemctl status --no-pager "$PKG.service" ipsec.service; fail "no libreswan_up 1 from the installed service"; }
service_facts; pid1=$SVC_PID
sed 's/^/  daemon: /' "$W/status"
metric 'libreswan_connection_info{connection="site-a"}' "$W/page" > /dev/null || fail "no series for the loaded connection site-a"
[ "$(metric 'libreswan_connection_expected_up{connection="site-b"}' "$W/page")" = 1 ] || fail "site-b (auto=start) not expected up"
in_ns cat "/proc/$pid1/cmdline" | tr '\0' ' ' | grep -q -- '--poll.interval=1s' || fail "ARGS from /etc/default/$PKG not used"
[ "$(in_ns systemctl show -p Id --value libreswan_exporter.service)" = "$PKG.service" ] || fail "libreswan_exporter.service is not an alias"
in_ns systemctl show -p StatusText -p ActiveState -p UnitFileState "$PKG.service" | sed 's/^/  unit: /'
ok "enabled on install, started at boot: libreswan_up 1 from Debian's pluto, CapEff 0, uid $(awk '/^Uid:/ { print $2 }' "$W/status"), options from /etc/default/$PKG, alias libreswan_exporter.service"

step "upgrade to $version+upgrade1 under the running systemd"
cp "$W/${PKG}_upgrade.deb" "$ROOT/var/tmp/"
in_ns sh -c "DEBIAN_FRONTEND=noninteractive dpkg -i /var/tmp/${PKG}_upgrade.deb" > "$W/upgrade.log" 2>&1 ||
	{ cat "$W/upgrade.log"; fail "dpkg -i of the upgrade"; }
[ "$(in_ns dpkg-query -W -f '${Version}' "$PKG")" = "$version+upgrade1" ] || fail "not upgraded"
wait_page_up || fail "no libreswan_up 1 after the upgrade"
service_facts; pid2=$SVC_PID
[ "$pid2" != "$pid1" ] || fail "the upgrade did not restart the service (main pid still $pid1)"
grep -q '^ARGS="--poll.interval=1s --log.level=debug"$' "$ROOT/etc/default/$PKG" || fail "the upgrade lost the operator's ARGS"
ok "upgrade: service restarted (pid $pid1 -> $pid2), libreswan_up 1, CapEff 0, the operator's /etc/default/$PKG kept"

step "purge and autoremove under the running systemd"
in_ns sh -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $PKG && DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q" \
	> "$W/purge.log" 2>&1 || { cat "$W/purge.log"; fail "purge"; }
grep -E '^(Removing|Purging) ' "$W/purge.log" | sed 's/^/  /'
in_ns systemctl is-active -q "$PKG.service" && fail "the service still runs after purge"
page > /dev/null 2>&1 && fail "something still answers on :10500 after purge"
stop_systemd
rm -f "$ROOT/var/tmp/${PKG}_upgrade.deb"
snapshot "$W/after"
if ! diff "$W/before" "$W/after" > "$W/left.diff"; then
	sed 's/^/  /' "$W/left.diff"
	fail "install, upgrade and purge changed the root's files (above: < gone, > left behind)"
fi
ok "purge: service stopped, and the root has exactly the files it had before the install ($(wc -l < "$W/before") paths compared)"
step "done"
echo PASS
