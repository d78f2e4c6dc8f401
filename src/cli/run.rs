//! `yarc run`: prepare, run the collection runs, report to the terminal and the report files,
//! handle signals, and turn the records into the exit code.

use super::*;
use crate::outcome::Exit;
use crate::report::console::Console;
use crate::report::{Reporter, RunReport};
use crate::run::record::{Event, Summary};
use crate::run::{RunOptions, Runner, SnapshotMode};

pub(super) async fn run(a: RunArgs) -> i32 {
    let rows = match &a.data {
        Some(path) => match crate::data::load(path) {
            Ok(rows) => Some(rows),
            Err(d) => return invalid(&d.into()),
        },
        None => None,
    };
    let selection = match selection(&a.tags, &a.skip_tags, &a.names) {
        Ok(s) => s,
        Err(d) => return invalid(&d.into()),
    };
    // Stale snapshots can only be told when every request of the collections ran.
    let selection_all = selection.is_all() && a.shard.is_none();
    let Prepared {
        plan,
        redactor,
        net,
        sandbox: _sandbox,
    } = match prepare(&a.inputs, rows.as_deref(), selection).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut units = crate::run::units(plan.collections.len(), a.iterations.max(1), rows.as_deref());
    let mut notes = Vec::new();
    if let Some((k, n)) = a.shard {
        let all = units.len();
        units = crate::run::shard(units, k, n);
        if units.is_empty() {
            // More shards than collection runs: allowed (a fixed CI matrix), but never silent.
            let note = format!(
                "shard {k}/{n} has no collection runs: there are {all} in all; nothing was run"
            );
            eprintln!("note: {note}");
            notes.push(note);
        }
    }
    let infos: Vec<UnitInfo> = units
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
        .collect();
    let options = RunOptions {
        dry_run: a.dry_run,
        timeout: a.timeout,
        jobs: a
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        fail_fast: a.fail_fast,
        keep_responses: a.verbose || a.reports.iter().any(|r| r.kind == ReportKind::Html),
        token_cache: token_cache_dir(&a.inputs),
        snapshots: snapshot_mode(a.update_snapshots, a.ci),
        max_body: a.max_body,
        max_token_body: a.inputs.max_token_body,
        net,
    };
    let runner = match Runner::new(Arc::new(plan), options, redactor) {
        Ok(r) => Arc::new(r),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    let control = Arc::clone(&runner.control);
    let signals = tokio::spawn(async move {
        let signal = wait_for_signal().await;
        control.interrupt(signal);
    });
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let style = Style {
        color: color_on(a.color),
    };
    let order: Vec<usize> = units.iter().map(|u| u.index).collect();
    let total: usize = units
        .iter()
        .map(|u| runner.plan.collections[u.collection].requests.len())
        .sum();
    let progress = show_progress();
    let verbose = a.verbose;
    let reporter = tokio::spawn(async move {
        let mut console = Console::new(std::io::stdout(), verbose, style, order);
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
        print!("{}", g.stop());
    }
    let records = runner.run(units, &tx).await;
    drop(tx);
    let elapsed = started.elapsed();
    let summary = Summary::from_records(&records);
    let signal = runner.control.interrupted_with();
    let interrupted = signal.is_some();
    // The exit code is decided once, before any report is written, and every report carries it.
    let mut exit = signal.map_or(summary.exit_code(), |s| s.code());
    let writable = unwritable_reports(&a.reports);
    if !writable.is_empty() && exit == EXIT_OK {
        exit = EXIT_INCOMPLETE;
    }
    let report = RunReport {
        units: &infos,
        records: &records,
        summary: &summary,
        elapsed,
        environment: runner.plan.environment.as_deref(),
        interrupted,
        exit_code: exit,
        notes: &notes,
    };
    let report_failed = write_reports(&a.reports, &report);
    if report_failed && exit == EXIT_OK {
        exit = EXIT_INCOMPLETE;
    }
    if selection_all && !interrupted {
        // Keys carry `.N` whenever the run has iterations (a data file, or --iterations > 1).
        let iterations = match &rows {
            Some(rows) => Some(rows.len()),
            None => (a.iterations > 1).then_some(a.iterations),
        };
        stale_snapshots(&runner.plan, iterations, a.prune_snapshots);
    }
    match reporter.await {
        Ok(mut console) => console.finish(&summary, elapsed),
        Err(_) => println!("{}", summary.line()),
    }
    if let Some(g) = &guard {
        print!("{}", g.resume());
        print!("{}", crate::report::github::annotations(&records));
    }
    signals.abort();
    exit
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
                    Ok(()) => eprintln!("pruned stale snapshot {}", file.display()),
                    Err(e) => eprintln!("error: cannot delete {}: {e}", file.display()),
                }
            } else {
                eprintln!(
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
        if let Err(e) = crate::report::write_atomic(&spec.path, &text) {
            eprintln!(
                "error: cannot write the report `{}`: {e}",
                spec.path.display()
            );
            failed = true;
        }
    }
    failed
}
