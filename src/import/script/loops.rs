//! Loops over the response's lists (`forEach`, `for`, `for...of`, a list written in the script):
//! checks of each item, a case of the list having items, and a set() from the item a condition picks.

use super::*;

impl Converter {
    /// `for (let i = 0; i < list.length; i++) { pm.expect(list[i]).to.have.property("id") }`
    /// and `for (const item of list) { ... }`: `list.forEach(item => ...)`, when the index is
    /// read only to take the item.
    pub(super) fn loop_as_for_each(&mut self, l: &js::Loop) -> Option<Done> {
        let (item, body) = match l.indexed {
            true => {
                let item = format!("{}\u{0}item", l.name);
                let at = Expr::Index(
                    Box::new(l.list.clone()),
                    Box::new(Expr::Ident(l.name.clone())),
                );
                let body: Vec<Stmt> = l
                    .body
                    .iter()
                    .map(|s| unnamed_index(&s.replaced(&at, &Expr::Ident(item.clone()))))
                    .collect();
                if body.iter().any(|s| s.mentions(&l.name)) {
                    return None;
                }
                (item, body)
            }
            false => (l.name.clone(), l.body.clone()),
        };
        let each = Expr::Member(Box::new(l.list.clone()), "forEach".into());
        self.for_each(&Expr::Call(
            Box::new(each),
            vec![Expr::Func(vec![item], body)],
        ))
    }

    /// `data.items.forEach(function (item) { pm.expect(item.qty).to.be.above(0) })`: each
    /// check on an item is an `each:` check on `$.items[*]...`.
    pub(super) fn for_each(&mut self, e: &Expr) -> Option<Done> {
        let e = &as_for_each(e)?;
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Member(list, m) = &**callee else {
            return None;
        };
        let ([Expr::Func(params, body)], "forEach") = (args.as_slice(), m.as_str()) else {
            return None;
        };
        let item = params.first()?;
        if let Some(values) = self.written_list(list) {
            return self.unrolled(&values, params, body);
        }
        if self.phase == Phase::PreRequest {
            return None;
        }
        let outer = self.each_base.clone();
        if outer.is_some() && object_members(list).is_some() {
            return None;
        }
        // `Object.values(data).forEach(v => ...)`, `Object.entries(data).forEach(([k, v]) => ...)`:
        // each member's value.
        let (base, item) = match object_members(list) {
            Some((of, entries)) => {
                let Some(Subject::Json(p)) = self.subject(of) else {
                    return None;
                };
                let item = match entries {
                    false => item.clone(),
                    true => entry_value(item)?,
                };
                (format!("{p}.*"), item)
            }
            None => {
                // `(entries || []).forEach(...)`: a missing list is an empty one.
                let Some(Subject::Json(p)) = self.subject(or_empty_list(list)) else {
                    return None;
                };
                if item.starts_with('[') {
                    return None;
                }
                if let Some(outer) = &outer {
                    // `item.games.forEach(...)` throws for an item without a list of games:
                    // every item has one (`(item.games || []).forEach`, `_.each` need not).
                    if !p.starts_with(outer.as_str()) {
                        return None;
                    }
                    if std::ptr::eq(or_empty_list(list), &**list) {
                        let json = self.out.expect.child("json");
                        every_item_has(json, outer, &p);
                        put_once(
                            entry_map(entry_map(json, &p), "each"),
                            "type",
                            Y::str("array"),
                        );
                    }
                } else {
                    if let Some(done) = self.flag_body(list, item, body) {
                        return Some(done);
                    }
                    if let Some(done) = self.picks(&p, item, body) {
                        return Some(done);
                    }
                }
                (format!("{p}[*]"), item.clone())
            }
        };
        let subject = Subject::Json(base.clone());
        // Newman's loop over an empty list checks nothing; yarc's `each` of a selection of
        // nothing fails: the checks of the items hold when the list has some.
        let list_path = base.strip_suffix("[*]").or_else(|| base.strip_suffix(".*"));
        let whole = outer.is_none() && self.when.is_none() && !self.swallowed;
        let nested = outer.is_some() && !self.swallowed;
        let before = (whole || nested).then(|| std::mem::take(&mut self.out.expect));
        self.each_base = Some(base.clone());
        let done = self.with_alias(&item, subject, body);
        self.each_base = outer;
        match before {
            Some(before) if whole => self.items_case(list_path.unwrap_or(&base), before),
            // A loop in a loop: its checks hold when some item has items (the lists of all
            // the outer items may be empty, and Newman then checks nothing).
            Some(before) => {
                let there = Y::Map(vec![("exists".into(), Y::Bool(true))]);
                self.case_of(Y::Map(vec![(base.clone(), there)]), before);
            }
            None => {}
        }
        Some(done)
    }

