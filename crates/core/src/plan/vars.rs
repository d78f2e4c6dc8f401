//! Variables: the layers in precedence order and derived variables — values that are templates
//! over other variables (`jobs_url: "{{ base_url }}/jobs"`). Derived variables are resolved in
//! dependency order, see every layer (the data row and captures included), keep the type of a
//! single expression, and a cycle among them is an input error.
//!
//! Plan time resolves what it can, to find every error before anything is sent. The run resolves
//! a scope again for each collection run (its data row; functions such as `uuid()` give each
//! iteration its own value), and per request where a capture changes what a variable reads.

use super::Planner;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{Template, Variable};
use crate::source::Span;
use crate::template::{FUNCTIONS, Templates, Vars};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A variable whose value is a template over other variables.
#[derive(Debug, Clone)]
pub struct Derived {
    pub name: String,
    pub template: Template,
    /// The names it reads.
    pub deps: Vec<String>,
}

/// The starting variables of one scope: a collection, or a group with variables of its own.
#[derive(Debug, Default)]
pub struct ScopeVars {
    /// Tells scopes apart in a run's cache.
    pub id: usize,
    /// Plain values, and derived ones rendered against them where plan time could.
    pub base: Vars,
    /// Derived variables in dependency order.
    pub derived: Vec<Derived>,
}

/// A scope's variables for one collection run, or for one request of it.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub vars: Vars,
    /// Names the data row or a capture set, which derived values do not replace.
    over: HashSet<String>,
    /// Derived variables whose template failed, with why.
    pub failed: Vec<(String, Diagnostic)>,
}

impl ScopeVars {
    /// Every name the scope defines, derived ones included.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.base.keys().chain(self.derived.iter().map(|d| &d.name))
    }

    /// The variables of one collection run: the data row over the base (except names that
    /// `--var-file` and `--var` pin), then every derived variable rendered again.
    pub fn for_run(&self, t: &Templates, row: Option<&Vars>, pinned: &HashSet<String>) -> Resolved {
        let mut r = Resolved {
            vars: self.base.clone(),
            ..Resolved::default()
        };
        for (k, v) in row.into_iter().flatten() {
            if !pinned.contains(k) {
                r.vars.insert(k.clone(), v.clone());
                r.over.insert(k.clone());
            }
        }
        for d in &self.derived {
            if !r.over.contains(&d.name) {
                r.render(t, d);
            }
        }
        r
    }

    /// Captures over a run's variables: derived variables that read a captured name (or could
    /// not be rendered before it existed) are rendered again.
    pub fn with_captures(&self, t: &Templates, run: &Resolved, captures: &Vars) -> Resolved {
        let mut r = run.clone();
        if captures.is_empty() {
            return r;
        }
        let mut changed: HashSet<&str> = HashSet::new();
        for (k, v) in captures {
            r.vars.insert(k.clone(), v.clone());
            r.over.insert(k.clone());
            changed.insert(k);
        }
        for d in &self.derived {
            if r.over.contains(&d.name) {
                continue;
            }
            let stale = d.deps.iter().any(|n| changed.contains(n.as_str()));
            if stale || !r.vars.contains_key(&d.name) {
                r.failed.retain(|(n, _)| n != &d.name);
                r.render(t, d);
                changed.insert(&d.name);
            }
        }
        r
    }

    /// The names a set of names reads through derived variables, transitively, itself included.
    pub fn expand(&self, names: impl IntoIterator<Item = String>) -> HashSet<String> {
        let by_name: HashMap<&str, &Derived> =
            self.derived.iter().map(|d| (d.name.as_str(), d)).collect();
        let mut out = HashSet::new();
        let mut todo: Vec<String> = names.into_iter().collect();
        while let Some(n) = todo.pop() {
            if let Some(d) = by_name.get(n.as_str()) {
                todo.extend(d.deps.iter().filter(|x| !out.contains(*x)).cloned());
            }
            out.insert(n);
        }
        out
    }
}

