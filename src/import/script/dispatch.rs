//! A collection's or folder's script that does something else for each request, chosen by the
//! request's name:
//!
//! ```js
//! switch (pm.info.requestName) {
//!     case "Login": pm.environment.set("token", pm.response.json().token); break;
//!     case "Create order": pm.environment.set("order", pm.response.json().id); break;
//! }
//! ```
//!
//! Postman runs it after every request; only the branch of that request's name does anything.
//! The import reads the script once per request with the name written in and every decision on
//! it taken: what is left is that request's own script (its `set()`s become its captures). The
//! statements that do not depend on the name stay the scope's. A scope's test script that reads
//! what the request sent (`JSON.parse(pm.request.body).data`) is read per request the same way,
//! with that request's body; a pre-request script that reads the request itself (its query,
//! body or method: a signature) is read whole for each request, with its parts.

use super::Phase;
use super::js::{Binding, Expr, Stmt, StmtKind, TemplatePart};
use std::collections::{BTreeSet, HashMap};

/// What reads the running request's name in a script.
const NAMES: &[&str] = &["pm.info.requestName", "request.name"];

/// What reads the running request's method (a folder's checks for `POST`, others for `GET`).
const METHODS: &[&str] = &["pm.request.method", "request.method"];

/// What a pre-request script reads of the request it runs for (not what adds to it:
/// `pm.request.url.addQueryParams` stays the scope's).
const REQUEST_READS: [&str; 12] = [
    "pm.request.url.query.toObject",
    "pm.request.url.query.map",
    "pm.request.url.query.each",
    "pm.request.url.query.forEach",
    "pm.request.url.query.all",
    "pm.request.url.query.toString",
    "pm.request.url.getPath",
    "pm.request.url.getQueryString",
    "pm.request.url.getPathWithQuery",
    "pm.request.body.raw",
    "pm.request.body.toString",
    "pm.request.method",
];

/// What reads the running request's body in a script.
const BODY_READS: [&str; 2] = ["pm.request.body", "request.data"];

/// A scope script split by what depends on the request's name.
#[derive(Debug, Clone)]
pub(crate) struct Dispatch {
    /// The script's lines, as exported.
    pub lines: Vec<String>,
    /// When it runs: `ScopeTest` or `PreRequest`.
    pub phase: Phase,
    statements: Vec<Stmt>,
    /// Indexes (into `statements`) of the top-level statements that read the name, or a local
    /// made from it.
    dependent: BTreeSet<usize>,
    /// Lines some request's part ran (see [`Dispatch::unreached`]).
    used: std::cell::RefCell<BTreeSet<usize>>,
    /// The variables the script reads that the export gives one value (`pm.environment.get(
    /// "soap_endpoint")`), with that value: what a decision compares the URL with.
    values: Vec<(Expr, Expr)>,
}

impl Dispatch {
    /// The split, when the script decides something by the name and every such decision can
    /// be taken from the name alone (`===`, `includes`, a regular expression's `test`, of the
    /// name or of a text made from it).
    pub(crate) fn of(
        lines: &[String],
        statements: &[Stmt],
        phase: Phase,
        known: &HashMap<String, Exported>,
    ) -> Option<Dispatch> {
        // Reading it per request recurses along every `else if` (a `switch` is a chain of
        // them): a script deeper than this stays the scope's, read once as before.
        if nesting(statements) > MAX_NESTING {
            return None;
        }
        let headers = match phase {
            Phase::PreRequest => header_facts(lines, None),
            _ => Vec::new(),
        };
        let mut read = reads(true);
        read.extend(headers.iter().map(|(e, _)| e.clone()));
        let named = dependent(statements, &read);
        // What the name decides or makes: a branch, or a variable set from it (not a log
        // line). The URL only decides: a signature made from it stays the scope's.
        let sets = |s: &Stmt| {
            let text = lines.get(s.first.saturating_sub(1)..s.last.min(lines.len()));
            !super::set_targets(text.unwrap_or_default()).is_empty()
        };
        let decides = named.iter().any(|&i| has_if(&statements[i]))
            || named.iter().any(|&i| sets(&statements[i]));
        let values = values_read(lines, known);
        let probe_facts = facts("\u{1}", Some("\u{1}"), "\u{1}");
        let probe_deciding: Vec<(Expr, Expr)> = values.iter().chain(&headers).cloned().collect();
        let decidable = !undecided(statements, &named, &probe_facts, &probe_deciding);
        // A scope's checks of what each request sent (`JSON.parse(pm.request.body)`) are read
        // with that request's body.
        // A pre-request script that reads the request itself (a signature of its query or
        // body) runs whole for each request, with that request's parts.
        let by_body = match phase {
            Phase::ScopeTest => dependent(statements, &BODY_READS.map(name_expr)),
            Phase::PreRequest
                if !dependent(statements, &REQUEST_READS.map(name_expr)).is_empty() =>
            {
                (0..statements.len()).collect()
            }
            _ => BTreeSet::new(),
        };
        let dependent: BTreeSet<usize> = named.union(&by_body).copied().collect();
        ((decides || !by_body.is_empty()) && decidable).then(|| Dispatch {
            lines: lines.to_vec(),
            phase,
            statements: statements.to_vec(),
            dependent,
            used: Default::default(),
            values,
        })
    }

