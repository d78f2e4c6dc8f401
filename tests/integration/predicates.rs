//! Every predicate, once passing and once failing, against the sandbox's echo endpoint.

use super::*;

const PASSING: &str = r#"
name: predicates pass
variables: { who: Ada, three: 3 }
requests:
  - name: all pass
    method: POST
    url: "{{ url }}/echo"
    json:
      name: Ada Lovelace
      n: 3
      f: 2.5
      ok: true
      nothing: null
      list: [1, 2, 3]
      obj: { k: v }
      id: "{{ three }}"
    expect:
      status: 200
      headers:
        content-type: { contains: json }
      body: { contains: Lovelace }
      time: { gte: 0s }
      json:
        $.json.name: { equals: Ada Lovelace, contains: "{{ who }}" }
        $.json.n: { equals: 3, type: integer }
        $.json.f: { type: number, gt: 2, lt: 3 }
        $.json.ok: { type: boolean, equals: true }
        $.json.nothing: { type: null, exists: true }
        $.json.absent: { exists: false }
        $.json.list: { type: array, length: { equals: 3 }, contains: 2 }
        $.json.obj: { type: object, equals: { k: v } }
        "$.json.list[*]": { each: { gte: 1, lte: 3 } }
        $.json.id: "{{ three }}"
        $.method: { in: [GET, POST], not: { equals: GET } }
        $.path: { starts_with: /ec, ends_with: ho, matches: "^/e.h" }
"#;

