//! Editor support: the committed JSON Schemas are current, and every example validates.

use super::*;

fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            if name != "__snapshots__" && name != "schemas" {
                yaml_files(&p, out);
            }
        } else if name.ends_with(".yaml") {
            out.push(p);
        }
    }
}

#[test]
fn the_committed_schemas_are_current() {
    for (kind, file) in [
        (
            yarc::api::schema::Kind::Collection,
            "schema/collection.json",
        ),
        (
            yarc::api::schema::Kind::Environment,
            "schema/environment.json",
        ),
    ] {
        let committed =
            std::fs::read_to_string(project_root().join(file)).expect("schema committed");
        let current = yarc::api::schema::json(kind);
        assert!(
            committed.trim_end() == current.trim_end(),
            "{file} is stale: run `cargo run -- schema {} > {file}`",
            if file.contains("collection") {
                "collection"
            } else {
                "environment"
            }
        );
    }
    let r = run_in(
        &project_root(),
        &["schema".to_string(), "environment".to_string()],
        &[],
    );
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("\"title\": \"yarc environment\""));
}

/// A key written with nothing after it is `null`, which yarc refuses (`` `name` must be a
/// string, found null ``): the schema refuses it too, so the editor flags what `check` would.
#[test]
fn a_key_with_nothing_after_it_is_refused_by_the_schema_as_by_check() {
    let v = validator(yarc::api::schema::Kind::Collection);
    let ok = serde_json::json!({"requests": [{"name": "a", "url": "http://h/"}]});
    assert!(v.is_valid(&ok));
    for (key, request_key) in [
        ("name", false),
        ("variables", false),
        ("follow_redirects", true),
    ] {
        let mut doc = ok.clone();
        match request_key {
            true => doc["requests"][0][key] = serde_json::Value::Null,
            false => doc[key] = serde_json::Value::Null,
        }
        assert!(!v.is_valid(&doc), "{key}: null passed the schema");
    }
    let w = World::new();
    std::fs::write(
        w.path("c.yaml"),
        "name:\nrequests:\n  - name: a\n    url: http://127.0.0.1:1/\n",
    )
    .expect("write");
    let r = w.yarc(&["check", "c.yaml"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("`name` must be a string, found null"),
        "{r:?}"
    );
}

fn validator(kind: yarc::api::schema::Kind) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&yarc::api::schema::json(kind)).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("valid schema")
}

#[track_caller]
fn validate(v: &jsonschema::Validator, path: &std::path::Path) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(
        text.starts_with("# yaml-language-server: $schema="),
        "{} has no modeline",
        path.display()
    );
    let value: serde_json::Value = serde_saphyr::from_str(&text).expect("yaml");
    let errors: Vec<String> = v
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not validate: {errors:#?}",
        path.display()
    );
}

#[test]
fn every_example_validates_against_the_schema() {
    let collections = validator(yarc::api::schema::Kind::Collection);
    let environments = validator(yarc::api::schema::Kind::Environment);
    let mut files = Vec::new();
    yaml_files(&project_root().join("collections"), &mut files);
    assert!(files.len() >= 5);
    for f in files {
        if f.components().any(|c| c.as_os_str() == "environments") {
            validate(&environments, &f);
        } else {
            validate(&collections, &f);
        }
    }
}

#[test]
fn the_schema_rejects_a_typo() {
    let v = validator(yarc::api::schema::Kind::Collection);
    let bad: serde_json::Value =
        serde_json::json!({"requests": [{"name": "x", "url": "u", "expcet": {}}]});
    assert!(!v.is_valid(&bad));
    let good: serde_json::Value =
        serde_json::json!({"requests": [{"name": "x", "url": "u", "expect": {"status": 200}}]});
    assert!(v.is_valid(&good));
}

/// The schema the editors use and the parser accept the same keys, object by object: a key
/// added to one and forgotten in the other fails here.
#[test]
fn the_schema_and_the_parser_accept_the_same_keys() {
    use std::collections::BTreeSet;
    for (format, def, keys) in yarc::api::parse::TABLES {
        let kind = match *format {
            "collection" => yarc::api::schema::Kind::Collection,
            _ => yarc::api::schema::Kind::Environment,
        };
        let schema: serde_json::Value =
            serde_json::from_str(&yarc::api::schema::json(kind)).expect("schema is JSON");
        let object = if def.is_empty() {
            &schema
        } else {
            &schema["$defs"][*def]
        };
        let in_schema: BTreeSet<&str> = object["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{format} schema has no object `{def}`"))
            .keys()
            .map(String::as_str)
            .collect();
        let in_parser: BTreeSet<&str> = keys.iter().copied().collect();
        assert_eq!(
            in_schema, in_parser,
            "{format} `{def}`: the schema (left) and the parser (right) differ"
        );
        assert_eq!(
            object["additionalProperties"], false,
            "{format} `{def}` must refuse unknown keys, as the parser does"
        );
    }
}

/// docs/format.md names every option `yarc <command> --help` lists: the help and the reference
/// cannot drift apart.
#[test]
fn the_reference_names_every_option_of_every_command() {
    use clap::CommandFactory;
    let docs = std::fs::read_to_string(project_root().join("docs/format.md")).expect("docs");
    let mut missing = Vec::new();
    let mut stack = vec![(String::new(), yarc::api::cli::Cli::command())];
    while let Some((path, cmd)) = stack.pop() {
        for arg in cmd.get_arguments() {
            if arg.is_hide_set() {
                continue;
            }
            if let Some(long) = arg.get_long()
                && !matches!(long, "help" | "version")
                && !docs.contains(&format!("--{long}"))
            {
                missing.push(format!("yarc{path} --{long}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let name = format!("{path} {}", sub.get_name());
            assert!(
                docs.contains(&format!("yarc{name}")),
                "`yarc{name}` is not in docs/format.md"
            );
            stack.push((name, sub.clone()));
        }
    }
    assert!(missing.is_empty(), "not in docs/format.md: {missing:?}");
}
