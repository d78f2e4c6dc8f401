//! `pm.sendRequest(...)` in a script: a request Newman sends besides the item's own. It becomes
//! a request of the collection — before the item (a pre-request script) or after it (a test
//! script) — with the callback's checks as its `expect` and its `set()`s as its captures.
//! Newman fails nothing for the status of such a request, so neither does yarc (`status: any`)
//! unless the callback checks it.

use super::js::{Expr, Stmt, StmtKind};
use super::{Converter, Phase, Script, field, tidy};
use crate::import::yaml_out::Y;

/// What one `pm.sendRequest` became: the request, and whether all of its callback converted.
pub(super) struct Sent {
    pub request: Y,
    pub whole: bool,
    /// What its callback sends in turn (`pm.sendRequest(create, (e, res) => {
    /// pm.sendRequest(login, ...) })`), in order.
    pub then: Vec<Y>,
}

impl Converter {
    /// The request a `pm.sendRequest(options, callback)` sends, when its URL is known.
    pub(super) fn script_request(&mut self, args: &[Expr]) -> Option<Sent> {
        let options: Vec<(String, Expr)> = match args.first()? {
            Expr::Object(o) => o.clone(),
            Expr::Ident(n) if self.objects.contains_key(n) => match self.objects.get(n) {
                Some(Expr::Object(o)) => o.clone(),
                _ => return None,
            },
            url => vec![("url".into(), url.clone())],
        };
        let mut r = Y::map();
        let method = match field(&options, "method") {
            Some(Expr::Str(m)) => m.to_ascii_uppercase(),
            None => "GET".into(),
            _ => return None,
        };
        if method != "GET" {
            r.set("method", Y::str(&method));
        }
        let url = match self.value(field(&options, "url")?)? {
            Y::Str(u) if !u.is_empty() => u,
            _ => return None,
        };
        r.set("url", Y::str(url));
        let mut headers = self.headers(field(&options, "header"))?;
        let body = self.body(field(&options, "body"))?;
        // A raw body says no type: Newman sends `text/plain` (JSON text too, unless the body's
        // `options.raw.language` is `json`), as for a text written out.
        let typed = match &headers {
            Y::Map(h) => h
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type")),
            _ => true,
        };
        if matches!(body, Some(("json" | "text", _)))
            && !typed
            && !json_language(field(&options, "body"))
        {
            headers.set("Content-Type", Y::str("text/plain"));
        }
        if !headers.is_empty_map() {
            r.set("headers", headers);
        }
        if let Some((key, body)) = body {
            r.set(key, body);
        }
        let (checks, whole) = match args.get(1) {
            Some(Expr::Func(params, body)) => self.callback(params, body),
            _ => (Script::default(), true),
        };

        let out = &mut self.out;
        out.assertions += checks.assertions;
        out.assertions_seen += checks.assertions_seen;
        out.sets_seen += checks.sets_seen;
        out.captures += checks.captures;
        out.set_names.extend(checks.set_names.iter().cloned());
        // What the callback sets of values known before the run (`set("ready", "yes")`), or
        // from variables, is set as the script's own sets are: before the request in a
        // pre-request script, the collection's in a test script.
        out.variables_set += checks.variables_set;
        let known = match self.phase {
            Phase::PreRequest => &mut out.sets,
            _ => &mut out.variables,
        };
        for (name, value) in checks.variables.entries() {
            known.set(name, value);
        }
        for (name, value) in checks.sets.entries() {
            out.sets.set(name, value);
        }
        let mut expect = checks.expect;
        if !matches!(&expect, Y::Map(e) if e.iter().any(|(k, _)| k == "status")) {
            expect.set("status", Y::str("any"));
        }
        r.set("expect", expect);
        if !checks.capture.is_empty_map() {
            r.set("capture", checks.capture);
        }
        Some(Sent {
            request: r,
            whole,
            then: checks.requests,
        })
    }

