//! `yarc lsp` driven by a JSON-RPC client over stdio, as an editor drives it: diagnostics on
//! unsaved text (and gone once fixed), completion, hover, definition across files, references,
//! symbols, code lenses.

use super::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications read while waiting for something else.
    seen: Vec<Value>,
}

/// How long one answer may take before the test calls it a hang (not a speed goal).
const WAIT: Duration = super::PATIENCE;

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yarc"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("yarc lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&body)
                    && tx.send(v).is_err()
                {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next: 1,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.rx.recv_timeout(WAIT).expect("an answer");
            if v["id"] == id && v.get("method").is_none() {
                return v["result"].clone();
            }
            if v.get("id").is_some() && v.get("method").is_some() {
                // A request from the server (registration, configuration): answered empty.
                let answer = json!({"jsonrpc": "2.0", "id": v["id"], "result": null});
                self.send(answer);
            } else {
                self.seen.push(v);
            }
        }
    }

    /// The labels completion offers at a place.
    fn complete(&mut self, doc: &str, line: u32, character: u32) -> Vec<String> {
        let items = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": doc}, "position": {"line": line, "character": character}}),
        );
        items
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["label"].as_str().map(str::to_string))
            .collect()
    }

    /// The next diagnostics published for `uri` (notifications already read first).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is = |v: &Value| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        };
        if let Some(i) = self.seen.iter().position(is) {
            let v = self.seen.remove(i);
            return v["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            match self.rx.recv_timeout(WAIT) {
                Ok(v) if is(&v) => {
                    return v["params"]["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                }
                Ok(v) => self.seen.push(v),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no diagnostics for {uri}: {:?}", self.seen)
                }
                Err(e) => panic!("the server stopped: {e}"),
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

const COLLECTION: &str = "name: jobs\nrequests:\n  - name: start\n    method: POST\n    url: \"{{ base_ur }}/jobs\"\n    headers:\n      X-Key: \"{{ secret('API_KEY') }}\"\n    capture:\n      job_id: $.id\n  - name: poll\n    url: \"{{ base_url }}/jobs/{{ job_id }}\"\n    variables: { page_size: 50 }\n";

/// `yarc lsp` started in the project of `w` (environment `stage`), initialized, with the URI of
/// its collection.
fn start_editor(w: &World) -> (Client, String) {
    let dir = w.dir.path().canonicalize().expect("dir");
    w.write(
        "environments/stage.yaml",
        "variables:\n  base_url: https://stage.example.com\n  api_key: \"{{ secret('API_KEY') }}\"\n  hrm: \"{{ secret('HRM_CLIENT_SECRET') }}\"\n",
    );
    w.write(".env", "API_KEY=never-shown-key\n");
    let file = w.write(
        "jobs.yaml",
        COLLECTION.replace("base_ur }}", "base_url }}").as_str(),
    );
    let file = file.canonicalize().expect("file");
    let doc = uri(&file);
    let mut c = Client::start(&dir);
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {},
               "initializationOptions": {"environment": "stage"}}),
    );
    assert_eq!(init["serverInfo"]["name"], "yarc", "{init}");
    c.notify("initialized", json!({}));
    (c, doc)
}

/// Opens `doc` with [`COLLECTION`]'s text: one diagnostic, of its typo (`base_ur`).
fn open_with_the_typo(c: &mut Client, doc: &str) -> Vec<Value> {
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "yaml", "version": 1, "text": COLLECTION}}),
    );
    let d = c.diagnostics(doc);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0]["message"]
            .as_str()
            .expect("message")
            .contains("base_ur"),
        "{d:?}"
    );
    d
}

/// The unsaved text has a typo the saved file does not: it is what gets checked.
fn assert_diagnostics_follow_the_unsaved_text(c: &mut Client, doc: &str) {
    let d = open_with_the_typo(c, doc);
    assert_eq!(d[0]["range"]["start"]["line"], 4, "{d:?}");

    // Fixed as you type: the diagnostics go away.
    let fixed = COLLECTION.replace("base_ur }}", "base_url }}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert!(c.diagnostics(doc).is_empty());
}

/// Completion inside `{{ `: variables with their values and sources, captures, functions.
fn assert_completion_offers_variables_keys_and_secret_names(c: &mut Client, doc: &str) {
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": doc}, "position": {"line": 10, "character": 12}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    for want in ["base_url", "job_id", "uuid", "secret", "page_size"] {
        assert!(labels.contains(&want), "{want} missing from {labels:?}");
    }
    let base = items
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "base_url")
        .expect("base_url");
    assert!(
        base["detail"]
            .as_str()
            .expect("detail")
            .contains("https://stage.example.com"),
        "{base}"
    );
    // Keys of a request, from the parser's own table.
    let keys = c.complete(doc, 8, 4);
    assert!(
        keys.iter().any(|k| k == "expect") && keys.iter().any(|k| k == "capture"),
        "{keys:?}"
    );
    // Secret names, never values.
    let secrets = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": doc}, "position": {"line": 6, "character": 25}}),
    );
    let all = secrets.to_string();
    assert!(
        all.contains("API_KEY") && !all.contains("never-shown-key"),
        "{all}"
    );
}

