//! Reporters: they read events and records, never the HTTP client. Each writes into a
//! `&mut dyn Write`, so their output is tested as strings.

pub mod console;

use crate::run::record::{Event, Summary};

pub trait Reporter {
    fn event(&mut self, e: &Event);
    fn finish(&mut self, summary: &Summary, elapsed: std::time::Duration);
}
