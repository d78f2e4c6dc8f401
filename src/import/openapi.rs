//! `yarc import openapi`: an OpenAPI 3.0 or 3.1 document (YAML or JSON) into a collection: one
//! request per operation, grouped by tag; `servers[0]` as `base_url`; path and query parameters
//! as variables with their examples; bodies from examples or a minimal instance of the schema;
//! `expect.status` from the first 2xx response; an OAuth2 client-credentials scheme as an
//! `oauth2` block; local `$ref`s resolved. Pure: the document in, file texts out.

use super::vars::ident;
use super::yaml_out::{self, Y};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};

const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
const MAX_DEPTH: usize = 24;

#[derive(Debug, Default)]
pub struct Report {
    pub operations: usize,
    pub groups: usize,
    pub secrets: BTreeSet<String>,
    pub notes: Vec<String>,
    pub auth: Option<String>,
}

pub struct Imported {
    pub collection: String,
    /// Response schemas (`--schemas`): (file name under `schemas/`, JSON text).
    pub schemas: Vec<(String, String)>,
    pub report: Report,
}

/// Reads YAML or JSON.
pub fn parse(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    serde_saphyr::from_str(text).map_err(|e| {
        format!(
            "not valid YAML or JSON: {}",
            e.to_string().lines().next().unwrap_or("")
        )
    })
}

pub fn import(doc: &Value, with_schemas: bool) -> Result<Imported, String> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or("not an OpenAPI 3 document: no `openapi` version")?;
    if !version.starts_with("3.") {
        return Err(format!(
            "OpenAPI {version} is not supported (3.0 and 3.1 are)"
        ));
    }
    let mut report = Report::default();
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("Imported API")
        .to_string();
    let mut root = Y::map();
    root.comment(format!(
        "Imported from the OpenAPI document \"{title}\" ({version}) by `yarc import openapi`."
    ));
    root.set("name", Y::str(&title));
    let mut vars = Y::map();
    vars.set("base_url", Y::str(server_url(doc)));
    let scheme = security(doc, &mut vars, &mut report);
    if let Some((_, auth)) = &scheme {
        root.set("auth", auth.clone());
    }
    let global_security = doc.get("security").cloned();
    let mut groups: Vec<(String, Vec<Y>)> = Vec::new();
    let mut ungrouped: Vec<Y> = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut schemas = Vec::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (path, item) in &paths {
        let item = resolve(doc, item, 0);
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let op = resolve(doc, op, 0);
            report.operations += 1;
            let ctx = OpCtx {
                doc,
                path,
                method,
                shared: &shared,
                scheme: scheme.as_ref().map(|(n, _)| n.as_str()),
                global_security: global_security.as_ref(),
            };
            let (request, schema) =
                operation(&ctx, &op, &mut vars, &mut names, with_schemas, &mut report);
            if let Some(s) = schema {
                schemas.push(s);
            }
            match op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
            {
                Some(tag) => match groups.iter_mut().find(|(t, _)| t == tag) {
                    Some((_, list)) => list.push(request),
                    None => groups.push((tag.to_string(), vec![request])),
                },
                None => ungrouped.push(request),
            }
        }
    }
    root.set("variables", vars);
    // Groups in the document's own `tags` order; tags it does not list come after, as met.
    let order: Vec<String> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    groups.sort_by_key(|(t, _)| order.iter().position(|o| o == t).unwrap_or(usize::MAX));
    let mut requests = ungrouped;
    report.groups = groups.len();
    for (tag, list) in groups {
        requests.push(Y::Map(vec![
            ("group".into(), Y::str(tag)),
            ("requests".into(), Y::Seq(list)),
        ]));
    }
    if requests.is_empty() {
        return Err("the document has no operations under `paths`".into());
    }
    root.set("requests", Y::Seq(requests));
    Ok(Imported {
        collection: super::postman::modeline("collection", "./") + &yaml_out::to_string(&root),
        schemas,
        report,
    })
}

struct OpCtx<'a> {
    doc: &'a Value,
    path: &'a str,
    method: &'a str,
    shared: &'a [Value],
    scheme: Option<&'a str>,
    global_security: Option<&'a Value>,
}

