//! The daily loop: poking at an endpoint from the terminal — seeing the response, running one
//! request with what it needs, and the rest of what Postman users reach for first.

use super::*;

const TWO: &str = r#"
requests:
  - name: list jobs
    url: "{{ url }}/echo?q=jobs"
    headers: { X-Key: "{{ secret('K') }}" }
  - name: other
    url: "{{ url }}/echo?q=other"
"#;

#[test]
fn a_run_of_one_request_prints_its_body_to_stdout_and_the_rest_to_stderr() {
    let w = World::new();
    w.write("c.yaml", TWO);
    let r = w.yarc_env(
        &["run", "c.yaml", "--name", "list jobs"],
        &[("K", "key-1234567")],
    );
    r.expect_code(0);
    let body: serde_json::Value = serde_json::from_str(&r.stdout).expect("stdout is the JSON body");
    assert_eq!(body["query"]["q"], "jobs");
    assert_eq!(body["headers"]["x-key"], "•••••", "secrets stay masked");
    assert!(r.stderr.contains("PASS  list jobs") && r.stderr.contains("1 passed, 0 failed"));
    // Two requests: the usual report on stdout, no bodies.
    let r = w.yarc_env(&["run", "c.yaml"], &[("K", "key-1234567")]);
    assert!(r.stdout.contains("2 passed, 0 failed") && !r.stdout.contains("\"query\""));
    // --print none keeps a one-request run as it always was.
    let r = w.yarc_env(
        &["run", "c.yaml", "--name", "other", "--print", "none"],
        &[("K", "key-1234567")],
    );
    assert!(r.stdout.contains("PASS  other") && !r.stdout.contains("\"query\""));
}

#[test]
fn print_headers_all_and_every_body_of_a_run() {
    let w = World::new();
    w.write("c.yaml", TWO);
    let env = [("K", "key-1234567")];
    let r = w.yarc_env(
        &["run", "c.yaml", "--name", "other", "--print", "headers"],
        &env,
    );
    assert!(r.stdout.starts_with("GET http://") && r.stdout.contains("HTTP 200\n"));
    assert!(r.stdout.contains("content-type: application/json") && !r.stdout.contains('{'));
    let r = w.yarc_env(
        &["run", "c.yaml", "--name", "other", "--print", "all"],
        &env,
    );
    let (head, body) = r
        .stdout
        .split_once("\n\n")
        .expect("headers, a blank line, the body");
    assert!(head.contains("HTTP 200"));
    serde_json::from_str::<serde_json::Value>(body).expect("then the body");
    let r = w.yarc_env(&["run", "c.yaml", "--print", "body"], &env);
    assert_eq!(
        r.stdout.matches("\"path\":\"/echo\"").count(),
        2,
        "{}",
        r.stdout
    );
}

#[test]
fn output_writes_the_body_of_the_one_selected_request() {
    let w = World::new();
    w.write("c.yaml", TWO);
    let env = [("K", "key-1234567")];
    w.yarc_env(
        &["run", "c.yaml", "--name", "other", "-o", "out/body.json"],
        &env,
    )
    .expect_code(0);
    let saved = std::fs::read_to_string(w.path("out/body.json")).expect("written");
    assert!(saved.contains("\"q\":\"other\""), "{saved}");
    w.yarc_env(&["run", "c.yaml", "-o", "x.json"], &env)
        .expect_code(2)
        .expect_contains("-o writes the body of one response, and this run selects 2 requests");
    assert_eq!(w.sandbox.requests_seen(), 1);
}

const CHAIN: &str = r#"
requests:
  - name: login
    method: POST
    url: "{{ url }}/echo"
    json: { session: s-123456 }
    capture: { session: $.json.session }
  - name: start a job
    method: POST
    url: "{{ url }}/echo"
    headers: { X-Session: "{{ session }}" }
    json: { jobId: j-42 }
    capture: { job_id: $.json.jobId }
  - name: unrelated
    url: "{{ url }}/echo"
  - name: fetch the result
    url: "{{ url }}/echo/jobs/{{ job_id }}"
    expect: { json: { $.path: /echo/jobs/j-42 } }
"#;

