//! The JSON report: every request with its rendered (masked) method and URL, status, time,
//! each assertion's outcome, captures (masked) and messages. Its structure is documented in
//! docs/json-report.md; `format` changes when it does.

use super::RunReport;
use crate::clock::Clock;
use crate::run::record::{RequestRecord, SnapshotOutcome, State, Step};
use serde_json::{Value, json};

pub const FORMAT: u32 = 1;

pub fn render(run: &RunReport) -> String {
    let summary = run.summary;
    let collections: Vec<Value> = run
        .units
        .iter()
        .map(|u| {
            let requests: Vec<Value> = run
                .records
                .iter()
                .filter(|r| r.unit == u.index)
                .map(|r| request(r, run.clock))
                .collect();
            json!({
                "unit": u.index,
                "path": u.path,
                "name": u.name,
                "iteration": u.iteration.map(|(n, _)| n),
                "iterations": u.iteration.map(|(_, t)| t),
                "response_times": response_times(
                    run.records.iter().filter(|r| r.unit == u.index),
                    run.clock,
                ),
                "requests": requests,
            })
        })
        .collect();
    let doc = json!({
        "format": FORMAT,
        "tool": format!("yarc {}", env!("CARGO_PKG_VERSION")),
        "environment": run.environment,
        "duration_ms": run.clock.millis(run.elapsed),
        "interrupted": run.interrupted,
        "notes": run.notes,
        "shard": run.part.shard.map(|(k, n)| json!({ "index": k, "of": n })),
        "collection_runs": run.part.collection_runs,
        "summary": {
            "passed": summary.passed,
            "failed": summary.failed,
            "errored": summary.errored,
            "invalid": summary.invalid,
            "skipped": summary.skipped,
            "rendered": summary.rendered,
            "new_snapshots": summary.new_snapshots,
            "updated_snapshots": summary.updated_snapshots,
            "exit_code": run.exit.code(),
            "response_times": response_times(run.records, run.clock),
        },
        "collections": collections,
    });
    let mut doc = doc;
    if let (Some(c), Value::Object(o)) = (run.coverage, &mut doc) {
        o.insert(
            "coverage".into(),
            serde_json::to_value(c).unwrap_or_default(),
        );
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn snapshot(s: &SnapshotOutcome) -> Value {
    let (file, diff, pending) = match s {
        SnapshotOutcome::New { file }
        | SnapshotOutcome::Same { file }
        | SnapshotOutcome::Missing { file } => (file, None, None),
        SnapshotOutcome::Changed {
            file,
            diff,
            pending,
        } => (file, Some(diff), pending.as_ref()),
        SnapshotOutcome::Updated { file, diff } => (file, Some(diff), None),
        SnapshotOutcome::NotKept { file, diff } => (file, diff.as_ref(), None),
        SnapshotOutcome::Error { file, .. } => (file, None, None),
    };
    let message = match s {
        SnapshotOutcome::Error { message, .. } => Some(message),
        _ => None,
    };
    json!({ "outcome": s.name(), "file": file, "diff": diff, "pending": pending, "message": message })
}

/// Min, median, p95 and max of the requests that got a response; null when none did.
fn response_times<'a>(records: impl IntoIterator<Item = &'a RequestRecord>, clock: Clock) -> Value {
    match crate::run::record::Timing::of(records) {
        Some(t) => json!({
            "count": t.count,
            "min_ms": clock.millis(t.min),
            "median_ms": clock.millis(t.median),
            "p95_ms": clock.millis(t.p95),
            "max_ms": clock.millis(t.max),
        }),
        None => Value::Null,
    }
}

fn step(s: &Step, clock: Clock) -> Value {
    match s {
        Step::Token {
            fetched_from,
            stored,
            duration,
            ..
        } => json!({
            "step": "token",
            "source": if fetched_from.is_some() { "fetched" } else if *stored { "token_cache" } else { "run" },
            "url": fetched_from,
            "duration_ms": clock.millis(*duration),
        }),
        Step::Sent {
            attempt,
            status,
            duration,
            then,
        } => json!({
            "step": "send",
            "attempt": attempt,
            "status": status,
            "duration_ms": clock.millis(*duration),
            "then": then,
        }),
    }
}

pub fn state_name(s: State) -> &'static str {
    match s {
        State::Passed => "passed",
        State::Failed => "failed",
        State::Errored => "errored",
        State::Invalid => "invalid",
        State::Skipped => "skipped",
        State::Rendered => "rendered",
        State::NotRun => "not_run",
    }
}

/// One request's record as the JSON report (and `yarc ui`) shows it.
pub fn request(r: &RequestRecord, clock: Clock) -> Value {
    let assertions: Vec<Value> = r
        .outcomes
        .iter()
        .map(|o| {
            let mut a = json!({
                "assertion": o.written,
                "file": o.span.path(),
                "line": o.span.line,
                "column": o.span.col,
                "passed": o.passed,
                "expected": o.expected,
                "actual": o.actual,
            });
            if o.warning {
                a["warning"] = Value::Bool(true);
            }
            a
        })
        .collect();
    let captures: serde_json::Map<String, Value> = r.captures.iter().cloned().collect();
    let mut doc = json!({
        "name": r.request,
        "groups": r.groups,
        "full_name": r.name,
        "file": r.span.path(),
        "line": r.span.line,
        "column": r.span.col,
        "state": state_name(r.state),
        "method": r.method,
        "url": r.url,
        "status": r.status,
        "duration_ms": clock.millis(r.duration),
        "last_attempt_ms": r.last_duration.map(|d| clock.millis(d)),
        "attempts": r.attempts,
        "steps": r.steps.iter().map(|s| step(s, clock)).collect::<Vec<_>>(),
        "assertions": assertions,
        "captures": captures,
        "message": r.message,
        "snapshot": r.snapshot.as_ref().map(snapshot),
        "started_ms": clock.millis(r.started),
        "response": r.response.as_ref().map(|resp| json!({
            "status": resp.status,
            "headers": resp.headers,
            "body": resp.body,
            "body_length": resp.body_len,
        })),
        "curl": r.curl,
    });
    // Only where a request was held to an API document, so other reports stay as they were.
    if let (Some(hit), Value::Object(o)) = (&r.contract, &mut doc) {
        o.insert(
            "contract".into(),
            serde_json::to_value(hit).unwrap_or_default(),
        );
    }
    doc
}
