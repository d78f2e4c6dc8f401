//! `yarc diff --openapi OLD NEW [COLLECTIONS...]`: what changed between two versions of an
//! API document, split into the changes to operations the collections call (a removed
//! operation, a newly required field or parameter, a changed type, a response field gone)
//! and the rest. Exit 1 when a change breaks a request the collections send.

use super::CommandError;
use crate::clock::Clock;
use crate::contract::{Change, Document, Files};
use crate::model::named_requests;
use crate::outcome::Exit;
use crate::report::style::Style;
use crate::untrusted::one_line;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A request of a collection that calls an operation: `pets.yaml:12 delete pet`.
struct Caller {
    /// The operation of the old document it calls; `None`: none matches.
    method: Option<String>,
    template: String,
    at: String,
}

pub(crate) fn execute(old: &Path, new: &Path, paths: &[PathBuf], color: bool) -> super::Outcome {
    let open = |p: &Path| {
        Files::open(p, &p.display().to_string())
            .map(Arc::new)
            .map_err(|e| CommandError::stopped(e.to_string(), Exit::Invalid))
    };
    let (old_files, new_files) = (open(old)?, open(new)?);
    let invalid =
        |e: crate::contract::ContractError| CommandError::stopped(e.to_string(), Exit::Invalid);
    let drift = crate::contract::drift(&old_files, &new_files).map_err(invalid)?;
    let document = Document::read(Arc::clone(&old_files), false).map_err(invalid)?;
    let callers = callers(&document, paths)?;
    let style = Style {
        color,
        clock: Clock::Real,
    };
    let given = !paths.is_empty();
    let (mut text, breaking) = report(&drift.changes, &drift.added, &callers, &style, given);
    let unmatched: Vec<&str> = callers
        .iter()
        .filter(|c| c.method.is_none())
        .map(|c| c.at.as_str())
        .collect();
    if !unmatched.is_empty() {
        text.push_str(&format!(
            "Requests that match no operation of {} (not compared): {}\n",
            old.display(),
            one_line(&unmatched.join(", "))
        ));
    }
    crate::out!(
        "{} {} → {}\n{text}",
        style.bold("API drift"),
        old.display(),
        new.display()
    );
    Ok(if breaking { Exit::Failed } else { Exit::Ok })
}

/// Every request of the collections, with the operation of the old document it calls.
fn callers(document: &Document, paths: &[PathBuf]) -> Result<Vec<Caller>, CommandError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let loaded = crate::load::load(paths, None)?;
    let mut out = Vec::new();
    for c in &loaded.collections {
        for (name, r) in named_requests(&c.items) {
            let op = document.operation_written(&r.method, &r.url.source);
            out.push(Caller {
                method: op.map(|o| o.method.clone()),
                template: op.map(|o| o.template.clone()).unwrap_or_default(),
                at: format!("{}:{} {name}", c.file.path, r.span.line),
            });
        }
    }
    Ok(out)
}

/// The changes, those the collections call first (each operation once, with who calls it);
/// whether one of them breaks a request.
fn report(
    changes: &[Change],
    added: &[String],
    callers: &[Caller],
    style: &Style,
    given: bool,
) -> (String, bool) {
    let called = |c: &Change| -> Vec<&str> {
        callers
            .iter()
            .filter(|k| k.method.as_deref() == Some(c.method.as_str()) && k.template == c.template)
            .map(|k| k.at.as_str())
            .collect()
    };
    let mut operations: Vec<&str> = Vec::new();
    for c in changes {
        if !operations.contains(&c.operation.as_str()) {
            operations.push(&c.operation);
        }
    }
    fn of<'a>(changes: &'a [Change], op: &'a str) -> impl Iterator<Item = &'a Change> {
        changes.iter().filter(move |c| c.operation == op)
    }
    let (mine, rest): (Vec<&str>, Vec<&str>) = operations
        .into_iter()
        .partition(|op| of(changes, op).any(|c| !called(c).is_empty()));
    let mut out = String::new();
    let mut breaking = false;
    if !mine.is_empty() {
        out.push_str("Changes to operations the collections call:\n");
    }
    for op in &mine {
        let breaks = of(changes, op).any(|c| c.breaking);
        breaking |= breaks;
        let mark = if breaks {
            style.fail("✗")
        } else {
            style.dim("!")
        };
        let by = of(changes, op).next().map(&called).unwrap_or_default();
        out.push_str(&format!(
            "  {mark} {} — called by {}\n",
            one_line(op),
            one_line(&by.join(", "))
        ));
        for c in of(changes, op) {
            out.push_str(&format!("      {}\n", one_line(&c.what)));
        }
    }
    if !rest.is_empty() {
        // Without collections, nothing is said to break: the changes are listed.
        out.push_str(match given {
            true => "Changes to operations no collection given calls:\n",
            false => "Changes:\n",
        });
        for c in rest.iter().flat_map(|op| of(changes, op)) {
            out.push_str(&format!(
                "  - {}: {}\n",
                one_line(&c.operation),
                one_line(&c.what)
            ));
        }
    }
    if !added.is_empty() {
        out.push_str(&format!(
            "New operations: {}\n",
            one_line(&added.join(", "))
        ));
    }
    if changes.is_empty() && added.is_empty() {
        out.push_str("No change to any operation.\n");
    } else if !breaking && given {
        out.push_str("Nothing the collections send breaks.\n");
    }
    (out, breaking)
}