#[test]
fn with_deps_runs_the_requests_that_capture_what_the_selection_needs() {
    let w = World::new();
    w.write("c.yaml", CHAIN);
    w.yarc(&["run", "c.yaml", "--name", "fetch the result"])
        .expect_code(2)
        .expect_contains("or add --with-deps");
    let r = w.yarc(&[
        "run",
        "c.yaml",
        "--name",
        "fetch the result",
        "--with-deps",
        "--print",
        "none",
    ]);
    r.expect_code(0)
        .expect_contains("note: --with-deps adds `start a job` (c.yaml): it captures `job_id`, which `fetch the result` needs")
        .expect_contains("note: --with-deps adds `login` (c.yaml): it captures `session`, which `start a job` needs");
    assert_eq!(r.summary(), "3 passed, 0 failed");
    assert!(!r.stdout.contains("unrelated"));
    assert_eq!(w.sandbox.requests_seen(), 3);
}

#[test]
fn the_summary_gives_response_times_and_the_reports_too() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/faults/slow?ms=50\"\n  - name: b\n    url: \"{{ url }}/echo\"\n  - name: c\n    url: \"http://127.0.0.1:1/\"\n",
    );
    let r = w.yarc_real_clock(&["run", "c.yaml", "--report", "json:r.json"]);
    r.expect_code(3);
    assert!(r.stdout.contains("response times: min "), "{}", r.stdout);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("json"))
            .expect("valid");
    let t = &v["summary"]["response_times"];
    assert_eq!(t["count"], 2, "only requests with a response count: {t}");
    let ms = |k: &str| t[k].as_u64().expect(k);
    assert!(ms("min_ms") <= ms("median_ms") && ms("median_ms") <= ms("p95_ms"));
    assert!(ms("max_ms") >= 50, "{t}");
    assert_eq!(v["collections"][0]["response_times"]["count"], 2);
}

/// Runs yarc in `dir` with no extra environment.
fn yarc_in(dir: &Path, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    run_in(dir, &args, &[])
}

fn assert_init_wrote_the_project(api: &Path) {
    for f in [
        "collections/example.yaml",
        "collections/environments/sandbox.yaml",
        "collections/environments/stage.yaml",
        "collections/environments/prod.yaml",
        ".env.example",
        ".gitignore",
        ".yarc/collection.schema.json",
        ".github/workflows/api-tests.yml",
    ] {
        assert!(api.join(f).is_file(), "{f} was not written");
    }
    let prod =
        std::fs::read_to_string(api.join("collections/environments/prod.yaml")).expect("prod");
    assert!(prod.contains("https://connect.visma.com/connect/token"));
    assert!(prod.contains("secret('VISMA_CLIENT_SECRET')"));
    let gitignore = std::fs::read_to_string(api.join(".gitignore")).expect("gitignore");
    assert!(gitignore.lines().any(|l| l == ".env"));
}

/// The README's daily loop, as written, in the new project: one request's body on stdout,
/// and one request with what it needs (its capture and the poll that waits on it), only
/// its own body printed.
fn assert_the_readme_daily_loop_works(api: &Path) {
    let r = yarc_in(
        api,
        &[
            "run",
            "collections",
            "--env",
            "sandbox",
            "--name",
            "list jobs",
        ],
    );
    r.expect_code(0);
    let body: serde_json::Value = serde_json::from_str(&r.stdout).expect("the body");
    assert!(body["items"].is_array(), "{body}");
    let r = yarc_in(
        api,
        &[
            "run",
            "collections",
            "--env",
            "sandbox",
            "--name",
            "fetch the result",
            "--with-deps",
        ],
    );
    r.expect_code(0)
        .expect_contains("--with-deps adds `start a job`")
        .expect_contains(
            "--with-deps adds `wait for the job` (collections/example.yaml): it polls on `job_id`",
        );
    let body: serde_json::Value =
        serde_json::from_str(&r.stdout).expect("only the chosen request's body");
    assert_eq!(body["statusCode"], "stopped", "{body}");
    let out = api.join("result.json");
    yarc_in(
        api,
        &[
            "run",
            "collections",
            "--env",
            "sandbox",
            "--name",
            "fetch the result",
            "--with-deps",
            "-o",
            &out.to_string_lossy(),
        ],
    )
    .expect_code(0);
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("-o wrote")).expect("json");
    assert!(saved["roster"]["shifts"].is_array(), "{saved}");
}

