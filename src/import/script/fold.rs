//! What a pre-request script builds from the request's own query before it signs it, read at
//! import time:
//!
//! ```js
//! var parameters = pm.request.url.query.toObject();
//! var picked = {};
//! Object.keys(parameters).forEach((k) => {
//!     var v = parameters[k];
//!     if (k !== 'signature' && v) { picked[k] = v; }
//! });
//! picked.timestamp = timestamp;
//! var text = Object.keys(picked).map((k) => `${k}=${picked[k]}`).join('&');
//! ```
//!
//! The query is known (the export holds it), so the loop is unrolled with each key written in,
//! each condition on literals is decided, the object is followed as it is filled, and the text
//! becomes a template: `"symbol=BTCUSDT&timestamp=" ~ timestamp`.

use super::Converter;
use super::js::{Expr, Stmt, StmtKind};
use super::{Done, path};
use crate::import::yaml_out::Y;

/// Keys an object the import follows may have (a query longer than this is not read).
const KEYS_MAX: usize = 32;

impl Converter {
    /// `pm.request.url.query.toObject()`: the request's query parameters as the export writes
    /// them, by name (a later one of a name wins, disabled ones too, as `toObject()` gives).
    pub(super) fn query_object(&self, e: &Expr) -> Option<Expr> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        if !args.is_empty() || path(callee).as_deref() != Some("pm.request.url.query.toObject") {
            return None;
        }
        let query = self.request_query.as_ref()?;
        let mut fields: Vec<(String, Expr)> = Vec::new();
        for (k, v) in query {
            let v = v.clone().map_or(Expr::Null, Expr::Str);
            match fields.iter_mut().find(|(f, _)| f == k) {
                Some(field) => field.1 = v,
                None => fields.push((k.clone(), v)),
            }
        }
        (fields.len() <= KEYS_MAX).then_some(Expr::Object(fields))
    }

    /// `pm.request.url.query` (or its `.all()`) in a pre-request script: each parameter's key
    /// and value as the export writes them, disabled ones too (as `map` and `each` go over
    /// them); a parameter without a value has the value `null`.
    fn query_items(&self, list: &Expr) -> Option<Vec<(Expr, Expr)>> {
        let read = match list {
            Expr::Call(c, args) if args.is_empty() => format!("{}()", path(c)?),
            other => path(other)?,
        };
        if !matches!(
            read.as_str(),
            "pm.request.url.query" | "pm.request.url.query.all()" | "pm.request.url.query.members"
        ) {
            return None;
        }
        if self.phase == super::Phase::Test {
            // The request Newman sent: its enabled parameters, rendered as yarc renders them.
            let sent = &self.request_text.as_ref()?.sent_query;
            return (sent.len() <= KEYS_MAX).then(|| {
                let text = |t: &str| Expr::Str(t.to_string());
                sent.iter()
                    .map(|(k, v)| (text(k), v.as_deref().map_or(Expr::Null, text)))
                    .collect()
            });
        }
        if self.phase != super::Phase::PreRequest {
            return None;
        }
        let query = self.request_query.as_ref()?;
        (query.len() <= KEYS_MAX).then(|| {
            query
                .iter()
                .map(|(k, v)| (written(k), v.as_deref().map_or(Expr::Null, written)))
                .collect()
        })
    }

    /// `pm.request.url.query.each(p => { picked[p.key] = p.value; })` (also `forEach`, and a
    /// `map` whose result is not used): the body once for each parameter, its key and value
    /// written in. `None` when the body reads the parameter otherwise.
    pub(super) fn query_each(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let (Expr::Member(list, m), [Expr::Func(params, body)]) = (&**callee, args.as_slice())
        else {
            return None;
        };
        let ([param], "each" | "forEach" | "map") = (params.as_slice(), m.as_str()) else {
            return None;
        };
        let items = self.query_items(list)?;
        let bodies: Vec<Vec<Stmt>> = items
            .iter()
            .map(|item| {
                let once: Vec<Stmt> = body.iter().map(|s| with_item(s, param, item)).collect();
                (!once.iter().any(|s| s.mentions(param))).then_some(once)
            })
            .collect::<Option<_>>()?;
        let mut all = true;
        for once in &bodies {
            all &= self.statements(once);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(super::KEPT_AROUND),
        })
    }

    /// A statement on what the import follows: an assignment into a followed object or of
    /// the request's body, or an `if` decided before the run.
    pub(super) fn followed(&mut self, s: &Stmt) -> Option<Done> {
        if let StmtKind::Assign(target, value) = &s.kind
            && let Some(done) = self.object_assigned(target, value)
        {
            return Some(done);
        }
        self.decided_if(s).or_else(|| self.body_given(s))
    }

    /// `var name = value`: a literal remembered (what conditions on the name decide); the
    /// request's query object followed.
    pub(super) fn declared_literal(&mut self, name: &str, value: &Expr) -> Option<Done> {
        match self.folded(value) {
            Some(literal) => self.literals.insert(name.to_string(), literal),
            None => self.literals.remove(name),
        };
        let query = self.query_object(value)?;
        self.objects.insert(name.to_string(), query);
        self.mutated.remove(name);
        self.aliases.insert(name.to_string(), None);
        Some(Done::Converted)
    }

    /// A template for what the import followed: a joined `map`, a field of a followed object,
    /// a value already written as a template.
    pub(super) fn built_jinja(&self, e: &Expr) -> Option<String> {
        if let Expr::Jinja(j) = e {
            return Some(j.clone());
        }
        if let Some(field) = self.object_field(e).or_else(|| self.request_part(e)) {
            return self.jinja(&field);
        }
        self.joined_map(e)
    }

    /// What a pre-request script reads of its own request as text: `pm.request.method`,
    /// `pm.request.url.getPath()`, `pm.request.url.getQueryString()` (also
    /// `pm.request.url.query.toString()`: the enabled parameters, unencoded),
    /// `pm.request.url.getPathWithQuery()`, `pm.request.body.raw` (also `.toString()`).
    pub(super) fn request_part(&self, e: &Expr) -> Option<Expr> {
        if self.phase != super::Phase::PreRequest {
            return None;
        }
        let text = self.request_text.as_ref()?;
        let query = || text.query.clone();
        let (read, called) = match e {
            Expr::Call(c, args) if args.is_empty() => (path(c)?, true),
            other => (path(other)?, false),
        };
        let part = match (read.as_str(), called) {
            ("pm.request.method", false) => text.method.clone(),
            ("pm.request.url.getPath", true) => text.path.clone()?,
            ("pm.request.url.getQueryString" | "pm.request.url.query.toString", true) => query()?,
            ("pm.request.url.getPathWithQuery", true) => match query()? {
                q if q.is_empty() => text.path.clone()?,
                q => format!("{}?{q}", text.path.as_deref()?),
            },
            ("pm.request.body.raw", false) | ("pm.request.body.toString", true) => {
                self.raw_body_read.set(true);
                text.raw_body.clone()?
            }
            _ => return None,
        };
        Some(Expr::Str(part))
    }

    /// What a test script reads of the request Newman sent, as a template of what yarc
    /// sends: a path segment (`pm.request.url.path[pm.request.url.path.length - 1]`), the
    /// path (`getPath()`), the method; `decodeURI` of one of those or of a query value.
    pub(super) fn sent_part(&self, e: &Expr) -> Option<Y> {
        if self.phase != super::Phase::Test {
            return None;
        }
        let text = match e {
            Expr::Call(c, args)
                if matches!(path(c).as_deref(), Some("decodeURI" | "decodeURIComponent")) =>
            {
                let [x] = args.as_slice() else { return None };
                let whole = path(c).as_deref() == Some("decodeURIComponent");
                match self.sent_text(x)? {
                    Expr::Str(t) => decoded(&t, whole)?,
                    Expr::Null => "null".into(),
                    _ => return None,
                }
            }
            _ => match self.sent_text(e)? {
                Expr::Str(t) => t,
                _ => return None,
            },
        };
        Some(Y::str(super::super::vars::convert(&text, &mut Vec::new())))
    }

    /// [`sent_part`](Self::sent_part) as a literal (a query value `p.value` written in is one).
    fn sent_text(&self, e: &Expr) -> Option<Expr> {
        let text = self.request_text.as_ref()?;
        if let Some(body) = sent_body(e, text) {
            self.sent_body_read.set(body.is_some());
            return body;
        }
        let segments = text.sent_segments.as_deref()?;
        if let Expr::Index(of, i) = e
            && path(of).as_deref() == Some("pm.request.url.path")
        {
            let Expr::Num(n) = self.folded(i)? else {
                return None;
            };
            let at = super::dispatch::whole(n)?;
            return segments.get(at).cloned().map(Expr::Str);
        }
        let (read, called) = match e {
            Expr::Str(_) | Expr::Null => return Some(e.clone()),
            Expr::Call(c, args) if args.is_empty() => (path(c)?, true),
            other => (path(other)?, false),
        };
        Some(match (read.as_str(), called) {
            ("pm.request.url.path.length", false) => Expr::Num(segments.len() as f64),
            ("pm.request.url.getPath", true) => Expr::Str(format!("/{}", segments.join("/"))),
            ("pm.request.method", false) => Expr::Str(text.method.clone()),
            _ => return None,
        })
    }

    /// An object the script built and the import followed, by its name.
    fn followed_object(&self, e: &Expr) -> Option<&[(String, Expr)]> {
        if self.phase != super::Phase::PreRequest {
            return None;
        }
        match e {
            Expr::Ident(n) if !self.mutated.contains(n) && !self.assigned.contains(n) => {
                match self.objects.get(n)? {
                    Expr::Object(fields) => Some(fields),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `Object.keys(obj)` of a followed object: its keys, as texts.
    pub(super) fn object_keys(&self, e: &Expr) -> Option<Vec<Expr>> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let [of] = args.as_slice() else { return None };
        if path(callee).as_deref() != Some("Object.keys") {
            return None;
        }
        let fields = self.followed_object(of)?;
        Some(fields.iter().map(|(k, _)| Expr::Str(k.clone())).collect())
    }

    /// `obj[k]` or `obj.k` of a followed object (`undefined` for a key it lacks).
    pub(super) fn object_field(&self, e: &Expr) -> Option<Expr> {
        let (of, key) = match e {
            Expr::Index(of, k) => (of, self.folded(k)?),
            Expr::Member(of, k) => (of, Expr::Str(k.clone())),
            _ => return None,
        };
        let Expr::Str(key) = key else { return None };
        let fields = self.followed_object(of)?;
        Some(match fields.iter().find(|(f, _)| *f == key) {
            Some((_, v)) => v.clone(),
            None => Expr::Undefined,
        })
    }

    /// `obj[k] = v` or `obj.k = v` on a followed object: the object changed (`v` as a literal,
    /// or as the template it is now). Anything else written into it stops the following.
    pub(super) fn object_assigned(&mut self, target: &Expr, value: &Expr) -> Option<Done> {
        let (Expr::Index(of, _) | Expr::Member(of, _)) = target else {
            return None;
        };
        let Expr::Ident(name) = &**of else {
            return None;
        };
        self.followed_object(of)?;
        let key = match target {
            Expr::Index(_, k) => self.folded(k),
            Expr::Member(_, k) => Some(Expr::Str(k.clone())),
            _ => None,
        };
        let value = self
            .folded(value)
            .or_else(|| self.jinja(value).map(Expr::Jinja));
        let (Some(Expr::Str(key)), Some(value)) = (key, value) else {
            self.objects.remove(name);
            return None;
        };
        let Some(Expr::Object(fields)) = self.objects.get_mut(name) else {
            return None;
        };
        match fields.iter().position(|(f, _)| *f == key) {
            Some(at) => fields[at].1 = value,
            None if fields.len() < KEYS_MAX => fields.push((key, value)),
            None => {
                self.objects.remove(name);
                return None;
            }
        }
        Some(Done::Converted)
    }

    /// A literal an expression is before the run: a literal, a local bound to one, a field of
    /// a followed object, and comparisons and `!`, `&&`, `||` of those, as JavaScript decides.
    pub(super) fn folded(&self, e: &Expr) -> Option<Expr> {
        match e {
            Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null | Expr::Undefined => {
                Some(e.clone())
            }
            Expr::Ident(n) if !self.assigned.contains(n) => self.literals.get(n).cloned(),
            _ if self.request_part(e).is_some() => self.request_part(e),
            Expr::Member(..) if self.phase == super::Phase::Test => {
                self.sent_text(e).filter(|n| matches!(n, Expr::Num(_)))
            }
            Expr::Index(..) | Expr::Member(..) => self
                .object_field(e)
                .filter(|v| !matches!(v, Expr::Jinja(_) | Expr::Object(_))),
            Expr::Unary("!", x) => Some(Expr::Bool(!truthy(&self.folded(x)?))),
            Expr::Binary("&&", a, b) => {
                let a = self.folded(a)?;
                if truthy(&a) { self.folded(b) } else { Some(a) }
            }
            Expr::Binary("||", a, b) => {
                let a = self.folded(a)?;
                if truthy(&a) { Some(a) } else { self.folded(b) }
            }
            // `const delay = 1000 * 3600 * 24`: numbers only (`+` of a text joins).
            Expr::Binary(op @ ("+" | "-" | "*" | "/"), a, b) => {
                let (Expr::Num(a), Expr::Num(b)) = (self.folded(a)?, self.folded(b)?) else {
                    return None;
                };
                let n = match *op {
                    "+" => a + b,
                    "-" => a - b,
                    "*" => a * b,
                    _ if b != 0.0 => a / b,
                    _ => return None,
                };
                n.is_finite().then_some(Expr::Num(n))
            }
            Expr::Binary(op @ ("===" | "!==" | "==" | "!="), a, b) => {
                let strict = op.len() == 3;
                let same = same(&self.folded(a)?, &self.folded(b)?, strict)?;
                Some(Expr::Bool(same == op.starts_with('=')))
            }
            _ => None,
        }
    }

    /// `if (cond) {...} else {...}` whose condition [`folded`](Self::folded) decides: the
    /// branch taken, read as if written alone.
    pub(super) fn decided_if(&mut self, s: &Stmt) -> Option<Done> {
        let StmtKind::If(cond, then, otherwise) = &s.kind else {
            return None;
        };
        let taken = match truthy(&self.folded(cond)?) {
            true => then,
            false => otherwise,
        };
        Some(match self.statements(taken) {
            true => Done::Converted,
            false => Done::Kept(super::KEPT_AROUND),
        })
    }

    /// `list.map((k) => ...).join(sep)` of a written list or a followed object's keys: each
    /// item's text, joined.
    pub(super) fn joined_map(&self, e: &Expr) -> Option<String> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Member(mapped, m) = &**callee else {
            return None;
        };
        let sep = match (m.as_str(), args.as_slice()) {
            ("join", []) => ",".to_string(),
            ("join", [Expr::Str(s)]) => s.clone(),
            _ => return None,
        };
        let Expr::Call(map, f) = &**mapped else {
            return None;
        };
        let (Expr::Member(list, m), [Expr::Func(params, body)]) = (&**map, f.as_slice()) else {
            return None;
        };
        let ([param], [only], "map") = (params.as_slice(), body.as_slice(), m.as_str()) else {
            return None;
        };
        let returned = match &only.kind {
            StmtKind::Expr(x) | StmtKind::Return(Some(x)) => x,
            _ => return None,
        };
        let from = Expr::Ident(param.clone());
        let each: Vec<Expr> = match self.query_items(list) {
            Some(query) => query
                .iter()
                .map(|item| with_item_expr(returned, param, item))
                .collect(),
            None => {
                let items = self.object_keys(list).or_else(|| self.written_list(list))?;
                items.iter().map(|i| returned.replaced(&from, i)).collect()
            }
        };
        let parts: Option<Vec<String>> = each
            .iter()
            .map(|x| Some(format!("({} | string)", self.jinja(x)?)))
            .collect();
        let sep = serde_json::to_string(&sep).ok()?;
        match parts?.as_slice() {
            [] => Some("\"\"".into()),
            parts => Some(format!("({})", parts.join(&format!(" ~ {sep} ~ ")))),
        }
    }
}

/// A key or value of the request's query as the script reads it: as written, `{{var}}`
/// included (Postman gives pre-request scripts the request before variables are replaced).
/// Its braces are escaped in the template's text literal, so that nothing reads it as a
/// template of its own.
fn written(text: &str) -> Expr {
    match text.contains("{{") {
        true => serde_json::to_string(text).map_or(Expr::Other, |literal| {
            Expr::Jinja(literal.replace('{', "\\u007b").replace('}', "\\u007d"))
        }),
        false => Expr::Str(text.to_string()),
    }
}

/// The statement with `param.key` and `param.value` of a query parameter written in.
fn with_item(s: &Stmt, param: &str, (key, value): &(Expr, Expr)) -> Stmt {
    let p = || Box::new(Expr::Ident(param.to_string()));
    let of = |m: &str| Expr::Member(p(), m.to_string());
    // `p["key"]` too.
    let at = |m: &str| Expr::Index(p(), Box::new(Expr::Str(m.to_string())));
    s.replaced(&of("key"), key)
        .replaced(&of("value"), value)
        .replaced(&at("key"), key)
        .replaced(&at("value"), value)
}

/// `decodeURI` (`whole`: `decodeURIComponent`) of a text: `None` for a malformed escape
/// (JavaScript throws).
fn decoded(text: &str, whole: bool) -> Option<String> {
    // What `decodeURI` leaves escaped: the reserved characters and `#`.
    const KEPT: &str = ";/?:@&=+$,#";
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let hex = text.get(i + 1..i + 3)?;
        let b = u8::from_str_radix(hex, 16).ok()?;
        match !whole && b.is_ascii() && KEPT.contains(b as char) {
            true => out.extend_from_slice(&bytes[i..i + 3]),
            false => out.push(b),
        }
        i += 3;
    }
    String::from_utf8(out).ok()
}

