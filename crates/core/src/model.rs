//! The collection model: what a user wrote, decoded and typed, with spans kept for every node
//! that a later message may point at. Plain data: built by `parse`, read by `plan` and `run`.

use crate::source::{SourceFile, Span};
use regex::Regex;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A string the user wrote that is rendered with minijinja before use.
#[derive(Debug, Clone)]
pub struct Template {
    pub source: String,
    pub span: Span,
    /// The names it reads, found once (finding them parses the template again): a request
    /// rendered a thousand times asks a thousand times.
    pub reads: std::sync::OnceLock<Arc<[String]>>,
}

impl Template {
    pub fn new(source: impl Into<String>, span: &Span) -> Template {
        Template {
            source: source.into(),
            span: span.clone(),
            reads: std::sync::OnceLock::new(),
        }
    }

    /// Text without template syntax renders to itself; it needs no compiling.
    pub fn is_literal(&self) -> bool {
        !(self.source.contains("{{") || self.source.contains("{%") || self.source.contains("{#"))
    }

    /// `"{{ expr }}"` alone: rendered to the expression's own value (a number stays a number).
    pub fn sole_expression(&self) -> Option<&str> {
        let s = self.source.trim();
        let inner = s.strip_prefix("{{")?.strip_suffix("}}")?;
        if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") {
            return None;
        }
        Some(inner.trim())
    }
}

/// A YAML value whose strings are templates (request bodies, expected values).
#[derive(Debug, Clone)]
pub enum TValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(Template),
    List(Vec<TValue>),
    Map(Vec<(String, TValue)>),
    /// A map some key of which is a template (`"{{ field }}": 1`): each key rendered as text.
    KeyedMap(Vec<(Template, TValue)>),
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub file: Arc<SourceFile>,
    /// The collection file on disk (relative paths in it resolve against its folder).
    pub path: PathBuf,
    pub name: String,
    pub tags: Vec<String>,
    pub variables: Vec<Variable>,
    pub auth: Option<AuthSpec>,
    pub defaults: Defaults,
    pub items: Vec<Item>,
    /// `cookie_jar: false`: no cookie is kept from one request to the next.
    pub cookie_jar: bool,
    /// `openapi: FILE`: the API document every response is held against.
    pub openapi: Option<OpenApiRef>,
    /// `contract:`, for every request below that does not say.
    pub contract: Option<ContractMode>,
}

/// `openapi: FILE` (or `openapi: { file: FILE, requests: true }`) as written: a path resolved
/// against the folder of the file that names it, or an http(s) URL fetched once per run.
#[derive(Debug, Clone)]
pub struct OpenApiRef {
    pub written: String,
    pub span: Span,
    /// `requests: true`: request bodies are checked too, before they are sent; `None`: not said
    /// (an environment's document then keeps what the collection's says).
    pub requests: Option<bool>,
}

impl OpenApiRef {
    /// An http(s) URL rather than a file.
    pub fn is_url(&self) -> bool {
        self.written.starts_with("http://") || self.written.starts_with("https://")
    }
}

/// How a response is held to the API document: an undocumented answer fails the request
/// (`error`, the default), is reported without failing it (`warn`: while a team adopts the
/// document), or is not looked for (`off`: a deliberate negative test).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContractMode {
    #[default]
    Error,
    Warn,
    Off,
}

#[derive(Debug, Clone)]
pub enum Item {
    Request(Arc<Request>),
    Group(Box<Group>),
}

/// Every request below `items`, in file order, with its name as reports show it
/// (`group / request`, as `PlannedRequest::full_name`).
pub fn named_requests(items: &[Item]) -> Vec<(String, &Arc<Request>)> {
    fn walk<'a>(items: &'a [Item], groups: &str, out: &mut Vec<(String, &'a Arc<Request>)>) {
        for item in items {
            match item {
                Item::Request(r) => out.push((format!("{groups}{}", r.name), r)),
                Item::Group(g) => walk(&g.items, &format!("{groups}{} / ", g.name), out),
            }
        }
    }
    let mut out = Vec::new();
    walk(items, "", &mut out);
    out
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub span: Span,
    pub tags: Vec<String>,
    pub variables: Vec<Variable>,
    pub auth: Option<AuthSpec>,
    pub defaults: Defaults,
    pub skip: Option<Template>,
    pub items: Vec<Item>,
    /// `openapi:` for the requests below: a group of calls to another API.
    pub openapi: Option<OpenApiRef>,
    /// `contract:` for the requests below that do not say.
    pub contract: Option<ContractMode>,
}