/// The CI jobs install a release (the action, the image): a new project has no yarc source
/// to compile. (.ci/run lints the GitHub workflow with actionlint and zizmor.)
fn assert_the_ci_jobs_install_a_release(github_project: &Path, gitlab_project: &Path) {
    let version = env!("CARGO_PKG_VERSION");
    let github = std::fs::read_to_string(github_project.join(".github/workflows/api-tests.yml"))
        .expect("workflow");
    assert!(
        github.contains(&format!("uses: yarc-dev/yarc@v{version}")),
        "{github}"
    );
    let gitlab = std::fs::read_to_string(gitlab_project.join(".gitlab-ci.yml")).expect("gitlab");
    assert!(
        gitlab.contains(&format!("ghcr.io/yarc-dev/yarc:{version}")),
        "{gitlab}"
    );
    for job in [&github, &gitlab] {
        assert!(
            !job.contains("cargo "),
            "a generated job compiles yarc:\n{job}"
        );
    }
}

#[test]
fn init_writes_a_project_that_runs_green_at_once_and_overwrites_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    yarc_in(dir.path(), &["init", "api"])
        .expect_code(0)
        .expect_contains("next: cd api && yarc run collections --env sandbox");
    let api = dir.path().join("api");
    assert_init_wrote_the_project(&api);
    let r = yarc_in(&api, &["run", "collections", "--env", "sandbox"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "4 passed, 0 failed");
    yarc_in(&api, &["check", "collections", "--env", "sandbox"]).expect_code(0);
    assert_the_readme_daily_loop_works(&api);
    // A second time: nothing is overwritten.
    let before = std::fs::read_to_string(api.join("collections/example.yaml")).expect("example");
    yarc_in(dir.path(), &["init", "api"])
        .expect_code(2)
        .expect_contains("writes nothing over what exists");
    let after = std::fs::read_to_string(api.join("collections/example.yaml")).expect("example");
    assert_eq!(before, after);
    yarc_in(dir.path(), &["init", "gl", "--ci", "gitlab"]).expect_code(0);
    assert!(dir.path().join("gl/.gitlab-ci.yml").is_file());
    assert!(!dir.path().join("gl/.github").exists());
    assert_the_ci_jobs_install_a_release(&api, &dir.path().join("gl"));
}

#[test]
fn completions_register_and_complete_environments_and_man_pages_render() {
    let w = World::new();
    w.write("collections/environments/stage.yaml", "variables: {}\n");
    w.write("collections/environments/sandbox.yaml", "variables: {}\n");
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        run_in(w.dir.path(), &args(&["completions", shell]), &[])
            .expect_code(0)
            .expect_contains("YARC_COMPLETE");
    }
    // What the fish registration runs at completion time.
    let r = run_in(
        w.dir.path(),
        &args(&["--", "yarc", "run", "--env", "s"]),
        &[("YARC_COMPLETE", "fish")],
    );
    r.expect_code(0);
    let got: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(got, ["sandbox", "stage"], "{}", r.stdout);
    // --name completes the request names of the collections on the line (groups included).
    w.write(
        "collections/jobs.yaml",
        "name: jobs\nrequests:\n  - name: list jobs\n    url: https://x/j\n  - group: admin\n    requests:\n      - name: list users\n        url: https://x/u\n",
    );
    let r = run_in(
        w.dir.path(),
        &args(&["--", "yarc", "run", "collections/jobs.yaml", "--name", "l"]),
        &[("YARC_COMPLETE", "fish")],
    );
    let got: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(got, ["list jobs"], "{}", r.stdout);
    let r = run_in(
        w.dir.path(),
        &args(&["--", "yarc", "token", "collections", "--request", "admin"]),
        &[("YARC_COMPLETE", "fish")],
    );
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        ["admin / list users"],
        "{}",
        r.stdout
    );
    let r = run_in(w.dir.path(), &args(&["man"]), &[]);
    r.expect_code(0).expect_contains(".TH yarc 1");
    run_in(w.dir.path(), &args(&["man", "run"]), &[])
        .expect_code(0)
        .expect_contains("\\-\\-with\\-deps")
        .expect_contains(".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR")
        .expect_contains("\\fB2\\fR\ninvalid input or usage")
        .expect_contains(".SH ENVIRONMENT\n.TP\n\\fBNO_COLOR\\fR")
        .expect_contains(".SH EXAMPLES\n.TP\n\\fByarc run collections \\-\\-env sandbox\\fR");
    run_in(w.dir.path(), &args(&["man", "token"]), &[])
        .expect_code(0)
        .expect_contains("\\fByarc token collections \\-\\-env stage\\fR");
}

