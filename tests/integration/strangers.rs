//! Files from strangers: every string an imported Postman or OpenAPI document holds is text,
//! never template code. Random strings full of template syntax, quotes, backslashes and line
//! breaks are imported, run against a recording server, and must arrive byte for byte — with a
//! secret set in the environment appearing nowhere on the wire.

use super::*;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Records every request's bytes (head and body) and answers `{}`.
struct Recorder {
    url: String,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
    _rt: tokio::runtime::Runtime,
}

impl Recorder {
    fn start() -> Recorder {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("rt");
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let store = Arc::clone(&seen);
        rt.spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    loop {
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                            let len: usize = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse().ok())
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                break;
                            }
                        }
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    store.lock().expect("lock").push(buf);
                    let _ = s
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                        )
                        .await;
                });
            }
        });
        Recorder { url, seen, _rt: rt }
    }

    /// The bodies received, in order.
    fn bodies(&self) -> Vec<String> {
        self.seen
            .lock()
            .expect("lock")
            .iter()
            .map(|r| {
                let end = r
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(r.len(), |e| e + 4);
                String::from_utf8_lossy(&r[end..]).into_owned()
            })
            .collect()
    }

    fn all_bytes(&self) -> String {
        let seen = self.seen.lock().expect("lock");
        seen.iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect()
    }
}

const SECRET: &str = "hunted-s3cret-value-9f1c";

/// Strings made of the pieces template injection is made of. A `{{name}}` that is a plain
/// variable name is left out: that one *is* a variable reference, by design.
fn hostile_strings() -> Vec<String> {
    let pieces = [
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "#}",
        "'",
        "\"",
        "\\",
        "~",
        "(",
        ")",
        " ",
        "\n",
        "\r",
        "secret('HUNT')",
        "env('HUNT')",
        "{{ secret('HUNT') }}",
        "{% if true %}",
        "{{$guid' ~ secret('HUNT') ~ '}}",
        "x",
        "é",
        "|",
        "upper",
        "{{ '{' }}",
        "%7B",
        "${x}",
        "<b>",
    ];
    let plain_ref = regex::Regex::new(r"\{\{\s*\$?[\w\-. ]+\s*\}\}").expect("regex");
    let mut rng = fastrand::Rng::with_seed(7);
    let mut out = Vec::new();
    while out.len() < 40 {
        let n = rng.usize(1..8);
        let s: String = (0..n).map(|_| pieces[rng.usize(..pieces.len())]).collect();
        if !plain_ref.is_match(&s) && !s.trim().is_empty() {
            out.push(s);
        }
    }
    out
}

#[test]
fn strings_from_an_imported_postman_collection_arrive_as_written_and_never_run() {
    let server = Recorder::start();
    let strings = hostile_strings();
    let items: Vec<serde_json::Value> = strings
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            let json = serde_json::json!({ "v": s }).to_string();
            [
                serde_json::json!({"name": format!("json {i}"), "request": {"method": "POST",
                    "url": {"raw": "{{base_url}}/j", "host": ["{{base_url}}"], "path": ["j"]},
                    "body": {"mode": "raw", "raw": json, "options": {"raw": {"language": "json"}}}}}),
                serde_json::json!({"name": format!("text {i}"), "request": {"method": "POST",
                    "url": {"raw": "{{base_url}}/t", "host": ["{{base_url}}"], "path": ["t"]},
                    "body": {"mode": "raw", "raw": s, "options": {"raw": {"language": "text"}}}}}),
            ]
        })
        .collect();
    let collection = serde_json::json!({
        "info": {"name": "strangers\r\nauth: { bearer: \"{{ secret('HUNT') }}\" }",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items,
    });
    let w = World::new();
    w.write("c.postman_collection.json", &collection.to_string());
    let r = w.yarc(&[
        "import",
        "postman",
        "c.postman_collection.json",
        "-o",
        "out",
    ]);
    r.expect_code(0);
    let file = std::fs::read_dir(w.path("out"))
        .expect("out")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "yaml"))
        .expect("collection");
    let text = std::fs::read_to_string(&file).expect("yaml");
    let doc: serde_json::Value = serde_saphyr::from_str(&text).expect("yaml");
    let keys: Vec<&String> = doc.as_object().expect("map").keys().collect();
    assert_eq!(keys, ["name", "requests", "variables"], "{text}");
    let run = w.yarc_env(
        &[
            "run",
            file.to_str().expect("utf-8"),
            "--var",
            &format!("base_url={}", server.url),
        ],
        &[("HUNT", SECRET)],
    );
    run.expect_code(0);
    let bodies = server.bodies();
    assert_eq!(bodies.len(), strings.len() * 2, "{}", run.all());
    for (i, s) in strings.iter().enumerate() {
        let sent: serde_json::Value = serde_json::from_str(&bodies[2 * i]).expect("json body");
        assert_eq!(sent["v"].as_str(), Some(s.as_str()), "json {i}");
        assert_eq!(&bodies[2 * i + 1], s, "text {i}");
    }
    assert!(!server.all_bytes().contains(SECRET));
}

