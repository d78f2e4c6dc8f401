//! Sending one request: the OAuth2 token (one refetch and resend after a 401), polling with its
//! delays and `Retry-After`, and a step per send for `--verbose` and the reports.

use super::Runner;
use super::record::Step;
use super::render::{Applied, set_header};
use super::request::Exchange;
use crate::auth::Obtained;
use crate::eval::{self, EvalCtx, Outcome};
use crate::exchange::Response;
use crate::http::{Http, RenderedRequest};
use crate::outcome::RunError;
use crate::plan::{PlannedCollection, PlannedRequest};
use crate::template::Vars;
use std::time::{Duration, Instant};

/// What sending a request came to.
pub(super) struct Execution {
    /// Every send, the resend after a 401 included.
    pub attempts: u32,
    pub result: Result<Response, RunError>,
    /// Polling ran out before its condition held.
    pub gave_up: Option<String>,
    pub steps: Vec<Step>,
    /// From the first send to the last answer, time spent getting tokens left out.
    pub elapsed: Duration,
}

/// The sends made so far, for the record, and the clock they run against.
struct Trace {
    attempts: u32,
    steps: Vec<Step>,
    /// Time spent getting tokens: not the request's own time.
    token_time: Duration,
    /// When the first send started, and how long each may take.
    started: Instant,
    timeout: Duration,
}

impl Trace {
    fn new(timeout: Duration) -> Trace {
        Trace {
            attempts: 0,
            steps: Vec::new(),
            token_time: Duration::ZERO,
            started: Instant::now(),
            timeout,
        }
    }

    fn sent(&mut self, resp: &Response) {
        self.attempts += 1;
        self.steps.push(Step::Sent {
            attempt: self.attempts,
            status: resp.status,
            duration: resp.duration,
            then: None,
        });
    }

    /// Says why the last send was followed by another.
    fn then(&mut self, why: String) {
        if let Some(Step::Sent { then, .. }) = self.steps.last_mut() {
            *then = Some(why);
        }
    }

    fn token(&mut self, how: &Obtained) {
        self.steps.push(match how {
            Obtained::Cached => Step::Token {
                fetched_from: None,
                stored: false,
                duration: Duration::ZERO,
                answer: None,
                sent: None,
            },
            Obtained::Stored => Step::Token {
                fetched_from: None,
                stored: true,
                duration: Duration::ZERO,
                answer: None,
                sent: None,
            },
            Obtained::Fetched {
                url,
                elapsed,
                answer,
                sent,
            } => Step::Token {
                fetched_from: Some(url.clone()),
                stored: false,
                duration: *elapsed,
                answer: Some(answer.clone()),
                sent: Some(sent.clone()),
            },
        });
    }
}

impl Runner {
    /// Sends, with one token refetch after a 401 and the request's polling, if any.
    pub(super) async fn execute(
        &self,
        x: Exchange<'_>,
        http: &Http,
        rendered: &mut RenderedRequest,
        auth: &Applied,
    ) -> Execution {
        let mut trace = Trace::new(x.pr.timeout.unwrap_or(self.options.timeout));
        let result = self.poll(x, http, rendered, auth, &mut trace).await;
        let (result, gave_up) = match result {
            Ok((resp, gave_up)) => (Ok(resp), gave_up),
            Err(e) => (Err(e), None),
        };
        Execution {
            attempts: trace.attempts,
            result,
            gave_up,
            steps: trace.steps,
            elapsed: trace.started.elapsed().saturating_sub(trace.token_time),
        }
    }

