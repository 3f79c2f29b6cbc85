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
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (the exporter on the fixtures, Prometheus, the dashboard's queries)
from e2e import lsx  # noqa: E402

ALERTMANAGER = os.environ.get("ALERTMANAGER", "prometheus-alertmanager")
AM_EXAMPLE = os.path.join(lsx.TOP_SRCDIR, "contrib", "alertmanager", "alertmanager.yml")
EXAMPLE_RECEIVER = "http://alert-receiver.example.net:9095"

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
            lsx.fail(f"POST /api/v2/alerts: {r.status}")


def am_alerts(base):
    with urllib.request.urlopen(base + "/api/v2/alerts", timeout=5) as r:
        return json.loads(r.read())


def run():
    # 1. the exporter, reading through links the test repoints
    links = {}
    for name in ("status", "trafficstatus"):
        links[name] = os.path.join(lsx.WORK, name + ".txt")
        os.symlink(e2e.fixture(name + ".txt"), links[name])
    exp = e2e.exporter("exporter", ["--input.status", links["status"], "--input.trafficstatus", links["trafficstatus"],
                                    "--input.globalstatus", e2e.fixture("globalstatus.txt")]).address

    # 2. the webhook receiver
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    hook_base = f"http://127.0.0.1:{hook.server_address[1]}"

    # 3. Alertmanager with the shipped example: receivers to the webhook, timers cut
    with open(AM_EXAMPLE, encoding="utf-8") as f:
        am_conf = f.read()
    if am_conf.count(EXAMPLE_RECEIVER) < 2:
        lsx.fail(f"{AM_EXAMPLE}: receiver URLs not found")
    am_conf = am_conf.replace(EXAMPLE_RECEIVER, hook_base)
    for key, value in (("group_wait", "1s"), ("group_interval", "1s"), ("repeat_interval", "1h")):
        am_conf = "\n".join(line if not line.lstrip().startswith(key + ":") else
                            line[:len(line) - len(line.lstrip())] + f"{key}: {value}"
                            for line in am_conf.splitlines())
    with open(os.path.join(lsx.WORK, "alertmanager.yml"), "w", encoding="utf-8") as f:
        f.write(am_conf)
    am_addr = "127.0.0.1:%d" % lsx.free_port()
    am = "http://" + am_addr
    lsx.Process("alertmanager", [ALERTMANAGER, "--config.file=" + os.path.join(lsx.WORK, "alertmanager.yml"),
                                 "--storage.path=" + os.path.join(lsx.WORK, "am-data"), "--web.listen-address=" + am_addr,
                                 "--cluster.listen-address=", "--log.level=warn"])
    lsx.wait_until("alertmanager ready", lambda: lsx.http_get(am + "/-/ready")[0] == 200, 30)

    # 4. Prometheus: the shipped rules, alerts to that Alertmanager
    e2e.rules("LibreswanTunnelDown")
    e2e.Prom("prometheus", e2e.config(exp, alertmanager=am_addr), "--rules.alert.resend-delay=1s")
    t_ready = time.monotonic()

    def tunnel_b(status):
        return lambda p, r, s, a: (a["labels"].get("alertname") == "LibreswanTunnelDown"
                                   and a["labels"].get("connection") == "site-b" and s == status
                                   and a["status"] == status)

    # 5. firing, through Alertmanager, with labels and annotations
    path, receiver, _, alert = lsx.wait_until("LibreswanTunnelDown{site-b} firing at the webhook",
                                            lambda: received(tunnel_b("firing")), 60)[0]
    t_fired = time.monotonic() - t_ready
    labels, ann = alert["labels"], alert["annotations"]
    lsx.note(f"firing: receiver {receiver} ({path}), labels {labels}, annotations {ann}")
    if receiver != "ipsec-oncall" or path != "/oncall":
        lsx.fail(f"critical tunnel alert routed to {receiver} ({path}), not ipsec-oncall")
    want = {"alertname": "LibreswanTunnelDown", "severity": "critical", "job": "libreswan",
            "instance": exp, "connection": "site-b"}
    if any(labels.get(k) != v for k, v in want.items()):
        lsx.fail(f"labels {labels}, want at least {want}")
    if not ann.get("summary") or "site-b" not in ann.get("description", "") or exp not in ann["description"]:
        lsx.fail(f"annotations incomplete: {ann}")
    others = received(lambda p, r, s, a: a["labels"].get("alertname") == "LibreswanTunnelDown"
                      and a["labels"].get("connection") != "site-b")
    if others:
        lsx.fail(f"LibreswanTunnelDown for other connections: {others}")

    # 6. site-b comes back: resolved
    point(links["status"], e2e.fixture("status-site-b-up.txt"))
    point(links["trafficstatus"], e2e.fixture("trafficstatus-site-b-up.txt"))
    t_back = time.monotonic()
    lsx.wait_until("exporter: site-b up", lambda: "libreswan_connection_up{connection=\"site-b\"} 1"
                 in lsx.http_get(f"http://{exp}/metrics")[1], 15)
    path, receiver, _, alert = lsx.wait_until("LibreswanTunnelDown{site-b} resolved at the webhook",
                                            lambda: received(tunnel_b("resolved")), 60)[0]
    t_resolved = time.monotonic() - t_back
    if receiver != "ipsec-oncall" or alert["labels"] != labels or not alert.get("endsAt"):
        lsx.fail(f"resolved notification differs: receiver {receiver}, {alert}")
    lsx.note(f"resolved: receiver {receiver}, endsAt {alert['endsAt']}")

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
        got = lsx.wait_until(f"{name}{{{inst}}} at the webhook", lambda n=name, i=inst: received(key(n, i)), 30)
        if {g[1] for g in got} != {want_rcv}:
            lsx.fail(f"{name}{{{inst}}} routed to {sorted({g[1] for g in got})}, want {want_rcv}")
    # the inhibited ones: suppressed in the API, never notified
    def suppressed():
        state = {(a["labels"]["alertname"], a["labels"]["instance"]): a["status"] for a in am_alerts(am)}
        return all(state.get(("LibreswanTunnelDown", gw[i]), {}).get("state") == "suppressed"
                   and state[("LibreswanTunnelDown", gw[i])].get("inhibitedBy") for i in (1, 3)) and state
    state = lsx.wait_until("TunnelDown of gw1 and gw3 suppressed (inhibited)", suppressed, 15)
    time.sleep(2.5)  # more than group_wait + group_interval: a notification would have come by now
    for i in (1, 3):
        if received(key("LibreswanTunnelDown", gw[i])):
            lsx.fail(f"LibreswanTunnelDown of {gw[i]} notified although inhibited")
    if state[("LibreswanTunnelDown", gw[2])].get("state") != "active":
        lsx.fail(f"TunnelDown of gw2 is {state[('LibreswanTunnelDown', gw[2])]}")

    lsx.ok(f"TunnelDown fired at the webhook {t_fired:.1f}s after Prometheus was ready and resolved "
           f"{t_resolved:.1f}s after the tunnel came back; inhibition: PlutoDown and ExporterDown "
           f"suppress their gateway's tunnel alerts; routing: critical -> ipsec-oncall, warning -> ipsec-team; "
           f"{len(notifications)} notifications in all")
    hook.shutdown()


def dump_notifications():
    with lock:
        print(f"--- {len(notifications)} notifications ---")
        for p, n in notifications:
            print(p, json.dumps(n)[:400])


if __name__ == "__main__":
    lsx.main(run, on_failure=dump_notifications)
