//! Assertions: `pm.expect(x).to...` and `pm.response.to...` chains (chai's words), and the
//! boolean expressions of legacy `tests["..."] = ...` lines.

use super::js::Expr;
use super::{Converter, Staged, Subject, child, path};
use crate::import::yaml_out::Y;

/// Whether a statement is shaped like an assertion (so it counts as seen).
pub(super) fn is_assertion(e: &Expr) -> bool {
    let (base, _) = flatten(e);
    matches!(base, Base::Expect(_) | Base::Response)
}

enum Base<'a> {
    Expect(&'a Expr),
    Response,
    Other,
}

/// One step of a chain: a word, and its arguments when it is called.
type Step<'a> = (&'a str, Option<&'a [Expr]>);
/// A step made here rather than read from the script.
type OwnedStep = (&'static str, Option<Vec<Expr>>);

/// `pm.expect(x).to.have.property("a").that.equals(1)` → (x, [to, have, property(a), ...]).
fn flatten(e: &Expr) -> (Base<'_>, Vec<Step<'_>>) {
    let mut steps = Vec::new();
    let mut cur = e;
    loop {
        match cur {
            Expr::Call(callee, args) => match &**callee {
                Expr::Member(inner, name) => {
                    if path(callee).as_deref() == Some("pm.expect") {
                        break;
                    }
                    steps.push((name.as_str(), Some(args.as_slice())));
                    cur = inner;
                }
                Expr::Ident(n) if n == "expect" => break,
                _ => return (Base::Other, steps),
            },
            Expr::Member(inner, name) => {
                if path(cur).as_deref() == Some("pm.response") {
                    steps.reverse();
                    return (Base::Response, steps);
                }
                steps.push((name.as_str(), None));
                cur = inner;
            }
            _ => return (Base::Other, steps),
        }
    }
    steps.reverse();
    match cur {
        // `pm.expect(pm.response).to.have.status(400)`: Postman's chai words of the response,
        // as `pm.response.to.have.status(400)` says them.
        // (A property of the object, `.to.have.property("code", 200)`, is read as one.)
        Expr::Call(_, args)
            if args.first().and_then(path).as_deref() == Some("pm.response")
                && !steps
                    .iter()
                    .any(|s| s.0.to_lowercase().contains("property")) =>
        {
            (Base::Response, steps)
        }
        Expr::Call(_, args) if !args.is_empty() => (Base::Expect(&args[0]), steps),
        _ => (Base::Other, steps),
    }
}

/// Whether a chai check passes when its subject is missing (undefined): a negated strict or
/// deep equality with a value (`.to.not.equal(null)`: undefined is not null), `.not.be.null`,
/// `.to.be.undefined`, `.not.be.true` / `.false` / `.ok`. A set() of that subject after it
/// then runs in Postman, and stores the missing value.
pub(super) fn passes_when_missing(e: &Expr) -> bool {
    let (Base::Expect(_), steps) = flatten(e) else {
        return false;
    };
    // chai's `.not` sets a flag for the rest of the chain; a second one leaves it set.
    let negated = steps.iter().any(|s| s.0 == "not");
    let Some(&(last, args)) = steps
        .iter()
        .rev()
        .find(|s| !NOOP.contains(&s.0) && s.0 != "not")
    else {
        return false;
    };
    match (last, args) {
        ("equal" | "equals" | "eq" | "eql" | "eqls", Some([x])) => {
            negated && !matches!(x, Expr::Undefined)
        }
        ("null" | "true" | "false" | "ok", None) => negated,
        ("undefined", None) => !negated,
        _ => false,
    }
}

/// `pm.expect(() => { json = pm.response.json(); }).to.not.throw()`: the name and what it is
/// given, when the function does nothing else.
pub(super) fn assigned_without_throw(e: &Expr) -> Option<(&str, &Expr)> {
    let (Base::Expect(Expr::Func(params, body)), steps) = flatten(e) else {
        return None;
    };
    let words: Vec<&str> = steps
        .iter()
        .map(|s| s.0)
        .filter(|w| !NOOP.contains(w))
        .collect();
    if !params.is_empty() || words != ["not", "throw"] {
        return None;
    }
    match body.as_slice() {
        [s] => match &s.kind {
            super::js::StmtKind::Assign(Expr::Ident(n), v) => Some((n.as_str(), v)),
            _ => None,
        },
        _ => None,
    }
}

/// `pm.expect(true).to.eql(found)`, `pm.expect(found).to.eql(true)`, `pm.expect(found).to.be.true`
/// (`.ok`): the name checked to be true.
pub(super) fn flag_asserted(e: &Expr) -> Option<&str> {
    let (Base::Expect(x), steps) = flatten(e) else {
        return None;
    };
    let words: Vec<Step<'_>> = steps.into_iter().filter(|s| !NOOP.contains(&s.0)).collect();
    let equal = ["equal", "equals", "eq", "eql", "eqls"];
    match (x, words.as_slice()) {
        (Expr::Ident(n), [("true" | "ok", None)]) => Some(n),
        (Expr::Ident(n), [(w, Some([Expr::Bool(true)]))]) if equal.contains(w) => Some(n),
        (Expr::Bool(true), [(w, Some([Expr::Ident(n)]))]) if equal.contains(w) => Some(n),
        _ => None,
    }
}

const NOOP: [&str; 23] = [
    "to", "be", "been", "is", "that", "which", "and", "has", "have", "with", "at", "of", "same",
    "but", "does", "still", "also", "deep", "own", "any", "all", "itself", "nested",
];

/// chai's methods that make no check unless called: `expect(x).to.be.a.string` reads the
/// `string` method and asserts nothing (where `.a.number`, no chai word, throws).
const METHODS: [&str; 22] = [
    "string",
    "equal",
    "equals",
    "eq",
    "eql",
    "eqls",
    "above",
    "gt",
    "greaterThan",
    "least",
    "gte",
    "below",
    "lt",
    "lessThan",
    "most",
    "lte",
    "within",
    "match",
    "matches",
    "property",
    "oneOf",
    "members",
];

/// What holds of every response Postman gives a script, checked: `pm.expect(responseBody)
/// .to.be.a("string")` (or `.not.to.be.undefined`, `typeof(responseBody)` equal to `"string"`),
/// `pm.expect(pm.response.headers).to.be.an("object")`, `pm.expect(pm.cookies).to.exist`; and
/// Postman's methods of the response read and not called, `pm.response.to.have.jsonBody`
/// (chai asserts nothing then).
pub(super) fn holds_of_any_response(e: &Expr) -> bool {
    let (base, steps) = flatten(e);
    let words: Vec<&Step<'_>> = steps.iter().filter(|s| !NOOP.contains(&s.0)).collect();
    let subject = match base {
        Base::Expect(subject) => subject,
        Base::Response => {
            const RESPONSE_METHODS: [&str; 8] = [
                "jsonBody",
                "jsonSchema",
                "status",
                "header",
                "statusCode",
                "statusCodeClass",
                "statusReason",
                "cookie",
            ];
            return matches!(words.as_slice(), [(w, None)] if RESPONSE_METHODS.contains(w));
        }
        Base::Other => return false,
    };
    let text = |x: &Expr| {
        matches!(x, Expr::Ident(n) if n == "responseBody")
            || matches!(x, Expr::Call(c, a) if a.is_empty() && path(c).as_deref() == Some("pm.response.text"))
    };
    let object = matches!(
        path(subject).as_deref(),
        Some("pm.response.headers" | "pm.cookies" | "pm.response.cookies")
    );
    let kind = match (text(subject), object) {
        (true, _) => "string",
        (_, true) => "object",
        _ if matches!(subject, Expr::Unary("typeof", x) if text(x)) => {
            return matches!(words.as_slice(), [(w, Some([Expr::Str(t)]))]
                if matches!(*w, "eq" | "eql" | "equal" | "equals") && t == "string");
        }
        _ => return false,
    };
    match words.as_slice() {
        [("not", None), ("undefined", None)] | [("exist", None)] => true,
        [("a" | "an", Some([Expr::Str(t)]))] => t == kind,
        _ => false,
    }
}

/// `pm.expect(pm.request.url.toString()).to.include(savedId)` of a variable the request's URL
/// is written with (`{{baseUrl}}/api/Employees/{{employeeId}}` and `get("employeeId")`): it
/// holds whatever the variable holds, as the URL Newman sent was made with it.
pub(super) fn url_holds_its_variable(cx: &Converter, e: &Expr) -> bool {
    let (Base::Expect(x), steps) = flatten(e) else {
        return false;
    };
    let words: Vec<&Step<'_>> = steps.iter().filter(|s| !NOOP.contains(&s.0)).collect();
    let [(w, Some([needle]))] = words.as_slice() else {
        return false;
    };
    let url_text = matches!(x, Expr::Call(c, a) if a.is_empty()
        && path(c).as_deref() == Some("pm.request.url.toString"));
    let (Some(name), Some(text)) = (cx.variable_read(needle), cx.request_text.as_ref()) else {
        return false;
    };
    let written = text
        .url
        .split("{{")
        .skip(1)
        .filter_map(|t| t.split_once("}}"));
    url_text
        && matches!(
            *w,
            "include" | "includes" | "contain" | "contains" | "string"
        )
        && written
            .map(|(v, _)| crate::import::vars::ident(v.trim()))
            .any(|v| v == name)
}

/// `pm.expect(pm.response.code.toString()[0]).to.eq("2")`: the class of statuses the first
/// digit names (`2xx`), and whether negated.
pub(super) fn status_class(e: &Expr) -> Option<(Y, bool)> {
    let (Base::Expect(subject), steps) = flatten(e) else {
        return None;
    };
    let Expr::Index(text, at) = subject else {
        return None;
    };
    let Expr::Call(to_string, args) = &**text else {
        return None;
    };
    let first = matches!(&**at, Expr::Num(n) if *n == 0.0);
    let code = matches!(
        path(to_string).as_deref(),
        Some("pm.response.code.toString")
    );
    if !first || !code || !args.is_empty() {
        return None;
    }
    let (word, args, negate) = one_step(&steps)?;
    let [Expr::Str(digit)] = args else {
        return None;
    };
    let class = matches!(digit.as_str(), "1" | "2" | "3" | "4" | "5");
    (class && matches!(word, "eq" | "eql" | "equal" | "equals"))
        .then(|| (Y::str(format!("{digit}xx")), negate))
}

/// The subject of an assertion that checks nothing: only language chains, then a chai method
/// read and not called (`pm.expect(x).to.be.a.string`).
pub(super) fn checks_nothing(e: &Expr) -> Option<&Expr> {
    let (Base::Expect(subject), steps) = flatten(e) else {
        return None;
    };
    let (last, chains) = steps.split_last()?;
    let chain = |(w, args): &Step<'_>| {
        args.is_none() && (NOOP.contains(w) || matches!(*w, "a" | "an" | "not"))
    };
    (last.1.is_none() && METHODS.contains(&last.0) && chains.iter().all(chain)).then_some(subject)
}

