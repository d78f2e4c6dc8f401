//! Importers: Postman and OpenAPI fixtures into collections that pass `yarc check` and, run
//! against the sandbox, pass; the generated YAML pinned by golden files; no secret copied.

use super::*;

fn fixture(rel: &str) -> String {
    project_root()
        .join("tests/fixtures")
        .join(rel)
        .to_string_lossy()
        .to_string()
}

fn files_below(dir: &std::path::Path) -> String {
    let mut all = String::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            all.push_str(&files_below(&p));
        } else {
            all.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
    all
}

/// What the Postman environment asks for, as `secret()`s.
const POSTMAN_SECRETS: [(&str, &str); 4] = [
    ("CLIENT_SECRET", "sandbox-secret"),
    ("API_KEY", "k-1"),
    ("PASSWORD", "pw-1"),
    ("ACCESS_TOKEN", "t-1"),
];

fn assert_the_postman_import_says_what_it_did(stdout: &str) {
    assert!(
        stdout.contains("imported 7 requests in 3 groups"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "from scripts: 15 of 15 assertions, 2 of 2 set() calls (2 captures, 0 variables)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 script line was kept as comments"),
        "{stdout}"
    );
    for line in [
        "secrets were not copied: set each in the environment or a .env file (.env.example lists them)",
        "      ACCESS_TOKEN: the variable `access_token` of environment `Visma Stage`",
        "      PASSWORD: the auth field `password` of request `Upload`",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
}

/// `yarc run` of the imported collection against the sandbox: the URLs and the client id
/// come from --var.
fn run_imported_args(w: &World) -> Vec<String> {
    let url = w.url();
    let vars = [
        format!("base_url={url}/rostering"),
        format!("echo_url={url}"),
        format!("token_url={url}/connect/token"),
        "client_id=sandbox-client".to_string(),
    ];
    let mut args: Vec<String> = ["run", "out", "--env", "visma-stage"]
        .map(String::from)
        .to_vec();
    for v in &vars {
        args.push("--var".into());
        args.push(v.clone());
    }
    args
}

#[test]
fn postman_collection_and_environment_import_check_and_run() {
    let w = World::new();
    let r = run_in(
        w.dir.path(),
        &[
            "import".into(),
            "postman".into(),
            fixture("postman/visma-rostering.postman_collection.json"),
            "--environment".into(),
            fixture("postman/visma-stage.postman_environment.json"),
            "-o".into(),
            "out".into(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_the_postman_import_says_what_it_did(&r.stdout);
    let all = files_below(&w.path("out"));
    for secret in [
        "env-secret-do-not-copy",
        "literal-password-do-not-copy",
        "apikey-do-not-copy",
    ] {
        assert!(!all.contains(secret), "{secret} was copied");
    }
    // The secrets to set are listed, with no value, in `.env.example` beside the collection.
    let example = std::fs::read_to_string(w.path("out/.env.example")).expect(".env.example");
    for line in [
        "PASSWORD=\n",
        "ACCESS_TOKEN=\n",
        "# PASSWORD: the auth field `password` of request `Upload`",
    ] {
        assert!(example.contains(line), "{line} in {example}");
    }
    let collection =
        std::fs::read_to_string(w.path("out/visma-rostering-postman.yaml")).expect("collection");
    assert_golden("postman-import.yaml", &collection);
    assert_golden(
        "postman-import-env.yaml",
        &std::fs::read_to_string(w.path("out/environments/visma-stage.yaml")).expect("env"),
    );
    // The multipart file Postman pointed at is not there: that request is written skipped,
    // with the reason, and the rest of the collection checks (and runs, below).
    assert!(
        r.stdout.contains("is written with `skip:`: the upload file of part `file` (data/upload.csv) is not beside the collection"),
        "{}",
        r.stdout
    );
    let r = run_in(
        w.dir.path(),
        &["check", "out", "--env", "visma-stage"].map(String::from),
        &POSTMAN_SECRETS,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("is skipped: the upload file of part `file` (data/upload.csv) is not beside the collection: put it there and delete this line"),
        "{r:?}"
    );
    assert_the_import_runs_and_its_upload_once_unskipped(&w, &collection);
}

fn assert_the_import_runs_and_its_upload_once_unskipped(w: &World, collection: &str) {
    let mut args = run_imported_args(w);
    let r = run_in(w.dir.path(), &args, &POSTMAN_SECRETS);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.summary(), "6 passed, 0 failed, 1 skipped");
    assert_eq!(w.sandbox.tokens_issued(), 1);
    // The file put there and the line deleted, as the reason says: the upload runs too.
    w.write("out/data/upload.csv", "a,b\n1,2\n");
    let without: String = collection
        .lines()
        .filter(|l| !l.trim_start().starts_with("skip: "))
        .map(|l| format!("{l}\n"))
        .collect();
    w.write("out/visma-rostering-postman.yaml", &without);
    args.extend(["--name".to_string(), "Upload".to_string()]);
    let r = run_in(w.dir.path(), &args, &POSTMAN_SECRETS);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.summary(), "1 passed, 0 failed");
}

/// The idioms import's `--report`: its counts, the secrets with where each was, the reasons.
fn idioms_report(w: &World) {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("import.json")).expect("report"))
            .expect("json");
    assert_eq!(
        report["assertions"],
        serde_json::json!({"converted": 18, "seen": 18})
    );
    assert_eq!(
        report["set_calls"],
        serde_json::json!({"seen": 5, "captures": 2, "variables": 2})
    );
    assert_eq!(report["path_variables"], 2);
    // `"token": "tok-123"` in a JSON body is a credential by its name: asked for, with where
    // its value was.
    assert_eq!(
        report["secrets"],
        serde_json::json!(["CLIENT_SECRET", "SESSION_TOKEN", "TOKEN"])
    );
    assert_eq!(
        report["secret_sources"][2],
        serde_json::json!({"name": "TOKEN", "where": "request `create order`", "field": "JSON field", "key": "token"})
    );
    let reasons: Vec<&str> = report["kept"]
        .as_array()
        .expect("kept")
        .iter()
        .filter_map(|k| k["reason"].as_str())
        .collect();
    assert!(reasons.contains(&"console output"), "{reasons:?}");
    assert!(
        reasons.contains(&"a value a script computes"),
        "{reasons:?}"
    );
}