#[test]
fn strings_from_an_imported_openapi_document_arrive_as_written_and_never_run() {
    let server = Recorder::start();
    let strings = hostile_strings();
    let mut paths = serde_json::Map::new();
    for (i, s) in strings.iter().enumerate() {
        paths.insert(
            format!("/p{i}/{{{{ secret('HUNT') }}}}"),
            serde_json::json!({"post": {
                "operationId": format!("op{i}"),
                "requestBody": {"content": {"application/json": {"example": {"v": s, "list": [s]}}}},
                "responses": {"200": {"description": "ok"}}
            }}),
        );
    }
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "strangers\rvariables: { x: \"{{ secret('HUNT') }}\" }", "version": "1"},
        "servers": [{"url": format!("{}/{{{{ env('HUNT') }}}}", server.url)}],
        "paths": paths,
    });
    let w = World::new();
    w.write("api.json", &doc.to_string());
    w.yarc(&["import", "openapi", "api.json", "-o", "out/api.yaml"])
        .expect_code(0);
    let text = std::fs::read_to_string(w.path("out/api.yaml")).expect("yaml");
    let parsed: serde_json::Value = serde_saphyr::from_str(&text).expect("yaml");
    let keys: Vec<&String> = parsed.as_object().expect("map").keys().collect();
    assert_eq!(keys, ["name", "requests", "variables"], "{text}");
    let run = w.yarc_env(&["run", "out/api.yaml"], &[("HUNT", SECRET)]);
    run.expect_code(0);
    let bodies = server.bodies();
    assert_eq!(bodies.len(), strings.len(), "{}", run.all());
    let mut got: Vec<String> = bodies
        .iter()
        .map(|b| {
            let v: serde_json::Value = serde_json::from_str(b).expect("json body");
            assert_eq!(v["list"][0], v["v"]);
            v["v"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let mut want = strings.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let all = server.all_bytes();
    assert!(!all.contains(SECRET));
    assert!(all.contains("/%7B%7B%20env('HUNT')%20%7D%7D/p"), "{all}");
}

/// A document whose schemas each refer to the next twice would need 2^26 values for one
/// example body: it is cut at a budget, said in the summary, and the import ends.
#[test]
fn an_openapi_ref_bomb_is_cut_with_a_note() {
    let mut schemas = serde_json::Map::new();
    for i in 0..26 {
        let next = serde_json::json!({ "$ref": format!("#/components/schemas/S{}", i + 1) });
        schemas.insert(
            format!("S{i}"),
            serde_json::json!({"type": "object", "required": ["a", "b"],
                "properties": {"a": next, "b": next}}),
        );
    }
    schemas.insert("S26".into(), serde_json::json!({"type": "string"}));
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "bomb", "version": "1"},
        "paths": {"/x": {"post": {
            "operationId": "boom",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}},
            "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}
        }}},
        "components": {"schemas": schemas},
    });
    let w = World::new();
    w.write("bomb.json", &doc.to_string());
    w.yarc(&[
        "import",
        "openapi",
        "bomb.json",
        "-o",
        "out/bomb.yaml",
        "--schemas",
    ])
    .expect_code(0)
    .expect_contains(
        "`boom` has a body schema too large to fill in (cut at 10000 values, the rest null)",
    );
    let text = std::fs::read_to_string(w.path("out/bomb.yaml")).expect("yaml");
    assert!(text.len() < 2_000_000, "{} bytes", text.len());
    let schema = std::fs::read_to_string(w.path("out/schemas/boom.json")).expect("schema");
    assert!(
        schema.contains("components.schemas.S25"),
        "every component once, under $defs"
    );
}

