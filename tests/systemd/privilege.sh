#!/bin/sh
# SPDX-License-Identifier: MIT
# Least privilege against a real pluto (doc/privilege.md). Pluto runs in a
# network namespace of our own with its control socket `srwx------ root` and its
# log file in a 0700 directory. The daemon runs as an unprivileged uid with
# CAP_DAC_OVERRIDE, CAP_NET_ADMIN and CAP_DAC_READ_SEARCH only in the inheritable
# and ambient sets, bounding set reduced to them and no_new_privs, as the unit
# does, under a read-only bind of the run directory (ProtectSystem=strict). It
# proves:
#  - whack reaches pluto (libreswan_up 1), the kernel helper reads XFRM
#    (libreswan_kernel_up 1) and the log helper follows pluto's root-only log
#    (libreswan_events_up 1, pluto's new messages counted), each child holding
#    only its own capability: whack CapEff 0000000000000002 (DAC_OVERRIDE), the
#    kernel helper 0000000000001000 (NET_ADMIN), the log helper
#    0000000000000004 (DAC_READ_SEARCH);
#  - the daemon itself holds nothing effective and nothing ambient: CapEff and
#    CapAmb 0000000000000000, the three only permitted (CapPrm 0000000000001006);
#  - without CAP_DAC_OVERRIDE the same set-up fails (libreswan_up 0), so the
#    capability, not some other path, is what opens the socket; without
#    CAP_NET_ADMIN the kernel read is refused (libreswan_kernel_up 0,
#    reason="permission") and pluto's side of the page still works; without
#    CAP_DAC_READ_SEARCH the log is refused (libreswan_events_up 0, said once)
#    and the rest of the page still works;
#  - run as root by hand, the daemon also ends with empty effective and
#    ambient sets, and its children get only their own capability.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need_root "network namespace, pluto, setpriv"
need ip setpriv unshare mount curl ipsec
work_dir systemd
PLUTO=/usr/libexec/ipsec/pluto
ADDCONN=/usr/libexec/ipsec/addconn
WHACK=/usr/libexec/ipsec/whack
[ -x "$PLUTO" ] && [ -x "$ADDCONN" ] && [ -x "$WHACK" ] || skip "libreswan (pluto, addconn, whack) not installed"
IPSEC=$(command -v ipsec)

NS=lsx-priv-$$
XUID=61234	# unused, like the uids DynamicUser= allocates
PLUTO_PID=
stop_pluto() {
	if [ -n "$PLUTO_PID" ]; then kill "$PLUTO_PID" 2>/dev/null && wait "$PLUTO_PID" 2>/dev/null; fi
	ip netns del "$NS" 2>/dev/null
}
at_exit stop_pluto

ip netns add "$NS" || skip "cannot create a network namespace"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 192.0.2.1/32 dev lo

D=$WORK/pluto
mkdir -p "$D/run" "$D/nss" "$D/ipsec.d"
chmod 0700 "$WORK" "$D" "$D/run"
printf 'config setup\n\tlogfile=%s/pluto.log\n\tdumpdir=%s\n\nconn lab\n\tauthby=secret\n\tikev2=yes\n\tauto=add\n\tleft=192.0.2.1\n\tright=192.0.2.2\n' \
	"$D" "$D" > "$D/ipsec.conf"
echo '192.0.2.1 192.0.2.2 : PSK "privilege-test-secret-0123456789abcdef"' > "$D/ipsec.secrets"
ipsec initnss --nssdir "$D/nss" >/dev/null 2>&1 || skip "ipsec initnss failed"
ip netns exec "$NS" "$PLUTO" --nofork --config "$D/ipsec.conf" --rundir "$D/run" --nssdir "$D/nss" \
	--secretsfile "$D/ipsec.secrets" --ipsecdir "$D/ipsec.d" --logfile "$D/pluto.log" &
PLUTO_PID=$!
poll_until 10 test -S "$D/run/pluto.ctl" || { cat "$D/pluto.log"; fail "pluto did not create its control socket"; }
ip netns exec "$NS" "$ADDCONN" --config "$D/ipsec.conf" --ctlsocket "$D/run/pluto.ctl" --autoall >/dev/null 2>&1
ip netns exec "$NS" "$WHACK" --ctlsocket "$D/run/pluto.ctl" --listen >/dev/null 2>&1
echo "pluto: $(ls -l "$D/run/pluto.ctl")"

