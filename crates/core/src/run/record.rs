//! What a run produces: a record per request and the events that carry them to reporters.
//! Failures are data here, never `Err`. Every text in a record is already masked.

use crate::eval::Outcome;
use crate::source::Span;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Passed,
    /// Got a response; an assertion, capture or poll condition failed.
    Failed,
    /// Could not complete: connection, timeout, TLS, token endpoint.
    Errored,
    /// Could not be built from what the user wrote: a template that fails, a header value that
    /// HTTP does not allow, a file that is not there. Nothing was sent for it.
    Invalid,
    /// Not sent: its `skip:` held, or it needs a value an earlier request did not capture.
    Skipped,
    /// `--dry-run`: rendered, not sent.
    Rendered,
    /// Not started or cancelled: `--fail-fast` or an interrupt stopped the run.
    NotRun,
}

impl State {
    /// Failed, errored or invalid: what makes a run red.
    pub fn is_failure(self) -> bool {
        matches!(self, State::Failed | State::Errored | State::Invalid)
    }
}

/// One thing that happened on the wire for a request, in order, for `--verbose` and reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The OAuth2 token it used: fetched now (from `url`), held by the run, or read from the
    /// token cache folder.
    Token {
        fetched_from: Option<String>,
        stored: bool,
        duration: Duration,
        /// What the endpoint answered, without the token (`-vv`).
        answer: Option<String>,
        /// The form fields sent, the client secret masked (`-vv`).
        sent: Option<String>,
    },
    /// One send and its status; `then` says why another followed.
    Sent {
        attempt: u32,
        status: u16,
        duration: Duration,
        then: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct ResponseSummary {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The start of the body, for failure details and `--verbose`.
    pub body: String,
    pub body_len: usize,
}

#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub collection: String,
    /// `group / request`.
    pub name: String,
    pub span: Span,
    pub method: String,
    pub url: String,
    pub state: State,
    pub status: Option<u16>,
    /// When the request started, from the start of the run.
    pub started: Duration,
    /// From the first send to the last answer, waits between attempts included.
    pub duration: Duration,
    /// Every send: polling attempts and the resend after a 401.
    pub attempts: u32,
    /// The last attempt's own time, when there were several.
    pub last_duration: Option<Duration>,
    /// What happened on the wire, in order.
    pub steps: Vec<Step>,
    pub outcomes: Vec<Outcome>,
    pub captures: Vec<(String, Value)>,
    /// Why the request errored, failed outside assertions, or was skipped.
    pub message: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub response: Option<ResponseSummary>,
    /// `--dry-run`: the request as a curl command.
    pub curl: Option<String>,
    /// The collection run (unit) it belongs to, and its iteration number if there are several.
    pub unit: usize,
    pub iteration: Option<usize>,
    /// Group names, outermost first, and the request's own name.
    pub groups: Vec<String>,
    pub request: String,
    /// The snapshot comparison, when the request has `snapshot:`.
    pub snapshot: Option<SnapshotOutcome>,
    /// The snapshot's file key (the request name's slug, with the iteration).
    pub snapshot_key: Option<String>,
    /// `yarc diff`: the normalised response.
    pub snapshot_text: Option<String>,
    /// The whole response body, when the run prints or saves it (secrets masked in text).
    pub body: Option<Vec<u8>>,
    /// The exchange on the wire, for `-vv`: headers sent, version, redirects, timing.
    pub wire: Option<crate::exchange::Wire>,
    /// Where its response landed in the API document (`openapi:`), for coverage.
    pub contract: Option<crate::contract::Hit>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SnapshotOutcome {
    /// No snapshot was stored; this response was written as the snapshot.
    New {
        file: String,
    },
    Same {
        file: String,
    },
    /// Differs from the stored one; the new one is left pending beside it (not under --ci).
    Changed {
        file: String,
        diff: String,
        pending: Option<String>,
    },
    /// `--update-snapshots` rewrote it.
    Updated {
        file: String,
        diff: String,
    },
    /// `--ci` and no snapshot stored.
    Missing {
        file: String,
    },
    /// The request failed, so its response was not written (an error page is no baseline);
    /// `diff`: how it differs from the stored snapshot, if one is stored.
    NotKept {
        file: String,
        diff: Option<String>,
    },
    Error {
        file: String,
        message: String,
    },
}

impl SnapshotOutcome {
    pub fn failed(&self) -> bool {
        matches!(
            self,
            SnapshotOutcome::Changed { .. }
                | SnapshotOutcome::Missing { .. }
                | SnapshotOutcome::Error { .. }
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            SnapshotOutcome::New { .. } => "new",
            SnapshotOutcome::Same { .. } => "same",
            SnapshotOutcome::Changed { .. } => "changed",
            SnapshotOutcome::Updated { .. } => "updated",
            SnapshotOutcome::Missing { .. } => "missing",
            SnapshotOutcome::NotKept { .. } => "not_kept",
            SnapshotOutcome::Error { .. } => "error",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Event {
    CollectionStarted {
        unit: usize,
        path: String,
        name: String,
        /// (number, total) when the collection runs several times.
        iteration: Option<(usize, usize)>,
        /// The longest request name, for aligned columns.
        name_width: usize,
    },
    RequestFinished(Box<RequestRecord>),
    CollectionFinished {
        unit: usize,
    },
    /// Something the user should know that fails nothing (credentials over plain http://).
    Warning(String),
}

/// Response times over the requests that got a response: min, median, p95 (nearest rank) and
/// max of each request's duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub count: usize,
    pub min: Duration,
    pub median: Duration,
    pub p95: Duration,
    pub max: Duration,
}

impl Timing {
    pub fn of<'a>(records: impl IntoIterator<Item = &'a RequestRecord>) -> Option<Timing> {
        Timing::from_durations(
            records
                .into_iter()
                .filter(|r| r.status.is_some())
                .map(|r| r.duration)
                .collect(),
        )
    }

    pub fn from_durations(mut d: Vec<Duration>) -> Option<Timing> {
        if d.is_empty() {
            return None;
        }
        d.sort();
        let rank = |p: f64| d[((p * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1];
        Some(Timing {
            count: d.len(),
            min: d[0],
            median: rank(0.5),
            p95: rank(0.95),
            max: d[d.len() - 1],
        })
    }
}

/// The totals of a run and its exit code (see [`Summary::exit`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    /// Requests that could not be built from the collection (exit 2).
    pub invalid: usize,
    pub skipped: usize,
    /// `--dry-run`: requests rendered and not sent.
    pub rendered: usize,
    /// Snapshots written for the first time, and rewritten by --update-snapshots.
    pub new_snapshots: usize,
    pub updated_snapshots: usize,
}

impl Summary {
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a RequestRecord>) -> Summary {
        let mut s = Summary::default();
        for r in records {
            s.add(r);
        }
        s
    }

    /// Counts one more request.
    pub fn add(&mut self, r: &RequestRecord) {
        match r.snapshot {
            Some(SnapshotOutcome::New { .. }) => self.new_snapshots += 1,
            Some(SnapshotOutcome::Updated { .. }) => self.updated_snapshots += 1,
            _ => {}
        }
        match r.state {
            State::Passed => self.passed += 1,
            State::Rendered => self.rendered += 1,
            State::Failed => self.failed += 1,
            State::Errored => self.errored += 1,
            State::Invalid => self.invalid += 1,
            State::Skipped | State::NotRun => self.skipped += 1,
        }
    }

    /// Adds another part of the run's totals.
    pub fn merge(&mut self, o: &Summary) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.errored += o.errored;
        self.invalid += o.invalid;
        self.skipped += o.skipped;
        self.rendered += o.rendered;
        self.new_snapshots += o.new_snapshots;
        self.updated_snapshots += o.updated_snapshots;
    }

    /// Invalid when a request could not be built from the collection, else Incomplete when one
    /// could not complete, else Failed when one failed, else Ok.
    pub fn exit(&self) -> crate::outcome::Exit {
        use crate::outcome::Exit;
        if self.invalid > 0 {
            Exit::Invalid
        } else if self.errored > 0 {
            Exit::Incomplete
        } else if self.failed > 0 {
            Exit::Failed
        } else {
            Exit::Ok
        }
    }

    /// `N passed, N failed` (with `, N skipped` when any were skipped); errored and invalid
    /// requests count as failed. A dry run says what it rendered instead.
    pub fn line(&self) -> String {
        if self.rendered > 0 && self.passed + self.failed + self.errored + self.invalid == 0 {
            let mut s = format!(
                "{} request{} rendered, nothing sent (--dry-run)",
                self.rendered,
                if self.rendered == 1 { "" } else { "s" }
            );
            if self.skipped > 0 {
                s.push_str(&format!(", {} skipped", self.skipped));
            }
            return s;
        }
        let mut s = format!(
            "{} passed, {} failed",
            self.passed,
            self.failed + self.errored + self.invalid
        );
        if self.skipped > 0 {
            s.push_str(&format!(", {} skipped", self.skipped));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_times_use_the_nearest_rank() {
        let ms = |v: &[u64]| v.iter().map(|n| Duration::from_millis(*n)).collect();
        let t = Timing::from_durations(ms(&[40, 10, 20, 30, 100])).expect("timing");
        assert_eq!(
            (t.count, t.min, t.median, t.p95, t.max),
            (
                5,
                Duration::from_millis(10),
                Duration::from_millis(30),
                Duration::from_millis(100),
                Duration::from_millis(100)
            )
        );
        let t = Timing::from_durations(ms(&(1..=100).collect::<Vec<_>>())).expect("timing");
        assert_eq!(
            (t.median, t.p95),
            (Duration::from_millis(50), Duration::from_millis(95))
        );
        assert_eq!(Timing::from_durations(Vec::new()), None);
    }
}
