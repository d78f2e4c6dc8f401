//! Auth blocks: OAuth2 client credentials against the sandbox's token endpoint, and the simple
//! schemes as the server receives them.

use super::*;

fn oauth_collection(credentials: &str, secret: &str) -> String {
    format!(
        r#"
name: hrm
auth:
  oauth2:
    token_url: "{{{{ url }}}}/connect/token"
    client_id: sandbox-client
    client_secret: "{secret}"
    scope: "hrmanalytics:nlhrm:exportemployees"
    credentials: {credentials}
    params: {{ tenant_id: sandbox-tenant, empty: "" }}
requests:
  - name: start
    method: POST
    url: "{{{{ url }}}}/hrm/v1/command/nl/hrm/employees"
    expect: {{ status: 202 }}
    capture: {{ id: $.jobId }}
  - name: poll
    url: "{{{{ url }}}}/hrm/v1/query/nl/hrm/employees/{{{{ id }}}}"
    expect: {{ status: 200 }}
  - name: public
    url: "{{{{ url }}}}/echo"
    auth: none
    expect:
      json:
        $.headers.authorization: {{ exists: false }}
"#
    )
}

#[test]
fn oauth2_with_body_credentials_and_tenant_gets_one_token() {
    let w = World::new();
    w.write("c.yaml", &oauth_collection("body", "sandbox-secret"));
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "3 passed, 0 failed");
    assert_eq!(w.sandbox.tokens_issued(), 1);
}

#[test]
fn oauth2_with_basic_credentials() {
    let w = World::new();
    w.write("c.yaml", &oauth_collection("basic", "sandbox-secret"));
    w.yarc(&["run", "c.yaml"]).expect_code(0);
    assert_eq!(w.sandbox.tokens_issued(), 1);
}

#[test]
fn a_token_error_fails_the_requests_that_need_it_and_the_run_goes_on() {
    let w = World::new();
    w.write("c.yaml", &oauth_collection("body", "wrong-secret"));
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(3)
        .expect_contains("token request to http://127.0.0.1:")
        .expect_contains("failed: 401 invalid_client — Client authentication failed");
    // The public request still ran and passed.
    assert!(r.stdout.contains("PASS  public"), "{}", r.stdout);
    assert!(
        !r.all().contains("wrong-secret"),
        "the client secret leaked:\n{}",
        r.all()
    );
}

#[test]
fn simple_schemes_arrive_as_headers_and_query() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
name: schemes
auth: { bearer: "{{ token }}" }
variables: { token: abc.def.ghi }
requests:
  - name: bearer from the collection
    url: "{{ url }}/echo"
    expect: { json: { $.headers.authorization: "Bearer {{ token }}" } }
  - name: basic on the request
    url: "{{ url }}/echo"
    auth: { basic: { username: ada, password: lovelace } }
    expect: { json: { $.headers.authorization: "Basic YWRhOmxvdmVsYWNl" } }
  - group: keys
    auth: { api_key: { header: X-Api-Key, value: k-123 } }
    requests:
      - name: header key from the group
        url: "{{ url }}/echo"
        expect: { json: { "$.headers['x-api-key']": k-123, $.headers.authorization: { exists: false } } }
      - name: query key on the request
        url: "{{ url }}/echo"
        auth: { api_key: { query: key, value: q-456 } }
        expect: { json: { $.query.key: q-456 } }
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "4 passed, 0 failed");
}

#[test]
fn secrets_come_from_the_environment_or_dotenv_and_are_masked() {
    let w = World::new();
    w.write(".env", "YARC_IT_TOKEN=dotenv-token-value-123\n");
    w.write(
        "c.yaml",
        r#"
name: secrets
requests:
  - name: echo
    url: "{{ url }}/echo"
    headers: { X-Token: "{{ secret('YARC_IT_TOKEN') }}" }
    expect:
      json:
        "$.headers['x-token']": wrong
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "--verbose"]);
    r.expect_code(1);
    assert!(
        !r.all().contains("dotenv-token-value-123"),
        "secret leaked:\n{}",
        r.all()
    );
    assert!(r.all().contains("actual:   \"•••••\""), "{}", r.all());
    // The process environment wins over .env.
    let r = w.yarc_env(
        &["run", "c.yaml"],
        &[("YARC_IT_TOKEN", "process-value-456")],
    );
    assert!(!r.all().contains("process-value-456"));
    r.expect_code(1);
}

