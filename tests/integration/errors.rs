//! Invalid input: exit 2, a located message, and nothing sent.

use super::*;

/// Runs `text` as a collection and checks exit 2, the messages, and that the server saw nothing.
#[track_caller]
fn refused(text: &str, needles: &[&str]) -> Run {
    let w = World::new();
    w.write("c.yaml", text);
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(2);
    for n in needles {
        r.expect_contains(n);
    }
    r.expect_contains("nothing was sent");
    assert_eq!(w.sandbox.requests_seen(), 0, "the server was called");
    r
}

const OK_FIRST: &str = "name: c\nrequests:\n  - name: first\n    url: \"{{ url }}/echo\"\n";

#[test]
fn yaml_syntax_error() {
    refused(
        &format!("{OK_FIRST}  - name: second\n    url: [unclosed\n"),
        &["invalid YAML", "c.yaml:6:"],
    );
}

#[test]
fn unknown_key_with_suggestion() {
    refused(
        &format!(
            "{OK_FIRST}  - name: second\n    url: \"{{{{ url }}}}/echo\"\n    expcet: {{ status: 200 }}\n"
        ),
        &[
            "unknown key `expcet` in a request",
            "c.yaml:7:5",
            "did you mean `expect`?",
            "    expcet: { status: 200 }",
        ],
    );
}

#[test]
fn unknown_predicate_with_suggestion() {
    refused(
        &format!("{OK_FIRST}    expect:\n      json:\n        $.a: {{ lenght: 3 }}\n"),
        &[
            "unknown key `lenght` in predicates",
            "c.yaml:7:16",
            "did you mean `length`?",
        ],
    );
}

#[test]
fn undefined_variable_names_the_variable_the_request_and_the_place() {
    refused(
        &format!("{OK_FIRST}  - name: second\n    url: \"{{{{ url }}}}/jobs/{{{{ job_idd }}}}\"\n"),
        &[
            "undefined variable `job_idd` in request `second`",
            "c.yaml:6:10",
        ],
    );
}

#[test]
fn undefined_variable_suggests_a_near_name() {
    refused(
        "name: c\nvariables: { customer_id: 1 }\nrequests:\n  - name: one\n    url: \"{{ url }}/echo/{{ customer_idd }}\"\n",
        &[
            "undefined variable `customer_idd`",
            "did you mean `customer_id`?",
            "c.yaml:5:10",
        ],
    );
}

#[test]
fn missing_secret_says_where_it_looked() {
    refused(
        &format!(
            "{OK_FIRST}    headers: {{ X-Key: \"{{{{ secret('YARC_TEST_NOT_SET_ANYWHERE') }}}}\" }}\n"
        ),
        &[
            "secret `YARC_TEST_NOT_SET_ANYWHERE` is not set",
            "c.yaml:5:23",
            "looked in the process environment",
        ],
    );
}

/// A secret set to "" (what CI passes for a repository secret that does not exist) is refused
/// before anything is sent, unless the collection says empty is meant.
#[test]
fn an_empty_secret_counts_as_not_set() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    headers: { X-Key: \"{{ secret('API_KEY') }}\" }\n",
    );
    let env = [("API_KEY", "")];
    for cmd in [
        &["check", "c.yaml", "--require-secrets"][..],
        &["run", "c.yaml"],
    ] {
        w.yarc_env(cmd, &env)
            .expect_code(2)
            .expect_contains("secret `API_KEY` is set but empty (needed by request `r`)")
            .expect_contains("c.yaml:4:23")
            .expect_contains("the process environment")
            .expect_contains("secret(\"API_KEY\", allow_empty=true)");
    }
    assert_eq!(w.sandbox.requests_seen(), 0);
    w.write(
        "ok.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    headers: { X-Key: \"-{{ secret('API_KEY', allow_empty=true) }}-\" }\n    expect: { json: { \"$.headers['x-key']\": \"--\" } }\n",
    );
    w.yarc_env(&["run", "ok.yaml"], &env).expect_code(0);
    // Not set at all is still "not set".
    w.yarc(&["check", "ok.yaml", "--require-secrets"])
        .expect_code(2)
        .expect_contains("secret `API_KEY` is not set");
}

