#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
"""End to end: exporter -> Prometheus (shipped rules) -> Alertmanager (shipped example) -> webhook.

Starts, on 127.0.0.1 and random ports:
  - the exporter in daemon mode, polling every second, reading the contrib fixtures through
    --input.* from symbolic links that the test repoints (site-b down, then back up);
  - a webhook receiver (this process) recording every notification;
  - Alertmanager (prometheus-alertmanager) with contrib/alertmanager/alertmanager.yml, its
    receiver URLs pointed at the webhook and its group timers cut to 1 s;
  - Prometheus with contrib/prometheus/libreswan.rules.yml (LibreswanTunnelDown's for: cut to
    2 s) sending alerts to that Alertmanager.

Proves:
  1. LibreswanTunnelDown for site-b reaches the webhook through Alertmanager, routed to the
     on-call receiver, status "firing", with its labels (severity, instance, job, connection)
     and annotations (summary, a description naming site-b);
  2. when site-b comes back (the exporter's input now shows its Child SA), the same alert
     arrives "resolved";
  3. the example's inhibition and routing, on alerts posted to Alertmanager's API: while
     LibreswanPlutoDown or LibreswanExporterDown fires for a gateway, that gateway's per-tunnel
     alerts are suppressed (and reported so by the API) while another gateway's still notify;
     warnings go to the team receiver.

Environment: EXPORTER, TOP_SRCDIR, PROMETHEUS, ALERTMANAGER (default prometheus-alertmanager).
"""

import http.server
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prometheus_e2e as e2e  # noqa: E402  (shared helpers: processes, waits, the Prometheus API)

ALERTMANAGER = os.environ.get("ALERTMANAGER", "prometheus-alertmanager")
AM_EXAMPLE = os.path.join(e2e.TOP, "contrib", "alertmanager", "alertmanager.yml")
EXAMPLE_RECEIVER = "http://alert-receiver.example.net:9095"
log = e2e.log

notifications = []  # (path, payload)
lock = threading.Lock()


class Webhook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            notifications.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


def received(pred):
    """Alerts of every notification so far, as (path, receiver, status, alert) matching pred."""
    with lock:
        got = [(p, n["receiver"], n["status"], a) for p, n in notifications for a in n["alerts"]]
    return [g for g in got if pred(*g)]


def point(link, target):
    tmp = link + ".new"
    os.symlink(target, tmp)
    os.replace(tmp, link)


