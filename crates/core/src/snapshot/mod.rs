//! Response snapshots: a response reduced to what should stay stable — status, the kept
//! headers, the body (JSON normalised: keys sorted, pretty; ignored paths replaced by a
//! placeholder; secrets masked) — written as a reviewable YAML file, and compared on every run
//! with a unified diff. Everything here is pure; files are `store`'s business.

pub mod store;

use crate::eval::jsonpath::{self, JsonPaths};
use crate::exchange::Response;
use crate::exchange::document::Node;
use crate::model::SnapshotSpec;
use crate::secret::Redactor;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

/// What replaces an ignored value.
pub const IGNORED: &str = "<ignored>";

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub method: String,
    /// The URL as written (a template): never the rendered URL, which may hold secrets.
    pub url: String,
    /// The rendered path, captured values shown as `{name}`: what `yarc mock` matches on.
    pub path: String,
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    /// Normalised JSON text: keys sorted (serde_json's maps are ordered), pretty-printed. Two
    /// bodies are the same JSON exactly when these texts are equal, so comparing needs no parse.
    Json(String),
    Text(String),
    Binary {
        len: usize,
        sha256: String,
    },
}

/// Where the request went, for the snapshot's `request:` part.
pub struct RequestInfo<'a> {
    pub method: &'a str,
    pub url_template: &'a str,
    pub path: String,
}

/// [`take_with`] before anything is captured.
#[cfg(test)]
fn take(
    resp: &Response,
    spec: &SnapshotSpec,
    req: RequestInfo,
    paths: &JsonPaths,
    redactor: &Redactor,
) -> Snapshot {
    let none = crate::template::Vars::new();
    take_with(resp, spec, req, paths, redactor, &none)
}

