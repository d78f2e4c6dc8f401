//! Every assertion kind over an arbitrary body, and captures: evaluation must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use yarc::api::eval::JsonPaths;
use yarc::api::eval::{EvalCtx, Schemas, evaluate};
use yarc::api::exchange::Response;
use yarc::api::model::{Expect, Target};
use yarc::api::secret::{Redactor, Secrets};
use yarc::api::template::{Templates, Vars};

const EXPECT: &str = r#"
status: { in: [200, 201], not: { equals: 500 } }
headers:
  content-type: { contains: json, matches: "^app" }
body: { contains: "a", starts_with: "{", ends_with: "}", length: { gt: 1 } }
time: { lt: 5s }
json:
  $.a: { exists: true, type: string, equals: "x", starts_with: "x", matches: "^x+$" }
  $.b: { type: array, length: { gte: 1, lte: 100 }, contains: 1, each: { type: number, gt: 0 } }
  "$..c": { each: { lt: 10 } }
  "$.d[*].e": [1, 2]
  "$.f[?@.g > 1]": { length: 1 }
  $.h: { in: [1, "1", true, null] }
  "$.i[0:2]": { not: { exists: false } }
"#;

struct Fixture {
    expect: Expect,
    templates: Templates,
    paths: JsonPaths,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let expect = yarc::api::parse::expect_from_yaml(EXPECT).expect("the fixture parses");
        let mut templates = Templates::new(Arc::new(Secrets::none(Redactor::new())), Default::default());
        let mut paths = JsonPaths::default();
        for c in &expect.checks {
            if let Target::Json(p) = &c.target {
                paths.add(p).expect("path");
            }
            for p in &c.predicates {
                compile(&mut templates, &p.op);
            }
        }
        Fixture { expect, templates, paths }
    })
}

fn compile(t: &mut Templates, op: &yarc::api::model::Op) {
    use yarc::api::model::Op::*;
    match op {
        Equals(v) | Contains(v) | StartsWith(v) | EndsWith(v) | Lt(v) | Lte(v) | Gt(v) | Gte(v) => {
            let _ = t.compile_tvalue(v);
        }
        In(list) => list.iter().for_each(|v| {
            let _ = t.compile_tvalue(v);
        }),
        Not(inner) | Length(inner) | Each(inner) => inner.iter().for_each(|p| compile(t, &p.op)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let status = data.first().map_or(200, |b| 100 + u16::from(*b) * 2);
    let resp = Response::new(
        status,
        vec![("content-type".into(), "application/json".into())],
        data.to_vec(),
        Duration::from_millis(3),
    );
    let vars = Vars::new();
    let schemas = Schemas::new();
    let cx = EvalCtx {
        templates: &f.templates,
        vars: &vars,
        paths: &f.paths,
        schemas: &schemas,
        base_dir: std::path::Path::new("."),
        redactor: &Redactor::default(),
    };
    let _ = evaluate(&f.expect, &resp, &cx);
});