    /// `header: { "X-A": v }` or `header: [{ key, value }]`.
    fn headers(&self, h: Option<&Expr>) -> Option<Y> {
        let mut out = Y::map();
        match h {
            None => {}
            Some(Expr::Object(fields)) => {
                for (k, v) in fields {
                    out.set(k.clone(), self.value(v)?);
                }
            }
            Some(Expr::Array(items)) => {
                for item in items {
                    let Expr::Object(kv) = item else { return None };
                    let Some(Expr::Str(k)) = field(kv, "key") else {
                        return None;
                    };
                    out.set(k.clone(), self.value(field(kv, "value")?)?);
                }
            }
            // `header: 'Content-Type: application/json'`: the SDK reads text as header lines.
            Some(text) => {
                let Y::Str(text) = self.value(text)? else {
                    return None;
                };
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    let (k, v) = line.split_once(':')?;
                    out.set(k.trim().to_string(), Y::str(v.trim()));
                }
            }
        }
        Some(out)
    }

    /// `body: { mode: "raw" | "urlencoded" | "formdata", ... }`: the key and value it is written
    /// under; `None` inside when there is no body, `None` outside when it cannot be said.
    #[allow(clippy::option_option)]
    fn body(&self, b: Option<&Expr>) -> Option<Option<(&'static str, Y)>> {
        let b = match b {
            None => return Some(None),
            Some(Expr::Object(b)) => b,
            // `body: JSON.stringify({...})` or a string: Postman sends it as a raw body.
            Some(raw) => return Some(Some(self.raw_body(raw)?)),
        };
        let pairs = |list: Option<&Expr>| -> Option<Y> {
            let mut out = Y::map();
            let Some(Expr::Array(items)) = list else {
                return Some(out);
            };
            for item in items {
                let Expr::Object(kv) = item else { return None };
                let Some(Expr::Str(k)) = field(kv, "key") else {
                    return None;
                };
                out.set(k.clone(), self.value(field(kv, "value")?)?);
            }
            Some(out)
        };
        Some(Some(match field(b, "mode") {
            Some(Expr::Str(m)) if m == "urlencoded" => ("form", pairs(field(b, "urlencoded"))?),
            Some(Expr::Str(m)) if m == "formdata" => ("multipart", pairs(field(b, "formdata"))?),
            Some(Expr::Str(m)) if m == "raw" => self.raw_body(field(b, "raw")?)?,
            // `mode: 'application/json'` is no mode, yet Newman sends the `raw` text beside it.
            Some(Expr::Str(m)) if !["file", "graphql"].contains(&m.as_str()) => {
                self.raw_body(field(b, "raw")?)?
            }
            _ => return None,
        }))
    }

    /// An object or list literal whose members may be locals (`{ partnerId: partnerId }`).
    pub(super) fn composed(&self, e: &Expr) -> Option<Y> {
        match e {
            Expr::Object(fields) if fields.iter().all(|(k, _)| k != "...") => Some(Y::Map(
                fields
                    .iter()
                    .map(|(k, v)| Some((k.clone(), self.composed(v)?)))
                    .collect::<Option<_>>()?,
            )),
            Expr::Array(items) => Some(Y::Seq(
                items
                    .iter()
                    .map(|i| self.composed(i))
                    .collect::<Option<_>>()?,
            )),
            other => self.value(other),
        }
    }

    /// A raw body: `JSON.stringify(value)` as `json:`, text as `text:`.
    fn raw_body(&self, raw: &Expr) -> Option<(&'static str, Y)> {
        if let Expr::Call(callee, args) = raw
            && super::path(callee).as_deref() == Some("JSON.stringify")
            && let [value] = args.as_slice()
        {
            return Some(("json", self.composed(value)?));
        }
        Some(match self.value(raw)? {
            Y::Str(text) => ("text", Y::Str(text)),
            other => ("json", other),
        })
    }

    /// The callback's checks and captures, its response parameter read as the response.
    fn callback(&mut self, params: &[String], body: &[Stmt]) -> (Script, bool) {
        let Some(res) = params.get(1) else {
            return (Script::default(), body.is_empty());
        };
        // `pm.expect(err).to.be.null`, `if (err) { console.log(err) }`: a request that gets no
        // answer fails in yarc, whatever the script says of it.
        let err = params.first().map(String::as_str).unwrap_or("\u{0}");
        let answered = body.iter().filter(|s| is_error_check(s, err)).count();
        // What the callback logs changes nothing that is sent or checked.
        let dropped = |s: &Stmt| is_error_check(s, err) || super::is_console_stmt(s);
        let body: Vec<Stmt> = body
            .iter()
            .flat_map(|s| answered_branch(s, err))
            .filter(|s| {
                if dropped(s) {
                    self.converted.extend(s.first..=s.last);
                }
                !dropped(s)
            })
            .map(|s| {
                // The callback's response parameter is read as `pm.response`.
                let response = Expr::Member(Box::new(Expr::Ident("pm".into())), "response".into());
                s.replaced(&Expr::Ident(res.clone()), &response)
            })
            .collect();
        let mut sub = Converter::new(Phase::Test, self.lines.clone());
        // The callback sees the script's locals (`const base = pm.variables.get("base_url")`),
        // as a closure does: a request it sends in turn is built of them.
        sub.aliases = self.aliases.clone();
        sub.objects = self.objects.clone();
        // Newman reports nothing a callback throws (checked with Newman 6.2.1: a failing
        // `pm.expect` there fails no request, and the rest of the callback does not run):
        // only its `pm.test`s count, as inside a `try` whose `catch` swallows the error.
        sub.swallowed = true;
        sub.out.assertions += answered;
        sub.out.assertions_seen += answered;
        let whole = sub.statements(&body);
        sub.close_swallowed_gate();
        tidy(&mut sub.out.expect);
        self.converted.extend(sub.converted);
        for (line, why) in sub.reasons {
            self.reasons.entry(line).or_insert(why);
        }
        (sub.out, whole)
    }
}

