#!/bin/sh
# SPDX-License-Identifier: MIT
# Host-kernel integration scenarios (real pluto in network namespaces; IKE only, no ESP).
# Exit 77 (skip) when not root or Libreswan / ip netns / the exporter are missing.
exec "${BASH:-bash}" "$(dirname "$0")/run.sh" "$@"
