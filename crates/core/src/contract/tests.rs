use super::*;
use serde_json::json;

fn seen<'a>(status: u16, content_type: Option<&'a str>, body: Option<&'a Value>) -> Answered<'a> {
    Answered {
        status,
        content_type,
        headers: vec!["content-type"],
        body,
        body_read: true,
    }
}

fn doc30() -> Value {
    json!({
        "openapi": "3.0.3",
        "servers": [{"url": "https://api.example.com/v1/"}],
        "paths": {
            "/pets": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}
            }}}}},
            "/pets/{id}": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                "404": {"$ref": "#/components/responses/NotFound"}
            }}},
            "/pets/mine": {"get": {"responses": {"204": {"description": "none"}}}}
        },
        "components": {
            "schemas": {"Pet": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "tag": {"type": "string", "nullable": true}
            }}},
            "responses": {"NotFound": {"description": "no such pet", "content": {"application/problem+json": {"schema": {"type": "object"}}}}}
        }
    })
}

#[test]
fn requests_match_operations_under_the_server_base_path() {
    let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
    let op = d.operation("get", "/v1/pets/42?x=1").expect("matches");
    assert_eq!(op.template, "/pets/{id}");
    // The literal segment wins over the parameter.
    assert_eq!(
        d.operation("GET", "/v1/pets/mine").expect("mine").template,
        "/pets/mine"
    );
    assert!(
        d.operation("GET", "/pets/42").is_none(),
        "not under the base path"
    );
    assert!(
        d.operation("DELETE", "/v1/pets/42").is_none(),
        "no such method"
    );
    assert!(d.operation("GET", "/v1/pets/42/toys").is_none());
}

#[test]
fn a_body_that_breaks_its_schema_is_found_with_both_locations() {
    let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
    let op = d.operation("GET", "/v1/pets").expect("matches");
    let good = json!([{"id": 1, "name": "Rex", "tag": null}]);
    assert_eq!(
        d.check(
            op,
            &seen(200, Some("application/json; charset=utf-8"), Some(&good))
        ),
        vec![]
    );
    let bad = json!([{"id": "one", "name": "Rex"}]);
    let f = d.check(op, &seen(200, Some("application/json"), Some(&bad)));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].what, "body");
    assert!(f[0].actual.starts_with("at $[0].id: "), "{f:?}");
    assert_eq!(
        f[0].rule,
        "openapi.yaml#/paths/~1pets/get/responses/200/content/application~1json/schema"
    );
}

#[test]
fn status_and_content_type_are_held_to_what_is_documented() {
    let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
    let op = d.operation("GET", "/v1/pets/7").expect("matches");
    // A documented 404 (through a $ref to the components) with its own media type.
    assert_eq!(
        d.check(
            op,
            &seen(404, Some("application/problem+json"), Some(&json!({})))
        ),
        vec![]
    );
    let teapot = d.check(op, &seen(418, None, None));
    assert_eq!(teapot[0].what, "status");
    assert_eq!(teapot[0].expected, "a documented status (200, 404)");
    let html = d.check(op, &seen(200, Some("text/html"), None));
    assert_eq!(html[0].what, "content-type");
    assert_eq!(html[0].actual, "text/html");
    // No content documented: any body goes.
    let none = d.operation("GET", "/v1/pets/mine").expect("matches");
    assert_eq!(d.check(none, &seen(204, None, None)), vec![]);
}

#[test]
fn ranges_default_and_openapi_3_1_types() {
    let doc = json!({
        "openapi": "3.1.0",
        "paths": {"/jobs": {"post": {"responses": {
            "2XX": {"description": "ok", "content": {"application/*": {"schema": {"type": ["string", "null"]}}}},
            "default": {"description": "error"}
        }}}}
    });
    let d = Document::new(&doc, "api.json").expect("reads");
    let op = d.operation("POST", "/jobs").expect("matches");
    assert_eq!(
        d.check(op, &seen(202, Some("application/json"), Some(&Value::Null))),
        vec![]
    );
    assert_eq!(
        d.check(op, &seen(500, None, None)),
        vec![],
        "default answers it"
    );
    let f = d.check(op, &seen(201, Some("application/json"), Some(&json!(3))));
    assert_eq!(f[0].what, "body", "{f:?}");
}

