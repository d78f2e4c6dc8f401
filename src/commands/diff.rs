//! `yarc diff PATH --env A --env B`: runs every request against both environments (each with
//! its own auth and captures) and shows, request by request, whether the normalised responses
//! are the same, and the unified diff where not.

use super::CommandError;
use super::args::{ColorChoice, Inputs, NetArgs, VarArgs};
use super::{color_on, lower, prepare};
use crate::clock::Clock;
use crate::model::Selector;
use crate::outcome::Exit;
use crate::plan::Selection;
use crate::report::style::Style;
use crate::run::record::{Event, RequestRecord, State};
use crate::run::{RunOptions, Runner, SnapshotMode};
use crate::session::{Prepared, Purpose};
use crate::snapshot;
use crate::source::{SourceFile, Span};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Collection files or folders.
    #[arg(required_unless_present = "openapi")]
    pub paths: Vec<PathBuf>,
    /// The two environments to compare: `--env stage --env prod`.
    #[arg(long = "env", short = 'e', num_args = 1, required_unless_present = "openapi", add = clap_complete::engine::ArgValueCompleter::new(super::shell::environments))]
    pub envs: Vec<String>,
    /// A JSONPath to leave out of this comparison (on top of each request's snapshot ignores).
    #[arg(long = "ignore", value_name = "JSONPATH")]
    pub ignore: Vec<String>,
    #[command(flatten)]
    pub variables: VarArgs,
    #[command(flatten)]
    pub network: NetArgs,
    /// Default timeout per request.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
    /// Collection runs at once, per environment.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Also write the comparison as a self-contained HTML page: html:FILE.
    #[arg(long, value_name = "html:FILE")]
    pub report: Option<String>,
    /// Compare two versions of an API document instead: what changed that the collections
    /// (the paths given) call — exit 1 when a change breaks a request they send.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["envs", "report"])]
    pub openapi: Option<Vec<PathBuf>>,
}

pub(crate) async fn execute(a: DiffArgs, clock: Clock) -> super::Outcome {
    if let Some(docs) = &a.openapi {
        return super::drift::execute(&docs[0], &docs[1], &a.paths, color_on(ColorChoice::Auto));
    }
    if a.envs.len() != 2 {
        return Err(CommandError::stopped(
            "`yarc diff` compares exactly two environments: --env A --env B",
            Exit::Invalid,
        ));
    }
    let file = SourceFile::new("--ignore", "");
    let ignore: Vec<Selector> = a
        .ignore
        .iter()
        .map(|p| Selector {
            source: p.clone(),
            span: Span::file_start(&file),
        })
        .collect();
    let mut runs = Vec::new();
    for env in &a.envs {
        let inputs = Inputs {
            paths: a.paths.clone(),
            env: Some(env.clone()),
            variables: a.variables.clone(),
            network: a.network.clone(),
        };
        runs.push(run_env(&inputs, &ignore, &a, clock).await?);
    }
    for p in unmatched(&ignore, &runs) {
        crate::errln!(
            "warning: `--ignore {p}` matches nothing in any response of either environment: check the path (it starts at the body's root, `$`)"
        );
    }
    let style = Style {
        color: color_on(ColorChoice::Auto),
        clock,
    };
    let (out, code, rows) = report(&runs[0], &runs[1], &a.envs[0], &a.envs[1], &style);
    // Response text inside: on GitHub no line of it may run as a workflow command.
    match crate::report::github::enabled().then(crate::untrusted::CommandGuard::new) {
        Some(g) => crate::out!("{}{out}{}", g.stop(), g.resume()),
        None => crate::out!("{out}"),
    }
    if let Some(spec) = &a.report {
        let Some(path) = spec.strip_prefix("html:") else {
            return Err(CommandError::stopped(
                format!("`--report {spec}`: yarc diff writes html:FILE"),
                Exit::Invalid,
            ));
        };
        let footer = out.lines().last().unwrap_or("").to_string();
        let page = crate::report::html::render_diff(&rows, &a.envs[0], &a.envs[1], &footer);
        if let Err(e) = crate::files::write_atomic(std::path::Path::new(path), &page) {
            return Err(CommandError::stopped(
                format!("cannot write the report `{path}`: {e}"),
                Exit::Incomplete,
            ));
        }
    }
    Ok(code)
}

/// One compared request for the HTML page: (collection, request, the diff if they differ).
pub(crate) type Row = (String, String, Option<String>);

async fn run_env(
    inputs: &Inputs,
    ignore: &[Selector],
    a: &DiffArgs,
    clock: Clock,
) -> Result<Vec<RequestRecord>, CommandError> {
    let config = lower(inputs, None, Selection::default(), Purpose::Send, clock)?;
    let Prepared {
        mut plan,
        redactor,
        net,
        sandbox: _sandbox,
        ..
    } = prepare(&config).await?;
    for p in ignore {
        if let Err(d) = plan.paths.add(p) {
            return Err(d.into());
        }
    }
    let units = crate::run::units(plan.collections.len(), 1, None);
    let options = RunOptions {
        timeout: a.timeout,
        jobs: a
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        snapshots: SnapshotMode::Keep {
            ignore: ignore.to_vec(),
        },
        net,
        token_cache: config.token_cache.clone(),
        max_token_body: config.max_token_body,
        ..RunOptions::default()
    };
    let runner = Arc::new(Runner::new(Arc::new(plan), options, redactor)?);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let ran = runner.run(units, &tx).await;
    drop(tx);
    let _ = drain.await;
    Ok(ran.records)
}