/// Symbolic links that loop back up the tree, or lead out of it, are not followed: every
/// collection runs once, nothing outside the folder runs, and the walks end.
#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_folder_are_not_followed() {
    let w = World::new();
    let one = "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n";
    w.write("suite/a.yaml", one);
    w.write("suite/sub/b.yaml", one);
    w.write("elsewhere/c.yaml", one);
    std::os::unix::fs::symlink("..", w.path("suite/sub/loop")).expect("link");
    std::os::unix::fs::symlink("../..", w.path("suite/sub/loop2")).expect("link");
    std::os::unix::fs::symlink(w.path("elsewhere"), w.path("suite/out")).expect("link");
    std::os::unix::fs::symlink("sub", w.path("suite/same")).expect("link");
    let r = w.yarc(&["run", "suite"]);
    r.expect_code(0).expect_contains("2 passed, 0 failed");
    assert_eq!(w.sandbox.requests_seen(), 2, "{}", r.all());
    w.yarc(&["snapshots", "accept", "suite"]).expect_code(0);
}

/// Names come from files, perhaps imported ones: a control character in a collection, group
/// or request name is shown, never sent to the terminal.
#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    let w = World::new();
    w.write(
        "c.yaml",
        "name: \"col\\e]0;owned\\a\"\nrequests:\n  - group: \"g\\e[2J\"\n    requests:\n      - name: \"req\\e[31mred\\r\"\n        url: \"{{ url }}/echo\"\n",
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    let all = r.all();
    assert!(
        !all.contains('\u{1b}') && !all.contains('\u{7}') && !all.contains('\r'),
        "{all:?}"
    );
    assert!(all.contains("req\\x1b[31mred"), "{all}");
}

/// A template that writes a secret a piece at a time (a loop over its characters, a
/// subscript) has what it writes masked whole.
#[test]
fn a_secret_written_in_pieces_is_masked_whole() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: a\n    method: POST\n    url: \"{{ url }}/echo\"\n    text: \"{% for c in secret('S') %}{{ c }}-{% endfor %}|{{ secret('S')[2:5] }}\"\n",
    );
    let r = w.yarc_env(
        &["run", "c.yaml", "-v", "--report", "json:r.json"],
        &[("S", "abcdefgh12345")],
    );
    r.expect_code(0);
    let report = std::fs::read_to_string(w.path("r.json")).expect("report");
    for text in [r.all(), report] {
        assert!(!text.contains("a-b-c-d") && !text.contains("cde"), "{text}");
    }
}

/// A 100,000-link JavaScript chain and a JSON body of 80,000 keys import, without a stack
/// overflow (the chain is kept for a human, the body converted whole).
#[test]
fn huge_scripts_and_bodies_import() {
    let chain = format!("pm.expect(x){}.eql(1);", ".to".repeat(100_000));
    let keys: serde_json::Map<String, serde_json::Value> = (0..80_000)
        .map(|i| (format!("k{i}"), serde_json::json!(i)))
        .collect();
    let c = serde_json::json!({
        "info": {"name": "big", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "a", "request": {"method": "POST", "url": "http://localhost:1/a",
            "body": {"mode": "raw", "raw": serde_json::Value::Object(keys).to_string(),
                     "options": {"raw": {"language": "json"}}}},
            "event": [{"listen": "test", "script": {"exec": [chain]}}]}],
    });
    let w = World::new();
    w.write("big.json", &c.to_string());
    let r = w.yarc(&["import", "postman", "big.json", "-o", "out"]);
    r.expect_code(0).expect_contains("0 of 1 assertions");
    let text = std::fs::read_to_string(w.path("out/big.yaml")).expect("yaml");
    assert!(text.contains("k79999: 79999"), "the whole body");
}

/// A server's small but deep answer cannot make a path with many `..` segments select
/// billions of nodes: the check fails, saying why.
#[test]
fn a_path_over_a_deep_answer_stops_at_its_budget() {
    let mut doc = serde_json::json!([]);
    for _ in 0..60 {
        doc = serde_json::json!([doc, 1]);
    }
    let w = World::new();
    w.write(
        "c.yaml",
        &format!(
            "requests:\n  - name: deep\n    method: POST\n    url: \"{{{{ url }}}}/echo\"\n    json: {doc}\n    expect:\n      json:\n        \"$.json..*..*..*..*..*\": {{ exists: false }}\n"
        ),
    );
    w.yarc(&["run", "c.yaml"])
        .expect_code(1)
        .expect_contains("the path selects more than 1000000 nodes on the way");
}

