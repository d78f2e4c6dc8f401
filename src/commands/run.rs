//! `yarc run`: lower the flags, prepare, run the collection runs, report to the terminal and
//! the report files, handle signals, and turn the records into the exit code.

use super::CommandError;
use super::args::{ColorChoice, Inputs, ReportKind, ReportSpec, parse_report, parse_shard};
use super::{color_on, load_rows, lower, prepare};
use crate::clock::Clock;
use crate::diagnostic::Diagnostic;
use crate::outcome::Exit;
use crate::plan::{self, Selection};
use crate::report::body::Print;
use crate::report::console::Console;
use crate::report::style::Style;
use crate::report::{Reporter, RunReport, UnitInfo};
use crate::run::record::{Event, RequestRecord, Summary};
use crate::run::{Ran, RunOptions, Runner, SnapshotMode, Unit};
use crate::session::{Prepared, Purpose};
use crate::template::Vars;
use clap::Args;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Default timeout per request (a request's own `timeout` wins), e.g. 10s.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
    /// Print each request as a curl command instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Show request and response headers and bodies for every request; -vv (very verbose):
    /// everything on the wire — the token request and its answer (masked), each redirect, every
    /// header sent, cookies, the HTTP version and the time to the first byte.
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
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
    #[arg(long = "name", value_name = "GLOB", add = clap_complete::engine::ArgValueCompleter::new(super::shell::requests))]
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
    /// Print each response to stdout (body, headers or all); the status lines and the summary
    /// then go to stderr. When --name or --tag select exactly one request, its body is printed
    /// unless `--print none`.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub print: Option<Print>,
    /// Also run the earlier requests that capture what the selected ones need (transitively),
    /// first; each one added is named.
    #[arg(long)]
    pub with_deps: bool,
    /// Run again whenever a collection, environment, data or schema file changes.
    #[arg(long)]
    pub watch: bool,
    /// Write the response body of the one selected request to this file.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// After the summary, list which operations of the API document (`openapi:`) the run
    /// called and which documented responses it saw, what is untested first.
    #[arg(long)]
    pub coverage: bool,
    /// Fail the run (exit 1) when fewer than this per cent of the API document's operations
    /// were called; implies --coverage.
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_coverage: Option<u8>,
}

pub(crate) async fn execute(a: RunArgs, clock: Clock) -> super::Outcome {
    let rows = load_rows(a.data.as_deref())?;
    let selection = selection(&a.tags, &a.skip_tags, &a.names)?;
    // Stale snapshots can only be told when every request of the collections ran.
    let selection_all = selection.is_all() && a.shard.is_none();
    let asked = selection.clone();
    let mut config = lower(&a.inputs, rows.clone(), selection, Purpose::Send, clock)?;
    config.with_deps = a.with_deps;
    let Prepared {
        plan,
        redactor,
        net,
        sandbox: _sandbox,
        ..
    } = prepare(&config).await?;
    needs_document(&a, &plan)?;
    let (units, notes, all_units) = planned_units(&plan, &a, rows.as_deref());
    let infos = unit_infos(&plan, &units);
    let (chosen, selected) = asked_for(&plan, &asked, &units);
    let mut shown = showing(&a, selected)?;
    if a.with_deps {
        shown.only = Some(chosen);
    }
    let mut options = run_options(&a, &config, net);
    options.keep_bodies = shown.keeps_bodies();
    options.keep_responses |= shown.print.is_some();
    options.keep_records = shown.print.is_some() || shown.output.is_some() || !a.reports.is_empty();
    let runner = Arc::new(Runner::new(Arc::new(plan), options, redactor)?);
    let control = Arc::clone(&runner.control);
    let signals = tokio::spawn(async move {
        let signal = wait_for_signal().await;
        control.interrupt(signal);
    });
    let started = Instant::now();
    let (ran, console) = run_and_show(&runner, units, &a, clock, shown.to_stdout()).await;
    let elapsed = started.elapsed();
    let coverage = crate::run::coverage(&runner.plan, &ran.hits);
    let (summary, records) = (ran.summary, ran.records);
    let signal = runner.control.interrupted_with();
    // The exit code is decided once, before any report is written, and every report carries it.
    let (mut exit, short) = exit_before_reports(&a, signal, &summary, coverage.as_ref());
    let report = RunReport {
        units: &infos,
        records: &records,
        summary: &summary,
        elapsed,
        environment: runner.plan.environment.as_deref(),
        interrupted: signal.is_some(),
        exit,
        notes: &notes,
        clock,
        part: crate::report::Part {
            shard: a.shard,
            collection_runs: all_units,
        },
        coverage: coverage.as_ref(),
    };
    if write_reports(&a.reports, &report) && exit == Exit::Ok {
        exit = Exit::Incomplete;
    }
    if selection_all && signal.is_none() {
        // Keys carry `.N` whenever the run has iterations (a data file, or --iterations > 1).
        let iterations = match &rows {
            Some(rows) => Some(rows.len()),
            None => (a.iterations > 1).then_some(a.iterations),
        };
        stale_snapshots(&runner.plan, iterations, a.prune_snapshots);
    }
    // Before the summary: on GitHub, a body is still inside the stop-commands window.
    // A reader that went away (`| head`) is not a failed run.
    if let Err(e) = shown.emit(&records, a.color)
        && !crate::console::is_closed_pipe(&e)
    {
        crate::errln!("error: {e}");
        if exit == Exit::Ok {
            exit = Exit::Incomplete;
        }
    }
    console.finish(&summary, elapsed, &records);
    show_coverage(&a, coverage.as_ref(), short.as_deref(), shown.to_stdout());
    signals.abort();
    Ok(exit)
}

