//! One request of a collection run: its variables (the scope's, the data row, captures), the
//! reasons not to send it (a `skip:`, a value an earlier request failed to capture), rendering,
//! sending, evaluating, capturing and the snapshot — into one record.

use super::record::{RequestRecord, State};
use super::render::{Applied, apply_auth, render_request, set_header};
use super::{Runner, summary};
use crate::contract::{Answered, Finding, Hit, Operation};
use crate::diagnostic::Diagnostic;
use crate::eval::{self, Outcome};
use crate::exchange::Response;
use crate::http::{Http, to_curl};
use crate::http::{RenderedBody, RenderedRequest};
use crate::model::ContractMode;
use crate::outcome::Exit;
use crate::plan::vars::Resolved;
use crate::plan::{Contract, PlannedCollection, PlannedRequest};
use crate::template::Vars;
use serde_json::Value;
use std::collections::HashMap;

/// What one collection run carries from request to request.
pub(super) struct UnitState<'u> {
    row: Option<&'u Vars>,
    pub iteration: Option<usize>,
    pub captures: Vars,
    /// Each scope's starting variables for this collection run.
    scopes: HashMap<usize, Resolved>,
    /// Variables an earlier request should have captured and did not, with why.
    lost: HashMap<String, String>,
    /// Captures of the request being finished whose `when:` did not hold: not lost.
    passed_over: Vec<String>,
    /// Variables whose last capture was passed over by its `when:`, with why: said when a
    /// later request needs one that has no value at all.
    unmet: HashMap<String, String>,
}

impl<'u> UnitState<'u> {
    pub(super) fn new(row: Option<&'u Vars>, iteration: Option<usize>) -> UnitState<'u> {
        UnitState {
            row,
            iteration,
            captures: Vars::new(),
            scopes: HashMap::new(),
            lost: HashMap::new(),
            passed_over: Vec::new(),
            unmet: HashMap::new(),
        }
    }

    fn resolve(&mut self, r: &Runner, pr: &PlannedRequest) -> Resolved {
        let t = &r.plan.templates;
        let run = self
            .scopes
            .entry(pr.scope.id)
            .or_insert_with(|| pr.scope.for_run(t, self.row, &r.plan.pinned));
        pr.scope.with_captures(t, run, &self.captures)
    }

    /// Remembers what a finished request captured, and what it should have and did not.
    pub(super) fn finished(&mut self, pr: &PlannedRequest, rec: &RequestRecord) {
        for cap in &pr.req.captures {
            if rec.captures.iter().any(|(n, _)| n == &cap.var) || rec.state == State::Rendered {
                self.lost.remove(&cap.var);
                self.unmet.remove(&cap.var);
                continue;
            }
            // A conditional capture not taken leaves the value as it was, as `optional` does:
            // its condition did not hold, or there was no response to hold it against.
            if cap.when.is_some() && rec.state != State::Failed
                || self.passed_over.contains(&cap.var)
            {
                let how = match (self.passed_over.contains(&cap.var), rec.state) {
                    (true, _) => "and it did not",
                    (false, State::Skipped) => "but it was skipped",
                    (false, _) => "but it could not complete",
                };
                let why = format!(
                    "which request `{}` captures only when its `when:` holds ({}), {how}",
                    rec.name, cap.span
                );
                self.unmet.insert(cap.var.clone(), why);
                continue;
            }
            // Skipped by its `skip:` (a login sent only until the token is held) with a value
            // captured before: the value it had stays, as a capture not made keeps it.
            let held = rec.state == State::Skipped && self.captures.contains_key(&cap.var);
            if cap.optional || held {
                // Nothing captured, nothing lost: the value it had stays.
                continue;
            }
            let why = match rec.state {
                State::Skipped => format!(
                    "which request `{}` ({}) captures, but it was skipped",
                    rec.name, pr.req.span
                ),
                State::Failed => format!(
                    "whose capture failed in request `{}` ({})",
                    rec.name, cap.span
                ),
                _ => format!(
                    "which request `{}` ({}) captures, but it could not complete",
                    rec.name, pr.req.span
                ),
            };
            self.lost.insert(cap.var.clone(), why);
        }
        self.passed_over.clear();
    }

    /// The variables a request's `repeat.while` reads after a send.
    fn after_send(&mut self, r: &Runner, pr: &PlannedRequest) -> Vars {
        self.resolve(r, pr).vars
    }

    /// The request's `set:` values did not happen: later requests that need them are skipped.
    fn lose_sets(&mut self, pr: &PlannedRequest, why: &str) {
        for set in &pr.req.sets {
            let because = format!(
                "which request `{}` ({}) sets, but {why}",
                pr.req.name, set.span
            );
            self.lost.insert(set.name.clone(), because);
        }
    }

    /// Why a request could not be built, when it is a variable without a value because a
    /// capture's `when:` did not hold: said in place of the template's "undefined".
    fn unmet_need(&self, rec: &mut RequestRecord) {
        let Some(message) = rec.message.as_deref() else {
            return;
        };
        let unmet = self
            .unmet
            .iter()
            .find(|(n, _)| message.contains(&format!("`{n}` is undefined")));
        if let Some((n, why)) = unmet {
            rec.message = Some(format!("not sent: needs `{n}`, {why}"));
            // The collection is fine: the API answered otherwise. A failure, not bad input.
            rec.state = State::Failed;
        }
    }

    /// Why the request cannot be sent: it needs a value an earlier request did not capture.
    fn missing_capture(&self, pr: &PlannedRequest) -> Option<String> {
        pr.needs.iter().find_map(|n| {
            self.lost
                .get(n)
                .map(|why| format!("skipped: needs `{n}`, {why}"))
        })
    }
}

/// The request being run: its collection, its plan, and the variables it was rendered with.
#[derive(Clone, Copy)]
pub(super) struct Exchange<'a> {
    pub c: &'a PlannedCollection,
    pub pr: &'a PlannedRequest,
    pub vars: &'a Vars,
}

