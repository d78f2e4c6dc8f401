//! The terminal reporter: a line per request (result, name, method, status, time), the details
//! of each failure (the assertion as written, its file:line, expected and actual, the start of
//! the response body), and the closing `N passed, N failed` line. When collection files run
//! side by side, each file's block is printed whole, in run order.

use super::Reporter;
use super::style::Style;
use crate::run::record::{Event, RequestRecord, SnapshotOutcome, State, Step, Summary, Timing};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::time::Duration;

#[derive(Default)]
struct Block {
    text: String,
    width: usize,
    done: bool,
}

pub(crate) struct Console<W: Write> {
    out: W,
    /// 0, 1 (`-v`) or 2 (`-vv`).
    verbose: u8,
    style: Style,
    /// Unit indices in the order their blocks are printed.
    order: Vec<usize>,
    next: usize,
    blocks: HashMap<usize, Block>,
    /// On a terminal: a progress bar under the output (never in CI or when piped).
    bar: Option<indicatif::ProgressBar>,
    /// Durations of the requests that got a response, for the closing response-time line.
    durations: Vec<Duration>,
}

impl<W: Write> Console<W> {
    pub(crate) fn new(out: W, verbose: u8, style: Style, order: Vec<usize>) -> Console<W> {
        Console {
            out,
            verbose,
            style,
            order,
            next: 0,
            blocks: HashMap::new(),
            bar: None,
            durations: Vec::new(),
        }
    }

    /// Shows a progress bar of `total` requests while the run goes on.
    pub(crate) fn with_progress(mut self, total: u64) -> Console<W> {
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {pos}/{len} requests {wide_bar} {elapsed}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        self.bar = Some(bar);
        self
    }

    fn write_out(&mut self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| {
                let _ = self.out.write_all(text.as_bytes());
                let _ = self.out.flush();
            }),
            None => {
                let _ = self.out.write_all(text.as_bytes());
            }
        }
    }

    /// Writes what can be written: the head unit as it goes, then each finished one in order.
    fn pump(&mut self) {
        while let Some(u) = self.order.get(self.next) {
            let Some(b) = self.blocks.get_mut(u) else {
                break;
            };
            let done = b.done;
            let text = std::mem::take(&mut b.text);
            if !text.is_empty() {
                self.write_out(&text);
            }
            if !done {
                break;
            }
            self.next += 1;
        }
        let _ = self.out.flush();
    }

    fn request(&self, o: &mut String, r: &RequestRecord, width: usize) {
        let s = &self.style;
        let label = match r.state {
            State::Passed => s.pass("PASS "),
            State::Failed => s.fail("FAIL "),
            State::Errored | State::Invalid => s.fail("ERROR"),
            State::Skipped => s.dim("SKIP "),
            State::Rendered => s.dim("DRY  "),
            State::NotRun => s.dim("-    "),
        };
        let status = r
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "---".into());
        // A name comes from a file (perhaps an imported one): no control character of it
        // reaches the terminal.
        let name = crate::untrusted::visible(&r.name);
        let _ = write!(o, "  {label} {:<width$}  {:<6} {}", name, r.method, status);
        if r.status.is_some() {
            let _ = write!(o, "  {}", s.dim(&s.duration(r.duration)));
        }
        match (r.attempts, r.last_duration) {
            (n, Some(last)) if n > 1 => {
                let _ = write!(o, "  ({n} attempts, last {})", s.duration(last));
            }
            (n, _) if n > 1 => {
                let _ = write!(o, "  ({n} attempts)");
            }
            _ => {}
        }
        o.push('\n');
        if let Some(curl) = &r.curl {
            for l in curl.lines() {
                let _ = writeln!(o, "        {l}");
            }
        }
        if matches!(r.state, State::Skipped | State::NotRun) {
            if let Some(m) = &r.message {
                let _ = writeln!(o, "        {}", s.dim(m));
            }
            return;
        }
        if r.state.is_failure() {
            let _ = writeln!(o, "        {} {}  ({})", r.method, r.url, r.span);
        }
        for f in r.outcomes.iter().filter(|f| !f.passed || f.warning) {
            let mark = match f.warning {
                true => s.dim("! warning:"),
                false => s.fail("×"),
            };
            let _ = writeln!(o, "      {mark} {}", s.bold(&f.written));
            let _ = writeln!(o, "          --> {}", f.span);
            let _ = writeln!(o, "          expected: {}", f.expected);
            let _ = writeln!(o, "          actual:   {}", f.actual);
        }
        self.snapshot(o, r);
        if let Some(m) = &r.message {
            let mut lines = m.lines();
            if let Some(first) = lines.next() {
                let _ = writeln!(o, "      {} {first}", s.fail("×"));
            }
            for l in lines {
                let _ = writeln!(o, "        {l}");
            }
        }
        if self.verbose > 0 {
            exchange(o, r, s, self.verbose > 1);
        } else if r.state == State::Failed
            && (r.message.is_some() || r.outcomes.iter().any(|f| !f.passed))
            && let Some(resp) = &r.response
            && !resp.body.is_empty()
        {
            let _ = writeln!(o, "        response body:");
            for l in resp.body.lines().take(20) {
                let _ = writeln!(o, "          {l}");
            }
        }
    }
}

