//! Decoding `expect`, predicates, `capture` and `retry`.

use super::fields::Decoder;
use super::node::{Node, NodeKind};
use crate::diagnostic::did_you_mean;
use crate::model::*;
use regex::Regex;

pub use super::keys::PREDICATES;
use super::keys::{CAPTURE as CAPTURE_KEYS, EXPECT as EXPECT_KEYS, RETRY as RETRY_KEYS, TIME};

impl Decoder {
    pub(super) fn expect(&mut self, node: &Node, what: &str) -> Expect {
        let Some(f) = self.fields(node, what, EXPECT_KEYS) else {
            return Expect::default();
        };
        let mut checks = Vec::new();
        let mut any_status = false;
        for (key, key_node, value) in f.iter() {
            match key {
                "status" if matches!(&value.kind, NodeKind::Str(s) if s == "any") => {
                    any_status = true;
                }
                "status" => checks.push(Check {
                    target: Target::Status,
                    predicates: self.status(value),
                    span: key_node.span.clone(),
                }),
                "headers" | "cookies" | "vars" => {
                    let what = format!("`expect.{key}`");
                    let Some(h) = self.fields(value, &what, &[]) else {
                        continue;
                    };
                    for (name, k, v) in h.iter() {
                        let target = match key {
                            "headers" => Target::Header(name.to_string()),
                            "cookies" => Target::Cookie(name.to_string()),
                            _ => Target::Var(name.to_string()),
                        };
                        checks.push(Check {
                            target,
                            predicates: self.predicates(v),
                            span: k.span.clone(),
                        });
                    }
                }
                "body" => checks.push(Check {
                    target: Target::Body,
                    predicates: self.predicates(value),
                    span: key_node.span.clone(),
                }),
                "json" | "xml" => {
                    let what = format!("`expect.{key}`");
                    let Some(j) = self.fields(value, &what, &[]) else {
                        continue;
                    };
                    for (path, k, v) in j.iter() {
                        let path = Selector {
                            source: path.to_string(),
                            span: k.span.clone(),
                        };
                        checks.push(Check {
                            target: match key {
                                "json" => Target::Json(path),
                                _ => Target::Xml(path),
                            },
                            predicates: self.predicates(v),
                            span: k.span.clone(),
                        });
                    }
                }
                "schema" => self.schemas(key_node, value, &mut checks),
                "cases" => checks.extend(self.cases(value)),
                _ => checks.push(Check {
                    target: Target::Time,
                    predicates: self.time_predicates(value),
                    span: key_node.span.clone(),
                }),
            }
        }
        Expect { checks, any_status }
    }