/// Reduces a response to its snapshot, with the values captured so far: a JSON string equal to a captured id is
/// stored as `{name}`, as in the recorded path, so that snapshots stay the same from run to run
/// and `yarc mock` can answer with the id the client holds.
pub fn take_with(
    resp: &Response,
    spec: &SnapshotSpec,
    req: RequestInfo,
    paths: &JsonPaths,
    redactor: &Redactor,
    captured: &crate::template::Vars,
) -> Snapshot {
    let ids = ids(captured);
    let mut snap = head(resp, spec, &req, redactor);
    snap.body = if resp.body.is_empty() {
        Body::Empty
    } else if let Some(json) = resp.json() {
        let ignored = ignored(spec, paths, json);
        let normalized = Normalized {
            node: json,
            ignored: &ignored,
            redactor,
            ids: &ids,
        };
        let mut text = serde_json::to_string_pretty(&normalized).unwrap_or_default();
        // Grown by doubling, up to twice its length: the snapshot is held while it is compared.
        text.shrink_to_fit();
        Body::Json(text)
    } else if let Ok(text) = std::str::from_utf8(&resp.body) {
        Body::Text(redactor.redact(text))
    } else {
        let hex: String = Sha256::digest(&resp.body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Body::Binary {
            len: resp.body.len(),
            sha256: hex,
        }
    };
    snap
}

/// The snapshot file's text of a response: `to_yaml(&take_with(..))`, but a JSON body is
/// written into the file's text straight from the parsed tree, with no JSON text of its own
/// beside it — for a large body that text was as large as the file.
pub fn take_yaml(
    resp: &Response,
    spec: &SnapshotSpec,
    req: RequestInfo,
    paths: &JsonPaths,
    redactor: &Redactor,
    captured: &crate::template::Vars,
) -> String {
    let mut out = BlockLines::new(Vec::with_capacity(1024));
    match write_json_yaml(resp, spec, &req, paths, redactor, captured, &mut out) {
        Ok(true) if !out.unprintable => {
            let mut text = String::from_utf8(out.inner).unwrap_or_default();
            text.shrink_to_fit();
            text
        }
        _ => to_yaml(&take_with(resp, spec, req, paths, redactor, captured)),
    }
}

/// Whether the stored snapshot file at `file` holds exactly the text [`take_yaml`] would
/// write, compared as it is written, without the text ever being held: an unchanged snapshot
/// of a large body costs no copy of it. `None` when there is no file, or when the body is not
/// one this can write (then [`take_yaml`] and a comparison of the texts decide).
pub fn matches_stored(
    resp: &Response,
    spec: &SnapshotSpec,
    req: &RequestInfo,
    paths: &JsonPaths,
    redactor: &Redactor,
    captured: &crate::template::Vars,
    file: &std::path::Path,
) -> Option<bool> {
    let stored = std::fs::File::open(file).ok()?;
    let mut out = BlockLines::new(Compare {
        stored: std::io::BufReader::with_capacity(64 * 1024, stored),
        same: true,
    });
    let written = write_json_yaml(resp, spec, req, paths, redactor, captured, &mut out).ok()?;
    if !written || out.unprintable {
        return None;
    }
    let at_end = matches!(std::io::BufRead::fill_buf(&mut out.inner.stored), Ok(b) if b.is_empty());
    Some(out.inner.same && at_end)
}

/// Writes a JSON body's snapshot file into `out`, straight from the parsed tree; `false`
/// (nothing written) when the body is empty or not JSON.
fn write_json_yaml<W: std::io::Write>(
    resp: &Response,
    spec: &SnapshotSpec,
    req: &RequestInfo,
    paths: &JsonPaths,
    redactor: &Redactor,
    captured: &crate::template::Vars,
    out: &mut BlockLines<W>,
) -> std::io::Result<bool> {
    let json = if resp.body.is_empty() {
        None
    } else {
        resp.json()
    };
    let Some(json) = json else {
        return Ok(false);
    };
    let ids = ids(captured);
    let ignored = ignored(spec, paths, json);
    let normalized = Normalized {
        node: json,
        ignored: &ignored,
        redactor,
        ids: &ids,
    };
    let mut head_text = String::with_capacity(1024);
    push_head(&mut head_text, &head(resp, spec, req, redactor));
    head_text.push_str("body_kind: json\nbody: |2-\n  ");
    out.inner.write_all(head_text.as_bytes())?;
    serde_json::to_writer_pretty(&mut *out, &normalized)?;
    out.inner.write_all(b"\n")?;
    Ok(true)
}

/// A writer that compares what is written with a stored file instead of keeping it.
struct Compare<R> {
    stored: R,
    same: bool,
}

impl<R: std::io::BufRead> std::io::Write for Compare<R> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Compared against the reader's own buffer: serde_json writes a token at a time.
        let mut rest = buf;
        while self.same && !rest.is_empty() {
            let have = match self.stored.fill_buf() {
                Ok(have) if !have.is_empty() => have,
                _ => {
                    self.same = false;
                    break;
                }
            };
            let n = have.len().min(rest.len());
            self.same = have[..n] == rest[..n];
            self.stored.consume(n);
            rest = &rest[n..];
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Pretty JSON written as the lines of a YAML literal block: two spaces after every line break
/// (pretty JSON has no empty lines, so none is left with trailing spaces). Notes a character a
/// literal block cannot hold (DEL, C1, U+FFFE/FFFF: the text is then quoted instead).
struct BlockLines<W> {
    inner: W,
    unprintable: bool,
}

impl<W> BlockLines<W> {
    fn new(inner: W) -> Self {
        BlockLines {
            inner,
            unprintable: false,
        }
    }
}

impl<W: std::io::Write> std::io::Write for BlockLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // serde_json writes whole characters; a piece that is not UTF-8 on its own is taken
        // for unprintable, which only sends the body the slower way.
        self.unprintable |= std::str::from_utf8(buf).map_or(true, |t| {
            t.chars()
                .any(|c| (c.is_control() && c != '\n') || not_printable(c))
        });
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|b| *b == b'\n') {
            self.inner.write_all(&rest[..=i])?;
            self.inner.write_all(b"  ")?;
            rest = &rest[i + 1..];
        }
        self.inner.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The captured values that may stand for an id in a snapshot.
fn ids(captured: &crate::template::Vars) -> Vec<(&str, &str)> {
    captured
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.as_str(), s)))
        .filter(|(_, v)| v.chars().count() >= MIN_ID_LEN)
        .collect()
}

/// The nodes the snapshot's `ignore` paths select.
fn ignored(spec: &SnapshotSpec, paths: &JsonPaths, json: &Node) -> HashSet<*const Node> {
    spec.ignore
        .iter()
        .filter_map(|p| paths.get(p))
        .flat_map(|c| jsonpath::select(c, json).unwrap_or_default())
        .map(|n| n as *const Node)
        .collect()
}

