//! JSONPath (RFC 9535) behind one small interface, so the engine can change: compile once at
//! plan time, select many times.

use crate::diagnostic::Diagnostic;
use crate::exchange::document::Node;
use crate::model::Selector as Written;
use jsonpath_rust::parser::model::{JpQuery, Segment, Selector};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct CompiledPath {
    query: JpQuery,
    /// One node at most by its syntax (names and indexes only), so it compares as that node.
    pub singular: bool,
}

pub fn compile(path: &Written) -> Result<CompiledPath, Diagnostic> {
    let src = path.source.trim();
    if !src.starts_with('$') {
        return Err(Diagnostic::at(
            format!("invalid JSONPath `{src}`: it must start with `$`"),
            &path.span,
        )
        .with_help("for example `$.items[0].id`"));
    }
    match jsonpath_rust::parser::parse_json_path(src) {
        Ok(query) => Ok(CompiledPath {
            singular: is_singular(&query),
            query,
        }),
        Err(e) => {
            let d = Diagnostic::at(
                format!("invalid JSONPath `{src}`: {}", pest_reason(&e.to_string())),
                &path.span,
            );
            Err(match (length_hint(src), bracket_hint(src)) {
                (Some(hint), _) => d.with_help(hint),
                (None, Some(hint)) => d.with_help(format!(
                    "a name with `-` or other symbols needs brackets: `{hint}`"
                )),
                (None, None) => d,
            })
        }
    }
}

/// Whether a path's last step picks several nodes where one was (`$.items[?(@.role ==
/// 'dev')]`, `$.items[*]`): a list's filter, not a read under one it found. `None` when it is
/// no path.
pub fn ends_in_several(source: &str) -> Option<bool> {
    let query = jsonpath_rust::parser::parse_json_path(source.trim()).ok()?;
    let one = |s: &Selector| matches!(s, Selector::Name(_) | Selector::Index(_));
    Some(match query.segments.last() {
        Some(Segment::Selector(s)) => !one(s),
        Some(Segment::Selectors(list)) => !matches!(list.as_slice(), [s] if one(s)),
        Some(Segment::Descendant(_)) => true,
        None => false,
    })
}

/// RFC 9535's singular query: names and indexes only, one per segment, no descendant — read
/// from the parsed path, so a name holding `:` or `*` (`$['jcr:title']`) stays singular.
fn is_singular(query: &JpQuery) -> bool {
    query.segments.iter().all(|segment| match segment {
        Segment::Selector(s) => matches!(s, Selector::Name(_) | Selector::Index(_)),
        Segment::Selectors(list) => {
            matches!(list.as_slice(), [Selector::Name(_) | Selector::Index(_)])
        }
        Segment::Descendant(_) => false,
    })
}

/// Postman's `.length` / `.length()` (or `.size()`, `.count()`) at the end of a path: JSONPath
/// has no such function; yarc's `length:` predicate does it.
pub fn length_hint(src: &str) -> Option<String> {
    let base = [".length()", ".size()", ".count()", ".length"]
        .iter()
        .find_map(|suffix| src.strip_suffix(suffix))?;
    (base.len() > 1).then(|| {
        format!("JSONPath has no length: check the list itself, `{base}: {{ length: 3 }}` (or `{{ length: {{ gte: 1 }} }}`)")
    })
}

/// `$.headers.content-type` → `$.headers['content-type']`: RFC 9535 dot names are identifiers.
fn bracket_hint(src: &str) -> Option<String> {
    let re = regex::Regex::new(r"\.([A-Za-z_][A-Za-z0-9_]*[-][A-Za-z0-9_\-]*)").ok()?;
    if !re.is_match(src) {
        return None;
    }
    Some(re.replace_all(src, "['$1']").into_owned())
}

fn pest_reason(msg: &str) -> String {
    let expected = msg
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(str::to_string);
    let at = msg
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .map(str::to_string);
    match (expected, at) {
        (Some(e), Some(at)) => format!("{e} (at {at})"),
        (Some(e), None) => e,
        _ => msg.lines().next().unwrap_or(msg).to_string(),
    }
}

