//! The HTML report (`--report html:FILE`): one self-contained page — inline CSS and SVG, no
//! script, nothing from the network — with the run's totals, a timeline of every request
//! (a waterfall when files run side by side), and each request with its assertions, captures,
//! snapshot diff and response. Failures come first and open; passes are collapsed; a checkbox
//! hides passes without any script. Light and dark, printable. Everything in it is masked.
//! The pages are minijinja templates beside this file (`run.html`, `diff.html`), rendered
//! with every value escaped.

use super::{RunReport, UnitInfo};
use crate::clock::Clock;
use crate::run::record::{RequestRecord, SnapshotOutcome, State, Timing};
use minijinja::value::Serde;
use serde::Serialize;
use std::time::Duration;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root{--bg:#fff;--fg:#1d2127;--muted:#5c6670;--line:#d9dee3;--card:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--err:#bc4c00;--skip:#6e7781;--del:#ffebe9;--ins:#dafbe1;--code:#f3f4f6}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#30363d;--card:#161b22;--pass:#3fb950;--fail:#f85149;--err:#db6d28;--skip:#8b949e;--del:#4b1d1f;--ins:#12361f;--code:#1c2128}}
*{box-sizing:border-box}body{margin:0;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.meta{color:var(--muted);margin:0 0 12px}
.totals{display:flex;gap:12px;flex-wrap:wrap;list-style:none;padding:0;margin:0 0 12px}.totals li{padding:6px 12px;border-radius:6px;background:var(--card);border:1px solid var(--line);font-weight:600}
.t-passed{color:var(--pass)}.t-failed{color:var(--fail)}.t-errored{color:var(--err)}.t-skipped{color:var(--skip)}
.filter{margin-right:6px}.filter:checked~main .request.passed,.filter:checked~main .request.skipped,.filter:checked~main .request.not_run,.filter:checked~main .collection.clean{display:none}
.timeline svg{width:100%;height:auto;background:var(--card);border:1px solid var(--line);border-radius:6px}
.bar.passed{fill:var(--pass)}.bar.failed{fill:var(--fail)}.bar.errored{fill:var(--err)}.bar.skipped,.bar.not_run,.bar.rendered{fill:var(--skip)}
.collection{border-top:1px solid var(--line);margin-top:16px}.collection h2 .name{color:var(--muted);font-weight:400}
details.request{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--card)}details.request>summary{cursor:pointer;padding:6px 10px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
details.request>div{padding:4px 12px 12px;border-top:1px solid var(--line)}
.badge{font-weight:700;font-size:12px;min-width:44px}.passed .badge{color:var(--pass)}.failed .badge{color:var(--fail)}.errored .badge{color:var(--err)}.skipped .badge,.not_run .badge,.rendered .badge{color:var(--skip)}
.method{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-weight:600}.url{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--muted);word-break:break-all}.status,.time{color:var(--muted)}
table.assertions{border-collapse:collapse;width:100%;margin:8px 0}table.assertions td,table.assertions th{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-word}
tr.fail td:first-child{color:var(--fail);font-weight:700}tr.pass td:first-child{color:var(--pass)}tr.warn td:first-child{color:var(--err);font-weight:700}
pre{background:var(--code);padding:8px;border-radius:4px;overflow:auto;font-size:12px;margin:6px 0;white-space:pre-wrap;word-break:break-word}
pre.diff .del{background:var(--del);display:block}pre.diff .ins{background:var(--ins);display:block}pre.diff .hunk{color:var(--muted);display:block}
.message{color:var(--fail);white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.where{color:var(--muted);font-size:12px}
@media print{.filter,label[for=only-failures]{display:none}details.request{break-inside:avoid}details.request>div{display:block}body{padding:0}}
"#;

fn state_class(s: State) -> &'static str {
    crate::report::json::state_name(s)
}

fn badge(s: State) -> &'static str {
    match s {
        State::Passed => "PASS",
        State::Failed => "FAIL",
        State::Errored | State::Invalid => "ERROR",
        State::Skipped => "SKIP",
        State::NotRun => "NOT RUN",
        State::Rendered => "DRY",
    }
}