    /// `cases: [{ when: { status: 202 }, headers: {...} }, ...]`: each item's `when` and the
    /// checks beside it.
    fn cases(&mut self, node: &Node) -> Vec<Check> {
        let NodeKind::Seq(items) = &node.kind else {
            self.error(
                node.error("`cases` takes a list of checks, each with the `when` they apply in")
                    .with_help("for example `cases: [{ when: { status: 202 }, headers: { X-Progress: { exists: true } } }]`"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let mut rest = item.clone();
            let Some(when) = rest.take_value("when") else {
                self.error(
                    item.error("a case needs `when`: the checks that say when it applies")
                        .with_help("for example `when: { status: 200 }`"),
                );
                continue;
            };
            if let NodeKind::Map(entries) = &mut rest.kind {
                entries.retain(|(k, _)| k.as_str() != Some("when"));
            }
            let when = self.expect(&when, "`when`");
            if when.checks.is_empty() && !when.any_status {
                self.error(item.error(
                    "the case's `when` is empty: say what must hold for its checks to apply",
                ));
            }
            let then = self.expect(&rest, "a case");
            out.push(Check {
                target: Target::Case(Box::new(Case { when, then })),
                predicates: Vec::new(),
                span: item.span.clone(),
            });
        }
        out
    }

    /// `schema:` — one schema or a list of them, each a check of its own.
    fn schemas(&mut self, key_node: &Node, value: &Node, checks: &mut Vec<Check>) {
        let one = std::slice::from_ref(value);
        let each = match &value.kind {
            NodeKind::Seq(items) => items.as_slice(),
            _ => one,
        };
        for item in each {
            let Some(target) = self.schema(item) else {
                continue;
            };
            // A schema written in place is shown by its key, not its first line.
            let at = match item.kind {
                NodeKind::Map(_) => &key_node.span,
                _ => &item.span,
            };
            checks.push(Check {
                target,
                predicates: Vec::new(),
                span: at.clone(),
            });
        }
    }

    /// `schema: file.json`, or the schema itself as a mapping (one place, no file to keep).
    fn schema(&mut self, node: &Node) -> Option<Target> {
        if let NodeKind::Map(_) = node.kind {
            let span = &node.span;
            return Some(Target::Schema {
                path: format!("<schema at {}:{}:{}>", span.file.path, span.line, span.col).into(),
                shown: format!("written at line {}", span.line),
                inline: Some(std::sync::Arc::new(node.to_json())),
            });
        }
        let path = self.string(
            node,
            "`schema` (a file, the schema as a mapping, or a list of them)",
        )?;
        Some(Target::Schema {
            path: path.clone().into(),
            shown: path,
            inline: None,
        })
    }

    fn status(&mut self, node: &Node) -> Vec<Predicate> {
        let op = match &node.kind {
            NodeKind::Int(_) => Op::Equals(self.tvalue(node)),
            // `[2xx, 404]`: a class or a status, each one of the alternatives.
            NodeKind::Seq(items)
                if items
                    .iter()
                    .any(|n| matches!(&n.kind, NodeKind::Str(s) if is_status_class(s))) =>
            {
                Op::Any(items.iter().map(|n| self.status(n)).collect())
            }
            NodeKind::Seq(items) => Op::In(items.iter().map(|n| self.tvalue(n)).collect()),
            NodeKind::Str(s) if is_status_class(s) => {
                Op::StatusClass(s.as_bytes()[0].wrapping_sub(b'0') as u16)
            }
            NodeKind::Map(_) => {
                return self.predicates(node).into_iter().map(classes_in).collect();
            }
            _ => {
                self.error(
                    node.error("`status` must be a number, a list of numbers and classes, a class like `2xx`, `any`, or predicates")
                        .with_help("for example `status: 200`, `status: [200, 201]`, `status: 2xx`, `status: [2xx, 404]` or `status: any`"),
                );
                return Vec::new();
            }
        };
        vec![Predicate {
            op,
            span: node.span.clone(),
        }]
    }

    /// A bare value means `equals`; a map whose keys are predicate names is a set of predicates.
    pub(super) fn predicates(&mut self, node: &Node) -> Vec<Predicate> {
        let NodeKind::Map(entries) = &node.kind else {
            return vec![Predicate {
                op: Op::Equals(self.tvalue(node)),
                span: node.span.clone(),
            }];
        };
        let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
        let any_predicate = keys.iter().any(|k| PREDICATES.contains(k));
        let near_miss = keys.iter().find(|k| {
            !PREDICATES.contains(k) && did_you_mean(k, PREDICATES.iter().copied()).is_some()
        });
        if !any_predicate && near_miss.is_none() {
            // A map of plain keys is an expected object.
            return vec![Predicate {
                op: Op::Equals(self.tvalue(node)),
                span: node.span.clone(),
            }];
        }
        let Some(f) = self.fields(node, "predicates", PREDICATES) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, k, v) in f.iter() {
            if name == "all" {
                out.extend(self.all(v));
                continue;
            }
            if let Some(op) = self.predicate(name, v) {
                out.push(Predicate {
                    op,
                    span: k.span.clone(),
                });
            }
        }
        out
    }

    /// `all: [{ contains: a }, { contains: b }]`: each map's predicates, all to hold — the way
    /// to say two predicates of one kind on one target, which a map cannot hold twice.
    fn all(&mut self, v: &Node) -> Vec<Predicate> {
        match &v.kind {
            NodeKind::Seq(items) => items.iter().flat_map(|i| self.predicates(i)).collect(),
            _ => {
                self.error(
                    v.error("`all` takes a list of predicate maps")
                        .with_help("for example `all: [{ contains: a }, { contains: b }]`"),
                );
                Vec::new()
            }
        }
    }

    /// `any: [{ exists: false }, { equals: null }]`: one of the maps is to hold — missing or
    /// null, which no single predicate says (nothing fails every predicate but `exists: false`).
    fn any(&mut self, v: &Node) -> Option<Vec<Vec<Predicate>>> {
        match &v.kind {
            NodeKind::Seq(items) if !items.is_empty() => {
                Some(items.iter().map(|i| self.predicates(i)).collect())
            }
            _ => {
                self.error(
                    v.error("`any` takes a non-empty list of predicate maps")
                        .with_help("for example `any: [{ exists: false }, { equals: null }]`"),
                );
                None
            }
        }
    }

    fn predicate(&mut self, name: &str, v: &Node) -> Option<Op> {
        Some(match name {
            "equals" => Op::Equals(self.tvalue(v)),
            "any" => Op::Any(self.any(v)?),
            "not" => Op::Not(self.predicates(v)),
            "exists" => Op::Exists(self.bool(v, "`exists`")?),
            "type" if v.is_null() => Op::Type(JsonType::Null),
            "type" => {
                let t = self.string(v, "`type`")?;
                match JsonType::from_name(&t) {
                    Some(t) => Op::Type(t),
                    None => {
                        self.error(
                            v.error(format!("unknown type `{t}`"))
                                .suggest(&t, JsonType::NAMES)
                                .with_help(format!("types: {}", JsonType::NAMES.join(", "))),
                        );
                        return None;
                    }
                }
            }
            "contains" => Op::Contains(self.tvalue(v)),
            "starts_with" => Op::StartsWith(self.tvalue(v)),
            "ends_with" => Op::EndsWith(self.tvalue(v)),
            "matches" => Op::Matches(self.pattern(v)?),
            "in" => match &v.kind {
                NodeKind::Seq(items) => Op::In(items.iter().map(|n| self.tvalue(n)).collect()),
                _ => {
                    self.error(v.error("`in` takes a list of allowed values"));
                    return None;
                }
            },
            "length" => Op::Length(self.predicates(v)),
            "lt" => Op::Lt(self.tvalue(v)),
            "lte" => Op::Lte(self.tvalue(v)),
            "gt" => Op::Gt(self.tvalue(v)),
            "gte" => Op::Gte(self.tvalue(v)),
            _ => Op::Each(self.predicates(v)),
        })
    }

    fn pattern(&mut self, v: &Node) -> Option<Pattern> {
        let t = self.template(v, "`matches`")?;
        if !t.is_literal() {
            return Some(Pattern::Templated(t));
        }
        match Regex::new(&t.source) {
            Ok(re) => Some(Pattern::Fixed(re)),
            Err(e) => {
                self.error(v.error(format!(
                    "invalid regular expression: {}",
                    first_line(&e.to_string())
                )));
                None
            }
        }
    }

    /// `time: { lt: 2s }`: durations become milliseconds; a template stays one.
    fn time_predicates(&mut self, node: &Node) -> Vec<Predicate> {
        let Some(f) = self.fields(node, "`time`", TIME) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, k, v) in f.iter() {
            if name == "all" {
                match &v.kind {
                    NodeKind::Seq(items) => {
                        out.extend(items.iter().flat_map(|i| self.time_predicates(i)));
                    }
                    _ => self
                        .error(v.error("`time.all` takes a list of limits").with_help(
                            "for example `all: [{ lt: 2s }, { lt: \"{{ max_ms }}\" }]`",
                        )),
                }
                continue;
            }
            // A limit from a variable (`lt: "{{ max_ms }}"`) is known only when the request
            // is checked: it renders to a number of milliseconds.
            let ms = match &v.kind {
                NodeKind::Str(s) if s.contains("{{") => self.tvalue(v),
                _ => match self.duration(v, &format!("`time.{name}`")) {
                    Some(d) => TValue::Number(serde_json::Number::from(d.as_millis() as u64)),
                    None => continue,
                },
            };
            let op = match name {
                "lt" => Op::Lt(ms),
                "lte" => Op::Lte(ms),
                "gt" => Op::Gt(ms),
                _ => Op::Gte(ms),
            };
            out.push(Predicate {
                op,
                span: k.span.clone(),
            });
        }
        out
    }

