"""A recording HTTP/1.1 echo server for the differential harness (standard library only).

Every request is logged as it came off the wire: the method, the request-target exactly as on
the request line (never decoded), the header lines in wire order as [name, value] pairs
(duplicates kept, original case) and the body bytes (Content-Length or chunked, de-chunked).
Requests are parsed by hand on a raw socket so nothing is normalised on the way in.

It answers like postman-echo: a JSON document with method, url, path, args, headers, data,
json, form and files. Special routes:

  /status/<code>            that status, with the echo document (no body for 1xx/204/304)
  /token                    any method: {"access_token": "tok-<n>", "token_type": "Bearer", ...};
                            at an OpenID Connect token endpoint (`.../openid-connect/token`, as
                            Keycloak names it) the token is a JWT, as Keycloak's always is, so a
                            script that decodes it runs as it does against the real server
  /poll?after=N             {"status": "pending", "polls": n} until the Nth call of that URL,
                            then {"status": "done", "polls": N}
  /json                     a fixed JSON document (JSON_DOC) fixtures can assert on
  /cookies/set?k=v          sets each k=v as a cookie (Path=/); answers {"cookies": {...}}
  /cookies                  answers the cookies the request carried
  /redirect?to=/p[&status=307]   a redirect (302 unless status is given)
  /response-headers?k=v     every k=v becomes a response header line (repeats kept)

Use as a module:

    server = EchoServer(); server.start(); server.port; server.log(); server.reset(); server.stop()

or run `python3 echo.py [PORT]` to try it by hand (it prints the log as requests arrive).
"""

from __future__ import annotations

import base64

import json
import re
import socket
import socketserver
import sys
import threading
import urllib.parse

JSON_DOC = {
    "id": 42,
    "name": "widget",
    "price": 9.5,
    "active": True,
    "count": "3",
    "tags": ["red", "green", "blue"],
    "owner": {"login": "ada", "roles": ["admin", "dev"], "address": {"city": "Oslo", "zip": "0150"}},
    "items": [{"sku": "x-1", "qty": 2, "price": 1.25}, {"sku": "y-2", "qty": 0, "price": 10}],
    "session": {"access_token": "json-token-1", "expires_in": 3600},
    "error": None,
    "empty": [],
}

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
    302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
    308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 418: "I'm a teapot",
    422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable",
}

MAX_LINE = 1 << 16
MAX_HEADERS = 500


class BadRequest(Exception):
    pass


def jwt_like(n: int) -> str:
    """An unsigned JWT (`alg: none`) whose subject is `tok-<n>`: three base64url parts."""
    def part(obj) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")
    header = part({"alg": "none", "typ": "JWT"})
    payload = part({"sub": f"tok-{n}", "exp": 4102444800, "scope": "system/*.crus"})
    return f"{header}.{payload}.sig"


def _read_line(rfile) -> bytes | None:
    line = rfile.readline(MAX_LINE + 1)
    if not line:
        return None
    if len(line) > MAX_LINE:
        raise BadRequest("line too long")
    return line


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith(b"\n"):
        return line[:-1]
    return line


def header_get(headers: list, name: str) -> str | None:
    """The first value of a header (name case-insensitive), or None."""
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


def header_all(headers: list, name: str) -> list:
    low = name.lower()
    return [v for k, v in headers if k.lower() == low]


def parse_multipart(body: bytes, content_type: str | None):
    """Split a multipart body into parts: [{"headers": [[k, v]...], "body": bytes}].

    Returns None when the content type has no boundary or the body does not parse."""
    if not content_type:
        return None
    m = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', content_type, re.I)
    if not m:
        return None
    boundary = (m.group(1) or m.group(2)).encode("latin-1")
    delim = b"--" + boundary
    if not body.startswith(delim):
        # a preamble is allowed; find the first delimiter at a line start
        idx = body.find(b"\r\n" + delim)
        if idx < 0:
            return None
        body = body[idx + 2:]
    parts = []
    pieces = body.split(b"\r\n" + delim)
    # pieces[0] starts with the first delimiter
    first = pieces[0][len(delim):]
    chunks = [first] + pieces[1:]
    for chunk in chunks:
        if chunk.startswith(b"--"):
            break  # closing delimiter
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            if head == b"":
                continue
            return None
        headers = []
        for line in head.split(b"\r\n"):
            if not line:
                continue
            k, _, v = line.partition(b":")
            headers.append([k.decode("latin-1"), v.strip().decode("latin-1")])
        parts.append({"headers": headers, "body": content})
    return parts


