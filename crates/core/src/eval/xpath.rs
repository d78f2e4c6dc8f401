//! XPath 1.0 over an XML body (`expect.xml`, `capture: { xml: … }`): the document is read with
//! roxmltree (no DTD, so no entity expansion; a bounded number of nodes) and the expression
//! evaluated by xpath-eval over a view of that tree. Pure: text in, values out.

use serde_json::Value;
use std::cmp::Ordering;
use std::collections::HashMap;
use xpath_eval::{EvaluationContext, ExpandedName, NodeKind};

/// More nodes than this in a body is an error of the check, not an unbounded walk.
pub const NODES_MAX: u32 = 1_000_000;
/// Longer or deeper expressions are refused: parsing and evaluation recurse along the
/// expression (operators, brackets, a run of `-`), never along a path's steps.
const SOURCE_MAX: usize = 4096;
const NESTING_MAX: usize = 32;
const DEPTH_MAX: usize = 120;

/// What an expression yields: nothing (an empty node-set), or a value — the one node's text,
/// the texts of several nodes as a list, or a number, text or boolean.
#[derive(Debug, Clone, PartialEq)]
pub enum Selected {
    Nothing,
    One(Value),
    Many(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XPathError {
    #[error("{0}")]
    Invalid(String),
    #[error("a body that is not XML: {0}")]
    NotXml(String),
    #[error("{0}")]
    Eval(String),
}

/// Parses an expression, refusing what could exhaust the stack when evaluated.
pub fn compile(source: &str) -> Result<xpath_eval::Expr, XPathError> {
    if source.trim().is_empty() {
        return Err(XPathError::Invalid("an empty XPath".into()));
    }
    if source.len() > SOURCE_MAX {
        return Err(XPathError::Invalid(format!(
            "an XPath of more than {SOURCE_MAX} characters"
        )));
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in source.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let minuses = source
        .split(|c: char| c != '-' && !c.is_whitespace())
        .map(|run| run.matches('-').count())
        .max()
        .unwrap_or(0);
    if deepest > NESTING_MAX || minuses > NESTING_MAX {
        return Err(XPathError::Invalid(format!(
            "an XPath nested more than {NESTING_MAX} levels deep"
        )));
    }
    let expr = xpath_eval::parse(source).map_err(|e| {
        XPathError::Invalid(format!(
            "not an XPath 1.0 expression: {} (at character {})",
            e.message,
            source[..e.position.min(source.len())].chars().count() + 1
        ))
    })?;
    if unknown_names(&expr)? > DEPTH_MAX {
        return Err(XPathError::Invalid(format!(
            "an XPath of more than {DEPTH_MAX} operators one inside another"
        )));
    }
    Ok(expr)
}

/// XPath 1.0's function library: anything else fails on every body, so `yarc check` says so.
const FUNCTIONS: &[&str] = &[
    "last",
    "position",
    "count",
    "id",
    "local-name",
    "namespace-uri",
    "name",
    "string",
    "concat",
    "starts-with",
    "contains",
    "substring-before",
    "substring-after",
    "substring",
    "string-length",
    "normalize-space",
    "translate",
    "boolean",
    "not",
    "true",
    "false",
    "lang",
    "number",
    "sum",
    "floor",
    "ceiling",
    "round",
];

/// A function XPath 1.0 has not, or a `$variable` (none is bound: a template says it); else
/// how deep the expression is (evaluation recurses that deep).
fn unknown_names(e: &xpath_eval::Expr) -> Result<usize, XPathError> {
    use xpath_eval::{Expr as E, PathExpr, PrimaryExpr};
    let deepest = |es: &[xpath_eval::Expr]| -> Result<usize, XPathError> {
        es.iter().try_fold(0, |d, e| Ok(d.max(unknown_names(e)?)))
    };
    let steps = |p: &xpath_eval::LocationPath| -> Result<usize, XPathError> {
        p.steps
            .iter()
            .try_fold(0, |d, step| Ok(d.max(deepest(&step.predicates)?)))
    };
    let filter = |f: &xpath_eval::FilterExpr| -> Result<usize, XPathError> {
        let around = deepest(&f.predicates)?;
        let inner = match &f.primary {
            PrimaryExpr::Variable(q) => Err(XPathError::Invalid(format!(
                "`${}`: XPath variables are not bound here; write the value with a template, `{{{{ {} }}}}`",
                q.local, q.local
            ))),
            PrimaryExpr::Parenthesized(inner) => unknown_names(inner),
            PrimaryExpr::Function(call) => {
                let name = &call.name.local;
                if call.name.prefix.is_some() || !FUNCTIONS.contains(&name.as_str()) {
                    let hint = crate::diagnostic::did_you_mean(name, FUNCTIONS.iter().copied())
                        .map(|f| format!("; did you mean `{f}()`?"))
                        .unwrap_or_default();
                    return Err(XPathError::Invalid(format!(
                        "XPath 1.0 has no function `{name}()`{hint}"
                    )));
                }
                deepest(&call.args)
            }
            PrimaryExpr::Literal(_) | PrimaryExpr::Number(_) => Ok(0),
        }?;
        Ok(around.max(inner))
    };
    match e {
        E::Or(a, b)
        | E::And(a, b)
        | E::Union(a, b)
        | E::Equality(a, _, b)
        | E::Relational(a, _, b)
        | E::Additive(a, _, b)
        | E::Multiplicative(a, _, b) => Ok(1 + unknown_names(a)?.max(unknown_names(b)?)),
        E::Negate(a) => Ok(1 + unknown_names(a)?),
        E::Path(PathExpr::Location(p)) => Ok(1 + steps(p)?),
        E::Path(PathExpr::Filter(f)) => Ok(1 + filter(f)?),
        E::Path(PathExpr::FilterLocation(f, p)) => Ok(1 + filter(f)?.max(steps(p)?)),
    }
}

/// Evaluates `source` over the XML `text`. Prefixes declared anywhere in the document are
/// bound (the first declaration of each), and the default namespace is `_`, as in Hurl:
/// `//_:Price` finds `<Price xmlns="urn:shop">`.
pub fn select(source: &str, text: &str) -> Result<Selected, XPathError> {
    let expr = compile(source)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_MAX,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| XPathError::NotXml(e.to_string()))?;
    let prefixes = declared_prefixes(&doc);
    let lookup = |prefix: &str| prefixes.get(prefix).map(|u| u.to_string());
    let mut ctx = EvaluationContext::new(X::Tree(doc.root()));
    ctx.namespaces = Some(&lookup);
    let value = xpath_eval::evaluate(&expr, &ctx).map_err(|e| XPathError::Eval(e.to_string()))?;
    Ok(match value {
        xpath_eval::Value::NodeSet(mut nodes) => {
            nodes.sort_by(|a, b| xpath_eval::Node::document_order(*a, *b));
            let mut texts = nodes
                .into_iter()
                .map(|n| Value::String(xpath_eval::Node::string_value(n)));
            match texts.len() {
                0 => Selected::Nothing,
                1 => Selected::One(texts.next().unwrap_or(Value::Null)),
                _ => Selected::Many(texts.collect()),
            }
        }
        xpath_eval::Value::Boolean(b) => Selected::One(Value::Bool(b)),
        xpath_eval::Value::String(s) => Selected::One(Value::String(s)),
        xpath_eval::Value::Number(n) => Selected::One(number(n)),
    })
}

/// An XPath number as JSON: whole numbers as integers (`count()` is `3`, not `3.0`); NaN and
/// the infinities, which JSON has not, as the text XPath gives them.
fn number(n: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.is_finite() && n.fract() == 0.0 && n.abs() <= EXACT {
        return Value::from(n as i64);
    }
    serde_json::Number::from_f64(n)
        .map(Value::Number)
        .unwrap_or_else(|| {
            Value::String(match n {
                n if n.is_nan() => "NaN".into(),
                n if n > 0.0 => "Infinity".into(),
                _ => "-Infinity".into(),
            })
        })
}

fn declared_prefixes<'a>(doc: &'a roxmltree::Document) -> HashMap<&'a str, &'a str> {
    let mut out = HashMap::new();
    for el in doc.descendants().filter(|n| n.is_element()) {
        for ns in el.namespaces() {
            out.entry(ns.name().unwrap_or("_")).or_insert(ns.uri());
        }
    }
    out
}

/// A node of roxmltree's tree as XPath sees it: attributes and namespaces are nodes too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum X<'a> {
    Tree(roxmltree::Node<'a, 'a>),
    Attr(roxmltree::Node<'a, 'a>, usize),
    Ns(roxmltree::Node<'a, 'a>, usize),
}

