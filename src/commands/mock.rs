//! `yarc mock PATH --env NAME`: serves an environment's recorded snapshots on 127.0.0.1 —
//! matching method and path, captured values in the recorded path (`{job_id}`) as wildcards,
//! literal paths first — plus a client-credentials token endpoint, so a front end or a
//! consumer's CI can run against recorded responses offline.

use super::CommandError;
use crate::outcome::Exit;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct MockArgs {
    /// Collection files or folders whose snapshots to serve.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The environment whose snapshots to serve.
    #[arg(long, short = 'e', required = true)]
    pub env: String,
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}
use crate::load;
use crate::snapshot::{self, Body, store::SnapshotDir};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// The recorded method and path, as the log names the answer (`GET /jobs/{job_id}`).
    pub recorded: String,
    pub method: String,
    pub segments: Vec<Segment>,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_type: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Segment {
    Literal(String),
    /// `{name}`: a captured value; any segment matches and binds it.
    Wildcard(String),
}

impl Route {
    fn literal_count(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }

    fn matches(&self, method: &str, parts: &[&str]) -> bool {
        self.method.eq_ignore_ascii_case(method)
            && self.segments.len() == parts.len()
            && self.segments.iter().zip(parts).all(|(s, p)| match s {
                Segment::Literal(l) => l == p,
                Segment::Wildcard(_) => true,
            })
    }

    /// The body with every `"{name}"` placeholder filled: from the request's path where the
    /// route binds that name, else with a fresh id (the same one for a name within a response).
    pub(crate) fn body_for(&self, parts: &[&str]) -> Vec<u8> {
        if self.content_type != Some("application/json") {
            return self.body.clone();
        }
        let mut bound: std::collections::HashMap<String, String> = self
            .segments
            .iter()
            .zip(parts)
            .filter_map(|(s, p)| match s {
                Segment::Wildcard(name) => Some((name.clone(), p.to_string())),
                Segment::Literal(_) => None,
            })
            .collect();
        let text = String::from_utf8_lossy(&self.body);
        let Ok(re) = regex::Regex::new(r#""\{([A-Za-z_][A-Za-z0-9_]*)\}""#) else {
            return self.body.clone();
        };
        re.replace_all(&text, |c: &regex::Captures| {
            let value = bound
                .entry(c[1].to_string())
                .or_insert_with(|| uuid::Uuid::new_v4().to_string());
            serde_json::Value::String(value.clone()).to_string()
        })
        .into_owned()
        .into_bytes()
    }
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// A route from a snapshot file; `None` for snapshots without a recorded path.
pub(crate) fn route(s: &snapshot::Snapshot) -> Option<Route> {
    if s.path.is_empty() {
        return None;
    }
    let segments = split(&s.path)
        .into_iter()
        .map(|p| {
            if p.starts_with('{') && p.ends_with('}') {
                Segment::Wildcard(p[1..p.len() - 1].to_string())
            } else {
                Segment::Literal(p.to_string())
            }
        })
        .collect();
    let (body, content_type) = match &s.body {
        Body::Empty | Body::Binary { .. } => (Vec::new(), None),
        Body::Json(text) => (text.as_bytes().to_vec(), Some("application/json")),
        Body::Text(t) => (t.as_bytes().to_vec(), Some("text/plain; charset=utf-8")),
    };
    Some(Route {
        recorded: format!("{} {}", s.method, s.path),
        method: s.method.clone(),
        segments,
        status: s.status,
        headers: s
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        body,
        content_type,
    })
}

/// The best route for a request: the one with the most literal segments.
pub(crate) fn find<'a>(routes: &'a [Route], method: &str, path: &str) -> Option<&'a Route> {
    let parts = split(path);
    routes
        .iter()
        .filter(|r| r.matches(method, &parts))
        .max_by_key(|r| r.literal_count())
}

pub(crate) async fn execute(a: MockArgs) -> super::Outcome {
    let loaded = load::load(&a.paths, Some(&a.env))?;
    let env_name = loaded.environment.as_ref().map(|e| e.name.clone());
    let routes = recorded_routes(&a, &loaded, env_name.as_deref());
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", a.port)).await {
        Ok(l) => l,
        Err(e) => {
            return Err(CommandError::stopped(
                format!("cannot listen on 127.0.0.1:{}: {e}", a.port),
                Exit::Incomplete,
            ));
        }
    };
    let url = listener
        .local_addr()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default();
    let count = routes.len();
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(a.port);
    let state = Arc::new(MockState {
        routes,
        url: url.clone(),
        hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")],
    });
    let app = Router::new()
        .route("/connect/token", axum::routing::post(token))
        .route(
            "/.well-known/openid-configuration",
            axum::routing::get(discovery),
        )
        .fallback(recorded)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            same_host,
        ))
        .with_state(state);
    crate::outln!(
        "mock: {count} recorded responses of environment `{}` on {url} (token endpoint {url}/connect/token)",
        env_name.as_deref().unwrap_or("default")
    );
    let _ = tokio::select! {
        r = axum::serve(listener, app) => r.map_err(|e| e.to_string()),
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    Ok(Exit::Ok)
}