/// An API key in the query goes out as Postman writes it (`%20` for a space, the `=` of
/// base64 padding kept), and that form of a secret key is masked wherever yarc writes it.
#[test]
fn a_query_api_key_is_written_as_postman_writes_it_and_masked() {
    let w = World::new();
    w.write(".env", "YARC_IT_QKEY=\"k&1 2=+==\"\n");
    w.write(
        "c.yaml",
        r#"
requests:
  - name: query key
    url: "{{ url }}/echo?x=1"
    auth: { api_key: { query: api key, value: "{{ secret('YARC_IT_QKEY') }}" } }
    expect:
      json:
        $.query['api key']: "k&1 2=+=="
        $.url: wrong
"#,
    );
    let r = w.yarc(&["run", "c.yaml", "--verbose"]);
    r.expect_code(1);
    assert!(
        r.all().contains("failed") || r.all().contains("FAIL"),
        "{}",
        r.all()
    );
    for form in ["k%261%202=%2B==", "k&1 2=+==", "k%261+2%3D%2B%3D%3D"] {
        assert!(
            !r.all().contains(form),
            "secret leaked as {form}:\n{}",
            r.all()
        );
    }
    assert!(r.all().contains("api%20key="), "{}", r.all());
}

#[test]
fn a_401_refetches_the_token_once_and_repeats_the_request() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
name: revoked
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
    expect: { json: { $.revoked: 1 } }
  - name: after
    url: "{{ url }}/rostering/jobs"
    expect: { status: 200 }
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    assert_eq!(w.sandbox.tokens_issued(), 2);
}

fn oauth_block(extra: &str) -> String {
    format!(
        r#"
auth:
  oauth2:
    token_url: "{{{{ url }}}}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    scope: automatic-rostering-stage
{extra}
defaults:
  headers: {{ CUSTOMER_ID: "1", USER_ID: u }}
"#
    )
}

