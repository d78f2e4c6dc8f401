//! `yarc import openapi`: an OpenAPI 3.0 or 3.1 document (YAML or JSON) into a collection: one
//! request per operation, grouped by tag; `servers[0]` as `base_url`; path and query parameters
//! as variables with their examples; bodies from examples or a minimal instance of the schema;
//! `expect.status` from the first 2xx response; an OAuth2 client-credentials scheme as an
//! `oauth2` block; local `$ref`s resolved. Pure: the document in, file texts out.

use super::vars::{ident, literal};
use super::yaml_out::{self, Y};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
const MAX_DEPTH: usize = 24;

#[derive(Debug, Default)]
pub(crate) struct Report {
    pub operations: usize,
    pub groups: usize,
    pub secrets: BTreeSet<String>,
    pub notes: Vec<String>,
    pub auth: Option<String>,
    /// (operation, what needs a look): grouped into the notes by what, once all are read.
    per_operation: Vec<(String, String)>,
}

pub(crate) struct Imported {
    pub collection: String,
    /// Response schemas (`--schemas`): (file name under `schemas/`, JSON text).
    pub schemas: Vec<(String, String)>,
    pub report: Report,
}

/// Reads YAML or JSON.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
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

pub(crate) fn import(doc: &Value, with_schemas: bool) -> Result<Imported, String> {
    let version = openapi_version(doc)?;
    let mut report = Report::default();
    let mut root = header(doc, version);
    let mut vars = Y::map();
    let base = server_url(doc, &mut report);
    vars.set("base_url", Y::str(literal(&base)));
    let schemes = schemes(doc, &base, &mut report);
    let global_security = doc.get("security").cloned();
    // The collection's auth: the first scheme the document requires by default that yarc speaks.
    let default = first_speakable(global_security.as_ref(), &schemes);
    let mut used: BTreeSet<String> = BTreeSet::new();
    if let Some(name) = &default {
        root.set("auth", schemes[name].auth.clone());
        used.insert(name.clone());
    }
    let cx = DocCtx {
        doc,
        schemes: &schemes,
        default: default.as_deref(),
        global_security: global_security.as_ref(),
        with_schemas,
    };
    let Walked {
        groups,
        ungrouped,
        schemas,
    } = walk_paths(&cx, &mut vars, &mut report, &mut used);
    root.set("variables", ordered_vars(&base, &vars, &used, &schemes));
    auth_report(&used, &schemes, &mut report);
    report.groups = groups.len();
    let requests = requests(doc, groups, ungrouped);
    if requests.is_empty() {
        let why = match doc.get("webhooks") {
            Some(_) => ": it describes only webhooks, which the API sends, not requests to send it",
            None => "",
        };
        return Err(format!("the document has no operations under `paths`{why}"));
    }
    root.set("requests", Y::Seq(requests));
    group_notes(&mut report);
    Ok(Imported {
        collection: super::postman::modeline("collection", "./") + &yaml_out::to_string(&root),
        schemas,
        report,
    })
}

/// The version, checked first: a Swagger 2 or other document is refused before anything is read.
fn openapi_version(doc: &Value) -> Result<&str, String> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or("not an OpenAPI 3 document: no `openapi` version")?;
    if !version.starts_with("3.") {
        return Err(format!(
            "OpenAPI {version} is not supported (3.0 and 3.1 are)"
        ));
    }
    Ok(version)
}

/// The collection's top (comment, name, description), so a reader sees where it came from.
fn header(doc: &Value, version: &str) -> Y {
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
    if let Some(d) = description(doc.pointer("/info/description")) {
        root.set("description", d);
    }
    root
}

/// What every operation reads from the whole document, gathered once for the walk.
struct DocCtx<'a> {
    doc: &'a Value,
    schemes: &'a BTreeMap<String, Scheme>,
    /// The scheme the collection's `auth` speaks.
    default: Option<&'a str>,
    global_security: Option<&'a Value>,
    with_schemas: bool,
}

/// What the walk of the paths yields: requests by first tag (in the order met) and schemas.
#[derive(Default)]
struct Walked {
    groups: Vec<(String, Vec<Y>)>,
    ungrouped: Vec<Y>,
    schemas: Vec<(String, String)>,
}