/// `x / k` or `x * k` (k a positive number) of a JSON value, compared with a number by one
/// chai word (`above`, `below`, `at.least`, `at.most`): the value, the predicate, the bound
/// scaled back (`x / 1000 < 1000` is `x < 1000000`).
fn scaled(cx: &Converter, x: &Expr, steps: &[Step<'_>]) -> Option<(Subject, &'static str, Y)> {
    let Expr::Binary(op @ ("/" | "*"), of, k) = cx.bound(x) else {
        return None;
    };
    let (Expr::Num(k), Some(Subject::Json(p))) = (&**k, cx.subject(of)) else {
        return None;
    };
    let words: Vec<&Step<'_>> = steps.iter().filter(|s| !NOOP.contains(&s.0)).collect();
    let (predicate, bound) = match words.as_slice() {
        [(w, Some([Expr::Num(c)]))] => (
            match *w {
                "above" | "gt" | "greaterThan" => "gt",
                "below" | "lt" | "lessThan" => "lt",
                "least" | "gte" | "greaterThanOrEqual" => "gte",
                "most" | "lte" | "lessThanOrEqual" => "lte",
                _ => return None,
            },
            *c,
        ),
        _ => return None,
    };
    let back = if *op == "/" { bound * k } else { bound / k };
    if *k <= 0.0 || !back.is_finite() {
        return None;
    }
    let n = match back.fract() == 0.0 && back.abs() < 9e15 {
        true => serde_json::Number::from(back as i64),
        false => serde_json::Number::from_f64(back)?,
    };
    Some((Subject::Json(p), predicate, Y::Num(n)))
}

/// Converts an assertion chain into staged predicates; false if any step is not understood.
pub(super) fn assertion(cx: &Converter, e: &Expr, out: &mut Staged) -> bool {
    let before = cx.asserting.replace(true);
    let done = assertion_of(cx, e, out);
    cx.asserting.set(before);
    done
}

fn assertion_of(cx: &Converter, e: &Expr, out: &mut Staged) -> bool {
    match flatten(e) {
        // `pm.expect(body).to.satisfy(b => Array.isArray(b) || typeof b === "object")`: the
        // function's condition, of the value.
        (Base::Expect(x), steps) if let Some((cond, negate)) = satisfied(x, &steps) => {
            boolean(cx, &cond, negate, out)
        }
        // `var kg = footprint.co2eGrams / 1000; pm.expect(kg).to.be.below(1000)`: the field
        // against the bound moved by the same factor.
        (Base::Expect(x), steps) if let Some((s, p, v)) = scaled(cx, x, &steps) => {
            add(out, s, p, v, false) && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n))
        }
        (Base::Expect(x), steps) => match cx.subject(x) {
            // `pm.expect(pm.environment.get("token")).to.exist`: the variable itself.
            Some(Subject::Value(Y::Str(t))) if super::var_name(&t).is_some() => {
                // `set("id", user.id)` then `pm.expect(get("id")).to.eql(String(user.id))`: the
                // variable holds the value itself, equal to its text only when it is text.
                if let Some((s, negate)) = own_value_as_text(cx, &t, &steps) {
                    return add(out, s, "type", Y::str("string"), negate)
                        && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n));
                }
                // `pm.expect(pm.environment.get("fname")).to.eql(data.firstname)` (also of
                // `data.total.toString()`): the response's value equals the variable, which a
                // template compares by text with a number or boolean.
                if let Some((s, negate)) = equal_as_text(cx, &steps) {
                    return add(out, s, "equals", Y::Str(t), negate)
                        && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n));
                }
                let name = super::var_name(&t).unwrap_or_default();
                // `if (found) set("id", found.id)` then a check of `get("id")`: `expect.vars` sees
                // the value before this response, so the check is of where the capture reads.
                if let Some(path) = cx.captured_path(&name) {
                    return expect_steps(cx, Subject::Json(path), &steps, out);
                }
                expect_steps(cx, Subject::Var(name), &steps, out)
            }
            // `pm.expect([201, 401]).to.include(pm.response.code)`: the subject is the argument.
            Some(Subject::Value(list @ Y::Seq(_)))
                if let Some((s, negate)) = member_of(cx, &steps) =>
            {
                add(out, s, "in", list, negate)
                    && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n))
            }
            // `pm.expect(1).to.eql(data.length)`: the expected value written first.
            Some(Subject::Value(v)) if let Some((s, negate)) = equal_to(cx, &steps) => {
                add(out, s, "equals", v, negate)
                    && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n))
            }
            // `pm.expect(p.name.toLowerCase()).to.include("test")`: the text, any case.
            // `pm.expect(pm.response).to.have.property("status", "OK")`: that field of the
            // response equals the value, as `pm.expect(pm.response.status).to.eql("OK")`.
            None if let Some((field, rest)) = response_property(x, &steps) => {
                let steps: Vec<Step<'_>> = rest.iter().map(|(w, a)| (*w, a.as_deref())).collect();
                match cx.subject(&field) {
                    Some(
                        s
                        @ (Subject::Reason | Subject::Status | Subject::Time | Subject::Cookie(_)),
                    ) => expect_steps(cx, s, &steps, out),
                    _ => false,
                }
            }
            // `pm.expect(parseFloat(data.amount)).to.be.above(0)`: yarc compares a text that
            // is a number as a number; `pm.expect(Number(data.count)).to.eql(3)`: 3 or "3".
            None if let Some((s, number)) = numeric_subject(cx, x, &steps) => match number {
                Some((n, negate)) => {
                    let text = Y::str(n.to_string());
                    let either = Y::Seq(vec![
                        Y::Map(vec![("equals".into(), Y::Num(n))]),
                        Y::Map(vec![("equals".into(), text)]),
                    ]);
                    add(out, s, "any", either, negate)
                }
                None => chain_steps(cx, s, &without_a_number(&steps), out, true),
            },
            // `pm.expect(typeof data.id).to.eql("number")`: as `typeof data.id === "number"`.
            None if let Some((t, negate)) = type_name_equal(x, &steps) => {
                let cond = Expr::Binary("===", Box::new(x.clone()), Box::new(Expr::Str(t)));
                boolean(cx, &cond, negate, out)
            }
            None if let Some(s) = empty_fallback(cx, x, &steps) => expect_steps(cx, s, &steps, out),
            None if let Some((s, re, negate)) = any_case(cx, x, &steps) => {
                add(out, s, "matches", Y::str(re), negate)
                    && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n))
            }
            // `pm.expect(json.paid.toString()).to.eql(pm.environment.get("paid"))`: a
            // template compares by text with a number or boolean.
            None if let Some((s, v)) = text_of_equal_to_variable(cx, x, &steps) => {
                add(out, s, "equals", v, false)
                    && out.0.iter().all(|(s, p, v, n)| fits(s, p, v, *n))
            }
            Some(Subject::Value(_)) | None => {
                // `pm.expect(a === 1).to.be.true`: the expression is the assertion;
                // `pm.expect(text.includes("ERROR")).to.be.false`: its opposite.
                is_boolean_word(&steps).is_some_and(|want| boolean(cx, x, !want, out))
            }
            Some(s) => expect_steps(cx, s, &steps, out),
        },
        (Base::Response, steps) => response_steps(cx, &steps, out),
        (Base::Other, _) => false,
    }
}

/// `pm.expect(list.every(i => <cond>)).to.be.true`: the list, the item's name and the
/// condition every item must meet.
pub(super) fn every_asserted(e: &Expr) -> Option<(&Expr, &str, &Expr)> {
    let (Base::Expect(x), steps) = flatten(e) else {
        return None;
    };
    if is_boolean_word(&steps) != Some(true) {
        return None;
    }
    let Expr::Call(callee, args) = x else {
        return None;
    };
    let (Expr::Member(list, m), [Expr::Func(params, body)]) = (&**callee, args.as_slice()) else {
        return None;
    };
    let (true, Some(item), [only]) = (m == "every", params.first(), body.as_slice()) else {
        return None;
    };
    match &only.kind {
        super::js::StmtKind::Expr(cond) | super::js::StmtKind::Return(Some(cond)) => {
            Some((list, item.as_str(), cond))
        }
        _ => None,
    }
}

/// `.to.satisfy(v => <condition>)` (or `.not.satisfy`) of `x`: the condition with `x` in
/// place of `v`, and whether it is negated.
fn satisfied(x: &Expr, steps: &[Step<'_>]) -> Option<(Expr, bool)> {
    let words: Vec<&Step<'_>> = steps.iter().filter(|s| !NOOP.contains(&s.0)).collect();
    let (negate, call) = match words.as_slice() {
        [("not", None), call] => (true, call),
        [call] => (false, call),
        _ => return None,
    };
    let ("satisfy" | "satisfies", Some([Expr::Func(params, body)])) = call else {
        return None;
    };
    let ([param], [only]) = (params.as_slice(), body.as_slice()) else {
        return None;
    };
    match &only.kind {
        super::js::StmtKind::Expr(cond) | super::js::StmtKind::Return(Some(cond)) => {
            Some((cond.replaced(&Expr::Ident(param.clone()), x), negate))
        }
        _ => None,
    }
}

/// What `pm.expect(<a condition>)` asks of it: `.to.be.true` (`.ok`, `.to.eql(true)`) true,
/// `.to.be.false` (`.to.not.be.true`, `.to.not.be.ok`, `.to.eql(false)`) false.
fn is_boolean_word(steps: &[Step<'_>]) -> Option<bool> {
    let words: Vec<Step<'_>> = steps
        .iter()
        .filter(|s| !NOOP.contains(&s.0))
        .cloned()
        .collect();
    let equal = ["equal", "equals", "eq", "eql", "eqls"];
    match words.as_slice() {
        [("true" | "ok", None)] => Some(true),
        [("false", None)] | [("not", None), ("true" | "ok", None)] => Some(false),
        [(w, Some([Expr::Bool(b)]))] if equal.contains(w) => Some(*b),
        [("not", None), (w, Some([Expr::Bool(b)]))] if equal.contains(w) => Some(!*b),
        _ => None,
    }
}

/// `.to.include(x)` / `.contain(x)` (with `.not`) of a literal list: `x`, and whether negated.
fn member_of(cx: &Converter, steps: &[Step<'_>]) -> Option<(Subject, bool)> {
    argument_of(cx, steps, &["include", "includes", "contain", "contains"])
}

/// `.to.eql(x)` / `.equal(x)` (with `.not`, `.deep`) of something the response decides: `x`,
/// and whether negated.
fn equal_to(cx: &Converter, steps: &[Step<'_>]) -> Option<(Subject, bool)> {
    argument_of(cx, steps, &["equal", "equals", "eq", "eql", "eqls"])
}

/// What `Number()` gives is always a number (`NaN` too): `.to.be.a("number")` of it holds,
/// and is left out.
fn without_a_number<'a>(steps: &[Step<'a>]) -> Vec<Step<'a>> {
    let a_number = |(w, args): &&Step<'_>| {
        matches!(*w, "a" | "an") && matches!(args, Some([Expr::Str(t)]) if t == "number")
    };
    steps.iter().filter(|s| !a_number(s)).cloned().collect()
}

