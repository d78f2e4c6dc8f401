//! No false green: every result yarc reports is true, and `check` refuses what `run` would
//! refuse. Each test drives the real binary against the sandbox and fails on the behaviour the
//! "No false green" issue found.

use super::*;
use std::time::Duration;

fn json_report(w: &World, file: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(w.path(file)).expect("report written"))
        .expect("valid JSON")
}

/// Runs `text` as c.yaml against the sandbox: its own assertions must all hold.
fn passes(text: &str) {
    let w = World::new();
    w.write("c.yaml", text);
    w.yarc(&["run", "c.yaml"]).expect_code(0);
}

// ---- Template values -------------------------------------------------------------------

#[test]
fn booleans_and_none_are_written_as_json_spells_them() {
    passes(
        r#"
variables: { flag: false, yes: true, nothing: null, list: [1, { a: "b'c", n: null }, true] }
requests:
  - name: echo
    url: "{{ url }}/echo?flag={{ flag }}&yes={{ yes }}&none={{ nothing }}&s={{ flag | string }}"
    json: { flag: "{{ flag }}", nothing: "{{ nothing }}", text: "{{ flag }}!", list: "{{ list }}!" }
    expect:
      status: 200
      json:
        $.query.flag: "false"
        $.query.yes: "true"
        $.query.none: ""
        $.query.s: "false"
        $.json.flag: { type: boolean, equals: false }
        $.json.nothing: { type: null }
        $.json.text: "false!"
        $.json.list: "[1,{\"a\":\"b'c\",\"n\":null},true]!"
"#,
    );
}

#[test]
fn derived_variables_see_the_data_row_in_every_layer_and_every_iteration() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables:
  who: collection
  greeting: "hi {{ who }}"
requests:
  - group: g
    variables: { group_greeting: "hey {{ who }}" }
    requests:
      - name: echo
        url: "{{ url }}/echo"
        query: { g: "{{ greeting }}", gg: "{{ group_greeting }}", e: "{{ env_greeting }}" }
        expect:
          json:
            $.query.g: "hi {{ who }}"
            $.query.gg: "hey {{ who }}"
            $.query.e: "yo {{ who }}"
"#,
    );
    w.write(
        "environments/e.yaml",
        "variables:\n  env_greeting: \"yo {{ who }}\"\n",
    );
    w.write("rows.csv", "who\nrow-one\nrow-two\n");
    let r = w.yarc(&[
        "run",
        "c.yaml",
        "--env",
        "e",
        "--data",
        "rows.csv",
        "--report",
        "json:r.json",
    ]);
    r.expect_code(0);
    let v = json_report(&w, "r.json");
    let urls: Vec<&str> = v["collections"]
        .as_array()
        .expect("collections")
        .iter()
        .map(|c| c["requests"][0]["url"].as_str().unwrap_or(""))
        .collect();
    assert!(
        urls[0].contains("g=hi+row-one") && urls[0].contains("e=yo+row-one"),
        "{urls:?}"
    );
    assert!(urls[1].contains("gg=hey+row-two"), "{urls:?}");
    // `yarc vars` shows the values the first collection run starts with.
    w.yarc_env(&["vars", "c.yaml", "--env", "e", "--data", "rows.csv"], &[])
        .expect_code(0)
        .expect_contains("hi row-one")
        .expect_contains("data row 1 of 2");
    // --var still wins over the row, and derived values follow it.
    let r = w.yarc(&[
        "run",
        "c.yaml",
        "--env",
        "e",
        "--data",
        "rows.csv",
        "--var",
        "who=cli",
        "--report",
        "json:r.json",
    ]);
    r.expect_code(0);
    let v = json_report(&w, "r.json");
    assert!(
        v["collections"][1]["requests"][0]["url"]
            .as_str()
            .unwrap_or("")
            .contains("g=hi+cli")
    );
}

#[test]
fn derived_variables_follow_captures_and_get_a_new_value_per_iteration() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables:
  item_url: "{{ url }}/echo/items/{{ item_id }}"
  run_id: "{{ uuid() }}"
requests:
  - name: create
    method: POST
    url: "{{ url }}/echo"
    json: { id: "item-{{ run_id }}" }
    capture: { item_id: $.json.id }
  - name: read
    url: "{{ item_url }}"
    expect:
      json:
        $.path: "/echo/items/item-{{ run_id }}"
