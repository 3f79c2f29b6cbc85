#!/bin/sh
# SPDX-License-Identifier: MIT
# A large page (20,000 SAs: 5 MB of text, 1 MB gzipped) served whole: on one
# keep-alive connection each gzip response within a second (a loop that left
# libmicrohttpd's "run me again at once" to a coarse timer stalled a body
# like this one for seconds to minutes), over 24 connections at once in all
# four forms with every byte checked against `--once`, each form made once
# however many requests wanted it, none for cycles nobody scraped. See
# bigpage.py.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3
exec python3 "$TOP_SRCDIR/tests/daemon/bigpage.py"
