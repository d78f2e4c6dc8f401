//! The front ends: one module per command, named as the command, each owning its clap `Args`
//! and an `execute` that returns an [`Outcome`]: the exit, or the [`CommandError`] that stopped
//! it, which the CLI prints once. A command lowers its arguments once into the
//! engine's [`crate::session::Config`], calls the engine and hands the records
//! to the reporters; the engine never imports from here.

pub(crate) mod args;
pub(crate) mod check;
pub(crate) mod coverage;
pub(crate) mod diff;
pub(crate) mod drift;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod mock;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod sandbox;
pub(crate) mod schema;
pub(crate) mod shell;
pub(crate) mod snapshots;
pub(crate) mod token;
pub(crate) mod ui;
pub(crate) mod vars;
pub(crate) mod watch;

use crate::clock::Clock;
use crate::diagnostic::Diagnostics;
use crate::outcome::Exit;
use crate::plan::Selection;
use crate::session::{self, Config, Prepared, Purpose};
use crate::template::Vars;
use args::{ColorChoice, Inputs};
use std::path::Path;

/// What a command ends with: how the process exits, or what stopped it.
pub(crate) type Outcome = Result<Exit, CommandError>;

/// What stops a command before it is done. The CLI prints it once (`report`) and exits with
/// its code; a command prints nothing of it itself.
#[derive(Debug)]
pub(crate) enum CommandError {
    /// Input that cannot be used — every problem, where and what. Nothing was sent: exit 2.
    Invalid(Diagnostics),
    /// Preparing the run failed for another reason (a sandbox that would not start, ...).
    Prepare(session::PrepareError),
    /// Anything else, as the user reads it, with the exit it means.
    Stopped { message: String, exit: Exit },
}

impl CommandError {
    /// Stops with `message` (an `error: ` line) and `exit`.
    pub(crate) fn stopped(message: impl Into<String>, exit: Exit) -> CommandError {
        CommandError::Stopped {
            message: message.into(),
            exit,
        }
    }

    pub(crate) fn exit(&self) -> Exit {
        match self {
            CommandError::Invalid(_) => Exit::Invalid,
            CommandError::Prepare(e) => e.exit(),
            CommandError::Stopped { exit, .. } => *exit,
        }
    }

    /// Prints it to standard error, as the user reads it.
    pub(crate) fn report(&self) {
        match self {
            CommandError::Invalid(errors) => {
                crate::err!("{}", errors.render());
                let n = errors.0.len();
                crate::errln!(
                    "\n{n} error{} found; nothing was sent",
                    if n == 1 { "" } else { "s" }
                );
            }
            CommandError::Prepare(e) => crate::errln!("error: {e}"),
            CommandError::Stopped { message, .. } => crate::errln!("error: {message}"),
        }
    }
}

impl From<Diagnostics> for CommandError {
    fn from(d: Diagnostics) -> CommandError {
        CommandError::Invalid(d)
    }
}

impl From<crate::diagnostic::Diagnostic> for CommandError {
    fn from(d: crate::diagnostic::Diagnostic) -> CommandError {
        CommandError::Invalid(d.into())
    }
}

impl From<crate::outcome::RunError> for CommandError {
    fn from(e: crate::outcome::RunError) -> CommandError {
        CommandError::stopped(e.to_string(), e.exit())
    }
}

impl From<session::PrepareError> for CommandError {
    fn from(e: session::PrepareError) -> CommandError {
        match e {
            session::PrepareError::Invalid(d) => CommandError::Invalid(d),
            e => CommandError::Prepare(e),
        }
    }
}

