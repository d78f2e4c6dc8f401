//! JUnit XML (quick-junit): a test suite per collection file (per iteration when it runs
//! several times), a test case per request named `group / request`, with its time, the
//! failure's message and details, and skipped cases marked. GitLab, GitHub test reporters and
//! Jenkins read it.

use super::UnitInfo;
use crate::run::record::{RequestRecord, SnapshotOutcome, State, Summary};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::fmt::Write as _;
use std::time::Duration;

pub fn render(
    units: &[UnitInfo],
    records: &[RequestRecord],
    summary: &Summary,
    elapsed: Duration,
) -> String {
    let mut report = Report::new("yarc");
    report.set_time(elapsed);
    for u in units {
        let name = match u.iteration {
            Some((n, t)) => format!("{} [iteration {n}/{t}]", u.path),
            None => u.path.clone(),
        };
        let mut suite = TestSuite::new(name);
        let mut time = Duration::ZERO;
        for r in records.iter().filter(|r| r.unit == u.index) {
            time += r.duration;
            suite.add_test_case(case(u, r));
        }
        suite.set_time(time);
        report.add_test_suite(suite);
    }
    let _ = summary;
    report.to_string().unwrap_or_default()
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
        State::Failed | State::Errored => {
            let kind = if r.state == State::Failed {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(headline(r));
            s.set_type(if r.state == State::Failed {
                "assertion"
            } else {
                "request"
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
