//! Reporters: they read events and records, never the HTTP client. Each writes into a
//! `&mut dyn Write` or returns text, so their output is tested as strings. Report files are
//! written atomically (a temporary file, then a rename).

pub mod console;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod style;

use crate::run::record::{Event, Summary};
use std::path::Path;

pub trait Reporter {
    fn event(&mut self, e: &Event);
    fn finish(&mut self, summary: &Summary, elapsed: std::time::Duration);
}

/// What reports say about one collection run.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    pub index: usize,
    pub path: String,
    pub name: String,
    pub iteration: Option<(usize, usize)>,
}

/// Writes `text` to `path` whole or not at all.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.yarc-tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