fn with_item_expr(e: &Expr, param: &str, (key, value): &(Expr, Expr)) -> Expr {
    let of = |m: &str| Expr::Member(Box::new(Expr::Ident(param.to_string())), m.to_string());
    e.replaced(&of("key"), key).replaced(&of("value"), value)
}

/// The names a script assigns anywhere other than where it declares them (`found = true` in
/// a callback, `n++`): a literal bound to one of them may not be what it holds later.
pub(super) fn assigned_names(source: &str) -> std::collections::BTreeSet<String> {
    use super::js::Tok;
    let tokens = super::js::lex(source);
    let mut out = std::collections::BTreeSet::new();
    for (i, t) in tokens.iter().enumerate() {
        let Tok::Ident(name) = &t.tok else { continue };
        let before = i.checked_sub(1).map(|b| &tokens[b].tok);
        let after = tokens.get(i + 1).map(|a| &a.tok);
        let declared =
            matches!(before, Some(Tok::Ident(k)) if matches!(k.as_str(), "var" | "let" | "const"));
        let member = matches!(before, Some(Tok::Punct(".")));
        let assigned = matches!(after, Some(Tok::Punct("=" | "+=" | "-=" | "++" | "--")));
        let prefixed = matches!(before, Some(Tok::Punct("++" | "--")));
        if !member && ((assigned && !declared) || prefixed) {
            out.insert(name.clone());
        }
    }
    out
}