#[test]
fn what_is_not_openapi_3_is_refused() {
    assert_eq!(
        Document::new(&json!({"swagger": "2.0"}), "old.json").err(),
        Some(ContractError::NotOpenApi("old.json".into()))
    );
}

/// A document in two files: the operations in `api.yaml`, the schemas and a response in
/// `common.yaml` (whose own `$ref`s point into itself).
fn split_document(dir: &std::path::Path, version: &str) -> Document {
    std::fs::write(
        dir.join("common.yaml"),
        r##"
components:
  schemas:
    Job:
      type: object
      required: [id, secret, state]
      properties:
        id: { type: integer, readOnly: true }
        secret: { type: string, writeOnly: true }
        state: { $ref: "#/components/schemas/State" }
    State: { type: string, enum: [queued, done] }
  responses:
    Gone:
      description: gone
      headers:
        X-Request-Id: { required: true, schema: { type: string } }
      content:
        application/json: { schema: { type: object } }
"##,
    )
    .expect("writes");
    let api = format!(
        r#"
openapi: "{version}"
paths:
  /jobs:
    post:
      requestBody:
        required: true
        content:
          application/json: {{ schema: {{ $ref: "common.yaml#/components/schemas/Job" }} }}
      responses:
        "201":
          description: made
          content:
            application/json: {{ schema: {{ $ref: "common.yaml#/components/schemas/Job" }} }}
        "410": {{ $ref: "common.yaml#/components/responses/Gone" }}
"#
    );
    let path = dir.join("api.yaml");
    std::fs::write(&path, &api).expect("writes");
    let files = Files::open(&path, "api.yaml").expect("opens");
    Document::read(Arc::new(files), true).expect("reads")
}

#[test]
fn refs_into_other_files_read_only_and_write_only_for_3_0_and_3_1() {
    for version in ["3.0.3", "3.1.0"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = split_document(dir.path(), version);
        let op = d.operation("POST", "/jobs").expect("matches");
        // A response carries the readOnly id, never the writeOnly secret (no longer required).
        let good = json!({"id": 1, "state": "done"});
        assert_eq!(
            d.check(op, &seen(201, Some("application/json"), Some(&good))),
            vec![]
        );
        let leaks = json!({"id": 1, "state": "done", "secret": "s3"});
        let f = d.check(op, &seen(201, Some("application/json"), Some(&leaks)));
        assert_eq!(f.len(), 1, "{version}: {f:?}");
        assert_eq!(
            f[0].actual,
            "at $.secret: the property is writeOnly: a response must not carry it"
        );
        // The enum behind a $ref inside the other file.
        let odd = json!({"id": 1, "state": "lost"});
        let f = d.check(op, &seen(201, Some("application/json"), Some(&odd)));
        assert!(f[0].actual.starts_with("at $.state: "), "{version}: {f:?}");
        // A request sends the writeOnly secret, never the readOnly id.
        let sent = json!({"secret": "s3", "state": "queued"});
        assert_eq!(d.check_request(op, None, Some(&sent), true), vec![]);
        let f = d.check_request(
            op,
            Some("application/json"),
            Some(&json!({"id": 7, "secret": "s", "state": "queued"})),
            true,
        );
        assert_eq!(f[0].what, "request body");
        assert_eq!(
            f[0].actual,
            "at $.id: the property is readOnly: a request must not send it"
        );
        assert_eq!(
            f[0].rule,
            "api.yaml#/paths/~1jobs/post/requestBody/content/application~1json/schema"
        );
        let f = d.check_request(op, None, None, false);
        assert_eq!(
            f[0].expected,
            "a body (the operation's requestBody is required)"
        );
    }
}

