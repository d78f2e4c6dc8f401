//! The command line: clap arguments (their doc comments are the `--help` text), turned into a
//! run, and the exit-code table: 0 all passed, 1 an assertion failed, 2 invalid input or usage
//! (nothing was sent), 3 a request could not complete.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, Loaded};
use crate::plan::{self, Overrides, PlanOptions, Selection};
use crate::report::UnitInfo;
use crate::report::style::Style;
use crate::sandbox;
use crate::secret::{Redactor, Secrets};
use clap::{Args, Parser, Subcommand};

mod run;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::outcome::Exit;

pub const EXIT_OK: i32 = Exit::Ok.code();
pub const EXIT_FAILED: i32 = Exit::Failed.code();
pub const EXIT_INVALID: i32 = Exit::Invalid.code();
pub const EXIT_INCOMPLETE: i32 = Exit::Incomplete.code();

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
    Run(Box<RunArgs>),
    /// Refuse everything `run` would refuse before sending: YAML, keys, templates, variables,
    /// secrets, JSONPaths, schemas, URLs, files. Without --env, against each environment found.
    Check(Box<CheckArgs>),
    /// List every variable a run would start with, its value (secrets masked) and its source.
    Vars(Box<VarsArgs>),
    /// Fetch an OAuth2 token with a collection's auth and describe it (masked unless --show).
    Token(Box<TokenArgs>),
    /// Run every request against two environments and show how the responses differ.
    Diff(Box<crate::compare::DiffArgs>),
    /// Accept or reject pending snapshots without calling the API again.
    Snapshots(SnapshotsArgs),
    /// Serve an environment's recorded snapshots (and a token endpoint) on 127.0.0.1.
    Mock(MockArgs),
    /// Convert a Postman collection or an OpenAPI document into a yarc collection.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print the JSON Schema of the collection and environment formats (for editors).
    Schema(SchemaArgs),
    /// Serve the built-in sandbox API on 127.0.0.1 until interrupted.
    Sandbox(SandboxArgs),
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// A Postman collection (v2.1 or v2.0) and its environments.
    Postman {
        /// The exported collection (.json).
        collection: PathBuf,
        /// An exported Postman environment (.json); may be given several times.
        #[arg(long = "environment", value_name = "ENV.json")]
        environments: Vec<PathBuf>,
        /// The folder to write the collection and environments/ into.
        #[arg(long, short = 'o')]
        output: PathBuf,
    },
    /// An OpenAPI 3.0 or 3.1 document (YAML or JSON).
    Openapi {
        /// The OpenAPI document.
        spec: PathBuf,
        /// The collection file to write.
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// Also write each response's JSON Schema next to the collection and assert it.
        #[arg(long)]
        schemas: bool,
    },
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Which format: collection or environment.
    #[arg(value_enum, default_value = "collection")]
    pub kind: crate::format_schema::Kind,
}

