//! The network edge for API requests: one reqwest client pair per collection run (one cookie
//! jar, keep-alive), rendered requests in, owned [`Response`]s out. Never evaluates anything.

use crate::exchange::Response;
use crate::net::Net;
use reqwest::cookie::Jar;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Responses larger than this are cut off with an error rather than held in memory.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// A request with every template rendered, ready to send (or to print as curl).
#[derive(Debug, Clone)]
pub struct RenderedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: RenderedBody,
}

#[derive(Debug, Clone)]
pub enum RenderedBody {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Multipart(Vec<(String, RenderedPart)>),
    Text(String),
    File { path: PathBuf, shown: String },
}

#[derive(Debug, Clone)]
pub enum RenderedPart {
    Text(String),
    File {
        path: PathBuf,
        shown: String,
        content_type: Option<String>,
    },
}

pub fn user_agent() -> String {
    format!("yarc/{}", env!("CARGO_PKG_VERSION"))
}

/// The clients of one collection run: they share a cookie jar; a client per redirect policy,
/// made when a request first asks for it (most runs need only the default one).
pub struct Http {
    jar: Arc<Jar>,
    net: Net,
    clients: std::sync::Mutex<HashMap<Option<usize>, reqwest::Client>>,
    pub max_body: usize,
}

/// How many redirects are followed unless a request says otherwise.
pub const DEFAULT_REDIRECTS: usize = 10;

impl Http {
    pub fn new(max_body: usize, net: &Net) -> Result<Http, String> {
        let http = Http {
            jar: Arc::new(Jar::default()),
            net: net.clone(),
            clients: std::sync::Mutex::new(HashMap::new()),
            max_body,
        };
        http.client(Some(DEFAULT_REDIRECTS))?;
        Ok(http)
    }

    /// The client for a redirect policy: `None` follows none, `Some(n)` at most n.
    fn client(&self, redirects: Option<usize>) -> Result<reqwest::Client, String> {
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| "HTTP client cache poisoned".to_string())?;
        if let Some(c) = clients.get(&redirects) {
            return Ok(c.clone());
        }
        let policy = match redirects {
            None => reqwest::redirect::Policy::none(),
            Some(n) => reqwest::redirect::Policy::limited(n),
        };
        let client = self
            .net
            .builder()
            .cookie_provider(Arc::clone(&self.jar))
            .redirect(policy)
            .build()
            .map_err(|e| format!("cannot create the HTTP client: {}", error_chain(&e)))?;
        clients.insert(redirects, client.clone());
        Ok(client)
    }

    pub async fn send(
        &self,
        r: &RenderedRequest,
        timeout: Duration,
        redirects: Option<usize>,
    ) -> Result<Response, String> {
        let client = self.client(redirects)?;
        let method = reqwest::Method::from_bytes(r.method.as_bytes())
            .map_err(|_| format!("invalid method `{}`", r.method))?;
        let mut b = client.request(method, &r.url).timeout(timeout);
        for (k, v) in &r.headers {
            b = b.header(k, v);
        }
        b = attach_body(b, &r.body).await?;
        let start = Instant::now();
        let mut resp = b.send().await.map_err(|e| describe(&e, timeout))?;
        if let Some(len) = resp.content_length()
            && len > self.max_body as u64
        {
            return Err(format!(
                "the response body ({len} bytes) is larger than the limit of {} bytes (--max-body)",
                self.max_body
            ));
        }
        let status = resp.status().as_u16();
        if redirects.is_some()
            && matches!(status, 301 | 302 | 303 | 307 | 308)
            && let Some(to) = resp.headers().get("location")
        {
            // The redirect was not followed: a Location yarc cannot go to.
            let to = String::from_utf8_lossy(to.as_bytes());
            return Err(format!(
                "the server redirected to `{}`, which is not an http or https URL: yarc follows redirects to http(s) only",
                crate::diagnostic::clip(&to, 200)
            ));
        }
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e, timeout))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(format!(
                    "the response body is larger than the limit of {} bytes (--max-body)",
                    self.max_body
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response::new(status, headers, body, start.elapsed()))
    }
}