"#,
    );
    // Real UUIDs: each iteration gets its own run_id, and one iteration keeps one.
    let r = w.yarc_real_clock(&[
        "run",
        "c.yaml",
        "--iterations",
        "2",
        "--report",
        "json:r.json",
    ]);
    r.expect_code(0);
    let v = json_report(&w, "r.json");
    let paths: Vec<String> = (0..2)
        .map(|i| {
            v["collections"][i]["requests"][1]["url"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_ne!(paths[0], paths[1], "each iteration renders run_id again");
}

#[test]
fn a_variable_that_is_one_expression_keeps_its_type() {
    passes(
        r#"
variables:
  n: 5
  n2: "{{ n + 1 }}"
  x: z
  flag2: "{{ x == 'y' }}"
  items: "{{ [1, 2] }}"
requests:
  - name: echo
    method: POST
    url: "{{ url }}/echo"
    json: { n2: "{{ n2 }}", flag2: "{{ flag2 }}", branch: "{% if flag2 %}yes{% else %}no{% endif %}", items: "{{ items }}" }
    expect:
      json:
        $.json.n2: { type: integer, equals: 6 }
        $.json.flag2: { type: boolean, equals: false }
        $.json.branch: "no"
        $.json.items: { type: array, length: 2 }
"#,
    );
}

#[test]
fn a_variable_cycle_is_an_input_error_naming_the_variables_and_places() {
    let w = World::new();
    w.write(
        "c.yaml",
        "variables:\n  a: \"{{ b }}\"\n  b: \"x{{ a }}\"\n  c: \"{{ c }}/v2\"\nrequests:\n  - name: r\n    url: \"{{ url }}/echo?x={{ a }}\"\n",
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(2)
        .expect_contains("variables refer to each other in a cycle: `a` → `b` → `a`")
        .expect_contains("c.yaml:2:3")
        .expect_contains("`b` at c.yaml:3:3")
        .expect_contains("cycle: `c` → `c`")
        .expect_contains("nothing was sent");
    assert_eq!(w.sandbox.requests_seen(), 0);
    w.yarc(&["check", "c.yaml"])
        .expect_code(2)
        .expect_contains("cycle");
}

// ---- Assertions and outcomes -----------------------------------------------------------

#[test]
fn a_path_that_selects_nothing_fails_negated_predicates() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: echo
    url: "{{ url }}/echo"
    expect:
      json:
        $.json.missing: { not: { equals: 1 } }
        $.missing_too: { exists: false }
"#,
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(1)
        .expect_contains("actual:   nothing: `$.json.missing` selects nothing")
        .expect_contains("0 passed, 1 failed");
}

#[test]
fn without_expect_status_an_error_status_fails() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: not found
    url: "{{ url }}/faults/status/404"
  - name: server error with other checks
    url: "{{ url }}/faults/status/500"
    expect: { headers: { content-type: { exists: true } } }
  - name: any status
    url: "{{ url }}/faults/status/503"
    expect: { status: any }
  - name: listed
    url: "{{ url }}/faults/status/404"
    expect: { status: [200, 404] }
  - name: fine
    url: "{{ url }}/echo"
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1)
        .expect_contains("no expect.status given: 4xx/5xx fail by default")
        .expect_contains("expected: a status below 400")
        .expect_contains("3 passed, 2 failed");
}

#[test]
fn polling_until_a_status_needs_no_expect_status() {
    passes(
        r#"
requests:
  - name: poll a 404 until it is a 404
    url: "{{ url }}/faults/status/404"
    retry: { attempts: 2, delay: 10ms, until: { status: 404 } }
"#,
    );
}

#[test]
fn a_failed_capture_skips_what_needs_it_and_the_exit_code_stays_1() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables:
  job_url: "{{ url }}/echo/jobs/{{ job_id }}"
requests:
  - name: start a job
    method: POST
    url: "{{ url }}/echo"
    capture:
      job_id: $.json.jobId
  - name: fetch the result
    url: "{{ url }}/echo/jobs/{{ job_id }}"
  - name: through a variable
    url: "{{ job_url }}"
  - name: unrelated
    url: "{{ url }}/echo"
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "--report", "json:r.json"]);
    r.expect_code(1)
        .expect_contains(
            "skipped: needs `job_id`, whose capture failed in request `start a job` (c.yaml:9:7)",
        )
        .expect_contains("1 passed, 1 failed, 2 skipped");
    let v = json_report(&w, "r.json");
    let states: Vec<&str> = v["collections"][0]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(states, ["failed", "skipped", "skipped", "passed"]);
    assert_eq!(v["summary"]["exit_code"], 1);
    assert!(!r.all().contains("undefined value"), "{}", r.all());
}

