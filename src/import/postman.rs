//! `yarc import postman`: a Postman collection (v2.1 or v2.0) and its environments into a yarc
//! collection and environment files. Folders become groups, `{{var}}` becomes `{{ var }}`, the
//! common test-script patterns become `expect` and `capture`, and secrets are never copied:
//! secret-looking values become `secret("NAME")` references, listed for the user to set.
//! Pure: JSON in, file texts and a report out.

use super::script::{Script, convert_script};
use super::vars::{convert, env_name, ident, looks_secret, secret_ref};
use super::yaml_out::{self, Y};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// What an import produced and what needs a human look.
#[derive(Debug, Default)]
pub struct Report {
    pub requests: usize,
    pub groups: usize,
    pub assertions: usize,
    pub captures: usize,
    /// Script lines kept as comments.
    pub kept_lines: usize,
    pub secrets: BTreeSet<String>,
    pub unknown_dynamic: BTreeSet<String>,
    pub notes: Vec<String>,
    pub auth: BTreeSet<String>,
}

pub struct Imported {
    /// (path relative to the output folder, text)
    pub files: Vec<(String, String)>,
    pub collection_file: String,
    pub environments: Vec<(String, String)>,
    pub report: Report,
}

struct Ctx {
    report: Report,
    unknown: Vec<String>,
    names: HashMap<String, usize>,
}

impl Ctx {
    fn text(&mut self, s: &str) -> String {
        convert(s, &mut self.unknown)
    }

    /// A literal secret becomes a `secret()` reference; a template stays.
    fn secret_or_text(&mut self, value: &str, env: &str) -> String {
        if value.contains("{{") {
            return self.text(value);
        }
        self.report.secrets.insert(env.to_string());
        secret_ref(env)
    }

    fn unique_name(&mut self, name: &str) -> String {
        let base = if name.trim().is_empty() {
            "request".to_string()
        } else {
            name.trim().to_string()
        };
        let n = self.names.entry(base.to_lowercase()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base} ({n})")
        }
    }
}

pub fn import(collection: &Value, environments: &[Value]) -> Result<Imported, String> {
    let info = collection
        .get("info")
        .ok_or("not a Postman collection: no `info`")?;
    let schema = info.get("schema").and_then(Value::as_str).unwrap_or("");
    if !(schema.is_empty() || schema.contains("v2.1") || schema.contains("v2.0")) {
        return Err(format!(
            "unsupported Postman collection schema `{schema}` (v2.0 and v2.1 are supported)"
        ));
    }
    let items = collection
        .get("item")
        .and_then(Value::as_array)
        .ok_or("not a Postman collection: no `item` list")?;
    let name = info
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("Imported collection")
        .to_string();
    let mut cx = Ctx {
        report: Report::default(),
        unknown: Vec::new(),
        names: HashMap::new(),
    };
    let mut doc = Y::map();
    doc.comment(format!(
        "Imported from the Postman collection \"{name}\" by `yarc import postman`.\nLines starting with \"postman:\" are script lines that were not converted: give them a look."
    ));
    doc.set("name", Y::str(&name));
    let variables = variables(collection.get("variable"), &mut cx);
    if !variables.is_empty_map() {
        doc.set("variables", variables);
    }
    if let Some(a) = collection
        .get("auth")
        .and_then(|a| auth(a, "collection", &mut cx))
    {
        doc.set("auth", a);
    }
    keep_scripts(collection, &mut doc, "collection script", &mut cx);
    doc.set(
        "requests",
        Y::Seq(items.iter().filter_map(|i| item(i, &mut cx)).collect()),
    );
    cx.report.unknown_dynamic.extend(cx.unknown.drain(..));
    let slug = crate::snapshot::slug(&name);
    let collection_file = format!("{slug}.yaml");
    let mut files = vec![(
        collection_file.clone(),
        modeline("collection", "./") + &yaml_out::to_string(&doc),
    )];
    let mut envs = Vec::new();
    for env in environments {
        let (file, text, env_name) = environment(env, &mut cx)?;
        envs.push((env_name, file.clone()));
        files.push((file, text));
    }
    cx.report.unknown_dynamic.extend(cx.unknown.drain(..));
    Ok(Imported {
        files,
        collection_file,
        environments: envs,
        report: cx.report,
    })
}