/// A server cannot set a cookie for a public suffix (every site under `github.io` would send
/// it back); a cookie for its own registrable domain still reaches its siblings.
#[test]
fn a_cookie_for_a_public_suffix_is_not_kept() {
    let w = World::new();
    let port = w.url().rsplit(':').next().expect("port").to_string();
    w.write(
        "c.yaml",
        &format!(
            "requests:\n  - name: a stranger sets cookies\n    url: \"http://evil.github.io:{port}/cookies/set?fixed=1&domain=github.io\"\n    expect: {{ status: 200 }}\n  - name: and for its own domain\n    url: \"http://evil.github.io:{port}/cookies/set?own=2&domain=evil.github.io\"\n    expect: {{ status: 200 }}\n  - name: a neighbour\n    url: \"http://victim.github.io:{port}/echo\"\n    expect: {{ json: {{ $.headers.cookie: {{ exists: false }} }} }}\n  - name: its own subdomain\n    url: \"http://www.evil.github.io:{port}/echo\"\n    expect: {{ json: {{ $.headers.cookie: own=2 }} }}\n"
        ),
    );
    let mut args = vec!["run".to_string(), "c.yaml".to_string()];
    for host in ["evil.github.io", "victim.github.io", "www.evil.github.io"] {
        args.push("--resolve".into());
        args.push(format!("{host}:{port}:127.0.0.1"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.yarc(&args).expect_code(0);
}

/// Planning is linear in the number of variables (BENCHMARKS.md measures it): an environment
/// of 100,000 variables, or of 10,000 made from secrets, plans in seconds even in a debug build
/// (quadratic planning took minutes), and a value made from a secret stays masked.
#[test]
fn a_hundred_thousand_variables_plan() {
    let w = World::new();
    w.write(
        "c.yaml",
        "requests:\n  - name: r\n    url: \"{{ url }}/echo?last={{ v99999 }}&derived={{ s9999 }}\"\n    expect: { json: { $.query.last: value99999 } }\n",
    );
    let plain: String = (0..100_000)
        .map(|i| format!("  v{i}: value{i}\n"))
        .collect();
    let derived: String = (0..10_000)
        .map(|i| format!("  s{i}: \"{{{{ secret('S{}') }}}}-{i}\"\n", i % 50))
        .collect();
    w.write(
        "environments/big.yaml",
        &format!("variables:\n{plain}{derived}"),
    );
    let secrets: String = (0..50)
        .map(|i| format!("S{i}=hidden-value-{i:04}\n"))
        .collect();
    w.write(".env", &secrets);
    let run = w.yarc(&["run", "c.yaml", "--env", "big", "-v"]);
    run.expect_code(0);
    assert!(run.stdout.contains("derived="), "{}", run.stdout);
    assert!(!run.stdout.contains("hidden-value-0049"), "{}", run.stdout);
}

/// The import summary says where a stranger's collection sends requests and the client
/// credentials, with the values the export gives the variables those start with — what to
/// review before a run gets real credentials.
#[test]
fn the_import_summary_names_where_requests_and_credentials_go() {
    let collection = serde_json::json!({
        "info": {"name": "stranger", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "oauth2", "oauth2": [
            {"key": "grant_type", "value": "client_credentials"},
            {"key": "accessTokenUrl", "value": "{{auth_host}}/connect/token"},
            {"key": "clientId", "value": "{{client_id}}"},
            {"key": "clientSecret", "value": "{{client_secret}}"}]},
        "variable": [{"key": "auth_host", "value": "https://login.collector.example"}],
        "item": [
            {"name": "a", "request": {"method": "GET", "url": "{{base_url}}/jobs"}},
            {"name": "b", "request": {"method": "POST", "url": "https://collector.example:8443/in?x=1"}}
        ]
    });
    let env = serde_json::json!({"name": "prod", "values": [
        {"key": "base_url", "value": "https://api.example.com", "enabled": true}]});
    let w = World::new();
    w.write("c.json", &collection.to_string());
    w.write("e.json", &env.to_string());
    let r = w.yarc(&[
        "import",
        "postman",
        "c.json",
        "--environment",
        "e.json",
        "-o",
        "out",
    ]);
    r.expect_code(0)
        .expect_contains("sends requests to: https://collector.example:8443; {{ base_url }} = https://api.example.com\n")
        .expect_contains("sends the client credentials to: {{ auth_host }}/connect/token = https://login.collector.example/connect/token\n");
}
