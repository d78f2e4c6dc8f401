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

/// The set of values to hide, in every form they may take in output.
#[derive(Debug, Default)]
pub struct Redactor {
    needles: RwLock<Vec<String>>,
}

impl Redactor {
    pub fn new() -> Arc<Redactor> {
        Arc::new(Redactor::default())
    }

    /// Registers a secret value (and its URL-encoded, JSON-escaped and base64 forms).
    pub fn add(&self, value: &str) {
        if value.chars().count() < MIN_SECRET_LEN {
            return;
        }
        let mut forms = vec![value.to_string()];
        let url = url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>();
        forms.push(url);
        let pct = percent_encode(value);
        forms.push(pct);
        if let Ok(json) = serde_json::to_string(value) {
            forms.push(json.trim_matches('"').to_string());
        }
        forms.push(base64::engine::general_purpose::STANDARD.encode(value));
        let Ok(mut needles) = self.needles.write() else {
            return;
        };
        for f in forms {
            if f.chars().count() >= MIN_SECRET_LEN && !needles.contains(&f) {
                needles.push(f);
            }
        }
        // Longest first, so that a secret inside a longer registered form is replaced whole.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Registers the credentials of a Basic header: the pair's base64 form hides both.
    pub fn add_basic(&self, user: &str, password: &str) {
        let pair = format!("{user}:{password}");
        self.add(&pair);
        self.add(password);
    }

    pub fn redact(&self, text: &str) -> String {
        let Ok(needles) = self.needles.read() else {
            return text.to_string();
        };
        let mut out = text.to_string();
        for n in needles.iter() {
            if out.contains(n.as_str()) {
                out = out.replace(n.as_str(), MASK);
            }
        }
        out
    }

    /// Whether any value is registered (nothing to mask otherwise).
    pub fn is_active(&self) -> bool {
        self.needles.read().map(|n| !n.is_empty()).unwrap_or(true)
    }

    /// Masks the strings of a JSON value where it lies (large snapshots are not copied again).
    pub fn redact_json_in_place(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        let empty = self.needles.read().map(|n| n.is_empty()).unwrap_or(false);
        if empty {
            return;
        }
        match value {
            Value::String(s) => {
                let r = self.redact(s);
                if r != *s {
                    *s = r;
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.redact_json_in_place(v)),
            Value::Object(o) => o.values_mut().for_each(|v| self.redact_json_in_place(v)),
            _ => {}
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
        use serde_json::Value;
        match value {
            Value::String(s) => Value::String(self.redact(s)),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.redact_json(v)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), self.redact_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn percent_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
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
