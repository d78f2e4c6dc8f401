//! A test script that sends its own request again until the response says it may go on —
//! Postman's polling:
//!
//! ```js
//! if (pm.response.json().status !== "done") {
//!     setTimeout(() => {}, 2000);
//!     postman.setNextRequest(pm.info.requestName);
//! }
//! ```
//!
//! becomes `retry: { until: { json: { $.status: done } }, delay: 2s }`: sent until the
//! opposite of the condition holds. Newman loops without an end; yarc stops after
//! [`ATTEMPTS`] sends and fails the request, saying so. A loop bounded by a counter the script
//! keeps — `if (!j.done && polls < 8) { set("polls", polls + 1); setNextRequest(...); return; }`
//! — is sent at most as often as Newman sends it (9 times there).

use super::js::{Expr, Stmt, StmtKind};
use super::{
    Converter, Done, Phase, Staged, Subject, chain, is_console_stmt, is_next_request, path, reads,
    set_call,
};
use crate::import::yaml_out::Y;

/// The most sends of one polled request.
pub(super) const ATTEMPTS: u64 = 100;

impl Converter {
    /// `if (cond) { setNextRequest(<this request>) }`: `retry.until` the opposite of `cond`.
    pub(super) fn send_again(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        if self.phase != Phase::Test || self.out.retry.is_some() || self.swallowed {
            return None;
        }
        // `else { checks }`: made on the response the polling ends with, where the `else`
        // runs (written after `retry` is, as `once_polled` writes a later `if`).
        let checks_after = !otherwise.iter().all(is_console_stmt);
        let (cond, attempts, then, counter) = match self.bounded(cond, then) {
            Some((rest, attempts, counter, kept)) => (rest, attempts, kept, Some(counter)),
            None => (cond, ATTEMPTS, then.to_vec(), None),
        };
        let wait = self.again_to_self(&then)?;
        let until = self.condition_said(cond, true)?;
        if self.kept_not_answered(&until) {
            return None;
        }
        // Its `unset` after the loop is done with it only when the loop is converted.
        // The count is the loop's bookkeeping (`retry` counts sends): set before the `if`
        // (`const n = (get("n") || 0) + 1; set("n", n)`) it goes too, as its unset after.
        if let Some(c) = &counter {
            self.out.sets.remove(&crate::import::vars::ident(c));
        }
        self.poll_counter = counter;
        let mut retry = Y::map();
        retry.set("attempts", Y::Num(attempts.into()));
        retry.set("delay", Y::str(format!("{wait}ms")));
        retry.set("until", until);
        self.out.retry = Some(retry);
        if checks_after && !self.statements(otherwise) {
            return Some(Done::Kept(super::KEPT_AROUND));
        }
        Some(Done::Converted)
    }

    /// A condition on variables alone, none of them taken from this response (what is left of a
    /// list of payloads, a counter): no polling but a loop over what the scripts keep, every
    /// send judged as Newman judges each ([`Converter::repeat_while`]).
    fn kept_not_answered(&self, until: &Y) -> bool {
        let Y::Map(entries) = until else {
            return false;
        };
        let captured = self.out.capture.entries();
        matches!(entries.as_slice(), [(k, Y::Map(vars))] if k == "vars"
            && vars.iter().all(|(name, _)| captured.iter().all(|(c, _)| c != name)))
    }

    /// `count++; set("count", count); if (count < 200) { setNextRequest(<this request>) } else
    /// { setNextRequest(<the next>) }`: a condition on variables, not on the response —
    /// `repeat: { while: "{{ count < 200 }}" }`, every send judged as Newman judges each. A
    /// local the script stored with `set()` is read as that variable: `while:` is read after
    /// the send, when the variable holds what the script's local held.
    pub(super) fn repeat_while(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        if self.phase != Phase::Test
            || self.out.retry.is_some()
            || self.out.repeat.is_some()
            || self.swallowed
            || self.again_to_self(then)? != 0
        {
            return None;
        }
        let onward = otherwise.iter().filter(|s| !is_console_stmt(s)).count();
        let jumps = |s: &Stmt| matches!(&s.kind, StmtKind::Expr(e) if is_next_request(e));
        if onward > 1 || otherwise.iter().any(|s| !is_console_stmt(s) && !jumps(s)) {
            return None;
        }
        let mut test = self.condition_jinja(cond)?;
        for (name, value) in self.out.sets.entries() {
            let Y::Str(v) = value else { continue };
            let Some(inner) = crate::import::vars::one_expression(&v) else {
                continue;
            };
            for form in [format!("({inner})"), inner.to_string()] {
                test = test.replace(&form, &crate::import::vars::ident(&name));
            }
        }
        let mut repeat = Y::map();
        repeat.set("while", Y::str(format!("{{{{ {test} }}}}")));
        self.out.repeat = Some(repeat);
        Some(Done::Converted)
    }