/// A variable made of a secret is asked for only where a request reads it: an environment's
/// `db_password` that nothing sends keeps nothing from running, and `yarc vars` lists it.
#[test]
fn a_secret_only_an_unused_variable_reads_is_not_asked_for() {
    let w = World::new();
    w.write(
        "c.yaml",
        "variables:\n  db_password: \"{{ secret('DB_PASSWORD') }}\"\n  token: \"{{ secret('API_TOKEN') }}\"\nrequests:\n  - name: plain\n    url: \"{{ url }}/echo\"\n  - name: with token\n    url: \"{{ url }}/echo\"\n    headers: { Authorization: \"Bearer {{ token }}\" }\n",
    );
    w.yarc(&["run", "c.yaml", "--name", "plain"]).expect_code(0);
    assert_eq!(w.sandbox.requests_seen(), 1);
    // A request that reads it through a variable: refused before anything is sent, naming
    // the variable; the unused one is not named.
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(2)
        .expect_contains("secret `API_TOKEN` is not set (needed by variable `token`)")
        .expect_contains("c.yaml:3:3");
    assert!(!r.all().contains("DB_PASSWORD"), "{r:?}");
    assert_eq!(w.sandbox.requests_seen(), 1);
    w.yarc_env(&["run", "c.yaml"], &[("API_TOKEN", "t-1")])
        .expect_code(0);
    w.yarc_env(&["vars", "c.yaml"], &[("API_TOKEN", "t-1")])
        .expect_code(0)
        .expect_contains("(a secret it reads is not set)")
        .expect_contains("secret DB_PASSWORD (not set)");
}

/// `secret("NAME", default="...")`: the user may give it, and need not; given, it is masked.
#[test]
fn a_secret_with_a_default_may_be_left_unset() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    headers: { X-Key: \"[{{ secret('SESSION', default='none') }}]\" }\n    expect: { json: { \"$.headers['x-key']\": \"{{ want }}\" } }\n",
    );
    w.yarc(&[
        "check",
        "c.yaml",
        "--require-secrets",
        "--var",
        "want=[none]",
    ])
    .expect_code(0);
    w.yarc(&["run", "c.yaml", "--var", "want=[none]"])
        .expect_code(0);
    w.yarc_env(&["run", "c.yaml", "--var", "want=[]"], &[("SESSION", "")])
        .expect_code(0);
    // Given, it is used, and masked like any secret.
    let r = w.yarc_env(
        &["run", "c.yaml", "--var", "want=[sess-value-1]", "-v"],
        &[("SESSION", "sess-value-1")],
    );
    r.expect_code(0);
    assert!(!r.stdout.contains("sess-value-1"), "{}", r.stdout);
}

#[test]
fn invalid_jsonpath() {
    refused(
        &format!("{OK_FIRST}    expect:\n      json:\n        \"$.items[\": {{ exists: true }}\n"),
        &["invalid JSONPath `$.items[`", "c.yaml:7:9"],
    );
}

#[test]
fn template_syntax_error() {
    refused(
        &format!("{OK_FIRST}  - name: second\n    url: \"{{{{ url }}}}/{{{{ oops \"\n"),
        &["invalid template", "c.yaml:6:10"],
    );
}

#[test]
fn bad_duration_and_type_and_regex() {
    refused(
        &format!(
            "{OK_FIRST}    timeout: 30\n    expect:\n      json:\n        $.a: {{ type: strng, matches: \"(\" }}\n"
        ),
        &[
            "`timeout` needs a unit",
            "c.yaml:5:14",
            "unknown type `strng`",
            "did you mean `string`?",
            "invalid regular expression",
        ],
    );
}

#[test]
fn duplicate_request_names() {
    refused(
        &format!("{OK_FIRST}  - name: first\n    url: \"{{{{ url }}}}/echo\"\n"),
        &[
            "duplicate request name `first`",
            "c.yaml:5:5",
            "the first is at c.yaml:3:5",
        ],
    );
}

#[test]
fn missing_schema_file() {
    refused(
        &format!("{OK_FIRST}    expect:\n      schema: schemas/none.json\n"),
        &["cannot use schema `schemas/none.json`", "c.yaml:6:15"],
    );
}

#[test]
fn unknown_environment_lists_the_known_ones() {
    let w = World::new();
    w.write("c.yaml", OK_FIRST);
    w.write("environments/stage.yaml", "variables: {}\n");
    w.yarc(&["run", "c.yaml", "--env", "stag"])
        .expect_code(2)
        .expect_contains("environment `stag` not found")
        .expect_contains("did you mean `stage`?");
}

