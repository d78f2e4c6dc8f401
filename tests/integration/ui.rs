//! `yarc ui`: the JSON API the page calls, against the real binary serving a temporary project
//! and the sandbox: the token and Host checks, the security headers, sends through the engine
//! (captures kept for the session, dependencies, reset), masking, snapshots accepted through
//! the page, history and diff, and the tree following saves.

use super::World;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "ui-secret-7f3a9c";

const FLOW: &str = r#"name: flow
requests:
  - name: create
    method: POST
    url: "{{ url }}/echo/items"
    json: { id: item-4711 }
    capture: { item_id: $.json.id }
  - name: read
    url: "{{ url }}/echo/items/{{ item_id }}"
    headers: { X-Api-Key: "{{ secret('UI_API_KEY') }}" }
    expect:
      status: 200
      json: { $.path: /echo/items/item-4711 }
    snapshot: true
"#;

/// `yarc ui` running on a free port; killed when dropped.
struct Ui {
    child: Child,
    _stdout: BufReader<std::process::ChildStdout>,
    port: u16,
    token: String,
}

impl Drop for Ui {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Ui {
    fn start(w: &World) -> Ui {
        Ui::start_in(
            w.dir.path(),
            &["ui", ".", "--var", &format!("url={}", w.url())],
        )
    }

    fn start_in(dir: &std::path::Path, args: &[&str]) -> Ui {
        Ui::start_with_env(dir, args, &[])
    }

