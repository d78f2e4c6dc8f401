//! Hostile input: every broken file ends in exit 2 with a located message of bounded size, with
//! nothing sent and no panic. (How long it takes is the benchmarks' business, not a test's.)

use super::*;

#[track_caller]
fn rejects(files: &[(&str, Vec<u8>)], args: &[&str], needles: &[&str]) {
    let w = World::new();
    for (name, bytes) in files {
        let p = w.path(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
    }
    let r = w.yarc(args);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.all().contains("panicked"), "{}", r.all());
    assert!(r.stderr.len() < 20_000, "a {} byte message", r.stderr.len());
    for n in needles {
        assert!(r.stderr.contains(n), "missing {n:?} in\n{}", r.stderr);
    }
    assert_eq!(w.sandbox.requests_seen(), 0);
}

fn c(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![("c.yaml", text.as_bytes().to_vec())]
}

#[test]
fn wrong_types() {
    rejects(
        &c("name: x\nrequests: 5\n"),
        &["run", "c.yaml"],
        &["`requests` must be a list, found a number", "c.yaml:2:11"],
    );
    rejects(
        &c("name: [1]\nrequests: []\n"),
        &["run", "c.yaml"],
        &["`name` must be a string, found a list", "c.yaml:1:7"],
    );
    rejects(
        &c("requests:\n  - name: a\n    url: \"{{ url }}\"\n    expect: nope\n"),
        &["run", "c.yaml"],
        &["`expect` must be a map, found a string", "c.yaml:4:13"],
    );
    rejects(
        &c("requests:\n  - name: a\n    url: \"{{ url }}\"\n    retry: { attempts: -1 }\n"),
        &["run", "c.yaml"],
        &["`attempts` must be a whole number", "c.yaml:4:24"],
    );
    rejects(
        &c("requests:\n  - name: a\n    url: \"{{ url }}\"\n    timeout: 99999999999999999999y\n"),
        &["run", "c.yaml"],
        &["c.yaml:4:14"],
    );
}

#[test]
fn deep_nesting() {
    let mut body = String::new();
    for _ in 0..200 {
        body.push('[');
    }
    for _ in 0..200 {
        body.push(']');
    }
    rejects(
        &c(&format!(
            "requests:\n  - name: a\n    url: \"{{{{ url }}}}\"\n    json: {body}\n"
        )),
        &["run", "c.yaml"],
        &["invalid YAML", "c.yaml:"],
    );
}

#[test]
fn huge_strings_are_clipped_in_messages() {
    let key = "k".repeat(5_000_000);
    rejects(
        &c(&format!(
            "requests:\n  - name: a\n    url: \"{{{{ url }}}}\"\n    {key}: 1\n"
        )),
        &["run", "c.yaml"],
        &["invalid YAML", "c.yaml:4:5"],
    );
    let value = "v".repeat(5_000_000);
    rejects(
        &c(&format!(
            "requests:\n  - name: a\n    url: \"{{{{ url }}}}\"\n    method: {value}\n"
        )),
        &["run", "c.yaml"],
        &["unknown method", "c.yaml:4:13"],
    );
}

#[test]
fn billion_laughs() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("requests: []\n");
    rejects(&c(&text), &["run", "c.yaml"], &["invalid YAML"]);
}

#[test]
fn duplicate_keys() {
    rejects(
        &c("name: a\nname: b\nrequests: []\n"),
        &["run", "c.yaml"],
        &["invalid YAML", "c.yaml:2:"],
    );
}

#[test]
fn non_utf8_bytes() {
    let mut bytes = b"name: x\nrequests:\n  - name: caf".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"\n    url: x\n");
    rejects(
        &[("c.yaml", bytes)],
        &["run", "c.yaml"],
        &["c.yaml:3:14", "not UTF-8"],
    );
}

#[test]
fn templates_that_loop_or_recurse_run_out_of_fuel_before_anything_is_sent() {
    rejects(
        &c(
            "requests:\n  - name: a\n    url: \"{{ url }}\"\n    text: \"{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\"\n",
        ),
        &["run", "c.yaml"],
        &["c.yaml:4:11", "fuel"],
    );
    rejects(
        &c(
            "requests:\n  - name: a\n    url: \"{{ url }}\"\n    text: \"{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}\"\n",
        ),
        &["run", "c.yaml"],
        &["c.yaml:4:11"],
    );
}

#[test]
fn broken_environment_and_data_files() {
    let mut files = c("requests:\n  - name: a\n    url: \"{{ url }}\"\n");
    files.push(("environments/bad.yaml", b"variables: [1, 2]\n".to_vec()));
    rejects(
        &files,
        &["run", "c.yaml", "--env", "bad"],
        &[
            "`variables` must be a map, found a list",
            "environments/bad.yaml:1:12",
        ],
    );
    let mut files = c("requests:\n  - name: a\n    url: \"{{ url }}\"\n");
    files.push(("rows.csv", b"a,b\n1,2,3\n".to_vec()));
    rejects(
        &files,
        &["run", "c.yaml", "--data", "rows.csv"],
        &["rows.csv"],
    );
    let mut files = c("requests:\n  - name: a\n    url: \"{{ url }}\"\n");
    files.push(("rows.json", b"{\"not\": \"a list\"}".to_vec()));
    rejects(
        &files,
        &["run", "c.yaml", "--data", "rows.json"],
        &["must hold a JSON array of objects"],
    );
    let mut files = c("requests:\n  - name: a\n    url: \"{{ url }}\"\n");
    files.push(("vars.yaml", b"- just\n- a list\n".to_vec()));
    rejects(
        &files,
        &["run", "c.yaml", "--var-file", "vars.yaml"],
        &["a --var-file must hold a map", "vars.yaml:1:1"],
    );
}