#[test]
fn every_error_of_a_file_is_reported_at_once() {
    let r = refused(
        "name: c\nrequests:\n  - name: a\n    url: \"{{ url }}\"\n    metod: GET\n  - name: b\n    url: \"{{ url }}\"\n    expect: { staus: 200 }\n",
        &["unknown key `metod`", "unknown key `staus`"],
    );
    assert!(r.stderr.contains("2 errors found"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let w = World::new();
    let r = run_in(w.dir.path(), &["run".to_string()], &[]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run_in(w.dir.path(), &["run".into(), "missing.yaml".into()], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read `missing.yaml`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_placeholder_host_and_an_empty_token_url_are_refused_an_empty_path_segment_warned_about() {
    refused(
        r#"
variables: { base_url: "https://set-me.invalid", order_id: "", token_url: "" }
requests:
  - name: first
    url: "{{ url }}/echo"
  - name: placeholder
    url: "{{ base_url }}/jobs"
  - name: empty segment
    url: "{{ url }}/orders/{{ order_id }}/lines"
  - name: no token url
    url: "{{ url }}/echo"
    auth: { oauth2: { token_url: "{{ token_url }}", client_id: a, client_secret: b } }
"#,
        &[
            "the URL's host `set-me.invalid` is a placeholder",
            "set `base_url` to the API's address",
            "c.yaml:7:10",
            "the oauth2 `token_url` is empty",
            "set `token_url` to the token endpoint",
        ],
    );
    let w = World::new();
    w.write(
        "c.yaml",
        "variables: { order_id: \"\" }\nrequests:\n  - name: a\n    url: \"{{ url }}/orders/{{ order_id }}/lines\"\n    expect: { status: any }\n",
    );
    w.yarc(&["check", "c.yaml"])
        .expect_code(0)
        .expect_contains("has an empty path segment: `order_id` is empty")
        .expect_contains("/orders//lines");
}

#[test]
fn a_request_variable_the_environment_overrides_is_warned_about() {
    let w = World::new();
    w.write("environments/e.yaml", "variables:\n  order_id: \"7\"\n");
    w.write(
        "c.yaml",
        "requests:\n  - name: order\n    url: \"{{ url }}/echo/{{ order_id }}\"\n    variables: { order_id: \"42\" }\n    expect: { json: { $.path: /echo/7 } }\n",
    );
    w.yarc(&["run", "c.yaml", "--env", "e"])
        .expect_code(0)
        .expect_contains("warning: request `order`: its variable `order_id` (c.yaml:4:18) is overridden by the environment's (environments/e.yaml:2:3), which is the value sent");
    w.yarc(&["check", "c.yaml", "--var", "order_id=9"])
        .expect_code(0)
        .expect_contains("is overridden by `--var`'s, which is the value sent");
}

#[test]
fn a_strftime_format_now_cannot_read_is_a_located_error_not_a_panic() {
    let r = refused(
        "requests:\n  - name: a\n    url: \"{{ url }}/echo?d={{ now('%Q') }}\"\n",
        &["`%Q` is not a strftime format now() can use", "c.yaml:3:10"],
    );
    assert!(!r.all().contains("panicked"));
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo?d={{ now('%Q') }}\"\n",
    );
    w.yarc(&["check", "c.yaml"])
        .expect_code(2)
        .expect_contains("`%Q` is not a strftime format now() can use");
}

#[test]
fn a_plan_time_error_never_prints_a_secret() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    method: POST\n    url: \"{{ url }}/echo\"\n    file: \"missing-{{ secret('S') }}.bin\"\n",
    );
    let secret = "s3cret-in-a-file-name";
    for cmd in ["check", "run"] {
        let r = w.yarc_env(&[cmd, "c.yaml"], &[("S", secret)]);
        r.expect_code(2)
            .expect_contains("file `missing-•••••.bin` does not exist");
        assert!(!r.all().contains(secret), "{}", r.all());
    }
    assert_eq!(w.sandbox.requests_seen(), 0);
}

/// A reader that goes away (`yarc … | head -1`) ends the output quietly: no panic, and the
/// exit status is the command's own (0 for a passing run, 1 for a failing one).
#[test]
fn a_closed_stdout_never_panics_and_keeps_the_exit_status() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: one\n    url: \"{{ url }}/echo?pad=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n  - name: bad\n    url: \"{{ url }}/echo\"\n    expect: { status: 201 }\n",
    );
    let url = format!("url={}", w.url());
    let cases: [(&[&str], i32); 5] = [
        (&["schema", "collection"], 0),
        (&["--version"], 0),
        (&["run", "c.yaml", "--name", "one", "--var", &url], 0),
        (&["run", "c.yaml", "--name", "bad", "--var", &url], 1),
        (&["run", "c.yaml", "--var", &url, "--print", "all"], 1),
    ];
    for (args, code) in cases {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yarc"))
            .current_dir(w.dir.path())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reading end closes before yarc writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    }
}

