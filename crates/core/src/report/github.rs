//! GitHub Actions annotations: with `GITHUB_ACTIONS=true`, each failure also prints an
//! `::error file=...,line=...::` line, which GitHub shows on the collection file in the pull
//! request.

use crate::run::record::RequestRecord;

pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

pub fn annotations(records: &[RequestRecord]) -> String {
    let mut out = String::new();
    for r in records.iter().filter(|r| r.state.is_failure()) {
        let failed: Vec<_> = r.outcomes.iter().filter(|o| !o.passed).collect();
        for o in &failed {
            out.push_str(&line(
                o.span.path(),
                o.span.line,
                o.span.col,
                &format!("{}: {}", r.name, o.written),
                &format!("expected {}, got {}", o.expected, o.actual),
            ));
        }
        if let Some(m) = &r.message {
            out.push_str(&line(r.span.path(), r.span.line, r.span.col, &r.name, m));
        }
    }
    out
}

fn line(file: &str, line: u32, col: u32, title: &str, message: &str) -> String {
    format!(
        "::error file={},line={line},col={col},title={}::{}\n",
        escape_property(file),
        escape_property(title),
        escape_data(message)
    )
}

/// GitHub's workflow-command escaping.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