/// The editor modeline: VS Code's YAML extension completes and validates with yarc's schema,
/// which the importer writes to `.yarc/` in the output folder (`up` leads there).
pub fn modeline(kind: &str, up: &str) -> String {
    format!("# yaml-language-server: $schema={up}.yarc/{kind}.schema.json\n")
}

fn variables(list: Option<&Value>, cx: &mut Ctx) -> Y {
    let mut vars = Y::map();
    for v in list.and_then(Value::as_array).into_iter().flatten() {
        if v.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(key) = v.get("key").and_then(Value::as_str) else {
            continue;
        };
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        let secret = looks_secret(key) || v.get("type").and_then(Value::as_str) == Some("secret");
        let y = match value {
            _ if secret => {
                let env = env_name(key);
                cx.report.secrets.insert(env.clone());
                Y::str(secret_ref(&env))
            }
            Value::String(s) => Y::str(cx.text(&s)),
            other => Y::from_json(&other),
        };
        vars.set(ident(key), y);
    }
    vars
}

fn environment(env: &Value, cx: &mut Ctx) -> Result<(String, String, String), String> {
    let name = env
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("environment")
        .to_string();
    let values = env
        .get("values")
        .ok_or_else(|| format!("environment `{name}` has no `values`"))?;
    let mut doc = Y::map();
    doc.comment(format!(
        "Imported from the Postman environment \"{name}\". Secrets are not copied: they are read\nwith secret(\"NAME\") from the process environment or a .env file."
    ));
    doc.set("name", Y::str(&name));
    let list: Vec<Value> = values
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let mut v = v.clone();
            if v.get("enabled").and_then(Value::as_bool) == Some(false)
                && let Some(o) = v.as_object_mut()
            {
                o.insert("disabled".into(), Value::Bool(true));
            }
            v
        })
        .collect();
    let vars = variables(Some(&Value::Array(list)), cx);
    doc.set("variables", vars);
    let slug = crate::snapshot::slug(&name);
    Ok((
        format!("environments/{slug}.yaml"),
        modeline("environment", "../") + &yaml_out::to_string(&doc),
        slug,
    ))
}

/// Collection and folder scripts are not converted: kept as comments, and counted.
fn keep_scripts(node: &Value, y: &mut Y, what: &str, cx: &mut Ctx) {
    for lines in events(node, "test")
        .into_iter()
        .chain(events(node, "prerequest"))
    {
        cx.report.kept_lines += lines.len();
        for l in lines {
            y.comment(format!("postman ({what}): {l}"));
        }
    }
}