/// chai's comparisons of numbers (and dates).
const COMPARE: &[&str] = &[
    "above",
    "gt",
    "greaterThan",
    "below",
    "lt",
    "lessThan",
    "least",
    "gte",
    "greaterThanOrEqual",
    "most",
    "lte",
    "lessThanOrEqual",
    "within",
];

/// `Number(x)`, `parseFloat(x)`, `parseInt(x)` of a field, compared (`above`, `below`, ...,
/// `within`) or checked to equal a number: the field, and that number with the negation.
fn numeric_subject(
    cx: &Converter,
    x: &Expr,
    steps: &[Step<'_>],
) -> Option<(Subject, Option<(serde_json::Number, bool)>)> {
    let Expr::Call(c, args) = x else {
        return None;
    };
    let ([of] | [of, Expr::Num(_)]) = args.as_slice() else {
        return None;
    };
    if !matches!(
        path(c).as_deref(),
        Some("Number" | "parseFloat" | "parseInt")
    ) {
        return None;
    }
    let s @ Subject::Json(_) = cx.subject(of)? else {
        return None;
    };
    match one_step(&without_a_number(steps))? {
        (w, _, _) if COMPARE.contains(&w) => Some((s, None)),
        (w, [Expr::Num(n)], negate) if ["equal", "equals", "eq", "eql"].contains(&w) => {
            let n = match n.fract() == 0.0 && n.abs() < 9e15 {
                true => serde_json::Number::from(*n as i64),
                false => serde_json::Number::from_f64(*n)?,
            };
            Some((s, Some((n, negate))))
        }
        _ => None,
    }
}

/// `typeof x` checked to equal a type's name: the name, and whether negated.
fn type_name_equal(x: &Expr, steps: &[Step<'_>]) -> Option<(String, bool)> {
    let Expr::Unary("typeof", _) = x else {
        return None;
    };
    match one_step(steps)? {
        (w, [Expr::Str(t)], negate) if ["equal", "equals", "eq", "eql", "eqls"].contains(&w) => {
            Some((t.clone(), negate))
        }
        _ => None,
    }
}

/// `x.toLowerCase()` (or `.toUpperCase()`) checked to include or equal a text written in that
/// case: x, the regular expression that asks it in any case, and whether negated.
fn any_case(cx: &Converter, x: &Expr, steps: &[Step<'_>]) -> Option<(Subject, String, bool)> {
    let Expr::Call(callee, args) = cx.bound(x) else {
        return None;
    };
    let (Expr::Member(inner, m), []) = (&**callee, args.as_slice()) else {
        return None;
    };
    let lower = match m.as_str() {
        "toLowerCase" => true,
        "toUpperCase" => false,
        _ => return None,
    };
    // `(body.token_type || '').toLowerCase()`: a missing value is empty, which no text the
    // check names matches, as a missing value matches no pattern in yarc.
    // Also through a local, `const ct = headers.get("Content-Type") || ""; ct.toLowerCase()`.
    let (inner, fallback) = match cx.bound(inner) {
        Expr::Binary("||", a, b) if matches!(&**b, Expr::Str(f) if f.is_empty()) => (&**a, true),
        other => (other, false),
    };
    let s @ (Subject::Json(_) | Subject::Header(_) | Subject::Body) = cx.subject(inner)? else {
        return None;
    };
    let (word, args, negate) = one_step(steps)?;
    let [Expr::Str(text)] = args else {
        return None;
    };
    if fallback && (text.is_empty() || negate) {
        return None;
    }
    // A text not in that case never matches in Postman: left to a human.
    let cased = if lower {
        text.to_lowercase()
    } else {
        text.to_uppercase()
    };
    if cased != *text {
        return None;
    }
    let escaped = regex::escape(text);
    let re = match word {
        "include" | "includes" | "contain" | "contains" => format!("(?i){escaped}"),
        "equal" | "equals" | "eq" | "eql" | "eqls" => format!("(?i)^{escaped}$"),
        _ => return None,
    };
    Some((s, re, negate))
}

/// `pm.expect(pm.response.headers.get("Content-Type") || "").to.include("json")` (also
/// through a local, `const ct = ... || ""`): a missing value is empty, which holds no text a
/// positive check names — as a missing one fails the check in yarc. A negated check, or one
/// of the empty text, passes on the empty fallback and is left alone.
fn empty_fallback(cx: &Converter, x: &Expr, steps: &[Step<'_>]) -> Option<Subject> {
    let (word, args, negate) = one_step(steps)?;
    let named = matches!(args, [Expr::Str(t)] if !t.is_empty());
    let positive = matches!(
        word,
        "include"
            | "includes"
            | "contain"
            | "contains"
            | "string"
            | "equal"
            | "equals"
            | "eq"
            | "eql"
            | "eqls"
            | "match"
            | "matches"
    );
    if negate || !positive || !(named || matches!(args, [Expr::Regex(..)])) {
        return None;
    }
    or_empty(cx, x)
}

/// What `x || ""` reads, for a header, a field or the body.
fn or_empty(cx: &Converter, x: &Expr) -> Option<Subject> {
    let Expr::Binary("||", a, b) = cx.bound(x) else {
        return None;
    };
    if !matches!(&**b, Expr::Str(f) if f.is_empty()) {
        return None;
    }
    match cx.subject(a)? {
        s @ (Subject::Json(_) | Subject::Header(_) | Subject::Body) => Some(s),
        _ => None,
    }
}

/// `x.toString()` (or `String(x)`) checked to equal a variable: x, and the variable's template.
fn text_of_equal_to_variable(cx: &Converter, x: &Expr, steps: &[Step<'_>]) -> Option<(Subject, Y)> {
    let inner = match x {
        Expr::Call(callee, args) => match (&**callee, args.as_slice()) {
            (Expr::Member(inner, m), []) if m == "toString" => &**inner,
            (Expr::Ident(f), [inner]) if f == "String" => inner,
            _ => return None,
        },
        _ => return None,
    };
    let s @ Subject::Json(_) = cx.subject(inner)? else {
        return None;
    };
    let equal = ["equal", "equals", "eq", "eql", "eqls"];
    let words: Vec<Step<'_>> = steps
        .iter()
        .copied()
        .filter(|s| !NOOP.contains(&s.0))
        .collect();
    let [(w, Some([v]))] = words.as_slice() else {
        return None;
    };
    match cx.subject(v)? {
        Subject::Value(Y::Str(t)) if equal.contains(w) && super::var_name(&t).is_some() => {
            Some((s, Y::Str(t)))
        }
        _ => None,
    }
}

/// [`equal_to`] of a value, or of its text (`x.toString()`, `String(x)`).
/// `pm.response` with a `property(name, value)` step: the field `pm.response.name`, and the
/// steps with `eql(value)` in its place.
/// `pm.cookies.toObject()` with `property(name[, value])`: the cookie `pm.cookies.get(name)`,
/// there (and equal to the value).
fn response_property(x: &Expr, steps: &[Step<'_>]) -> Option<(Expr, Vec<OwnedStep>)> {
    let cookies = matches!(x, Expr::Call(c, args)
        if args.is_empty() && super::path(c).as_deref() == Some("pm.cookies.toObject"));
    if super::path(x).as_deref() != Some("pm.response") && !cookies {
        return None;
    }
    let cookie = |name: &str| super::pm_get("cookies", name);
    let mut field = None;
    let mut rest = Vec::new();
    for &(w, args) in steps {
        match (w, args) {
            ("property" | "ownProperty", Some([Expr::Str(name)])) if field.is_none() && cookies => {
                field = Some(cookie(name));
                rest.push(("exist", None));
            }
            ("property" | "ownProperty", Some([Expr::Str(name), value])) if field.is_none() => {
                field = Some(match cookies {
                    true => cookie(name),
                    false => Expr::Member(Box::new(x.clone()), name.clone()),
                });
                rest.push(("eql", Some(vec![value.clone()])));
            }
            ("not", None) => rest.push(("not", None)),
            (w, None) if NOOP.contains(&w) => {}
            _ => return None,
        }
    }
    Some((field?, rest))
}

/// The variable `t` names was captured from the JSON value the steps compare it with as text
/// (`String(user.id)`, `user.id.toString()`): that value, and whether negated.
fn own_value_as_text(cx: &Converter, t: &str, steps: &[Step<'_>]) -> Option<(Subject, bool)> {
    let name = super::var_name(t)?;
    let captured = cx.out.capture.entries().into_iter().find_map(|(k, v)| {
        let Y::Map(fields) = v else { return None };
        let json = fields.iter().find(|(f, _)| f == "json")?;
        match &json.1 {
            Y::Str(p) if k == name => Some(p.clone()),
            _ => None,
        }
    })?;
    if equal_to(cx, steps).is_some() {
        return None;
    }
    match equal_as_text(cx, steps)? {
        (Subject::Json(p), negate) if p == captured => Some((Subject::Json(p), negate)),
        _ => None,
    }
}

fn equal_as_text(cx: &Converter, steps: &[Step<'_>]) -> Option<(Subject, bool)> {
    let as_text = |e: &Expr| -> Option<Expr> {
        match e {
            Expr::Call(callee, args) => match (&**callee, args.as_slice()) {
                (Expr::Member(inner, m), []) if m == "toString" => Some((**inner).clone()),
                (Expr::Ident(f), [x]) if f == "String" => Some(x.clone()),
                _ => None,
            },
            _ => None,
        }
    };
    if let Some(found) = equal_to(cx, steps) {
        return Some(found);
    }
    let unwrapped: Vec<(String, Option<Vec<Expr>>)> = steps
        .iter()
        .map(|&(w, args)| {
            let args = args.map(|a| {
                a.iter()
                    .map(|x| as_text(x).unwrap_or_else(|| x.clone()))
                    .collect()
            });
            (w.to_string(), args)
        })
        .collect();
    let steps: Vec<Step<'_>> = unwrapped
        .iter()
        .map(|(w, a)| (w.as_str(), a.as_deref()))
        .collect();
    equal_to(cx, &steps)
}

/// The argument of the one step named in `words`, when it is something the response decides
/// and every other step is a no-op or `.not`: that subject, and whether negated.
fn argument_of(cx: &Converter, steps: &[Step<'_>], words: &[&str]) -> Option<(Subject, bool)> {
    let (word, args, negate) = one_step(steps)?;
    let [x] = args else {
        return None;
    };
    if !words.contains(&word) {
        return None;
    }
    match cx.subject(x)? {
        Subject::Value(_) => None,
        s => Some((s, negate)),
    }
}

/// The one step of a chain that is called, when every other is a no-op or `.not`: its word,
/// its arguments, and whether negated.
fn one_step<'a>(steps: &[Step<'a>]) -> Option<(&'a str, &'a [Expr], bool)> {
    let mut negate = false;
    let mut found = None;
    for &(word, args) in steps {
        match (word, args) {
            (w, None) if NOOP.contains(&w) => {}
            ("not", None) => negate = true,
            (w, Some(a)) if found.is_none() => found = Some((w, a)),
            _ => return None,
        }
    }
    let (word, args) = found?;
    Some((word, args, negate))
}

fn num(cx: &Converter, args: Option<&[Expr]>, i: usize) -> Option<Y> {
    cx.value(args?.get(i)?)
        .filter(|v| matches!(v, Y::Num(_) | Y::Str(_)))
}

/// A chain being read: what it is about so far, and whether it is negated.
struct Chain<'c> {
    cx: &'c Converter,
    subject: Subject,
    negate: bool,
    /// `.nested.property("a.b")`: property names are paths.
    nested: bool,
    /// `.deep.include({...})`: members compared by value, an item of a list too.
    deep: bool,
    /// `.include` / `.contain` came before: `keys` asks for these keys among others.
    contains: bool,
    /// `.any.keys(...)`: one of them is enough.
    any: bool,
    /// The subject was made a number first (`parseFloat(data.amount)`): chai's comparisons
    /// take it whatever the response holds.
    numeric: bool,
}

fn expect_steps(cx: &Converter, subject: Subject, steps: &[Step<'_>], out: &mut Staged) -> bool {
    chain_steps(cx, subject, steps, out, false)
}

fn chain_steps(
    cx: &Converter,
    subject: Subject,
    steps: &[Step<'_>],
    out: &mut Staged,
    numeric: bool,
) -> bool {
    let nested = steps.iter().any(|s| s.0 == "nested");
    let mut chain = Chain {
        cx,
        subject,
        negate: false,
        nested,
        deep: steps.iter().any(|s| s.0 == "deep"),
        contains: false,
        any: false,
        numeric,
    };
    let mut asserted = false;
    for &(word, args) in steps {
        match (word, args) {
            ("any", None) => {
                chain.any = true;
                continue;
            }
            (w, None) if NOOP.contains(&w) => continue,
            // `.an.instanceOf(Array)`: `a` and `an` not called are language chains too.
            ("a" | "an", None) => continue,
            ("not", None) => {
                // chai's `.not` sets a flag for the rest of the chain, never clears it:
                // `.to.not.be.empty.and.not.be.null` is neither.
                chain.negate = true;
                continue;
            }
            ("include" | "includes" | "contain" | "contains", None) => {
                chain.contains = true;
                continue;
            }
            ("length" | "lengthOf", None) => {
                chain.subject = match chain.subject {
                    Subject::KeyList(p) => Subject::Keys(p),
                    s => Subject::Length(Box::new(s)),
                };
                continue;
            }
            _ => {}
        }
        // `None`: not a word of that group; `Some(false)`: not understood.
        let read = chain
            .holds(word, args, out)
            .or_else(|| chain.is(word, args, out))
            .or_else(|| chain.measures(word, args, out));
        if read != Some(true) {
            return false;
        }
        asserted = true;
    }
    // Time and status take only what `expect.time` and `expect.status` can say.
    asserted
        && out.0.iter().all(|(s, p, v, n)| {
            let limit = || matches!(v, Y::Num(_)) || cx.number_variable(v, false);
            (!matches!(s, Subject::Time) || limit()) && fits(s, p, v, *n)
        })
}

impl Chain<'_> {
    /// What the subject holds: `equal`, `include`, `property`, `keys`, `oneOf`.
    fn holds(&mut self, word: &str, args: Option<&[Expr]>, out: &mut Staged) -> Option<bool> {
        let (cx, negate, subject) = (self.cx, self.negate, &self.subject);
        let arg = |i: usize| args.and_then(|a| a.get(i));
        let mut put = |s: &Subject, p: &'static str, v: Y| {
            lenient(out, s, p, v, negate);
        };
        match (word, args) {
            ("equal" | "equals" | "eq" | "eql" | "eqls", Some(_))
                if matches!(arg(0), Some(Expr::Undefined)) =>
            {
                // `.not.eq(undefined)`: it is there; `.eql(undefined)`: it is not.
                out.0
                    .push((subject.clone(), "exists", Y::Bool(negate), false));
            }
            ("equal" | "equals" | "eq" | "eql" | "eqls", Some(_)) => {
                let Some(v) = arg(0).and_then(|a| cx.value(a)) else {
                    return Some(false);
                };
                if !self.deep && matches!(word, "equal" | "equals" | "eq") && made(&v) {
                    return Some(false);
                }
                // A variable the export gives a text is one in Postman: chai's strict equality
                // fails it against a number (`42` is not `"42"`), where yarc compares by text.
                let text = !negate && matches!(subject, Subject::Json(_)) && cx.text_variable(&v);
                put(subject, "equals", v);
                if text {
                    out.0
                        .push((subject.clone(), "type", Y::str("string"), false));
                }
            }
            ("include" | "includes" | "contain" | "contains" | "string", Some(_)) => {
                return Some(self.include(word, arg(0), out));
            }
            ("property" | "ownProperty" | "haveOwnProperty", Some(_)) => {
                return Some(self.property(arg(0), arg(1), out));
            }
            ("keys" | "key", Some(a)) => return Some(self.keys(a, out)),
            ("jsonSchema", Some([schema, ..])) => {
                // chai-postman's `pm.expect(pm.response.json()).to.have.jsonSchema(schema)`.
                let whole = matches!(subject, Subject::Json(p) if p == "$");
                match cx.schema_literal(schema, super::DRAFT_7) {
                    Some(y) if whole && !negate => put(&Subject::Schema(y), "schema", Y::Null),
                    _ => return Some(false),
                }
            }
            // `.to.be.oneOf([undefined, null])`: missing or null (negated: there, and not null).
            ("oneOf", Some([Expr::Array(items)]))
                if items.len() == 2
                    && items.contains(&Expr::Undefined)
                    && items.contains(&Expr::Null)
                    && matches!(subject, Subject::Json(_)) =>
            {
                match negate {
                    false => falsy(out, subject, false),
                    true => truthy(out, subject, false),
                }
            }
            ("oneOf", Some(_)) => {
                let Some(Y::Seq(items)) = arg(0).and_then(|a| cx.value(a)) else {
                    return Some(false);
                };
                // Without `.deep`, an object or a list among them is none of the response's.
                let items: Vec<Y> = match self.deep {
                    true => items,
                    false => items.into_iter().filter(|i| !made(i)).collect(),
                };
                if items.is_empty() {
                    return Some(false);
                }
                put(subject, "in", Y::Seq(items));
            }
            // `have.members([a, b])`: those items in any order, no others; `include.members`:
            // those among others. Of written texts, numbers and booleans, each once.
            // Also of a local holding such a list (`const required = [...]`).
            ("members", Some([list @ (Expr::Array(_) | Expr::Ident(_))])) if !negate => {
                let Some(values) = cx.written_list(list).and_then(|i| scalar_list(cx, &i)) else {
                    return Some(false);
                };
                if !self.contains {
                    let n = Y::Num(values.len().into());
                    put(&Subject::Length(Box::new(subject.clone())), "equals", n);
                }
                for v in values {
                    put(subject, "contains", v);
                }
            }
            _ => return None,
        }
        Some(true)
    }

    /// `include(x)`: a text in a text, an item in a list, a key in an object; `include({a: 1})`
    /// those members.
    fn include(&self, word: &str, arg: Option<&Expr>, out: &mut Staged) -> bool {
        let (cx, negate, subject) = (self.cx, self.negate, &self.subject);
        let mut put = |s: &Subject, p: &'static str, v: Y| {
            lenient(out, s, p, v, negate);
        };
        match (arg, subject) {
            // An item of a list equal to it, or those members of an object.
            (Some(o @ Expr::Object(_)), Subject::Json(_)) if self.deep => {
                let Some(v) = cx.value(o) else {
                    return false;
                };
                put(subject, "contains", v);
            }
            // Without `.deep`, chai compares with `===`: an object or a list written there is
            // never the one in the response, and no item of a list is the object written.
            (Some(Expr::Object(fields)), Subject::Json(_))
                if fields
                    .iter()
                    .any(|(_, v)| cx.value(v).as_ref().is_some_and(made)) =>
            {
                return false;
            }
            (Some(Expr::Object(fields)), Subject::Json(p)) if !negate => {
                for (k, v) in fields {
                    let Some(v) = cx.value(v) else {
                        return false;
                    };
                    put(&Subject::Json(child(p, k)), "equals", v);
                }
            }
            (Some(a), _) => {
                let Some(v) = cx.value(a) else {
                    return false;
                };
                let scalar = !made(&v);
                put(subject, "contains", v);
                // chai refuses a target it cannot search (a number, null, missing),
                // negated or not: `not.include` passes only in a text, list or object —
                // and a text or a number is sought in a text or a list only (`include("id")`
                // of an object is an error in chai, where yarc's `contains` asks for a key).
                // Of one value: a path of many gives yarc a list, even an empty one.
                if (negate || scalar)
                    && let Subject::Json(p) = subject
                    && !p.contains('*')
                    && !p.contains("[?")
                {
                    let kinds: &[&str] = match (word, scalar) {
                        ("string", _) => &["string"],
                        (_, true) => &["string", "array"],
                        (_, false) => &["string", "array", "object"],
                    };
                    let one = |t: &&str| Y::Map(vec![("type".into(), Y::str(*t))]);
                    let any = Y::Seq(kinds.iter().map(one).collect());
                    out.0.push((subject.clone(), "any", any, false));
                }
            }
            _ => return false,
        }
        true
    }

    /// chai's `keys`: `have.keys(a, b)` is exactly those keys (each there, and that many);
    /// `include.keys` at least them; `any.keys` (one of them) and a negation of several say
    /// what no predicate here does.
    fn keys(&self, a: &[Expr], out: &mut Staged) -> bool {
        let Subject::Json(p) = &self.subject else {
            return false;
        };
        let names: Vec<&Expr> = match a {
            [Expr::Array(items)] => items.iter().collect(),
            items => items.iter().collect(),
        };
        let exact = !self.contains;
        if self.any || (self.negate && (exact || names.len() > 1)) {
            return false;
        }
        if exact {
            let n = serde_json::Number::from(names.len());
            let length = Y::Map(vec![("equals".into(), Y::Num(n))]);
            out.0
                .push((Subject::Json(p.clone()), "length", length, false));
        }
        for n in names {
            let Expr::Str(k) = n else {
                return false;
            };
            let exists = Y::Bool(!self.negate);
            out.0
                .push((Subject::Json(child(p, k)), "exists", exists, false));
        }
        true
    }

    /// `.property(name)` and `.property(name, value)`: the chain goes on about that property.
    fn property(&mut self, name: Option<&Expr>, value: Option<&Expr>, out: &mut Staged) -> bool {
        let (Subject::Json(p), Some(Expr::Str(k))) = (self.subject.clone(), name) else {
            return false;
        };
        self.subject = match self.nested {
            true => Subject::Json(format!("{p}{}", &lodash_path(k)[1..])),
            false => Subject::Json(child(&p, k)),
        };
        let subject = self.subject.clone();
        // chai refuses to look into null or undefined, negated or not: `expect(res.a).to.not
        // .have.property("b")` fails when `a` is missing.
        if self.negate && p != "$" {
            let parent = Subject::Json(p);
            out.0.push((parent.clone(), "exists", Y::Bool(true), false));
            out.0.push((parent, "equals", Y::Null, true));
        }
        match value {
            // `let id = res.id; pm.expect(res).to.have.property("id", id)`: the value is the
            // property itself, so only its being there is checked.
            Some(v) if self.cx.subject(v).as_ref() == Some(&subject) => {
                out.0.push((subject, "exists", Y::Bool(true), self.negate));
            }
            Some(v) => {
                let Some(v) = self.cx.value(v) else {
                    return false;
                };
                if !self.deep && made(&v) {
                    return false;
                }
                out.0.push((subject, "equals", v, self.negate));
            }
            None if self.negate => out.0.push((subject, "exists", Y::Bool(false), false)),
            None => out.0.push((subject, "exists", Y::Bool(true), self.negate)),
        }
        true
    }

    /// What the subject is: `a("string")`, `true`, `null`, `undefined`, `exist`, `empty`.
    fn is(&self, word: &str, args: Option<&[Expr]>, out: &mut Staged) -> Option<bool> {
        let (negate, subject) = (self.negate, &self.subject);
        let mut put = |s: &Subject, p: &'static str, v: Y| {
            lenient(out, s, p, v, negate);
        };
        match (word, args) {
            // chai takes a message after the type: `an("array", "'items' is not an array")`.
            (
                "a" | "an",
                Some([Expr::Str(t)] | [Expr::Str(t), Expr::Str(_) | Expr::Template(_)]),
            ) => match t.to_ascii_lowercase().as_str() {
                "undefined" => undefined(self.cx, out, subject, negate),
                t @ ("array" | "object" | "string" | "number" | "boolean" | "null") => {
                    put(subject, "type", Y::str(t));
                }
                _ => return Some(false),
            },
            // `instanceOf(Array)`: a list (a string or a number is no instance of `String` or
            // `Number`, and everything is one of `Object`: those are left alone).
            ("instanceOf" | "instanceof", Some([Expr::Ident(class)] | [Expr::Ident(class), _]))
                if class == "Array" =>
            {
                put(subject, "type", Y::str("array"));
            }
            ("true" | "false", None) => put(subject, "equals", Y::Bool(word == "true")),
            ("null", None) => put(subject, "equals", Y::Null),
            ("undefined", None) => undefined(self.cx, out, subject, negate),
            ("exist" | "exists" | "ok", None)
                if !negate && matches!(subject, Subject::Json(p) if !p.contains("[?")) =>
            {
                // chai's `exist` fails on null, `ok` on every falsy value: `exists` alone
                // passes both, a green Postman does not give.
                truthy(out, subject, word == "ok");
            }
            ("exist" | "exists" | "ok", None) if matches!(subject, Subject::Json(p) if !p.contains("[?")) =>
            {
                // `.to.not.exist` passes on null too, `.to.not.be.ok` on every falsy value.
                falsy(out, subject, word == "ok");
            }
            // A variable a script reads: `get()` of one Postman does not have is undefined, where
            // the import declares it as the `{{name}}` text Newman sends — which is no value.
            ("exist" | "exists" | "ok", None) if !negate && let Subject::Var(name) = subject => {
                out.0
                    .push((subject.clone(), "exists", Y::Bool(true), false));
                let mut not = vec![Y::str(super::own_text(name)), Y::Null];
                if word == "ok" {
                    not.extend([Y::Bool(false), Y::Num(0.into()), Y::str("")]);
                }
                out.0.push((subject.clone(), "in", Y::Seq(not), true));
            }
            // `.to.not.be.ok` of a header: missing, or empty (a falsy text).
            ("ok", None) if negate && matches!(subject, Subject::Header(_)) => {
                let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
                let empty = Y::Map(vec![("equals".into(), Y::str(""))]);
                out.0
                    .push((subject.clone(), "any", Y::Seq(vec![missing, empty]), false));
            }
            ("exist" | "exists" | "ok", None) => {
                out.0
                    .push((subject.clone(), "exists", Y::Bool(!negate), false));
            }
            // A header's value is text: empty is "".
            ("empty", None) if matches!(subject, Subject::Header(_)) => {
                out.0.push((subject.clone(), "equals", Y::str(""), negate));
            }
            // chai's `empty` is a string's or a list's length, or an object's key count:
            // yarc's `length`, which counts an object's keys too (`.length` of an object is
            // nothing in JavaScript, so `lengthOf` is another matter).
            // `Object.keys(data)` is empty when `data` has no keys: its size too.
            ("empty", None) if let Subject::Json(p) | Subject::KeyList(p) = subject => {
                let size = Subject::Size(p.clone());
                if negate {
                    out.0.push((size, "gt", Y::Num(0.into()), false));
                } else {
                    put(&size, "equals", Y::Num(0.into()));
                }
            }
            ("empty", None) => {
                let len = Subject::Length(Box::new(subject.clone()));
                if negate {
                    out.0.push((len, "gt", Y::Num(0.into()), false));
                } else {
                    put(&len, "equals", Y::Num(0.into()));
                }
            }
            _ => return None,
        }
        Some(true)
    }

    /// How the subject measures: `lengthOf(n)`, `above`, `below`, `within`, `match`.
    fn measures(&self, word: &str, args: Option<&[Expr]>, out: &mut Staged) -> Option<bool> {
        let (cx, negate, subject) = (self.cx, self.negate, &self.subject);
        let mut put = |s: &Subject, p: &'static str, v: Y| {
            lenient(out, s, p, v, negate);
        };
        match (word, args) {
            ("length" | "lengthOf", Some(_)) => {
                let Some(v) = num(cx, args, 0) else {
                    return Some(false);
                };
                let measured = match subject {
                    // `pm.expect(Object.keys(data)).to.have.lengthOf(0)`: how many keys.
                    Subject::KeyList(p) => Subject::Keys(p.clone()),
                    s => Subject::Length(Box::new(s.clone())),
                };
                put(&measured, "equals", v);
            }
            ("above" | "gt" | "greaterThan", Some(_)) => compare(cx, subject, "gt", args, &mut put),
            ("below" | "lt" | "lessThan", Some(_)) => compare(cx, subject, "lt", args, &mut put),
            ("least" | "gte" | "greaterThanOrEqual", Some(_)) => {
                compare(cx, subject, "gte", args, &mut put)
            }
            ("most" | "lte" | "lessThanOrEqual", Some(_)) => {
                compare(cx, subject, "lte", args, &mut put)
            }
            ("closeTo" | "approximately", Some([at, delta])) => {
                let (Some(Y::Num(at)), Some(Y::Num(delta))) = (cx.value(at), cx.value(delta))
                else {
                    return Some(false);
                };
                let (Some(at), Some(delta)) = (at.as_f64(), delta.as_f64()) else {
                    return Some(false);
                };
                let bound = |x: f64| serde_json::Number::from_f64(x).map(Y::Num);
                let (Some(lo), Some(hi)) = (bound(at - delta), bound(at + delta)) else {
                    return Some(false);
                };
                between(out, subject, (lo, hi), negate);
            }
            ("within", Some([lo, hi])) => {
                let (Some(lo), Some(hi)) = (cx.value(lo), cx.value(hi)) else {
                    return Some(false);
                };
                between(out, subject, (lo, hi), negate);
            }
            ("match" | "matches", Some([re] | [re, Expr::Str(_) | Expr::Template(_)]))
                if cx.regex_of(re).is_some() =>
            {
                let Some(re) = cx.regex_of(re).and_then(|(body, flags)| regex(body, flags)) else {
                    return Some(false);
                };
                put(subject, "matches", Y::str(re));
            }
            _ => return None,
        }
        // chai compares numbers (or dates) only: `expect("20").to.be.above(10)` fails, negated
        // or not, where yarc would read the text as a number.
        let numeric = COMPARE.contains(&word) || matches!(word, "closeTo" | "approximately");
        if numeric && !self.numeric && matches!(subject, Subject::Json(_)) {
            out.0
                .push((subject.clone(), "type", Y::str("number"), false));
        }
        // A header's value is always text: chai's comparison of it fails whatever it holds
        // (`parseInt(...)` first is what compares it).
        if numeric && !self.numeric && matches!(subject, Subject::Header(_)) {
            return Some(false);
        }
        Some(true)
    }
}

/// Written texts, numbers and booleans, none twice.
fn scalar_list(cx: &Converter, items: &[Expr]) -> Option<Vec<Y>> {
    let mut out: Vec<Y> = Vec::new();
    for i in items {
        let v = cx.value(i)?;
        if !matches!(v, Y::Str(_) | Y::Num(_) | Y::Bool(_)) || out.contains(&v) {
            return None;
        }
        out.push(v);
    }
    Some(out)
}

fn compare(
    cx: &Converter,
    subject: &Subject,
    op: &'static str,
    args: Option<&[Expr]>,
    put: &mut impl FnMut(&Subject, &'static str, Y),
) {
    match num(cx, args, 0) {
        Some(v) => put(subject, op, v),
        None => put(subject, "invalid", Y::Null),
    }
}

fn fits(s: &Subject, predicate: &str, value: &Y, negate: bool) -> bool {
    match s {
        // An XPath gives texts: what xml2js makes an object (an element with children or
        // attributes) has no type or whole value to compare here.
        Subject::Xml(_) => {
            let whole =
                matches!(value, Y::Map(_)) || predicate == "equals" && matches!(value, Y::Seq(_));
            !(whole || matches!(predicate, "type" | "invalid"))
        }
        Subject::Time => !negate && matches!(predicate, "lt" | "lte" | "gt" | "gte"),
        Subject::Value(_) | Subject::XmlAttributes(_) | Subject::XmlSplit(..) => false,
        // Which keys are there, or exactly which (a sorted list): nothing else of the list.
        Subject::KeyList(_) => match (predicate, value) {
            ("contains", Y::Str(_)) => true,
            ("equals", Y::Seq(names)) => !negate && names.iter().all(|n| matches!(n, Y::Str(_))),
            _ => false,
        },
        // Blanks around the body are all `trim()` takes away: what it holds, and the whole.
        Subject::TrimmedBody => {
            predicate == "contains" || predicate == "equals" && matches!(value, Y::Str(_))
        }
        Subject::Length(inner) => {
            matches!(
                **inner,
                Subject::Json(_) | Subject::Xml(_) | Subject::Body | Subject::Var(_)
            ) && predicate != "invalid"
        }
        _ => predicate != "invalid",
    }
}

/// A JavaScript regex as a Rust one: `i`, `m` and `s` become inline flags; `g` means nothing
/// for a test.
pub(super) fn regex(body: &str, flags: &str) -> Option<String> {
    let mut inline = String::new();
    for f in flags.chars() {
        match f {
            'i' | 'm' | 's' => inline.push(f),
            'g' | 'u' => {}
            _ => return None,
        }
    }
    let re = if inline.is_empty() {
        body.to_string()
    } else {
        format!("(?{inline}){body}")
    };
    regex::Regex::new(&re).ok().map(|_| re)
}

/// A Postman reason phrase as its status code: the phrase as servers send it, case and all
/// (Postman compares the text: `"Not found"` fails against `Not Found`, and is left to a human).
pub(super) fn reason_code(reason: &str) -> Option<u64> {
    Some(match reason {
        "OK" => 200,
        "Created" => 201,
        "Accepted" => 202,
        "No Content" => 204,
        "Moved Permanently" => 301,
        "Found" => 302,
        "Not Modified" => 304,
        "Bad Request" => 400,
        "Unauthorized" => 401,
        "Forbidden" => 403,
        "Not Found" => 404,
        "Method Not Allowed" => 405,
        "Conflict" => 409,
        "Unprocessable Entity" => 422,
        "Too Many Requests" => 429,
        "Internal Server Error" => 500,
        _ => return None,
    })
}

/// `pm.response.to.have.status(201)`, `.to.be.ok`, `.to.have.header(...)`, `.to.be.json`...
fn response_steps(cx: &Converter, steps: &[Step<'_>], out: &mut Staged) -> bool {
    let mut negate = false;
    let mut asserted = false;
    for &(word, args) in steps {
        let status = move |v: Y| (Subject::Status, "equals", v, negate);
        let item = match (word, args) {
            (w, None) if NOOP.contains(&w) => continue,
            ("not", None) => {
                negate = true;
                continue;
            }
            ("status", Some([Expr::Num(n)])) => status(Y::Num((*n as u64).into())),
            ("status", Some([Expr::Str(r)])) => match reason_code(r) {
                Some(c) => status(Y::Num(c.into())),
                None => return false,
            },
            ("status", Some([v])) => match cx.value(v) {
                Some(n @ Y::Num(_)) => status(n),
                _ => return false,
            },
            (w, None) if named_status(w).is_some() => status(named_status(w).unwrap_or(Y::Null)),
            ("error", None) => (Subject::Status, "gte", Y::Num(400.into()), negate),
            ("header", Some([Expr::Str(h)])) => (
                Subject::Header(h.clone()),
                "exists",
                Y::Bool(!negate),
                false,
            ),
            ("header", Some([Expr::Str(h), v])) => match cx.value(v) {
                Some(v) => (Subject::Header(h.clone()), "equals", v, negate),
                None => return false,
            },
            ("jsonSchema", Some([schema, ..])) if !negate => {
                match cx.schema_literal(schema, super::DRAFT_7) {
                    Some(y) => (Subject::Schema(y), "schema", Y::Null, false),
                    None => return false,
                }
            }
            ("json", None) | ("jsonBody", Some([])) => {
                (Subject::Json("$".into()), "exists", Y::Bool(!negate), false)
            }
            ("jsonBody", Some([Expr::Str(p)])) => (
                Subject::Json(lodash_path(p)),
                "exists",
                Y::Bool(!negate),
                false,
            ),
            ("jsonBody", Some([Expr::Str(p), v])) => match cx.value(v) {
                Some(v) => (Subject::Json(lodash_path(p)), "equals", v, negate),
                None => return false,
            },
            // Postman's `jsonBody` reads only a text path: with an object (`jsonBody({id: 42})`)
            // it asserts nothing, not even that the body is JSON.
            ("jsonBody", Some([v, ..])) => match cx.value(v) {
                Some(Y::Str(_)) | None => return false,
                Some(_) => {
                    asserted = true;
                    continue;
                }
            },
            ("withBody" | "body", None) | ("body", Some([])) => (
                Subject::Length(Box::new(Subject::Body)),
                "gt",
                Y::Num(0.into()),
                negate,
            ),
            ("body", Some([Expr::Regex(b, f)])) => match regex(b, f) {
                Some(re) => (Subject::Body, "matches", Y::str(re), negate),
                None => return false,
            },
            ("body", Some([v])) => match cx.value(v) {
                Some(v @ Y::Str(_)) => (Subject::Body, "equals", v, negate),
                Some(v) => (Subject::Json("$".into()), "equals", v, negate),
                None => return false,
            },
            _ => return false,
        };
        out.0.push(item);
        asserted = true;
    }
    asserted
}

/// `pm.response.to.be.ok`, `.notFound`, `.success`...: the status or class the word names.
fn named_status(word: &str) -> Option<Y> {
    let code = |c: u64| Some(Y::Num(c.into()));
    match word {
        "ok" => code(200),
        "accepted" => code(202),
        "badRequest" => code(400),
        "unauthorized" | "unauthorised" => code(401),
        "forbidden" => code(403),
        "notFound" => code(404),
        "rateLimited" => code(429),
        "success" => Some(Y::str("2xx")),
        "info" => Some(Y::str("1xx")),
        "redirection" => Some(Y::str("3xx")),
        "clientError" => Some(Y::str("4xx")),
        "serverError" => Some(Y::str("5xx")),
        _ => None,
    }
}

/// Postman's `jsonBody("a.b[0]")` path (lodash) as a JSONPath.
/// lodash's path (`items[0].name`) below a JSONPath, when it is only names and indexes.
pub(super) fn lodash_path_from(base: &str, p: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '$');
    if p.is_empty() || !p.chars().all(plain) {
        return None;
    }
    let below = lodash_path(p);
    Some(format!(
        "{base}{}",
        below.strip_prefix('$').unwrap_or(&below)
    ))
}

fn lodash_path(p: &str) -> String {
    // lodash reads `""` as the key of that name (`_.has(body, "")`: false for most bodies),
    // not as the body itself.
    if p.is_empty() {
        return "$['']".into();
    }
    let mut out = String::from("$");
    for part in p.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            out = child(&out, name);
        }
        if !rest.is_empty() {
            out.push('[');
            out.push_str(rest);
        }
    }
    out
}

/// A legacy boolean (`responseCode.code === 200 && jsonData.ok`) as predicates.
pub(super) fn boolean(cx: &Converter, e: &Expr, negate: bool, out: &mut Staged) -> bool {
    // `var found = list.some(...)`, then `pm.expect(found).to.be.true`: the condition.
    match cx.bound(e) {
        bound if matches!(e, Expr::Ident(_)) && !std::ptr::eq(bound, e) => {
            boolean(cx, bound, negate, out)
        }
        _ => condition(cx, e, negate, out),
    }
}

/// Two values compared, one of them a variable's (`environment.dept === "hr"`, a legacy read,
/// or a `get()`): the variable's check, `expect.vars`.
fn variable_compared(a: Y, b: Y, eq: bool, out: &mut Staged) -> bool {
    let as_var = |y: &Y| match y {
        Y::Str(t) => super::var_name(t),
        _ => None,
    };
    let (name, value) = match (as_var(&a), as_var(&b)) {
        (Some(n), None) => (n, b),
        (None, Some(n)) => (n, a),
        _ => return false,
    };
    add(out, Subject::Var(name), "equals", value, !eq)
}

fn condition(cx: &Converter, e: &Expr, negate: bool, out: &mut Staged) -> bool {
    match e {
        Expr::Bool(true) if !negate => true,
        Expr::Binary("&&", a, b) if !negate => {
            boolean(cx, a, false, out) && boolean(cx, b, false, out)
        }
        Expr::Unary("!", inner) => boolean(cx, inner, !negate, out),
        Expr::Binary("||", ..) if !negate => one_of(cx, e, out) || any_of(cx, e, out),
        Expr::Binary(op @ ("===" | "==" | "!==" | "!="), a, b) => {
            let eq = matches!(*op, "===" | "==") != negate;
            // `responseBody.has("token") === true`: the yes or no itself.
            if let (x, Expr::Bool(yes)) | (Expr::Bool(yes), x) = (&**a, &**b)
                && cx.subject(x).is_none()
            {
                return boolean(cx, x, eq != *yes, out);
            }
            // `text.indexOf("x") === -1`: not found; `!== -1`: found.
            if let Some(ok) = index_of(cx, a, if eq { "===" } else { "!==" }, b, out) {
                return ok;
            }
            let undefined = match (&**a, &**b) {
                (x, Expr::Undefined) | (Expr::Undefined, x) => Some(x),
                _ => None,
            };
            if let Some(x) = undefined {
                return match cx.subject(x) {
                    Some(s @ (Subject::Json(_) | Subject::Header(_))) => {
                        add(out, s, "exists", Y::Bool(!eq), false)
                    }
                    _ => false,
                };
            }
            let (s, v) = match (cx.subject(a), cx.subject(b)) {
                (Some(Subject::Value(v)), Some(s)) | (Some(s), Some(Subject::Value(v))) => (s, v),
                _ => return membership(cx, e, negate, out),
            };
            if let Subject::Value(w) = s {
                return variable_compared(v, w, eq, out);
            }
            if matches!(s, Subject::Time) {
                return false;
            }
            if v == Y::Null {
                return null_compared(out, s, op, eq);
            }
            // `data.count == 3` holds of "3" too (JavaScript's loose equality).
            let (p, v) = match (*op, &s, loosely_equal(&v)) {
                ("==" | "!=", Subject::Json(_), Some(alike)) => ("in", Y::Seq(alike)),
                _ => ("equals", v),
            };
            lenient(out, &s, p, v, !eq);
            true
        }
        Expr::Binary(op @ ("<" | ">" | "<=" | ">="), a, b) => comparison(cx, op, a, b, negate, out),
        Expr::Binary("in", key, obj) => match (&**key, cx.subject(obj)) {
            (Expr::Str(k), Some(Subject::Json(p))) => add(
                out,
                Subject::Json(child(&p, k)),
                "exists",
                Y::Bool(!negate),
                false,
            ),
            _ => false,
        },
        Expr::Binary(..) => false,
        Expr::Call(..) if let Some(schema) = cx.schema_check(e) => {
            !negate && add(out, Subject::Schema(schema), "schema", Y::Null, false)
        }
        // `list.some(x => x.type === "a")`: the filter selects something.
        Expr::Call(c, args) if let Some(found) = some_of(cx, c, args) => {
            add(out, found, "exists", Y::Bool(!negate), false)
        }
        // `if (pm.response.headers.get("Content-Type") && ...)`: the header is there.
        Expr::Call(..)
            if matches!(
                cx.subject(e),
                Some(Subject::Body | Subject::Header(_) | Subject::Cookie(_))
            ) =>
        {
            value_condition(cx, e, negate, out)
        }
        Expr::Call(..) => membership(cx, e, negate, out),
        other => value_condition(cx, other, negate, out),
    }
}

/// `a < b` and its kin, one side a number; negated (`!(qty <= 0)`), the opposite comparison
/// (a value must be there in yarc, where JavaScript's comparison with `undefined` is false
/// either way).
fn comparison(
    cx: &Converter,
    op: &str,
    a: &Expr,
    b: &Expr,
    negate: bool,
    out: &mut Staged,
) -> bool {
    let op = match (op, negate) {
        (op, false) => op,
        ("<", true) => ">=",
        (">", true) => "<=",
        ("<=", true) => ">",
        (_, true) => "<",
    };
    if let Some(ok) = index_of(cx, a, op, b, out) {
        return ok;
    }
    let (s, v, flipped) = match (cx.subject(a), cx.subject(b)) {
        (Some(Subject::Value(v)), Some(s)) => (s, v, true),
        (Some(s), Some(Subject::Value(v))) => (s, v, false),
        _ => return false,
    };
    let p = match (op, flipped) {
        ("<", false) | (">", true) => "lt",
        (">", false) | ("<", true) => "gt",
        ("<=", false) | (">=", true) => "lte",
        _ => "gte",
    };
    let limit = matches!(s, Subject::Time) && cx.number_variable(&v, true);
    if !(matches!(v, Y::Num(_)) || limit) || !fits(&s, p, &v, false) {
        return false;
    }
    add(out, s, p, v, false)
}

/// A value read as a condition: its truthiness.
fn value_condition(cx: &Converter, e: &Expr, negate: bool, out: &mut Staged) -> bool {
    match cx.subject(e) {
        Some(s) if !negate && matches!(&s, Subject::Json(p) if !p.contains("[?")) => {
            truthy(out, &s, true);
            true
        }
        // `if (data.error) throw ...`: missing or falsy is what passes.
        Some(s) if matches!(&s, Subject::Json(p) if !p.contains("[?")) => {
            falsy(out, &s, true);
            true
        }
        Some(s @ (Subject::Json(_) | Subject::Header(_) | Subject::Cookie(_))) => {
            add(out, s, "exists", Y::Bool(!negate), false)
        }
        // `data.items.length` as a condition: not empty.
        Some(s @ Subject::Length(_)) if !negate => add(out, s, "gt", Y::Num(0.into()), false),
        // `if (pm.response.text())`: a text is true when it is not empty.
        Some(Subject::Body) => {
            let p = if negate { "equals" } else { "gt" };
            add(
                out,
                Subject::Length(Box::new(Subject::Body)),
                p,
                Y::Num(0.into()),
                false,
            )
        }
        _ => false,
    }
}

/// `code === 201 || code === 202`: one subject, several allowed values.
fn one_of(cx: &Converter, e: &Expr, out: &mut Staged) -> bool {
    let mut subject = None;
    let mut values = Vec::new();
    for e in disjuncts(e) {
        match e {
            Expr::Binary("===" | "==", a, b) => {
                let (s, v) = match (cx.subject(a), cx.subject(b)) {
                    (Some(Subject::Value(v)), Some(s)) | (Some(s), Some(Subject::Value(v))) => {
                        (s, v)
                    }
                    _ => return false,
                };
                if matches!(s, Subject::Value(_) | Subject::Time)
                    || subject.as_ref().is_some_and(|x| *x != s)
                {
                    return false;
                }
                subject = Some(s);
                values.push(v);
            }
            _ => return false,
        }
    }
    match subject {
        Some(s) => add(out, s, "in", Y::Seq(values), false),
        None => false,
    }
}

/// The sides of `a || b || c`, left to right.
fn disjuncts(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Binary("||", a, b) => {
                stack.push(b);
                stack.push(a);
            }
            d => out.push(d),
        }
    }
    out
}

