//! What an expression reads: the body (JSON, XML or text), a header, a cookie, a local, through
//! members, indexes and the calls this importer reads through.

use super::*;

impl Converter {
    /// What an expression reads, if the output can name it.
    pub(crate) fn subject(&self, e: &Expr) -> Option<Subject> {
        if self.asserting.get() && self.scope_lacks(e) {
            return None;
        }
        if let Some(field) = self.object_field(e) {
            return self.subject(&field);
        }
        if let Some(v) = self.known_before(e) {
            return Some(Subject::Value(v));
        }
        if let Some(number) = self.xml_number(e) {
            return Some(number);
        }
        if let Some(text) = self.xml_text(e) {
            return Some(text);
        }
        if let Some(keys) = self.key_list(e) {
            return Some(keys);
        }
        if let Some(found) = self.called(e) {
            return found;
        }
        if let Some(found) = self.through_locals(e) {
            return Some(found);
        }
        if let Some(call) = clock::renewed(e) {
            return self.subject(&call);
        }
        if let Expr::Binary("+", a, b) = e
            && !self.sums(a, b)
            && let Some(v) = self.concat(a, b)
        {
            return Some(Subject::Value(v));
        }
        // `responseJSON.article || {}`: the fallback only keeps later reads from throwing.
        if let Expr::Binary("||", a, b) = e
            && matches!(&**b, Expr::Object(o) if o.is_empty())
            && let Some(found @ Subject::Json(_)) = self.subject(a)
        {
            return Some(found);
        }
        if let Expr::Template(parts) = e {
            return self.template_text(parts).map(Subject::Value);
        }
        let computed = match e {
            Expr::Binary(..) => true,
            Expr::Call(c, a) => {
                base64_of(e).is_some()
                    || self.digest_jinja(e).is_some()
                    || self.joined_map(e).is_some()
                    || is_numeric(e)
                    || random_jinja(e).is_some()
                    || self.method_jinja(c, a).is_some()
            }
            Expr::Index(list, i) => self.index_jinja(list, i).is_some(),
            Expr::Cond(..) => true,
            _ => false,
        };
        if computed {
            let x = self.jinja(e)?;
            return Some(Subject::Value(Y::str(format!("{{{{ {x} }}}}"))));
        }
        match e {
            Expr::Ident(n) => match self.aliases.get(n) {
                Some(s) => s.clone(),
                None => match n.as_str() {
                    "jsonData" if self.phase != Phase::PreRequest => {
                        Some(Subject::Json("$".into()))
                    }
                    "responseBody" => Some(Subject::Body),
                    "responseTime" => Some(Subject::Time),
                    _ => None,
                },
            },
            Expr::Member(inner, name) => self.member(inner, name),
            Expr::Index(inner, index) => self.indexed(inner, index),
            Expr::Call(callee, args) => self.call(callee, args),
            _ => None,
        }
    }

    /// A read of a variable from a scope that cannot hold it ([`Known::scope_lacks`]).
    fn scope_lacks(&self, e: &Expr) -> bool {
        let (scope, name) = match e {
            Expr::Call(callee, args) => match (path(callee).as_deref(), args.as_slice()) {
                (Some("pm.collectionVariables.get"), [Expr::Str(n)]) => ("collection", n),
                (Some("pm.environment.get" | "postman.getEnvironmentVariable"), [Expr::Str(n)]) => {
                    ("environment", n)
                }
                _ => return false,
            },
            Expr::Member(of, n) if matches!(&**of, Expr::Ident(e) if e == "environment") => {
                ("environment", n)
            }
            _ => return false,
        };
        self.scope_lacks.contains(&format!("{scope}:{name}"))
    }

    /// A value known before the response: a template, a variable parsed as JSON, what the
    /// request sent, a made-up value.
    fn known_before(&self, e: &Expr) -> Option<Y> {
        if let Expr::Jinja(j) = e {
            return Some(Y::str(format!("{{{{ {j} }}}}")));
        }
        self.parsed_variable_read(e)
            .or_else(|| self.sent_value(e))
            .or_else(|| self.sent_part(e))
            .or_else(|| self.made_value(e))
    }

