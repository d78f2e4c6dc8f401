//! The built-in sandbox: an HTTP server inside yarc, on 127.0.0.1 with an ephemeral port, that
//! behaves like the APIs our users call — a Visma Connect-like token endpoint, Automatic
//! Rostering jobs that progress over polls, HRM-style asynchronous exports, an echo endpoint
//! and switchable faults. The bundled examples and the tests run against it, offline.

// Guards return the response to send on refusal; a Response is large, and that is fine here.
#![allow(clippy::result_large_err)]

mod api;
mod token;

use axum::Router;
use axum::routing::{any, get, post};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) const CLIENT_ID: &str = "sandbox-client";
pub(crate) const CLIENT_SECRET: &str = "sandbox-secret";
pub(crate) const TENANT: &str = "sandbox-tenant";
/// The one user of the password grant.
pub(crate) const USERNAME: &str = "sandbox-user";
pub(crate) const PASSWORD: &str = "sandbox-password";

#[derive(Debug, Clone)]
pub struct Settings {
    /// Lifetime of issued tokens.
    pub token_lifetime: Duration,
    /// Polls a rostering job takes to finish.
    pub job_polls: u32,
    /// Polls an HRM export takes to complete.
    pub export_polls: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_lifetime: Duration::from_secs(3600),
            job_polls: 3,
            export_polls: 2,
        }
    }
}

pub(crate) struct Issued {
    expires: Instant,
    scope: String,
    tenant: Option<String>,
}

/// A token request as the sandbox received it, for tests of what a client sends.
#[derive(Debug, Clone)]
pub struct TokenCall {
    pub form: Vec<(String, String)>,
    /// `(id, secret)` from an HTTP Basic header, decoded.
    pub basic: Option<(String, String)>,
}

pub(crate) struct Job {
    polls: u32,
    fails: bool,
    name: String,
}

#[derive(Default)]
pub(crate) struct State {
    settings: Settings,
    base_url: String,
    tokens: HashMap<String, Issued>,
    tokens_issued: usize,
    api_requests: usize,
    requests_seen: usize,
    /// Requests being answered now, and the most at once since last asked.
    in_flight: usize,
    max_in_flight: usize,
    /// `/faults/slow` requests that slept to the end and were answered.
    slow_answered: usize,
    rejected: usize,
    token_calls: Vec<TokenCall>,
    jobs: Vec<(String, Job)>,
    exports: HashMap<String, u32>,
    flaky: HashMap<String, u32>,
}

