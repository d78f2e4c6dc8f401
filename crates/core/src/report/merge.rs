//! `yarc report merge`: the JSON reports of one run's shards read back into records, so the
//! JUnit, HTML and JSON reporters write one report of the whole run, as if it had not been
//! split. Reports of different yarc versions, formats or environments, or two reports of the
//! same shard, are refused: their totals would not mean anything.

use super::UnitInfo;
use crate::eval::Outcome;
use crate::run::record::{RequestRecord, ResponseSummary, SnapshotOutcome, State, Step, Summary};
use crate::source::{SourceFile, Span};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// One run, put back together.
#[derive(Debug)]
pub struct Merged {
    pub units: Vec<UnitInfo>,
    pub records: Vec<RequestRecord>,
    pub environment: Option<String>,
    /// The longest shard's time: shards run side by side.
    pub elapsed: Duration,
    pub interrupted: bool,
    pub exit: crate::outcome::Exit,
    pub notes: Vec<String>,
    /// Collection runs of the whole run (every shard's, together).
    pub collection_runs: usize,
    /// The shards' API coverage, added up; `None` when none had any.
    pub coverage: Option<crate::contract::Coverage>,
}

/// Why reports cannot be merged into one run's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    #[error("no report to merge")]
    Nothing,
    #[error("`{file}` is not a JSON report: {why}")]
    NotJson { file: String, why: String },
    #[error("`{0}`: a collection has no `unit` (written by a yarc older than `report merge`)")]
    NoUnit(String),
    #[error(
        "`{first}` and `{second}` both hold collection run {index} (`{path}`): the same shard twice?"
    )]
    SameUnit {
        first: String,
        second: String,
        index: usize,
        path: String,
    },
    #[error(
        "collection run{} {} of {total} {} in none of the reports: a report is missing or cut short",
        if .missing.len() == 1 { "" } else { "s" },
        .missing.join(", "),
        is_are(.missing.len())
    )]
    MissingUnits { missing: Vec<String>, total: usize },
    #[error(
        "`{first}` and `{second}` are parts of different runs ({total} and {other} collection runs)"
    )]
    DifferentRuns {
        first: String,
        second: String,
        total: u64,
        other: String,
    },
    #[error(
        "`{0}` is the report of a whole run, not of a shard (`--shard K/N`): it cannot be merged with others"
    )]
    WholeRun(String),
    #[error(
        "`{file}` is shard {k}/{n}, the others are shards of {of}: merge the shards of one run"
    )]
    OtherShards {
        file: String,
        k: u64,
        n: u64,
        of: u64,
    },
    #[error("`{first}` and `{second}` are both shard {k}/{n}")]
    SameShard {
        first: String,
        second: String,
        k: u64,
        n: u64,
    },
    #[error(
        "shard {} {} missing: merge the JSON reports of all {n} shards",
        .missing.join(", "),
        is_are(.missing.len())
    )]
    MissingShards { missing: Vec<String>, n: u64 },
    #[error(
        "`{first}` and `{second}` differ in `{key}` ({a} and {b}): merge the reports of one run, from one yarc"
    )]
    Differ {
        first: String,
        second: String,
        key: &'static str,
        a: String,
        b: String,
    },
    #[error(
        "`{file}` is report format {found}; this yarc reads format {}",
        super::json::FORMAT
    )]
    Format { file: String, found: String },
}

fn is_are(n: usize) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

