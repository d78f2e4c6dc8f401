//! `pm.environment.set(...)` and its kin: a capture of the response, a variable of a value known
//! before it, or a case of the status when the script guards it.

use super::*;

impl Converter {
    /// `pm.environment.set("job_id", data.id)` → a capture; of a known value → a variable.
    /// `shared`: the call writes the collection's or the globals' scope, which an
    /// environment's variable of the same name outranks (a collection variable does the same).
    /// Whether nothing is set when the value is missing: behind a guard, after a gate, or
    /// after a check of that value.
    pub(super) fn set_guarded(&self, value: &Expr) -> bool {
        let subject = self.subject(unwrap_conversion(value));
        // Read when the set is reached: the names the test binds first are known by then.
        let checks_it = subject.is_some()
            && self.checked.iter().any(|(line, x)| {
                *line <= self.at_line && self.subject(unwrap_conversion(x)) == subject
            });
        // Lines are all that is known of a statement's place: one on the same line as the
        // check counts as after it (a one-line test).
        let gated = self.gate_at.is_some_and(|g| g <= self.at_line);
        self.guarded_set || gated || checks_it
    }

    pub(super) fn set(&mut self, key: &Expr, value: &Expr, scope: SetScope) -> Done {
        let done = self.set_of(key, value, scope);
        if let (Done::Converted, Expr::Str(k)) = (&done, key) {
            let name = crate::import::vars::ident(k);
            // `unset("token")` then `set("token", data.accessToken)`: the set is what stays.
            // Under a condition too: yarc's unset would come after the capture and undo it
            // every time, where Postman's undoes it only when the condition fails.
            self.out.unset.retain(|(n, _)| *n != name);
            match scope {
                SetScope::Shared => self.out.shared.insert(name),
                SetScope::Environment | SetScope::Local => self.out.reaching.insert(name),
            };
        }
        done
    }

    /// In a block run once ([`Self::once_block`]): the value, the first time; what the
    /// variable holds, from then on.
    pub(super) fn once_wrapped(&self, key: &str, value: &Expr) -> Option<Expr> {
        let (flag, flag_name) = self.once.clone()?;
        let held = match key == flag_name {
            true => flag.clone(),
            false => var_read(key),
        };
        Some(Expr::Cond(
            Box::new(flag),
            Box::new(held),
            Box::new(value.clone()),
        ))
    }

