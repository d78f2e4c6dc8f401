//! Locals a script declares and changes: what each is bound to, forgotten when a kept line may
//! change it, and written out where a conversion reads it.

use super::*;

/// The methods that change a list in place.
const MUTATE: &[&str] = &[
    "push", "pop", "shift", "unshift", "splice", "sort", "reverse",
];

impl Converter {
    pub(super) fn declarations(&mut self, decls: &[(Binding, Expr)]) -> Done {
        let mut done = Done::Converted;
        for (binding, value) in decls {
            let d = match binding {
                Binding::Name(n) if let Some(d) = self.bind_xml2js(n, value) => d,
                Binding::Name(n) if let Some(d) = self.first_or_false(n, value) => d,
                Binding::Name(n) => self.declare(n, value),
                Binding::Object(_) if LIBRARIES.iter().any(|m| is_require(value, m)) => {
                    // `const { Property } = require('postman-collection')`.
                    Done::Converted
                }
                Binding::Object(fields) => {
                    let base = self.subject(value);
                    self.require_pattern(base.as_ref(), fields);
                    for (key, local) in fields {
                        let s = match &base {
                            Some(Subject::Json(p)) => {
                                let path = key.split('.').fold(p.clone(), |p, k| child(&p, k));
                                Some(Subject::Json(path))
                            }
                            _ => None,
                        };
                        self.aliases.insert(local.clone(), s);
                    }
                    match base {
                        Some(_) => Done::Converted,
                        None => Done::Kept(KEPT_COMPUTED),
                    }
                }
            };
            if let Done::Kept(_) = d {
                done = d;
            }
        }
        done
    }

    /// `const { data: { id } } = pm.response.json()` throws without `data`, and Newman fails
    /// the request for the script error: `data` must be there.
    fn require_pattern(&mut self, base: Option<&Subject>, fields: &[(String, String)]) {
        let ready = self.phase == Phase::Test && self.reads_checked();
        let Some(Subject::Json(p)) = base.filter(|_| ready) else {
            return;
        };
        let mut parents: Vec<String> = Vec::new();
        for (key, _) in fields {
            let steps: Vec<&str> = key.split('.').collect();
            for n in 1..steps.len() {
                let path = steps[..n].iter().fold(p.clone(), |p, k| child(&p, k));
                if !parents.contains(&path) {
                    parents.push(path);
                }
            }
        }
        for path in parents {
            self.put(Subject::Json(path), "exists", Y::Bool(true), false);
        }
    }

    /// `var data = pm.response.json()`: later uses of `data` read the body.
    /// A name bound to a condition (`var is200 = responseCode.code === 200`): the condition.
    pub(super) fn bound<'a>(&'a self, e: &'a Expr) -> &'a Expr {
        match e {
            Expr::Ident(n) if matches!(self.aliases.get(n), Some(None)) => {
                self.bindings.get(n).unwrap_or(e)
            }
            _ => e,
        }
    }

    /// A loop or block left as a comment may change the locals it assigns
    /// (`while (n.length < 12) { n = n + digit }`): what was known of them is forgotten, so a
    /// later `set("x", n)` is kept too rather than written with the value before the loop.
    /// `order.items = [...]`, `list.push(x)`, `Object.assign(order, ...)`: a local bound to a
    /// value written in the script is that value no more — what it holds now is computed.
    pub(super) fn forget_mutated(&mut self, s: &Stmt) {
        fn root(e: &Expr) -> Option<&str> {
            match e {
                Expr::Ident(n) => Some(n),
                Expr::Member(inner, _) | Expr::Index(inner, _) => root(inner),
                _ => None,
            }
        }
        let target = match &s.kind {
            StmtKind::Assign(t @ (Expr::Member(..) | Expr::Index(..)), _) => root(t),
            StmtKind::Expr(Expr::Call(callee, args)) => match &**callee {
                Expr::Member(of, m) if MUTATE.contains(&m.as_str()) => root(of),
                c if path(c).as_deref() == Some("Object.assign") => args.first().and_then(root),
                _ => None,
            },
            _ => None,
        };
        let Some(name) = target.map(str::to_string) else {
            return;
        };
        // An object the import follows took the assignment in (see `fold`).
        if matches!(s.kind, StmtKind::Assign(..)) && self.objects.contains_key(&name) {
            return;
        }
        self.lists.remove(&name);
        self.parsed_vars.remove(&name);
        // What a local was computed from is not what it holds once written into; `pop()` and
        // `shift()` the reading of a split text follows (`a.pop(); a.pop()`).
        let taken = matches!(&s.kind, StmtKind::Expr(Expr::Call(c, _))
            if matches!(&**c, Expr::Member(_, m) if m == "pop" || m == "shift"));
        if !taken {
            self.computed.remove(&name);
        }
        self.mutated.insert(name.clone());
        if let Some(Some(Subject::Value(_))) = self.aliases.get(&name) {
            self.aliases.insert(name, None);
        }
    }