    fn start_with_env(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Ui {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yarc"))
            .current_dir(dir)
            .args(args)
            .envs(env.iter().copied())
            .env("UI_API_KEY", SECRET)
            .env_remove("CI")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start yarc ui");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut line).expect("read the URL line");
        let url = line
            .trim()
            .strip_prefix("yarc ui: ")
            .expect(&line)
            .to_string();
        let rest = url.strip_prefix("http://127.0.0.1:").expect(&url);
        let (port, token) = rest.split_once("/?token=").expect(&url);
        Ui {
            child,
            _stdout: stdout,
            port: port.parse().expect("port"),
            token: token.to_string(),
        }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> Reply {
        raw(
            self.port,
            "GET",
            path,
            &self.host(),
            Some(&self.token),
            None,
        )
    }

    fn post(&self, path: &str, body: &str) -> Reply {
        raw(
            self.port,
            "POST",
            path,
            &self.host(),
            Some(&self.token),
            Some(body),
        )
    }

    fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        serde_json::from_str(&r.body).expect("json")
    }

    fn send(&self, body: &str) -> Value {
        let r = self.post("/api/send", body);
        assert_eq!(r.status, 200, "{body}: {}", r.body);
        serde_json::from_str(&r.body).expect("json")
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: String,
    body: String,
}

/// One HTTP/1.1 exchange written by hand, so that the Host header can be anything.
fn raw(
    port: u16,
    method: &str,
    path: &str,
    host: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Reply {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("x-yarc-token: {t}\r\n"));
    }
    let body = body.unwrap_or("");
    if method == "POST" {
        req.push_str(&format!(
            "content-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("write");
    let text = String::from_utf8_lossy(&read_reply(&mut s)).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// Reads one answer: up to its Content-Length, the end of its chunks, or the end of the
/// connection (a server may keep it open after `Connection: close`).
fn read_reply(s: &mut std::net::TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = s.read(&mut buf).expect("read");
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&out).to_ascii_lowercase();
        let Some(end) = text.find("\r\n\r\n") else {
            continue;
        };
        let head = &text[..end];
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let done = match length {
            Some(len) => out.len() >= end + 4 + len,
            None => head.contains("transfer-encoding: chunked") && text.ends_with("\r\n0\r\n\r\n"),
        };
        if done {
            return out;
        }
    }
}

fn records(send: &Value) -> Vec<(String, String)> {
    send["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            (
                r["full_name"].as_str().unwrap_or("").to_string(),
                r["state"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pair(name: &str, state: &str) -> (String, String) {
    (name.to_string(), state.to_string())
}

#[test]
fn without_the_token_or_from_another_host_nothing_is_answered() {
    let w = World::new();
    w.write("flow.yaml", FLOW);
    let ui = Ui::start(&w);
    for path in ["/api/state", "/api/history", "/api/vars"] {
        let r = raw(ui.port, "GET", path, &ui.host(), None, None);
        assert_eq!(r.status, 403, "{path} without a token: {r:?}");
        let r = raw(ui.port, "GET", path, &ui.host(), Some("0123"), None);
        assert_eq!(r.status, 403, "{path} with a wrong token: {r:?}");
    }
    // The page itself holds nothing of the session: it is served, without the token.
    let r = raw(ui.port, "GET", "/", &ui.host(), None, None);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        !r.body.contains(&ui.token) && !r.body.contains("yarc-token\" content"),
        "{}",
        r.body
    );
    let r = raw(ui.port, "POST", "/api/send", &ui.host(), None, Some("{}"));
    assert_eq!(r.status, 403, "a send without the token: {r:?}");
    // DNS rebinding: the right token, but the browser names another site.
    let evil = format!("evil.example:{}", ui.port);
    let r = raw(ui.port, "GET", "/api/state", &evil, Some(&ui.token), None);
    assert_eq!(r.status, 421, "a foreign Host: {r:?}");
    let r = raw(ui.port, "GET", "/app.js", &evil, None, None);
    assert_eq!(r.status, 421, "assets too: {r:?}");
    // The page itself opens with the token in its URL and carries the policy.
    let page = raw(
        ui.port,
        "GET",
        &format!("/?token={}", ui.token),
        &ui.host(),
        None,
        None,
    );
    assert_eq!(page.status, 200, "{page:?}");
    assert!(
        page.body.contains("<script src=\"/app.js\""),
        "{}",
        page.body
    );
    assert!(
        page.headers
            .contains("content-security-policy: default-src 'none'; script-src 'self'"),
        "{}",
        page.headers
    );
    assert!(
        !page.headers.contains("access-control-allow-origin"),
        "{}",
        page.headers
    );
    let script = raw(ui.port, "GET", "/app.js", &ui.host(), None, None);
    assert_eq!(script.status, 200);
    assert!(
        script.headers.contains("text/javascript"),
        "{}",
        script.headers
    );
    let state = ui.json("/api/state");
    assert_eq!(state["collections"][0]["name"], "flow", "{state}");
    let names: Vec<&str> = state["collections"][0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["full_name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["create", "read"]);
}

/// With its dependency: the producer runs first.
fn assert_a_send_with_deps_runs_the_producer_first(ui: &Ui) {
    let s = ui.send(r#"{"file":"./flow.yaml","name":"read","deps":true}"#);
    assert_eq!(
        records(&s),
        [pair("create", "passed"), pair("read", "passed")],
        "{s}"
    );
    let read_rec = &s["records"][1];
    assert_eq!(read_rec["status"], 200);
    assert_eq!(read_rec["assertions"][1]["passed"], true, "{read_rec}");
    assert!(
        read_rec["body"]
            .as_str()
            .unwrap_or("")
            .contains("/echo/items/item-4711"),
        "{read_rec}"
    );
    assert_eq!(read_rec["snapshot"]["outcome"], "new", "{read_rec}");
    // The time's breakdown and what went over the wire, the key masked there too.
    assert!(read_rec["wire"]["connection"].is_string(), "{read_rec}");
    let sent = read_rec["wire"]["sent"].to_string();
    assert!(
        sent.contains("x-api-key") || sent.contains("X-Api-Key"),
        "{sent}"
    );
}

/// The capture lives on for the session until reset; returns the preview the page got.
fn assert_the_capture_lives_on_for_the_session(ui: &Ui, read: &str) -> Value {
    // Alone now, it is sent.
    let s = ui.send(read);
    assert_eq!(records(&s), [pair("read", "passed")], "{s}");
    assert_eq!(s["records"][0]["snapshot"]["outcome"], "same", "{s}");
    // The preview renders with it too, secrets masked, and sends nothing.
    let p = ui.send(r#"{"file":"./flow.yaml","name":"read","preview":true}"#);
    let curl = p["records"][0]["curl"].as_str().unwrap_or("");
    assert!(curl.contains("/echo/items/item-4711"), "{p}");
    assert!(
        curl.contains(&format!("X-Api-Key: {}", yarc::api::secret::MASK)),
        "{curl}"
    );
    // The variables panel says where the value comes from.
    let v = ui.json("/api/vars");
    assert!(
        v.to_string().contains("captured earlier in this session"),
        "{v}"
    );
    // Reset forgets it.
    assert_eq!(ui.post("/api/reset", "{}").status, 200);
    assert_eq!(ui.post("/api/send", read).status, 422);
    p
}

/// History keeps every send but the previews; two of them diff.
fn assert_history_diffs_and_never_holds_the_secret(ui: &Ui, preview: &Value) {
    let h = ui.json("/api/history");
    let sends = h["sends"].as_array().expect("sends");
    assert_eq!(sends.len(), 4, "{h}");
    let (a, b) = (&sends[0]["id"], &sends[1]["id"]);
    let d = ui.json(&format!("/api/diff?a={a}&b={b}"));
    assert!(d["diff"].is_string(), "{d}");
    // The secret never leaves the process: not in any answer the page got.
    let everything = format!(
        "{}{}{}",
        ui.get("/api/history").body,
        ui.get("/api/vars").body,
        preview
    );
    assert!(!everything.contains(SECRET), "the secret reached the page");
    assert!(
        ui.get("/api/history")
            .body
            .contains(yarc::api::secret::MASK),
        "the echoed key is shown masked"
    );
}

/// Bad input gets a located error, not a panic.
fn assert_bad_sends_are_refused(ui: &Ui) {
    let r = ui.post("/api/send", r#"{"file":"./flow.yaml","name":"nope"}"#);
    assert_eq!(r.status, 422, "{r:?}");
    // Only the session's files can be named.
    let r = ui.post("/api/send", r#"{"file":"/etc/passwd"}"#);
    assert_eq!(r.status, 404, "{r:?}");
    assert!(!r.body.contains("root:"), "{r:?}");
    let r = ui.post("/api/send", "not json");
    assert!(r.status >= 400 && r.status < 500, "{r:?}");
}

#[test]
fn sends_go_through_the_engine_and_keep_captures_for_the_session() {
    let w = World::new();
    w.write("flow.yaml", FLOW);
    let ui = Ui::start(&w);
    let read = r#"{"file":"./flow.yaml","name":"read"}"#;
    // Alone, before anything captured item_id: refused with the place and the way out, as
    // `yarc run --name read` would be, and nothing is sent.
    let refused = ui.post("/api/send", read);
    assert_eq!(refused.status, 422, "{refused:?}");
    assert!(
        refused.body.contains("flow.yaml:9") && refused.body.contains("--with-deps"),
        "{refused:?}"
    );
    assert_a_send_with_deps_runs_the_producer_first(&ui);
    let preview = assert_the_capture_lives_on_for_the_session(&ui, read);
    // Run file and run all: every request.
    let s = ui.send(r#"{"file":"./flow.yaml"}"#);
    assert_eq!(
        records(&s),
        [pair("create", "passed"), pair("read", "passed")],
        "{s}"
    );
    let s = ui.send("{}");
    assert_eq!(s["records"].as_array().map(Vec::len), Some(2), "{s}");
    assert_history_diffs_and_never_holds_the_secret(&ui, &preview);
    assert_bad_sends_are_refused(&ui);
}

#[test]
fn a_new_project_opens_with_its_environments_and_sends_in_the_sandbox() {
    let dir = tempfile::tempdir().expect("tmp");
    let init = Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(dir.path())
        .args(["init", "api"])
        .output()
        .expect("yarc init");
    assert!(init.status.success(), "{init:?}");
    // As docs/ui.md says: `yarc ui` in the project, no path.
    let ui = Ui::start_in(&dir.path().join("api"), &["ui"]);
    let state = ui.json("/api/state");
    assert_eq!(
        state["environments"],
        serde_json::json!(["prod", "sandbox", "stage"]),
        "{state}"
    );
    let file = state["collections"][0]["file"]
        .as_str()
        .expect("file")
        .to_string();
    let body = serde_json::json!({ "env": "sandbox", "file": file, "name": "list jobs" });
    let s = ui.send(&body.to_string());
    assert_eq!(records(&s), [pair("list jobs", "passed")], "{s}");
    // An environment whose secrets are not set says which, located; nothing is sent.
    let body = serde_json::json!({ "env": "stage", "file": file, "name": "list jobs" });
    let r = ui.post("/api/send", &body.to_string());
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.body.contains("VISMA_"), "{r:?}");
}

#[test]
fn a_changed_snapshot_is_accepted_from_the_page() {
    let w = World::new();
    w.write("flow.yaml", FLOW);
    let ui = Ui::start(&w);
    let s = ui.send(r#"{"file":"./flow.yaml","name":"read","deps":true}"#);
    assert_eq!(s["records"][1]["snapshot"]["outcome"], "new", "{s}");
    let stored = w.path("__snapshots__/flow/default/read.snap.yaml");
    let original = std::fs::read_to_string(&stored).expect("stored snapshot");
    std::fs::write(&stored, original.replace("item-4711", "item-0001")).expect("edit");
    let s = ui.send(r#"{"file":"./flow.yaml","name":"read"}"#);
    let snap = &s["records"][0]["snapshot"];
    assert_eq!(snap["outcome"], "changed", "{s}");
    assert!(
        snap["diff"].as_str().unwrap_or("").contains("item-0001"),
        "{snap}"
    );
    let pending = snap["pending"].as_str().expect("pending file").to_string();
    // Only a pending snapshot of the session's files can be named.
    let r = ui.post(
        "/api/snapshot",
        r#"{"pending":"/etc/passwd","accept":true}"#,
    );
    assert_eq!(r.status, 404, "{r:?}");
    let body = serde_json::json!({ "pending": pending, "accept": true }).to_string();
    let r = ui.post("/api/snapshot", &body);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(std::fs::read_to_string(&stored).expect("stored"), original);
    assert!(!std::path::Path::new(&pending).exists() && !w.path(&pending).exists());
    let s = ui.send(r#"{"file":"./flow.yaml","name":"read"}"#);
    assert_eq!(s["records"][0]["snapshot"]["outcome"], "same", "{s}");
}

#[test]
fn a_save_shows_in_the_tree_and_a_broken_file_is_located() {
    let w = World::new();
    w.write("flow.yaml", FLOW);
    let ui = Ui::start(&w);
    let before = ui.json("/api/state");
    let g0 = before["generation"].as_u64().expect("generation");
    // The page polls with the generation it has: nothing is read again until a save.
    let same = ui.json(&format!("/api/state?since={g0}"));
    assert_eq!(same["unchanged"], true, "{same}");
    w.write(
        "flow.yaml",
        &format!("{FLOW}  - name: added\n    url: \"{{{{ url }}}}/echo\"\n"),
    );
    let after = wait_for(&ui, |s| {
        s["generation"].as_u64() > Some(g0) && s["error"].is_null()
    });
    let items = after["collections"][0]["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{after}");
    assert_eq!(items[2]["name"], "added");
    w.write("flow.yaml", "name: flow\nrequests:\n  - name: [broken\n");
    let broken = wait_for(&ui, |s| !s["error"].is_null());
    let err = broken["error"].as_str().unwrap_or("");
    assert!(
        err.contains("flow.yaml:3"),
        "the error names the place: {err}"
    );
}

fn wait_for(ui: &Ui, ok: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let s = ui.json("/api/state");
        if ok(&s) {
            return s;
        }
        assert!(start.elapsed() < super::PATIENCE, "no change seen: {s}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---- the page in headless Chromium, driven by chromedriver (WebDriver over HTTP) ----------

const SANDBOX_ENV: &str = r#"name: sandbox
sandbox: true
variables:
  url: "{{ sandbox_url }}"
"#;

const ROSTER: &str = r#"name: roster
auth:
  oauth2:
    token_url: "{{ url }}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
defaults:
  headers: { CUSTOMER_ID: "1", USER_ID: u }
requests:
  - name: list jobs
    url: "{{ url }}/rostering/jobs"
    expect:
      status: 200
      json: { $.items: { type: array } }
  - name: start
    method: POST
    url: "{{ url }}/rostering/jobs"
    json: { name: from-the-page, employees: [{ id: E-1 }] }
    expect: { status: 201 }
    capture: { job_id: $.jobId }
  - name: echo the job
    url: "{{ url }}/echo/job/{{ job_id }}"
    auth: none
    expect:
      json: { $.path: "/echo/job/{{ job_id }}" }
  - name: stable
    url: "{{ url }}/echo/stable"
    auth: none
    snapshot: { ignore: [$.headers] }
"#;

/// chromedriver and the browser, or `None` off CI (a developer machine with only Rust may
/// lack them); CI installs both (.ci/run), so there a missing one fails the test.
fn chromium() -> Option<(String, String)> {
    let found = chromedriver().zip(browser());
    if found.is_none() {
        assert!(
            !super::tools_required(),
            "Chromium or chromedriver is missing in CI: .ci/run should install them"
        );
        eprintln!(
            "skipped: no chromium/chromedriver here (apt-get install chromium chromium-driver)"
        );
    }
    found
}

fn chromedriver() -> Option<String> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string)
}

fn browser() -> Option<String> {
    [
        "/usr/bin/chromium",
        "/usr/bin/google-chrome",
        "/usr/bin/google-chrome-stable",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .map(str::to_string)
}

/// A WebDriver session in headless Chromium; chromedriver and the browser end with it.
struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        let _ = raw(
            self.port,
            "DELETE",
            &path,
            &format!("127.0.0.1:{}", self.port),
            None,
            None,
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(driver: &str, browser: &str, profile: &std::path::Path) -> Driver {
        // chromedriver takes a port number; a free one is found and handed over at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(driver)
            .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let caps = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,900", format!("--user-data-dir={}", profile.display())],
            },
        }}});
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < super::PATIENCE,
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let r = call(port, "POST", "/session", Some(&caps.to_string()));
        let session = r["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Driver {
            child,
            port,
            session,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.session);
        call(
            self.port,
            method,
            &full,
            body.map(|b| b.to_string()).as_deref(),
        )
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(serde_json::json!({ "url": url })));
    }

    /// Runs a script in the page and returns its value.
    fn js(&self, script: &str) -> Value {
        let r = self.call(
            "POST",
            "/execute/sync",
            Some(serde_json::json!({ "script": script, "args": [] })),
        );
        r["value"].clone()
    }

    /// Waits until the script returns something truthy; returns it.
    fn until(&self, what: &str, script: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.js(script);
            if !(v.is_null() || v == false || v == "") {
                return v;
            }
            assert!(
                start.elapsed() < super::PATIENCE,
                "waited for {what}; page: {}",
                self.js("return document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks through WebDriver, as a user would; an element the page has just redrawn is
    /// found again.
    fn click(&self, css: &str) {
        let start = Instant::now();
        loop {
            let e = self.call_raw(
                "POST",
                "/element",
                serde_json::json!({ "using": "css selector", "value": css }),
            );
            let id = e["value"]
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(id) = id {
                let r = self.call_raw(
                    "POST",
                    &format!("/element/{id}/click"),
                    serde_json::json!({}),
                );
                if r["value"]["error"].is_null() {
                    return;
                }
            }
            assert!(start.elapsed() < super::PATIENCE, "cannot click {css}: {e}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A WebDriver command whose error is data (for retries).
    fn call_raw(&self, method: &str, path: &str, body: Value) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let host = format!("127.0.0.1:{}", self.port);
        let r = raw(
            self.port,
            method,
            &full,
            &host,
            None,
            Some(&body.to_string()),
        );
        serde_json::from_str(&dechunk(&r)).unwrap_or(Value::Null)
    }
}

fn call(port: u16, method: &str, path: &str, body: Option<&str>) -> Value {
    let r = raw(port, method, path, &format!("127.0.0.1:{port}"), None, body);
    let body = dechunk(&r);
    assert!(r.status == 200, "{method} {path}: {} {body}", r.status);
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// chromedriver may answer in chunks.
fn dechunk(r: &Reply) -> String {
    if !r.headers.contains("transfer-encoding: chunked") {
        return r.body.clone();
    }
    let mut out = String::new();
    let mut rest = r.body.as_str();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Opens the page and picks the sandbox environment, as a user does with the drop-down.
fn open_the_page_in_the_sandbox(d: &Driver, ui: &Ui) {
    d.open(&format!("http://127.0.0.1:{}/?token={}", ui.port, ui.token));
    d.until(
        "the tree",
        "return document.querySelectorAll('#tree .req').length === 4",
    );
    d.js("const s = document.getElementById('env'); s.value = 'sandbox'; s.dispatchEvent(new Event('change')); return true");
    d.until(
        "the variables",
        "return document.getElementById('vars').textContent.includes('sandbox_url')",
    );
}

/// Open a request: its place in the file and the rendered request; sent, its status and a
/// passing assertion.
fn assert_a_send_shows_the_status_and_assertions(d: &Driver) {
    d.click("#tree .req[data-name='list jobs']");
    d.until(
        "the place",
        "return document.getElementById('request-head').innerText.includes('roster.yaml:11')",
    );
    d.until(
        "the preview",
        "return document.getElementById('preview').textContent.includes('/rostering/jobs')",
    );
    d.click("#send");
    let status = d.until(
        "the status",
        "const s = document.getElementById('status'); return s && s.textContent",
    );
    assert_eq!(status, "200");
    let assertion = d.until(
        "a passing assertion",
        "const t = document.getElementById('assertions'); return t && t.innerText",
    );
    assert!(
        assertion.as_str().unwrap_or("").contains('✓'),
        "{assertion}"
    );
}

/// A request that needs a capture: with its dependency, both run and pass.
fn assert_a_send_with_deps_runs_both(d: &Driver) {
    d.click("#tree .req[data-name='echo the job']");
    d.click("#send-deps");
    let rows = d.until("two results", "const r = document.querySelectorAll('#results tr'); return r.length === 2 && [...r].map(x => x.innerText).join('|')");
    let rows = rows.as_str().unwrap_or("").to_string();
    assert!(
        rows.contains("passed\tstart") && rows.contains("passed\techo the job"),
        "{rows}"
    );
}

/// A snapshot: recorded, then changed on disk, then accepted from the page.
fn assert_a_changed_snapshot_is_accepted_from_the_page(d: &Driver, w: &World) {
    d.click("#tree .req[data-name='stable']");
    d.click("#send");
    d.until("a new snapshot", "const s = document.getElementById('snapshot'); return s && s.textContent.includes('Snapshot: new')");
    let stored = w.path("collections/__snapshots__/roster/sandbox/stable.snap.yaml");
    let original = std::fs::read_to_string(&stored).expect("snapshot written");
    std::fs::write(&stored, original.replace("/echo/stable", "/echo/changed")).expect("edit");
    d.click("#send");
    d.until(
        "the changed snapshot",
        "return document.getElementById('accept')",
    );
    d.click("#accept");
    d.until(
        "accepted",
        "return document.getElementById('snapshot-done')",
    );
    assert_eq!(std::fs::read_to_string(&stored).expect("stored"), original);
}

#[test]
fn chromium_drives_the_page_send_dependencies_snapshot_and_a_save() {
    let Some((driver, chrome)) = chromium() else {
        return;
    };
    let w = World::new();
    w.write("environments/sandbox.yaml", SANDBOX_ENV);
    w.write("collections/roster.yaml", ROSTER);
    let ui = Ui::start(&w);
    let d = Driver::start(&driver, &chrome, &w.path("chromium-profile"));
    open_the_page_in_the_sandbox(&d, &ui);
    assert_a_send_shows_the_status_and_assertions(&d);
    assert_a_send_with_deps_runs_both(&d);
    // The README's picture is this moment (YARC_UI_SCREENSHOT=docs/ui.png to take it again).
    if let Some(path) = std::env::var_os("YARC_UI_SCREENSHOT") {
        use base64::Engine;
        let shot = d.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["value"].as_str().unwrap_or(""))
            .expect("png");
        std::fs::write(super::project_root().join(path), png).expect("write the screenshot");
    }
    assert_a_changed_snapshot_is_accepted_from_the_page(&d, &w);
    // A save in the editor: the tree follows.
    let grown = format!(
        "{ROSTER}  - name: added in the editor\n    url: \"{{{{ url }}}}/echo\"\n    auth: none\n"
    );
    w.write("collections/roster.yaml", &grown);
    d.until(
        "the new request",
        "return document.querySelector(\"#tree .req[data-name='added in the editor']\")",
    );
}

/// With the token, a caller still cannot make any file an environment, or read a file the tree
/// does not list (a `.env` beside the collections); what an error quotes is masked.
#[test]
fn the_api_takes_environment_names_and_listed_collection_files_only() {
    let w = World::new();
    w.write("flow.yaml", FLOW);
    w.write("environments/dev.yaml", "variables: { who: dev }\n");
    w.write(".env", &format!("UI_DOTENV_SECRET={SECRET}-dotenv\n"));
    w.write(
        "attacker.yaml",
        "variables:\n  url: http://attacker.invalid\n",
    );
    let ui = Ui::start_in(
        w.dir.path(),
        &["ui", "flow.yaml", "--var", &format!("url={}", w.url())],
    );
    for env in [
        "/etc/passwd",
        "attacker.yaml",
        "../environments/dev.yaml",
        "environments/dev.yaml",
    ] {
        let q = format!("/api/state?env={}", url_encoded(env));
        let r = ui.get(&q);
        assert_eq!(r.status, 400, "{env}: {r:?}");
        assert!(r.body.contains("no environment"), "{}", r.body);
        assert!(!r.body.contains("root:"), "{}", r.body);
        let body = serde_json::json!({ "env": env, "file": "./flow.yaml", "name": "create" });
        let r = ui.post("/api/send", &body.to_string());
        assert_eq!(r.status, 400, "{env}: {r:?}");
    }
    let state = ui.json("/api/state?env=dev");
    assert_eq!(state["environment"], "dev");
    for file in [
        "./.env",
        ".env",
        "environments/dev.yaml",
        "./attacker.yaml/../.env",
    ] {
        let body = serde_json::json!({ "file": file });
        let r = ui.post("/api/send", &body.to_string());
        assert_eq!(r.status, 404, "{file}: {r:?}");
        assert!(!r.body.contains(SECRET), "{}", r.body);
    }
}

fn url_encoded(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `--open` gives the browser a key that opens the page once, never the session token: the
/// arguments of a process are readable by every user of the machine.
#[cfg(unix)]
#[test]
fn open_hands_the_browser_a_one_time_key_not_the_token() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    w.write("flow.yaml", FLOW);
    let bin = w.path("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let opener = bin.join("xdg-open");
    let seen = w.path("opened.txt");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$*\" > '{}'\n", seen.display()),
    )
    .expect("opener");
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ui = Ui::start_with_env(
        w.dir.path(),
        &["ui", ".", "--open", "--var", &format!("url={}", w.url())],
        &[("PATH", &path)],
    );
    // The opener's shell creates the file before it writes to it: wait for what it wrote.
    let written = || {
        std::fs::read_to_string(&seen)
            .ok()
            .filter(|t| !t.is_empty())
    };
    let started = Instant::now();
    while written().is_none() && started.elapsed() < super::PATIENCE {
        std::thread::sleep(Duration::from_millis(50));
    }
    let opened = written().expect("the browser was opened");
    assert!(!opened.contains(&ui.token), "{opened}");
    let target = opened
        .strip_prefix(&format!("http://127.0.0.1:{}", ui.port))
        .expect(&opened)
        .to_string();
    assert!(target.starts_with("/?nonce="), "{target}");
    let first = raw(ui.port, "GET", &target, &ui.host(), None, None);
    assert_eq!(first.status, 200, "{first:?}");
    assert!(
        first.body.contains(&format!(
            "<meta name=\"yarc-token\" content=\"{}\">",
            ui.token
        )),
        "{}",
        first.body
    );
    let again = raw(ui.port, "GET", &target, &ui.host(), None, None);
    assert!(
        !again.body.contains(&ui.token),
        "the key opens the page once: {}",
        again.body
    );
}

/// A large answer reaches the page cut to its limit, masked before it was cut (a secret across
/// the cut is not half shown), and the record the session keeps is no larger.
#[test]
fn a_large_body_is_masked_then_cut_for_the_page() {
    let w = World::new();
    // The echo answers `{"body":"<text>...`: the secret then straddles the cut.
    let filler = "x".repeat(2 * 1024 * 1024 - 17);
    w.write(
        "big.yaml",
        &format!(
            "requests:\n  - name: big\n    method: POST\n    url: \"{{{{ url }}}}/echo\"\n    text: \"{filler}{{{{ secret('UI_API_KEY') }}}}{}\"\n",
            "y".repeat(1024 * 1024)
        ),
    );
    let ui = Ui::start_in(
        w.dir.path(),
        &["ui", "big.yaml", "--var", &format!("url={}", w.url())],
    );
    let s = ui.send(r#"{"file":"big.yaml","name":"big"}"#);
    let rec = &s["records"][0];
    assert_eq!(rec["state"], "passed", "{rec}");
    let body = rec["body"].as_str().expect("body");
    assert!(body.len() <= 2 * 1024 * 1024, "{}", body.len());
    assert_eq!(rec["body_cut"], true);
    assert!(
        !body.contains(&SECRET[..8]),
        "a piece of the secret reached the page"
    );
}

const ONE: &str = r#"name: one
variables: { who: file }
requests:
  - name: post
    method: POST
    url: "{{ url }}/echo/x?page=1&keep=a%2Fb"
    headers: { X-Mode: file }
    json: { who: "{{ who }}" }
"#;

#[test]
fn a_change_for_one_send_reaches_the_server_and_never_the_file() {
    let w = World::new();
    w.write("one.yaml", ONE);
    let ui = Ui::start(&w);
    let echo = |s: &Value| -> Value {
        serde_json::from_str(s["records"][0]["body"].as_str().unwrap_or("")).expect("echo")
    };
    let s = ui.send(
        r#"{"file":"./one.yaml","name":"post","change":{"variables":[["who","page"]],"query":[["page","2"]],"headers":[["x-mode","page"]]}}"#,
    );
    let e = echo(&s);
    assert_eq!(e["json"]["who"], "page", "{e}");
    assert_eq!(e["query"]["page"], "2", "{e}");
    assert_eq!(e["query"]["keep"], "a/b", "{e}");
    assert_eq!(e["headers"]["x-mode"], "page", "{e}");
    assert_eq!(s["changed"], true, "{s}");
    assert!(
        s["label"]
            .as_str()
            .unwrap_or("")
            .contains("the file is unchanged"),
        "{s}"
    );
    // The preview shows the change; a body typed in the page replaces the file's.
    let p = ui.send(
        r#"{"file":"./one.yaml","name":"post","preview":true,"change":{"body":"{\"who\":\"typed\"}"}}"#,
    );
    assert!(
        p["records"][0]["curl"]
            .as_str()
            .unwrap_or("")
            .contains(r#"{"who":"typed"}"#),
        "{p}"
    );
    let e = echo(
        &ui.send(r#"{"file":"./one.yaml","name":"post","change":{"body":"{\"who\":\"typed\"}"}}"#),
    );
    assert_eq!(e["json"]["who"], "typed", "{e}");
    assert_eq!(e["headers"]["content-type"], "application/json", "{e}");
    // Without a change: the file's values, and the file as it was.
    let s = ui.send(r#"{"file":"./one.yaml","name":"post"}"#);
    let e = echo(&s);
    assert_eq!(
        (
            &e["json"]["who"],
            &e["query"]["page"],
            &e["headers"]["x-mode"]
        ),
        (
            &Value::from("file"),
            &Value::from("1"),
            &Value::from("file")
        ),
        "{e}"
    );
    assert_eq!(s["changed"], false, "{s}");
    assert_eq!(
        std::fs::read_to_string(w.path("one.yaml")).expect("file"),
        ONE
    );
    // A change needs the request it is for; a header HTTP cannot send is refused, not sent.
    assert_eq!(
        ui.post(
            "/api/send",
            r#"{"file":"./one.yaml","change":{"query":[["a","b"]]}}"#
        )
        .status,
        400
    );
    let s =
        ui.send(r#"{"file":"./one.yaml","name":"post","change":{"headers":[["x-bad","a\nb"]]}}"#);
    assert_eq!(s["records"][0]["state"], "invalid", "{s}");
}

const JOBS: &str = r#"name: jobs
auth:
  oauth2:
    token_url: "{{ sandbox_url }}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
defaults:
  headers: { CUSTOMER_ID: "1", USER_ID: u }
requests:
  - name: start
    method: POST
    url: "{{ sandbox_url }}/rostering/jobs"
    json: { name: ui, employees: [{ id: E-1 }] }
    expect: { status: 201 }
  - name: count
    url: "{{ sandbox_url }}/rostering/jobs"
    snapshot: { ignore: ["$.items[*].jobId", "$.items[*].createdAt", "$.items[*].created"] }
"#;

#[test]
fn run_file_records_from_a_fresh_sandbox_and_reset_starts_another() {
    let w = World::new();
    w.write("environments/sandbox.yaml", SANDBOX_ENV);
    w.write("collections/jobs.yaml", JOBS);
    let ui = Ui::start(&w);
    let run_file = r#"{"env":"sandbox","file":"./collections/jobs.yaml"}"#;
    let first = ui.send(run_file);
    assert_eq!(first["records"][1]["snapshot"]["outcome"], "new", "{first}");
    // A single send in between adds a job to the session's sandbox...
    let s = ui.send(r#"{"env":"sandbox","file":"./collections/jobs.yaml","name":"start"}"#);
    assert_eq!(s["records"][0]["state"], "passed", "{s}");
    // ...which Run file does not see: it starts from an empty sandbox, as `yarc run` does,
    // so the committed snapshot does not look changed.
    let again = ui.send(run_file);
    assert_eq!(
        again["records"][1]["snapshot"]["outcome"], "same",
        "{again}"
    );
    // Reset starts the sandbox afresh too: its address changes.
    let url = |v: &Value| {
        v.to_string().split("http://127.0.0.1:").nth(1).map(|s| {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
    };
    let before = url(&ui.json("/api/vars?env=sandbox"));
    assert_eq!(ui.post("/api/reset", "{}").status, 200);
    let s = ui.send(r#"{"env":"sandbox","file":"./collections/jobs.yaml","name":"count"}"#);
    assert_eq!(s["records"][0]["status"], 200, "{s}");
    let after = url(&ui.json("/api/vars?env=sandbox"));
    assert!(before.is_some() && before != after, "{before:?} {after:?}");
}

const NIGHTLY: &str = r#"name: nightly checks
tags: [nightly]
requests:
  - name: first fine
    url: "{{ url }}/echo/a"
  - name: breaks
    url: "{{ url }}/echo/b"
    expect: { status: 201 }
  - name: also breaks
    url: "{{ url }}/echo/c"
    expect: { status: 202 }
"#;

/// The page's own behaviour in a real browser: a collection's tag filters, Run file opens the
/// first failure, the preview follows what a send captured, a change for one send reaches the
/// server with the file untouched, and the history survives a reload.
#[test]
fn chromium_filters_by_collection_tag_opens_failures_and_changes_one_send() {
    let Some((driver, chrome)) = chromium() else {
        return;
    };
    let w = World::new();
    w.write("environments/sandbox.yaml", SANDBOX_ENV);
    w.write("collections/roster.yaml", ROSTER);
    w.write("collections/nightly.yaml", NIGHTLY);
    let ui = Ui::start(&w);
    let d = Driver::start(&driver, &chrome, &w.path("chromium-profile"));
    d.open(&format!("http://127.0.0.1:{}/?token={}", ui.port, ui.token));
    d.until(
        "the tree",
        "return document.querySelectorAll('#tree .req').length === 7",
    );
    d.js("const s = document.getElementById('env'); s.value = 'sandbox'; s.dispatchEvent(new Event('change')); return true");
    d.until(
        "the variables",
        "return document.getElementById('vars').textContent.includes('sandbox_url')",
    );
    // The collection's own tag finds its requests, and only those.
    d.js("const f = document.getElementById('filter'); f.value = 'nightly'; f.dispatchEvent(new Event('input')); return true");
    d.until(
        "the filtered tree",
        "return document.querySelectorAll('#tree .req').length === 3",
    );
    d.js("const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); return true");
    // Run file opens the first failure, not the last request.
    d.click("#tree .req[data-name='first fine']");
    d.click("#run-file");
    d.until(
        "the first failure",
        "return document.getElementById('response').dataset.name === 'breaks'",
    );
    // The preview of a request that lacks a capture says so; after Send with dependencies it
    // shows the captured value.
    d.click("#tree .req[data-name='echo the job']");
    d.until(
        "the preview",
        "return document.getElementById('preview').textContent.includes('job_id')",
    );
    d.click("#send-deps");
    d.until(
        "two results",
        "return document.querySelectorAll('#results tr').length === 2",
    );
    d.until(
        "the preview with the captured id",
        "const t = document.getElementById('preview').textContent; return /\\/echo\\/job\\/[0-9a-f-]{8,}/.test(t) && t",
    );
    // A header changed for this send only: in the preview, on the wire, and not in the file.
    d.js("document.getElementById('change-panel').open = true; const h = document.getElementById('change-headers'); h.value = 'X-Try: from-the-page'; h.dispatchEvent(new Event('input')); return true");
    d.until(
        "the note",
        "return !document.getElementById('change-note').hidden",
    );
    d.until(
        "the changed preview",
        "return document.getElementById('preview').textContent.includes('X-Try: from-the-page')",
    );
    d.click("#send");
    d.until("the echoed header", "const b = document.getElementById('response').textContent; return b.includes('from-the-page') && b.includes('x-try')");
    d.until(
        "the label",
        "return document.getElementById('results').textContent.includes('the file is unchanged')",
    );
    assert_eq!(
        std::fs::read_to_string(w.path("collections/roster.yaml")).expect("file"),
        ROSTER
    );
    // A reload keeps the session's history (the token stays with the tab).
    let sends = d.js("return document.querySelectorAll('#history label').length");
    assert_eq!(sends, 3, "{sends}");
    d.open(&format!("http://127.0.0.1:{}/", ui.port));
    d.until(
        "the history after a reload",
        "return document.querySelectorAll('#history label').length === 3",
    );
}