pub(crate) type Shared = Arc<Mutex<State>>;

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Token requests answered with a token so far.
    pub fn tokens_issued(&self) -> usize {
        self.state.lock().map(|s| s.tokens_issued).unwrap_or(0)
    }

    /// Token requests received so far, answered or refused.
    pub fn token_calls(&self) -> Vec<TokenCall> {
        self.state
            .lock()
            .map(|s| s.token_calls.clone())
            .unwrap_or_default()
    }

    /// Every access token issued so far (for tests that look for leaks).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|s| s.tokens.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Requests refused with 401 because of their bearer token.
    pub fn rejected(&self) -> usize {
        self.state.lock().map(|s| s.rejected).unwrap_or(0)
    }

    /// Every request received so far, on any endpoint.
    pub fn requests_seen(&self) -> usize {
        self.state.lock().map(|s| s.requests_seen).unwrap_or(0)
    }

    /// The most requests answered at once since the last call (tests of `--jobs` count this
    /// rather than time a run).
    pub fn take_max_in_flight(&self) -> usize {
        self.state
            .lock()
            .map(|mut s| {
                let now = s.in_flight;
                std::mem::replace(&mut s.max_in_flight, now)
            })
            .unwrap_or(0)
    }

    /// `/faults/slow` requests that slept to the end and were answered.
    pub fn slow_answered(&self) -> usize {
        self.state.lock().map(|s| s.slow_answered).unwrap_or(0)
    }

    /// Requests that reached a protected API endpoint so far.
    pub fn api_requests(&self) -> usize {
        self.state.lock().map(|s| s.api_requests).unwrap_or(0)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the sandbox on 127.0.0.1 (port 0: an ephemeral one) in the current tokio runtime.
/// Starts sandboxes for the engine when an environment says `sandbox:`.
#[derive(Debug)]
pub(crate) struct Starter;

impl crate::session::Sandboxes for Starter {
    fn start(
        &self,
        token_lifetime: Option<Duration>,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<crate::session::Running>> + Send + '_>,
    > {
        Box::pin(async move {
            let mut settings = Settings::default();
            if let Some(t) = token_lifetime {
                settings.token_lifetime = t;
            }
            let sb = start(settings, 0).await?;
            Ok(crate::session::Running {
                url: sb.url.clone(),
                guard: Box::new(sb),
            })
        })
    }
}

pub async fn start(settings: Settings, port: u16) -> std::io::Result<Sandbox> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let mut state = State {
        settings,
        base_url: url.clone(),
        ..State::default()
    };
    api::seed_jobs(&mut state);
    let state: Shared = Arc::new(Mutex::new(state));
    let app = router(Arc::clone(&state));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Sandbox { url, state, task })
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(token::discovery))
        .route("/connect/token", post(token::token))
        .route("/sandbox/stats", get(api::stats))
        .route("/sandbox/revoke", post(api::revoke))
        .route("/rostering/jobs", get(api::list_jobs).post(api::start_job))
        .route("/rostering/jobs/{id}", get(api::job_status))
        .route("/rostering/jobs/{id}/result", get(api::job_result))
        .route("/hrm/v1/command/nl/hrm/{dataset}", post(api::start_export))
        .route(
            "/hrm/v1/command/nl/hrm/metadata/{dataset}",
            post(api::start_export),
        )
        .route(
            "/hrm/v1/query/nl/hrm/{dataset}/{job}",
            get(api::export_status),
        )
        .route(
            "/hrm/v1/query/nl/hrm/metadata/{dataset}/{job}",
            get(api::export_status),
        )
        .route("/hrm/files/{job}/{file}", get(api::export_file))
        .route("/openapi.json", get(openapi))
        .route("/echo", any(api::echo))
        .route("/echo/{*rest}", any(api::echo))
        .route("/soap", any(api::soap))
        .route("/soap/{*rest}", any(api::soap))
        .route("/wire", any(api::wire))
        .route("/wire/{*rest}", any(api::wire))
        .route("/redirect", any(api::redirect))
        .route("/cookies/set", get(api::set_cookie))
        .route("/compressed", get(api::compressed))
        .route("/faults/token/{kind}", post(token::fault_token))
        .route("/faults/status/{code}", any(api::fault_status))
        .route("/faults/rate-limited", any(api::fault_rate_limited))
        .route("/faults/flaky/{key}", any(api::fault_flaky))
        .route("/faults/slow", any(api::fault_slow))
        .route("/faults/invalid-json", any(api::fault_invalid_json))
        .route("/faults/html", any(api::fault_html))
        // The echo takes bodies up to 16 MiB (axum's default is 2 MiB).
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            count_requests,
        ))
        .with_state(state)
}

async fn count_requests(
    axum::extract::State(s): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Ok(mut st) = s.lock() {
        st.requests_seen += 1;
        st.in_flight += 1;
        st.max_in_flight = st.max_in_flight.max(st.in_flight);
    }
    // Counted down even when the client goes away mid-answer (the future is dropped).
    struct Done(Shared);
    impl Drop for Done {
        fn drop(&mut self) {
            if let Ok(mut st) = self.0.lock() {
                st.in_flight = st.in_flight.saturating_sub(1);
            }
        }
    }
    let _done = Done(s);
    next.run(req).await
}

/// The sandbox's own API document: what the bundled examples are held to
/// (`collections/schemas/sandbox-api.json` is the same file).
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> axum::response::Response {
    use axum::response::IntoResponse;
    ([("content-type", "application/json")], OPENAPI).into_response()
}