impl Walked {
    /// Files a request under its operation's first tag, so each tag becomes one group.
    fn add(&mut self, op: &Value, request: Y) {
        match op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
        {
            Some(tag) => match self.groups.iter_mut().find(|(t, _)| t == tag) {
                Some((_, list)) => list.push(request),
                None => self.groups.push((tag.to_string(), vec![request])),
            },
            None => self.ungrouped.push(request),
        }
    }
}

/// Every operation under `paths`, in the document's order, so requests and notes follow it.
fn walk_paths(
    cx: &DocCtx,
    vars: &mut Y,
    report: &mut Report,
    used: &mut BTreeSet<String>,
) -> Walked {
    let doc = cx.doc;
    let mut walked = Walked::default();
    let mut names: HashMap<String, usize> = HashMap::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (path, item) in &paths {
        if !path.starts_with('/') || path.contains("{$") {
            // A callback's or webhook's runtime expression is not a URL yarc can call.
            report
                .notes
                .push(format!("path `{path}` is not a URL path: left out"));
            continue;
        }
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
                schemes: cx.schemes,
                default: cx.default,
                global_security: cx.global_security,
            };
            let (request, schema) =
                operation(&ctx, &op, vars, &mut names, cx.with_schemas, report, used);
            if let Some(s) = schema {
                walked.schemas.push(s);
            }
            walked.add(&op, request);
        }
    }
    walked
}

/// Variables in reading order: base_url, then what the auth reads, then parameters' examples.
fn ordered_vars(
    base: &str,
    vars: &Y,
    used: &BTreeSet<String>,
    schemes: &BTreeMap<String, Scheme>,
) -> Y {
    let mut ordered = Y::map();
    ordered.set("base_url", Y::str(literal(base)));
    for name in used {
        for (k, v) in schemes[name].vars.entries() {
            ordered.set(k, v);
        }
    }
    for (k, v) in vars.entries() {
        if ordered.get_mut(&k).is_none() {
            ordered.set(k, v);
        }
    }
    ordered
}

/// The secrets and the auth the used schemes need, for the summary after the import.
fn auth_report(used: &BTreeSet<String>, schemes: &BTreeMap<String, Scheme>, report: &mut Report) {
    for name in used {
        report.secrets.extend(schemes[name].secrets.iter().cloned());
    }
    report.auth = used
        .iter()
        .map(|n| schemes[n].describe.clone())
        .reduce(|a, b| format!("{a}; {b}"));
}

/// Untagged requests first, then groups in the document's `tags` order (unlisted tags as met).
fn requests(doc: &Value, mut groups: Vec<(String, Vec<Y>)>, ungrouped: Vec<Y>) -> Vec<Y> {
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
    for (tag, list) in groups {
        requests.push(group(doc, &tag, list));
    }
    requests
}

/// One tag's group, with the description the document's `tags` gives it.
fn group(doc: &Value, tag: &str, list: Vec<Y>) -> Y {
    let mut g = Y::map();
    g.set("group", Y::str(tag));
    let described = doc
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|t| {
            t.iter()
                .find(|t| t.get("name").and_then(Value::as_str) == Some(tag))
        })
        .and_then(|t| description(t.get("description")));
    if let Some(d) = described {
        g.set("description", d);
    }
    g.set("requests", Y::Seq(list));
    g
}

/// What many operations share is said once, with how many and which (the first few).
fn group_notes(report: &mut Report) {
    let mut by_why: Vec<(String, Vec<String>)> = Vec::new();
    for (name, why) in std::mem::take(&mut report.per_operation) {
        match by_why.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(name),
            None => by_why.push((why, vec![name])),
        }
    }
    for (why, names) in by_why {
        let note = match names.as_slice() {
            [one] => format!("`{one}` {why}"),
            many => {
                let shown: Vec<String> = many.iter().take(3).map(|n| format!("`{n}`")).collect();
                let more = match many.len() - shown.len() {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                let why = why
                    .replacen("needs", "need", 1)
                    .replacen("has ", "have ", 1);
                format!(
                    "{} operations {why}: {}{more}",
                    many.len(),
                    shown.join(", ")
                )
            }
        };
        report.notes.push(note);
    }
}