    pub(super) fn captures(&mut self, node: &Node) -> Vec<Capture> {
        let Some(f) = self.fields(node, "`capture`", &[]) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (var, k, v) in f.iter() {
            if let Some(source) = self.capture_source(v) {
                let entry = |key: &str| match &v.kind {
                    NodeKind::Map(entries) => entries
                        .iter()
                        .find(|(k, _)| k.as_str() == Some(key))
                        .map(|(_, d)| d),
                    _ => None,
                };
                let default = entry("default").map(Node::to_json);
                let optional = entry("optional")
                    .and_then(|n| self.bool(n, "`optional`"))
                    .unwrap_or(false);
                let length = entry("length")
                    .and_then(|n| self.bool(n, "`length`"))
                    .unwrap_or(false);
                let as_type = entry("as").and_then(|n| self.capture_as(n));
                let when = entry("when").map(|n| {
                    let when = self.expect(n, "`when`");
                    if when.checks.is_empty() && !when.any_status {
                        self.error(n.error("`when` is empty: say what must hold for the capture to be taken (`when: { status: 201 }`)"));
                    }
                    when
                });
                if optional && default.is_some() {
                    self.error(v.error(format!(
                        "capture `{var}` has both `default:` and `optional: true`: a value when nothing is found, or the value it had — say one"
                    )));
                }
                out.push(Capture {
                    var: var.to_string(),
                    span: k.span.clone(),
                    source,
                    default,
                    optional,
                    length,
                    as_type,
                    when,
                });
            }
        }
        out
    }