/// Settings merged into every request of a collection or group; the request's own win.
#[derive(Debug, Default, Clone)]
pub struct Defaults {
    pub headers: Vec<(String, Template)>,
    pub query: Vec<(String, Template)>,
    pub timeout: Option<Duration>,
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub snapshot: Option<SnapshotSpec>,
    /// Checks for every response below; the request's own are added (its status wins).
    pub expect: Expect,
    /// `set:` before every request below (outer scopes first), then the request's own.
    pub sets: Vec<SetVar>,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub name: String,
    pub span: Span,
    pub method: String,
    pub url: Template,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    /// Boxed, as are `auth`, `retry` and `snapshot`: most requests have none, and a suite of
    /// 100,000 requests held them inline at 440 of each request's 832 bytes.
    pub body: Option<Box<Body>>,
    pub timeout: Option<Duration>,
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub tags: Vec<String>,
    /// `skip:` and `fail:`, which few requests have.
    pub marks: Option<Box<Marks>>,
    /// `None`: inherit from the group or collection.
    pub auth: Option<Box<AuthSpec>>,
    pub expect: Expect,
    pub captures: Vec<Capture>,
    /// `set:` values given before the request is rendered; they last for the rest of the
    /// collection run, as captured values do (a Postman pre-request `set()`).
    pub sets: Vec<SetVar>,
    pub retry: Option<Box<Retry>>,
    pub snapshot: Option<Box<SnapshotSpec>>,
    /// Its own variables: above its groups', below the environment.
    pub variables: Vec<Variable>,
    /// `cookies: { name: value }`: sent in a `Cookie` header, beside the jar's.
    pub cookies: Vec<(String, Template)>,
    /// `cookie_jar: false`: the request neither sends the jar's cookies nor keeps the ones its
    /// response sets (Postman's `disableCookies`).
    pub cookie_jar: Option<bool>,
    /// A pause before it is sent.
    pub delay: Option<Duration>,
    /// `contract:` for this request (the collection's otherwise).
    pub contract: Option<ContractMode>,
    /// `inherit: false`: none of its collection's and groups' `defaults` headers, query,
    /// checks and snapshot, and no inherited `auth` — the message is only what it says (what a
    /// Postman script sends with `pm.sendRequest`). Variables and `set:` still come from above.
    pub inherit: bool,
}

/// What a request is marked with beside what it sends and checks.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// `skip:`: not sent when it renders truthy.
    pub skip: Option<Template>,
    /// `fail: reason`: sent and checked as usual, then failed with this reason whatever the
    /// checks say (a request known not to work as written, until someone fixes it).
    pub fail: Option<String>,
    /// `repeat:`: sent again after its checks and captures, a number of times or while a
    /// condition holds (what a Postman `setNextRequest` to itself does).
    pub repeat: Option<Repeat>,
}

/// `repeat: 3`, or `repeat: { while: "{{ n < 200 }}", max: 1000 }`.
#[derive(Debug, Clone)]
pub struct Repeat {
    pub span: Span,
    /// Sent this many times in all.
    pub times: Option<u32>,
    /// Sent again while this renders truthy after a send (its `set:`, checks and captures
    /// done).
    pub while_: Option<Template>,
    /// At most this many sends; a `while:` that still holds then fails the request.
    pub max: u32,
}

/// How many sends a `repeat: { while: ... }` makes at most unless its `max:` says otherwise.
pub const REPEAT_MAX: u32 = 1000;

#[derive(Debug, Clone)]
pub enum Body {
    Json(TValue),
    /// Name → value; a name may be a template too (`"{{ field }}": NO`).
    Form(Vec<(Template, Template)>),
    Multipart(Vec<Part>),
    Text(Template),
    /// A file sent raw; the path is relative to the collection.
    File(Template),
    /// A GraphQL request, sent as JSON: `{query, variables, operationName}`.
    Graphql {
        query: Template,
        variables: Option<TValue>,
        operation_name: Option<Template>,
    },
}

