//! The network edge for API requests: one reqwest client pair per collection run (one cookie
//! jar, keep-alive), rendered requests in, owned [`Response`]s out. Never evaluates anything.

pub mod connect_timing;
pub mod cookie_jar;
pub mod net;

use crate::exchange::{Response, Wire};
use crate::http::cookie_jar::CookieJar;
use crate::http::net::Net;
use crate::outcome::RunError;
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
    /// Names of headers that carry a credential (an API key, a value holding a secret): they
    /// never follow a redirect to another origin.
    pub sensitive_headers: Vec<String>,
    /// The body holds a secret: a redirect to another origin that would send it again
    /// (307, 308) is refused.
    pub secret_body: bool,
    /// The request's own `cookies:`, sent with the jar's (a same-named jar cookie gives way).
    pub cookies: Vec<(String, String)>,
    /// Whether the jar's cookies go with it and the ones its response sets are kept
    /// (`cookie_jar: false` on the request: neither).
    pub jar: bool,
}

#[derive(Debug, Clone)]
pub enum RenderedBody {
    None,
    /// JSON text, keys in the order the collection wrote them.
    Json(String),
    Form(Vec<(String, String)>),
    Multipart(Vec<(String, RenderedPart)>),
    Text(String),
    File {
        path: PathBuf,
        shown: String,
    },
}

#[derive(Debug, Clone)]
pub enum RenderedPart {
    Text(String),
    File {
        path: PathBuf,
        shown: String,
        filename: String,
        content_type: Option<String>,
    },
    /// A part the collection holds the content of (a file's, or a text of a given type).
    Inline {
        content: String,
        filename: Option<String>,
        content_type: Option<String>,
    },
}

pub fn user_agent() -> String {
    format!("yarc/{}", env!("CARGO_PKG_VERSION"))
}

/// The client of one collection run: its own cookie jar over the run's shared connections
/// (a suite of many files pays one TLS handshake per host, not one per file). Redirects are
/// followed here, not by reqwest, so that credentials never cross to another origin; cookies
/// are kept here too, so that no collection run sees another's.
pub struct Http {
    client: reqwest::Client,
    /// The collection run's cookie jar (`None`: `cookie_jar: false`).
    jar: Option<Arc<CookieJar>>,
    pub max_body: usize,
    connect_to: Arc<Vec<crate::http::net::ConnectTo>>,
}

/// How many redirects are followed unless a request says otherwise.
pub const DEFAULT_REDIRECTS: usize = 10;

/// Headers that carry credentials whatever their value: dropped when a redirect leaves the
/// origin (scheme, host, port).
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

impl Http {
    /// The connections a run shares: one pool, no cookie store of its own, no redirects.
    pub fn client(net: &Net) -> Result<reqwest::Client, RunError> {
        let builder = net.builder().redirect(reqwest::redirect::Policy::none());
        builder.build().map_err(|e| {
            RunError::Setup(format!(
                "cannot create the HTTP client: {}",
                error_chain(&e)
            ))
        })
    }

    /// A collection run's client over the run's shared connections, with its own cookie jar.
    pub fn sharing(client: &reqwest::Client, max_body: usize, net: &Net, cookie_jar: bool) -> Http {
        Http {
            client: client.clone(),
            jar: cookie_jar.then(|| Arc::new(CookieJar::default())),
            max_body,
            connect_to: Arc::clone(&net.connect_to),
        }
    }

    /// Keeps the cookies a response sets, for the URL the collection asked (not the address a
    /// `--connect-to` sent it to).
    fn keep_cookies(&self, r: &RenderedRequest, headers: &reqwest::header::HeaderMap) {
        use reqwest::cookie::CookieStore;
        let (Some(jar), Ok(url), true) = (&self.jar, url::Url::parse(&r.url), r.jar) else {
            return;
        };
        let mut set = headers.get_all(reqwest::header::SET_COOKIE).iter();
        jar.set_cookies(&mut set, &url);
    }