/// Lines of a child's stdout as they come, through a channel.
fn lines_of(out: std::process::ChildStdout) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (at most `PATIENCE`) for a line containing `needle`; the lines seen on the way.
#[track_caller]
fn wait_for(rx: &std::sync::mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let deadline = std::time::Instant::now() + super::PATIENCE;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let hit = line.contains(needle);
                seen.push(line);
                if hit {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!(
        "no {needle:?} within {:?}; saw:\n{}",
        super::PATIENCE,
        seen.join("\n")
    );
}

/// The child's exit code, or a failure (after killing it) if it has not exited in time.
fn exit_within(child: &mut std::process::Child) -> Option<i32> {
    let deadline = std::time::Instant::now() + super::PATIENCE;
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status.code();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!(
        "the watcher did not stop within {:?} of its signal",
        super::PATIENCE
    );
}

/// A Ctrl-C (or SIGTERM) that lands as a run ends, before the watcher waits again, still
/// stops it: it once went unseen and the watcher ran on forever.
#[test]
fn watch_stops_on_a_signal_sent_as_a_run_ends() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n",
    );
    for (signal, code) in [("-INT", 130), ("-TERM", 143), ("-INT", 130), ("-TERM", 143)] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
            .current_dir(w.dir.path())
            .args(["--fixed-clock", "run", "c.yaml", "--watch"])
            .arg("--var")
            .arg(format!("url={}", w.url()))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let rx = lines_of(child.stdout.take().expect("stdout"));
        wait_for(&rx, "1 passed, 0 failed");
        let _ = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        assert_eq!(exit_within(&mut child), Some(code));
    }
}

#[test]
fn watch_runs_again_after_a_save_and_waits_through_a_syntax_error() {
    let w = World::new();
    let one = "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n";
    w.write("c.yaml", one);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(w.dir.path())
        .args([
            "--fixed-clock",
            "run",
            "c.yaml",
            "--watch",
            "--report",
            "json:r.json",
        ])
        .arg("--var")
        .arg(format!("url={}", w.url()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let rx = lines_of(child.stdout.take().expect("stdout"));
    wait_for(&rx, "1 passed, 0 failed");
    // The report it writes itself does not start a run; a save of the collection does.
    std::thread::sleep(std::time::Duration::from_millis(500));
    w.write(
        "c.yaml",
        &format!("{one}  - name: b\n    url: \"{{{{ url }}}}/echo\"\n"),
    );
    wait_for(&rx, "2 passed, 0 failed");
    w.write("c.yaml", "requests: [unclosed\n");
    std::thread::sleep(std::time::Duration::from_millis(800));
    w.write("c.yaml", one);
    wait_for(&rx, "1 passed, 0 failed");
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert_eq!(exit_within(&mut child), Some(130));
    let mut err = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert!(
        err.contains("invalid YAML") && err.contains("c.yaml:1:"),
        "{err}"
    );
    assert!(err.contains("watching for changes"));
    assert_eq!(w.sandbox.requests_seen(), 4, "runs: 1 + 2 + (error: 0) + 1");
}

#[test]
fn request_variables_cookies_graphql_and_delay() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { who: collection }
requests:
  - name: own variables
    variables: { who: request, greeting: "hi {{ who }}" }
    url: "{{ url }}/echo?g={{ greeting }}"
    expect: { json: { $.query.g: "hi request" } }
  - name: back to the collection's
    url: "{{ url }}/echo?w={{ who }}"
    expect: { json: { $.query.w: collection } }
  - name: the server sets a cookie
    url: "{{ url }}/cookies/set?session=s-1"
    follow_redirects: false
    expect:
      status: any
      cookies:
        session: s-1
        other: { exists: false }
  - name: the jar and the request's own cookies
    url: "{{ url }}/echo"
    cookies: { theme: dark }
    expect: { json: { $.headers.cookie: { contains: "session=s-1", ends_with: "theme=dark" } } }
  - name: graphql
    method: POST
    url: "{{ url }}/echo"
    graphql:
      query: "query Job($id: ID!) { job(id: $id) { status } }"
      variables: { id: "{{ who }}" }
      operation_name: Job
    expect:
      json:
        $.headers['content-type']: application/json
        $.json.variables.id: collection
        $.json.operationName: Job
        $.json.query: { starts_with: "query Job" }
  - name: after a pause
    url: "{{ url }}/echo"
    delay: 300ms
"#,
    );
    let started = std::time::Instant::now();
    w.yarc(&["run", "c.yaml"]).expect_code(0);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    // cookie_jar: false keeps nothing between requests.
    w.write(
        "nojar.yaml",
        "cookie_jar: false\nrequests:\n  - name: set\n    url: \"{{ url }}/cookies/set?session=s-1\"\n    expect: { status: any }\n  - name: after\n    url: \"{{ url }}/echo\"\n    expect: { json: { $.headers.cookie: { exists: false } } }\n",
    );
    w.yarc(&["run", "nojar.yaml"]).expect_code(0);
}