/// Everything of a snapshot but its body (left empty).
fn head(resp: &Response, spec: &SnapshotSpec, req: &RequestInfo, redactor: &Redactor) -> Snapshot {
    let headers = spec
        .headers
        .iter()
        .filter_map(|name| {
            resp.header(name)
                .map(|v| (name.to_ascii_lowercase(), redactor.redact(v)))
        })
        .collect();
    Snapshot {
        method: req.method.to_string(),
        url: req.url_template.to_string(),
        path: redactor.redact(&req.path),
        status: resp.status,
        headers,
        body: Body::Empty,
    }
}

/// Captured values shorter than this (`1`, `true`, `ok`) are too common to stand for an id.
const MIN_ID_LEN: usize = 8;

/// A body as its snapshot stores it, written straight from the parsed tree: ignored nodes as
/// the placeholder, secrets masked, captured ids as `{name}`; keys sorted, as the tree keeps
/// them. Nothing is copied, whatever the body's size.
struct Normalized<'a> {
    node: &'a Node,
    ignored: &'a HashSet<*const Node>,
    redactor: &'a Redactor,
    ids: &'a [(&'a str, &'a str)],
}

impl Normalized<'_> {
    fn at<'b>(&'b self, node: &'b Node) -> Normalized<'b> {
        Normalized {
            node,
            ignored: self.ignored,
            redactor: self.redactor,
            ids: self.ids,
        }
    }
}

impl Serialize for Normalized<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.ignored.contains(&(self.node as *const Node)) {
            return s.serialize_str(IGNORED);
        }
        match self.node {
            Node::String(text) => {
                let text: std::borrow::Cow<str> =
                    if self.redactor.is_active() && self.redactor.finds(text) {
                        self.redactor.redact(text).into()
                    } else {
                        text.as_str().into()
                    };
                match self.ids.iter().find(|(_, v)| *v == &*text) {
                    Some((name, _)) => s.serialize_str(&format!("{{{name}}}")),
                    None => s.serialize_str(&text),
                }
            }
            // A secret that is a number (a PIN) is masked as the text it is.
            Node::Number(n) if self.redactor.is_active() && self.redactor.finds(&n.to_string()) => {
                s.serialize_str(&self.redactor.redact(&n.to_string()))
            }
            Node::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&self.at(item))?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_str(), &self.at(v))?;
                }
                map.end()
            }
            scalar => scalar.serialize(s),
        }
    }
}

/// Same response, as far as snapshots go: JSON bodies are normalised, so a change of key order
/// or formatting is no difference.
pub fn same(a: &Snapshot, b: &Snapshot) -> bool {
    a.status == b.status && a.headers == b.headers && a.body == b.body
}

/// Whether `old` holds the same response as `text`, a snapshot file's text as yarc writes it:
/// [`same`] without parsing `text` (which may be a large body's).
pub fn same_as_text(old: &Snapshot, text: &str) -> bool {
    // The comment and the four request lines: what `same` leaves out.
    let old = to_yaml(old);
    let old = old.splitn(6, '\n').nth(5);
    old.is_some() && old == text.splitn(6, '\n').nth(5)
}

/// The snapshot file's text.
pub fn to_yaml(s: &Snapshot) -> String {
    // Sized once: grown by doubling, a large body's text would be held one and a half times.
    let body = match &s.body {
        Body::Json(t) | Body::Text(t) => {
            t.len() + 4 * (t.bytes().filter(|b| *b == b'\n').count() + 1)
        }
        _ => 0,
    };
    let mut out = String::with_capacity(1024 + body);
    push_head(&mut out, s);
    match &s.body {
        Body::Empty => out.push_str("body_kind: empty\n"),
        Body::Json(text) => {
            out.push_str("body_kind: json\nbody: ");
            push_block(&mut out, text);
        }
        Body::Text(t) => {
            out.push_str("body_kind: text\nbody: ");
            push_block(&mut out, t);
        }
        Body::Binary { len, sha256 } => {
            out.push_str("body_kind: binary\n");
            out.push_str(&format!("body_size: {len}\nbody_sha256: {sha256}\n"));
        }
    }
    out
}

