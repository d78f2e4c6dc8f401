//! The report files from a run built here: every reporter escapes what a server or a collection
//! put in, and says the same totals and exit code.

use super::{Part, RunReport, UnitInfo};
use crate::clock::Clock;
use crate::eval::Outcome;
use crate::outcome::Exit;
use crate::run::record::{RequestRecord, ResponseSummary, SnapshotOutcome, State, Summary};
use crate::source::{SourceFile, Span};
use std::time::Duration;

const HOSTILE: &str = "<script>alert('x')</script> & \"q\"";

fn record(name: &str, state: State) -> RequestRecord {
    let file = SourceFile::new("api.yaml", "requests: []\n");
    RequestRecord {
        collection: "api.yaml".into(),
        name: name.into(),
        span: Span::file_start(&file),
        method: "GET".into(),
        url: format!("https://api.example/items?q={HOSTILE}"),
        state,
        status: Some(500),
        started: Duration::ZERO,
        duration: Duration::from_millis(12),
        attempts: 1,
        last_duration: None,
        steps: Vec::new(),
        outcomes: vec![Outcome {
            span: Span::file_start(&file),
            written: "status: 200".into(),
            passed: state == State::Passed,
            expected: "200".into(),
            actual: HOSTILE.into(),
            warning: false,
        }],
        captures: vec![("token".into(), serde_json::Value::String(HOSTILE.into()))],
        message: Some(HOSTILE.into()),
        request_headers: Vec::new(),
        response: Some(ResponseSummary {
            status: 500,
            headers: vec![("x-evil".into(), HOSTILE.into())],
            body: HOSTILE.into(),
            body_len: HOSTILE.len(),
        }),
        curl: None,
        unit: 0,
        iteration: None,
        groups: Vec::new(),
        request: name.into(),
        snapshot: Some(SnapshotOutcome::Changed {
            file: "__snapshots__/a.snap.yaml".into(),
            diff: format!("--- a\n+++ b\n@@ -1 +1 @@\n-{HOSTILE}\n+ok\n"),
            pending: None,
        }),
        snapshot_key: None,
        snapshot_text: None,
        body: None,
        wire: None,
        contract: None,
    }
}

/// An API document named by a hostile file name, one operation called and one not.
fn coverage() -> crate::contract::Coverage {
    use crate::contract::{DocumentCoverage, OperationCoverage};
    let op = |name: &str, calls: usize, seen: &[&str]| OperationCoverage {
        operation: name.into(),
        calls,
        responses: vec!["200".into(), "404".into()],
        seen: seen.iter().map(|s| s.to_string()).collect(),
    };
    crate::contract::Coverage {
        documents: vec![DocumentCoverage {
            document: HOSTILE.into(),
            operations: vec![
                op("GET /a", 2, &["200"]),
                op(&format!("GET /{HOSTILE}"), 0, &[]),
            ],
            unmatched: 1,
        }],
    }
}

fn render_all(records: &[RequestRecord]) -> [String; 3] {
    let units = [UnitInfo {
        index: 0,
        path: "api.yaml".into(),
        name: HOSTILE.into(),
        iteration: None,
    }];
    let summary = Summary::from_records(records);
    let notes = vec![HOSTILE.to_string()];
    let coverage = coverage();
    let run = RunReport {
        units: &units,
        records,
        summary: &summary,
        elapsed: Duration::from_millis(40),
        environment: Some(HOSTILE),
        interrupted: false,
        exit: summary.exit(),
        notes: &notes,
        clock: Clock::Fixed,
        part: Part::default(),
        coverage: Some(&coverage),
    };
    [
        super::html::render(&run),
        super::junit::render(&run),
        super::json::render(&run),
    ]
}

#[test]
fn every_reporter_escapes_what_it_was_given() {
    let [html, junit, json] = render_all(&[
        record(&format!("fails {HOSTILE}"), State::Failed),
        record("passes", State::Passed),
    ]);
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    // The diff's removed line, highlighted and escaped; the page ends as a page does.
    assert!(
        html.contains("<span class=\"del\">-&lt;script&gt;"),
        "{html}"
    );
    assert!(html.ends_with("</main>\n</body>\n</html>\n"));
    assert!(!junit.contains("<script>"), "{junit}");
    assert!(junit.contains("&lt;script&gt;"));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("the JSON report parses");
    assert_eq!(doc["summary"]["exit_code"], Exit::Failed.code());
    assert_eq!(doc["environment"], HOSTILE);
}

#[test]
fn the_totals_and_the_exit_code_agree_in_every_report() {
    let [html, junit, json] = render_all(&[
        record("a", State::Passed),
        record("b", State::Failed),
        record("c", State::Errored),
    ]);
    assert!(
        html.contains("<li class=\"t-passed\">1 passed</li>"),
        "{html}"
    );
    assert!(html.contains("<li class=\"t-failed\">1 failed</li>"));
    assert!(html.contains("<li class=\"t-errored\">1 errors</li>"));
    assert!(html.contains("exit code <b>3</b>"));
    assert!(
        junit.contains("name=\"yarc.exit_code\" value=\"3\""),
        "{junit}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("parses");
    assert_eq!(doc["summary"]["exit_code"], 3);
    assert_eq!(doc["summary"]["passed"], 1);
}

#[test]
fn coverage_is_a_table_untested_first_and_the_json_report_carries_it_whole() {
    let [html, _, json] = render_all(&[record("a", State::Passed)]);
    let table = html
        .split("<section class=\"coverage\">")
        .nth(1)
        .expect("a coverage section")
        .split("</section>")
        .next()
        .unwrap_or_default();
    assert!(table.contains("1 of 2 operations called (50 %)"), "{table}");
    assert!(
        table.contains("1 of 4 documented responses seen (25 %)"),
        "{table}"
    );
    assert!(table.contains("1 not in the document"), "{table}");
    // The operation never called comes first, escaped; the partly tested one after it.
    let never = table
        .find("GET /&lt;script&gt;")
        .expect("the uncalled operation");
    let partly = table.find("GET /a").expect("the called operation");
    assert!(never < partly, "{table}");
    assert!(
        table.contains("<td>GET /a</td><td>2</td><td>200</td><td>404</td>"),
        "{table}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("parses");
    let back: crate::contract::Coverage =
        serde_json::from_value(doc["coverage"].clone()).expect("the coverage reads back");
    assert_eq!(back, coverage());
}
