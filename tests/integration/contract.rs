//! Contract checks: responses held against the API's OpenAPI document (`openapi:`), through
//! the real binary against the sandbox's echo and status endpoints.

use super::*;

/// The sandbox's echo and fault endpoints as an API document describes them, with one
/// deliberate lie (`/echo/strict` promises a field the echo never sends).
const API_30: &str = r##"openapi: 3.0.3
info: { title: sandbox echo, version: "1" }
servers:
  - url: http://127.0.0.1:1/echo
paths:
  /items/{id}:
    get:
      responses:
        "200":
          description: the request, echoed
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Echo" }
  /strict:
    get:
      responses:
        "200":
          description: promises more than the echo sends
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Echo"
                  - { type: object, required: [owner] }
components:
  schemas:
    Echo:
      type: object
      required: [method, path]
      properties:
        method: { type: string }
        path: { type: string }
        note: { type: string, nullable: true }
"##;

const API_STATUS: &str = r##"openapi: 3.1.0
info: { title: sandbox faults, version: "1" }
paths:
  /faults/status/{code}:
    get:
      responses:
        "404":
          description: not found, documented
          content:
            application/json:
              schema: { type: object, required: [status] }
"##;

#[test]
fn responses_are_held_to_the_document_and_failures_name_both_places() {
    let w = World::new();
    w.write("api.yaml", API_30);
    w.write(
        "c.yaml",
        "name: c\nopenapi: api.yaml\nrequests:\n  - name: conforms\n    url: \"{{ url }}/echo/items/7\"\n  - name: breaks its schema\n    url: \"{{ url }}/echo/strict\"\n  - name: undocumented\n    url: \"{{ url }}/echo/nowhere\"\n  - name: negative test\n    url: \"{{ url }}/echo/nowhere\"\n    contract: off\n",
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1);
    r.expect_contains("2 passed, 2 failed");
    // The schema failure: the request's place in the collection, the rule's in the document,
    // and the JSON path of what broke it.
    r.expect_contains("c.yaml:6");
    r.expect_contains(
        "contract: body (GET /strict, api.yaml#/paths/~1strict/get/responses/200/content/application~1json/schema)",
    );
    r.expect_contains("\"owner\" is a required property");
    r.expect_contains("not in the API document");
    let json = w.yarc(&["run", "c.yaml", "--report", "json:out.json"]);
    json.expect_code(1);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.json")).expect("report"))
            .expect("json");
    let states: Vec<&str> = report["collections"][0]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(states, ["passed", "failed", "failed", "passed"], "{report}");
}

#[test]
fn a_documented_404_passes_and_an_undocumented_418_fails() {
    let w = World::new();
    w.write("api.yaml", API_STATUS);
    w.write(
        "c.yaml",
        "name: c\nopenapi: api.yaml\nrequests:\n  - name: documented\n    url: \"{{ url }}/faults/status/404\"\n    expect: { status: 404 }\n  - name: teapot\n    url: \"{{ url }}/faults/status/418\"\n    expect: { status: 418 }\n",
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1);
    r.expect_contains("1 passed, 1 failed");
    r.expect_contains("a documented status (404)");
    r.expect_contains("api.yaml#/paths/~1faults~1status~1{code}/get/responses");
}

#[test]
fn the_environment_pins_its_own_document_and_a_bad_one_is_refused() {
    let w = World::new();
    w.write("api.yaml", API_30);
    // Stage's version of the API documents nothing under /echo/items: the environment wins.
    w.write(
        "environments/stage.yaml",
        "openapi: stage-api.yaml\nvariables: {}\n",
    );
    w.write("environments/stage-api.yaml", API_STATUS);
    w.write(
        "c.yaml",
        "name: c\nopenapi: api.yaml\nrequests:\n  - name: item\n    url: \"{{ url }}/echo/items/7\"\n",
    );
    w.yarc(&["run", "c.yaml"]).expect_code(0);
    let staged = w.yarc(&["run", "c.yaml", "--env", "stage"]);
    staged.expect_code(1);
    staged.expect_contains("not in the API document");
    // A document that is not OpenAPI 3 stops the run before anything is sent.
    w.write("api.yaml", "swagger: \"2.0\"\n");
    let bad = w.yarc(&["run", "c.yaml"]);
    bad.expect_code(2);
    bad.expect_contains("cannot use `openapi: api.yaml`");
    bad.expect_contains("c.yaml:2");
    bad.expect_contains("nothing was sent");
    w.write("c.yaml", "name: c\ncontract: maybe\nrequests: []\n");
    w.yarc(&["check", "c.yaml"])
        .expect_code(2)
        .expect_contains("`contract: maybe` is not a mode");
}

