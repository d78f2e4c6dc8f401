//! The executor: runs a plan's collections, request by request (requests of one collection
//! chain through captures, so they stay in order), and sends an event per finished request.
//! It never formats output: reporters do.

pub mod record;
pub mod render;

use crate::auth::{TokenCache, token_client};
use crate::eval::{self, EvalCtx, Outcome};
use crate::exchange::Response;
use crate::http::{Http, RenderedRequest, to_curl};
use crate::plan::{Plan, PlannedCollection, PlannedRequest};
use crate::secret::Redactor;
use crate::template::Vars;
use record::{Event, RequestRecord, ResponseSummary, State};
use render::{Applied, apply_auth, render_request, set_header};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub dry_run: bool,
    /// Default per-request timeout (a request's own `timeout` wins).
    pub timeout: Duration,
    pub max_body: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dry_run: false,
            timeout: Duration::from_secs(30),
            max_body: crate::http::DEFAULT_MAX_BODY,
        }
    }
}

/// Shared by every collection of a run.
pub struct Runner {
    pub plan: Arc<Plan>,
    pub options: RunOptions,
    pub tokens: Arc<TokenCache>,
    pub redactor: Arc<Redactor>,
    token_client: reqwest::Client,
}

impl Runner {
    pub fn new(
        plan: Arc<Plan>,
        options: RunOptions,
        redactor: Arc<Redactor>,
    ) -> Result<Runner, String> {
        Ok(Runner {
            plan,
            options,
            tokens: TokenCache::new(),
            redactor,
            token_client: token_client()?,
        })
    }

    /// Runs every collection in order; returns all records.
    pub async fn run(&self, events: &UnboundedSender<Event>) -> Vec<RequestRecord> {
        let mut all = Vec::new();
        for c in &self.plan.collections {
            all.extend(self.run_collection(c, events).await);
        }
        all
    }

    pub async fn run_collection(
        &self,
        c: &PlannedCollection,
        events: &UnboundedSender<Event>,
    ) -> Vec<RequestRecord> {
        let _ = events.send(Event::CollectionStarted {
            path: c.shown_path.clone(),
            name: c.name.clone(),
            requests: c.requests.len(),
            name_width: c
                .requests
                .iter()
                .map(|r| r.full_name().chars().count())
                .max()
                .unwrap_or(0),
        });
        let mut records = Vec::new();
        let http = Http::new(self.options.max_body);
        let mut captures = Vars::new();
        for pr in &c.requests {
            let record = match &http {
                Ok(http) => self.run_request(c, pr, http, &mut captures).await,
                Err(e) => self.record(c, pr, State::Errored, Some(e.clone())),
            };
            let record = self.masked(record);
            let _ = events.send(Event::RequestFinished(Box::new(record.clone())));
            records.push(record);
        }
        let _ = events.send(Event::CollectionFinished {
            path: c.shown_path.clone(),
        });
        records
    }

    fn record(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        state: State,
        message: Option<String>,
    ) -> RequestRecord {
        RequestRecord {
            collection: c.shown_path.clone(),
            name: pr.full_name(),
            span: pr.req.span.clone(),
            method: pr.req.method.clone(),
            url: pr.req.url.source.clone(),
            state,
            status: None,
            duration: Duration::ZERO,
            attempts: 0,
            outcomes: Vec::new(),
            captures: Vec::new(),
            message,
            request_headers: Vec::new(),
            response: None,
            curl: None,
        }
    }

