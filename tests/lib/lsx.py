# SPDX-License-Identifier: MIT
"""What every Python test script does, written once (tests/lib/common.sh for the shell ones).

Verdicts (ok, note, fail, skip); the exporter and other programs started in the background,
their output in a scratch directory, stopped at the end; scrapes (a raw HTTP/1.1 client for the
exporter, urllib for other servers); one metric read from a page, as common.sh reads it;
bounded waits; and main(), which runs a test and turns its outcome into the exit status
automake reads: 0 passed, 1 failed, 77 skipped. A script imports it with:

    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import lsx  # noqa: E402

Environment: TOP_SRCDIR, TOP_BUILDDIR and EXPORTER as in common.sh; WORK, a scratch directory
to use (without it, main() makes one and removes it at the end).
"""
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import warnings

TOP_SRCDIR = (os.environ.get("TOP_SRCDIR")
              or os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR") or TOP_SRCDIR
EXPORTER = os.environ.get("EXPORTER") or os.path.join(TOP_BUILDDIR, "src", "libreswan_exporter")
WORK = os.environ.get("WORK")  # main() makes one when not given
T0 = time.monotonic()

# ---------------------------------------------------------------- verdicts


class Failure(Exception):
    """A check failed: the test stops there, and main() reports it."""


def fail(msg):
    raise Failure(msg)


def ok(msg):
    print("ok - " + msg, flush=True)


def note(msg):
    print("# [%6.2fs] %s" % (time.monotonic() - T0, msg), flush=True)


def skip(msg):
    """This test cannot run here: "SKIP: msg", exit status 77."""
    print("SKIP: " + msg, flush=True)
    sys.exit(77)


# ---------------------------------------------------------------- programs in the background

PROCS = []  # every Process started, stopped or not


class Process:
    """A program running in the background, its stdout and stderr in WORK/NAME.log, its working
    directory WORK."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.log_path = os.path.join(WORK, name + ".log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=WORK)
        self.pid = self.proc.pid
        self.stopped = False
        PROCS.append(self)

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def terminate(self, timeout=5.0):
        """SIGTERM, SIGKILL after timeout seconds: (exit status, whether it exited in time)."""
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc, in_time = self.proc.wait(timeout=timeout), True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc, in_time = self.proc.wait(), False
        self._log.close()
        return rc, in_time

    def kill(self):
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._log.close()


class Exporter(Process):
    """The exporter (EXPORTER) listening on `listen` with `args`; .port is the port it logs, within
    10 s. Its environment is this one without the service manager's variables, plus `env`. `wrap`:
    words before the exporter's in argv (each must exec the next)."""

    SERVICE_MANAGER_VARS = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID")

    def __init__(self, name, args, env=None, listen="127.0.0.1:0", wrap=()):
        e = {k: v for k, v in os.environ.items() if k not in self.SERVICE_MANAGER_VARS}
        e.update(env or {})
        super().__init__(name, [*wrap, EXPORTER, "--web.listen-address=" + listen, *args], env=e)
        end = time.monotonic() + 10
        while True:
            m = re.search(r"\(port (\d+)\)", self.log_text())
            if m:
                break
            if not self.alive():
                fail("%s exited at start:\n%s" % (name, self.log_text()[-2000:]))
            if time.monotonic() > end:
                fail("%s did not report its port within 10 s" % name)
            time.sleep(0.05)
        self.port = int(m.group(1))
        self.address = "127.0.0.1:%d" % self.port

    def url(self, path="/metrics"):
        return "http://%s%s" % (self.address, path)

    def stop(self, timeout=10.0):
        """SIGTERM: the exporter must exit with status 0 within timeout seconds, its log free of
        sanitizer and fatal reports."""
        rc, in_time = self.terminate(timeout)
        text = self.log_text()
        if not in_time:
            fail("%s did not stop within %g s of SIGTERM" % (self.name, timeout))
        if re.search(r"Sanitizer|runtime error:|libmicrohttpd: .*PANIC|Fatal error", text):
            fail("%s: sanitizer or fatal report:\n%s" % (self.name, text[-4000:]))
        if rc != 0:
            fail("%s exited with status %d:\n%s" % (self.name, rc, text[-2000:]))

    def rss_kb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))


