//! Secrets: where they come from (process environment, then `.env`) and how they are kept out
//! of every output. Masking works on values: anything that was read through `secret()`, every
//! token and every credential header is registered here, and all text that leaves the runner
//! goes through [`Redactor::redact`].

use base64::Engine;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// What replaces a secret in any output.
pub const MASK: &str = "•••••";

/// Values shorter than this are not masked: replacing every `1` or `ab` in the output would
/// make it unreadable and hide nothing of worth.
const MIN_SECRET_LEN: usize = 4;

/// Words that stand for no value (a capture's `default: "null"` sent as `Bearer null`): they
/// are no one's secret, and masking them would garble every JSON document in the output.
fn is_placeholder(value: &str) -> bool {
    ["null", "true", "false", "undefined", "none", "nil"]
        .iter()
        .any(|w| value.trim().eq_ignore_ascii_case(w))
}

/// How long a list or object's compact text may be for a secret spread over its items to be
/// looked for in it (a secret's pieces make a short list; a large body is not written again).
const SPREAD_MAX: usize = 4096;

/// A JSON value's compact text, when it is no longer than `max` bytes.
fn compact_within(value: &serde_json::Value, max: usize) -> Option<String> {
    struct Bounded(Vec<u8>, usize);
    impl std::io::Write for Bounded {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + buf.len() > self.1 {
                return Err(std::io::Error::other("too long"));
            }
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Bounded(Vec::new(), max);
    serde_json::to_writer(&mut out, value).ok()?;
    String::from_utf8(out.0).ok()
}

/// The set of values to hide, in every form they may take in output.
#[derive(Debug, Default)]
pub struct Redactor {
    inner: RwLock<Needles>,
}

#[derive(Debug, Default)]
struct Needles {
    /// Values registered so far (a value is registered once, whatever its forms).
    values: std::collections::HashSet<String>,
    forms: Vec<String>,
    /// The forms again, to skip a repeat without a linear search (10,000 secret-derived
    /// variables made that quadratic).
    known_forms: std::collections::HashSet<String>,
    /// One automaton over every form: a single pass over the text, longest match first. Built
    /// when text is next masked after values were added, not on every addition.
    matcher: Option<Arc<aho_corasick::AhoCorasick>>,
    stale: bool,
    /// Whether a registered value is a JSON list or object (a secret spread over its items):
    /// only then are a JSON value's lists and objects looked at whole.
    spread: bool,
}

impl Redactor {
    pub fn new() -> Arc<Redactor> {
        Arc::new(Redactor::default())
    }

    /// Registers a secret value with every form it may take in output: as is and trimmed,
    /// upper and lower case, URL-encoded three ways, JSON-escaped once and twice, and base64
    /// (standard and URL-safe) wherever it starts in the encoded bytes.
    pub fn add(&self, value: &str) {
        if value.chars().count() < MIN_SECRET_LEN || is_placeholder(value) {
            return;
        }
        if self.inner.read().is_ok_and(|n| n.values.contains(value)) {
            return;
        }
        let forms = forms_of(value);
        let Ok(mut n) = self.inner.write() else {
            return;
        };
        if !n.values.insert(value.to_string()) {
            return;
        }
        n.spread |= value.starts_with(['[', '{']);
        for f in forms {
            if f.chars().count() >= MIN_SECRET_LEN && n.known_forms.insert(f.clone()) {
                n.forms.push(f);
            }
        }
        n.stale = true;
    }

    /// The automaton over every form registered so far.
    fn matcher(&self) -> Option<Arc<aho_corasick::AhoCorasick>> {
        if let Ok(n) = self.inner.read()
            && !n.stale
        {
            return n.matcher.clone();
        }
        let mut n = self.inner.write().ok()?;
        if n.stale {
            n.matcher = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&n.forms)
                .ok()
                .map(Arc::new);
            n.stale = false;
        }
        n.matcher.clone()
    }

    /// Registers the credentials of a Basic header: the pair's base64 form hides both.
    pub fn add_basic(&self, user: &str, password: &str) {
        let pair = format!("{user}:{password}");
        self.add(&pair);
        self.add(password);
    }

    pub fn redact(&self, text: &str) -> String {
        match self.matcher() {
            Some(m) if m.is_match(text) => {
                let mut out = String::with_capacity(text.len());
                m.replace_all_with(text, &mut out, |_, _, dst| {
                    dst.push_str(MASK);
                    true
                });
                out
            }
            _ => text.to_string(),
        }
    }

    /// Masks first, then cuts to `max` characters: a cut never leaves part of a secret, and
    /// never ends inside a mask.
    pub fn clip(&self, text: &str, max: usize) -> String {
        clip_masked(&self.redact(text), max)
    }

    /// Whether the text holds any registered secret, in any form.
    pub fn finds(&self, text: &str) -> bool {
        self.matcher().is_some_and(|m| m.is_match(text))
    }

    /// Whether any value is registered (nothing to mask otherwise).
    /// Whether a secret spread over a JSON list's items was registered (see [`Self::add`]).
    pub fn has_spread(&self) -> bool {
        self.inner.read().is_ok_and(|n| n.spread)
    }

    pub fn is_active(&self) -> bool {
        self.inner
            .read()
            .map(|n| !n.forms.is_empty())
            .unwrap_or(true)
    }

    /// Masks the strings of a JSON value where it lies (large snapshots are not copied again).
    pub fn redact_json_in_place(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        if !self.is_active() {
            return;
        }
        match value {
            Value::String(s) if self.finds(s) => *s = self.redact(s),
            // A secret that is a number (a PIN) is masked where a JSON value holds it as one.
            Value::Number(n) if self.finds(&n.to_string()) => {
                *value = Value::String(self.redact(&n.to_string()));
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.redact_json_in_place(v)),
            Value::Object(o) => o.values_mut().for_each(|v| self.redact_json_in_place(v)),
            _ => {}
        }
        // A secret spread over a list's items, each too short to mask (`secret('K') | list`):
        // the list is masked whole, whatever the layout it is written in afterwards.
        if (value.is_array() || value.is_object())
            && self.has_spread()
            && let Some(text) = compact_within(value, SPREAD_MAX)
            && self.finds(&text)
        {
            *value = Value::String(MASK.to_string());
        }
    }

    /// Registers every string in a value (one made from a secret) as secret text.
    pub fn redact_json_register(&self, value: &serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(s) => self.add(s),
            Value::Number(n) => self.add(&n.to_string()),
            Value::Array(a) => a.iter().for_each(|v| self.redact_json_register(v)),
            Value::Object(o) => o.values().for_each(|v| self.redact_json_register(v)),
            _ => {}
        }
    }

    pub fn redact_json(&self, value: &serde_json::Value) -> serde_json::Value {
        let mut v = value.clone();
        self.redact_json_in_place(&mut v);
        v
    }
}

