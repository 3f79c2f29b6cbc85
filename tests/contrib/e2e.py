# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
"""The contrib end-to-end tests' own part (tests/lib/lsx.py has the rest): exporters fed the
contrib fixtures, a real Prometheus with the shipped rules and its HTTP API, and the Grafana
dashboard's queries. Only 127.0.0.1; every program started is stopped by lsx.main().

Environment: PROMETHEUS (default "prometheus"), and lsx's.
"""
import json
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lsx  # noqa: E402

PROMETHEUS = os.environ.get("PROMETHEUS", "prometheus")
FIXTURES = os.path.join(lsx.TOP_SRCDIR, "tests", "contrib", "fixtures")
RULES = os.path.join(lsx.TOP_SRCDIR, "contrib", "prometheus", "libreswan.rules.yml")
DASHBOARD = os.path.join(lsx.TOP_SRCDIR, "contrib", "grafana", "libreswan.json")


def fixture(name):
    return os.path.join(FIXTURES, name)


# the gateway of the fixtures: site-a up (its inbound SA missing from the kernel), site-b
# expected up but down, and connections not expected up
GATEWAY = ["--input.status", fixture("status.txt"), "--input.trafficstatus", fixture("trafficstatus.txt"),
           "--input.globalstatus", fixture("globalstatus.txt"), "--input.kernel", fixture("kernel.txt"),
           "--input.events", fixture("pluto.log")]


def certificate_inputs(listcerts=None):
    """The --input.* flags of the gateway's certificate listings and pool (listcerts: another
    --listcerts output, e.g. listing_expiring_in()'s)."""
    return ["--input.listcerts", listcerts or fixture("listcerts.txt"),
            "--input.listcacerts", fixture("listcacerts.txt"),
            "--input.listcrls", fixture("listcrls.txt"),
            "--input.addresspoolstatus", fixture("addresspoolstatus.txt")]


def listing_expiring_in(seconds):
    """A copy of the fixtures' listcerts.txt in WORK whose gw1-site-b (site-b's certificate)
    expires `seconds` from now, printed as whack prints it (UTC); (its path, that notAfter)."""
    not_after = int(time.time()) + seconds
    with open(fixture("listcerts.txt"), encoding="utf-8") as f:
        text = f.read()
    block = re.compile(r'(End certificate "NSS Certificate DB:gw1-site-b".*?not after: )[^\n]+', re.S)
    text, n = block.subn(lambda m: m.group(1) + time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(not_after)),
                         text, count=1)
    if n != 1:
        lsx.fail("no gw1-site-b certificate in listcerts.txt")
    path = os.path.join(lsx.WORK, "listcerts.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path, not_after


def exporter(name, inputs):
    """An exporter in daemon mode re-reading the --input.* files of `inputs` every second, once
    it answers /-/ready."""
    e = lsx.Exporter(name, ["--poll.interval=1s", *inputs])
    lsx.wait_until(name + " ready", lambda: lsx.http_get(e.url("/-/ready"))[0] == 200, 15)
    return e


def shorten_for(rules_text, alert, new_for):
    pat = re.compile(r"(- alert: %s\n(?:[ \t]+.*\n|\n)*?[ \t]+for: )\S+" % re.escape(alert))
    out, n = pat.subn(r"\g<1>" + new_for, rules_text, count=1)
    if n != 1:
        lsx.fail("could not find the for: of %s in %s" % (alert, RULES))
    return out


def rules(*alerts):
    """WORK/libreswan.rules.yml: the shipped rules with the for: of each alert named cut to 2 s."""
    with open(RULES, encoding="utf-8") as f:
        text = f.read()
    for alert in alerts:
        text = shorten_for(text, alert, "2s")
    path = os.path.join(lsx.WORK, "libreswan.rules.yml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def config(target, alertmanager=None):
    """A Prometheus configuration: 1 s intervals, WORK/libreswan.rules.yml, job "libreswan"
    scraping target, alerts sent to alertmanager (host:port) when given."""
    alerting = f"""alerting:
  alertmanagers:
    - static_configs:
        - targets: ['{alertmanager}']
""" if alertmanager else ""
    return f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - libreswan.rules.yml
{alerting}scrape_configs:
  - job_name: libreswan
    static_configs:
      - targets: ['{target}']
"""


class Prom:
    """A Prometheus server started here with configuration `conf` (text, written to
    WORK/NAME.yml) and `flags`, on a free port, once it answers /-/ready; an agent (no query
    API, its own storage flag) with agent=True."""

    def __init__(self, name, conf, *flags, agent=False):
        path = os.path.join(lsx.WORK, name + ".yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(conf)
        self.address = "127.0.0.1:%d" % lsx.free_port()
        self.base = "http://" + self.address
        storage = "--storage.agent.path=" if agent else "--storage.tsdb.path="
        lsx.Process(name, [PROMETHEUS, "--config.file=" + path, storage + os.path.join(lsx.WORK, name + "-data"),
                           "--web.listen-address=" + self.address, "--log.level=warn", *flags])
        lsx.wait_until(name + " ready", lambda: lsx.http_get(self.base + "/-/ready")[0] == 200, 30)

    def api(self, path, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        status, body = lsx.http_get(url)
        if status != 200:
            raise RuntimeError(f"GET {url}: {status} {body[:200]}")
        doc = json.loads(body)
        if doc.get("status") != "success":
            raise RuntimeError(f"GET {url}: {doc}")
        return doc["data"]

    def query(self, expr):
        """{labels as JSON: value} of an instant query."""
        data = self.api("/api/v1/query", query=expr)
        return {json.dumps(r["metric"], sort_keys=True): float(r["value"][1]) for r in data["result"]}

    def value(self, expr):
        r = self.query(expr)
        if len(r) != 1:
            return None
        return next(iter(r.values()))


def grafana_expand(expr):
    """The variables as Grafana expands them with "All" selected."""
    return (expr.replace("$instance", ".*").replace("$connection", ".*")
            .replace("$__rate_interval", "1m").replace("$__range", "1m").replace("${datasource}", ""))


def check_dashboard_queries(prom):
    """Every template variable of the dashboard has values and every panel's query returns data in
    prom; returns the number of queries."""
    with open(DASHBOARD, encoding="utf-8") as f:
        dash = json.load(f)

    def walk(panels):
        for p in panels:
            yield p
            yield from walk(p.get("panels", []))

    for v in dash["templating"]["list"]:
        if v["type"] != "query":
            continue
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", v["query"]["query"])
        if not m:
            lsx.fail(f"variable {v['name']}: unexpected query {v['query']}")
        values = prom.api(f"/api/v1/label/{m.group(2)}/values", **{"match[]": grafana_expand(m.group(1))})
        if not values:
            lsx.fail(f"variable {v['name']} has no values")
        lsx.note(f"variable {v['name']}: {values}")
    # Rates need two samples inside their window.
    time.sleep(2)
    count = 0
    for p in walk(dash["panels"]):
        for t in p.get("targets", []):
            expr = grafana_expand(t["expr"])
            if not prom.api("/api/v1/query", query=expr)["result"]:
                lsx.fail(f"panel {p['title']!r} query {t['refId']} returns no data: {expr}")
            count += 1
    return count