/// Merges JSON reports: (where it came from, its text).
pub fn merge(inputs: &[(String, String)]) -> Result<Merged, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::Nothing);
    }
    let docs: Vec<(&str, Value)> = inputs
        .iter()
        .map(|(name, text)| {
            serde_json::from_str(text)
                .map(|v| (name.as_str(), v))
                .map_err(|e| MergeError::NotJson {
                    file: name.clone(),
                    why: e.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    same_run(&docs)?;
    let collection_runs = every_shard(&docs)?;
    let units = collection_units(&docs, collection_runs)?;
    let records: Vec<RequestRecord> = units.iter().flat_map(|(_, r)| r.clone()).collect();
    let interrupted = docs.iter().any(|(_, d)| d["interrupted"] == true);
    let summary = Summary::from_records(&records);
    let exit = match interrupted {
        // An interrupted shard ended with the signal's code (130 or 143): the whole run did.
        true => docs
            .iter()
            .filter_map(|(_, d)| d["summary"]["exit_code"].as_i64())
            .max()
            .and_then(crate::outcome::Exit::from_code)
            .unwrap_or(crate::outcome::Exit::Interrupted),
        false => summary.exit(),
    };
    let mut notes: Vec<String> = Vec::new();
    for n in docs.iter().flat_map(|(_, d)| list(d, "notes")) {
        let n = n.as_str().unwrap_or_default().to_string();
        // A shard that selected nothing is not news once the shards are one run again.
        if !n.contains("--shard") && !notes.contains(&n) {
            notes.push(n);
        }
    }
    Ok(Merged {
        units: units.into_iter().map(|(u, _)| u).collect(),
        records,
        environment: docs[0].1["environment"].as_str().map(str::to_string),
        elapsed: Duration::from_millis(
            docs.iter()
                .filter_map(|(_, d)| d["duration_ms"].as_u64())
                .max()
                .unwrap_or(0),
        ),
        interrupted,
        exit,
        notes,
        collection_runs,
        coverage: coverage(&docs),
    })
}

/// The `coverage` of every report that has one, added up.
pub fn coverage(docs: &[(&str, Value)]) -> Option<crate::contract::Coverage> {
    let mut all: Option<crate::contract::Coverage> = None;
    for (_, d) in docs {
        let Ok(c) = serde_json::from_value::<crate::contract::Coverage>(d["coverage"].clone())
        else {
            continue;
        };
        match &mut all {
            Some(a) => a.merge(&c),
            None => all = Some(c),
        }
    }
    all
}

/// Every collection run of the reports, in run order, each from exactly one report and none
/// missing.
fn collection_units(
    docs: &[(&str, Value)],
    collection_runs: usize,
) -> Result<Vec<(UnitInfo, Vec<RequestRecord>)>, MergeError> {
    let mut units: Vec<(UnitInfo, Vec<RequestRecord>)> = Vec::new();
    let mut owner: HashMap<usize, &str> = HashMap::new();
    let mut files: HashMap<String, Arc<SourceFile>> = HashMap::new();
    for (name, doc) in docs {
        for c in list(doc, "collections") {
            let index = c["unit"]
                .as_u64()
                .ok_or_else(|| MergeError::NoUnit(name.to_string()))?
                as usize;
            if let Some(first) = owner.insert(index, name) {
                return Err(MergeError::SameUnit {
                    first: first.into(),
                    second: name.to_string(),
                    index,
                    path: text(c, "path"),
                });
            }
            let info = UnitInfo {
                index,
                path: text(c, "path"),
                name: text(c, "name"),
                iteration: c["iteration"]
                    .as_u64()
                    .zip(c["iterations"].as_u64())
                    .map(|(n, t)| (n as usize, t as usize)),
            };
            let records = list(c, "requests")
                .map(|r| record(r, &info, &mut files))
                .collect();
            units.push((info, records));
        }
    }
    units.sort_by_key(|(u, _)| u.index);
    let missing: Vec<String> = (0..collection_runs)
        .filter(|i| !owner.contains_key(i))
        .map(|i| (i + 1).to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::MissingUnits {
            missing,
            total: collection_runs,
        });
    }
    Ok(units)
}

/// The shards of one run, each once and none missing; returns the whole run's collection runs.
/// Reports from before shards were recorded (no `collection_runs`) are taken as they are.
fn every_shard(docs: &[(&str, Value)]) -> Result<usize, MergeError> {
    let Some(total) = docs[0].1["collection_runs"].as_u64() else {
        return Ok(0);
    };
    let shard = |d: &Value| {
        let s = &d["shard"];
        s["index"].as_u64().zip(s["of"].as_u64())
    };
    let mut seen: HashMap<u64, &str> = HashMap::new();
    let mut of = None;
    for (name, d) in docs {
        if d["collection_runs"].as_u64() != Some(total) {
            return Err(MergeError::DifferentRuns {
                first: docs[0].0.into(),
                second: name.to_string(),
                total,
                other: shown(&d["collection_runs"]),
            });
        }
        let Some((k, n)) = shard(d) else {
            if docs.len() > 1 {
                return Err(MergeError::WholeRun(name.to_string()));
            }
            continue;
        };
        if let Some(o) = of.filter(|o| *o != n) {
            return Err(MergeError::OtherShards {
                file: name.to_string(),
                k,
                n,
                of: o,
            });
        }
        of = Some(n);
        if let Some(first) = seen.insert(k, name) {
            return Err(MergeError::SameShard {
                first: first.into(),
                second: name.to_string(),
                k,
                n,
            });
        }
    }
    if let Some(n) = of {
        let missing: Vec<String> = (1..=n)
            .filter(|k| !seen.contains_key(k))
            .map(|k| format!("{k}/{n}"))
            .collect();
        if !missing.is_empty() {
            return Err(MergeError::MissingShards { missing, n });
        }
    }
    Ok(total as usize)
}

/// The same yarc, format and environment in every report.
fn same_run(docs: &[(&str, Value)]) -> Result<(), MergeError> {
    for key in ["format", "tool", "environment"] {
        let first = &docs[0].1[key];
        if let Some((name, other)) = docs.iter().find(|(_, d)| d[key] != *first) {
            return Err(MergeError::Differ {
                first: docs[0].0.into(),
                second: name.to_string(),
                key,
                a: shown(first),
                b: shown(&other[key]),
            });
        }
    }
    if docs[0].1["format"] != super::json::FORMAT {
        return Err(MergeError::Format {
            file: docs[0].0.into(),
            found: shown(&docs[0].1["format"]),
        });
    }
    Ok(())
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v[key].as_array().into_iter().flatten()
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn millis(v: &Value) -> Duration {
    Duration::from_millis(v.as_u64().unwrap_or(0))
}

/// A span for a file a report names (only its path and position are shown).
fn span(
    files: &mut HashMap<String, Arc<SourceFile>>,
    path: &str,
    line: &Value,
    col: &Value,
) -> Span {
    let file = files
        .entry(path.to_string())
        .or_insert_with(|| SourceFile::new(path, ""));
    let n = |v: &Value| v.as_u64().unwrap_or(1).min(u32::MAX as u64) as u32;
    Span::new(file, n(line), n(col), 0)
}

fn record(
    r: &Value,
    unit: &UnitInfo,
    files: &mut HashMap<String, Arc<SourceFile>>,
) -> RequestRecord {
    let outcomes = list(r, "assertions")
        .map(|a| Outcome {
            span: span(
                files,
                a["file"].as_str().unwrap_or_default(),
                &a["line"],
                &a["column"],
            ),
            written: text(a, "assertion"),
            passed: a["passed"] == true,
            expected: text(a, "expected"),
            actual: text(a, "actual"),
            warning: a["warning"] == true,
        })
        .collect();
    RequestRecord {
        collection: unit.path.clone(),
        name: text(r, "full_name"),
        span: span(
            files,
            r["file"].as_str().unwrap_or_default(),
            &r["line"],
            &r["column"],
        ),
        method: text(r, "method"),
        url: text(r, "url"),
        state: state(r["state"].as_str().unwrap_or_default()),
        status: r["status"].as_u64().map(|s| s as u16),
        started: millis(&r["started_ms"]),
        duration: millis(&r["duration_ms"]),
        attempts: r["attempts"].as_u64().unwrap_or(0) as u32,
        last_duration: r["last_attempt_ms"].as_u64().map(Duration::from_millis),
        steps: list(r, "steps").map(step).collect(),
        outcomes,
        captures: r["captures"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        message: r["message"].as_str().map(str::to_string),
        request_headers: Vec::new(),
        response: response(&r["response"]),
        curl: r["curl"].as_str().map(str::to_string),
        unit: unit.index,
        iteration: unit.iteration.map(|(n, _)| n),
        groups: list(r, "groups")
            .filter_map(|g| g.as_str().map(str::to_string))
            .collect(),
        request: text(r, "name"),
        snapshot: snapshot(&r["snapshot"]),
        snapshot_key: None,
        snapshot_text: None,
        body: None,
        wire: None,
        contract: serde_json::from_value(r["contract"].clone()).ok(),
    }
}

fn state(s: &str) -> State {
    match s {
        "passed" => State::Passed,
        "failed" => State::Failed,
        "errored" => State::Errored,
        "invalid" => State::Invalid,
        "skipped" => State::Skipped,
        "rendered" => State::Rendered,
        _ => State::NotRun,
    }
}

fn step(s: &Value) -> Step {
    match s["step"].as_str() {
        Some("token") => Step::Token {
            fetched_from: s["url"].as_str().map(str::to_string),
            stored: s["source"] == "token_cache",
            duration: millis(&s["duration_ms"]),
            answer: None,
            sent: None,
        },
        _ => Step::Sent {
            attempt: s["attempt"].as_u64().unwrap_or(1) as u32,
            status: s["status"].as_u64().unwrap_or(0) as u16,
            duration: millis(&s["duration_ms"]),
            then: s["then"].as_str().map(str::to_string),
        },
    }
}

fn response(v: &Value) -> Option<ResponseSummary> {
    let o = v.as_object()?;
    Some(ResponseSummary {
        status: o.get("status")?.as_u64()? as u16,
        headers: list(v, "headers")
            .filter_map(|h| Some((h[0].as_str()?.to_string(), h[1].as_str()?.to_string())))
            .collect(),
        body: text(v, "body"),
        body_len: v["body_length"].as_u64().unwrap_or(0) as usize,
    })
}

fn snapshot(v: &Value) -> Option<SnapshotOutcome> {
    let file = text(v, "file");
    let diff = text(v, "diff");
    Some(match v["outcome"].as_str()? {
        "new" => SnapshotOutcome::New { file },
        "same" => SnapshotOutcome::Same { file },
        "changed" => SnapshotOutcome::Changed {
            file,
            diff,
            pending: v["pending"].as_str().map(str::to_string),
        },
        "updated" => SnapshotOutcome::Updated { file, diff },
        "missing" => SnapshotOutcome::Missing { file },
        "not_kept" => SnapshotOutcome::NotKept {
            file,
            diff: v["diff"].as_str().map(str::to_string),
        },
        _ => SnapshotOutcome::Error {
            file,
            message: text(v, "message"),
        },
    })
}
