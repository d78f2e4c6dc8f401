//! The evaluator against canned responses: no server, no files.

use super::*;
use crate::model::{Expect, TValue, Target};
use crate::secret::{Redactor, Secrets};
use crate::template::Templates;
use std::time::Duration;

struct Fixture {
    templates: Templates,
    paths: JsonPaths,
    schemas: Schemas,
    vars: Vars,
}

impl Fixture {
    /// Nothing compiled, no variables: for a test that adds its own.
    fn empty() -> Fixture {
        Fixture {
            templates: Templates::new(Arc::new(Secrets::none(Redactor::new())), Default::default()),
            paths: JsonPaths::default(),
            schemas: Schemas::new(),
            vars: Vars::new(),
        }
    }

    fn cx<'a>(&'a self, redactor: &'a Redactor) -> EvalCtx<'a> {
        EvalCtx {
            templates: &self.templates,
            vars: &self.vars,
            paths: &self.paths,
            schemas: &self.schemas,
            base_dir: std::path::Path::new("."),
            redactor,
        }
    }
}

fn compile(expect: &Expect) -> Fixture {
    let mut templates =
        Templates::new(Arc::new(Secrets::none(Redactor::new())), Default::default());
    let mut paths = JsonPaths::default();
    for c in &expect.checks {
        if let Target::Json(p) = &c.target {
            paths.add(p).expect("path");
        }
        for p in &c.predicates {
            compile_op(&mut templates, &p.op);
        }
    }
    Fixture {
        templates,
        paths,
        schemas: Schemas::new(),
        vars: Vars::new(),
    }
}

fn compile_op(t: &mut Templates, op: &crate::model::Op) {
    use crate::model::Op::*;
    match op {
        Equals(v) | Contains(v) | StartsWith(v) | EndsWith(v) | Lt(v) | Lte(v) | Gt(v) | Gte(v) => {
            t.compile_tvalue(v).expect("template")
        }
        In(list) => list
            .iter()
            .for_each(|v: &TValue| t.compile_tvalue(v).expect("template")),
        Not(inner) | Length(inner) | Each(inner) => inner.iter().for_each(|p| compile_op(t, &p.op)),
        Any(groups) => groups.iter().flatten().for_each(|p| compile_op(t, &p.op)),
        _ => {}
    }
}

fn outcomes(yaml: &str, resp: &Response, vars: &[(&str, serde_json::Value)]) -> Vec<Outcome> {
    let expect = crate::parse::expect_from_yaml(yaml).expect("expect parses");
    let mut f = compile(&expect);
    for (k, v) in vars {
        f.vars.insert(k.to_string(), v.clone());
    }
    evaluate(&expect, resp, &f.cx(&Redactor::default()))
}

fn json_response(status: u16, body: &str) -> Response {
    Response::new(
        status,
        vec![("Content-Type".into(), "application/json".into())],
        body.as_bytes().to_vec(),
        Duration::from_millis(42),
    )
}

#[test]
fn every_check_kind_passes_on_a_matching_response() {
    let resp = json_response(
        201,
        r#"{"items":[{"id":1,"tag":"a"},{"id":2,"tag":"b"}],"name":"x"}"#,
    );
    let out = outcomes(
        "status: 2xx\nheaders: { content-type: { contains: json } }\nbody: { contains: items }\ntime: { lt: 1s }\njson:\n  $.items: { length: 2 }\n  \"$.items[*].id\": [1, 2]\n  $.name: \"{{ n }}\"\n",
        &resp,
        &[("n", serde_json::json!("x"))],
    );
    assert!(out.iter().all(|o| o.passed), "{out:#?}");
    assert_eq!(out.len(), 7);
}

