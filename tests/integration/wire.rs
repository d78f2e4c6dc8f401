//! What goes on the wire, as a migrated Postman user expects it: query strings as written,
//! repeated headers, JSON keys in the order written, the body deciding its Content-Type, any
//! method token, no `Authorization` for an empty bearer token. The sandbox's `/wire` answers with
//! the request target and every header line as received.

use super::*;

#[test]
fn query_strings_written_in_the_url_go_out_byte_for_byte() {
    let w = World::new();
    w.write(
        "q.yaml",
        r#"
requests:
  - name: authorize
    url: "{{ url }}/wire/authorize?redirect_uri=http%3A%2F%2Flocalhost%2Fcb&response_type=id_token+token&X-Amz-Signature=ab%2Fcd&flag&empty="
    expect:
      json:
        $.target: "/wire/authorize?redirect_uri=http%3A%2F%2Flocalhost%2Fcb&response_type=id_token+token&X-Amz-Signature=ab%2Fcd&flag&empty="
"#,
    );
    w.yarc(&["run", "q.yaml"]).expect_code(0);
}

#[test]
fn a_list_of_values_repeats_a_header_a_query_parameter_and_a_form_field() {
    let w = World::new();
    w.write(
        "rep.yaml",
        r#"
defaults:
  headers:
    X-Tag: from-defaults
    X-Keep: kept
requests:
  - name: repeated
    method: POST
    url: "{{ url }}/echo"
    query: { tag: [a, b] }
    headers:
      X-Tag: [one, two]
    form:
      k: [x, y]
    expect:
      json:
        "$.repeated_headers['x-tag']": [one, two]
        "$.headers['x-keep']": kept
        "$.repeated_headers['x-keep']": { exists: false }
        $.body: k=x&k=y
  - name: in order on the wire
    url: "{{ url }}/wire"
    query: { tag: [a, b] }
    headers:
      X-Tag: [one, two]
    expect:
      json:
        $.target: /wire?tag=a&tag=b
        "$.headers[?@[0] == 'x-tag'][1]": [one, two]
"#,
    );
    w.yarc(&["run", "rep.yaml"]).expect_code(0);
    // An empty list says nothing: an input error at its place.
    w.write(
        "empty.yaml",
        "requests:\n  - name: a\n    url: \"{{ url }}/echo\"\n    headers:\n      X-Tag: []\n",
    );
    w.yarc(&["check", "empty.yaml"])
        .expect_code(2)
        .expect_contains("`X-Tag` in `headers` has an empty list")
        .expect_contains("empty.yaml:5:14");
}

#[test]
fn json_bodies_keep_the_key_order_written_on_the_wire_and_in_a_dry_run() {
    let w = World::new();
    w.write(
        "order.yaml",
        r#"
variables: { n: 3 }
requests:
  - name: ordered
    method: POST
    url: "{{ url }}/echo"
    json: { zeta: 1, alpha: { y: "{{ n }}", b: [ { k2: 1, k1: 2 } ] }, mid: "x" }
    expect:
      json:
        $.body: '{"zeta":1,"alpha":{"y":3,"b":[{"k2":1,"k1":2}]},"mid":"x"}'
  - name: graphql
    method: POST
    url: "{{ url }}/echo"
    graphql: { query: "{ a }", variables: { z: 1, a: 2 }, operation_name: Q }
    expect:
      json:
        $.body: '{"query":"{ a }","variables":{"z":1,"a":2},"operationName":"Q"}'
"#,
    );
    w.yarc(&["run", "order.yaml"]).expect_code(0);
    w.yarc(&["run", "order.yaml", "--dry-run"])
        .expect_code(0)
        .expect_contains(
            r#"--data-raw '{"zeta":1,"alpha":{"y":3,"b":[{"k2":1,"k1":2}]},"mid":"x"}'"#,
        );
}