#[test]
fn the_token_request_carries_exactly_the_right_form_fields() {
    let w = World::new();
    w.write("body.yaml", &oauth_collection("body", "sandbox-secret"));
    w.yarc(&["run", "body.yaml"]).expect_code(0);
    let calls = w.sandbox.token_calls();
    assert_eq!(calls.len(), 1);
    let mut form = calls[0].form.clone();
    form.sort();
    let expected: Vec<(String, String)> = [
        ("client_id", "sandbox-client"),
        ("client_secret", "sandbox-secret"),
        ("grant_type", "client_credentials"),
        ("scope", "hrmanalytics:nlhrm:exportemployees"),
        ("tenant_id", "sandbox-tenant"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // The empty `empty` param is left out, not sent empty.
    assert_eq!(form, expected);
    assert!(calls[0].basic.is_none());
}

#[test]
fn basic_credentials_are_form_encoded_before_base64() {
    let w = World::new();
    w.write("basic.yaml", &oauth_collection("basic", "a b:c%d"));
    w.yarc(&["run", "basic.yaml"])
        .expect_code(3)
        .expect_contains("401 invalid_client");
    let calls = w.sandbox.token_calls();
    assert_eq!(
        calls[0].basic,
        Some(("sandbox-client".to_string(), "a b:c%d".to_string()))
    );
    assert!(
        !calls[0]
            .form
            .iter()
            .any(|(k, _)| k == "client_secret" || k == "client_id")
    );
}

#[test]
fn fifty_concurrent_requests_across_five_files_share_one_token() {
    let w = World::new();
    for f in 0..5 {
        let mut text = format!("name: f{f}\n{}requests:\n", oauth_block(""));
        for r in 0..10 {
            text.push_str(&format!("  - name: r{r}\n    url: \"{{{{ url }}}}/rostering/jobs\"\n    expect: {{ status: 200 }}\n"));
        }
        w.write(&format!("many/f{f}.yaml"), &text);
    }
    let r = w.yarc(&["run", "many", "--jobs", "5"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "50 passed, 0 failed");
    assert_eq!(w.sandbox.tokens_issued(), 1);
    assert_eq!(w.sandbox.token_calls().len(), 1);
}

#[test]
fn a_short_lived_token_is_renewed_before_it_expires() {
    let w = World::with_settings(yarc::api::sandbox::Settings {
        token_lifetime: std::time::Duration::from_secs(2),
        ..Default::default()
    });
    let mut text = format!("name: long\n{}requests:\n", oauth_block(""));
    for i in 0..7 {
        text.push_str(&format!("  - name: call {i}\n    url: \"{{{{ url }}}}/rostering/jobs\"\n    expect: {{ status: 200 }}\n"));
        if i < 6 {
            text.push_str(&format!("  - name: wait {i}\n    url: \"{{{{ url }}}}/faults/slow?ms=1000\"\n    auth: none\n"));
        }
    }
    w.write("long.yaml", &text);
    let r = w.yarc(&["run", "long.yaml"]);
    r.expect_code(0);
    assert_eq!(
        w.sandbox.rejected(),
        0,
        "a 401 was seen: the token was used past its life"
    );
    let issued = w.sandbox.tokens_issued();
    assert!(
        (3..=5).contains(&issued),
        "{issued} tokens for a 6-second run of 2-second tokens"
    );
}

#[test]
fn refresh_before_overrides_the_renewal_margin() {
    let w = World::with_settings(yarc::api::sandbox::Settings {
        token_lifetime: std::time::Duration::from_secs(2),
        ..Default::default()
    });
    let text = |extra: &str| {
        format!(
            "name: r\n{}requests:\n  - name: a\n    url: \"{{{{ url }}}}/rostering/jobs\"\n  - name: pause\n    url: \"{{{{ url }}}}/faults/slow?ms=300\"\n    auth: none\n  - name: b\n    url: \"{{{{ url }}}}/rostering/jobs\"\n",
            oauth_block(extra)
        )
    };
    w.write("default.yaml", &text(""));
    w.yarc(&["run", "default.yaml"]).expect_code(0);
    assert_eq!(w.sandbox.tokens_issued(), 1);
    w.write("early.yaml", &text("    refresh_before: 1900ms"));
    w.yarc(&["run", "early.yaml"]).expect_code(0);
    assert_eq!(
        w.sandbox.tokens_issued(),
        3,
        "each request should have needed a fresh token"
    );
}

#[test]
fn a_fresh_token_rejected_again_fails_with_the_likely_causes() {
    let w = World::new();
    // The token endpoint grants `sandbox`, but the rostering API needs a rostering scope.
    let text = format!(
        "name: wrong scope\n{}requests:\n  - name: list\n    url: \"{{{{ url }}}}/rostering/jobs\"\n  - name: other\n    url: \"{{{{ url }}}}/echo\"\n    auth: none\n",
        oauth_block("").replace("scope: automatic-rostering-stage", "scope: sandbox")
    );
    w.write("c.yaml", &text);
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(3)
        .expect_contains("the API answered 401 to a freshly fetched token too")
        // What the token carries, read from its claims: the scope it has, the tenant it lacks.
        .expect_contains(
            "the token carries tenant none, scopes `sandbox`, audience `sandbox-api`, client `sandbox-client`",
        )
        .expect_contains("a wrong tenant_id or a missing scope");
    assert_eq!(w.sandbox.tokens_issued(), 2, "one refetch, no more");
    assert!(r.stdout.contains("PASS  other"), "{}", r.stdout);
}

#[test]
fn an_expected_401_is_not_retried_into_an_error() {
    let w = World::new();
    let text = format!(
        "name: refusal\n{}requests:\n  - name: refused\n    url: \"{{{{ url }}}}/rostering/jobs\"\n    expect: {{ status: 401 }}\n",
        oauth_block("").replace("scope: automatic-rostering-stage", "scope: sandbox")
    );
    w.write("c.yaml", &text);
    w.yarc(&["run", "c.yaml"]).expect_code(0);
}

#[test]
fn each_token_error_has_its_own_message() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "/connect/token",
            "scope: forbidden-scope",
            "400 invalid_scope — scope `forbidden-scope` is not granted to this client",
        ),
        (
            "/connect/token",
            "params: { tenant_id: nope }",
            "400 invalid_tenant — unknown tenant_id",
        ),
        (
            "/faults/token/html",
            "",
            "answered 200 with a body that is not JSON (text/html): \"<html><body>Sign in</body></html>\"",
        ),
        (
            "/faults/token/500",
            "",
            "failed: 500 (text/plain; charset=utf-8): \"upstream failure\"",
        ),
        (
            "/faults/token/invalid-json",
            "",
            "answered 200 with a body that is not JSON (application/json)",
        ),
        (
            "/faults/token/no-token",
            "",
            "answered 200 without an `access_token`",
        ),
        ("/faults/token/slow", "", "timed out after 1s"),
    ];
    for (path, extra, message) in cases {
        let w = World::new();
        let text = format!(
            r#"
name: token error
auth:
  oauth2:
    token_url: "{{{{ url }}}}{path}"
    client_id: sandbox-client
    client_secret: sandbox-secret
    {extra}
requests:
  - name: needs token
    url: "{{{{ url }}}}/echo"
  - name: public
    url: "{{{{ url }}}}/echo"
    auth: none
"#
        );
        w.write("c.yaml", &text);
        let r = w.yarc(&["run", "c.yaml", "--timeout", "1s"]);
        r.expect_code(3)
            .expect_contains(message)
            .expect_contains(&format!("token request to {}{path}", w.url()));
        assert_eq!(r.summary(), "1 passed, 1 failed", "{path}");
    }
}