    /// `value` with each member that names an object or list written before it replaced by
    /// that object, while `budget` (nodes copied) lasts: objects made of objects grow fast.
    fn with_written(&self, value: &Expr, budget: &mut usize) -> Expr {
        match value {
            Expr::Ident(n) => match self.objects.get(n) {
                Some(o) if weight(o) <= *budget => {
                    *budget -= weight(o);
                    o.clone()
                }
                _ => value.clone(),
            },
            Expr::Object(fields) => Expr::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), self.with_written(v, budget)))
                    .collect(),
            ),
            Expr::Array(items) => {
                Expr::Array(items.iter().map(|i| self.with_written(i, budget)).collect())
            }
            _ => value.clone(),
        }
    }

    /// An object or list written in the script, remembered under its name; what it holds.
    fn remember_written(&mut self, name: &str, value: &Expr) -> Option<Expr> {
        let mut written = None;
        if let Expr::Object(_) | Expr::Array(_) = value {
            // `const options = { url, method, body }`, handed to `pm.sendRequest(options, ...)`;
            // `var data = [{...}]`, set as `JSON.stringify(data)`; a schema whose members are
            // schemas written before it (`"items": itemSchema`) holds them.
            let mut budget = INLINED_NODES;
            let value = self.with_written(value, &mut budget);
            self.objects.insert(name.to_string(), value.clone());
            written = Some(value);
        }
        match value {
            Expr::Array(values)
                if values
                    .iter()
                    .all(|v| matches!(v, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_))) =>
            {
                self.lists.insert(name.to_string(), values.clone());
            }
            _ => {
                self.lists.remove(name);
            }
        }
        written
    }

    /// `var page = JSON.parse(pm.collectionVariables.get("page"))`: what is read of `page` is
    /// read of the variable parsed at run time — unless the script changes it later, when it
    /// holds what the script makes of it.
    /// So is a member of it kept in a local of its own (`const doc = page.documents["1"]`).
    fn declared_parsed(&mut self, name: &str, value: &Expr) -> Option<Done> {
        let parsed = match self.parsed_of_variable(value) {
            Some(var) => (var, Vec::new()),
            None => {
                let (root, mut steps) = member_steps(value)?;
                let Expr::Ident(r) = root else {
                    return None;
                };
                let (var, before) = self.parsed_vars.get(r).filter(|_| !steps.is_empty())?;
                steps.extend(before.iter().cloned());
                (var.clone(), steps)
            }
        };
        self.aliases.insert(name.to_string(), None);
        if self.changed_after(name) {
            return Some(Done::Kept(KEPT_COMPUTED));
        }
        self.parsed_vars.insert(name.to_string(), parsed);
        Some(Done::Converted)
    }

    /// Whether a line after the statement being read changes what `name` holds inside
    /// (`name.a = 1`, `name.list.push(x)`, `delete name.id`, `Object.assign(name, ...)`).
    pub(super) fn changed_after(&self, name: &str) -> bool {
        let rest = self.lines.get(self.at_line..).unwrap_or_default();
        written_into(name, rest)
    }

    /// Whether any line of the script writes into the local (`urls[o.type] = o.url` in a
    /// loop before it is read): a table the script wrote is then not what it holds.
    pub(super) fn written_into_anywhere(&self, name: &str) -> bool {
        written_into(name, &self.lines)
    }

    pub(super) fn forget_reassigned(&mut self, s: &Stmt) {
        let text = self
            .lines
            .get(s.first.saturating_sub(1)..s.last.min(self.lines.len()))
            .unwrap_or_default()
            .join("\n");
        let known: Vec<String> = self
            .aliases
            .keys()
            .chain(self.computed.keys())
            .chain(self.objects.keys())
            .chain(self.dates.keys())
            .chain(self.bindings.keys())
            .chain(self.literals.keys())
            .cloned()
            .collect();
        for name in known {
            let assigned = regex::Regex::new(&format!(
                r"(?:^|[^.\w$]){}\s*(?:\+\+|--|[-+*/%]?=[^=])|(?:\+\+|--){}\b",
                regex::escape(&name),
                regex::escape(&name)
            ))
            .is_ok_and(|re| re.is_match(&text));
            if assigned {
                self.aliases.remove(&name);
                self.computed.remove(&name);
                self.objects.remove(&name);
                self.dates.remove(&name);
                self.formatted.remove(&name);
                self.bindings.remove(&name);
                self.literals.remove(&name);
            }
        }
    }

    /// `const stamp = ...` of a value the import could not read alone, when it is made up (see
    /// [`Self::made_once`]).
    pub(super) fn made_up_once(&mut self, s: &Stmt) -> bool {
        let StmtKind::Let(decls) = &s.kind else {
            return false;
        };
        let [(Binding::Name(local), value)] = decls.as_slice() else {
            return false;
        };
        let (value, _) = self.inline(value, 0);
        let Some(made) = self.jinja(&value).map(|j| Y::str(format!("{{{{ {j} }}}}"))) else {
            return false;
        };
        self.made_once(local, made)
    }

    /// `const randId = Math.floor(Math.random() * 900000000)` read by several statements
    /// after it: one value in Postman, made once here too — a variable of its own (`set:`
    /// before the ones reading it), where written out at each read it would be made anew.
    pub(super) fn made_once(&mut self, local: &str, made: Y) -> bool {
        let free = self.unguarded() && self.when.is_none() && self.each_base.is_none();
        if !free || !made_up(&made) || self.changed_after(local) {
            return false;
        }
        // The declaration's own line names it once.
        let from = self
            .lines
            .get(self.at_line.saturating_sub(1)..)
            .unwrap_or_default();
        // `set("name", name)` makes the local that variable from there on (`set_of`): then it
        // needs none of its own, unless a set() made of it comes first.
        let reading = |l: &&String| reads_of(local, std::slice::from_ref(*l)) > 0;
        let mut sets = from
            .iter()
            .skip(1)
            .filter(reading)
            .filter(|l| l.contains(".set("));
        // (Before the request only: a test script's values are given in order after it.)
        let stored =
            self.phase == Phase::PreRequest && sets.next().is_some_and(|l| stores(l, local));
        if stored || reads_of(local, from) < 3 {
            return false;
        }
        let mut name = crate::import::vars::ident(local);
        let taken = |n: &String| {
            self.known_sets.contains(n)
                || self.known_texts.contains(n)
                || self.known_json.contains_key(n)
        };
        if taken(&name) {
            name.push_str("_local");
        }
        match self.phase {
            Phase::PreRequest => self.out.sets.set(&name, made),
            _ => self.out.variables.set(&name, made),
        }
        // A variable the run sets, declared as such (not one the user must give).
        self.out.set_names.push(name.clone());
        let now_set = Subject::Value(super::var_ref(&name));
        self.aliases.insert(local.to_string(), Some(now_set));
        true
    }

    /// A local bound to what could not be read alone: remembered with its lines.
    pub(super) fn remember_computed(&mut self, s: &Stmt) {
        let mut put = |n: &str, v: &Expr| {
            self.computed
                .insert(n.to_string(), (v.clone(), s.first, s.last));
        };
        match &s.kind {
            StmtKind::Let(decls) => {
                for (b, v) in decls {
                    if let Binding::Name(n) = b {
                        put(n, v);
                    }
                }
            }
            StmtKind::Assign(Expr::Ident(n), v) => put(n, v),
            _ => {}
        }
    }

    /// `e` with the remembered locals it names written out (`CryptoJS.enc.Base64.stringify(words)`
    /// reads `words`' expression), and the names it wrote out.
    pub(super) fn inline(&self, e: &Expr, depth: usize) -> (Expr, Vec<String>) {
        let mut used = Vec::new();
        let out = self.inline_into(e, depth, &mut used);
        (out, used)
    }

    pub(super) fn inline_into(&self, e: &Expr, depth: usize, used: &mut Vec<String>) -> Expr {
        let mut go = |x: &Expr| Box::new(self.inline_into(x, depth, used));
        match e {
            Expr::Ident(n)
                if depth < 8
                    && !matches!(self.aliases.get(n), Some(Some(_)))
                    && !self.objects.contains_key(n) =>
            {
                match self.computed.get(n) {
                    Some((v, ..)) => {
                        used.push(n.clone());
                        self.inline_into(v, depth + 1, used)
                    }
                    None => e.clone(),
                }
            }
            Expr::Member(x, m) => Expr::Member(go(x), m.clone()),
            Expr::Index(x, i) => Expr::Index(go(x), go(i)),
            Expr::Unary(op, x) => Expr::Unary(op, go(x)),
            Expr::Binary(op, a, b) => {
                let a = go(a);
                Expr::Binary(op, a, go(b))
            }
            Expr::Call(c, args) => {
                let c = go(c);
                Expr::Call(c, args.iter().map(|a| *go(a)).collect())
            }
            _ => e.clone(),
        }
    }

    pub(super) fn declare(&mut self, name: &str, value: &Expr) -> Done {
        if *value == Expr::Undefined {
            // `let json;`: a name assigned later (in a `try`, in a check), nothing yet.
            self.forget(name);
            return Done::Converted;
        }
        let read;
        let value = match self.getter_call(value) {
            Some(e) => {
                read = e;
                &read
            }
            None => value,
        };
        let parsed;
        let value = match self.parsed_body_text(name, value) {
            Some(e) => {
                parsed = e;
                &parsed
            }
            None => value,
        };
        // What the name held stays readable to its new value (`n = n + 1`).
        self.forget_made(name);
        if let Some(done) = self.declared_parsed(name, value) {
            return done;
        }
        if let Some(done) = self.declared_literal(name, value) {
            return done;
        }
        if self.bound_for_checks(name, value) || self.helper_bookkeeping(value) {
            return Done::Converted;
        }
        if let Some(at) = self.date_of(value) {
            self.dates.insert(name.to_string(), at);
            return Done::Converted;
        }
        if let Some(done) = self.read_later(name, value) {
            return done;
        }
        if let Expr::Binary("||", a, b) = value
            && matches!(&**b, Expr::Object(o) if o.is_empty())
            && let Some(Subject::Json(p)) = self.subject(a)
        {
            // `var doc = data.missing || {}`: reading `doc.x` cannot throw.
            self.present.push(p);
        }
        let written = self.remember_written(name, value);
        let value = written.as_ref().unwrap_or(value);
        if let Some(day) = self.day_of(value) {
            self.aliases.insert(name.to_string(), Some(day));
            return Done::Converted;
        }
        if let Expr::Call(c, _) = value
            && let Expr::Member(time, how) = &**c
            && matches!(how.as_str(), "format" | "toISOString")
            && let Some(at) = self.date_of(time)
        {
            self.formatted.insert(name.to_string(), at);
        }
        let some_call =
            matches!(value, Expr::Call(c, _) if matches!(&**c, Expr::Member(_, m) if m == "some"));
        let s = if some_call { None } else { self.subject(value) };
        let mut known = s.is_some();
        // `var found = responseHeaders.hasOwnProperty("Content-Type")`: a yes or no.
        let asks = matches!(value, Expr::Call(c, _) if matches!(&**c, Expr::Member(_, m)
            if matches!(m.as_str(), "hasOwnProperty" | "has" | "includes" | "startsWith" | "endsWith" | "test")));
        // `var text = pm.response.text().toLowerCase()`: read where a check names a text.
        let read_at_checks = some_call || asks || in_one_case(value);
        if !known && (read_at_checks || matches!(value, Expr::Binary(..) | Expr::Unary("!", _))) {
            self.bindings.insert(name.to_string(), value.clone());
            // A condition the checks and guards that read the name understand: it is said
            // where it is used.
            known = self.phase != Phase::PreRequest && (some_call || self.is_guard(value));
        }
        if let Some(Subject::Value(v)) = &s
            && self.made_once(name, v.clone())
        {
            return Done::Converted;
        }
        self.aliases.insert(name.to_string(), s);
        // The body's text is read where it is used (`JSON.parse(raw).id`).
        if known || self.body_texts.contains(name) {
            Done::Converted
        } else {
            Done::Kept(KEPT_COMPUTED)
        }
    }

    /// A name read where it is used, not as its value now: a schema, a library, a scope's
    /// variables — and a value made of a made-up local (`const name =
    /// replaceIn("{{$randomFirstName}}"); const email = name + "@x.io";` then `set("name",
    /// name)`), read where it is set, when `name` is the variable just set.
    fn read_later(&mut self, name: &str, value: &Expr) -> Option<Done> {
        // `const res = pm.response`: every read of `res` was written `pm.response` (see
        // `response_named`), unless the name is bound again.
        // As there, a hostile script's thousands of names stay as written.
        let response = path(value).as_deref() == Some("pm.response") && {
            self.response_names_seen += 1;
            self.response_names_seen <= 16 && !super::bound_again(&self.lines.join("\n"), name)
        };
        let done = if self.schema_name(name, value) || read_where_used(value) || response {
            Done::Converted
        } else if self.reads_made_up_local(value) {
            Done::Kept(KEPT_COMPUTED)
        } else {
            return None;
        };
        self.aliases.insert(name.to_string(), None);
        Some(done)
    }

    /// Whether a pre-request script's value reads a local holding a made-up value (`fake()`,
    /// `uuid()`, random bytes), which a later `set()` may make a variable.
    fn reads_made_up_local(&self, value: &Expr) -> bool {
        let made = |n: &String| match self.aliases.get(n) {
            Some(Some(Subject::Value(v))) => made_up(v),
            _ => (self.computed.get(n)).is_some_and(|(v, ..)| {
                let (v, _) = self.inline(v, 0);
                self.jinja(&v)
                    .is_some_and(|j| made_up(&Y::str(format!("{{{{ {j} }}}}"))))
            }),
        };
        self.phase == Phase::PreRequest
            && (self.aliases.keys().chain(self.computed.keys()))
                .any(|n| reads_name(value, n) && made(n))
    }

    /// `list = list.length > 0 && list[0]` (or `list && list[0]`): the item, or `false` —
    /// whose members are `undefined`, so reading through it cannot throw. The name is that
    /// item, present as far as reads go.
    pub(super) fn first_or_false(&mut self, name: &str, value: &Expr) -> Option<Done> {
        let Expr::Binary("&&", cond, item) = value else {
            return None;
        };
        let Some(Subject::Json(p)) = self.subject(item) else {
            return None;
        };
        let tested = match &**cond {
            Expr::Binary(">" | "!==" | "!=", len, _) => len,
            other => other,
        };
        let base = match self.subject(tested)? {
            Subject::Json(q) => q,
            Subject::Length(inner) => match *inner {
                Subject::Json(q) => q,
                _ => return None,
            },
            _ => return None,
        };
        if !p.starts_with(&base) {
            return None;
        }
        self.present.push(p.clone());
        self.aliases
            .insert(name.to_string(), Some(Subject::Json(p)));
        Some(Done::Converted)
    }
}

