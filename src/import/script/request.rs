//! What a pre-request script changes in its own request (headers added or replaced, query
//! parameters, a body it writes) and what a test reads of the request it sent.

use super::*;

impl Converter {
    /// `pm.request.body.raw = JSON.stringify({ title: "Order " + ts, ... })` in a request's
    /// own pre-request script: the object, written as the request's JSON body (each value
    /// made when the request is sent).
    pub(super) fn body_given(&mut self, s: &Stmt) -> Option<Done> {
        let StmtKind::Assign(target, value) = &s.kind else {
            return None;
        };
        if self.phase != Phase::PreRequest || path(target).as_deref() != Some("pm.request.body.raw")
        {
            return None;
        }
        let Expr::Call(callee, args) = value else {
            return Some(Done::Kept(KEPT_OTHER));
        };
        let (Some("JSON.stringify"), [object @ (Expr::Object(_) | Expr::Array(_))]) =
            (path(callee).as_deref(), args.as_slice())
        else {
            return Some(Done::Kept(KEPT_OTHER));
        };
        Some(match self.json_value(object, 0) {
            Some(body @ (Y::Map(_) | Y::Seq(_))) => {
                self.out.json_body = Some(body);
                Done::Converted
            }
            _ => Done::Kept(KEPT_COMPUTED),
        })
    }

    /// An object or list the script writes, each value one known before the request
    /// (`"Order " + ts`, `pm.collectionVariables.get("id")`), as YAML.
    pub(super) fn json_value(&self, e: &Expr, depth: usize) -> Option<Y> {
        if depth > 64 {
            return None;
        }
        match e {
            Expr::Object(_) | Expr::Array(_) => literal(
                e,
                |s| Y::Str(s.to_string()),
                |m| self.json_value(m, depth + 1),
            )?,
            other => self.value(other),
        }
    }

    /// `pm.request.headers.add({ key: "X-Group", value: pm.environment.get("group") })` (or
    /// `.upsert`, `pm.request.addHeader`) in a pre-request script: a header of the request.
    /// `if (pm.environment.get("authToken")) { pm.request.headers.upsert({ key: "Authorization",
    /// value: "Bearer " + pm.environment.get("authToken") }) }` in a request's own pre-request
    /// script: the header only while the token is set — the request's `auth: { bearer: "{{
    /// authToken }}" }`, which sends no Authorization header for an empty token, as Postman
    /// sends none then.
    pub(super) fn bearer_when_set(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
    ) -> Option<Done> {
        if self.phase != Phase::PreRequest
            || self.own_name.is_none()
            || self.out.bearer.is_some()
            || !otherwise.iter().all(is_console_stmt)
        {
            return None;
        }
        let var = self.variable_read(cond)?;
        let mut adds = then.iter().filter(|s| !is_console_stmt(s));
        let (Some(add), None) = (adds.next(), adds.next()) else {
            return None;
        };
        let StmtKind::Expr(Expr::Call(callee, args)) = &add.kind else {
            return None;
        };
        let adding = adds_header(callee) && path(callee).as_deref() != Some("pm.request.addHeader");
        let [Expr::Object(o)] = args.as_slice() else {
            return None;
        };
        let (Some(Expr::Str(key)), Some(value)) = (field(o, "key"), field(o, "value")) else {
            return None;
        };
        let sent = self.value(value)?;
        let bearer = format!("{{{{ {var} }}}}");
        if !adding
            || !key.eq_ignore_ascii_case("authorization")
            || sent != Y::str(format!("Bearer {bearer}"))
        {
            return None;
        }
        self.out.bearer = Some(Y::Map(vec![("bearer".into(), Y::str(bearer))]));
        Some(Done::Converted)
    }

    pub(super) fn header_added(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        if path(callee).as_deref() == Some("pm.request.headers.remove")
            && self.phase == Phase::PreRequest
            && let [Expr::Str(name)] = args.as_slice()
        {
            return Some(self.header_replaced(name));
        }
        if !adds_header(callee) || self.phase != Phase::PreRequest {
            return None;
        }
        let (key, value) = match args.as_slice() {
            [Expr::Object(o)] => (field(o, "key")?, field(o, "value")?),
            [Expr::Str(_), _] => (&args[0], &args[1]),
            // `headers.add("X-Key: " + pm.environment.get("KEY"))`: Postman parses the text.
            [one] => return Some(self.header_line_added(one)),
            _ => return Some(Done::Kept(KEPT_COMPUTED)),
        };
        // `value: "Basic " + encoded`, where `encoded = btoa(user + ":" + password)`.
        let (value, used) = self.inline(value, 0);
        let (Expr::Str(key), Some(value)) = (key, self.value(&value)) else {
            return Some(Done::Kept(KEPT_COMPUTED));
        };
        let enables = matches!(args.as_slice(), [Expr::Object(o)]
            if matches!(field(o, "disabled"), Some(Expr::Bool(false))));
        if path(callee).as_deref() == Some("pm.request.headers.upsert") && !enables {
            self.out.upserted.push(key.clone());
        }
        self.out.headers.set(key.clone(), value);
        for name in used {
            self.computed_used(&name);
        }
        Some(Done::Converted)
    }

