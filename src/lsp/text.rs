//! Positions and what the cursor is in, on plain text: LSP positions count UTF-16 code units,
//! yarc's spans count characters; a cursor sits inside `{{ … }}` (a variable, a function, a
//! filter after `|`, a secret name in `secret('…')`) or where a key goes (under which parent).

/// A 0-based line and UTF-16 column, as LSP counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: u32,
    pub utf16: u32,
}

/// The UTF-16 column of a 1-based character column of `line`.
pub(crate) fn utf16_col(line: &str, char_col: u32) -> u32 {
    line.chars()
        .take(char_col.saturating_sub(1) as usize)
        .map(|c| c.len_utf16() as u32)
        .sum()
}

/// The byte offset in `line` of a UTF-16 column (the end when past it).
pub(crate) fn byte_at(line: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    line.len()
}

/// The 0-based line of `text`.
pub(crate) fn line(text: &str, n: u32) -> &str {
    text.lines().nth(n as usize).unwrap_or("")
}

/// The name under the cursor (letters, digits, `_`, `-`, `.`), if any.
pub(crate) fn word_at(text: &str, at: Pos) -> Option<String> {
    let l = line(text, at.line);
    let i = byte_at(l, at.utf16);
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let start = l[..i]
        .char_indices()
        .rev()
        .find(|(_, c)| !is_word(*c))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let end = l[i..].find(|c| !is_word(c)).map_or(l.len(), |p| i + p);
    let w = l[start..end].trim_matches('.');
    (!w.is_empty()).then(|| w.to_string())
}

/// What the cursor is in.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// Inside `{{ … }}`: a variable or function goes here.
    Expression,
    /// After a `|` inside `{{ … }}`.
    Filter,
    /// Inside `secret('…`.
    SecretName,
    /// Where a key goes; the key of each enclosing map, outermost first (`["requests",
    /// "expect"]`), a list item's map named by its list's key.
    Key(Vec<String>),
    Other,
}

pub(crate) fn context(text: &str, at: Pos) -> Context {
    let l = line(text, at.line);
    let before = &l[..byte_at(l, at.utf16)];
    if let Some(open) = before.rfind("{{")
        && !before[open..].contains("}}")
    {
        let inside = &before[open + 2..];
        if let Some(s) = inside.rfind("secret(")
            && !inside[s..].contains(')')
        {
            return Context::SecretName;
        }
        return match inside.rfind('|') {
            Some(bar)
                if inside[bar + 1..]
                    .trim()
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_') =>
            {
                Context::Filter
            }
            _ => Context::Expression,
        };
    }
    let stripped = before.trim_start();
    let item = stripped.strip_prefix("- ").unwrap_or(stripped);
    if !item.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Context::Other;
    }
    let indent = (before.len() - stripped.len()) + if stripped.starts_with("- ") { 2 } else { 0 };
    Context::Key(parents(text, at.line, indent))
}

/// The keys of the maps that enclose a key at `indent` on `line`, outermost first.
fn parents(text: &str, line_no: u32, indent: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut want = indent;
    let mut i = line_no as usize;
    while want > 0 && i > 0 {
        i -= 1;
        let l = lines.get(i).copied().unwrap_or("");
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let lead = l.len() - t.len();
        let (key_indent, key_text) = match t.strip_prefix("- ") {
            Some(rest) => (lead + 2, rest),
            None => (lead, t),
        };
        if key_indent < want {
            if let Some((k, _)) = key_text.split_once(':') {
                // A list item's first key shares the item's map: its parent is the list's.
                if t.starts_with("- ") {
                    want = lead;
                    continue;
                }
                out.push(k.trim().trim_matches(['"', '\'']).to_string());
            }
            want = lead;
        } else if t.starts_with("- ") && lead < want && key_indent == want {
            // Another key of the same list item: the item's map, named by its list.
            want = lead;
        }
    }
    out.reverse();
    out
}

