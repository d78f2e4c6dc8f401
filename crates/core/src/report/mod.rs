//! Reporters: they read events and records, never the HTTP client. Each writes into a
//! `&mut dyn Write` or returns text, so their output is tested as strings. Report files are
//! written atomically (a temporary file, then a rename).

pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod merge;

use crate::run::record::{Event, RequestRecord, Summary};

pub trait Reporter {
    fn event(&mut self, e: &Event);
    fn finish(&mut self, summary: &Summary, elapsed: std::time::Duration);
}

/// Everything a report file shows: one argument list for JUnit, JSON and HTML.
pub struct RunReport<'a> {
    pub units: &'a [UnitInfo],
    pub records: &'a [RequestRecord],
    pub summary: &'a Summary,
    pub elapsed: std::time::Duration,
    pub environment: Option<&'a str>,
    /// Stopped by SIGINT or SIGTERM.
    pub interrupted: bool,
    /// How the process exits (its code is the number the shell sees).
    pub exit: crate::outcome::Exit,
    /// Notes on the run as a whole, e.g. an empty shard.
    pub notes: &'a [String],
    /// Real durations and dates, or fixed ones for reproducible reports.
    pub clock: crate::clock::Clock,
    /// Which part of the whole run this is, so `yarc report merge` can tell a shard is missing.
    pub part: Part,
    /// Which operations of the API documents the run called (`openapi:`), when any.
    pub coverage: Option<&'a crate::contract::Coverage>,
}

/// A run's place in the whole: its shard (`--shard K/N`), and how many collection runs the
/// whole run has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Part {
    pub shard: Option<(usize, usize)>,
    pub collection_runs: usize,
}

/// What reports say about one collection run.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    pub index: usize,
    pub path: String,
    pub name: String,
    pub iteration: Option<(usize, usize)>,
}

#[cfg(test)]
mod tests;