    pub(super) fn set_of(&mut self, key: &Expr, value: &Expr, scope: SetScope) -> Done {
        self.out.sets_seen += 1;
        let Expr::Str(key) = key else {
            return Done::Kept(KEPT_COMPUTED);
        };
        let once = self.once_wrapped(key, value);
        let value = once.as_ref().unwrap_or(value);
        let name = crate::import::vars::ident(key);
        self.out.set_names.push(name.clone());
        // A value that is not there fails nothing in Postman, and is sent as Newman's sandbox
        // hands `undefined` back: `null` for the environment's, the collection's and the
        // globals' variables, nothing for a local one (`pm.variables`).
        // Behind a guard (`if (data.id)`) nothing is set when the value is missing: the
        // variable keeps what it had.
        let missing = missing_text(value, scope);
        // `set("token", undefined)`, `set("token", pm.response.token)` (no such field of the
        // response): the variable holds what Newman sends for a missing value.
        let nothing = Expr::Str(missing.to_string());
        // `set("token", null)`: Newman keeps the null and sends it as the text `null`, in any scope.
        let null = Expr::Str("null".into());
        let value = missing_as(value, &nothing, &null);
        if let Some(done) = self.joined_capture(&name, value) {
            return done;
        }
        let guarded = self.set_guarded(value);
        if let Some(done) = self.text_capture(&name, value, guarded) {
            return done;
        }
        if let Some(text) = self.stringified(value).or_else(|| self.date_set(value)) {
            return self.set_value(&name, key, value, Y::str(text), scope);
        }
        if let Some(done) = self.or_text_capture(&name, value) {
            return done;
        }
        let or_empty = |source: (&str, Y)| {
            // `set("id", res.data._id)`: without `data` the script throws and sets nothing;
            // with a `data` lacking `_id` it sets the missing value.
            if let ("json", Y::Str(p)) = &source
                && let Some(capture) = self.parent_capture(p, missing).filter(|_| !guarded)
            {
                return capture;
            }
            let kept = match &source {
                ("json", Y::Str(p)) => self.unset_when_missing(p),
                // Reading a member of a missing element throws before the set.
                ("xml", Y::Str(p)) => p.rsplit_once('/').is_some_and(|(up, _)| !up.is_empty()),
                _ => false,
            };
            let otherwise = match guarded || kept {
                true => ("optional".into(), Y::Bool(true)),
                false => ("default".into(), Y::str(missing)),
            };
            Y::Map(vec![(source.0.into(), source.1), otherwise])
        };
        let capture = match (self.phase, self.set_subject(value)) {
            (Phase::Test, Some(Subject::Json(p))) => {
                or_empty(("json", Y::str(self.last_of_each(p, guarded))))
            }
            (Phase::Test, Some(Subject::Xml(p))) if !p.is_empty() => or_empty(("xml", Y::str(p))),
            (Phase::Test, Some(Subject::Header(h))) => or_empty(("header", Y::str(h))),
            (Phase::Test, Some(Subject::Cookie(c))) if cookie_value(value) => {
                Y::Map(vec![("cookie".into(), Y::str(c))])
            }
            (Phase::Test, Some(Subject::Cookie(c))) => or_empty(("cookie", Y::str(c))),
            (Phase::Test, Some(Subject::Status)) => Y::Map(vec![("status".into(), Y::Bool(true))]),
            (Phase::Test, Some(Subject::Body)) => Y::Map(vec![("body".into(), Y::Bool(true))]),
            // `set("n", data.items.length)`: the count, not the list; `undefined.length`
            // throws in Postman, so nothing found fails the request (unless guarded).
            (Phase::Test, Some(Subject::Length(inner))) => match length_capture(*inner, guarded) {
                Some(c) => c,
                None => return Done::Kept(KEPT_COMPUTED),
            },
            (_, Some(Subject::Value(v))) => return self.set_value(&name, key, value, v, scope),
            (Phase::ScopeTest, Some(_)) => return Done::Kept(KEPT_SCOPE_CAPTURE),
            _ => {
                return self
                    .derived_capture(&name, value, guarded, missing)
                    .unwrap_or(Done::Kept(KEPT_COMPUTED));
            }
        };
        let capture = converted(capture, self.bound(value));
        let capture = whole_list(capture, value);
        self.out.capture.set(name, capture);
        self.out.captures += 1;
        Done::Converted
    }

    /// What a set() stores, read as a check reads it (`String(x)`: `x`) — but a whole number
    /// made of a value known before the run keeps its rounding (`parseInt(Date.now() / 1000)`).
    fn set_subject(&self, value: &Expr) -> Option<Subject> {
        let rounds = matches!(value, Expr::Call(c, _) if matches!(path(c).as_deref(),
            Some("parseInt" | "Math.floor" | "Math.round" | "Math.trunc")));
        let known = rounds
            .then(|| self.subject(value))
            .flatten()
            .filter(|s| matches!(s, Subject::Value(_)));
        known.or_else(|| self.subject(unwrap_conversion(value)))
    }

    /// In a loop over a list (`ops.forEach(op => set("op_url", op.href))`), a set() each time
    /// leaves the last item's value: `$.ops[-1].href`, where a capture takes the first node.
    pub(super) fn last_of_each(&self, p: String, guarded: bool) -> String {
        match &self.each_base {
            Some(base)
                if !guarded
                    && !self.guarded_set
                    && self.when.is_none()
                    && base.matches("[*]").count() == 1
                    && base.ends_with("[*]")
                    && p.starts_with(base.as_str()) =>
            {
                format!("{}[-1]{}", &base[..base.len() - 3], &p[base.len()..])
            }
            _ => p,
        }
    }