/// `--min-coverage` without any API document is a mistake, said before anything is sent.
fn needs_document(a: &RunArgs, plan: &plan::Plan) -> Result<(), CommandError> {
    if a.min_coverage.is_some()
        && !plan
            .collections
            .iter()
            .flat_map(|c| &c.requests)
            .any(|r| r.contract.is_some())
    {
        return Err(CommandError::stopped(
            "--min-coverage needs an API document: no request is held to one (name it with `openapi:` on the collection, a group or the environment, and leave `contract:` on)",
            Exit::Invalid,
        ));
    }
    Ok(())
}

/// The run's exit before its reports are written: the signal's, else the requests' — a
/// report that cannot be written makes it incomplete, too little API coverage failed (with
/// why).
fn exit_before_reports(
    a: &RunArgs,
    signal: Option<Exit>,
    summary: &Summary,
    coverage: Option<&crate::contract::Coverage>,
) -> (Exit, Option<String>) {
    let mut exit = signal.unwrap_or(summary.exit());
    if !unwritable_reports(&a.reports).is_empty() && exit == Exit::Ok {
        exit = Exit::Incomplete;
    }
    let short = a
        .min_coverage
        .and_then(|min| crate::report::coverage::short_of(coverage?, min));
    if short.is_some() && exit == Exit::Ok {
        exit = Exit::Failed;
    }
    (exit, short)
}

/// `--coverage` (or `--min-coverage`): the table after the summary, where the summary went;
/// and why the run fell short, if it did.
fn show_coverage(
    a: &RunArgs,
    coverage: Option<&crate::contract::Coverage>,
    short: Option<&str>,
    to_stderr: bool,
) {
    if !(a.coverage || a.min_coverage.is_some()) {
        return;
    }
    let style = Style {
        color: color_on(a.color),
        clock: Clock::Real,
    };
    let mut text = match coverage {
        Some(c) => crate::report::coverage::table(c, &style),
        None => "API coverage: no request is held to an API document (`openapi:`)\n".to_string(),
    };
    if let Some(why) = short {
        text.push_str(&format!("{}: {why}\n", style.fail("error")));
    }
    match to_stderr {
        true => crate::err!("{text}"),
        false => crate::out!("{text}"),
    }
}