/// The file's lines before the body: the request, the status and the kept headers.
fn push_head(out: &mut String, s: &Snapshot) {
    out.push_str(
        "# yarc snapshot: review changes like code; `yarc snapshots accept` takes a pending one\n",
    );
    out.push_str("request:\n");
    out.push_str(&format!("  method: {}\n", s.method));
    out.push_str(&format!("  url: {}\n", quoted(&s.url)));
    out.push_str(&format!("  path: {}\n", quoted(&s.path)));
    out.push_str(&format!("status: {}\n", s.status));
    if s.headers.is_empty() {
        out.push_str("headers: {}\n");
    } else {
        out.push_str("headers:\n");
        for (k, v) in &s.headers {
            out.push_str(&format!("  {}: {}\n", quoted(k), quoted(v)));
        }
    }
}

/// A JSON string is a YAML double-quoted scalar once the characters YAML does not print
/// (DEL, the C1 controls, U+FFFE/U+FFFF), which JSON leaves as they are, are escaped too.
fn quoted(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_default();
    if !json.chars().any(not_printable) {
        return json;
    }
    json.chars()
        .map(|c| match not_printable(c) {
            true => format!("\\u{:04x}", u32::from(c)),
            false => c.to_string(),
        })
        .collect()
}

/// Outside YAML's printable set (and not escaped by JSON, which takes care of C0).
fn not_printable(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// A literal block for readable diffs, appended to `out` (no copy of a large body); text a block
/// cannot hold exactly is quoted instead.
fn push_block(out: &mut String, text: &str) {
    let awkward = text.is_empty()
        || text.ends_with("\n\n")
        || text
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || not_printable(c))
        || text.lines().any(|l| l.starts_with('\t'));
    if awkward {
        out.push_str(&quoted(text));
        out.push('\n');
        return;
    }
    let (header, body) = match text.strip_suffix('\n') {
        Some(b) => ("|2", b),
        None => ("|2-", text),
    };
    out.reserve(body.len() + body.len() / 8);
    out.push_str(header);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    request: FileRequest,
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body_kind: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_size: Option<usize>,
    #[serde(default)]
    body_sha256: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRequest {
    method: String,
    url: String,
    #[serde(default)]
    path: String,
}

/// Why a snapshot file could not be read back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapshotError {
    /// Not a snapshot file: its YAML parser's first line.
    #[error("{0}")]
    Yaml(String),
    #[error("the JSON body does not parse: {0}")]
    Json(String),
    #[error("unknown body_kind `{0}`")]
    BodyKind(String),
}