/// Cuts text that is already masked to `max` characters, moving the cut out of a mask.
pub fn clip_masked(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max).collect();
    // A cut inside a mask: drop the mask's partial start, so only whole masks remain.
    let bullet = MASK.chars().next().unwrap_or('•');
    if text.chars().nth(max) == Some(bullet) {
        while cut.ends_with(bullet) {
            cut.pop();
        }
    }
    cut.push('…');
    cut
}

/// Every form a secret may take in text yarc writes.
fn forms_of(value: &str) -> Vec<String> {
    let mut bases = vec![value.to_string()];
    let trimmed = value.trim();
    if trimmed != value {
        bases.push(trimmed.to_string());
    }
    // A `+` sent raw in a query (as Postman sends an API key) is a space to a server that
    // decodes the form: what it echoes back is the secret with spaces.
    if value.contains('+') {
        bases.push(value.replace('+', " "));
    }
    let mut out = Vec::new();
    for v in &bases {
        for case in [v.clone(), v.to_uppercase(), v.to_lowercase()] {
            out.push(url::form_urlencoded::byte_serialize(case.as_bytes()).collect());
            out.push(percent_encode(&case, b"-._~"));
            out.push(percent_encode(&case, b"/.-_"));
            out.extend(url_forms(&case));
            out.push(query_value(&case));
            if let Ok(json) = serde_json::to_string(&case) {
                let once = json[1..json.len() - 1].to_string();
                // Servers that write JSON as ASCII escape everything else as \uXXXX, at
                // whichever level they write.
                let ascii = ascii_json(&once);
                for f in [once, ascii] {
                    if let Ok(twice) = serde_json::to_string(&f) {
                        let twice = twice[1..twice.len() - 1].to_string();
                        out.push(ascii_json(&twice));
                        out.push(twice);
                    }
                    out.push(f);
                }
            }
            out.push(case);
        }
        out.extend(base64_forms(v.as_bytes()));
    }
    out.sort();
    out.dedup();
    out
}