    /// `!j.done && polls < 8` with `set("polls", polls + 1)` and `return` in the branch: the
    /// condition without the counter, how many sends the counter allows, the counter's name,
    /// and the branch without its bookkeeping. `polls` reads the counter as it was (0 on the
    /// first send), so sends go on while it is below 8: 9 of them (10 for `<=`).
    fn bounded<'c>(
        &self,
        cond: &'c Expr,
        then: &[Stmt],
    ) -> Option<(&'c Expr, u64, String, Vec<Stmt>)> {
        let Expr::Binary("&&", a, b) = cond else {
            return None;
        };
        fn counted(e: &Expr) -> Option<(&Expr, u64)> {
            match e {
                Expr::Binary(op @ ("<" | "<="), c, n) => match &**n {
                    Expr::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n < ATTEMPTS as f64 => {
                        Some((&**c, *n as u64 + if *op == "<=" { 2 } else { 1 }))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        let (rest, (read, attempts)) = match (counted(a), counted(b)) {
            (Some(x), None) => (&**b, x),
            (None, Some(x)) => (&**a, x),
            _ => return None,
        };
        let in_branch = then.iter().find_map(|s| match &s.kind {
            StmtKind::Expr(e) => match set_call(e)? {
                (Expr::Str(name), _) => Some(name.clone()),
                _ => None,
            },
            _ => None,
        });
        let Some(Subject::Value(Y::Str(t))) = self.subject(read) else {
            return None;
        };
        // `const n = (get("n") || 0) + 1; set("n", n); if (... && n < 5)`: counted before the
        // test, from 1 on the first send — one send fewer than a counter set in the branch.
        let (counter, attempts) = match in_branch {
            Some(c) if !t.contains("+ 1") => (c, attempts),
            Some(_) => return None,
            None => {
                let stored = (self.out.sets.entries().into_iter())
                    .find(|(_, v)| *v == Y::Str(t.clone()))
                    .map(|(name, _)| name)?;
                (stored, attempts.checked_sub(1).filter(|n| *n > 0)?)
            }
        };
        if !reads(&t, &crate::import::vars::ident(&counter)) {
            return None;
        }
        let kept = then
            .iter()
            .filter(|s| match &s.kind {
                StmtKind::Expr(e) => set_call(e).is_none(),
                StmtKind::Return(None) => false,
                _ => true,
            })
            .cloned()
            .collect();
        Some((rest, attempts, counter, kept))
    }

    /// `if (data.status === "done") { checks }` after the request is polled until that very
    /// condition: it holds on the response yarc judges, so the checks are written as they are.
    pub(super) fn once_polled(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let until = self.out.retry.as_mut()?.get_mut("until")?.clone();
        if !otherwise.iter().all(is_console_stmt) {
            return None;
        }
        if self.condition_said(cond, false)? != until {
            return None;
        }
        Some(match self.statements(then) {
            true => Done::Converted,
            false => Done::Kept(super::KEPT_AROUND),
        })
    }

    /// A condition (or its opposite) as the `expect` map it would be: written apart from the
    /// request's own checks, for `until`.
    pub(super) fn condition_said(&mut self, cond: &Expr, negate: bool) -> Option<Y> {
        let mut staged = Staged::default();
        if !chain::boolean(self, cond, negate, &mut staged) {
            return None;
        }
        let checks = std::mem::take(&mut self.out.expect);
        let written = self.commit(staged);
        let said = std::mem::replace(&mut self.out.expect, checks);
        written.then_some(said)
    }

    /// A branch that only sends this request next (with console output, and a `setTimeout`
    /// that waits first): how long it waits, in milliseconds.
    fn again_to_self(&self, branch: &[Stmt]) -> Option<u64> {
        let mut wait = 0;
        let mut again = false;
        for s in branch.iter().filter(|s| !is_console_stmt(s)) {
            let StmtKind::Expr(e) = &s.kind else {
                return None;
            };
            match e {
                Expr::Call(_, args) if is_next_request(e) => {
                    again = !again && self.is_this_request(args.first()?);
                    if !again {
                        return None;
                    }
                }
                Expr::Call(callee, args) if matches!(&**callee, Expr::Ident(f) if f == "setTimeout") =>
                {
                    let idle = match args.first() {
                        Some(Expr::Func(_, body)) => body.iter().all(is_console_stmt),
                        _ => false,
                    };
                    match args.get(1) {
                        Some(Expr::Num(ms)) if idle && *ms >= 0.0 && ms.fract() == 0.0 => {
                            wait += *ms as u64;
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        again.then_some(wait)
    }

    /// `pm.info.requestName`, or this request's name written out.
    pub(super) fn is_this_request(&self, target: &Expr) -> bool {
        match target {
            Expr::Str(n) => self.own_name.as_deref() == Some(n.as_str()),
            e => path(e).as_deref() == Some("pm.info.requestName"),
        }
    }
}