fn assert_hover_definition_and_references(c: &mut Client, doc: &str) {
    // Hover: the value and where it comes from; a request's line: what it sends.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 10, "character": 14}}),
    );
    let text = hover["contents"]["value"]
        .as_str()
        .expect("hover")
        .to_string();
    assert!(
        text.contains("https://stage.example.com") && text.contains("environment"),
        "{text}"
    );
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 9, "character": 6}}),
    );
    let text = hover["contents"]["value"]
        .as_str()
        .expect("hover")
        .to_string();
    assert!(
        text.contains("GET https://stage.example.com/jobs/{job_id}"),
        "{text}"
    );

    // Definition: into the environment file; a capture's use to the request that captures it.
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": doc}, "position": {"line": 10, "character": 14}}),
    );
    assert!(
        def["uri"]
            .as_str()
            .expect("uri")
            .ends_with("environments/stage.yaml"),
        "{def}"
    );
    assert_eq!(def["range"]["start"]["line"], 1, "{def}");
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": doc}, "position": {"line": 10, "character": 35}}),
    );
    assert_eq!(def["range"]["start"]["line"], 8, "{def}");

    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": doc}, "position": {"line": 10, "character": 14},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(refs.as_array().expect("refs").len(), 2, "{refs}");
}

fn assert_symbols_and_code_lenses(c: &mut Client, w: &World, doc: &str) {
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": doc}}),
    );
    assert_eq!(symbols[0]["name"], "jobs", "{symbols}");
    let names: Vec<&str> = symbols[0]["children"]
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["start", "poll"]);
    assert_eq!(
        symbols[0]["children"][1]["detail"],
        "GET https://stage.example.com/jobs/{job_id}"
    );
    // Groups hold their requests.
    let grouped = w.write(
        "grouped.yaml",
        "name: g\nrequests:\n  - group: admin\n    requests:\n      - name: users\n        url: https://x/u\n  - name: top\n    url: https://x/t\n",
    );
    let gdoc = uri(&grouped.canonicalize().expect("grouped"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": gdoc, "languageId": "yaml", "version": 1,
               "text": std::fs::read_to_string(&grouped).expect("read")}}),
    );
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": gdoc}}),
    );
    let top = &symbols[0]["children"];
    assert_eq!(top[0]["name"], "admin", "{symbols}");
    assert_eq!(top[0]["children"][0]["name"], "users", "{symbols}");
    assert_eq!(top[1]["name"], "top", "{symbols}");
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": doc}}),
    );
    assert_eq!(
        lenses[1]["command"]["command"], "yarc.runRequest",
        "{lenses}"
    );
    assert_eq!(
        lenses[1]["command"]["arguments"][0]["name"], "poll",
        "{lenses}"
    );
}

#[test]
fn an_editor_gets_diagnostics_completion_hover_definition_and_symbols() {
    let w = World::new();
    let (mut c, doc) = start_editor(&w);
    assert_diagnostics_follow_the_unsaved_text(&mut c, &doc);
    assert_completion_offers_variables_keys_and_secret_names(&mut c, &doc);
    assert_hover_definition_and_references(&mut c, &doc);
    assert_symbols_and_code_lenses(&mut c, &w, &doc);
    // A new buffer, never saved: its text is checked, not "cannot read" the missing file.
    let dir = w.dir.path().canonicalize().expect("dir");
    open_with_the_typo(&mut c, &uri(&dir.join("new-one.yaml")));
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
}

/// A real editor: Neovim headless starts `yarc lsp` with its own client (0.7's
/// `vim.lsp.start_client`), opens a collection with a typo, and writes what it got: the
/// diagnostic at the typo's line, and a completion list inside `{{ }}`.
#[test]
fn neovim_shows_the_diagnostics_and_completes_variables() {
    let Some(nvim) = neovim() else {
        return;
    };
    let w = World::new();
    let dir = w.dir.path().canonicalize().expect("dir");
    w.write(
        "environments/stage.yaml",
        "variables:\n  base_url: https://stage.example.com\n",
    );
    w.write("jobs.yaml", COLLECTION);
    let script = r#"
local client_id = vim.lsp.start_client({
  name = "yarc",
  cmd = { vim.env.YARC_BIN, "lsp" },
  root_dir = vim.fn.getcwd(),
  init_options = { environment = "stage" },
})
vim.cmd("edit jobs.yaml")
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
vim.wait(120000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(lines, "diagnostic " .. d.lnum .. " " .. d.message:gsub("\n", " "))
end
local client = vim.lsp.get_client_by_id(client_id)
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 10, character = 12 } }
local resp = client.request_sync("textDocument/completion", params, 120000, buf)
for _, item in ipairs((resp and resp.result) or {}) do
  table.insert(lines, "completion " .. item.label)
