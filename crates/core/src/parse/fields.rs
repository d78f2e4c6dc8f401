//! Reading YAML maps as typed records: each known key taken once, every unknown key reported
//! with its position and the nearest known key. Decoders push errors and carry on, so that one
//! run reports every problem in a file.

use super::node::{Node, NodeKind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{TValue, Template};
use crate::source::Span;
use std::borrow::Cow;
use std::time::Duration;

/// Longer durations are mistakes, and would overflow clock arithmetic.
const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Collects the diagnostics of one file.
#[derive(Default)]
pub(super) struct Decoder {
    pub errors: Diagnostics,
}

/// The entries of one YAML map, by key.
pub(super) struct Fields<'a> {
    pub node: &'a Node,
    entries: Vec<(Cow<'a, str>, &'a Node, &'a Node)>,
}

impl<'a> Fields<'a> {
    pub(super) fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| *v)
    }

    pub(super) fn key_span(&self, key: &str) -> Option<&'a Span> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, k, _)| &k.span)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Keys in file order, with their key node and value node.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &'a Node, &'a Node)> + '_ {
        self.entries.iter().map(|(k, kn, v)| (k.as_ref(), *kn, *v))
    }
}

/// An empty sibling (`expect:` with nothing under it) whose keys include `key`: what the key
/// was meant to be indented under.
fn misindented<'a>(entries: &'a [(Node, Node)], key: &str) -> Option<&'a str> {
    use super::keys;
    let children = |parent: &str| -> &[&str] {
        match parent {
            "expect" => keys::EXPECT,
            "retry" => keys::RETRY,
            "snapshot" => keys::SNAPSHOT,
            "auth" => keys::AUTH_KINDS,
            "graphql" => keys::GRAPHQL,
            "oauth2" => keys::OAUTH2,
            "basic" => keys::BASIC,
            "api_key" => keys::API_KEY,
            "defaults" => keys::DEFAULTS,
            _ => &[],
        }
    };
    entries
        .iter()
        .filter(|(_, v)| matches!(v.kind, NodeKind::Null))
        .filter_map(|(k, _)| k.as_str())
        .find(|parent| children(parent).contains(&key))
}

