//! `set:` (a value given before a request is rendered, kept for the rest of the collection
//! run), `all:` (several predicates of one kind on one target) and `skip:` with a reason.

use super::*;

#[test]
fn set_values_reach_the_request_and_every_later_one_and_count_up() {
    let w = World::new();
    w.write(
        "count.yaml",
        r#"
variables: { n: 0, trace: none }
requests:
  - name: first
    url: "{{ url }}/echo?n={{ n }}"
    set:
      n: "{{ n + 1 }}"
      trace: "t-{{ n }}"
    expect:
      json: { $.query.n: "1" }
  - name: no set of its own
    url: "{{ url }}/echo?n={{ n }}&trace={{ trace }}"
    expect:
      json: { $.query: { n: "1", trace: t-1 } }
  - name: third
    url: "{{ url }}/echo?n={{ n }}"
    set: { n: "{{ n + 1 }}" }
    expect:
      json: { $.query.n: "2" }
"#,
    );
    let r = w.yarc(&["run", "count.yaml"]);
    r.expect_code(0);
    // A later lone request needs what the set gives: --with-deps adds the request that sets it.
    w.yarc(&[
        "run",
        "count.yaml",
        "--name",
        "no set of its own",
        "--with-deps",
    ])
    .expect_code(0)
    .expect_contains(
        "--with-deps adds `first` (count.yaml): it sets `n`, which `no set of its own` needs",
    );
}

#[test]
fn a_value_set_by_a_skipped_request_skips_the_requests_that_need_it() {
    let w = World::new();
    w.write(
        "lost.yaml",
        r#"
requests:
  - name: sets it
    url: "{{ url }}/echo"
    skip: "{{ undefined_thing is defined or true }}"
    set: { stamp: "{{ 2 * 21 }}" }
  - name: needs it
    url: "{{ url }}/echo/{{ stamp }}"
"#,
    );
    // Skipped after its `set:` ran: the value is there.
    w.yarc(&["run", "lost.yaml"]).expect_code(0);
    let before = w.sandbox.requests_seen();
    w.write(
        "broken.yaml",
        r#"
variables: { x: "a" }
requests:
  - name: sets it
    url: "{{ url }}/echo"
    set: { stamp: "{{ x + 1 }}" }
  - name: needs it
    url: "{{ url }}/echo/{{ stamp }}"
"#,
    );
    let r = w.yarc(&["run", "broken.yaml"]);
    r.expect_code(2).expect_contains(
        "skipped: needs `stamp`, which request `sets it` (broken.yaml:6:12) sets, but its `set:` failed",
    );
    assert_eq!(w.sandbox.requests_seen(), before, "{}", r.all());
}

#[test]
fn a_request_skipped_once_its_capture_is_held_leaves_the_value_to_the_rest() {
    // A login written before each request, skipped once the token is held: the requests after
    // a skipped copy use the token the first one captured.
    let w = World::new();
    w.write(
        "held.yaml",
        r#"
variables: { token: "" }
requests:
  - name: login before a
    url: "{{ url }}/echo?token=tok-7"
    skip: "{{ 'held' if token else '' }}"
    capture: { token: { json: $.query.token } }
  - name: a
    url: "{{ url }}/echo?t={{ token }}"
    expect: { json: { $.query.t: tok-7 } }
  - name: login before b
    url: "{{ url }}/echo?token=tok-8"
    skip: "{{ 'held' if token else '' }}"
    capture: { token: { json: $.query.token } }
  - name: b
    url: "{{ url }}/echo?t={{ token }}"
    expect: { json: { $.query.t: tok-7 } }
"#,
    );
    let r = w.yarc(&["run", "held.yaml"]);
    r.expect_code(0);
    assert!(
        r.all().contains("3 passed, 0 failed, 1 skipped"),
        "{}",
        r.all()
    );
    // Skipped before anything captured it, the value is still missing: what needs it is
    // skipped, and says why.
    w.write(
        "never.yaml",
        r#"
requests:
  - name: login
    url: "{{ url }}/echo?token=tok-7"
    skip: "held"
    capture: { token: { json: $.query.token } }
  - name: a
    url: "{{ url }}/echo?t={{ token }}"
"#,
    );
    w.yarc(&["run", "never.yaml"]).expect_contains(
        "needs `token`, which request `login` (never.yaml:3:5) captures, but it was skipped",
    );
}

