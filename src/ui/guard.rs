//! What every request to the page passes first: the Host header must name the address yarc
//! is bound to (a page of another site that rebinds its name to 127.0.0.1 sends its own name),
//! and everything but the static page and assets must carry the session token — in the
//! `x-yarc-token` header (the page's API calls) or as `?token=` (the URL yarc prints). The
//! page opened with a one-time `?nonce=` (what `--open` gives the browser) is given the token.
//! Every answer gets a strict Content-Security-Policy and no CORS header, so no other origin
//! may read it.

use super::Workbench;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The page's policy: its own script and style only, API calls to itself, nothing framed.
pub(super) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Paths served without the token: the page, its script and style hold nothing of the
/// session (the page gets the token only when a one-time key opens it; a reload of the tab
/// finds the token the tab kept).
const PUBLIC: &[&str] = &["/", "/app.js", "/app.css", "/favicon.ico"];

pub(super) async fn check(State(wb): State<Arc<Workbench>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !wb.hosts.iter().any(|h| h == host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this page answers only to the address yarc printed",
        );
    }
    let nonce = (req.uri().path() == "/")
        .then(|| query_value(&req, "nonce"))
        .flatten();
    let opened = nonce.is_some_and(|n| wb.redeem(&n));
    if !opened && !PUBLIC.contains(&req.uri().path()) && !carries_token(&req, &wb.token) {
        return refuse(
            StatusCode::FORBIDDEN,
            "missing or wrong session token: open the URL `yarc ui` printed",
        );
    }
    let mut req = req;
    if opened {
        req.extensions_mut().insert(Opened);
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Marks the page request a one-time key opened: the page is given the session token.
#[derive(Clone, Copy)]
pub(super) struct Opened;

fn query_value(req: &Request, key: &str) -> Option<String> {
    let q = req.uri().query()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn carries_token(req: &Request, token: &str) -> bool {
    let in_header = req
        .headers()
        .get("x-yarc-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| same(v, token));
    let in_query = req.uri().query().is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "token" && same(&v, token))
    });
    in_header || in_query
}

/// Compares in time independent of where the first difference is.
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    let mut r = (status, Body::from(format!("{why}\n"))).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    r
}