#[test]
fn the_token_endpoint_can_come_from_the_issuer_discovery_document() {
    let w = World::new();
    let text = format!(
        "name: issuer\n{}requests:\n  - name: list\n    url: \"{{{{ url }}}}/rostering/jobs\"\n    expect: {{ status: 200 }}\n",
        oauth_block("").replace(
            "token_url: \"{{ url }}/connect/token\"",
            "issuer: \"{{ url }}\""
        )
    );
    w.write("c.yaml", &text);
    w.yarc(&["run", "c.yaml"]).expect_code(0);
    assert_eq!(w.sandbox.tokens_issued(), 1);
}

#[test]
fn yarc_token_describes_the_token_masked_or_prints_it_raw() {
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            "name: t\n{}requests:\n  - name: x\n    url: \"{{{{ url }}}}/echo\"\n",
            oauth_block("")
        ),
    );
    let r = w.yarc_env(&["token", "c.yaml"], &[]);
    r.expect_code(0)
        .expect_contains("scope granted   automatic-rostering-stage")
        .expect_contains("expires in      3600 s")
        .expect_contains("access token    •••••")
        .expect_contains("claims          (read from the token, not verified)")
        .expect_contains("  client        sandbox-client")
        .expect_contains("  scopes        automatic-rostering-stage")
        .expect_contains("  audience      sandbox-api")
        .expect_contains("left)");
    let issued = w.sandbox.issued_tokens();
    assert!(
        !r.all().contains(&issued[0]),
        "the token leaked without --show"
    );
    let r = w.yarc_env(&["token", "c.yaml", "--show"], &[]);
    r.expect_code(0);
    let shown = r.stdout.trim();
    assert!(
        w.sandbox.issued_tokens().iter().any(|t| t == shown),
        "--show printed {shown:?}"
    );
    assert_eq!(r.stdout.lines().count(), 1);
}

#[test]
fn yarc_vars_shows_values_sources_and_masks_secrets() {
    let w = World::new();
    w.write("c.yaml", "name: v\nvariables: { page: 10, region: eu }\nrequests:\n  - name: x\n    url: \"{{ url }}/echo\"\n");
    w.write(
        "environments/test.yaml",
        "variables:\n  region: us\n  key: \"{{ secret('YARC_VARS_KEY') }}\"\n",
    );
    let r = w.yarc_env(
        &["vars", "c.yaml", "--env", "test"],
        &[("YARC_VARS_KEY", "vars-secret-4242")],
    );
    r.expect_code(0);
    assert!(!r.all().contains("vars-secret-4242"));
    let line = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or("")
            .to_string()
    };
    assert!(
        line("page").contains("10") && line("page").contains("collection c.yaml:2:"),
        "{}",
        r.stdout
    );
    assert!(
        line("region").contains("us") && line("region").contains("(overrides collection)"),
        "{}",
        r.stdout
    );
    assert!(
        line("key").contains("•••••")
            && line("key").contains("secret YARC_VARS_KEY from the process environment"),
        "{}",
        r.stdout
    );
    assert!(line("url").contains("--var"), "{}", r.stdout);
}