    /// `pm.request.headers.remove("X-Forwarded-For")` before the script adds it again: the
    /// added one takes its place, as a header of the request does. A removal alone, in a
    /// request's own script, is the request without that header; in a folder's, it is kept.
    pub(super) fn header_replaced(&mut self, name: &str) -> Done {
        let later = self.lines.get(self.at_line..).unwrap_or_default();
        let adds = later.iter().any(|l| {
            ["headers.add", "headers.upsert", "addHeader"]
                .iter()
                .any(|w| l.contains(w))
        });
        let named = later.iter().any(|l| {
            [
                format!("'{name}'"),
                format!("\"{name}\""),
                format!("'{name}:"),
                format!("\"{name}:"),
            ]
            .iter()
            .any(|q| l.contains(q.as_str()))
        });
        match (adds && named, self.own_name.is_some()) {
            (true, _) => {
                self.out.replaced.push(name.to_string());
                Done::Converted
            }
            (false, true) => {
                self.out.removed.push(name.to_string());
                Done::Converted
            }
            (false, false) => Done::Kept(KEPT_OTHER),
        }
    }

    /// A header given as one line of text, `"Name: value"` (the name written, the value
    /// any text a template can make).
    pub(super) fn header_line_added(&mut self, line: &Expr) -> Done {
        let (line, used) = self.inline(line, 0);
        let Some(Y::Str(text)) = self.value(&line) else {
            return Done::Kept(KEPT_COMPUTED);
        };
        let Some((key, value)) = text.split_once(':') else {
            return Done::Kept(KEPT_COMPUTED);
        };
        let key = key.trim();
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if key.is_empty() || !key.chars().all(token) {
            return Done::Kept(KEPT_COMPUTED);
        }
        self.out.headers.set(key, Y::str(value.trim()));
        for name in used {
            self.computed_used(&name);
        }
        Done::Converted
    }

    /// `let login = ""; for (let i = 0; i < 15; i++) { login += pm.variables.replaceIn(
    /// "{{$randomAlphaNumeric}}") }`: the local holds that value written 15 times over (each a
    /// new made-up one where it is made up), at most 64.
    pub(super) fn repeated_text(&mut self, l: &js::Loop) -> Option<Done> {
        // `i < 12`, or `i < passwordLength` of a `const passwordLength = 12`.
        let n = self.number(&l.list)?;
        if !(l.indexed && n.fract() == 0.0 && (1.0..=128.0).contains(&n)) {
            return None;
        }
        let [body] = l.body.as_slice() else {
            return None;
        };
        let StmtKind::Assign(Expr::Ident(acc), Expr::Binary("+", a, piece)) = &body.kind else {
            return None;
        };
        if **a != Expr::Ident(acc.clone()) || body.mentions(&l.name) {
            return None;
        }
        let (Some(Y::Str(start)), Some(Y::Str(piece))) =
            (self.value(&Expr::Ident(acc.clone())), self.value(piece))
        else {
            return None;
        };
        let text = repeated(start, &piece, n as usize);
        self.aliases
            .insert(acc.clone(), Some(Subject::Value(Y::Str(text))));
        Some(Done::Converted)
    }

