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
    /// Could not complete: connection, timeout, TLS, token endpoint, rendering.
    Errored,
    Skipped,
    /// `--dry-run`: rendered, not sent.
    Rendered,
    /// Not started or cancelled: `--fail-fast` or an interrupt stopped the run.
    NotRun,
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
    pub duration: Duration,
    pub attempts: u32,
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
        requests: usize,
        /// The longest request name, for aligned columns.
        name_width: usize,
    },
    RequestFinished(Box<RequestRecord>),
    CollectionFinished {
        unit: usize,
    },
}

/// The totals of a run and its exit code: 0 all passed, 1 a failure, 3 a request could not
/// complete (whatever else happened).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub skipped: usize,
    /// Snapshots written for the first time, and rewritten by --update-snapshots.
    pub new_snapshots: usize,
    pub updated_snapshots: usize,
}

impl Summary {
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a RequestRecord>) -> Summary {
        let mut s = Summary::default();
        for r in records {
            match r.snapshot {
                Some(SnapshotOutcome::New { .. }) => s.new_snapshots += 1,
                Some(SnapshotOutcome::Updated { .. }) => s.updated_snapshots += 1,
                _ => {}
            }
            match r.state {
                State::Passed | State::Rendered => s.passed += 1,
                State::Failed => s.failed += 1,
                State::Errored => s.errored += 1,
                State::Skipped | State::NotRun => s.skipped += 1,
            }
        }
        s
    }

    pub fn exit_code(&self) -> i32 {
        if self.errored > 0 {
            3
        } else if self.failed > 0 {
            1
        } else {
            0
        }
    }

    /// `N passed, N failed` (with `, N skipped` when any were skipped); errored requests count
    /// as failed.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} passed, {} failed",
            self.passed,
            self.failed + self.errored
        );
        if self.skipped > 0 {
            s.push_str(&format!(", {} skipped", self.skipped));
        }
        s
    }
}
