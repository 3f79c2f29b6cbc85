#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The service manager protocol without a service manager.

Binds its own AF_UNIX datagram socket as NOTIFY_SOCKET, sets WATCHDOG_USEC and
WATCHDOG_PID, runs the daemon against a fake `ipsec`, and proves: READY=1,
STATUS= after poll cycles, WATCHDOG=1 repeated well within WATCHDOG_USEC,
STOPPING=1 and exit status 0 within a second of SIGTERM; the whack children
see none of NOTIFY_SOCKET, WATCHDOG_*; under journald (JOURNAL_STREAM naming the
stderr it was given) stderr lines carry <N> priority prefixes.
"""
import glob
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lsx  # noqa: E402
from lsx import fail  # noqa: E402

WATCHDOG_USEC = 1000000
RUN_SECONDS = 3.0


def main():
    work = lsx.WORK
    path = os.path.join(work, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.1)

    env = dict(NOTIFY_SOCKET=path, WATCHDOG_USEC=str(WATCHDOG_USEC), FAKE_IPSEC_LOG=os.path.join(work, "child"))
    # WATCHDOG_PID must name the daemon itself, and JOURNAL_STREAM the very file its stderr is
    # (device:inode), as journald hands it over: let a shell set them, then exec.
    wrap = ["/bin/sh", "-c", 'WATCHDOG_PID=$$; JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2); '
            'export WATCHDOG_PID JOURNAL_STREAM; exec "$@"', "sh"]
    dmn = lsx.Exporter("daemon", ["--ipsec.command=" + os.path.join(lsx.TOP_SRCDIR, "tests", "systemd", "fake-ipsec"),
                                  "--poll.interval=300ms", "--poll.timeout=1s", "--log.level=info"], env=env,
                       wrap=wrap)

    msgs = []  # (monotonic time, message)

    def drain(until):
        while time.monotonic() < until:
            try:
                data = sock.recv(4096)
            except socket.timeout:
                continue
            for line in data.decode().splitlines():
                msgs.append((time.monotonic(), line))

    drain(time.monotonic() + RUN_SECONDS)
    if not dmn.alive():
        fail("the daemon exited early: %s" % dmn.log_text())

    t0 = time.monotonic()
    dmn.stop(timeout=1.0)  # exit status 0 within a second of SIGTERM
    elapsed = time.monotonic() - t0
    drain(time.monotonic() + 0.2)
    stderr = dmn.log_text()

    names = [m for _, m in msgs]
    print("received: %d messages, first ones: %s" % (len(names), names[:6]))
    print("exit 0 after SIGTERM in %.3f s" % elapsed)
    if "READY=1" not in names:
        fail("no READY=1")
    statuses = [m for m in names if m.startswith("STATUS=")]
    if len(statuses) < 2:
        fail("expected STATUS= after each poll cycle, got %r" % statuses)
    if not any("0 connections, 0 up" in s for s in statuses):
        fail("no STATUS= describing the poll: %r" % statuses)
    dogs = [t for t, m in msgs if m == "WATCHDOG=1"]
    # sd-event pets every half to three quarters of the interval: about 5 in RUN_SECONDS.
    if len(dogs) < 3:
        fail("expected repeated WATCHDOG=1, got %d" % len(dogs))
    gaps = [b - a for a, b in zip(dogs, dogs[1:])]
    if max(gaps) >= WATCHDOG_USEC / 1e6:
        fail("a watchdog gap of %.3f s exceeds WATCHDOG_USEC" % max(gaps))
    if names[-1] != "STOPPING=1" and "STOPPING=1" not in names:
        fail("no STOPPING=1")
    if names.index("READY=1") > names.index("STOPPING=1"):
        fail("STOPPING=1 before READY=1")
    print("STATUS example: %s; %d WATCHDOG=1, max gap %.3f s" % (statuses[-1], len(dogs), max(gaps)))

    # journald priority prefixes: <6> = info.
    lines = [l for l in stderr.splitlines() if l]
    if not lines or not all(l[0] == "<" and l[2] == ">" for l in lines):
        fail("stderr lines lack <N> prefixes under JOURNAL_STREAM:\n%s" % stderr)

    # The children inherit none of the service manager's protocol variables.
    logs = glob.glob(os.path.join(work, "child.*"))
    if not logs:
        fail("the fake ipsec never ran")
    for log in logs:
        with open(log) as f:
            text = f.read()
        for var in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
            if "env: %s=" % var in text:
                fail("a whack child inherited %s" % var)


if __name__ == "__main__":
    lsx.main(main)
