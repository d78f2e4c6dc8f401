//! The files an API document is made of: the document itself and every file its `$ref`s name
//! (`common.yaml#/components/schemas/Error`), each read once. The one place contract checks
//! touch the disk: a `$ref` may name only a `.yaml`, `.yml` or `.json` file holding a mapping,
//! never a URL, so a document cannot make yarc fetch anything or show another file's text.

use super::ContractError;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use url::Url;

/// How many `$ref`s in a row are followed before a loop is assumed.
const MAX_HOPS: usize = 32;

/// Which way a schema is read: a request must not send `readOnly` properties, a response must
/// not carry `writeOnly` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    Request,
    Response,
}

impl Direction {
    fn forbidden(self) -> &'static str {
        match self {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        }
    }
}

/// The document and the files it refers to, read on first use.
pub struct Files {
    root: Url,
    shown: String,
    draft4: bool,
    read: Mutex<HashMap<Url, Arc<Value>>>,
    /// Copies made ready for the schema compiler (`nullable`, `readOnly`/`writeOnly`).
    prepared: Mutex<HashMap<(Url, Direction), Value>>,
}

impl Files {
    /// The document `doc`, found at `root` (a `file:` URL) and named `shown` in messages.
    pub fn new(root: Url, doc: Value, shown: &str) -> Files {
        let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
        let draft4 = version.starts_with("3.0");
        let read = HashMap::from([(root.clone(), Arc::new(doc))]);
        Files {
            root,
            shown: shown.to_string(),
            draft4,
            read: Mutex::new(read),
            prepared: Mutex::new(HashMap::new()),
        }
    }

    /// The document as the user named it.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The document at `path` (YAML or JSON), named `shown` in messages.
    pub fn open(path: &std::path::Path, shown: &str) -> Result<Files, ContractError> {
        let read = |why: String| ContractError::Read {
            file: shown.to_string(),
            why,
        };
        let text = crate::load::read_text(path).map_err(|e| read(e.to_string()))?;
        let value: Value = serde_saphyr::from_str(&text).map_err(|e| {
            let first = e.to_string().lines().next().unwrap_or("").to_string();
            read(format!("not valid YAML or JSON: {first}"))
        })?;
        let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let root = Url::from_file_path(&full)
            .map_err(|()| read("its path cannot be read as a file".into()))?;
        Ok(Files::new(root, value, shown))
    }

    pub(crate) fn root(&self) -> &Url {
        &self.root
    }

    pub(crate) fn document(&self) -> Arc<Value> {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&self.root)
            .cloned()
            .unwrap_or_default()
    }

    fn error(&self, reference: &str, why: impl Into<String>) -> ContractError {
        ContractError::Ref {
            file: self.shown.clone(),
            reference: reference.to_string(),
            why: why.into(),
        }
    }

    /// The file `url` names (its fragment left aside), read and parsed once.
    fn load(&self, url: &Url, written: &str) -> Result<Arc<Value>, ContractError> {
        let mut file = url.clone();
        file.set_fragment(None);
        let read = |m: &Mutex<HashMap<Url, Arc<Value>>>| {
            m.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&file)
                .cloned()
        };
        if let Some(v) = read(&self.read) {
            return Ok(v);
        }
        if file.scheme() != "file" {
            return Err(self.error(written, "only files are read: save it beside the document"));
        }
        let path = file
            .to_file_path()
            .map_err(|()| self.error(written, "not a file path"))?;
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            return Err(self.error(written, "only .yaml, .yml and .json files are read"));
        }
        let text = crate::load::read_text(&path).map_err(|e| self.error(written, e.to_string()))?;
        let value: Value = serde_saphyr::from_str(&text).map_err(|e| {
            let first = e.to_string().lines().next().unwrap_or("").to_string();
            self.error(written, format!("not valid YAML or JSON: {first}"))
        })?;
        if !value.is_object() {
            return Err(self.error(written, "it holds no mapping"));
        }
        let value = Arc::new(value);
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file, Arc::clone(&value));
        Ok(value)
    }

    /// `v` itself, or what its `$ref` (to this file or another) points at, followed to the
    /// end; with the file it was found in, against which its own `$ref`s resolve.
    pub(crate) fn follow(&self, base: &Url, v: &Value) -> Result<(Url, Value), ContractError> {
        let (mut base, mut v) = (base.clone(), v.clone());
        for _ in 0..MAX_HOPS {
            let Some(written) = v.get("$ref").and_then(Value::as_str).map(str::to_string) else {
                return Ok((base, v));
            };
            let target = base
                .join(&written)
                .map_err(|e| self.error(&written, e.to_string()))?;
            let doc = self.load(&target, &written)?;
            let fragment = target.fragment().unwrap_or("");
            let pointer = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            let found = match pointer.as_ref() {
                "" => Some(doc.as_ref()),
                p => doc.pointer(p),
            };
            v = found
                .cloned()
                .ok_or_else(|| self.error(&written, format!("`#{pointer}` is not in it")))?;
            base = target;
            base.set_fragment(None);
        }
        Err(self.error("$ref", "too many `$ref`s in a row (a loop?)"))
    }

    /// A schema of the file at `base`, compiled to check `direction`'s bodies; its `$ref`s to
    /// `#/components/...` and to other files resolve as the document means them.
    pub(crate) fn compile(
        self: &Arc<Self>,
        base: &Url,
        schema: &Value,
        direction: Direction,
    ) -> Result<Arc<jsonschema::Validator>, jsonschema::ValidationError<'static>> {
        let mut root = schema.clone();
        absolute_refs(&mut root, base);
        prepare(&mut root, self.draft4, direction);
        let options = match self.draft4 {
            true => jsonschema::draft4::options(),
            false => jsonschema::draft202012::options(),
        };
        // The schema is a piece of its file: were it compiled as the file, a `#/...` in it
        // would point into the piece. Its `$ref`s are made absolute instead, and the files
        // they name come whole from the retriever.
        options
            .with_base_uri("json-schema:///yarc/schema")
            .with_retriever(Retriever {
                files: Arc::clone(self),
                direction,
            })
            .build(&root)
            .map(Arc::new)
    }
}

