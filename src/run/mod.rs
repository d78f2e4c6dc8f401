//! The executor: runs a plan's collections, request by request (requests of one collection
//! chain through captures, so they stay in order), and sends an event per finished request.
//! It never formats output: reporters do.

pub mod record;
pub mod render;
mod snapshots;

use crate::auth::{TokenCache, token_client};
use crate::eval::{self, EvalCtx, Outcome};
use crate::exchange::Response;
use crate::http::{Http, RenderedRequest, to_curl};
use crate::plan::{Plan, PlannedCollection, PlannedRequest};
use crate::secret::Redactor;
use crate::template::Vars;
use record::{Event, RequestRecord, ResponseSummary, SnapshotOutcome, State};
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
    /// Collection runs at once.
    pub jobs: usize,
    /// Stop scheduling after the first failure.
    pub fail_fast: bool,
    /// Keep every response's headers and body start on its record (`--verbose`, the HTML
    /// report); otherwise only failures keep theirs.
    pub keep_responses: bool,
    /// `--token-cache`: the folder where tokens are kept between runs.
    pub token_cache: Option<std::path::PathBuf>,
    /// TLS and proxy settings.
    pub net: crate::net::NetOptions,
    pub snapshots: SnapshotMode,
}

/// What the run does with snapshots.
#[derive(Debug, Clone, Default)]
pub enum SnapshotMode {
    /// Compare; write missing ones (reported as new); leave changed ones pending beside the old.
    #[default]
    Check,
    /// `--update-snapshots`: rewrite new and changed ones in place.
    Update,
    /// `--ci` (or `CI` set): a missing snapshot fails; nothing is ever written.
    Ci,
    /// `yarc diff`: keep every response's snapshot text on its record; no files.
    Keep { ignore: Vec<crate::model::JsonPath> },
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dry_run: false,
            timeout: Duration::from_secs(30),
            max_body: crate::http::DEFAULT_MAX_BODY,
            jobs: 1,
            fail_fast: false,
            keep_responses: true,
            token_cache: None,
            net: crate::net::NetOptions::default(),
            snapshots: SnapshotMode::Check,
        }
    }
}

/// One collection run: a collection file, once per iteration. Units run concurrently; the
/// requests inside one stay in order, since they chain through captures.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Position in the run: output and reports follow it, whatever finishes first.
    pub index: usize,
    pub collection: usize,
    pub iteration: Option<Iteration>,
}

#[derive(Debug, Clone)]
pub struct Iteration {
    pub number: usize,
    pub total: usize,
    /// A data row's fields, as variables.
    pub row: Option<Vars>,
}

/// Every collection, once per iteration (or per data row), in a stable order.
pub fn units(collections: usize, iterations: usize, rows: Option<&[Vars]>) -> Vec<Unit> {
    let mut out = Vec::new();
    for c in 0..collections {
        match rows {
            Some(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    out.push((
                        c,
                        Some(Iteration {
                            number: i + 1,
                            total: rows.len(),
                            row: Some(row.clone()),
                        }),
                    ));
                }
            }
            None if iterations > 1 => {
                for i in 0..iterations {
                    out.push((
                        c,
                        Some(Iteration {
                            number: i + 1,
                            total: iterations,
                            row: None,
                        }),
                    ));
                }
            }
            None => out.push((c, None)),
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(index, (collection, iteration))| Unit {
            index,
            collection,
            iteration,
        })
        .collect()
}

/// The K-th of N parts (1-based): every N-th unit, starting at the K-th. Deterministic, so
/// that N CI jobs with K = 1..N together run every unit exactly once.
pub fn shard(units: Vec<Unit>, k: usize, n: usize) -> Vec<Unit> {
    units.into_iter().filter(|u| u.index % n == k - 1).collect()
}

/// Stops a run: `halt` stops scheduling (fail-fast), `interrupt` also cancels what is in flight.
pub struct Control {
    halted: std::sync::Mutex<Option<String>>,
    interrupted: tokio::sync::watch::Sender<bool>,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            halted: std::sync::Mutex::new(None),
            interrupted: tokio::sync::watch::channel(false).0,
        }
    }
}

impl Control {
    pub fn halt(&self, why: &str) {
        if let Ok(mut h) = self.halted.lock()
            && h.is_none()
        {
            *h = Some(why.to_string());
        }
    }

    pub fn interrupt(&self) {
        self.halt("the run was interrupted");
        self.interrupted.send_replace(true);
    }

    /// Why the run stopped, if it did.
    pub fn halted(&self) -> Option<String> {
        self.halted.lock().ok().and_then(|h| h.clone())
    }

    pub fn was_interrupted(&self) -> bool {
        *self.interrupted.borrow()
    }