/// The `--ignore` paths that select nothing in any JSON response of both runs: a typo there
/// silently compares what the user meant to leave out.
fn unmatched<'a>(ignore: &'a [Selector], runs: &[Vec<RequestRecord>]) -> Vec<&'a str> {
    let bodies: Vec<crate::exchange::document::Node> = runs
        .iter()
        .flatten()
        .filter_map(|r| r.snapshot_text.as_deref())
        .filter_map(|t| snapshot::from_yaml(t).ok())
        .filter_map(|s| match s.body {
            snapshot::Body::Json(text) => crate::exchange::document::Node::parse(text.as_bytes()),
            _ => None,
        })
        .collect();
    ignore
        .iter()
        .filter(|p| {
            let Ok(compiled) = crate::eval::jsonpath::compile(p) else {
                return false;
            };
            !bodies.iter().any(|b| {
                crate::eval::jsonpath::select(&compiled, b).is_ok_and(|hits| !hits.is_empty())
            })
        })
        .map(|p| p.source.as_str())
        .collect()
}

/// The response part of a snapshot (where the request went may differ between environments).
fn response_text(snapshot_yaml: &str) -> String {
    let mut lines = snapshot_yaml
        .lines()
        .skip_while(|l| !l.starts_with("status:"));
    let mut out = String::new();
    for l in lines.by_ref() {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// The comparison's text and exit code: 0 all the same, 1 some differ, 3 some could not run.
/// How one request compared between the two environments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Comparison {
    Same,
    /// The unified diff of the normalised responses.
    Differs(String),
    /// Skipped in both: nothing to compare, nothing wrong.
    SkippedInBoth,
    /// No response to compare on one side, and why.
    Broken(String),
}

/// Compares the records of one environment with the other's, request by request.
pub(crate) fn compare<'a>(
    a: &'a [RequestRecord],
    b: &[RequestRecord],
    env_a: &str,
    env_b: &str,
) -> Vec<(&'a RequestRecord, Comparison)> {
    a.iter()
        .map(|ra| {
            let rb = b.iter().find(|r| {
                r.collection == ra.collection && r.name == ra.name && r.iteration == ra.iteration
            });
            (ra, compare_one(ra, rb, env_a, env_b))
        })
        .collect()
}

fn compare_one(
    ra: &RequestRecord,
    rb: Option<&RequestRecord>,
    env_a: &str,
    env_b: &str,
) -> Comparison {
    let Some(rb) = rb else {
        return Comparison::Broken(format!("not run in {env_b}"));
    };
    match (&ra.snapshot_text, &rb.snapshot_text) {
        (Some(ta), Some(tb)) => {
            let equal = match (snapshot::from_yaml(ta), snapshot::from_yaml(tb)) {
                (Ok(sa), Ok(sb)) => snapshot::same(&sa, &sb),
                _ => ta == tb,
            };
            if equal {
                Comparison::Same
            } else {
                let d = snapshot::diff(&response_text(ta), &response_text(tb), env_a, env_b);
                Comparison::Differs(d)
            }
        }
        _ if ra.state == State::Skipped && rb.state == State::Skipped => Comparison::SkippedInBoth,
        _ => {
            let why = |r: &RequestRecord, env: &str| match r.state {
                State::Skipped => format!("skipped in {env}"),
                _ => format!(
                    "{env}: {}",
                    r.message
                        .as_deref()
                        .and_then(|m| m.lines().next())
                        .unwrap_or("no response")
                ),
            };
            Comparison::Broken(if ra.snapshot_text.is_none() {
                why(ra, env_a)
            } else {
                why(rb, env_b)
            })
        }
    }
}

/// The terminal text of a comparison, its exit code, and the rows of the HTML page.
pub(crate) fn report(
    a: &[RequestRecord],
    b: &[RequestRecord],
    env_a: &str,
    env_b: &str,
    style: &Style,
) -> (String, Exit, Vec<Row>) {
    let mut out = String::new();
    let mut rows: Vec<Row> = Vec::new();
    let (mut same, mut differ, mut broken) = (0, 0, 0);
    let mut last_collection = String::new();
    for (ra, cmp) in compare(a, b, env_a, env_b) {
        if ra.collection != last_collection {
            if !last_collection.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{}\n", style.bold(&ra.collection)));
            last_collection = ra.collection.clone();
        }
        let name = &ra.name;
        match cmp {
            Comparison::Same => {
                same += 1;
                rows.push((ra.collection.clone(), name.clone(), None));
                out.push_str(&format!("  {}  {name}\n", style.pass("same   ")));
            }
            Comparison::Differs(d) => {
                differ += 1;
                out.push_str(&format!("  {}  {name}\n", style.fail("DIFFERS")));
                out.push_str(&styled_diff(&d, style));
                rows.push((ra.collection.clone(), name.clone(), Some(d)));
            }
            Comparison::SkippedInBoth => {
                out.push_str(&format!(
                    "  {}  {name} (skipped in both)\n",
                    style.dim("skipped")
                ));
            }
            Comparison::Broken(reason) => {
                broken += 1;
                out.push_str(&format!("  {}  {name}: {reason}\n", style.fail("ERROR  ")));
            }
        }
    }
    out.push_str(&format!(
        "\n{same} same, {differ} differ between {env_a} and {env_b}"
    ));
    if broken > 0 {
        out.push_str(&format!(", {broken} could not be compared"));
    }
    out.push('\n');
    let code = if broken > 0 {
        Exit::Incomplete
    } else if differ > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    };
    (out, code, rows)
}

fn styled_diff(d: &str, style: &Style) -> String {
    let mut out = String::new();
    for line in d.lines() {
        let shown = if line.starts_with("+++") || line.starts_with("---") {
            style.bold(line)
        } else if line.starts_with('+') {
            style.pass(line)
        } else if line.starts_with('-') {
            style.fail(line)
        } else {
            line.to_string()
        };
        out.push_str(&format!("             {shown}\n"));
    }
    out
}
