//! The HTML report (`--report html:FILE`): one self-contained page — inline CSS and SVG, no
//! script, nothing from the network — with the run's totals, a timeline of every request
//! (a waterfall when files run side by side), and each request with its assertions, captures,
//! snapshot diff and response. Failures come first and open; passes are collapsed; a checkbox
//! hides passes without any script. Light and dark, printable. Everything in it is masked.

use super::{RunReport, UnitInfo};
use crate::clock::Clock;
use crate::run::record::{RequestRecord, SnapshotOutcome, State, Summary, Timing};
use std::fmt::Write as _;
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
tr.fail td:first-child{color:var(--fail);font-weight:700}tr.pass td:first-child{color:var(--pass)}
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

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

pub fn render(run: &RunReport) -> String {
    let (units, records, summary) = (run.units, run.records, run.summary);
    let mut out = String::with_capacity(64 * 1024 + records.len() * 2048);
    head(&mut out, &format!("yarc — {}", summary.line()));
    header(&mut out, summary, run);
    out.push_str("<input type=\"checkbox\" id=\"only-failures\" class=\"filter\"><label for=\"only-failures\">Show failures only</label>\n");
    timeline(&mut out, records, run.clock);
    out.push_str("<main>\n");
    // Collections with failures first; requests inside keep their order, since they chain.
    let failing = |u: &UnitInfo| {
        records
            .iter()
            .any(|r| r.unit == u.index && r.state.is_failure())
    };
    let mut ordered: Vec<&UnitInfo> = units.iter().filter(|u| failing(u)).collect();
    ordered.extend(units.iter().filter(|u| !failing(u)));
    for u in ordered {
        collection(&mut out, u, records, failing(u), run.clock);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn header(out: &mut String, s: &Summary, run: &RunReport) {
    let when = run.clock.date();
    let env = run
        .environment
        .map(|e| format!("environment <b>{}</b> · ", escape(e)))
        .unwrap_or_default();
    let interrupted = if run.interrupted {
        " · <b>interrupted</b>"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<header class=\"summary\">\n<h1>yarc run</h1>\n<p class=\"meta\">{env}{} · took {}{interrupted} · exit code <b>{}</b></p>\n{}<ul class=\"totals\">\n<li class=\"t-passed\">{} passed</li>\n<li class=\"t-failed\">{} failed</li>\n<li class=\"t-errored\">{} errors</li>\n<li class=\"t-skipped\">{} skipped</li>\n<li class=\"t-new\">{} new snapshots</li>\n</ul>\n</header>\n",
        escape(&when),
        escape(&duration(run.elapsed, run.clock)),
        run.exit.code(),
        run.notes
            .iter()
            .map(|n| format!("<p class=\"meta\">{}</p>\n", escape(n)))
            .chain(
                Timing::of(run.records)
                    .map(|t| format!("<p class=\"meta\">{}</p>\n", escape(&times(&t, run.clock)))),
            )
            .collect::<String>(),
        s.passed,
        s.failed,
        s.errored + s.invalid,
        s.skipped,
        s.new_snapshots
    );
}

/// One bar per request in start order; overlapping bars are files running side by side.
fn timeline(out: &mut String, records: &[RequestRecord], clock: Clock) {
    if records.is_empty() {
        return;
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
    let _ = writeln!(
        out,
        "<section class=\"timeline\"><h2>Timeline</h2>\n<svg viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"request timeline\">"
    );
    for (i, r) in order.iter().enumerate() {
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
        let _ = writeln!(
            out,
            "<rect class=\"bar {}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"><title>{} — {} {}</title></rect>",
            state_class(r.state),
            2.0 + i as f64 * row,
            row - 1.0,
            escape(&r.name),
            badge(r.state),
            escape(&duration(r.duration, clock))
        );
    }
    out.push_str("</svg></section>\n");
}

fn collection(
    out: &mut String,
    u: &UnitInfo,
    records: &[RequestRecord],
    failing: bool,
    clock: Clock,
) {
    let it = u
        .iteration
        .map(|(n, t)| format!(" [iteration {n}/{t}]"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<section class=\"collection{}\" id=\"c-{}\">\n<h2>{}{} <span class=\"name\">— {}</span></h2>",
        if failing { "" } else { " clean" },
        u.index,
        escape(&u.path),
        escape(&it),
        escape(&u.name)
    );
    if let Some(t) = Timing::of(records.iter().filter(|r| r.unit == u.index)) {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&times(&t, clock)));
    }
    for (i, r) in records.iter().filter(|r| r.unit == u.index).enumerate() {
        request(out, u.index, i, r, clock);
    }
    out.push_str("</section>\n");
}

fn request(out: &mut String, unit: usize, i: usize, r: &RequestRecord, clock: Clock) {
    let failed = r.state.is_failure();
    let status = r
        .status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "—".into());
    let _ = writeln!(
        out,
        "<details class=\"request {}\" id=\"r-{unit}-{i}\"{}>\n<summary><span class=\"badge\">{}</span> <span class=\"rname\">{}</span> <span class=\"method\">{}</span> <span class=\"url\">{}</span> <span class=\"status\">{}</span> <span class=\"time\">{}</span></summary>\n<div>",
        state_class(r.state),
        if failed { " open" } else { "" },
        badge(r.state),
        escape(&r.name),
        escape(&r.method),
        escape(&r.url),
        escape(&status),
        escape(&duration(r.duration, clock))
    );
    let _ = writeln!(
        out,
        "<p class=\"where\">{}</p>",
        escape(&r.span.to_string())
    );
    if let Some(m) = &r.message {
        let _ = writeln!(out, "<p class=\"message\">{}</p>", escape(m));
    }
    if !r.outcomes.is_empty() {
        out.push_str("<table class=\"assertions\"><tr><th></th><th>assertion</th><th>expected</th><th>actual</th><th>at</th></tr>\n");
        for o in &r.outcomes {
            let _ = writeln!(
                out,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if o.passed { "pass" } else { "fail" },
                if o.passed { "✓" } else { "✗" },
                escape(&o.written),
                escape(&o.expected),
                escape(&o.actual),
                escape(&format!("{}:{}", o.span.line, o.span.col))
            );
        }
        out.push_str("</table>\n");
    }
    snapshot(out, r);
    if !r.captures.is_empty() {
        out.push_str("<p>captured:</p><pre class=\"captures\">");
        for (k, v) in &r.captures {
            let _ = writeln!(out, "{} = {}", escape(k), escape(&v.to_string()));
        }
        out.push_str("</pre>\n");
    }
    if let Some(resp) = &r.response {
        let mut headers = String::new();
        for (k, v) in &resp.headers {
            let _ = writeln!(headers, "{k}: {v}");
        }
        let _ = writeln!(
            out,
            "<p>response {} ({} bytes):</p><pre class=\"headers\">{}</pre><pre class=\"body\">{}</pre>",
            resp.status,
            resp.body_len,
            escape(&headers),
            escape(&resp.body)
        );
    }
    if let Some(curl) = &r.curl {
        let _ = writeln!(out, "<pre class=\"curl\">{}</pre>", escape(curl));
    }
    out.push_str("</div>\n</details>\n");
}

fn snapshot(out: &mut String, r: &RequestRecord) {
    match &r.snapshot {
        Some(SnapshotOutcome::Changed { file, diff, .. }) => {
            let _ = writeln!(
                out,
                "<p class=\"message\">the response differs from the snapshot {}</p>",
                escape(file)
            );
            diff_block(out, diff);
        }
        Some(SnapshotOutcome::Updated { file, diff }) => {
            let _ = writeln!(out, "<p>snapshot updated: {}</p>", escape(file));
            diff_block(out, diff);
        }
        Some(SnapshotOutcome::New { file }) => {
            let _ = writeln!(out, "<p>new snapshot written: {}</p>", escape(file));
        }
        Some(SnapshotOutcome::NotKept { file, diff }) => {
            let _ = writeln!(
                out,
                "<p>the request failed, so its response was not kept as the snapshot {}</p>",
                escape(file)
            );
            if let Some(d) = diff {
                diff_block(out, d);
            }
        }
        Some(SnapshotOutcome::Missing { file }) => {
            let _ = writeln!(
                out,
                "<p class=\"message\">no snapshot {} (--ci never writes one)</p>",
                escape(file)
            );
        }
        Some(SnapshotOutcome::Error { file, message }) => {
            let _ = writeln!(
                out,
                "<p class=\"message\">snapshot {}: {}</p>",
                escape(file),
                escape(message)
            );
        }
        Some(SnapshotOutcome::Same { .. }) | None => {}
    }
}

/// A unified diff with its changed lines highlighted.
pub fn diff_block(out: &mut String, diff: &str) {
    out.push_str("<pre class=\"diff\">");
    for line in diff.lines() {
        let class = if line.starts_with("+++") || line.starts_with("---") {
            "file"
        } else if line.starts_with('+') {
            "ins"
        } else if line.starts_with('-') {
            "del"
        } else if line.starts_with("@@") {
            "hunk"
        } else {
            "ctx"
        };
        if class == "ctx" || class == "file" {
            let _ = writeln!(out, "{}", escape(line));
        } else {
            let _ = write!(out, "<span class=\"{class}\">{}</span>", escape(line));
        }
    }
    out.push_str("</pre>\n");
}

/// The page `yarc diff --report html:FILE` writes: each request, same or its diff.
pub fn render_diff(
    rows: &[(String, String, Option<String>)],
    env_a: &str,
    env_b: &str,
    footer: &str,
) -> String {
    let mut out = String::new();
    head(&mut out, &format!("yarc diff — {env_a} vs {env_b}"));
    let _ = writeln!(
        out,
        "<header class=\"summary\"><h1>yarc diff: {} vs {}</h1><p class=\"meta\">{}</p></header>\n<main>",
        escape(env_a),
        escape(env_b),
        escape(footer)
    );
    let mut last = String::new();
    for (i, (collection, name, diff)) in rows.iter().enumerate() {
        if *collection != last {
            if !last.is_empty() {
                out.push_str("</section>\n");
            }
            let _ = writeln!(
                out,
                "<section class=\"collection\"><h2>{}</h2>",
                escape(collection)
            );
            last = collection.clone();
        }
        let (class, badge) = match diff {
            Some(_) => ("failed", "DIFFERS"),
            None => ("passed", "same"),
        };
        let _ = write!(
            out,
            "<details class=\"request {class}\" id=\"d-{i}\"{}><summary><span class=\"badge\">{badge}</span> <span class=\"rname\">{}</span></summary><div>",
            if diff.is_some() { " open" } else { "" },
            escape(name)
        );
        if let Some(d) = diff {
            diff_block(&mut out, d);
        }
        out.push_str("</div></details>\n");
    }
    if !last.is_empty() {
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
