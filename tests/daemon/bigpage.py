#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A large page served whole, over many connections at once (tests/daemon/bigpage.sh).

Starts the daemon on a 20,000-SA
trafficstatus input (a 5 MB text page, 1 MB gzipped), then:

1. one keep-alive connection fetches the gzip page repeatedly: each response
   within a second (libmicrohttpd asks to be run again at once whenever it
   can go on sending; a loop that waits for its timer instead stalls per
   chunk: 250 ms per 128 KiB sendfile() chunk or per 4 KiB read from a file
   at sd-event's default timer accuracy, seconds to minutes for this body);
2. 24 connections at once, 4 keep-alive requests each, in all four forms
   (text, OpenMetrics, each plain and gzip, the first requests of each form
   arriving while it is being made): every body checked byte for byte;
3. the text page equals `--once` on the same input, what differs from one
   run to the next (durations, timestamps, the HTTP server's own families
   and the process_* ones, which --once leaves out;
   the values of ages and of the cycle count) aside; the OpenMetrics page is the text with its counter
   families renamed and "# EOF"; gzip bodies inflate to the plain ones;
4. each form was made exactly once (the debug log's "page body made" lines),
   however many requests wanted it, and a cycle nobody scraped made none;
5. before that, with a poll cycle every 300 ms, two connections scrape the
   text page back to back while 5 cycles end: every page served is whole (the
   next page renders on a worker thread meanwhile, and must not take the
   buffer of the page being served).
"""
import gzip
import os
import random
import re
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lsx  # noqa: E402
from lsx import fail, ok  # noqa: E402

N_SAS = 20000
N_CONNS = 24
PER_CONN = 4
OM_ACCEPT = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
FORMS = [  # (name, Accept, Accept-Encoding)
    ("text", None, None),
    ("text gzip", None, "gzip"),
    ("OpenMetrics", OM_ACCEPT, None),
    ("OpenMetrics gzip", OM_ACCEPT, "gzip"),
]


def write_input(path):
    r = random.Random(7)  # random names and counts: a body that does not compress to nothing
    with open(path, "w") as f:
        for i in range(1, N_SAS + 1):
            f.write('006 #%d: "conn-%05d-%08x", type=ESP, add_time=%d, inBytes=%d, outBytes=%d, '
                    "maxBytes=2^63B, id='@peer-%08x'\n"
                    % (2 * i, i, r.getrandbits(32), 1700000000 + r.randrange(10 ** 6),
                       r.getrandbits(40), r.getrandbits(40), r.getrandbits(32)))


def fetch(conn, accept=None, encoding=None, limit=None):
    """The page in one form on a keep-alive connection: (headers, body); limit: seconds within
    which the whole response must arrive."""
    extra = ("Accept: %s\r\n" % accept if accept else "") + ("Accept-Encoding: %s\r\n" % encoding if encoding else "")
    st, hdrs, body = conn.request(extra=extra, limit=limit)
    if st != 200:
        fail("status: %s" % st)
    return hdrs, body


def volatile(line):
    return re.search(rb"duration|timestamp|^# (HELP|TYPE) (libreswan_http|process)_|^(libreswan_http|process)_",
                     line) is not None


def stable(text):
    """The lines that do not change from one run to the next; ages and cycle counts without their values."""
    out = []
    for l in text.split(b"\n"):
        if volatile(l):
            continue
        if re.match(rb"^[a-z_]+(_age_seconds|_poll_cycles_total)[{ ]", l):
            l = l.rsplit(b" ", 1)[0]
        out.append(l)
    return out


def openmetrics(text):
    out = []
    for l in text.split(b"\n")[:-1]:
        m = re.match(rb"^(# (?:HELP|TYPE) \S+)_total( .*)$", l)
        out.append(m.group(1) + m.group(2) if m else l)
    return b"\n".join(out) + b"\n# EOF\n"


def main():
    inp = os.path.join(lsx.WORK, "trafficstatus.txt")
    write_input(inp)
    once = subprocess.run([lsx.EXPORTER, "--once", "--input.trafficstatus", inp], stdout=subprocess.PIPE,
                          check=True).stdout
    if len(once) < 4000000:
        fail("the page is only %d bytes" % len(once))

    dmn = lsx.Exporter("cycles", ["--poll.interval=300ms", "--poll.timeout=2s", "--log.level=debug",
                                  "--web.max-connections-per-ip=64", "--input.trafficstatus", inp])
    log_text = dmn.log_text
    # a few cycles nobody scrapes: nothing is compressed
    lsx.poll_until(10, lambda: log_text().count("poll cycle") >= 3, 0.05)
    if "page body made" in log_text():
        fail("a body was made for a cycle nobody scraped")
    ok("3 poll cycles nobody scraped: no body made")
    # scrapes while cycles end: the page served is always whole (the next one renders off
    # the loop meanwhile, into a buffer of its own)
    want = stable(once)
    conns = [lsx.Conn(dmn.port, timeout=30) for _ in range(2)]
    bad = []
    counts = [0, 0]
    last = [None, None]

    stop = threading.Event()

    def scrape_until_stopped(i):
        while not stop.is_set():
            try:
                _, body = fetch(conns[i], limit=5)
            except (lsx.Failure, OSError, EOFError) as e:
                bad.append(str(e))
                return
            counts[i] += 1
            # cheap checks here, to scrape as often as possible; the lines once at the end
            if abs(len(body) - len(once)) > len(once) // 100 or not body.endswith(b"\n"):
                bad.append("a page of %d bytes (want about %d)" % (len(body), len(once)))
            last[i] = body
    threads = [threading.Thread(target=scrape_until_stopped, args=(i,)) for i in range(2)]
    c0 = len(re.findall(r"poll cycle \d+ done", log_text()))
    for t in threads:
        t.start()
    # until 5 cycles have ended under the scrapes (slower on a loaded machine), 20 s at most
    lsx.poll_until(20, lambda: len(re.findall(r"poll cycle \d+ done", log_text())) - c0 >= 5 or bad)
    stop.set()
    for t in threads:
        t.join()
    cycles = len(re.findall(r"poll cycle \d+ done", log_text())) - c0
    for c in conns:
        c.close()
    if bad:
        fail("%d of %d scrapes during %d poll cycles got a wrong page: %s"
             % (len(bad), sum(counts), cycles, bad[0]))
    for body in last:
        if body is not None and stable(body) != want:
            fail("the last page scraped differs from --once's")
    if cycles < 5:
        fail("only %d poll cycles ended during the scrapes" % cycles)
    ok("%d scrapes while %d poll cycles ended: every page whole" % (sum(counts), cycles))
    dmn.stop()
    # from now on one poll cycle: every request gets the same page
    dmn = lsx.Exporter("one-cycle", ["--poll.interval=1h", "--log.level=debug", "--web.max-connections-per-ip=64",
                                     "--input.trafficstatus", inp])
    log_text = dmn.log_text
    # (1) one connection, the gzip page again and again
    c = lsx.Conn(dmn.port, timeout=30)
    worst = 0
    for i in range(8):
        t = time.monotonic()
        _, body = fetch(c, encoding="gzip", limit=1.0)
        worst = max(worst, time.monotonic() - t)
        if stable(gzip.decompress(body)) != stable(once):
            fail("gzip response %d does not inflate to the page" % i)
    c.close()
    ok("one connection, 8 gzip responses of about %d bytes: slowest %.0f ms" % (len(body), worst * 1000))

    # (2) many connections, all forms, the first requests of the three forms still to make
    # arriving together (the text gzip is made already)
    results = []
    errors = []
    barrier = threading.Barrier(N_CONNS)

    def client(k):
        try:
            c = lsx.Conn(dmn.port, timeout=30)
            barrier.wait()
            for i in range(PER_CONN):
                name, accept, enc = FORMS[(k + i) % len(FORMS)]
                t = time.monotonic()
                hdrs, body = fetch(c, accept, enc)
                results.append((name, hdrs, body, time.monotonic() - t))
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append("connection %d: %r" % (k, e))

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(N_CONNS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if errors:
        fail("; ".join(errors[:5]))
    if len(results) != N_CONNS * PER_CONN:
        fail("%d responses, want %d" % (len(results), N_CONNS * PER_CONN))

    # (3) every byte
    bodies = {}
    for name, hdrs, body, _ in results:
        if name.endswith("gzip"):
            if hdrs.get("content-encoding") != "gzip":
                fail("%s without Content-Encoding: gzip" % name)
            body = gzip.decompress(body)
        elif "content-encoding" in hdrs:
            fail("%s with Content-Encoding" % name)
        bodies.setdefault(name.split()[0], set()).add(body)
    for form, got in bodies.items():
        if len(got) != 1:
            fail("%d different %s pages in one cycle" % (len(got), form))
    text = bodies["text"].pop()
    om = bodies["OpenMetrics"].pop()
    if stable(text) != stable(once):
        fail("the served text page differs from --once on the same input")
    if om != openmetrics(text):
        fail("the OpenMetrics page is not the text page's OpenMetrics form")
    slowest = max(r[3] for r in results)
    ok("%d connections x %d requests in all four forms, %.1f s, slowest %.2f s: every byte checked "
       "(text %d bytes, OpenMetrics %d)" % (N_CONNS, PER_CONN, elapsed, slowest, len(text), len(om)))

    # (4) made once each
    # The OpenMetrics gzip body is made from the plain OpenMetrics one,
    # which is made on the way: when no plain OpenMetrics request waits
    # for it as a job of its own, it is never logged separately.
    made = re.findall(r"page body made: (.*?), \d+ bytes", log_text())
    if sorted(made) not in (["OpenMetrics", "OpenMetrics gzip", "text gzip"],
                            ["OpenMetrics gzip", "text gzip"]):
        fail("bodies made: %s (want each of OpenMetrics, its gzip and the text gzip once)" % made)
    ok("each body made once for %d requests: %s" % (len(results), ", ".join(sorted(made))))
    dmn.stop()
    ok("clean exit")


if __name__ == "__main__":
    lsx.main(main)