/// `--secret-var` values as given, or read: `@FILE` from a file, `-` from standard input (once),
/// each without the line break it ends with; `@@…` is a value that starts with `@`.
fn secret_values(
    pairs: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    let mut stdin_used = false;
    let mut out = Vec::new();
    for (k, v) in pairs {
        let value = if let Some(literal) = v.strip_prefix("@@") {
            format!("@{literal}")
        } else if let Some(path) = v.strip_prefix('@') {
            std::fs::read_to_string(path).map_err(|e| {
                Diagnostic::new(format!(
                    "--secret-var {k}=@{path}: cannot read the file: {e}"
                ))
            })?
        } else if v == "-" {
            if stdin_used {
                return Err(Diagnostic::new(format!(
                    "--secret-var {k}=-: standard input was read for another secret already"
                )));
            }
            stdin_used = true;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                Diagnostic::new(format!(
                    "--secret-var {k}=-: cannot read standard input: {e}"
                ))
            })?;
            text
        } else {
            out.push((k, v));
            continue;
        };
        let value = value.strip_suffix('\n').unwrap_or(&value);
        let value = value.strip_suffix('\r').unwrap_or(value);
        out.push((k, value.to_string()));
    }
    Ok(out)
}

/// The one lowering from flags to the engine's configuration.
pub(crate) fn lower(
    inputs: &Inputs,
    rows: Option<Vec<Vars>>,
    selection: Selection,
    purpose: Purpose,
    clock: Clock,
) -> Result<Config, Diagnostics> {
    let v = &inputs.variables;
    let n = &inputs.network;
    Ok(Config {
        paths: inputs.paths.clone(),
        env: inputs.env.clone(),
        vars: session::pairs(&v.vars, "--var")?,
        secret_vars: secret_values(session::pairs(&v.secret_vars, "--secret-var")?)?,
        var_file: v.var_file.clone(),
        net: crate::http::net::NetOptions {
            ca_certs: n.cacert.clone(),
            client_cert: None,
            insecure: n.insecure,
            proxy: n.proxy.clone(),
            resolve: n.resolve.clone(),
            connect_to: n.connect_to.clone(),
        },
        headers: header_pairs(&v.headers)?,
        token_cache: if n.token_cache {
            crate::auth::token_store::TokenStore::default_dir()
        } else {
            None
        },
        max_token_body: n.max_token_body,
        rows,
        selection,
        with_deps: false,
        purpose,
        clock,
        sandbox_url: None,
        sandboxes: Some(std::sync::Arc::new(crate::sandbox::Starter)),
        captured: Vec::new(),
        secrets_as_notes: false,
    })
}

/// `--header 'Name: value'` pairs.
fn header_pairs(list: &[String]) -> Result<Vec<(String, String)>, Diagnostics> {
    list.iter()
        .map(|h| match h.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(crate::diagnostic::Diagnostic::new(format!(
                "`--header {h}` must have the form 'Name: value'"
            ))
            .into()),
        })
        .collect()
}

/// Prepares, and prints the warnings the user must see.
pub(crate) async fn prepare(config: &Config) -> Result<Prepared, CommandError> {
    let p = session::prepare(config).await?;
    for w in &p.warnings {
        crate::errln!("{w}");
    }
    note_defaulted_secrets(&p.plan.defaulted_secrets);
    Ok(p)
}

/// The secrets read with a `default=` that are not set here: the run sends the default (what
/// an import writes for a secret the Postman export left empty, which Newman sends empty).
fn note_defaulted_secrets(unset: &std::collections::BTreeSet<String>) {
    if unset.is_empty() {
        return;
    }
    let names: Vec<&str> = unset.iter().map(String::as_str).collect();
    crate::errln!(
        "note: secrets that are not set here, so their `default=` is sent: {} (set them for the real values)",
        names.join(", ")
    );
}

/// The rows of a `--data` file, if one was given.
pub(crate) fn load_rows(path: Option<&Path>) -> Result<Option<Vec<Vars>>, CommandError> {
    match path {
        Some(p) => Ok(Some(crate::data::load(p)?)),
        None => Ok(None),
    }
}

pub(crate) fn color_on(choice: ColorChoice) -> bool {
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
