#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Outside clients that try to stall or lock out the exporter's HTTP server.

Run by tests/daemon/abuse-*.sh (each says what it proves); loopback only. Each
scenario starts the real daemon with the fake `ipsec`, attacks it from other
processes (so that the load generator's own interpreter lock never shows up in
the latencies measured), and checks the daemon's answers, its poll cycles, its
watchdog pings, its log, and a clean exit (status 0, no sanitizer report) at
the end.

  abuse.py bruteforce     wrong passwords on 128 connections for 10 s
  abuse.py slowloris      300 connections trickling header lines
  abuse.py equalcost      unknown user vs wrong password: same time
  abuse.py matrix         malformed and hostile requests, each with its status
  abuse.py soak N         N scrapes over TLS with basic auth: RSS stays flat
  abuse.py crowd-tls      64 addresses x 8 connections trickling a TLS ClientHello
  abuse.py crowd-plain    128 addresses x 8 connections trickling request headers
  abuse.py crowd-wide     1024 addresses x 1 connection trickling a TLS ClientHello
  abuse.py handshakes     a storm of full TLS handshakes: the loop's longest turn
"""
import collections
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lsx  # noqa: E402
from lsx import Conn, basic, bcrypt, fail, get, metric, note, ok  # noqa: E402

FAKE_IPSEC = os.path.join(lsx.TOP_SRCDIR, "tests", "daemon", "fake-ipsec")
WEST_EAST = os.path.join(lsx.TOP_SRCDIR, "tests", "daemon", "west-east")
USER, PASSWORD = "prometheus", "s3cret"


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


# ---------------------------------------------------------------- the daemon


class Notify:
    """A NOTIFY_SOCKET that records every message with its arrival time."""

    def __init__(self):
        self.path = os.path.join(lsx.WORK, "notify-%d.sock" % os.getpid())
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.msgs = []
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            now = time.monotonic()
            for line in data.decode(errors="replace").splitlines():
                self.msgs.append((now, line))

    def times(self, msg):
        return [t for t, m in self.msgs if m == msg]


def daemon(name, args, env=None, pages=None, listen="127.0.0.1:0"):
    """The exporter with the fake `ipsec`, answering from WORK/NAME/fake what pages holds
    ({command: output}; "mode": see fake-ipsec), by default the west-east tunnel's status and
    trafficstatus."""
    fake_dir = os.path.join(lsx.WORK, name, "fake")
    os.makedirs(fake_dir, exist_ok=True)
    if pages is None:
        for cmd in ("status", "trafficstatus"):
            shutil.copy(os.path.join(WEST_EAST, cmd + ".txt"), fake_dir)
    for cmd, text in (pages or {}).items():
        with open(os.path.join(fake_dir, cmd if cmd == "mode" else cmd + ".txt"), "w") as f:
            f.write(text)
    return lsx.Exporter(name, ["--ipsec.command=" + FAKE_IPSEC] + args, env=dict(env or {}, FAKE_DIR=fake_dir),
                        listen=listen)


# ---------------------------------------------------------------- HTTP clients


def raw(port, data, src=None, timeout=5.0):
    """Send bytes (stopping early if the server answers first), half-close, and return everything
    the server sends back until it closes."""
    import select
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src:
        s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    out = b""
    end = time.monotonic() + timeout
    try:
        off = 0
        while off < len(data) and not out and time.monotonic() < end:
            r, w, _ = select.select([s], [s], [], 0.5)
            if r:
                b = s.recv(65536)
                if not b:
                    return out
                out += b
            elif w:
                off += s.send(data[off:off + 16384])
        if not out:
            s.shutdown(socket.SHUT_WR)
        while time.monotonic() < end:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except OSError:
        pass
    finally:
        s.close()
    return out


def status_of(resp):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", resp)
    return int(m.group(1)) if m else None


def wait_metric(port, name, pred, auth=None, tls=None, timeout=10.0):
    """Scrape until pred(value of name) holds (the HTTP families are rendered once per poll cycle)."""
    def holds():
        st, _, body, _ = get(port, auth=auth, tls=tls)
        v = metric(body, name) if st == 200 else None
        return [v] if v is not None and pred(v) else None
    return lsx.wait_until(name, holds, timeout)[0]


def web_config(d, users=None, tls=None):
    path = os.path.join(d, "web.yml")
    with open(path, "w") as f:
        if tls:
            f.write("tls_server_config:\n")
            for k, v in tls.items():
                f.write("  %s: %s\n" % (k, v))
        if users:
            f.write("basic_auth_users:\n")
            for u, h in users.items():
                f.write("  %s: '%s'\n" % (u, h))
    return path


def openssl(*args, cwd):
    r = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("openssl %s: %s" % (" ".join(args), r.stderr[-500:]))


def make_pki(d):
    """A CA, a server certificate for 127.0.0.1, and client certificates: valid, expired, foreign."""
    os.makedirs(d, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=test-ca", "-keyout", "ca.key", "-out",
            "ca.crt", cwd=d)
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=other-ca", "-keyout", "other.key", "-out",
            "other.crt", cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    for name, cn in (("server", "127.0.0.1"), ("client", "prometheus"), ("expired", "prometheus"),
                     ("foreign", "prometheus")):
        openssl("req", *ec, "-subj", "/CN=" + cn, "-keyout", name + ".key", "-out", name + ".csr", cwd=d)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "2",
            "-days", "2", "-extfile", "san.ext", "-out", "server.crt", cwd=d)
    openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "3",
            "-days", "2", "-out", "client.crt", cwd=d)
    openssl("x509", "-req", "-in", "foreign.csr", "-CA", "other.crt", "-CAkey", "other.key", "-set_serial",
            "4", "-days", "2", "-out", "foreign.crt", cwd=d)
    # openssl x509 cannot date a certificate in the past; openssl ca can.
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
                "default_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n")
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("05\n")
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-in",
            "expired.csr", "-out", "expired.crt", "-startdate", "20200101000000Z", "-enddate",
            "20200102000000Z", "-notext", cwd=d)
    return d


def client_tls(pki, cert=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(pki, "ca.crt"))
    if cert:
        ctx.load_cert_chain(os.path.join(pki, cert + ".crt"), os.path.join(pki, cert + ".key"))
    return ctx


# ---------------------------------------------------------------- load generators (own processes)


def _bruteforce_worker(port, src, stop_at, conns, results):
    """conns threads from one source address, each sending wrong passwords as fast as answered."""
    counts = collections.Counter()
    lock = threading.Lock()

    def one(k):
        c = None
        n = 0
        local = collections.Counter()
        while time.monotonic() < stop_at:
            try:
                if c is None:
                    c = Conn(port, src=src, timeout=15)
                # half of them a known user with a wrong password, half unknown users
                user = USER if n % 2 == 0 else "guess%d" % random.randrange(10 ** 6)
                st, hd, _ = c.request(auth=(user, "wrong%d" % random.randrange(10 ** 9)))
                local[st] += 1
                if hd.get("connection", "").lower() == "close":
                    c.close()
                    c = None
            except (OSError, EOFError, ValueError):
                local["refused"] += 1
                if c:
                    c.close()
                c = None
                time.sleep(0.005)
            n += 1
        if c:
            c.close()
        with lock:
            counts.update(local)

    threads = [threading.Thread(target=one, args=(k,)) for k in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(dict(counts))


def _slowloris_worker(port, src, n, stop_at, line_every, results):
    """n connections that send a request line, then one header line every line_every seconds.
    A closed connection is opened again a second later. Returns the lifetime of each connection,
    from the end of the TCP handshake (a SYN the full backlog dropped is sent again after a second)."""
    import selectors
    sel = selectors.DefaultSelector()
    lifetimes = []  # (opened, closed) for each connection closed by the server
    live = {}
    reopen = []

    def open_one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((src, 0))
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        live[s] = [time.monotonic(), 0.0, False]  # opened, next line, request line sent
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)

    def close_one(s, now):
        sel.unregister(s)
        opened = live.pop(s)[0]
        s.close()
        lifetimes.append((opened, now))
        reopen.append(now + 1.0)

    for _ in range(n):
        open_one()
    while time.monotonic() < stop_at:
        now = time.monotonic()
        while reopen and reopen[0] <= now:
            reopen.pop(0)
            open_one()
        for key, ev in sel.select(timeout=0.05):
            s = key.fileobj
            if s not in live:
                continue
            st = live[s]
            if ev & selectors.EVENT_READ:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    close_one(s, now)
                    continue
            if ev & selectors.EVENT_WRITE:
                sel.modify(s, selectors.EVENT_READ)
                st[0] = now
                try:
                    s.send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    st[1] = now + line_every
                    st[2] = True
                except OSError:
                    close_one(s, now)
        for s, st in list(live.items()):
            if st[2] and st[1] <= now:
                try:
                    s.send(b"X-Trickle: %d\r\n" % random.randrange(10 ** 6))
                except OSError:
                    close_one(s, now)
                    continue
                st[1] = now + line_every
    now = time.monotonic()
    open_ages = [now - st[0] for st in live.values()]
    for s in list(live):
        s.close()
    results.put({"lifetimes": lifetimes, "open_ages": open_ages})


def _scraper(port, src, stop_at, every, auth, tls_args, results):
    """Authorised scrapes on new connections every `every` seconds: (start, status, seconds, last poll)."""
    tls = client_tls(*tls_args) if tls_args else None
    out = []
    while time.monotonic() < stop_at:
        t0 = time.monotonic()
        st, _, body, dt = get(port, auth=auth, src=src, tls=tls, timeout=15)
        out.append((t0, st, dt, metric(body, "libreswan_last_poll_timestamp_seconds") if st == 200 else None))
        time.sleep(max(0.0, every - dt))
    results.put(out)


def spawn(target, *args):
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=target, args=args + (q,))
    p.start()
    return p, q


def collect(p, q, timeout=60):
    try:
        r = q.get(timeout=timeout)
    except Exception:
        p.kill()
        fail("a load generator did not report back")
    p.join(timeout=10)
    return r


def check_scrapes(scrapes, what, limit=1.0):
    lat = [dt for _, st, dt, _ in scrapes]
    bad = [(st, round(dt, 3)) for _, st, dt, _ in scrapes if st != 200]
    if not scrapes:
        fail("%s: no authorised scrape was made" % what)
    p50, p99, worst = percentile(lat, 50), percentile(lat, 99), max(lat)
    note("%s: %d authorised scrapes, p50 %.1f ms, p99 %.1f ms, max %.1f ms" %
         (what, len(lat), p50 * 1e3, p99 * 1e3, worst * 1e3))
    if bad:
        fail("%s: authorised scrapes failed: %s" % (what, bad[:10]))
    if p99 >= limit:
        fail("%s: authorised scrape p99 %.3f s (limit %.1f s)" % (what, p99, limit))
    return p50, p99, worst


SAMPLE = re.compile(rb"^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eEInfa]+)$")


def page_not_whole(page):
    """Why a text page is not whole, or None: every line a comment or a sample, the last one the
    family the daemon appends last (process_start_time_seconds)."""
    if not page.endswith(b"\n"):
        return "no newline at the end"
    lines = page[:-1].split(b"\n")
    for i, line in enumerate(lines):
        if not SAMPLE.match(line):
            return "line %d is neither a comment nor a sample: %r" % (i + 1, line[:100])
    if not lines[-1].startswith(b"process_start_time_seconds "):
        return "it ends with %r, not with the daemon's last family" % lines[-1][:100]
    return None


def episode_lines(d, reason):
    # the reason is quoted in the message, and the quotes escaped in logfmt (\") and JSON alike
    return len(re.findall(r'rejected_total\{reason=\\?"%s\\?"\}' % reason, d.log_text()))


# ---------------------------------------------------------------- scenarios


def bruteforce():
    """128 connections (16 source addresses, 8 each: the per-address cap) send wrong passwords as
    fast as they are answered for 10 s. Meanwhile authorised scrapes from another address answer in
    under 1 s (p99), poll cycles keep their 1 s interval (within 1 s), the watchdog (WATCHDOG_USEC
    2 s) is never missed, and each kind of refusal is logged once."""
    d = os.path.join(lsx.WORK, "bruteforce")
    os.makedirs(d, exist_ok=True)
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 10)})
    notify = Notify()
    dmn = daemon("bruteforce", ["--web.config.file=" + cfg, "--poll.interval=1s", "--poll.timeout=2s"],
                 env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"})
    try:
        st, _, _, dt = get(dmn.port, auth=(USER, PASSWORD))
        if st != 200:
            fail("the first authorised scrape: %r" % st)
        note("first authorised scrape (one bcrypt, off the loop): %.1f ms" % (dt * 1e3))
        wait_metric(dmn.port, "libreswan_http_password_checks_total", lambda v: v >= 1, auth=(USER, PASSWORD))

        duration = 10.0
        start = time.monotonic() + 0.5
        stop_at = start + duration
        attackers = [spawn(_bruteforce_worker, dmn.port, "127.0.0.%d" % (10 + i), stop_at, 8)
                     for i in range(16)]
        scraper = spawn(_scraper, dmn.port, "127.0.0.200", stop_at, 0.1, (USER, PASSWORD), None)
        counts = collections.Counter()
        for p, q in attackers:
            counts.update(collect(p, q))
        scrapes = collect(*scraper)
        if not dmn.alive():
            fail("the daemon died under the attack")
        note("attackers' answers: %s" % dict(counts))
        check_scrapes(scrapes, "brute force")
        ok("authorised scrapes answer within 1 s (p99) under 128 password-guessing connections")

        polls = sorted({ts for t0, st, _, ts in scrapes if ts and t0 >= start})
        gaps = [b - a for a, b in zip(polls, polls[1:])]
        note("poll cycles seen during the attack: %d, intervals %.3f..%.3f s" %
             (len(polls), min(gaps or [0]), max(gaps or [0])))
        if len(polls) < duration - 2 or not gaps or max(gaps) > 2.0:
            fail("poll cycles did not keep their 1 s interval: %s" % [round(g, 3) for g in gaps])
        ok("poll cycles keep their interval (1 s, max %.3f s between cycles)" % max(gaps))

        dogs = [t for t in notify.times("WATCHDOG=1") if start - 2 <= t <= stop_at + 1]
        wgaps = [b - a for a, b in zip(dogs, dogs[1:])]
        note("WATCHDOG=1 during the attack: %d, max gap %.3f s" % (len(dogs), max(wgaps or [0])))
        if len(dogs) < 6 or max(wgaps) >= 2.0:
            fail("watchdog pings: %d, gaps %s" % (len(dogs), [round(g, 3) for g in wgaps]))
        ok("the watchdog is fed (max gap %.3f s < WATCHDOG_USEC 2 s)" % max(wgaps))

        if counts.get(401, 0) < 10:
            fail("the attack made few password checks: %s" % dict(counts))
        if counts.get(429, 0) + counts.get(503, 0) == 0:
            fail("neither the per-address budget nor the queue bound refused anything: %s" % dict(counts))
        checks = wait_metric(dmn.port, "libreswan_http_password_checks_total", lambda v: v >= 10,
                             auth=(USER, PASSWORD))
        body = get(dmn.port, auth=(USER, PASSWORD))[2]
        page = {r: metric(body, 'libreswan_http_rejected_total{reason="%s"}' % r)
                for r in ("unauthorized", "rate_limited", "auth_busy", "per_ip_limit")}
        note("password checks (bcrypt, off the loop): %d; refusals on the page: %s" % (checks, page))
        if not page["unauthorized"] or not (page["rate_limited"] or page["auth_busy"]):
            fail("refusals not counted on the page: %s" % page)
        for reason in ("unauthorized", "rate_limited", "auth_busy"):
            n = episode_lines(dmn, reason)
            if n > 1:
                fail("%s logged %d times in one episode" % (reason, n))
        ok("refusals counted (401, 429/503) and logged once per episode")
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()
        notify.stop = True


def slowloris():
    """300 connections from 127.0.0.1 send a request line, then a header line every second. The
    per-address cap (8) refuses all but 8 at once; those 8 are closed at the header deadline (3 s)
    whatever they trickle; an authorised scrape from 127.0.0.2 answers in under 1 s throughout."""
    d = os.path.join(lsx.WORK, "slowloris")
    os.makedirs(d, exist_ok=True)
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 10)})
    deadline = 3.0
    dmn = daemon("slowloris", ["--web.config.file=" + cfg, "--poll.interval=1s", "--poll.timeout=2s",
                               "--web.read-header-timeout=%gs" % deadline])
    try:
        if get(dmn.port, auth=(USER, PASSWORD))[0] != 200:
            fail("first scrape")
        duration = 10.0
        start = time.monotonic() + 0.5
        stop_at = start + duration
        loris = spawn(_slowloris_worker, dmn.port, "127.0.0.1", 300, stop_at, 1.0)
        scraper = spawn(_scraper, dmn.port, "127.0.0.2", stop_at, 0.2, (USER, PASSWORD), None)
        r = collect(*loris)
        scrapes = collect(*scraper)
        if not dmn.alive():
            fail("the daemon died under the attack")
        check_scrapes(scrapes, "slowloris")
        ok("an authorised scrape from another address answers within 1 s under 300 trickling connections")

        life = [c - o for o, c in r["lifetimes"]]
        held = [x for x in life if x > 0.5]
        refused = [x for x in life if x <= 0.5]
        note("connections closed by the server: %d refused at once (max %.3f s), %d held until closed "
             "(%.3f..%.3f s); still open at the end: %d (oldest %.3f s)" %
             (len(refused), max(refused or [0]), len(held), min(held or [0]), max(held or [0]),
              len(r["open_ages"]), max(r["open_ages"] or [0])))
        if len(held) < 8:
            fail("expected the 8 admitted connections to be closed at the deadline, got %d" % len(held))
        if min(held) < deadline - 0.2 or max(held) > deadline + 1.0:
            fail("trickling connections not closed at the %g s deadline: %.3f..%.3f s" %
                 (deadline, min(held), max(held)))
        if r["open_ages"] and max(r["open_ages"]) > deadline + 1.0:
            fail("a connection outlived the header deadline: %.3f s" % max(r["open_ages"]))
        if len(refused) < 250:
            fail("the per-address cap refused only %d connections" % len(refused))
        ok("trickling connections closed at the header deadline (%g s, measured %.3f..%.3f s)" %
           (deadline, min(held), max(held)))

        body = None
        for _ in range(30):
            body = get(dmn.port, auth=(USER, PASSWORD))[2]
            if ((metric(body, 'libreswan_http_rejected_total{reason="header_timeout"}') or 0) >= len(held) and
                    (metric(body, 'libreswan_http_rejected_total{reason="per_ip_limit"}') or 0) >= len(refused)):
                break
            time.sleep(0.1)
        ht = metric(body, 'libreswan_http_rejected_total{reason="header_timeout"}')
        pi = metric(body, 'libreswan_http_rejected_total{reason="per_ip_limit"}')
        note("on the page: header_timeout %s, per_ip_limit %s" % (ht, pi))
        if not ht or ht < len(held) or not pi or pi < len(refused):
            fail("refusals not counted: header_timeout %s (held %d), per_ip_limit %s (refused %d)" %
                 (ht, len(held), pi, len(refused)))
        for reason in ("header_timeout", "per_ip_limit"):
            if episode_lines(dmn, reason) != 1:
                fail("%s logged %d times in one episode" % (reason, episode_lines(dmn, reason)))
        ok("refusals counted (header_timeout, per_ip_limit) and logged once each")
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()


def equalcost():
    """20 failed logins for an unknown user and 20 for a known user with a wrong password (each from
    its own address, interleaved): their median times are within 20% of each other. A busy machine
    (make -j runs tests side by side) can skew one round, so up to three rounds are measured; a
    real difference (a skipped bcrypt is 50 times faster) fails all three."""
    d = os.path.join(lsx.WORK, "equalcost")
    os.makedirs(d, exist_ok=True)
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 10), "grafana": bcrypt("other", 10)})
    dmn = daemon("equalcost", ["--web.config.file=" + cfg, "--poll.interval=10s"])
    try:
        if get(dmn.port, auth=(USER, PASSWORD))[0] != 200:
            fail("first scrape")
        for rnd in range(3):
            known, unknown = [], []
            for i in range(42):
                src = "127.0.%d.%d" % (10 + rnd, i + 1)
                who = USER if i % 2 == 0 else "nobody%d" % i
                st, _, _, dt = get(dmn.port, auth=(who, "wrong-%d" % i), src=src)
                if st != 401:
                    fail("a wrong login for %s answered %r" % (who, st))
                if i >= 2:  # the first two warm up
                    (known if who == USER else unknown).append(dt)
            mk, mu = statistics.median(known), statistics.median(unknown)
            note("round %d: median failed login: known user, wrong password %.1f ms; unknown user %.1f ms "
                 "(%+.1f%%)" % (rnd + 1, mk * 1e3, mu * 1e3, (mu - mk) / mk * 100))
            if abs(mu - mk) <= 0.2 * mk:
                break
        else:
            fail("unknown and known users differ by more than 20%% in three rounds (last %.1f vs %.1f ms)" %
                 (mu * 1e3, mk * 1e3))
        ok("an unknown user costs what a wrong password costs (within 20%)")
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()


def _conn_storm(port, srcs, per_src, auth, results):
    """Many short connections: close at once, after a partial request, after a whole one, or with
    a reset; returns what the server answered. A refusal (the connection caps, when the server
    is behind with the closes) shows as a reset."""
    import struct
    counts = collections.Counter()
    for src in srcs:
        for k in range(per_src):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(5)
            try:
                s.bind((src, 0))
                s.connect(("127.0.0.1", port))
                kind = k % 4
                if kind == 1:
                    s.sendall(b"GET /metr")
                elif kind == 2:
                    s.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                              b"Authorization: " + basic(*auth).encode() + b"\r\n\r\n")
                    st = status_of(s.recv(4096))
                    counts["status %s" % st if st else "refused"] += 1
                elif kind == 3:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                counts["kind%d" % kind] += 1
            except ConnectionResetError:
                counts["refused"] += 1
                counts["kind%d" % kind] += 1
            except OSError as e:
                counts["error:%s" % type(e).__name__] += 1
            finally:
                s.close()
    results.put(dict(counts))


def matrix():
    """Hostile and malformed input, each with the status it must get, then a clean exit (under the
    sanitizer build: no leak, no error). Plain HTTP first, then TLS with client certificates."""
    d = os.path.join(lsx.WORK, "matrix")
    pki = make_pki(os.path.join(d, "pki"))
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 5)})
    # a page of about 2 MB, so that a client can leave in the middle of it
    n = 3000
    big = ["000 Connection list:", "000  "]
    for i in range(n):
        big.append('000 "c%d": 10.%d.%d.0/24===192.0.2.1[@west]...192.0.2.2[@east]===10.99.%d.0/24; '
                   'unrouted; eroute owner: #0' % (i, i // 250, i % 250, i % 250))
        big.append('000 "c%d":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP;' % i)
    big.append("000 Total IPsec connections: loaded %d, active 0" % n)
    dmn = daemon("matrix-plain", ["--web.config.file=" + cfg, "--poll.interval=500ms", "--poll.timeout=2s",
                                  "--web.read-header-timeout=2s"],
                 pages={"status": "\n".join(big) + "\n"})
    auth = (USER, PASSWORD)
    a = "Authorization: %s\r\n" % basic(*auth)
    try:
        wait_metric(dmn.port, "libreswan_up", lambda v: v == 1, auth=auth)
        base_fds = dmn.fds()

        def expect(what, data, want, **kw):
            t0 = time.monotonic()
            resp = raw(dmn.port, data, **kw)
            if time.monotonic() - t0 > 3.5:
                fail("%s: the connection outlived the header deadline (2 s): %.1f s" % (what, time.monotonic() - t0))
            got = status_of(resp)
            if callable(want):
                good = want(got, resp)
            else:
                good = got == want
            if not good:
                fail("%s: got %r (%r)" % (what, got, resp[:120]))
            ok("%s -> %s" % (what, got if got else "closed without an answer"))
            return resp

        expect("oversized header (100 KiB)", b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + a.encode() +
               b"X-Big: " + b"a" * 100000 + b"\r\n\r\n", 431)
        expect("oversized URI (100 KiB)", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414)
        # the answer can be lost to the reset the kernel sends when the server closes with
        # unread input (the client is still sending): 431, or a close without an answer
        expect("too many header lines (20000)", b"GET /metrics HTTP/1.1\r\nHost: x\r\n" +
               b"".join(b"X-%d: y\r\n" % i for i in range(20000)) + b"\r\n", lambda st, r: st in (431, None))
        expect("invalid method FOO on the metrics path", b"FOO /metrics HTTP/1.1\r\nHost: x\r\n" + a.encode() +
               b"Connection: close\r\n\r\n", 405)
        expect("DELETE", b"DELETE /metrics HTTP/1.1\r\nHost: x\r\n" + a.encode() + b"Connection: close\r\n\r\n",
               405)
        expect("POST with a body", b"POST /metrics HTTP/1.1\r\nHost: x\r\n" + a.encode() +
               b"Content-Length: 5\r\nConnection: close\r\n\r\nhello", 405)
        expect("a method with control characters", b"G\x01T /metrics HTTP/1.1\r\nHost: x\r\n" + a.encode() +
               b"\r\n", lambda st, r: st in (400, 405))
        t0 = time.monotonic()
        c = Conn(dmn.port)
        c.send(("POST /metrics HTTP/1.1\r\nHost: x\r\n%sContent-Length: 100000\r\n\r\n" % a).encode())
        try:
            while time.monotonic() - t0 < 6:
                c.send(b"x")
                time.sleep(0.2)
            fail("a request body trickled for 6 s was not cut at the 2 s deadline")
        except (OSError, EOFError):
            pass
        c.close()
        if time.monotonic() - t0 > 3.5:
            fail("a trickled body outlived the deadline: %.1f s" % (time.monotonic() - t0))
        ok("a request body trickled a byte at a time -> closed at the deadline (%.1f s)" % (time.monotonic() - t0))
        expect("no credentials", b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 401)
        # the per-address budget of password checks: 10 at once, then one a second
        got = [get(dmn.port, auth=(USER, "guess%d" % i), src="127.0.4.1")[0] for i in range(11)]
        st, hd, _, _ = get(dmn.port, auth=(USER, "guess"), src="127.0.4.1")
        if got[:10] != [401] * 10 or 429 not in (got[10], st) or "retry-after" not in hd:
            fail("password budget: %s, then %r %s" % (got, st, hd))
        if get(dmn.port, auth=auth, src="127.0.4.1")[0] != 200:
            fail("a verified password must not wait for the budget")
        if get(dmn.port, auth=(USER, "guess"), src="127.0.4.2")[0] != 401:
            fail("another address has its own budget")
        ok("wrong passwords from one address: 10 x 401, then 429 (Retry-After: %s); the right password "
           "still 200, another address still checked" % hd.get("retry-after"))
        expect("HTTP/1.0 without Host", b"GET /metrics HTTP/1.0\r\n" + a.encode() + b"\r\n",
               lambda st, r: st == 200 and b"libreswan_up 1" in r)
        expect("HTTP/1.1 without Host (tolerated, as by default in libmicrohttpd)",
               b"GET /metrics HTTP/1.1\r\n" + a.encode() + b"Connection: close\r\n\r\n", 200)
        expect("HTTP/2 preface on the plain port", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
               lambda st, r: st in (400, 405, 505, None))
        expect("unknown HTTP version", b"GET /metrics HTTP/7.3\r\nHost: x\r\n\r\n",
               lambda st, r: st in (400, 505, None))
        expect("a bare newline", b"\n", lambda st, r: st in (400, None))
        garbage = bytes(random.Random(7).randrange(256) for _ in range(4096))
        expect("4 KiB of random bytes", garbage, lambda st, r: st in (400, 414, 431, None))
        expect("garbage with CRLFs", b"\x00\xff\r\n\r\n\x16\x03\r\n\r\n",
               lambda st, r: st in (400, None))
        hello = ssl.create_default_context()
        hello.check_hostname = False
        hello.verify_mode = ssl.CERT_NONE
        s = socket.create_connection(("127.0.0.1", dmn.port), timeout=5)
        try:
            hello.wrap_socket(s, server_hostname="127.0.0.1")
            fail("a TLS handshake succeeded on the plain port")
        except (ssl.SSLError, OSError) as e:
            ok("TLS ClientHello on the plain port -> refused (%s)" % type(e).__name__)
        finally:
            s.close()

        # pipelining: three requests in one write, one of them needing a password check
        c = Conn(dmn.port)
        c.send(("GET /-/healthy HTTP/1.1\r\nHost: x\r\n%s\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n%s\r\n"
                "GET /nope HTTP/1.1\r\nHost: x\r\n%s\r\n" % (a, a, a)).encode())
        got = [c.read_response()[0] for _ in range(3)]
        c.close()
        if got != [200, 200, 404]:
            fail("pipelined requests answered %s" % got)
        ok("three pipelined requests -> %s, in order" % got)
        # pipelined requests whose passwords the worker checks (the cache is cleared by a new password)
        c = Conn(dmn.port)
        w = "Authorization: %s\r\n" % basic(USER, "not-it")
        c.send(("GET /metrics HTTP/1.1\r\nHost: x\r\n%s\r\nGET /-/ready HTTP/1.1\r\nHost: x\r\n%s\r\n" %
                (w, a)).encode())
        got = [c.read_response()[0] for _ in range(2)]
        c.close()
        if got != [401, 200]:
            fail("pipelined wrong then right password answered %s" % got)
        ok("pipelined wrong then right password -> %s" % got)

        # clients that leave in the middle of a 2 MB response
        first = get(dmn.port, auth=auth)[2]
        size = len(first)
        for i in range(200):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(5)
            s.connect(("127.0.0.1", dmn.port))
            s.sendall(("GET /metrics HTTP/1.1\r\nHost: x\r\n%s\r\n" % a).encode())
            s.recv(1000)
            if i % 2:
                import struct
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        st, _, body, _ = get(dmn.port, auth=auth)
        # a cycle may have ended meanwhile, and under load its page may differ in more than the
        # values that change every cycle: the page must be whole, every line of it
        bad = page_not_whole(body)
        if st != 200 or bad:
            fail("after 200 clients left mid-response: %r, %d bytes (the first page %d): %s" %
                 (st, len(body), size, bad))
        ok("200 clients closing (or resetting) in the middle of a %.1f MB response; the next gets it whole" %
           (size / 1e6))

        # 10,000 connection attempts from 50 addresses, 20 processes at a time
        t0 = time.monotonic()
        body = get(dmn.port, auth=auth)[2]
        refused0 = sum(metric(body, 'libreswan_http_rejected_total{reason="%s"}' % r) or 0
                       for r in ("per_ip_limit", "connection_limit"))
        storms = [spawn(_conn_storm, dmn.port, ["127.0.3.%d" % (10 * k + j + 1) for j in range(10)], 50, auth)
                  for k in range(20)]
        counts = collections.Counter()
        for p, q in storms:
            counts.update(collect(p, q, timeout=120))
        attempts = sum(v for k, v in counts.items() if k.startswith("kind"))
        note("10,000 connection attempts in %.1f s: %s" % (time.monotonic() - t0, dict(counts)))
        odd = [k for k in counts if k.startswith(("status", "error")) and k != "status 200"]
        if attempts != 10000 or counts.get("status 200", 0) < 100 or odd:
            fail("connection storm: %s" % dict(counts))
        refused = -refused0
        for _ in range(30):
            body = get(dmn.port, auth=auth)[2]
            refused = sum(metric(body, 'libreswan_http_rejected_total{reason="%s"}' % r) or 0
                          for r in ("per_ip_limit", "connection_limit")) - refused0
            if refused >= counts.get("refused", 0):
                break
            time.sleep(0.1)
        note("refusals counted by the server during the storm: %d; seen by the clients: %d" %
             (refused, counts.get("refused", 0)))
        if refused < counts.get("refused", 0):
            fail("the clients saw more refusals than the server counted")
        ok("10,000 connection attempts (closed at once, half a request, whole, reset): every answer a 200 "
           "or a refusal by the caps")

        # the storm's half requests are closed at the header deadline (2 s); then the per-address
        # count is back to 0: one address holds exactly --web.max-connections-per-ip
        wait_metric(dmn.port, "libreswan_http_connections", lambda v: v <= 1, auth=auth)
        held = []
        for i in range(8):
            c = Conn(dmn.port, src="127.0.3.1")
            if c.request(auth=auth)[0] != 200:
                fail("connection %d of 8 from one address" % (i + 1))
            held.append(c)
        extra = get(dmn.port, auth=auth, src="127.0.3.1")
        other = get(dmn.port, auth=auth, src="127.0.3.2")
        for c in held:
            c.close()
        if extra[0] is not None or other[0] != 200:
            fail("a 9th connection from one address: %r (another address: %r)" % (extra[0], other[0]))
        ok("one address holds 8 connections (the default cap), a 9th is refused, another address is served")

        # nothing left behind: connections, descriptors
        wait_metric(dmn.port, "libreswan_http_connections", lambda v: v <= 1, auth=auth)
        end = time.monotonic() + 10
        while dmn.fds() > base_fds and time.monotonic() < end:
            time.sleep(0.1)
        if dmn.fds() > base_fds:
            fail("descriptors: %d at the start, %d now" % (base_fds, dmn.fds()))
        ok("no connection or descriptor left behind (%d descriptors)" % dmn.fds())
        dmn.stop()
        ok("plain HTTP: clean exit")

        # the per-address cap with its flag, on a dual-stack listener: IPv6 clients by address,
        # IPv4 clients (seen as ::ffff:a.b.c.d) as their IPv4 address
        if socket.has_ipv6 and os.path.exists("/proc/net/if_inet6"):
            dmn = daemon("matrix-ipv6", ["--web.max-connections-per-ip=2", "--poll.interval=500ms",
                                         "--poll.timeout=2s"], listen=":0")
            for dst in ("::1", "127.0.0.1"):
                held = [Conn(dmn.port, dst=dst) for _ in range(2)]
                codes = [c.request("/-/healthy")[0] for c in held]
                try:
                    third = Conn(dmn.port, dst=dst, timeout=3)
                    third.request("/-/healthy")
                    fail("a third connection from %s was served with --web.max-connections-per-ip=2" % dst)
                except (OSError, EOFError):
                    pass
                for c in held:
                    c.close()
                if codes != [200, 200]:
                    fail("two connections from %s: %s" % (dst, codes))
            ok("--web.max-connections-per-ip=2 on a dual-stack listener: 2 from ::1, 2 from 127.0.0.1, "
               "the third from either refused")
            dmn.stop()
        else:
            note("no IPv6 on this host: the dual-stack cap was not checked")

        # stopping with suspended requests (libmicrohttpd refuses to stop with any): a scrape held
        # for the first poll cycle, and one whose password the worker is hashing (cost 14, ~1 s)
        dmn = daemon("matrix-stop", ["--web.config.file=" + web_config(d, users={USER: bcrypt(PASSWORD, 14)}),
                                     "--poll.interval=10s", "--poll.timeout=5s"],
                     pages={"mode": "hang\n"})
        held = [Conn(dmn.port), Conn(dmn.port)]
        held[0].send(("GET /metrics HTTP/1.1\r\nHost: x\r\n%s\r\n" % a).encode())
        end = time.monotonic() + 10
        while time.monotonic() < end:  # verified: now it waits for the page
            body = get(dmn.port, auth=auth, path="/-/healthy")
            if body[0] == 200:
                break
            time.sleep(0.1)
        held[1].send(("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n" %
                      basic(USER, "wrong")).encode())
        time.sleep(0.2)
        t0 = time.monotonic()
        dmn.stop()
        for c in held:
            c.close()
        ok("SIGTERM with a request held for the first poll cycle and one in the password worker: exit 0 in "
           "%.2f s" % (time.monotonic() - t0))

        # TLS with client certificates and basic auth
        tcfg = web_config(d, users={USER: bcrypt(PASSWORD, 5)}, tls={
            "cert_file": os.path.join(pki, "server.crt"), "key_file": os.path.join(pki, "server.key"),
            "client_auth_type": "RequireAndVerifyClientCert", "client_ca_file": os.path.join(pki, "ca.crt")})
        dmn = daemon("matrix-tls", ["--web.config.file=" + tcfg, "--poll.interval=500ms", "--poll.timeout=2s"])
        good = client_tls(pki, "client")
        wait_metric(dmn.port, "libreswan_up", lambda v: v == 1, auth=auth, tls=good)
        for what, ctx, want in (("valid client certificate", good, 200),
                                ("expired client certificate", client_tls(pki, "expired"), 403),
                                ("certificate from another CA", client_tls(pki, "foreign"), 403),
                                ("no client certificate", client_tls(pki), 403)):
            st, hd, _, _ = get(dmn.port, auth=auth, tls=ctx)
            if st != want and not (want == 403 and st is None):
                fail("%s: %r %s" % (what, st, hd.get("error", "")))
            ok("%s -> %s" % (what, st if st else "handshake refused"))
        st, _, _, _ = get(dmn.port, auth=(USER, "wrong"), tls=good)
        if st != 401:
            fail("TLS, valid certificate, wrong password: %r" % st)
        ok("valid certificate, wrong password -> 401")
        resp = raw(dmn.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        if resp.startswith(b"HTTP/"):
            fail("plain HTTP answered on the TLS port: %r" % resp[:60])
        ok("plain HTTP on the TLS port -> no HTTP answer (%d bytes, TLS alert or nothing)" % len(resp))
        resp = raw(dmn.port, garbage)
        ok("random bytes on the TLS port -> closed (%d bytes back)" % len(resp))
        st, _, _, _ = get(dmn.port, auth=auth, tls=good)
        if st != 200:
            fail("TLS after the garbage: %r" % st)
        ok("TLS still serves after all that")
        dmn.stop()
        ok("TLS: clean exit")
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()


def _soak_worker(port, n, tls_args, per_conn, results):
    tls = client_tls(*tls_args)
    done = errors = 0
    c = None
    while done < n:
        try:
            if c is None:
                c = Conn(port, tls=tls, timeout=10)
            st, _, body = c.request(auth=(USER, PASSWORD), extra="Accept-Encoding: gzip\r\n")
            if st != 200 or not body:
                errors += 1
            done += 1
            if done % per_conn == 0:
                c.close()
                c = None
        except (OSError, EOFError, ValueError):
            errors += 1
            if c:
                c.close()
            c = None
    if c:
        c.close()
    results.put((done, errors))


def soak(total):
    """`total` scrapes over TLS with basic auth (4 clients, keep-alive, a new connection and
    handshake every 100 scrapes): the daemon's RSS after the run is within 1 MB of its RSS after a
    warm-up of a tenth of the run (skipped under sanitizers, whose allocator keeps freed memory)."""
    d = os.path.join(lsx.WORK, "soak")
    pki = make_pki(os.path.join(d, "pki"))
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 10)}, tls={
        "cert_file": os.path.join(pki, "server.crt"), "key_file": os.path.join(pki, "server.key")})
    dmn = daemon("soak", ["--web.config.file=" + cfg, "--poll.interval=1s"])
    sanitized = subprocess.run(["grep", "-q", "__asan_init", lsx.EXPORTER]).returncode == 0
    try:
        tls_args = (pki,)
        wait_metric(dmn.port, "libreswan_up", lambda v: v == 1, auth=(USER, PASSWORD), tls=client_tls(pki))
        rss0 = dmn.rss_kb()
        warm = max(total // 10, 400)

        def run(n):
            t0 = time.monotonic()
            ps = [spawn(_soak_worker, dmn.port, n // 4, tls_args, 100) for _ in range(4)]
            done = errors = 0
            for p, q in ps:
                a, b = collect(p, q, timeout=3600)
                done += a
                errors += b
            return done, errors, time.monotonic() - t0

        done, errors, dt = run(warm)
        rss1 = dmn.rss_kb()
        note("warm-up: %d scrapes in %.1f s; RSS %d kB at start, %d kB after warm-up" % (done, dt, rss0, rss1))
        done, errors2, dt = run(total - warm)
        rss2 = dmn.rss_kb()
        note("soak: %d scrapes over TLS with basic auth in %.1f s (%.0f/s), %d errors; RSS %d kB "
             "(%+d kB since the warm-up)" % (done + warm, dt, done / dt, errors + errors2, rss2, rss2 - rss1))
        if errors + errors2:
            fail("%d scrapes failed" % (errors + errors2))
        if sanitized:
            note("sanitizer build: RSS not compared")
        elif rss2 - rss1 > 1024:
            fail("RSS grew by %d kB after the warm-up" % (rss2 - rss1))
        else:
            ok("RSS flat: %+d kB after %d scrapes (limit 1 MB)" % (rss2 - rss1, total))
        checks = metric(get(dmn.port, auth=(USER, PASSWORD), tls=client_tls(pki))[2],
                        "libreswan_http_password_checks_total")
        note("password checks (bcrypt) for %d scrapes: %s" % (total, checks))
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()


# ---------------------------------------------------------------- crowds from many addresses


def _crowd_worker(port, srcs, per_src, stop_at, tls, every, results):
    """per_src connections from each address in srcs, each sending one byte every `every` seconds
    (of a TLS ClientHello, or of a request's headers) and reconnecting at once when closed.
    Returns how many connections were made and how many the server closed."""
    import selectors
    # the machine's cores are shared with the daemon: the load generator runs at a lower priority,
    # as attackers on other machines would not take the daemon's CPU
    os.nice(10)
    sel = selectors.DefaultSelector()
    payload = (bytes.fromhex("160301020001000200030300") + bytes(range(256)) * 2) if tls else \
        b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 4000
    live = {}
    counts = collections.Counter()

    def open_one(src):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((src, 0))
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            counts["connect_error"] += 1
            return
        live[s] = [src, 0, time.monotonic() + random.random() * every]
        sel.register(s, selectors.EVENT_READ)
        counts["connects"] += 1

    for src in srcs:
        for _ in range(per_src):
            open_one(src)
    while time.monotonic() < stop_at:
        now = time.monotonic()
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                src = live.pop(s)[0]
                sel.unregister(s)
                s.close()
                counts["closed_by_server"] += 1
                if time.monotonic() < stop_at:
                    open_one(src)
        for s, st in list(live.items()):
            if st[2] <= now and st[1] < len(payload):
                try:
                    s.send(payload[st[1]:st[1] + 1])
                    st[1] += 1
                except OSError:
                    pass
                st[2] = now + every
    for s in list(live):
        s.close()
    results.put(dict(counts))


def crowd(tls, wide=False):
    """The attack from many addresses, each within --web.max-connections-per-ip (8): 64 addresses
    with 8 connections each sending one byte of a TLS ClientHello every 2 s (or 128 addresses with
    8 connections each trickling a request's headers; or, wide, 1024 addresses with one such TLS
    connection each), reconnecting at once when closed: 512 or 1024 connections against
    --web.max-connections 256. An authorised scraper from another address (wide: one that scraped
    before the attack, as Prometheus does; the others: one never seen before) every 0.5 s for
    20 s: no scrape fails, the slowest answers within 1 s, the watchdog (2 s) is never missed,
    and the attackers' connections are shed and counted."""
    name = ("crowd-wide" if wide else "crowd-tls") if tls else "crowd-plain"
    d = os.path.join(lsx.WORK, name)
    os.makedirs(d, exist_ok=True)
    tls_cfg = None
    tls_args = None
    if tls:
        pki = make_pki(os.path.join(d, "pki"))
        tls_cfg = {"cert_file": os.path.join(pki, "server.crt"), "key_file": os.path.join(pki, "server.key")}
        tls_args = (pki,)
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 10)}, tls=tls_cfg)
    notify = Notify()
    dmn = daemon(name, ["--web.config.file=" + cfg, "--poll.interval=1s", "--poll.timeout=2s"],
                 env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"})
    ctx = client_tls(*tls_args) if tls else None
    try:
        wait_metric(dmn.port, "libreswan_up", lambda v: v == 1, auth=(USER, PASSWORD), tls=ctx)
        # wide: the scraper was scraping before the attack began (its address is trusted); the
        # others prove that shedding by share alone keeps a scraper it never saw before
        if wide and get(dmn.port, auth=(USER, PASSWORD), src="127.0.5.250", tls=ctx)[0] != 200:
            fail("the scraper's scrape before the attack")
        n_addr, per = (1024, 1) if wide else (64, 8) if tls else (128, 8)
        addrs = ["127.0.%d.%d" % (8 + (i // 200), 1 + i % 200) for i in range(n_addr)]
        duration = 20.0
        start = time.monotonic() + 1.0
        stop_at = start + duration
        procs = 2
        attackers = [spawn(_crowd_worker, dmn.port, addrs[k::procs], per, stop_at + 0.5, tls, 2.0)
                     for k in range(procs)]
        time.sleep(1.0)
        scraper = spawn(_scraper, dmn.port, "127.0.5.250", stop_at, 0.5, (USER, PASSWORD), tls_args)
        scrapes = collect(*scraper, timeout=duration + 60)
        counts = collections.Counter()
        for p, q in attackers:
            counts.update(collect(p, q, timeout=60))
        if not dmn.alive():
            fail("the daemon died under the attack")
        note("attackers (%d addresses x %d): %s" % (n_addr, per, dict(counts)))
        p50, p99, worst = check_scrapes(scrapes, name)
        if worst >= 1.0:
            fail("%s: the slowest authorised scrape took %.3f s (limit 1 s)" % (name, worst))
        ok("%s: %d authorised scrapes, 0 failed, the slowest %.0f ms" % (name, len(scrapes), worst * 1e3))

        dogs = [t for t in notify.times("WATCHDOG=1") if start - 2 <= t <= stop_at + 1]
        wgaps = [b - a for a, b in zip(dogs, dogs[1:])]
        note("WATCHDOG=1 during the attack: %d, max gap %.3f s" % (len(dogs), max(wgaps or [0])))
        if len(dogs) < 10 or max(wgaps) >= 2.0:
            fail("watchdog pings: %d, gaps %s" % (len(dogs), [round(g, 3) for g in wgaps]))
        ok("the watchdog is fed (max gap %.3f s < WATCHDOG_USEC 2 s)" % max(wgaps))

        body = b""
        for _ in range(30):
            body = get(dmn.port, auth=(USER, PASSWORD), tls=ctx)[2]
            if metric(body, 'libreswan_http_rejected_total{reason="shed"}'):
                break
            time.sleep(0.2)
        page = {r: metric(body, 'libreswan_http_rejected_total{reason="%s"}' % r)
                for r in ("shed", "connection_limit", "per_ip_limit", "header_timeout", "tls_handshake")}
        note("refusals on the page: %s" % page)
        if not page["shed"]:
            fail("no connection was shed: %s" % page)
        if counts.get("closed_by_server", 0) < page["shed"] * 0.5:
            fail("the attackers saw %d closes for %d sheds" % (counts.get("closed_by_server", 0), page["shed"]))
        if episode_lines(dmn, "shed") > 1:
            fail("sheds logged more than once in one episode")
        ok("the attackers' connections are shed (%d) and counted, and logged once" % page["shed"])
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()
        notify.stop = True


def _handshake_worker(port, srcs, stop_at, tls_args, threads, results):
    """threads threads doing full TLS handshakes (new connection, one request, close) until stop_at,
    spread over the source addresses srcs (at most 8 at once from one: the per-address cap)."""
    os.nice(10)  # as in _crowd_worker: the generator does not take the daemon's CPU
    ctx = client_tls(*tls_args)
    counts = collections.Counter()
    lock = threading.Lock()

    def one(src):
        local = collections.Counter()
        while time.monotonic() < stop_at:
            st, _, _, _ = get(port, path="/-/healthy", src=src, tls=ctx, timeout=10)
            local[st if st else "failed"] += 1
        with lock:
            counts.update(local)

    ts = [threading.Thread(target=one, args=(srcs[i % len(srcs)],)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    results.put(dict(counts))


def handshakes():
    """A storm of full TLS handshakes (RSA 2048, 4 processes x 8 threads from 8 addresses, 10 s)
    with the event loop timed by bench/loopstall.c (built here with cc, preloaded): the loop's
    longest turn stays within 25 ms of the daemon thread's CPU time (one handshake step per turn,
    about one RSA signature), and authorised scrapes still answer within 1 s."""
    d = os.path.join(lsx.WORK, "handshakes")
    os.makedirs(d, exist_ok=True)
    shim = os.path.join(d, "loopstall.so")
    r = subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", shim, os.path.join(lsx.TOP_SRCDIR, "bench", "loopstall.c"),
                        "-ldl"], capture_output=True, text=True)
    if r.returncode != 0:
        lsx.skip("cannot build bench/loopstall.c: %s" % r.stderr[-200:])
    if subprocess.run(["grep", "-q", "__asan_init", lsx.EXPORTER]).returncode == 0:
        lsx.skip("sanitizer build: the preloaded shim and ASan's interceptors do not mix")
    pki = os.path.join(d, "pki")
    os.makedirs(pki, exist_ok=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "server.key", "-out", "ca.crt", cwd=pki)
    cfg = web_config(d, users={USER: bcrypt(PASSWORD, 10)},
                     tls={"cert_file": os.path.join(pki, "ca.crt"), "key_file": os.path.join(pki, "server.key")})
    out = os.path.join(d, "loopstall.txt")
    dmn = daemon("handshakes", ["--web.config.file=" + cfg, "--poll.interval=1s", "--poll.timeout=2s"],
                 env={"LD_PRELOAD": shim, "LOOPSTALL_OUT": out})
    ctx = client_tls(pki)
    try:
        wait_metric(dmn.port, "libreswan_up", lambda v: v == 1, auth=(USER, PASSWORD), tls=ctx)
        def loop_report():
            """The daemon's longest turn since the last call: (CPU ms, wall ms, turns)."""
            mark = os.path.getsize(out) if os.path.exists(out) else 0
            os.kill(dmn.pid, signal.SIGUSR1)
            time.sleep(0.5)
            # the shim is preloaded into the daemon's children too, whose exits append lines of
            # their own: the daemon's report is the one with the most turns
            with open(out) as f:
                f.seek(mark)
                lines = [l.split() for l in f.read().splitlines() if l.strip()]
            line = max(lines, key=lambda l: int(l[2]))
            return float(line[0]), float(line[1]), int(line[2])

        loop_report()  # the counters start from here
        time.sleep(5.0)
        idle_cpu, idle_wall, idle_turns = loop_report()
        note("loop without the storm (5 s, poll cycles only): %d turns, longest %.2f ms of CPU (%.2f ms wall)" %
             (idle_turns, idle_cpu, idle_wall))
        duration = 10.0
        stop_at = time.monotonic() + duration
        storms = [spawn(_handshake_worker, dmn.port, ["127.0.4.%d" % (20 + 2 * k + j) for j in range(2)],
                        stop_at, (pki,), 8) for k in range(4)]
        scraper = spawn(_scraper, dmn.port, "127.0.5.251", stop_at, 0.5, (USER, PASSWORD), (pki,))
        counts = collections.Counter()
        for p, q in storms:
            counts.update(collect(p, q, timeout=duration + 60))
        scrapes = collect(*scraper, timeout=60)
        max_cpu, max_wall, turns = loop_report()
        done = sum(v for k, v in counts.items() if k != "failed")
        note("%d TLS handshakes in %.0f s (%.0f/s), %d failed; loop: %d turns, longest %.2f ms of CPU "
             "(%.2f ms wall)" % (done, duration, done / duration, counts.get("failed", 0), turns, max_cpu, max_wall))
        _, _, worst = check_scrapes(scrapes, "handshake storm")
        if worst >= 1.0:
            fail("the slowest authorised scrape took %.3f s" % worst)
        if max_cpu >= 25.0:
            fail("the loop's longest turn took %.2f ms of CPU during the handshake storm" % max_cpu)
        ok("handshake storm: the loop's longest turn %.2f ms of CPU, scrapes within %.0f ms" %
           (max_cpu, worst * 1e3))
    finally:
        dmn.kill() if not dmn.alive() else dmn.stop()


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    scenarios = {"bruteforce": bruteforce, "slowloris": slowloris, "equalcost": equalcost, "matrix": matrix,
                 "soak": lambda n="20000": soak(int(n)),
                 "crowd-tls": lambda: crowd(True), "crowd-plain": lambda: crowd(False),
                 "crowd-wide": lambda: crowd(True, wide=True), "handshakes": handshakes}
    if len(sys.argv) < 2 or sys.argv[1] not in scenarios:
        print(__doc__)
        sys.exit(2)
    lsx.main(scenarios[sys.argv[1]], *sys.argv[2:])