    /// A set() of a piece of a header or the body's text: its last segment, the text trimmed
    /// and unquoted, what a regular expression matches.
    pub(super) fn text_capture(&mut self, name: &str, value: &Expr, guarded: bool) -> Option<Done> {
        self.header_segment(name, value, guarded)
            .or_else(|| self.header_query(name, value, guarded))
            .or_else(|| self.body_text_capture(name, value, guarded))
            .or_else(|| self.matched_capture(name, value, guarded))
    }

    /// `set("expires", new Date(Date.now() + 600000))`: Newman keeps the time as JSON writes
    /// it (ISO, as `toISOString()`; a moment's too).
    pub(super) fn date_set(&self, value: &Expr) -> Option<String> {
        let iso = self.date_of(value)?.now("")?;
        Some(format!("{{{{ {iso} }}}}"))
    }

    /// A set() of the body's text, trimmed and unquoted: a capture by regular expression.
    pub(super) fn body_text_capture(
        &mut self,
        name: &str,
        value: &Expr,
        guarded: bool,
    ) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let mut m = vec![("regex".into(), Y::str(self.body_text_pattern(value)?))];
        if guarded {
            m.push(("optional".into(), Y::Bool(true)));
        }
        self.out.capture.set(name, Y::Map(m));
        self.out.captures += 1;
        Some(Done::Converted)
    }

    /// `set("id", location.match(/\/evidence\/(.+)/)[1])` of a header, the body's text or a
    /// field of the body (`data.next.match(/page=(\d+)/)[1]`), also through a local: a capture
    /// by that regular expression.
    pub(super) fn matched_capture(
        &mut self,
        name: &str,
        value: &Expr,
        guarded: bool,
    ) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let Expr::Index(matched, group) = self.through_local(value) else {
            return None;
        };
        let Expr::Call(callee, args) = &**matched else {
            return None;
        };
        let (Expr::Member(of, m), [Expr::Regex(body, flags)]) = (&**callee, args.as_slice()) else {
            return None;
        };
        let source = match self.subject(self.through_local(of))? {
            s @ (Subject::Header(_) | Subject::Body | Subject::Json(_)) => s,
            _ => return None,
        };
        // With `g`, `match` answers every match: `[1]` is the second.
        if flags.contains('g') {
            return None;
        }
        let pattern = chain::regex(body, flags)?;
        let groups = regex::Regex::new(&pattern).ok()?.captures_len() - 1;
        // yarc takes group 1, or the whole match of a pattern without groups.
        let taken = match **group {
            Expr::Num(n) if n == 1.0 && groups >= 1 => true,
            Expr::Num(n) if n == 0.0 && groups == 0 => true,
            _ => false,
        };
        if m != "match" || !taken {
            return None;
        }
        // No match throws in Postman: the request fails (here: the check that it matches),
        // and the variable keeps the value it had for the requests after it.
        if !guarded && self.when.is_none() {
            self.put(source.clone(), "matches", Y::str(pattern.clone()), false);
        }
        if let (false, true, Subject::Json(path)) = (guarded, self.throw_ends_script(), &source) {
            self.thrown_unmatched.push((path.clone(), pattern.clone()));
        }
        let mut capture = Vec::new();
        match source {
            Subject::Header(h) => capture.push(("header".into(), Y::str(h))),
            Subject::Json(path) => capture.push(("json".into(), Y::str(path))),
            _ => {}
        }
        capture.push(("regex".into(), Y::str(pattern)));
        capture.push(("optional".into(), Y::Bool(true)));
        self.out.capture.set(name, Y::Map(capture));
        self.out.captures += 1;
        Some(Done::Converted)
    }

    /// The body's text trimmed (`pm.response.text().trim()`), and its quotes taken off
    /// (`.replace(/^"+|"+$/g, "")`, a token an API answers as a JSON string): a regular
    /// expression whose group is that text.
    pub(super) fn body_text_pattern(&self, value: &Expr) -> Option<String> {
        // The quotes taken off: at both ends, or (a JSON string's token has none inside) every
        // one of them, `/"/g`, `/['"]+/g`.
        let unquoted = |e: &Expr| match e {
            Expr::Call(c, args) => match (&**c, args.as_slice()) {
                (Expr::Member(inner, m), [Expr::Regex(body, flags), Expr::Str(with)])
                    if m == "replace" && with.is_empty() =>
                {
                    let quotes = match body.replace('\\', "").as_str() {
                        "^\"+|\"+$" => "\"*",
                        "\"" | "\"+" if flags.contains('g') => "\"*",
                        "['\"]+" | "[\"']+" | "['\"]" | "[\"']" if flags.contains('g') => "[\"']*",
                        _ => return None,
                    };
                    Some((inner.as_ref().clone(), quotes))
                }
                _ => None,
            },
            _ => None,
        };
        let (inner, quotes) = unquoted(value).unwrap_or((value.clone(), ""));
        match self.subject(&inner)? {
            Subject::TrimmedBody => Some(format!("^\\s*{quotes}([\\s\\S]*?){quotes}\\s*$")),
            Subject::Body if !quotes.is_empty() => Some(format!("^{quotes}([\\s\\S]*?){quotes}$")),
            _ => None,
        }
    }

    /// `pm.globals.set("href", found ? found.href : "N/A")`: the value, or that text.
    pub(super) fn or_text_capture(&mut self, name: &str, value: &Expr) -> Option<Done> {
        if let (Phase::Test, Expr::Cond(c, then, otherwise)) = (self.phase, value)
            && let (Some(Subject::Json(pc)), Some(Subject::Json(pt))) =
                (self.subject(c), self.subject(then))
            && pt.starts_with(&pc)
            && let Some(fallback) = literal_y(otherwise)
        {
            let capture = Y::Map(vec![
                ("json".into(), Y::str(pt)),
                ("default".into(), fallback),
            ]);
            self.out.capture.set(name, capture);
            self.out.captures += 1;
            return Some(Done::Converted);
        }
        None
    }

    /// A set() of a value known before the response (a literal, `{{ var }}`, a made-up value):
    /// given before the request, or from the start as a collection variable.
    pub(super) fn set_value(
        &mut self,
        name: &str,
        key: &str,
        value: &Expr,
        v: Y,
        scope: SetScope,
    ) -> Done {
        if self.sent_body_read.take() {
            self.out.sent_bodies.push(name.to_string());
        }
        if self.swallowed_gate.is_some() {
            return Done::Kept(KEPT_GATED_SET);
        }
        if self.vars_gate {
            return Done::Kept(KEPT_RETURNED_SET);
        }
        let shared = scope == SetScope::Shared;
        // Before the request, as Postman runs it; a value computed from variables is
        // given in order too (as a variable it could read itself: `n = n + 1`).
        let computed = matches!(&v, Y::Str(t) if t.contains("{{"));
        if self.phase == Phase::Test && self.when.is_some() && !computed {
            return self.value_when(name, v);
        }
        let reads_itself = computed && matches!(&v, Y::Str(t) if reads(t, name));
        let before = self.phase == Phase::PreRequest && (computed || !shared);
        if v == var_ref(key) {
            // `set("name", name)` again, after the local became the variable: no change.
            self.out.variables_set += 1;
            return Done::Converted;
        }
        if before && made_up(&v) {
            // `let name = replaceIn("{{$randomFirstName}}"); set("name", name);
            // let email = name + "@example.com"`: the local is the value just set, not
            // a new one made each time it is read.
            if let Expr::Ident(local) = unwrap_conversion(value) {
                let now_set = Subject::Value(var_ref(key));
                self.aliases.insert(local.clone(), Some(now_set));
            }
        }
        match before || reads_itself {
            true => self.out.sets.set(name, v),
            false => self.out.variables.set(name, v),
        }
        self.out.variables_set += 1;
        Done::Converted
    }
}