    /// The checks written since `before` was taken from `expect`, as a case of `list` having
    /// items (`when: { json: { $.list: { length: { gt: 0 } } } }`), `before` given back.
    pub(super) fn items_case(&mut self, list: &str, before: Y) {
        let some = Y::Map(vec![("gt".into(), Y::Num(0.into()))]);
        let has_items = Y::Map(vec![("length".into(), some)]);
        self.case_of(Y::Map(vec![(list.to_string(), has_items)]), before);
    }

    /// The checks written since `before` was taken from `expect`, as a case of the JSON
    /// checks `json`, `before` given back.
    pub(super) fn case_of(&mut self, json: Y, before: Y) {
        self.case_when(Y::Map(vec![("json".into(), json)]), before);
    }

    /// The checks written since `before` was taken from `expect`, as a case of `when`.
    pub(super) fn case_when(&mut self, when: Y, before: Y) {
        let mut checks = std::mem::replace(&mut self.out.expect, before);
        if checks.is_empty_map() {
            return;
        }
        tidy(&mut checks);
        let mut case = Y::Map(vec![("when".into(), when)]);
        for (k, v) in checks.entries() {
            case.set(k, v);
        }
        match self.out.expect.child("cases") {
            Y::Seq(list) => list.push(case),
            other => *other = Y::Seq(vec![case]),
        }
    }

