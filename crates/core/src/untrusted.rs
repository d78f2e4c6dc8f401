//! Text a server sent is data: it is shown, never executed — by a terminal (escape sequences)
//! or by a CI runner (GitHub workflow commands). Everything here is pure.

use std::borrow::Cow;

/// A name from a stranger's file (an API document's path, a report's operation) on one line,
/// its control characters made visible.
pub fn one_line(text: &str) -> String {
    visible(&text.replace(['\n', '\t'], " ")).into_owned()
}

/// Control characters made visible: ESC becomes `\x1b`, a carriage return `\r`, a right-to-left
/// override `\u{202e}`. Line feeds and tabs stay, since bodies are shown line by line.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if !is_hidden(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// C0 and C1 controls (but line feed and tab), DEL, and the Unicode controls that reorder or
/// hide text on screen.
fn is_hidden(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{feff}' => true,
        _ => false,
    }
}

/// GitHub Actions runs `::command::` lines of a step's output. Server text in yarc's output is
/// wrapped between `::stop-commands::TOKEN` and `::TOKEN::`, with a token the server cannot
/// guess, so no line of it is ever run as a command; yarc's own annotations come after.
pub struct CommandGuard {
    token: String,
}

impl CommandGuard {
    pub fn new() -> CommandGuard {
        CommandGuard {
            token: format!("yarc-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    pub fn stop(&self) -> String {
        format!("::stop-commands::{}\n", self.token)
    }

    /// On a line of its own, whatever the last server text ended with.
    pub fn resume(&self) -> String {
        format!("\n::{}::\n", self.token)
    }
}

impl Default for CommandGuard {
    fn default() -> Self {
        CommandGuard::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_run() {
        assert_eq!(visible("a\u{1b}[31mred\u{7}"), "a\\x1b[31mred\\x07");
        assert_eq!(visible("line\r\nnext\rover"), "line\nnext\\x0dover");
        assert_eq!(visible("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert!(matches!(visible("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(visible("\u{9b}31m"), "\\x9b31m");
    }
}
