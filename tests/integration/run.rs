//! The bundled examples, captures, polling, skipping, dry-run and transport failures.

use super::*;

#[test]
fn bundled_examples_pass_against_the_sandbox() {
    let args: Vec<String> = ["run", "collections", "--env", "sandbox"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let r = run_in(&project_root(), &args, &[]);
    r.expect_code(0);
    assert_eq!(r.summary(), "8 passed, 0 failed", "{}", r.stdout);
    assert!(r.stdout.contains("wait for the job"));
}

#[test]
fn check_accepts_the_bundled_examples_with_and_without_an_environment() {
    let args = |extra: &[&str]| -> Vec<String> {
        ["check", "collections"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    run_in(&project_root(), &args(&["--env", "sandbox"]), &[])
        .expect_code(0)
        .expect_contains("no problems found with environment `sandbox`");
    // Without --env, every environment is checked as a lint: stage's and prod's secrets are
    // listed when missing; --require-secrets makes them count, as `run --env NAME` would.
    let secrets = [
        ("VISMA_CLIENT_ID", "id-1"),
        ("VISMA_CLIENT_SECRET", "secret-1"),
        ("VISMA_TENANT_ID", "tenant-1"),
        ("VISMA_CUSTOMER_ID", "customer-1"),
        ("VISMA_USER_ID", "user-1"),
    ];
    run_in(&project_root(), &args(&[]), &secrets)
        .expect_code(0)
        .expect_contains("no problems found with each environment (prod, sandbox, stage)");
    run_in(&project_root(), &args(&[]), &[])
        .expect_code(0)
        .expect_contains(
            "note: `stage` needs secrets that are not set (or empty) here: VISMA_CLIENT_ID",
        );
    run_in(&project_root(), &args(&["--require-secrets"]), &[])
        .expect_code(2)
        .expect_contains("secret `VISMA_CLIENT_ID` is not set")
        .expect_contains("problems with `prod`, `stage`");
}

const CHAIN: &str = r#"
name: chain
auth:
  oauth2:
    token_url: "{{ url }}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
defaults:
  headers: { CUSTOMER_ID: "1", USER_ID: u }
requests:
  - name: start
    method: POST
    url: "{{ url }}/rostering/jobs"
    json: { name: chained, employees: [{ id: E-1 }] }
    expect: { status: 201 }
    capture:
      job_id: $.jobId
      status_code: { status: true }
      location: { header: content-type }
  - name: echo the capture
    url: "{{ url }}/echo/{{ job_id }}"
    query: { code: "{{ status_code }}" }
    auth: none
    expect:
      json:
        $.path: "/echo/{{ job_id }}"
        $.query.code: "201"
  - name: poll
    url: "{{ url }}/rostering/jobs/{{ job_id }}"
    retry: { attempts: 5, delay: 10ms, until: { json: { $.statusCode: stopped } } }
    expect: { json: { $.statusCode: stopped } }
"#;

#[test]
fn captures_flow_into_later_requests_and_polling_reaches_its_condition() {
    let w = World::new();
    w.write("chain.yaml", CHAIN);
    let r = w.yarc(&["run", "chain.yaml"]);
    r.expect_code(0).expect_contains("(3 attempts, last");
    assert_eq!(r.summary(), "3 passed, 0 failed");
    // Two protected requests and three polls... one token for all of them.
    assert_eq!(w.sandbox.tokens_issued(), 1);
}

#[test]
fn polling_gives_up_at_the_attempt_cap() {
    let w = World::new();
    w.write(
        "poll.yaml",
        r#"
name: poll
requests:
  - name: never done
    url: "{{ url }}/echo"
    retry: { attempts: 3, delay: 10ms, until: { json: { $.method: POST } } }
"#,
    );
    let r = w.yarc(&["run", "poll.yaml"]);
    r.expect_code(1)
        .expect_contains("polling gave up after 3 attempts")
        .expect_contains("(3 attempts, last");
    assert_eq!(w.sandbox.requests_seen(), 3);
}

#[test]
fn polling_gives_up_at_the_overall_timeout() {
    let w = World::new();
    w.write(
        "poll.yaml",
        r#"
name: poll
requests:
  - name: never done
    url: "{{ url }}/echo"
    retry: { attempts: 100, delay: 100ms, timeout: 250ms, until: { status: 201 } }
"#,
    );
    let r = w.yarc(&["run", "poll.yaml"]);
    r.expect_code(1).expect_contains("overall timeout of 250ms");
    assert!(w.sandbox.requests_seen() < 10);
}

#[test]
fn an_unreachable_host_fails_only_its_own_request() {
    let w = World::new();
    w.write(
        "down.yaml",
        r#"
name: down
requests:
  - name: before
    url: "{{ url }}/echo"
  - name: unreachable
    url: "http://127.0.0.1:1/nothing"
  - name: after
    url: "{{ url }}/echo"
    expect: { status: 200 }
"#,
    );
    let r = w.yarc(&["run", "down.yaml"]);
    r.expect_code(3).expect_contains("could not connect");
    assert_eq!(r.summary(), "2 passed, 1 failed");
    assert_eq!(w.sandbox.requests_seen(), 2);
}

#[test]
fn a_timeout_fails_the_request_with_its_cause() {
    let w = World::new();
    w.write(
        "slow.yaml",
        r#"
name: slow
requests:
  - name: slow
    url: "{{ url }}/faults/slow?ms=2000"
    timeout: 200ms
  - name: fine
    url: "{{ url }}/echo"
"#,
    );
    let r = w.yarc(&["run", "slow.yaml"]);
    r.expect_code(3).expect_contains("timed out after 200ms");
    assert_eq!(r.summary(), "1 passed, 1 failed");
}

#[test]
fn skip_and_groups_inherit_settings() {
    let w = World::new();
    w.write(
        "groups.yaml",
        r#"
name: groups
variables: { flag: "yes" }
defaults:
  headers: { X-Level: collection }
requests:
  - group: admin
    defaults:
      headers: { X-Group: admin }
    requests:
      - name: health
        url: "{{ url }}/echo"
        expect:
          json:
            "$.headers['x-level']": collection
            "$.headers['x-group']": admin
      - name: skipped
        url: "{{ url }}/echo"
        skip: "{{ flag == 'yes' }}"
"#,
    );
    let r = w.yarc(&["run", "groups.yaml"]);
    r.expect_code(0).expect_contains("admin / health");
    assert_eq!(r.summary(), "1 passed, 0 failed, 1 skipped");
}

#[test]
fn dry_run_prints_curl_and_sends_nothing() {
    let w = World::new();
    w.write("chain.yaml", CHAIN);
    let r = w.yarc(&["run", "chain.yaml", "--dry-run"]);
    r.expect_code(0)
        .expect_contains("curl -X POST")
        .expect_contains("--data-raw '{\"name\":\"chained\",\"employees\":[{\"id\":\"E-1\"}]}'")
        .expect_contains("/echo/__job_id__");
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn variables_follow_their_precedence() {
    let w = World::new();
    w.write(
        "vars.yaml",
        r#"
name: vars
variables: { a: collection, b: collection, c: collection, d: collection }
requests:
  - name: echo
    url: "{{ url }}/echo"
    query: { a: "{{ a }}", b: "{{ b }}", c: "{{ c }}", d: "{{ d }}" }
    expect:
      json:
        $.query.a: collection
        $.query.b: environment
        $.query.c: file
        $.query.d: cli
"#,
    );
    w.write(
        "environments/test.yaml",
        "variables: { b: environment, c: environment, d: environment }\n",
    );
    w.write("vars.json", r#"{"c": "file", "d": "file"}"#);
    w.yarc(&[
        "run",
        "vars.yaml",
        "--env",
        "test",
        "--var-file",
        "vars.json",
        "--var",
        "d=cli",
    ])
    .expect_code(0);
}

#[test]
fn redirects_cookies_and_compressed_responses() {
    let w = World::new();
    w.write(
        "http.yaml",
        r#"
name: http
requests:
  - name: redirect followed
    url: "{{ url }}/redirect?to=/echo/landed"
    expect: { status: 200, json: { $.path: /echo/landed } }
  - name: redirect not followed
    url: "{{ url }}/redirect?to=/echo/landed"
    follow_redirects: false
    expect: { status: 302, headers: { location: /echo/landed } }
  - name: set a cookie
    url: "{{ url }}/cookies/set?session=abc123"
  - name: cookie sent back
    url: "{{ url }}/echo"
    expect: { json: { $.headers.cookie: session=abc123 } }
  # A Cookie header written beside the jar's cookies: one header, the written ones first
  # (a second Cookie line is one many servers never read).
  - name: cookie header and jar in one
    url: "{{ url }}/echo"
    headers: { Cookie: "lang=nb; session=mine" }
    expect:
      json:
        $.headers.cookie: lang=nb; session=mine
        $.repeated_headers: { exists: false }
  # Written empty, without the jar's: an empty Cookie header, as any header written empty.
  - name: cookie header written empty
    url: "{{ url }}/echo"
    cookie_jar: false
    headers: { Cookie: "" }
    expect: { json: { $.headers.cookie: "" } }
  - name: no jar for this one
    url: "{{ url }}/echo"
    cookie_jar: false
    cookies: { own: "1" }
    expect: { json: { $.headers.cookie: own=1 } }
  - name: gzip body decoded
    url: "{{ url }}/compressed"
    expect: { json: { $.compressed: true, $.items: [1, 2, 3] } }
"#,
    );
    let r = w.yarc(&["run", "http.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "8 passed, 0 failed");
}

#[test]
fn each_collection_file_has_its_own_cookie_jar() {
    let w = World::new();
    w.write(
        "a.yaml",
        "name: a\nrequests:\n  - name: set\n    url: \"{{ url }}/cookies/set?jar=a\"\n",
    );
    w.write(
        "b.yaml",
        "name: b\nrequests:\n  - name: no cookie\n    url: \"{{ url }}/echo\"\n    expect: { json: { $.headers.cookie: { exists: false } } }\n",
    );
    w.yarc(&["run", "a.yaml", "b.yaml"]).expect_code(0);
}

#[test]
fn json_schema_passes_and_fails_with_the_violation() {
    let w = World::new();
    w.write(
        "schemas/echo.yaml",
        "type: object\nrequired: [method, json]\nproperties:\n  json:\n    type: object\n    required: [size]\n    properties:\n      size: { type: integer, minimum: 5 }\n",
    );
    w.write(
        "schema.yaml",
        r#"
name: schema
requests:
  - name: valid
    method: POST
    url: "{{ url }}/echo"
    json: { size: 9 }
    expect: { schema: schemas/echo.yaml }
  - name: invalid
    method: POST
    url: "{{ url }}/echo"
    json: { size: 2 }
    expect: { schema: schemas/echo.yaml }
"#,
    );
    let r = w.yarc(&["run", "schema.yaml"]);
    r.expect_code(1)
        .expect_contains("expected: to match the schema schemas/echo.yaml")
        .expect_contains("at /json/size: 2 is less than the minimum of 5");
    assert_eq!(r.summary(), "1 passed, 1 failed");
}

#[test]
fn a_schema_written_in_place_and_a_list_of_schemas_are_each_held() {
    let w = World::new();
    w.write("schemas/method.yaml", "type: object\nrequired: [method]\n");
    w.write(
        "inline.yaml",
        r#"
name: inline
requests:
  - name: in place
    method: POST
    url: "{{ url }}/echo"
    json: { size: 9 }
    expect:
      schema:
        $schema: http://json-schema.org/draft-04/schema#
        properties:
          json: { properties: { size: { type: integer, maximum: 10 } } }
  - name: a list, the second broken
    method: POST
    url: "{{ url }}/echo"
    json: { size: 2 }
    expect:
      schema:
        - schemas/method.yaml
        - { properties: { json: { required: [colour] } } }
"#,
    );
    let r = w.yarc(&["run", "inline.yaml"]);
    r.expect_code(1)
        .expect_contains("expected: to match the schema written at line 20")
        .expect_contains("at /json: \"colour\" is a required property");
    assert_eq!(r.summary(), "1 passed, 1 failed");
    assert!(!r.stdout.contains("schemas/method.yaml"), "{}", r.stdout);
    // A mapping that is not a JSON Schema is refused before anything is sent, with its place.
    w.write(
        "bad.yaml",
        "name: bad\nrequests:\n  - name: x\n    url: \"{{ url }}/echo\"\n    expect:\n      schema: { type: 12 }\n",
    );
    let r = w.yarc(&["check", "bad.yaml"]);
    r.expect_code(2)
        .expect_contains("cannot use this schema: not a valid JSON Schema")
        .expect_contains("bad.yaml:6:7");
}

#[test]
fn template_functions_and_filters() {
    let w = World::new();
    w.write(
        "fns.yaml",
        r#"
name: functions
requests:
  - name: echo
    method: POST
    url: "{{ url }}/echo"
    json:
      id: "{{ uuid() }}"
      now: "{{ now() }}"
      day: "{{ now('%Y-%m-%d') }}"
      ts: "{{ timestamp() }}"
      n: "{{ random_int(4, 4) }}"
      b64: "{{ 'ada:lovelace' | base64_encode }}"
      plain: "{{ 'YWRh' | base64_decode }}"
      home: "{{ env('YARC_IT_HOME', 'fallback') }}"
      upper: "{{ 'x' | upper }}"
    expect:
      json:
        $.json.id: 00000000-0000-4000-8000-000000000000
        $.json.now: "2026-01-01T00:00:00.000Z"
        $.json.day: "2026-01-01"
        $.json.ts: 1767225600
        $.json.n: 4
        $.json.b64: YWRhOmxvdmVsYWNl
        $.json.plain: ada
        $.json.home: from-env
        $.json.upper: X
"#,
    );
    w.yarc_env(&["run", "fns.yaml"], &[("YARC_IT_HOME", "from-env")])
        .expect_code(0);
}

/// A keep-alive HTTP/1.1 server that counts the connections it accepts.
fn counting_server() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::runtime::Runtime,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (rt, listener) = super::local_listener(2);
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    rt.spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(super::keep_alive(s, |_| {
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    .into()
            }));
        }
    });
    (url, count, rt)
}

#[test]
fn collection_files_share_the_runs_connections() {
    use std::sync::atomic::Ordering;
    let (url, count, _rt) = counting_server();
    let w = World::new();
    for i in 0..12 {
        w.write(
            &format!("suite/f{i:02}.yaml"),
            &format!(
                "name: f{i}\nrequests:\n  - name: a\n    url: \"{url}/a\"\n  - name: b\n    url: \"{url}/b\"\n  - name: c\n    url: \"{url}/c\"\n"
            ),
        );
    }
    w.yarc(&["run", "suite", "--jobs", "1"])
        .expect_code(0)
        .expect_contains("36 passed");
    // One connection for the whole run, not one per file (a TLS handshake each, against an API):
    // at most two, as the pool may not have the last one back when the next request starts
    // on a loaded machine (seen once while a differential harness ran beside the tests).
    let opened = count.swap(0, Ordering::SeqCst);
    assert!(
        (1..=2).contains(&opened),
        "{opened} connections for 36 requests"
    );
    w.yarc(&["run", "suite", "--jobs", "4"])
        .expect_code(0)
        .expect_contains("36 passed");
    let opened = count.load(Ordering::SeqCst);
    assert!((1..=8).contains(&opened), "{opened} connections for 4 jobs");
}

#[test]
fn a_request_that_does_not_inherit_sends_only_what_it_says() {
    let w = World::new();
    w.write(
        "own.yaml",
        r#"
name: own
auth: { bearer: collection-token }
defaults:
  headers: { X-Trace: abc }
  query: { lang: en }
  set: { n: "{{ (n | default(0)) + 1 }}" }
  expect: { json: { "$.headers['x-trace']": abc } }
requests:
  - name: inherits
    url: "{{ url }}/echo"
    expect:
      json:
        $.headers.authorization: Bearer collection-token
        $.query.lang: en
  - name: its own
    inherit: false
    url: "{{ url }}/echo"
    headers: { X-Own: "yes" }
    expect:
      json:
        "$.headers['x-own']": "yes"
        "$.headers['x-trace']": { exists: false }
        $.headers.authorization: { exists: false }
        $.query: { length: 0 }
  - name: counts
    url: "{{ url }}/echo"
    query: { n: "{{ n }}" }
    expect: { json: { $.query.n: "3" } }
"#,
    );
    // The inherited check holds for the two that inherit; `its own` gets no header, query,
    // auth or check from above, but the `set:` runs before it too (n = 3 at the third).
    let r = w.yarc(&["run", "own.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "3 passed, 0 failed");
    let plan = w.yarc(&["run", "own.yaml", "--dry-run", "--name", "its own"]);
    plan.expect_code(0);
    assert!(!plan.stdout.contains("abc"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("collection-token"), "{}", plan.stdout);
}