#[test]
fn a_filter_that_selects_nothing_is_an_error_and_skip_tag_leaves_out() {
    let w = World::new();
    w.write(
        "c.yaml",
        "tags: [api]\nrequests:\n  - name: list jobs\n    url: \"{{ url }}/echo\"\n    tags: [smoke]\n  - name: slow one\n    url: \"{{ url }}/echo\"\n    tags: [slow]\n",
    );
    w.yarc(&["run", "c.yaml", "--tag", "smokee"])
        .expect_code(2)
        .expect_contains("`--tag smokee` selects no request")
        .expect_contains("did you mean `smoke`?")
        .expect_contains("the tags that exist: api, slow, smoke");
    w.yarc(&["run", "c.yaml", "--name", "list jbos"])
        .expect_code(2)
        .expect_contains("`--name list jbos` selects no request")
        .expect_contains("did you mean `list jobs`?");
    w.yarc(&["run", "c.yaml", "--tag", "smoke", "--tag", "nope"])
        .expect_code(2)
        .expect_contains("`--tag nope`");
    w.yarc(&["run", "c.yaml", "--tag", "smoke", "--name", "slow*"])
        .expect_code(2)
        .expect_contains("selects no request");
    assert_eq!(w.sandbox.requests_seen(), 0);
    let r = w.yarc(&["run", "c.yaml", "--skip-tag", "slow"]);
    r.expect_code(0).expect_contains("1 passed, 0 failed");
    assert!(!r.stdout.contains("slow one"));
    w.yarc(&["run", "c.yaml", "--skip-tag", "slwo"])
        .expect_code(0)
        .expect_contains("warning: `--skip-tag slwo` matches no request");
}

#[test]
fn an_empty_shard_says_so_in_the_output_and_the_reports() {
    let w = World::new();
    w.write(
        "a.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n",
    );
    let r = w.yarc(&[
        "run",
        "a.yaml",
        "--shard",
        "2/3",
        "--report",
        "json:r.json",
        "--report",
        "junit:r.xml",
    ]);
    r.expect_code(0)
        .expect_contains("note: shard 2/3 has no collection runs: there are 1 in all");
    let v = json_report(&w, "r.json");
    assert!(v["notes"][0].as_str().unwrap_or("").contains("shard 2/3"));
    let xml = std::fs::read_to_string(w.path("r.xml")).expect("junit");
    assert!(
        xml.contains("yarc.note") && xml.contains("shard 2/3"),
        "{xml}"
    );
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn the_401_resend_counts_as_an_attempt_and_verbose_shows_every_step() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
auth:
  oauth2:
    token_url: "{{ url }}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
defaults:
  headers: { CUSTOMER_ID: "1", USER_ID: u }
requests:
  - name: before
    url: "{{ url }}/rostering/jobs"
    expect: { status: 200 }
  - name: revoke every token
    method: POST
    url: "{{ url }}/sandbox/revoke"
    auth: none
  - name: after
    url: "{{ url }}/rostering/jobs"
    expect: { status: 200 }
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "--verbose", "--report", "json:r.json"]);
    r.expect_code(0)
        .expect_contains("* token: POST http://127.0.0.1:")
        .expect_contains("* send 1: 401 ([time]) — 401: the token was refused; fetching a new one and sending again")
        .expect_contains("* send 2: 200")
        .expect_contains("(2 attempts, last [time])");
    assert!(!r.stdout.contains("sandbox-secret"));
    let v = json_report(&w, "r.json");
    let after = &v["collections"][0]["requests"][2];
    assert_eq!(after["attempts"], 2);
    let steps: Vec<&str> = after["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["step"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["token", "send", "token", "send"]);
    assert_eq!(after["steps"][1]["status"], 401);
}

