//! The HTML report: structure pinned by a golden file, rendered by headless Chromium, size
//! bounded, masked, and `yarc diff` writing the same kind of page.

use super::*;

const FAILING: &str = r#"name: Jobs
requests:
  - name: create job
    method: POST
    url: "{{ url }}/echo/jobs"
    headers: { X-Key: "{{ secret('YARC_HTML_KEY') }}" }
    json: { name: nightly, size: "{{ size }}" }
    expect:
      status: [201, 202]
      json:
        $.json.size: { gte: 5 }
    snapshot: { ignore: ["$.headers.host"] }
  - name: job status
    url: "{{ url }}/echo/jobs/1"
    capture: { path: $.path }
  - group: admin
    requests:
      - name: down
        url: "http://127.0.0.1:1/x"
"#;

const KEY: &str = "html-secret-2718";

/// Records the snapshot with a passing run (a failed request's response is never stored), then
/// runs the failing collection, whose response differs, with an HTML report.
fn failing_report(w: &World) -> (Run, String) {
    let passing = FAILING.replace("      status: [201, 202]\n", "      status: 200\n");
    w.write("jobs.yaml", &passing.replace("{ gte: 5 }", "{ gte: 3 }"));
    w.yarc_env(
        &[
            "run",
            "jobs.yaml",
            "--var",
            "size=3",
            "--name",
            "create job",
        ],
        &[("YARC_HTML_KEY", KEY)],
    )
    .expect_code(0);
    w.write("jobs.yaml", FAILING);
    let r = w.yarc_env(
        &[
            "run",
            "jobs.yaml",
            "--var",
            "size=4",
            "--report",
            "html:report.html",
        ],
        &[("YARC_HTML_KEY", KEY)],
    );
    let html = std::fs::read_to_string(w.path("report.html")).expect("report written");
    (r, html)
}

#[test]
fn the_html_report_structure_is_stable() {
    let w = World::new();
    let (r, html) = failing_report(&w);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(!html.contains(KEY), "secret in the HTML report");
    assert!(
        !html.contains("<script"),
        "the report must work without scripts"
    );
    assert!(
        !html.contains("http://") || !html.contains("<link"),
        "nothing from the network"
    );
    let stable = html.replace(w.url().trim_start_matches("http://"), "127.0.0.1:PORT");
    // Response headers carry a date; the golden file pins the structure, not the clock.
    let stable: String = stable
        .lines()
        .map(|l| {
            if l.starts_with("date: ") {
                "date: [date]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_golden("report.html", &stable);
    // Failures first and open; the filter needs no script.
    assert!(html.contains("<details class=\"request failed\" id=\"r-0-0\" open>"));
    assert!(html.contains("<details class=\"request passed\" id=\"r-0-1\">"));
    assert!(html.contains(".filter:checked~main .request.passed"));
    assert!(html.contains("<span class=\"del\">"));
}

fn chromium() -> Option<String> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
        "/usr/bin/google-chrome-stable",
    ]
    .iter()
    .find(|p| std::path::Path::new(p).exists())
    .map(|p| p.to_string())
}

#[test]
fn chromium_renders_the_failing_request_its_assertion_and_the_snapshot_diff() {
    let Some(browser) = chromium() else {
        // CI installs Chromium (.ci/run); a developer machine with only Rust may lack it.
        assert!(
            !super::tools_required(),
            "Chromium is missing in CI: .ci/run should install it"
        );
        eprintln!(
            "skipped: no Chromium on this machine (apt-get install chromium to run this check)"
        );
        return;
    };
    let w = World::new();
    failing_report(&w);
    let profile = w.path("chromium-profile");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", w.path("report.html").display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("create job"),
        "the failing request is not rendered:\n{dom}"
    );
    assert!(
        dom.contains("$.json.size: { gte: 5 }"),
        "its assertion is not rendered"
    );
    assert!(
        dom.contains("<span class=\"del\">-      \"size\": \"3\"</span>"),
        "the snapshot diff is not rendered:\n{dom}"
    );
    assert!(dom.contains("<span class=\"ins\">+      \"size\": \"4\"</span>"));
}

#[test]
fn a_thousand_request_report_stays_small() {
    let w = World::new();
    let mut text = String::from("name: many\nrequests:\n");
    for i in 0..1000 {
        text.push_str(&format!("  - name: r{i}\n    url: \"{{{{ url }}}}/echo/{i}\"\n    expect: {{ status: 200, json: {{ $.path: /echo/{i} }} }}\n"));
    }
    w.write("many.yaml", &text);
    let r = w.yarc(&["run", "many.yaml", "--report", "html:many.html"]);
    r.expect_code(0);
    let size = std::fs::metadata(w.path("many.html"))
        .expect("report")
        .len();
    assert!(size < 5 * 1024 * 1024, "{size} bytes");
}

#[test]
fn yarc_diff_writes_an_html_page() {
    let a = World::new();
    let b = World::new();
    a.write(
        "c.yaml",
        "name: d\nrequests:\n  - name: echo\n    url: \"{{ base }}/echo\"\n",
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
        &[
            "diff",
            "c.yaml",
            "--env",
            "one",
            "--env",
            "two",
            "--report",
            "html:diff.html",
        ]
        .map(String::from),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    let html = std::fs::read_to_string(a.path("diff.html")).expect("written");
    assert!(
        html.contains("DIFFERS") && html.contains("<span class=\"del\">"),
        "{html}"
    );
}