/// Whether one of `lines` writes into the local `name`: a member assigned (`page.x = 1`,
/// `urls[k] = v`, `n.count++`), a list-changing method, `delete`, `Object.assign`.
fn written_into(name: &str, lines: &[String]) -> bool {
    let n = regex::escape(name);
    let steps = r"(?:\.[\w$]+|\[[^\]]*\])";
    let mutate = MUTATE.join("|");
    let pattern = format!(
        r"(?:^|[^.\w$]){n}{steps}+\s*(?:[-+*/%]?=[^=]|\+\+|--)|(?:^|[^.\w$]){n}{steps}*\.(?:{mutate})\s*\(|\bdelete\s+{n}\b|Object\.assign\(\s*{n}\b"
    );
    regex::Regex::new(&pattern).is_ok_and(|re| lines.iter().any(|l| re.is_match(l)))
}

/// How many nodes of objects written before may be copied into one object.
const INLINED_NODES: usize = 20_000;

/// The nodes of an object or list literal (anything else counts one).
fn weight(e: &Expr) -> usize {
    match e {
        Expr::Object(fields) => 1 + fields.iter().map(|(_, v)| weight(v)).sum::<usize>(),
        Expr::Array(items) => 1 + items.iter().map(weight).sum::<usize>(),
        _ => 1,
    }
}