impl Resolved {
    /// Renders one derived variable; one whose inputs are missing stays unset (a request that
    /// needs it then says so), one whose template fails is remembered as failed.
    fn render(&mut self, t: &Templates, d: &Derived) {
        let ready = d
            .deps
            .iter()
            .all(|n| self.vars.contains_key(n) || FUNCTIONS.contains(&n.as_str()));
        match render_value(t, d, &self.vars) {
            Ok(v) => {
                self.vars.insert(d.name.clone(), v);
            }
            Err(e) => {
                self.vars.remove(&d.name);
                if ready {
                    self.failed.push((d.name.clone(), e));
                }
            }
        }
    }
}

/// A derived value: a single expression keeps its type; text made from a secret is a secret.
fn render_value(t: &Templates, d: &Derived, vars: &Vars) -> Result<Value, Diagnostic> {
    let v = t
        .render_json(&d.template, vars)
        .map_err(|e| e.with_label(format!("in variable `{}`", d.name)))?;
    if crate::template::read_secret() {
        t.register_secret(&v);
    }
    Ok(v)
}

/// The starting values given outside the collection, lowest first.
pub(super) struct Layers<'a> {
    pub builtin: &'a [(String, Value)],
    /// Collection, then group variables, then the environment's.
    pub written: Vec<&'a Variable>,
    pub var_file: &'a [(String, Value)],
    pub cli: &'a [(String, Value)],
}

impl Planner {
    /// Resolves one scope's starting variables. `later` holds names that only the run will set
    /// (captures, data columns): a derived variable that reads one waits for the run.
    pub(super) fn scope_vars(&mut self, layers: Layers, later: &HashSet<String>) -> ScopeVars {
        let mut base = Vars::new();
        // The last layer to write a name decides whether it is derived; the order of first
        // writing is kept. A map keeps this linear for environments of 100,000 variables.
        let mut written: Vec<(&String, &str, &Span)> = Vec::new();
        let mut last: HashMap<&str, Option<usize>> = HashMap::new();
        for (k, v) in layers.builtin {
            base.insert(k.clone(), v.clone());
        }
        for v in &layers.written {
            base.insert(v.name.clone(), v.value.clone());
            let template = match &v.value {
                Value::String(s) if s.contains("{{") || s.contains("{%") => {
                    written.push((&v.name, s, &v.span));
                    Some(written.len() - 1)
                }
                _ => None,
            };
            last.insert(&v.name, template);
        }
        for (k, v) in layers.var_file.iter().chain(layers.cli) {
            base.insert(k.clone(), v.clone());
            last.insert(k, None);
        }
        let written: Vec<(&String, &str, &Span)> = written
            .into_iter()
            .enumerate()
            .filter(|(i, (n, _, _))| last.get(n.as_str()) == Some(&Some(*i)))
            .map(|(_, w)| w)
            .collect();
        let mut derived = Vec::new();
        let mut broken: HashSet<String> = HashSet::new();
        for (name, src, span) in written {
            base.remove(name);
            let template = Template::new(src, span);
            if let Err(d) = self.templates.compile(&template) {
                self.push_once(d.with_label(format!("in variable `{name}`")));
                broken.insert(name.clone());
                continue;
            }
            // Said where a request needs it (see `needs`): a secret of a variable nothing
            // reads keeps nothing from running.
            if self.options.check_secrets && self.lacks_secret(&template) {
                broken.insert(name.clone());
            }
            let mut deps: Vec<String> = self.templates.undeclared(&template).into_iter().collect();
            deps.sort();
            derived.push(Derived {
                name: name.clone(),
                template,
                deps,
            });
        }
        let derived = self.in_dependency_order(derived, &mut broken);
        let mut scope = ScopeVars {
            id: self.next_scope_id(),
            base,
            derived,
        };
        self.render_at_plan_time(&mut scope, &broken, later);
        scope
    }