#[test]
fn a_dry_run_says_nothing_was_sent() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n  - name: b\n    url: \"{{ url }}/echo\"\n",
    );
    let r = w.yarc(&["run", "c.yaml", "--dry-run"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 requests rendered, nothing sent (--dry-run)");
    assert!(!r.stdout.contains("passed"));
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn polling_reports_the_time_across_attempts() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: poll
    url: "{{ url }}/echo"
    retry: { attempts: 3, delay: 300ms, until: { json: { $.method: POST } } }
    expect: { status: 200 }
"#,
    );
    let r = w.yarc_real_clock(&[
        "run",
        "c.yaml",
        "--report",
        "json:r.json",
        "--report",
        "junit:r.xml",
    ]);
    r.expect_code(1).expect_contains("(3 attempts, last ");
    let v = json_report(&w, "r.json");
    let req = &v["collections"][0]["requests"][0];
    assert!(req["duration_ms"].as_u64().unwrap_or(0) >= 600, "{req}");
    assert!(
        req["last_attempt_ms"].as_u64().unwrap_or(999) < 300,
        "{req}"
    );
    let junit = quick_junit::Report::deserialize_from_str(
        &std::fs::read_to_string(w.path("r.xml")).expect("junit"),
    )
    .expect("valid");
    let time = junit.test_suites[0].test_cases[0].time.expect("time");
    assert!(time >= Duration::from_millis(600), "{time:?}");
}

// ---- check refuses what run would refuse -------------------------------------------------

/// `check` and `run` give the same exit code and message, and the server sees nothing.
#[track_caller]
fn both_refuse(w: &World, file: &str, extra: &[&str], needle: &str) {
    for cmd in ["check", "run"] {
        let mut args = vec![cmd, file];
        args.extend(extra);
        w.yarc(&args).expect_code(2).expect_contains(needle);
    }
    assert_eq!(w.sandbox.requests_seen(), 0, "the server was called");
}

#[test]
fn check_without_env_checks_variables_when_there_are_no_environments() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo/{{ nope }}\"\n",
    );
    both_refuse(&w, "c.yaml", &[], "undefined variable `nope`");
}

#[test]
fn check_takes_data_columns_var_files_and_secret_vars() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo/{{ who }}/{{ extra }}\"\n    headers: { X-K: \"{{ secret('K') }}\" }\n",
    );
    w.write("rows.csv", "who\na\n");
    w.write("vars.yaml", "extra: x\n");
    let args = [
        "check",
        "c.yaml",
        "--data",
        "rows.csv",
        "--var-file",
        "vars.yaml",
        "--secret-var",
        "K=abcdef",
    ];
    w.yarc(&args)
        .expect_code(0)
        .expect_contains("no problems found");
    w.yarc(&[
        "check",
        "c.yaml",
        "--data",
        "rows.csv",
        "--var-file",
        "vars.yaml",
        "--require-secrets",
    ])
    .expect_code(2)
    .expect_contains("secret `K` is not set");
}

#[test]
fn check_refuses_urls_without_http() {
    let w = World::new();
    w.write(
        "a.yaml",
        "requests:\n  - name: r\n    url: \"example.com/x\"\n",
    );
    both_refuse(
        &w,
        "a.yaml",
        &[],
        "it has no scheme: start it with http:// or https://",
    );
    w.write("b.yaml", "variables: { base: \"ftp://example.com\" }\nrequests:\n  - name: r\n    url: \"{{ base }}/x\"\n");
    both_refuse(&w, "b.yaml", &[], "the scheme `ftp` is not http or https");
}

#[test]
fn check_refuses_missing_files_unknown_filters_and_tls_files() {
    let w = World::new();
    w.write(
        "a.yaml",
        "requests:\n  - name: r\n    method: POST\n    url: \"{{ url }}/echo\"\n    multipart:\n      f: { file: data/missing.csv }\n",
    );
    both_refuse(&w, "a.yaml", &[], "file `data/missing.csv` does not exist");
    w.write(
        "b.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo?x={{ 'A' | lowercase }}\"\n",
    );
    both_refuse(&w, "b.yaml", &[], "unknown filter `lowercase`");
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n",
    );
    both_refuse(
        &w,
        "c.yaml",
        &["--cacert", "nope.pem"],
        "`--cacert nope.pem`: the file does not exist",
    );
    w.write("environments/t.yaml", "tls: { ca_cert: certs/ca.pem }\n");
    both_refuse(&w, "c.yaml", &["--env", "t"], "`tls.ca_cert`: the file");
}

