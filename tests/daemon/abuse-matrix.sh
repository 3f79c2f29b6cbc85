#!/bin/sh
# SPDX-License-Identifier: MIT
# Abuse matrix, each case with the status it must get: oversized headers and URI,
# invalid methods, HTTP/1.0, missing Host, pipelined requests (with password checks in
# between), 10,000 connection attempts, clients leaving mid-response, garbage and TLS
# records on the plain port, plain HTTP and garbage on the TLS port, expired, foreign
# and missing client certificates; nothing left behind (connections, descriptors) and a
# clean exit, which under the sanitizer build means no leak and no error.
. "$(dirname "$0")/../lib/common.sh"
need_exporter
need python3 openssl
exec python3 "$TOP_SRCDIR/tests/daemon/abuse.py" matrix