/// A secret read with a `default=` (what the Postman import writes for a secret the export
/// left empty) may stay unset: `check` passes and names it, the run sends the default, and
/// once it is set neither says a word of it.
#[test]
fn check_names_the_secrets_left_to_their_default() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo\"\n    headers: { X-Key: \"-{{ secret('DEFAULTED_KEY', default='') }}-\" }\n    expect: { json: { \"$.headers['x-key']\": \"--\" } }\n",
    );
    let url = format!("url={}", w.url());
    let note = "note: secrets that are not set here, so their `default=` is sent: DEFAULTED_KEY";
    w.yarc(&["check", "c.yaml", "--var", &url])
        .expect_code(0)
        .expect_contains(note);
    w.yarc(&["run", "c.yaml", "--var", &url])
        .expect_code(0)
        .expect_contains(note);
    w.write(".env", "DEFAULTED_KEY=k-set-1\n");
    let r = w.yarc(&["check", "c.yaml", "--var", &url]);
    r.expect_code(0);
    assert!(!r.stderr.contains("default="), "{}", r.stderr);
}

/// A base URL an environment leaves empty: one error names the variable to set, not one
/// "no scheme" per request.
#[test]
fn an_empty_base_url_is_named_once() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    url: \"{{ base_url }}/api/a\"\n  - name: b\n    url: \"{{ base_url }}/api/b\"\n",
    );
    w.write("environments/test.yaml", "variables:\n  base_url: \"\"\n");
    let r = w.yarc(&["check", "c.yaml", "--env", "test"]);
    r.expect_code(2)
        .expect_contains("invalid URL `/api/a`: it has no scheme")
        .expect_contains("`base_url` is empty here: set it to the API's address");
    assert!(!r.all().contains("/api/b"), "{}", r.all());
    w.yarc(&["run", "c.yaml", "--env", "test"])
        .expect_code(2)
        .expect_contains("`base_url` is empty here");
    assert_eq!(w.sandbox.requests_seen(), 0);
    // A placeholder left in it (`<your server>`) is named the same way.
    w.write(
        "environments/test.yaml",
        "variables:\n  base_url: \"<your server>\"\n",
    );
    let r = w.yarc(&["check", "c.yaml", "--env", "test"]);
    r.expect_code(2)
        .expect_contains("`base_url` holds no address here (no http:// or https://)");
    assert!(!r.all().contains("/api/b"), "{}", r.all());
}

/// `yarc check` without `--env` is a lint: on a machine without the secrets (a pull request
/// from a fork, a pre-commit hook) it lists once which secrets each environment needs and
/// passes; `--env` and `--require-secrets` keep it strict.
#[test]
fn check_without_env_lists_unset_secrets_and_passes() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ base }}/echo\"\n    headers: { X-Key: \"{{ secret('LINT_KEY') }}\", X-Id: \"{{ client_id }}\" }\n  - name: key in the query\n    url: \"{{ base }}/echo?apikey={{ secret('LINT_KEY') }}\"\n",
    );
    w.write("environments/stage.yaml", "variables:\n  base: https://stage.example.com\n  client_id: \"{{ secret('LINT_CLIENT_ID') }}\"\n");
    w.write(
        "environments/dev.yaml",
        "variables:\n  base: http://localhost:1\n  client_id: dev\n",
    );
    let r = w.yarc(&["check", "c.yaml"]);
    r.expect_code(0)
        .expect_contains("note: `stage` needs secrets that are not set (or empty) here: LINT_CLIENT_ID, LINT_KEY (`yarc check --env stage` and `yarc run --env stage` require them)")
        .expect_contains("note: `dev` needs secrets that are not set (or empty) here: LINT_KEY");
    assert_eq!(
        r.stderr.matches("LINT_KEY").count(),
        2,
        "once per environment: {}",
        r.stderr
    );
    w.yarc(&["check", "c.yaml", "--env", "stage"])
        .expect_code(2)
        .expect_contains("secret `LINT_CLIENT_ID` is not set");
    w.yarc(&["check", "c.yaml", "--require-secrets"])
        .expect_code(2)
        .expect_contains("secret `LINT_KEY` is not set");
    // Other problems still fail the lint.
    w.write(
        "bad.yaml",
        "requests:\n  - name: r\n    url: \"{{ base }}/echo\"\n    expect: { json: { \"$[\": 1 } }\n",
    );
    w.yarc(&["check", "bad.yaml"]).expect_code(2);
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn a_tab_in_the_indentation_is_reported_on_its_own_line() {
    refused(
        &format!("{OK_FIRST}    headers:\n      A: b\n\t    C: d\n"),
        &[
            "invalid YAML: a tab in the indentation",
            "c.yaml:7:1",
            "YAML indents with spaces only",
        ],
    );
}