#[test]
fn a_required_response_header_must_be_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = split_document(dir.path(), "3.0.3");
    let op = d.operation("POST", "/jobs").expect("matches");
    let empty = json!({});
    let mut answered = seen(410, Some("application/json"), Some(&empty));
    let f = d.check(op, &answered);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].what, "header");
    assert_eq!(f[0].expected, "a `X-Request-Id` header (required)");
    assert_eq!(
        f[0].rule,
        "api.yaml#/paths/~1jobs/post/responses/410/headers/X-Request-Id"
    );
    answered.headers.push("x-request-id");
    assert_eq!(d.check(op, &answered), vec![]);
}

#[test]
fn a_ref_to_what_is_no_document_is_refused_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "password=hunter2").expect("writes");
    let path = dir.path().join("api.json");
    let doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {"$ref": "notes.txt"}}}}}}}}});
    std::fs::write(&path, doc.to_string()).expect("writes");
    let files = Files::open(&path, "api.json").expect("opens");
    let e = Document::read(Arc::new(files), false)
        .expect_err("refused")
        .to_string();
    assert!(
        e.contains("only .yaml, .yml and .json files are read"),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
    let missing = json!({"openapi": "3.1.0", "paths": {"/a": {"$ref": "paths.yaml#/a"}}});
    std::fs::write(&path, missing.to_string()).expect("writes");
    let files = Files::open(&path, "api.json").expect("opens");
    let e = Document::read(Arc::new(files), false)
        .expect_err("refused")
        .to_string();
    assert!(
        e.starts_with("`api.json`: `$ref: paths.yaml#/a` cannot be followed: "),
        "{e}"
    );
}

#[test]
fn coverage_counts_operations_called_and_responses_seen_by_hand() {
    let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
    let mut c = Coverage::new([&d]);
    let hit = |op: Option<&str>, r: Option<&str>| Hit {
        document: "openapi.yaml".into(),
        operation: op.map(Into::into),
        response: r.map(Into::into),
    };
    c.record(&hit(Some("GET /pets/{id}"), Some("200")));
    c.record(&hit(Some("GET /pets/{id}"), Some("200")));
    c.record(&hit(Some("GET /pets"), Some("200")));
    c.record(&hit(None, None));
    // 3 operations (/pets, /pets/{id}, /pets/mine): 2 called. Responses: 1 + 2 + 1 = 4: 2 seen.
    assert_eq!((c.operations().seen, c.operations().total), (2, 3));
    assert_eq!((c.responses().seen, c.responses().total), (2, 4));
    assert_eq!(c.operations().percent(), 66, "rounded down");
    let doc = &c.documents[0];
    assert_eq!(doc.unmatched, 1);
    let order: Vec<&str> = doc
        .untested_first()
        .iter()
        .map(|o| o.operation.as_str())
        .collect();
    assert_eq!(order, ["GET /pets/mine", "GET /pets/{id}", "GET /pets"]);
    // Another shard saw the 404: merged, the operation is complete.
    let mut other = Coverage::new([&d]);
    other.record(&hit(Some("GET /pets/{id}"), Some("404")));
    c.merge(&other);
    assert_eq!((c.responses().seen, c.operations().seen), (3, 2));
    let by_id = c.documents[0]
        .operations
        .iter()
        .find(|o| o.operation == "GET /pets/{id}");
    let by_id = by_id.expect("the operation");
    assert_eq!(
        (by_id.seen.as_slice(), by_id.calls),
        (&["200".to_string(), "404".to_string()][..], 3)
    );
}