    async fn run_request(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        http: &Http,
        captures: &mut Vars,
    ) -> RequestRecord {
        let t = &self.plan.templates;
        let mut vars: Vars = (*pr.vars).clone();
        for (k, v) in captures.iter() {
            vars.insert(k.clone(), v.clone());
        }
        for skip in &pr.skips {
            match t.truthy(skip, &vars) {
                Ok(true) => {
                    return self.record(
                        c,
                        pr,
                        State::Skipped,
                        Some(format!("skipped: `{}` is true", skip.source)),
                    );
                }
                Ok(false) => {}
                Err(d) => return self.record(c, pr, State::Errored, Some(d.render())),
            }
        }
        let mut rendered = match render_request(pr, t, &vars, &c.base_dir) {
            Ok(r) => r,
            Err(d) => return self.record(c, pr, State::Errored, Some(not_sent(&d))),
        };
        let auth = match apply_auth(&mut rendered, pr.auth.as_ref(), t, &vars, &self.redactor) {
            Ok(a) => a,
            Err(d) => return self.record(c, pr, State::Errored, Some(not_sent(&d))),
        };
        if self.options.dry_run {
            if let Applied::OAuth2(tr) = &auth {
                self.redactor.add(&tr.client_secret);
                set_header(
                    &mut rendered,
                    "authorization",
                    "Bearer <token from the oauth2 block>".into(),
                );
            }
            let mut rec = self.record(c, pr, State::Rendered, None);
            rec.url = rendered.url.clone();
            rec.curl = Some(to_curl(&rendered));
            // Later requests render with placeholders where a real run would have captured.
            for cap in &pr.req.captures {
                captures.insert(
                    cap.var.clone(),
                    serde_json::Value::String(format!("__{}__", cap.var)),
                );
            }
            return rec;
        }
        let exec = self.execute(pr, http, &mut rendered, &auth, &vars, c).await;
        let mut rec = self.record(c, pr, State::Passed, None);
        rec.url = rendered.url.clone();
        rec.request_headers = rendered.headers.clone();
        rec.attempts = exec.attempts;
        let resp = match exec.result {
            Ok(resp) => resp,
            Err(e) => {
                rec.state = State::Errored;
                rec.message = Some(e);
                return rec;
            }
        };
        rec.status = Some(resp.status);
        rec.duration = resp.duration;
        rec.response = Some(summary(&resp));
        let cx = EvalCtx {
            templates: t,
            vars: &vars,
            paths: &self.plan.paths,
            schemas: &self.plan.schemas,
            base_dir: &c.base_dir,
        };
        rec.outcomes = eval::evaluate(&pr.req.expect, &resp, &cx);
        if let Some(gave_up) = exec.gave_up {
            rec.message = Some(gave_up);
        }
        let mut capture_errors = Vec::new();
        for cap in &pr.req.captures {
            match eval::capture(cap, &resp, &self.plan.paths) {
                Ok(v) => {
                    captures.insert(cap.var.clone(), v.clone());
                    rec.captures.push((cap.var.clone(), v));
                }
                Err(e) => capture_errors.push(format!("capture `{}` ({}): {e}", cap.var, cap.span)),
            }
        }
        if !capture_errors.is_empty() {
            let joined = capture_errors.join("\n");
            rec.message = Some(match rec.message.take() {
                Some(m) => format!("{m}\n{joined}"),
                None => joined,
            });
        }
        if !eval::all_passed(&rec.outcomes) || rec.message.is_some() {
            rec.state = State::Failed;
        }
        rec
    }

    /// Sends, with one token refetch after a 401 and the request's polling, if any.
    async fn execute(
        &self,
        pr: &PlannedRequest,
        http: &Http,
        rendered: &mut RenderedRequest,
        auth: &Applied,
        vars: &Vars,
        c: &PlannedCollection,
    ) -> Execution {
        let timeout = pr.timeout.unwrap_or(self.options.timeout);
        let started = Instant::now();
        let retry = pr.req.retry.as_ref();
        let attempts_max = retry.map_or(1, |r| r.attempts);
        let mut delay = retry.map_or(Duration::ZERO, |r| r.delay);
        let mut attempts = 0;
        loop {
            attempts += 1;
            let resp = match self.send_authed(pr, http, rendered, auth, timeout).await {
                Ok(r) => r,
                Err(e) => {
                    return Execution {
                        attempts,
                        result: Err(e),
                        gave_up: None,
                    };
                }
            };
            let Some(retry) = retry else {
                return Execution {
                    attempts,
                    result: Ok(resp),
                    gave_up: None,
                };
            };
            let cx = EvalCtx {
                templates: &self.plan.templates,
                vars,
                paths: &self.plan.paths,
                schemas: &self.plan.schemas,
                base_dir: &c.base_dir,
            };
            let until = retry.until.as_ref().unwrap_or(&pr.req.expect);
            let outcomes = eval::evaluate(until, &resp, &cx);
            if eval::all_passed(&outcomes) {
                return Execution {
                    attempts,
                    result: Ok(resp),
                    gave_up: None,
                };
            }
            let over_time = retry
                .timeout
                .is_some_and(|cap| started.elapsed() + delay > cap);
            if attempts >= attempts_max || over_time {
                let why = if over_time {
                    format!(
                        "the overall timeout of {} would pass",
                        humantime::format_duration(retry.timeout.unwrap_or_default())
                    )
                } else {
                    format!("{attempts} attempts")
                };
                return Execution {
                    attempts,
                    result: Ok(resp),
                    gave_up: Some(format!(
                        "polling gave up after {why} ({} elapsed); the condition was not met: {}",
                        format_ms(started.elapsed()),
                        first_failure(&outcomes)
                    )),
                };
            }
            tokio::time::sleep(delay).await;
            delay = next_delay(delay, retry.backoff, retry.max_delay);
        }
    }