/// Copies the bundled examples (collections, environments, schemas, snapshots) into `dest`.
fn copy_examples(dest: &std::path::Path) {
    let src = project_root().join("collections");
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("collections").flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(&src).expect("below");
            if path.is_dir() {
                stack.push(path);
            } else {
                let to = dest.join(rel);
                std::fs::create_dir_all(to.parent().expect("a folder")).expect("mkdir");
                std::fs::copy(&path, &to).expect("copy");
            }
        }
    }
}

/// The README's first command holds the bundled examples to the sandbox's own document, the
/// one the sandbox serves: a document that says otherwise fails them.
#[test]
fn the_bundled_examples_are_held_to_the_document_the_sandbox_serves() {
    let root = project_root();
    let served = std::fs::read_to_string(root.join("src/sandbox/openapi.json")).expect("served");
    let bundled = std::fs::read_to_string(root.join("collections/schemas/sandbox-api.json"))
        .expect("bundled");
    assert_eq!(
        served, bundled,
        "the examples' copy must be the document the sandbox serves"
    );
    let w = World::new();
    w.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: document\n    url: \"{{ url }}/openapi.json\"\n    expect:\n      json:\n        $.openapi: \"3.0.3\"\n        \"$.paths['/jobs']\": { exists: true }\n",
    );
    w.yarc(&["run", "c.yaml"]).expect_code(0);
    let dir = w.path("examples");
    copy_examples(&dir);
    let examples = dir.display().to_string();
    w.yarc(&["run", &examples, "--env", "sandbox"])
        .expect_code(0);
    let doc = dir.join("schemas/sandbox-api.json");
    let text = std::fs::read_to_string(&doc).expect("copy");
    std::fs::write(
        &doc,
        text.replace("\"enum\": [\"starting\"]", "\"enum\": [\"begun\"]"),
    )
    .expect("write");
    let r = w.yarc(&["run", &examples, "--env", "sandbox"]);
    r.expect_code(1);
    r.expect_contains("contract: body (POST /jobs,");
    r.expect_contains("at $.statusCode: \"starting\" is not one of \"begun\"");
}

/// `contract: warn`: what the document does not describe is said, in the console and the
/// JSON report, and the request passes.
#[test]
fn warn_reports_without_failing() {
    let w = World::new();
    w.write("api.yaml", API_30);
    w.write(
        "c.yaml",
        "name: c\nopenapi: api.yaml\ncontract: warn\nrequests:\n  - name: strict\n    url: \"{{ url }}/echo/strict\"\n  - name: held\n    url: \"{{ url }}/echo/strict\"\n    contract: error\n",
    );
    let r = w.yarc(&["run", "c.yaml", "--report", "json:out.json"]);
    r.expect_code(1);
    r.expect_contains("1 passed, 1 failed");
    r.expect_contains("! warning: contract: body (GET /strict,");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.json")).expect("report"))
            .expect("json");
    let first = &report["collections"][0]["requests"][0];
    assert_eq!(first["state"], "passed", "{report}");
    assert_eq!(first["assertions"][0]["warning"], true, "{report}");
    assert_eq!(first["assertions"][0]["passed"], true, "{report}");
}

/// An API document in three files: operations, shared schemas (with a `$ref`'d response), and
/// a second API for one group of requests.
fn write_split_api(w: &World) {
    w.write(
        "api/openapi.yaml",
        r##"openapi: 3.0.3
info: { title: echo jobs, version: "1" }
servers: [{ url: "http://127.0.0.1:1/echo" }]
paths:
  /jobs:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "schemas/job.yaml#/Job" }
      responses:
        "200":
          description: the request, echoed
          content:
            application/json:
              schema: { $ref: "schemas/job.yaml#/Echo" }
  /jobs/{id}:
    get:
      responses:
        "200": { $ref: "schemas/job.yaml#/EchoResponse" }
        "404": { description: no such job }
    delete:
      responses:
        "204": { description: gone }
"##,
    );
    w.write(
        "api/schemas/job.yaml",
        r##"Job:
  type: object
  required: [name]
  properties:
    id: { type: integer, readOnly: true }
    name: { type: string }
Echo:
  type: object
  required: [method, path]
  properties:
    method: { type: string }
    path: { type: string }
EchoResponse:
  description: the request, echoed
  content:
    application/json:
      schema: { $ref: "#/Echo" }
"##,
    );
    w.write("api/faults.yaml", API_STATUS);
    w.write(
        "c.yaml",
        r#"name: jobs
openapi: { file: api/openapi.yaml, requests: true }
requests:
  - name: create
    method: POST
    url: "{{ url }}/echo/jobs"
    json: { name: night shift }
  - name: create with an id
    method: POST
    url: "{{ url }}/echo/jobs"
    json: { id: 7, name: night shift }
  - name: read
    url: "{{ url }}/echo/jobs/7"
  - group: faults
    openapi: api/faults.yaml
    requests:
      - name: documented 404
        url: "{{ url }}/faults/status/404"
        expect: { status: 404 }
"#,
    );
}

