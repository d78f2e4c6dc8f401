//! Postman scripts into `expect`, `capture` and variables. The script is read as JavaScript
//! (`js`), then each statement is matched against the idioms real collections use: `pm.expect`
//! chains, `pm.response.to...`, legacy `tests["..."] = ...`, `pm.*.set` / `postman.set*`, with
//! the body reached through any alias. A statement is converted whole or not at all; what is
//! not converted is kept, with its indentation and a reason, for a human.

mod again;
mod cases;
mod chain;
mod clock;
mod crypto;
mod dispatch;
mod flags;
mod fold;
mod functions;
mod guards;
mod jinja;
mod joined;
pub(crate) mod js;
mod jwt;
mod locals;
mod loops;
mod polled;
mod request;
mod sandbox;
mod schema;
mod send;
mod sets;
mod shifted;
mod subject;
mod token;
mod vendor;
mod xml2js;

use super::yaml_out::Y;
pub(crate) use dispatch::{Dispatch, Exported};
use js::{Binding, Expr, Stmt, StmtKind};
pub(crate) use sandbox::{Missing, UndefinedRead, requirable, response_local};
use std::collections::{BTreeSet, HashMap};

/// Whether a script runs after the response (`test`) or before the request (`prerequest`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Phase {
    Test,
    /// A collection's or folder's test script: assertions apply to every request below it,
    /// but a value read from "the" response has no single request to be captured from.
    ScopeTest,
    PreRequest,
}

impl Phase {
    /// The script as Postman's tabs name it: "pre-request" or "test".
    pub(crate) fn script(self) -> &'static str {
        match self {
            Phase::PreRequest => "pre-request",
            Phase::Test | Phase::ScopeTest => "test",
        }
    }
}

/// What one script became.
#[derive(Debug, Default)]
pub(crate) struct Script {
    pub expect: Y,
    pub capture: Y,
    /// Names a converted `set()` writes into the collection's or the globals' scope
    /// (`pm.collectionVariables.set`), which an environment's variable of the same name outranks.
    pub shared: BTreeSet<String>,
    /// Names a converted `set()` writes into the environment's or the local scope: those reach
    /// the requests whatever the environment defines, so the capture of the name stays.
    pub reaching: BTreeSet<String>,
    /// `pm.*.set(name, literal)` in a test script: variables with a value known before the run.
    pub variables: Y,
    /// `pm.*.set(name, value)` in a pre-request script (or of a value computed from variables):
    /// `set:` entries, given before the request is rendered.
    pub sets: Y,
    /// The lines not converted, as written (indentation kept), with the script's own
    /// structure around them; empty when everything was converted.
    pub block: Vec<String>,
    /// (line in the script, text, why it was kept)
    pub kept: Vec<(usize, String, &'static str)>,
    pub assertions_seen: usize,
    pub assertions: usize,
    /// Tests of the response (`pm.test("name", ...)`) none of whose checks could be converted:
    /// Postman runs them, yarc cannot, so the request must not pass silently.
    pub unchecked: Vec<String>,
    pub sets_seen: usize,
    pub captures: usize,
    pub variables_set: usize,
    pub converted_lines: usize,
    /// Every variable name a `set` call writes, converted or not: run-time values.
    pub set_names: Vec<String>,
    /// A conversion read the request's raw body text (a signature of it): the body must go out
    /// byte for byte as written.
    pub raw_body_read: bool,
    /// Variables a test script set to the body its request sent (`pm.request.body.raw`): what
    /// they read, they read as the request does (a variable nothing defines is its `{{name}}`
    /// text there, not a script's `undefined`).
    pub sent_bodies: Vec<String>,
    /// Names of Postman's sandbox the script declares with `const` or `let` at its top
    /// (`const data = pm.response.json()`): Newman fails the whole script before it runs
    /// ("Identifier 'data' has already been declared").
    pub redeclared: Vec<String>,
    /// The script uses `await` outside an async function: Newman (6.x) rejects it as a syntax
    /// error and runs none of it, where Postman's app runs it.
    pub awaits_at_top: bool,
    /// The line of the script's top where it reads a Node name Postman's sandbox does not
    /// have (`url.parse(...)` with no `require`), and the name: Newman stops the script there
    /// with a ReferenceError and fails the request.
    pub undefined_read: Option<sandbox::UndefinedRead>,
    /// `ajv.validate(body, schema)`: the body passed where ajv takes the schema. Postman
    /// then compiles the response as a schema and validates the schema against it, which
    /// checks nothing; the import validates the response against the schema, as meant.
    pub reversed_schema: bool,
    /// A variable whose text the script runs with `eval` at its top, which the import could
    /// not follow (a signing library, shared tests): yarc cannot run it.
    pub evaluated: Option<String>,
    /// Headers a pre-request script adds to the request (`pm.request.headers.add({key, value})`).
    pub headers: Y,
    /// Those of them given with `upsert`: a header of that name the request has disabled is
    /// updated and stays disabled, so Newman sends none.
    pub upserted: Vec<String>,
    /// Headers it removes before it adds them again: the added one takes the request's
    /// one's place, as an `upsert` does.
    pub replaced: Vec<String>,
    /// Headers a request's own pre-request script removes and does not add again
    /// (`pm.request.headers.remove("X-Debug")`): the request goes without them.
    pub removed: Vec<String>,
    /// Query parameters a request's own pre-request script removes
    /// (`pm.request.removeQueryParams("debug")`, `pm.request.url.query.remove("debug")`).
    pub removed_query: Vec<String>,
    /// Query parameters a request's own pre-request script upserts that its URL has
    /// (`pm.request.url.query.upsert({ key: "date", value: today })`): each given its new
    /// value where it is, as Postman updates it in place.
    pub upserted_query: Vec<(String, Y)>,

    /// Query parameters a pre-request script adds (`pm.request.url.addQueryParams([...])`).
    pub query: Y,
    /// Requests the script sends (`pm.sendRequest`), as requests of the collection: before the
    /// item (a pre-request script) or after it (a test script).
    pub requests: Vec<Y>,
    /// For each of `requests`: whether the script sends it each time it runs (not under a
    /// condition yarc cannot say, or under one its `skip:` says) — a collection's or folder's
    /// pre-request script runs before every request below it.
    pub every_time: Vec<bool>,
    /// A client-credentials token request the script sends (`pm.sendRequest` to a token URL):
    /// the `oauth2` auth block it becomes, and the variable its callback sets to the token.
    pub oauth2: Option<(Y, String)>,
    /// Variables holding helper code the script `eval`s whose work was converted (a vendor's
    /// token helper): nothing needs them in the collection.
    pub helpers: Vec<String>,
    /// The request's auth when its own pre-request script adds `Authorization: Bearer <x>`
    /// only while `x` is set: `{ bearer: "{{ x }}" }` (an empty one sends no header).
    pub bearer: Option<Y>,
    /// `retry:` of the request: its test script sends it again until a condition holds.
    pub retry: Option<Y>,
    /// `repeat:` of the request: its test script sends it again while a condition on
    /// variables holds (a counter), every send judged.
    pub repeat: Option<Y>,
    /// Variables the script unsets (`pm.environment.unset("x")`), unconditionally, each with
    /// the scope it is unset from (`environment`, `collection`, `globals`, `local`).
    pub unset: Vec<(String, &'static str)>,
    /// `pm.collectionVariables.clear()` (`collection`) or `pm.environment.clear()`
    /// (`environment`), unconditionally.
    pub cleared: Vec<&'static str>,
    /// Values a test script sets that are made from what its captures take: given before
    /// the next request (`set:` there).
    pub after: Y,
    /// `if (cond) { postman.setNextRequest(null) }` in a test script (or a jump to a name):
    /// the condition as minijinja (the response's status read as [`STATUS_HERE`]) and the
    /// name jumped to. Newman ends its run there when the name is null or no request's.
    pub run_ends: Vec<(String, Option<String>)>,
    /// `skip:` of the request: its pre-request script calls `pm.execution.skipRequest()`
    /// (a template when it does so under a condition).
    pub skip: Option<String>,
    /// The JSON body its pre-request script gives the request:
    /// `pm.request.body.raw = JSON.stringify({...})`.
    pub json_body: Option<Y>,
    /// Made-up values of the sent body its test script reads (see [`MadeSent`]).
    pub made_sent: Vec<MadeSent>,
}

/// A field of the body a request sends that holds a made-up value (`"email":
/// "john.{{$randomInt}}@x.io"`) and that its test script reads (`JSON.parse(pm.request.body.raw)
/// .email`): the request makes the value first, in a variable of this name (`set:`), and sends
/// it there, so that what the script keeps is what was sent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MadeSent {
    /// The field's place in the body: keys and indexes from the top.
    pub at: Vec<serde_json::Value>,
    pub var: String,
    /// The field's text in yarc's terms (`john.{{ random_int(0, 1000) }}@x.io`).
    pub made: String,
}

impl Script {
    /// The variables (as Postman names them) the script sets, whatever happens, to a value
    /// it computes in lines yarc does not run (`pm.environment.set("payload",
    /// JSON.stringify(consent))`).
    pub(crate) fn computed_and_kept(&self) -> Vec<String> {
        let kept: Vec<String> = (self.kept.iter())
            .filter(|(_, _, why)| *why == KEPT_COMPUTED)
            .map(|(_, text, _)| text.clone())
            .collect();
        set_targets_as_written(&kept)
    }
}

/// What the body, a header, the status... is called in the output.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Subject {
    Json(String),
    Length(Box<Subject>),
    /// chai's `empty` of a JSON value: a string's or list's length, or an object's key count
    /// (yarc's `length`; unlike `.length`, which an object does not have).
    Size(String),
    Header(String),
    /// A cookie the response sets.
    Cookie(String),
    Status,
    /// `pm.response.status`: the reason phrase ("OK"), compared as the status it names.
    Reason,
    Time,
    Body,
    /// A value known before the response: a literal or `{{ var }}`.
    Value(Y),
    /// A variable, checked itself: `pm.expect(pm.environment.get("token")).to.exist`.
    Var(String),
    /// Whether a variable is set: `pm.variables.has("token")`, by its name in Postman.
    VarSet(String),
    /// The whole body against a JSON Schema (`pm.response.to.have.jsonSchema(schema)`).
    Schema(Y),
    /// The calendar day of a JSON date, `moment(data.checkin).format("YYYY-MM-DD")`: the
    /// text it starts with.
    Day(String),
    /// How many keys an object has: `Object.keys(data).length`.
    Keys(String),
    /// What `xml2Json(responseBody)` reads, as an XPath of the elements named on the way
    /// (`/*[name()='soap:Envelope']/*[name()='soap:Body']`; empty: the document).
    Xml(String),
    /// An element's attributes, `xml2Json(...).order.$`: only a name read from it is a value.
    XmlAttributes(String),
    /// The body without the blanks around it, `pm.response.text().trim()`: only its equality
    /// and what it holds are said (of the body, blanks allowed around).
    TrimmedBody,
    /// The list of an object's keys, `Object.keys(data)` (also `.sort()`ed): how many, and which
    /// are there.
    KeyList(String),
    /// An XML text split into a list, `result.serverUrl.split("/")`: only an item of it is a
    /// value (a text, by XPath's string functions).
    XmlSplit(String, String),
}

const KEPT_ASSERTION: &str = "assertion not understood";
/// What stands for the response's status in a [`Script::run_ends`] condition: the variable
/// the request captures its status into, named by the import.
pub(crate) const STATUS_HERE: &str = "\u{1}status";

/// The reason a request its pre-request script skips (`pm.execution.skipRequest()`) shows.
const SKIPPED_BY_SCRIPT: &str = "its pre-request script skips it (pm.execution.skipRequest())";
/// The reason a request a script sends shows when the script returns before sending it.
const SKIPPED_BY_RETURN: &str =
    "the script that sends it returns before it (its `if (...) return` holds)";
const SKIPPED_BY_GUARD: &str = "the script sends it only when its `if (...)` holds";
const KEPT_FLOW: &str = "a condition, loop or function: yarc collections have no scripts";
const KEPT_COMPUTED: &str = "a value a script computes";
const KEPT_UNDEFINED_CALL: &str = "a call of a function the script does not define (a library another script evaluates, or a ReferenceError in Newman)";
const KEPT_PACKAGE: &str = "a package of the team's Postman package library (`pm.require`): the export does not hold its code";
const KEPT_CONSOLE: &str = "console output";
const KEPT_UNSET: &str = "unset: a yarc variable lasts for the run";
const KEPT_OTHER: &str = "not understood";
const KEPT_SEND: &str =
    "a request sent from a script: make it a request of its own, with a capture";
const KEPT_NEXT: &str = "request order is the file's order (use skip: or --name to choose)";
const KEPT_SCOPE_CAPTURE: &str =
    "a capture after every request: capture it on the request whose response holds it";
const KEPT_AROUND: &str = "script structure around kept lines";
const KEPT_SEND_PART: &str = "a request sent from a script: it is a request of the collection now, but this part of its callback is not converted";
const KEPT_UNREACHABLE: &str = "after a `return`: Postman never runs it";
const KEPT_UNDEFINED: &str = "at or after a Node name Postman's sandbox does not have (`url`, `moment`, ... with no `require`): Newman stops the script there with a ReferenceError";
const KEPT_SKIPPED_TEST: &str =
    "a test marked `pm.test.skip`: Postman reports it skipped and never runs it";
const KEPT_UNRUNNABLE: &str =
    "the script declares a name Postman's sandbox already has: Newman runs none of it";
const KEPT_AWAIT: &str =
    "the script uses `await` outside an async function: Newman rejects it and runs none of it";
const KEPT_SWALLOWED: &str = "a check whose failure is swallowed (by the `catch` around it, or as anything a `pm.sendRequest` callback throws, which Newman does not report): it never fails in Postman";

const KEPT_GATED_SET: &str = "a value set only when a check before it holds (a failing check ends the block): yarc gives values known before the run unconditionally";

const KEPT_RETURNED_SET: &str = "a value set only when the script does not return before it (on the variables its `if (...) return` reads): yarc gives values known before the run unconditionally";

/// Converts one script (its lines as exported).
#[cfg(test)]
pub(crate) fn convert(lines: &[String], phase: Phase) -> Script {
    convert_for(lines, phase, None)
}

/// What the export says beside the scripts: the JSON its variables hold (a JSON Schema kept
/// in a collection variable), by the variable's name in yarc's terms.
#[derive(Clone, Debug, Default)]
pub(crate) struct Known {
    pub json: std::rc::Rc<HashMap<String, serde_json::Value>>,
    /// The names some variable list gives a text: chai's `below(x)` refuses one as its limit.
    pub texts: std::rc::Rc<BTreeSet<String>>,
    /// The names some script of the export sets.
    pub script_sets: std::rc::Rc<BTreeSet<String>>,
    /// The names some script of the export sets to `null` (see [`null_sets`]).
    pub null_sets: std::rc::Rc<BTreeSet<String>>,
    /// The objects scripts store in variables, written out in them (see [`objects_set`]).
    pub stored: std::rc::Rc<HashMap<String, serde_json::Value>>,
    /// The one value the export gives each variable no script sets, by its name as written
    /// (what a test script's `request.url` holds once Newman has rendered it).
    pub values: std::rc::Rc<HashMap<String, Exported>>,
    /// Reads of a scope that cannot hold the name (`pm.collectionVariables.get("x")` of an `x`
    /// the collection neither defines nor sets; `pm.environment.get("x")` of the collection's
    /// `x` where the environments given and the scripts never give one): `undefined` in
    /// Postman, so a test of one is Postman's to decide. As `"collection:x"`, `"environment:x"`.
    pub scope_lacks: std::rc::Rc<BTreeSet<String>>,
    /// Some script of the export unsets or clears variables.
    pub unsets: bool,
    /// Names an earlier script (in the order the import reads them) assigned without declaring
    /// them (`response = pm.response.json()`): Newman's sandbox keeps them for the rest of the
    /// run, and a later script's `const response` fails as a sandbox name's does.
    pub made_global: std::rc::Rc<std::cell::RefCell<BTreeSet<String>>>,
    /// Every name some script of the export assigns or declares: one a script reads without
    /// declaring it may be a global another made (`API = class { ... }`), never judged.
    pub assigned: std::rc::Rc<BTreeSet<String>>,
}

/// [`convert`] for a request whose JSON body is known: what the script reads of it
/// (`JSON.parse(request.data).client_id`) is the body's value.
#[cfg(test)]
pub(crate) fn convert_for(lines: &[String], phase: Phase, body: Option<&Sent>) -> Script {
    let request = Request {
        body,
        query: None,
        text: None,
    };
    convert_item(lines, phase, request, None, &Known::default())
}

/// What a script can read of the request it runs for, as the export writes it.
#[derive(Clone, Copy, Default)]
pub(crate) struct Request<'a> {
    /// Its body, as far as a script can read it (`JSON.parse` of a raw one, a form's fields).
    pub body: Option<&'a Sent>,
    /// Its query parameters in order, disabled ones too (`pm.request.url.query.toObject()`
    /// gives them all); `None` for a parameter without a value.
    pub query: Option<&'a [(String, Option<String>)]>,
    /// Its method, path (`/a/b`, as its URL's path segments write it) and raw body text.
    pub text: Option<&'a RequestText>,
}

/// What a script reads of its request as text, as the export writes it (variables unrendered,
/// as Postman gives them to a pre-request script).
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestText {
    pub method: String,
    pub path: Option<String>,
    /// The enabled query parameters joined (`a=1&b`), unencoded, as `getQueryString()` gives.
    pub query: Option<String>,
    pub raw_body: Option<String>,
    /// Its path segments as Newman sends them (a path variable's value put in for `:name`),
    /// `{{variables}}` to render: what a test script reads of `pm.request.url.path`.
    pub sent_segments: Option<Vec<String>>,
    /// Its enabled query parameters (`None` for one without a value), as a test script reads
    /// them of the request Newman sent.
    pub sent_query: Vec<(String, Option<String>)>,
    /// Its URL as the export writes it (`{{base}}/accounts/17007`).
    pub url: String,
    /// Its headers as the export writes them (disabled ones too): what a pre-request script
    /// reads of `pm.request.headers`.
    pub headers: Vec<dispatch::Header>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(
        body: Option<&'a Sent>,
        query: Option<&'a [(String, Option<String>)]>,
        text: Option<&'a RequestText>,
    ) -> Self {
        Request { body, query, text }
    }
}

/// What a request sends as its body, as far as a script can read it: `JSON.parse` of a raw
/// one, the legacy `request.data` of a form.
#[derive(Clone, Debug)]
pub(crate) enum Sent {
    /// JSON as written (`{{var}}`s inside its strings).
    Json(serde_json::Value),
    /// Only a variable (`{{product}}`): the expression, in yarc's terms, that holds the text.
    Variable(String),
    /// Form fields (urlencoded or form-data text), as written: what a test script's legacy
    /// `request.data["username"]` reads.
    Form(serde_json::Map<String, serde_json::Value>),
}

/// Converts one request's own script; `body` is its JSON body when it has one (what the script
/// reads of `JSON.parse(request.data)`), `name` its name (what `setNextRequest("name")` sends
/// again).
pub(crate) fn convert_item(
    lines: &[String],
    phase: Phase,
    request: Request<'_>,
    name: Option<&str>,
    known: &Known,
) -> Script {
    let statements = js::parse(&rewritten(lines));
    let given = Given {
        body: request.body,
        name,
        known,
        query: request.query,
        text: request.text,
    };
    let decided = name
        .zip(request.text)
        .and_then(|(n, t)| own_decided(lines, &statements, phase, (n, t), known));
    match decided {
        Some((decided, owned)) => convert_parsed(lines, &decided, phase, given, Some(owned)),
        None => convert_parsed(lines, &statements, phase, given, None),
    }
}

/// [`dispatch::own_script`] with the request's URL as the script reads it: as written in a
/// pre-request script, as Newman sent it in a test script (the export's values put in; where
/// that would write one of them into what is left, a value set from the URL, the URL only
/// decides).
fn own_decided(
    lines: &[String],
    statements: &[Stmt],
    phase: Phase,
    (name, text): (&str, &RequestText),
    known: &Known,
) -> Option<(Vec<Stmt>, BTreeSet<usize>)> {
    use dispatch::OwnUrl;
    // The request's own headers decide a pre-request script's `pm.request.headers.get(...)`.
    let headers = (phase == Phase::PreRequest).then_some(text.headers.as_slice());
    // The query string (`pm.request.url.getQueryString()`) only decides.
    let query = match phase {
        Phase::PreRequest => text.query.clone(),
        _ => (text.query.as_deref()).and_then(|q| Some(rendered(q, &known.values)?.0)),
    };
    let own = |url| {
        dispatch::own_script(
            lines,
            statements,
            (name, &text.method),
            url,
            (query.as_deref(), headers),
        )
    };
    if phase == Phase::PreRequest {
        return own(Some(OwnUrl::Is(&text.url)));
    }
    let Some((rendered, used)) = rendered_url(&text.url, &known.values) else {
        return own(None);
    };
    match own(Some(OwnUrl::Is(&rendered))) {
        Some(read) if writes_any(&read.0, &used) => own(Some(OwnUrl::Decides(&rendered))),
        read => read,
    }
}

/// Whether statements that are not locals only decisions read hold one of `values`.
fn writes_any(statements: &[Stmt], values: &[String]) -> bool {
    let live: Vec<&Stmt> = statements
        .iter()
        .filter(|s| !unread_local(s, statements))
        .collect();
    let text = format!("{live:?}");
    values.iter().any(|v| {
        let shown = format!("{v:?}");
        text.contains(&shown[1..shown.len() - 1])
    })
}

/// The request a script always hands the run to next (`postman.setNextRequest("Create
/// quote")`): its last `setNextRequest` — the last one set wins — is a statement of the
/// script's own (not under a condition, in a callback or after a `return`) naming a request;
/// `Some(None)` for `setNextRequest(null)`, which ends the run.
pub(crate) fn last_jump(lines: &[String]) -> Option<Option<String>> {
    let statements = js::parse(&lines.join("\n"));
    let text = |s: &Stmt| {
        let span = lines.get(s.first.saturating_sub(1)..s.last.min(lines.len()));
        span.unwrap_or_default().join("\n")
    };
    let at = statements
        .iter()
        .rposition(|s| text(s).contains("setNextRequest"))?;
    if statements[..at].iter().any(|s| text(s).contains("return")) {
        return None;
    }
    match &statements[at].kind {
        StmtKind::Expr(e @ Expr::Call(_, args)) if is_next_request(e) => match args.as_slice() {
            [Expr::Str(target)] => Some(Some(target.clone())),
            [Expr::Null] => Some(None),
            _ => None,
        },
        _ => None,
    }
}

/// What a conversion is given beside the script: the request's body and name, and what the
/// export holds.
#[derive(Clone, Copy)]
struct Given<'a> {
    body: Option<&'a Sent>,
    name: Option<&'a str>,
    known: &'a Known,
    /// The request's query parameters, as [`Request::query`] gives them.
    query: Option<&'a [(String, Option<String>)]>,
    text: Option<&'a RequestText>,
}

/// A collection's or folder's script: what the scope keeps, and the part that does something
/// else for each request by its name (converted with [`convert_dispatched`] per request).
pub(crate) fn convert_scope(
    lines: &[String],
    phase: Phase,
    known: &Known,
) -> (Script, Option<Dispatch>) {
    let statements = js::parse(&rewritten(lines));
    let given = Given {
        body: None,
        name: None,
        known,
        query: None,
        text: None,
    };
    match Dispatch::of(lines, &statements, phase, &known.values) {
        Some(d) => {
            let all: BTreeSet<usize> = (1..=lines.len()).collect();
            let owned = &all - &d.dependent_lines();
            let common = d.common();
            (
                convert_parsed(lines, &common, phase, given, Some(owned)),
                Some(d),
            )
        }
        None => (convert_parsed(lines, &statements, phase, given, None), None),
    }
}

/// The part of a scope's script that depends on the request's name, as it runs for the
/// request named `name`: that request's own script.
pub(crate) fn convert_dispatched(
    d: &Dispatch,
    request: Request<'_>,
    name: &str,
    url: &str,
    known: &Known,
) -> Script {
    let method = request.text.map_or("GET", |t| t.method.as_str());
    let headers = request.text.map_or(&[][..], |t| t.headers.as_slice());
    let request_facts = (method, headers);
    // A pre-request script reads the URL as written; a test script reads it as Newman sent it.
    let (statements, owned) = match d.phase {
        Phase::PreRequest => d.for_request(name, Some(url), request_facts),
        _ => match rendered_url(url, &known.values) {
            // The export's values decide; they are never written into what is left (a value
            // set from the URL stays a template).
            Some((rendered, used)) => {
                let read = d.for_request(name, Some(&rendered), request_facts);
                // A local only the decisions read (`var u = request.url`) writes nothing.
                match writes_any(&read.0, &used) {
                    true => d.for_request(name, None, request_facts),
                    false => read,
                }
            }
            None => d.for_request(name, None, request_facts),
        },
    };
    let given = Given {
        body: request.body,
        name: Some(name),
        known,
        query: request.query,
        text: request.text,
    };
    convert_parsed(&d.lines, &statements, d.run_phase(), given, Some(owned))
}

/// `var u = "..."` (or `u = "..."`) whose local no statement of `all` reads.
fn unread_local(s: &Stmt, all: &[Stmt]) -> bool {
    let names: Vec<&String> = match &s.kind {
        StmtKind::Let(decls) => decls
            .iter()
            .map(|(b, _)| match b {
                js::Binding::Name(n) => Some(n),
                _ => None,
            })
            .collect::<Option<_>>()
            .unwrap_or_default(),
        StmtKind::Assign(Expr::Ident(n), _) => vec![n],
        _ => Vec::new(),
    };
    let writes = |o: &Stmt, n: &str| match &o.kind {
        StmtKind::Let(d) => d
            .iter()
            .any(|(b, v)| matches!(b, js::Binding::Name(x) if x == n) && !reads_name(v, n)),
        StmtKind::Assign(Expr::Ident(x), v) => x == n && !reads_name(v, n),
        _ => false,
    };
    !names.is_empty()
        && names
            .iter()
            .all(|n| all.iter().all(|o| writes(o, n) || !o.mentions(n)))
}

/// The URL as written with each `{{variable}}` given the one value the export has for it
/// (`http://` before it when it has no scheme, as Newman sends it), and the values given;
/// `None` when a variable has none.
fn rendered_url(url: &str, values: &HashMap<String, Exported>) -> Option<(String, Vec<String>)> {
    let (mut out, used) = rendered(url, values)?;
    if !out.contains("://") {
        out.insert_str(0, "http://");
    }
    Some((out, used))
}

/// `text` with each `{{variable}}` given the one value the export has for it, and the values
/// given; `None` when a variable has none.
fn rendered(text: &str, values: &HashMap<String, Exported>) -> Option<(String, Vec<String>)> {
    let mut out = String::new();
    let mut used = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let end = rest[at..].find("}}")? + at;
        out.push_str(&rest[..at]);
        let value = &values.get(rest[at + 2..end].trim())?.value;
        out.push_str(value);
        used.push(value.clone());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Some((out, used))
}

/// Converts parsed statements of `lines`; with `owned`, only those lines are the script's
/// (counted, kept or set): the others are context another conversion reports.
fn convert_parsed(
    lines: &[String],
    statements: &[Stmt],
    phase: Phase,
    given: Given<'_>,
    owned: Option<BTreeSet<usize>>,
) -> Script {
    let mut cx = Converter::new(phase, lines.to_vec());
    cx.request_body = given.body.cloned();
    cx.own_name = given.name.map(str::to_string);
    cx.known_json = given.known.json.clone();
    cx.known_texts = given.known.texts.clone();
    cx.scope_lacks = given.known.scope_lacks.clone();
    cx.unsets = given.known.unsets;
    cx.known_sets = given.known.script_sets.clone();
    cx.known_nulls = given.known.null_sets.clone();
    cx.known_stored = given.known.stored.clone();
    cx.request_query = given.query.map(<[_]>::to_vec);
    cx.request_text = given.text.cloned();
    cx.assigned = fold::assigned_names(&lines.join("\n"));
    let targets: Vec<String> = match &owned {
        Some(o) => lines
            .iter()
            .enumerate()
            .filter(|(i, _)| o.contains(&(i + 1)))
            .map(|(_, l)| l.clone())
            .collect(),
        None => lines.to_vec(),
    };
    cx.owned = owned;
    let made_global = given.known.made_global.borrow().clone();
    cx.out.redeclared = redeclared(&cx.lines, statements, &made_global);
    let made = assigned_undeclared(statements, &cx.lines.join("\n"));
    given.known.made_global.borrow_mut().extend(made);
    cx.out.awaits_at_top = awaits_at_top(&cx.lines, statements);
    // Newman runs none of such a script: nothing of it is converted.
    cx.unrunnable = !cx.out.redeclared.is_empty() || cx.out.awaits_at_top;
    let rewritten = missing_list_refusals(statements);
    let top = rewritten.as_deref().unwrap_or(statements);
    cx.out.undefined_read = sandbox::undefined_read(&cx.lines, top, &given.known.assigned);
    // Function declarations are hoisted: a call may come before the function.
    let words = word_lines(&cx.lines);
    for s in statements {
        if let Some((name, params, returned)) = cx.returning_function(s) {
            cx.returns.insert(name, (params, returned));
        } else if let Some((name, b)) = cx.builder(s) {
            cx.builders.insert(name, b);
        } else if let Some((name, params, body)) = cx.procedure(s, &words) {
            cx.procedures.insert(name, (params, body));
        }
    }
    let status = match phase {
        Phase::Test => cx.top_gate(top),
        _ => None,
    };
    let captured_before = cx.out.capture.entries();
    cx.statements(top);
    if let Some(when) = &status {
        cx.conditional_captures(&captured_before, when);
    }
    let mut out = cx.finish();
    // A set inside code this importer does not read (a `switch`, a callback) still makes its
    // variable a run-time one.
    for name in set_targets(&targets) {
        if !out.set_names.contains(&name) {
            out.set_names.push(name);
        }
    }
    out
}

/// `const env = pm.environment.toObject({...})`, then `env.authUrl`: each member read is
/// `pm.environment.get("authUrl")` (any scope's), as the rest of the converter reads it.
fn scope_objects_read(source: String) -> String {
    static TO_OBJECT: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = TO_OBJECT.get_or_init(|| {
        regex::Regex::new(
            r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*pm\.(environment|collectionVariables|globals|variables|iterationData)\.toObject\(",
        )
        .expect("a valid pattern")
    });
    let objects: Vec<(String, String)> = re
        .captures_iter(&source)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        // Each is searched for in the whole script: a hostile script's thousands stay as written.
        .take(16)
        .collect();
    objects.iter().fold(source, |text, (name, scope)| {
        let member = regex::Regex::new(&format!(
            r#"(^|[^.\w$]){}(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])"#,
            regex::escape(name)
        ))
        .expect("an escaped name");
        member
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let key = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
                format!("{}pm.{scope}.get(\"{key}\")", &c[1])
            })
            .into_owned()
    })
}

/// The script's text with the names it gives Postman's objects and libraries written as the
/// converter reads them (`res.code` as `pm.response.code`, `in_date(...)` as `moment(...)`).
fn rewritten(lines: &[String]) -> String {
    let source = response_named(lines.join("\n"));
    scope_objects_read(uuid_named_uuid(moment_named_moment(source)))
}

