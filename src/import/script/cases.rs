//! Checks under a condition (a status, a guard on the body, a variable): `expect` cases, each
//! with its `when:`, and the rest of a script that runs when an early `return` does not.

use super::*;

impl Converter {
    /// A loop (or an `if`) kept as it is: checks of the response in it (outside any `pm.test`,
    /// which says so itself) are tests Postman decides and yarc cannot, so the request must
    /// not pass silently (`fail:`).
    pub(super) fn unchecked_loop(&mut self, s: &Stmt) -> Done {
        let stmt = std::slice::from_ref(s);
        // Also a `pm.test` in the loop: the loop is kept whole, so its tests are never read.
        let checks = self.lines_with(s, &["tests[", "pm.expect(", "pm.response.to."]) > 0;
        // What a loop's item reads is the response too (`instance.qty`).
        let text = self.text_of(stmt);
        let of_items = (self.aliases.iter())
            .any(|(n, a)| matches!(a, Some(Subject::Json(_))) && mentions(&text, n));
        if checks
            && !self.swallowed
            && self.phase != Phase::PreRequest
            && (self.reads_response(stmt) || of_items)
            && !self.reads_own_set(stmt)
        {
            // Its head (`for (var i in data)`, `if (one.id == x)`), not what a one-line body holds.
            let first = text.trim().lines().next().unwrap_or_default();
            let head = first.split('{').next().unwrap_or(first).trim();
            let head: String = head.chars().take(80).collect();
            self.out.unchecked.push(format!("the checks in `{head}`"));
        }
        self.flow(s)
    }

    /// A condition or loop: kept, and what it holds counted as seen (a conditional check
    /// cannot be a static one).
    pub(super) fn flow(&mut self, s: &Stmt) -> Done {
        self.out.assertions_seen += self.assertion_lines(s);
        self.out.sets_seen += self.lines_with(s, SET_CALLS);
        Done::Kept(KEPT_FLOW)
    }

    /// `if (data.id) { pm.environment.set("id", data.id) } else { console.log(...) }`: the
    /// guard only says the value is there, which a capture checks itself. Sets and console
    /// output only; anything else leaves the `if` to a human.
    ///
    /// `if (pm.response.code === 200) { pm.test(...) }` (or a presence guard): the checks are
    /// written unconditionally. When the guard fails Postman skips them and yarc fails them —
    /// loud, where dropping them would pass a request Postman fails.
    /// `if (res.error) { console.log(...) } else { pm.environment.set(...) }`: the sets.
    ///
    /// A guard on the status (`if (pm.response.code == 201)`) is a condition of the captures
    /// it holds (`when: { status: 201 }`): on another status Postman sets nothing, and the
    /// variables keep what they had.
    pub(super) fn guarded(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let console_only = |b: &[Stmt]| b.iter().all(says_only);
        let read_else = console_only(then) && !console_only(otherwise);
        // Sets in both branches (`else { set("token", "") }`) are one value either way.
        let when = match !console_only(then) && !console_only(otherwise) {
            true => None,
            false => self.capture_condition(cond, read_else),
        };
        let (branch, other) = match read_else {
            true => (otherwise, then),
            false => (then, otherwise),
        };
        let on_body = match when {
            Some(_) => None,
            None if other.iter().all(says_only) => self.body_condition(cond, branch, read_else),
            None => None,
        };
        let captured_before = self.out.capture.entries();
        let outer = std::mem::replace(&mut self.when, when.clone().or(on_body.clone()));
        let done = match on_body {
            Some(_) => Some(match self.guarded_sets(branch) {
                true => Done::Converted,
                false => Done::Kept(KEPT_AROUND),
            }),
            None => self.guarded_branch(cond, then, otherwise),
        };
        self.when = outer;
        let when = when.or(on_body);
        if let (Some(done), Some(when)) = (&done, when)
            && matches!(done, Done::Converted | Done::Kept(_))
        {
            self.conditional_captures(&captured_before, &when);
        }
        done
    }

    /// `if (json.object === "refund") { pm.environment.set("refund_id", json.id) }`: a
    /// condition on what the response holds, over sets only, is the `when:` of their captures
    /// (`{ json: { $.object: refund } }`): when it does not hold the variables keep what they
    /// had, as in Postman. A presence guard (`if (data.id)`) is not one: the capture itself
    /// says what it makes of a missing value.
    fn body_condition(&mut self, cond: &Expr, branch: &[Stmt], negate: bool) -> Option<Y> {
        let is_set = |s: &Stmt| matches!(&s.kind, StmtKind::Expr(e) if set_call(e).is_some());
        let sets_only = branch.iter().all(|s| is_set(s) || is_console_stmt(s));
        let positive = without_not(cond);
        if self.when.is_some()
            || !sets_only
            || !branch.iter().any(is_set)
            || self.is_guard(positive)
        {
            return None;
        }
        self.case_condition(cond, negate)
    }

