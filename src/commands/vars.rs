//! `yarc vars`: every variable a run would start with, its value (secrets masked) and where it
//! comes from — which file and line, which secret from where, what it overrides.

use super::args::Inputs;
use super::{load_rows, lower, prepare};
use crate::clock::Clock;
use crate::outcome::Exit;
use crate::plan::Selection;
use crate::session::{Prepared, Purpose};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct VarsArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// A data file, to show the first row's fields too.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

pub(crate) async fn execute(a: VarsArgs, clock: Clock) -> super::Outcome {
    let rows = load_rows(a.data.as_deref())?;
    let config = lower(
        &a.inputs,
        rows.clone(),
        Selection::default(),
        Purpose::Send,
        clock,
    )?;
    let Prepared {
        plan,
        redactor,
        sandbox: _sandbox,
        ..
    } = prepare(&config).await?;
    let first = rows.as_ref().and_then(|r| r.first());
    let total = rows.as_ref().map_or(0, Vec::len);
    let mut out = String::new();
    for (c, lines) in plan.collections.iter().zip(crate::plan::table::variables(
        &plan, &redactor, first, total,
    )) {
        out.push_str(&format!("{} — {}\n", c.shown_path, c.name));
        out.push_str(&table(lines));
    }
    out.push_str("Captured values are added during a run, above all of these.\n");
    crate::out!("{out}");
    Ok(Exit::Ok)
}

/// NAME, VALUE and SOURCE columns, values cut to 60 characters of width.
fn table(lines: Vec<[String; 3]>) -> String {
    let w0 = lines
        .iter()
        .map(|l| l[0].chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let w1 = lines
        .iter()
        .map(|l| l[1].chars().count().min(60))
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("  {:<w0$}  {:<w1$}  SOURCE\n", "NAME", "VALUE");
    for [n, v, s] in lines {
        out.push_str(&format!("  {n:<w0$}  {v:<w1$}  {s}\n"));
    }
    out.push('\n');
    out
}