/// `const res = pm.response;`: each read through `res` (`res.code`, `res.json()`,
/// `pm.expect(res).to.have.status(200)`) is written `pm.response`, as the rest of the converter
/// reads it — unless the name is bound again anywhere (a callback's `(err, res)`, a second
/// declaration, an assignment), where a read may be of something else.
fn response_named(source: String) -> String {
    static ALIAS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = ALIAS.get_or_init(|| {
        regex::Regex::new(
            r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*pm\.response\s*(?:;|$|\n)",
        )
        .expect("a valid pattern")
    });
    let names: BTreeSet<String> = re
        .captures_iter(&source)
        .map(|c| c[1].to_string())
        // A script names the response once or twice; a hostile one's thousands stay as they are
        // (each name is searched for in the whole script).
        .take(16)
        .filter(|n| n != "pm" && !bound_again(&source, n))
        .collect();
    names.iter().fold(source, |text, name| {
        let read = regex::Regex::new(&format!(r"(^|[^.\w$]){}(\s*[.)\],;])", regex::escape(name)))
            .expect("an escaped name");
        read.replace_all(&text, "${1}pm.response${2}").into_owned()
    })
}

/// Whether `name` is bound more than once in the source: declared again, assigned, or a
/// function's parameter.
pub(super) fn bound_again(source: &str, name: &str) -> bool {
    let n = regex::escape(name);
    let count =
        |p: String| regex::Regex::new(&p).map_or(usize::MAX, |re| re.find_iter(source).count());
    // The declaration is one of each of the first two.
    count(format!(r"\b(?:const|let|var)\s+{n}\b")) > 1
        || count(format!(r"(^|[^.\w$]){n}\s*(?:[-+*/%]?=[^=>]|\+\+|--)")) > 1
        || count(format!(r"\bfunction\b[^(]*\([^)]*\b{n}\b")) > 0
        || count(format!(r"\([^()]*\b{n}\b[^()]*\)\s*=>")) > 0
        || count(format!(r"(^|[^.\w$]){n}\s*=>")) > 0
        || count(format!(r"\bcatch\s*\(\s*{n}\b")) > 0
}

/// `const { v4: uuidv4 } = require('uuid')` (or `{ v4 }`, or `require('uuid').v4` in a
/// local): each call of that name is `uuid.v4()`, as the rest of the converter reads it.
fn uuid_named_uuid(source: String) -> String {
    static REQUIRE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = REQUIRE.get_or_init(|| {
        regex::Regex::new(
            r#"\b(?:const|let|var)\s*(?:\{\s*v4\s*(?::\s*([A-Za-z_$][\w$]*))?\s*\}|([A-Za-z_$][\w$]*))\s*=\s*require\(\s*['"]uuid['"]\s*\)(\.v4\b)?"#,
        )
        .expect("a valid pattern")
    });
    let names: BTreeSet<String> = re
        .captures_iter(&source)
        .filter_map(|c| match (c.get(1), c.get(2), c.get(3)) {
            (Some(n), _, None) => Some(n.as_str().to_string()),
            (None, None, None) => Some("v4".to_string()),
            (_, Some(n), Some(_)) => Some(n.as_str().to_string()),
            _ => None,
        })
        .collect();
    renamed(source, &names, r"\s*\(", "uuid.v4(")
}

/// Each of `names` (a whole word, not a member: `x.name` stays) followed by `after`, written
/// `to` instead.
fn renamed(source: String, names: &BTreeSet<String>, after: &str, to: &str) -> String {
    names.iter().fold(source, |text, name| {
        let word = regex::Regex::new(&format!(r"(^|[^.\w$]){}{after}", regex::escape(name)))
            .expect("an escaped name");
        word.replace_all(&text, format!("${{1}}{to}")).into_owned()
    })
}

/// `const in_date = require('moment')`: every call through `in_date` is moment's, read as if
/// it were named so.
fn moment_named_moment(source: String) -> String {
    static REQUIRE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = REQUIRE.get_or_init(|| {
        regex::Regex::new(
            r#"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]moment['"]\s*\)"#,
        )
        .expect("a valid pattern")
    });
    let names: BTreeSet<String> = re
        .captures_iter(&source)
        .map(|c| c[1].to_string())
        .filter(|n| n != "moment")
        .collect();
    renamed(source, &names, r"\b", "moment")
}

/// The variable names of every `pm.*.set("name", ...)` / `postman.set*Variable("name", ...)`
/// written anywhere in the lines.
pub(crate) fn set_targets(lines: &[String]) -> Vec<String> {
    (set_targets_as_written(lines).iter())
        .map(|n| super::vars::ident(n))
        .collect()
}

/// [`set_targets`] as Postman names them (`T-Payload`).
fn set_targets_as_written(lines: &[String]) -> Vec<String> {
    static SET: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = SET.get_or_init(|| {
        regex::Regex::new(
            r#"(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*["'`]([^"'`]+)["'`]"#,
        )
        .expect("valid regex")
    });
    lines
        .iter()
        .flat_map(|l| re.captures_iter(l).map(|c| c[1].to_string()))
        .collect()
}

struct Converter {
    phase: Phase,
    /// Inside a block a pre-request script runs once (`if (!get("_init")) { ...;
    /// set("_init", "true") }`): the read of the flag, and its name.
    once: Option<(Expr, String)>,
    lines: Vec<String>,
    aliases: HashMap<String, Option<Subject>>,
    out: Script,
    /// Script lines whose statements were converted (1-based).
    converted: BTreeSet<usize>,
    reasons: HashMap<usize, &'static str>,
    /// Inside a `try` whose `catch` swallows what is thrown (and outside a `pm.test`).
    swallowed: bool,
    /// The first status check whose failure is swallowed (a `try`, a `pm.sendRequest`
    /// callback) and the captures before it: a failure ends the block, so the captures after
    /// it happen only when it holds.
    swallowed_gate: Option<(Vec<(String, Y)>, Y)>,
    /// The name of a legacy test that holds when the `try` it is in parses the body
    /// (`tests["valid JSON"] = true`, and `= false` in the `catch`).
    parse_test: Option<Expr>,
    /// Object literals bound to a name (`const options = {...}`).
    objects: HashMap<String, Expr>,
    /// Lists of written values bound to a name (`const expected = ["a", "b"]`).
    lists: HashMap<String, Vec<Expr>>,
    /// Conditions bound to a name (`var is200 = responseCode.code === 200`).
    bindings: HashMap<String, Expr>,
    /// Names bound to an Ajv validator (`var ajv = new Ajv({...})`).
    validators: BTreeSet<String>,
    /// Helper functions that read a variable and throw without it (`getvar("clientId")`).
    getters: BTreeSet<String>,
    /// Functions that return one expression of their parameters (`function byId(list, id) {
    /// return list.find(i => i.id === id) }`): a call is read as that expression.
    returns: HashMap<String, (Vec<String>, Expr)>,
    /// Functions that build a text by repeating a piece (see [`Converter::builder`]).
    builders: HashMap<String, Builder>,
    /// Functions that check (`const validate = (refId) => { pm.test(...) }`), called as
    /// statements: each call is read as the body, its parameters given the call's arguments.
    procedures: HashMap<String, (Vec<String>, Vec<Stmt>)>,
    /// Statements read again so far by loops unrolled and functions read at their calls: a
    /// script of loops in loops (32 values each, five deep) would otherwise be read 33 million
    /// times.
    expanded: usize,
    /// How many blocks deep the statements being read are (1: the script's own).
    depth: usize,
    /// The depth of the body of the `pm.test` being read, if any: a `return` there ends only
    /// that test.
    test_depth: Option<usize>,
    /// `const validate = ajv.compile(schema)`: the schema each compiled validator holds.
    compiled: HashMap<String, Expr>,
    /// How deep calls of those are being read: one that calls another (or itself) stops.
    inlining: std::cell::Cell<u8>,
    /// Inside an assertion: a text the script writes (`eql("{{page}}")`) is compared as
    /// written, as Postman compares it — not a template of the variable.
    asserting: std::cell::Cell<bool>,
    /// Inside `list.forEach(item => ...)`: the path of every item (`$.items[*]`), whose checks
    /// become `each:` predicates.
    each_base: Option<String>,
    /// The `each:` being written need not find its field in every item (a flag loop's, which
    /// an item without it does not clear).
    lenient_items: bool,
    /// Inside an `if` that guards a `set()`: when the guard fails Postman sets nothing and the
    /// variable keeps its value, so the capture is `optional`.
    guarded_set: bool,
    /// Inside an `if` on the status: the checks each capture it holds gets as `when:`.
    when: Option<Y>,
    /// What the `pm.test` being converted checks with `pm.expect(...)`, each with the line of
    /// its check: a set() of one of these after its check is guarded by it.
    checked: Vec<(usize, Expr)>,
    /// The line of the first check of the `pm.test` being converted that can fail: a set()
    /// after it happens only when it passed.
    gate_at: Option<usize>,
    /// The first line of the statement being converted.
    at_line: usize,
    /// The text of the statement being read when it chains optionally (`data?.token`).
    at_optional: String,
    /// Paths an enclosing `if (data.scope)` found present: reading them (or what holds them)
    /// inside cannot throw.
    present: Vec<String>,
    /// What of `present` an enclosing guard found (not an `x || {}` fallback, which is there
    /// whatever the response).
    held: Vec<String>,
    /// Paths of the body an earlier statement read a member of: when one is missing (or
    /// `null`) the script threw there, and a capture after it is not made.
    thrown_by: Vec<String>,
    /// Fields an earlier statement took what a regular expression matches in
    /// (`data.next.match(/page=(\d+)/)[1]`), with the pattern: it threw unless it matched.
    thrown_unmatched: Vec<(String, String)>,
    /// Flags a loop left (`found = true` when an item holds), for the check that reads them.
    flags: HashMap<String, flags::Flag>,
    /// The request's own name, which `setNextRequest("...")` may name.
    own_name: Option<String>,
    /// The counter that bounds this request's polling (`pm.environment.unset` of it is done).
    poll_counter: Option<String>,
    /// Names bound to a time made from the clock (`var due = new Date()`), as moved since.
    dates: HashMap<String, clock::Shift>,
    /// Names bound to text a time was formatted into (`var checkin = today.format("YYYY-MM-DD")`):
    /// `moment(checkin)` reads that time back.
    formatted: HashMap<String, clock::Shift>,
    /// Names bound to what cannot be read alone (`var words = CryptoJS.enc.Utf8.parse(id)`),
    /// with their statement's lines: read where a `set()` uses them.
    computed: HashMap<String, (Expr, usize, usize)>,
    /// Names bound to a variable's text parsed as JSON (`var page =
    /// JSON.parse(pm.collectionVariables.get("created_page"))`): the variable, by its yarc name.
    parsed_vars: HashMap<String, (String, Vec<serde_json::Value>)>,
    /// The request's own JSON body, and the names bound to it (`var sent = JSON.parse(request.data)`).
    request_body: Option<Sent>,
    /// (`var sent = JSON.parse(pm.request.body).data`: `sent` holds the body's `data`, the steps
    /// from the body in order.)
    request_json: HashMap<String, Vec<serde_json::Value>>,
    /// Names bound to the request's body as text (`const raw = pm.request.body.raw`): what
    /// `JSON.parse(raw)` reads is the body.
    body_texts: BTreeSet<String>,
    /// Names bound to a regular expression literal (`const iso = /\d{4}-.../`): its body and flags.
    regexes: HashMap<String, (String, String)>,
    /// The script declares a name the sandbox has: Newman runs none of it.
    unrunnable: bool,
    /// Reading the rest of a test script a guard on variables returns before (see
    /// [`Converter::rest_when`]).
    vars_gate: bool,
    /// `skip:` of the requests the rest of the script sends: `if (id) { return }` before the
    /// `pm.sendRequest` that fetches `id`.
    return_guard: Option<String>,
    /// The JSON the export's variables hold (see [`Known`]).
    known_json: std::rc::Rc<HashMap<String, serde_json::Value>>,
    /// The names some script sets to `null` ([`Known::null_sets`]).
    known_nulls: std::rc::Rc<BTreeSet<String>>,
    /// The names the export's variables give a text (see [`Known`]).
    known_texts: std::rc::Rc<BTreeSet<String>>,
    /// [`Known::scope_lacks`].
    scope_lacks: std::rc::Rc<BTreeSet<String>>,
    /// [`Known::unsets`].
    unsets: bool,
    /// The names some script of the export sets (see [`Known`]).
    known_sets: std::rc::Rc<BTreeSet<String>>,
    /// Each `var|let|const name = value` line of the script, found once (each test asks).
    declared_locals: std::cell::OnceCell<Vec<(String, String)>>,
    /// Whether a line of the script calls `pm.require`, found once.
    requires_package: std::cell::OnceCell<bool>,
    /// How many `const res = pm.response` the script has declared so far.
    response_names_seen: usize,
    /// The names this script's own lines set, found once (an unset asks for each of its own).
    set_here: std::cell::OnceCell<BTreeSet<String>>,
    /// The objects scripts store in variables (see [`Known`]).
    known_stored: std::rc::Rc<HashMap<String, serde_json::Value>>,
    /// Locals changed after they were declared (`rq.contactInfo = {}`, `ids.push(x)`): what was
    /// written there is not what they hold.
    mutated: BTreeSet<String>,
    /// The lines this conversion reports (all when `None`): a scope script split by the
    /// request's name reports each part once.
    owned: Option<BTreeSet<usize>>,
    /// The request's query parameters as the export writes them (what `pm.request.url.query`
    /// holds in a pre-request script), when known.
    request_query: Option<Vec<(String, Option<String>)>>,
    /// The request's method, path and raw body, when known.
    request_text: Option<RequestText>,
    /// Whether the raw body text was read (see [`Script::raw_body_read`]).
    raw_body_read: std::cell::Cell<bool>,
    /// Whether a validation had its arguments the wrong way round (see
    /// [`Script::reversed_schema`]).
    reversed_schema: std::cell::Cell<bool>,
    /// Whether the body a test's request sent was just read (see [`Script::sent_bodies`]).
    sent_body_read: std::cell::Cell<bool>,
    /// Fields of the sent body holding made-up values that a test script read (see
    /// [`Script::made_sent`]).
    made_sent: std::cell::RefCell<Vec<MadeSent>>,
    /// JSON paths of lists mapped over `(items || [])`: a missing list is an empty one there,
    /// so a negated `include` of it holds when the path selects nothing.
    or_empty: std::cell::RefCell<BTreeSet<String>>,
    /// Locals bound to a literal (`var disabled = false`, `var v = params["symbol"]` of an
    /// object the import follows): what a condition on them decides.
    literals: HashMap<String, Expr>,
    /// Names the script assigns other than where it declares them (see `fold::assigned_names`).
    assigned: BTreeSet<String>,
    /// Names bound to a piece of xml2js (`var parseString = require('xml2js').parseString`).
    xml2js: HashMap<String, Xml2js>,
    /// Inside an xml2js `parseString` callback whose options strip prefixes: an element is
    /// read by its local name.
    xml_local: bool,
}

/// What of the xml2js library (which Postman bundles) a name holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Xml2js {
    Module,
    ParseString,
    StripPrefix,
}

enum Done {
    Converted,
    Kept(&'static str),
}

impl Script {
    /// A script's output before anything is converted: its maps empty.
    fn blank() -> Script {
        Script {
            expect: Y::map(),
            capture: Y::map(),
            variables: Y::map(),
            sets: Y::map(),
            headers: Y::map(),
            after: Y::map(),
            ..Script::default()
        }
    }
}

impl Converter {
    fn new(phase: Phase, lines: Vec<String>) -> Converter {
        Converter {
            phase,
            lines,
            aliases: HashMap::new(),
            out: Script::blank(),
            converted: BTreeSet::new(),
            reasons: HashMap::new(),
            each_base: None,
            guarded_set: false,
            checked: Vec::new(),
            gate_at: None,
            when: None,
            lenient_items: false,
            at_line: 0,
            at_optional: String::new(),
            present: Vec::new(),
            held: Vec::new(),
            thrown_by: Vec::new(),
            thrown_unmatched: Vec::new(),
            flags: HashMap::new(),
            own_name: None,
            poll_counter: None,
            swallowed: false,
            swallowed_gate: None,
            return_guard: None,
            vars_gate: false,
            parse_test: None,
            objects: HashMap::new(),
            lists: HashMap::new(),
            bindings: HashMap::new(),
            validators: BTreeSet::new(),
            getters: BTreeSet::new(),
            returns: HashMap::new(),
            builders: HashMap::new(),
            procedures: HashMap::new(),
            expanded: 0,
            depth: 0,
            test_depth: None,
            compiled: HashMap::new(),
            inlining: std::cell::Cell::new(0),
            asserting: std::cell::Cell::new(false),
            dates: HashMap::new(),
            formatted: HashMap::new(),
            computed: HashMap::new(),
            parsed_vars: HashMap::new(),
            request_body: None,
            body_texts: BTreeSet::new(),
            request_json: HashMap::new(),
            regexes: HashMap::new(),
            unrunnable: false,
            known_json: Default::default(),
            known_nulls: Default::default(),
            known_texts: Default::default(),
            scope_lacks: Default::default(),
            unsets: false,
            known_sets: Default::default(),
            set_here: Default::default(),
            response_names_seen: 0,
            requires_package: Default::default(),
            declared_locals: Default::default(),
            known_stored: Default::default(),
            mutated: BTreeSet::new(),
            owned: None,
            xml2js: HashMap::new(),
            xml_local: false,
            request_query: None,
            request_text: None,
            once: None,
            raw_body_read: std::cell::Cell::new(false),
            reversed_schema: std::cell::Cell::new(false),
            sent_body_read: std::cell::Cell::new(false),
            made_sent: Default::default(),
            or_empty: Default::default(),
            literals: HashMap::new(),
            assigned: BTreeSet::new(),
        }
    }

    /// Whether every statement was converted.
    fn statements(&mut self, list: &[Stmt]) -> bool {
        self.depth += 1;
        let all = match (self.shifted_list(list)).or_else(|| self.signed_token(list)) {
            Some(rest) => self.statements_here(&rest),
            None => self.statements_here(list),
        };
        self.depth -= 1;
        all
    }

    fn statements_here(&mut self, list: &[Stmt]) -> bool {
        let mut all = true;
        let mut returned = false;
        let mut stopped = false;
        for (i, s) in list.iter().enumerate() {
            stopped = stopped
                || (self.depth == 1
                    && matches!(&self.out.undefined_read, Some(u) if u.line == s.first));
            let done = if stopped {
                self.out.assertions_seen += self.assertion_lines(s);
                self.out.sets_seen += self.lines_with(s, SET_CALLS);
                Done::Kept(KEPT_UNDEFINED)
            } else if returned || self.unrunnable {
                // After a `return` nothing of the block runs in Postman: nothing is converted.
                self.out.assertions_seen += self.assertion_lines(s);
                self.out.sets_seen += self.lines_with(s, SET_CALLS);
                Done::Kept(match self.unrunnable {
                    true if self.out.awaits_at_top => KEPT_AWAIT,
                    true => KEPT_UNRUNNABLE,
                    false => KEPT_UNREACHABLE,
                })
            } else if self.is_return(s) {
                returned = true;
                Done::Kept(KEPT_UNREACHABLE)
            } else if let Some(done) = self.return_guard(s, &list[i + 1..]) {
                done
            } else if let Some(rest) = self.rest_when(s, &list[i + 1..]) {
                // The rest of the block was read under the guard's condition.
                self.converted.extend(s.first..=s.last);
                return all && rest;
            } else if let Some(when) = self.read_without_throw(s, &list[i..]) {
                // The rest of the block runs only when this statement's reads do not throw.
                return all && self.status_case(when, &list[i..]);
            } else {
                let thrown = self.thrown_by.clone();
                let unmatched = self.thrown_unmatched.clone();
                let reads = self.require_reads(s);
                self.throws_at(s, &reads);
                self.now_at(s);
                let before = match thrown.is_empty() && unmatched.is_empty() {
                    true => Vec::new(),
                    false => self.out.capture.entries(),
                };
                let done = self.statement(s);
                if let Done::Kept(_) = done
                    && self.runs_whatever_happens()
                    && self.out.evaluated.is_none()
                {
                    self.out.evaluated = evaluated_variable(s);
                }
                self.after_throws(&before, &thrown, &unmatched);
                self.forget_mutated(s);
                self.moments_moved(s);
                self.after_kept(s, done)
            };
            match done {
                Done::Converted => {
                    self.converted.extend(s.first..=s.last);
                    self.fallbacks_used(s);
                }
                Done::Kept(reason) => {
                    all = false;
                    for l in s.first..=s.last {
                        // A `pm.test` wrapper (or a `pm.sendRequest` call) keeps its own
                        // lines, not the converted ones inside.
                        let wrapper = matches!(reason, KEPT_AROUND | KEPT_SEND_PART);
                        if !wrapper || !self.converted.contains(&l) {
                            self.reasons.entry(l).or_insert(reason);
                        }
                    }
                }
            }
        }
        all
    }

    /// `if (pm.response.status === 404) {...} else {...}`: Postman's `status` is the reason
    /// phrase ("Not Found"), never a number, so only the other branch ever runs.
    fn phrase_branch(&mut self, s: &Stmt) -> Option<Done> {
        let StmtKind::If(cond, then, otherwise) = &s.kind else {
            return None;
        };
        let taken = phrase_against_number(cond)?;
        Some(
            match self.statements(if taken { then } else { otherwise }) {
                true => Done::Converted,
                false => Done::Kept(KEPT_AROUND),
            },
        )
    }

    /// A statement read as a whole before its kind is: a helper's renewal, a followed block,
    /// a branch on the reason phrase.
    fn read_whole(&mut self, s: &Stmt) -> Option<Done> {
        self.helper_renewal(s)
            .or_else(|| self.followed(s))
            .or_else(|| self.phrase_branch(s))
    }

    fn statement(&mut self, s: &Stmt) -> Done {
        let whole = |c: &mut Self| c.package(s).or_else(|| c.read_whole(s));
        if let Some(done) = whole(self).or_else(|| self.literal_each(s)) {
            return done;
        }
        let shaped = |c: &mut Self| {
            c.out.assertions_seen += 1;
            Done::Kept(KEPT_ASSERTION)
        };
        match &s.kind {
            // A function that checks does nothing until it is called: each call is read.
            StmtKind::Let(decls) if self.is_procedure(decls) => Done::Converted,
            StmtKind::Let(decls) if self.is_function_declaration(s) => match decls.as_slice() {
                [(Binding::Name(name), Expr::Func(params, body))] if self.getter(params, body) => {
                    self.getters.insert(name.clone());
                    Done::Converted
                }
                _ if self.returning_function(s).is_some() || self.builder(s).is_some() => {
                    Done::Converted
                }
                _ => self.flow(s),
            },
            StmtKind::Let(decls) => self.declared(s, decls),
            StmtKind::Assign(Expr::Index(target, key), value) if matches!(&**target, Expr::Ident(t) if t == "tests") => {
                self.legacy_test(s, Some(key), value)
            }
            StmtKind::Assign(Expr::Member(target, _), value) if matches!(&**target, Expr::Ident(t) if t == "tests") => {
                self.legacy_test(s, None, value)
            }
            StmtKind::Assign(Expr::Ident(name), value) => self
                .first_or_false(name, value)
                .unwrap_or_else(|| self.declare(name, value)),
            StmtKind::Expr(e) => match self.expression(e) {
                // A call this importer does not read (a `pm.sendRequest` with its callback):
                // what it holds is seen, and kept.
                Done::Kept(why @ (KEPT_OTHER | KEPT_SEND)) => {
                    self.out.assertions_seen += self.assertion_lines(s);
                    self.out.sets_seen += self.lines_with(s, SET_CALLS);
                    Done::Kept(why)
                }
                done => done,
            },
            StmtKind::If(cond, then, otherwise) if fails_always(then) && otherwise.is_empty() => {
                self.refusal(cond)
                    .or_else(|| self.thrown_check(cond))
                    .unwrap_or_else(|| self.flow(s))
            }
            // `if (!token) { console.log("no token") }`: nothing happens either way.
            StmtKind::If(cond, ..) if says_only(s) && cannot_throw(cond) => Done::Converted,
            StmtKind::If(cond, then, _) if self.asserting_if(cond, then) => {
                self.asserted_block(cond, then)
            }
            StmtKind::If(cond, then, otherwise) => self
                .send_guard(cond, then, otherwise)
                .or_else(|| self.local_default(cond, then, otherwise))
                .or_else(|| self.run_end(cond, then, otherwise))
                .or_else(|| self.conditional(cond, then, otherwise))
                .or_else(|| self.renewal(then, otherwise))
                .unwrap_or_else(|| self.unchecked_loop(s)),
            StmtKind::Try(body, handler) => self.try_catch(s, body, handler),
            StmtKind::For(l) => self
                .flag_loop(l)
                .or_else(|| self.repeated_text(l))
                .or_else(|| self.for_of_written(l))
                .or_else(|| self.loop_as_for_each(l))
                .unwrap_or_else(|| self.unchecked_loop(s)),
            // `for (var i in data)`, `while (...)`: loops the reader keeps as text.
            StmtKind::Other if is_loop(&self.text_of(std::slice::from_ref(s))) => {
                self.unchecked_loop(s)
            }
            StmtKind::Throw(_) | StmtKind::Return(_) | StmtKind::Other => self.flow(s),
            StmtKind::Assign(..) if self.phase != Phase::PreRequest => shaped(self),
            StmtKind::Assign(..) => Done::Kept(KEPT_OTHER),
        }
    }

    /// `try { ... } catch (e) { ... }`: a `catch` that swallows, one that fails (the "is it
    /// JSON" test), or one kept whole (it does more than swallow: its tests are never read).
    fn try_catch(&mut self, s: &Stmt, body: &[Stmt], handler: &[Stmt]) -> Done {
        if handler.iter().all(|h| fallback(h, body)) {
            // A failing `pm.expect` here throws into the `catch`, which swallows it: only
            // `pm.test`s (which report their own failures) count.
            let outer = std::mem::replace(&mut self.swallowed, true);
            self.parse_test = handler.iter().find_map(failed_test).cloned();
            let all = self.statements(body);
            self.parse_test = None;
            self.swallowed = outer;
            self.close_swallowed_gate();
            return match all {
                true => Done::Converted,
                false => Done::Kept(KEPT_AROUND),
            };
        }
        if fails_always(handler)
            && let Some(done) = self.parsed_or_failed(s, body, handler)
        {
            return done;
        }
        self.unchecked_loop(s)
    }

    /// `try { pm.response.json(); ... } catch (e) { pm.expect.fail("not JSON") }` (or a
    /// `throw`, or a `pm.test` that fails, in the `catch`): the body must be JSON — the check
    /// `pm.response.to.have.jsonBody()` makes, in the `catch`'s test when it names one — and
    /// the statements after the parse are read as they are.
    fn parsed_or_failed(&mut self, s: &Stmt, body: &[Stmt], handler: &[Stmt]) -> Option<Done> {
        let parses = |v: &Expr| {
            matches!(v, Expr::Call(..)) && self.subject(v) == Some(Subject::Json("$".into()))
        };
        let first = body.first()?;
        let parse_first = match &first.kind {
            StmtKind::Expr(e) | StmtKind::Assign(_, e) => parses(e),
            StmtKind::Let(decls) => decls.len() == 1 && parses(&decls[0].1),
            _ => false,
        };
        if !parse_first || self.phase != Phase::Test {
            return None;
        }
        let at = |kind: StmtKind| Stmt {
            kind,
            first: s.first,
            last: s.last,
        };
        let pm = |names: &[&str]| {
            (names.iter()).fold(Expr::Ident("pm".into()), |e, n| {
                Expr::Member(Box::new(e), (*n).into())
            })
        };
        let check = Expr::Call(
            Box::new(pm(&["response", "to", "have", "jsonBody"])),
            vec![],
        );
        let named = (handler.iter()).find_map(|h| match &h.kind {
            StmtKind::Expr(e @ Expr::Call(_, args)) if test_body(e).is_some() => {
                args.first().cloned()
            }
            _ => None,
        });
        let check = match named {
            Some(name) => Expr::Call(
                Box::new(pm(&["test"])),
                vec![name, Expr::Func(vec![], vec![at(StmtKind::Expr(check))])],
            ),
            None => check,
        };
        let mut list = vec![at(StmtKind::Expr(check))];
        // A parse whose value is not kept does nothing but throw: the check is that.
        let kept = !matches!(first.kind, StmtKind::Expr(_));
        list.extend(body.iter().skip(usize::from(!kept)).cloned());
        let captured_before = self.out.capture.entries();
        let all = self.statements(&list);
        // What the body sets happens only when the parse did not throw.
        let mut json = Y::map();
        json.child("json").child("$").set("exists", Y::Bool(true));
        self.conditional_captures(&captured_before, &json);
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// An `if` as one of the idioms it may be: a check with a failing `else`, a request sent
    /// again (polled or repeated), a set when unset, a guarded capture, a skip.
    fn conditional(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        self.once_block(cond, then, otherwise)
            .or_else(|| self.bearer_when_set(cond, then, otherwise))
            .or_else(|| self.item_filter(cond, then, otherwise))
            .or_else(|| self.failing_else(cond, then, otherwise))
            .or_else(|| self.send_again(cond, then, otherwise))
            .or_else(|| self.repeat_while(cond, then, otherwise))
            .or_else(|| self.once_polled(cond, then, otherwise))
            .or_else(|| self.set_if_unset(cond, then, otherwise))
            .or_else(|| self.conditional_sets(cond, then, otherwise))
            .or_else(|| self.loose_cases(cond, then, otherwise))
            .or_else(|| self.status_cases(cond, then, otherwise))
            .or_else(|| self.setting_cases(cond, then, otherwise))
            .or_else(|| self.guarded(cond, then, otherwise))
            .or_else(|| self.skip_when(cond, then, otherwise))
            .or_else(|| self.unless_data(cond, then, otherwise))
    }

    /// `if (pm.environment.get("url").includes("dev")) { set("user", "ada") } else if (...)
    /// { ... } else { ... }` in a pre-request script, every branch only sets: each variable is
    /// given the value of the first branch whose condition holds, else the `else`'s, else the
    /// value it had — one `set:` entry of a conditional template.
    fn conditional_sets(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        if self.phase != Phase::PreRequest || !self.unconditional() {
            return None;
        }
        let mut branches = Vec::new();
        let (mut cond, mut then, mut rest) = (cond, then, otherwise);
        let last = loop {
            self.condition_jinja(cond)?;
            branches.push((cond, only_sets(then)?));
            match rest {
                [
                    Stmt {
                        kind: StmtKind::If(c, t, o),
                        ..
                    },
                ] => (cond, then, rest) = (c, t, o),
                last => break only_sets(last)?,
            }
        };
        let calls = || branches.iter().flat_map(|(_, sets)| sets).chain(&last);
        // A local a callback or a later line changes is not what it was declared as.
        let changed = |e: &Expr| {
            let other = Expr::Ident("\u{0}".into());
            let reads = |n: &String| e.replaced(&Expr::Ident(n.clone()), &other) != *e;
            self.assigned.iter().chain(&self.mutated).any(reads)
        };
        let read = branches
            .iter()
            .map(|(c, _)| *c)
            .chain(calls().map(|(.., v)| v));
        if read.into_iter().any(changed) {
            return None;
        }
        // Each name once, in the order first set, with the scope of its first set.
        let mut names: Vec<(&Expr, &Expr, usize)> = Vec::new();
        for (call, key, _) in calls() {
            if !matches!(key, Expr::Str(_)) {
                return None;
            }
            match names.iter_mut().find(|(k, ..)| *k == key) {
                Some((.., n)) => *n += 1,
                None => names.push((key, call, 1)),
            }
        }
        let valued: Option<Vec<_>> = names
            .into_iter()
            .map(|(key, call, n)| Some((key, call, n, self.first_holding(key, &branches, &last)?)))
            .collect();
        let mut all = true;
        for (key, call, n, j) in valued? {
            let Expr::Str(k) = key else { continue };
            let name = super::vars::ident(k);
            self.out.sets_seen += n;
            self.out.set_names.push(name.clone());
            let scope = set_scope(call);
            let value = Y::str(format!("{{{{ {j} }}}}"));
            if let Done::Kept(_) = self.set_value(&name, k, key, value, scope) {
                all = false;
                continue;
            }
            self.out.variables_set += n - 1;
            match scope {
                SetScope::Shared => self.out.shared.insert(name),
                SetScope::Environment | SetScope::Local => self.out.reaching.insert(name),
            };
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_FLOW),
        })
    }

