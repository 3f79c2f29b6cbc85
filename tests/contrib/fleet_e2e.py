#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
"""Many gateways: three exporters -> Prometheus agent -> remote write -> central Prometheus.

Starts, on 127.0.0.1 and random ports:
  - three exporters in daemon mode, one per simulated gateway, each fed a different saved
    Libreswan output through --input.* (a gateway with a tunnel down and its kernel state, one with every tunnel
    up, one of Libreswan's own lab captures with half-open IKE SAs);
  - a central Prometheus from contrib/prometheus/fleet/central.yml, started with
    --web.enable-remote-write-receiver, loading contrib/prometheus/libreswan.rules.yml;
  - a Prometheus in agent mode (--enable-feature=agent before Prometheus 3, --agent from 3.0 on)
    from contrib/prometheus/fleet/agent.yml, scraping the three exporters and remote-writing to
    the central one.
Both configurations are the shipped examples with targets, addresses and intervals replaced.

Proves, through the central Prometheus's API:
  1. per-gateway series of all three exporters arrive (libreswan_up, up, connection series),
     carrying the agent's external label, and the agent itself stores nothing it could query;
  2. the recording rules work across the instances there: instance:libreswan_connections_down:sum
     per gateway equals what each exporter's page says, and the fleet totals agree;
  3. every query of the dashboard's "Fleet overview" row returns the fleet: a value or a
     series per gateway, matching the pages; and every other dashboard query returns data.

Environment: EXPORTER, TOP_SRCDIR, PROMETHEUS.
"""