    /// The one `Cookie` header a request goes out with (RFC 6265 §5.4 allows no second): a
    /// `Cookie` header written among its headers first, then its `cookies:` over the jar's, or
    /// the jar's for its URL — a cookie the written header names keeps its value there, as
    /// Postman merges them.
    fn cookie_for(&self, r: &RenderedRequest) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let given = self.cookie_header(r).or_else(|| {
            let url = url::Url::parse(&r.url).ok()?;
            let held = self.jar.as_ref().filter(|_| r.jar)?.cookies(&url)?;
            Some(String::from_utf8_lossy(held.as_bytes()).into_owned())
        });
        let mut headers = (r.headers.iter()).filter(|(k, _)| k.eq_ignore_ascii_case("cookie"));
        let any_written = headers.clone().next().is_some();
        let written: Vec<&str> = headers
            .by_ref()
            .flat_map(|(_, v)| v.split(';').map(str::trim))
            .filter(|pair| !pair.is_empty())
            .collect();
        if written.is_empty() {
            // A `Cookie:` written empty goes out empty, as any other header written so.
            return given.or_else(|| any_written.then(String::new));
        }
        let name = |pair: &str| pair.split('=').next().unwrap_or("").trim().to_string();
        let named: Vec<String> = written.iter().map(|p| name(p)).collect();
        let mut pairs: Vec<String> = written.iter().map(|p| p.to_string()).collect();
        for pair in given.iter().flat_map(|g| g.split("; ")) {
            if !named.contains(&name(pair)) {
                pairs.push(pair.to_string());
            }
        }
        Some(pairs.join("; "))
    }

    /// The `Cookie` header for a request with cookies of its own: the jar's for its URL, then
    /// the request's (a jar cookie of the same name gives way).
    fn cookie_header(&self, r: &RenderedRequest) -> Option<String> {
        use reqwest::cookie::CookieStore;
        if r.cookies.is_empty() {
            return None;
        }
        let mut pairs: Vec<String> = Vec::new();
        if let (Some(jar), Ok(url), true) = (&self.jar, url::Url::parse(&r.url), r.jar)
            && let Some(held) = jar.cookies(&url)
        {
            let held = String::from_utf8_lossy(held.as_bytes()).into_owned();
            for pair in held.split("; ") {
                let name = pair.split('=').next().unwrap_or("");
                if !r.cookies.iter().any(|(k, _)| k == name) {
                    pairs.push(pair.to_string());
                }
            }
        }
        pairs.extend(r.cookies.iter().map(|(k, v)| format!("{k}={v}")));
        Some(pairs.join("; "))
    }

    /// Sends, following up to `redirects` hops (`None`: none). On a hop to another origin every
    /// header that carries credentials — `Authorization`, cookies, the request's
    /// `sensitive_headers` (API keys, any value holding a secret) — is left behind.
    pub async fn send(
        &self,
        r: &RenderedRequest,
        timeout: Duration,
        redirects: Option<usize>,
    ) -> Result<Response, RunError> {
        let deadline = Instant::now() + timeout;
        // The request is copied only when a redirect changes it.
        let mut next_hop: Option<RenderedRequest> = None;
        let mut hops = 0;
        let mut followed: Vec<(u16, String)> = Vec::new();
        // What the first hop sent is what the request said: shown, whatever later hops sent.
        let mut first_sent: Option<Vec<(String, String)>> = None;
        let mut left_behind: Vec<String> = Vec::new();
        loop {
            let hop = next_hop.as_ref().unwrap_or(r);
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(RunError::Deadline(timeout));
            }
            let mut resp = self.send_once(hop, left, timeout).await?;
            let Some(max) = redirects else {
                return Ok(resp);
            };
            let Some(next) = redirect_target(hop, &resp)? else {
                resp.wire.hops = followed;
                if let Some(sent) = first_sent {
                    resp.wire.sent = sent;
                }
                resp.wire.left_behind = left_behind;
                return Ok(resp);
            };
            first_sent.get_or_insert_with(|| resp.wire.sent.clone());
            followed.push((resp.status, next.to_string()));
            if hops >= max {
                return Err(RunError::TooManyRedirects(max));
            }
            hops += 1;
            let crossing = url::Url::parse(&hop.url).is_ok_and(|u| u.origin() != next.origin());
            let after = follow(hop.clone(), resp.status, next)?;
            if crossing {
                note_left_behind(hop, &after, &mut left_behind);
            }
            next_hop = Some(after);
        }
    }

    /// One exchange. A kept-alive connection the server closed without saying so fails before
    /// any byte of an answer: the request is sent once more on a new connection, as curl does —
    /// any request when the failed connection was one kept from before (the server closed it
    /// idle, so it never read the request), only an idempotent one when the connection was new.
    /// A request an HTTP/2 server refused unprocessed (see [`refused_unprocessed`]) is sent
    /// again whatever its method, up to [`REFUSED_RETRIES`] times.
    async fn send_once(
        &self,
        r: &RenderedRequest,
        left: Duration,
        timeout: Duration,
    ) -> Result<Response, RunError> {
        let method = reqwest::Method::from_bytes(r.method.as_bytes())
            .map_err(|_| RunError::Method(r.method.clone()))?;
        let start = Instant::now();
        let sent = self.sent_headers(r);
        let (mut sent_now, mut connect) =
            crate::http::connect_timing::measured(self.build(r, &method, left).await?.send()).await;
        let (mut refused, mut closed) = (0, false);
        let resp = loop {
            let again = match &sent_now {
                Ok(_) => false,
                Err(e) if refused < REFUSED_RETRIES && refused_unprocessed(e) => {
                    refused += 1;
                    true
                }
                Err(e) => {
                    let first = !closed;
                    closed = true;
                    first
                        && (method.is_idempotent() || connect.is_none())
                        && closed_before_answer(e)
                }
            };
            if !again {
                break sent_now.map_err(|e| describe(&e, timeout))?;
            }
            let left = left.saturating_sub(start.elapsed());
            (sent_now, connect) =
                crate::http::connect_timing::measured(self.build(r, &method, left).await?.send())
                    .await;
        };
        let first_byte = start.elapsed();
        self.keep_cookies(r, resp.headers());
        let version = format!("{:?}", resp.version());
        let status = resp.status().as_u16();
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
        let body = read_bounded(resp, self.max_body, timeout, "--max-body").await?;
        let mut out = Response::new(status, headers, body, start.elapsed());
        out.wire = Wire {
            version,
            sent,
            first_byte,
            hops: Vec::new(),
            left_behind: Vec::new(),
            connect,
        };
        Ok(out)
    }

    /// The headers that go out: the request's, its cookies (or the jar's), and the ones the
    /// client adds by itself.
    fn sent_headers(&self, r: &RenderedRequest) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = (r.headers.iter())
            .filter(|(k, _)| !k.eq_ignore_ascii_case("cookie"))
            .cloned()
            .collect();
        let has =
            |out: &[(String, String)], k: &str| out.iter().any(|(n, _)| n.eq_ignore_ascii_case(k));
        if let Some(c) = self.cookie_for(r) {
            out.push(("cookie".into(), c));
        }
        for (k, v) in [
            ("user-agent", user_agent()),
            ("accept", "*/*".to_string()),
            ("accept-encoding", "gzip, br, deflate".to_string()),
        ] {
            if !has(&out, k) {
                out.push((k.to_string(), v));
            }
        }
        out
    }

    async fn build(
        &self,
        r: &RenderedRequest,
        method: &reqwest::Method,
        timeout: Duration,
    ) -> Result<reqwest::RequestBuilder, RunError> {
        let mut b = match crate::http::net::ConnectTo::target(&self.connect_to, &r.url) {
            Some((url, host)) => self
                .client
                .request(method.clone(), url)
                .header("host", host),
            None => self.client.request(method.clone(), &r.url),
        }
        .timeout(timeout);
        for (k, v) in r
            .headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("cookie"))
        {
            b = b.header(k, v);
        }
        if let Some(cookie) = self.cookie_for(r) {
            b = b.header("cookie", cookie);
        }
        attach_body(b, &r.body).await
    }
}

