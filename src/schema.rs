//! The JSON Schema of yarc's collection and environment formats, generated from the types
//! below (schemars), for editors: VS Code's YAML extension completes keys and flags mistakes
//! with it. These types describe the format only; the decoders in `parse` read it, with
//! better messages than a schema validator can give. A test keeps `schema/` in step.

#![allow(dead_code)]

use schemars::JsonSchema;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Collection,
    Environment,
}

/// The schema as pretty JSON.
pub fn json(kind: Kind) -> String {
    let schema = match kind {
        Kind::Collection => schemars::schema_for!(CollectionFile),
        Kind::Environment => schemars::schema_for!(EnvironmentFile),
    };
    let mut schema = schema.to_value();
    without_null(&mut schema);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// The schema without the `null` schemars offers for every `Option`: an optional key is left
/// out, and yarc refuses `name: null` (a key written with nothing after it), so an editor must
/// not accept it either.
fn without_null(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(types)) = o.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    o.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = o.get_mut("anyOf") {
                any.retain(|s| s.get("type") != Some(&Value::from("null")));
                if let [only] = any.as_slice() {
                    let only = only.clone();
                    o.remove("anyOf");
                    if let Value::Object(inner) = only {
                        o.extend(inner);
                    }
                }
            }
            o.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// A duration with a unit: `500ms`, `30s`, `2m`, `1h`.
type Duration = String;
/// A minijinja template string: `"{{ base_url }}/jobs"`.
type Template = String;

/// A yarc collection: requests, their assertions and captures, auth, variables.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "yarc collection")]
struct CollectionFile {
    /// Shown in reports; defaults to the file name.
    name: Option<String>,
    description: Option<String>,
    tags: Option<Vec<String>>,
    /// Default values; the environment, data rows, --var-file, --var and captures override them.
    variables: Option<BTreeMap<String, Value>>,
    auth: Option<Auth>,
    defaults: Option<Defaults>,
    /// false: no cookie is kept from one request to the next (default true).
    cookie_jar: Option<bool>,
    /// The API's OpenAPI 3 document (a file, relative to this one, or an http(s) URL fetched
    /// once per run): every response is held against the operation its request matches
    /// (docs/contract.md).
    openapi: Option<OpenApi>,
    /// error (default): a response the API document does not describe fails the request;
    /// warn: it is reported, the request's outcome unchanged; off: it is not checked.
    contract: Option<ContractMode>,
    requests: Vec<Item>,
}

/// An OpenAPI document: its file, or the file and whether request bodies are checked too.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum OpenApi {
    File(String),
    With(OpenApiWith),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct OpenApiWith {
    /// The document's file, relative to the file that names it.
    file: String,
    /// Check each JSON request body against the operation's `requestBody` before sending it
    /// (a body that breaks it is not sent under `contract: error`).
    requests: Option<bool>,
}

/// How a response is held to the API document.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum ContractMode {
    Error,
    Warn,
    Off,
}

/// A request, or a group of them.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum SchemaRef {
    File(String),
    Inline(BTreeMap<String, Value>),
    /// Several schemas, each of which the body must satisfy.
    All(Vec<OneSchema>),
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum OneSchema {
    File(String),
    Inline(BTreeMap<String, Value>),
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Item {
    Group(Box<Group>),
    Request(Box<Request>),
}

/// A folder of requests with its own defaults, auth, variables and tags.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Group {
    /// The group's name (shown as `group / request`).
    group: String,
    description: Option<String>,
    tags: Option<Vec<String>>,
    variables: Option<BTreeMap<String, Value>>,
    auth: Option<Auth>,
    defaults: Option<Defaults>,
    /// Skip the group's requests when this template renders truthy.
    skip: Option<Template>,
    /// The OpenAPI document of this group's requests (another API than the collection's).
    openapi: Option<OpenApi>,
    /// The contract mode of this group's requests that do not say.
    contract: Option<ContractMode>,
    requests: Vec<Item>,
}

