#!/usr/bin/env python3
"""Differential harness: does `yarc import postman` + `yarc run` send what Newman sends, and
do the test verdicts agree?

    python3 tests/differential/run.py [--yarc PATH] [--newman PATH] [--install]
                                      [--keep DIR] [--summary-json FILE] [FIXTURE...]
                                      [--fixtures DIR] [--var-url NAME[=TEMPLATE]]...
                                      [--block-external | --no-block-external]

For every fixture (fixtures/<name>.postman_collection.json, with an optional
<name>.postman_environment.json and <name>.postman_globals.json beside it) it runs Newman against a fresh recording echo server
(echo.py), then imports the collection with yarc and runs the result against another fresh one,
aligns the two request logs and compares them request by request, then compares the verdicts
per request name. See README.md for what identical / equivalent / different mean.

Standard library only. Exit: 0 when every difference and disagreement is listed in
choices.json, 1 otherwise, 2 on a harness error (no newman, no yarc, a fixture that is not JSON).
"""

from __future__ import annotations

import argparse
import base64
import collections
import concurrent.futures
import difflib
import hmac
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import echo  # noqa: E402

NEWMAN_VERSION = "6.2.1"
LOCAL_NODE = os.path.join(HERE, ".node")
FIXTURES = os.path.join(HERE, "fixtures")

