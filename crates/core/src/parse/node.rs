//! A YAML document as a tree of spanned nodes. serde-saphyr parses the text (with budgets
//! against YAML bombs) and gives every node its line and column; the decoders in this module's
//! siblings turn the tree into the model, with their own messages and "did you mean" hints.

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::sync::Arc;

thread_local! {
    /// The file being parsed: serde's `Deserialize` has no context of its own, and giving each
    /// node its span while it is read (not in a second tree made afterwards) halves the peak
    /// memory of a large collection and the time of reading it.
    static PARSING: std::cell::RefCell<Option<Arc<SourceFile>>> = const { std::cell::RefCell::new(None) };
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Spanned<NodeKind> = Spanned::deserialize(d)?;
        let loc = s.referenced;
        let len = match &s.value {
            NodeKind::Str(t) => t.chars().count() as u32,
            _ => loc.span().len() as u32,
        };
        let (line, col) = ((loc.line() as u32).max(1), (loc.column() as u32).max(1));
        let span = PARSING.with_borrow(|file| match file {
            Some(file) => Ok(Span::new(file, line, col, len)),
            None => Err(de::Error::custom("a YAML node read outside `parse_yaml`")),
        })?;
        Ok(Node {
            span,
            kind: s.value,
        })
    }
}

impl<'de> Deserialize<'de> for NodeKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = NodeKind;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<NodeKind, E> {
        Ok(NodeKind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeKind, D::Error> {
        NodeKind::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeKind, E> {
        Ok(NodeKind::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeKind, E> {
        Ok(NodeKind::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeKind, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => NodeKind::Int(i),
            Err(_) => NodeKind::UInt(v),
        })
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeKind, E> {
        Ok(match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => NodeKind::Int(i),
            (_, Ok(u)) => NodeKind::UInt(u),
            _ => NodeKind::Float(v as f64),
        })
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeKind, E> {
        Ok(match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => NodeKind::Int(i),
            (_, Ok(u)) => NodeKind::UInt(u),
            _ => NodeKind::Float(v as f64),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeKind, E> {
        Ok(NodeKind::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeKind, E> {
        Ok(NodeKind::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeKind, E> {
        Ok(NodeKind::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<NodeKind, E> {
        Ok(NodeKind::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeKind, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeKind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeKind, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(NodeKind::Map(entries))
    }
}

/// A YAML node with its place in the file.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` (a 20-digit id): kept exact, as JSON keeps it.
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value of `key` in a map, taken out (a null stays in its place, so the key is still
    /// seen as written); `None` when there is no such key or the node is no map.
    pub fn take_value(&mut self, key: &str) -> Option<Node> {
        let NodeKind::Map(entries) = &mut self.kind else {
            return None;
        };
        let (_, value) = entries.iter_mut().find(|(k, _)| k.as_str() == Some(key))?;
        let hole = Node {
            span: value.span.clone(),
            kind: NodeKind::Null,
        };
        Some(std::mem::replace(value, hole))
    }

    /// A short name of the node's type for messages ("expected a map, found a string").
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) | NodeKind::UInt(_) | NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a map",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Scalars as text (numbers and booleans too), as YAML users expect `pageSize: 50` to work
    /// where a string is wanted.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::UInt(u) => Some(u.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The node as plain JSON (spans dropped); map keys become strings.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::from(*i),
            NodeKind::UInt(u) => Value::from(*u),
            NodeKind::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(message, &self.span)
    }
}

/// Parses one YAML document into a node tree, with budgets that stop alias bombs and absurd
/// nesting early. An empty document is an empty map.
pub fn parse_yaml(file: &Arc<SourceFile>) -> Result<Node, Diagnostic> {
    // A plain event costs at least a byte of text, so the event and node budgets follow the
    // file's size (itself bounded by YARC_MAX_FILE_SIZE): 100,000 requests in one file parse,
    // while what aliases replay, the way a small file grows huge, stays capped.
    let events = file.text.len().max(1_000_000);
    // YAML 1.2 booleans only: `n`, `no`, `off` (and Norway's `NO`) stay strings.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        // Comments are no part of the model: reading them costs a tenth of the parse.
        emit_comments: false,
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_depth: 64,
            max_events: events,
            max_nodes: events,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
    };
    if file.text.trim().is_empty() {
        return Ok(Node {
            span: Span::file_start(file),
            kind: NodeKind::Map(Vec::new()),
        });
    }
    let outer = PARSING.replace(Some(Arc::clone(file)));
    let parsed = serde_saphyr::from_str_with_options::<Node>(&file.text, options);
    PARSING.set(outer);
    parsed.map_err(|err| yaml_error(file, &err))
}

fn yaml_error(file: &Arc<SourceFile>, err: &serde_saphyr::Error) -> Diagnostic {
    let message = err.render_with_options(serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    });
    let message = first_line(&message);
    let at = err
        .location()
        .filter(|loc| loc.line() > 0)
        .map(|loc| (loc.line() as u32, loc.column().max(1) as u32));
    // The scanner names where the scalar it was reading began; the tab is where it stopped.
    if message.contains("found a tab")
        && let Some((line, col)) = first_indent_tab(&file.text, at.map_or(1, |(l, _)| l))
    {
        return Diagnostic::at(
            "invalid YAML: a tab in the indentation",
            &Span::new(file, line, col, 1),
        )
        .with_help("YAML indents with spaces only: replace the tab with spaces");
    }
    let span = match at {
        Some((line, col)) => Span::new(file, line, col, 0),
        None => Span::file_start(file),
    };
    // The library's wording names its own option (`set DuplicateKeyPolicy in Options`).
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest).trim();
        return Diagnostic::at(
            format!("invalid YAML: `{key}` is given twice in one mapping"),
            &span,
        )
        .with_help("a key appears once in a mapping: keep one of the two (this is the second)");
    }
    let d = Diagnostic::at(format!("invalid YAML: {message}"), &span);
    if message.contains("budget") || message.contains("alias") && message.contains("limit") {
        d.with_help(
            "yarc stops YAML that nests deeper than 64 levels, uses over 1,000 aliases or \
             expands through them past 100,000 events; split the file or write the repeated \
             part out",
        )
    } else {
        d
    }
}

/// The first tab in a line's leading whitespace, from line `from` on: (line, column).
fn first_indent_tab(text: &str, from: u32) -> Option<(u32, u32)> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find_map(|(i, line)| {
            let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
            line[..lead]
                .find('\t')
                .map(|col| (i as u32 + 1, col as u32 + 1))
        })
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("could not parse")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, Diagnostic> {
        parse_yaml(&SourceFile::new("t.yaml", text))
    }

    #[test]
    fn keys_and_values_carry_their_positions() {
        let node = parse("name: x\nrequests:\n  - url: http://a\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!("not a map")
        };
        assert_eq!((entries[1].0.span.line, entries[1].0.span.col), (2, 1));
        let NodeKind::Seq(items) = &entries[1].1.kind else {
            panic!("not a seq")
        };
        let NodeKind::Map(req) = &items[0].kind else {
            panic!("not a map")
        };
        assert_eq!((req[0].0.span.line, req[0].0.span.col), (3, 5));
        assert_eq!((req[0].1.span.line, req[0].1.span.col), (3, 10));
    }

    #[test]
    fn an_integer_beyond_i64_stays_exact() {
        let node = parse("big: 12345678901234567890\nbigger: 123456789012345678901\n").unwrap();
        let json = node.to_json();
        assert_eq!(json["big"].to_string(), "12345678901234567890");
        assert_eq!(json["big"].as_u64(), Some(12345678901234567890));
        // Past u64 no integer type holds it: a float, as JSON readers give it.
        assert!(json["bigger"].is_f64());
    }

    #[test]
    fn a_taken_value_leaves_its_key_with_a_null() {
        let mut node = parse("name: x\nrequests:\n  - url: http://a\n").unwrap();
        let taken = node.take_value("requests").expect("the list");
        assert!(matches!(&taken.kind, NodeKind::Seq(items) if items.len() == 1));
        assert_eq!((taken.span.line, taken.span.col), (3, 3));
        let NodeKind::Map(entries) = &node.kind else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.as_str(), Some("requests"));
        assert!(entries[1].1.is_null());
        assert!(node.take_value("nothing").is_none());
    }

    #[test]
    fn nodes_read_outside_parse_yaml_are_refused() {
        let err = serde_saphyr::from_str::<Node>("a: 1").unwrap_err();
        assert!(err.to_string().contains("outside `parse_yaml`"), "{err}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = parse("name: x\nrequests: [\n  - a\n").unwrap_err();
        let span = err.span.clone().unwrap();
        assert!(span.line >= 2, "{}", err.render());
        assert!(err.message.starts_with("invalid YAML"));
    }

    #[test]
    fn a_key_given_twice_is_named_without_the_librarys_options() {
        let err = parse("name: x\nname: y\n").unwrap_err();
        assert_eq!(
            err.message,
            "invalid YAML: `name` is given twice in one mapping"
        );
        assert_eq!(err.span.clone().map(|s| s.line), Some(2));
        assert!(
            !err.render().contains("DuplicateKeyPolicy"),
            "{}",
            err.render()
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&text).is_err());
    }
}