    /// The value `key` gets from a chain of branches that set it, as a minijinja expression:
    /// the first whose condition holds, else the last branch's, else the value it had (a
    /// `set:` entry above, or the variable).
    fn first_holding(
        &self,
        key: &Expr,
        branches: &[(&Expr, Vec<SetCall>)],
        last: &[SetCall],
    ) -> Option<String> {
        let set_in = |sets: &[SetCall]| {
            let (.., v) = sets.iter().rev().find(|(_, k, _)| k == key)?;
            Some(self.jinja(v))
        };
        let Expr::Str(k) = key else { return None };
        let name = super::vars::ident(k);
        let had = || {
            let above = self
                .out
                .sets
                .entries()
                .into_iter()
                .find(|(n, _)| *n == name);
            above.map_or(Some(name.clone()), |(_, v)| jinja_of(&v))
        };
        let mut j = set_in(last).unwrap_or_else(had)?;
        for (c, sets) in branches.iter().rev() {
            if let Some(v) = set_in(sets) {
                j = format!("({} if {} else {j})", v?, self.condition_jinja(c)?);
            }
        }
        Some(j)
    }

    /// `if (!pm.iterationData.has("start")) { ...set("startISO", ...) }` in a pre-request
    /// script: the values it sets, each given only when the data row has no such column (what
    /// a run without a data file always does), else left as they were.
    fn unless_data(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let Expr::Unary("!", inner) = cond else {
            return None;
        };
        let Expr::Call(callee, args) = &**inner else {
            return None;
        };
        let [Expr::Str(column)] = args.as_slice() else {
            return None;
        };
        let data = matches!(
            path(callee).as_deref(),
            Some("pm.iterationData.has" | "data.hasOwnProperty")
        );
        if !data || !otherwise.is_empty() || self.phase != Phase::PreRequest {
            return None;
        }
        let before: Vec<(String, Y)> = self.out.sets.entries();
        let all = self.statements(then);
        let column = super::vars::ident(column);
        for (name, v) in self.out.sets.entries() {
            if before.iter().any(|(n, b)| n == &name && b == &v) {
                continue;
            }
            let made = jinja_of(&v)?;
            let n = super::vars::ident(&name);
            let given = format!(
                "{{{{ {made} if not ({column} | default(\"\")) else ({n} | default(\"\")) }}}}"
            );
            self.out.sets.set(&name, Y::str(given));
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// Assertion-shaped lines inside a statement this importer cannot convert (an `if`).
    fn assertion_lines(&self, s: &Stmt) -> usize {
        if self.phase == Phase::PreRequest {
            return 0;
        }
        self.lines_with(
            s,
            &["pm.expect(", "pm.expect.fail(", "pm.response.to.", "tests["],
        )
    }

    /// Lines of a statement that contain one of `needles`.
    fn lines_with(&self, s: &Stmt, needles: &[&str]) -> usize {
        let lines = self
            .lines
            .get(s.first.saturating_sub(1)..s.last.min(self.lines.len()));
        lines
            .unwrap_or_default()
            .iter()
            .filter(|l| needles.iter().any(|p| l.contains(p)))
            .count()
    }

    fn expression(&mut self, e: &Expr) -> Done {
        let called = (self.test_call(e).or_else(|| self.procedure_call(e)))
            .or_else(|| self.undefined_call(e));
        if let Some(done) = called {
            return done;
        }
        if is_skip_request(e) {
            if self.phase != Phase::PreRequest || !self.unconditional() {
                return Done::Kept(KEPT_FLOW);
            }
            self.out.skip = Some(super::vars::literal(SKIPPED_BY_SCRIPT));
            return Done::Converted;
        }
        if let Some(body) = timeout_body(e) {
            // Newman waits for a script's timers before it ends: the callback's checks and
            // set()s happen, only later.
            return match self.statements(body) {
                true => Done::Converted,
                false => Done::Kept(KEPT_AROUND),
            };
        }
        if let Some(done) = self.xml_parsed(e) {
            return done;
        }
        if let Some(done) = self.set_statement(e) {
            return done;
        }
        if let Some(followed) = self.date_moved(e) {
            return match followed {
                true => Done::Converted,
                false => Done::Kept(KEPT_COMPUTED),
            };
        }
        if let Some(done) = self.query_each(e).or_else(|| self.for_each(e)) {
            return done;
        }
        // `pm.expect(items.every(i => i.qty > 0)).to.be.true`: what
        // `items.forEach(i => pm.expect(i.qty > 0).to.be.ok)` checks (`every` asks for a
        // truthy value, not `true`).
        if let Some((list, item, cond)) = chain::every_asserted(e) {
            let assert = ["to", "be", "ok"].iter().fold(
                Expr::Call(Box::new(pm_expect()), vec![cond.clone()]),
                |at, w| Expr::Member(Box::new(at), w.to_string()),
            );
            let line = self.at_line;
            let each = Expr::Call(
                Box::new(Expr::Member(Box::new(list.clone()), "forEach".into())),
                vec![Expr::Func(
                    vec![item.to_string()],
                    vec![Stmt {
                        kind: StmtKind::Expr(assert),
                        first: line,
                        last: line,
                    }],
                )],
            );
            if let Some(done) = self.for_each(&each) {
                return done;
            }
        }
        let added =
            (self.header_added(e).or_else(|| self.query_added(e))).or_else(|| self.unset(e));
        if let Some(done) = added {
            return done;
        }
        if is_console(e) {
            return Done::Kept(KEPT_CONSOLE);
        }
        if is_pending_test(e) {
            return Done::Converted;
        }
        if is_next_request(e) {
            return Done::Kept(KEPT_NEXT);
        }
        if let Some(done) = self.send_request(e) {
            return done;
        }
        if let Expr::Str(_) = e {
            // "use strict";
            return Done::Converted;
        }
        if let Some(done) = self.assertion_statement(e) {
            return done;
        }
        Done::Kept(KEPT_OTHER)
    }

    /// `pm.test("name", function () { ... })`: its body's statements, each converted or kept.
    fn test_call(&mut self, e: &Expr) -> Option<Done> {
        if matches!(e, Expr::Call(callee, _) if path(callee).as_deref() == Some("pm.test.skip")) {
            return Some(Done::Kept(KEPT_SKIPPED_TEST));
        }
        if test_of_nothing(e) {
            return Some(Done::Converted);
        }
        let body = test_body(e)?;
        let before = (self.out.assertions, self.out.assertions_seen);
        let done = self.test_statements(body);
        // One check of it left unconverted is enough: the others passing does not say it
        // would (`expect(code).to.eql(200); expect(_.isEqual(a, b)).to.be.true`).
        let none_converted = self.out.assertions - before.0 < self.out.assertions_seen - before.1;
        // A test that stores a value and checks what it stored checks bookkeeping, which holds
        // by construction: no reason to fail the request for it.
        let stores =
            body.iter().any(|s| self.lines_with(s, SET_CALLS) > 0) || self.reads_own_set(body);
        // A test of the variables only (`pm.expect(token.length).to.be.above(10)` of a
        // token the environment gives) fails in Postman as one of the response does.
        let of_variables = body.iter().any(|s| self.lines_with(s, VARIABLE_READS) > 0);
        // `if (token) { set("t", token) } else { throw new Error("no token") }`: the throw is
        // the test's check, whatever it stores.
        let throws = matches!(done, Done::Kept(_))
            && self.out.assertions == before.0
            && self
                .text_of(body)
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "throw");
        // Inside a `try` too: a `pm.test` reports its own failure, whatever the `catch` does.
        // A check of something else (`pm.info.requestName`, `pm.expect.fail("TODO")`, a
        // constant, the request it sent: `pm.expect(pm.request.method).to.eql("POST")` of a
        // GET fails) is Postman's to decide as much as one of the response.
        let decided = self.reads_response(body) || of_variables;
        if (none_converted && !stores) || (throws && decided) {
            let name = match e {
                Expr::Call(_, args) => match args.first() {
                    Some(Expr::Str(n)) => n.clone(),
                    _ => "(unnamed)".into(),
                },
                _ => "(unnamed)".into(),
            };
            self.out.unchecked.push(name);
        }
        Some(done)
    }

    /// Whether a test's text reads the response (not the request it sent, `requestBody`),
    /// itself or through a local the script made of it (`const token = pm.response.text()`).
    fn reads_response(&self, body: &[Stmt]) -> bool {
        let reads = |text: &str| {
            let text = text.to_ascii_lowercase();
            ["response", "jsondata", "cheerio", "$(", "xml2json"]
                .iter()
                .any(|w| text.contains(w))
        };
        let text = self.text_of(body);
        reads(&text)
            || self
                .locals_made(|value| reads(value))
                .any(|l| mentions(&text, &l))
    }

    /// Whether a test reads a variable the script itself set before, through a local
    /// (`set("token", d.token); var token = get("token"); pm.expect(d.token).to.eql(token)`):
    /// it checks the script's own bookkeeping, which holds by construction.
    fn reads_own_set(&self, body: &[Stmt]) -> bool {
        let text = self.text_of(body);
        static GETTER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let getter = GETTER.get_or_init(|| {
            regex::Regex::new(
                r#"^pm\.(?:environment|collectionVariables|globals|variables)\.get\(\s*["'`]([^"'`]+)["'`]\s*\)"#,
            )
            .expect("a valid pattern")
        });
        let own = |value: &str| {
            getter
                .captures(value.trim())
                .is_some_and(|c| self.out.set_names.contains(&super::vars::ident(&c[1])))
        };
        // `pm.expect(pm.environment.get("ticketId")).to.eql(jsonData.id)` after the set: the
        // getter read in the test itself.
        static READ: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let read = READ.get_or_init(|| {
            regex::Regex::new(
                r#"pm\.(?:environment|collectionVariables|globals|variables)\.get\(\s*["'`]([^"'`]+)["'`]\s*\)"#,
            )
            .expect("a valid pattern")
        });
        // Only a comparison holds by construction (a type or length check says something).
        let compares = [".eql(", ".equal(", ".eq(", ".equals("]
            .iter()
            .any(|w| text.contains(w));
        let direct = compares
            && (read.captures_iter(&text))
                .any(|c| self.out.set_names.contains(&super::vars::ident(&c[1])));
        direct || self.locals_made(own).any(|l| mentions(&text, &l))
    }

    /// The lines of a block of statements, as one text.
    fn text_of(&self, body: &[Stmt]) -> String {
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            return String::new();
        };
        self.lines
            .get(first.first.saturating_sub(1)..last.last.min(self.lines.len()))
            .unwrap_or_default()
            .join("\n")
    }