/// Whether JavaScript reads a literal as true.
fn truthy(e: &Expr) -> bool {
    match e {
        Expr::Str(s) => !s.is_empty(),
        Expr::Num(n) => *n != 0.0 && !n.is_nan(),
        Expr::Bool(b) => *b,
        Expr::Null | Expr::Undefined => false,
        _ => true,
    }
}

/// Whether two literals are the same value, strictly (`===`) or loosely (`==`); `None` where
/// loose equality converts (text against a number).
fn same(a: &Expr, b: &Expr, strict: bool) -> Option<bool> {
    match (a, b) {
        (Expr::Str(x), Expr::Str(y)) => Some(x == y),
        (Expr::Num(x), Expr::Num(y)) => Some(x == y),
        (Expr::Bool(x), Expr::Bool(y)) => Some(x == y),
        (Expr::Null, Expr::Null) | (Expr::Undefined, Expr::Undefined) => Some(true),
        (Expr::Null | Expr::Undefined, Expr::Null | Expr::Undefined) => Some(!strict),
        (Expr::Null | Expr::Undefined, _) | (_, Expr::Null | Expr::Undefined) => Some(false),
        _ => None,
    }
}

/// `pm.request.body.raw` (or `.toString()`) read by a test script: the body as sent, its
/// variables put in — but not made-up values (`{{$guid}}`), which yarc would make again,
/// different from what went out. `None`: it reads something else.
fn sent_body(e: &Expr, text: &super::RequestText) -> Option<Option<Expr>> {
    let read = match e {
        Expr::Call(c, args) if args.is_empty() => path(c)? + "()",
        other => path(other)?,
    };
    if !matches!(
        read.as_str(),
        "pm.request.body.raw" | "pm.request.body.toString()"
    ) {
        return None;
    }
    Some(
        text.raw_body
            .clone()
            .filter(|raw| !raw.contains("{{$"))
            .map(Expr::Str),
    )
}
