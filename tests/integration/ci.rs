//! What CI needs: JUnit and JSON reports, parallel runs, data rows, shards, selection,
//! fail-fast, interrupts and annotations.

use super::*;
use std::time::{Duration, Instant};

const MIXED: &str = r#"
name: mixed
variables: { key: s3cr3t-api-key-value }
requests:
  - name: ok
    url: "{{ url }}/echo"
    headers: { X-Key: "{{ secret('YARC_CI_SECRET') }}" }
    expect: { status: 200 }
  - group: jobs
    requests:
      - name: wrong status
        url: "{{ url }}/echo?k={{ secret('YARC_CI_SECRET') }}"
        expect:
          status: 201
          json:
            $.query.k: nope
      - name: skipped
        url: "{{ url }}/echo"
        skip: "{{ true }}"
  - name: down
    url: "http://127.0.0.1:1/"
"#;

const SECRET: &str = "ci-secret-value-9911";

#[test]
fn junit_report_parses_back_with_suites_cases_failures_and_masking() {
    let w = World::new();
    w.write("mixed.yaml", MIXED);
    let r = w.yarc_env(
        &["run", "mixed.yaml", "--report", "junit:out/report.xml"],
        &[("YARC_CI_SECRET", SECRET)],
    );
    r.expect_code(3);
    let xml = std::fs::read_to_string(w.path("out/report.xml")).expect("report written");
    assert!(!xml.contains(SECRET), "secret in the JUnit report:\n{xml}");
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(report.test_suites.len(), 1);
    let suite = &report.test_suites[0];
    assert_eq!(suite.name.as_str(), "mixed.yaml");
    let names: Vec<&str> = suite.test_cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["ok", "jobs / wrong status", "jobs / skipped", "down"]
    );
    assert_eq!(suite.tests, 4);
    assert_eq!(suite.failures, 1);
    assert_eq!(suite.errors, 1);
    assert_eq!(count_skipped(suite), 1);
    let failed = &suite.test_cases[1];
    match &failed.status {
        quick_junit::TestCaseStatus::NonSuccess {
            message,
            description,
            ..
        } => {
            let message = message.as_ref().map(|m| m.as_str()).unwrap_or("");
            assert!(
                message.contains("status: 201: expected 201, got 200"),
                "{message}"
            );
            let description = description.as_ref().map(|d| d.as_str()).unwrap_or("");
            assert!(description.contains("$.query.k: nope"), "{description}");
            assert!(
                description.contains("--> mixed.yaml:16:24"),
                "{description}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn count_skipped(suite: &quick_junit::TestSuite) -> usize {
    suite
        .test_cases
        .iter()
        .filter(|c| matches!(c.status, quick_junit::TestCaseStatus::Skipped { .. }))
        .count()
}

#[test]
fn json_report_follows_its_documented_structure() {
    let w = World::new();
    w.write("mixed.yaml", MIXED);
    let r = w.yarc_env(
        &["run", "mixed.yaml", "--report", "json:report.json"],
        &[("YARC_CI_SECRET", SECRET)],
    );
    r.expect_code(3);
    let text = std::fs::read_to_string(w.path("report.json")).expect("report written");
    assert!(!text.contains(SECRET), "secret in the JSON report:\n{text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["format"], 1);
    assert_eq!(v["summary"]["passed"], 1);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["summary"]["errored"], 1);
    assert_eq!(v["summary"]["skipped"], 1);
    assert_eq!(v["summary"]["exit_code"], 3);
    assert_eq!(v["interrupted"], false);
    let c = &v["collections"][0];
    assert_eq!(c["path"], "mixed.yaml");
    assert_eq!(c["name"], "mixed");
    let reqs = c["requests"].as_array().expect("requests");
    assert_eq!(reqs.len(), 4);
    let failed = &reqs[1];
    assert_eq!(failed["name"], "wrong status");
    assert_eq!(failed["groups"], serde_json::json!(["jobs"]));
    assert_eq!(failed["full_name"], "jobs / wrong status");
    assert_eq!(failed["state"], "failed");
    assert_eq!(failed["method"], "GET");
    assert_eq!(failed["status"], 200);
    assert!(
        failed["url"].as_str().unwrap_or("").contains("k=•••••"),
        "{}",
        failed["url"]
    );
    let a = &failed["assertions"][0];
    assert_eq!(a["assertion"], "status: 201");
    assert_eq!(a["passed"], false);
    assert_eq!(a["expected"], "201");
    assert_eq!(a["actual"], "200");
    assert_eq!(a["file"], "mixed.yaml");
    assert_eq!(a["line"], 14);
    assert_eq!(reqs[2]["state"], "skipped");
    assert_eq!(reqs[3]["state"], "errored");
    assert!(
        reqs[3]["message"]
            .as_str()
            .unwrap_or("")
            .contains("could not connect")
    );
}

fn slow_file(n: usize) -> String {
    format!(
        r#"
name: slow {n}
auth:
  oauth2:
    token_url: "{{{{ url }}}}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: sandbox
requests:
  - name: one
    url: "{{{{ url }}}}/faults/slow?ms=200"
  - name: two
    url: "{{{{ url }}}}/faults/slow?ms=200"
"#
    )
}

#[test]
fn jobs_run_files_side_by_side_with_one_token() {
    let w = World::new();
    for n in 0..8 {
        w.write(&format!("suite/f{n}.yaml"), &slow_file(n));
    }
    // Counted, not timed: how many requests the sandbox answered at once.
    let seq = w.yarc(&["run", "suite", "--jobs", "1"]);
    seq.expect_code(0);
    assert_eq!(w.sandbox.tokens_issued(), 1);
    assert_eq!(
        w.sandbox.take_max_in_flight(),
        1,
        "--jobs 1 sends one at a time"
    );
    let par = w.yarc(&["run", "suite", "--jobs", "4"]);
    par.expect_code(0);
    assert_eq!(par.summary(), "16 passed, 0 failed");
    assert_eq!(w.sandbox.tokens_issued(), 2, "one token request per run");
    let together = w.sandbox.take_max_in_flight();
    assert!((2..=4).contains(&together), "--jobs 4: {together} at once");
    // Blocks stay whole and in file order.
    let heads: Vec<&str> = par
        .stdout
        .lines()
        .filter(|l| l.starts_with("suite/"))
        .collect();
    let expected: Vec<String> = (0..8)
        .map(|n| format!("suite/f{n}.yaml — slow {n}"))
        .collect();
    assert_eq!(heads, expected);
}

/// With files side by side, each file's captures stay its own and its requests in order: a
/// chain of three captures per file, with a slow request between, reaches its end with the
/// values its own file captured, in every one of eight files run four at a time.
#[test]
fn captures_stay_in_order_within_each_file_under_jobs() {
    let w = World::new();
    for n in 0..8 {
        w.write(
            &format!("suite/f{n}.yaml"),
            &format!(
                r#"name: chain {n}
requests:
  - name: first
    url: "{{{{ url }}}}/echo?step=f{n}-a"
    capture: {{ a: {{ json: $.query.step }} }}
  - name: slow
    url: "{{{{ url }}}}/faults/slow?ms=30&after={{{{ a }}}}"
  - name: second
    url: "{{{{ url }}}}/echo?step={{{{ a }}}}-b"
    capture: {{ b: {{ json: $.query.step }} }}
  - name: last
    url: "{{{{ url }}}}/echo?step={{{{ b }}}}-c"
    expect: {{ json: {{ $.query.step: f{n}-a-b-c }} }}
"#
            ),
        );
    }
    let r = w.yarc(&["run", "suite", "--jobs", "4"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "32 passed, 0 failed");
}

#[test]
fn data_rows_become_iterations_with_their_variables() {
    let w = World::new();
    w.write(
        "rows.csv",
        "customer,expected\nc-1,one\nc-2,two\nc-3,three\n",
    );
    w.write(
        "data.yaml",
        r#"
name: data
requests:
  - name: per customer
    url: "{{ url }}/echo/{{ customer }}"
    query: { label: "{{ expected }}" }
    expect:
      json:
        $.path: "/echo/{{ customer }}"
        $.query.label: "{{ expected }}"
"#,
    );
    let r = w.yarc(&[
        "run",
        "data.yaml",
        "--data",
        "rows.csv",
        "--report",
        "json:r.json",
    ]);
    r.expect_code(0)
        .expect_contains("data.yaml — data [iteration 1/3]")
        .expect_contains("data.yaml — data [iteration 3/3]");
    assert_eq!(r.summary(), "3 passed, 0 failed");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("report"))
            .expect("json");
    let urls: Vec<String> = (0..3)
        .map(|i| {
            v["collections"][i]["requests"][0]["url"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for (i, c) in ["c-1", "c-2", "c-3"].iter().enumerate() {
        assert!(urls[i].contains(&format!("/echo/{c}?label=")), "{urls:?}");
        assert_eq!(v["collections"][i]["iteration"], i + 1);
    }
    // --var stays above the data row.
    let r = w.yarc(&[
        "run",
        "data.yaml",
        "--data",
        "rows.csv",
        "--var",
        "expected=fixed",
        "--report",
        "json:r2.json",
    ]);
    r.expect_code(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r2.json")).expect("report"))
            .expect("json");
    for i in 0..3 {
        let url = v["collections"][i]["requests"][0]["url"]
            .as_str()
            .unwrap_or("");
        assert!(url.ends_with("?label=fixed"), "{url}");
    }
}

#[test]
fn iterations_repeat_without_data() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: echo\n    url: \"{{ url }}/echo\"\n",
    );
    let r = w.yarc(&["run", "c.yaml", "--iterations", "3"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "3 passed, 0 failed");
    assert_eq!(w.sandbox.requests_seen(), 3);
}

#[test]
fn shards_cover_every_file_exactly_once() {
    let w = World::new();
    for n in 0..7 {
        w.write(
            &format!("s/f{n}.yaml"),
            &format!("name: f{n}\nrequests:\n  - name: echo\n    url: \"{{{{ url }}}}/echo\"\n"),
        );
    }
    let mut seen = Vec::new();
    for k in 1..=3 {
        let r = w.yarc(&["run", "s", "--shard", &format!("{k}/3")]);
        r.expect_code(0);
        seen.extend(
            r.stdout
                .lines()
                .filter(|l| l.starts_with("s/f"))
                .map(|l| l.split(' ').next().unwrap_or("").to_string()),
        );
    }
    seen.sort();
    let expected: Vec<String> = (0..7).map(|n| format!("s/f{n}.yaml")).collect();
    assert_eq!(seen, expected);
    w.yarc(&["run", "s", "--shard", "4/3"]).expect_code(2);
}

#[test]
fn tags_and_names_select_requests() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
name: c
requests:
  - name: smoke one
    tags: [smoke]
    url: "{{ url }}/echo"
  - name: slow one
    url: "{{ url }}/echo"
  - group: admin
    tags: [admin]
    requests:
      - name: health
        url: "{{ url }}/echo"
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "--tag", "smoke"]);
    assert_eq!(r.summary(), "1 passed, 0 failed");
    r.expect_contains("smoke one");
    let r = w.yarc(&["run", "c.yaml", "--tag", "admin"]);
    r.expect_contains("admin / health");
    assert_eq!(r.summary(), "1 passed, 0 failed");
    let r = w.yarc(&["run", "c.yaml", "--name", "*one"]);
    assert_eq!(r.summary(), "2 passed, 0 failed");
    let r = w.yarc(&["run", "c.yaml", "--name", "admin"]);
    assert_eq!(r.summary(), "1 passed, 0 failed");
}

#[test]
fn selection_explains_a_capture_it_left_out() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: make\n    url: \"{{ url }}/echo\"\n    capture: { p: $.path }\n  - name: use\n    url: \"{{ url }}{{ p }}\"\n",
    );
    w.yarc(&["run", "c.yaml", "--name", "use"])
        .expect_code(2)
        .expect_contains(
            "request `make` captures or sets it, and --tag/--name leaves that request out",
        );
}