    /// Locals the script declares (`var|let|const name = value`) whose value's text is as
    /// `made` asks.
    fn locals_made<'a>(
        &'a self,
        made: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = String> + 'a {
        let locals = self.declared_locals.get_or_init(|| {
            static DECL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            let decl = DECL.get_or_init(|| {
                regex::Regex::new(r"^\s*(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(.+)$")
                    .expect("a valid pattern")
            });
            let found = self.lines.iter().filter_map(|line| decl.captures(line));
            found
                .map(|c| (c[1].to_string(), c[2].to_string()))
                .collect()
        });
        locals
            .iter()
            .filter(move |(_, value)| made(value))
            .map(|(name, _)| name.clone())
    }

    /// A test's body: each statement converted or kept.
    fn test_statements(&mut self, body: &[Stmt]) -> Done {
        let outer = std::mem::replace(&mut self.swallowed, false);
        let (checked, gate) = checks_before_sets(body);
        // `pm.response.to.have.status(201)` first: a set() after it happens only on a 201 —
        // `when:` says so — and then sets what it finds, unless a later check stops it.
        let when = self.status_gate(body, gate);
        let gate = match (&when, gate) {
            (Some(_), Some(g)) => body
                .iter()
                .filter(|s| s.first > g)
                .find(|s| can_stop(s))
                .map(|s| s.first),
            (_, g) => g,
        };
        let captured_before = self.out.capture.entries();
        let outer_when = std::mem::replace(&mut self.when, when.clone());
        let outer_checked = std::mem::replace(&mut self.checked, checked);
        // A failing check at the top of the script before this test ends the script first.
        let gate = self.gate_at.or(gate);
        let outer_gate = std::mem::replace(&mut self.gate_at, gate);
        let outer_test = self.test_depth.replace(self.depth + 1);
        let mut all = self.statements(body);
        self.test_depth = outer_test;
        self.when = outer_when;
        if let Some(when) = &when {
            self.conditional_captures(&captured_before, when);
        }
        if !all && let (Some(first), Some(last)) = (body.first(), body.last()) {
            // A local kept at first and used by a set() after it is converted with it.
            all = !(first.first..=last.last).any(|l| self.reasons.contains_key(&l));
        }
        self.gate_at = outer_gate;
        self.checked = outer_checked;
        self.swallowed = outer;
        match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        }
    }

    /// The status a test checks first (its gate), as a `when:`, when no set() comes before it:
    /// every set() of the test then happens only with that status.
    /// What a statement left as it was leaves for those after it: a local bound to a value
    /// read later, or names it may have changed forgotten.
    fn after_kept(&mut self, s: &Stmt, done: Done) -> Done {
        let done = match done {
            Done::Kept(KEPT_COMPUTED) if self.made_up_once(s) => Done::Converted,
            Done::Kept(KEPT_COMPUTED) => {
                self.remember_computed(s);
                done
            }
            _ => done,
        };
        if let Done::Kept(_) = done
            && matches!(
                s.kind,
                StmtKind::Other | StmtKind::For(_) | StmtKind::If(..) | StmtKind::Try(..)
            )
        {
            self.forget_reassigned(s);
        }
        done
    }

    /// A failing check at the top of a test script ends the script: a set() after it happens
    /// only when it passed. A status check first is the `when:` of the captures it returns.
    fn top_gate(&mut self, top: &[Stmt]) -> Option<Y> {
        let (checked, gate) = checks_before_sets(top);
        let when = self.status_gate(top, gate);
        self.checked = checked;
        self.gate_at = match (&when, gate) {
            (Some(_), Some(g)) => top.iter().filter(|s| s.first > g).find(|s| can_stop(s)),
            (_, g) => top.iter().find(|s| Some(s.first) == g),
        }
        .map(|s| s.first);
        when
    }

    fn status_gate(&mut self, body: &[Stmt], gate: Option<usize>) -> Option<Y> {
        let at = body.iter().position(|s| Some(s.first) == gate)?;
        if body[..at].iter().any(|s| self.lines_with(s, SET_CALLS) > 0) {
            return None;
        }
        let StmtKind::Expr(check) = &body[at].kind else {
            return None;
        };
        self.status_checks(|c, out| chain::assertion(c, check, out))
    }

    /// `pm.environment.set("key", value)` and its kin, with the locals the value reads.
    fn set_statement(&mut self, e: &Expr) -> Option<Done> {
        let (key, written) = set_call(e)?;
        let (value, mut used) = self.inline(written, 0);
        let done = self.set(key, &value, set_scope(e));
        if let (Done::Converted, Expr::Ident(local), Expr::Str(k)) =
            (&done, unwrap_conversion(written), key)
            && self.phase == Phase::PreRequest
            && (self.out.sets.get(&crate::import::vars::ident(k))).is_some_and(made_up)
        {
            // `const verifier = CryptoJS.lib.WordArray.random(32)...; set("v", verifier)`:
            // what reads the local after is the value just set, as for a local of its own.
            self.aliases
                .insert(local.clone(), Some(Subject::Value(var_ref(k))));
        }
        if let Done::Converted = done {
            // The objects the value was built from (`Object.keys(picked).map(...)`).
            used.extend(
                self.objects
                    .keys()
                    .filter(|o| reads_name(&value, o))
                    .cloned(),
            );
            for name in used {
                self.computed_used(&name);
            }
        }
        Some(done)
    }

    /// A local a conversion read (`const options = {...}` a sent request was made of): its
    /// lines are part of that conversion now.
    /// `validateBasicResponse(200)` in a test script that defines no such function: a
    /// library another script `eval`s (whose checks yarc cannot see), or nothing — a
    /// ReferenceError that fails the request in Newman. Either way the request fails here
    /// (`fail:`), never passes unchecked.
    fn undefined_call(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, _) = e else {
            return None;
        };
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let defined = regex::Regex::new(&format!(
            r"\bfunction\s+{0}\b|\b(?:var|let|const)\s+{0}\b|\b{0}\s*=[^=]",
            regex::escape(f)
        ))
        .is_ok_and(|re| self.lines.iter().any(|l| re.is_match(l)));
        if self.phase == Phase::PreRequest || defined || sandbox::GLOBALS.contains(&f.as_str()) {
            return None;
        }
        // Named, not quoted: its arguments may hold a credential the import takes out.
        self.out.unchecked.push(format!("the checks in `{f}(...)`"));
        Some(Done::Kept(KEPT_UNDEFINED_CALL))
    }

    /// `const getTokens = pm.require('get_tokens')`: a package of the team's package library,
    /// whose code the export does not hold (Newman has no `pm.require` and fails the script).
    /// What it checks or sets is unknown: the request must not pass unchecked.
    fn package(&mut self, s: &Stmt) -> Option<Done> {
        static REQUIRE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = REQUIRE.get_or_init(|| {
            regex::Regex::new(r#"\bpm\.require\(\s*(["'`][^"'`]*["'`])"#).expect("a valid pattern")
        });
        // Looked for in each statement only in a script that has one: statements nest, and a
        // hostile script's thousands would each be read again.
        let any = *self
            .requires_package
            .get_or_init(|| self.lines.iter().any(|l| l.contains("pm.require(")));
        if !any {
            return None;
        }
        let text = self.text_of(std::slice::from_ref(s));
        let named = re.captures(&text)?;
        let head = format!("the checks in `pm.require({})`", &named[1]);
        if !self.out.unchecked.contains(&head) {
            self.out.unchecked.push(head);
        }
        self.out.assertions_seen += self.assertion_lines(s);
        self.out.sets_seen += self.lines_with(s, SET_CALLS);
        Some(Done::Kept(KEPT_PACKAGE))
    }

    /// `["token", "code"].forEach(k => pm.environment.unset(k))`: each in turn.
    fn literal_each(&mut self, s: &Stmt) -> Option<Done> {
        let each = each_of_literals(s, &self.lists)?;
        Some(match self.statements_here(&each) {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `const ct = pm.response.headers.get("Content-Type") || ""` (or `pm.response.text()
    /// .toLowerCase()`), read by a check that converted (`if (ct.includes("json")) {...}`):
    /// the check holds it.
    fn fallbacks_used(&mut self, s: &Stmt) {
        let text = (self
            .lines
            .get(s.first.saturating_sub(1)..s.last.min(self.lines.len())))
        .unwrap_or_default()
        .join("\n");
        let read_through = |e: &Expr| match e {
            Expr::Binary("||", _, b) => **b == Expr::Str(String::new()),
            e => in_one_case(e),
        };
        let used: Vec<String> = (self.computed.iter())
            .filter(|(name, (e, ..))| read_through(e) && mentions(&text, name))
            .map(|(name, _)| name.clone())
            .collect();
        for name in used {
            self.computed_used(&name);
        }
    }

    /// Where the statement being read is: its first line, and its text when it chains
    /// optionally.
    fn now_at(&mut self, s: &Stmt) {
        self.at_line = s.first;
        let text = self.text_of(std::slice::from_ref(s));
        self.at_optional = if text.contains("?.") {
            text
        } else {
            String::new()
        };
    }

    /// Whether the statement being read reads the member of `path` with optional chaining
    /// (`data?.token` of `$.data`): `undefined` where it is missing, no throw.
    fn chained_optionally(&self, path: &str) -> bool {
        !self.at_optional.is_empty() && read_optionally(&self.at_optional, path)
    }

    fn computed_used(&mut self, name: &str) {
        if let Some((_, first, last)) = self.computed.get(name) {
            for l in *first..=*last {
                self.reasons.remove(&l);
                self.converted.insert(l);
            }
        }
    }

    /// Whether a set() of the JSON at `p` leaves the variable as it was when `p` is missing,
    /// rather than storing `undefined`.
    /// The member whose absence (or `null`) makes reading `p` throw, when nothing found it
    /// present and no guard holds it: `$.data` of `$.data._id` (not of `data?._id`, which is
    /// `undefined` then).
    fn throwing_parent(&self, p: &str) -> Option<String> {
        let up = parent_path(p).filter(|up| *up != "$" && !self.is_present(up))?;
        if self.chained_optionally(up) {
            return None;
        }
        let plain = !up.contains('*') && !up.contains('?');
        (plain && !self.under_guard(p)).then(|| up.to_string())
    }

    /// `if (res.data && res.data.tokens) { set("token", res.data.tokens.access) }`: a value
    /// under what the guard found is set only when the guard holds.
    fn under_guard(&self, p: &str) -> bool {
        self.held
            .iter()
            .any(|g| g != "$" && (g == p || is_under(p, g)))
    }

    /// The capture of `p` when its parent must be there (not `null`) for the set to run:
    /// `missing` when it lacks `p` itself.
    fn parent_capture(&self, p: &str, missing: &str) -> Option<Y> {
        let up = self.throwing_parent(p)?;
        let when = Y::Map(vec![("json".into(), Y::Map(vec![(up, there_not_null())]))]);
        Some(Y::Map(vec![
            ("json".into(), Y::str(p)),
            ("default".into(), Y::str(missing)),
            ("when".into(), when),
        ]))
    }

    fn unset_when_missing(&self, p: &str) -> bool {
        // `set("id", data.items[0].id)` when `data.items` is not there throws before the set.
        // Only a missing last step gives `undefined`.
        let throws = parent_path(p)
            .is_some_and(|up| up != "$" && !self.is_present(up) && !self.chained_optionally(up));
        throws || self.under_guard(p)
    }

    /// `pm.sendRequest(...)`: an OAuth2 token request, a request of its own, or kept.
    fn send_request(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        if path(callee).as_deref() != Some("pm.sendRequest") {
            return None;
        }
        if self.out.oauth2.is_none()
            && let Some(found) = self.token_request(args)
        {
            self.out.sets_seen += 1;
            self.out.variables_set += 1;
            self.out.oauth2 = Some(found);
            return Some(Done::Converted);
        }
        if self.phase != Phase::ScopeTest
            && let Some(mut sent) = self.script_request(args)
        {
            if let Some(skip) = &self.return_guard {
                sent.request.set("skip", Y::str(skip));
            }
            let every_time = self.unconditional() || self.return_guard.is_some();
            self.out.requests.push(sent.request);
            // What its callback sends once it is answered, after it.
            self.out.requests.extend(sent.then);
            let added = self.out.requests.len() - self.out.every_time.len();
            self.out
                .every_time
                .extend(std::iter::repeat_n(every_time, added));
            if let Some(Expr::Ident(options)) = args.first() {
                self.computed_used(options);
            }
            return Some(match sent.whole {
                true => Done::Converted,
                false => Done::Kept(KEPT_SEND_PART),
            });
        }
        Some(Done::Kept(KEPT_SEND))
    }

    /// `if (pm.response.to.have.status(200)) { ... }`: an assertion throws when it fails, so
    /// the block runs exactly when it holds. True when the assertion is written as a check;
    /// the block is then converted as if unconditional.
    /// `if (pm.response.code === 200) { ...checks } else { pm.test("x", () =>
    /// pm.expect.fail()) }`: an `else` that only fails makes the condition a check of its own
    /// (the request fails in Postman whatever the checks say), then what it guards is
    /// converted as it stands.
    fn failing_else(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        if self.phase == Phase::PreRequest || self.swallowed || !fails_always(otherwise) {
            return None;
        }
        if !self.written_check(|c, out| chain::boolean(c, cond, false, out)) {
            return None;
        }
        // What passes whatever happens (`tests["ok"] = true`) needs no check of its own.
        let rest: Vec<Stmt> = then.iter().filter(|s| !passes_always(s)).cloned().collect();
        Some(match self.statements(&rest) {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// The block of an assertion used as a condition: it runs when the assertion holds, so
    /// what it captures is taken only then (`when:` of a status assertion) — when it fails,
    /// Postman sets nothing.
    fn asserted_block(&mut self, cond: &Expr, then: &[Stmt]) -> Done {
        let when = self.status_checks(|c, out| chain::assertion(c, cond, out));
        let before = self.out.capture.entries();
        let outer = std::mem::replace(&mut self.when, when.clone());
        let all = self.statements(then);
        self.when = outer;
        if let Some(when) = when {
            self.conditional_captures(&before, &when);
        }
        match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        }
    }

    /// `if (!xff) { xff = pm.variables.replaceIn("{{$randomIP}}") }` of a local the script
    /// made: `xff = xff || ...`, its value when it has one, the new one when not.
    fn local_default(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let Expr::Unary("!", x) = cond else {
            return None;
        };
        let Expr::Ident(name) = &**x else {
            return None;
        };
        let mut work = then.iter().filter(|s| !is_console_stmt(s));
        let (Some(one), None) = (work.next(), work.next()) else {
            return None;
        };
        let StmtKind::Assign(Expr::Ident(target), value) = &one.kind else {
            return None;
        };
        if target != name || !otherwise.is_empty() || !self.aliases.contains_key(name) {
            return None;
        }
        let either = Expr::Binary(
            "||",
            Box::new(Expr::Ident(name.clone())),
            Box::new(value.clone()),
        );
        Some(self.declare(name, &either))
    }

    /// `if (pm.response.code !== 200) { postman.setNextRequest(null); }` in a test script:
    /// noted with its condition (postman.rs skips the requests after it when it holds and the
    /// jump ends Newman's run); the lines stay as written.
    fn run_end(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        if self.phase != Phase::Test || !otherwise.is_empty() || !self.unconditional() {
            return None;
        }
        let mut target = None;
        let mut jumps = 0;
        for s in then {
            match &s.kind {
                StmtKind::Expr(Expr::Call(callee, args))
                    if is_next_request(&Expr::Call(callee.clone(), args.clone())) =>
                {
                    target = match args.as_slice() {
                        [Expr::Null] => None,
                        // Its own name: sent again, not the run ended.
                        [name] if self.is_this_request(name) => return None,
                        [Expr::Str(name)] => Some(name.clone()),
                        _ => return None,
                    };
                    jumps += 1;
                }
                StmtKind::Return(None) => {}
                _ if says_only(s) => {}
                _ => return None,
            }
        }
        if jumps != 1 {
            return None;
        }
        let status = Expr::Jinja(STATUS_HERE.into());
        let mut c = cond.clone();
        for (root, field) in [("pm", "response"), ("responseCode", "")] {
            let at = match field {
                "" => Expr::Ident(root.into()),
                f => Expr::Member(Box::new(Expr::Ident(root.into())), f.into()),
            };
            c = c.replaced(&Expr::Member(Box::new(at), "code".into()), &status);
        }
        let test = self.condition_jinja(&c)?;
        self.out.run_ends.push((test, target));
        Some(Done::Kept(KEPT_NEXT))
    }

    /// `if (pm.response.to.have.status(201)) { ... } else { ... }`: the assertion throws when it
    /// fails and is truthy when it holds, so it is a check, its block always runs after it and
    /// the `else` never does.
    fn asserting_if(&mut self, cond: &Expr, then: &[Stmt]) -> bool {
        if self.phase == Phase::PreRequest
            || self.swallowed
            || then.is_empty()
            || !chain::is_assertion(cond)
        {
            return false;
        }
        self.written_check(|c, out| chain::assertion(c, cond, out))
    }

    /// `pm.environment.unset("x")`, `pm.collectionVariables.clear()`: converted when they
    /// always run (postman.rs gives the variables the text Newman sends from then on).
    fn unset(&mut self, e: &Expr) -> Option<Done> {
        if unset_call(e) {
            if let Expr::Call(_, args) = e
                && let [Expr::Str(name)] = args.as_slice()
            {
                if self.poll_counter.as_ref() == Some(name) {
                    return Some(Done::Converted);
                }
                if self.unconditional() {
                    let scope = unset_scope(e);
                    self.out.unset.push((super::vars::ident(name), scope));
                    return Some(Done::Converted);
                }
                if self.unset_when(name) {
                    return Some(Done::Converted);
                }
            }
            return Some(Done::Kept(KEPT_UNSET));
        }
        let scope = cleared_scope(e)?;
        if !self.unconditional() {
            return Some(Done::Kept(KEPT_UNSET));
        }
        self.out.cleared.push(scope);
        Some(Done::Converted)
    }

    /// `if (pm.response.code === 200) { pm.environment.unset("token") }` in a test script: a
    /// capture of the `{{token}}` text Newman sends from then on, taken when the case's
    /// `when:` holds (a logout that worked).
    fn unset_when(&mut self, name: &str) -> bool {
        let alone = self.unguarded() && self.depth <= 2;
        // A request has one capture of a name: `if (ok) { set("token", ...) } else {
        // unset("token") }` keeps the set's, and the unset stays a comment.
        let set_too = self.set_here().contains(name);
        if self.phase != Phase::Test || self.when.is_none() || !alone || set_too {
            return false;
        }
        let text = Y::str(format!("{{{{{name}}}}}"));
        let capture = Y::Map(vec![("value".into(), text)]);
        self.out.capture.set(super::vars::ident(name), capture);
        true
    }

    /// The names a `set()` of this script's lines names as a literal.
    fn set_here(&self) -> &BTreeSet<String> {
        self.set_here
            .get_or_init(|| names_set_in(self.lines.iter().map(String::as_str)).collect())
    }

    /// Counts `n` statements about to be read again; false (and nothing counted) past the
    /// script's allowance, where the loop or call stays as written.
    fn expand(&mut self, n: usize) -> bool {
        const EXPANDED_MAX: usize = 4096;
        if self.expanded + n > EXPANDED_MAX {
            return false;
        }
        self.expanded += n;
        true
    }

    /// Whether the statement being converted runs whenever the script does: under no guard,
    /// no condition and no check that may have failed before it.
    /// `below(data.max)`, `responseTime < max`: a limit read from one variable, which yarc
    /// renders when it checks. JavaScript's `<` reads a text as a number (`coerced`); chai's
    /// `below` throws on one, so a variable the export gives a text stays for a human. So
    /// does one a script sets: yarc sets it before the request, where Postman may read
    /// `data.max` (the data file's alone) before the script sets `max`.
    pub(super) fn number_variable(&self, v: &Y, coerced: bool) -> bool {
        let Y::Str(t) = v else {
            return false;
        };
        // `pm.environment.get("max_ms") || 5000`: the variable, or that number when it is not
        // set (its text would make chai refuse the limit either way).
        let fallback = || {
            let inner = t.strip_prefix("{{ (")?.strip_suffix(") }}")?;
            let (name, n) = inner.split_once(" or ")?;
            n.parse::<f64>().ok()?;
            var_name(&format!("{{{{ {name} }}}}"))
        };
        // `parseInt(pm.environment.get("max_ms"))`, `Number(...)`: its text read as a number.
        let parsed = || {
            let inner = t.strip_prefix("{{ (")?.strip_suffix(") }}")?;
            let name = [" | int", " | float", " | number"]
                .iter()
                .find_map(|f| inner.strip_suffix(f))?;
            var_name(&format!("{{{{ {name} }}}}"))
        };
        if let Some(n) = parsed() {
            return !self.known_sets.contains(&n);
        }
        var_name(t).or_else(fallback).is_some_and(|n| {
            !self.known_sets.contains(&n) && (coerced || !self.known_texts.contains(&n))
        })
    }

    /// A template of one variable the export gives a text and no script sets: a text in
    /// Postman whatever it holds (`"42"`).
    pub(super) fn text_variable(&self, v: &Y) -> bool {
        let Y::Str(t) = v else {
            return false;
        };
        var_name(t).is_some_and(|n| self.known_texts.contains(&n) && !self.known_sets.contains(&n))
    }

    fn unconditional(&self) -> bool {
        self.unguarded() && self.when.is_none() && self.depth <= 1
    }

    /// Under no guard on the response, gate or swallowing `catch` (a case's `when:` aside).
    pub(super) fn unguarded(&self) -> bool {
        !self.guarded_set && self.held.is_empty() && self.gate_at.is_none() && !self.swallowed
    }

    /// Whether what a statement reads deeper in the body is checked to be there: for what runs
    /// whatever the response (not in a pre-request script, under a swallowing `catch` or a
    /// guard, not per item).
    pub(super) fn reads_checked(&self) -> bool {
        self.phase != Phase::PreRequest
            && !self.swallowed
            && self.each_base.is_none()
            && self.held.is_empty()
    }

    /// Stages a check with `read`, writes it when it can be said, and counts it: whether it
    /// was written.
    fn written_check(&mut self, read: impl FnOnce(&Self, &mut Staged) -> bool) -> bool {
        let mut staged = Staged::default();
        if !(read(self, &mut staged) && self.commit(staged)) {
            return false;
        }
        self.out.assertions_seen += 1;
        self.out.assertions += 1;
        true
    }

    /// `pm.expect(() => { json = pm.response.json(); }).to.not.throw()`: the body is JSON, and
    /// `json` reads it from then on.
    fn parsed_without_throw(&mut self, e: &Expr) -> Option<Done> {
        let (name, value) = chain::assigned_without_throw(e)?;
        if self.phase == Phase::PreRequest || self.swallowed {
            return None;
        }
        let Some(body @ Subject::Json(_)) = self.subject(value) else {
            return None;
        };
        self.forget(name);
        self.aliases.insert(name.to_string(), Some(body.clone()));
        self.out.assertions_seen += 1;
        self.out.assertions += 1;
        self.put(body, "exists", Y::Bool(true), false);
        Some(Done::Converted)
    }

    /// `moment(data.checkin).format("YYYY-MM-DD")`: the day of a date the response holds.
    fn day_of(&self, e: &Expr) -> Option<Subject> {
        let Expr::Call(c, args) = e else {
            return None;
        };
        let (Expr::Member(date, how), [Expr::Str(format)]) = (&**c, args.as_slice()) else {
            return None;
        };
        let Expr::Call(m, of) = &**date else {
            return None;
        };
        if how != "format" || format != "YYYY-MM-DD" || path(m).as_deref() != Some("moment") {
            return None;
        }
        match self.subject(of.first()?)? {
            Subject::Json(p) if of.len() == 1 => Some(Subject::Day(p)),
            _ => None,
        }
    }

    /// [`filter_with`] where the other side may be a value of the body (`$[0].by`) or a
    /// variable, rendered when the check is made (`{{ id | tojson }}`: a number stays a number,
    /// a text is quoted).
    pub(super) fn filter_of(&self, item: &str, test: &Expr) -> Option<String> {
        let other = |e: &Expr| match self.subject(e)? {
            Subject::Json(p) if !p.contains('*') && !p.contains('?') => Some(p),
            Subject::Value(Y::Str(t)) => var_name(&t).map(|n| format!("{{{{ {n} | tojson }}}}")),
            _ => None,
        };
        filter_with(item, test, &other)
    }

    /// A set() of `location.split("/").pop()` of a header: a capture of its last segment.
    fn header_segment(&mut self, name: &str, value: &Expr, guarded: bool) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let header = self.last_segment_of_header(value)?;
        Some(self.header_capture(name, header, "([^/]*)$".into(), guarded))
    }

    /// A capture of what `regex` takes from a header. `undefined.split("/")`, `url.parse(
    /// undefined)` throw: without the header nothing is set, and the script's error fails the
    /// request in Newman, as the check that it is there does here.
    fn header_capture(&mut self, name: &str, header: String, regex: String, guarded: bool) -> Done {
        if !guarded && self.when.is_none() {
            self.put(
                Subject::Header(header.clone()),
                "exists",
                Y::Bool(true),
                false,
            );
        }
        let capture = Y::Map(vec![
            ("header".into(), Y::str(header)),
            ("regex".into(), Y::str(regex)),
            ("optional".into(), Y::Bool(true)),
        ]);
        self.out.capture.set(name, capture);
        self.out.captures += 1;
        Done::Converted
    }

    /// A set() of a query parameter of a header's URL (`new URL(location).searchParams.get(
    /// "code")`, `querystring.parse(url.parse(location).query).code`): a capture of it by
    /// regular expression, as the header holds it (percent-encoding kept).
    fn header_query(&mut self, name: &str, value: &Expr, guarded: bool) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let (header, key) = self.query_of_header(value)?;
        let regex = format!("[?&]{}=([^&#]*)", regex::escape(&key));
        Some(self.header_capture(name, header, regex, guarded))
    }

    /// The header whose URL an expression reads a query parameter of, and the parameter.
    fn query_of_header(&self, e: &Expr) -> Option<(String, String)> {
        let (params, key) = match self.resolved(e) {
            Expr::Call(get, args) => match (&**get, args.as_slice()) {
                (Expr::Member(sp, m), [Expr::Str(k)]) if m == "get" => (self.resolved(sp), k),
                _ => return None,
            },
            Expr::Member(q, k) => (self.resolved(q), k),
            Expr::Index(q, k) => match &**k {
                Expr::Str(k) => (self.resolved(q), k),
                _ => return None,
            },
            _ => return None,
        };
        // `url.parse(x)`, `urlModule.parse(x, true)`: the URL parsed, and whether its query is
        // parsed too.
        let parsed = |e: &Expr| match self.resolved(e) {
            Expr::Call(c, args) => match (&**c, args.first()) {
                (Expr::Member(m, f), Some(x))
                    if f == "parse" && path(m).as_deref() != Some("JSON") =>
                {
                    Some((x.clone(), args.get(1) == Some(&Expr::Bool(true))))
                }
                _ => None,
            },
            _ => None,
        };
        let url = match params {
            Expr::Member(u, m) if m == "searchParams" => match self.resolved(u) {
                Expr::Call(c, a)
                    if matches!(&**c, Expr::Ident(n) if n == "URL") && a.len() == 1 =>
                {
                    a[0].clone()
                }
                _ => return None,
            },
            Expr::Member(u, m) if m == "query" => match parsed(u)? {
                (x, true) => x,
                _ => return None,
            },
            // `querystring.parse(parsed.query)`
            query @ Expr::Call(..) => match parsed(query)? {
                (Expr::Member(u, m), _) if m == "query" => parsed(&u)?.0,
                _ => return None,
            },
            _ => return None,
        };
        match self.subject(self.resolved(&url))? {
            Subject::Header(h) => Some((h, key.clone())),
            _ => None,
        }
    }

    /// The expression behind locals and a `new` (`const u = new URL(x)`: `URL(x)`).
    fn resolved<'e>(&'e self, e: &'e Expr) -> &'e Expr {
        let mut e = e;
        for _ in 0..4 {
            let next = match e {
                Expr::Unary("new", x) => x,
                Expr::Ident(_) => self.through_local(e),
                _ => return e,
            };
            if std::ptr::eq(next, e) {
                return e;
            }
            e = next;
        }
        e
    }

    /// The expression, or (a name of a local the script computed) the value it was given.
    fn through_local<'e>(&'e self, e: &'e Expr) -> &'e Expr {
        match e {
            Expr::Ident(n) => self.computed.get(n).map_or(e, |(v, ..)| v),
            other => other,
        }
    }

    /// `pm.response.headers.get("Location").split("/").pop()` (also through a local, or
    /// `.at(-1)`): the header whose last segment it is.
    fn last_segment_of_header(&self, e: &Expr) -> Option<String> {
        let e = self.through_local(e);
        let Expr::Call(last, args) = e else {
            return None;
        };
        let Expr::Member(split, how) = &**last else {
            return None;
        };
        // `h.substring(h.lastIndexOf("/") + 1)`: what follows the last slash.
        if let ("substring" | "slice" | "substr", [Expr::Binary("+", at, one)]) =
            (how.as_str(), args.as_slice())
            && **one == Expr::Num(1.0)
            && let Expr::Call(c, a) = &**at
            && let (Expr::Member(of, m), [Expr::Str(slash)]) = (&**c, a.as_slice())
            && m == "lastIndexOf"
            && slash == "/"
            && **of == **split
        {
            let of = self.through_local(of);
            return match self.subject(of)? {
                Subject::Header(h) => Some(h),
                _ => None,
            };
        }
        let at_end = (how == "pop" && args.is_empty()) || (how == "at" && is_minus_one(args));
        let Expr::Call(callee, sep) = &**split else {
            return None;
        };
        let (Expr::Member(of, m), [Expr::Str(slash)]) = (&**callee, sep.as_slice()) else {
            return None;
        };
        if !at_end || m != "split" || slash != "/" {
            return None;
        }
        match self.subject(of)? {
            Subject::Header(h) => Some(h),
            _ => None,
        }
    }

    /// What was known of a local, before it is bound again.
    fn forget(&mut self, name: &str) {
        self.forget_made(name);
        self.bindings.remove(name);
        self.aliases.insert(name.to_string(), None);
    }

    /// What a local was made of (a flag, a schema, a date, a computed value, the request's
    /// body); its alias and binding stay, for its new value to read.
    fn forget_made(&mut self, name: &str) {
        self.flags.remove(name);
        self.compiled.remove(name);
        self.dates.remove(name);
        self.formatted.remove(name);
        self.computed.remove(name);
        self.request_json.remove(name);
        self.parsed_vars.remove(name);
    }

    /// `pm.expect(...)...` and `pm.response.to...` outside a pre-request script.
    fn assertion_statement(&mut self, e: &Expr) -> Option<Done> {
        if let Some(done) = self.parsed_without_throw(e) {
            return Some(done);
        }
        // `pm.expect.fail("TODO: write this check")`: a check that always fails, Postman's.
        if let Expr::Call(callee, _) = e
            && path(callee).as_deref() == Some("pm.expect.fail")
            && self.phase != Phase::PreRequest
        {
            self.out.assertions_seen += 1;
            return Some(Done::Kept(KEPT_ASSERTION));
        }
        // `pm.expect(data.length > 0)` with no assertion after it asserts nothing: it passes,
        // whatever it holds (a forgotten `.to.be.true`).
        if let Expr::Call(callee, args) = e
            && path(callee).as_deref() == Some("pm.expect")
            && args.len() == 1
            && reads_safely(&args[0])
        {
            self.out.assertions_seen += 1;
            self.out.assertions += 1;
            return Some(Done::Converted);
        }
        // `pm.test("json", () => { pm.response.headers.has("application/json") })`: a header
        // asked for and the answer dropped checks nothing (and never throws).
        if let Expr::Call(callee, args) = e
            && let Some("pm.response.headers.has" | "pm.response.headers.get") =
                path(callee).as_deref()
            && let [Expr::Str(_)] = args.as_slice()
        {
            self.out.assertions_seen += 1;
            self.out.assertions += 1;
            return Some(Done::Converted);
        }
        // `pm.expect(data.id).to.be.a.string` reads chai's `string` method, never calls it:
        // nothing is checked (what it reads must not throw: a value of the body's top level).
        if let Some(x) = chain::checks_nothing(e)
            && (reads_safely(x)
                || matches!(self.subject(x), Some(Subject::Json(p)) if top_level(&p))
                || self.checked_before(x))
        {
            self.out.assertions_seen += 1;
            self.out.assertions += 1;
            return Some(Done::Converted);
        }
        if self.phase != Phase::PreRequest
            && (chain::holds_of_any_response(e) || chain::url_holds_its_variable(self, e))
        {
            self.out.assertions_seen += 1;
            self.out.assertions += 1;
            return Some(Done::Converted);
        }
        if self.phase != Phase::PreRequest
            && let Some((class, negate)) = chain::status_class(e)
        {
            self.out.assertions_seen += 1;
            let staged = Staged(vec![(Subject::Status, "equals", class, negate)]);
            if self.commit(staged) {
                self.out.assertions += 1;
                return Some(Done::Converted);
            }
            return Some(Done::Kept(KEPT_ASSERTION));
        }
        if chain::flag_asserted(e).is_some()
            && let Some(done) = self.flag_check(e)
        {
            return Some(done);
        }
        if self.phase != Phase::PreRequest && chain::is_assertion(e) && self.swallowed {
            self.out.assertions_seen += 1;
            let when = self.status_checks(|c, out| chain::assertion(c, e, out));
            return Some(self.swallowed_check(when));
        }
        if self.phase == Phase::PreRequest && chain::is_assertion(e) && !self.swallowed {
            return Some(self.variables_asserted(e));
        }
        if self.phase != Phase::PreRequest && chain::is_assertion(e) {
            self.out.assertions_seen += 1;
            let mut staged = Staged::default();
            if chain::assertion(self, e, &mut staged) && self.commit(staged) {
                self.out.assertions += 1;
                return Some(Done::Converted);
            }
            return Some(Done::Kept(KEPT_ASSERTION));
        }
        None
    }

    /// An assertion in a pre-request script, which can only speak of variables
    /// (`pm.expect(pm.environment.get("apiVersion")).to.exist`): `expect.vars`, as Newman
    /// counts its failure against the request (which it still sends).
    fn variables_asserted(&mut self, e: &Expr) -> Done {
        self.out.assertions_seen += 1;
        let mut staged = Staged::default();
        let of_variables = chain::assertion(self, e, &mut staged)
            && staged
                .0
                .iter()
                .all(|(s, ..)| matches!(s, Subject::Var(_) | Subject::VarSet(_)));
        if of_variables && self.commit(staged) {
            self.out.assertions += 1;
            return Done::Converted;
        }
        Done::Kept(KEPT_ASSERTION)
    }

    /// What a statement reads deeper in the body must be there: `data.items[0].id` throws when
    /// `data.items` is not, `data.list.forEach(...)` when `data.list` is no array — and Newman
    /// fails the request for the script error. So yarc checks it: `exists` (and `type: array`).
    /// Only for what runs whatever the response (not under a swallowing `catch`, not per item).
    /// Returns what it required, for [`Self::throws_at`].
    fn require_reads(&mut self, s: &Stmt) -> Vec<(String, bool)> {
        // Under a guard (`if (data.count) { set("id", data.results[0].id); ... }`) the read
        // happens only when the guard holds: no check of it is made for every response, as
        // for a guarded set alone (whose capture is optional).
        if !self.reads_checked() {
            return Vec::new();
        }
        let mut needs = self.reads_of(s);
        needs.retain(|(p, array)| *array || !self.is_present(p));
        // `data?.electric?.energy_id` reads `energy_id` of `electric` only when it is there.
        let text = self.text_of(std::slice::from_ref(s));
        if text.contains("?.") {
            needs.retain(|(p, _)| !read_optionally(&text, p));
        }
        for (path, array) in &needs {
            if path.starts_with('/') {
                self.put(Subject::Xml(path.clone()), "exists", Y::Bool(true), false);
                continue;
            }
            self.put(Subject::Json(path.clone()), "exists", Y::Bool(true), false);
            if *array {
                self.put(Subject::Json(path.clone()), "type", Y::str("array"), false);
            }
        }
        needs
    }

    /// Paths of the body a statement of the script's own (not under a condition) reads a
    /// member of: without them it throws, and nothing after it runs.
    fn throws_at(&mut self, s: &Stmt, reads: &[(String, bool)]) {
        let simple = matches!(
            s.kind,
            StmtKind::Expr(_) | StmtKind::Let(_) | StmtKind::Assign(..)
        );
        if !simple || !self.throw_ends_script() {
            return;
        }
        for (path, _) in reads {
            let plain = !path.contains(['*', '?']) && path.starts_with('$');
            if path != "$" && plain && !self.is_present(path) && !self.thrown_by.contains(path) {
                self.thrown_by.push(path.clone());
            }
        }
    }

    /// Whether the statement being read runs whenever the script does, in either phase: at
    /// its top, not under a guard, a case, a loop or a `try`.
    fn runs_whatever_happens(&self) -> bool {
        self.depth == 1
            && self.held.is_empty()
            && self.when.is_none()
            && !self.swallowed
            && self.each_base.is_none()
    }

    /// Whether a statement that throws here ends the test script (and its later set()s go
    /// unmade): one at its top, not under a guard, a case, a loop or a swallowing `try`.
    pub(super) fn throw_ends_script(&self) -> bool {
        self.phase == Phase::Test && self.runs_whatever_happens()
    }

    /// Captures the statement just converted wrote after statements that throw when a path
    /// is missing (`thrown`): made only when every such path is there (not `null`), as the
    /// script gets to their set() only then. (What the statement itself reads, its set()
    /// says.)
    fn after_throws(
        &mut self,
        before: &[(String, Y)],
        thrown: &[String],
        unmatched: &[(String, String)],
    ) {
        if thrown.is_empty() && unmatched.is_empty() {
            return;
        }
        for (name, mut capture) in self.changed_captures(before) {
            // A capture of the path itself says what it makes of it missing.
            let own = match capture.get_mut("json") {
                Some(Y::Str(p)) => Some(p.clone()),
                _ => None,
            };
            let mut when = capture
                .get_mut("when")
                .cloned()
                .unwrap_or(Y::Map(Vec::new()));
            if when.get_mut("json").is_none() {
                when.set("json", Y::Map(Vec::new()));
            }
            let paths = when.get_mut("json").expect("set above");
            for p in thrown {
                // `$.a[0]` there says `$.a` is.
                let deeper = thrown.iter().any(|q| is_under(q, p));
                if !deeper && own.as_ref() != Some(p) && paths.get_mut(p).is_none() {
                    paths.set(p, there_not_null());
                }
            }
            // `data.next.match(/page=(\d+)/)[1]` threw unless the field matched.
            for (p, pattern) in unmatched {
                paths.set(p, Y::Map(vec![("matches".into(), Y::str(pattern))]));
            }
            if paths.entries().is_empty() {
                continue;
            }
            capture.set("when", when);
            self.out.capture.set(name, capture);
        }
    }

    /// The captures written (or rewritten) since `before` was taken, each as a mapping
    /// (`id: $.id` as `{ json: $.id }`), for a `when:` to be given them.
    fn changed_captures(&self, before: &[(String, Y)]) -> Vec<(String, Y)> {
        // A map of the snapshot: a script of thousands of guarded sets must not make this
        // quadratic in the captures for each guard.
        let before: std::collections::HashMap<&str, &Y> =
            before.iter().map(|(n, b)| (n.as_str(), b)).collect();
        let entries = self.out.capture.entries().into_iter();
        let changed = entries.filter(|(name, c)| before.get(name.as_str()) != Some(&c));
        changed
            .map(|(name, capture)| match capture {
                Y::Str(path) => (name, Y::Map(vec![("json".into(), Y::Str(path))])),
                other => (name, other),
            })
            .collect()
    }

    /// What an enclosing guard found present (or what holds it) is there.
    fn is_present(&self, p: &str) -> bool {
        self.present.iter().any(|g| g == p || is_under(g, p))
    }

    /// `const item = list[Math.floor(Math.random() * list.length)]`, then `item.id`: a member
    /// of a random item throws unless the list has one, so its first item must be there.
    fn picked_from(&self, e: &Expr) -> Option<String> {
        let Expr::Ident(name) = e else { return None };
        let (Expr::Index(list, at), ..) = self.computed.get(name)? else {
            return None;
        };
        let random = format!("{at:?}");
        if !(random.contains("\"random\"") && random.contains("\"length\"")) {
            return None;
        }
        match self.subject(list)? {
            Subject::Json(p) if !p.contains(['*', '?']) => Some(format!("{p}[0]")),
            _ => None,
        }
    }

    /// Response paths an expression reads a member of (and whether it calls a list method on
    /// them), without entering functions: their bodies run later, or per item.
    fn reads_in(&self, e: &Expr, out: &mut Vec<(String, bool)>) {
        let mut need = |inner: &Expr, array: bool| {
            // `xml2Json(...)["soap:Envelope"]["soap:Body"]` throws without the envelope too.
            let p = match self.subject(inner) {
                Some(Subject::Json(p)) if p != "$" || array => p,
                Some(Subject::Xml(p) | Subject::XmlAttributes(p)) if !p.is_empty() && !array => p,
                _ => return,
            };
            if !out.iter().any(|(q, a)| *q == p && *a >= array) {
                out.push((p, array));
            }
        };
        match e {
            // Node's `url.parse(x)` throws unless `x` is text: a field it parses must be there.
            Expr::Call(callee, args)
                if path(callee).as_deref() == Some("url.parse")
                    && let Some(x) = args.first() =>
            {
                need(x, false);
                args.iter().for_each(|a| self.reads_in(a, out));
            }
            Expr::Call(callee, args) => {
                if let Expr::Member(inner, method) = &**callee {
                    let list = matches!(
                        method.as_str(),
                        "forEach"
                            | "map"
                            | "filter"
                            | "find"
                            | "some"
                            | "every"
                            | "reduce"
                            | "findIndex"
                    );
                    need(inner, list);
                    self.reads_in(inner, out);
                } else {
                    self.reads_in(callee, out);
                }
                for a in args {
                    self.reads_in(a, out);
                }
            }
            Expr::Member(inner, _) | Expr::Index(inner, _) => {
                need(inner, false);
                if let Some(p) = self.picked_from(inner)
                    && !out.iter().any(|(q, _)| *q == p)
                {
                    out.push((p, false));
                }
                self.reads_in(inner, out);
                if let Expr::Index(_, i) = e {
                    self.reads_in(i, out);
                }
            }
            // The right of `&&`, `||`, `??` runs only sometimes (`a && a[0]` never throws).
            Expr::Binary("&&" | "||" | "??", a, _) => self.reads_in(a, out),
            Expr::Binary(_, a, b) => {
                self.reads_in(a, out);
                self.reads_in(b, out);
            }
            Expr::Unary(op, inner) if *op != "typeof" => self.reads_in(inner, out),
            Expr::Array(items) => items.iter().for_each(|i| self.reads_in(i, out)),
            Expr::Object(fields) => fields.iter().for_each(|(_, v)| self.reads_in(v, out)),
            _ => {}
        }
    }

    /// `return` (with or without a value): it ends the block it is in.
    fn is_return(&self, s: &Stmt) -> bool {
        matches!(s.kind, StmtKind::Return(_))
            || matches!(s.kind, StmtKind::Other)
                && self
                    .lines
                    .get(s.first.saturating_sub(1))
                    .map(|l| l.trim_start())
                    .is_some_and(|l| {
                        l == "return" || l.starts_with("return;") || l.starts_with("return ")
                    })
    }

    fn legacy_test(&mut self, s: &Stmt, key: Option<&Expr>, value: &Expr) -> Done {
        if let Some(done) = self.flag_check(value) {
            return done;
        }
        self.out.assertions_seen += 1;
        // `try { d = JSON.parse(responseBody); tests["valid JSON"] = true } catch (e) {
        // tests["valid JSON"] = false }`: the body is JSON.
        if *value == Expr::Bool(true) && key.is_some() && key == self.parse_test.as_ref() {
            self.put(Subject::Json("$".into()), "exists", Y::Bool(true), false);
            self.out.assertions += 1;
            return Done::Converted;
        }
        let mut staged = Staged::default();
        let value = self.bound(value).clone();
        let before = self.asserting.replace(true);
        let converted = chain::boolean(self, &value, false, &mut staged);
        self.asserting.set(before);
        if converted && self.commit(staged) {
            self.out.assertions += 1;
            return Done::Converted;
        }
        // As a `pm.test` none of whose checks converts: Postman decides it, yarc cannot — of
        // the response or of anything else (`environment.dept === "hr"`, the request it sent),
        // not a `true` written out.
        let stmt = std::slice::from_ref(s);
        let decided = self.reads_response(stmt) || value != Expr::Bool(true);
        if !self.swallowed && decided && !self.reads_own_set(stmt) {
            let text = self.text_of(stmt);
            let written = text
                .trim()
                .strip_prefix("tests[")
                .and_then(|t| t.split_once(']'));
            let name = match (key, written) {
                (Some(Expr::Str(n)), _) => n.clone(),
                (_, Some((k, _))) => k.chars().take(80).collect(),
                _ => "(unnamed)".into(),
            };
            self.out.unchecked.push(name);
        }
        Done::Kept(KEPT_ASSERTION)
    }

    /// A name bound to what later checks read where they name it (and no longer changed since
    /// it was declared): a regular expression
    /// (`.to.match(iso)`, `iso.test(x)`) or a part of the request's own body.
    fn bound_for_checks(&mut self, name: &str, value: &Expr) -> bool {
        self.regexes.remove(name);
        self.mutated.remove(name);
        if let Expr::Regex(body, flags) = value {
            self.regexes
                .insert(name.to_string(), (body.clone(), flags.clone()));
            return true;
        }
        if self.request_body.is_some()
            && let Some(steps) = self.sent_steps(value)
        {
            let from_body = steps.into_iter().rev().collect();
            self.request_json.insert(name.to_string(), from_body);
            self.aliases.remove(name);
            return true;
        }
        false
    }

    /// `JSON.stringify(body)` of an object literal (or a local bound to one) whose members are
    /// known before the request: the text Postman makes of it, compact, keys in order, each
    /// value written through `tojson`.
    fn stringified(&self, e: &Expr) -> Option<String> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let [x] = args.as_slice() else { return None };
        if path(callee).as_deref() != Some("JSON.stringify") {
            return None;
        }
        let object = match x {
            Expr::Ident(n) if !self.mutated.contains(n) => self.objects.get(n)?,
            Expr::Ident(_) => return None,
            other => other,
        };
        if !matches!(object, Expr::Object(_) | Expr::Array(_)) {
            return None;
        }
        json_template(&self.composed(object)?)
    }

    /// A regular expression literal, or a name bound to one: its body and flags.
    pub(crate) fn regex_of<'e>(&'e self, e: &'e Expr) -> Option<(&'e str, &'e str)> {
        match e {
            Expr::Regex(body, flags) => Some((body, flags)),
            Expr::Ident(n) => self.regexes.get(n).map(|(b, f)| (b.as_str(), f.as_str())),
            _ => None,
        }
    }

    /// A value known before the response (a literal, `{{ var }}`, or an alias of one).
    pub(crate) fn value(&self, e: &Expr) -> Option<Y> {
        if let (Expr::Str(s), true) = (e, self.asserting.get()) {
            return Some(Y::str(super::vars::literal(s)));
        }
        // `["b", "a"].sort()` (or of a local list): the texts in order, as JavaScript sorts them.
        if let Expr::Call(callee, args) = e
            && let (Expr::Member(list, m), []) = (&**callee, args.as_slice())
            && m == "sort"
        {
            let Y::Seq(mut items) = self.value(list)? else {
                return None;
            };
            let mut texts = Vec::new();
            for item in &items {
                let Y::Str(t) = item else { return None };
                texts.push(t.encode_utf16().collect::<Vec<u16>>());
            }
            let mut order: Vec<usize> = (0..items.len()).collect();
            order.sort_by(|&a, &b| texts[a].cmp(&texts[b]));
            let sorted = order
                .iter()
                .map(|&i| std::mem::replace(&mut items[i], Y::Null));
            return Some(Y::Seq(sorted.collect()));
        }
        match self.subject(e)? {
            Subject::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The JSON path an optional capture of this script reads into `name` (one taken under a
    /// guard), for a check of the variable later in the script.
    pub(super) fn captured_path(&self, name: &str) -> Option<String> {
        let mut capture = self.out.capture.clone();
        let entry = capture.get_mut(&super::vars::ident(name))?;
        // Taken whatever the response (`set("token", json.access_token)` then a check of
        // `get("token")`), or kept when missing: the field is what the variable holds then.
        let plain = (entry.entries().iter())
            .all(|(k, _)| matches!(k.as_str(), "json" | "default" | "optional"));
        if !plain && entry.get_mut("optional") != Some(&mut Y::Bool(true)) {
            return None;
        }
        match entry.get_mut("json")? {
            Y::Str(p) => Some(p.clone()),
            _ => None,
        }
    }

    /// A value written in the script, made when the request is sent (`uuid()`, `now()`), or a
    /// variable's time moved ([`Self::moment_of_value`]).
    fn made_value(&self, e: &Expr) -> Option<Y> {
        let moved = || {
            self.moment_of_value(e)
                .map(|t| Y::str(format!("{{{{ {t} }}}}")))
        };
        value(e).or_else(|| generated(e)).or_else(moved)
    }

    /// `moment(pm.environment.get("start")).add(1, "days").format("YYYY-MM-DD")` (or of a local
    /// holding a variable): the time the value holds, moved and written when the request is
    /// sent (yarc's `date` filter, UTC as `now()`).
    fn moment_of_value(&self, e: &Expr) -> Option<String> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        // A time the script made from the clock itself is the clock's (`now(format, offset)`).
        if self.clock_text(e).is_some() {
            return None;
        }
        let Expr::Member(inner, method) = &**callee else {
            return None;
        };
        let format = match (method.as_str(), args.as_slice()) {
            ("format", [Expr::Str(f)]) => strftime(f)?,
            ("format", []) => "%Y-%m-%dT%H:%M:%S%:z".into(),
            ("toISOString", []) => String::new(),
            _ => return None,
        };
        let of_value = |e: &Expr| match e {
            Expr::Call(m, a) if path(m).as_deref() == Some("moment") => match a.as_slice() {
                [x] if !matches!(x, Expr::Str(_) | Expr::Num(_)) => match self.subject(x)? {
                    Subject::Value(v @ Y::Str(_)) => jinja_of(&v),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let (base, offset) = match of_value(inner) {
            Some(base) => (base, None),
            None => match &**inner {
                Expr::Call(c, a) => match (&**c, a.as_slice()) {
                    (Expr::Member(b, how), [n, unit]) => {
                        (of_value(b)?, Some(moment_offset(how, n, unit)?))
                    }
                    _ => return None,
                },
                _ => return None,
            },
        };
        let q = |t: &str| serde_json::to_string(t).ok();
        Some(match offset {
            None => format!("({base} | date({}))", q(&format)?),
            Some(o) => format!("({base} | date({}, {}))", q(&format)?, q(&o)?),
        })
    }

    /// Writes staged predicates; false (nothing written) if one cannot be said in `expect`.
    fn commit(&mut self, staged: Staged) -> bool {
        // `set("token", d.token); pm.expect(d.token).to.eql(pm.environment.get("token"))`: in
        // yarc the expected value renders before this response's captures, so the check would
        // compare with the value before it; left to a human.
        let captured = |t: &str| match &self.out.capture {
            Y::Map(entries) => entries
                .iter()
                .any(|(n, v)| !matches!(v, Y::Comment(_)) && reads(t, n)),
            _ => false,
        };
        let reads_captured = |v: &Y| matches!(v, Y::Str(t) if t.contains("{{") && captured(t));
        if staged.0.iter().any(|(_, _, v, _)| reads_captured(v)) {
            return false;
        }
        // Of a loop item's keys, only that one is there and how many there are.
        let item_keys = |s: &Subject, p: &str| match s {
            Subject::KeyList(k) if k.contains(['*', '?']) => p == "contains",
            Subject::Length(inner) => {
                !matches!(&**inner, Subject::KeyList(k) if k.contains(['*', '?']))
            }
            _ => true,
        };
        if !staged.0.iter().all(|(s, p, _, _)| item_keys(s, p)) {
            return false;
        }
        // Whether a variable is set is true or false, nothing else.
        let yes_no = |s: &Subject, p: &str, v: &Y| {
            !matches!(s, Subject::VarSet(_)) || (p == "equals" && matches!(v, Y::Bool(_)))
        };
        if !staged.0.iter().all(|(s, p, v, _)| yes_no(s, p, v)) {
            return false;
        }
        let mut ready = Vec::new();
        for (subject, predicate, value, negate) in staged.0 {
            if let Subject::Day(p) = subject {
                // A day equals only what the date's text starts with.
                if predicate != "equals" {
                    return false;
                }
                ready.push((Subject::Json(p), "starts_with", value, negate));
                continue;
            }
            if subject != Subject::Reason {
                ready.push((subject, predicate, value, negate));
                continue;
            }
            let code = match (&value, predicate) {
                (Y::Str(r), "equals") => chain::reason_code(r),
                _ => None,
            };
            match code {
                Some(c) => ready.push((Subject::Status, predicate, Y::Num(c.into()), negate)),
                None => return false,
            }
        }
        for (subject, predicate, value, negate) in ready {
            self.put(subject, predicate, value, negate);
        }
        true
    }

    /// In a `forEach`, a check of an item's value goes under `each` (and every item must hold
    /// what it reads); the value is given back when the subject is no item's.
    fn put_in_item(
        &mut self,
        subject: &Subject,
        predicate: &str,
        value: Y,
        negate: bool,
    ) -> Option<Y> {
        let Some(base) = self.each_base.clone() else {
            return Some(value);
        };
        // `Object.keys(item)` includes a name: every item has that key (`commit` lets no other
        // check of an item's keys through); `Object.keys(item).length`: each one's key count.
        match subject {
            Subject::KeyList(p) if *p == base => {
                let json = self.out.expect.child("json");
                add_predicate(entry_map(json, p), "each", predicate, value, negate);
                return None;
            }
            Subject::Keys(p) if *p == base => {
                let each = entry_map(entry_map(self.out.expect.child("json"), p), "each");
                add_predicate(each, "length", predicate, value, negate);
                return None;
            }
            _ => {}
        }
        let (p, of_length) = match subject {
            Subject::Json(p) if p.starts_with(&base) => (p, false),
            Subject::Length(inner) => match &**inner {
                Subject::Json(p) if p.starts_with(&base) => (p, true),
                _ => return Some(value),
            },
            Subject::Size(p) if p.starts_with(&base) => (p, true),
            _ => return Some(value),
        };
        let strict =
            !self.lenient_items && (of_length || !speaks_of_absence(predicate, &value, negate));
        let json = self.out.expect.child("json");
        if strict {
            every_item_has(json, &base, p);
        }
        let entry = entry_map(json, p);
        match of_length {
            true => add_predicate(entry_map(entry, "each"), "length", predicate, value, negate),
            false => add_predicate(entry, "each", predicate, value, negate),
        }
        None
    }

    /// Writes one predicate where its subject lives in `expect`.
    fn put(&mut self, subject: Subject, predicate: &str, value: Y, negate: bool) {
        let Some(value) = self.put_in_item(&subject, predicate, value, negate) else {
            return;
        };
        if let Subject::Json(p) = &subject
            && negate
            && predicate == "contains"
            && self.or_empty.borrow().contains(p)
        {
            // `any: [{ exists: false }, { not: ... }]`: the list missing holds nothing either.
            let entry = entry_map(self.out.expect.child("json"), p);
            if !matches!(entry.get_mut("any"), Some(Y::Seq(l)) if l.len() == 2) {
                let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
                entry.set("any", Y::Seq(vec![missing, Y::map()]));
            }
            if let Some(Y::Seq(l)) = entry.get_mut("any") {
                put_negated(&mut l[1], predicate, value);
            }
            return;
        }
        if let Subject::Json(p) = &subject
            && found_item(p, predicate, &value)
        {
            let entry = entry_map(self.out.expect.child("json"), p);
            add_predicate(entry, "each", predicate, value, negate);
            return;
        }
        let e = &mut self.out.expect;
        match subject {
            Subject::Json(p) => add_predicate(e.child("json"), &p, predicate, value, negate),
            Subject::Xml(p) => {
                add_predicate(e.child("xml"), xml_path(&p), predicate, value, negate)
            }
            Subject::Header(h) => add_predicate(e.child("headers"), &h, predicate, value, negate),
            Subject::Cookie(c) => add_predicate(e.child("cookies"), &c, predicate, value, negate),
            Subject::Body => add_predicate(e, "body", predicate, value, negate),
            Subject::TrimmedBody => match (predicate, value) {
                ("equals", Y::Str(text)) => {
                    let whole = Y::str(format!("^\\s*{}\\s*$", regex::escape(&text)));
                    add_predicate(e, "body", "matches", whole, negate)
                }
                (predicate, value) => add_predicate(e, "body", predicate, value, negate),
            },
            Subject::Length(inner) => put_length(e, *inner, predicate, value, negate),
            Subject::Size(p) => {
                let entry = entry_map(e.child("json"), &p);
                add_predicate(entry, "length", predicate, value, negate);
            }
            Subject::Status => status(e, predicate, value, negate),
            Subject::Time => {
                let ms = match value {
                    Y::Num(n) => Y::str(format!("{n}ms")),
                    other => other,
                };
                put_once(e.child("time"), predicate, ms);
            }
            Subject::Var(name) => add_predicate(e.child("vars"), &name, predicate, value, negate),
            Subject::VarSet(name) => {
                let set = matches!(value, Y::Bool(true)) != negate;
                put_var_set(e.child("vars"), &name, set);
            }
            Subject::Schema(schema) => match e.get_mut("schema") {
                None => e.set("schema", schema),
                // The same schema checked twice (by `jsonSchema` and `tv4`) is one check.
                Some(Y::Seq(list)) if list.iter().any(|s| same_schema(s, &schema)) => {}
                Some(Y::Seq(list)) => list.push(schema),
                Some(one) if same_schema(one, &schema) => {}
                Some(one) => *one = Y::Seq(vec![std::mem::take(one), schema]),
            },
            Subject::KeyList(p) => put_keys(e.child("json"), &p, predicate, value, negate),
            Subject::Keys(p) => {
                // An object's keys: yarc's `length` of an object counts them.
                let entry = entry_map(e.child("json"), &p);
                put_once(entry, "type", Y::str("object"));
                add_predicate(entry, "length", predicate, value, negate);
            }
            Subject::Value(_)
            | Subject::Reason
            | Subject::Day(_)
            | Subject::XmlAttributes(_)
            | Subject::XmlSplit(..) => {}
        }
    }

    /// Writes the comment block and the counts.
    fn finish(mut self) -> Script {
        fold_stated_cases(&mut self.out.expect);
        tidy(&mut self.out.expect);
        self.out.raw_body_read = self.raw_body_read.get();
        self.out.reversed_schema = self.reversed_schema.get();
        self.out.made_sent = self.made_sent.take();
        let lines = std::mem::take(&mut self.lines);
        let mut block: Vec<(usize, &String)> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            if self.owned.as_ref().is_some_and(|o| !o.contains(&n)) {
                continue;
            }
            if self.converted.contains(&n) && !self.reasons.contains_key(&n) {
                if !line.trim().is_empty() {
                    self.out.converted_lines += 1;
                }
                continue;
            }
            block.push((n, line));
        }
        let has_code = block
            .iter()
            .any(|(n, l)| self.reasons.contains_key(n) && is_code(l));
        if !has_code {
            return self.out;
        }
        while block.first().is_some_and(|(_, l)| l.trim().is_empty()) {
            block.remove(0);
        }
        while block.last().is_some_and(|(_, l)| l.trim().is_empty()) {
            block.pop();
        }
        let indent = block
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        for (n, line) in &block {
            let text = line.get(indent..).unwrap_or(line.trim_start()).trim_end();
            self.out.block.push(text.replace('\t', "    "));
            if is_code(line) {
                let reason = self.reasons.get(n).copied().unwrap_or(KEPT_AROUND);
                self.out.kept.push((*n, line.trim().to_string(), reason));
            }
        }
        self.out
    }
}

/// `postman.getResponseCookie("id").value`: reading `.value` throws without the cookie, so its
/// capture has no default.
fn cookie_value(e: &Expr) -> bool {
    matches!(unwrap_conversion(e), Expr::Member(_, m) if m == "value")
}

/// `pm.response.token`: a field the response object does not have (the body's are under
/// `json()`), which is `undefined` in Postman.
fn undefined_response_field(e: &Expr) -> bool {
    const FIELDS: &[&str] = &[
        "code",
        "status",
        "headers",
        "responseTime",
        "responseSize",
        "text",
        "json",
        "cookies",
        "reason",
        "to",
        "stream",
        "dataURI",
        "size",
        "originalRequest",
        "id",
    ];
    matches!(e, Expr::Member(of, name)
        if path(of).as_deref() == Some("pm.response") && !FIELDS.contains(&name.as_str()))
}

/// `xml2Json(...)`'s member `name`: `$` its attributes, `_` its text (with attributes), any other
/// name a child element as xml2js keys it — its name as written, prefix included.
fn xml_member(p: &str, name: &str, local: bool) -> Option<Subject> {
    if !(p.is_empty() || p.starts_with('/')) {
        return None;
    }
    let by = if local { "local-name()" } else { "name()" };
    match name {
        "$" if !p.is_empty() => Some(Subject::XmlAttributes(p.to_string())),
        "_" if !p.is_empty() => Some(Subject::Xml(p.to_string())),
        // `Body["0"]`: no element is named so (an XML name never starts with a digit), it is
        // the first of a list (xml2js's `explicitArray`), XPath counting from 1.
        n if !p.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            let i: u64 = n.parse().ok()?;
            Some(Subject::Xml(format!("{p}[{}]", i.checked_add(1)?)))
        }
        _ => Some(Subject::Xml(format!(
            "{p}/*[{by}={}]",
            xpath_literal(name)?
        ))),
    }
}

fn xml_attribute(p: &str, name: &str) -> Option<Subject> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    ok.then(|| Subject::Xml(format!("{p}/@{name}")))
}

/// `a, b` of `concat(a, b)` when the whole expression is that one call.
fn concat_arguments(p: &str) -> Option<&str> {
    let inner = p.strip_prefix("concat(")?.strip_suffix(')')?;
    // XPath's string literals have no escapes.
    balanced(inner, false).then_some(inner)
}

/// Whether every parenthesis of `text` outside its quoted strings closes one opened in it;
/// `escapes`: a backslash in a string escapes the next character (Jinja's strings, not
/// XPath's).
pub(super) fn balanced(text: &str, escapes: bool) -> bool {
    let (mut depth, mut quote, mut escaped) = (0i32, None, false);
    for c in text.chars() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') if escapes => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return false,
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

/// Item `i` of `p.split(sep)` by XPath's string functions: what follows the `i`th separator, up
/// to the next (an item past the end is empty, where JavaScript has `undefined`).
fn xml_split_item(p: &str, sep: &str, i: usize) -> Option<Subject> {
    const ITEMS_MAX: usize = 8;
    if i > ITEMS_MAX {
        return None;
    }
    let sep = xpath_literal(sep)?;
    let rest = (0..i).fold(p.to_string(), |at, _| {
        format!("substring-after({at}, {sep})")
    });
    Some(Subject::Xml(format!(
        "substring-before(concat({rest}, {sep}), {sep})"
    )))
}

/// A string in XPath 1.0, which has no escapes: quoted with whichever quote it does not hold.
fn xpath_literal(text: &str) -> Option<String> {
    match (text.contains('\''), text.contains('"')) {
        (false, _) => Some(format!("'{text}'")),
        (true, false) => Some(format!("\"{text}\"")),
        (true, true) => None,
    }
}

/// The document itself is `/`.
fn xml_path(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

/// What `Object.keys(data)` is checked for: `.to.include("id")`, that key is there;
/// `.to.eql(["a", "b"])` of sorted keys, exactly those in any order.
fn put_keys(json: &mut Y, p: &str, predicate: &str, value: Y, negate: bool) {
    match (predicate, value) {
        ("contains", Y::Str(k)) => {
            put_once(entry_map(json, &child(p, &k)), "exists", Y::Bool(!negate));
        }
        (_, Y::Seq(names)) => {
            let entry = entry_map(json, p);
            put_once(entry, "type", Y::str("object"));
            put_once(entry, "length", Y::Num(names.len().into()));
            for n in names {
                if let Y::Str(k) = n {
                    put_once(entry_map(json, &child(p, &k)), "exists", Y::Bool(true));
                }
            }
        }
        _ => {}
    }
}

/// Leaves out what another check of the same expectations says already.
fn tidy(expect: &mut Y) {
    for kind in ["json", "xml"] {
        if let Some(Y::Map(entries)) = expect.get_mut(kind) {
            tidy_paths(entries, kind == "xml");
        }
    }
}

/// The JSONPaths' (or XPaths') predicates with what others say already left out.
fn tidy_paths(entries: &mut Vec<(String, Y)>, xml: bool) {
    // `not: { type: object }` (from a `.length`) says nothing a `type:` of the same
    // target does not say already; `exists: true` nothing another predicate does not (a
    // path that selects nothing fails every one, but `exists: false`, and an XPath's `length: 0`).
    let exists = |(k, v): &(String, Y)| k == "exists" && *v == Y::Bool(true);
    for (_, entry) in entries.iter_mut() {
        if let Y::Map(preds) = entry
            && preds.iter().any(exists)
        {
            let others = Y::Map(preds.iter().filter(|p| !exists(p)).cloned().collect());
            if matches!(&others, Y::Map(o) if !o.is_empty()) && needs_presence(&others, xml) {
                preds.retain(|p| !exists(p));
            }
        }
        // `to.not.have.property("error")` then `pm.expect(data.error).to.not.equal("x")`: of a
        // value that must be missing, chai's negations hold (`undefined` equals nothing).
        if let Y::Map(preds) = entry
            && preds
                .iter()
                .any(|(k, v)| k == "exists" && *v == Y::Bool(false))
        {
            let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
            let of_missing = |v: &Y| matches!(v, Y::Seq(alts) if alts.contains(&missing));
            preds.retain(|(k, v)| k != "not" && !(k == "any" && of_missing(v)));
        }
        // `{ equals: "two" }` left alone is written as the value itself.
        if let Y::Map(preds) = entry
            && let [(k, v @ (Y::Str(_) | Y::Num(_) | Y::Bool(_)))] = preds.as_slice()
            && k == "equals"
            && !matches!(v, Y::Str(t) if t.contains("{{"))
        {
            *entry = v.clone();
        }
        let typed =
            matches!(entry.get_mut("type"), Some(Y::Str(t)) if t == "array" || t == "string");
        let only_object = Y::Map(vec![("type".into(), Y::str("object"))]);
        if let Y::Map(preds) = entry
            && typed
        {
            preds.retain(|(k, v)| !(k == "not" && *v == only_object));
        }
    }
    // `pm.expect(data.error.message).to.not.exist` throws in Postman when `error` is null, as
    // when it is missing: where a check below holds of nothing, what it is read from must be
    // there and not null.
    if !xml {
        null_parents_fail(entries);
    }
    // `$.meta: { exists: true }` says nothing `$.meta.total: ...` does not — unless that
    // only asks for `total` to be missing, which holds without `meta` too.
    let present: Vec<String> = entries
        .iter()
        .filter(|(_, v)| needs_presence(v, xml))
        .map(|(k, _)| k.clone())
        .collect();
    let only_exists = Y::Map(vec![("exists".into(), Y::Bool(true))]);
    entries.retain(|(k, v)| {
        let below = |o: &String| {
            o.len() > k.len()
                && o.starts_with(k.as_str())
                && o[k.len()..].starts_with(['.', '[', '/'])
        };
        !(*v == only_exists && present.iter().any(below))
    });
}

/// A parent asked only to be there (`exists: true`, what a deeper read needs) of a check
/// that holds of nothing is asked not to be null too.
fn null_parents_fail(entries: &mut [(String, Y)]) {
    let only_exists = Y::Map(vec![("exists".into(), Y::Bool(true))]);
    let not_null = Y::Map(vec![(
        "not".into(),
        Y::Map(vec![("equals".into(), Y::Null)]),
    )]);
    let holding_of_nothing: Vec<String> = (entries.iter())
        .filter(|(_, v)| !needs_presence(v, false))
        .filter_map(|(k, _)| parent_path(k).map(str::to_string))
        .collect();
    for (k, v) in entries.iter_mut() {
        let single = !k.contains('*') && !k.contains("[?");
        if *v == only_exists && k != "$" && single && holding_of_nothing.contains(k) {
            *v = not_null.clone();
        }
    }
}

/// `has(x)` (`set`) or its negation, under `expect.vars`.
fn put_var_set(vars: &mut Y, name: &str, set: bool) {
    let entry = entry_map(vars, &super::vars::ident(name));
    put_once(entry, "exists", Y::Bool(set));
    if set && let Y::Map(has) = has_var(name) {
        for (k, v) in has.into_iter().skip(1) {
            put_once(entry, &k, v);
        }
    }
}

/// A block of only `set()` calls (and logging): each call, its key and its value.
/// Whether a statement's text is a loop (`for (...)`, `while (...)`, `do {`).
fn is_loop(text: &str) -> bool {
    let t = text.trim_start();
    let word = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    matches!(word, "for" | "while" | "do")
}

/// A set() call, its key and its value.
type SetCall = (Expr, Expr, Expr);

fn only_sets(b: &[Stmt]) -> Option<Vec<SetCall>> {
    // A local the branch declares first (`const timestamp = Date.now();`) is read as its value.
    let mut locals: Vec<(Expr, Expr)> = Vec::new();
    let put_in = |e: &Expr, locals: &[(Expr, Expr)]| {
        locals
            .iter()
            .rev()
            .fold(e.clone(), |e, (n, v)| e.replaced(n, v))
    };
    let mut sets = Vec::new();
    for s in b.iter().filter(|s| !is_console_stmt(s)) {
        match &s.kind {
            StmtKind::Expr(e) => {
                let (k, v) = set_call(e)?;
                sets.push((e.clone(), k.clone(), put_in(v, &locals)));
            }
            StmtKind::Let(decls) => {
                for (binding, init) in decls {
                    let js::Binding::Name(n) = binding else {
                        return None;
                    };
                    let value = put_in(init, &locals);
                    locals.push((Expr::Ident(n.clone()), value));
                }
            }
            _ => return None,
        }
    }
    Some(sets)
}

/// `not: { in: ["", "null"] }` says what `not: ""` says, and more.
fn subsumes(held: &Y, more: &Y) -> bool {
    match held {
        Y::Map(m) => {
            matches!(m.as_slice(), [(k, Y::Seq(list))] if k == "in" && list.contains(more))
        }
        _ => false,
    }
}

/// What a variable holds when Postman's holds nothing: the `null` a set of a missing value
/// stores, or its own `{{name}}` text (never set), as `expect.vars` predicates.
fn null_ish(name: &str) -> Y {
    let values = Y::Seq(vec![Y::str("null"), Y::str(own_text(name))]);
    Y::Map(vec![("in".into(), values)])
}

/// `item.a.b` of a loop's `item`: `.a.b`, as a filter reads it of `@`.
fn item_field(item: &str, e: &Expr) -> Option<String> {
    let mut names = Vec::new();
    let mut at = e;
    while let Expr::Member(inner, name) = at {
        names.push(name.clone());
        at = inner;
    }
    let plain = |n: &String| crate::import::vars::is_word(n);
    (matches!(at, Expr::Ident(i) if i == item) && !names.is_empty() && names.iter().all(plain))
        .then(|| names.iter().rev().map(|n| format!(".{n}")).collect())
}

/// `item.id == pm.globals.get("ID")`: a loose comparison with what is not written in the
/// script holds in JavaScript when both are `null` or `undefined` — a field that is not there
/// and a variable set from one —, which one `when` (or filter) cannot say: it takes two
/// (`loose_cases`, `item_filter`).
fn loose_with_variable(cond: &Expr) -> bool {
    let written = |e: &Expr| matches!(e, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_));
    match cond {
        Expr::Binary("==" | "!=", a, b) => !(written(a) || written(b)),
        Expr::Binary("&&" | "||", a, b) => loose_with_variable(a) || loose_with_variable(b),
        Expr::Unary("!", x) => loose_with_variable(x),
        _ => false,
    }
}

/// `!x`, `!x || x === ""` (also `== ""`, `=== undefined`, `== null`): what is asked whether it is
/// unset.
fn unset_test(cond: &Expr) -> Option<&Expr> {
    let blank =
        |e: &Expr| matches!(e, Expr::Null | Expr::Undefined) || *e == Expr::Str(String::new());
    match cond {
        Expr::Unary("!", x) => Some(x),
        Expr::Binary("||", a, b) => {
            let x = unset_test(a)?;
            match &**b {
                Expr::Binary("===" | "==", y, v) if **y == *x && blank(v) => Some(x),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A read of the variable `name` (as Postman names it).
fn var_read(name: &str) -> Expr {
    pm_get("variables", name)
}

/// `pm.<object>.get("name")`, as a script writes it.
pub(super) fn pm_get(object: &str, name: &str) -> Expr {
    let get = Expr::Member(
        Box::new(Expr::Member(
            Box::new(Expr::Ident("pm".into())),
            object.into(),
        )),
        "get".into(),
    );
    Expr::Call(Box::new(get), vec![Expr::Str(name.to_string())])
}

/// `items || []`: the list itself, where an empty one stands in for it missing.
fn or_empty_list(e: &Expr) -> &Expr {
    match e {
        Expr::Binary("||", list, empty) if matches!(&**empty, Expr::Array(items) if items.is_empty()) => {
            list
        }
        other => other,
    }
}

/// `x.a[0]["b"]`: what it reads through (`x`, or the call the chain starts with) and the steps
/// read of it, the last first; `None` for a step that is no name or whole number.
fn member_steps(e: &Expr) -> Option<(&Expr, Vec<serde_json::Value>)> {
    let mut steps = Vec::new();
    let mut at = e;
    loop {
        at = match at {
            Expr::Member(inner, name) => {
                steps.push(serde_json::Value::String(name.clone()));
                inner
            }
            Expr::Index(inner, i) => {
                steps.push(match &**i {
                    Expr::Str(k) => serde_json::Value::String(k.clone()),
                    Expr::Num(n) if n.fract() == 0.0 && *n >= 0.0 => {
                        serde_json::Value::from(*n as u64)
                    }
                    _ => return None,
                });
                inner
            }
            root => return Some((root, steps)),
        };
    }
}

/// `$.a.b` (or `$.a[0]`) under `$.a`.
fn is_under(path: &str, parent: &str) -> bool {
    path.strip_prefix(parent)
        .is_some_and(|r| r.starts_with(['.', '[']))
}

/// What a member must be for reading through it not to throw: there, and not `null`.
fn there_not_null() -> Y {
    Y::Map(vec![
        ("exists".into(), Y::Bool(true)),
        ("not".into(), Y::Map(vec![("equals".into(), Y::Null)])),
    ])
}

/// What `has(x)` asks of a variable (`name` as Postman writes it), as `expect.vars`
/// predicates: it is set — and is not the `{{x}}` text the import gives a variable Postman
/// does not have (defined nowhere, or unset or cleared by a script), which `has()` denies.
fn has_var(name: &str) -> Y {
    let own_text = own_text(name);
    Y::Map(vec![
        ("exists".into(), Y::Bool(true)),
        (
            "not".into(),
            Y::Map(vec![("equals".into(), Y::str(own_text))]),
        ),
    ])
}

/// What `!x` refuses of a variable, as `expect.vars` predicates: set, not empty — and not the
/// `null` yarc holds where Postman's variable holds `undefined` (after a `set()` of a missing
/// field), which `!x` refuses too.
fn truthy_var(name: &str) -> Y {
    // `{{name}}`: the text the import declares for a variable nothing defines (what Newman
    // sends for it), which a script's `get()` still reads as `undefined`.
    let own_text = own_text(name);
    let falsy = Y::Seq(vec![Y::str(""), Y::str("null"), Y::str(own_text)]);
    Y::Map(vec![
        ("exists".into(), Y::Bool(true)),
        ("not".into(), Y::Map(vec![("in".into(), falsy)])),
    ])
}

/// Whether the predicates of a path fail when it selects nothing: all do but `exists: false`
/// and `not: { exists: true }`.
fn needs_presence(entry: &Y, xml: bool) -> bool {
    let Y::Map(preds) = entry else {
        return true;
    };
    let zero = |v: &Y| matches!(v, Y::Num(n) if n.as_u64() == Some(0));
    let passes = |p: &(String, Y)| absent_ok(p) || (xml && p.0 == "length" && zero(&p.1));
    fn absent_ok((k, v): &(String, Y)) -> bool {
        match (k.as_str(), v) {
            ("exists", Y::Bool(false)) => true,
            ("not", Y::Map(inner)) => inner.as_slice() == [("exists".to_string(), Y::Bool(true))],
            // `any: [{ exists: false }, { in: [null] }]` passes when it is not there.
            ("any", Y::Seq(maps)) => maps
                .iter()
                .any(|m| matches!(m, Y::Map(ps) if ps.iter().all(absent_ok))),
            _ => false,
        }
    }
    !preds.iter().all(passes)
}

/// Predicates collected while a statement is read, written only if all of it converts.
#[derive(Default)]
pub(crate) struct Staged(pub Vec<(Subject, &'static str, Y, bool)>);

fn is_code(line: &str) -> bool {
    let t = line.trim();
    !(t.is_empty() || t.starts_with("//") || t.chars().all(|c| "{}();,".contains(c)))
}

/// A field of an object literal.
fn field<'a>(o: &'a [(String, Expr)], k: &str) -> Option<&'a Expr> {
    o.iter().find(|(n, _)| n == k).map(|(_, v)| v)
}

/// The variable a token request's callback stores `access_token` in (`res.json().access_token`,
/// directly or through an alias, inside `if`/`try` too).
fn token_variable(callback: &[Stmt]) -> Option<String> {
    let is_token = |value: &Expr| {
        matches!(value, Expr::Member(_, m) if m == "access_token")
            || matches!(value, Expr::Index(_, i) if matches!(&**i, Expr::Str(k) if k == "access_token"))
    };
    // `let token = res.json().access_token; pm.environment.set("t", token)`, or
    // `const { access_token } = res.json()`.
    let locals: Vec<&String> = callback
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Let(decls) => Some(decls),
            _ => None,
        })
        .flatten()
        .filter_map(|(b, v)| match b {
            Binding::Name(n) if is_token(v) => Some(n),
            Binding::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == "access_token")
                .map(|(_, local)| local),
            _ => None,
        })
        .collect();
    callback.iter().find_map(|s| match &s.kind {
        StmtKind::Expr(e) => {
            let (Expr::Str(name), value) = set_call(e)? else {
                return None;
            };
            let reads_token =
                is_token(value) || matches!(value, Expr::Ident(n) if locals.contains(&n));
            reads_token.then(|| super::vars::ident(name))
        }
        StmtKind::If(_, then, otherwise) => {
            token_variable(then).or_else(|| token_variable(otherwise))
        }
        StmtKind::Try(body, _) => token_variable(body),
        _ => None,
    })
}

/// What `btoa(x)` or `CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(x))` encodes.
fn base64_of(e: &Expr) -> Option<&Expr> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    match (path(callee).as_deref()?, args.as_slice()) {
        ("btoa", [x]) => Some(x),
        ("CryptoJS.enc.Base64.stringify", [Expr::Call(inner, a)]) => {
            match (path(inner).as_deref(), a.as_slice()) {
                (Some("CryptoJS.enc.Utf8.parse"), [x]) => Some(x),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether `e` names `name` anywhere (inside functions too).
fn reads_name(e: &Expr, name: &str) -> bool {
    reads_count(e, name) > 0
}

/// `x.toLowerCase()` or `x.toUpperCase()`: a text whose checks are made in any case.
fn in_one_case(e: &Expr) -> bool {
    matches!(e, Expr::Call(c, a) if a.is_empty()
        && matches!(&**c, Expr::Member(_, m) if m == "toLowerCase" || m == "toUpperCase"))
}

/// How many times `e` reads the name.
fn reads_count(e: &Expr, name: &str) -> usize {
    format!("{e:?}")
        .matches(&format!("Ident({name:?})"))
        .count()
}

/// Conversions to a number.
const NUMBERS: &[&str] = &["parseInt", "Number", "parseFloat"];

/// Whether a template reads the variable `name`.
/// Whether a `{{ ... }}` anywhere in `text` names `name` (a word of it).
pub(crate) fn reads_anywhere(text: &str, name: &str) -> bool {
    let Ok(re) = regex::Regex::new(&format!(
        r"\{{\{{[^}}]*\b{}\b[^}}]*\}}\}}",
        regex::escape(name)
    )) else {
        return false;
    };
    re.is_match(text)
}

pub(crate) fn reads(template: &str, name: &str) -> bool {
    let env = minijinja::Environment::new();
    env.template_from_str(template)
        .is_ok_and(|t| t.undeclared_variables(false).contains(name))
}

/// Whether `a + b` adds numbers: one side is a number, and neither is text (`'n-' + 7` joins).
/// A variable read next to the clock (`get("prefix") + Date.now()`) joins: a variable holds
/// text in Postman, and an id is being made, not a counter moved.
pub(super) fn adds(a: &Expr, b: &Expr) -> bool {
    let id_made = |x: &Expr, y: &Expr| is_variable_read(x) && is_clock_millis(y);
    (is_numeric(a) || is_numeric(b))
        && !is_text(a)
        && !is_text(b)
        && !id_made(a, b)
        && !id_made(b, a)
}

impl Converter {
    /// [`adds`], unless a side is a local holding made-up text (`const name =
    /// replaceIn("{{$randomFirstName}}")`): `name + Date.now()` joins, as in JavaScript.
    pub(super) fn sums(&self, a: &Expr, b: &Expr) -> bool {
        let text = |x: &Expr| match x {
            Expr::Ident(n) => matches!(self.aliases.get(n), Some(Some(Subject::Value(Y::Str(t))))
                if ["fake(", "uuid()", "random_bytes("].iter().any(|f| t.contains(f))),
            _ => false,
        };
        adds(a, b) && !text(a) && !text(b)
    }
}

/// `pm.environment.get("x")` and its kin.
fn is_variable_read(e: &Expr) -> bool {
    matches!(e, Expr::Call(c, _) if path(c).is_some_and(|p| VAR_GETTERS.contains(&p.as_str())))
}

/// `Date.now()`, `new Date().getTime()`: the clock in milliseconds.
fn is_clock_millis(e: &Expr) -> bool {
    match e {
        Expr::Call(c, args) if args.is_empty() => {
            path(c).as_deref() == Some("Date.now")
                || matches!(&**c, Expr::Member(_, m) if m == "getTime" || m == "valueOf")
        }
        _ => false,
    }
}

/// Text for sure: a string, a template literal, or text joined (`Date.now() + "-"`, which
/// JavaScript reads left to right).
fn is_text(e: &Expr) -> bool {
    match e {
        Expr::Str(_) | Expr::Template(_) => true,
        Expr::Binary("+", a, b) => !adds(a, b),
        _ => false,
    }
}

/// A number literal, a conversion to a number or a number made (`Date.now()`,
/// `Math.floor(...)`, `new Date().getTime()`): `+` next to one adds.
fn is_numeric(e: &Expr) -> bool {
    const MADE: &[&str] = &[
        "Date.now",
        "Math.floor",
        "Math.round",
        "Math.ceil",
        "Math.trunc",
        "Math.abs",
        "Math.random",
        "Math.max",
        "Math.min",
    ];
    let named = |c: &Expr| {
        path(c).is_some_and(|p| NUMBERS.contains(&p.as_str()) || MADE.contains(&p.as_str()))
    };
    match e {
        Expr::Num(_) => true,
        Expr::Call(c, args) => {
            named(c)
                || (args.is_empty()
                    && matches!(&**c, Expr::Member(_, m) if m == "getTime" || m == "valueOf"))
        }
        Expr::Binary("-" | "*" | "/" | "%", ..) => true,
        Expr::Binary("+", a, b) => adds(a, b),
        _ => false,
    }
}

/// `Math.floor(Date.now() + Math.random() * 10000)`: a whole number plus a random one below
/// a literal, as its two parts.
fn whole_plus_random(e: &Expr) -> Option<(&Expr, i64)> {
    let Expr::Call(floor, args) = e else {
        return None;
    };
    let (Some("Math.floor"), [Expr::Binary("+", a, b)]) = (path(floor).as_deref(), args.as_slice())
    else {
        return None;
    };
    let below = |x: &Expr| {
        let product = Expr::Call(floor.clone(), vec![x.clone()]);
        random_below(&product)
    };
    let whole = |x: &Expr| match x {
        Expr::Num(n) => n.fract() == 0.0,
        Expr::Call(c, a) => a.is_empty() && path(c).as_deref() == Some("Date.now"),
        _ => false,
    };
    match (below(b), below(a)) {
        (Some(n), _) if whole(a) => Some((a, n)),
        (_, Some(n)) if whole(b) => Some((b, n)),
        _ => None,
    }
}

/// A minijinja map literal of `key: value` entries; one ending in a map leaves a space before
/// its `}`, which would otherwise close the template (`}}`).
pub(super) fn map_literal(entries: &[String]) -> String {
    let inner = entries.join(", ");
    match inner.ends_with('}') {
        true => format!("{{{inner} }}"),
        false => format!("{{{inner}}}"),
    }
}

/// A value as a minijinja expression: `{{ expr }}` alone gives its expression, a literal its
/// literal; text with a template inside is no single expression.
fn jinja_of(v: &Y) -> Option<String> {
    literal_with(v, &text_jinja, &|k| serde_json::to_string(k).ok())
}

/// A text as a minijinja expression (see `jinja_of`).
fn text_jinja(s: &str) -> Option<String> {
    Some(match crate::import::vars::one_expression(s) {
        Some(inner) => {
            let word = crate::import::vars::is_word;
            // `(a) + (b)` starts and ends with a parenthesis, yet is no one group.
            let plain =
                word(inner) || jinja::enclosed(inner) || inner.strip_suffix("()").is_some_and(word);
            match plain {
                true => inner.to_string(),
                false => format!("({inner})"),
            }
        }
        _ if !s.contains('{') => serde_json::to_string(s).ok()?,
        _ => joined_jinja(s)?,
    })
}

type TextWriter<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A value as a minijinja literal, its texts written by `text` and its keys by `key`.
fn literal_with(v: &Y, text: TextWriter, key: TextWriter) -> Option<String> {
    Some(match v {
        Y::Str(s) => text(s)?,
        Y::Num(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Null => "none".into(),
        Y::Seq(items) => {
            let items: Option<Vec<String>> =
                items.iter().map(|i| literal_with(i, text, key)).collect();
            format!("[{}]", items?.join(", "))
        }
        Y::Map(entries) => {
            let entries: Option<Vec<String>> = entries
                .iter()
                .map(|(k, v)| Some(format!("{}: {}", key(k)?, literal_with(v, text, key)?)))
                .collect();
            map_literal(&entries?)
        }
        _ => return None,
    })
}

/// A composed value as the JSON text `JSON.stringify` writes: literals as JSON, templates
/// through `tojson` (`{"email":{{ (email or "a@b.c") | tojson }}}`).
fn json_template(v: &Y) -> Option<String> {
    Some(match v {
        Y::Map(entries) => {
            let items: Option<Vec<String>> = entries
                .iter()
                .map(|(k, v)| {
                    Some(format!(
                        "{}:{}",
                        serde_json::to_string(k).ok()?,
                        json_template(v)?
                    ))
                })
                .collect();
            format!("{{{}}}", items?.join(","))
        }
        Y::Seq(items) => {
            let items: Option<Vec<String>> = items.iter().map(json_template).collect();
            format!("[{}]", items?.join(","))
        }
        Y::Str(s) if s.contains("{{") => format!("{{{{ {} | tojson }}}}", jinja_of(v)?),
        Y::Str(s) if s.contains(['{', '}']) => return None,
        Y::Str(s) => serde_json::to_string(s).ok()?,
        Y::Num(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Null => "null".into(),
        _ => return None,
    })
}

/// `{{ user }}:{{ password }}` as one expression: `(user ~ ":" ~ password)`.
fn joined_jinja(s: &str) -> Option<String> {
    let mut pieces = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        match rest.find("{{") {
            Some(0) => {
                let end = rest.find("}}")?;
                let inner = rest[2..end].trim();
                if inner.is_empty() || inner.contains('{') || inner.contains('}') {
                    return None;
                }
                let plain = crate::import::vars::is_word(inner);
                pieces.push(match plain {
                    true => inner.to_string(),
                    false => format!("({inner})"),
                });
                rest = &rest[end + 2..];
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let text = &rest[..end];
                if text.contains(['{', '}']) {
                    return None;
                }
                pieces.push(serde_json::to_string(text).ok()?);
                rest = &rest[end..];
            }
        }
    }
    Some(format!("({})", pieces.join(" ~ ")))
}

/// `Math.floor(Math.random() * n)`: the factor `n` (a whole number below it is made).
fn random_factor(e: &Expr) -> Option<&Expr> {
    rounded_random(e, "Math.floor")
}

/// `<rounding>(Math.random() * n)` (`Math.floor`, `Math.round`, `Math.ceil`): the factor `n`.
pub(super) fn rounded_random<'e>(e: &'e Expr, rounding: &str) -> Option<&'e Expr> {
    let Expr::Call(floor, args) = e else {
        return None;
    };
    let [Expr::Binary("*", a, b)] = args.as_slice() else {
        return None;
    };
    if path(floor).as_deref() != Some(rounding) {
        return None;
    }
    let is_random = |x: &Expr| matches!(x, Expr::Call(c, a) if a.is_empty() && path(c).as_deref() == Some("Math.random"));
    match (is_random(a), is_random(b)) {
        (true, false) => Some(b),
        (false, true) => Some(a),
        _ => None,
    }
}

/// `Math.floor(Math.random() * 5)`: 5, the number a whole number is made below (a literal).
fn random_below(e: &Expr) -> Option<i64> {
    whole_factor(random_factor(e)?)
}

/// One form-encoded value as text (`+` is a space).
fn form_decoded(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `Math.floor(Math.random() * n)` or random letters and digits, as minijinja.
fn random_jinja(e: &Expr) -> Option<String> {
    // `Math.random() < 0.5`: true as often (a millionth's grain).
    if let Expr::Binary(op @ ("<" | ">" | "<=" | ">="), a, b) = e
        && matches!(&**a, Expr::Call(c, args) if args.is_empty() && path(c).as_deref() == Some("Math.random"))
        && let Expr::Num(p) = &**b
        && (0.0..=1.0).contains(p)
    {
        return Some(format!(
            "(random_int(0, 999999) {op} {})",
            (p * 1e6).round()
        ));
    }
    if let Some(n) = random_below(e) {
        return Some(format!("random_int(0, {})", n - 1));
    }
    // `Math.round(Math.random() * n)`: 0 to n; `Math.ceil(...)`: 1 to n (0 only when the
    // random number is exactly 0).
    for (rounding, low) in [("Math.round", 0), ("Math.ceil", 1)] {
        if let Some(n) = rounded_random(e, rounding).and_then(whole_factor)
            && n >= low
        {
            return Some(format!("random_int({low}, {n})"));
        }
    }
    // lodash's `_.random(100, 999)` / `_.random(9)`: a whole number, both ends included.
    if let Expr::Call(callee, args) = e
        && path(callee).as_deref() == Some("_.random")
    {
        let whole = |x: &Expr| match x {
            // Up to what a whole number of yarc holds (`_.random(3020010e11, 3020019e11)`: ids).
            Expr::Num(n) if n.fract() == 0.0 && (0.0..=9e18).contains(n) => Some(*n as i64),
            _ => None,
        };
        return match args.as_slice() {
            [b] => Some(format!("random_int(0, {})", whole(b)?)),
            [a, b] if whole(a)? <= whole(b)? => {
                Some(format!("random_int({}, {})", whole(a)?, whole(b)?))
            }
            _ => None,
        };
    }
    random_text(e).map(|n| format!("(uuid() | replace('-', ''))[:{n}]"))
}

/// `Math.random().toString(36).substring(2, 7)` (`.substr(2, 5)`, `.slice(2, 7)`,
/// `.substring(7)`): that many random letters and digits.
fn random_text(e: &Expr) -> Option<usize> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    let Expr::Member(inner, cut) = &**callee else {
        return None;
    };
    let Expr::Call(to_string, radix) = &**inner else {
        return None;
    };
    let Expr::Member(random, m) = &**to_string else {
        return None;
    };
    let is_random = matches!(&**random, Expr::Call(r, a) if a.is_empty() && path(r).as_deref() == Some("Math.random"));
    if !is_random || m != "toString" || !matches!(radix.as_slice(), [Expr::Num(r)] if *r == 36.0) {
        return None;
    }
    let whole = |x: &Expr| match x {
        Expr::Num(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= 64.0 => Some(*n as usize),
        _ => None,
    };
    let n = match (cut.as_str(), args.as_slice()) {
        ("substring" | "slice", [a, b]) => whole(b)?.checked_sub(whole(a)?)?,
        ("substr", [_, len]) => whole(len)?,
        // `.substring(7)`: the rest of `0.` and about 11 digits.
        ("substring" | "slice" | "substr", [a]) => 13usize.checked_sub(whole(a)?)?,
        _ => return None,
    };
    // A random fraction in base 36 has about 11 digits after `0.`.
    (1..=11).contains(&n).then_some(n)
}

/// A factor written as a whole number from 1 on, or as arithmetic of numbers
/// (`(max - min + 1)` with both written out).
fn whole_factor(f: &Expr) -> Option<i64> {
    fn constant(e: &Expr, depth: usize) -> Option<f64> {
        let (a, b) = match e {
            Expr::Num(n) => return Some(*n),
            Expr::Unary("-", x) if depth < 8 => return constant(x, depth + 1).map(|v| -v),
            Expr::Binary(_, a, b) if depth < 8 => {
                (constant(a, depth + 1)?, constant(b, depth + 1)?)
            }
            _ => return None,
        };
        match e {
            Expr::Binary("+", ..) => Some(a + b),
            Expr::Binary("-", ..) => Some(a - b),
            Expr::Binary("*", ..) => Some(a * b),
            _ => None,
        }
    }
    match constant(f, 0)? {
        n if n.fract() == 0.0 && (1.0..=1e15).contains(&n) => Some(n as i64),
        _ => None,
    }
}

/// The calls that read a variable: `pm.environment.get("x")` is `{{ x }}`.
const VAR_GETTERS: &[&str] = &[
    "pm.environment.get",
    "pm.collectionVariables.get",
    "pm.globals.get",
    "pm.variables.get",
    "pm.iterationData.get",
    "postman.getEnvironmentVariable",
    "postman.getGlobalVariable",
];

/// What reads a variable in a script.
const VARIABLE_READS: &[&str] = &[
    "pm.environment.get(",
    "pm.collectionVariables.get(",
    "pm.variables.get(",
    "pm.globals.get(",
    "pm.iterationData.get(",
];
const SET_CALLS: &[&str] = &[
    "pm.environment.set(",
    "pm.collectionVariables.set(",
    "pm.globals.set(",
    "pm.variables.set(",
    "postman.setEnvironmentVariable(",
    "postman.setGlobalVariable(",
];

/// What `pm.expect(x).to...` checks: `x`.
fn expected(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::Call(callee, args) if path(callee).as_deref() == Some("pm.expect") => args.first(),
        Expr::Call(inner, _) | Expr::Member(inner, _) => expected(inner),
        _ => None,
    }
}

/// A checked expression and what reading it reads through: `pm.expect(data.id.length)` throws
/// when `data.id` is missing, so the check stands before a set() of `data.id` too.
fn read_through(x: Expr) -> Vec<Expr> {
    let mut out = vec![x];
    while let Some(Expr::Member(inner, _) | Expr::Index(inner, _)) = out.last() {
        if matches!(&**inner, Expr::Ident(_)) {
            break;
        }
        let up = (**inner).clone();
        out.push(up);
    }
    out
}

/// The property `pm.expect(x).to.have.property("k")` (or `.own.property`) asks for: `k`.
fn property_checked(e: &Expr) -> Option<&str> {
    match e {
        Expr::Call(callee, args) if matches!(&**callee, Expr::Member(_, m) if matches!(m.as_str(), "property" | "ownProperty" | "haveOwnProperty")) => {
            match args.first() {
                Some(Expr::Str(k)) => Some(k),
                _ => None,
            }
        }
        Expr::Call(inner, _) | Expr::Member(inner, _) => property_checked(inner),
        _ => None,
    }
}

/// `pm.test("name", function () { ... })` (or an arrow): the body's statements.
/// `pm.test("skipped", () => true)`: Postman ignores what the function returns, so a test
/// made of literals only checks nothing, and passes.
fn test_of_nothing(e: &Expr) -> bool {
    let literal = |e: &Expr| {
        matches!(
            e,
            Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) | Expr::Null | Expr::Undefined
        )
    };
    test_body(e).is_some_and(|body| {
        body.iter().all(|s| match &s.kind {
            StmtKind::Return(None) => true,
            StmtKind::Return(Some(e)) | StmtKind::Expr(e) => literal(e),
            _ => false,
        })
    })
}

fn test_body(e: &Expr) -> Option<&[Stmt]> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    if path(callee).as_deref() != Some("pm.test") {
        return None;
    }
    match args.last()? {
        Expr::Func(_, body) => Some(body),
        _ => None,
    }
}

/// `pm.environment.set(k, v)`, `postman.setEnvironmentVariable(k, v)` and their kin.
fn set_call(e: &Expr) -> Option<(&Expr, &Expr)> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    let p = path(callee)?;
    let is_set = matches!(
        p.as_str(),
        "pm.environment.set"
            | "pm.collectionVariables.set"
            | "pm.globals.set"
            | "pm.variables.set"
            | "postman.setEnvironmentVariable"
            | "postman.setGlobalVariable"
    );
    match args.as_slice() {
        [k, v] if is_set => Some((k, v)),
        _ => None,
    }
}

/// Which variables a set call writes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SetScope {
    /// The collection's or the globals': an environment's variable of the same name outranks.
    Shared,
    /// The environment's.
    Environment,
    /// `pm.variables`: the run's local variables.
    Local,
}

fn set_scope(e: &Expr) -> SetScope {
    let Expr::Call(callee, _) = e else {
        return SetScope::Environment;
    };
    match path(callee).as_deref() {
        Some("pm.collectionVariables.set" | "pm.globals.set" | "postman.setGlobalVariable") => {
            SetScope::Shared
        }
        Some("pm.variables.set") => SetScope::Local,
        _ => SetScope::Environment,
    }
}

/// A function's body (or returned expression) with its parameters given the call's arguments
/// (a missing one `undefined`). Parameters are first renamed apart, so an argument that names
/// another parameter is not replaced again.
fn given<T: Replaced + Clone>(original: &T, params: &[String], args: &[Expr]) -> T {
    let apart = |i: usize| Expr::Ident(format!("\u{1}{i}"));
    let mut out = original.clone();
    for (i, p) in params.iter().enumerate() {
        out = out.replaced_by(&Expr::Ident(p.clone()), &apart(i));
    }
    for i in 0..params.len() {
        let arg = args.get(i).cloned().unwrap_or(Expr::Undefined);
        out = out.replaced_by(&apart(i), &arg);
    }
    out
}

/// A body with each local declared as a written value (a text, a number, a template literal of
/// those: `` const name = `ApiKey_${"255901"}` `` once an argument is given) read in place
/// wherever the body does not assign it again.
fn constants_in(body: &[Stmt]) -> Vec<Stmt> {
    let mut out = body.to_vec();
    for i in 0..out.len() {
        let StmtKind::Let(decls) = &out[i].kind else {
            continue;
        };
        let [(Binding::Name(name), value)] = decls.as_slice() else {
            continue;
        };
        let Some(written) = written_value(value) else {
            continue;
        };
        if out[i + 1..].iter().any(|s| s.assigns(name)) {
            continue;
        }
        let name = Expr::Ident(name.clone());
        for s in &mut out[i + 1..] {
            *s = s.replaced(&name, &written);
        }
    }
    out
}

/// A text or number as written (a template literal whose parts are written is one once
/// read through [`js::Expr::replaced`]).
fn written_value(v: &Expr) -> Option<Expr> {
    match v {
        Expr::Str(_) | Expr::Num(_) => Some(v.clone()),
        _ => None,
    }
}

/// An expression or statements in which one name can be replaced.
trait Replaced {
    fn replaced_by(&self, from: &Expr, to: &Expr) -> Self;
}

impl Replaced for Expr {
    fn replaced_by(&self, from: &Expr, to: &Expr) -> Expr {
        self.replaced(from, to)
    }
}

impl Replaced for Vec<Stmt> {
    fn replaced_by(&self, from: &Expr, to: &Expr) -> Vec<Stmt> {
        self.iter().map(|s| s.replaced(from, to)).collect()
    }
}

/// A variable in a condition, read as Postman's `get()` reads it: the `{{name}}` text the
/// import declares for a variable the export defines nowhere is `undefined` there (postman.rs
/// writes it plain where nothing gives the variable that text).
pub(crate) fn read_as_postman(name: &str) -> String {
    format!("({name} and {name} != \"{{{{{name}}}}}\")")
}

/// `name ?? fallback` of a variable: the fallback only where it is null or undefined — an
/// empty text or `0` stays, where `||` would replace it. A variable the export defines
/// nowhere is its own `{{name}}` text in yarc, `undefined` to a script. `name` is read
/// [`NULLISH_READS`] times.
pub(crate) fn nullish(name: &str, fallback: &str) -> String {
    format!(
        "({name} if {name} is defined and {name} is not none and {name} != \"{{{{{name}}}}}\" else {fallback})"
    )
}

/// How often [`nullish`] reads its variable.
pub(crate) const NULLISH_READS: usize = 5;

/// A variable joined into text, read as Postman's `get()` reads it: the `{{name}}` text the
/// import declares for a variable the export defines nowhere is `undefined` there, which
/// JavaScript joins as `undefined` (`btoa(id + ":" + secret)` of two unset: `undefined:undefined`).
/// postman.rs writes it plain where nothing gives the variable that text.
pub(crate) fn joined_as_postman(name: &str) -> String {
    format!("({name} if {name} != \"{{{{{name}}}}}\" else \"undefined\")")
}

/// The variables `lines` set to `null` — `pm.environment.set("motion_id", null)`, each of a
/// list, `["a_id", "b_id"].forEach(key => { pm.environment.set(key, null) })` — by their yarc
/// names. Newman keeps the null: a script's `get` reads it as false, where yarc holds the text
/// `null` Newman sends.
pub(crate) fn null_sets(lines: &[String]) -> Vec<String> {
    static ONE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static EACH: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let one = ONE.get_or_init(|| {
        regex::Regex::new(
            r#"(?:\.set|\.set(?:Environment|Global)Variable)\(\s*["']([^"']+)["']\s*,\s*null\s*\)"#,
        )
        .expect("a valid pattern")
    });
    // Over a list written there or in a local: `[...].forEach(k => set(k, null))`,
    // `keys.forEach(function (k) {...})`, `for (const k of [...]) {...}`.
    let each = EACH.get_or_init(|| {
        let list = r#"(?:\[(?P<items>[^\[\]]*)\]|(?P<local>[A-Za-z_$][\w$]*))"#;
        let set = r#"\{?\s*pm\.\w+\.set\(\s*(?P<set>[A-Za-z_$][\w$]*)\s*,\s*null\s*\)"#;
        regex::Regex::new(&format!(
            r#"{list}\s*\.forEach\(\s*(?:function\s*)?\(?\s*(?P<key>[A-Za-z_$][\w$]*)\s*\)?\s*(?:=>)?\s*{set}|for\s*\(\s*(?:const|let|var)\s+(?P<key2>[A-Za-z_$][\w$]*)\s+of\s+{list2}\s*\)\s*{set2}"#,
            list2 = list.replace("items", "items2").replace("local", "local2"),
            set2 = set.replace("<set>", "<set2>"),
        ))
        .expect("a valid pattern")
    });
    let text = lines.join("\n");
    let mut out: Vec<String> = one.captures_iter(&text).map(|c| c[1].to_string()).collect();
    let quoted = regex::Regex::new(r#"["']([^"']+)["']"#).expect("a valid pattern");
    // Each list in a local is searched for in the whole script: a few, not thousands.
    for c in each.captures_iter(&text).take(64) {
        let group = |a: &str, b: &str| c.name(a).or_else(|| c.name(b)).map(|m| m.as_str());
        if group("key", "key2") != group("set", "set2") {
            continue;
        }
        let items = match (group("items", "items2"), group("local", "local2")) {
            (Some(items), _) => items.to_string(),
            (None, Some(local)) => list_of(&text, local).unwrap_or_default(),
            _ => continue,
        };
        out.extend(quoted.captures_iter(&items).map(|q| q[1].to_string()));
    }
    out.iter().map(|n| super::vars::ident(n)).collect()
}

/// The items of a list a local is declared with (`const keys = ["a", "b"]`), as written.
fn list_of(text: &str, local: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(
        r"\b(?:const|let|var)\s+{}\s*=\s*\[([^\[\]]*)\]",
        regex::escape(local)
    ))
    .ok()?;
    Some(re.captures(text)?[1].to_string())
}

/// `{{name}}` as yarc text: what the import gives a variable Postman does not have (defined
/// nowhere, or unset or cleared by a script).
fn own_text(name: &str) -> String {
    super::vars::text_expr(&format!("{{{{{name}}}}}"))
}

/// Names Postman's sandbox already holds, which a script's top-level `const` or `let` cannot
/// declare again (checked with Newman 6.2.1: each fails the script with a SyntaxError).
const SANDBOX_NAMES: &[&str] = &[
    "data",
    "request",
    "environment",
    "globals",
    "iteration",
    "responseBody",
    "responseCode",
    "tests",
    "postman",
    "pm",
    "cheerio",
    "_",
    "responseHeaders",
    "responseTime",
    "responseCookies",
    "CryptoJS",
    "xml2Json",
    "tv4",
    "atob",
    "btoa",
    "console",
    "JSON",
    "setTimeout",
];

/// The names `set()` calls in these lines name as a literal, as written there.
pub(crate) fn names_set_in<'a>(
    lines: impl Iterator<Item = &'a str>,
) -> impl Iterator<Item = String> {
    static SET: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = SET.get_or_init(|| {
        regex::Regex::new(
            r#"(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*["'`]([^"'`]*)["'`]"#,
        )
        .expect("a valid pattern")
    });
    lines.flat_map(|l| {
        re.captures_iter(l)
            .map(|c| c[1].to_string())
            .collect::<Vec<_>>()
    })
}

/// The names a script's top level assigns without declaring them anywhere in it (`var`
/// hoists from a block; a parameter or a pattern may declare one too: any mention after a
/// declaring word counts).
fn assigned_undeclared(statements: &[Stmt], text: &str) -> Vec<String> {
    let declares = |n: &str| {
        let n = regex::escape(n);
        let pattern = format!(
            r"\b(?:var|let|const|function)\s+{n}\b|\bfunction\s*[\w$]*\s*\([^)]*\b{n}\b|\([^()]*\b{n}\b[^()]*\)\s*=>|\b{n}\s*=>|\b(?:var|let|const)\s[^;]*,\s*{n}\b"
        );
        regex::Regex::new(&pattern).map_or(true, |re| re.is_match(text))
    };
    let assigned = statements.iter().filter_map(|s| match &s.kind {
        StmtKind::Assign(Expr::Ident(n), _) if !declares(n) => Some(n.clone()),
        _ => None,
    });
    assigned.collect()
}

/// The sandbox names (and those an earlier script made global) the script's top-level
/// `const`/`let` declarations take again.
fn redeclared(
    lines: &[String],
    statements: &[Stmt],
    made_global: &BTreeSet<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for s in statements {
        let StmtKind::Let(decls) = &s.kind else {
            continue;
        };
        let line = lines
            .get(s.first.saturating_sub(1))
            .map_or("", |l| l.trim_start());
        if !(line.starts_with("const ") || line.starts_with("let ")) {
            continue;
        }
        for (b, _) in decls {
            if let Binding::Name(n) = b
                && (SANDBOX_NAMES.contains(&n.as_str()) || made_global.contains(n))
                && !out.contains(n)
            {
                out.push(n.clone());
            }
        }
    }
    out
}

/// Whether a statement of the script (not a function's body) awaits: `await` outside an async
/// function. A statement the parser did not read is judged by its text.
fn awaits_at_top(lines: &[String], statements: &[Stmt]) -> bool {
    statements.iter().any(|s| match &s.kind {
        StmtKind::Expr(e) | StmtKind::Throw(e) | StmtKind::Return(Some(e)) => awaits(e),
        StmtKind::Return(None) => false,
        StmtKind::Let(decls) => decls.iter().any(|(_, e)| awaits(e)),
        StmtKind::Assign(a, b) => awaits(a) || awaits(b),
        StmtKind::If(c, then, otherwise) => {
            awaits(c) || awaits_at_top(lines, then) || awaits_at_top(lines, otherwise)
        }
        StmtKind::Try(body, catch) => awaits_at_top(lines, body) || awaits_at_top(lines, catch),
        StmtKind::For(l) => awaits(&l.list) || awaits_at_top(lines, &l.body),
        StmtKind::Other => {
            let text = lines
                .get(s.first.saturating_sub(1)..s.last.min(lines.len()))
                .unwrap_or_default()
                .join("\n");
            let words: Vec<&str> = text
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .collect();
            words.contains(&"await") && !words.contains(&"async")
        }
    })
}

/// Whether an expression awaits outside the functions in it.
fn awaits(e: &Expr) -> bool {
    match e {
        Expr::Unary("await", _) => true,
        Expr::Unary(_, x) | Expr::Member(x, _) => awaits(x),
        Expr::Func(..) => false,
        Expr::Index(a, b) | Expr::Binary(_, a, b) => awaits(a) || awaits(b),
        Expr::Call(f, args) => awaits(f) || args.iter().any(awaits),
        Expr::Array(items) => items.iter().any(awaits),
        Expr::Object(fields) => fields.iter().any(|(_, v)| awaits(v)),
        Expr::Cond(a, b, c) => awaits(a) || awaits(b) || awaits(c),
        Expr::Template(parts) => parts
            .iter()
            .any(|p| matches!(p, js::TemplatePart::Expr(x) if awaits(x))),
        _ => false,
    }
}

/// A text that starts as `start` and has `piece` written `n` times after it (a loop in the
/// template where the piece is made anew each time).
fn repeated(start: String, piece: &str, n: usize) -> String {
    match piece.contains("{{") && n >= 3 {
        true => format!("{start}{{% for _ in range({n}) %}}{piece}{{% endfor %}}"),
        false => start + &piece.repeat(n),
    }
}

/// The locals a [`Converter::builder`] function declares before its loop: what the text `acc`
/// starts as, and the written values of the others (a text, a number, a text's length).
fn builder_locals(locals: &[Stmt], acc: &str) -> Option<(Expr, Vec<(String, Expr)>)> {
    let mut init = None;
    let mut written: Vec<(String, Expr)> = Vec::new();
    for s in locals {
        let StmtKind::Let(decls) = &s.kind else {
            return None;
        };
        for (b, v) in decls {
            let Binding::Name(local) = b else {
                return None;
            };
            let v = written.iter().fold(v.clone(), |e, (n, w)| {
                e.replaced_by(&Expr::Ident(n.clone()), w)
            });
            if local == acc {
                init = Some(v);
                continue;
            }
            let v = match v {
                Expr::Member(ref text, ref len)
                    if len == "length"
                        && let Expr::Str(t) = &**text =>
                {
                    Expr::Num(t.encode_utf16().count() as f64)
                }
                v @ (Expr::Str(_) | Expr::Num(_)) => v,
                _ => return None,
            };
            written.push((local.clone(), v));
        }
    }
    Some((init?, written))
}

/// A function that builds a text by repeating a piece (see [`Converter::builder`]).
#[derive(Clone)]
struct Builder {
    params: Vec<String>,
    start: Expr,
    times: Expr,
    piece: Expr,
}

/// Whether `text` holds `name` as a word of JavaScript.
fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|w| w == name)
}

