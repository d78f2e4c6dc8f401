//! The engine's front door: a validated [`Config`] in, a [`Prepared`] plan out — files loaded,
//! secrets and variables read, the sandbox started when the environment asks, every template,
//! JSONPath and schema compiled. Front ends (the commands, a web page) lower their own arguments
//! into a `Config` once and call [`prepare`]; nothing here knows about the command line or prints.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::http::net::NetOptions;
use crate::load::{self, Loaded};
use crate::outcome::Exit;
use crate::plan::{self, Overrides, PlanOptions, Selection};
use crate::secret::{Redactor, Secrets};
use crate::template::Vars;
use serde_json::Value;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A built-in API a front end can start when an environment says `sandbox:`: the engine asks
/// for one and gets its URL, and knows nothing of how it is served.
pub trait Sandboxes: Send + Sync + std::fmt::Debug {
    /// Starts one whose tokens live `token_lifetime` (its own default when `None`).
    fn start(
        &self,
        token_lifetime: Option<Duration>,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Running>> + Send + '_>>;
}

/// A started sandbox: its URL, and what keeps it serving until it is dropped.
pub struct Running {
    pub url: String,
    pub guard: Box<dyn std::any::Any + Send + Sync>,
}
/// What the plan is for: sending (the sandbox starts, `--insecure` is warned about) or checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Send,
    Check,
}

/// Everything a run reads, validated: collections, environment, variables, secrets, network.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    /// An environment name or file.
    pub env: Option<String>,
    /// `--var`, in order.
    pub vars: Vec<(String, String)>,
    /// `--header`: added to every request, over a header of the same name.
    pub headers: Vec<(String, String)>,
    /// `--secret-var`: variables and `secret()` values at once, masked everywhere.
    pub secret_vars: Vec<(String, String)>,
    pub var_file: Option<PathBuf>,
    /// TLS and proxy settings given outside the environment file (its `tls:` block is added).
    pub net: NetOptions,
    /// Where OAuth2 tokens are kept between runs (`--token-cache`), if anywhere.
    pub token_cache: Option<PathBuf>,
    /// The largest token or discovery answer read.
    pub max_token_body: usize,
    /// Rows of a data file: their columns are variables the plan must accept.
    pub rows: Option<Vec<Vars>>,
    pub selection: Selection,
    /// `--with-deps`: the selection grows by the requests that capture what it needs.
    pub with_deps: bool,
    pub purpose: Purpose,
    /// Real time and chance, or fixed ones for reproducible output.
    pub clock: crate::clock::Clock,
    /// A sandbox already running (`yarc ui` keeps one for its session): used instead of
    /// starting another when the environment asks for the sandbox.
    pub sandbox_url: Option<String>,
    /// How to start a sandbox when the environment asks for one (none: such an environment
    /// cannot be sent with).
    pub sandboxes: Option<Arc<dyn Sandboxes>>,
    /// Values captured earlier in a session (`yarc ui`): the plan knows them as defined, as it
    /// would if a selected request captured them.
    pub captured: Vec<(String, Value)>,
    /// Secrets that are not set are listed in the plan, not refused (`yarc check` without
    /// `--env`).
    pub secrets_as_notes: bool,
}

/// Loaded, planned and ready.
pub struct Prepared {
    pub plan: plan::Plan,
    pub redactor: Arc<Redactor>,
    /// TLS and proxy settings from the configuration and the environment file.
    pub net: NetOptions,
    /// Kept alive for the command's duration.
    pub sandbox: Option<Running>,
    /// Things the user should know that do not stop the run (shown by the front end).
    pub warnings: Vec<String>,
}

/// Why a plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{}", .0.render())]
    Invalid(Diagnostics),
    #[error("cannot start the sandbox: {0}")]
    Sandbox(#[from] std::io::Error),
}

impl PrepareError {
    pub fn exit(&self) -> Exit {
        match self {
            PrepareError::Invalid(_) => Exit::Invalid,
            PrepareError::Sandbox(_) => Exit::Incomplete,
        }
    }
}

impl From<Diagnostics> for PrepareError {
    fn from(d: Diagnostics) -> Self {
        PrepareError::Invalid(d)
    }
}