/// `if (err) { console.error(err) } else { ... }`, `if (err === null) { ... }`: what runs when
/// the request was answered (a request that gets no answer fails in yarc); any other statement
/// as it is.
fn answered_branch<'a>(s: &'a Stmt, err: &str) -> Vec<&'a Stmt> {
    match &s.kind {
        StmtKind::If(cond, then, otherwise) if otherwise.is_empty() && no_error(cond, err) => {
            then.iter().collect()
        }
        StmtKind::If(cond, then, otherwise)
            if !otherwise.is_empty()
                && is_error_check(
                    &Stmt {
                        kind: StmtKind::If(cond.clone(), then.clone(), Vec::new()),
                        first: s.first,
                        last: s.last,
                    },
                    err,
                ) =>
        {
            otherwise.iter().collect()
        }
        _ => vec![s],
    }
}

/// `err === null`, `err == null`, `!err`, `err === undefined`: the request was answered.
fn no_error(cond: &Expr, err: &str) -> bool {
    let is_err = |e: &Expr| matches!(e, Expr::Ident(n) if n == err);
    match cond {
        Expr::Unary("!", e) => is_err(e),
        Expr::Binary("===" | "==", a, b) => {
            (is_err(a) && matches!(&**b, Expr::Null | Expr::Undefined))
                || (is_err(b) && matches!(&**a, Expr::Null | Expr::Undefined))
        }
        _ => false,
    }
}

/// `pm.expect(err).to.be.null` (`.to.not.exist`, `.to.be.undefined`, `.to.eql(null)`) or
/// `if (err) { console.log(err) }` / `if (err) throw err` / `if (err) return ...`: the
/// callback's error parameter asked whether the request was answered.
fn is_error_check(s: &Stmt, err: &str) -> bool {
    let is_err = |e: &Expr| matches!(e, Expr::Ident(n) if n == err);
    match &s.kind {
        StmtKind::Expr(e) => {
            let words = chain_words(e);
            let Some((subject, words)) = words else {
                return false;
            };
            is_err(subject)
                && matches!(
                    words.as_slice(),
                    ["to", "be", "null"]
                        | ["to", "be", "undefined"]
                        | ["to", "not", "exist"]
                        | ["not", "to", "exist"]
                        | ["to", "not", "be", "ok"]
                        | ["to", "eql" | "equal" | "eq", "null"]
                )
        }
        StmtKind::If(cond, then, otherwise) => {
            is_err(cond)
                && otherwise.is_empty()
                && then.iter().all(|t| {
                    matches!(
                        &t.kind,
                        StmtKind::Throw(_) | StmtKind::Return(_) | StmtKind::Other
                    ) || super::is_console_stmt(t)
                })
        }
        _ => false,
    }
}

/// `pm.expect(x).to.be.null` as `x` and its words (`eql(null)` as the words `eql`, `null`).
pub(super) fn chain_words(e: &Expr) -> Option<(&Expr, Vec<&str>)> {
    let mut words = Vec::new();
    let mut at = e;
    loop {
        match at {
            Expr::Member(inner, w) => {
                words.push(w.as_str());
                at = inner;
            }
            Expr::Call(callee, args) => match (&**callee, args.as_slice()) {
                (Expr::Member(inner, w), [Expr::Null]) => {
                    words.push("null");
                    words.push(w.as_str());
                    at = inner;
                }
                (c, [subject]) if super::path(c).as_deref() == Some("pm.expect") => {
                    words.reverse();
                    return Some((subject, words));
                }
                _ => return None,
            },
            _ => return None,
        }
    }
}

/// Whether a request's `body` says its raw text is JSON: `options: { raw: { language: "json" } }`.
fn json_language(body: Option<&Expr>) -> bool {
    let Some(Expr::Object(b)) = body else {
        return false;
    };
    let language = field(b, "options")
        .and_then(|o| match o {
            Expr::Object(o) => field(o, "raw"),
            _ => None,
        })
        .and_then(|r| match r {
            Expr::Object(r) => field(r, "language"),
            _ => None,
        });
    matches!(language, Some(Expr::Str(l)) if l == "json")
}
