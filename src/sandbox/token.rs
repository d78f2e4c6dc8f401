//! The sandbox's token endpoint, shaped like Visma Connect: form bodies only, client
//! credentials in the body or as HTTP Basic, scopes and `tenant_id` checked, RFC 6749 §5.2
//! errors.

use super::{CLIENT_ID, CLIENT_SECRET, Issued, PASSWORD, Shared, TENANT, TokenCall, USERNAME};
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use std::collections::HashMap;
use std::time::Instant;

/// Scopes the sandbox client may ask for.
fn scope_allowed(scope: &str) -> bool {
    scope.starts_with("automatic-rostering")
        || scope.starts_with("hrmanalytics:")
        || scope == "sandbox"
}

pub(super) async fn discovery(State(s): State<Shared>) -> Response {
    let base = s.lock().map(|s| s.base_url.clone()).unwrap_or_default();
    Json(json!({
        "issuer": base,
        "token_endpoint": format!("{base}/connect/token"),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    }))
    .into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

pub(super) async fn token(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    if let Ok(mut st) = s.lock() {
        st.token_calls.push(TokenCall {
            form: pairs.clone(),
            basic: basic_credentials(&headers),
        });
    }
    let form: HashMap<String, String> = pairs.into_iter().collect();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        // The resource owner's password grant (RFC 6749 §4.3), for the sandbox's one user.
        Some("password") => {
            let user = (form.get("username"), form.get("password"));
            if user != (Some(&USERNAME.to_string()), Some(&PASSWORD.to_string())) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the username or password is wrong",
                );
            }
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials or password",
            );
        }
    }
    let (scope, tenant) = match granted(&headers, &form) {
        Ok(g) => g,
        Err(refused) => return *refused,
    };
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let lifetime = st.settings.token_lifetime;
    let token = jwt(&st.base_url, &scope, tenant.as_deref(), lifetime);
    st.tokens.insert(
        token.clone(),
        Issued {
            expires: Instant::now() + lifetime,
            scope: scope.clone(),
            tenant,
        },
    );
    st.tokens_issued += 1;
    Json(json!({
        "access_token": token,
        "expires_in": lifetime.as_secs(),
        "token_type": "Bearer",
        "scope": scope,
    }))
    .into_response()
}

/// The client's credentials (Basic or in the form), its scopes and tenant checked: what the
/// token grants, or the OAuth error that refuses it.
fn granted(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<(String, Option<String>), Box<Response>> {
    let (id, secret) = match basic_credentials(headers) {
        Some(pair) => pair,
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        ),
    };
    if id != CLIENT_ID || secret != CLIENT_SECRET {
        return Err(Box::new(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        )));
    }
    let scope = form.get("scope").cloned().unwrap_or_default();
    if let Some(bad) = scope.split_whitespace().find(|s| !scope_allowed(s)) {
        return Err(Box::new(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("scope `{bad}` is not granted to this client"),
        )));
    }
    let tenant = form.get("tenant_id").cloned();
    if let Some(t) = &tenant
        && t != TENANT
    {
        return Err(Box::new(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            "unknown tenant_id",
        )));
    }
    Ok((scope, tenant))
}

/// A JWT as Visma Connect issues them (issuer, audience, client, tenant, scopes as a list, times),
/// so `yarc token` and a 401's message have claims to read. Its signature is a keyed hash the
/// sandbox does not publish: the sandbox checks a token by looking it up, as an API would ask
/// its issuer.
fn jwt(issuer: &str, scope: &str, tenant: Option<&str>, lifetime: std::time::Duration) -> String {
    use sha2::Digest;
    let e = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut claims = json!({
        "iss": issuer,
        "aud": "sandbox-api",
        "sub": CLIENT_ID,
        "client_id": CLIENT_ID,
        "scope": scope.split_whitespace().collect::<Vec<_>>(),
        "iat": now,
        "exp": now + lifetime.as_secs(),
        "jti": id,
    });
    if let Some(t) = tenant {
        claims["tenant_id"] = json!(t);
    }
    let signing = format!(
        "{}.{}",
        e(&json!({"alg": "HS256", "typ": "JWT"})),
        e(&claims)
    );
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| uuid::Uuid::new_v4().simple().to_string());
    let signature = sha2::Sha256::digest(format!("{key}.{signing}").as_bytes());
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature);
    format!("{signing}.{signature}")
}

/// RFC 6749 §2.3.1: Basic credentials are form-encoded before base64.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let b64 = v.strip_prefix("Basic ")?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let (id, secret) = raw.split_once(':')?;
    let dec = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((dec(id), dec(secret)))
}

/// Checks a bearer token: `Err` is the 401 to answer.
pub(super) fn check_bearer(
    s: &Shared,
    headers: &HeaderMap,
    scope_prefix: &str,
) -> Result<(), Response> {
    let unauthorized = |why: &str| {
        (
            StatusCode::UNAUTHORIZED,
            [(
                "www-authenticate",
                format!("Bearer error=\"invalid_token\", error_description=\"{why}\""),
            )],
            Json(json!({"error": "invalid_token", "message": why})),
        )
            .into_response()
    };
    let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(unauthorized("no bearer token"));
    };
    let Some(token) = v.strip_prefix("Bearer ") else {
        return Err(unauthorized("not a bearer token"));
    };
    let Ok(mut st) = s.lock() else {
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    // Counted now; a valid token takes it back below.
    st.rejected += 1;
    let Some(issued) = st.tokens.get(token.trim()) else {
        return Err(unauthorized("unknown token"));
    };
    if Instant::now() >= issued.expires {
        return Err(unauthorized("the token has expired"));
    }
    if !issued
        .scope
        .split_whitespace()
        .any(|sc| sc.starts_with(scope_prefix))
    {
        return Err(unauthorized("the token lacks the scope for this API"));
    }
    if scope_prefix.starts_with("hrm") && issued.tenant.is_none() {
        return Err(unauthorized("the token has no tenant"));
    }
    st.rejected -= 1;
    Ok(())
}

/// Token endpoints that misbehave, one way each: `html`, `500`, `invalid-json`, `no-token`
/// (JSON without `access_token`), `slow` (answers after 5 s), `no-expiry` (a token without
/// `expires_in`).
pub(super) async fn fault_token(Path(kind): Path<String>) -> Response {
    match kind.as_str() {
        "html" => (
            StatusCode::OK,
            [("content-type", "text/html")],
            "<html><body>Sign in</body></html>",
        )
            .into_response(),
        "500" => (StatusCode::INTERNAL_SERVER_ERROR, "upstream failure").into_response(),
        "invalid-json" => ([("content-type", "application/json")], "{\"access_token\": ").into_response(),
        "no-token" => Json(json!({"token_type": "Bearer", "expires_in": 60})).into_response(),
        "slow" => {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            Json(json!({"access_token": "late", "expires_in": 60})).into_response()
        }
        "no-expiry" => Json(json!({"access_token": format!("sbx_noexp_{}", uuid::Uuid::new_v4().simple()), "token_type": "Bearer"})).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
