//! What the language server knows of one collection file: the engine's own check (load →
//! parse → plan, on the editor's unsaved text) and, from the last plan that could be made,
//! the variables, captures and requests an editor asks about. Nothing here speaks LSP.

use crate::diagnostic::Diagnostic;
use crate::session::{Config, PrepareError, Prepared, Purpose};
use crate::source::Span;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A variable as `yarc vars` shows it, and where it is defined.
#[derive(Debug, Clone)]
pub(crate) struct Var {
    pub name: String,
    /// Secrets masked.
    pub value: String,
    pub source: String,
    pub defined: Option<Span>,
}

/// A value a request captures for the requests after it.
#[derive(Debug, Clone)]
pub(crate) struct Captured {
    pub name: String,
    pub by: String,
    pub at: Span,
}

/// A request: its name as reports show it, where it starts, and what it sends.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub name: String,
    pub at: Span,
    pub method: String,
    /// The URL rendered with the starting variables (secrets masked), or as written.
    pub url: String,
    /// Variables of its own scope (its groups' and its own `variables:`), with their values
    /// (secrets masked).
    pub scope: Vec<(String, String)>,
}

/// The last analysis of a file.
#[derive(Debug, Default, Clone)]
pub(crate) struct Analysis {
    /// Every problem `yarc check` reports, with the file each is in.
    pub problems: Vec<(PathBuf, Diagnostic)>,
    /// Problems without a place (shown at the top of the file).
    pub general: Vec<String>,
    pub vars: Vec<Var>,
    pub captures: Vec<Captured>,
    pub requests: Vec<Req>,
    /// Names a `secret('…')` can read: the environment's, `.env`'s, the process's (names only).
    pub secret_names: Vec<String>,
}

/// Checks `path` as `yarc check --env ENV` would (secrets not set are notes, as in a lint),
/// reading the editor's unsaved texts instead of the files.
pub(crate) async fn analyze(
    path: &Path,
    env: Option<String>,
    unsaved: Arc<HashMap<PathBuf, String>>,
) -> Analysis {
    let config = config(path, env.clone());
    let prepared =
        crate::load::with_unsaved(Arc::clone(&unsaved), crate::session::prepare(&config)).await;
    let mut out = Analysis::default();
    match prepared {
        Ok(p) => {
            read_plan(&p, &mut out);
            out.secret_names
                .extend(p.plan.unset_secrets.iter().cloned());
        }
        Err(PrepareError::Invalid(d)) => {
            // No plan: the names still come from what could be read.
            let files = vec![path.to_path_buf()];
            let read = crate::load::with_unsaved(Arc::clone(&unsaved), async {
                crate::load::load_partial(&files, env.as_deref()).0
            })
            .await;
            read_model(&read, &mut out);
            for problem in d.0 {
                match &problem.span {
                    Some(s) => out.problems.push((PathBuf::from(s.path()), problem)),
                    None => out.general.push(problem.render()),
                }
            }
        }
        Err(e) => out.general.push(e.to_string()),
    }
    out.secret_names.extend(secret_names(path));
    out.secret_names
        .extend(unsaved.values().flat_map(|t| named_secrets(t)));
    if let Some(env_file) = env
        .as_deref()
        .and_then(|e| crate::load::find_environment(e, Some(path)).ok())
        && let Ok(text) = crate::load::read_text(&env_file)
    {
        out.secret_names.extend(named_secrets(&text));
    }
    out.secret_names.sort();
    out.secret_names.dedup();
    out
}

fn config(path: &Path, env: Option<String>) -> Config {
    Config {
        paths: vec![path.to_path_buf()],
        env,
        vars: Vec::new(),
        headers: Vec::new(),
        secret_vars: Vec::new(),
        var_file: None,
        net: Default::default(),
        token_cache: None,
        max_token_body: 1 << 20,
        rows: None,
        selection: Default::default(),
        with_deps: false,
        purpose: Purpose::Check,
        clock: crate::clock::Clock::Real,
        sandbox_url: None,
        sandboxes: None,
        captured: Vec::new(),
        secrets_as_notes: true,
    }
}

