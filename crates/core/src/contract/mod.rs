//! Contract checks: a request and its response held against the API's OpenAPI document. The
//! document is read once into its operations (method and path template, under each server's
//! base path); a request is matched to one by its method and URL path, and its response's
//! status, Content-Type, required headers and JSON body — and, when asked, the JSON body it
//! sends — are checked against what that operation documents. Each finding names the place in
//! the document it comes from (`openapi.yaml#/paths/~1pets~1{id}/get/...`) and, for a body, the
//! JSON path of the offending value.
//!
//! Pure but for `files`, which reads the files a document's `$ref`s name. Coverage (which
//! operations and responses a run saw) and drift (what changed between two versions of a
//! document) are built on the same reading.

mod coverage;
mod drift;
mod files;
#[cfg(test)]
mod tests;

pub use coverage::{Coverage, DocumentCoverage, Hit, OperationCoverage, Share};
pub use drift::{Change, Drift, drift};
pub use files::Files;

use files::Direction;
use serde_json::Value;
use std::sync::Arc;
use url::Url;

/// An OpenAPI document, ready to match requests against.
pub struct Document {
    /// The document as the user named it (`openapi.yaml`), for locations.
    shown: String,
    /// The same, shared with every coverage hit.
    shared: Arc<str>,
    /// The servers' base paths (`/v1`), longest first; `""` when there are none.
    bases: Vec<String>,
    operations: Vec<Operation>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Document({}, {} operations)",
            self.shown,
            self.operations.len()
        )
    }
}

/// One operation: `GET /pets/{id}`, what it takes and what it answers.
pub struct Operation {
    pub method: String,
    pub template: String,
    /// `GET /pets/{id}`, made once.
    name: Arc<str>,
    segments: Vec<Segment>,
    /// `#/paths/~1pets~1{id}/get`.
    pointer: String,
    responses: Vec<Answer>,
    /// Its `requestBody`, compiled when the document is read for request checks too.
    request: Option<RequestBody>,
}

enum Segment {
    Literal(String),
    Parameter,
}

/// A documented response: its status key (`200`, `2XX`, `default`), media types and schemas,
/// and the headers it must carry.
struct Answer {
    key: Arc<str>,
    content: Vec<Media>,
    headers: Vec<String>,
}

struct RequestBody {
    required: bool,
    content: Vec<Media>,
}

/// A media type (`application/json`) and its compiled schema, when it has one.
struct Media {
    media: String,
    schema: Option<Arc<jsonschema::Validator>>,
}

/// Why a document cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContractError {
    #[error("`{0}` is not an OpenAPI 3 document (no `openapi: 3.x`)")]
    NotOpenApi(String),
    #[error("`{file}`: the schema at {pointer} cannot be used: {why}")]
    Schema {
        file: String,
        pointer: String,
        why: String,
    },
    #[error("`{file}`: {why}")]
    Read { file: String, why: String },
    #[error("`{file}`: `$ref: {reference}` cannot be followed: {why}")]
    Ref {
        file: String,
        reference: String,
        why: String,
    },
}

/// What a request or response does that its operation does not document.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was checked: `status`, `content-type`, `header`, `body` or `request body`.
    pub what: &'static str,
    pub expected: String,
    pub actual: String,
    /// Where in the document the rule is: `openapi.yaml#/paths/...`.
    pub rule: String,
}

/// What a response gave, as the contract looks at it.
pub struct Answered<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    /// The names of the headers it carried, any case.
    pub headers: Vec<&'a str>,
    /// Its body as JSON; `None` when it is not JSON, or was not read.
    pub body: Option<&'a Value>,
    /// The body was read (`reads_body` said so): `None` above then means it is not JSON.
    pub body_read: bool,
}

/// Schema errors shown per body; the rest are counted.
const SHOWN_ERRORS: usize = 3;

/// A body as the contract reads it.
#[derive(Clone, Copy)]
struct Body<'a> {
    json: Option<&'a Value>,
    /// It should have been JSON (a schema is documented for its media type) and is not.
    not_json: bool,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where a document is read from, and what for.
struct Reading<'a> {
    files: &'a Arc<Files>,
    requests: bool,
}

impl Document {
    /// A document held in memory (unit tests, the sandbox's own): `$ref`s to other files
    /// resolve beside `shown`'s name, relative to the working folder.
    pub fn new(doc: &Value, shown: &str) -> Result<Document, ContractError> {
        let here = std::env::current_dir().unwrap_or_default().join(shown);
        let root = Url::from_file_path(&here)
            .unwrap_or_else(|()| Url::parse("file:///openapi.yaml").expect("a file URL"));
        Document::read(Arc::new(Files::new(root, doc.clone(), shown)), true)
    }