#[test]
fn the_persisted_token_cache_is_opt_in_private_and_reused() {
    let w = World::new();
    let cache = w.path("cache");
    let cache_str = cache.to_string_lossy().to_string();
    w.write(
        "c.yaml",
        &format!(
            "name: t\n{}requests:\n  - name: x\n    url: \"{{{{ url }}}}/rostering/jobs\"\n",
            oauth_block("")
        ),
    );
    w.yarc_env(&["run", "c.yaml"], &[("YARC_CACHE_DIR", &cache_str)])
        .expect_code(0);
    assert!(!cache.exists(), "written without --token-cache");
    w.yarc_env(
        &["run", "c.yaml", "--token-cache"],
        &[("YARC_CACHE_DIR", &cache_str)],
    )
    .expect_code(0);
    w.yarc_env(
        &["run", "c.yaml", "--token-cache"],
        &[("YARC_CACHE_DIR", &cache_str)],
    )
    .expect_code(0);
    assert_eq!(
        w.sandbox.tokens_issued(),
        2,
        "the second --token-cache run should reuse the token"
    );
    let files: Vec<_> = std::fs::read_dir(cache.join("tokens"))
        .expect("tokens dir")
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().to_string_lossy().to_string();
    assert_eq!(name.len(), 64 + 5, "named by a hash: {name}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = files[0].metadata().expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn secrets_and_tokens_never_appear_in_any_output_or_file() {
    let w = World::new();
    let secret = "zz-distinct-secret-5150";
    let key = "zz-distinct-apikey-7733";
    w.write(
        "c.yaml",
        &format!(
            "name: leak\n{}requests:\n  - name: echo everything\n    method: POST\n    url: \"{{{{ url }}}}/echo?key={{{{ secret('YARC_LEAK_KEY') }}}}\"\n    headers: {{ X-Key: \"{{{{ secret('YARC_LEAK_KEY') }}}}\" }}\n    json: {{ k: \"{{{{ secret('YARC_LEAK_KEY') }}}}\", b64: \"{{{{ secret('YARC_LEAK_KEY') | base64_encode }}}}\" }}\n    expect: {{ status: 500 }}\n    capture: {{ echoed: $.headers.authorization }}\n  - name: basic\n    url: \"{{{{ url }}}}/echo\"\n    auth: {{ basic: {{ username: u, password: \"{{{{ secret('YARC_LEAK_SECRET') }}}}\" }} }}\n    expect: {{ status: 500 }}\n",
            oauth_block("").replace("sandbox-secret", "{{ secret('YARC_LEAK_SECRET') }}").replace("client_secret: {{", "client_secret: \"{{").replace("}}\n    scope", "}}\"\n    scope")
        ),
    );
    let env = [("YARC_LEAK_SECRET", secret), ("YARC_LEAK_KEY", key)];
    let mut outputs = String::new();
    for args in [
        vec![
            "run",
            "c.yaml",
            "--verbose",
            "--report",
            "junit:out/r.xml",
            "--report",
            "json:out/r.json",
        ],
        vec!["run", "c.yaml", "--dry-run"],
    ] {
        let r = w.yarc_env(&args, &env);
        outputs.push_str(&r.all());
    }
    // The sandbox's secret is not ours: a wrong one fails the token request, so use --secret-var
    // to run once more with the real one and the distinctive API key.
    let r = w.yarc_env(
        &[
            "run",
            "c.yaml",
            "--verbose",
            "--secret-var",
            "YARC_LEAK_SECRET=sandbox-secret",
            "--report",
            "json:out/r2.json",
        ],
        &[("YARC_LEAK_KEY", key)],
    );
    outputs.push_str(&r.all());
    assert!(r.stdout.contains("FAIL  echo everything"), "{}", r.stdout);
    for f in ["out/r.xml", "out/r.json", "out/r2.json"] {
        outputs.push_str(&std::fs::read_to_string(w.path(f)).expect("report"));
    }
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    };
    let mut needles = vec![
        secret.to_string(),
        key.to_string(),
        b64(key),
        "sandbox-secret".to_string(),
        b64(&format!("u:{secret}")),
    ];
    needles.extend(w.sandbox.issued_tokens());
    for n in needles {
        assert!(!outputs.contains(&n), "{n:?} leaked:\n{outputs}");
    }
}

#[test]
fn a_secret_var_is_a_masked_variable() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: s\nrequests:\n  - name: echo\n    url: \"{{ url }}/echo\"\n    headers: { X-Token: \"{{ api_token }}\" }\n    expect: { json: { \"$.headers['x-token']\": \"{{ api_token }}\" } }\n",
    );
    let r = w.yarc(&[
        "run",
        "c.yaml",
        "--verbose",
        "--secret-var",
        "api_token=tok-from-cli-8080",
    ]);
    r.expect_code(0);
    assert!(!r.all().contains("tok-from-cli-8080"), "{}", r.all());
    assert!(r.all().contains("> X-Token: •••••"), "{}", r.all());
}