#[test]
fn split_documents_check_request_bodies_before_sending_and_groups_name_their_own() {
    let w = World::new();
    write_split_api(&w);
    let r = w.yarc(&["run", "c.yaml", "--report", "json:out.json"]);
    r.expect_code(1);
    r.expect_contains("3 passed, 1 failed");
    r.expect_contains("not sent: its body breaks the API document");
    r.expect_contains("at $.id: the property is readOnly: a request must not send it");
    r.expect_contains(
        "contract: request body (POST /jobs, api/openapi.yaml#/paths/~1jobs/post/requestBody/content/application~1json/schema)",
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("out.json")).expect("report"))
            .expect("json");
    let requests = &report["collections"][0]["requests"];
    // Never sent: no status, no response.
    assert_eq!(requests[1]["state"], "failed");
    assert_eq!(requests[1]["status"], serde_json::Value::Null);
    // The group's own document held its request.
    assert_eq!(requests[3]["contract"]["document"], "api/faults.yaml");
    assert_eq!(
        requests[3]["contract"]["operation"],
        "GET /faults/status/{code}"
    );
    assert_eq!(requests[2]["contract"]["response"], "200");
    // A document whose $ref names a file that is not there stops the run, saying which.
    w.write("api/schemas/job.yaml", "Other: {}\n");
    let bad = w.yarc(&["run", "c.yaml"]);
    bad.expect_code(2);
    bad.expect_contains("cannot use `openapi: api/openapi.yaml`");
    bad.expect_contains("Pointer '/Echo' does not exist");
    bad.expect_contains("c.yaml:2");
}

#[test]
fn coverage_lists_what_the_run_called_and_a_minimum_can_fail_it() {
    let w = World::new();
    write_split_api(&w);
    let r = w.yarc(&["run", "c.yaml", "--coverage", "--report", "json:out.json"]);
    r.expect_code(1);
    // By hand: POST /jobs and GET /jobs/{id} called of 3 operations; of their 4 documented
    // responses, POST's 200 and GET's 200 seen. The faults document: 1 of 1, 1 of 1.
    r.expect_contains(
        "API coverage api/openapi.yaml: 2 of 3 operations called (66 %), 2 of 4 documented responses seen (50 %)",
    );
    r.expect_contains("  ✗ DELETE /jobs/{id}  not called\n  ! GET /jobs/{id}     1× · not seen: 404\n  ✓ POST /jobs         1×\n");
    r.expect_contains(
        "API coverage api/faults.yaml: 1 of 1 operations called (100 %), 1 of 1 documented responses seen (100 %)",
    );
    // The JSON report carries it; `yarc coverage` reads it back and applies a minimum
    // (3 of 4 operations in all: 75 %).
    let again = w.yarc(&["coverage", "out.json", "--min-coverage", "80"]);
    again.expect_code(1);
    again.expect_contains("2 of 3 operations called (66 %)");
    again
        .expect_contains("API coverage 75 % (3 of 4 operations called) is below --min-coverage 80");
    w.yarc(&["coverage", "out.json", "--min-coverage", "75"])
        .expect_code(0);
    // A passing run below the minimum fails; at it, passes.
    let one = w.yarc(&["run", "c.yaml", "--name", "read", "--min-coverage", "40"]);
    one.expect_code(1);
    one.expect_contains("API coverage 33 % (1 of 3 operations called) is below --min-coverage 40");
    w.yarc(&["run", "c.yaml", "--name", "read", "--min-coverage", "33"])
        .expect_code(0);
    w.write(
        "plain.yaml",
        "name: p\nrequests:\n  - name: a\n    url: \"{{ url }}/echo/a\"\n",
    );
    w.yarc(&["run", "plain.yaml", "--min-coverage", "10"])
        .expect_code(2)
        .expect_contains("--min-coverage needs an API document: no request is held to one");
}

