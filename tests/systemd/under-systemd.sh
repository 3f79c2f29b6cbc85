#!/bin/bash
# SPDX-License-Identifier: MIT
# Needs root (LSX_TEST_REAL_SYSTEMD=0 skips it): boots systemd as PID 1 in private pid,
# mount, net, uts, ipc and cgroup namespaces with a pluto unit, and runs the
# shipped service unmodified but for @sbindir@ and a logging drop-in. Proves
# what the protocol tests cannot: the sandbox (seccomp filter, DynamicUser=,
# SecureBits=, ProtectSystem=strict, ...) lets whack reach pluto, the page
# shows libreswan_up 1, the kernel helper reads the namespace's XFRM state
# (libreswan_kernel_up 1, its policies), the log helper follows pluto's entries
# in this systemd's journal (pluto is a unit logging to syslog, as Debian's
# ipsec.service runs it): libreswan_events_up 1, a connection brought up twice
# and one that times out are counted from the journal, the helper holds
# CAP_DAC_READ_SEARCH alone, the daemon's CapEff is 0, STATUS= reaches systemctl,
# stop is clean, socket activation works, the online security score, and TLS
# with client certificates and basic auth (GnuTLS and the password worker
# thread under the seccomp filter and MemoryDenyWriteExecute=), and systemctl reload
# (ExecReload=: a new certificate, same process, listener and counters).
# systemd creates cgroups in the host's hierarchy; those that did not exist
# before are removed again at the end.
. "$(dirname "$0")/../lib/common.sh"
[ "${LSX_TEST_REAL_SYSTEMD:-1}" = 1 ] || skip "LSX_TEST_REAL_SYSTEMD=0: not booting systemd in namespaces"
need_exporter
need_root
need unshare nsenter curl ipsec timeout openssl python3
work_dir systemd
SYSTEMD=/lib/systemd/systemd
[ -x "$SYSTEMD" ] || skip "no $SYSTEMD"
[ -x /usr/libexec/ipsec/pluto ] || skip "libreswan not installed"
# Private mount namespaces need / to be a mount point; in a chroot into a plain directory it is
# none (`mount --bind DIR DIR` before the chroot makes it one, as containers have it).
unshare --mount --propagation private true 2> /dev/null ||
	skip "/ is not a mount point (a chroot into a plain directory?): systemd cannot boot in private mount namespaces here"

UNITS=$WORK/units
mkdir -p "$UNITS/libreswan_exporter.service.d"
sed -e 's,@sbindir@,/run/lsx-bin,g' "$TOP_SRCDIR/systemd/libreswan_exporter.service.in" \
	> "$UNITS/libreswan_exporter.service"
cp "$TOP_SRCDIR/systemd/libreswan_exporter.socket" "$UNITS/"
cat > "$UNITS/lsx.target" <<'U'
[Unit]
Description=libreswan_exporter test target
Wants=systemd-journald.socket systemd-journald-dev-log.socket lsx-pluto.service lsx-east.service libreswan_exporter.service
U
cat > "$UNITS/lsx-pluto.service" <<'U'
[Unit]
Description=pluto for the libreswan_exporter test
After=systemd-journald.socket
[Service]
ExecStartPre=/run/lsx-bin/pluto-setup west
ExecStart=/usr/libexec/ipsec/pluto --nofork --config /run/lsx/ipsec.conf --nssdir /run/lsx/nss --secretsfile /run/lsx/ipsec.secrets --ipsecdir /run/lsx/ipsec.d
ExecStartPost=/bin/sh -c 'for i in $(seq 50); do [ -S /run/pluto/pluto.ctl ] && break; sleep 0.1; done; /usr/libexec/ipsec/addconn --config /run/lsx/ipsec.conf --autoall; /usr/libexec/ipsec/whack --listen'
U
# the peer: another pluto in a network namespace, logging to its own file (not the journal)
cat > "$UNITS/lsx-east.service" <<'U'
[Unit]
Description=the peer pluto for the libreswan_exporter test
After=lsx-pluto.service
[Service]
ExecStartPre=/run/lsx-bin/pluto-setup east
ExecStart=/usr/sbin/ip netns exec lsx-east /usr/libexec/ipsec/pluto --nofork --config /run/lsx-east/ipsec.conf --rundir /run/lsx-east/run --nssdir /run/lsx-east/nss --secretsfile /run/lsx-east/ipsec.secrets --ipsecdir /run/lsx-east/ipsec.d --logfile /run/lsx-east/pluto.log
ExecStartPost=/bin/sh -c 'for i in $(seq 50); do [ -S /run/lsx-east/run/pluto.ctl ] && break; sleep 0.1; done; ip netns exec lsx-east /usr/libexec/ipsec/addconn --config /run/lsx-east/ipsec.conf --ctlsocket /run/lsx-east/run/pluto.ctl --autoall; /usr/libexec/ipsec/whack --ctlsocket /run/lsx-east/run/pluto.ctl --listen'
StandardOutput=append:/run/lsx/east.stdout
StandardError=append:/run/lsx/east.stdout
U
# pluto-setup west|east: each pluto's files; west also makes the link to east's namespace
cat > "$WORK/pluto-setup" <<'U'
#!/bin/sh
set -e
psk='"under-systemd-test-secret-0123456789"'
conns='conn lab
	authby=secret
	ikev2=yes
	auto=add
	left=192.0.2.1
	right=192.0.2.2
