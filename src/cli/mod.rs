//! The command line: the top-level clap parser (doc comments are the `--help` text) and the
//! dispatch to the commands. Everything a command does lives in `crate::commands`.

use crate::clock::Clock;
use crate::commands::shell::{self, CompletionsArgs, ManArgs};
use crate::commands::{
    check, coverage, diff, import, init, mock, report, run, sandbox, schema, snapshots, token, ui,
    vars, watch,
};
use crate::commands::{
    check::CheckArgs, diff::DiffArgs, import::ImportCommand, init::InitArgs, mock::MockArgs,
    run::RunArgs, sandbox::SandboxArgs, schema::SchemaArgs, snapshots::SnapshotsArgs,
    token::TokenArgs, ui::UiArgs, vars::VarsArgs,
};
use crate::outcome::Exit;
use clap::{CommandFactory, Parser, Subcommand};

/// yarc — run YAML request collections: OAuth2, assertions, captures, CI-friendly output.
#[derive(Parser, Debug)]
#[command(name = "yarc", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Reproducible output: fixed time, ids and random numbers, durations as `[time]` (for
    /// comparing whole outputs, as yarc's own golden tests do).
    #[arg(long, global = true, hide = true)]
    pub fixed_clock: bool,
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
    /// Run every request against two environments and show how the responses differ; or,
    /// with --openapi OLD NEW, what changed between two versions of an API document that the
    /// collections call.
    Diff(Box<DiffArgs>),
    /// The API coverage of one run, from its JSON reports (several: the shards of one run, or
    /// runs of one suite, added up): operations called and documented responses seen.
    Coverage(coverage::CoverageArgs),
    /// Accept or reject pending snapshots without calling the API again.
    Snapshots(SnapshotsArgs),
    /// Open the workbench: the collections in a local web page — pick a request and an
    /// environment, send it, read the response, accept snapshots. The files stay the truth.
    Ui(Box<UiArgs>),
    /// Serve an environment's recorded snapshots (and a token endpoint) on 127.0.0.1.
    Mock(MockArgs),
    /// A language server for editors on standard input and output: yarc check's diagnostics
    /// as you type, completion, hover, go to definition, symbols, "run this request".
    Lsp,
    /// Convert a Postman collection, an OpenAPI document, a curl command or a HAR export into
    /// yarc requests.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Work with reports: merge the JSON reports of a sharded run into one of each kind.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Print the JSON Schema of the collection and environment formats (for editors).
    Schema(SchemaArgs),
    /// Serve the built-in sandbox API on 127.0.0.1 until interrupted.
    Sandbox(SandboxArgs),
    /// Start a project: an example collection, environments, .env.example, a CI job.
    Init(InitArgs),
    /// Print the script that registers yarc's completions with a shell (--env completes to the
    /// environments that exist): `source <(yarc completions bash)`.
    Completions(CompletionsArgs),
    /// Print yarc's man page (or a command's: `yarc man run`).
    Man(ManArgs),
}

/// Parses the arguments, runs the command, and returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    // The one question scripts ask in a loop, answered without building every command's
    // arguments first (that was a third of its time); the text is clap's own.
    if let [_, flag] = args.as_slice()
        && (flag == "--version" || flag == "-V")
    {
        crate::outln!("yarc {}", env!("CARGO_PKG_VERSION"));
        return Exit::Ok.code();
    }
    // A shell asking for completions (the script `yarc completions SHELL` prints sets this).
    let cwd = std::env::current_dir().ok();
    match clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(shell::COMPLETE_VAR)
        .try_complete(args.clone(), cwd.as_deref())
    {
        Ok(true) => return Exit::Ok.code(),
        Ok(false) => {}
        Err(e) => {
            let _ = e.print();
            return Exit::Invalid.code();
        }
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Invalid.code()
            } else {
                Exit::Ok.code()
            };
        }
    };
    let single = matches!(&cli.command, Command::Run(a) if one_chain(a));
    let mut builder = if single {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let rt = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            crate::errln!("error: cannot start the async runtime: {e}");
            return Exit::Incomplete.code();
        }
    };
    let clock = if cli.fixed_clock {
        Clock::Fixed
    } else {
        Clock::Real
    };
    let outcome = match cli.command {
        // `--watch` runs the same command again on every save: the loop is its own command.
        Command::Run(a) if a.watch => rt.block_on(watch::execute(*a, clock)),
        Command::Run(a) => rt.block_on(run::execute(*a, clock)),
        Command::Check(a) => rt.block_on(check::execute(*a, clock)),
        Command::Vars(a) => rt.block_on(vars::execute(*a, clock)),
        Command::Token(a) => rt.block_on(token::execute(*a, clock)),
        Command::Diff(a) => rt.block_on(diff::execute(*a, clock)),
        Command::Snapshots(a) => snapshots::execute(a),
        Command::Coverage(a) => coverage::execute(a),
        Command::Mock(a) => rt.block_on(mock::execute(a)),
        Command::Ui(a) => rt.block_on(ui::execute(*a, clock)),
        Command::Lsp => rt.block_on(crate::lsp::serve()),
        Command::Import(c) => import::execute(c),
        Command::Report(c) => report::execute(c, clock),
        Command::Schema(a) => schema::execute(a),
        Command::Sandbox(a) => rt.block_on(sandbox::execute(a)),
        Command::Init(a) => init::execute(a),
        Command::Completions(a) => shell::completions(a),
        Command::Man(a) => shell::man(a, Cli::command()),
    };
    match outcome {
        Ok(exit) => exit.code(),
        Err(e) => {
            e.report();
            e.exit().code()
        }
    }
}

/// One collection run at a time is I/O-bound and chained: one thread does it without the cost
/// of waking tasks on other threads (a fifth less CPU for 1,000 requests to a local server,
/// bench/profiles.md). `--jobs 1`, or one collection file run once.
fn one_chain(a: &RunArgs) -> bool {
    let one_file = matches!(a.inputs.paths.as_slice(), [p] if p.is_file());
    a.jobs == Some(1) || (one_file && a.iterations <= 1 && a.data.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_version_answer_is_the_one_clap_gives() {
        assert_eq!(
            Cli::command().render_version(),
            format!("yarc {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}