def _disposition(headers: list) -> dict:
    cd = header_get(headers, "content-disposition") or ""
    out = {}
    for m in re.finditer(r';\s*([\w*]+)="([^"]*)"|;\s*([\w*]+)=([^;]*)', cd):
        if m.group(1):
            out[m.group(1).lower()] = m.group(2)
        else:
            out[m.group(3).lower()] = m.group(4).strip()
    return out


def dechunk(rfile) -> bytes:
    out = bytearray()
    while True:
        line = _read_line(rfile)
        if line is None:
            raise BadRequest("eof in chunked body")
        size_text = _strip_eol(line).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as e:
            raise BadRequest(f"bad chunk size {size_text!r}") from e
        if size == 0:
            # trailers until the blank line
            while True:
                t = _read_line(rfile)
                if t is None or _strip_eol(t) == b"":
                    return bytes(out)
        data = rfile.read(size)
        if len(data) != size:
            raise BadRequest("eof in chunk")
        out += data
        rfile.readline(4)  # CRLF after the chunk


class EchoHandler(socketserver.StreamRequestHandler):
    timeout = 60  # an idle keep-alive connection is dropped after this

    def handle(self):
        while True:
            try:
                keep = self.handle_one()
            except (BadRequest, ValueError) as e:
                self._send(400, [["Content-Type", "text/plain"]], f"bad request: {e}\n".encode())
                return
            except (OSError, socket.timeout):
                return
            if not keep:
                return

    def handle_one(self) -> bool:
        line = _read_line(self.rfile)
        while line is not None and _strip_eol(line) == b"":
            line = _read_line(self.rfile)  # tolerate stray CRLF between requests
        if line is None:
            return False
        request_line = _strip_eol(line).decode("latin-1")
        parts = request_line.split(" ")
        if len(parts) != 3:
            raise BadRequest(f"request line {request_line!r}")
        method, target, version = parts
        headers = []
        while True:
            h = _read_line(self.rfile)
            if h is None:
                return False
            h = _strip_eol(h)
            if h == b"":
                break
            if h[:1] in (b" ", b"\t") and headers:  # obsolete line folding
                headers[-1][1] += " " + h.strip().decode("latin-1")
                continue
            name, sep, value = h.partition(b":")
            if not sep:
                raise BadRequest(f"header line {h!r}")
            headers.append([name.decode("latin-1"), value.strip(b" \t").decode("latin-1")])
            if len(headers) > MAX_HEADERS:
                raise BadRequest("too many headers")
        expect = header_get(headers, "expect")
        if expect and expect.lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        te = header_get(headers, "transfer-encoding")
        if te and "chunked" in te.lower():
            body = dechunk(self.rfile)
        else:
            cl = header_get(headers, "content-length")
            n = int(cl) if cl and cl.strip().isdigit() else 0
            body = self.rfile.read(n) if n else b""
            if len(body) != n:
                return False
        entry = {
            "method": method,
            "target": target,
            "version": version,
            "headers": headers,
            "body": body,
        }
        self.server.record(entry)
        status, rheaders, rbody = self.server.respond(entry)
        entry["status"] = status
        conn = (header_get(headers, "connection") or "").lower()
        keep = version == "HTTP/1.1" and "close" not in conn
        keep = keep or (version == "HTTP/1.0" and "keep-alive" in conn)
        if not keep:
            rheaders.append(["Connection", "close"])
        elif version == "HTTP/1.0":
            rheaders.append(["Connection", "keep-alive"])
        self._send(status, rheaders, b"" if method.upper() == "HEAD" else rbody, len(rbody))
        return keep

    def _send(self, status, headers, body, length=None):
        out = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n".encode("latin-1")]
        no_body = status in (204, 304) or 100 <= status < 200
        for k, v in headers:
            out.append(f"{k}: {v}\r\n".encode("latin-1"))
        if not no_body:
            out.append(f"Content-Length: {len(body) if length is None else length}\r\n".encode())
        out.append(b"\r\n")
        if not no_body:
            out.append(body)
        self.wfile.write(b"".join(out))
        self.wfile.flush()