/// Every script idiom of tests/fixtures/postman/idioms (written for these tests, with a BOM
/// in front): converted, checked, and run green against the sandbox; the report counts it.
#[test]
fn postman_script_idioms_path_variables_and_descriptions_convert_and_run() {
    let w = World::new();
    let import = |extra: &[&str]| {
        let mut args: Vec<String> = vec![
            "import".into(),
            "postman".into(),
            fixture("postman/idioms.postman_collection.json"),
            "--environment".into(),
            fixture("postman/idioms.postman_environment.json"),
            "-o".into(),
            "out".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        run_in(w.dir.path(), &args, &[])
    };
    let r = import(&["--report", "import.json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_golden(
        "postman-idioms-summary.txt",
        &r.stdout.replace(&*w.dir.path().to_string_lossy(), "DIR"),
    );
    let collection = std::fs::read_to_string(w.path("out/idioms.yaml")).expect("collection");
    assert_golden("postman-idioms.yaml", &collection);
    let env = std::fs::read_to_string(w.path("out/environments/idioms-local.yaml")).expect("env");
    assert_golden("postman-idioms-env.yaml", &env);
    let all = files_below(&w.path("out"));
    for secret in ["idioms-secret-do-not-copy", "old-session-do-not-copy"] {
        assert!(!all.contains(secret), "{secret} was copied");
    }
    idioms_report(&w);

    // A second import refuses to overwrite what the first wrote (the user may have edited it).
    let again = import(&[]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("out/idioms.yaml`, `out/environments/idioms-local.yaml`, `out/.env.example` already exist: nothing was written"), "{again:?}");
    assert!(again.stderr.contains("--force"), "{again:?}");
    assert_eq!(import(&["--force"]).code, 0);

    let secrets = [("CLIENT_SECRET", "s-1"), ("TOKEN", "tok-123")];
    let base = format!("base_url={}", w.url());
    let check = run_in(
        w.dir.path(),
        &["check", "out", "--env", "idioms-local", "--var", &base].map(String::from),
        &secrets,
    );
    assert_eq!(check.code, 0, "{check:?}");
    assert!(
        check
            .stderr
            .contains("the URL has `/:item_id`, which is sent as written"),
        "{check:?}"
    );
    let r = run_in(
        w.dir.path(),
        &["run", "out", "--env", "idioms-local", "--var", &base].map(String::from),
        &secrets,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.summary(), "5 passed, 0 failed");
}

#[test]
fn postman_v20_collections_import_too() {
    let w = World::new();
    let r = run_in(
        w.dir.path(),
        &[
            "import".into(),
            "postman".into(),
            fixture("postman/v20.postman_collection.json"),
            "-o".into(),
            "out".into(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let text = std::fs::read_to_string(w.path("out/old-export.yaml")).expect("collection");
    assert!(text.contains("bearer: \"{{ token }}\""), "{text}");
    assert!(text.contains("token: \"{{ secret('TOKEN') }}\""), "{text}");
    assert!(!text.contains("v20-token-do-not-copy"));
    let r = run_in(
        w.dir.path(),
        &[
            "run".into(),
            "out".into(),
            "--var".into(),
            format!("echo_url={}", w.url()),
        ],
        &[("TOKEN", "tok")],
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn openapi_documents_import_with_schemas_check_and_run() {
    for (spec, out, golden, expected_ops) in [
        (
            "openapi/echo-3.0.yaml",
            "api30/api.yaml",
            "openapi-3.0-import.yaml",
            3,
        ),
        (
            "openapi/echo-3.1.json",
            "api31/api.yaml",
            "openapi-3.1-import.yaml",
            2,
        ),
    ] {
        let w = World::new();
        let r = run_in(
            w.dir.path(),
            &[
                "import".into(),
                "openapi".into(),
                fixture(spec),
                "-o".into(),
                out.into(),
                "--schemas".into(),
            ],
            &[],
        );
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout
                .contains(&format!("imported {expected_ops} operations")),
            "{}",
            r.stdout
        );
        let text = std::fs::read_to_string(w.path(out)).expect("collection");
        assert_golden(golden, &text);
        let secrets = [
            ("CLIENT_ID", "sandbox-client"),
            ("CLIENT_SECRET", "sandbox-secret"),
        ];
        let r = run_in(w.dir.path(), &["check".into(), out.into()], &secrets);
        assert_eq!(r.code, 0, "{r:?}");
        let r = run_in(
            w.dir.path(),
            &[
                "run".into(),
                out.into(),
                "--var".into(),
                format!("base_url={}", w.url()),
                "--var".into(),
                format!("token_url={}/connect/token", w.url()),
            ],
            &secrets,
        );
        assert_eq!(r.code, 0, "{spec}: {}{}", r.stdout, r.stderr);
        assert_eq!(w.sandbox.tokens_issued(), 1, "{spec}");
    }
}

/// Security per operation (`security: []`, another scheme, a flow yarc does not speak), a
/// relative tokenUrl, secret-named parameter examples, and a 3.0 schema dialect with a
/// recursive component: the import says what it did and runs green against the sandbox.
#[test]
fn openapi_security_per_operation_secret_examples_and_schema_dialect() {
    let w = World::new();
    let r = run_in(
        w.dir.path(),
        &[
            "import",
            "openapi",
            &fixture("openapi/mixed-auth-3.0.yaml"),
            "-o",
            "api/api.yaml",
            "--schemas",
        ]
        .map(String::from),
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "`me` needs `userLogin` (OAuth2 flows authorizationCode are not spoken by yarc"
        ),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(w.path("api/api.yaml")).expect("collection");
    assert_golden("openapi-mixed-auth.yaml", &text);
    let all = files_below(&w.path("api"));
    for secret in ["0123456789abcdef-do-not-copy", "tok-do-not-copy"] {
        assert!(!all.contains(secret), "{secret} was copied");
    }
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.path("api/schemas/getitem.json")).expect("schema"),
    )
    .expect("json");
    assert_eq!(
        schema["$defs"]["components.schemas.Echo"]["properties"]["body_length"]["exclusiveMinimum"],
        -1
    );
    assert_eq!(
        schema["$defs"]["components.schemas.Echo"]["properties"]["json"]["type"],
        serde_json::json!(["object", "null"])
    );
    assert_eq!(
        schema["$defs"]["components.schemas.Node"]["properties"]["children"]["items"]["$ref"],
        "#/$defs/components.schemas.Node"
    );
    let secrets = [
        ("CLIENT_ID", "sandbox-client"),
        ("CLIENT_SECRET", "sandbox-secret"),
        ("API_KEY", "partner-1"),
        ("OCP_APIM_SUBSCRIPTION_KEY", "sub-1"),
        ("ACCESS_TOKEN", "at-1"),
    ];
    let url = w.url();
    let vars = [
        "--var".to_string(),
        format!("base_url={url}"),
        "--var".to_string(),
        format!("token_url={url}/connect/token"),
    ];
    let mut check = vec!["check".to_string(), "api".into()];
    check.extend(vars.iter().cloned());
    let c = run_in(w.dir.path(), &check, &secrets);
    assert_eq!(c.code, 0, "{c:?}");
    let mut run = vec!["run".to_string(), "api".into(), "-v".into()];
    run.extend(vars.iter().cloned());
    let r = run_in(w.dir.path(), &run, &secrets);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.summary(), "4 passed, 0 failed");
    assert_eq!(w.sandbox.tokens_issued(), 1);
}

/// Every fixture of the differential harness (tests/differential: run against Newman by
/// .ci/run) imports into the YAML pinned here, and the result passes `yarc check` once the echo
/// server's address and the secrets the import lists are given.
#[test]
fn the_differential_fixtures_import_as_pinned_and_check() {
    let dir = project_root().join("tests/differential/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".postman_collection.json")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    let w = World::new();
    for name in &names {
        let mut args: Vec<String> = vec![
            "import".into(),
            "postman".into(),
            dir.join(format!("{name}.postman_collection.json"))
                .to_string_lossy()
                .into_owned(),
        ];
        let env = dir.join(format!("{name}.postman_environment.json"));
        if env.is_file() {
            args.extend(["--environment".into(), env.to_string_lossy().into_owned()]);
        }
        let globals = dir.join(format!("{name}.postman_globals.json"));
        if globals.is_file() {
            args.extend(["--globals".into(), globals.to_string_lossy().into_owned()]);
        }
        let out = format!("out/{name}");
        let report = format!("{out}.report.json");
        args.extend(["-o".into(), out.clone(), "--report".into(), report.clone()]);
        let r = run_in(w.dir.path(), &args, &[]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        let yaml = std::fs::read_dir(w.path(&out))
            .expect("out")
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "yaml"))
            .expect("a collection");
        let text = std::fs::read_to_string(&yaml).expect("yaml");
        assert_golden(&format!("differential/{name}.yaml"), &text);
        let listed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(w.path(&report)).expect("report"))
                .expect("json");
        let mut check: Vec<String> = vec!["check".into(), out.clone()];
        check.extend(["--var".into(), format!("base_url={}", w.url())]);
        for s in listed["secrets"].as_array().into_iter().flatten() {
            let s = s.as_str().unwrap_or_default();
            check.extend(["--secret-var".into(), format!("{s}=x-{s}")]);
        }
        let r = run_in(w.dir.path(), &check, &[]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
    }
}

/// OpenAPI edges: descriptions of the document, tags and operations; names from summaries;
/// a `*/*` body with a JSON schema sent as JSON; components whose names hold spaces (`$ref`s
/// `%20`-encoded in the document and in the schema file); what many operations share said once.
#[test]
fn openapi_descriptions_summaries_any_type_bodies_and_spaced_component_names() {
    let w = World::new();
    let r = run_in(
        w.dir.path(),
        &[
            "import".into(),
            "openapi".into(),
            fixture("openapi/edges.yaml"),
            "-o".into(),
            "out/edges.yaml".into(),
            "--schemas".into(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("4 operations need `code` (OAuth2 flows authorizationCode are not spoken by yarc (it speaks client credentials)): set its auth by hand: `getA`, `getB`, `Get c` and 1 more"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(w.path("out/edges.yaml")).expect("yaml");
    assert_golden("openapi-edges.yaml", &text);
    let schema =
        std::fs::read_to_string(w.path("out/schemas/place-an-order.json")).expect("schema");
    assert!(
        schema.contains(r##""$ref": "#/$defs/components.schemas.Job%20Order""##),
        "{schema}"
    );
    let r = run_in(
        w.dir.path(),
        &[
            "run".into(),
            "out/edges.yaml".into(),
            "--var".into(),
            format!("base_url={}", w.url()),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.summary(), "5 passed, 0 failed");
}

/// Postman's `{{$random…}}` dynamic variables become `fake('kind')`: in a URL, a header, inside
/// and outside JSON quotes, and in a script's `pm.variables.replaceIn`; each run sends made-up
/// values of the right shape, and an unknown kind written by hand is refused before sending.
#[test]
fn postman_dynamic_variables_make_up_test_data() {
    let collection = serde_json::json!({
        "info": {"name": "faker", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "sign up",
            "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.environment.set(\"xff\", pm.variables.replaceIn(\"{{$randomIP}}\"));"
            ]}}],
            "request": {
                "method": "POST",
                "header": [{"key": "X-Forwarded-For", "value": "{{xff}}"},
                           {"key": "X-Name", "value": "{{$randomFirstName}} {{$randomLastName}}"}],
                "url": {"raw": "{{base_url}}/echo?city={{$randomCity}}", "host": ["{{base_url}}"],
                        "path": ["echo"], "query": [{"key": "city", "value": "{{$randomCity}}"}]},
                "body": {"mode": "raw", "options": {"raw": {"language": "json"}},
                         "raw": "{\"email\": \"{{$randomExampleEmail}}\", \"active\": {{$randomBoolean}}, \"price\": {{$randomPrice}}, \"id\": \"{{$randomUUID}}\"}"}
            }
        }]
    });
    let w = World::new();
    w.write("c.json", &collection.to_string());
    let imported = w.yarc(&["import", "postman", "c.json", "-o", "out"]);
    imported.expect_code(0);
    assert!(
        !imported.stdout.contains("has no yarc equivalent"),
        "{}",
        imported.stdout
    );
    let yaml = std::fs::read_to_string(w.path("out/faker.yaml")).expect("collection");
    for written in [
        "fake('ip')",
        "{{ fake('first_name') }} {{ fake('last_name') }}",
        "fake('city')",
        "{{ fake('example_email') }}",
        "fake('boolean') | from_json",
        "fake('price') | from_json",
    ] {
        assert!(yaml.contains(written), "{written} in\n{yaml}");
    }
    w.write(
        "out/check.yaml",
        &format!(
            "{}\n    expect:\n      json:\n        $.json.email: {{ matches: '^[^@ ]+@example\\.(com|org|net)$' }}\n        $.json.active: {{ type: boolean }}\n        $.json.price: {{ type: number }}\n        \"$.headers['x-forwarded-for']\": {{ matches: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' }}\n        \"$.headers['x-name']\": {{ matches: '^\\S+ \\S+' }}\n        $.query.city: {{ matches: '\\w' }}\n",
            yaml.trim_end()
        ),
    );
    let url = format!("base_url={}", w.url());
    w.yarc(&["run", "out/check.yaml", "--var", &url])
        .expect_code(0);

    w.write(
        "typo.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo?e={{ fake('emial') }}\"\n",
    );
    w.yarc(&["check", "typo.yaml"])
        .expect_code(2)
        .expect_contains("fake() has no kind `emial`; did you mean `email`?")
        .expect_contains("typo.yaml:3");
}

#[test]
fn a_url_a_later_request_captures_holds_back_only_the_requests_before_it() {
    let item = |name: &str, url: &str, test: &str| {
        serde_json::json!({
            "name": name,
            "event": [{"listen": "test", "script": {"exec": [test]}}],
            "request": {"method": "GET", "url": url}
        })
    };
    let collection = serde_json::json!({
        "info": {"name": "ops", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            item("too early", "{{operation_url}}", ""),
            item("create", "{{base_url}}/echo/create?next={{base_url}}/echo/next",
                 "var d = pm.response.json(); if (d.query.next) { pm.environment.set(\"operation_url\", d.query.next); }"),
            item("follow", "{{operation_url}}", ""),
        ]
    });
    let w = World::new();
    w.write("c.json", &collection.to_string());
    w.yarc(&["import", "postman", "c.json", "-o", "out"])
        .expect_code(0)
        .expect_contains("`operation_url` starts URLs but is captured only by a later request");
    let url = format!("base_url={}", w.url());
    let r = w.yarc(&["run", "out/ops.yaml", "--var", &url]);
    r.expect_code(0)
        .expect_contains("`operation_url` is captured only by a later request")
        .expect_contains("2 passed, 0 failed, 1 skipped");
    assert_eq!(w.sandbox.requests_seen(), 2, "{}", r.all());
}

/// Postman globals (`--globals`) fill the variables a collection relies on but does not hold:
/// the requests run against the URL the globals give, and a global secret is not copied.
#[test]
fn postman_globals_become_the_collections_variables() {
    let collection = serde_json::json!({
        "info": {"name": "cart", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "cart", "request": {"method": "GET", "url": "{{domain}}{{endpoint_cart}}",
                  "header": [{"key": "X-Key", "value": "{{shop_api_key}}"}]}}]
    });
    let w = World::new();
    w.write("c.json", &collection.to_string());
    let globals = serde_json::json!({"name": "Globals", "_postman_variable_scope": "globals", "values": [
        {"key": "domain", "value": w.url(), "enabled": true},
        {"key": "endpoint_cart", "value": "/echo/cart", "enabled": true},
        {"key": "shop_api_key", "value": "k-123-secret", "enabled": true},
    ]});
    w.write("g.json", &globals.to_string());
    w.yarc(&[
        "import",
        "postman",
        "c.json",
        "--globals",
        "g.json",
        "-o",
        "out",
    ])
    .expect_code(0)
    .expect_contains("3 Postman globals became collection variables")
    .expect_contains("SHOP_API_KEY: the variable `shop_api_key` of the collection");
    let yaml = std::fs::read_to_string(w.path("out/cart.yaml")).expect("yaml");
    assert!(!yaml.contains("k-123-secret"), "{yaml}");
    let r = w.yarc_env(
        &["run", "out/cart.yaml"],
        &[("SHOP_API_KEY", "k-123-secret")],
    );
    r.expect_code(0).expect_contains("1 passed, 0 failed");
    assert_eq!(w.sandbox.requests_seen(), 1, "{}", r.all());
}

/// `yarc import curl`: a token request pasted from documentation and a browser's Windows copy,
/// added to one file, run against the sandbox with the secrets from the environment — what the
/// server receives is what curl would have sent, and no credential is written.
#[test]
fn curl_commands_become_requests_that_send_what_curl_sends() {
    let w = World::new();
    let url = w.url().to_string();
    w.write(
        "token.sh",
        &format!(
            "curl --location --request POST '{url}/connect/token' \\\n  --header 'Content-Type: application/x-www-form-urlencoded' \\\n  --data-urlencode 'grant_type=client_credentials' \\\n  --data-urlencode 'client_id=sandbox-client' \\\n  --data-urlencode 'client_secret=sandbox-secret' \\\n  --data-urlencode 'scope=automatic-rostering-stage'\n"
        ),
    );
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    run_in(
        w.dir.path(),
        &args(&["import", "curl", "token.sh", "-o", "api.yaml"]),
        &[],
    )
    .expect_code(0)
    .expect_contains("wrote request `POST /connect/token` to api.yaml")
    .expect_contains("set CLIENT_SECRET in the environment")
    .expect_contains("auth: { oauth2: ... }");
    // A browser's "Copy as cURL (cmd)": carets, escaped quotes, a JSON body, a cookie.
    w.write(
        "echo.cmd",
        &format!(
            "curl ^\"{url}/echo/jobs?page=2^\" ^\n  -H ^\"content-type: application/json^\" ^\n  -H ^\"cookie: session=abc123^\" ^\n  --data-raw ^\"^{{^\\^\"name^\\^\":^\\^\"night shift^\\^\",^\\^\"size^\\^\":3^}}^\"\n"
        ),
    );
    run_in(
        w.dir.path(),
        &args(&[
            "import",
            "curl",
            "echo.cmd",
            "-o",
            "api.yaml",
            "--name",
            "start job",
        ]),
        &[],
    )
    .expect_code(0)
    .expect_contains("added request `start job` to api.yaml")
    .expect_contains("set COOKIE");
    let text = std::fs::read_to_string(w.path("api.yaml")).expect("written");
    for secret in ["sandbox-secret", "abc123"] {
        assert!(!text.contains(secret), "{secret} written:\n{text}");
    }
    let env = [
        ("CLIENT_SECRET", "sandbox-secret"),
        ("COOKIE", "session=abc123"),
    ];
    let r = run_in(
        w.dir.path(),
        &args(&["run", "api.yaml", "--report", "json:report.json"]),
        &env,
    );
    r.expect_code(0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("report.json")).expect("report"))
            .expect("json");
    let bodies: Vec<String> = report["collections"][0]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["response"]["body"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(bodies[0].contains("access_token"), "{}", bodies[0]);
    let echo: serde_json::Value = serde_json::from_str(&bodies[1]).expect("echo json");
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["query"]["page"], "2");
    assert_eq!(
        echo["json"],
        serde_json::json!({"name": "night shift", "size": 3})
    );
    // Sent (the echo answered it back) and, as a secret, masked in the report.
    assert_eq!(echo["headers"]["cookie"], yarc::api::secret::MASK);
}

#[test]
fn a_curl_command_that_cannot_be_read_writes_nothing_and_says_why() {
    let w = World::new();
    w.write("bad.sh", "curl -X POST -d @body.json 'https://x/y\n");
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let r = run_in(
        w.dir.path(),
        &args(&["import", "curl", "bad.sh", "-o", "c.yaml"]),
        &[],
    );
    r.expect_code(2).expect_contains("quote is not closed");
    assert!(!w.path("c.yaml").exists());
    w.write(
        "c.yaml",
        "name: c\nrequests: [{ name: a, url: 'https://x' }]\n",
    );
    w.write("ok.sh", "curl https://x/z");
    let r = run_in(
        w.dir.path(),
        &args(&["import", "curl", "ok.sh", "-o", "c.yaml"]),
        &[],
    );
    r.expect_code(2).expect_contains("written inline");
    assert_eq!(
        std::fs::read_to_string(w.path("c.yaml")).expect("kept"),
        "name: c\nrequests: [{ name: a, url: 'https://x' }]\n"
    );
}

/// `yarc import har`: a browser's recording of a page becomes its API calls, run against the
/// sandbox as recorded — the page's script and another host's call left out, the recorded
/// status asserted, the bearer token a secret.
#[test]
fn a_har_export_becomes_the_api_calls_it_recorded() {
    let w = World::new();
    let url = w.url().to_string();
    let header = |n: &str, v: &str| serde_json::json!({"name": n, "value": v});
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [
        {"_resourceType": "script", "request": {"method": "GET", "url": format!("{url}/app.js"), "headers": []},
         "response": {"status": 200, "content": {"mimeType": "text/javascript"}}},
        {"_resourceType": "fetch", "request": {"method": "GET", "url": format!("{url}/echo/jobs?page=1"),
          "headers": [header(":authority", "x"), header("accept", "application/json"), header("authorization", "Bearer recorded-token")]},
         "response": {"status": 200, "content": {"mimeType": "application/json"}}},
        {"_resourceType": "xhr", "request": {"method": "POST", "url": format!("{url}/echo/jobs"),
          "headers": [header("content-type", "application/json"), header("sec-fetch-mode", "cors"), header("authorization", "Bearer recorded-token")],
          "postData": {"mimeType": "application/json", "text": "{\"employees\":[\"e1\"],\"shift\":\"night\"}"}},
         "response": {"status": 200, "content": {"mimeType": "application/json"}}},
        {"_resourceType": "xhr", "request": {"method": "GET", "url": "https://tracker.invalid/p", "headers": []},
         "response": {"status": 204, "content": {}}}
    ]}});
    w.write("page.har", &har.to_string());
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    run_in(
        w.dir.path(),
        &args(&["import", "har", "page.har", "-o", "api.yaml", "--host", "127.0.0.1"]),
        &[],
    )
    .expect_code(0)
    .expect_contains("wrote 2 requests to api.yaml (of 4 entries; left out: 1 static file, 1 to other hosts, 0 of other methods)")
    .expect_contains("set API_TOKEN");
    let text = std::fs::read_to_string(w.path("api.yaml")).expect("written");
    assert!(!text.contains("recorded-token"), "{text}");
    assert!(text.contains("status: 200"), "{text}");
    let r = run_in(
        w.dir.path(),
        &args(&["run", "api.yaml", "--report", "json:report.json"]),
        &[("API_TOKEN", "recorded-token")],
    );
    r.expect_code(0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("report.json")).expect("report"))
            .expect("json");
    let posted: serde_json::Value = serde_json::from_str(
        report["collections"][0]["requests"][1]["response"]["body"]
            .as_str()
            .expect("body"),
    )
    .expect("echo");
    assert_eq!(posted["method"], "POST");
    assert_eq!(
        posted["json"],
        serde_json::json!({"employees": ["e1"], "shift": "night"})
    );
    assert_eq!(
        posted["headers"]["authorization"],
        format!("Bearer {}", yarc::api::secret::MASK)
    );
    assert!(
        posted["headers"].get("sec-fetch-mode").is_none(),
        "{posted}"
    );
}