/// A secret can come from a file or from standard input, never sitting in the arguments of a
/// process that every user of the machine can list.
#[test]
fn secret_vars_are_read_from_a_file_or_standard_input() {
    let w = World::new();
    w.write("k.txt", "from-a-file-1234\n");
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n    headers: { X-K: \"{{ secret('K') }}\" }\n    expect: { json: { \"$.headers['x-k']\": \"{{ want }}\" } }\n",
    );
    w.yarc(&[
        "run",
        "c.yaml",
        "--secret-var",
        "K=@k.txt",
        "--var",
        "want=from-a-file-1234",
    ])
    .expect_code(0);
    w.yarc(&[
        "run",
        "c.yaml",
        "--secret-var",
        "K=@@at-sign-1234",
        "--var",
        "want=@at-sign-1234",
    ])
    .expect_code(0);
    w.yarc(&[
        "check",
        "c.yaml",
        "--secret-var",
        "K=@missing.txt",
        "--var",
        "want=x",
    ])
    .expect_code(2)
    .expect_contains("--secret-var K=@missing.txt: cannot read the file");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
        .current_dir(w.dir.path())
        .args([
            "run",
            "c.yaml",
            "--secret-var",
            "K=-",
            "--var",
            "want=from-stdin-1234",
        ])
        .args(["--var", &format!("url={}", w.url())])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"from-stdin-1234\n").expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A discovery document may only send the client secret to the issuer's own origin, and must
/// name the issuer it was asked for.
#[test]
fn discovery_never_sends_the_secret_to_another_origin() {
    use std::io::{Read, Write};
    let w = World::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let issuer = format!("http://{}", listener.local_addr().expect("addr"));
    let token_elsewhere = format!("{}/connect/token", w.url());
    let docs = [
        serde_json::json!({ "issuer": issuer, "token_endpoint": token_elsewhere }),
        serde_json::json!({ "issuer": "http://someone-else.example", "token_endpoint": format!("{issuer}/t") }),
    ];
    let served = docs.clone();
    std::thread::spawn(move || {
        for (doc, stream) in served.iter().cycle().zip(listener.incoming()) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = doc.to_string();
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    w.write(
        "c.yaml",
        &format!(
            "auth:\n  oauth2:\n    issuer: \"{issuer}\"\n    client_id: sandbox-client\n    client_secret: sandbox-secret\n    scope: automatic-rostering-stage\nrequests:\n  - name: a\n    url: \"{{{{ url }}}}/echo\"\n"
        ),
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(3)
        .expect_contains("is not on the issuer's origin: the client secret is not sent there");
    w.yarc(&["run", "c.yaml"])
        .expect_code(3)
        .expect_contains("the document names the issuer `http://someone-else.example`");
    assert_eq!(w.sandbox.tokens_issued(), 0);
}

/// A request's `timeout:` bounds the request as a whole, its token request included; the time
/// shown for a request is its own exchange, the time `expect.time` judges.
#[test]
fn a_request_timeout_bounds_its_token_request() {
    let w = World::new();
    w.write(
        "c.yaml",
        "auth:\n  oauth2:\n    token_url: \"{{ url }}/faults/token/slow\"\n    client_id: sandbox-client\n    client_secret: sandbox-secret\nrequests:\n  - name: quick\n    url: \"{{ url }}/echo\"\n    timeout: 1s\n",
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(3)
        .expect_contains("timed out after 1s: the request's timeout ran out getting its token");
    // The token's time is not the request's: the time shown is the exchange's own, the one
    // `expect.time` judges; the token's is its own step.
    w.write(
        "t.yaml",
        "auth:\n  oauth2:\n    token_url: \"{{ url }}/faults/token/slow\"\n    client_id: sandbox-client\n    client_secret: sandbox-secret\nrequests:\n  - name: quick\n    url: \"{{ url }}/echo\"\n",
    );
    w.yarc_real_clock(&["run", "t.yaml", "--report", "json:r.json"])
        .expect_code(0);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("r.json")).expect("json"))
            .expect("valid");
    let r = &v["collections"][0]["requests"][0];
    let steps = r["steps"].as_array().expect("steps");
    let step = |kind: &str| {
        steps
            .iter()
            .find(|s| s["step"] == kind)
            .unwrap_or_else(|| panic!("no {kind} step in {r}"))
    };
    assert_eq!(r["duration_ms"], step("send")["duration_ms"], "{r}");
    assert_eq!(step("token")["source"], "fetched", "{r}");
}

#[test]
fn yarc_token_on_a_folder_describes_every_distinct_auth_block() {
    let w = World::new();
    let file = |name: &str, scope: &str| {
        format!(
            "name: {name}\n{}requests:\n  - name: {name} one\n    url: \"{{{{ url }}}}/echo\"\n  - name: {name} two\n    url: \"{{{{ url }}}}/echo\"\n",
            oauth_block("").replace("automatic-rostering-stage", scope)
        )
    };
    w.write("cols/a.yaml", &file("a", "automatic-rostering-stage"));
    w.write("cols/b.yaml", &file("b", "hrmanalytics:read"));
    w.write("cols/c.yaml", &file("c", "automatic-rostering-stage"));
    let r = w.yarc_env(&["token", "cols"], &[]);
    r.expect_code(0)
        .expect_contains("auth block 1 of 2, used by `a one` and 3 more")
        .expect_contains("auth block 2 of 2, used by `b one` and 1 more")
        .expect_contains("scope asked     automatic-rostering-stage")
        .expect_contains("scope asked     hrmanalytics:read");
    assert_eq!(w.sandbox.tokens_issued(), 2, "{}", r.all());
    w.yarc_env(&["token", "cols", "--show"], &[])
        .expect_code(2)
        .expect_contains("name one with --request (`a one`, `b one`)");
    let r = w.yarc_env(&["token", "cols", "--show", "--request", "b two"], &[]);
    r.expect_code(0);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.all());
}

#[test]
fn very_verbose_shows_the_token_requests_fields_with_secrets_masked() {
    let w = World::new();
    let extra = "    params:\n      tenant_id: \"{{ secret('YARC_TENANT') }}\"\n      audience: rostering\n";
    w.write(
        "c.yaml",
        &format!(
            "name: t\n{}requests:\n  - name: x\n    url: \"{{{{ url }}}}/echo\"\n",
            oauth_block(extra)
        ),
    );
    let sent = "sent: form grant_type=client_credentials&client_id=sandbox-client&client_secret=•••••&scope=automatic-rostering-stage&tenant_id=•••••&audience=rostering";
    let r = w.yarc_env(
        &["run", "c.yaml", "-vv"],
        &[("YARC_TENANT", "sandbox-tenant")],
    );
    r.expect_code(0).expect_contains(sent);
    assert!(!r.all().contains("sandbox-tenant"), "{}", r.all());
    assert!(!r.all().contains("sandbox-secret"), "{}", r.all());
    // A refused token request shows what it carried too: the question after a 400.
    let r = w.yarc_env(&["run", "c.yaml", "-vv"], &[("YARC_TENANT", "tenant-4711")]);
    r.expect_code(3)
        .expect_contains("unknown tenant_id")
        .expect_contains(sent);
    assert!(!r.all().contains("tenant-4711"), "{}", r.all());
    // One -v keeps to the token line.
    let r = w.yarc_env(
        &["run", "c.yaml", "-v"],
        &[("YARC_TENANT", "sandbox-tenant")],
    );
    assert!(!r.all().contains("sent: form"), "{}", r.all());
}

#[test]
fn yarc_vars_with_data_says_which_of_two_same_named_values_wins() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: v\nvariables: { page: 1 }\nrequests:\n  - name: x\n    url: \"{{ url }}/echo?p={{ page }}\"\n",
    );
    w.write("rows.csv", "page\n5\n6\n");
    let r = w.yarc_env(&["vars", "c.yaml", "--data", "rows.csv"], &[]);
    r.expect_code(0)
        .expect_contains("collection c.yaml:2:14 — not used: the data row's value wins");
    let r = w.yarc_env(
        &["vars", "c.yaml", "--data", "rows.csv", "--var", "page=9"],
        &[],
    );
    r.expect_code(0)
        .expect_contains("— wins over the data row's value")
        .expect_contains("and --var) — not used: --var's value wins");
}

