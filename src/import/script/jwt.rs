//! A pre-request script that signs a JSON Web Token with CryptoJS — the snippet Postman users
//! copy to call APIs that take an HS256 token they make themselves (the Dutch ZGW APIs, many
//! internal services):
//!
//! ```js
//! function base64url(source) {
//!     encodedSource = CryptoJS.enc.Base64.stringify(source);
//!     encodedSource = encodedSource.replace(/=+$/, '');
//!     encodedSource = encodedSource.replace(/\+/g, '-');
//!     return encodedSource.replace(/\//g, '_');
//! }
//! var header = { "typ": "JWT", "alg": "HS256" };
//! var data = { "iss": pm.environment.get("client_id"), "user_id": "123" };
//! data.iat = Math.floor(Date.now() / 1000);
//! var token = base64url(CryptoJS.enc.Utf8.parse(JSON.stringify(header))) + "." +
//!     base64url(CryptoJS.enc.Utf8.parse(JSON.stringify(data)));
//! var signature = base64url(CryptoJS.HmacSHA256(token, pm.environment.get("secret")));
//! pm.globals.set("jwt_token", token + "." + signature);
//! ```
//!
//! becomes one `set:` entry made when the request is sent, as the script makes it then:
//! `jwt_token: "{{ {\"iss\": client_id, \"user_id\": \"123\", \"iat\": timestamp()} |
//! jwt_sign(secret) }}"`. The script is followed as it runs (its locals, the functions it
//! calls, members it adds to an object), and its set is taken only when what it stores is
//! exactly a signed token: base64url of the header's and the claims' JSON, and the HMAC of
//! those two under one key.

use super::js::{Binding, Expr, Stmt, StmtKind};
use super::{Converter, Phase, path, set_call, set_scope};
use crate::import::yaml_out::Y;
use std::collections::HashMap;

/// What a value of the script is, as far as the token goes.
#[derive(Debug, Clone, PartialEq)]
enum Sym {
    /// A value known when the request is sent, as a minijinja expression.
    Jinja(String),
    Text(String),
    Object(Vec<(String, Sym)>),
    /// `JSON.stringify(x)`.
    Json(Box<Sym>),
    /// `CryptoJS.enc.Utf8.parse(x)`: the text's bytes.
    Utf8(Box<Sym>),
    /// `CryptoJS.enc.Base64.stringify(x)`, and which of base64url's three changes were made.
    Base64(Box<Sym>, [bool; 3]),
    /// `CryptoJS.HmacSHA256(message, key)`: its algorithm (`HS256`), message and key.
    Hmac(&'static str, Box<Sym>, Box<Sym>),
    /// Text joined with `+`.
    Joined(Vec<Sym>),
    /// A function the script declares: its parameters and body.
    Function(Vec<String>, Vec<Stmt>),
}

/// The script followed: its variables (the innermost call's first) and the statements read.
struct Run<'c> {
    cx: &'c Converter,
    scopes: Vec<HashMap<String, Sym>>,
    /// Calls of functions into functions, bounded: a script that recurses is not this one.
    depth: usize,
}

