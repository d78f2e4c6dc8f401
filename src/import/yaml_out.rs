//! A small YAML writer for generated collections: keys keep the order they were added in
//! (serde_json's maps sort them, and the order of `name`, `url`, `expect` matters to a reader),
//! comments can stand between entries, and strings are quoted only when YAML would misread them.

use serde_json::Value;

/// An ordered YAML document.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    Map(Vec<(String, Y)>),
    Seq(Vec<Y>),
    Str(String),
    Num(serde_json::Number),
    Bool(bool),
    Null,
    /// A comment line inside a map or list (its key is ignored).
    Comment(String),
}

impl Y {
    pub fn map() -> Y {
        Y::Map(Vec::new())
    }

    pub fn str(s: impl Into<String>) -> Y {
        Y::Str(s.into())
    }

    /// Adds an entry to a map (replacing an entry of the same key).
    pub fn set(&mut self, key: impl Into<String>, value: Y) {
        if let Y::Map(entries) = self {
            let key = key.into();
            if let Some(e) = entries
                .iter_mut()
                .find(|(k, v)| *k == key && !matches!(v, Y::Comment(_)))
            {
                e.1 = value;
            } else {
                entries.push((key, value));
            }
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Y> {
        match self {
            Y::Map(entries) => entries
                .iter_mut()
                .find(|(k, v)| k == key && !matches!(v, Y::Comment(_)))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The map under `key`, created if missing.
    pub fn child(&mut self, key: &str) -> &mut Y {
        if self.get_mut(key).is_none() {
            self.set(key, Y::map());
        }
        self.get_mut(key).expect("just set")
    }

    pub fn comment(&mut self, text: impl Into<String>) {
        match self {
            Y::Map(entries) => entries.push(("#".into(), Y::Comment(text.into()))),
            Y::Seq(items) => items.push(Y::Comment(text.into())),
            _ => {}
        }
    }

    pub fn is_empty_map(&self) -> bool {
        matches!(self, Y::Map(e) if e.is_empty())
    }

    pub fn from_json(v: &Value) -> Y {
        match v {
            Value::Null => Y::Null,
            Value::Bool(b) => Y::Bool(*b),
            Value::Number(n) => Y::Num(n.clone()),
            Value::String(s) => Y::Str(s.clone()),
            Value::Array(a) => Y::Seq(a.iter().map(Y::from_json).collect()),
            Value::Object(o) => Y::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Y::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// The document as YAML text.
pub fn to_string(y: &Y) -> String {
    let mut out = String::new();
    match y {
        Y::Map(entries) => write_map(&mut out, entries, 0),
        Y::Seq(items) => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn write_map(out: &mut String, entries: &[(String, Y)], indent: usize) {
    for (k, v) in entries {
        match v {
            Y::Comment(c) => {
                for line in c.lines() {
                    out.push_str(&format!("{}# {}\n", pad(indent), line));
                }
            }
            Y::Map(m) if !m.is_empty() => {
                out.push_str(&format!("{}{}:\n", pad(indent), key(k)));
                write_map(out, m, indent + 2);
            }
            Y::Seq(s) if !s.is_empty() => {
                out.push_str(&format!("{}{}:\n", pad(indent), key(k)));
                write_seq(out, s, indent + 2);
            }
            other => out.push_str(&format!("{}{}: {}\n", pad(indent), key(k), scalar(other))),
        }
    }
}

fn write_seq(out: &mut String, items: &[Y], indent: usize) {
    for item in items {
        match item {
            Y::Comment(c) => {
                for line in c.lines() {
                    out.push_str(&format!("{}# {}\n", pad(indent), line));
                }
            }
            Y::Map(m) if !m.is_empty() => {
                // The first entry shares the dash's line; the rest align under it.
                let mut first = String::new();
                write_map(&mut first, m, indent + 2);
                let body = first.trim_start_matches(' ');
                out.push_str(&format!("{}- {}", pad(indent), body));
            }
            Y::Seq(s) if !s.is_empty() => {
                out.push_str(&format!("{}-\n", pad(indent)));
                write_seq(out, s, indent + 2);
            }
            other => out.push_str(&format!("{}- {}\n", pad(indent), scalar(other))),
        }
    }
}

fn scalar(y: &Y) -> String {
    match y {
        Y::Str(s) => string(s),
        Y::Num(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Null => "null".into(),
        Y::Map(_) => "{}".into(),
        Y::Seq(_) => "[]".into(),
        Y::Comment(_) => String::new(),
    }
}

fn key(k: &str) -> String {
    string(k)
}

/// Plain when YAML reads it back as the same string; JSON-quoted otherwise.
pub fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

fn plain_ok(s: &str) -> bool {
    if s.is_empty() || s != s.trim() {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    const WORDS: [&str; 12] = [
        "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", ".inf", ".nan",
    ];
    if WORDS.contains(&lower.as_str())
        || s.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
    {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    // Dates, versions and times read as other types in some YAML parsers: quote them.
    if first.is_ascii_digit() {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`$".contains(first)
        && !(first == '$' && s.len() > 1 && !s.contains(": "))
    {
        return false;
    }
    !(s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.contains('\n')
        || s.contains('\t')
        || s.chars().any(char::is_control))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_ordered_block_yaml_that_reads_back() {
        let mut doc = Y::map();
        doc.set("name", Y::str("list jobs"));
        doc.comment("a comment");
        doc.set("url", Y::str("{{ base_url }}/jobs"));
        let mut expect = Y::map();
        expect.set("status", Y::Num(200.into()));
        expect.child("json").set(
            "$.items[0].id",
            Y::Map(vec![("exists".into(), Y::Bool(true))]),
        );
        doc.set("expect", expect);
        doc.set(
            "requests",
            Y::Seq(vec![Y::Map(vec![
                ("name".into(), Y::str("a")),
                ("url".into(), Y::str("b")),
            ])]),
        );
        doc.set(
            "tricky",
            Y::Seq(vec![
                Y::str("yes"),
                Y::str("1.5"),
                Y::str("a: b"),
                Y::str(""),
                Y::str("$.a"),
            ]),
        );
        let text = to_string(&doc);
        assert!(
            text.starts_with("name: list jobs\n# a comment\nurl: \"{{ base_url }}/jobs\"\n"),
            "{text}"
        );
        let back: Value = serde_saphyr::from_str(&text).expect("valid YAML");
        assert_eq!(
            back["expect"]["json"]["$.items[0].id"]["exists"],
            Value::Bool(true)
        );
        assert_eq!(back["requests"][0]["url"], "b");
        assert_eq!(
            back["tricky"],
            serde_json::json!(["yes", "1.5", "a: b", "", "$.a"])
        );
    }
}