    /// When the part that reads the name runs for a request: its test or pre-request script.
    pub(crate) fn run_phase(&self) -> Phase {
        match self.phase {
            Phase::ScopeTest => Phase::Test,
            p => p,
        }
    }

    /// The statements the scope keeps (those that do not read the name).
    pub(crate) fn common(&self) -> Vec<Stmt> {
        self.statements
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.dependent.contains(i))
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// The script lines (1-based) of the statements that read the name.
    pub(crate) fn dependent_lines(&self) -> BTreeSet<usize> {
        lines_of(self.dependent.iter().map(|&i| &self.statements[i]))
    }

    /// The script as it runs for the request named `name`: the declarations of the scope's
    /// part (what the branches read), then the part that reads the name with the name written
    /// in and every decision on it taken; and the lines of that part (a branch not taken is
    /// not this request's).
    pub(crate) fn for_request(
        &self,
        name: &str,
        url: Option<&str>,
        (method, headers): (&str, &[Header]),
    ) -> (Vec<Stmt>, BTreeSet<usize>) {
        let mut out = Vec::new();
        let mut mine = Vec::new();
        let facts = facts(name, url, method);
        let mut deciding = self.values.clone();
        if self.phase == Phase::PreRequest {
            deciding.extend(header_facts(&self.lines, Some(headers)));
        }
        let specialised = specialise(&self.statements, &facts, &deciding, |i| {
            self.dependent.contains(&i)
        });
        for (i, (part, original)) in specialised.into_iter().zip(&self.statements).enumerate() {
            if self.dependent.contains(&i) {
                mine.extend(part.iter().cloned());
                out.extend(part);
            } else if matches!(original.kind, StmtKind::Let(_)) {
                out.push(original.clone());
            }
        }
        let lines = lines_of(mine.iter());
        self.used.borrow_mut().extend(lines.iter().copied());
        (out, lines)
    }

    /// The lines of statements in the part that reads the name that ran for no request read
    /// so far: a branch for a name the export has no request of (a request renamed since).
    pub(crate) fn unreached(&self) -> BTreeSet<usize> {
        let mut leaves = BTreeSet::new();
        let mut todo: Vec<&Stmt> = self
            .dependent
            .iter()
            .map(|&i| &self.statements[i])
            .collect();
        while let Some(s) = todo.pop() {
            match &s.kind {
                StmtKind::If(_, a, b) | StmtKind::Try(a, b) => todo.extend(a.iter().chain(b)),
                StmtKind::For(l) => todo.extend(l.body.iter()),
                _ => leaves.extend(s.first..=s.last),
            }
        }
        &leaves - &self.used.borrow()
    }
}

/// A request's own script with every decision on its name or method taken: an export often
/// copies one script into every request (`if (pm.request.method === "POST") { ... } else
/// { ... }`), and Postman runs only the branch of that request. The statements as they run for
/// it, and the script's lines that are its own (not those of a branch not taken); `None` when
/// nothing is decided by the name or method, or not everything that is can be.
pub(crate) fn own_script(
    lines: &[String],
    statements: &[Stmt],
    (name, method): (&str, &str),
    url: Option<OwnUrl<'_>>,
    (query, headers): (Option<&str>, Option<&[Header]>),
) -> Option<(Vec<Stmt>, BTreeSet<usize>)> {
    if nesting(statements) > MAX_NESTING {
        return None;
    }
    let mut read = reads(url.is_some());
    if query.is_some() {
        read.extend(query_reads());
    }
    // A pre-request script's `pm.request.headers.get("Idempotency-Key")`: what the request has.
    let probe_headers = match headers {
        Some(_) => header_facts(lines, None),
        None => Vec::new(),
    };
    read.extend(probe_headers.iter().map(|(e, _)| e.clone()));
    // `pm.request.url.query.get("date")`: the parameter as the request's URL writes it.
    let probe_params = match query {
        Some(_) => param_facts(lines, None),
        None => Vec::new(),
    };
    read.extend(probe_params.iter().map(|(e, _)| e.clone()));
    let deciding_named = dependent(statements, &read);
    if !deciding_named.iter().any(|&i| has_if(&statements[i])) {
        return None;
    }
    let named = with_locals_read(statements, &deciding_named);
    let probe_url = url.map(|u| match u {
        OwnUrl::Decides(_) => OwnUrl::Decides("\u{1}"),
        OwnUrl::Is(_) => OwnUrl::Is("\u{1}"),
    });
    let (probe, probe_deciding) = split_url(probe_url);
    let probe_facts = facts("\u{1}", probe, "\u{1}");
    let queried = |q: Option<&str>, url: &[(Expr, Expr)]| {
        let mut all = url.to_vec();
        all.extend(
            q.into_iter()
                .flat_map(|q| query_reads().map(|e| (e, Expr::Str(q.into())))),
        );
        all
    };
    let mut probe_deciding = queried(query.map(|_| "\u{1}"), decides(&probe_deciding));
    probe_deciding.extend(probe_headers);
    probe_deciding.extend(probe_params);
    if undecided(statements, &deciding_named, &probe_facts, &probe_deciding) {
        return None;
    }
    let (fact, deciding) = split_url(url);
    let mut deciding = queried(query, decides(&deciding));
    if let Some(headers) = headers {
        deciding.extend(header_facts(lines, Some(headers)));
    }
    if let Some(query) = query {
        deciding.extend(param_facts(lines, Some(query)));
    }
    let specialised = specialise(statements, &facts(name, fact, method), &deciding, |i| {
        named.contains(&i)
    });
    let mut out = Vec::new();
    let mut owned: BTreeSet<usize> = (1..=lines.len()).collect();
    for (i, (part, original)) in specialised.into_iter().zip(statements).enumerate() {
        if named.contains(&i) {
            owned = &owned - &lines_of(std::iter::once(original));
            owned.extend(lines_of(part.iter()));
            out.extend(part);
        } else {
            out.push(original.clone());
        }
    }
    Some((out, owned))
}