/// How many times a request an HTTP/2 server refused is sent again: under concurrency the new
/// attempt may land on another connection the server is closing at that moment.
const REFUSED_RETRIES: usize = 10;

/// Whether an HTTP/2 server refused the request without processing it, which makes sending it
/// again safe whatever its method (RFC 9113, 8.7): a stream reset with REFUSED_STREAM, or a
/// graceful GOAWAY (NO_ERROR) — nginx sends one after `keepalive_requests` (1,000 by default),
/// and the streams the client had already opened past its last stream are refused by it.
/// Also a request hyper's pool gave back unsent: a new connection meant for HTTP/1.1 that
/// ALPN made HTTP/2 cancels the requests waiting for it ("client error (Canceled): ALPN
/// upgraded to HTTP/2"; the pool's error has no public kind, only this text).
fn refused_unprocessed(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.to_string() == "client error (Canceled)" {
            return true;
        }
        if let Some(h) = err.downcast_ref::<h2::Error>() {
            let reason = h.reason();
            return h.is_remote()
                && (reason == Some(h2::Reason::REFUSED_STREAM)
                    || (h.is_go_away() && reason == Some(h2::Reason::NO_ERROR)));
        }
        cur = err.source();
    }
    false
}

/// Whether the connection closed before any byte of an answer (a reused connection the server
/// had already dropped).
fn closed_before_answer(e: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    if e.is_timeout() {
        return false;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(h) = err.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_canceled())
        {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The headers (and cookies) a hop to another origin did not carry on, each named once.
fn note_left_behind(hop: &RenderedRequest, after: &RenderedRequest, out: &mut Vec<String>) {
    for (k, _) in &hop.headers {
        let kept = after.headers.iter().any(|(a, _)| a.eq_ignore_ascii_case(k));
        if !kept && !out.iter().any(|l| l.eq_ignore_ascii_case(k)) {
            out.push(k.clone());
        }
    }
    let cookies = "the request's cookies";
    if !hop.cookies.is_empty() && after.cookies.is_empty() && !out.iter().any(|l| l == cookies) {
        out.push(cookies.into());
    }
}

/// Where a redirect points, if the response is one; a Location yarc cannot go to is an error.
fn redirect_target(r: &RenderedRequest, resp: &Response) -> Result<Option<url::Url>, RunError> {
    if !matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = resp.header("location") else {
        return Ok(None);
    };
    let not_http = || RunError::NotHttpRedirect(crate::diagnostic::clip(location, 2_000));
    let base = url::Url::parse(&r.url).map_err(|e| RunError::Request(e.to_string()))?;
    let next = base.join(location).map_err(|_| not_http())?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(not_http());
    }
    Ok(Some(next))
}

/// The request for the next hop: 303 (and 301/302 after a POST) turn into a GET without a body,
/// as browsers and curl do; credentials stay behind when the origin changes. A hop that keeps
/// the body (307, 308, and 301 or 302 after a PUT, PATCH or DELETE) sends it again: one that
/// holds a secret is not followed to another origin.
fn follow(
    mut r: RenderedRequest,
    status: u16,
    next: url::Url,
) -> Result<RenderedRequest, RunError> {
    let same_origin = url::Url::parse(&r.url).is_ok_and(|u| u.origin() == next.origin());
    let to_get =
        status == 303 && r.method != "HEAD" || matches!(status, 301 | 302) && r.method == "POST";
    if !same_origin && r.secret_body && !to_get {
        return Err(RunError::SecretBodyRedirect {
            status,
            to: next.origin().ascii_serialization(),
        });
    }
    if !same_origin {
        r.cookies.clear();
        let sensitive = std::mem::take(&mut r.sensitive_headers);
        r.headers.retain(|(k, _)| {
            !CREDENTIAL_HEADERS.iter().any(|c| k.eq_ignore_ascii_case(c))
                && !sensitive.iter().any(|s| k.eq_ignore_ascii_case(s))
        });
    }
    if to_get {
        r.method = "GET".into();
        r.body = RenderedBody::None;
        r.headers.retain(|(k, _)| {
            !k.eq_ignore_ascii_case("content-type") && !k.eq_ignore_ascii_case("content-length")
        });
    }
    r.url = next.to_string();
    Ok(r)
}

/// Reads a body up to `max` bytes, whatever length the server declares; a larger one is an
/// error as soon as it passes the limit, so memory stays bounded.
/// `flag` is the option that sets the limit, for the message.
pub async fn read_bounded(
    mut resp: reqwest::Response,
    max: usize,
    timeout: Duration,
    flag: &'static str,
) -> Result<Vec<u8>, RunError> {
    let too_large = |declared| RunError::TooLarge {
        declared,
        limit: max,
        flag,
    };
    if let Some(len) = resp.content_length()
        && len > max as u64
    {
        return Err(too_large(Some(len)));
    }
    // A declared length (already checked against the limit) is reserved at once, so a large
    // body is not copied on every doubling.
    let declared = resp.content_length().unwrap_or(0) as usize;
    let mut body = Vec::with_capacity(declared.min(max));
    while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e, timeout))? {
        if body.len() + chunk.len() > max {
            return Err(too_large(None));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn attach_body(
    b: reqwest::RequestBuilder,
    body: &RenderedBody,
) -> Result<reqwest::RequestBuilder, RunError> {
    Ok(match body {
        RenderedBody::None => b,
        RenderedBody::Json(text) => b.body(text.clone()),
        RenderedBody::Form(pairs) => b.form(pairs),
        RenderedBody::Text(t) => b.body(t.clone()),
        RenderedBody::File { path, shown } => {
            let bytes = tokio::fs::read(path).await.map_err(|e| RunError::File {
                what: "body file",
                shown: shown.clone(),
                cause: e.to_string(),
            })?;
            b.body(bytes)
        }
        RenderedBody::Multipart(parts) => {
            // Names go as written, in quotes (`name="profile/gender"`), as Postman and browsers
            // send them: reqwest's default `name*=utf-8''profile%2Fgender` is unknown to many
            // servers (Sling's POST servlet, PHP). A quote or line end is escaped as browsers do.
            let mut form = reqwest::multipart::Form::new().percent_encode_noop();
            for (name, part) in parts {
                let name = &part_name(name);
                form = match part {
                    RenderedPart::Text(t) => form.text(name.clone(), t.clone()),
                    RenderedPart::File {
                        path,
                        shown,
                        filename,
                        content_type,
                    } => {
                        let bytes = tokio::fs::read(path).await.map_err(|e| RunError::File {
                            what: "multipart file",
                            shown: shown.clone(),
                            cause: e.to_string(),
                        })?;
                        let ct = content_type
                            .clone()
                            .unwrap_or_else(|| guess_type(path).to_string());
                        form.part(name.clone(), file_part(bytes, Some(filename), Some(ct))?)
                    }
                    RenderedPart::Inline {
                        content,
                        filename,
                        content_type,
                    } => {
                        // No type unless one is given or the name has a known extension:
                        // Postman sends an unchosen file's part with none.
                        let ct = content_type.clone().or_else(|| {
                            let t = guess_type(std::path::Path::new(filename.as_deref()?));
                            (t != "application/octet-stream").then(|| t.to_string())
                        });
                        let bytes = content.clone().into_bytes();
                        form.part(name.clone(), file_part(bytes, filename.as_deref(), ct)?)
                    }
                };
            }
            b.multipart(form)
        }
    })
}

/// A part's name as the HTML standard writes it in `name="..."`: `"`, CR and LF as `%22`,
/// `%0D`, `%0A`, so no name can end the quoted text or the part's header.
fn part_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn file_part(
    bytes: Vec<u8>,
    filename: Option<&str>,
    content_type: Option<String>,
) -> Result<reqwest::multipart::Part, RunError> {
    let mut p = reqwest::multipart::Part::bytes(bytes);
    if let Some(name) = filename {
        // reqwest keeps a line end of the file name (after a backslash): escaped here instead.
        p = p.file_name(name.replace('\r', "%0D").replace('\n', "%0A"));
    }
    match content_type {
        Some(ct) => p.mime_str(&ct).map_err(|_| RunError::ContentType(ct)),
        None => Ok(p),
    }
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

/// A size for messages: `16 MiB`, `1 KiB`, `100 bytes`.
pub fn show_size(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Why a size (`--max-body 64MiB`) cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SizeError {
    #[error("`{0}` is not a size (like 64MiB or 500KB)")]
    NotASize(String),
    #[error("unknown size unit `{0}` (B, KB, KiB, MB, MiB, GB, GiB)")]
    Unit(String),
    #[error("`{0}` is out of range")]
    Range(String),
}

/// `64MiB`, `1MB`, `512KiB`, `1000`: a size in bytes.
pub fn parse_size(s: &str) -> Result<usize, SizeError> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num.parse().map_err(|_| SizeError::NotASize(s.into()))?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "kib" | "k" => 1 << 10,
        "mb" => 1_000_000,
        "mib" | "m" => 1 << 20,
        "gb" => 1_000_000_000,
        "gib" | "g" => 1 << 30,
        other => return Err(SizeError::Unit(other.into())),
    };
    n.checked_mul(factor)
        .filter(|v| *v > 0)
        .ok_or_else(|| SizeError::Range(s.into()))
}

/// A transport error in words a user can act on, with the underlying cause.
pub fn describe(e: &reqwest::Error, timeout: Duration) -> RunError {
    if let Some(url) = e.url().filter(|u| !matches!(u.scheme(), "http" | "https")) {
        return RunError::NotHttpRedirect(url.to_string());
    }
    // reqwest's own top line repeats the URL the report already shows; its causes say more.
    let cause = match std::error::Error::source(e) {
        Some(src) if e.to_string().starts_with("error sending request") => error_chain(src),
        _ => error_chain(e),
    };
    if e.is_timeout() {
        RunError::Timeout {
            after: timeout,
            cause,
        }
    } else if e.is_connect() {
        RunError::Connect(match connect_hint(&cause) {
            Some(hint) => format!("{cause} — {hint}"),
            None => cause,
        })
    } else if e.is_redirect() {
        // reqwest's `error following redirect for url (...): ` repeats the URL before the
        // reason (a loop, or the policy's own refusal).
        let reason = match cause.split_once("): ") {
            Some((head, reason)) if head.starts_with("error following redirect") => reason,
            _ => &cause,
        };
        RunError::RedirectLoop(reason.to_string())
    } else if e.is_body() || e.is_decode() {
        RunError::Body(cause)
    } else {
        RunError::Request(cause)
    }
}

/// What a connection failure's cause means, in words to act on: the libraries' own
/// (`tunnel error: unexpected end of file`, `InvalidContentType`) name what broke, not why.
fn connect_hint(cause: &str) -> Option<&'static str> {
    const HINTS: &[(&str, &str)] = &[
        (
            "Connection refused",
            "nothing listens at that host and port",
        ),
        (
            "tunnel error",
            "the proxy (HTTPS_PROXY, HTTP_PROXY or --proxy) would not open a connection to that host",
        ),
        (
            "InvalidContentType",
            "the server does not answer in TLS there: is the URL meant to be http://?",
        ),
        (
            "UnknownIssuer",
            "the server's certificate is signed by a CA yarc does not trust: give that CA with --cacert (or the environment's tls.ca_cert)",
        ),
        (
            "NotValidForName",
            "the server's certificate is for another host name",
        ),
        ("Expired", "the server's certificate has expired"),
        (
            "failed to lookup address",
            "the host name does not resolve (a typo, or a host of a private network?)",
        ),
        (
            "dns error",
            "the host name does not resolve (a typo, or a host of a private network?)",
        ),
    ];
    HINTS
        .iter()
        .find(|(needle, _)| cause.contains(needle))
        .map(|(_, hint)| *hint)
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
///
/// `mask` is applied to every value before it is shell-quoted: a secret with a `'` in it would
/// otherwise reach the output in a quoted form no masking recognises.
pub fn to_curl(r: &RenderedRequest, mask: &dyn Fn(&str) -> String) -> String {
    let quote = |s: &str| quote(&mask(s));
    let mut out = format!("curl -X {} {}", r.method, quote(&r.url));
    for (k, v) in &r.headers {
        out.push_str(&format!(" \\\n  -H {}", quote(&format!("{k}: {v}"))));
    }
    match &r.body {
        RenderedBody::None => {}
        RenderedBody::Json(v) => out.push_str(&format!(" \\\n  --data-raw {}", quote(v))),
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
                        path,
                        filename,
                        content_type,
                        ..
                    } => {
                        let own = path
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy() == *filename);
                        let named = match own {
                            true => String::new(),
                            false => format!(";filename={filename}"),
                        };
                        format!(
                            "{name}=@{}{named};type={}",
                            path.display(),
                            content_type
                                .clone()
                                .unwrap_or_else(|| guess_type(path).to_string())
                        )
                    }
                    RenderedPart::Inline {
                        content,
                        filename,
                        content_type,
                    } => {
                        let t = content_type
                            .as_deref()
                            .map(|t| format!(";type={t}"))
                            .unwrap_or_default();
                        let f = filename
                            .as_deref()
                            .map(|f| format!(";filename={f}"))
                            .unwrap_or_default();
                        format!("{name}={content}{f}{t}")
                    }
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

/// Why a URL cannot be sent to.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UrlError {
    #[error("it has no scheme: start it with http:// or https://")]
    NoScheme,
    #[error("{0}")]
    Malformed(#[from] url::ParseError),
    #[error("the scheme `{0}` is not http or https")]
    Scheme(String),
}

/// A URL yarc can send to: absolute, http or https.
pub fn check_url(url: &str) -> Result<url::Url, UrlError> {
    let parsed = url::Url::parse(url).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => UrlError::NoScheme,
        e => UrlError::Malformed(e),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UrlError::Scheme(parsed.scheme().to_string()));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An HTTP/2 server that answers the first HEADERS frame with `last` (GOAWAY with last
    /// stream 0 and NO_ERROR, or RST_STREAM with REFUSED_STREAM or another reason), frame by
    /// frame over an in-memory pipe, and the error the client's stream ends with.
    async fn stream_error(last: [u8; 4], goaway: bool) -> h2::Error {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (client_io, mut server_io) = tokio::io::duplex(64 * 1024);
        tokio::spawn(async move {
            let frame = |kind: u8, stream: u32, payload: &[u8]| {
                let mut f = (payload.len() as u32).to_be_bytes()[1..].to_vec();
                f.extend([kind, 0]);
                f.extend(stream.to_be_bytes());
                f.extend(payload);
                f
            };
            let mut preface = [0u8; 24];
            server_io.write_all(&frame(4, 0, &[])).await?;
            server_io.read_exact(&mut preface).await?;
            loop {
                let mut head = [0u8; 9];
                server_io.read_exact(&mut head).await?;
                let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
                let mut payload = vec![0u8; len];
                server_io.read_exact(&mut payload).await?;
                if head[3] == 1 {
                    let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]);
                    let out = match goaway {
                        true => frame(7, 0, &[[0; 4], last].concat()),
                        false => frame(3, stream, &last),
                    };
                    server_io.write_all(&out).await?;
                }
            }
            #[allow(unreachable_code)]
            Ok::<(), std::io::Error>(())
        });
        let (mut client, conn) = h2::client::handshake(client_io).await.expect("handshake");
        tokio::spawn(conn);
        let req = http::Request::get("https://api.test/")
            .body(())
            .expect("request");
        let (resp, _) = client.send_request(req, true).expect("sent");
        resp.await.expect_err("refused")
    }

    /// What hyper's pool says of a request it gave back unsent, under reqwest's error.
    #[derive(Debug)]
    struct Pool(&'static str);
    impl std::fmt::Display for Pool {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Pool {}

    #[test]
    fn a_request_the_pool_gave_back_unsent_is_sent_again() {
        assert!(refused_unprocessed(&Pool("client error (Canceled)")));
        assert!(!refused_unprocessed(&Pool("client error (Connect)")));
    }

    #[test]
    fn a_connection_failure_says_what_it_means() {
        let hint = |c: &str| connect_hint(c).unwrap_or("");
        assert!(
            hint("client error (Connect): tunnel error: unexpected end of file").contains("proxy")
        );
        assert!(hint("received corrupt message of type InvalidContentType").contains("http://"));
        assert!(hint("invalid peer certificate: UnknownIssuer").contains("--cacert"));
        assert!(
            hint("tcp connect error: Connection refused (os error 111)")
                .contains("nothing listens")
        );
        assert_eq!(connect_hint("something else"), None);
    }

    #[tokio::test]
    async fn only_streams_the_server_did_not_process_are_refused_unprocessed() {
        let no_error = [0, 0, 0, 0];
        let refused_stream = [0, 0, 0, 7];
        let internal_error = [0, 0, 0, 2];
        assert!(refused_unprocessed(&stream_error(no_error, true).await));
        assert!(refused_unprocessed(
            &stream_error(refused_stream, false).await
        ));
        assert!(!refused_unprocessed(
            &stream_error(internal_error, false).await
        ));
        assert!(!refused_unprocessed(
            &stream_error(internal_error, true).await
        ));
    }

    #[test]
    fn sizes_read_decimal_and_binary_units() {
        assert_eq!(parse_size("500"), Ok(500));
        assert_eq!(parse_size("2KB"), Ok(2_000));
        assert_eq!(parse_size("2 KiB"), Ok(2_048));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1gb"), Ok(1_000_000_000));
        assert_eq!(
            parse_size("12 parsecs"),
            Err(SizeError::Unit("parsecs".into()))
        );
        assert!(parse_size("lots").is_err_and(|e| e.to_string().contains("is not a size")));
        assert_eq!(
            parse_size("99999999999999999999GiB"),
            Err(SizeError::NotASize("99999999999999999999GiB".into()))
        );
        assert_eq!(parse_size("0"), Err(SizeError::Range("0".into())));
    }

    #[test]
    fn the_curl_command_quotes_every_argument_and_masks_first() {
        let r = RenderedRequest {
            method: "POST".into(),
            url: "https://api.example/jobs?q=it's".into(),
            headers: vec![("Authorization".into(), "Bearer s3cret-token".into())],
            body: RenderedBody::Json("{\"name\":\"a'b\"}".into()),
            sensitive_headers: Vec::new(),
            secret_body: false,
            cookies: Vec::new(),
            jar: true,
        };
        let mask = |s: &str| s.replace("s3cret-token", "•••••");
        let curl = to_curl(&r, &mask);
        assert_eq!(
            curl,
            "curl -X POST 'https://api.example/jobs?q=it'\\''s' \\\n  -H 'Authorization: Bearer •••••' \\\n  --data-raw '{\"name\":\"a'\\''b\"}'"
        );
    }

    #[test]
    fn only_absolute_http_urls_are_sent() {
        assert!(check_url("https://api.example/x").is_ok());
        assert_eq!(check_url("/jobs"), Err(UrlError::NoScheme));
        assert_eq!(
            check_url("ftp://files.example/x"),
            Err(UrlError::Scheme("ftp".into()))
        );
    }
}
