//! Loops that leave a flag a later check reads:
//!
//! ```js
//! var found;
//! for (var i = 0; i < data.length; i++) {
//!     if (data[i].type === "fiction") { found = true; }
//! }
//! pm.expect(true).to.eql(found);
//! ```
//!
//! The flag says what the loop found, as the loop leaves it: that some item holds the
//! condition (`found = true` with nothing else), that every item does (`ok = true` first, then
//! `ok = false` when one does not), or — an `if` whose `else` sets the opposite — that the last
//! item does. Each is a check of the list.

use super::js::{Expr, Loop, Stmt, StmtKind};
use super::{Converter, Done, Phase, Staged, Subject, chain, is_console_stmt};
use crate::import::yaml_out::Y;

/// What a flag holds once its loop is done.
#[derive(Debug, Clone)]
pub(super) struct Flag {
    list: String,
    item: String,
    cond: Expr,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Some,
    Every,
    Last,
}

/// The name an indexed loop's `list[i]` is read as.
const ITEM: &str = "\u{1}item";

impl Converter {
    /// `for (...) { if (cond) { flag = true; } }`: remembered for the check that reads `flag`.
    pub(super) fn flag_loop(&mut self, l: &Loop) -> Option<Done> {
        let (item, body) = match l.indexed {
            false => (l.name.clone(), l.body.clone()),
            true => {
                let body = indexed_body(&l.body, &l.list, &l.name)?;
                (ITEM.to_string(), body)
            }
        };
        self.flag_body(&l.list, &item, &body)
    }

    /// The body of a loop (or a `forEach` callback) over `list` naming each item `item`.
    pub(super) fn flag_body(&mut self, list: &Expr, item: &str, body: &[Stmt]) -> Option<Done> {
        if self.phase == Phase::PreRequest || self.each_base.is_some() || self.swallowed {
            return None;
        }
        let Some(Subject::Json(list)) = self.subject(list) else {
            return None;
        };
        let shown: Vec<&Stmt> = body.iter().filter(|s| !is_console_stmt(s)).collect();
        let [only] = shown.as_slice() else {
            return None;
        };
        let StmtKind::If(cond, then, otherwise) = &only.kind else {
            return None;
        };
        let (flag, value) = flag_set(then)?;
        let start = match self.aliases.get(&flag) {
            Some(Some(Subject::Value(Y::Bool(b)))) => Some(*b),
            // `var found;`: undefined, which is falsy.
            Some(None) => None,
            _ => return None,
        };
        let negated = || Expr::Unary("!", Box::new(cond.clone()));
        let (kind, cond) = match flag_set(otherwise) {
            _ if otherwise.iter().all(is_console_stmt) => match (value, start) {
                (true, None | Some(false)) => (Kind::Some, cond.clone()),
                (false, Some(true)) => (Kind::Every, negated()),
                _ => return None,
            },
            Some((other, v)) if other == flag && v != value => match value {
                true => (Kind::Last, cond.clone()),
                false => (Kind::Last, negated()),
            },
            _ => return None,
        };
        let f = Flag {
            list,
            item: item.to_string(),
            cond,
            kind,
        };
        // Said only when the check of the flag can be: else the loop stays for a human.
        self.staged_flag(&f)?;
        self.flags.insert(flag, f);
        Some(Done::Converted)
    }

    /// `pm.expect(true).to.eql(found)`, `pm.expect(found).to.be.true`, `tests["..."] = found`:
    /// the check the flag stands for.
    pub(super) fn flag_check(&mut self, e: &Expr) -> Option<Done> {
        let name = chain::flag_asserted(e).or(match e {
            Expr::Ident(n) => Some(n.as_str()),
            _ => None,
        })?;
        let f = self.flags.get(name)?.clone();
        self.out.assertions_seen += 1;
        let staged = self.staged_flag(&f)?;
        let base = (f.kind == Kind::Every).then(|| format!("{}[*]", f.list));
        let outer = std::mem::replace(&mut self.each_base, base);
        // An item without the field does not clear the flag (`undefined <= 0` is false): it
        // need not have it.
        let outer_lenient = std::mem::replace(&mut self.lenient_items, true);
        let written = self.commit(staged);
        self.lenient_items = outer_lenient;
        self.each_base = outer;
        if !written {
            self.out.assertions_seen -= 1;
            return None;
        }
        self.out.assertions += 1;
        Some(Done::Converted)
    }

    /// The predicates of a flag's check.
    fn staged_flag(&mut self, f: &Flag) -> Option<Staged> {
        let mut staged = Staged::default();
        if f.kind == Kind::Some {
            let filter = self.filter_of(&f.item, &f.cond)?;
            let found = Subject::Json(format!("{}[?{filter}]", f.list));
            staged.0.push((found, "exists", Y::Bool(true), false));
            return Some(staged);
        }
        let at = match f.kind {
            Kind::Every => format!("{}[*]", f.list),
            _ => format!("{}[-1]", f.list),
        };
        let before = self.aliases.insert(f.item.clone(), Some(Subject::Json(at)));
        let read = chain::boolean(self, &f.cond, false, &mut staged);
        match before {
            Some(b) => self.aliases.insert(f.item.clone(), b),
            None => self.aliases.remove(&f.item),
        };
        read.then_some(staged)
    }
}

/// `flag = true` (with `break` and console output around it): the flag and its value.
fn flag_set(branch: &[Stmt]) -> Option<(String, bool)> {
    let mut found = None;
    for s in branch {
        match &s.kind {
            StmtKind::Assign(Expr::Ident(n), Expr::Bool(b)) if found.is_none() => {
                found = Some((n.clone(), *b));
            }
            StmtKind::Expr(Expr::Ident(w)) if w == "break" => {}
            _ if is_console_stmt(s) => {}
            _ => return None,
        }
    }
    found
}

/// The body of `for (i = 0; i < list.length; i++)` with each `list[i]` read as [`ITEM`];
/// none when it reads `i` otherwise.
fn indexed_body(body: &[Stmt], list: &Expr, i: &str) -> Option<Vec<Stmt>> {
    let index = Expr::Index(Box::new(list.clone()), Box::new(Expr::Ident(i.to_string())));
    let item = Expr::Ident(ITEM.to_string());
    let out: Vec<Stmt> = body.iter().map(|s| s.replaced(&index, &item)).collect();
    let reads_i = out.iter().any(|s| s.mentions(i));
    (!reads_i).then_some(out)
}
