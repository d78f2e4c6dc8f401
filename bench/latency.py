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

With --hurl PATH, Hurl runs S7 beside yarc (`hurl --test --jobs N`, the same requests, each
asserting its status), and with --sweep the S7 wall time of both tools is measured for
--jobs 4 to 64 and drawn against the floor in an SVG (--svg, default bench/s7-jobs.svg).
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


def hurl_files(d: Path, n_files: int, per_file: int, base: str):
    d.mkdir(parents=True)
    for f in range(n_files):
        (d / f"f{f:02}.hurl").write_text("".join(
            f"GET {base}/faults/slow?ms=20&f={f}&i={i}\nHTTP 200\n\n" for i in range(per_file)))


def s7(a, d, jobs, tool) -> tuple:
    """Median wall and peak RSS of S7 with `jobs`, for yarc or Hurl."""
    if tool == "yarc":
        cmd = [a.yarc, "run", "s7", "--jobs", str(jobs), "--color", "never"]
    else:
        cmd = [a.hurl, "--test", "--jobs", str(jobs), *sorted(str(p) for p in (d / "s7h").glob("*.hurl"))]
    runs = [timed(cmd, d) for _ in range(a.rounds)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def floor_of(jobs: int) -> float:
    return max(2000 * 0.02 / jobs, 50 * 0.02)


def svg(points: dict, path: Path):
    """Wall time against --jobs (log scale), one line per tool and the floor."""
    jobs = sorted({j for series in points.values() for j in series})
    w, h, left, bottom = 640, 400, 60, 40
    top = max(max(s.values()) for s in points.values()) * 1.1
    x = lambda j: left + (w - left - 20) * (jobs.index(j) / max(1, len(jobs) - 1))  # noqa: E731
    y = lambda t: h - bottom - (h - bottom - 20) * t / top  # noqa: E731
    colours = {"floor": "#888", "yarc": "#0a7", "hurl": "#c40"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<text x="{w / 2}" y="14" text-anchor="middle">S7: 2,000 requests of 20 ms in 40 files, wall time against --jobs</text>',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - 20}" y2="{h - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="20" x2="{left}" y2="{h - bottom}" stroke="black"/>']
    for j in jobs:
        out.append(f'<text x="{x(j):.0f}" y="{h - bottom + 16}" text-anchor="middle">{j}</text>')
    step = 1 if top < 12 else 2
    t = 0
    while t <= top:
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.0f}" text-anchor="end">{t} s</text>')
        t += step
    out.append(f'<text x="{w / 2}" y="{h - 6}" text-anchor="middle">--jobs</text>')
    for i, (name, series) in enumerate(points.items()):
        pts = " ".join(f"{x(j):.0f},{y(t):.1f}" for j, t in sorted(series.items()))
        dash = ' stroke-dasharray="4 3"' if name == "floor" else ""
        out.append(f'<polyline fill="none" stroke="{colours.get(name, "#000")}" stroke-width="2"{dash} points="{pts}"/>')
        out.append(f'<text x="{w - 120}" y="{40 + 16 * i}" fill="{colours.get(name, "#000")}">{name}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


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


def measure(yarc: str, hurl, rounds: int, sweep: bool, svg_path=None) -> dict:
    """S7 (per --jobs, per tool: median wall and peak RSS) and S8 (median wall, tokens fetched
    per round), against a sandbox of `yarc` started here. Prints as it goes."""
    a = argparse.Namespace(yarc=yarc, hurl=hurl, rounds=rounds)
    port = free_port()
    sandbox = subprocess.Popen([yarc, "sandbox", "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    out = {"s7": {}, "floor": {}, "s8": None}
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
            tools = ["yarc"] + (["hurl"] if hurl else [])
            if hurl:
                hurl_files(d / "s7h", 40, 50, base)
            print("S7: 40 files x 50 requests, 20 ms each")
            for jobs in ((4, 8, 16, 32, 64) if sweep else (8, 64)):
                floor = floor_of(jobs)
                out["floor"][jobs] = floor
                for tool in tools:
                    wall, rss = s7(a, d, jobs, tool)
                    out["s7"].setdefault(tool, {})[jobs] = (wall, rss)
                    print(f"  {tool} --jobs {jobs}: {wall:.2f} s, floor {floor:.2f} s -> {wall / floor:.2f}x the floor, "
                          f"peak RSS {rss:.0f} MiB", flush=True)
            if svg_path:
                points = {"floor": out["floor"], **{t: {j: w for j, (w, _) in out["s7"][t].items()} for t in tools}}
                svg(points, Path(svg_path))
                print(f"  drawn in {svg_path}")
            print("S8: 64 files x 10 requests, one OAuth2 client, --jobs 16")
            walls, tokens = [], []
            for _ in range(rounds):
                before = stats(base).get("tokens_issued", 0)
                wall, _ = timed([yarc, "run", "s8", "--jobs", "16", "--color", "never"], d)
                walls.append(wall)
                tokens.append(stats(base).get("tokens_issued", 0) - before)
                print(f"  round: {wall:.2f} s, tokens fetched {tokens[-1]}")
            out["s8"] = (statistics.median(walls), tokens, S8_FLOOR)
    finally:
        sandbox.terminate()
    return out


# 640 requests of 20 ms on 16 jobs, or one file's chain of 10.
S8_FLOOR = max(640 * 0.02 / 16, 10 * 0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yarc", default=str(ROOT / "target" / "release" / "yarc"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hurl", help="Hurl's binary: S7 side by side")
    ap.add_argument("--sweep", action="store_true", help="S7 for --jobs 4..64, drawn in --svg")
    ap.add_argument("--svg", default=str(ROOT / "bench" / "s7-jobs.svg"))
    a = ap.parse_args()
    hurl = str(Path(a.hurl).resolve()) if a.hurl else None
    r = measure(a.yarc, hurl, a.rounds, a.sweep, a.svg if a.sweep else None)
    wall, _tokens, floor = r["s8"]
    print(f"S8 median {wall:.2f} s, floor {floor:.2f} s -> {wall / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