#[test]
fn an_undefined_variable_in_a_set_is_an_input_error_before_anything_is_sent() {
    let w = World::new();
    w.write(
        "undef.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n    set: { n: \"{{ m + 1 }}\" }\n",
    );
    w.yarc(&["run", "undef.yaml"])
        .expect_code(2)
        .expect_contains("undefined variable `m` in request `a`")
        .expect_contains("undef.yaml:4:15");
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn all_holds_several_predicates_of_one_kind_on_one_target() {
    let w = World::new();
    w.write(
        "all.yaml",
        r#"
requests:
  - name: both hold
    url: "{{ url }}/echo?a=alpha-beta"
    expect:
      json:
        $.query.a: { all: [{ contains: alpha }, { contains: beta }] }
  - name: one fails
    url: "{{ url }}/echo?a=alpha"
    expect:
      status: { all: [{ equals: 200 }, { equals: 201 }] }
      json:
        $.query.a: { all: [{ contains: alpha }, { contains: beta }] }
"#,
    );
    let r = w.yarc(&["run", "all.yaml"]);
    r.expect_code(1).expect_contains("1 passed, 1 failed");
    // Each predicate is an assertion of its own: two of the four fail.
    let report = w.path("r.json");
    w.yarc(&[
        "run",
        "all.yaml",
        "--report",
        &format!("json:{}", report.display()),
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("json");
    let asserts = &json["collections"][0]["requests"][1]["assertions"];
    let failed = asserts
        .as_array()
        .expect("list")
        .iter()
        .filter(|a| a["passed"] == false)
        .count();
    assert_eq!(
        (asserts.as_array().map(Vec::len), failed),
        (Some(4), 2),
        "{asserts}"
    );
    w.write(
        "bad.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n    expect: { body: { all: { contains: a } } }\n",
    );
    w.yarc(&["check", "bad.yaml"])
        .expect_code(2)
        .expect_contains("`all` takes a list of predicate maps");
}

#[test]
fn a_skip_reason_is_shown_by_check_run_and_the_reports() {
    let w = World::new();
    w.write(
        "skip.yaml",
        r#"
requests:
  - name: upload
    method: POST
    url: "{{ url }}/echo"
    skip: the upload file is not in the export
  - name: flagged
    url: "{{ url }}/echo"
    skip: "{{ 'set `host_name` to run this request' if not host_name else '' }}"
    variables: { host_name: "" }
  - name: runs
    url: "{{ url }}/echo"
"#,
    );
    w.yarc(&["check", "skip.yaml"])
        .expect_code(0)
        .expect_contains("note: request `upload` (skip.yaml:3:5) is skipped: the upload file is not in the export");
    let report = w.path("r.json");
    let r = w.yarc(&[
        "run",
        "skip.yaml",
        "--report",
        &format!("json:{}", report.display()),
    ]);
    r.expect_code(0)
        .expect_contains("skipped: the upload file is not in the export")
        .expect_contains("skipped: set `host_name` to run this request")
        .expect_contains("1 passed, 0 failed, 2 skipped");
    let text = std::fs::read_to_string(report).expect("report");
    assert!(
        text.contains("skipped: the upload file is not in the export"),
        "{text}"
    );
    // Once the variable is set, the condition lets the request run.
    w.yarc(&["run", "skip.yaml", "--var", "host_name=x"])
        .expect_code(0)
        .expect_contains("2 passed, 0 failed, 1 skipped");
}

#[test]
fn a_capture_with_a_default_does_not_fail_and_gives_its_default() {
    let w = World::new();
    w.write(
        "d.yaml",
        r#"
requests:
  - name: login
    url: "{{ url }}/echo"
    capture:
      token: { json: $.json.token, default: "" }
      who: { header: X-Nobody, default: nobody }
      id: { json: $.path, default: none }
  - name: uses it
    url: "{{ url }}/echo/{{ who }}?t={{ token }}&id={{ id }}"
    expect:
      json: { $.path: /echo/nobody, $.query: { t: "", id: /echo } }
"#,
    );
    w.yarc(&["run", "d.yaml"])
        .expect_code(0)
        .expect_contains("2 passed, 0 failed");
}

/// `repeat: N` sends N times; `repeat: { while }` sends again while the condition holds after
/// each send (its `set:` given again, its captures taken), every send judged and reported; a
/// condition still holding at `max` fails the last send.
#[test]
fn repeat_sends_again_while_its_condition_holds_and_judges_every_send() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { count: 0 }
requests:
  - name: thrice
    url: "{{ url }}/echo/thrice"
    repeat: 3
  - name: counter
    url: "{{ url }}/echo/counter?n={{ count }}"
    set: { count: "{{ count + 1 }}" }
    capture: { seen: $.query.n }
    repeat: { while: "{{ seen | int < 3 }}" }
    expect:
      json: { $.query.n: { not: "2" } }
  - name: after
    url: "{{ url }}/echo/after?n={{ count }}"
    expect:
      json: { $.query.n: "4" }
  - name: capped
    url: "{{ url }}/echo/capped"
    repeat: { while: "{{ true }}", max: 2 }
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "--report", "json:r.json"]);
    r.expect_code(1);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("report"))
            .expect("json");
    let sent: Vec<(String, String)> = report["collections"][0]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|q| {
            let name = q["name"].as_str().unwrap_or_default().to_string();
            (name, q["state"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let names: Vec<&str> = sent.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "thrice", "thrice", "thrice", "counter", "counter", "counter", "after", "capped",
            "capped"
        ]
    );
    // The second send of `counter` sent n=2, and its check failed: every send is judged.
    let states: Vec<&str> = sent.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(&states[3..6], ["passed", "failed", "passed"]);
    assert_eq!(states[8], "failed");
    r.expect_contains("repeat: `{{ true }}` still holds after 2 sends (`max: 2`");
    assert_eq!(w.sandbox.requests_seen(), 9);
}