/// For each word of a script (a name, as JavaScript spells one), the lines (1-based) that hold
/// it and how many times.
type WordLines = HashMap<String, Vec<(usize, usize)>>;

fn word_lines(lines: &[String]) -> WordLines {
    let mut out: WordLines = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        let mut here: HashMap<&str, usize> = HashMap::new();
        for w in line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')) {
            if !w.is_empty() {
                *here.entry(w).or_default() += 1;
            }
        }
        for (w, n) in here {
            out.entry(w.to_string()).or_default().push((i + 1, n));
        }
    }
    out
}

/// `pm.collectionVariables.clear()`, `pm.environment.clear()`: which variables go.
fn cleared_scope(e: &Expr) -> Option<&'static str> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    if !args.is_empty() {
        return None;
    }
    match path(callee).as_deref() {
        Some("pm.collectionVariables.clear") => Some("collection"),
        Some("pm.environment.clear") => Some("environment"),
        _ => None,
    }
}

/// The scope `pm.environment.unset("x")` (and the others) unsets from.
fn unset_scope(e: &Expr) -> &'static str {
    let Expr::Call(callee, _) = e else {
        return "environment";
    };
    match path(callee).as_deref() {
        Some("pm.collectionVariables.unset") => "collection",
        Some("pm.globals.unset" | "postman.clearGlobalVariable") => "globals",
        Some("pm.variables.unset") => "local",
        _ => "environment",
    }
}