/// What the body, `-o` and `--print` are about: the requests asked for (collection, name), not
/// the ones `--with-deps` runs before them; and how many of them the planned runs send.
fn asked_for(
    plan: &plan::Plan,
    asked: &Selection,
    units: &[Unit],
) -> (HashSet<(String, String)>, usize) {
    let chosen: HashSet<(String, String)> = plan
        .collections
        .iter()
        .flat_map(|c| {
            c.requests
                .iter()
                .filter(|r| asked.selects_request(&c.path, r))
                .map(|r| (c.shown_path.clone(), r.full_name()))
        })
        .collect();
    let selected: usize = units
        .iter()
        .map(|u| {
            let c = &plan.collections[u.collection];
            let mine =
                |r: &&plan::PlannedRequest| chosen.contains(&(c.shown_path.clone(), r.full_name()));
            c.requests.iter().filter(mine).count()
        })
        .sum();
    (chosen, selected)
}

/// What a run shows of its responses besides the status lines.
struct Showing {
    print: Option<Print>,
    output: Option<PathBuf>,
    /// (collection, request) whose responses are shown; `None`: all that ran.
    only: Option<HashSet<(String, String)>>,
}

impl Showing {
    fn keeps_bodies(&self) -> bool {
        self.output.is_some() || matches!(self.print, Some(Print::Body | Print::All))
    }

    /// Responses go to stdout: the status lines and summary move to stderr.
    fn to_stdout(&self) -> bool {
        self.print.is_some() && self.output.is_none()
    }

    /// Prints the responses, or writes the one body to `-o FILE`.
    fn emit(&self, records: &[RequestRecord], color: ColorChoice) -> std::io::Result<()> {
        use std::io::{IsTerminal, Write};
        let mine = |r: &&RequestRecord| {
            self.only
                .as_ref()
                .is_none_or(|o| o.contains(&(r.collection.clone(), r.name.clone())))
        };
        let received = records.iter().filter(mine).filter(|r| r.status.is_some());
        if let Some(path) = &self.output {
            // No response, no file: an empty file would read as an empty answer.
            return match records
                .iter()
                .filter(mine)
                .rev()
                .find_map(|r| r.body.as_ref())
            {
                Some(body) => crate::files::write_atomic_bytes(path, body),
                None => Ok(()),
            };
        }
        let Some(what) = self.print else {
            return Ok(());
        };
        let out = crate::report::body::Out {
            terminal: std::io::stdout().is_terminal(),
            color: color_on(color),
        };
        let mut stdout = std::io::stdout().lock();
        for r in received {
            stdout.write_all(&crate::report::body::render(r, what, out))?;
        }
        stdout.flush()
    }
}

/// `--print` as asked, or the body when `--name`/`--tag` select exactly one request; `-o` needs
/// exactly one.
fn showing(a: &RunArgs, selected: usize) -> Result<Showing, Diagnostic> {
    if a.output.is_some() && selected != 1 {
        return Err(Diagnostic::new(format!(
            "-o writes the body of one response, and this run selects {selected} requests"
        ))
        .with_help("narrow the selection with --name (or --tag) to one request"));
    }
    let print = match (a.print, &a.output) {
        (Some(p), _) => Some(p),
        (None, None) if selected == 1 && filtered(a) => Some(Print::Body),
        _ => None,
    };
    Ok(Showing {
        print: print.filter(|p| !a.dry_run && *p != Print::None),
        output: a.output.clone(),
        only: None,
    })
}

/// Whether the run names what it selects (`--name`, `--tag`).
fn filtered(a: &RunArgs) -> bool {
    !a.names.is_empty() || !a.tags.is_empty()
}

