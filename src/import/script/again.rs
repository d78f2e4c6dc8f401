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
//! [`ATTEMPTS`] sends and fails the request, saying so.

use super::js::{Expr, Stmt, StmtKind};
use super::{Converter, Done, Phase, Staged, chain, is_console_stmt, is_next_request, path};
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
        if !otherwise.iter().all(is_console_stmt) {
            return None;
        }
        let wait = self.again_to_self(then)?;
        let until = self.condition_said(cond, true)?;
        let mut retry = Y::map();
        retry.set("attempts", Y::Num(ATTEMPTS.into()));
        retry.set("delay", Y::str(format!("{wait}ms")));
        retry.set("until", until);
        self.out.retry = Some(retry);
        Some(Done::Converted)
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
    fn condition_said(&mut self, cond: &Expr, negate: bool) -> Option<Y> {
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
    fn is_this_request(&self, target: &Expr) -> bool {
        match target {
            Expr::Str(n) => self.own_name.as_deref() == Some(n.as_str()),
            e => path(e).as_deref() == Some("pm.info.requestName"),
        }
    }
}