    fn capture_source(&mut self, v: &Node) -> Option<CaptureSource> {
        if let Some(path) = v.as_str() {
            return Some(CaptureSource::Json {
                path: Selector {
                    source: path.to_string(),
                    span: v.span.clone(),
                },
                all: false,
            });
        }
        let f = self.fields(v, "a capture", CAPTURE_KEYS)?;
        if let Some(value) = f.get("value") {
            let sources = [
                "json", "xml", "all", "header", "cookie", "regex", "status", "body",
            ];
            let sources = ["default", "optional", "length", "as"]
                .iter()
                .chain(&sources);
            if let Some(other) = sources.into_iter().find(|k| f.has(k)) {
                self.error(v.error(format!(
                    "`value` is what the capture takes: it goes with `when:` alone, not with `{other}`"
                )));
                return None;
            }
            return Some(CaptureSource::Value(value.to_json()));
        }
        let all = match f.get("all") {
            Some(n) => self.bool(n, "`all`")?,
            None => false,
        };
        let re = self.capture_regex(f.get("regex"))?;
        let source = self.selected(&f, all)?;
        match (source, re) {
            (Some(_), Some(_)) if all => {
                self.error(v.error("`regex` matches in one value: it cannot go with `all: true`"));
                None
            }
            (Some(source), Some(re)) => Some(CaptureSource::Matched(Box::new(source), re)),
            (Some(source), None) => Some(source),
            (None, re) => self.unselected(&f, v, re),
        }
    }

    /// A capture's `as:`: `text`, `number` or `integer`.
    fn capture_as(&mut self, n: &Node) -> Option<CaptureAs> {
        let said = self.string(n, "`as`")?;
        let found = match said.as_str() {
            "text" => CaptureAs::Text,
            "number" => CaptureAs::Number,
            "integer" => CaptureAs::Integer,
            _ => {
                self.error(n.error(format!(
                    "`as: {said}`: a capture is made `text`, `number` or `integer`"
                )));
                return None;
            }
        };
        Some(found)
    }

    /// A capture's `regex`, compiled (`Some(None)`: there is none).
    fn capture_regex(&mut self, r: Option<&Node>) -> Option<Option<Regex>> {
        let Some(r) = r else { return Some(None) };
        let src = self.string(r, "`regex`")?;
        match Regex::new(&src) {
            Ok(re) => Some(Some(re)),
            Err(e) => {
                self.error(r.error(format!(
                    "invalid regular expression: {}",
                    first_line(&e.to_string())
                )));
                None
            }
        }
    }