#[test]
fn the_body_decides_its_content_type_over_a_collection_wide_one() {
    let w = World::new();
    w.write("upload.csv", "a,b\n");
    w.write(
        "ct.yaml",
        r#"
defaults:
  headers:
    Content-Type: application/json
requests:
  - name: form
    method: POST
    url: "{{ url }}/echo"
    form: { a: "1" }
    expect:
      json:
        "$.headers['content-type']": application/x-www-form-urlencoded
        "$.repeated_headers": { exists: false }
        $.form.a: "1"
  - name: form with a charset of its own
    method: POST
    url: "{{ url }}/echo"
    headers: { Content-Type: application/x-www-form-urlencoded; charset=UTF-8 }
    form: { a: "1" }
    expect:
      json:
        "$.headers['content-type']": "application/x-www-form-urlencoded; charset=UTF-8"
        "$.repeated_headers": { exists: false }
  - name: multipart
    method: POST
    url: "{{ url }}/echo"
    multipart: { title: hi, f: { file: upload.csv } }
    expect:
      json:
        "$.repeated_headers": { exists: false }
        "$.headers['content-type']": { starts_with: "multipart/form-data; boundary=" }
        $.parts.title.text: hi
  - name: json keeps a type the request names
    method: POST
    url: "{{ url }}/echo"
    headers: { Content-Type: application/vnd.api+json }
    json: { a: 1 }
    expect:
      json:
        "$.headers['content-type']": application/vnd.api+json
        "$.repeated_headers": { exists: false }
"#,
    );
    w.yarc(&["run", "ct.yaml"]).expect_code(0);
}

#[test]
fn any_method_token_is_sent_and_a_lower_case_typo_is_still_caught() {
    let w = World::new();
    w.write(
        "m.yaml",
        r#"
requests:
  - { name: purge, method: PURGE, url: "{{ url }}/echo", expect: { json: { $.method: PURGE } } }
  - { name: propfind, method: propfind, url: "{{ url }}/echo", expect: { json: { $.method: PROPFIND } } }
  - { name: query, method: QUERY, url: "{{ url }}/echo", text: "select", expect: { json: { $.method: QUERY, $.body: select } } }
  - { name: extension, method: X-SYNC, url: "{{ url }}/echo", expect: { json: { $.method: X-SYNC } } }
"#,
    );
    w.yarc(&["run", "m.yaml"]).expect_code(0);
    w.write(
        "typo.yaml",
        "requests:\n  - { name: a, method: pst, url: \"{{ url }}/echo\" }\n",
    );
    w.yarc(&["check", "typo.yaml"])
        .expect_code(2)
        .expect_contains("unknown method `pst`")
        .expect_contains("did you mean `POST`?");
    assert_eq!(w.sandbox.requests_seen(), 4);
}

#[test]
fn an_empty_bearer_token_sends_no_authorization_header_and_check_says_so() {
    let w = World::new();
    w.write(
        "b.yaml",
        r#"
variables: { token: "" }
auth: { bearer: "{{ token }}" }
requests:
  - name: first
    url: "{{ url }}/echo"
    expect:
      json:
        "$.headers.authorization": { exists: false }
  - name: second
    url: "{{ url }}/echo"
    expect:
      json:
        "$.headers.authorization": { exists: false }
"#,
    );
    let r = w.yarc(&["run", "b.yaml"]);
    r.expect_code(0);
    let warning = "the bearer token `{{ token }}` (b.yaml:3:17) is empty: the requests that use it send no Authorization header";
    assert_eq!(r.stderr.matches(warning).count(), 1, "{}", r.stderr);
    w.yarc(&["check", "b.yaml"])
        .expect_code(0)
        .expect_contains(warning);
    // A token given on the command line is sent.
    w.yarc(&[
        "run",
        "b.yaml",
        "--var",
        "token=abcd1234",
        "--name",
        "first",
    ])
    .expect_code(1);
}

/// Over HTTP/1 header names go out as Postman and curl write them (`Content-Type`,
/// `Authorization`), not lower-cased: an echo a test reads back, or a server that is not
/// case-insensitive as it should be, sees what Postman sent.
#[test]
fn header_names_go_out_title_cased_over_http1() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).expect("read") == 1 {
            head.push(byte[0]);
        }
        let reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        s.write_all(reply.as_bytes()).expect("write");
        String::from_utf8_lossy(&head).into_owned()
    });
    let w = World::new();
    w.write(
        "h.yaml",
        &format!(
            "requests:\n  - name: r\n    method: POST\n    url: http://127.0.0.1:{port}/x\n    headers: {{ x-lower: a }}\n    auth: {{ bearer: t }}\n    json: {{ a: 1 }}\n"
        ),
    );
    w.yarc(&["run", "h.yaml"]).expect_code(0);
    let head = server.join().expect("server");
    for name in [
        "Content-Type: ",
        "Authorization: ",
        "User-Agent: ",
        "X-Lower: ",
    ] {
        assert!(head.contains(name), "{name:?} in\n{head}");
    }
}