#[test]
fn check_refuses_requests_that_would_share_a_snapshot_file() {
    let w = World::new();
    w.write(
        "a.yaml",
        "defaults: { snapshot: true }\nrequests:\n  - name: list jobs\n    url: \"{{ url }}/echo\"\n  - name: List Jobs!\n    url: \"{{ url }}/echo\"\n",
    );
    both_refuse(&w, "a.yaml", &[], "would share the snapshot file");
    let w = World::new();
    let one = "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    snapshot: true\n";
    w.write("api.yaml", one);
    w.write("api.yml", one);
    for cmd in ["check", "run"] {
        w.yarc(&[cmd, "."])
            .expect_code(2)
            .expect_contains("would share the snapshot file");
    }
}

// ---- Smaller truths ----------------------------------------------------------------------

#[test]
fn a_malformed_env_line_is_an_error_with_its_place_and_no_value() {
    let w = World::new();
    w.write("c.yaml", "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    headers: { X: \"{{ secret('B') }}\" }\n");
    w.write(".env", "A=fine\nB=\"unterminated s3cr3t-value\nC=later\n");
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(2)
        .expect_contains("malformed line in `./.env`:2 (the value of `B`)")
        .expect_contains("a quote is opened and never closed");
    assert!(!r.all().contains("s3cr3t"));
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn input_errors_found_while_rendering_are_exit_2_with_the_place() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: first
    url: "{{ url }}/echo"
    capture: { n: $.body_length }
  - name: huge
    url: "{{ url }}/echo"
    text: "{% for i in range(n + 100000) %}{{ 'x' * 100 }}{% endfor %}"
  - name: newline in a header
    url: "{{ url }}/echo"
    headers: { X-Key: "{{ secret('KEY') }}" }
"#,
    );
    let r = w.yarc_env(
        &["run", "c.yaml", "--report", "json:r.json"],
        &[("KEY", "abcdefgh\n")],
    );
    r.expect_code(2)
        .expect_contains("c.yaml:8:11")
        .expect_contains("ran out of fuel")
        .expect_contains("not a valid HTTP header value: it ends with a line break")
        .expect_contains("c.yaml:11:23");
    assert!(!r.all().contains("abcdefgh"));
    let v = json_report(&w, "r.json");
    assert_eq!(v["collections"][0]["requests"][1]["state"], "invalid");
    assert_eq!(v["summary"]["exit_code"], 2);
    assert_eq!(w.sandbox.requests_seen(), 1);
}

#[test]
fn a_redirect_to_another_scheme_fails_that_request_clearly() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/redirect?to=file:///etc/passwd\"\n  - name: next\n    url: \"{{ url }}/echo\"\n",
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(3)
        .expect_contains(
            "the server redirected to `file:///etc/passwd`, which is not an http or https URL",
        )
        .expect_contains("1 passed, 1 failed");
}

#[test]
fn dry_run_curl_lines_use_paths_from_the_working_directory_and_keep_the_type() {
    let w = World::new();
    w.write(
        "api/c.yaml",
        "requests:\n  - name: r\n    method: POST\n    url: \"{{ url }}/echo\"\n    multipart:\n      f: { file: data/a.csv, content_type: text/csv }\n  - name: raw\n    method: POST\n    url: \"{{ url }}/echo\"\n    file: data/a.csv\n",
    );
    w.write("api/data/a.csv", "a\n1\n");
    w.yarc(&["run", "api/c.yaml", "--dry-run"])
        .expect_code(0)
        .expect_contains("-F 'f=@api/data/a.csv;type=text/csv'")
        .expect_contains("--data-binary '@api/data/a.csv'");
}

#[test]
fn stale_snapshots_of_rows_that_are_gone_are_reported() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo?who={{ who }}\"\n    snapshot: true\n",
    );
    w.write("rows.csv", "who\na\nb\nc\n");
    w.yarc(&["run", "c.yaml", "--data", "rows.csv"])
        .expect_code(0);
    assert!(w.path("__snapshots__/c/default/r.3.snap.yaml").is_file());
    w.write("rows.csv", "who\na\nb\n");
    w.yarc(&["run", "c.yaml", "--data", "rows.csv"])
        .expect_code(0)
        .expect_contains("stale snapshot __snapshots__/c/default/r.3.snap.yaml");
    w.yarc(&["run", "c.yaml", "--data", "rows.csv", "--prune-snapshots"])
        .expect_code(0);
    assert!(!w.path("__snapshots__/c/default/r.3.snap.yaml").exists());
    assert!(w.path("__snapshots__/c/default/r.2.snap.yaml").is_file());
}