/// A request rendered and ready to send, with its variables and how it authenticates.
struct Ready {
    rendered: crate::http::RenderedRequest,
    auth: Applied,
    vars: Vars,
}

impl Runner {
    pub(super) async fn run_request(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        http: &Http,
        st: &mut UnitState<'_>,
    ) -> RequestRecord {
        if let Err(rec) = self.token_variable(c, pr, st).await {
            return *rec;
        }
        let Ready {
            mut rendered,
            auth,
            vars,
        } = match self.ready(c, pr, st) {
            Ok(ready) => ready,
            Err(mut rec) => {
                if rec.state == State::Invalid {
                    st.unmet_need(&mut rec);
                }
                return *rec;
            }
        };
        let sent = request_findings(pr, &rendered, &self.redactor);
        if !eval::all_passed(&sent) {
            return self.not_sent(c, pr, &rendered, sent);
        }
        if self.options.dry_run {
            return self.dry_run(c, pr, rendered, &auth, &mut st.captures);
        }
        if let Some(delay) = pr.req.delay {
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = self.control.cancelled() => {
                    let why = "not run: the run was interrupted".to_string();
                    return self.record(c, pr, State::NotRun, Some(why));
                }
            }
        }
        let x = Exchange { c, pr, vars: &vars };
        let exec = self.execute(x, http, &mut rendered, &auth).await;
        let mut rec = self.record(c, pr, State::Passed, None);
        rec.url = rendered.url.clone();
        rec.request_headers = rendered.headers.clone();
        rec.attempts = exec.attempts;
        rec.steps = exec.steps;
        rec.duration = exec.elapsed;
        let mut resp = match exec.result {
            Ok(resp) => resp,
            Err(e) => {
                rec.state = match e.exit() {
                    Exit::Interrupted => State::NotRun,
                    Exit::Invalid => State::Invalid,
                    _ => State::Errored,
                };
                rec.message = Some(e.to_string());
                return rec;
            }
        };
        self.keep_response(&resp, exec.attempts, &mut rec);
        rec.message = exec.gave_up;
        self.evaluate(x, &resp, st, &rendered.url, &mut rec);
        // Warnings about what it sent come before those about what came back.
        rec.outcomes.splice(0..0, sent);
        resp.release_json();
        rec
    }

    /// The token of the request's `oauth2` block, as the block's `variable:` when the request
    /// reads it: fetched (or taken from the run's cache, which `Authorization` then uses too)
    /// before the request is rendered, and kept for the rest of the collection run.
    async fn token_variable(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        st: &mut UnitState<'_>,
    ) -> Result<(), Box<RequestRecord>> {
        let Some(crate::model::AuthSpec::OAuth2(o)) = pr.auth.as_deref() else {
            return Ok(());
        };
        let Some(var) = o.variable.as_ref().filter(|v| pr.needs.contains(v)) else {
            return Ok(());
        };
        if self.options.dry_run {
            let shown = Value::String("<token from the oauth2 block>".into());
            st.captures.insert(var.clone(), shown);
            return Ok(());
        }
        let vars = st.resolve(self, pr).vars;
        let tr = super::render::token_request(o, &self.plan.templates, &vars)
            .map_err(|d| Box::new(self.invalid(c, pr, &d)))?;
        let obtained = self
            .tokens
            .obtain(&self.token_client, &tr, None, &self.redactor)
            .await;
        match obtained {
            Ok((token, _)) => {
                st.captures
                    .insert(var.clone(), Value::String(token.access_token));
                Ok(())
            }
            Err(e) => {
                let state = match e.exit() {
                    Exit::Interrupted => State::NotRun,
                    Exit::Invalid => State::Invalid,
                    _ => State::Errored,
                };
                Err(Box::new(self.record(c, pr, state, Some(e.to_string()))))
            }
        }
    }

    /// A request whose body breaks the API document (`requests: true`, `contract: error`):
    /// failed with the findings, never sent.
    fn not_sent(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        rendered: &RenderedRequest,
        findings: Vec<Outcome>,
    ) -> RequestRecord {
        let why = "not sent: its body breaks the API document".to_string();
        let mut rec = self.record(c, pr, State::Failed, Some(why));
        rec.url = rendered.url.clone();
        rec.request_headers = rendered.headers.clone();
        rec.outcomes = findings;
        rec
    }

    /// The request's `set:` values given, its `skip:`s read, and the request rendered with its
    /// auth; or the record of why it is not sent.
    fn ready(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        st: &mut UnitState<'_>,
    ) -> Result<Ready, Box<RequestRecord>> {
        let t = &self.plan.templates;
        let invalid = |d: &Diagnostic| Box::new(self.invalid(c, pr, d));
        if let Some(why) = st.missing_capture(pr) {
            st.lose_sets(pr, "it was skipped");
            return Err(Box::new(self.record(c, pr, State::Skipped, Some(why))));
        }
        let mut resolved = st.resolve(self, pr);
        if let Some((_, d)) = resolved.failed.iter().find(|(n, _)| pr.needs.contains(n)) {
            st.lose_sets(pr, "it could not be built");
            return Err(invalid(d));
        }
        for set in &pr.req.sets {
            match t.render_tvalue(&set.value, &resolved.vars) {
                Ok(v) => {
                    st.captures.insert(set.name.clone(), v);
                    st.lost.remove(&set.name);
                    resolved = st.resolve(self, pr);
                }
                Err(d) => {
                    st.lose_sets(pr, "its `set:` failed");
                    return Err(invalid(&d));
                }
            }
        }
        let vars = resolved.vars;
        for skip in &pr.skips {
            if let Some(why) = t.skip_reason(skip, &vars).map_err(|d| invalid(&d))? {
                let why = format!("skipped: {}", self.redactor.redact(&why));
                return Err(Box::new(self.record(c, pr, State::Skipped, Some(why))));
            }
        }
        let mut rendered = render_request(pr, t, &vars, &c.base_dir).map_err(|d| invalid(&d))?;
        let target = (&c.path, pr.full_name());
        if let Some(a) = self
            .options
            .adjust
            .as_ref()
            .filter(|a| (&a.target.0, a.target.1.clone()) == target)
            && let Err(e) = a.apply(&mut rendered)
        {
            return Err(invalid(&Diagnostic::new(e.to_string())));
        }
        let auth = apply_auth(&mut rendered, pr.auth.as_deref(), t, &vars, &self.redactor)
            .map_err(|d| invalid(&d))?;
        super::render::mark_sensitive(&mut rendered, &self.redactor);
        Ok(Ready {
            rendered,
            auth,
            vars,
        })
    }

    /// What the record keeps of the response: its status and time, and (as asked) its
    /// summary, its body (cut to the limit) and its bytes on the wire.
    fn keep_response(&self, resp: &Response, attempts: u32, rec: &mut RequestRecord) {
        rec.status = Some(resp.status);
        if attempts > 1 {
            rec.last_duration = Some(resp.duration);
        } else {
            // One exchange: the time shown is the time `expect.time` judges.
            rec.duration = resp.duration;
        }
        if self.options.keep_responses {
            rec.response = Some(summary(resp, &self.redactor));
        }
        if self.options.keep_bodies {
            rec.body = Some(match self.options.body_limit {
                Some(limit) if resp.body.len() > limit => {
                    kept_body(&resp.body, limit, &self.redactor)
                }
                _ => resp.body.clone(),
            });
        }
        if self.options.keep_wire {
            rec.wire = Some(resp.wire.clone());
        }
    }

    /// Assertions (with the default status rule), the snapshot and the captures.
    fn evaluate(
        &self,
        x: Exchange<'_>,
        resp: &Response,
        st: &mut UnitState<'_>,
        url: &str,
        rec: &mut RequestRecord,
    ) {
        let Exchange { c, pr, vars } = x;
        let cx = self.eval_ctx(vars, c);
        rec.outcomes = eval::evaluate(&pr.req.expect, resp, &cx);
        if pr.req.fails_on_error_status() && resp.status >= 400 {
            rec.outcomes.insert(0, error_status(pr, resp.status));
        }
        let (found, hit) = contract_outcomes(pr, resp, url, &self.redactor);
        rec.outcomes.extend(found);
        rec.contract = hit;
        let mut capture_errors = Vec::new();
        let mut newly_secret = false;
        for cap in &pr.req.captures {
            if let Some(when) = &cap.when
                && !eval::all_passed(&eval::evaluate(when, resp, &cx))
            {
                st.passed_over.push(cap.var.clone());
                continue;
            }
            let found = eval::capture(cap, resp, &cx).and_then(|v| {
                let v = if cap.length { eval::length_of(v)? } else { v };
                Ok(match cap.as_type {
                    Some(to) => eval::converted(to, v),
                    None => v,
                })
            });
            // A JSON `null` is nothing too: the default stands in for it (what Newman sends
            // for a `set()` of a null, `"null"`, is the default the import writes).
            let found = match (found, &cap.default) {
                (Err(_) | Ok(Value::Null), Some(d)) => Ok(d.clone()),
                (other, _) => other,
            };
            match found {
                Ok(v) => {
                    newly_secret |= self.credential_vars.register(&cap.var, &v, &self.redactor);
                    st.captures.insert(cap.var.clone(), v.clone());
                    rec.captures.push((cap.var.clone(), v));
                }
                Err(_) if cap.optional => {}
                Err(e) => capture_errors.push(capture_failed(cap, &e)),
            }
        }
        if newly_secret && rec.response.is_some() {
            // Kept before the captures: masked again with what they made secret.
            rec.response = Some(summary(resp, &self.redactor));
        }
        // After the captures: an id this response hands out is named in its own snapshot too.
        // A failed request's response is never written as a snapshot.
        let failing = !eval::all_passed(&rec.outcomes) || !capture_errors.is_empty();
        self.snapshot(x, resp, url, st, failing, rec);
        if !capture_errors.is_empty() {
            let joined = capture_errors.join("\n");
            rec.message = Some(match rec.message.take() {
                Some(m) => format!("{m}\n{joined}"),
                None => joined,
            });
        }
        if let Some(reason) = pr.req.marks.as_ref().and_then(|m| m.fail.as_ref()) {
            let why = format!("fail: {reason}");
            rec.message = Some(match rec.message.take() {
                Some(m) => format!("{m}\n{why}"),
                None => why,
            });
        }
        let snapshot_failed = rec.snapshot.as_ref().is_some_and(|s| s.failed());
        if !eval::all_passed(&rec.outcomes) || rec.message.is_some() || snapshot_failed {
            rec.state = State::Failed;
            // A failure always shows the start of its response.
            if rec.response.is_none() {
                rec.response = Some(summary(resp, &self.redactor));
            }
        }
    }

    fn dry_run(
        &self,
        c: &PlannedCollection,
        pr: &PlannedRequest,
        mut rendered: crate::http::RenderedRequest,
        auth: &Applied,
        captures: &mut Vars,
    ) -> RequestRecord {
        if let Applied::OAuth2(tr) = auth {
            tr.register_secrets(&self.redactor);
            set_header(
                &mut rendered,
                "authorization",
                "Bearer <token from the oauth2 block>".into(),
            );
        }
        let mut rec = self.record(c, pr, State::Rendered, None);
        rec.url = rendered.url.clone();
        rec.curl = Some(to_curl(&rendered, &|s| self.redactor.redact(s)));
        // Later requests render with placeholders where a real run would have captured.
        for cap in &pr.req.captures {
            captures.insert(cap.var.clone(), Value::String(format!("__{}__", cap.var)));
        }
        rec
    }
}