/// The recorded responses the mock serves, from the environment's snapshots; what cannot be
/// served is said (a snapshot without its path, none recorded at all).
fn recorded_routes(a: &MockArgs, loaded: &load::Loaded, env_name: Option<&str>) -> Vec<Route> {
    let mut routes = Vec::new();
    let mut pathless = 0;
    let mut dirs = Vec::new();
    for c in &loaded.collections {
        let dir = SnapshotDir::new(&c.path, env_name);
        dirs.push(dir.dir.display().to_string());
        for key in dir.keys() {
            let Some(Ok(text)) = dir.read(&key) else {
                continue;
            };
            match snapshot::from_yaml(&text) {
                Ok(s) => match route(&s) {
                    Some(r) => routes.push(r),
                    None => pathless += 1,
                },
                Err(e) => crate::errln!("warning: skipping {}: {e}", dir.file(&key).display()),
            }
        }
    }
    if pathless > 0 {
        crate::errln!(
            "warning: {pathless} snapshots have no recorded path and are not served: record them again with `yarc run ... --env {} --update-snapshots`",
            a.env
        );
    }
    if routes.is_empty() {
        crate::errln!(
            "mock: nothing recorded for environment `{}` (looked in {}): give requests `snapshot: true` (or `defaults: {{ snapshot: true }}`) and run `yarc run {} --env {}` once against the real API to record their answers",
            a.env,
            dirs.join(", "),
            a.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            a.env
        );
    }
    routes
}

struct MockState {
    routes: Vec<Route>,
    url: String,
    /// The Host header values it answers to.
    hosts: Vec<String>,
}

/// A web page whose DNS name is rebound to 127.0.0.1 names its own host: refused (421), as
/// `yarc ui` refuses it, so no other site can read recorded answers through the browser.
async fn same_host(
    State(s): State<Arc<MockState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !s.hosts.iter().any(|h| h == host) {
        let why = "this mock answers only to the address yarc printed\n";
        return (StatusCode::MISDIRECTED_REQUEST, why).into_response();
    }
    next.run(req).await
}

/// One line on stderr per answer; the client's path is shown escaped and cut.
fn log(method: &Method, uri: &Uri, answer: &str) {
    let path = crate::untrusted::visible(&crate::secret::clip_masked(uri.path(), 200)).into_owned();
    crate::errln!("{method} {path} -> {answer}");
}

async fn recorded(State(s): State<Arc<MockState>>, method: Method, uri: Uri) -> Response {
    let Some(r) = find(&s.routes, method.as_str(), uri.path()) else {
        log(&method, &uri, "404, no recording matches");
        let body = json!({"error": "no_recording", "message": format!("no recorded response for {method} {}", uri.path())});
        return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    };
    log(
        &method,
        &uri,
        &format!("{} (recorded {})", r.status, r.recorded),
    );
    let mut headers = HeaderMap::new();
    if let Some(ct) = r.content_type
        && let Ok(v) = ct.parse()
    {
        headers.insert("content-type", v);
    }
    for (k, v) in &r.headers {
        if let (Ok(name), Ok(value)) = (k.parse::<axum::http::HeaderName>(), v.parse()) {
            headers.insert(name, value);
        }
    }
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let body = r.body_for(&split(uri.path()));
    (status, headers, Bytes::from(body)).into_response()
}

/// Any client credentials get a token: the mock checks nothing.
async fn token(body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let answer = |what: &str| crate::errln!("POST /connect/token -> {what}");
    if !form
        .iter()
        .any(|(k, v)| k == "grant_type" && v == "client_credentials")
    {
        answer("400, grant_type is not client_credentials");
        let err = json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"});
        return (StatusCode::BAD_REQUEST, axum::Json(err)).into_response();
    }
    let scope = form
        .iter()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone());
    answer("200, a mock token");
    axum::Json(json!({
        "access_token": format!("mock_{}", uuid::Uuid::new_v4().simple()),
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": scope,
    }))
    .into_response()
}

async fn discovery(State(s): State<Arc<MockState>>) -> Response {
    axum::Json(json!({"issuer": s.url, "token_endpoint": format!("{}/connect/token", s.url)}))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(method: &str, path: &str) -> Route {
        route(&snapshot::Snapshot {
            method: method.into(),
            url: String::new(),
            path: path.into(),
            status: 200,
            headers: Default::default(),
            body: Body::Text(path.into()),
        })
        .expect("route")
    }

    #[test]
    fn literal_paths_win_over_wildcards() {
        let routes = vec![
            r("GET", "/jobs/{job_id}"),
            r("GET", "/jobs/0000"),
            r("POST", "/jobs"),
        ];
        assert_eq!(
            find(&routes, "GET", "/jobs/0000").map(|r| r.body.clone()),
            Some(b"/jobs/0000".to_vec())
        );
        assert_eq!(
            find(&routes, "GET", "/jobs/42").map(|r| r.body.clone()),
            Some(b"/jobs/{job_id}".to_vec())
        );
        assert!(find(&routes, "DELETE", "/jobs/42").is_none());
        assert!(find(&routes, "GET", "/jobs/42/result").is_none());
    }
}