/// The run's settings from the flags and the lowered configuration.
fn run_options(
    a: &RunArgs,
    config: &crate::session::Config,
    net: crate::http::net::NetOptions,
) -> RunOptions {
    RunOptions {
        dry_run: a.dry_run,
        timeout: a.timeout,
        jobs: a
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        fail_fast: a.fail_fast,
        // The HTML report shows every response; the JSON report carries them so that
        // `yarc report merge` can write that HTML from shards.
        keep_responses: a.verbose > 0
            || a.reports
                .iter()
                .any(|r| matches!(r.kind, ReportKind::Html | ReportKind::Json)),
        token_cache: config.token_cache.clone(),
        snapshots: snapshot_mode(a.update_snapshots, a.ci),
        max_body: a.max_body,
        max_token_body: config.max_token_body,
        keep_bodies: false,
        body_limit: None,
        keep_records: true,
        keep_wire: a.verbose >= 2,
        net,
        adjust: None,
    }
}

/// Every collection run of the plan, once per iteration, this shard's part; a note when the
/// shard has nothing to run; and how many collection runs the whole run has.
fn planned_units(
    plan: &plan::Plan,
    a: &RunArgs,
    rows: Option<&[Vars]>,
) -> (Vec<Unit>, Vec<String>, usize) {
    let mut units = crate::run::units(plan.collections.len(), a.iterations.max(1), rows);
    let mut notes = Vec::new();
    let all = units.len();
    if let Some((k, n)) = a.shard {
        units = crate::run::shard(units, k, n);
        if units.is_empty() {
            // More shards than collection runs: allowed (a fixed CI matrix), but never silent.
            let note = format!(
                "shard {k}/{n} has no collection runs: there are {all} in all; nothing was run"
            );
            crate::errln!("note: {note}");
            notes.push(note);
        }
    }
    (units, notes, all)
}

fn unit_infos(plan: &plan::Plan, units: &[Unit]) -> Vec<UnitInfo> {
    units
        .iter()
        .map(|u| {
            let c = &plan.collections[u.collection];
            UnitInfo {
                index: u.index,
                path: c.shown_path.clone(),
                name: c.name.clone(),
                iteration: u.iteration.as_ref().map(|i| (i.number, i.total)),
            }
        })
        .collect()
}

/// The terminal side of a run: the console reporter on its own task, and on GitHub the guard
/// that keeps server text from running as workflow commands.
struct Shown {
    console: Option<Console<Box<dyn std::io::Write + Send>>>,
    guard: Option<crate::untrusted::CommandGuard>,
}

impl Shown {
    /// The closing lines, then (on GitHub) commands resume for yarc's own annotations.
    fn finish(self, summary: &Summary, elapsed: Duration, records: &[RequestRecord]) {
        match self.console {
            Some(mut console) => console.finish(summary, elapsed),
            None => crate::outln!("{}", summary.line()),
        }
        if let Some(g) = &self.guard {
            crate::out!("{}", g.resume());
            crate::out!("{}", crate::report::github::annotations(records));
        }
    }
}

/// Runs the units while the console shows each request as it finishes.
async fn run_and_show(
    runner: &Arc<Runner>,
    units: Vec<Unit>,
    a: &RunArgs,
    clock: Clock,
    to_stderr: bool,
) -> (Ran, Shown) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let style = Style {
        color: color_on(a.color),
        clock,
    };
    let order: Vec<usize> = units.iter().map(|u| u.index).collect();
    let total: usize = units
        .iter()
        .map(|u| runner.plan.collections[u.collection].requests.len())
        .sum();
    let progress = show_progress();
    let verbose = a.verbose;
    let reporter = tokio::spawn(async move {
        let out: Box<dyn std::io::Write + Send> = if to_stderr {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        };
        let mut console = Console::new(out, verbose, style, order);
        if progress {
            console = console.with_progress(total as u64);
        }
        while let Some(e) = rx.recv().await {
            console.event(&e);
        }
        console
    });
    // On GitHub, no line a server sent may run as a workflow command (see `untrusted`).
    let guard = crate::report::github::enabled().then(crate::untrusted::CommandGuard::new);
    if let Some(g) = &guard {
        crate::out!("{}", g.stop());
    }
    let ran = runner.run(units, &tx).await;
    drop(tx);
    // The reporter ends once the channel closes.
    let console = reporter.await.ok();
    (ran, Shown { console, guard })
}

