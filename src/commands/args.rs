//! Option groups shared by several commands, flattened into each (`#[command(flatten)]`), so
//! every command that sends requests takes the same flags. Their doc comments are the `--help`
//! text.

use clap::Args;
use std::path::PathBuf;

/// Collections, environment and variables: what every command that renders requests reads.
#[derive(Args, Debug, Clone)]
pub struct Inputs {
    /// Collection files or folders (every collection below a folder runs, in name order).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Environment: a name (looked up as environments/NAME.yaml beside the collection and in
    /// its parent folders) or a path to an environment file.
    #[arg(long, short = 'e', add = clap_complete::engine::ArgValueCompleter::new(super::shell::environments))]
    pub env: Option<String>,
    #[command(flatten)]
    pub variables: VarArgs,
    #[command(flatten)]
    pub network: NetArgs,
}

/// Variables given on the command line.
#[derive(Args, Debug, Clone, Default)]
pub struct VarArgs {
    /// Set a variable (overrides the collection, environment and --var-file).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Set a secret value (as if from the environment); it is masked in every output.
    /// `NAME=@FILE` reads it from a file and `NAME=-` from standard input (then it is in no
    /// process's arguments); `@@` starts a value that begins with `@`.
    #[arg(long = "secret-var", value_name = "NAME=VALUE")]
    pub secret_vars: Vec<String>,
    /// A YAML or JSON file of variables (above the environment, below --var).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_file: Option<PathBuf>,
    /// Add a header to every request, e.g. 'X-Trace: on' (replaces a header of the same name;
    /// may be given several times).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
}

/// TLS, proxy and token options: every command that sends requests takes them.
#[derive(Args, Debug, Clone)]
pub struct NetArgs {
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
    /// Connect to ADDR for HOST:PORT, e.g. api.example.com:443:10.0.0.7 (may be given several
    /// times): test one instance behind a name.
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = crate::http::net::parse_resolve)]
    pub resolve: Vec<(String, std::net::SocketAddr)>,
    /// Send requests for HOST:PORT to HOST2:PORT2 instead (curl's form; the Host header and
    /// TLS name stay HOST's; an empty HOST2 or PORT2 keeps the original), e.g.
    /// api.example.com:443:canary.internal:8443.
    #[arg(long, value_name = "HOST:PORT:HOST2:PORT2", value_parser = crate::http::net::parse_connect_to)]
    pub connect_to: Vec<crate::http::net::ConnectTo>,
    /// Largest token or discovery answer read, e.g. 1MiB (larger ones fail the token request).
    #[arg(long, value_parser = crate::http::parse_size, default_value = "1MiB")]
    pub max_token_body: usize,
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

pub(crate) fn parse_report(s: &str) -> Result<ReportSpec, String> {
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

pub(crate) fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/3")?;
    let k: usize = k.trim().parse().map_err(|_| "K must be a whole number")?;
    let n: usize = n.trim().parse().map_err(|_| "N must be a whole number")?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("{k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}