/// Loads the inputs, reads secrets and variables, starts the sandbox if the environment asks
/// (for sending), and plans.
pub async fn prepare(config: &Config) -> Result<Prepared, PrepareError> {
    let (loaded, errors) = load::load_partial(&config.paths, config.env.as_deref());
    if !errors.is_empty() {
        return Err(every_problem(config, loaded, errors).into());
    }
    let redactor = Redactor::new();
    let secrets = secrets(config, &loaded, &redactor)?;
    let mut overrides = overrides(config)?;
    let env = loaded.environment.as_ref();
    let net = with_environment_tls(&config.net, env.map(|e| e.tls.clone()).unwrap_or_default());
    check_net_files(&config.net)?;
    let sandbox = sandbox_for(config, &loaded, &mut overrides).await?;
    let fetched = match config.purpose {
        Purpose::Send => Some(Arc::new(fetch_documents(&loaded, &net).await?)),
        Purpose::Check => None,
    };
    let options = PlanOptions {
        fetched,
        selection: config.selection.clone(),
        data_columns: config
            .rows
            .as_deref()
            .map(crate::data::columns)
            .unwrap_or_default(),
        clock: config.clock,
        headers: config.headers.clone(),
        secrets_as_notes: config.secrets_as_notes,
        ..PlanOptions::default()
    };
    let secrets = Arc::new(secrets);
    let mut warnings = Vec::new();
    let mut options = options;
    if config.with_deps && !config.selection.is_all() {
        // Plan every request once, leniently, to see what each needs and who captures it.
        let all = plan::plan(
            loaded.collections.clone(),
            env,
            &overrides,
            Arc::clone(&secrets),
            PlanOptions {
                selection: Selection::default(),
                lenient: true,
                ..options.clone()
            },
        )?;
        warnings.extend(config.selection.check(&all.seen)?);
        let (only, notes) = plan::with_dependencies(&all, &config.selection);
        warnings.extend(notes.into_iter().map(|n| format!("note: {n}")));
        options.selection = Selection {
            only: Some(only),
            ..Selection::default()
        };
    }
    let plan = plan::plan(loaded.collections, env, &overrides, secrets, options)?;
    if !config.selection.is_all() && !config.with_deps {
        warnings.extend(config.selection.check(&plan.seen)?);
    }
    warnings.extend(plan.warnings.iter().cloned());
    register_client_secrets(&plan, &redactor);
    register_proxy_credentials(config.net.proxy.as_deref(), &redactor);
    if net.insecure && config.purpose == Purpose::Send {
        warnings.push(
            "warning: --insecure: TLS certificates are not verified; anyone on the path can read and change this run's traffic".into(),
        );
    }
    Ok(Prepared {
        plan,
        redactor,
        net,
        sandbox,
        warnings,
    })
}

/// API documents fetched for a run: URL → text.
type Fetched = std::collections::HashMap<String, String>;

/// How long fetching an API document (`openapi: https://...`) may take.
const DOCUMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// Every API document named by URL (`openapi: https://...` on a collection, group or the
/// environment), fetched once for the run with the run's TLS and proxy settings; one that
/// cannot be had stops the run before anything is sent, located where it is named.
async fn fetch_documents(loaded: &Loaded, net: &NetOptions) -> Result<Fetched, PrepareError> {
    let mut named: Vec<&crate::model::OpenApiRef> = Vec::new();
    named.extend(loaded.environment.as_ref().and_then(|e| e.openapi.as_ref()));
    for c in &loaded.collections {
        named.extend(c.openapi.as_ref());
        groups_openapi(&c.items, &mut named);
    }
    let mut fetched = std::collections::HashMap::new();
    for r in named.into_iter().filter(|r| r.is_url()) {
        if fetched.contains_key(&r.written) {
            continue;
        }
        let text = fetch_document(&r.written, net).await.map_err(|why| {
            Diagnostics(vec![
                Diagnostic::at(
                    format!("cannot fetch `openapi: {}`: {why}", r.written),
                    &r.span,
                )
                .with_help("or save the document beside the collection and name the file"),
            ])
        })?;
        fetched.insert(r.written.clone(), text);
    }
    Ok(fetched)
}