/// Whether some statement of `named`, read with `facts` that stand for any value, still holds
/// an `if`: a decision those reads cannot take.
fn undecided(
    statements: &[Stmt],
    named: &BTreeSet<usize>,
    facts: &[(Expr, Expr)],
    deciding: &[(Expr, Expr)],
) -> bool {
    let probe = specialise(statements, facts, deciding, |i| named.contains(&i));
    // An `if` whose branches only log decides nothing that is sent or checked.
    let acts = |s: &Stmt| has_if(s) && !super::says_only(s);
    named.iter().any(|&i| probe[i].iter().any(acts))
}

/// `named` and the statements after them that read a local one of them assigns in a branch
/// (`if (query.match(/elevate=true/)) { user = "elevated" }`, then `if (user == "admin")`):
/// the branch taken may make it a value known for them too. They need not be decided.
fn with_locals_read(statements: &[Stmt], named: &BTreeSet<usize>) -> BTreeSet<usize> {
    let mut assigned: Vec<String> = Vec::new();
    let mut todo: Vec<&Stmt> = named.iter().map(|&i| &statements[i]).collect();
    while let Some(s) = todo.pop() {
        match &s.kind {
            StmtKind::If(_, a, b) | StmtKind::Try(a, b) => todo.extend(a.iter().chain(b)),
            StmtKind::Assign(Expr::Ident(n), _) => assigned.push(n.clone()),
            _ => {}
        }
    }
    let first = named.iter().next().copied().unwrap_or(statements.len());
    let mut out = named.clone();
    for (i, s) in statements.iter().enumerate().skip(first + 1) {
        if assigned.iter().any(|n| s.mentions(n)) {
            out.insert(i);
        }
    }
    out
}

/// How deep a script's blocks go at most (an `else if` is one deeper): a `switch` of 200 cases
/// is a real collection's, one of thousands is not.
pub(super) const MAX_NESTING: usize = 256;

/// The deepest block of the statements, found without recursion (they may be hostile).
pub(super) fn nesting(statements: &[Stmt]) -> usize {
    let mut deepest = 0;
    let mut todo: Vec<(&Stmt, usize)> = statements.iter().map(|s| (s, 1)).collect();
    while let Some((s, depth)) = todo.pop() {
        deepest = deepest.max(depth);
        if depth > MAX_NESTING {
            break;
        }
        let inner: Vec<&Stmt> = match &s.kind {
            StmtKind::If(_, a, b) | StmtKind::Try(a, b) => a.iter().chain(b).collect(),
            StmtKind::For(l) => l.body.iter().collect(),
            _ => Vec::new(),
        };
        todo.extend(inner.into_iter().map(|i| (i, depth + 1)));
    }
    deepest
}

/// The top-level statements that read the name, or a local bound (or assigned) from one that
/// does.
fn dependent(statements: &[Stmt], reads: &[Expr]) -> BTreeSet<usize> {
    let marker = Expr::Ident("\u{0}name".into());
    let mut tainted: Vec<String> = Vec::new();
    let mut out = BTreeSet::new();
    for (i, s) in statements.iter().enumerate() {
        // A log line that shows the name is the scope's still: once, not under every request.
        if matches!(&s.kind, StmtKind::Expr(e) if super::is_console(e)) {
            continue;
        }
        let reads_name = reads.iter().any(|e| s.replaced(e, &marker) != *s);
        if !reads_name && !tainted.iter().any(|t| s.mentions(t)) {
            continue;
        }
        out.insert(i);
        match &s.kind {
            StmtKind::Let(decls) => tainted.extend(decls.iter().flat_map(|(b, _)| bound(b))),
            StmtKind::Assign(Expr::Ident(n), _) => tainted.push(n.clone()),
            _ => {}
        }
    }
    out
}