/// A description as the collection writes it (text; YAML keeps several lines as a block).
fn description(d: Option<&Value>) -> Option<Y> {
    let text = d?.as_str()?.replace("\r\n", "\n");
    let text = text.trim();
    (!text.is_empty()).then(|| Y::str(text))
}

struct OpCtx<'a> {
    doc: &'a Value,
    path: &'a str,
    method: &'a str,
    shared: &'a [Value],
    schemes: &'a BTreeMap<String, Scheme>,
    /// The scheme the collection's `auth` speaks.
    default: Option<&'a str>,
    global_security: Option<&'a Value>,
}

/// A security scheme yarc speaks, or one it does not (with why).
struct Scheme {
    auth: Y,
    /// Collection variables it reads, and the secrets those read.
    vars: Y,
    secrets: Vec<String>,
    describe: String,
    /// `Some(why)`: yarc cannot speak it.
    unsupported: Option<String>,
}

fn server_url(doc: &Value, report: &mut Report) -> String {
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
    if !url.contains("://") {
        // A relative server is relative to where the document is served: unknown here.
        report.notes.push(format!(
            "the server URL `{url}` is relative: `base_url` assumes http://localhost; set it"
        ));
        url = format!("http://localhost/{}", url.trim_start_matches('/'));
    }
    url.trim_end_matches('/').to_string()
}

/// A URL in the document (a `tokenUrl`) resolved against the server's, as OpenAPI says.
fn absolute(url: &str, base: &str) -> String {
    match url::Url::parse(&format!("{base}/")).and_then(|b| b.join(url)) {
        Ok(u) if !url.contains("://") => u.to_string(),
        _ => url.to_string(),
    }
}

/// Every security scheme, as the auth block yarc would send (or why it cannot).
fn schemes(doc: &Value, base: &str, report: &mut Report) -> BTreeMap<String, Scheme> {
    let mut out = BTreeMap::new();
    let list = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let api_keys = list
        .values()
        .filter(|s| s.get("type").and_then(Value::as_str) == Some("apiKey"))
        .count();
    for (name, scheme) in &list {
        let scheme = resolve(doc, scheme, 0);
        let s = scheme_block(name, &scheme, base, api_keys > 1);
        if let Some(why) = &s.unsupported {
            report
                .notes
                .push(format!("security scheme `{name}`: {why}"));
        }
        out.insert(name.clone(), s);
    }
    out
}

/// One security scheme as yarc would send it: each kind it speaks has its own function.
fn scheme_block(name: &str, scheme: &Value, base: &str, several_keys: bool) -> Scheme {
    match scheme.get("type").and_then(Value::as_str) {
        Some("oauth2") => oauth2_scheme(name, scheme, base),
        Some("http") => http_scheme(name, scheme),
        Some("apiKey") => api_key_scheme(name, scheme, several_keys),
        other => unsupported_scheme(format!(
            "type `{}` is not spoken by yarc",
            other.unwrap_or("")
        )),
    }
}

/// A scheme with nothing filled in yet, for the kind's function to fill.
fn blank_scheme() -> Scheme {
    Scheme {
        auth: Y::Null,
        vars: Y::map(),
        secrets: Vec::new(),
        describe: String::new(),
        unsupported: None,
    }
}

/// A scheme yarc cannot speak, so the report can say why.
fn unsupported_scheme(why: String) -> Scheme {
    Scheme {
        unsupported: Some(why),
        ..blank_scheme()
    }
}

/// A secret the scheme reads, remembered so the summary can list what to set.
fn secret(s: &mut Scheme, env: &str) -> Y {
    s.secrets.push(env.to_string());
    Y::str(format!("{{{{ secret('{env}') }}}}"))
}

