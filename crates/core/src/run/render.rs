//! Rendering a planned request into a sendable one: URL with query, merged headers, body,
//! and the auth scheme applied (OAuth2 tokens come from the cache).

use crate::auth::{Endpoint, TokenRequest};
use crate::diagnostic::Diagnostic;
use crate::http::{RenderedBody, RenderedPart, RenderedRequest, UrlError, check_url};
use crate::model::{ApiKeyLocation, AuthSpec, Body, OAuth2Spec, PartValue, TokenEndpoint};
use crate::plan::PlannedRequest;
use crate::secret::Redactor;
use crate::template::{Templates, Vars};
use base64::Engine;
use serde_json::Value;
use std::path::Path;

pub fn render_request(
    pr: &PlannedRequest,
    t: &Templates,
    vars: &Vars,
    base_dir: &Path,
) -> Result<RenderedRequest, Diagnostic> {
    let url = t.render(&pr.req.url, vars)?;
    let mut query = Vec::new();
    for (k, v) in &pr.query {
        query.push((k.clone(), t.render(v, vars)?));
    }
    let url = with_query(&url, &query)
        .map_err(|e| Diagnostic::at(format!("invalid URL `{url}`: {e}"), &pr.req.url.span))?;
    let mut headers = Vec::new();
    for (k, v) in &pr.headers {
        let value = t.render(v, vars)?;
        check_header(k, &value, v)?;
        headers.push((k.clone(), value));
    }
    let mut cookies = Vec::new();
    for (k, v) in &pr.req.cookies {
        cookies.push((k.clone(), t.render(v, vars)?));
    }
    let body = render_body(pr.req.body.as_deref(), t, vars, base_dir)?;
    body_type(&mut headers, &body);
    Ok(RenderedRequest {
        method: pr.req.method.clone(),
        url,
        headers,
        body,
        sensitive_headers: Vec::new(),
        secret_body: false,
        cookies,
        jar: pr.req.cookie_jar != Some(false),
    })
}

/// The body with its templates rendered (files are named, read when sent).
fn render_body(
    body: Option<&Body>,
    t: &Templates,
    vars: &Vars,
    base_dir: &Path,
) -> Result<RenderedBody, Diagnostic> {
    Ok(match body {
        None => RenderedBody::None,
        Some(Body::Json(v)) => RenderedBody::Json(t.render_json_text(v, vars)?),
        Some(Body::Form(pairs)) => {
            let mut out = Vec::new();
            for (k, v) in pairs {
                out.push((t.render(k, vars)?, t.render(v, vars)?));
            }
            RenderedBody::Form(out)
        }
        Some(Body::Text(v)) => RenderedBody::Text(t.render(v, vars)?),
        Some(Body::Graphql {
            query,
            variables,
            operation_name,
        }) => {
            let text = |v: Value| serde_json::to_string(&v).unwrap_or_default();
            let mut doc = format!("{{\"query\":{}", text(t.render(query, vars)?.into()));
            if let Some(v) = variables {
                doc.push_str(",\"variables\":");
                doc.push_str(&t.render_json_text(v, vars)?);
            }
            if let Some(op) = operation_name {
                let op = text(t.render(op, vars)?.into());
                doc.push_str(&format!(",\"operationName\":{op}"));
            }
            doc.push('}');
            RenderedBody::Json(doc)
        }
        Some(Body::File(p)) => {
            let shown = t.render(p, vars)?;
            RenderedBody::File {
                path: base_dir.join(&shown),
                shown,
            }
        }
        Some(Body::Multipart(parts)) => {
            let mut out = Vec::new();
            for p in parts {
                let part = match &p.value {
                    PartValue::Text(v) => RenderedPart::Text(t.render(v, vars)?),
                    PartValue::File {
                        path,
                        filename,
                        content_type,
                    } => {
                        let shown = t.render(path, vars)?;
                        let path = base_dir.join(&shown);
                        let filename = match filename {
                            Some(f) => t.render(f, vars)?,
                            None => path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                        };
                        RenderedPart::File {
                            path,
                            shown,
                            filename,
                            content_type: content_type.clone(),
                        }
                    }
                    PartValue::Inline {
                        content,
                        filename,
                        content_type,
                    } => RenderedPart::Inline {
                        content: t.render(content, vars)?,
                        filename: match filename {
                            Some(f) => Some(t.render(f, vars)?),
                            None => None,
                        },
                        content_type: content_type.clone(),
                    },
                };
                out.push((t.render(&p.name, vars)?, part));
            }
            RenderedBody::Multipart(out)
        }
    })
}

