//! JSONPath (RFC 9535) behind one small interface, so the engine can change: compile once at
//! plan time, select many times.

use crate::diagnostic::Diagnostic;
use crate::model::JsonPath;
use jsonpath_rust::parser::model::JpQuery;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct CompiledPath {
    query: JpQuery,
    /// One node at most by its syntax (names and indexes only), so it compares as that node.
    pub singular: bool,
}

pub fn compile(path: &JsonPath) -> Result<CompiledPath, Diagnostic> {
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
            query,
            singular: !(src.contains('*')
                || src.contains("..")
                || src.contains('?')
                || src.contains(':')
                || src.contains(',')),
        }),
        Err(e) => {
            let d = Diagnostic::at(
                format!("invalid JSONPath `{src}`: {}", pest_reason(&e.to_string())),
                &path.span,
            );
            Err(match bracket_hint(src) {
                Some(hint) => d.with_help(format!(
                    "a name with `-` or other symbols needs brackets: `{hint}`"
                )),
                None => d,
            })
        }
    }
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

pub fn select<'a>(path: &CompiledPath, value: &'a Value) -> Vec<&'a Value> {
    match jsonpath_rust::query::js_path_process(&path.query, value) {
        Ok(refs) => refs.into_iter().map(|r| r.val()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The normalized paths (`$['a'][0]`) of the nodes a path selects.
pub fn select_paths(path: &CompiledPath, value: &Value) -> Vec<String> {
    match jsonpath_rust::query::js_path_process(&path.query, value) {
        Ok(refs) => refs.into_iter().map(|r| r.path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Compiled paths by their source text.
#[derive(Debug, Default)]
pub struct JsonPaths(HashMap<String, CompiledPath>);

impl JsonPaths {
    pub fn add(&mut self, path: &JsonPath) -> Result<(), Diagnostic> {
        if self.0.contains_key(&path.source) {
            return Ok(());
        }
        let c = compile(path)?;
        self.0.insert(path.source.clone(), c);
        Ok(())
    }

    pub fn get(&self, path: &JsonPath) -> Option<&CompiledPath> {
        self.0.get(&path.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};
    use serde_json::json;

    fn jp(s: &str) -> JsonPath {
        JsonPath {
            source: s.into(),
            span: Span::file_start(&SourceFile::new("t", "")),
        }
    }

    #[test]
    fn selects_nodes() {
        let v = json!({"items": [{"id": 1}, {"id": 2}]});
        let p = compile(&jp("$.items[*].id")).unwrap();
        assert!(!p.singular);
        assert_eq!(select(&p, &v), vec![&json!(1), &json!(2)]);
        let p = compile(&jp("$.items[0].id")).unwrap();
        assert!(p.singular);
        assert_eq!(select(&p, &v), vec![&json!(1)]);
        let p = compile(&jp("$.items[?@.id > 1].id")).unwrap();
        assert_eq!(select(&p, &v), vec![&json!(2)]);
    }

    #[test]
    fn rejects_bad_paths() {
        assert!(compile(&jp("$.items[")).is_err());
        assert!(compile(&jp("items")).is_err());
    }
}