    async fn cancelled(&self) {
        let mut rx = self.interrupted.subscribe();
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// Shared by every collection of a run.
pub struct Runner {
    pub plan: Arc<Plan>,
    pub options: RunOptions,
    pub tokens: Arc<TokenCache>,
    pub redactor: Arc<Redactor>,
    pub control: Arc<Control>,
    token_client: reqwest::Client,
    net: crate::net::Net,
    /// When the run began: records say when each request started, for the timeline.
    started: Instant,
}

impl Runner {
    pub fn new(
        plan: Arc<Plan>,
        options: RunOptions,
        redactor: Arc<Redactor>,
    ) -> Result<Runner, String> {
        let timeout = options.timeout;
        let net = crate::net::Net::new(&options.net)?;
        let token_store = options
            .token_cache
            .clone()
            .map(crate::token_store::TokenStore::new);
        Ok(Runner {
            plan,
            options,
            tokens: TokenCache::with(timeout, token_store),
            redactor,
            control: Arc::new(Control::default()),
            token_client: token_client(&net)?,
            net,
            started: Instant::now(),
        })
    }

    /// Runs the units, `jobs` at a time; returns the records in unit order.
    pub async fn run(
        self: &Arc<Self>,
        units: Vec<Unit>,
        events: &UnboundedSender<Event>,
    ) -> Vec<RequestRecord> {
        let slots = Arc::new(tokio::sync::Semaphore::new(self.options.jobs.max(1)));
        let mut handles = Vec::new();
        for unit in units {
            let me = Arc::clone(self);
            let slots = Arc::clone(&slots);
            let tx = events.clone();
            handles.push(tokio::spawn(async move {
                let _slot = slots.acquire_owned().await;
                me.run_unit(&unit, &tx).await
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            if let Ok(records) = h.await {
                all.extend(records);
            }
        }
        all
    }

    pub async fn run_unit(
        &self,
        unit: &Unit,
        events: &UnboundedSender<Event>,
    ) -> Vec<RequestRecord> {
        let c = &self.plan.collections[unit.collection];
        let iteration = unit.iteration.as_ref().map(|i| (i.number, i.total));
        let _ = events.send(Event::CollectionStarted {
            unit: unit.index,
            path: c.shown_path.clone(),
            name: c.name.clone(),
            iteration,
            requests: c.requests.len(),
            name_width: c
                .requests
                .iter()
                .map(|r| r.full_name().chars().count())
                .max()
                .unwrap_or(0),
        });
        let mut records = Vec::new();
        let http = Http::new(self.options.max_body, &self.net);
        let mut captures = Vars::new();
        let row = unit.iteration.as_ref().and_then(|i| i.row.as_ref());
        for pr in &c.requests {
            let began = self.started.elapsed();
            let mut record = match (&http, self.control.halted()) {
                (_, Some(why)) => {
                    self.record(c, pr, State::NotRun, Some(format!("not run: {why}")))
                }
                (Ok(http), None) => {
                    self.run_request(c, pr, http, row, iteration.map(|(n, _)| n), &mut captures)
                        .await
                }
                (Err(e), None) => self.record(c, pr, State::Errored, Some(e.clone())),
            };
            record.unit = unit.index;
            record.started = began;
            record.iteration = iteration.map(|(n, _)| n);
            if self.options.fail_fast && matches!(record.state, State::Failed | State::Errored) {
                self.control
                    .halt("--fail-fast stopped the run after the first failure");
            }
            let record = self.masked(record);
            let _ = events.send(Event::RequestFinished(Box::new(record.clone())));
            records.push(record);
        }
        let _ = events.send(Event::CollectionFinished { unit: unit.index });
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
            started: self.started.elapsed(),
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
            unit: 0,
            iteration: None,
            groups: pr.groups.clone(),
            request: pr.req.name.clone(),
            snapshot: None,
            snapshot_key: None,
            snapshot_text: None,
        }
    }

    async fn run_request(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        http: &Http,
        row: Option<&Vars>,
        iteration: Option<usize>,
        captures: &mut Vars,
    ) -> RequestRecord {
        let t = &self.plan.templates;
        let vars = self.request_vars(pr, row, captures);
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
                rec.state = if e == INTERRUPTED {
                    State::NotRun
                } else {
                    State::Errored
                };
                rec.message = Some(e);
                return rec;
            }
        };
        rec.status = Some(resp.status);
        rec.duration = resp.duration;
        if self.options.keep_responses {
            rec.response = Some(summary(&resp));
        }
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
        self.snapshot(
            c,
            pr,
            &resp,
            &rendered.url,
            &vars,
            captures,
            iteration,
            &mut rec,
        );
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
        let snapshot_failed = rec.snapshot.as_ref().is_some_and(|s| s.failed());
        if !eval::all_passed(&rec.outcomes) || rec.message.is_some() || snapshot_failed {
            rec.state = State::Failed;
            // A failure always shows the start of its response.
            if rec.response.is_none() {
                rec.response = Some(summary(&resp));
            }
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
            let sent = tokio::select! {
                r = self.send_authed(pr, http, rendered, auth, timeout) => r,
                _ = self.control.cancelled() => Err(INTERRUPTED.to_string()),
            };
            let resp = match sent {
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
            let wait = retry_after(&resp).map_or(delay, |ra| ra.max(delay));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.control.cancelled() => {
                    return Execution { attempts, result: Err(INTERRUPTED.to_string()), gave_up: None };
                }
            }
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
        if !matches!(pr.auth, None | Some(crate::model::AuthSpec::None)) {
            crate::auth::warn_plain_http(&rendered.url, "API");
        }
        let Applied::OAuth2(tr) = auth else {
            return http.send(rendered, timeout, pr.redirects).await;
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
        let resp = http.send(rendered, timeout, pr.redirects).await?;
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
        let again = http.send(rendered, timeout, pr.redirects).await?;
        if again.status == 401 && !expects_status(&pr.req.expect, 401) {
            let challenge = again
                .header("www-authenticate")
                .map(|c| format!(" (WWW-Authenticate: {c})"))
                .unwrap_or_default();
            return Err(format!(
                "the API answered 401 to a freshly fetched token too{challenge}: the token was rejected, \
                 not expired — a wrong tenant_id or a missing scope are the usual causes"
            ));
        }
        Ok(again)
    }

    /// Starting variables, then the data row (above the environment, below --var-file and
    /// --var), then captures.
    fn request_vars(&self, pr: &PlannedRequest, row: Option<&Vars>, captures: &Vars) -> Vars {
        let mut vars: Vars = (*pr.vars).clone();
        if let Some(row) = row {
            for (k, v) in row {
                vars.insert(k.clone(), v.clone());
            }
            let o = &self.plan.overrides;
            for (k, v) in o.var_file.iter().chain(&o.cli) {
                vars.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in captures {
            vars.insert(k.clone(), v.clone());
        }
        vars
    }

    fn masked(&self, mut r: RequestRecord) -> RequestRecord {
        let m = |s: &str| self.redactor.redact(s);
        r.url = m(&r.url);
        r.message = r.message.map(|s| m(&s));
        r.curl = r.curl.map(|s| m(&s));
        if let Some(SnapshotOutcome::Changed { diff, .. } | SnapshotOutcome::Updated { diff, .. }) =
            &mut r.snapshot
        {
            *diff = m(diff);
        }
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

/// Whether the request's `expect.status` accepts this code literally (a test of a refusal).
fn expects_status(expect: &crate::model::Expect, code: u64) -> bool {
    use crate::model::{Op, TValue, Target};
    let is = |v: &TValue| matches!(v, TValue::Number(n) if n.as_u64() == Some(code));
    expect
        .checks
        .iter()
        .filter(|c| matches!(c.target, Target::Status))
        .flat_map(|c| &c.predicates)
        .any(|p| match &p.op {
            Op::Equals(v) => is(v),
            Op::In(list) => list.iter().any(is),
            Op::StatusClass(c) => u64::from(*c) == code / 100,
            _ => false,
        })
}

const INTERRUPTED: &str = "not run: the run was interrupted";

/// The wait a 429 or 503 asks for (`Retry-After` in seconds or as an HTTP date), at most an hour.
fn retry_after(resp: &Response) -> Option<Duration> {
    if !matches!(resp.status, 429 | 503) {
        return None;
    }
    let v = resp.header("retry-after")?.trim();
    let wait = match v.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = httpdate_to_system(v)?;
            at.duration_since(std::time::SystemTime::now())
                .unwrap_or_default()
        }
    };
    Some(wait.min(MAX_POLL_DELAY))
}

fn httpdate_to_system(v: &str) -> Option<std::time::SystemTime> {
    let dt = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = u64::try_from(dt.timestamp()).ok()?;
    Some(std::time::UNIX_EPOCH + Duration::from_secs(secs))
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

/// Bodies larger than this are shown as their raw start, not pretty-printed whole first.
const PRETTY_MAX: usize = 64 * 1024;

fn summary(resp: &Response) -> ResponseSummary {
    let text = match resp.json() {
        Some(json) if resp.body.len() <= PRETTY_MAX => {
            serde_json::to_string_pretty(json).unwrap_or_default()
        }
        _ => String::from_utf8_lossy(&resp.body[..resp.body.len().min(BODY_EXCERPT * 4)])
            .into_owned(),
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
