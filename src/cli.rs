//! The command line: clap arguments (their doc comments are the `--help` text), turned into a
//! run, and the exit-code table: 0 all passed, 1 an assertion failed, 2 invalid input or usage
//! (nothing was sent), 3 a request could not complete.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, Loaded};
use crate::plan::{self, Overrides, PlanOptions};
use crate::report::Reporter;
use crate::report::console::Console;
use crate::run::record::{Event, Summary};
use crate::run::{RunOptions, Runner};
use crate::sandbox;
use crate::secret::{Redactor, Secrets};
use clap::{Args, Parser, Subcommand};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_INVALID: i32 = 2;
pub const EXIT_INCOMPLETE: i32 = 3;

/// yarc — run YAML request collections: OAuth2, assertions, captures, CI-friendly output.
#[derive(Parser, Debug)]
#[command(name = "yarc", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run collections (files, or folders of them) and check every response.
    Run(RunArgs),
    /// Validate collections: YAML, keys, templates, JSONPaths, schema files. Sends nothing.
    Check(CheckArgs),
    /// Serve the built-in sandbox API on 127.0.0.1 until interrupted.
    Sandbox(SandboxArgs),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Collection files or folders (every collection below a folder runs, in name order).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Environment: a name (looked up as environments/NAME.yaml beside the collection and in
    /// its parent folders) or a path to an environment file.
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    /// Set a variable (overrides the collection, environment and --var-file).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Set a secret value (as if from the environment); it is masked in every output.
    #[arg(long = "secret-var", value_name = "NAME=VALUE")]
    pub secret_vars: Vec<String>,
    /// A YAML or JSON file of variables (above the environment, below --var).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_file: Option<PathBuf>,
    /// Default timeout per request (a request's own `timeout` wins), e.g. 10s.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
    /// Print each request as a curl command instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Show request and response headers and bodies for every request.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Collection files or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// With an environment, undefined variables and missing secrets are checked too.
    #[arg(long, short = 'e')]
    pub env: Option<String>,
    /// Set a variable, as for `run`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
}

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Lifetime of issued tokens, e.g. 5s.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "1h")]
    pub token_lifetime: Duration,
}

/// Parses the arguments, runs, and returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_INVALID
            } else {
                EXIT_OK
            };
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    match cli.command {
        Command::Run(a) => rt.block_on(run(a)),
        Command::Check(a) => check(a),
        Command::Sandbox(a) => rt.block_on(serve_sandbox(a)),
    }
}

fn invalid(errors: &Diagnostics) -> i32 {
    eprint!("{}", errors.render());
    let n = errors.0.len();
    eprintln!(
        "\n{n} error{} found; nothing was sent",
        if n == 1 { "" } else { "s" }
    );
    EXIT_INVALID
}

/// `NAME=VALUE` pairs.
fn pairs(list: &[String], flag: &str) -> Result<Vec<(String, String)>, Diagnostic> {
    list.iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(Diagnostic::new(format!(
                "`{flag} {s}` must have the form NAME=VALUE"
            ))),
        })
        .collect()
}

fn var_file(path: &Path) -> Result<Vec<(String, Value)>, Diagnostics> {
    let file = load::read(path).map_err(Diagnostics)?;
    let node = crate::parse::node::parse_yaml(&file)?;
    match node.to_json() {
        Value::Object(m) => Ok(m.into_iter().collect()),
        _ => Err(Diagnostic::at(
            "a --var-file must hold a map of names to values",
            &node.span,
        )
        .into()),
    }
}

/// Folders whose `.env` files are read: each collection's, then the working directory.
fn secret_dirs(loaded: &Loaded) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = loaded
        .collections
        .iter()
        .filter_map(|c| c.path.parent().map(Path::to_path_buf))
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        })
        .collect();
    dirs.push(PathBuf::from("."));
    dirs
}

