//! Shell integration: `yarc completions bash|zsh|fish|powershell|elvish` prints the script that
//! registers completions (completion itself runs yarc with `YARC_COMPLETE` set, so `--env`
//! completes to the environments that exist), and `yarc man [COMMAND]` prints a man page.

use super::CommandError;
use crate::outcome::Exit;
use clap::Args;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::EnvCompleter;

/// The variable that turns a run of yarc into a completion request.
pub(crate) const COMPLETE_VAR: &str = "YARC_COMPLETE";

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// A command's own page (`yarc man run`); without it, yarc's.
    pub command: Option<String>,
}

pub(crate) fn completions(a: CompletionsArgs) -> super::Outcome {
    use clap_complete::env::{Bash, Elvish, Fish, Powershell, Zsh};
    let shell: &dyn EnvCompleter = match a.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    let mut out = std::io::stdout();
    shell
        .write_registration(COMPLETE_VAR, "yarc", "yarc", "yarc", &mut out)
        .map_err(|e| CommandError::stopped(e.to_string(), Exit::Incomplete))?;
    Ok(Exit::Ok)
}

pub(crate) fn man(a: ManArgs, top: clap::Command) -> super::Outcome {
    let cmd = match &a.command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) => {
                // clap names are `&'static` (without its `string` feature); this runs once.
                let title: &'static str = Box::leak(format!("yarc-{name}").into_boxed_str());
                sub.clone().name(title)
            }
            None => {
                return Err(CommandError::stopped(
                    format!("there is no command `{name}`"),
                    Exit::Invalid,
                ));
            }
        },
    };
    let mut out = Vec::new();
    let page = a.command.as_deref().unwrap_or("");
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .map_err(|e| CommandError::stopped(e.to_string(), Exit::Incomplete))?;
    out.extend_from_slice(sections(page).as_bytes());
    use std::io::Write;
    let _ = std::io::stdout().write_all(&out);
    Ok(Exit::Ok)
}

/// What clap's page lacks: EXIT STATUS, ENVIRONMENT and EXAMPLES (of the command, or of yarc).
fn sections(command: &str) -> String {
    let exits = [
        (
            "0",
            "every request passed, was skipped, or (--dry-run) was rendered",
        ),
        (
            "1",
            "an assertion, capture, polling condition or snapshot failed",
        ),
        (
            "2",
            "invalid input or usage: a collection, option or file that cannot be used; nothing was sent",
        ),
        (
            "3",
            "a request could not complete (connection, timeout, TLS, token endpoint), or a report could not be written",
        ),
        (
            "130",
            "stopped by SIGINT (Ctrl-C); the reports hold what ran",
        ),
        ("143", "stopped by SIGTERM; the reports hold what ran"),
    ];
    let environment = [
        ("NO_COLOR", "set and not empty: no colour"),
        (
            "CI",
            "set (not false or 0): snapshots are compared, never written, as with --ci; no progress bar",
        ),
        (
            "GITHUB_ACTIONS",
            "true: failures are also written as GitHub annotations",
        ),
        (
            "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
            "the proxy to use unless --proxy says otherwise (a password in it is masked)",
        ),
        (
            "YARC_MAX_FILE_SIZE",
            "the largest input file read (default 16MiB)",
        ),
        (
            "YARC_CACHE_DIR, XDG_CACHE_HOME",
            "where --token-cache keeps tokens (default: the platform's cache folder, ~/.cache/yarc on Linux)",
        ),
        (
            "any NAME",
            "read by secret('NAME') before the .env files, and by env('NAME')",
        ),
    ];
    let mut out = String::from(".SH \"EXIT STATUS\"\n");
    for (code, what) in exits {
        out.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", roff(what)));
    }
    out.push_str(".SH ENVIRONMENT\n");
    for (name, what) in environment {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(name), roff(what)));
    }
    out.push_str(".SH EXAMPLES\n");
    for (line, what) in examples(command) {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(line), roff(what)));
    }
    out
}

fn examples(command: &str) -> Vec<(&'static str, &'static str)> {
    let run = vec![
        (
            "yarc run collections --env sandbox",
            "every collection against the built-in sandbox",
        ),
        (
            "yarc run collections --env stage --name \"list jobs\" | jq .items",
            "one request; its body on stdout",
        ),
        (
            "yarc run collections --env stage --report junit:report.xml --ci",
            "in CI: a JUnit report, snapshots compared only",
        ),
    ];
    match command {
        "run" => run,
        "check" => vec![(
            "yarc check collections --env stage",
            "everything run would refuse, nothing sent",
        )],
        "vars" => vec![(
            "yarc vars collections/api.yaml --env stage",
            "every variable, its value (secrets masked) and source",
        )],
        "token" => vec![(
            "yarc token collections --env stage",
            "fetch and describe each distinct oauth2 block, the token masked",
        )],
        "diff" => vec![(
            "yarc diff collections --env stage --env prod --ignore '$.generatedAt'",
            "compare two environments' responses",
        )],
        "import" => vec![
            (
                "yarc import postman export.json --environment stage.json -o collections",
                "a Postman collection as yarc files",
            ),
            (
                "yarc import curl token.sh -o collections/hrm.yaml",
                "a curl command as a request, credentials as secrets",
            ),
        ],
        "mock" => vec![(
            "yarc mock collections --env stage",
            "serve the recorded snapshots on 127.0.0.1",
        )],
        "init" => vec![(
            "yarc init api --ci github",
            "a project that runs green at once, with a CI job",
        )],
        _ => {
            let mut all = run;
            all.push((
                "yarc check collections --env stage",
                "everything run would refuse, nothing sent",
            ));
            all.push((
                "yarc import postman export.json -o collections",
                "leave Postman",
            ));
            all
        }
    }
}

/// Text as roff reads it: backslashes and hyphens escaped, no line starting a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    match escaped.starts_with(['.', '\'']) {
        true => format!("\\&{escaped}"),
        false => escaped,
    }
}

/// `--env` completes to the environments `--env NAME` would find from here (and from a
/// `collections/` folder below).
/// Request names for `--name` (as reports name them, `group / request`): from the collection
/// files and folders on the command line being completed, else `.` and `collections`.
pub(crate) fn requests(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let mut paths: Vec<std::path::PathBuf> = std::env::args_os()
        .skip(1)
        .map(std::path::PathBuf::from)
        .filter(|p| {
            p.is_dir() || p.extension().is_some_and(|e| e == "yaml" || e == "yml") && p.is_file()
        })
        .collect();
    if paths.is_empty() {
        paths = [".", "collections"]
            .iter()
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_dir())
            .collect();
    }
    let (loaded, _) = crate::load::load_partial(&paths, None);
    let mut out: Vec<String> = loaded
        .collections
        .iter()
        .flat_map(|c| crate::model::named_requests(&c.items))
        .map(|(name, _)| name)
        .collect();
    out.sort();
    out.dedup();
    out.into_iter()
        .filter(|n| n.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

pub(crate) fn environments(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let mut names = crate::load::environment_names(Some(std::path::Path::new(".")));
    names.extend(crate::load::environment_names(Some(std::path::Path::new(
        "collections",
    ))));
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| n.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}