/// The Content-Type a body decides, as Postman does: JSON says so unless the request names
/// another type; a form body is always form-urlencoded (a type given for the collection, such
/// as `application/json`, would mislabel it) and a multipart body names its own boundary.
fn body_type(headers: &mut Vec<(String, String)>, body: &RenderedBody) {
    let is_type = |k: &str| k.eq_ignore_ascii_case("content-type");
    match body {
        RenderedBody::Json(_) if !headers.iter().any(|(k, _)| is_type(k)) => {
            headers.push(("content-type".into(), "application/json".into()));
        }
        RenderedBody::Form(_) => {
            headers.retain(|(k, v)| {
                !is_type(k)
                    || v.trim_start()
                        .to_ascii_lowercase()
                        .starts_with("application/x-www-form-urlencoded")
            });
            if !headers.iter().any(|(k, _)| is_type(k)) {
                let form = "application/x-www-form-urlencoded";
                headers.push(("content-type".into(), form.into()));
            }
        }
        RenderedBody::Multipart(_) => headers.retain(|(k, _)| !is_type(k)),
        _ => {}
    }
}

/// A header HTTP allows: a token for a name, no line breaks or other control characters in the
/// value. The value is never shown (it may hold a secret).
fn check_header(name: &str, value: &str, t: &crate::model::Template) -> Result<(), Diagnostic> {
    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(
            Diagnostic::at(format!("`{name}` is not a valid HTTP header name"), &t.span)
                .with_help("header names are letters, digits and `-` (no spaces or `:`)"),
        );
    }
    if reqwest::header::HeaderValue::from_str(value).is_ok() {
        return Ok(());
    }
    let why = if value.ends_with('\n') || value.ends_with('\r') {
        "it ends with a line break — a value read from a file often does; `| trim` removes it"
    } else if value.contains(['\n', '\r']) {
        "it contains a line break"
    } else {
        "it contains a control character"
    };
    Err(Diagnostic::at(
        format!("the value of header `{name}` is not a valid HTTP header value: {why}"),
        &t.span,
    )
    .with_label(format!("in `{}`", t.source)))
}

