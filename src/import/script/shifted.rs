//! A pre-request script that sends the next payload of a list each time its request runs —
//! how bootcamp API suites try every bad payload, the test script sending the request again
//! while the list is not empty:
//!
//! ```js
//! let payloads = pm.environment.get('badPayloads');
//! if (!payloads || payloads.length === 0) {
//!     payloads = [{}, { title: 'only a title' }, { title: 42 }];
//! }
//! const current = payloads.shift();
//! pm.environment.set('currentBadPayload', JSON.stringify(current));
//! pm.environment.set('badPayloads', payloads);
//! ```
//!
//! becomes two `set:` entries, given before every send as the script runs before it: the
//! payload first taken from the list (or from the literal when the list is missing or empty),
//! then the list without it. The variables hold what Newman's do, so the test script's
//! `if (left && left.length > 0) postman.setNextRequest(<itself>)` is the request's
//! `repeat: { while: ... }` as any counter loop is.

use super::js::{Binding, Expr, Stmt, StmtKind};
use super::{Converter, Phase, path, plain, set_call, set_scope};
use crate::import::yaml_out::Y;

/// The pattern's statements, by role.
struct Shift<'s> {
    /// The variable the list is kept in, its yarc name.
    list: String,
    /// The literal the list starts as, a minijinja expression.
    items: String,
    /// Whether the payloads are objects and lists (written as JSON), else scalars.
    containers: bool,
    /// The set of the payload: its call and the variable's yarc name.
    payload: (&'s Expr, String),
    /// The set of what is left of the list.
    rest: &'s Expr,
    /// Where the statements are in the script's top.
    at: [usize; 5],
}

impl Converter {
    /// A pre-request script's top holding the pattern: its `set:` entries written, its lines
    /// converted, and the other statements left to convert as usual.
    pub(super) fn shifted_list(&mut self, list: &[Stmt]) -> Option<Vec<Stmt>> {
        if self.phase != Phase::PreRequest || self.depth != 1 || self.unrunnable {
            return None;
        }
        let shift = (0..list.len()).find_map(|i| self.shift_at(list, i))?;
        let start = format!(
            "({l} if {l} is defined and {l} else {})",
            shift.items,
            l = shift.list
        );
        let made = match shift.containers {
            true => "string",
            false => "tojson",
        };
        let (payload_call, payload) = &shift.payload;
        let payload_value = Y::str(format!("{{{{ {start}[0] | {made} }}}}"));
        let rest_value = Y::str(format!("{{{{ {start}[1:] }}}}"));
        for (call, name, value) in [
            (*payload_call, payload.clone(), payload_value),
            (shift.rest, shift.list.clone(), rest_value),
        ] {
            let Some((Expr::Str(key), v)) = set_call(call) else {
                return None;
            };
            self.out.sets_seen += 1;
            self.out.set_names.push(name.clone());
            self.set_value(&name, key, v, value, set_scope(call));
        }
        for &i in &shift.at {
            self.converted.extend(list[i].first..=list[i].last);
        }
        let rest = (0..list.len()).filter(|i| !shift.at.contains(i));
        Some(rest.map(|i| list[i].clone()).collect())
    }

    /// The pattern starting with `list[at]`, `let payloads = pm.environment.get("K")`, its
    /// four other statements next (the two sets in either order); the locals read nowhere
    /// else.
    fn shift_at<'s>(&self, list: &'s [Stmt], at: usize) -> Option<Shift<'s>> {
        let StmtKind::Let(decls) = &list[at].kind else {
            return None;
        };
        let [(Binding::Name(local), read)] = decls.as_slice() else {
            return None;
        };
        let key = self.variable_read(read)?;
        let [refill, take, a, b] = list.get(at + 1..at + 5)? else {
            return None;
        };
        let items = refilled(refill, local)?;
        let current = shifted(take, local)?;
        let (payload, rest) = match (stored(a, &current), stored(b, &current)) {
            (Some(p), None) => (p, b),
            (None, Some(p)) => (p, a),
            _ => return None,
        };
        let StmtKind::Expr(rest) = &rest.kind else {
            return None;
        };
        match set_call(rest)? {
            (Expr::Str(k), Expr::Ident(v))
                if v == local && crate::import::vars::ident(k) == key => {}
            _ => return None,
        }
        let (containers, items) = literal_items(items)?;
        let within = |n: usize| (list[at].first..=list[at + 4].last).contains(&n);
        let elsewhere = |word: &str| {
            self.lines.iter().enumerate().any(|(i, l)| {
                !within(i + 1)
                    && l.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .any(|w| w == word)
            })
        };
        if elsewhere(local) || elsewhere(&current) {
            return None;
        }
        Some(Shift {
            list: key,
            items,
            containers,
            payload,
            rest,
            at: [at, at + 1, at + 2, at + 3, at + 4],
        })
    }
}

