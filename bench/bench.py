#!/usr/bin/env python3
"""yarc against Hurl and Newman, side by side, on one machine.

Starts nginx on a free loopback port (static JSON, a 20 MiB document) and yarc's own sandbox
(a 20 ms endpoint and a token endpoint), generates equivalent inputs for each tool and
scenario, runs each pair alternately (A B A B ...) after a warm-up, and writes BENCHMARKS.md
with medians of wall time, CPU time and peak RSS. Run by hand (bench/run), never by CI.
Every request goes to 127.0.0.1; every loop is bounded.
"""

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import latency
import tls

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = HERE / ".tools"
WORK = HERE / "work"
YARC = ROOT / "target" / "release" / "yarc"
HURL = TOOLS / "bin" / "hurl"
NEWMAN = TOOLS / "node_modules" / ".bin" / "newman"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))

ITEM = {"id": 1, "name": "widget", "tags": ["a", "b"], "price": 9.5}
BODY_SIZES = [1, 10, 50, 100]
REQUEST_COUNTS = [100, 1000, 10000, 100000]
# Environment sizes for `yarc check`: plain values, and values derived from a secret.
PLAIN_VARS = [25000, 50000, 100000]
SECRET_VARS = [5000, 10000, 20000]
FIVE_PATHS = {
    "$.items": "{ type: array, length: { gt: 0 } }",
    "$..id": "{ type: array }",
    "$.items[?@.nested.v > 100].name": "{ type: array }",
    "$..deep..x[*]": "{ type: array }",
    "$.items[*].tags[*]": "{ each: { in: [a, b, c] } }",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                r.read()
                return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def start_nginx():
    port = free_port()
    root = WORK / "nginx"
    (root / "www").mkdir(parents=True, exist_ok=True)
    (root / "www" / "item.json").write_text(json.dumps(ITEM))
    big = root / "www" / "big.json"
    if not big.exists():
        rows = []
        size = 0
        i = 0
        while size < 20 * 1024 * 1024:
            row = {"id": i, "name": f"employee {i}", "department": "support" if i % 3 else "sales",
                   "contract": {"hours": 32 + i % 9, "start": "2026-01-01", "active": i % 7 != 0},
                   "skills": ["a", "b", "c"][: 1 + i % 3]}
            text = json.dumps(row)
            rows.append(text)
            size += len(text) + 1
            i += 1
        big.write_text('{"total": %d, "items": [%s]}' % (i, ",".join(rows)))
    for mb in BODY_SIZES:
        body_file(root / "www" / f"body{mb}.json", mb)
    conf = root / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
daemon on;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {root}/tmp;
  proxy_temp_path {root}/tmp;
  fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp;
  scgi_temp_path {root}/tmp;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{port};
    root {root}/www;
    location /item/ {{ default_type application/json; try_files /item.json =404; }}
    location = /big.json {{ default_type application/json; }}
    location ~ ^/body[0-9]+\.json$ {{ default_type application/json; }}
  }}
}}
""")
    (root / "tmp").mkdir(exist_ok=True)
    subprocess.run(["nginx", "-c", str(conf), "-p", str(root)], check=True)
    wait_http(f"http://127.0.0.1:{port}/item/1")
    return port, root


def body_file(path, mb):
    """An object-heavy JSON document of about `mb` MB: many small objects, nested two levels,
    with short strings, the shape that costs a document model most per byte."""
    if path.exists():
        return
    with open(path, "w") as f:
        f.write('{"items": [')
        size, i = 0, 0
        while size < mb * 1_000_000:
            row = json.dumps({"id": i, "name": f"item-{i}", "tags": ["a", "b", "c"],
                              "nested": {"v": i % 1000, "deep": {"x": [1, 2, 3]}}, "pad": "x" * 40})
            f.write(("," if i else "") + row)
            size += len(row) + 1
            i += 1
        f.write(f'], "total": {i}}}')


def stop_nginx(root):
    subprocess.run(["nginx", "-c", str(root / "nginx.conf"), "-p", str(root), "-s", "stop"], check=False)


def start_sandbox():
    port = free_port()
    proc = subprocess.Popen([str(YARC), "sandbox", "--port", str(port)], stdout=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{port}/sandbox/stats")
    return port, proc


def tokens_issued(sandbox):
    with urllib.request.urlopen(f"http://127.0.0.1:{sandbox}/sandbox/stats") as r:
        return json.load(r)["tokens_issued"]


def measure(cmd, cwd=None):
    """Runs cmd under GNU time: (wall s, cpu s, peak RSS MiB, exit code)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "0 0 0"
    try:
        user, sys_, rss = last.split()
        cpu = float(user) + float(sys_)
        rss_mib = int(rss) / 1024
    except ValueError:
        cpu, rss_mib = float("nan"), float("nan")
    return wall, cpu, rss_mib, p.returncode, p.stderr