# Front ends that record the capabilities each child runs with, then exec the real program
# (shell scripts: the ambient set survives into them and on through their exec).
CAPS=$WORK/caps
mkdir -p "$CAPS"; chmod 1777 "$CAPS"; chmod 0711 "$WORK"
# The daemon and the helper run from a copy in a world-traversable directory: the uid below
# (and a child holding only CAP_NET_ADMIN) cannot search a build tree in a 0700 home directory
# such as /root, where `git clone` puts it on a fresh server.
HELPER=${KERNEL_HELPER:-$TOP_BUILDDIR/src/xfrm-helper}
[ -x "$HELPER" ] || fail "no kernel helper at $HELPER"
LOGHELPER=${EVENTS_HELPER:-$TOP_BUILDDIR/src/plutolog-helper}
[ -x "$LOGHELPER" ] || fail "no log helper at $LOGHELPER"
mkdir -p "$WORK/bin"
cp "$HELPER" "$WORK/bin/xfrm-helper" && cp "$LOGHELPER" "$WORK/bin/plutolog-helper" &&
	cp "$EXPORTER" "$WORK/bin/libreswan_exporter" || fail "copying the binaries"
chmod 0755 "$WORK/bin" "$WORK/bin/xfrm-helper" "$WORK/bin/plutolog-helper" "$WORK/bin/libreswan_exporter"
HELPER=$WORK/bin/xfrm-helper LOGHELPER=$WORK/bin/plutolog-helper EXPORTER=$WORK/bin/libreswan_exporter
cat > "$CAPS/ipsec" <<FRONT
#!/bin/sh
grep '^CapEff:' /proc/self/status > $CAPS/whack.eff
exec $IPSEC "\$@"
FRONT
cat > "$CAPS/helper" <<FRONT
#!/bin/sh
grep '^CapEff:' /proc/self/status > $CAPS/helper.eff
exec $HELPER "\$@"
FRONT
cat > "$CAPS/loghelper" <<FRONT
#!/bin/sh
grep '^CapEff:' /proc/self/status > $CAPS/loghelper.eff
exec $LOGHELPER "\$@"
FRONT
chmod 755 "$CAPS/ipsec" "$CAPS/helper" "$CAPS/loghelper"
CTL="--ipsec.command=$CAPS/ipsec --ipsec.ctlsocket=$D/run/pluto.ctl --collector.kernel.helper=$CAPS/helper
	--collector.events.helper=$CAPS/loghelper --events.log-file=$D/pluto.log"
# As the unit: unprivileged uid, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_NET_ADMIN
# inheritable + ambient only, bounding set reduced to them, no_new_privs; the run directory
# read-only. Word lists, not functions, so that `$AS_SERVICE daemon &` execs all the way down
# and $! is the daemon's pid.
cat > "$WORK/ro-run" <<'RO'
#!/bin/sh
# Bind $1 read-only onto itself (in a private mount namespace), then exec the rest.
mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 99
shift
exec "$@"
RO
chmod 755 "$WORK/ro-run"
CAPS_ONLY="--inh-caps=-all,+dac_override,+dac_read_search,+net_admin
	--ambient-caps=-all,+dac_override,+dac_read_search,+net_admin
	--bounding-set=-all,+dac_override,+dac_read_search,+net_admin"
CAPS_SERVICE="$CAPS_ONLY --securebits=+no_setuid_fixup,+no_setuid_fixup_locked"
# The unit without CAP_NET_ADMIN: the kernel collector is refused, the rest works.
CAPS_NO_NET_ADMIN="--inh-caps=-all,+dac_override,+dac_read_search --ambient-caps=-all,+dac_override,+dac_read_search
	--bounding-set=-all,+dac_override,+dac_read_search --securebits=+no_setuid_fixup,+no_setuid_fixup_locked"
# The unit without CAP_DAC_READ_SEARCH: the events collector is refused, the rest works.
CAPS_NO_LOG="--inh-caps=-all,+dac_override,+net_admin --ambient-caps=-all,+dac_override,+net_admin
	--bounding-set=-all,+dac_override,+net_admin --securebits=+no_setuid_fixup,+no_setuid_fixup_locked"
