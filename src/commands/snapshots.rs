//! `yarc snapshots review|accept|reject [PATH]`: act on pending snapshots (the `.snap.yaml.new`
//! files a run leaves beside changed ones) without calling the API again — a second call might
//! answer differently.

use crate::outcome::Exit;
use crate::snapshot::{self, store};
use clap::Args;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct SnapshotsArgs {
    /// review (interactive), accept or reject.
    #[arg(value_enum)]
    pub action: Action,
    /// Where to look for pending snapshots (default: the working directory).
    #[arg(default_value = ".")]
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    /// Show each pending change and ask: accept, reject or skip.
    Review,
    /// Accept every pending change.
    Accept,
    /// Drop every pending change.
    Reject,
}

pub(crate) fn execute(a: SnapshotsArgs) -> super::Outcome {
    snapshots(a.action, &a.path)
}

fn snapshots(action: Action, root: &Path) -> super::Outcome {
    let pending = store::pending_below(root);
    if pending.is_empty() {
        crate::outln!("no pending snapshots below {}", root.display());
        return Ok(Exit::Ok);
    }
    // Incomplete when any could not be acted on (each says why).
    let each = |act: fn(&Path) -> bool| match pending.iter().filter(|p| !act(p)).count() {
        0 => Ok(Exit::Ok),
        _ => Ok(Exit::Incomplete),
    };
    match action {
        Action::Accept => each(accept),
        Action::Reject => each(reject),
        Action::Review => Ok(review(&pending, std::io::stdin().lock(), std::io::stdout())),
    }
}

fn accept(p: &Path) -> bool {
    match store::accept(p) {
        Ok(target) => {
            crate::outln!("accepted {}", target.display());
            true
        }
        Err(e) => {
            crate::errln!("error: cannot accept {}: {e}", p.display());
            false
        }
    }
}

fn reject(p: &Path) -> bool {
    match store::reject(p) {
        Ok(()) => {
            crate::outln!("rejected {}", p.display());
            true
        }
        Err(e) => {
            crate::errln!("error: cannot reject {}: {e}", p.display());
            false
        }
    }
}

/// Shows each diff and reads a, r, s or q from `input`.
pub(crate) fn review(pending: &[PathBuf], mut input: impl BufRead, mut out: impl Write) -> Exit {
    let (mut accepted, mut rejected, mut skipped) = (0, 0, 0);
    for (i, p) in pending.iter().enumerate() {
        let target = store::accepted_path(p);
        let old = std::fs::read_to_string(&target).unwrap_or_default();
        let new = std::fs::read_to_string(p).unwrap_or_default();
        let shown = target.display().to_string();
        let _ = writeln!(out, "[{}/{}] {shown}", i + 1, pending.len());
        let _ = write!(
            out,
            "{}",
            snapshot::diff(
                &old,
                &new,
                &format!("{shown} (stored)"),
                &format!("{shown} (pending)")
            )
        );
        loop {
            let _ = write!(out, "accept, reject, skip or quit? [a/r/s/q] ");
            let _ = out.flush();
            let mut line = String::new();
            if input.read_line(&mut line).unwrap_or(0) == 0 {
                line = "q".into();
            }
            match line.trim() {
                "a" | "accept" => {
                    accepted += usize::from(accept(p));
                    break;
                }
                "r" | "reject" => {
                    rejected += usize::from(reject(p));
                    break;
                }
                "s" | "skip" | "" => {
                    skipped += 1;
                    break;
                }
                "q" | "quit" => {
                    skipped += pending.len() - i;
                    let _ = writeln!(
                        out,
                        "\n{accepted} accepted, {rejected} rejected, {skipped} left pending"
                    );
                    return Exit::Ok;
                }
                _ => {}
            }
        }
    }
    let _ = writeln!(
        out,
        "{accepted} accepted, {rejected} rejected, {skipped} left pending"
    );
    Exit::Ok
}
