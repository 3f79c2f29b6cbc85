#!/bin/sh
# SPDX-License-Identifier: MIT
# libreswan-textfile.sh DIR [FLAG...]: one poll cycle of libreswan_exporter, written to
# DIR/libreswan.prom for node_exporter's textfile collector
# (node_exporter --collector.textfile.directory=DIR), from cron or a systemd timer:
#
#   cp libreswan-textfile.sh /usr/local/sbin/ && chmod 755 /usr/local/sbin/libreswan-textfile.sh
#   echo '* * * * * root /usr/local/sbin/libreswan-textfile.sh /var/lib/prometheus/node-exporter' \
#       > /etc/cron.d/libreswan-textfile
#
# FLAGs go to libreswan_exporter (--ipsec.ctlsocket=..., --no-collector.kernel, ...).
#
# The page replaces the file in one rename, so node_exporter never reads half of it. It replaces
# it whatever `libreswan_exporter --once` says about pluto: when pluto does not answer (exit
# status 1) the page is whole and says libreswan_up 0, and that is the page that must replace
# the last one that said 1. A run that made no whole page (a bad flag or a failed start: no
# libreswan_up line; exit status 3: the file system did not take the page) leaves the previous
# file alone, and node_textfile_mtime_seconds shows its age. The temporary file (a name the
# collector does not read) is removed in every case, interrupted runs included.
#
# Environment: LIBRESWAN_EXPORTER, the exporter's command (default libreswan_exporter).
# Exit status: 0 when the page was written, pluto up or down; otherwise the exporter's, or 1.
set -u
case ${1:-} in
-h | --help)
	sed -n '3,/^set -u/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac
dir=${1:?usage: libreswan-textfile.sh DIR [FLAG...] (--help explains)}
shift
# cron's PATH has no sbin directories, where libreswan_exporter and ipsec live
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH
tmp=$(mktemp "$dir/.libreswan.prom.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
${LIBRESWAN_EXPORTER:-libreswan_exporter} --once "$@" > "$tmp"
rc=$?
case $rc in
0 | 1) grep -q '^libreswan_up [01]$' "$tmp" || exit 1 ;;
*) exit "$rc" ;;
esac
chmod 0644 "$tmp" && mv -f "$tmp" "$dir/libreswan.prom"
