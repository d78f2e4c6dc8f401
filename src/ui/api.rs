//! The page and the JSON API it calls. Every send goes through `session::prepare` and
//! `run::Runner`, as `yarc run` does; the answers are the run's records in the JSON report's
//! shape (docs/json-report.md), with the whole (masked) body added.

use super::{HISTORY_MAX, Workbench};
use crate::plan::Selection;
use crate::run::record::{Event, RequestRecord};
use crate::run::{RunOptions, Runner};
use crate::session::{self, Config};
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The most of one body the page is sent; the rest is said to exist.
const BODY_MAX: usize = 2 * 1024 * 1024;

type Wb = State<Arc<Workbench>>;

pub(super) fn router(wb: Arc<Workbench>) -> Router {
    Router::new()
        .route("/", get(index))
        .route(
            "/app.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
        .route("/api/state", get(state))
        .route("/api/vars", get(vars))
        .route("/api/send", post(send))
        .route("/api/reset", post(reset))
        .route("/api/snapshot", post(snapshot))
        .route("/api/history", get(history))
        .route("/api/diff", get(diff))
        .with_state(wb)
}

/// The page; opened by a one-time key, it carries the session token for its script (which
/// keeps it for the tab and drops the key from the address).
async fn index(State(wb): Wb, opened: Option<axum::Extension<super::guard::Opened>>) -> Response {
    if opened.is_none() {
        return asset(INDEX, "text/html; charset=utf-8");
    }
    let meta = format!(
        "<meta name=\"yarc-token\" content=\"{}\">\n</head>",
        wb.token
    );
    let page = INDEX.replacen("</head>", &meta, 1);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

fn asset(text: &'static str, kind: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], text).into_response()
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

#[derive(Deserialize, Default)]
struct EnvQuery {
    env: Option<String>,
    /// The generation the page has: when nothing changed since, nothing is read.
    since: Option<u64>,
}

/// The tree, the environments, and the generation of the files (the page polls it).
async fn state(State(wb): Wb, Query(q): Query<EnvQuery>) -> Response {
    let generation = wb.generation();
    if q.since == Some(generation) {
        return Json(json!({ "generation": generation, "unchanged": true })).into_response();
    }
    let env = match wb.environment(q.env) {
        Ok(e) => e,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let (collections, problem) = match crate::load::load(&wb.base.paths, env.as_deref()) {
        Ok(loaded) => (Some(loaded.collections), None),
        Err(d) => (None, Some(wb.masked(&d.render()))),
    };
    // The environments beside the first collection, as `--env` looks for them.
    let first = collections
        .as_ref()
        .and_then(|c| c.first())
        .map(|c| c.path.clone())
        .or_else(|| wb.base.paths.first().cloned());
    let collections = collections.map(|c| super::tree::tree(&c));
    Json(json!({
        "generation": generation,
        "environments": crate::load::environment_names(first.as_deref()),
        "environment": env,
        "collections": collections,
        "error": problem,
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

/// The variables each collection starts with in an environment, masked, with their source.
async fn vars(State(wb): Wb, Query(q): Query<EnvQuery>) -> Response {
    let config = match wb.config(q.env, Selection::default(), false).await {
        Ok(c) => c,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let prepared = match session::prepare(&config).await {
        Ok(p) => p,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, wb.masked(&e.to_string())),
    };
    wb.keep_sandbox(prepared.sandbox).await;
    let rows = crate::plan::table::variables(&prepared.plan, &prepared.redactor, None, 0);
    let captured: HashSet<String> = config.captured.iter().map(|(k, _)| k.clone()).collect();
    let out: Vec<Value> = prepared
        .plan
        .collections
        .iter()
        .zip(rows)
        .map(|(c, lines)| {
            let vars: Vec<Value> = lines
                .into_iter()
                .map(|[n, v, s]| {
                    let s = if captured.contains(&n) {
                        "captured earlier in this session (Reset forgets it)".to_string()
                    } else {
                        s
                    };
                    json!({ "name": n, "value": v, "source": s })
                })
                .collect();
            json!({ "file": c.path.to_string_lossy(), "name": c.name, "variables": vars })
        })
        .collect();
    Json(json!({ "collections": out })).into_response()
}

#[derive(Deserialize)]
struct SendBody {
    env: Option<String>,
    /// A collection file: alone, the whole file runs.
    file: Option<String>,
    /// A request's `group / name` in `file`.
    name: Option<String>,
    /// Also send the earlier requests that capture what it needs.
    #[serde(default)]
    deps: bool,
    /// Render only (the middle pane's preview): nothing is sent.
    #[serde(default)]
    preview: bool,
    /// Changes for this send of the named request only; the file is not touched.
    #[serde(default)]
    change: Change,
}

/// What the page changes for one send: pairs as `[name, value]`, in order.
#[derive(Deserialize, Default)]
struct Change {
    #[serde(default)]
    variables: Vec<(String, String)>,
    #[serde(default)]
    query: Vec<(String, String)>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: Option<String>,
}

impl Change {
    fn is_empty(&self) -> bool {
        self.variables.is_empty()
            && self.query.is_empty()
            && self.headers.is_empty()
            && self.body.is_none()
    }
}

/// Sends a request (with its producers), a file or everything; returns the records.
async fn send(State(wb): Wb, Json(b): Json<SendBody>) -> Response {
    let selection = match (&b.file, &b.name) {
        (Some(f), Some(n)) => Selection {
            only: Some(HashSet::from([(PathBuf::from(f), n.clone())])),
            ..Selection::default()
        },
        _ => Selection::default(),
    };
    if let Some(f) = b.file.as_deref().filter(|f| !wb.holds(Path::new(f))) {
        return error(
            StatusCode::NOT_FOUND,
            format!("`{f}` is not a file of this session"),
        );
    }
    let adjust = match (&b.file, &b.name, b.change.is_empty()) {
        (_, _, true) => None,
        (Some(f), Some(n), false) => Some(crate::run::render::Adjust {
            target: (PathBuf::from(f), n.clone()),
            query: b.change.query.clone(),
            headers: b.change.headers.clone(),
            body: b.change.body.clone(),
        }),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "a change for one send needs the request it applies to (`file` and `name`)",
            );
        }
    };
    // One send at a time, and its captures read after the one before has kept its own.
    let _one = wb.sending.lock().await;
    if b.name.is_none() && !b.preview {
        // Run file / Run all record what `yarc run` records: from a sandbox with nothing in it.
        wb.fresh_sandbox().await;
    }
    let mut config = match wb.config(b.env.clone(), selection, b.deps).await {
        Ok(c) => c,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    config.vars.extend(b.change.variables.iter().cloned());
    if let (Some(f), None) = (&b.file, &b.name) {
        config.paths = vec![PathBuf::from(f)];
    }
    let records = match wb.execute(&config, b.preview, adjust).await {
        Ok(r) => r,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, wb.masked(&e)),
    };
    let clock = wb.base.clock;
    let shown: Vec<Value> = records.iter().map(|r| record(r, clock)).collect();
    if b.preview {
        return Json(json!({ "records": shown })).into_response();
    }
    let id = wb.next_send.fetch_add(1, Ordering::SeqCst);
    let mut label = match (&b.name, &b.file) {
        (Some(n), _) => n.clone(),
        (None, Some(f)) => format!("run {f}"),
        _ => "run all".into(),
    };
    if !b.change.is_empty() {
        label.push_str(" (changed for this send; the file is unchanged)");
    }
    let entry = json!({
        "id": id,
        "changed": !b.change.is_empty(),
        "label": label,
        "environment": config.env,
        "at": clock.now().to_rfc3339(),
        "records": shown,
    });
    if let Ok(mut h) = wb.history.lock() {
        keep_in_history(&mut h, entry.clone());
    }
    Json(entry).into_response()
}

/// The last 100 sends, and no more than HISTORY_BYTES of bodies: the oldest go first.
fn keep_in_history(h: &mut Vec<Value>, entry: Value) {
    h.push(entry);
    let over = h.len().saturating_sub(HISTORY_MAX);
    h.drain(..over);
    let size = |e: &Value| {
        e["records"].as_array().map_or(0, |r| {
            r.iter()
                .map(|r| r["body"].as_str().map_or(0, str::len))
                .sum::<usize>()
        })
    };
    let mut total: usize = h.iter().map(size).sum();
    while total > super::HISTORY_BYTES && h.len() > 1 {
        total -= size(&h[0]);
        h.remove(0);
    }
}

/// A record as the JSON report has it, with the whole body (masked, cut at 2 MiB).
fn record(r: &RequestRecord, clock: crate::clock::Clock) -> Value {
    let mut v = crate::report::json::request(r, clock);
    if let (Some(w), Value::Object(m)) = (&r.wire, &mut v) {
        let style = crate::report::style::Style {
            color: false,
            clock,
        };
        let connection = crate::report::console::connection(w.connect.as_ref(), &style);
        m.insert(
            "wire".into(),
            json!({
                "version": w.version,
                "first_byte_ms": clock.millis(w.first_byte),
                "connection": connection.trim_start_matches("connection: "),
                "sent": w.sent,
                "redirects": w.hops,
            }),
        );
    }
    if let (Some(body), Value::Object(m)) = (&r.body, &mut v) {
        let text = String::from_utf8_lossy(body);
        let mut end = text.len().min(BODY_MAX);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        m.insert("body".into(), Value::String(text[..end].to_string()));
        m.insert("body_cut".into(), Value::Bool(body.len() > BODY_MAX));
    }
    v
}

async fn reset(State(wb): Wb) -> Response {
    wb.reset().await;
    Json(json!({ "reset": true })).into_response()
}

#[derive(Deserialize)]
struct SnapshotBody {
    /// A pending snapshot file, as a record names it.
    pending: String,
    accept: bool,
}

/// Accepts or rejects a pending snapshot, the same files `yarc snapshots` acts on. Only a
/// pending file below the session's paths can be named.
async fn snapshot(State(wb): Wb, Json(b): Json<SnapshotBody>) -> Response {
    let wanted = PathBuf::from(&b.pending);
    let known = super::watched(&wb.base.paths)
        .iter()
        .flat_map(|d| crate::snapshot::store::pending_below(d))
        .any(|p| p == wanted);
    if !known {
        return error(
            StatusCode::NOT_FOUND,
            format!("no pending snapshot `{}`", b.pending),
        );
    }
    let done = if b.accept {
        crate::snapshot::store::accept(&wanted).map(|p| p.to_string_lossy().into_owned())
    } else {
        crate::snapshot::store::reject(&wanted).map(|()| b.pending.clone())
    };
    match done {
        Ok(file) => Json(json!({ "file": file, "accepted": b.accept })).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{}: {e}", b.pending),
        ),
    }
}

async fn history(State(wb): Wb) -> Response {
    let h = wb.history.lock().map(|h| h.clone()).unwrap_or_default();
    Json(json!({ "sends": h })).into_response()
}

#[derive(Deserialize)]
struct DiffQuery {
    a: u64,
    b: u64,
}

/// The last response of two sends, diffed as snapshots are.
async fn diff(State(wb): Wb, Query(q): Query<DiffQuery>) -> Response {
    let h = wb.history.lock().map(|h| h.clone()).unwrap_or_default();
    let body = |id: u64| {
        h.iter().find(|e| e["id"] == id).map(|e| {
            let last = e["records"].as_array().and_then(|r| r.last()).cloned();
            let last = last.unwrap_or(Value::Null);
            let text = last["body"].as_str().or(last["response"]["body"].as_str());
            (
                e["label"].as_str().unwrap_or("").to_string(),
                pretty(text.unwrap_or("")),
            )
        })
    };
    match (body(q.a), body(q.b)) {
        (Some((la, a)), Some((lb, b))) => {
            let d =
                crate::snapshot::diff(&a, &b, &format!("#{} {la}", q.a), &format!("#{} {lb}", q.b));
            Json(json!({ "diff": d })).into_response()
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "no such send in this session's history",
        ),
    }
}

/// JSON pretty-printed (keys as they came), other text as it is: so a diff shows lines.
fn pretty(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default() + "\n",
        Err(_) => text.to_string(),
    }
}

impl Workbench {
    /// The session's configuration for one send.
    async fn config(
        &self,
        env: Option<String>,
        selection: Selection,
        deps: bool,
    ) -> Result<Config, String> {
        let mut c = self.base.clone();
        c.env = self.environment(env)?;
        c.selection = selection;
        c.with_deps = deps;
        c.sandbox_url = self.sandbox.lock().await.as_ref().map(|s| s.url.clone());
        c.captured = self.captured_values();
        Ok(c)
    }

    /// The environment a call names: one the page lists (by name, never a path: the page's
    /// callers must not make any file an environment), or the one given on the command line.
    fn environment(&self, env: Option<String>) -> Result<Option<String>, String> {
        let Some(env) = env.filter(|e| !e.is_empty()) else {
            return Ok(self.base.env.clone());
        };
        if Some(&env) == self.base.env.as_ref() {
            return Ok(Some(env));
        }
        let first = self
            .collection_files()
            .into_iter()
            .next()
            .or_else(|| self.base.paths.first().cloned());
        match crate::load::environment_names(first.as_deref()).contains(&env) {
            true => Ok(Some(env)),
            false => Err(format!(
                "no environment `{}` in this session",
                self.masked(&env)
            )),
        }
    }

    /// The collection files of the session, as the tree lists them.
    fn collection_files(&self) -> Vec<PathBuf> {
        self.base
            .paths
            .iter()
            .flat_map(|p| crate::load::collection_files(p).unwrap_or_default())
            .collect()
    }

    /// Whether `file` is a collection file the tree lists: nothing else is read (not a `.env`
    /// beside them, not a file a link leads to elsewhere).
    fn holds(&self, file: &Path) -> bool {
        let Ok(file) = file.canonicalize() else {
            return false;
        };
        self.collection_files()
            .iter()
            .filter_map(|p| p.canonicalize().ok())
            .any(|p| p == file)
    }

    /// Every value captured so far in the session (of every collection).
    fn captured_values(&self) -> Vec<(String, Value)> {
        self.carried
            .lock()
            .map(|c| {
                c.values()
                    .flat_map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())))
                    .collect()
            })
            .unwrap_or_default()
    }

    async fn keep_sandbox(&self, started: Option<crate::session::Running>) {
        if let Some(s) = started {
            self.sandbox.lock().await.get_or_insert(s);
        }
    }

    /// Plans and runs as `yarc run` does, with the session's captures and tokens.
    async fn execute(
        &self,
        config: &Config,
        preview: bool,
        adjust: Option<crate::run::render::Adjust>,
    ) -> Result<Vec<RequestRecord>, String> {
        let prepared = session::prepare(config).await.map_err(|e| e.to_string())?;
        self.keep_sandbox(prepared.sandbox).await;
        let options = RunOptions {
            dry_run: preview,
            keep_bodies: true,
            // A little over what the page is shown, so that it can say the body was cut.
            body_limit: Some(BODY_MAX + 4),
            keep_wire: true,
            net: prepared.net,
            token_cache: config.token_cache.clone(),
            max_token_body: config.max_token_body,
            adjust,
            ..RunOptions::default()
        };
        let units = crate::run::units(prepared.plan.collections.len(), 1, None);
        let mut runner = Runner::new(Arc::new(prepared.plan), options, prepared.redactor)
            .map_err(|e| e.to_string())?;
        runner.tokens = Arc::clone(&self.tokens);
        runner.carried =
            std::sync::Mutex::new(self.carried.lock().map(|c| c.clone()).unwrap_or_default());
        let runner = Arc::new(runner);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let ran = runner.run(units, &tx).await;
        drop(tx);
        let _ = drain.await;
        if let (Ok(mut mine), Ok(theirs)) = (self.carried.lock(), runner.carried.lock()) {
            mine.extend(theirs.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Ok(ran.records)
    }
}