/// JSON text with every non-ASCII character as `\uXXXX` (surrogate pairs beyond the BMP).
fn ascii_json(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// The value as the URL parser writes it in a query, a path, a password and a fragment (each
/// escapes a different set of characters).
fn url_forms(value: &str) -> Vec<String> {
    let Ok(mut u) = url::Url::parse("http://h/") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    u.set_query(Some(value));
    out.extend(u.query().map(str::to_string));
    u.set_fragment(Some(value));
    out.extend(u.fragment().map(str::to_string));
    u.set_path(value);
    out.push(u.path().trim_start_matches('/').to_string());
    if u.set_password(Some(value)).is_ok() {
        out.extend(u.password().map(str::to_string));
    }
    out
}

/// The base64 text that encodes `bytes` wherever they start in a longer input: for each of the
/// three offsets, the characters that depend on these bytes alone.
fn base64_forms(bytes: &[u8]) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let mut out = vec![STANDARD.encode(bytes), URL_SAFE.encode(bytes)];
    for offset in 0..3usize {
        let mut padded = vec![0u8; offset];
        padded.extend_from_slice(bytes);
        let first = (8 * offset).div_ceil(6);
        let last = (8 * (offset + bytes.len())) / 6;
        if last <= first || last - first < MIN_BASE64_CORE {
            continue;
        }
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let text = engine.encode(&padded);
            if let Some(core) = text.get(first..last) {
                out.push(core.to_string());
            }
        }
    }
    out
}

/// A base64 core shorter than this would mask unrelated base64 text by chance.
const MIN_BASE64_CORE: usize = 6;

/// What a query value escapes (Postman's encoding): a space as `%20`, `&`, `#`, `+`, `%`,
/// `"`, `<`, `>` and controls; everything else (`=`) goes as it is.
pub(crate) const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'%');

/// A query value as an API key in the query goes out ([`QUERY_VALUE`]).
pub(crate) fn query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

fn percent_encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where `secret("NAME")` looks: the process environment first, then `.env` files.
#[derive(Debug)]
pub struct Secrets {
    dotenv: HashMap<String, String>,
    /// Which `.env` file each value came from.
    dotenv_origin: HashMap<String, PathBuf>,
    /// The `.env` files that were read, for "where it looked" messages.
    pub searched: Vec<PathBuf>,
    /// `--secret-var` values.
    overrides: HashMap<String, String>,
    pub redactor: Arc<Redactor>,
}

