//! A JSON body as yarc queries it: a compact tree. serde_json's `Value` spends about 17 times
//! the body's size on object-heavy JSON (a B-tree node per object, an allocation per string);
//! here an object is one sorted vector and strings up to 24 bytes live inline, about 5 times.
//! Objects are sorted by key with the last duplicate kept, exactly as serde_json's map, so
//! JSONPath results, shown values and snapshots are the same as before.

use compact_str::CompactString;
use jsonpath_rust::query::queryable::Queryable;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Node {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(CompactString),
    Array(Vec<Node>),
    /// Sorted by key, keys unique.
    Object(Vec<(CompactString, Node)>),
}

impl Node {
    /// The body as JSON, or `None` when it is not JSON.
    pub fn parse(bytes: &[u8]) -> Option<Node> {
        serde_json::from_slice(bytes).ok()
    }

    pub fn member(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(entries) => entries
                .binary_search_by(|(k, _)| k.as_str().cmp(key))
                .ok()
                .map(|i| &entries[i].1),
            _ => None,
        }
    }

    /// The node as a serde_json value (a copy).
    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.to_string()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// A stand-in with the node's type and length but none of its contents (an array of
    /// nulls, an object of numbered keys): enough for `type`, `length` and `exists`, at a
    /// fraction of a copy's cost.
    pub fn shape(&self) -> Value {
        match self {
            Node::Array(items) => Value::Array(vec![Value::Null; items.len()]),
            Node::Object(entries) => Value::Object(
                (0..entries.len())
                    .map(|i| (i.to_string(), Value::Null))
                    .collect(),
            ),
            scalar => scalar.to_value(),
        }
    }

    /// Every node, this one first, then each child's subtree in order.
    pub fn for_each<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        match self {
            Node::Array(items) => items.iter().for_each(|v| v.for_each(f)),
            Node::Object(entries) => entries.iter().for_each(|(_, v)| v.for_each(f)),
            _ => {}
        }
    }
}

impl From<&Value> for Node {
    fn from(v: &Value) -> Node {
        match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Number(n.clone()),
            Value::String(s) => Node::String(s.as_str().into()),
            Value::Array(items) => Node::Array(items.iter().map(Node::from).collect()),
            // serde_json's map is sorted and unique already.
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(k, v)| (k.as_str().into(), Node::from(v)))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Node, E> {
        Ok(Number::from_f64(n).map_or(Node::Null, Node::Number))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Node, E> {
        Ok(Node::String(s.into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        items.shrink_to_fit();
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries: Vec<(CompactString, Node)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<Key, Node>()? {
            entries.push((k.0, v));
        }
        // The last of duplicate keys wins, as in serde_json's map: reversed, a stable sort
        // puts it first among its equals, and dedup keeps the first.
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        entries.shrink_to_fit();
        Ok(Node::Object(entries))
    }
}

struct Key(CompactString);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(Key(s.into()))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Number(n) => n.serialize(s),
            Node::String(t) => s.serialize_str(t),
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_str(), v)?;
                }
                map.end()
            }
        }
    }
}

impl From<&str> for Node {
    fn from(s: &str) -> Node {
        Node::String(s.into())
    }
}

impl From<String> for Node {
    fn from(s: String) -> Node {
        Node::String(s.into())
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Node {
        Node::Bool(b)
    }
}

impl From<i64> for Node {
    fn from(n: i64) -> Node {
        Node::Number(n.into())
    }
}

impl From<f64> for Node {
    fn from(n: f64) -> Node {
        Number::from_f64(n).map_or(Node::Null, Node::Number)
    }
}

impl From<Vec<Node>> for Node {
    fn from(items: Vec<Node>) -> Node {
        Node::Array(items)
    }
}

/// What jsonpath-rust needs to run filters over the tree, answered as serde_json's `Value`
/// answers them.
impl Queryable for Node {
    fn get(&self, key: &str) -> Option<&Node> {
        self.member(key)
    }

    fn as_array(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<Vec<(&str, &Node)>> {
        match self {
            Node::Object(entries) => Some(entries.iter().map(|(k, v)| (k.as_str(), v)).collect()),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            Node::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn null() -> Node {
        Node::Null
    }

    /// jsonpath-rust's own filter functions beyond RFC 9535 (`in`, `nin`, `none_of`, `any_of`,
    /// `subset_of`), kept so that a filter means the same on this tree as on a `Value`.
    fn extension_custom(name: &str, args: Vec<Cow<Node>>) -> Node {
        let [lhs, rhs] = args.as_slice() else {
            return Node::Null;
        };
        let (lhs, rhs) = (lhs.as_ref(), rhs.as_ref());
        let within = |x: &Node, list: &[Node]| list.iter().any(|y| x == y);
        match (name, lhs, rhs) {
            ("in", x, Node::Array(list)) => within(x, list).into(),
            ("nin", x, Node::Array(list)) => (!within(x, list)).into(),
            ("none_of", Node::Array(xs), Node::Array(list)) => {
                xs.iter().all(|x| !within(x, list)).into()
            }
            ("any_of", Node::Array(xs), Node::Array(list)) => {
                xs.iter().any(|x| within(x, list)).into()
            }
            ("subset_of", Node::Array(xs), Node::Array(list)) => {
                xs.iter().all(|x| within(x, list)).into()
            }
            _ => Node::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_json_as_serde_json_does() {
        let text = r#"{"b": [1, -2, 3.5, "é\u0041", null, true], "a": {"z": 1, "y": {}}, "b": "last",
                      "long": "a string longer than twenty-four bytes", "": 18446744073709551615}"#;
        let node = Node::parse(text.as_bytes()).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(node.to_value(), value);
        assert_eq!(Node::from(&value), node);
        assert_eq!(
            serde_json::to_string_pretty(&node).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(node.member("b"), Some(&Node::String("last".into())));
        assert_eq!(node.member("c"), None);
        assert!(Node::parse(b"{\"a\": ").is_none());
    }

    #[test]
    fn a_shape_has_the_type_and_length_only() {
        let node = Node::from(&json!({"a": [1, 2, 3], "b": {"x": 1, "y": 2}, "c": "text"}));
        assert_eq!(node.member("a").unwrap().shape(), json!([null, null, null]));
        assert_eq!(
            node.member("b").unwrap().shape(),
            json!({"0": null, "1": null})
        );
        assert_eq!(node.member("c").unwrap().shape(), json!("text"));
    }
}
