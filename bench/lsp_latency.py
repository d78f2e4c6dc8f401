#!/usr/bin/env python3
"""`yarc lsp` on a large collection: how long after a keystroke the editor has its diagnostics,
and how much memory the server holds. Run by hand (never by CI, never asserted in a test):

    python3 bench/lsp_latency.py [--yarc target/release/yarc] [--requests 1000] [--edits 30]

It writes a collection of N requests and an environment into a temporary folder, opens the
collection in the server, then makes EDITS changes that alternate between a typo (one
diagnostic) and its fix (none), each timed from sending `didChange` to receiving the
`publishDiagnostics` that answers it (the server's 50 ms settle included). Prints the median
and the 90th percentile, and the server's peak resident memory (VmHWM).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def collection(n: int, typo: bool) -> str:
    lines = ["name: big", "requests:"]
    for i in range(n):
        base = "base_ur" if typo and i == n // 2 else "base_url"
        lines += [
            f"  - name: request {i}",
            f'    url: "{{{{ {base} }}}}/items/{i}"',
            "    expect:",
            "      status: 200",
            "      json:",
            "        $.id: { exists: true }",
        ]
    return "\n".join(lines) + "\n"


class Server:
    def __init__(self, yarc: str, cwd: str):
        self.p = subprocess.Popen([yarc, "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next = 1

    def send(self, msg: dict):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self) -> dict:
        length = 0
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("the server stopped")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method: str, params) -> dict:
        i = self.next
        self.next += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == i and "method" not in m:
                return m

    def diagnostics_for(self, uri: str, version: int) -> list:
        while True:
            m = self.read()
            p = m.get("params", {})
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version:
                return p["diagnostics"]

    def peak_kib(self) -> int:
        for line in Path(f"/proc/{self.p.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yarc", default=str(ROOT / "target" / "release" / "yarc"))
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=30)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "environments").mkdir()
        (Path(d) / "environments" / "stage.yaml").write_text("variables:\n  base_url: https://api.example.com\n")
        path = Path(d) / "big.yaml"
        path.write_text(collection(a.requests, False))
        uri = path.as_uri()
        s = Server(a.yarc, d)
        s.request("initialize", {"processId": os.getpid(), "rootUri": Path(d).as_uri(), "capabilities": {},
                                 "initializationOptions": {"environment": "stage"}})
        s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": collection(a.requests, False)}}})
        s.diagnostics_for(uri, 1)
        times = []
        for k in range(a.edits):
            version = k + 2
            typo = k % 2 == 0
            text = collection(a.requests, typo)
            t0 = time.perf_counter()
            s.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})
            got = s.diagnostics_for(uri, version)
            times.append((time.perf_counter() - t0) * 1000)
            assert (len(got) == 1) == typo, got
        peak = s.peak_kib()
        s.request("shutdown", None)
        s.send({"jsonrpc": "2.0", "method": "exit", "params": None})
        times.sort()
        print(f"{a.requests} requests, {a.edits} edits with {a.yarc}:")
        print(f"  keystroke to diagnostics: median {statistics.median(times):.0f} ms, "
              f"p90 {times[int(len(times) * 0.9) - 1]:.0f} ms (50 ms of it the server's settle)")
        print(f"  server peak memory: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
