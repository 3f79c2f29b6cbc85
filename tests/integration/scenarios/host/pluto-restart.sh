# scenario: pluto stopped mid-run (shutdown, then killed) and restarted under a running exporter
# libreswan_up follows pluto, the failures are counted as not_running, the exporter survives,
# and no exporter-owned counter decreases across the restarts.
lsx_pair 0
lsx_conn_host host
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start e west
lsx_initiate west host
lsx_expect_metric e 'libreswan_connection_ike_sas_established{connection="host"}' == 1
before=$WORK/page-before; cp "$(lsx_page e)" "$before"

lsx_note "pluto west: whack --shutdown"
lsx_pluto_stop west
lsx_expect_metric e libreswan_up == 0 10
lsx_expect_metric e 'libreswan_poll_errors_total{command="status",reason="not_running"}' '>' 0 10
lsx_expect_metric_now e 'libreswan_poll_success{command="status"}' == 0
lsx_expect "the page still answers 200 while pluto is down" lsx_scrape e /dev/null
lsx_expect "exporter alive" lsx_exporter_alive e

lsx_note "pluto west: start again"
lsx_pluto_start west
lsx_initiate west host
lsx_expect_metric e libreswan_up == 1 15
lsx_expect_metric e 'libreswan_connection_ike_sas_established{connection="host"}' == 1
lsx_check_against_pluto e west
middle=$WORK/page-middle; cp "$(lsx_page e)" "$middle"
lsx_check_monotonic "$before" "$middle"

lsx_note "pluto west: SIGKILL (stale control socket left behind)"
errs=$(metric 'libreswan_poll_errors_total{command="status",reason="not_running"}' "$middle")
lsx_pluto_stop west --kill
lsx_expect_metric e libreswan_up == 0 10
lsx_expect_metric e 'libreswan_poll_errors_total{command="status",reason="not_running"}' '>' "$errs" 10
lsx_pluto_start west
lsx_expect_metric e libreswan_up == 1 15
lsx_expect "exporter alive after two pluto restarts" lsx_exporter_alive e
lsx_check_against_pluto e west
lsx_check_monotonic "$middle" "$(lsx_page e)"