impl Converter {
    /// `if (pm.response.code == 201) { set("body", pm.request.body.raw) }`: the value, taken
    /// when the case's `when:` holds — never a starting value Postman would not have.
    fn value_when(&mut self, name: &str, v: Y) -> Done {
        if !self.unguarded() || self.out.capture.get(name).is_some() {
            return Done::Kept(KEPT_FLOW);
        }
        self.out
            .capture
            .set(name, Y::Map(vec![("value".into(), v)]));
        self.out.captures += 1;
        Done::Converted
    }
}

/// `set("skus", JSON.stringify(items.map(i => i.sku)))`: the list of every node the path
/// selects (`all: true`), written as JSON as the script writes it, not its first.
fn whole_list(capture: Y, value: &Expr) -> Y {
    let stringified = matches!(value, Expr::Call(callee, args)
        if args.len() == 1 && path(callee).as_deref() == Some("JSON.stringify"));
    match capture {
        Y::Map(mut entries) if stringified => {
            let several = entries.iter().any(|(k, v)| {
                k == "json"
                    && matches!(v, Y::Str(p) if p.contains("[*]") || p.contains("[?") || p.contains(".."))
            });
            if several && !entries.iter().any(|(k, _)| k == "all") {
                entries.insert(1, ("all".into(), Y::Bool(true)));
            }
            Y::Map(entries)
        }
        capture => capture,
    }
}

