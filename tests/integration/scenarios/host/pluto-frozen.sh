# scenario: pluto frozen (SIGSTOP): whack hangs, the exporter kills it after --poll.timeout and
# counts reason="timeout", while /metrics keeps answering quickly; SIGCONT brings it back.
LSX_SCRAPE_MAX=${LSX_SCRAPE_MAX:-0.5}
lsx_pair 0
lsx_conn_host host
lsx_pluto_start west
lsx_pluto_start east
lsx_exporter_start e west
lsx_expect_metric e libreswan_up == 1
before=$WORK/page-before; cp "$(lsx_page e)" "$before"

lsx_pluto_freeze west
lsx_note "pluto west frozen (SIGSTOP); poll timeout $LSX_POLL_TIMEOUT"
lsx_expect_metric e 'libreswan_poll_errors_total{command="status",reason="timeout"}' '>' 0 15
lsx_expect_metric e libreswan_up == 0 10
# scrapes during hanging polls: each must be served from the last page, quickly
slow=0
for i in $(seq 1 15); do
	t=$(lsx_scrape_time e)
	lsx__cmp "$t" '<=' "$LSX_SCRAPE_MAX" || { slow=$((slow + 1)); lsx_note "scrape $i took ${t}s"; }
	sleep 0.2
done
lsx_expect "15 scrapes while whack hangs, each under ${LSX_SCRAPE_MAX}s ($slow slower)" [ "$slow" -eq 0 ]
ctl=$(lsx_ctl west)
# (not the awk itself: its arguments name whack and the socket too, and ps can show a process
# started a moment ago with an elapsed time wrapped to 2^32 - something)
lsx_expect "no whack of this exporter running longer than the timeout" \
	eval '[ "$(ps -eo etimes=,args= | awk -v ctl="$ctl" '\''$2 !~ /(^|\/)awk$/ && index($0, "whack") && index($0, ctl) && $1 > 5'\'' | wc -l)" -eq 0 ]'

lsx_pluto_thaw west
lsx_note "pluto west thawed (SIGCONT)"
lsx_expect_metric e libreswan_up == 1 15
lsx_expect "exporter alive" lsx_exporter_alive e
lsx_check_against_pluto e west
lsx_check_monotonic "$before" "$(lsx_page e)"
