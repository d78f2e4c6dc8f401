//! Drift: what changed between two versions of an API document that a collection can trip
//! on — an operation removed, a request field or parameter newly required, a field's type
//! changed, a response field or a documented response removed. Read from both documents'
//! schemas (their `$ref`s followed, across files too), flattened to JSON paths.

use super::files::Files;
use super::{ContractError, METHODS};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use url::Url;

/// How deep a schema is flattened (deeper fields are not compared).
const MAX_DEPTH: usize = 12;

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `GET /pets/{id}` as the old document writes it.
    pub operation: String,
    pub method: String,
    pub template: String,
    /// What changed, in words: `removed`, `request field $.name is now required`, ...
    pub what: String,
    /// A change that breaks a request that worked (removed, newly required, type changed,
    /// a response field gone); else a note (a documented response gone).
    pub breaking: bool,
}

/// The changes from `old` to `new`, operation by operation in the old document's order.
pub struct Drift {
    pub changes: Vec<Change>,
    /// Operations only the new document has (`POST /pets/{id}/photos`).
    pub added: Vec<String>,
}

/// A field of a flattened schema: its types and whether it is required.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    types: String,
    required: bool,
}

type Shape = BTreeMap<String, Field>;

/// An operation as drift compares it: its parameters, request body and responses, flattened.
struct Op {
    method: String,
    template: String,
    /// `query limit`, `header X-Tenant`, ... → required.
    parameters: BTreeMap<String, bool>,
    request: Shape,
    responses: BTreeMap<String, Shape>,
}

/// What changed from `old` to `new`.
pub fn drift(old: &Arc<Files>, new: &Arc<Files>) -> Result<Drift, ContractError> {
    let before = operations(old)?;
    let after = operations(new)?;
    let key = |o: &Op| (o.method.clone(), same_shape(&o.template));
    let mut changes = Vec::new();
    for o in &before {
        let change = |what: String, breaking: bool| Change {
            operation: format!("{} {}", o.method, o.template),
            method: o.method.clone(),
            template: o.template.clone(),
            what,
            breaking,
        };
        match after.iter().find(|n| key(n) == key(o)) {
            None => changes.push(change("removed".into(), true)),
            Some(n) => changes.extend(
                compare(o, n)
                    .into_iter()
                    .map(|(what, breaking)| change(what, breaking)),
            ),
        }
    }
    let added = after
        .iter()
        .filter(|n| !before.iter().any(|o| key(o) == key(n)))
        .map(|n| format!("{} {}", n.method, n.template))
        .collect();
    Ok(Drift { changes, added })
}

