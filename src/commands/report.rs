//! `yarc report merge`: one report of a run its shards (`--shard K/N`) each reported on.

use super::CommandError;
use crate::clock::Clock;
use crate::outcome::Exit;
use crate::report::RunReport;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Merge the JSON reports of one run's shards into one JUnit, HTML and JSON report, with
    /// totals that add up (reports of another yarc version, format or environment, or two of
    /// the same shard, are refused).
    Merge(MergeArgs),
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The shards' JSON reports (`--report json:FILE` of each `yarc run --shard K/N`).
    #[arg(required = true, value_name = "REPORT.json")]
    pub inputs: Vec<PathBuf>,
    /// Write the merged JSON report here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the merged JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the merged HTML report here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// A reporter: the run in, the report's text out.
type Render = fn(&RunReport) -> String;

/// Reads, merges, writes every report asked for, and prints the merged totals. The exit code
/// is the merged run's (0, 1, 2, 3), or 2 when the reports cannot be merged.
pub(crate) fn execute(cmd: ReportCommand, clock: Clock) -> super::Outcome {
    let ReportCommand::Merge(a) = cmd;
    let outputs: Vec<(&PathBuf, Render)> = [
        (a.json.as_ref(), crate::report::json::render as Render),
        (a.junit.as_ref(), crate::report::junit::render),
        (a.html.as_ref(), crate::report::html::render),
    ]
    .into_iter()
    .filter_map(|(p, f)| p.map(|p| (p, f)))
    .collect();
    if outputs.is_empty() {
        return Err(CommandError::stopped(
            "nothing to write: give --json, --junit or --html (or several)",
            Exit::Invalid,
        ));
    }
    let mut inputs = Vec::new();
    for p in &a.inputs {
        let text = crate::load::read_text(p)
            .map_err(|e| CommandError::stopped(e.to_string(), Exit::Invalid))?;
        inputs.push((p.display().to_string(), text));
    }
    let merged = crate::report::merge::merge(&inputs)
        .map_err(|e| CommandError::stopped(e.to_string(), Exit::Invalid))?;
    let summary = crate::run::record::Summary::from_records(&merged.records);
    let run = RunReport {
        units: &merged.units,
        records: &merged.records,
        summary: &summary,
        elapsed: merged.elapsed,
        environment: merged.environment.as_deref(),
        interrupted: merged.interrupted,
        exit: merged.exit,
        notes: &merged.notes,
        clock,
        part: crate::report::Part {
            shard: None,
            collection_runs: merged.collection_runs,
        },
        coverage: merged.coverage.as_ref(),
    };
    for (path, render) in outputs {
        if let Err(e) = crate::files::write_atomic(path, &render(&run)) {
            return Err(CommandError::stopped(
                format!("cannot write `{}`: {e}", path.display()),
                Exit::Incomplete,
            ));
        }
    }
    crate::outln!(
        "merged {} reports: {} collection runs, {}",
        inputs.len(),
        merged.units.len(),
        summary.line()
    );
    Ok(merged.exit)
}
