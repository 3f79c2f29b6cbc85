# scenario: an exporter without the privilege to reach pluto's root-only control socket
# Runs as nobody: libreswan_up 0, failures counted as reason="permission", not as not_running.
user=nobody; group=nogroup
getent group "$group" > /dev/null || group=$(id -gn nobody 2>/dev/null || echo 65534)
command -v setpriv > /dev/null || skip "no setpriv"
LSX_EXPORTER_WRAP=(setpriv --reuid="$user" --regid="$group" --clear-groups)
# the binary must be reachable by nobody: use a world-readable copy when it is not
if ! "${LSX_EXPORTER_WRAP[@]}" test -x "$EXPORTER"; then
	mkdir -p "$WORK/bin"; chmod 0755 "$WORK/bin"
	cp "$EXPORTER" "$WORK/bin/"; chmod 0755 "$WORK/bin/$(basename "$EXPORTER")"
	EXPORTER=$WORK/bin/$(basename "$EXPORTER")
fi
lsx_pair 0
lsx_conn_host host
lsx_pluto_start west
lsx_pluto_start east
lsx_note "control socket: $(stat -c '%A %U' "$(lsx_ctl west)")"
lsx_exporter_start e west

lsx_expect "exporter runs as $user" eval '[ "$(ps -o user= -p "$(lsx_exporter_pid e)")" = "$user" ]'
lsx_expect_metric e libreswan_up == 0
lsx_expect_metric e 'libreswan_poll_errors_total{command="status",reason="permission"}' '>' 0
lsx_expect_metric_now e 'libreswan_poll_errors_total{command="status",reason="not_running"}' == 0
lsx_expect_metric_now e 'libreswan_poll_success{command="status"}' == 0
lsx_expect "exporter alive" lsx_exporter_alive e
