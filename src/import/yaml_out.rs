//! A small YAML writer for generated collections: keys keep the order they were added in
//! (serde_json's maps sort them, and the order of `name`, `url`, `expect` matters to a reader),
//! comments can stand between entries, and strings are quoted only when YAML would misread them.

use serde_json::Value;

/// An ordered YAML document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Y {
    Map(Vec<(String, Y)>),
    Seq(Vec<Y>),
    Str(String),
    Num(serde_json::Number),
    Bool(bool),
    Null,
    /// A comment line inside a map or list (its key is ignored).
    Comment(String),
}

impl Default for Y {
    fn default() -> Y {
        Y::map()
    }
}

impl Y {
    pub(crate) fn map() -> Y {
        Y::Map(Vec::new())
    }

    pub(crate) fn str(s: impl Into<String>) -> Y {
        Y::Str(s.into())
    }

    /// Adds an entry to a map (replacing an entry of the same key).
    pub(crate) fn set(&mut self, key: impl Into<String>, value: Y) {
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

    /// Takes an entry out of a map.
    pub(crate) fn remove(&mut self, key: &str) -> Option<Y> {
        let Y::Map(entries) = self else { return None };
        let at = entries
            .iter()
            .position(|(k, v)| k == key && !matches!(v, Y::Comment(_)))?;
        Some(entries.remove(at).1)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Y> {
        match self {
            Y::Map(entries) => entries
                .iter()
                .find(|(k, v)| k == key && !matches!(v, Y::Comment(_)))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Y> {
        match self {
            Y::Map(entries) => entries
                .iter_mut()
                .find(|(k, v)| k == key && !matches!(v, Y::Comment(_)))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The map under `key`, created if missing.
    pub(crate) fn child(&mut self, key: &str) -> &mut Y {
        if !matches!(self, Y::Map(_)) {
            *self = Y::map();
        }
        if self.get_mut(key).is_none() {
            self.set(key, Y::map());
        }
        self.get_mut(key).expect("a map holds what was just set")
    }

    pub(crate) fn comment(&mut self, text: impl Into<String>) {
        match self {
            Y::Map(entries) => entries.push(("#".into(), Y::Comment(text.into()))),
            Y::Seq(items) => items.push(Y::Comment(text.into())),
            _ => {}
        }
    }

    /// A map's entries, comments left out.
    pub(crate) fn entries(&self) -> Vec<(String, Y)> {
        match self {
            Y::Map(entries) => entries
                .iter()
                .filter(|(_, v)| !matches!(v, Y::Comment(_)))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn is_empty_map(&self) -> bool {
        matches!(self, Y::Map(e) if e.is_empty())
    }

    pub(crate) fn from_json(v: &Value) -> Y {
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

/// JSON read with its keys in the order written (serde_json's `Value` sorts them).
pub(crate) struct Ordered(pub Y);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OrderedVisitor).map(Ordered)
    }
}

struct OrderedVisitor;

impl<'de> serde::de::Visitor<'de> for OrderedVisitor {
    type Value = Y;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Y, E> {
        Ok(Y::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Y, E> {
        Ok(Y::Num(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Y, E> {
        Ok(Y::Num(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Y, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Y::Null, Y::Num))
    }
    fn visit_str<E>(self, v: &str) -> Result<Y, E> {
        Ok(Y::str(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Y, E> {
        Ok(Y::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Y, E> {
        Ok(Y::Null)
    }
    fn visit_none<E>(self) -> Result<Y, E> {
        Ok(Y::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Y, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Y, A::Error> {
        let mut items = Vec::new();
        while let Some(Ordered(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Y::Seq(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Y, A::Error> {
        let mut entries: Vec<(String, Y)> = Vec::new();
        // Where each key stands: a body of 80,000 keys is read in linear time.
        let mut at: std::collections::HashMap<String, usize> = Default::default();
        while let Some((k, Ordered(v))) = map.next_entry::<String, Ordered>()? {
            // A key written twice: the last wins, where the first stood (as JSON parsers do).
            match at.get(&k) {
                Some(&i) => entries[i].1 = v,
                None => {
                    at.insert(k.clone(), entries.len());
                    entries.push((k, v));
                }
            }
        }
        Ok(Y::Map(entries))
    }
}

/// The document as YAML text.
pub(crate) fn to_string(y: &Y) -> String {
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
            Y::Comment(c) => write_comment(out, c, indent),
            Y::Map(m) if !m.is_empty() => {
                out.push_str(&format!("{}{}:\n", pad(indent), key(k)));
                write_map(out, m, indent + 2);
            }
            Y::Seq(s) if !s.is_empty() => {
                out.push_str(&format!("{}{}:\n", pad(indent), key(k)));
                write_seq(out, s, indent + 2);
            }
            Y::Str(text) if block_ok(text) => {
                out.push_str(&format!("{}{}: ", pad(indent), key(k)));
                write_block(out, text, indent + 2);
            }
            other => out.push_str(&format!("{}{}: {}\n", pad(indent), key(k), scalar(other))),
        }
    }
}

/// A comment, one `#` line per line of its text. Every character a YAML reader (1.2 or 1.1)
/// could take for a line break — CR alone included, which `str::lines` keeps inside a line —
/// starts a new comment line, and other control characters are shown as `�`: text from an
/// imported file can never end the comment and become a key.
fn write_comment(out: &mut String, c: &str, indent: usize) {
    let text = c.replace("\r\n", "\n");
    for line in text.split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        let line: String = line
            .chars()
            .map(|ch| match ch {
                '\t' => ' ',
                ch if ch.is_control() || ch == '\u{feff}' => '\u{fffd}',
                ch => ch,
            })
            .collect();
        out.push_str(&format!("{}# {}\n", pad(indent), line.trim_end()));
    }
}

/// A double-quoted YAML string: JSON's escapes, plus `\u` escapes for what JSON leaves
/// as it is but YAML does not allow in a document (DEL, the C1 controls, noncharacters).
fn yaml_quoted(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_default();
    let printable = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    if json.chars().all(printable) {
        return json;
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if printable(c) {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Whether a string reads better as a `|` block: several lines, nothing a block cannot hold.
fn block_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}')
        })
        && !s.contains('\u{feff}')
        && !s
            .lines()
            .any(|l| l.trim_start_matches(' ').starts_with('\t'))
}

/// A literal block scalar: chomping keeps the trailing newlines exactly; an indentation
/// indicator when the first line starts with a space.
fn write_block(out: &mut String, s: &str, indent: usize) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let indicator = if s.starts_with(' ') || s.starts_with('\n') {
        "2"
    } else {
        ""
    };
    out.push_str(&format!("|{indicator}{chomp}\n"));
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&pad(indent));
            out.push_str(line);
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Y], indent: usize) {
    for item in items {
        match item {
            Y::Comment(c) => write_comment(out, c, indent),
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
            Y::Str(text) if block_ok(text) => {
                out.push_str(&format!("{}- ", pad(indent)));
                write_block(out, text, indent + 2);
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
pub(crate) fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        yaml_quoted(s)
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
        || s.chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_yaml_does_not_allow_are_escaped_and_read_back() {
        let text = "a\u{7f}b\u{80}c\u{9f}d\u{fffe}e\u{1F600}";
        let mut doc = Y::map();
        doc.set("v", Y::str(text));
        let yaml = to_string(&doc);
        assert!(yaml.contains("\\u007f"), "{yaml}");
        let back: serde_json::Value = serde_saphyr::from_str(&yaml).expect("yaml");
        assert_eq!(back["v"], text);
    }

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

    #[test]
    fn multi_line_strings_are_blocks_that_read_back_exactly() {
        let cases = [
            "a\nb",
            "a\nb\n",
            "a\n\n",
            " lead\nx",
            "\nfirst empty",
            "x\n  indented\n",
            "tab\tin\nline",
            "trailing space \nx",
            "# not a comment\n- not a list\nkey: value",
            "crlf\r\nstays quoted",
        ];
        for case in cases {
            let doc = Y::Map(vec![
                ("text".into(), Y::str(case)),
                ("list".into(), Y::Seq(vec![Y::str(case)])),
            ]);
            let text = to_string(&doc);
            let back: Value = serde_saphyr::from_str(&text).expect("valid YAML");
            assert_eq!(back["text"], case, "{text}");
            assert_eq!(back["list"][0], case, "{text}");
        }
        assert!(
            to_string(&Y::Map(vec![("t".into(), Y::str("a\nb"))])).contains("t: |-\n  a\n  b\n")
        );
    }

    #[test]
    fn json_is_read_in_the_order_written() {
        let Ordered(y) =
            serde_json::from_str(r#"{"z": 1, "a": {"y": [true, null, 1.5], "b": "x"}, "z": 2}"#)
                .expect("json");
        assert_eq!(
            to_string(&y),
            "z: 2\na:\n  \"y\":\n    - true\n    - null\n    - 1.5\n  b: x\n"
        );
    }

    #[test]
    fn no_line_break_or_control_character_ends_a_comment_or_a_scalar() {
        let breaks = [
            "\r", "\n", "\r\n", "\u{85}", "\u{2028}", "\u{2029}", "\u{b}", "\u{c}",
        ];
        for b in breaks {
            let hostile = format!("harmless{b}injected: 1{b}auth: {{ bearer: x }}{b}- item");
            let mut doc = Y::map();
            doc.comment(&hostile);
            doc.set(&hostile, Y::str(&hostile));
            doc.set(
                "list",
                Y::Seq(vec![Y::Comment(hostile.clone()), Y::str(&hostile)]),
            );
            let text = to_string(&doc);
            let back: Value = serde_saphyr::from_str(&text).expect("valid YAML");
            let keys: Vec<&String> = back.as_object().expect("map").keys().collect();
            assert_eq!(keys.len(), 2, "{b:?}: {text}");
            assert_eq!(back[hostile.as_str()], hostile.as_str(), "{b:?}: {text}");
            assert_eq!(back["list"], serde_json::json!([hostile]), "{b:?}: {text}");
        }
    }
}