#[test]
fn failures_report_expected_actual_and_what_was_written() {
    let resp = json_response(200, r#"{"items":[]}"#);
    let out = outcomes(
        "json:\n  $.items: { length: { gte: 1 } }\n  $.missing: 3\n",
        &resp,
        &[],
    );
    assert_eq!(out.len(), 2);
    assert!(!out[0].passed);
    assert_eq!(out[0].written, "$.items: { length: { gte: 1 } }");
    assert_eq!(out[0].expected, "length >= 1 (length is 0)");
    assert_eq!(out[0].actual, "[]");
    assert_eq!(out[1].expected, "3");
    assert_eq!(out[1].actual, "nothing: `$.missing` selects nothing");
    assert_eq!((out[1].span.line, out[1].span.col), (3, 14));
}

#[test]
fn type_and_length_judged_on_the_shape_still_show_the_real_value() {
    let resp = json_response(200, r#"{"items":[1,2,3],"o":{"k":"v"},"s":"abc"}"#);
    let out = outcomes(
        "json:\n  $.items: { type: array, length: 3 }\n  $.o: { type: object, length: 1 }\n  \
         $.s: { length: 3 }\n  $.items[*]: { length: 3, each: { lt: 4 } }\n",
        &resp,
        &[],
    );
    assert!(out.iter().all(|o| o.passed), "{out:#?}");
    assert_eq!(out[0].actual, "[1,2,3]");
    assert_eq!(out[2].actual, r#"{"k":"v"}"#);
    let out = outcomes(
        "json:\n  $.items: { type: object }\n  $.o: { length: 2 }\n  $.items[*]: { length: 2 }\n  \
         $['o']: { not: { exists: true } }\n",
        &resp,
        &[],
    );
    assert!(out.iter().all(|o| !o.passed), "{out:#?}");
    assert_eq!(out[0].actual, "[1,2,3]");
    assert_eq!(out[1].actual, r#"{"k":"v"}"#);
    assert_eq!(out[2].actual, "[1,2,3]");
    assert_eq!(out[3].actual, r#"{"k":"v"}"#);
}

#[test]
fn a_path_that_selects_nothing_fails_everything_but_exists_false() {
    let resp = json_response(200, r#"{"items":[], "a": 1}"#);
    let out = outcomes(
        concat!(
            "json:\n",
            "  $.missing: { not: { equals: 1 } }\n",
            "  $.gone: { exists: false }\n",
            "  $.nope: { not: { exists: true } }\n",
            "  \"$.items[*].id\": { length: 0 }\n",
            "  \"$.items[*].x\": { each: { equals: 1 } }\n",
            "  $.none: { type: null }\n",
            "headers:\n",
            "  x-none: { not: { contains: a } }\n",
        ),
        &resp,
        &[],
    );
    let passed: Vec<bool> = out.iter().map(|o| o.passed).collect();
    assert_eq!(
        passed,
        [false, true, true, true, false, false, false],
        "{out:#?}"
    );
    assert_eq!(out[0].actual, "nothing: `$.missing` selects nothing");
    assert_eq!(
        out[6].actual,
        "nothing: the response has no `x-none` header"
    );
}

#[test]
fn a_non_json_body_fails_json_assertions_with_its_content_type() {
    let resp = Response::new(
        200,
        vec![("content-type".into(), "text/html".into())],
        b"<html>".to_vec(),
        Duration::ZERO,
    );
    let out = outcomes("json:\n  $.a: 1\n", &resp, &[]);
    assert!(!out[0].passed);
    assert!(
        out[0].actual.contains("not JSON (text/html)"),
        "{}",
        out[0].actual
    );
}

#[test]
fn templated_expectations_compare_numbers_by_text() {
    let resp = json_response(200, r#"{"customer":1234}"#);
    let ok = outcomes(
        "json:\n  $.customer: \"{{ customer_id }}\"\n",
        &resp,
        &[("customer_id", serde_json::json!("1234"))],
    );
    assert!(ok[0].passed, "{ok:#?}");
    let strict = outcomes("json:\n  $.customer: \"1234\"\n", &resp, &[]);
    assert!(!strict[0].passed);
}

/// `each` renders its expected values once for all items: the result must be what rendering
/// them per item gave, templates (lenient numbers) and a failing item's report included.
#[test]
fn each_item_is_held_to_values_rendered_once() {
    let resp = json_response(200, r#"{"ids":[1,2,3],"tags":["a","b","x"]}"#);
    let vars = [
        ("top", serde_json::json!("3")),
        ("first", serde_json::json!("a")),
    ];
    let ok = outcomes(
        "json:\n  $.ids: { each: { lte: 3, in: [1, 2, \"{{ top }}\"] } }\n",
        &resp,
        &vars,
    );
    assert!(ok[0].passed, "{ok:#?}");
    let bad = outcomes(
        "json:\n  $.tags: { each: { in: [\"{{ first }}\", b] } }\n",
        &resp,
        &vars,
    );
    assert!(!bad[0].passed);
    assert!(
        bad[0].expected.contains("item [2]") && bad[0].expected.contains("one of [\"a\", \"b\"]"),
        "{:#?}",
        bad[0]
    );
}

/// A capture of `source` into `var`, with nothing else said.
fn plain_capture(var: &str, span: &crate::source::Span, source: CaptureSource) -> Capture {
    Capture {
        var: var.into(),
        span: span.clone(),
        source,
        default: None,
        optional: false,
        as_type: None,
        when: None,
        length: false,
    }
}

#[test]
fn captures_take_json_headers_regex_and_status() {
    let resp = Response::new(
        201,
        vec![("Location".into(), "/jobs/7".into())],
        br#"{"id": 7, "list": [1, 2]}"#.to_vec(),
        Duration::ZERO,
    );
    let mut f = Fixture::empty();
    let span = crate::source::Span::file_start(&crate::source::SourceFile::new("t", ""));
    let jp = |s: &str| crate::model::Selector {
        source: s.into(),
        span: span.clone(),
    };
    f.paths.add(&jp("$.id")).expect("path");
    f.paths.add(&jp("$.list[*]")).expect("path");
    let r = Redactor::default();
    let cx = f.cx(&r);
    let cap = |source| plain_capture("v", &span, source);
    assert_eq!(
        capture(
            &cap(CaptureSource::Json {
                path: jp("$.id"),
                all: false
            }),
            &resp,
            &cx
        ),
        Ok(serde_json::json!(7))
    );
    assert_eq!(
        capture(
            &cap(CaptureSource::Json {
                path: jp("$.list[*]"),
                all: true
            }),
            &resp,
            &cx
        ),
        Ok(serde_json::json!([1, 2]))
    );
    assert_eq!(
        capture(
            &cap(CaptureSource::Header("location".into(), None)),
            &resp,
            &cx
        ),
        Ok(serde_json::json!("/jobs/7"))
    );
    let re = regex::Regex::new(r#""id": (\d+)"#).expect("regex");
    assert_eq!(
        capture(&cap(CaptureSource::Regex(re)), &resp, &cx),
        Ok(serde_json::json!("7"))
    );
    assert_eq!(
        capture(&cap(CaptureSource::Status), &resp, &cx),
        Ok(serde_json::json!(201))
    );
    // `value:` is taken as written, whatever the response holds (braces are no template).
    assert_eq!(
        capture(
            &cap(CaptureSource::Value(serde_json::json!("{{token}}"))),
            &resp,
            &cx
        ),
        Ok(serde_json::json!("{{token}}"))
    );
    assert!(
        capture(
            &cap(CaptureSource::Header("x-none".into(), None)),
            &resp,
            &cx
        )
        .is_err()
    );
}

#[test]
fn a_cookie_capture_takes_the_value_of_its_last_set_cookie() {
    let resp = Response::new(
        200,
        vec![
            ("Set-Cookie".into(), "OCSESSID=old; Path=/".into()),
            ("Set-Cookie".into(), "theme=dark".into()),
            ("Set-Cookie".into(), "OCSESSID=s3ss10n; HttpOnly".into()),
        ],
        Vec::new(),
        Duration::ZERO,
    );
    let f = Fixture::empty();
    let r = Redactor::default();
    let cx = f.cx(&r);
    let span = crate::source::Span::file_start(&crate::source::SourceFile::new("t", ""));
    let cap = |name: &str| Capture {
        var: "v".into(),
        span: span.clone(),
        source: CaptureSource::Cookie(name.into()),
        default: None,
        optional: false,
        as_type: None,
        when: None,
        length: false,
    };
    assert_eq!(
        capture(&cap("OCSESSID"), &resp, &cx),
        Ok(serde_json::json!("s3ss10n"))
    );
    assert_eq!(
        capture(&cap("none"), &resp, &cx).map_err(|e| e.to_string()),
        Err("the response sets no `none` cookie".into())
    );
}

#[test]
fn a_comment_is_not_part_of_the_written_check() {
    assert_eq!(without_comment("$.a: 2  # the id"), "$.a: 2");
    assert_eq!(
        without_comment("$.a: { contains: \"x # y\" } # why"),
        "$.a: { contains: \"x # y\" }"
    );
    assert_eq!(
        without_comment("$.a: 'it''s # here'"),
        "$.a: 'it''s # here'"
    );
    assert_eq!(
        without_comment("$.a: \"q\\\" # in\" # out"),
        "$.a: \"q\\\" # in\""
    );
    assert_eq!(without_comment("url: x#y"), "url: x#y");
}

#[test]
fn a_path_with_a_template_is_rendered_when_checked_and_captured() {
    let resp = json_response(200, r#"{"items":[{"id":"a","qty":1},{"id":"b","qty":2}]}"#);
    let vars = [
        ("want", serde_json::json!("b")),
        ("i", serde_json::json!(0)),
    ];
    let o = outcomes(
        r#"
json:
  "$.items[?(@.id == '{{ want }}')].qty": { each: 2 }
  "$.items[{{ i }}].id": a
  "$.items[?(@.id == '{{ want }}x')]": { exists: false }
"#,
        &resp,
        &vars,
    );
    assert!(o.iter().all(|o| o.passed), "{o:?}");
    // A variable the check needs that is not there fails the check, with the reason.
    let o = outcomes(
        r#"json: { "$.items[?(@.id == '{{ gone }}')]": { exists: true } }"#,
        &resp,
        &[],
    );
    assert!(!o[0].passed && o[0].actual.contains("gone"), "{o:?}");
    // A rendered path that is no JSONPath fails the check too, never the run.
    let o = outcomes(
        r#"json: { "$.items[{{ want }}]": { exists: true } }"#,
        &resp,
        &vars,
    );
    assert!(
        !o[0].passed && o[0].actual.contains("invalid JSONPath"),
        "{o:?}"
    );
    // A capture renders it the same way.
    let span = crate::source::Span::file_start(&crate::source::SourceFile::new("t", ""));
    let path = crate::model::Selector {
        source: "$.items[?(@.id == '{{ want }}')].qty".into(),
        span: span.clone(),
    };
    let mut f = Fixture::empty();
    f.paths.add(&path).expect("a template path checks");
    f.vars.insert("want".into(), serde_json::json!("b"));
    let r = Redactor::default();
    let cx = f.cx(&r);
    let c = Capture {
        var: "q".into(),
        span,
        source: CaptureSource::Json { path, all: false },
        default: None,
        optional: false,
        as_type: None,
        when: None,
        length: false,
    };
    assert_eq!(capture(&c, &resp, &cx), Ok(serde_json::json!(2)));
}

#[test]
fn a_header_capture_may_take_what_a_regex_matches_in_it() {
    let resp = Response::new(
        201,
        vec![("Location".into(), "/jobs/7".into())],
        Vec::new(),
        Duration::ZERO,
    );
    let (f, r) = (Fixture::empty(), Redactor::default());
    let cx = f.cx(&r);
    let span = crate::source::Span::file_start(&crate::source::SourceFile::new("t", ""));
    let cap = |re: &str| Capture {
        var: "v".into(),
        span: span.clone(),
        source: CaptureSource::Header(
            "location".into(),
            Some(regex::Regex::new(re).expect("regex")),
        ),
        default: None,
        optional: false,
        as_type: None,
        when: None,
        length: false,
    };
    assert_eq!(
        capture(&cap("([^/]*)$"), &resp, &cx),
        Ok(serde_json::json!("7"))
    );
    assert!(capture(&cap("orders/(\\d+)"), &resp, &cx).is_err());
}

#[test]
fn a_regex_beside_a_path_matches_in_the_text_of_the_value_found() {
    let resp = json_response(
        200,
        r#"{"next":"/items?page=7","id":4021,"gone":null,"list":["page=1"]}"#,
    );
    let mut f = Fixture::empty();
    let span = crate::source::Span::file_start(&crate::source::SourceFile::new("t", ""));
    for p in ["$.next", "$.id", "$.gone", "$.list", "$.absent"] {
        let path = crate::model::Selector {
            source: p.into(),
            span: span.clone(),
        };
        f.paths.add(&path).expect("path");
    }
    let r = Redactor::default();
    let cx = f.cx(&r);
    let cap = |path: &str, re: &str| Capture {
        var: "v".into(),
        span: span.clone(),
        source: CaptureSource::Matched(
            Box::new(CaptureSource::Json {
                path: crate::model::Selector {
                    source: path.into(),
                    span: span.clone(),
                },
                all: false,
            }),
            regex::Regex::new(re).expect("regex"),
        ),
        default: None,
        optional: false,
        as_type: None,
        when: None,
        length: false,
    };
    let got = |path: &str, re: &str| capture(&cap(path, re), &resp, &cx);
    assert_eq!(got("$.next", r"page=(\d+)"), Ok(serde_json::json!("7")));
    // A number is matched as JSON writes it; no group: the whole match.
    assert_eq!(got("$.id", r"\d{2}$"), Ok(serde_json::json!("21")));
    assert!(matches!(
        got("$.next", "cursor=(.*)"),
        Err(CaptureError::NoMatch(_))
    ));
    // A null is nothing (a default stands in), a list has no text, a missing node is missing.
    assert!(matches!(got("$.gone", ".*"), Err(CaptureError::NoMatch(_))));
    assert!(matches!(got("$.list", ".*"), Err(CaptureError::NotText(_))));
    assert!(matches!(
        got("$.absent", ".*"),
        Err(CaptureError::Nothing(_))
    ));
}

#[test]
fn any_holds_when_one_of_its_maps_does_missing_included() {
    let resp = json_response(200, r#"{"gone":null,"here":1,"err":"bad"}"#);
    let yaml = "json:\n  $.gone: { any: [{ exists: false }, { equals: null }] }\n  $.missing: { any: [{ exists: false }, { equals: null }] }\n  $.here: { any: [{ exists: false }, { equals: null }] }\n  $.err: { any: [{ exists: false }, { in: [null, false, 0, \"\"] }] }\n";
    let out = outcomes(yaml, &resp, &[]);
    let passed: Vec<bool> = out.iter().map(|o| o.passed).collect();
    // Missing or null passes; a value (1, "bad") fails, and says what it wanted.
    assert_eq!(passed, [true, true, false, false], "{out:#?}");
    let failed = &out[2];
    assert!(
        failed.expected.contains("any of: not to exist; or null"),
        "{failed:#?}"
    );
}

#[test]
fn a_length_capture_counts_items_characters_and_keys() {
    use serde_json::json;
    assert_eq!(length_of(json!([1, 2, 3])), Ok(json!(3)));
    assert_eq!(length_of(json!("héllo")), Ok(json!(5)));
    assert_eq!(length_of(json!({"a": 1, "b": 2})), Ok(json!(2)));
    assert_eq!(length_of(json!(null)), Ok(json!(null)));
    assert!(matches!(
        length_of(json!(4)),
        Err(CaptureError::NoLength(_))
    ));
}

#[test]
fn a_status_list_may_hold_classes_beside_codes() {
    let check = |code: u16| outcomes("status: [2xx, 3xx, 404]\n", &json_response(code, "{}"), &[]);
    for code in [200, 204, 302, 404] {
        assert!(check(code).iter().all(|o| o.passed), "{code}");
    }
    for code in [400, 500] {
        let out = check(code);
        assert!(!out[0].passed, "{code}");
        assert_eq!(out[0].expected, "any of: 2xx; or 3xx; or 404");
    }
    // As a predicate too, beside another (what the import writes when a test names 200 as well).
    let both = |code: u16| {
        outcomes(
            "status: { in: [2xx, 404], equals: 200 }\n",
            &json_response(code, "{}"),
            &[],
        )
    };
    assert!(both(200).iter().all(|o| o.passed));
    assert!(both(404).iter().any(|o| !o.passed));
}

#[test]
fn a_header_sent_twice_is_read_as_its_last_value() {
    // What Postman's `pm.response.headers.get("X-A")` reads: a check of the first one was a
    // false green against Newman.
    let resp = Response::new(
        200,
        vec![("X-A".into(), "1".into()), ("x-a".into(), "2".into())],
        Vec::new(),
        Duration::ZERO,
    );
    assert_eq!(resp.header("X-A"), Some("2"));
    let failed = |yaml: &str| {
        outcomes(yaml, &resp, &[])
            .iter()
            .filter(|o| !o.passed)
            .count()
    };
    assert_eq!(failed("headers: { x-a: \"2\" }\n"), 0);
    assert_eq!(failed("headers: { x-a: \"1\" }\n"), 1);
}

#[test]
fn a_map_contained_is_an_equal_item_of_a_list_or_members_of_an_object() {
    let resp = json_response(
        200,
        r#"{"items":[{"id":1,"tags":["a"]},{"id":2}], "user": {"id": 7, "role": "admin", "org": {"id": 3}}}"#,
    );
    let out = outcomes(
        concat!(
            "json:\n",
            "  $.items: { contains: { id: 2 } }\n",
            "  $['items']: { contains: { id: 1 } }\n",
            "  $.user: { contains: { role: admin, org: { id: 3 } } }\n",
            "  $['user']: { contains: { role: admin, id: \"7\" } }\n",
            "  $[\"user\"]: { contains: { missing: null } }\n",
            "  $.user.org: { not: { contains: { id: 4 } } }\n",
        ),
        &resp,
        &[],
    );
    let passed: Vec<bool> = out.iter().map(|o| o.passed).collect();
    // `{id: 1}` is not the first item, which has `tags` too; `"7"` is not `7`.
    assert_eq!(passed, [true, false, true, false, false, true], "{out:#?}");
}

#[test]
fn a_capture_made_text_or_a_number_is_what_javascript_makes_of_it() {
    use crate::model::CaptureAs::{Integer, Number, Text};
    use serde_json::json;
    let cases = [
        (Text, json!(42), json!("42")),
        (Text, json!(true), json!("true")),
        (Text, json!("x"), json!("x")),
        (Text, json!({"a": [1]}), json!("{\"a\":[1]}")),
        (Number, json!("15"), json!(15)),
        (Number, json!(" 2.5 "), json!(2.5)),
        (Number, json!(""), json!(0)),
        (Number, json!("12px"), json!("NaN")),
        (Number, json!(true), json!(1)),
        (Integer, json!("15"), json!(15)),
        (Integer, json!("  -12px"), json!(-12)),
        (Integer, json!("1.9"), json!(1)),
        (Integer, json!(7.8), json!(7)),
        (Integer, json!("px"), json!("NaN")),
        (Integer, json!(null), json!(null)),
    ];
    for (to, found, made) in cases {
        assert_eq!(
            crate::eval::converted(to, found.clone()),
            made,
            "{to:?} of {found}"
        );
    }
}