/// Postman's OAuth 2.0 helper with the password grant becomes the oauth2 block with the user;
/// the password is no literal in the collection.
#[test]
fn a_password_grant_auth_becomes_an_oauth2_block_with_the_user() {
    let collection = serde_json::json!({
        "info": {"name": "shop", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "oauth2", "oauth2": [
            {"key": "grant_type", "value": "password_credentials"},
            {"key": "accessTokenUrl", "value": "{{url}}/connect/token"},
            {"key": "clientId", "value": "sandbox-client"},
            {"key": "clientSecret", "value": "sandbox-secret"},
            {"key": "username", "value": "sandbox-user"},
            {"key": "password", "value": "sandbox-password"},
            {"key": "scope", "value": "automatic-rostering-stage"}]},
        "item": [{"name": "echo", "request": {"method": "GET", "url": "{{url}}/echo"}}]
    });
    let w = World::new();
    w.write("c.json", &collection.to_string());
    w.yarc(&["import", "postman", "c.json", "-o", "out"])
        .expect_code(0);
    let yaml = std::fs::read_to_string(w.path("out/shop.yaml")).expect("imported");
    assert!(yaml.contains("username: sandbox-user"), "{yaml}");
    assert!(
        yaml.contains("password: \"{{ secret('PASSWORD') }}\""),
        "{yaml}"
    );
    assert!(!yaml.contains("sandbox-password"), "{yaml}");
    // With the password given as the secret, the run gets its token by the password grant.
    let r = w.yarc_env(
        &[
            "run",
            "out/shop.yaml",
            "--secret-var",
            "CLIENT_SECRET=sandbox-secret",
        ],
        &[("PASSWORD", "sandbox-password")],
    );
    r.expect_code(0);
    let calls = w.sandbox.token_calls();
    assert_eq!(calls.len(), 1);
    assert!(
        calls[0]
            .form
            .contains(&("grant_type".into(), "password".into()))
    );
}

#[test]
fn a_collection_given_as_the_environment_is_refused_naming_the_file() {
    let w = World::new();
    let collection = r#"{"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "a", "request": {"method": "GET", "url": "{{base}}/a"}}]}"#;
    w.write("c.postman_collection.json", collection);
    w.write("e.postman_environment.json", collection);
    let r = w.yarc(&[
        "import",
        "postman",
        "c.postman_collection.json",
        "--environment",
        "e.postman_environment.json",
        "-o",
        "out",
    ]);
    r.expect_code(2)
        .expect_contains("e.postman_environment.json: not a Postman environment: it has no `values` (it is a collection export");
    assert!(!w.path("out").exists(), "nothing written");
}