/// `a.includes("x") || a.includes("y")`: checks of one subject, any of which may hold.
fn any_of(cx: &Converter, e: &Expr, out: &mut Staged) -> bool {
    let mut subject = None;
    let mut either = Vec::new();
    for d in disjuncts(e) {
        let mut one = Staged::default();
        if !boolean(cx, d, false, &mut one) {
            return false;
        }
        let [(s, p, v, negated)] = one.0.as_slice() else {
            return false;
        };
        if matches!(s, Subject::Value(_) | Subject::Time | Subject::Status)
            || subject.as_ref().is_some_and(|x| x != s)
        {
            return false;
        }
        subject = Some(s.clone());
        let check = Y::Map(vec![(p.to_string(), v.clone())]);
        either.push(match negated {
            true => Y::Map(vec![("not".into(), check)]),
            false => check,
        });
    }
    match subject {
        Some(s) => add(out, s, "any", Y::Seq(either), false),
        None => false,
    }
}

/// `list.some(item => item.f === v)`: the items the test holds for, as a JSONPath filter.
fn some_of(cx: &Converter, callee: &Expr, args: &[Expr]) -> Option<Subject> {
    let Expr::Member(list, m) = callee else {
        return None;
    };
    let ("some", [Expr::Func(params, body)]) = (m.as_str(), args) else {
        return None;
    };
    let (Some(item), [only]) = (params.first(), body.as_slice()) else {
        return None;
    };
    let (super::js::StmtKind::Expr(test) | super::js::StmtKind::Return(Some(test))) = &only.kind
    else {
        return None;
    };
    let Some(Subject::Json(p)) = cx.subject(list) else {
        return None;
    };
    let filter = cx.filter_of(item, test)?;
    Some(Subject::Json(format!("{p}[?{filter}]")))
}