#[test]
fn drift_finds_removed_operations_new_required_fields_and_changed_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, v: Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, v.to_string()).expect("writes");
        Arc::new(Files::open(&p, name).expect("opens"))
    };
    let pet = |id_type: &str, required: Value| {
        json!({"type": "object", "required": required, "properties": {
        "id": {"type": id_type}, "name": {"type": "string"}, "tag": {"type": "string"}}})
    };
    let old = write(
        "old.json",
        json!({"openapi": "3.0.3", "paths": {
            "/pets": {"post": {"requestBody": {"content": {"application/json": {"schema": pet("integer", json!(["name"]))}}},
                      "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": pet("integer", json!(["name"]))}}},
                                    "409": {"description": "taken"}}}},
            "/pets/{id}": {"delete": {"responses": {"204": {"description": "gone"}}}}
        }}),
    );
    let new_pet = json!({"type": "object", "required": ["name", "tag"], "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "tag": {"type": "string"}}});
    let new = write(
        "new.json",
        json!({"openapi": "3.0.3", "paths": {
            "/pets": {"post": {"parameters": [{"in": "header", "name": "X-Tenant", "required": true}],
                      "requestBody": {"content": {"application/json": {"schema": new_pet}}},
                      "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}},
            "/pets/{petId}/photos": {"post": {"responses": {"201": {"description": "ok"}}}}
        }}),
    );
    let d = drift(&old, &new).expect("compares");
    let said: Vec<String> = d
        .changes
        .iter()
        .map(|c| format!("{}: {}", c.operation, c.what))
        .collect();
    assert_eq!(
        said,
        [
            "POST /pets: header parameter `X-Tenant` is new and required",
            "POST /pets: request field $.id: type integer → string",
            "POST /pets: request field $.tag is now required",
            "POST /pets: response 201 field $.id: type integer → string",
            "POST /pets: response 201 field $.name removed",
            "POST /pets: response 201 field $.tag removed",
            "POST /pets: response 409 is no longer documented",
            "DELETE /pets/{id}: removed",
        ]
    );
    assert!(
        !d.changes[6].breaking,
        "a response no longer documented is a note"
    );
    assert_eq!(d.added, ["POST /pets/{petId}/photos"]);
}

#[test]
fn a_discriminator_holds_a_body_to_the_branch_it_names() {
    for version in ["3.0.3", "3.1.0"] {
        let doc = json!({
            "openapi": version,
            "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "petType", "mapping": {"dog": "#/components/schemas/Dog"}}
                }}}}}}}},
            "components": {"schemas": {
                "Cat": {"type": "object", "required": ["petType", "name"]},
                "Dog": {"type": "object", "required": ["petType", "bark"]}
            }}
        });
        let d = Document::new(&doc, "api.json").expect("reads");
        let op = d.operation("GET", "/pets").expect("matches");
        let body = |v: Value| d.check(op, &seen(200, Some("application/json"), Some(&v)));
        assert_eq!(
            body(json!({"petType": "dog", "bark": "woof"})),
            vec![],
            "{version}"
        );
        assert_eq!(
            body(json!({"petType": "Cat", "name": "Tom"})),
            vec![],
            "{version}: implicit name"
        );
        // The schema's own name stands beside an explicit mapping.
        assert_eq!(
            body(json!({"petType": "Dog", "bark": "woof"})),
            vec![],
            "{version}"
        );
        // Fits Cat's schema, but says it is a dog: held to Dog, it breaks it.
        assert_eq!(
            body(json!({"petType": "dog", "name": "Rex"})).len(),
            1,
            "{version}"
        );
        assert_eq!(
            body(json!({"petType": "bird", "name": "Tweety"})).len(),
            1,
            "{version}"
        );
    }
}

#[test]
fn a_body_that_is_not_json_where_a_schema_is_documented_fails_and_extra_errors_are_counted() {
    let d = Document::new(&doc30(), "openapi.yaml").expect("reads");
    let op = d.operation("GET", "/v1/pets").expect("matches");
    let f = d.check(op, &seen(200, Some("application/json"), None));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].actual, "the body is not JSON");
    // Five pets without names: three errors shown, the others counted on the last.
    let nameless = json!([{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5}]);
    let f = d.check(op, &seen(200, Some("application/json"), Some(&nameless)));
    assert_eq!(f.len(), 3, "{f:?}");
    assert!(
        f[2].actual.ends_with(" (and 2 more schema errors)"),
        "{f:?}"
    );
}
