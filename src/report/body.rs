//! A response as the daily loop shows it (`yarc run x.yaml --name "list jobs" | jq .items`):
//! the body pretty-printed with colour on a terminal and raw through a pipe, and with `--print
//! headers|all` the status line and headers. Pure: bytes in, bytes out.

use crate::run::record::RequestRecord;
use owo_colors::OwoColorize;

/// What `--print` shows of each response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Print {
    Body,
    Headers,
    All,
    /// Nothing, not even for a run of one request: the status lines stay on stdout.
    None,
}

/// How the bytes go out: to a terminal (pretty JSON, colour, control characters made visible)
/// or through a pipe (the body as received, masked).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Out {
    pub terminal: bool,
    pub color: bool,
}

pub(crate) fn render(r: &RequestRecord, what: Print, out: Out) -> Vec<u8> {
    let mut bytes = Vec::new();
    if matches!(what, Print::Headers | Print::All) {
        let mut head = String::new();
        if let Some(resp) = &r.response {
            head.push_str(&format!("{} {}\n", r.method, r.url));
            head.push_str(&format!("HTTP {}\n", resp.status));
            for (k, v) in &resp.headers {
                head.push_str(&format!("{k}: {v}\n"));
            }
        }
        if what == Print::All {
            head.push('\n');
        }
        bytes.extend_from_slice(head.as_bytes());
    }
    if what == Print::Headers {
        return bytes;
    }
    let Some(body) = &r.body else {
        return bytes;
    };
    if !out.terminal {
        // Through a pipe: the body as received (JSON holds no raw control character anyway),
        // but a text body's control characters are made visible all the same — a CI log is
        // read by something that acts on escapes. Line ends stay as they are.
        match std::str::from_utf8(body) {
            Ok(text) => bytes.extend_from_slice(visible_lines(text).as_bytes()),
            Err(_) => bytes.extend_from_slice(body),
        }
        return bytes;
    }
    bytes.extend_from_slice(terminal_text(body, out.color).as_bytes());
    bytes
}

/// A body for a terminal: JSON pretty-printed. What the server sent is made visible first;
/// yarc's own colours go on after, or they would be shown as text (`\x1b[1m`).
fn terminal_text(body: &[u8], color: bool) -> String {
    let mut text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => pretty(&json, color),
        Err(_) => crate::untrusted::visible(&String::from_utf8_lossy(body)).into_owned(),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Control characters made visible, CRLF line ends kept.
fn visible_lines(text: &str) -> String {
    text.split("\r\n")
        .map(|part| crate::untrusted::visible(part).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Pretty JSON, anything a terminal would act on made visible, then keys in one colour and
/// values by kind.
fn pretty(v: &serde_json::Value, color: bool) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    let text = crate::untrusted::visible(&text).into_owned();
    if !color {
        return text;
    }
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        out.push_str(&color_line(line));
        out.push('\n');
    }
    out
}

/// Colours one line of serde_json's pretty output: `"key": value` or a bare value.
fn color_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let (pad, rest) = line.split_at(indent);
    let (key, value) = match split_key(rest) {
        Some((k, v)) => (Some(k), v),
        None => (None, rest),
    };
    let trailing = if value.ends_with(',') { "," } else { "" };
    let value = value.strip_suffix(',').unwrap_or(value);
    let shown = if value.starts_with('"') {
        value.green().to_string()
    } else if value == "true" || value == "false" || value == "null" {
        value.yellow().to_string()
    } else if value.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        value.cyan().to_string()
    } else {
        value.to_string()
    };
    match key {
        Some(k) => format!("{pad}{}: {shown}{trailing}", k.blue().bold()),
        None => format!("{pad}{shown}{trailing}"),
    }
}

/// `"key": rest` → (`"key"`, `rest`), respecting escaped quotes inside the key.
fn split_key(s: &str) -> Option<(&str, &str)> {
    if !s.starts_with('"') {
        return None;
    }
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                let rest = s[i + 1..].strip_prefix(": ")?;
                return Some((&s[..=i], rest));
            }
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a terminal, yarc's colours reach it as escapes and the server's never do.
    #[test]
    fn a_terminal_gets_colours_and_never_the_servers_escapes() {
        let body = "{\"items\": [\"a\\u001b[31mred\", \"\u{202e}x\"]}";
        let coloured = terminal_text(body.as_bytes(), true);
        assert!(
            coloured.contains("\u{1b}[1m\u{1b}[34m\"items\""),
            "{coloured:?}"
        );
        assert!(
            !coloured.contains("\\x1b[1m"),
            "colours shown as text: {coloured:?}"
        );
        assert!(!coloured.contains('\u{202e}'), "{coloured:?}");
        let plain = terminal_text(body.as_bytes(), false);
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        assert!(plain.contains("\\u001b[31mred"), "{plain:?}");
        let text = terminal_text(b"a\x1b[2Jb", true);
        assert_eq!(text, "a\\x1b[2Jb\n");
    }

    #[test]
    fn colours_keys_and_values_but_not_text() {
        let line = color_line(r#"  "a \"b\"": "x","#);
        assert!(line.contains("\u{1b}[") && line.ends_with(','));
        assert_eq!(split_key(r#""k": 1"#), Some((r#""k""#, "1")));
        assert_eq!(split_key(r#""just a string""#), None);
        assert_eq!(
            pretty(&serde_json::json!({"a": [1]}), false),
            "{\n  \"a\": [\n    1\n  ]\n}"
        );
    }
}
