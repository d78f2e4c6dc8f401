//! Predicates over JSON values: pure functions, the expected side already a template to render.

use crate::model::{JsonType, Op, Pattern, Predicate, TValue};
use crate::template::{Templates, Vars};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// What a failed predicate reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub expected: String,
    pub actual: String,
}

/// What a failing predicate expected, in the words its failure line uses (`> 3`,
/// `one of [1, 2]`); the actual value is added where the predicate is evaluated.
#[derive(Debug, Clone, PartialEq)]
struct Expected(String);

pub struct PredCtx<'a> {
    pub templates: &'a Templates,
    pub vars: &'a Vars,
    /// Expected values already rendered (for the items of an `each`), by their template's
    /// address: a list of 600,000 items renders each `in:` option once, not 600,000 times.
    pub memo: Option<&'a Memo>,
}

/// Rendered expected values, by the address of the `TValue` they came from.
pub type Memo = std::collections::HashMap<usize, (Value, bool)>;

fn memo_key(t: &TValue) -> usize {
    std::ptr::from_ref(t) as usize
}

/// Evaluates one predicate; `actual` is `None` when there is nothing (no node, no header).
pub fn eval(p: &Predicate, actual: Option<&Value>, cx: &PredCtx) -> Result<(), Mismatch> {
    let fail = |expected: String| Mismatch {
        expected,
        actual: show_actual(actual),
    };
    let render = |t: &TValue| -> Result<(Cow<'_, Value>, bool), Mismatch> {
        if let Some((v, lenient)) = cx.memo.and_then(|m| m.get(&memo_key(t))) {
            return Ok((Cow::Borrowed(v), *lenient));
        }
        let lenient = matches!(t, TValue::Str(tpl) if !tpl.is_literal());
        cx.templates
            .render_tvalue(t, cx.vars)
            .map(|v| (Cow::Owned(v), lenient))
            .map_err(|d| Mismatch {
                expected: format!("(the expected value could not be rendered: {})", d.message),
                actual: show_actual(actual),
            })
    };
    if let Op::Any(groups) = &p.op {
        let holds = groups
            .iter()
            .any(|g| g.iter().all(|q| eval(q, actual, cx).is_ok()));
        return match holds {
            true => Ok(()),
            false => Err(fail(describe(p, cx))),
        };
    }
    // Nothing selected fails every predicate but `exists: false`: "not equal to 1" must not
    // pass for a field that is not there.
    if actual.is_none() && !only_existence(p) {
        return Err(fail(describe(p, cx)));
    }
    match &p.op {
        Op::Exists(want) => {
            if actual.is_some() == *want {
                Ok(())
            } else if *want {
                Err(fail("to exist".into()))
            } else {
                Err(fail("not to exist".into()))
            }
        }
        Op::Not(inner) => {
            let all_pass = inner.iter().all(|q| eval(q, actual, cx).is_ok());
            if all_pass {
                Err(fail(format!("not {}", describe_all(inner, cx))))
            } else {
                Ok(())
            }
        }
        Op::StatusClass(c) => {
            let ok = actual
                .and_then(Value::as_u64)
                .is_some_and(|s| s / 100 == *c as u64);
            if ok {
                Ok(())
            } else {
                Err(fail(format!("{c}xx")))
            }
        }
        _ => {
            let Some(a) = actual else {
                return Err(fail(describe(p, cx)));
            };
            eval_present(&p.op, a, cx, &render).map_err(|e| Mismatch {
                expected: e.0,
                actual: show_actual(actual),
            })
        }
    }
}

/// `exists`, or `not` over `exists` alone: the predicates that speak of absence.
fn only_existence(p: &Predicate) -> bool {
    match &p.op {
        Op::Exists(_) => true,
        Op::Not(inner) => inner.iter().all(only_existence),
        _ => false,
    }
}

type Render<'r> = dyn Fn(&TValue) -> Result<(Cow<'r, Value>, bool), Mismatch> + 'r;