fn lines_of<'a>(statements: impl Iterator<Item = &'a Stmt>) -> BTreeSet<usize> {
    statements.flat_map(|s| s.first..=s.last).collect()
}

fn bound(b: &Binding) -> Vec<String> {
    match b {
        Binding::Name(n) => vec![n.clone()],
        Binding::Object(fields) => fields.iter().map(|(_, local)| local.clone()).collect(),
    }
}

/// What a script reads of the request it runs for: its name and method, and `with_url` its URL
/// as text — as written in a pre-request script (Newman's `request.url` there is `{{base}}/x`,
/// not yet rendered), as sent in a test script.
fn reads(with_url: bool) -> Vec<Expr> {
    let mut out: Vec<Expr> = NAMES.iter().chain(METHODS).map(|n| name_expr(n)).collect();
    if with_url {
        out.extend(url_reads());
    }
    out
}

/// How a request's own script reads its URL (see [`own_script`]).
#[derive(Clone, Copy)]
pub(crate) enum OwnUrl<'a> {
    /// This text, also where a value is made from it.
    Is(&'a str),
    /// This text only where it decides an `if`: what is made from it stays as the script
    /// wrote it.
    Decides(&'a str),
}

/// The URL as a fact, and the pairs of [`url_reads`] that only decide (`Null` when none do).
fn split_url(url: Option<OwnUrl<'_>>) -> (Option<&str>, [(Expr, Expr); 2]) {
    match url {
        Some(OwnUrl::Decides(u)) => (None, url_reads().map(|e| (e, Expr::Str(u.into())))),
        Some(OwnUrl::Is(u)) => (Some(u), url_reads().map(|e| (e, Expr::Null))),
        None => (None, url_reads().map(|e| (e, Expr::Null))),
    }
}

/// The pairs of [`url_reads`] that decide (a text), none when they are not known.
fn decides(pairs: &[(Expr, Expr); 2]) -> &[(Expr, Expr)] {
    match pairs[0].1 {
        Expr::Str(_) => pairs,
        _ => &[],
    }
}

/// The query string as text (`a=1&b=2`, its enabled parameters).
fn query_reads() -> [Expr; 2] {
    let call = |p: &str| Expr::Call(Box::new(name_expr(p)), Vec::new());
    [
        call("pm.request.url.getQueryString"),
        call("pm.request.url.query.toString"),
    ]
}

/// The URL as text: the legacy `request.url`, and `pm.request.url.toString()`.
fn url_reads() -> [Expr; 2] {
    let to_string = Expr::Call(Box::new(name_expr("pm.request.url.toString")), Vec::new());
    [name_expr("request.url"), to_string]
}

/// [`reads`] with what each is for the request named `name` at `url`, sent with `method`; the
/// URL is no fact when it is not known (a variable the export gives no value).
fn facts(name: &str, url: Option<&str>, method: &str) -> Vec<(Expr, Expr)> {
    let methods: Vec<Expr> = METHODS.iter().map(|m| name_expr(m)).collect();
    let urls = url_reads();
    reads(true)
        .into_iter()
        .filter_map(|e| {
            let is = match &e {
                e if urls.contains(e) => url?,
                e if methods.contains(e) => method,
                _ => name,
            };
            Some((e, Expr::Str(is.to_string())))
        })
        .collect()
}

/// How a script reads a variable, and from where: `pm.environment.get` sees only the
/// environment's, `pm.collectionVariables.get` only the collection's.
const GETTERS: [(&str, Source); 5] = [
    ("pm.variables.get", Source::Any),
    ("pm.environment.get", Source::Environment),
    ("postman.getEnvironmentVariable", Source::Environment),
    ("pm.collectionVariables.get", Source::Collection),
    ("pm.globals.get", Source::None),
];

/// Where a variable's value comes from, for [`GETTERS`].
#[derive(Clone, Copy, PartialEq)]
enum Source {
    Any,
    Environment,
    Collection,
    None,
}

/// A variable's one value in the export, and where the export gives it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Exported {
    pub value: String,
    pub in_environment: bool,
    pub in_collection: bool,
}

