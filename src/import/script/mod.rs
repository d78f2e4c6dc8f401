//! Postman test scripts into `expect` and `capture`: the common patterns only, one statement
//! per line; everything else is kept, as a comment, for a human to look at.

use super::yaml_out::Y;
use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

pub struct Script {
    pub expect: Y,
    pub capture: Y,
    /// Lines that were not converted.
    pub kept: Vec<String>,
    pub assertions: usize,
    pub captures: usize,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            expect: Y::map(),
            capture: Y::map(),
            kept: Vec::new(),
            assertions: 0,
            captures: 0,
        }
    }
}

/// A JS accessor on the parsed body: `.a.b[0]["x-y"]`.
const ACCESS: &str = r#"((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[\s*["'][^"']+["']\s*\])*)"#;

struct Patterns {
    alias: Regex,
    status: Regex,
    code_eq: Regex,
    code_one_of: Regex,
    header: Regex,
    time: Regex,
    json_eq: Regex,
    json_exists: Regex,
    json_type: Regex,
    set_json: Regex,
    set_header: Regex,
    structure: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("valid regex");
        let body = format!(r"(?:jsonData|pm\.response\.json\(\)){ACCESS}");
        Patterns {
            alias: re(r"^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:pm\.response\.json\(\)|JSON\.parse\(\s*responseBody\s*\))\s*;?$"),
            status: re(r"^pm\.response\.to\.have\.status\(\s*(\d{3})\s*\)\s*;?$"),
            code_eq: re(r"^pm\.expect\(\s*pm\.response\.(?:code|status)\s*\)\.to\.(?:eql|equal|be\.equal|eq)\(\s*(\d{3})\s*\)\s*;?$"),
            code_one_of: re(r"^pm\.expect\(\s*pm\.response\.code\s*\)\.to\.be\.oneOf\(\s*\[([\d,\s]+)\]\s*\)\s*;?$"),
            header: re(r#"^pm\.response\.to\.have\.header\(\s*["']([^"']+)["']\s*(?:,\s*["']([^"']*)["']\s*)?\)\s*;?$"#),
            time: re(r"^pm\.expect\(\s*pm\.response\.responseTime\s*\)\.to\.be\.(?:below|lessThan)\(\s*(\d+)\s*\)\s*;?$"),
            json_eq: re(&format!(r"^pm\.expect\(\s*{body}\s*\)\.to\.(?:eql|equal|be\.eql|deep\.equal|eq)\((.+)\)\s*;?$")),
            json_exists: re(&format!(r"^pm\.expect\(\s*{body}\s*\)\.to\.(?:exist|not\.be\.undefined|be\.ok)\s*;?$")),
            json_type: re(&format!(r#"^pm\.expect\(\s*{body}\s*\)\.to\.be\.(?:an?)\(\s*["'](\w+)["']\s*\)\s*;?$"#)),
            set_json: re(&format!(r#"^pm\.(?:environment|collectionVariables|globals|variables)\.set\(\s*["']([^"']+)["']\s*,\s*{body}\s*\)\s*;?$"#)),
            set_header: re(r#"^pm\.(?:environment|collectionVariables|globals|variables)\.set\(\s*["']([^"']+)["']\s*,\s*pm\.response\.headers\.get\(\s*["']([^"']+)["']\s*\)\s*\)\s*;?$"#),
            structure: re(r#"^(?:pm\.test\(.*function\s*\(\s*\)\s*\{|pm\.test\(.*\(\s*\)\s*=>\s*\{|\}\s*\)\s*;?|\}\s*;?|//.*|)$"#),
        }
    })
}

pub fn convert_script(lines: &[String], out: &mut Script) {
    let p = patterns();
    let mut aliases: Vec<String> = Vec::new();
    for raw in lines {
        let mut line = raw.trim().to_string();
        if let Some(c) = p.alias.captures(&line) {
            aliases.push(c[1].to_string());
            continue;
        }
        for a in &aliases {
            if a != "jsonData" {
                line = line
                    .replace(&format!("{a}."), "jsonData.")
                    .replace(&format!("{a}["), "jsonData[")
                    .replace(&format!("({a})"), "(jsonData)");
            }
        }
        if p.structure.is_match(&line) {
            continue;
        }
        if !convert_line(&line, out) {
            out.kept.push(raw.trim().to_string());
        }
    }
}

fn convert_line(line: &str, out: &mut Script) -> bool {
    let p = patterns();
    if let Some(c) = p.status.captures(line).or_else(|| p.code_eq.captures(line)) {
        out.expect
            .set("status", Y::Num(c[1].parse::<u64>().unwrap_or(200).into()));
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.code_one_of.captures(line) {
        let codes: Vec<Y> = c[1]
            .split(',')
            .filter_map(|s| s.trim().parse::<u64>().ok())
            .map(|n| Y::Num(n.into()))
            .collect();
        out.expect.set("status", Y::Seq(codes));
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.header.captures(line) {
        let value = match c.get(2) {
            Some(v) => Y::str(v.as_str()),
            None => Y::Map(vec![("exists".into(), Y::Bool(true))]),
        };
        out.expect.child("headers").set(&c[1], value);
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.time.captures(line) {
        out.expect.set(
            "time",
            Y::Map(vec![("lt".into(), Y::str(format!("{}ms", &c[1])))]),
        );
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.json_eq.captures(line)
        && let Some(path) = jsonpath(&c[1])
        && let Some(v) = js_literal(&c[2])
    {
        add_predicate(out.expect.child("json"), &path, "equals", Y::from_json(&v));
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.json_exists.captures(line)
        && let Some(path) = jsonpath(&c[1])
    {
        add_predicate(out.expect.child("json"), &path, "exists", Y::Bool(true));
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.json_type.captures(line)
        && let Some(path) = jsonpath(&c[1])
    {
        add_predicate(out.expect.child("json"), &path, "type", Y::str(&c[2]));
        out.assertions += 1;
        return true;
    }
    if let Some(c) = p.set_json.captures(line)
        && let Some(path) = jsonpath(&c[2])
    {
        out.capture.set(super::vars::ident(&c[1]), Y::str(path));
        out.captures += 1;
        return true;
    }
    if let Some(c) = p.set_header.captures(line) {
        out.capture.set(
            super::vars::ident(&c[1]),
            Y::Map(vec![("header".into(), Y::str(&c[2]))]),
        );
        out.captures += 1;
        return true;
    }
    false
}

/// Several assertions on one path become one predicate map.
fn add_predicate(json: &mut Y, path: &str, predicate: &str, value: Y) {
    let entry = match json.get_mut(path) {
        None => {
            let y = if predicate == "equals" {
                value
            } else {
                Y::Map(vec![(predicate.into(), value)])
            };
            json.set(path, y);
            return;
        }
        Some(e) => e,
    };
    if !matches!(entry, Y::Map(m) if m.iter().all(|(k, _)| crate::parse::PREDICATES.contains(&k.as_str())))
    {
        let old = std::mem::replace(entry, Y::map());
        entry.set("equals", old);
    }
    entry.set(predicate, value);
}

/// `.a.b[0]["x-y"]` → `$.a.b[0]['x-y']`.
pub fn jsonpath(access: &str) -> Option<String> {
    let re = Regex::new(r#"\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[\s*["']([^"']+)["']\s*\]"#).ok()?;
    let mut out = String::from("$");
    let mut consumed = 0;
    for c in re.captures_iter(access) {
        let m = c.get(0)?;
        if m.start() != consumed {
            return None;
        }
        consumed = m.end();
        if let Some(name) = c.get(1) {
            let n = name.as_str();
            if n.contains('$') {
                out.push_str(&format!("['{n}']"));
            } else {
                out.push('.');
                out.push_str(n);
            }
        } else if let Some(i) = c.get(2) {
            out.push_str(&format!("[{}]", i.as_str()));
        } else if let Some(k) = c.get(3) {
            let k = k.as_str();
            if k.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                && !k.starts_with(|ch: char| ch.is_ascii_digit())
            {
                out.push('.');
                out.push_str(k);
            } else {
                out.push_str(&format!("['{}']", k.replace('\'', "\\'")));
            }
        }
    }
    (consumed == access.len()).then_some(out)
}

/// A JS literal as JSON: numbers, booleans, null, and strings in either quote.
fn js_literal(s: &str) -> Option<Value> {
    let s = s.trim();
    static GET: OnceLock<Regex> = OnceLock::new();
    let get = GET.get_or_init(|| {
        Regex::new(r#"^pm\.(?:environment|collectionVariables|globals|variables)\.get\(\s*["']([^"']+)["']\s*\)$"#).expect("valid regex")
    });
    if let Some(c) = get.captures(s) {
        return Some(Value::String(format!(
            "{{{{ {} }}}}",
            super::vars::ident(&c[1])
        )));
    }
    if let Ok(v) = serde_json::from_str::<Value>(s) {
        return Some(v);
    }
    let inner = s.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.contains('\'') && !inner.contains("\\'") {
        return None;
    }
    Some(Value::String(inner.replace("\\'", "'")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::yaml_out;

    fn run(lines: &[&str]) -> Script {
        let mut s = Script::default();
        convert_script(
            &lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
            &mut s,
        );
        s
    }

    #[test]
    fn converts_the_common_patterns() {
        let s = run(&[
            "pm.test(\"Status code is 200\", function () {",
            "    pm.response.to.have.status(200);",
            "});",
            "var jsonData = pm.response.json();",
            "pm.expect(jsonData.items[0].name).to.eql('Ada');",
            "pm.expect(jsonData[\"total-count\"]).to.equal(3);",
            "pm.response.to.have.header(\"Content-Type\");",
            "pm.expect(pm.response.responseTime).to.be.below(500);",
            "pm.environment.set(\"job_id\", jsonData.jobId);",
            "pm.collectionVariables.set(\"loc\", pm.response.headers.get(\"Location\"));",
            "console.log(jsonData);",
        ]);
        let text = yaml_out::to_string(&Y::Map(vec![
            ("expect".into(), s.expect),
            ("capture".into(), s.capture),
        ]));
        let v: Value = serde_saphyr::from_str(&text).expect("yaml");
        assert_eq!(v["expect"]["status"], 200);
        assert_eq!(v["expect"]["json"]["$.items[0].name"], "Ada");
        assert_eq!(v["expect"]["json"]["$['total-count']"], 3);
        assert_eq!(v["expect"]["headers"]["Content-Type"]["exists"], true);
        assert_eq!(v["expect"]["time"]["lt"], "500ms");
        assert_eq!(v["capture"]["job_id"], "$.jobId");
        assert_eq!(v["capture"]["loc"]["header"], "Location");
        assert_eq!(s.assertions, 5);
        assert_eq!(s.captures, 2);
        assert_eq!(s.kept, ["console.log(jsonData);"]);
    }

    #[test]
    fn other_alias_names_work_and_two_checks_on_a_path_merge() {
        let s = run(&[
            "const body = pm.response.json();",
            "pm.expect(body.status).to.exist;",
            "pm.expect(body.status).to.eql(\"done\");",
            "pm.expect(pm.response.code).to.be.oneOf([200, 201]);",
        ]);
        let text = yaml_out::to_string(&s.expect);
        let v: Value = serde_saphyr::from_str(&text).expect("yaml");
        assert_eq!(
            v["json"]["$.status"],
            serde_json::json!({"exists": true, "equals": "done"})
        );
        assert_eq!(v["status"], serde_json::json!([200, 201]));
    }
}