/// The keys that may stand where `parents` says, from the parser's own tables.
pub(crate) fn keys_for(parents: &[String], environment: bool) -> Vec<&'static str> {
    use crate::parse::keys::*;
    let last = parents.last().map(String::as_str);
    let before = parents.len().checked_sub(2).map(|i| parents[i].as_str());
    if environment {
        return match last {
            None => ENVIRONMENT.to_vec(),
            Some("tls") => TLS.to_vec(),
            Some("sandbox") => SANDBOX.to_vec(),
            _ => Vec::new(),
        };
    }
    match (before, last) {
        (_, None) => COLLECTION.to_vec(),
        (_, Some("requests")) => {
            let mut k = REQUEST.to_vec();
            k.extend(GROUP.iter().filter(|g| !REQUEST.contains(g)));
            k
        }
        (_, Some("expect")) => EXPECT.to_vec(),
        (_, Some("defaults")) => DEFAULTS.to_vec(),
        (_, Some("auth")) => vec!["oauth2", "bearer", "basic", "api_key"],
        (_, Some("oauth2")) => OAUTH2.to_vec(),
        (_, Some("basic")) => BASIC.to_vec(),
        (_, Some("api_key")) => API_KEY.to_vec(),
        (_, Some("retry")) => RETRY.to_vec(),
        (_, Some("repeat")) => REPEAT.to_vec(),
        (_, Some("snapshot")) => SNAPSHOT.to_vec(),
        (_, Some("graphql")) => GRAPHQL.to_vec(),
        (_, Some("time")) => TIME.to_vec(),
        (Some("json" | "xml" | "headers" | "cookies"), Some(_))
        | (_, Some("body" | "status" | "not" | "each")) => PREDICATES.to_vec(),
        (Some("capture"), Some(_)) => CAPTURE.to_vec(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: c\nrequests:\n  - name: list\n    url: \"{{ base }}/x\"\n    expect:\n      json:\n        $.id:\n          \n      \n  - group: g\n    requests:\n      - name: b\n        \n";

    fn at(line: u32, col: u32) -> Pos {
        Pos { line, utf16: col }
    }

    #[test]
    fn the_cursor_context_follows_the_yaml_nesting() {
        assert_eq!(context(DOC, at(0, 0)), Context::Key(vec![]));
        assert_eq!(context(DOC, at(3, 13)), Context::Expression);
        assert_eq!(
            context(DOC, at(7, 10)),
            Context::Key(vec![
                "requests".into(),
                "expect".into(),
                "json".into(),
                "$.id".into()
            ])
        );
        assert_eq!(
            context(DOC, at(8, 6)),
            Context::Key(vec!["requests".into(), "expect".into()])
        );
        assert_eq!(
            context(DOC, at(12, 8)),
            Context::Key(vec!["requests".into(), "requests".into()])
        );
        assert!(
            keys_for(
                &[
                    "requests".into(),
                    "expect".into(),
                    "json".into(),
                    "$.id".into()
                ],
                false
            )
            .contains(&"equals")
        );
        assert!(keys_for(&["requests".into()], false).contains(&"capture"));
        assert_eq!(context("u: \"{{ x | up", at(0, 13)), Context::Filter);
        assert_eq!(
            context("u: \"{{ secret('AB", at(0, 17)),
            Context::SecretName
        );
    }

    #[test]
    fn positions_count_utf16_units() {
        assert_eq!(utf16_col("é😀x", 3), 3);
        assert_eq!(byte_at("é😀x", 3), 6);
        assert_eq!(
            word_at("url: \"{{ base_url }}/x\"", at(0, 11)).as_deref(),
            Some("base_url")
        );
        // A cursor after a character of several bytes (or inside a surrogate pair).
        for col in 0..8 {
            let _ = word_at("é😀{{ x", at(0, col));
            let _ = context("é😀{{ x", at(0, col));
        }
    }
}