impl Converter {
    /// A pre-request script's top that signs a token and stores it: its `set:` written (one
    /// per set of a signed token), the statements that made it converted, the rest left to
    /// convert as usual.
    pub(super) fn signed_token(&mut self, list: &[Stmt]) -> Option<Vec<Stmt>> {
        let hmac = |l: &String| l.contains("CryptoJS.Hmac");
        if self.phase != Phase::PreRequest || self.depth != 1 || !self.lines.iter().any(hmac) {
            return None;
        }
        let mut run = Run {
            cx: self,
            scopes: vec![HashMap::new()],
            depth: 0,
        };
        let (mut followed, mut tokens) = (Vec::new(), Vec::new());
        for (i, s) in list.iter().enumerate() {
            // Only a set of a name written out is taken (one the script computes stays).
            if let StmtKind::Expr(e) = &s.kind
                && let Some((Expr::Str(_), value)) = set_call(e)
            {
                if let Some(token) = run.eval(value).and_then(|v| signed(&v)) {
                    tokens.push((i, token));
                }
                continue;
            }
            if run.step(s) {
                followed.push(i);
            }
        }
        if tokens.is_empty() {
            return None;
        }
        let mut used = making(list, &followed, tokens.iter().map(|(i, _)| *i));
        for (i, token) in &tokens {
            let StmtKind::Expr(call) = &list[*i].kind else {
                continue;
            };
            let (Expr::Str(key), value) = set_call(call)? else {
                return None;
            };
            let name = crate::import::vars::ident(key);
            self.out.sets_seen += 1;
            self.out.set_names.push(name.clone());
            let made = Y::str(format!("{{{{ {token} }}}}"));
            self.set_value(&name, key, value, made, set_scope(call));
            used.push(*i);
        }
        for &i in &used {
            self.converted.extend(list[i].first..=list[i].last);
        }
        let rest = (0..list.len()).filter(|i| !used.contains(i));
        Some(rest.map(|i| list[i].clone()).collect())
    }
}