end
vim.fn.writefile(lines, vim.env.YARC_NVIM_OUT)
vim.cmd("qall!")
"#;
    w.write("init.lua", script);
    let out = dir.join("nvim-out.txt");
    let status = Command::new(nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u", "init.lua"])
        .current_dir(&dir)
        .env("YARC_BIN", env!("CARGO_BIN_EXE_yarc"))
        .env("YARC_NVIM_OUT", &out)
        .env("XDG_STATE_HOME", &dir)
        .env("XDG_DATA_HOME", &dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("nvim");
    assert!(status.success(), "nvim: {status}");
    let got = std::fs::read_to_string(&out).expect("nvim wrote its findings");
    assert!(
        got.contains("diagnostic 4 ") && got.contains("base_ur"),
        "{got}"
    );
    for want in [
        "completion base_url",
        "completion job_id",
        "completion uuid",
    ] {
        assert!(got.contains(want), "{want} missing:\n{got}");
    }
}

fn neovim() -> Option<&'static str> {
    let found = ["/usr/bin/nvim", "/usr/local/bin/nvim"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    if found.is_none() {
        assert!(
            !super::tools_required(),
            "Neovim is missing in CI: .ci/run should install it"
        );
        eprintln!("skipped: no Neovim here (apt-get install neovim)");
    }
    found
}

/// Other YAML an editor opens (a CI workflow, an environment) gets no diagnostics from yarc.
#[test]
fn yaml_that_is_not_a_collection_is_left_alone() {
    let w = World::new();
    let dir = w.dir.path().canonicalize().expect("dir");
    let wf = w.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    );
    let col = w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: x\n    url: \"{{ nope }}/x\"\n",
    );
    let mut c = Client::start(&dir);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    for (p, text) in [
        (
            &wf,
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        ),
        (
            &col,
            "name: c\nrequests:\n  - name: x\n    url: \"{{ nope }}/x\"\n",
        ),
    ] {
        let u = uri(&p.canonicalize().expect("path"));
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }
    // The collection's diagnostics arrive; by then the workflow's would have too.
    let col_uri = uri(&col.canonicalize().expect("path"));
    assert_eq!(c.diagnostics(&col_uri).len(), 1);
    let wf_uri = uri(&wf.canonicalize().expect("path"));
    assert!(
        !c.seen.iter().any(|v| v["params"]["uri"] == wf_uri),
        "{:?}",
        c.seen
    );
}

/// Under `expect: json:`, the paths of what the request answered last time (its snapshot); in
/// an environment file's `extends:`, the environments beside it.
#[test]
fn jsonpaths_come_from_the_stored_snapshot_and_extends_from_the_environments() {
    let w = World::new();
    let dir = w.dir.path().canonicalize().expect("dir");
    let text = format!(
        "name: c\nrequests:\n  - name: echo it\n    url: \"{}/echo?job=7\"\n    snapshot: true\n    expect:\n      json:\n        \n",
        w.url()
    );
    // A run of the saved file stores the snapshot the completion reads; the editor's text is
    // being typed (an empty `json:` is an error until a path is written).
    let saved = text.replace("    expect:\n      json:\n        \n", "");
    let file = w.write("c.yaml", &saved).canonicalize().expect("file");
    run_in(&dir, &["run".to_string(), "c.yaml".to_string()], &[]).expect_code(0);
    w.write("environments/base.yaml", "variables: { a: 1 }\n");
    let stage = w.write(
        "environments/stage.yaml",
        "extends: \nvariables: { b: 2 }\n",
    );
    let mut c = Client::start(&dir);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    let doc = uri(&file);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "yaml", "version": 1, "text": text}}),
    );
    assert_eq!(c.diagnostics(&doc).len(), 1);
    let labels = c.complete(&doc, 7, 8);
    for want in ["$", "$.query", "$.query.job", "$.method"] {
        assert!(
            labels.iter().any(|l| l == want),
            "{want} missing from {labels:?}"
        );
    }
    let env_doc = uri(&stage.canonicalize().expect("stage"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": env_doc, "languageId": "yaml", "version": 1,
               "text": "extends: \nvariables: { b: 2 }\n"}}),
    );
    let envs = c.complete(&env_doc, 0, 9);
    assert!(envs.iter().any(|e| e == "base"), "{envs:?}");
}

/// Positions and texts no editor sends (past the end, far past u32 lines) get empty answers,
/// never a crash: the server answers the next request.
#[test]
fn positions_past_the_text_get_empty_answers() {
    let w = World::new();
    let dir = w.dir.path().canonicalize().expect("dir");
    let file = w.write("c.yaml", COLLECTION).canonicalize().expect("file");
    let doc = uri(&file);
    let mut c = Client::start(&dir);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "yaml", "version": 1, "text": "é😀{{ x\n"}}),
    );
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
    ] {
        for (line, ch) in [(4294967295u32, 4294967295u32), (0, 2), (0, 3), (0, 99)] {
            let _ = c.request(
                method,
                json!({"textDocument": {"uri": doc}, "position": {"line": line, "character": ch},
                       "context": {"includeDeclaration": true}}),
            );
        }
    }
    for (line, ch) in [(4294967295u32, 4294967295u32), (0, 2), (0, 3), (0, 99)] {
        let _ = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": doc}, "position": {"line": line, "character": ch}}),
        );
    }
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": doc}}),
    );
    assert!(symbols.is_array() || symbols.is_null(), "{symbols}");
}
