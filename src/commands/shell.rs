//! Shell integration: `yarc completions bash|zsh|fish|powershell|elvish` prints the script that
//! registers completions (completion itself runs yarc with `YARC_COMPLETE` set, so `--env`
//! completes to the environments that exist), and `yarc man [COMMAND]` prints a man page.

use crate::outcome::Exit;
use clap::Args;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::EnvCompleter;

/// The variable that turns a run of yarc into a completion request.
pub const COMPLETE_VAR: &str = "YARC_COMPLETE";

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

pub fn completions(a: CompletionsArgs) -> i32 {
    use clap_complete::env::{Bash, Elvish, Fish, Powershell, Zsh};
    let shell: &dyn EnvCompleter = match a.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    let mut out = std::io::stdout();
    match shell.write_registration(COMPLETE_VAR, "yarc", "yarc", "yarc", &mut out) {
        Ok(()) => Exit::Ok.code(),
        Err(e) => {
            crate::errln!("error: {e}");
            Exit::Incomplete.code()
        }
    }
}

pub fn man(a: ManArgs, top: clap::Command) -> i32 {
    let cmd = match &a.command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) => {
                // clap names are `&'static` (without its `string` feature); this runs once.
                let title: &'static str = Box::leak(format!("yarc-{name}").into_boxed_str());
                sub.clone().name(title)
            }
            None => {
                crate::errln!("error: there is no command `{name}`");
                return Exit::Invalid.code();
            }
        },
    };
    let mut out = Vec::new();
    match clap_mangen::Man::new(cmd).render(&mut out) {
        Ok(()) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&out);
            Exit::Ok.code()
        }
        Err(e) => {
            crate::errln!("error: {e}");
            Exit::Incomplete.code()
        }
    }
}

/// `--env` completes to the environments `--env NAME` would find from here (and from a
/// `collections/` folder below).
pub fn environments(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
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