'
if [ "$1" = west ]; then
	d=/run/lsx
	mkdir -p $d/nss $d/ipsec.d
	# pluto logs to syslog, that is to this systemd's journal; silent's peer never answers
	printf 'config setup

%s
conn silent
	authby=secret
	auto=add
	left=192.0.2.1
	right=192.0.2.9
	keyingtries=1
	rekey=no
	retransmit-timeout=3s
' 		"$conns" > $d/ipsec.conf
	ip link set lo up
	ip netns add lsx-east
	ip link add to-east type veth peer name to-west netns lsx-east
	ip addr add 192.0.2.1/24 dev to-east
	ip link set to-east up
	ip xfrm policy add src 10.0.1.0/24 dst 10.0.2.0/24 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 16389 mode tunnel
else
	d=/run/lsx-east
	mkdir -p $d/nss $d/ipsec.d $d/run
	printf 'config setup
	logfile=%s/pluto.log

%s' "$d" "$conns" > $d/ipsec.conf
	ip -n lsx-east link set lo up
	ip -n lsx-east addr add 192.0.2.2/24 dev to-west
	ip -n lsx-east link set to-west up
fi
echo "%any %any : PSK $psk" > $d/ipsec.secrets
ipsec initnss --nssdir $d/nss > /dev/null
U
chmod 755 "$WORK/pluto-setup"
cat > "$UNITS/libreswan_exporter.service.d/test.conf" <<'U'
[Unit]
After=lsx-pluto.service
[Service]
Environment=ARGS="--poll.interval=2s --collector.kernel.helper=/run/lsx-bin/xfrm-helper --collector.events.helper=/run/lsx-bin/plutolog-helper"
StandardOutput=append:/run/lsx/exporter.log
StandardError=append:/run/lsx/exporter.log
U

# PID 1 of the namespaces: private /run, /var/log and unit directory; everything
# the distribution would start is masked, only lsx.target runs.
cat > "$WORK/inner.sh" <<EOF2
#!/bin/sh
set -e
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /etc/systemd/system
mount -t tmpfs tmpfs /var/log
mkdir -p /run/lsx /run/lsx-bin
cp "$EXPORTER" /run/lsx-bin/libreswan_exporter
cp "$(dirname "$EXPORTER")/xfrm-helper" /run/lsx-bin/xfrm-helper
cp "$(dirname "$EXPORTER")/plutolog-helper" /run/lsx-bin/plutolog-helper
cp "$WORK/pluto-setup" /run/lsx-bin/pluto-setup
# journald runs (pluto logs to it); everything else the distribution would start is masked
for f in /lib/systemd/system/*.target.wants/*; do
	case "\${f##*/}" in systemd-journald*) continue ;; esac
	[ -e "\$f" ] && ln -sf /dev/null "/etc/systemd/system/\${f##*/}"
done
for f in systemd-journal-flush.service systemd-journald-audit.socket \
	systemd-udevd.service ipsec.service cron.service ssh.service networking.service \
	systemd-networkd.service systemd-resolved.service systemd-logind.service dbus.service dbus.socket \
	console-getty.service getty@.service systemd-timesyncd.service systemd-remount-fs.service \
	systemd-tmpfiles-setup.service systemd-tmpfiles-clean.timer smartd.service e2scrub_reap.service; do
	ln -sf /dev/null "/etc/systemd/system/\$f"