/// The capture with the `as:` of the conversion the set() makes, if any.
fn converted(capture: Y, value: &Expr) -> Y {
    match (capture, conversion(value)) {
        (Y::Map(mut entries), Some(to)) => {
            entries.push(("as".into(), Y::str(to)));
            Y::Map(entries)
        }
        (capture, _) => capture,
    }
}

/// What a set() stores of the value found when it converts it (`String(x)`, `x.toString()`,
/// `Number(x)`, `parseFloat(x)`, `parseInt(x)`): a capture's `as:`.
fn conversion(value: &Expr) -> Option<&'static str> {
    match value {
        Expr::Call(callee, args) if args.len() == 1 => match path(callee).as_deref()? {
            "String" => Some("text"),
            "Number" | "parseFloat" => Some("number"),
            "parseInt" => Some("integer"),
            _ => None,
        },
        Expr::Call(callee, args) if args.is_empty() => match &**callee {
            Expr::Member(inner, m) if m == "toString" && !crypto::is_digest(inner) => Some("text"),
            _ => None,
        },
        _ => None,
    }
}

/// `set("n", data.items.length)`: the count, not the list; `undefined.length` throws in
/// Postman, so nothing found fails the request (unless guarded). `rows.filter(r => r.role ===
/// "dev").length`: how many match (`all`), not the first one's length.
fn length_capture(inner: Subject, guarded: bool) -> Option<Y> {
    let (kind, p) = match inner {
        Subject::Json(p) => ("json", p),
        Subject::Xml(p) if p.starts_with('/') => ("xml", p),
        _ => return None,
    };
    let several = kind == "json" && yarc_core::eval::jsonpath::ends_in_several(&p).unwrap_or(false);
    let mut m = vec![(kind.into(), Y::str(p))];
    if several {
        m.push(("all".into(), Y::Bool(true)));
    }
    m.push(("length".into(), Y::Bool(true)));
    if guarded {
        m.push(("optional".into(), Y::Bool(true)));
    }
    Some(Y::Map(m))
}
