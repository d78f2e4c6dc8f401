//! The table of a plan's starting variables: name, value (secrets masked) and where each comes
//! from. `yarc vars` prints it; `yarc ui` shows it.

use super::VarSource;
use crate::model::Template;
use crate::template::literal_secret_names;
use serde_json::Value;

fn source_name(s: VarSource) -> &'static str {
    match s {
        VarSource::Builtin => "built-in",
        VarSource::Collection => "collection",
        VarSource::Group => "group",
        VarSource::Environment => "environment",
        VarSource::VarFile => "--var-file",
        VarSource::CommandLine => "--var",
        VarSource::SecretVar => "--secret-var",
    }
}

/// Whether a layer is above the `--data` row in the precedence (captured values are built-in).
fn above_data(s: VarSource) -> bool {
    matches!(
        s,
        VarSource::VarFile | VarSource::CommandLine | VarSource::SecretVar | VarSource::Builtin
    )
}

/// NAME, VALUE (masked) and SOURCE of every starting variable, per collection of the plan: the
/// values as the first collection run sees them (the data row's first, derived variables
/// rendered with it). `yarc vars` prints them; `yarc ui` shows them.
pub fn variables(
    plan: &super::Plan,
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
                    let mut source = source_of(plan, c, info);
                    let shown = match from.get(&info.name) {
                        Some(value) => redactor.redact(&show(value)),
                        // Not rendered: a secret it reads is missing (`run` says so if a
                        // request needs it).
                        None if source.contains(" (not set)") => "(a secret it reads is not set)".into(),
                        None => "null".into(),
                    };
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
fn source_of(plan: &super::Plan, c: &super::PlannedCollection, info: &super::VarInfo) -> String {
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
                (Some(o), Some(v)) if v.is_empty() => format!(" from {o} (empty)"),
                (Some(o), _) => format!(" from {o}"),
                (None, _) => " (not set)".into(),
            };
            source.push_str(&format!(", secret {n}{from}"));
        }
    }
    if !info.overrides.is_empty() {
        let over: Vec<&str> = info.overrides.iter().map(|s| source_name(*s)).collect();
        source.push_str(&format!(" (overrides {})", over.join(", ")));
    }
    source
}

fn c_span(c: &super::PlannedCollection) -> crate::source::Span {
    crate::source::Span::file_start(&crate::source::SourceFile::new(c.shown_path.clone(), ""))
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