#[derive(Args, Debug)]
pub struct SnapshotsArgs {
    /// review (interactive), accept or reject.
    #[arg(value_enum)]
    pub action: crate::review::Action,
    /// Where to look for pending snapshots (default: the working directory).
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Args, Debug)]
pub struct MockArgs {
    /// Collection files or folders whose snapshots to serve.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The environment whose snapshots to serve.
    #[arg(long, short = 'e', required = true)]
    pub env: String,
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Default timeout per request (a request's own `timeout` wins), e.g. 10s.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
    /// Print each request as a curl command instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Show request and response headers and bodies for every request.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Collection runs at once (files and iterations; requests inside a file stay in order).
    /// Default: the number of CPUs.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Run each collection once per row of a CSV (with a header row) or JSON array file; the
    /// row's fields are variables (above the environment, below --var-file and --var).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Run each collection N times.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub iterations: usize,
    /// Run only the K-th of N deterministic parts of the collection runs, e.g. 2/3.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Run only requests with this tag (on the request, its group or its collection); repeated,
    /// any of them. A tag that no request has is an error.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out requests with this tag (on the request, its group or its collection).
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Run only requests whose name, group or `group / name` matches this glob; repeated, any
    /// of them. A glob that matches no request is an error.
    #[arg(long = "name", value_name = "GLOB")]
    pub names: Vec<String>,
    /// Stop starting requests after the first failure; reports are still written.
    #[arg(long)]
    pub fail_fast: bool,
    /// Write a report: junit:FILE, json:FILE or html:FILE (may be given several times).
    #[arg(long = "report", value_name = "KIND:FILE", value_parser = parse_report)]
    pub reports: Vec<ReportSpec>,
    /// Colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Rewrite new and changed snapshots in place.
    #[arg(long)]
    pub update_snapshots: bool,
    /// Largest response body read (larger ones fail their request), e.g. 64MiB or 500KB.
    #[arg(long, value_parser = crate::http::parse_size, default_value = "64MiB")]
    pub max_body: usize,
    /// CI mode (also when the CI environment variable is set): a missing snapshot fails and no
    /// snapshot file is ever written.
    #[arg(long)]
    pub ci: bool,
    /// Delete stored snapshots of requests that no longer exist.
    #[arg(long)]
    pub prune_snapshots: bool,
}

/// What every command that renders requests reads: collections, environment, variables.
#[derive(Args, Debug, Clone)]
pub struct Inputs {
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
    /// Keep OAuth2 tokens between runs in the user's cache folder (owner-only files, used
    /// only while valid): for local loops against rate-limited token endpoints.
    #[arg(long)]
    pub token_cache: bool,
    /// Also trust the CA certificates in this PEM file (may be given several times).
    #[arg(long, value_name = "FILE")]
    pub cacert: Vec<PathBuf>,
    /// Do not verify TLS certificates (warned about on every run).
    #[arg(long)]
    pub insecure: bool,
    /// Send every request through this proxy (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Largest token or discovery answer read, e.g. 1MiB (larger ones fail the token request).
    #[arg(long, value_parser = crate::http::parse_size, default_value = "1MiB")]
    pub max_token_body: usize,
}

#[derive(Args, Debug)]
pub struct VarsArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// A data file, to show the first row's fields too.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Use the auth of this request (name or `group / name`) instead of the first OAuth2 block.
    #[arg(long, value_name = "NAME")]
    pub request: Option<String>,
    /// Print only the raw access token, for piping into other tools.
    #[arg(long)]
    pub show: bool,
    /// Timeout of the token request.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Junit,
    Json,
    Html,
}

#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub kind: ReportKind,
    pub path: PathBuf,
}

