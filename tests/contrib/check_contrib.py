#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (C) 2026 The libreswan_exporter authors
"""Checks for the files in contrib/ (run by dashboard.sh and metric-names.sh).

  check_contrib.py dashboard TOP_SRCDIR
      The Grafana dashboard is valid JSON that file provisioning accepts: a
      stable uid, Grafana 10+ schema, no __inputs, a datasource variable plus
      instance and connection variables, and every panel and query using the
      ${datasource} variable.

  check_contrib.py names TOP_SRCDIR PAGE
      Every libreswan_* metric name used by the rules and the dashboard is a
      metric family (# TYPE line) on PAGE, the exporter's output for the
      fixtures, so a rename cannot silently break an alert or a panel.

Standard library only; PyYAML is used when present, else a small reader for
the `expr:` fields of the rule file.
"""

import json
import os
import re
import sys

RULES = "contrib/prometheus/libreswan.rules.yml"
DASHBOARD = "contrib/grafana/libreswan.json"

# A PromQL identifier as a whole token: recording-rule outputs such as
# connection:libreswan_connection_in_bytes:rate5m contain a colon and are
# taken as one token, so they are not mistaken for exporter metrics.
TOKEN = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
# Suffixes Prometheus derives from a family name.
DERIVED = ("_bucket", "_sum", "_count", "_created", "_total", "_info")

errors = []


def fail(msg):
    errors.append(msg)


def read(top, rel):
    with open(os.path.join(top, rel), encoding="utf-8") as f:
        return f.read()


def rule_exprs(text):
    """The expr strings of every rule, with their rule name."""
    try:
        import yaml  # noqa: PLC0415
    except ImportError:
        yaml = None
    if yaml is not None:
        doc = yaml.safe_load(text)
        out = []
        for group in doc["groups"]:
            for rule in group["rules"]:
                out.append((rule.get("alert") or rule.get("record"), str(rule["expr"])))
        return out
    # Fallback: `expr: <one line>` or `expr: |` followed by a more indented block.
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)expr:\s*(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, rest = len(m.group(1)), m.group(2)
        if rest.strip() in ("|", "|-", ">", ">-"):
            block = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or
                                      len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i])
                i += 1
            out.append(("?", "\n".join(block)))
        else:
            out.append(("?", rest))
            i += 1
    return out


def recorded_names(text):
    return set(re.findall(r"^\s*-?\s*record:\s*(\S+)", text, re.M))


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def dashboard_exprs(dash):
    out = []
    for p in walk_panels(dash.get("panels", [])):
        for t in p.get("targets", []):
            if "expr" in t:
                out.append((p.get("title", "?"), t["expr"]))
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query", "")
        if v.get("type") == "query" and q:
            out.append(("variable " + v["name"], q))
    return out