# Headers that identify the sending tool, not the request: ignored by both "identical" and
# "equivalent". (Host is compared on its own, after the port; Accept has its own rule below.)
IDENTITY_HEADERS = {
    "user-agent": "names the tool (PostmanRuntime/7.39.1 vs yarc/x.y)",
    "postman-token": "Newman's per-request random UUID, for Postman's own tracing",
    "cache-control": "Newman's system `no-cache`; requests do not ask for it",
    "accept-encoding": "which compressions the client can decode is the client's business",
    "connection": "connection management (keep-alive), not part of the request",
    "host": "always the echo server; compared separately, after masking the port",
    "content-length": "framing; checked implicitly by comparing the body bytes",
}
ACCEPT_RULE = "Newman's system `Accept: */*` is ignored when yarc sends no Accept or `*/*`"

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
DIGEST_RE = re.compile(r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128})$")
TS_RE = re.compile(r"(?<![0-9])(?:\d{13}|\d{10})(?![0-9])")
IP_RE = re.compile(r"(?<![\d.])(?!127\.0\.0\.1(?![\d]))(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
BOUNDARY_RE = re.compile(r'(boundary=)("?)([^";,\s]+)\2', re.I)
# yyyymmddHHMMSS, as scripts format the clock for unique names
# an HTTP date, as toUTCString() writes it: "Sat, 05 Dec 2026 17:13:31 GMT"
HTTP_DATE_RE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT")
COMPACT_TIME_RE = re.compile(r"(?<![0-9])20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d(?![0-9])")
CLOCK_WORDS = ("Date.now", "new Date", "moment(", "Math.random", "uuid", "getTime()")
CLOCK_DIGEST_RE = re.compile(r"CryptoJS\.(?:SHA\d*|MD5|Hmac\w*)\(")
HEX_DIGEST_RE = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$")
DYNAMIC_RANDOM_RE = re.compile(r"\{\{\s*\$random\w*\s*\}\}")

# ----------------------------------------------------------------------------------------------
# small helpers


def env_name(name: str) -> str:
    """yarc's `clientSecret` → `CLIENT_SECRET` (src/import/vars.rs env_name)."""
    out = ""
    prev_lower = False
    for c in name:
        if c.isascii() and c.isupper() and prev_lower:
            out += "_"
        prev_lower = c.isascii() and (c.islower() or c.isdigit())
        if c.isascii() and c.isalnum():
            out += c.upper()
        elif not out.endswith("_"):
            out += "_"
    return out.strip("_")


# yarc's template functions: a variable named like one gets a `_` suffix (src/import/vars.rs ident)
YARC_FUNCTIONS = {"secret", "env", "uuid", "now", "timestamp", "random_int", "range", "dict", "namespace",
                  "debug", "loop", "true", "false", "none", "True", "False", "None"}


def yarc_ident(name: str) -> str:
    """The name `yarc import` gives a Postman variable: `tyk-gateway.host` → `tyk_gateway_host`
    (src/import/vars.rs ident)."""
    out = "".join(c if (c.isascii() and c.isalnum()) or c == "_" else "_" for c in name.strip())
    if not out or out[0].isdigit():
        out = "_" + out
    if out in YARC_FUNCTIONS:
        out += "_"
    return out


def clip(text: str, n: int = 200) -> str:
    text = text.replace("\r", "\\r")
    return text if len(text) <= n else text[: n - 3] + "..."


def split_target(target: str):
    if "?" in target:
        p, q = target.split("?", 1)
        return p, q
    return target, None


def path_of(target: str) -> str:
    path = split_target(target)[0]
    if "://" in path:  # absolute-form
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path


def norm_path(path: str) -> str:
    return urllib.parse.unquote(path)


def run_cmd(cmd, cwd, timeout=300, env=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return None, out, err + f"\n[harness] timed out after {timeout}s"


class HarnessError(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# external collections (--fixtures DIR): variables pointing at the echo server, and a guard


def parse_var_url(spec: str):
    """`NAME` or `NAME=TEMPLATE` (TEMPLATE may use {url}, {host}, {port}, {hostport})."""
    name, sep, template = spec.partition("=")
    name = name.strip()
    if not name:
        raise HarnessError(f"--var-url {spec!r}: no variable name")
    return name, (template if sep else "{url}")


def var_url_values(var_urls: dict, server) -> list:
    """[(name, value)] for one echo server: {url} = http://127.0.0.1:PORT, {host}, {port},
    {hostport} = 127.0.0.1:PORT. A template without placeholders is a constant."""
    fields = {"url": server.base_url, "host": "127.0.0.1", "port": str(server.port),
              "hostport": f"127.0.0.1:{server.port}"}
    out = []
    for name, template in var_urls.items():
        value = template
        for k, v in fields.items():
            value = value.replace("{" + k + "}", v)
        out.append((name, value))
    return out


class ExternalGuard:
    """A local listener given to both tools as their HTTP(S) proxy (NO_PROXY = 127.0.0.1, the
    echo server's address), so that a request to any host but the echo server never leaves the machine:
    it is recorded (its request line) and its connection closed, so the tool reports a
    request error. The echo server itself is reached directly."""

    def __init__(self):
        import socket
        import threading
        self.seen = []
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self.port = self._sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            try:
                conn.settimeout(2)
                line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1", "replace")
                if line:
                    self.seen.append(line)
            except OSError:
                pass
            finally:
                conn.close()

    def env(self, base: dict) -> dict:
        proxy = f"http://127.0.0.1:{self.port}"
        env = dict(base)
        for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            env[k] = proxy
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1"
        return env

    def take(self) -> list:
        seen, self.seen = self.seen, []
        return seen

    def stop(self):
        self._stop = True
        try:
            self._sock.close()
        except OSError:
            pass


# ----------------------------------------------------------------------------------------------
# finding the tools


def find_newman(explicit: str | None, install: bool) -> str:
    if explicit:
        if shutil.which(explicit) or os.path.isfile(explicit):
            return shutil.which(explicit) or explicit
        raise HarnessError(f"--newman {explicit}: not found")
    local = os.path.join(LOCAL_NODE, "node_modules", ".bin", "newman")
    on_path = shutil.which("newman")
    if on_path:
        return on_path
    if os.path.isfile(local):
        return local
    if install:
        npm = shutil.which("npm")
        if not npm:
            raise HarnessError("--install needs npm on PATH")
        print(f"installing newman@{NEWMAN_VERSION} into {os.path.relpath(LOCAL_NODE, ROOT)} ...", flush=True)
        rc, out, err = run_cmd([npm, "install", "--no-audit", "--no-fund", "--prefix", LOCAL_NODE,
                                f"newman@{NEWMAN_VERSION}"], cwd=HERE, timeout=900)
        if rc != 0 or not os.path.isfile(local):
            raise HarnessError(f"npm install failed:\n{out}\n{err}")
        return local
    raise HarnessError("newman not found: give --newman PATH, put newman on PATH, or pass --install "
                       f"(npm install newman@{NEWMAN_VERSION} into tests/differential/.node)")


def find_yarc(explicit: str | None) -> str:
    if explicit:
        path = explicit if os.path.isabs(explicit) or os.sep in explicit else shutil.which(explicit) or explicit
        path = os.path.abspath(path) if os.path.exists(path) else path
        if not os.path.isfile(path):
            raise HarnessError(f"--yarc {explicit}: not found")
        return path
    built = os.path.join(ROOT, "target", "release", "yarc")
    if os.path.isfile(built):
        return built
    on_path = shutil.which("yarc")
    if on_path:
        return on_path
    raise HarnessError("yarc not found: build target/release/yarc or give --yarc PATH")


# ----------------------------------------------------------------------------------------------
# running the tools


def run_newman(newman, fixture, work, guard=None):
    server = echo.EchoServer().start()
    try:
        export = os.path.join(work, "newman-report.json")
        cmd = [newman, "run", newman_collection(fixture, work, server)]
        if fixture["environment"]:
            cmd += ["-e", fixture["environment"]]
        if fixture.get("globals"):
            cmd += ["-g", fixture["globals"]]
        cmd += ["--env-var", f"base_url={server.base_url}"]
        for name, value in var_url_values(fixture.get("var_urls") or {}, server):
            cmd += ["--env-var", f"{name}={value}"]
        cmd += ["--reporters", "cli,json",
                "--reporter-json-export", export, "--timeout-request", "10000",
                "--color", "off", "--disable-unicode"]
        env = guard.env(os.environ) if guard else None
        rc, out, err = run_cmd(cmd, cwd=fixture.get("dir", FIXTURES), env=env)
        log = server.log()
    finally:
        server.stop()
    with open(os.path.join(work, "newman-output.txt"), "w") as f:
        f.write(f"$ {shlex.join(cmd)}\nexit {rc}\n{out}\n{err}")
    report = None
    if os.path.isfile(export):
        with open(export) as f:
            report = json.load(f)
    return {"rc": rc, "log": log, "port": server.port, "report": report, "stdout": out, "stderr": err,
            "blocked": guard.take() if guard else []}


def newman_collection(fixture, work, server) -> str:
    """The collection Newman runs: the fixture itself, or — when a variable the harness points
    at the echo server is also a collection variable — a copy with that variable's value
    pointed there too. `--env-var` outranks it for `{{name}}`, but a script that asks the
    collection's scope by name (`pm.collectionVariables.get("baseUrl")`) would still reach the
    real host; yarc has one scope, which `--var` sets."""
    values = dict(var_url_values(fixture.get("var_urls") or {}, server))
    data = json.loads(json.dumps(fixture["json"]))
    changed = False
    for v in collection_body(data).get("variable") or []:
        if isinstance(v, dict) and v.get("key") in values:
            v["value"] = values[v["key"]]
            changed = True
    if not changed:
        return fixture["collection"]
    path = os.path.join(work, "newman-collection.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f)
    return path


def collection_body(data) -> dict:
    """The collection itself: a Postman API export wraps it as {"collection": {...}}."""
    if isinstance(data, dict) and "info" not in data and isinstance(data.get("collection"), dict):
        return data["collection"]
    return data if isinstance(data, dict) else {}


def undefined_text(fixture, name: str) -> str:
    """What Newman sends for the variable yarc asks for as secret `name`: `{{variable}}` when the
    files refer to one of that name, else nothing (a field the export leaves empty or out)."""
    for path in (fixture.get("collection"), fixture.get("environment")):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, TypeError):
            continue
        for var in re.findall(r"\{\{([^{}]+)\}\}", text):
            if env_name(var) == name:
                return "{{" + var + "}}"
        # Read only by scripts (`pm.environment.get("client_secret")`, a helper's
        # `getvar('client-secret')`): `undefined` there, which no value passed to yarc can be;
        # the text the import's checks take for `undefined` (its name in yarc) keeps the run
        # from being refused.
        for var in re.findall(r"""\(\s*\\?["']([^"'\\{}]+)\\?["']""", text):
            if env_name(var) == name:
                return "{{" + yarc_ident(var) + "}}"
    return ""


def postman_values(fixture) -> dict:
    """Every value a user holds for the collection: env_name(key) → value (environment first)."""
    values: dict = {}

    def walk_auth(node, owner=None):
        if isinstance(node, dict):
            # A request's auth sits in its `request`: it is named after the item holding it.
            owner = node.get("name") if isinstance(node.get("name"), str) else owner
            auth = node.get("auth")
            params = auth.get(auth.get("type")) if isinstance(auth, dict) else None
            if isinstance(params, dict):
                # v2.0 exports hold an auth's fields as one object, v2.1 as a list of pairs.
                params = [{"key": k, "value": v} for k, v in params.items()]
            if isinstance(params, list):
                fields = {p.get("key"): p.get("value") for p in params if isinstance(p, dict)}
                if auth.get("type") == "apikey" and isinstance(fields.get("key"), str) \
                        and isinstance(fields.get("value"), str):
                    # An API key is asked for by the name of the header (or query) it goes in.
                    values.setdefault(env_name(fields["key"]), fields["value"])
                    if owner:
                        values.setdefault(f"{env_name(owner)}_{env_name(fields['key'])}", fields["value"])
                for p in params:
                    # A template is no value of the field's own: the import reads its variable.
                    if isinstance(p, dict) and isinstance(p.get("value"), str) and "{{" not in p["value"]:
                        values.setdefault(env_name(p.get("key", "")), p["value"])
                        # A second literal of the same name is named after its folder or
                        # request (`ADMIN_TOKEN`), as the import names it.
                        if owner:
                            named = f"{env_name(owner)}_{env_name(p.get('key', ''))}"
                            values.setdefault(named, p["value"])
            for v in node.values():
                walk_auth(v, owner)
        elif isinstance(node, list):
            for v in node:
                walk_auth(v, owner)

    if fixture["environment"]:
        with open(fixture["environment"], encoding="utf-8-sig") as f:
            for v in json.load(f).get("values", []):
                values.setdefault(env_name(v.get("key", "")), v.get("value"))
    for v in collection_body(fixture["json"]).get("variable", []) or []:
        values.setdefault(env_name(v.get("key", "")), v.get("value"))
    if fixture.get("globals"):
        with open(fixture["globals"], encoding="utf-8-sig") as f:
            for v in json.load(f).get("values", []):
                values.setdefault(env_name(v.get("key", "")), v.get("value"))
    walk_auth(collection_body(fixture["json"]))
    # A literal credential in an `Authorization` header, asked for after its scheme: the first
    # value as AUTHORIZATION, another as <REQUEST>_AUTHORIZATION or AUTHORIZATION_2, ...
    distinct = []

    def walk_headers(node, owner=None):
        if isinstance(node, dict):
            owner = node.get("name") if isinstance(node.get("name"), str) else owner
            for h in node.get("header") or [] if isinstance(node.get("header"), list) else []:
                if not isinstance(h, dict) or h.get("disabled"):
                    continue
                k, v = str(h.get("key", "")), h.get("value")
                if k.lower() not in ("authorization", "proxy-authorization") or not isinstance(v, str) \
                        or "{{" in v or not v.strip():
                    continue
                cred = v.strip().split(" ", 1)[1].strip() if " " in v.strip() else v.strip()
                if cred not in distinct:
                    distinct.append(cred)
                n = distinct.index(cred)
                values.setdefault(env_name(k) + (f"_{n + 1}" if n else ""), cred)
                if owner:
                    values.setdefault(f"{env_name(owner)}_{env_name(k)}", cred)
            for v in node.values():
                walk_headers(v, owner)
        elif isinstance(node, list):
            for v in node:
                walk_headers(v, owner)

    walk_headers(collection_body(fixture["json"]))
    # Literals scripts hold (`set("api_key", "...")`, a token form's `client_secret=...`), which
    # the import asks for as secrets instead of writing them.
    text = json.dumps(collection_body(fixture["json"]))
    for pattern in (r'\.set\(\s*\\?["\']([^"\'\\]+)\\?["\']\s*,\s*\\?["\']([^"\'\\]*)\\?["\']\s*\)',
                    r'key\s*:\s*\\?["\'](\w+)\\?["\']\s*,\s*value\s*:\s*\\?["\']([^"\'\\]*)\\?["\']',
                    r'[?&\'"](\w*(?:secret|password|token|key)\w*)=([^&\'"\\]+)'):
        for name, value in re.findall(pattern, text, re.I):
            values.setdefault(env_name(name), value)
    return values


def find_item(node, kind: str, name: str):
    """The first request (or folder) of that name, depth first, as the import met them; a
    request the import numbered (`Create User (3)`: the third of that name) by its place."""
    found = find_item_named(node, kind, name)
    m = re.match(r"(.*) \((\d+)\)$", name, re.S)
    if found is not None or not m:
        return found
    same = [it for it in items_depth_first(node)
            if str(it.get("name", "")).strip().lower() == m.group(1).strip().lower()
            and isinstance(it.get("item"), list) == (kind == "folder")]
    n = int(m.group(2))
    return same[n - 1] if 0 < n <= len(same) else None


def items_depth_first(node):
    for it in node.get("item") or [] if isinstance(node, dict) else []:
        if isinstance(it, dict):
            yield it
            yield from items_depth_first(it)


def find_item_named(node, kind: str, name: str):
    for it in node.get("item") or [] if isinstance(node, dict) else []:
        if not isinstance(it, dict):
            continue
        # The import trims names (`"Add realm [SAT] "` is request `Add realm [SAT]`).
        named = str(it.get("name", "")).strip() == name.strip()
        if named and (isinstance(it.get("item"), list)) == (kind == "folder"):
            return it
        found = find_item_named(it, kind, name)
        if found is not None:
            return found
    return None


def json_field(raw: str, key: str):
    """A JSON body's first string value under `key` that is no variable (`{{password}}`
    stands for another secret), at any depth (templates may make the whole body no JSON, so
    it is read as text)."""
    for m in re.finditer(r'"' + re.escape(key) + r'"\s*:\s*"((?:[^"\\]|\\.)*)"', raw):
        value = json.loads('"' + m.group(1) + '"')
        if "{{" not in value:
            return value
    return None


def url_parts(req):
    url = req.get("url") if isinstance(req, dict) else req
    raw = url if isinstance(url, str) else (url or {}).get("raw", "") if isinstance(url, dict) else ""
    return url, raw or ""


def script_lines(event: dict) -> list:
    """The lines of one `event` entry's script (`exec` as a list or as one text)."""
    script = event.get("script") if isinstance(event.get("script"), dict) else {}
    lines = script.get("exec") or []
    return [l for l in (lines if isinstance(lines, list) else [lines]) if isinstance(l, str)]


def source_literal(fixture, src: dict):
    """The literal the import hid as a secret, read from the export where its report says it
    was (`secret_sources`): the header `api-key` of request `sign up`, ..."""
    coll = collection_body(fixture["json"])
    where, field, key = src.get("where", ""), src.get("field", ""), src.get("key", "")
    m = re.match(r"(request|folder|environment) `(.*)`$", where, re.S)
    if field == "variable":
        lists = [coll.get("variable") or []]
        if m and m.group(1) == "environment" and fixture.get("environment"):
            with open(fixture["environment"], encoding="utf-8-sig") as f:
                lists = [json.load(f).get("values", [])]
        elif fixture.get("globals"):
            # Globals the import made collection variables: the export's own win.
            with open(fixture["globals"], encoding="utf-8-sig") as f:
                lists.append(json.load(f).get("values", []))
        for v in (x for lst in lists for x in lst if isinstance(x, dict)):
            if v.get("key") == key and isinstance(v.get("value"), str):
                return v["value"]
        return None
    node = coll if where == "the collection" else find_item(coll, m.group(1), m.group(2)) if m else None
    if node is None:
        return None
    req = node.get("request", node) if m and m.group(1) == "request" else node
    if not isinstance(req, dict):
        return None
    if field in ("header", "credential after the scheme of the header"):
        for h in req.get("header") or []:
            if isinstance(h, dict) and h.get("key") == key and isinstance(h.get("value"), str):
                v = h["value"].strip()
                if key.lower() in ("authorization", "proxy-authorization") and " " in v:
                    return v.split(" ", 1)[1]  # as the import splits it: "Bearer  x" keeps " x"
                return h["value"]
        # A header a script adds (`pm.request.headers.add({key: 'Authorization', value:
        # 'Bearer x'})`): what follows its scheme.
        text = "\n".join(line for e in (node.get("event") or []) if isinstance(e, dict)
                         for line in script_lines(e))
        m4 = re.search(re.escape(key) + r"""['"]\s*,\s*value\s*:\s*(['"])(\S+) (.*?)\1""", text)
        if m4 and field != "header":
            return m4.group(3)
    if field == "auth field" or field == "auth":
        auth = req.get("auth") or {}
        for p in auth.get(auth.get("type"), []) if isinstance(auth, dict) else []:
            if isinstance(p, dict) and p.get("key") == key:
                return p.get("value")
    body = req.get("body") or {}
    if field == "form field":
        for p in (body.get("urlencoded") or []) + (body.get("formdata") or []):
            if isinstance(p, dict) and p.get("key") == key and not p.get("disabled"):
                return p.get("value")
    if field == "JSON field":
        return json_field(body.get("raw") or "", key)
    if field == "script":
        # `password: 'admin'`, `"api_key": "..."`, `set('token', '...')` in the node's scripts.
        text = "\n".join(line for e in (node.get("event") or []) if isinstance(e, dict)
                         for line in script_lines(e))
        m3 = re.search(r"\b" + re.escape(key) + r"""['"]?\s*[:=,]\s*(['"])(.*?)\1""", text)
        return m3.group(2) if m3 else None
    url, raw = url_parts(req)
    if field == "url password":
        auth = url.get("auth") if isinstance(url, dict) else None
        if isinstance(auth, dict) and auth.get("password"):
            return auth["password"]
        m2 = re.match(r"[^:/]+://[^:/@]*:([^@/]*)@", raw)
        return m2.group(1) if m2 else None
    if field == "path variable":
        for v in (url.get("variable") or []) if isinstance(url, dict) else []:
            if isinstance(v, dict) and v.get("key") == key and isinstance(v.get("value"), str):
                return v["value"]
        return None
    if field == "query parameter":
        for q in (url.get("query") or []) if isinstance(url, dict) else []:
            if isinstance(q, dict) and q.get("key") == key and not q.get("disabled"):
                return q.get("value")
        for pair in raw.partition("?")[2].split("#")[0].split("&"):
            k, _, v = pair.partition("=")
            if k == key:
                return v
    return None


def run_yarc(yarc, fixture, work, guard=None):
    out_dir = os.path.join(work, "yarc-import")
    os.makedirs(out_dir, exist_ok=True)
    import_report = os.path.join(work, "yarc-import-report.json")
    cmd = [yarc, "import", "postman", fixture["collection"]]
    if fixture["environment"]:
        cmd += ["--environment", fixture["environment"]]
    if fixture.get("globals"):
        cmd += ["--globals", fixture["globals"]]
    cmd += ["-o", out_dir, "--force", "--report", import_report]
    env = dict(os.environ, NO_COLOR="1")
    cwd = fixture.get("dir", FIXTURES)
    irc, iout, ierr = run_cmd(cmd, cwd=cwd, env=env)
    result = {"import_rc": irc, "import_summary": (iout + ierr).strip(), "rc": None, "log": [],
              "report": None, "stdout": "", "stderr": "", "port": None, "secrets": {}, "missing_secrets": [],
              "blocked": []}
    with open(os.path.join(work, "yarc-import-output.txt"), "w") as f:
        f.write(f"$ {shlex.join(cmd)}\nexit {irc}\n{iout}\n{ierr}")
    if irc != 0:
        return result
    m = re.search(r"^imported .* into (.+\.ya?ml)$", iout, re.M)
    coll = m.group(1).strip() if m else None
    if not coll or not os.path.isfile(coll):
        cands = sorted(p for p in os.listdir(out_dir) if p.endswith((".yaml", ".yml")))
        coll = os.path.join(out_dir, cands[0]) if cands else None
    if not coll:
        result["import_summary"] += "\n[harness] no collection file found in the import folder"
        return result
    env_slug = None
    # the summary's line for a written environment: "environment `NAME` → path"
    m = re.search(r"environment `([^`]+)` →", iout)
    if m:
        env_slug = m.group(1)
    elif os.path.isdir(os.path.join(out_dir, "environments")):
        cands = sorted(os.listdir(os.path.join(out_dir, "environments")))
        env_slug = os.path.splitext(cands[0])[0] if cands else None
    # Secrets the import asks the user for: give the values the Postman files held.
    secrets = []
    sources = []
    if os.path.isfile(import_report):
        with open(import_report) as f:
            imported = json.load(f)
            secrets = imported.get("secrets", [])
            sources = imported.get("secret_sources", [])
    values = postman_values(fixture)
    # Where the import says a secret's literal was, that literal is what the user sets.
    for src in sources:
        literal = source_literal(fixture, src)
        if isinstance(literal, str) and src.get("name"):
            values[src["name"]] = literal
    server = echo.EchoServer().start()
    # A secret named after a variable the harness points at the echo server (or sets) takes its value.
    for name, value in var_url_values(fixture.get("var_urls") or {}, server):
        values[env_name(name)] = value
    try:
        report = os.path.join(work, "yarc-report.json")
        cmd = [yarc, "run", coll]
        if env_slug:
            cmd += ["--env", env_slug]
        cmd += ["--var", f"base_url={server.base_url}"]
        for name, value in var_url_values(fixture.get("var_urls") or {}, server):
            cmd += ["--var", f"{yarc_ident(name)}={value}"]
        for name in secrets:
            if values.get(name) is not None:
                # `@@` starts a value that begins with `@` (`@FILE` reads a file).
                given = "@" + values[name] if str(values[name]).startswith("@") else values[name]
                if len(str(given)) > 32768:
                    # One argument holds at most 128 KiB (a script library kept in a
                    # variable is larger): the value goes through a file.
                    held = os.path.join(work, f"secret-{name}.txt")
                    with open(held, "w") as f:
                        f.write(str(values[name]))
                    given = "@" + held
                cmd += ["--secret-var", f"{name}={given}"]
                result["secrets"][name] = values[name]
            else:
                result["missing_secrets"].append(name)
                if fixture.get("dir", FIXTURES) != FIXTURES:
                    # An external collection whose files hold no value: give what Newman sends
                    # for a variable nothing defines, its own `{{name}}` text (nothing for a
                    # field the export leaves empty), so the run is not refused for want of it.
                    key = next((src.get("key") for src in sources if src.get("name") == name
                                and src.get("field") == "undefined" and src.get("key")), None)
                    text = "{{" + key + "}}" if key else undefined_text(fixture, name)
                    cmd += ["--secret-var", f"{name}={text}"]
        cmd += ["--report", f"json:{report}", "--color", "never", "--timeout", "10s"]
        rc, out, err = run_cmd(cmd, cwd=cwd, env=guard.env(env) if guard else env)
        result["log"] = server.log()
        result["blocked"] = guard.take() if guard else []
        result["port"] = server.port
    finally:
        server.stop()
    with open(os.path.join(work, "yarc-output.txt"), "w") as f:
        f.write(f"$ {shlex.join(cmd)}\nexit {rc}\n{out}\n{err}")
    result.update(rc=rc, stdout=out, stderr=err)
    if os.path.isfile(report):
        with open(report) as f:
            result["report"] = json.load(f)
    return result


# ----------------------------------------------------------------------------------------------
# labelling log entries with request names


def newman_executions(report):
    """run.executions without the duplicates Newman's JSON export writes: an item whose script
    called pm.sendRequest appears twice, the same execution (same id, cursor and assertions)."""
    out, seen = [], set()
    for ex in (report or {}).get("run", {}).get("executions", []):
        cur = ex.get("cursor") or {}
        key = (ex.get("id"), cur.get("ref"), cur.get("iteration"), cur.get("httpRequestId"))
        if key in seen:
            continue
        seen.add(key)
        out.append(ex)
    return out


NEVER_SENT_CODES = {"ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPROTO", "ERR_TLS_CERT_ALTNAME_INVALID"}


def newman_expected(report):
    out = []
    for ex in newman_executions(report):
        err = ex.get("requestError")
        if isinstance(err, dict) and err.get("code") in NEVER_SENT_CODES:
            continue  # it never reached the echo server (a refused connection, the guard)
        req = ex.get("request") or {}
        url = req.get("url") or {}
        path = url.get("path") or []
        if isinstance(path, str):
            path = path.strip("/").split("/")
        method = (req.get("method") or "GET").upper()
        path = norm_path("/" + "/".join(str(p) for p in path))
        # Newman's report can give an execution the request a script sent (`pm.sendRequest`
        # in a `setTimeout`) in place of the item's own: the item's definition says which.
        item_req = (ex.get("item") or {}).get("request") or {}
        if not defined_alike(item_req, method, path):
            own = item_pattern(item_req)
            if own:
                method, path = own
        out.append((ex.get("item", {}).get("name", "?"), method, path))
    return out


def item_pattern(item_req):
    """(method, path) of an item's request as defined: its variables (`{{id}}`, `:id`) stay as
    written, to be matched against a sent path by `path_matches`."""
    if not isinstance(item_req, dict) or not isinstance(item_req.get("url"), dict):
        return None
    path = item_req["url"].get("path") or []
    if isinstance(path, str):
        path = path.strip("/").split("/")
    return ((item_req.get("method") or "GET").upper(), "/" + "/".join(str(p) for p in path))


def path_matches(pattern: str, path: str) -> bool:
    """Whether a sent path is one an item's defined path (with `{{var}}` and `:var` segments,
    which stand for anything) can be."""
    parts = re.split(r"(\{\{[^{}]*\}\}|(?<=/):[A-Za-z_][\w-]*)", pattern)
    rx = "".join("[^?#]*" if (p.startswith("{{") or p.startswith(":")) else re.escape(p) for p in parts if p)
    return re.fullmatch(rx, path) is not None


def defined_alike(item_req, method, path) -> bool:
    own = item_pattern(item_req)
    return own is None or (own[0] == method and path_matches(own[1], path))


def yarc_expected(report):
    out = []
    for c in (report or {}).get("collections", []):
        for r in c.get("requests", []):
            if r.get("state") in ("skipped", "not_run", "invalid", "rendered"):
                continue
            if r.get("state") == "errored" and "could not connect" in (r.get("message") or ""):
                continue  # it never reached the echo server
            if SENT in r.get("name", ""):
                # What a script sends is an extra request on both sides: Newman's report does
                # not list it, so it is labelled as Newman's is (by the next request's name).
                continue
            path = path_of(urllib.parse.urlsplit(r.get("url") or "").path or "/")
            # A polled request (`retry`) is sent once per attempt, as Newman sends an item
            # its script sends again (setNextRequest) once per execution.
            for _ in range(max(1, int(r.get("attempts") or 1))):
                out.append((r.get("name", "?"), (r.get("method") or "GET").upper(), norm_path(path)))
    return out


def label(log, expected):
    """Give every log entry the name of the request it belongs to, walking both in order."""
    j = 0
    prev_name = None
    prev_status = None
    for e in log:
        key = (e["method"].upper(), norm_path(path_of(e["target"])))
        if j < len(expected) and (key == expected[j][1:] or (
                key[0] == expected[j][1] and "{{" in expected[j][2] and path_matches(expected[j][2], key[1]))):
            e["label"] = expected[j][0]
            e["align"] = (expected[j][0], "main")
            prev_name = expected[j][0]
            j += 1
        elif prev_status is not None and 300 <= prev_status < 400 and prev_name:
            e["label"] = f"{prev_name} (redirect hop)"
            e["align"] = (prev_name, "hop")
        elif j < len(expected):
            e["label"] = f"{expected[j][0]} (script/extra request before it)"
            e["align"] = (expected[j][0], "before")
        else:
            e["label"] = f"{prev_name or '?'} (extra request after it)"
            e["align"] = (prev_name, "after")
        prev_status = e.get("status")


# ----------------------------------------------------------------------------------------------
# comparing requests


RANDOM_WORDS = ("$random", "Math.random", "_.random", "uuid", "$guid", "randomUUID", "WordArray.random")
LOCAL_RE = re.compile(r"\b(?:var|let|const)\s+(\w+)\s*=\s*(.+)")
# A local built up in a loop: `login += replaceIn("{{$randomAlphaNumeric}}")`.
APPEND_RE = re.compile(r"(?:^|[;{])\s*(\w+)\s*\+=\s*(.+)")
FUNCTION_RE = re.compile(r"\bfunction\s+(\w+)\s*\(")
RETURN_RE = re.compile(r"\breturn\s+(.+)")
SET_ACROSS_RE = re.compile(r"\.set\(\s*[\"']([^\"']+)[\"']\s*,\s*([^;]+?)\)\s*;")
SET_RE = re.compile(r"\.(?:set|setEnvironmentVariable|setGlobalVariable)\(\s*[\"']([^\"']+)[\"']\s*,\s*(.+)\)")


def random_variables(fixture_text: str) -> set:
    """Variables a script sets to a made-up value, directly or through its locals."""
    try:
        fixture = json.loads(fixture_text)
    except ValueError:
        return set()
    found = set()

    def scripts(node):
        if isinstance(node, dict):
            if node.get("listen") and isinstance(node.get("script"), dict):
                lines = node["script"].get("exec") or []
                yield lines if isinstance(lines, list) else [lines]
            for v in node.values():
                yield from scripts(v)
        elif isinstance(node, list):
            for v in node:
                yield from scripts(v)

    for lines in scripts(fixture):
        made = set()

        def random(rhs):
            return any(w in rhs for w in RANDOM_WORDS) or any(
                re.search(r"\b" + re.escape(n) + r"\b", rhs) for n in made
            )
        # Twice over: a function that returns a made-up value (`function random_string(n)
        # {... return str; }`) makes its calls made up, wherever it is declared.
        for _ in range(3):
            function = None
            for line in (l for l in lines if isinstance(l, str)):
                declared = FUNCTION_RE.search(line)
                function = declared.group(1) if declared else function
                returned = RETURN_RE.search(line)
                if function and returned and random(returned.group(1)):
                    made.add(function)
                for local in (LOCAL_RE.search(line), APPEND_RE.search(line)):
                    if local and random(local.group(2)):
                        made.add(local.group(1))
                for m in SET_RE.finditer(line):
                    if random(m.group(2)):
                        found.add(m.group(1))
                # a query parameter a script adds with a made-up local:
                # pm.request.addQueryParams(`correlationId=${correlationId}`)
                for m in re.finditer(r"addQueryParams\(\s*`([\w.-]+)=\$\{\s*(\w+)\s*\}`", line):
                    if m.group(2) in made:
                        found.add("query:" + m.group(1))
            # a set() written over several lines: `pm.environment.set(\n "pw",\n Math.random()...);`
            joined = " ".join(l.strip() for l in lines if isinstance(l, str))
            for m in SET_ACROSS_RE.finditer(joined):
                if random(m.group(2)):
                    found.add(m.group(1))
    return found


def random_path_variables(fixture_text: str):
    """The literal path before each path variable (`/workflows/name/:name/create`) whose value
    is a made-up one (`{{$randomWord}}`): that segment differs from run to run."""
    try:
        doc = json.loads(fixture_text)
    except ValueError:
        return
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        stack.extend(node.values())
        raw, variables = node.get("raw"), node.get("variable")
        if not isinstance(raw, str) or not isinstance(variables, list):
            continue
        for v in variables:
            if isinstance(v, dict) and "{{$random" in str(v.get("value", "")):
                m = re.search(r"[^{}]*?(/[\w./-]*/):" + re.escape(str(v.get("key", ""))) + r"\b", raw)
                if m:
                    yield m.group(1)


class Masker:
    """What counts as volatile for one fixture."""

    def __init__(self, fixture_text: str, ports):
        self.ports = [p for p in ports if p]
        # random or clock values: dynamic variables, or scripts that read the clock or make ids
        made = sorted(random_variables(fixture_text))
        self.dynamic = "{{$" in fixture_text or any(w in fixture_text for w in CLOCK_WORDS) or bool(made)
        # a made-up IP (`{{$randomIP}}`, often given by a script to a header it adds)
        self.random_ip = "$randomIP" in fixture_text
        # a digest a script makes over the clock (`CryptoJS.SHA1("SPA-" + id + "-" + tstamp)`):
        # never equal across runs, so a header holding one is compared by its shape
        self.clock_digest = bool(CLOCK_DIGEST_RE.search(fixture_text)) and any(
            w in fixture_text for w in CLOCK_WORDS)
        # names (JSON keys, query/form keys, header names) whose value is a $random* variable
        # ... or whose value is a variable a script made up (`set("email", name + "@x.org")`
        # after `name = replaceIn("{{$randomFirstName}}")`, `cards[Math.floor(Math.random() * 5)]`),
        # or a query parameter a script adds with a made-up value
        self.random_keys = {v[len("query:"):] for v in made if v.startswith("query:")}
        made = [v for v in made if not v.startswith("query:")]
        made_up = [r"\$random\w*"] + [re.escape(v) for v in made]
        for slot in made_up:
            slot = r"\{\{\s*" + slot + r"\s*\}\}"
            for pattern in (
                r'\\?"([\w.-]+)\\?"\s*:\s*\\?"?' + slot,
                # a made-up value inside a longer text: "OrgDefinedId-{{$randomInt}}", also
                # after other variables: "{{device_name}}{{$randomInt}}"
                r'\\?"([\w.-]+)\\?"\s*:\s*\\?"(?:[^"\\{]|\{\{[^{}"]*\}\})*' + slot,
                r"[?&]([^=&?#\s\"]+)=" + slot,
                r'"key":\s*"([^"]+)",\s*"value":\s*"' + slot + '"',
            ):
                for m in re.finditer(pattern, fixture_text):
                    self.random_keys.add(m.group(1))
        # path segments that are a made-up variable (`/pet/{{petId}}` after `petId =
        # Math.round(Math.random() * 1e5)`): the literal path before each
        self.random_paths = set(random_path_variables(fixture_text))
        for v in made:
            for m in re.finditer(r'"raw":\s*"[^"]*?(/[\w./-]*/)\{\{' + re.escape(v) + r'\}\}', fixture_text):
                self.random_paths.add(m.group(1))

    # The values of the secrets yarc was given (keys a signature may be made with).
    keys: list = []

    def signed_alike(self, nt: str, yt: str) -> bool:
        """Targets that differ in one query value that is an HMAC (hex) of the rest of the query
        and in volatile values: the harness finds the key and hash that make Newman's from its
        own query, and checks that the same make yarc's from yarc's. A signature over a
        timestamp cannot be equal; this shows it is computed alike."""
        (np_, nq), (yp, yq) = split_target(nt), split_target(yt)
        if np_ != yp or nq is None or yq is None or not self.keys:
            return False
        npairs, ypairs = [q.partition("=") for q in nq.split("&")], [q.partition("=") for q in yq.split("&")]
        if [k for k, _, _ in npairs] != [k for k, _, _ in ypairs]:
            return False
        signed = [i for i, (a, b) in enumerate(zip(npairs, ypairs))
                  if a[2] != b[2] and DIGEST_RE.match(a[2]) and DIGEST_RE.match(b[2])]
        if len(signed) != 1:
            return False
        at = signed[0]

        def rest(pairs):
            return "&".join(k + e + v for j, (k, e, v) in enumerate(pairs) if j != at)
        if self.target(np_ + "?" + rest(npairs)) != self.target(yp + "?" + rest(ypairs)):
            return False
        for key in self.keys:
            for algo in ("sha256", "sha1", "sha512", "md5"):
                for read in (lambda t: t, urllib.parse.unquote_plus):
                    def mac(pairs):
                        return hmac.new(key.encode(), read(rest(pairs)).encode(), algo).hexdigest()
                    if mac(npairs) == npairs[at][2].lower():
                        return mac(ypairs) == ypairs[at][2].lower()
        return False

    def port(self, text: str) -> str:
        for p in self.ports:
            text = text.replace(f"127.0.0.1:{p}", "127.0.0.1:PORT").replace(f"localhost:{p}", "localhost:PORT")
        return text

    def text(self, text: str) -> str:
        text = self.port(text)
        if self.dynamic:
            text = UUID_RE.sub("<uuid>", text)
            text = ISO_RE.sub("<iso-time>", text)
            text = HTTP_DATE_RE.sub("<http-date>", text)
            text = TS_RE.sub("<timestamp>", text)
            text = COMPACT_TIME_RE.sub("<compact-time>", text)
        if self.random_ip:
            text = IP_RE.sub("<ip>", text)
        return text

    def target(self, target: str) -> str:
        """A request target with volatile parts and made-up query values set aside."""
        path, query = split_target(self.text(target))
        for before in self.random_paths:
            path = re.sub(re.escape(before) + r"[^/?#]+", before + "<random>", path)
        if query is None:
            return path
        pairs = []
        for pair in query.split("&"):
            k, eq, v = pair.partition("=")
            pairs.append(k + eq + self.pair_value(urllib.parse.unquote_plus(k), v))
        return path + "?" + "&".join(pairs)

    def random_values(self, text: str) -> str:
        """A body that is not JSON (a blank pasted in makes it so) with its $random* values,
        JSON-like `"key": value` pairs, set aside as in a JSON body."""
        if not self.dynamic:
            return text
        for key in self.random_keys:
            # Unquoted, a value runs to the next comma, brace or line end (a made-up full name
            # pasted in is two words).
            text = re.sub(r'("' + re.escape(key) + r'"\s*:\s*)("(?:[^"\\]|\\.)+"|[^",}\r\n]*[^",}\s])', r'\1<random>', text)
        return text

    def pair_value(self, key: str, value: str) -> str:
        # a made-up value is set aside, but not its absence (an empty value is a difference)
        if self.dynamic and key in self.random_keys and value != "":
            return "<random>"
        return self.text(value)

    def json_display(self, v, key=None):
        """The parsed JSON with $random* slots replaced, for printing."""
        if self.dynamic and key in self.random_keys and not isinstance(v, (dict, list)):
            return f"<random {type(v).__name__}>"
        if isinstance(v, dict):
            return {k: self.json_display(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [self.json_display(x) for x in v]
        return v

    def json_value(self, v, key=None):
        if self.dynamic and key in self.random_keys and not isinstance(v, (dict, list)) and v not in ("", None):
            return ("<random>", type(v).__name__)
        if isinstance(v, dict):
            return ("object", sorted((k, self.json_value(x, k)) for k, x in v.items()))
        if isinstance(v, list):
            return ("array", [self.json_value(x) for x in v])
        if isinstance(v, bool):
            return ("bool", v)
        if v is None:
            return ("null", None)
        if isinstance(v, (int, float)):
            return ("number", float(v) if isinstance(v, float) and not v.is_integer() else int(v))
        return ("string", self.text(v))


JWT_RE = re.compile(r"\b(eyJ[A-Za-z0-9_-]*)\.(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)")
JWT_TIMES = ("iat", "nbf", "exp")
JWT_HASHES = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}


def jwt_shape(value: str, keys) -> str:
    """A JSON Web Token in a header written as what it says: its header and claims as parsed
    JSON (key order is the writer's), the times it carries (`iat`, `nbf`, `exp`) set aside as
    any clock value is, and whether its HMAC signature holds under one of the keys yarc was
    given (Newman signs with the same literal). Two tokens made at different seconds by the
    same script from the same values show alike; a wrong key, claim or algorithm does not."""
    def unpad(part):
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    def shape(m):
        try:
            header, claims = unpad(m.group(1)), unpad(m.group(2))
        except (ValueError, UnicodeDecodeError):
            return m.group(0)
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return m.group(0)
        def when(v):
            # Seconds or milliseconds since 1970, told apart: a token in the wrong unit differs.
            if isinstance(v, (int, float)) and 1e9 <= v < 1e10:
                return "<time in s>"
            if isinstance(v, (int, float)) and 1e12 <= v < 1e13:
                return "<time in ms>"
            return v
        claims = {k: (when(v) if k in JWT_TIMES else v) for k, v in claims.items()}
        algo = JWT_HASHES.get(header.get("alg"))
        signed = f"{m.group(1)}.{m.group(2)}".encode()
        sig = base64.urlsafe_b64encode
        holds = bool(algo) and any(
            sig(hmac.new(k.encode(), signed, algo).digest()).rstrip(b"=").decode() == m.group(3)
            for k in keys)
        verdict = "signed with a given key" if holds else "signature not checked"
        return (f"<jwt {json.dumps(header, sort_keys=True)} {json.dumps(claims, sort_keys=True)} "
                f"{verdict}>")
    return JWT_RE.sub(shape, value)


def decode(b: bytes) -> str:
    return b.decode("utf-8", errors="surrogateescape")


def header_groups(headers, lower: bool, masker: Masker | None):
    groups = collections.OrderedDict()
    for k, v in headers:
        name = k.lower() if lower else k
        if k.lower() in IDENTITY_HEADERS:
            continue
        if masker and k.lower() in {r.lower() for r in masker.random_keys}:
            # a header the collection gives a made-up value (`randomFirstName: {{$randomFirstName}}`)
            v = "<random>"
        elif masker and masker.clock_digest and HEX_DIGEST_RE.match(v):
            # Before the other masks: a run of ten digits inside the digest is no timestamp.
            v = f"<digest of {len(v)} hex>"
        elif masker and JWT_RE.search(v):
            v = masker.text(jwt_shape(v, masker.keys))
        elif masker:
            v = BOUNDARY_RE.sub(r"\1<boundary>", masker.text(v)) if k.lower() == "content-type" else masker.text(v)
        groups.setdefault(name, []).append(v)
    return groups


def drop_system_accept(nh: dict, yh: dict, lower=True):
    """Apply ACCEPT_RULE to grouped headers (in place)."""
    nkey = next((k for k in nh if k.lower() == "accept"), None)
    ykey = next((k for k in yh if k.lower() == "accept"), None)
    if nkey and nh[nkey] == ["*/*"] and (ykey is None or yh[ykey] == ["*/*"]):
        del nh[nkey]
        if ykey:
            del yh[ykey]


def parse_json(b: bytes):
    if not b.strip():
        return None, False
    try:
        return json.loads(b.decode("utf-8")), True
    except (ValueError, UnicodeDecodeError):
        return None, False


def body_kind(n, y) -> str:
    """How to compare two bodies: json when both parse as JSON, else by Newman's Content-Type
    (the reference), else by yarc's."""
    if n["body"].strip() and y["body"].strip() and parse_json(n["body"])[1] and parse_json(y["body"])[1]:
        return "json"
    for e in (n, y):
        ctype = (echo.header_get(e["headers"], "content-type") or "").lower()
        if ctype.startswith("application/x-www-form-urlencoded"):
            return "form"
        if ctype.startswith("multipart/"):
            return "multipart"
    return "bytes"


def body_view(entry, masker: Masker, kind: str):
    """(comparable value, printable lines) of one body, read as `kind`."""
    body = entry["body"]
    if not body:
        return None, []
    if kind == "json":
        parsed, _ = parse_json(body)
        shown = masker.json_display(parsed)
        pretty = json.dumps(shown, indent=2, sort_keys=True, ensure_ascii=False)
        return masker.json_value(parsed), [masker.text(line) for line in pretty.split("\n")]
    if kind == "form":
        pairs = urllib.parse.parse_qsl(decode(body), keep_blank_values=True)
        pairs = [(k, masker.pair_value(k, v)) for k, v in pairs]
        return pairs, [f"{k} = {v!r}" for k, v in pairs]
    if kind == "multipart":
        parts = None
        for ct in echo.header_all(entry["headers"], "content-type"):
            parts = echo.parse_multipart(body, ct)
            if parts is not None:
                break
        if parts is not None:
            view, lines = [], []
            for part in parts:
                hs = [(k.lower(), masker.text(v)) for k, v in part["headers"]]
                text = masker.text(decode(part["body"]))
                view.append((hs, text))
                lines.append("part " + "; ".join(f"{k}: {v}" for k, v in hs))
                lines.extend("  " + line for line in text.split("\n"))
            return view, lines
    text = masker.random_values(masker.text(decode(body)))
    return text, text.split("\n")


def header_diff(ne: dict, ye: dict) -> list:
    lines = []
    for name in list(ne) + [k for k in ye if k not in ne]:
        a, b = ne.get(name, []), ye.get(name, [])
        if a == b:
            continue
        if sorted(a) == sorted(b):
            lines.append(f"      ~ {name}: order differs: newman {a}  yarc {b}")
            continue
        only_n = collections.Counter(a) - collections.Counter(b)
        only_y = collections.Counter(b) - collections.Counter(a)
        for v, side, only in [(v, "-", only_n) for v in a] + [(v, "+", only_y) for v in b]:
            if only[v] > 0:
                only[v] -= 1
                lines.append(f"      {side} {name}: {clip(v)}")
    return lines


def compare(n, y, masker: Masker):
    """Classify one aligned pair: ('identical'|'equivalent'|'different', [reasons])."""
    reasons = []
    aspects = set()  # what differs: method, target, host, header:<name>, body
    not_identical = []
    # method
    if n["method"] != y["method"]:
        reasons.append(f"method: newman {n['method']}  yarc {y['method']}")
        aspects.add("method")
    # target
    nt, yt = masker.port(n["target"]), masker.port(y["target"])
    if nt != yt:
        if masker.target(nt) != masker.target(yt) and masker.signed_alike(nt, yt):
            not_identical.append("target differs in volatile values and a signature made alike from them")
        elif masker.target(nt) != masker.target(yt):
            reasons.append(f"target:\n      newman {clip(nt, 400)}\n      yarc   {clip(yt, 400)}")
            aspects.add("target")
        else:
            not_identical.append("target differs in volatile values")
    # host
    nhost = masker.port(echo.header_get(n["headers"], "host") or "")
    yhost = masker.port(echo.header_get(y["headers"], "host") or "")
    if nhost != yhost:
        reasons.append(f"host: newman {nhost!r}  yarc {yhost!r}")
        aspects.add("host")
    # headers, identical: exact names and values
    ni, yi = header_groups(n["headers"], False, None), header_groups(y["headers"], False, None)
    ni = {k: [masker.port(v) for v in vs] for k, vs in ni.items()}
    yi = {k: [masker.port(v) for v in vs] for k, vs in yi.items()}
    drop_system_accept(ni, yi)
    # headers, equivalent
    # plain dicts: the order of lines with different names does not count (OrderedDict's == would)
    ne, ye = dict(header_groups(n["headers"], True, masker)), dict(header_groups(y["headers"], True, masker))
    drop_system_accept(ne, ye)
    if ne != ye:
        aspects.update(f"header:{k}" for k in set(ne) | set(ye) if ne.get(k) != ye.get(k))
        reasons.append("headers (- newman only, + yarc only):\n" + "\n".join(header_diff(ne, ye)))
    elif ni != yi:
        nl = {k.lower(): v for k, v in ni.items()}
        yl = {k.lower(): v for k, v in yi.items()}
        not_identical.append("header name case" if nl == yl else "header values differ in volatile parts")
    # body
    if n["body"] != y["body"]:
        kind = body_kind(n, y)
        nv, nl = body_view(n, masker, kind)
        yv, yl = body_view(y, masker, kind)
        if nv == yv:
            not_identical.append({"json": "JSON body formatting/key order", "form": "urlencoded body encoding",
                                  "multipart": "multipart boundary"}.get(kind, "body volatile values")
                                 + (" or volatile values" if masker.dynamic and kind != "bytes" else ""))
        else:
            diff = list(difflib.unified_diff(nl, yl, "newman", "yarc", lineterm="", n=1))
            shown = diff[2:14]
            more = len(diff) - 2 - len(shown)
            aspects.add("body")
            head = f"body (as {kind}; {len(n['body'])} vs {len(y['body'])} bytes):"
            if not nl:
                head += " newman sent none"
            if not yl:
                head += " yarc sent none"
            reasons.append(head + "\n" + "\n".join("      " + clip(line, 160) for line in shown)
                           + (f"\n      ... {more} more diff lines" if more > 0 else ""))
    if reasons:
        return "different", reasons, aspects
    if not_identical:
        return "equivalent", not_identical, aspects
    return "identical", [], aspects


def _align(nlog, ylog, keyfunc, inner=None):
    sm = difflib.SequenceMatcher(None, [keyfunc(e) for e in nlog], [keyfunc(e) for e in ylog], autojunk=False)
    pairs = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            pairs += [(nlog[i1 + k], ylog[j1 + k]) for k in range(i2 - i1)]
        elif op == "replace" and inner:
            pairs += inner(nlog[i1:i2], ylog[j1:j2])
        else:
            common = min(i2 - i1, j2 - j1)
            pairs += [(nlog[i1 + k], ylog[j1 + k]) for k in range(common)]
            pairs += [(nlog[i], None) for i in range(i1 + common, i2)]
            pairs += [(None, ylog[j]) for j in range(j1 + common, j2)]
    return pairs


def align(nlog, ylog):
    """Pair the two logs in order: first by the request each entry belongs to (from the tools'
    own reports), then, where that disagrees, by method + path without the query."""
    by_wire = lambda e: (e["method"].upper(), norm_path(path_of(e["target"])))  # noqa: E731
    by_name = lambda e: e.get("align") or by_wire(e)  # noqa: E731
    return _align(nlog, ylog, by_name, lambda a, b: _align(a, b, by_wire))


# ----------------------------------------------------------------------------------------------
# verdicts


DUP_SUFFIX_RE = re.compile(r"^(.*) \((\d+)\)$")


def verdict_norm(name: str, seen: collections.Counter, strip_dup_suffix: bool, written=frozenset()) -> tuple:
    """(lower-cased name, occurrence): how both tools' request names are paired. yarc's import
    renames the second `Foo` (or `foo`) to `Foo (2)`; Newman keeps the name as written. Blanks
    around a name are not part of it (YAML drops them from a plain scalar)."""
    name = name.strip()
    base = name
    m = DUP_SUFFIX_RE.match(name) if strip_dup_suffix else None
    # yarc numbers a repeated name from 2 on: a `(1)` is the name as written.
    if m and int(m.group(2)) >= 2 and seen[m.group(1).lower()] > 0 and name.lower() not in written:
        base = m.group(1)
    seen[base.lower()] += 1
    return (base.lower(), seen[base.lower()])


def newman_verdicts(report):
    """name → {'passed': bool, 'assertions': n, 'failed': [...]}, for executions with tests."""
    out = collections.OrderedDict()
    seen = collections.Counter()
    norm_seen = collections.Counter()
    for ex in newman_executions(report):
        name = ex.get("item", {}).get("name", "?")
        seen[name] += 1
        key = name if seen[name] == 1 else f"{name} #{seen[name]}"
        norm = verdict_norm(name, norm_seen, False)
        assertions = ex.get("assertions") or []
        failed = [a.get("assertion", "?") + ": " + (a["error"].get("message", "") if isinstance(a.get("error"), dict) else "")
                  for a in assertions if a.get("error")]
        script_errors = [f"{s} error: {x['error'].get('message', '')}"
                         for s in ("prerequestScript", "testScript")
                         for x in (ex.get(s) or []) if isinstance(x, dict) and x.get("error")]
        error = ex.get("requestError")
        # A script's pm.sendRequest to another host, which the guard stopped by resetting the
        # tunnel ("tunneling socket could not be established"), is reported on the item as
        # ECONNRESET though its own request was answered: an artefact of the guard.
        guarded = isinstance(error, dict) and ex.get("response") and (
            error.get("code") == "ECONNRESET" or "tunneling socket" in str(error.get("message", "")))
        if error and not guarded:
            script_errors.append(f"request error: {error.get('message', error) if isinstance(error, dict) else error}")
        if not assertions and not script_errors:
            continue
        out[key] = {"passed": not failed and not script_errors, "assertions": len(assertions),
                    "failed": failed + script_errors, "norm": norm}
    return out


def yarc_verdicts(report, written=frozenset()):
    """(lower-cased name, occurrence) → the request's state, as verdict_norm pairs them;
    `written`: the names as the collection has them (a `Foo (2)` there is no renamed `Foo`)."""
    out = {}
    norm_seen = collections.Counter()
    # what a scope's script sends before each of its requests ("<scope> — sent by its script
    # before `<item>`", a second one "... (2)"): judged, in Newman, with the item that follows
    pending = {}
    for c in (report or {}).get("collections", []):
        for r in c.get("requests", []):
            name = r.get("name", "?")
            assertions = r.get("assertions") or []
            entry = {"state": r.get("state"), "assertions": len(assertions),
                     "failed": [a.get("assertion", "?") for a in assertions if not a.get("passed")],
                     "message": r.get("message"), "full_name": r.get("full_name")}
            before = re.search(r" — sent by its script before `(.+)`(?: \(\d+\))?$", name)
            if before:
                pending.setdefault(before.group(1).strip().lower(), []).append(entry)
                continue
            for sent in pending.pop(name.strip().lower(), []):
                entry = dict(entry,
                             # one the script did not send (its condition false) is no failure
                             state="failed" if sent["state"] not in ("passed", "skipped") else entry["state"],
                             assertions=entry["assertions"] + sent["assertions"],
                             failed=entry["failed"] + sent["failed"])
            # A polled request (`retry`) stands for every execution of the item its script
            # sent again: they are compared as one (see fold_polled).
            keys = [verdict_norm(name, norm_seen, True, written)
                    for _ in range(max(1, int(r.get("attempts") or 1)))]
            for key in keys:
                out[key] = entry
    return fold_sent(out)


SENT = " — sent by its script"


def fold_sent(out):
    """A request a script sends (`pm.sendRequest`) is judged, in Newman, by the item whose
    script sent it: yarc's `<item> — sent by its script` counts toward `<item>`'s verdict."""
    for (name, occurrence), sent in list(out.items()):
        if not name.endswith(SENT.lower()):
            continue
        parent = out.get((name[: -len(SENT)], occurrence))
        if parent is None or parent is sent:
            continue
        out[(name[: -len(SENT)], occurrence)] = dict(
            parent,
            state="passed" if parent["state"] == "passed" and sent["state"] == "passed" else "failed",
            assertions=parent["assertions"] + sent["assertions"],
            failed=parent["failed"] + sent["failed"])
        del out[(name, occurrence)]
    return out


def fold_polled(nv, yv):
    """Newman's executions of an item its script sent again, as one verdict: it passes when
    every execution passed — what yarc's one polled request (`retry`) is compared with."""
    out = collections.OrderedDict()
    last = {}
    for name, v in nv.items():
        y = yv.get(v["norm"])
        first = last.get(id(y)) if y is not None else None
        if first is not None and first in out:
            f = out[first]
            out[first] = dict(f, passed=f["passed"] and v["passed"],
                              assertions=f["assertions"] + v["assertions"],
                              failed=f["failed"] + v["failed"])
            continue
        out[name] = v
        if y is not None:
            last[id(y)] = name
    return out


# ----------------------------------------------------------------------------------------------
# the run


def load_fixtures(names, fixtures_dir=None, var_urls=None):
    """The fixtures of `fixtures_dir` (default: fixtures/), each with its collection, optional
    environment and the variables to point at the echo server: `var_urls` (from --var-url) with
    the fixture's own `<name>.harness.json` `{"var_url": {"NAME": "TEMPLATE"}}` on top."""
    fdir = os.path.abspath(fixtures_dir) if fixtures_dir else FIXTURES
    if not os.path.isdir(fdir):
        raise HarnessError(f"--fixtures {fixtures_dir}: not a folder")
    all_names = sorted(f[: -len(".postman_collection.json")] for f in os.listdir(fdir)
                       if f.endswith(".postman_collection.json"))
    chosen = []
    for n in names or all_names:
        base = os.path.basename(n)
        base = base[: -len(".postman_collection.json")] if base.endswith(".postman_collection.json") else base
        if base not in all_names:
            raise HarnessError(f"no fixture {n!r} (have: {', '.join(all_names)})")
        chosen.append(base)
    out = []
    for name in chosen:
        coll = os.path.join(fdir, f"{name}.postman_collection.json")
        env = os.path.join(fdir, f"{name}.postman_environment.json")
        with open(coll, encoding="utf-8-sig") as f:
            text = f.read()
        try:
            data = json.loads(text)
        except ValueError as e:
            raise HarnessError(f"{coll}: not JSON: {e}") from e
        fx_var_urls = dict(var_urls or {})
        sidecar = os.path.join(fdir, f"{name}.harness.json")
        if os.path.isfile(sidecar):
            try:
                with open(sidecar, encoding="utf-8") as f:
                    side = json.load(f)
            except ValueError as e:
                raise HarnessError(f"{sidecar}: not JSON: {e}") from e
            if not isinstance(side.get("var_url", {}), dict):
                raise HarnessError(f"{sidecar}: `var_url` must be an object of NAME: TEMPLATE")
            fx_var_urls.update({str(k): str(v) for k, v in side.get("var_url", {}).items()})
        glob = os.path.join(fdir, f"{name}.postman_globals.json")
        out.append({"name": name, "collection": coll, "environment": env if os.path.isfile(env) else None,
                    "globals": glob if os.path.isfile(glob) else None,
                    "json": data, "text": text, "dir": fdir, "var_urls": fx_var_urls})
    return out


def load_choices(path):
    if not path or not os.path.isfile(path):
        return []
    with open(path) as f:
        try:
            choices = json.load(f)
        except ValueError as e:
            raise HarnessError(f"{path}: not JSON: {e}") from e
    for c in choices:
        c.setdefault("used", 0)
    return choices


def find_choice(choices, fixture, kind, labels, aspects):
    """The choices.json entry that covers this difference, if any. `fixture` and `request` may be
    "*"; an entry with `covers` (e.g. ["header:referer"]) applies only when nothing else differs."""
    for c in choices:
        if c.get("fixture") not in (fixture, "*") or c.get("kind") != kind:
            continue
        if "covers" in c and not aspects <= set(c["covers"]):
            continue
        req = c.get("request", "*")
        if req == "*" or req in labels:
            c["used"] += 1
            return c
    return None


def run_fixture(fx, newman, yarc, work, choices, out, guard=None):
    p = lambda s="": print(s, file=out, flush=True)  # noqa: E731
    nres = run_newman(newman, fx, work, guard)
    yres = run_yarc(yarc, fx, work, guard)
    label(nres["log"], newman_expected(nres["report"]))
    label(yres["log"], yarc_expected(yres["report"]))
    for name, res in (("newman", nres), ("yarc", yres)):
        with open(os.path.join(work, f"{name}-log.json"), "w") as f:
            json.dump([echo.entry_for_print(e) for e in res["log"]], f, indent=1, ensure_ascii=False)

    masker = Masker(fx["text"], [nres["port"], yres["port"]])
    masker.keys = [v for v in yres["secrets"].values() if v]
    res = {"fixture": fx["name"], "identical": 0, "equivalent": 0, "different": 0, "chosen_wire": 0,
           "agree": 0, "disagree": 0, "false_green": 0, "chosen_verdict": 0, "unlisted": 0,
           "newman_requests": len(nres["log"]), "yarc_requests": len(yres["log"]),
           "newman_exit": nres["rc"], "yarc_import_exit": yres["import_rc"], "yarc_exit": yres["rc"],
           "newman_blocked": len(nres.get("blocked") or []), "yarc_blocked": len(yres.get("blocked") or []),
           "differences": []}

    p(f"=== {fx['name']} " + "=" * max(3, 70 - len(fx["name"])))
    desc = (collection_body(fx["json"]).get("info") or {}).get("description")
    if isinstance(desc, dict):
        desc = desc.get("content")
    if desc:
        p(f"  {clip(desc, 300)}")
    if fx.get("var_urls"):
        p("  echo-server variables: " + ", ".join(f"{k}={v}" for k, v in fx["var_urls"].items()))
    p(f"  newman: exit {nres['rc']}, {len(nres['log'])} requests on the wire")
    summary_lines = [l for l in yres["import_summary"].split("\n") if l.strip()]
    p(f"  yarc import: exit {yres['import_rc']}" + (f" — {summary_lines[0]}" if summary_lines else ""))
    for l in summary_lines[1:]:
        if l.startswith("next:") or l.startswith("imported"):
            continue
        p(f"    | {l}")
    if yres["missing_secrets"]:
        given = " (given as empty)" if fx.get("dir", FIXTURES) != FIXTURES else ""
        p(f"  [harness] no value for secrets {', '.join(yres['missing_secrets'])}{given}")
    p(f"  yarc run: exit {yres['rc']}, {len(yres['log'])} requests on the wire")
    for who, res_ in (("newman", nres), ("yarc", yres)):
        if res_.get("blocked"):
            p(f"  [guard] {who}: {len(res_['blocked'])} request(s) to other hosts stopped: "
              + "; ".join(clip(b, 90) for b in res_["blocked"][:4]) + (" ..." if len(res_["blocked"]) > 4 else ""))
    if nres["report"] is None:
        p("  [harness] newman wrote no JSON report:\n" + clip(nres["stdout"] + nres["stderr"], 2000))
    if yres["import_rc"] == 0 and yres["report"] is None:
        p("  [harness] yarc wrote no JSON report:\n" + clip(yres["stdout"] + yres["stderr"], 2000))

    # requests
    p("  requests:")
    for n, y in align(nres["log"], yres["log"]):
        lab = (n or y)["label"]
        labels = {e["label"] for e in (n, y) if e}
        if n is None or y is None:
            e = n or y
            who = "newman" if n else "yarc"
            cls, reasons = "different", [f"only {who}: {e['method']} {clip(masker.port(e['target']), 300)}"]
            aspects = {f"only {who}"}
        else:
            cls, reasons, aspects = compare(n, y, masker)
        if cls != "different":
            res[cls] += 1
            extra = f" ({'; '.join(reasons)})" if reasons else ""
            p(f"    {cls:<10} {lab}: {(n or y)['method']} {clip(masker.port((n or y)['target']), 120)}{extra}")
            continue
        res["different"] += 1
        choice = find_choice(choices, fx["name"], "wire", labels, aspects)
        head = f"    DIFFERENT  {lab}"
        if choice:
            res["chosen_wire"] += 1
            head += f"  — chosen: {choice.get('reason', '')}"
        else:
            res["unlisted"] += 1
        p(head)
        for r in reasons:
            p("      " + r.strip("\n").replace("\n", "\n  "))
        res["differences"].append({"kind": "wire", "request": lab, "chosen": bool(choice),
                                   "aspects": sorted(aspects), "details": reasons})

    # verdicts
    written = frozenset(ex.get("item", {}).get("name", "?").strip().lower()
                        for ex in newman_executions(nres["report"]))
    nv, yv = newman_verdicts(nres["report"]), yarc_verdicts(yres["report"], written)
    nv = fold_polled(nv, yv)
    p("  verdicts:")
    n_total = sum(v["assertions"] for v in nv.values())
    n_failed = sum(len(v["failed"]) for v in nv.values())
    y_once = {id(v): v for v in yv.values()}.values()
    y_total = sum(v["assertions"] for v in y_once)
    y_failed = sum(len(v["failed"]) for v in y_once)
    res.update(newman_assertions=n_total, newman_failed_assertions=n_failed,
               yarc_assertions=y_total, yarc_failed_assertions=y_failed)
    for name, v in nv.items():
        y = yv.get(v["norm"])
        npass = v["passed"]
        ypass = bool(y and y["state"] == "passed")
        ydesc = (f"{y['state']} ({y['assertions']} assertions"
                 + (f", failed: {'; '.join(clip(a, 80) for a in y['failed'])}" if y["failed"] else "")
                 + (f", {clip(y['message'], 120)}" if y.get("message") else "") + ")") if y else "no such request"
        ndesc = (f"{'passed' if npass else 'failed'} ({v['assertions']} assertions"
                 + (f", failed: {'; '.join(clip(a, 100) for a in v['failed'])}" if v["failed"] else "") + ")")
        if npass == ypass:
            res["agree"] += 1
            p(f"    agree      {name}: {'pass' if npass else 'fail'} (newman {v['assertions']} assertions, yarc {y['assertions'] if y else 0})")
            continue
        res["disagree"] += 1
        false_green = not npass and ypass
        if false_green:
            res["false_green"] += 1
        choice = find_choice(choices, fx["name"], "verdict", {name}, set())
        tag = "FALSE GREEN" if false_green else "DISAGREE"
        head = f"    {'!!! ' if false_green else ''}{tag}  {name}"
        if choice:
            res["chosen_verdict"] += 1
            head += f"  — chosen: {choice.get('reason', '')}"
        else:
            res["unlisted"] += 1
        p(head)
        p(f"      newman: {ndesc}")
        p(f"      yarc:   {ydesc}")
        res["differences"].append({"kind": "verdict", "request": name, "chosen": bool(choice),
                                   "false_green": false_green, "newman": ndesc, "yarc": ydesc})
    p(f"  assertions: newman {n_total} ({n_failed} failures incl. script errors), yarc {y_total} ({y_failed} failed)")
    p(f"  => requests: {res['identical']} identical, {res['equivalent']} equivalent, {res['different']} different"
      f" ({res['chosen_wire']} chosen); verdicts: {res['agree']} agree, {res['disagree']} disagree"
      f" ({res['chosen_verdict']} chosen), {res['false_green']} false green")
    p()
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fixtures", nargs="*", metavar="FIXTURE", help="fixture names (default: all)")
    ap.add_argument("--yarc", help="the yarc binary (default: target/release/yarc, then yarc on PATH)")
    ap.add_argument("--newman", help="the newman binary (default: newman on PATH, then tests/differential/.node)")
    ap.add_argument("--install", action="store_true",
                    help=f"npm install newman@{NEWMAN_VERSION} into tests/differential/.node when not found")
    ap.add_argument("--keep", metavar="DIR", help="keep every log, report and import in DIR/<fixture>/")
    ap.add_argument("--summary-json", metavar="FILE", help="write the totals (and every difference) as JSON")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                    help="fixtures run at once (default: the number of CPUs); the output keeps their order")
    ap.add_argument("--choices", default=os.path.join(HERE, "choices.json"),
                    help="the list of deliberate differences (default: tests/differential/choices.json)")
    ap.add_argument("--fixtures", dest="fixtures_dir", metavar="DIR",
                    help="run the <name>.postman_collection.json (+ <name>.postman_environment.json, "
                         "+ <name>.harness.json) of DIR instead of tests/differential/fixtures")
    ap.add_argument("--var-url", action="append", default=[], metavar="NAME[=TEMPLATE]",
                    help="a variable that must point at the echo server, given to newman as --env-var "
                         "and to yarc as --var (repeatable); TEMPLATE may use {url} (the default: "
                         "http://127.0.0.1:PORT), {host}, {port} and {hostport}")
    guard = ap.add_mutually_exclusive_group()
    guard.add_argument("--block-external", dest="block_external", action="store_true", default=None,
                       help="send both tools' requests to any host but 127.0.0.1 (the echo server) to a local "
                            "guard that records and refuses them (default with --fixtures)")
    guard.add_argument("--no-block-external", dest="block_external", action="store_false")
    args = ap.parse_args(argv)

    try:
        var_urls = dict(parse_var_url(s) for s in args.var_url)
        fixtures = load_fixtures(args.fixtures, args.fixtures_dir, var_urls)
        choices = load_choices(args.choices)
        yarc = find_yarc(args.yarc)
        newman = find_newman(args.newman, args.install)
    except HarnessError as e:
        print(f"harness error: {e}", file=sys.stderr)
        return 2
    rc, out, err = run_cmd([newman, "--version"], cwd=HERE, timeout=60)
    nver = (out or "").strip()
    rc2, yout, _ = run_cmd([yarc, "--version"], cwd=HERE, timeout=60)
    if rc != 0 or rc2 != 0:
        print(f"harness error: cannot run newman ({err.strip()}) or yarc", file=sys.stderr)
        return 2
    print(f"newman {nver} ({newman}); {yout.strip()} ({yarc}); {len(fixtures)} fixtures")
    if nver != NEWMAN_VERSION:
        print(f"  note: the reference is newman {NEWMAN_VERSION}")
    print()

    keep = os.path.abspath(args.keep) if args.keep else None
    tmp = None if keep else tempfile.mkdtemp(prefix="yarc-differential-")
    results = []
    block = args.block_external if args.block_external is not None else bool(args.fixtures_dir)
    guards = []

    def one(fx):
        # Each fixture has its own echo servers and (with --block-external) its own guard, so the
        # requests a guard records are that fixture's; its output is printed whole, in order.
        work = os.path.join(keep or tmp, fx["name"])
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        guard = ExternalGuard() if block else None
        if guard:
            guards.append(guard)
        out = io.StringIO()
        try:
            return run_fixture(fx, newman, yarc, work, choices, out, guard), out.getvalue()
        finally:
            if guard:
                guard.stop()

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for res, text in pool.map(one, fixtures):
                sys.stdout.write(text)
                sys.stdout.flush()
                results.append(res)
    finally:
        for guard in guards:
            guard.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    keys = ["identical", "equivalent", "different", "chosen_wire", "agree", "disagree", "false_green",
            "chosen_verdict", "unlisted", "newman_requests", "yarc_requests", "newman_assertions",
            "newman_failed_assertions", "yarc_assertions", "yarc_failed_assertions"]
    total = {k: sum(r[k] for r in results) for k in keys}
    print("=" * 80)
    print(f"{'fixture':<24} {'ident':>5} {'equiv':>5} {'diff':>5} {'agree':>5} {'disag':>5} {'green!':>6} {'unlisted':>8}")
    for r in results:
        print(f"{r['fixture']:<24} {r['identical']:>5} {r['equivalent']:>5} {r['different']:>5} "
              f"{r['agree']:>5} {r['disagree']:>5} {r['false_green']:>6} {r['unlisted']:>8}")
    print(f"{'TOTAL':<24} {total['identical']:>5} {total['equivalent']:>5} {total['different']:>5} "
          f"{total['agree']:>5} {total['disagree']:>5} {total['false_green']:>6} {total['unlisted']:>8}")
    print(f"requests: {total['identical']} identical, {total['equivalent']} equivalent, "
          f"{total['different']} different ({total['chosen_wire']} chosen)")
    print(f"verdicts: {total['agree']} agree, {total['disagree']} disagree ({total['chosen_verdict']} chosen), "
          f"{total['false_green']} FALSE GREEN")
    print(f"Postman assertions: newman {total['newman_assertions']} ({total['newman_failed_assertions']} failures incl. script errors); "
          f"yarc assertions: {total['yarc_assertions']} ({total['yarc_failed_assertions']} failed)")
    if block:
        print(f"requests to other hosts stopped by the guard: newman {sum(r['newman_blocked'] for r in results)}, "
              f"yarc {sum(r['yarc_blocked'] for r in results)}")
    names = {f["name"] for f in fixtures}
    stale = [c for c in choices if not c["used"]
             and (not (args.fixtures or args.fixtures_dir) or c.get("fixture") in names)]
    for c in stale:
        print(f"note: choices.json entry not seen any more: {c.get('fixture')} / {c.get('request')} ({c.get('kind')})")
    if total["false_green"]:
        print(f"!!! {total['false_green']} FALSE GREEN: newman fails a request that yarc passes")
    if keep:
        print(f"logs, reports and imports kept in {keep}")
    if args.summary_json:
        with open(args.summary_json, "w") as f:
            json.dump({"newman": nver, "yarc": yout.strip(), "total": total, "fixtures": results,
                       "stale_choices": [{k: v for k, v in c.items() if k != "used"} for c in stale]},
                      f, indent=2, ensure_ascii=False)
    return 1 if total["unlisted"] else 0


if __name__ == "__main__":
    sys.exit(main())