/// SIGINT or SIGTERM, as the exit they ask for (128 + the signal number, as shells report it).
async fn wait_for_signal() -> Exit {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => Exit::Interrupted,
                _ = term.recv() => Exit::Terminated,
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    Exit::Interrupted
}

/// Report files whose folder cannot be written: known before writing, so that the exit code
/// every report states is the one the process ends with.
fn unwritable_reports(specs: &[ReportSpec]) -> Vec<&ReportSpec> {
    specs
        .iter()
        .filter(|s| {
            let dir = s
                .path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir).is_err()
                || std::fs::metadata(dir).is_ok_and(|m| m.permissions().readonly())
        })
        .collect()
}

/// `--update-snapshots` wins; `--ci` or a set `CI` variable make snapshots strict.
fn snapshot_mode(update: bool, ci: bool) -> SnapshotMode {
    let ci_env = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if update {
        SnapshotMode::Update
    } else if ci || ci_env {
        SnapshotMode::Ci
    } else {
        SnapshotMode::Check
    }
}

/// Reports stored snapshots that this run's requests and iterations do not take (a request
/// gone, or a data row gone: `name.3.snap.yaml` after a run of two rows); deletes them with
/// --prune-snapshots.
fn stale_snapshots(plan: &plan::Plan, iterations: Option<usize>, prune: bool) {
    use crate::snapshot::store::SnapshotDir;
    let mut seen = std::collections::HashSet::new();
    for c in &plan.collections {
        let dir = SnapshotDir::new(&c.path, plan.environment.as_deref());
        if !seen.insert(dir.dir.clone()) {
            continue;
        }
        // Every snapshot key this run takes: one per request, or one per iteration.
        let wanted: std::collections::HashSet<String> = c
            .requests
            .iter()
            .filter(|r| r.snapshot.is_some())
            .map(|r| crate::snapshot::slug(&r.full_name()))
            .flat_map(|slug| match iterations {
                Some(n) => (1..=n).map(|i| format!("{slug}.{i}")).collect(),
                None => vec![slug],
            })
            .collect();
        for key in dir.keys() {
            if wanted.contains(&key) {
                continue;
            }
            let file = dir.file(&key);
            if prune {
                match std::fs::remove_file(&file) {
                    Ok(()) => crate::errln!("pruned stale snapshot {}", file.display()),
                    Err(e) => crate::errln!("error: cannot delete {}: {e}", file.display()),
                }
            } else {
                crate::errln!(
                    "warning: stale snapshot {} (no request of {} takes it; --prune-snapshots deletes it)",
                    file.display(),
                    c.shown_path
                );
            }
        }
    }
}

/// A progress bar only for a person at a terminal: never in CI, never when piped.
fn show_progress() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("CI").is_none()
        && std::io::stdout().is_terminal()
        && std::io::stderr().is_terminal()
}

fn selection(
    tags: &[String],
    skip_tags: &[String],
    names: &[String],
) -> Result<Selection, Diagnostic> {
    let mut matchers = Vec::new();
    for n in names {
        let glob = globset::Glob::new(n)
            .map_err(|e| Diagnostic::new(format!("`--name {n}` is not a valid glob: {e}")))?;
        matchers.push(glob.compile_matcher());
    }
    Ok(Selection {
        only: None,
        tags: tags.to_vec(),
        skip_tags: skip_tags.to_vec(),
        names: matchers,
    })
}

/// Writes every report asked for; true if one could not be written (said on stderr).
fn write_reports(specs: &[ReportSpec], run: &RunReport) -> bool {
    let mut failed = false;
    for spec in specs {
        let text = match spec.kind {
            ReportKind::Junit => crate::report::junit::render(run),
            ReportKind::Json => crate::report::json::render(run),
            ReportKind::Html => crate::report::html::render(run),
        };
        if let Err(e) = crate::files::write_atomic(&spec.path, &text) {
            crate::errln!(
                "error: cannot write the report `{}`: {e}",
                spec.path.display()
            );
            failed = true;
        }
    }
    failed
}
