//! Each body kind as the server receives it (the sandbox echoes what it got).

use super::*;

#[test]
fn every_body_kind_arrives_as_written() {
    let w = World::new();
    w.write("payload.txt", "raw file bytes\n");
    w.write("upload.csv", "a,b\n1,2\n");
    w.write(
        "bodies.yaml",
        r#"
name: bodies
variables: { n: 7, word: hello }
requests:
  - name: json
    method: POST
    url: "{{ url }}/echo"
    json: { n: "{{ n }}", text: "{{ word }} world", nested: { list: [1, "{{ word }}"] } }
    expect:
      json:
        "$.headers['content-type']": application/json
        $.json.n: 7
        $.json.text: hello world
        $.json.nested.list: [1, hello]
  - name: form
    method: POST
    url: "{{ url }}/echo"
    form: { grant: client credentials, word: "{{ word }}&more" }
    expect:
      json:
        "$.headers['content-type']": application/x-www-form-urlencoded
        $.form.grant: client credentials
        $.form.word: hello&more
  - name: multipart
    method: POST
    url: "{{ url }}/echo"
    multipart:
      title: "{{ word }}"
      upload: { file: upload.csv }
    expect:
      json:
        "$.headers['content-type']": { starts_with: multipart/form-data }
        $.parts.title.text: hello
        $.parts.upload.file_name: upload.csv
        $.parts.upload.content_type: text/csv
        $.parts.upload.text: "a,b\n1,2\n"
  - name: text
    method: PUT
    url: "{{ url }}/echo"
    headers: { Content-Type: text/plain }
    text: "plain {{ word }}"
    expect:
      json:
        $.method: PUT
        $.body: plain hello
  - name: file
    method: PATCH
    url: "{{ url }}/echo"
    file: payload.txt
    expect:
      json:
        $.method: PATCH
        $.body: "raw file bytes\n"
        $.body_length: 15
  - name: query and headers
    method: DELETE
    url: "{{ url }}/echo?fixed=1"
    query: { q: "a b&c", n: "{{ n }}" }
    headers: { X-Custom: "{{ word }}" }
    expect:
      json:
        $.method: DELETE
        $.query: { fixed: "1", q: "a b&c", n: "7" }
        "$.headers['x-custom']": hello
        "$.headers['user-agent']": { starts_with: yarc/ }
"#,
    );
    let r = w.yarc(&["run", "bodies.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "6 passed, 0 failed");
}

#[test]
fn two_bodies_in_one_request_are_refused() {
    let w = World::new();
    w.write(
        "two.yaml",
        "name: t\nrequests:\n  - name: both\n    url: \"{{ url }}/echo\"\n    json: {}\n    text: x\n",
    );
    w.yarc(&["run", "two.yaml"])
        .expect_code(2)
        .expect_contains("more than one body")
        .expect_contains("two.yaml:6:5");
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn a_file_part_with_both_a_file_and_content_is_refused() {
    let w = World::new();
    w.write(
        "part.yaml",
        "name: t\nrequests:\n  - name: both\n    method: POST\n    url: \"{{ url }}/echo\"\n    multipart:\n      f: { file: a.csv, content: x }\n      g: { filename: b.csv }\n",
    );
    w.yarc(&["run", "part.yaml"])
        .expect_code(2)
        .expect_contains("a file part takes `file: path` or `content: text`, not both")
        .expect_contains("part.yaml:7:10")
        .expect_contains(
            "a multipart map needs `file: path` (or `content: text` with a `filename`)",
        )
        .expect_contains("part.yaml:8:10");
    assert_eq!(w.sandbox.requests_seen(), 0);
}

#[test]
fn file_parts_can_be_renamed_or_written_inline() {
    let w = World::new();
    w.write("upload.csv", "a,b\n1,2\n");
    w.write(
        "parts.yaml",
        r#"
name: parts
variables: { n: 7 }
requests:
  - name: multipart parts without a file
    method: POST
    url: "{{ url }}/echo"
    multipart:
      renamed: { file: upload.csv, filename: "report-{{ n }}.csv" }
      written: { content: "id\n{{ n }}\n", filename: ids.csv }
      unchosen: { content: "", filename: "" }
    expect:
      json:
        $.parts.renamed.file_name: report-7.csv
        $.parts.renamed.content_type: text/csv
        $.parts.renamed.text: "a,b\n1,2\n"
        $.parts.written.file_name: ids.csv
        $.parts.written.content_type: text/csv
        $.parts.written.text: "id\n7\n"
        $.parts.unchosen.file_name: ""
        $.parts.unchosen.content_type: null
        $.parts.unchosen.length: 0
"#,
    );
    let r = w.yarc(&["run", "parts.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "1 passed, 0 failed");
}

/// A JSON body's key may be a template (`"{{ field }}": ...`), rendered as text in the order
/// written; a key that reads an undefined variable is an input error before anything is sent.
#[test]
fn json_keys_that_are_templates_are_rendered() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { field: customfield_10000, folder: /F1 }
requests:
  - name: create
    method: POST
    url: "{{ url }}/echo"
    json:
      fields:
        summary: T1
        "{{ field }}": { value: Manual }
        "cf_{{ 'path' }}": "{{ folder }}"
    expect:
      json:
        $.body: '{"fields":{"summary":"T1","customfield_10000":{"value":"Manual"},"cf_path":"/F1"}}'
"#,
    );
    w.yarc(&["run", "c.yaml"]).expect_code(0);
    w.write(
        "bad.yaml",
        "requests:\n  - name: a\n    method: POST\n    url: \"{{ url }}/echo\"\n    json: { \"{{ nope }}\": 1 }\n",
    );
    w.yarc(&["run", "bad.yaml"])
        .expect_code(2)
        .expect_contains("undefined variable `nope`");
    assert_eq!(w.sandbox.requests_seen(), 1);
}

/// A multipart part with `content:` and a `content_type` but no `filename` is a text part of
/// that type, sent with no filename (what Postman sends for a text field given a type);
/// `filename: ""` still sends an empty one.
#[test]
fn a_typed_text_part_goes_without_a_filename() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: parts
    method: POST
    url: "{{ url }}/echo"
    multipart:
      instance: { content: '{"partyId":"1"}', content_type: application/json }
      unchosen: { content: "", filename: "" }
    expect:
      json:
        $.parts.instance.content_type: application/json
        $.parts.instance.file_name: null
        $.parts.instance.text: '{"partyId":"1"}'
        $.parts.unchosen.file_name: ""
"#,
    );
    w.yarc(&["run", "c.yaml"]).expect_code(0);
}

/// Part names go as written in `name="..."` (`profile/gender`, `jcr:content/jcr:title`, a
/// space), as Postman and browsers send them — not as RFC 8187's `name*=utf-8''...`, which
/// many servers do not read; a quote or line end in a name or file name is escaped (`%22`,
/// `%0A`), so it cannot end the part's header.
#[test]
fn part_names_go_as_written() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
requests:
  - name: parts
    method: POST
    url: "{{ url }}/echo"
    multipart:
      profile/gender: male
      "jcr:content/jcr:title": English
      "propn name": x
      'say "hi"': y
      upload: { content: "z", filename: "a\nb.txt" }
      interest: [math, engines]
    expect:
      json:
        $.parts.interest[*].text: [math, engines]
        $.parts['profile/gender'].text: male
        $.parts['jcr:content/jcr:title'].text: English
        $.parts['propn name'].text: x
        $.parts['say %22hi%22'].text: y
        $.parts.upload.file_name: a%0Ab.txt
"#,
    );
    w.yarc(&["run", "c.yaml"]).expect_code(0);
}

/// A form field's or a part's name may read a variable, as its value does.
#[test]
fn form_and_part_names_are_templates() {
    let w = World::new();
    w.write(
        "c.yaml",
        r#"
variables: { field: country }
requests:
  - name: form
    method: POST
    url: "{{ url }}/echo"
    form: { "{{ field }}": "NO", plain: "1" }
    expect:
      json:
        $.form.country: "NO"
        $.form.plain: "1"
  - name: parts
    method: POST
    url: "{{ url }}/echo"
    multipart: { "{{ field }}_code": "47" }
    expect:
      json:
        $.parts.country_code.text: "47"
"#,
    );
    let r = w.yarc(&["run", "c.yaml"]);
    r.expect_code(0);
    assert_eq!(r.summary(), "2 passed, 0 failed");
}