    async fn poll(
        &self,
        x: Exchange<'_>,
        http: &Http,
        rendered: &mut RenderedRequest,
        auth: &Applied,
        trace: &mut Trace,
    ) -> Result<(Response, Option<String>), RunError> {
        let Exchange { c, pr, vars } = x;
        let (started, timeout) = (trace.started, trace.timeout);
        let retry = pr.req.retry.as_ref();
        let attempts_max = retry.map_or(1, |r| r.attempts);
        let mut delay = retry.map_or(Duration::ZERO, |r| r.delay);
        let mut polls = 0;
        loop {
            polls += 1;
            let resp = tokio::select! {
                r = self.send_authed(pr, http, rendered, auth, timeout, trace) => r?,
                _ = self.control.cancelled() => return Err(RunError::Interrupted),
            };
            let Some(retry) = retry else {
                return Ok((resp, None));
            };
            let cx = self.eval_ctx(vars, c);
            let until = retry.until.as_ref().unwrap_or(&pr.req.expect);
            let outcomes = eval::evaluate(until, &resp, &cx);
            if eval::all_passed(&outcomes) {
                return Ok((resp, None));
            }
            let over_time = retry
                .timeout
                .is_some_and(|cap| started.elapsed() + delay > cap);
            if polls >= attempts_max || over_time {
                let why = if over_time {
                    format!(
                        "the overall timeout of {} would pass",
                        humantime::format_duration(retry.timeout.unwrap_or_default())
                    )
                } else {
                    format!("{polls} attempts")
                };
                let gave_up = format!(
                    "polling gave up after {why} ({} elapsed); the condition was not met: {}",
                    format_ms(started.elapsed()),
                    first_failure(&outcomes)
                );
                return Ok((resp, Some(gave_up)));
            }
            let asked = retry_after(&resp);
            if let Some(asked) = asked {
                // A wait beyond what is left of every bound gives up now, not after it.
                let left = wait_budget(retry, started, timeout);
                if asked > left {
                    let gave_up = format!(
                        "polling gave up: the server asked to wait {} (Retry-After), more than the {} left",
                        humantime::format_duration(asked),
                        humantime::format_duration(round_s(left))
                    );
                    return Ok((resp, Some(gave_up)));
                }
            }
            let wait = asked.map_or(delay, |ra| ra.max(delay));
            trace.then(format!(
                "the condition was not met ({}); next attempt in {}",
                first_failure(&outcomes),
                humantime::format_duration(round_ms(wait))
            ));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.control.cancelled() => return Err(RunError::Interrupted),
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
        trace: &mut Trace,
    ) -> Result<Response, RunError> {
        if !matches!(
            pr.auth.as_deref(),
            None | Some(crate::model::AuthSpec::None)
        ) && let Some((host, text)) = crate::auth::plain_http_warning(&rendered.url, "API")
        {
            self.warn_once(&host, text);
        }
        let redirects = pr.redirects;
        // The request's timeout bounds the request as a whole, getting its token included.
        let began = Instant::now();
        let left = |what: &str| {
            let left = timeout.saturating_sub(began.elapsed());
            match left.is_zero() {
                true => Err(token_deadline(timeout, what)),
                false => Ok(left),
            }
        };
        let send = async |r: &RenderedRequest, trace: &mut Trace, within: Duration| {
            let resp = http.send(r, within, redirects).await?;
            trace.sent(&resp);
            Ok::<Response, RunError>(resp)
        };
        let Applied::OAuth2(tr) = auth else {
            return send(rendered, trace, timeout).await;
        };
        let token = self
            .bearer(tr, None, rendered, trace, (left("")?, timeout))
            .await?;
        let resp = send(rendered, trace, left("after its token")?).await?;
        if resp.status != 401 {
            return Ok(resp);
        }
        // The token may have been revoked or expired early: fetch a new one, try once more.
        trace.then("401: the token was refused; fetching a new one and sending again".into());
        let fresh = self
            .bearer(tr, Some(&token), rendered, trace, (left("")?, timeout))
            .await?;
        let again = send(rendered, trace, left("after its new token")?).await?;
        if again.status == 401 && !expects_status(&pr.req.expect, 401) {
            let challenge = again
                .header("www-authenticate")
                .map(|c| format!(" (WWW-Authenticate: {c})"))
                .unwrap_or_default();
            let carried = self.redactor.redact(&crate::auth::claims::carried(&fresh));
            return Err(RunError::TokenRefused { challenge, carried });
        }
        Ok(again)
    }
}

impl Runner {
    /// Sets `Authorization: Bearer` from the cache (a new token when `rejected` is the one held);
    /// returns the token used.
    async fn bearer(
        &self,
        tr: &crate::auth::TokenRequest,
        rejected: Option<&str>,
        rendered: &mut RenderedRequest,
        trace: &mut Trace,
        (within, timeout): (Duration, Duration),
    ) -> Result<String, RunError> {
        let began = Instant::now();
        let obtain = self
            .tokens
            .obtain(&self.token_client, tr, rejected, &self.redactor);
        // The token request has the run's timeout already; a shorter one bounds it here.
        let obtained = match timeout < self.options.timeout {
            true => tokio::time::timeout(within, obtain)
                .await
                .map_err(|_| token_deadline(timeout, "getting its token")),
            false => Ok(obtain.await),
        };
        trace.token_time += began.elapsed();
        let (token, how) = match obtained.and_then(|o| o) {
            Ok(pair) => pair,
            Err(e) => {
                // -vv shows what the failed token request carried: the question after a 400.
                trace.steps.push(Step::Token {
                    fetched_from: Some(tr.endpoint.shown().to_string()),
                    stored: false,
                    duration: began.elapsed(),
                    answer: Some("failed".into()),
                    sent: Some(self.redactor.redact(&tr.sent())),
                });
                return Err(e);
            }
        };
        if let Obtained::Fetched { url, .. } = &how
            && let Some((host, text)) = crate::auth::plain_http_warning(url, "token endpoint")
        {
            self.warn_once(&host, text);
        }
        trace.token(&how);
        set_header(
            rendered,
            "authorization",
            format!("Bearer {}", token.access_token),
        );
        Ok(token.access_token)
    }