/// The variables `lines` read with a getter that the export gives one value: each read with
/// that value, as a fact.
fn values_read(lines: &[String], known: &HashMap<String, Exported>) -> Vec<(Expr, Expr)> {
    static GET: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = GET.get_or_init(|| {
        regex::Regex::new(
            r#"(pm\.(?:variables|environment|collectionVariables|globals)\.get|postman\.getEnvironmentVariable)\(\s*["']([^"']+)["']\s*\)"#,
        )
        .expect("valid regex")
    });
    let mut out = Vec::new();
    for c in lines.iter().flat_map(|l| re.captures_iter(l)) {
        let (getter, name) = (&c[1], &c[2]);
        let Some(v) = known.get(name) else { continue };
        let source = GETTERS.iter().find(|(g, _)| *g == getter).map(|(_, s)| *s);
        let seen = match source {
            Some(Source::Any) => true,
            Some(Source::Environment) => v.in_environment,
            Some(Source::Collection) => v.in_collection,
            _ => false,
        };
        let read = Expr::Call(
            Box::new(name_expr(getter)),
            vec![Expr::Str(name.to_string())],
        );
        if seen && !out.iter().any(|(r, _)| *r == read) {
            out.push((read, Expr::Str(v.value.clone())));
        }
    }
    out
}

/// A header of a request as the export writes it: name, value.
pub(crate) type Header = (String, String);

/// `pm.request.headers.get("Idempotency-Key")` and `.has(...)` in `lines`, each with what it
/// is for a request with `headers` (its own, as written; Newman's `get` finds a disabled one
/// too): the value or `undefined`, whether it is there. `None`: any value, to probe.
fn header_facts(lines: &[String], headers: Option<&[Header]>) -> Vec<(Expr, Expr)> {
    static READ: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = READ.get_or_init(|| {
        regex::Regex::new(r#"pm\.request\.headers\.(get|has)\(\s*["']([^"']+)["']\s*\)"#)
            .expect("valid regex")
    });
    read_facts(lines, re, |c| {
        let (how, name) = (&c[1], &c[2]);
        let found = headers.map(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)));
        let is = match (how, found) {
            ("has", None) => Expr::Bool(true),
            ("has", Some(found)) => Expr::Bool(found.is_some()),
            (_, None) => Expr::Str("\u{1}".into()),
            (_, Some(Some((_, v)))) => Expr::Str(v.clone()),
            (_, Some(None)) => Expr::Undefined,
        };
        (format!("pm.request.headers.{how}"), name.to_string(), is)
    })
}

/// `pm.request.url.query.get("date")` in `lines`, each with what it is for a request whose
/// query string is `query` (as written): the first value of that name, or `undefined`.
/// `None`: any value, to probe.
fn param_facts(lines: &[String], query: Option<&str>) -> Vec<(Expr, Expr)> {
    static READ: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = READ.get_or_init(|| {
        regex::Regex::new(r#"pm\.request\.url\.query\.get\(\s*["']([^"']+)["']\s*\)"#)
            .expect("valid regex")
    });
    read_facts(lines, re, |c| {
        let name = &c[1];
        let found = query.map(|q| {
            q.split('&')
                .map(|p| p.split_once('=').unwrap_or((p, "")))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        });
        let is = match found {
            None => Expr::Str("\u{1}".into()),
            Some(Some(v)) => Expr::Str(v),
            Some(None) => Expr::Undefined,
        };
        ("pm.request.url.query.get".to_string(), name.to_string(), is)
    })
}

/// Each call `re` finds in `lines`, once: the call (`fact` gives its dotted callee and its one
/// argument) and what it is.
fn read_facts(
    lines: &[String],
    re: &regex::Regex,
    fact: impl Fn(&regex::Captures<'_>) -> (String, String, Expr),
) -> Vec<(Expr, Expr)> {
    let mut out: Vec<(Expr, Expr)> = Vec::new();
    for c in lines.iter().flat_map(|l| re.captures_iter(l)) {
        let (callee, arg, is) = fact(&c);
        let read = Expr::Call(Box::new(name_expr(&callee)), vec![Expr::Str(arg)]);
        if !out.iter().any(|(r, _)| *r == read) {
            out.push((read, is));
        }
    }
    out
}

fn name_expr(dotted: &str) -> Expr {
    let mut parts = dotted.split('.');
    let first = Expr::Ident(parts.next().unwrap_or_default().to_string());
    parts.fold(first, |e, p| Expr::Member(Box::new(e), p.to_string()))
}

fn has_if(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::If(..) => true,
        StmtKind::Try(a, b) => a.iter().chain(b).any(has_if),
        StmtKind::For(l) => l.body.iter().any(has_if),
        _ => false,
    }
}

/// Each top-level statement as it runs for `name`: the name written in, the locals made from
/// it (text only) written in after them, what can be computed computed, and an `if` decided
/// by that replaced by the branch taken (none, one or several statements).
///
/// Only the statements `wanted` says, and the declarations (a text they may read), are read;
/// the others are left empty: what does not depend on the name is the same for every request.
///
/// `deciding` are known only to decide an `if` (a variable's value from the export): never
/// written into what is left, where the variable stays the template it is.
fn specialise(
    statements: &[Stmt],
    facts: &[(Expr, Expr)],
    deciding: &[(Expr, Expr)],
    wanted: impl Fn(usize) -> bool,
) -> Vec<Vec<Stmt>> {
    let mut known = Locals::default();
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        if !wanted(i) && !matches!(s.kind, StmtKind::Let(_)) {
            out.push(Vec::new());
            continue;
        }
        out.push(specialise_one(s, facts, deciding, &mut known));
    }
    out
}