    /// Reads the document's operations, their responses' schemas compiled — and their request
    /// bodies' too when `requests` (the collection asked for request checks).
    pub fn read(files: Arc<Files>, requests: bool) -> Result<Document, ContractError> {
        let doc = files.document();
        let shown = files.shown().to_string();
        let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
        if !version.starts_with('3') {
            return Err(ContractError::NotOpenApi(shown));
        }
        let r = Reading {
            files: &files,
            requests,
        };
        let mut operations = Vec::new();
        let paths = doc.get("paths").and_then(Value::as_object);
        for (template, item) in paths.into_iter().flatten() {
            let (base, item) = files.follow(files.root(), item)?;
            for (method, op) in item.as_object().into_iter().flatten() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let pointer = format!("#/paths/{}/{method}", escape_pointer(template));
                operations.push(Operation {
                    name: format!("{} {template}", method.to_ascii_uppercase()).into(),
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    segments: segments(template),
                    responses: r.answers(&base, op, &pointer)?,
                    request: r.request_body(&base, op, &pointer)?,
                    pointer,
                });
            }
        }
        Ok(Document {
            bases: bases(&doc),
            shared: shown.as_str().into(),
            shown,
            operations,
        })
    }

    /// The document as the user named it.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The same, shared.
    pub fn shared_name(&self) -> Arc<str> {
        Arc::clone(&self.shared)
    }

    /// Every operation, in the document's order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation a request is for: its method, and the URL's path under a server's base
    /// path; of several templates that match, the one with the most literal segments.
    pub fn operation(&self, method: &str, url_path: &str) -> Option<&Operation> {
        let path = url_path.split(['?', '#']).next().unwrap_or("");
        self.bases
            .iter()
            .filter_map(|b| path.strip_prefix(b.as_str()))
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .find_map(|rest| {
                let parts: Vec<&str> = rest.split('/').skip(1).collect();
                self.operations
                    .iter()
                    .filter(|o| o.method.eq_ignore_ascii_case(method) && o.matches(&parts))
                    .max_by_key(|o| o.literals())
            })
    }

    /// The operation a request written in a collection calls, from its method and URL as
    /// written (`{{ base_url }}/pets/{{ id }}`): a template segment stands for any value, and a
    /// URL that starts with a variable is matched from its path on (the variable holds the
    /// server, and perhaps its base path).
    pub fn operation_written(&self, method: &str, url: &str) -> Option<&Operation> {
        let url = url.trim();
        let path = match url.split_once("://") {
            _ if url.starts_with("{{") => url.find("}}").map_or("", |i| &url[i + 2..]),
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => url,
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        self.operation(method, path).or_else(|| {
            let parts: Vec<&str> = path.split('/').skip(1).collect();
            self.operations
                .iter()
                .filter(|o| o.method.eq_ignore_ascii_case(method) && o.matches(&parts))
                .max_by_key(|o| o.literals())
        })
    }

    fn rule(&self, pointer: &str) -> String {
        format!("{}{pointer}", self.shown)
    }

    /// Whether checking a response with this status and Content-Type reads its body (a schema
    /// is documented for it): the body is parsed only then.
    pub fn reads_body(&self, op: &Operation, status: u16, content_type: Option<&str>) -> bool {
        let media = media_type(content_type);
        op.answer(status).is_some_and(|a| {
            a.content
                .iter()
                .any(|m| m.schema.is_some() && media_matches(&m.media, media))
        })
    }

    /// What a response breaks of the operation's documented responses.
    pub fn check(&self, op: &Operation, seen: &Answered<'_>) -> Vec<Finding> {
        let Some(answer) = op.answer(seen.status) else {
            let documented: Vec<&str> = op.responses.iter().map(|a| &*a.key).collect();
            return vec![Finding {
                what: "status",
                expected: format!("a documented status ({})", documented.join(", ")),
                actual: seen.status.to_string(),
                rule: self.rule(&format!("{}/responses", op.pointer)),
            }];
        };
        let at = format!("{}/responses/{}", op.pointer, escape_pointer(&answer.key));
        let mut found: Vec<Finding> = answer
            .headers
            .iter()
            .filter(|h| !seen.headers.iter().any(|s| s.eq_ignore_ascii_case(h)))
            .map(|h| Finding {
                what: "header",
                expected: format!("a `{h}` header (required)"),
                actual: "none".into(),
                rule: self.rule(&format!("{at}/headers/{}", escape_pointer(h))),
            })
            .collect();
        if !answer.content.is_empty() {
            let body = Body {
                json: seen.body,
                not_json: seen.body_read && seen.body.is_none(),
            };
            found.extend(self.content(&answer.content, &at, seen.content_type, body, "body"));
        }
        found
    }

    /// What a request body breaks of the operation's `requestBody` (read only when the
    /// document was read for request checks).
    pub fn check_request(
        &self,
        op: &Operation,
        content_type: Option<&str>,
        body: Option<&Value>,
        sent: bool,
    ) -> Vec<Finding> {
        let Some(rb) = &op.request else {
            return Vec::new();
        };
        let at = format!("{}/requestBody", op.pointer);
        if !sent {
            return match rb.required {
                true => vec![Finding {
                    what: "request body",
                    expected: "a body (the operation's requestBody is required)".into(),
                    actual: "none".into(),
                    rule: self.rule(&at),
                }],
                false => Vec::new(),
            };
        }
        let content_type = content_type.or(Some("application/json"));
        let media = media_type(content_type);
        let schema = rb
            .content
            .iter()
            .any(|m| m.schema.is_some() && media_matches(&m.media, media));
        let body = Body {
            json: body,
            not_json: schema && body.is_none() && media.to_ascii_lowercase().contains("json"),
        };
        self.content(&rb.content, &at, content_type, body, "request body")
    }

    /// The media type among the documented ones, then the JSON body against its schema.
    fn content(
        &self,
        content: &[Media],
        at: &str,
        content_type: Option<&str>,
        body: Body<'_>,
        what: &'static str,
    ) -> Vec<Finding> {
        let media = media_type(content_type);
        let Some(m) = content.iter().find(|m| media_matches(&m.media, media)) else {
            let types: Vec<&str> = content.iter().map(|m| m.media.as_str()).collect();
            return vec![Finding {
                what: if what == "body" { "content-type" } else { what },
                expected: format!("one of {}", types.join(", ")),
                actual: if media.is_empty() {
                    "no Content-Type".into()
                } else {
                    media.to_ascii_lowercase()
                },
                rule: self.rule(&format!("{at}/content")),
            }];
        };
        let schema_at = format!("{at}/content/{}/schema", escape_pointer(&m.media));
        let Some(schema) = &m.schema else {
            return Vec::new();
        };
        let Some(json) = body.json else {
            return match body.not_json {
                true => vec![Finding {
                    what,
                    expected: "JSON matching the schema".into(),
                    actual: "the body is not JSON".into(),
                    rule: self.rule(&schema_at),
                }],
                false => Vec::new(),
            };
        };
        // Most bodies conform: the quick yes/no first, the errors only for a body that breaks it.
        if schema.is_valid(json) {
            return Vec::new();
        }
        let errors: Vec<_> = schema.iter_errors(json).take(SHOWN_ERRORS + 100).collect();
        let more = errors.len().saturating_sub(SHOWN_ERRORS);
        let mut found: Vec<Finding> = errors
            .iter()
            .take(SHOWN_ERRORS)
            .map(|e| Finding {
                what,
                expected: format!("to match the schema ({})", e.schema_path()),
                actual: format!(
                    "at {}: {}",
                    json_path(&e.instance_path().to_string()),
                    said(e)
                ),
                rule: self.rule(&schema_at),
            })
            .collect();
        if let (Some(last), true) = (found.last_mut(), more > 0) {
            let plus = if more >= 100 { "+" } else { "" };
            last.actual
                .push_str(&format!(" (and {more}{plus} more schema errors)"));
        }
        found
    }
}