impl Runner {
    /// Whether a request with `repeat:` is sent again after this send: only after an exchange
    /// (a request skipped, not built or without an answer is not repeated), and not once the
    /// run is halted. A `while:` that still holds at `max:` sends, or does not render, fails
    /// the last record.
    pub(super) fn again(
        &self,
        pr: &PlannedRequest,
        st: &mut UnitState<'_>,
        rec: &mut RequestRecord,
        sends: u32,
    ) -> bool {
        let Some(repeat) = pr.req.marks.as_ref().and_then(|m| m.repeat.as_ref()) else {
            return false;
        };
        let exchanged = matches!(rec.state, State::Passed | State::Failed);
        if !exchanged || self.control.halted().is_some() {
            return false;
        }
        let Some(cond) = &repeat.while_ else {
            return sends < repeat.times.unwrap_or(1);
        };
        let vars = st.after_send(self, pr);
        let fail = |rec: &mut RequestRecord, why: String| {
            rec.state = State::Failed;
            rec.message = Some(match rec.message.take() {
                Some(m) => format!("{m}\n{why}"),
                None => why,
            });
        };
        match self.plan.templates.holds(cond, &vars) {
            Ok(false) => false,
            Ok(true) if sends < repeat.max => true,
            Ok(true) => {
                let why = format!(
                    "repeat: `{}` still holds after {sends} sends (`max: {}`, {})",
                    cond.source, repeat.max, repeat.span
                );
                fail(rec, why);
                false
            }
            Err(d) => {
                fail(
                    rec,
                    format!("repeat: `while` could not be rendered: {}", d.message),
                );
                false
            }
        }
    }
}

