//! The executor: runs a plan's collections, request by request (requests of one collection
//! chain through captures, so they stay in order), and sends an event per finished request.
//! It never formats output: reporters do.

mod credentials;
pub mod record;
pub mod render;
mod request;
mod send;
mod snapshots;

use crate::auth::{TokenCache, token_client};
use crate::exchange::Response;
use crate::http::Http;
use crate::outcome::Exit;
use crate::plan::{Plan, PlannedCollection, PlannedRequest};
use crate::secret::Redactor;
use crate::template::Vars;
use record::{Event, RequestRecord, ResponseSummary, SnapshotOutcome, State, Step, Summary};
use request::UnitState;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub dry_run: bool,
    /// Default per-request timeout (a request's own `timeout` wins).
    pub timeout: Duration,
    pub max_body: usize,
    /// The largest token or discovery answer read.
    pub max_token_body: usize,
    /// Collection runs at once.
    pub jobs: usize,
    /// Stop scheduling after the first failure.
    pub fail_fast: bool,
    /// Keep every response's headers and body start on its record (`--verbose`, the HTML
    /// report); otherwise only failures keep theirs.
    pub keep_responses: bool,
    /// Keep each response's whole body on its record (`--print`, `-o`, a run of one request).
    pub keep_bodies: bool,
    /// With `keep_bodies`: keep at most this many bytes of each body (masked whole first),
    /// so that a run of many large answers does not hold them all.
    pub body_limit: Option<usize>,
    /// Keep what went over the wire (`-vv`).
    pub keep_wire: bool,
    /// Hand back every record when the run ends (report files, `--print`, `yarc diff`);
    /// otherwise only failures come back and the rest exist only as events, so a long run
    /// does not grow with its requests.
    pub keep_records: bool,
    /// `--token-cache`: the folder where tokens are kept between runs.
    pub token_cache: Option<std::path::PathBuf>,
    /// TLS and proxy settings.
    pub net: crate::http::net::NetOptions,
    pub snapshots: SnapshotMode,
    /// `yarc ui`: changes for one send of one request.
    pub adjust: Option<render::Adjust>,
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
    Keep { ignore: Vec<crate::model::Selector> },
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            dry_run: false,
            timeout: Duration::from_secs(30),
            max_body: crate::http::DEFAULT_MAX_BODY,
            max_token_body: crate::auth::TOKEN_MAX_BODY,
            jobs: 1,
            fail_fast: false,
            keep_responses: true,
            keep_bodies: false,
            body_limit: None,
            keep_wire: false,
            keep_records: true,
            token_cache: None,
            net: crate::http::net::NetOptions::default(),
            snapshots: SnapshotMode::Check,
            adjust: None,
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
    /// How the interrupted run ends: SIGINT or SIGTERM.
    signal: std::sync::Mutex<Option<Exit>>,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            halted: std::sync::Mutex::new(None),
            interrupted: tokio::sync::watch::channel(false).0,
            signal: std::sync::Mutex::new(None),
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

    /// Cancels the run; it ends with `exit` (interrupted or terminated).
    pub fn interrupt(&self, exit: Exit) {
        if let Ok(mut s) = self.signal.lock() {
            s.get_or_insert(exit);
        }
        self.halt("the run was interrupted");
        self.interrupted.send_replace(true);
    }

    /// The exit an interrupt asked for, if one came.
    pub fn interrupted_with(&self) -> Option<Exit> {
        self.signal.lock().ok().and_then(|s| *s)
    }

    /// Why the run stopped, if it did.
    pub fn halted(&self) -> Option<String> {
        self.halted.lock().ok().and_then(|h| h.clone())
    }

    async fn cancelled(&self) {
        let mut rx = self.interrupted.subscribe();
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// What a run hands back: the totals of every request, and the records it kept (all of them
/// with `keep_records`, else the failures).
#[derive(Debug, Default)]
pub struct Ran {
    pub summary: Summary,
    pub records: Vec<RequestRecord>,
    /// Where every response held to an API document landed in it (kept records or not).
    pub hits: Vec<crate::contract::Hit>,
}

/// Shared by every collection of a run.
pub struct Runner {
    pub plan: Arc<Plan>,
    pub options: RunOptions,
    pub tokens: Arc<TokenCache>,
    pub redactor: Arc<Redactor>,
    pub control: Arc<Control>,
    token_client: crate::auth::TokenClient,
    net: crate::http::net::Net,
    /// The run's connections, shared by its collection runs (each keeps its own cookies).
    client: reqwest::Client,
    /// When the run began: records say when each request started, for the timeline.
    started: Instant,
    /// Warnings not yet sent as events, and the keys of every one given (each is said once).
    warnings: std::sync::Mutex<(Vec<String>, std::collections::HashSet<String>)>,
    /// Captures that outlive one run, by collection file: `yarc ui` keeps them for its
    /// session, so that a request sent alone sees what an earlier send captured. A command
    /// run starts and ends with it empty.
    pub carried: std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, Vars>>,
    /// Variables some request sends as a credential: what a capture stores in one is a secret
    /// from the moment it is captured, not only from its first use.
    credential_vars: credentials::Credentials,
}

impl Runner {
    pub fn new(
        plan: Arc<Plan>,
        options: RunOptions,
        redactor: Arc<Redactor>,
    ) -> Result<Runner, crate::outcome::RunError> {
        let timeout = options.timeout;
        let max_token_body = options.max_token_body;
        let net = crate::http::net::Net::new(&options.net)?;
        let token_store = options
            .token_cache
            .clone()
            .map(crate::auth::token_store::TokenStore::new);
        Ok(Runner {
            credential_vars: credentials::Credentials::of(&plan),
            plan,
            options,
            tokens: TokenCache::with(timeout, token_store, max_token_body),
            redactor,
            control: Arc::new(Control::default()),
            token_client: token_client(&net)?,
            client: Http::client(&net)?,
            net,
            started: Instant::now(),
            warnings: Default::default(),
            carried: Default::default(),
        })
    }

    /// Runs the units, `jobs` at a time; returns the totals and the kept records in unit order.
    pub async fn run(self: &Arc<Self>, units: Vec<Unit>, events: &UnboundedSender<Event>) -> Ran {
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
        let mut all = Ran::default();
        for h in handles {
            match h.await {
                Ok(ran) => {
                    all.summary.merge(&ran.summary);
                    all.records.extend(ran.records);
                    all.hits.extend(ran.hits);
                }
                // A unit that panicked (a bug; the message is on stderr) has no records: the
                // run must not look green without them.
                Err(_) => all.summary.errored += 1,
            }
        }
        // A value can become known as a secret after a record of it was made (a token a later
        // request sends, a value derived from one): the reports see every record masked with
        // all the secrets the run learnt.
        if self.redactor.is_active() {
            all.records = std::mem::take(&mut all.records)
                .into_iter()
                .map(|r| self.masked(r))
                .collect();
        }
        all
    }

    pub async fn run_unit(&self, unit: &Unit, events: &UnboundedSender<Event>) -> Ran {
        let c = &self.plan.collections[unit.collection];
        let iteration = unit.iteration.as_ref().map(|i| (i.number, i.total));
        let _ = events.send(Event::CollectionStarted {
            unit: unit.index,
            path: c.shown_path.clone(),
            name: c.name.clone(),
            iteration,
            name_width: c
                .requests
                .iter()
                .map(|r| r.full_name().chars().count())
                .max()
                .unwrap_or(0),
        });
        let mut ran = Ran::default();
        let http: Result<Http, crate::outcome::RunError> = Ok(Http::sharing(
            &self.client,
            self.options.max_body,
            &self.net,
            c.cookie_jar,
        ));
        let row = unit.iteration.as_ref().and_then(|i| i.row.as_ref());
        let mut state = UnitState::new(row, iteration.map(|(n, _)| n));
        state.captures = self.carried_for(&c.path);
        for pr in &c.requests {
            let mut sends = 0;
            loop {
                let began = self.started.elapsed();
                let mut record = match (&http, self.control.halted()) {
                    (_, Some(why)) => {
                        self.record(c, pr, State::NotRun, Some(format!("not run: {why}")))
                    }
                    (Ok(http), None) => self.run_request(c, pr, http, &mut state).await,
                    (Err(e), None) => self.record(c, pr, State::Errored, Some(e.to_string())),
                };
                state.finished(pr, &record);
                sends += 1;
                let again = self.again(pr, &mut state, &mut record, sends);
                record.unit = unit.index;
                record.started = began;
                record.iteration = iteration.map(|(n, _)| n);
                self.finish_record(record, events, &mut ran);
                if !again {
                    break;
                }
            }
        }
        // A dry run's captures are placeholders, never values to carry.
        if let Ok(mut carried) = self.carried.lock()
            && !self.options.dry_run
            && !state.captures.is_empty()
        {
            carried.insert(c.path.clone(), std::mem::take(&mut state.captures));
        }
        let _ = events.send(Event::CollectionFinished { unit: unit.index });
        ran
    }

    /// A finished record masked, counted, kept as asked and sent as an event.
    fn finish_record(&self, record: RequestRecord, events: &UnboundedSender<Event>, ran: &mut Ran) {
        if self.options.fail_fast && record.state.is_failure() {
            self.control
                .halt("--fail-fast stopped the run after the first failure");
        }
        let record = self.masked(record);
        for w in self.take_warnings() {
            let _ = events.send(Event::Warning(w));
        }
        ran.summary.add(&record);
        ran.hits.extend(record.contract.clone());
        let shown = if self.options.keep_records || record.state.is_failure() {
            let kept = record.clone();
            ran.records.push(record);
            kept
        } else {
            record
        };
        let _ = events.send(Event::RequestFinished(Box::new(shown)));
    }

    fn carried_for(&self, collection: &std::path::Path) -> Vars {
        self.carried
            .lock()
            .ok()
            .and_then(|c| c.get(collection).cloned())
            .unwrap_or_default()
    }

    /// Records a warning once per `key`; it goes out as an event after the current request.
    pub fn warn_once(&self, key: &str, text: String) {
        if let Ok(mut w) = self.warnings.lock()
            && w.1.insert(key.to_string())
        {
            w.0.push(text);
        }
    }

    fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut w.0))
            .unwrap_or_default()
    }

    pub fn record(
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
            last_duration: None,
            steps: Vec::new(),
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
            body: None,
            contract: None,
            wire: None,
        }
    }

    /// Every text of a record, masked and made safe to show: secrets replaced (before any cut),
    /// control characters a server sent made visible.
    fn masked(&self, mut r: RequestRecord) -> RequestRecord {
        let m = |s: &str| crate::untrusted::visible(&self.redactor.redact(s)).into_owned();
        r.url = m(&r.url);
        r.message = r
            .message
            .map(|s| crate::untrusted::visible(&self.redactor.clip(&s, MESSAGE_MAX)).into_owned());
        r.curl = r.curl.map(|s| m(&s));
        r.snapshot_text = r.snapshot_text.map(|s| m(&s));
        if let Some(SnapshotOutcome::Changed { diff, .. } | SnapshotOutcome::Updated { diff, .. }) =
            &mut r.snapshot
        {
            *diff = m(diff);
        }
        for o in &mut r.outcomes {
            // The check as written too: a value the file holds may be a secret's.
            o.written = m(&o.written);
            o.expected = m(&o.expected);
            o.actual = m(&o.actual);
        }
        for (_, v) in &mut r.captures {
            *v = self.redactor.redact_json(v);
        }
        for step in &mut r.steps {
            if let Step::Token {
                fetched_from: Some(url),
                ..
            } = step
            {
                *url = m(url);
            }
            if let Step::Sent { then: Some(t), .. } = step {
                *t = m(t);
            }
            if let Step::Token {
                answer: Some(a), ..
            } = step
            {
                *a = m(a);
            }
        }
        if let Some(wire) = &mut r.wire {
            for (k, v) in &mut wire.sent {
                *v = if is_credential_header(k) {
                    crate::secret::MASK.to_string()
                } else {
                    m(v)
                };
            }
            for (_, to) in &mut wire.hops {
                *to = m(to);
            }
        }
        for (k, v) in &mut r.request_headers {
            *v = if is_credential_header(k) {
                crate::secret::MASK.to_string()
            } else {
                m(v)
            };
        }
        if let Some(body) = &mut r.body
            && let Ok(text) = std::str::from_utf8(body)
            && self.redactor.finds(text)
        {
            *body = self.redactor.redact(text).into_bytes();
        }
        if let Some(resp) = &mut r.response {
            resp.body = m(&resp.body);
            for (k, v) in &mut resp.headers {
                *k = m(k);
                *v = m(v);
            }
        }
        r
    }
}