#[test]
fn fail_fast_stops_and_still_writes_complete_reports() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
name: c
requests:
  - name: fails
    url: "{{ url }}/echo"
    expect: { status: 500 }
  - name: never
    url: "{{ url }}/echo"
  - name: never either
    url: "{{ url }}/echo"
"#,
    );
    let r = w.yarc(&[
        "run",
        "c.yaml",
        "--fail-fast",
        "--jobs",
        "1",
        "--report",
        "junit:j.xml",
        "--report",
        "json:j.json",
    ]);
    r.expect_code(1).expect_contains("not run: --fail-fast");
    assert_eq!(r.summary(), "0 passed, 1 failed, 2 skipped");
    assert_eq!(w.sandbox.requests_seen(), 1);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("j.json")).expect("json"))
            .expect("valid");
    assert_eq!(v["collections"][0]["requests"][2]["state"], "not_run");
    let xml = std::fs::read_to_string(w.path("j.xml")).expect("junit");
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(report.test_suites[0].test_cases.len(), 3);
}

#[test]
fn retry_honours_retry_after_on_429() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: limited\n    url: \"{{ url }}/faults/rate-limited\"\n    retry: { attempts: 2, delay: 10ms }\n    expect: { status: 200 }\n",
    );
    let r = w.yarc(&["run", "c.yaml", "--report", "json:r.json"]);
    r.expect_code(1).expect_contains("(2 attempts, last");
    // The wait chosen, as the report says it: the server's 1 s over the 10 ms asked for (not
    // a measured time, which a busy machine stretches).
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("json"))
            .expect("valid");
    let then = v["collections"][0]["requests"][0]["steps"][0]["then"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        then.ends_with("next attempt in 1s"),
        "Retry-After: 1 was not honoured: {then}"
    );
}

