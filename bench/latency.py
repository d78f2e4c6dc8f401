#!/usr/bin/env python3
"""Latency-bound suites, yarc alone (bench/bench.py puts yarc beside Hurl; this needs nothing
but a release build). Run by hand, never by CI, never asserted in a test:

    python3 bench/latency.py [--yarc target/release/yarc] [--rounds 3]

S7: 2,000 requests in 40 collection files (50 each) against an endpoint that answers after
20 ms, with --jobs 8 and --jobs 64. The floor is the larger of 2,000 x 20 ms / jobs and one
file's in-order chain (50 x 20 ms).
S8: 64 files of 10 such requests sharing one OAuth2 client, --jobs 16: how many tokens were
fetched (goal: exactly one) and the wall time against the same floor.
Prints medians of wall time and peak RSS (from /usr/bin/time when present).
"""

import argparse
import json
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def files(d: Path, n_files: int, per_file: int, base: str, oauth: bool):
    d.mkdir(parents=True)
    auth = ""
    if oauth:
        auth = (f"auth:\n  oauth2:\n    token_url: \"{base}/connect/token\"\n"
                "    client_id: sandbox-client\n    client_secret: sandbox-secret\n    scope: sandbox\n")
    for f in range(n_files):
        reqs = "".join(
            f"  - name: r{i}\n    url: \"{base}/faults/slow?ms=20&f={f}&i={i}\"\n    expect: {{ status: 200 }}\n"
            for i in range(per_file))
        (d / f"f{f:02}.yaml").write_text(f"name: f{f}\n{auth}requests:\n{reqs}")


def timed(cmd, cwd) -> tuple:
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    t0 = time.perf_counter()
    p = subprocess.run(timer + cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    rss = int(p.stderr.strip().splitlines()[-1]) / 1024 if timer and p.stderr.strip() else 0.0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout[-2000:]}")
    return wall, rss


def stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/sandbox/stats", timeout=5) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yarc", default=str(ROOT / "target" / "release" / "yarc"))
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    port = free_port()
    sandbox = subprocess.Popen([a.yarc, "sandbox", "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                stats(base)
                break
            except OSError:
                time.sleep(0.05)
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            files(d / "s7", 40, 50, base, oauth=False)
            files(d / "s8", 64, 10, base, oauth=True)
            print("S7: 40 files x 50 requests, 20 ms each")
            for jobs in (8, 64):
                floor = max(2000 * 0.02 / jobs, 50 * 0.02)
                runs = [timed([a.yarc, "run", "s7", "--jobs", str(jobs), "--color", "never"], d)
                        for _ in range(a.rounds)]
                wall = statistics.median(r[0] for r in runs)
                rss = statistics.median(r[1] for r in runs)
                print(f"  --jobs {jobs}: {wall:.2f} s, floor {floor:.2f} s -> {wall / floor:.2f}x the floor, "
                      f"peak RSS {rss:.0f} MiB")
            print("S8: 64 files x 10 requests, one OAuth2 client, --jobs 16")
            floor = max(640 * 0.02 / 16, 10 * 0.02)
            walls = []
            for _ in range(a.rounds):
                before = stats(base).get("tokens_issued", 0)
                wall, _ = timed([a.yarc, "run", "s8", "--jobs", "16", "--color", "never"], d)
                walls.append(wall)
                fetched = stats(base).get("tokens_issued", 0) - before
                print(f"  round: {wall:.2f} s, tokens fetched {fetched}")
            wall = statistics.median(walls)
            print(f"  median {wall:.2f} s, floor {floor:.2f} s -> {wall / floor:.2f}x the floor")
    finally:
        sandbox.terminate()


if __name__ == "__main__":
    main()