/// "response times: min 1 ms, median 3 ms, p95 12 ms, max 40 ms".
fn times(t: &Timing, clock: Clock) -> String {
    format!(
        "response times: min {}, median {}, p95 {}, max {}",
        clock.duration(t.min),
        clock.duration(t.median),
        clock.duration(t.p95),
        clock.duration(t.max)
    )
}

fn duration(d: Duration, clock: Clock) -> String {
    clock.duration(d)
}

/// The templates, compiled once; every value they print is escaped unless marked `safe` (the
/// stylesheet only).
fn templates() -> &'static minijinja::Environment<'static> {
    static ENV: std::sync::OnceLock<minijinja::Environment<'static>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        // Block tags on lines of their own leave no blank lines; the page ends with a newline.
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.set_formatter(|out, state, value| {
            if value.is_safe() || *state.auto_escape() == minijinja::AutoEscape::None {
                return minijinja::escape_formatter(out, state, value);
            }
            let text = match value.as_str() {
                Some(s) => escape(s),
                None => escape(&value.to_string()),
            };
            out.write_str(&text).map_err(minijinja::Error::from)
        });
        for (name, source) in [
            ("page.html", include_str!("page.html")),
            ("macros.html", include_str!("macros.html")),
            ("run.html", include_str!("run.html")),
            ("diff.html", include_str!("diff.html")),
        ] {
            if let Err(e) = env.add_template(name, source) {
                // Compiled into the binary and tested: a broken one shows in every report.
                let _ = env.add_template_owned(name.to_string(), format!("{{# {e} #}}"));
            }
        }
        env
    })
}

/// A page from its template, or (never expected) one that says why it could not be made.
fn page(name: &str, context: minijinja::Value) -> String {
    templates()
        .get_template(name)
        .and_then(|t| t.render(context))
        .unwrap_or_else(|e| {
            format!(
                "<!doctype html>\n<title>yarc report</title>\n<p>the report could not be rendered: {}</p>\n",
                escape(&e.to_string())
            )
        })
}

pub fn render(run: &RunReport) -> String {
    let (units, records, summary) = (run.units, run.records, run.summary);
    // Collections with failures first; requests inside keep their order, since they chain.
    let failing = |u: &UnitInfo| {
        records
            .iter()
            .any(|r| r.unit == u.index && r.state.is_failure())
    };
    let mut ordered: Vec<&UnitInfo> = units.iter().filter(|u| failing(u)).collect();
    ordered.extend(units.iter().filter(|u| !failing(u)));
    let collections: Vec<CollectionView> = ordered
        .into_iter()
        .map(|u| collection(u, records, failing(u), run.clock))
        .collect();
    let meta: Vec<String> = run
        .notes
        .iter()
        .cloned()
        .chain(Timing::of(run.records).map(|t| times(&t, run.clock)))
        .collect();
    page(
        "run.html",
        minijinja::context! {
            title => format!("yarc — {}", summary.line()),
            css => CSS,
            environment => run.environment,
            when => run.clock.date(),
            took => duration(run.elapsed, run.clock),
            interrupted => run.interrupted,
            exit_code => run.exit.code(),
            meta => meta,
            totals => minijinja::context! {
                passed => summary.passed,
                failed => summary.failed,
                errors => summary.errored + summary.invalid,
                skipped => summary.skipped,
                new_snapshots => summary.new_snapshots,
            },
            timeline => Serde(timeline(records, run.clock)),
            coverage => Serde(run.coverage.map(coverage).unwrap_or_default()),
            collections => Serde(collections),
        },
    )
}

#[derive(Serialize)]
struct CoverageView {
    document: String,
    operations: String,
    responses: String,
    unmatched: usize,
    rows: Vec<CoverageRow>,
}

#[derive(Serialize)]
struct CoverageRow {
    class: &'static str,
    mark: &'static str,
    operation: String,
    calls: usize,
    seen: String,
    missing: String,
}

