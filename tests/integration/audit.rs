//! The secrets audit: every feature at once — verbose output, dry runs, every report,
//! snapshots, failures, token errors, `yarc token`, `yarc vars`, `yarc diff`, imports — with
//! distinctive secret values, and every byte written to stdout, stderr and disk scanned for them.

use super::*;
use base64::Engine;

const KEY: &str = "zq-audit-apikey-40961";
const WRONG: &str = "zq-audit-wrong-secret-5077";

fn collection() -> String {
    r#"
name: audit
auth:
  oauth2:
    token_url: "{{ url }}/connect/token"
    client_id: sandbox-client
    client_secret: "{{ secret('AUDIT_CLIENT_SECRET') }}"
    scope: automatic-rostering-stage
defaults:
  headers: { CUSTOMER_ID: "1", USER_ID: u, X-Key: "{{ secret('AUDIT_KEY') }}" }
  snapshot: { ignore: ["$.headers.host"] }
requests:
  - name: list jobs
    url: "{{ url }}/rostering/jobs"
    expect: { status: 200 }
  - name: echo everything
    method: POST
    url: "{{ url }}/echo?key={{ secret('AUDIT_KEY') }}"
    json: { k: "{{ secret('AUDIT_KEY') }}", b64: "{{ secret('AUDIT_KEY') | base64_encode }}" }
    expect: { status: 500, json: { $.json.k: nope } }
    capture: { echoed: "$.headers.authorization" }
  - name: echo everything and pass
    method: POST
    url: "{{ url }}/echo?key={{ secret('AUDIT_KEY') }}"
    json: { k: "{{ secret('AUDIT_KEY') }}", b64: "{{ secret('AUDIT_KEY') | base64_encode }}" }
  - name: basic
    url: "{{ url }}/echo/{{ echoed }}"
    auth: { basic: { username: u, password: "{{ secret('AUDIT_KEY') }}" } }
  - name: bearer in a query
    url: "{{ url }}/echo"
    auth: { api_key: { query: token, value: "{{ secret('AUDIT_KEY') }}" } }
  - name: a check that writes the key out
    method: POST
    url: "{{ url }}/echo"
    json: { k: plain }
    expect: { json: { $.json.k: "Bearer zq-audit-apikey-40961" } }
"#
    .to_string()
}

fn all_files(dir: &std::path::Path, out: &mut String) {
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        out.push_str(&p.to_string_lossy());
        out.push('\n');
        if p.is_dir() {
            all_files(&p, out);
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

const GOOD: [(&str, &str); 2] = [
    ("AUDIT_CLIENT_SECRET", "sandbox-secret"),
    ("AUDIT_KEY", KEY),
];
const BAD: [(&str, &str); 2] = [("AUDIT_CLIENT_SECRET", WRONG), ("AUDIT_KEY", KEY)];

/// A project with two environments (one sandbox each) and everything yarc has printed so far.
struct Audit {
    w: World,
    other: World,
    seen: String,
}

impl Audit {
    fn new() -> Audit {
        let w = World::new();
        let other = World::new();
        w.write("c.yaml", &collection());
        w.write(
            "environments/a.yaml",
            &format!("variables: {{ url: \"{}\" }}\n", w.url()),
        );
        w.write(
            "environments/b.yaml",
            &format!("variables: {{ url: \"{}\" }}\n", other.url()),
        );
        Audit {
            w,
            other,
            seen: String::new(),
        }
    }

    fn run(&mut self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let r = run_in(
            self.w.dir.path(),
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            env,
        );
        assert!(!r.all().contains("panicked"), "{}", r.all());
        self.seen.push_str(&r.all());
        r
    }

    /// Runs with good and with bad secrets, writing every report and the snapshots.
    fn runs(&mut self) {
        let r = self.run(
            &[
                "run",
                "c.yaml",
                "--env",
                "a",
                "--verbose",
                "--report",
                "junit:out/r.xml",
                "--report",
                "json:out/r.json",
                "--report",
                "html:out/r.html",
            ],
            &GOOD,
        );
        assert_eq!(r.code, 1, "{}", r.stdout);
        // A second run compares the snapshots; a changed key fails with a diff.
        self.run(&["run", "c.yaml", "--env", "a", "--verbose"], &GOOD);
        self.run(
            &["run", "c.yaml", "--env", "a", "--dry-run", "--verbose"],
            &GOOD,
        );
        let r = self.run(
            &[
                "run",
                "c.yaml",
                "--env",
                "a",
                "--report",
                "json:out/bad.json",
                "--report",
                "html:out/bad.html",
            ],
            &BAD,
        );
        assert_eq!(r.code, 3, "{}", r.stdout);
        assert!(r.stdout.contains("401 invalid_client"), "{}", r.stdout);
    }

    /// `token`, `vars`, `check`, `diff` and `import`.
    fn other_commands(&mut self) {
        self.run(&["token", "c.yaml", "--env", "a"], &GOOD);
        self.run(&["token", "c.yaml", "--env", "a"], &BAD);
        self.run(&["vars", "c.yaml", "--env", "a"], &GOOD);
        self.run(&["check", "c.yaml", "--env", "a"], &GOOD);
        self.run(
            &[
                "diff",
                "c.yaml",
                "--env",
                "a",
                "--env",
                "b",
                "--report",
                "html:out/diff.html",
            ],
            &GOOD,
        );
        let fixture = project_root().join("tests/fixtures/postman");
        self.run(
            &[
                "import",
                "postman",
                &fixture
                    .join("visma-rostering.postman_collection.json")
                    .to_string_lossy(),
                "--environment",
                &fixture
                    .join("visma-stage.postman_environment.json")
                    .to_string_lossy(),
                "-o",
                "imported",
            ],
            &[],
        );
    }

    /// Every secret value, in the forms it could be written in, and every token the sandboxes issued.
    fn needles(&self) -> Vec<String> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let mut needles = vec![
            KEY.to_string(),
            b64(KEY),
            b64(&format!("u:{KEY}")),
            WRONG.to_string(),
            "sandbox-secret".to_string(),
            "env-secret-do-not-copy".to_string(),
            "literal-password-do-not-copy".to_string(),
            "apikey-do-not-copy".to_string(),
        ];
        needles.extend(self.w.sandbox.issued_tokens());
        needles.extend(self.other.sandbox.issued_tokens());
        needles
    }
}

#[test]
fn no_secret_or_token_is_written_anywhere() {
    let mut a = Audit::new();
    a.runs();
    a.other_commands();
    all_files(a.w.dir.path(), &mut a.seen);
    // The collection is the user's, who wrote a check with the key in it: yarc never shows it.
    a.seen = a.seen.replace(&collection(), "");
    let needles = a.needles();
    assert!(
        a.w.sandbox.issued_tokens().len() >= 2,
        "the runs should have fetched tokens"
    );
    for n in needles {
        assert!(!a.seen.contains(&n), "{n:?} leaked");
    }
    assert!(
        a.w.path("__snapshots__/c/a/echo-everything-and-pass.snap.yaml")
            .exists(),
        "a passing request's snapshot (echoing every secret) was written and scanned"
    );
    assert!(!a.seen.contains("yarc-tmp"), "a temporary file was left");
}