#[test]
fn an_environment_extends_another_and_a_cycle_is_refused() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ base }}/echo?region={{ region }}&tier={{ tier }}\"\n    expect: { json: { $.query.region: eu, $.query.tier: prod } }\n",
    );
    w.write(
        "environments/prod.yaml",
        &format!(
            "variables:\n  base: \"{}\"\n  tier: prod\n  region: us\n",
            w.url()
        ),
    );
    w.write(
        "environments/prod-eu.yaml",
        "extends: prod\nvariables:\n  region: eu\n",
    );
    w.yarc(&["run", "c.yaml", "--env", "prod-eu"])
        .expect_code(0);
    w.write("environments/a.yaml", "extends: b\nvariables: {}\n");
    w.write("environments/b.yaml", "extends: a\nvariables: {}\n");
    w.yarc(&["run", "c.yaml", "--env", "a"])
        .expect_code(2)
        .expect_contains("environments extend each other in a cycle: a → b → a")
        .expect_contains("environments/b.yaml:1:10");
    w.write("environments/c.yaml", "extends: nope\n");
    w.yarc(&["check", "c.yaml", "--env", "c"])
        .expect_code(2)
        .expect_contains("there is no environment `nope` beside this one");
    assert_eq!(w.sandbox.requests_seen(), 1);
}

#[test]
fn a_global_header_and_resolve_reach_every_request() {
    let w = World::new();
    let port = w.url().rsplit(':').next().expect("port").to_string();
    w.write(
        "c.yaml",
        &format!(
            "requests:\n  - name: by name\n    url: \"http://api.yarc.test:{port}/echo\"\n    headers: {{ X-Trace: own }}\n    expect:\n      json:\n        \"$.headers['x-trace']\": cli\n        $.headers.host: \"api.yarc.test:{port}\"\n"
        ),
    );
    let resolve = format!("api.yarc.test:{port}:127.0.0.1");
    w.yarc(&["run", "c.yaml", "-H", "X-Trace: cli", "--resolve", &resolve])
        .expect_code(0);
    w.yarc(&["run", "c.yaml", "--header", "no colon"])
        .expect_code(2)
        .expect_contains("must have the form 'Name: value'");
    w.yarc(&["run", "c.yaml", "--resolve", "nonsense"])
        .expect_code(2)
        .expect_contains("expected HOST:PORT:ADDR");
}