#[test]
fn the_bundled_rostering_collection_passes_against_its_own_mock() {
    let root = project_root();
    let mut mock = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(&root)
        .args(["mock", "collections/rostering.yaml", "--env", "sandbox"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn mock");
    let mut line = String::new();
    let stdout = mock.stdout.take().expect("stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("mock url")
        .to_string();
    let args: Vec<String> = [
        "run",
        "collections/rostering.yaml",
        "--env",
        "sandbox",
        "--ci",
        "--var",
        &format!("sandbox_url={url}"),
    ]
    .map(String::from)
    .to_vec();
    let r = run_in(&root, &args, &[]);
    let _ = mock.kill();
    let _ = mock.wait();
    r.expect_code(0).expect_contains("5 passed, 0 failed");
}

#[test]
fn a_name_inside_a_group_is_suggested_whatever_its_case() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - group: Orders\n    requests:\n      - name: List open orders\n        url: \"{{ url }}/echo\"\n",
    );
    w.yarc(&["run", "c.yaml", "--name", "list opne orders"])
        .expect_code(2)
        .expect_contains("did you mean `List open orders`?");
}

#[test]
fn an_optional_capture_that_finds_nothing_keeps_the_value_it_had() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { profile: start }
requests:
  - name: nothing there
    method: POST
    url: "{{ url }}/echo"
    json: {}
    capture: { profile: { json: $.json.id, optional: true } }
  - name: uses the starting value
    url: "{{ url }}/echo/{{ profile }}"
    expect: { json: { $.path: /echo/start } }
  - name: one there
    method: POST
    url: "{{ url }}/echo"
    json: { id: p-1 }
    capture: { profile: { json: $.json.id, optional: true } }
  - name: nothing again
    method: POST
    url: "{{ url }}/echo"
    json: {}
    capture: { profile: { json: $.json.id, optional: true } }
  - name: keeps the captured value
    url: "{{ url }}/echo/{{ profile }}"
    expect: { json: { $.path: /echo/p-1 } }
"#,
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(0)
        .expect_contains("5 passed, 0 failed");
    w.write(
        "bad.yaml",
        "requests:\n  - name: x\n    url: \"{{ url }}/echo\"\n    capture: { a: { json: $.a, default: 1, optional: true } }\n",
    );
    w.yarc(&["check", "bad.yaml"])
        .expect_code(2)
        .expect_contains("has both `default:` and `optional: true`");
}

#[test]
fn a_capture_whose_when_does_not_hold_keeps_the_value_and_says_why_when_there_is_none() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { profile: start }
requests:
  - name: created elsewhere
    method: POST
    url: "{{ url }}/echo"
    json: { id: p-1, url: made }
    capture:
      profile: { json: $.json.id, when: { status: 201 } }
      made_url: { json: $.json.url, when: { status: 201 } }
  - name: keeps the starting value
    url: "{{ url }}/echo/{{ profile }}"
    expect: { json: { $.path: /echo/start } }
  - name: taken when it holds
    method: POST
    url: "{{ url }}/echo"
    json: { id: p-2, ok: true }
    capture:
      profile: { json: $.json.id, when: { status: 200, json: { $.json.ok: true } } }
  - name: sends the captured value
    url: "{{ url }}/echo/{{ profile }}"
    expect: { json: { $.path: /echo/p-2 } }
  - name: needs what was never captured
    url: "{{ url }}/echo/{{ made_url }}"
"#,
    );
    // The collection is fine, the API answered otherwise: a failure (exit 1), not bad input.
    w.yarc(&["run", "c.yaml"])
        .expect_code(1)
        .expect_contains("4 passed, 1 failed")
        .expect_contains(
            "not sent: needs `made_url`, which request `created elsewhere` captures only when its `when:` holds",
        )
        .expect_contains("and it did not");
    w.write(
        "bad.yaml",
        "requests:\n  - name: x\n    url: \"{{ url }}/echo\"\n    capture: { a: { json: $.a, when: { stauts: 201 } } }\n",
    );
    w.yarc(&["check", "bad.yaml"])
        .expect_code(2)
        .expect_contains("stauts");
}