/// `if (!payloads || payloads.length === 0) { payloads = [...] }`: the literal.
fn refilled<'s>(s: &'s Stmt, local: &str) -> Option<&'s [Expr]> {
    let StmtKind::If(cond, then, otherwise) = &s.kind else {
        return None;
    };
    if !otherwise.is_empty() || !empty_test(cond, local) {
        return None;
    }
    match then.as_slice() {
        [
            Stmt {
                kind: StmtKind::Assign(Expr::Ident(to), Expr::Array(items)),
                ..
            },
        ] if to == local && !items.is_empty() => Some(items),
        _ => None,
    }
}

/// `!l`, `!l || l.length === 0` (`== 0`, `< 1`, `!l.length`): the list is missing or empty.
fn empty_test(cond: &Expr, local: &str) -> bool {
    let missing =
        |e: &Expr| matches!(e, Expr::Unary("!", x) if matches!(&**x, Expr::Ident(n) if n == local));
    let length = |e: &Expr| path(e).is_some_and(|p| p == format!("{local}.length"));
    let empty = |e: &Expr| match e {
        Expr::Binary("===" | "==", l, n) | Expr::Binary("<", l, n) => {
            length(l)
                && matches!(&**n, Expr::Num(k) if *k == if matches!(e, Expr::Binary("<", ..)) { 1.0 } else { 0.0 })
        }
        Expr::Unary("!", x) => length(x),
        _ => false,
    };
    match cond {
        Expr::Binary("||", a, b) => missing(a) && empty(b),
        e => missing(e),
    }
}

/// `const current = payloads.shift()`: the name of what it took.
fn shifted(s: &Stmt, local: &str) -> Option<String> {
    let StmtKind::Let(decls) = &s.kind else {
        return None;
    };
    let [(Binding::Name(current), Expr::Call(callee, args))] = decls.as_slice() else {
        return None;
    };
    (args.is_empty() && path(callee)? == format!("{local}.shift")).then(|| current.clone())
}

/// `pm.environment.set("currentBadPayload", JSON.stringify(current))`: the call and the
/// variable's yarc name.
fn stored<'s>(s: &'s Stmt, current: &str) -> Option<(&'s Expr, String)> {
    let StmtKind::Expr(call) = &s.kind else {
        return None;
    };
    let (Expr::Str(key), Expr::Call(f, args)) = set_call(call)? else {
        return None;
    };
    match (path(f)?.as_str(), args.as_slice()) {
        ("JSON.stringify", [Expr::Ident(c)]) if c == current => {
            Some((call, crate::import::vars::ident(key)))
        }
        _ => None,
    }
}

/// The list's literal as a minijinja expression, and whether its items are all objects and
/// lists (`| string` writes them as `JSON.stringify` does); scalars all (`| tojson` writes
/// them so) unless a text holds what `tojson` escapes. `None` for a mix, or a text holding
/// `{` (a template to minijinja).
fn literal_items(items: &[Expr]) -> Option<(bool, String)> {
    let values: Vec<Y> = items.iter().map(plain).collect::<Option<_>>()?;
    let containers = values.iter().all(|v| matches!(v, Y::Map(_) | Y::Seq(_)));
    let scalars = values.iter().all(|v| !matches!(v, Y::Map(_) | Y::Seq(_)));
    if !(containers || scalars) || values.iter().any(holds_brace) {
        return None;
    }
    let escaped = |v: &Y| matches!(v, Y::Str(s) if s.contains(['<', '>', '&', '\'']));
    if scalars && values.iter().any(escaped) {
        return None;
    }
    Some((containers, quoted(&Y::Seq(values))?))
}

/// A literal as minijinja writes one, texts in single quotes (the YAML around it keeps
/// double quotes without escapes).
fn quoted(v: &Y) -> Option<String> {
    let text = |s: &str| {
        let mut out = String::from("'");
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        Some(out + "'")
    };
    super::literal_with(v, &text, &text)
}

fn holds_brace(v: &Y) -> bool {
    match v {
        Y::Str(s) => s.contains(['{', '}']),
        Y::Seq(items) => items.iter().any(holds_brace),
        Y::Map(entries) => entries
            .iter()
            .any(|(k, v)| k.contains(['{', '}']) || holds_brace(v)),
        _ => false,
    }
}