fn with_query(url: &str, query: &[(String, String)]) -> Result<String, UrlError> {
    let mut parsed = check_url(&pasted_encoded(url))?;
    if !query.is_empty() {
        let mut pairs = parsed.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    Ok(parsed.to_string())
}

/// A path or query holding a tab or line end, or ending in blanks (a value pasted with its
/// line end, `callback\t`): percent-encoded, as Postman sends it, where a URL parser would
/// drop them. The scheme and host are left to the parser.
fn pasted_encoded(url: &str) -> std::borrow::Cow<'_, str> {
    let url = url.trim_start();
    let after_host = url.find("://").map_or(0, |i| i + 3);
    let Some(at) = url[after_host..]
        .find(['/', '?', '#'])
        .map(|i| i + after_host)
    else {
        return url.into();
    };
    let rest = &url[at..];
    let kept = rest.trim_end_matches(' ').len();
    if !rest.contains(|c: char| c.is_ascii_control()) && kept == rest.len() {
        return url.into();
    }
    let mut out = String::from(&url[..at]);
    for (i, c) in rest.char_indices() {
        match c {
            c if c.is_ascii_control() => out.push_str(&format!("%{:02X}", c as u32)),
            ' ' if i >= kept => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out.into()
}

/// How a request authenticates once its templates are rendered.
pub enum Applied {
    Done,
    /// A bearer token that rendered empty: no Authorization header was set.
    EmptyBearer,
    /// Needs a token from the cache; the header is set by the caller.
    OAuth2(TokenRequest),
}

/// Applies bearer, basic and API-key auth; for OAuth2, renders the token request.
pub fn apply_auth(
    r: &mut RenderedRequest,
    auth: Option<&AuthSpec>,
    t: &Templates,
    vars: &Vars,
    redactor: &Redactor,
) -> Result<Applied, Diagnostic> {
    match auth {
        None | Some(AuthSpec::None) => Ok(Applied::Done),
        Some(AuthSpec::Bearer(tok)) => {
            let v = t.render(tok, vars)?;
            if v.trim().is_empty() {
                // As Postman: an empty token sends no Authorization at all (`Bearer ` with
                // nothing after it is refused by servers as malformed, not as missing).
                return Ok(Applied::EmptyBearer);
            }
            redactor.add(&v);
            set_header(r, "authorization", format!("Bearer {v}"));
            Ok(Applied::Done)
        }
        Some(AuthSpec::Basic { username, password }) => {
            let u = t.render(username, vars)?;
            let p = t.render(password, vars)?;
            redactor.add_basic(&u, &p);
            let pair = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            set_header(r, "authorization", format!("Basic {pair}"));
            Ok(Applied::Done)
        }
        Some(AuthSpec::ApiKey { location, value }) => {
            let v = t.render(value, vars)?;
            redactor.add(&v);
            match location {
                ApiKeyLocation::Header(h) => {
                    r.sensitive_headers.push(h.clone());
                    set_header(r, h, v)
                }
                ApiKeyLocation::Query(q) => r.url = with_query_pair(&r.url, q, &v),
            }
            Ok(Applied::Done)
        }
        Some(AuthSpec::OAuth2(o)) => Ok(Applied::OAuth2(token_request(o, t, vars)?)),
    }
}

/// Marks every header whose value holds a secret (in any form the redactor knows) as sensitive:
/// it stays behind when a redirect leaves the origin. A body that holds one is marked too.
pub fn mark_sensitive(r: &mut RenderedRequest, redactor: &Redactor) {
    register_credentials(&r.headers, redactor);
    r.secret_body = body_holds_secret(&r.body, redactor);
    for (k, v) in &r.headers {
        if redactor.finds(v)
            && !r
                .sensitive_headers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(k))
        {
            r.sensitive_headers.push(k.clone());
        }
    }
}

/// The values of the headers that carry credentials whatever their value — `Authorization`
/// and `Proxy-Authorization` (the part after the scheme, and a Basic pair's parts) and
/// each cookie of `Cookie` — are secrets from here on, however they were written (a literal
/// in the collection, `--header`): a server that echoes one shows it masked.
fn register_credentials(headers: &[(String, String)], redactor: &Redactor) {
    for (k, v) in headers {
        let v = v.trim();
        if k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("proxy-authorization")
        {
            // The scheme stays readable: `Bearer •••••`.
            let Some((scheme, rest)) = v.split_once(' ') else {
                redactor.add(v);
                continue;
            };
            let rest = rest.trim();
            redactor.add(rest);
            let pair = base64::engine::general_purpose::STANDARD.decode(rest);
            if scheme.eq_ignore_ascii_case("basic")
                && let Ok(pair) = pair
                && let Ok(pair) = String::from_utf8(pair)
                && let Some((user, password)) = pair.split_once(':')
            {
                redactor.add_basic(user, password);
            }
        } else if k.eq_ignore_ascii_case("cookie") {
            for pair in v.split(';') {
                if let Some((_, value)) = pair.split_once('=') {
                    redactor.add(value.trim());
                }
            }
        }
    }
}

/// Whether a body's text holds a secret (a file's content is not read here: what it holds
/// is not known to be one).
fn body_holds_secret(body: &RenderedBody, redactor: &Redactor) -> bool {
    match body {
        RenderedBody::None | RenderedBody::File { .. } => false,
        RenderedBody::Json(s) | RenderedBody::Text(s) => redactor.finds(s),
        RenderedBody::Form(pairs) => pairs
            .iter()
            .any(|(k, v)| redactor.finds(k) || redactor.finds(v)),
        RenderedBody::Multipart(parts) => parts.iter().any(|(k, p)| {
            redactor.finds(k)
                || match p {
                    RenderedPart::Text(s) => redactor.finds(s),
                    RenderedPart::Inline { content, .. } => redactor.finds(content),
                    RenderedPart::File { .. } => false,
                }
        }),
    }
}

pub fn token_request(
    o: &OAuth2Spec,
    t: &Templates,
    vars: &Vars,
) -> Result<TokenRequest, Diagnostic> {
    let mut params = Vec::new();
    for (k, v) in &o.params {
        params.push((k.clone(), t.render(v, vars)?));
    }
    Ok(TokenRequest {
        endpoint: match &o.endpoint {
            TokenEndpoint::Url(u) => Endpoint::Url(t.render(u, vars)?),
            TokenEndpoint::Issuer(i) => Endpoint::Issuer(t.render(i, vars)?),
        },
        refresh_before: o.refresh_before,
        client_id: t.render(&o.client_id, vars)?,
        client_secret: t.render(&o.client_secret, vars)?,
        scope: match &o.scope {
            Some(s) => Some(t.render(s, vars)?),
            None => None,
        },
        credentials: o.credentials,
        params,
        user: match &o.user {
            Some((u, p)) => Some((t.render(u, vars)?, t.render(p, vars)?)),
            None => None,
        },
    })
}

pub fn set_header(r: &mut RenderedRequest, name: &str, value: String) {
    r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    r.headers.push((name.to_string(), value));
}

/// Changes for one send of one request (`yarc ui`'s "this send only"): the file stays as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adjust {
    /// The collection file and `group / name` of the request they apply to.
    pub target: (std::path::PathBuf, String),
    /// Query parameters set (a parameter of that name already in the URL is replaced).
    pub query: Vec<(String, String)>,
    /// Headers set (same-named ones replaced, whatever their case).
    pub headers: Vec<(String, String)>,
    /// The body's text instead of the one written: JSON if it reads as JSON and the request
    /// sent JSON, otherwise text with the request's Content-Type.
    pub body: Option<String>,
}