fn eval_present(op: &Op, a: &Value, cx: &PredCtx, render: &Render) -> Result<(), Expected> {
    let rendered = |t: &TValue| render(t).map_err(|m| Expected(m.expected));
    match op {
        Op::Equals(t) => {
            let (e, lenient) = rendered(t)?;
            check(json_eq(a, &e, lenient), || show(&e))
        }
        Op::Type(t) => check(type_of(a, *t), || format!("type {}", t.name())),
        Op::Contains(t) => {
            let (e, _) = rendered(t)?;
            let ok = match (a, &*e) {
                (Value::String(s), Value::String(sub)) => s.contains(sub.as_str()),
                (Value::String(s), other) => s.contains(&text_of(other)),
                (Value::Array(items), e) => items.iter().any(|i| json_eq(i, e, false)),
                (Value::Object(o), Value::String(k)) => o.contains_key(k),
                // Members among others, each equal as `equals` compares (chai's `deep.include`).
                (Value::Object(o), Value::Object(m)) => m
                    .iter()
                    .all(|(k, v)| o.get(k).is_some_and(|w| json_eq(w, v, false))),
                _ => false,
            };
            check(ok, || format!("contains {}", show(&e)))
        }
        Op::StartsWith(t) => {
            let (e, _) = rendered(t)?;
            check(text_of(a).starts_with(&text_of(&e)), || {
                format!("starts with {}", show(&e))
            })
        }
        Op::EndsWith(t) => {
            let (e, _) = rendered(t)?;
            check(text_of(a).ends_with(&text_of(&e)), || {
                format!("ends with {}", show(&e))
            })
        }
        Op::Matches(pattern) => {
            let re = match pattern {
                Pattern::Fixed(re) => re.clone(),
                Pattern::Templated(t) => {
                    let src = cx
                        .templates
                        .render(t, cx.vars)
                        .map_err(|d| Expected(d.message))?;
                    regex::Regex::new(&src)
                        .map_err(|e| Expected(format!("a valid regex (rendered `{src}`: {e})")))?
                }
            };
            check(re.is_match(&text_of(a)), || {
                format!("matches /{}/", re.as_str())
            })
        }
        Op::In(list) => {
            let mut options = Vec::with_capacity(list.len());
            let mut ok = false;
            for t in list {
                let (e, lenient) = rendered(t)?;
                ok |= json_eq(a, &e, lenient);
                options.push(e);
            }
            let shown = || options.iter().map(show).collect::<Vec<_>>().join(", ");
            check(ok, || format!("one of [{}]", shown()))
        }
        Op::Length(inner) => length(inner, a, cx),
        Op::Lt(t) | Op::Lte(t) | Op::Gt(t) | Op::Gte(t) => {
            let (e, _) = rendered(t)?;
            let (sym, want): (&str, fn(Ordering) -> bool) = match op {
                Op::Lt(_) => ("<", |o| o == Ordering::Less),
                Op::Lte(_) => ("<=", |o| o != Ordering::Greater),
                Op::Gt(_) => (">", |o| o == Ordering::Greater),
                _ => (">=", |o| o != Ordering::Less),
            };
            let ok = compare(a, &e).is_some_and(want);
            check(ok, || format!("{sym} {}", show(&e)))
        }
        Op::Each(inner) => each(inner, a, cx),
        Op::Exists(_) | Op::Not(_) | Op::StatusClass(_) | Op::Any(_) => Ok(()),
    }
}

/// `length: {...}`: the length of a string, list or object satisfies every inner predicate.
fn length(inner: &[Predicate], a: &Value, cx: &PredCtx) -> Result<(), Expected> {
    let len = match a {
        Value::String(s) => s.chars().count(),
        Value::Array(v) => v.len(),
        Value::Object(o) => o.len(),
        _ => {
            return Err(Expected(format!(
                "a length {} (only strings, lists and objects have one)",
                describe_all(inner, cx)
            )));
        }
    };
    let n = Value::from(len);
    for q in inner {
        if let Err(m) = eval(q, Some(&n), cx) {
            return Err(Expected(format!("length {} (length is {len})", m.expected)));
        }
    }
    Ok(())
}

/// `each: {...}`: every item of a list satisfies every inner predicate.
fn each(inner: &[Predicate], a: &Value, cx: &PredCtx) -> Result<(), Expected> {
    let Value::Array(items) = a else {
        return Err(Expected(format!(
            "a list whose every item {}",
            describe_all(inner, cx)
        )));
    };
    let mut memo = Memo::new();
    for q in inner {
        remember(q, cx, &mut memo);
    }
    let cx = &PredCtx {
        memo: Some(&memo),
        ..*cx
    };
    for (i, item) in items.iter().enumerate() {
        for q in inner {
            if let Err(m) = eval(q, Some(item), cx) {
                return Err(Expected(format!(
                    "every item {} (item [{i}] is {})",
                    m.expected, m.actual
                )));
            }
        }
    }
    Ok(())
}

/// Renders, once, the expected values of a predicate and of those inside it; one that does not
/// render is left out (each item then reports why).
fn remember(p: &Predicate, cx: &PredCtx, memo: &mut Memo) {
    let mut keep = |t: &TValue| {
        if let Ok(v) = cx.templates.render_tvalue(t, cx.vars) {
            let lenient = matches!(t, TValue::Str(tpl) if !tpl.is_literal());
            memo.insert(memo_key(t), (v, lenient));
        }
    };
    match &p.op {
        Op::Equals(t) | Op::Contains(t) | Op::StartsWith(t) | Op::EndsWith(t) => keep(t),
        Op::Lt(t) | Op::Lte(t) | Op::Gt(t) | Op::Gte(t) => keep(t),
        Op::In(list) => list.iter().for_each(keep),
        Op::Not(inner) | Op::Length(inner) | Op::Each(inner) => {
            inner.iter().for_each(|q| remember(q, cx, memo));
        }
        Op::Any(groups) => groups.iter().flatten().for_each(|q| remember(q, cx, memo)),
        Op::Exists(_) | Op::Type(_) | Op::Matches(_) | Op::StatusClass(_) => {}
    }
}

