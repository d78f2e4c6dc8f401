//! Golden files for what users read. Set YARC_BLESS=1 to rewrite them after a deliberate change.

use super::*;

/// Replaces the sandbox's port and the temporary folder with fixed text.
fn stable(w: &World, text: &str) -> String {
    text.replace(w.url().trim_start_matches("http://"), "127.0.0.1:PORT")
        .replace(&w.dir.path().to_string_lossy().to_string(), "[dir]")
}

#[test]
fn failing_run_output() {
    let w = World::new();
    w.write(
        "jobs.yaml",
        r#"name: Jobs
requests:
  - name: list jobs
    url: "{{ url }}/echo/jobs"
    expect:
      status: 200
      json:
        $.path: /echo/jobs
  - name: create job
    method: POST
    url: "{{ url }}/echo/jobs"
    json: { name: nightly, size: 3 }
    expect:
      status: [201, 202]
      json:
        $.json.size: { gte: 5 }
        $.json.name: { starts_with: weekly }
  - name: unreachable
    url: "http://127.0.0.1:1/health"
  - name: later
    url: "{{ url }}/faults/status/503"
    expect: { status: 2xx }
"#,
    );
    let r = w.yarc(&["run", "jobs.yaml"]);
    r.expect_code(3);
    // The response body printed under a failure holds the varying host header; cut it.
    let out = stable(&w, &r.stdout);
    assert_golden("failing-run.txt", &out);
}

#[test]
fn invalid_collection_diagnostics() {
    let w = World::new();
    w.write(
        "bad.yaml",
        "name: bad\nrequests:\n  - name: one\n    url: \"{{ base_ur }}/x\"\n    expcet:\n      status: 200\n    expect:\n      json:\n        \"$.a[\": 1\n        $.b: { lenght: 2 }\n",
    );
    let r = w.yarc(&["run", "bad.yaml"]);
    r.expect_code(2);
    assert_golden("invalid-collection.txt", &stable(&w, &r.stderr));
}

#[test]
fn snapshot_diff_output() {
    let w = World::new();
    w.write(
        "jobs.yaml",
        r#"name: Jobs
requests:
  - name: job status
    method: POST
    url: "{{ url }}/echo/jobs/7"
    json: { id: 7, status: "{{ status }}", owner: ada }
    snapshot: { ignore: ["$.headers.host"] }
"#,
    );
    w.yarc(&["run", "jobs.yaml", "--var", "status=running"])
        .expect_code(0);
    let r = w.yarc(&[
        "run",
        "jobs.yaml",
        "--var",
        "status=done",
        "--print",
        "none",
    ]);
    r.expect_code(1);
    assert_golden("snapshot-diff.txt", &stable(&w, &r.stdout));
}