done
cp -r "$UNITS"/* /etc/systemd/system/
export container=lsx-test
exec $SYSTEMD --system --unit=lsx.target --show-status=no
EOF2
chmod 755 "$WORK/inner.sh"

# cgroups that exist now are left alone at the end.
PRE=$(ls -d /sys/fs/cgroup/*/init.scope /sys/fs/cgroup/*/system.slice 2>/dev/null)
UPID= S=
stop_systemd() {
	if [ -n "$S" ]; then
		kill -9 "$S" 2>/dev/null	# PID 1 of the namespace: the kernel kills the rest
		poll_until 5 eval '! kill -0 "$S" 2>/dev/null'
	fi
	[ -n "$UPID" ] && wait "$UPID" 2>/dev/null
	for d in /sys/fs/cgroup/*/init.scope /sys/fs/cgroup/*/system.slice; do
		[ -d "$d" ] || continue
		case "$PRE" in *"$d"*) continue ;; esac
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}
at_exit stop_systemd
# Commands in systemd's namespaces and under its root directory (-r -w), which is this script's:
# entering a mount namespace alone moves to the namespace's own root, outside any chroot this
# script runs in, where no systemd runs ("System has not been booted with systemd").
in_ns() { timeout 20 nsenter -t "$S" -a -r -w "$@"; }

unshare --pid --fork --mount --uts --ipc --net --cgroup --propagation private --mount-proc \
	"$WORK/inner.sh" > "$WORK/console" 2>&1 &
UPID=$!
# systemd_pid: S, the pid of the namespaces' systemd (the child of unshare)
systemd_pid() {
	S=$(cat /proc/$UPID/task/$UPID/children 2>/dev/null | awk '{print $1}')
	[ -n "$S" ]
}
poll_until 5 systemd_pid || { cat "$WORK/console"; fail "systemd did not start"; }
# started: systemd has finished starting up (state in $state)
started() {
	state=$(in_ns systemctl is-system-running 2>/dev/null)
	case "$state" in running | degraded) ;; *) return 1 ;; esac
}
poll_until 20 started
echo "systemd (pid $S on the host): $state"

# page_up: the service's page (in $WORK/page) shows libreswan_up 1, within 10 s
page_up() { poll_until 10 page_is_up; }
page_is_up() {
	in_ns curl -s -m 2 http://127.0.0.1:10500/metrics > "$WORK/page" 2>/dev/null &&
		[ "$(metric libreswan_up "$WORK/page")" = 1 ]
}
page_up || { in_ns systemctl status --no-pager libreswan_exporter.service; in_ns cat /run/lsx/exporter.log; fail "no libreswan_up 1 under systemd"; }
P=$(in_ns systemctl show -p MainPID --value libreswan_exporter.service)
in_ns grep -E '^(Uid|CapEff|CapPrm|CapAmb|CapBnd|NoNewPrivs|Seccomp):' /proc/$P/status > "$WORK/status"
sed 's/^/daemon: /' "$WORK/status"
grep -q '^CapEff:[[:space:]]*0000000000000000$' "$WORK/status" || fail "effective capabilities under systemd"
grep -q '^Uid:[[:space:]]*0[[:space:]]' "$WORK/status" && fail "the daemon runs as root"
grep -q '^Seccomp:[[:space:]]*2$' "$WORK/status" || fail "no seccomp filter"
in_ns systemctl show -p StatusText -p WatchdogUSec -p NRestarts libreswan_exporter.service | sed 's/^/unit: /'
in_ns systemctl show -p StatusText --value libreswan_exporter.service | grep -q 'connections' ||
	fail "no STATUS= from the poll cycle"
[ "$(metric libreswan_kernel_up "$WORK/page")" = 1 ] || { grep kernel "$WORK/page"; in_ns cat /run/lsx/exporter.log; fail "no libreswan_kernel_up 1 under systemd"; }
[ "$(metric 'libreswan_kernel_policies{direction="out"}' "$WORK/page")" -ge 1 ] 2>/dev/null ||
	{ grep '^libreswan_kernel' "$WORK/page"; in_ns ip xfrm policy; fail "the namespace's policies not seen"; }
echo "service: libreswan_up 1, libreswan_kernel_up 1, CapEff 0"

# Pluto's entries in this systemd's journal, followed by the log helper under the unit's sandbox.
# scraped SELECTOR VALUE: the page (in $WORK/page) shows SELECTOR at VALUE
scraped() {
	in_ns curl -s -m 2 http://127.0.0.1:10500/metrics > "$WORK/page" 2>/dev/null &&
		[ "$(metric "$1" "$WORK/page")" = "$2" ]
}
events_fail() {
	grep -E '^libreswan_(events|connection_(sa_established|failures))' "$WORK/page"
	in_ns cat /run/lsx/exporter.log; in_ns journalctl --no-pager -q -n 30; fail "$1"
}
poll_until 10 scraped libreswan_events_up 1 || events_fail "no libreswan_events_up 1 under systemd (pluto's journal)"
in_ns grep -q 'events collector: following journal' /run/lsx/exporter.log || events_fail "not following the journal"
H=$(in_ns sh -c 'for t in /proc/[0-9]*; do [ "$(cat $t/comm 2>/dev/null)" = plutolog-helper ] && echo ${t#/proc/}; done' | head -1)
[ -n "$H" ] || events_fail "no log helper process"
in_ns grep -E '^(PPid|Uid|CapEff|CapPrm|CapAmb):' /proc/$H/status > "$WORK/helper-status"
sed 's/^/log helper: /' "$WORK/helper-status"
grep -q "^PPid:[[:space:]]*$P$" "$WORK/helper-status" || fail "the log helper is not the daemon's child"
grep -q '^CapEff:[[:space:]]*0000000000000004$' "$WORK/helper-status" ||
	fail "the log helper does not hold exactly CAP_DAC_READ_SEARCH"
# lab up (its IKE SA: this kernel may refuse the Child SA), down, up again; silent times out
lab='libreswan_connection_sa_established_total{connection="lab",sa="ike",how="new"}'
in_ns /usr/libexec/ipsec/whack --name lab --initiate --asynchronous > /dev/null
poll_until 20 scraped "$lab" 1 || events_fail "lab's IKE SA not counted from the journal"
in_ns /usr/libexec/ipsec/whack --name lab --terminate > /dev/null
in_ns /usr/libexec/ipsec/whack --name lab --initiate --asynchronous > /dev/null
poll_until 20 scraped "$lab" 2 || events_fail "lab's second IKE SA not counted"
in_ns /usr/libexec/ipsec/whack --name silent --initiate --asynchronous > /dev/null
poll_until 30 scraped 'libreswan_connection_failures_total{connection="silent",sa="ike",reason="timeout"}' 1 ||
	events_fail "silent's timeout not counted"
scraped libreswan_events_unrecognised_total 0 || events_fail "pluto's messages in words the classifier does not know"
echo "events: libreswan_events_up 1 from the journal ($(in_ns journalctl --no-pager -q -t pluto | wc -l) entries of pluto's," \
	"$(metric libreswan_events_messages_total "$WORK/page") read since the exporter started): lab up twice (ike new 2)," \
	"silent ike timeout 1, 0 unrecognised"

score=$(in_ns systemd-analyze security libreswan_exporter.service 2>/dev/null |
	sed -n 's/.*Overall exposure level for libreswan_exporter.service: \([0-9.]*\).*/\1/p')