#[test]
fn a_key_left_at_its_parents_level_is_called_an_indentation_mistake() {
    refused(
        &format!("{OK_FIRST}    expect:\n    status: 200\n"),
        &[
            "unknown key `status` in a request: indent it under `expect`",
            "c.yaml:6:5",
        ],
    );
}

#[test]
fn a_postman_length_call_gets_a_hint_to_use_the_length_predicate() {
    refused(
        &format!("{OK_FIRST}    expect:\n      json:\n        $.items.length(): 3\n"),
        &["JSONPath has no length", "`$.items: { length: 3 }`"],
    );
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: one\n    method: POST\n    url: \"{{ url }}/echo\"\n    json: { items: [1, 2] }\n    expect:\n      json:\n        $.json.items.length: 2\n",
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(1)
        .expect_contains("`$.json.items.length` selects nothing (JSONPath has no length");
}

#[test]
fn problems_of_every_kind_and_every_file_are_reported_in_one_pass() {
    let w = World::new();
    w.write(
        "a.yaml",
        "name: a\nrequests:\n  - name: one\n    url: \"{{ url }}/echo\"\n    expcet: { status: 200 }\n    capture:\n      token: { jsonpth: $.token }\n  - name: two\n    url: \"{{ url }}/{{ token }}/{{ missing_var }}\"\n    expect:\n      schema: nope.json\n",
    );
    w.write(
        "b.yaml",
        "name: b\nrequests:\n  - name: three\n    url: \"{{ url }}/echo\"\n    expect: { schema: gone.json }\n",
    );
    let r = w.yarc(&["check", "a.yaml", "b.yaml"]);
    r.expect_code(2)
        .expect_contains("unknown key `expcet`")
        .expect_contains("unknown key `jsonpth`")
        .expect_contains("cannot use schema `nope.json`")
        .expect_contains("cannot use schema `gone.json`")
        .expect_contains("undefined variable `missing_var` in request `two`");
    // `token` is captured by the part that could not be read: no second-hand error about it.
    assert!(!r.stderr.contains("`token`"), "{}", r.stderr);
    let r = w.yarc(&["run", "a.yaml", "b.yaml"]);
    r.expect_code(2)
        .expect_contains("cannot use schema `gone.json`");
    assert_eq!(w.sandbox.requests_seen(), 0, "the server was called");
}

/// Every command that stops says why once — one `error:` line (or one list of input errors) —
/// and exits with the code its cause means.
#[test]
fn a_command_that_stops_says_why_once() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: r\n    url: \"{{ nowhere }}\"\n",
    );
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["diff", "c.yaml", "--env", "a"],
            2,
            "compares exactly two environments",
        ),
        (
            &["report", "merge", "missing.json", "--json", "out.json"],
            2,
            "missing.json",
        ),
        (&["man", "nonsense"], 2, "there is no command `nonsense`"),
        (&["token", "c.yaml"], 2, "`nowhere`"),
        (&["snapshots", "accept", "."], 0, "no pending snapshots"),
        (
            &["import", "curl", "-o", "x.yaml", "no-such-file"],
            2,
            "cannot read `no-such-file`",
        ),
    ];
    for (args, code, needle) in cases {
        let r = w.yarc(args);
        r.expect_code(*code);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains(needle), "{args:?}: {needle} in {all}");
        let errors = r.stderr.lines().filter(|l| l.starts_with("error")).count();
        assert!(
            errors <= 1,
            "{args:?} said it {errors} times:\n{}",
            r.stderr
        );
    }
}

/// Only a real `is defined` test or `default` filter makes `check` trust a template with a
/// missing variable: the words in a path or a name do not. An unknown function is named as one.
#[test]
fn check_is_not_fooled_by_the_words_defined_and_default() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: path
    url: "{{ url }}/settings/default/{{ job_idd }}"
  - name: name
    url: "{{ url }}/echo"
    skip: "{{ not_defined_anywhere }}"
  - name: guarded
    url: "{{ url }}/echo/{{ maybe | default('none') }}"
    skip: "{{ 'no id' if id is not defined else '' }}"
  - name: call
    url: "{{ url }}/echo/{{ uuidd() }}"
"#,
    );
    let r = w.yarc(&["check", "c.yaml"]);
    r.expect_code(2)
        .expect_contains("undefined variable `job_idd` in request `path`")
        .expect_contains("undefined variable `not_defined_anywhere` in request `name`")
        .expect_contains("unknown function `uuidd` in request `call`")
        .expect_contains("did you mean `uuid`?");
    assert!(!r.all().contains("request `guarded`"), "{}", r.all());
    assert_eq!(w.sandbox.requests_seen(), 0);
}
