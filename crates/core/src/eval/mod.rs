//! Assertions, predicates, captures and JSONPath: pure functions over an owned [`Response`].
//! No network, no files: JSON Schemas arrive compiled, templates arrive compiled.

pub mod jsonpath;
pub mod predicate;
pub mod xpath;

use crate::exchange::Response;
use crate::exchange::document::Node;
use crate::model::{Capture, CaptureAs, CaptureSource, Check, Expect, Op, Target};
use crate::source::Span;
use crate::template::{Templates, Vars};
use jsonpath::JsonPaths;
use predicate::{PredCtx, show};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Compiled JSON Schemas by resolved path.
pub type Schemas = HashMap<PathBuf, Arc<jsonschema::Validator>>;

pub struct EvalCtx<'a> {
    pub templates: &'a Templates,
    pub vars: &'a Vars,
    pub paths: &'a JsonPaths,
    pub schemas: &'a Schemas,
    /// The collection's folder, against which schema paths resolve.
    pub base_dir: &'a std::path::Path,
    /// Secrets are masked in expected and actual values before they are cut to length.
    pub redactor: &'a crate::secret::Redactor,
}

/// How much of an expected or actual value an outcome shows.
pub const SHOWN_MAX: usize = 300;

/// The result of one assertion (one predicate of one check).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub span: Span,
    /// The assertion as the user wrote it: its line in the collection file.
    pub written: String,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// Said, never failing: a contract finding under `contract: warn` (`passed` stays true).
    pub warning: bool,
}

pub fn evaluate(expect: &Expect, resp: &Response, cx: &EvalCtx) -> Vec<Outcome> {
    let mut out = Vec::new();
    for check in &expect.checks {
        evaluate_check(check, resp, cx, &mut out);
    }
    out
}

pub fn all_passed(outcomes: &[Outcome]) -> bool {
    outcomes.iter().all(|o| o.passed)
}

fn evaluate_check(check: &Check, resp: &Response, cx: &EvalCtx, out: &mut Vec<Outcome>) {
    let pcx = PredCtx {
        templates: cx.templates,
        vars: cx.vars,
        memo: None,
    };
    if let Target::Schema { path, shown, .. } = &check.target {
        out.push(schema_outcome(check, path, shown, resp, cx));
        return;
    }
    if let Target::Case(case) = &check.target {
        if all_passed(&evaluate(&case.when, resp, cx)) {
            out.extend(evaluate(&case.then, resp, cx));
        }
        return;
    }
    // A path that can select several nodes and selects none is an empty list for `length`.
    let mut empty_list = false;
    let actual: Option<Seen> = match &check.target {
        Target::Status => Some(Seen::Value(Value::from(resp.status))),
        Target::Header(name) => resp
            .header(name)
            .map(|v| Seen::Value(Value::String(v.to_string()))),
        Target::Cookie(name) => cookie(resp, name).map(|c| Seen::Value(Value::String(c))),
        Target::Body => Some(Seen::Value(Value::String(resp.text().into_owned()))),
        Target::Time => Some(Seen::Value(Value::from(resp.duration.as_millis() as u64))),
        Target::Var(name) => cx.vars.get(name).map(|v| Seen::Value(v.clone())),
        Target::Json(path) => match select_json(check, path, resp, cx) {
            Ok((seen, empty)) => {
                empty_list = empty;
                seen
            }
            Err(o) => {
                out.push(*o);
                return;
            }
        },
        Target::Xml(path) => match select_xml(check, path, resp, cx) {
            Ok(seen) => {
                // A node-set is a list: none of it is an empty list for `length`.
                empty_list = seen.is_none();
                seen
            }
            Err(o) => {
                out.push(*o);
                return;
            }
        },
        Target::Schema { .. } | Target::Case(_) => None,
    };
    let empty = Value::Array(Vec::new());
    let full = std::cell::OnceCell::new();
    for p in &check.predicates {
        let length_of_empty = empty_list && matches!(p.op, Op::Length(_));
        let judged = match (&actual, length_of_empty) {
            (_, true) => predicate::eval(p, Some(&empty), &pcx),
            (None, false) => predicate::eval(p, None, &pcx),
            (Some(seen), false) => {
                let whole = || full.get_or_init(|| seen.value());
                // `type`, `length` and `exists` need only the shape; a failure is judged
                // again on the whole value, for its message.
                let on_shape = structural(&p.op)
                    .then(|| predicate::eval(p, Some(&*seen.shape()), &pcx))
                    .filter(Result::is_ok);
                on_shape.unwrap_or_else(|| predicate::eval(p, Some(&**whole()), &pcx))
            }
        };
        let (passed, expected, actual_text) = match judged {
            Ok(()) => (
                true,
                predicate::describe(p, &pcx),
                match (&actual, length_of_empty) {
                    (_, true) => show(&empty),
                    (Some(seen), false) => seen.show(),
                    (None, false) => "nothing".into(),
                },
            ),
            Err(m) if actual.is_none() && !length_of_empty => {
                (false, m.expected, nothing(&check.target))
            }
            Err(m) => (false, m.expected, m.actual),
        };
        out.push(outcome(cx, check, &p.span, passed, expected, actual_text));
    }
}