impl<'a> xpath_eval::Node<'a> for X<'a> {
    fn kind(self) -> NodeKind {
        match self {
            X::Attr(..) => NodeKind::Attribute,
            X::Ns(..) => NodeKind::Namespace,
            X::Tree(n) => match n.node_type() {
                roxmltree::NodeType::Root => NodeKind::Root,
                roxmltree::NodeType::Element => NodeKind::Element,
                roxmltree::NodeType::PI => NodeKind::ProcessingInstruction,
                roxmltree::NodeType::Comment => NodeKind::Comment,
                roxmltree::NodeType::Text => NodeKind::Text,
            },
        }
    }

    fn parent(self) -> Option<Self> {
        match self {
            X::Tree(n) => n.parent().map(X::Tree),
            X::Attr(n, _) | X::Ns(n, _) => Some(X::Tree(n)),
        }
    }

    fn children(self) -> impl Iterator<Item = Self> + 'a {
        let node = match self {
            X::Tree(n) => Some(n),
            _ => None,
        };
        node.into_iter().flat_map(|n| n.children()).map(X::Tree)
    }

    fn attributes(self) -> impl Iterator<Item = Self> + 'a {
        let (node, count) = match self {
            X::Tree(n) if n.is_element() => (Some(n), n.attributes().len()),
            _ => (None, 0),
        };
        (0..count).filter_map(move |i| node.map(|n| X::Attr(n, i)))
    }

    fn namespaces(self) -> impl Iterator<Item = Self> + 'a {
        let (node, count) = match self {
            X::Tree(n) if n.is_element() => (Some(n), n.namespaces().len()),
            _ => (None, 0),
        };
        (0..count).filter_map(move |i| node.map(|n| X::Ns(n, i)))
    }

    fn expanded_name(self) -> Option<ExpandedName> {
        let name = |uri: Option<&str>, local: &str| ExpandedName {
            namespace_uri: uri.map(str::to_string),
            local_name: local.to_string(),
        };
        match self {
            X::Tree(n) if n.is_element() => {
                let tag = n.tag_name();
                Some(name(tag.namespace(), tag.name()))
            }
            X::Tree(n) => n.pi().map(|pi| name(None, pi.target)),
            X::Attr(n, i) => n.attributes().nth(i).map(|a| name(a.namespace(), a.name())),
            X::Ns(n, i) => n
                .namespaces()
                .nth(i)
                .map(|ns| name(None, ns.name().unwrap_or(""))),
        }
    }

    fn string_value(self) -> String {
        match self {
            X::Tree(n) => match n.node_type() {
                roxmltree::NodeType::Root | roxmltree::NodeType::Element => n
                    .descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect(),
                roxmltree::NodeType::PI => n.pi().and_then(|pi| pi.value).unwrap_or("").into(),
                _ => n.text().unwrap_or("").to_string(),
            },
            X::Attr(n, i) => n
                .attributes()
                .nth(i)
                .map(|a| a.value().to_string())
                .unwrap_or_default(),
            X::Ns(n, i) => n
                .namespaces()
                .nth(i)
                .map(|ns| ns.uri().to_string())
                .unwrap_or_default(),
        }
    }

    /// An element, then its namespace nodes, then its attributes, then its children (whose
    /// ids are larger): roxmltree numbers its nodes in document order.
    fn document_order(self, other: Self) -> Ordering {
        fn key(x: X) -> (u32, u8, usize) {
            match x {
                X::Tree(n) => (n.id().get(), 0, 0),
                X::Ns(n, i) => (n.id().get(), 1, i),
                X::Attr(n, i) => (n.id().get(), 2, i),
            }
        }
        key(self).cmp(&key(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SOAP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <loginResponse xmlns="urn:partner.soap.sforce.com">
      <result><sessionId>00D-abc</sessionId><userId id="7">u1</userId></result>
      <item>a</item><item>b</item><item>c</item>
    </loginResponse>
  </soapenv:Body>
</soapenv:Envelope>"#;

    fn one(path: &str) -> Value {
        match select(path, SOAP) {
            Ok(Selected::One(v)) => v,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn prefixes_of_the_document_and_the_default_namespace_as_underscore() {
        assert_eq!(
            one("/soapenv:Envelope/soapenv:Body/_:loginResponse/_:result/_:sessionId"),
            json!("00D-abc")
        );
        // XPath 1.0: a name without a prefix is in no namespace.
        assert_eq!(select("//sessionId", SOAP), Ok(Selected::Nothing));
        assert_eq!(
            one(
                "/*[name()='soapenv:Envelope']/*[name()='soapenv:Body']/*[name()='loginResponse']/*[name()='result']/*[name()='userId']/@id"
            ),
            json!("7")
        );
    }

    #[test]
    fn node_sets_numbers_and_booleans() {
        assert_eq!(
            select("//_:item", SOAP),
            Ok(Selected::Many(vec![json!("a"), json!("b"), json!("c")]))
        );
        assert_eq!(one("count(//_:item)"), json!(3));
        assert_eq!(one("count(//_:item) div 2"), json!(1.5));
        assert_eq!(one("0 div 0"), json!("NaN"));
        assert_eq!(one("boolean(//_:item)"), json!(true));
        assert_eq!(one("string(//_:item[2])"), json!("b"));
        assert_eq!(one("//_:item[last()]"), json!("c"));
    }

    #[test]
    fn errors_say_what() {
        assert!(
            matches!(select("//a[", SOAP), Err(XPathError::Invalid(m)) if m.contains("not an XPath"))
        );
        assert!(matches!(
            select("//a", "{\"a\": 1}"),
            Err(XPathError::NotXml(_))
        ));
        assert!(matches!(
            select("//a", "<a><b></a>"),
            Err(XPathError::NotXml(_))
        ));
        assert!(
            matches!(compile("count(//a) + coutn(//b)"), Err(XPathError::Invalid(m)) if m.contains("no function `coutn()`; did you mean `count()`?"))
        );
        assert!(
            matches!(compile("//a[$v = 1]"), Err(XPathError::Invalid(m)) if m.contains("`{{ v }}`"))
        );
        assert!(compile("//a[not(@b) and string-length(.) > 0]/c | //d").is_ok());
        assert!(matches!(
            select("//x:y", SOAP),
            Ok(Selected::Nothing) | Err(_)
        ));
    }

    #[test]
    fn hostile_expressions_and_documents_are_refused_not_followed() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(matches!(compile(&deep), Err(XPathError::Invalid(_))));
        let long = vec!["1"; 1_500].join("+");
        assert!(matches!(compile(&long), Err(XPathError::Invalid(m)) if m.contains("operators")));
        let minus = format!("{}1", "-".repeat(1_000));
        assert!(matches!(compile(&minus), Err(XPathError::Invalid(_))));
        // A long path is no deep one: forty steps of a namespaced name are fine.
        let steps = "/*[name()='soapenv:Envelope']".repeat(40);
        assert!(compile(&steps).is_ok(), "{} characters", steps.len());
        // The deepest expression allowed evaluates on half a worker thread's stack.
        let chain = vec!["-1"; 118].join("+");
        let handle = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || select(&chain, "<a/>"))
            .expect("thread");
        assert_eq!(
            handle.join().expect("no overflow"),
            Ok(Selected::One(json!(-118)))
        );
        let laughs = r#"<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;</a>"#;
        assert!(matches!(select("/a", laughs), Err(XPathError::NotXml(_))));
        let nested = format!("{}{}", "<a>".repeat(50_000), "</a>".repeat(50_000));
        assert_eq!(
            select("count(//a)", &nested),
            Ok(Selected::One(json!(50_000)))
        );
    }
}