/// The start of a large body: masked while whole (a cut could halve a secret, or a character,
/// and the half would escape the mask), then cut at a character boundary at `limit` bytes.
fn kept_body(body: &[u8], limit: usize, redactor: &crate::secret::Redactor) -> Vec<u8> {
    let text = redactor.redact(&String::from_utf8_lossy(body));
    let mut end = limit.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.as_bytes()[..end].to_vec()
}

/// Why a capture failed; where the value may simply be missing, how to say so.
fn capture_failed(cap: &crate::model::Capture, e: &eval::CaptureError) -> String {
    use eval::CaptureError::{NoCookie, NoHeader, NoMatch, Nothing};
    let hint = match e {
        Nothing(_) | NoHeader(_) | NoCookie(_) | NoMatch(_) if cap.default.is_none() => {
            " (if it may be missing: `default:` gives a value, `optional: true` keeps the one it had)"
        }
        _ => "",
    };
    format!("capture `{}` ({}): {e}{hint}", cap.var, cap.span)
}

/// The failed default rule of a request without `expect.status`.
fn error_status(pr: &PlannedRequest, status: u16) -> Outcome {
    Outcome {
        span: pr.req.span.clone(),
        written: "status (no expect.status given: 4xx/5xx fail by default)".into(),
        passed: false,
        expected: "a status below 400 (`status: any` accepts every status)".into(),
        actual: status.to_string(),
        warning: false,
    }
}