#[test]
fn every_predicate_passes_when_it_should() {
    let w = World::new();
    w.write("pass.yaml", PASSING);
    let r = w.yarc(&["run", "pass.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "1 passed, 0 failed");
}

const FAILING: &str = r#"
name: predicates fail
requests:
  - name: all fail
    method: POST
    url: "{{ url }}/echo"
    json: { name: Ada, n: 3, list: [1, 2, 3] }
    expect:
      status: 2xx
      headers:
        content-type: { contains: xml }
      body: { equals: nope }
      time: { gt: 1h }
      json:
        $.json.name: Grace
        $.json.n: { type: string, lt: 1, lte: 2, gt: 4, gte: 4 }
        $.json.absent: { exists: true }
        $.json.list: { length: { gt: 5 }, contains: 9 }
        "$.json.list[*]": { each: { lt: 3 } }
        $.method: { in: [GET, PUT], not: { equals: POST } }
        $.path: { starts_with: /x, ends_with: /x, matches: "^/x" }
"#;

#[test]
fn every_predicate_fails_when_it_should_with_expected_and_actual() {
    let w = World::new();
    w.write("fail.yaml", FAILING);
    let r = w.yarc(&["run", "fail.yaml"]);
    r.expect_code(1);
    for (written, expected) in [
        ("content-type: { contains: xml }", "contains \"xml\""),
        ("body: { equals: nope }", "\"nope\""),
        ("time: { gt: 1h }", "> 3600000"),
        ("$.json.name: Grace", "\"Grace\""),
        ("$.json.n: { type: string", "type string"),
        ("$.json.n: {", "< 1"),
        ("$.json.n: {", "<= 2"),
        ("$.json.n: {", "> 4"),
        ("$.json.n: {", ">= 4"),
        ("$.json.absent: { exists: true }", "to exist"),
        ("$.json.list: {", "length > 5 (length is 3)"),
        ("$.json.list: {", "contains 9"),
        ("{ each: { lt: 3 } }", "every item < 3 (item [2] is 3)"),
        ("$.method: {", "one of [\"GET\", \"PUT\"]"),
        ("$.method: {", "not \"POST\""),
        ("$.path: {", "starts with \"/x\""),
        ("$.path: {", "ends with \"/x\""),
        ("$.path: {", "matches /^/x/"),
    ] {
        assert!(
            r.all().contains(written),
            "missing assertion {written:?}\n{}",
            r.all()
        );
        assert!(
            r.all().contains(&format!("expected: {expected}\n")),
            "missing expected {expected:?}\n{}",
            r.all()
        );
    }
    // status 2xx passes (200): the 18 others fail, each reported once.
    assert_eq!(r.all().matches("      × ").count(), 18, "{}", r.all());
}

const TIME_LIMITS: &str = r#"
name: time limits
variables: { text: "0", number: -1, zero: 0, word: soon }
requests:
  # Limits every duration meets (a busy machine's too): a text, a number, and two of a kind.
  - name: within limits from variables
    url: "{{ url }}/echo"
    expect:
      time: { gte: "{{ text }}", all: [{ gt: "{{ number }}" }, { gte: 0s }] }
  - name: over a limit of zero
    url: "{{ url }}/echo"
    expect:
      time: { lt: "{{ zero }}" }
  - name: a limit that is no number
    url: "{{ url }}/echo"
    expect:
      time: { lt: "{{ word }}" }
"#;

#[test]
fn a_time_limit_from_a_variable_is_a_number_of_milliseconds_or_fails() {
    let w = World::new();
    w.write("time.yaml", TIME_LIMITS);
    let r = w.yarc(&["run", "time.yaml"]);
    r.expect_code(1);
    assert_eq!(r.summary(), "1 passed, 2 failed", "{}", r.all());
    assert!(r.all().contains("expected: < 0\n"), "{}", r.all());
    assert!(r.all().contains("expected: < \"soon\"\n"), "{}", r.all());
    // `yarc check` knows the variable a limit reads.
    w.write(
        "undeclared.yaml",
        "name: u\nrequests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    expect:\n      time: { lt: \"{{ max_ms }}\" }\n",
    );
    let c = w.yarc(&["check", "undeclared.yaml"]);
    c.expect_code(2);
    assert!(
        c.all().contains("undefined variable `max_ms`"),
        "{}",
        c.all()
    );
}

const CASES: &str = r#"
name: cases
requests:
  - name: not found
    url: "{{ url }}/faults/status/404"
    expect:
      status: [200, 404]
      cases:
        - when: { status: 200 }
          json:
            $.never: { exists: true }
        - when: { status: 404 }
          headers:
            x-never: { exists: true }
  - name: found
    url: "{{ url }}/echo"
    expect:
      status: [200, 404]
      cases:
        - when: { status: 200 }
          json:
            $.method: GET
          cases:
            - when: { json: { $.method: POST } }
              body: { contains: never }
        - when: { status: 404 }
          headers:
            x-never: { exists: true }
"#;

#[test]
fn checks_in_a_case_are_made_only_when_it_holds() {
    let w = World::new();
    w.write("cases.yaml", CASES);
    let r = w.yarc(&["run", "cases.yaml", "--report", "json:r.json"]);
    r.expect_code(1);
    assert_eq!(r.summary(), "1 passed, 1 failed", "{}", r.all());
    // Only the 404 case's check was made for the 404: it is the one failure.
    assert!(r.all().contains("x-never: { exists: true }"), "{}", r.all());
    assert!(!r.all().contains("$.never"), "{}", r.all());
    let report = std::fs::read_to_string(w.path("r.json")).expect("report");
    assert!(report.contains("$.method: GET"), "{report}");
    assert!(!report.contains("contains: never"), "{report}");
    // A case says when it applies.
    w.write(
        "no-when.yaml",
        "name: n\nrequests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    expect:\n      cases:\n        - body: { contains: x }\n",
    );
    let c = w.yarc(&["check", "no-when.yaml"]);
    c.expect_code(2);
    assert!(c.all().contains("a case needs `when`"), "{}", c.all());
    assert!(c.all().contains("no-when.yaml:7:11"), "{}", c.all());
    // `check` reads what a case's checks need, as any other check's.
    w.write(
        "undeclared.yaml",
        "name: u\nrequests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    expect:\n      cases:\n        - when: { status: 200 }\n          body: { contains: \"{{ nothere }}\" }\n",
    );
    let c = w.yarc(&["check", "undeclared.yaml"]);
    c.expect_code(2);
    assert!(
        c.all().contains("undefined variable `nothere`"),
        "{}",
        c.all()
    );
}

#[test]
fn a_status_class_fails_outside_its_class() {
    let w = World::new();
    w.write(
        "class.yaml",
        "name: c\nrequests:\n  - name: not found\n    url: \"{{ url }}/faults/status/404\"\n    expect: { status: 2xx }\n",
    );
    w.yarc(&["run", "class.yaml"])
        .expect_code(1)
        .expect_contains("expected: 2xx");
}

#[test]
fn vars_checks_the_variables_the_request_was_rendered_with_and_masks_secrets() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"name: vars
variables: { mode: live, api_key: "{{ secret('API_KEY') }}" }
requests:
  - name: give
    url: "{{ url }}/echo/give"
    capture: { given: { json: $.path } }
  - name: checked
    url: "{{ url }}/echo/checked"
    expect:
      vars:
        mode: live
        given: /echo/give
        never_set: { exists: false }
        api_key: { not: "<add your key>" }
"#,
    );
    w.yarc_env(&["run", "c.yaml"], &[("API_KEY", "k-9f2c1d")])
        .expect_code(0)
        .expect_contains("2 passed");
    let r = w.yarc_env(&["run", "c.yaml"], &[("API_KEY", "<add your key>")]);
    r.expect_code(1);
    // The secret's value is masked where the check shows it, in the check as written too.
    r.expect_contains("api_key: { not: \"•••••\" }");
    r.expect_contains("actual:   \"•••••\"");
    w.write(
        "c.yaml",
        "name: vars\nrequests:\n  - name: a\n    url: \"{{ url }}/echo/a\"\n    expect:\n      vars:\n        token: { exists: true }\n",
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(1)
        .expect_contains("nothing: no variable `token` is set");
}

#[test]
fn a_json_path_may_hold_a_template_and_check_reads_its_variables() {
    let w = World::new();
    w.write(
        "paths.yaml",
        r#"
name: templated paths
variables: { want: b }
requests:
  - name: list
    method: POST
    url: "{{ url }}/echo"
    json: { items: [{ id: a, qty: 1 }, { id: b, qty: 2 }] }
    expect:
      json:
        "$.json.items[?(@.id == '{{ want }}')].qty": { each: 2 }
    capture:
      qty: { json: "$.json.items[?(@.id == '{{ want }}')].qty" }
  - name: uses it
    url: "{{ url }}/echo?qty={{ qty }}"
    expect:
      json:
        $.query.qty: "2"
        "$.json.items[?(@.id == '{{ want }}')]": { exists: false }
"#,
    );
    let r = w.yarc(&["run", "paths.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 passed, 0 failed");
    // Another value makes the check fail, as a check (exit 1), not the run.
    let r = w.yarc(&["run", "paths.yaml", "--var", "want=a"]);
    r.expect_code(1);
    // A variable no layer defines is found before anything is sent, in the path itself.
    w.write(
        "undefined.yaml",
        r#"
name: undefined in a path
requests:
  - name: list
    url: "{{ url }}/echo"
    expect:
      json:
        "$.items[?(@.id == '{{ nobody }}')]": { exists: true }
"#,
    );
    let r = w.yarc(&["check", "undefined.yaml"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("undefined variable `nobody`"),
        "{}",
        r.stderr
    );
    // A path that is no JSONPath whatever the values is an error too.
    w.write(
        "broken.yaml",
        r#"
name: broken path
variables: { n: 1 }
requests:
  - name: list
    url: "{{ url }}/echo"
    expect:
      json:
        "$.items[{{ n }}": { exists: true }
"#,
    );
    let r = w.yarc(&["check", "broken.yaml"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("invalid JSONPath `$.items[{{ n }}`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_header_capture_takes_what_its_regex_matches() {
    let w = World::new();
    w.write(
        "loc.yaml",
        r#"
name: location
requests:
  - name: created
    url: "{{ url }}/redirect?to=/orders/o-42"
    follow_redirects: false
    expect: { status: 302 }
    capture:
      order: { header: Location, regex: "([^/]*)$" }
  - name: uses it
    url: "{{ url }}/echo?order={{ order }}"
    expect:
      json:
        $.query.order: o-42
"#,
    );
    let r = w.yarc(&["run", "loc.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 passed, 0 failed");
}

const SOAP: &str = r#"
name: soap
requests:
  - name: login
    method: POST
    url: "{{ url }}/soap?user=ada"
    headers: { SOAPAction: login, Content-Type: text/xml }
    text: "<Login><user>ada</user></Login>"
    expect:
      status: 200
      xml:
        /soap:Envelope/soap:Body/_:EchoResponse/_:method: POST
        "//*[name()='soap:Body']/*[name()='EchoResponse']/*[name()='path']": /soap
        "//_:query[@name='user']": { equals: ada, length: 3 }
        count(//_:header): { gte: 3 }
        "//_:header/@name": { contains: soapaction, each: { matches: "^[a-z-]+$" } }
        //_:nothing: { exists: false, length: 0 }
        //method: { exists: false }
        "boolean(//_:body)": true
        "//_:query[@name='{{ who }}']": ada
    capture:
      user: { xml: "//_:query[@name='user']" }
      names: { xml: "//_:header/@name", all: true }
      count: { xml: "count(//_:header)" }
  - name: uses them
    url: "{{ url }}/echo?user={{ user }}&first={{ names[0] }}&n={{ count }}"
    expect:
      json:
        $.query.user: ada
        $.query.first: soapaction
        $.query.n: { matches: "^[0-9]+$" }
"#;

#[test]
fn xml_checks_and_captures_read_a_soap_answer_with_its_namespaces() {
    let w = World::new();
    w.write("soap.yaml", SOAP);
    let r = w.yarc(&["run", "soap.yaml", "--var", "who=user"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 passed, 0 failed", "{}", r.all());
}

#[test]
fn xml_checks_fail_with_what_was_there_and_bad_xpaths_are_errors_of_check() {
    let w = World::new();
    w.write(
        "fail.yaml",
        r#"name: soap fails
requests:
  - name: wrong
    method: POST
    url: "{{ url }}/soap"
    expect:
      xml:
        //_:method: PUT
        //_:missing: { exists: true }
        count(//_:header): 0
  - name: not xml
    url: "{{ url }}/echo"
    expect:
      xml:
        //_:method: GET
  - name: capture from json
    url: "{{ url }}/echo"
    capture:
      x: { xml: //a }
"#,
    );
    let r = w.yarc(&["run", "fail.yaml"]);
    r.expect_code(1);
    for expected in [
        "expected: \"PUT\"\n          actual:   \"POST\"",
        "actual:   nothing: `//_:missing` selects nothing",
        "expected: 0\n",
        "expected: an XML body\n          actual:   a body that is not XML (application/json):",
        "a body that is not XML: ",
    ] {
        assert!(r.all().contains(expected), "{expected:?}\n{}", r.all());
    }
    assert_eq!(r.summary(), "0 passed, 3 failed", "{}", r.all());

    w.write(
        "bad.yaml",
        "name: bad\nrequests:\n  - name: a\n    url: \"{{ url }}/soap\"\n    expect:\n      xml:\n        \"//a[\": 1\n    capture:\n      x: { xml: \"((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))\" }\n",
    );
    let r = w.yarc(&["check", "bad.yaml"]);
    r.expect_code(2);
    r.expect_contains("`//a[`: not an XPath 1.0 expression")
        .expect_contains("nested more than 32 levels deep")
        .expect_contains("bad.yaml:7:9");
}

#[test]
fn a_capture_with_a_default_takes_it_for_a_json_null_too() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"name: nulls
requests:
  - name: give
    method: POST
    url: "{{ url }}/echo"
    json: { next: null, id: 7 }
    capture:
      next: { json: $.json.next, default: "null" }
      plain: $.json.next
      id: { json: $.json.id, default: "none" }
  - name: send
    url: "{{ url }}/echo?next={{ next }}&plain={{ plain }}&id={{ id }}"
    expect:
      json:
        $.query.next: "null"
        $.query.plain: ""
        $.query.id: "7"
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 passed, 0 failed", "{}", r.all());
}

#[test]
fn a_length_capture_keeps_how_many() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"name: counts
requests:
  - name: give
    method: POST
    url: "{{ url }}/echo"
    json: { items: [1, 2, 3], name: "héllo", obj: { a: 1 }, n: 4 }
    capture:
      items: { json: $.json.items, length: true }
      name: { json: $.json.name, length: true }
      keys: { json: $.json.obj, length: true }
  - name: send
    url: "{{ url }}/echo?items={{ items }}&name={{ name }}&keys={{ keys }}"
    expect:
      json:
        $.query.items: "3"
        $.query.name: "5"
        $.query.keys: "1"
  - name: a number has none
    method: POST
    url: "{{ url }}/echo"
    json: { n: 4 }
    capture:
      n: { json: $.json.n, length: true }
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1);
    assert_eq!(r.summary(), "2 passed, 1 failed", "{}", r.all());
    r.expect_contains("`length` of 4: only a list, a text or an object has one");
}

/// `regex` beside `json` (or `xml`, `cookie`) takes what it matches in the value found — it
/// was once read past silently, and the whole value captured.
#[test]
fn a_regex_beside_a_path_takes_what_it_matches_in_the_value() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"name: matched
requests:
  - name: give
    method: POST
    url: "{{ url }}/echo"
    json: { next: "/items?page=7&size=20", id: 4021, gone: null }
    capture:
      page: { json: $.json.next, regex: "page=(\\d+)" }
      tail: { json: $.json.id, regex: "\\d{2}$" }
      cursor: { json: $.json.next, regex: "cursor=(\\w+)", default: "none" }
      was: { json: $.json.gone, regex: ".*", default: "null" }
      class: { status: true, regex: "^(\\d)" }
  - name: send
    url: "{{ url }}/echo?page={{ page }}&tail={{ tail }}&cursor={{ cursor }}&was={{ was }}&class={{ class }}"
    expect:
      json:
        $.query.class: "2"
        $.query.page: "7"
        $.query.tail: "21"
        $.query.cursor: none
        $.query.was: "null"
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 passed, 0 failed", "{}", r.all());
    w.write(
        "all.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    capture:\n      ids: { json: \"$.items[*].href\", all: true, regex: \"(\\\\d+)$\" }\n",
    );
    w.yarc(&["run", "all.yaml"])
        .expect_code(2)
        .expect_contains("`regex` matches in one value: it cannot go with `all: true`");
}

#[test]
fn a_cookie_capture_keeps_the_value_the_response_sets() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"name: cookies
cookie_jar: false
requests:
  - name: login
    url: "{{ url }}/cookies/set?OCSESSID=s3ss10n&theme=dark"
    expect: { status: any }
    capture:
      sid: { cookie: OCSESSID }
      gone: { cookie: nothing, optional: true }
  - name: send it by hand
    url: "{{ url }}/echo?sid={{ sid }}"
    expect:
      json:
        $.query.sid: s3ss10n
  - name: a cookie it does not set
    url: "{{ url }}/echo"
    capture:
      none: { cookie: OCSESSID }
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1);
    assert_eq!(r.summary(), "2 passed, 1 failed", "{}", r.all());
    r.expect_contains("the response sets no `OCSESSID` cookie");
}