fn server_url(doc: &Value) -> String {
    let Some(server) = doc.pointer("/servers/0") else {
        return "http://localhost".into();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("http://localhost")
        .to_string();
    if let Some(vars) = server.get("variables").and_then(Value::as_object) {
        for (k, v) in vars {
            let d = v.get("default").and_then(Value::as_str).unwrap_or("");
            url = url.replace(&format!("{{{k}}}"), d);
        }
    }
    url.trim_end_matches('/').to_string()
}

/// The first security scheme yarc can speak, as an auth block.
fn security(doc: &Value, vars: &mut Y, report: &mut Report) -> Option<(String, Y)> {
    let schemes = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)?;
    for (name, scheme) in schemes {
        let scheme = resolve(doc, scheme, 0);
        match scheme.get("type").and_then(Value::as_str) {
            Some("oauth2") => {
                let Some(flow) = scheme.pointer("/flows/clientCredentials") else {
                    continue;
                };
                let token_url = flow.get("tokenUrl").and_then(Value::as_str).unwrap_or("");
                let scopes: Vec<String> = flow
                    .get("scopes")
                    .and_then(Value::as_object)
                    .map(|s| s.keys().cloned().collect())
                    .unwrap_or_default();
                vars.set("token_url", Y::str(token_url));
                vars.set("client_id", Y::str("{{ secret('CLIENT_ID') }}"));
                vars.set("client_secret", Y::str("{{ secret('CLIENT_SECRET') }}"));
                vars.set("scope", Y::str(scopes.join(" ")));
                report
                    .secrets
                    .extend(["CLIENT_ID".to_string(), "CLIENT_SECRET".to_string()]);
                report.auth = Some(format!("OAuth2 client credentials (`{name}`)"));
                let mut o = Y::map();
                o.set("token_url", Y::str("{{ token_url }}"));
                o.set("client_id", Y::str("{{ client_id }}"));
                o.set("client_secret", Y::str("{{ client_secret }}"));
                o.set("scope", Y::str("{{ scope }}"));
                return Some((name.clone(), Y::Map(vec![("oauth2".into(), o)])));
            }
            Some("http") if scheme.get("scheme").and_then(Value::as_str) == Some("bearer") => {
                report.secrets.insert("TOKEN".into());
                report.auth = Some(format!("bearer (`{name}`)"));
                return Some((
                    name.clone(),
                    Y::Map(vec![("bearer".into(), Y::str("{{ secret('TOKEN') }}"))]),
                ));
            }
            Some("apiKey") => {
                let key = scheme
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("X-Api-Key");
                let place = if scheme.get("in").and_then(Value::as_str) == Some("query") {
                    "query"
                } else {
                    "header"
                };
                report.secrets.insert("API_KEY".into());
                report.auth = Some(format!("API key (`{name}`)"));
                let block = Y::Map(vec![
                    (place.into(), Y::str(key)),
                    ("value".into(), Y::str("{{ secret('API_KEY') }}")),
                ]);
                return Some((name.clone(), Y::Map(vec![("api_key".into(), block)])));
            }
            _ => report.notes.push(format!(
                "security scheme `{name}` is not supported; requests that need it get no auth"
            )),
        }
    }
    None
}

fn operation(
    cx: &OpCtx,
    op: &Value,
    vars: &mut Y,
    names: &mut HashMap<String, usize>,
    with_schemas: bool,
    report: &mut Report,
) -> (Y, Option<(String, String)>) {
    let mut r = Y::map();
    let name = unique_name(cx, op, names);
    r.set("name", Y::str(&name));
    if cx.method != "get" {
        r.set("method", Y::str(cx.method.to_uppercase()));
    }
    parameters(cx, op, vars, &mut r);
    body(cx, op, &name, &mut r, report);
    // `security: []` on an operation means "no auth"; another scheme than the one converted, too.
    let security = op.get("security").or(cx.global_security);
    let needs_ours = match (security, cx.scheme) {
        (Some(Value::Array(reqs)), Some(ours)) => reqs.iter().any(|r| r.get(ours).is_some()),
        (None, Some(_)) => true,
        _ => false,
    };
    if cx.scheme.is_some() && !needs_ours {
        r.set("auth", Y::str("none"));
    }
    let (expect, schema_file) = expectations(cx, op, &name, with_schemas);
    r.set("expect", expect);
    (r, schema_file)
}