    /// `JSON.parse(pm.collectionVariables.get("page"))` and what is read of it (`.name`,
    /// `["items"][0]`), also through a local bound to it ([`Self::parsed_of_variable`]): the
    /// variable parsed at run time, `(page | from_json)["name"]`, as Postman parses its text
    /// (a value a capture took whole is parsed already, and `from_json` leaves it so).
    pub(super) fn parsed_variable_read(&self, e: &Expr) -> Option<Y> {
        let (root, mut steps) = member_steps(e)?;
        let var = match root {
            // `const doc = message.documents["1"]`: the steps to it, after those from it.
            Expr::Ident(n) => {
                let (var, before) = self.parsed_vars.get(n)?;
                steps.extend(before.iter().cloned());
                var.clone()
            }
            other => self.parsed_of_variable(other)?,
        };
        Some(Y::str(parsed_variable(&var, &steps)))
    }

    /// `JSON.parse(pm.environment.get("x"))`: the variable whose text it parses.
    pub(super) fn parsed_of_variable(&self, e: &Expr) -> Option<String> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        match args.as_slice() {
            [read] if path(callee).as_deref() == Some("JSON.parse") => self.variable_read(read),
            _ => None,
        }
    }

    /// `x["key"]`, `x[0]`: a member or an item of what `x` is.
    pub(super) fn indexed(&self, inner: &Expr, index: &Expr) -> Option<Subject> {
        // The legacy `responseHeaders["Content-Type"]`.
        if let (Expr::Ident(h), Expr::Str(name)) = (inner, index)
            && h == "responseHeaders"
            && !self.aliases.contains_key(h)
        {
            return Some(Subject::Header(name.clone()));
        }
        // The legacy `environment["owner"]`, as `environment.owner`.
        if let (Expr::Ident(scope), Expr::Str(name)) = (inner, index)
            && ["environment", "globals", "data", "iterationData"].contains(&scope.as_str())
            && !self.aliases.contains_key(scope)
        {
            return self.subject(&Expr::Member(Box::new(inner.clone()), name.clone()));
        }
        match (self.subject(inner)?, index) {
            (Subject::Json(p), Expr::Str(k)) => Some(Subject::Json(child(&p, k))),
            (Subject::Xml(p), Expr::Str(k)) => xml_member(&p, k, self.xml_local),
            (Subject::XmlAttributes(p), Expr::Str(k)) => xml_attribute(&p, k),
            (Subject::XmlSplit(p, sep), Expr::Num(n)) if n.fract() == 0.0 && *n >= 0.0 => {
                xml_split_item(&p, &sep, *n as usize)
            }
            // xml2js's list of repeated elements: XPath counts from 1.
            (Subject::Xml(p), Expr::Num(n))
                if n.fract() == 0.0 && *n >= 0.0 && p.starts_with('/') =>
            {
                Some(Subject::Xml(format!("{p}[{}]", *n as u64 + 1)))
            }
            (Subject::Json(p), Expr::Num(n)) if n.fract() == 0.0 && *n >= 0.0 => {
                Some(Subject::Json(format!("{p}[{n}]")))
            }
            // `list[list.length - 1]`: the last item (`[-1]`); `- 2`, the one before it.
            (Subject::Json(p), Expr::Binary("-", len, k))
                if matches!(&**len, Expr::Member(of, m) if m == "length" && **of == *inner)
                    && matches!(&**k, Expr::Num(k) if k.fract() == 0.0 && *k >= 1.0 && *k <= 1e6) =>
            {
                let Expr::Num(k) = &**k else { return None };
                Some(Subject::Json(format!("{p}[-{k}]")))
            }
            _ => None,
        }
    }

    /// `Object.keys(data)` and `Object.keys(data).sort()`: the object's keys.
    pub(super) fn key_list(&self, e: &Expr) -> Option<Subject> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        match (&**callee, args.as_slice()) {
            (c, [of]) if path(c).as_deref() == Some("Object.keys") => match self.subject(of)? {
                Subject::Json(p) if !p.contains('*') && !p.contains('?') => {
                    Some(Subject::KeyList(p))
                }
                // A loop's item (`Object.keys(item)`), read per item (`put_in_item`).
                Subject::Json(p) if self.each_base.as_ref() == Some(&p) => {
                    Some(Subject::KeyList(p))
                }
                _ => None,
            },
            (Expr::Member(inner, m), []) if m == "sort" => match self.subject(inner)? {
                keys @ Subject::KeyList(_) => Some(keys),
                _ => None,
            },
            _ => None,
        }
    }

    /// `parseFloat(xml.total)`, `Number(...)`, `parseInt(...)`: an XML text as a number, which
    /// XPath's `number()` reads as JavaScript does (NaN when missing or not a number);
    /// `parseInt` drops the fraction (`n - n mod 1`: XPath's `mod` keeps the sign, like `%`).
    pub(super) fn xml_number(&self, e: &Expr) -> Option<Subject> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let whole = match path(callee).as_deref() {
            Some("parseFloat" | "Number") => false,
            Some("parseInt") => true,
            _ => return None,
        };
        let Some(Subject::Xml(p)) = self.subject(args.first()?) else {
            return None;
        };
        if !p.starts_with('/') {
            return None;
        }
        let n = format!("number({p})");
        Some(Subject::Xml(match whole {
            true => format!("{n} - {n} mod 1"),
            false => n,
        }))
    }

    /// XML texts taken apart and put together: `text.split("/")` (a list an item of which is
    /// read) and `a + "//" + b` of texts and literals (XPath's `concat`), as the Salesforce
    /// login's `url[0] + "//" + url[2]` of `result.serverUrl.split("/")` reads its origin.
    pub(super) fn xml_text(&self, e: &Expr) -> Option<Subject> {
        let text = |s: Option<Subject>| match s {
            Some(Subject::Xml(p)) if !p.is_empty() && !p.starts_with("number(") => Some(p),
            _ => None,
        };
        match e {
            Expr::Call(callee, args) => {
                let Expr::Member(of, m) = &**callee else {
                    return None;
                };
                let [Expr::Str(sep)] = args.as_slice() else {
                    return None;
                };
                let p = text(self.subject(of)).filter(|_| m == "split" && !sep.is_empty())?;
                Some(Subject::XmlSplit(p, sep.clone()))
            }
            Expr::Binary("+", a, b) => {
                let mut parts = Vec::new();
                for side in [a, b] {
                    match &**side {
                        Expr::Str(lit) => parts.push(xpath_literal(lit)?),
                        side => {
                            let p = text(self.subject(side))?;
                            // `concat(a, b) + c` is one `concat(a, b, c)`.
                            parts.push(concat_arguments(&p).unwrap_or(&p).to_string());
                        }
                    }
                }
                let has_xml = !matches!((&**a, &**b), (Expr::Str(_), Expr::Str(_)));
                has_xml.then(|| Subject::Xml(format!("concat({})", parts.join(", "))))
            }
            _ => None,
        }
    }

    /// What a local constant or a list's `find` makes of `e`: `moment().format(FORMAT)` with
    /// `const FORMAT = "..."` above; `list.find(o => o.rel === "paid")`, the first item that
    /// matches, as a filter.
    pub(super) fn through_locals(&self, e: &Expr) -> Option<Subject> {
        if let Expr::Call(callee, args) = e
            && let [Expr::Ident(n)] = args.as_slice()
            && matches!(&**callee, Expr::Member(_, m) if m == "format")
            && let Some(Some(Subject::Value(Y::Str(format)))) = self.aliases.get(n)
            && !format.contains("{{")
            && let Some(v) = generated(&Expr::Call(callee.clone(), vec![Expr::Str(format.clone())]))
        {
            return Some(Subject::Value(v));
        }
        if let Expr::Call(callee, args) = e
            && let Expr::Member(list, m) = &**callee
            && (m == "find" || m == "filter")
            && let [Expr::Func(params, body)] = args.as_slice()
            && let (Some(item), [only]) = (params.first(), body.as_slice())
            && let StmtKind::Expr(test) | StmtKind::Return(Some(test)) = &only.kind
            && let Some(Subject::Json(p)) = self.subject(or_empty_list(list))
            && let Some(filter) = self.filter_of(item, test)
        {
            return Some(Subject::Json(format!("{p}[?{filter}]")));
        }
        // `items.map(i => i.id)`: every item's `id`, a list (`$.items[*].id`). Over `(items ||
        // [])` too: a missing list maps to an empty one, which holds nothing a check asks for,
        // as the missing path does not.
        if let Expr::Call(callee, args) = e
            && let Expr::Member(list, m) = &**callee
            && m == "map"
            && let [Expr::Func(params, body)] = args.as_slice()
            && let (Some(item), [only]) = (params.first(), body.as_slice())
            && let StmtKind::Expr(read) | StmtKind::Return(Some(read)) = &only.kind
            && let Some(Subject::Json(p)) = self.subject(or_empty_list(list))
            && !p.contains("[?")
            && let Some(steps) = steps_from(read, item)
        {
            let each = steps.iter().fold(format!("{p}[*]"), |at, k| child(&at, k));
            if !std::ptr::eq(or_empty_list(list), &**list) {
                self.or_empty.borrow_mut().insert(each.clone());
            }
            return Some(Subject::Json(each));
        }
        // `errors.pop()`, `errors.at(-1)`: the last item.
        if let Expr::Call(callee, args) = e
            && let Expr::Member(list, m) = &**callee
            && (m == "pop" && args.is_empty() || m == "at" && is_minus_one(args))
            && let Some(Subject::Json(p)) = self.subject(list)
        {
            return Some(Subject::Json(format!("{p}[-1]")));
        }
        None
    }

    pub(super) fn member(&self, inner: &Expr, name: &str) -> Option<Subject> {
        let aliased = matches!(inner, Expr::Ident(n) if self.aliases.contains_key(n));
        match (path(inner).as_deref(), name) {
            _ if aliased => {}
            (Some("pm.response"), "code") | (Some("responseCode"), "code") => {
                return Some(Subject::Status);
            }
            (Some("pm.response"), "responseTime") => return Some(Subject::Time),
            // `res.stream` of a sent request's response, read as text (`.toString()`).
            (Some("pm.response"), "stream") => return Some(Subject::Body),
            (Some("pm.response"), "status") | (Some("responseCode"), "name") => {
                return Some(Subject::Reason);
            }
            (Some("environment" | "globals" | "data" | "iterationData"), var) => {
                return Some(Subject::Value(var_ref(var)));
            }
            _ => {}
        }
        // `pm.response.headers.one("Location").value`: the header's value.
        if name == "value"
            && let Expr::Call(one, args) = inner
            && path(one).as_deref() == Some("pm.response.headers.one")
            && let [Expr::Str(h)] = args.as_slice()
        {
            return Some(Subject::Header(h.clone()));
        }
        if name == "length"
            && let Expr::Call(keys, of) = inner
            && path(keys).as_deref() == Some("Object.keys")
            && let [of] = of.as_slice()
            && let Some(Subject::Json(p)) = self.subject(of)
        {
            return Some(Subject::Keys(p));
        }
        match self.subject(inner)? {
            Subject::Json(p) if name == "length" => {
                Some(Subject::Length(Box::new(Subject::Json(p))))
            }
            Subject::Body if name == "length" => Some(Subject::Length(Box::new(Subject::Body))),
            Subject::KeyList(p) if name == "length" => Some(Subject::Keys(p)),
            // `pm.collectionVariables.get("token").length`: the variable's text's length.
            Subject::Value(Y::Str(t)) if name == "length" => Some(Subject::Length(Box::new(
                Subject::Var(super::var_name(&t)?),
            ))),
            // A text's length, or how many repeated elements: yarc's `length` of an XPath's
            // one text or several, as xml2js gives a string or a list.
            Subject::Xml(p) if name == "length" && p.starts_with('/') => {
                Some(Subject::Length(Box::new(Subject::Xml(p))))
            }
            Subject::Json(p) => Some(Subject::Json(child(&p, name))),
            Subject::Xml(p) => xml_member(&p, name, self.xml_local),
            Subject::XmlAttributes(p) => xml_attribute(&p, name),
            // `postman.getResponseCookie("id").value`
            c @ Subject::Cookie(_) if name == "value" => Some(c),
            _ => None,
        }
    }

    /// cheerio over an XML answer: `cheerio.load(pm.response.text(), { xmlMode: true })` is
    /// the document, whose `$("a > b")` selects what the XPath `//a/b` does; `.attr("code")`
    /// reads the first element selected, `.text()` its text.
    pub(super) fn cheerio_call(&self, callee: &Expr, args: &[Expr]) -> Option<Subject> {
        let arg = |i: usize| match args.get(i) {
            Some(Expr::Str(s)) => Some(s.clone()),
            _ => None,
        };
        match path(callee).as_deref() {
            Some("cheerio.load") if xml_mode(args.get(1)) => match self.subject(args.first()?)? {
                Subject::Body => Some(Subject::Xml(String::new())),
                _ => None,
            },
            _ if matches!(callee, Expr::Ident(_))
                && self.subject(callee) == Some(Subject::Xml(String::new())) =>
            {
                Some(Subject::Xml(css_xpath(&arg(0)?)?))
            }
            _ if matches!(callee, Expr::Member(_, m) if m == "attr") && args.len() == 1 => {
                let Expr::Member(of, _) = callee else {
                    return None;
                };
                match self.subject(of)? {
                    Subject::Xml(p) if p.starts_with("//") => {
                        xml_attribute(&format!("({p})[1]"), &arg(0)?)
                    }
                    _ => None,
                }
            }
            _ if matches!(callee, Expr::Member(_, m) if m == "text") && args.is_empty() => {
                let Expr::Member(of, _) = callee else {
                    return None;
                };
                match self.subject(of)? {
                    Subject::Xml(p) if p.starts_with("//") => Some(Subject::Xml(p)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    pub(super) fn call(&self, callee: &Expr, args: &[Expr]) -> Option<Subject> {
        if let Some(read) = self.cheerio_call(callee, args) {
            return Some(read);
        }
        let arg = |i: usize| match args.get(i) {
            Some(Expr::Str(s)) => Some(s.clone()),
            _ => None,
        };
        match path(callee).as_deref() {
            Some("pm.response.json") | Some("responseJSON") if args.is_empty() => {
                Some(Subject::Json("$".into()))
            }
            Some("JSON.parse") => match self.subject(args.first()?)? {
                Subject::Body => Some(Subject::Json("$".into())),
                _ => None,
            },
            // lodash's `_.get(data, "items[0].name")`: that member (a default, a third
            // argument, is not read).
            Some("_.get") if args.len() == 2 => match self.subject(&args[0])? {
                Subject::Json(base) => {
                    Some(Subject::Json(chain::lodash_path_from(&base, &arg(1)?)?))
                }
                _ => None,
            },
            // Postman's `xml2Json`: xml2js with `explicitArray: false` — an element is read by
            // its name as written (prefix and all), a repeated one is a list.
            Some("xml2Json") => match self.subject(args.first()?)? {
                Subject::Body => Some(Subject::Xml(String::new())),
                _ => None,
            },
            Some("pm.response.text") if args.is_empty() => Some(Subject::Body),
            _ if args.is_empty()
                && matches!(callee, Expr::Member(of, m)
                    if m == "trim" && matches!(self.subject(of), Some(Subject::Body | Subject::TrimmedBody))) =>
            {
                Some(Subject::TrimmedBody)
            }
            Some("pm.response.headers.get" | "postman.getResponseHeader") => {
                Some(Subject::Header(arg(0)?))
            }
            Some("pm.cookies.get" | "postman.getResponseCookie") => Some(Subject::Cookie(arg(0)?)),
            Some(
                "pm.variables.has"
                | "pm.environment.has"
                | "pm.collectionVariables.has"
                | "pm.globals.has"
                | "pm.iterationData.has",
            ) => Some(Subject::VarSet(arg(0)?)),
            Some(
                name @ ("pm.variables.replaceIn"
                | "pm.environment.replaceIn"
                | "pm.collectionVariables.replaceIn"
                | "pm.globals.replaceIn"
                | "Property.replaceSubstitutions"),
            ) if args.len() == 1 => match &args[0] {
                Expr::Str(t) => Some(Subject::Value(Y::str(as_text(
                    &crate::import::vars::convert(t, &mut Vec::new()),
                )))),
                // `pm.environment.replaceIn(pm.environment.get("auth_url"))`: a variable's
                // value, whose own `{{...}}` yarc resolves when it renders it.
                inner if name != "Property.replaceSubstitutions" => self
                    .subject(inner)
                    .filter(|s| matches!(s, Subject::Value(_))),
                _ => None,
            },
            _ => None,
        }
    }
}

/// What `replaceIn` gives is text, whatever it made (`"{{$randomInt}}"` is `"380"`): a
/// template that is one expression is written as text.
fn as_text(template: &str) -> String {
    let one = crate::import::vars::one_expression(template)
        // Made-up names and ids are text already.
        .filter(|inner| !inner.starts_with("fake(") && !inner.starts_with("uuid("));
    match one {
        Some(inner) => format!("{{{{ ({inner}) | string }}}}"),
        None => template.to_string(),
    }
}