fn groups_openapi<'a>(
    items: &'a [crate::model::Item],
    out: &mut Vec<&'a crate::model::OpenApiRef>,
) {
    for item in items {
        if let crate::model::Item::Group(g) = item {
            out.extend(g.openapi.as_ref());
            groups_openapi(&g.items, out);
        }
    }
}

/// One document's text: a 2xx answer, no larger than an input file may be, within the timeout.
async fn fetch_document(url: &str, net: &NetOptions) -> Result<String, crate::outcome::RunError> {
    use crate::outcome::RunError;
    let client = crate::http::net::Net::new(net)?
        .builder()
        .redirect(reqwest::redirect::Policy::limited(5))
        .timeout(DOCUMENT_TIMEOUT)
        .build()
        .map_err(|e| RunError::Setup(crate::http::error_chain(&e)))?;
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| crate::http::describe(&e, DOCUMENT_TIMEOUT))?;
    if !resp.status().is_success() {
        return Err(RunError::Request(format!(
            "the server answered {}",
            resp.status()
        )));
    }
    let max = usize::try_from(load::max_file_size()).unwrap_or(usize::MAX);
    let body = crate::http::read_bounded(resp, max, DOCUMENT_TIMEOUT, "YARC_MAX_FILE_SIZE").await?;
    String::from_utf8(body).map_err(|_| RunError::Body("the document is not UTF-8 text".into()))
}

/// The sandbox the environment asks for (`sandbox: true`), started when the run sends (or the
/// one a front end already runs); `sandbox_url` set for the collections either way.
async fn sandbox_for(
    config: &Config,
    loaded: &load::Loaded,
    overrides: &mut Overrides,
) -> Result<Option<Running>, PrepareError> {
    let env = loaded.environment.as_ref();
    let url = match config.purpose {
        Purpose::Send => match &config.sandbox_url {
            Some(url) if env.is_some_and(|e| e.sandbox.is_some()) => url.clone(),
            _ => return Ok(start_sandbox(config, loaded, overrides).await?),
        },
        // Checked, not run: the variable exists, the address is a stand-in.
        Purpose::Check if env.is_some_and(|e| e.sandbox.is_some()) => "http://127.0.0.1:0".into(),
        Purpose::Check => return Ok(None),
    };
    overrides
        .builtin
        .push(("sandbox_url".into(), Value::String(url)));
    Ok(None)
}

/// The secrets of `.env` files and the environment, with `--secret-var` values on top.
fn secrets(
    config: &Config,
    loaded: &Loaded,
    redactor: &Arc<Redactor>,
) -> Result<Secrets, Diagnostics> {
    let mut secrets = Secrets::load(&secret_dirs(loaded), Arc::clone(redactor))?;
    for (k, v) in &config.secret_vars {
        secrets = secrets.with_override(k, v);
    }
    Ok(secrets)
}

/// The variables given on the command line: `--var`, `--secret-var` (both a variable at
/// `--var`'s precedence and a `secret()` value), `--var-file` and captured values.
fn overrides(config: &Config) -> Result<Overrides, Diagnostics> {
    let mut overrides = Overrides {
        cli: config
            .vars
            .iter()
            .chain(&config.secret_vars)
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
        secret_cli: config.secret_vars.iter().map(|(k, _)| k.clone()).collect(),
        ..Overrides::default()
    };
    if let Some(f) = &config.var_file {
        overrides.var_file = var_file(f)?;
    }
    overrides.builtin.extend(config.captured.iter().cloned());
    Ok(overrides)
}