    /// Orders derived variables so each comes after what it reads; a cycle is reported once,
    /// with every variable in it and its place.
    fn in_dependency_order(
        &mut self,
        derived: Vec<Derived>,
        broken: &mut HashSet<String>,
    ) -> Vec<Derived> {
        let index: HashMap<&str, usize> = derived
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.as_str(), i))
            .collect();
        // 0 unvisited, 1 on the current path, 2 done.
        let mut mark = vec![0u8; derived.len()];
        let mut order = Vec::new();
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        for start in 0..derived.len() {
            let mut path: Vec<(usize, usize)> = vec![(start, 0)];
            if mark[start] != 0 {
                continue;
            }
            mark[start] = 1;
            while let Some((node, next)) = path.last_mut() {
                let (node, dep) = (*node, *next);
                let deps = &derived[node].deps;
                if dep == deps.len() {
                    mark[node] = 2;
                    order.push(node);
                    path.pop();
                    continue;
                }
                *next += 1;
                let Some(&child) = index.get(deps[dep].as_str()) else {
                    continue;
                };
                match mark[child] {
                    0 => {
                        mark[child] = 1;
                        path.push((child, 0));
                    }
                    1 => {
                        let from = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        cycles.push(path[from..].iter().map(|(n, _)| *n).collect());
                    }
                    _ => {}
                }
            }
        }
        for cycle in cycles {
            self.report_cycle(&derived, &cycle);
            broken.extend(cycle.iter().map(|&i| derived[i].name.clone()));
        }
        let mut slots: Vec<Option<Derived>> = derived.into_iter().map(Some).collect();
        order.into_iter().filter_map(|i| slots[i].take()).collect()
    }

    fn report_cycle(&mut self, derived: &[Derived], cycle: &[usize]) {
        let mut names: Vec<&str> = cycle.iter().map(|&i| derived[i].name.as_str()).collect();
        names.push(names[0]);
        let places: Vec<String> = cycle
            .iter()
            .map(|&i| format!("`{}` at {}", derived[i].name, derived[i].template.span))
            .collect();
        let first = &derived[cycle[0]];
        let d = Diagnostic::at(
            format!(
                "variables refer to each other in a cycle: {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
            &first.template.span,
        )
        .with_label(format!("in `{}`", first.template.source))
        .with_help(format!(
            "give one of them a plain value; defined: {}",
            places.join(", ")
        ));
        self.push_once(d);
    }

    /// Renders what plan time can: a failure or an undefined name is reported with the
    /// variable's place; variables that read a later name stay for the run.
    fn render_at_plan_time(
        &mut self,
        scope: &mut ScopeVars,
        broken: &HashSet<String>,
        later: &HashSet<String>,
    ) {
        let mut waiting: HashSet<String> = HashSet::new();
        for d in &scope.derived {
            if broken.contains(&d.name) {
                waiting.insert(d.name.clone());
                continue;
            }
            let missing: Vec<&String> = d
                .deps
                .iter()
                .filter(|n| !scope.base.contains_key(*n) && !FUNCTIONS.contains(&n.as_str()))
                .collect();
            let optional = crate::template::says_optional(&d.template.source);
            if missing
                .iter()
                .any(|n| waiting.contains(*n) || later.contains(*n))
            {
                waiting.insert(d.name.clone());
                continue;
            }
            if let (Some(name), false) = (missing.first(), optional) {
                waiting.insert(d.name.clone());
                if self.options.check_variables {
                    let known: Vec<&String> = scope.base.keys().collect();
                    let mut diag = Diagnostic::at(
                        format!("undefined variable `{name}` in variable `{}`", d.name),
                        &d.template.span,
                    )
                    .with_help("define it under `variables:` (collection or environment), pass `--var name=value`, or capture it in an earlier request");
                    diag = match did_you_mean(name, known.iter().map(|s| s.as_str())) {
                        Some(best) => diag.with_label(format!("did you mean `{best}`?")),
                        None => diag.with_label(format!("in `{}`", d.template.source)),
                    };
                    self.push_once(diag);
                }
                continue;
            }
            match render_value(&self.templates, d, &scope.base) {
                Ok(v) => {
                    scope.base.insert(d.name.clone(), v);
                }
                Err(e) => {
                    waiting.insert(d.name.clone());
                    if self.options.check_variables {
                        self.push_once(e);
                    }
                }
            }
        }
    }
}