#[test]
fn github_annotations_point_at_the_assertion() {
    let w = World::new();
    w.write("c.yaml", "name: c\nrequests:\n  - name: bad\n    url: \"{{ url }}/echo\"\n    expect: { status: 201 }\n");
    let r = w.yarc_env(&["run", "c.yaml"], &[("GITHUB_ACTIONS", "true")]);
    r.expect_code(1).expect_contains("::error file=c.yaml,line=5,col=23,title=bad%3A expect%3A { status%3A 201 }::expected 201, got 200");
}

#[test]
fn sigint_writes_reports_marks_the_rest_not_run_and_exits_130() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: quick\n    url: \"{{ url }}/echo\"\n  - name: slow\n    url: \"{{ url }}/faults/slow?ms=20000\"\n  - name: after\n    url: \"{{ url }}/echo\"\n",
    );
    let out = signal_mid_run(
        &w,
        &[
            "--report",
            "json:r.json",
            "--report",
            "junit:r.xml",
            "--report",
            "html:r.html",
        ],
        2,
        "-INT",
    );
    assert_eq!(out.status.code(), Some(130));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("json written"))
            .expect("valid");
    assert_eq!(v["interrupted"], true);
    // Every report carries the exit code the process ends with.
    assert_eq!(v["summary"]["exit_code"], 130);
    let states: Vec<&str> = v["collections"][0]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(states, ["passed", "not_run", "not_run"]);
    let junit = quick_junit::Report::deserialize_from_str(
        &std::fs::read_to_string(w.path("r.xml")).expect("junit"),
    )
    .expect("valid JUnit");
    let exit = junit.test_suites[0]
        .properties
        .iter()
        .find(|p| p.name.as_str() == "yarc.exit_code")
        .map(|p| p.value.to_string());
    assert_eq!(exit.as_deref(), Some("130"));
    let html = std::fs::read_to_string(w.path("r.html")).expect("html written");
    assert!(html.contains("<b>interrupted</b>") && html.ends_with("</html>\n"));
    assert!(html.contains("exit code <b>130</b>"));
    let leftovers: Vec<_> = std::fs::read_dir(w.dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("yarc-tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn sigterm_cancels_writes_reports_and_exits_143() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: slow\n    url: \"{{ url }}/faults/slow?ms=20000\"\n  - name: after\n    url: \"{{ url }}/echo\"\n",
    );
    let out = signal_mid_run(&w, &["--report", "json:r.json"], 1, "-TERM");
    assert_eq!(out.status.code(), Some(143));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("json"))
            .expect("valid");
    assert_eq!(v["interrupted"], true);
    assert_eq!(v["summary"]["exit_code"], 143);
    assert_eq!(v["summary"]["skipped"], 2);
}

