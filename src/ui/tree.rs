//! The left pane's tree: collections, their groups and requests as the files hold them.

use crate::model::{Collection, Item};
use serde_json::{Value, json};

/// Every collection as a tree. A request is named by its collection `file` and `full_name`
/// (`group / request`), the pair a send selects it by.
pub(crate) fn tree(collections: &[Collection]) -> Value {
    Value::Array(
        collections
            .iter()
            .map(|c| {
                json!({
                    "file": c.path.to_string_lossy(),
                    "name": c.name,
                    "tags": c.tags,
                    "items": entries(&c.items, &[]),
                })
            })
            .collect(),
    )
}

fn entries(items: &[Item], groups: &[String]) -> Vec<Value> {
    items
        .iter()
        .map(|item| match item {
            Item::Request(r) => {
                let full: Vec<&str> = groups
                    .iter()
                    .map(String::as_str)
                    .chain([r.name.as_str()])
                    .collect();
                json!({
                    "kind": "request",
                    "name": r.name,
                    "full_name": full.join(" / "),
                    "method": r.method,
                    "url": r.url.source,
                    "tags": r.tags,
                    "line": r.span.line,
                    "captures": r.captures.iter().map(|c| c.var.as_str()).collect::<Vec<_>>(),
                    "snapshot": r.snapshot.as_ref().is_some_and(|s| s.enabled),
                })
            }
            Item::Group(g) => {
                let mut inner = groups.to_vec();
                inner.push(g.name.clone());
                json!({
                    "kind": "group",
                    "name": g.name,
                    "tags": g.tags,
                    "line": g.span.line,
                    "items": entries(&g.items, &inner),
                })
            }
        })
        .collect()
}
