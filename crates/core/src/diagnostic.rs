//! One renderer for every error a user can cause: a message, the place (file:line:col), the
//! offending line with carets under the span, and an optional "did you mean" or help line.
//! The same text goes to the terminal and into reports.

use crate::source::Span;
use std::fmt;

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub span: Option<Span>,
    /// Text printed after the carets.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span: None,
            label: None,
            help: None,
        }
    }

    pub fn at(message: impl Into<String>, span: &Span) -> Diagnostic {
        Diagnostic::new(message).with_span(span)
    }

    pub fn with_span(mut self, span: &Span) -> Diagnostic {
        self.span = Some(span.clone());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean `x`?" when one of `candidates` is close to `word`.
    pub fn suggest<'a>(
        self,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        match did_you_mean(word, candidates) {
            Some(best) => self.with_label(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    /// The rustc-like rendering without colour. Very long words (a 5 MB key) are clipped.
    pub fn render(&self) -> String {
        let mut out = format!("error: {}\n", clip(&self.message, 300));
        if let Some(span) = &self.span {
            render_snippet(&mut out, span, self.label.as_deref());
        } else if let Some(label) = &self.label {
            out.push_str(&format!("  = {}\n", clip(label, 300)));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = help: {}\n", clip(help, 600)));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

fn render_snippet(out: &mut String, span: &Span, label: Option<&str>) {
    let gutter = span.line.to_string().len();
    let pad = " ".repeat(gutter);
    out.push_str(&format!("{pad}--> {span}\n"));
    let Some(text) = span.file.line_text(span.line) else {
        if let Some(label) = label {
            out.push_str(&format!("{pad} = {label}\n"));
        }
        return;
    };
    let text = text.replace('\t', " ");
    let mut col = span.col.max(1) as usize;
    // A very long line is shown as a window around the span.
    let chars: Vec<char> = text.chars().collect();
    let (shown, shift) = if chars.len() > 160 {
        let start = col.saturating_sub(40);
        let end = (start + 120).min(chars.len());
        let window: String = chars[start..end].iter().collect();
        (format!("…{window}…"), start.saturating_sub(1))
    } else {
        (text.clone(), 0)
    };
    col -= shift;
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!("{} | {}\n", span.line, shown));
    let width = shown.chars().count();
    let len = (span.len.max(1) as usize)
        .min(width.saturating_sub(col - 1).max(1))
        .min(80);
    let carets = format!("{}{}", " ".repeat(col - 1), "^".repeat(len));
    match label {
        Some(label) => out.push_str(&format!("{pad} | {carets} {}\n", clip(label, 300))),
        None => out.push_str(&format!("{pad} | {carets}\n")),
    }
}

/// The text, cut at `max` characters.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}… ({} characters)", text.chars().count())
}

/// The candidate closest to `word`, if it is close enough to be a likely typo. Nobody mistypes
/// a name of more than 256 bytes: such words (a 5 MB key in a hostile file) get no suggestion,
/// so the work stays bounded by the input's size.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    const LONGEST: usize = 256;
    if word.len() > LONGEST {
        return None;
    }
    // Case is not a typo worth missing: `--name "List jobs"` finds `list jobs`.
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.len() <= LONGEST)
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A list of diagnostics, returned by every stage that checks user input: all problems of a
/// collection are reported at once, before anything is sent.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn render(&self) -> String {
        self.0
            .iter()
            .map(|d| d.render())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn renders_snippet_with_carets_and_suggestion() {
        let file = SourceFile::new("c.yaml", "name: x\nrequests:\n  - expcet: 1\n");
        let d = Diagnostic::at("unknown key `expcet`", &Span::new(&file, 3, 5, 6))
            .suggest("expcet", ["expect", "name"]);
        assert_eq!(
            d.render(),
            "error: unknown key `expcet`\n --> c.yaml:3:5\n  |\n3 |   - expcet: 1\n  |     ^^^^^^ did you mean `expect`?\n"
        );
    }

    #[test]
    fn no_suggestion_for_distant_words() {
        assert_eq!(did_you_mean("zzz", ["expect", "name"]), None);
    }

    /// The work is bounded by the input, not by how long a hostile word is: a 5 MB word is
    /// not compared with anything (it was, character by character, for every candidate).
    #[test]
    fn no_suggestion_for_a_huge_word() {
        let huge = format!("expect{}", "t".repeat(5_000_000));
        assert_eq!(did_you_mean(&huge, ["expect", "name"]), None);
        let long = "e".repeat(300);
        assert_eq!(
            did_you_mean("expect", [long.as_str(), "expect"]),
            Some("expect")
        );
    }
}