/// `repeat` that cannot work is an input error: nothing is sent.
#[test]
fn a_repeat_that_cannot_work_is_refused_before_anything_is_sent() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: a
    url: "{{ url }}/echo"
    repeat: 0
  - name: b
    url: "{{ url }}/echo"
    repeat: { whle: "{{ x }}" }
  - name: c
    url: "{{ url }}/echo"
    repeat: { while: "{{ nope }}" }
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(2)
        .expect_contains("`repeat` must be at least 1")
        .expect_contains("did you mean `while`?")
        .expect_contains("undefined variable `nope` in request `c`");
    assert_eq!(w.sandbox.requests_seen(), 0);
}

/// A `skip:` that reads what an earlier request captures is decided as the run goes: `check`
/// does not say it is skipped (it was said from the starting value, and the run sent it).
#[test]
fn a_skip_on_a_captured_value_is_not_said_before_the_run() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { id: "" }
requests:
  - name: before
    url: "{{ url }}/echo"
    skip: "{{ 'no id yet' if not id else '' }}"
  - name: find
    url: "{{ url }}/echo?id=7"
    capture: { id: $.query.id }
  - name: after
    url: "{{ url }}/echo/{{ id }}"
    skip: "{{ 'no id yet' if not id else '' }}"
"#,
    );
    let out = w.yarc(&["check", "c.yaml"]);
    out.expect_code(0)
        .expect_contains("note: request `before` (c.yaml:4:5) is skipped: no id yet");
    assert!(!out.stderr.contains("`after`"), "{}", out.stderr);
    w.yarc(&["run", "c.yaml"])
        .expect_code(0)
        .expect_contains("2 passed, 0 failed, 1 skipped");
}
