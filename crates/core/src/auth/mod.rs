//! OAuth2 client-credentials tokens (RFC 6749 §4.4) and their cache — the only shared mutable
//! state of a run. One token request per distinct (token URL, client id, scope, params), shared
//! by every request and task; renewed before it expires; refetched once after a 401.

pub mod claims;
pub mod token_store;

use crate::http::{describe, error_chain};
use crate::model::ClientCredentials;
use crate::outcome::RunError;
use crate::secret::Redactor;
use base64::Engine;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The token endpoint, or the issuer whose discovery document names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Url(String),
    Issuer(String),
}

impl Endpoint {
    pub fn shown(&self) -> &str {
        match self {
            Endpoint::Url(u) | Endpoint::Issuer(u) => u,
        }
    }
}

/// A rendered oauth2 block.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub endpoint: Endpoint,
    pub refresh_before: Option<Duration>,
    pub client_id: String,
    pub client_secret: String,
    pub scope: Option<String>,
    pub credentials: ClientCredentials,
    pub params: Vec<(String, String)>,
    /// The password grant's username and password.
    pub user: Option<(String, String)>,
}

impl TokenRequest {
    /// The cache key: never the secret in clear.
    pub fn key(&self) -> String {
        let mut params = self.params.clone();
        params.sort();
        let params: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            self.endpoint.shown(),
            self.client_id,
            self.scope.as_deref().unwrap_or(""),
            params.join("&"),
            self.user.as_ref().map_or("", |(u, _)| u.as_str())
        )
    }

    /// The form fields sent; empty optional fields are left out, not sent empty.
    pub fn form(&self) -> Vec<(String, String)> {
        let grant = if self.user.is_some() {
            "password"
        } else {
            "client_credentials"
        };
        let mut form = vec![("grant_type".to_string(), grant.to_string())];
        if let Some((username, password)) = &self.user {
            form.push(("username".into(), username.clone()));
            form.push(("password".into(), password.clone()));
        }
        if self.credentials == ClientCredentials::Body {
            form.push(("client_id".into(), self.client_id.clone()));
            // A public client (the password grant's) has none to send.
            if !self.client_secret.is_empty() {
                form.push(("client_secret".into(), self.client_secret.clone()));
            }
        }
        if let Some(scope) = self.scope.as_ref().filter(|s| !s.trim().is_empty()) {
            form.push(("scope".into(), scope.clone()));
        }
        for (k, v) in &self.params {
            if !v.is_empty() {
                form.push((k.clone(), v.clone()));
            }
        }
        form
    }

    /// The client secret and the password, masked wherever they would show.
    pub fn register_secrets(&self, redactor: &Redactor) {
        redactor.add(&self.client_secret);
        if let Some((_, password)) = &self.user {
            redactor.add(password);
        }
    }

    /// What the token request carries, for `-vv`: every form field (the client secret masked)
    /// and, with basic credentials, who the Authorization header names.
    pub fn sent(&self) -> String {
        let fields: Vec<String> = self
            .form()
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "client_secret" | "password" => format!("{k}={}", crate::secret::MASK),
                _ => format!("{k}={v}"),
            })
            .collect();
        let mut out = format!("form {}", fields.join("&"));
        if self.credentials == ClientCredentials::Basic {
            out.push_str(&format!(
                "; Authorization: Basic (client_id {}, client_secret {})",
                self.client_id,
                crate::secret::MASK
            ));
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub access_token: String,
    pub token_type: String,
    pub scope: Option<String>,
    pub expires_in: Option<u64>,
    /// When to stop using it: the expiry less a margin of min(30 s, 10 % of the lifetime).
    pub renew_at: Option<Instant>,
}

impl Token {
    fn usable(&self) -> bool {
        self.renew_at.is_none_or(|t| Instant::now() < t)
    }
}

/// Where a request's token came from, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obtained {
    /// Already held by this run.
    Cached,
    /// Read from the `--token-cache` folder.
    Stored,
    /// Requested from the token endpoint just now.
    Fetched {
        url: String,
        elapsed: Duration,
        /// What came back, without the token: type, lifetime, scope.
        answer: String,
        /// What was sent (`TokenRequest::sent`).
        sent: String,
    },
}

type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

#[derive(Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<String, Slot>>,
    /// Token endpoints found through discovery, by issuer.
    discovered: tokio::sync::Mutex<HashMap<String, String>>,
    /// Opt-in: tokens kept on disk between runs.
    pub persisted: Option<crate::auth::token_store::TokenStore>,
    /// For token and discovery requests (the run's default request timeout).
    pub timeout: Option<Duration>,
    /// The largest token or discovery answer read (`--max-token-body`; default 1 MiB).
    pub max_body: Option<usize>,
}

