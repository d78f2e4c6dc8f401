//! `yarc vars`: every variable a run would start with, its value (secrets masked) and where it
//! comes from — which file and line, which secret from where, what it overrides.

use super::args::Inputs;
use super::{invalid, load_rows, lower, prepare};
use crate::clock::Clock;
use crate::model::Template;
use crate::outcome::Exit;
use crate::plan::{Selection, VarSource};
use crate::session::{Prepared, Purpose};
use crate::template::literal_secret_names;
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct VarsArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// A data file, to show the first row's fields too.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

fn source_name(s: VarSource) -> &'static str {
    match s {
        VarSource::Builtin => "built-in",
        VarSource::Collection => "collection",
        VarSource::Group => "group",
        VarSource::Environment => "environment",
        VarSource::VarFile => "--var-file",
        VarSource::CommandLine => "--var",
    }
}

/// Whether a layer is above the `--data` row in the precedence (captured values are built-in).
fn above_data(s: VarSource) -> bool {
    matches!(
        s,
        VarSource::VarFile | VarSource::CommandLine | VarSource::Builtin
    )
}

pub async fn execute(a: VarsArgs, clock: Clock) -> i32 {
    let rows = match load_rows(a.data.as_deref()) {
        Ok(rows) => rows,
        Err(code) => return code,
    };
    let config = match lower(
        &a.inputs,
        rows.clone(),
        Selection::default(),
        Purpose::Send,
        clock,
    ) {
        Ok(c) => c,
        Err(d) => return invalid(&d),
    };
    let Prepared {
        plan,
        redactor,
        sandbox: _sandbox,
        ..
    } = match prepare(&config).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    let first = rows.as_ref().and_then(|r| r.first());
    let total = rows.as_ref().map_or(0, Vec::len);
    let mut out = String::new();
    for (c, lines) in plan
        .collections
        .iter()
        .zip(variables(&plan, &redactor, first, total))
    {
        out.push_str(&format!("{} — {}\n", c.shown_path, c.name));
        out.push_str(&table(lines));
    }
    out.push_str("Captured values are added during a run, above all of these.\n");
    crate::out!("{out}");
    Exit::Ok.code()
}

/// NAME, VALUE (masked) and SOURCE of every starting variable, per collection of the plan: the
/// values as the first collection run sees them (the data row's first, derived variables
/// rendered with it). `yarc vars` prints them; `yarc ui` shows them.
pub fn variables(
    plan: &crate::plan::Plan,
    redactor: &crate::secret::Redactor,
    first: Option<&crate::template::Vars>,
    total: usize,
) -> Vec<Vec<[String; 3]>> {
    plan.collections
        .iter()
        .map(|c| {
            let values = c.scope.for_run(&plan.templates, first, &plan.pinned).vars;
            let mut lines: Vec<[String; 3]> = c
                .var_info
                .iter()
                .map(|info| {
                    // A name the row sets is shown twice: here as written, below from the row.
                    let from = match first {
                        Some(row) if row.contains_key(&info.name) => &c.scope.base,
                        _ => &values,
                    };
                    let value = from.get(&info.name).cloned().unwrap_or(Value::Null);
                    let shown = redactor.redact(&show(&value));
                    let mut source = source_of(plan, c, info);
                    if first.is_some_and(|row| row.contains_key(&info.name)) {
                        source.push_str(match above_data(info.source) {
                            true => " — wins over the data row's value",
                            false => " — not used: the data row's value wins",
                        });
                    }
                    [info.name.clone(), shown, source]
                })
                .collect();
            for (k, v) in first.into_iter().flatten() {
                let beaten = c
                    .var_info
                    .iter()
                    .find(|i| &i.name == k && above_data(i.source));
                let verdict = match beaten {
                    Some(i) => format!(" — not used: {}'s value wins", source_name(i.source)),
                    None => String::new(),
                };
                lines.push([
                    k.clone(),
                    redactor.redact(&show(v)),
                    format!(
                        "data row 1 of {total} (above the environment, below --var-file and --var){verdict}"
                    ),
                ]);
            }
            lines
        })
        .collect()
}

/// Where a variable comes from: the layer and place, the secrets it reads and from where,
/// what it overrides.
fn source_of(
    plan: &crate::plan::Plan,
    c: &crate::plan::PlannedCollection,
    info: &crate::plan::VarInfo,
) -> String {
    let mut source = source_name(info.source).to_string();
    if let Some(span) = &info.span {
        source.push_str(&format!(" {span}"));
    }
    if let Value::String(raw) = &info.raw {
        let names = literal_secret_names(&Template::new(
            raw.clone(),
            info.span.as_ref().unwrap_or(&c_span(c)),
        ));
        for n in names {
            let from = match (plan.secrets.origin(&n), plan.secrets.get(&n)) {
                (Some(o), Some(v)) if v.is_empty() => format!("{o} (empty)"),
                (Some(o), _) => o,
                (None, _) => "not set".into(),
            };
            source.push_str(&format!(", secret {n} from {from}"));
        }
    }
    if !info.overrides.is_empty() {
        let over: Vec<&str> = info.overrides.iter().map(|s| source_name(*s)).collect();
        source.push_str(&format!(" (overrides {})", over.join(", ")));
    }
    source
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

fn c_span(c: &crate::plan::PlannedCollection) -> crate::source::Span {
    crate::source::Span::file_start(&crate::source::SourceFile::new(c.shown_path.clone(), ""))
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