/// The most nodes one path may select on the way over a body of up to 8 MB (RFC 9535 keeps
/// every node a descendant segment reaches, repeats included: `$..*..*..*..*..*` over a small
/// deep document reaches billions). Past it the path is an error, never a short or empty answer.
pub const NODE_BUDGET: usize = 1_000_000;

/// The budget for a body of `bytes`: [`NODE_BUDGET`], or one node per 8 bytes of a larger body
/// (a JSON value takes at least two bytes with its separator, so `$..id` over any body fits;
/// the list of what a path selects stays at most the body's size in pointers).
pub fn budget(bytes: usize) -> usize {
    NODE_BUDGET.max(bytes / 8)
}

/// More nodes than the budget (held here) on the way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooMany(pub usize);

impl std::fmt::Display for TooMany {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "the path selects more than {} nodes on the way: write it with fewer `..` segments",
            self.0
        )
    }
}

/// The nodes `path` selects in `doc`, within [`NODE_BUDGET`].
pub fn select<'a>(path: &CompiledPath, doc: &'a Node) -> Result<Vec<&'a Node>, TooMany> {
    select_within(path, doc, NODE_BUDGET)
}

/// The nodes `path` selects in `doc`, within `budget` (see [`budget`]).
pub fn select_within<'a>(
    path: &CompiledPath,
    doc: &'a Node,
    budget: usize,
) -> Result<Vec<&'a Node>, TooMany> {
    if let Some(nodes) = walk(&path.query, doc, budget)? {
        return Ok(nodes);
    }
    match jsonpath_rust::query::js_path_process(&path.query, doc) {
        Ok(refs) => Ok(refs.into_iter().map(|r| r.val()).collect()),
        Err(_) => Ok(Vec::new()),
    }
}

/// Paths of names, indexes and wildcards, descendant or not, walked directly: jsonpath-rust
/// builds a normalized path string for every node it visits, which made `$..id`
/// over a 50 MB body cost seconds. Filters and slices (`None` here) go to jsonpath-rust; the
/// two agree node for node and in order (a test checks), except that several selectors in one
/// segment are applied node by node as RFC 9535 section 2.5.1.2 says, where jsonpath-rust
/// applies each selector to all nodes in turn.
fn walk<'a>(
    query: &JpQuery,
    root: &'a Node,
    budget: usize,
) -> Result<Option<Vec<&'a Node>>, TooMany> {
    let mut nodes = vec![root];
    for segment in &query.segments {
        let mut next = Vec::new();
        let done = match segment {
            Segment::Descendant(inner) => selectors(inner).and_then(|list| {
                nodes
                    .iter()
                    .try_for_each(|n| descend(list, n, &mut next, budget))
            }),
            child => selectors(child).and_then(|list| {
                nodes
                    .iter()
                    .try_for_each(|n| list.iter().try_for_each(|s| pick(s, n, &mut next)))
            }),
        };
        if next.len() > budget {
            return Err(TooMany(budget));
        }
        if done.is_none() {
            return Ok(None);
        }
        nodes = next;
    }
    Ok(Some(nodes))
}

fn selectors(segment: &Segment) -> Option<&[Selector]> {
    match segment {
        Segment::Selector(s) => Some(std::slice::from_ref(s)),
        Segment::Selectors(list) => Some(list),
        Segment::Descendant(_) => None,
    }
}

/// The selectors applied to the node itself, then to each child's subtree in order (RFC 9535
/// section 2.5.2.2), without gathering the subtree first.
fn descend<'a>(
    list: &[Selector],
    node: &'a Node,
    out: &mut Vec<&'a Node>,
    budget: usize,
) -> Option<()> {
    if out.len() > budget {
        // The walk stops here; the caller reports the budget.
        return Some(());
    }
    list.iter().try_for_each(|s| pick(s, node, out))?;
    match node {
        Node::Array(items) => items.iter().try_for_each(|v| descend(list, v, out, budget)),
        Node::Object(entries) => entries
            .iter()
            .try_for_each(|(_, v)| descend(list, v, out, budget)),
        _ => Some(()),
    }
}

