//! `yarc run PATH --watch`: runs, then runs again whenever a collection, environment, data,
//! variable or schema file changes (debounced), with the screen cleared on a terminal. A file
//! that does not parse shows its located error, and the next save tries again. Files yarc
//! writes itself (snapshots, reports) never start a run.

use super::CommandError;
use super::run::{self, RunArgs};
use crate::clock::Clock;
use crate::outcome::Exit;
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the files must be quiet before a run starts: an editor's save is several events.
const SETTLE: Duration = Duration::from_millis(200);

pub(crate) async fn execute(mut a: RunArgs, clock: Clock) -> super::Outcome {
    a.watch = false;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
    // Writes, creations, renames and removals: reading a file (yarc's own run) is no change.
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(e) = res
            && matches!(
                e.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = tx.send(e.paths);
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            return Err(CommandError::stopped(
                format!("cannot watch files: {e}"),
                Exit::Incomplete,
            ));
        }
    };
    for (dir, mode) in watched(&a) {
        if let Err(e) = watcher.watch(&dir, mode) {
            return Err(CommandError::stopped(
                format!("cannot watch `{}`: {e}", dir.display()),
                Exit::Incomplete,
            ));
        }
    }
    let written = written_by_yarc(&a);
    // Listening from the start, for the whole session: a Ctrl-C that lands between a run's
    // end and the next wait is kept, not lost (it was, and the watcher then never stopped).
    let mut stop = match Stop::listen() {
        Ok(s) => s,
        Err(e) => {
            return Err(CommandError::stopped(
                format!("cannot listen for Ctrl-C: {e}"),
                Exit::Incomplete,
            ));
        }
    };
    loop {
        clear_screen();
        // A run that could not start (a collection being edited) says why, and the next save
        // runs again.
        let code = run::execute(a.clone(), clock).await.unwrap_or_else(|e| {
            e.report();
            e.exit()
        });
        if code == Exit::Interrupted || code == Exit::Terminated {
            return Ok(code);
        }
        crate::errln!("\nwatching for changes (Ctrl-C stops)");
        loop {
            tokio::select! {
                changed = rx.recv() => match changed {
                    Some(paths) if paths.iter().any(|p| relevant(p, &written)) => break,
                    Some(_) => {}
                    None => return Ok(code),
                },
                exit = stop.signalled() => return Ok(exit),
            }
        }
        settle(&mut rx).await;
    }
}

/// SIGINT and SIGTERM (Ctrl-C on Windows), registered once.
struct Stop {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Stop {
    #[cfg(unix)]
    fn listen() -> std::io::Result<Stop> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Stop {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn listen() -> std::io::Result<Stop> {
        Ok(Stop {})
    }

    /// The next stop signal (one that came since the last call counts).
    #[cfg(unix)]
    async fn signalled(&mut self) -> Exit {
        tokio::select! {
            _ = self.int.recv() => Exit::Interrupted,
            _ = self.term.recv() => Exit::Terminated,
        }
    }

    #[cfg(not(unix))]
    async fn signalled(&mut self) -> Exit {
        let _ = tokio::signal::ctrl_c().await;
        Exit::Interrupted
    }
}

/// Waits until no change has come for [`SETTLE`]: an editor's save is several events.
async fn settle(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Vec<PathBuf>>) {
    while let Ok(Some(_)) = tokio::time::timeout(SETTLE, rx.recv()).await {}
}

/// The folders to watch: each collection's (recursively: groups of files, schemas,
/// environments), and the folders of the environment, data and variable files.
fn watched(a: &RunArgs) -> Vec<(PathBuf, RecursiveMode)> {
    let folder = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut out: Vec<(PathBuf, RecursiveMode)> = Vec::new();
    for p in &a.inputs.paths {
        out.push((crate::load::input_folder(p), RecursiveMode::Recursive));
    }
    if let Some(env) = &a.inputs.env
        && let Ok(file) =
            crate::load::find_environment(env, a.inputs.paths.first().map(PathBuf::as_path))
    {
        out.push((folder(&file), RecursiveMode::NonRecursive));
    }
    for f in [&a.data, &a.inputs.variables.var_file]
        .into_iter()
        .flatten()
    {
        out.push((folder(f), RecursiveMode::NonRecursive));
    }
    out.sort();
    out.dedup_by(|x, y| x.0 == y.0);
    out
}

/// Report files and `-o`: yarc writes them, so they start nothing.
fn written_by_yarc(a: &RunArgs) -> Vec<PathBuf> {
    a.reports
        .iter()
        .map(|r| r.path.clone())
        .chain(a.output.clone())
        .filter_map(|p| std::path::absolute(p).ok())
        .collect()
}

use crate::load::is_input_change as relevant;

fn clear_screen() {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        crate::err!("\u{1b}[2J\u{1b}[H");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inputs_start_a_run() {
        let written = vec![std::path::absolute("out/r.json").expect("path")];
        assert!(relevant(Path::new("c.yaml"), &written));
        assert!(relevant(Path::new("data/rows.csv"), &written));
        assert!(relevant(Path::new(".env"), &written));
        assert!(!relevant(
            Path::new("__snapshots__/c/default/r.snap.yaml"),
            &written
        ));
        assert!(!relevant(Path::new("out/r.json"), &written));
        assert!(!relevant(Path::new("notes.txt"), &written));
        assert!(!relevant(Path::new(".report.json.yarc-tmp"), &written));
    }
}