    /// A capture by JSONPath, XPath or cookie (`Some(None)`: by none of them).
    fn selected(
        &mut self,
        f: &super::fields::Fields<'_>,
        all: bool,
    ) -> Option<Option<CaptureSource>> {
        for key in ["json", "xml"] {
            let Some(p) = f.get(key) else { continue };
            let path = Selector {
                source: self.string(p, &format!("`{key}`"))?,
                span: p.span.clone(),
            };
            return Some(Some(match key {
                "json" => CaptureSource::Json { path, all },
                _ => CaptureSource::Xml { path, all },
            }));
        }
        match f.get("cookie") {
            Some(c) => Some(Some(CaptureSource::Cookie(self.string(c, "`cookie`")?))),
            None => Some(None),
        }
    }

    /// A capture of a header or the status (with `regex`: what it matches there), of what
    /// `regex` matches in the body, or of the body.
    fn unselected(
        &mut self,
        f: &super::fields::Fields<'_>,
        v: &Node,
        re: Option<Regex>,
    ) -> Option<CaptureSource> {
        if let Some(h) = f.get("header") {
            // With `regex`: what it matches in the header's value.
            return Some(CaptureSource::Header(self.string(h, "`header`")?, re));
        }
        if f.has("status") {
            return Some(match re {
                Some(re) => CaptureSource::Matched(Box::new(CaptureSource::Status), re),
                None => CaptureSource::Status,
            });
        }
        if let Some(re) = re {
            return Some(CaptureSource::Regex(re));
        }
        if f.has("body") {
            return Some(CaptureSource::Body);
        }
        self.error(v.error(
            "a capture needs one of `json`, `xml`, `header`, `cookie`, `regex`, `status: true`, `body: true` or `value`",
        ));
        None
    }

    pub(super) fn retry(&mut self, node: &Node) -> Option<Retry> {
        let f = self.fields(node, "`retry`", RETRY_KEYS)?;
        let attempts = match f.get("attempts") {
            Some(n) => self.u32(n, "`attempts`")?,
            None => 10,
        };
        if attempts == 0 {
            self.error(node.error("`retry.attempts` must be at least 1"));
            return None;
        }
        let backoff = match f.get("backoff") {
            Some(n) => match n.kind {
                NodeKind::Int(i) if i >= 1 => i as f64,
                NodeKind::Float(x) if (1.0..=10.0).contains(&x) => x,
                _ => {
                    self.error(n.error("`backoff` is a factor between 1 and 10 (1 = fixed delay)"));
                    return None;
                }
            },
            None => 1.0,
        };
        Some(Retry {
            span: node.span.clone(),
            attempts,
            delay: match f.get("delay") {
                Some(n) => self.duration(n, "`delay`")?,
                None => std::time::Duration::from_secs(1),
            },
            backoff,
            max_delay: f
                .get("max_delay")
                .and_then(|n| self.duration(n, "`max_delay`")),
            timeout: f.get("timeout").and_then(|n| self.duration(n, "`timeout`")),
            until: f.get("until").map(|n| self.expect(n, "`until`")),
        })
    }
}

/// `status: { in: [2xx, 404] }`: a class among the statuses is that class, as in a bare list.
fn classes_in(p: Predicate) -> Predicate {
    let class = |v: &TValue| match v {
        TValue::Str(t) if t.is_literal() && is_status_class(&t.source) => {
            Some(t.source.as_bytes()[0].wrapping_sub(b'0') as u16)
        }
        _ => None,
    };
    let Op::In(items) = &p.op else { return p };
    if !items.iter().any(|i| class(i).is_some()) {
        return p;
    }
    let one = |i: &TValue| Predicate {
        op: class(i).map_or_else(|| Op::Equals(i.clone()), Op::StatusClass),
        span: p.span.clone(),
    };
    Predicate {
        op: Op::Any(items.iter().map(|i| vec![one(i)]).collect()),
        span: p.span.clone(),
    }
}

fn is_status_class(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && s[1..].eq_ignore_ascii_case("xx")
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}