AS_SERVICE="ip netns exec $NS unshare --mount --propagation private $WORK/ro-run $D/run
	setpriv --reuid=$XUID --regid=$XUID --clear-groups $CAPS_SERVICE --no-new-privs"
AS_ROOT="ip netns exec $NS"
# The same uid without any capability.
AS_NOBODY="ip netns exec $NS setpriv --reuid=$XUID --regid=$XUID --clear-groups
	--inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs"
# The capability without the securebit: whack's access() check ignores it.
AS_NOBIT="ip netns exec $NS setpriv --reuid=$XUID --regid=$XUID --clear-groups $CAPS_ONLY --no-new-privs"
AS_NO_NET_ADMIN="ip netns exec $NS setpriv --reuid=$XUID --regid=$XUID --clear-groups $CAPS_NO_NET_ADMIN --no-new-privs"
AS_NO_LOG="ip netns exec $NS setpriv --reuid=$XUID --regid=$XUID --clear-groups $CAPS_NO_LOG --no-new-privs"

# page_polled: the daemon's page (in $WORK/page) shows a completed poll cycle
page_polled() {
	ip netns exec "$NS" curl -fsS "http://127.0.0.1:$PORT/metrics" > "$WORK/page" 2>/dev/null &&
		metric libreswan_last_poll_timestamp_seconds "$WORK/page" > /dev/null
}
# events_up: a page with libreswan_events_up 1; messages_above N: one with more of pluto's
# messages read than N
events_up() { page_polled && [ "$(metric libreswan_events_up "$WORK/page")" = 1 ]; }
messages_above() { page_polled && [ "$(metric libreswan_events_messages_total "$WORK/page")" -gt "${1:-0}" ]; }