/// OAuth2: only the client-credentials flow is spoken; its settings become variables.
fn oauth2_scheme(name: &str, scheme: &Value, base: &str) -> Scheme {
    let Some(flow) = scheme.pointer("/flows/clientCredentials") else {
        let flows: Vec<String> = scheme
            .get("flows")
            .and_then(Value::as_object)
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        return unsupported_scheme(format!(
            "OAuth2 flows {} are not spoken by yarc (it speaks client credentials)",
            flows.join(", ")
        ));
    };
    let mut s = blank_scheme();
    let token_url = flow.get("tokenUrl").and_then(Value::as_str).unwrap_or("");
    let scopes: Vec<String> = flow
        .get("scopes")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    s.vars
        .set("token_url", Y::str(literal(&absolute(token_url, base))));
    let id = secret(&mut s, "CLIENT_ID");
    s.vars.set("client_id", id);
    let sec = secret(&mut s, "CLIENT_SECRET");
    s.vars.set("client_secret", sec);
    s.vars.set("scope", Y::str(literal(&scopes.join(" "))));
    let mut o = Y::map();
    o.set("token_url", Y::str("{{ token_url }}"));
    o.set("client_id", Y::str("{{ client_id }}"));
    o.set("client_secret", Y::str("{{ client_secret }}"));
    o.set("scope", Y::str("{{ scope }}"));
    s.auth = Y::Map(vec![("oauth2".into(), o)]);
    s.describe = format!("OAuth2 client credentials (`{name}`)");
    s
}

/// HTTP auth: bearer and basic are spoken, any other scheme is not.
fn http_scheme(name: &str, scheme: &Value) -> Scheme {
    let mut s = blank_scheme();
    match scheme
        .get("scheme")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("bearer") => {
            let token = secret(&mut s, "TOKEN");
            s.auth = Y::Map(vec![("bearer".into(), token)]);
            s.describe = format!("bearer (`{name}`)");
        }
        Some("basic") => {
            s.vars.set("username", Y::str(""));
            let password = secret(&mut s, "PASSWORD");
            s.auth = Y::Map(vec![(
                "basic".into(),
                Y::Map(vec![
                    ("username".into(), Y::str("{{ username }}")),
                    ("password".into(), password),
                ]),
            )]);
            s.describe = format!("basic (`{name}`)");
        }
        other => {
            s.unsupported = Some(format!(
                "HTTP scheme `{}` is not spoken by yarc",
                other.unwrap_or("")
            ));
        }
    }
    s
}

/// An API key in a header or the query; several keys get a secret each, named after the scheme.
fn api_key_scheme(name: &str, scheme: &Value, several_keys: bool) -> Scheme {
    let key = scheme
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("X-Api-Key");
    let place = match scheme.get("in").and_then(Value::as_str) {
        Some("query") => "query",
        Some("cookie") => {
            return unsupported_scheme("an API key in a cookie is not spoken by yarc".into());
        }
        _ => "header",
    };
    let env = if several_keys {
        super::vars::env_name(name)
    } else {
        "API_KEY".to_string()
    };
    let mut s = blank_scheme();
    let value = secret(&mut s, &env);
    s.auth = Y::Map(vec![(
        "api_key".into(),
        Y::Map(vec![(place.into(), Y::str(key)), ("value".into(), value)]),
    )]);
    s.describe = format!("API key (`{name}`)");
    s
}

/// The requirements of a `security` list: each is a set of schemes that must all be sent.
fn requirements(security: &Value) -> Vec<Vec<String>> {
    security
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            r.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        })
        .collect()
}

/// The first requirement of one scheme that yarc speaks (`None`: none is).
fn first_speakable(security: Option<&Value>, schemes: &BTreeMap<String, Scheme>) -> Option<String> {
    requirements(security?)
        .into_iter()
        .find(|r| r.len() == 1 && schemes.get(&r[0]).is_some_and(|s| s.unsupported.is_none()))
        .map(|r| r[0].clone())
}