impl Run<'_> {
    /// Follows a statement that gives a variable or a member its value, or calls a function
    /// of the script; whether it was one.
    fn step(&mut self, s: &Stmt) -> bool {
        match &s.kind {
            StmtKind::Let(decls) => decls.iter().all(|(b, v)| match b {
                Binding::Name(n) => {
                    let value = self.eval(v);
                    self.bind(n, value)
                }
                _ => false,
            }),
            StmtKind::Assign(Expr::Ident(n), v) => {
                let value = self.eval(v);
                self.assign(n, value)
            }
            StmtKind::Assign(Expr::Member(object, member), v) => {
                let Expr::Ident(o) = &**object else {
                    return false;
                };
                let Some(value) = self.eval(v) else {
                    return false;
                };
                match self.lookup_mut(o) {
                    Some(Sym::Object(members)) => {
                        members.retain(|(k, _)| k != member);
                        members.push((member.clone(), value));
                        true
                    }
                    _ => false,
                }
            }
            StmtKind::Expr(e @ Expr::Call(callee, _)) if matches!(&**callee, Expr::Ident(_)) => {
                self.eval(e).is_some()
            }
            _ => false,
        }
    }

    /// A declared name bound to what it holds (nothing known: forgotten, so a later read
    /// does not take an older value).
    fn bind(&mut self, name: &str, value: Option<Sym>) -> bool {
        let at = self.scopes.len() - 1;
        self.put(at, name, value)
    }

    /// An assignment to a name: to the innermost scope that has it, else the script's own
    /// (JavaScript's implicit global, as the snippet's `encodedSource = ...` is).
    fn assign(&mut self, name: &str, value: Option<Sym>) -> bool {
        let at = (self.scopes.iter()).rposition(|s| s.contains_key(name));
        self.put(at.unwrap_or(0), name, value)
    }

    fn put(&mut self, scope: usize, name: &str, value: Option<Sym>) -> bool {
        let scope = &mut self.scopes[scope];
        match value {
            Some(v) => {
                scope.insert(name.to_string(), v);
                true
            }
            None => {
                scope.remove(name);
                false
            }
        }
    }

    fn lookup(&self, name: &str) -> Option<&Sym> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn lookup_mut(&mut self, name: &str) -> Option<&mut Sym> {
        self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name))
    }

    /// What an expression is, when the token's making can follow it.
    fn eval(&mut self, e: &Expr) -> Option<Sym> {
        match e {
            Expr::Ident(n) if self.lookup(n).is_some() => self.lookup(n).cloned(),
            Expr::Str(s) => Some(Sym::Text(s.clone())),
            Expr::Func(params, body) => Some(Sym::Function(params.clone(), body.clone())),
            Expr::Object(members) => {
                let mut out = Vec::new();
                for (k, v) in members {
                    out.push((k.clone(), self.eval(v)?));
                }
                Some(Sym::Object(out))
            }
            Expr::Binary("+", a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                Some(plus(a, b))
            }
            Expr::Binary(op @ ("-" | "*" | "/"), a, b) => {
                let (Sym::Jinja(a), Sym::Jinja(b)) = (self.eval(a)?, self.eval(b)?) else {
                    return None;
                };
                Some(Sym::Jinja(format!("(({a} | number) {op} ({b} | number))")))
            }
            Expr::Call(callee, args) => self.call(e, callee, args),
            _ => self.leaf(e),
        }
    }

    /// A value of variables and the clock (no local of the script in it), as the importer
    /// writes any.
    fn leaf(&self, e: &Expr) -> Option<Sym> {
        let mut locals = Vec::new();
        idents(e, &mut locals);
        if locals.iter().any(|n| self.lookup(n).is_some()) {
            return None;
        }
        self.cx.jinja(e).map(Sym::Jinja)
    }

    fn call(&mut self, e: &Expr, callee: &Expr, args: &[Expr]) -> Option<Sym> {
        let one = |r: &mut Self| match args {
            [x] => r.eval(x).map(Box::new),
            _ => None,
        };
        match path(callee).as_deref() {
            Some("JSON.stringify") => return one(self).map(Sym::Json),
            Some("CryptoJS.enc.Utf8.parse") => return one(self).map(Sym::Utf8),
            Some("CryptoJS.enc.Base64.stringify") => {
                return one(self).map(|x| Sym::Base64(x, [false; 3]));
            }
            Some(f @ ("CryptoJS.HmacSHA256" | "CryptoJS.HmacSHA384" | "CryptoJS.HmacSHA512")) => {
                let alg = match f {
                    "CryptoJS.HmacSHA256" => "HS256",
                    "CryptoJS.HmacSHA384" => "HS384",
                    _ => "HS512",
                };
                let [m, k] = args else { return None };
                let (m, k) = (self.eval(m)?, self.eval(k)?);
                return Some(Sym::Hmac(alg, Box::new(m), Box::new(k)));
            }
            _ => {}
        }
        match callee {
            Expr::Ident(f) if matches!(self.lookup(f), Some(Sym::Function(..))) => {
                self.inline(f, args)
            }
            Expr::Member(target, m) if m == "replace" => {
                let made = self.eval(target)?;
                url_safe(made, args)
            }
            // `.toString(CryptoJS.enc.Base64)` of an HMAC.
            Expr::Member(target, m) if m == "toString" => match args {
                [enc] if path(enc).as_deref() == Some("CryptoJS.enc.Base64") => {
                    Some(Sym::Base64(Box::new(self.eval(target)?), [false; 3]))
                }
                _ => None,
            },
            _ => self.leaf(e),
        }
    }

    /// A call of a function the script declares: its body followed with its parameters
    /// bound, up to its `return`.
    fn inline(&mut self, f: &str, args: &[Expr]) -> Option<Sym> {
        let Some(Sym::Function(params, body)) = self.lookup(f).cloned() else {
            return None;
        };
        if self.depth >= 8 {
            return None;
        }
        let mut scope = HashMap::new();
        for (p, a) in params.iter().zip(args) {
            scope.insert(p.clone(), self.eval(a)?);
        }
        self.depth += 1;
        self.scopes.push(scope);
        // An arrow's expression body (`b64 => b64.replace(...)`) is what it returns.
        let mut returned = match body.as_slice() {
            [
                Stmt {
                    kind: StmtKind::Expr(e),
                    ..
                },
            ] => self.eval(e),
            _ => None,
        };
        for s in body.iter().filter(|_| returned.is_none()) {
            match &s.kind {
                StmtKind::Return(Some(v)) => {
                    returned = self.eval(v);
                    break;
                }
                _ if self.step(s) => {}
                _ => break,
            }
        }
        self.scopes.pop();
        self.depth -= 1;
        returned
    }
}