def echo_document(entry: dict, host_fallback: str) -> dict:
    target = entry["target"]
    headers = entry["headers"]
    body = entry["body"]
    split = urllib.parse.urlsplit(target)
    args: dict = {}
    for k, v in urllib.parse.parse_qsl(split.query, keep_blank_values=True):
        if k in args:
            if not isinstance(args[k], list):
                args[k] = [args[k]]
            args[k].append(v)
        else:
            args[k] = v
    hdrs: dict = {}
    for k, v in headers:
        low = k.lower()
        if low in hdrs:
            hdrs[low] += ("; " if low == "cookie" else ", ") + v
        else:
            hdrs[low] = v
    text = body.decode("utf-8", errors="replace")
    ctype = (header_get(headers, "content-type") or "").lower()
    parsed = None
    if body:
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    form: dict = {}
    files: dict = {}
    if ctype.startswith("application/x-www-form-urlencoded"):
        for k, v in urllib.parse.parse_qsl(text, keep_blank_values=True):
            form[k] = v if k not in form else (form[k] if isinstance(form[k], list) else [form[k]]) + [v]
    elif ctype.startswith("multipart/"):
        for part in parse_multipart(body, header_get(headers, "content-type")) or []:
            disp = _disposition(part["headers"])
            name = disp.get("name", "")
            if "filename" in disp:
                files[disp["filename"] or name] = part["body"].decode("utf-8", errors="replace")
            else:
                form[name] = part["body"].decode("utf-8", errors="replace")
    host = header_get(headers, "host") or host_fallback
    url = target if "://" in target else f"http://{host}{target}"
    return {
        "method": entry["method"],
        "url": url,
        "path": split.path,
        "args": args,
        "headers": hdrs,
        "data": text if not (form or files) else "",
        "json": parsed,
        "form": form,
        "files": files,
    }


class EchoServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """The server; `start()` runs it in a background thread on 127.0.0.1 and an ephemeral port."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), EchoHandler)
        self._lock = threading.Lock()
        self._log: list = []
        self._tokens = 0
        self._polls: dict = {}
        self._thread: threading.Thread | None = None
        self.on_request = None  # optional callback(entry), e.g. for printing

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "EchoServer":
        self._thread = threading.Thread(target=self.serve_forever, name="echo", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def record(self, entry: dict) -> None:
        with self._lock:
            entry["seq"] = len(self._log)
            self._log.append(entry)
        if self.on_request:
            self.on_request(entry)

    def log(self) -> list:
        """A copy of the log so far: dicts with method, target, version, headers, body (bytes)."""
        with self._lock:
            return [dict(e) for e in self._log]

    def reset(self) -> None:
        with self._lock:
            self._log.clear()
            self._tokens = 0
            self._polls = {}

    def respond(self, entry: dict):
        split = urllib.parse.urlsplit(entry["target"])
        path = split.path
        query = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        json_headers = [["Content-Type", "application/json; charset=utf-8"]]

        def js(obj, status=200, extra=()):
            return status, json_headers + [list(h) for h in extra], json.dumps(obj).encode()

        if path == "/token" or is_token_request(entry):
            with self._lock:
                self._tokens += 1
                n = self._tokens
            token = f"tok-{n}"
            if "openid-connect" in path:
                token = jwt_like(n)
            return js({"access_token": token, "token_type": "Bearer", "expires_in": 3600})
        if path == "/json":
            return js(JSON_DOC)
        if path == "/poll":
            after = int(dict(query).get("after", "3") or 3)
            with self._lock:
                n = self._polls.get(entry["target"], 0) + 1
                self._polls[entry["target"]] = n
            return js({"status": "done" if n >= after else "pending", "polls": n})
        m = re.fullmatch(r"/status/(\d{3})", path)
        if m:
            return js(echo_document(entry, self.base_url), int(m.group(1)))
        if path == "/cookies/set":
            set_cookies = [["Set-Cookie", f"{k}={v}; Path=/"] for k, v in query]
            return js({"cookies": dict(query)}, 200, set_cookies)
        if path == "/cookies":
            jar = {}
            for line in header_all(entry["headers"], "cookie"):
                for pair in line.split(";"):
                    k, _, v = pair.strip().partition("=")
                    if k:
                        jar[k] = v
            return js({"cookies": jar})
        if path == "/redirect":
            q = dict(query)
            status = int(q.get("status", "302"))
            return js({"redirect": q.get("to", "/")}, status, [["Location", q.get("to", "/")]])
        if path == "/soap" or is_soap_request(entry):
            return 200, [["Content-Type", "text/xml; charset=utf-8"]], soap_answer(entry).encode()
        if path == "/quoted-token":
            # A token answered as a JSON string, quotes and all.
            return 200, json_headers, b'"tok-quoted"'
        if path == "/response-headers":
            return js(dict(query), 200, [[k, v] for k, v in query])
        return js(echo_document(entry, self.base_url))


def is_soap_request(entry: dict) -> bool:
    """A POST whose body is a SOAP envelope gets a SOAP answer, as a SOAP service gives one."""
    body = entry.get("body", b"")
    head = body[:2000].decode("utf-8", "replace").lstrip()
    return entry["method"] == "POST" and head.startswith("<") and "Envelope" in head


def soap_answer(entry: dict) -> str:
    """A SOAP 1.1 answer shaped like a login service's: a prefixed envelope, a body element in
    a default namespace, repeated elements with attributes, an empty one; the method and path
    echoed so that requests differ."""
    split = urllib.parse.urlsplit(entry["target"])
    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">\n'
        "  <soapenv:Body>\n"
        '    <loginResponse xmlns="urn:echo">\n'
        "      <result>\n"
        "        <sessionId>sess-abc123</sessionId>\n"
        f"        <serverUrl>http://{esc(header_get(entry['headers'], 'host') or 'localhost')}/services/Soap/u/61.0/00D</serverUrl>\n"
        "        <userId>005-user</userId>\n"
        "        <userInfo><organizationId>00D-org</organizationId></userInfo>\n"
        f"        <method>{esc(entry['method'])}</method>\n"
        f"        <path>{esc(split.path)}</path>\n"
        '        <item code="a">one</item>\n'
        '        <item code="b">two</item>\n'
        "        <count>2</count>\n"
        "        <empty/>\n"
        "      </result>\n"
        "    </loginResponse>\n"
        "  </soapenv:Body>\n"
        "</soapenv:Envelope>\n"
    )


def is_token_request(entry: dict) -> bool:
    """A POST with a `grant_type` (a form, or a JSON object as some identity servers take it),
    as an identity server gets it: answered with a token (to both tools alike), so that what
    follows is compared, not the echo's lack of one."""
    if entry["method"] != "POST":
        return False
    ctype = (header_get(entry["headers"], "content-type") or "").lower()
    text = entry["body"].decode("utf-8", errors="replace")
    if ctype.startswith("application/x-www-form-urlencoded"):
        return any(k == "grant_type" for k, _ in urllib.parse.parse_qsl(text, keep_blank_values=True))
    if ctype.startswith("application/json"):
        try:
            doc = json.loads(text)
        except ValueError:
            return False
        return isinstance(doc, dict) and isinstance(doc.get("grant_type"), str)
    return False


def entry_for_print(entry: dict) -> dict:
    """A JSON-friendly copy of a log entry (the body as text, or base64 when not UTF-8)."""
    out = {k: v for k, v in entry.items() if k != "body"}
    try:
        out["body"] = entry["body"].decode("utf-8")
    except UnicodeDecodeError:
        import base64

        out["body_base64"] = base64.b64encode(entry["body"]).decode()
    return out


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = EchoServer(port=port)
    server.on_request = lambda e: print(json.dumps(entry_for_print(e)), flush=True)
    print(f"listening on {server.base_url}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