impl Secrets {
    /// Reads `.env` in each of `dirs` (first found value wins) without touching the process
    /// environment. A malformed line is an error with its place, never a silent skip that
    /// would later read as "secret is not set".
    pub fn load(
        dirs: &[PathBuf],
        redactor: Arc<Redactor>,
    ) -> Result<Secrets, crate::diagnostic::Diagnostics> {
        let mut dotenv = HashMap::new();
        let mut dotenv_origin = HashMap::new();
        let mut searched = Vec::new();
        let mut errors = crate::diagnostic::Diagnostics::default();
        for dir in dirs {
            let path = dir.join(".env");
            if searched.contains(&path) {
                continue;
            }
            searched.push(path.clone());
            let Ok(iter) = dotenvy::from_path_iter(&path) else {
                continue;
            };
            for item in iter {
                match item {
                    Ok((k, v)) => {
                        if let std::collections::hash_map::Entry::Vacant(e) =
                            dotenv.entry(k.clone())
                        {
                            e.insert(v);
                            dotenv_origin.insert(k, path.clone());
                        }
                    }
                    Err(e) => {
                        errors.push(dotenv_error(&path, &e));
                        break;
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Secrets {
            dotenv,
            dotenv_origin,
            searched,
            overrides: HashMap::new(),
            redactor,
        })
    }

    /// No secrets at all (tests, and commands that read none).
    pub fn none(redactor: Arc<Redactor>) -> Secrets {
        Secrets {
            dotenv: HashMap::new(),
            dotenv_origin: HashMap::new(),
            searched: Vec::new(),
            overrides: HashMap::new(),
            redactor,
        }
    }

    pub fn with_override(mut self, name: &str, value: &str) -> Secrets {
        self.redactor.add(value);
        self.overrides.insert(name.to_string(), value.to_string());
        self
    }

    /// The secret's value, registered for masking.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = self
            .overrides
            .get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
            .or_else(|| self.dotenv.get(name).cloned())?;
        self.redactor.add(&value);
        Some(value)
    }

    /// Where a secret's value comes from, in words (`None`: it is not set).
    pub fn origin(&self, name: &str) -> Option<String> {
        if self.overrides.contains_key(name) {
            return Some("--secret-var".into());
        }
        if std::env::var_os(name).is_some() {
            return Some("the process environment".into());
        }
        self.dotenv_origin.get(name).map(|p| display_path(p))
    }

    pub fn where_looked(&self) -> String {
        let files: Vec<String> = self.searched.iter().map(|p| display_path(p)).collect();
        if files.is_empty() {
            "the process environment".to_string()
        } else {
            format!("the process environment and {}", files.join(", "))
        }
    }
}

/// A `.env` line dotenvy could not read: its place and what to do, never its text (it may
/// hold a secret).
fn dotenv_error(path: &Path, e: &dotenvy::Error) -> crate::diagnostic::Diagnostic {
    use crate::diagnostic::Diagnostic;
    let shown = display_path(path);
    let dotenvy::Error::LineParse(text, _) = e else {
        return Diagnostic::new(format!("cannot read `{shown}`: {e}"));
    };
    let content = std::fs::read_to_string(path).unwrap_or_default();
    let line = content
        .find(text.as_str())
        .map_or(0, |at| content[..at].matches('\n').count() + 1);
    let key = text
        .split('=')
        .next()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let what = match key {
        Some(k) => format!(" (the value of `{k}`)"),
        None => String::new(),
    };
    let unterminated = text.matches('"').count() % 2 == 1 || text.matches('\'').count() % 2 == 1;
    Diagnostic::new(format!("malformed line in `{shown}`:{line}{what}")).with_help(if unterminated {
        "a quote is opened and never closed: close it on the same line (or the line where the value ends)"
    } else {
        "each line is NAME=value; quote a value with spaces, `#` or `=` in it: NAME=\"a value\""
    })
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_encoding_of_a_secret() {
        let r = Redactor::default();
        r.add("s3cr3t/value+x");
        let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr3t/value+x");
        let text = format!("raw s3cr3t/value+x url s3cr3t%2Fvalue%2Bx b64 {b64}");
        let out = r.redact(&text);
        assert!(!out.contains("s3cr3t"), "{out}");
        assert!(!out.contains(&b64), "{out}");
    }

    #[test]
    fn a_secret_spread_over_a_lists_items_masks_the_list() {
        let r = Redactor::default();
        r.add(r#"["Z","q","9","-","s"]"#);
        let mut v = serde_json::json!({"l": ["Z", "q", "9", "-", "s"], "x": "ok", "n": [1, 2]});
        r.redact_json_in_place(&mut v);
        assert_eq!(v, serde_json::json!({"l": MASK, "x": "ok", "n": [1, 2]}));
    }

    #[test]
    fn words_standing_for_no_value_are_never_masked() {
        let r = Redactor::default();
        for word in ["null", "NULL", "true", "False", "undefined", " None "] {
            r.add(word);
        }
        r.add("real-token-1");
        let text = r#"{"json": null, "ok": true, "t": "real-token-1"}"#;
        assert_eq!(
            r.redact(text),
            r#"{"json": null, "ok": true, "t": "•••••"}"#
        );
    }

    #[test]
    fn a_plus_a_server_read_as_a_space_is_masked_too() {
        let r = Redactor::default();
        r.add("p@ss w0rd/+walk9");
        // Sent raw in a query, echoed back form-decoded.
        let echoed = r#"{"args": {"password": "p@ss w0rd/ walk9"}}"#;
        assert!(!r.redact(echoed).contains("w0rd"), "{}", r.redact(echoed));
    }

    #[test]
    fn json_written_as_ascii_is_masked() {
        let r = Redactor::default();
        r.add("pässwörd-\"q\"");
        let echoed = r#"{"body":"{\"p\":\"p\u00e4ssw\u00f6rd-\\\"q\\\"\"}"}"#;
        assert!(!r.redact(echoed).contains("ssw"), "{}", r.redact(echoed));
    }

    #[test]
    fn base64_is_masked_wherever_the_secret_starts() {
        let r = Redactor::default();
        r.add("s3cr3t-value-42");
        for prefix in ["", "a", "ab", "bob:", "user:pass-"] {
            let b64 = base64::engine::general_purpose::STANDARD
                .encode(format!("{prefix}s3cr3t-value-42 and more"));
            let out = r.redact(&format!("Basic {b64}"));
            assert!(out.contains(MASK), "{prefix:?}: {out}");
        }
    }

    #[test]
    fn clipping_after_masking_never_shows_part_of_a_secret() {
        let r = Redactor::default();
        r.add("abcdefghijklmnop");
        let text = format!("{}abcdefghijklmnop tail", "x".repeat(10));
        for max in 0..30 {
            let out = r.clip(&text, max);
            assert!(!out.contains("abc"), "{max}: {out}");
            let bullets = out.matches('•').count();
            assert!(bullets == 0 || bullets == 5, "{max}: {out}");
        }
    }

    #[test]
    fn basic_pair_is_masked() {
        let r = Redactor::default();
        r.add_basic("client", "hunter22");
        let header = base64::engine::general_purpose::STANDARD.encode("client:hunter22");
        assert_eq!(
            r.redact(&format!("Basic {header}")),
            format!("Basic {MASK}")
        );
    }
}