    /// What assertions read: the plan's compiled parts and this request's variables.
    pub(super) fn eval_ctx<'a>(&'a self, vars: &'a Vars, c: &'a PlannedCollection) -> EvalCtx<'a> {
        EvalCtx {
            templates: &self.plan.templates,
            vars,
            paths: &self.plan.paths,
            schemas: &self.plan.schemas,
            base_dir: &c.base_dir,
            redactor: &self.redactor,
        }
    }
}

/// The request's timeout passed while (or before) `what` happened.
fn token_deadline(after: Duration, what: &str) -> RunError {
    let what = if what.is_empty() {
        "getting its token"
    } else {
        what
    };
    RunError::Timeout {
        after,
        cause: format!(
            "the request's timeout ran out {what} (a request's timeout bounds its token request too)"
        ),
    }
}

/// Whether the request's `expect.status` accepts this code literally (a test of a refusal).
fn expects_status(expect: &crate::model::Expect, code: u64) -> bool {
    use crate::model::{Op, TValue, Target};
    let is = |v: &TValue| matches!(v, TValue::Number(n) if n.as_u64() == Some(code));
    expect.any_status
        || expect
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

/// How long a request may still wait between attempts: what is left of `retry.timeout`, and
/// no more than `max_delay` or the request's own timeout (its `timeout`, or the run's).
fn wait_budget(retry: &crate::model::Retry, started: Instant, timeout: Duration) -> Duration {
    let mut left = timeout.min(MAX_POLL_DELAY);
    if let Some(cap) = retry.timeout {
        left = left.min(cap.saturating_sub(started.elapsed()));
    }
    if let Some(max) = retry.max_delay {
        left = left.min(max);
    }
    left
}

/// The wait a 429 or 503 asks for (`Retry-After` in seconds or as an HTTP date).
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
    Some(wait)
}

fn httpdate_to_system(v: &str) -> Option<std::time::SystemTime> {
    let dt = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = u64::try_from(dt.timestamp()).ok()?;
    Some(std::time::UNIX_EPOCH + Duration::from_secs(secs))
}

/// The delay grows by `backoff` each time, up to `max_delay` (and never past an hour).
fn next_delay(d: Duration, backoff: f64, max: Option<Duration>) -> Duration {
    let cap = max.unwrap_or(MAX_POLL_DELAY).min(MAX_POLL_DELAY);
    Duration::try_from_secs_f64(d.as_secs_f64() * backoff)
        .unwrap_or(cap)
        .min(cap)
}

const MAX_POLL_DELAY: Duration = Duration::from_secs(3600);

fn round_s(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs_f64().round() as u64)
}

fn round_ms(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis() as u64)
}

fn first_failure(outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .find(|o| !o.passed)
        .map(|o| format!("`{}` expected {}, got {}", o.written, o.expected, o.actual))
        .unwrap_or_default()
}

fn format_ms(d: Duration) -> String {
    super::format_ms(d)
}