/// Reads a snapshot file back.
pub fn from_yaml(text: &str) -> Result<Snapshot, SnapshotError> {
    let f: File = serde_saphyr::from_str(text).map_err(|e| {
        SnapshotError::Yaml(
            e.to_string()
                .lines()
                .next()
                .unwrap_or("invalid YAML")
                .to_string(),
        )
    })?;
    let body = match f.body_kind.as_str() {
        "empty" => Body::Empty,
        "json" => {
            // Normalised again, so that a hand-edited file compares by content.
            let text = f.body.unwrap_or_default();
            let v: Value =
                serde_json::from_str(&text).map_err(|e| SnapshotError::Json(e.to_string()))?;
            Body::Json(serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        "text" => Body::Text(f.body.unwrap_or_default()),
        "binary" => Body::Binary {
            len: f.body_size.unwrap_or(0),
            sha256: f.body_sha256.unwrap_or_default(),
        },
        other => return Err(SnapshotError::BodyKind(other.to_string())),
    };
    Ok(Snapshot {
        method: f.request.method,
        url: f.request.url,
        path: f.request.path,
        status: f.status,
        headers: f.headers,
        body,
    })
}

/// A unified diff (3 lines of context), `-` the old, `+` the new.
pub fn diff(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    let with_nl = |s: &str| {
        if s.ends_with('\n') {
            s.to_string()
        } else {
            format!("{s}\n")
        }
    };
    let (old, new) = (with_nl(old), with_nl(new));
    // Past a second the diff stops looking for the smallest one: two large bodies that
    // differ everywhere otherwise take minutes.
    similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string()
}

/// A file-name-safe form of a request name: `admin / health check` → `admin-health-check`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "request".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Selector;
    use crate::source::{SourceFile, Span};
    use serde_json::json;
    use std::time::Duration;

    fn spec(ignore: &[&str], paths: &mut JsonPaths) -> SnapshotSpec {
        let span = Span::file_start(&SourceFile::new("t", ""));
        let ignore: Vec<Selector> = ignore
            .iter()
            .map(|p| Selector {
                source: p.to_string(),
                span: span.clone(),
            })
            .collect();
        for p in &ignore {
            paths.add(p).expect("path");
        }
        SnapshotSpec {
            enabled: true,
            ignore,
            headers: vec!["Content-Type".into()],
            span,
        }
    }

    fn snap(body: &str, ignore: &[&str]) -> Snapshot {
        let mut paths = JsonPaths::default();
        let spec = spec(ignore, &mut paths);
        let resp = Response::new(
            200,
            vec![
                ("content-type".into(), "application/json".into()),
                ("date".into(), "today".into()),
            ],
            body.as_bytes().to_vec(),
            Duration::ZERO,
        );
        let req = RequestInfo {
            method: "GET",
            url_template: "{{ base }}/jobs",
            path: "/jobs".into(),
        };
        take(&resp, &spec, req, &paths, &Redactor::default())
    }

    #[test]
    fn ignored_paths_become_placeholders_and_only_kept_headers_stay() {
        let s = snap(
            r#"{"items":[{"id":1,"at":"x"},{"id":2,"at":"y"}]}"#,
            &["$.items[*].at"],
        );
        let Body::Json(text) = &s.body else {
            panic!("not JSON")
        };
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap(),
            json!({"items":[{"id":1,"at":IGNORED},{"id":2,"at":IGNORED}]})
        );
        assert_eq!(s.headers.keys().collect::<Vec<_>>(), ["content-type"]);
    }

    #[test]
    fn yaml_round_trips_and_key_order_is_no_difference() {
        let a = snap(r#"{"b":1,"a":{"y":[1,2],"x":"t\"q"}}"#, &[]);
        let back = from_yaml(&to_yaml(&a)).expect("parses");
        assert_eq!(back, a);
        let b = snap(r#"{"a":{"x":"t\"q","y":[1,2]},"b":1}"#, &[]);
        assert!(same(&a, &b));
    }

    #[test]
    fn text_bodies_of_every_shape_round_trip() {
        for text in [
            "plain",
            "two\nlines\n",
            "  leading space\nx",
            "tab\tinside",
            "trailing\n\n",
            "cr\r\nlf",
            "del\u{7f} c1\u{85}\u{9f} nc\u{fffe}",
        ] {
            let mut paths = JsonPaths::default();
            let resp = Response::new(200, vec![], text.as_bytes().to_vec(), Duration::ZERO);
            let req = RequestInfo {
                method: "GET",
                url_template: "u",
                path: "/".into(),
            };
            let s = take(
                &resp,
                &spec(&[], &mut paths),
                req,
                &paths,
                &Redactor::default(),
            );
            assert_eq!(
                from_yaml(&to_yaml(&s)).expect("parses").body,
                Body::Text(text.into()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_diff_names_the_changed_field() {
        let a = to_yaml(&snap(r#"{"name":"x","size":3}"#, &[]));
        let b = to_yaml(&snap(r#"{"name":"y","size":3}"#, &[]));
        let d = diff(&a, &b, "old", "new");
        assert!(
            d.contains("-    \"name\": \"x\",\n+    \"name\": \"y\","),
            "{d}"
        );
        assert!(d.starts_with("--- old\n+++ new\n"));
    }

    #[test]
    fn the_file_written_from_the_tree_is_the_file_of_the_snapshot() {
        let mut captured = crate::template::Vars::new();
        captured.insert("job".into(), json!("job-12345678"));
        for body in [
            r#"{"b":1,"a":{"y":[1,2],"x":"t\"q"},"id":"job-12345678","at":"now"}"#,
            r#"[{"deep":{"x":[]}},{},[],"two\nlines","tab\tin","del\u007f","c1\u0085","nc\ufffe"]"#,
            r#""just a string""#,
            "17",
        ] {
            let mut paths = JsonPaths::default();
            let spec = spec(&["$.at"], &mut paths);
            let resp = Response::new(200, vec![], body.as_bytes().to_vec(), Duration::ZERO);
            let req = || RequestInfo {
                method: "GET",
                url_template: "{{ base }}/jobs",
                path: "/jobs".into(),
            };
            let red = Redactor::default();
            let direct = take_yaml(&resp, &spec, req(), &paths, &red, &captured);
            let snap = take_with(&resp, &spec, req(), &paths, &red, &captured);
            assert_eq!(direct, to_yaml(&snap), "{body}");
            assert_eq!(from_yaml(&direct).expect("reads back"), snap, "{body}");
        }
    }

    #[test]
    fn a_stored_file_is_compared_as_the_snapshot_is_written() {
        let dir = std::env::temp_dir().join(format!("yarc-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("s.yaml");
        let mut paths = JsonPaths::default();
        let spec = spec(&[], &mut paths);
        let none = crate::template::Vars::new();
        let req = || RequestInfo {
            method: "GET",
            url_template: "u",
            path: "/".into(),
        };
        let matches = |body: &str| {
            let resp = Response::new(200, vec![], body.as_bytes().to_vec(), Duration::ZERO);
            let red = Redactor::default();
            matches_stored(&resp, &spec, &req(), &paths, &red, &none, &file)
        };
        let body = r#"{"items":[{"id":1},{"id":2}],"name":"x"}"#;
        assert_eq!(matches(body), None, "no file yet");
        let resp = Response::new(200, vec![], body.as_bytes().to_vec(), Duration::ZERO);
        let text = take_yaml(&resp, &spec, req(), &paths, &Redactor::default(), &none);
        std::fs::write(&file, &text).expect("write");
        assert_eq!(matches(body), Some(true));
        assert_eq!(
            matches(r#"{"name":"x","items":[{"id":1},{"id":2}]}"#),
            Some(true)
        );
        assert_eq!(
            matches(r#"{"items":[{"id":1},{"id":3}],"name":"x"}"#),
            Some(false)
        );
        assert_eq!(
            matches(r#"{"items":[{"id":1},{"id":2}],"name":"xy"}"#),
            Some(false)
        );
        std::fs::write(&file, format!("{text}more")).expect("write");
        assert_eq!(matches(body), Some(false), "the file goes on");
        std::fs::write(&file, &text[..text.len() - 2]).expect("write");
        assert_eq!(matches(body), Some(false), "the file ends early");
        assert_eq!(
            matches(r#"["del\u007f"]"#),
            None,
            "a body only quoting can hold"
        );
        assert_eq!(matches("plain text"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_stored_file_is_the_same_response_whatever_its_key_order_or_request() {
        let text = to_yaml(&snap(r#"{"b":1,"a":{"x":2}}"#, &[]));
        let mut old = snap(r#"{"a":{"x":2},"b":1}"#, &[]);
        old.url = "elsewhere".into();
        assert!(same_as_text(&old, &text));
        old.status = 201;
        assert!(!same_as_text(&old, &text));
        assert!(!same_as_text(&snap(r#"{"b":2,"a":{"x":2}}"#, &[]), &text));
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("admin / Health check!"), "admin-health-check");
        assert_eq!(slug("???"), "request");
    }
}

#[cfg(test)]
mod binary_tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn binary_bodies_are_kept_as_size_and_sha256() {
        let spec = SnapshotSpec {
            enabled: true,
            ignore: Vec::new(),
            headers: Vec::new(),
            span: crate::source::Span::file_start(&crate::source::SourceFile::new("t", "")),
        };
        let resp = Response::new(200, vec![], vec![0xff, 0x00, 0xfe], Duration::ZERO);
        let req = RequestInfo {
            method: "GET",
            url_template: "u",
            path: "/".into(),
        };
        let s = take(
            &resp,
            &spec,
            req,
            &JsonPaths::default(),
            &Redactor::default(),
        );
        let Body::Binary { len, sha256 } = &s.body else {
            panic!("not binary: {:?}", s.body)
        };
        assert_eq!(*len, 3);
        assert_eq!(sha256.len(), 64);
        assert_eq!(from_yaml(&to_yaml(&s)).expect("reads back"), s);
    }
}