impl TokenCache {
    pub fn with(
        timeout: Duration,
        persisted: Option<crate::auth::token_store::TokenStore>,
        max_body: usize,
    ) -> Arc<TokenCache> {
        Arc::new(TokenCache {
            timeout: Some(timeout),
            persisted,
            max_body: Some(max_body),
            ..TokenCache::default()
        })
    }

    fn max_body(&self) -> usize {
        self.max_body.unwrap_or(TOKEN_MAX_BODY)
    }

    /// Forgets every token held in memory (`yarc ui`'s Reset); tokens kept on disk stay.
    pub fn clear(&self) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.clear();
        }
    }

    /// A valid token for `req`. With `rejected`, the API refused that token: fetch a new one
    /// unless another task already has.
    pub async fn token(
        &self,
        client: &TokenClient,
        req: &TokenRequest,
        rejected: Option<&str>,
        redactor: &Redactor,
    ) -> Result<Token, RunError> {
        self.obtain(client, req, rejected, redactor)
            .await
            .map(|(t, _)| t)
    }

    /// A usable token and where it came from.
    pub async fn obtain(
        &self,
        client: &TokenClient,
        req: &TokenRequest,
        rejected: Option<&str>,
        redactor: &Redactor,
    ) -> Result<(Token, Obtained), RunError> {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| RunError::Setup("token cache poisoned".into()))?;
            Arc::clone(slots.entry(req.key()).or_default())
        };
        // Single flight: whoever holds the slot fetches; the others wait and reuse the result.
        let mut guard = slot.lock().await;
        if let Some(t) = guard.as_ref()
            && t.usable()
            && rejected != Some(t.access_token.as_str())
        {
            return Ok((t.clone(), Obtained::Cached));
        }
        let url = self.token_url(client, &req.endpoint, redactor).await?;
        if rejected.is_none()
            && let Some(store) = &self.persisted
            && let Some(t) = store.load(req, &url)
        {
            redactor.add(&t.access_token);
            *guard = Some(t.clone());
            return Ok((t, Obtained::Stored));
        }
        let began = Instant::now();
        let token = fetch(
            client,
            req,
            &url,
            self.timeout.unwrap_or(TOKEN_TIMEOUT),
            self.max_body(),
            redactor,
        )
        .await?;
        redactor.add(&token.access_token);
        if let Some(store) = &self.persisted {
            store.save(req, &url, &token);
        }
        *guard = Some(token.clone());
        let elapsed = began.elapsed();
        let answer = format!(
            "a {} token, expires_in {}, scope {}; {}",
            token.token_type,
            token
                .expires_in
                .map_or("not given".to_string(), |s| format!("{s} s")),
            token.scope.as_deref().unwrap_or("not said"),
            // A claim may hold a secret the run knows (a client id kept secret): masked.
            redactor.redact(&claims::carried(&token.access_token)),
        );
        Ok((
            token,
            Obtained::Fetched {
                url,
                elapsed,
                answer,
                sent: redactor.redact(&req.sent()),
            },
        ))
    }

    /// The token URL, reading an issuer's discovery document once per run.
    pub async fn token_url(
        &self,
        client: &TokenClient,
        endpoint: &Endpoint,
        redactor: &Redactor,
    ) -> Result<String, RunError> {
        let issuer = match endpoint {
            Endpoint::Url(u) => return Ok(u.clone()),
            Endpoint::Issuer(i) => i.trim_end_matches('/').to_string(),
        };
        let mut known = self.discovered.lock().await;
        if let Some(u) = known.get(&issuer) {
            return Ok(u.clone());
        }
        let url = discover(
            client,
            &issuer,
            self.timeout.unwrap_or(TOKEN_TIMEOUT),
            self.max_body(),
            redactor,
        )
        .await?;
        known.insert(issuer, url.clone());
        Ok(url)
    }
}

/// The client for token and discovery requests. It follows a redirect only to the same origin
/// (scheme, host, port): a 307 or 308 would send the client secret again, wherever it points.
/// The client for token and discovery requests, with the run's `--connect-to` rules.
#[derive(Clone)]
pub struct TokenClient {
    client: reqwest::Client,
    connect_to: Arc<Vec<crate::http::net::ConnectTo>>,
}

impl TokenClient {
    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        match crate::http::net::ConnectTo::target(&self.connect_to, url) {
            Some((moved, host)) => self.client.request(method, moved).header("host", host),
            None => self.client.request(method, url),
        }
    }
}

pub fn token_client(net: &crate::http::net::Net) -> Result<TokenClient, RunError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let next = origin(attempt.url());
        let first = attempt.previous().first().map(origin);
        if first.as_ref().is_some_and(|f| *f != next) {
            let shown = attempt.url().origin().ascii_serialization();
            attempt.error(format!(
                "the token endpoint redirected to another origin ({shown}); yarc does not send the client credentials there — use the final token URL"
            ))
        } else if attempt.previous().len() > crate::http::DEFAULT_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    });
    let client = net.builder().redirect(policy).build().map_err(|e| {
        RunError::Setup(format!(
            "cannot create the HTTP client: {}",
            error_chain(&e)
        ))
    })?;
    Ok(TokenClient {
        client,
        connect_to: Arc::clone(&net.connect_to),
    })
}