fn read_plan(p: &Prepared, out: &mut Analysis) {
    let Some(c) = p.plan.collections.first() else {
        return;
    };
    let table = crate::plan::table::variables(&p.plan, &p.redactor, None, 1);
    let spans: HashMap<&str, Option<Span>> = c
        .var_info
        .iter()
        .map(|i| (i.name.as_str(), i.span.clone()))
        .collect();
    for [name, value, source] in table.into_iter().next().unwrap_or_default() {
        let defined = spans.get(name.as_str()).cloned().flatten();
        out.vars.push(Var {
            name,
            value,
            source,
            defined,
        });
    }
    for pr in &c.requests {
        for cap in &pr.req.captures {
            out.captures.push(Captured {
                name: cap.var.clone(),
                by: pr.full_name(),
                at: cap.span.clone(),
            });
        }
        // What earlier requests capture is not known before the run: shown as `{name}`.
        let mut vars = pr.scope.base.clone();
        for need in &pr.needs {
            if !vars.contains_key(need) {
                vars.insert(
                    need.clone(),
                    serde_json::Value::String(format!("{{{need}}}")),
                );
            }
        }
        let url = p
            .plan
            .templates
            .render(&pr.req.url, &vars)
            .map(|u| p.redactor.redact(&u))
            .unwrap_or_else(|_| pr.req.url.source.clone());
        let scope = pr
            .scope
            .base
            .iter()
            .filter(|(k, _)| !out.vars.iter().any(|v| &v.name == *k))
            .map(|(k, v)| {
                let shown = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), p.redactor.redact(&shown))
            })
            .collect();
        out.requests.push(Req {
            name: pr.full_name(),
            at: pr.req.span.clone(),
            method: pr.req.method.clone(),
            url: crate::untrusted::visible(&url).into_owned(),
            scope,
        });
    }
}

/// Variables and captures as written, when no plan could be made (values as written, secrets
/// left as their `secret('…')` reference).
fn read_model(loaded: &crate::load::Loaded, out: &mut Analysis) {
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(env) = &loaded.environment {
        for v in &env.variables {
            out.vars.push(Var {
                name: v.name.clone(),
                value: shown(&v.value),
                source: "environment".into(),
                defined: Some(v.span.clone()),
            });
        }
    }
    for c in &loaded.collections {
        for v in &c.variables {
            if !out.vars.iter().any(|x| x.name == v.name) {
                out.vars.push(Var {
                    name: v.name.clone(),
                    value: shown(&v.value),
                    source: "collection".into(),
                    defined: Some(v.span.clone()),
                });
            }
        }
        for (name, r) in crate::model::named_requests(&c.items) {
            for cap in &r.captures {
                out.captures.push(Captured {
                    name: cap.var.clone(),
                    by: name.clone(),
                    at: cap.span.clone(),
                });
            }
            out.requests.push(Req {
                name,
                at: r.span.clone(),
                method: r.method.clone(),
                url: crate::untrusted::visible(&r.url.source).into_owned(),
                scope: Vec::new(),
            });
        }
    }
}

/// The names `secret('NAME')` reads in a text.
fn named_secrets(text: &str) -> Vec<String> {
    static SECRET: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = SECRET.get_or_init(|| {
        regex::Regex::new(r#"secret\(\s*['"]([A-Za-z0-9_.-]+)['"]"#).expect("valid regex")
    });
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// Secret names a collection can read from `.env` files beside it and in its parent folders
/// (names only: a value is never read into the editor).
fn secret_names(path: &Path) -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut dir = path.parent();
    while let Some(d) = dir {
        if let Ok(iter) = dotenvy::from_path_iter(d.join(".env")) {
            names.extend(iter.flatten().map(|(k, _)| k));
        }
        dir = d.parent();
    }
    names.into_iter().collect()
}