fn unset_call(e: &Expr) -> bool {
    let Expr::Call(callee, _) = e else {
        return false;
    };
    matches!(
        path(callee).as_deref(),
        Some(
            "pm.environment.unset"
                | "pm.collectionVariables.unset"
                | "pm.globals.unset"
                | "pm.variables.unset"
                | "postman.clearEnvironmentVariable"
                | "postman.clearGlobalVariable"
        )
    )
}

/// `setTimeout(function () { ... }, ms)`: the callback's statements.
fn timeout_body(e: &Expr) -> Option<&[Stmt]> {
    match e {
        Expr::Call(callee, args) if matches!(&**callee, Expr::Ident(f) if f == "setTimeout") => {
            match args.first() {
                Some(Expr::Func(_, body)) => Some(body),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A check of the item `find` picks (`$.items[?(@.rel == 'x')].qty`, or the item itself as an
/// object): yarc compares a filter's nodes as a list, so the check is of each node it selects —
/// the one `find` returns when one matches. The list itself (`exists`, `length`, an array) is
/// what `filter` returns, and stays a list.
/// `.length` of a subject, under `expect`.
fn put_length(e: &mut Y, inner: Subject, predicate: &str, value: Y, negate: bool) {
    // `find(...).items.length`: the length of what each found item holds (the filter's own
    // nodes are the list of matches).
    if let Subject::Json(p) = &inner
        && below_filter(p)
    {
        let each = entry_map(entry_map(e.child("json"), p), "each");
        add_predicate(each, "length", predicate, value, negate);
        return;
    }
    // A filter's nodes are a list already.
    let json = matches!(&inner, Subject::Json(p) if !p.contains("[?"));
    let (map, key) = match inner {
        Subject::Json(p) => (e.child("json"), p),
        Subject::Xml(p) => (e.child("xml"), p),
        Subject::Var(name) => (e.child("vars"), name),
        _ => (&mut *e, "body".to_string()),
    };
    let entry = entry_map(map, &key);
    add_predicate(entry, "length", predicate, value, negate);
    if json && entry.get_mut("type").is_none() {
        // JavaScript's `.length` is a string's or a list's: an object has none,
        // and the check fails in Postman (yarc's `length` counts an object's keys).
        put_negated(entry, "type", Y::str("object"));
    }
}

/// Whether a path goes on past its last filter (`$.parts[?(...)].items`): it reads into each
/// item the filter found.
fn below_filter(p: &str) -> bool {
    p.rfind("[?")
        .is_some_and(|at| !p.ends_with(']') || p[at..].matches('[').count() > 1)
}

fn found_item(p: &str, predicate: &str, value: &Y) -> bool {
    if !p.contains("[?") {
        return false;
    }
    let below = below_filter(p);
    match predicate {
        "exists" => false,
        "length" if !below => false,
        "type" if !below => !matches!(value, Y::Str(t) if t == "array"),
        _ => true,
    }
}

/// In a `forEach`, `pm.expect(item.qty).to.be.above(0)` fails in Postman on an item without
/// `qty`; `$.items[*].qty` just does not select it. So every item must hold each name read
/// down to the value: `"$.items[*]": { each: { contains: qty } }` (an object's key).
fn every_item_has(json: &mut Y, base: &str, path: &str) {
    let mut at = base.to_string();
    for key in simple_steps(&path[base.len()..]) {
        let level = entry_map(json, &at);
        add_predicate(level, "each", "contains", Y::str(&key), false);
        at = child(&at, &key);
    }
}

/// The names of `.a.b['c-d']`, up to the first step that is no plain name (an index, a
/// wildcard, a filter).
fn simple_steps(rest: &str) -> Vec<String> {
    static STEP: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let step = STEP.get_or_init(|| {
        regex::Regex::new(r#"^(?:\.([A-Za-z_$][\w$]*)|\['((?:[^'\\]|\\.)*)'\])"#)
            .expect("valid regex")
    });
    let mut out = Vec::new();
    let mut rest = rest;
    while let Some(c) = step.captures(rest) {
        let name = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        out.push(name.replace("\\'", "'"));
        rest = &rest[c.get(0).map_or(0, |m| m.end())..];
    }
    out
}

/// A predicate that passes when the value is not there: no reason to ask for it.
fn speaks_of_absence(predicate: &str, value: &Y, negate: bool) -> bool {
    match (predicate, value) {
        ("exists", Y::Bool(b)) => *b == negate,
        ("any", _) => true,
        _ => false,
    }
}

/// `pm.expect`, as an expression to call.
fn pm_expect() -> Expr {
    Expr::Member(Box::new(Expr::Ident("pm".into())), "expect".into())
}

/// `i.a.b` (also `i["a-b"]`) read from the item `i`: the names down from it; none for `i`
/// itself, nothing for anything else.
fn steps_from<'a>(e: &'a Expr, item: &str) -> Option<Vec<&'a str>> {
    match e {
        Expr::Ident(n) if n == item => Some(Vec::new()),
        Expr::Member(inner, k) => {
            let mut steps = steps_from(inner, item)?;
            steps.push(k.as_str());
            Some(steps)
        }
        Expr::Index(inner, k) => match &**k {
            Expr::Str(k) => {
                let mut steps = steps_from(inner, item)?;
                steps.push(k.as_str());
                Some(steps)
            }
            _ => None,
        },
        _ => None,
    }
}

/// `(-1)`: the last item's index, for `at`.
pub(super) fn is_minus_one(args: &[Expr]) -> bool {
    match args {
        [Expr::Num(n)] => *n == -1.0,
        [Expr::Unary("-", x)] => matches!(&**x, Expr::Num(n) if *n == 1.0),
        _ => false,
    }
}

/// `Object.values(x)` (false) or `Object.entries(x)` (true): the object.
fn object_members(e: &Expr) -> Option<(&Expr, bool)> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    let entries = match path(callee).as_deref() {
        Some("Object.values") => false,
        Some("Object.entries") => true,
        _ => return None,
    };
    match args.as_slice() {
        [of] => Some((of, entries)),
        _ => None,
    }
}

/// The value's name in an entry's pattern (`[key, value]`); the key stays unknown, so what
/// reads it is kept.
fn entry_value(param: &str) -> Option<String> {
    let inner = param.strip_prefix('[')?.strip_suffix(']')?;
    match inner.split(',').collect::<Vec<_>>().as_slice() {
        [_, value] => Some(value.to_string()),
        _ => None,
    }
}

/// A `catch` that logs, or gives a name the `try` assigned a harmless value
/// (`catch (e) { res = {}; }`): later reads of it do not throw, whatever the body was.
fn fallback(handler: &Stmt, body: &[Stmt]) -> bool {
    // `tests["valid JSON"] = false` beside `= true` after the parse in the `try`.
    if let Some(key) = failed_test(handler) {
        let passed = |s: &Stmt| {
            matches!(&s.kind, StmtKind::Assign(Expr::Index(t, k), Expr::Bool(true))
            if matches!(&**t, Expr::Ident(n) if n == "tests") && **k == *key)
        };
        return body.iter().any(passed);
    }
    let StmtKind::Assign(Expr::Ident(name), value) = &handler.kind else {
        return is_console_stmt(handler);
    };
    let harmless = match value {
        Expr::Object(o) => o.is_empty(),
        Expr::Array(a) => a.is_empty(),
        v => matches!(v, Expr::Null | Expr::Undefined),
    };
    let assigned = |s: &Stmt| matches!(&s.kind, StmtKind::Assign(Expr::Ident(n), _) if n == name);
    harmless && body.iter().any(assigned)
}

/// `tests["x"] = false`: the name of a legacy test that fails.
fn failed_test(s: &Stmt) -> Option<&Expr> {
    match &s.kind {
        StmtKind::Assign(Expr::Index(t, k), Expr::Bool(false)) if matches!(&**t, Expr::Ident(n) if n == "tests") => {
            Some(k)
        }
        _ => None,
    }
}

/// Statements that fail the test whatever the response holds, and say something at most:
/// `pm.expect.fail(...)`, `throw`, `tests["x"] = false`, a `pm.test` made of those.
fn fails_always(b: &[Stmt]) -> bool {
    fn fails(s: &Stmt) -> bool {
        match &s.kind {
            StmtKind::Throw(_) => true,
            StmtKind::Expr(Expr::Call(callee, _))
                if path(callee).as_deref() == Some("pm.expect.fail") =>
            {
                true
            }
            StmtKind::Expr(e) => test_body(e).is_some_and(fails_always) || unequal_literals(e),
            StmtKind::Assign(Expr::Index(t, _), Expr::Bool(false)) => {
                matches!(&**t, Expr::Ident(n) if n == "tests")
            }
            _ => false,
        }
    }
    // `else { var data = JSON.parse(responseBody); tests["failed: " + responseBody] = false }`
    let quiet =
        |s: &Stmt| matches!(&s.kind, StmtKind::Let(d) if d.iter().all(|(_, v)| !has_effect(v)));
    b.iter().any(fails) && b.iter().all(|s| fails(s) || says_only(s) || quiet(s))
}

/// `pm.expect(0).to.eql(1)`: a check of two different written values, which always fails
/// (a CTK's "this must not be returned").
fn unequal_literals(e: &Expr) -> bool {
    let Expr::Call(callee, args) = e else {
        return false;
    };
    let literal = |x: &Expr| matches!(x, Expr::Num(_) | Expr::Str(_) | Expr::Bool(_));
    let ([expected], Expr::Member(chain, last)) = (args.as_slice(), &**callee) else {
        return false;
    };
    let Some((actual, words)) = send::chain_words(chain) else {
        return false;
    };
    matches!(last.as_str(), "eql" | "equal" | "eq" | "equals")
        && !words.contains(&"not")
        && literal(actual)
        && literal(expected)
        && actual != expected
}

/// `pm.expect(true).to.be.true`: a check that holds whatever the response holds.
fn holds_always(s: &Stmt) -> bool {
    let StmtKind::Expr(e) = &s.kind else {
        return false;
    };
    matches!(send::chain_words(e), Some((Expr::Bool(true), words))
        if matches!(words.last(), Some(&"true" | &"ok")))
}

/// `tests["x"] = true`: a legacy test that passes whatever the response holds.
fn passes_always(s: &Stmt) -> bool {
    matches!(&s.kind, StmtKind::Assign(Expr::Index(t, _), Expr::Bool(true))
        if matches!(&**t, Expr::Ident(n) if n == "tests"))
}

/// The objects a block declares (`const options = {...}`) beside those in scope, with what it
/// assigns to their fields after (`options.body.raw = JSON.stringify(form)`).
fn block_objects(outer: &HashMap<String, Expr>, block: &[Stmt]) -> HashMap<String, Expr> {
    let mut objects = outer.clone();
    for s in block {
        match &s.kind {
            StmtKind::Let(decls) => {
                for (b, v) in decls {
                    if let (Binding::Name(n), Expr::Object(_)) = (b, v) {
                        objects.insert(n.clone(), v.clone());
                    }
                }
            }
            StmtKind::Assign(target, value) => {
                let mut fields = Vec::new();
                let mut at = target;
                while let Expr::Member(inner, f) = at {
                    fields.push(f.as_str());
                    at = inner;
                }
                if let Expr::Ident(root) = at
                    && let Some(obj) = objects.get_mut(root)
                {
                    fields.reverse();
                    set_field(obj, &fields, value.clone());
                }
            }
            _ => {}
        }
    }
    objects
}

/// `obj.a.b = value` on an object literal (a field it lacks is added).
fn set_field(obj: &mut Expr, fields: &[&str], value: Expr) {
    let (Expr::Object(entries), Some((first, rest))) = (obj, fields.split_first()) else {
        return;
    };
    let at = match entries.iter().position(|(k, _)| k == first) {
        Some(i) => i,
        None => {
            let empty = if rest.is_empty() {
                Expr::Undefined
            } else {
                Expr::Object(Vec::new())
            };
            entries.push((first.to_string(), empty));
            entries.len() - 1
        }
    };
    match rest.is_empty() {
        true => entries[at].1 = value,
        false => set_field(&mut entries[at].1, rest, value),
    }
}

/// The fields a token request sends: an object literal or a name for one; of `a ? b : c`, the
/// one that asks for a token with a grant (`password`, `client_credentials`), not a refresh.
fn granting_object<'a>(
    e: &'a Expr,
    objects: &'a HashMap<String, Expr>,
) -> Option<&'a [(String, Expr)]> {
    let fields = match e {
        Expr::Object(o) => o.as_slice(),
        Expr::Ident(n) => match objects.get(n)? {
            Expr::Object(o) => o.as_slice(),
            _ => return None,
        },
        Expr::Cond(_, a, b) => {
            return granting_object(a, objects)
                .filter(|f| grants(f))
                .or_else(|| granting_object(b, objects).filter(|f| grants(f)));
        }
        _ => return None,
    };
    Some(fields)
}

fn grants(fields: &[(String, Expr)]) -> bool {
    matches!(field(fields, "grant_type"), Some(Expr::Str(g)) if g == "password" || g == "client_credentials")
}

/// A statement that only says something: console output, or a `pm.test("name")` without a
/// function, which Newman lists as skipped.
fn is_console_stmt(s: &Stmt) -> bool {
    matches!(&s.kind, StmtKind::Expr(e) if is_console(e) || is_pending_test(e))
}

/// A condition JavaScript evaluates without throwing: literals, names, variables read
/// (`pm.environment.get("x")`), and `!`, comparisons, `&&`, `||` of those.
fn cannot_throw(e: &Expr) -> bool {
    match e {
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null | Expr::Undefined => true,
        Expr::Ident(_) => true,
        Expr::Unary("typeof", x) => matches!(&**x, Expr::Ident(_)),
        Expr::Unary("!", x) => cannot_throw(x),
        Expr::Binary(_, a, b) => cannot_throw(a) && cannot_throw(b),
        Expr::Call(c, args) => {
            path(c).is_some_and(|p| {
                p.starts_with("pm.") && (p.ends_with(".get") || p.ends_with(".has"))
            }) && args.iter().all(|a| matches!(a, Expr::Str(_)))
        }
        _ => false,
    }
}

/// [`cannot_throw`], or a field of Postman's own objects (`pm.response.length`: undefined,
/// no error), compared.
/// A JSONPath of one member of the body's top level (`$.id`, `$['id']`, `$[0]`).
impl Converter {
    /// Whether the script already checked that what `x` is a member of is there (a check of
    /// it, or of something in it: `pm.expect(result.id).to.exist` before
    /// `pm.expect(result.id).to.be.a.string`): reading `x` then cannot throw.
    fn checked_before(&self, x: &Expr) -> bool {
        let (kind, p) = match self.subject(x) {
            Some(Subject::Json(p)) => ("json", p),
            Some(Subject::Xml(p)) if !p.is_empty() => ("xml", p),
            _ => return false,
        };
        let Y::Map(expect) = &self.out.expect else {
            return false;
        };
        let Some((_, Y::Map(checks))) = expect.iter().find(|(k, _)| k == kind) else {
            return false;
        };
        let Some(base) = p.rfind(['.', '[', '/']).map(|at| &p[..at]) else {
            return false;
        };
        let within = |k: &str| {
            k.strip_prefix(base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[', '/']))
        };
        checks.iter().any(|(k, _)| within(k))
    }
}

fn top_level(p: &str) -> bool {
    let rest = p.strip_prefix('$').unwrap_or("x");
    let one = |r: &str| {
        r.strip_prefix('.').is_some_and(|n| !n.contains(['.', '[']))
            || r.strip_prefix('[')
                .is_some_and(|n| n.find(']') == Some(n.len() - 1))
    };
    one(rest)
}

/// Whether a statement reads the member of `path` with optional chaining (`electric?.id` for
/// `$.electric`, `data?.x` for `$`), or below a link that has it (`items?.first.id` for
/// `$.items.first`: the whole chain gives `undefined` rather than throwing).
fn read_optionally(text: &str, path: &str) -> bool {
    if path == "$" {
        return true;
    }
    path.split(['.', '['])
        .skip(1)
        .map(|seg| seg.trim_end_matches(']').trim_matches(['\'', '"']))
        .filter(|seg| !seg.is_empty())
        .any(|seg| {
            ["?.", "']?.", "\"]?.", "]?."]
                .iter()
                .any(|tail| text.contains(&format!("{seg}{tail}")))
        })
}

fn reads_safely(e: &Expr) -> bool {
    match e {
        Expr::Binary(_, a, b) => reads_safely(a) && reads_safely(b),
        Expr::Member(inner, _) => path(inner).is_some_and(|p| p == "pm" || p.starts_with("pm.")),
        other => cannot_throw(other),
    }
}

/// [`is_console_stmt`], or an `if` (`else if (code == 404) { pm.test("Not Found") }`) whose
/// every branch only says something.
/// A case whose `when` is the status the request checks anyway (`tests["200"] = code === 200;
/// if (code === 200) { ... }`) holds whenever the request can pass: its checks are the
/// request's own, where none of them is written there already.
fn fold_stated_cases(expect: &mut Y) {
    let Some(status) = expect.get_mut("status").cloned() else {
        return;
    };
    let Some(Y::Seq(cases)) = expect.remove("cases") else {
        return;
    };
    let stated = Y::Map(vec![("status".into(), status)]);
    let mut kept = Vec::new();
    for case in cases {
        let Y::Map(entries) = &case else {
            kept.push(case);
            continue;
        };
        let rest: Vec<&(String, Y)> = entries.iter().filter(|(k, _)| k != "when").collect();
        let when = entries.iter().find(|(k, _)| k == "when").map(|(_, w)| w);
        if when != Some(&stated) || !rest.iter().all(|(k, v)| free_for(expect, k, v)) {
            kept.push(case);
            continue;
        }
        for (k, v) in rest {
            match (expect.get_mut(k), v) {
                (Some(mine @ Y::Map(_)), Y::Map(items)) => {
                    for (name, predicates) in items {
                        mine.set(name, predicates.clone());
                    }
                }
                _ => expect.set(k, v.clone()),
            }
        }
    }
    if !kept.is_empty() {
        expect.set("cases", Y::Seq(kept));
    }
}

/// Whether `expect` can take `key: value` of a case without losing a check of its own.
fn free_for(expect: &mut Y, key: &str, value: &Y) -> bool {
    const NAMED: &[&str] = &["json", "xml", "headers", "cookies", "vars"];
    match (expect.get_mut(key), value) {
        (None, _) => key != "cases",
        (Some(mine), Y::Map(items)) if NAMED.contains(&key) => {
            items.iter().all(|(name, _)| mine.get_mut(name).is_none())
        }
        _ => false,
    }
}

/// `tests["tag " + i] = ...`: a legacy test named by the index of a loop, its name written
/// (what it checks is the same whatever the name).
fn unnamed_index(s: &Stmt) -> Stmt {
    match &s.kind {
        StmtKind::Assign(Expr::Index(t, key), value)
            if matches!(&**t, Expr::Ident(n) if n == "tests")
                && !matches!(&**key, Expr::Str(_)) =>
        {
            let named = Expr::Index(t.clone(), Box::new(Expr::Str("each".into())));
            Stmt {
                kind: StmtKind::Assign(named, value.clone()),
                ..s.clone()
            }
        }
        _ => s.clone(),
    }
}

/// The objects a script stores in a variable, written out in it: `var schemas = {};
/// schemas.Order = { ... }; pm.globals.set("schemas", schemas)` (what a collection's script
/// keeps for the tests that read it: `pm.globals.get("schemas").Order`).
/// `before`: what earlier scripts stored, read back here as `JSON.parse(pm.globals.get("k"))`.
pub(crate) fn objects_set(
    lines: &[String],
    before: &HashMap<String, serde_json::Value>,
) -> Vec<(String, serde_json::Value)> {
    let mut objects: HashMap<String, serde_json::Value> = HashMap::new();
    let mut out = Vec::new();
    let known = |objects: &HashMap<String, serde_json::Value>, e: &Expr| {
        stored_value(e, &|e| object_read(e, objects, before))
    };
    for s in js::parse(&lines.join("\n")) {
        match &s.kind {
            StmtKind::Let(decls) => {
                for (b, e) in decls {
                    if let (Binding::Name(n), Some(v)) = (b, known(&objects, e)) {
                        objects.insert(n.clone(), v);
                    }
                }
            }
            StmtKind::Assign(Expr::Member(of, m), e) => {
                let v = known(&objects, e);
                if let (Expr::Ident(o), Some(v)) = (&**of, v)
                    && let Some(serde_json::Value::Object(fields)) = objects.get_mut(o)
                {
                    fields.insert(m.clone(), v);
                }
            }
            StmtKind::Expr(e) => {
                // `pm.globals.set("schema", JSON.stringify(schema))` stores the object's text,
                // which `JSON.parse(pm.globals.get("schema"))` makes the object again.
                if let Some((Expr::Str(key), v)) = set_call(e)
                    && let Some(v @ serde_json::Value::Object(_)) = known(&objects, stringified(v))
                {
                    out.push((super::vars::ident(key), v));
                }
            }
            _ => {}
        }
    }
    out
}

/// `x` of `JSON.stringify(x)`, else `e`.
fn stringified(e: &Expr) -> &Expr {
    match e {
        Expr::Call(c, a) if a.len() == 1 && path(c).as_deref() == Some("JSON.stringify") => &a[0],
        _ => e,
    }
}

/// What a script knows without running: an object it wrote (`itemSchema`, `itemSchema.object`),
/// or one an earlier script stored, parsed back (`JSON.parse(pm.globals.get("item"))`).
fn object_read(
    e: &Expr,
    objects: &HashMap<String, serde_json::Value>,
    before: &HashMap<String, serde_json::Value>,
) -> Option<serde_json::Value> {
    match e {
        Expr::Member(of, m) => match &**of {
            Expr::Ident(o) => objects.get(o)?.get(m).cloned(),
            _ => None,
        },
        Expr::Ident(o) => objects.get(o).cloned(),
        _ => before.get(&stored_read(e)?).cloned(),
    }
}

/// The variable `JSON.parse(pm.globals.get("item"))` (any scope's `get`) parses.
pub(super) fn stored_read(e: &Expr) -> Option<String> {
    let Expr::Call(c, a) = e else { return None };
    let ([Expr::Call(get, k)], Some("JSON.parse")) = (a.as_slice(), path(c).as_deref()) else {
        return None;
    };
    let getter = path(get)?;
    match (
        k.as_slice(),
        getter.starts_with("pm.") && getter.ends_with(".get"),
    ) {
        ([Expr::Str(name)], true) => Some(super::vars::ident(name)),
        _ => None,
    }
}

/// A value written out in the script: a literal, an object or list whose members are written
/// out or objects stored before (`{ "definitions": { "item": itemSchema.object } }`), or one
/// of those (`itemSchema`, `itemSchema.object`).
fn stored_value(
    e: &Expr,
    read: &dyn Fn(&Expr) -> Option<serde_json::Value>,
) -> Option<serde_json::Value> {
    let member = |e: &Expr| stored_value(e, read);
    match e {
        Expr::Member(..) | Expr::Ident(_) | Expr::Call(..) => read(e),
        Expr::Object(fields) => {
            let mut map = serde_json::Map::new();
            for (k, v) in fields {
                map.insert(k.clone(), member(v)?);
            }
            Some(serde_json::Value::Object(map))
        }
        Expr::Array(items) => items
            .iter()
            .map(member)
            .collect::<Option<Vec<_>>>()
            .map(Into::into),
        other => plain(other).map(|y| json_of(&y)),
    }
}

/// `undefined`, or a field of the response Postman's sandbox does not have: `nothing`.
/// What a set of a value that is not there stores: `null` in the environment's, the
/// collection's and the globals' variables, nothing in a local one (`pm.variables`), and the
/// text "undefined" of `String(data.id)`.
fn missing_text(value: &Expr, scope: SetScope) -> &'static str {
    let as_text =
        matches!(value, Expr::Call(c, a) if a.len() == 1 && path(c).as_deref() == Some("String"));
    match (as_text, scope) {
        (true, _) => "undefined",
        (false, SetScope::Local) => "",
        (false, _) => "null",
    }
}

/// What a set() of `value` stores: `nothing` for a value that is not there, `null` for a null.
fn missing_as<'e>(value: &'e Expr, nothing: &'e Expr, null: &'e Expr) -> &'e Expr {
    match value {
        Expr::Undefined => nothing,
        Expr::Null => null,
        e if undefined_response_field(e) => nothing,
        e => e,
    }
}