fn pick<'a>(selector: &Selector, node: &'a Node, out: &mut Vec<&'a Node>) -> Option<()> {
    match (selector, node) {
        (Selector::Name(name), Node::Object(_)) => out.extend(node.member(name)),
        (Selector::Wildcard, Node::Array(items)) => out.extend(items.iter()),
        (Selector::Wildcard, Node::Object(entries)) => out.extend(entries.iter().map(|(_, v)| v)),
        (Selector::Index(i), Node::Array(items)) => {
            let at = if *i >= 0 {
                usize::try_from(*i).ok()
            } else {
                items
                    .len()
                    .checked_sub(usize::try_from(i.unsigned_abs()).ok()?)
            };
            out.extend(at.and_then(|at| items.get(at)));
        }
        (Selector::Name(_) | Selector::Wildcard | Selector::Index(_), _) => {}
        (Selector::Slice(..) | Selector::Filter(_), _) => return None,
    }
    Some(())
}

/// Compiled paths by their source text.
#[derive(Debug, Default)]
pub struct JsonPaths(HashMap<String, CompiledPath>);

/// The path with `0` for each template expression, to check what is written around them.
pub fn without_templates(source: &str) -> String {
    static EXPRESSIONS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let expressions = EXPRESSIONS
        .get_or_init(|| regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("a valid pattern"));
    expressions.replace_all(source, "0").into_owned()
}

impl JsonPaths {
    /// Compiles a path once; one with a template is only checked, with `0` for each
    /// expression (`[{{ i }}]` and `'{{ id }}'` both read), and compiled when rendered.
    pub fn add(&mut self, path: &Written) -> Result<(), Diagnostic> {
        if self.0.contains_key(&path.source) {
            return Ok(());
        }
        if path.is_template() {
            let probe = Written {
                source: without_templates(&path.source),
                span: path.span.clone(),
            };
            return compile(&probe).map(|_| ()).map_err(|mut d| {
                d.message = d.message.replace(&probe.source, &path.source);
                d
            });
        }
        let c = compile(path)?;
        self.0.insert(path.source.clone(), c);
        Ok(())
    }