/// Hands the schema compiler the files `$ref`s name, made ready like the schema itself.
struct Retriever {
    files: Arc<Files>,
    direction: Direction,
}

impl jsonschema::Retrieve for Retriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let url = Url::parse(uri.as_str())?;
        let key = (url.clone(), self.direction);
        let prepared = |f: &Files| {
            f.prepared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&key)
                .cloned()
        };
        if let Some(v) = prepared(&self.files) {
            return Ok(v);
        }
        let loaded = self.files.load(&url, uri.as_str())?;
        let mut v = Value::clone(&loaded);
        prepare(&mut v, self.files.draft4, self.direction);
        self.files
            .prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, v.clone());
        Ok(v)
    }
}

/// `oneOf` with a `discriminator`: each branch only for the values of the property that name
/// it (`mapping`, else the schema's own name), so a body is held to the branch its
/// `petType` says rather than to whichever branches it happens to fit.
fn discriminated(o: &mut serde_json::Map<String, Value>) {
    let Some(property) = o
        .get("discriminator")
        .and_then(|d| d.get("propertyName"))
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    let mapping = o
        .get("discriminator")
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some(Value::Array(branches)) = o.get("oneOf") else {
        return;
    };
    let mut alternatives = Vec::new();
    for branch in branches {
        let Some(r) = branch.get("$ref").and_then(Value::as_str) else {
            return;
        };
        let name = r.rsplit('/').next().unwrap_or(r);
        let mut values: Vec<Value> = mapping
            .iter()
            .filter(|(_, to)| {
                to.as_str()
                    .is_some_and(|t| t == r || t.rsplit('/').next() == Some(name))
            })
            .map(|(k, _)| Value::String(k.clone()))
            .collect();
        // The schema's own name names it too, beside any mapping (OpenAPI's implicit mapping).
        if !values.iter().any(|v| v.as_str() == Some(name)) {
            values.push(Value::String(name.to_string()));
        }
        alternatives.push(serde_json::json!({ "allOf": [
            { "required": [property], "properties": { property.clone(): { "enum": values } } },
            branch,
        ]}));
    }
    o.remove("oneOf");
    o.insert("anyOf".into(), Value::Array(alternatives));
}

/// Every `$ref` made absolute against the file the schema was found in
/// (`#/components/schemas/Pet` → `file:///api/openapi.yaml#/components/schemas/Pet`).
fn absolute_refs(v: &mut Value, base: &Url) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match (k.as_str(), &x) {
                    ("$ref", Value::String(r)) => {
                        if let Ok(full) = base.join(r) {
                            *x = Value::String(full.to_string());
                        }
                    }
                    _ => absolute_refs(x, base),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| absolute_refs(x, base)),
        _ => {}
    }
}

/// What JSON Schema itself does not say, written so that it does: OpenAPI 3.0's
/// `nullable: true` becomes a `null` type; a property this direction must not carry
/// (`readOnly` in a request, `writeOnly` in a response) is dropped from `required` and
/// allowed no value (`not: {x-yarc: writeOnly}`, read back into the finding's words).
pub(crate) fn prepare(v: &mut Value, draft4: bool, direction: Direction) {
    match v {
        Value::Object(o) => {
            if draft4
                && o.remove("nullable") == Some(Value::Bool(true))
                && let Some(Value::String(t)) = o.get("type").cloned()
            {
                o.insert("type".into(), Value::from(vec![t, "null".to_string()]));
            }
            let key = direction.forbidden();
            let mut forbidden = Vec::new();
            if let Some(Value::Object(props)) = o.get_mut("properties") {
                for (name, p) in props.iter_mut() {
                    if p.get(key) == Some(&Value::Bool(true)) {
                        *p = serde_json::json!({ "not": { "x-yarc": key } });
                        forbidden.push(name.clone());
                    }
                }
            }
            if let Some(Value::Array(required)) = o.get_mut("required") {
                required.retain(|r| !forbidden.iter().any(|f| Some(f.as_str()) == r.as_str()));
            }
            discriminated(o);
            o.values_mut().for_each(|x| prepare(x, draft4, direction));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| prepare(x, draft4, direction)),
        _ => {}
    }
}