/// `if (data.total === 0) throw ...` (also `==`, `>`, `<`, `>=`, `<=`, of a value written in
/// the script, other than null): a comparison of nothing is false in JavaScript, so a value that is not there throws
/// nothing — the check of its opposite holds of it too (`any: [{ exists: false }, ...]`).
fn or_missing(cond: &Expr, staged: &mut Staged) {
    let Expr::Binary("===" | "==" | ">" | "<" | ">=" | "<=", a, b) = cond else {
        return;
    };
    // Against a variable, which may hold `null` (`undefined == null` holds), not so.
    let written = |e: &Expr| matches!(e, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_));
    if !(written(a) || written(b)) {
        return;
    }
    let [(Subject::Json(_), predicate, value, negate)] = staged.0.as_mut_slice() else {
        return;
    };
    if *predicate == "any" {
        return; // already one that holds of nothing (`lenient`)
    }
    let one = Y::Map(vec![(predicate.to_string(), value.clone())]);
    let one = match negate {
        true => Y::Map(vec![("not".into(), one)]),
        false => one,
    };
    let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
    *predicate = "any";
    *value = Y::Seq(vec![missing, one]);
    *negate = false;
}

/// The opposite of a case's `when` that checks one JSON value (`$: { type: array, length: {
/// gt: 0 } }`, what `Array.isArray(data) && data.length > 0` says): not there, or not all of
/// that. None for checks of several values (their opposite is an `or` a `when` cannot say) and
/// for checks that hold of nothing.
fn opposite_when(when: &Y) -> Option<Y> {
    let Y::Map(kinds) = when else { return None };
    let [(kind, Y::Map(paths))] = kinds.as_slice() else {
        return None;
    };
    let [(path, checks @ Y::Map(preds))] = paths.as_slice() else {
        return None;
    };
    let holds_of_nothing =
        |(k, v): &(String, Y)| k == "any" || (k == "exists" && *v == Y::Bool(false)) || k == "not";
    if kind != "json" || preds.iter().any(holds_of_nothing) {
        return None;
    }
    let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
    let not_all = Y::Map(vec![("not".into(), checks.clone())]);
    let any = Y::Map(vec![("any".into(), Y::Seq(vec![missing, not_all]))]);
    let paths = Y::Map(vec![(path.clone(), any)]);
    Some(Y::Map(vec![("json".into(), paths)]))
}

/// The codes a status condition names (`{ status: 202 }`, `{ status: [200, 201] }`).
fn status_codes(when: &Y) -> Option<Vec<Y>> {
    let Y::Map(entries) = when else {
        return None;
    };
    match entries.as_slice() {
        [(k, code @ Y::Num(_))] if k == "status" => Some(vec![code.clone()]),
        [(k, Y::Seq(list))] if k == "status" && list.iter().all(|c| matches!(c, Y::Num(_))) => {
            Some(list.clone())
        }
        _ => None,
    }
}

/// Whether working out `e` can change anything: a call other than a variable's read or a
/// conversion, a function (its body may run later), or what is not modelled.
fn has_effect(e: &Expr) -> bool {
    const PURE: &[&str] = &[
        "JSON.stringify",
        "JSON.parse",
        "String",
        "Number",
        "parseInt",
    ];
    match e {
        Expr::Call(callee, args) => {
            let read = path(callee).is_some_and(|p| {
                (p.starts_with("pm.") && p.ends_with(".get")) || PURE.contains(&p.as_str())
            });
            !read || args.iter().any(has_effect)
        }
        Expr::Func(..) | Expr::Other => true,
        Expr::Array(items) => items.iter().any(has_effect),
        Expr::Object(fields) => fields.iter().any(|(_, v)| has_effect(v)),
        Expr::Member(x, _) | Expr::Unary(_, x) => has_effect(x),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => has_effect(a) || has_effect(b),
        Expr::Cond(a, b, c) => has_effect(a) || has_effect(b) || has_effect(c),
        Expr::Template(parts) => parts
            .iter()
            .any(|p| matches!(p, js::TemplatePart::Expr(x) if has_effect(x))),
        _ => false,
    }
}

pub(super) fn says_only(s: &Stmt) -> bool {
    // A message put together for the failure: `const msg = \`... ${name}\``.
    let message = |v: &Expr| matches!(v, Expr::Str(_) | Expr::Template(_) | Expr::Binary("+", ..));
    match &s.kind {
        StmtKind::If(_, then, otherwise) => then.iter().chain(otherwise).all(says_only),
        // A local of a value with no effect (`const valid = ["a", "b"]`) read only there.
        StmtKind::Let(decls) => decls.iter().all(|(_, v)| message(v) || !has_effect(v)),
        _ => is_console_stmt(s),
    }
}

/// [`says_only`], or a test of nothing (`pm.test("skipped", () => true)`): a line in the
/// report that checks nothing, as the `else` of a guard.
pub(super) fn says_or_passes(s: &Stmt) -> bool {
    says_only(s) || matches!(&s.kind, StmtKind::Expr(e) if test_of_nothing(e))
}

fn is_pending_test(e: &Expr) -> bool {
    matches!(e, Expr::Call(callee, args)
        if path(callee).as_deref() == Some("pm.test") && matches!(args.as_slice(), [Expr::Str(_)]))
}

/// Output for a person only: `console.log(...)`, and `pm.visualizer.set(...)` (a view in
/// Postman's window, which Newman does not show).
pub(super) fn is_console(e: &Expr) -> bool {
    matches!(e, Expr::Call(callee, _) if path(callee).is_some_and(|p| {
        p.starts_with("console.") || p == "pm.visualizer.set" || p == "pm.visualizer.clear"
    }))
}

/// `postman.setNextRequest(...)` and `pm.execution.setNextRequest(...)`.
fn is_next_request(e: &Expr) -> bool {
    let Expr::Call(callee, _) = e else {
        return false;
    };
    matches!(
        path(callee).as_deref(),
        Some("postman.setNextRequest" | "pm.execution.setNextRequest")
    )
}

/// `JSON.stringify(x)`, `String(x)`, `x.toString()`: the value of `x` is what is captured.
fn unwrap_conversion(e: &Expr) -> &Expr {
    match e {
        Expr::Call(callee, args) if args.len() == 1 => match path(callee).as_deref() {
            Some("JSON.stringify" | "String" | "Number" | "parseInt" | "parseFloat") => {
                unwrap_conversion(&args[0])
            }
            _ => e,
        },
        Expr::Call(callee, args) if args.is_empty() => match &**callee {
            // A CryptoJS digest's `toString()` writes it as hex: not the same value.
            Expr::Member(inner, m) if m == "toString" && !crypto::is_digest(inner) => {
                unwrap_conversion(inner)
            }
            _ => e,
        },
        _ => e,
    }
}

/// `a.b.c` as a dotted name, when it is only identifiers.
pub(crate) fn path(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(n) => Some(n.clone()),
        Expr::Member(inner, name) => Some(format!("{}.{name}", path(inner)?)),
        _ => None,
    }
}

/// A value known without the response: literals, lists and maps of them, `{{ var }}`.
const DRAFT_4: &str = "http://json-schema.org/draft-04/schema#";
const DRAFT_7: &str = "http://json-schema.org/draft-07/schema#";

/// A literal as written (keys in order, strings untouched: a schema's patterns are not
/// templates).
fn plain(e: &Expr) -> Option<Y> {
    literal(e, |s| Y::Str(s.to_string()), plain)?
}

/// A JSON-shaped literal — string, number, boolean, null, list, object — with its strings made
/// by `text` and its members by `member`. `None` when `e` is no literal; `Some(None)` when one
/// of its members cannot be said.
fn literal(
    e: &Expr,
    text: impl Fn(&str) -> Y,
    member: impl Fn(&Expr) -> Option<Y>,
) -> Option<Option<Y>> {
    let y = match e {
        Expr::Str(s) => Some(text(s)),
        Expr::Num(n) => number(*n).map(Y::Num),
        Expr::Unary("-", inner) => match &**inner {
            Expr::Num(n) => number(-n).map(Y::Num),
            _ => return None,
        },
        Expr::Bool(b) => Some(Y::Bool(*b)),
        Expr::Null => Some(Y::Null),
        Expr::Array(items) => items.iter().map(&member).collect::<Option<_>>().map(Y::Seq),
        Expr::Object(fields) if fields.iter().all(|(k, _)| k != "...") => fields
            .iter()
            .map(|(k, v)| Some((k.clone(), member(v)?)))
            .collect::<Option<_>>()
            .map(Y::Map),
        _ => return None,
    };
    Some(y)
}

fn json_of(y: &Y) -> serde_json::Value {
    use serde_json::Value;
    match y {
        Y::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), json_of(v)))
                .collect(),
        ),
        Y::Seq(items) => Value::Array(items.iter().map(json_of).collect()),
        Y::Str(s) => Value::String(s.clone()),
        Y::Num(n) => Value::Number(n.clone()),
        Y::Bool(b) => Value::Bool(*b),
        Y::Null | Y::Comment(_) => Value::Null,
    }
}

/// Two schemas that differ at most in their `$schema` draft.
fn same_schema(a: &Y, b: &Y) -> bool {
    let bare = |y: &Y| match y {
        Y::Map(e) => Y::Map(e.iter().filter(|(k, _)| k != "$schema").cloned().collect()),
        other => other.clone(),
    };
    bare(a) == bare(b)
}

pub(crate) fn value(e: &Expr) -> Option<Y> {
    if let Some(y) = literal(
        e,
        |s| Y::str(super::vars::convert(s, &mut Vec::new())),
        value,
    ) {
        return y;
    }
    Some(match e {
        // `parseInt("201")`, as script generators write a status.
        Expr::Call(callee, args) if matches!(&**callee, Expr::Ident(f) if ["parseInt", "parseFloat", "Number"].contains(&f.as_str())) =>
        {
            let [Expr::Str(text), ..] = args.as_slice() else {
                return None;
            };
            let n: f64 = text.trim().parse().ok()?;
            let whole = matches!(&**callee, Expr::Ident(f) if f == "parseInt");
            Y::Num(number(if whole { n.trunc() } else { n })?)
        }
        Expr::Call(callee, args) => {
            let name = match args.as_slice() {
                [Expr::Str(s)] => s,
                _ => return None,
            };
            if !VAR_GETTERS.contains(&path(callee)?.as_str()) {
                return None;
            }
            var_ref(name)
        }
        _ => return None,
    })
}