/// Settings merged into every request (a request's own win).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Defaults {
    headers: Option<BTreeMap<String, Repeated>>,
    query: Option<BTreeMap<String, Repeated>>,
    timeout: Option<Duration>,
    follow_redirects: Option<bool>,
    max_redirects: Option<u32>,
    snapshot: Option<Snapshot>,
    /// Checked on every response below; a request's own `expect` adds to it, and its
    /// `status` replaces this one's.
    expect: Option<Expect>,
    /// Set before every request below, before the request's own `set:`.
    set: Option<BTreeMap<String, Value>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Request {
    /// Unique in the collection; used in reports and snapshot file names.
    name: String,
    description: Option<String>,
    /// GET by default; any method HTTP allows (`PURGE`, `PROPFIND`), sent in capitals.
    method: Option<MethodName>,
    url: Template,
    /// Name → value; a list of values repeats the name.
    query: Option<BTreeMap<String, Repeated>>,
    /// Name → value; a list of values repeats the header (`X-Tag: [one, two]`).
    headers: Option<BTreeMap<String, Repeated>>,
    /// A JSON body (any YAML); strings are templates.
    json: Option<Value>,
    /// An application/x-www-form-urlencoded body.
    form: Option<BTreeMap<String, Repeated>>,
    /// A multipart body; `{ file: path }` is a file part; a list sends one part per item
    /// under the one name.
    multipart: Option<BTreeMap<String, Parts>>,
    /// A text body.
    text: Option<Template>,
    /// A file sent raw (path relative to the collection).
    file: Option<String>,
    timeout: Option<Duration>,
    follow_redirects: Option<bool>,
    /// Redirects followed at most (default 10).
    max_redirects: Option<u32>,
    tags: Option<Vec<String>>,
    /// Skip the request when this template renders truthy.
    skip: Option<Template>,
    /// Send and check the request as usual, then fail it with this reason whatever the checks
    /// say: a request known not to work as written (the Postman import marks those whose
    /// script Postman cannot run).
    fail: Option<String>,
    auth: Option<Auth>,
    expect: Option<Expect>,
    /// Variables to take from the response for later requests.
    capture: Option<BTreeMap<String, Capture>>,
    /// Variables set before the request is rendered (templates over the variables in force),
    /// kept for the rest of the collection run as captured values are: `n: "{{ n + 1 }}"`.
    set: Option<BTreeMap<String, Value>>,
    retry: Option<Retry>,
    /// Send the request again after its checks and captures: a number of sends in all
    /// (`repeat: 3`), or while a template holds (`{ while: "{{ n < 200 }}", max: 1000 }`).
    repeat: Option<Repeat>,
    snapshot: Option<Snapshot>,
    /// The request's own variables: above its groups', below the environment.
    variables: Option<BTreeMap<String, Value>>,
    /// Cookies to send (name → value), with the jar's.
    cookies: Option<BTreeMap<String, Scalar>>,
    /// `false`: this request neither sends the jar's cookies nor keeps the ones its response
    /// sets.
    cookie_jar: Option<bool>,
    /// A pause before the request is sent, e.g. 500ms.
    delay: Option<Duration>,
    /// A GraphQL body: the query, or `{ query, variables, operation_name }`.
    graphql: Option<GraphqlBody>,
    /// This request's contract mode (the collection's otherwise): `off` for a deliberate
    /// negative test.
    contract: Option<ContractMode>,
    /// `false`: none of the collection's and groups' `defaults` headers, query, checks and
    /// snapshot, and no inherited `auth`; the message is only what the request says.
    inherit: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum GraphqlBody {
    Query(Template),
    Full(Graphql),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Graphql {
    query: Template,
    /// Any YAML; strings are templates.
    variables: Option<Value>,
    operation_name: Option<Template>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum MethodName {
    Known(Method),
    /// Another token, written in capitals as it is sent.
    Other(String),
}

#[derive(JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
    HEAD,
    OPTIONS,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Scalar {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// A value, or a list of values that repeats the name.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Repeated {
    One(Scalar),
    Many(Vec<Scalar>),
}

/// A part, or a list of parts that repeats the name.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Parts {
    One(Part),
    Many(Vec<Part>),
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Part {
    Text(Scalar),
    File(FilePart),
    Inline(InlinePart),
}

/// A file from disk, relative to the collection.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FilePart {
    file: String,
    /// The name sent as the part's filename (the file's own name by default).
    filename: Option<String>,
    content_type: Option<String>,
}

/// A file part whose content is written here (no file on disk).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct InlinePart {
    content: String,
    /// The name sent as the part's filename (empty by default).
    filename: Option<String>,
    content_type: Option<String>,
}

/// `none`, or exactly one of oauth2, bearer, basic, api_key.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Auth {
    None(NoAuth),
    Block(Box<AuthBlock>),
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum NoAuth {
    None,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("minProperties" = 1, "maxProperties" = 1))]