#[test]
fn yarc_vars_says_a_secret_var_came_from_secret_var() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: v\nrequests:\n  - name: x\n    url: \"{{ url }}/echo?t={{ TOK }}\"\n",
    );
    let r = w.yarc_env(
        &["vars", "c.yaml", "--secret-var", "TOK=kq7-Zx9w-Lm3p"],
        &[],
    );
    let out = r.expect_code(0).stdout.clone();
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("TOK"))
        .expect("a TOK row");
    assert!(line.trim_end().ends_with("--secret-var"), "{line}");
    assert!(!out.contains("kq7-Zx9w-Lm3p"), "{out}");
}

#[test]
fn token_claims_mask_a_client_id_kept_secret_and_show_in_verbose_runs() {
    let w = World::new();
    let text = format!(
        "name: claims\n{}requests:\n  - name: list\n    url: \"{{{{ url }}}}/rostering/jobs\"\n    expect: {{ status: 200 }}\n",
        oauth_block("").replace(
            "client_id: sandbox-client",
            "client_id: \"{{ secret('YARC_CLAIMS_CLIENT') }}\""
        )
    );
    w.write("c.yaml", &text);
    let env = [("YARC_CLAIMS_CLIENT", "sandbox-client")];
    let r = w.yarc_env(&["token", "c.yaml"], &env);
    r.expect_code(0)
        .expect_contains("  client        •••••")
        .expect_contains("  tenant        none");
    assert!(!r.all().contains("sandbox-client"), "{}", r.all());
    let r = w.yarc_env(&["run", "c.yaml", "-v", "--color", "never"], &env);
    r.expect_code(0).expect_contains(
        "the token carries tenant none, scopes `automatic-rostering-stage`, audience `sandbox-api`, client `•••••`",
    );
    assert!(!r.all().contains("sandbox-client"), "{}", r.all());
}