/// What an operation sends: inherited auth (`None`), `auth: none`, or another scheme's block;
/// a comment when what it needs cannot be sent.
fn operation_auth(
    cx: &OpCtx,
    op: &Value,
    used: &mut BTreeSet<String>,
) -> (Option<Y>, Option<String>) {
    let security = op.get("security").or(cx.global_security);
    let reqs = security.map(requirements).unwrap_or_default();
    // No requirement, `security: []`, or an empty requirement `{}` (auth optional).
    if reqs.is_empty() || reqs.iter().any(Vec::is_empty) {
        return (cx.default.map(|_| Y::str("none")), None);
    }
    if let Some(name) = first_speakable(security, cx.schemes) {
        used.insert(name.clone());
        return match Some(name.as_str()) == cx.default {
            true => (None, None),
            false => (Some(cx.schemes[&name].auth.clone()), None),
        };
    }
    let why: Vec<String> = reqs
        .iter()
        .flatten()
        .map(
            |n| match cx.schemes.get(n).and_then(|s| s.unsupported.clone()) {
                Some(why) => format!("`{n}` ({why})"),
                None if cx.schemes.contains_key(n) => format!("`{n}` together with another scheme"),
                None => format!("`{n}` (not defined in components.securitySchemes)"),
            },
        )
        .collect();
    let auth = cx.default.map(|_| Y::str("none"));
    (
        auth,
        Some(format!("needs {}: set its auth by hand", why.join(" or "))),
    )
}

fn operation(
    cx: &OpCtx,
    op: &Value,
    vars: &mut Y,
    names: &mut HashMap<String, usize>,
    with_schemas: bool,
    report: &mut Report,
    used: &mut BTreeSet<String>,
) -> (Y, Option<(String, String)>) {
    let mut r = Y::map();
    let name = unique_name(cx, op, names);
    r.set("name", Y::str(&name));
    if let Some(d) = description(op.get("description")) {
        r.set("description", d);
    }
    if cx.method != "get" {
        r.set("method", Y::str(cx.method.to_uppercase()));
    }
    parameters(cx, op, vars, &mut r, report);
    body(cx, op, &name, &mut r, report);
    let (auth, unsupported) = operation_auth(cx, op, used);
    if let Some(a) = auth {
        r.set("auth", a);
    }
    if let Some(why) = unsupported {
        r.comment(format!("yarc import: this operation {why}"));
        report.per_operation.push((name.clone(), why));
    }
    let (expect, schema_file) = expectations(cx, op, &name, with_schemas);
    r.set("expect", expect);
    (r, schema_file)
}