import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (the exporter on the fixtures, Prometheus, the dashboard's queries)
from e2e import lsx  # noqa: E402

FLEET = os.path.join(lsx.TOP_SRCDIR, "contrib", "prometheus", "fleet")
LAB = os.path.join(lsx.TOP_SRCDIR, "tests", "fixtures")


def gateways():
    """(name, --input.* arguments) of the simulated gateways."""
    return [
        ("gw1", e2e.GATEWAY + e2e.certificate_inputs()),
        ("gw2", ["--input.status", e2e.fixture("status-site-b-up.txt"),
                 "--input.trafficstatus", e2e.fixture("trafficstatus-site-b-up.txt"),
                 "--input.globalstatus", e2e.fixture("globalstatus.txt")]),
        ("gw3", ["--input.status", os.path.join(LAB, "status", "4.10-lab-half-open--status.txt"),
                 "--input.globalstatus", os.path.join(LAB, "global", "4.10-lab.txt")]),
    ]


def replace_once(text, old, new, what):
    if text.count(old) != 1:
        lsx.fail(f"{what}: expected one {old!r}")
    return text.replace(old, new)


def labels_of(key):
    """The label set of a result of e2e.Prom.query (keyed by its labels as JSON)."""
    return json.loads(key)


def page_down_count(page):
    """Connections the page says are expected up but not up (what the rules count)."""
    vals = {}
    for m in re.finditer(r'^libreswan_connection_(up|expected_up)\{connection="([^"]*)"\} (\S+)$', page, re.M):
        vals.setdefault(m.group(2), {})[m.group(1)] = float(m.group(3))
    return sum(max(v.get("expected_up", 0) - v.get("up", 0), 0) for v in vals.values())


def fleet_panels():
    with open(e2e.DASHBOARD, encoding="utf-8") as f:
        dash = json.load(f)
    out, in_fleet = [], False
    for p in dash["panels"]:
        if p["type"] == "row":
            in_fleet = p["title"] == "Fleet overview"
            continue
        if in_fleet:
            out.append(p)
    if len(out) < 5:
        lsx.fail(f"the dashboard's Fleet overview row has {len(out)} panels")
    return out


def agent_flag():
    """Agent mode: a feature flag in Prometheus 2.32 to 2.x, a flag of its own from 3.0 on."""
    r = subprocess.run([e2e.PROMETHEUS, "--version"], capture_output=True, text=True, check=False)
    out = r.stdout + r.stderr
    m = re.search(r"version (\d+)\.", out)
    return "--agent" if m and int(m.group(1)) >= 3 else "--enable-feature=agent"


def run():
    # 1. three gateways' exporters
    exporters, pages = {}, {}
    for name, inputs in gateways():
        exporters[name] = e2e.exporter("exporter-" + name, inputs).address
        pages[name] = lsx.http_get(f"http://{exporters[name]}/metrics")[1]
    down = {exporters[n]: page_down_count(p) for n, p in pages.items()}
    lsx.note(f"tunnels down per gateway, as the pages say: {down}")

    # 2. the central Prometheus, the shipped example
    with open(os.path.join(FLEET, "central.yml"), encoding="utf-8") as f:
        central = f.read()
    central = replace_once(central, "evaluation_interval: 30s", "evaluation_interval: 1s", "central.yml")
    central = replace_once(central, "../libreswan.rules.yml", e2e.RULES, "central.yml")
    central = replace_once(central, "alertmanager.example.net:9093", "127.0.0.1:%d" % lsx.free_port(), "central.yml")
    prom = e2e.Prom("central", central, "--web.enable-remote-write-receiver")

    # 3. the agent, the shipped example
    with open(os.path.join(FLEET, "agent.yml"), encoding="utf-8") as f:
        agent = f.read()
    agent = replace_once(agent, "scrape_interval: 30s", "scrape_interval: 1s", "agent.yml")
    for i, name in enumerate(exporters, 1):
        agent = replace_once(agent, f"vpn-gw{i}.example.net:10500", exporters[name], "agent.yml")
    agent = replace_once(agent, "http://prometheus-central.example.net:9090/api/v1/write",
                         f"{prom.base}/api/v1/write\n    queue_config:\n      batch_send_deadline: 1s",
                         "agent.yml")
    site = re.search(r"^\s+site: (\S+)$", agent, re.M).group(1)
    agent = e2e.Prom("agent", agent, agent_flag(), agent=True)
    t0 = time.monotonic()

    # 4. per-gateway series in the central Prometheus
    want_instances = set(exporters.values())

    def arrived():
        got = prom.query('libreswan_up{job="libreswan"}')
        inst = {labels_of(k)["instance"] for k in got}
        return got if inst == want_instances else None

    got = lsx.wait_until("libreswan_up of the three gateways in the central Prometheus", arrived, 60)
    for k, v in got.items():
        labels = labels_of(k)
        if labels.get("site") != site or v != 1.0:
            lsx.fail(f"libreswan_up {labels} = {v}: want 1 with site={site}")
    lsx.note(f"central: libreswan_up from {sorted(want_instances)} with site={site}, "
             f"{time.monotonic() - t0:.1f}s after the agent started")
    lsx.wait_until("up == 1 of the three gateways in the central Prometheus", lambda: {
        (labels_of(k)["instance"], v) for k, v in prom.query('up{job="libreswan"}').items()}
        == {(i, 1.0) for i in want_instances}, 30)
    want_conns = {addr: float(len(re.findall(r"^libreswan_connection_info\{", pages[name], re.M)))
                  for name, addr in exporters.items()}

    def conns():
        got = {labels_of(k)["instance"]: v for k, v in prom.query("count by (instance) (libreswan_connection_info)").items()}
        return got if got == want_conns else None

    per_conn = lsx.wait_until(f"connection_info series per gateway as on the pages ({want_conns})", conns, 30)
    lsx.note(f"central: connection series per gateway as on the pages: {per_conn}")
    status, _ = lsx.http_get(f"{agent.base}/api/v1/query?query=up")
    lsx.note(f"agent query API: HTTP {status} (an agent stores nothing to query)")

    # 5. recording rules across the instances
    def recorded():
        r = prom.query("instance:libreswan_connections_down:sum")
        vals = {labels_of(k)["instance"]: v for k, v in r.items()}
        return vals if vals == down else None

    lsx.wait_until(f"instance:libreswan_connections_down:sum per gateway == {down}", recorded, 30)
    totals = {
        "job:libreswan_gateways:count": 3.0,
        "job:libreswan_gateways_pluto_down:sum": 0.0,
        "job:libreswan_gateways_tunnels_down:sum": float(sum(1 for v in down.values() if v > 0)),
        "job:libreswan_connections_down:sum": float(sum(down.values())),
    }
    for expr, want in totals.items():
        lsx.wait_until(f"{expr} == {want}", lambda e=expr, w=want: prom.value(e) == w, 30)

    # 6. the dashboard's fleet row, and every other query
    time.sleep(2)
    for p in fleet_panels():
        for t in p["targets"]:
            expr = e2e.grafana_expand(t["expr"])
            r = prom.query(expr)
            if not r:
                lsx.fail(f"fleet panel {p['title']!r}: no data for {expr}")
            if p["title"] == "Gateways" and list(r.values()) != [3.0]:
                lsx.fail(f"panel Gateways: {r}")
            if p["title"] == "Tunnels down per gateway":
                vals = {labels_of(k)["instance"]: v for k, v in r.items()}
                if vals != down:
                    lsx.fail(f"panel {p['title']!r}: {vals}, the pages say {down}")
            if p["title"] == "Worst offenders":
                inst = {labels_of(k)["instance"] for k in r}
                want_inst = {i for i, v in down.items() if v > 0}
                if inst != want_inst:
                    lsx.fail(f"panel Worst offenders lists {inst}, want the gateways with tunnels down {want_inst}")
            lsx.note(f"fleet panel {p['title']!r}: {len(r)} result(s): "
                     + ", ".join(f"{'/'.join(labels_of(k)[n] for n in ('instance', 'connection') if n in labels_of(k))}"
                                 f"={v:g}" for k, v in sorted(r.items())))
    n = e2e.check_dashboard_queries(prom)
    lsx.ok(f"3 gateways through the agent into the central Prometheus; recording rules per gateway and "
           f"for the fleet agree with the pages; {n} dashboard queries with data there")


if __name__ == "__main__":
    lsx.main(run)