impl Adjust {
    /// Applies the changes; the rest of the URL keeps its bytes as rendered.
    pub fn apply(&self, r: &mut RenderedRequest) -> Result<(), AdjustError> {
        if !self.query.is_empty() {
            r.url = set_query(&r.url, &self.query)?;
        }
        for (k, v) in &self.headers {
            if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err()
                || reqwest::header::HeaderValue::from_str(v).is_err()
            {
                return Err(AdjustError::Header(k.clone()));
            }
            set_header(r, k, v.clone());
        }
        if let Some(text) = &self.body {
            let json = serde_json::from_str::<Value>(text).is_ok();
            r.body = match (&r.body, json) {
                (RenderedBody::Json(_) | RenderedBody::None, true) => {
                    RenderedBody::Json(text.clone())
                }
                _ => RenderedBody::Text(text.clone()),
            };
            body_type(&mut r.headers, &r.body);
        }
        Ok(())
    }
}

/// Why a change from the workbench cannot be applied to a request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdjustError {
    #[error("{0}")]
    Url(#[from] UrlError),
    #[error("`{0}` is not a header HTTP can send with that value")]
    Header(String),
}

/// The URL with one more query parameter, encoded as Postman encodes an API key's: a space as
/// `%20` (not `+`), `&`, `#`, `+` and `%` escaped, an `=` of the value (base64's padding) kept.
/// Postman's API key replaces a parameter of its name the URL has (`?api_key=old`).
fn with_query_pair(url: &str, key: &str, value: &str) -> String {
    let same = |k: &str| percent_encoding::percent_decode_str(k).decode_utf8_lossy() == key;
    let key_text = crate::secret::query_value(key).replace('=', "%3D");
    let pair = format!("{key_text}={}", crate::secret::query_value(value));
    with_pairs(url, same, [pair])
}

