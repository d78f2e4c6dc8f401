"""S9, connections over TLS: 200 collection files of 5 requests each against a local HTTPS
server (nginx, a self-signed certificate made here), `--jobs 8`, over HTTP/1.1 and over HTTP/2.
Counts the connections (each one a full TLS handshake) the server saw per run, from its access
log, and compares the wall time with the same suite when every file pays its own handshake:
the server then closes each connection after 5 requests (`keepalive_requests 5`), which is what
one connection per file costs. Hurl (`hurl --test --jobs 8`) runs the same suite beside it.

    python3 bench/tls.py [--yarc target/release/yarc] [--hurl bench/.tools/bin/hurl] [--runs 3]

Needs nginx (with ssl and http_v2) and openssl; prints a Markdown table. Never run by CI.
"""
import argparse
import json
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

FILES, PER_FILE, JOBS = 200, 5, 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificate(d: pathlib.Path):
    """A CA (cert.pem, what the tools trust) and the server's certificate signed by it."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", *ec, "-keyout", str(d / "ca-key.pem"), "-out", str(d / "cert.pem"),
        "-days", "2", "-subj", "/CN=bench CA", "-addext", "basicConstraints=critical,CA:TRUE")
    run("req", "-new", *ec, "-keyout", str(d / "key.pem"), "-out", str(d / "leaf.csr"),
        "-subj", "/CN=localhost")
    (d / "leaf.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", str(d / "leaf.csr"), "-CA", str(d / "cert.pem"),
        "-CAkey", str(d / "ca-key.pem"), "-CAcreateserial", "-out", str(d / "leaf.pem"),
        "-days", "2", "-extfile", str(d / "leaf.ext"))


def start_nginx(d: pathlib.Path, keepalive: int):
    """One HTTP/1.1 and one HTTP/2 listener; every request logged with its connection's serial."""
    h1, h2 = free_port(), free_port()
    root = d / f"nginx-{keepalive}"
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    tls = f"ssl_certificate {d}/leaf.pem; ssl_certificate_key {d}/key.pem;"
    body = '{"ok": true, "n": 1}'
    location = (f"location / {{ default_type application/json; "
                f"add_header Set-Cookie \"seen=$uri; Path=/\"; return 200 '{body}'; }}")
    conf.write_text(f"""
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
daemon on;
events {{ worker_connections 1024; }}
http {{
  log_format conn '$connection $server_port $request';
  access_log {root}/access.log conn;
  client_body_temp_path {root}/tmp;
  proxy_temp_path {root}/tmp;
  fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp;
  scgi_temp_path {root}/tmp;
  keepalive_requests {keepalive};
  ssl_session_cache off;
  ssl_session_tickets off;
  server {{ listen 127.0.0.1:{h1} ssl; {tls} {location} }}
  server {{ listen 127.0.0.1:{h2} ssl http2; {tls} {location} }}
}}
""")
    subprocess.run(["nginx", "-c", str(conf), "-p", str(root)], check=True)
    time.sleep(0.3)
    return root, h1, h2


def stop_nginx(root):
    subprocess.run(["nginx", "-c", str(root / "nginx.conf"), "-p", str(root), "-s", "stop"],
                   check=False)


def connections(root, port) -> tuple:
    """(connections, requests) logged for `port` since the log was last cleared."""
    log = root / "access.log"
    seen, n = set(), 0
    for line in log.read_text().splitlines():
        conn, p, *_ = line.split(" ")
        if p == str(port):
            seen.add(conn)
            n += 1
    return len(seen), n


def suite(d: pathlib.Path, port: int):
    """The same 200 files for both tools, per port."""
    y, h = d / f"yarc-{port}", d / f"hurl-{port}"
    for p in (y, h):
        shutil.rmtree(p, ignore_errors=True)
        p.mkdir(parents=True)
    for f in range(FILES):
        reqs = "".join(
            f"  - name: r{r}\n    url: https://localhost:{port}/f{f}/r{r}\n"
            f"    expect:\n      status: 200\n      json:\n        $.ok: true\n"
            for r in range(PER_FILE))
        (y / f"f{f:03}.yaml").write_text(f"name: f{f}\nrequests:\n{reqs}")
        (h / f"f{f:03}.hurl").write_text("".join(
            f"GET https://localhost:{port}/f{f}/r{r}\nHTTP 200\n[Asserts]\njsonpath \"$.ok\" == true\n\n"
            for r in range(PER_FILE)))
    return y, h