/// The operation's id (or summary, or `METHOD /path`), numbered when it repeats.
fn unique_name(cx: &OpCtx, op: &Value, names: &mut HashMap<String, usize>) -> String {
    let base_name = op
        .get("operationId")
        .or_else(|| op.get("summary"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{} {}", cx.method.to_uppercase(), cx.path));
    let n = names.entry(base_name.to_lowercase()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base_name
    } else {
        format!("{base_name} ({n})")
    }
}

/// Path, query and header parameters as templates, their examples as collection variables.
fn parameters(cx: &OpCtx, op: &Value, vars: &mut Y, r: &mut Y) {
    let mut url_path = cx.path.to_string();
    let mut query = Y::map();
    let mut headers = Y::map();
    let own = op.get("parameters").and_then(Value::as_array);
    let params: Vec<Value> = cx
        .shared
        .iter()
        .chain(own.into_iter().flatten())
        .map(|p| resolve(cx.doc, p, 0))
        .collect();
    for p in &params {
        let (Some(pname), Some(place)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let var = ident(pname);
        let required = p
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(place == "path");
        let example = param_example(cx.doc, p);
        match place {
            "path" => {
                url_path = url_path.replace(&format!("{{{pname}}}"), &format!("{{{{ {var} }}}}"));
            }
            "query" if required || example.is_some() => {
                query.set(pname, Y::str(format!("{{{{ {var} }}}}")));
            }
            "header" if required => {
                headers.set(pname, Y::str(format!("{{{{ {var} }}}}")));
            }
            _ => continue,
        }
        if vars.get_mut(&var).is_none() {
            let value = example.unwrap_or_else(|| json!(placeholder(p.get("schema"))));
            vars.set(&var, Y::from_json(&value));
        }
    }
    r.set("url", Y::str(format!("{{{{ base_url }}}}{url_path}")));
    if !query.is_empty_map() {
        r.set("query", query);
    }
    if !headers.is_empty_map() {
        r.set("headers", headers);
    }
}

/// The request body from the first JSON, form or multipart media type's example.
fn body(cx: &OpCtx, op: &Value, name: &str, r: &mut Y, report: &mut Report) {
    let Some(body) = op.get("requestBody").map(|b| resolve(cx.doc, b, 0)) else {
        return;
    };
    let content = body
        .get("content")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(media) = content
        .iter()
        .find(|(k, _)| k.contains("json"))
        .map(|(_, v)| v)
    {
        r.set("json", Y::from_json(&media_example(cx.doc, media)));
    } else if let Some(media) = content.get("application/x-www-form-urlencoded") {
        r.set("form", flat_map(&media_example(cx.doc, media)));
    } else if let Some(media) = content.get("multipart/form-data") {
        r.set("multipart", flat_map(&media_example(cx.doc, media)));
    } else if !content.is_empty() {
        report.notes.push(format!(
            "`{name}`: request body types {:?} are not converted",
            content.keys().collect::<Vec<_>>()
        ));
    }
}

/// `expect.status` from the first 2xx response, and with `--schemas` its JSON Schema (the file
/// to write, and its text).
fn expectations(
    cx: &OpCtx,
    op: &Value,
    name: &str,
    with_schemas: bool,
) -> (Y, Option<(String, String)>) {
    let mut expect = Y::map();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some((code, resp)) = responses.iter().find(|(code, _)| code.starts_with('2')) else {
        expect.set("status", Y::str("2xx"));
        return (expect, None);
    };
    match code.parse::<u64>() {
        Ok(n) => expect.set("status", Y::Num(n.into())),
        Err(_) => expect.set("status", Y::str("2xx")),
    }
    let resp = resolve(cx.doc, resp, 0);
    let schema = resp
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(k, _)| k.contains("json")))
        .and_then(|(_, m)| m.get("schema"));
    let Some(schema) = schema.filter(|_| with_schemas) else {
        return (expect, None);
    };
    let file = format!("{}.json", crate::snapshot::slug(name));
    let inlined = inline_refs(cx.doc, schema, 0);
    expect.set("schema", Y::str(format!("schemas/{file}")));
    let text = serde_json::to_string_pretty(&inlined).unwrap_or_default() + "\n";
    (expect, Some((file, text)))
}

fn flat_map(v: &Value) -> Y {
    let mut m = Y::map();
    for (k, v) in v.as_object().into_iter().flatten() {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        m.set(k, Y::str(text));
    }
    m
}

fn param_example(doc: &Value, p: &Value) -> Option<Value> {
    p.get("example")
        .cloned()
        .or_else(|| {
            p.get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .map(|e| resolve(doc, e, 0))
                .and_then(|e| e.get("value").cloned())
        })
        .or_else(|| {
            p.get("schema")
                .map(|s| resolve(doc, s, 0))
                .and_then(|s| s.get("example").or_else(|| s.get("default")).cloned())
        })
}

fn media_example(doc: &Value, media: &Value) -> Value {
    if let Some(e) = media.get("example") {
        return e.clone();
    }
    if let Some(e) = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
    {
        let e = resolve(doc, e, 0);
        if let Some(v) = e.get("value") {
            return v.clone();
        }
    }
    match media.get("schema") {
        Some(s) => instance(doc, s, 0),
        None => json!({}),
    }
}

fn placeholder(schema: Option<&Value>) -> Value {
    match schema.and_then(|s| s.get("type")).and_then(Value::as_str) {
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        _ => json!("example"),
    }
}

/// A minimal valid-looking instance of a schema: required properties, examples and defaults
/// first, then a value by type and format.
pub fn instance(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let s = resolve(doc, schema, depth);
    for k in ["example", "default", "const"] {
        if let Some(v) = s.get(k) {
            return v.clone();
        }
    }
    if let Some(first) = s
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            if let Value::Object(o) = instance(doc, part, depth + 1) {
                merged.extend(o);
            }
        }
        return Value::Object(merged);
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(first) = s.get(k).and_then(Value::as_array).and_then(|a| a.first()) {
            return instance(doc, first, depth + 1);
        }
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if s.get("properties").is_some() => "object".into(),
        _ => "string".into(),
    };
    match ty.as_str() {
        "object" => {
            let props = s
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            for (k, v) in &props {
                if required.is_empty() || required.contains(&k.as_str()) {
                    out.insert(k.clone(), instance(doc, v, depth + 1));
                }
            }
            Value::Object(out)
        }
        "array" => match s.get("items") {
            Some(items) => Value::Array(vec![instance(doc, items, depth + 1)]),
            None => json!([]),
        },
        "integer" => json!(s.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        "number" => json!(s.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => json!(match s.get("format").and_then(Value::as_str) {
            Some("date") => "2026-01-01",
            Some("date-time") => "2026-01-01T00:00:00Z",
            Some("uuid") => "00000000-0000-4000-8000-000000000000",
            Some("email") => "user@example.com",
            Some("uri") | Some("url") => "https://example.com",
            _ => "string",
        }),
    }
}

/// Follows a local `$ref` (`#/components/...`), once or through a chain.
pub fn resolve(doc: &Value, v: &Value, depth: usize) -> Value {
    let mut cur = v.clone();
    for _ in 0..MAX_DEPTH.saturating_sub(depth) {
        let Some(r) = cur.get("$ref").and_then(Value::as_str) else {
            return cur;
        };
        let Some(pointer) = r.strip_prefix('#') else {
            return cur;
        };
        match doc.pointer(pointer) {
            Some(target) => cur = target.clone(),
            None => return cur,
        }
    }
    cur
}

/// A schema with every local `$ref` replaced by its target, for a standalone schema file; a
/// reference cycle is cut at a depth, where anything is allowed.
fn inline_refs(doc: &Value, v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return json!({});
    }
    match v {
        Value::Object(o) if o.contains_key("$ref") => {
            inline_refs(doc, &resolve(doc, v, depth), depth + 1)
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), inline_refs(doc, v, depth + 1)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|i| inline_refs(doc, i, depth + 1)).collect()),
        other => other.clone(),
    }
}