async fn attach_body(
    b: reqwest::RequestBuilder,
    body: &RenderedBody,
) -> Result<reqwest::RequestBuilder, String> {
    Ok(match body {
        RenderedBody::None => b,
        RenderedBody::Json(v) => b.json(v),
        RenderedBody::Form(pairs) => b.form(pairs),
        RenderedBody::Text(t) => b.body(t.clone()),
        RenderedBody::File { path, shown } => {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| format!("cannot read body file `{shown}`: {e}"))?;
            b.body(bytes)
        }
        RenderedBody::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for (name, part) in parts {
                form = match part {
                    RenderedPart::Text(t) => form.text(name.clone(), t.clone()),
                    RenderedPart::File {
                        path,
                        shown,
                        content_type,
                    } => {
                        let bytes = tokio::fs::read(path)
                            .await
                            .map_err(|e| format!("cannot read multipart file `{shown}`: {e}"))?;
                        let file_name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let mut p = reqwest::multipart::Part::bytes(bytes).file_name(file_name);
                        let ct = content_type
                            .clone()
                            .unwrap_or_else(|| guess_type(path).to_string());
                        p = p
                            .mime_str(&ct)
                            .map_err(|_| format!("invalid content type `{ct}`"))?;
                        form.part(name.clone(), p)
                    }
                };
            }
            b.multipart(form)
        }
    })
}

fn guess_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "json" => "application/json",
        "csv" => "text/csv",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `64MiB`, `1MB`, `512KiB`, `1000`: a size in bytes.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (like 64MiB or 500KB)"))?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "kib" | "k" => 1 << 10,
        "mb" => 1_000_000,
        "mib" | "m" => 1 << 20,
        "gb" => 1_000_000_000,
        "gib" | "g" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (B, KB, KiB, MB, MiB, GB, GiB)"
            ));
        }
    };
    n.checked_mul(factor)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("`{s}` is out of range"))
}

/// A transport error in words a user can act on, with the underlying cause.
pub fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if let Some(url) = e.url().filter(|u| !matches!(u.scheme(), "http" | "https")) {
        return format!(
            "the server redirected to `{url}`, which is not an http or https URL: yarc follows redirects to http(s) only"
        );
    }
    let what = if e.is_timeout() {
        format!("timed out after {}", humantime::format_duration(timeout))
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_redirect() {
        "too many redirects".to_string()
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read".to_string()
    } else {
        "the request failed".to_string()
    };
    // reqwest's own top line repeats the URL the report already shows; its causes say more.
    let cause = match std::error::Error::source(e) {
        Some(src) if e.to_string().starts_with("error sending request") => error_chain(src),
        _ => error_chain(e),
    };
    format!("{what}: {cause}")
}

/// An error and its sources, innermost last, without repeats.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// The request as a curl command line, for `--dry-run`.
pub fn to_curl(r: &RenderedRequest) -> String {
    let mut out = format!("curl -X {} {}", r.method, quote(&r.url));
    for (k, v) in &r.headers {
        out.push_str(&format!(" \\\n  -H {}", quote(&format!("{k}: {v}"))));
    }
    match &r.body {
        RenderedBody::None => {}
        RenderedBody::Json(v) => {
            out.push_str(" \\\n  -H 'content-type: application/json'");
            out.push_str(&format!(" \\\n  --data-raw {}", quote(&v.to_string())));
        }
        RenderedBody::Form(pairs) => {
            for (k, v) in pairs {
                out.push_str(&format!(
                    " \\\n  --data-urlencode {}",
                    quote(&format!("{k}={v}"))
                ));
            }
        }
        RenderedBody::Text(t) => out.push_str(&format!(" \\\n  --data-raw {}", quote(t))),
        RenderedBody::File { path, .. } => out.push_str(&format!(
            " \\\n  --data-binary {}",
            quote(&format!("@{}", path.display()))
        )),
        RenderedBody::Multipart(parts) => {
            for (name, p) in parts {
                let arg = match p {
                    RenderedPart::Text(t) => format!("{name}={t}"),
                    // The path as seen from where the command runs, and the type yarc sends.
                    RenderedPart::File {
                        path, content_type, ..
                    } => format!(
                        "{name}=@{};type={}",
                        path.display(),
                        content_type
                            .clone()
                            .unwrap_or_else(|| guess_type(path).to_string())
                    ),
                };
                out.push_str(&format!(" \\\n  -F {}", quote(&arg)));
            }
        }
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
