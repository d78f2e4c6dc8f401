//! `yarc ui`: a page on 127.0.0.1 over the same engine as `yarc run`. The files are the truth:
//! the page never edits them; it lists what they hold, sends what they say through
//! [`crate::session::prepare`] and [`crate::run::Runner`] — the same plan, requests, auth,
//! masking and records as a run — and shows the records. What lives only for the session:
//! captured values, the token cache, the sandbox, and the history of sends.
//!
//! Safe by default: bound to 127.0.0.1 only; every API call carries the session's random token;
//! the Host header must name the bound address (no DNS rebinding); no CORS; a strict
//! Content-Security-Policy; every asset is embedded in the binary.

mod api;
mod guard;
pub(crate) mod tree;

use crate::auth::TokenCache;
use crate::session::Config;
use crate::template::Vars;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a one-time key opens the page.
const NONCE_LIFETIME: Duration = Duration::from_secs(60);

/// The most body text the history keeps in all (the oldest sends go first; the last stays).
const HISTORY_BYTES: usize = 64 * 1024 * 1024;

/// The most sends the history keeps (the oldest go first).
const HISTORY_MAX: usize = 100;

/// One session of the page: the configuration every send starts from, and what the session
/// keeps between sends.
pub(crate) struct Workbench {
    /// Paths, variables, network options as given on the command line; a send sets the
    /// environment and the selection.
    pub base: Config,
    /// The random token every API call must carry.
    pub token: String,
    /// The Host header values the page may be reached by.
    hosts: Vec<String>,
    tokens: Arc<TokenCache>,
    carried: std::sync::Mutex<HashMap<PathBuf, Vars>>,
    history: std::sync::Mutex<Vec<Value>>,
    next_send: AtomicU64,
    /// Bumped whenever a file below the paths changes: the page reloads its tree.
    generation: AtomicU64,
    /// The sandbox of the session, started by the first send that needs it.
    sandbox: tokio::sync::Mutex<Option<crate::session::Running>>,
    /// One send at a time: sends share captures and the token cache.
    sending: tokio::sync::Mutex<()>,
    /// Knows the value of every `.env` entry beside the session's files and of every
    /// `--secret-var`: whatever text reaches the page (a parse error quoting a line) is masked.
    mask: Arc<crate::secret::Redactor>,
    /// One-time keys that open the page (what `--open` hands the browser, instead of the
    /// token: another user of the machine can read a process's arguments), with when made.
    nonces: std::sync::Mutex<Vec<(String, std::time::Instant)>>,
}

impl Workbench {
    pub(crate) fn new(base: Config, port: u16) -> Workbench {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        Workbench {
            token,
            hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")],
            tokens: TokenCache::with(
                Duration::from_secs(30),
                base.token_cache
                    .clone()
                    .map(crate::auth::token_store::TokenStore::new),
                base.max_token_body,
            ),
            carried: Default::default(),
            history: Default::default(),
            next_send: AtomicU64::new(1),
            generation: AtomicU64::new(1),
            sandbox: Default::default(),
            sending: Default::default(),
            nonces: Default::default(),
            mask: session_mask(&base),
            base,
        }
    }

    /// Text for the page, with every secret value of the session masked.
    pub(crate) fn masked(&self, text: &str) -> String {
        self.mask.redact(text)
    }

    /// A new one-time key that opens the page once, within a minute.
    pub(crate) fn nonce(&self) -> String {
        let n = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut all) = self.nonces.lock() {
            all.push((n.clone(), std::time::Instant::now()));
        }
        n
    }

    /// Whether `n` is a key made by [`Workbench::nonce`] and not used or expired; it is used now.
    pub(crate) fn redeem(&self, n: &str) -> bool {
        let Ok(mut all) = self.nonces.lock() else {
            return false;
        };
        all.retain(|(_, at)| at.elapsed() < NONCE_LIFETIME);
        match all.iter().position(|(k, _)| guard::same(k, n)) {
            Some(i) => {
                all.remove(i);
                true
            }
            None => false,
        }
    }

    /// Forgets captured values and tokens, and stops the session's sandbox, whose next send
    /// starts a fresh one (the page's Reset).
    pub(crate) async fn reset(&self) {
        if let Ok(mut c) = self.carried.lock() {
            c.clear();
        }
        self.tokens.clear();
        self.fresh_sandbox().await;
    }

    /// Stops the session's sandbox: the next send starts one with nothing in it, as each
    /// `yarc run` does, so that what it records matches what `yarc run` records.
    pub(crate) async fn fresh_sandbox(&self) {
        self.sandbox.lock().await.take();
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// A redactor that knows the secrets of the session's folders (`.env` beside each path and in
/// the working directory) and the `--secret-var` values.
fn session_mask(base: &Config) -> Arc<crate::secret::Redactor> {
    let mask = crate::secret::Redactor::new();
    let mut dirs: Vec<PathBuf> = base
        .paths
        .iter()
        .map(|p| crate::load::input_folder(p))
        .collect();
    dirs.push(PathBuf::from("."));
    for dir in dirs {
        if let Ok(iter) = dotenvy::from_path_iter(dir.join(".env")) {
            for (_, v) in iter.flatten() {
                mask.add(&v);
            }
        }
    }
    for (_, v) in &base.secret_vars {
        mask.add(v);
    }
    mask
}

/// Serves the page on `listener` until the process ends. The listener must be bound to
/// 127.0.0.1 (the command does that).
pub(crate) async fn serve(
    wb: Arc<Workbench>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let _watcher = watch(&wb);
    let app = api::router(Arc::clone(&wb)).layer(axum::middleware::from_fn_with_state(
        Arc::clone(&wb),
        guard::check,
    ));
    axum::serve(listener, app).await
}

/// Watches the paths (and their environments) for saves; the page sees a new generation.
fn watch(wb: &Arc<Workbench>) -> Option<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let me = Arc::clone(wb);
    let mut w = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        let input = |p: &PathBuf| crate::load::is_input_change(p, &[]);
        if e.is_ok_and(|e| !e.kind.is_access() && e.paths.iter().any(input)) {
            me.changed();
        }
    })
    .ok()?;
    for p in watched(&wb.base.paths) {
        let _ = w.watch(&p, RecursiveMode::Recursive);
    }
    Some(w)
}

/// The folders to watch: each path's own folder (a collection's environments and `.env` sit
/// beside it or above; its folder's parent holds `environments/` in the usual layout).
fn watched(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = paths.iter().map(|p| crate::load::input_folder(p)).collect();
    out.sort();
    out.dedup();
    out
}