impl Runner {
    /// A request that could not be built: the diagnostic is masked before it is rendered (and
    /// clipped), so no part of a secret in it survives.
    fn invalid(&self, c: &PlannedCollection, pr: &PlannedRequest, d: &Diagnostic) -> RequestRecord {
        let r = &self.redactor;
        let masked = Diagnostic {
            message: r.redact(&d.message),
            span: d.span.clone(),
            label: d.label.as_deref().map(|l| r.redact(l)),
            help: d.help.as_deref().map(|h| r.redact(h)),
        };
        let text = format!(
            "not sent: {}",
            masked.render().trim_start_matches("error: ")
        );
        self.record(c, pr, State::Invalid, Some(text))
    }
}

/// The response held against the API document (`openapi:`), as assertions at the request:
/// each names what the document says and where (`openapi.yaml#/paths/...`); with where the
/// response landed in the document, for coverage.
fn contract_outcomes(
    pr: &PlannedRequest,
    resp: &Response,
    url: &str,
    redactor: &crate::secret::Redactor,
) -> (Vec<Outcome>, Option<Hit>) {
    let Some(contract) = &pr.contract else {
        return (Vec::new(), None);
    };
    let doc = &contract.document;
    let path = url_path(url);
    let Some(op) = doc.operation(&pr.req.method, &path) else {
        let hit = Hit {
            document: doc.shared_name(),
            operation: None,
            response: None,
        };
        return (
            vec![not_in_document(pr, contract, &path, redactor)],
            Some(hit),
        );
    };
    let content_type = resp.header("content-type");
    let body_read = doc.reads_body(op, resp.status, content_type);
    let json = match body_read {
        true => resp.json_value(),
        false => None,
    };
    let seen = Answered {
        status: resp.status,
        content_type,
        headers: resp.headers.iter().map(|(n, _)| n.as_str()).collect(),
        body: json.as_ref(),
        body_read,
    };
    let outcomes = doc
        .check(op, &seen)
        .into_iter()
        .map(|f| finding(pr, contract, op, f, redactor))
        .collect();
    let hit = Hit {
        document: doc.shared_name(),
        operation: Some(op.shared_name()),
        response: op.shared_response_key(resp.status),
    };
    (outcomes, Some(hit))
}