/// A JSON value that is there and not null (chai's `exist`), or also not `false`, `0` or `""`
/// (`ok`, JavaScript's truthiness).
fn truthy(out: &mut Staged, s: &Subject, falsy_too: bool) {
    out.0.push((s.clone(), "exists", Y::Bool(true), false));
    let not = match falsy_too {
        true => Y::Seq(vec![Y::Null, Y::Bool(false), Y::Num(0.into()), Y::str("")]),
        false => Y::Seq(vec![Y::Null]),
    };
    out.0.push((s.clone(), "in", not, true));
}

/// Missing, or null (and with `falsy_too` every falsy value): what `.to.not.exist`
/// (`.to.not.be.ok`) passes, which no single predicate says — nothing fails all but `exists`.
fn falsy(out: &mut Staged, s: &Subject, falsy_too: bool) {
    let values = match falsy_too {
        true => Y::Seq(vec![Y::Null, Y::Bool(false), Y::Num(0.into()), Y::str("")]),
        false => Y::Seq(vec![Y::Null]),
    };
    let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
    let empty = Y::Map(vec![("in".into(), values)]);
    out.0
        .push((s.clone(), "any", Y::Seq(vec![missing, empty]), false));
}

/// chai's `undefined`: not there — or, of a variable, what the import holds where a script's
/// `get()` reads `undefined`: the `{{name}}` text it declares for one Postman does not have,
/// the empty text it declares for one only scripts read, the `null` a `set()` of a missing
/// field stores.
fn undefined(cx: &Converter, out: &mut Staged, s: &Subject, negate: bool) {
    let Subject::Var(name) = s else {
        return out.0.push((s.clone(), "exists", Y::Bool(negate), false));
    };
    // One the export gives a value (`""` too) and no script sets or unsets is never undefined.
    if cx.known_texts.contains(name) && !cx.known_sets.contains(name) && !cx.unsets {
        return out.0.push((s.clone(), "exists", Y::Bool(negate), false));
    }
    // What the import declares for a variable no one defines (its `{{name}}` text), and what
    // a `pm.variables.set()` of nothing leaves (""). An environment's or the collection's
    // `set()` of nothing is `null` to the scripts after it (Newman 6.2.1: `typeof` is
    // "object"), which is no `undefined`.
    let stand_ins = Y::Seq(vec![Y::str(""), Y::str(super::own_text(name))]);
    if negate {
        out.0.push((s.clone(), "exists", Y::Bool(true), false));
        return out.0.push((s.clone(), "in", stand_ins, true));
    }
    let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
    let stand_in = Y::Map(vec![("in".into(), stand_ins)]);
    out.0
        .push((s.clone(), "any", Y::Seq(vec![missing, stand_in]), false));
}

