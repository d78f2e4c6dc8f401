//! API coverage: which operations of a document a run called, and which of their documented
//! responses (`200`, `4XX`, `default`) it saw — each status counted under the key the
//! contract check matched it to. Built from the run's records, carried in the JSON report,
//! and merged across reports (shards) by union.

use super::Document;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Where a request landed in its API document. Shared text: one is made per response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The document as the user named it.
    pub document: Arc<str>,
    /// `GET /pets/{id}`; `None`: no operation matched.
    pub operation: Option<Arc<str>>,
    /// The documented response its status fell under (`200`, `4XX`, `default`).
    pub response: Option<Arc<str>>,
}

/// Coverage of every document a run used.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub documents: Vec<DocumentCoverage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentCoverage {
    pub document: String,
    pub operations: Vec<OperationCoverage>,
    /// Requests that matched no operation of the document.
    pub unmatched: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationCoverage {
    /// `GET /pets/{id}`.
    pub operation: String,
    /// How many responses of it were checked.
    pub calls: usize,
    /// The documented responses, in the document's order.
    pub responses: Vec<String>,
    /// Those a response fell under.
    pub seen: Vec<String>,
}

impl OperationCoverage {
    /// The documented responses no response fell under.
    pub fn not_seen(&self) -> Vec<&str> {
        self.responses
            .iter()
            .filter(|r| !self.seen.contains(r))
            .map(String::as_str)
            .collect()
    }

    /// Called, and every documented response seen.
    pub fn complete(&self) -> bool {
        self.calls > 0 && self.seen.len() == self.responses.len()
    }
}

/// A share: `seen` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub seen: usize,
    pub total: usize,
}

impl Share {
    /// Per cent, rounded down (so 79.9 % never passes `--min-coverage 80`); 100 of nothing.
    pub fn percent(self) -> usize {
        match self.total {
            0 => 100,
            t => self.seen * 100 / t,
        }
    }
}

impl Coverage {
    /// Nothing seen yet of `documents` (each once, by name).
    pub fn new<'a>(documents: impl IntoIterator<Item = &'a Document>) -> Coverage {
        let mut c = Coverage::default();
        for d in documents {
            if c.documents.iter().any(|x| x.document == d.shown()) {
                continue;
            }
            c.documents.push(DocumentCoverage {
                document: d.shown().to_string(),
                operations: d
                    .operations()
                    .iter()
                    .map(|o| OperationCoverage {
                        operation: o.name(),
                        calls: 0,
                        responses: o.response_keys().map(str::to_string).collect(),
                        seen: Vec::new(),
                    })
                    .collect(),
                unmatched: 0,
            });
        }
        c
    }

    /// One checked response.
    pub fn record(&mut self, hit: &Hit) {
        let Some(d) = self
            .documents
            .iter_mut()
            .find(|d| *d.document == *hit.document)
        else {
            return;
        };
        let Some(op) = hit
            .operation
            .as_ref()
            .and_then(|name| d.operations.iter_mut().find(|o| *o.operation == **name))
        else {
            d.unmatched += 1;
            return;
        };
        op.calls += 1;
        if let Some(key) = &hit.response
            && !op.seen.iter().any(|s| **s == **key)
        {
            op.seen.push(key.to_string());
            // In the document's order, so two reports of one run merge to the same text.
            let order = |k: &String| op.responses.iter().position(|r| r == k);
            op.seen.sort_by_key(order);
        }
    }

    /// Another report's coverage added (the shards of one run, or runs of one suite).
    pub fn merge(&mut self, other: &Coverage) {
        for od in &other.documents {
            let Some(d) = self
                .documents
                .iter_mut()
                .find(|d| d.document == od.document)
            else {
                self.documents.push(od.clone());
                continue;
            };
            d.unmatched += od.unmatched;
            for oo in &od.operations {
                let Some(op) = d
                    .operations
                    .iter_mut()
                    .find(|o| o.operation == oo.operation)
                else {
                    d.operations.push(oo.clone());
                    continue;
                };
                op.calls += oo.calls;
                for key in &oo.seen {
                    if !op.seen.contains(key) {
                        op.seen.push(key.clone());
                    }
                }
                let responses = op.responses.clone();
                op.seen
                    .sort_by_key(|k| responses.iter().position(|r| r == k));
            }
        }
    }

    /// Operations called, of all documented.
    pub fn operations(&self) -> Share {
        self.share(|o| (usize::from(o.calls > 0), 1))
    }

    /// Documented responses seen, of all documented.
    pub fn responses(&self) -> Share {
        self.share(|o| (o.seen.len(), o.responses.len()))
    }

    fn share(&self, count: impl Fn(&OperationCoverage) -> (usize, usize)) -> Share {
        let (seen, total) = self
            .documents
            .iter()
            .flat_map(|d| &d.operations)
            .map(count)
            .fold((0, 0), |(s, t), (a, b)| (s + a, t + b));
        Share { seen, total }
    }
}

impl DocumentCoverage {
    /// Its operations with what is untested first: never called, then partly, then complete;
    /// in the document's order within each.
    pub fn untested_first(&self) -> Vec<&OperationCoverage> {
        let mut ops: Vec<&OperationCoverage> = self.operations.iter().collect();
        ops.sort_by_key(|o| match (o.calls, o.complete()) {
            (0, _) => 0,
            (_, false) => 1,
            (_, true) => 2,
        });
        ops
    }
}