fn events(node: &Value, listen: &str) -> Vec<Vec<String>> {
    node.get("event")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.get("listen").and_then(Value::as_str) == Some(listen)
                && e.get("disabled").and_then(Value::as_bool) != Some(true)
        })
        .filter_map(|e| e.get("script")?.get("exec"))
        .map(|exec| match exec {
            Value::Array(lines) => lines
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Value::String(s) => s.lines().map(str::to_string).collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn item(node: &Value, cx: &mut Ctx) -> Option<Y> {
    if node.get("disabled").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let name = node.get("name").and_then(Value::as_str).unwrap_or("");
    if let Some(children) = node.get("item").and_then(Value::as_array) {
        cx.report.groups += 1;
        let mut g = Y::map();
        g.set(
            "group",
            Y::str(if name.is_empty() { "folder" } else { name }),
        );
        if let Some(a) = node
            .get("auth")
            .and_then(|a| auth(a, &format!("folder `{name}`"), cx))
        {
            g.set("auth", a);
        }
        keep_scripts(node, &mut g, "folder script", cx);
        g.set(
            "requests",
            Y::Seq(children.iter().filter_map(|i| item(i, cx)).collect()),
        );
        return Some(g);
    }
    let req = node.get("request")?;
    cx.report.requests += 1;
    let mut r = Y::map();
    r.set("name", Y::str(cx.unique_name(name)));
    let method = match req {
        Value::String(_) => "GET".to_string(),
        _ => req
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase(),
    };
    if method != "GET" {
        r.set("method", Y::str(&method));
    }
    let (url, query) = url(req, cx);
    r.set("url", Y::str(url));
    if !query.is_empty_map() {
        r.set("query", query);
    }
    let headers = headers(req.get("header"), cx);
    if !headers.is_empty_map() {
        r.set("headers", headers);
    }
    if let Some((key, body)) = req.get("body").and_then(|b| body(b, cx)) {
        r.set(key, body);
    }
    if let Some(a) = req
        .get("auth")
        .and_then(|a| auth(a, &format!("request `{name}`"), cx))
    {
        r.set("auth", a);
    }
    let mut script = Script::default();
    for lines in events(node, "test") {
        convert_script(&lines, &mut script);
    }
    cx.report.assertions += script.assertions;
    cx.report.captures += script.captures;
    cx.report.kept_lines += script.kept.len();
    if !script.expect.is_empty_map() {
        r.set("expect", script.expect);
    }
    if !script.capture.is_empty_map() {
        r.set("capture", script.capture);
    }
    for line in script.kept {
        r.comment(format!("postman: {line}"));
    }
    for lines in events(node, "prerequest") {
        cx.report.kept_lines += lines.len();
        for l in lines {
            r.comment(format!("postman (pre-request): {l}"));
        }
    }
    Some(r)
}

/// The URL without its query string, and the enabled query parameters.
fn url(req: &Value, cx: &mut Ctx) -> (String, Y) {
    let mut query = Y::map();
    let u = match req {
        Value::String(s) => return (cx.text(s), query),
        _ => req.get("url"),
    };
    let raw = match u {
        Some(Value::String(s)) => s.clone(),
        Some(o) => o
            .get("raw")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        None => String::new(),
    };
    let params = u.and_then(|u| u.get("query")).and_then(Value::as_array);
    let base = match params {
        Some(_) => raw.split('?').next().unwrap_or(&raw).to_string(),
        None => raw.clone(),
    };
    for p in params.into_iter().flatten() {
        if p.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(k) = p.get("key").and_then(Value::as_str) else {
            continue;
        };
        let v = p.get("value").and_then(Value::as_str).unwrap_or("");
        query.set(k, Y::str(cx.text(v)));
    }
    (cx.text(&base), query)
}

fn headers(list: Option<&Value>, cx: &mut Ctx) -> Y {
    let mut out = Y::map();
    for h in list.and_then(Value::as_array).into_iter().flatten() {
        if h.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let (Some(k), Some(v)) = (
            h.get("key").and_then(Value::as_str),
            h.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        let value = if looks_secret(k) && !v.contains("{{") && !v.is_empty() {
            cx.secret_or_text(v, &env_name(k))
        } else {
            cx.text(v)
        };
        out.set(k, Y::str(value));
    }
    out
}

fn body(b: &Value, cx: &mut Ctx) -> Option<(&'static str, Y)> {
    if b.get("disabled").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    match b.get("mode").and_then(Value::as_str)? {
        "raw" => {
            let raw = b.get("raw").and_then(Value::as_str).unwrap_or("");
            if raw.trim().is_empty() {
                return None;
            }
            let language = b
                .pointer("/options/raw/language")
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Some(json) = json_body(raw, cx) {
                return Some(("json", json));
            }
            if language == "json" {
                cx.report
                    .notes
                    .push("a raw JSON body did not parse and is sent as text".into());
            }
            Some(("text", Y::str(cx.text(raw))))
        }
        "urlencoded" => Some(("form", pairs(b.get("urlencoded"), cx))),
        "formdata" => {
            let mut parts = Y::map();
            for p in b
                .get("formdata")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if p.get("disabled").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                let Some(k) = p.get("key").and_then(Value::as_str) else {
                    continue;
                };
                if p.get("type").and_then(Value::as_str) == Some("file") {
                    let src = match p.get("src") {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Array(a)) => {
                            a.first().and_then(Value::as_str).unwrap_or("").to_string()
                        }
                        _ => String::new(),
                    };
                    if src.is_empty() {
                        cx.report.notes.push(format!(
                            "multipart file part `{k}` has no file: set `file:`"
                        ));
                    }
                    parts.set(k, Y::Map(vec![("file".into(), Y::str(src))]));
                } else {
                    let v = p.get("value").and_then(Value::as_str).unwrap_or("");
                    parts.set(k, Y::str(cx.text(v)));
                }
            }
            Some(("multipart", parts))
        }
        "file" => {
            let src = b.pointer("/file/src").and_then(Value::as_str).unwrap_or("");
            Some(("file", Y::str(src)))
        }
        "graphql" => {
            let q = b
                .pointer("/graphql/query")
                .and_then(Value::as_str)
                .unwrap_or("");
            let vars = b
                .pointer("/graphql/variables")
                .and_then(Value::as_str)
                .unwrap_or("");
            let mut m = Y::map();
            m.set("query", Y::str(cx.text(q)));
            if let Ok(v) = serde_json::from_str::<Value>(vars) {
                m.set("variables", Y::from_json(&v));
            }
            Some(("json", m))
        }
        _ => None,
    }
}

fn pairs(list: Option<&Value>, cx: &mut Ctx) -> Y {
    let mut out = Y::map();
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        if p.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        if let Some(k) = p.get("key").and_then(Value::as_str) {
            let v = p.get("value").and_then(Value::as_str).unwrap_or("");
            out.set(k, Y::str(cx.text(v)));
        }
    }
    out
}