/// A check as staged, where chai passes more than yarc's predicate would: `.to.not.equal(null)`
/// (`.not.be.null`) passes on a field that is not there (undefined is not null), which
/// `not: { equals: null }` fails — so missing, or not null.
/// The JSON values JavaScript's `==` finds equal to a literal, when there are others than
/// itself: `3` and `"3"`, `false`, `0`, `"0"` and `""`.
fn loosely_equal(v: &Y) -> Option<Vec<Y>> {
    let num = |n: i64| Y::Num(n.into());
    match v {
        Y::Num(n) => Some(vec![v.clone(), Y::str(n.to_string())]),
        Y::Str(t) => {
            let n: serde_json::Number = t.trim().parse().ok()?;
            (!t.trim().is_empty()).then(|| vec![v.clone(), Y::Num(n)])
        }
        Y::Bool(false) => Some(vec![v.clone(), num(0), Y::str("0"), Y::str("")]),
        Y::Bool(true) => Some(vec![v.clone(), num(1), Y::str("1")]),
        _ => None,
    }
}

/// An object or a list the script makes: chai's `===` (`equal`, `property(k, v)`, `oneOf`,
/// `include` without `.deep`) never finds it in the response, whatever that holds.
fn made(v: &Y) -> bool {
    matches!(v, Y::Map(_) | Y::Seq(_))
}