    pub fn get(&self, path: &Written) -> Option<&CompiledPath> {
        self.0.get(&path.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};
    use serde_json::{Value, json};

    fn jp(s: &str) -> Written {
        Written {
            source: s.into(),
            span: Span::file_start(&SourceFile::new("t", "")),
        }
    }

    fn values(nodes: Vec<&Node>) -> Vec<Value> {
        nodes.into_iter().map(Node::to_value).collect()
    }

    #[test]
    fn selects_nodes() {
        let v = Node::from(&json!({"items": [{"id": 1}, {"id": 2}]}));
        let p = compile(&jp("$.items[*].id")).unwrap();
        assert!(!p.singular);
        assert_eq!(
            values(select(&p, &v).expect("within the budget")),
            vec![json!(1), json!(2)]
        );
        let p = compile(&jp("$.items[0].id")).unwrap();
        assert!(p.singular);
        assert_eq!(
            values(select(&p, &v).expect("within the budget")),
            vec![json!(1)]
        );
        for (path, singular) in [
            ("$['jcr:content/jcr:title']", true),
            ("$['a,b']['*'][1]", true),
            ("$.a[1:2]", false),
            ("$.a[1,2]", false),
            ("$..a", false),
            ("$.a[*]", false),
            ("$.a[?@.b]", false),
        ] {
            assert_eq!(compile(&jp(path)).unwrap().singular, singular, "{path}");
        }
        let p = compile(&jp("$.items[?@.id > 1].id")).unwrap();
        assert_eq!(
            values(select(&p, &v).expect("within the budget")),
            vec![json!(2)]
        );
    }

    /// A random document of objects, arrays and scalars, with names that repeat across levels.
    fn document(rng: &mut fastrand::Rng, depth: u32) -> Value {
        let names = ["a", "b", "id", "x", "items"];
        match (depth, rng.u8(0..6)) {
            (0, _) | (_, 0) => json!(rng.i32(-3..50)),
            (_, 1) => json!(names[rng.usize(0..names.len())]),
            (_, 2 | 3) => Value::Array(
                (0..rng.usize(0..5))
                    .map(|_| document(rng, depth - 1))
                    .collect(),
            ),
            _ => Value::Object(
                (0..rng.usize(0..5))
                    .map(|_| {
                        (
                            names[rng.usize(0..names.len())].to_string(),
                            document(rng, depth - 1),
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// What jsonpath-rust selects over serde_json's own `Value`: the reference.
    fn reference(c: &CompiledPath, doc: &Value) -> Vec<Value> {
        jsonpath_rust::query::js_path_process(&c.query, doc)
            .unwrap()
            .into_iter()
            .map(|r| r.val().clone())
            .collect()
    }

    #[test]
    fn selections_agree_with_jsonpath_rust_over_serde_json() {
        let walked = [
            "$",
            "$.a",
            "$.a.b",
            "$['a','id']",
            "$[0]",
            "$[-1]",
            "$[-9]",
            "$[0,1,-1]",
            "$.*",
            "$[*].id",
            "$.items[*].x[0]",
            "$..id",
            "$..*",
            "$..[0]",
            "$..[-1]",
            "$..a..x",
            "$..items[*].b",
            "$..['a','b']",
            "$.*.*",
            "$..x[*]",
            "$[*][*][*]",
        ];
        let filtered = [
            "$..[?@.id > 1]",
            "$[?@.a == 'x']",
            "$..[?@ == 3]",
            "$.*[?length(@) > 2]",
            "$[1:3]",
            "$..[::-1]",
            "$[?@.a && !@.b]",
            "$..[?count(@.*) == 2].id",
            "$..[?match(@, 'i.*')]",
            "$..[?@.x < @.id]",
        ];
        let mut rng = fastrand::Rng::with_seed(9535);
        for _ in 0..300 {
            let value = document(&mut rng, 5);
            let doc = Node::from(&value);
            for p in walked {
                let c = compile(&jp(p)).unwrap();
                let fast = values(
                    walk(&c.query, &doc, NODE_BUDGET)
                        .expect("within the budget")
                        .expect("no filter or slice"),
                );
                let engine = reference(&c, &value);
                if p.contains(',') {
                    // jsonpath-rust applies each selector to every node in turn; RFC 9535
                    // (section 2.5.1.2) and the walk apply all selectors to each node.
                    let key = |v: &[Value]| {
                        let mut s: Vec<String> = v.iter().map(|n| n.to_string()).collect();
                        s.sort();
                        s
                    };
                    assert_eq!(key(&fast), key(&engine), "{p} over {value}");
                } else {
                    assert_eq!(fast, engine, "{p} over {value}");
                }
            }
            for p in filtered {
                let c = compile(&jp(p)).unwrap();
                assert_eq!(
                    values(select(&c, &doc).expect("within the budget")),
                    reference(&c, &value),
                    "{p} over {value}"
                );
            }
        }
        let doc = Node::from(&json!([{"a": 1, "b": 2}, {"a": 3, "b": 4}]));
        let c = compile(&jp("$[*]['a','b']")).unwrap();
        assert_eq!(
            values(select(&c, &doc).expect("within the budget")),
            vec![json!(1), json!(2), json!(3), json!(4)]
        );
    }

    #[test]
    fn rejects_bad_paths() {
        assert!(compile(&jp("$.items[")).is_err());
        assert!(compile(&jp("items")).is_err());
    }

    #[test]
    fn a_path_that_would_select_billions_stops_at_the_budget() {
        // 60 nested lists: five descendant segments reach ~C(60, 5) = 5 million nodes.
        let mut doc = json!([]);
        for _ in 0..60 {
            doc = json!([doc, 1]);
        }
        let p = compile(&jp("$..*..*..*..*..*")).expect("path");
        let v = Node::from(&doc);
        assert_eq!(select(&p, &v), Err(TooMany(NODE_BUDGET)));
    }

    #[test]
    fn the_budget_grows_with_a_large_body_only() {
        assert_eq!(budget(1 << 20), NODE_BUDGET);
        assert_eq!(budget(100_000_000), 12_500_000);
        // 1,500 objects with an `id` each, under a budget of 1,000 nodes and of 10,000.
        let items: Vec<_> = (0..1500).map(|i| json!({"id": i})).collect();
        let v = Node::from(&json!({ "items": items }));
        let p = compile(&jp("$..id")).expect("path");
        assert_eq!(select_within(&p, &v, 1000), Err(TooMany(1000)));
        assert_eq!(select_within(&p, &v, 10_000).map(|n| n.len()), Ok(1500));
    }
}