def timed(cmd, cwd):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        lines = r.stdout.splitlines()
        failed = [l for i, l in enumerate(lines) if any(w in "".join(lines[max(0, i - 2):i + 1]) for w in ("ERROR", "FAIL "))]
        sys.exit(f"{' '.join(cmd[:3])} failed ({r.returncode}):\n" + "\n".join(failed[:12]) + f"\n{r.stdout[-300:]}{r.stderr[-2000:]}")
    return wall


def measure(yarc: str, hurl: str, runs: int) -> list:
    """[(tool, protocol, server, median wall, most connections)], printed as measured."""
    has_hurl = pathlib.Path(hurl).exists()
    d = pathlib.Path(tempfile.mkdtemp(prefix="yarc-tls-"))
    certificate(d)
    rows = []
    try:
        for keepalive, label in ((100000, "connections kept"), (PER_FILE, "one connection per file")):
            root, h1, h2 = start_nginx(d, keepalive)
            try:
                for proto, port in (("HTTP/1.1", h1), ("HTTP/2", h2)):
                    rows += per_protocol(d, root, port, proto, label, keepalive, yarc, hurl if has_hurl else None, runs)
            finally:
                stop_nginx(root)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return rows


def per_protocol(d, root, port, proto, label, keepalive, yarc, hurl, runs) -> list:
    ydir, hdir = suite(d, port)
    tools = [("yarc", [yarc, "run", ".", "--jobs", str(JOBS), "--cacert",
                       str(d / "cert.pem"), "--color", "never"], ydir)]
    if hurl and keepalive != PER_FILE:
        flags = ["--test", "--jobs", str(JOBS), "--cacert", str(d / "cert.pem"),
                 "--http2" if proto == "HTTP/2" else "--http1.1"]
        tools.append(("hurl", [hurl, *flags, *sorted(p.name for p in hdir.glob("*.hurl"))], hdir))
    rows = []
    for tool, cmd, cwd in tools:
        walls, conns = [], []
        timed(cmd, cwd)  # warm-up
        for _ in range(runs):
            (root / "access.log").write_text("")
            subprocess.run(["nginx", "-c", str(root / "nginx.conf"), "-p", str(root),
                            "-s", "reopen"], check=True)
            time.sleep(0.1)
            walls.append(timed(cmd, cwd))
            time.sleep(0.2)
            c, n = connections(root, port)
            if n != FILES * PER_FILE:
                sys.exit(f"{tool} {proto}: the server logged {n} requests, not {FILES * PER_FILE}")
            conns.append(c)
        rows.append((tool, proto, label, statistics.median(walls), max(conns)))
        print(f"{tool:5} {proto:8} {label:24} {statistics.median(walls)*1000:7.0f} ms"
              f"  connections {max(conns)}", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yarc", default="target/release/yarc")
    ap.add_argument("--hurl", default="bench/.tools/bin/hurl")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    yarc, hurl = str(pathlib.Path(a.yarc).resolve()), str(pathlib.Path(shutil.which(a.hurl) or a.hurl).resolve())
    rows = measure(yarc, hurl, a.runs)
    print(f"\n| tool | protocol | server | wall (median of {a.runs}) | connections (TLS handshakes) |")
    print("|---|---|---|---|---|")
    for tool, proto, label, wall, conns in rows:
        print(f"| {tool} | {proto} | {label} | {wall*1000:,.0f} ms | {conns} |")
    print(json.dumps([dict(zip(("tool", "protocol", "server", "wall_s", "connections"), r)) for r in rows]))


if __name__ == "__main__":
    main()
