#!/bin/sh
# SPDX-License-Identifier: MIT
# The C sources keep the house style's mechanical rules (doc/coding-style.md): lines of at most
# 100 columns (tabs at 8), no trailing blanks, no // comments outside strings and URLs.
set -eu
. "$(dirname "$0")/lib/common.sh"
cd "$TOP_SRCDIR"
files=$(find src tests bench -name '*.[ch]' ! -path '*/cache/*' | sort)
[ -n "$files" ] || fail "no C sources under $TOP_SRCDIR"
# shellcheck disable=SC2086
long=$(expand -t8 $files /dev/null 2> /dev/null | awk 'length($0) > 100 { n++ } END { print n + 0 }')
# shellcheck disable=SC2086
if [ "$long" != 0 ]; then
	for f in $files; do
		expand -t8 "$f" | awk -v f="$f" 'length($0) > 100 { print "  " f ":" NR ": " length($0) " columns" }'
	done | head -20 >&2
	fail "$long lines longer than 100 columns"
fi
# shellcheck disable=SC2086
trailing=$(grep -n '[[:blank:]]$' $files /dev/null | head -5 || true)
[ -z "$trailing" ] || fail "trailing blanks: $trailing"
# shellcheck disable=SC2086
slashes=$(grep -n '^[[:blank:]]*//' $files /dev/null | head -5 || true)
[ -z "$slashes" ] || fail "// comments: $slashes"
ok "$(echo "$files" | wc -l) C files: within 100 columns, no trailing blanks, no // comments"