/// `/pets/{petId}` and `/pets/{id}` are one path.
fn same_shape(template: &str) -> String {
    template
        .split('/')
        .map(|s| match s.starts_with('{') && s.ends_with('}') {
            true => "{}",
            false => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn operations(files: &Arc<Files>) -> Result<Vec<Op>, ContractError> {
    let doc = files.document();
    if !doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'))
    {
        return Err(ContractError::NotOpenApi(files.shown().to_string()));
    }
    let mut out = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (template, item) in paths.into_iter().flatten() {
        let (base, item) = files.follow(files.root(), item)?;
        let shared = item.get("parameters").cloned().unwrap_or_default();
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let mut parameters = BTreeMap::new();
            for list in [&shared, op.get("parameters").unwrap_or(&Value::Null)] {
                for p in list.as_array().into_iter().flatten() {
                    let (_, p) = files.follow(&base, p)?;
                    // A path parameter is the template's, compared with it (`{id}` renamed
                    // `{petId}` is the same path).
                    if p.get("in").and_then(Value::as_str) == Some("path") {
                        continue;
                    }
                    let name = format!(
                        "{} parameter `{}`",
                        p.get("in").and_then(Value::as_str).unwrap_or("?"),
                        p.get("name").and_then(Value::as_str).unwrap_or("?")
                    );
                    parameters.insert(name, p.get("required") == Some(&Value::Bool(true)));
                }
            }
            out.push(Op {
                method: method.to_ascii_uppercase(),
                template: template.clone(),
                parameters,
                request: body_shape(files, &base, op.get("requestBody"))?,
                responses: response_shapes(files, &base, op)?,
            });
        }
    }
    Ok(out)
}

fn response_shapes(
    files: &Files,
    base: &Url,
    op: &Value,
) -> Result<BTreeMap<String, Shape>, ContractError> {
    let mut out = BTreeMap::new();
    let responses = op.get("responses").and_then(Value::as_object);
    for (key, r) in responses.into_iter().flatten() {
        out.insert(key.clone(), body_shape(files, base, Some(r))?);
    }
    Ok(out)
}

/// The JSON schema of a request body or response (its `application/json`-like content),
/// flattened; empty when it has none.
fn body_shape(files: &Files, base: &Url, holder: Option<&Value>) -> Result<Shape, ContractError> {
    let mut shape = Shape::new();
    let Some(holder) = holder else {
        return Ok(shape);
    };
    let (base, holder) = files.follow(base, holder)?;
    let content = holder.get("content").and_then(Value::as_object);
    let json = content.into_iter().flatten().find(|(m, _)| {
        let m = m.to_ascii_lowercase();
        m.contains("json") || m == "*/*"
    });
    if let Some(schema) = json.and_then(|(_, m)| m.get("schema")) {
        let mut walk = Flatten {
            files,
            seen: BTreeSet::new(),
            shape: Shape::new(),
        };
        walk.walk(&base, schema, "$", true, 0)?;
        shape = walk.shape;
    }
    Ok(shape)
}

/// A schema being flattened: the `$ref`s on the way (a loop stops), and the fields so far.
struct Flatten<'a> {
    files: &'a Files,
    seen: BTreeSet<String>,
    shape: Shape,
}

impl Flatten<'_> {
    /// Walks a schema into the shape: each property and array item at its JSON path, with its
    /// types and whether it is required. `allOf` parts add up; a `$ref` already on the way is a
    /// loop and stops there.
    fn walk(
        &mut self,
        base: &Url,
        schema: &Value,
        path: &str,
        required: bool,
        depth: usize,
    ) -> Result<(), ContractError> {
        let reference = schema.get("$ref").and_then(Value::as_str).map(|r| {
            base.join(r)
                .map_or_else(|_| r.to_string(), |u| u.to_string())
        });
        if depth > MAX_DEPTH || reference.as_ref().is_some_and(|r| self.seen.contains(r)) {
            return Ok(());
        }
        let (base, schema) = self.files.follow(base, schema)?;
        if let Some(r) = &reference {
            self.seen.insert(r.clone());
        }
        let field = self.shape.entry(path.to_string()).or_insert(Field {
            types: String::new(),
            required,
        });
        if let Some(t) = types(&schema) {
            field.types = t;
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.walk(&base, part, path, required, depth + 1)?;
        }
        let needed: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let props = schema.get("properties").and_then(Value::as_object);
        for (name, p) in props.into_iter().flatten() {
            let at = format!("{path}.{name}");
            let req = needed.contains(&name.as_str());
            self.walk(&base, p, &at, req, depth + 1)?;
        }
        if let Some(items) = schema.get("items") {
            let at = format!("{path}[]");
            self.walk(&base, items, &at, false, depth + 1)?;
        }
        if let Some(r) = &reference {
            self.seen.remove(r);
        }
        Ok(())
    }
}

/// `integer`, `string|null` (3.1 type lists, 3.0 `nullable`).
fn types(schema: &Value) -> Option<String> {
    let mut t: Vec<String> = match schema.get("type")? {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => return None,
    };
    if schema.get("nullable") == Some(&Value::Bool(true)) && !t.iter().any(|x| x == "null") {
        t.push("null".into());
    }
    t.sort();
    Some(t.join("|"))
}

/// The changes of one operation kept in both versions: (what, breaking).
fn compare(o: &Op, n: &Op) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (name, &req) in &n.parameters {
        match o.parameters.get(name) {
            _ if !req => {}
            None => out.push((format!("{name} is new and required"), true)),
            Some(false) => out.push((format!("{name} is now required"), true)),
            Some(true) => {}
        }
    }
    for (path, f) in &n.request {
        match o.request.get(path) {
            Some(before) if before.types != f.types && !before.types.is_empty() => out.push((
                format!("request field {path}: type {} → {}", before.types, f.types),
                true,
            )),
            Some(before) if f.required && !before.required => {
                out.push((format!("request field {path} is now required"), true));
            }
            None if f.required => {
                out.push((format!("request field {path} is new and required"), true))
            }
            _ => {}
        }
    }
    for (key, before) in &o.responses {
        let Some(after) = n.responses.get(key) else {
            out.push((format!("response {key} is no longer documented"), false));
            continue;
        };
        for (path, f) in before {
            match after.get(path) {
                None => out.push((format!("response {key} field {path} removed"), true)),
                Some(a) if a.types != f.types && !f.types.is_empty() => out.push((
                    format!(
                        "response {key} field {path}: type {} → {}",
                        f.types, a.types
                    ),
                    true,
                )),
                _ => {}
            }
        }
    }
    out
}