impl<W: Write> Console<W> {
    fn snapshot(&self, o: &mut String, r: &RequestRecord) {
        let s = &self.style;
        match &r.snapshot {
            Some(SnapshotOutcome::New { file }) => {
                let _ = writeln!(
                    o,
                    "        {}",
                    s.dim(&format!("new snapshot written: {file}"))
                );
            }
            Some(SnapshotOutcome::Updated { file, diff }) => {
                let _ = writeln!(o, "        snapshot updated: {file}");
                self.diff(o, diff);
            }
            Some(SnapshotOutcome::Changed {
                file,
                diff,
                pending,
            }) => {
                let _ = writeln!(
                    o,
                    "      {} the response differs from the snapshot {file}",
                    s.fail("×")
                );
                self.diff(o, diff);
                match pending {
                    Some(p) => {
                        let _ = writeln!(
                            o,
                            "        the new response is pending in {p}: `yarc snapshots accept` takes it, `yarc snapshots reject` drops it"
                        );
                    }
                    None => {
                        let _ = writeln!(
                            o,
                            "        (--ci: nothing written; run `--update-snapshots` locally and commit)"
                        );
                    }
                }
            }
            Some(SnapshotOutcome::Missing { file }) => {
                let _ = writeln!(
                    o,
                    "      {} no snapshot {file}: --ci never writes one; run without --ci and commit it",
                    s.fail("×")
                );
            }
            Some(SnapshotOutcome::NotKept { file, diff }) => {
                let what = match diff {
                    Some(_) => "it differs from the snapshot; the new response was not kept",
                    None => "no snapshot written",
                };
                let _ = writeln!(
                    o,
                    "        {}",
                    s.dim(&format!("{file}: the request failed, so {what}"))
                );
                if let Some(d) = diff {
                    self.diff(o, d);
                }
            }
            Some(SnapshotOutcome::Error { file, message }) => {
                let _ = writeln!(o, "      {} snapshot {file}: {message}", s.fail("×"));
            }
            Some(SnapshotOutcome::Same { .. }) | None => {}
        }
    }

    fn diff(&self, o: &mut String, diff: &str) {
        for line in diff.lines() {
            let shown = if line.starts_with("+++") || line.starts_with("---") {
                self.style.bold(line)
            } else if line.starts_with('+') {
                self.style.pass(line)
            } else if line.starts_with('-') {
                self.style.fail(line)
            } else if line.starts_with("@@") {
                self.style.dim(line)
            } else {
                line.to_string()
            };
            let _ = writeln!(o, "        {shown}");
        }
    }
}

/// `-vv`: how the connection was made, phase by phase, or that an open one was used.
pub(crate) fn connection(phases: Option<&crate::exchange::Phases>, style: &Style) -> String {
    let Some(p) = phases else {
        return "connection: kept alive from an earlier request".into();
    };
    let dns = match p.dns {
        Some(d) => format!("DNS {}", style.duration(d)),
        None => "no DNS lookup".into(),
    };
    let tls = match p.tls {
        Some(t) => format!(", TLS {}", style.duration(t)),
        None => String::new(),
    };
    format!("connection: {dns}, TCP {}{tls}", style.duration(p.tcp))
}

fn exchange(o: &mut String, r: &RequestRecord, style: &Style, vv: bool) {
    // With several sends (a token, a 401 and its resend, polling) — or with -vv, always — first
    // what happened in order.
    let shown = r.steps.len() > 1 || r.wire.is_some() || vv;
    for step in r.steps.iter().filter(|_| shown) {
        let _ = writeln!(o, "        * {}", describe_step(step, style));
        // -vv: what the token request carried (was `tenant_id` sent?), the secret masked.
        if let (
            Step::Token {
                sent: Some(sent), ..
            },
            true,
        ) = (step, vv)
        {
            let _ = writeln!(o, "          {}", style.dim(&format!("sent: {sent}")));
        }
    }
    let version = r
        .wire
        .as_ref()
        .map(|w| format!(" {}", w.version))
        .unwrap_or_default();
    let _ = writeln!(o, "        > {} {}{version}", r.method, r.url);
    let sent = r.wire.as_ref().map_or(&r.request_headers, |w| &w.sent);
    for (k, v) in sent {
        let _ = writeln!(o, "        > {k}: {v}");
    }
    for (status, to) in r.wire.iter().flat_map(|w| &w.hops) {
        let _ = writeln!(o, "        ↪ {status} → {to}");
    }
    if let Some(w) = r.wire.as_ref().filter(|w| !w.left_behind.is_empty()) {
        let names = w.left_behind.join(", ");
        let _ = writeln!(o, "        * left behind on another origin: {names}");
    }
    if let Some(w) = &r.wire {
        let _ = writeln!(o, "        * {}", connection(w.connect.as_ref(), style));
        let _ = writeln!(
            o,
            "        * first byte after {}, all of it after {}",
            style.duration(w.first_byte),
            style.duration(last_send(r).unwrap_or(r.duration))
        );
    }
    if let Some(resp) = &r.response {
        let _ = writeln!(o, "        <{version} {}", resp.status);
        for (k, v) in &resp.headers {
            let _ = writeln!(o, "        < {k}: {v}");
        }
        for l in resp.body.lines() {
            let _ = writeln!(o, "        {l}");
        }
    }
    for (k, v) in &r.captures {
        let _ = writeln!(o, "        captured {k} = {v}");
    }
}