def check_dashboard(top):
    try:
        dash = json.loads(read(top, DASHBOARD))
    except ValueError as e:
        fail(f"{DASHBOARD}: invalid JSON: {e}")
        return
    if "__inputs" in dash:
        fail("dashboard has __inputs: file provisioning cannot resolve ${DS_...} inputs")
    if "__requires" in dash:
        fail("dashboard has __requires (an export-for-sharing leftover)")
    if not isinstance(dash.get("uid"), str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", dash["uid"]):
        fail(f"dashboard uid missing or invalid: {dash.get('uid')!r}")
    if dash.get("id") not in (None,):
        fail("dashboard has a numeric id: provisioning would clash with the database id")
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 38:
        fail(f"schemaVersion {dash.get('schemaVersion')!r} is older than Grafana 10 (38)")
    if not dash.get("title"):
        fail("dashboard has no title")

    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        fail("no datasource variable `datasource` of type datasource, query prometheus")
    for name in ("instance", "connection"):
        v = variables.get(name)
        if not v:
            fail(f"no `{name}` template variable")
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        if v.get("type") != "query" or not q.startswith("label_values("):
            fail(f"variable `{name}` is not a label_values() query")
        if not re.search(r"label_values\([^)]*,\s*%s\s*\)$" % name, q):
            fail(f"variable `{name}` does not query the `{name}` label: {q}")
        if v.get("datasource", {}).get("uid") != "${datasource}":
            fail(f"variable `{name}` does not use ${{datasource}}")

    ids = []
    nexprs = 0
    for p in walk_panels(dash.get("panels", [])):
        title = p.get("title", "?")
        ids.append(p.get("id"))
        if "gridPos" not in p:
            fail(f"panel {title!r} has no gridPos")
        if p.get("type") == "row":
            continue
        if p.get("datasource", {}).get("uid") != "${datasource}":
            fail(f"panel {title!r} datasource is not ${{datasource}}: {p.get('datasource')!r}")
        if not p.get("targets"):
            fail(f"panel {title!r} has no queries")
        for t in p.get("targets", []):
            nexprs += 1
            if t.get("datasource", {}).get("uid") != "${datasource}":
                fail(f"panel {title!r} query {t.get('refId')} datasource is not ${{datasource}}")
            expr = t.get("expr", "")
            for var in re.findall(r"\$\{?([A-Za-z_]\w*)", expr):
                if var not in variables and not var.startswith("__"):
                    fail(f"panel {title!r} uses undefined variable ${var}")
            if not expr.strip():
                fail(f"panel {title!r} query {t.get('refId')} is empty")
    if len(ids) != len(set(ids)) or None in ids:
        fail("panel ids are missing or not unique")

    # The panels the dashboard promises.
    titles = " | ".join(p.get("title", "") for p in walk_panels(dash.get("panels", [])))
    for want in ("pluto", "Connections loaded", "Connections up", "Down but expected up",
                 "IKE SAs by state", "Half-open", "Connections", "Received per connection",
                 "Sent per connection", "IKE SAs established / failed", "Poll duration",
                 "Poll errors", "Parse errors"):
        if want not in titles:
            fail(f"no panel titled {want!r}")
    # Any hard-coded datasource anywhere (e.g. a forgotten uid in an override).
    for m in re.finditer(r'"uid":\s*"([^"]*)"', json.dumps(dash)):
        if m.group(1) not in ("${datasource}", "-- Grafana --", dash["uid"]):
            fail(f"hard-coded uid {m.group(1)!r} in the dashboard")
    print(f"dashboard: uid={dash.get('uid')} schemaVersion={dash.get('schemaVersion')} "
          f"panels={len(ids)} queries={nexprs} variables={sorted(variables)}")


def families(page):
    fams = {}
    for line in page.splitlines():
        m = re.match(r"^# TYPE (\S+) (\S+)", line)
        if m:
            fams[m.group(1)] = m.group(2)
    return fams


def present(name, fams):
    if name in fams:
        return True
    for suffix in DERIVED:
        # OpenMetrics: counter family without _total; histograms: _bucket etc.
        if name.endswith(suffix) and name[: -len(suffix)] in fams:
            return True
    return False


def check_names(top, page_path):
    rules_text = read(top, RULES)
    dash = json.loads(read(top, DASHBOARD))
    with open(page_path, encoding="utf-8") as f:
        fams = families(f.read())
    if not fams:
        fail(f"{page_path}: no # TYPE lines: not a metrics page")
        return
    recorded = recorded_names(rules_text)
    used = {}
    for where, exprs in (("rules", rule_exprs(rules_text)), ("dashboard", dashboard_exprs(dash))):
        for owner, expr in exprs:
            for tok in TOKEN.findall(expr):
                if tok in recorded or ":" in tok or not tok.startswith("libreswan_"):
                    continue
                used.setdefault(tok, set()).add(f"{where}: {owner}")
    if len(used) < 10:
        fail(f"only {len(used)} metric names found in the rules and dashboard: extraction broken?")
    for name in sorted(used):
        if not present(name, fams):
            fail(f"{name} is not on the exporter page (used by {', '.join(sorted(used[name]))})")
    print(f"metric names: {len(used)} used, {len(fams)} families on the page")
    for name in sorted(used):
        print(f"  {'ok  ' if present(name, fams) else 'MISSING'} {name}")


def main(argv):
    if len(argv) < 3 or argv[1] not in ("dashboard", "names") or (argv[1] == "names" and len(argv) < 4):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "dashboard":
        check_dashboard(argv[2])
    else:
        check_names(argv[2], argv[3])
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