# ---------------------------------------------------------------- inputs per scenario

def yarc_requests(n, url, asserts=True, name="r"):
    out = []
    for i in range(n):
        r = f"  - name: {name}{i}\n    url: \"{url}\"\n"
        if asserts:
            r += "    expect:\n      status: 200\n      json:\n        $.id: 1\n        $.name: widget\n"
        out.append(r)
    return "".join(out)


def hurl_entries(n, url, headers=""):
    entry = f"GET {url}\n{headers}HTTP 200\n[Asserts]\njsonpath \"$.id\" == 1\njsonpath \"$.name\" == \"widget\"\n\n"
    return entry * n


def newman_collection(n, url, token_url=None):
    items = []
    for i in range(n):
        items.append({
            "name": f"r{i}",
            "request": {"method": "GET", "url": url,
                        "header": [{"key": "Authorization", "value": "Bearer {{token}}"}] if token_url else []},
            "event": [{"listen": "test", "script": {"exec": [
                "pm.response.to.have.status(200);",
                "var j = pm.response.json();",
                "pm.expect(j.id).to.eql(1);",
                "pm.expect(j.name).to.eql('widget');"]}}]})
    if token_url:
        items.insert(0, {
            "name": "token",
            "request": {"method": "POST", "url": token_url,
                        "body": {"mode": "urlencoded", "urlencoded": [
                            {"key": "grant_type", "value": "client_credentials"},
                            {"key": "client_id", "value": "sandbox-client"},
                            {"key": "client_secret", "value": "sandbox-secret"},
                            {"key": "scope", "value": "sandbox"}]}},
            "event": [{"listen": "test", "script": {"exec": [
                "pm.collectionVariables.set('token', pm.response.json().access_token);"]}}]})
    return json.dumps({"info": {"name": "bench", "schema":
                                "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
                       "variable": [{"key": "token", "value": ""}], "item": items})


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def setup(nginx, sandbox):
    item = f"http://127.0.0.1:{nginx}/item/1"
    slow = f"http://127.0.0.1:{sandbox}/faults/slow?ms=20"
    token_url = f"http://127.0.0.1:{sandbox}/connect/token"
    d = WORK / "inputs"
    if d.exists():
        shutil.rmtree(d)
    s = {}
    # S1
    write(d / "s1/yarc.yaml", "name: s1\nrequests:\n" + yarc_requests(1000, item))
    write(d / "s1/s1.hurl", hurl_entries(1000, item))
    write(d / "s1/newman.json", newman_collection(1000, item))
    # S2 and S3: 20 files x 50 requests
    for scen, url in (("s2", item), ("s3", slow)):
        for f in range(20):
            write(d / f"{scen}/yarc/f{f:02}.yaml", f"name: f{f}\nrequests:\n" + yarc_requests(50, url, asserts=(scen == "s2")))
            if scen == "s2":
                write(d / f"{scen}/hurl/f{f:02}.hurl", hurl_entries(50, url))
            else:
                write(d / f"{scen}/hurl/f{f:02}.hurl", f"GET {url}\nHTTP 200\n\n" * 50)
    # S4: OAuth2
    write(d / "s4/yarc.yaml",
          "name: s4\nauth:\n  oauth2:\n"
          f"    token_url: \"{token_url}\"\n    client_id: sandbox-client\n    client_secret: sandbox-secret\n    scope: sandbox\n"
          "requests:\n" + yarc_requests(200, item))
    write(d / "s4/s4.hurl",
          f"POST {token_url}\n[FormParams]\ngrant_type: client_credentials\nclient_id: sandbox-client\n"
          "client_secret: sandbox-secret\nscope: sandbox\nHTTP 200\n[Captures]\ntoken: jsonpath \"$.access_token\"\n\n"
          + hurl_entries(200, item, headers="Authorization: Bearer {{token}}\n"))
    write(d / "s4/newman.json", newman_collection(200, item, token_url=token_url))
    # S5: check of 10,000 requests
    write(d / "s5/yarc.yaml", "name: s5\nvariables: { base: \"http://127.0.0.1:1\" }\nrequests:\n"
          + "".join(f"  - name: r{i}\n    url: \"{{{{ base }}}}/item/{i}\"\n    expect:\n      status: 200\n      json:\n        $.id: {i}\n" for i in range(10000)))
    # S6: 20 MiB JSON, 50 JSONPath assertions, a snapshot
    big = f"http://127.0.0.1:{nginx}/big.json"
    paths = [f"$.items[{i * 997}].id" for i in range(49)] + ["$.total"]
    checks = "".join(f"        \"{p}\": {{ exists: true }}\n" for p in paths)
    write(d / "s6/yarc.yaml", f"name: s6\nrequests:\n  - name: big\n    url: \"{big}\"\n    expect:\n      status: 200\n      json:\n{checks}    snapshot: true\n")
    write(d / "s6/s6.hurl", f"GET {big}\nHTTP 200\n[Asserts]\n" + "".join(f"jsonpath \"{p}\" exists\n" for p in paths))
    # S1's floor: one curl process, the same 1,000 GETs on one kept-alive connection, no checks
    write(d / "s1/curl.cfg", f'silent\n' + f'url = "{item}"\noutput = "/dev/null"\n' * 1000)
    # L: large bodies with the five JSONPaths, and separately with a snapshot
    for mb in BODY_SIZES:
        url = f"http://127.0.0.1:{nginx}/body{mb}.json"
        checks = "".join(f"        \"{p}\": {v}\n" for p, v in FIVE_PATHS.items())
        write(d / f"l{mb}/paths.yaml", f"name: l{mb}\nrequests:\n  - name: big\n    url: \"{url}\"\n"
              f"    expect:\n      status: 200\n      json:\n{checks}")
        write(d / f"l{mb}/snap.yaml", f"name: l{mb}\nrequests:\n  - name: big\n    url: \"{url}\"\n"
              "    expect:\n      status: 200\n    snapshot: true\n")
        write(d / f"l{mb}/status.yaml", f"name: l{mb}\nrequests:\n  - name: big\n    url: \"{url}\"\n"
              "    expect:\n      status: 200\n")
        if mb <= 10:
            write(d / f"l{mb}/paths.hurl", f"GET {url}\nHTTP 200\n[Asserts]\njsonpath \"$.items\" count > 0\n"
                  "jsonpath \"$..id\" exists\njsonpath \"$.items[?(@.nested.v > 100)].name\" exists\n"
                  "jsonpath \"$..deep..x[*]\" exists\njsonpath \"$.items[*].tags[*]\" exists\n")
    # N: request counts, one file each
    for n in REQUEST_COUNTS:
        write(d / f"n{n}/yarc.yaml", "name: n\nrequests:\n" + yarc_requests(n, item))
    # Start-up: one request
    write(d / "one/yarc.yaml", "name: one\nrequests:\n" + yarc_requests(1, item))
    return d


# ---------------------------------------------------------------- running

def alternate(pairs, rounds=ROUNDS):
    """pairs: {label: (cmd, cwd)} -> {label: [(wall, cpu, rss)]}, run A B A B after a warm-up."""
    results = {k: [] for k in pairs}
    for label, (cmd, cwd) in pairs.items():
        w = measure(cmd, cwd)
        if w[3] != 0:
            print(f"  warm-up of {label} exited {w[3]}:\n{w[4][-2000:]}", file=sys.stderr)
    for _ in range(rounds):
        for label, (cmd, cwd) in pairs.items():
            wall, cpu, rss, code, _ = measure(cmd, cwd)
            results[label].append((wall, cpu, rss, code))
    return results


def med(rows, i):
    return statistics.median(r[i] for r in rows)


def wrk_ceiling(url, connections):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", "-d3s", url], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    return float("nan")


def main():
    if not YARC.exists():
        sys.exit("build yarc first: cargo build --release")
    WORK.mkdir(exist_ok=True)
    if sys.argv[1:] == ["vars"]:
        # Only the variable scaling (no peers needed): prints its table.
        print("\n".join(var_lines(var_scaling(str(YARC), WORK))))
        return
    nginx, nginx_root = start_nginx()
    sandbox, sandbox_proc = start_sandbox()
    table = []
    notes = []
    try:
        d = setup(nginx, sandbox)
        item = f"http://127.0.0.1:{nginx}/item/1"
        y = str(YARC)
        print("S1: 1,000 sequential GETs, status + 2 JSONPaths")
        r = alternate({
            "yarc": ([y, "run", "yarc.yaml", "--jobs", "1", "--color", "never"], d / "s1"),
            "hurl": ([str(HURL), "--test", "s1.hurl"], d / "s1"),
            "newman": ([str(NEWMAN), "run", "newman.json", "--reporters", "cli"], d / "s1"),
            "curl -K (floor)": (["curl", "-K", "curl.cfg"], d / "s1"),
        })
        table.append(("S1 1,000 sequential GETs", r, ["hurl", "newman"]))
        s1 = r
        print("S2: 20 files x 50 requests, --jobs 2")
        r = alternate({
            "yarc": ([y, "run", "yarc", "--jobs", "2", "--color", "never"], d / "s2"),
            "hurl": ([str(HURL), "--test", "--jobs", "2", *sorted(str(p) for p in (d / "s2/hurl").glob("*.hurl"))], d / "s2"),
        })
        table.append(("S2 20 files x 50, --jobs 2", r, ["hurl"]))
        s2 = r
        print("S3: the same against a 20 ms endpoint, --jobs 16")
        r = alternate({
            "yarc": ([y, "run", "yarc", "--jobs", "16", "--color", "never"], d / "s3"),
            "hurl": ([str(HURL), "--test", "--jobs", "16", *sorted(str(p) for p in (d / "s3/hurl").glob("*.hurl"))], d / "s3"),
        }, rounds=max(3, ROUNDS // 2))
        table.append(("S3 1,000 x 20 ms, --jobs 16", r, ["hurl"]))
        ideal = 1000 * 0.020 / 16
        # Requests inside a file chain, so files are the unit of parallelism: 20 files on 16
        # jobs take two waves of 50 x 20 ms whatever the tool.
        bound = -(-20 // 16) * 50 * 0.020
        notes.append(f"S3 ideal (total delay / jobs) = {ideal:.2f} s, but with files as the unit of parallelism "
                     f"(20 files on 16 jobs = 2 waves of 50 x 20 ms) the bound is {bound:.2f} s: yarc reaches "
                     f"{ideal / med(r['yarc'], 0) * 100:.0f} % of the first and {bound / med(r['yarc'], 0) * 100:.0f} % of the second, "
                     f"Hurl {ideal / med(r['hurl'], 0) * 100:.0f} % and {bound / med(r['hurl'], 0) * 100:.0f} %.")
        s3 = (bound / med(r['yarc'], 0), bound / med(r['hurl'], 0))
        print("S4: 200 requests with OAuth2 client credentials")
        before = tokens_issued(sandbox)
        wall, *_ = measure([y, "run", "yarc.yaml", "--jobs", "1", "--color", "never"], d / "s4")
        notes.append(f"S4: one yarc run made {tokens_issued(sandbox) - before} token request(s) for 200 requests.")
        r = alternate({
            "yarc": ([y, "run", "yarc.yaml", "--jobs", "1", "--color", "never"], d / "s4"),
            "hurl": ([str(HURL), "--test", "s4.hurl"], d / "s4"),
            "newman": ([str(NEWMAN), "run", "newman.json", "--reporters", "cli"], d / "s4"),
        })
        table.append(("S4 200 requests + OAuth2", r, ["hurl", "newman"]))
        print("S5: yarc check of 10,000 requests")
        r = alternate({"yarc": ([y, "check", "yarc.yaml"], d / "s5")})
        table.append(("S5 check 10,000 requests", r, []))
        s5 = r["yarc"]
        print("S6: 20 MiB JSON, 50 JSONPaths, a snapshot")
        snap = d / "s6" / "__snapshots__"
        if snap.exists():
            shutil.rmtree(snap)
        measure([y, "run", "yarc.yaml", "--color", "never"], d / "s6")  # records the snapshot
        r = alternate({
            "yarc": ([y, "run", "yarc.yaml", "--color", "never"], d / "s6"),
            "hurl": ([str(HURL), "--test", "s6.hurl"], d / "s6"),
        })
        table.append(("S6 20 MiB JSON, 50 JSONPaths (+ snapshot for yarc)", r, ["hurl"]))
        bodies = body_scaling(y, d)
        counts = count_scaling(y, d)
        vars_ = var_scaling(y, d)
        start = startup(y, d)
        print("S7, S8: latency-bound suites")
        lat = latency.measure(y, str(HURL), 3, True, HERE / "s7-jobs.svg")
        print("S9: connections over TLS")
        tls_rows = tls.measure(y, str(HURL), 3)
        targets = judge(s1, s2, s3, s5, bodies, counts, start, vars_)
        targets += judge_issue30(lat, tls_rows, YARC.stat().st_size)
        ceil1 = wrk_ceiling(item, 1)
        ceil2 = wrk_ceiling(item, 2)
        notes.append(f"Load-generator ceiling (wrk, nginx static JSON): {ceil1:,.0f} req/s on 1 connection "
                     f"= {1000 / ceil1 * 1000:.0f} ms for S1's 1,000 requests; {ceil2:,.0f} req/s on 2 connections "
                     f"= {1000 / ceil2 * 1000:.0f} ms for S2's 1,000.")
    finally:
        sandbox_proc.terminate()
        stop_nginx(nginx_root)
    report(table, notes, bodies, counts, start, targets, vars_, lat, tls_rows)


def body_scaling(y, d):
    """{(mb, kind): (wall, cpu, rss, code)} for the five JSONPaths, a snapshot, status only."""
    out = {}
    for mb in BODY_SIZES:
        print(f"L: {mb} MB body")
        cwd = d / f"l{mb}"
        flags = ["--max-body", "200MB", "--color", "never"]
        snap = cwd / "__snapshots__"
        if snap.exists():
            shutil.rmtree(snap)
        measure([y, "run", "snap.yaml", *flags], cwd)  # records the snapshot
        pairs = {k: ([y, "run", f"{k}.yaml", *flags], cwd) for k in ("paths", "snap", "status")}
        if (cwd / "paths.hurl").exists():
            pairs["hurl paths"] = ([str(HURL), "--test", "paths.hurl"], cwd)
        r = alternate(pairs, rounds=3)
        for k, rows in r.items():
            out[(mb, k)] = tuple(med(rows, i) for i in range(3)) + (max(row[3] for row in rows),)
    return out


def count_scaling(y, d):
    """{n: (wall, cpu, rss, code)} for n sequential asserted GETs in one file."""
    out = {}
    for n in REQUEST_COUNTS:
        print(f"N: {n:,} requests")
        r = alternate({"yarc": ([y, "run", "yarc.yaml", "--jobs", "1", "--color", "never"], d / f"n{n}")},
                      rounds=3 if n < 100000 else 1)
        rows = r["yarc"]
        out[n] = tuple(med(rows, i) for i in range(3)) + (max(row[3] for row in rows),)
    return out


def var_scaling(y, d):
    """{(kind, n): (wall, cpu, rss, code)}: `yarc check` of one request with an environment of
    n plain variables, or n variables each derived from one of 50 secrets."""
    cwd = d / "vars"
    (cwd / "environments").mkdir(parents=True, exist_ok=True)
    write(cwd / "c.yaml", "name: vars\nrequests:\n  - name: r\n    url: http://127.0.0.1:1/x?a={{ v1 }}\n")
    write(cwd / ".env", "".join(f"S{i}=secret-value-{i:04}\n" for i in range(50)))
    out = {}
    for kind, sizes in (("plain", PLAIN_VARS), ("secret", SECRET_VARS)):
        for n in sizes:
            if kind == "plain":
                lines = (f"  v{i}: value{i}\n" for i in range(n))
            else:
                lines = (f"  v{i}: \"{{{{ secret('S{i % 50}') }}}}-{i}\"\n" for i in range(n))
            write(cwd / "environments" / f"{kind}{n}.yaml", "variables:\n" + "".join(lines))
            print(f"V: {n:,} {kind} variables")
            r = alternate({"yarc": ([y, "check", "c.yaml", "--env", f"{kind}{n}"], cwd)}, rounds=3)
            rows = r["yarc"]
            out[(kind, n)] = tuple(med(rows, i) for i in range(3)) + (max(row[3] for row in rows),)
    return out


def var_lines(vars_):
    lines = ["## Many variables", "",
             "`yarc check` of one request whose environment holds n plain variables, or n variables "
             "each made from one of 50 secrets (`\"{{ secret('S7') }}-7\"`: every one is a secret to "
             "mask). Time should grow with n, not n squared.", "",
             "| variables | wall | peak RSS |", "|---|---|---|"]
    for (kind, n), (wall, _cpu, rss, code) in sorted(vars_.items()):
        bad = " (exited non-zero)" if code != 0 else ""
        lines.append(f"| {n:,} {kind}{bad} | {wall:.2f} s | {rss:,.0f} MiB |")
    return lines + [""]


def startup(y, d, runs=41):
    """Median wall of `yarc --version`, a one-request run and /bin/true (the spawn cost)."""
    print("Start-up")

    def wall(cmd, cwd=None):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)
    return {
        "true": wall(["/bin/true"]),
        "version": wall([y, "--version"]),
        "one": wall([y, "run", "yarc.yaml", "--color", "never"], d / "one"),
    }


def judge(s1, s2, s3, s5, bodies, counts, start, vars_):
    """Issue 17's targets: (target, measured, met)."""
    t = []
    y1, h1, c1 = s1["yarc"], s1["hurl"], s1["curl -K (floor)"]
    t.append(("S1 wall <= 0.7x Hurl", f"{med(y1, 0) / med(h1, 0):.2f}x", med(y1, 0) <= 0.7 * med(h1, 0)))
    t.append(("S1 wall <= 1.2x the curl floor", f"{med(y1, 0) / med(c1, 0):.2f}x", med(y1, 0) <= 1.2 * med(c1, 0)))
    t.append(("S1 peak RSS <= 0.6x Hurl", f"{med(y1, 2) / med(h1, 2):.2f}x", med(y1, 2) <= 0.6 * med(h1, 2)))
    t.append(("S2 wall <= 0.8x Hurl --jobs 2", f"{med(s2['yarc'], 0) / med(s2['hurl'], 0):.2f}x",
              med(s2["yarc"], 0) <= 0.8 * med(s2["hurl"], 0)))
    for kind in ("paths", "snap"):
        w50, r50 = bodies[(50, kind)][0], bodies[(50, kind)][2]
        w100, r100 = bodies[(100, kind)][0], bodies[(100, kind)][2]
        label = "five JSONPaths" if kind == "paths" else "a snapshot"
        t.append((f"50 MB, {label}: under 2 s", f"{w50:.2f} s", w50 < 2))
        t.append((f"50 MB, {label}: peak RSS under 8x the body", f"{r50 / 47.7:.1f}x", r50 < 8 * 47.7))
        if bodies[(100, kind)][3] != 0:
            # A path reached more nodes than its budget allows (docs/format.md: 1,000,000, or
            # one per 8 bytes of a larger body): the run stopped there, so its time says nothing.
            why = "not measured: the 100 MB run stops at a path's node budget"
            t.append((f"50 -> 100 MB, {label}: time and memory grow <= 2.2x", why, None))
            continue
        t.append((f"50 -> 100 MB, {label}: time grows <= 2.2x", f"{w100 / w50:.2f}x", w100 / w50 <= 2.2))
        t.append((f"50 -> 100 MB, {label}: memory grows <= 2.2x", f"{r100 / r50:.2f}x", r100 / r50 <= 2.2))
    per = {n: (counts[n][0] - start["one"]) / n for n in counts}
    spread = max(per.values()) / min(per.values())
    t.append(("time per request flat within 20 % (100 to 100,000, start-up subtracted)",
              f"{min(per.values()) * 1e6:.0f}-{max(per.values()) * 1e6:.0f} us ({spread:.2f}x)", spread <= 1.2))
    t.append(("100,000 requests: peak RSS < 100 MiB", f"{counts[100000][2]:.0f} MiB", counts[100000][2] < 100))
    t.append(("check of 10,000 requests <= 150 ms", f"{med(s5, 0) * 1000:.0f} ms", med(s5, 0) <= 0.150))
    t.append(("check of 10,000 requests <= 40 MiB", f"{med(s5, 2):.0f} MiB", med(s5, 2) <= 40))
    t.append(("S3 --jobs 16: >= 90 % of the bound (yarc)", f"{s3[0] * 100:.0f} %", s3[0] >= 0.9))
    t.append(("S3 --jobs 16: >= 90 % of the bound (Hurl, same run)", f"{s3[1] * 100:.0f} %", s3[1] >= 0.9))
    for kind, sizes in (("plain", PLAIN_VARS), ("secret", SECRET_VARS)):
        small, big = vars_[(kind, sizes[0])][0], vars_[(kind, sizes[-1])][0]
        growth = (big / small) / (sizes[-1] / sizes[0])
        t.append((f"check with {sizes[0]:,} -> {sizes[-1]:,} {kind} variables: time grows <= 1.5x the count",
                  f"{growth:.2f}x", growth <= 1.5))
    t.append(("one-request run under 10 ms", f"{start['one'] * 1000:.1f} ms", start["one"] < 0.010))
    t.append(("yarc --version under 3 ms", f"{start['version'] * 1000:.1f} ms", start["version"] < 0.003))
    return t


def judge_issue30(lat, tls_rows, size):
    """The latency-bound, TLS and size targets: (target, measured, met)."""
    t = []
    y8, h8 = lat["s7"]["yarc"][8][0], lat["s7"]["hurl"][8][0]
    y64 = lat["s7"]["yarc"][64][0]
    f8, f64 = lat["floor"][8], lat["floor"][64]
    t.append(("S7 --jobs 8: <= 1.10x the floor", f"{y8 / f8:.2f}x", y8 <= 1.10 * f8))
    t.append(("S7 --jobs 8: no slower than Hurl --jobs 8", f"{y8 / h8:.2f}x", y8 <= h8))
    t.append(("S7 --jobs 64: <= 1.2x the floor", f"{y64 / f64:.2f}x", y64 <= 1.2 * f64))
    wall, tokens, floor = lat["s8"]
    t.append(("S8 one OAuth2 client, --jobs 16: exactly one token per run",
              ", ".join(str(n) for n in tokens), all(n == 1 for n in tokens)))
    t.append(("S8: <= 1.15x the floor", f"{wall / floor:.2f}x", wall <= 1.15 * floor))
    for proto in ("HTTP/1.1", "HTTP/2"):
        conns = [c for tool, p, label, _w, c in tls_rows if tool == "yarc" and p == proto and label == "connections kept"]
        if conns:
            t.append((f"S9 {proto}, --jobs {tls.JOBS}: connections <= 2 x jobs", f"{conns[0]}", conns[0] <= 2 * tls.JOBS))
    t.append(("release binary (stripped) <= 15 MB", f"{size / 1e6:.1f} MB", size <= 15e6))
    return t


def latency_lines(lat, tls_rows):
    floor = lat["floor"]
    lines = ["## Latency-bound suites (S7, S8)", "",
             "S7: 2,000 requests in 40 collection files (50 each) against the sandbox's endpoint that "
             "answers after 20 ms; Hurl runs the same requests (`hurl --test --jobs N`). The floor is the "
             "larger of 2,000 x 20 ms / jobs and one file's in-order chain (50 x 20 ms); a file runs whole "
             "on one job, so with 40 files the floor counted in whole files is ceil(40 / jobs) chains. "
             "Medians of 3 runs. Plot: [bench/s7-jobs.svg](bench/s7-jobs.svg).", "",
             "| --jobs | yarc | Hurl | floor | whole-file floor | yarc / floor | yarc / Hurl | peak RSS yarc / Hurl |",
             "|---|---|---|---|---|---|---|---|"]
    for jobs in sorted(floor):
        (yw, yr), (hw, hr) = lat["s7"]["yarc"][jobs], lat["s7"]["hurl"][jobs]
        whole = max(-(-40 // jobs) * 50 * 0.02, floor[jobs])
        lines.append(f"| {jobs} | {yw:.2f} s | {hw:.2f} s | {floor[jobs]:.2f} s | {whole:.2f} s | "
                     f"{yw / floor[jobs]:.2f}x ({yw / whole:.2f}x) | {yw / hw:.2f}x | {yr:.0f} / {hr:.0f} MiB |")
    wall, tokens, f8 = lat["s8"]
    lines += ["", f"S8: 64 files of 10 such requests sharing one OAuth2 client, `--jobs 16`: {wall:.2f} s against "
              f"a floor of {f8:.2f} s ({wall / f8:.2f}x); tokens fetched per run: {', '.join(map(str, tokens))}.",
              "Captures within a collection stay in order whatever `--jobs` is (each file runs on one job, "
              "its requests in order: `captures_stay_in_order_within_each_file_under_jobs` in "
              "tests/integration/ci.rs). `--jobs` defaults to the number of CPUs (docs/ci.md): a "
              "latency-bound suite gains from more jobs, but a higher default would put that load on "
              "users' APIs (and rate limits) without asking.", "",
              "## Connections over TLS (S9)", "",
              f"{tls.FILES} collection files of {tls.PER_FILE} requests each against a local nginx over HTTPS "
              "(a CA and a server certificate made by bench/tls.py; TLS session resumption off, so every "
              f"connection is a full handshake), `--jobs {tls.JOBS}`, medians of 3 runs; connections "
              "counted from nginx's access log. \"One connection per file\" is the same suite against the "
              f"same server set to close every connection after {tls.PER_FILE} requests: what a suite pays "
              "when every file opens its own. Each file keeps its own cookie jar over the shared "
              "connections (`files_share_tls_connections_but_not_cookies` in tests/integration/tls.rs).", "",
              "| tool | protocol | server | wall | connections (TLS handshakes) |", "|---|---|---|---|---|"]
    for tool, proto, label, w, c in tls_rows:
        lines.append(f"| {tool} | {proto} | {label} | {w * 1000:,.0f} ms | {c} |")
    return lines + [""]


def versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except Exception:
            return "?"
    return {
        "yarc": out([str(YARC), "--version"]),
        "hurl": out([str(HURL), "--version"]),
        "newman": out([str(NEWMAN), "--version"]),
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
    }


def report(table, notes, bodies, counts, start, targets, vars_, lat, tls_rows):
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    v = versions()
    lines = ["# Benchmarks", "",
             f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.system()} "
             f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem} GiB. "
             f"{v['yarc']}; {v['hurl']}; Newman {v['newman']}; {v['nginx']}.", "",
             f"Medians of {ROUNDS} alternating rounds (A B A B ...) after one warm-up each (3 rounds for "
             "the scaling tables, 1 for 100,000 requests); wall time, CPU time (user + system) and peak "
             "RSS from GNU time. Reproduce: `bench/run` (installs Hurl 8.0.1, Newman, nginx-light and "
             "wrk if missing, builds yarc in release mode, writes this file).", "",
             "## Targets", "",
             "| target | measured | |", "|---|---|---|"]
    verdict = {True: "met", False: "**missed**", None: "—"}
    lines += [f"| {name} | {got} | {verdict[ok]} |" for name, got, ok in targets]
    lines += ["", "## Side by side", "",
              "| scenario | tool | wall | CPU | peak RSS | yarc / tool (wall) | yarc / tool (RSS) |",
              "|---|---|---|---|---|---|---|"]
    for name, r, peers in table:
        y = r["yarc"]
        for tool, rows in r.items():
            ratio = rss = ""
            if tool != "yarc":
                ratio = f"{med(y, 0) / med(rows, 0):.2f}x"
                rss = f"{med(y, 2) / med(rows, 2):.2f}x"
            failed = sum(1 for row in rows if row[3] != 0)
            flag = f" ({failed} runs exited non-zero)" if failed else ""
            lines.append(f"| {name} | {tool}{flag} | {med(rows, 0) * 1000:,.0f} ms | {med(rows, 1) * 1000:,.0f} ms | "
                         f"{med(rows, 2):,.1f} MiB | {ratio} | {rss} |")
    lines += ["", "## Large JSON bodies", "",
              "One GET of an object-heavy document (about 28,000 small objects per 5 MB); `paths` = five "
              "JSONPaths (`$.items` type and length, `$..id`, `$.items[?@.nested.v > 100].name`, "
              "`$..deep..x[*]`, `$.items[*].tags[*]` with `each`), `snap` = a snapshot compared, "
              "`status` = status only. Hurl runs the same five paths (as `exists`/`count`) up to 10 MB.", "",
              "| body | check | wall | peak RSS | RSS / body |", "|---|---|---|---|---|"]
    for (mb, kind), (wall, _cpu, rss, code) in sorted(bodies.items()):
        bad = " (exited non-zero)" if code != 0 else ""
        lines.append(f"| {mb} MB | {kind}{bad} | {wall:.2f} s | {rss:,.0f} MiB | {rss / (mb * 0.9537):.1f}x |")
    lines += ["", "## Request count", "",
              "n sequential GETs with status + 2 JSONPaths in one file, one job; per request = (wall - "
              f"one-request run) / n, the one-request run being {start['one'] * 1000:.1f} ms.", "",
              "| requests | wall | per request | peak RSS |", "|---|---|---|---|"]
    for n, (wall, _cpu, rss, code) in sorted(counts.items()):
        bad = " (exited non-zero)" if code != 0 else ""
        lines.append(f"| {n:,}{bad} | {wall:.2f} s | {(wall - start['one']) / n * 1e6:.0f} us | {rss:,.0f} MiB |")
    lines += ["", *var_lines(vars_)]
    lines += latency_lines(lat, tls_rows)
    lines += ["## Start-up", "",
              f"Median of 41 launches from Python: `/bin/true` {start['true'] * 1000:.1f} ms (the cost of "
              f"launching anything), `yarc --version` {start['version'] * 1000:.1f} ms, a one-request run "
              f"{start['one'] * 1000:.1f} ms.", "",
              "## Notes", "", *[f"- {n}" for n in notes], ""]
    # What is measured by hand (bench/by-hand.md) and the profiles behind each change.
    for name in ("by-hand.md", "profiles.md"):
        if (HERE / name).exists():
            lines += [(HERE / name).read_text().rstrip(), ""]
    text = "\n".join(lines) + "\n"
    (ROOT / "BENCHMARKS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