/// The time of the last send alone (a token fetch and earlier attempts left out).
fn last_send(r: &RequestRecord) -> Option<Duration> {
    r.steps.iter().rev().find_map(|s| match s {
        Step::Sent { duration, .. } => Some(*duration),
        _ => None,
    })
}

fn describe_step(step: &Step, style: &Style) -> String {
    match step {
        Step::Token {
            fetched_from: Some(url),
            duration: d,
            answer,
            ..
        } => {
            let answer = answer
                .as_ref()
                .map(|a| format!(": {a}"))
                .unwrap_or_default();
            format!("token: POST {url} ({}){answer}", style.duration(*d))
        }
        Step::Token { stored: true, .. } => "token: from the token cache folder".into(),
        Step::Token { .. } => "token: already held by this run".into(),
        Step::Sent {
            attempt,
            status,
            duration: d,
            then,
        } => {
            let then = then.as_ref().map(|t| format!(" — {t}")).unwrap_or_default();
            format!("send {attempt}: {status} ({}){then}", style.duration(*d))
        }
    }
}

impl<W: Write> Reporter for Console<W> {
    fn event(&mut self, e: &Event) {
        match e {
            Event::CollectionStarted {
                unit,
                path,
                name,
                iteration,
                name_width,
                ..
            } => {
                let b = self.blocks.entry(*unit).or_default();
                b.width = *name_width;
                let it = iteration
                    .map(|(n, t)| format!(" [iteration {n}/{t}]"))
                    .unwrap_or_default();
                let head = format!(
                    "{} — {}{it}",
                    crate::untrusted::visible(path),
                    crate::untrusted::visible(name)
                );
                let _ = writeln!(b.text, "{}", self.style.bold(&head));
            }
            Event::RequestFinished(r) => {
                if r.status.is_some() {
                    self.durations.push(r.duration);
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                let width = self.blocks.get(&r.unit).map_or(0, |b| b.width);
                let mut text = String::new();
                self.request(&mut text, r, width);
                self.blocks.entry(r.unit).or_default().text.push_str(&text);
            }
            Event::Warning(text) => {
                // On stderr at once, so it is seen even while blocks wait for their turn.
                crate::errln!("{text}");
            }
            Event::CollectionFinished { unit } => {
                let b = self.blocks.entry(*unit).or_default();
                b.text.push('\n');
                b.done = true;
            }
        }
        self.pump();
    }

    fn finish(&mut self, summary: &Summary, elapsed: Duration) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        // Whatever did not finish (an interrupt) is still shown.
        for u in self.order.clone() {
            if let Some(b) = self.blocks.get_mut(&u) {
                let _ = self.out.write_all(b.text.as_bytes());
                b.text.clear();
            }
        }
        let total = summary.passed
            + summary.failed
            + summary.errored
            + summary.invalid
            + summary.skipped
            + summary.rendered;
        let mut head = format!(
            "{total} request{} in {}",
            if total == 1 { "" } else { "s" },
            self.style.duration(elapsed)
        );
        if summary.errored > 0 {
            head.push_str(&format!(" ({} could not complete)", summary.errored));
        }
        if summary.invalid > 0 {
            head.push_str(&format!(
                " ({} could not be built from the collection)",
                summary.invalid
            ));
        }
        if summary.new_snapshots + summary.updated_snapshots > 0 {
            head.push_str(&format!(
                "; snapshots: {} new, {} updated",
                summary.new_snapshots, summary.updated_snapshots
            ));
        }
        let _ = writeln!(self.out, "{head}");
        if let Some(t) = Timing::from_durations(std::mem::take(&mut self.durations)) {
            let d = |x| self.style.duration(x);
            let _ = writeln!(
                self.out,
                "response times: min {}, median {}, p95 {}, max {}",
                d(t.min),
                d(t.median),
                d(t.p95),
                d(t.max)
            );
        }
        let _ = writeln!(self.out, "{}", summary.line());
        let _ = self.out.flush();
    }
}
