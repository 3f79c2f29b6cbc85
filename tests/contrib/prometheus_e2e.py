#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
"""End to end: a real Prometheus scrapes the daemon and evaluates the rules.

Starts the exporter in daemon mode on 127.0.0.1 (random port), fed the
Libreswan 4.10 fixtures through --input.* (the kernel helper's view of the
same gateway included) and polling every second, and a Prometheus server
(random port, temporary storage, 1 s scrape and evaluation intervals)
loading contrib/prometheus/libreswan.rules.yml with the `for:` of
LibreswanTunnelDown and LibreswanKernelSAsMissing shortened to 2 s. Then,
through the HTTP API:

  - libreswan_up is 1, and per-connection series are there
    (site-a up; site-b expected up but down);
  - LibreswanTunnelDown goes pending, then firing, for site-b only, naming the reason pluto's
    log gave (authentication_failed);
  - site-b's certificate expires in two days: the page has its notAfter to the second, and the
    two expiry alerts fire for site-b alone (its CA's stay silent);
    (not for the responder-only, on-demand or template connections);
  - LibreswanKernelSAsMissing fires for site-a only, whose inbound SA the
    kernel does not hold (pluto lists it), and the kernel collector's own
    alert stays silent;
  - every rule evaluates without error against real exporter output;
  - every query of the Grafana dashboard (variables expanded as "All")
    parses and returns data, and its template variables have values.

Every wait is bounded; both processes are killed on exit, whatever happens.
Environment: EXPORTER, TOP_SRCDIR, PROMETHEUS (default "prometheus").
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (the exporter on the fixtures, Prometheus, the dashboard's queries)
from e2e import lsx  # noqa: E402

TOTAL_BUDGET = 90.0  # seconds, for the whole test after start-up


def wait_alert(prom, name, conn, severity, t_ready, silent=None, labels_want=None):
    """Wait until alert `name` fires for connection `conn` and for nothing else (nor `silent`
    at all); check its severity, instance, annotations and labels_want. Returns {state: seconds
    after t_ready}."""
    seen = {}

    def poll():
        for a in prom.api("/api/v1/alerts")["alerts"]:
            alertname = a["labels"].get("alertname")
            if silent and alertname == silent:
                lsx.fail(f"{silent} fired: {a}")
            if alertname != name:
                continue
            if a["labels"].get("connection") != conn:
                lsx.fail(f"{name} for {a['labels'].get('connection')}: {a}")
            if a["state"] not in seen:
                seen[a["state"]] = time.monotonic() - t_ready
                lsx.note(f"{name}{{connection=\"{conn}\"}} {a['state']}")
            if a["state"] == "firing":
                ann, labels = a["annotations"], a["labels"]
                if not ann.get("summary") or conn not in ann.get("description", ""):
                    lsx.fail(f"{name}: annotations incomplete: {ann}")
                if labels.get("severity") != severity or not labels.get("instance"):
                    lsx.fail(f"{name}: labels incomplete: {labels}")
                for k, v in (labels_want or {}).items():
                    if labels.get(k) != v:
                        lsx.fail(f"{name}: label {k} is {labels.get(k)!r}, want {v!r}: {labels}")
        return "firing" in seen

    lsx.wait_until(f"{name} firing", poll, 60)
    return seen


def run():
    # 1. The exporter, in daemon mode, re-reading the fixtures every second; site-b's
    #    certificate expires in 2 days (a copy of the listing with that date).
    listcerts, site_b_not_after = e2e.listing_expiring_in(2 * 86400)
    exporter = e2e.exporter("exporter", e2e.GATEWAY + e2e.certificate_inputs(listcerts))
    page = lsx.http_get(exporter.url())[1]
    if lsx.metric(page, "libreswan_up") != 1:
        lsx.fail("exporter page has no `libreswan_up 1`")
    got = lsx.metric(page, 'libreswan_connection_certificate_not_after_timestamp_seconds{connection="site-b"}')
    if got != site_b_not_after:
        lsx.fail(f"site-b's certificate notAfter on the page: {got}, want {site_b_not_after}")

    # 2. Prometheus with the shipped rules, the for: of the alerts awaited here cut to 2s.
    e2e.rules("LibreswanTunnelDown", "LibreswanKernelSAsMissing", "LibreswanCertificateExpiring",
              "LibreswanCertificateExpiringCritical")
    prom = e2e.Prom("prometheus", e2e.config(exporter.address))
    t_ready = time.monotonic()

    # 3. Scrapes arrive.
    lsx.wait_until("target up", lambda: prom.value('up{job="libreswan"}') == 1.0, 30)
    lsx.wait_until("libreswan_up == 1", lambda: prom.value('libreswan_up{job="libreswan"}') == 1.0, 30)
    checks = [
        ('libreswan_connection_up{connection="site-a"}', 1.0),
        ('libreswan_connection_expected_up{connection="site-b"}', 1.0),
        ('libreswan_connection_up{connection="site-b"}', 0.0),
        ('libreswan_connection_expected_up{connection="responder"}', 0.0),
        ('libreswan_connection_expected_up{connection="ondemand"}', 0.0),
        ('libreswan_connection_expected_up{connection="rw"}', 0.0),
    ]
    for expr, want in checks:
        got = lsx.wait_until(expr, lambda e=expr: prom.query(e) or None, 10)
        vals = list(got.values())
        if vals != [want]:
            lsx.fail(f"{expr} = {got}, want one series with value {want}")
    # Bytes counters reach Prometheus as counters.
    lsx.wait_until("site-a byte counters", lambda: (prom.value(
        'libreswan_connection_in_bytes_total{connection="site-a"}') or 0) > 0, 10)

    # 4. The tunnel-down alert for site-b: pending, then firing; nothing else. pluto's log
    #    (--input.events) says its peer refuses its authentication: the alert names it.
    seen = wait_alert(prom, "LibreswanTunnelDown", "site-b", "critical", t_ready,
                      labels_want={"reason": "authentication_failed"})
    if "pending" not in seen:
        # Sampled too slowly to see it; the rule state history is the proof.
        lsx.note("the pending phase was not observed between two API calls")

    # 4b. The kernel's view: site-a's inbound SA is missing from the kernel, so
    #     LibreswanKernelSAsMissing fires for site-a and for nothing else, while
    #     the kernel collector's own alert stays silent.
    lsx.wait_until("libreswan_kernel_up == 1", lambda: prom.value('libreswan_kernel_up{job="libreswan"}') == 1.0, 30)
    wait_alert(prom, "LibreswanKernelSAsMissing", "site-a", "critical", t_ready, silent="LibreswanKernelCollectorDown")

    # 4c. Site-b's certificate expires in 2 days: both expiry alerts fire for site-b and for
    #     no other connection (theirs run for years); its CA's alert stays silent.
    wait_alert(prom, "LibreswanCertificateExpiringCritical", "site-b", "critical", t_ready,
               silent="LibreswanCACertificateExpiringCritical")
    wait_alert(prom, "LibreswanCertificateExpiring", "site-b", "warning", t_ready,
               silent="LibreswanCACertificateExpiring")

    # 5. Every rule evaluated cleanly on real exporter output.
    def rules_healthy():
        groups = prom.api("/api/v1/rules")["groups"]
        rules_ = [r for g in groups for r in g["rules"]]
        if not rules_ or any(r.get("health") == "unknown" for r in rules_):
            return False
        bad = [(r["name"], r.get("lastError")) for r in rules_ if r.get("health") != "ok"]
        if bad:
            lsx.fail(f"rules failing to evaluate: {bad}")
        return len(rules_)

    n = lsx.wait_until("all rules healthy", rules_healthy, 15)
    # Recording rules produce series from the real data.
    lsx.wait_until("recorded connections down", lambda: prom.value(
        'instance:libreswan_connections_down:sum{job="libreswan"}') == 1.0, 15)

    # 6. Every dashboard query parses and returns data on the real page, as
    #    Grafana would send it with all instances and connections selected.
    npanels = e2e.check_dashboard_queries(prom)

    firing = [a for a in prom.api("/api/v1/alerts")["alerts"] if a["state"] == "firing"]
    lsx.ok(f"{n} rules healthy, {npanels} dashboard queries with data; TunnelDown "
           + ", ".join(f"{s} at {t:.1f}s" for s, t in sorted(seen.items(), key=lambda kv: kv[1]))
           + " after Prometheus was ready; alerts firing: "
           + ", ".join(sorted({a['labels']['alertname'] for a in firing})))
    if time.monotonic() - t_ready > TOTAL_BUDGET:
        lsx.fail("took longer than the time budget")


if __name__ == "__main__":
    lsx.main(run)