def stop_all():
    """Every program still running: SIGTERM, then SIGKILL 5 s later."""
    for p in PROCS:
        if p.alive():
            p.proc.send_signal(signal.SIGTERM)
    for p in PROCS:
        if not p.stopped:
            p.terminate()


def free_port():
    """A TCP port of 127.0.0.1 nobody listens on right now (for programs that cannot take 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- waiting


def poll_until(timeout, fn, interval=0.1):
    """Call fn until it returns a true value and return that; None after timeout seconds."""
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() >= end:
            return v or None
        time.sleep(interval)


def wait_until(what, fn, timeout=10.0, interval=0.1):
    """Call fn until it returns a true value and return that; fail after timeout seconds. A
    Failure raised by fn fails at once; any other exception means "not yet" (the last one is
    reported). A program started here and not stopped that exits fails the wait too."""
    start = time.monotonic()
    last = None
    while True:
        for p in PROCS:
            if not p.stopped and not p.alive():
                fail("%s exited with status %s while waiting for %s" % (p.name, p.proc.returncode, what))
        try:
            v = fn()
        except Failure:
            raise
        except Exception as e:  # noqa: BLE001 - not ready yet: keep polling, report the last error
            v, last = None, e
        if v:
            note("%s: after %.2f s" % (what, time.monotonic() - start))
            return v
        if time.monotonic() - start >= timeout:
            fail("timed out after %g s waiting for %s%s" % (timeout, what, " (last error: %s)" % last if last else ""))
        time.sleep(interval)


# ---------------------------------------------------------------- scrapes and metrics


def metric(page, selector, total=False):
    """The value of the first sample of a metrics page (text or bytes) that matches selector,
    as common.sh's metric reads it: a metric name with optional label matchers, in any order,
    that the sample's labels must include ('libreswan_up', 'libreswan_ike_sas{state="open"}').
    None when no sample matches; with total=True, the sum of every matching sample."""
    if isinstance(page, bytes):
        page = page.decode("utf-8", "replace")
    name, _, want = selector.partition("{")
    matchers, cur, quoted, i = [], "", False, 0
    want = want[:-1] if want.endswith("}") else want
    while i < len(want):
        c = want[i]
        if c == "\\" and quoted:
            cur += want[i:i + 2]
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        if c == "," and not quoted:
            matchers.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    matchers = [m for m in matchers + [cur] if m]
    found, sum_ = False, 0.0
    for line in page.splitlines():
        sp = line.find(" ")
        if not line or line[0] == "#" or sp < 0:
            continue
        br = line.find("{")
        if 0 <= br < sp:
            end = line.rfind("}")
            mname, labels, rest = line[:br], "," + line[br + 1:end] + ",", line[end + 2:]
        else:
            mname, labels, rest = line[:sp], ",,", line[sp + 1:]
        if mname != name or any("," + m + "," not in labels for m in matchers):
            continue
        v = float(rest.split()[0])
        if not total:
            return v
        found, sum_ = True, sum_ + v
    return sum_ if found else None


def http_get(url, timeout=2.0):
    """(status, body as text) of one GET through urllib (for servers other than the exporter), or
    (None, the error)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        return None, str(e)


def basic(user, password):
    """The Authorization header's value for HTTP basic authentication."""
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