/// Each document's operations, what is untested first.
fn coverage(c: &crate::contract::Coverage) -> Vec<CoverageView> {
    c.documents
        .iter()
        .map(|d| {
            let one = crate::contract::Coverage {
                documents: vec![d.clone()],
            };
            let (ops, resp) = (one.operations(), one.responses());
            CoverageView {
                document: d.document.clone(),
                operations: format!(
                    "{} of {} operations called ({} %)",
                    ops.seen,
                    ops.total,
                    ops.percent()
                ),
                responses: format!(
                    "{} of {} documented responses seen ({} %)",
                    resp.seen,
                    resp.total,
                    resp.percent()
                ),
                unmatched: d.unmatched,
                rows: d
                    .untested_first()
                    .into_iter()
                    .map(|o| {
                        let missing = o.not_seen();
                        let (class, mark) = match (o.calls, o.complete()) {
                            (0, _) => ("fail", "✗"),
                            (_, false) => ("warn", "!"),
                            (_, true) => ("pass", "✓"),
                        };
                        CoverageRow {
                            class,
                            mark,
                            operation: o.operation.clone(),
                            calls: o.calls,
                            seen: o.seen.join(", "),
                            missing: missing.join(", "),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct TimelineView {
    width: String,
    height: String,
    bars: Vec<BarView>,
}

#[derive(Serialize)]
struct BarView {
    class: &'static str,
    x: String,
    y: String,
    w: String,
    h: String,
    name: String,
    badge: &'static str,
    time: String,
}

/// One bar per request in start order; overlapping bars are files running side by side.
fn timeline(records: &[RequestRecord], clock: Clock) -> Option<TimelineView> {
    if records.is_empty() {
        return None;
    }
    let mut order: Vec<&RequestRecord> = records.iter().collect();
    order.sort_by_key(|r| r.started);
    let test = clock == Clock::Fixed;
    let end = order
        .iter()
        .map(|r| r.started + r.duration)
        .max()
        .unwrap_or_default()
        .as_secs_f64()
        .max(0.001);
    let row = 10.0;
    let width = 1000.0;
    let height = (order.len() as f64 * row).max(row) + 4.0;
    let bars = order
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // Test mode draws every bar alike, so the golden file does not depend on the clock.
            let (x, w) = if test {
                (
                    i as f64 * width / order.len() as f64,
                    width / order.len() as f64,
                )
            } else {
                (
                    r.started.as_secs_f64() / end * width,
                    (r.duration.as_secs_f64() / end * width).max(4.0),
                )
            };
            BarView {
                class: state_class(r.state),
                x: format!("{x:.1}"),
                y: format!("{:.1}", 2.0 + i as f64 * row),
                w: format!("{w:.1}"),
                h: format!("{:.1}", row - 1.0),
                name: r.name.clone(),
                badge: badge(r.state),
                time: duration(r.duration, clock),
            }
        })
        .collect();
    Some(TimelineView {
        width: format!("{width}"),
        height: format!("{height}"),
        bars,
    })
}

#[derive(Serialize)]
struct CollectionView {
    failing: bool,
    index: usize,
    path: String,
    iteration: String,
    name: String,
    times: Option<String>,
    requests: Vec<RequestView>,
}

fn collection(
    u: &UnitInfo,
    records: &[RequestRecord],
    failing: bool,
    clock: Clock,
) -> CollectionView {
    let mine = || records.iter().filter(|r| r.unit == u.index);
    CollectionView {
        failing,
        index: u.index,
        path: u.path.clone(),
        iteration: u
            .iteration
            .map(|(n, t)| format!(" [iteration {n}/{t}]"))
            .unwrap_or_default(),
        name: u.name.clone(),
        times: Timing::of(mine()).map(|t| times(&t, clock)),
        requests: mine().map(|r| request(r, clock)).collect(),
    }
}

#[derive(Serialize)]
struct RequestView {
    class: &'static str,
    open: bool,
    badge: &'static str,
    name: String,
    method: String,
    url: String,
    status: String,
    time: String,
    r#where: String,
    message: Option<String>,
    outcomes: Vec<OutcomeView>,
    snapshot: Option<SnapshotView>,
    captures: Vec<String>,
    response: Option<ResponseView>,
    curl: Option<String>,
}

#[derive(Serialize)]
struct OutcomeView {
    passed: bool,
    warning: bool,
    written: String,
    expected: String,
    actual: String,
    at: String,
}

#[derive(Serialize)]
struct ResponseView {
    status: u16,
    body_len: usize,
    headers: String,
    body: String,
}

fn request(r: &RequestRecord, clock: Clock) -> RequestView {
    RequestView {
        class: state_class(r.state),
        open: r.state.is_failure(),
        badge: badge(r.state),
        name: r.name.clone(),
        method: r.method.clone(),
        url: r.url.clone(),
        status: r
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "—".into()),
        time: duration(r.duration, clock),
        r#where: r.span.to_string(),
        message: r.message.clone(),
        outcomes: r
            .outcomes
            .iter()
            .map(|o| OutcomeView {
                passed: o.passed,
                warning: o.warning,
                written: o.written.clone(),
                expected: o.expected.clone(),
                actual: o.actual.clone(),
                at: format!("{}:{}", o.span.line, o.span.col),
            })
            .collect(),
        snapshot: snapshot(r),
        captures: r
            .captures
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect(),
        response: r.response.as_ref().map(|resp| ResponseView {
            status: resp.status,
            body_len: resp.body_len,
            headers: resp
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\n"))
                .collect(),
            body: resp.body.clone(),
        }),
        curl: r.curl.clone(),
    }
}

/// What the snapshot came to, as one line (`alarm`: shown as a failure) and its diff.
#[derive(Serialize)]
struct SnapshotView {
    alarm: bool,
    text: String,
    diff: Option<Vec<DiffLine>>,
}

fn snapshot(r: &RequestRecord) -> Option<SnapshotView> {
    let view = |alarm, text: String, diff: Option<&String>| SnapshotView {
        alarm,
        text,
        diff: diff.map(|d| diff_lines(d)),
    };
    Some(match r.snapshot.as_ref()? {
        SnapshotOutcome::Changed { file, diff, .. } => view(
            true,
            format!("the response differs from the snapshot {file}"),
            Some(diff),
        ),
        SnapshotOutcome::Updated { file, diff } => {
            view(false, format!("snapshot updated: {file}"), Some(diff))
        }
        SnapshotOutcome::New { file } => view(false, format!("new snapshot written: {file}"), None),
        SnapshotOutcome::NotKept { file, diff } => view(
            false,
            format!("the request failed, so its response was not kept as the snapshot {file}"),
            diff.as_ref(),
        ),
        SnapshotOutcome::Missing { file } => view(
            true,
            format!("no snapshot {file} (--ci never writes one)"),
            None,
        ),
        SnapshotOutcome::Error { file, message } => {
            view(true, format!("snapshot {file}: {message}"), None)
        }
        SnapshotOutcome::Same { .. } => return None,
    })
}

/// One line of a unified diff and how it is shown: `ins`, `del`, `hunk`, or `ctx` / `file`
/// (plain).
#[derive(Serialize)]
struct DiffLine {
    class: &'static str,
    text: String,
}

fn diff_lines(diff: &str) -> Vec<DiffLine> {
    diff.lines()
        .map(|line| DiffLine {
            class: if line.starts_with("+++") || line.starts_with("---") {
                "file"
            } else if line.starts_with('+') {
                "ins"
            } else if line.starts_with('-') {
                "del"
            } else if line.starts_with("@@") {
                "hunk"
            } else {
                "ctx"
            },
            text: line.to_string(),
        })
        .collect()
}

/// The page `yarc diff --report html:FILE` writes: each request, same or its diff.
pub fn render_diff(
    rows: &[(String, String, Option<String>)],
    env_a: &str,
    env_b: &str,
    footer: &str,
) -> String {
    #[derive(Serialize)]
    struct Row {
        index: usize,
        name: String,
        diff: Option<Vec<DiffLine>>,
    }
    #[derive(Serialize)]
    struct Section {
        collection: String,
        rows: Vec<Row>,
    }
    let mut sections: Vec<Section> = Vec::new();
    for (index, (collection, name, diff)) in rows.iter().enumerate() {
        if sections.last().is_none_or(|s| s.collection != *collection) {
            sections.push(Section {
                collection: collection.clone(),
                rows: Vec::new(),
            });
        }
        if let Some(s) = sections.last_mut() {
            s.rows.push(Row {
                index,
                name: name.clone(),
                diff: diff.as_deref().map(diff_lines),
            });
        }
    }
    page(
        "diff.html",
        minijinja::context! {
            title => format!("yarc diff — {env_a} vs {env_b}"),
            css => CSS,
            env_a => env_a,
            env_b => env_b,
            footer => footer,
            sections => Serde(sections),
        },
    )
}