/// The locals [`specialise`] knows: those a fact makes, written into what is left, and those
/// holding a value that only decides (`const dateParam = pm.request.url.query.get("date")`),
/// read by conditions alone.
#[derive(Default)]
struct Locals {
    written: Vec<(String, Expr)>,
    deciding: Vec<(String, Expr)>,
}

/// One statement of [`specialise`], with the locals known so far (and learnt from it).
fn specialise_one(
    s: &Stmt,
    facts: &[(Expr, Expr)],
    deciding: &[(Expr, Expr)],
    locals: &mut Locals,
) -> Vec<Stmt> {
    // An `if` those decide takes its branch, which may change a local known so far
    // (`if (u.charAt(u.length - 1) == "/") { u = u.substring(0, u.length - 1) }`).
    if let StmtKind::If(cond, then, otherwise) = &s.kind {
        let mut c = facts
            .iter()
            .chain(deciding)
            .fold(cond.clone(), |c, (read, value)| c.replaced(read, value));
        for (local, value) in locals.written.iter().chain(&locals.deciding) {
            c = c.replaced(&Expr::Ident(local.clone()), value);
        }
        if let Expr::Bool(taken) = truthy(fold(&c)) {
            let branch = if taken { then } else { otherwise };
            return branch
                .iter()
                .flat_map(|b| specialise_one(b, facts, deciding, locals))
                .collect();
        }
    }
    locals.deciding.retain(|(k, _)| !s.assigns(k));
    if let StmtKind::Let(decls) = &s.kind
        && let [(Binding::Name(n), v)] = decls.as_slice()
    {
        let decided = deciding
            .iter()
            .fold(v.clone(), |v, (r, to)| v.replaced(r, to));
        let decided = fold(&decided);
        if decided != *v && is_literal(&decided) {
            locals.deciding.push((n.clone(), decided));
        }
    }
    let known = &mut locals.written;
    // `u = u.substring(1)`: the new value made from the one known before.
    if let StmtKind::Assign(Expr::Ident(n), value) = &s.kind {
        let mut v = facts
            .iter()
            .fold(value.clone(), |v, (read, to)| v.replaced(read, to));
        for (local, to) in known.iter() {
            v = v.replaced(&Expr::Ident(local.clone()), to);
        }
        let v = fold(&v);
        known.retain(|(k, _)| k != n);
        if is_literal(&v) {
            known.push((n.clone(), v.clone()));
        }
        return vec![Stmt {
            kind: StmtKind::Assign(Expr::Ident(n.clone()), v),
            ..s.clone()
        }];
    }
    known.retain(|(k, _)| !s.assigns(k));
    let mut s = facts
        .iter()
        .fold(s.clone(), |s, (read, value)| s.replaced(read, value));
    for (local, value) in known.iter() {
        s = s.replaced(&Expr::Ident(local.clone()), value);
    }
    let folded = fold_stmts(std::slice::from_ref(&s));
    for f in &folded {
        learn(known, &f.kind);
    }
    folded
}

fn fold_stmts(list: &[Stmt]) -> Vec<Stmt> {
    let mut out = Vec::new();
    // Locals of this block bound to a written value (`const id = url.split("/")[3]`), read by
    // the statements after them (a `switch (id)` in the same branch).
    let mut known: Vec<(String, Expr)> = Vec::new();
    for s in list {
        known.retain(|(n, _)| !s.assigns(n));
        let s = &known.iter().fold(s.clone(), |s, (n, v)| {
            s.replaced(&Expr::Ident(n.clone()), v)
        });
        let kind = match &s.kind {
            StmtKind::If(c, then, otherwise) => match truthy(fold(c)) {
                Expr::Bool(true) => {
                    out.extend(fold_stmts(then));
                    continue;
                }
                Expr::Bool(false) => {
                    out.extend(fold_stmts(otherwise));
                    continue;
                }
                c => StmtKind::If(c, fold_stmts(then), fold_stmts(otherwise)),
            },
            StmtKind::Let(decls) => {
                StmtKind::Let(decls.iter().map(|(b, e)| (b.clone(), fold(e))).collect())
            }
            StmtKind::Expr(e) => StmtKind::Expr(fold(e)),
            StmtKind::Assign(t, v) => StmtKind::Assign(t.clone(), fold(v)),
            StmtKind::Try(a, b) => StmtKind::Try(fold_stmts(a), fold_stmts(b)),
            other => other.clone(),
        };
        learn(&mut known, &kind);
        out.push(Stmt {
            kind,
            first: s.first,
            last: s.last,
        });
    }
    out
}