#[test]
fn drift_between_two_versions_names_the_requests_it_breaks() {
    let w = World::new();
    write_split_api(&w);
    // Version 2: DELETE is gone, a job needs a shift, the echo's path became a number.
    let old = std::fs::read_to_string(w.path("api/openapi.yaml")).expect("reads");
    let new = old
        .replace(
            "    delete:\n      responses:\n        \"204\": { description: gone }\n",
            "",
        )
        .replace("schemas/job.yaml", "schemas/job-v2.yaml");
    w.write("api/openapi-v2.yaml", &new);
    let schemas = std::fs::read_to_string(w.path("api/schemas/job.yaml")).expect("reads");
    let v2 = schemas
        .replace("required: [name]", "required: [name, shift]")
        .replace(
            "    name: { type: string }\n",
            "    name: { type: string }\n    shift: { type: string }\n",
        )
        .replace("    path: { type: string }", "    path: { type: integer }");
    w.write("api/schemas/job-v2.yaml", &v2);
    let r = w.yarc(&[
        "diff",
        "--openapi",
        "api/openapi.yaml",
        "api/openapi-v2.yaml",
        "c.yaml",
    ]);
    r.expect_code(1);
    assert_golden("contract_drift.txt", &r.stdout);
    // Without collections, every change is listed and none is said to break a call.
    w.yarc(&[
        "diff",
        "--openapi",
        "api/openapi.yaml",
        "api/openapi-v2.yaml",
    ])
    .expect_code(0)
    .expect_contains("  - DELETE /jobs/{id}: removed");
}

#[test]
fn a_document_named_by_url_is_fetched_once_per_run_and_check_leaves_it_out() {
    let w = World::new();
    // The sandbox publishes its own document: /echo is not in it.
    let collection = format!(
        "name: c\nopenapi: {}/openapi.json\nrequests:\n  - name: echo\n    url: \"{{{{ url }}}}/echo/x\"\n",
        w.url()
    );
    w.write("c.yaml", &collection);
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(1);
    r.expect_contains("not in the API document");
    r.expect_contains(&format!("in {}/openapi.json", w.url()));
    let checked = w.yarc(&["check", "c.yaml"]);
    checked.expect_code(0);
    checked.expect_contains("is fetched by `yarc run`, not here");
    // A document that is not there stops the run before anything is sent.
    w.write(
        "c.yaml",
        &collection.replace("/openapi.json", "/no-such-document.json"),
    );
    let gone = w.yarc(&["run", "c.yaml"]);
    gone.expect_code(2);
    gone.expect_contains("cannot fetch `openapi: ");
    gone.expect_contains("the server answered 404");
    gone.expect_contains("c.yaml:2");
}

#[test]
fn names_from_a_strangers_document_cannot_drive_the_terminal() {
    let w = World::new();
    // A path with an escape sequence (it would clear the screen) in a document we did not write.
    w.write(
        "api.json",
        r#"{"openapi": "3.1.0", "paths": {"/echo/a": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/x\u001b[2J\u001b[31m": {"get": {"responses": {"200": {"description": "ok"}}}}}}"#,
    );
    w.write(
        "c.yaml",
        "name: c\nopenapi: api.json\nrequests:\n  - name: a\n    url: \"{{ url }}/echo/a\"\n",
    );
    let r = w.yarc(&["run", "c.yaml", "--coverage"]);
    r.expect_code(0);
    r.expect_contains("GET /x\\x1b[2J\\x1b[31m");
    assert!(!r.all().contains('\u{1b}'), "{}", r.all());
    let d = w.yarc(&["diff", "--openapi", "api.json", "c.yaml"]);
    d.expect_code(2);
    w.write("new.json", r#"{"openapi": "3.1.0", "paths": {}}"#);
    let d = w.yarc(&["diff", "--openapi", "api.json", "new.json", "c.yaml"]);
    d.expect_code(1);
    d.expect_contains("- GET /x\\x1b[2J\\x1b[31m: removed");
    assert!(!d.all().contains('\u{1b}'), "{}", d.all());
}

#[test]
fn one_file_named_two_ways_is_one_document_and_an_environment_keeps_request_checks() {
    let w = World::new();
    write_split_api(&w);
    // The same document named from two folders: one table, counted once.
    w.write(
        "suite/more.yaml",
        "name: more\nopenapi: ../api/openapi.yaml\nrequests:\n  - name: gone\n    method: DELETE\n    url: \"{{ url }}/echo/jobs/7\"\n    expect: { status: any }\n",
    );
    let r = w.yarc(&["run", "c.yaml", "suite/more.yaml", "--coverage"]);
    r.expect_contains("API coverage api/openapi.yaml: 3 of 3 operations called (100 %)");
    assert_eq!(
        r.all().matches("API coverage api/openapi.yaml").count(),
        1,
        "{}",
        r.all()
    );
    // An environment pinning its own copy by a plain path keeps the collection's `requests: true`.
    w.write(
        "environments/stage.yaml",
        "openapi: ../api/openapi.yaml\nvariables: {}\n",
    );
    let staged = w.yarc(&[
        "run",
        "c.yaml",
        "--env",
        "stage",
        "--name",
        "create with an id",
    ]);
    staged.expect_code(1);
    staged.expect_contains("not sent: its body breaks the API document");
}