fn origin(u: &url::Url) -> (String, Option<String>, Option<u16>) {
    (
        u.scheme().to_string(),
        u.host_str().map(str::to_string),
        u.port_or_known_default(),
    )
}

/// Token and discovery answers are small: anything larger is refused while it is read.
pub const TOKEN_MAX_BODY: usize = 1 << 20;

const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

async fn discover(
    client: &TokenClient,
    issuer: &str,
    timeout: Duration,
    max_body: usize,
    redactor: &Redactor,
) -> Result<String, RunError> {
    let url = format!("{issuer}/.well-known/openid-configuration");
    let fail = |why: String| RunError::Token(format!("discovery at {url} failed: {why}"));
    let resp = client
        .request(reqwest::Method::GET, &url)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| fail(describe(&e, timeout).to_string()))?;
    let status = resp.status().as_u16();
    let body = crate::http::read_bounded(resp, max_body, timeout, "--max-token-body")
        .await
        .map_err(|e| fail(e.to_string()))?;
    if !(200..300).contains(&status) {
        return Err(fail(format!("answered {status}")));
    }
    let json: Value = serde_json::from_slice(&body).map_err(|_| {
        fail(format!(
            "the answer is not JSON: {}",
            excerpt(&body, redactor)
        ))
    })?;
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was asked for.
    let named = json.get("issuer").and_then(Value::as_str).unwrap_or("");
    if named.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(fail(format!(
            "the document names the issuer `{}`, not `{issuer}`",
            crate::diagnostic::clip(named, 200)
        )));
    }
    let endpoint = json
        .get("token_endpoint")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| fail("the document has no `token_endpoint`".into()))?;
    // The client secret goes to that endpoint: only to the issuer's own origin, unless the
    // collection names the endpoint itself.
    let origin = |u: &str| url::Url::parse(u).ok().map(|u| u.origin());
    match (origin(issuer), origin(&endpoint)) {
        (Some(a), Some(b)) if a == b => Ok(endpoint),
        _ => Err(fail(format!(
            "its token endpoint `{}` is not on the issuer's origin: the client secret is not sent there; if it is right, write `token_url: {}` in the oauth2 block instead of `issuer:`",
            crate::diagnostic::clip(&endpoint, 200),
            crate::diagnostic::clip(&endpoint, 200)
        ))),
    }
}

/// Credentials over plain HTTP to another machine can be read on the way: the warning to give,
/// if `url` is such a place (`what`: "API", "token endpoint").
pub fn plain_http_warning(url: &str, what: &str) -> Option<(String, String)> {
    let host = plain_http_remote_host(url)?;
    let text =
        format!("warning: credentials go to the {what} {host} over plain http://; use https://");
    Some((host, text))
}