    async fn send_authed(
        &self,
        pr: &PlannedRequest,
        http: &Http,
        rendered: &mut RenderedRequest,
        auth: &Applied,
        timeout: Duration,
    ) -> Result<Response, String> {
        let Applied::OAuth2(tr) = auth else {
            return http.send(rendered, timeout, pr.follow_redirects).await;
        };
        let token = self
            .tokens
            .token(&self.token_client, tr, None, &self.redactor)
            .await?;
        set_header(
            rendered,
            "authorization",
            format!("Bearer {}", token.access_token),
        );
        let resp = http.send(rendered, timeout, pr.follow_redirects).await?;
        if resp.status != 401 {
            return Ok(resp);
        }
        // The token may have been revoked or expired early: fetch a new one, try once more.
        let fresh = self
            .tokens
            .token(
                &self.token_client,
                tr,
                Some(&token.access_token),
                &self.redactor,
            )
            .await?;
        set_header(
            rendered,
            "authorization",
            format!("Bearer {}", fresh.access_token),
        );
        http.send(rendered, timeout, pr.follow_redirects).await
    }

    fn masked(&self, mut r: RequestRecord) -> RequestRecord {
        let m = |s: &str| self.redactor.redact(s);
        r.url = m(&r.url);
        r.message = r.message.map(|s| m(&s));
        r.curl = r.curl.map(|s| m(&s));
        for o in &mut r.outcomes {
            o.expected = m(&o.expected);
            o.actual = m(&o.actual);
        }
        for (_, v) in &mut r.captures {
            *v = self.redactor.redact_json(v);
        }
        for (k, v) in &mut r.request_headers {
            *v = if is_credential_header(k) {
                crate::secret::MASK.to_string()
            } else {
                m(v)
            };
        }
        if let Some(resp) = &mut r.response {
            resp.body = m(&resp.body);
            for (_, v) in &mut resp.headers {
                *v = m(v);
            }
        }
        r
    }
}

fn not_sent(d: &crate::diagnostic::Diagnostic) -> String {
    format!("not sent: {}", d.render().trim_start_matches("error: "))
}

fn is_credential_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization")
}

struct Execution {
    attempts: u32,
    result: Result<Response, String>,
    gave_up: Option<String>,
}

/// The delay grows by `backoff` each time, up to `max_delay` (and never past an hour).
fn next_delay(d: Duration, backoff: f64, max: Option<Duration>) -> Duration {
    let cap = max.unwrap_or(MAX_POLL_DELAY).min(MAX_POLL_DELAY);
    Duration::try_from_secs_f64(d.as_secs_f64() * backoff)
        .unwrap_or(cap)
        .min(cap)
}

const MAX_POLL_DELAY: Duration = Duration::from_secs(3600);

fn first_failure(outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .find(|o| !o.passed)
        .map(|o| format!("`{}` expected {}, got {}", o.written, o.expected, o.actual))
        .unwrap_or_default()
}

pub fn format_ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

const BODY_EXCERPT: usize = 2_000;

fn summary(resp: &Response) -> ResponseSummary {
    let text = match resp.json() {
        Some(json) => serde_json::to_string_pretty(json).unwrap_or_default(),
        None => resp.text().into_owned(),
    };
    let body = if text.chars().count() > BODY_EXCERPT {
        let cut: String = text.chars().take(BODY_EXCERPT).collect();
        format!("{cut}\n… ({} bytes in all)", resp.body.len())
    } else {
        text
    };
    ResponseSummary {
        status: resp.status,
        headers: resp.headers.clone(),
        body,
        body_len: resp.body.len(),
    }
}