struct AuthBlock {
    oauth2: Option<OAuth2>,
    bearer: Option<Template>,
    basic: Option<Basic>,
    api_key: Option<ApiKey>,
}

/// OAuth2 client credentials (RFC 6749 §4.4).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct OAuth2 {
    /// The token endpoint (or give `issuer`).
    token_url: Option<Template>,
    /// Read the token endpoint from this issuer's /.well-known/openid-configuration.
    issuer: Option<Template>,
    client_id: Template,
    client_secret: Option<Template>,
    scope: Option<Template>,
    /// body: client_secret_post (default); basic: HTTP Basic.
    credentials: Option<Credentials>,
    /// Extra form fields for the token request, e.g. tenant_id.
    params: Option<BTreeMap<String, Scalar>>,
    /// Renew this long before expiry.
    refresh_before: Option<Duration>,
    /// With `password`: the resource owner's password grant (RFC 6749 §4.3) instead of client
    /// credentials; `client_secret` may then be left out (a public client).
    username: Option<Template>,
    /// The password of the password grant (masked wherever it would show).
    password: Option<Template>,
    /// The token is also this variable for the requests under the block (masked like it).
    variable: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum Credentials {
    Body,
    Basic,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Basic {
    username: Template,
    password: Template,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ApiKey {
    header: Option<String>,
    query: Option<String>,
    value: Template,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Expect {
    /// A code, a list of codes, a class such as 2xx, `any`, or predicates. Without it, a 4xx
    /// or 5xx answer fails.
    status: Option<Status>,
    /// Header name (case-insensitive) → value or predicates.
    headers: Option<BTreeMap<String, ValueOrPredicates>>,
    /// Name of a cookie the response sets → its value or predicates.
    cookies: Option<BTreeMap<String, ValueOrPredicates>>,
    /// Predicates on the raw body text.
    body: Option<ValueOrPredicates>,
    /// JSONPath (RFC 9535) → value or predicates.
    json: Option<BTreeMap<String, ValueOrPredicates>>,
    /// XPath 1.0 over an XML body → value or predicates: one node is its text, several a list
    /// of texts; the document's prefixes are bound, its default namespace is `_`.
    xml: Option<BTreeMap<String, ValueOrPredicates>>,
    /// A JSON Schema the body must satisfy: a file (relative to the collection), the schema
    /// itself as a mapping, or a list of them.
    schema: Option<SchemaRef>,
    /// The response time, e.g. `{ lt: 2s }`.
    time: Option<TimePredicates>,
    /// Variable name → its value or predicates, as the request was rendered (`{ exists:
    /// true }`: the variable is set; `{ not: "<your key>" }`: a placeholder was replaced).
    vars: Option<BTreeMap<String, ValueOrPredicates>>,
    /// Checks that apply only when the response is of a kind: each case's `when` and, beside
    /// it, the checks made when it holds.
    cases: Option<Vec<ExpectCase>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ExpectCase {
    /// The checks that say when the case applies, as `expect` writes them.
    when: Box<Expect>,
    #[schemars(flatten)]
    then: Expect,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Status {
    Code(u16),
    Codes(Vec<StatusOne>),
    Class(#[schemars(regex(pattern = r"^([1-5][xX][xX]|any)$"))] String),
    Predicates(Box<Predicates>),
}

/// One entry of a status list: a code or a class (`[2xx, 404]`).
#[derive(JsonSchema)]
#[schemars(untagged)]
enum StatusOne {
    Code(u16),
    Class(#[schemars(regex(pattern = r"^[1-5][xX][xX]$"))] String),
}

/// A bare value means `equals`.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum ValueOrPredicates {
    Predicates(Box<Predicates>),
    Value(Value),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Predicates {
    equals: Option<Value>,
    not: Option<Box<Predicates>>,
    exists: Option<bool>,
    #[schemars(rename = "type")]
    type_: Option<JsonType>,
    contains: Option<Value>,
    starts_with: Option<Value>,
    ends_with: Option<Value>,
    /// A regular expression.
    matches: Option<String>,
    #[schemars(rename = "in")]
    in_: Option<Vec<Value>>,
    length: Option<Box<ValueOrPredicates>>,
    lt: Option<Value>,
    lte: Option<Value>,
    gt: Option<Value>,
    gte: Option<Value>,
    each: Option<Box<ValueOrPredicates>>,
    /// Several predicate maps that must all hold: two of one kind on one target
    /// (`all: [{ contains: a }, { contains: b }]`).
    all: Option<Vec<ValueOrPredicates>>,
    /// Predicate maps one of which must hold: missing or null
    /// (`any: [{ exists: false }, { equals: null }]`).
    any: Option<Vec<ValueOrPredicates>>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct TimePredicates {
    /// A duration (`2s`), or a template that renders a number of milliseconds
    /// (`"{{ max_ms }}"`), as are the others.
    lt: Option<Duration>,
    lte: Option<Duration>,
    gt: Option<Duration>,
    gte: Option<Duration>,
    /// Several limits of one kind (`all: [{ lt: 2s }, { lt: "{{ max_ms }}" }]`).
    all: Option<Vec<TimePredicates>>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Capture {
    /// A JSONPath: the first node it selects.
    Path(String),
    Spec(Box<CaptureSpec>),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct CaptureSpec {
    json: Option<String>,
    /// An XPath 1.0 over an XML body: the first node's text, or the expression's value.
    xml: Option<String>,
    /// With `json` or `xml`: the list of every selected node.
    all: Option<bool>,
    header: Option<String>,
    /// The value of a cookie the response sets (`Set-Cookie`), by name.
    cookie: Option<String>,
    /// Group 1 of the first match in the body (or the whole match); with `header`, `json`,
    /// `xml`, `cookie` or `status`, in the text of the value found.
    regex: Option<String>,
    status: Option<bool>,
    body: Option<bool>,
    /// The value when the source holds nothing; the request does not fail for it.
    default: Option<Value>,
    /// true: when the source holds nothing, the variable keeps the value it had; the request
    /// does not fail for it.
    optional: Option<bool>,
    /// true: how many items (or characters, or keys) the found value has, not the value.
    length: Option<bool>,
    /// The value found made text, a number (JavaScript's `Number(x)`) or a whole number
    /// (`parseInt(x)`): what a Postman `set("id", String(data.id))` stores.
    #[schemars(rename = "as")]
    as_: Option<CaptureAs>,
    /// Checks of the response, as `expect` holds them, that must all hold for the capture to
    /// be taken; otherwise the variable keeps the value it had and nothing fails.
    when: Option<Expect>,
    /// This value, as written (never rendered), whatever the response holds: with `when`, a
    /// value set when a check holds.
    value: Option<Value>,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum CaptureAs {
    Text,
    Number,
    Integer,
}

/// Polling: repeat until `until` (or `expect`) holds.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Retry {
    attempts: Option<u32>,
    delay: Option<Duration>,
    backoff: Option<f64>,
    max_delay: Option<Duration>,
    timeout: Option<Duration>,
    until: Option<Expect>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Repeat {
    Times(u32),
    Spec(RepeatSpec),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RepeatSpec {
    /// Sent again while this renders truthy after a send.
    #[schemars(rename = "while")]
    while_: Template,
    /// At most this many sends (default 1000); a `while` that still holds then fails it.
    max: Option<u32>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Snapshot {
    Flag(bool),
    Spec(SnapshotSpec),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SnapshotSpec {
    /// JSONPaths replaced by a placeholder before storing and comparing.
    ignore: Option<Vec<String>>,
    /// Response headers to keep.
    headers: Option<Vec<String>>,
}

/// A yarc environment file: non-secret values for one target environment.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "yarc environment")]
struct EnvironmentFile {
    name: Option<String>,
    /// Another environment (a name beside this file, or a path) whose variables and settings
    /// this one starts from; its own win.
    extends: Option<String>,
    /// Start the built-in sandbox for the run and bind `sandbox_url`.
    sandbox: Option<Sandbox>,
    /// A private CA, a client certificate (mutual TLS), or no verification (warned).
    tls: Option<Tls>,
    variables: Option<BTreeMap<String, Value>>,
    /// This environment's version of the API's OpenAPI document (relative to this file);
    /// the collection's otherwise.
    openapi: Option<OpenApi>,
}

/// Paths are relative to the environment file.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Tls {
    ca_cert: Option<String>,
    client_cert: Option<String>,
    client_key: Option<String>,
    insecure: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(untagged)]
enum Sandbox {
    Flag(bool),
    Settings(SandboxSettings),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SandboxSettings {
    token_lifetime: Option<Duration>,
}