/// A check as chai makes it of a field: one not there is none of the values written
/// (`undefined` is not `""`, nor `null` to `.not.equal`) — when what holds it is there, as
/// JavaScript throws reading a field of a missing one.
fn lenient(out: &mut Staged, s: &Subject, p: &'static str, v: Y, negate: bool) {
    let single = match s {
        Subject::Json(path) if !path.contains('*') && !path.contains("[?") => Some(path),
        _ => None,
    };
    let Some(path) = single.filter(|_| negate && matches!(p, "equals" | "in")) else {
        out.0.push((s.clone(), p, v, negate));
        return;
    };
    if let Some(up) = super::parent_path(path).filter(|up| *up != "$") {
        let up = Subject::Json(up.to_string());
        out.0.push((up.clone(), "exists", Y::Bool(true), false));
        out.0.push((up, "equals", Y::Null, true));
    }
    let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
    let other = Y::Map(vec![("not".into(), Y::Map(vec![(p.into(), v)]))]);
    out.0
        .push((s.clone(), "any", Y::Seq(vec![missing, other]), false));
}

/// `within(lo, hi)` (and `closeTo`): both bounds hold; negated, one of them fails — `x < lo`
/// or `x > hi` (two negated bounds would say both fail, which nothing does).
fn between(out: &mut Staged, s: &Subject, (lo, hi): (Y, Y), negate: bool) {
    if !negate {
        out.0.push((s.clone(), "gte", lo, false));
        out.0.push((s.clone(), "lte", hi, false));
        return;
    }
    let one = |p: &str, v: Y| Y::Map(vec![(p.into(), v)]);
    out.0.push((
        s.clone(),
        "any",
        Y::Seq(vec![one("lt", lo), one("gt", hi)]),
        false,
    ));
}