impl Decoder {
    pub(super) fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    /// The map's entries; `known` lists the accepted keys (empty: any key).
    pub(super) fn fields<'a>(
        &mut self,
        node: &'a Node,
        what: &str,
        known: &[&str],
    ) -> Option<Fields<'a>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(node.error(format!("{what} must be a map, found {}", node.type_name())));
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let Some(key) = k.as_str() else {
                match &k.kind {
                    NodeKind::Int(_)
                    | NodeKind::UInt(_)
                    | NodeKind::Float(_)
                    | NodeKind::Bool(_)
                        if known.is_empty() =>
                    {
                        // Numeric keys in free maps (status codes, header names) are fine as text.
                        out.push((Cow::Owned(k.scalar_text().unwrap_or_default()), k, v));
                        continue;
                    }
                    _ => {
                        self.error(k.error(format!("keys in {what} must be strings")));
                        continue;
                    }
                }
            };
            if !known.is_empty() && !known.contains(&key) {
                let d = match misindented(entries, key) {
                    Some(parent) => k
                        .error(format!(
                            "unknown key `{key}` in {what}: indent it under `{parent}`"
                        ))
                        .with_help(format!(
                            "`{parent}:` above is empty and `{key}` is one of its keys: indent `{key}` two more spaces than `{parent}`"
                        )),
                    None => k
                        .error(format!("unknown key `{key}` in {what}"))
                        .suggest(key, known.iter().copied())
                        .with_help(format!("accepted keys: {}", known.join(", "))),
                };
                self.error(d);
                continue;
            }
            out.push((Cow::Borrowed(key), k, v));
        }
        Some(Fields { node, entries: out })
    }

    pub(super) fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.scalar_text() {
            Some(s) if !matches!(node.kind, NodeKind::Bool(_)) => Some(s),
            _ => {
                self.error(node.error(format!(
                    "{what} must be a string, found {}",
                    node.type_name()
                )));
                None
            }
        }
    }

    pub(super) fn template(&mut self, node: &Node, what: &str) -> Option<Template> {
        match node.scalar_text() {
            Some(s) => Some(Template::new(s, &node.span)),
            None => {
                self.error(node.error(format!(
                    "{what} must be text (a number or true/false will do), found {}",
                    node.type_name()
                )));
                None
            }
        }
    }

    /// The boolean under `key`, when it is there (`follow_redirects: false`).
    pub(super) fn flag(&mut self, f: &Fields<'_>, key: &str) -> Option<bool> {
        f.get(key).and_then(|n| self.bool(n, &format!("`{key}`")))
    }

    pub(super) fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            NodeKind::Bool(b) => Some(b),
            _ => {
                self.error(node.error(format!(
                    "{what} must be true or false, found {}",
                    node.type_name()
                )));
                None
            }
        }
    }

    pub(super) fn u32(&mut self, node: &Node, what: &str) -> Option<u32> {
        match node.kind {
            NodeKind::Int(i) if (0..=u32::MAX as i64).contains(&i) => Some(i as u32),
            _ => {
                self.error(node.error(format!("{what} must be a whole number")));
                None
            }
        }
    }

    pub(super) fn duration(&mut self, node: &Node, what: &str) -> Option<Duration> {
        match &node.kind {
            NodeKind::Str(s) => match humantime::parse_duration(s.trim()) {
                Ok(d) if d > MAX_DURATION => {
                    self.error(node.error(format!("{what}: `{s}` is longer than a year")));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    self.error(
                        node.error(format!("{what}: `{s}` is not a duration ({e})"))
                            .with_help("write a number with a unit, like 500ms, 30s or 2m"),
                    );
                    None
                }
            },
            NodeKind::Int(_) | NodeKind::UInt(_) | NodeKind::Float(_) => {
                self.error(
                    node.error(format!("{what} needs a unit"))
                        .with_help("write a number with a unit, like 500ms, 30s or 2m"),
                );
                None
            }
            _ => {
                self.error(node.error(format!(
                    "{what} must be a duration like 30s, found {}",
                    node.type_name()
                )));
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, node: &Node, what: &str) -> Vec<String> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|n| self.string(n, what)).collect(),
            NodeKind::Str(s) => vec![s.clone()],
            _ => {
                self.error(node.error(format!("{what} must be a list of strings")));
                Vec::new()
            }
        }
    }

    /// A map of names to templates (headers, query, form fields, params). A list of values
    /// repeats the name (`X-Tag: [one, two]` sends two `X-Tag` headers, in that order).
    /// [`Self::template_map`] whose names are templates too (a form's field names).
    pub(super) fn keyed_template_map(
        &mut self,
        node: &Node,
        what: &str,
    ) -> Vec<(Template, Template)> {
        let spans: Vec<(String, crate::source::Span)> = match self.fields(node, what, &[]) {
            Some(f) => f
                .iter()
                .map(|(k, kn, _)| (k.to_string(), kn.span.clone()))
                .collect(),
            None => return Vec::new(),
        };
        let span_of = |k: &str| spans.iter().find(|(n, _)| n == k).map(|(_, s)| s.clone());
        (self.template_map(node, what).into_iter())
            .map(|(k, v)| {
                let span = span_of(&k).unwrap_or_else(|| v.span.clone());
                (Template::new(k, &span), v)
            })
            .collect()
    }

    /// A value, or the items of a list of them (a name repeated); an empty list is an error.
    pub(super) fn one_or_list<'n>(
        &mut self,
        key: &str,
        what: &str,
        value: &'n Node,
    ) -> Option<Vec<&'n Node>> {
        match &value.kind {
            NodeKind::Seq(items) if items.is_empty() => {
                self.error(value.error(format!("`{key}` in {what} has an empty list")));
                None
            }
            NodeKind::Seq(items) => Some(items.iter().collect()),
            _ => Some(vec![value]),
        }
    }

    pub(super) fn template_map(&mut self, node: &Node, what: &str) -> Vec<(String, Template)> {
        let Some(fields) = self.fields(node, what, &[]) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, _, value) in fields.iter() {
            let Some(values) = self.one_or_list(key, what, value) else {
                continue;
            };
            for v in values {
                if v.is_null() {
                    self.error(v.error(format!("`{key}` in {what} has no value")));
                    continue;
                }
                if let Some(t) = self.template(v, &format!("`{key}` in {what}")) {
                    out.push((key.to_string(), t));
                }
            }
        }
        out
    }

    /// Any YAML value, its strings kept as templates.
    pub(super) fn tvalue(&mut self, node: &Node) -> TValue {
        match &node.kind {
            NodeKind::Null => TValue::Null,
            NodeKind::Bool(b) => TValue::Bool(*b),
            NodeKind::Int(i) => TValue::Number((*i).into()),
            NodeKind::UInt(u) => TValue::Number((*u).into()),
            NodeKind::Float(f) => serde_json::Number::from_f64(*f)
                .map(TValue::Number)
                .unwrap_or(TValue::Null),
            NodeKind::Str(s) => TValue::Str(Template::new(s.clone(), &node.span)),
            NodeKind::Seq(items) => TValue::List(items.iter().map(|n| self.tvalue(n)).collect()),
            NodeKind::Map(entries) => {
                let key = |k: &Node| k.scalar_text().unwrap_or_default();
                if entries.iter().any(|(k, _)| key(k).contains("{{")) {
                    return TValue::KeyedMap(
                        entries
                            .iter()
                            .map(|(k, v)| (Template::new(key(k), &k.span), self.tvalue(v)))
                            .collect(),
                    );
                }
                TValue::Map(
                    entries
                        .iter()
                        .map(|(k, v)| (key(k), self.tvalue(v)))
                        .collect(),
                )
            }
        }
    }
}