fn check(ok: bool, expected: impl FnOnce() -> String) -> Result<(), Expected> {
    if ok {
        Ok(())
    } else {
        Err(Expected(expected()))
    }
}

/// Numbers compare by value (1 == 1.0). With `lenient` (a templated expected string), a number
/// or boolean also equals its text, since variables are often strings.
pub fn json_eq(a: &Value, e: &Value, lenient: bool) -> bool {
    match (a, e) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q, lenient))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w, lenient)))
        }
        (Value::Number(_) | Value::Bool(_), Value::String(s)) if lenient => text_of(a) == *s,
        _ => a == e,
    }
}

fn compare(a: &Value, e: &Value) -> Option<Ordering> {
    match (a, e) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(p), Ok(q)) => p.partial_cmp(&q),
            _ => Some(x.cmp(y)),
        },
        (Value::String(x), Value::Number(y)) => number_text(x)?.partial_cmp(&y.as_f64()?),
        // A limit rendered from a variable (`time: { lt: "{{ max_ms }}" }`) is text.
        (Value::Number(x), Value::String(y)) => x.as_f64()?.partial_cmp(&number_text(y)?),
        _ => None,
    }
}

/// A number written as text (`" 500 "`); `inf` and `NaN` are no numbers to compare with.
fn number_text(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn type_of(a: &Value, t: JsonType) -> bool {
    match t {
        JsonType::String => a.is_string(),
        JsonType::Number => a.is_number(),
        JsonType::Integer => {
            a.is_i64() || a.is_u64() || a.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        JsonType::Boolean => a.is_boolean(),
        JsonType::Array => a.is_array(),
        JsonType::Object => a.is_object(),
        JsonType::Null => a.is_null(),
    }
}

/// Strings as themselves, everything else as compact JSON.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Values are cut here only to bound memory; the outcome masks secrets and then cuts to a
/// readable length, so this bound is far above that one.
pub const SHOW_BOUND: usize = 8_000;

/// A value for a message: compact JSON, bounded. Serializing stops at the bound, so showing
/// `$.items` of a 50 MB body costs what showing 8 kB does.
pub fn show<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut out = Bounded {
        bytes: Vec::new(),
        room: SHOW_BOUND,
    };
    let complete = serde_json::to_writer(&mut out, v).is_ok();
    let valid = match std::str::from_utf8(&out.bytes) {
        Ok(s) => s,
        // The bound can fall inside a character; keep what is whole.
        Err(e) => std::str::from_utf8(&out.bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    if complete {
        valid.to_string()
    } else {
        format!("{valid}…")
    }
}

/// A writer that takes `room` bytes and then refuses, ending the serializer early.
struct Bounded {
    bytes: Vec<u8>,
    room: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::Error::other("bound reached"));
        }
        let n = buf.len().min(self.room);
        self.bytes.extend_from_slice(&buf[..n]);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn show_actual(a: Option<&Value>) -> String {
    match a {
        Some(v) => show(v),
        None => "nothing".to_string(),
    }
}

/// A predicate as an expectation, for messages ("type array", "one of [...]").
pub fn describe(p: &Predicate, cx: &PredCtx) -> String {
    let r = |t: &TValue| {
        cx.templates
            .render_tvalue(t, cx.vars)
            .map(|v| show(&v))
            .unwrap_or_else(|_| "?".into())
    };
    match &p.op {
        Op::Equals(t) => r(t),
        Op::Not(inner) => format!("not {}", describe_all(inner, cx)),
        Op::Exists(true) => "to exist".into(),
        Op::Exists(false) => "not to exist".into(),
        Op::Type(t) => format!("type {}", t.name()),
        Op::Contains(t) => format!("contains {}", r(t)),
        Op::StartsWith(t) => format!("starts with {}", r(t)),
        Op::EndsWith(t) => format!("ends with {}", r(t)),
        Op::Matches(Pattern::Fixed(re)) => format!("matches /{}/", re.as_str()),
        Op::Matches(Pattern::Templated(t)) => format!("matches /{}/", t.source),
        Op::In(list) => format!(
            "one of [{}]",
            list.iter().map(r).collect::<Vec<_>>().join(", ")
        ),
        Op::Length(inner) => format!("length {}", describe_all(inner, cx)),
        Op::Lt(t) => format!("< {}", r(t)),
        Op::Lte(t) => format!("<= {}", r(t)),
        Op::Gt(t) => format!("> {}", r(t)),
        Op::Gte(t) => format!(">= {}", r(t)),
        Op::Each(inner) => format!("every item {}", describe_all(inner, cx)),
        Op::StatusClass(c) => format!("{c}xx"),
        Op::Any(groups) => format!(
            "any of: {}",
            groups
                .iter()
                .map(|g| describe_all(g, cx))
                .collect::<Vec<_>>()
                .join("; or ")
        ),
    }
}

fn describe_all(ps: &[Predicate], cx: &PredCtx) -> String {
    ps.iter()
        .map(|p| describe(p, cx))
        .collect::<Vec<_>>()
        .join(" and ")
}
