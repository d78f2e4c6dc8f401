//! End-to-end tests: the real binary against the built-in sandbox (started in this process on
//! 127.0.0.1 with an ephemeral port) and golden files for what users read.

mod architecture;
mod audit;
mod auth;
mod bodies;
mod ci;
mod contract;
mod daily;
mod distribution;
mod docs;
mod errors;
mod faults;
mod golden;
mod hardening;
mod hostile;
mod html;
mod http2;
mod import;
mod lsp;
mod predicates;
mod run;
mod schema;
mod sets;
mod snapshots;
mod strangers;
mod tls;
mod truth;
mod ui;
mod wire;

use std::path::{Path, PathBuf};
use std::process::Output;
use yarc::api::sandbox::{Sandbox, Settings};

/// A temporary project folder with a sandbox serving it.
pub struct World {
    pub dir: tempfile::TempDir,
    pub sandbox: Sandbox,
    _rt: tokio::runtime::Runtime,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    pub fn new() -> World {
        World::with_settings(Settings::default())
    }

    pub fn with_settings(settings: Settings) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let sandbox = rt
            .block_on(yarc::api::sandbox::start(settings, 0))
            .expect("sandbox");
        World {
            dir: tempfile::tempdir().expect("tempdir"),
            sandbox,
            _rt: rt,
        }
    }

    pub fn url(&self) -> &str {
        &self.sandbox.url
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write");
        p
    }

    /// Runs yarc in the folder, with `url` bound to the sandbox.
    pub fn yarc(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if matches!(args.first(), Some(&"run") | Some(&"check")) {
            all.push("--var".into());
            all.push(format!("url={}", self.url()));
        }
        run_in(self.dir.path(), &all, &[])
    }

    pub fn yarc_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.push("--var".into());
        all.push(format!("url={}", self.url()));
        run_in(self.dir.path(), &all, env)
    }

    /// Like [`World::yarc`], with real time, ids and durations.
    pub fn yarc_real_clock(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.push("--var".into());
        all.push(format!("url={}", self.url()));
        run_with(self.dir.path(), &all, &[], false)
    }
}

/// Runs yarc with a fixed clock (`--fixed-clock`: fixed time and ids, durations as [time]), so
/// whole outputs can be compared.
pub fn run_in(dir: &Path, args: &[String], env: &[(&str, &str)]) -> Run {
    run_with(dir, args, env, true)
}

fn run_with(dir: &Path, args: &[String], env: &[(&str, &str)], fixed: bool) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"));
    if fixed {
        cmd.arg("--fixed-clock");
    }
    cmd.current_dir(dir).args(args).env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out: Output = cmd.output().expect("run yarc");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn expect_contains(&self, needle: &str) -> &Run {
        let all = self.all();
        assert!(all.contains(needle), "missing {needle:?} in\n{all}");
        self
    }

    /// The closing summary line: on stdout, or on stderr when the run printed a response to
    /// stdout (a run of one request).
    pub fn summary(&self) -> &str {
        let is_summary = |l: &&str| l.contains(" passed, ") || l.contains(" rendered, ");
        self.stdout
            .lines()
            .rev()
            .find(is_summary)
            .or_else(|| self.stderr.lines().rev().find(is_summary))
            .unwrap_or("")
    }
}

/// Compares with a golden file under tests/integration/golden; YARC_BLESS=1 rewrites it after a
/// deliberate change. yarc's version is written `VERSION` and OS error numbers `(os error N)`,
/// so a release or another OS does not change golden files; a difference is shown as a unified
/// diff.
#[track_caller]
pub fn assert_golden(name: &str, actual: &str) {
    let path = project_root().join("tests/integration/golden").join(name);
    let actual = actual.replace(env!("CARGO_PKG_VERSION"), "VERSION");
    let os_error = regex::Regex::new(r"\(os error \d+\)").expect("regex");
    let actual = os_error.replace_all(&actual, "(os error N)").into_owned();
    if std::env::var_os("YARC_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, &actual)
            .unified_diff()
            .header(&format!("{name} (golden)"), &format!("{name} (this run)"))
            .to_string();
        panic!("golden file {name} differs (YARC_BLESS=1 rewrites it):\n{diff}");
    }
}

/// The project's own folder (for the bundled examples).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Serves HTTP/1.1 requests on one kept-alive connection (plain or TLS) until the client
/// closes it: each request head goes to `answer`, whose bytes are written back.
pub async fn keep_alive<S>(mut s: S, answer: impl Fn(&str) -> String)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        if s.write_all(answer(&head).as_bytes()).await.is_err() {
            return;
        }
    }
}

/// How long a test waits for something that must happen (a line, an answer, a process to
/// start or end) before it calls it a hang. Generous on purpose: a busy machine is slow, not
/// broken, and no test asserts that anything is fast — speed goals live in bench/.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// A runtime for a test server and a listener on 127.0.0.1 with an ephemeral port.
pub fn local_listener(workers: usize) -> (tokio::runtime::Runtime, tokio::net::TcpListener) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("rt");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    (rt, listener)
}

/// Whether a test needing an outside tool (Chromium, chromedriver, Neovim, util-linux `script`)
/// must find it: in CI on Linux, where .ci/run installs them, a missing one fails the test.
/// Elsewhere — a machine with only Rust, the macOS and Windows jobs that run the rest — the
/// test says it skipped.
fn tools_required() -> bool {
    std::env::var_os("CI").is_some() && cfg!(target_os = "linux")
}