/// What a check looks at: a value of the response, or the nodes a JSONPath selected, read in
/// place and copied only as far as a predicate needs.
/// What a JSON path selects in the body: the node or nodes, or nothing (with `true` when the
/// path could select several: an empty list for `length`). No JSON body, or a path that
/// selects too many nodes, is the check's outcome instead.
fn select_json<'r>(
    check: &Check,
    path: &crate::model::Selector,
    resp: &'r Response,
    cx: &EvalCtx,
) -> Result<(Option<Seen<'r>>, bool), Box<Outcome>> {
    let fail = |expected: String, actual: String| {
        Box::new(outcome(cx, check, &check.span, false, expected, actual))
    };
    let Some(json) = resp.json() else {
        return Err(fail("a JSON body".into(), not_json(resp, cx.redactor)));
    };
    let c = compiled(path, cx).map_err(|why| fail("a JSONPath".into(), why.to_string()))?;
    let nodes = jsonpath::select_within(&c, json, jsonpath::budget(resp.body.len()))
        .map_err(|too_many| fail("nodes a path can select".into(), too_many.to_string()))?;
    Ok(match (nodes.len(), c.singular) {
        (0, singular) => (None, !singular),
        (_, true) => (Some(Seen::One(nodes[0])), false),
        _ => (Some(Seen::Many(nodes)), false),
    })
}

/// What an XPath yields over the body: nothing, the one node's text or the expression's value,
/// or the texts of several nodes as a list. A body that is not XML, or an expression that does
/// not evaluate, is the check's outcome instead.
fn select_xml(
    check: &Check,
    path: &crate::model::Selector,
    resp: &Response,
    cx: &EvalCtx,
) -> Result<Option<Seen<'static>>, Box<Outcome>> {
    let fail = |expected: &str, actual: String| {
        Box::new(outcome(
            cx,
            check,
            &check.span,
            false,
            expected.into(),
            actual,
        ))
    };
    let source = rendered(path, cx).map_err(|why| fail("an XPath", why.to_string()))?;
    match xpath::select(&source, &resp.text()) {
        Ok(xpath::Selected::Nothing) => Ok(None),
        Ok(xpath::Selected::One(v)) => Ok(Some(Seen::Value(v))),
        Ok(xpath::Selected::Many(vs)) => Ok(Some(Seen::Value(Value::Array(vs)))),
        Err(xpath::XPathError::NotXml(why)) => Err(fail("an XML body", not_xml(resp, &why, cx))),
        Err(e) => Err(fail("an XPath", cx.redactor.redact(&e.to_string()))),
    }
}

/// An XPath as written, or with its templates rendered with the variables of the moment.
fn rendered<'p>(path: &'p crate::model::Selector, cx: &EvalCtx) -> Result<Cow<'p, str>, PathError> {
    if !path.is_template() {
        return Ok(Cow::Borrowed(&path.source));
    }
    let t = crate::model::Template::new(path.source.clone(), &path.span);
    cx.templates
        .render(&t, cx.vars)
        .map(Cow::Owned)
        .map_err(|d| PathError::Render(cx.redactor.redact(&d.message)))
}

/// A path compiled with the plan, or one with a template in it rendered with the variables
/// of the moment and compiled (its text may hold a secret: it is masked where it is shown).
fn compiled<'p>(
    path: &crate::model::Selector,
    cx: &EvalCtx<'p>,
) -> Result<Cow<'p, jsonpath::CompiledPath>, PathError> {
    if let Some(c) = cx.paths.get(path) {
        return Ok(Cow::Borrowed(c));
    }
    if !path.is_template() {
        return Err(PathError::NotCompiled(path.source.clone()));
    }
    let t = crate::model::Template::new(path.source.clone(), &path.span);
    let text = cx
        .templates
        .render(&t, cx.vars)
        .map_err(|d| PathError::Render(cx.redactor.redact(&d.message)))?;
    let rendered = crate::model::Selector {
        source: text,
        span: path.span.clone(),
    };
    jsonpath::compile(&rendered)
        .map(Cow::Owned)
        .map_err(|d| PathError::Invalid(cx.redactor.redact(&d.message)))
}