/// The URL with each named query parameter set: same-named pairs dropped, the new ones
/// appended, every other byte of the URL as it was.
fn set_query(url: &str, query: &[(String, String)]) -> Result<String, UrlError> {
    use percent_encoding::{AsciiSet, utf8_percent_encode};
    // A value's `=` too: these pairs replace same-named ones, read back by their names.
    const QUERY: &AsciiSet = &crate::secret::QUERY_VALUE.add(b'=');
    check_url(url)?;
    let named = |key: &str| {
        let key = percent_encoding::percent_decode_str(&key.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned();
        query.iter().any(|(k, _)| *k == key)
    };
    let pairs = (query.iter()).map(|(k, v)| {
        let (k, v) = (utf8_percent_encode(k, QUERY), utf8_percent_encode(v, QUERY));
        format!("{k}={v}")
    });
    Ok(with_pairs(url, named, pairs))
}

/// The URL with the query pairs whose (still encoded) key `replaced` holds dropped, empty
/// pieces too, and `pairs` appended; the fragment kept.
fn with_pairs(
    url: &str,
    replaced: impl Fn(&str) -> bool,
    pairs: impl IntoIterator<Item = String>,
) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let (base, existing) = head.split_once('?').unwrap_or((head, ""));
    let key = |piece: &str| piece.split('=').next().unwrap_or("").to_string();
    let mut pieces: Vec<String> = (existing.split('&'))
        .filter(|p| !p.is_empty() && !replaced(&key(p)))
        .map(str::to_string)
        .collect();
    pieces.extend(pairs);
    let mut out = format!("{base}?{}", pieces.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod adjust_tests {
    use super::*;

    #[test]
    fn an_api_key_joins_the_query_as_postman_writes_it() {
        assert_eq!(
            with_query_pair("https://h.example/a?x=1#top", "api key", "k&1=2+ =="),
            "https://h.example/a?x=1&api%20key=k%261=2%2B%20==#top"
        );
        assert_eq!(
            with_query_pair("https://h.example/a", "key", "v"),
            "https://h.example/a?key=v"
        );
        assert_eq!(
            with_query_pair("https://h.example/a?", "key", "v"),
            "https://h.example/a?key=v"
        );
        // One of its name the URL has is replaced, in place of none other.
        assert_eq!(
            with_query_pair(
                "https://h.example/a?api_key=old&x=1&api_key=2",
                "api_key",
                "new"
            ),
            "https://h.example/a?x=1&api_key=new"
        );
    }

    fn request(url: &str, body: RenderedBody) -> RenderedRequest {
        RenderedRequest {
            method: "POST".into(),
            url: url.into(),
            headers: vec![("X-Mode".into(), "file".into())],
            body,
            sensitive_headers: Vec::new(),
            secret_body: false,
            cookies: Vec::new(),
            jar: true,
        }
    }

    #[test]
    fn a_send_of_its_own_sets_query_headers_and_body() {
        let mut r = request(
            "https://api.example/jobs?page=1&redirect_uri=http%3A%2F%2Fx&a+b=c",
            RenderedBody::Json("{\"a\":1}".into()),
        );
        let adjust = Adjust {
            query: vec![("page".into(), "2".into()), ("a b".into(), "d&e".into())],
            headers: vec![("x-mode".into(), "page".into())],
            body: Some("{\"a\": 2}".into()),
            ..Adjust::default()
        };
        adjust.apply(&mut r).expect("applies");
        assert_eq!(
            r.url,
            "https://api.example/jobs?redirect_uri=http%3A%2F%2Fx&page=2&a%20b=d%26e"
        );
        assert_eq!(r.headers[0], ("x-mode".to_string(), "page".to_string()));
        assert_eq!(r.headers.len(), 2, "{:?}", r.headers);
        assert!(matches!(&r.body, RenderedBody::Json(t) if t == "{\"a\": 2}"));
        let mut r = request("https://api.example/x#top", RenderedBody::Text("a".into()));
        Adjust {
            query: vec![("q".into(), "1".into())],
            body: Some("{not json".into()),
            ..Adjust::default()
        }
        .apply(&mut r)
        .expect("applies");
        assert_eq!(r.url, "https://api.example/x?q=1#top");
        assert!(matches!(&r.body, RenderedBody::Text(t) if t == "{not json"));
        let bad = Adjust {
            headers: vec![("x".into(), "a\nb".into())],
            ..Adjust::default()
        };
        assert_eq!(bad.apply(&mut r), Err(AdjustError::Header("x".into())));
    }

    #[test]
    fn a_tab_line_end_or_trailing_blank_in_a_path_or_query_goes_out_encoded() {
        let sent = |u: &str| with_query(u, &[]).expect("a URL");
        assert_eq!(
            sent("https://x.io/cb?redirect_uri=https://a.io/callback\t"),
            "https://x.io/cb?redirect_uri=https://a.io/callback%09"
        );
        assert_eq!(
            sent("http://x.io/items?$filter=startswith(a,'I')  "),
            "http://x.io/items?$filter=startswith(a,%27I%27)%20%20"
        );
        assert_eq!(sent("http://x.io/booking/7\n"), "http://x.io/booking/7%0A");
        // Blanks inside stay the parser's (%20), and a URL without them is as it was.
        assert_eq!(sent("http://x.io/a b?q=1 2"), "http://x.io/a%20b?q=1%202");
        assert_eq!(sent("  http://x.io/ok"), "http://x.io/ok");
    }
}