/// The locals a declaration binds to a written value (`undefined` included: a URL segment
/// past the end), in place of what they were bound to before.
fn learn(known: &mut Vec<(String, Expr)>, kind: &StmtKind) {
    let StmtKind::Let(decls) = kind else { return };
    for (b, v) in decls {
        if let (Binding::Name(n), true) = (b, is_literal(v)) {
            known.retain(|(k, _)| k != n);
            known.push((n.clone(), v.clone()));
        }
    }
}

/// The expression with what can be computed from written texts, numbers and booleans
/// computed (as JavaScript does); the rest as it was.
fn fold(e: &Expr) -> Expr {
    match e {
        Expr::Binary(op, a, b) => binary(op, fold(a), fold(b))
            .unwrap_or_else(|| Expr::Binary(op, Box::new(fold(a)), Box::new(fold(b)))),
        Expr::Unary("-", x) => match fold(x) {
            Expr::Num(n) => Expr::Num(-n),
            x => Expr::Unary("-", Box::new(x)),
        },
        Expr::Unary("!", x) => match truthy(fold(x)) {
            Expr::Bool(v) => Expr::Bool(!v),
            x => Expr::Unary("!", Box::new(x)),
        },
        Expr::Cond(c, a, b) => match fold(c) {
            Expr::Bool(true) => fold(a),
            Expr::Bool(false) => fold(b),
            c => Expr::Cond(Box::new(c), Box::new(fold(a)), Box::new(fold(b))),
        },
        Expr::Call(callee, args) => {
            let args: Vec<Expr> = args.iter().map(fold).collect();
            match &**callee {
                Expr::Member(of, method) => {
                    let of = fold(of);
                    method_call(&of, method, &args).unwrap_or_else(|| {
                        Expr::Call(Box::new(Expr::Member(Box::new(of), method.clone())), args)
                    })
                }
                other => Expr::Call(Box::new(fold(other)), args),
            }
        }
        Expr::Index(of, i) => match (fold(of), fold(i)) {
            (Expr::Array(items), Expr::Num(n)) if n >= 0.0 && n.fract() == 0.0 => {
                items.get(n as usize).cloned().unwrap_or(Expr::Undefined)
            }
            (of, i) => Expr::Index(Box::new(of), Box::new(i)),
        },
        Expr::Member(of, m) => match (fold(of), m.as_str()) {
            (Expr::Str(s), "length") => Expr::Num(s.encode_utf16().count() as f64),
            (of, _) => Expr::Member(Box::new(of), m.clone()),
        },
        Expr::Template(parts) => template(parts),
        other => other.clone(),
    }
}

/// A written value as the condition it is (`null`, `""`, `0` are false).
fn truthy(e: Expr) -> Expr {
    match e {
        Expr::Null | Expr::Undefined => Expr::Bool(false),
        Expr::Str(s) => Expr::Bool(!s.is_empty()),
        Expr::Num(n) => Expr::Bool(n != 0.0 && !n.is_nan()),
        e => e,
    }
}

fn template(parts: &[TemplatePart]) -> Expr {
    let parts: Vec<TemplatePart> = parts
        .iter()
        .map(|p| match p {
            TemplatePart::Expr(x) => match fold(x) {
                Expr::Str(s) => TemplatePart::Text(s),
                x => TemplatePart::Expr(x),
            },
            t => t.clone(),
        })
        .collect();
    let mut text = String::new();
    for p in &parts {
        match p {
            TemplatePart::Text(t) => text.push_str(t),
            TemplatePart::Expr(_) => return Expr::Template(parts),
        }
    }
    Expr::Str(text)
}

fn binary(op: &str, a: Expr, b: Expr) -> Option<Expr> {
    use Expr::{Bool, Num, Str};
    Some(match (op, a, b) {
        ("===" | "==", Str(x), Str(y)) => Bool(x == y),
        ("!==" | "!=", Str(x), Str(y)) => Bool(x != y),
        ("===" | "==", Num(x), Num(y)) => Bool(x == y),
        ("!==" | "!=", Num(x), Num(y)) => Bool(x != y),
        ("===" | "==", Bool(x), Bool(y)) => Bool(x == y),
        ("!==" | "!=", Bool(x), Bool(y)) => Bool(x != y),
        (">", Num(x), Num(y)) => Bool(x > y),
        (">=", Num(x), Num(y)) => Bool(x >= y),
        ("<", Num(x), Num(y)) => Bool(x < y),
        ("<=", Num(x), Num(y)) => Bool(x <= y),
        ("+", Str(x), Str(y)) => Str(x + &y),
        ("+", Num(x), Num(y)) => Num(x + y),
        ("-", Num(x), Num(y)) => Num(x - y),
        // A missing value (a URL segment past the end) is equal to no written value.
        ("===" | "==" | "!==" | "!=", a, b) if is_nothing(&a) || is_nothing(&b) => {
            match (
                is_literal(&a) && is_literal(&b),
                is_nothing(&a) && is_nothing(&b),
            ) {
                (false, _) => return None,
                (true, both) => {
                    let strict_types = std::mem::discriminant(&a) == std::mem::discriminant(&b);
                    let equal = if op.len() == 3 {
                        both && strict_types
                    } else {
                        both
                    };
                    Bool(equal == op.starts_with('='))
                }
            }
        }
        ("&&", Bool(false), _) | ("||", Bool(true), _) => Bool(op == "||"),
        ("&&", Bool(true), y) | ("||", Bool(false), y) => y,
        ("&&", x, Bool(true)) | ("||", x, Bool(false)) => x,
        _ => return None,
    })
}

