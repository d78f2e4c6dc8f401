//! Contract checks: a response held against the API's OpenAPI document. The document is read
//! once into its operations (method and path template, under each server's base path); a
//! request is matched to one by its method and URL path, and its response's status,
//! Content-Type and JSON body are checked against what that operation documents. Each finding
//! names the place in the document it comes from (`openapi.yaml#/paths/~1pets~1{id}/get/...`)
//! and, for a body, the JSON path of the offending value.
//!
//! Pure: reading the file and turning findings into assertions are the caller's.

use serde_json::Value;
use std::sync::Arc;

/// An OpenAPI document, ready to match requests against.
pub struct Document {
    /// The document as the user named it (`openapi.yaml`), for locations.
    shown: String,
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

/// One operation: `GET /pets/{id}` and what it answers.
pub struct Operation {
    pub method: String,
    pub template: String,
    segments: Vec<Segment>,
    /// `#/paths/~1pets~1{id}/get`.
    pointer: String,
    responses: Vec<Answer>,
}

enum Segment {
    Literal(String),
    Parameter,
}

/// A documented response: its status key (`200`, `2XX`, `default`), media types and schemas.
struct Answer {
    key: String,
    content: Vec<(String, Option<Arc<jsonschema::Validator>>)>,
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
}

/// What a response does that its operation does not document.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was checked: `status`, `content-type` or `body`.
    pub what: &'static str,
    pub expected: String,
    pub actual: String,
    /// Where in the document the rule is: `openapi.yaml#/paths/...`.
    pub rule: String,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Document {
    /// Reads the document's operations; `shown` names it in findings.
    pub fn new(doc: &Value, shown: &str) -> Result<Document, ContractError> {
        let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
        if !version.starts_with('3') {
            return Err(ContractError::NotOpenApi(shown.to_string()));
        }
        let draft4 = version.starts_with("3.0");
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
        let mut operations = Vec::new();
        let paths = doc.get("paths").and_then(Value::as_object);
        for (template, item) in paths.into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let pointer = format!("#/paths/{}/{method}", escape_pointer(template));
                let responses = answers(doc, op, &pointer, draft4, shown)?;
                operations.push(Operation {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    segments: segments(template),
                    pointer,
                    responses,
                });
            }
        }
        Ok(Document {
            shown: shown.to_string(),
            bases,
            operations,
        })
    }

    /// The document as the user named it.
    pub fn shown(&self) -> &str {
        &self.shown
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

    /// What `status`, `content_type` and the JSON `body` (when there is one) break of the
    /// operation's documented responses.
    pub fn check(
        &self,
        op: &Operation,
        status: u16,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> Vec<Finding> {
        let rule = |pointer: &str| format!("{}{pointer}", self.shown);
        let Some(answer) = op.answer(status) else {
            let documented: Vec<&str> = op.responses.iter().map(|a| a.key.as_str()).collect();
            return vec![Finding {
                what: "status",
                expected: format!("a documented status ({})", documented.join(", ")),
                actual: status.to_string(),
                rule: rule(&format!("{}/responses", op.pointer)),
            }];
        };
        let at = format!("{}/responses/{}", op.pointer, answer.key);
        if answer.content.is_empty() {
            return Vec::new();
        }
        let media = content_type
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let Some((declared, schema)) = answer
            .content
            .iter()
            .find(|(m, _)| media_matches(m, &media))
        else {
            let types: Vec<&str> = answer.content.iter().map(|(m, _)| m.as_str()).collect();
            return vec![Finding {
                what: "content-type",
                expected: format!("one of {}", types.join(", ")),
                actual: if media.is_empty() {
                    "none".into()
                } else {
                    media
                },
                rule: rule(&format!("{at}/content")),
            }];
        };
        let (Some(schema), Some(body)) = (schema, body) else {
            return Vec::new();
        };
        let schema_at = format!("{at}/content/{}/schema", escape_pointer(declared));
        schema
            .iter_errors(body)
            .take(3)
            .map(|e| {
                let path = e.instance_path().to_string();
                Finding {
                    what: "body",
                    expected: format!("to match the response schema ({})", e.schema_path()),
                    actual: format!("at {}: {e}", json_path(&path)),
                    rule: rule(&schema_at),
                }
            })
            .collect()
    }
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

    /// The documented response for a status: its own code, else its range (`4XX`), else
    /// `default`.
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
}

/// The documented responses of an operation, their schemas compiled with the document's
/// components beside them.
fn answers(
    doc: &Value,
    op: &Value,
    pointer: &str,
    draft4: bool,
    shown: &str,
) -> Result<Vec<Answer>, ContractError> {
    let mut out = Vec::new();
    for (key, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let response = resolve(doc, response);
        let mut content = Vec::new();
        for (media, m) in response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let schema = match m.get("schema") {
                Some(s) => Some(
                    compile(doc, s, draft4).map_err(|why| ContractError::Schema {
                        file: shown.to_string(),
                        pointer: format!(
                            "{pointer}/responses/{key}/content/{}/schema",
                            escape_pointer(media)
                        ),
                        why: why.to_string(),
                    })?,
                ),
                None => None,
            };
            content.push((media.to_ascii_lowercase(), schema));
        }
        out.push(Answer {
            key: key.clone(),
            content,
        });
    }
    Ok(out)
}

/// A response written as `$ref: '#/components/responses/NotFound'`: the response itself.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => doc.pointer(&r[1..]).unwrap_or(v),
        _ => v,
    }
}