/// `x !== null` holds of a field that is not there (undefined is not null), `x == null` too
/// (`undefined == null`); `x === null` and `x != null` do not.
fn null_compared(out: &mut Staged, s: Subject, op: &str, eq: bool) -> bool {
    let strict = matches!(op, "===" | "!==");
    let single = matches!(&s, Subject::Json(path) if !path.contains('*') && !path.contains("[?"));
    match (strict, eq) {
        (true, false) => {
            lenient(out, &s, "equals", Y::Null, true);
            true
        }
        (false, true) if single => {
            let missing = Y::Map(vec![("exists".into(), Y::Bool(false))]);
            let null = Y::Map(vec![("equals".into(), Y::Null)]);
            add(out, s, "any", Y::Seq(vec![missing, null]), false)
        }
        _ => add(out, s, "equals", Y::Null, !eq),
    }
}

fn add(out: &mut Staged, s: Subject, p: &'static str, v: Y, negate: bool) -> bool {
    out.0.push((s, p, v, negate));
    true
}

/// `responseBody.has("x")`, `data.hasOwnProperty("id")`, `Array.isArray(data.items)`,
/// `Number.isInteger(data.count)`,
/// `typeof data.id === "string"`, `list.includes("a")`.
/// `/re/.test(x)` (or a name bound to the expression): `x` matches it.
fn regex_test(
    cx: &Converter,
    body: &str,
    flags: &str,
    x: &Expr,
    negate: bool,
    out: &mut Staged,
) -> bool {
    match (cx.subject(x), regex(body, flags)) {
        (Some(s @ (Subject::Json(_) | Subject::Header(_) | Subject::Body)), Some(re)) => {
            add(out, s, "matches", Y::str(re), negate)
        }
        _ => false,
    }
}

/// `typeof x === "string"` (also `!==`, and `"undefined"`: there or not).
fn type_of_equal(cx: &Converter, e: &Expr, negate: bool, out: &mut Staged) -> Option<bool> {
    if let Expr::Binary(op @ ("===" | "==" | "!==" | "!="), a, b) = e
        && let (Expr::Unary("typeof", x), Expr::Str(t)) = (&**a, &**b)
    {
        let eq = matches!(*op, "===" | "==") != negate;
        return Some(match (cx.subject(x), t.as_str()) {
            (Some(s @ Subject::Json(_)), "undefined") => {
                out.0.push((s, "exists", Y::Bool(!eq), false));
                true
            }
            (Some(s @ Subject::Json(_)), "string" | "number" | "boolean") => {
                out.0.push((s, "type", Y::str(t), !eq));
                true
            }
            // JavaScript's `typeof` of a list and of null is "object" too.
            (Some(s @ Subject::Json(_)), "object") => {
                let kind = |k: &str| Y::Map(vec![("type".into(), Y::str(k))]);
                let any = Y::Seq(vec![kind("object"), kind("array"), kind("null")]);
                out.0.push((s, "any", any, !eq));
                true
            }
            _ => false,
        });
    }
    None
}

/// What a call asks to be there: a header, a cookie, lodash's `_.has(data, "items[0].id")`.
pub(super) fn presence(cx: &Converter, callee: &Expr, args: &[Expr]) -> Option<Subject> {
    match (path(callee).as_deref(), args) {
        (
            Some(
                "postman.getResponseHeader"
                | "pm.response.headers.has"
                | "responseHeaders.hasOwnProperty",
            ),
            [Expr::Str(h), ..],
        ) => Some(Subject::Header(h.clone())),
        (Some("pm.cookies.has" | "postman.getResponseCookie"), [Expr::Str(c), ..]) => {
            Some(Subject::Cookie(c.clone()))
        }
        (Some("_.has"), [of, Expr::Str(p)]) => match cx.subject(of)? {
            Subject::Json(base) => Some(Subject::Json(lodash_path_from(&base, p)?)),
            _ => None,
        },
        _ => None,
    }
}

fn membership(cx: &Converter, e: &Expr, negate: bool, out: &mut Staged) -> bool {
    if let Some(done) = type_of_equal(cx, e, negate, out) {
        return done;
    }
    let Expr::Call(callee, args) = e else {
        return false;
    };
    let type_check = match path(callee).as_deref() {
        Some("Array.isArray") => Some("array"),
        Some("Number.isInteger" | "Number.isSafeInteger") => Some("integer"),
        _ => None,
    };
    if let Some(t) = type_check
        && let Some(s @ Subject::Json(_)) = args.first().and_then(|a| cx.subject(a))
    {
        out.0.push((s, "type", Y::str(t), negate));
        return true;
    }
    if let Some(s) = presence(cx, callee, args) {
        return add(out, s, "exists", Y::Bool(!negate), false);
    }
    let Expr::Member(inner, method) = &**callee else {
        return false;
    };
    if let (Some((body, flags)), "test", [x]) =
        (cx.regex_of(inner), method.as_str(), args.as_slice())
    {
        return regex_test(cx, body, flags, x, negate, out);
    }
    // `const ct = pm.response.headers.get("Content-Type") || ""; if (ct.includes("json"))`:
    // the header holds the text (missing, "" holds no text either).
    let found = |c: &str| matches!(c, "includes" | "contains" | "startsWith" | "endsWith");
    let subject = match cx.subject(inner) {
        None if !negate
            && found(method)
            && matches!(args.as_slice(), [Expr::Str(t)] if !t.is_empty()) =>
        {
            or_empty(cx, inner)
        }
        s => s,
    };
    let (Some(subject), [arg]) = (subject, args.as_slice()) else {
        return false;
    };
    match (method.as_str(), subject, arg) {
        (
            "has" | "includes" | "contains",
            s @ (Subject::Body | Subject::Json(_) | Subject::Header(_)),
            a,
        ) => match cx.value(a) {
            Some(v) => {
                out.0.push((s, "contains", v, negate));
                true
            }
            None => false,
        },
        (
            "startsWith" | "endsWith",
            s @ (Subject::Json(_) | Subject::Body | Subject::Header(_)),
            a,
        ) if let Some(v @ Y::Str(_)) = cx.value(a) => {
            let p = if method == "startsWith" {
                "starts_with"
            } else {
                "ends_with"
            };
            out.0.push((s, p, v, negate));
            true
        }
        ("hasOwnProperty", Subject::Json(p), Expr::Str(k)) => {
            out.0.push((
                Subject::Json(child(&p, k)),
                "exists",
                Y::Bool(!negate),
                false,
            ));
            true
        }
        _ => false,
    }
}

/// `responseBody.indexOf("x") !== -1`, `> -1`, `>= 0`: contains.
fn index_of(cx: &Converter, a: &Expr, op: &str, b: &Expr, out: &mut Staged) -> Option<bool> {
    let Expr::Call(callee, args) = a else {
        return None;
    };
    let Expr::Member(inner, m) = &**callee else {
        return None;
    };
    if m != "indexOf" {
        return None;
    }
    let found = match (op, cx.value(b)?) {
        (">" | "!==", Y::Num(n)) if n.as_i64() == Some(-1) => true,
        (">=", Y::Num(n)) if n.as_i64() == Some(0) => true,
        ("===", Y::Num(n)) if n.as_i64() == Some(-1) => false,
        ("<", Y::Num(n)) if n.as_i64() == Some(0) => false,
        _ => return Some(false),
    };
    let s = cx.subject(inner)?;
    let v = cx.value(args.first()?)?;
    out.0.push((s, "contains", v, !found));
    Some(true)
}