fn is_nothing(e: &Expr) -> bool {
    matches!(e, Expr::Null | Expr::Undefined)
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Null | Expr::Undefined | Expr::Str(_) | Expr::Num(_) | Expr::Bool(_)
    )
}

/// A method of a written text (or a regular expression's `test` of one) computed.
fn method_call(of: &Expr, method: &str, args: &[Expr]) -> Option<Expr> {
    use Expr::{Bool, Num, Str};
    if let (Expr::Regex(body, flags), "test", [Str(s)]) = (of, method, args) {
        return Some(Bool(js_regex(body, flags)?.is_match(s)));
    }
    if let (Expr::Array(items), "includes", [Str(x)]) = (of, method, args) {
        // `['POST', 'PUT'].includes(pm.request.method)`: decided when every item is a text.
        let texts: Option<Vec<&str>> = items
            .iter()
            .map(|i| match i {
                Str(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        return Some(Bool(texts?.contains(&x.as_str())));
    }
    let Str(s) = of else { return None };
    Some(match (method, args) {
        ("toLowerCase", []) => Str(s.to_lowercase()),
        ("toUpperCase", []) => Str(s.to_uppercase()),
        ("trim", []) => Str(s.trim().to_string()),
        ("trimStart", []) => Str(s.trim_start().to_string()),
        ("trimEnd", []) => Str(s.trim_end().to_string()),
        ("includes", [Str(x)]) => Bool(s.contains(x.as_str())),
        ("startsWith", [Str(x)]) => Bool(s.starts_with(x.as_str())),
        ("endsWith", [Str(x)]) => Bool(s.ends_with(x.as_str())),
        ("indexOf", [Str(x)]) if s.is_ascii() => Num(s.find(x.as_str()).map_or(-1.0, |i| i as f64)),
        // `url.charAt(url.length - 1)`, `url.substring(0, url.length - 1)`: on ASCII text,
        // where a character is a byte.
        ("charAt", [Num(i)]) if s.is_ascii() => Str(whole(*i)
            .and_then(|i| s.get(i..i + 1))
            .unwrap_or_default()
            .to_string()),
        ("substring", [Num(a), Num(b)]) if s.is_ascii() => {
            let (a, b) = (clamped(*a, s.len())?, clamped(*b, s.len())?);
            Str(s[a.min(b)..a.max(b)].to_string())
        }
        ("substring", [Num(a)]) if s.is_ascii() => Str(s[clamped(*a, s.len())?..].to_string()),
        ("split", [Str(sep)]) if !sep.is_empty() => {
            Expr::Array(s.split(sep.as_str()).map(|p| Str(p.to_string())).collect())
        }
        ("replace", [Str(pattern), Str(with)]) if !with.contains('$') => {
            Str(s.replacen(pattern.as_str(), with, 1))
        }
        ("replace" | "replaceAll", [Expr::Regex(body, flags), Str(with)])
            if !with.contains('$') =>
        {
            let re = js_regex(body, flags)?;
            match flags.contains('g') {
                true => Str(re.replace_all(s, regex::NoExpand(with)).into_owned()),
                false => Str(re.replace(s, regex::NoExpand(with)).into_owned()),
            }
        }
        ("match", [Expr::Regex(body, flags)]) => {
            // Only as a condition: a match is truthy, no match is `null`.
            match js_regex(body, flags)?.is_match(s) {
                true => Bool(true),
                false => Expr::Null,
            }
        }
        _ => return None,
    })
}

/// A whole, non-negative index.
pub(super) fn whole(n: f64) -> Option<usize> {
    (n >= 0.0 && n.fract() == 0.0 && n < 1e9).then_some(n as usize)
}

/// `substring`'s bound: a whole number, below 0 as 0, past the end as the end.
fn clamped(n: f64, len: usize) -> Option<usize> {
    (n.fract() == 0.0).then(|| n.clamp(0.0, len as f64) as usize)
}

/// A JavaScript regular expression the `regex` crate reads the same way (flags `i` and `g`
/// only; a pattern it cannot read is not guessed at).
fn js_regex(body: &str, flags: &str) -> Option<regex::Regex> {
    if !flags.chars().all(|f| matches!(f, 'i' | 'g')) {
        return None;
    }
    let ci = if flags.contains('i') { "(?i)" } else { "" };
    regex::RegexBuilder::new(&format!("{ci}{body}"))
        .size_limit(1 << 20)
        .build()
        .ok()
}