/// Why a JSONPath could not be used: a path the plan did not compile, a template in it that
/// did not render, or a rendering that is no JSONPath (messages masked).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    #[error("`{0}` was not compiled")]
    NotCompiled(String),
    #[error("{0}")]
    Render(String),
    #[error("{0}")]
    Invalid(String),
}

enum Seen<'a> {
    Value(Value),
    One(&'a Node),
    Many(Vec<&'a Node>),
}

impl Seen<'_> {
    fn value(&self) -> Cow<'_, Value> {
        match self {
            Seen::Value(v) => Cow::Borrowed(v),
            Seen::One(node) => Cow::Owned(node.to_value()),
            Seen::Many(nodes) => {
                Cow::Owned(Value::Array(nodes.iter().map(|n| n.to_value()).collect()))
            }
        }
    }

    fn shape(&self) -> Cow<'_, Value> {
        match self {
            Seen::Value(v) => Cow::Borrowed(v),
            Seen::One(node) => Cow::Owned(node.shape()),
            Seen::Many(nodes) => Cow::Owned(Value::Array(vec![Value::Null; nodes.len()])),
        }
    }

    fn show(&self) -> String {
        match self {
            Seen::Value(v) => show(v),
            Seen::One(node) => show(*node),
            Seen::Many(nodes) => show(nodes),
        }
    }
}

/// Predicates decided by a value's type and length alone.
fn structural(op: &Op) -> bool {
    match op {
        Op::Type(_) | Op::Length(_) | Op::Exists(_) => true,
        Op::Not(inner) => inner.iter().all(|p| structural(&p.op)),
        _ => false,
    }
}

/// The value of the cookie a response sets under `name` (its last `Set-Cookie` for it).
pub fn cookie(resp: &Response, name: &str) -> Option<String> {
    resp.headers
        .iter()
        .rev()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| {
            let pair = v.split(';').next()?;
            let (k, val) = pair.split_once('=')?;
            (k.trim() == name).then(|| val.trim().to_string())
        })
        .next()
}

/// What a target that selects nothing is called in a failure.
fn nothing(target: &Target) -> String {
    match target {
        Target::Json(path) => match jsonpath::length_hint(&path.source) {
            Some(hint) if path.source.ends_with(".length") => {
                format!("nothing: `{}` selects nothing ({hint})", path.source)
            }
            _ => format!("nothing: `{}` selects nothing", path.source),
        },
        Target::Header(name) => format!("nothing: the response has no `{name}` header"),
        Target::Cookie(name) => format!("nothing: the response sets no `{name}` cookie"),
        Target::Xml(path) => format!("nothing: `{}` selects nothing", path.source),
        Target::Var(name) => format!("nothing: no variable `{name}` is set"),
        _ => "nothing".into(),
    }
}

fn outcome(
    cx: &EvalCtx,
    check: &Check,
    span: &Span,
    passed: bool,
    expected: String,
    actual: String,
) -> Outcome {
    let line = if span.line >= check.span.line {
        span
    } else {
        &check.span
    };
    let shown = |text: String| {
        let total = text.chars().count();
        let clipped = cx.redactor.clip(&text, SHOWN_MAX);
        if total > predicate::SHOW_BOUND {
            format!("{clipped} (over {} characters)", predicate::SHOW_BOUND)
        } else if total > SHOWN_MAX {
            format!("{clipped} ({total} characters)")
        } else {
            clipped
        }
    };
    Outcome {
        span: span.clone(),
        written: written(line),
        passed,
        expected: shown(expected),
        actual: shown(actual),
        warning: false,
    }
}

fn written(span: &Span) -> String {
    span.file
        .line_text(span.line)
        .map(|l| {
            without_comment(l)
                .trim()
                .trim_start_matches("- ")
                .to_string()
        })
        .unwrap_or_default()
}

/// The line without its YAML comment: a `#` after a blank, outside quotes.
fn without_comment(line: &str) -> &str {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if double => escaped = true,
            '"' if !single => double = !double,
            '\'' if !double => single = !single,
            '#' if !single && !double && prev.is_whitespace() => return line[..i].trim_end(),
            _ => {}
        }
        prev = c;
    }
    line
}

