//! Snapshots: written, compared, diffed, updated, strict in CI, pruned; env-vs-env diffs; the
//! mock from recordings.

use super::*;

const SNAP: &str = r#"
name: snap
requests:
  - name: echo jobs
    url: "{{ url }}/echo/jobs"
    query: { v: "{{ v | default('1') }}", stamp: "{{ stamp | default('a') }}" }
    headers: { X-Key: "{{ secret('YARC_SNAP_KEY') }}" }
    snapshot:
      ignore: ["$.headers.host", "$.query.stamp"]
      headers: [content-type]
"#;

const KEY: &str = "snap-secret-value-3131";

fn snap_file(w: &World) -> std::path::PathBuf {
    w.path("__snapshots__/c/default/echo-jobs.snap.yaml")
}

/// The console output stays on stdout (`--print none`): the tests read the diffs there.
fn run(w: &World, extra: &[&str]) -> Run {
    let mut args = vec!["run", "c.yaml", "--print", "none"];
    args.extend_from_slice(extra);
    w.yarc_env(&args, &[("YARC_SNAP_KEY", KEY)])
}

#[test]
fn the_snapshot_workflow_from_first_run_to_update() {
    let w = World::new();
    w.write("c.yaml", SNAP);
    // First run: written and reported as new.
    let r = run(&w, &[]);
    r.expect_code(0)
        .expect_contains("new snapshot written: __snapshots__/c/default/echo-jobs.snap.yaml");
    r.expect_contains("snapshots: 1 new, 0 updated");
    let stored = std::fs::read_to_string(snap_file(&w)).expect("snapshot written");
    assert!(
        !stored.contains(KEY),
        "the secret is in the snapshot:\n{stored}"
    );
    assert!(stored.contains("\"x-key\": \"•••••\""), "{stored}");
    assert!(
        stored.contains("url: \"{{ url }}/echo/jobs\""),
        "the URL template is kept:\n{stored}"
    );
    assert!(
        !stored.contains(w.url()),
        "the rendered URL leaked into the snapshot"
    );
    // Unchanged: passes, nothing pending.
    run(&w, &[]).expect_code(0);
    // An ignored field changes: still passes.
    run(&w, &["--var", "stamp=b"]).expect_code(0);
    // Key order and formatting do not matter: reorder the stored JSON by hand.
    let reordered = stored.replace("    \"method\": \"GET\",\n", "").replace(
        "    \"body\": \"\",\n",
        "    \"body\": \"\",\n    \"method\": \"GET\",\n",
    );
    assert_ne!(reordered, stored);
    std::fs::write(snap_file(&w), &reordered).expect("write");
    run(&w, &[]).expect_code(0);
    // A real change fails with a diff of exactly that field, and leaves a pending file.
    let r = run(&w, &["--var", "v=2"]);
    r.expect_code(1)
        .expect_contains("the response differs from the snapshot");
    let minus: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('-') && !l.contains("---"))
        .collect();
    let plus: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('+') && !l.contains("+++"))
        .collect();
    assert_eq!(minus, vec!["        -      \"v\": \"1\""], "{}", r.stdout);
    assert_eq!(plus, vec!["        +      \"v\": \"2\""], "{}", r.stdout);
    assert!(
        w.path("__snapshots__/c/default/echo-jobs.snap.yaml.new")
            .exists()
    );
    // --update-snapshots rewrites it in place; the next run with v=2 passes.
    run(&w, &["--var", "v=2", "--update-snapshots"])
        .expect_code(0)
        .expect_contains("snapshot updated");
    assert!(
        !w.path("__snapshots__/c/default/echo-jobs.snap.yaml.new")
            .exists()
    );
    run(&w, &["--var", "v=2"]).expect_code(0);
}

