#!/bin/sh
# SPDX-License-Identifier: MIT
# Full-ESP integration scenarios inside a QEMU guest (see vm.sh). Exit 77 (skip) when qemu or
# Debian's cloud kernel are missing, when not root, or when LSX_VM=0.
if [ "${LSX_VM:-1}" = 0 ]; then echo "SKIP: VM scenarios: LSX_VM=0"; exit 77; fi
exec "${BASH:-bash}" "$(dirname "$0")/vm.sh" "$@"