#[test]
fn the_password_grant_sends_the_user_once_and_never_shows_the_password() {
    let w = World::new();
    let collection = |password: &str| {
        format!(
            r#"
name: password grant
auth:
  oauth2:
    token_url: "{{{{ url }}}}/connect/token"
    client_id: sandbox-client
    client_secret: sandbox-secret
    username: sandbox-user
    password: "{password}"
    scope: automatic-rostering-stage
requests:
  - name: one
    url: "{{{{ url }}}}/echo"
    expect:
      json:
        $.headers.authorization: {{ starts_with: "Bearer " }}
  - name: two
    url: "{{{{ url }}}}/echo"
"#
        )
    };
    w.write("grant.yaml", &collection("{{ secret('USER_PASSWORD') }}"));
    let r = w.yarc_env(
        &["run", "grant.yaml", "-vv", "--report", "json:report.json"],
        &[("USER_PASSWORD", "sandbox-password")],
    );
    r.expect_code(0);
    let calls = w.sandbox.token_calls();
    assert_eq!(calls.len(), 1, "one token for the run");
    let mut form = calls[0].form.clone();
    form.sort();
    let names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "client_id",
            "client_secret",
            "grant_type",
            "password",
            "scope",
            "username"
        ]
    );
    assert!(form.contains(&("grant_type".into(), "password".into())));
    assert!(form.contains(&("username".into(), "sandbox-user".into())));
    let report = std::fs::read_to_string(w.path("report.json")).expect("report");
    for text in [r.stdout.as_str(), r.stderr.as_str(), report.as_str()] {
        assert!(!text.contains("sandbox-password"), "{text}");
    }
    assert!(r.stdout.contains("password=") || r.stderr.contains("password="));
    // A wrong password is the token endpoint's refusal, said for the requests that need it.
    w.write("wrong.yaml", &collection("not-it"));
    let r = w.yarc(&["run", "wrong.yaml"]);
    r.expect_code(3);
    assert!(r.stdout.contains("invalid_grant"), "{}", r.stdout);
    // Both or neither.
    w.write(
        "half.yaml",
        "name: half\nauth:\n  oauth2:\n    token_url: https://id.example/token\n    client_id: c\n    username: u\nrequests:\n  - name: a\n    url: https://example.com\n",
    );
    let r = w.yarc(&["check", "half.yaml"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("needs both `username` and `password`"),
        "{}",
        r.stderr
    );
}

/// `variable:` gives the block's token to the requests under it as a variable, for a header
/// or body that carries it another way than `Authorization: Bearer`: the same token, fetched
/// once, masked like it.
#[test]
fn the_oauth2_token_is_a_variable_when_the_block_names_one() {
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
    variable: access_token
requests:
  - name: copy
    method: POST
    url: "{{ url }}/echo"
    headers: { X-Copy: "{{ access_token }}" }
    json: { token: "{{ access_token }}" }
    expect:
      json:
        $.headers.authorization: "Bearer {{ access_token }}"
        $.headers['x-copy']: "{{ access_token }}"
        $.json.token: "{{ access_token }}"
  - name: again
    url: "{{ url }}/echo?t={{ access_token }}"
"#,
    );
    w.yarc(&["check", "c.yaml"]).expect_code(0);
    let r = w.yarc(&["run", "c.yaml", "-v", "--report", "json:r.json"]);
    r.expect_code(0);
    let tokens = w.sandbox.issued_tokens();
    assert_eq!(tokens.len(), 1);
    let report = std::fs::read_to_string(w.path("r.json")).expect("report");
    for text in [r.all(), report] {
        assert!(!text.contains(&tokens[0]), "{text}");
    }
    let dry = w.yarc(&["run", "c.yaml", "--dry-run"]);
    dry.expect_code(0)
        .expect_contains("X-Copy: <token from the oauth2 block>");
    assert_eq!(w.sandbox.issued_tokens().len(), 1);
}