fn parse_report(s: &str) -> Result<ReportSpec, String> {
    let (kind, path) = s
        .split_once(':')
        .ok_or("expected KIND:FILE, e.g. junit:report.xml")?;
    let kind = match kind {
        "junit" => ReportKind::Junit,
        "json" => ReportKind::Json,
        "html" => ReportKind::Html,
        other => {
            return Err(format!(
                "unknown report kind `{other}` (junit, json or html)"
            ));
        }
    };
    if path.is_empty() {
        return Err("the report needs a file name".into());
    }
    Ok(ReportSpec {
        kind,
        path: PathBuf::from(path),
    })
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/3")?;
    let k: usize = k.trim().parse().map_err(|_| "K must be a whole number")?;
    let n: usize = n.trim().parse().map_err(|_| "N must be a whole number")?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("{k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// A data file whose columns are variables, as for `run`.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
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
    // One collection run at a time is I/O-bound and chained: one thread does it without the
    // cost of waking tasks on other threads.
    let single = matches!(&cli.command, Command::Run(a) if a.jobs == Some(1));
    let mut builder = if single {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let rt = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    match cli.command {
        Command::Run(a) => rt.block_on(run::run(*a)),
        Command::Check(a) => rt.block_on(check(*a)),
        Command::Vars(a) => rt.block_on(crate::inspect::vars(*a)),
        Command::Token(a) => rt.block_on(crate::inspect::token(*a)),
        Command::Diff(a) => rt.block_on(crate::compare::diff(*a)),
        Command::Snapshots(a) => crate::review::snapshots(a.action, &a.path),
        Command::Mock(a) => rt.block_on(crate::mock::serve(a)),
        Command::Import(c) => crate::import::run(c),
        Command::Schema(a) => {
            println!("{}", crate::format_schema::json(a.kind));
            EXIT_OK
        }
        Command::Sandbox(a) => rt.block_on(serve_sandbox(a)),
    }
}

pub fn invalid(errors: &Diagnostics) -> i32 {
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

/// Loaded, planned and ready: what `run`, `vars` and `token` share.
pub struct Prepared {
    pub plan: plan::Plan,
    pub redactor: Arc<Redactor>,
    /// TLS and proxy settings from the command line and the environment file.
    pub net: crate::net::NetOptions,
    /// Kept alive for the command's duration.
    pub sandbox: Option<sandbox::Sandbox>,
}

/// What a command does with the plan: send (start the sandbox, warn about --insecure) or
/// only check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Send,
    Check,
}

/// Loads the inputs, reads secrets and variables, starts the sandbox if the environment asks,
/// and plans. `Err` is the exit code, the problem already printed.
pub async fn prepare(
    inputs: &Inputs,
    rows: Option<&[crate::template::Vars]>,
    selection: Selection,
) -> Result<Prepared, i32> {
    prepare_for(inputs, rows, selection, Purpose::Send).await
}

pub async fn prepare_for(
    inputs: &Inputs,
    rows: Option<&[crate::template::Vars]>,
    selection: Selection,
    purpose: Purpose,
) -> Result<Prepared, i32> {
    let loaded = load::load(&inputs.paths, inputs.env.as_deref()).map_err(|e| invalid(&e))?;
    let redactor = Redactor::new();
    let cli_vars = pairs(&inputs.vars, "--var").map_err(|d| invalid(&d.into()))?;
    let secret_vars = pairs(&inputs.secret_vars, "--secret-var").map_err(|d| invalid(&d.into()))?;
    let mut secrets =
        Secrets::load(&secret_dirs(&loaded), Arc::clone(&redactor)).map_err(|e| invalid(&e))?;
    for (k, v) in &secret_vars {
        secrets = secrets.with_override(k, v);
    }
    // A --secret-var is both a variable (at --var's precedence) and a secret() value.
    let mut overrides = Overrides {
        cli: cli_vars
            .into_iter()
            .chain(secret_vars)
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
        ..Overrides::default()
    };
    if let Some(f) = &inputs.var_file {
        overrides.var_file = var_file(f).map_err(|e| invalid(&e))?;
    }
    let env = loaded.environment.as_ref();
    let net = net_options(inputs, env.map(|e| e.tls.clone()).unwrap_or_default());
    check_net_files(inputs).map_err(|e| invalid(&e))?;
    let sandbox = match purpose {
        Purpose::Send => start_sandbox(&loaded, &mut overrides).await.map_err(|e| {
            eprintln!("error: cannot start the sandbox: {e}");
            EXIT_INCOMPLETE
        })?,
        Purpose::Check => {
            if env.is_some_and(|e| e.sandbox.is_some()) {
                overrides.builtin.push((
                    "sandbox_url".into(),
                    Value::String("http://127.0.0.1:0".into()),
                ));
            }
            None
        }
    };
    let options = PlanOptions {
        selection,
        data_columns: rows.map(crate::data::columns).unwrap_or_default(),
        ..PlanOptions::default()
    };
    let selection = options.selection.clone();
    let plan = plan::plan(
        loaded.collections,
        env,
        &overrides,
        Arc::new(secrets),
        options,
    )
    .map_err(|e| invalid(&e))?;
    if !selection.is_all() {
        for warning in selection.check(&plan.seen).map_err(|e| invalid(&e))? {
            eprintln!("{warning}");
        }
    }
    register_client_secrets(&plan, &redactor);
    if net.insecure && purpose == Purpose::Send {
        eprintln!(
            "warning: --insecure: TLS certificates are not verified; anyone on the path can read and change this run's traffic"
        );
    }
    Ok(Prepared {
        plan,
        redactor,
        net,
        sandbox,
    })
}

/// A `--cacert` that is not there is an input error before anything is sent (the environment
/// file's `tls:` paths are checked where they are written).
fn check_net_files(inputs: &Inputs) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    for p in inputs.cacert.iter().filter(|p| !p.is_file()) {
        errors.push(Diagnostic::new(format!(
            "`--cacert {}`: the file does not exist",
            p.display()
        )));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The command line's TLS and proxy options, with the environment file's `tls:` block.
fn net_options(inputs: &Inputs, tls: crate::model::TlsSettings) -> crate::net::NetOptions {
    let mut ca_certs = inputs.cacert.clone();
    ca_certs.extend(tls.ca_cert);
    crate::net::NetOptions {
        ca_certs,
        client_cert: tls.client_cert.zip(tls.client_key),
        insecure: inputs.insecure || tls.insecure,
        proxy: inputs.proxy.clone(),
    }
}

/// Client secrets are masked from the start, whether or not they came through `secret()`.
fn register_client_secrets(plan: &plan::Plan, redactor: &Redactor) {
    for pr in plan.collections.iter().flat_map(|c| &c.requests) {
        if let Some(crate::model::AuthSpec::OAuth2(o)) = &pr.auth
            && let Ok(secret) = plan.templates.render(&o.client_secret, &pr.scope.base)
        {
            redactor.add(&secret);
        }
    }
}

/// The token cache folder when `--token-cache` is given.
pub fn token_cache_dir(inputs: &Inputs) -> Option<PathBuf> {
    if inputs.token_cache {
        crate::token_store::TokenStore::default_dir()
    } else {
        None
    }
}

pub fn color_on(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
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

/// `yarc check`: `run` minus the network — the same loading, variables, secrets and plan, with
/// the same options. Without `--env`, every environment of the collection's `environments/`
/// folder is checked in turn (or none, when there is no such folder).
async fn check(a: CheckArgs) -> i32 {
    let rows = match &a.data {
        Some(path) => match crate::data::load(path) {
            Ok(rows) => Some(rows),
            Err(d) => return invalid(&d.into()),
        },
        None => None,
    };
    let envs: Vec<Option<String>> = match &a.inputs.env {
        Some(e) => vec![Some(e.clone())],
        None => {
            let found = load::environment_names(a.inputs.paths.first().map(PathBuf::as_path));
            if found.is_empty() {
                vec![None]
            } else {
                found.into_iter().map(Some).collect()
            }
        }
    };
    let several = envs.len() > 1;
    let mut bad = Vec::new();
    let mut counted = (0, 0);
    for env in &envs {
        if several {
            eprintln!("— with environment `{}`:", env.as_deref().unwrap_or(""));
        }
        let inputs = Inputs {
            env: env.clone(),
            ..a.inputs.clone()
        };
        match prepare_for(
            &inputs,
            rows.as_deref(),
            Selection::default(),
            Purpose::Check,
        )
        .await
        {
            Ok(p) => {
                counted = (
                    p.plan.collections.len(),
                    p.plan.collections.iter().map(|c| c.requests.len()).sum(),
                );
                if several {
                    eprintln!("no problems found\n");
                }
            }
            Err(_) => {
                bad.push(env.clone().unwrap_or_default());
                if several {
                    eprintln!();
                }
            }
        }
    }
    let (files, requests) = counted;
    let against = match envs.as_slice() {
        [None] => String::new(),
        [Some(e)] => format!(" with environment `{e}`"),
        many => format!(
            " with each environment ({})",
            many.iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    if !bad.is_empty() {
        if several {
            eprintln!(
                "checked{against}: problems with {}",
                bad.iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        return EXIT_INVALID;
    }
    println!(
        "{files} collection{} with {requests} request{}: no problems found{against}",
        if files == 1 { "" } else { "s" },
        if requests == 1 { "" } else { "s" }
    );
    EXIT_OK
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