#[test]
fn ci_mode_fails_on_a_missing_snapshot_and_writes_nothing() {
    let w = World::new();
    w.write("c.yaml", SNAP);
    let r = run(&w, &["--ci"]);
    r.expect_code(1).expect_contains(
        "no snapshot __snapshots__/c/default/echo-jobs.snap.yaml: --ci never writes one",
    );
    assert!(!w.path("__snapshots__").exists(), "--ci wrote a file");
    // The CI variable means the same.
    let r = w.yarc_env(
        &["run", "c.yaml"],
        &[("YARC_SNAP_KEY", KEY), ("CI", "true")],
    );
    r.expect_code(1);
    assert!(!w.path("__snapshots__").exists());
    // A change under --ci fails without leaving a pending file.
    run(&w, &[]).expect_code(0);
    run(&w, &["--ci", "--var", "v=3"])
        .expect_code(1)
        .expect_contains("(--ci: nothing written");
    assert!(
        !w.path("__snapshots__/c/default/echo-jobs.snap.yaml.new")
            .exists()
    );
}

#[test]
fn pending_snapshots_are_accepted_or_rejected_without_calling_the_api() {
    let w = World::new();
    w.write("c.yaml", SNAP);
    run(&w, &[]).expect_code(0);
    run(&w, &["--var", "v=2"]).expect_code(1);
    let seen = w.sandbox.requests_seen();
    let r = run_in(w.dir.path(), &["snapshots".into(), "reject".into()], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !w.path("__snapshots__/c/default/echo-jobs.snap.yaml.new")
            .exists()
    );
    run(&w, &["--var", "v=2"]).expect_code(1);
    let r = run_in(w.dir.path(), &["snapshots".into(), "accept".into()], &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("accepted"), "{}", r.stdout);
    assert_eq!(
        w.sandbox.requests_seen(),
        seen + 1,
        "accept/reject called the API"
    );
    run(&w, &["--var", "v=2"]).expect_code(0);
}

