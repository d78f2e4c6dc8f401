//! Functions a script declares: getters of variables, builders of text, functions of checks
//! called by name, and ones that return what they find, read through at each call.

use super::*;

impl Converter {
    /// `getvar("clientId")` of a helper `getter`: the variable's read, and the helper's refusal
    /// to go on without it as a check of the request ([`truthy_var`]) — Newman counts the throw
    /// as a failure of the request, which it still sends.
    pub(super) fn getter_call(&mut self, e: &Expr) -> Option<Expr> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let (Expr::Ident(f), [Expr::Str(name)]) = (&**callee, args.as_slice()) else {
            return None;
        };
        if !self.getters.contains(f) {
            return None;
        }
        let var = crate::import::vars::ident(name);
        let wanted = truthy_var(&var);
        self.out.expect.child("vars").set(var, wanted);
        self.out.assertions_seen += 1;
        self.out.assertions += 1;
        let get = Expr::Member(
            Box::new(Expr::Member(
                Box::new(Expr::Ident("pm".into())),
                "variables".into(),
            )),
            "get".into(),
        );
        Some(Expr::Call(Box::new(get), args.clone()))
    }

    pub(super) fn is_function_declaration(&self, s: &Stmt) -> bool {
        self.lines
            .get(s.first.saturating_sub(1))
            .map(|l| l.trim_start())
            .is_some_and(|l| l.starts_with("function ") || l.starts_with("async function "))
    }

    /// `function name(params) { body }`: its name, parameters and body.
    pub(super) fn declared_function<'s>(
        &self,
        s: &'s Stmt,
    ) -> Option<(&'s String, &'s [String], &'s [Stmt])> {
        if !self.is_function_declaration(s) {
            return None;
        }
        let StmtKind::Let(decls) = &s.kind else {
            return None;
        };
        let [(Binding::Name(name), Expr::Func(params, body))] = decls.as_slice() else {
            return None;
        };
        Some((name, params, body))
    }

    /// `function byId(list, id) { return list.find(i => i.id === id); }`: its name, parameters
    /// and the one expression it returns.
    pub(super) fn returning_function(&self, s: &Stmt) -> Option<(String, Vec<String>, Expr)> {
        let (name, params, body) = self.declared_function(s)?;
        let (last, locals) = body.split_last()?;
        let StmtKind::Return(Some(returned)) = &last.kind else {
            return None;
        };
        // `var chars = "0123..."; return chars.substr(...)`: the written values read in place;
        // `const wa = CryptoJS.SHA256(str); return base64url(wa.toString(...))`: a value read
        // once, in its place.
        let mut returned = returned.clone();
        for s in locals.iter().rev() {
            let StmtKind::Let(decls) = &s.kind else {
                return None;
            };
            for (b, v) in decls.iter().rev() {
                let Binding::Name(local) = b else {
                    return None;
                };
                let written = matches!(v, Expr::Str(_) | Expr::Num(_));
                if !written && (reads_count(&returned, local) != 1 || !quiet(v)) {
                    return None;
                }
                returned = returned.replaced_by(&Expr::Ident(local.clone()), v);
            }
        }
        Some((name.clone(), params.to_vec(), returned))
    }

    /// `function random_string(size) { var s = ""; for (var i = 0; i < size; i++) { s +=
    /// pick(); } return s; }`: a function that builds a text by repeating one piece, its name,
    /// parameters, what the text starts as, how many times (a parameter's name or a number)
    /// and the piece.
    /// The locals may be declared before the loop in any order, written values among them
    /// (`var characters = "ABC..."; var charactersLength = characters.length;`).
    pub(super) fn builder(&self, s: &Stmt) -> Option<(String, Builder)> {
        let (name, params, body) = self.declared_function(s)?;
        let (ret, rest) = body.split_last()?;
        let (repeat, locals) = rest.split_last()?;
        let (StmtKind::For(l), StmtKind::Return(Some(Expr::Ident(acc)))) =
            (&repeat.kind, &ret.kind)
        else {
            return None;
        };
        let [step] = l.body.as_slice() else {
            return None;
        };
        let StmtKind::Assign(Expr::Ident(a), Expr::Binary("+", a2, piece)) = &step.kind else {
            return None;
        };
        let same = a == acc && **a2 == Expr::Ident(acc.clone());
        if !same || !l.indexed || step.mentions(&l.name) {
            return None;
        }
        let (init, written) = builder_locals(locals, acc)?;
        let read = |e: &Expr| {
            written.iter().fold(e.clone(), |e, (n, v)| {
                e.replaced_by(&Expr::Ident(n.clone()), v)
            })
        };
        let b = Builder {
            params: params.to_vec(),
            start: init,
            times: read(&l.list),
            piece: read(piece),
        };
        Some((name.clone(), b))
    }

    /// A call of a [`Converter::builder`] function: the text it builds, as a template.
    pub(super) fn built(&self, e: &Expr) -> Option<Y> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let b = self.builders.get(f)?;
        if args.len() > b.params.len() || self.inlining.get() >= 4 {
            return None;
        }
        let times = given(&b.times, &b.params, args);
        let n = match self.folded(&times)? {
            Expr::Num(n) if n.fract() == 0.0 && (1.0..=128.0).contains(&n) => n as usize,
            _ => return None,
        };
        self.inlining.set(self.inlining.get() + 1);
        let parts = (
            self.value(&given(&b.start, &b.params, args)),
            self.value(&given(&b.piece, &b.params, args)),
        );
        self.inlining.set(self.inlining.get() - 1);
        let (Some(Y::Str(start)), Some(Y::Str(piece))) = parts else {
            return None;
        };
        Some(Y::str(repeated(start, &piece, n)))
    }

    /// What a call makes, when it is one this importer reads through: the day of a date
    /// (`moment(x).format("YYYY-MM-DD")`), a function that returns an expression.
    pub(super) fn called(&self, e: &Expr) -> Option<Option<Subject>> {
        if let Some(day) = self.day_of(e) {
            return Some(Some(day));
        }
        if let Some(text) = self.built(e) {
            return Some(Some(Subject::Value(text)));
        }
        let inlined = self.inlined_call(e)?;
        if self.inlining.get() >= 4 {
            return Some(None);
        }
        self.inlining.set(self.inlining.get() + 1);
        let found = self.subject(&inlined);
        self.inlining.set(self.inlining.get() - 1);
        Some(found)
    }

    /// `const validate = (refId) => { pm.test(...) }` (or a `function`): a function of checks
    /// that returns nothing, its name, parameters and body.
    /// `const`/`let`/`var`: a function kept as written (one passed along) has its checks seen,
    /// not written.
    pub(super) fn declared(&mut self, s: &Stmt, decls: &[(Binding, Expr)]) -> Done {
        let done = self.declarations(decls);
        if let Done::Kept(_) = done
            && matches!(decls, [(_, Expr::Func(..))])
        {
            self.out.assertions_seen += self.assertion_lines(s);
            self.out.sets_seen += self.lines_with(s, SET_CALLS);
        }
        done
    }

    pub(super) fn is_procedure(&self, decls: &[(Binding, Expr)]) -> bool {
        matches!(decls, [(Binding::Name(n), Expr::Func(..))] if self.procedures.contains_key(n))
    }

    pub(super) fn procedure(
        &self,
        s: &Stmt,
        words: &WordLines,
    ) -> Option<(String, Vec<String>, Vec<Stmt>)> {
        let StmtKind::Let(decls) = &s.kind else {
            return None;
        };
        let [(Binding::Name(name), Expr::Func(params, body))] = decls.as_slice() else {
            return None;
        };
        let returns = body
            .iter()
            .any(|b| matches!(b.kind, StmtKind::Return(Some(_))));
        // One that checks, sends (a token fetched for a client its argument names) or sends
        // its request again.
        let acts = self.lines_with(
            s,
            &[
                "pm.test(",
                "pm.expect(",
                "tests[",
                "pm.sendRequest(",
                "setNextRequest(",
            ],
        ) > 0;
        let plain = params.iter().all(|p| !p.starts_with(['[', '{', '.']));
        (acts && !returns && plain && !body.is_empty() && self.only_called(name, s, words))
            .then(|| (name.clone(), params.clone(), body.clone()))
    }

    /// Whether every other line that names `name` is a call of it standing alone
    /// (`validate('x');`, or after a pause: `setTimeout(validate, 300);`): then each is read,
    /// and the declaration is nothing of its own. One passed along (`list.forEach(validate)`)
    /// leaves the function as it was, kept.
    pub(super) fn only_called(&self, name: &str, declared: &Stmt, words: &WordLines) -> bool {
        words.get(name).into_iter().flatten().all(|&(n, times)| {
            let t = self.lines.get(n - 1).map_or("", |l| l.trim());
            (declared.first..=declared.last).contains(&n)
                || (times == 1
                    && (t.starts_with(&format!("{name}("))
                        || t.starts_with(&format!("setTimeout({name},"))))
        })
    }

    /// `validate('apexClass')` of a [`Converter::procedure`]: its body read with the
    /// parameters given the arguments (a missing one `undefined`).
    pub(super) fn procedure_call(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        // `setTimeout(check, 300)`: Newman waits for it, and the response it reads is the same.
        if path(callee).as_deref() == Some("setTimeout") {
            return match args.first()? {
                f @ Expr::Ident(_) => self.procedure_call(&Expr::Call(Box::new(f.clone()), vec![])),
                Expr::Func(params, body) if params.is_empty() => {
                    Some(match self.statements(body) {
                        true => Done::Converted,
                        false => Done::Kept(KEPT_AROUND),
                    })
                }
                _ => None,
            };
        }
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let (params, body) = self.procedures.get(f)?.clone();
        if args.len() > params.len() || self.inlining.get() >= 4 || !self.expand(body.len()) {
            return None;
        }
        let (body, retry) = match self.polled_send(f, &params, args, &body) {
            Some((body, retry)) => (body, Some(retry)),
            None => (body, None),
        };
        let body = constants_in(&given(&body, &params, args));
        let sent_before = self.out.requests.len();
        self.inlining.set(self.inlining.get() + 1);
        let all = self.statements(&body);
        self.inlining.set(self.inlining.get() - 1);
        // The request the polling function sends, sent again as it polls.
        if let Some(retry) = retry
            && let [sent] = &mut self.out.requests[sent_before..]
        {
            sent.set("retry", retry);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// A call of a [`Converter::returning_function`] as the expression it returns, its
    /// parameters given the call's arguments.
    pub(super) fn inlined_call(&self, e: &Expr) -> Option<Expr> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Ident(f) = &**callee else {
            return None;
        };
        let (params, returned) = self.returns.get(f)?;
        if params.len() != args.len() || params.iter().any(|p| p.starts_with('[')) {
            return None;
        }
        Some(given(returned, params, args))
    }

    /// `function getvar(name) { let value = pm.variables.get(name); if (!value) throw ...;
    /// return value; }`: a helper that reads a variable and refuses to go on without it.
    pub(super) fn getter(&self, params: &[String], body: &[Stmt]) -> bool {
        let [param] = params else {
            return false;
        };
        let [read, check, ret] = body else {
            return false;
        };
        let StmtKind::Let(decls) = &read.kind else {
            return false;
        };
        let [(Binding::Name(local), Expr::Call(callee, args))] = decls.as_slice() else {
            return false;
        };
        let reads_param = matches!(args.as_slice(), [Expr::Ident(a)] if a == param)
            && path(callee).is_some_and(|p| VAR_GETTERS.contains(&p.as_str()));
        let refuses = matches!(&check.kind, StmtKind::If(Expr::Unary("!", x), then, otherwise)
            if matches!(&**x, Expr::Ident(n) if n == local) && is_throw(then) && otherwise.is_empty());
        // Read from the statement, not its line: a helper written on one line is one too.
        let returns = matches!(&ret.kind, StmtKind::Return(Some(Expr::Ident(n))) if n == local);
        reads_param && refuses && returns
    }
}

/// Whether a value does nothing but make a value: no `pm.`/`postman.` call but a read, no
/// logging, no function.
fn quiet(e: &Expr) -> bool {
    let text = format!("{e:?}");
    !text.contains("Func(")
        && ![
            "\"console\"",
            "\"postman\"",
            "\"set\"",
            "\"unset\"",
            "\"sendRequest\"",
            "\"test\"",
        ]
        .iter()
        .any(|w| text.contains(w))
}