    /// `pm.request.url.addQueryParams([{ key: "key", value: pm.globals.get("apiKey") }])`
    /// (also `pm.request.addQueryParams`, `pm.request.url.query.add/upsert({...})`, a text
    /// `"a=1&b=2"`): `query:` entries, after those the URL holds, as Postman appends them.
    pub(super) fn query_added(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let adds = matches!(
            path(callee).as_deref(),
            Some(
                "pm.request.url.addQueryParams"
                    | "pm.request.addQueryParams"
                    | "pm.request.url.query.add"
                    | "pm.request.url.query.upsert"
            )
        );
        if self.phase != Phase::PreRequest {
            return None;
        }
        if !adds {
            return self.query_removed(callee, args);
        }
        let items: Vec<&Expr> = match args.as_slice() {
            [Expr::Array(items)] => items.iter().collect(),
            [one @ Expr::Object(_)] => vec![one],
            [Expr::Str(text)] => {
                for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
                    self.out.query.set(k.into_owned(), Y::str(v.into_owned()));
                }
                return Some(Done::Converted);
            }
            // `"ts=" + Date.now()`: one parameter, its value made.
            [Expr::Binary("+", head, value)] => {
                let Expr::Str(head) = &**head else {
                    return Some(Done::Kept(KEPT_COMPUTED));
                };
                let key = head.strip_suffix('=').filter(|k| !k.contains(['&', '=']));
                return Some(match (key, self.value(value)) {
                    (Some(key), Some(v)) if !key.is_empty() => {
                        self.out.query.set(key.to_string(), v);
                        Done::Converted
                    }
                    _ => Done::Kept(KEPT_COMPUTED),
                });
            }
            // `` `correlationId=${id}` ``: the same, written as a template literal.
            [Expr::Template(parts)] => {
                let (Some(js::TemplatePart::Text(head)), Some(js::TemplatePart::Expr(value)), 2) =
                    (parts.first(), parts.get(1), parts.len())
                else {
                    return Some(Done::Kept(KEPT_COMPUTED));
                };
                let head = Expr::Binary(
                    "+",
                    Box::new(Expr::Str(head.clone())),
                    Box::new(value.clone()),
                );
                return self.query_added(&Expr::Call(callee.clone(), vec![head]));
            }
            _ => return Some(Done::Kept(KEPT_COMPUTED)),
        };
        let mut pairs = Vec::new();
        for item in items {
            let Expr::Object(o) = item else {
                return Some(Done::Kept(KEPT_COMPUTED));
            };
            let (Some(Expr::Str(key)), Some(value)) = (field(o, "key"), field(o, "value")) else {
                return Some(Done::Kept(KEPT_COMPUTED));
            };
            let Some(value) = self.value(value) else {
                return Some(Done::Kept(KEPT_COMPUTED));
            };
            pairs.push((key.clone(), value));
        }
        // An upsert gives the parameter the URL has its new value in place (a request's own
        // script: the URL is this request's).
        let upsert = path(callee).as_deref() == Some("pm.request.url.query.upsert")
            && self.own_name.is_some();
        let written = |k: &str| (self.request_query.iter().flatten()).any(|(name, _)| name == k);
        for (k, v) in pairs {
            match upsert && written(&k) {
                true => self.out.upserted_query.push((k, v)),
                false => self.out.query.set(k, v),
            }
        }
        Some(Done::Converted)
    }

    /// `pm.request.removeQueryParams("debug")` (a list of names too, or
    /// `pm.request.url.query.remove("debug")`) in a request's own pre-request script: the
    /// request goes without those parameters.
    fn query_removed(&mut self, callee: &Expr, args: &[Expr]) -> Option<Done> {
        let removes = matches!(
            path(callee).as_deref(),
            Some(
                "pm.request.removeQueryParams"
                    | "pm.request.url.removeQueryParams"
                    | "pm.request.url.query.remove"
            )
        );
        if !removes {
            return None;
        }
        let names: Option<Vec<String>> = match args {
            [Expr::Str(one)] => Some(vec![one.clone()]),
            [Expr::Array(list)] => list
                .iter()
                .map(|e| match e {
                    Expr::Str(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match (names, self.own_name.is_some()) {
            (Some(names), true) => {
                self.out.removed_query.extend(names);
                Some(Done::Converted)
            }
            _ => Some(Done::Kept(KEPT_OTHER)),
        }
    }

    /// `JSON.parse(raw)` of a name bound to the request's body text (`const raw =
    /// pm.request.body.raw`) is the body parsed, as `JSON.parse(pm.request.body.raw)`; `name`
    /// is remembered as such a name when `value` is the body's text.
    pub(super) fn parsed_body_text(&mut self, name: &str, value: &Expr) -> Option<Expr> {
        if is_body_text(value) {
            self.body_texts.insert(name.to_string());
            return None;
        }
        self.body_texts.remove(name);
        let Expr::Call(c, args) = value else {
            return None;
        };
        match args.as_slice() {
            [Expr::Ident(n)]
                if path(c).as_deref() == Some("JSON.parse") && self.body_texts.contains(n) =>
            {
                let text = ["request", "body", "raw"]
                    .into_iter()
                    .fold(Expr::Ident("pm".into()), |e, m| {
                        Expr::Member(Box::new(e), m.into())
                    });
                Some(Expr::Call(c.clone(), vec![text]))
            }
            _ => None,
        }
    }

    /// The steps of `sent.a[0].b` from the request's body (a name bound to it, or
    /// `JSON.parse(...)` itself), the last step first; none for the whole body.
    pub(super) fn sent_steps(&self, e: &Expr) -> Option<Vec<serde_json::Value>> {
        let (root, mut steps) = member_steps(e)?;
        match root {
            Expr::Ident(n) if self.request_json.contains_key(n) => {
                steps.extend(self.request_json[n].iter().rev().cloned());
            }
            // A form is no JSON: `JSON.parse(request.data)` of it throws; the legacy sandbox's
            // `request.data.username` is a field of it.
            e if matches!(self.request_body, Some(Sent::Form(_))) => {
                let data = serde_json::Value::String("data".into());
                if path(e).as_deref() != Some("request") || steps.pop() != Some(data) {
                    return None;
                }
            }
            e if is_request_body(e) => {}
            _ => return None,
        }
        Some(steps)
    }

    /// What a name bound to the request's own body reads of it (`sent.client_id`,
    /// `sent.items[0].id`): the body's value as the collection writes it. Only text, numbers and
    /// booleans: a check of a whole object is left to a human. A body that is only a variable
    /// is read at run time, as Postman's `JSON.parse` of it: `(product | from_json)["title"]`.
    pub(super) fn sent_value(&self, e: &Expr) -> Option<Y> {
        let body = self.request_body.as_ref()?;
        let steps = self.sent_steps(e)?;
        let body = match body {
            Sent::Variable(expr) => return Some(Y::str(parsed_variable(expr, &steps))),
            Sent::Json(_) | Sent::Form(_) if steps.is_empty() => return None,
            Sent::Json(v) => v,
            Sent::Form(fields) => match steps.as_slice() {
                [serde_json::Value::String(k)] => return sent_scalar(fields.get(k)?),
                _ => return None,
            },
        };
        let mut v = body;
        for step in steps.iter().rev() {
            v = match step {
                serde_json::Value::String(k) => v.get(k)?,
                serde_json::Value::Number(n) => v.get(usize::try_from(n.as_u64()?).ok()?)?,
                _ => return None,
            };
        }
        match v {
            serde_json::Value::String(t) if t.contains("{{$") => self.made_sent_value(steps, t),
            v => sent_scalar(v),
        }
    }

    /// A made-up value the request sent, read by its test script: the variable the request
    /// makes it in first (`sent_email`), as yarc cannot read back a value it made up.
    fn made_sent_value(&self, steps: Vec<serde_json::Value>, text: &str) -> Option<Y> {
        if self.phase != Phase::Test || !matches!(self.request_body, Some(Sent::Json(_))) {
            return None;
        }
        let at: Vec<serde_json::Value> = steps.into_iter().rev().collect();
        let mut made = self.made_sent.borrow_mut();
        let var = match made.iter().find(|m| m.at == at) {
            Some(m) => m.var.clone(),
            None => {
                let named = |v: &serde_json::Value| match v {
                    serde_json::Value::String(k) => crate::import::vars::ident(k),
                    other => other.to_string(),
                };
                let words: Vec<String> = at.iter().map(named).collect();
                let var = format!("sent_{}", words.join("_"));
                made.push(super::MadeSent {
                    at,
                    var: var.clone(),
                    made: crate::import::vars::convert(text, &mut Vec::new()),
                });
                var
            }
        };
        Some(Y::str(format!("{{{{ {var} }}}}")))
    }
}

/// A text, number or boolean the request sends, its `{{variables}}` in yarc's terms. A text
/// with a made-up value (`john.{{$randomInt}}@x.io`) is none: yarc would make a new one, not
/// the one sent.
fn sent_scalar(v: &serde_json::Value) -> Option<Y> {
    match v {
        serde_json::Value::String(t) if t.contains("{{$") => None,
        serde_json::Value::String(t) => {
            Some(Y::str(crate::import::vars::convert(t, &mut Vec::new())))
        }
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(Y::from_json(v)),
        _ => None,
    }
}

/// `pm.request.headers.add(...)`, `.upsert(...)`, `pm.request.addHeader(...)`.
fn adds_header(callee: &Expr) -> bool {
    matches!(
        path(callee).as_deref(),
        Some("pm.request.headers.add" | "pm.request.headers.upsert" | "pm.request.addHeader")
    )
}