/// Of the statements followed, those the token sets read, directly or through others (the
/// rest — a local read elsewhere too — is left for the script's own conversion).
fn making(list: &[Stmt], followed: &[usize], sets: impl Iterator<Item = usize>) -> Vec<usize> {
    let reads_of = |s: &Stmt| {
        let mut out = Vec::new();
        stmt_idents(s, &mut out);
        out
    };
    let mut needed: Vec<String> = Vec::new();
    for i in sets {
        needed.extend(reads_of(&list[i]));
    }
    let mut used = Vec::new();
    // Later statements first: what a statement reads is defined before it.
    for &i in followed.iter().rev() {
        let defines = match &list[i].kind {
            StmtKind::Let(decls) => (decls.iter())
                .filter_map(|(b, _)| match b {
                    Binding::Name(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            StmtKind::Assign(Expr::Ident(n), _) => vec![n.clone()],
            StmtKind::Assign(Expr::Member(o, _), _) => match &**o {
                Expr::Ident(n) => vec![n.clone()],
                _ => vec![],
            },
            // A call of the script's function for what it changes (`addIAT(data)`).
            _ => reads_of(&list[i]),
        };
        if defines.iter().any(|d| needed.contains(d)) {
            needed.extend(reads_of(&list[i]));
            used.push(i);
        }
    }
    used
}

/// The names a statement reads or writes, inside the functions it declares too.
fn stmt_idents(s: &Stmt, out: &mut Vec<String>) {
    match &s.kind {
        StmtKind::Expr(e) | StmtKind::Throw(e) | StmtKind::Return(Some(e)) => idents(e, out),
        StmtKind::Let(decls) => decls.iter().for_each(|(_, v)| idents(v, out)),
        StmtKind::Assign(a, b) => {
            idents(a, out);
            idents(b, out);
        }
        StmtKind::If(c, a, b) => {
            idents(c, out);
            a.iter().chain(b).for_each(|s| stmt_idents(s, out));
        }
        StmtKind::Try(a, b) => a.iter().chain(b).for_each(|s| stmt_idents(s, out)),
        _ => {}
    }
}

/// `a + b` of text: one joined text (a number added is left to the leaf that wrote it).
fn plus(a: Sym, b: Sym) -> Sym {
    match (a, b) {
        (Sym::Jinja(a), Sym::Jinja(b)) => Sym::Jinja(format!(
            "(({a} ~ {b}) if {a} is string or {b} is string else ({a} + {b}))"
        )),
        (a, b) => {
            let mut parts = Vec::new();
            for x in [a, b] {
                match x {
                    Sym::Joined(inner) => parts.extend(inner),
                    other => parts.push(other),
                }
            }
            Sym::Joined(parts)
        }
    }
}

/// `.replace(/=+$/, '')`, `.replace(/\+/g, '-')`, `.replace(/\//g, '_')` of a base64 text.
fn url_safe(made: Sym, args: &[Expr]) -> Option<Sym> {
    let Sym::Base64(inner, mut done) = made else {
        return None;
    };
    let [Expr::Regex(body, flags), Expr::Str(to)] = args else {
        return None;
    };
    let global = flags.contains('g');
    match (body.as_str(), to.as_str()) {
        ("=+$" | "=*$" | "={1,2}$", "") => done[0] = true,
        ("=" | "=+", "") if global => done[0] = true,
        ("\\+", "-") if global => done[1] = true,
        ("\\/" | "/", "_") if global => done[2] = true,
        _ => return None,
    }
    Some(Sym::Base64(inner, done))
}

/// The names an expression reads.
fn idents(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Ident(n) => out.push(n.clone()),
        Expr::Member(x, _) | Expr::Unary(_, x) => idents(x, out),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            idents(a, out);
            idents(b, out);
        }
        Expr::Call(c, args) => {
            idents(c, out);
            args.iter().for_each(|a| idents(a, out));
        }
        Expr::Cond(a, b, c) => [a, b, c].iter().for_each(|x| idents(x, out)),
        Expr::Array(items) => items.iter().for_each(|x| idents(x, out)),
        Expr::Object(members) => members.iter().for_each(|(_, x)| idents(x, out)),
        Expr::Func(_, body) => body.iter().for_each(|s| stmt_idents(s, out)),
        _ => {}
    }
}

/// The template expression that makes the token `v` is, when it is one: `header.claims.
/// signature`, each part base64url, the signature the HMAC of the first two.
fn signed(v: &Sym) -> Option<String> {
    let Sym::Joined(parts) = v else { return None };
    let parts = dotted(parts)?;
    let [header, claims, signature] = parts.as_slice() else {
        return None;
    };
    let header = json_part(header)?;
    let claims = json_part(claims)?;
    let Sym::Base64(mac, [true, true, true]) = signature else {
        return None;
    };
    let Sym::Hmac(alg, message, key) = &**mac else {
        return None;
    };
    let Sym::Joined(signed) = &**message else {
        return None;
    };
    let signed = dotted(signed)?;
    if signed.len() != 2 || json_part(signed[0])? != header || json_part(signed[1])? != claims {
        return None;
    }
    let Sym::Object(header_members) = header else {
        return None;
    };
    if !header_members
        .iter()
        .any(|(k, v)| k == "alg" && *v == Sym::Text((*alg).into()))
    {
        return None;
    }
    let rest: Vec<(String, Sym)> = (header_members.iter())
        .filter(|(k, _)| k != "alg")
        .cloned()
        .collect();
    let key = jinja_text(key)?;
    let mut args = vec![key];
    if *alg != "HS256" {
        args.push(format!("\"{alg}\""));
    }
    if rest != [("typ".to_string(), Sym::Text("JWT".into()))] {
        args.push(format!("header={}", mapping(&rest)?));
    }
    Some(format!(
        "{} | jwt_sign({})",
        mapping_of(claims)?,
        args.join(", ")
    ))
}

/// The parts of joined text between its `"."`s (the dots may be texts of their own or end
/// and start other texts: `token + "." + signature`).
fn dotted(parts: &[Sym]) -> Option<Vec<&Sym>> {
    let mut out = vec![];
    let mut expect_dot = false;
    // A part that is itself joined text (`token`: header.claims) was flattened by `plus`.
    for p in parts {
        match (p, expect_dot) {
            (Sym::Text(t), true) if t == "." => expect_dot = false,
            (Sym::Text(_) | Sym::Joined(_), _) | (_, true) => return None,
            (other, false) => {
                out.push(other);
                expect_dot = true;
            }
        }
    }
    Some(out)
}

/// A base64url part holding the JSON of an object: that object.
fn json_part(s: &Sym) -> Option<&Sym> {
    let Sym::Base64(inner, [true, true, true]) = s else {
        return None;
    };
    let Sym::Utf8(json) = &**inner else {
        return None;
    };
    let Sym::Json(object) = &**json else {
        return None;
    };
    matches!(**object, Sym::Object(_)).then_some(&**object)
}

fn mapping_of(s: &Sym) -> Option<String> {
    match s {
        Sym::Object(members) => mapping(members),
        _ => None,
    }
}

/// An object as a minijinja mapping literal.
fn mapping(members: &[(String, Sym)]) -> Option<String> {
    let mut out = Vec::new();
    for (k, v) in members {
        let value = match v {
            Sym::Object(inner) => mapping(inner)?,
            other => jinja_text(other)?,
        };
        out.push(format!("{}: {value}", serde_json::to_string(k).ok()?));
    }
    Some(format!("{{{}}}", out.join(", ")))
}

/// A value as a minijinja expression: a text literal or one the importer wrote.
fn jinja_text(s: &Sym) -> Option<String> {
    match s {
        Sym::Jinja(j) => Some(j.clone()),
        Sym::Text(t) if !t.contains("{{") => serde_json::to_string(t).ok(),
        _ => None,
    }
}
