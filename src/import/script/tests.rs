use super::*;
use crate::import::yaml_out;
use serde_json::{Value, json};

fn run(phase: Phase, lines: &[&str]) -> Script {
    convert(
        &lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
        phase,
    )
}

fn test(lines: &[&str]) -> Script {
    run(Phase::Test, lines)
}

/// A request's own script, converted with the request's name.
fn named(phase: Phase, lines: &[&str], name: &str) -> Script {
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    super::convert_item(
        &lines,
        phase,
        Default::default(),
        Some(name),
        &Known::default(),
    )
}

/// `expect`, `capture` and `variables` as JSON, through the YAML the importer writes.
fn out(s: &Script) -> Value {
    let text = yaml_out::to_string(&Y::Map(vec![
        ("expect".into(), s.expect.clone()),
        ("capture".into(), s.capture.clone()),
        ("variables".into(), s.variables.clone()),
        ("sets".into(), s.sets.clone()),
    ]));
    serde_saphyr::from_str(&text).expect("yaml")
}

/// The JSON checks of `expect` with those of its cases of a list having items (what a loop
/// over a list's items checks) beside them, in one map.
fn with_items(v: &Value) -> Value {
    fn gather(expect: &Value, all: &mut serde_json::Map<String, Value>) {
        for (k, c) in expect["json"].as_object().into_iter().flatten() {
            all.insert(k.clone(), c.clone());
        }
        for case in expect["cases"].as_array().into_iter().flatten() {
            gather(case, all);
        }
    }
    let mut all = serde_json::Map::new();
    gather(&v["expect"], &mut all);
    Value::Object(all)
}

/// What a refusal of an unset variable checks of it: set, not empty, not the `null` that stands
/// for `undefined`, not its own `{{name}}` text (what the import declares when nothing does).
fn refused_unset(name: &str) -> Value {
    json!({"exists": true, "not": {"in": ["", "null", format!("{{{{ \"{{{{{name}}}}}\" }}}}")]}})
}

#[test]
fn pm_expect_chains_in_every_spelling() {
    let s = test(&[
        "pm.test(\"Status code is 200\", function () {",
        "    pm.response.to.have.status(200);",
        "});",
        "var data = pm.response.json();",
        "pm.test('fields', () => {",
        "  pm.expect(data.items[0].name).to.eql('Ada');",
        "  pm.expect(data[\"total-count\"]).to.equal(3);",
        "  pm.expect(data).to.have.property('id');",
        "  pm.expect(data).to.have.property('state', 'done');",
        "  pm.expect(data.items).to.have.lengthOf(2);",
        "  pm.expect(data.kind).to.be.oneOf(['a', 'b']);",
        "  pm.expect(data.items).to.be.an('array').that.is.not.empty;",
        "  pm.expect(data.ok).to.be.true;",
        "  pm.expect(data.gone).to.be.null;",
        "  pm.expect(data.count).to.be.above(1).and.below(10);",
        "  pm.expect(data.email).to.match(/@example\\.com$/i);",
        "  pm.expect(data.tags).to.include('x');",
        "  pm.expect(data.owner).to.exist;",
        "  pm.expect(data.meta).to.not.have.property('secret');",
        "});",
        "pm.expect(pm.response.headers.get('Content-Type')).to.include('application/json');",
        "pm.expect(pm.response.responseTime).to.be.below(500);",
        "pm.expect(pm.response.text()).to.include('Ada');",
        "pm.expect(pm.response.code).to.be.oneOf([200, 201]);",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(
        v["expect"]["status"],
        json!({"equals": 200, "in": [200, 201]})
    );
    assert_eq!(j["$.items[0].name"], "Ada");
    assert_eq!(j["$['total-count']"], 3);
    assert_eq!(j["$.id"], json!({"exists": true}));
    assert_eq!(j["$.state"], "done");
    assert_eq!(
        j["$.items"],
        json!({"length": {"equals": 2, "gt": 0}, "type": "array"})
    );
    assert_eq!(j["$.kind"], json!({"in": ["a", "b"]}));
    assert_eq!(
        (j["$.ok"].clone(), j["$.gone"].clone()),
        (json!(true), Value::Null)
    );
    // chai compares numbers only: a number written as a text fails.
    assert_eq!(j["$.count"], json!({"gt": 1, "lt": 10, "type": "number"}));
    assert_eq!(j["$.email"], json!({"matches": "(?i)@example\\.com$"}));
    // A text is sought in a text or a list (chai refuses an object there).
    assert_eq!(
        j["$.tags"],
        json!({"contains": "x", "any": [{"type": "string"}, {"type": "array"}]})
    );
    // chai's `exist` fails on null: more than `exists`.
    assert_eq!(j["$.owner"], json!({"not": {"in": [null]}}));
    assert_eq!(j["$.meta.secret"], json!({"exists": false}));
    assert_eq!(
        v["expect"]["headers"]["Content-Type"],
        json!({"contains": "application/json"})
    );
    assert_eq!(v["expect"]["time"], json!({"lt": "500ms"}));
    assert_eq!(v["expect"]["body"], json!({"contains": "Ada"}));
    assert_eq!((s.assertions, s.assertions_seen), (19, 19));
    assert!(s.block.is_empty(), "{:?}", s.block);
}

#[test]
fn legacy_tests_and_postman_calls() {
    let s = test(&[
        "var jsonData = JSON.parse(responseBody);",
        "tests[\"Status code is 201\"] = responseCode.code === 201;",
        "tests[\"Body has id\"] = responseBody.has(\"id\");",
        "tests['name'] = jsonData.name === 'Ada';",
        "tests['fast'] = responseTime < 200;",
        "tests['has items'] = jsonData.items.length > 0;",
        "tests['typed'] = typeof jsonData.id === 'string' && Array.isArray(jsonData.items);",
        "tests['header'] = postman.getResponseHeader('Location');",
        "tests['own'] = jsonData.hasOwnProperty('created');",
        "tests['not'] = jsonData.error === undefined;",
        "postman.setEnvironmentVariable(\"user_id\", jsonData.id);",
        "postman.setGlobalVariable('loc', postman.getResponseHeader('Location'));",
        "pm.environment.set('as_text', JSON.stringify(jsonData.items));",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(v["expect"]["status"], 201);
    assert_eq!(v["expect"]["body"], json!({"contains": "id"}));
    assert_eq!(j["$.name"], "Ada");
    assert_eq!(v["expect"]["time"], json!({"lt": "200ms"}));
    assert_eq!(j["$.items"], json!({"length": {"gt": 0}, "type": "array"}));
    assert_eq!(j["$.id"], json!({"type": "string"}));
    assert_eq!(v["expect"]["headers"]["Location"], json!({"exists": true}));
    assert_eq!(j["$.created"], json!({"exists": true}));
    assert_eq!(j["$.error"], json!({"exists": false}));
    assert_eq!(
        v["capture"]["user_id"],
        json!({"json": "$.id", "default": "null",
            "when": {"json": {"$.items": {"exists": true, "not": {"equals": null}}}}})
    );
    assert_eq!(
        v["capture"]["loc"],
        json!({"header": "Location", "default": "null",
            "when": {"json": {"$.items": {"exists": true, "not": {"equals": null}}}}})
    );
    assert_eq!(v["capture"]["as_text"]["json"], "$.items");
    assert_eq!((s.assertions, s.assertions_seen), (9, 9));
    assert_eq!((s.captures, s.sets_seen), (3, 3));
}

#[test]
fn response_assertions() {
    let s = test(&[
        "pm.response.to.be.ok;",
        "pm.response.to.be.json;",
        "pm.response.to.have.header('X-Request-Id');",
        "pm.response.to.have.header('Cache-Control', 'no-store');",
        "pm.response.to.have.jsonBody('data.items[0].id', 7);",
        "pm.response.to.not.be.error;",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["status"],
        json!({"equals": 200, "not": {"gte": 400}})
    );
    // `to.be.json` says nothing the check of `$.data.items[0].id` does not.
    assert!(v["expect"]["json"].get("$").is_none());
    assert_eq!(v["expect"]["json"]["$.data.items[0].id"], 7);
    assert_eq!(v["expect"]["headers"]["Cache-Control"], "no-store");
    assert_eq!(s.assertions, 6);
    let ok = test(&[
        "pm.response.to.have.status('Created')",
        "pm.response.to.be.success",
    ]);
    assert_eq!(
        out(&ok)["expect"]["status"],
        json!({"equals": 201, "gte": 200, "lt": 300})
    );
    // Postman's `jsonBody` reads a text path only: with an object it asserts nothing.
    let object = test(&["pm.response.to.have.jsonBody({ id: 42 });"]);
    assert_eq!((object.assertions, object.assertions_seen), (1, 1));
    assert_eq!(out(&object)["expect"], json!({}));
    assert_eq!(
        out(&test(&["pm.response.to.be.success"]))["expect"]["status"],
        "2xx"
    );
}

#[test]
fn sets_of_known_values_are_variables_and_run_time_names_are_listed() {
    let s = test(&[
        "pm.collectionVariables.set('mode', 'fast');",
        "pm.environment.set('copy', pm.environment.get('base-url'));",
        "pm.environment.set('stamp', CryptoJS.AES.encrypt('x', 'k').toString());",
        "pm.environment.unset('old');",
    ]);
    let v = out(&s);
    assert_eq!(v["variables"]["mode"], "fast");
    assert_eq!(v["variables"]["copy"], "{{ base_url }}");
    assert_eq!((s.sets_seen, s.variables_set), (3, 2));
    assert_eq!(s.set_names, ["mode", "copy", "stamp"]);
    let reasons: Vec<&str> = s.kept.iter().map(|k| k.2).collect();
    assert_eq!(reasons, [KEPT_COMPUTED]);
    // An unset gives the variable the `{{old}}` text from there on (postman.rs writes it).
    assert_eq!(s.unset, [("old".to_string(), "environment")]);
}

#[test]
fn unsets_and_clears_are_converted_only_when_they_always_run() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.collectionVariables.clear();",
            "pm.environment.unset('session-id');",
            "if (pm.environment.get('keep') === 'no') { pm.environment.unset('maybe'); }",
        ],
    );
    // Under a condition on the response: a capture of the `{{a}}` text when it holds.
    let guarded = test(&["if (pm.response.code === 200) { pm.environment.unset('a'); }"]);
    assert!(guarded.unset.is_empty(), "{:?}", guarded.unset);
    assert!(guarded.kept.is_empty(), "{:?}", guarded.kept);
    assert_eq!(
        out(&guarded)["capture"]["a"],
        json!({ "value": "{{a}}", "when": { "status": 200 } })
    );
    // Beside a set of the same name (one capture a request): the unset stays a comment.
    let both = test(&[
        "if (pm.response.code === 200) { pm.environment.set('a', pm.response.json().a); }",
        "else { pm.environment.unset('a'); }",
    ]);
    assert_eq!(
        out(&both)["capture"]["a"]["json"],
        "$.a",
        "{:?}",
        out(&both)
    );
    assert_eq!(both.kept.len(), 1, "{:?}", both.kept);
    // Under a guard on the body, with no check beside it.
    let body = test(&[
        "const body = pm.response.json();",
        "if (body.loggedOut) { pm.collectionVariables.unset('t1'); }",
    ]);
    assert_eq!(
        out(&body)["capture"]["t1"]["value"],
        "{{t1}}",
        "{}",
        out(&body)
    );
    assert!(out(&body)["capture"]["t1"]["when"]["json"]["$.loggedOut"].is_object());
    assert!(body.kept.is_empty(), "{:?}", body.kept);
    // In a pre-request script there is no response to decide by.
    let before = run(
        Phase::PreRequest,
        &["if (pm.environment.get('x') === 'y') { pm.environment.unset('a'); }"],
    );
    assert_eq!(out(&before)["capture"], json!({}));
    assert_eq!(before.kept.len(), 1, "{:?}", before.kept);
    assert_eq!(s.cleared, ["collection"]);
    assert_eq!(s.unset, [("session_id".to_string(), "environment")]);
    // Under a condition it stays a comment.
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
    assert!(s.kept[0].1.contains("unset('maybe')"), "{:?}", s.kept);
}

#[test]
fn what_is_not_converted_is_kept_with_its_indentation_and_structure() {
    let s = test(&[
        "pm.test('status', function () {",
        "    pm.response.to.have.status(200);",
        "});",
        "pm.test('mixed', function () {",
        "    var data = pm.response.json();",
        "    pm.expect(data.id).to.eql(1);",
        "    if (Math.random() > 0.5) {",
        "        pm.expect(data.items[0].v).to.eql(2);",
        "    }",
        "});",
        "console.log('done');",
    ]);
    assert_eq!(
        s.block,
        [
            "pm.test('mixed', function () {",
            "    if (Math.random() > 0.5) {",
            "        pm.expect(data.items[0].v).to.eql(2);",
            "    }",
            "});",
            "console.log('done');",
        ]
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 3));
    let reasons: Vec<&str> = s.kept.iter().map(|k| k.2).collect();
    assert_eq!(reasons, [KEPT_AROUND, KEPT_FLOW, KEPT_FLOW, KEPT_CONSOLE]);
}

#[test]
fn a_statement_converts_whole_or_not_at_all() {
    let s = test(&["pm.expect(data.id).to.eql(1).and.satisfy(x => x > 0);"]);
    assert!(s.expect.is_empty_map());
    assert_eq!((s.assertions, s.assertions_seen, s.block.len()), (0, 1, 1));
}

#[test]
fn pre_request_scripts_give_set_values_before_the_request() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.variables.set('order', 'A-1');",
            "pm.environment.set('id', pm.variables.replaceIn('{{$guid}}'));",
            "pm.sendRequest('https://x', function (err, res) {});",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["order"], "A-1");
    assert_eq!(v["sets"]["id"], "{{ uuid() }}");
    // The request it sends is a request of the collection now.
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(s.requests.len(), 1);
}

#[test]
fn scope_scripts_assert_but_do_not_capture() {
    let s = run(
        Phase::ScopeTest,
        &[
            "pm.test('json', () => pm.response.to.have.header('Content-Type'));",
            "pm.environment.set('last', pm.response.json().id);",
        ],
    );
    assert_eq!(
        out(&s)["expect"]["headers"]["Content-Type"],
        json!({"exists": true})
    );
    assert_eq!(s.kept[0].2, KEPT_SCOPE_CAPTURE);
}

#[test]
fn alternatives_cookies_nested_paths_and_guarded_sets() {
    let s = test(&[
        "tests['created'] = responseCode.code === 201 || responseCode.code === 202;",
        "pm.expect(pm.response.headers.has('ETag')).to.be.true;",
        "pm.expect(pm.cookies.has('session')).to.be.true;",
        "pm.expect(pm.response.json()).to.have.nested.property('a.b[0].c', 3);",
        "postman.setNextRequest('other');",
        "if (pm.response.code === 200) {",
        "    pm.environment.set('id', pm.response.json().id);",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!([201, 202]));
    assert_eq!(v["expect"]["headers"]["ETag"], json!({"exists": true}));
    assert_eq!(v["expect"]["cookies"]["session"], json!({"exists": true}));
    assert_eq!(v["expect"]["json"]["$.a.b[0].c"], 3);
    assert_eq!((s.assertions, s.assertions_seen), (4, 4));
    // A set guarded by the status is a capture (a capture checks the value is there).
    assert_eq!((s.sets_seen, s.captures), (1, 1));
    assert_eq!(v["capture"]["id"]["json"], "$.id");
    let reasons: Vec<&str> = s.kept.iter().map(|k| k.2).collect();
    assert_eq!(reasons, [KEPT_NEXT]);
}

#[test]
fn generated_guarded_captures_and_try_parse_convert() {
    let s = test(&[
        "let jsonData = {};",
        "try {jsonData = pm.response.json();}catch(e){}",
        "if (jsonData?.customer_id) {",
        "   pm.collectionVariables.set(\"customer_id\", jsonData.customer_id);",
        "   console.log(\"- use {{customer_id}}\", jsonData.customer_id);",
        "} else {",
        "   console.log('INFO - Unable to assign variable');",
        "};",
        "if (jsonData.items.length > 0) {",
        "   pm.expect(jsonData.items[0].id).to.exist;",
        "   pm.environment.set('first', jsonData.items[0].id);",
        "}",
    ]);
    assert_eq!(out(&s)["capture"]["customer_id"]["json"], "$.customer_id");
    assert_eq!((s.sets_seen, s.captures), (2, 2));
    assert_eq!((s.assertions_seen, s.assertions), (1, 1));
    assert!(s.block.is_empty(), "{:?}", s.block);
}

#[test]
fn reason_phrases_and_literal_aliases() {
    let s = test(&[
        "const expected = [201, 202];",
        "pm.expect(pm.response.code).to.be.oneOf(expected, 'unexpected status');",
        "pm.expect(pm.response.status).to.equal('Created');",
        "pm.expect(pm.response.status).to.equal('Weird');",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["status"],
        json!({"in": [201, 202], "equals": 201})
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 3));
}

#[test]
fn more_legacy_forms() {
    let s = test(&[
        "var data = JSON.parse(responseBody);",
        "tests['GUID: ' + data.guid] = /^[0-9a-f-]{36}$/i.test(data.guid);",
        "tests['has items'] = data && data.items && data.items.length;",
        "tests['cookie'] = postman.getResponseCookie('foo').value === 'bar';",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.guid"],
        json!({"matches": "(?i)^[0-9a-f-]{36}$"})
    );
    assert_eq!(
        v["expect"]["json"]["$.items"],
        json!({"length": {"gt": 0}, "not": {"in": [null, false, 0, ""]}, "all": [{"not": {"type": "object"}}]})
    );
    assert_eq!(v["expect"]["cookies"]["foo"], "bar");
    assert_eq!((s.assertions, s.assertions_seen), (3, 3));
}

/// Scripts stitched at random from real fragments (and broken ones): converting never panics,
/// and whatever is converted is a request yarc's own parser accepts.
#[test]
fn random_scripts_convert_into_requests_yarc_accepts() {
    const PARTS: &[&str] = &[
        "pm.test('t', function () {",
        "});",
        "})",
        "var d = pm.response.json();",
        "const {id, name: n} = pm.response.json();",
        "pm.expect(d.items).to.have.lengthOf(2);",
        "pm.expect(d.a.b).to.eql({x: 1, y: [1, 'a']});",
        "pm.expect(d).to.include({k: 'v'});",
        "pm.expect(n).to.be.a('string').and.not.be.empty;",
        "pm.expect(id).to.be.above(3).and.below(9);",
        "pm.response.to.have.status(201);",
        "pm.response.to.be.success;",
        "pm.response.to.not.be.error;",
        "pm.expect(pm.response.code).to.be.oneOf([200, 204]);",
        "pm.expect(pm.response.status).to.eql('OK');",
        "pm.response.to.have.header('X', 'y');",
        "pm.expect(pm.response.responseTime).to.be.below(300);",
        "tests['x'] = responseCode.code === 200 || responseCode.code === 201;",
        "tests['y'] = responseBody.has('z') && d.q !== undefined;",
        "pm.environment.set('a', d.id);",
        "pm.environment.set('b', 'lit');",
        "if (d.id) { pm.environment.set('c', d.id); } else { console.log(1) }",
        "try { d = pm.response.json(); } catch (e) { console.log(e) }",
        "for (let i = 0; i < 3; i++) {",
        "}",
        "pm.expect(d.items[0]).to.have.nested.property('a.b[1]', null);",
        "pm.expect(",
        "((((",
        "'unterminated",
        "/re",
        "} else {",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..400 {
        let n = (next() % 12) as usize + 1;
        let lines: Vec<String> = (0..n)
            .map(|_| PARTS[(next() % PARTS.len() as u64) as usize].to_string())
            .collect();
        let s = convert(&lines, Phase::Test);
        let mut request = Y::map();
        request.set("name", Y::str("r"));
        request.set("url", Y::str("http://127.0.0.1:1/"));
        if !s.expect.is_empty_map() {
            request.set("expect", s.expect.clone());
        }
        if !s.capture.is_empty_map() {
            request.set("capture", s.capture.clone());
        }
        let doc = Y::Map(vec![("requests".into(), Y::Seq(vec![request]))]);
        let text = yaml_out::to_string(&doc);
        let file = crate::source::SourceFile::new("random.yaml", text.clone());
        let parsed = crate::parse::parse_collection(&file, std::path::Path::new("random.yaml"));
        assert!(
            parsed.is_ok(),
            "{lines:#?}\n{text}\n{:?}",
            parsed
                .err()
                .map(|e| e.0.iter().map(|d| d.to_string()).collect::<Vec<_>>())
        );
        assert!(s.assertions <= s.assertions_seen && s.captures <= s.sets_seen);
    }
}

#[test]
fn counters_count_up_without_reading_themselves_as_variables() {
    for (phase, lines) in [
        (
            Phase::PreRequest,
            &[
                "let n = pm.collectionVariables.get('n') || 0;",
                "n++;",
                "pm.collectionVariables.set('n', n);",
            ][..],
        ),
        (
            Phase::Test,
            &[
                "var n = parseInt(pm.environment.get('n'));",
                "n += 2;",
                "pm.environment.set('n', n);",
            ][..],
        ),
    ] {
        let s = run(phase, lines);
        let v = out(&s);
        assert!(s.kept.is_empty(), "{:?}", s.kept);
        let n = v["sets"]["n"].as_str().unwrap_or_default().to_string();
        let mut env = minijinja::Environment::new();
        env.add_filter("number", |v: minijinja::Value| {
            crate::template::js_number(&v)
        });
        let rendered = |x: serde_json::Value| {
            env.render_str(&n, minijinja::context! { n => minijinja::value::Serde(&x) })
                .unwrap_or_else(|e| format!("{e}: {n}"))
        };
        let step = if phase == Phase::PreRequest { 1 } else { 2 };
        assert_eq!(
            rendered(serde_json::json!(4)),
            (4 + step).to_string(),
            "{n}"
        );
        assert_eq!(
            rendered(serde_json::json!("4")),
            (4 + step).to_string(),
            "{n}"
        );
        if phase == Phase::PreRequest {
            assert_eq!(rendered(serde_json::json!("")), "1", "{n}");
        }
    }
}

#[test]
fn values_a_script_makes_up_become_yarc_functions() {
    let s = run(
        Phase::PreRequest,
        &[
            "const id = require('uuid').v4();",
            "pm.environment.set('profile', 'Profile ' + id);",
            "pm.environment.set('at', new Date().toISOString());",
            "pm.environment.set('ms', Date.now());",
            "pm.environment.set('n', 'n-' + 7);",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["profile"], "Profile {{ uuid() }}");
    assert_eq!(v["sets"]["at"], "{{ now() }}");
    assert_eq!(v["sets"]["ms"], "{{ timestamp_ms() }}");
    assert_eq!(v["sets"]["n"], "n-7");
    assert_eq!((s.sets_seen, s.variables_set), (4, 4));
}

#[test]
fn unreachable_and_swallowed_checks_are_kept_not_converted() {
    let s = test(&[
        "pm.test('runs', function () { pm.response.to.have.status(200); });",
        "try {",
        "    pm.expect(pm.response.json().a).to.eql(1);",
        "    pm.test('reports itself', function () { pm.expect(pm.response.json().b).to.eql(2); });",
        "} catch (e) {}",
        "return;",
        "pm.test('never runs', function () { pm.expect(pm.response.json().c).to.eql(3); });",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], 200);
    assert_eq!(v["expect"]["json"]["$.b"], 2);
    assert!(v["expect"]["json"].get("$.a").is_none(), "{v}");
    assert!(v["expect"]["json"].get("$.c").is_none(), "{v}");
    let reasons: Vec<&str> = s.kept.iter().map(|k| k.2).collect();
    assert!(
        reasons.contains(&KEPT_SWALLOWED) && reasons.contains(&KEPT_UNREACHABLE),
        "{reasons:?}"
    );
    // The swallowed check is exact as nothing (it never fails in Postman): counted converted.
    assert_eq!((s.assertions, s.assertions_seen), (3, 4));
}

#[test]
fn checks_under_a_setting_are_a_case_of_it() {
    let s = test(&[
        "if (!(environment.isIntegrationTest)) {",
        "    var r = JSON.parse(responseBody);",
        "    tests['has user'] = r.hasOwnProperty('user');",
        "}",
        "if (pm.environment.get('strict') === 'yes') { pm.test('id', () => pm.expect(pm.response.json().id).to.eql(7)); }",
        "if (pm.response.json().items.length > 0) { pm.expect(pm.response.json().items[0].id).to.eql(1); }",
    ]);
    let v = out(&s);
    // Postman checks only when the setting holds: a case of it, as the run renders it.
    let cases = &v["expect"]["cases"];
    // Unset, empty or the `{{name}}` text the import declares for a variable nothing defines;
    // the text `null` is true to JavaScript, so it counts as set (a false red at worst).
    let unset = json!(["", "{{ \"{{isIntegrationTest}}\" }}"]);
    assert_eq!(
        cases[0],
        json!({
            "when": {"vars": {"isIntegrationTest": {"any": [{"exists": false}, {"in": unset}]}}},
            "json": {"$.user": {"exists": true}}
        }),
        "{v}"
    );
    assert_eq!(
        cases[1],
        json!({"when": {"vars": {"strict": {"equals": "yes"}}}, "json": {"$.id": 7}}),
        "{v}"
    );
    // A list that is not empty, as `if (list.length)`: the check is made when it has items, as
    // Postman makes it; the list must be there (`.length` of nothing throws).
    assert_eq!(cases[2]["json"]["$.items[0].id"], 1, "{v}");
    assert_eq!(
        v["expect"]["json"]["$.items"],
        json!({"exists": true}),
        "{v}"
    );
}

#[test]
fn a_header_with_an_empty_fallback_decides_a_case() {
    // A collection's test script too: its checks hold for every request, each answer its own.
    let lines = [
        "const contentType = pm.response.headers.get('Content-Type') || '';",
        "if (contentType.includes('application/json')) {",
        "    pm.test('Response body is valid JSON', function () { pm.response.to.be.json; });",
        "}",
    ];
    for phase in [Phase::Test, Phase::ScopeTest] {
        let s = run(phase, &lines);
        let case = &out(&s)["expect"]["cases"][0];
        assert_eq!(
            case["when"],
            json!({"headers": {"Content-Type": {"contains": "application/json"}}}),
            "{phase:?}"
        );
        assert_eq!(case["json"]["$"], json!({"exists": true}));
        // The local the condition reads is converted with it.
        assert!(s.kept.is_empty(), "{:?}", s.kept);
    }
    // Negated (`!ct.includes(...)` is true of a missing header): not read so.
    let s = test(&[
        "const ct = pm.response.headers.get('Content-Type') || '';",
        "if (!ct.includes('json')) { pm.test('text', () => pm.expect(pm.response.text()).to.include('ok')); }",
    ]);
    assert!(out(&s)["expect"].get("cases").is_none(), "{}", out(&s));
}

#[test]
fn a_scope_test_script_with_a_capture_in_a_branch_has_no_case() {
    let s = run(
        Phase::ScopeTest,
        &[
            "if (pm.response.code === 201) {",
            "    pm.collectionVariables.set('id', pm.response.json().id);",
            "    pm.test('created', () => pm.expect(pm.response.json().id).to.be.ok);",
            "}",
        ],
    );
    assert!(out(&s)["expect"].get("cases").is_none(), "{}", out(&s));
}

#[test]
fn pkce_verifiers_and_challenges_are_made_when_sent() {
    // CryptoJS's random bytes through helper functions, made URL-safe by hand; the challenge
    // reads the verifier just set, not new random bytes.
    let s = run(
        Phase::PreRequest,
        &[
            "function base64URLEncode(str) {",
            "    return str.toString(CryptoJS.enc.Base64).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=/g, '');",
            "}",
            "function generateCodeVerifier() {",
            "    const array = CryptoJS.lib.WordArray.random(32);",
            "    return base64URLEncode(array);",
            "}",
            "const verifier = generateCodeVerifier();",
            "const challenge = base64URLEncode(CryptoJS.SHA256(verifier));",
            "pm.environment.set('codeVerifier', verifier);",
            "pm.environment.set('codeChallenge', challenge);",
        ],
    );
    let sets = &out(&s)["sets"];
    assert_eq!(
        sets["codeVerifier"],
        "{{ random_bytes(32, \"base64url\") }}"
    );
    assert_eq!(
        sets["codeChallenge"],
        "{{ ((codeVerifier | string) | sha256(\"base64url\")) }}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // A helper whose local is a digest (read once), padding taken off with `/=+/g`; hex bytes.
    let s = run(
        Phase::PreRequest,
        &[
            "function base64url(b64){return b64.replace(/=+/g,'').replace(/\\+/g,'-').replace(/\\//g,'_');}",
            "function sha256b64url(str){ const wa = CryptoJS.SHA256(CryptoJS.enc.Utf8.parse(str)); return base64url(CryptoJS.enc.Base64.stringify(wa)); }",
            "pm.environment.set('challenge', sha256b64url(pm.environment.get('verifier')));",
            "pm.environment.set('nonce', CryptoJS.lib.WordArray.random(16).toString());",
        ],
    );
    let sets = &out(&s)["sets"];
    assert_eq!(
        sets["challenge"],
        "{{ ((verifier | string) | sha256(\"base64url\")) }}"
    );
    assert_eq!(sets["nonce"], "{{ random_bytes(16, \"hex\") }}");
}

#[test]
fn a_made_up_local_read_by_another_is_the_variable_it_was_set_to() {
    let s = run(
        Phase::PreRequest,
        &[
            "const name = pm.variables.replaceIn('{{$randomFirstName}}');",
            "const email = name + '@example.com';",
            "pm.environment.set('name', name);",
            "pm.environment.set('email', email);",
        ],
    );
    let sets = &out(&s)["sets"];
    assert_eq!(sets["name"], "{{ fake('first_name') }}");
    assert_eq!(sets["email"], "{{ name }}@example.com");
}

#[test]
fn a_made_up_local_joined_with_a_number_is_text() {
    let s = run(
        Phase::PreRequest,
        &[
            "const name = pm.variables.replaceIn('{{$randomFirstName}}');",
            "pm.environment.set('email', name + Date.now() + '@example.com');",
        ],
    );
    assert_eq!(
        out(&s)["sets"]["email"],
        "{{ fake('first_name') }}{{ timestamp_ms() }}@example.com"
    );
}

#[test]
fn a_request_sent_under_a_condition_read_is_skipped_when_it_does_not_hold() {
    let s = run(
        Phase::PreRequest,
        &[
            "if (!pm.environment.get('token')) {",
            "  pm.sendRequest({ url: pm.variables.get('base') + '/login', method: 'POST' }, (err, res) => {",
            "    pm.environment.set('token', res.json().token);",
            "  });",
            "}",
        ],
    );
    let [sent] = s.requests.as_slice() else {
        panic!("{:?}", s.requests)
    };
    let skip = match sent.get("skip") {
        Some(Y::Str(t)) => t.clone(),
        other => panic!("{other:?}"),
    };
    // `token` read as Postman's `get()` reads it (the postman.rs pass shortens it where no
    // `{{token}}` text is declared).
    assert!(
        skip.contains("if not (not (token and token != \"{{token}}\"))"),
        "{skip}"
    );
    assert_eq!(s.every_time, [true]);
    // A condition it cannot read: sent, not every time.
    let s = run(
        Phase::PreRequest,
        &[
            "if (!pm.environment.get('token') || expired(pm.environment.get('token'))) {",
            "  pm.sendRequest(pm.variables.get('base') + '/login', (err, res) => {});",
            "}",
        ],
    );
    assert_eq!(s.every_time, [false]);
    assert!(s.requests[0].get("skip").is_none());
}

#[test]
fn a_call_of_a_function_the_script_does_not_define_fails_the_request() {
    // Defined by a library another script evaluates, or nowhere (a ReferenceError in Newman):
    // named, without its arguments (which may hold a credential).
    let s = test(&[
        "validateBasicResponse(200, 'sk_live_x');",
        "pm.test('ok', () => pm.response.to.have.status(200));",
    ]);
    assert_eq!(s.unchecked, ["the checks in `validateBasicResponse(...)`"]);
    assert_eq!(out(&s)["expect"]["status"], 200);
    // Its own functions, and JavaScript's, are no such call.
    let s = test(&[
        "function check() { pm.test('a', () => pm.response.to.have.status(200)); }",
        "check();",
        "setTimeout(() => {}, 10);",
    ]);
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
    // Before the request it is no check of the response.
    assert!(run(Phase::PreRequest, &["helper();"]).unchecked.is_empty());
}

#[test]
fn tests_in_a_try_kept_whole_fail_the_request() {
    // The `catch` does more than swallow: the `try` is kept, and its tests with it.
    let s = test(&[
        "const body = pm.response.json();",
        "try {",
        "    pm.test('schema', function () { pm.expect(tv4.validate(body, schema)).to.be.true; });",
        "} catch (e) {",
        "    console.error(e);",
        "    pm.test('Test script failed', false);",
        "}",
    ]);
    assert_eq!(s.unchecked, ["the checks in `try`"], "{:?}", s.kept);
}

#[test]
fn negations_of_a_value_that_must_be_missing_are_left_out() {
    let s = test(&[
        "var response = pm.response.json();",
        "pm.test('smoke', function () {",
        "  pm.expect(response).to.not.have.property('error');",
        "  pm.expect(response.error).to.not.equal('Internal Server Error');",
        "});",
    ]);
    assert_eq!(
        out(&s)["expect"]["json"]["$.error"],
        json!({"exists": false})
    );
}

#[test]
fn members_of_a_parsed_variable_kept_in_locals_are_read_through() {
    let s = run(
        Phase::PreRequest,
        &[
            "const message = JSON.parse(pm.environment.get('message'));",
            "const doc = message.documents['1'];",
            "const version = doc.versions['1'];",
            "pm.environment.set('ext', version.props.exten);",
            "pm.environment.set('name', `${doc.props.name}.txt`);",
        ],
    );
    let sets = &out(&s)["sets"];
    assert_eq!(
        sets["ext"],
        "{{ (message | from_json)[\"documents\"][\"1\"][\"versions\"][\"1\"][\"props\"][\"exten\"] }}"
    );
    assert_eq!(
        sets["name"],
        "{{ (message | from_json)[\"documents\"][\"1\"][\"props\"][\"name\"] }}.txt"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_for_each_over_written_names_is_each_in_turn() {
    let s = run(
        Phase::PreRequest,
        &["['auth_code', 'state'].forEach(k => pm.environment.unset(k));"],
    );
    let names: Vec<&str> = s.unset.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["auth_code", "state"]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Through a list the script wrote in a local.
    let s = run(
        Phase::PreRequest,
        &[
            "const keys = ['b', 'c'];",
            "keys.forEach(function (k) { pm.environment.unset(k); });",
        ],
    );
    let names: Vec<&str> = s.unset.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["b", "c"]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // A name the body assigns is no such loop.
    let s = run(
        Phase::PreRequest,
        &["['a'].forEach(k => { k = 'b'; pm.environment.unset(k); });"],
    );
    assert!(!s.kept.is_empty());
}

#[test]
fn legacy_yes_or_no_tests_compared_with_true_and_a_failing_else() {
    // `=== true` of a yes or no is the yes or no; an `else` that parses and fails a test named
    // from the body fails every other status.
    let s = test(&[
        "if (responseCode.code === 200) {",
        "  var data = JSON.parse(responseBody);",
        "  tests['Response body contains access token'] = responseBody.has('access_token') === true;",
        "  pm.collectionVariables.set('token1', data.access_token);",
        "}",
        "else {var data = JSON.parse(responseBody);",
        "  tests['no access token:' + responseBody] = false;",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], 200, "{v}");
    assert_eq!(
        v["expect"]["body"],
        json!({"contains": "access_token"}),
        "{v}"
    );
    assert_eq!(v["capture"]["token1"]["json"], "$.access_token");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let s = test(&["tests['no error'] = responseBody.has('error') === false;"]);
    assert_eq!(
        out(&s)["expect"]["body"],
        json!({"not": {"contains": "error"}})
    );
}

#[test]
fn a_lowercased_text_kept_in_a_local_is_checked_in_any_case() {
    let s = test(&[
        "pm.test('No sensitive information', function () {",
        "    const responseText = pm.response.text().toLowerCase();",
        "    pm.expect(responseText).to.not.include('sql');",
        "    pm.expect(responseText).to.include('not found');",
        "});",
    ]);
    let body = &out(&s)["expect"]["body"];
    assert_eq!(body["not"], json!({"matches": "(?i)sql"}), "{body}");
    assert_eq!(body["matches"], json!("(?i)not found"), "{body}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_setting_other_than_several_values_is_a_case_of_none_of_them() {
    let s = test(&[
        "var user = pm.collectionVariables.get('user');",
        "if (user != 'lvl1' && user !== 'lvl2') {",
        "  pm.test('403', () => pm.response.to.have.status(403));",
        "} else {",
        "  pm.test('200', () => pm.response.to.have.status(200));",
        "}",
    ]);
    let cases = &out(&s)["expect"]["cases"];
    let some = json!({"in": ["lvl1", "lvl2"]});
    assert_eq!(
        cases[0],
        json!({"when": {"vars": {"user": {"any": [{"exists": false}, {"not": some}]}}}, "status": 403})
    );
    assert_eq!(
        cases[1],
        json!({"when": {"vars": {"user": some}}, "status": 200})
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2));
    // Two variables are no one-of: the parts stay for a human.
    let s = test(&[
        "if (pm.collectionVariables.get('a') != 'x' && pm.collectionVariables.get('b') != 'y') {",
        "  pm.test('403', () => pm.response.to.have.status(403));",
        "} else {",
        "  pm.test('200', () => pm.response.to.have.status(200));",
        "}",
    ]);
    assert!(out(&s)["expect"].get("cases").is_none(), "{}", out(&s));
}

#[test]
fn what_a_script_reads_deep_in_the_body_must_be_there_as_newman_needs_it() {
    let s = test(&[
        "const id = pm.response.json().items[0].id;",
        "var name = pm.response.json()['the data'].name;",
        "var top = pm.response.json().total;",
        "try { var x = pm.response.json().a.b; } catch (e) {}",
    ]);
    let j = &out(&s)["expect"]["json"];
    assert_eq!(j["$.items[0]"], serde_json::json!({"exists": true}), "{j}");
    assert_eq!(
        j["$['the data']"],
        serde_json::json!({"exists": true}),
        "{j}"
    );
    assert!(j.get("$").is_none() && j.get("$.a").is_none(), "{j}");
    assert_eq!(s.assertions_seen, 0);
}

#[test]
fn pre_request_headers_and_base64_credentials_convert() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.request.headers.add({ key: 'X-Group', value: pm.environment.get('group') });",
            "pm.environment.set('auth', 'Basic ' + btoa(pm.environment.get('id') + ':' + pm.environment.get('pw')));",
            "var raw = CryptoJS.enc.Utf8.parse(pm.collectionVariables.get('id') + ':x');",
            "pm.environment.set('b', CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(pm.collectionVariables.get('id') + ':x')));",
        ],
    );
    assert_eq!(
        s.headers.entries(),
        vec![("X-Group".to_string(), Y::str("{{ group }}"))]
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["auth"],
        // A variable joined into text reads as `undefined` while it is its `{{name}}` text
        // (postman.rs writes it plain where nothing gives it that text).
        "Basic {{ ((((id if id != \"{{id}}\" else \"undefined\") ~ \":\") ~ (pw if pw != \"{{pw}}\" else \"undefined\")) | base64_encode) }}",
        "{v}"
    );
    assert_eq!(
        v["sets"]["b"],
        "{{ (((id if id != \"{{id}}\" else \"undefined\") ~ \":x\") | base64_encode) }}",
        "{v}"
    );
}

#[test]
fn a_local_given_a_value_when_it_has_none_and_a_header_put_back() {
    let s = run(
        Phase::PreRequest,
        &[
            "const {Property} = require('postman-collection');",
            "var xff = pm.collectionVariables.get('X-Forwarded-For');",
            "if (!xff){",
            "    xff = Property.replaceSubstitutions('{{$randomIP}}');",
            "    console.log('setting XFF to ' + xff);",
            "}",
            "pm.collectionVariables.set('X-Forwarded-For', xff);",
            "pm.request.headers.remove('X-Forwarded-For');",
            "pm.request.headers.add({ disabled: false, key: 'X-Forwarded-For', value: xff });",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["sets"]["X_Forwarded_For"], "{{ (X_Forwarded_For or (fake('ip'))) }}",
        "{v}"
    );
    // A removal the script does not follow with an add of the header is kept.
    let s = run(
        Phase::PreRequest,
        &["pm.request.headers.remove('X-Trace');"],
    );
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn an_http_date_and_a_time_moved_by_a_named_number() {
    let s = run(
        Phase::PreRequest,
        &[
            "const delay = 1000 * 3600 * 24",
            "const now = new Date();",
            "pm.environment.set('headerDate', now.toUTCString());",
            "pm.environment.set('gmt', new Date().toGMTString());",
            "pm.environment.set('expires', new Date(now.getTime() + delay).toISOString());",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["sets"]["headerDate"], "{{ now(\"%a, %d %b %Y %H:%M:%S GMT\") }}",
        "{v}"
    );
    assert_eq!(v["sets"]["gmt"], v["sets"]["headerDate"], "{v}");
    assert_eq!(v["sets"]["expires"], "{{ now(\"\", \"1 day\") }}", "{v}");
    // A time set as it is is its ISO text; toLocaleDateString() the en-US date.
    let s = run(
        Phase::PreRequest,
        &[
            "pm.environment.set('expiration', new Date(new Date().getTime() + 600000));",
            "var today = new Date();",
            "pm.globals.set('today', today.toLocaleDateString());",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    let ten = "{{ now(\"\", \"10 minutes\") }}";
    assert_eq!(v["sets"]["expiration"], ten, "{v}");
    assert_eq!(v["sets"]["today"], "{{ now(\"%-m/%-d/%Y\") }}", "{v}");
}

#[test]
fn random_text_built_a_character_at_a_time() {
    let s = run(
        Phase::PreRequest,
        &[
            "function random_string(size){",
            "    var str = '';",
            "    for (var i = 0; i < size; i++){ str += random_character(); }",
            "    return str;",
            "}",
            "function random_character() {",
            "    var chars = 'abc';",
            "    return chars.substr(Math.floor(Math.random() * 62), 1);",
            "}",
            "pm.environment.set('name', random_string(4));",
            "var text = 'x-';",
            "var possible = 'ABCDEF';",
            "for (var i = 0; i < 3; i++)",
            "    text += possible.charAt(Math.floor(Math.random() * possible.length));",
            "pm.environment.set('code', text);",
            "pm.environment.set('one', possible[Math.floor(Math.random() * 2)]);",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    // A factor past the text's end picks from the whole text (JavaScript gives "" there).
    assert_eq!(
        v["sets"]["name"], "{% for _ in range(4) %}{{ \"abc\"[random_int(0, 2)] }}{% endfor %}",
        "{v}"
    );
    assert_eq!(
        v["sets"]["code"],
        "x-{% for _ in range(3) %}{{ \"ABCDEF\"[random_int(0, 5)] }}{% endfor %}",
        "{v}"
    );
    assert_eq!(
        v["sets"]["one"], "{{ \"ABCDEF\"[random_int(0, 1)] }}",
        "{v}"
    );
}

#[test]
fn what_would_throw_in_postman_is_checked() {
    let s = test(&[
        "var data = pm.response.json();",
        "data.list.forEach(function (x) { console.log(x.id); });",
        "tests['count'] = data.meta.total > 0;",
        "var d = new Date(data.when.substr(0, 10));",
        "if (data.maybe.length) { console.log(1) }",
    ]);
    let j = &out(&s)["expect"]["json"];
    assert_eq!(j["$.list"], serde_json::json!({"type": "array"}), "{j}");
    // `$.meta.total` is checked itself: `$.meta` needs no check of its own.
    assert!(j.get("$.meta").is_none(), "{j}");
    assert_eq!(j["$.meta.total"], serde_json::json!({"gt": 0}), "{j}");
    assert_eq!(j["$.when"], serde_json::json!({"exists": true}), "{j}");
    assert_eq!(j["$.maybe"], serde_json::json!({"exists": true}), "{j}");
}

#[test]
fn a_token_request_built_in_steps_with_a_template_literal_converts() {
    let s = run(
        Phase::PreRequest,
        &[
            "const realm = pm.environment.get('realm');",
            "const host = pm.environment.get('baseUrl');",
            "const tokenUrl = `${host}/realms/${realm}/protocol/openid-connect/token`;",
            "if (pm.environment.get('token') && pm.environment.get('expiry') > Date.now()) { return; }",
            "const options = { url: tokenUrl, method: 'POST', body: { mode: 'urlencoded', urlencoded: [",
            "  { key: 'grant_type', value: 'client_credentials' },",
            "  { key: 'client_id', value: pm.environment.get('clientId') },",
            "  { key: 'client_secret', value: pm.environment.get('clientSecret') } ] } };",
            "pm.sendRequest(options, function (err, response) {",
            "  const body = response.json();",
            "  if (body.access_token) { pm.environment.set('token', body.access_token); }",
            "});",
        ],
    );
    let (block, var) = s.oauth2.expect("an oauth2 block");
    assert_eq!(var, "token");
    let o = serde_json::to_value(crate::import::yaml_out::to_string(&block)).expect("text");
    let text = o.as_str().unwrap_or_default();
    assert!(
        text.contains(
            "token_url: \"{{ baseUrl }}/realms/{{ realm }}/protocol/openid-connect/token\""
        ),
        "{text}"
    );
    assert!(text.contains("client_id: \"{{ clientId }}\""), "{text}");
}

#[test]
fn a_condition_bound_to_a_name_guards_like_the_condition() {
    let s = test(&[
        "var is200Response = responseCode.code === 200;",
        "tests['Response code is 200 OK'] = is200Response;",
        "if (is200Response) {",
        "    var responseJSON = JSON.parse(responseBody);",
        "    tests['has articles'] = responseJSON.hasOwnProperty('articles');",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], 200, "{v}");
    assert_eq!(
        v["expect"]["json"]["$.articles"],
        serde_json::json!({"exists": true}),
        "{v}"
    );
}

#[test]
fn code_a_script_runs_from_a_variable_with_eval_is_named() {
    for (line, name) in [
        (
            "eval(pm.environment.get('preRequestSignatures'));",
            Some("preRequestSignatures"),
        ),
        ("eval(globals.loadUtils);", Some("loadUtils")),
        ("eval(environment['checks']);", Some("checks")),
        // Under a condition it runs only sometimes; a text written in place is no variable.
        (
            "if (pm.environment.get('x')) { eval(pm.environment.get('x')); }",
            None,
        ),
        ("eval('1 + 1');", None),
    ] {
        let s = run(Phase::PreRequest, &[line]);
        assert_eq!(s.evaluated.as_deref(), name, "{line}");
    }
}

#[test]
fn a_field_url_parse_reads_is_required() {
    // Node's `url.parse(undefined)` throws ("Parameter 'url' must be a string"), and Newman
    // fails the request there.
    let s = test(&[
        "const url = require('url');",
        "const body = pm.response.json();",
        "const authUrl = url.parse(body?.authServer);",
        "pm.environment.set('host', authUrl.host);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.authServer"],
        json!({"exists": true}),
        "{v}"
    );
}

#[test]
fn what_short_circuits_is_not_required() {
    let s = test(&[
        "var data = JSON.parse(responseBody);",
        "if (data.results && data.results[0] && data.results[0].id) { pm.environment.set('id', data.results[0].id); }",
    ]);
    let v = out(&s);
    // Only the parse, which throws on a body that is not JSON.
    assert_eq!(
        v["expect"]["json"],
        serde_json::json!({"$": {"exists": true}}),
        "{v}"
    );
    assert_eq!(v["capture"]["id"]["json"], "$.results[0].id");
}

#[test]
fn a_loop_head_reads_what_it_needs() {
    let s = test(&[
        "const response = pm.response.json();",
        "const flights = response.flights;",
        "for (let i = 0; i < flights.length; i++) { pm.environment.set('f' + i, flights[i].id); }",
        "for (const seat of response.cabin.seats) { console.log(seat); }",
    ]);
    let j = &out(&s)["expect"]["json"];
    assert_eq!(j["$.flights"], serde_json::json!({"exists": true}), "{j}");
    assert_eq!(
        j["$.cabin.seats"],
        serde_json::json!({"type": "array"}),
        "{j}"
    );
}

#[test]
fn moment_and_postman_collection_helpers_become_yarc_functions() {
    let s = run(
        Phase::PreRequest,
        &[
            "var moment = require('moment');",
            "const { Property } = require('postman-collection');",
            "var realm = moment().format(\"YYYYMMDDHHmmss\");",
            "pm.environment.set('realm', realm);",
            "pm.environment.set('day', moment().format('YYYY-MM-DD[T]HH:mm'));",
            "pm.environment.set('unix', moment().unix());",
            "var ip = Property.replaceSubstitutions('{{$randomIP}}');",
            "pm.collectionVariables.set('X-Forwarded-For', ip);",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["realm"], "{{ now(\"%Y%m%d%H%M%S\") }}");
    assert_eq!(v["sets"]["day"], "{{ now(\"%Y-%m-%dT%H:%M\") }}");
    assert_eq!(v["sets"]["unix"], "{{ timestamp() }}");
    assert_eq!(v["sets"]["X_Forwarded_For"], "{{ fake('ip') }}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(strftime("Do MMMM"), None, "an unknown token is not guessed");
}

#[test]
fn a_set_after_a_check_in_its_test_is_optional_one_outside_a_test_is_not() {
    let s = test(&[
        "pm.test('token', function () {",
        "    var j = pm.response.json();",
        "    pm.expect(j.access_token).to.be.not.empty;",
        "    pm.environment.set('token', j.access_token);",
        "});",
        "pm.test('status', function () {",
        "    pm.response.to.have.status(200);",
        "    var d = JSON.parse(responseBody);",
        "    pm.collectionVariables.set('session', d.session);",
        "});",
        "var article = pm.response.json().article || {};",
        "pm.globals.set('slug', article.slug);",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["token"]["optional"], true, "{v}");
    // A failing status check ends the test before the set, too (an API's error answer): the
    // status is the capture's condition, and with it the set stores what it finds.
    assert_eq!(
        v["capture"]["session"],
        json!({"json": "$.session", "default": "null", "when": {"status": 200}}),
        "{v}"
    );
    assert_eq!(v["capture"]["slug"]["default"], "null", "{v}");
    assert_eq!(v["capture"]["slug"]["json"], "$.article.slug", "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn reads_under_a_presence_guard_need_nothing_more() {
    let s = test(&[
        "var data = JSON.parse(responseBody);",
        "if (data.scope) {",
        "    parts = data.scope.split(' ');",
        "    pm.environment.set('first', parts[0]);",
        "}",
        "var n = data.meta.count;",
    ]);
    let v = out(&s);
    assert!(v["expect"]["json"].get("$.scope").is_none(), "{v}");
    assert_eq!(v["expect"]["json"]["$.meta"]["exists"], true, "{v}");
}

#[test]
fn a_check_against_a_value_the_script_just_captured_is_kept() {
    let s = test(&[
        "pm.test('Token is set', function () {",
        "    var jsonData = JSON.parse(responseBody);",
        "    pm.collectionVariables.set('token', jsonData.token);",
        "    var token = pm.collectionVariables.get('token');",
        "    pm.expect(jsonData.token).to.eql(token);",
        "});",
    ]);
    let v = out(&s);
    assert!(v["expect"]["json"].get("$.token").is_none(), "{v}");
    assert_eq!(v["capture"]["token"]["json"], "$.token", "{v}");
    assert!(
        s.kept
            .iter()
            .any(|(_, line, _)| line.contains("to.eql(token)")),
        "{:?}",
        s.kept
    );
}

#[test]
fn status_ranges_and_non_empty_lists_guard_like_presence() {
    let s = test(&[
        "var is200Response = responseCode.code === 200;",
        "tests['Response code is 200 OK'] = is200Response;",
        "if (is200Response) {",
        "    var responseJSON = JSON.parse(responseBody);",
        "    tests['has articles'] = responseJSON.hasOwnProperty('articles');",
        "    if (responseJSON.articles.length) {",
        "        var article = responseJSON.articles[0];",
        "        tests['has a title'] = article.hasOwnProperty('title');",
        "    }",
        "}",
        "code = pm.response.code;",
        "if (code >= 200 && code < 300) {",
        "    pm.environment.set('id', responseJSON.id);",
        "}",
    ]);
    let v = out(&s);
    // Under the status, a case of a list with items (`if (list.length)`).
    let inner = &v["expect"]["cases"][0]["cases"][0];
    assert_eq!(
        inner["when"]["json"]["$.articles"]["length"],
        json!({"gt": 0}),
        "{v}"
    );
    assert_eq!(inner["json"]["$.articles[0].title"]["exists"], true, "{v}");
    // On another status nothing is set; on a 2xx a missing id is set as Newman sends it.
    assert_eq!(
        v["capture"]["id"],
        json!({"json": "$.id", "default": "null", "when": {"status": {"gte": 200, "lt": 300}}}),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn number_is_integer_is_a_type_check() {
    let s = test(&[
        "var responseJSON = JSON.parse(responseBody);",
        "tests['articlesCount is an integer'] = Number.isInteger(responseJSON.articlesCount);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.articlesCount"]["type"], "integer",
        "{v}"
    );
}

#[test]
fn the_checks_of_a_guard_are_written_and_an_else_of_checks_is_kept() {
    let s = test(&[
        "var data = JSON.parse(responseBody);",
        "if (data.items.length) {",
        "    tests['has an id'] = data.items[0].hasOwnProperty('id');",
        "} else {",
        "    tests['count is 0'] = data.count === 0;",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.items[0].id"]["exists"], true, "{v}");
    assert!(v["expect"]["json"].get("$.count").is_none(), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (1, 2));
    assert!(
        s.kept.iter().any(|(_, l, _)| l.contains("count is 0")),
        "{:?}",
        s.kept
    );
}

#[test]
fn find_becomes_a_filter_and_a_ternary_a_default() {
    let s = test(&[
        "responseBody = pm.response.json();",
        "const operations = responseBody.operations;",
        "const redirect = operations.find(o => o.rel.startsWith(\"redirect-\"));",
        "const view = operations.find(operations => operations.rel === \"view-paymentorder\");",
        "const abort = operations.find(o => o.rel.includes(\"abort\"));",
        "pm.globals.set(\"redirect\", redirect ? redirect.href : \"N/A\");",
        "pm.globals.set(\"view\", view ? view.href : \"N/A\");",
        "pm.globals.set(\"abort\", abort.href);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["redirect"]["json"], "$.operations[?search(@.rel, '^redirect-')].href",
        "{v}"
    );
    assert_eq!(v["capture"]["redirect"]["default"], "N/A", "{v}");
    assert_eq!(
        v["capture"]["view"]["json"], "$.operations[?(@.rel == 'view-paymentorder')].href",
        "{v}"
    );
    assert_eq!(
        v["capture"]["abort"]["json"],
        "$.operations[?(search(@.rel, 'abort') || @.rel[?@ == 'abort'])].href",
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn moment_add_and_subtract_become_a_now_offset() {
    let s = run(
        Phase::PreRequest,
        &[
            "var moment = require('moment');",
            "pm.environment.set('start', moment().add(30, 'day').format('YYYY-MM-DD'));",
            "pm.environment.set('due', moment().add(2, 'months').toISOString());",
            "pm.environment.set('since', moment().subtract(1, 'week').format('YYYY-MM-DD'));",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["start"], "{{ now(\"%Y-%m-%d\", \"30 days\") }}",
        "{v}"
    );
    assert_eq!(v["sets"]["due"], "{{ now(\"\", \"2 months\") }}", "{v}");
    assert_eq!(
        v["sets"]["since"], "{{ now(\"%Y-%m-%d\", \"-1 weeks\") }}",
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

/// A converted value rendered as yarc sends it, on the fixed clock (2026-01-01T00:00:00Z).
fn rendered(template: &str) -> String {
    use crate::source::{SourceFile, Span};
    let engine = crate::template::Templates::new(
        std::sync::Arc::new(crate::secret::Secrets::none(crate::secret::Redactor::new())),
        crate::clock::Clock::Fixed,
    );
    let f = SourceFile::new("t.yaml", "x: 1\n".to_string());
    let t = crate::model::Template::new(template, &Span::new(&f, 1, 1, 0));
    engine
        .render(&t, &crate::template::Vars::new())
        .unwrap_or_else(|e| panic!("{template}: {}", e.message))
}

#[test]
fn dates_a_script_moves_and_formats_are_made_when_the_request_is_sent() {
    let s = run(
        Phase::PreRequest,
        &[
            "var tomorrow = new Date();",
            "tomorrow.setDate(tomorrow.getDate() + 1);",
            "tomorrowString = [tomorrow.getFullYear(), (\"0\" + (tomorrow.getMonth()+1)).slice(-2), (\"0\" + tomorrow.getDate()).slice(-2)].join('-');",
            "pm.environment.set('due', tomorrowString);",
            "const week = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);",
            "pm.environment.set('week', week.toISOString().split('T')[0]);",
            "pm.environment.set('weekMs', week.getTime());",
            "let d = new Date(); d.setMonth(d.getMonth() - 2);",
            "pm.environment.set('back', d.toISOString());",
            "pm.environment.set('hour', String(new Date().getHours()).padStart(2, '0'));",
            "pm.environment.set('today', new Date().toISOString().substring(0, 10));",
            "const expiry = new Date(new Date().setFullYear(new Date().getFullYear() + 10)).toISOString().slice(0, 7);",
            "pm.variables.set('expiry', expiry);",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    let sent = |k: &str| rendered(v["sets"][k].as_str().expect("a template"));
    assert_eq!(sent("due"), "2026-01-02");
    assert_eq!(sent("week"), "2026-01-08");
    assert_eq!(sent("weekMs"), "1767830400000");
    assert_eq!(sent("back"), "2025-11-01T00:00:00.000Z");
    assert_eq!(sent("hour"), "00");
    assert_eq!(sent("today"), "2026-01-01");
    assert_eq!(v["sets"]["expiry"], "{{ now(\"%Y-%m\", \"10 years\") }}");
    assert_eq!(sent("expiry"), "2036-01");
}

#[test]
fn locals_a_set_reads_are_written_out_and_count_as_converted() {
    let s = run(
        Phase::PreRequest,
        &[
            "var client_id = pm.environment.get('client_id');",
            "var client_secret = pm.environment.get('client_secret');",
            "var words = CryptoJS.enc.Utf8.parse(client_id + ':' + client_secret);",
            "var basic = CryptoJS.enc.Base64.stringify(words);",
            "pm.environment.set('client_authorization', basic);",
            "pm.environment.set('user_name', pm.environment.get('first').concat('.', pm.environment.get('last')));",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["sets"]["client_authorization"],
        "{{ ((((client_id if client_id != \"{{client_id}}\" else \"undefined\") ~ \":\") ~ (client_secret if client_secret != \"{{client_secret}}\" else \"undefined\")) | base64_encode) }}",
        "{v}"
    );
    assert!(
        v["sets"]["user_name"].as_str().expect("set").contains("~"),
        "{v}"
    );
}

#[test]
fn moment_of_a_date_the_script_made_moves_with_add() {
    let s = run(
        Phase::PreRequest,
        &[
            "var moment = require('moment');",
            "const dateNow = new Date();",
            "postman.setEnvironmentVariable('startdate', dateNow.toISOString());",
            "postman.setEnvironmentVariable('duedate', moment(dateNow).add(2,'days').toISOString());",
            "postman.setEnvironmentVariable('enddate', moment(dateNow).add(2,'months').format('YYYY-MM-DD'));",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    let sent = |k: &str| rendered(v["sets"][k].as_str().expect("a template"));
    assert_eq!(sent("startdate"), "2026-01-01T00:00:00.000Z");
    assert_eq!(sent("duedate"), "2026-01-03T00:00:00.000Z");
    assert_eq!(sent("enddate"), "2026-03-01");
}

#[test]
fn a_date_moved_past_what_a_time_holds_is_kept_not_a_panic() {
    let s = run(
        Phase::PreRequest,
        &[
            "var d = new Date();",
            "d.setDate(d.getDate() + 9000000000000000);",
            "d.setMonth(d.getMonth() + 9000000000000000);",
            "pm.environment.set('x', moment(d).add(9000000000000000, 'days').toISOString());",
        ],
    );
    assert!(!s.kept.is_empty());
}

#[test]
fn a_date_moved_in_a_way_the_import_cannot_follow_is_kept() {
    let s = run(
        Phase::PreRequest,
        &[
            "var d = new Date();",
            "d.setDate(15);",
            "pm.environment.set('due', d.toISOString());",
        ],
    );
    assert_eq!(s.kept.len(), 2, "{:?}", s.kept);
}

#[test]
fn a_made_up_local_is_the_variable_it_was_set_into() {
    let s = run(
        Phase::PreRequest,
        &[
            "const name = pm.variables.replaceIn('{{$randomFirstName}}');",
            "pm.collectionVariables.set('name', name);",
            "pm.collectionVariables.set('email', (name + '@example.com').toLowerCase());",
            "pm.collectionVariables.set('name', name);",
            "const phone = pm.variables.replaceIn('{{$randomPhoneNumber}}').replace(/-/g, '');",
            "pm.collectionVariables.set('phone', phone);",
            "pm.collectionVariables.set('slug', phone.replaceAll(' ', '_').trim());",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["name"], "{{ fake('first_name') }}", "{v}");
    assert_eq!(
        v["sets"]["email"], "{{ (((name ~ \"@example.com\") | string) | lower) }}",
        "the same name, not a new one: {v}"
    );
    assert_eq!(
        v["sets"]["phone"],
        "{{ (((fake('phone_number')) | string) | replace(\"-\", \"\")) }}"
    );
    assert!(v["sets"]["slug"].as_str().unwrap().contains("phone"), "{v}");
    assert_eq!(s.converted_lines, 7, "{:?}", s.kept);
    // A pattern that is more than its text is not a plain replace.
    let kept = run(
        Phase::PreRequest,
        &["pm.environment.set('x', pm.environment.get('y').replace(/\\d+/g, ''));"],
    );
    assert_eq!(kept.kept.len(), 1, "{:?}", kept.sets);
}

#[test]
fn random_picks_from_a_list_and_below_a_number() {
    let s = run(
        Phase::PreRequest,
        &[
            "var plans = ['basic', 'plus', 'pro'];",
            "pm.environment.set('plan', plans[Math.floor(Math.random() * plans.length)]);",
            "pm.environment.set('first_two', plans[Math.floor(Math.random() * 2)]);",
            "pm.environment.set('n', Math.floor(Math.random() * 100));",
            "var randomNum = _.random(100, 999);",
            "pm.environment.set('randomNum', randomNum);",
            "pm.environment.set('digit', _.random(9));",
            "pm.environment.set('fraction', _.random(1, 2, true));",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["randomNum"], "{{ random_int(100, 999) }}", "{v}");
    assert_eq!(v["sets"]["digit"], "{{ random_int(0, 9) }}", "{v}");
    assert!(v["sets"].get("fraction").is_none(), "{v}");
    assert_eq!(
        v["sets"]["plan"],
        "{{ [\"basic\", \"plus\", \"pro\"][random_int(0, 2)] }}"
    );
    assert_eq!(
        v["sets"]["first_two"],
        "{{ [\"basic\", \"plus\", \"pro\"][random_int(0, 1)] }}"
    );
    assert_eq!(v["sets"]["n"], "{{ random_int(0, 99) }}");
}

#[test]
fn a_set_whose_parent_is_missing_keeps_the_variable() {
    let s = test(&[
        "var data = pm.response.json();",
        "pm.environment.set('leaf', data.nickname);",
        "pm.environment.set('deep', data.orders[0].id);",
        "if (data.owner) { pm.environment.set('guarded_parent', data.owner.id); }",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["leaf"],
        json!({"json": "$.nickname", "default": "null"})
    );
    assert_eq!(
        v["capture"]["deep"],
        json!({"json": "$.orders[0].id", "default": "null",
            "when": {"json": {"$.orders[0]": {"exists": true, "not": {"equals": null}}}}})
    );
    assert_eq!(v["capture"]["guarded_parent"]["json"], "$.owner.id", "{v}");
    assert_eq!(super::parent_path("$.a[0].b"), Some("$.a[0]"));
    assert_eq!(super::parent_path("$['x.y'].z"), Some("$['x.y']"));
    assert_eq!(super::parent_path("$.a"), Some("$"));
}

#[test]
fn checks_under_a_status_branch_where_failures_are_swallowed_are_a_case_of_it() {
    let s = test(&[
        "try {",
        "  if (pm.response.code == 202) {",
        "    pm.test('progress', () => pm.expect(pm.response.headers.get('X-Progress')).to.eql('Pending'));",
        "  } else if (pm.response.code == 200) {",
        "    console.log('done');",
        "  }",
        "} catch (e) {}",
    ]);
    let v = out(&s);
    let case = json!({"when": {"status": 202}, "headers": {"X-Progress": "Pending"}});
    assert_eq!(v["expect"]["cases"], json!([case]), "{v}");
    assert!(v["expect"]["headers"].is_null(), "{v}");
}

#[test]
fn a_split_text_popped_twice_still_gives_its_segment() {
    let s = test(&[
        "const jsonData = pm.response.json();",
        "const link = jsonData._links.scaRedirect.href;",
        "if (link !== undefined) {",
        "    var a = link.split('/');",
        "    a.pop();",
        "    const authorisationId = a.pop();",
        "    pm.globals.set('authorisation_id', authorisationId);",
        "}",
    ]);
    // `a.pop();` alone stays a comment; the segment it leaves is read.
    assert!(s.kept.iter().all(|k| k.0 != 6 && k.0 != 7), "{:?}", s.kept);
    assert_eq!(s.captures, 1, "{}", out(&s));
}

#[test]
fn a_variable_parsed_as_json_is_compared_field_by_field_at_run_time() {
    let s = test(&[
        "var jsonData = pm.response.json();",
        "var page = JSON.parse(pm.collectionVariables.get('created_page'));",
        "pm.test('title', () => pm.expect(jsonData.name).to.eql(page.name));",
        "pm.test('first', () => pm.expect(jsonData.items[0].id).to.eql(page.items[0]['id']));",
        "pm.test('inline', () => pm.expect(jsonData.a).to.eql(JSON.parse(pm.environment.get('x')).a));",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let j = &v["expect"]["json"];
    assert_eq!(
        j["$.name"], "{{ (created_page | from_json)[\"name\"] }}",
        "{v}"
    );
    assert_eq!(
        j["$.items[0].id"], "{{ (created_page | from_json)[\"items\"][0][\"id\"] }}",
        "{v}"
    );
    assert_eq!(j["$.a"], "{{ (x | from_json)[\"a\"] }}", "{v}");
    // Bound again to something else, the name no longer reads the variable.
    let s = test(&[
        "var page = JSON.parse(pm.collectionVariables.get('created_page'));",
        "page = pm.response.json();",
        "pm.test('title', () => pm.expect(page.name).to.eql('x'));",
    ]);
    assert!(
        out(&s)["expect"]["json"]["$.name"].is_string(),
        "{}",
        out(&s)
    );
}

#[test]
fn a_set_after_a_statement_that_throws_is_made_only_when_it_does_not() {
    // Without `accountConsent` the third line throws: Postman never reaches the last set,
    // and the variable keeps what it had (a later URL sends it as before).
    let s = test(&[
        "const jsonData = pm.response.json();",
        "const authorisationId = jsonData.authorisationId;",
        "pm.globals.set('internal_consent_id', jsonData.accountConsent.id);",
        "pm.globals.set('authorisation_id', authorisationId);",
        "pm.globals.set('first', jsonData.orders[0].id);",
        "if (jsonData.more) { pm.globals.set('more', jsonData.more); }",
    ]);
    let v = out(&s);
    let there = json!({"exists": true, "not": {"equals": null}});
    assert_eq!(
        v["capture"]["authorisation_id"],
        json!({"json": "$.authorisationId", "default": "null",
            "when": {"json": {"$.accountConsent": there}}}),
        "{v}"
    );
    // Its own parent, and the earlier one: `$.orders[0]` there says `$.orders` is.
    assert_eq!(
        v["capture"]["first"]["when"],
        json!({"json": {"$.orders[0]": there, "$.accountConsent": there}}),
        "{v}"
    );
    assert_eq!(
        v["capture"]["more"]["when"]["json"],
        json!({"$.accountConsent": there, "$.orders[0]": there}),
        "{v}"
    );
    // What a check reads inside `pm.test` throws there, not in the script.
    let s = test(&[
        "const d = pm.response.json();",
        "pm.test('x', () => pm.expect(d.a.b).to.eql(1));",
        "pm.environment.set('id', d.id);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["id"],
        json!({"json": "$.id", "default": "null"}),
        "{v}"
    );
}

#[test]
fn a_vendor_token_helper_becomes_oauth2_with_basic_credentials() {
    let s = run(
        Phase::PreRequest,
        &[
            "eval(pm.collectionVariables.get(\"paypal_postman_scripts\"));",
            "const cfg = { accessTokenVar: 'access_token', clientIdVar: 'client_id' };",
            "if (this.PayPalPostmanUtils.needsNewAccessToken(cfg)) {",
            "  this.PayPalPostmanUtils.refreshAccessToken({",
            "    ...cfg,",
            "    clientSecretVar: 'client_secret',",
            "    baseUrlVar: 'base_url'",
            "  });",
            "}",
            "const debugId = this.PayPalPostmanUtils.getPayPalDebugId();",
        ],
    );
    let (block, var) = s.oauth2.clone().expect("an oauth2 block");
    assert_eq!(var, "access_token");
    let text = yaml_out::to_string(&block);
    for part in [
        "token_url: \"{{ base_url }}/v1/oauth2/token\"",
        "client_id: \"{{ client_id }}\"",
        "client_secret: \"{{ client_secret }}\"",
        "credentials: basic",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(s.helpers, vec!["paypal_postman_scripts".to_string()]);
    // Without the helper's names nothing is guessed.
    let other = run(
        Phase::PreRequest,
        &["this.Utils.refreshAccessToken({ accessTokenVar: 'a', baseUrlVar: 'b' });"],
    );
    assert!(other.oauth2.is_none());
}

#[test]
fn a_form_the_request_sent_is_read_by_the_legacy_request_data() {
    let mut fields = serde_json::Map::new();
    fields.insert("username".into(), json!("{{username}}"));
    fields.insert("scope".into(), json!("read"));
    let s = convert_for(
        &[
            "var jsonData = JSON.parse(responseBody);",
            "tests['user'] = jsonData.UserRequest.userName.has(request.data['username']);",
            "tests['scope'] = jsonData.scope === request.data.scope;",
            // A form is no JSON: Postman's `JSON.parse` of it throws.
            "tests['parsed'] = jsonData.id === JSON.parse(request.data).id;",
        ]
        .map(String::from),
        Phase::Test,
        Some(&super::Sent::Form(fields)),
    );
    let v = out(&s);
    let json = &v["expect"]["json"];
    assert_eq!(
        json["$.UserRequest.userName"],
        json!({"contains": "{{ username }}"}),
        "{v}"
    );
    assert_eq!(json["$.scope"], "read", "{v}");
    assert!(json.get("$.id").is_none(), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (2, 3), "{:?}", s.kept);
}

#[test]
fn checks_of_what_the_request_sent_read_its_body() {
    let body = json!({"client_id": "{{client_id}}", "n": 3, "tags": ["a"], "nested": {"k": "v"}});
    let s = convert_for(
        &[
            "var sent = JSON.parse(request.data);",
            "pm.test('echoed', function () {",
            "    var jsonData = pm.response.json();",
            "    pm.expect(jsonData.client_id).to.eql(sent.client_id);",
            "    pm.expect(jsonData.n).to.eql(sent.n);",
            "    pm.expect(jsonData.nested.k).to.eql(sent.nested.k);",
            "});",
        ]
        .map(String::from),
        Phase::Test,
        Some(&super::Sent::Json(body)),
    );
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.client_id"], "{{ client_id }}", "{v}");
    assert_eq!(v["expect"]["json"]["$.n"], 3, "{v}");
    assert_eq!(v["expect"]["json"]["$.nested.k"], "v", "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Without the body (a form, a file) the name reads nothing: the check is kept.
    let kept = run(
        Phase::Test,
        &[
            "var sent = JSON.parse(request.data);",
            "pm.test('echoed', () => pm.expect(pm.response.json().id).to.eql(sent.id));",
        ],
    );
    assert!(!kept.kept.is_empty());
}

#[test]
fn the_body_text_bound_to_a_name_first_is_read_as_the_body_when_parsed() {
    let body = json!({"bookId": 1, "customerName": "{{name}}"});
    let s = convert_for(
        &[
            "const requestData = pm.request.body.raw;",
            "const requestDataJson = JSON.parse(requestData);",
            "pm.test('echoed', () => pm.expect(pm.response.json().bookId).to.eql(requestDataJson.bookId));",
            "pm.environment.set('customer', requestDataJson.customerName);",
        ]
        .map(String::from),
        Phase::Test,
        Some(&super::Sent::Json(body)),
    );
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.bookId"], 1, "{v}");
    assert_eq!(s.set_names, ["customer"], "{:?}", s.kept);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // A name bound to anything else and parsed stays the script's computation.
    let s = convert_for(
        &[
            "const requestData = pm.request.body.raw;",
            "const other = pm.response.text();",
            "const requestData2 = JSON.parse(other);",
            "pm.environment.set('customer', requestData2.customerName);",
        ]
        .map(String::from),
        Phase::Test,
        Some(&super::Sent::Json(json!({"customerName": "x"}))),
    );
    assert!(
        !out(&s)["sets"].to_string().contains("\"x\""),
        "{}",
        out(&s)
    );
}

#[test]
fn lodash_each_and_a_map_whose_result_nothing_keeps_are_loops() {
    let s = test(&[
        "pm.test('all', () => {",
        "  pm.response.json().map((item) => {",
        "    pm.expect(item.vessel).to.equal('A');",
        "    _.each(item.calls, (c) => { pm.expect(c.code).to.equal('BTP'); });",
        "  });",
        "});",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    let checks = with_items(&v);
    assert_eq!(checks["$[*].vessel"]["each"], "A", "{v}");
    // Lodash loops over nothing for an item without the list: nothing asks every item for one.
    let text = v.to_string();
    assert!(text.contains("$[*].calls[*].code"), "{v}");
    assert!(
        !text.contains(r#""$[*].calls":{"each":{"type":"array"}}"#),
        "{v}"
    );
    assert!(!text.contains(r#""contains":"calls""#), "{v}");
    // A map whose result is kept is no loop of checks.
    let s = test(&["const names = pm.response.json().map((item) => item.name);"]);
    assert!(out(&s)["expect"]["json"].get("$[*].name").is_none());
}

#[test]
fn a_time_limit_with_a_number_to_fall_back_on_and_instance_of_array_convert() {
    let s = test(&[
        "pm.test('fast', function () {",
        "    const responseTime = pm.response.responseTime;",
        "    const maxTime = pm.environment.get('max_response_time') || 5000;",
        "    pm.expect(responseTime).to.be.below(maxTime);",
        "});",
        "pm.test('lists', function () {",
        "    pm.expect(pm.response.json().tags).to.have.instanceOf(Array);",
        "    pm.expect(pm.response.json().owner).to.not.be.an.instanceof(Array);",
        "    pm.expect(pm.response.json().name).to.be.an.instanceOf(String);",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["time"],
        json!({"lt": "{{ (max_response_time or 5000) }}"}),
        "{v}"
    );
    assert_eq!(v["expect"]["json"]["$.tags"]["type"], "array", "{v}");
    assert_eq!(
        v["expect"]["json"]["$.owner"]["not"]["type"], "array",
        "{v}"
    );
    // A primitive text is no instance of `String`: left to a human.
    assert_eq!((s.assertions, s.assertions_seen), (3, 4), "{:?}", s.kept);
}

#[test]
fn a_node_name_read_without_require_stops_the_script_as_newman_does() {
    let s = test(&[
        "pm.test('ok', () => pm.response.to.have.status(200));",
        "const body = pm.response.json();",
        "pm.environment.set('code', body.code);",
        "const u = url.parse(body.authServer);",
        "pm.environment.set('host', u.host);",
        "pm.test('never runs', () => pm.expect(body.id).to.eql(1));",
    ]);
    let u = s.undefined_read.clone().expect("found");
    assert_eq!((u.line, u.name.as_str()), (4, "url"));
    // What comes before runs (a check, a capture); nothing from the read on is converted.
    let v = out(&s);
    assert_eq!(v["expect"]["status"], 200, "{v}");
    assert!(v["capture"]["code"].is_object(), "{v}");
    assert!(v["capture"].get("host").is_none(), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (1, 2));
    assert_eq!(s.kept.len(), 3, "{:?}", s.kept);
    // Required first, the same script runs whole (what it computes is kept for its reason).
    let s = test(&[
        "const url = require('url');",
        "const u = url.parse(pm.response.json().authServer);",
        "pm.test('ok', () => pm.response.to.have.status(200));",
    ]);
    assert!(s.undefined_read.is_none());
    assert_eq!(s.assertions, 1);
}

#[test]
fn checks_of_a_body_that_is_only_a_variable_parse_it_at_run_time() {
    let body = super::Sent::Variable("product".into());
    let s = convert_for(
        &[
            "var sent = JSON.parse(pm.request.body.raw);",
            "pm.test('echoed', function () {",
            "    var res = pm.response.json();",
            "    pm.expect(res).to.deep.equal(sent);",
            "    pm.expect(res.tags[0]).to.eql(JSON.parse(pm.request.body.raw).tags[0]);",
            "});",
        ]
        .map(String::from),
        Phase::Test,
        Some(&body),
    );
    let v = out(&s);
    // JSON.parse of an empty or non-JSON text throws in Postman, and the check fails: the text
    // itself is then what the response must equal, which it is not.
    assert_eq!(
        v["expect"]["json"]["$"]["equals"], "{{ (product | from_json) }}",
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.tags[0]"], "{{ (product | from_json)[\"tags\"][0] }}",
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_set_with_an_else_value_is_a_capture_with_that_default() {
    let s = test(&[
        "var data = pm.response.json();",
        "if (data.access_token) {",
        "    pm.environment.set('token', data.access_token);",
        "} else {",
        "    pm.environment.set('token', '');",
        "}",
        "if (!data.next) {",
        "    pm.collectionVariables.set('next', 'none');",
        "} else {",
        "    pm.collectionVariables.set('next', data.next);",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["token"],
        json!({"json": "$.access_token", "default": ""})
    );
    assert_eq!(
        v["capture"]["next"],
        json!({"json": "$.next", "default": "none"}),
        "{:?} {v}",
        s.kept
    );
    assert_eq!((s.sets_seen, s.captures), (4, 2));
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // An else that computes its value is left as it was.
    let kept = test(&[
        "var data = pm.response.json();",
        "if (data.id) { pm.environment.set('id', data.id); } else { pm.environment.set('id', Date.now()); }",
    ]);
    assert_eq!(kept.captures, 0);
    assert_eq!(kept.kept.len(), 1);
}

#[test]
fn a_pre_request_refusal_of_placeholder_settings_is_a_check_of_the_variables() {
    let s = run(
        Phase::PreRequest,
        &[
            "const clientId = pm.environment.get('clientId');",
            "if (!clientId || !pm.collectionVariables.get('client-secret')) {",
            "    throw new Error('Please set ClientId and ClientSecret');",
            "}",
            "if (pm.environment.get(\"apiKey\") == \"<add your apiKey>\") throw new Error(\"Configure your apiKey\");",
            "if (pm.environment.get('tenant') === undefined) { throw 'no tenant'; }",
        ],
    );
    let v = out(&s);
    assert_eq!(v["expect"]["vars"]["clientId"], refused_unset("clientId"));
    assert_eq!(
        v["expect"]["vars"]["client_secret"],
        refused_unset("client_secret")
    );
    assert_eq!(
        v["expect"]["vars"]["apiKey"],
        json!({"not": "<add your apiKey>"})
    );
    assert_eq!(
        v["expect"]["vars"]["tenant"],
        json!({"exists": true, "not": {"in": ["null", "{{ \"{{tenant}}\" }}"]}})
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (3, 3));
    // A throw on the response's shape, or a condition it cannot read, is kept.
    let kept = run(
        Phase::PreRequest,
        &["if (Date.now() > pm.environment.get('expires')) { throw new Error('expired'); }"],
    );
    assert_eq!(kept.kept.len(), 1, "{:?}", kept.kept);
}

#[test]
fn checks_of_variables_are_checks_of_the_variables() {
    let s = test(&[
        "pm.test('configured', function () {",
        "    pm.expect(pm.variables.has('client-id')).to.be.true;",
        "    pm.expect(pm.environment.has('legacy')).to.be.false;",
        "    pm.expect(pm.environment.get('token')).to.be.a('string');",
        "    pm.expect(pm.collectionVariables.get('mode')).to.eql('live');",
        "});",
    ]);
    let v = out(&s);
    // Set, and not the `{{client-id}}` text the import gives what Postman does not have.
    assert_eq!(
        v["expect"]["vars"]["client_id"],
        json!({"exists": true, "not": {"equals": "{{ \"{{client-id}}\" }}"}})
    );
    assert_eq!(v["expect"]["vars"]["legacy"], json!({"exists": false}));
    assert_eq!(v["expect"]["vars"]["token"], json!({"type": "string"}));
    assert_eq!(v["expect"]["vars"]["mode"], "live");
    assert_eq!((s.assertions_seen, s.assertions), (4, 4));
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn equal_to_undefined_is_whether_it_is_there() {
    let s = test(&[
        "var jsonData = pm.response.json();",
        "pm.test('made', function () {",
        "    pm.expect(jsonData.id).not.eq(undefined);",
        "    pm.expect(jsonData.error).to.eql(undefined);",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.id"], json!({"exists": true}));
    assert_eq!(v["expect"]["json"]["$.error"], json!({"exists": false}));
    assert_eq!((s.assertions_seen, s.assertions), (2, 2));
}

#[test]
fn a_for_each_that_picks_items_by_a_field_captures_through_a_filter() {
    let s = test(&[
        "var jsonData = JSON.parse(responseBody);",
        "jsonData.forEach(function(value) {",
        "    if (value.DisplayName == \"SMS\") {",
        "        pm.collectionVariables.set(\"SMSCarrierID\", value.CarrierId);",
        "        console.log('SMSCarrierID set to ' + value.CarrierId);",
        "    }",
        "    if (value.DisplayName === 'Email') {",
        "        pm.collectionVariables.set(\"EmailCarrierID\", value.CarrierId);",
        "    }",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["SMSCarrierID"],
        json!({"json": "$[?(@.DisplayName == 'SMS')].CarrierId", "optional": true})
    );
    assert_eq!(
        v["capture"]["EmailCarrierID"]["json"],
        "$[?(@.DisplayName == 'Email')].CarrierId"
    );
    assert_eq!((s.sets_seen, s.captures), (2, 2));
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn schemas_written_in_the_script_become_expect_schema_with_postmans_draft() {
    let s = test(&[
        "const schema = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };",
        "pm.test('schema', () => { pm.response.to.have.jsonSchema(schema); });",
        "pm.test('same, by chai', () => pm.expect(pm.response.json()).to.have.jsonSchema(schema));",
        "var data = JSON.parse(responseBody);",
        "tests['tv4'] = tv4.validate(data, { properties: { name: { type: 'string', pattern: '^\\\\w+$' } } });",
        "var Ajv = require('ajv'), ajv = new Ajv({ logger: console });",
        "pm.test('ajv', () => { pm.expect(ajv.validate({ required: ['tags'] }, data)).to.be.true; });",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["schema"],
        json!([
            {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "required": ["id"], "properties": {"id": {"type": "integer"}}},
            {"$schema": "http://json-schema.org/draft-04/schema#",
             "properties": {"name": {"type": "string", "pattern": "^\\w+$"}}},
            {"$schema": "http://json-schema.org/draft-07/schema#", "required": ["tags"]},
        ])
    );
    assert_eq!((s.assertions, s.assertions_seen), (4, 4), "{v}");
}

#[test]
fn the_status_text_compared_with_a_number_takes_the_other_branch() {
    let s = test(&[
        "pm.test('by status', function () {",
        "    if (pm.response.status === 404) { pm.expect(pm.response.json().error).to.eql('x'); }",
        "    else if (200 == pm.response.status) { pm.expect(pm.response.json().ok).to.eql(1); }",
        "});",
        "if (pm.response.status !== 201) { pm.response.to.have.status(200); }",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(200), "{v}");
    assert!(v["expect"]["json"].get("$.error").is_none(), "{v}");
    assert!(v["expect"]["json"].get("$.ok").is_none(), "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_schema_made_of_schemas_written_before_it_holds_them() {
    let s = test(&[
        "var owner = { type: 'object', required: ['login'] };",
        "var tag = { type: 'string' };",
        "var schema = { type: 'object', properties: { owner: owner, tags: { type: 'array', items: tag } } };",
        "pm.test('schema', () => pm.response.to.have.jsonSchema(schema));",
    ]);
    let v = out(&s);
    let schema = &v["expect"]["schema"];
    assert_eq!(
        schema["properties"]["owner"]["required"],
        json!(["login"]),
        "{v}"
    );
    assert_eq!(
        schema["properties"]["tags"]["items"],
        json!({"type": "string"}),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions, s.assertions_seen), (1, 1));
}

#[test]
fn an_ajv_made_without_options_and_its_arguments_reversed_validate_as_meant() {
    let s = test(&[
        "var Ajv = require('ajv');",
        "var ajv = new Ajv();",
        "var schema = { type: 'object', required: ['meta'] };",
        "var body = pm.response.json();",
        "pm.test('v', function () { pm.expect(ajv.validate(body, schema)).to.be.true; });",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["schema"]["required"], json!(["meta"]), "{v}");
    assert!(s.reversed_schema && s.kept.is_empty(), "{:?}", s.kept);
    // `new Ajv()` is no time: a date made of it would have read the validator as the clock.
    let s = test(&[
        "var ajv = new Ajv();",
        "pm.test('v', () => pm.expect(ajv.validate({ required: ['id'] }, pm.response.json())).to.be.true);",
    ]);
    assert!(!s.reversed_schema && s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn schemas_yarc_cannot_hold_stay_as_comments() {
    let s = test(&[
        // Draft 3's `required: true` is not a draft 7 schema; a schema from a variable is
        // not in the file; a negated check and a part of the body are not what `schema` says.
        "pm.test('a', () => pm.response.to.have.jsonSchema({ properties: { id: { required: true } } }));",
        "pm.test('b', () => pm.response.to.have.jsonSchema(JSON.parse(pm.environment.get('schema'))));",
        "pm.test('c', () => pm.response.to.not.have.jsonSchema({ required: ['x'] }));",
        "pm.test('d', () => pm.expect(pm.response.json().items).to.have.jsonSchema({ type: 'array' }));",
        "tests['e'] = !tv4.validate(JSON.parse(responseBody), { required: ['x'] });",
    ]);
    let v = out(&s);
    assert!(v["expect"].get("schema").is_none(), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (0, 5), "{v}");
}

#[test]
fn numbers_parsed_from_literals_are_those_numbers() {
    let s = test(&[
        "pm.test(\"Status equals 201\", function () { pm.response.to.have.status(parseInt(\"201\")); });",
        "pm.test('total', () => pm.expect(pm.response.json().total).to.eql(Number('2.5')));",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(201));
    assert_eq!(v["expect"]["json"]["$.total"], json!(2.5));
    assert_eq!((s.assertions, s.assertions_seen), (2, 2));
}

#[test]
fn an_assertion_as_a_condition_is_a_check_and_its_block_runs() {
    let s = test(&[
        "pm.test(\"Status code is 200\", function () {",
        "    pm.response.to.have.status(200);",
        "    if (pm.response.to.have.status(200)) {",
        "        var jsonData = pm.response.json();",
        "        pm.environment.set(\"userid\", jsonData.data.userId);",
        "    }",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(200));
    assert_eq!(v["capture"]["userid"]["json"], json!("$.data.userId"));
    assert_eq!((s.assertions, s.assertions_seen), (2, 2), "{v}");
    assert_eq!((s.captures, s.sets_seen), (1, 1), "{v}");
}

#[test]
fn an_assertion_as_a_condition_with_an_else_never_takes_the_else() {
    let s = test(&[
        "if(pm.response.to.have.status(201)){",
        "    var jsonData = pm.response.json();",
        "    pm.environment.set(\"termTypeId\", jsonData.id);",
        "}",
        "else {",
        "    console.log(\"Failed with status: \" + pm.response.status);",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(201), "{v}");
    assert_eq!(v["capture"]["termTypeId"]["json"], json!("$.id"), "{v}");
    // Taken only when the assertion holds: when it fails, Postman sets nothing.
    assert_eq!(
        v["capture"]["termTypeId"]["when"],
        json!({"status": 201}),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_test_none_of_whose_checks_converts_is_listed_when_it_reads_the_response() {
    // Through a local made of the response: listed, the request must not pass unchecked.
    let s = test(&[
        "const token = pm.response.text();",
        "pm.test('the token has three parts', function () {",
        "    pm.expect(decode(token).parts).to.be.above(2);",
        "});",
    ]);
    assert_eq!(s.unchecked, ["the token has three parts"]);
    // A check of what the script itself just stored is bookkeeping: not listed.
    let s = test(&[
        "pm.test('Status code is 200', function () {",
        "    pm.response.to.have.status(200);",
        "    var jsonData = JSON.parse(responseBody);",
        "    pm.collectionVariables.set('token', jsonData.token);",
        "    var token = pm.collectionVariables.get('token');",
        "    pm.test('Token is set', function () {",
        "        pm.expect(jsonData.token).to.eql(token);",
        "    });",
        "});",
    ]);
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
    assert_eq!(out(&s)["expect"]["status"], json!(200));
}

#[test]
fn a_throw_on_a_response_condition_is_the_opposite_check() {
    let s = test(&[
        "if (pm.response.code == 403) {",
        "    throw Error(\"HTTP 403. Make sure you are located in the US, UK or Canada.\")",
        "}",
        "var data = pm.response.json();",
        "if (data.status === 'failed') throw new Error('the job failed');",
        "if (data.items.length > 3) { throw new Error('too many') }",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["status"],
        json!({"not": {"equals": 403}}),
        "{v}"
    );
    // A status that is not there is not 'failed' either: nothing is thrown.
    assert_eq!(
        v["expect"]["json"]["$.status"],
        json!({"any": [{"exists": false}, {"not": {"equals": "failed"}}]}),
        "{v}"
    );
    // `>` negated is the opposite comparison (a list must be there, as for the script to get
    // that far).
    assert_eq!(
        v["expect"]["json"]["$.items"],
        json!({"length": {"lte": 3}, "not": {"type": "object"}}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (3, 3), "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_literal_list_that_includes_the_subject_is_in() {
    let s = test(&[
        "pm.test(\"Check status code\", function () {",
        "    pm.expect([201, 401]).contain(pm.response.code)",
        "    pm.expect(['a', 'b']).to.not.include(pm.response.json().kind)",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!([201, 401]), "{v}");
    assert_eq!(
        v["expect"]["json"]["$.kind"],
        json!({"not": {"in": ["a", "b"]}}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2));
}

#[test]
fn an_expected_value_written_first_is_the_value_the_subject_equals() {
    let s = test(&[
        "pm.test(\"One order\", function () {",
        "    pm.expect(1).to.eql(pm.response.json().length);",
        "    pm.expect(\"paid\").to.not.equal(pm.response.json().state);",
        "    pm.expect(201).to.equal(pm.response.code);",
        "});",
    ]);
    let v = out(&s);
    // `.length` is an array's or a string's: an object has none.
    assert_eq!(
        v["expect"]["json"]["$"],
        json!({"length": 1, "not": {"type": "object"}}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.state"],
        json!({"not": {"equals": "paid"}}),
        "{v}"
    );
    assert_eq!(v["expect"]["status"], json!(201), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (3, 3), "{v}");
}

#[test]
fn a_local_a_kept_loop_changes_is_not_set_with_its_first_value() {
    let s = run(
        Phase::PreRequest,
        &[
            "random_phonenumber = '+316'",
            "while (random_phonenumber.length < 12) {",
            "    random_phonenumber = random_phonenumber + Math.floor(Math.random() * 10);",
            "}",
            "pm.collectionVariables.set('random_phonenumber', random_phonenumber)",
            "let plain = 'kept'",
            "pm.collectionVariables.set('plain', plain)",
        ],
    );
    let v = out(&s);
    assert!(v["sets"].get("random_phonenumber").is_none(), "{v}");
    assert!(v["variables"].get("random_phonenumber").is_none(), "{v}");
    assert_eq!(v["variables"]["plain"], json!("kept"), "{v}");
    assert_eq!((s.sets_seen, s.variables_set), (2, 1), "{v}");
}

#[test]
fn a_helper_that_refuses_an_unset_variable_is_a_check_of_it() {
    let s = run(
        Phase::PreRequest,
        &[
            "function getvar(variableName) {",
            "    let value = pm.variables.get(variableName);",
            "    if (!value) throw new Error(",
            "        `Variable '${variableName}' is not defined. Do you forget to select an environment?`);",
            "    return value;",
            "}",
            "",
            "let clientId = getvar('clientId');",
            "let scope = getvar('scope');",
            "pm.variables.set('who', clientId);",
            "function other(x) { x++; return x }",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["expect"]["vars"]["clientId"],
        refused_unset("clientId"),
        "{v}"
    );
    assert_eq!(v["expect"]["vars"]["scope"], refused_unset("scope"), "{v}");
    assert_eq!(v["sets"]["who"], json!("{{ clientId }}"), "{v}");
    // Any other function declaration (more than a `return`) stays a comment, as before.
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
    assert_eq!((s.assertions, s.assertions_seen), (2, 2));
}

#[test]
fn a_find_with_several_conditions_or_a_function_body_is_a_filter() {
    let s = test(&[
        "var responseData = pm.response.json();",
        "pm.test('codes', function () {",
        "    pm.expect(responseData.expansion.contains.find(function(obj) { return obj.system == \"http://snomed.info/sct\" && obj.code == \"14693006\" })).exist",
        "    pm.expect(responseData.entry.find(m => m.resource.version === \"2.1.0\" && m.resource.count === 3)).to.exist;",
        "});",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(
        j["$.expansion.contains[?((@.system == 'http://snomed.info/sct') && (@.code == '14693006' || @.code == 14693006))]"],
        json!({"exists": true}),
        "{v}"
    );
    assert_eq!(
        j["$.entry[?((@.resource.version == '2.1.0') && (@.resource.count == 3))]"],
        json!({"exists": true}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2));
}

#[test]
fn random_letters_and_digits_from_math_random_in_base_36() {
    let s = run(
        Phase::PreRequest,
        &[
            "const randomData = Math.random().toString(36).substring(2,7);",
            "const firstName = \"John\" + randomData;",
            "pm.environment.set(\"firstName_env\", firstName);",
            "pm.environment.set(\"code\", Math.random().toString(36).substr(2, 8));",
            "var randomString = Math.random().toString(36).substring(7);",
            "pm.environment.set(\"email\", 'u+' + randomString + '@x.org');",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["email"],
        json!("u+{{ (uuid() | replace('-', ''))[:6] }}@x.org"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["firstName_env"],
        json!("John{{ (uuid() | replace('-', ''))[:5] }}"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["code"],
        json!("{{ (uuid() | replace('-', ''))[:8] }}"),
        "{v}"
    );
}

#[test]
fn a_moment_format_held_in_a_constant_is_that_format() {
    let s = run(
        Phase::PreRequest,
        &[
            "var moment = require('moment');",
            "var ISO_8601_OFFSET = 'YYYY-MM-DDTHH:mm:ss.SSS';",
            "pm.environment.set(\"nowIso8601\", `${moment().format(ISO_8601_OFFSET)}Z`);",
            "pm.environment.set(\"direct\", moment().format('YYYY-MM-DDTHH:mm:ss.SSS'));",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["nowIso8601"],
        json!("{{ now(\"%Y-%m-%dT%H:%M:%S.%3f\") }}Z"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["direct"],
        json!("{{ now(\"%Y-%m-%dT%H:%M:%S.%3f\") }}"),
        "{v}"
    );
}

#[test]
fn checks_under_a_body_size_guard_are_written() {
    let s = test(&[
        "if(pm.response.responseSize !== 0) {",
        "    var headers = pm.response.json().headers;",
        "    pm.test(\"source\", function () {",
        "        pm.expect(headers['fspiop-source']).to.eql('payerfsp');",
        "    });",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.headers['fspiop-source']"],
        json!("payerfsp"),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (1, 1));
}

#[test]
fn token_requests_with_basic_auth_formdata_or_a_raw_form_convert() {
    let token_block = |lines: &[&str]| {
        let s = run(Phase::PreRequest, lines);
        let (block, var) = s.oauth2.expect("an oauth2 block");
        (crate::import::yaml_out::to_string(&block), var)
    };
    let (text, var) = token_block(&[
        "let getTokenRequest = {",
        "    method: 'POST',",
        "    url: pm.variables.get('tokenUrl'),",
        "    auth: { type: 'basic', basic: [",
        "        { key: 'username', value: pm.variables.get('clientId') },",
        "        { key: 'password', value: pm.variables.get('clientSecret') } ] },",
        "    body: { mode: 'formdata', formdata: [",
        "        { key: 'grant_type', value: 'client_credentials' },",
        "        { key: 'scope', value: pm.variables.get('scope') } ] }",
        "};",
        "pm.sendRequest(getTokenRequest, (err, response) => {",
        "    let jsonResponse = response.json(),",
        "        newAccessToken = jsonResponse.access_token;",
        "    console.log({ err, jsonResponse, newAccessToken })",
        "    pm.environment.set('accessToken', newAccessToken);",
        "});",
    ]);
    assert_eq!(var, "accessToken");
    for want in [
        "token_url: \"{{ tokenUrl }}\"",
        "client_id: \"{{ clientId }}\"",
        "client_secret: \"{{ clientSecret }}\"",
        "scope: \"{{ scope }}\"",
        "credentials: basic",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let (text, _) = token_block(&[
        "const id = pm.environment.get('client_id');",
        "pm.sendRequest({ url: pm.environment.get('token_url'), method: 'POST',",
        "  header: { 'Content-Type': 'application/x-www-form-urlencoded' },",
        "  body: { mode: 'raw', raw: 'grant_type=client_credentials&client_id=' + id + '&client_secret=' + pm.environment.get('client_secret') + '&tenant_id=t%201' }",
        "}, (err, res) => pm.environment.set('access_token', res.json().access_token));",
    ]);
    for want in [
        "client_id: \"{{ client_id }}\"",
        "client_secret: \"{{ client_secret }}\"",
        "tenant_id: t 1",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains("credentials: basic"), "{text}");
}

#[test]
fn two_time_limits_of_one_kind_are_both_kept() {
    let s = test(&[
        "pm.test('fast', () => pm.expect(pm.response.responseTime).to.be.below(pm.environment.get('acceptableResponseTime')));",
        "pm.test('fast enough', () => pm.expect(pm.response.responseTime).to.be.below(500));",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["time"],
        json!({"all": [{"lt": "{{ acceptableResponseTime }}"}, {"lt": "500ms"}]}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2));
}

#[test]
fn checks_inside_a_timer_callback_are_converted() {
    let s = test(&[
        "setTimeout(function () {",
        "    pm.test('ok', function () { pm.response.to.have.status(200); });",
        "    pm.environment.set('id', pm.response.json().id);",
        "}, 1000);",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(200), "{v}");
    assert_eq!(v["capture"]["id"]["json"], json!("$.id"), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (1, 1));
}

#[test]
fn a_set_after_a_check_that_the_property_is_there_keeps_the_old_value_when_it_is_not() {
    let s = test(&[
        "var data = pm.response.json();",
        "pm.test('token', function () {",
        "    pm.expect(data).to.have.property('token');",
        "    pm.environment.set('token', data.token);",
        "});",
        "pm.environment.set('other', data.other);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["token"],
        json!({"json": "$.token", "optional": true}),
        "{v}"
    );
    assert_eq!(v["capture"]["other"]["default"], json!("null"), "{v}");
}

#[test]
fn a_date_read_back_from_its_formatted_text_moves_on_from_that_time() {
    let s = run(
        Phase::PreRequest,
        &[
            "const moment = require('moment')",
            "const today = moment()",
            "var checkin = today.add(1, 'y').format(\"YYYY-MM-DD\")",
            "pm.environment.set(\"checkin\", checkin)",
            "const checkout = moment(checkin).add(7, 'days').format(\"YYYY-MM-DD\")",
            "pm.environment.set(\"checkout\", checkout)",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["checkin"],
        json!("{{ now(\"%Y-%m-%d\", \"1 year\") }}"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["checkout"],
        json!("{{ now(\"%Y-%m-%d\", \"1 year 7 days\") }}"),
        "{v}"
    );
}

#[test]
fn checks_under_a_status_that_is_not_some_code_are_kept() {
    let s = test(&[
        "pm.test('json when body expected', function () {",
        "    if (pm.response.code !== 204) {",
        "        pm.response.to.be.json;",
        "    }",
        "});",
    ]);
    assert_eq!((s.assertions, s.assertions_seen), (1, 1));
}

#[test]
fn a_value_set_only_when_the_variable_has_none_keeps_the_one_it_has() {
    for script in [
        &[
            "if (!pm.environment.get('idem')) {",
            "    pm.environment.set('idem', pm.variables.replaceIn('{{$guid}}'));",
            "}",
        ][..],
        &[
            "pm.environment.set('idem', pm.environment.get('idem') || pm.variables.replaceIn('{{$guid}}'));",
        ][..],
    ] {
        let s = run(Phase::PreRequest, script);
        let v = out(&s);
        assert_eq!(
            v["sets"]["idem"],
            json!("{{ (idem or uuid()) }}"),
            "{script:?}: {v}"
        );
        assert_eq!(s.variables_set, 1, "{script:?}");
    }
}

#[test]
fn keys_some_and_a_guard_on_a_list_length_convert() {
    let s = test(&[
        "const jsonData = pm.response.json();",
        "pm.test('first cart', function () {",
        "    if (jsonData.length > 0) {",
        "        const firstCart = jsonData[0];",
        "        pm.expect(firstCart).to.have.keys('id', 'userId');",
        "        pm.expect(firstCart).to.include.keys('id');",
        "    }",
        "});",
        "pm.test('electric', function () {",
        "    const hasElectric = jsonData.types.some(type => type.type.name === 'electric');",
        "    pm.expect(hasElectric).to.be.true;",
        "});",
        "pm.test('any', () => pm.expect(jsonData).to.have.any.keys('a', 'b'));",
    ]);
    let v = out(&s);
    // Under `if (jsonData.length > 0)`: a case of a list with items.
    assert_eq!(
        v["expect"]["cases"][0]["when"],
        json!({"json": {"$": {"length": {"gt": 0}, "not": {"type": "object"}}}}),
        "{v}"
    );
    let j = &with_items(&v);
    // chai's `have.keys` is exactly those keys: their count too, never a looser check.
    assert_eq!(j["$[0]"], json!({"length": {"equals": 2}}), "{v}");
    assert_eq!(j["$[0].id"], json!({"exists": true}), "{v}");
    assert_eq!(
        j["$.types[?(@.type.name == 'electric')]"],
        json!({"exists": true}),
        "{v}"
    );
    // `any.keys` (one of them) has no predicate: it stays a comment.
    assert_eq!((s.assertions, s.assertions_seen), (3, 4), "{:?}", s.kept);
}

#[test]
fn a_login_sent_when_the_token_is_unset_becomes_a_request_before() {
    let s = run(
        Phase::PreRequest,
        &[
            "const baseURL = pm.variables.get('baseUrl');",
            "const token = pm.variables.get('token');",
            "const login = pm.environment.get('email');",
            "if (!token) {",
            "    console.info('getting a token');",
            "    const options = {",
            "        url: baseURL + '/login',",
            "        method: 'POST',",
            "        header: { 'content-type': 'application/json' },",
            "        body: { mode: 'raw', raw: JSON.stringify({ email: login, password: 'x' }) }",
            "    };",
            "    pm.sendRequest(options, function (err, res) {",
            "        if (err) { console.error(err); }",
            "        else if (res.code !== 200) { console.error('failed'); }",
            "        else { pm.environment.set('token', res.json().access_token); }",
            "    });",
            "};",
        ],
    );
    assert_eq!(s.requests.len(), 1, "{:?}", s.kept);
    let sent = yaml_out::to_string(&s.requests[0]);
    assert!(
        sent.contains("/login") && sent.contains("access_token"),
        "{sent}"
    );
}

#[test]
fn a_login_with_a_header_text_and_a_body_of_no_known_mode_becomes_a_request_before() {
    let s = run(
        Phase::PreRequest,
        &[
            "const baseUrl = pm.variables.get(\"baseUrl\");",
            "const echoPostRequest = {",
            "  url: `${baseUrl}/api/login_check`,",
            "  method: 'POST',",
            "  header: 'Content-Type:application/json',",
            "  body: {",
            "    mode: 'application/json',",
            "    raw: JSON.stringify({ username:'admin', password:'admin', })",
            "  }",
            "};",
            "pm.sendRequest(echoPostRequest, function (err, res) {",
            "console.log(err ? err : res.json());",
            "    if (err === null) {",
            "        console.log('Saving the token and expiry date')",
            "        var responseJson = res.json();",
            "        pm.environment.set('accessToken', responseJson.token)",
            "    }",
            "});",
        ],
    );
    assert_eq!(s.requests.len(), 1, "{:?}", s.kept);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let sent: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    assert_eq!(sent["url"], "{{ baseUrl }}/api/login_check", "{sent}");
    // Newman sends the raw text whatever the mode says, with the header the text names.
    assert_eq!(
        sent["headers"]["Content-Type"], "application/json",
        "{sent}"
    );
    assert_eq!(sent["json"]["username"], "admin", "{sent}");
    assert_eq!(sent["capture"]["accessToken"]["json"], "$.token", "{sent}");
}

#[test]
fn a_header_a_script_adds_from_its_locals_is_a_header_of_the_request() {
    let s = run(
        Phase::PreRequest,
        &[
            "const username = pm.environment.get(\"CONNECTION_LOGIN\")",
            "const password = pm.environment.get(\"CONNECTION_PWD\")",
            "const credentials = username + \":\" + password;",
            "const encodedCredentials = btoa(credentials);",
            "pm.request.headers.add({",
            "  key: \"Authorization\",",
            "  value: \"Basic \" + encodedCredentials,",
            "});",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(
        yaml_out::to_string(&s.headers).trim(),
        "Authorization: Basic {{ ((CONNECTION_LOGIN ~ \":\" ~ CONNECTION_PWD) | base64_encode) }}"
    );
}

#[test]
fn a_regular_expression_in_a_local_is_read_where_a_check_names_it() {
    let s = test(&[
        "const iso = /\\d{4}-[01]\\d-[0-3]\\d/;",
        "var data = pm.response.json();",
        "pm.test('dates', function () {",
        "    pm.expect(data.created).to.match(iso);",
        "    pm.expect(iso.test(data.updated)).to.be.true;",
        "});",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.created"]["matches"], "\\d{4}-[01]\\d-[0-3]\\d",
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.updated"]["matches"], "\\d{4}-[01]\\d-[0-3]\\d",
        "{v}"
    );
}

#[test]
fn a_body_a_pre_request_script_stringifies_is_the_text_postman_makes() {
    let s = run(
        Phase::PreRequest,
        &[
            "const email_address = pm.environment.get('email_address') || 'test@example.com';",
            "var password = pm.environment.get('password') || 'password';",
            "var encrypted_password = btoa(password);",
            "var body = {",
            "        \"email\": email_address,",
            "        \"password\": encrypted_password,",
            "        \"remember\": true",
            "    };",
            "console.log(JSON.stringify(body));",
            "pm.collectionVariables.set('req_body', JSON.stringify(body));",
        ],
    );
    assert_eq!(s.kept.len(), 1, "only the log line: {:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["sets"]["req_body"],
        "{\"email\":{{ (email_address or \"test@example.com\") | tojson }},\"password\":{{ ((password or \"password\") | base64_encode) | tojson }},\"remember\":true}",
        "{v}"
    );
}

#[test]
fn sets_behind_a_guard_on_the_status_text_are_captures() {
    let s = test(&[
        "if(pm.response.status === 'OK') {",
        "    var jsonData = JSON.parse(responseBody);",
        "    pm.globals.set(\"refresh\", jsonData.refresh_token);",
        "}",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(v["capture"]["refresh"]["json"], "$.refresh_token", "{v}");
}

#[test]
fn a_property_checked_against_its_own_value_is_checked_to_be_there() {
    let s = test(&[
        "let response = pm.response.json();",
        "let id = response.id;",
        "pm.environment.set(\"ID\", id);",
        "pm.test(\"Response body is as expected\", function () {",
        "    pm.expect(response).to.have.property(\"id\", id);",
        "});",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.id"], json!({"exists": true}), "{v}");
}

#[test]
fn checks_run_after_a_timeout_are_checks() {
    let s = test(&[
        "setTimeout(checkWithDelay, 300);",
        "function checkWithDelay() {",
        "    pm.test(\"Order is Completed\", function () {",
        "        pm.expect(pm.response.json().status).to.eql(\"Completed\");",
        "    });",
        "}",
        "setTimeout(() => { pm.test('code', () => pm.response.to.have.status(200)); }, 10);",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.status"], "Completed", "{v}");
    assert_eq!(v["expect"]["status"], 200, "{v}");
}

#[test]
fn a_list_a_script_stringifies_is_json_text() {
    let s = run(
        Phase::PreRequest,
        &[
            "var data = [",
            "{ \"symbol\": \"BTCUSDT\", \"price\": \"68000\", \"qty\": 2 },",
            "{ \"symbol\": \"ETHUSDT\", \"price\": 3000 }",
            "];",
            "pm.variables.set(\"postBody\", JSON.stringify(data));",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["sets"]["postBody"],
        "[{\"symbol\":\"BTCUSDT\",\"price\":\"68000\",\"qty\":2},{\"symbol\":\"ETHUSDT\",\"price\":3000}]",
        "{v}"
    );
}

#[test]
fn a_time_limit_read_from_a_variable_is_rendered_when_checked() {
    let s = test(&[
        "pm.test('fast', () => pm.expect(pm.response.responseTime).to.be.below(data.limitMs));",
        "tests['legacy'] = responseTime <= pm.environment.get('maxText');",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["time"],
        json!({"lt": "{{ limitMs }}", "lte": "{{ maxText }}"}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2), "{:?}", s.kept);
}

#[test]
fn a_time_limit_a_variable_holds_as_text_is_parsed_before_chai_reads_it() {
    // `parseInt(...)` makes a number of the environment's text, which chai's `below` takes.
    let texts = ["maxText".to_string()].into_iter().collect();
    let known = super::Known {
        texts: std::rc::Rc::new(texts),
        ..Default::default()
    };
    let lines: Vec<String> = [
        "pm.test('t', () => pm.expect(pm.response.responseTime).to.be.below(parseInt(pm.environment.get('maxText'))));",
        "pm.test('n', () => pm.expect(pm.response.responseTime).to.be.at.most(Number(pm.environment.get('maxText'))));",
    ]
    .map(String::from)
    .to_vec();
    let s = super::convert_item(&lines, Phase::Test, Default::default(), None, &known);
    let v = out(&s);
    assert_eq!(
        v["expect"]["time"],
        json!({"lt": "{{ (maxText | int) }}", "lte": "{{ (maxText | number) }}"}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2), "{:?}", s.kept);
}

#[test]
fn a_time_limit_chai_refuses_or_a_script_sets_stays_for_a_human() {
    let texts = ["maxText".to_string()].into_iter().collect();
    let sets = ["limitMs".to_string()].into_iter().collect();
    let known = super::Known {
        texts: std::rc::Rc::new(texts),
        script_sets: std::rc::Rc::new(sets),
        ..Default::default()
    };
    let lines: Vec<String> = [
        // chai's `below` throws on a text: Newman fails this whatever the time.
        "pm.test('text', () => pm.expect(pm.response.responseTime).to.be.below(pm.environment.get('maxText')));",
        // Set by a script: yarc would set it before the request, Postman after this check.
        "pm.test('set', () => pm.expect(pm.response.responseTime).to.be.below(data.limitMs));",
        // JavaScript's `<` reads the text as a number.
        "tests['legacy'] = responseTime < pm.environment.get('maxText');",
    ]
    .map(String::from)
    .to_vec();
    let s = super::convert_item(&lines, Phase::Test, Default::default(), None, &known);
    let v = out(&s);
    assert_eq!(v["expect"]["time"], json!({"lt": "{{ maxText }}"}), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (1, 3), "{:?}", s.kept);
}

#[test]
fn a_schema_a_script_stores_as_text_is_read_back_parsed() {
    let first: Vec<String> = [
        "var owner = { \"type\": \"object\", \"required\": [\"login\"] };",
        "pm.globals.set('owner_schema', JSON.stringify(owner));",
    ]
    .map(String::from)
    .to_vec();
    let stored: HashMap<String, serde_json::Value> =
        super::objects_set(&first, &Default::default())
            .into_iter()
            .collect();
    // A later script stores one made of it.
    let second: Vec<String> =
        ["pm.globals.set('doc', JSON.stringify({ type: 'object', properties: { owner: JSON.parse(pm.globals.get('owner_schema')) } }));"]
            .map(String::from)
            .to_vec();
    let more = super::objects_set(&second, &stored);
    let owner = json!({"type": "object", "required": ["login"]});
    assert_eq!(
        more,
        [(
            "doc".to_string(),
            json!({"type": "object", "properties": {"owner": owner}})
        )]
    );
    let mut all = stored;
    all.extend(more);
    let known = super::Known {
        stored: std::rc::Rc::new(all),
        ..Default::default()
    };
    let lines: Vec<String> = [
        "var schema = { type: 'array', items: JSON.parse(pm.globals.get('owner_schema')) };",
        "pm.test('list', () => pm.response.to.have.jsonSchema(schema));",
        "pm.test('doc', () => pm.response.to.have.jsonSchema(JSON.parse(pm.globals.get('doc'))));",
    ]
    .map(String::from)
    .to_vec();
    let s = super::convert_item(&lines, Phase::Test, Default::default(), None, &known);
    let v = out(&s);
    assert_eq!(v["expect"]["schema"][0]["items"], owner, "{v}");
    assert_eq!(
        v["expect"]["schema"][1]["properties"]["owner"], owner,
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 2), "{:?}", s.kept);
}

#[test]
fn a_schema_a_script_stores_in_a_global_is_read_back() {
    let lines: Vec<String> = [
        "var schemas = {};",
        "var owner = {};",
        "owner.object = { \"type\": \"string\" };",
        "schemas.A = { \"type\": \"object\", \"properties\": { \"by\": owner.object } };",
        "pm.globals.set(\"schemas\", schemas);",
    ]
    .map(String::from)
    .to_vec();
    let stored = super::objects_set(&lines, &Default::default());
    let a = json!({"type": "object", "properties": {"by": {"type": "string"}}});
    assert_eq!(stored, [("schemas".to_string(), json!({ "A": a }))]);
    let known = super::Known {
        stored: std::rc::Rc::new(stored.into_iter().collect()),
        ..Default::default()
    };
    let lines: Vec<String> = [
        "var schema = pm.globals.get(\"schemas\").A;",
        "pm.test('valid', () => { var ok = tv4.validate(pm.response.json(), schema); pm.expect(ok).to.be.true; });",
    ]
    .map(String::from)
    .to_vec();
    let s = super::convert_item(&lines, Phase::Test, Default::default(), None, &known);
    let v = out(&s);
    assert_eq!(v["expect"]["schema"]["properties"], a["properties"], "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (1, 1), "{:?}", s.kept);
}

#[test]
fn a_json_schema_kept_in_a_collection_variable_is_checked() {
    let mut known = std::collections::HashMap::new();
    known.insert(
        "schema_projects".to_string(),
        json!({"type": "array", "items": {"type": "object", "required": ["id"]}}),
    );
    let known = super::Known {
        json: std::rc::Rc::new(known),
        ..Default::default()
    };
    let lines: Vec<String> = [
        "const rawSchema = pm.variables.get(\"schema_projects\");",
        "const schema = JSON.parse(rawSchema);",
        "pm.test(\"Schema: projects list matches\", () => {",
        "  pm.response.to.have.jsonSchema(schema);",
        "});",
    ]
    .map(String::from)
    .to_vec();
    let s = super::convert_item(&lines, Phase::Test, Default::default(), None, &known);
    let v = out(&s);
    assert_eq!(
        v["expect"]["schema"]["items"]["required"],
        json!(["id"]),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (1, 1), "{:?}", s.kept);
    // Unknown to the export: the check stays a comment, as before.
    let s = super::convert_item(
        &lines,
        Phase::Test,
        Default::default(),
        None,
        &super::Known::default(),
    );
    assert_eq!(s.assertions, 0, "{:?}", out(&s));
}

#[test]
fn a_unary_plus_is_a_number_as_javascript_reads_it() {
    let s = test(&[
        "var res = pm.response.json();",
        "var id = +pm.environment.get(\"CaducidadId\");",
        "pm.test('deleted', function () {",
        "    pm.expect(res.message).to.eq(\"id \" + id + \" deleted\");",
        "    pm.expect(res.id).to.eql(+pm.environment.get(\"CaducidadId\"));",
        "});",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.message"], "id {{ (CaducidadId | number) }} deleted",
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.id"], "{{ (CaducidadId | number) }}",
        "{v}"
    );
}

#[test]
fn negated_checks_of_two_kinds_on_one_target_each_hold() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.test('a', () => pm.expect(d.name).to.not.equal('x'));",
        "pm.test('b', () => pm.expect(d.name).to.not.include('y'));",
        "pm.test('c', () => pm.expect(d.count).to.be.ok);",
    ]);
    let v = out(&s);
    // `not: { equals: x, contains: y }` would pass unless both held.
    assert_eq!(
        v["expect"]["json"]["$.name"],
        json!({
            "all": [
                {"any": [{"exists": false}, {"not": {"equals": "x"}}]},
                {"any": [{"type": "string"}, {"type": "array"}]}
            ],
            "not": {"contains": "y"}
        }),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.count"],
        json!({"not": {"in": [null, false, 0, ""]}}),
        "{v}"
    );
}

#[test]
fn a_set_after_a_check_that_reads_through_the_value_keeps_the_old_one() {
    let s = test(&[
        "let resBody = pm.response.json();",
        "pm.test('id', () => {",
        "    pm.expect(resBody.id.length).is.greaterThan(10);",
        "    pm.collectionVariables.set('boardId', resBody.id);",
        "});",
    ]);
    let v = out(&s);
    // `resBody.id.length` throws when `id` is missing: the set is never reached in Postman.
    assert_eq!(
        v["capture"]["boardId"],
        json!({"json": "$.id", "optional": true}),
        "{v}"
    );
}

#[test]
fn a_set_after_a_check_that_passes_on_a_missing_value_stores_what_postman_stores() {
    let s = test(&[
        "pm.test('token', function () {",
        "    var jsonData = pm.response.json();",
        "    pm.expect(jsonData.accessToken).to.not.equal(null);",
        "    pm.environment.set('token', jsonData.accessToken);",
        "});",
        "pm.test('order', function () {",
        "    var jsonData = pm.response.json();",
        "    pm.expect(jsonData.created).to.eql(true);",
        "    pm.expect(jsonData.orderId).to.not.eql(null);",
        "    pm.environment.set('orderId', jsonData.orderId);",
        "    pm.expect(jsonData.refresh).to.not.be.empty;",
        "    pm.environment.set('refresh', jsonData.refresh);",
        "});",
    ]);
    let v = out(&s);
    // With another check in the test, a response without `orderId` most likely fails that
    // one first, and the set is not reached: the variable keeps its value.
    assert_eq!(
        v["capture"]["orderId"],
        json!({"json": "$.orderId", "optional": true}),
        "{v}"
    );
    // undefined is not null: the check passes and the set stores the missing value, which
    // Newman then sends as `null`.
    assert_eq!(
        v["capture"]["token"],
        json!({"json": "$.accessToken", "default": "null"}),
        "{v}"
    );
    // `.not.be.empty` throws on undefined: the set is never reached.
    assert_eq!(
        v["capture"]["refresh"],
        json!({"json": "$.refresh", "optional": true}),
        "{v}"
    );
}

#[test]
fn a_body_read_in_a_check_or_a_forgiving_try_is_the_body() {
    let s = test(&[
        "let json;",
        "pm.test('json', () => {",
        "    pm.expect(() => { json = pm.response.json(); }).to.not.throw();",
        "});",
        "if (json) {",
        "    pm.test('name', () => { pm.expect(json.name).to.eql('lamp'); });",
        "    Object.values(json.counts).forEach(n => pm.expect(n).to.be.a('number'));",
        "    Object.entries(json.tags).forEach(([k, v]) => { pm.expect(v, k).to.be.a('string'); });",
        "}",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Under `if (json)`: a case of a body that is there.
    assert_eq!(with_items(&v)["$.name"], "lamp");
    assert_eq!(with_items(&v)["$.counts.*"]["each"]["type"], "number");
    assert_eq!(with_items(&v)["$.tags.*"]["each"]["type"], "string");
    assert_eq!((s.assertions, s.assertions_seen), (4, 4));
    // Only the check itself: the body must be JSON.
    let alone = out(&test(&[
        "let body;",
        "pm.expect(() => { body = pm.response.json(); }).to.not.throw();",
    ]));
    assert_eq!(alone["expect"]["json"]["$"]["exists"], true);
    // A key read in the loop is not known: that statement stays for a human.
    let keyed = test(&[
        "Object.entries(pm.response.json()).forEach(([k, v]) => { if (k === 'a') { pm.expect(v).to.eql(1); } });",
    ]);
    assert!(!keyed.kept.is_empty());

    let s = test(&[
        "let res;",
        "try { res = pm.response.json(); } catch (e) { res = {}; }",
        "pm.test('ok', () => { pm.expect(res.success).to.eql(true); });",
        "if (res.data && res.data.tokens) {",
        "    let access = res.data.tokens.access_token;",
        "    pm.collectionVariables.set('token', access);",
        "}",
        "pm.environment.set('user', res.user);",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.success"], true);
    // Behind the guard the variable keeps its value when the tokens are not there; outside
    // it the missing value is stored, as Newman does.
    assert_eq!(
        v["capture"]["token"],
        json!({"json": "$.data.tokens.access_token", "optional": true})
    );
    assert_eq!(
        v["capture"]["user"],
        json!({"json": "$.user", "default": "null"})
    );
    // A catch that does something else keeps the try as it is.
    let other = test(&["try { res = pm.response.json(); } catch (e) { res = compute(); }"]);
    assert!(!other.kept.is_empty());
}

#[test]
fn a_variable_written_first_is_the_expected_value() {
    let s = test(&[
        "var d = pm.response.json();",
        "pm.test('name', () => pm.expect(pm.environment.get('fname')).to.eql(d.firstname));",
        "pm.test('price', () => pm.expect(pm.environment.get('price')).to.eql(d.totalprice.toString()));",
        "pm.test('paid', () => pm.expect(pm.variables.get('paid')).to.not.equal(String(d.paid)));",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(v["expect"]["json"]["$.firstname"], "{{ fname }}");
    // `toString()` of a missing value throws: the value must be there, and equal.
    assert_eq!(
        v["expect"]["json"]["$.totalprice"],
        json!({"equals": "{{ price }}"})
    );
    assert_eq!(
        v["expect"]["json"]["$.paid"],
        json!({"not": {"equals": "{{ paid }}"}})
    );
    // A check of the variable itself stays one.
    let own = out(&test(&[
        "pm.expect(pm.environment.get('token')).to.be.a('string');",
    ]));
    assert_eq!(own["expect"]["vars"]["token"]["type"], "string");
}

#[test]
fn a_flag_a_loop_leaves_is_the_check_of_the_list() {
    // Some item: the flag starts unset (or false) and only an item that holds sets it.
    let some = test(&[
        "var data = pm.response.json();",
        "var first = data[0].createdBy;",
        "pm.test('some', function () {",
        "    var found;",
        "    for (var i = 0; i < data.length; i++) {",
        "        if (data[i].type === 'fiction' || data[i].type === 'poetry') {",
        "            found = true;",
        "            break;",
        "        }",
        "    }",
        "    pm.expect(true).to.eql(found);",
        "});",
        "let same = false;",
        "for (const o of data) { if (o.createdBy === first) { same = true; } }",
        "tests['same creator'] = same;",
    ]);
    let v = out(&some);
    assert!(some.kept.is_empty(), "{:?}", some.kept);
    assert_eq!(
        v["expect"]["json"]["$[?((@.type == 'fiction') || (@.type == 'poetry'))]"]["exists"],
        true
    );
    assert_eq!(
        v["expect"]["json"]["$[?(@.createdBy == $[0].createdBy)]"]["exists"],
        true
    );
    assert_eq!((some.assertions, some.assertions_seen), (2, 2));
    // Every item: the flag starts true and an item that does not hold clears it.
    let every = test(&[
        "let ok = true;",
        "pm.response.json().items.forEach(function (it) { if (it.qty <= 0) { ok = false; } });",
        "pm.expect(ok).to.be.true;",
    ]);
    let v = out(&every);
    assert!(every.kept.is_empty(), "{:?}", every.kept);
    assert_eq!(v["expect"]["json"]["$.items[*].qty"]["each"]["gt"], 0);
    // The last item: an `else` sets the opposite, so only the last one decides.
    let last = test(&[
        "var d = pm.response.json();",
        "var result;",
        "for (var k = 0; k < d.length; k++) {",
        "    if (d[k].type === 'fiction' || d[k].type === 'non-fiction') { result = true; } else { result = false; }",
        "}",
        "pm.expect(result).to.eql(true);",
    ]);
    let v = out(&last);
    assert!(last.kept.is_empty(), "{:?}", last.kept);
    assert_eq!(
        v["expect"]["json"]["$[-1].type"]["in"],
        json!(["fiction", "non-fiction"])
    );
    // A loop that reads its index otherwise, or a flag checked false, stays for a human.
    let index = test(&[
        "var d = pm.response.json(); var seen;",
        "for (var i = 0; i < d.length; i++) { if (d[i].n === i) { seen = true; } }",
        "pm.expect(seen).to.be.true;",
    ]);
    assert!(!index.kept.is_empty());
    let negated = test(&[
        "var d = pm.response.json(); var seen;",
        "for (const x of d) { if (x.n === 1) { seen = true; } }",
        "pm.expect(seen).to.be.false;",
    ]);
    assert!(!negated.kept.is_empty());
    // An `every` flag that starts unknown is not read: Postman could fail it whatever the list.
    let unknown = test(&[
        "var ok = compute();",
        "for (const x of pm.response.json()) { if (x.n !== 1) { ok = false; } }",
        "pm.expect(ok).to.be.true;",
    ]);
    assert!(!unknown.kept.is_empty());
}

#[test]
fn the_day_of_a_date_and_the_text_of_a_value_against_variables() {
    let s = test(&[
        "if (pm.response.code == 200) {",
        "    const moment = require('moment');",
        "    var json = pm.response.json();",
        "    pm.test('in', function () {",
        "        const got = moment(json.dates.checkin).format('YYYY-MM-DD');",
        "        pm.expect(got).to.eql(pm.environment.get('checkin'));",
        "    });",
        "    pm.test('out', () => pm.expect(moment(json.dates.checkout).format('YYYY-MM-DD')).to.eql('2026-01-09'));",
        "    pm.test('paid', () => pm.expect(json.paid.toString()).to.eql(pm.environment.get('paid')));",
        "} else if (pm.response.code == 404) {",
        "    pm.test('Not Found');",
        "} else {",
        "    console.log('something went wrong');",
        "}",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(
        v["expect"]["cases"][0]["json"]["$.dates.checkin"],
        json!({"starts_with": "{{ checkin }}"})
    );
    assert_eq!(
        v["expect"]["cases"][0]["json"]["$.dates.checkout"],
        json!({"starts_with": "2026-01-09"})
    );
    assert_eq!(
        v["expect"]["cases"][0]["json"]["$.paid"],
        json!({"equals": "{{ paid }}"})
    );
    // Another format, or the text of a value against a literal, stays for a human.
    for line in [
        "pm.expect(moment(pm.response.json().at).format('DD/MM/YYYY')).to.eql(pm.environment.get('d'));",
        "pm.expect(pm.response.json().n.toString()).to.eql('5');",
    ] {
        let s = test(&["const moment = require('moment');", line]);
        assert!(!s.kept.is_empty(), "{line}");
    }
}

#[test]
fn numbers_made_up_and_added_are_summed_and_text_joined_stays_text() {
    let s = run(
        Phase::PreRequest,
        &[
            "const randomId = Math.floor(Date.now() + Math.random() * 10000);",
            "pm.environment.set('petId', String(randomId));",
            "pm.environment.set('petName', `qa-pet-${randomId}`);",
            "pm.environment.set('later', Date.now() + Math.floor(Math.random() * 1000));",
            "pm.environment.set('tag', Date.now() + '-' + Math.floor(Math.random() * 10));",
            "pm.environment.set('label', 'x' + Date.now() + 1);",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    let sets = &v["sets"];
    assert_eq!(sets["petId"], "{{ timestamp_ms() + random_int(0, 9999) }}");
    assert_eq!(sets["petName"], "qa-pet-{{ petId }}");
    assert_eq!(sets["later"], "{{ (timestamp_ms() + random_int(0, 999)) }}");
    // JavaScript reads `+` left to right: once text, the rest is joined.
    assert_eq!(sets["tag"], "{{ timestamp_ms() }}-{{ random_int(0, 9) }}");
    assert_eq!(sets["label"], "x{{ timestamp_ms() }}1");
    // The sum renders as one whole number.
    let mut env = minijinja::Environment::new();
    env.add_function("timestamp_ms", || 1_700_000_000_000i64);
    env.add_function("random_int", |a: i64, _b: i64| a);
    let petid = env
        .render_str(sets["petId"].as_str().unwrap_or_default(), ())
        .unwrap_or_default();
    assert_eq!(petid, "1700000000000");
}

#[test]
fn what_find_picks_is_checked_on_each_node_and_a_filter_stays_a_list() {
    let s = test(&[
        "var data = pm.response.json();",
        "const op = data.items.find(o => o.rel === 'x');",
        "pm.expect(op.qty).to.eql(1);",
        "pm.expect(op).to.be.an('object');",
        "const list = data.items.filter(o => o.kind === 'y');",
        "pm.expect(list).to.have.length(2);",
        "const err = data.errors.pop();",
        "pm.expect(err.code).to.eq('E1');",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let json = &v["expect"]["json"];
    assert_eq!(json["$.items[?(@.rel == 'x')].qty"], json!({"each": 1}));
    assert_eq!(
        json["$.items[?(@.rel == 'x')]"],
        json!({"each": {"type": "object"}})
    );
    assert_eq!(json["$.items[?(@.kind == 'y')]"], json!({"length": 2}));
    assert_eq!(json["$.errors[-1].code"], "E1");
}

#[test]
fn a_function_that_returns_one_expression_is_read_where_it_is_called() {
    let s = test(&[
        "const response = pm.response.json()",
        "pm.test('price', () => {",
        "    const item = byId(response.cartItems, pm.environment.get('child'));",
        "    pm.expect(item).to.not.be.undefined;",
        "    pm.expect(item.product.price).to.haveOwnProperty('info').to.eq('5 kilo');",
        "});",
        "pm.test('none', () => {",
        "    pm.expect(byId(response.cartItems, 'c3').product.price.info).to.be.undefined;",
        "});",
        "function byId(list, id) {",
        "    return list.find(item => item.id === id);",
        "}",
        "function again(n) { return again(n); }",
        "pm.test('loops', () => pm.expect(again(1)).to.eql(1));",
    ]);
    let v = out(&s);
    let json = &v["expect"]["json"];
    assert_eq!(
        json["$.cartItems[?(@.id == {{ child | tojson }})].product.price.info"],
        json!({"each": "5 kilo"}),
        "{v}"
    );
    // A missing value is what is checked; what holds it must be there, as reading it would
    // throw in Postman without it.
    assert_eq!(
        json["$.cartItems[?(@.id == 'c3')].product.price.info"],
        json!({"exists": false})
    );
    assert_eq!(
        json["$.cartItems[?(@.id == 'c3')].product.price"],
        json!({"exists": true})
    );
    // A function that calls itself is not followed.
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn what_a_guarded_log_reads_must_be_there() {
    let s = test(&[
        "pm.test('dates', function () {",
        "  if (pm.response.code === 200) {",
        "    console.log('stored as:', JSON.stringify(pm.response.json().booking.bookingdates));",
        "  }",
        "  pm.expect(true).to.be.true;",
        "});",
    ]);
    let v = out(&s);
    // Reading `bookingdates` of a missing `booking` throws in Postman, failing the test.
    assert_eq!(
        v["expect"]["json"]["$.booking"],
        json!({"exists": true}),
        "{v}"
    );
}

#[test]
fn a_find_that_asks_for_a_member_first_tests_that_it_is_there() {
    let s = test(&[
        "const r = pm.response.json();",
        "const item = r.cartItems.find(i => i.coupon && i.coupon.code === pm.environment.get('code'));",
        "pm.expect(item.quantity).to.eq(1);",
        "const plain = r.cartItems.find(i => !i.coupon);",
        "pm.expect(plain.type).to.eq('product');",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let json = &v["expect"]["json"];
    assert_eq!(
        json["$.cartItems[?((@.coupon && @.coupon != false && @.coupon != null && @.coupon != 0 && @.coupon != '') && (@.coupon.code == {{ code | tojson }}))].quantity"],
        json!({"each": 1}),
        "{v}"
    );
    assert_eq!(
        json["$.cartItems[?(!@.coupon || @.coupon == false || @.coupon == null || @.coupon == 0 || @.coupon == '')].type"],
        json!({"each": "product"}),
        "{v}"
    );
}

#[test]
fn a_request_its_script_sends_again_is_polled_until_the_opposite_holds() {
    let again = |lines: &[&str], name: Option<&str>| {
        let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        super::convert_item(
            &lines,
            Phase::Test,
            Default::default(),
            name,
            &super::Known::default(),
        )
    };
    let s = again(
        &[
            "var data = pm.response.json();",
            "if (data.status !== 'done') {",
            "    setTimeout(function () {}, 2000);",
            "    postman.setNextRequest(pm.info.requestName);",
            "}",
            "if (data.status === 'done') {",
            "    pm.test('three', () => pm.expect(data.polls).to.eql(3));",
            "}",
        ],
        Some("wait"),
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let retry = super::json_of(&s.retry.clone().unwrap_or(Y::Null));
    assert_eq!(retry["delay"], "2000ms");
    assert_eq!(retry["attempts"], 100);
    assert_eq!(retry["until"], json!({"json": {"$.status": "done"}}));
    // The checks behind the condition the polling ends on are written as they are.
    assert_eq!(out(&s)["expect"]["json"]["$.polls"], 3);
    // By its own name too; another name, or a loop on a counter, stays for a human.
    let named = ["if (pm.response.json().state === 'pending') { postman.setNextRequest('wait'); }"];
    assert!(again(&named, Some("wait")).retry.is_some());
    assert!(again(&named, Some("other")).retry.is_none());
    let counter = [
        "var count = pm.environment.get('count');",
        "if (count < 200) { postman.setNextRequest(pm.info.requestName); }",
    ];
    assert!(again(&counter, Some("wait")).retry.is_none());
}

#[test]
fn a_text_checked_in_one_case_is_matched_in_any() {
    let s = test(&[
        "const p = pm.response.json()[0];",
        "pm.expect(p.name.toLowerCase()).to.include('test');",
        "pm.expect(p.code.toUpperCase()).to.eql('AB-1');",
        "pm.expect(p.kind.toLowerCase()).to.not.include('draft');",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(
        v["expect"]["json"]["$[0].name"],
        json!({"matches": "(?i)test"})
    );
    assert_eq!(
        v["expect"]["json"]["$[0].code"],
        json!({"matches": "(?i)^AB\\-1$"})
    );
    assert_eq!(
        v["expect"]["json"]["$[0].kind"],
        json!({"not": {"matches": "(?i)draft"}})
    );
    // A text in the other case never matches in Postman: not converted.
    let other = test(&["pm.expect(pm.response.json().name.toLowerCase()).to.include('Test');"]);
    assert!(!other.kept.is_empty());
}

#[test]
fn a_switch_is_the_ifs_it_means_and_a_moment_moves_in_place() {
    let s = test(&[
        "var jsonData = pm.response.json();",
        "switch (pm.response.code) {",
        "    case 200:",
        "    case 201:",
        "        pm.test('named', function () { pm.expect(jsonData.name).to.eql('Ada'); });",
        "        break;",
        "    default:",
        "        pm.test('unknown status');",
        "}",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(v["expect"]["cases"][0]["json"]["$.name"], "Ada", "{v}");
    assert_eq!(
        v["expect"]["cases"][0]["when"],
        json!({"status": [200, 201]}),
        "{v}"
    );
    // A case that falls through into the next is left as it is.
    let through = test(&[
        "switch (pm.response.code) {",
        "    case 200: pm.expect(pm.response.json().a).to.eql(1);",
        "    case 201: pm.expect(pm.response.json().b).to.eql(2); break;",
        "}",
    ]);
    assert!(!through.kept.is_empty());

    let s = run(
        Phase::PreRequest,
        &[
            "const moment = require('moment');",
            "const today = moment();",
            "pm.environment.set('checkin', today.add(2, 'day').format('YYYY-MM-DD'));",
            "pm.environment.set('checkout', today.add(2, 'day').add(2, 'day').format('YYYY-MM-DD'));",
        ],
    );
    let v = out(&s);
    // moment's `add` moves `today` itself: the check-out is six days on, as Postman sends it.
    assert_eq!(
        v["sets"]["checkin"], "{{ now(\"%Y-%m-%d\", \"2 days\") }}",
        "{v}"
    );
    assert_eq!(
        v["sets"]["checkout"], "{{ now(\"%Y-%m-%d\", \"6 days\") }}",
        "{v}"
    );
}

#[test]
fn the_last_segment_of_a_location_header_is_captured_from_the_header() {
    let s = test(&[
        "pm.test('created', function () {",
        "    pm.response.to.have.status(201);",
        "    var location = pm.response.headers.get('Location');",
        "    var orderUid = location.split('/').pop();",
        "    pm.environment.set('orderUid', orderUid);",
        "});",
        "pm.environment.set('last', pm.response.headers.get('Location').split('/').at(-1));",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(
        v["capture"]["orderUid"],
        json!({"header": "Location", "regex": "([^/]*)$", "optional": true, "when": {"status": 201}})
    );
    assert_eq!(
        v["capture"]["last"],
        json!({"header": "Location", "regex": "([^/]*)$", "optional": true})
    );
    assert_eq!(v["expect"]["headers"]["Location"]["exists"], true, "{v}");
}

#[test]
fn a_schema_ajv_compiles_is_checked_where_its_validator_is_called() {
    let s = test(&[
        "const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };",
        "const Ajv = require('ajv');",
        "const ajv = new Ajv({ allErrors: true });",
        "pm.test('matches', function () {",
        "    const validate = ajv.compile(schema);",
        "    const valid = validate(pm.response.json());",
        "    pm.expect(valid, JSON.stringify(validate.errors)).to.be.true;",
        "});",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(v["expect"]["schema"]["required"], json!(["id"]), "{v}");
    assert_eq!(
        v["expect"]["schema"]["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
}

#[test]
fn the_keys_of_an_object_are_counted_by_length() {
    let s = test(&[
        "const json = pm.response.json();",
        "pm.expect(Object.keys(json).length).to.be.at.least(1);",
        "pm.expect(Object.keys(json.meta).length).to.eql(2);",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(
        v["expect"]["json"]["$"],
        json!({"type": "object", "length": {"gte": 1}}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.meta"],
        json!({"type": "object", "length": 2}),
        "{v}"
    );
}

#[test]
fn a_header_that_is_not_empty_is_not_the_empty_text() {
    let s = test(&[
        "var location = pm.response.headers.get('Location');",
        "pm.expect(location).to.not.be.empty;",
        "pm.expect(pm.response.headers.get('X-Empty')).to.be.empty;",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(
        v["expect"]["headers"]["Location"],
        json!({"not": {"equals": ""}}),
        "{v}"
    );
    assert_eq!(v["expect"]["headers"]["X-Empty"], "", "{v}");
}

#[test]
fn a_check_after_a_set_in_its_test_does_not_make_the_set_optional() {
    let s = test(&[
        "pm.test('save token', function () {",
        "    const response = pm.response.json();",
        "    pm.environment.set('token', response.token);",
        "    pm.expect(pm.environment.get('token')).to.eql(response.token);",
        "    pm.expect(response.token).to.be.a('string');",
        "});",
        "pm.test('then the id', function () {",
        "    pm.response.to.have.status(201);",
        "    pm.environment.set('id', pm.response.json().id);",
        "});",
        "pm.test('one line', function () { pm.expect(pm.response.json().code).to.exist; pm.environment.set('code', pm.response.json().code); });",
    ]);
    let v = out(&s);
    // Newman stores `undefined` (sent as "null") when the body lacks it: the checks come after.
    assert_eq!(
        v["capture"]["token"],
        json!({"json": "$.token", "default": "null"}),
        "{v}"
    );
    assert_eq!(
        v["capture"]["id"],
        json!({"json": "$.id", "default": "null", "when": {"status": 201}}),
        "{v}"
    );
    assert_eq!(v["capture"]["code"]["optional"], true, "{v}");
}

#[test]
fn two_negated_checks_of_one_kind_must_each_fail_on_their_own() {
    let s = test(&[
        "pm.expect(pm.response.text()).to.not.include('B');",
        "pm.expect(pm.response.text()).to.not.include('D');",
        "pm.expect(pm.response.text()).to.not.include('D');",
        "pm.response.to.not.have.status(500);",
        "pm.response.to.not.have.status(404);",
    ]);
    let v = out(&s);
    // `not: { all: [B, D] }` would pass unless both were there: a false green.
    assert_eq!(
        v["expect"]["body"],
        json!({"not": {"contains": "B"}, "all": [{"not": {"contains": "D"}}]}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["status"],
        json!({"not": {"equals": 500}, "all": [{"not": {"equals": 404}}]}),
        "{v}"
    );
}

#[test]
fn a_condition_expected_false_is_its_opposite() {
    let s = test(&[
        "pm.expect(pm.response.text().includes('ERROR'), 'ERROR found').to.be.false;",
        "pm.expect(pm.response.json().name.includes('x')).to.eql(false);",
        "pm.expect(pm.response.json().n > 3).to.not.be.true;",
        "pm.expect(pm.response.code === 200).to.eql(true);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["body"],
        json!({"not": {"contains": "ERROR"}}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.name"],
        json!({"not": {"contains": "x"}}),
        "{v}"
    );
    assert_eq!(v["expect"]["json"]["$.n"], json!({"lte": 3}), "{v}");
    assert_eq!(v["expect"]["status"], json!(200), "{v}");
}

#[test]
fn chais_not_holds_for_the_rest_of_its_chain() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.expect(d.w).to.not.be.empty.and.not.be.null;",
        "pm.expect(d.u).to.not.match(/a/).and.not.include('b');",
        "pm.expect(d.t).to.not.be.above(5).and.not.be.below(1);",
    ]);
    let v = out(&s);
    // A second `.not` does not undo the first: each check after it is negated too.
    assert_eq!(
        v["expect"]["json"]["$.u"],
        json!({"not": {"matches": "a"}, "all": [{"not": {"contains": "b"}}], "any": [{"type": "string"}, {"type": "array"}]}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.t"],
        json!({"not": {"gt": 5}, "all": [{"not": {"lt": 1}}], "type": "number"}),
        "{v}"
    );
    assert!(v["expect"]["json"]["$.w"].get("equals").is_none(), "{v}");
}

#[test]
fn chais_empty_counts_an_objects_keys() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.expect(d).to.not.be.empty;",
        "pm.expect(d.args).to.be.empty;",
        "pm.expect(d.list).to.have.lengthOf(2);",
    ]);
    let v = out(&s);
    // yarc's `length` counts an object's keys, as chai's `empty` does: no `not: object`.
    assert_eq!(
        v["expect"]["json"]["$"],
        json!({"length": {"gt": 0}}),
        "{v}"
    );
    assert_eq!(v["expect"]["json"]["$.args"], json!({"length": 0}), "{v}");
    // `.length` of an object is nothing in JavaScript: `lengthOf` fails on one.
    assert_eq!(
        v["expect"]["json"]["$.list"],
        json!({"length": 2, "not": {"type": "object"}}),
        "{v}"
    );
}

#[test]
fn an_else_that_only_fails_makes_its_condition_a_check() {
    let s = test(&[
        "if (pm.response.code === 200) {",
        "    pm.test('has id', () => pm.expect(pm.response.json().id).to.exist);",
        "} else {",
        "    console.log('unexpected');",
        "    pm.test('unexpected status', () => pm.expect.fail('status ' + pm.response.code));",
        "}",
        "if (responseCode.code == 201) { tests['created'] = true; } else { tests['created'] = false; }",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["status"],
        json!({"all": [{"equals": 200}, {"equals": 201}]}),
        "{v}"
    );
    assert!(v["expect"]["json"]["$.id"].is_object(), "{v}");
    assert_eq!(s.assertions, s.assertions_seen, "{v}");
}

#[test]
fn missing_or_null_passes_what_chai_passes() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.expect(d.deletedAt).to.not.exist;",
        "pm.expect(d.flag).to.not.be.ok;",
        "if (d.error) { throw new Error(d.error); }",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(
        j["$.deletedAt"],
        json!({"any": [{"exists": false}, {"in": [null]}]}),
        "{v}"
    );
    let falsy = json!({"any": [{"exists": false}, {"in": [null, false, 0, ""]}]});
    assert_eq!(j["$.flag"], falsy, "{v}");
    assert_eq!(j["$.error"], falsy, "{v}");
    // Passing on a missing value, they keep the body's own check: `json()` throws on text.
    assert_eq!(j["$"], json!({"exists": true}), "{v}");
}

#[test]
fn a_token_request_whose_fields_go_as_json_is_the_oauth2_block() {
    let s = run(
        Phase::PreRequest,
        &[
            "var need = true;",
            "if (pm.environment.get('expires') > Date.now()) { need = false; }",
            "if (need === true) {",
            "    const login = { grant_type: 'password', client_id: 'app', username: pm.environment.get('user'), password: pm.environment.get('pass'), scopes: 'write' };",
            "    const renew = { grant_type: 'refresh_token', client_id: 'app', refresh_token: pm.environment.get('refresh') };",
            "    const call = { url: pm.globals.replaceIn(pm.environment.replaceIn(pm.environment.get('auth_url'))), method: 'POST', body: { mode: 'application/json' } };",
            "    call.body.raw = JSON.stringify(pm.environment.get('refresh') ? renew : login);",
            "    pm.sendRequest(call, function (err, res) {",
            "        var answer = res.json();",
            "        pm.environment.set('api_token', answer.access_token);",
            "    });",
            "}",
        ],
    );
    let (block, var) = s.oauth2.clone().expect("an oauth2 block");
    assert_eq!(var, "api_token");
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&block)).expect("yaml");
    assert_eq!(
        v["oauth2"],
        json!({"token_url": "{{ auth_url }}", "client_id": "app", "username": "{{ user }}",
               "password": "{{ pass }}", "params": {"scopes": "write"}}),
        "{v}"
    );
}

#[test]
fn a_list_made_with_map_is_every_items_value() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.expect(d.items.map(i => i.id)).to.include(5);",
        "pm.expect(d.items.map(function (i) { return i['first-name']; })).to.eql(['a', 'b']);",
        "pm.expect(d.items.map(i => i.id.toString())).to.include('5');",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(j["$.items[*].id"], json!({"contains": 5}), "{v}");
    assert_eq!(j["$.items[*]['first-name']"], json!(["a", "b"]), "{v}");
    // A conversion of each item is no path: kept.
    assert_eq!(s.assertions, 2, "{v}");
}

#[test]
fn every_item_must_hold_the_field_its_check_reads() {
    let s = test(&[
        "const d = pm.response.json();",
        "d.items.forEach(i => pm.expect(i.qty).to.be.above(0));",
        "pm.expect(d.items.every(i => i.price.amount > 0)).to.be.true;",
        "d.items.forEach(i => pm.expect(i.gone).to.be.undefined);",
    ]);
    let v = out(&s);
    // chai fails on an item without `qty`; `$.items[*].qty` would just skip it. Each loop's
    // checks hold when the list has items (its own case), as a loop over none checks nothing.
    let case = |i: usize| v["expect"]["cases"][i]["json"].clone();
    assert_eq!(
        case(0)["$.items[*]"],
        json!({"each": {"contains": "qty"}}),
        "{v}"
    );
    assert_eq!(
        case(0)["$.items[*].qty"],
        json!({"each": {"gt": 0, "type": "number"}}),
        "{v}"
    );
    assert_eq!(
        case(1)["$.items[*]"],
        json!({"each": {"contains": "price"}}),
        "{v}"
    );
    assert_eq!(
        case(1)["$.items[*].price"],
        json!({"each": {"contains": "amount"}}),
        "{v}"
    );
    assert_eq!(
        case(1)["$.items[*].price.amount"],
        json!({"each": {"gt": 0}}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["cases"][1]["when"],
        json!({"json": {"$.items": {"length": {"gt": 0}}}}),
        "{v}"
    );
}

#[test]
fn an_if_that_only_fails_is_read_as_a_throw_is() {
    let pre = run(
        Phase::PreRequest,
        &[
            "if (!pm.environment.get('apiKey')) {",
            "  console.error('no key');",
            "  pm.expect.fail('Set apiKey');",
            "}",
        ],
    );
    let v = out(&pre);
    assert_eq!(
        v["expect"]["vars"]["apiKey"],
        refused_unset("apiKey"),
        "{v}"
    );
    let s = test(&["if (pm.response.code === 500) { pm.expect.fail('server error'); }"]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["status"],
        json!({"not": {"equals": 500}}),
        "{v}"
    );
}

#[test]
fn index_of_compared_with_minus_one_is_contains() {
    let s = test(&[
        "tests['no y'] = responseBody.indexOf('y') === -1;",
        "tests['has z'] = responseBody.indexOf('z') !== -1;",
        "tests['no v'] = responseBody.indexOf('v') < 0;",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["body"],
        json!({"not": {"contains": "y"}, "contains": "z", "all": [{"not": {"contains": "v"}}]}),
        "{v}"
    );
}

#[test]
fn xml2json_reads_become_xpaths_by_name_as_written() {
    let s = test(&[
        "var j = xml2Json(responseBody);",
        "var r = j['soap:Envelope']['soap:Body'].GetResponse;",
        "pm.environment.set('sid', j['soap:Envelope']['soap:Body'].GetResponse.sid);",
        "pm.test('x', function () {",
        "  pm.expect(r.items.item.length).to.eql(2);",
        "  pm.expect(r.items.item[0].$.code).to.eql('a');",
        "  pm.expect(r.items.item[1]._).to.include('two');",
        "  pm.expect(r[\"it's\"]).to.exist;",
        "  pm.expect(r.gone).to.be.undefined;",
        "});",
        "var t = xml2Json(pm.response.text());",
        "tests['root'] = t.Root.Ok === 'true';",
    ]);
    let v = out(&s);
    let base = "/*[name()='soap:Envelope']/*[name()='soap:Body']/*[name()='GetResponse']";
    let x = &v["expect"]["xml"];
    assert_eq!(
        x[format!("{base}/*[name()='items']/*[name()='item']")],
        json!({"length": 2})
    );
    assert_eq!(
        x[format!("{base}/*[name()='items']/*[name()='item'][1]/@code")],
        json!("a")
    );
    assert_eq!(
        x[format!("{base}/*[name()='items']/*[name()='item'][2]")],
        json!({"contains": "two"})
    );
    assert_eq!(
        x[format!("{base}/*[name()=\"it's\"]")],
        json!({"exists": true})
    );
    assert_eq!(
        x[format!("{base}/*[name()='gone']")],
        json!({"exists": false})
    );
    assert_eq!(x["/*[name()='Root']/*[name()='Ok']"], json!("true"));
    assert_eq!(
        v["capture"]["sid"],
        json!({"xml": format!("{base}/*[name()='sid']"), "optional": true})
    );
    assert!(v["expect"].get("json").is_none(), "{v}");
    assert_eq!(s.kept, vec![]);
}

#[test]
fn what_xml2json_gives_that_xpath_cannot_say_is_kept() {
    // A whole attribute map, and a name holding both quotes, have no XPath here.
    let s = test(&[
        "var j = xml2Json(responseBody);",
        "pm.expect(j.Root.$).to.eql({id: '1'});",
        "pm.expect(j.Root[\"a'b\\\"c\"]).to.exist;",
    ]);
    assert_eq!(s.kept.len(), 2, "{:?}", s.kept);
    // Only what the kept lines read through, which Newman needs there.
    assert_eq!(
        out(&s)["expect"]["xml"],
        json!({"/*[name()='Root']": {"exists": true}})
    );
}

#[test]
fn xml_values_are_texts_so_types_and_whole_objects_stay_comments() {
    let s = test(&[
        "var j = xml2Json(responseBody);",
        "pm.expect(j.Root.Order).to.be.an('object');",
        "pm.expect(j.Root.Order).to.eql({id: '1'});",
        "pm.expect(j.Root.Order.Lines).to.eql(['a', 'b']);",
        "pm.expect(j.Root.Order.State).to.be.oneOf(['open', 'paid']);",
        "pm.expect(j.Root.Order).to.have.property('State');",
    ]);
    // `have.property` is not read for XML either: kept, never half-said.
    assert_eq!(s.kept.len(), 4, "{:?}", s.kept);
    let x = &out(&s)["expect"]["xml"];
    assert_eq!(
        x["/*[name()='Root']/*[name()='Order']/*[name()='State']"],
        json!({"in": ["open", "paid"]}),
        "{x}"
    );
}

#[test]
fn xml_texts_read_as_numbers_use_xpath_number() {
    let s = test(&[
        "var d = xml2Json(responseBody);",
        "pm.test('balance', function () { pm.expect(parseFloat(d.account.balance)).to.be.above(0); });",
        "pm.test('n', function () { pm.expect(Number(d.account.n)).to.eql(3); });",
        "pm.test('whole', function () { pm.expect(parseInt(d.account.days)).to.eql(2); });",
        "pm.test('ok', function () { pm.expect(d.response.$.result_msg).to.eql('success'); });",
        "pm.test('no path after a number', function () { pm.expect(Number(d.a).b).to.exist; });",
    ]);
    let x = &out(&s)["expect"]["xml"];
    assert_eq!(
        x["number(/*[name()='account']/*[name()='balance'])"],
        json!({"gt": 0})
    );
    assert_eq!(x["number(/*[name()='account']/*[name()='n'])"], json!(3));
    let days = "number(/*[name()='account']/*[name()='days'])";
    assert_eq!(x[format!("{days} - {days} mod 1")], json!(2));
    assert_eq!(x["/*[name()='response']/@result_msg"], json!("success"));
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn the_salesforce_login_keeps_its_session_and_the_origin_of_its_server_url() {
    let s = test(&[
        "pm.test('login', () => {",
        "    const result = xml2Json(pm.response.text())['soapenv:Envelope']['soapenv:Body'].loginResponse.result;",
        "    const url = result.serverUrl.split('/');",
        "    pm.expect(result.sessionId).to.exist;",
        "    pm.collectionVariables.set('_token', result.sessionId);",
        "    pm.collectionVariables.set('_instanceUrl', url[0] + '//' + url[2]);",
        "    pm.collectionVariables.set('_host', url[2]);",
        "});",
    ]);
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    let url = "/*[name()='soapenv:Envelope']/*[name()='soapenv:Body']/*[name()='loginResponse']/*[name()='result']/*[name()='serverUrl']";
    let first = format!("substring-before(concat({url}, '/'), '/')");
    let third = format!(
        "substring-before(concat(substring-after(substring-after({url}, '/'), '/'), '/'), '/')"
    );
    assert_eq!(
        v["capture"]["_instanceUrl"]["xml"],
        json!(format!("concat({first}, '//', {third})"))
    );
    assert_eq!(v["capture"]["_host"]["xml"], json!(third));
    // What the XPath gives for a server URL is what the script made of it.
    let answer = "<r><serverUrl>https://eu1.example.com/services/Soap/u/61.0/00D</serverUrl></r>";
    let origin = "concat(substring-before(concat(/r/serverUrl, '/'), '/'), '//', substring-before(concat(substring-after(substring-after(/r/serverUrl, '/'), '/'), '/'), '/'))";
    assert_eq!(
        yarc_core::eval::xpath::select(origin, answer),
        Ok(yarc_core::eval::xpath::Selected::One(json!(
            "https://eu1.example.com"
        )))
    );
}

#[test]
fn a_foreach_over_written_values_is_its_body_once_for_each() {
    let s = test(&[
        "var data = pm.response.json();",
        "pm.test('keys', () => { ['id', 'name'].forEach(k => pm.expect(data).to.have.property(k)); });",
        "['a', 'b'].forEach(function (k, i) { pm.expect(data[k]).to.be.a('string'); pm.expect(data.list[i]).to.exist; });",
    ]);
    assert_eq!(s.kept, vec![]);
    let j = &s.expect;
    let text = yaml_out::to_string(j);
    for want in [
        "$.id:\n    exists: true",
        "$.name:",
        "$.a:\n    type: string",
        "$.b:",
        "$.list[0]:",
        "$.list[1]:",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
}

#[test]
fn a_pre_request_loop_that_refuses_unset_variables_is_vars_checks() {
    let s = run(
        Phase::PreRequest,
        &[
            "['orgLoginUrl','apiVersion'].forEach(esiev => {",
            "    if(!pm.environment.has(esiev)) {",
            "        const msg = `Expected Postman environment variable not found: '${esiev}`;",
            "        pm.expect.fail(msg);",
            "    }",
            "    pm.expect(pm.environment.get(esiev)).to.exist;",
            "    pm.expect(pm.environment.get(esiev)).to.be.an('string');",
            "});",
            "['_orgId'].forEach(v => { if (pm.collectionVariables.get(v) === undefined) { pm.expect.fail('missing ' + v); } });",
            // What a pre-request assertion says of the response it has not got stays a comment.
            "pm.expect(pm.response.code).to.eql(200);",
        ],
    );
    let v = out(&s);
    for name in ["orgLoginUrl", "apiVersion"] {
        let own = format!("{{{{ \"{{{{{name}}}}}\" }}}}");
        // `to.exist` of what `get()` reads: neither the `{{name}}` text nor null.
        assert_eq!(
            v["expect"]["vars"][name],
            json!({"exists": true, "not": {"equals": own}, "type": "string",
                   "all": [{"not": {"in": [own, null]}}]}),
            "{v}"
        );
    }
    // `undefined`: the `null` yarc holds for a set of a missing field is refused too, and the
    // `{{_orgId}}` text a cleared or undefined variable holds.
    assert_eq!(
        v["expect"]["vars"]["_orgId"],
        json!({"exists": true, "not": {"in": ["null", "{{ \"{{_orgId}}\" }}"]}})
    );
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn polling_bounded_by_a_counter_is_sent_as_often_as_newman_sends_it() {
    let s = test(&[
        "pm.test('poll status 200', () => pm.expect(pm.response.code).to.eql(200));",
        "const j = pm.response.json();",
        "const pc = parseInt(pm.environment.get('_pollCount') || '0', 10);",
        "if (!j.done && pc < 8) {",
        "  pm.environment.set('_pollCount', String(pc + 1));",
        "  postman.setNextRequest(pm.info.requestName);",
        "  return;",
        "}",
        "pm.environment.unset('_pollCount');",
        "pm.test('operation done', () => pm.expect(j.done, JSON.stringify(j)).to.eql(true));",
    ]);
    assert_eq!(s.kept, vec![]);
    let retry = yaml_out::to_string(s.retry.as_ref().expect("retry"));
    assert!(retry.starts_with("attempts: 9\n"), "{retry}");
    assert!(retry.contains("$.done"), "{retry}");
    // `<=` goes one further; a counter read already bumped (`+ 1`) is not guessed at.
    let s = test(&[
        "const j = pm.response.json();",
        "let n = Number(pm.collectionVariables.get('n') || 0);",
        "if (n <= 2 && j.status === 'pending') { pm.collectionVariables.set('n', n + 1); postman.setNextRequest(pm.info.requestName); return; }",
    ]);
    let retry = yaml_out::to_string(s.retry.as_ref().expect("retry"));
    assert!(retry.starts_with("attempts: 4\n"), "{retry}");
    let s = test(&[
        "const j = pm.response.json();",
        "const n = Number(pm.environment.get('n') || 0) + 1;",
        "if (n < 5 && !j.done) { pm.environment.set('n', n); postman.setNextRequest(pm.info.requestName); }",
    ]);
    assert!(s.retry.is_none());
    assert!(!s.kept.is_empty());
}

#[test]
fn a_set_of_undefined_holds_what_newman_sends_for_it() {
    let s = test(&[
        "pm.test(\"Save generated token\", function(){",
        "    pm.environment.set(\"token\", pm.response.token)",
        "})",
        "pm.environment.set(\"other\", undefined);",
        "pm.variables.set(\"local\", undefined);",
        "postman.setEnvironmentVariable(\"cleared\", null);",
        "pm.variables.set(\"localNull\", null);",
    ]);
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    assert_eq!(v["variables"]["token"], json!("null"));
    assert_eq!(v["variables"]["other"], json!("null"));
    assert_eq!(v["variables"]["local"], json!(""));
    // A null is kept, and sent as `null`, in every scope.
    assert_eq!(v["variables"]["cleared"], json!("null"));
    assert_eq!(v["variables"]["localNull"], json!("null"));
    // A field the response has is no `undefined`.
    let known = Expr::Member(
        Box::new(Expr::Member(
            Box::new(Expr::Ident("pm".into())),
            "response".into(),
        )),
        "code".into(),
    );
    assert!(!undefined_response_field(&known));
}

#[test]
fn the_trimmed_body_is_the_body_with_blanks_allowed_around() {
    let s = test(&[
        "pm.test('null', function () {",
        "    const responseText = pm.response.text().trim();",
        "    pm.expect(responseText).to.equal(\"null\");",
        "    pm.expect(responseText).to.not.include(\"[\");",
        "});",
        "pm.test('starts', () => pm.expect(pm.response.text().trim()).to.match(/^a/));",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["body"],
        json!({"matches": "^\\s*null\\s*$", "not": {"contains": "["}}),
        "{v}"
    );
    // Anchored at the start, a pattern would see the blanks `trim()` takes away: kept.
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn the_uuid_snippet_is_uuid() {
    let s = run(
        Phase::PreRequest,
        &[
            "const random_uuid = uuidv4();",
            "function uuidv4() {",
            "    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'",
            "    .replace(/[xy]/g, function (c) {",
            "        const r = Math.random() * 16 | 0, ",
            "            v = c == 'x' ? r : (r & 0x3 | 0x8);",
            "        return v.toString(16);",
            "    });",
            "}",
            "pm.environment.set(\"Uuid_For_PUT\", random_uuid);",
            "console.log(random_uuid);",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["Uuid_For_PUT"],
        json!("{{ uuid() }}"),
        "{v} {:?}",
        s.kept
    );
}

#[test]
fn a_variable_set_from_a_value_equals_its_text_only_when_it_is_text() {
    let s = test(&[
        "const user = pm.response.json();",
        "pm.environment.set('chainedUserId', user.id);",
        "pm.test('User id saved for next request', function () {",
        "    pm.expect(pm.environment.get('chainedUserId')).to.eql(String(user.id));",
        "});",
        "pm.test('negated', () => pm.expect(pm.environment.get('chainedUserId')).to.not.eql(user.id.toString()));",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.id"],
        json!({"type": "string", "not": {"type": "string"}}),
        "{v}"
    );
    assert_eq!(s.kept.len(), 0, "{:?}", s.kept);
}

#[test]
fn loops_in_loops_and_over_a_written_list_convert() {
    let s = test(&[
        "const json = pm.response.json();",
        "pm.test('games', () => {",
        "  json.data.forEach(item => {",
        "    item.games.forEach(game => {",
        "      pm.expect(game).to.have.property(\"id\").that.is.a(\"number\");",
        "      pm.expect(game.name).to.be.a('string');",
        "    });",
        "  });",
        "});",
        "const expectedCategories = ['slots', 'live'];",
        "const categoryNames = json.categories.map(c => c.name);",
        "expectedCategories.forEach(name => {",
        "  pm.expect(categoryNames).to.include(name);",
        "});",
    ]);
    assert_eq!(s.kept, vec![]);
    let j = &with_items(&out(&s));
    assert_eq!(
        j["$.data[*]"],
        json!({"each": {"contains": "games"}}),
        "{j}"
    );
    assert_eq!(
        j["$.data[*].games"],
        json!({"each": {"type": "array"}}),
        "{j}"
    );
    assert_eq!(
        j["$.data[*].games[*].id"],
        json!({"each": {"exists": true, "type": "number"}}),
        "{j}"
    );
    assert_eq!(
        j["$.data[*].games[*].name"],
        json!({"each": {"type": "string"}}),
        "{j}"
    );
    assert_eq!(
        j["$.categories[*].name"],
        json!({"all": [{"contains": "slots"}, {"contains": "live"}]}),
        "{j}"
    );
}

#[test]
fn a_local_built_up_after_it_is_declared_is_no_written_value() {
    let s = run(
        Phase::PreRequest,
        &[
            "var rq = {};",
            "rq.contactInfo = {};",
            "rq.contactInfo.emails = [];",
            "pm.variables.set('body', JSON.stringify(rq));",
            "const ids = ['a'];",
            "ids.push(pm.environment.get('id'));",
            "ids.forEach(i => pm.expect(pm.environment.get(i)).to.exist);",
            "const fixed = {a: 1};",
            "pm.variables.set('fixed', JSON.stringify(fixed));",
        ],
    );
    let v = out(&s);
    assert!(v["sets"].get("body").is_none(), "{v}");
    // The text JSON.stringify makes, as the variable holds it.
    assert_eq!(v["sets"]["fixed"], "{\"a\":1}", "{v}");
    assert!(v["expect"].get("vars").is_none(), "{v}");
}

#[test]
fn random_whole_numbers_between_two_written_ends() {
    let s = run(
        Phase::PreRequest,
        &[
            "let year = Math.floor(Math.random() * (2025 - 1900 + 1)) + 1900;",
            "pm.environment.set(\"year\",year)",
            "pm.environment.set(\"c\", Math.floor(Math.random() * 900) + 100);",
            // Rounding makes both ends half as likely in Postman; a uniform pick of the same
            // range serves a made-up value as well (a variable left unset would not).
            "pm.environment.set(\"d\", Math.round(Math.random() * 10));",
            "pm.environment.set(\"e\", Math.ceil(Math.random() * 6));",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["year"], json!("{{ random_int(1900, 2025) }}"));
    assert_eq!(v["sets"]["c"], json!("{{ random_int(100, 999) }}"));
    assert_eq!(v["sets"]["d"], json!("{{ random_int(0, 10) }}"));
    assert_eq!(v["sets"]["e"], json!("{{ random_int(1, 6) }}"));
    assert_eq!(s.kept, vec![]);
}

#[test]
fn a_group_in_parentheses_is_told_from_two() {
    use super::jinja::enclosed;
    assert!(enclosed("(a + (b | int))"));
    assert!(!enclosed("(a) + (b)"));
    assert!(enclosed("(\"(\" ~ x)"), "a parenthesis in a string is text");
    assert!(
        enclosed("('it\\'s)' ~ x)"),
        "an escaped quote does not end the string"
    );
    assert!(!enclosed("a + b"));
}

#[test]
fn arithmetic_stays_whole_under_a_filter_and_inside_other_arithmetic() {
    // `String(1000 + (n % 9000))` was `1000 + (n | int) % 9000 | string`: the filter bound to
    // 9000 alone, and minijinja refused `number % string` when the request was sent.
    let s = run(
        Phase::PreRequest,
        &[
            "const suffix = Date.now().toString().slice(-6);",
            "pm.collectionVariables.set('last4', String(1000 + (Number(suffix) % 9000)));",
            "pm.collectionVariables.set('left', 10 - (4 - 1));",
            "pm.collectionVariables.set('n', `page-${pm.variables.get('a') - 1}`);",
        ],
    );
    let v = out(&s);
    let last4 = v["sets"]["last4"].as_str().unwrap();
    assert!(last4.ends_with("| number) % 9000)) }}"), "{last4}");
    assert_eq!(v["sets"]["left"], json!("{{ (10 - (4 - 1)) }}"));
    assert_eq!(v["sets"]["n"], json!("page-{{ ((a | number) - 1) }}"));
    let env = minijinja::Environment::new();
    for (expr, want) in [
        ("(10 - (4 - 1))", "7"),
        ("(1000 + (123456 % 9000)) | string", "7456"),
    ] {
        let got = env.render_str(&format!("{{{{ {expr} }}}}"), ()).unwrap();
        assert_eq!(got, want, "{expr}");
    }
}

#[test]
fn a_set_of_a_length_keeps_the_count() {
    let s = test(&[
        "const jsonData = pm.response.json();",
        "pm.environment.set(\"last_test_count\", jsonData.length);",
        "pm.environment.set(\"items\", jsonData.data.items.length);",
    ]);
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["last_test_count"],
        json!({"json": "$", "length": true})
    );
    assert_eq!(
        v["capture"]["items"],
        json!({"json": "$.data.items", "length": true})
    );
}

#[test]
fn a_property_of_the_response_object_is_that_field() {
    let s = test(&[
        "pm.test('ok', () => { pm.expect(pm.response).to.have.property('status', 'OK'); });",
        "pm.test('code', () => { pm.expect(pm.response).to.not.have.property('code', 500); });",
        // Every response object has an id: nothing to check, so nothing is claimed.
        "pm.test('id', () => { pm.expect(pm.response).to.have.property('id'); });",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["status"],
        json!({"equals": 200, "not": {"equals": 500}}),
        "{v}"
    );
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn the_keys_of_an_object_are_how_many_and_which() {
    let s = test(&[
        "const json = pm.response.json();",
        "pm.test('keys', () => {",
        "  pm.expect(Object.keys(json.meta)).to.have.lengthOf(0);",
        "  pm.expect(Object.keys(json.user)).to.include('id');",
        "  const expectedKeys = ['id', 'name'];",
        "  const actualKeys = Object.keys(json.item);",
        "  pm.expect(actualKeys.sort()).to.eql(expectedKeys.sort());",
        "});",
    ]);
    assert_eq!(s.kept, vec![]);
    let j = &out(&s)["expect"]["json"];
    assert_eq!(j["$.meta"], json!({"type": "object", "length": 0}), "{j}");
    assert_eq!(j["$.user.id"], json!({"exists": true}), "{j}");
    assert_eq!(j["$.item"], json!({"type": "object", "length": 2}), "{j}");
    assert_eq!(j["$.item.name"], json!({"exists": true}), "{j}");
}

#[test]
fn an_xml_value_read_through_a_missing_element_fails_the_request_as_the_script_throws() {
    let s = test(&[
        "const res = xml2Json(responseBody);",
        "const token = res['soap-env:Envelope']['soap-env:Header']['wsse:Security'].Token._;",
        "pm.environment.set('token', token);",
    ]);
    let v = out(&s);
    let security =
        "/*[name()='soap-env:Envelope']/*[name()='soap-env:Header']/*[name()='wsse:Security']";
    // Newman throws reading past a missing element: the request fails, the token stays.
    assert_eq!(
        v["expect"]["xml"],
        json!({ format!("{security}/*[name()='Token']"): {"exists": true} }),
        "{v}"
    );
    assert_eq!(
        v["capture"]["token"],
        json!({"xml": format!("{security}/*[name()='Token']"), "optional": true}),
        "{v}"
    );
    // Under the document itself nothing throws: a missing element is `undefined`, set as null.
    let s = test(&[
        "const res = xml2Json(responseBody);",
        "pm.environment.set('root', res.Root);",
    ]);
    let v = out(&s);
    assert!(v["expect"].get("xml").is_none(), "{v}");
    assert_eq!(
        v["capture"]["root"],
        json!({"xml": "/*[name()='Root']", "default": "null"})
    );
}

#[test]
fn xml2js_parse_string_callbacks_read_the_body_with_every_child_a_list() {
    let s = test(&[
        "var parseString = require('xml2js').parseString;",
        "var strip = require('xml2js').processors.stripPrefix;",
        "parseString(responseBody, { tagNameProcessors: [strip] }, function (err, result) {",
        "    var id = result.Envelope.Body[\"0\"].CreateRS[0].$.id;",
        "    postman.setEnvironmentVariable('id', id);",
        "    pm.expect(result.Envelope.Body[0].CreateRS[0].Item.length).to.eql(2);",
        "});",
    ]);
    let v = out(&s);
    let rs = "/*[local-name()='Envelope']/*[local-name()='Body'][1]/*[local-name()='CreateRS'][1]";
    assert_eq!(
        v["capture"]["id"],
        json!({"xml": format!("{rs}/@id"), "optional": true}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["xml"][format!("{rs}/*[local-name()='Item']")],
        json!({"length": 2}),
        "{v}"
    );
    assert_eq!(s.kept, vec![], "{v}");
    // Without stripPrefix, names as written; through the module's name.
    let s = test(&[
        "const xml2js = require('xml2js');",
        "xml2js.parseString(pm.response.text(), (err, result) => {",
        "    pm.environment.set('sid', result['soap:Envelope']['soap:Body'][0].Login[0].sid[0]);",
        "});",
    ]);
    assert_eq!(
        out(&s)["capture"]["sid"]["xml"],
        json!(
            "/*[name()='soap:Envelope']/*[name()='soap:Body'][1]/*[name()='Login'][1]/*[name()='sid'][1]"
        )
    );
    // Options that change what `result` holds are not guessed at.
    let s = test(&[
        "var parseString = require('xml2js').parseString;",
        "parseString(responseBody, { explicitArray: false }, function (err, result) {",
        "    pm.environment.set('sid', result.Envelope.Body.sid);",
        "});",
    ]);
    assert_eq!(out(&s)["capture"], json!({}));
    assert_eq!(s.kept.len(), 2, "{:?}", s.kept);
}

#[test]
fn query_parameters_a_pre_request_script_adds_are_the_requests_query() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.request.url.addQueryParams([",
            "    { key: 'key', value: pm.globals.get('trelloKey') },",
            "    { key: 'lang', value: 'pl' }",
            "]);",
            "pm.request.url.query.add({ key: 'page', value: pm.environment.get('page') });",
            "pm.request.addQueryParams('a=1&b=two%20words');",
        ],
    );
    let query: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.query)).expect("yaml");
    assert_eq!(
        query,
        json!({"key": "{{ trelloKey }}", "lang": "pl", "page": "{{ page }}", "a": "1", "b": "two words"})
    );
    assert_eq!(s.kept, vec![]);
    // A value computed from something else stays a comment.
    let s = run(
        Phase::PreRequest,
        &["pm.request.url.addQueryParams([{ key: 'sig', value: sign(pm.request) }]);"],
    );
    assert_eq!(s.kept.len(), 1);
}

#[test]
fn a_text_built_by_a_counted_loop_is_that_value_repeated() {
    let s = run(
        Phase::PreRequest,
        &[
            "var login = \"\";",
            "for (let i = 0; i < 15; i++) {",
            "    login += pm.variables.replaceIn(\"{{$randomAlphaNumeric}}\");",
            "}",
            "pm.collectionVariables.set(\"login\", login);",
            "let pin = 'p-';",
            "for (var j = 0; j < 2; j++) { pin += '0'; }",
            "pm.environment.set('pin', pin);",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["login"],
        json!("{% for _ in range(15) %}{{ fake('alpha_numeric') }}{% endfor %}"),
        "{v}"
    );
    assert_eq!(v["sets"]["pin"], json!("p-00"), "{v}");
    assert_eq!(s.kept, vec![]);
    // The count a constant holds.
    let s = run(
        Phase::PreRequest,
        &[
            "const size = 3;",
            "let code = '';",
            "for (let i = 0; i < size; i++) { code += 'ab'.charAt(Math.floor(Math.random() * 2)); }",
            "pm.collectionVariables.set('code', code);",
        ],
    );
    let v = out(&s);
    let code = "{% for _ in range(3) %}{{ \"ab\"[random_int(0, 1)] }}{% endfor %}";
    assert_eq!(v["sets"]["code"], json!(code), "{v}");
    assert_eq!(s.kept, vec![]);
    // A body that reads the index, or a count from elsewhere, stays a comment.
    let s = run(
        Phase::PreRequest,
        &[
            "var s = '';",
            "for (let i = 0; i < 3; i++) { s += i; }",
            "for (let i = 0; i < n; i++) { s += 'x'; }",
            "pm.environment.set('s', s);",
        ],
    );
    assert!(s.kept.len() >= 2, "{:?}", s.kept);
}

#[test]
fn a_set_of_a_cookie_the_response_sets_is_a_cookie_capture() {
    let s = test(&[
        "pm.collectionVariables.set('oc_sessid', pm.cookies.get('OCSESSID'));",
        "pm.environment.set('csrf', postman.getResponseCookie('XSRF-TOKEN').value);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["oc_sessid"],
        json!({"cookie": "OCSESSID", "default": "null"}),
        "{v}"
    );
    // Reading `.value` of a cookie that is not there throws: the request fails without it.
    assert_eq!(v["capture"]["csrf"], json!({"cookie": "XSRF-TOKEN"}), "{v}");
    assert_eq!(s.kept, vec![]);
}

#[test]
fn a_first_item_or_false_is_read_as_the_item_without_throwing() {
    let s = test(&[
        "var jsonData = JSON.parse(responseBody);",
        "jsonData = jsonData.length > 0 && jsonData[0];",
        "if (jsonData.id) postman.setEnvironmentVariable('account_id', jsonData.id);",
        "postman.setEnvironmentVariable('kind', jsonData.type);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["account_id"],
        json!({"json": "$[0].id", "optional": true}),
        "{v}"
    );
    // `false.type` is `undefined`, set as null: nothing throws, nothing is required.
    assert_eq!(
        v["capture"]["kind"],
        json!({"json": "$[0].type", "default": "null"}),
        "{v}"
    );
    assert!(v["expect"]["json"].get("$[0]").is_none(), "{v}");
    assert_eq!(s.kept, vec![]);
    // A condition on something else is not this idiom.
    let s = test(&[
        "var d = pm.response.json();",
        "var ok = pm.response.code === 200 && d.items;",
        "pm.test('ok', () => pm.expect(ok).to.be.ok);",
    ]);
    assert!(out(&s)["capture"].get("ok").is_none());
}

#[test]
fn a_getter_helper_written_on_one_line_is_read_as_one_on_several() {
    let s = run(
        Phase::PreRequest,
        &[
            "function getvar(name) { let value = pm.variables.get(name); if (!value) throw new Error('missing ' + name); return value; }",
            "let clientId = getvar('clientId');",
            "pm.variables.set('who', clientId);",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["who"],
        json!("{{ clientId }}"),
        "{v} {:?}",
        s.kept
    );
    assert_eq!(
        v["expect"]["vars"]["clientId"]["exists"],
        json!(true),
        "{v}"
    );
    assert_eq!(s.kept, vec![]);
}

#[test]
fn a_function_of_checks_is_read_at_each_call_with_its_arguments() {
    let s = test(&[
        "pm.test('ok', () => pm.response.to.have.status(200));",
        "const checkPart = (part) => {",
        "    pm.test(`part ${part}`, () => {",
        "        const data = pm.response.json();",
        "        const found = data.parts.find((p) => p.ref === part);",
        "        pm.expect(found).to.exist;",
        "        pm.expect(found.items).to.be.an('array');",
        "    });",
        "};",
        "checkPart('alpha');",
        "checkPart('beta');",
        "function never(x) { pm.expect(x).to.eql(1); }",
    ]);
    let v = out(&s);
    let json = &v["expect"]["json"];
    // Each call's checks, the argument written in (`each` fails on nothing, as `found.items`
    // throws in Postman when no part is found).
    for part in ["alpha", "beta"] {
        let items = format!("$.parts[?(@.ref == '{part}')].items");
        assert_eq!(
            json[&items],
            serde_json::json!({"each": {"type": "array"}}),
            "{v}"
        );
    }
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_for_of_loop_over_a_written_list_is_read_once_per_value() {
    let s = run(
        Phase::PreRequest,
        &[
            "const needed = ['orgUrl', 'apiVersion'];",
            "for (name of needed) {",
            "    if (pm.collectionVariables.get(name) === undefined) {",
            "        pm.expect.fail('missing ' + name);",
            "    }",
            "}",
        ],
    );
    let v = out(&s);
    for name in ["orgUrl", "apiVersion"] {
        let own = format!("{{{{ \"{{{{{name}}}}}\" }}}}");
        assert_eq!(
            v["expect"]["vars"][name],
            serde_json::json!({"exists": true, "not": {"in": ["null", own]}}),
            "{v}"
        );
    }
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_function_of_checks_passed_along_is_kept_not_counted() {
    let s = test(&[
        "const checkPart = (part) => {",
        "    pm.expect(pm.response.json()[part]).to.exist;",
        "};",
        "['a', 'b'].forEach(checkPart);",
    ]);
    // Not read at the forEach: its lines stay comments, none counted as converted, and its
    // check is counted as one seen and not converted.
    assert_eq!(s.converted_lines, 0, "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (1, 0));
    assert!(
        s.kept.iter().any(|k| k.1.contains("const checkPart")),
        "{:?}",
        s.kept
    );
}

#[test]
fn loops_in_loops_past_the_allowance_stay_as_written() {
    // 32 values three deep would be 32,768 readings of the body (five deep, 33 million: the
    // import never ended): past 4,096 the loop stays a comment.
    let values: Vec<String> = (0..32).map(|i| format!("'v{i}'")).collect();
    let list = format!("[{}]", values.join(", "));
    let mut lines: Vec<String> = (0..3)
        .map(|d| format!("for (const a{d} of {list}) {{"))
        .collect();
    lines.push("pm.expect(pm.response.json()[a0]).to.exist;".into());
    lines.extend((0..3).map(|_| "}".to_string()));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let s = test(&refs);
    assert!(!s.kept.is_empty(), "the nested loops were all unrolled");
    assert!(
        out(&s)["expect"]["json"]
            .as_object()
            .is_none_or(|j| j.len() <= 32)
    );
}

#[test]
fn the_length_of_what_find_picks_is_each_found_items() {
    let s = test(&[
        "var data = pm.response.json();",
        "const found = data.parts.find((p) => p.ref === 'a');",
        "pm.expect(found.items.length).to.eql(2);",
        "pm.expect(data.parts.filter((p) => p.ref === 'b').length).to.eql(1);",
    ]);
    let v = out(&s);
    let json = &v["expect"]["json"];
    // Not the number of parts found: the length of the found part's items.
    assert_eq!(
        json["$.parts[?(@.ref == 'a')].items"],
        serde_json::json!({"each": {"length": 2}}),
        "{v}"
    );
    // A filter's own length is how many it found.
    assert_eq!(json["$.parts[?(@.ref == 'b')]"]["length"], 1, "{v}");
}

#[test]
fn an_await_outside_an_async_function_is_a_script_newman_refuses() {
    for (lines, top) in [
        (
            &[
                "const r = await Promise.resolve(1);",
                "pm.test('x', () => pm.expect(1).to.eql(1));",
            ][..],
            true,
        ),
        (
            &[
                "if (pm.environment.get('k')) {",
                "  const sig = await crypto.subtle.sign('HMAC', k, m);",
                "}",
            ][..],
            true,
        ),
        (
            &["setTimeout(async () => { await Promise.resolve(1); }, 0);"][..],
            false,
        ),
        (
            &[
                "async function f() {",
                "  return await g();",
                "}",
                "pm.test('x', () => pm.expect(1).to.eql(1));",
            ][..],
            false,
        ),
        (
            &["pm.test('awaits', function () { pm.expect(1).to.eql(1); });"][..],
            false,
        ),
    ] {
        let s = test(lines);
        assert_eq!(s.awaits_at_top, top, "{lines:?}");
        if top {
            assert_eq!(s.assertions, 0, "nothing of it is converted: {lines:?}");
        }
    }
}

#[test]
fn a_top_level_const_of_a_sandbox_name_is_one_newman_refuses() {
    let s = test(&[
        "const data = pm.response.json();",
        "var environment = 1;",
        "let tests = 3;",
        "pm.test('x', () => { const data = 1; pm.expect(data).to.eql(1); });",
    ]);
    // `var` may; inside a function the name is its own.
    assert_eq!(s.redeclared, ["data", "tests"]);
    // Newman runs none of the script: nothing of it is converted, every line kept.
    let v = out(&s);
    assert!(v["expect"].as_object().is_none_or(|e| e.is_empty()), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (0, 1));
    assert_eq!(s.kept.len(), 4, "{:?}", s.kept);
}

#[test]
fn a_pkce_challenge_made_url_safe_by_hand_is_the_base64url_digest() {
    let s = run(
        Phase::PreRequest,
        &[
            "function randomString(length) {",
            "    const charset = 'abc';",
            "    let result = '';",
            "    for (let i = 0; i < length; i++) {",
            "        result += charset.charAt(Math.floor(Math.random() * charset.length));",
            "    }",
            "    return result;",
            "}",
            "const verifier = randomString(96);",
            "const challenge = CryptoJS.enc.Base64.stringify(CryptoJS.SHA256(verifier))",
            "    .replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_');",
            "pm.environment.set('code_verifier', verifier);",
            "pm.environment.set('code_challenge', challenge);",
            // Only the first `+` would be replaced: not the URL-safe alphabet.
            "pm.environment.set('partly', CryptoJS.SHA256(verifier).toString(CryptoJS.enc.Base64).replace('+', '-').replace(/\\//g, '_').replace(/=/g, ''));",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["code_verifier"],
        json!("{% for _ in range(96) %}{{ \"abc\"[random_int(0, 2)] }}{% endfor %}"),
        "{v}"
    );
    // The challenge reads the verifier the request sends, not a second random one.
    assert_eq!(
        v["sets"]["code_challenge"],
        json!("{{ ((code_verifier | string) | sha256(\"base64url\")) }}"),
        "{v}"
    );
    assert!(v["sets"].get("partly").is_none(), "{v}");
}

#[test]
fn cryptojs_digests_and_hmacs_become_template_filters() {
    let s = run(
        Phase::PreRequest,
        &[
            "var ts = Date.now();",
            "pm.environment.set('ts', ts);",
            "var key = pm.environment.get('secretKey');",
            "var sig = CryptoJS.HmacSHA256('symbol=X&timestamp=' + ts, key).toString();",
            "pm.environment.set('signature', sig);",
            "pm.environment.set('b64', CryptoJS.enc.Base64.stringify(CryptoJS.HmacSHA1(pm.environment.get('body'), key)));",
            "pm.variables.set('md', CryptoJS.MD5(CryptoJS.enc.Utf8.parse('abc')).toString(CryptoJS.enc.Hex));",
            "pm.variables.set('h', CryptoJS.SHA256('abc').toString(CryptoJS.enc.Base64));",
        ],
    );
    let v = out(&s);
    assert_eq!(s.kept.len(), 0, "{:?}", s.kept);
    assert_eq!(
        v["sets"]["signature"],
        "{{ (((\"symbol=X&timestamp=\" ~ ts) | string) | hmac_sha256((secretKey | string))) }}"
    );
    assert_eq!(
        v["sets"]["b64"],
        "{{ ((body | string) | hmac_sha1((secretKey | string), \"base64\")) }}"
    );
    assert_eq!(v["sets"]["md"], "{{ ((\"abc\" | string) | md5) }}");
    assert_eq!(
        v["sets"]["h"],
        "{{ ((\"abc\" | string) | sha256(\"base64\")) }}"
    );
}

#[test]
fn a_signature_over_the_request_s_own_query_is_made_when_it_is_sent() {
    let lines: Vec<String> = [
        "var timestamp = new Date().getTime().toString();",
        "pm.environment.set(\"timestamp\", timestamp);",
        "var api_secret = pm.environment.get(\"secretKey\");",
        "var parameters = pm.request.url.query.toObject();",
        "var paramsObject = {};",
        "Object.keys(parameters).forEach((paramKey) => {",
        "  var paramValue = parameters[paramKey];",
        "  var disabled = false;",
        "  if (paramKey !== 'signature' && paramValue && !disabled) {",
        "    paramsObject[paramKey] = paramValue;",
        "  }",
        "});",
        "paramsObject.timestamp = timestamp;",
        "var requestString = Object.keys(paramsObject).map((key) => `${key}=${paramsObject[key]}`).join('&');",
        "console.log(requestString)",
        "var signature = CryptoJS.HmacSHA256(requestString, api_secret).toString();",
        "pm.environment.set(\"signature\", signature);",
    ]
    .map(String::from)
    .to_vec();
    let query: Vec<(String, Option<String>)> = [
        ("symbol", Some("BTCUSDT")),
        ("empty", Some("")),
        ("recvWindow", Some("5000")),
        ("timestamp", Some("{{timestamp}}")),
        ("signature", Some("{{signature}}")),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
    .collect();
    let request = Request {
        body: None,
        query: Some(&query),
        text: None,
    };
    let s = convert_item(&lines, Phase::PreRequest, request, None, &Known::default());
    let kept: Vec<usize> = s.kept.iter().map(|k| k.0).collect();
    assert_eq!(kept, [15], "only the console line: {:?}", s.kept);
    let v = out(&s);
    // `timestamp` is a function of yarc's: the variable is `timestamp_`.
    assert_eq!(v["sets"]["timestamp_"], "{{ (timestamp_ms() | string) }}");
    // The empty parameter and the signature's own are left out, the timestamp replaced where
    // the query has it, as the script's object does.
    assert_eq!(
        v["sets"]["signature"],
        "{{ ((((\"symbol=BTCUSDT\" | string) ~ \"&\" ~ (\"recvWindow=5000\" | string) ~ \"&\" ~ \
         ((\"timestamp=\" ~ timestamp_) | string)) | string) | hmac_sha256((secretKey | string))) }}"
    );
}

#[test]
fn a_signature_of_the_method_path_query_and_raw_body_reads_them_as_written() {
    let lines: Vec<String> = [
        "var m = pm.request.method + '\\n' + pm.request.url.getPath() + '?' + pm.request.url.getQueryString() + '\\n' + pm.request.body.raw;",
        "pm.variables.set('sig', CryptoJS.HmacSHA256(m, 'k').toString());",
    ]
    .map(String::from)
    .to_vec();
    let text = RequestText {
        method: "PUT".into(),
        path: Some("/v2/items/7".into()),
        query: Some("dry=true&note".into()),
        raw_body: Some("{\"a\": 1}".into()),
        ..Default::default()
    };
    let request = Request {
        body: None,
        query: None,
        text: Some(&text),
    };
    let s = convert_item(&lines, Phase::PreRequest, request, None, &Known::default());
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert!(s.raw_body_read, "the body must go out as written");
    let sig = out(&s)["sets"]["sig"].as_str().unwrap().to_string();
    for part in [
        "\"PUT\"",
        "\"/v2/items/7\"",
        "\"dry=true&note\"",
        "\"{\\\"a\\\": 1}\"",
    ] {
        assert!(sig.contains(part), "{part} in {sig}");
    }
    // A body holding a variable is text Newman signs unrendered: left for a human.
    let braces = RequestText {
        raw_body: Some("{\"a\": {{n}}}".into()),
        ..text.clone()
    };
    let request = Request {
        body: None,
        query: None,
        text: Some(&braces),
    };
    let s = convert_item(&lines, Phase::PreRequest, request, None, &Known::default());
    assert_eq!(s.kept.len(), 2, "{:?}", s.kept);
}

#[test]
fn a_flag_a_callback_sets_is_never_decided_before_the_run() {
    let s = run(
        Phase::PreRequest,
        &[
            "var found = false;",
            "var mode = 'fast';",
            "pm.environment.get('ids').split(',').forEach(function (id) { if (id === '7') found = true; });",
            "if (found) { pm.environment.set('seven', 'yes'); }",
            "if (mode === 'fast') { pm.environment.set('speed', 'high'); } else { pm.environment.set('speed', 'low'); }",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["speed"], "high", "{v}");
    assert!(v["sets"].get("seven").is_none(), "{v}");
    assert!(s.kept.iter().any(|k| k.0 == 4), "{:?}", s.kept);
}

#[test]
fn text_joined_with_response_values_is_captured_and_given_before_the_next_request() {
    let s = test(&[
        "var jsonData = pm.response.json();",
        "var JWT = \"JWT \" + jsonData.access_token;",
        "pm.globals.set(\"JWT\", JWT);",
        "pm.environment.set(\"who\", jsonData.user.first + \" \" + jsonData.user.last);",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let v = out(&s);
    assert_eq!(
        v["capture"]["JWT_from_response"],
        json!({"json": "$.access_token", "default": "undefined"})
    );
    assert_eq!(v["capture"]["who_from_response_2"]["json"], "$.user.last");
    let after = yaml_out::to_string(&s.after);
    assert!(
        after.contains("JWT: \"{{ (\\\"JWT \\\" | string) ~ (JWT_from_response | string) }}\""),
        "{after}"
    );
    assert!(after.contains("who_from_response_2 | string"), "{after}");
    assert_eq!((s.sets_seen, s.captures), (2, 2));
}

#[test]
fn a_scope_script_decides_by_a_url_segment_read_in_a_block() {
    let lines: Vec<String> = [
        "try {",
        "    const segment = request.url.split('/')[1];",
        "    switch (segment) {",
        "        case 'token': pm.variables.set('kind', 'form'); break;",
        "        default: pm.variables.set('kind', 'other');",
        "    }",
        "} catch (e) {}",
    ]
    .map(String::from)
    .to_vec();
    let known = Known::default();
    let (_, dispatch) = convert_scope(&lines, Phase::PreRequest, &known);
    let d = dispatch.expect("decided per request");
    let kind = |url: &str| {
        let s = convert_dispatched(&d, Default::default(), "any", url, &known);
        out(&s)["sets"]["kind"].clone()
    };
    assert_eq!(kind("{{base}}/token/new"), json!("form"));
    // A URL with no second segment: `undefined` is none of the cases.
    assert_eq!(kind("{{base}}"), json!("other"));
}

#[test]
fn a_local_assigned_again_is_not_written_in() {
    let parse = |src: &str| js::parse(src).remove(0);
    assert!(parse("found = true;").assigns("found"));
    assert!(parse("list.forEach(x => { found = true; });").assigns("found"));
    assert!(!parse("list.forEach(found => { found = true; });").assigns("found"));
    assert!(parse("if (a) { n++; }").assigns("n"));
    assert!(!parse("const n = found ? 1 : 2;").assigns("found"));
}

#[test]
fn a_lookup_in_a_table_the_script_wrote_is_a_template() {
    let s = run(
        Phase::PreRequest,
        &[
            "var reasons = { '0001': 'Not required', '0002': 'Damaged' };",
            "var code = pm.variables.get('reasonCode');",
            "pm.environment.set('reason', reasons[code]);",
            "pm.environment.set('first', reasons['0001']);",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["reason"],
        json!(
            "{{ ({\"0001\": \"Not required\", \"0002\": \"Damaged\"}[(reasonCode | string)] | default(none)) }}"
        ),
        "{v}"
    );
    assert_eq!(s.kept.len(), 0, "{:?}", s.kept);
}

#[test]
fn seconds_since_1970_are_the_timestamp_function() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.environment.set('a', Math.floor(Date.now() / 1000));",
            "pm.environment.set('b', Math.round(new Date().getTime() / 1000));",
            "pm.variables.set('c', 'x-' + parseInt(Date.now() / 1000));",
            "pm.variables.set('d', Math.floor(Date.now() / 100));",
            "var t = Math.round(new Date() / 1000);",
            "pm.environment.set('e', t);",
            "pm.environment.set('f', parseInt(Date.now() / 1000));",
            "pm.environment.set('g', parseInt(pm.environment.get('ms') / 1000));",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["e"], json!("{{ timestamp() }}"), "{v}");
    // The conversion kept, and bound around the whole quotient.
    assert_eq!(v["sets"]["f"], json!("{{ timestamp() }}"), "{v}");
    assert_eq!(
        v["sets"]["g"],
        json!("{{ (((ms | number) / 1000) | int) }}"),
        "{v}"
    );
    assert_eq!(v["sets"]["a"], json!("{{ timestamp() }}"), "{v}");
    assert_eq!(v["sets"]["b"], json!("{{ timestamp() }}"), "{v}");
    assert_eq!(v["sets"]["c"], json!("x-{{ timestamp() }}"), "{v}");
    // Tenths of a second are no timestamp.
    assert_ne!(v["sets"]["d"], json!("{{ timestamp() }}"), "{v}");
}

#[test]
fn a_value_computed_from_a_response_field_is_captured_then_computed() {
    let s = test(&[
        "const res = pm.response.json();",
        "pm.environment.set('code', res.code.toUpperCase());",
        "pm.environment.set('tok', pm.response.headers.get('X-Auth').split(' ')[1]);",
        "if (res.day) { pm.environment.set('day', res.day.substring(0, 10)); }",
    ]);
    let v = out(&s);
    // Not there: the variable keeps what it had, as when the script throws in Postman.
    assert_eq!(
        v["capture"]["code_from_response"],
        json!({"json": "$.code", "optional": true}),
        "{v}"
    );
    assert_eq!(
        v["capture"]["tok_from_response"],
        json!({"header": "X-Auth", "optional": true,
            "when": {"json": {"$.code": {"exists": true, "not": {"equals": null}}}}}),
        "{v}"
    );
    let after = yaml_out::to_string(&s.after);
    assert!(
        after
            .to_string()
            .contains("code_from_response | string) | upper"),
        "{after}"
    );
    // Behind a guard Postman keeps the old value: not converted.
    assert!(v["capture"].get("day_from_response").is_none(), "{v}");
}

#[test]
fn the_last_item_of_a_list_is_index_minus_one() {
    let s = test(&[
        "const res = pm.response.json();",
        "pm.environment.set('last', res.items[res.items.length - 1].id);",
        "pm.environment.set('before', res.items[res.items.length - 2].id);",
        "pm.environment.set('other', res.items[res.other.length - 1].id);",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["last"]["json"], json!("$.items[-1].id"), "{v}");
    assert_eq!(
        v["capture"]["before"]["json"],
        json!("$.items[-2].id"),
        "{v}"
    );
    // The length of another list is no position in this one.
    assert!(v["capture"].get("other").is_none(), "{v}");
}

#[test]
fn a_type_name_compared_and_a_body_asked_for_are_checks() {
    let s = test(&[
        "pm.test('typeof', () => { pm.expect(typeof pm.response.json().id).to.eql('number'); });",
        "pm.test('not text', () => { pm.expect(typeof pm.response.json().n).to.not.equal('string'); });",
        "pm.test('has body', () => { pm.response.to.have.body(); });",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.id"],
        json!({"type": "number"}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.n"],
        json!({"not": {"type": "string"}}),
        "{v}"
    );
    assert_eq!(v["expect"]["body"], json!({"length": {"gt": 0}}), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (3, 3));
}

#[test]
fn an_if_that_only_logs_does_nothing_and_a_made_parameter_is_added() {
    let s = run(
        Phase::PreRequest,
        &[
            "let token = pm.environment.get('token');",
            "if (!token) { console.log('no token'); } else { console.log('token'); }",
            "pm.request.url.addQueryParams('ts=' + Date.now());",
            "if (pm.response.json().x) { console.log('x'); }",
        ],
    );
    let v = yaml_out::to_string(&s.query);
    assert!(v.contains("ts: \"{{ timestamp_ms() }}\""), "{v}");
    // A condition that may throw (reading the response) is not nothing.
    let kept: Vec<usize> = s.kept.iter().map(|k| k.0).collect();
    assert_eq!(kept, vec![4], "{:?}", s.kept);
}

#[test]
fn not_equal_to_null_passes_on_a_missing_value_as_chai_does() {
    let s = test(&[
        "pm.test('t', () => { pm.expect(pm.response.json().token).to.not.equal(null); });",
        "pm.test('u', () => { pm.expect(pm.response.json().items[0].id).to.not.be.null; });",
        "pm.test('v', () => { pm.expect(pm.response.json().name).to.not.equal('x'); });",
    ]);
    let v = out(&s);
    let lenient = json!({"any": [{"exists": false}, {"not": {"equals": null}}]});
    assert_eq!(v["expect"]["json"]["$.token"], lenient, "{v}");
    assert_eq!(v["expect"]["json"]["$.items[0].id"], lenient, "{v}");
    // `undefined` is not 'x' either.
    assert_eq!(
        v["expect"]["json"]["$.name"],
        json!({"any": [{"exists": false}, {"not": {"equals": "x"}}]}),
        "{v}"
    );
    // `items[0]` must be there for `.id` to be read (and not null: a path that selects
    // nothing fails that too).
    assert_eq!(
        v["expect"]["json"]["$.items[0]"],
        json!({"not": {"equals": null}}),
        "{v}"
    );
}

#[test]
fn a_condition_on_a_variable_is_an_inline_if() {
    let s = run(
        Phase::PreRequest,
        &[
            "const n = pm.iterationData.has('count') ? pm.iterationData.get('count') : 5;",
            "pm.variables.set('count', n);",
            "pm.variables.set('mode', pm.environment.get('loud') ? 'verbose' : 'quiet');",
        ],
    );
    let v = out(&s);
    assert_eq!(
        v["sets"]["count"],
        json!("{{ (count if (count is defined and count != \"\") else 5) }}"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["mode"],
        // postman.rs writes `loud` alone where nothing gives it its own `{{loud}}` text.
        json!("{{ (\"verbose\" if (loud and loud != \"{{loud}}\") else \"quiet\") }}"),
        "{v}"
    );
}

#[test]
fn numbers_read_from_text_members_starts_and_close_values_are_checks() {
    let s = test(&[
        "const res = pm.response.json();",
        "pm.test('a', () => pm.expect(Number(res.count)).to.eql(3));",
        "pm.test('b', () => pm.expect(parseFloat(res.amount)).to.be.above(0));",
        "pm.test('c', () => pm.expect(res.tags).to.have.members(['a', 'b']));",
        "pm.test('d', () => pm.expect(res.name.startsWith('wid')).to.be.true);",
        "pm.test('e', () => pm.expect(res.ratio).to.be.closeTo(0.5, 0.25));",
        "pm.test('f', () => pm.expect(res.more).to.include.members(['a']));",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(
        j["$.count"],
        json!({"any": [{"equals": 3}, {"equals": "3"}]}),
        "{v}"
    );
    assert_eq!(j["$.amount"], json!({"gt": 0}), "{v}");
    assert_eq!(
        j["$.tags"],
        json!({
            "length": 2,
            "not": {"type": "object"},
            "all": [{"contains": "a"}, {"contains": "b"}]
        }),
        "{v}"
    );
    assert_eq!(j["$.name"], json!({"starts_with": "wid"}), "{v}");
    assert_eq!(
        j["$.ratio"],
        json!({"gte": 0.25, "lte": 0.75, "type": "number"}),
        "{v}"
    );
    assert_eq!(j["$.more"], json!({"contains": "a"}), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (6, 6));
}

#[test]
fn a_list_joined_and_one_field_or_another_are_captured_then_computed() {
    let s = test(&[
        "const res = pm.response.json();",
        "pm.environment.set('ids', res.data.map(d => d.id).join(','));",
        "let token = res.token || res.access_token;",
        "pm.environment.set('tok', token);",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["ids_from_response"],
        json!({"json": "$.data[*].id", "all": true, "optional": true}),
        "{v}"
    );
    assert_eq!(v["capture"]["tok_from_response"]["default"], "", "{v}");
    // Neither there: `res.access_token`, undefined, which Newman sends as `null`.
    assert_eq!(
        v["capture"]["tok_from_response_2"],
        json!({"json": "$.access_token", "default": "null",
            "when": {"json": {"$.data": {"exists": true, "not": {"equals": null}}}}}),
        "{v}"
    );
    let after = yaml_out::to_string(&s.after);
    assert!(
        after.contains("(ids_from_response | join(\\\",\\\"))"),
        "{after}"
    );
    assert!(
        after.contains("(tok_from_response or tok_from_response_2)"),
        "{after}"
    );
}

#[test]
fn what_follows_the_last_slash_of_a_header_is_a_regex_capture() {
    let s = test(&[
        "const h = pm.response.headers.get('Location');",
        "pm.environment.set('id', h.substring(h.lastIndexOf('/') + 1));",
        "pm.environment.set('other', h.substring(h.lastIndexOf('-') + 1));",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["id"]["header"], json!("Location"), "{v}");
    assert_eq!(v["capture"]["id"]["regex"], json!("([^/]*)$"), "{v}");
    assert!(v["capture"].get("other").is_none(), "{v}");
}

#[test]
fn a_query_parameter_of_a_header_url_is_a_regex_capture() {
    let s = test(&[
        "const url = require('url');",
        "const querystring = require('querystring');",
        "const parsed = url.parse(pm.response.headers.get('Location'));",
        "const params = querystring.parse(parsed.query);",
        "pm.globals.set('code', params.code);",
        "const u = new URL(pm.response.headers.get('Location'));",
        "pm.environment.set('state', u.searchParams.get('session_state'));",
        "pm.environment.set('tab', url.parse(pm.response.headers.get('Location'), true).query.tab_id);",
        // Without `true` the query is a text: `.code` of it is undefined.
        "pm.environment.set('none', url.parse(pm.response.headers.get('Location')).query.code);",
    ]);
    let v = out(&s);
    for (name, key) in [
        ("code", "code"),
        ("state", "session_state"),
        ("tab", "tab_id"),
    ] {
        assert_eq!(v["capture"][name]["header"], json!("Location"), "{v}");
        let re = format!("[?&]{key}=([^&#]*)");
        assert_eq!(v["capture"][name]["regex"], json!(re), "{v}");
    }
    assert!(v["capture"].get("none").is_none(), "{v}");
    assert_eq!(
        v["expect"]["headers"]["Location"],
        json!({"exists": true}),
        "{v}"
    );
}

#[test]
fn lodash_get_and_has_read_the_path_they_name() {
    let s = test(&[
        "const res = pm.response.json();",
        "pm.test('b', () => pm.expect(_.get(res, 'data.items[0].name')).to.eql('x'));",
        "pm.test('d', () => pm.expect(_.has(res, 'data.id')).to.be.true);",
        "pm.test('e', () => pm.expect(_.get(res, 'a b')).to.eql('x'));",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.data.items[0].name"],
        json!("x"),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.data.id"],
        json!({"exists": true}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (2, 3));
}

#[test]
fn skip_request_in_a_pre_request_script_is_a_skip_and_elsewhere_is_kept() {
    let s = run(Phase::PreRequest, &["pm.execution.skipRequest();"]);
    assert_eq!(
        s.skip.as_deref(),
        Some("its pre-request script skips it (pm.execution.skipRequest())")
    );
    let s = run(
        Phase::PreRequest,
        &["if (pm.environment.get('mode') !== 'live') { pm.execution.skipRequest(); return; }"],
    );
    let skip = s.skip.as_deref().unwrap_or_default();
    assert!(skip.contains("if (mode != \"live\") else \"\""), "{skip}");
    // With an `else`, or in a test script (too late to skip), it stays a comment.
    let s = run(
        Phase::PreRequest,
        &[
            "if (pm.environment.get('x')) { pm.execution.skipRequest(); } else { pm.environment.set('y', 1); }",
        ],
    );
    assert!(s.skip.is_none() && !s.kept.is_empty());
    let s = test(&["pm.execution.skipRequest();"]);
    assert!(s.skip.is_none() && !s.kept.is_empty());
}

#[test]
fn cheerio_selectors_of_names_and_combinators_are_xpaths() {
    assert_eq!(
        super::css_xpath("A > B C").as_deref(),
        Some("//*[name()='A']/*[name()='B']//*[name()='C']")
    );
    assert_eq!(
        super::css_xpath("a>b").as_deref(),
        Some("//*[name()='a']/*[name()='b']")
    );
    for other in ["a.b", "#id", "a[x]", "a:first", "a > ", "> a", "a, b", ""] {
        assert_eq!(super::css_xpath(other), None, "{other}");
    }
    // HTML mode lowercases and parses as HTML: left to a human.
    let s = test(&[
        "const $ = cheerio.load(pm.response.text());",
        "pm.expect($('a > b').text()).to.eql('x');",
    ]);
    assert!(!s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_header_added_as_one_line_of_text_is_a_header() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.request.headers.add('X-Key: ' + pm.environment.get('KEY'));",
            "pm.request.headers.add('X-Fixed:  yes ');",
            "pm.request.headers.add('not a header line');",
        ],
    );
    let headers = s.headers.entries();
    assert_eq!(
        headers,
        [
            ("X-Key".to_string(), Y::str("{{ KEY }}")),
            ("X-Fixed".to_string(), Y::str("yes"))
        ]
    );
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn a_visualizer_view_is_output_for_a_person_like_console_output() {
    let s = test(&[
        "if (pm.response.code === 200) { pm.visualizer.set('<p>{{n}}</p>', { n: 1 }); }",
        "pm.visualizer.set('<p>done</p>');",
    ]);
    // The `if` that only shows something is nothing; the view itself is kept as output.
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
    assert_eq!(s.kept[0].2, "console output");
}

#[test]
fn a_jump_that_ends_a_test_script_is_always_taken() {
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let script = lines(&[
        "const json = pm.response.json();",
        "pm.test('tokens', function () {",
        "    if (!json.access_token) { postman.setNextRequest(null); }",
        "});",
        "pm.environment.set('token', json.access_token);",
        "postman.setNextRequest(\"Create batch group\");",
    ]);
    assert_eq!(
        super::last_jump(&script),
        Some(Some("Create batch group".into()))
    );
    let conditional = lines(&["if (pm.response.code === 200) { postman.setNextRequest('B'); }"]);
    assert_eq!(super::last_jump(&conditional), None);
    let after_return = lines(&["if (x) { return; }", "postman.setNextRequest('B');"]);
    assert_eq!(super::last_jump(&after_return), None);
    let ends = lines(&["pm.test('x', () => {});", "postman.setNextRequest(null);"]);
    assert_eq!(super::last_jump(&ends), Some(None));
}

/// A test script that sends its own request again while a counter it keeps is below a bound
/// becomes `repeat: { while }` over the counter's variable, read after the send.
#[test]
fn a_counter_loop_to_the_same_request_becomes_repeat_while() {
    let lines = [
        "var jsonData = JSON.parse(responseBody);",
        "count = postman.getEnvironmentVariable(\"count\");",
        "count++;",
        "postman.setEnvironmentVariable(\"count\", count);",
        "if (count < 200) {",
        "    postman.setNextRequest(\"add one\");",
        "} else {",
        "    // done",
        "    postman.setNextRequest(\"the next\");",
        "}",
    ];
    let s = named(Phase::Test, &lines, "add one");
    let repeat = super::json_of(&s.repeat.clone().unwrap_or(Y::Null));
    assert_eq!(repeat["while"], "{{ (count < 200) }}", "{:?}", s.sets);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Another request's name is a jump, not a repeat.
    assert!(named(Phase::Test, &lines, "someone else").repeat.is_none());
}

/// A pre-request block under `if (!pm.iterationData.has("from"))` gives its values only when
/// the data row has no such column; a time copied with `new Date(end)` keeps where `end` was.
#[test]
fn values_made_unless_the_data_row_has_them_and_copied_times_convert() {
    let lines = [
        "if (!pm.iterationData.has('from')) {",
        "    const end = new Date();",
        "    end.setDate(end.getDate() - 2);",
        "    const start = new Date(end);",
        "    start.setDate(start.getDate() - 1);",
        "    pm.environment.set('fromISO', start.toISOString().split('.')[0]);",
        "}",
    ];
    let s = named(Phase::PreRequest, &lines, "r");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let set = super::json_of(&s.sets);
    let from = set["fromISO"].as_str().expect("a set of fromISO");
    assert!(from.contains(r#"now("", "-3 days")"#), "{from}");
    assert!(
        from.ends_with(r#"if not (from | default("")) else (fromISO | default("")) }}"#),
        "{from}"
    );
}

/// A variable next to the clock makes an id (JavaScript joins the text); next to a number it
/// is a counter.
#[test]
fn a_variable_and_the_clock_join_as_text() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.environment.set('orderId', pm.environment.get('prefix') + Date.now());",
            "pm.environment.set('n', pm.environment.get('n') + 1);",
        ],
    );
    let sets = super::json_of(&s.sets);
    assert_eq!(sets["orderId"], "{{ prefix }}{{ timestamp_ms() }}");
    // JavaScript joins a text (`"3" + 1` is `"31"`) and adds a number: known when it runs.
    assert_eq!(
        sets["n"],
        "{{ ((n ~ 1) if n is string else ((n | number) + 1)) }}"
    );
    // `n++` counts, text or not.
    let s = run(
        Phase::PreRequest,
        &[
            "let n = pm.environment.get('n');",
            "n++;",
            "pm.environment.set('n', n);",
        ],
    );
    assert_eq!(super::json_of(&s.sets)["n"], "{{ ((n | number) + 1) }}");
}

/// A token answered as the body's text (in quotes, as a JSON string) is captured with a
/// regular expression whose group is the text without blanks or quotes.
#[test]
fn a_token_read_as_the_body_text_is_captured_without_its_quotes() {
    let s = test(&[
        "const token = pm.response.text().trim().replace(/^\"+|\"+$/g, '');",
        "pm.environment.set('bearerToken', token);",
        "pm.environment.set('plain', pm.response.text().trim());",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["bearerToken"]["regex"],
        r#"^\s*"*([\s\S]*?)"*\s*$"#
    );
    assert_eq!(v["capture"]["plain"]["regex"], r#"^\s*([\s\S]*?)\s*$"#);
    let re = regex::Regex::new(r#"^\s*"*([\s\S]*?)"*\s*$"#).expect("regex");
    assert_eq!(
        &re.captures("  \"eyJ.a.b\"\n").expect("match")[1],
        "eyJ.a.b"
    );
}

#[test]
fn a_variable_postman_lacks_reads_as_undefined() {
    // The import declares such a variable as its own `{{name}}` text (what Newman sends), so
    // a check or condition over `get()` must count that text as `undefined`.
    let s = test(&[
        "pm.test('unset', () => pm.expect(pm.environment.get('tenant')).to.be.undefined);",
        "pm.test('set', () => pm.expect(pm.environment.get('region')).to.not.be.undefined);",
        "const id = pm.environment.get('orderId');",
        "if (!id) { postman.setNextRequest(null); }",
    ]);
    let v = out(&s);
    let own = |n: &str| format!("{{{{ \"{{{{{n}}}}}\" }}}}");
    assert_eq!(
        v["expect"]["vars"]["tenant"],
        json!({"any": [{"exists": false}, {"in": ["", own("tenant")]}]})
    );
    // An environment's set() of nothing is `null` to later scripts, which is no `undefined`.
    assert_eq!(
        v["expect"]["vars"]["region"],
        json!({"exists": true, "not": {"in": ["", own("region")]}})
    );
    assert_eq!(
        s.run_ends,
        vec![(
            "not (orderId and orderId != \"{{orderId}}\")".to_string(),
            None
        )]
    );
}

#[test]
fn a_legacy_test_of_the_response_that_cannot_be_converted_is_unchecked() {
    let s = test(&[
        "globalSchema = loadSchema();",
        "tests[\"Status code is 200\"] = responseCode.code === 200;",
        "tests[\"Response time is less than \" + data.limit + \"ms\"] = responseTime < data.limit.max;",
        "tests[\"schema\"] = tv4.validate(JSON.parse(responseBody), globalSchema);",
        "tests[\"flag\"] = someFlag();",
    ]);
    assert_eq!(
        s.unchecked,
        [
            "\"Response time is less than \" + data.limit + \"ms\"",
            "schema",
            "flag"
        ]
    );
    // A legacy test of a variable is its check (`expect.vars`); one of something else yarc
    // cannot decide is Postman's to decide too; a `true` written out passes.
    let vars = test(&[
        "tests[\"dept\"] = environment.dept === \"hr\";",
        "tests[\"name\"] = pm.info.requestName === \"Login\";",
        "tests[\"always\"] = true;",
    ]);
    assert_eq!(out(&vars)["expect"]["vars"]["dept"], json!("hr"));
    assert_eq!(vars.unchecked, ["name"]);
    assert_eq!((s.assertions_seen, s.assertions), (4, 1));
}

#[test]
fn a_header_read_with_one_is_its_value() {
    let s = test(&[
        "pm.environment.set('id', pm.response.headers.one('Location').value.split('/').pop());",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["id"]["header"], "Location", "{v}");
    // `undefined.value` throws in Postman: without the header the request fails.
    assert_eq!(v["expect"]["headers"]["Location"]["exists"], true, "{v}");
}

#[test]
fn a_query_parameter_added_as_a_template_literal() {
    let s = run(
        Phase::PreRequest,
        &[
            "const id = pm.variables.replaceIn('{{$guid}}');",
            "pm.request.addQueryParams(`correlationId=${id}`);",
        ],
    );
    let q: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.query)).expect("yaml");
    assert_eq!(q["correlationId"], "{{ uuid() }}", "{q}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_legacy_valid_json_test_around_the_parse_checks_the_body_is_json() {
    let s = test(&[
        "var responseJSON;",
        "try {",
        "   responseJSON = JSON.parse(responseBody);",
        "   tests['response is valid JSON'] = true;",
        "} catch (e) {",
        "   responseJSON = {};",
        "   tests['response is valid JSON'] = false;",
        "}",
        "pm.environment.set('token', responseJSON.access_token);",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$"], json!({"exists": true}), "{v}");
    assert_eq!(v["capture"]["token"]["json"], "$.access_token", "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (1, 1));
}

#[test]
fn a_token_read_from_the_body_without_its_quotes() {
    for line in [
        "pm.environment.set('t', pm.response.text().replace(/['\"]+/g, ''));",
        "pm.environment.set('t', pm.response.text().replace(/\"/g, ''));",
    ] {
        let v = out(&test(&[line]));
        let pattern = v["capture"]["t"]["regex"].as_str().unwrap_or_default();
        assert!(
            pattern.starts_with("^[\"']*(") || pattern.starts_with("^\"*("),
            "{v}"
        );
    }
    // Only the first quote: not a token without its quotes.
    let v = out(&test(&[
        "pm.environment.set('t', pm.response.text().replace(/\"/, ''));",
    ]));
    assert!(v["capture"].get("t").is_none(), "{v}");
}

#[test]
fn a_token_fetched_by_a_function_for_the_client_it_is_called_with() {
    let s = run(
        Phase::PreRequest,
        &[
            "fetchToken('42');",
            "function fetchToken(client) {",
            "  const keyName = `Key_${client}`;",
            "  const tokenName = `Token_${client}`;",
            "  if (!pm.environment.get(tokenName)) {",
            "    const req = {",
            "      method: 'POST',",
            "      url: pm.environment.get('base') + '/oauth/token',",
            "      auth: { type: 'basic', basic: [",
            "        { key: 'username', value: pm.environment.get(keyName) ?? client },",
            "        { key: 'password', value: 'pw' } ] },",
            "      body: { mode: 'urlencoded', urlencoded: [{ key: 'grant_type', value: 'client_credentials' }] }",
            "    };",
            "    pm.sendRequest(req, (err, res) => pm.environment.set(tokenName, res.json().access_token));",
            "  }",
            "}",
        ],
    );
    let (block, var) = s.oauth2.clone().expect("an oauth2 block");
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&block)).expect("yaml");
    assert_eq!(var, "Token_42");
    assert_eq!(v["oauth2"]["token_url"], "{{ base }}/oauth/token", "{v}");
    assert_eq!(
        v["oauth2"]["client_id"],
        "{{ (Key_42 if Key_42 is defined and Key_42 is not none and Key_42 != \"{{Key_42}}\" \
         else \"42\") }}",
        "{v}"
    );
    assert_eq!(v["oauth2"]["credentials"], "basic", "{v}");
}

#[test]
fn a_raw_body_a_script_sends_is_text_plain_unless_it_says_json() {
    let sent = |options: &str| {
        let line = format!(
            "pm.sendRequest({{ url: 'http://h/e', method: 'POST', body: {{ mode: 'raw', raw: JSON.stringify({{ a: 1 }}){options} }} }}, (err, res) => {{ pm.environment.set('id', res.stream.toString()); }});"
        );
        let s = run(Phase::PreRequest, &[line.as_str()]);
        let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
        v
    };
    let plain = sent("");
    assert_eq!(plain["headers"]["Content-Type"], "text/plain", "{plain}");
    assert_eq!(plain["json"]["a"], 1, "{plain}");
    // The response's `stream`, as text: the body.
    assert_eq!(plain["capture"]["id"]["body"], true, "{plain}");
    let json = sent(", options: { raw: { language: 'json' } }");
    assert!(json.get("headers").is_none(), "{json}");
    // Text written out: the same.
    let s = run(
        Phase::PreRequest,
        &[
            "pm.sendRequest({ url: 'http://h/e', method: 'POST', body: { mode: 'raw', raw: 'plain words' } }, () => {});",
        ],
    );
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    assert_eq!(v["headers"]["Content-Type"], "text/plain", "{v}");
    assert_eq!(v["text"], "plain words", "{v}");
}

#[test]
fn a_default_for_a_data_file_value() {
    // `data.slug` is the run's variable `slug`: set to a written value unless it has one.
    let s = run(
        Phase::PreRequest,
        &[
            "if (!data.slug) {",
            "    pm.environment.set('slug', 'group-b');",
            "} else {",
            "    pm.environment.set('slug', data.slug);",
            "}",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["slug"], "{{ (slug or \"group-b\") }}", "{v}");
    // Another variable than the one read keeps its value when the read one is set.
    let other = run(
        Phase::PreRequest,
        &["if (!pm.environment.get('a')) { pm.environment.set('b', 'x'); }"],
    );
    let v = out(&other);
    // (A variable the export defines nowhere is its own `{{a}}` text, which Postman reads as unset.)
    let b = "{{ (\"x\" if not (a and a != \"{{a}}\") else b) }}";
    assert_eq!(v["sets"]["b"], b, "{v}");
}

#[test]
fn an_expect_without_an_assertion_asserts_nothing() {
    let s = test(&[
        "pm.test('Body contains data', function () {",
        "    pm.expect(pm.response.length > 0)",
        "});",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
    assert_eq!((s.assertions_seen, s.assertions), (1, 1));
    // One that could throw is left to a human.
    let s = test(&["pm.test('x', () => { pm.expect(pm.response.json().a.b > 0) });"]);
    assert_eq!(s.assertions, 0);
}

#[test]
fn what_a_send_request_callback_throws_fails_nothing() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.sendRequest({ url: 'http://h/b', method: 'POST' }, function (err, res) {",
            "    pm.expect(err).to.be.null;",
            "    pm.expect(res.code).to.equal(201);",
            "    pm.environment.set('after', res.json().id);",
            "});",
        ],
    );
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    // Newman reports nothing the callback throws: no status check, and the set after a
    // failing one never happens.
    assert_eq!(v["expect"]["status"], "any", "{v}");
    assert_eq!(v["capture"]["after"]["when"]["status"], 201, "{v}");
    // A throw under a status condition gates what follows the same way.
    let s = run(
        Phase::PreRequest,
        &[
            "pm.sendRequest({ url: 'http://h/b' }, function (err, res) {",
            "    if (res.code == 403) { throw new Error('refused'); }",
            "    pm.environment.set('after', res.json().id);",
            "});",
        ],
    );
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    assert_eq!(v["expect"]["status"], "any", "{v}");
    assert_eq!(
        v["capture"]["after"]["when"]["status"],
        json!({"not": {"equals": 403}}),
        "{v}"
    );
}

#[test]
fn a_send_request_callback_is_converted_line_by_line() {
    let s = run(
        Phase::PreRequest,
        &[
            "pm.sendRequest({ url: 'http://h/b' }, function (err, res) {",
            "    console.log('fetched');",
            "    pm.expect(res.code).to.equal(200);",
            "    pm.environment.set('id', res.json().id);",
            "    pm.environment.set('ready', 'yes');",
            "    pm.environment.set('sum', _.sum(res.json().list));",
            "});",
        ],
    );
    // The status check gates the capture: it is converted, as the log and the capture are.
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    assert_eq!(v["capture"]["id"]["when"]["status"], 200, "{v}");
    assert_eq!((s.assertions_seen, s.assertions), (1, 1));
    // Only what is not converted is kept, each line with its own reason, and the call around.
    let kept: Vec<usize> = s.kept.iter().map(|k| k.0).collect();
    assert_eq!(kept, [1, 5, 6], "{:?}", s.kept);
    assert!(
        s.kept[1].2.contains("only when a check before it holds"),
        "{:?}",
        s.kept
    );
    // Without a check before it, a value known before the run is set before the request.
    let s = run(
        Phase::PreRequest,
        &[
            "pm.sendRequest('http://h/b', function (err, res) {",
            "    pm.environment.set('ready', 'yes');",
            "});",
        ],
    );
    assert_eq!(out(&s)["sets"]["ready"], "yes", "{:?}", s.kept);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_return_before_a_send_request_skips_the_request_it_sends() {
    let s = run(
        Phase::PreRequest,
        &[
            "const accountId = pm.variables.get('accountId');",
            "if (accountId) {",
            "    return;",
            "}",
            "const options = { url: pm.environment.get('base') + '/accounts', method: 'GET' };",
            "pm.sendRequest(options, function (err, res) {",
            "    pm.variables.set('accountId', res.json().accounts[0].id);",
            "});",
        ],
    );
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    let skip = v["skip"].as_str().unwrap_or_default();
    assert!(
        skip.contains("returns before it") && skip.contains("if (accountId and"),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Anything else after the return (a set) keeps the guard for a human.
    let s = run(
        Phase::PreRequest,
        &[
            "if (pm.environment.get('accountId')) { return; }",
            "pm.environment.set('started', 'yes');",
            "pm.sendRequest('http://h/accounts', function (err, res) {});",
        ],
    );
    let v: Value = serde_saphyr::from_str(&yaml_out::to_string(&s.requests[0])).expect("yaml");
    assert!(v.get("skip").is_none(), "{v}");
    assert_eq!(s.kept.first().map(|k| k.0), Some(1), "{:?}", s.kept);
}

#[test]
fn status_branches_become_cases_of_expect() {
    let s = test(&[
        "if (pm.response.code === 202) {",
        "    pm.test('running', () => pm.expect(pm.response.headers.get('X-Progress')).to.include('%'));",
        "} else if (pm.response.code === 200) {",
        "    var body = pm.response.json();",
        "    pm.test('done', () => pm.expect(body.output).to.be.an('array'));",
        "    pm.environment.set('url', body.output[0].url);",
        "} else {",
        "    pm.test('unexpected', () => pm.expect.fail('status ' + pm.response.code));",
        "}",
    ]);
    let v = out(&s);
    // The `else` that only fails: a status no branch names fails.
    assert_eq!(v["expect"]["status"], json!([202, 200]), "{v}");
    let cases = &v["expect"]["cases"];
    assert_eq!(cases[0]["when"], json!({"status": 202}), "{v}");
    assert_eq!(
        cases[0]["headers"]["X-Progress"],
        json!({"contains": "%"}),
        "{v}"
    );
    assert_eq!(cases[1]["when"], json!({"status": 200}), "{v}");
    assert_eq!(cases[1]["json"]["$.output"]["type"], "array", "{v}");
    assert_eq!(v["capture"]["url"]["when"]["status"], 200, "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (3, 3));
    // A last `else` of checks is the case of every other status.
    let s = test(&[
        "if (pm.response.code == 200) { pm.test('ok', () => pm.expect(pm.response.text()).to.include('a')); }",
        "else { pm.test('other', () => pm.expect(pm.response.text()).to.include('error')); }",
    ]);
    let v = out(&s);
    let other = &v["expect"]["cases"][1];
    assert_eq!(
        other["when"],
        json!({"status": {"not": {"in": [200]}}}),
        "{v}"
    );
    assert_eq!(other["body"], json!({"contains": "error"}), "{v}");
    // Under a status the request checks anyway, a case's checks are the request's own.
    let s = test(&[
        "pm.test('200', () => pm.response.to.have.status(200));",
        "if (pm.response.code === 200) { pm.test('a', () => pm.expect(pm.response.json().a).to.eql(1)); }",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.a"], 1, "{v}");
    assert!(v["expect"].get("cases").is_none(), "{v}");
}

#[test]
fn branches_that_only_set_give_each_variable_its_first_holding_value() {
    let s = run(
        Phase::PreRequest,
        &[
            "if (pm.environment.get('stage') === 'dev') {",
            "    pm.environment.set('username', 'ada');",
            "    pm.environment.set('password', 'one');",
            "} else if (pm.environment.get('url').includes('qa')) {",
            "    pm.environment.set('username', 'grace');",
            "} else {",
            "    pm.environment.set('username', 'guest');",
            "}",
            "if (pm.environment.get('stage') === 'prod') { pm.environment.set('username', 'none'); }",
        ],
    );
    let v = out(&s);
    let user = "(\"none\" if (stage == \"prod\") else (\"ada\" if (stage == \"dev\") else \
                (\"grace\" if (((\"qa\" | string) in (url | string))) else \"guest\")))";
    assert_eq!(v["sets"]["username"], format!("{{{{ {user} }}}}"), "{v}");
    // Set in no other branch and no `else`: the value it had.
    let pass = "(\"one\" if (stage == \"dev\") else password)";
    assert_eq!(v["sets"]["password"], format!("{{{{ {pass} }}}}"), "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Every set() call counts, each converted.
    assert_eq!((s.sets_seen, s.variables_set), (5, 5));
    // A branch that does anything but set stays as it is.
    let s = run(
        Phase::PreRequest,
        &["if (pm.environment.get('stage') === 'dev') { pm.environment.set('a', 1); go(); }"],
    );
    assert!(!s.kept.is_empty());
}

#[test]
fn a_match_in_a_field_of_the_body_is_a_regex_capture_and_ends_the_script_unmatched() {
    let s = test(&[
        "var data = pm.response.json();",
        "pm.environment.set('page', data.links.next.match(/page=(\\d+)/)[1]);",
        "const m = data.self.match(/\\/(\\w+)$/);",
        "pm.environment.set('kind', m[1]);",
        "pm.environment.set('total', data.total);",
    ]);
    let v = out(&s);
    let page = json!({"json": "$.links.next", "regex": "page=(\\d+)", "optional": true});
    assert_eq!(v["capture"]["page"], page, "{v}");
    assert_eq!(v["capture"]["kind"]["json"], "$.self", "{v}");
    // No match throws: the request fails, and nothing after it is set.
    let next = &v["expect"]["json"]["$.links.next"];
    assert_eq!(next, &json!({"matches": "page=(\\d+)"}), "{v}");
    let when = &v["capture"]["total"]["when"]["json"];
    assert_eq!(
        when["$.links.next"],
        json!({"matches": "page=(\\d+)"}),
        "{v}"
    );
    assert_eq!(when["$.self"], json!({"matches": "\\/(\\w+)$"}), "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_match_of_a_header_or_the_body_is_a_regex_capture() {
    let s = test(&[
        "var loc = pm.response.headers.get('Location');",
        "var id = loc.match(/\\/evidence\\/(.+)/)[1];",
        "pm.environment.set('id', id);",
        "pm.environment.set('token', pm.response.text().match(/token=(\\w+)/i)[1]);",
        "pm.environment.set('word', responseBody.match(/[a-z]+/)[0]);",
        "pm.environment.set('all', responseBody.match(/[a-z]+/g)[1]);",
        "pm.environment.set('second', responseBody.match(/(a)(b)/)[2]);",
    ]);
    let v = out(&s);
    let id = json!({"header": "Location", "regex": "\\/evidence\\/(.+)", "optional": true});
    assert_eq!(v["capture"]["id"], id, "{v}");
    let token = json!({"regex": "(?i)token=(\\w+)", "optional": true});
    assert_eq!(v["capture"]["token"], token, "{v}");
    assert_eq!(v["capture"]["word"]["regex"], "[a-z]+", "{v}");
    // No match throws in Postman: the request fails; the variable keeps its value.
    let location = &v["expect"]["headers"]["Location"];
    assert_eq!(location, &json!({"matches": "\\/evidence\\/(.+)"}), "{v}");
    // Every match (`g`), or a group but the first: left.
    assert!(v["capture"].get("all").is_none(), "{v}");
    assert!(v["capture"].get("second").is_none(), "{v}");
    assert_eq!(s.kept.len(), 2, "{:?}", s.kept);
}

#[test]
fn a_chai_method_read_and_not_called_checks_nothing() {
    let s = test(&[
        "var jsonData = pm.response.json();",
        "pm.test('a', () => pm.expect(jsonData.sessionId).to.be.a.string);",
        "pm.test('b', () => pm.expect(parseFloat(jsonData.price)).to.be.an('number').greaterThan(0));",
        "pm.test('c', () => pm.expect(jsonData.a.b).to.be.a.string);",
        "pm.test('d', () => pm.expect(jsonData.n).to.be.a.number);",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$.price"], json!({"gt": 0}), "{v}");
    // Nothing written for `a`; `c` reads a member of a member, which throws without it: its
    // parent is required, and then nothing more is checked; `d` is kept (no chai word: chai
    // throws).
    assert!(v["expect"]["json"].get("$.sessionId").is_none(), "{v}");
    assert_eq!(v["expect"]["json"]["$.a"], json!({"exists": true}), "{v}");
    assert_eq!(s.unchecked, ["d"], "{v}");
    assert_eq!((s.assertions_seen, s.assertions), (4, 3));
    // A member of a SOAP answer checked before: reading it again cannot throw.
    let s = test(&[
        "const result = xml2Json(pm.response.text())['soapenv:Envelope']['soapenv:Body'].loginResponse.result;",
        "pm.test('token', () => {",
        "    pm.expect(result.sessionId).to.exist;",
        "    pm.expect(result.sessionId).to.be.a.string;",
        "});",
    ]);
    assert!(s.unchecked.is_empty() && s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (2, 2));
}

#[test]
fn checks_after_a_read_that_throws_into_a_swallowing_catch_are_a_case() {
    let s = test(&[
        "try {",
        "var jsonData = JSON.parse(responseBody);",
        "var counter = jsonData.results.length;",
        "tests['some found'] = counter > 0;",
        "tests['named'] = jsonData.name === 'x';",
        "} catch (e) { console.log(e.message); }",
    ]);
    let v = out(&s);
    let case = &v["expect"]["cases"][0];
    assert_eq!(
        case["when"],
        json!({"json": {"$.results": {"exists": true}}}),
        "{v}"
    );
    assert_eq!(case["json"]["$.results"]["length"], json!({"gt": 0}), "{v}");
    assert_eq!(case["json"]["$.name"], "x", "{v}");
    assert_eq!((s.assertions_seen, s.assertions), (2, 2));
    // Outside a swallowing `catch` the read is required instead (Newman fails the script).
    let s = test(&[
        "var jsonData = JSON.parse(responseBody);",
        "tests['some found'] = jsonData.results.length > 0;",
    ]);
    let v = out(&s);
    assert!(v["expect"].get("cases").is_none(), "{v}");
}

#[test]
fn a_return_on_the_status_makes_the_rest_a_case() {
    let s = test(&[
        "if (pm.response.code !== 200) {",
        "    console.log('not ok: ' + pm.response.code);",
        "    return;",
        "}",
        "var data = pm.response.json();",
        "pm.test('has an id', () => pm.expect(data.id).to.be.a('number'));",
        "pm.environment.set('order_id', data.id);",
    ]);
    let v = out(&s);
    let case = &v["expect"]["cases"][0];
    assert_eq!(case["when"], json!({"status": 200}), "{v}");
    assert_eq!(case["json"]["$.id"]["type"], "number", "{v}");
    assert_eq!(v["capture"]["order_id"]["when"]["status"], 200, "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (1, 1));
    // A return on a range of codes, without braces.
    let s = test(&[
        "if (pm.response.code >= 400) return;",
        "pm.test('named', () => pm.expect(pm.response.json().name).to.eql('Ada'));",
    ]);
    let v = out(&s);
    let when = &v["expect"]["cases"][0]["when"];
    assert_eq!(when, &json!({"status": {"lt": 400}}), "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_loop_over_the_index_or_the_items_is_a_for_each() {
    let s = test(&[
        "var list = pm.response.json();",
        "for (var i = 0; i < list.length; i++) {",
        "    pm.expect(list[i]).to.have.property('id');",
        "    tests['named ' + i] = typeof list[i].name === 'string';",
        "}",
        "for (const w of list) { pm.expect(w.balance).to.be.at.least(0); }",
    ]);
    let v = out(&s);
    assert_eq!(
        with_items(&v)["$[*].name"],
        json!({"each": {"type": "string"}}),
        "{v}"
    );
    assert_eq!(
        with_items(&v)["$[*].balance"],
        json!({"each": {"gte": 0, "type": "number"}}),
        "{v}"
    );
    assert!(s.kept.is_empty() && s.unchecked.is_empty(), "{:?}", s.kept);
    // The index read for more than its item: kept, and the request must not pass unchecked.
    let s = test(&[
        "var list = pm.response.json();",
        "for (let i = 0; i < list.length; i++) {",
        "    pm.expect(list[i].rank).to.eql(i + 1);",
        "}",
    ]);
    assert_eq!(
        s.unchecked,
        ["the checks in `for (let i = 0; i < list.length; i++)`"]
    );
    // A `pm.test` inside a loop kept whole is never read: the request must not pass either.
    let s = test(&[
        "var jsonData = pm.response.json();",
        "for (var i in jsonData) {",
        "  if (jsonData[i].currency === pm.environment.get('currency')) {",
        "    pm.test('a position', function () {",
        "      pm.environment.set('before', jsonData[i].value);",
        "      pm.expect(jsonData).to.be.not.empty;",
        "    });",
        "  }",
        "}",
    ]);
    assert_eq!(s.unchecked, ["the checks in `for (var i in jsonData)`"]);
}

#[test]
fn satisfy_with_a_function_is_its_condition_of_the_value() {
    let s = test(&[
        "var body = pm.response.json();",
        "pm.test('shape', () => pm.expect(body).to.satisfy(b => Array.isArray(b) || typeof b === 'object'));",
        "pm.test('count', () => pm.expect(body.count).to.satisfy(function (n) { return n > 0; }));",
        "pm.test('named', () => pm.expect(body.name).to.not.satisfy(n => n === ''));",
    ]);
    let v = out(&s);
    let j = &v["expect"]["json"];
    assert_eq!(
        j["$"],
        json!({"any": [{"type": "array"}, {"any": [{"type": "object"}, {"type": "array"}, {"type": "null"}]}]}),
        "{v}"
    );
    assert_eq!(j["$.count"], json!({"gt": 0}), "{v}");
    let missing_or_not = json!({"any": [{"exists": false}, {"not": {"equals": ""}}]});
    assert_eq!(j["$.name"], missing_or_not, "{v}");
    assert_eq!((s.assertions_seen, s.assertions), (3, 3));
}

#[test]
fn a_test_script_that_returns_on_a_setting_makes_the_rest_a_case() {
    let s = test(&[
        "if (!pm.globals.get('clientId')) {",
        "    console.log('skipped');",
        "    return;",
        "}",
        "pm.environment.set('mode', 'strict');",
        "pm.test('200', () => pm.response.to.have.status(200));",
        "pm.environment.set('token', pm.response.json().token);",
    ]);
    let v = out(&s);
    let case = &v["expect"]["cases"][0];
    assert_eq!(case["when"]["vars"]["clientId"]["exists"], true, "{v}");
    assert_eq!(case["status"], 200, "{v}");
    assert_eq!(v["capture"]["token"]["when"], case["when"], "{v}");
    // A value known before the run is given unconditionally by yarc: kept.
    assert_eq!(
        s.kept.iter().map(|k| k.0).collect::<Vec<_>>(),
        [5],
        "{:?}",
        s.kept
    );
    assert!(v["variables"].get("mode").is_none(), "{v}");
}

#[test]
fn legacy_response_headers_checks_under_guards() {
    let s = test(&[
        "if (responseCode.code === 200) {",
        "    var found = responseHeaders.hasOwnProperty('Content-Type');",
        "    tests['Has Content-Type'] = found;",
        "    if (found) {",
        "        tests['is JSON'] = responseHeaders['Content-Type'].has('json');",
        "    }",
        "    var body = JSON.parse(responseBody);",
        "    if (body.length !== 0) {",
        "        tests['true'] = responseBody === 'true';",
        "    }",
        "}",
    ]);
    let v = out(&s);
    let status = &v["expect"]["cases"][0];
    assert_eq!(status["when"], json!({"status": 200}), "{v}");
    assert_eq!(
        status["headers"]["Content-Type"],
        json!({"exists": true}),
        "{v}"
    );
    // Each guard inside is a case of its own: `if (found)`, `if (body.length !== 0)`.
    assert_eq!(
        status["cases"][0]["headers"]["Content-Type"],
        json!({"contains": "json"}),
        "{v}"
    );
    assert_eq!(status["cases"][1]["body"], "true", "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.assertions_seen, s.assertions), (3, 3));
}

#[test]
fn either_of_several_checks_of_one_value() {
    let s = test(&[
        "var data = pm.response.json();",
        "pm.test('a tag', () => pm.expect(data.tags.includes('a') || data.tags.includes('b')).to.be.true);",
        "tests['a role'] = data.roles.includes('x') || !data.roles.includes('y');",
        // Two different values: no one check says it.
        "tests['mixed'] = data.tags.includes('a') || data.roles.includes('x');",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.tags"]["any"],
        json!([{"contains": "a"}, {"contains": "b"}]),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.roles"]["any"],
        json!([{"contains": "x"}, {"not": {"contains": "y"}}]),
        "{v}"
    );
    assert_eq!((s.assertions_seen, s.assertions), (3, 2));
}

#[test]
fn defaults_for_several_variables_when_one_is_unset() {
    let s = run(
        Phase::PreRequest,
        &[
            "if (!data.cat) {",
            "    pm.environment.set('cat', 'HW');",
            "    pm.environment.set('labels', 'a,b');",
            "} else {",
            "    pm.environment.set('cat', data.cat);",
            "    pm.environment.set('labels', data.labels);",
            "}",
        ],
    );
    let v = out(&s);
    assert_eq!(v["sets"]["cat"], "{{ (cat or \"HW\") }}", "{v}");
    // (postman.rs writes `cat` alone where nothing gives it its own `{{cat}}` text.)
    assert_eq!(
        v["sets"]["labels"], "{{ (labels if (cat and cat != \"{{cat}}\") else \"a,b\") }}",
        "{v}"
    );
    // The others first: their condition reads `cat` before it is set.
    let keys: Vec<String> = s.sets.entries().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["labels", "cat"]);
}

/// A request's own script, converted for a request sent with `method`.
fn sent_with(phase: Phase, lines: &[&str], method: &str) -> Script {
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let text = RequestText {
        method: method.to_string(),
        path: Some("/orders".into()),
        query: None,
        raw_body: None,
        ..Default::default()
    };
    let request = Request {
        body: None,
        query: None,
        text: Some(&text),
    };
    super::convert_item(&lines, phase, request, Some("r"), &Known::default())
}

/// One script copied into every request, deciding by the method: each request gets its branch.
const BY_METHOD: &[&str] = &[
    "if (pm.request.method === \"POST\") {",
    "  pm.test(\"200 or 201\", function () {",
    "    pm.expect(pm.response.code).to.be.oneOf([200, 201]);",
    "  });",
    "} else if (pm.request.method === \"DELETE\") {",
    "  pm.test(\"204\", function () { pm.expect(pm.response.code).to.equal(204); });",
    "} else {",
    "  pm.test(\"200\", function () { pm.expect(pm.response.code).to.equal(200); });",
    "}",
];

#[test]
fn a_requests_own_script_is_read_for_its_method() {
    for (method, status) in [
        ("POST", json!([200, 201])),
        ("DELETE", json!(204)),
        ("GET", json!(200)),
    ] {
        let s = sent_with(Phase::Test, BY_METHOD, method);
        assert_eq!(out(&s)["expect"]["status"], status, "{method}");
        // The branches not taken are not this request's: nothing is kept of them.
        assert!(s.kept.is_empty(), "{method}: {:?}", s.kept);
        assert_eq!((s.assertions, s.assertions_seen), (1, 1), "{method}");
    }
    // Without the request's method the script is read as before: no branch is chosen.
    let s = named(Phase::Test, BY_METHOD, "r");
    assert!(out(&s)["expect"]["status"].is_null(), "{:?}", out(&s));
    // A list of methods decides too; one with a value not known stays undecided.
    let listed = [
        "if (['POST', 'PUT'].includes(pm.request.method)) {",
        "  pm.environment.set('key', pm.variables.replaceIn('{{$guid}}'));",
        "}",
    ];
    let post = sent_with(Phase::PreRequest, &listed, "POST");
    assert_eq!(
        out(&post)["sets"]["key"],
        json!("{{ uuid() }}"),
        "{:?}",
        out(&post)
    );
    let get = sent_with(Phase::PreRequest, &listed, "GET");
    assert!(out(&get)["sets"]["key"].is_null(), "{:?}", out(&get));
    let unknown = [
        "if ([pm.environment.get('m')].includes(pm.request.method)) {",
        "  pm.environment.set('key', 'x');",
        "}",
    ];
    let s = sent_with(Phase::PreRequest, &unknown, "POST");
    assert!(out(&s)["variables"]["key"].is_null(), "{:?}", out(&s));
    assert!(!s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_return_on_the_status_inside_a_test_ends_only_that_test() {
    let s = test(&[
        "pm.test(\"structure\", function () {",
        "  if (pm.response.code === 204) {",
        "    pm.expect(true).to.be.true;",
        "    return;",
        "  }",
        "  pm.response.to.be.json;",
        "});",
        "pm.test(\"fast\", function () { pm.expect(pm.response.responseTime).to.be.below(900); });",
    ]);
    let expect = &out(&s)["expect"];
    assert_eq!(
        expect["cases"],
        json!([{"when": {"status": {"not": {"equals": 204}}}, "json": {"$": {"exists": true}}}]),
        "{expect:?}"
    );
    // The next test runs whatever the first did.
    assert!(!expect["time"].is_null(), "{expect:?}");
    // A test that sets a value after such a return is left as it was (not read as a case).
    let s = test(&[
        "pm.test(\"id\", function () {",
        "  if (pm.response.code === 204) { return; }",
        "  pm.environment.set('id', pm.response.json().id);",
        "});",
    ]);
    assert!(out(&s)["expect"]["cases"].is_null(), "{:?}", out(&s));
}

#[test]
fn a_skipped_test_is_kept_and_checks_nothing() {
    let s = test(&[
        "pm.test(\"status\", function () { pm.response.to.have.status(200); });",
        "pm.test.skip(\"name\", function () {",
        "  var jsonData = pm.response.json();",
        "  pm.expect(jsonData.name).to.eql(\"Ada\");",
        "});",
    ]);
    assert_eq!(out(&s)["expect"], json!({"status": 200}));
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
    let reasons: BTreeSet<&str> = s.kept.iter().map(|k| k.2).collect();
    assert_eq!(reasons, BTreeSet::from([KEPT_SKIPPED_TEST]), "{:?}", s.kept);
    assert_eq!(s.kept.len(), 3, "{:?}", s.kept);
}

#[test]
fn a_scope_test_script_decides_by_the_url_newman_sent() {
    let lines: Vec<String> = [
        "var requestURL = request.url;",
        "if (requestURL.charAt(requestURL.length - 1) == '/') {",
        "    requestURL = requestURL.substring(0, requestURL.length - 1);",
        "}",
        "if (requestURL == pm.environment.get('soap_endpoint')) {",
        "    pm.environment.set('kind', 'soap');",
        "} else {",
        "    const id = request.url.split('/')[3];",
        "    switch (id) {",
        "        case 'token': pm.environment.set('token', pm.response.json().access_token); break;",
        "    }",
        "}",
    ]
    .map(String::from)
    .to_vec();
    let exported = |value: &str, in_environment| Exported {
        value: value.into(),
        in_environment,
        in_collection: !in_environment,
    };
    let values = HashMap::from([
        (
            "soap_endpoint".to_string(),
            exported("https://ws.example.com", true),
        ),
        (
            "rest".to_string(),
            exported("https://api.example.com", true),
        ),
    ]);
    let known = Known {
        values: std::rc::Rc::new(values),
        ..Known::default()
    };
    let (_, dispatch) = convert_scope(&lines, Phase::ScopeTest, &known);
    let d = dispatch.expect("decided per request");
    let of = |url: &str| {
        out(&convert_dispatched(
            &d,
            Default::default(),
            "r",
            url,
            &known,
        ))
    };
    // The URL as sent (variables given the export's values), its trailing / taken off.
    let soap = of("{{soap_endpoint}}/");
    assert_eq!(soap["variables"]["kind"], json!("soap"), "{soap}");
    assert_eq!(
        of("{{rest}}/token")["capture"]["token"]["json"],
        json!("$.access_token")
    );
    let other = of("{{rest}}/orders");
    assert!(
        other["capture"].as_object().is_none_or(|c| c.is_empty()),
        "{other}"
    );
    assert!(other["variables"]["kind"].is_null(), "{other}");
    // A URL with a variable the export gives no value: nothing is decided for it.
    let unknown = convert_dispatched(&d, Default::default(), "r", "{{elsewhere}}/token", &known);
    assert!(
        out(&unknown)["capture"]["token"].is_null(),
        "{:?}",
        out(&unknown)
    );
    assert!(!unknown.kept.is_empty());
    // `pm.collectionVariables.get` does not see an environment's value: not decided.
    let scoped: Vec<String> = [
        "if (request.url == pm.collectionVariables.get('soap_endpoint')) {",
        "    pm.environment.set('kind', 'soap');",
        "}",
    ]
    .map(String::from)
    .to_vec();
    let (_, none) = convert_scope(&scoped, Phase::ScopeTest, &known);
    assert!(none.is_none());
}

#[test]
fn the_exports_values_decide_but_are_never_written() {
    let exported = |value: &str| Exported {
        value: value.into(),
        in_environment: true,
        in_collection: false,
    };
    let values = HashMap::from([
        ("apiSecret".to_string(), exported("s3cr3t-value")),
        ("mode".to_string(), exported("live")),
        ("rest".to_string(), exported("https://api.example.com")),
    ]);
    let known = Known {
        values: std::rc::Rc::new(values),
        ..Known::default()
    };
    let pre: Vec<String> = [
        "if (pm.info.requestName === 'sign' && pm.environment.get('mode') === 'live') {",
        "    pm.environment.set('sig', CryptoJS.HmacSHA256('x', pm.environment.get('apiSecret')).toString());",
        "}",
    ]
    .map(String::from)
    .to_vec();
    let (_, d) = convert_scope(&pre, Phase::PreRequest, &known);
    let s = convert_dispatched(
        &d.expect("by name"),
        Default::default(),
        "sign",
        "{{rest}}/x",
        &known,
    );
    let text = out(&s).to_string();
    assert!(text.contains("apiSecret"), "{text}");
    assert!(!text.contains("s3cr3t-value"), "{text}");
    // A test script that stores the URL it decided by: the template, not the export's host.
    let test: Vec<String> = [
        "if (request.url.split('/')[3] === 'orders') {",
        "    pm.environment.set('where', request.url);",
        "}",
    ]
    .map(String::from)
    .to_vec();
    let (_, d) = convert_scope(&test, Phase::ScopeTest, &known);
    let s = convert_dispatched(
        &d.expect("by URL"),
        Default::default(),
        "r",
        "{{rest}}/orders",
        &known,
    );
    assert!(
        !format!("{:?}", out(&s)).contains("api.example.com"),
        "{:?}",
        out(&s)
    );
}

#[test]
fn a_text_with_a_fallback_compared_in_any_case() {
    let s = test(&[
        "const body = pm.response.json();",
        "pm.test('bearer', () => { pm.expect((body.token_type || '').toLowerCase()).to.eql('bearer'); });",
    ]);
    assert_eq!(
        out(&s)["expect"]["json"]["$.token_type"],
        json!({"matches": "(?i)^bearer$"})
    );
    // Negated, a missing value (empty in JavaScript) passes: not said.
    let s = test(&[
        "const body = pm.response.json();",
        "pm.test('not basic', () => { pm.expect((body.token_type || '').toLowerCase()).to.not.eql('basic'); });",
    ]);
    assert!(
        out(&s)["expect"]["json"]["$.token_type"].is_null(),
        "{:?}",
        out(&s)
    );
    assert_eq!(s.assertions, 0);
}

#[test]
fn a_list_of_missing_variables_that_throws_is_a_refusal_of_each() {
    let s = run(
        Phase::PreRequest,
        &[
            "const key = pm.collectionVariables.get('apiKey');",
            "const missing = [];",
            "if (!key) missing.push('apiKey');",
            "if (!pm.environment.get('clientId')) missing.push('clientId');",
            "if (missing.length > 0) {",
            "    throw new Error('Missing: ' + missing.join(', '));",
            "}",
        ],
    );
    let vars = &out(&s)["expect"]["vars"];
    assert_eq!(vars["apiKey"], refused_unset("apiKey"), "{vars}");
    assert_eq!(vars["clientId"], refused_unset("clientId"), "{vars}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // A list read otherwise (no throw at the end) is left as it was.
    let s = run(
        Phase::PreRequest,
        &[
            "const missing = [];",
            "if (!pm.environment.get('a')) missing.push('a');",
            "console.log(missing);",
        ],
    );
    assert!(out(&s)["expect"]["vars"].is_null(), "{:?}", out(&s));
}

#[test]
fn a_read_under_a_guard_with_kept_lines_is_not_required_of_every_response() {
    let s = test(&[
        "if (pm.response.code == 200) {",
        "    if (pm.response.json().count) {",
        "        pm.globals.set('first_url', pm.response.json().results[0].url);",
        "        postman.setNextRequest('next');",
        "    }",
        "}",
    ]);
    let v = out(&s);
    assert!(v["expect"]["json"].is_null(), "{v}");
    assert_eq!(
        v["capture"]["first_url"]["json"],
        json!("$.results[0].url"),
        "{v}"
    );
}

#[test]
fn a_date_a_variable_holds_is_moved_when_the_request_is_sent() {
    let s = run(
        Phase::PreRequest,
        &[
            "const moment = require('moment');",
            "let startDate = pm.environment.get('start_date');",
            "let next = moment(startDate).add(1, 'days').format('YYYY-MM-DD');",
            "pm.environment.set('next', next);",
            "pm.environment.set('back', moment(pm.environment.get('end')).subtract(2, 'months').format('DD/MM/YYYY'));",
            "pm.environment.set('iso', moment(startDate).toISOString());",
        ],
    );
    let sets = &out(&s)["sets"];
    assert_eq!(
        sets["next"],
        json!("{{ (start_date | date(\"%Y-%m-%d\", \"1 days\")) }}"),
        "{sets}"
    );
    assert_eq!(
        sets["back"],
        json!("{{ (end | date(\"%d/%m/%Y\", \"-2 months\")) }}"),
        "{sets}"
    );
    assert_eq!(
        sets["iso"],
        json!("{{ (start_date | date(\"\")) }}"),
        "{sets}"
    );
    // A moment of a written date or of a response field is not a variable's: left as it was.
    let s = run(
        Phase::PreRequest,
        &["pm.environment.set('x', moment('2027-01-01').add(1, 'days').format('YYYY'));"],
    );
    assert!(out(&s)["sets"]["x"].is_null(), "{:?}", out(&s));
}

#[test]
fn the_checks_of_every_item_hold_when_the_list_has_items() {
    let s = test(&[
        "const body = pm.response.json();",
        "pm.test('codes', () => {",
        "    (body.entry || []).forEach(e => { pm.expect(e.code).to.not.eql('UNKNOWN'); });",
        "});",
    ]);
    let cases = &out(&s)["expect"]["cases"];
    assert_eq!(
        cases,
        &json!([{
            "when": {"json": {"$.entry": {"length": {"gt": 0}}}},
            "json": {
                "$.entry[*]": {"each": {"contains": "code"}},
                "$.entry[*].code": {"each": {"not": {"equals": "UNKNOWN"}}}
            }
        }]),
        "{cases}"
    );
}

#[test]
fn the_last_part_of_a_response_field_is_captured_then_split() {
    let s = test(&[
        "const body = pm.response.json();",
        "pm.environment.set('quote', body.id.split('/').pop());",
        "pm.environment.set('token', body.links.manage.split('/').at(-1));",
        "pm.environment.set('rel', body.uri.substring(body.uri.lastIndexOf('/') + 1));",
        "const u = body.next;",
        "pm.environment.set('next', u.slice(u.lastIndexOf('=') + 1));",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["quote_from_response"]["json"], "$.id", "{v}");
    assert_eq!(
        v["capture"]["token_from_response"]["json"], "$.links.manage",
        "{v}"
    );
    // The field read twice (`lastIndexOf` of the same text) is captured once.
    assert_eq!(v["capture"]["rel_from_response"]["json"], "$.uri", "{v}");
    assert!(v["capture"].get("rel_from_response_2").is_none(), "{v}");
    assert_eq!(v["capture"]["next_from_response"]["json"], "$.next", "{v}");
    let after = yaml_out::to_string(&s.after);
    assert!(
        after.contains(r#"((quote_from_response | string) | split(\"/\") | last)"#),
        "{after}"
    );
    assert!(after.contains(r#"split(\"=\") | last"#), "{after}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_test_script_reads_the_request_newman_sent() {
    let lines: Vec<String> = [
        "pm.request.url.query.members.forEach( p => pm.collectionVariables.set(p[\"key\"], decodeURI(p[\"value\"])) );",
        "pm.collectionVariables.set('last', pm.request.url.path[pm.request.url.path.length-1]);",
        "pm.collectionVariables.set('first', pm.request.url.path[0]);",
        "pm.collectionVariables.set('sent', pm.request.url.getPath());",
        "pm.collectionVariables.set('past', pm.request.url.path[9]);",
    ]
    .map(String::from)
    .to_vec();
    let text = RequestText {
        method: "GET".into(),
        sent_segments: Some(vec!["persons".into(), "999".into(), "{{section}}".into()]),
        sent_query: vec![
            ("name".into(), Some("{{who}}".into())),
            ("text".into(), Some("a%20b%2Fc".into())),
            ("flag".into(), None),
        ],
        ..Default::default()
    };
    let request = Request::new(None, None, Some(&text));
    let s = convert_item(&lines, Phase::Test, request, None, &Known::default());
    let v = out(&s);
    // Values known before the run: variables of the collection, as the import writes them.
    let sets = &v["variables"];
    assert_eq!(sets["last"], "{{ section }}", "{v}");
    assert_eq!(sets["first"], "persons", "{v}");
    assert_eq!(sets["sent"], "/persons/999/{{ section }}", "{v}");
    assert_eq!(sets["name"], "{{ who }}", "{v}");
    // `decodeURI` keeps a reserved character's escape; a parameter without a value is null.
    assert_eq!(sets["text"], "a b%2Fc", "{v}");
    assert_eq!(sets["flag"], "null", "{v}");
    // A segment the path does not have is not guessed at.
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
    assert!(s.kept[0].1.contains("path[9]"), "{:?}", s.kept);
    // A pre-request script reads the request unrendered: not this way.
    let s = convert_item(
        &lines[1..2],
        Phase::PreRequest,
        request,
        None,
        &Known::default(),
    );
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn a_comparison_with_null_holds_of_a_missing_field_as_javascript_says() {
    let s = test(&[
        "var r = JSON.parse(responseBody);",
        "tests['a'] = r.a !== null;",
        "tests['b'] = r.b != null;",
        "tests['c'] = r.c == null;",
        "tests['d'] = r.d === null;",
    ]);
    let v = out(&s);
    let json = &v["expect"]["json"];
    let missing = json!({"exists": false});
    assert_eq!(
        json["$.a"],
        json!({"any": [missing, {"not": {"equals": null}}]}),
        "{v}"
    );
    assert_eq!(json["$.b"], json!({"not": {"equals": null}}), "{v}");
    assert_eq!(
        json["$.c"],
        json!({"any": [missing, {"equals": null}]}),
        "{v}"
    );
    assert_eq!(json["$.d"], json!(null), "{v}");
}

#[test]
fn what_a_block_under_a_length_guard_reads_is_not_required_of_every_response() {
    // `if (list.length > 0)` skips the block when the body is no list: what the block reads
    // deeper (a member of `$[0]`, a list `find` walks) throws nothing then.
    let s = test(&[
        "if (pm.response.json().length > 0) {",
        "    const sets = pm.response.json()[0]['catalog'][1]['dataset'];",
        "    const one = sets.find((a) => a['@id'] == 'asset-1');",
        "    pm.environment.set('POLICY', one['policy']['@id']);",
        "}",
    ]);
    let v = out(&s);
    assert!(v["expect"].get("json").is_none(), "{v}");
}

#[test]
fn checks_under_a_guard_on_the_body_are_a_case_and_its_else_the_opposite() {
    let s = test(&[
        "let jsonData = {};",
        "try { jsonData = pm.response.json(); } catch (e) {}",
        "if (jsonData?.status) {",
        "  pm.test('status', () => pm.expect(jsonData.status).to.eql('processing'));",
        "}",
        "const list = jsonData.items;",
        "if (Array.isArray(list) && (list.length > 0)) {",
        "  pm.test('first', () => pm.expect(list[0].id).to.eql(1));",
        "} else {",
        "  pm.test('none', () => pm.expect(jsonData.total).to.eql(0));",
        "}",
        "if (jsonData.id) { pm.environment.set('id', jsonData.id); }",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let cases = &v["expect"]["cases"];
    let truthy = json!({"exists": true, "not": {"in": [null, false, 0, ""]}});
    assert_eq!(
        cases[0]["when"],
        json!({"json": {"$.status": truthy}}),
        "{v}"
    );
    assert_eq!(cases[0]["json"]["$.status"], "processing", "{v}");
    let items = json!({"type": "array", "length": {"gt": 0}});
    assert_eq!(cases[1]["when"], json!({"json": {"$.items": items}}), "{v}");
    assert_eq!(cases[1]["json"]["$[0].id"], Value::Null, "{v}");
    assert_eq!(cases[1]["json"]["$.items[0].id"], 1, "{v}");
    // Not there, or not all of it: the `else`.
    let opposite = json!({"any": [{"exists": false}, {"not": items}]});
    assert_eq!(
        cases[2]["when"],
        json!({"json": {"$.items": opposite}}),
        "{v}"
    );
    assert_eq!(cases[2]["json"]["$.total"], 0, "{v}");
    // A guard of sets alone stays a guarded capture.
    assert_eq!(
        v["capture"]["id"],
        json!({"json": "$.id", "optional": true}),
        "{v}"
    );
    assert!(v["expect"]["json"].get("$.status").is_none(), "{v}");
}

#[test]
fn a_throw_on_a_comparison_of_a_body_value_holds_of_nothing() {
    let s = test(&[
        "const j = pm.response.json();",
        "if (j.total === 0) { throw new Error('none'); }",
        "if (j.count > 1) { throw new Error('more'); }",
        "if (j.state !== 'ok') { throw new Error('bad'); }",
    ]);
    let v = out(&s);
    let json = &v["expect"]["json"];
    let missing = json!({"exists": false});
    assert_eq!(
        json["$.total"],
        json!({"any": [missing, {"not": {"equals": 0}}]}),
        "{v}"
    );
    assert_eq!(json["$.count"]["any"][0], missing, "{v}");
    // `undefined !== "ok"` is true: a value that is not there throws.
    assert_eq!(json["$.state"], "ok", "{v}");
}

#[test]
fn a_block_run_once_keeps_what_its_variables_hold_after_the_first_time() {
    let s = run(
        Phase::PreRequest,
        &[
            "const isInitialized = pm.collectionVariables.get('_init');",
            "if (!isInitialized || isInitialized === '') {",
            "    ['a', 'b'].forEach(v => { pm.collectionVariables.set(v, ''); });",
            "    pm.collectionVariables.set('stamp', Math.floor(Date.now() / 1000));",
            "    pm.collectionVariables.set('_init', 'true');",
            "}",
        ],
    );
    let v = out(&s);
    let sets = &v["sets"];
    let flag = "(_init and _init != \"{{_init}}\")";
    assert_eq!(
        sets["a"],
        format!("{{{{ (a if {flag} else \"\") }}}}"),
        "{v}"
    );
    assert_eq!(
        sets["b"],
        format!("{{{{ (b if {flag} else \"\") }}}}"),
        "{v}"
    );
    assert_eq!(
        sets["stamp"],
        format!("{{{{ (stamp if {flag} else timestamp()) }}}}"),
        "{v}"
    );
    assert_eq!(
        sets["_init"],
        format!("{{{{ (_init if {flag} else \"true\") }}}}"),
        "{v}"
    );
    // A flag that is not set by the block is no run-once guard: the sets are not wrapped.
    let s = run(
        Phase::PreRequest,
        &["if (!pm.environment.get('x')) { pm.environment.set('y', '1'); }"],
    );
    assert!(
        !yaml_out::to_string(&s.sets).contains("if (x"),
        "{}",
        yaml_out::to_string(&s.sets)
    );
}

#[test]
fn checks_of_the_items_a_variable_picks_in_a_loop_are_a_case_of_some_picked() {
    let s = test(&[
        "pm.test('json', function() { pm.response.headers.has('application/json') });",
        "var jsonData = pm.response.json();",
        "jsonData.items.forEach(function(instance, index) {",
        "    if (instance.id === pm.globals.get('ID1')) {",
        "        var required = ['id', 'state'];",
        "        pm.test('keys', () => pm.expect(Object.keys(instance)).to.include.members(required));",
        "        pm.test('state', () => pm.expect(instance.state).to.eql('done'));",
        "    }",
        "    if (instance.id == pm.globals.get('ID2')) {",
        "        pm.test('ID2 is not returned', function() { pm.expect(0).to.eql(1); });",
        "    }",
        "});",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let items = &v["expect"]["cases"][0];
    let picked = "$.items[?(@.id == {{ ID1 | tojson }})]";
    let case = &items["cases"][0];
    assert_eq!(
        case["when"],
        json!({"json": {picked: {"exists": true}}}),
        "{v}"
    );
    assert_eq!(
        case["json"][format!("{picked}.state")],
        json!({"each": "done"}),
        "{v}"
    );
    assert_eq!(
        case["json"][picked],
        json!({"each": {"all": [{"contains": "id"}, {"contains": "state"}]}}),
        "{v}"
    );
    // A check that always fails under the condition: no item is the one it names (and each
    // has an id: `undefined == null` would hold of one without, when the variable is null).
    assert_eq!(
        items["json"]["$.items[*].id"]["each"],
        json!({"not": {"equals": "{{ ID2 }}"}}),
        "{v}"
    );
    assert_eq!(
        items["json"]["$.items[*]"],
        json!({"each": {"contains": "id"}}),
        "{v}"
    );
    // The header asked for and dropped, the keys from a local list, the item filter and the
    // one that must not be returned: every test.
    assert_eq!((s.assertions, s.assertions_seen), (4, 4), "{v}");
    // A loose `==` with a variable holds when both are nothing (an item without the field, a
    // variable set from one): a second case picks those items when the variable holds nothing.
    let s = test(&[
        "pm.response.json().items.forEach(function(instance) {",
        "    if (instance.id == pm.globals.get('ID1')) {",
        "        pm.test('state', () => pm.expect(instance.state).to.eql('done'));",
        "    }",
        "});",
    ]);
    let v = out(&s);
    let cases = &v["expect"]["cases"][0]["cases"];
    assert_eq!(
        cases[1]["when"],
        json!({"vars": {"ID1": {"in": ["null", "{{ \"{{ID1}}\" }}"]}},
               "json": {"$.items[?(!@.id || @.id == null)]": {"exists": true}}}),
        "{v}"
    );
    assert_eq!(
        cases[1]["json"]["$.items[?(!@.id || @.id == null)].state"],
        json!({"each": "done"}),
        "{v}"
    );
    assert_eq!((s.assertions, s.assertions_seen), (1, 1), "{v}");
}

#[test]
fn a_body_a_pre_request_script_writes_whole_is_the_json_body() {
    let s = run(
        Phase::PreRequest,
        &[
            "const ts = pm.collectionVariables.get('stamp');",
            "pm.request.body.raw = JSON.stringify({",
            "    title: 'Contact ' + ts,",
            "    ref: pm.collectionVariables.get('person_id'),",
            "    n: 3, tags: ['a', ts], nested: { ok: true }",
            "});",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let body = yaml_out::to_string(s.json_body.as_ref().expect("a body"));
    let v: Value = serde_saphyr::from_str(&body).expect("yaml");
    assert_eq!(
        v,
        json!({"title": "Contact {{ stamp }}", "ref": "{{ person_id }}", "n": 3,
               "tags": ["a", "{{ stamp }}"], "nested": {"ok": true}}),
        "{body}"
    );
    // Text made otherwise stays a comment.
    let s = run(
        Phase::PreRequest,
        &["pm.request.body.raw = 'a=' + Date.now();"],
    );
    assert!(s.json_body.is_none());
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn string_of_a_field_not_there_is_the_text_undefined() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.collectionVariables.set('id', String(d.id));",
        "pm.collectionVariables.set('raw', d.other);",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["id"]["default"], "undefined", "{v}");
    assert_eq!(v["capture"]["raw"]["default"], "null", "{v}");
}

#[test]
fn a_loose_equality_with_a_variable_is_two_cases_of_the_same_checks() {
    let s = test(&[
        "const one = pm.response.json();",
        "if (one.id == pm.globals.get('ID1')) {",
        "    pm.test('state', () => pm.expect(one.state).to.eql('done'));",
        "}",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let cases = &v["expect"]["cases"];
    assert_eq!(
        cases[0]["when"],
        json!({"json": {"$.id": "{{ ID1 }}"}}),
        "{v}"
    );
    // `undefined == null`: a field not there and a variable set from nothing.
    assert_eq!(
        cases[1]["when"],
        json!({"vars": {"ID1": {"in": ["null", "{{ \"{{ID1}}\" }}"]}},
               "json": {"$.id": {"any": [{"exists": false}, {"equals": null}]}}}),
        "{v}"
    );
    assert_eq!(cases[0]["json"], cases[1]["json"], "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (1, 1), "{v}");
}

#[test]
fn checks_then_a_return_on_an_unset_variable_are_cases_of_it() {
    let s = test(&[
        "const orgId = pm.collectionVariables.get('org_id');",
        "if (!orgId || orgId === '') {",
        "    pm.test('skipped', () => pm.expect(pm.response.code).to.be.oneOf([200, 405]));",
        "    return;",
        "}",
        "pm.test('name', () => pm.expect(pm.response.json().name).to.eql('x'));",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let cases = &v["expect"]["cases"];
    assert_eq!(cases[0]["status"], json!([200, 405]), "{v}");
    assert_eq!(
        cases[0]["when"]["vars"]["org_id"]["any"][0],
        json!({"exists": false}),
        "{v}"
    );
    assert_eq!(cases[1]["json"]["$.name"], "x", "{v}");
    assert_eq!(cases[1]["when"]["vars"]["org_id"]["exists"], true, "{v}");
    // A value a branch sets is kept (yarc gives those unconditionally); its checks are a case.
    let s = test(&[
        "const orgId = pm.collectionVariables.get('org_id');",
        "if (!orgId) {",
        "  pm.test('a', () => pm.response.to.have.status(200));",
        "  pm.environment.set('x', 1);",
        "  return;",
        "}",
        "pm.test('name', () => pm.expect(pm.response.json().name).to.eql('x'));",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["cases"][0]["status"], 200, "{v}");
    assert_eq!(
        s.kept.iter().map(|k| k.0).collect::<Vec<_>>(),
        [4],
        "{:?}",
        s.kept
    );
    assert!(v["variables"]["x"].is_null(), "{v}");
}

#[test]
fn a_setting_read_into_a_local_then_checked_and_returned_on_is_two_cases() {
    let s = test(&[
        "var v2Disabled = pm.globals.get('v2Disabled') == 'true'",
        "if (v2Disabled) {",
        "    pm.test('Status code is 404', function () { pm.response.to.have.status(404); });",
        "    return;",
        "}",
        "pm.test('Status code is 202', () => pm.response.to.have.status(202));",
        "pm.environment.set('jobUrl', pm.response.headers.get('Content-Location'));",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let cases = &v["expect"]["cases"];
    // On: it equals "true". Off: not there (`undefined == "true"` is false), or another value.
    let on = json!({"vars": {"v2Disabled": {"equals": "true"}}});
    let off = json!({"vars": {"v2Disabled": {"any": [{"exists": false}, {"not": "true"}]}}});
    assert_eq!(cases[0], json!({"when": on, "status": 404}), "{v}");
    assert_eq!(cases[1], json!({"when": off, "status": 202}), "{v}");
    assert_eq!(v["capture"]["jobUrl"]["when"], off, "{v}");
    // A branch on the status in the rest, one that sets included: a case in the case, and
    // the capture's `when:` both.
    let s = test(&[
        "var off = pm.globals.get('off') == 'true'",
        "if (off) { pm.test('404', () => pm.response.to.have.status(404)); return; }",
        "if (pm.response.code === 202) {",
        "  pm.test('progress', () => pm.response.to.have.header('X-Progress'));",
        "} else if (pm.response.code === 200) {",
        "  pm.environment.set('dataUrl', pm.response.json().output[0].url);",
        "}",
    ]);
    let v = out(&s);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let inner = &v["expect"]["cases"][1]["cases"][0];
    assert_eq!(inner["when"], json!({"status": 202}), "{v}");
    let when = &v["capture"]["dataUrl"]["when"];
    assert_eq!(when["status"], 200, "{v}");
    assert_eq!(
        when["vars"],
        json!({"off": {"any": [{"exists": false}, {"not": "true"}]}}),
        "{v}"
    );
}

#[test]
fn an_if_kept_with_checks_of_the_response_fails_its_request_by_its_head() {
    let s = test(&[
        "const one = pm.response.json();",
        "if (Math.random() > 0.5) { pm.test('one', () => pm.expect(one.state).to.eql('done')); }",
    ]);
    assert_eq!(s.unchecked, ["the checks in `if (Math.random() > 0.5)`"]);
}

#[test]
fn a_function_that_polls_a_job_by_calling_itself_makes_its_request_retry() {
    let s = run(
        Phase::PreRequest,
        &[
            "const retryDelay = 5000;",
            "const maxRetries = 25;",
            "var jobReq = { url: pm.environment.get('jobUrl'), method: 'GET' };",
            "function awaitExportJob(retryCount) {",
            "    pm.sendRequest(jobReq, function (err, response) {",
            "        if (err) {",
            "            console.error(err);",
            "        } else if (response.code == 202) {",
            "            if (retryCount < maxRetries) {",
            "                setTimeout(function () {",
            "                    awaitExportJob(++retryCount);",
            "                }, retryDelay);",
            "            } else {",
            "                postman.setNextRequest(null);",
            "            }",
            "        }",
            "    });",
            "}",
            "awaitExportJob(1);",
        ],
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let sent = &s.requests[0];
    let retry = super::json_of(sent.clone().get_mut("retry").unwrap());
    assert_eq!(
        retry,
        json!({"attempts": 25, "delay": "5000ms", "until": {"status": {"not": {"equals": 202}}}})
    );
    // Counted from 0 with `<=`: one more send; a call that is not the function's own, none.
    let s = run(
        Phase::PreRequest,
        &[
            "function poll(n) {",
            "  pm.sendRequest('http://x/job', (err, res) => {",
            "    if (res.code === 202) {",
            "      if (n <= 3) {",
            "        setTimeout(() => {",
            "          poll(n + 1);",
            "        }, 10);",
            "      }",
            "    }",
            "  });",
            "}",
            "poll(0);",
        ],
    );
    let mut sent = s.requests[0].clone();
    assert_eq!(
        super::json_of(sent.get_mut("retry").unwrap())["attempts"],
        json!(5)
    );
    let s = run(
        Phase::PreRequest,
        &[
            "function poll(n) {",
            "  pm.sendRequest('http://x/job', (err, res) => {",
            "    if (res.code === 202) { if (n < 3) { setTimeout(() => { other(n + 1); }, 10); } }",
            "  });",
            "}",
            "poll(0);",
        ],
    );
    assert!(
        s.requests
            .iter()
            .all(|r| r.clone().get_mut("retry").is_none())
    );
}

#[test]
fn a_bearer_header_added_only_while_the_token_is_set_is_a_bearer_auth() {
    let lines: Vec<String> = [
        "if (!pm.environment.get('authToken')) { console.log('no token'); }",
        "if (pm.environment.get('authToken')) {",
        "  pm.request.headers.upsert({ key: 'Authorization', value: 'Bearer ' + pm.environment.get('authToken') });",
        "}",
    ]
    .map(String::from)
    .to_vec();
    let request = super::Request {
        body: None,
        query: None,
        text: None,
    };
    let s = super::convert_item(
        &lines,
        Phase::PreRequest,
        request,
        Some("r"),
        &super::Known::default(),
    );
    assert!(s.kept.iter().all(|k| k.0 > 1), "{:?}", s.kept);
    let mut bearer = s.bearer.clone().expect("bearer");
    assert_eq!(
        bearer.get_mut("bearer"),
        Some(&mut Y::str("{{ authToken }}"))
    );
    // Another header, or a collection's script (no request of its own): as before.
    let other: Vec<String> = lines
        .iter()
        .map(|l| l.replace("'Authorization'", "'X-Token'"))
        .collect();
    let s = super::convert_item(
        &other,
        Phase::PreRequest,
        super::Request {
            body: None,
            query: None,
            text: None,
        },
        Some("r"),
        &super::Known::default(),
    );
    assert!(s.bearer.is_none());
    let (s, _) = super::convert_scope(&lines, Phase::PreRequest, &super::Known::default());
    assert!(s.bearer.is_none());
}

#[test]
fn the_response_given_to_expect_is_checked_as_pm_response_to_checks_it() {
    let s = test(&[
        "pm.test('400', () => { pm.expect(pm.response).to.have.status(400); });",
        "pm.test('json', () => { pm.expect(pm.response).to.have.jsonBody('data.id'); });",
        "pm.test('header', () => { pm.expect(pm.response).to.have.header('X-Id'); });",
    ]);
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(400), "{v}");
    assert_eq!(
        v["expect"]["json"]["$.data.id"],
        json!({"exists": true}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["headers"]["X-Id"],
        json!({"exists": true}),
        "{v}"
    );
}

#[test]
fn a_regexp_made_from_text_tests_a_field_as_a_literal_does() {
    let s = test(&[
        "pm.test('van', function () {",
        "    var jsonData = pm.response.json();",
        "    var epUserID = jsonData.epUserID;",
        "    var pattern = new RegExp(\"^(34)([0-9]{11})$\");",
        "    var match = pattern.test(epUserID);",
        "    pm.expect(match).to.be.true;",
        "    pm.expect(RegExp('^[a-z]+$', 'i').test(jsonData.name)).to.be.true;",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.epUserID"],
        json!({"matches": "^(34)([0-9]{11})$"}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.name"],
        json!({"matches": "(?i)^[a-z]+$"}),
        "{v}"
    );
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
}

#[test]
fn checks_in_both_branches_of_a_setting_are_cases_of_that_setting() {
    let s = test(&[
        "if (pm.variables.get('autoCatchup') == 'true') {",
        "    pm.test('none', () => { pm.expect(pm.response.json().messages).equal(undefined); });",
        "} else {",
        "    pm.test('one', () => { pm.expect(pm.response.json().messages.length).equal(1); });",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["cases"],
        json!([
            {"when": {"vars": {"autoCatchup": {"equals": "true"}}},
             "json": {"$.messages": {"exists": false}}},
            {"when": {"vars": {"autoCatchup": {"any": [{"exists": false}, {"not": "true"}]}}},
             "json": {"$.messages": {"length": 1, "not": {"type": "object"}}}},
        ]),
        "{v}"
    );
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
}

#[test]
fn members_of_a_scope_object_are_its_variables() {
    let s = run(
        Phase::PreRequest,
        &[
            "const env = pm.environment.toObject({ excludeDisabled: true });",
            "const vars = pm.collectionVariables.toObject();",
            "pm.variables.set('url', env.authUrl + '/token');",
            "pm.variables.set('v', vars['apiVersion']);",
            "const moment = require('moment');",
            "pm.globals.set('tomorrow', moment().add('days', 1).format('YYYY-MM-DD'));",
        ],
    );
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    assert_eq!(v["sets"]["url"], json!("{{ authUrl }}/token"), "{v}");
    assert_eq!(v["sets"]["v"], json!("{{ apiVersion }}"), "{v}");
    assert_eq!(
        v["sets"]["tomorrow"],
        json!("{{ now(\"%Y-%m-%d\", \"1 day\") }}"),
        "{v}"
    );
}

#[test]
fn the_length_of_a_variable_a_test_reads_is_checked_of_the_variable() {
    let s = test(&[
        "pm.test('token there', function () {",
        "    const alice_token = pm.collectionVariables.get('token_alice');",
        "    pm.expect(alice_token).to.be.a('string');",
        "    pm.expect(alice_token.length).to.be.above(10);",
        "});",
    ]);
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["vars"]["token_alice"],
        json!({"type": "string", "length": {"gt": 10}}),
        "{v}"
    );
}

#[test]
fn a_test_of_variables_that_cannot_be_converted_fails_its_request() {
    let s = test(&[
        "pm.test('Alice authentication successful', function () {",
        "    const token = pm.collectionVariables.get('token_' + pm.collectionVariables.get('currentUser'));",
        "    pm.expect(token.length).to.be.above(10);",
        "});",
    ]);
    assert_eq!(
        s.unchecked,
        vec!["Alice authentication successful".to_string()]
    );
}

#[test]
fn uuids_moments_and_random_ranges_in_the_forms_scripts_write_them() {
    let s = run(
        Phase::PreRequest,
        &[
            "const { v4: uuidv4 } = require('uuid');",
            "const makeId = require('uuid').v4;",
            "const moment = require('moment');",
            "const min = 200000;",
            "const max = 900000;",
            "pm.variables.set('doc', '2.16.756^' + uuidv4());",
            "pm.variables.set('entry', makeId());",
            "pm.variables.set('ss', '1.' + (Math.round(Math.random() * (max - min)) + min));",
            "pm.variables.set('n', Math.floor(Math.random() * (max - min + 1)) + min);",
            "pm.variables.set('at', moment().utc().format('YYYY-MM-DDTHH:mm:ss+00:00'));",
        ],
    );
    assert_eq!(s.kept, vec![]);
    let v = out(&s);
    assert_eq!(v["sets"]["doc"], json!("2.16.756^{{ uuid() }}"), "{v}");
    assert_eq!(v["sets"]["entry"], json!("{{ uuid() }}"), "{v}");
    assert_eq!(
        v["sets"]["ss"],
        json!("1.{{ random_int(200000, 900000) }}"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["n"],
        json!("{{ random_int(200000, 900000) }}"),
        "{v}"
    );
    assert_eq!(
        v["sets"]["at"],
        json!("{{ now(\"%Y-%m-%dT%H:%M:%S+00:00\") }}"),
        "{v}"
    );
}

#[test]
fn a_branch_for_an_error_status_lets_that_status_pass() {
    let s = test(&[
        "switch (pm.response.code) {",
        "    case 200: pm.test('ok', () => pm.expect(pm.response.json().id).to.exist); break;",
        "    case 404: pm.test('nf', () => pm.expect(pm.response.json().error).to.eql('gone')); break;",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(["2xx", "3xx", 404]), "{v}");
    assert_eq!(
        v["expect"]["cases"][1]["when"],
        json!({"status": 404}),
        "{v}"
    );
}

#[test]
fn a_field_scaled_by_a_number_is_compared_with_the_bound_scaled_back() {
    let s = test(&[
        "pm.test('carbon', function () {",
        "    var footprint = pm.response.json().footprint;",
        "    var carbonKg = footprint.co2eGrams / 1000;",
        "    pm.expect(carbonKg).to.be.above(0);",
        "    pm.expect(carbonKg).to.be.below(1000);",
        "    var cents = pm.response.json().total * 100;",
        "    pm.expect(cents).to.be.at.least(50);",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.footprint.co2eGrams"],
        json!({"gt": 0, "lt": 1000000}),
        "{v}"
    );
    assert_eq!(v["expect"]["json"]["$.total"], json!({"gte": 0.5}), "{v}");
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
}

/// A request's own script, converted for a request at `url` whose variables the export gives
/// `values`.
fn sent_to(phase: Phase, lines: &[&str], url: &str, values: &[(&str, &str)]) -> Script {
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let text = RequestText {
        method: "GET".into(),
        url: url.into(),
        ..Default::default()
    };
    let request = Request {
        body: None,
        query: None,
        text: Some(&text),
    };
    let values = values.iter().map(|(k, v)| {
        let e = Exported {
            value: v.to_string(),
            in_environment: true,
            in_collection: false,
        };
        (k.to_string(), e)
    });
    let known = Known {
        values: std::rc::Rc::new(values.collect()),
        ..Known::default()
    };
    super::convert_item(&lines, phase, request, Some("r"), &known)
}

/// One script copied into requests for two accounts, deciding by the URL (a bank suite's).
const BY_URL: &[&str] = &[
    "var jsonData = pm.response.json();",
    "if (pm.request.url.toString().includes(\"17007\")) {",
    "    pm.globals.set(\"balance_17007\", jsonData.balance);",
    "}",
    "if (pm.request.url.toString().includes(\"17229\")) {",
    "    pm.test(\"savings\", function () { pm.expect(jsonData.id).to.eql(17229); });",
    "}",
];

#[test]
fn a_requests_own_script_is_read_for_its_url() {
    let base = [("base", "https://bank.example.com")];
    let checking = sent_to(Phase::Test, BY_URL, "{{base}}/accounts/17007", &base);
    let v = out(&checking);
    assert_eq!(
        v["capture"]["balance_17007"]["json"],
        json!("$.balance"),
        "{v}"
    );
    assert!(v["expect"]["json"]["$.id"].is_null(), "{v}");
    assert!(checking.kept.is_empty(), "{:?}", checking.kept);
    let savings = out(&sent_to(
        Phase::Test,
        BY_URL,
        "{{base}}/accounts/17229",
        &base,
    ));
    assert_eq!(savings["expect"]["json"]["$.id"], json!(17229), "{savings}");
    assert!(savings["capture"]["balance_17007"].is_null(), "{savings}");
    // A test script reads the URL as sent: one with a variable the export gives no value
    // decides nothing.
    let unknown = sent_to(Phase::Test, BY_URL, "{{elsewhere}}/accounts/17007", &base);
    assert!(out(&unknown)["capture"]["balance_17007"].is_null());
    assert!(!unknown.kept.is_empty());
    // A pre-request script reads it as written.
    let pre = [
        "if (pm.request.url.toString().indexOf(\"{{base}}/accounts\") === 0) {",
        "    pm.environment.set(\"kind\", \"account\");",
        "} else { pm.environment.set(\"kind\", \"other\"); }",
    ];
    let account = out(&sent_to(
        Phase::PreRequest,
        &pre,
        "{{base}}/accounts/1",
        &[],
    ));
    assert_eq!(account["sets"]["kind"], json!("account"), "{account}");
    let other = out(&sent_to(Phase::PreRequest, &pre, "{{base}}/cards/1", &[]));
    assert_eq!(other["sets"]["kind"], json!("other"), "{other}");
}

#[test]
fn a_url_that_decides_is_not_written_with_the_exports_values() {
    // The URL decides the `if`; a value made from it is not written with the export's host
    // put in (it stays a kept line), and the decision still holds.
    let lines = [
        "if (pm.request.url.toString().includes(\"/v2/\")) {",
        "    pm.test(\"v2\", function () { pm.response.to.have.status(201); });",
        "}",
        "pm.environment.set(\"last_url\", pm.request.url.toString());",
    ];
    let base = [("base", "https://internal.example.com")];
    let s = sent_to(Phase::Test, &lines, "{{base}}/v2/orders", &base);
    let v = out(&s);
    assert_eq!(v["expect"]["status"], json!(201), "{v}");
    assert!(!v.to_string().contains("internal.example.com"), "{v}");
    assert_eq!(s.kept.len(), 1, "{:?}", s.kept);
}

#[test]
fn a_set_under_a_condition_on_the_body_is_a_capture_taken_when_it_holds() {
    // A payments suite's collection script: which id the answer holds says which variable.
    let s = test(&[
        "const json = pm.response.json();",
        "if (json.object === \"payment_intent\") {",
        "  pm.environment.set(\"pi_id\", json.id);",
        "}",
        "if (json.object === \"refund\") {",
        "  pm.environment.set(\"refund_id\", json.id);",
        "} else { console.log(\"no refund\"); }",
        "if (json.count > 5) { pm.environment.set(\"many\", json.user.id); }",
    ]);
    let v = out(&s);
    let when = |name: &str| v["capture"][name]["when"]["json"].clone();
    assert_eq!(v["capture"]["pi_id"]["json"], json!("$.id"), "{v}");
    assert_eq!(when("pi_id"), json!({"$.object": "payment_intent"}), "{v}");
    assert_eq!(when("refund_id"), json!({"$.object": "refund"}), "{v}");
    // The guard's check joins the capture's own (`$.user` must be there to read its id).
    assert_eq!(when("many")["$.count"], json!({"gt": 5}), "{v}");
    assert!(when("many")["$.user"].is_object(), "{v}");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!((s.sets_seen, s.captures), (3, 3));
    // A presence guard stays what it was: the capture says what a missing value makes.
    let present = out(&test(&[
        "var data = pm.response.json();",
        "if (data.token) { pm.environment.set(\"token\", data.token); }",
    ]));
    assert!(present["capture"]["token"]["when"].is_null(), "{present}");
}

#[test]
fn a_value_or_empty_text_checked_for_a_text_is_the_value() {
    let s = test(&[
        "pm.test(\"json\", () => pm.expect(pm.response.headers.get(\"Content-Type\") || \"\").to.include(\"application/json\"));",
        "const ct = pm.response.headers.get(\"Content-Type\") || \"\";",
        "pm.test(\"ct\", () => pm.expect(ct).to.include(\"json\"));",
        "const d = pm.response.json();",
        "pm.test(\"name\", () => pm.expect(d.name || \"\").to.match(/^ab/));",
    ]);
    let v = out(&s);
    let ct = &v["expect"]["headers"]["Content-Type"]["all"];
    assert_eq!(
        ct,
        &json!([{"contains": "application/json"}, {"contains": "json"}]),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.name"],
        json!({"matches": "^ab"}),
        "{v}"
    );
    // Negated, the empty fallback passes a missing header in Postman: not converted.
    let neg = test(&[
        "pm.test(\"neg\", () => pm.expect(pm.response.headers.get(\"X-A\") || \"\").to.not.include(\"bad\"));",
    ]);
    assert!(out(&neg)["expect"]["headers"].is_null(), "{:?}", out(&neg));
    assert_eq!(neg.assertions, 0);
}

/// The STIG suite's idiom: a decision on the request's own query, then a setting read into a
/// local that the decision may overwrite.
const BY_QUERY: &[&str] = &[
    "let user = pm.environment.get(\"user\");",
    "if (pm.request.url.getQueryString().match(/elevate=true/)) {",
    "    user = \"elevated\";",
    "}",
    "if (user == \"admin\") {",
    "    pm.test(\"200 for the admin\", function () { pm.response.to.have.status(200); });",
    "} else {",
    "    pm.test(\"403\", function () { pm.response.to.have.status(403); });",
    "    return;",
    "}",
];

#[test]
fn a_requests_own_script_is_read_for_its_query() {
    let query = |q: &str| {
        let lines: Vec<String> = BY_QUERY.iter().map(|l| l.to_string()).collect();
        let text = RequestText {
            method: "GET".into(),
            url: format!("{{{{base}}}}/assets?{q}"),
            query: Some(q.into()),
            ..Default::default()
        };
        let request = Request {
            body: None,
            query: None,
            text: Some(&text),
        };
        let base = Exported {
            value: "https://stig.example".into(),
            in_environment: true,
            in_collection: false,
        };
        let known = Known {
            values: std::rc::Rc::new(HashMap::from([("base".to_string(), base)])),
            ..Known::default()
        };
        super::convert_item(&lines, Phase::Test, request, Some("r"), &known)
    };
    // Elevated, the user is "elevated" whatever the setting: the 403 branch, unconditionally.
    let elevated = query("elevate=true&projection=stigs");
    assert_eq!(
        out(&elevated)["expect"]["status"],
        json!(403),
        "{:?}",
        out(&elevated)
    );
    assert!(out(&elevated)["expect"]["cases"].is_null());
    // Otherwise the setting decides: a case each.
    let plain = out(&query("projection=stigs"));
    let cases = plain["expect"]["cases"].as_array().expect("cases");
    assert_eq!(
        cases[0]["when"]["vars"]["user"]["equals"],
        json!("admin"),
        "{plain}"
    );
    assert_eq!(cases[1]["status"], json!(403), "{plain}");
}

#[test]
fn an_unset_before_a_set_of_the_same_variable_is_no_unset() {
    let s = test(&[
        "const response = pm.response.json();",
        "pm.environment.unset(\"clientToken\");",
        "pm.environment.set(\"clientToken\", response.accessToken);",
        "pm.environment.set(\"other\", response.x);",
        "pm.environment.unset(\"other\");",
    ]);
    assert_eq!(s.unset, [("other".to_string(), "environment")]);
    assert_eq!(
        out(&s)["capture"]["clientToken"]["json"],
        json!("$.accessToken")
    );
}

#[test]
fn a_test_of_nothing_passes_and_checks_nothing() {
    // Postman ignores what a test's function returns.
    let s = test(&[
        "pm.test('skip a', () => true);",
        "pm.test('skip b', () => { return false; });",
    ]);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert!(s.unchecked.is_empty());
    assert_eq!(out(&s)["expect"], json!({}), "{:?}", out(&s));
    // As the `else` of a guard it is no branch of checks: the guard's checks are the case of
    // the setting holding.
    let s = test(&[
        "if (pm.collectionVariables.get('job_id')) {",
        "  pm.test('Status 200', () => pm.response.to.have.status(200));",
        "} else {",
        "  pm.test('no job_id — skip', () => true);",
        "}",
    ]);
    let case = &out(&s)["expect"]["cases"][0];
    assert_eq!(case["status"], json!(200), "{:?}", out(&s));
    assert_eq!(
        case["when"]["vars"]["job_id"],
        json!({"exists": true, "not": {"in": ["", "{{ \"{{job_id}}\" }}"]}})
    );
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
}

#[test]
fn a_setting_equal_to_one_of_several_values_is_a_case_of_them() {
    let s = test(&[
        "let user = pm.environment.get(\"user\");",
        "if (user == \"collectioncreator\" || user === 'bizarroLvl1') {",
        "    pm.test(\"403\", function () { pm.response.to.have.status(403); });",
        "    return;",
        "} else {",
        "    pm.test(\"200\", function () { pm.response.to.have.status(200); });",
        "}",
    ]);
    let v = out(&s);
    let cases = v["expect"]["cases"].as_array().expect("cases");
    let both = json!(["collectioncreator", "bizarroLvl1"]);
    assert_eq!(
        cases[0]["when"]["vars"]["user"],
        json!({ "in": both }),
        "{v}"
    );
    assert_eq!(cases[0]["status"], json!(403), "{v}");
    let others = &cases[1]["when"]["vars"]["user"]["any"];
    assert_eq!(others[1], json!({ "not": { "in": both } }), "{v}");
    assert_eq!(cases[1]["status"], json!(200), "{v}");
}

#[test]
fn a_member_of_a_random_item_needs_the_list_to_have_one() {
    // Newman throws reading `Cur_ID` of no item (an object's `length` is undefined, an empty
    // list's random item too): the request fails there, and so does yarc's.
    let s = test(&[
        "let jsonData = pm.response.json();",
        "let pick = jsonData[Math.floor(Math.random() * jsonData.length)];",
        "pm.environment.set('random_id', pick.Cur_ID);",
    ]);
    assert_eq!(out(&s)["expect"]["json"]["$[0]"], json!({ "exists": true }));
    // A fixed index says which item: no random pick.
    let fixed = test(&[
        "let jsonData = pm.response.json();",
        "let i = Number(pm.environment.get('i'));",
        "let pick = jsonData[i];",
        "pm.environment.set('random_id', pick.Cur_ID);",
    ]);
    assert!(
        out(&fixed)["expect"]["json"].get("$[0]").is_none(),
        "{}",
        out(&fixed)
    );
}

/// Optional chaining gives `undefined` where a plain read throws: what it reads need not be
/// there (`items?.first.id` neither `$.items` nor `$.items.first`); a plain read still does.
/// JavaScript's loose `==` of a number holds of its text too; `environment["x"]` is
/// `environment.x`.
#[test]
fn a_loose_comparison_and_an_indexed_legacy_read() {
    let s = test(&[
        "var data = JSON.parse(responseBody);",
        "tests[\"count\"] = data.count == 3;",
        "tests[\"id\"] = data.id === 42;",
        "tests[\"owner\"] = environment[\"owner\"] === \"ada\";",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.count"],
        json!({ "in": [3, "3"] }),
        "{v}"
    );
    assert_eq!(v["expect"]["json"]["$.id"], json!(42), "{v}");
    assert_eq!(v["expect"]["vars"]["owner"], json!("ada"), "{v}");
}

/// A test that compares a variable the script just stored with what it stored it from holds by
/// construction: no `fail:` for it.
#[test]
fn a_test_of_what_the_script_just_stored_is_bookkeeping() {
    let s = test(&[
        "let jsonData = pm.response.json();",
        "pm.environment.set('ticketId', jsonData.id);",
        "pm.test('stored', function () { pm.expect(pm.environment.get('ticketId')).to.eql(jsonData.id); });",
    ]);
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
}

/// A text a test compares with is compared as written: Postman does not fill `{{page}}` in a
/// script's string (a common slip that fails there), so yarc must not either.
#[test]
fn braces_in_an_expected_text_are_compared_as_written() {
    let s = test(&[
        "const j = pm.response.json();",
        "pm.test('page', () => { pm.expect(j.args.page).to.eql('{{page}}'); });",
        "pm.test('user', () => { pm.expect(j.args.user).to.eql(pm.environment.get('user')); });",
    ]);
    let json = &out(&s)["expect"]["json"];
    assert_eq!(json["$.args.page"], json!("{{ '{' }}{page}}"), "{json}");
    assert_eq!(json["$.args.user"], json!("{{ user }}"), "{json}");
}

/// A reason phrase is compared as text in Postman: the standard one, as servers send it, is
/// its status; another case (`"Not found"`) fails there and is not converted.
#[test]
fn a_reason_phrase_in_another_case_is_not_its_status() {
    let s = test(&["pm.test('r', () => pm.expect(pm.response.status).to.equal('Not Found'));"]);
    assert_eq!(out(&s)["expect"]["status"], json!(404));
    let s = test(&["pm.test('r', () => pm.expect(pm.response.status).to.equal('Not found'));"]);
    assert_eq!((s.assertions, s.assertions_seen), (0, 1));
    assert_eq!(s.unchecked, vec!["r".to_string()]);
}

/// `pm.cookies.toObject()` with `property(name[, value])` is the cookie, there (and equal).
#[test]
fn the_cookies_object_has_a_property_per_cookie() {
    let s = test(&[
        "pm.test('theme', () => { pm.expect(pm.cookies.toObject()).to.have.property('theme', 'dark'); });",
        "pm.test('session', () => { pm.expect(pm.cookies.toObject()).to.have.property('session'); });",
        "pm.test('none', () => { pm.expect(pm.cookies.toObject()).to.not.have.property('tracking'); });",
    ]);
    assert_eq!(
        out(&s)["expect"]["cookies"],
        json!({ "theme": "dark", "session": { "exists": true }, "tracking": { "exists": false } })
    );
    assert_eq!((s.assertions, s.assertions_seen), (3, 3));
}

#[test]
fn an_optional_chain_needs_nothing_to_be_there() {
    let s = test(&[
        "let jsonData = {};",
        "try { jsonData = pm.response.json(); } catch (e) {}",
        "const energy = jsonData?.electric?.energy_id;",
        "const first = jsonData.items?.first.id;",
        "const plain = jsonData.owner.name;",
    ]);
    let json = &out(&s)["expect"]["json"];
    assert!(json.get("$.electric").is_none(), "{json}");
    assert!(json.get("$.items").is_none(), "{json}");
    assert!(json.get("$.items.first").is_none(), "{json}");
    assert_eq!(json["$.owner"], json!({ "exists": true }), "{json}");
}

#[test]
fn a_local_holding_the_response_reads_as_the_response() {
    let lines = [
        "const res = pm.response;",
        "pm.test('no 5xx', function () { pm.expect(res.code).to.not.be.within(500, 599); });",
        "pm.test('fast', () => pm.expect(res.responseTime).to.be.below(800));",
        "pm.test('id', () => { const j = res.json(); pm.expect(j.id).to.eql(1); res.to.have.status(200); });",
    ];
    let s = test(&lines);
    let v = out(&s);
    // `not within`: outside the range, one bound or the other (never both).
    assert_eq!(
        v["expect"]["status"],
        json!({ "any": [{ "lt": 500 }, { "gt": 599 }], "equals": 200 })
    );
    assert_eq!(v["expect"]["time"], json!({ "lt": "800ms" }));
    assert_eq!(v["expect"]["json"]["$.id"], 1);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Bound again (a callback's parameter): nothing is read through it.
    let again = test(&[
        lines[0],
        "pm.sendRequest('http://x/y', function (err, res) { console.log(res.code); });",
        lines[2],
    ]);
    assert!(
        out(&again)["expect"].get("time").is_none(),
        "{}",
        out(&again)
    );
    assert!(!again.kept.is_empty());
}

#[test]
fn a_sent_value_that_is_made_up_is_made_first_and_read_back() {
    let body =
        super::Sent::Json(json!({ "email": "john.{{$randomInt}}@example.com", "name": "ann" }));
    let s = convert_for(
        &[
            "const sent = JSON.parse(pm.request.body.raw);",
            "pm.collectionVariables.set('test_email', sent.email);",
            "pm.collectionVariables.set('test_name', sent.name);",
        ]
        .map(String::from),
        Phase::Test,
        Some(&body),
    );
    let v = out(&s);
    // yarc would make a new random number, not the one Newman sent: the request makes it
    // first, in `sent_email` (postman.rs writes the `set:` and the body), and the set reads it.
    assert!(v.to_string().find("random_int").is_none(), "{v}");
    assert_eq!(
        s.made_sent,
        [super::MadeSent {
            at: vec![json!("email")],
            var: "sent_email".into(),
            made: "john.{{ random_int(0, 1000) }}@example.com".into(),
        }]
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert!(v.to_string().contains("{{ sent_email }}"), "{v}");
    assert!(v.to_string().contains("test_name"), "{v}");
}

#[test]
fn a_variable_a_script_sets_to_null_is_false_where_a_script_asks() {
    let names = super::null_sets(&[
        "['switch_id', 'motion_id'].forEach(key => {".to_string(),
        "    pm.environment.set(key, null);".to_string(),
        "});".to_string(),
        "pm.collectionVariables.set('token', null);".to_string(),
        "pm.environment.set('kept', 'null');".to_string(),
    ]);
    assert_eq!(names, ["token", "switch_id", "motion_id"]);
    // Over a list in a local, and `for...of`.
    let more = super::null_sets(&[
        "const keys = ['y_id'];".to_string(),
        "keys.forEach(function (k) { pm.environment.set(k, null); });".to_string(),
        "for (const k of ['c_id']) { pm.environment.set(k, null) }".to_string(),
    ]);
    assert_eq!(more, ["y_id", "c_id"]);
    let known = super::Known {
        null_sets: std::rc::Rc::new(names.into_iter().collect()),
        ..Default::default()
    };
    let lines: Vec<String> =
        ["if (!pm.environment.get('motion_id')) { pm.execution.skipRequest(); }"]
            .map(String::from)
            .to_vec();
    let s = super::convert_item(&lines, Phase::PreRequest, Default::default(), None, &known);
    let skip = s.skip.clone().unwrap_or_default();
    assert!(skip.contains("motion_id != \"null\""), "{skip}");
    // Without it the text `null` is a value, as in JavaScript.
    let plain = super::convert_item(
        &lines,
        Phase::PreRequest,
        Default::default(),
        None,
        &Default::default(),
    );
    assert!(!plain.skip.unwrap_or_default().contains("\"null\""));
}

#[test]
fn checks_when_the_body_is_not_empty_are_a_case_of_its_length() {
    let s = test(&[
        "const ct = pm.response.headers.get('Content-Type') || '';",
        "pm.test('json when there is a body', function () {",
        "    if (pm.response.text() && pm.response.text().length > 0) {",
        "        pm.expect(ct.toLowerCase()).to.include('application/json');",
        "    }",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["cases"],
        json!([{
            "when": { "body": { "length": { "gt": 0 } } },
            "headers": { "Content-Type": { "matches": "(?i)application/json" } }
        }]),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_labelled_template_of_checks_that_hold_of_any_response_converts() {
    let s = test(&[
        "TESTS:",
        "",
        "pm.test('2xx', () => { pm.expect(pm.response.code.toString()[0]).to.eq('2'); });",
        "pm.test('has body', () => { pm.expect(responseBody).not.to.be.undefined });",
        "pm.test('text', () => { pm.expect(typeof(responseBody)).to.eq('string') });",
        "pm.test('text too', () => { pm.expect(responseBody).to.be.a('string') });",
        "pm.test('headers', () => { pm.expect(pm.response.headers).to.be.an('object') });",
        "pm.test('cookies', () => { pm.expect(pm.cookies).not.to.be.undefined });",
        "pm.test('json', () => { pm.expect(pm.response).to.have.jsonBody });",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"], json!({ "status": "2xx" }), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (7, 7), "{:?}", s.kept);
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    // Not every word holds: a headers object is no text, a class must be one digit.
    let kept = test(&[
        "pm.test('h', () => { pm.expect(pm.response.headers).to.be.a('string') });",
        "pm.test('c', () => { pm.expect(pm.response.code.toString()[0]).to.eq('20'); });",
    ]);
    assert_eq!(kept.assertions, 0, "{}", out(&kept));
}

#[test]
fn one_of_undefined_and_null_is_missing_or_null() {
    let s = test(&[
        "const jsonData = pm.response.json();",
        "pm.test('no id', () => { pm.expect(jsonData.id, 'no id').to.be.oneOf([undefined, null]); });",
        "pm.test('x', () => { pm.expect(jsonData.x).to.not.be.oneOf([null, undefined]); });",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.id"],
        json!({ "any": [{ "exists": false }, { "in": [null] }] }),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.x"],
        json!({ "not": { "in": [null] } }),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn deep_include_of_an_object_is_contains_that_map() {
    let s = test(&[
        "pm.test(\"has the admin\", function () {",
        "    const users = pm.response.json().users;",
        "    pm.expect(users).to.deep.include({id: 2, role: 'admin'});",
        "    pm.expect(pm.response.json().meta).to.not.deep.include({page: 9});",
        "});",
        "pm.test(\"strict\", function () {",
        "    pm.expect(pm.response.json().user).to.include({org: {id: 3}});",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.users"],
        json!({"contains": {"id": 2, "role": "admin"}}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.meta"],
        json!({"not": {"contains": {"page": 9}}}),
        "{v}"
    );
    // Without `.deep` an object written as a member's value is never `===` the response's:
    // the check is left to a human, and the request fails as Postman's test does.
    assert_eq!((s.assertions, s.assertions_seen), (2, 3), "{v}");
}

#[test]
fn a_strict_comparison_with_a_made_object_or_list_is_left_to_a_human() {
    // chai's `equal`, `property(k, v)` and `oneOf` compare with `===`: a list or an object
    // the script writes is never the response's, so Postman's test fails whatever it holds.
    for line in [
        "pm.expect(d.tags).to.equal(['red', 'green']);",
        "pm.expect(d.owner).to.equal({city: 'Oslo'});",
        "pm.expect(d.owner).to.have.property('roles', ['admin']);",
        "pm.expect(d).to.have.nested.property('o.a', {b: 1});",
        "pm.expect(d.tags).to.be.oneOf([['red', 'green']]);",
        "pm.expect(d.user).to.include({tags: ['x']});",
    ] {
        let s = test(&[
            "const d = pm.response.json();",
            "pm.test('strict', function () {",
            line,
            "});",
        ]);
        assert_eq!(
            (s.assertions, s.assertions_seen),
            (0, 1),
            "{line}: {}",
            out(&s)
        );
    }
    // The deep forms compare by value.
    let s = test(&[
        "const d = pm.response.json();",
        "pm.test('deep', function () {",
        "    pm.expect(d.tags).to.deep.equal(['red', 'green']);",
        "    pm.expect(d.owner).to.eql({city: 'Oslo'});",
        "    pm.expect(d.owner).to.have.deep.property('roles', ['admin']);",
        "    pm.expect(d.kind).to.be.oneOf(['a', ['b']]);",
        "});",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.tags"],
        json!(["red", "green"]),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.owner.roles"],
        json!(["admin"]),
        "{v}"
    );
    // `['b']` is never `===` the kind: only `'a'` can match.
    assert_eq!(v["expect"]["json"]["$.kind"], json!({"in": ["a"]}), "{v}");
    assert_eq!((s.assertions, s.assertions_seen), (4, 4), "{v}");
}

#[test]
fn typeof_object_holds_of_a_list_and_of_null() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.test('types', function () {",
        "    pm.expect(typeof d.error).to.eql('object');",
        "    pm.expect(typeof d.name === 'object').to.be.false;",
        "});",
    ]);
    let v = out(&s);
    let any = json!([{"type": "object"}, {"type": "array"}, {"type": "null"}]);
    assert_eq!(v["expect"]["json"]["$.error"], json!({"any": any}), "{v}");
    assert_eq!(
        v["expect"]["json"]["$.name"],
        json!({"not": {"any": any}}),
        "{v}"
    );
}

#[test]
fn loose_equality_holds_of_what_javascript_finds_equal() {
    let s = test(&[
        "var d = JSON.parse(responseBody);",
        "tests['id'] = d.id == '42';",
        "tests['qty'] = d.qty == false;",
        "tests['on'] = d.on != true;",
        "tests['name'] = d.name == 'ada';",
    ]);
    let v = out(&s);
    assert_eq!(
        v["expect"]["json"]["$.id"],
        json!({"in": ["42", 42]}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.qty"],
        json!({"in": [false, 0, "0", ""]}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["json"]["$.on"],
        json!({"any": [{"exists": false}, {"not": {"in": [true, 1, "1"]}}]}),
        "{v}"
    );
    assert_eq!(v["expect"]["json"]["$.name"], json!("ada"), "{v}");
}

#[test]
fn a_tv4_schema_checks_no_format() {
    let s = test(&[
        "var d = pm.response.json();",
        "var schema = { type: 'object', properties: { mail: { type: 'string', format: 'email' },",
        "  format: { type: 'string' } }, items: [{ format: 'date' }] };",
        "pm.test('valid', function () { pm.expect(tv4.validate(d, schema)).to.be.true; });",
    ]);
    let v = out(&s);
    let schema = &v["expect"]["schema"];
    assert_eq!(
        schema["properties"]["mail"],
        json!({"type": "string"}),
        "{v}"
    );
    assert_eq!(
        schema["properties"]["format"],
        json!({"type": "string"}),
        "{v}"
    );
    assert_eq!(schema["items"], json!([{}]), "{v}");
}

#[test]
fn a_value_converted_before_it_is_stored_is_captured_as_that() {
    let s = test(&[
        "const d = pm.response.json();",
        "pm.environment.set('total', parseInt(d.total));",
        "pm.environment.set('price', Number(d.price));",
        "pm.environment.set('id', d.id.toString());",
        "const code = String(d.code);",
        "pm.environment.set('code', code);",
        "pm.environment.set('plain', d.plain);",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["total"]["as"], "integer", "{v}");
    assert_eq!(v["capture"]["price"]["as"], "number", "{v}");
    assert_eq!(v["capture"]["id"]["as"], "text", "{v}");
    assert_eq!(v["capture"]["code"]["as"], "text", "{v}");
    assert!(v["capture"]["plain"].get("as").is_none(), "{v}");
}

#[test]
fn a_branch_of_sets_may_declare_a_local_first() {
    let s = run(
        Phase::PreRequest,
        &[
            "if (!pm.environment.get('test_email')) {",
            "    const timestamp = Date.now();",
            "    const user = `testuser${timestamp}`;",
            "    pm.environment.set('test_email', `test${timestamp}@example.com`);",
            "    pm.environment.set('test_username', user);",
            "}",
        ],
    );
    let v = out(&s);
    let email = v["sets"]["test_email"].as_str().unwrap_or_default();
    assert!(
        email.starts_with("{{ ((\"test\" ~ (timestamp_ms()) ~ \"@example.com\") if not "),
        "{v}"
    );
    let user = v["sets"]["test_username"].as_str().unwrap_or_default();
    assert!(
        user.starts_with("{{ ((\"testuser\" ~ (timestamp_ms())) if not "),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_known_value_set_when_the_response_says_so_is_taken_only_then() {
    let s = test(&[
        "if (pm.response.code == 201) {",
        "    pm.globals.set('mode', 'fast');",
        "    pm.globals.set('count', 3);",
        "}",
    ]);
    let v = out(&s);
    assert_eq!(
        v["capture"]["mode"],
        json!({"value": "fast", "when": {"status": 201}}),
        "{v}"
    );
    assert_eq!(v["capture"]["count"]["value"], 3, "{v}");
    // Never a starting value of the collection: Postman has none until the case holds.
    assert!(v["variables"].get("mode").is_none(), "{v}");
}

#[test]
fn chai_refuses_what_it_cannot_compare_or_search() {
    // A header is text: `above` of it fails in chai; `include("id")` of an object is an error.
    let s = test(&[
        "const d = pm.response.json();",
        "pm.test('length', () => pm.expect(pm.response.headers.get('Content-Length')).to.be.above(10));",
        "pm.test('key', () => pm.expect(d.owner).to.include('login'));",
        "pm.test('no token', () => pm.expect(pm.response.headers.get('X-Token')).to.not.be.ok);",
        "pm.test('price', () => pm.expect(d.price).to.be.above(Number(pm.environment.get('min'))));",
    ]);
    let v = out(&s);
    assert_eq!((s.assertions, s.assertions_seen), (3, 4), "{v}");
    assert_eq!(
        v["expect"]["json"]["$.owner"],
        json!({"contains": "login", "any": [{"type": "string"}, {"type": "array"}]}),
        "{v}"
    );
    assert_eq!(
        v["expect"]["headers"]["X-Token"],
        json!({"any": [{"exists": false}, {"equals": ""}]}),
        "{v}"
    );
    // `Number("9.6")` is 9.6: JavaScript's Number, not a whole number.
    assert_eq!(
        v["expect"]["json"]["$.price"]["gt"], "{{ (min | number) }}",
        "{v}"
    );
}

#[test]
fn a_field_that_must_be_missing_is_read_from_one_there_and_not_null() {
    // `error` null: reading `error.message` throws in Postman, so the test fails.
    let s = test(&[
        "const d = pm.response.json();",
        "pm.test('no message', () => pm.expect(d.error.message).to.not.exist);",
        "pm.test('no code', () => pm.expect(d.error.code).to.be.undefined);",
        "pm.test('named', () => pm.expect(d.user.name).to.eql('ada'));",
    ]);
    let v = out(&s);
    let json = &v["expect"]["json"];
    assert_eq!(json["$.error"], json!({"not": {"equals": null}}), "{v}");
    assert_eq!(json["$.error.code"], json!({"exists": false}), "{v}");
    // A value that must be there is found in an object already: nothing more is asked.
    assert!(json.get("$.user").is_none(), "{v}");
}

#[test]
fn a_nested_object_pattern_reads_each_field_where_it_is() {
    let s = test(&[
        "const { data: { songId, title: name }, status } = pm.response.json();",
        "pm.environment.set('songIdA', songId);",
        "pm.test('ok', () => pm.expect(status).to.eql('success'));",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["songIdA"]["json"], "$.data.songId", "{v}");
    assert_eq!(v["expect"]["json"]["$.status"], "success", "{v}");
    // Without `data` the pattern throws: Newman fails the request.
    assert_eq!(
        v["expect"]["json"]["$.data"],
        json!({"exists": true}),
        "{v}"
    );
    assert!(s.kept.is_empty(), "{:?}", s.kept);
}

#[test]
fn a_name_an_earlier_script_assigned_undeclared_cannot_be_declared_again() {
    let known = super::Known::default();
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let convert =
        |l: &[&str]| super::convert_item(&lines(l), Phase::Test, Default::default(), None, &known);
    // `var` hoisted from a block and a parameter declare their names: nothing is made global.
    convert(&[
        "if (true) { var kept = 1; }",
        "kept = 2;",
        "[1].forEach((n) => { n = 3; });",
    ]);
    convert(&[
        "response = pm.response.json();",
        "pm.test('a', () => pm.expect(response).to.be.ok);",
    ]);
    let later = convert(&[
        "const response = pm.response.json();",
        "const kept = 1;",
        "let n = 2;",
    ]);
    assert_eq!(later.redeclared, ["response"]);
}

/// A pre-request script that takes the next payload of a list it keeps (`shift()`), the test
/// script sending the request again while some are left: two `set:` entries holding what
/// Newman's variables hold, and `repeat: { while }` over what is left.
#[test]
fn a_list_of_payloads_taken_one_per_send_becomes_sets_and_repeat() {
    let pre = [
        "let payloads = pm.environment.get('badPayloads');",
        "if (!payloads || payloads.length === 0) {",
        "    payloads = [{}, { title: 'it\\'s', n: 1, tags: [] }, { nested: { a: true } }];",
        "}",
        "const current = payloads.shift();",
        "pm.environment.set('currentBadPayload', JSON.stringify(current));",
        "pm.environment.set('badPayloads', payloads);",
    ];
    let s = named(Phase::PreRequest, &pre, "bad");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let set = super::json_of(&s.sets);
    let start = "(badPayloads if badPayloads is defined and badPayloads else [{}, {'title': \
                 'it\\'s', 'n': 1, 'tags': []}, {'nested': {'a': true} }])";
    assert_eq!(
        set["currentBadPayload"],
        format!("{{{{ {start}[0] | string }}}}")
    );
    assert_eq!(set["badPayloads"], format!("{{{{ {start}[1:] }}}}"));
    // Scalars are written as `JSON.stringify` writes them: `tojson`.
    let words: Vec<String> = pre
        .iter()
        .map(|l| {
            l.replace(
                "[{}, { title: 'it\\'s', n: 1, tags: [] }, { nested: { a: true } }]",
                "['a', 2]",
            )
        })
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let set = super::json_of(&named(Phase::PreRequest, &words, "bad").sets);
    assert_eq!(
        set["currentBadPayload"],
        "{{ (badPayloads if badPayloads is defined and badPayloads else ['a', 2])[0] | tojson }}"
    );
    // The local read elsewhere (the payload checked later) is not this pattern.
    let mut more = pre.to_vec();
    more.push("pm.environment.set('expected', current.title);");
    let s = named(Phase::PreRequest, &more, "bad");
    assert!(
        super::json_of(&s.sets).get("badPayloads").is_none(),
        "{:?}",
        s.sets
    );

    let test = [
        "pm.test('400', () => pm.response.to.have.status(400));",
        "const again = () => {",
        "    const left = pm.environment.get('badPayloads');",
        "    if (left && left.length > 0) {",
        "        postman.setNextRequest('bad');",
        "    }",
        "}",
        "again();",
    ];
    let s = named(Phase::Test, &test, "bad");
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    assert!(s.retry.is_none(), "each send is judged: not polling");
    let repeat = super::json_of(&s.repeat.clone().unwrap_or(Y::Null));
    let test = repeat["while"].as_str().unwrap_or_default();
    assert!(
        test.ends_with(" and ((badPayloads | length) > 0)) }}"),
        "{test}"
    );
}

/// `replaceIn` gives text whatever it made: a number made is written as text, so a check that
/// it is a number fails as in Postman; made-up names stay as they are.
#[test]
fn what_replace_in_makes_is_text() {
    let s = named(
        Phase::PreRequest,
        &[
            "pm.environment.set('n', pm.variables.replaceIn('{{$randomInt}}'));",
            "pm.environment.set('e', pm.variables.replaceIn('{{$randomEmail}}'));",
        ],
        "r",
    );
    let set = super::json_of(&s.sets);
    assert_eq!(set["n"], "{{ (random_int(0, 1000)) | string }}");
    assert_eq!(set["e"], "{{ fake('email') }}");
}

/// `a ?? b` falls back only where `a` is null or undefined: an empty text stays (`||`
/// replaces it).
#[test]
fn nullish_fallback_keeps_an_empty_text() {
    let s = named(
        Phase::PreRequest,
        &[
            "pm.variables.set('l2', pm.environment.get('limit') ?? 10);",
            "pm.variables.set('l3', pm.environment.get('limit') || 10);",
        ],
        "r",
    );
    let set = super::json_of(&s.sets);
    assert_eq!(
        set["l2"],
        "{{ (limit if limit is defined and limit is not none and limit != \"{{limit}}\" else 10) }}"
    );
    assert_eq!(set["l3"], "{{ (limit or 10) }}");
}

/// `rows.filter(...).length` stored: how many match (`all: true`), not the length of the
/// first match; a read under one found (`find(...).tags.length`) stays that one's.
#[test]
fn a_filtered_lists_length_counts_the_matches() {
    let s = test(&[
        "const rows = pm.response.json().data;",
        "pm.environment.set('devs', rows.filter(u => u.role === 'dev').length);",
        "pm.environment.set('tags', rows.find(u => u.id === 1).tags.length);",
    ]);
    let capture = super::json_of(&s.capture);
    assert_eq!(capture["devs"]["all"], true, "{capture}");
    assert_eq!(capture["devs"]["length"], true, "{capture}");
    assert!(capture["tags"].get("all").is_none(), "{capture}");
    assert_eq!(capture["tags"]["length"], true, "{capture}");
}

/// A pre-request script's `pm.request.url.query.get("date")`, also held in a local, decides
/// by the request's own query as written; its `upsert` of a parameter the URL has gives the
/// new value in place, one it has not is added.
#[test]
fn a_query_parameter_read_decides_and_an_upsert_replaces_it() {
    let lines = [
        "const dateParam = pm.request.url.query.get('date');",
        "if (dateParam === '1988-12-03') {",
        "    pm.request.url.query.upsert({ key: 'date', value: 'today' });",
        "}",
        "if (pm.request.url.query.get('page') === '1') {",
        "    pm.request.url.query.upsert({ key: 'size', value: '20' });",
        "}",
    ];
    let text = RequestText {
        method: "GET".into(),
        url: "{{base}}/a?date=1988-12-03&page=1".into(),
        query: Some("date=1988-12-03&page=1".into()),
        ..RequestText::default()
    };
    let query = [
        ("date".to_string(), Some("1988-12-03".to_string())),
        ("page".to_string(), Some("1".to_string())),
    ];
    let request = super::Request {
        body: None,
        query: Some(&query),
        text: Some(&text),
    };
    let s = super::convert_item(
        &lines.map(String::from),
        Phase::PreRequest,
        request,
        Some("a"),
        &super::Known::default(),
    );
    assert_eq!(s.upserted_query, [("date".to_string(), Y::str("today"))]);
    assert_eq!(super::json_of(&s.query)["size"], "20");
}

/// A field read with optional chaining and stored (`set("tok", j.data?.access_token)`) is
/// `undefined` where `data` is missing — Newman stores it and sends `null` — not a throw that
/// leaves the variable as it was.
#[test]
fn an_optionally_chained_set_stores_the_missing_value() {
    let s = test(&[
        "const j = pm.response.json();",
        "pm.environment.set('tok', j.data?.access_token);",
        "pm.environment.set('plain', j.data.access_token);",
    ]);
    let capture = super::json_of(&s.capture);
    assert_eq!(capture["tok"]["default"], "null", "{capture}");
    assert!(capture["tok"].get("when").is_none(), "{capture}");
    // Without `?.`, reading through a missing `data` throws before the set.
    assert!(capture["plain"].get("when").is_some(), "{capture}");
}

/// A test that the URL Newman sent holds a variable the URL is written with holds whatever the
/// variable holds: nothing to check, and nothing left to a human.
#[test]
fn a_url_holding_the_variable_it_is_written_with_holds() {
    let lines = [
        "let savedId = pm.collectionVariables.get('employeeId');",
        "pm.test('The URL contains the correct employeeId', function () {",
        "    pm.expect(pm.request.url.toString()).to.include(savedId);",
        "});",
    ];
    let convert = |url: &str| {
        let text = RequestText {
            method: "DELETE".into(),
            url: url.into(),
            ..RequestText::default()
        };
        let request = super::Request {
            body: None,
            query: None,
            text: Some(&text),
        };
        super::convert_item(
            &lines.map(String::from),
            Phase::Test,
            request,
            Some("delete"),
            &super::Known::default(),
        )
    };
    let s = convert("{{baseUrl}}/api/Employees/{{employeeId}}");
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
    assert_eq!(s.assertions, 1);
    // Another variable: Postman decides it, yarc cannot.
    let s = convert("{{baseUrl}}/api/Employees/{{otherId}}");
    assert_eq!(s.unchecked, ["The URL contains the correct employeeId"]);
}

#[test]
fn a_check_at_the_top_of_a_test_script_guards_the_sets_after_it() {
    let s = run(
        Phase::Test,
        &[
            "const body = pm.response.json();",
            "pm.expect(body).to.have.property('id');",
            "pm.collectionVariables.set('schoolId', body.id);",
        ],
    );
    // Newman's script ends at the failing check: the variable keeps what it had.
    assert_eq!(
        out(&s)["capture"]["schoolId"]["optional"],
        true,
        "{}",
        out(&s)
    );
    let s = run(
        Phase::Test,
        &[
            "pm.response.to.have.status(201);",
            "pm.test('keep', () => { pm.environment.set('token', pm.response.json().token); });",
        ],
    );
    let capture = &out(&s)["capture"]["token"];
    assert_eq!(capture["when"]["status"], 201, "{}", out(&s));
    // Before the check, a set happens whatever comes after it.
    let s = run(
        Phase::Test,
        &[
            "pm.environment.set('raw', pm.response.json().id);",
            "pm.expect(pm.response.json().ok).to.eql(true);",
        ],
    );
    assert_eq!(out(&s)["capture"]["raw"]["default"], "null", "{}", out(&s));
}

#[test]
fn a_made_up_local_read_by_several_values_is_made_once() {
    let s = run(
        Phase::PreRequest,
        &[
            "const randId = Math.floor(Math.random() * 900000000) + 100000000;",
            "pm.collectionVariables.set('userName', 'user_' + randId);",
            "pm.collectionVariables.set('userPhone', String(randId));",
            "const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');",
            "pm.collectionVariables.set('month', month);",
            "pm.collectionVariables.set('isAdmin', Math.random() < 0.5);",
        ],
    );
    let v = out(&s);
    // A coin toss: true half the time.
    assert_eq!(
        v["sets"]["isAdmin"],
        "{{ (random_int(0, 999999) < 500000) }}"
    );
    assert_eq!(
        v["sets"]["randId"], "{{ random_int(100000000, 999999999) }}",
        "{v}"
    );
    assert_eq!(v["sets"]["userName"], "user_{{ randId }}");
    assert_eq!(v["sets"]["userPhone"], "{{ randId }}");
    // Read once, by a set of it alone: written where it is set, its random number made once.
    assert!(v["sets"].get("month_local").is_none(), "{v}");
    let month = v["sets"]["month"].as_str().unwrap_or_default();
    assert_eq!(month.matches("random_int").count(), 1, "{month}");
    assert!(month.contains("pad_start(2, \"0\")"), "{month}");
}

#[test]
fn a_check_of_a_variable_just_set_from_the_response_checks_the_field() {
    let s = test(&[
        "const json = pm.response.json();",
        "pm.collectionVariables.set('token', json.access_token);",
        "pm.test('token stored', () => pm.expect(pm.collectionVariables.get('token')).to.eql('tok-1'));",
    ]);
    let v = out(&s);
    // `expect.vars` would see the token the request was sent with, not the one just taken.
    assert_eq!(v["expect"]["json"]["$.access_token"], "tok-1", "{v}");
    assert!(v["expect"].get("vars").is_none(), "{v}");
}

#[test]
fn a_parse_in_a_try_whose_catch_fails_checks_that_the_body_is_json() {
    // The snippet's forms: pm.expect.fail, a throw, a pm.test in the catch.
    for handler in [
        r#"pm.expect.fail("Response is not valid JSON");"#,
        r#"throw new Error("not json");"#,
    ] {
        let s = test(&[
            r#"pm.test("valid", function () {"#,
            "    try { JSON.parse(pm.response.text()); }",
            &format!("    catch (e) {{ {handler} }}"),
            "});",
        ]);
        assert_eq!(out(&s)["expect"]["json"]["$"], json!({"exists": true}));
        assert!(s.unchecked.is_empty() && s.kept.is_empty(), "{:?}", s.kept);
    }
    let s = test(&[
        "try {",
        "    const data = pm.response.json();",
        r#"    pm.environment.set("id", data.id);"#,
        "} catch (e) {",
        r#"    pm.test("parse response", () => pm.expect.fail("could not parse"));"#,
        "}",
    ]);
    let v = out(&s);
    assert_eq!(v["expect"]["json"]["$"], json!({"exists": true}));
    // Set only when the body parsed: the catch runs instead.
    assert_eq!(
        v["capture"]["id"]["when"],
        json!({"json": {"$": {"exists": true}}})
    );
}

#[test]
fn a_check_a_catch_swallows_inside_a_test_does_not_fail_it() {
    let s = test(&[
        r#"pm.test("id (swallowed)", function () {"#,
        "    try { pm.expect(pm.response.json().id).to.eql(999); }",
        "    catch (err) { console.log(err); }",
        "});",
    ]);
    assert!(s.unchecked.is_empty(), "{:?}", s.unchecked);
    // A catch that fails what it cannot read is a test yarc must not pass silently.
    let s = test(&[
        r#"pm.test("helper", function () {"#,
        "    try { someHelper(pm.response.text()); }",
        r#"    catch (e) { pm.expect.fail("helper failed"); }"#,
        "});",
    ]);
    assert_eq!(s.unchecked, vec!["helper".to_string()]);
}

#[test]
fn a_token_a_script_signs_with_cryptojs_is_made_with_jwt_sign() {
    let s = run(
        Phase::PreRequest,
        &[
            "function base64url(source) {",
            "    encoded = CryptoJS.enc.Base64.stringify(source);",
            "    encoded = encoded.replace(/=+$/, '');",
            "    encoded = encoded.replace(/\\+/g, '-');",
            "    return encoded.replace(/\\//g, '_');",
            "}",
            "var header = { 'typ': 'JWT', 'alg': 'HS384' };",
            "var data = { 'iss': pm.environment.get('client_id') };",
            "data.iat = Math.floor(Date.now() / 1000);",
            "var token = base64url(CryptoJS.enc.Utf8.parse(JSON.stringify(header))) + '.' +",
            "    base64url(CryptoJS.enc.Utf8.parse(JSON.stringify(data)));",
            "var signature = base64url(CryptoJS.HmacSHA384(token, pm.environment.get('key')));",
            "console.log('signed');",
            "pm.globals.set('jwt', token + '.' + signature);",
        ],
    );
    assert_eq!(
        out(&s)["sets"]["jwt"],
        r#"{{ {"iss": client_id, "iat": timestamp()} | jwt_sign(key, "HS384") }}"#
    );
    assert!(
        s.kept.iter().all(|k| k.1.contains("console")),
        "{:?}",
        s.kept
    );
    // A signature over other claims than the token carries is not this: left as it was.
    let s = run(
        Phase::PreRequest,
        &[
            "const part = (o) => CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse(JSON.stringify(o))).replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_');",
            "const h = part({ alg: 'HS256' });",
            "const t = h + '.' + part({ sub: 'a' });",
            "const sig = CryptoJS.enc.Base64.stringify(CryptoJS.HmacSHA256(h + '.' + part({ sub: 'b' }), 'k')).replace(/=+$/, '').replace(/\\+/g, '-').replace(/\\//g, '_');",
            "pm.environment.set('jwt', t + '.' + sig);",
        ],
    );
    assert!(out(&s)["sets"].get("jwt").is_none(), "{}", out(&s));
}

#[test]
fn polling_counted_before_the_if_or_checked_in_the_else_is_a_retry() {
    let s = named(
        Phase::Test,
        &[
            "const attempts = (pm.environment.get('attempts') || 0) + 1;",
            "pm.environment.set('attempts', attempts);",
            "const res = pm.response.json();",
            "if (res.status === 'pending' && attempts < 5) {",
            "    pm.execution.setNextRequest(pm.info.requestName);",
            "    return;",
            "}",
            "pm.test('done', () => pm.expect(res.status).to.eql('done'));",
            "pm.environment.unset('attempts');",
        ],
        "poll",
    );
    let retry = s.retry.as_ref().expect("a retry");
    // Counted from 1 on the first send: sends while 1..4, five in all.
    assert_eq!(retry.get("attempts").cloned(), Some(Y::Num(5.into())));
    assert!(s.sets.get("attempts").is_none(), "{}", out(&s));
    assert!(s.kept.is_empty(), "{:?}", s.kept);
    let s = named(
        Phase::Test,
        &[
            "var body = pm.response.json();",
            "if (body.status != 'done') {",
            "    postman.setNextRequest('poll');",
            "} else {",
            "    pm.test('polls', () => pm.expect(body.polls).to.eql(3));",
            "}",
        ],
        "poll",
    );
    assert!(s.retry.is_some() && s.kept.is_empty(), "{:?}", s.kept);
    assert_eq!(out(&s)["expect"]["json"]["$.polls"], 3);
}

#[test]
fn json_body_of_an_empty_path_asks_for_a_key_of_that_name() {
    // Postman's `_.has(body, "")`: the key "", which a body seldom has (a false green before).
    let s = test(&["pm.test('t', () => { pm.response.to.have.jsonBody(''); });"]);
    assert_eq!(out(&s)["expect"]["json"]["$['']"], json!({"exists": true}));
}

#[test]
fn a_time_of_day_a_script_sets_is_written_out() {
    let s = run(
        Phase::PreRequest,
        &[
            "const d = new Date(); d.setDate(d.getDate() + 1); d.setHours(10, 0, 0, 0);",
            "pm.collectionVariables.set('appt', d.toISOString());",
            "const e = new Date(); e.setUTCHours(9, 30);",
            "pm.collectionVariables.set('start', e.toISOString());",
            "pm.collectionVariables.set('ms', e.getTime());",
        ],
    );
    let sets = &out(&s)["sets"];
    assert_eq!(
        sets["appt"],
        r#"{{ now("%Y-%m-%dT10:00:00.000Z", "1 day") }}"#
    );
    // Seconds and milliseconds left as they were: the clock's.
    assert_eq!(sets["start"], r#"{{ now("%Y-%m-%dT09:30:%S%.3fZ") }}"#);
    // A time of day set is no count of milliseconds yarc can write: kept.
    assert!(sets.get("ms").is_none(), "{sets}");
}

#[test]
fn a_list_stored_as_json_is_captured_whole_and_a_template_literal_joins_as_plus() {
    let s = test(&[
        "const ids = pm.response.json().items.map(i => i.sku);",
        "pm.environment.set('skus', JSON.stringify(ids));",
        "const d = pm.response.json();",
        "pm.collectionVariables.set('label', `${d.name}:${d.owner.login}`);",
    ]);
    let v = out(&s);
    assert_eq!(v["capture"]["skus"]["all"], true, "{v}");
    assert_eq!(v["capture"]["label_from_response"]["json"], "$.name", "{v}");
    assert_eq!(
        s.after.get("label").cloned(),
        Some(Y::str(
            r#"{{ (label_from_response | string) ~ (":" | string) ~ (label_from_response_2 | string) }}"#
        ))
    );
}