/// The request's JSON body held against its operation's `requestBody` (`openapi:` with
/// `requests: true`), before it is sent.
fn request_findings(
    pr: &PlannedRequest,
    rendered: &RenderedRequest,
    redactor: &crate::secret::Redactor,
) -> Vec<Outcome> {
    let Some(contract) = pr.contract.as_ref().filter(|c| c.requests) else {
        return Vec::new();
    };
    let doc = &contract.document;
    let path = url_path(&rendered.url);
    let Some(op) = doc.operation(&pr.req.method, &path) else {
        return Vec::new();
    };
    let content_type = rendered
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str());
    let (json, sent) = match &rendered.body {
        RenderedBody::None => (None, false),
        RenderedBody::Json(t) | RenderedBody::Text(t) => (serde_json::from_str(t).ok(), true),
        _ => (None, true),
    };
    doc.check_request(op, content_type, json.as_ref(), sent)
        .into_iter()
        .map(|f| finding(pr, contract, op, f, redactor))
        .collect()
}

/// The path of a URL the run built (`http://h:1/a/b?q` → `/a/b`): read off the text, as a
/// full parse costs more than the whole contract check.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("/").to_string()
}

/// A finding as an assertion of the request: failing under `contract: error`, a warning
/// under `warn`.
fn finding(
    pr: &PlannedRequest,
    contract: &Contract,
    op: &Operation,
    f: Finding,
    redactor: &crate::secret::Redactor,
) -> Outcome {
    let warn = contract.mode == ContractMode::Warn;
    Outcome {
        span: pr.req.span.clone(),
        written: format!(
            "contract: {} ({} {}, {})",
            f.what, op.method, op.template, f.rule
        ),
        passed: warn,
        expected: redactor.redact(&f.expected),
        actual: redactor.clip(&f.actual, eval::SHOWN_MAX),
        warning: warn,
    }
}

fn not_in_document(
    pr: &PlannedRequest,
    contract: &Contract,
    path: &str,
    redactor: &crate::secret::Redactor,
) -> Outcome {
    let warn = contract.mode == ContractMode::Warn;
    let expected = format!(
        "an operation for {} {path} in {}",
        pr.req.method,
        contract.document.shown()
    );
    Outcome {
        span: pr.req.span.clone(),
        written: "contract: operation".into(),
        passed: warn,
        expected: redactor.redact(&expected),
        actual: "not in the API document".into(),
        warning: warn,
    }
}