#[derive(Debug, Clone)]
pub struct Part {
    /// A template, as a form field's name (`"{{ field }}"`).
    pub name: Template,
    pub value: PartValue,
}

#[derive(Debug, Clone)]
pub enum PartValue {
    Text(Template),
    File {
        path: Template,
        /// The name sent in the part's `filename` (the file's own name when none).
        filename: Option<Template>,
        content_type: Option<String>,
    },
    /// A part whose content the collection holds (`content:`): no file on disk. Without
    /// `filename` it is sent with none (a text part of a given type); `filename: ""` sends an
    /// empty one (Postman's file part with no file chosen).
    Inline {
        content: Template,
        filename: Option<Template>,
        content_type: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum AuthSpec {
    None,
    Bearer(Template),
    Basic {
        username: Template,
        password: Template,
    },
    ApiKey {
        location: ApiKeyLocation,
        value: Template,
    },
    OAuth2(Box<OAuth2Spec>),
}

#[derive(Debug, Clone)]
pub enum ApiKeyLocation {
    Header(String),
    Query(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCredentials {
    /// client_secret_post: id and secret as form fields.
    Body,
    /// client_secret_basic: `Authorization: Basic`.
    Basic,
}

/// Where tokens come from: the token URL itself, or an issuer whose discovery document names it.
#[derive(Debug, Clone)]
pub enum TokenEndpoint {
    Url(Template),
    Issuer(Template),
}

impl TokenEndpoint {
    pub fn template(&self) -> &Template {
        match self {
            TokenEndpoint::Url(t) | TokenEndpoint::Issuer(t) => t,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OAuth2Spec {
    pub span: Span,
    pub endpoint: TokenEndpoint,
    /// Renew this long before expiry (default: min(30 s, 10 % of the lifetime)).
    pub refresh_before: Option<Duration>,
    pub client_id: Template,
    pub client_secret: Template,
    pub scope: Option<Template>,
    pub credentials: ClientCredentials,
    pub params: Vec<(String, Template)>,
    /// `username` and `password`: the resource owner's password grant (RFC 6749 §4.3)
    /// instead of client credentials.
    pub user: Option<(Template, Template)>,
    /// `variable: access_token`: the token is also this variable for the requests under the
    /// block (a header or body that carries it another way than `Authorization: Bearer`).
    pub variable: Option<String>,
}

/// Assertions on one response. Every check keeps the span of what the user wrote.
#[derive(Debug, Default, Clone)]
pub struct Expect {
    pub checks: Vec<Check>,
    /// `status: any`: every status is accepted, 4xx and 5xx included.
    pub any_status: bool,
}

/// One of `expect.cases`: its checks apply when every check of `when` holds; otherwise they
/// are not made (`if (pm.response.code === 202) { ... } else if (... === 200) { ... }`).
#[derive(Debug, Default, Clone)]
pub struct Case {
    pub when: Expect,
    pub then: Expect,
}

impl Expect {
    /// The sets of checks its cases hold, nested ones too (none allocated without cases).
    pub fn within_cases(&self) -> Vec<&Expect> {
        let mut out = Vec::new();
        for check in &self.checks {
            if let Target::Case(c) = &check.target {
                for e in [&c.when, &c.then] {
                    out.push(e);
                    out.extend(e.within_cases());
                }
            }
        }
        out
    }

    /// Whether it says anything about the status (`status: any` included).
    pub fn states_status(&self) -> bool {
        self.any_status
            || self
                .checks
                .iter()
                .any(|c| matches!(c.target, Target::Status))
    }
}

impl Request {
    /// Every set of checks of its response: `expect`, `retry.until` and each capture's `when`.
    pub fn expects(&self) -> impl Iterator<Item = &Expect> {
        let until = self.retry.as_ref().and_then(|r| r.until.as_ref());
        std::iter::once(&self.expect)
            .chain(until)
            .chain(self.captures.iter().filter_map(|c| c.when.as_ref()))
            .flat_map(|e| std::iter::once(e).chain(e.within_cases()))
    }

    /// No `expect.status` and no `retry.until` status: a 4xx or 5xx answer fails.
    pub fn fails_on_error_status(&self) -> bool {
        let until = self.retry.as_ref().and_then(|r| r.until.as_ref());
        !self.expect.states_status() && !until.is_some_and(Expect::states_status)
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub target: Target,
    pub predicates: Vec<Predicate>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Target {
    Status,
    Header(String),
    Body,
    Json(Selector),
    /// An XPath 1.0 expression over an XML body: its node-set's texts, or its value.
    Xml(Selector),
    /// A JSON Schema the body must satisfy: a file, or one written in place (`inline`; then
    /// `path` is a key unique to its place, not a file).
    Schema {
        path: PathBuf,
        shown: String,
        inline: Option<std::sync::Arc<serde_json::Value>>,
    },
    Time,
    /// A cookie the response sets (`Set-Cookie`), by name: its value.
    Cookie(String),
    /// A variable, by name: its value as the request was rendered with it (`expect.vars`).
    Var(String),
    /// One of `expect.cases` (it has no predicates of its own): its checks, when its `when`
    /// holds. A check, so that a request holds its cases at no cost when it has none.
    Case(Box<Case>),
}

/// A JSONPath (or, under `xml`, an XPath) as written, with its position; parsed at plan time,
/// or — with a template in it (`$.items[?(@.id == '{{ item_id }}')]`) — rendered and parsed
/// when it is checked.
#[derive(Debug, Clone)]
pub struct Selector {
    pub source: String,
    pub span: Span,
}

impl Selector {
    pub fn is_template(&self) -> bool {
        self.source.contains("{{") || self.source.contains("{%")
    }
}

#[derive(Debug, Clone)]
pub struct Predicate {
    pub op: Op,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Op {
    Equals(TValue),
    Not(Vec<Predicate>),
    Exists(bool),
    Type(JsonType),
    Contains(TValue),
    StartsWith(TValue),
    EndsWith(TValue),
    Matches(Pattern),
    In(Vec<TValue>),
    Length(Vec<Predicate>),
    Lt(TValue),
    Lte(TValue),
    Gt(TValue),
    Gte(TValue),
    Each(Vec<Predicate>),
    /// `any: [{...}, {...}]`: one of the maps holds (each map's predicates all hold).
    Any(Vec<Vec<Predicate>>),
    /// `status: 2xx`: the hundreds digit.
    StatusClass(u16),
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Fixed(Regex),
    Templated(Template),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    pub const NAMES: [&'static str; 7] = [
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];

    pub fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }

    pub fn from_name(name: &str) -> Option<JsonType> {
        Some(match name {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" | "bool" => JsonType::Boolean,
            "array" | "list" => JsonType::Array,
            "object" | "map" => JsonType::Object,
            "null" => JsonType::Null,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Capture {
    pub var: String,
    pub span: Span,
    pub source: CaptureSource,
    /// `default:` — the value when the source holds nothing (a JSONPath that selects nothing,
    /// a missing header, no match, a body that is not JSON): the request does not fail for
    /// it, as a Postman `set()` of `undefined` does not.
    pub default: Option<serde_json::Value>,
    /// `optional: true` — when the source holds nothing, the variable keeps the value it had
    /// (an earlier capture's, or its starting value) and nothing fails: what a guarded Postman
    /// `if (data.id) set("id", data.id)` does.
    pub optional: bool,
    /// `length: true` — how many items (or characters, or keys) the found value has, not the
    /// value: what a Postman `set("n", data.items.length)` keeps.
    pub length: bool,
    /// `as:` — the value found made text, a number or a whole number, as a Postman
    /// `set("id", String(data.id))` (`parseInt`, `Number`) stores it.
    pub as_type: Option<CaptureAs>,
    /// `when:` — checks of the response (as `expect:` holds them) that must all hold for the
    /// capture to be taken; otherwise the variable keeps the value it had and nothing fails:
    /// what a Postman `if (pm.response.code == 201) { set("url", data.url) }` does.
    pub when: Option<Expect>,
}

/// What a capture's `as:` makes of the value found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureAs {
    /// JavaScript's `String(x)`, a list or map as compact JSON.
    Text,
    /// JavaScript's `Number(x)`.
    Number,
    /// JavaScript's `parseInt(x)`: the whole number a text starts with.
    Integer,
}

#[derive(Debug, Clone)]
pub enum CaptureSource {
    Json {
        path: Selector,
        all: bool,
    },
    /// An XPath over an XML body: the first node's text (or every node's, with `all`), or the
    /// value of an expression that is no node-set (`count(//item)`).
    Xml {
        path: Selector,
        all: bool,
    },
    /// A response header, or (with a regex) what it matches in the header's value.
    Header(String, Option<Regex>),
    /// The value of a cookie the response sets (`Set-Cookie`), by name.
    Cookie(String),
    Regex(Regex),
    Status,
    Body,
    /// `value:` — this value as written (never rendered, as `default:`), whatever the response
    /// holds: with `when:`, what a Postman `if (pm.response.code === 200) {
    /// pm.environment.unset("token") }` leaves (the `{{token}}` text Newman sends from then on).
    Value(serde_json::Value),
    /// `regex` beside `json`, `xml` or `cookie`: what it matches (group 1, or the whole match)
    /// in the text of the value found (a number or a boolean as JSON writes it).
    Matched(Box<CaptureSource>, Regex),
}

impl CaptureSource {
    /// The JSONPath or XPath it selects with, if it selects with one.
    pub fn selector(&self) -> Option<(&Selector, bool)> {
        match self {
            CaptureSource::Json { path, .. } => Some((path, true)),
            CaptureSource::Xml { path, .. } => Some((path, false)),
            CaptureSource::Matched(of, _) => of.selector(),
            _ => None,
        }
    }
}

/// One `set:` entry: its value's strings are templates over the variables in force.
#[derive(Debug, Clone)]
pub struct SetVar {
    pub name: String,
    pub value: TValue,
    pub span: Span,
}

impl Request {
    /// Every variable this request gives the later ones: its `set:` names, then its captures.
    pub fn given_names(&self) -> impl Iterator<Item = &String> {
        self.sets
            .iter()
            .map(|s| &s.name)
            .chain(self.captures.iter().map(|c| &c.var))
    }
}

/// Polling: repeat the request until `until` (or, without it, the request's own `expect`)
/// holds, at most `attempts` times and within `timeout` overall.
#[derive(Debug, Clone)]
pub struct Retry {
    pub span: Span,
    pub attempts: u32,
    pub delay: Duration,
    pub backoff: f64,
    pub max_delay: Option<Duration>,
    pub timeout: Option<Duration>,
    pub until: Option<Expect>,
}

/// `snapshot: true`, `false`, or `{ ignore: [jsonpaths], headers: [names] }`.
#[derive(Debug, Clone)]
pub struct SnapshotSpec {
    pub enabled: bool,
    /// JSONPaths whose values are replaced by a placeholder before storing and comparing.
    pub ignore: Vec<Selector>,
    /// Response headers kept in the snapshot (names, case-insensitive); none by default.
    pub headers: Vec<String>,
    pub span: Span,
}

/// An environment file: non-secret values for one target.
#[derive(Debug)]
pub struct Environment {
    pub name: String,
    pub file: Arc<SourceFile>,
    pub path: PathBuf,
    pub variables: Vec<Variable>,
    /// `sandbox: true` (or a map of settings) starts the built-in sandbox for the run.
    pub sandbox: Option<SandboxSettings>,
    /// `tls:` — a private CA, a client certificate, or (warned about) no verification.
    pub tls: TlsSettings,
    /// `extends: stage`: the environment this one starts from (resolved when loading).
    pub extends: Option<(String, crate::source::Span)>,
    /// `openapi: FILE`: this environment's version of the API document (the collection's
    /// otherwise), relative to the environment file.
    pub openapi: Option<OpenApiRef>,
}

/// Paths are resolved against the environment file's folder.
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub insecure: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SandboxSettings {
    /// Lifetime of issued tokens, seconds.
    pub token_lifetime: Option<u64>,
}
