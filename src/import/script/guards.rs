//! Conditions that decide what a script sets or whether a request runs: run-once blocks, a
//! value set when unset, a thrown refusal, and what makes a condition true or false.

use super::*;

impl Converter {
    /// `if (!isInitialized || isInitialized === "") { ...; set("_initialized", "true") }` in a
    /// pre-request script (the flag read before, `pm.collectionVariables.get(...)`): a block
    /// that runs once, before the first request — each set in it keeps, from then on, what the
    /// variable holds (`{{ x if _initialized else ... }}`), the flag last.
    pub(super) fn once_block(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
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
        if crate::import::vars::ident(last) != flag_name || !truthy {
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
    pub(super) fn set_if_unset(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let Expr::Unary("!", read) = cond else {
            return None;
        };
        // A variable's value (`pm.environment.get("x")`, a data file's `data.x`).
        let read_name = match self.subject(read) {
            Some(Subject::Value(Y::Str(t))) => var_name(&t)?,
            _ => return None,
        };
        // `const d = new Date(); d.setDate(d.getDate() + 1); set("date", ...)`: locals the
        // set's value is made of come first.
        let (prelude, then) = match then.split_last() {
            Some((last, lead)) if otherwise.is_empty() && lead.iter().all(local_only) => {
                (lead, std::slice::from_ref(last))
            }
            _ => (&[][..], then),
        };
        let (given, kept) = (only_sets(then)?, only_sets(otherwise)?);
        // Without an `else`, one set of the variable read: it keeps its value when it has one.
        if kept.is_empty() {
            let [(e, key @ Expr::Str(k), value)] = given.as_slice() else {
                return None;
            };
            if crate::import::vars::ident(k) != read_name {
                return None;
            }
            if !self.statements_here(prelude) {
                return Some(Done::Kept(KEPT_FLOW));
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
    pub(super) fn set_or_else(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
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
    pub(super) fn refusal(&mut self, cond: &Expr) -> Option<Done> {
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
    pub(super) fn thrown_check(&mut self, cond: &Expr) -> Option<Done> {
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
    pub(super) fn not_so(&self, cond: &Expr, out: &mut Vec<(String, Y)>) -> Option<()> {
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
            // `user != "a" && user != "b"`: false when it is one of them.
            Expr::Binary("&&", ..) => {
                let mut values = Vec::new();
                let name = self.one_of_not_equal(cond, &mut values)?;
                (name, Y::Map(vec![("in".into(), Y::Seq(values))]))
            }
            // `!pm.environment.has("x")`: set, whatever its value.
            Expr::Unary("!", inner) if let Some(Subject::VarSet(name)) = self.subject(inner) => {
                (crate::import::vars::ident(&name), has_var(&name))
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

    /// The variable of `x != "a" && x != "b"` (each part a literal other than nothing),
    /// with the values it is told apart from.
    fn one_of_not_equal(&self, cond: &Expr, values: &mut Vec<Y>) -> Option<String> {
        let Expr::Binary(op, a, b) = cond else {
            return None;
        };
        let name = match *op {
            "&&" => {
                let left = self.one_of_not_equal(a, values)?;
                (self.one_of_not_equal(b, values)? == left).then_some(left)?
            }
            "!=" | "!==" => {
                let mut part = Vec::new();
                self.not_so(cond, &mut part)?;
                let [(name, value)] = <[_; 1]>::try_from(part).ok()?;
                if matches!(value, Y::Map(_)) {
                    return None;
                }
                values.push(value);
                name
            }
            _ => return None,
        };
        Some(name)
    }

    /// A condition on the collection's settings only — variables and literals, not the
    /// response (`if (!environment.isIntegrationTest)`, `if (pm.environment.get("strict"))`):
    /// the same for every run of a collection, so its checks are written as they stand.
    pub(super) fn is_setting(&self, cond: &Expr) -> bool {
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
    pub(super) fn present_in(&self, cond: &Expr) -> Vec<String> {
        match self.bound(cond) {
            Expr::Binary("&&", a, b) => {
                let mut out = self.present_in(a);
                out.extend(self.present_in(b));
                out
            }
            Expr::Binary("!==" | "!=", a, b) if matches!(&**b, Expr::Undefined | Expr::Null) => {
                self.present_in(a)
            }
            // `if (list.length > 0)`: as `if (list.length)`.
            Expr::Binary(">" | "!==" | "!=", a, b) if **b == Expr::Num(0.0) => {
                match self.subject(a) {
                    Some(Subject::Length(_)) => self.present_in(a),
                    _ => Vec::new(),
                }
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
    pub(super) fn is_guard(&self, cond: &Expr) -> bool {
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
}

/// A statement that only makes a local or moves a local time (`const d = new Date()`,
/// `d.setDate(d.getDate() + 1)`), or says something.
fn local_only(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Let(decls) => !decls.iter().any(|(_, e)| matches!(e, Expr::Func(..))),
        StmtKind::Expr(Expr::Call(callee, _)) => {
            let date_setter = |m: &str| {
                let m = m.strip_prefix("setUTC").or_else(|| m.strip_prefix("set"));
                let parts = [
                    "FullYear", "Month", "Date", "Hours", "Minutes", "Seconds", "Time",
                ];
                m.is_some_and(|m| parts.contains(&m) || m == "Milliseconds")
            };
            matches!(&**callee, Expr::Member(on, m) if matches!(&**on, Expr::Ident(_)) && date_setter(m))
                || is_console_stmt(s)
        }
        _ => is_console_stmt(s),
    }
}