/// A schema error in words; a property the direction must not carry says which rule.
fn said(e: &jsonschema::ValidationError<'_>) -> String {
    if let jsonschema::error::ValidationErrorKind::Not { schema } = e.kind()
        && let Some(rule) = schema.get("x-yarc").and_then(Value::as_str)
    {
        return match rule {
            "readOnly" => "the property is readOnly: a request must not send it".into(),
            _ => "the property is writeOnly: a response must not carry it".into(),
        };
    }
    e.to_string()
}

impl Operation {
    fn matches(&self, parts: &[&str]) -> bool {
        parts.len() == self.segments.len()
            && self.segments.iter().zip(parts).all(|(s, p)| match s {
                Segment::Literal(l) => l == p,
                Segment::Parameter => !p.is_empty(),
            })
    }

    fn literals(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }

    /// The documented response keys (`200`, `4XX`, `default`), in the document's order.
    pub fn response_keys(&self) -> impl Iterator<Item = &str> {
        self.responses.iter().map(|a| &*a.key)
    }

    /// The documented response a status falls under: its own code, else its range (`4XX`),
    /// else `default`.
    pub fn response_key(&self, status: u16) -> Option<&str> {
        self.answer(status).map(|a| &*a.key)
    }

    fn answer(&self, status: u16) -> Option<&Answer> {
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        [code.as_str(), range.as_str(), "default"]
            .iter()
            .find_map(|k| {
                self.responses
                    .iter()
                    .find(|a| a.key.eq_ignore_ascii_case(k))
            })
    }