echo "security (online): $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 2.0) }' || fail "exposure $score above 2.0"

t0=$(date +%s%N)
in_ns systemctl stop libreswan_exporter.service
t1=$(date +%s%N)
result=$(in_ns systemctl show -p Result --value libreswan_exporter.service)
echo "stop: $(( (t1 - t0) / 1000000 )) ms, result $result"
[ "$result" = success ] || fail "stop result $result"
[ $(( (t1 - t0) / 1000000 )) -lt 2000 ] || fail "stop took too long"

# Socket activation, configured as doc/libreswan_exporter.8 says (here a drop-in).
in_ns sh -c 'printf "[Service]\nEnvironment=\"ARGS=--web.systemd-socket --collector.kernel.helper=/run/lsx-bin/xfrm-helper --collector.events.helper=/run/lsx-bin/plutolog-helper\"\n" \
	> /etc/systemd/system/libreswan_exporter.service.d/zz-socket.conf && systemctl daemon-reload &&
	systemctl start libreswan_exporter.socket'
page_up || { in_ns systemctl status --no-pager libreswan_exporter.service; in_ns cat /run/lsx/exporter.log; fail "no page through socket activation"; }
in_ns grep -q 'socket passed by systemd' /run/lsx/exporter.log || fail "the daemon did not use the passed socket"
echo "socket activation: libreswan_up 1 on the socket passed by systemd"

