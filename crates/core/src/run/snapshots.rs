//! The snapshot step of a request: take the response's snapshot, compare it with the stored
//! one in the mode the run asks for (or keep it for `yarc diff`), and record the outcome.
//! Files are read and written through `snapshot::store`.

use super::record::{RequestRecord, SnapshotOutcome};
use super::{Runner, SnapshotMode};
use crate::exchange::Response;
use crate::model::SnapshotSpec;
use crate::plan::PlannedRequest;
use crate::snapshot::{self, store::SnapshotDir};
use crate::template::Vars;

impl Runner {
    /// Takes the response's snapshot and compares it with the stored one (or, for `yarc diff`,
    /// keeps its text on the record).
    pub(super) fn snapshot(
        &self,
        x: super::request::Exchange<'_>,
        resp: &Response,
        url: &str,
        st: &super::request::UnitState<'_>,
        failing: bool,
        rec: &mut RequestRecord,
    ) {
        let super::request::Exchange { c, pr, vars } = x;
        let (captures, iteration) = (&st.captures, st.iteration);
        let spec = match (&self.options.snapshots, &pr.snapshot) {
            (SnapshotMode::Keep { ignore }, own) => {
                let mut spec = own.clone().unwrap_or_else(|| SnapshotSpec {
                    enabled: true,
                    ignore: Vec::new(),
                    headers: Vec::new(),
                    span: pr.req.span.clone(),
                });
                spec.ignore.extend(ignore.iter().cloned());
                spec
            }
            (_, Some(spec)) => spec.clone(),
            (_, None) => return,
        };
        let info = snapshot::RequestInfo {
            method: &pr.req.method,
            url_template: &pr.req.url.source,
            path: self.path_pattern(pr, url, vars, captures),
        };
        let key = match iteration {
            Some(n) => format!("{}.{n}", snapshot::slug(&pr.full_name())),
            None => snapshot::slug(&pr.full_name()),
        };
        let (paths, redactor) = (&self.plan.paths, &self.redactor);
        let keep = matches!(self.options.snapshots, SnapshotMode::Keep { .. });
        let dir = SnapshotDir::new(&c.path, self.plan.environment.as_deref());
        // Unchanged (the usual case): compared as it is written, never held.
        let stored = dir.file(&key);
        if !keep
            && snapshot::matches_stored(resp, &spec, &info, paths, redactor, captures, &stored)
                == Some(true)
        {
            dir.remove_pending(&key);
            let file = stored.to_string_lossy().into_owned();
            rec.snapshot = Some(SnapshotOutcome::Same { file });
            rec.snapshot_key = Some(key);
            return;
        }
        let text = snapshot::take_yaml(resp, &spec, info, paths, redactor, captures);
        if keep {
            rec.snapshot_text = Some(text);
        } else {
            rec.snapshot = Some(self.compare(&dir, &key, &text, failing));
        }
        rec.snapshot_key = Some(key);
    }

    fn compare(&self, dir: &SnapshotDir, key: &str, text: &str, failing: bool) -> SnapshotOutcome {
        let file = dir.file(key);
        let shown = file.to_string_lossy().into_owned();
        let mode = &self.options.snapshots;
        // The same text is the same snapshot: compared as the file is read, with no parse.
        if let Some(Ok(true)) = dir.holds(key, text) {
            dir.remove_pending(key);
            return SnapshotOutcome::Same { file: shown };
        }
        let old_text = match dir.read(key) {
            None if matches!(mode, SnapshotMode::Ci) => {
                return SnapshotOutcome::Missing { file: shown };
            }
            None if failing => {
                return SnapshotOutcome::NotKept {
                    file: shown,
                    diff: None,
                };
            }
            None => {
                return match dir.write(key, text) {
                    Ok(()) => SnapshotOutcome::New { file: shown },
                    Err(e) => SnapshotOutcome::Error {
                        file: shown,
                        message: e.to_string(),
                    },
                };
            }
            Some(Err(e)) => {
                return SnapshotOutcome::Error {
                    file: shown,
                    message: e.to_string(),
                };
            }
            Some(Ok(t)) => t,
        };
        let old = snapshot::from_yaml(&old_text);
        if let Ok(old) = &old
            && snapshot::same_as_text(old, text)
        {
            dir.remove_pending(key);
            return SnapshotOutcome::Same { file: shown };
        }
        // Diff the stored snapshot normalised the same way, so that a hand edit's key order or
        // spacing does not show up as a change.
        let old_text = old.map(|o| snapshot::to_yaml(&o)).unwrap_or(old_text);
        let diff = snapshot::diff(
            &old_text,
            text,
            &format!("{shown} (stored)"),
            &format!("{shown} (this run)"),
        );
        if failing && !matches!(mode, SnapshotMode::Ci) {
            return SnapshotOutcome::NotKept {
                file: shown,
                diff: Some(diff),
            };
        }
        match mode {
            SnapshotMode::Update => match dir.write(key, text) {
                Ok(()) => SnapshotOutcome::Updated { file: shown, diff },
                Err(e) => SnapshotOutcome::Error {
                    file: shown,
                    message: e.to_string(),
                },
            },
            SnapshotMode::Ci => SnapshotOutcome::Changed {
                file: shown,
                diff,
                pending: None,
            },
            _ => {
                let pending = dir
                    .write_pending(key, text)
                    .ok()
                    .map(|_| dir.pending(key).to_string_lossy().into_owned());
                SnapshotOutcome::Changed {
                    file: shown,
                    diff,
                    pending,
                }
            }
        }
    }

    /// The request's path with captured values shown as `{name}`, so that `yarc mock` can
    /// match later runs whose captured ids differ.
    fn path_pattern(&self, pr: &PlannedRequest, url: &str, vars: &Vars, captures: &Vars) -> String {
        let mut placeholders = vars.clone();
        for k in captures.keys() {
            placeholders.insert(k.clone(), serde_json::Value::String(format!("{{{k}}}")));
        }
        let templated = self
            .plan
            .templates
            .render(&pr.req.url, &placeholders)
            .ok()
            .and_then(|u| url::Url::parse(&u).ok());
        let parsed = templated.or_else(|| url::Url::parse(url).ok());
        parsed
            .map(|u| u.path().replace("%7B", "{").replace("%7D", "}"))
            .unwrap_or_else(|| "/".into())
    }
}
