#!/usr/bin/env python3
"""Contract checks' cost: 1,000 requests to the sandbox's echo, each response validated
against an OpenAPI document (openapi:), against the same run without one.

    python3 bench/contract.py [--yarc target/release/yarc] [--runs 21] [--instructions]

Prints the median wall time of each and their ratio (the goal: under 1.10). On a loaded
2-core machine a 100 ms run varies by more than the difference; `--instructions` also counts
the instructions each run executes (valgrind's callgrind, one run each), which does not.
"""
import re
import argparse
import os
import statistics
import subprocess
import tempfile
import time

API = """openapi: 3.0.3
info: { title: echo, version: "1" }
servers:
  - url: /echo
paths:
  /items/{id}:
    get:
      responses:
        "200":
          description: the request, echoed
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Echo" }
components:
  schemas:
    Echo:
      type: object
      required: [method, path, headers, query]
      properties:
        method: { type: string, enum: [GET] }
        path: { type: string, pattern: "^/echo/items/[0-9]+$" }
        headers: { type: object, additionalProperties: { type: string } }
        query: { type: object }
        body: { type: string }
        body_length: { type: integer, minimum: 0 }
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yarc", default="target/release/yarc")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--instructions", action="store_true")
    a = ap.parse_args()
    yarc = os.path.abspath(a.yarc)
    with tempfile.TemporaryDirectory() as d:
        reqs = "\n".join(
            f'  - name: r{i}\n    url: "{{{{ sandbox_url }}}}/echo/items/{i}"' for i in range(1000)
        )
        open(os.path.join(d, "with.yaml"), "w").write(f"name: with\nopenapi: api.yaml\nrequests:\n{reqs}\n")
        open(os.path.join(d, "without.yaml"), "w").write(f"name: without\nrequests:\n{reqs}\n")
        open(os.path.join(d, "api.yaml"), "w").write(API)
        os.makedirs(os.path.join(d, "environments"))
        open(os.path.join(d, "environments", "sb.yaml"), "w").write("sandbox: true\nvariables: {}\n")
        times = {"without": [], "with": []}
        for _ in range(a.runs):
            for name in times:
                start = time.perf_counter()
                r = subprocess.run([yarc, "run", f"{name}.yaml", "--env", "sb"], cwd=d,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - start)
                if r.returncode != 0:
                    raise SystemExit(f"{name}: exit {r.returncode}")
        counts = {name: instructions(yarc, name, d) for name in times} if a.instructions else {}
    for name, t in times.items():
        print(f"{name:8} median {statistics.median(t) * 1000:6.1f} ms  min {min(t) * 1000:6.1f} ms")
    print(f"ratio (median): {statistics.median(times['with']) / statistics.median(times['without']):.2f}")
    if counts:
        for name, n in counts.items():
            print(f"{name:8} {n:,} instructions")
        print(f"ratio (instructions): {counts['with'] / counts['without']:.3f}")


def instructions(yarc, name, d):
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        yarc, "run", f"{name}.yaml", "--env", "sb"],
                       cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", r.stderr)
    if not m:
        raise SystemExit(f"valgrind did not count {name}: {r.stderr[-300:]}")
    return int(m.group(1))


if __name__ == "__main__":
    main()