/// A schema with the document's `components` beside it (its `$ref`s point there), OpenAPI
/// 3.0's `nullable` read as JSON Schema's `null` type.
fn compile(
    doc: &Value,
    schema: &Value,
    draft4: bool,
) -> Result<Arc<jsonschema::Validator>, jsonschema::ValidationError<'static>> {
    let mut root = match schema {
        Value::Object(o) => Value::Object(o.clone()),
        other => other.clone(),
    };
    if let (Value::Object(o), Some(components)) = (&mut root, doc.get("components")) {
        o.insert("components".into(), components.clone());
    }
    if draft4 {
        nullable(&mut root);
    }
    let options = match draft4 {
        true => jsonschema::draft4::options(),
        false => jsonschema::draft202012::options(),
    };
    options.build(&root).map(Arc::new)
}

/// `type: string, nullable: true` (OpenAPI 3.0) is `type: [string, "null"]`.
fn nullable(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.remove("nullable") == Some(Value::Bool(true))
                && let Some(Value::String(t)) = o.get("type").cloned()
            {
                o.insert("type".into(), Value::from(vec![t, "null".to_string()]));
            }
            o.values_mut().for_each(nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable),
        _ => {}
    }
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

/// A media type the document declares, against the response's: `application/json`,
/// `application/*`, `*/*`; `application/problem+json` is not `application/json`.
fn media_matches(declared: &str, actual: &str) -> bool {
    let declared = declared.split(';').next().unwrap_or("").trim();
    match declared.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => actual.split('/').next() == Some(kind),
        _ => declared == actual,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc30() -> Value {
        json!({
            "openapi": "3.0.3",
            "servers": [{"url": "https://api.example.com/v1/"}],
            "paths": {
                "/pets": {"get": {"responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}
                }}}}},
                "/pets/{id}": {"get": {"responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "404": {"$ref": "#/components/responses/NotFound"}
                }}},
                "/pets/mine": {"get": {"responses": {"204": {"description": "none"}}}}
            },
            "components": {
                "schemas": {"Pet": {"type": "object", "required": ["id", "name"], "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "tag": {"type": "string", "nullable": true}
                }}},
                "responses": {"NotFound": {"description": "no such pet", "content": {"application/problem+json": {"schema": {"type": "object"}}}}}
            }
        })
    }

    #[test]
    fn requests_match_operations_under_the_server_base_path() {
        let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
        let op = d.operation("get", "/v1/pets/42?x=1").expect("matches");
        assert_eq!(op.template, "/pets/{id}");
        // The literal segment wins over the parameter.
        assert_eq!(
            d.operation("GET", "/v1/pets/mine").expect("mine").template,
            "/pets/mine"
        );
        assert!(
            d.operation("GET", "/pets/42").is_none(),
            "not under the base path"
        );
        assert!(
            d.operation("DELETE", "/v1/pets/42").is_none(),
            "no such method"
        );
        assert!(d.operation("GET", "/v1/pets/42/toys").is_none());
    }

    #[test]
    fn a_body_that_breaks_its_schema_is_found_with_both_locations() {
        let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
        let op = d.operation("GET", "/v1/pets").expect("matches");
        let good = json!([{"id": 1, "name": "Rex", "tag": null}]);
        assert_eq!(
            d.check(
                op,
                200,
                Some("application/json; charset=utf-8"),
                Some(&good)
            ),
            vec![]
        );
        let bad = json!([{"id": "one", "name": "Rex"}]);
        let f = d.check(op, 200, Some("application/json"), Some(&bad));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].what, "body");
        assert!(f[0].actual.starts_with("at $[0].id: "), "{f:?}");
        assert_eq!(
            f[0].rule,
            "openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/schema"
        );
    }

    #[test]
    fn status_and_content_type_are_held_to_what_is_documented() {
        let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
        let op = d.operation("GET", "/v1/pets/7").expect("matches");
        // A documented 404 (through a $ref to the components) with its own media type.
        assert_eq!(
            d.check(op, 404, Some("application/problem+json"), Some(&json!({}))),
            vec![]
        );
        let teapot = d.check(op, 418, None, None);
        assert_eq!(teapot[0].what, "status");
        assert_eq!(teapot[0].expected, "a documented status (200, 404)");
        let html = d.check(op, 200, Some("text/html"), None);
        assert_eq!(html[0].what, "content-type");
        assert_eq!(html[0].actual, "text/html");
        // No content documented: any body goes.
        let none = d.operation("GET", "/v1/pets/mine").expect("matches");
        assert_eq!(d.check(none, 204, None, None), vec![]);
    }

    #[test]
    fn ranges_default_and_openapi_3_1_types() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/jobs": {"post": {"responses": {
                "2XX": {"description": "ok", "content": {"application/*": {"schema": {"type": ["string", "null"]}}}},
                "default": {"description": "error"}
            }}}}
        });
        let d = Document::new(&doc, "api.json").expect("reads");
        let op = d.operation("POST", "/jobs").expect("matches");
        assert_eq!(
            d.check(op, 202, Some("application/json"), Some(&Value::Null)),
            vec![]
        );
        assert_eq!(d.check(op, 500, None, None), vec![], "default answers it");
        let f = d.check(op, 201, Some("application/json"), Some(&json!(3)));
        assert_eq!(f[0].what, "body", "{f:?}");
    }

    #[test]
    fn what_is_not_openapi_3_is_refused() {
        assert_eq!(
            Document::new(&json!({"swagger": "2.0"}), "old.json").err(),
            Some(ContractError::NotOpenApi("old.json".into()))
        );
    }
}