/// "a body that is not XML (application/json): unknown token at 1:1: \"{\\\"a\\\": 1}\"".
fn not_xml(resp: &Response, why: &str, cx: &EvalCtx) -> String {
    not_a(resp, "XML", Some(why), cx.redactor)
}

/// "a body that is not JSON (text/html): \"`<html>…`\"": the start of the body, masked before
/// it is cut.
fn not_json(resp: &Response, redactor: &crate::secret::Redactor) -> String {
    not_a(resp, "JSON", None, redactor)
}

/// A body that is not of the kind a check reads: its type, why (when the parser says), and
/// its start, masked before it is cut.
fn not_a(
    resp: &Response,
    kind: &str,
    why: Option<&str>,
    redactor: &crate::secret::Redactor,
) -> String {
    let ct = resp.header("content-type").unwrap_or("no content type");
    let text = String::from_utf8_lossy(&resp.body[..resp.body.len().min(8_000)]);
    let head = redactor.clip(&text, 80);
    let why = why.map(|w| format!(" {w}:")).unwrap_or_default();
    format!("a body that is not {kind} ({ct}):{why} {head:?}")
}

fn schema_outcome(
    check: &Check,
    path: &std::path::Path,
    shown: &str,
    resp: &Response,
    cx: &EvalCtx,
) -> Outcome {
    let full = cx.base_dir.join(path);
    let expected = format!("to match the schema {shown}");
    let Some(json) = resp.json() else {
        return outcome(
            cx,
            check,
            &check.span,
            false,
            expected,
            not_json(resp, cx.redactor),
        );
    };
    let Some(validator) = cx.schemas.get(&full) else {
        return outcome(
            cx,
            check,
            &check.span,
            false,
            expected,
            "(schema not loaded)".into(),
        );
    };
    // The validator reads serde_json values: the one place the whole body is copied into them.
    let json = json.to_value();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .take(3)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("at {at}: {e}")
        })
        .collect();
    if errors.is_empty() {
        outcome(cx, check, &check.span, true, expected, "valid".into())
    } else {
        outcome(cx, check, &check.span, false, expected, errors.join("; "))
    }
}

/// Why a capture took nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaptureError {
    #[error("no `{0}` header in the response")]
    NoHeader(String),
    #[error("the response sets no `{0}` cookie")]
    NoCookie(String),
    #[error("/{0}/ does not match the body")]
    NoMatch(String),
    #[error("{0}")]
    NotJson(String),
    #[error("`{0}` matched nothing")]
    Nothing(String),
    #[error("{0}")]
    Path(PathError),
    #[error("{0}")]
    TooMany(jsonpath::TooMany),
    #[error("{0}")]
    Xml(String),
    #[error("`length` of {0}: only a list, a text or an object has one")]
    NoLength(String),
    #[error("`regex` of {0}: only a text, a number or a boolean is matched")]
    NotText(String),
}

/// `capture: { …, length: true }`: how many items a list has, characters a text, keys an
/// object. A null is nothing (a `default` stands in for it).
pub fn length_of(v: Value) -> Result<Value, CaptureError> {
    match &v {
        Value::Array(items) => Ok(Value::from(items.len())),
        Value::String(s) => Ok(Value::from(s.chars().count())),
        Value::Object(members) => Ok(Value::from(members.len())),
        Value::Null => Ok(Value::Null),
        other => Err(CaptureError::NoLength(show(other))),
    }
}

/// `capture: { …, as: text }` (`number`, `integer`): the value found made what a Postman
/// script's `String(x)` (`Number(x)`, `parseInt(x)`) makes of it. A number that is none
/// (JavaScript's `NaN`) is the text `NaN`, as Newman sends it; a null stays nothing.
pub fn converted(to: CaptureAs, v: Value) -> Value {
    let nan = || Value::String("NaN".into());
    // A whole number is written as one (`7`, not `7.0`), as JavaScript writes it.
    let number = |n: f64| match n.fract() == 0.0 && n.abs() < 9e15 {
        true => Value::from(n as i64),
        false => serde_json::Number::from_f64(n).map_or_else(nan, Value::Number),
    };
    match (to, v) {
        (_, Value::Null) => Value::Null,
        (CaptureAs::Text, v) => Value::String(predicate::text_of(&v)),
        (CaptureAs::Number, v) => {
            let as_js = match &v {
                Value::Number(n) => minijinja::Value::from(n.as_f64().unwrap_or(f64::NAN)),
                Value::String(s) => minijinja::Value::from(s.as_str()),
                Value::Bool(b) => minijinja::Value::from(*b),
                _ => minijinja::Value::from(f64::NAN),
            };
            let js = crate::template::js_number(&as_js);
            f64::try_from(js).map_or_else(|_| nan(), number)
        }
        (CaptureAs::Integer, Value::Number(n)) => match n.as_i64() {
            Some(i) => Value::from(i),
            None => n.as_f64().map_or_else(nan, |f| number(f.trunc())),
        },
        (CaptureAs::Integer, Value::String(s)) => {
            let t = s.trim_start();
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            let sign = if t.starts_with('-') { -1.0 } else { 1.0 };
            digits[..end]
                .parse::<f64>()
                .map_or_else(|_| nan(), |n| number(sign * n))
        }
        (CaptureAs::Integer, _) => nan(),
    }
}