/// `value:` takes what is written, not rendered, when `when:` holds (a logout that worked
/// leaves the `{{token}}` text Newman sends); otherwise the variable keeps its value.
#[test]
fn a_capture_of_a_value_is_taken_as_written_when_its_when_holds() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { token: t-1 }
requests:
  - name: logout refused
    url: "{{ url }}/echo"
    capture:
      token: { value: "{{token}}", when: { status: 204 } }
  - name: still the token
    url: "{{ url }}/echo/{{ token }}"
    expect: { json: { $.path: /echo/t-1 } }
  - name: logout
    url: "{{ url }}/echo"
    capture:
      token: { value: "{{token}}", when: { status: 200 } }
      flag: { value: 7 }
  - name: the text
    url: "{{ url }}/echo"
    headers: { x-token: "{{ token }}", x-flag: "{{ flag + 1 }}" }
    expect:
      json: { "$.headers['x-token']": "{{ '{{token}}' }}", "$.headers['x-flag']": "8" }
"#,
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(0)
        .expect_contains("4 passed, 0 failed");
    w.write(
        "bad.yaml",
        "requests:\n  - name: x\n    url: \"{{ url }}/echo\"\n    capture: { a: { value: 1, json: $.a } }\n",
    );
    w.yarc(&["check", "bad.yaml"])
        .expect_code(2)
        .expect_contains(
            "`value` is what the capture takes: it goes with `when:` alone, not with `json`",
        );
}

#[test]
fn a_request_marked_to_fail_is_sent_checked_and_failed_with_its_reason() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: marked\n    url: \"{{ url }}/echo?n=1\"\n    fail: the script cannot run in Postman\n    expect:\n      status: 200\n    capture:\n      n: { json: $.query.n }\n  - name: after\n    url: \"{{ url }}/echo?n={{ n }}\"\n    expect:\n      json:\n        $.query.n: \"1\"\n",
    );
    w.yarc(&["run", "c.yaml", "--report", "json:r.json"])
        .expect_code(1)
        .expect_contains("fail: the script cannot run in Postman");
    // Sent, its checks held, its capture taken: the next request ran with it.
    assert_eq!(w.sandbox.requests_seen(), 2);
    let r = json_report(&w, "r.json");
    let reqs = &r["collections"][0]["requests"];
    assert_eq!(reqs[0]["state"], "failed", "{r}");
    assert_eq!(
        reqs[0]["message"], "fail: the script cannot run in Postman",
        "{r}"
    );
    assert_eq!(reqs[1]["state"], "passed", "{r}");
    w.yarc(&["check", "c.yaml"]).expect_code(0);
}

/// A variable whose capture's `when:` did not hold has no value wherever it is used: as the
/// whole of a JSON value, a `set:`, a `skip:` or an expected value, as in text. The request is
/// not sent (never sent with `null` in its place) and an expected value never matches.
#[test]
fn a_value_not_captured_is_never_null_in_place_of_a_template() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: cap
    url: "{{ url }}/echo"
    capture:
      m: { json: $.path, when: { status: 201 } }
  - name: skip sole
    url: "{{ url }}/echo/skip"
    skip: "{{ m }}"
  - name: json sole
    method: POST
    url: "{{ url }}/echo/json"
    json: { v: "{{ m }}" }
  - name: set sole
    url: "{{ url }}/echo/set"
    set: { n: "{{ m }}" }
  - name: expect sole
    url: "{{ url }}/echo/expect"
    expect:
      json:
        $.missing: "{{ m }}"
  - name: default stands in
    method: POST
    url: "{{ url }}/echo/default"
    json: { v: "{{ m | default(none) }}" }
    expect:
      json:
        $.json.v: null
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1);
    let all = r.all();
    assert_eq!(
        all.matches(
            "not sent: needs `m`, which request `cap` captures only when its `when:` holds"
        )
        .count(),
        3,
        "{all}"
    );
    assert!(all.contains("FAIL  expect sole"), "{all}");
    assert!(all.contains("PASS  default stands in"), "{all}");
    // cap, expect sole and default stands in reach the server; the three others do not.
    assert_eq!(w.sandbox.requests_seen(), 3);
}