# TLS with a client certificate required and basic auth, under the same sandbox: GnuTLS
# (handshakes, certificate verification) and the password worker thread (clone3, bcrypt)
# must work under SystemCallFilter=, MemoryDenyWriteExecute= and the rest.
TLS=$WORK/tls
pki "$TLS"
hash=$(bcrypt s3cret 10) || fail "no bcrypt hash from python3's crypt"
cat > "$TLS/web.yml" <<Y
tls_server_config:
  cert_file: /run/lsx/tls/server.crt
  key_file: /run/lsx/tls/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: /run/lsx/tls/ca.crt
basic_auth_users:
  prometheus: '$hash'
Y
in_ns sh -c "systemctl stop libreswan_exporter.socket libreswan_exporter.service &&
	rm -f /etc/systemd/system/libreswan_exporter.service.d/zz-socket.conf && : > /run/lsx/exporter.log &&
	mkdir -p /run/lsx/tls && cp '$TLS/ca.crt' '$TLS/server.crt' '$TLS/server.key' '$TLS/web.yml' /run/lsx/tls/ &&
	chmod 0755 /run/lsx/tls && chmod 0644 /run/lsx/tls/* &&
	printf '[Service]\nEnvironment=\"ARGS=--poll.interval=2s --collector.kernel.helper=/run/lsx-bin/xfrm-helper --collector.events.helper=/run/lsx-bin/plutolog-helper --web.config.file=/run/lsx/tls/web.yml\"\n' \
		> /etc/systemd/system/libreswan_exporter.service.d/zz-tls.conf &&
	systemctl daemon-reload && systemctl start libreswan_exporter.service" || fail "restart with TLS"
tls_code() { in_ns curl -s -m 5 -o "$WORK/tls-page" -w '%{http_code}' --cacert "$TLS/ca.crt" "$@" https://127.0.0.1:10500/metrics; }
# tls_page_up: with the client certificate and the password, the page shows libreswan_up 1
tls_page_up() {
	[ "$(tls_code --cert "$TLS/client.crt" --key "$TLS/client.key" -u prometheus:s3cret)" = 200 ] &&
		[ "$(metric libreswan_up "$WORK/tls-page")" = 1 ]
}
poll_until 10 tls_page_up ||
	{ in_ns systemctl status --no-pager libreswan_exporter.service; in_ns cat /run/lsx/exporter.log; fail "no page over TLS under systemd"; }
in_ns grep -q 'web configuration: TLS, basic auth' /run/lsx/exporter.log || fail "the TLS configuration was not used"
c=$(tls_code --cert "$TLS/client.crt" --key "$TLS/client.key" -u prometheus:wrong)
[ "$c" = 401 ] || fail "TLS, valid certificate, wrong password: $c"
c1=$(tls_code -u prometheus:s3cret)
[ "$c1" = 403 ] || [ "$c1" = 000 ] || fail "TLS without a client certificate: $c1"
c2=$(tls_code --cert "$TLS/self.crt" --key "$TLS/self.key" -u prometheus:s3cret)
[ "$c2" = 403 ] || [ "$c2" = 000 ] || fail "TLS with a certificate from no known CA: $c2"
c=$(in_ns curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:10500/metrics)
[ "$c" = 000 ] || fail "plain HTTP answered on the TLS listener: $c"
P=$(in_ns systemctl show -p MainPID --value libreswan_exporter.service)
in_ns grep -E '^(Threads|Seccomp):' /proc/$P/status > "$WORK/tls-status"
# the worker asks for nice 10 (setpriority, in @resources, which the unit refuses): shown, not required
nices=$(in_ns sh -c "for t in /proc/$P/task/*; do cut -d' ' -f19 \$t/stat; done" | tr '\n' ' ')
grep -q '^Seccomp:[[:space:]]*2$' "$WORK/tls-status" || fail "no seccomp filter on the TLS daemon"
# the loop and the password worker; a cycle's render thread may be there too
grep -qE '^Threads:[[:space:]]*[23]$' "$WORK/tls-status" || fail "no password worker thread: $(cat "$WORK/tls-status")"
in_ns systemctl show -p MemoryDenyWriteExecute -p SystemCallFilter libreswan_exporter.service |
	grep -q '^MemoryDenyWriteExecute=yes$' || fail "MemoryDenyWriteExecute= not in effect"

# systemctl reload (ExecReload=, SIGHUP): a new certificate for new handshakes, the same process,
# listening socket and counters; a broken file is refused with the configuration in use kept.
(
	cd "$TLS" &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1/O=reloaded" -keyout new.key -out new.csr &&
	openssl x509 -req -in new.csr -CA ca.crt -CAkey ca.key -set_serial 9 -days 2 -extfile san.ext -out new.crt
) >> "$TLS/openssl.log" 2>&1 || { cat "$TLS/openssl.log"; fail "openssl (reload)"; }
subject() { in_ns curl -sv -m 5 -o /dev/null --cacert "$TLS/ca.crt" --cert "$TLS/client.crt" --key "$TLS/client.key" \
	-u prometheus:s3cret https://127.0.0.1:10500/metrics 2>&1 | sed -n 's/.*subject: //p'; }
unauth() { tls_code --cert "$TLS/client.crt" --key "$TLS/client.key" -u prometheus:s3cret > /dev/null
	awk '/rejected_total.reason="unauthorized"/ { print $NF }' "$WORK/tls-page"; }
listen_inode() { in_ns cat /proc/net/tcp /proc/net/tcp6 | awk '$2 ~ /:2904$/ && $4 == "0A" { print $10 }'; }
# the 401 above is on the page from the next poll cycle on (2 s)
for _ in $(seq 30); do before_unauth=$(unauth); [ "${before_unauth:-0}" -ge 1 ] && break; sleep 0.2; done
[ "${before_unauth:-0}" -ge 1 ] || fail "the 401 is not counted on the page"
before_subject=$(subject) before_inode=$(listen_inode)
case $before_subject in *reloaded*) fail "the new certificate before the reload" ;; esac
in_ns sh -c "cp '$TLS/new.crt' /run/lsx/tls/server.crt && cp '$TLS/new.key' /run/lsx/tls/server.key &&
	chmod 0644 /run/lsx/tls/server.crt /run/lsx/tls/server.key" || fail "new certificate"
in_ns systemctl reload libreswan_exporter.service || fail "systemctl reload"
for _ in $(seq 50); do in_ns grep -q 'SIGHUP: web configuration reloaded' /run/lsx/exporter.log && break; sleep 0.1; done
in_ns grep -q 'SIGHUP: web configuration reloaded' /run/lsx/exporter.log ||
	{ in_ns cat /run/lsx/exporter.log; fail "no reload after systemctl reload"; }
after_subject=$(subject) after_inode=$(listen_inode)
case $after_subject in *reloaded*) ;; *) fail "new handshakes after the reload: $after_subject" ;; esac
[ "$(in_ns systemctl show -p MainPID --value libreswan_exporter.service)" = "$P" ] || fail "a new process after reload"
[ "$(in_ns systemctl show -p NRestarts --value libreswan_exporter.service)" = 0 ] || fail "restarted on reload"
[ -n "$before_inode" ] && [ "$before_inode" = "$after_inode" ] || fail "the listening socket: $before_inode -> $after_inode"
after_unauth=$(unauth)
[ "${after_unauth:-0}" -ge "${before_unauth:-1}" ] || fail "counters reset by the reload: $before_unauth -> $after_unauth"
in_ns sh -c "sed -i 's,server.crt,missing.crt,' /run/lsx/tls/web.yml && systemctl reload libreswan_exporter.service" ||
	fail "systemctl reload (broken file)"
for _ in $(seq 50); do in_ns grep -q 'the one in use is kept' /run/lsx/exporter.log && break; sleep 0.1; done
in_ns grep -q 'the one in use is kept' /run/lsx/exporter.log || { in_ns cat /run/lsx/exporter.log; fail "a broken file on reload"; }
case $(subject) in *reloaded*) ;; *) fail "the configuration in use after a broken reload" ;; esac
[ "$(in_ns systemctl is-active libreswan_exporter.service)" = active ] || fail "not active after a broken reload"
echo "systemctl reload: new certificate ($after_subject) for new handshakes, same pid $P and listening socket"
echo "  (inode $after_inode), rejected_total{unauthorized} $before_unauth -> $after_unauth; a broken file refused, kept"
in_ns systemctl stop libreswan_exporter.service
result=$(in_ns systemctl show -p Result --value libreswan_exporter.service)
[ "$result" = success ] || fail "stop result with TLS: $result"
echo "TLS under the sandbox: client certificate + basic auth 200 (libreswan_up 1), wrong password 401,"
echo "  no client certificate $c1, unknown one $c2, plain HTTP refused, worker thread running (nice of"
echo "  each thread: $nices), clean stop"
echo PASS