/// Group 1 of the first match of `re` in `text` (or the whole match).
fn matched(re: &regex::Regex, text: &str) -> Result<Value, CaptureError> {
    let caps = re
        .captures(text)
        .ok_or_else(|| CaptureError::NoMatch(re.as_str().to_string()))?;
    let m = caps.get(1).or_else(|| caps.get(0)).map(|m| m.as_str());
    Ok(Value::String(m.unwrap_or_default().to_string()))
}

/// Takes one capture from a response; the error says why nothing was captured.
pub fn capture(c: &Capture, resp: &Response, cx: &EvalCtx) -> Result<Value, CaptureError> {
    taken(&c.source, resp, cx)
}

/// What `regex` matches in the text of a value a capture found: a null is nothing (a
/// `default` stands in for it), a list or an object has no text to match.
fn matched_in(re: &regex::Regex, v: Value) -> Result<Value, CaptureError> {
    match v {
        Value::Null => Err(CaptureError::NoMatch(re.as_str().to_string())),
        Value::String(s) => matched(re, &s),
        Value::Array(_) | Value::Object(_) => Err(CaptureError::NotText(show(&v))),
        other => matched(re, &other.to_string()),
    }
}

fn taken(source: &CaptureSource, resp: &Response, cx: &EvalCtx) -> Result<Value, CaptureError> {
    let redactor = cx.redactor;
    match source {
        CaptureSource::Matched(of, re) => matched_in(re, taken(of, resp, cx)?),
        CaptureSource::Status => Ok(Value::from(resp.status)),
        CaptureSource::Body => Ok(Value::String(resp.text().into_owned())),
        CaptureSource::Value(v) => Ok(v.clone()),
        CaptureSource::Header(name, re) => {
            let value = resp
                .header(name)
                .ok_or_else(|| CaptureError::NoHeader(name.clone()))?;
            match re {
                Some(re) => matched(re, value),
                None => Ok(Value::String(value.to_string())),
            }
        }
        CaptureSource::Cookie(name) => cookie(resp, name)
            .map(Value::String)
            .ok_or_else(|| CaptureError::NoCookie(name.clone())),
        CaptureSource::Regex(re) => matched(re, &resp.text()),
        CaptureSource::Json { path, all } => {
            let json = resp
                .json()
                .ok_or_else(|| CaptureError::NotJson(not_json(resp, redactor)))?;
            let compiled = compiled(path, cx).map_err(CaptureError::Path)?;
            let budget = jsonpath::budget(resp.body.len());
            let nodes =
                jsonpath::select_within(&compiled, json, budget).map_err(CaptureError::TooMany)?;
            if *all {
                return Ok(Value::Array(
                    nodes.into_iter().map(Node::to_value).collect(),
                ));
            }
            nodes
                .first()
                .map(|v| v.to_value())
                .ok_or_else(|| CaptureError::Nothing(path.source.clone()))
        }
        CaptureSource::Xml { path, all } => {
            let source = rendered(path, cx).map_err(CaptureError::Path)?;
            let fail = |e: xpath::XPathError| CaptureError::Xml(redactor.redact(&e.to_string()));
            match xpath::select(&source, &resp.text()).map_err(fail)? {
                xpath::Selected::Nothing => Err(CaptureError::Nothing(path.source.clone())),
                xpath::Selected::One(v) if *all => Ok(Value::Array(vec![v])),
                xpath::Selected::One(v) => Ok(v),
                xpath::Selected::Many(vs) if *all => Ok(Value::Array(vs)),
                xpath::Selected::Many(vs) => Ok(vs.into_iter().next().unwrap_or(Value::Null)),
            }
        }
    }
}

#[cfg(test)]
mod tests;