    /// `body` converted with `name` read as `subject` (a callback's or loop's parameter), and
    /// what `name` meant before given back after it.
    pub(super) fn with_alias(&mut self, name: &str, subject: Subject, body: &[Stmt]) -> Done {
        let before = self.aliases.insert(name.to_string(), Some(subject));
        let all = self.statements(body);
        match before {
            Some(b) => self.aliases.insert(name.to_string(), b),
            None => self.aliases.remove(name),
        };
        match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        }
    }

    /// A list of values written in the script: `["a", "b"]`, or a local bound to one
    /// (`const expected = ["a", "b"]`).
    /// `for (const v of ['a', 'b']) { ... }` (or of a local holding such a list): the body
    /// once per value, as `forEach` over it.
    pub(super) fn for_of_written(&mut self, l: &js::Loop) -> Option<Done> {
        if l.indexed {
            return None;
        }
        let values = self.written_list(&l.list)?;
        self.unrolled(&values, std::slice::from_ref(&l.name), &l.body)
    }

    pub(super) fn written_list(&self, list: &Expr) -> Option<Vec<Expr>> {
        if let Some(keys) = self.object_keys(list) {
            return Some(keys);
        }
        if let Expr::Call(c, args) = list
            && let (Expr::Member(inner, m), []) = (&**c, args.as_slice())
            && m == "sort"
        {
            // `Object.keys(params).sort()`: texts in the order JavaScript sorts them (by
            // UTF-16 code units).
            let mut texts: Vec<String> = (self.written_list(inner)?.into_iter())
                .map(|v| match v {
                    Expr::Str(s) => Some(s),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            texts.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            return Some(texts.into_iter().map(Expr::Str).collect());
        }
        match list {
            Expr::Array(values) => Some(values.clone()),
            Expr::Ident(n) => self.lists.get(n).cloned(),
            _ => None,
        }
    }

    /// `["id", "name"].forEach(k => pm.expect(data).to.have.property(k))`, and the pre-request
    /// `[...].forEach(v => { if (!pm.environment.has(v)) pm.expect.fail(...) })`: the body once
    /// for each value written in the list, the value (and its index) in place of the parameters.
    pub(super) fn unrolled(
        &mut self,
        values: &[Expr],
        params: &[String],
        body: &[Stmt],
    ) -> Option<Done> {
        // A list of variables to clear may be long; `expand` bounds the work.
        const VALUES_MAX: usize = 128;
        let literal = |v: &Expr| matches!(v, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_));
        if values.is_empty() || values.len() > VALUES_MAX || !values.iter().all(literal) {
            return None;
        }
        if !self.expand(values.len() * body.len()) {
            return None;
        }
        let mut all = true;
        for (i, v) in values.iter().enumerate() {
            let at = |n: usize, to: &Expr| -> Vec<Stmt> {
                let from = Expr::Ident(params.get(n).cloned().unwrap_or_default());
                body.iter().map(|s| s.replaced(&from, to)).collect()
            };
            let once = match params.len() {
                1 => at(0, v),
                2 => at(0, v)
                    .iter()
                    .map(|s| s.replaced(&Expr::Ident(params[1].clone()), &Expr::Num(i as f64)))
                    .collect(),
                _ => return None,
            };
            all &= self.statements(&once);
        }
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `list.forEach(function (v) { if (v.name == "SMS") { set("sms_id", v.id) } ... })`: each
    /// variable captured from the item that matches (`$[?(@.name == 'SMS')].id`), as `find`
    /// would pick it; kept as it was when no item matches.
    pub(super) fn picks(&mut self, list: &str, item: &str, body: &[Stmt]) -> Option<Done> {
        let mut plan = Vec::new();
        for s in body.iter().filter(|s| !is_console_stmt(s)) {
            let StmtKind::If(test, then, otherwise) = &s.kind else {
                return None;
            };
            if !otherwise.is_empty() {
                return None;
            }
            let filter = self.filter_of(item, test)?;
            let sets = then
                .iter()
                .filter(|s| !is_console_stmt(s))
                .map(|s| match &s.kind {
                    StmtKind::Expr(e) => {
                        set_call(e).map(|(k, v)| (k.clone(), v.clone(), set_scope(e)))
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            if sets.is_empty() {
                return None;
            }
            plan.push((filter, sets));
        }
        if plan.is_empty() {
            return None;
        }
        let before = self.aliases.get(item).cloned();
        let mut all = true;
        self.guarded_set = true;
        for (filter, sets) in plan {
            let picked = Subject::Json(format!("{list}[?{filter}]"));
            self.aliases.insert(item.to_string(), Some(picked));
            for (key, value, scope) in sets {
                all &= matches!(self.set(&key, &value, scope), Done::Converted);
            }
        }
        self.guarded_set = false;
        match before {
            Some(b) => self.aliases.insert(item.to_string(), b),
            None => self.aliases.remove(item),
        };
        Some(match all {
            true => Done::Converted,
            false => Done::Kept(KEPT_FLOW),
        })
    }

    /// In a block whose `catch` swallows what it throws (`try { var n = data.results.length;
    /// tests["some"] = n > 0 } catch (e) {}`), a statement that reads through the body's
    /// members throws without them, and nothing after it runs: the rest is a case of their
    /// being there (`when: { json: { $.results: { exists: true } } }`) when it checks
    /// anything.
    pub(super) fn read_without_throw(&self, s: &Stmt, rest: &[Stmt]) -> Option<Y> {
        if !self.swallowed || self.when.is_some() || self.phase != Phase::Test {
            return None;
        }
        let checks = rest
            .iter()
            .any(|r| self.lines_with(r, &["tests[", "pm.test("]) > 0);
        let there = |(p, _): (String, bool)| (p, Y::Map(vec![("exists".into(), Y::Bool(true))]));
        let paths: Vec<(String, Y)> = self
            .reads_of(s)
            .into_iter()
            .filter(|(p, _)| p.starts_with("$.") || p.starts_with("$["))
            .map(there)
            .collect();
        (checks && !paths.is_empty()).then(|| Y::Map(vec![("json".into(), Y::Map(paths))]))
    }

    /// The body's members (and XML elements) a statement reads through, which must be there
    /// for it not to throw; `true` for a list it iterates.
    pub(super) fn reads_of(&self, s: &Stmt) -> Vec<(String, bool)> {
        let mut needs: Vec<(String, bool)> = Vec::new();
        // `var data = JSON.parse(responseBody)` throws on a body that is not JSON.
        let parses = |v: &Expr| {
            matches!(v, Expr::Call(..)) && self.subject(v) == Some(Subject::Json("$".into()))
        };
        match &s.kind {
            StmtKind::Let(decls) if decls.iter().any(|(_, v)| parses(v)) => {
                needs.push(("$".into(), false));
            }
            StmtKind::Assign(_, v) if parses(v) => needs.push(("$".into(), false)),
            _ => {}
        }
        match &s.kind {
            StmtKind::Let(decls) => decls.iter().for_each(|(_, v)| self.reads_in(v, &mut needs)),
            StmtKind::Assign(target, v) => {
                self.reads_in(target, &mut needs);
                self.reads_in(v, &mut needs);
            }
            StmtKind::Expr(e) => self.reads_in(e, &mut needs),
            StmtKind::If(cond, _, _) => self.reads_in(cond, &mut needs),
            StmtKind::Other | StmtKind::For(_) => {
                if let Some((head, iterated)) = self.loop_head(s) {
                    self.reads_in(&head, &mut needs);
                    if iterated && let Some(Subject::Json(p)) = self.subject(&head) {
                        needs.push((p, true));
                    }
                }
            }
            _ => {}
        }
        needs
    }

    /// The head of a loop, which runs at least once: `for (...; cond; ...)` and `while (cond)` give
    /// the condition; `for (const x of list)` the list it iterates (`true`).
    pub(super) fn loop_head(&self, s: &Stmt) -> Option<(Expr, bool)> {
        let text: String = self
            .lines
            .get(s.first.saturating_sub(1)..s.last.min(self.lines.len()))?
            .join("\n");
        let t = text.trim_start();
        let rest = t
            .strip_prefix("for")
            .or_else(|| t.strip_prefix("while"))?
            .trim_start()
            .strip_prefix('(')?;
        let mut depth = 1usize;
        let end = rest.char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        let head = &rest[..end];
        let (code, iterated) = match (head.split(';').nth(1), head.split_once(" of ")) {
            (Some(cond), _) => (cond, false),
            (None, Some((_, list))) => (list, true),
            (None, None) if t.starts_with("while") => (head, false),
            _ => return None,
        };
        match js::parse(&format!("{code};")).first()?.kind.clone() {
            StmtKind::Expr(e) => Some((e, iterated)),
            _ => None,
        }
    }
}

/// A loop over a list written another way, as `list.forEach(fn)`: `_.each(list, fn)` (also
/// `_.forEach`), and `list.map(fn)` whose result nothing keeps (a statement of its own).
fn as_for_each(e: &Expr) -> Option<Expr> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    let Expr::Member(of, m) = &**callee else {
        return None;
    };
    let each = |list: Expr, f: &Expr| {
        let callee = Expr::Member(Box::new(list), "forEach".into());
        Expr::Call(Box::new(callee), vec![f.clone()])
    };
    match (&**of, m.as_str(), args.as_slice()) {
        // Lodash loops over nothing for a missing list: `(list || []).forEach(fn)`.
        (Expr::Ident(lodash), "each" | "forEach", [list, f @ Expr::Func(..)]) if lodash == "_" => {
            let empty = Box::new(Expr::Array(Vec::new()));
            Some(each(Expr::Binary("||", Box::new(list.clone()), empty), f))
        }
        (list, "map", [f @ Expr::Func(..)]) => Some(each(list.clone(), f)),
        _ => Some(e.clone()),
    }
}