/// A raw body that is JSON once its `{{var}}`s are stood in for (inside a JSON string as is,
/// outside one quoted); a string that was only a variable becomes `"{{ var }}"`, which yarc
/// sends with the variable's own type.
fn json_body(raw: &str, cx: &mut Ctx) -> Option<Y> {
    let mut text = String::new();
    let mut found: Vec<String> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if !escaped
            && rest.starts_with("{{")
            && let Some(end) = rest.find("}}")
        {
            let stand_in = format!("__yarc_{}__", found.len());
            let converted = cx.text(&rest[..end + 2]);
            if in_string {
                found.push(converted);
                text.push_str(&stand_in);
            } else {
                // Postman pastes the text in: `"size": {{n}}` sends a number. `from_json` does too.
                let expr = converted.trim_end_matches('}').trim_end();
                found.push(format!("{expr} | from_json }}}}"));
                text.push_str(&format!("\"{stand_in}\""));
            }
            rest = &rest[end + 2..];
            continue;
        }
        if in_string && c == '\\' && !escaped {
            escaped = true;
        } else {
            if c == '"' && !escaped {
                in_string = !in_string;
            }
            escaped = false;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let parsed: Value = serde_json::from_str(&text).ok()?;
    let restore = |s: &str| {
        let mut out = s.to_string();
        for (i, f) in found.iter().enumerate() {
            out = out.replace(&format!("__yarc_{i}__"), f);
        }
        out
    };
    Some(tvalue(&parsed, &restore))
}

/// The parsed body back with its (already converted) templates in place.
fn tvalue(v: &Value, restore: &dyn Fn(&str) -> String) -> Y {
    match v {
        Value::String(s) => Y::str(restore(s)),
        Value::Array(a) => Y::Seq(a.iter().map(|i| tvalue(i, restore)).collect()),
        Value::Object(o) => Y::Map(
            o.iter()
                .map(|(k, i)| (k.clone(), tvalue(i, restore)))
                .collect(),
        ),
        other => Y::from_json(other),
    }
}

/// A field of a Postman auth block: v2.1 keeps them as `[{key, value}]`, v2.0 as an object.
fn field(block: Option<&Value>, key: &str) -> Option<String> {
    match block? {
        Value::Array(items) => items
            .iter()
            .find(|i| i.get("key").and_then(Value::as_str) == Some(key))
            .and_then(|i| i.get("value"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        Value::Object(o) => o.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    }
}

fn auth(a: &Value, whose: &str, cx: &mut Ctx) -> Option<Y> {
    let kind = a.get("type").and_then(Value::as_str)?;
    let block = a.get(kind);
    let f = |k: &str| field(block, k).unwrap_or_default();
    let y = match kind {
        "noauth" => Y::str("none"),
        "bearer" => {
            let token = cx.secret_or_text(&f("token"), "TOKEN");
            Y::Map(vec![("bearer".into(), Y::str(token))])
        }
        "basic" => {
            let user = cx.text(&f("username"));
            let pass = cx.secret_or_text(&f("password"), "PASSWORD");
            Y::Map(vec![(
                "basic".into(),
                Y::Map(vec![
                    ("username".into(), Y::str(user)),
                    ("password".into(), Y::str(pass)),
                ]),
            )])
        }
        "apikey" => {
            let key = f("key");
            let value = cx.secret_or_text(
                &f("value"),
                &env_name(if key.is_empty() { "api_key" } else { &key }),
            );
            let place = if f("in") == "query" {
                "query"
            } else {
                "header"
            };
            let key = if key.is_empty() {
                "X-Api-Key".to_string()
            } else {
                key
            };
            Y::Map(vec![(
                "api_key".into(),
                Y::Map(vec![
                    (place.into(), Y::str(key)),
                    ("value".into(), Y::str(value)),
                ]),
            )])
        }
        "oauth2" => {
            let grant = f("grant_type");
            if !grant.is_empty() && grant != "client_credentials" {
                cx.report.notes.push(format!(
                    "{whose}: OAuth 2.0 grant `{grant}` is not supported (yarc speaks client credentials); its auth was left out"
                ));
                return None;
            }
            let mut o = Y::map();
            o.set("token_url", Y::str(cx.text(&f("accessTokenUrl"))));
            o.set("client_id", Y::str(cx.text(&f("clientId"))));
            let secret = cx.secret_or_text(&f("clientSecret"), "CLIENT_SECRET");
            o.set("client_secret", Y::str(secret));
            let scope = f("scope");
            if !scope.is_empty() {
                o.set("scope", Y::str(cx.text(&scope)));
            }
            o.set(
                "credentials",
                Y::str(if f("client_authentication") == "header" {
                    "basic"
                } else {
                    "body"
                }),
            );
            let extra =
                field(block, "tokenRequestParams").or_else(|| field(block, "token_request_params"));
            if let Some(extra) = extra.and_then(|e| serde_json::from_str::<Value>(&e).ok()) {
                let mut params = Y::map();
                for p in extra.as_array().into_iter().flatten() {
                    if p.get("enabled").and_then(Value::as_bool) == Some(false) {
                        continue;
                    }
                    if let (Some(k), Some(v)) = (
                        p.get("key").and_then(Value::as_str),
                        p.get("value").and_then(Value::as_str),
                    ) {
                        params.set(k, Y::str(cx.text(v)));
                    }
                }
                if !params.is_empty_map() {
                    o.set("params", params);
                }
            }
            Y::Map(vec![("oauth2".into(), o)])
        }
        other => {
            cx.report.notes.push(format!(
                "{whose}: auth type `{other}` is not supported; it was left out"
            ));
            return None;
        }
    };
    cx.report.auth.insert(format!("{kind} ({whose})"));
    Some(y)
}