class Conn:
    """One HTTP/1.1 connection (keep-alive) to the exporter, optionally from a given source
    address (src), over TLS (an SSLContext), or to another destination (dst)."""

    def __init__(self, port, src=None, tls=None, timeout=10.0, dst="127.0.0.1"):
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            if src:
                self.sock.bind((src, 0))
            self.sock.connect((dst, port))
            if tls:
                self.sock = tls.wrap_socket(self.sock, server_hostname="127.0.0.1")
        except BaseException:
            self.sock.close()
            raise
        self.rfile = self.sock.makefile("rb")

    def send(self, data):
        self.sock.sendall(data)

    def read_response(self, head=False, limit=None):
        """(status, headers, body) of the next response; EOFError if the server closes first.
        limit: seconds within which the whole response must arrive (else fail)."""
        deadline = time.monotonic() + limit if limit else None

        def within(read, *args):
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail("response not complete within %g s" % limit)
                self.sock.settimeout(left)
            try:
                return read(*args)
            except socket.timeout:
                if deadline is None:
                    raise
                fail("response not complete within %g s" % limit)

        line = within(self.rfile.readline, 65536)
        if not line:
            raise EOFError("closed")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise EOFError("not HTTP: %r" % line[:40])
        status = int(parts[1])
        headers = {}
        while True:
            h = within(self.rfile.readline, 65536)
            if not h:
                raise EOFError("closed in headers")
            if h in (b"\r\n", b"\n"):
                break
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        body = b""
        if not head:
            if "content-length" in headers:
                n = int(headers["content-length"])
                body = within(self.rfile.read, n)
                if len(body) < n:
                    raise EOFError("closed after %d of %d body bytes" % (len(body), n))
            elif headers.get("connection", "").lower() == "close":
                body = within(self.rfile.read)
        self.sock.settimeout(self.timeout)
        return status, headers, body

    def request(self, path="/metrics", auth=None, method="GET", extra="", limit=None):
        """One request (auth: (user, password); extra: more header lines), its response."""
        req = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
        if auth:
            req += "Authorization: %s\r\n" % basic(*auth)
        req += extra + "\r\n"
        self.send(req.encode())
        return self.read_response(head=method == "HEAD", limit=limit)

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass


def get(port, path="/metrics", auth=None, src=None, tls=None, timeout=10.0, method="GET"):
    """One request on a new connection: (status, headers, body, seconds); status None when the
    connection or the response failed."""
    t0 = time.monotonic()
    c = None
    try:
        c = Conn(port, src=src, tls=tls, timeout=timeout)
        st, hd, body = c.request(path, auth=auth, method=method, extra="Connection: close\r\n")
    except (OSError, EOFError, ValueError) as e:
        return None, {"error": repr(e)}, b"", time.monotonic() - t0
    finally:
        if c:
            c.close()
    return st, hd, body, time.monotonic() - t0


# ---------------------------------------------------------------- credentials


def bcrypt(password, cost):
    """A bcrypt hash from the system's libcrypt (as htpasswd -B makes one); skips without it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import crypt
        h = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << cost))
    except (ImportError, ValueError):
        h = None
    if not h or not h.startswith("$2"):
        skip("no bcrypt in this Python's libcrypt")
    return h


# ---------------------------------------------------------------- running a test


def main(test, *args, on_failure=None):
    """Run test(*args), then exit: 0 (after "PASS") when it returns, 1 when a check fails or it
    raises (after "FAIL: reason", the end of every program's log and on_failure()), 77 when it
    skips. What it left running is stopped; the scratch directory main made is removed."""
    global WORK
    own = None
    if not WORK:
        WORK = own = tempfile.mkdtemp(prefix="lsx-%s." % os.path.basename(sys.argv[0]).split(".")[0])
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    rc = 1
    try:
        test(*args)
        rc = 0
    except SystemExit as e:  # skip(), or a signal
        rc = e.code if isinstance(e.code, int) else 1
    except Failure as e:
        print("FAIL: %s" % e, flush=True)
    except Exception:  # noqa: BLE001 - a bug or an unexpected answer: a failure too
        print("FAIL: %s" % traceback.format_exc(), flush=True)
    finally:
        stop_all()
        if rc not in (0, 77):
            for p in PROCS:
                tail = p.log_text().splitlines()[-30:]
                print("--- last lines of %s.log ---\n%s" % (p.name, "\n".join(tail)), flush=True)
            if on_failure:
                on_failure()
        if own:
            shutil.rmtree(own, ignore_errors=True)
    if rc == 0:
        print("PASS", flush=True)
    sys.exit(rc)