def am_post(base, alerts):
    req = urllib.request.Request(base + "/api/v2/alerts", data=json.dumps(alerts).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        if r.status != 200:
            raise RuntimeError(f"POST /api/v2/alerts: {r.status}")


def am_alerts(base):
    with urllib.request.urlopen(base + "/api/v2/alerts", timeout=5) as r:
        return json.loads(r.read())


def run(work):
    fx = e2e.FIXTURES
    # 1. the exporter, reading through links the test repoints
    links = {}
    for name in ("status", "trafficstatus"):
        links[name] = os.path.join(work, name + ".txt")
        os.symlink(os.path.join(fx, name + ".txt"), links[name])
    exp = f"{e2e.HOST}:{e2e.free_port()}"
    e2e.start("exporter", [e2e.EXPORTER, f"--web.listen-address={exp}", "--poll.interval=1s",
                           "--input.status", links["status"], "--input.trafficstatus", links["trafficstatus"],
                           "--input.globalstatus", os.path.join(fx, "globalstatus.txt")], work)
    e2e.wait_for("exporter ready", lambda: e2e.http_get(f"http://{exp}/-/ready")[0] == 200, 15)

    # 2. the webhook receiver
    hook = http.server.ThreadingHTTPServer((e2e.HOST, 0), Webhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    hook_base = f"http://{e2e.HOST}:{hook.server_address[1]}"

    # 3. Alertmanager with the shipped example: receivers to the webhook, timers cut
    with open(AM_EXAMPLE, encoding="utf-8") as f:
        am_conf = f.read()
    if am_conf.count(EXAMPLE_RECEIVER) < 2:
        raise RuntimeError(f"{AM_EXAMPLE}: receiver URLs not found")
    am_conf = am_conf.replace(EXAMPLE_RECEIVER, hook_base)
    for key, value in (("group_wait", "1s"), ("group_interval", "1s"), ("repeat_interval", "1h")):
        am_conf = "\n".join(line if not line.lstrip().startswith(key + ":") else
                            line[:len(line) - len(line.lstrip())] + f"{key}: {value}"
                            for line in am_conf.splitlines())
    with open(os.path.join(work, "alertmanager.yml"), "w", encoding="utf-8") as f:
        f.write(am_conf)
    am = f"http://{e2e.HOST}:{e2e.free_port()}"
    e2e.start("alertmanager", [ALERTMANAGER, "--config.file=" + os.path.join(work, "alertmanager.yml"),
                               "--storage.path=" + os.path.join(work, "am-data"),
                               "--web.listen-address=" + am[len("http://"):],
                               "--cluster.listen-address=", "--log.level=warn"], work)
    e2e.wait_for("alertmanager ready", lambda: e2e.http_get(am + "/-/ready")[0] == 200, 30)

    # 4. Prometheus: the shipped rules, alerts to that Alertmanager
    with open(e2e.RULES, encoding="utf-8") as f:
        rules = e2e.shorten_for(f.read(), "LibreswanTunnelDown", "2s")
    with open(os.path.join(work, "libreswan.rules.yml"), "w", encoding="utf-8") as f:
        f.write(rules)
    with open(os.path.join(work, "prometheus.yml"), "w", encoding="utf-8") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - libreswan.rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['{am[len("http://"):]}']
scrape_configs:
  - job_name: libreswan
    static_configs:
      - targets: ['{exp}']
""")
    prom_port = e2e.free_port()
    e2e.start("prometheus", [e2e.PROMETHEUS, "--config.file=" + os.path.join(work, "prometheus.yml"),
                             "--storage.tsdb.path=" + os.path.join(work, "prom-data"),
                             f"--web.listen-address={e2e.HOST}:{prom_port}",
                             "--rules.alert.resend-delay=1s", "--log.level=warn"], work)
    prom = e2e.Prom(f"http://{e2e.HOST}:{prom_port}")
    e2e.wait_for("prometheus ready", lambda: e2e.http_get(prom.base + "/-/ready")[0] == 200, 30)
    t_ready = time.monotonic()

    def tunnel_b(status):
        return lambda p, r, s, a: (a["labels"].get("alertname") == "LibreswanTunnelDown"
                                   and a["labels"].get("connection") == "site-b" and s == status
                                   and a["status"] == status)

    # 5. firing, through Alertmanager, with labels and annotations
    path, receiver, _, alert = e2e.wait_for("LibreswanTunnelDown{site-b} firing at the webhook",
                                            lambda: received(tunnel_b("firing")), 60)[0]
    t_fired = time.monotonic() - t_ready
    labels, ann = alert["labels"], alert["annotations"]
    log(f"firing: receiver {receiver} ({path}), labels {labels}, annotations {ann}")
    if receiver != "ipsec-oncall" or path != "/oncall":
        raise RuntimeError(f"critical tunnel alert routed to {receiver} ({path}), not ipsec-oncall")
    want = {"alertname": "LibreswanTunnelDown", "severity": "critical", "job": "libreswan",
            "instance": exp, "connection": "site-b"}
    if any(labels.get(k) != v for k, v in want.items()):
        raise RuntimeError(f"labels {labels}, want at least {want}")
    if not ann.get("summary") or "site-b" not in ann.get("description", "") or exp not in ann["description"]:
        raise RuntimeError(f"annotations incomplete: {ann}")
    others = received(lambda p, r, s, a: a["labels"].get("alertname") == "LibreswanTunnelDown"
                      and a["labels"].get("connection") != "site-b")
    if others:
        raise RuntimeError(f"LibreswanTunnelDown for other connections: {others}")

    # 6. site-b comes back: resolved
    point(links["status"], os.path.join(fx, "status-site-b-up.txt"))
    point(links["trafficstatus"], os.path.join(fx, "trafficstatus-site-b-up.txt"))
    t_back = time.monotonic()
    e2e.wait_for("exporter: site-b up", lambda: "libreswan_connection_up{connection=\"site-b\"} 1"
                 in e2e.http_get(f"http://{exp}/metrics")[1], 15)
    path, receiver, _, alert = e2e.wait_for("LibreswanTunnelDown{site-b} resolved at the webhook",
                                            lambda: received(tunnel_b("resolved")), 60)[0]
    t_resolved = time.monotonic() - t_back
    if receiver != "ipsec-oncall" or alert["labels"] != labels or not alert.get("endsAt"):
        raise RuntimeError(f"resolved notification differs: receiver {receiver}, {alert}")
    log(f"resolved: receiver {receiver}, endsAt {alert['endsAt']}")

    # 7. inhibition and routing of the example, on alerts posted to Alertmanager
    gw = {n: f"gw{n}.example.net:10500" for n in (1, 2, 3)}
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def alert_(name, inst, severity, **extra):
        return {"labels": {"alertname": name, "job": "libreswan", "instance": inst, "severity": severity, **extra},
                "annotations": {"summary": f"{name} (posted by the test)"}, "startsAt": now}

    am_post(am, [alert_("LibreswanPlutoDown", gw[1], "critical"),
                 alert_("LibreswanExporterDown", gw[3], "warning"),
                 alert_("LibreswanTunnelDown", gw[1], "critical", connection="t1"),
                 alert_("LibreswanTunnelDown", gw[2], "critical", connection="t2"),
                 alert_("LibreswanTunnelDown", gw[3], "critical", connection="t3"),
                 alert_("LibreswanOneWayTraffic", gw[2], "warning", connection="t2")])

    def key(name, inst):
        return lambda p, r, s, a: a["labels"]["alertname"] == name and a["labels"]["instance"] == inst

    for name, inst, want_rcv in (("LibreswanPlutoDown", gw[1], "ipsec-oncall"),
                                 ("LibreswanTunnelDown", gw[2], "ipsec-oncall"),
                                 ("LibreswanExporterDown", gw[3], "ipsec-team"),
                                 ("LibreswanOneWayTraffic", gw[2], "ipsec-team")):
        got = e2e.wait_for(f"{name}{{{inst}}} at the webhook", lambda n=name, i=inst: received(key(n, i)), 30)
        if {g[1] for g in got} != {want_rcv}:
            raise RuntimeError(f"{name}{{{inst}}} routed to {sorted({g[1] for g in got})}, want {want_rcv}")
    # the inhibited ones: suppressed in the API, never notified
    def suppressed():
        state = {(a["labels"]["alertname"], a["labels"]["instance"]): a["status"] for a in am_alerts(am)}
        return all(state.get(("LibreswanTunnelDown", gw[i]), {}).get("state") == "suppressed"
                   and state[("LibreswanTunnelDown", gw[i])].get("inhibitedBy") for i in (1, 3)) and state
    state = e2e.wait_for("TunnelDown of gw1 and gw3 suppressed (inhibited)", suppressed, 15)
    time.sleep(2.5)  # more than group_wait + group_interval: a notification would have come by now
    for i in (1, 3):
        if received(key("LibreswanTunnelDown", gw[i])):
            raise RuntimeError(f"LibreswanTunnelDown of {gw[i]} notified although inhibited")
    if state[("LibreswanTunnelDown", gw[2])].get("state") != "active":
        raise RuntimeError(f"TunnelDown of gw2 is {state[('LibreswanTunnelDown', gw[2])]}")

    log(f"PASS: TunnelDown fired at the webhook {t_fired:.1f}s after Prometheus was ready and resolved "
        f"{t_resolved:.1f}s after the tunnel came back; inhibition: PlutoDown and ExporterDown "
        f"suppress their gateway's tunnel alerts; routing: critical -> ipsec-oncall, warning -> ipsec-team; "
        f"{len(notifications)} notifications in all")
    hook.shutdown()
    return True


def main():
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, e2e.on_signal)
    work = tempfile.mkdtemp(prefix="libreswan-am-e2e.")
    ok = False
    try:
        ok = run(work)
    except Exception as e:  # noqa: BLE001
        log(f"FAIL: {e}")
    finally:
        e2e.stop_all()
        if not ok:
            for _, name in e2e.procs:
                path = os.path.join(work, name + ".log")
                if os.path.exists(path):
                    with open(path, encoding="utf-8", errors="replace") as f:
                        print(f"--- last lines of {name}.log ---")
                        print("\n".join(f.read().splitlines()[-30:]))
            with lock:
                print(f"--- {len(notifications)} notifications ---")
                for p, n in notifications:
                    print(p, json.dumps(n)[:400])
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
