//! Data files for data-driven runs (`--data`): a CSV file with a header row, or a JSON array of
//! objects. Each row becomes one iteration, its fields variables.

use crate::diagnostic::Diagnostic;
use crate::template::Vars;
use serde_json::Value;
use std::path::Path;

pub fn load(path: &Path) -> Result<Vec<Vars>, Diagnostic> {
    let shown = path.display().to_string();
    let text =
        crate::load::read_text(path).map_err(|e| Diagnostic::new(format!("data file: {e}")))?;
    let rows = match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => csv_rows(&text, &shown)?,
        Some("json") => json_rows(&text, &shown)?,
        _ => {
            return Err(Diagnostic::new(format!(
                "data file `{shown}` must end in .csv or .json"
            )));
        }
    };
    if rows.is_empty() {
        return Err(Diagnostic::new(format!("data file `{shown}` has no rows")));
    }
    Ok(rows)
}

/// The names every row provides, for the plan's undefined-variable check.
pub fn columns(rows: &[Vars]) -> Vec<String> {
    rows.first()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default()
}

fn csv_rows(text: &str, shown: &str) -> Result<Vec<Vars>, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Diagnostic::new(format!("data file `{shown}`: {e}")))?
        .clone();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec =
            rec.map_err(|e| Diagnostic::new(format!("data file `{shown}`, row {}: {e}", i + 2)))?;
        let mut row = Vars::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            row.insert(h.trim().to_string(), Value::String(v.to_string()));
        }
        rows.push(row);
    }
    Ok(rows)
}

fn json_rows(text: &str, shown: &str) -> Result<Vec<Vars>, Diagnostic> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| Diagnostic::new(format!("data file `{shown}` is not valid JSON: {e}")))?;
    let Value::Array(items) = v else {
        return Err(Diagnostic::new(format!(
            "data file `{shown}` must hold a JSON array of objects"
        )));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(m) => Ok(m),
            _ => Err(Diagnostic::new(format!(
                "data file `{shown}`: item {i} is not an object"
            ))),
        })
        .collect()
}