/// With errors in the inputs, plans what could be read anyway so that one `check` reports
/// every problem (a missing schema file, an undefined variable) instead of one round at a
/// time. An undefined variable whose name is a key in a file with errors is left out: the
/// part that defined it may be the part that could not be read. Nothing starts and nothing is sent.
fn every_problem(config: &Config, loaded: Loaded, mut errors: Diagnostics) -> Diagnostics {
    let env_unread = config.env.is_some() && loaded.environment.is_none();
    let found =
        secrets(config, &loaded, &Redactor::new()).and_then(|s| Ok((s, overrides(config)?)));
    let (secrets, mut overrides) = match found {
        Ok(pair) => pair,
        Err(e) => {
            errors.0.extend(e.0);
            return errors;
        }
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
    let options = PlanOptions {
        clock: config.clock,
        headers: config.headers.clone(),
        ..PlanOptions::default()
    };
    let env = loaded.environment.as_ref();
    let planned = plan::plan(
        loaded.collections.clone(),
        env,
        &overrides,
        Arc::new(secrets),
        options,
    );
    let Err(more) = planned else { return errors };
    // A name written as a key in a file with errors may have been defined by its unread part.
    let derived = |d: &Diagnostic| {
        let Some(name) = d.message.strip_prefix("undefined variable `") else {
            return false;
        };
        let key = format!("{}:", name.split('`').next().unwrap_or_default());
        env_unread
            || d.span.as_ref().is_some_and(|s| {
                loaded.partial.contains(&s.file.path) && s.file.text.contains(&key)
            })
    };
    errors.0.extend(more.0.into_iter().filter(|d| !derived(d)));
    errors
}

/// `NAME=VALUE` pairs of a flag; a pair without `=` is an input error naming the flag.
pub fn pairs(list: &[String], flag: &str) -> Result<Vec<(String, String)>, Diagnostic> {
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

/// The configuration's TLS and proxy options, with the environment file's `tls:` block.
fn with_environment_tls(net: &NetOptions, tls: crate::model::TlsSettings) -> NetOptions {
    let mut out = net.clone();
    out.ca_certs.extend(tls.ca_cert);
    if out.client_cert.is_none() {
        out.client_cert = tls.client_cert.zip(tls.client_key);
    }
    out.insecure |= tls.insecure;
    out
}

/// A `--cacert` that is not there is an input error before anything is sent (the environment
/// file's `tls:` paths are checked where they are written).
fn check_net_files(net: &NetOptions) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    for p in net.ca_certs.iter().filter(|p| !p.is_file()) {
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

/// Client secrets are masked from the start, whether or not they came through `secret()`.
/// The password of a proxy (`--proxy http://user:pass@host`, or `HTTP_PROXY` and its kin) is
/// a credential: masked like a Basic pair wherever a proxy URL or error may show it.
fn register_proxy_credentials(flag: Option<&str>, redactor: &Redactor) {
    let from_env = [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .filter_map(|k| std::env::var(k).ok());
    for proxy in flag.map(str::to_string).into_iter().chain(from_env) {
        let Ok(url) = url::Url::parse(&proxy) else {
            continue;
        };
        if let Some(password) = url.password() {
            let user = percent_encoding::percent_decode_str(url.username()).decode_utf8_lossy();
            let password = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
            redactor.add_basic(&user, &password);
            // As it is written in the URL, too.
            redactor.add(url.password().unwrap_or_default());
        }
    }
}

fn register_client_secrets(plan: &plan::Plan, redactor: &Redactor) {
    for pr in plan.collections.iter().flat_map(|c| &c.requests) {
        let Some(crate::model::AuthSpec::OAuth2(o)) = pr.auth.as_deref() else {
            continue;
        };
        let password = o.user.as_ref().map(|(_, p)| p);
        for t in std::iter::once(&o.client_secret).chain(password) {
            if let Ok(secret) = plan.templates.render(t, &pr.scope.base) {
                redactor.add(&secret);
            }
        }
    }
}

/// Starts the sandbox when the environment asks for it and binds `sandbox_url`.
async fn start_sandbox(
    config: &Config,
    loaded: &Loaded,
    overrides: &mut Overrides,
) -> std::io::Result<Option<Running>> {
    let Some(settings) = loaded.environment.as_ref().and_then(|e| e.sandbox.clone()) else {
        return Ok(None);
    };
    let Some(sandboxes) = &config.sandboxes else {
        return Err(std::io::Error::other(
            "the environment asks for the built-in sandbox, which this front end cannot start",
        ));
    };
    let sb = sandboxes
        .start(settings.token_lifetime.map(Duration::from_secs))
        .await?;
    overrides
        .builtin
        .push(("sandbox_url".into(), Value::String(sb.url.clone())));
    Ok(Some(sb))
}