# Start the daemon in the background ($1 = label, $2 = how to run it), wait for a
# page with a completed poll cycle, check its capabilities.
check_daemon() {
	label=$1 wrapper=$2
	rm -f "$CAPS"/*.eff
	exporter_run "$WORK/stderr" $wrapper "$EXPORTER" $CTL --web.listen-address=127.0.0.1:0
	DAEMON_PID=$EXPORTER_PID
	poll_until 10 page_polled || { cat "$WORK/stderr"; fail "$label: no page with a completed poll"; }
	comm=$(cat /proc/$DAEMON_PID/comm)
	[ "$comm" = libreswan_expor ] || fail "$label: pid $DAEMON_PID is $comm, not the daemon"
	grep -E '^(Uid|Cap(Eff|Prm|Inh|Amb|Bnd)):' /proc/$DAEMON_PID/status | sed "s/^/$label: /"
	grep -q '^CapEff:[[:space:]]*0000000000000000$' /proc/$DAEMON_PID/status ||
		fail "$label: the daemon holds effective capabilities"
	grep -q '^CapAmb:[[:space:]]*0000000000000000$' /proc/$DAEMON_PID/status ||
		fail "$label: the daemon holds ambient capabilities"
	grep -q '^CapPrm:[[:space:]]*0000000000001006$' /proc/$DAEMON_PID/status ||
		fail "$label: the daemon does not keep exactly CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_NET_ADMIN permitted"
	[ "$(metric libreswan_up "$WORK/page")" = 1 ] || { cat "$WORK/page" "$WORK/stderr"; fail "$label: libreswan_up is not 1"; }
	[ "$(metric libreswan_connections_loaded "$WORK/page")" = 1 ] || fail "$label: pluto's connection not seen"
	[ "$(metric libreswan_kernel_up "$WORK/page")" = 1 ] || { cat "$WORK/stderr"; fail "$label: libreswan_kernel_up is not 1"; }
	metric 'libreswan_kernel_policies{direction="out"}' "$WORK/page" > /dev/null || fail "$label: the namespace's SPD not read"
	# the log helper follows pluto's root-only log: what pluto writes from now on is counted
	poll_until 10 events_up || { cat "$WORK/stderr"; fail "$label: libreswan_events_up is not 1"; }
	before=$(metric libreswan_events_messages_total "$WORK/page")
	ip netns exec "$NS" "$WHACK" --ctlsocket "$D/run/pluto.ctl" --listen >/dev/null 2>&1
	poll_until 10 messages_above "$before" || fail "$label: pluto's new messages not read (${before:-none} before)"
	echo "$label: libreswan_events_up 1, pluto's messages read $before -> $(metric libreswan_events_messages_total "$WORK/page")"
	echo "$label: whack $(cat "$CAPS/whack.eff"), kernel helper $(cat "$CAPS/helper.eff"), log helper $(cat "$CAPS/loghelper.eff")"
	grep -q '^CapEff:[[:space:]]*0000000000000002$' "$CAPS/whack.eff" ||
		fail "$label: whack does not run with exactly CAP_DAC_OVERRIDE"
	grep -q '^CapEff:[[:space:]]*0000000000001000$' "$CAPS/helper.eff" ||
		fail "$label: the kernel helper does not run with exactly CAP_NET_ADMIN"
	grep -q '^CapEff:[[:space:]]*0000000000000004$' "$CAPS/loghelper.eff" ||
		fail "$label: the log helper does not run with exactly CAP_DAC_READ_SEARCH"
	grep 'msg="running as' "$WORK/stderr" | sed "s/^/$label: /"
	echo "$label: libreswan_up 1, libreswan_kernel_up 1, libreswan_events_up 1, daemon CapEff and CapAmb 0000000000000000"
	exporter_stop
	[ "$EXPORTER_STATUS" = 0 ] || fail "$label: exit status $EXPORTER_STATUS after SIGTERM"
}

check_daemon service "$AS_SERVICE"
check_daemon root "$AS_ROOT"

# Controls, same uid: whack is refused and the page says so
#  - without any capability;
#  - with the capability but without SECBIT_NO_SETUID_FIXUP (and the daemon warns).
control() {
	label=$1 wrapper=$2
	$wrapper "$EXPORTER" $CTL --once > "$WORK/page" 2>"$WORK/stderr" && fail "$label: whack reached pluto"
	[ "$(metric libreswan_up "$WORK/page")" = 0 ] || fail "$label: libreswan_up is not 0"
	grep '^libreswan_poll_errors_total{command="status"' "$WORK/page" | grep -v ' 0$' | sed "s/^/$label: /"
	echo "$label: libreswan_up 0"
}
control "control without CAP_DAC_OVERRIDE" "$AS_NOBODY"
control "control without the securebit" "$AS_NOBIT"

# Without CAP_NET_ADMIN: the kernel read is refused and said so, pluto's side still works.
label="control without CAP_NET_ADMIN"
$AS_NO_NET_ADMIN "$EXPORTER" $CTL --once > "$WORK/page" 2>"$WORK/stderr" || fail "$label: whack failed"
[ "$(metric libreswan_up "$WORK/page")" = 1 ] || fail "$label: libreswan_up is not 1"
[ "$(metric libreswan_kernel_up "$WORK/page")" = 0 ] || fail "$label: libreswan_kernel_up is not 0"
[ "$(metric 'libreswan_kernel_read_errors_total{reason="permission"}' "$WORK/page")" = 1 ] ||
	{ grep kernel "$WORK/page"; fail "$label: not counted as permission"; }
grep -q 'not permitted to read XFRM' "$WORK/stderr" || fail "$label: the reason is not logged"
echo "$label: libreswan_up 1, libreswan_kernel_up 0, reason=permission"

# Without CAP_DAC_READ_SEARCH: the log helper cannot read pluto's log, says so and is retried;
# the rest of the page works.
label="control without CAP_DAC_READ_SEARCH"
exporter_run "$WORK/stderr" $AS_NO_LOG "$EXPORTER" $CTL --web.listen-address=127.0.0.1:0
poll_until 10 page_polled || { cat "$WORK/stderr"; fail "$label: no page"; }
poll_until 10 grep -q 'not permitted to read pluto' "$WORK/stderr" || { cat "$WORK/stderr"; fail "$label: the reason is not logged"; }
page_polled || fail "$label: no page"
[ "$(metric libreswan_events_up "$WORK/page")" = 0 ] || fail "$label: libreswan_events_up is not 0"
[ "$(metric libreswan_up "$WORK/page")" = 1 ] || fail "$label: libreswan_up is not 1"
[ "$(metric libreswan_kernel_up "$WORK/page")" = 1 ] || fail "$label: libreswan_kernel_up is not 1"
exporter_stop
echo "$label: libreswan_events_up 0 (logged: not permitted), libreswan_up 1, libreswan_kernel_up 1"
echo PASS