#[test]
fn review_shows_the_diff_and_takes_an_answer() {
    let w = World::new();
    w.write("c.yaml", SNAP);
    run(&w, &[]).expect_code(0);
    run(&w, &["--var", "v=9"]).expect_code(1);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(w.dir.path())
        .args(["snapshots", "review"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a\n")
        .expect("answer");
    let out = child.wait_with_output().expect("wait");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("+      \"v\": \"9\""), "{text}");
    assert!(
        text.contains("1 accepted, 0 rejected, 0 left pending"),
        "{text}"
    );
    run(&w, &["--var", "v=9"]).expect_code(0);
}

#[test]
fn stale_snapshots_are_reported_and_pruned() {
    let w = World::new();
    w.write("c.yaml", SNAP);
    run(&w, &[]).expect_code(0);
    w.write("c.yaml", &SNAP.replace("name: echo jobs", "name: renamed"));
    let r = run(&w, &[]);
    r.expect_code(0)
        .expect_contains("stale snapshot __snapshots__/c/default/echo-jobs.snap.yaml");
    assert!(snap_file(&w).exists());
    run(&w, &["--prune-snapshots"])
        .expect_code(0)
        .expect_contains("pruned stale snapshot");
    assert!(!snap_file(&w).exists());
    assert!(w.path("__snapshots__/c/default/renamed.snap.yaml").exists());
}

#[test]
fn snapshots_are_kept_per_environment() {
    let w = World::new();
    w.write("c.yaml", SNAP);
    w.write("environments/stage.yaml", "name: stage\nvariables: {}\n");
    run(&w, &["--env", "stage"]).expect_code(0);
    assert!(w.path("__snapshots__/c/stage/echo-jobs.snap.yaml").exists());
}

#[test]
fn diff_between_two_servers_reports_the_one_field_that_differs() {
    let a = World::new();
    let b = World::new();
    a.write(
        "c.yaml",
        "name: d\nrequests:\n  - name: echo\n    url: \"{{ base }}/echo\"\n  - name: jobs\n    url: \"{{ base }}/rostering/jobs/1\"\n",
    );
    a.write(
        "environments/one.yaml",
        &format!("variables: {{ base: \"{}\" }}\n", a.url()),
    );
    a.write(
        "environments/two.yaml",
        &format!("variables: {{ base: \"{}\" }}\n", b.url()),
    );
    let r = run_in(
        a.dir.path(),
        &["diff", "c.yaml", "--env", "one", "--env", "two"].map(String::from),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    // The Host header the echo reports is the only difference between the two servers.
    let changed: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| {
            l.trim_start().starts_with(['-', '+']) && !l.contains("---") && !l.contains("+++")
        })
        .collect();
    assert_eq!(changed.len(), 2, "{}", r.stdout);
    assert!(
        changed[0].contains("\"host\"") && changed[1].contains("\"host\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("same     jobs"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1 same, 1 differ between one and two"),
        "{}",
        r.stdout
    );
    let r = run_in(
        a.dir.path(),
        &[
            "diff",
            "c.yaml",
            "--env",
            "one",
            "--env",
            "two",
            "--ignore",
            "$.headers.host",
        ]
        .map(String::from),
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 same, 0 differ"), "{}", r.stdout);
    assert!(!r.stderr.contains("matches nothing"), "{}", r.stderr);
    // A path that selects nothing anywhere is a typo: said, and the difference stays.
    let r = run_in(
        a.dir.path(),
        &[
            "diff",
            "c.yaml",
            "--env",
            "one",
            "--env",
            "two",
            "--ignore",
            "$.header.host",
        ]
        .map(String::from),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr
            .contains("warning: `--ignore $.header.host` matches nothing in any response"),
        "{}",
        r.stderr
    );
}

/// An OAuth2 collection whose every response is snapshotted, a capture and a poll included.
const RECORDED: &str = r#"
name: rostering
auth:
  oauth2:
    token_url: "{{ sandbox_url }}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
defaults:
  headers: { CUSTOMER_ID: "1", USER_ID: u }
  snapshot: true
requests:
  - name: list
    url: "{{ sandbox_url }}/rostering/jobs"
    expect: { status: 200, json: { $.items: { length: { gte: 1 } } } }
  - name: start
    method: POST
    url: "{{ sandbox_url }}/rostering/jobs"
    json: { name: mock, employees: [{ id: E-1 }] }
    expect: { status: 201 }
    capture: { job_id: $.jobId }
  - name: wait
    url: "{{ sandbox_url }}/rostering/jobs/{{ job_id }}"
    retry: { attempts: 10, delay: 10ms, until: { json: { $.statusCode: stopped } } }
    expect: { json: { $.jobId: "{{ job_id }}" } }
  - name: missing
    url: "{{ sandbox_url }}/rostering/jobs/00000000-0000-0000-0000-000000000000"
    expect: { status: 404 }
"#;

/// Runs the collection against the sandbox, which records its snapshots.
fn record_against_the_sandbox(w: &World) {
    w.write("c.yaml", RECORDED);
    w.write(
        "environments/sandbox.yaml",
        "name: sandbox\nsandbox: true\n",
    );
    let r = run_in(
        w.dir.path(),
        &["run", "c.yaml", "--env", "sandbox"].map(String::from),
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(w.path("__snapshots__/c/sandbox/wait.snap.yaml").exists());
    let wait =
        std::fs::read_to_string(w.path("__snapshots__/c/sandbox/wait.snap.yaml")).expect("wait");
    assert!(
        wait.contains("path: \"/rostering/jobs/{job_id}\""),
        "{wait}"
    );
}

/// `yarc mock` serving the recordings, and the URL it says it listens on.
fn serve_the_recordings(w: &World) -> (std::process::Child, String) {
    let mut mock = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(w.dir.path())
        .args(["mock", "c.yaml", "--env", "sandbox"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(w.path("mock.log")).expect("log"))
        .spawn()
        .expect("spawn mock");
    let mut line = String::new();
    {
        use std::io::BufRead;
        let stdout = mock.stdout.as_mut().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read");
    }
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("mock url")
        .to_string();
    assert!(line.contains("4 recorded responses"), "{line}");
    (mock, url)
}

/// What the mock at `url` answers a request whose Host names another site.
fn ask_as_a_foreign_host(url: &str) -> String {
    use std::io::{Read, Write};
    let port = url
        .rsplit(':')
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    let mut s = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect");
    let req = format!(
        "GET /rostering/jobs HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn mock_serves_recordings_that_the_same_collection_passes_against() {
    let w = World::new();
    record_against_the_sandbox(&w);
    let (mut mock, url) = serve_the_recordings(&w);
    // The same collection, pointed at the mock, passes, snapshots included (--ci: compare only).
    let r = run_in(
        w.dir.path(),
        &[
            "run",
            "c.yaml",
            "--env",
            "sandbox",
            "--ci",
            "--var",
            &format!("sandbox_url={url}"),
        ]
        .map(String::from),
        &[],
    );
    // A page whose name is rebound to 127.0.0.1 names its own host: refused, as `yarc ui` does.
    let foreign = ask_as_a_foreign_host(&url);
    let _ = mock.kill();
    let _ = mock.wait();
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.summary(), "4 passed, 0 failed");
    assert!(foreign.starts_with("HTTP/1.1 421"), "{foreign}");
    // Each answer is logged: what was asked, what answered it.
    let log = std::fs::read_to_string(w.path("mock.log")).expect("log");
    for line in [
        "POST /connect/token -> 200, a mock token",
        "GET /rostering/jobs -> 200 (recorded GET /rostering/jobs)",
        "-> 200 (recorded GET /rostering/jobs/{job_id})",
        "GET /rostering/jobs/00000000-0000-0000-0000-000000000000 -> 404 (recorded GET",
    ] {
        assert!(log.contains(line), "{line} not in\n{log}");
    }
}

#[test]
fn mock_with_nothing_recorded_says_how_to_record() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c
requests:
  - name: x
    url: \"{{ sandbox_url }}/echo\"\n",
    );
    w.write("environments/sandbox.yaml", "sandbox: true\n");
    let mut mock = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(w.dir.path())
        .args(["mock", "c.yaml", "--env", "sandbox"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn mock");
    let mut line = String::new();
    {
        use std::io::BufRead;
        let stderr = mock.stderr.as_mut().expect("stderr");
        std::io::BufReader::new(stderr)
            .read_line(&mut line)
            .expect("read");
    }
    let _ = mock.kill();
    let _ = mock.wait();
    assert!(
        line.contains("mock: nothing recorded for environment `sandbox`")
            && line.contains("snapshot: true")
            && line.contains("yarc run c.yaml --env sandbox"),
        "{line}"
    );
}

/// A failed request's response is never a baseline: with no snapshot stored nothing is
/// written; with one stored, the difference is shown and no `.new` is left to accept.
#[test]
fn a_failed_request_writes_no_snapshot() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\ndefaults: { snapshot: true }\nrequests:\n  - name: broken\n    url: \"{{ url }}/faults/status/500\"\n  - name: refused as expected\n    url: \"{{ url }}/faults/status/404\"\n    expect: { status: 404 }\n",
    );
    let r = run(&w, &[]);
    r.expect_code(1).expect_contains(
        "__snapshots__/c/default/broken.snap.yaml: the request failed, so no snapshot written",
    );
    assert!(!w.path("__snapshots__/c/default/broken.snap.yaml").exists());
    assert!(
        w.path("__snapshots__/c/default/refused-as-expected.snap.yaml")
            .exists()
    );
    r.expect_contains("snapshots: 1 new, 0 updated");

    // Stored, then the request fails with another response: shown, not kept.
    w.write(
        "c.yaml",
        "name: c\ndefaults: { snapshot: true }\nrequests:\n  - name: refused as expected\n    url: \"{{ url }}/faults/status/409\"\n    expect: { status: 404 }\n",
    );
    let r = run(&w, &["--report", "json:r.json"]);
    r.expect_code(1)
        .expect_contains(
            "the request failed, so it differs from the snapshot; the new response was not kept",
        )
        .expect_contains("-status: 404")
        .expect_contains("+status: 409");
    assert!(
        !w.path("__snapshots__/c/default/refused-as-expected.snap.yaml.new")
            .exists()
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("json"))
            .expect("valid");
    assert_eq!(
        v["collections"][0]["requests"][0]["snapshot"]["outcome"],
        "not_kept"
    );
}
