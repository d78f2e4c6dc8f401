//! The terminal reporter: a line per request (result, name, method, status, time), the details
//! of each failure (the assertion as written, its file:line, expected and actual, the start of
//! the response body), and the closing `N passed, N failed` line.

use super::Reporter;
use crate::run::record::{Event, RequestRecord, State, Summary};
use std::io::Write;
use std::time::Duration;

pub struct Console<W: Write> {
    out: W,
    width: usize,
    pub verbose: bool,
}

impl<W: Write> Console<W> {
    pub fn new(out: W, verbose: bool) -> Console<W> {
        Console {
            out,
            verbose,
            width: 0,
        }
    }

    fn request(&mut self, r: &RequestRecord) -> std::io::Result<()> {
        let label = match r.state {
            State::Passed => "PASS ",
            State::Failed => "FAIL ",
            State::Errored => "ERROR",
            State::Skipped => "SKIP ",
            State::Rendered => "DRY  ",
        };
        let status = r
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "---".into());
        let mut line = format!(
            "  {label} {:<w$}  {:<6} {}",
            r.name,
            r.method,
            status,
            w = self.width
        );
        if r.status.is_some() {
            line.push_str(&format!("  {}", duration(r.duration)));
        }
        if r.attempts > 1 {
            line.push_str(&format!("  ({} attempts)", r.attempts));
        }
        writeln!(self.out, "{line}")?;
        if let Some(curl) = &r.curl {
            for l in curl.lines() {
                writeln!(self.out, "        {l}")?;
            }
        }
        if r.state == State::Skipped {
            if let Some(m) = &r.message {
                writeln!(self.out, "        {m}")?;
            }
            return Ok(());
        }
        let failed = matches!(r.state, State::Failed | State::Errored);
        if failed {
            writeln!(self.out, "        {} {}  ({})", r.method, r.url, r.span)?;
        }
        for o in r.outcomes.iter().filter(|o| !o.passed) {
            writeln!(self.out, "      × {}", o.written)?;
            writeln!(self.out, "          --> {}", o.span)?;
            writeln!(self.out, "          expected: {}", o.expected)?;
            writeln!(self.out, "          actual:   {}", o.actual)?;
        }
        if let Some(m) = &r.message {
            let mut lines = m.lines();
            if let Some(first) = lines.next() {
                writeln!(self.out, "      × {first}")?;
            }
            for l in lines {
                writeln!(self.out, "        {l}")?;
            }
        }
        if self.verbose {
            self.exchange(r)?;
        } else if r.state == State::Failed
            && let Some(resp) = &r.response
            && !resp.body.is_empty()
        {
            writeln!(self.out, "        response body:")?;
            for l in resp.body.lines().take(20) {
                writeln!(self.out, "          {l}")?;
            }
        }
        Ok(())
    }

    fn exchange(&mut self, r: &RequestRecord) -> std::io::Result<()> {
        writeln!(self.out, "        > {} {}", r.method, r.url)?;
        for (k, v) in &r.request_headers {
            writeln!(self.out, "        > {k}: {v}")?;
        }
        if let Some(resp) = &r.response {
            writeln!(self.out, "        < {}", resp.status)?;
            for (k, v) in &resp.headers {
                writeln!(self.out, "        < {k}: {v}")?;
            }
            for l in resp.body.lines() {
                writeln!(self.out, "        {l}")?;
            }
        }
        for (k, v) in &r.captures {
            writeln!(self.out, "        captured {k} = {v}")?;
        }
        Ok(())
    }
}

/// Durations are fixed in test mode so that golden files stay stable.
pub fn duration(d: Duration) -> String {
    if crate::template::test_mode() {
        return "[time]".into();
    }
    let ms = d.as_millis();
    if ms >= 10_000 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{ms} ms")
    }
}

impl<W: Write> Reporter for Console<W> {
    fn event(&mut self, e: &Event) {
        let _ = match e {
            Event::CollectionStarted {
                path,
                name,
                name_width,
                ..
            } => {
                self.width = *name_width;
                writeln!(self.out, "{path} — {name}")
            }
            Event::RequestFinished(r) => self.request(r),
            Event::CollectionFinished { .. } => writeln!(self.out),
        };
        let _ = self.out.flush();
    }

    fn finish(&mut self, summary: &Summary, elapsed: Duration) {
        let total = summary.passed + summary.failed + summary.errored + summary.skipped;
        let mut head = format!("{total} requests in {}", duration(elapsed));
        if summary.errored > 0 {
            head.push_str(&format!(" ({} could not complete)", summary.errored));
        }
        let _ = writeln!(self.out, "{head}");
        let _ = writeln!(self.out, "{}", summary.line());
        let _ = self.out.flush();
    }
}