/// Runs c.yaml, sends `signal` once the sandbox has seen `seen` requests, and waits: the run
/// ends without waiting for the request in flight (it is cancelled).
fn signal_mid_run(w: &World, extra: &[&str], seen: usize, signal: &str) -> std::process::Output {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(w.dir.path())
        .args(["--fixed-clock", "run", "c.yaml"])
        .args(extra)
        .arg("--var")
        .arg(format!("url={}", w.url()))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + super::PATIENCE;
    while w.sandbox.requests_seen() < seen && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    // The slow request (20 s) was cancelled, not waited for: the sandbox never answered it.
    assert_eq!(
        w.sandbox.slow_answered(),
        0,
        "the in-flight request was not cancelled"
    );
    out
}

/// A character XML 1.0 does not allow, sent by a server, never makes the JUnit file
/// ill-formed (a CI publisher would drop every result in it).
#[test]
fn junit_stays_well_formed_whatever_a_server_sends() {
    let w = World::new();
    w.write(
        "x.yaml",
        "requests:\n  - name: odd body\n    method: POST\n    url: \"{{ url }}/echo\"\n    text: \"a\\uFFFEb\\uFFFFc\"\n    expect: { status: 201, body: { contains: nothing-like-this } }\n",
    );
    w.yarc(&["run", "x.yaml", "--report", "junit:r.xml"])
        .expect_code(1);
    let xml = std::fs::read_to_string(w.path("r.xml")).expect("report");
    assert!(!xml.contains(['\u{FFFE}', '\u{FFFF}']), "{xml}");
    assert!(xml.contains('\u{FFFD}'), "{xml}");
    quick_junit::Report::deserialize_from_str(&xml).expect("well-formed JUnit");
}