/// Which operations of the API documents the planned requests are held to were called, from
/// where the run's responses landed; `None` when no request names a document.
pub fn coverage<'a>(
    plan: &crate::plan::Plan,
    hits: impl IntoIterator<Item = &'a crate::contract::Hit>,
) -> Option<crate::contract::Coverage> {
    let documents = plan
        .collections
        .iter()
        .flat_map(|c| &c.requests)
        .filter_map(|r| r.contract.as_ref())
        .map(|c| c.document.as_ref());
    let mut coverage = crate::contract::Coverage::new(documents);
    if coverage.documents.is_empty() {
        return None;
    }
    for hit in hits {
        coverage.record(hit);
    }
    Some(coverage)
}

pub fn format_ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

const BODY_EXCERPT: usize = 2_000;

/// The longest message a record keeps.
const MESSAGE_MAX: usize = 4_000;

/// Bodies larger than this are shown as their raw start, not pretty-printed whole first.
const PRETTY_MAX: usize = 64 * 1024;

/// The start of a response for reports: secrets masked, then cut (the raw start read first is
/// far longer than the cut, so a secret across its end never survives).
pub fn summary(resp: &Response, redactor: &Redactor) -> ResponseSummary {
    // A large body is not parsed only to be cut.
    let small = resp.body.len() <= PRETTY_MAX;
    let text = match small.then(|| resp.json()).flatten() {
        // Masked before it is laid out: a secret spread over a list's items, one per line once
        // pretty-printed, is masked as the list.
        Some(json) if redactor.has_spread() => {
            let mut v = json.to_value();
            redactor.redact_json_in_place(&mut v);
            serde_json::to_string_pretty(&v).unwrap_or_default()
        }
        Some(json) => serde_json::to_string_pretty(json).unwrap_or_default(),
        _ => String::from_utf8_lossy(&resp.body[..resp.body.len().min(BODY_EXCERPT * 16)])
            .into_owned(),
    };
    let body = if text.chars().count() > BODY_EXCERPT {
        let cut = redactor.clip(&text, BODY_EXCERPT);
        format!("{cut}\n… ({} bytes in all)", resp.body.len())
    } else {
        redactor.redact(&text)
    };
    ResponseSummary {
        status: resp.status,
        headers: resp.headers.clone(),
        body,
        body_len: resp.body.len(),
    }
}

fn is_credential_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization")
}
