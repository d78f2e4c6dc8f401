//! A pre-request script that polls a job with a function calling itself after a pause — the
//! FHIR bulk-data way of waiting for an export:
//!
//! ```js
//! function awaitJob(retryCount) {
//!     pm.sendRequest(jobRequest, function (err, response) {
//!         if (err) { console.error(err); }
//!         else if (response.code == 202) {
//!             if (retryCount < maxRetries) {
//!                 setTimeout(function () { awaitJob(++retryCount); }, retryDelay);
//!             } else { postman.setNextRequest(null); }
//!         }
//!     });
//! }
//! awaitJob(1);
//! ```
//!
//! The request it sends becomes a request of the collection (as any `pm.sendRequest`) with
//! `retry: { attempts: 25, delay: 5000ms, until: { status: { not: 202 } } }`: sent again while
//! the branch's condition holds, as often as the count allows. When the count runs out,
//! Newman ends the run (or fails a check); yarc fails that request, saying why.

use super::js::{Expr, Stmt, StmtKind};
use super::{Converter, path};
use crate::import::yaml_out::Y;

/// The `if (n < max)` that sends again, and what it says.
struct Again<'s> {
    /// The branch condition under which the request is sent again (`response.code == 202`).
    cond: &'s Expr,
    /// The `if (n < max) { setTimeout(...) } else { ... }` statement.
    stmt: &'s Stmt,
    /// Sends the count allows, from the first call's argument.
    limit: &'s Expr,
    inclusive: bool,
    delay: &'s Expr,
}

impl Converter {
    /// For a call `f(args)` of a function of the script whose body polls (see the module): the
    /// body without the `if` that sends again (its lines read as done), and the sent request's
    /// `retry:`.
    pub(super) fn polled_send(
        &mut self,
        f: &str,
        params: &[String],
        args: &[Expr],
        body: &[Stmt],
    ) -> Option<(Vec<Stmt>, Y)> {
        let [only] = body else { return None };
        let StmtKind::Expr(Expr::Call(send, send_args)) = &only.kind else {
            return None;
        };
        let [_, Expr::Func(cb_params, cb_body)] = send_args.as_slice() else {
            return None;
        };
        if path(send).as_deref() != Some("pm.sendRequest") {
            return None;
        }
        let (counter, response) = (params.first()?, cb_params.get(1)?);
        let again = self.again_in(cb_body, f, counter)?;
        let start = self.number(args.first()?)?;
        let limit = self.number(again.limit)?;
        let attempts = limit - start + if again.inclusive { 2.0 } else { 1.0 };
        let delay = self.number(again.delay)?;
        if !(1.0..=super::again::ATTEMPTS as f64).contains(&attempts)
            || !(0.0..=3.6e6).contains(&delay)
        {
            return None;
        }
        let pm_response = Expr::Member(Box::new(Expr::Ident("pm".into())), "response".into());
        let cond = again
            .cond
            .replaced(&Expr::Ident(response.clone()), &pm_response);
        let until = self.condition_said(&cond, true)?;
        let mut retry = Y::map();
        retry.set("attempts", Y::Num((attempts as u64).into()));
        retry.set("delay", Y::str(format!("{}ms", delay as u64)));
        retry.set("until", until);
        self.converted.extend(again.stmt.first..=again.stmt.last);
        let skip = again.stmt.clone();
        Some((without(body, &skip), retry))
    }

    /// The `if (n < max) { ...; setTimeout(function () { f(++n) }, delay) } else { ... }`
    /// directly inside a branch of the callback (through `else if` chains), with that branch's
    /// condition.
    fn again_in<'s>(&self, stmts: &'s [Stmt], f: &str, counter: &str) -> Option<Again<'s>> {
        for s in stmts {
            let StmtKind::If(cond, then, otherwise) = &s.kind else {
                continue;
            };
            for t in then {
                if let Some(again) = self.again_if(cond, t, f, counter) {
                    return Some(again);
                }
            }
            if let Some(again) = self.again_in(otherwise, f, counter) {
                return Some(again);
            }
        }
        None
    }

    fn again_if<'s>(&self, cond: &'s Expr, s: &'s Stmt, f: &str, n: &str) -> Option<Again<'s>> {
        let StmtKind::If(Expr::Binary(op @ ("<" | "<="), count, limit), then, _) = &s.kind else {
            return None;
        };
        if !matches!(&**count, Expr::Ident(c) if c == n) {
            return None;
        }
        let delay = then.iter().find_map(|t| self.pause_then_call(t, f, n))?;
        Some(Again {
            cond,
            stmt: s,
            limit,
            inclusive: *op == "<=",
            delay,
        })
    }

    /// `setTimeout(function () { f(++n); }, delay)` (or `f(n + 1)`): its delay.
    fn pause_then_call<'s>(&self, s: &'s Stmt, f: &str, n: &str) -> Option<&'s Expr> {
        let StmtKind::Expr(Expr::Call(callee, args)) = &s.kind else {
            return None;
        };
        let [Expr::Func(params, body), delay] = args.as_slice() else {
            return None;
        };
        if path(callee).as_deref() != Some("setTimeout") || !params.is_empty() {
            return None;
        }
        let [call] = body.as_slice() else { return None };
        // `f(++n)` is no expression the reader models: its line says it.
        let text = self.lines.get(call.first.checked_sub(1)?)?.trim();
        let (f, n) = (regex::escape(f), regex::escape(n));
        let again = format!(r"(?:^|[^.\w$]){f}\s*\(\s*(?:\+\+\s*{n}|{n}\s*\+\s*1)\s*\)");
        regex::Regex::new(&again)
            .is_ok_and(|re| re.is_match(text))
            .then_some(delay)
    }
}

/// `stmts` without `gone`, at any depth of `if`s and callbacks.
fn without(stmts: &[Stmt], gone: &Stmt) -> Vec<Stmt> {
    let inner = |e: &Expr| match e {
        Expr::Call(callee, args) => Expr::Call(
            callee.clone(),
            args.iter()
                .map(|a| match a {
                    Expr::Func(p, b) => Expr::Func(p.clone(), without(b, gone)),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    stmts
        .iter()
        .filter(|s| *s != gone)
        .map(|s| {
            let kind = match &s.kind {
                StmtKind::If(c, t, o) => {
                    StmtKind::If(c.clone(), without(t, gone), without(o, gone))
                }
                StmtKind::Expr(e) => StmtKind::Expr(inner(e)),
                other => other.clone(),
            };
            Stmt {
                kind,
                first: s.first,
                last: s.last,
            }
        })
        .collect()
}