async fn run(a: RunArgs) -> i32 {
    let loaded = match load::load(&a.paths, a.env.as_deref()) {
        Ok(l) => l,
        Err(e) => return invalid(&e),
    };
    let redactor = Redactor::new();
    let (cli_vars, secret_vars) = match (
        pairs(&a.vars, "--var"),
        pairs(&a.secret_vars, "--secret-var"),
    ) {
        (Ok(v), Ok(s)) => (v, s),
        (Err(d), _) | (_, Err(d)) => return invalid(&d.into()),
    };
    let mut secrets = Secrets::load(&secret_dirs(&loaded), Arc::clone(&redactor));
    for (k, v) in &secret_vars {
        secrets = secrets.with_override(k, v);
    }
    let mut overrides = Overrides {
        cli: cli_vars
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
        ..Overrides::default()
    };
    if let Some(f) = &a.var_file {
        match var_file(f) {
            Ok(v) => overrides.var_file = v,
            Err(e) => return invalid(&e),
        }
    }
    let _sandbox = match start_sandbox(&loaded, &mut overrides).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the sandbox: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    let env = loaded.environment.as_ref();
    let plan = match plan::plan(
        loaded.collections,
        env,
        &overrides,
        Arc::new(secrets),
        PlanOptions::default(),
    ) {
        Ok(p) => p,
        Err(e) => return invalid(&e),
    };
    let options = RunOptions {
        dry_run: a.dry_run,
        timeout: a.timeout,
        ..RunOptions::default()
    };
    let runner = match Runner::new(Arc::new(plan), options, redactor) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let verbose = a.verbose;
    let reporter = tokio::spawn(async move {
        let mut console = Console::new(std::io::stdout(), verbose);
        while let Some(e) = rx.recv().await {
            console.event(&e);
        }
        console
    });
    let records = runner.run(&tx).await;
    drop(tx);
    let summary = Summary::from_records(&records);
    match reporter.await {
        Ok(mut console) => console.finish(&summary, started.elapsed()),
        Err(_) => println!("{}", summary.line()),
    }
    summary.exit_code()
}

/// Starts the sandbox when the environment asks for it and binds `sandbox_url`.
async fn start_sandbox(
    loaded: &Loaded,
    overrides: &mut Overrides,
) -> std::io::Result<Option<sandbox::Sandbox>> {
    let Some(settings) = loaded.environment.as_ref().and_then(|e| e.sandbox.clone()) else {
        return Ok(None);
    };
    let mut s = sandbox::Settings::default();
    if let Some(secs) = settings.token_lifetime {
        s.token_lifetime = Duration::from_secs(secs);
    }
    let sb = sandbox::start(s, 0).await?;
    overrides
        .builtin
        .push(("sandbox_url".into(), Value::String(sb.url.clone())));
    Ok(Some(sb))
}

fn check(a: CheckArgs) -> i32 {
    let loaded = match load::load(&a.paths, a.env.as_deref()) {
        Ok(l) => l,
        Err(e) => return invalid(&e),
    };
    let cli_vars = match pairs(&a.vars, "--var") {
        Ok(v) => v,
        Err(d) => return invalid(&d.into()),
    };
    let with_env = loaded.environment.is_some();
    let mut overrides = Overrides {
        cli: cli_vars
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
        ..Overrides::default()
    };
    if loaded
        .environment
        .as_ref()
        .is_some_and(|e| e.sandbox.is_some())
    {
        overrides.builtin.push((
            "sandbox_url".into(),
            Value::String("http://127.0.0.1:0".into()),
        ));
    }
    let secrets = Secrets::load(&secret_dirs(&loaded), Redactor::new());
    let files = loaded.collections.len();
    let requests: usize = loaded
        .collections
        .iter()
        .map(|c| count_requests(&c.items))
        .sum();
    let options = PlanOptions {
        check_variables: with_env,
        check_secrets: with_env,
    };
    match plan::plan(
        loaded.collections,
        loaded.environment.as_ref(),
        &overrides,
        Arc::new(secrets),
        options,
    ) {
        Ok(_) => {
            let scope = if with_env {
                ""
            } else {
                " (syntax only: pass --env to check variables and secrets)"
            };
            println!(
                "{files} collection{} with {requests} requests: no problems found{scope}",
                if files == 1 { "" } else { "s" }
            );
            EXIT_OK
        }
        Err(e) => invalid(&e),
    }
}

fn count_requests(items: &[crate::model::Item]) -> usize {
    items
        .iter()
        .map(|i| match i {
            crate::model::Item::Request(_) => 1,
            crate::model::Item::Group(g) => count_requests(&g.items),
        })
        .sum()
}

async fn serve_sandbox(a: SandboxArgs) -> i32 {
    let settings = sandbox::Settings {
        token_lifetime: a.token_lifetime,
        ..sandbox::Settings::default()
    };
    let sb = match sandbox::start(settings, a.port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the sandbox: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    println!("sandbox listening on {}", sb.url);
    println!(
        "client_id {} / client_secret {} / tenant_id {}",
        sandbox::CLIENT_ID,
        sandbox::CLIENT_SECRET,
        sandbox::TENANT
    );
    let _ = tokio::signal::ctrl_c().await;
    EXIT_OK
}

#[allow(dead_code)]
const _: i32 = EXIT_FAILED;