    /// The sets of a block that runs under a condition (a status or a value of the response,
    /// in `self.when`), each converted as it stands; whether all were.
    fn guarded_sets(&mut self, block: &[Stmt]) -> bool {
        let mut all = true;
        for s in block {
            if let StmtKind::Expr(e) = &s.kind
                && let Some((key, value)) = set_call(e)
            {
                let done = matches!(self.set(key, value, set_scope(e)), Done::Converted);
                if done {
                    // Shown as converted even when a set beside it is kept.
                    self.converted.extend(s.first..=s.last);
                }
                all &= done;
            } else {
                // `console.log(JSON.stringify(pm.response.json().booking.dates))` throws in
                // Postman without `booking`: what it reads must be there, as everywhere.
                self.require_reads(s);
            }
        }
        all
    }

    /// `if (pm.variables.get("autoCatchup") == "true") { checks } else { other checks }` in a
    /// test script: a setting decides the branch (the collection's `autoCatchup` is ""), so
    /// each branch's checks are a case whose `when:` is that setting as the request was
    /// rendered with it (`vars: { autoCatchup: "true" }`, then `{ not: "true" }`).
    pub(super) fn setting_cases(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let has_checks = |c: &Self, b: &[Stmt]| b.iter().any(|s| c.assertion_lines(s) > 0);
        let sets = |c: &Self, b: &[Stmt]| b.iter().any(|s| c.lines_with(s, SET_CALLS) > 0);
        if !self.cases_allowed(&[then, otherwise])
            || self.swallowed
            || self.each_base.is_some()
            || self.is_guard(cond)
            || !self.is_setting(cond)
            || !has_checks(self, otherwise)
            || matches!(
                otherwise,
                [Stmt {
                    kind: StmtKind::If(..),
                    ..
                }]
            )
            || sets(self, then)
            || sets(self, otherwise)
        {
            return None;
        }
        let all = self.checks_then_return(cond, then, otherwise)?;
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `if (pm.response.code === 202) { checks } else if (pm.response.code === 200) { checks }`:
    /// each branch's checks (and captures) apply only when its status holds — `expect.cases`,
    /// as Postman runs one branch; a last `else` is the case of every other status. A guard of
    /// checks on the body (`if (data?.status) { pm.test(...) }`) is a case too, its `else` the
    /// case of the opposite.
    pub(super) fn status_cases(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        // Inside a case, a case of its own holds checks only: a capture's `when` is one —
        // unless the outer one is on variables alone, which a `when:` on the status joins.
        let sets =
            |c: &Self| (then.iter().chain(otherwise)).any(|s| c.lines_with(s, SET_CALLS) > 0);
        let outer = self.when.as_ref().map(Y::entries).unwrap_or_default();
        if !self.cases_allowed(&[then, otherwise])
            || (outer.iter().any(|(k, _)| k != "vars") && sets(self))
            || self.each_base.is_some()
            || then.iter().all(says_only)
        {
            return None;
        }
        // What only logs when the status is another is no branch.
        let otherwise = match otherwise.iter().all(says_only) {
            true => &[],
            false => otherwise,
        };
        let mut branches: Vec<(Y, &[Stmt])> = Vec::new();
        let mut codes = Some(Vec::new());
        let mut named = cond.clone();
        let first = cond;
        let (mut cond, mut then, mut rest) = (cond, then, otherwise);
        let mut on_body = false;
        loop {
            let when = match self.capture_condition(cond, false) {
                Some(when) => when,
                None => {
                    on_body = true;
                    self.case_condition(cond, false)?
                }
            };
            if on_body && !self.a_case_on_the_body(then) {
                return None;
            }
            // The codes named so far, while each branch names codes (for a last `else`).
            codes = codes.zip(status_codes(&when)).map(|(mut c, more)| {
                c.extend(more);
                c
            });
            branches.push((when, then));
            match rest {
                [] => break,
                [
                    Stmt {
                        kind: StmtKind::If(c, t, o),
                        ..
                    },
                ] => {
                    named = Expr::Binary("||", Box::new(named), Box::new(c.clone()));
                    (cond, then, rest) = (c, t, o);
                }
                // `else { pm.expect.fail(...) }`: a status none of the branches names fails.
                last if fails_always(last) => {
                    if !self.written_check(|c, out| chain::boolean(c, &named, false, out)) {
                        return None;
                    }
                    break;
                }
                // `if (data.items.length) { ... } else { ... }` on the body: the `else` is
                // the case of its opposite.
                last if on_body && branches.len() == 1 => {
                    let opposite = self.case_condition(first, true);
                    branches.push((opposite.or_else(|| opposite_when(&branches[0].0))?, last));
                    break;
                }
                last => {
                    let others = Y::Map(vec![("in".into(), Y::Seq(codes?))]);
                    let status = Y::Map(vec![("not".into(), others)]);
                    branches.push((Y::Map(vec![("status".into(), status)]), last));
                    break;
                }
            }
        }
        self.expected_errors(&branches);
        let mut all = true;
        for (when, block) in branches {
            all &= self.status_case(when, block);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// Whether a branch under a guard on the body is a case: it checks, or only unsets
    /// (`if (body.loggedOut) { pm.environment.unset("token") }`: captures with its `when:`). A
    /// branch of sets alone is a guarded capture (`optional`).
    fn a_case_on_the_body(&self, then: &[Stmt]) -> bool {
        let checks = then.iter().any(|s| {
            self.lines_with(s, &["tests[", "pm.expect(", "pm.test(", "pm.response.to."]) > 0
        });
        let unsets_only = then
            .iter()
            .all(|s| says_only(s) || matches!(&s.kind, StmtKind::Expr(e) if unset_call(e)));
        checks || unsets_only
    }

    /// `case 404: pm.test(...)`: a branch for an error status says the script expects it, and
    /// Postman passes the request on it. yarc fails a 4xx or 5xx answer to a request with no
    /// `expect.status`, so the statuses the branches name join the 2xx and 3xx it passes.
    fn expected_errors(&mut self, branches: &[(Y, &[Stmt])]) {
        let errors: Vec<Y> = (branches.iter())
            .filter_map(|(when, _)| status_codes(when))
            .flatten()
            .filter(|c| matches!(c, Y::Num(n) if n.as_f64().is_some_and(|n| n >= 400.0)))
            .collect();
        if errors.is_empty() || self.out.expect.get_mut("status").is_some() || self.when.is_some() {
            return;
        }
        let mut allowed = vec![Y::str("2xx"), Y::str("3xx")];
        allowed.extend(errors);
        self.out.expect.set("status", Y::Seq(allowed));
    }

    /// One branch of [`Self::status_cases`] (or the rest of a script, [`Self::rest_when`]): its
    /// checks become a case, its captures get `when`.
    pub(super) fn status_case(&mut self, when: Y, block: &[Stmt]) -> bool {
        let outer = std::mem::take(&mut self.out.expect);
        let captured_before = self.out.capture.entries();
        let outer_when = self.when.replace(when.clone());
        let all = self.statements(block);
        self.when = outer_when;
        self.conditional_captures(&captured_before, &when);
        let mut checks = std::mem::replace(&mut self.out.expect, outer);
        if checks.is_empty_map() {
            return all;
        }
        tidy(&mut checks);
        let mut case = Y::Map(vec![("when".into(), when)]);
        for (k, v) in checks.entries() {
            case.set(k, v);
        }
        let cases = self.out.expect.child("cases");
        match cases {
            Y::Seq(list) => list.push(case),
            other => *other = Y::Seq(vec![case]),
        }
        all
    }

    /// The condition of a status guard, as the checks `when:` holds; None for any other.
    pub(super) fn capture_condition(&mut self, cond: &Expr, negate: bool) -> Option<Y> {
        self.status_checks(|c, out| chain::boolean(c, cond, negate, out))
    }

    /// The condition of a guard of checks, as the checks a case's `when:` holds: on the
    /// status, or on what the response holds (`if (data?.status)`, `if (data.items.length >
    /// 0)`, a header).
    pub(super) fn case_condition(&mut self, cond: &Expr, negate: bool) -> Option<Y> {
        if loose_with_variable(cond) {
            return None;
        }
        self.response_checks(|c, out| chain::boolean(c, cond, negate, out), true)
    }

    /// What `read` stages, as the checks a `when:` holds, when it checks the status alone.
    pub(super) fn status_checks(
        &mut self,
        read: impl FnOnce(&Self, &mut Staged) -> bool,
    ) -> Option<Y> {
        self.response_checks(read, false)
    }

    /// What `read` stages, as the checks a `when:` holds, when it checks the status alone or
    /// (`parts`) also the body's JSON values and the headers.
    pub(super) fn response_checks(
        &mut self,
        read: impl FnOnce(&Self, &mut Staged) -> bool,
        parts: bool,
    ) -> Option<Y> {
        if self.phase == Phase::PreRequest || self.each_base.is_some() {
            return None;
        }
        let mut staged = Staged::default();
        if !read(self, &mut staged) {
            return None;
        }
        let on_status = |s: &Subject| match s {
            Subject::Status | Subject::Reason => true,
            Subject::Json(_) | Subject::Header(_) | Subject::Length(_) | Subject::Size(_) => parts,
            _ => false,
        };
        if !staged.0.iter().all(|(s, ..)| on_status(s)) {
            return None;
        }
        let outer = std::mem::take(&mut self.out.expect);
        let written = self.commit(staged);
        let when = std::mem::replace(&mut self.out.expect, outer);
        written.then_some(when)
    }

    /// A check whose failure is swallowed: it fails nothing, and the rest of its block runs
    /// only when it holds. The first status check of the block says so (`when:` of the
    /// captures after it, see [`Self::close_swallowed_gate`]): it is converted; any other
    /// stays a comment.
    pub(super) fn swallowed_check(&mut self, when: Option<Y>) -> Done {
        match when {
            Some(when) if self.swallowed_gate.is_none() => {
                self.swallowed_gate = Some((self.out.capture.entries(), when));
                self.out.assertions += 1;
                Done::Converted
            }
            // It never fails in Postman: nothing is as exact (the line stays, saying so), and
            // the test around it is not failed for it.
            _ => {
                self.out.assertions += 1;
                Done::Kept(KEPT_SWALLOWED)
            }
        }
    }

    /// The end of a block whose failures are swallowed: the captures after its first status
    /// check get `when:` that status.
    pub(super) fn close_swallowed_gate(&mut self) {
        if let Some((before, when)) = self.swallowed_gate.take() {
            self.conditional_captures(&before, &when);
        }
    }

    /// Gives `when` to each capture written (or rewritten) since `before`.
    pub(super) fn conditional_captures(&mut self, before: &[(String, Y)], when: &Y) {
        for (name, mut capture) in self.changed_captures(before) {
            match capture.get_mut("when") {
                // A test's own status check inside a status guard: the test's, the nearer;
                // a member that must be there (`when: { json: ... }`) holds beside the status.
                Some(own) => {
                    for (k, v) in when.entries() {
                        match own.get_mut(&k) {
                            None => own.set(k, v),
                            // Checks of the body beside the capture's own (`$.user` must be
                            // there): each path the guard adds holds too.
                            Some(mine @ Y::Map(_)) => {
                                for (path, check) in v.entries() {
                                    if mine.get_mut(&path).is_none() {
                                        mine.set(path, check);
                                    }
                                }
                            }
                            Some(_) => {}
                        }
                    }
                }
                None => capture.set("when", when.clone()),
            }
            self.out.capture.set(name, capture);
        }
    }

    pub(super) fn guarded_branch(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let sets_only = |b: &[Stmt]| {
            b.iter().all(|s| {
                is_console_stmt(s) || matches!(&s.kind, StmtKind::Expr(e) if set_call(e).is_some())
            })
        };
        let console_only = |b: &[Stmt]| b.iter().all(says_or_passes);
        let positive = without_not(cond);
        if self.phase == Phase::Test
            && sets_only(then)
            && sets_only(otherwise)
            && !console_only(then)
            && !console_only(otherwise)
            && self.is_guard(positive)
        {
            return self.set_or_else(cond, then, otherwise);
        }
        if self.phase == Phase::PreRequest || !(self.is_guard(cond) || self.is_setting(cond)) {
            return None;
        }
        if !self.is_guard(cond) && console_only(otherwise) && !sets_only(then) {
            // `if (pm.environment.get("strict")) { checks }`: Postman checks only when the
            // setting holds — a case of it, as the run renders it.
            if let Some(all) = self.setting_case(cond, then) {
                return Some(all);
            }
        }
        let checks_only = |c: &Self, b: &[Stmt]| {
            b.iter().all(|s| {
                c.lines_with(s, &["tests[", "pm.expect(", "pm.test(", "pm.response.to."]) > 0
            })
        };
        // `if (list.length) { checks } else { a check of the empty case }`: the first branch's
        // checks are written (loud when the guard fails, as everywhere); the `else` is kept.
        let mut kept_else = false;
        let then = if console_only(otherwise) {
            then
        } else if console_only(then) && sets_only(otherwise) {
            // The value is read in the `else`: the guard asked whether something is missing.
            otherwise
        } else if !sets_only(then) && checks_only(self, otherwise) && self.is_guard(cond) {
            // (On a setting, the first branch may be the one Postman never runs.)
            kept_else = true;
            self.out.assertions_seen += otherwise
                .iter()
                .map(|s| self.assertion_lines(s))
                .sum::<usize>();
            then
        } else {
            return None;
        };
        if !sets_only(then) {
            let found = self.present_in(cond);
            let before = self.present.len();
            self.present.extend(found.iter().cloned());
            let held = self.held.len();
            self.held.extend(found);
            let all = self.statements(then);
            self.held.truncate(held);
            self.present.truncate(before);
            return Some(match all && !kept_else {
                true => Done::Converted,
                false => Done::Kept(KEPT_AROUND),
            });
        }
        // Under a status guard the set happens whenever the status holds: `when:` says so.
        self.guarded_set = self.when.is_none();
        let found = self.present_in(cond);
        let before = self.present.len();
        self.present.extend(found);
        let all = self.guarded_sets(then);
        self.present.truncate(before);
        self.guarded_set = false;
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// Whether checks may be cases here: in a request's test script, and in a collection's
    /// or folder's of blocks that only check (a capture there has no one request to be taken
    /// from).
    pub(super) fn cases_allowed(&self, blocks: &[&[Stmt]]) -> bool {
        match self.phase {
            Phase::Test => true,
            Phase::ScopeTest => {
                (blocks.iter().flat_map(|b| b.iter())).all(|s| self.lines_with(s, SET_CALLS) == 0)
            }
            Phase::PreRequest => false,
        }
    }

    /// The checks of `if (setting) { checks }` as the case of the setting holding (`vars:`),
    /// when the condition is one `vars:` can say (`x`, `!x`, `x == "a"`, `x != "a" && ...`).
    fn setting_case(&mut self, cond: &Expr, then: &[Stmt]) -> Option<Done> {
        if !self.cases_allowed(&[then]) || self.swallowed || self.each_base.is_some() {
            return None;
        }
        let all = match self.truthy_setting(cond) {
            Some((name, so)) => {
                let when = Y::Map(vec![("vars".into(), Y::Map(vec![(name, so)]))]);
                self.vars_gate = true;
                let all = self.status_case(when, then);
                self.vars_gate = false;
                all
            }
            None => self.checks_then_return(cond, then, &[])?,
        };
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `if (strict)` or `if (!strict)` of a setting: the variable, and when the checks run —
    /// set and not empty, or the opposite. The text `null` counts as set here (JavaScript's
    /// `"null"` is true): a `null` a capture stored where Postman's is `undefined` then runs
    /// checks Postman skips — a false red, never a false green.
    fn truthy_setting(&self, cond: &Expr) -> Option<(String, Y)> {
        let (inner, negated) = match cond {
            Expr::Unary("!", inner) => (&**inner, true),
            other => (other, false),
        };
        let name = self.variable_read(inner)?;
        let unset = Y::Seq(vec![Y::str(""), Y::str(own_text(&name))]);
        let so = match negated {
            false => Y::Map(vec![
                ("exists".into(), Y::Bool(true)),
                ("not".into(), Y::Map(vec![("in".into(), unset)])),
            ]),
            true => Y::Map(vec![(
                "any".into(),
                Y::Seq(vec![
                    Y::Map(vec![("exists".into(), Y::Bool(false))]),
                    Y::Map(vec![("in".into(), unset)]),
                ]),
            )]),
        };
        Some((name, so))
    }

    /// `if (accountId) { return }` in a pre-request script before the `pm.sendRequest` that
    /// fetches it: each request the rest of the script sends is skipped when the condition
    /// holds. The rest must do nothing else (locals, logging, sends).
    pub(super) fn return_guard(&mut self, s: &Stmt, rest: &[Stmt]) -> Option<Done> {
        let StmtKind::If(cond, then, otherwise) = &s.kind else {
            return None;
        };
        let is_return = |t: &Stmt| matches!(t.kind, StmtKind::Return(None));
        let returns =
            then.iter().any(is_return) && then.iter().all(|t| is_return(t) || says_only(t));
        if self.phase != Phase::PreRequest
            || self.depth > 1
            || !otherwise.is_empty()
            || !returns
            || self.return_guard.is_some()
            || !sends_only(rest)
        {
            return None;
        }
        let test = self.condition_jinja(cond)?;
        let why = serde_json::to_string(SKIPPED_BY_RETURN).ok()?;
        self.return_guard = Some(format!("{{{{ {why} if {test} else \"\" }}}}"));
        Some(Done::Converted)
    }

    /// `if (!pm.environment.get("token")) { pm.sendRequest(login, ...) }` in a pre-request
    /// script: each request it sends is skipped when the condition does not hold, read when
    /// the request is sent (as `if (token) { return }` before the send is).
    pub(super) fn send_guard(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        if self.phase != Phase::PreRequest
            || !otherwise.is_empty()
            || self.return_guard.is_some()
            || !self.unconditional()
            || !sends_only(then)
        {
            return None;
        }
        let test = self.condition_jinja(cond)?;
        let why = serde_json::to_string(SKIPPED_BY_GUARD).ok()?;
        self.return_guard = Some(format!("{{{{ {why} if not ({test}) else \"\" }}}}"));
        let all = self.statements(then);
        self.return_guard = None;
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `if (!pm.globals.get("clientId")) { console.log("skipped"); return }` at the top of a
    /// test script: the rest runs only when the variables (or the status) say so. Its checks
    /// become a case of `expect` and its captures get `when:`, on those variables; a value
    /// known before the run it sets is kept (yarc gives those unconditionally). The rest's
    /// outcome.
    pub(super) fn rest_when(&mut self, s: &Stmt, rest: &[Stmt]) -> Option<bool> {
        let StmtKind::If(cond, then, otherwise) = &s.kind else {
            return None;
        };
        let is_return = |t: &Stmt| matches!(t.kind, StmtKind::Return(None));
        let returns = matches!(then.last(), Some(t) if is_return(t));
        let only_says = then
            .iter()
            .all(|t| is_return(t) || says_only(t) || holds_always(t));
        if !self.cases_allowed(&[then, rest])
            || !otherwise.is_empty()
            || !returns
            || rest.is_empty()
            || !(self.unconditional() || self.test_rest(rest))
        {
            return None;
        }
        // `var off = pm.globals.get("v2Disabled") == "true"; if (off) {...}`: the local's
        // condition, its line part of this one.
        let local = match cond {
            Expr::Ident(n) => self.computed.get(n).map(|(v, ..)| (n.clone(), v.clone())),
            _ => None,
        };
        let cond = local.as_ref().map_or(cond, |(_, v)| v);
        let all = self.rest_when_of(cond, &then[..then.len() - 1], rest, only_says)?;
        if let Some((name, _)) = &local {
            self.computed_used(name);
        }
        Some(all)
    }

    fn rest_when_of(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        rest: &[Stmt],
        only_says: bool,
    ) -> Option<bool> {
        if !only_says {
            return self.checks_then_return(cond, then, rest);
        }
        let mut wanted = Vec::new();
        if self.not_so(cond, &mut wanted).is_none() {
            // `if (pm.response.code !== 200) { return }`: the rest is the case of the status
            // the guard lets through, as a branch of `status_cases` is.
            let when = self.capture_condition(cond, true)?;
            return Some(self.status_case(when, rest));
        }
        let when = Y::Map(vec![("vars".into(), Y::Map(wanted))]);
        self.vars_gate = true;
        let all = self.status_case(when, rest);
        self.vars_gate = false;
        Some(all)
    }

    /// `if (!orgId) { pm.test(...); return; }` then more checks: a condition on one variable
    /// whose branch checks and returns — its checks a case of the condition, the rest's a case
    /// of its opposite (`vars:`); a capture on either side gets its side's `when:`.
    pub(super) fn checks_then_return(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        rest: &[Stmt],
    ) -> Option<bool> {
        let mut wanted = Vec::new();
        self.not_so(cond, &mut wanted)?;
        // `!id || id === ""`: what each part asks of the one variable, all of it.
        let name = wanted.first()?.0.clone();
        let mut merged = Y::map();
        for (n, preds) in &wanted {
            if *n != name {
                return None;
            }
            for (k, v) in preds.entries() {
                match merged.get_mut(&k) {
                    Some(held) if *held == v || subsumes(held, &v) => {}
                    // `user == "a" || user == "b"`: false when it is neither.
                    Some(held)
                        if k == "not"
                            && let Some(list) = none_of(held, &v) =>
                    {
                        *held = list;
                    }
                    Some(_) => return None,
                    None => merged.set(k, v),
                }
            }
        }
        let not_so = &merged;
        let holds_of_nothing = |(k, v): &(String, Y)| {
            k == "any"
                || k == "not" && !matches!(v, Y::Map(m) if m.iter().all(|(k, _)| k == "in"))
                || (k == "exists" && *v == Y::Bool(false))
        };
        let Y::Map(preds) = not_so else { return None };
        let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
        let or_missing = |p: Y| Y::Map(vec![("any".into(), Y::Seq(vec![missing.clone(), p]))]);
        let (so, not_so) = match preds.as_slice() {
            // `x == "true"` is false of a variable that is not there: the rest's case.
            [(k, v)] if k == "not" && !matches!(v, Y::Map(_)) => (
                Y::Map(vec![("equals".into(), v.clone())]),
                or_missing(not_so.clone()),
            ),
            // `x == "a" || x == "b"`: so when it is one of them, as above.
            [(k, Y::Map(m))] if k == "not" && matches!(m.as_slice(), [(i, _)] if i == "in") => {
                (Y::Map(m.clone()), or_missing(not_so.clone()))
            }
            _ if preds.iter().any(holds_of_nothing) => return None,
            _ => (
                or_missing(Y::Map(vec![("not".into(), not_so.clone())])),
                not_so.clone(),
            ),
        };
        let when = |p: Y| Y::Map(vec![("vars".into(), Y::Map(vec![(name.clone(), p)]))]);
        let (when_so, when_not) = (when(so), when(not_so));
        self.vars_gate = true;
        let all = self.status_case(when_so, then) & self.status_case(when_not, rest);
        self.vars_gate = false;
        Some(all)
    }

    /// Whether `rest` is the rest of the body of a `pm.test` of the script's own (not under a
    /// condition) that only checks: a `return` before it ends that test, as a `return` at the
    /// top ends the script.
    pub(super) fn test_rest(&self, rest: &[Stmt]) -> bool {
        self.depth == 2
            && self.test_depth == Some(self.depth)
            && self.when.is_none()
            && self.held.is_empty()
            && !self.guarded_set
            && !self.swallowed
            && rest.iter().all(|s| self.lines_with(s, SET_CALLS) == 0)
    }

    /// `if (!pm.environment.get("token")) { pm.execution.skipRequest(); return; }` in a
    /// pre-request script: `skip:` with the condition, which yarc renders before the request.
    pub(super) fn skip_when(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let skips = |s: &Stmt| matches!(&s.kind, StmtKind::Expr(e) if is_skip_request(e));
        let only = then
            .iter()
            .all(|s| skips(s) || says_only(s) || matches!(s.kind, StmtKind::Return(None)));
        if self.phase != Phase::PreRequest
            || !otherwise.is_empty()
            || !only
            || !then.iter().any(skips)
            || !self.unconditional()
            || self.out.skip.is_some()
        {
            return None;
        }
        let test = self.condition_jinja(cond)?;
        let why = serde_json::to_string(SKIPPED_BY_SCRIPT).ok()?;
        self.out.skip = Some(format!("{{{{ {why} if {test} else \"\" }}}}"));
        Some(Done::Converted)
    }

    /// `if (data.id == pm.globals.get("ID")) { checks }` (no `else`): Postman makes the checks
    /// when the field equals the variable, and when both are nothing (`undefined == null`: a
    /// field not there, a variable set from one) — two cases of the same checks.
    pub(super) fn loose_cases(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let Expr::Binary("==", a, b) = cond else {
            return None;
        };
        if !self.cases_allowed(&[then])
            || self.swallowed
            || self.each_base.is_some()
            || !otherwise.is_empty()
            || then.iter().any(|s| self.lines_with(s, SET_CALLS) > 0)
            || !then.iter().any(|s| self.assertion_lines(s) > 0)
        {
            return None;
        }
        let (path, name) = match (self.subject(a), self.subject(b)) {
            (Some(Subject::Json(p)), Some(Subject::Value(Y::Str(t))))
            | (Some(Subject::Value(Y::Str(t))), Some(Subject::Json(p))) => (p, var_name(&t)?),
            _ => return None,
        };
        let strict = Expr::Binary("===", a.clone(), b.clone());
        let equal = self.response_checks(|c, out| chain::boolean(c, &strict, false, out), true)?;
        let null_ish = null_ish(&name);
        let nothing = Y::Seq(vec![
            Y::Map(vec![("exists".into(), Y::Bool(false))]),
            Y::Map(vec![("equals".into(), Y::Null)]),
        ]);
        let both_nothing = Y::Map(vec![
            ("vars".into(), Y::Map(vec![(name, null_ish)])),
            (
                "json".into(),
                Y::Map(vec![(path, Y::Map(vec![("any".into(), nothing)]))]),
            ),
        ]);
        let all = self.status_case(equal, then);
        self.uncounted(|c| c.status_case(both_nothing, then));
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `list.forEach(item => { if (item.id == pm.globals.get("ID")) { pm.test(...) } })`: the
    /// checks of the items the condition picks (`$.list[?(@.id == {{ ID | tojson }})]`), a
    /// case of there being some — Newman checks nothing when none matches.
    pub(super) fn item_filter(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        let base = self.each_base.clone()?;
        let list = base.strip_suffix("[*]")?.to_string();
        if !otherwise.is_empty() || self.swallowed {
            return None;
        }
        let at_base = Some(Subject::Json(base.clone()));
        let (item, _) = self.aliases.iter().find(|(_, s)| **s == at_base)?;
        let item = item.clone();
        let there = || Y::Map(vec![("exists".into(), Y::Bool(true))]);
        let some = |picked: &str| Y::Map(vec![(picked.to_string(), there())]);
        if !loose_with_variable(cond) {
            let picked = format!("{list}[?{}]", self.filter_of(&item, cond)?);
            let when = Y::Map(vec![("json".into(), some(&picked))]);
            return Some(self.items_picked(&item, &picked, when, then));
        }
        // `item.id == pm.globals.get("ID")`: the items whose id is the variable's, and — when
        // the variable holds nothing (`undefined == null`) — those without one. Checks only:
        // a capture cannot take from two selections.
        let Expr::Binary("==", a, b) = cond else {
            return None;
        };
        if then.iter().any(|s| self.lines_with(s, SET_CALLS) > 0) {
            return None;
        }
        let (field, name) = match (item_field(&item, a), item_field(&item, b)) {
            (Some(f), None) => (f, self.variable_read(b)?),
            (None, Some(f)) => (f, self.variable_read(a)?),
            _ => return None,
        };
        let strict = Expr::Binary("===", a.clone(), b.clone());
        let equal = format!("{list}[?{}]", self.filter_of(&item, &strict)?);
        let when = Y::Map(vec![("json".into(), some(&equal))]);
        let done = self.items_picked(&item, &equal, when, then);
        let nothing = format!("{list}[?(!@{field} || @{field} == null)]");
        let when = Y::Map(vec![
            ("vars".into(), Y::Map(vec![(name.clone(), null_ish(&name))])),
            ("json".into(), some(&nothing)),
        ]);
        self.uncounted(|c| c.items_picked(&item, &nothing, when, then));
        Some(done)
    }

    /// What `f` converts, its checks not counted again: the same checks a second case makes.
    pub(super) fn uncounted<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let (assertions, seen) = (self.out.assertions, self.out.assertions_seen);
        let unchecked = self.out.unchecked.len();
        let out = f(self);
        (self.out.assertions, self.out.assertions_seen) = (assertions, seen);
        self.out.unchecked.truncate(unchecked);
        out
    }

    /// The checks of `then` made of the items `picked` selects (the loop's `item` read as
    /// them), as a case of `when`.
    pub(super) fn items_picked(
        &mut self,
        item: &str,
        picked: &str,
        when: Y,
        then: &[Stmt],
    ) -> Done {
        let base = self.each_base.clone();
        let before = std::mem::take(&mut self.out.expect);
        let outer =
            (self.aliases).insert(item.to_string(), Some(Subject::Json(picked.to_string())));
        self.each_base = Some(picked.to_string());
        let all = self.statements(then);
        self.each_base = base;
        self.aliases.insert(item.to_string(), outer.flatten());
        self.case_when(when, before);
        match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        }
    }

    /// The variable an expression reads (`pm.globals.get("ID")`), by its yarc name.
    pub(super) fn variable_read(&self, e: &Expr) -> Option<String> {
        match self.subject(e)? {
            Subject::Value(Y::Str(t)) => var_name(&t),
            _ => None,
        }
    }
}

/// Whether a block sends requests (`pm.sendRequest`) and does nothing else but declare
/// locals without effects and log.
fn sends_only(block: &[Stmt]) -> bool {
    let is_send = |r: &Stmt| {
        matches!(&r.kind, StmtKind::Expr(Expr::Call(callee, _))
            if path(callee).as_deref() == Some("pm.sendRequest"))
    };
    let quiet = |r: &Stmt| match &r.kind {
        StmtKind::Let(decls) => decls.iter().all(|(_, v)| !has_effect(v)),
        _ => is_console_stmt(r),
    };
    block.iter().any(is_send) && block.iter().all(|r| is_send(r) || quiet(r))
}

/// Two `not:`s of literal values (`{ not: "a" }`, `{ not: { in: [...] } }`) as one: none of
/// them (`{ in: [a, b] }`); `None` when either is another predicate.
fn none_of(held: &Y, more: &Y) -> Option<Y> {
    let values = |y: &Y| match y {
        Y::Map(m) => match m.as_slice() {
            [(k, Y::Seq(list))] if k == "in" => Some(list.clone()),
            _ => None,
        },
        other => Some(vec![other.clone()]),
    };
    let mut all = values(held)?;
    for v in values(more)? {
        if !all.contains(&v) {
            all.push(v);
        }
    }
    Some(Y::Map(vec![("in".into(), Y::Seq(all))]))
}

/// `x` of `!x`, else the condition itself: what a guard asks about, either way round.
fn without_not(cond: &Expr) -> &Expr {
    match cond {
        Expr::Unary("!", inner) => inner,
        c => c,
    }
}