/// The host, when `url` is plain `http://` to anything but this machine.
pub fn plain_http_remote_host(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if parsed.scheme() != "http" {
        return None;
    }
    let loopback = match parsed.host()? {
        url::Host::Domain(d) => d == "localhost" || d.ends_with(".localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    (!loopback).then(|| parsed.host_str().unwrap_or("").to_string())
}

async fn fetch(
    client: &TokenClient,
    req: &TokenRequest,
    url: &str,
    timeout: Duration,
    max_body: usize,
    redactor: &Redactor,
) -> Result<Token, RunError> {
    req.register_secrets(redactor);
    let fail = |why: String| RunError::Token(format!("token request to {url} {why}"));
    let mut b = client
        .request(reqwest::Method::POST, url)
        .timeout(timeout)
        .header("accept", "application/json")
        .form(&req.form());
    if req.credentials == ClientCredentials::Basic {
        // RFC 6749 §2.3.1: id and secret are form-encoded before the Basic encoding.
        let id = form_encode(&req.client_id);
        let secret = form_encode(&req.client_secret);
        redactor.add_basic(&id, &secret);
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        b = b.header("authorization", format!("Basic {pair}"));
    }
    let resp = b
        .send()
        .await
        .map_err(|e| fail(format!("failed: {}", describe(&e, timeout))))?;
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = crate::http::read_bounded(resp, max_body, timeout, "--max-token-body")
        .await
        .map_err(|e| fail(format!("failed: {e}")))?;
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    if !(200..300).contains(&status) {
        return Err(RunError::Token(token_error(
            url,
            status,
            json.as_ref(),
            &ct,
            &body,
            redactor,
        )));
    }
    let Some(json) = json else {
        return Err(fail(format!(
            "answered {status} with a body that is not JSON ({}): {}",
            if ct.is_empty() {
                "no content type"
            } else {
                &ct
            },
            excerpt(&body, redactor)
        )));
    };
    let Some(access_token) = json.get("access_token").and_then(Value::as_str) else {
        return Err(fail(format!("answered {status} without an `access_token`")));
    };
    Ok(token_from(&json, access_token, req.refresh_before))
}

/// A token from its endpoint's JSON answer, renewed before it expires: at `refresh_before`,
/// else at min(30 s, 10 % of its lifetime).
fn token_from(json: &Value, access_token: &str, refresh_before: Option<Duration>) -> Token {
    let expires_in = json
        .get("expires_in")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
    // An absurd lifetime is treated as unknown: the token is then renewed only after a 401.
    let renew_at = expires_in.and_then(|secs| {
        let life = Duration::from_secs(secs);
        let margin = refresh_before
            .unwrap_or((life / 10).min(Duration::from_secs(30)))
            .min(life);
        Instant::now().checked_add(life - margin)
    });
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_string);
    Token {
        access_token: access_token.to_string(),
        token_type: text("token_type").unwrap_or_else(|| "Bearer".into()),
        scope: text("scope"),
        expires_in,
        renew_at,
    }
}

fn token_error(
    url: &str,
    status: u16,
    json: Option<&Value>,
    ct: &str,
    body: &[u8],
    redactor: &Redactor,
) -> String {
    let field = |k: &str| {
        json.and_then(|j| j.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match (field("error"), field("error_description")) {
        (Some(e), Some(d)) => format!("token request to {url} failed: {status} {e} — {d}"),
        (Some(e), None) => format!("token request to {url} failed: {status} {e}"),
        _ => format!(
            "token request to {url} failed: {status} ({}): {}",
            if ct.is_empty() { "no content type" } else { ct },
            excerpt(body, redactor)
        ),
    }
}

/// The start of a body for a message: secrets masked before it is cut.
fn excerpt(body: &[u8], redactor: &Redactor) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    format!("{:?}", redactor.clip(text.trim(), 120))
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(
        scope: Option<&str>,
        params: &[(&str, &str)],
        credentials: ClientCredentials,
    ) -> TokenRequest {
        TokenRequest {
            endpoint: Endpoint::Url("https://id.example/token".into()),
            refresh_before: None,
            client_id: "id".into(),
            client_secret: "secret".into(),
            scope: scope.map(str::to_string),
            credentials,
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            user: None,
        }
    }

    #[test]
    fn the_password_grant_sends_the_user_and_masks_the_password() {
        let mut r = req(Some("openid"), &[], ClientCredentials::Body);
        r.user = Some(("ada".into(), "s3cret pass".into()));
        r.client_secret = String::new();
        let form = r.form();
        assert_eq!(
            form,
            vec![
                ("grant_type".into(), "password".into()),
                ("username".into(), "ada".into()),
                ("password".into(), "s3cret pass".into()),
                ("client_id".into(), "id".into()),
                ("scope".into(), "openid".into()),
            ]
        );
        assert!(!r.sent().contains("s3cret"), "{}", r.sent());
        assert!(!r.key().contains("s3cret"));
        // Another user is another token.
        let mut other = r.clone();
        other.user = Some(("bob".into(), "s3cret pass".into()));
        assert_ne!(r.key(), other.key());
    }

    #[test]
    fn empty_optional_fields_are_left_out() {
        let form = req(
            Some(" "),
            &[("tenant_id", "t1"), ("audience", "")],
            ClientCredentials::Body,
        )
        .form();
        let keys: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["grant_type", "client_id", "client_secret", "tenant_id"]
        );
    }

    #[test]
    fn basic_credentials_stay_out_of_the_body() {
        let form = req(Some("a b"), &[], ClientCredentials::Basic).form();
        assert_eq!(
            form,
            vec![
                ("grant_type".into(), "client_credentials".into()),
                ("scope".into(), "a b".into())
            ]
        );
    }

    #[test]
    fn the_cache_key_never_holds_the_secret() {
        assert!(
            !req(None, &[], ClientCredentials::Body)
                .key()
                .contains("secret")
        );
    }

    #[test]
    fn plain_http_is_flagged_only_off_this_machine() {
        assert_eq!(
            plain_http_remote_host("http://connect.example.com/token"),
            Some("connect.example.com".into())
        );
        assert_eq!(
            plain_http_remote_host("https://connect.example.com/token"),
            None
        );
        assert_eq!(plain_http_remote_host("http://127.0.0.1:8080/token"), None);
        assert_eq!(plain_http_remote_host("http://localhost/token"), None);
        assert_eq!(plain_http_remote_host("http://[::1]:9/token"), None);
    }
}