/// The path that holds the last step of `p` (`$.a[0]` for `$.a[0].b`; `$` for `$.a`).
fn parent_path(p: &str) -> Option<&str> {
    let (mut depth, mut quote, mut last) = (0usize, None, None);
    for (i, c) in p.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => {
                if depth == 0 {
                    last = Some(i);
                }
                depth += 1;
            }
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '.') if depth == 0 && i > 0 => last = Some(i),
            _ => {}
        }
    }
    last.map(|i| &p[..i])
}

/// `(product | from_json)["items"][0]`: what `JSON.parse` of a body that is only a variable
/// gives, and the steps read of it (the last step first).
pub(super) fn parsed_variable(expr: &str, steps: &[serde_json::Value]) -> String {
    let mut t = format!("{{{{ ({expr} | from_json)");
    for step in steps.iter().rev() {
        t.push_str(&format!("[{step}]"));
    }
    t.push_str(" }}");
    t
}

/// `pm.response.status === 'OK'`: the status's reason phrase, a guard on the status as a code.
fn status_text(a: &Expr, b: &Expr) -> bool {
    matches!(
        path(a).as_deref(),
        Some("pm.response.status" | "responseCode.name")
    ) && matches!(b, Expr::Str(_))
}

/// `eval(pm.environment.get("signing_lib"))` (any scope's `get`; the legacy
/// `eval(globals.signing_lib)`): the variable whose code runs.
fn evaluated_variable(s: &Stmt) -> Option<String> {
    let StmtKind::Expr(Expr::Call(callee, args)) = &s.kind else {
        return None;
    };
    let (Expr::Ident(f), [code]) = (&**callee, args.as_slice()) else {
        return None;
    };
    if f != "eval" {
        return None;
    }
    match code {
        Expr::Call(get, key) => {
            let getter = path(get)?;
            match key.as_slice() {
                [Expr::Str(name)] if getter.starts_with("pm.") && getter.ends_with(".get") => {
                    Some(name.clone())
                }
                _ => None,
            }
        }
        Expr::Member(scope, name) if matches!(&**scope, Expr::Ident(g) if g == "globals" || g == "environment") => {
            Some(name.clone())
        }
        Expr::Index(scope, name) if matches!(&**scope, Expr::Ident(g) if g == "globals" || g == "environment") => {
            match &**name {
                Expr::Str(name) => Some(name.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `pm.response.status === 404` (also `==`, `!==`, `!=`, either way round): whether it holds,
/// which is known without the response — the reason phrase is text, no number equals it.
fn phrase_against_number(cond: &Expr) -> Option<bool> {
    let Expr::Binary(op @ ("===" | "==" | "!==" | "!="), a, b) = cond else {
        return None;
    };
    let phrase = |e: &Expr| {
        matches!(
            path(e).as_deref(),
            Some("pm.response.status" | "responseCode.name")
        )
    };
    let number = |e: &Expr| matches!(e, Expr::Num(_));
    ((phrase(a) && number(b)) || (number(a) && phrase(b))).then(|| op.starts_with('!'))
}

/// `JSON.parse(request.data)`, `JSON.parse(pm.request.body.raw)`: the request's own body.
fn is_request_body(e: &Expr) -> bool {
    let Expr::Call(callee, args) = e else {
        return false;
    };
    path(callee).as_deref() == Some("JSON.parse")
        && matches!(args.as_slice(), [x] if is_body_text(x))
}

/// `request.data`, `pm.request.body.raw` (`.toString()`): the request's own body as text.
fn is_body_text(e: &Expr) -> bool {
    let read = match e {
        Expr::Call(c, a) if a.is_empty() => path(c).map(|p| format!("{p}()")),
        x => path(x),
    };
    matches!(
        read.as_deref(),
        Some(
            "request.data"
                | "pm.request.body"
                | "pm.request.body.raw"
                | "request.body"
                | "pm.request.body.toString()"
        )
    )
}

/// `["a", "b"].forEach(k => pm.environment.unset(k))` (or a `function (k) {...}` of
/// statements; the list may be a local the script wrote, `const keys = [...]`): the body
/// once for each text of the list, the name read as it. At most 64.
fn each_of_literals(s: &Stmt, lists: &HashMap<String, Vec<Expr>>) -> Option<Vec<Stmt>> {
    let StmtKind::Expr(Expr::Call(callee, args)) = &s.kind else {
        return None;
    };
    let (Expr::Member(list, m), [Expr::Func(params, body)]) = (&**callee, args.as_slice()) else {
        return None;
    };
    let items = match &**list {
        Expr::Array(items) => items,
        Expr::Ident(n) => lists.get(n)?,
        _ => return None,
    };
    let [name] = params.as_slice() else {
        return None;
    };
    let texts = items
        .iter()
        .all(|i| matches!(i, Expr::Str(_) | Expr::Num(_)));
    if m != "forEach" || !texts || items.len() > 64 || body.iter().any(|b| b.assigns(name)) {
        return None;
    }
    let name = Expr::Ident(name.clone());
    let each = items
        .iter()
        .flat_map(|item| body.iter().map(|b| b.replaced(&name, item)));
    Some(each.collect())
}

/// A template that makes a new value each time it renders.
pub(super) fn made_up(v: &Y) -> bool {
    let Y::Str(t) = v else { return false };
    [
        "fake(",
        "uuid()",
        "random_int(",
        "random_bytes(",
        "now(",
        "timestamp()",
        "timestamp_ms()",
    ]
    .iter()
    .any(|f| t.contains(f))
}

/// Values a script makes up that yarc's functions make too: a UUID, the time.
const UUID_PATTERN: &str = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";

fn generated(e: &Expr) -> Option<Y> {
    // `new Date().toISOString()` reads as `new (Date().toISOString())` here.
    if let Expr::Unary("new", inner) = e
        && let Expr::Call(callee, args) = &**inner
        && args.is_empty()
        && let Expr::Member(date, m) = &**callee
        && matches!(&**date, Expr::Call(d, a) if a.is_empty() && path(d).as_deref() == Some("Date"))
    {
        let expr = match m.as_str() {
            "toISOString" => "now()",
            "getTime" => "timestamp_ms()",
            _ => return None,
        };
        return Some(Y::str(format!("{{{{ {expr} }}}}")));
    }
    if epoch_seconds(e) {
        return Some(Y::str("{{ timestamp() }}"));
    }
    let Expr::Call(callee, args) = e else {
        return None;
    };
    if let Some(now) = moment_now(callee, args) {
        return Some(Y::str(format!("{{{{ {now} }}}}")));
    }
    let expr = match (path(callee).as_deref(), args.as_slice()) {
        (Some("crypto.randomUUID" | "uuid.v4"), []) => "uuid()",
        (Some("Date.now"), []) => "timestamp_ms()",
        _ => match &**callee {
            // require('uuid').v4()
            Expr::Member(inner, m) if m == "v4" && is_require(inner, "uuid") => "uuid()",
            // 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {...}): the
            // version-4 UUID snippet every Postman forum passes around.
            Expr::Member(inner, m)
                if m == "replace"
                    && matches!(&**inner, Expr::Str(t) if t.eq_ignore_ascii_case(UUID_PATTERN))
                    && matches!(args.as_slice(), [Expr::Regex(..), Expr::Func(..)]) =>
            {
                "uuid()"
            }
            // new Date().toISOString()
            Expr::Member(inner, m) if m == "toISOString" && is_new_date(inner) => "now()",
            // new Date().getTime()
            Expr::Member(inner, m) if m == "getTime" && is_new_date(inner) => "timestamp_ms()",
            _ => return None,
        },
    };
    Some(Y::str(format!("{{{{ {expr} }}}}")))
}

/// `Math.floor(Date.now() / 1000)` (also `Math.round`, `parseInt`, `new Date().getTime()`,
/// `new Date()`, `Date.now() / 1000 | 0`): the seconds since 1970, as a whole number.
fn epoch_seconds(e: &Expr) -> bool {
    let millis = |x: &Expr| match x {
        // `new Date() / 1000`: a date in arithmetic is its milliseconds.
        x if is_new_date(x) => true,
        // `new Date().getTime()` reads as `new (Date().getTime())` here.
        Expr::Unary("new", inner) => matches!(&**inner, Expr::Call(c, a) if a.is_empty()
            && matches!(&**c, Expr::Member(d, m) if m == "getTime"
                && matches!(&**d, Expr::Call(f, b) if b.is_empty() && path(f).as_deref() == Some("Date")))),
        Expr::Call(c, a) if a.is_empty() => {
            path(c).as_deref() == Some("Date.now")
                || matches!(&**c, Expr::Member(inner, m) if m == "getTime" && is_new_date(inner))
        }
        _ => false,
    };
    let seconds =
        |x: &Expr| matches!(x, Expr::Binary("/", ms, k) if millis(ms) && **k == Expr::Num(1000.0));
    match e {
        Expr::Call(c, a) => {
            matches!(
                path(c).as_deref(),
                Some("Math.floor" | "Math.round" | "Math.trunc" | "parseInt")
            ) && a.first().is_some_and(seconds)
        }
        Expr::Binary("|", x, zero) => seconds(x) && **zero == Expr::Num(0.0),
        _ => false,
    }
}

/// Modules a script may `require` whose calls the import reads (or that hold nothing to run).
const LIBRARIES: &[&str] = &["moment", "uuid", "postman-collection", "ajv"];

/// `moment().format("YYYYMMDD")`, `.toISOString()`, `.unix()`, `.valueOf()`, also after
/// `.add(30, "days")` / `.subtract(1, "month")`: the time now, as yarc's `now()` writes it
/// (moment formats translated to strftime; UTC, as CI machines run).
fn moment_now(callee: &Expr, args: &[Expr]) -> Option<String> {
    let Expr::Member(inner, method) = callee else {
        return None;
    };
    let offset = moment_base(inner)?;
    let quoted = |s: &str| serde_json::to_string(s).ok();
    let with = |format: &str| -> Option<String> {
        match &offset {
            None if format.is_empty() => Some("now()".into()),
            None => Some(format!("now({})", quoted(format)?)),
            Some(o) => Some(format!("now({}, {})", quoted(format)?, quoted(o)?)),
        }
    };
    match (method.as_str(), args) {
        ("format", []) | ("toISOString", []) => with(""),
        ("format", [Expr::Str(f)]) => with(&strftime(f)?),
        ("unix", []) if offset.is_none() => Some("timestamp()".into()),
        ("valueOf", []) if offset.is_none() => Some("timestamp_ms()".into()),
        _ => None,
    }
}

/// `moment()` (no offset) or `moment().add(n, unit)` / `.subtract(n, unit)` (the offset as
/// `now()` reads it: `30 days`, `-1 month`).
fn moment_base(e: &Expr) -> Option<Option<String>> {
    let is_moment = |e: &Expr| match e {
        Expr::Call(c, a) if a.is_empty() => {
            path(c).as_deref() == Some("moment") || is_require(c, "moment")
        }
        _ => false,
    };
    if is_moment(e) {
        return Some(None);
    }
    let Expr::Call(callee, args) = e else {
        return None;
    };
    let (Expr::Member(inner, how), [n, unit]) = (&**callee, args.as_slice()) else {
        return None;
    };
    if !is_moment(inner) {
        return None;
    }
    moment_offset(how, n, unit).map(Some)
}

/// moment's `.add(n, unit)` / `.subtract(n, unit)` as the offset `now()` and `date()` read:
/// `30 days`, `-1 month`.
fn moment_offset(how: &str, n: &Expr, unit: &Expr) -> Option<String> {
    let (Expr::Num(n), Expr::Str(unit)) = (n, unit) else {
        return None;
    };
    if n.fract() != 0.0 || *n < 0.0 {
        return None;
    }
    let unit = match unit.as_str() {
        "d" | "day" | "days" => "days",
        "w" | "week" | "weeks" => "weeks",
        "h" | "hour" | "hours" => "hours",
        "m" | "minute" | "minutes" => "minutes",
        "s" | "second" | "seconds" => "seconds",
        "M" | "month" | "months" => "months",
        "y" | "year" | "years" => "years",
        _ => return None,
    };
    let sign = match how {
        "add" => "",
        "subtract" => "-",
        _ => return None,
    };
    Some(format!("{sign}{n} {unit}"))
}

/// A moment.js format as strftime; `None` for a token this does not know.
pub(super) fn strftime(moment: &str) -> Option<String> {
    const TOKENS: &[(&str, &str)] = &[
        ("YYYY", "%Y"),
        ("YY", "%y"),
        ("MMMM", "%B"),
        ("MMM", "%b"),
        ("MM", "%m"),
        ("M", "%-m"),
        ("DD", "%d"),
        ("D", "%-d"),
        ("dddd", "%A"),
        ("ddd", "%a"),
        ("HH", "%H"),
        ("H", "%-H"),
        ("hh", "%I"),
        ("h", "%-I"),
        ("mm", "%M"),
        ("m", "%-M"),
        ("ss", "%S"),
        ("s", "%-S"),
        ("SSS", "%3f"),
        ("A", "%p"),
        ("ZZ", "%z"),
        ("Z", "%:z"),
        ("X", "%s"),
    ];
    let mut out = String::new();
    let mut rest = moment;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            // [literal text]
            let end = rest.find(']')?;
            out.push_str(&rest[1..end].replace('%', "%%"));
            rest = &rest[end + 1..];
        } else if let Some((token, f)) = TOKENS.iter().find(|(t, _)| rest.starts_with(t)) {
            out.push_str(f);
            rest = &rest[token.len()..];
        } else if c == 'T' {
            // Not a moment token: written as it stands (ISO's date-time separator).
            out.push(c);
            rest = &rest[1..];
        } else if c.is_ascii_alphabetic() {
            return None;
        } else {
            if c == '%' {
                out.push('%');
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Some(out)
}

fn is_require(e: &Expr, module: &str) -> bool {
    matches!(e, Expr::Call(c, a) if path(c).as_deref() == Some("require") && matches!(a.as_slice(), [Expr::Str(m)] if m == module))
}

fn is_new_date(e: &Expr) -> bool {
    match e {
        Expr::Unary("new", inner) => match &**inner {
            Expr::Call(c, a) => a.is_empty() && path(c).as_deref() == Some("Date"),
            Expr::Ident(d) => d == "Date",
            _ => false,
        },
        _ => false,
    }
}

fn number(n: f64) -> Option<serde_json::Number> {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Some((n as i64).into())
    } else {
        serde_json::Number::from_f64(n)
    }
}

/// What a list of statements checks with `pm.expect(...)` (each with its line: a set() of
/// one of these after its check is guarded by it), and the line of its first check that can
/// fail (a set() after it happens only when it passed).
fn checks_before_sets(body: &[Stmt]) -> (Vec<(usize, Expr)>, Option<usize>) {
    // A failing check ends the test's function: a set() of a value the test checks
    // (`pm.expect(d.token).to.not.be.empty; set("token", d.token)`) happens only when
    // it is there, so when it is not the variable keeps what it had.
    // A check that passes on a missing value (`.to.not.equal(null)`) lets the set() store
    // it — unless another check stands in the test too: a response without the value
    // usually lacks the others, and that check then ends the test first.
    let lenient = |s: &Stmt| matches!(&s.kind, StmtKind::Expr(e) if chain::passes_when_missing(e));
    let only_lenient = body.iter().all(|s| match &s.kind {
        StmtKind::Expr(e) => expected(e).is_none() || lenient(s),
        _ => true,
    });
    let checked: Vec<(usize, Expr)> = body
        .iter()
        .filter_map(|s| match &s.kind {
            _ if only_lenient && lenient(s) => None,
            StmtKind::Expr(e) => expected(e).map(|x| match property_checked(e) {
                // `pm.expect(data).to.have.property("token")` fails when `data.token` is
                // missing: that is what it checks, for a set() of it after.
                Some(k) => (s.first, Expr::Member(Box::new(x.clone()), k.to_string())),
                None => (s.first, x.clone()),
            }),
            _ => None,
        })
        .flat_map(|(line, x)| read_through(x).into_iter().map(move |r| (line, r)))
        .collect();
    // Any other check that fails ends the test before a set() after it (`to.have.status(201)`
    // on a 400): the variable keeps what it had, as behind a guard. A check after the set()
    // (`set("token", d.token); pm.expect(get("token")).to.eql(d.token)`) cannot stop it.
    (checked, body.iter().find(|s| can_stop(s)).map(|s| s.first))
}

/// A check that fails when what it reads is missing or wrong, ending its function.
fn can_stop(s: &Stmt) -> bool {
    matches!(&s.kind, StmtKind::Expr(e) if chain::is_assertion(e) && !chain::passes_when_missing(e))
}

/// `{{ name }}` (as `var_ref` writes it) → `name`.
fn var_name(text: &str) -> Option<String> {
    let inner = crate::import::vars::one_expression(text)?;
    crate::import::vars::is_word(inner).then(|| inner.to_string())
}

/// `const missing = []; if (!a) missing.push('a'); if (!b) missing.push('b'); if
/// (missing.length > 0) { throw new Error(...) }`: one refusal, `if (!a || !b) throw ...`,
/// which spans those lines. `None` when the list has none: it is then never copied (a
/// statement may be thousands of `else if`s deep; a script that deep is not rewritten).
fn missing_list_refusals(list: &[Stmt]) -> Option<Vec<Stmt>> {
    if dispatch::nesting(list) > dispatch::MAX_NESTING {
        return None;
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i < list.len() {
        match missing_list_at(&list[i..]) {
            Some((refusal, used)) => {
                found.push((i, refusal, used));
                i += used;
            }
            None => i += 1,
        }
    }
    if found.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (start, refusal, used) in found {
        out.extend(list[at..start].iter().cloned());
        out.push(refusal);
        at = start + used;
    }
    out.extend(list[at..].iter().cloned());
    Some(out)
}

/// [`missing_list_refusals`] at the start of `list`: the refusal and how many statements it
/// stands for.
fn missing_list_at(list: &[Stmt]) -> Option<(Stmt, usize)> {
    let StmtKind::Let(decls) = &list.first()?.kind else {
        return None;
    };
    let [(Binding::Name(name), Expr::Array(items))] = decls.as_slice() else {
        return None;
    };
    let pushes = |then: &[Stmt]| {
        matches!(then, [Stmt { kind: StmtKind::Expr(Expr::Call(callee, args)), .. }]
            if args.len() == 1 && matches!(&**callee, Expr::Member(of, m)
                if m == "push" && matches!(&**of, Expr::Ident(x) if x == name)))
    };
    let mut conds = Vec::new();
    let mut n = 1;
    while let Some(StmtKind::If(cond, then, otherwise)) = list.get(n).map(|s| &s.kind) {
        if !pushes(then) || !otherwise.is_empty() {
            break;
        }
        conds.push(cond.clone());
        n += 1;
    }
    let last = list.get(n)?;
    let StmtKind::If(cond, then, otherwise) = &last.kind else {
        return None;
    };
    let length = Expr::Member(Box::new(Expr::Ident(name.clone())), "length".into());
    let nonempty = match cond {
        e if *e == length => true,
        Expr::Binary(">" | "!==" | "!=", a, b) => **a == length && **b == Expr::Num(0.0),
        _ => false,
    };
    if !items.is_empty() || !nonempty || !otherwise.is_empty() || !fails_always(then) {
        return None;
    }
    let any = conds
        .into_iter()
        .reduce(|a, b| Expr::Binary("||", Box::new(a), Box::new(b)))?;
    let refusal = Stmt {
        kind: StmtKind::If(any, then.clone(), Vec::new()),
        first: list[0].first,
        last: last.last,
    };
    Some((refusal, n + 1))
}

/// A branch that only throws.
fn is_throw(b: &[Stmt]) -> bool {
    matches!(
        b,
        [Stmt {
            kind: StmtKind::Throw(_),
            ..
        }]
    )
}

fn var_ref(name: &str) -> Y {
    Y::str(format!("{{{{ {} }}}}", super::vars::ident(name)))
}

/// `expect.status`: bare (`200`, `[200, 201]`, `2xx`) while it is one check, a predicate map
/// once there are more (a list is then `in`, a class a range).
fn status(expect: &mut Y, predicate: &str, value: Y, negate: bool) {
    // `status: 200` and `status: [200, 201]` take numbers only: a string the script compared
    // with (`.equals("200")`, never true in Postman) stays a predicate that fails the same way.
    let numbers = match &value {
        Y::Num(_) => true,
        Y::Seq(list) => list.iter().all(|v| matches!(v, Y::Num(_))),
        Y::Str(c) => c.len() == 3 && c.ends_with("xx"),
        _ => false,
    };
    let bare = numbers && !negate && (predicate == "in" || predicate == "equals");
    match expect.get_mut("status") {
        None if bare => {
            expect.set("status", value);
            return;
        }
        // The same status checked twice is one check.
        Some(old) if bare && *old == value => return,
        _ => {}
    }
    let map = expect.child("status");
    if !matches!(map, Y::Map(_)) {
        let old = std::mem::take(map);
        *map = Y::map();
        put_status(map, "equals", old, false);
    }
    put_status(map, predicate, value, negate);
}

fn put_status(map: &mut Y, predicate: &str, value: Y, negate: bool) {
    let mut preds = Vec::new();
    match (predicate, value) {
        ("equals", Y::Seq(list)) => preds.push(("in".to_string(), Y::Seq(list))),
        ("equals", Y::Str(class)) if class.len() == 3 && class.ends_with("xx") => {
            let n = u64::from(class.as_bytes()[0].wrapping_sub(b'0')) * 100;
            preds.push(("gte".into(), Y::Num(n.into())));
            preds.push(("lt".into(), Y::Num((n + 100).into())));
        }
        (p, v) => preds.push((p.to_string(), v)),
    }
    match negate {
        // A class is two bounds that together say it: they are negated as one.
        true => put_negated_all(map, preds),
        false => preds.into_iter().for_each(|(p, v)| put_once(map, &p, v)),
    }
}

/// Adds a predicate to a predicate map; one the map holds already goes into `all:` with it,
/// so every check the script made is kept (two `to.include`s, two statuses) and all must hold.
fn put_once(map: &mut Y, predicate: &str, value: Y) {
    let taken = map.get_mut(predicate).is_some_and(|old| *old != value);
    let in_all = matches!(map.get_mut("all"), Some(Y::Seq(list)) if list.iter().any(|m| matches!(m, Y::Map(e) if e.iter().any(|(k, _)| k == predicate))));
    if !taken && !in_all {
        map.set(predicate, value);
        return;
    }
    // The first of the kind joins the list too: `all: [{ contains: a }, { contains: b }]`.
    let mut first = None;
    if let Y::Map(entries) = map
        && let Some(i) = entries.iter().position(|(k, _)| k == predicate)
    {
        first = Some(entries.remove(i));
    }
    if !matches!(map.get_mut("all"), Some(Y::Seq(_))) {
        map.set("all", Y::Seq(Vec::new()));
    }
    if let Some(Y::Seq(list)) = map.get_mut("all") {
        for (k, v) in first.into_iter().chain([(predicate.to_string(), value)]) {
            let entry = Y::Map(vec![(k, v)]);
            if !list.contains(&entry) {
                list.push(entry);
            }
        }
    }
}

/// A literal as YAML: text, a number, true/false, null.
fn literal_y(e: &Expr) -> Option<Y> {
    match e {
        Expr::Str(s) => Some(Y::str(s)),
        Expr::Num(n) => number(*n).map(Y::Num),
        Expr::Bool(b) => Some(Y::Bool(*b)),
        Expr::Null => Some(Y::Null),
        _ => None,
    }
}

/// The JSONPath filter of a `find` predicate on its item: `o.rel === "x"` → `(@.rel == 'x')`,
/// `o.rel.startsWith("x")` / `.includes` / `.endsWith` → `search(@.rel, '^x')`.
/// An operand that is no literal may be a JSONPath of the body (`o.createdBy ===
/// first.createdBy` → `@.createdBy == $[0].createdBy`) or a template: `path_of` says.
fn filter_with(
    item: &str,
    test: &Expr,
    path_of: &dyn Fn(&Expr) -> Option<String>,
) -> Option<String> {
    let field = |e: &Expr| item_field(item, e);
    let quoted = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    match test {
        // `o.system == "x" && o.code == "y"`: both.
        Expr::Binary(op @ ("&&" | "||"), a, b) => Some(format!(
            "({} {op} {})",
            filter_with(item, a, path_of)?,
            filter_with(item, b, path_of)?
        )),
        Expr::Binary(op @ ("===" | "==" | "!==" | "!="), a, b) => {
            // `==` is loose: `u.id == "2"` holds of the number 2 too.
            let loose = op.len() == 2;
            let op = if op.starts_with('!') { "!=" } else { "==" };
            let either = |f: &str, text: String, number: String| {
                let join = if op == "==" { "||" } else { "&&" };
                format!("(@{f} {op} {text} {join} @{f} {op} {number})")
            };
            match (&**a, &**b) {
                (x, Expr::Str(v)) | (Expr::Str(v), x) => match v.trim().parse::<f64>() {
                    Ok(n) if loose && n.is_finite() && !v.trim().is_empty() => {
                        Some(either(&field(x)?, quoted(v), number(n)?.to_string()))
                    }
                    _ => Some(format!("(@{} {op} {})", field(x)?, quoted(v))),
                },
                (x, Expr::Num(n)) | (Expr::Num(n), x) if n.is_finite() && loose => Some(either(
                    &field(x)?,
                    quoted(&number(*n)?.to_string()),
                    n.to_string(),
                )),
                (x, Expr::Num(n)) | (Expr::Num(n), x) if n.is_finite() => {
                    Some(format!("(@{} {op} {n})", field(x)?))
                }
                (x, Expr::Bool(v)) | (Expr::Bool(v), x) => {
                    Some(format!("(@{} {op} {v})", field(x)?))
                }
                (x, y) => match (field(x), field(y)) {
                    (Some(f), None) => Some(format!("(@{f} {op} {})", path_of(y)?)),
                    (None, Some(f)) => Some(format!("(@{f} {op} {})", path_of(x)?)),
                    _ => None,
                },
            }
        }
        Expr::Call(callee, args) => {
            let (Expr::Member(x, method), [Expr::Str(v)]) = (&**callee, args.as_slice()) else {
                return None;
            };
            // `-` is literal outside a class: left plain, as I-Regexp readers expect.
            let v = regex::escape(v).replace("\\-", "-");
            let pattern = match method.as_str() {
                "startsWith" => format!("^{v}"),
                "endsWith" => format!("{v}$"),
                "includes" => v,
                _ => return None,
            };
            let f = field(x)?;
            let text = format!("search(@{f}, {})", quoted(&pattern));
            // `roles.includes("dev")` of a list: an item equal to it.
            Some(match method.as_str() {
                "includes" => format!("({text} || @{f}[?@ == {}])", quoted(&args_text(args)?)),
                _ => text,
            })
        }
        // `i => i.coupon && ...`: the member is truthy — there, and not `false`, `null`, `0`
        // nor `""` (JSONPath's `@.coupon` alone asks only that it is there).
        Expr::Member(..) => {
            let f = field(test)?;
            Some(format!(
                "(@{f} && @{f} != false && @{f} != null && @{f} != 0 && @{f} != '')"
            ))
        }
        // `u => !u.active`: falsy — missing, or one of those.
        Expr::Unary("!", inner) if matches!(&**inner, Expr::Member(..)) => {
            let f = field(inner)?;
            Some(format!(
                "(!@{f} || @{f} == false || @{f} == null || @{f} == 0 || @{f} == '')"
            ))
        }
        _ => None,
    }
}

/// The one text argument of a call.
fn args_text(args: &[Expr]) -> Option<String> {
    match args {
        [Expr::Str(v)] => Some(v.clone()),
        _ => None,
    }
}

/// `$.a` + `b` → `$.a.b`; names that are not identifiers are bracketed.
pub(crate) fn child(path: &str, key: &str) -> String {
    let plain = crate::import::vars::is_word(key) && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{path}.{key}")
    } else {
        format!(
            "{path}['{}']",
            key.replace('\\', "\\\\").replace('\'', "\\'")
        )
    }
}

/// The predicate map under `key`, a bare value turned into `{ equals: value }` first.
fn entry_map<'a>(map: &'a mut Y, key: &str) -> &'a mut Y {
    let is_predicates = |y: &Y| matches!(y, Y::Map(m) if m.iter().all(|(k, _)| crate::parse::PREDICATES.contains(&k.as_str())));
    match map.get_mut(key) {
        Some(entry) if !is_predicates(entry) => {
            let old = std::mem::take(entry);
            entry.set("equals", old);
        }
        Some(_) => {}
        None => return map.child(key),
    }
    map.child(key)
}

/// Adds a predicate under `key`; one `equals` alone stays a bare value.
fn add_predicate(map: &mut Y, key: &str, predicate: &str, value: Y, negate: bool) {
    // A map would read as predicates: it is always written `equals: {...}`.
    let bare = predicate == "equals" && !negate && !matches!(value, Y::Map(_));
    if map.get_mut(key).is_none() && bare {
        map.set(key, value);
        return;
    }
    let entry = entry_map(map, key);
    match negate {
        true => put_negated(entry, predicate, value),
        false => put_once(entry, predicate, value),
    }
}

/// `not: { a, b }` holds unless both do: a second negated check (of another kind, or the same
/// kind with another value: two `to.not.include`s) is its own `{ not: {...} }` under `all`, so
/// each must fail on its own, as in Postman.
fn put_negated(entry: &mut Y, predicate: &str, value: Y) {
    put_negated_all(entry, vec![(predicate.to_string(), value)]);
}

/// Adds `not: { preds }` (all of `preds` together are what must not hold).
fn put_negated_all(entry: &mut Y, preds: Vec<(String, Y)>) {
    let alone = Y::Map(preds);
    match entry.get_mut("not") {
        None => {
            entry.set("not", alone);
            return;
        }
        Some(Y::Map(e)) if e.is_empty() => {
            entry.set("not", alone);
            return;
        }
        Some(old) if *old == alone => return,
        Some(_) => {}
    }
    let alone = Y::Map(vec![("not".into(), alone)]);
    match entry.get_mut("all") {
        Some(Y::Seq(list)) if !list.contains(&alone) => list.push(alone),
        Some(Y::Seq(_)) => {}
        _ => entry.set("all", Y::Seq(vec![alone])),
    }
}

#[cfg(test)]
mod tests;

/// `pm.execution.skipRequest()`.
fn is_skip_request(e: &Expr) -> bool {
    matches!(e, Expr::Call(callee, args)
        if args.is_empty() && path(callee).as_deref() == Some("pm.execution.skipRequest"))
}

/// `cheerio.load(text, { xmlMode: true })`'s options: XML read as XML (names as written).
fn xml_mode(options: Option<&Expr>) -> bool {
    matches!(options, Some(Expr::Object(kv))
        if matches!(field(kv, "xmlMode"), Some(Expr::Bool(true))))
}

/// A CSS selector of element names and the child (`>`) and descendant (` `) combinators as
/// the XPath selecting the same elements (`A > B C` is `//A/B//C`, by qualified name as
/// cheerio's XML mode matches); None for anything else (classes, attributes, pseudo-classes).
fn css_xpath(selector: &str) -> Option<String> {
    let spaced = selector.replace('>', " > ");
    let mut out = String::new();
    let mut axis = "//";
    for token in spaced.split_whitespace() {
        if token == ">" {
            if out.is_empty() || axis == "/" {
                return None;
            }
            axis = "/";
            continue;
        }
        let named = token
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && token
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'));
        let step = match token {
            "*" => "*".to_string(),
            t if named => format!("*[name()={}]", xpath_literal(t)?),
            _ => return None,
        };
        out.push_str(axis);
        out.push_str(&step);
        axis = "//";
    }
    (!out.is_empty() && axis == "//").then_some(out)
}