/// The operation's summary (as Postman names it), else its id, else `METHOD /path`; numbered
/// when it repeats.
fn unique_name(cx: &OpCtx, op: &Value, names: &mut HashMap<String, usize>) -> String {
    let text = |k: &str| {
        op.get(k)
            .and_then(Value::as_str)
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    let base_name = text("summary")
        .or_else(|| text("operationId"))
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
fn parameters(cx: &OpCtx, op: &Value, vars: &mut Y, r: &mut Y, report: &mut Report) {
    // The path is text the document wrote: literal, but for the `{param}`s put in below.
    let mut url_path = literal(cx.path);
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
            if secret_named(pname) {
                // An example of a key or token is somebody's key: never written down.
                let env = super::vars::env_name(pname);
                report.secrets.insert(env.clone());
                vars.set(&var, Y::str(super::vars::secret_ref(&env)));
                continue;
            }
            let value = example.unwrap_or_else(|| json!(placeholder(p.get("schema"))));
            vars.set(&var, Y::from_json(&literal_strings(&value)));
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
    let json = content
        .iter()
        .find(|(k, _)| k.contains("json"))
        .map(|(_, v)| v);
    // Any type, with an object or list schema: JSON says it.
    let any = content
        .get("*/*")
        .filter(|m| structured(cx.doc, m.get("schema")));
    let (key, media) = match (json, content.get("application/x-www-form-urlencoded")) {
        (Some(m), _) => ("json", m),
        (None, Some(m)) => ("form", m),
        (None, None) => match (content.get("multipart/form-data"), any) {
            (Some(m), _) => ("multipart", m),
            (None, Some(m)) => ("json", m),
            (None, None) => {
                if !content.is_empty() {
                    let types: Vec<&String> = content.keys().collect();
                    report.per_operation.push((
                        name.to_string(),
                        format!("has request body types {types:?}, which are not converted"),
                    ));
                }
                return;
            }
        },
    };
    let (example, cut) = media_example(cx.doc, media);
    if cut {
        report.per_operation.push((
            name.to_string(),
            format!("has a body schema too large to fill in (cut at {EXAMPLE_BUDGET} values, the rest null): write the body by hand"),
        ));
    }
    let body = match key {
        "json" => Y::from_json(&literal_strings(&example)),
        _ => flat_map(&example),
    };
    r.set(key, body);
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
    let openapi30 = cx
        .doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"));
    let standalone = standalone_schema(cx.doc, schema, openapi30);
    expect.set("schema", Y::str(format!("schemas/{file}")));
    let text = serde_json::to_string_pretty(&standalone).unwrap_or_default() + "\n";
    (expect, Some((file, text)))
}

/// Whether a schema describes an object or a list (JSON is its natural form).
fn structured(doc: &Value, schema: Option<&Value>) -> bool {
    let Some(schema) = schema.map(|s| resolve(doc, s, 0)) else {
        return false;
    };
    let types = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(t)) => t
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    types.iter().any(|t| t == "object" || t == "array")
        || schema.get("properties").is_some()
        || schema.get("items").is_some()
        || schema.get("allOf").is_some()
}

/// A value from the document with every string made literal text: an example that holds
/// `{{ ... }}` (Mustache, or something meant to run) is sent as written, never rendered.
fn literal_strings(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(literal(s)),
        Value::Array(a) => Value::Array(a.iter().map(literal_strings).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), literal_strings(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn flat_map(v: &Value) -> Y {
    let mut m = Y::map();
    for (k, v) in v.as_object().into_iter().flatten() {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        m.set(k, Y::str(literal(&text)));
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

/// The media type's example (or the first of its examples), else a minimal instance of its
/// schema; and whether that instance was cut at the budget.
fn media_example(doc: &Value, media: &Value) -> (Value, bool) {
    if let Some(e) = media.get("example") {
        return (e.clone(), false);
    }
    if let Some(e) = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
    {
        let e = resolve(doc, e, 0);
        if let Some(v) = e.get("value") {
            return (v.clone(), false);
        }
    }
    match media.get("schema") {
        Some(s) => example_of(doc, s),
        None => (json!({}), false),
    }
}

/// The most values one example is made of: a schema whose parts refer to each other twice or
/// more (26 schemas, two `$ref`s each) would otherwise make an example of 2^26 values.
const EXAMPLE_BUDGET: usize = 10_000;

/// A minimal instance of a schema, cut short (the rest `null`) past `EXAMPLE_BUDGET` values;
/// and whether it was.
pub(crate) fn example_of(doc: &Value, schema: &Value) -> (Value, bool) {
    let budget = std::cell::Cell::new(EXAMPLE_BUDGET);
    let v = instance(doc, schema, 0, &budget);
    (v, budget.get() == 0)
}

/// A parameter whose value is a credential: `Authorization`, `client_secret`,
/// `Ocp-Apim-Subscription-Key`, `x-api-key`, `access_token`...
fn secret_named(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    super::vars::looks_secret(name)
        || lower == "authorization"
        || lower.contains("apikey")
        || lower.contains("api-key")
        || lower.contains("api_key")
        || (lower.contains("token")
            && !["url", "uri", "type", "endpoint", "hint"]
                .iter()
                .any(|s| lower.ends_with(s)))
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
fn instance(doc: &Value, schema: &Value, depth: usize, budget: &std::cell::Cell<usize>) -> Value {
    if depth > MAX_DEPTH || budget.get() == 0 {
        return Value::Null;
    }
    budget.set(budget.get() - 1);
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
            if let Value::Object(o) = instance(doc, part, depth + 1, budget) {
                merged.extend(o);
            }
        }
        return Value::Object(merged);
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(first) = s.get(k).and_then(Value::as_array).and_then(|a| a.first()) {
            return instance(doc, first, depth + 1, budget);
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
                    out.insert(k.clone(), instance(doc, v, depth + 1, budget));
                }
            }
            Value::Object(out)
        }
        "array" => match s.get("items") {
            Some(items) => Value::Array(vec![instance(doc, items, depth + 1, budget)]),
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

/// A `$ref`'s fragment as a JSON Pointer: a URI fragment percent-encodes what it may not hold
/// (`My%20Thing` names the component `My Thing`).
fn decoded(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

/// Follows a local `$ref` (`#/components/...`), once or through a chain.
pub(crate) fn resolve(doc: &Value, v: &Value, depth: usize) -> Value {
    let mut cur = v.clone();
    for _ in 0..MAX_DEPTH.saturating_sub(depth) {
        let Some(r) = cur.get("$ref").and_then(Value::as_str) else {
            return cur;
        };
        let Some(pointer) = r.strip_prefix('#') else {
            return cur;
        };
        match doc.pointer(&decoded(pointer)) {
            Some(target) => cur = target.clone(),
            None => return cur,
        }
    }
    cur
}

/// A response schema as a file of its own (JSON Schema 2020-12): every component it reaches
/// through `$ref` copied under `$defs` (so recursive schemas stay whole), and OpenAPI 3.0's
/// dialect (`nullable`, boolean `exclusiveMinimum`) said in JSON Schema's words.
fn standalone_schema(doc: &Value, schema: &Value, openapi30: bool) -> Value {
    let mut defs = Map::new();
    let mut pending: Vec<String> = Vec::new();
    let mut root = rewrite(schema, &mut pending, openapi30, 0);
    while let Some(pointer) = pending.pop() {
        let key = def_name(&pointer);
        if defs.contains_key(&key) {
            continue;
        }
        let target = doc.pointer(&pointer).cloned().unwrap_or(json!({}));
        // Marked first: a schema that refers to itself is not queued again.
        defs.insert(key.clone(), json!({}));
        let done = rewrite(&target, &mut pending, openapi30, 0);
        defs.insert(key, done);
    }
    if let Value::Object(o) = &mut root {
        o.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        if !defs.is_empty() {
            o.insert("$defs".into(), Value::Object(defs));
        }
        return root;
    }
    root
}

/// What a URI fragment may not hold as is (RFC 3986 `fragment`): everything but unreserved
/// characters, sub-delims, `:`, `@`, `/` and `?`.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// `#/components/schemas/Job` → `components.schemas.Job`: a `$defs` key that cannot collide.
fn def_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

fn rewrite(v: &Value, pending: &mut Vec<String>, openapi30: bool, depth: usize) -> Value {
    if depth > 256 {
        return json!({});
    }
    match v {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str)
                && let Some(pointer) = r.strip_prefix('#')
            {
                let pointer = decoded(pointer);
                // The key as it is; the reference a valid URI (a space in a name is `%20`).
                let key = def_name(&pointer).replace('~', "~0");
                let target = json!(format!(
                    "#/$defs/{}",
                    percent_encoding::utf8_percent_encode(&key, FRAGMENT)
                ));
                pending.push(pointer);
                if openapi30 {
                    // 3.0: a `$ref`'s siblings are ignored.
                    return json!({ "$ref": target });
                }
                let mut out: Map<String, Value> = o
                    .iter()
                    .filter(|(k, _)| *k != "$ref")
                    .map(|(k, v)| (k.clone(), rewrite(v, pending, openapi30, depth + 1)))
                    .collect();
                out.insert("$ref".into(), target);
                return Value::Object(out);
            }
            let mut out: Map<String, Value> = o
                .iter()
                .map(|(k, v)| (k.clone(), rewrite(v, pending, openapi30, depth + 1)))
                .collect();
            if openapi30 {
                dialect_30(&mut out);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|i| rewrite(i, pending, openapi30, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// OpenAPI 3.0 keywords whose JSON Schema 2020-12 meaning differs.
fn dialect_30(o: &mut Map<String, Value>) {
    if o.remove("nullable") == Some(Value::Bool(true)) {
        match o.get("type").cloned() {
            Some(Value::String(t)) => {
                o.insert("type".into(), json!([t, "null"]));
            }
            _ if o.contains_key("enum") => {}
            _ => {}
        }
        if let Some(Value::Array(e)) = o.get_mut("enum")
            && !e.contains(&Value::Null)
        {
            e.push(Value::Null);
        }
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match o.get(flag) {
            Some(Value::Bool(true)) => {
                if let Some(b) = o.remove(bound) {
                    o.insert(flag.into(), b);
                } else {
                    o.remove(flag);
                }
            }
            Some(Value::Bool(false)) => {
                o.remove(flag);
            }
            _ => {}
        }
    }
}
