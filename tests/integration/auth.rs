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
    assert!(r.stdout.contains("actual:   \"•••••\""), "{}", r.stdout);
    // The process environment wins over .env.
    let r = w.yarc_env(
        &["run", "c.yaml"],
        &[("YARC_IT_TOKEN", "process-value-456")],
    );
    assert!(!r.all().contains("process-value-456"));
    r.expect_code(1);
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