/// `var moment = require('moment')`: the calls through it are read where they are;
/// `pm.environment.toObject()`: its members were read as `get()`s before parsing.
fn read_where_used(value: &Expr) -> bool {
    let scope_object = matches!(value, Expr::Call(c, _) if path(c).is_some_and(|p| {
        p.starts_with("pm.")
            && p.ends_with(".toObject")
            && !p.starts_with("pm.request")
            && !p.starts_with("pm.response")
    }));
    let uuid_v4 = matches!(value, Expr::Member(inner, m) if m == "v4" && is_require(inner, "uuid"));
    scope_object || uuid_v4 || LIBRARIES.iter().any(|m| is_require(value, m))
}

/// How many times the lines name `name` as a word of its own, outside quoted text.
fn reads_of(name: &str, lines: &[String]) -> usize {
    static QUOTED: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let quoted = QUOTED.get_or_init(|| {
        regex::Regex::new(r#""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"#).expect("valid regex")
    });
    let words = |l: &String| {
        let l = quoted.replace_all(l, "\"\"");
        let is = |w: &&str| *w == name;
        l.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .filter(is)
            .count()
    };
    lines.iter().map(words).sum()
}

/// Whether a line sets a variable to the local alone (`pm.environment.set("name", name)`).
fn stores(line: &str, local: &str) -> bool {
    line.split(".set(").skip(1).any(|call| {
        let args = call.split(')').next().unwrap_or_default();
        let value = args.rsplit(',').next().unwrap_or_default().trim();
        // The split ends at the first `)`: `String(id` of `String(id))`.
        [
            local.to_string(),
            format!("String({local}"),
            format!("{local}.toString("),
        ]
        .contains(&value.to_string())
    })
}
