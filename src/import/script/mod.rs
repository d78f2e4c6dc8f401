//! Postman scripts into `expect`, `capture` and variables. The script is read as JavaScript
//! (`js`), then each statement is matched against the idioms real collections use: `pm.expect`
//! chains, `pm.response.to...`, legacy `tests["..."] = ...`, `pm.*.set` / `postman.set*`, with
//! the body reached through any alias. A statement is converted whole or not at all; what is
//! not converted is kept, with its indentation and a reason, for a human.

mod again;
mod chain;
mod clock;
mod crypto;
mod dispatch;
mod flags;
mod fold;
mod joined;
pub(crate) mod js;
mod send;
mod vendor;
mod xml2js;

use super::yaml_out::Y;
pub(crate) use dispatch::{Dispatch, Exported};
use js::{Binding, Expr, Stmt, StmtKind};
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
    /// Names of Postman's sandbox the script declares with `const` or `let` at its top
    /// (`const data = pm.response.json()`): Newman fails the whole script before it runs
    /// ("Identifier 'data' has already been declared").
    pub redeclared: Vec<String>,
    /// The script uses `await` outside an async function: Newman (6.x) rejects it as a syntax
    /// error and runs none of it, where Postman's app runs it.
    pub awaits_at_top: bool,
    /// Headers a pre-request script adds to the request (`pm.request.headers.add({key, value})`).
    pub headers: Y,
    /// Those of them given with `upsert`: a header of that name the request has disabled is
    /// updated and stays disabled, so Newman sends none.
    pub upserted: Vec<String>,

    /// Query parameters a pre-request script adds (`pm.request.url.addQueryParams([...])`).
    pub query: Y,
    /// Requests the script sends (`pm.sendRequest`), as requests of the collection: before the
    /// item (a pre-request script) or after it (a test script).
    pub requests: Vec<Y>,
    /// A client-credentials token request the script sends (`pm.sendRequest` to a token URL):
    /// the `oauth2` auth block it becomes, and the variable its callback sets to the token.
    pub oauth2: Option<(Y, String)>,
    /// Variables holding helper code the script `eval`s whose work was converted (a vendor's
    /// token helper): nothing needs them in the collection.
    pub helpers: Vec<String>,
    /// `retry:` of the request: its test script sends it again until a condition holds.
    pub retry: Option<Y>,
    /// `repeat:` of the request: its test script sends it again while a condition on
    /// variables holds (a counter), every send judged.
    pub repeat: Option<Y>,
    /// Variables the script unsets (`pm.environment.unset("x")`), unconditionally.
    pub unset: Vec<String>,
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
const KEPT_FLOW: &str = "a condition, loop or function: yarc collections have no scripts";
const KEPT_COMPUTED: &str = "a value a script computes";
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
    /// The objects scripts store in variables, written out in them (see [`objects_set`]).
    pub stored: std::rc::Rc<HashMap<String, serde_json::Value>>,
    /// The one value the export gives each variable no script sets, by its name as written
    /// (what a test script's `request.url` holds once Newman has rendered it).
    pub values: std::rc::Rc<HashMap<String, Exported>>,
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
    /// Its raw body, as far as `JSON.parse` of it can be read.
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

/// What a request sends as its raw body, as far as a script's `JSON.parse` of it can be read.
#[derive(Clone, Debug)]
pub(crate) enum Sent {
    /// JSON as written (`{{var}}`s inside its strings).
    Json(serde_json::Value),
    /// Only a variable (`{{product}}`): the expression, in yarc's terms, that holds the text.
    Variable(String),
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
    let source = moment_named_moment(lines.join("\n"));
    let statements = js::parse(&source);
    let given = Given {
        body: request.body,
        name,
        known,
        query: request.query,
        text: request.text,
    };
    let decided = name
        .zip(request.text)
        .and_then(|(n, t)| dispatch::own_script(lines, &statements, n, &t.method));
    match decided {
        Some((decided, owned)) => convert_parsed(lines, &decided, phase, given, Some(owned)),
        None => convert_parsed(lines, &statements, phase, given, None),
    }
}

