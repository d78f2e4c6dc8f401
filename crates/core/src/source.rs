//! Source files and positions. Every user-written node keeps a [`Span`] so that any later
//! diagnostic (a parse error, a template error, a failed assertion) can point at file:line:col.
//! This module only stores text; it never reads the file system.

use std::fmt;
use std::sync::Arc;

/// One loaded file: the path as the user named it (relative paths stay relative, which keeps
/// messages short and golden tests stable) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Byte offsets of line starts, built on first use: messages and reports look up lines
    /// thousands of times in a large collection.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        })
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        if line == 0 {
            return None;
        }
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(line as usize - 1)?;
        if start > self.text.len() || (start == self.text.len() && line > 1) {
            return None;
        }
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        Some(rest[..end].trim_end_matches('\r'))
    }
}

/// A place in a source file: 1-based line and column (in characters), and a length in
/// characters for the caret underline (0 = one caret).
#[derive(Clone)]
pub struct Span {
    pub file: Arc<SourceFile>,
    pub line: u32,
    pub col: u32,
    pub len: u32,
}

impl Span {
    pub fn new(file: &Arc<SourceFile>, line: u32, col: u32, len: u32) -> Span {
        Span {
            file: Arc::clone(file),
            line,
            col,
            len,
        }
    }

    /// A span that points at the start of a file, for errors about the file as a whole.
    pub fn file_start(file: &Arc<SourceFile>) -> Span {
        Span::new(file, 1, 1, 0)
    }

    /// The same place moved down by `lines` lines (a line inside a multi-line template).
    pub fn down(&self, lines: u32) -> Span {
        if lines == 0 {
            return self.clone();
        }
        Span {
            file: Arc::clone(&self.file),
            line: self.line + lines,
            col: 1,
            len: 0,
        }
    }

    pub fn path(&self) -> &str {
        &self.file.path
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.path, self.line, self.col)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        self.file.path == other.file.path && self.line == other.line && self.col == other.col
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_by_number() {
        let f = SourceFile::new("t", "a\r\nbb\n\nccc");
        assert_eq!(f.line_text(1), Some("a"));
        assert_eq!(f.line_text(2), Some("bb"));
        assert_eq!(f.line_text(3), Some(""));
        assert_eq!(f.line_text(4), Some("ccc"));
        assert_eq!(f.line_text(5), None);
        assert_eq!(f.line_text(0), None);
        let g = SourceFile::new("t", "x\n");
        assert_eq!(g.line_text(1), Some("x"));
        assert_eq!(g.line_text(2), None);
    }
}
