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
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
        })
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        if line == 0 {
            return None;
        }
        self.text
            .lines()
            .nth(line as usize - 1)
            .map(|l| l.trim_end_matches('\r'))
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
