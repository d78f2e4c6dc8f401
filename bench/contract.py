#!/usr/bin/env python3
"""Contract checks' cost: 1,000 requests to the sandbox's echo, each response validated
against an OpenAPI document (openapi:), against the same run without one.

    python3 bench/contract.py [--yarc target/release/yarc] [--runs 21]

Prints the median wall time of each and their ratio (the goal: under 1.10).
"""
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
    for name, t in times.items():
        print(f"{name:8} median {statistics.median(t) * 1000:6.1f} ms  min {min(t) * 1000:6.1f} ms")
    print(f"ratio (median): {statistics.median(times['with']) / statistics.median(times['without']):.2f}")


if __name__ == "__main__":
    main()