    /// `GET /pets/{id}`.
    pub fn name(&self) -> String {
        self.name.to_string()
    }

    /// `GET /pets/{id}`, shared.
    pub fn shared_name(&self) -> Arc<str> {
        Arc::clone(&self.name)
    }

    /// The documented response a status falls under, shared.
    pub fn shared_response_key(&self, status: u16) -> Option<Arc<str>> {
        self.answer(status).map(|a| Arc::clone(&a.key))
    }
}

impl Reading<'_> {
    /// The documented responses of an operation, their schemas compiled.
    fn answers(&self, base: &Url, op: &Value, pointer: &str) -> Result<Vec<Answer>, ContractError> {
        let mut out = Vec::new();
        let responses = op.get("responses").and_then(Value::as_object);
        for (key, response) in responses.into_iter().flatten() {
            let (at, response) = self.files.follow(base, response)?;
            let pointer = format!("{pointer}/responses/{}", escape_pointer(key));
            let mut headers = Vec::new();
            let declared = response.get("headers").and_then(Value::as_object);
            for (name, h) in declared.into_iter().flatten() {
                let (_, h) = self.files.follow(&at, h)?;
                // OpenAPI: a `Content-Type` entry among the headers is ignored.
                if h.get("required") == Some(&Value::Bool(true))
                    && !name.eq_ignore_ascii_case("content-type")
                {
                    headers.push(name.clone());
                }
            }
            out.push(Answer {
                key: key.as_str().into(),
                content: self.media(&at, &response, &pointer, Direction::Response)?,
                headers,
            });
        }
        Ok(out)
    }

    fn request_body(
        &self,
        base: &Url,
        op: &Value,
        pointer: &str,
    ) -> Result<Option<RequestBody>, ContractError> {
        let Some(rb) = op.get("requestBody").filter(|_| self.requests) else {
            return Ok(None);
        };
        let (at, rb) = self.files.follow(base, rb)?;
        let pointer = format!("{pointer}/requestBody");
        Ok(Some(RequestBody {
            required: rb.get("required") == Some(&Value::Bool(true)),
            content: self.media(&at, &rb, &pointer, Direction::Request)?,
        }))
    }

    /// The `content:` of a response or request body: each media type and its schema.
    fn media(
        &self,
        base: &Url,
        holder: &Value,
        pointer: &str,
        direction: Direction,
    ) -> Result<Vec<Media>, ContractError> {
        let mut out = Vec::new();
        let content = holder.get("content").and_then(Value::as_object);
        for (media, m) in content.into_iter().flatten() {
            let schema = match m.get("schema") {
                Some(s) => Some(self.files.compile(base, s, direction).map_err(|why| {
                    ContractError::Schema {
                        file: self.files.shown().to_string(),
                        pointer: format!("{pointer}/content/{}/schema", escape_pointer(media)),
                        why: why.to_string(),
                    }
                })?),
                None => None,
            };
            out.push(Media {
                media: media.to_ascii_lowercase(),
                schema,
            });
        }
        Ok(out)
    }
}

/// The servers' base paths, longest first; `""` when there are none.
fn bases(doc: &Value) -> Vec<String> {
    let mut bases: Vec<String> = doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str))
        .map(base_path)
        .collect();
    bases.sort_by_key(|b| std::cmp::Reverse(b.len()));
    bases.dedup();
    if bases.is_empty() {
        bases.push(String::new());
    }
    bases
}

/// `https://api.example.com/v1/` → `/v1`; `/v2` → `/v2`; a templated server keeps its path.
fn base_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = match url.contains("://") {
        true => after_scheme.find('/').map_or("", |i| &after_scheme[i..]),
        false => after_scheme,
    };
    path.trim_end_matches('/').to_string()
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .skip(1)
        .map(|s| match s.starts_with('{') && s.ends_with('}') {
            true => Segment::Parameter,
            false => Segment::Literal(s.to_string()),
        })
        .collect()
}

/// `application/json; charset=utf-8` → `application/json`.
fn media_type(content_type: Option<&str>) -> &str {
    content_type
        .map(|c| c.split(';').next().unwrap_or("").trim())
        .unwrap_or_default()
}

/// A media type the document declares, against the response's: `application/json`,
/// `application/*`, `*/*`; `application/problem+json` is not `application/json`.
fn media_matches(declared: &str, actual: &str) -> bool {
    let declared = declared.split(';').next().unwrap_or("").trim();
    match declared.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => actual
            .split('/')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(kind)),
        _ => declared.eq_ignore_ascii_case(actual),
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// `/items/0/id` → `$.items[0].id`.
fn json_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        match part.parse::<usize>() {
            Ok(i) => out.push_str(&format!("[{i}]")),
            Err(_) => out.push_str(&format!(".{part}")),
        }
    }
    out
}
