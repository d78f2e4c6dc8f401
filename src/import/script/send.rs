//! `pm.sendRequest(...)` in a script: a request Newman sends besides the item's own. It becomes
//! a request of the collection — before the item (a pre-request script) or after it (a test
//! script) — with the callback's checks as its `expect` and its `set()`s as its captures.
//! Newman fails nothing for the status of such a request, so neither does yarc (`status: any`)
//! unless the callback checks it.

use super::js::{Expr, Stmt, StmtKind, TemplatePart};
use super::{Converter, Phase, Script, field, tidy};
use crate::import::yaml_out::Y;

/// What one `pm.sendRequest` became: the request, and whether all of its callback converted.
pub(super) struct Sent {
    pub request: Y,
    pub whole: bool,
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
        let headers = self.headers(field(&options, "header"))?;
        if !headers.is_empty_map() {
            r.set("headers", headers);
        }
        if let Some((key, body)) = self.body(field(&options, "body"))? {
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
        let mut expect = checks.expect;
        if !matches!(&expect, Y::Map(e) if e.iter().any(|(k, _)| k == "status")) {
            expect.set("status", Y::str("any"));
        }
        r.set("expect", expect);
        if !checks.capture.is_empty_map() {
            r.set("capture", checks.capture);
        }
        Some(Sent { request: r, whole })
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
            Some(_) => return None,
        }
        Some(out)
    }

    /// `body: { mode: "raw" | "urlencoded" | "formdata", ... }`: the key and value it is written
    /// under; `None` inside when there is no body, `None` outside when it cannot be said.
    #[allow(clippy::option_option)]
    fn body(&self, b: Option<&Expr>) -> Option<Option<(&'static str, Y)>> {
        let Some(Expr::Object(b)) = b else {
            return Some(None);
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
            Some(Expr::Str(m)) if m == "raw" => match self.value(field(b, "raw")?)? {
                Y::Str(text) => ("text", Y::Str(text)),
                other => ("json", other),
            },
            _ => return None,
        }))
    }

    /// The callback's checks and captures, its response parameter read as the response.
    fn callback(&self, params: &[String], body: &[Stmt]) -> (Script, bool) {
        let Some(res) = params.get(1) else {
            return (Script::default(), body.is_empty());
        };
        let body: Vec<Stmt> = body.iter().map(|s| stmt(s, res)).collect();
        let mut sub = Converter::new(Phase::Test, self.lines.clone());
        let whole = sub.statements(&body);
        tidy(&mut sub.out.expect);
        (sub.out, whole)
    }
}

/// A statement with the callback's response parameter read as `pm.response`.
fn stmt(s: &Stmt, res: &str) -> Stmt {
    let kind = match &s.kind {
        StmtKind::Expr(e) => StmtKind::Expr(expr(e, res)),
        StmtKind::Let(decls) => StmtKind::Let(
            decls
                .iter()
                .map(|(b, e)| (b.clone(), expr(e, res)))
                .collect(),
        ),
        StmtKind::Assign(t, v) => StmtKind::Assign(expr(t, res), expr(v, res)),
        StmtKind::If(c, a, b) => StmtKind::If(
            expr(c, res),
            a.iter().map(|s| stmt(s, res)).collect(),
            b.iter().map(|s| stmt(s, res)).collect(),
        ),
        StmtKind::Try(a, b) => StmtKind::Try(
            a.iter().map(|s| stmt(s, res)).collect(),
            b.iter().map(|s| stmt(s, res)).collect(),
        ),
        StmtKind::Throw(e) => StmtKind::Throw(expr(e, res)),
        StmtKind::Other => StmtKind::Other,
    };
    Stmt {
        kind,
        first: s.first,
        last: s.last,
    }
}

fn expr(e: &Expr, res: &str) -> Expr {
    let b = |e: &Expr| Box::new(expr(e, res));
    match e {
        Expr::Ident(n) if n == res => {
            Expr::Member(Box::new(Expr::Ident("pm".into())), "response".into())
        }
        Expr::Member(inner, m) => Expr::Member(b(inner), m.clone()),
        Expr::Index(inner, i) => Expr::Index(b(inner), b(i)),
        Expr::Call(c, args) => Expr::Call(b(c), args.iter().map(|a| expr(a, res)).collect()),
        Expr::Unary(op, inner) => Expr::Unary(op, b(inner)),
        Expr::Binary(op, x, y) => Expr::Binary(op, b(x), b(y)),
        Expr::Array(items) => Expr::Array(items.iter().map(|i| expr(i, res)).collect()),
        Expr::Object(fields) => Expr::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), expr(v, res)))
                .collect(),
        ),
        Expr::Func(params, body) if !params.iter().any(|p| p == res) => {
            Expr::Func(params.clone(), body.iter().map(|s| stmt(s, res)).collect())
        }
        Expr::Template(parts) => Expr::Template(
            parts
                .iter()
                .map(|p| match p {
                    TemplatePart::Expr(x) => TemplatePart::Expr(expr(x, res)),
                    t => t.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}
