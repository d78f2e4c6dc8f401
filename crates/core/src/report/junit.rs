//! JUnit XML (quick-junit): a test suite per collection file (per iteration when it runs
//! several times), a test case per request named `group / request`, with its time, the
//! failure's message and details, and skipped cases marked. GitLab, GitHub test reporters and
//! Jenkins read it.

use super::{RunReport, UnitInfo};
use crate::run::record::{RequestRecord, SnapshotOutcome, State};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use std::fmt::Write as _;
use std::time::Duration;

pub fn render(run: &RunReport) -> String {
    let mut report = Report::new("yarc");
    report.set_time(run.elapsed);
    // Every suite carries how the run ended, so a CI page shows the process's real outcome.
    let mut properties = vec![
        Property::new("yarc.exit_code", run.exit.code().to_string()),
        Property::new("yarc.interrupted", run.interrupted.to_string()),
    ];
    properties.extend(
        run.notes
            .iter()
            .map(|n| Property::new("yarc.note", n.clone())),
    );
    if run.units.is_empty() {
        let mut suite = TestSuite::new("yarc run");
        suite.add_properties(properties.clone());
        report.add_test_suite(suite);
    }
    for u in run.units {
        let name = match u.iteration {
            Some((n, t)) => format!("{} [iteration {n}/{t}]", u.path),
            None => u.path.clone(),
        };
        let mut suite = TestSuite::new(name);
        suite.add_properties(properties.clone());
        let mut time = Duration::ZERO;
        for r in run.records.iter().filter(|r| r.unit == u.index) {
            time += r.duration;
            suite.add_test_case(case(u, r));
        }
        suite.set_time(time);
        report.add_test_suite(suite);
    }
    xml_chars(&report.to_string().unwrap_or_default())
}

/// The text with every character XML 1.0 does not allow (`Char`: most C0 controls, U+FFFE,
/// U+FFFF) shown as U+FFFD: one such character from a server would make the whole file
/// ill-formed, and a CI publisher would drop every result in it.
pub fn xml_chars(s: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    if s.chars().all(allowed) {
        return s.to_string();
    }
    s.chars()
        .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
        .collect()
}

fn case(u: &UnitInfo, r: &RequestRecord) -> TestCase {
    let status = match r.state {
        State::Passed | State::Rendered => TestCaseStatus::success(),
        State::Skipped | State::NotRun => {
            let mut s = TestCaseStatus::skipped();
            if let Some(m) = &r.message {
                s.set_message(m.clone());
            }
            s
        }
        State::Failed | State::Errored | State::Invalid => {
            let kind = if r.state == State::Failed {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(headline(r));
            s.set_type(match r.state {
                State::Failed => "assertion",
                State::Invalid => "invalid",
                _ => "request",
            });
            s.set_description(details(r));
            s
        }
    };
    let mut tc = TestCase::new(r.name.clone(), status);
    tc.set_classname(u.name.clone());
    tc.set_time(r.duration);
    tc.set_assertions(r.outcomes.len());
    tc
}

/// One line: the first failed assertion, or the message.
pub fn headline(r: &RequestRecord) -> String {
    if let Some(o) = r.outcomes.iter().find(|o| !o.passed) {
        return format!("{}: expected {}, got {}", o.written, o.expected, o.actual);
    }
    r.message
        .as_deref()
        .and_then(|m| m.lines().next())
        .unwrap_or("failed")
        .to_string()
}

/// Every failure of the request, with places, and the start of the response body.
pub fn details(r: &RequestRecord) -> String {
    let mut d = format!("{} {}\nat {}\n", r.method, r.url, r.span);
    for o in r.outcomes.iter().filter(|o| !o.passed) {
        let _ = write!(
            d,
            "\n× {}\n  --> {}\n  expected: {}\n  actual:   {}\n",
            o.written, o.span, o.expected, o.actual
        );
    }
    if let Some(m) = &r.message {
        let _ = write!(d, "\n{m}\n");
    }
    match &r.snapshot {
        Some(SnapshotOutcome::Changed { file, diff, .. }) => {
            let _ = write!(
                d,
                "\nthe response differs from the snapshot {file}:\n{diff}"
            );
        }
        Some(SnapshotOutcome::Missing { file }) => {
            let _ = write!(d, "\nno snapshot {file} (--ci never writes one)\n");
        }
        Some(SnapshotOutcome::NotKept { file, diff }) => {
            let _ = write!(d, "\nthe response was not kept as the snapshot {file}");
            if let Some(diff) = diff {
                let _ = write!(d, "; it differs:\n{diff}");
            }
            d.push('\n');
        }
        Some(SnapshotOutcome::Error { file, message }) => {
            let _ = write!(d, "\nsnapshot {file}: {message}\n");
        }
        _ => {}
    }
    if let Some(resp) = &r.response {
        let _ = write!(d, "\nresponse {}:\n{}\n", resp.status, resp.body);
    }
    d
}