/// `--connect-to` moves host and port (curl's semantics): the request reaches the sandbox while
/// the Host header, cookies and the token request keep the name and port the collection wrote.
#[test]
fn connect_to_moves_requests_and_token_requests_to_another_host_and_port() {
    let w = World::new();
    let port = w.url().rsplit(':').next().expect("port").to_string();
    w.write(
        "c.yaml",
        r#"
auth:
  oauth2:
    token_url: "http://login.yarc.test:9/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
requests:
  - name: moved
    url: "http://api.yarc.test:1/echo/x"
    expect:
      status: 200
      json:
        $.headers.host: "api.yarc.test:1"
        $.path: /echo/x
"#,
    );
    let api = format!("api.yarc.test:1:127.0.0.1:{port}");
    let login = format!("login.yarc.test:9:127.0.0.1:{port}");
    w.yarc(&[
        "run",
        "c.yaml",
        "--connect-to",
        &api,
        "--connect-to",
        &login,
    ])
    .expect_code(0);
    assert_eq!(w.sandbox.tokens_issued(), 1);
    // Only the port moves when HOST2 is empty.
    w.write(
        "d.yaml",
        "requests:\n  - name: port only\n    url: \"http://127.0.0.1:1/echo\"\n    expect:\n      json:\n        $.headers.host: \"127.0.0.1:1\"\n",
    );
    let same = format!("127.0.0.1:1::{port}");
    w.yarc(&["run", "d.yaml", "--connect-to", &same])
        .expect_code(0);
    w.yarc(&["run", "d.yaml", "--connect-to", "a:b:c"])
        .expect_code(2)
        .expect_contains("expected HOST:PORT:HOST2:PORT2");
}

#[test]
fn very_verbose_shows_everything_on_the_wire() {
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
requests:
  - name: set a cookie
    url: "{{ url }}/cookies/set?session=s-7"
    expect: { status: any }
  - name: redirected
    url: "{{ url }}/redirect?to=/echo"
    auth: none
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "-vv"]);
    r.expect_code(0)
        .expect_contains("* token: POST http://127.0.0.1:")
        .expect_contains("a Bearer token, expires_in 3600 s, scope automatic-rostering-stage")
        .expect_contains("> GET http://127.0.0.1:")
        .expect_contains(" HTTP/1.1\n")
        .expect_contains("> authorization: •••••")
        .expect_contains("> user-agent: yarc/")
        .expect_contains("> cookie: session=s-7")
        .expect_contains("↪ 302 → http://127.0.0.1:")
        .expect_contains("* connection: no DNS lookup, TCP [time]\n")
        .expect_contains("* connection: kept alive from an earlier request")
        .expect_contains("* first byte after [time]");
    assert!(!r.all().contains("sandbox-secret"));
    // One -v stays as it was: no wire details.
    let r = w.yarc(&["run", "c.yaml", "-v"]);
    assert!(!r.stdout.contains("first byte") && !r.stdout.contains("↪"));
}

/// The daily loop's first command on a real terminal (a pseudo-terminal from util-linux's
/// `script`): the body arrives pretty and coloured, and no colour code is shown as text.
#[test]
fn on_a_terminal_the_body_is_coloured_not_escaped() {
    let Some(script) = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        assert!(
            !super::tools_required(),
            "util-linux `script` is needed in CI"
        );
        return;
    };
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: one\n    method: POST\n    url: \"{{ url }}/echo\"\n    json: { items: [1, \"\\u001b[31mred\"] }\n",
    );
    let cmd = format!(
        "{} run c.yaml --name one --color always --var url={}",
        env!("CARGO_BIN_EXE_yarc"),
        w.url()
    );
    let out = std::process::Command::new(script)
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(w.dir.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("script");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("\u{1b}[1m\u{1b}[34m\"items\""), "{text:?}");
    assert!(
        !text.contains("\\x1b[1m"),
        "colour codes shown as text: {text:?}"
    );
    assert!(text.contains("\\u001b[31mred"), "{text:?}");
}

#[test]
fn csv_data_fields_are_text_and_int_makes_a_number() {
    let w = World::new();
    w.write("rows.csv", "n\n5\n");
    w.write("rows.json", "[{\"n\": 5}]");
    w.write(
        "c.yaml",
        "name: n\nrequests:\n  - name: x\n    method: POST\n    url: \"{{ url }}/echo\"\n    json: { a: \"{{ n }}\", b: \"{{ n | int }}\" }\n    expect:\n      json:\n        $.json.a: { type: string, equals: \"5\" }\n        $.json.b: { type: number, equals: 5 }\n",
    );
    w.yarc(&["run", "c.yaml", "--data", "rows.csv"])
        .expect_code(0);
    // A JSON data file keeps the number's type.
    w.yarc(&["run", "c.yaml", "--data", "rows.json"])
        .expect_code(1)
        .expect_contains("$.json.a: { type: string, equals: \"5\" }");
}
