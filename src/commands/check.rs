//! `yarc check`: `run` minus the network — the same lowering, loading, variables, secrets and
//! plan, and the same exit code 2 for everything `run` would refuse before sending.

use super::args::Inputs;
use super::{CommandError, load_rows, lower, prepare};
use crate::clock::Clock;
use crate::load;
use crate::outcome::Exit;
use crate::plan::Selection;
use crate::session::{Config, Purpose};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// A data file whose columns are variables, as for `run`.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Without --env, secrets that are not set fail the check too (by default they are listed
    /// once per environment: a lint on a machine without them, such as a pull request from a
    /// fork or a pre-commit hook, passes).
    #[arg(long)]
    pub require_secrets: bool,
}

/// `yarc check`: `run` minus the network — the same loading, variables, secrets and plan, with
/// the same options. Without `--env`, every environment of the collection's `environments/`
/// folder is checked in turn (or none, when there is no such folder).
pub(crate) async fn execute(a: CheckArgs, clock: Clock) -> super::Outcome {
    let rows = load_rows(a.data.as_deref())?;
    let envs = environments(&a.inputs);
    let several = envs.len() > 1;
    // `--env` names the environment about to be used: its secrets must be there. Without it,
    // check is a lint: secrets it cannot see are listed, not refused.
    let lint = a.inputs.env.is_none() && !a.require_secrets;
    let mut bad = Vec::new();
    let mut counted = (0, 0);
    for env in &envs {
        if several {
            crate::errln!("— with environment `{}`:", env.as_deref().unwrap_or(""));
        }
        let inputs = Inputs {
            env: env.clone(),
            ..a.inputs.clone()
        };
        let prepared = match lower(
            &inputs,
            rows.clone(),
            Selection::default(),
            Purpose::Check,
            clock,
        ) {
            Ok(config) => {
                prepare(&Config {
                    secrets_as_notes: lint,
                    ..config
                })
                .await
            }
            Err(d) => Err(CommandError::from(d)),
        };
        match prepared {
            Ok(p) => {
                counted = (
                    p.plan.collections.len(),
                    p.plan.collections.iter().map(|c| c.requests.len()).sum(),
                );
                note_unset_secrets(&p.plan.unset_secrets, env.as_deref());
                if several {
                    crate::errln!("no problems found\n");
                } else {
                    // The process ends next: freeing a plan of 10,000 requests piece by piece
                    // took a twentieth of the check.
                    std::mem::forget(p);
                }
            }
            // One environment: the CLI says what stopped it. Several: each says its own,
            // and the others are checked too.
            Err(e) if !several => return Err(e),
            Err(e) => {
                e.report();
                bad.push(env.clone().unwrap_or_default());
                crate::errln!();
            }
        }
    }
    let (files, requests) = counted;
    let against = against(&envs);
    if !bad.is_empty() {
        if several {
            crate::errln!(
                "checked{against}: problems with {}",
                bad.iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        return Ok(Exit::Invalid);
    }
    crate::outln!(
        "{files} collection{} with {requests} request{}: no problems found{against}",
        if files == 1 { "" } else { "s" },
        if requests == 1 { "" } else { "s" }
    );
    Ok(Exit::Ok)
}

/// The environment given, or else every one beside the collections (or none).
fn environments(inputs: &Inputs) -> Vec<Option<String>> {
    if let Some(e) = &inputs.env {
        return vec![Some(e.clone())];
    }
    let found = load::environment_names(inputs.paths.first().map(PathBuf::as_path));
    match found.is_empty() {
        true => vec![None],
        false => found.into_iter().map(Some).collect(),
    }
}

/// The secrets the collections use that are not set here, as a note (with `--env`, check and
/// run will refuse them).
fn note_unset_secrets(unset: &std::collections::BTreeSet<String>, env: Option<&str>) {
    if unset.is_empty() {
        return;
    }
    let (with, require) = match env {
        Some(e) => (
            format!(" `{e}` needs"),
            format!("`yarc check --env {e}` and `yarc run --env {e}` require"),
        ),
        None => (" the collections need".into(), "`yarc run` requires".into()),
    };
    crate::errln!(
        "note:{with} secrets that are not set (or empty) here: {} ({require} them)",
        unset
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// " with environment `sandbox`", " with each environment (prod, sandbox, stage)", or nothing.
fn against(envs: &[Option<String>]) -> String {
    match envs {
        [None] => String::new(),
        [Some(e)] => format!(" with environment `{e}`"),
        many => {
            let names: Vec<&str> = many.iter().flatten().map(String::as_str).collect();
            format!(" with each environment ({})", names.join(", "))
        }
    }
}