/// The request a test script always hands the run to next (`postman.setNextRequest("Create
/// quote")`): its last `setNextRequest` — the last one set wins — is a statement of the
/// script's own (not under a condition, in a callback or after a `return`) naming a request.
pub(crate) fn jump_always(lines: &[String]) -> Option<String> {
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
            [Expr::Str(target)] => Some(target.clone()),
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
    let source = moment_named_moment(lines.join("\n"));
    let statements = js::parse(&source);
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
    // A pre-request script reads the URL as written; a test script reads it as Newman sent it.
    let (statements, owned) = match d.phase {
        Phase::PreRequest => d.for_request(name, Some(url), method),
        _ => match rendered_url(url, &known.values) {
            // The export's values decide; they are never written into what is left (a value
            // set from the URL stays a template).
            Some((rendered, used)) => {
                let read = d.for_request(name, Some(&rendered), method);
                // A local only the decisions read (`var u = request.url`) writes nothing.
                let live: Vec<&Stmt> = read
                    .0
                    .iter()
                    .filter(|s| !unread_local(s, &read.0))
                    .collect();
                let holds = |v: &String| {
                    let shown = format!("{v:?}");
                    format!("{live:?}").contains(&shown[1..shown.len() - 1])
                };
                match used.iter().any(holds) {
                    true => d.for_request(name, None, method),
                    false => read,
                }
            }
            None => d.for_request(name, None, method),
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
    let mut out = String::new();
    let mut used = Vec::new();
    let mut rest = url;
    while let Some(at) = rest.find("{{") {
        let end = rest[at..].find("}}")? + at;
        out.push_str(&rest[..at]);
        let value = &values.get(rest[at + 2..end].trim())?.value;
        out.push_str(value);
        used.push(value.clone());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    if !out.contains("://") {
        out.insert_str(0, "http://");
    }
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
    cx.known_sets = given.known.script_sets.clone();
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
    cx.out.redeclared = redeclared(&cx.lines, statements);
    cx.out.awaits_at_top = awaits_at_top(&cx.lines, statements);
    // Newman runs none of such a script: nothing of it is converted.
    cx.unrunnable = !cx.out.redeclared.is_empty() || cx.out.awaits_at_top;
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
    match missing_list_refusals(statements) {
        Some(rewritten) => cx.statements(&rewritten),
        None => cx.statements(statements),
    };
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
    names.iter().fold(source, |text, name| {
        let word = regex::Regex::new(&format!(r"(^|[^.\w$]){}\b", regex::escape(name)))
            .expect("an escaped name");
        word.replace_all(&text, "${1}moment").into_owned()
    })
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
    /// Paths an enclosing `if (data.scope)` found present: reading them (or what holds them)
    /// inside cannot throw.
    present: Vec<String>,
    /// What of `present` an enclosing guard found (not an `x || {}` fallback, which is there
    /// whatever the response).
    held: Vec<String>,
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
    /// The request's own JSON body, and the names bound to it (`var sent = JSON.parse(request.data)`).
    request_body: Option<Sent>,
    /// (`var sent = JSON.parse(pm.request.body).data`: `sent` holds the body's `data`, the steps
    /// from the body in order.)
    request_json: HashMap<String, Vec<serde_json::Value>>,
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
    /// The names the export's variables give a text (see [`Known`]).
    known_texts: std::rc::Rc<BTreeSet<String>>,
    /// The names some script of the export sets (see [`Known`]).
    known_sets: std::rc::Rc<BTreeSet<String>>,
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

impl Converter {
    fn new(phase: Phase, lines: Vec<String>) -> Converter {
        Converter {
            phase,
            lines,
            aliases: HashMap::new(),
            out: Script {
                expect: Y::map(),
                capture: Y::map(),
                variables: Y::map(),
                sets: Y::map(),
                headers: Y::map(),
                after: Y::map(),
                ..Script::default()
            },
            converted: BTreeSet::new(),
            reasons: HashMap::new(),
            each_base: None,
            guarded_set: false,
            checked: Vec::new(),
            gate_at: None,
            when: None,
            lenient_items: false,
            at_line: 0,
            present: Vec::new(),
            held: Vec::new(),
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
            dates: HashMap::new(),
            formatted: HashMap::new(),
            computed: HashMap::new(),
            request_body: None,
            request_json: HashMap::new(),
            regexes: HashMap::new(),
            unrunnable: false,
            known_json: Default::default(),
            known_texts: Default::default(),
            known_sets: Default::default(),
            known_stored: Default::default(),
            mutated: BTreeSet::new(),
            owned: None,
            xml2js: HashMap::new(),
            xml_local: false,
            request_query: None,
            request_text: None,
            once: None,
            raw_body_read: std::cell::Cell::new(false),
            or_empty: Default::default(),
            literals: HashMap::new(),
            assigned: BTreeSet::new(),
        }
    }

    /// Whether every statement was converted.
    fn statements(&mut self, list: &[Stmt]) -> bool {
        self.depth += 1;
        let all = self.statements_here(list);
        self.depth -= 1;
        all
    }

    fn statements_here(&mut self, list: &[Stmt]) -> bool {
        let mut all = true;
        let mut returned = false;
        for (i, s) in list.iter().enumerate() {
            let done = if returned || self.unrunnable {
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
                self.require_reads(s);
                self.at_line = s.first;
                let done = self.statement(s);
                self.forget_mutated(s);
                self.moments_moved(s);
                if let Done::Kept(KEPT_COMPUTED) = done {
                    self.remember_computed(s);
                }
                if let Done::Kept(_) = done
                    && matches!(
                        s.kind,
                        StmtKind::Other | StmtKind::For(_) | StmtKind::If(..) | StmtKind::Try(..)
                    )
                {
                    self.forget_reassigned(s);
                }
                done
            };
            match done {
                Done::Converted => self.converted.extend(s.first..=s.last),
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

    fn statement(&mut self, s: &Stmt) -> Done {
        if let Some(done) = self.helper_renewal(s).or_else(|| self.followed(s)) {
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
                .local_default(cond, then, otherwise)
                .or_else(|| self.run_end(cond, then, otherwise))
                .or_else(|| self.conditional(cond, then, otherwise))
                .or_else(|| self.renewal(then, otherwise))
                .unwrap_or_else(|| self.unchecked_loop(s)),
            StmtKind::Try(body, handler) if handler.iter().all(|h| fallback(h, body)) => {
                // A failing `pm.expect` here throws into the `catch`, which swallows it: only
                // `pm.test`s (which report their own failures) count.
                let outer = std::mem::replace(&mut self.swallowed, true);
                self.parse_test = handler.iter().find_map(failed_test).cloned();
                let all = self.statements(body);
                self.parse_test = None;
                self.swallowed = outer;
                self.close_swallowed_gate();
                match all {
                    true => Done::Converted,
                    false => Done::Kept(KEPT_AROUND),
                }
            }
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
            StmtKind::Try(..) | StmtKind::Throw(_) | StmtKind::Return(_) | StmtKind::Other => {
                self.flow(s)
            }
            StmtKind::Assign(..) if self.phase != Phase::PreRequest => shaped(self),
            StmtKind::Assign(..) => Done::Kept(KEPT_OTHER),
        }
    }

    /// An `if` as one of the idioms it may be: a check with a failing `else`, a request sent
    /// again (polled or repeated), a set when unset, a guarded capture, a skip.
    fn conditional(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        self.once_block(cond, then, otherwise)
            .or_else(|| self.item_filter(cond, then, otherwise))
            .or_else(|| self.failing_else(cond, then, otherwise))
            .or_else(|| self.send_again(cond, then, otherwise))
            .or_else(|| self.repeat_while(cond, then, otherwise))
            .or_else(|| self.once_polled(cond, then, otherwise))
            .or_else(|| self.set_if_unset(cond, then, otherwise))
            .or_else(|| self.conditional_sets(cond, then, otherwise))
            .or_else(|| self.loose_cases(cond, then, otherwise))
            .or_else(|| self.status_cases(cond, then, otherwise))
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

    /// `if (!token || expired) { pm.sendRequest(<token request>, ...); ... }`: yarc fetches,
    /// caches and renews the token itself, so the condition and the script's own bookkeeping of
    /// the token (its expiry) go with the request.
    fn renewal(&mut self, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        if self.phase != Phase::PreRequest || self.out.oauth2.is_some() || !otherwise.is_empty() {
            return None;
        }
        let call = then.iter().find_map(|s| match &s.kind {
            StmtKind::Expr(e @ Expr::Call(callee, _))
                if path(callee).as_deref() == Some("pm.sendRequest") =>
            {
                Some(e)
            }
            _ => None,
        })?;
        let Expr::Call(_, args) = call else {
            return None;
        };
        let objects = block_objects(&self.objects, then);
        let Some(found) = self.token_request_with(args, &objects) else {
            return self.login_when_unset(then);
        };
        let bookkeeping = then.iter().all(|s| match &s.kind {
            StmtKind::Expr(e) if std::ptr::eq(e, call) => true,
            StmtKind::Expr(e) => is_console(e) || set_call(e).is_some(),
            StmtKind::Let(_) | StmtKind::Assign(..) => true,
            _ => false,
        });
        if !bookkeeping {
            return None;
        }
        self.out.sets_seen += 1;
        self.out.variables_set += 1;
        self.out.oauth2 = Some(found);
        Some(Done::Converted)
    }

    /// `if (!token || expired) { const options = {...}; pm.sendRequest(options, (err, res) =>
    /// ... set("token", ...)) }` of a login that is no client-credentials grant: a run starts
    /// without the token, so Newman sends it; the block is converted as it stands (the login
    /// becomes a request before this one).
    fn login_when_unset(&mut self, then: &[Stmt]) -> Option<Done> {
        let plain = then.iter().all(|s| match &s.kind {
            StmtKind::Expr(e) => {
                is_console(e)
                    || matches!(e, Expr::Call(c, _) if path(c).as_deref() == Some("pm.sendRequest"))
            }
            StmtKind::Let(_) => true,
            _ => false,
        });
        if !plain {
            return None;
        }
        Some(match self.statements(then) {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `pm.sendRequest({ url, method: 'POST', body: { mode: 'urlencoded', urlencoded: [...] } },
    /// (err, res) => pm.environment.set('access_token', res.json().access_token))` with
    /// `grant_type=client_credentials`: the `oauth2` block (token URL, client, scope, the other
    /// fields as `params`) and the variable the token goes into.
    fn token_request(&self, args: &[Expr]) -> Option<(Y, String)> {
        self.token_request_with(args, &self.objects)
    }

    /// [`Self::token_request`] with the objects in scope (a block's own, with what it
    /// assigned to their fields after).
    fn token_request_with(
        &self,
        args: &[Expr],
        objects: &HashMap<String, Expr>,
    ) -> Option<(Y, String)> {
        let (first, Some(Expr::Func(_, callback))) = (args.first()?, args.get(1)) else {
            return None;
        };
        let request = match first {
            Expr::Object(o) => o,
            Expr::Ident(n) => match objects.get(n) {
                Some(Expr::Object(o)) => o,
                _ => return None,
            },
            _ => return None,
        };
        let method = match field(request, "method") {
            Some(Expr::Str(m)) => m.to_ascii_uppercase(),
            _ => return None,
        };
        let url = self.value(field(request, "url")?)?;
        if method != "POST" {
            return None;
        }
        let Some(Expr::Object(body)) = field(request, "body") else {
            return None;
        };
        let mut form = self.token_form(body, objects)?;
        // The client in the request's own basic auth: `credentials: basic`.
        let basic = self.basic_auth(field(request, "auth"))?;
        if let Some((id, secret)) = &basic {
            form.push(("client_id".into(), id.clone()));
            form.push(("client_secret".into(), secret.clone()));
        }
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        // The client-credentials grant, or the resource owner's password grant (a public
        // client has no secret).
        let user = match get("grant_type")? {
            Y::Str(g) if g == "client_credentials" => None,
            Y::Str(g) if g == "password" => Some((get("username")?, get("password")?)),
            _ => return None,
        };
        let var = token_variable(callback)?;
        let mut o = Y::map();
        o.set("token_url", url);
        o.set("client_id", get("client_id")?);
        match (get("client_secret"), &user) {
            (Some(secret), _) => o.set("client_secret", secret),
            (None, Some(_)) => {}
            (None, None) => return None,
        }
        if let Some((username, password)) = user {
            o.set("username", username);
            o.set("password", password);
        }
        if let Some(scope) = get("scope") {
            o.set("scope", scope);
        }
        if basic.is_some() {
            o.set("credentials", Y::str("basic"));
        }
        let mut params = Y::map();
        for (k, v) in &form {
            let own = [
                "grant_type",
                "client_id",
                "client_secret",
                "scope",
                "username",
                "password",
            ];
            if !own.contains(&k.as_str()) {
                params.set(k.clone(), v.clone());
            }
        }
        if !params.is_empty_map() {
            o.set("params", params);
        }
        Some((Y::Map(vec![("oauth2".into(), o)]), var))
    }

    /// A token request's form fields: `urlencoded` or `formdata` pairs, or a raw
    /// `grant_type=client_credentials&client_id=...` text (joined with `+` from locals).
    fn token_form(
        &self,
        body: &[(String, Expr)],
        objects: &HashMap<String, Expr>,
    ) -> Option<Vec<(String, Y)>> {
        let mut form: Vec<(String, Y)> = Vec::new();
        // `raw: JSON.stringify(create)` (or `refresh ? refreshRequest : createRequest`): an
        // identity server that takes its fields as JSON; yarc sends them as RFC 6749's form.
        if let Some(Expr::Call(callee, args)) = field(body, "raw")
            && path(callee).as_deref() == Some("JSON.stringify")
            && let [fields] = args.as_slice()
        {
            for (k, v) in granting_object(fields, objects)? {
                form.push((k.clone(), self.value(v)?));
            }
            return Some(form);
        }
        match field(body, "mode") {
            Some(Expr::Str(m)) if m == "urlencoded" || m == "formdata" => {
                let Some(Expr::Array(pairs)) = field(body, m) else {
                    return None;
                };
                for p in pairs {
                    let Expr::Object(kv) = p else { return None };
                    if matches!(field(kv, "disabled"), Some(Expr::Bool(true))) {
                        continue;
                    }
                    let Some(Expr::Str(k)) = field(kv, "key") else {
                        return None;
                    };
                    form.push((k.clone(), self.value(field(kv, "value")?)?));
                }
            }
            Some(Expr::Str(m)) if m == "raw" => {
                let Y::Str(text) = self.value(field(body, "raw")?)? else {
                    return None;
                };
                for pair in text.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=')?;
                    // A literal value may be form-encoded; a template is the variable's.
                    let v = match v.contains("{{") {
                        true => v.to_string(),
                        false => form_decoded(v),
                    };
                    form.push((form_decoded(k), Y::str(v)));
                }
            }
            _ => return None,
        }
        Some(form)
    }

    /// `auth: { type: "basic", basic: [{ key: "username", value }, { key: "password", value }] }`
    /// of a script's request: the two values; `Some(None)` without one, `None` when it cannot
    /// be read.
    #[allow(clippy::option_option)]
    fn basic_auth(&self, auth: Option<&Expr>) -> Option<Option<(Y, Y)>> {
        let Some(Expr::Object(auth)) = auth else {
            return Some(None);
        };
        if !matches!(field(auth, "type"), Some(Expr::Str(t)) if t == "basic") {
            return None;
        }
        let Some(Expr::Array(pairs)) = field(auth, "basic") else {
            return None;
        };
        let get = |name: &str| {
            pairs.iter().find_map(|p| match p {
                Expr::Object(kv) if matches!(field(kv, "key"), Some(Expr::Str(k)) if k == name) => {
                    self.value(field(kv, "value")?)
                }
                _ => None,
            })
        };
        Some(Some((get("username")?, get("password")?)))
    }

    /// A loop (or an `if`) kept as it is: checks of the response in it (outside any `pm.test`,
    /// which says so itself) are tests Postman decides and yarc cannot, so the request must
    /// not pass silently (`fail:`).
    fn unchecked_loop(&mut self, s: &Stmt) -> Done {
        let stmt = std::slice::from_ref(s);
        // Also a `pm.test` in the loop: the loop is kept whole, so its tests are never read.
        let checks = self.lines_with(s, &["tests[", "pm.expect(", "pm.response.to."]) > 0;
        // What a loop's item reads is the response too (`instance.qty`).
        let text = self.text_of(stmt);
        let of_items = (self.aliases.iter())
            .any(|(n, a)| matches!(a, Some(Subject::Json(_))) && mentions(&text, n));
        if checks
            && !self.swallowed
            && self.phase != Phase::PreRequest
            && (self.reads_response(stmt) || of_items)
            && !self.reads_own_set(stmt)
        {
            // Its head (`for (var i in data)`, `if (one.id == x)`), not what a one-line body holds.
            let first = text.trim().lines().next().unwrap_or_default();
            let head = first.split('{').next().unwrap_or(first).trim();
            let head: String = head.chars().take(80).collect();
            self.out.unchecked.push(format!("the checks in `{head}`"));
        }
        self.flow(s)
    }

    /// A condition or loop: kept, and what it holds counted as seen (a conditional check
    /// cannot be a static one).
    fn flow(&mut self, s: &Stmt) -> Done {
        self.out.assertions_seen += self.assertion_lines(s);
        self.out.sets_seen += self.lines_with(s, SET_CALLS);
        Done::Kept(KEPT_FLOW)
    }

    /// `if (data.id) { pm.environment.set("id", data.id) } else { console.log(...) }`: the
    /// guard only says the value is there, which a capture checks itself. Sets and console
    /// output only; anything else leaves the `if` to a human.
    ///
    /// `if (pm.response.code === 200) { pm.test(...) }` (or a presence guard): the checks are
    /// written unconditionally. When the guard fails Postman skips them and yarc fails them —
    /// loud, where dropping them would pass a request Postman fails.
    /// `if (res.error) { console.log(...) } else { pm.environment.set(...) }`: the sets.
    ///
    /// A guard on the status (`if (pm.response.code == 201)`) is a condition of the captures
    /// it holds (`when: { status: 201 }`): on another status Postman sets nothing, and the
    /// variables keep what they had.
    fn guarded(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let console_only = |b: &[Stmt]| b.iter().all(says_only);
        let read_else = console_only(then) && !console_only(otherwise);
        // Sets in both branches (`else { set("token", "") }`) are one value either way.
        let when = match !console_only(then) && !console_only(otherwise) {
            true => None,
            false => self.capture_condition(cond, read_else),
        };
        let captured_before = self.out.capture.entries();
        let outer = std::mem::replace(&mut self.when, when.clone());
        let done = self.guarded_branch(cond, then, otherwise);
        self.when = outer;
        if let (Some(done), Some(when)) = (&done, when)
            && matches!(done, Done::Converted | Done::Kept(_))
        {
            self.conditional_captures(&captured_before, &when);
        }
        done
    }

    /// `if (pm.response.code === 202) { checks } else if (pm.response.code === 200) { checks }`:
    /// each branch's checks (and captures) apply only when its status holds — `expect.cases`,
    /// as Postman runs one branch; a last `else` is the case of every other status. A guard of
    /// checks on the body (`if (data?.status) { pm.test(...) }`) is a case too, its `else` the
    /// case of the opposite.
    fn status_cases(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        // Inside a case, a case of its own holds checks only: a capture's `when` is one.
        let sets =
            |c: &Self| (then.iter().chain(otherwise)).any(|s| c.lines_with(s, SET_CALLS) > 0);
        if self.phase != Phase::Test
            || self.swallowed
            || (self.when.is_some() && sets(self))
            || self.each_base.is_some()
            || then.iter().all(says_only)
        {
            return None;
        }
        // What only logs when the status is another is no branch.
        let otherwise = match otherwise.iter().all(says_only) {
            true => &[],
            false => otherwise,
        };
        let mut branches: Vec<(Y, &[Stmt])> = Vec::new();
        let mut codes = Some(Vec::new());
        let mut named = cond.clone();
        let first = cond;
        let (mut cond, mut then, mut rest) = (cond, then, otherwise);
        let mut on_body = false;
        loop {
            let when = match self.capture_condition(cond, false) {
                Some(when) => when,
                None => {
                    on_body = true;
                    self.case_condition(cond, false)?
                }
            };
            // A guard on the body of no check is a guarded capture (`optional`).
            let checks = |c: &Self| {
                then.iter().any(|s| {
                    c.lines_with(s, &["tests[", "pm.expect(", "pm.test(", "pm.response.to."]) > 0
                })
            };
            if on_body && !checks(self) {
                return None;
            }
            // The codes named so far, while each branch names codes (for a last `else`).
            codes = codes.zip(status_codes(&when)).map(|(mut c, more)| {
                c.extend(more);
                c
            });
            branches.push((when, then));
            match rest {
                [] => break,
                [
                    Stmt {
                        kind: StmtKind::If(c, t, o),
                        ..
                    },
                ] => {
                    named = Expr::Binary("||", Box::new(named), Box::new(c.clone()));
                    (cond, then, rest) = (c, t, o);
                }
                // `else { pm.expect.fail(...) }`: a status none of the branches names fails.
                last if fails_always(last) => {
                    if !self.written_check(|c, out| chain::boolean(c, &named, false, out)) {
                        return None;
                    }
                    break;
                }
                // `if (data.items.length) { ... } else { ... }` on the body: the `else` is
                // the case of its opposite.
                last if on_body && branches.len() == 1 => {
                    let opposite = self.case_condition(first, true);
                    branches.push((opposite.or_else(|| opposite_when(&branches[0].0))?, last));
                    break;
                }
                last => {
                    let others = Y::Map(vec![("in".into(), Y::Seq(codes?))]);
                    let status = Y::Map(vec![("not".into(), others)]);
                    branches.push((Y::Map(vec![("status".into(), status)]), last));
                    break;
                }
            }
        }
        let mut all = true;
        for (when, block) in branches {
            all &= self.status_case(when, block);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// One branch of [`Self::status_cases`] (or the rest of a script, [`Self::rest_when`]): its
    /// checks become a case, its captures get `when`.
    fn status_case(&mut self, when: Y, block: &[Stmt]) -> bool {
        let outer = std::mem::take(&mut self.out.expect);
        let captured_before = self.out.capture.entries();
        let outer_when = self.when.replace(when.clone());
        let all = self.statements(block);
        self.when = outer_when;
        self.conditional_captures(&captured_before, &when);
        let mut checks = std::mem::replace(&mut self.out.expect, outer);
        if checks.is_empty_map() {
            return all;
        }
        tidy(&mut checks);
        let mut case = Y::Map(vec![("when".into(), when)]);
        for (k, v) in checks.entries() {
            case.set(k, v);
        }
        let cases = self.out.expect.child("cases");
        match cases {
            Y::Seq(list) => list.push(case),
            other => *other = Y::Seq(vec![case]),
        }
        all
    }

    /// The condition of a status guard, as the checks `when:` holds; None for any other.
    fn capture_condition(&mut self, cond: &Expr, negate: bool) -> Option<Y> {
        self.status_checks(|c, out| chain::boolean(c, cond, negate, out))
    }

    /// The condition of a guard of checks, as the checks a case's `when:` holds: on the
    /// status, or on what the response holds (`if (data?.status)`, `if (data.items.length >
    /// 0)`, a header).
    fn case_condition(&mut self, cond: &Expr, negate: bool) -> Option<Y> {
        if loose_with_variable(cond) {
            return None;
        }
        self.response_checks(|c, out| chain::boolean(c, cond, negate, out), true)
    }

    /// What `read` stages, as the checks a `when:` holds, when it checks the status alone.
    fn status_checks(&mut self, read: impl FnOnce(&Self, &mut Staged) -> bool) -> Option<Y> {
        self.response_checks(read, false)
    }

    /// What `read` stages, as the checks a `when:` holds, when it checks the status alone or
    /// (`parts`) also the body's JSON values and the headers.
    fn response_checks(
        &mut self,
        read: impl FnOnce(&Self, &mut Staged) -> bool,
        parts: bool,
    ) -> Option<Y> {
        if self.phase != Phase::Test || self.each_base.is_some() {
            return None;
        }
        let mut staged = Staged::default();
        if !read(self, &mut staged) {
            return None;
        }
        let on_status = |s: &Subject| match s {
            Subject::Status | Subject::Reason => true,
            Subject::Json(_) | Subject::Header(_) | Subject::Length(_) | Subject::Size(_) => parts,
            _ => false,
        };
        if !staged.0.iter().all(|(s, ..)| on_status(s)) {
            return None;
        }
        let outer = std::mem::take(&mut self.out.expect);
        let written = self.commit(staged);
        let when = std::mem::replace(&mut self.out.expect, outer);
        written.then_some(when)
    }

    /// A check whose failure is swallowed: it fails nothing, and the rest of its block runs
    /// only when it holds. The first status check of the block says so (`when:` of the
    /// captures after it, see [`Self::close_swallowed_gate`]): it is converted; any other
    /// stays a comment.
    fn swallowed_check(&mut self, when: Option<Y>) -> Done {
        match when {
            Some(when) if self.swallowed_gate.is_none() => {
                self.swallowed_gate = Some((self.out.capture.entries(), when));
                self.out.assertions += 1;
                Done::Converted
            }
            _ => Done::Kept(KEPT_SWALLOWED),
        }
    }

    /// The end of a block whose failures are swallowed: the captures after its first status
    /// check get `when:` that status.
    pub(super) fn close_swallowed_gate(&mut self) {
        if let Some((before, when)) = self.swallowed_gate.take() {
            self.conditional_captures(&before, &when);
        }
    }

    /// Gives `when` to each capture written (or rewritten) since `before`.
    fn conditional_captures(&mut self, before: &[(String, Y)], when: &Y) {
        for (name, capture) in self.out.capture.entries() {
            if before.iter().any(|(n, c)| n == &name && c == &capture) {
                continue;
            }
            let mut capture = match capture {
                Y::Str(path) => Y::Map(vec![("json".into(), Y::Str(path))]),
                other => other,
            };
            match capture.get_mut("when") {
                // A test's own status check inside a status guard: the test's, the nearer;
                // a member that must be there (`when: { json: ... }`) holds beside the status.
                Some(own) => {
                    for (k, v) in when.entries() {
                        if own.get_mut(&k).is_none() {
                            own.set(k, v);
                        }
                    }
                }
                None => capture.set("when", when.clone()),
            }
            self.out.capture.set(name, capture);
        }
    }

    fn guarded_branch(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let sets_only = |b: &[Stmt]| {
            b.iter().all(|s| {
                is_console_stmt(s) || matches!(&s.kind, StmtKind::Expr(e) if set_call(e).is_some())
            })
        };
        let console_only = |b: &[Stmt]| b.iter().all(says_only);
        let positive = match cond {
            Expr::Unary("!", inner) => inner.as_ref(),
            c => c,
        };
        if self.phase == Phase::Test
            && sets_only(then)
            && sets_only(otherwise)
            && !console_only(then)
            && !console_only(otherwise)
            && self.is_guard(positive)
        {
            return self.set_or_else(cond, then, otherwise);
        }
        if self.phase == Phase::PreRequest || !(self.is_guard(cond) || self.is_setting(cond)) {
            return None;
        }
        let checks_only = |c: &Self, b: &[Stmt]| {
            b.iter().all(|s| {
                c.lines_with(s, &["tests[", "pm.expect(", "pm.test(", "pm.response.to."]) > 0
            })
        };
        // `if (list.length) { checks } else { a check of the empty case }`: the first branch's
        // checks are written (loud when the guard fails, as everywhere); the `else` is kept.
        let mut kept_else = false;
        let then = if console_only(otherwise) {
            then
        } else if console_only(then) && sets_only(otherwise) {
            // The value is read in the `else`: the guard asked whether something is missing.
            otherwise
        } else if !sets_only(then) && checks_only(self, otherwise) {
            kept_else = true;
            self.out.assertions_seen += otherwise
                .iter()
                .map(|s| self.assertion_lines(s))
                .sum::<usize>();
            then
        } else {
            return None;
        };
        if !sets_only(then) {
            let found = self.present_in(cond);
            let before = self.present.len();
            self.present.extend(found.iter().cloned());
            let held = self.held.len();
            self.held.extend(found);
            let all = self.statements(then);
            self.held.truncate(held);
            self.present.truncate(before);
            return Some(match all && !kept_else {
                true => Done::Converted,
                false => Done::Kept(KEPT_AROUND),
            });
        }
        let mut all = true;
        // Under a status guard the set happens whenever the status holds: `when:` says so.
        self.guarded_set = self.when.is_none();
        let found = self.present_in(cond);
        let before = self.present.len();
        self.present.extend(found);
        for s in then {
            if let StmtKind::Expr(e) = &s.kind
                && let Some((key, value)) = set_call(e)
            {
                let done = matches!(self.set(key, value, set_scope(e)), Done::Converted);
                if done {
                    // Shown as converted even when a set beside it is kept.
                    self.converted.extend(s.first..=s.last);
                }
                all &= done;
            } else {
                // `console.log(JSON.stringify(pm.response.json().booking.dates))` throws in
                // Postman without `booking`: what it reads must be there, as everywhere.
                self.require_reads(s);
            }
        }
        self.present.truncate(before);
        self.guarded_set = false;
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `if (accountId) { return }` in a pre-request script before the `pm.sendRequest` that
    /// fetches it: each request the rest of the script sends is skipped when the condition
    /// holds. The rest must do nothing else (locals, logging, sends).
    fn return_guard(&mut self, s: &Stmt, rest: &[Stmt]) -> Option<Done> {
        let StmtKind::If(cond, then, otherwise) = &s.kind else {
            return None;
        };
        let is_return = |t: &Stmt| matches!(t.kind, StmtKind::Return(None));
        let returns =
            then.iter().any(is_return) && then.iter().all(|t| is_return(t) || says_only(t));
        let is_send = |r: &Stmt| {
            matches!(&r.kind, StmtKind::Expr(Expr::Call(callee, _))
                if path(callee).as_deref() == Some("pm.sendRequest"))
        };
        let quiet = |r: &Stmt| match &r.kind {
            StmtKind::Let(decls) => decls.iter().all(|(_, v)| !has_effect(v)),
            _ => is_console_stmt(r),
        };
        if self.phase != Phase::PreRequest
            || self.depth > 1
            || !otherwise.is_empty()
            || !returns
            || self.return_guard.is_some()
            || !rest.iter().any(is_send)
            || !rest.iter().all(|r| is_send(r) || quiet(r))
        {
            return None;
        }
        let test = self.condition_jinja(cond)?;
        let why = serde_json::to_string(SKIPPED_BY_RETURN).ok()?;
        self.return_guard = Some(format!("{{{{ {why} if {test} else \"\" }}}}"));
        Some(Done::Converted)
    }

    /// `if (!pm.globals.get("clientId")) { console.log("skipped"); return }` at the top of a
    /// test script: the rest runs only when the variables (or the status) say so. Its checks
    /// become a case of `expect` and its captures get `when:`, on those variables; a value
    /// known before the run it sets is kept (yarc gives those unconditionally). The rest's
    /// outcome.
    fn rest_when(&mut self, s: &Stmt, rest: &[Stmt]) -> Option<bool> {
        let StmtKind::If(cond, then, otherwise) = &s.kind else {
            return None;
        };
        let is_return = |t: &Stmt| matches!(t.kind, StmtKind::Return(None));
        let returns = matches!(then.last(), Some(t) if is_return(t));
        let only_says = then
            .iter()
            .all(|t| is_return(t) || says_only(t) || holds_always(t));
        if self.phase != Phase::Test
            || !otherwise.is_empty()
            || !returns
            || rest.is_empty()
            || !(self.unconditional() || self.test_rest(rest))
        {
            return None;
        }
        if !only_says {
            return self.checks_then_return(cond, &then[..then.len() - 1], rest);
        }
        let mut wanted = Vec::new();
        if self.not_so(cond, &mut wanted).is_none() {
            // `if (pm.response.code !== 200) { return }`: the rest is the case of the status
            // the guard lets through, as a branch of `status_cases` is.
            let when = self.capture_condition(cond, true)?;
            return Some(self.status_case(when, rest));
        }
        let when = Y::Map(vec![("vars".into(), Y::Map(wanted))]);
        self.vars_gate = true;
        let all = self.status_case(when, rest);
        self.vars_gate = false;
        Some(all)
    }

    /// `if (!orgId) { pm.test(...); return; }` then more checks: a condition on one variable
    /// whose branch checks and returns — its checks a case of the condition, the rest's a case
    /// of its opposite (`vars:`). Checks only, on both sides.
    fn checks_then_return(&mut self, cond: &Expr, then: &[Stmt], rest: &[Stmt]) -> Option<bool> {
        let sets = |c: &Self, b: &[Stmt]| b.iter().any(|s| c.lines_with(s, SET_CALLS) > 0);
        if sets(self, then) || sets(self, rest) {
            return None;
        }
        let mut wanted = Vec::new();
        self.not_so(cond, &mut wanted)?;
        // `!id || id === ""`: what each part asks of the one variable, all of it.
        let name = wanted.first()?.0.clone();
        let mut merged = Y::map();
        for (n, preds) in &wanted {
            if *n != name {
                return None;
            }
            for (k, v) in preds.entries() {
                match merged.get_mut(&k) {
                    Some(held) if *held == v || subsumes(held, &v) => {}
                    Some(_) => return None,
                    None => merged.set(k, v),
                }
            }
        }
        let not_so = &merged;
        let holds_of_nothing = |(k, v): &(String, Y)| {
            k == "any"
                || k == "not" && !matches!(v, Y::Map(m) if m.iter().all(|(k, _)| k == "in"))
                || (k == "exists" && *v == Y::Bool(false))
        };
        let Y::Map(preds) = not_so else { return None };
        if preds.iter().any(holds_of_nothing) {
            return None;
        }
        let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
        let so = Y::Map(vec![(
            "any".into(),
            Y::Seq(vec![missing, Y::Map(vec![("not".into(), not_so.clone())])]),
        )]);
        let when = |p: Y| Y::Map(vec![("vars".into(), Y::Map(vec![(name.clone(), p)]))]);
        let (when_so, when_not) = (when(so), when(not_so.clone()));
        self.vars_gate = true;
        let all = self.status_case(when_so, then) & self.status_case(when_not, rest);
        self.vars_gate = false;
        Some(all)
    }

    /// Whether `rest` is the rest of the body of a `pm.test` of the script's own (not under a
    /// condition) that only checks: a `return` before it ends that test, as a `return` at the
    /// top ends the script.
    fn test_rest(&self, rest: &[Stmt]) -> bool {
        self.depth == 2
            && self.test_depth == Some(self.depth)
            && self.when.is_none()
            && self.held.is_empty()
            && !self.guarded_set
            && !self.swallowed
            && rest.iter().all(|s| self.lines_with(s, SET_CALLS) == 0)
    }

    /// `if (!pm.environment.get("token")) { pm.execution.skipRequest(); return; }` in a
    /// pre-request script: `skip:` with the condition, which yarc renders before the request.
    fn skip_when(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let skips = |s: &Stmt| matches!(&s.kind, StmtKind::Expr(e) if is_skip_request(e));
        let only = then
            .iter()
            .all(|s| skips(s) || says_only(s) || matches!(s.kind, StmtKind::Return(None)));
        if self.phase != Phase::PreRequest
            || !otherwise.is_empty()
            || !only
            || !then.iter().any(skips)
            || !self.unconditional()
            || self.out.skip.is_some()
        {
            return None;
        }
        let test = self.condition_jinja(cond)?;
        let why = serde_json::to_string(SKIPPED_BY_SCRIPT).ok()?;
        self.out.skip = Some(format!("{{{{ {why} if {test} else \"\" }}}}"));
        Some(Done::Converted)
    }

    /// `if (data.id == pm.globals.get("ID")) { checks }` (no `else`): Postman makes the checks
    /// when the field equals the variable, and when both are nothing (`undefined == null`: a
    /// field not there, a variable set from one) — two cases of the same checks.
    fn loose_cases(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let Expr::Binary("==", a, b) = cond else {
            return None;
        };
        if self.phase != Phase::Test
            || self.swallowed
            || self.each_base.is_some()
            || !otherwise.is_empty()
            || then.iter().any(|s| self.lines_with(s, SET_CALLS) > 0)
            || !then.iter().any(|s| self.assertion_lines(s) > 0)
        {
            return None;
        }
        let (path, name) = match (self.subject(a), self.subject(b)) {
            (Some(Subject::Json(p)), Some(Subject::Value(Y::Str(t))))
            | (Some(Subject::Value(Y::Str(t))), Some(Subject::Json(p))) => (p, var_name(&t)?),
            _ => return None,
        };
        let strict = Expr::Binary("===", a.clone(), b.clone());
        let equal = self.response_checks(|c, out| chain::boolean(c, &strict, false, out), true)?;
        let null_ish = null_ish(&name);
        let nothing = Y::Seq(vec![
            Y::Map(vec![("exists".into(), Y::Bool(false))]),
            Y::Map(vec![("equals".into(), Y::Null)]),
        ]);
        let both_nothing = Y::Map(vec![
            ("vars".into(), Y::Map(vec![(name, null_ish)])),
            (
                "json".into(),
                Y::Map(vec![(path, Y::Map(vec![("any".into(), nothing)]))]),
            ),
        ]);
        let all = self.status_case(equal, then);
        self.uncounted(|c| c.status_case(both_nothing, then));
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `list.forEach(item => { if (item.id == pm.globals.get("ID")) { pm.test(...) } })`: the
    /// checks of the items the condition picks (`$.list[?(@.id == {{ ID | tojson }})]`), a
    /// case of there being some — Newman checks nothing when none matches.
    fn item_filter(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let base = self.each_base.clone()?;
        let list = base.strip_suffix("[*]")?.to_string();
        if !otherwise.is_empty() || self.swallowed {
            return None;
        }
        let at_base = Some(Subject::Json(base.clone()));
        let (item, _) = self.aliases.iter().find(|(_, s)| **s == at_base)?;
        let item = item.clone();
        let there = || Y::Map(vec![("exists".into(), Y::Bool(true))]);
        let some = |picked: &str| Y::Map(vec![(picked.to_string(), there())]);
        if !loose_with_variable(cond) {
            let picked = format!("{list}[?{}]", self.filter_of(&item, cond)?);
            let when = Y::Map(vec![("json".into(), some(&picked))]);
            return Some(self.items_picked(&item, &picked, when, then));
        }
        // `item.id == pm.globals.get("ID")`: the items whose id is the variable's, and — when
        // the variable holds nothing (`undefined == null`) — those without one. Checks only:
        // a capture cannot take from two selections.
        let Expr::Binary("==", a, b) = cond else {
            return None;
        };
        if then.iter().any(|s| self.lines_with(s, SET_CALLS) > 0) {
            return None;
        }
        let (field, name) = match (item_field(&item, a), item_field(&item, b)) {
            (Some(f), None) => (f, self.variable_read(b)?),
            (None, Some(f)) => (f, self.variable_read(a)?),
            _ => return None,
        };
        let strict = Expr::Binary("===", a.clone(), b.clone());
        let equal = format!("{list}[?{}]", self.filter_of(&item, &strict)?);
        let when = Y::Map(vec![("json".into(), some(&equal))]);
        let done = self.items_picked(&item, &equal, when, then);
        let nothing = format!("{list}[?(!@{field} || @{field} == null)]");
        let when = Y::Map(vec![
            ("vars".into(), Y::Map(vec![(name.clone(), null_ish(&name))])),
            ("json".into(), some(&nothing)),
        ]);
        self.uncounted(|c| c.items_picked(&item, &nothing, when, then));
        Some(done)
    }

    /// What `f` converts, its checks not counted again: the same checks a second case makes.
    fn uncounted<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let (assertions, seen) = (self.out.assertions, self.out.assertions_seen);
        let unchecked = self.out.unchecked.len();
        let out = f(self);
        (self.out.assertions, self.out.assertions_seen) = (assertions, seen);
        self.out.unchecked.truncate(unchecked);
        out
    }

    /// The checks of `then` made of the items `picked` selects (the loop's `item` read as
    /// them), as a case of `when`.
    fn items_picked(&mut self, item: &str, picked: &str, when: Y, then: &[Stmt]) -> Done {
        let base = self.each_base.clone();
        let before = std::mem::take(&mut self.out.expect);
        let outer =
            (self.aliases).insert(item.to_string(), Some(Subject::Json(picked.to_string())));
        self.each_base = Some(picked.to_string());
        let all = self.statements(then);
        self.each_base = base;
        self.aliases.insert(item.to_string(), outer.flatten());
        self.case_when(when, before);
        match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        }
    }

    /// The variable an expression reads (`pm.globals.get("ID")`), by its yarc name.
    fn variable_read(&self, e: &Expr) -> Option<String> {
        match self.subject(e)? {
            Subject::Value(Y::Str(t)) => var_name(&t),
            _ => None,
        }
    }

    /// `pm.request.body.raw = JSON.stringify({ title: "Order " + ts, ... })` in a request's
    /// own pre-request script: the object, written as the request's JSON body (each value
    /// made when the request is sent).
    pub(super) fn body_given(&mut self, s: &Stmt) -> Option<Done> {
        let StmtKind::Assign(target, value) = &s.kind else {
            return None;
        };
        if self.phase != Phase::PreRequest || path(target).as_deref() != Some("pm.request.body.raw")
        {
            return None;
        }
        let Expr::Call(callee, args) = value else {
            return Some(Done::Kept(KEPT_OTHER));
        };
        let (Some("JSON.stringify"), [object @ (Expr::Object(_) | Expr::Array(_))]) =
            (path(callee).as_deref(), args.as_slice())
        else {
            return Some(Done::Kept(KEPT_OTHER));
        };
        Some(match self.json_value(object, 0) {
            Some(body @ (Y::Map(_) | Y::Seq(_))) => {
                self.out.json_body = Some(body);
                Done::Converted
            }
            _ => Done::Kept(KEPT_COMPUTED),
        })
    }

    /// An object or list the script writes, each value one known before the request
    /// (`"Order " + ts`, `pm.collectionVariables.get("id")`), as YAML.
    fn json_value(&self, e: &Expr, depth: usize) -> Option<Y> {
        if depth > 64 {
            return None;
        }
        match e {
            Expr::Object(_) | Expr::Array(_) => literal(
                e,
                |s| Y::Str(s.to_string()),
                |m| self.json_value(m, depth + 1),
            )?,
            other => self.value(other),
        }
    }

    /// `if (!isInitialized || isInitialized === "") { ...; set("_initialized", "true") }` in a
    /// pre-request script (the flag read before, `pm.collectionVariables.get(...)`): a block
    /// that runs once, before the first request — each set in it keeps, from then on, what the
    /// variable holds (`{{ x if _initialized else ... }}`), the flag last.
    fn once_block(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        if self.phase != Phase::PreRequest || !otherwise.is_empty() || self.once.is_some() {
            return None;
        }
        let flag = unset_test(cond)?;
        let Some(Subject::Value(Y::Str(t))) = self.subject(flag) else {
            return None;
        };
        let flag_name = var_name(&t)?;
        // The block itself sets the flag to something true, as its last set.
        let sets: Vec<(&Expr, &Expr)> = then
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Expr(e) => set_call(e),
                _ => None,
            })
            .collect();
        let (Expr::Str(last), value) = sets.last()? else {
            return None;
        };
        let truthy = matches!(value, Expr::Str(v) if !v.is_empty()) || **value == Expr::Bool(true);
        if super::vars::ident(last) != flag_name || !truthy {
            return None;
        }
        self.once = Some((flag.clone(), last.clone()));
        let all = self.statements(then);
        self.once = None;
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `if (!pm.environment.get("key")) { pm.environment.set("key", value) }`: the set of
    /// `get("key") || value`, which keeps the value the variable has.
    fn set_if_unset(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let Expr::Unary("!", read) = cond else {
            return None;
        };
        // A variable's value (`pm.environment.get("x")`, a data file's `data.x`).
        let read_name = match self.subject(read) {
            Some(Subject::Value(Y::Str(t))) => var_name(&t)?,
            _ => return None,
        };
        let (given, kept) = (only_sets(then)?, only_sets(otherwise)?);
        // Without an `else`, one set of the variable read: it keeps its value when it has one.
        if kept.is_empty() {
            let [(e, key @ Expr::Str(k), value)] = given.as_slice() else {
                return None;
            };
            if super::vars::ident(k) != read_name {
                return None;
            }
            let either = Expr::Binary("||", read.clone(), Box::new(value.clone()));
            return Some(self.set(key, &either, set_scope(e)));
        }
        // With one that sets the same variables (`else { set("slug", data.slug) }`): each is
        // the `if`'s value when the variable read is unset, the `else`'s when it is set.
        let paired: Option<Vec<_>> = given
            .iter()
            .map(|(e, key, value)| {
                let (_, _, other) = kept.iter().find(|(_, k, _)| k == key)?;
                Some((e, key, value, other))
            })
            .collect();
        let mut paired = paired.filter(|p| p.len() == kept.len())?;
        // The variable read is set last: the others' conditions read its value before.
        paired.sort_by_key(|(_, _, _, other)| **other == **read);
        let mut all = true;
        for (e, key, value, other) in paired {
            let either = match *other == **read {
                true => Expr::Binary("||", read.clone(), Box::new(value.clone())),
                false => Expr::Cond(
                    read.clone(),
                    Box::new(other.clone()),
                    Box::new(value.clone()),
                ),
            };
            all &= matches!(self.set(key, &either, set_scope(e)), Done::Converted);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_FLOW),
        })
    }

    /// `if (data.token) { set("token", data.token) } else { set("token", "") }` (or the
    /// branches the other way round under `!`): each variable captured from the response, with
    /// the `else` value when it is not there — as `data.token ? data.token : ""` would be.
    fn set_or_else(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        let (cond, then, otherwise) = match cond {
            Expr::Unary("!", inner) => (inner.as_ref(), otherwise, then),
            c => (c, then, otherwise),
        };
        let sets = |b: &[Stmt]| -> Vec<(Expr, Expr, SetScope)> {
            b.iter()
                .filter_map(|s| match &s.kind {
                    StmtKind::Expr(e) => {
                        set_call(e).map(|(k, v)| (k.clone(), v.clone(), set_scope(e)))
                    }
                    _ => None,
                })
                .collect()
        };
        let (found, missing) = (sets(then), sets(otherwise));
        let paired = found.len() == missing.len()
            && found.iter().all(|(k, v, _)| {
                matches!(self.subject(unwrap_conversion(v)), Some(Subject::Json(_)))
                    && missing
                        .iter()
                        .any(|(k2, v2, _)| k2 == k && literal_y(v2).is_some())
            });
        if !paired {
            return None;
        }
        let mut all = true;
        for (key, value, scope) in &found {
            let fallback = missing
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, _)| v.clone())?;
            // Each branch's set was seen once in Postman's script; one capture stands for both.
            self.out.sets_seen += 1;
            let either = Expr::Cond(
                Box::new(cond.clone()),
                Box::new(value.clone()),
                Box::new(fallback),
            );
            all &= matches!(self.set(key, &either, *scope), Done::Converted);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_FLOW),
        })
    }

    /// `if (!apiKey || apiKey === "<add your key>") throw new Error("Configure ...")`: a
    /// check that the run's variables are not what the script refuses — as Newman counts the
    /// throw, a failure of the request (which is still sent).
    fn refusal(&mut self, cond: &Expr) -> Option<Done> {
        let mut wanted = Vec::new();
        self.not_so(cond, &mut wanted)?;
        let mut names: Vec<&String> = wanted.iter().map(|(n, _)| n).collect();
        names.sort();
        names.dedup();
        let taken = |c: &mut Self, name: &str| {
            c.out
                .expect
                .get_mut("vars")
                .is_some_and(|v| v.get_mut(name).is_some())
        };
        if names.len() < wanted.len() || wanted.iter().any(|(n, _)| taken(self, n)) {
            return None;
        }
        let vars = self.out.expect.child("vars");
        for (name, predicates) in wanted {
            vars.set(name, predicates);
        }
        // One statement, one assertion converted, however many variables it checks.
        self.out.assertions += 1;
        self.out.assertions_seen += 1;
        Some(Done::Converted)
    }

    /// `if (pm.response.code == 403) { throw new Error(...) }` in a test script: the response
    /// fails when the condition holds, so its opposite is the check.
    fn thrown_check(&mut self, cond: &Expr) -> Option<Done> {
        if self.phase == Phase::PreRequest {
            return None;
        }
        // Swallowed (a `pm.sendRequest` callback): no check, but what follows runs only when
        // it does not throw.
        if self.swallowed {
            let when = self.status_checks(|c, out| chain::boolean(c, cond, true, out))?;
            self.out.assertions_seen += 1;
            return Some(self.swallowed_check(Some(when)));
        }
        self.written_check(|c, out| {
            chain::boolean(c, cond, true, out) && {
                or_missing(cond, out);
                true
            }
        })
        .then_some(Done::Converted)
    }

    /// What must hold of the variables for `cond` to be false: each variable with its
    /// predicates (`!x` → set and not empty; `x == "lit"` → not "lit"); `||` adds up.
    fn not_so(&self, cond: &Expr, out: &mut Vec<(String, Y)>) -> Option<()> {
        let var = |e: &Expr| match self.subject(e)? {
            Subject::Value(Y::Str(t)) => var_name(&t),
            _ => None,
        };
        let absent = |v: &Expr| matches!(v, Expr::Null | Expr::Undefined);
        let predicates = match cond {
            Expr::Binary("||", a, b) => {
                self.not_so(a, out)?;
                return self.not_so(b, out);
            }
            // `!pm.environment.has("x")`: set, whatever its value.
            Expr::Unary("!", inner) if let Some(Subject::VarSet(name)) = self.subject(inner) => {
                (super::vars::ident(&name), has_var(&name))
            }
            Expr::Unary("!", inner) => {
                let name = var(inner)?;
                let wanted = truthy_var(&name);
                (name, wanted)
            }
            Expr::Binary(op @ ("==" | "===" | "!=" | "!=="), a, b) => {
                let (name, other) = match var(a) {
                    Some(n) => (n, &**b),
                    None => (var(b)?, &**a),
                };
                let equal = op.starts_with('=');
                // `undefined`: also the `{{name}}` text a variable Postman lacks holds here.
                let own_text = Y::str(own_text(&name));
                let y = match (absent(other), equal) {
                    (true, true) => Y::Map(vec![
                        ("exists".into(), Y::Bool(true)),
                        (
                            "not".into(),
                            Y::Map(vec![("in".into(), Y::Seq(vec![Y::str("null"), own_text]))]),
                        ),
                    ]),
                    (true, false) => Y::Map(vec![("exists".into(), Y::Bool(false))]),
                    (false, true) => Y::Map(vec![("not".into(), literal_y(other)?)]),
                    (false, false) => literal_y(other)?,
                };
                (name, y)
            }
            _ => return None,
        };
        out.push(predicates);
        Some(())
    }

    /// A condition on the collection's settings only — variables and literals, not the
    /// response (`if (!environment.isIntegrationTest)`, `if (pm.environment.get("strict"))`):
    /// the same for every run of a collection, so its checks are written as they stand.
    fn is_setting(&self, cond: &Expr) -> bool {
        match cond {
            Expr::Binary(op, a, b) if !matches!(*op, "in" | "instanceof") => {
                self.is_setting(a) && self.is_setting(b)
            }
            Expr::Unary("!" | "-" | "typeof", inner) => self.is_setting(inner),
            Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null | Expr::Undefined => true,
            e => matches!(self.subject(e), Some(Subject::Value(_))),
        }
    }

    /// The paths a presence guard finds there (`data.scope`, `a && a.b`, `x !== undefined`).
    fn present_in(&self, cond: &Expr) -> Vec<String> {
        match self.bound(cond) {
            Expr::Binary("&&", a, b) => {
                let mut out = self.present_in(a);
                out.extend(self.present_in(b));
                out
            }
            Expr::Binary("!==" | "!=", a, b) if matches!(&**b, Expr::Undefined | Expr::Null) => {
                self.present_in(a)
            }
            e => match self.subject(e) {
                Some(Subject::Json(p)) => vec![p],
                // `if (data.items.length)`: the list is there, with a first item.
                Some(Subject::Length(inner)) => match *inner {
                    Subject::Json(p) => vec![format!("{p}[0]"), p],
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            },
        }
    }

    /// A condition that holds when a value is present, or when the status is a given one.
    fn is_guard(&self, cond: &Expr) -> bool {
        let cond = self.bound(cond);
        let present = |e: &Expr| {
            matches!(
                self.subject(e),
                Some(Subject::Json(_) | Subject::Header(_) | Subject::Length(_))
            )
        };
        // `pm.response.responseSize !== 0`: the answer has a body.
        let size = |e: &Expr| path(e).as_deref() == Some("pm.response.responseSize");
        match cond {
            Expr::Binary("!==" | "!=" | ">", a, b) if size(a) => {
                matches!(&**b, Expr::Num(n) if *n == 0.0)
            }
            e if size(e) => true,
            // `responseCode >= 200 && responseCode < 300`: a range of statuses.
            // `data.items.length > 0`: a list with something in it, as `if (data.items.length)`.
            Expr::Binary(op @ (">" | ">="), a, b)
                if matches!(self.subject(a), Some(Subject::Length(_))) =>
            {
                matches!((*op, &**b), (">", Expr::Num(n)) if *n == 0.0)
                    || matches!((*op, &**b), (">=", Expr::Num(n)) if *n == 1.0)
            }
            Expr::Binary(">=" | ">" | "<" | "<=", a, b) => {
                self.subject(a) == Some(Subject::Status) && matches!(&**b, Expr::Num(_))
            }
            Expr::Binary("&&" | "||", a, b) => self.is_guard(a) && self.is_guard(b),
            // `pm.response.code !== 204`: an answer with a body.
            Expr::Binary("!==" | "!=", a, b) => {
                (matches!(&**b, Expr::Undefined | Expr::Null) && present(a))
                    // `data.length !== 0`: something in it.
                    || (matches!(&**b, Expr::Num(n) if *n == 0.0)
                        && matches!(self.subject(a), Some(Subject::Length(_))))
                    || (self.subject(a) == Some(Subject::Status) && matches!(&**b, Expr::Num(_)))
                    || status_text(a, b)
            }
            Expr::Binary("===" | "==", a, b) => {
                (self.subject(a) == Some(Subject::Status) && matches!(&**b, Expr::Num(_)))
                    || status_text(a, b)
            }
            // `responseHeaders.hasOwnProperty("Content-Type")`: a header that is there.
            Expr::Call(callee, args) => {
                matches!(&**callee, Expr::Member(inner, m) if m == "hasOwnProperty" && present(inner))
                    || chain::presence(self, callee, args).is_some()
            }
            e => present(e),
        }
    }

    /// Assertion-shaped lines inside a statement this importer cannot convert (an `if`).
    fn assertion_lines(&self, s: &Stmt) -> usize {
        if self.phase == Phase::PreRequest {
            return 0;
        }
        self.lines_with(s, &["pm.expect(", "pm.response.to.", "tests["])
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

    fn declarations(&mut self, decls: &[(Binding, Expr)]) -> Done {
        let mut done = Done::Converted;
        for (binding, value) in decls {
            let d = match binding {
                Binding::Name(n) if let Some(d) = self.bind_xml2js(n, value) => d,
                Binding::Name(n) if let Some(d) = self.first_or_false(n, value) => d,
                Binding::Name(n) => self.declare(n, value),
                Binding::Object(_) if LIBRARIES.iter().any(|m| is_require(value, m)) => {
                    // `const { Property } = require('postman-collection')`.
                    Done::Converted
                }
                Binding::Object(fields) => {
                    let base = self.subject(value);
                    for (key, local) in fields {
                        let s = match &base {
                            Some(Subject::Json(p)) => Some(Subject::Json(child(p, key))),
                            _ => None,
                        };
                        self.aliases.insert(local.clone(), s);
                    }
                    match base {
                        Some(_) => Done::Converted,
                        None => Done::Kept(KEPT_COMPUTED),
                    }
                }
            };
            if let Done::Kept(_) = d {
                done = d;
            }
        }
        done
    }

    /// `var data = pm.response.json()`: later uses of `data` read the body.
    /// A name bound to a condition (`var is200 = responseCode.code === 200`): the condition.
    fn bound<'a>(&'a self, e: &'a Expr) -> &'a Expr {
        match e {
            Expr::Ident(n) if matches!(self.aliases.get(n), Some(None)) => {
                self.bindings.get(n).unwrap_or(e)
            }
            _ => e,
        }
    }

    /// `getvar("clientId")` of a helper `getter`: the variable's read, and the helper's refusal
    /// to go on without it as a check of the request ([`truthy_var`]) — Newman counts the throw
    /// as a failure of the request, which it still sends.
    fn getter_call(&mut self, e: &Expr) -> Option<Expr> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let (Expr::Ident(f), [Expr::Str(name)]) = (&**callee, args.as_slice()) else {
            return None;
        };
        if !self.getters.contains(f) {
            return None;
        }
        let var = super::vars::ident(name);
        let wanted = truthy_var(&var);
        self.out.expect.child("vars").set(var, wanted);
        self.out.assertions_seen += 1;
        self.out.assertions += 1;
        let get = Expr::Member(
            Box::new(Expr::Member(
                Box::new(Expr::Ident("pm".into())),
                "variables".into(),
            )),
            "get".into(),
        );
        Some(Expr::Call(Box::new(get), args.clone()))
    }

    fn is_function_declaration(&self, s: &Stmt) -> bool {
        self.lines
            .get(s.first.saturating_sub(1))
            .map(|l| l.trim_start())
            .is_some_and(|l| l.starts_with("function ") || l.starts_with("async function "))
    }

    /// `function name(params) { body }`: its name, parameters and body.
    fn declared_function<'s>(&self, s: &'s Stmt) -> Option<(&'s String, &'s [String], &'s [Stmt])> {
        if !self.is_function_declaration(s) {
            return None;
        }
        let StmtKind::Let(decls) = &s.kind else {
            return None;
        };
        let [(Binding::Name(name), Expr::Func(params, body))] = decls.as_slice() else {
            return None;
        };
        Some((name, params, body))
    }

    /// `function byId(list, id) { return list.find(i => i.id === id); }`: its name, parameters
    /// and the one expression it returns.
    fn returning_function(&self, s: &Stmt) -> Option<(String, Vec<String>, Expr)> {
        let (name, params, body) = self.declared_function(s)?;
        let (last, locals) = body.split_last()?;
        let StmtKind::Return(Some(returned)) = &last.kind else {
            return None;
        };
        // `var chars = "0123..."; return chars.substr(...)`: the written values read in place.
        let mut returned = returned.clone();
        for s in locals {
            let StmtKind::Let(decls) = &s.kind else {
                return None;
            };
            for (b, v) in decls {
                let (Binding::Name(local), Expr::Str(_) | Expr::Num(_)) = (b, v) else {
                    return None;
                };
                returned = returned.replaced_by(&Expr::Ident(local.clone()), v);
            }
        }
        Some((name.clone(), params.to_vec(), returned))
    }

    /// `function random_string(size) { var s = ""; for (var i = 0; i < size; i++) { s +=
    /// pick(); } return s; }`: a function that builds a text by repeating one piece, its name,
    /// parameters, what the text starts as, how many times (a parameter's name or a number)
    /// and the piece.
    /// The locals may be declared before the loop in any order, written values among them
    /// (`var characters = "ABC..."; var charactersLength = characters.length;`).
    fn builder(&self, s: &Stmt) -> Option<(String, Builder)> {
        let (name, params, body) = self.declared_function(s)?;
        let (ret, rest) = body.split_last()?;
        let (repeat, locals) = rest.split_last()?;
        let (StmtKind::For(l), StmtKind::Return(Some(Expr::Ident(acc)))) =
            (&repeat.kind, &ret.kind)
        else {
            return None;
        };
        let [step] = l.body.as_slice() else {
            return None;
        };
        let StmtKind::Assign(Expr::Ident(a), Expr::Binary("+", a2, piece)) = &step.kind else {
            return None;
        };
        let same = a == acc && **a2 == Expr::Ident(acc.clone());
        if !same || !l.indexed || step.mentions(&l.name) {
            return None;
        }
        let (init, written) = builder_locals(locals, acc)?;
        let read = |e: &Expr| {
            written.iter().fold(e.clone(), |e, (n, v)| {
                e.replaced_by(&Expr::Ident(n.clone()), v)
            })
        };
        let b = Builder {
            params: params.to_vec(),
            start: init,
            times: read(&l.list),
            piece: read(piece),
        };
        Some((name.clone(), b))
    }

    /// A call of a [`Converter::builder`] function: the text it builds, as a template.
    fn built(&self, e: &Expr) -> Option<Y> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let b = self.builders.get(f)?;
        if args.len() > b.params.len() || self.inlining.get() >= 4 {
            return None;
        }
        let times = given(&b.times, &b.params, args);
        let n = match self.folded(&times)? {
            Expr::Num(n) if n.fract() == 0.0 && (1.0..=64.0).contains(&n) => n as usize,
            _ => return None,
        };
        self.inlining.set(self.inlining.get() + 1);
        let parts = (
            self.value(&given(&b.start, &b.params, args)),
            self.value(&given(&b.piece, &b.params, args)),
        );
        self.inlining.set(self.inlining.get() - 1);
        let (Some(Y::Str(start)), Some(Y::Str(piece))) = parts else {
            return None;
        };
        Some(Y::str(repeated(start, &piece, n)))
    }

    /// What a call makes, when it is one this importer reads through: the day of a date
    /// (`moment(x).format("YYYY-MM-DD")`), a function that returns an expression.
    fn called(&self, e: &Expr) -> Option<Option<Subject>> {
        if let Some(day) = self.day_of(e) {
            return Some(Some(day));
        }
        if let Some(text) = self.built(e) {
            return Some(Some(Subject::Value(text)));
        }
        let inlined = self.inlined_call(e)?;
        if self.inlining.get() >= 4 {
            return Some(None);
        }
        self.inlining.set(self.inlining.get() + 1);
        let found = self.subject(&inlined);
        self.inlining.set(self.inlining.get() - 1);
        Some(found)
    }

    /// `const validate = (refId) => { pm.test(...) }` (or a `function`): a function of checks
    /// that returns nothing, its name, parameters and body.
    /// `const`/`let`/`var`: a function kept as written (one passed along) has its checks seen,
    /// not written.
    fn declared(&mut self, s: &Stmt, decls: &[(Binding, Expr)]) -> Done {
        let done = self.declarations(decls);
        if let Done::Kept(_) = done
            && matches!(decls, [(_, Expr::Func(..))])
        {
            self.out.assertions_seen += self.assertion_lines(s);
            self.out.sets_seen += self.lines_with(s, SET_CALLS);
        }
        done
    }

    fn is_procedure(&self, decls: &[(Binding, Expr)]) -> bool {
        matches!(decls, [(Binding::Name(n), Expr::Func(..))] if self.procedures.contains_key(n))
    }

    fn procedure(&self, s: &Stmt, words: &WordLines) -> Option<(String, Vec<String>, Vec<Stmt>)> {
        let StmtKind::Let(decls) = &s.kind else {
            return None;
        };
        let [(Binding::Name(name), Expr::Func(params, body))] = decls.as_slice() else {
            return None;
        };
        let returns = body
            .iter()
            .any(|b| matches!(b.kind, StmtKind::Return(Some(_))));
        // One that checks, or sends (a token fetched for a client its argument names).
        let acts = self.lines_with(s, &["pm.test(", "pm.expect(", "tests[", "pm.sendRequest("]) > 0;
        let plain = params.iter().all(|p| !p.starts_with(['[', '{', '.']));
        (acts && !returns && plain && !body.is_empty() && self.only_called(name, s, words))
            .then(|| (name.clone(), params.clone(), body.clone()))
    }

    /// Whether every other line that names `name` is a call of it standing alone
    /// (`validate('x');`, or after a pause: `setTimeout(validate, 300);`): then each is read,
    /// and the declaration is nothing of its own. One passed along (`list.forEach(validate)`)
    /// leaves the function as it was, kept.
    fn only_called(&self, name: &str, declared: &Stmt, words: &WordLines) -> bool {
        words.get(name).into_iter().flatten().all(|&(n, times)| {
            let t = self.lines.get(n - 1).map_or("", |l| l.trim());
            (declared.first..=declared.last).contains(&n)
                || (times == 1
                    && (t.starts_with(&format!("{name}("))
                        || t.starts_with(&format!("setTimeout({name},"))))
        })
    }

    /// `validate('apexClass')` of a [`Converter::procedure`]: its body read with the
    /// parameters given the arguments (a missing one `undefined`).
    fn procedure_call(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        // `setTimeout(check, 300)`: Newman waits for it, and the response it reads is the same.
        if path(callee).as_deref() == Some("setTimeout") {
            return match args.first()? {
                f @ Expr::Ident(_) => self.procedure_call(&Expr::Call(Box::new(f.clone()), vec![])),
                Expr::Func(params, body) if params.is_empty() => {
                    Some(match self.statements(body) {
                        true => Done::Converted,
                        false => Done::Kept(KEPT_AROUND),
                    })
                }
                _ => None,
            };
        }
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let (params, body) = self.procedures.get(f)?.clone();
        if args.len() > params.len() || self.inlining.get() >= 4 || !self.expand(body.len()) {
            return None;
        }
        let body = constants_in(&given(&body, &params, args));
        self.inlining.set(self.inlining.get() + 1);
        let all = self.statements(&body);
        self.inlining.set(self.inlining.get() - 1);
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// A call of a [`Converter::returning_function`] as the expression it returns, its
    /// parameters given the call's arguments.
    fn inlined_call(&self, e: &Expr) -> Option<Expr> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let (params, returned) = self.returns.get(f)?;
        if params.len() != args.len() || params.iter().any(|p| p.starts_with('[')) {
            return None;
        }
        Some(given(returned, params, args))
    }

    /// `function getvar(name) { let value = pm.variables.get(name); if (!value) throw ...;
    /// return value; }`: a helper that reads a variable and refuses to go on without it.
    fn getter(&self, params: &[String], body: &[Stmt]) -> bool {
        let [param] = params else {
            return false;
        };
        let [read, check, ret] = body else {
            return false;
        };
        let StmtKind::Let(decls) = &read.kind else {
            return false;
        };
        let [(Binding::Name(local), Expr::Call(callee, args))] = decls.as_slice() else {
            return false;
        };
        let reads_param = matches!(args.as_slice(), [Expr::Ident(a)] if a == param)
            && path(callee).is_some_and(|p| VAR_GETTERS.contains(&p.as_str()));
        let refuses = matches!(&check.kind, StmtKind::If(Expr::Unary("!", x), then, otherwise)
            if matches!(&**x, Expr::Ident(n) if n == local) && is_throw(then) && otherwise.is_empty());
        // Read from the statement, not its line: a helper written on one line is one too.
        let returns = matches!(&ret.kind, StmtKind::Return(Some(Expr::Ident(n))) if n == local);
        reads_param && refuses && returns
    }

    /// A loop or block left as a comment may change the locals it assigns
    /// (`while (n.length < 12) { n = n + digit }`): what was known of them is forgotten, so a
    /// later `set("x", n)` is kept too rather than written with the value before the loop.
    /// `order.items = [...]`, `list.push(x)`, `Object.assign(order, ...)`: a local bound to a
    /// value written in the script is that value no more — what it holds now is computed.
    fn forget_mutated(&mut self, s: &Stmt) {
        fn root(e: &Expr) -> Option<&str> {
            match e {
                Expr::Ident(n) => Some(n),
                Expr::Member(inner, _) | Expr::Index(inner, _) => root(inner),
                _ => None,
            }
        }
        const MUTATE: &[&str] = &[
            "push", "pop", "shift", "unshift", "splice", "sort", "reverse",
        ];
        let target = match &s.kind {
            StmtKind::Assign(t @ (Expr::Member(..) | Expr::Index(..)), _) => root(t),
            StmtKind::Expr(Expr::Call(callee, args)) => match &**callee {
                Expr::Member(of, m) if MUTATE.contains(&m.as_str()) => root(of),
                c if path(c).as_deref() == Some("Object.assign") => args.first().and_then(root),
                _ => None,
            },
            _ => None,
        };
        let Some(name) = target.map(str::to_string) else {
            return;
        };
        // An object the import follows took the assignment in (see `fold`).
        if matches!(s.kind, StmtKind::Assign(..)) && self.objects.contains_key(&name) {
            return;
        }
        self.lists.remove(&name);
        self.mutated.insert(name.clone());
        if let Some(Some(Subject::Value(_))) = self.aliases.get(&name) {
            self.aliases.insert(name, None);
        }
    }

    fn forget_reassigned(&mut self, s: &Stmt) {
        let text = self
            .lines
            .get(s.first.saturating_sub(1)..s.last.min(self.lines.len()))
            .unwrap_or_default()
            .join("\n");
        let known: Vec<String> = self
            .aliases
            .keys()
            .chain(self.computed.keys())
            .chain(self.objects.keys())
            .chain(self.dates.keys())
            .chain(self.bindings.keys())
            .chain(self.literals.keys())
            .cloned()
            .collect();
        for name in known {
            let assigned = regex::Regex::new(&format!(
                r"(?:^|[^.\w$]){}\s*(?:\+\+|--|[-+*/%]?=[^=])|(?:\+\+|--){}\b",
                regex::escape(&name),
                regex::escape(&name)
            ))
            .is_ok_and(|re| re.is_match(&text));
            if assigned {
                self.aliases.remove(&name);
                self.computed.remove(&name);
                self.objects.remove(&name);
                self.dates.remove(&name);
                self.formatted.remove(&name);
                self.bindings.remove(&name);
                self.literals.remove(&name);
            }
        }
    }

    /// A local bound to what could not be read alone: remembered with its lines.
    fn remember_computed(&mut self, s: &Stmt) {
        let mut put = |n: &str, v: &Expr| {
            self.computed
                .insert(n.to_string(), (v.clone(), s.first, s.last));
        };
        match &s.kind {
            StmtKind::Let(decls) => {
                for (b, v) in decls {
                    if let Binding::Name(n) = b {
                        put(n, v);
                    }
                }
            }
            StmtKind::Assign(Expr::Ident(n), v) => put(n, v),
            _ => {}
        }
    }

    /// `e` with the remembered locals it names written out (`CryptoJS.enc.Base64.stringify(words)`
    /// reads `words`' expression), and the names it wrote out.
    fn inline(&self, e: &Expr, depth: usize) -> (Expr, Vec<String>) {
        let mut used = Vec::new();
        let out = self.inline_into(e, depth, &mut used);
        (out, used)
    }

    fn inline_into(&self, e: &Expr, depth: usize, used: &mut Vec<String>) -> Expr {
        let mut go = |x: &Expr| Box::new(self.inline_into(x, depth, used));
        match e {
            Expr::Ident(n)
                if depth < 8
                    && !matches!(self.aliases.get(n), Some(Some(_)))
                    && !self.objects.contains_key(n) =>
            {
                match self.computed.get(n) {
                    Some((v, ..)) => {
                        used.push(n.clone());
                        self.inline_into(v, depth + 1, used)
                    }
                    None => e.clone(),
                }
            }
            Expr::Member(x, m) => Expr::Member(go(x), m.clone()),
            Expr::Index(x, i) => Expr::Index(go(x), go(i)),
            Expr::Unary(op, x) => Expr::Unary(op, go(x)),
            Expr::Binary(op, a, b) => {
                let a = go(a);
                Expr::Binary(op, a, go(b))
            }
            Expr::Call(c, args) => {
                let c = go(c);
                Expr::Call(c, args.iter().map(|a| *go(a)).collect())
            }
            _ => e.clone(),
        }
    }

    fn declare(&mut self, name: &str, value: &Expr) -> Done {
        if *value == Expr::Undefined {
            // `let json;`: a name assigned later (in a `try`, in a check), nothing yet.
            self.forget(name);
            return Done::Converted;
        }
        let read;
        let value = match self.getter_call(value) {
            Some(e) => {
                read = e;
                &read
            }
            None => value,
        };
        // What the name held stays readable to its new value (`n = n + 1`).
        self.forget_made(name);
        if let Some(done) = self.declared_literal(name, value) {
            return done;
        }
        if self.bound_for_checks(name, value) || self.helper_bookkeeping(value) {
            return Done::Converted;
        }
        if let Some(at) = self.date_of(value) {
            self.dates.insert(name.to_string(), at);
            return Done::Converted;
        }
        if self.schema_name(name, value) {
            self.aliases.insert(name.to_string(), None);
            return Done::Converted;
        }
        if LIBRARIES.iter().any(|m| is_require(value, m)) {
            // `var moment = require('moment')`: the calls through it are read where they are.
            self.aliases.insert(name.to_string(), None);
            return Done::Converted;
        }
        if let Expr::Binary("||", a, b) = value
            && matches!(&**b, Expr::Object(o) if o.is_empty())
            && let Some(Subject::Json(p)) = self.subject(a)
        {
            // `var doc = data.missing || {}`: reading `doc.x` cannot throw.
            self.present.push(p);
        }
        if let Expr::Object(_) | Expr::Array(_) = value {
            // `const options = { url, method, body }`, handed to `pm.sendRequest(options, ...)`;
            // `var data = [{...}]`, set as `JSON.stringify(data)`.
            self.objects.insert(name.to_string(), value.clone());
        }
        match value {
            Expr::Array(values)
                if values
                    .iter()
                    .all(|v| matches!(v, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_))) =>
            {
                self.lists.insert(name.to_string(), values.clone());
            }
            _ => {
                self.lists.remove(name);
            }
        }
        if let Some(day) = self.day_of(value) {
            self.aliases.insert(name.to_string(), Some(day));
            return Done::Converted;
        }
        if let Expr::Call(c, _) = value
            && let Expr::Member(time, how) = &**c
            && matches!(how.as_str(), "format" | "toISOString")
            && let Some(at) = self.date_of(time)
        {
            self.formatted.insert(name.to_string(), at);
        }
        let some_call =
            matches!(value, Expr::Call(c, _) if matches!(&**c, Expr::Member(_, m) if m == "some"));
        let s = if some_call { None } else { self.subject(value) };
        let mut known = s.is_some();
        // `var found = responseHeaders.hasOwnProperty("Content-Type")`: a yes or no.
        let asks = matches!(value, Expr::Call(c, _) if matches!(&**c, Expr::Member(_, m)
            if matches!(m.as_str(), "hasOwnProperty" | "has" | "includes" | "startsWith" | "endsWith")));
        if !known && (some_call || asks || matches!(value, Expr::Binary(..) | Expr::Unary("!", _)))
        {
            self.bindings.insert(name.to_string(), value.clone());
            // A condition the checks and guards that read the name understand: it is said
            // where it is used.
            known = self.phase != Phase::PreRequest && (some_call || self.is_guard(value));
        }
        self.aliases.insert(name.to_string(), s);
        if known {
            Done::Converted
        } else {
            Done::Kept(KEPT_COMPUTED)
        }
    }

    /// `list = list.length > 0 && list[0]` (or `list && list[0]`): the item, or `false` —
    /// whose members are `undefined`, so reading through it cannot throw. The name is that
    /// item, present as far as reads go.
    fn first_or_false(&mut self, name: &str, value: &Expr) -> Option<Done> {
        let Expr::Binary("&&", cond, item) = value else {
            return None;
        };
        let Some(Subject::Json(p)) = self.subject(item) else {
            return None;
        };
        let tested = match &**cond {
            Expr::Binary(">" | "!==" | "!=", len, _) => len,
            other => other,
        };
        let base = match self.subject(tested)? {
            Subject::Json(q) => q,
            Subject::Length(inner) => match *inner {
                Subject::Json(q) => q,
                _ => return None,
            },
            _ => return None,
        };
        if !p.starts_with(&base) {
            return None;
        }
        self.present.push(p.clone());
        self.aliases
            .insert(name.to_string(), Some(Subject::Json(p)));
        Some(Done::Converted)
    }

    fn expression(&mut self, e: &Expr) -> Done {
        if let Some(done) = self.test_call(e).or_else(|| self.procedure_call(e)) {
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
        if let Some(done) = self.header_added(e) {
            return done;
        }
        if let Some(done) = self.query_added(e) {
            return done;
        }
        if let Some(done) = self.unset(e) {
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
        let body = test_body(e)?;
        let before = (self.out.assertions, self.out.assertions_seen);
        let done = self.test_statements(body);
        let none_converted = self.out.assertions == before.0 && self.out.assertions_seen > before.1;
        // A test that stores a value and checks what it stored checks bookkeeping, which holds
        // by construction: no reason to fail the request for it.
        let stores =
            body.iter().any(|s| self.lines_with(s, SET_CALLS) > 0) || self.reads_own_set(body);
        if none_converted && !self.swallowed && !stores && self.reads_response(body) {
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
        let own = |value: &str| {
            let getter = regex::Regex::new(
                r#"^pm\.(?:environment|collectionVariables|globals|variables)\.get\(\s*["'`]([^"'`]+)["'`]\s*\)"#,
            )
            .expect("a fixed pattern");
            getter
                .captures(value.trim())
                .is_some_and(|c| self.out.set_names.contains(&super::vars::ident(&c[1])))
        };
        self.locals_made(own).any(|l| mentions(&text, &l))
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
        let decl = regex::Regex::new(r"^\s*(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(.+)$")
            .expect("a fixed pattern");
        self.lines.iter().filter_map(move |line| {
            let c = decl.captures(line)?;
            made(&c[2]).then(|| c[1].to_string())
        })
    }

    /// A test's body: each statement converted or kept.
    fn test_statements(&mut self, body: &[Stmt]) -> Done {
        let outer = std::mem::replace(&mut self.swallowed, false);
        // A failing check ends the test's function: a set() of a value the test checks
        // (`pm.expect(d.token).to.not.be.empty; set("token", d.token)`) happens only when
        // it is there, so when it is not the variable keeps what it had.
        // A check that passes on a missing value (`.to.not.equal(null)`) lets the set() store
        // it — unless another check stands in the test too: a response without the value
        // usually lacks the others, and that check then ends the test first.
        let lenient =
            |s: &Stmt| matches!(&s.kind, StmtKind::Expr(e) if chain::passes_when_missing(e));
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
        let gating = |s: &&Stmt| {
            matches!(&s.kind, StmtKind::Expr(e)
                if chain::is_assertion(e) && !chain::passes_when_missing(e))
        };
        let gate = body.iter().find(gating).map(|s| s.first);
        // `pm.response.to.have.status(201)` first: a set() after it happens only on a 201 —
        // `when:` says so — and then sets what it finds, unless a later check stops it.
        let when = self.status_gate(body, gate);
        let gate = match (&when, gate) {
            (Some(_), Some(g)) => body
                .iter()
                .filter(|s| s.first > g)
                .find(gating)
                .map(|s| s.first),
            (_, g) => g,
        };
        let captured_before = self.out.capture.entries();
        let outer_when = std::mem::replace(&mut self.when, when.clone());
        let outer_checked = std::mem::replace(&mut self.checked, checked);
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
        let (key, value) = set_call(e)?;
        let (value, mut used) = self.inline(value, 0);
        let done = self.set(key, &value, set_scope(e));
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
    /// present and no guard holds it: `$.data` of `$.data._id`.
    fn throwing_parent(&self, p: &str) -> Option<String> {
        let up = parent_path(p).filter(|up| *up != "$" && !self.is_present(up))?;
        let plain = !up.contains('*') && !up.contains('?');
        (plain && !self.under_guard(p)).then(|| up.to_string())
    }

    /// `if (res.data && res.data.tokens) { set("token", res.data.tokens.access) }`: a value
    /// under what the guard found is set only when the guard holds.
    fn under_guard(&self, p: &str) -> bool {
        self.held.iter().any(|g| {
            g != "$"
                && (g == p
                    || p.strip_prefix(g.as_str())
                        .is_some_and(|r| r.starts_with(['.', '['])))
        })
    }

    /// The capture of `p` when its parent must be there (not `null`) for the set to run:
    /// `missing` when it lacks `p` itself.
    fn parent_capture(&self, p: &str, missing: &str) -> Option<Y> {
        let up = self.throwing_parent(p)?;
        let there = Y::Map(vec![
            ("exists".into(), Y::Bool(true)),
            ("not".into(), Y::Map(vec![("equals".into(), Y::Null)])),
        ]);
        let when = Y::Map(vec![("json".into(), Y::Map(vec![(up, there)]))]);
        Some(Y::Map(vec![
            ("json".into(), Y::str(p)),
            ("default".into(), Y::str(missing)),
            ("when".into(), when),
        ]))
    }

    fn unset_when_missing(&self, p: &str) -> bool {
        // `set("id", data.items[0].id)` when `data.items` is not there throws before the set.
        // Only a missing last step gives `undefined`.
        let throws = parent_path(p).is_some_and(|up| up != "$" && !self.is_present(up));
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
            self.out.requests.push(sent.request);
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
                    self.out.unset.push(super::vars::ident(name));
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
        var_name(t).is_some_and(|n| {
            !self.known_sets.contains(&n) && (coerced || !self.known_texts.contains(&n))
        })
    }

    fn unconditional(&self) -> bool {
        !self.guarded_set
            && self.when.is_none()
            && self.held.is_empty()
            && self.gate_at.is_none()
            && !self.swallowed
            && self.depth <= 1
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
        // `undefined.split("/")` throws: without the header nothing is set, and the script's
        // error fails the request in Newman, as the check that it is there does here.
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
            ("regex".into(), Y::str("([^/]*)$")),
            ("optional".into(), Y::Bool(true)),
        ]);
        self.out.capture.set(name, capture);
        self.out.captures += 1;
        Some(Done::Converted)
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

    /// A name for a JSON Schema validator (`new Ajv()`), a schema it compiled
    /// (`ajv.compile(schema)`) or a validation (`tv4.validate(data, schema)`): read where it
    /// is used.
    fn schema_name(&mut self, name: &str, value: &Expr) -> bool {
        if let Expr::Unary("new", inner) = value
            && let Expr::Call(class, _) = &**inner
            && matches!(&**class, Expr::Ident(c) if c.eq_ignore_ascii_case("ajv"))
        {
            // `var ajv = new Ajv({ logger: console })`: its `validate` is read where it is.
            self.validators.insert(name.to_string());
            return true;
        }
        if let Expr::Call(c, args) = value
            && let (Expr::Member(v, m), [schema]) = (&**c, args.as_slice())
            && m == "compile"
            && matches!(&**v, Expr::Ident(v) if self.validators.contains(v))
        {
            // `const validate = ajv.compile(schema)`: `validate(data)` checks data against it.
            self.compiled.insert(name.to_string(), schema.clone());
            return true;
        }
        if self.schema_check(value).is_some() && self.phase != Phase::PreRequest {
            // `var valid = tv4.validate(data, schema)`: said where `valid` is checked.
            self.bindings.insert(name.to_string(), value.clone());
            return true;
        }
        false
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
    }

    /// `pm.expect(...)...` and `pm.response.to...` outside a pre-request script.
    fn assertion_statement(&mut self, e: &Expr) -> Option<Done> {
        if let Some(done) = self.parsed_without_throw(e) {
            return Some(done);
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
                || matches!(self.subject(x), Some(Subject::Json(p)) if top_level(&p)))
        {
            self.out.assertions_seen += 1;
            self.out.assertions += 1;
            return Some(Done::Converted);
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

    /// `for (let i = 0; i < list.length; i++) { pm.expect(list[i]).to.have.property("id") }`
    /// and `for (const item of list) { ... }`: `list.forEach(item => ...)`, when the index is
    /// read only to take the item.
    fn loop_as_for_each(&mut self, l: &js::Loop) -> Option<Done> {
        let (item, body) = match l.indexed {
            true => {
                let item = format!("{}\u{0}item", l.name);
                let at = Expr::Index(
                    Box::new(l.list.clone()),
                    Box::new(Expr::Ident(l.name.clone())),
                );
                let body: Vec<Stmt> = l
                    .body
                    .iter()
                    .map(|s| unnamed_index(&s.replaced(&at, &Expr::Ident(item.clone()))))
                    .collect();
                if body.iter().any(|s| s.mentions(&l.name)) {
                    return None;
                }
                (item, body)
            }
            false => (l.name.clone(), l.body.clone()),
        };
        let each = Expr::Member(Box::new(l.list.clone()), "forEach".into());
        self.for_each(&Expr::Call(
            Box::new(each),
            vec![Expr::Func(vec![item], body)],
        ))
    }

    /// `data.items.forEach(function (item) { pm.expect(item.qty).to.be.above(0) })`: each
    /// check on an item is an `each:` check on `$.items[*]...`.
    fn for_each(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Member(list, m) = &**callee else {
            return None;
        };
        let ([Expr::Func(params, body)], "forEach") = (args.as_slice(), m.as_str()) else {
            return None;
        };
        let item = params.first()?;
        if let Some(values) = self.written_list(list) {
            return self.unrolled(&values, params, body);
        }
        if self.phase == Phase::PreRequest {
            return None;
        }
        let outer = self.each_base.clone();
        if outer.is_some() && object_members(list).is_some() {
            return None;
        }
        // `Object.values(data).forEach(v => ...)`, `Object.entries(data).forEach(([k, v]) => ...)`:
        // each member's value.
        let (base, item) = match object_members(list) {
            Some((of, entries)) => {
                let Some(Subject::Json(p)) = self.subject(of) else {
                    return None;
                };
                let item = match entries {
                    false => item.clone(),
                    true => entry_value(item)?,
                };
                (format!("{p}.*"), item)
            }
            None => {
                // `(entries || []).forEach(...)`: a missing list is an empty one.
                let Some(Subject::Json(p)) = self.subject(or_empty_list(list)) else {
                    return None;
                };
                if item.starts_with('[') {
                    return None;
                }
                if let Some(outer) = &outer {
                    // `item.games.forEach(...)` throws for an item without a list of games:
                    // every item has one.
                    if !p.starts_with(outer.as_str()) {
                        return None;
                    }
                    let json = self.out.expect.child("json");
                    every_item_has(json, outer, &p);
                    put_once(
                        entry_map(entry_map(json, &p), "each"),
                        "type",
                        Y::str("array"),
                    );
                } else {
                    if let Some(done) = self.flag_body(list, item, body) {
                        return Some(done);
                    }
                    if let Some(done) = self.picks(&p, item, body) {
                        return Some(done);
                    }
                }
                (format!("{p}[*]"), item.clone())
            }
        };
        let subject = Subject::Json(base.clone());
        // Newman's loop over an empty list checks nothing; yarc's `each` of a selection of
        // nothing fails: the checks of the items hold when the list has some.
        let list_path = base.strip_suffix("[*]").or_else(|| base.strip_suffix(".*"));
        let whole = outer.is_none() && self.when.is_none() && !self.swallowed;
        let nested = outer.is_some() && !self.swallowed;
        let before = (whole || nested).then(|| std::mem::take(&mut self.out.expect));
        self.each_base = Some(base.clone());
        let done = self.with_alias(&item, subject, body);
        self.each_base = outer;
        match before {
            Some(before) if whole => self.items_case(list_path.unwrap_or(&base), before),
            // A loop in a loop: its checks hold when some item has items (the lists of all
            // the outer items may be empty, and Newman then checks nothing).
            Some(before) => {
                let there = Y::Map(vec![("exists".into(), Y::Bool(true))]);
                self.case_of(Y::Map(vec![(base.clone(), there)]), before);
            }
            None => {}
        }
        Some(done)
    }

    /// The checks written since `before` was taken from `expect`, as a case of `list` having
    /// items (`when: { json: { $.list: { length: { gt: 0 } } } }`), `before` given back.
    fn items_case(&mut self, list: &str, before: Y) {
        let some = Y::Map(vec![("gt".into(), Y::Num(0.into()))]);
        let has_items = Y::Map(vec![("length".into(), some)]);
        self.case_of(Y::Map(vec![(list.to_string(), has_items)]), before);
    }

    /// The checks written since `before` was taken from `expect`, as a case of the JSON
    /// checks `json`, `before` given back.
    fn case_of(&mut self, json: Y, before: Y) {
        self.case_when(Y::Map(vec![("json".into(), json)]), before);
    }

    /// The checks written since `before` was taken from `expect`, as a case of `when`.
    fn case_when(&mut self, when: Y, before: Y) {
        let mut checks = std::mem::replace(&mut self.out.expect, before);
        if checks.is_empty_map() {
            return;
        }
        tidy(&mut checks);
        let mut case = Y::Map(vec![("when".into(), when)]);
        for (k, v) in checks.entries() {
            case.set(k, v);
        }
        match self.out.expect.child("cases") {
            Y::Seq(list) => list.push(case),
            other => *other = Y::Seq(vec![case]),
        }
    }

    /// `body` converted with `name` read as `subject` (a callback's or loop's parameter), and
    /// what `name` meant before given back after it.
    fn with_alias(&mut self, name: &str, subject: Subject, body: &[Stmt]) -> Done {
        let before = self.aliases.insert(name.to_string(), Some(subject));
        let all = self.statements(body);
        match before {
            Some(b) => self.aliases.insert(name.to_string(), b),
            None => self.aliases.remove(name),
        };
        match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        }
    }

    /// A list of values written in the script: `["a", "b"]`, or a local bound to one
    /// (`const expected = ["a", "b"]`).
    /// `for (const v of ['a', 'b']) { ... }` (or of a local holding such a list): the body
    /// once per value, as `forEach` over it.
    fn for_of_written(&mut self, l: &js::Loop) -> Option<Done> {
        if l.indexed {
            return None;
        }
        let values = self.written_list(&l.list)?;
        self.unrolled(&values, std::slice::from_ref(&l.name), &l.body)
    }

    fn written_list(&self, list: &Expr) -> Option<Vec<Expr>> {
        if let Some(keys) = self.object_keys(list) {
            return Some(keys);
        }
        if let Expr::Call(c, args) = list
            && let (Expr::Member(inner, m), []) = (&**c, args.as_slice())
            && m == "sort"
        {
            // `Object.keys(params).sort()`: texts in the order JavaScript sorts them (by
            // UTF-16 code units).
            let mut texts: Vec<String> = (self.written_list(inner)?.into_iter())
                .map(|v| match v {
                    Expr::Str(s) => Some(s),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            texts.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            return Some(texts.into_iter().map(Expr::Str).collect());
        }
        match list {
            Expr::Array(values) => Some(values.clone()),
            Expr::Ident(n) => self.lists.get(n).cloned(),
            _ => None,
        }
    }

    /// `["id", "name"].forEach(k => pm.expect(data).to.have.property(k))`, and the pre-request
    /// `[...].forEach(v => { if (!pm.environment.has(v)) pm.expect.fail(...) })`: the body once
    /// for each value written in the list, the value (and its index) in place of the parameters.
    fn unrolled(&mut self, values: &[Expr], params: &[String], body: &[Stmt]) -> Option<Done> {
        // A list of variables to clear may be long; `expand` bounds the work.
        const VALUES_MAX: usize = 128;
        let literal = |v: &Expr| matches!(v, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_));
        if values.is_empty() || values.len() > VALUES_MAX || !values.iter().all(literal) {
            return None;
        }
        if !self.expand(values.len() * body.len()) {
            return None;
        }
        let mut all = true;
        for (i, v) in values.iter().enumerate() {
            let at = |n: usize, to: &Expr| -> Vec<Stmt> {
                let from = Expr::Ident(params.get(n).cloned().unwrap_or_default());
                body.iter().map(|s| s.replaced(&from, to)).collect()
            };
            let once = match params.len() {
                1 => at(0, v),
                2 => at(0, v)
                    .iter()
                    .map(|s| s.replaced(&Expr::Ident(params[1].clone()), &Expr::Num(i as f64)))
                    .collect(),
                _ => return None,
            };
            all &= self.statements(&once);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `list.forEach(function (v) { if (v.name == "SMS") { set("sms_id", v.id) } ... })`: each
    /// variable captured from the item that matches (`$[?(@.name == 'SMS')].id`), as `find`
    /// would pick it; kept as it was when no item matches.
    fn picks(&mut self, list: &str, item: &str, body: &[Stmt]) -> Option<Done> {
        let mut plan = Vec::new();
        for s in body.iter().filter(|s| !is_console_stmt(s)) {
            let StmtKind::If(test, then, otherwise) = &s.kind else {
                return None;
            };
            if !otherwise.is_empty() {
                return None;
            }
            let filter = self.filter_of(item, test)?;
            let sets = then
                .iter()
                .filter(|s| !is_console_stmt(s))
                .map(|s| match &s.kind {
                    StmtKind::Expr(e) => {
                        set_call(e).map(|(k, v)| (k.clone(), v.clone(), set_scope(e)))
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            if sets.is_empty() {
                return None;
            }
            plan.push((filter, sets));
        }
        if plan.is_empty() {
            return None;
        }
        let before = self.aliases.get(item).cloned();
        let mut all = true;
        self.guarded_set = true;
        for (filter, sets) in plan {
            let picked = Subject::Json(format!("{list}[?{filter}]"));
            self.aliases.insert(item.to_string(), Some(picked));
            for (key, value, scope) in sets {
                all &= matches!(self.set(&key, &value, scope), Done::Converted);
            }
        }
        self.guarded_set = false;
        match before {
            Some(b) => self.aliases.insert(item.to_string(), b),
            None => self.aliases.remove(item),
        };
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_FLOW),
        })
    }

    /// In a block whose `catch` swallows what it throws (`try { var n = data.results.length;
    /// tests["some"] = n > 0 } catch (e) {}`), a statement that reads through the body's
    /// members throws without them, and nothing after it runs: the rest is a case of their
    /// being there (`when: { json: { $.results: { exists: true } } }`) when it checks
    /// anything.
    fn read_without_throw(&self, s: &Stmt, rest: &[Stmt]) -> Option<Y> {
        if !self.swallowed || self.when.is_some() || self.phase != Phase::Test {
            return None;
        }
        let checks = rest
            .iter()
            .any(|r| self.lines_with(r, &["tests[", "pm.test("]) > 0);
        let there = |(p, _): (String, bool)| (p, Y::Map(vec![("exists".into(), Y::Bool(true))]));
        let paths: Vec<(String, Y)> = self
            .reads_of(s)
            .into_iter()
            .filter(|(p, _)| p.starts_with("$.") || p.starts_with("$["))
            .map(there)
            .collect();
        (checks && !paths.is_empty()).then(|| Y::Map(vec![("json".into(), Y::Map(paths))]))
    }

    /// The body's members (and XML elements) a statement reads through, which must be there
    /// for it not to throw; `true` for a list it iterates.
    fn reads_of(&self, s: &Stmt) -> Vec<(String, bool)> {
        let mut needs: Vec<(String, bool)> = Vec::new();
        // `var data = JSON.parse(responseBody)` throws on a body that is not JSON.
        let parses = |v: &Expr| {
            matches!(v, Expr::Call(..)) && self.subject(v) == Some(Subject::Json("$".into()))
        };
        match &s.kind {
            StmtKind::Let(decls) if decls.iter().any(|(_, v)| parses(v)) => {
                needs.push(("$".into(), false));
            }
            StmtKind::Assign(_, v) if parses(v) => needs.push(("$".into(), false)),
            _ => {}
        }
        match &s.kind {
            StmtKind::Let(decls) => decls.iter().for_each(|(_, v)| self.reads_in(v, &mut needs)),
            StmtKind::Assign(target, v) => {
                self.reads_in(target, &mut needs);
                self.reads_in(v, &mut needs);
            }
            StmtKind::Expr(e) => self.reads_in(e, &mut needs),
            StmtKind::If(cond, _, _) => self.reads_in(cond, &mut needs),
            StmtKind::Other | StmtKind::For(_) => {
                if let Some((head, iterated)) = self.loop_head(s) {
                    self.reads_in(&head, &mut needs);
                    if iterated && let Some(Subject::Json(p)) = self.subject(&head) {
                        needs.push((p, true));
                    }
                }
            }
            _ => {}
        }
        needs
    }

    /// What a statement reads deeper in the body must be there: `data.items[0].id` throws when
    /// `data.items` is not, `data.list.forEach(...)` when `data.list` is no array — and Newman
    /// fails the request for the script error. So yarc checks it: `exists` (and `type: array`).
    /// Only for what runs whatever the response (not under a swallowing `catch`, not per item).
    fn require_reads(&mut self, s: &Stmt) {
        // Under a guard (`if (data.count) { set("id", data.results[0].id); ... }`) the read
        // happens only when the guard holds: no check of it is made for every response, as
        // for a guarded set alone (whose capture is optional).
        let guarded = !self.held.is_empty();
        if self.phase == Phase::PreRequest || self.swallowed || self.each_base.is_some() || guarded
        {
            return;
        }
        let mut needs = self.reads_of(s);
        needs.retain(|(p, array)| *array || !self.is_present(p));
        for (path, array) in needs {
            if path.starts_with('/') {
                self.put(Subject::Xml(path), "exists", Y::Bool(true), false);
                continue;
            }
            self.put(Subject::Json(path.clone()), "exists", Y::Bool(true), false);
            if array {
                self.put(Subject::Json(path), "type", Y::str("array"), false);
            }
        }
    }

    /// What an enclosing guard found present (or what holds it) is there.
    fn is_present(&self, p: &str) -> bool {
        self.present
            .iter()
            .any(|g| g == p || g.strip_prefix(p).is_some_and(|r| r.starts_with(['.', '['])))
    }

    /// The head of a loop, which runs at least once: `for (...; cond; ...)` and `while (cond)` give
    /// the condition; `for (const x of list)` the list it iterates (`true`).
    fn loop_head(&self, s: &Stmt) -> Option<(Expr, bool)> {
        let text: String = self
            .lines
            .get(s.first.saturating_sub(1)..s.last.min(self.lines.len()))?
            .join("\n");
        let t = text.trim_start();
        let rest = t
            .strip_prefix("for")
            .or_else(|| t.strip_prefix("while"))?
            .trim_start()
            .strip_prefix('(')?;
        let mut depth = 1usize;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        let head = &rest[..end];
        let (code, iterated) = match (head.split(';').nth(1), head.split_once(" of ")) {
            (Some(cond), _) => (cond, false),
            (None, Some((_, list))) => (list, true),
            (None, None) if t.starts_with("while") => (head, false),
            _ => return None,
        };
        match js::parse(&format!("{code};")).first()?.kind.clone() {
            StmtKind::Expr(e) => Some((e, iterated)),
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

    /// `pm.request.headers.add({ key: "X-Group", value: pm.environment.get("group") })` (or
    /// `.upsert`, `pm.request.addHeader`) in a pre-request script: a header of the request.
    fn header_added(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        if path(callee).as_deref() == Some("pm.request.headers.remove")
            && self.phase == Phase::PreRequest
            && let [Expr::Str(name)] = args.as_slice()
        {
            return Some(self.header_replaced(name));
        }
        let adds = matches!(
            path(callee).as_deref(),
            Some("pm.request.headers.add" | "pm.request.headers.upsert" | "pm.request.addHeader")
        );
        if !adds || self.phase != Phase::PreRequest {
            return None;
        }
        let (key, value) = match args.as_slice() {
            [Expr::Object(o)] => (field(o, "key")?, field(o, "value")?),
            [Expr::Str(_), _] => (&args[0], &args[1]),
            // `headers.add("X-Key: " + pm.environment.get("KEY"))`: Postman parses the text.
            [one] => return Some(self.header_line_added(one)),
            _ => return Some(Done::Kept(KEPT_COMPUTED)),
        };
        // `value: "Basic " + encoded`, where `encoded = btoa(user + ":" + password)`.
        let (value, used) = self.inline(value, 0);
        let (Expr::Str(key), Some(value)) = (key, self.value(&value)) else {
            return Some(Done::Kept(KEPT_COMPUTED));
        };
        let enables = matches!(args.as_slice(), [Expr::Object(o)]
            if matches!(field(o, "disabled"), Some(Expr::Bool(false))));
        if path(callee).as_deref() == Some("pm.request.headers.upsert") && !enables {
            self.out.upserted.push(key.clone());
        }
        self.out.headers.set(key.clone(), value);
        for name in used {
            self.computed_used(&name);
        }
        Some(Done::Converted)
    }

    /// `pm.request.headers.remove("X-Forwarded-For")` before the script adds it again: the
    /// added one takes its place, as a header of the request does. A removal alone is kept.
    fn header_replaced(&self, name: &str) -> Done {
        let later = self.lines.get(self.at_line..).unwrap_or_default();
        let adds = later.iter().any(|l| {
            ["headers.add", "headers.upsert", "addHeader"]
                .iter()
                .any(|w| l.contains(w))
        });
        let named = later.iter().any(|l| {
            [
                format!("'{name}'"),
                format!("\"{name}\""),
                format!("'{name}:"),
                format!("\"{name}:"),
            ]
            .iter()
            .any(|q| l.contains(q.as_str()))
        });
        match adds && named {
            true => Done::Converted,
            false => Done::Kept(KEPT_OTHER),
        }
    }

    /// A header given as one line of text, `"Name: value"` (the name written, the value
    /// any text a template can make).
    fn header_line_added(&mut self, line: &Expr) -> Done {
        let (line, used) = self.inline(line, 0);
        let Some(Y::Str(text)) = self.value(&line) else {
            return Done::Kept(KEPT_COMPUTED);
        };
        let Some((key, value)) = text.split_once(':') else {
            return Done::Kept(KEPT_COMPUTED);
        };
        let key = key.trim();
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if key.is_empty() || !key.chars().all(token) {
            return Done::Kept(KEPT_COMPUTED);
        }
        self.out.headers.set(key, Y::str(value.trim()));
        for name in used {
            self.computed_used(&name);
        }
        Done::Converted
    }

    /// `let login = ""; for (let i = 0; i < 15; i++) { login += pm.variables.replaceIn(
    /// "{{$randomAlphaNumeric}}") }`: the local holds that value written 15 times over (each a
    /// new made-up one where it is made up), at most 64.
    fn repeated_text(&mut self, l: &js::Loop) -> Option<Done> {
        let Expr::Num(n) = l.list else {
            return None;
        };
        if !(l.indexed && n.fract() == 0.0 && (1.0..=64.0).contains(&n)) {
            return None;
        }
        let [body] = l.body.as_slice() else {
            return None;
        };
        let StmtKind::Assign(Expr::Ident(acc), Expr::Binary("+", a, piece)) = &body.kind else {
            return None;
        };
        if **a != Expr::Ident(acc.clone()) || body.mentions(&l.name) {
            return None;
        }
        let (Some(Y::Str(start)), Some(Y::Str(piece))) =
            (self.value(&Expr::Ident(acc.clone())), self.value(piece))
        else {
            return None;
        };
        let text = repeated(start, &piece, n as usize);
        self.aliases
            .insert(acc.clone(), Some(Subject::Value(Y::Str(text))));
        Some(Done::Converted)
    }

    /// `pm.request.url.addQueryParams([{ key: "key", value: pm.globals.get("apiKey") }])`
    /// (also `pm.request.addQueryParams`, `pm.request.url.query.add/upsert({...})`, a text
    /// `"a=1&b=2"`): `query:` entries, after those the URL holds, as Postman appends them.
    fn query_added(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let adds = matches!(
            path(callee).as_deref(),
            Some(
                "pm.request.url.addQueryParams"
                    | "pm.request.addQueryParams"
                    | "pm.request.url.query.add"
                    | "pm.request.url.query.upsert"
            )
        );
        if !adds || self.phase != Phase::PreRequest {
            return None;
        }
        let items: Vec<&Expr> = match args.as_slice() {
            [Expr::Array(items)] => items.iter().collect(),
            [one @ Expr::Object(_)] => vec![one],
            [Expr::Str(text)] => {
                for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
                    self.out.query.set(k.into_owned(), Y::str(v.into_owned()));
                }
                return Some(Done::Converted);
            }
            // `"ts=" + Date.now()`: one parameter, its value made.
            [Expr::Binary("+", head, value)] => {
                let Expr::Str(head) = &**head else {
                    return Some(Done::Kept(KEPT_COMPUTED));
                };
                let key = head.strip_suffix('=').filter(|k| !k.contains(['&', '=']));
                return Some(match (key, self.value(value)) {
                    (Some(key), Some(v)) if !key.is_empty() => {
                        self.out.query.set(key.to_string(), v);
                        Done::Converted
                    }
                    _ => Done::Kept(KEPT_COMPUTED),
                });
            }
            // `` `correlationId=${id}` ``: the same, written as a template literal.
            [Expr::Template(parts)] => {
                let (Some(js::TemplatePart::Text(head)), Some(js::TemplatePart::Expr(value)), 2) =
                    (parts.first(), parts.get(1), parts.len())
                else {
                    return Some(Done::Kept(KEPT_COMPUTED));
                };
                let head = Expr::Binary(
                    "+",
                    Box::new(Expr::Str(head.clone())),
                    Box::new(value.clone()),
                );
                return self.query_added(&Expr::Call(callee.clone(), vec![head]));
            }
            _ => return Some(Done::Kept(KEPT_COMPUTED)),
        };
        let mut pairs = Vec::new();
        for item in items {
            let Expr::Object(o) = item else {
                return Some(Done::Kept(KEPT_COMPUTED));
            };
            let (Some(Expr::Str(key)), Some(value)) = (field(o, "key"), field(o, "value")) else {
                return Some(Done::Kept(KEPT_COMPUTED));
            };
            let Some(value) = self.value(value) else {
                return Some(Done::Kept(KEPT_COMPUTED));
            };
            pairs.push((key.clone(), value));
        }
        for (k, v) in pairs {
            self.out.query.set(k, v);
        }
        Some(Done::Converted)
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
        if chain::boolean(self, &value, false, &mut staged) && self.commit(staged) {
            self.out.assertions += 1;
            return Done::Converted;
        }
        // As a `pm.test` none of whose checks converts: Postman decides it, yarc cannot.
        let stmt = std::slice::from_ref(s);
        if !self.swallowed && self.reads_response(stmt) && !self.reads_own_set(stmt) {
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

    /// `pm.environment.set("job_id", data.id)` → a capture; of a known value → a variable.
    /// `shared`: the call writes the collection's or the globals' scope, which an
    /// environment's variable of the same name outranks (a collection variable does the same).
    /// Whether nothing is set when the value is missing: behind a guard, after a gate, or
    /// after a check of that value.
    fn set_guarded(&self, value: &Expr) -> bool {
        let subject = self.subject(unwrap_conversion(value));
        // Read when the set is reached: the names the test binds first are known by then.
        let checks_it = subject.is_some()
            && self.checked.iter().any(|(line, x)| {
                *line <= self.at_line && self.subject(unwrap_conversion(x)) == subject
            });
        // Lines are all that is known of a statement's place: one on the same line as the
        // check counts as after it (a one-line test).
        let gated = self.gate_at.is_some_and(|g| g <= self.at_line);
        self.guarded_set || gated || checks_it
    }

    fn set(&mut self, key: &Expr, value: &Expr, scope: SetScope) -> Done {
        let done = self.set_of(key, value, scope);
        if let (Done::Converted, Expr::Str(k)) = (&done, key) {
            let name = super::vars::ident(k);
            match scope {
                SetScope::Shared => self.out.shared.insert(name),
                SetScope::Environment | SetScope::Local => self.out.reaching.insert(name),
            };
        }
        done
    }

    /// In a block run once ([`Self::once_block`]): the value, the first time; what the
    /// variable holds, from then on.
    fn once_wrapped(&self, key: &str, value: &Expr) -> Option<Expr> {
        let (flag, flag_name) = self.once.clone()?;
        let held = match key == flag_name {
            true => flag.clone(),
            false => var_read(key),
        };
        Some(Expr::Cond(
            Box::new(flag),
            Box::new(held),
            Box::new(value.clone()),
        ))
    }

    fn set_of(&mut self, key: &Expr, value: &Expr, scope: SetScope) -> Done {
        self.out.sets_seen += 1;
        let Expr::Str(key) = key else {
            return Done::Kept(KEPT_COMPUTED);
        };
        let once = self.once_wrapped(key, value);
        let value = once.as_ref().unwrap_or(value);
        let name = super::vars::ident(key);
        self.out.set_names.push(name.clone());
        // A value that is not there fails nothing in Postman, and is sent as Newman's sandbox
        // hands `undefined` back: `null` for the environment's, the collection's and the
        // globals' variables, nothing for a local one (`pm.variables`).
        // Behind a guard (`if (data.id)`) nothing is set when the value is missing: the
        // variable keeps what it had.
        let missing = missing_text(value, scope);
        // `set("token", undefined)`, `set("token", pm.response.token)` (no such field of the
        // response): the variable holds what Newman sends for a missing value.
        let nothing = Expr::Str(missing.to_string());
        let value = missing_as(value, &nothing);
        if let Some(done) = self.joined_capture(&name, value) {
            return done;
        }
        let guarded = self.set_guarded(value);
        if let Some(done) = self.text_capture(&name, value, guarded) {
            return done;
        }
        if let Some(text) = self.stringified(value).or_else(|| self.date_set(value)) {
            return self.set_value(&name, key, value, Y::str(text), scope);
        }
        if let Some(done) = self.or_text_capture(&name, value) {
            return done;
        }
        let or_empty = |source: (&str, Y)| {
            // `set("id", res.data._id)`: without `data` the script throws and sets nothing;
            // with a `data` lacking `_id` it sets the missing value.
            if let ("json", Y::Str(p)) = &source
                && let Some(capture) = self.parent_capture(p, missing).filter(|_| !guarded)
            {
                return capture;
            }
            let kept = match &source {
                ("json", Y::Str(p)) => self.unset_when_missing(p),
                // Reading a member of a missing element throws before the set.
                ("xml", Y::Str(p)) => p.rsplit_once('/').is_some_and(|(up, _)| !up.is_empty()),
                _ => false,
            };
            let otherwise = match guarded || kept {
                true => ("optional".into(), Y::Bool(true)),
                false => ("default".into(), Y::str(missing)),
            };
            Y::Map(vec![(source.0.into(), source.1), otherwise])
        };
        let capture = match (self.phase, self.subject(unwrap_conversion(value))) {
            (Phase::Test, Some(Subject::Json(p))) => {
                or_empty(("json", Y::str(self.last_of_each(p, guarded))))
            }
            (Phase::Test, Some(Subject::Xml(p))) if !p.is_empty() => or_empty(("xml", Y::str(p))),
            (Phase::Test, Some(Subject::Header(h))) => or_empty(("header", Y::str(h))),
            (Phase::Test, Some(Subject::Cookie(c))) if cookie_value(value) => {
                Y::Map(vec![("cookie".into(), Y::str(c))])
            }
            (Phase::Test, Some(Subject::Cookie(c))) => or_empty(("cookie", Y::str(c))),
            (Phase::Test, Some(Subject::Status)) => Y::Map(vec![("status".into(), Y::Bool(true))]),
            (Phase::Test, Some(Subject::Body)) => Y::Map(vec![("body".into(), Y::Bool(true))]),
            // `set("n", data.items.length)`: the count, not the list; `undefined.length`
            // throws in Postman, so nothing found fails the request (unless guarded).
            (Phase::Test, Some(Subject::Length(inner))) => {
                let (kind, p) = match *inner {
                    Subject::Json(p) => ("json", p),
                    Subject::Xml(p) if p.starts_with('/') => ("xml", p),
                    _ => return Done::Kept(KEPT_COMPUTED),
                };
                let mut m = vec![(kind.into(), Y::str(p)), ("length".into(), Y::Bool(true))];
                if guarded {
                    m.push(("optional".into(), Y::Bool(true)));
                }
                Y::Map(m)
            }
            (_, Some(Subject::Value(v))) => return self.set_value(&name, key, value, v, scope),
            (Phase::ScopeTest, Some(_)) => return Done::Kept(KEPT_SCOPE_CAPTURE),
            _ => {
                return self
                    .derived_capture(&name, value, guarded)
                    .unwrap_or(Done::Kept(KEPT_COMPUTED));
            }
        };
        self.out.capture.set(name, capture);
        self.out.captures += 1;
        Done::Converted
    }

    /// In a loop over a list (`ops.forEach(op => set("op_url", op.href))`), a set() each time
    /// leaves the last item's value: `$.ops[-1].href`, where a capture takes the first node.
    fn last_of_each(&self, p: String, guarded: bool) -> String {
        match &self.each_base {
            Some(base)
                if !guarded
                    && !self.guarded_set
                    && self.when.is_none()
                    && base.matches("[*]").count() == 1
                    && base.ends_with("[*]")
                    && p.starts_with(base.as_str()) =>
            {
                format!("{}[-1]{}", &base[..base.len() - 3], &p[base.len()..])
            }
            _ => p,
        }
    }

    /// A set() of a piece of a header or the body's text: its last segment, the text trimmed
    /// and unquoted, what a regular expression matches.
    fn text_capture(&mut self, name: &str, value: &Expr, guarded: bool) -> Option<Done> {
        self.header_segment(name, value, guarded)
            .or_else(|| self.body_text_capture(name, value, guarded))
            .or_else(|| self.matched_capture(name, value, guarded))
    }

    /// `set("expires", new Date(Date.now() + 600000))`: Newman keeps the time as JSON writes
    /// it (ISO, as `toISOString()`; a moment's too).
    fn date_set(&self, value: &Expr) -> Option<String> {
        let iso = self.date_of(value)?.now("")?;
        Some(format!("{{{{ {iso} }}}}"))
    }

    /// A set() of the body's text, trimmed and unquoted: a capture by regular expression.
    fn body_text_capture(&mut self, name: &str, value: &Expr, guarded: bool) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let mut m = vec![("regex".into(), Y::str(self.body_text_pattern(value)?))];
        if guarded {
            m.push(("optional".into(), Y::Bool(true)));
        }
        self.out.capture.set(name, Y::Map(m));
        self.out.captures += 1;
        Some(Done::Converted)
    }

    /// `set("id", location.match(/\/evidence\/(.+)/)[1])` of a header or the body's text (also
    /// through a local): a capture by that regular expression.
    fn matched_capture(&mut self, name: &str, value: &Expr, guarded: bool) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let Expr::Index(matched, group) = self.through_local(value) else {
            return None;
        };
        let Expr::Call(callee, args) = &**matched else {
            return None;
        };
        let (Expr::Member(of, m), [Expr::Regex(body, flags)]) = (&**callee, args.as_slice()) else {
            return None;
        };
        let source = match self.subject(self.through_local(of))? {
            Subject::Header(h) => Some(h),
            Subject::Body => None,
            _ => return None,
        };
        // With `g`, `match` answers every match: `[1]` is the second.
        if flags.contains('g') {
            return None;
        }
        let pattern = chain::regex(body, flags)?;
        let groups = regex::Regex::new(&pattern).ok()?.captures_len() - 1;
        // yarc takes group 1, or the whole match of a pattern without groups.
        let taken = match **group {
            Expr::Num(n) if n == 1.0 && groups >= 1 => true,
            Expr::Num(n) if n == 0.0 && groups == 0 => true,
            _ => false,
        };
        if m != "match" || !taken {
            return None;
        }
        // No match throws in Postman: the request fails (here: the check that it matches),
        // and the variable keeps the value it had for the requests after it.
        if !guarded && self.when.is_none() {
            let subject = source.clone().map_or(Subject::Body, Subject::Header);
            self.put(subject, "matches", Y::str(pattern.clone()), false);
        }
        let mut capture = Vec::new();
        if let Some(h) = source {
            capture.push(("header".into(), Y::str(h)));
        }
        capture.push(("regex".into(), Y::str(pattern)));
        capture.push(("optional".into(), Y::Bool(true)));
        self.out.capture.set(name, Y::Map(capture));
        self.out.captures += 1;
        Some(Done::Converted)
    }

    /// The body's text trimmed (`pm.response.text().trim()`), and its quotes taken off
    /// (`.replace(/^"+|"+$/g, "")`, a token an API answers as a JSON string): a regular
    /// expression whose group is that text.
    fn body_text_pattern(&self, value: &Expr) -> Option<String> {
        // The quotes taken off: at both ends, or (a JSON string's token has none inside) every
        // one of them, `/"/g`, `/['"]+/g`.
        let unquoted = |e: &Expr| match e {
            Expr::Call(c, args) => match (&**c, args.as_slice()) {
                (Expr::Member(inner, m), [Expr::Regex(body, flags), Expr::Str(with)])
                    if m == "replace" && with.is_empty() =>
                {
                    let quotes = match body.replace('\\', "").as_str() {
                        "^\"+|\"+$" => "\"*",
                        "\"" | "\"+" if flags.contains('g') => "\"*",
                        "['\"]+" | "[\"']+" | "['\"]" | "[\"']" if flags.contains('g') => "[\"']*",
                        _ => return None,
                    };
                    Some((inner.as_ref().clone(), quotes))
                }
                _ => None,
            },
            _ => None,
        };
        let (inner, quotes) = unquoted(value).unwrap_or((value.clone(), ""));
        match self.subject(&inner)? {
            Subject::TrimmedBody => Some(format!("^\\s*{quotes}([\\s\\S]*?){quotes}\\s*$")),
            Subject::Body if !quotes.is_empty() => Some(format!("^{quotes}([\\s\\S]*?){quotes}$")),
            _ => None,
        }
    }

    /// `pm.globals.set("href", found ? found.href : "N/A")`: the value, or that text.
    fn or_text_capture(&mut self, name: &str, value: &Expr) -> Option<Done> {
        if let (Phase::Test, Expr::Cond(c, then, otherwise)) = (self.phase, value)
            && let (Some(Subject::Json(pc)), Some(Subject::Json(pt))) =
                (self.subject(c), self.subject(then))
            && pt.starts_with(&pc)
            && let Some(fallback) = literal_y(otherwise)
        {
            let capture = Y::Map(vec![
                ("json".into(), Y::str(pt)),
                ("default".into(), fallback),
            ]);
            self.out.capture.set(name, capture);
            self.out.captures += 1;
            return Some(Done::Converted);
        }
        None
    }

    /// A set() of a value known before the response (a literal, `{{ var }}`, a made-up value):
    /// given before the request, or from the start as a collection variable.
    fn set_value(&mut self, name: &str, key: &str, value: &Expr, v: Y, scope: SetScope) -> Done {
        if self.swallowed_gate.is_some() {
            return Done::Kept(KEPT_GATED_SET);
        }
        if self.vars_gate {
            return Done::Kept(KEPT_RETURNED_SET);
        }
        let shared = scope == SetScope::Shared;
        // Before the request, as Postman runs it; a value computed from variables is
        // given in order too (as a variable it could read itself: `n = n + 1`).
        let computed = matches!(&v, Y::Str(t) if t.contains("{{"));
        let reads_itself = computed && matches!(&v, Y::Str(t) if reads(t, name));
        let before = self.phase == Phase::PreRequest && (computed || !shared);
        if v == var_ref(key) {
            // `set("name", name)` again, after the local became the variable: no change.
            self.out.variables_set += 1;
            return Done::Converted;
        }
        if before && made_up(&v) {
            // `let name = replaceIn("{{$randomFirstName}}"); set("name", name);
            // let email = name + "@example.com"`: the local is the value just set, not
            // a new one made each time it is read.
            if let Expr::Ident(local) = unwrap_conversion(value) {
                let now_set = Subject::Value(var_ref(key));
                self.aliases.insert(local.clone(), Some(now_set));
            }
        }
        match before || reads_itself {
            true => self.out.sets.set(name, v),
            false => self.out.variables.set(name, v),
        }
        self.out.variables_set += 1;
        Done::Converted
    }

    /// The steps of `sent.a[0].b` from the request's body (a name bound to it, or
    /// `JSON.parse(...)` itself), the last step first; none for the whole body.
    fn sent_steps(&self, e: &Expr) -> Option<Vec<serde_json::Value>> {
        let mut steps = Vec::new();
        let mut at = e;
        loop {
            match at {
                Expr::Member(inner, name) => {
                    steps.push(serde_json::Value::String(name.clone()));
                    at = inner;
                }
                Expr::Index(inner, i) => {
                    steps.push(match &**i {
                        Expr::Str(k) => serde_json::Value::String(k.clone()),
                        Expr::Num(n) if n.fract() == 0.0 && *n >= 0.0 => {
                            serde_json::Value::from(*n as u64)
                        }
                        _ => return None,
                    });
                    at = inner;
                }
                Expr::Ident(n) if self.request_json.contains_key(n) => {
                    steps.extend(self.request_json[n].iter().rev().cloned());
                    break;
                }
                e if is_request_body(e) => break,
                _ => return None,
            }
        }
        Some(steps)
    }

    /// What a name bound to the request's own body reads of it (`sent.client_id`,
    /// `sent.items[0].id`): the body's value as the collection writes it. Only text, numbers and
    /// booleans: a check of a whole object is left to a human. A body that is only a variable
    /// is read at run time, as Postman's `JSON.parse` of it: `(product | from_json)["title"]`.
    fn sent_value(&self, e: &Expr) -> Option<Y> {
        let body = self.request_body.as_ref()?;
        let steps = self.sent_steps(e)?;
        let body = match body {
            Sent::Variable(expr) => return Some(Y::str(parsed_variable(expr, &steps))),
            Sent::Json(_) if steps.is_empty() => return None,
            Sent::Json(v) => v,
        };
        let mut v = body;
        for step in steps.iter().rev() {
            v = match step {
                serde_json::Value::String(k) => v.get(k)?,
                serde_json::Value::Number(n) => v.get(usize::try_from(n.as_u64()?).ok()?)?,
                _ => return None,
            };
        }
        match v {
            serde_json::Value::String(t) => Some(Y::str(super::vars::convert(t, &mut Vec::new()))),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(Y::from_json(v)),
            _ => None,
        }
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

    /// What an expression reads, if the output can name it.
    /// The JSON path an optional capture of this script reads into `name` (one taken under a
    /// guard), for a check of the variable later in the script.
    pub(super) fn captured_path(&self, name: &str) -> Option<String> {
        let mut capture = self.out.capture.clone();
        let entry = capture.get_mut(&super::vars::ident(name))?;
        if entry.get_mut("optional") != Some(&mut Y::Bool(true)) {
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

    pub(crate) fn subject(&self, e: &Expr) -> Option<Subject> {
        if let Expr::Jinja(j) = e {
            return Some(Subject::Value(Y::str(format!("{{{{ {j} }}}}"))));
        }
        if let Some(field) = self.object_field(e) {
            return self.subject(&field);
        }
        if let Some(v) = self.sent_value(e).or_else(|| self.sent_part(e)) {
            return Some(Subject::Value(v));
        }
        if let Some(v) = self.made_value(e) {
            return Some(Subject::Value(v));
        }
        if let Some(number) = self.xml_number(e) {
            return Some(number);
        }
        if let Some(text) = self.xml_text(e) {
            return Some(text);
        }
        if let Some(keys) = self.key_list(e) {
            return Some(keys);
        }
        if let Some(found) = self.called(e) {
            return found;
        }
        if let Some(found) = self.through_locals(e) {
            return Some(found);
        }
        if let Some(call) = clock::renewed(e) {
            return self.subject(&call);
        }
        if let Expr::Binary("+", a, b) = e
            && !adds(a, b)
            && let Some(v) = self.concat(a, b)
        {
            return Some(Subject::Value(v));
        }
        // `responseJSON.article || {}`: the fallback only keeps later reads from throwing.
        if let Expr::Binary("||", a, b) = e
            && matches!(&**b, Expr::Object(o) if o.is_empty())
            && let Some(found @ Subject::Json(_)) = self.subject(a)
        {
            return Some(found);
        }
        if let Expr::Template(parts) = e {
            return self.template_text(parts).map(Subject::Value);
        }
        let computed = match e {
            Expr::Binary(..) => true,
            Expr::Call(c, a) => {
                base64_of(e).is_some()
                    || self.digest_jinja(e).is_some()
                    || self.joined_map(e).is_some()
                    || is_numeric(e)
                    || random_jinja(e).is_some()
                    || self.method_jinja(c, a).is_some()
            }
            Expr::Index(list, i) => self.index_jinja(list, i).is_some(),
            Expr::Cond(..) => true,
            _ => false,
        };
        if computed {
            let x = self.jinja(e)?;
            return Some(Subject::Value(Y::str(format!("{{{{ {x} }}}}"))));
        }
        match e {
            Expr::Ident(n) => match self.aliases.get(n) {
                Some(s) => s.clone(),
                None => match n.as_str() {
                    "jsonData" if self.phase != Phase::PreRequest => {
                        Some(Subject::Json("$".into()))
                    }
                    "responseBody" => Some(Subject::Body),
                    "responseTime" => Some(Subject::Time),
                    _ => None,
                },
            },
            Expr::Member(inner, name) => self.member(inner, name),
            Expr::Index(inner, index) => self.indexed(inner, index),
            Expr::Call(callee, args) => self.call(callee, args),
            _ => None,
        }
    }

    /// `x["key"]`, `x[0]`: a member or an item of what `x` is.
    fn indexed(&self, inner: &Expr, index: &Expr) -> Option<Subject> {
        // The legacy `responseHeaders["Content-Type"]`.
        if let (Expr::Ident(h), Expr::Str(name)) = (inner, index)
            && h == "responseHeaders"
            && !self.aliases.contains_key(h)
        {
            return Some(Subject::Header(name.clone()));
        }
        match (self.subject(inner)?, index) {
            (Subject::Json(p), Expr::Str(k)) => Some(Subject::Json(child(&p, k))),
            (Subject::Xml(p), Expr::Str(k)) => xml_member(&p, k, self.xml_local),
            (Subject::XmlAttributes(p), Expr::Str(k)) => xml_attribute(&p, k),
            (Subject::XmlSplit(p, sep), Expr::Num(n)) if n.fract() == 0.0 && *n >= 0.0 => {
                xml_split_item(&p, &sep, *n as usize)
            }
            // xml2js's list of repeated elements: XPath counts from 1.
            (Subject::Xml(p), Expr::Num(n))
                if n.fract() == 0.0 && *n >= 0.0 && p.starts_with('/') =>
            {
                Some(Subject::Xml(format!("{p}[{}]", *n as u64 + 1)))
            }
            (Subject::Json(p), Expr::Num(n)) if n.fract() == 0.0 && *n >= 0.0 => {
                Some(Subject::Json(format!("{p}[{n}]")))
            }
            // `list[list.length - 1]`: the last item (`[-1]`); `- 2`, the one before it.
            (Subject::Json(p), Expr::Binary("-", len, k))
                if matches!(&**len, Expr::Member(of, m) if m == "length" && **of == *inner)
                    && matches!(&**k, Expr::Num(k) if k.fract() == 0.0 && *k >= 1.0 && *k <= 1e6) =>
            {
                let Expr::Num(k) = &**k else { return None };
                Some(Subject::Json(format!("{p}[-{k}]")))
            }
            _ => None,
        }
    }

    /// `Object.keys(data)` and `Object.keys(data).sort()`: the object's keys.
    fn key_list(&self, e: &Expr) -> Option<Subject> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        match (&**callee, args.as_slice()) {
            (c, [of]) if path(c).as_deref() == Some("Object.keys") => match self.subject(of)? {
                Subject::Json(p) if !p.contains('*') && !p.contains('?') => {
                    Some(Subject::KeyList(p))
                }
                // A loop's item (`Object.keys(item)`), read per item (`put_in_item`).
                Subject::Json(p) if self.each_base.as_ref() == Some(&p) => {
                    Some(Subject::KeyList(p))
                }
                _ => None,
            },
            (Expr::Member(inner, m), []) if m == "sort" => match self.subject(inner)? {
                keys @ Subject::KeyList(_) => Some(keys),
                _ => None,
            },
            _ => None,
        }
    }

    /// `parseFloat(xml.total)`, `Number(...)`, `parseInt(...)`: an XML text as a number, which
    /// XPath's `number()` reads as JavaScript does (NaN when missing or not a number);
    /// `parseInt` drops the fraction (`n - n mod 1`: XPath's `mod` keeps the sign, like `%`).
    fn xml_number(&self, e: &Expr) -> Option<Subject> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let whole = match path(callee).as_deref() {
            Some("parseFloat" | "Number") => false,
            Some("parseInt") => true,
            _ => return None,
        };
        let Some(Subject::Xml(p)) = self.subject(args.first()?) else {
            return None;
        };
        if !p.starts_with('/') {
            return None;
        }
        let n = format!("number({p})");
        Some(Subject::Xml(match whole {
            true => format!("{n} - {n} mod 1"),
            false => n,
        }))
    }

    /// XML texts taken apart and put together: `text.split("/")` (a list an item of which is
    /// read) and `a + "//" + b` of texts and literals (XPath's `concat`), as the Salesforce
    /// login's `url[0] + "//" + url[2]` of `result.serverUrl.split("/")` reads its origin.
    fn xml_text(&self, e: &Expr) -> Option<Subject> {
        let text = |s: Option<Subject>| match s {
            Some(Subject::Xml(p)) if !p.is_empty() && !p.starts_with("number(") => Some(p),
            _ => None,
        };
        match e {
            Expr::Call(callee, args) => {
                let Expr::Member(of, m) = &**callee else {
                    return None;
                };
                let [Expr::Str(sep)] = args.as_slice() else {
                    return None;
                };
                let p = text(self.subject(of)).filter(|_| m == "split" && !sep.is_empty())?;
                Some(Subject::XmlSplit(p, sep.clone()))
            }
            Expr::Binary("+", a, b) => {
                let mut parts = Vec::new();
                for side in [a, b] {
                    match &**side {
                        Expr::Str(lit) => parts.push(xpath_literal(lit)?),
                        side => {
                            let p = text(self.subject(side))?;
                            // `concat(a, b) + c` is one `concat(a, b, c)`.
                            parts.push(concat_arguments(&p).unwrap_or(&p).to_string());
                        }
                    }
                }
                let has_xml = !matches!((&**a, &**b), (Expr::Str(_), Expr::Str(_)));
                has_xml.then(|| Subject::Xml(format!("concat({})", parts.join(", "))))
            }
            _ => None,
        }
    }

    /// What a local constant or a list's `find` makes of `e`: `moment().format(FORMAT)` with
    /// `const FORMAT = "..."` above; `list.find(o => o.rel === "paid")`, the first item that
    /// matches, as a filter.
    fn through_locals(&self, e: &Expr) -> Option<Subject> {
        if let Expr::Call(callee, args) = e
            && let [Expr::Ident(n)] = args.as_slice()
            && matches!(&**callee, Expr::Member(_, m) if m == "format")
            && let Some(Some(Subject::Value(Y::Str(format)))) = self.aliases.get(n)
            && !format.contains("{{")
            && let Some(v) = generated(&Expr::Call(callee.clone(), vec![Expr::Str(format.clone())]))
        {
            return Some(Subject::Value(v));
        }
        if let Expr::Call(callee, args) = e
            && let Expr::Member(list, m) = &**callee
            && (m == "find" || m == "filter")
            && let [Expr::Func(params, body)] = args.as_slice()
            && let (Some(item), [only]) = (params.first(), body.as_slice())
            && let StmtKind::Expr(test) | StmtKind::Return(Some(test)) = &only.kind
            && let Some(Subject::Json(p)) = self.subject(or_empty_list(list))
            && let Some(filter) = self.filter_of(item, test)
        {
            return Some(Subject::Json(format!("{p}[?{filter}]")));
        }
        // `items.map(i => i.id)`: every item's `id`, a list (`$.items[*].id`). Over `(items ||
        // [])` too: a missing list maps to an empty one, which holds nothing a check asks for,
        // as the missing path does not.
        if let Expr::Call(callee, args) = e
            && let Expr::Member(list, m) = &**callee
            && m == "map"
            && let [Expr::Func(params, body)] = args.as_slice()
            && let (Some(item), [only]) = (params.first(), body.as_slice())
            && let StmtKind::Expr(read) | StmtKind::Return(Some(read)) = &only.kind
            && let Some(Subject::Json(p)) = self.subject(or_empty_list(list))
            && !p.contains("[?")
            && let Some(steps) = steps_from(read, item)
        {
            let each = steps.iter().fold(format!("{p}[*]"), |at, k| child(&at, k));
            if !std::ptr::eq(or_empty_list(list), &**list) {
                self.or_empty.borrow_mut().insert(each.clone());
            }
            return Some(Subject::Json(each));
        }
        // `errors.pop()`, `errors.at(-1)`: the last item.
        if let Expr::Call(callee, args) = e
            && let Expr::Member(list, m) = &**callee
            && (m == "pop" && args.is_empty() || m == "at" && is_minus_one(args))
            && let Some(Subject::Json(p)) = self.subject(list)
        {
            return Some(Subject::Json(format!("{p}[-1]")));
        }
        None
    }

    /// `pm.iterationData.has("n") ? pm.iterationData.get("n") : 5`: minijinja's `a if c else
    /// b`, a variable asked for by `has` being defined and not empty (other conditions are
    /// true as JavaScript reads them: minijinja's truth is the same for texts, numbers, none).
    fn cond_jinja(&self, c: &Expr, a: &Expr, b: &Expr) -> Option<String> {
        let cond = self.condition_jinja(c)?;
        Some(format!(
            "({} if {cond} else {})",
            self.jinja(a)?,
            self.jinja(b)?
        ))
    }

    /// A condition over values known before the request as a minijinja test: `!`, `&&`,
    /// `||` and comparisons of what [`Self::jinja`] reads (truth is the same for texts,
    /// numbers and none).
    fn condition_jinja(&self, c: &Expr) -> Option<String> {
        let side = |x: &Expr| self.condition_jinja(x);
        Some(match c {
            Expr::Unary("!", x) => format!("not {}", side(x)?),
            Expr::Binary("&&", a, b) => format!("({} and {})", side(a)?, side(b)?),
            Expr::Binary("||", a, b) => format!("({} or {})", side(a)?, side(b)?),
            Expr::Binary(op @ ("===" | "==" | "!==" | "!=" | "<" | "<=" | ">" | ">="), a, b) => {
                let op = match *op {
                    "===" => "==",
                    "!==" => "!=",
                    other => other,
                };
                format!("({} {op} {})", self.jinja(a)?, self.jinja(b)?)
            }
            _ => match self.subject(c) {
                // The import declares a variable the export does not define as "": not set.
                Some(Subject::VarSet(name)) => {
                    let n = super::vars::ident(&name);
                    format!("({n} is defined and {n} != \"\")")
                }
                // A variable the export defines nowhere is declared as its own `{{name}}`
                // text (what Newman sends), which a script's `get()` reads as `undefined`.
                Some(Subject::Value(Y::Str(t))) if let Some(n) = var_name(&t) => {
                    read_as_postman(&n)
                }
                _ => match self.jinja(c)? {
                    j if j.contains(' ') => format!("({j})"),
                    j => j,
                },
            },
        })
    }

    /// A template literal: the value it is, or (`${k}=${params[k]}` of a value only a
    /// template can say) its parts each known before the request, joined as text.
    fn template_jinja(&self, e: &Expr, parts: &[js::TemplatePart]) -> Option<String> {
        match self.subject(e) {
            Some(Subject::Value(v)) => return jinja_of(&v),
            Some(_) => return None,
            None => {}
        }
        let parts: Option<Vec<String>> = parts
            .iter()
            .map(|p| match p {
                js::TemplatePart::Text(t) => serde_json::to_string(t).ok(),
                js::TemplatePart::Expr(x) => Some(format!("({} | string)", self.jinja(x)?)),
            })
            .collect();
        Some(format!("({})", parts?.join(" ~ ")))
    }

    /// A JavaScript expression over values known before the request as a minijinja one:
    /// variables (`pm.*.get`, aliases), literals, `||`, `parseInt`/`Number`, arithmetic
    /// (`n + 1` counts: a variable read next to a number is read as a number, as a counter
    /// means it).
    fn jinja(&self, e: &Expr) -> Option<String> {
        if let Some(call) = clock::renewed(e) {
            return self.jinja(&call);
        }
        if let Expr::Binary("+", ..) = e
            && let Some(made) = self.clock_text(e).and_then(|(at, f)| at.now(&f))
        {
            return Some(made);
        }
        let numeric = is_numeric;
        let method = match e {
            Expr::Call(c, a) => self.method_jinja(c, a),
            Expr::Index(list, i) => self.index_jinja(list, i),
            _ => None,
        };
        let made = self.random_jinja(e).or_else(|| self.digest_jinja(e));
        if let Some(made) = made.or_else(|| self.built_jinja(e)).or(method) {
            return Some(made);
        }
        Some(match e {
            Expr::Num(n) => number(*n)?.to_string(),
            Expr::Str(s) if !s.contains("{{") => serde_json::to_string(s).ok()?,
            Expr::Bool(b) => b.to_string(),
            Expr::Null | Expr::Undefined => "none".into(),
            Expr::Template(parts) => self.template_jinja(e, parts)?,
            Expr::Cond(c, a, b) => self.cond_jinja(c, a, b)?,
            Expr::Ident(_) | Expr::Member(..) | Expr::Index(..) => match self.subject(e)? {
                Subject::Value(v) => jinja_of(&v)?,
                _ => return None,
            },
            Expr::Call(..) if base64_of(e).is_some() => {
                format!("({} | base64_encode)", self.jinja(base64_of(e)?)?)
            }
            Expr::Call(callee, args) => match (path(callee).as_deref(), args.as_slice()) {
                (Some("parseInt" | "Number" | "parseFloat"), [x, ..]) => {
                    let f = if path(callee).as_deref() == Some("parseFloat") {
                        "float"
                    } else {
                        "int"
                    };
                    format!("({} | {f})", self.jinja(x)?)
                }
                _ => match self
                    .made_value(e)
                    .map(Subject::Value)
                    .or_else(|| self.call(callee, args))?
                {
                    Subject::Value(v) => jinja_of(&v)?,
                    _ => return None,
                },
            },
            Expr::Binary(op @ ("||" | "??"), a, b) => {
                let _ = op;
                format!("({} or {})", self.jinja(a)?, self.jinja(b)?)
            }
            Expr::Binary(op @ ("+" | "-" | "*" | "/" | "%"), a, b) => {
                if *op == "+" && !adds(a, b) {
                    // Text joined: `id + ':' + secret`; a sum joined is summed first.
                    let part = |x: &Expr| -> Option<String> {
                        let j = self.jinja(x)?;
                        Some(match x {
                            Expr::Binary("+", p, q) if adds(p, q) => format!("({j})"),
                            Expr::Binary("-" | "*" | "/" | "%", ..) => format!("({j})"),
                            _ => j,
                        })
                    };
                    return Some(format!("({} ~ {})", part(a)?, part(b)?));
                }
                // A variable in arithmetic is read as JavaScript reads it (`number`: blank text
                // is 0, what is no number `NaN`, which Newman sends), never an error.
                let side = |x: &Expr| -> Option<String> {
                    let j = self.jinja(x)?;
                    Some(match numeric(x) {
                        true => j,
                        false => format!("({j} | number)"),
                    })
                };
                format!("{} {op} {}", side(a)?, side(b)?)
            }
            _ => return None,
        })
    }

    /// A random value: [`random_jinja`], or a whole number plus one
    /// (`Math.floor(Date.now() + Math.random() * 10000)`).
    fn random_jinja(&self, e: &Expr) -> Option<String> {
        if let Some(random) = random_jinja(e) {
            return Some(random);
        }
        let (whole, n) = whole_plus_random(e)?;
        Some(format!("{} + random_int(0, {})", self.jinja(whole)?, n - 1))
    }

    /// `` `${host}/realms/${realm}/token` ``: its text, when every expression in it is known.
    fn template_text(&self, parts: &[js::TemplatePart]) -> Option<Y> {
        let mut out = String::new();
        for p in parts {
            match p {
                js::TemplatePart::Text(t) => {
                    out.push_str(&super::vars::convert(t, &mut Vec::new()))
                }
                js::TemplatePart::Expr(e) => match self.value(e)? {
                    Y::Str(s) => out.push_str(&s),
                    Y::Num(n) => out.push_str(&n.to_string()),
                    Y::Bool(b) => out.push_str(&b.to_string()),
                    _ => return None,
                },
            }
        }
        Some(Y::Str(out))
    }

    /// `'Profile ' + id`: text known before the run, joined (templates included).
    fn concat(&self, a: &Expr, b: &Expr) -> Option<Y> {
        let text = |y: Y| match y {
            Y::Str(s) => Some(s),
            Y::Num(n) => Some(n.to_string()),
            _ => None,
        };
        let (a, b) = (text(self.value(a)?)?, text(self.value(b)?)?);
        Some(Y::Str(a + &b))
    }

    fn member(&self, inner: &Expr, name: &str) -> Option<Subject> {
        let aliased = matches!(inner, Expr::Ident(n) if self.aliases.contains_key(n));
        match (path(inner).as_deref(), name) {
            _ if aliased => {}
            (Some("pm.response"), "code") | (Some("responseCode"), "code") => {
                return Some(Subject::Status);
            }
            (Some("pm.response"), "responseTime") => return Some(Subject::Time),
            // `res.stream` of a sent request's response, read as text (`.toString()`).
            (Some("pm.response"), "stream") => return Some(Subject::Body),
            (Some("pm.response"), "status") | (Some("responseCode"), "name") => {
                return Some(Subject::Reason);
            }
            (Some("environment" | "globals" | "data" | "iterationData"), var) => {
                return Some(Subject::Value(var_ref(var)));
            }
            _ => {}
        }
        // `pm.response.headers.one("Location").value`: the header's value.
        if name == "value"
            && let Expr::Call(one, args) = inner
            && path(one).as_deref() == Some("pm.response.headers.one")
            && let [Expr::Str(h)] = args.as_slice()
        {
            return Some(Subject::Header(h.clone()));
        }
        if name == "length"
            && let Expr::Call(keys, of) = inner
            && path(keys).as_deref() == Some("Object.keys")
            && let [of] = of.as_slice()
            && let Some(Subject::Json(p)) = self.subject(of)
        {
            return Some(Subject::Keys(p));
        }
        match self.subject(inner)? {
            Subject::Json(p) if name == "length" => {
                Some(Subject::Length(Box::new(Subject::Json(p))))
            }
            Subject::Body if name == "length" => Some(Subject::Length(Box::new(Subject::Body))),
            Subject::KeyList(p) if name == "length" => Some(Subject::Keys(p)),
            // A text's length, or how many repeated elements: yarc's `length` of an XPath's
            // one text or several, as xml2js gives a string or a list.
            Subject::Xml(p) if name == "length" && p.starts_with('/') => {
                Some(Subject::Length(Box::new(Subject::Xml(p))))
            }
            Subject::Json(p) => Some(Subject::Json(child(&p, name))),
            Subject::Xml(p) => xml_member(&p, name, self.xml_local),
            Subject::XmlAttributes(p) => xml_attribute(&p, name),
            // `postman.getResponseCookie("id").value`
            c @ Subject::Cookie(_) if name == "value" => Some(c),
            _ => None,
        }
    }

    /// cheerio over an XML answer: `cheerio.load(pm.response.text(), { xmlMode: true })` is
    /// the document, whose `$("a > b")` selects what the XPath `//a/b` does; `.attr("code")`
    /// reads the first element selected, `.text()` its text.
    fn cheerio_call(&self, callee: &Expr, args: &[Expr]) -> Option<Subject> {
        let arg = |i: usize| match args.get(i) {
            Some(Expr::Str(s)) => Some(s.clone()),
            _ => None,
        };
        match path(callee).as_deref() {
            Some("cheerio.load") if xml_mode(args.get(1)) => match self.subject(args.first()?)? {
                Subject::Body => Some(Subject::Xml(String::new())),
                _ => None,
            },
            _ if matches!(callee, Expr::Ident(_))
                && self.subject(callee) == Some(Subject::Xml(String::new())) =>
            {
                Some(Subject::Xml(css_xpath(&arg(0)?)?))
            }
            _ if matches!(callee, Expr::Member(_, m) if m == "attr") && args.len() == 1 => {
                let Expr::Member(of, _) = callee else {
                    return None;
                };
                match self.subject(of)? {
                    Subject::Xml(p) if p.starts_with("//") => {
                        xml_attribute(&format!("({p})[1]"), &arg(0)?)
                    }
                    _ => None,
                }
            }
            _ if matches!(callee, Expr::Member(_, m) if m == "text") && args.is_empty() => {
                let Expr::Member(of, _) = callee else {
                    return None;
                };
                match self.subject(of)? {
                    Subject::Xml(p) if p.starts_with("//") => Some(Subject::Xml(p)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn call(&self, callee: &Expr, args: &[Expr]) -> Option<Subject> {
        if let Some(read) = self.cheerio_call(callee, args) {
            return Some(read);
        }
        let arg = |i: usize| match args.get(i) {
            Some(Expr::Str(s)) => Some(s.clone()),
            _ => None,
        };
        match path(callee).as_deref() {
            Some("pm.response.json") | Some("responseJSON") if args.is_empty() => {
                Some(Subject::Json("$".into()))
            }
            Some("JSON.parse") => match self.subject(args.first()?)? {
                Subject::Body => Some(Subject::Json("$".into())),
                _ => None,
            },
            // lodash's `_.get(data, "items[0].name")`: that member (a default, a third
            // argument, is not read).
            Some("_.get") if args.len() == 2 => match self.subject(&args[0])? {
                Subject::Json(base) => {
                    Some(Subject::Json(chain::lodash_path_from(&base, &arg(1)?)?))
                }
                _ => None,
            },
            // Postman's `xml2Json`: xml2js with `explicitArray: false` — an element is read by
            // its name as written (prefix and all), a repeated one is a list.
            Some("xml2Json") => match self.subject(args.first()?)? {
                Subject::Body => Some(Subject::Xml(String::new())),
                _ => None,
            },
            Some("pm.response.text") if args.is_empty() => Some(Subject::Body),
            _ if args.is_empty()
                && matches!(callee, Expr::Member(of, m)
                    if m == "trim" && matches!(self.subject(of), Some(Subject::Body | Subject::TrimmedBody))) =>
            {
                Some(Subject::TrimmedBody)
            }
            Some("pm.response.headers.get" | "postman.getResponseHeader") => {
                Some(Subject::Header(arg(0)?))
            }
            Some("pm.cookies.get" | "postman.getResponseCookie") => Some(Subject::Cookie(arg(0)?)),
            Some(
                "pm.variables.has"
                | "pm.environment.has"
                | "pm.collectionVariables.has"
                | "pm.globals.has"
                | "pm.iterationData.has",
            ) => Some(Subject::VarSet(arg(0)?)),
            Some(
                name @ ("pm.variables.replaceIn"
                | "pm.environment.replaceIn"
                | "pm.collectionVariables.replaceIn"
                | "pm.globals.replaceIn"
                | "Property.replaceSubstitutions"),
            ) if args.len() == 1 => match &args[0] {
                Expr::Str(t) => Some(Subject::Value(Y::str(super::vars::convert(
                    t,
                    &mut Vec::new(),
                )))),
                // `pm.environment.replaceIn(pm.environment.get("auth_url"))`: a variable's
                // value, whose own `{{...}}` yarc resolves when it renders it.
                inner if name != "Property.replaceSubstitutions" => self
                    .subject(inner)
                    .filter(|s| matches!(s, Subject::Value(_))),
                _ => None,
            },
            _ => None,
        }
    }

    /// Writes staged predicates; false (nothing written) if one cannot be said in `expect`.
    fn commit(&mut self, staged: Staged) -> bool {
        // `set("token", d.token); pm.expect(d.token).to.eql(pm.environment.get("token"))`: in
        // yarc the expected value renders before this response's captures, so the check would
        // compare with the value before it; left to a human.
        let captured: Vec<String> = self
            .out
            .capture
            .entries()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let reads_captured = |v: &Y| matches!(v, Y::Str(t) if t.contains("{{") && captured.iter().any(|n| reads(t, n)));
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

    /// `tv4.validate(data, schema)` or `ajv.validate(schema, data)` of the whole body, with a
    /// schema written in the script: the schema, with the draft Postman validates it by.
    pub(crate) fn schema_check(&self, e: &Expr) -> Option<Y> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let (schema, data, draft) = match (path(callee)?.as_str(), args.as_slice()) {
            ("tv4.validate", [data, schema, ..]) => (schema, data, DRAFT_4),
            (f, [data]) if self.compiled.contains_key(f) => (self.compiled.get(f)?, data, DRAFT_7),
            (p, [schema, data, ..])
                if p.strip_suffix(".validate")
                    .is_some_and(|v| self.validators.contains(v)) =>
            {
                (schema, data, DRAFT_7)
            }
            _ => return None,
        };
        match self.subject(data)? {
            Subject::Json(p) if p == "$" => self.schema_literal(schema, draft),
            _ => None,
        }
    }

    /// A schema written in the script (an object literal, or a name bound to one), as the
    /// output's mapping; `$schema` added when absent. None when it is not a schema yarc can
    /// compile: the line is then left as it is.
    pub(crate) fn schema_literal(&self, e: &Expr, draft: &str) -> Option<Y> {
        let literal = match e {
            Expr::Ident(n) => match self.objects.get(n) {
                Some(o) => o,
                None => return self.schema_of_variable(e, draft),
            },
            Expr::Member(..) => return self.schema_of_variable(e, draft),
            other => other,
        };
        let Y::Map(mut fields) = plain(literal)? else {
            return None;
        };
        if !fields.iter().any(|(k, _)| k == "$schema") {
            fields.insert(0, ("$schema".into(), Y::str(draft)));
        }
        let schema = Y::Map(fields);
        yarc_core::plan::is_usable_schema(&json_of(&schema)).then_some(schema)
    }

    /// `JSON.parse(pm.variables.get("schema_projects"))` (or a local bound to it, or to the
    /// text): the JSON Schema the export keeps in that variable; `pm.globals.get("schemas")
    /// .Notification`: one a script stored there (see [`objects_set`]).
    fn schema_of_variable(&self, e: &Expr, draft: &str) -> Option<Y> {
        let parsed = match e {
            Expr::Ident(n) => &self.computed.get(n)?.0,
            other => other,
        };
        let mut members = Vec::new();
        let mut read = parsed;
        while let Expr::Member(inner, m) = read {
            members.insert(0, m.as_str());
            read = inner;
        }
        let Expr::Call(callee, args) = read else {
            return None;
        };
        let [text] = args.as_slice() else { return None };
        let found = match (path(callee).as_deref(), members.is_empty(), text) {
            (Some("JSON.parse"), true, _) => match self.value(text) {
                Some(Y::Str(t)) => self
                    .known_json
                    .get(t.strip_prefix("{{ ")?.strip_suffix(" }}")?),
                _ => None,
            },
            (Some(p), _, Expr::Str(n)) if p.starts_with("pm.") && p.ends_with(".get") => {
                self.known_stored.get(&super::vars::ident(n))
            }
            _ => None,
        };
        let stored = members.iter().try_fold(found?, |v, m| v.get(m))?;
        let mut schema = match Y::from_json(stored) {
            Y::Map(fields) => fields,
            _ => return None,
        };
        if !schema.iter().any(|(k, _)| k == "$schema") {
            schema.insert(0, ("$schema".into(), Y::str(draft)));
        }
        let schema = Y::Map(schema);
        yarc_core::plan::is_usable_schema(&json_of(&schema)).then_some(schema)
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
    let (mut depth, mut quote) = (0i32, None);
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return None,
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    (depth == 0).then_some(inner)
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
    b.iter()
        .filter(|s| !is_console_stmt(s))
        .map(|s| match &s.kind {
            StmtKind::Expr(e) => set_call(e).map(|(k, v)| (e.clone(), k.clone(), v.clone())),
            _ => None,
        })
        .collect()
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
    let plain =
        |n: &String| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
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
    let get = Expr::Member(
        Box::new(Expr::Member(
            Box::new(Expr::Ident("pm".into())),
            "variables".into(),
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
    // `let token = res.json().access_token; pm.environment.set("t", token)`.
    let locals: Vec<&String> = callback
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Let(decls) => Some(decls),
            _ => None,
        })
        .flatten()
        .filter_map(|(b, v)| match b {
            Binding::Name(n) if is_token(v) => Some(n),
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
    format!("{e:?}").contains(&format!("Ident({name:?})"))
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

/// A value as a minijinja expression: `{{ expr }}` alone gives its expression, a literal its
/// literal; text with a template inside is no single expression.
fn jinja_of(v: &Y) -> Option<String> {
    Some(match v {
        Y::Str(s) => match s.strip_prefix("{{ ").and_then(|r| r.strip_suffix(" }}")) {
            Some(inner) if !inner.contains("{{") && !inner.contains("}}") => {
                let plain = inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    || (inner.starts_with('(') && inner.ends_with(')'));
                match plain {
                    true => inner.to_string(),
                    false => format!("({inner})"),
                }
            }
            _ if !s.contains('{') => serde_json::to_string(s).ok()?,
            _ => joined_jinja(s)?,
        },
        Y::Num(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Null => "none".into(),
        Y::Seq(items) => {
            let items: Option<Vec<String>> = items.iter().map(jinja_of).collect();
            format!("[{}]", items?.join(", "))
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
                let plain = inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
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
fn rounded_random<'e>(e: &'e Expr, rounding: &str) -> Option<&'e Expr> {
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

/// The sandbox names the script's top-level `const`/`let` declarations take again.
fn redeclared(lines: &[String], statements: &[Stmt]) -> Vec<String> {
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
                && SANDBOX_NAMES.contains(&n.as_str())
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
    b.iter().any(fails) && b.iter().all(|s| fails(s) || says_only(s))
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
fn top_level(p: &str) -> bool {
    let rest = p.strip_prefix('$').unwrap_or("x");
    let one = |r: &str| {
        r.strip_prefix('.').is_some_and(|n| !n.contains(['.', '[']))
            || r.strip_prefix('[')
                .is_some_and(|n| n.find(']') == Some(n.len() - 1))
    };
    one(rest)
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
pub(crate) fn objects_set(lines: &[String]) -> Vec<(String, serde_json::Value)> {
    let mut objects: HashMap<String, serde_json::Value> = HashMap::new();
    let mut out = Vec::new();
    for s in js::parse(&lines.join("\n")) {
        match &s.kind {
            StmtKind::Let(decls) => {
                for (b, e) in decls {
                    if let (Binding::Name(n), Some(v)) = (b, stored_value(e, &objects)) {
                        objects.insert(n.clone(), v);
                    }
                }
            }
            StmtKind::Assign(Expr::Member(of, m), e) => {
                let v = stored_value(e, &objects);
                if let (Expr::Ident(o), Some(v)) = (&**of, v)
                    && let Some(serde_json::Value::Object(fields)) = objects.get_mut(o)
                {
                    fields.insert(m.clone(), v);
                }
            }
            StmtKind::Expr(e) => {
                if let Some((Expr::Str(key), v)) = set_call(e)
                    && let Some(v @ serde_json::Value::Object(_)) = stored_value(v, &objects)
                {
                    out.push((super::vars::ident(key), v));
                }
            }
            _ => {}
        }
    }
    out
}

/// A value written out in the script: a literal, an object or list whose members are written
/// out or objects stored before (`{ "definitions": { "item": itemSchema.object } }`), or one
/// of those (`itemSchema`, `itemSchema.object`).
fn stored_value(
    e: &Expr,
    objects: &HashMap<String, serde_json::Value>,
) -> Option<serde_json::Value> {
    let member = |e: &Expr| stored_value(e, objects);
    match e {
        Expr::Member(of, m) => match &**of {
            Expr::Ident(o) => objects.get(o)?.get(m).cloned(),
            _ => None,
        },
        Expr::Ident(o) => objects.get(o).cloned(),
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

fn missing_as<'e>(value: &'e Expr, nothing: &'e Expr) -> &'e Expr {
    match value {
        Expr::Undefined => nothing,
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

fn says_only(s: &Stmt) -> bool {
    // A message put together for the failure: `const msg = \`... ${name}\``.
    let message = |v: &Expr| matches!(v, Expr::Str(_) | Expr::Template(_) | Expr::Binary("+", ..));
    match &s.kind {
        StmtKind::If(_, then, otherwise) => then.iter().chain(otherwise).all(says_only),
        StmtKind::Let(decls) => decls.iter().all(|(_, v)| message(v)),
        _ => is_console_stmt(s),
    }
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
fn parsed_variable(expr: &str, steps: &[serde_json::Value]) -> String {
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

/// `JSON.parse(request.data)`, `JSON.parse(pm.request.body.raw)`: the request's own body.
fn is_request_body(e: &Expr) -> bool {
    let Expr::Call(callee, args) = e else {
        return false;
    };
    let inner = match args.as_slice() {
        [Expr::Call(c, a)] if a.is_empty() => path(c).map(|p| format!("{p}()")),
        [x] => path(x),
        _ => None,
    };
    path(callee).as_deref() == Some("JSON.parse")
        && matches!(
            inner.as_deref(),
            Some(
                "request.data"
                    | "pm.request.body"
                    | "pm.request.body.raw"
                    | "request.body"
                    | "pm.request.body.toString()"
            )
        )
}

/// A template that makes a new value each time it renders.
fn made_up(v: &Y) -> bool {
    let Y::Str(t) = v else { return false };
    ["fake(", "uuid()", "random_int(", "now(", "timestamp()"]
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
            "getTime" => "timestamp() * 1000",
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
        (Some("Date.now"), []) => "timestamp() * 1000",
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
            Expr::Member(inner, m) if m == "getTime" && is_new_date(inner) => "timestamp() * 1000",
            _ => return None,
        },
    };
    Some(Y::str(format!("{{{{ {expr} }}}}")))
}

/// `Math.floor(Date.now() / 1000)` (also `Math.round`, `parseInt`, `new Date().getTime()`,
/// `Date.now() / 1000 | 0`): the seconds since 1970, as a whole number.
fn epoch_seconds(e: &Expr) -> bool {
    let millis = |x: &Expr| match x {
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
        ("valueOf", []) if offset.is_none() => Some("timestamp() * 1000".into()),
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

/// `{{ name }}` (as `var_ref` writes it) → `name`.
fn var_name(text: &str) -> Option<String> {
    let inner = text.strip_prefix("{{ ")?.strip_suffix(" }}")?;
    let ident = inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ident.then(|| inner.to_string())
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

/// `$.a` + `b` → `$.a.b`; names that are not identifiers are bracketed.
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
            let op = if op.starts_with('!') { "!=" } else { "==" };
            match (&**a, &**b) {
                (x, Expr::Str(v)) | (Expr::Str(v), x) => {
                    Some(format!("(@{} {op} {})", field(x)?, quoted(v)))
                }
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
            Some(format!("search(@{}, {})", field(x)?, quoted(&pattern)))
        }
        // `i => i.coupon && ...`: the member is there (JSONPath's existence test; JavaScript
        // asks more, that it is truthy).
        Expr::Member(..) => Some(format!("@{}", field(test)?)),
        Expr::Unary("!", inner) if matches!(&**inner, Expr::Member(..)) => {
            Some(format!("!@{}", field(inner)?))
        }
        _ => None,
    }
}

pub(crate) fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
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
