//! From loaded files to a runnable plan: variable scopes in precedence order, requests
//! flattened with their group settings, every template, JSONPath and JSON Schema compiled, and
//! every undefined variable and missing secret reported — all before the first request leaves.

pub mod table;
pub mod vars;

use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::eval::Schemas;
use crate::eval::jsonpath::JsonPaths;
use crate::model::*;
use crate::secret::Secrets;
use crate::source::Span;
use crate::template::{self, Templates, Vars};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use vars::{Layers, ScopeVars};

/// Where a starting variable came from, lowest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VarSource {
    Builtin,
    Collection,
    Group,
    Environment,
    VarFile,
    CommandLine,
    /// `--secret-var`: a variable at `--var`'s precedence, and a `secret()` value.
    SecretVar,
}

/// Values given outside the collection: environment file, `--var-file`, `--var`, built-ins.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub builtin: Vec<(String, Value)>,
    pub var_file: Vec<(String, Value)>,
    pub cli: Vec<(String, Value)>,
    /// The names of `cli` that `--secret-var` gave (for where `yarc vars` says they come from).
    pub secret_cli: Vec<String>,
}

/// One request, flattened, with everything it inherits.
#[derive(Debug)]
pub struct PlannedRequest {
    pub req: Arc<Request>,
    /// Group names from the outermost in.
    pub groups: Vec<String>,
    /// Shared with the scope it comes from: most requests inherit one block.
    pub auth: Option<Arc<AuthSpec>>,
    pub headers: Vec<(String, Template)>,
    pub query: Vec<(String, Template)>,
    pub timeout: Option<Duration>,
    /// How many redirects to follow; `None`: none.
    pub redirects: Option<usize>,
    /// Group `skip:` conditions, then the request's own.
    pub skips: Vec<Template>,
    /// Starting variables of its scope (the data row and captures are layered on at run time).
    pub scope: Arc<ScopeVars>,
    /// Every variable its templates read, through derived variables too.
    pub needs: Vec<String>,
    /// Its tags, its groups' and its collection's.
    pub tags: Vec<String>,
    /// The snapshot settings in force (request's own, else the innermost defaults').
    pub snapshot: Option<SnapshotSpec>,
    /// The API document it is held to, unless there is none or its mode is `off`.
    pub contract: Option<Contract>,
}

/// The API document a request is held to, and how.
#[derive(Debug, Clone)]
pub struct Contract {
    pub document: Arc<crate::contract::Document>,
    pub mode: ContractMode,
    /// `requests: true`: its JSON body is checked before it is sent.
    pub requests: bool,
}

impl PlannedRequest {
    /// `group / request`, as reports name it.
    pub fn full_name(&self) -> String {
        let mut parts = self.groups.clone();
        parts.push(self.req.name.clone());
        parts.join(" / ")
    }
}

/// Where a starting variable's value comes from, for `yarc vars`.
#[derive(Debug, Clone)]
pub struct VarInfo {
    pub name: String,
    pub source: VarSource,
    /// The place it is defined (collection or environment file).
    pub span: Option<Span>,
    /// The value as written, before rendering (`{{ secret('X') }}`).
    pub raw: Value,
    /// Lower layers that also define it.
    pub overrides: Vec<VarSource>,
}

#[derive(Debug)]
pub struct PlannedCollection {
    /// The collection's starting variables (collection, environment, --var-file, --var).
    pub scope: Arc<ScopeVars>,
    pub var_info: Vec<VarInfo>,
    pub name: String,
    pub path: PathBuf,
    pub shown_path: String,
    pub base_dir: PathBuf,
    pub requests: Vec<PlannedRequest>,
    /// Whether responses' cookies are kept and sent back (`cookie_jar:`).
    pub cookie_jar: bool,
}

pub struct Plan {
    pub collections: Vec<PlannedCollection>,
    pub templates: Templates,
    pub paths: JsonPaths,
    pub schemas: Schemas,
    pub secrets: Arc<Secrets>,
    pub environment: Option<String>,
    /// Names that `--var-file` and `--var` set: a data row does not override them.
    pub pinned: HashSet<String>,
    /// Every tag and request of the collections, selected or not.
    pub seen: Seen,
    /// What is allowed but probably not meant (a Postman `/:id` left in a URL).
    pub warnings: Vec<String>,
    /// Secrets the collections read that are not set (or empty), when `PlanOptions::
    /// secrets_as_notes` says they are no error (`yarc check` without `--env`).
    pub unset_secrets: std::collections::BTreeSet<String>,
    /// Secrets read with a `default=` that are not set: the default stands in (`yarc check`
    /// names them).
    pub defaulted_secrets: std::collections::BTreeSet<String>,
}

/// Which checks need the full set of variables and secrets (`yarc check` without `--env`
/// checks syntax only).
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub check_variables: bool,
    pub check_secrets: bool,
    pub selection: Selection,
    /// Variables a data file will provide (its column names).
    pub data_columns: Vec<String>,
    /// What `now()`, `uuid()` and `random_int()` give.
    pub clock: crate::clock::Clock,
    /// Plan what can be planned and keep no errors (to see the requests' dependencies).
    pub lenient: bool,
    /// `--header`: on every request, over its own of the same name.
    pub headers: Vec<(String, String)>,
    /// Secrets that are not set are collected in `Plan::unset_secrets`, not errors (`yarc
    /// check` without `--env`: a lint on a machine without the secrets).
    pub secrets_as_notes: bool,
    /// API documents named by URL, fetched for this run (URL → text); `None`: not fetched
    /// (`yarc check`), and their checks are left out with a note.
    pub fetched: Option<Arc<HashMap<String, String>>>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            check_variables: true,
            check_secrets: true,
            secrets_as_notes: false,
            fetched: None,
            selection: Selection::default(),
            data_columns: Vec::new(),
            clock: crate::clock::Clock::Real,
            lenient: false,
            headers: Vec::new(),
        }
    }
}

/// `--tag`, `--skip-tag` and `--name`: which requests run. Empty lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--with-deps`: exactly these requests, by collection file and `group / name` (the
    /// filters below are then already applied).
    pub only: Option<HashSet<(PathBuf, String)>>,
    /// A request runs when it, its group or its collection has any of these tags.
    pub tags: Vec<String>,
    /// ... and none of these.
    pub skip_tags: Vec<String>,
    /// A request runs when its name, a group's name or `group / name` matches any glob.
    pub names: Vec<globset::GlobMatcher>,
}

impl Selection {
    pub fn is_all(&self) -> bool {
        self.tags.is_empty()
            && self.names.is_empty()
            && self.skip_tags.is_empty()
            && self.only.is_none()
    }

    /// Whether a request with these tags (its own, its groups', its collection's) is selected.
    pub fn selects_request(&self, collection: &Path, r: &PlannedRequest) -> bool {
        match &self.only {
            Some(set) => set.contains(&(collection.to_path_buf(), r.full_name())),
            None => self.selects(&r.tags, &r.groups, &r.req.name),
        }
    }

    fn selects(&self, tags: &[String], groups: &[String], name: &str) -> bool {
        let tag_ok = self.tags.is_empty() || tags.iter().any(|t| self.tags.contains(t));
        let skipped = tags.iter().any(|t| self.skip_tags.contains(t));
        let name_ok =
            self.names.is_empty() || self.names.iter().any(|g| name_matches(g, groups, name));
        tag_ok && name_ok && !skipped
    }

    /// Every `--tag` and `--name` must select something somewhere, and together they must
    /// select a request: a mistyped filter that runs nothing would be a green run that tested
    /// nothing. A `--skip-tag` that matches nothing is only warned about: it cannot hide a test.
    pub fn check(&self, seen: &Seen) -> Result<Vec<String>, Diagnostics> {
        let mut errors = Diagnostics::default();
        for t in self.tags.iter().filter(|t| !seen.tags.contains(*t)) {
            errors.push(
                Diagnostic::new(format!(
                    "`--tag {t}` selects no request: no request, group or collection has that tag"
                ))
                .suggest(t, seen.tags.iter().map(String::as_str))
                .with_help(format!("the tags that exist: {}", list_or_none(&seen.tags))),
            );
        }
        for g in &self.names {
            let hit = seen
                .requests
                .iter()
                .any(|(groups, name)| name_matches(g, groups, name));
            if !hit {
                let glob = g.glob().glob();
                // A request inside a group is known by its own name too (every imported
                // request sits in a folder), and groups can be chosen by theirs.
                let mut names: Vec<String> = Vec::new();
                for (groups, name) in &seen.requests {
                    names.push(name.clone());
                    names.extend(groups.iter().cloned());
                    names.push(full_name(groups, name));
                }
                errors.push(
                    Diagnostic::new(format!("`--name {glob}` selects no request"))
                        .suggest(glob, names.iter().map(String::as_str))
                        .with_help("it matches a request's name, a group's name or `group / name`; globs such as `list*` work"),
                );
            }
        }
        if errors.is_empty() && seen.selected == 0 {
            errors.push(Diagnostic::new(
                "the selection (--tag, --name, --skip-tag together) selects no request",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self
            .skip_tags
            .iter()
            .filter(|t| !seen.tags.contains(*t))
            .map(|t| {
                format!(
                    "warning: `--skip-tag {t}` matches no request (the tags that exist: {})",
                    list_or_none(&seen.tags)
                )
            })
            .collect())
    }
}

fn list_or_none(tags: &std::collections::BTreeSet<String>) -> String {
    if tags.is_empty() {
        "none".into()
    } else {
        tags.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn full_name(groups: &[String], name: &str) -> String {
    groups
        .iter()
        .cloned()
        .chain([name.to_string()])
        .collect::<Vec<_>>()
        .join(" / ")
}

fn name_matches(g: &globset::GlobMatcher, groups: &[String], name: &str) -> bool {
    g.is_match(name)
        || g.is_match(full_name(groups, name))
        || groups.iter().any(|gr| g.is_match(gr))
}

/// `--with-deps`: the selected requests of a plan of every request, and the earlier ones that
/// capture what they need, transitively. Returns the set to run and a note per added request.
pub fn with_dependencies(
    all: &Plan,
    selection: &Selection,
) -> (HashSet<(PathBuf, String)>, Vec<String>) {
    let mut chosen = HashSet::new();
    let mut notes = Vec::new();
    for c in &all.collections {
        let mut wanted: Vec<bool> = c
            .requests
            .iter()
            .map(|r| selection.selects_request(&c.path, r))
            .collect();
        // From the last request back: a wanted request makes the nearest earlier producer of
        // each value it needs wanted too, and that one's needs are met the same way.
        for i in (0..c.requests.len()).rev() {
            if !wanted[i] {
                continue;
            }
            for need in &c.requests[i].needs {
                let producer = (0..i)
                    .rev()
                    .find(|&j| c.requests[j].req.given_names().any(|n| n == need));
                if let Some(j) = producer
                    && !wanted[j]
                {
                    wanted[j] = true;
                    let how = match c.requests[j].req.captures.iter().any(|x| &x.var == need) {
                        true => "captures",
                        false => "sets",
                    };
                    notes.push(format!(
                        "--with-deps adds `{}` ({}): it {how} `{need}`, which `{}` needs",
                        c.requests[j].full_name(),
                        c.shown_path,
                        c.requests[i].full_name()
                    ));
                }
                // A request between them that polls on that value (`retry`) waits for what
                // the producer started: `fetch the result` needs `wait for the job` first.
                let Some(j) = producer else { continue };
                let between = c.requests[j + 1..i].iter().zip(&mut wanted[j + 1..i]);
                for (r, w) in between {
                    let polls = r.req.retry.is_some() && r.needs.iter().any(|n| n == need);
                    if polls && !*w {
                        *w = true;
                        notes.push(format!(
                            "--with-deps adds `{}` ({}): it polls on `{need}` before `{}` runs",
                            r.full_name(),
                            c.shown_path,
                            c.requests[i].full_name()
                        ));
                    }
                }
            }
        }
        for (r, w) in c.requests.iter().zip(wanted) {
            if w {
                chosen.insert((c.path.clone(), r.full_name()));
            }
        }
    }
    notes.reverse();
    (chosen, notes)
}

/// What the planner saw, selected or not: for messages about a selection.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub tags: std::collections::BTreeSet<String>,
    /// Every request as (groups, name).
    pub requests: Vec<(Vec<String>, String)>,
    /// Requests the selection kept.
    pub selected: usize,
}

pub fn plan(
    collections: Vec<Collection>,
    environment: Option<&Environment>,
    overrides: &Overrides,
    secrets: Arc<Secrets>,
    options: PlanOptions,
) -> Result<Plan, Diagnostics> {
    let clock = options.clock;
    let mut p = Planner {
        undefined_reported: HashSet::new(),
        left_out: Default::default(),
        options,
        templates: Templates::new(Arc::clone(&secrets), clock),
        paths: JsonPaths::default(),
        schemas: Schemas::new(),
        errors: Diagnostics::default(),
        secrets: Arc::clone(&secrets),
        scopes: 0,
        later: HashSet::new(),
        seen: Seen::default(),
        current: PathBuf::new(),
        cli_headers: Vec::new(),
        warnings: Vec::new(),
        unset_secrets: Default::default(),
        defaulted_secrets: Default::default(),
        documents: HashMap::new(),
    };
    let flags = crate::source::SourceFile::new("--header", "");
    p.cli_headers = p
        .options
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Template::new(v, &Span::file_start(&flags))))
        .collect();
    let mut planned = Vec::new();
    for c in &collections {
        let pc = p.collection(c, environment, overrides);
        if !pc.requests.is_empty() || p.options.selection.is_all() {
            planned.push(pc);
        }
    }
    p.check_snapshot_files(&planned, environment.map(|e| e.name.as_str()));
    // A message may quote a rendered value (a file name made with `secret()`): masked, as
    // everything yarc prints is.
    let r = &secrets.redactor;
    for d in &mut p.errors.0 {
        d.message = r.redact(&d.message);
        d.label = d.label.as_deref().map(|l| r.redact(l));
        d.help = d.help.as_deref().map(|h| r.redact(h));
    }
    for w in &mut p.warnings {
        *w = r.redact(w);
    }
    if !p.errors.is_empty() && !p.options.lenient {
        return Err(p.errors);
    }
    Ok(Plan {
        collections: planned,
        templates: p.templates,
        paths: p.paths,
        schemas: p.schemas,
        secrets,
        environment: environment.map(|e| e.name.clone()),
        pinned: overrides
            .var_file
            .iter()
            .chain(&overrides.cli)
            .map(|(k, _)| k.clone())
            .collect(),
        seen: p.seen,
        warnings: p.warnings,
        unset_secrets: p.unset_secrets,
        defaulted_secrets: p.defaulted_secrets,
    })
}

struct Planner {
    options: PlanOptions,
    /// (place, variable) pairs already reported as undefined.
    undefined_reported: HashSet<String>,
    /// Captures of requests the selection left out, by variable: for a helpful message.
    left_out: std::collections::HashMap<String, String>,
    templates: Templates,
    paths: JsonPaths,
    schemas: Schemas,
    errors: Diagnostics,
    secrets: Arc<Secrets>,
    /// Scopes made so far.
    scopes: usize,
    /// Names only the run sets in the collection being planned: captures and data columns.
    later: HashSet<String>,
    seen: Seen,
    /// The collection file being planned.
    current: PathBuf,
    /// `--header` values, as templates placed in a pseudo-file for messages.
    cli_headers: Vec<(String, Template)>,
    warnings: Vec<String>,
    unset_secrets: std::collections::BTreeSet<String>,
    defaulted_secrets: std::collections::BTreeSet<String>,
    /// API documents read so far, by file (and whether request bodies are checked): each is
    /// read once for the whole run.
    documents: HashMap<(PathBuf, bool), Arc<crate::contract::Document>>,
}

/// What stays the same while one collection's items are walked.
struct Walk<'a> {
    env: Option<&'a Environment>,
    o: &'a Overrides,
    base_dir: &'a Path,
}

/// Inherited settings while walking groups.
#[derive(Clone)]
struct Scope {
    groups: Vec<String>,
    auth: Option<Arc<AuthSpec>>,
    headers: Vec<(String, Template)>,
    query: Vec<(String, Template)>,
    timeout: Option<Duration>,
    follow_redirects: Option<bool>,
    max_redirects: Option<u32>,
    snapshot: Option<SnapshotSpec>,
    /// `defaults.expect` of the collection and the groups, merged.
    expect: Expect,
    /// `defaults.set` of the collection and the groups, outer first.
    sets: Vec<SetVar>,
    skips: Vec<Template>,
    tags: Vec<String>,
    /// Collection and group variables, lowest first.
    lower: Vec<Variable>,
    /// The starting variables of this scope, resolved once for all its requests.
    vars: Arc<ScopeVars>,
    /// The API document in force (`openapi:`) and whether it checks request bodies.
    document: Option<(Arc<crate::contract::Document>, bool)>,
    /// The `contract:` mode in force.
    contract: Option<ContractMode>,
}

/// The request's document and mode: none when there is no document or the mode is `off`.
fn contract_in_force(r: &Request, scope: &Scope) -> Option<Contract> {
    let (document, requests) = scope.document.clone()?;
    let mode = r.contract.or(scope.contract).unwrap_or_default();
    (mode != ContractMode::Off).then_some(Contract {
        document,
        mode,
        requests,
    })
}

/// The scope of a request with `inherit: false`: its variables (`set:` too), tags, skips,
/// timeouts and contract stay; the message's headers, query and auth, the checks and the
/// snapshot go.
fn uninherited(scope: &Scope) -> Scope {
    Scope {
        auth: None,
        headers: Vec::new(),
        query: Vec::new(),
        snapshot: None,
        expect: Expect::default(),
        ..scope.clone()
    }
}

/// `defaults.expect` under a narrower one (or a request's own): checks add up; a status
/// stated below replaces the one above.
fn merged_expect(above: &Expect, below: &Expect) -> Expect {
    let replaced = below.states_status();
    let mut checks: Vec<Check> = above
        .checks
        .iter()
        .filter(|c| !(replaced && matches!(c.target, Target::Status)))
        .cloned()
        .collect();
    checks.extend(below.checks.iter().cloned());
    Expect {
        checks,
        any_status: below.any_status || (above.any_status && !replaced),
    }
}

impl Planner {
    fn collection(
        &mut self,
        c: &Collection,
        env: Option<&Environment>,
        o: &Overrides,
    ) -> PlannedCollection {
        let base_dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.current = c.path.clone();
        self.later = self.options.data_columns.iter().cloned().collect();
        self.later
            .extend(c.defaults.sets.iter().map(|s| s.name.clone()));
        capture_names(&c.items, &mut self.later);
        let scope = Scope {
            groups: Vec::new(),
            auth: c.auth.clone().map(Arc::new),
            headers: c.defaults.headers.clone(),
            query: c.defaults.query.clone(),
            timeout: c.defaults.timeout,
            follow_redirects: c.defaults.follow_redirects,
            max_redirects: c.defaults.max_redirects,
            snapshot: c.defaults.snapshot.clone(),
            expect: c.defaults.expect.clone(),
            sets: c.defaults.sets.clone(),
            skips: Vec::new(),
            tags: c.tags.clone(),
            lower: c.variables.clone(),
            vars: Arc::new(self.starting_vars(&c.variables, env, o)),
            document: self.collection_document(c, env),
            contract: c.contract,
        };
        // Sized once: grown by doubling, a plan of 100,000 requests held a third more than it
        // used, and twice that while it moved.
        let mut requests = Vec::with_capacity(count_requests(&c.items));
        let mut captured: Vec<String> = Vec::new();
        self.left_out.clear();
        let vars = Arc::clone(&scope.vars);
        let var_info = var_info(c, env, o);
        let walk = Walk {
            env,
            o,
            base_dir: &base_dir,
        };
        self.items(&c.items, &scope, &walk, &mut captured, &mut requests);
        PlannedCollection {
            scope: vars,
            var_info,
            name: c.name.clone(),
            path: c.path.clone(),
            shown_path: c.file.path.clone(),
            base_dir,
            requests,
            cookie_jar: c.cookie_jar,
        }
    }

    /// The API document of the environment (`openapi:` there), else the collection's.
    fn collection_document(
        &mut self,
        c: &Collection,
        env: Option<&Environment>,
    ) -> Option<(Arc<crate::contract::Document>, bool)> {
        // The environment pins the version; checking request bodies is the collection's choice
        // unless the environment says.
        let own = c.openapi.as_ref().and_then(|o| o.requests);
        match env.and_then(|e| e.openapi.as_ref().map(|o| (o, &e.path))) {
            Some((o, env_path)) => {
                let requests = o.requests.or(own).unwrap_or(false);
                self.document(o, env_path.parent()?, requests)
            }
            None => {
                let o = c.openapi.as_ref()?;
                self.document(o, c.path.parent()?, own.unwrap_or(false))
            }
        }
    }

    /// An API document read and compiled once; one that cannot be used is an input error
    /// where it is named.
    fn document(
        &mut self,
        named: &OpenApiRef,
        dir: &Path,
        requests: bool,
    ) -> Option<(Arc<crate::contract::Document>, bool)> {
        // One file named two ways (`api.yaml`, `../api.yaml`) is one document, read once and
        // counted once for coverage; it is shown by its path from where yarc runs.
        let full = match named.is_url() {
            true => PathBuf::from(&named.written),
            false => {
                let joined = dir.join(&named.written);
                joined.canonicalize().unwrap_or(joined)
            }
        };
        let key = (full, requests);
        if let Some(d) = self.documents.get(&key) {
            return Some((Arc::clone(d), requests));
        }
        let read = match named.is_url() {
            true => self.fetched_document(named, requests)?,
            false => read_document(&key.0, &shown_path(&key.0), requests),
        };
        match read {
            Ok(d) => {
                let d = Arc::new(d);
                self.documents.insert(key, Arc::clone(&d));
                Some((d, requests))
            }
            Err(why) => {
                let mut d = Diagnostic::at(
                    format!("cannot use `openapi: {}`: {why}", named.written),
                    &named.span,
                );
                if !named.is_url() {
                    d = d.with_help("paths are relative to the file that names the document");
                }
                self.errors.push(d);
                None
            }
        }
    }

    /// A document named by URL, from what was fetched for the run; none (with a note) when
    /// nothing was fetched.
    fn fetched_document(
        &mut self,
        named: &OpenApiRef,
        requests: bool,
    ) -> Option<Result<crate::contract::Document, DocumentError>> {
        let Some(fetched) = &self.options.fetched else {
            let note = format!(
                "note: `openapi: {}` is fetched by `yarc run`, not here: its contract checks are not part of this check",
                named.written
            );
            if !self.warnings.contains(&note) {
                self.warnings.push(note);
            }
            return None;
        };
        let text = fetched.get(&named.written)?;
        Some(document_from_text(text, &named.written, requests))
    }

    fn items(
        &mut self,
        items: &[Item],
        scope: &Scope,
        w: &Walk<'_>,
        captured: &mut Vec<String>,
        out: &mut Vec<PlannedRequest>,
    ) {
        for item in items {
            match item {
                Item::Group(g) => {
                    let inner = self.group_scope(g, scope, w);
                    self.items(&g.items, &inner, w, captured, out);
                }
                Item::Request(r) => {
                    if let Some(pr) = self.request_item(r, scope, w, captured) {
                        out.push(pr);
                    }
                }
            }
        }
    }

    /// A group's scope: the enclosing one with what the group sets on top.
    fn group_scope(&mut self, g: &Group, scope: &Scope, w: &Walk<'_>) -> Scope {
        let mut inner = scope.clone();
        inner.groups.push(g.name.clone());
        if g.auth.is_some() {
            inner.auth = g.auth.clone().map(Arc::new);
        }
        merge_pairs(&mut inner.headers, &g.defaults.headers);
        merge_pairs(&mut inner.query, &g.defaults.query);
        inner.timeout = g.defaults.timeout.or(inner.timeout);
        inner.follow_redirects = g.defaults.follow_redirects.or(inner.follow_redirects);
        inner.max_redirects = g.defaults.max_redirects.or(inner.max_redirects);
        inner.skips.extend(g.skip.clone());
        inner.expect = merged_expect(&inner.expect, &g.defaults.expect);
        inner.sets.extend(g.defaults.sets.iter().cloned());
        if g.defaults.snapshot.is_some() {
            inner.snapshot = g.defaults.snapshot.clone();
        }
        inner.tags.extend(g.tags.iter().cloned());
        if let Some(named) = &g.openapi {
            let requests = named.requests.unwrap_or(false);
            inner.document = self.document(named, w.base_dir, requests);
        }
        inner.contract = g.contract.or(inner.contract);
        if !g.variables.is_empty() {
            inner.lower.extend(g.variables.iter().cloned());
            inner.vars = Arc::new(self.starting_vars(&inner.lower, w.env, w.o));
        }
        inner
    }

    /// A request planned, when the selection takes it (what it would have given is noted
    /// when it does not).
    fn request_item(
        &mut self,
        r: &Arc<Request>,
        scope: &Scope,
        w: &Walk<'_>,
        captured: &mut Vec<String>,
    ) -> Option<PlannedRequest> {
        let mut tags = scope.tags.clone();
        tags.extend(r.tags.iter().cloned());
        self.seen.tags.extend(tags.iter().cloned());
        self.seen
            .requests
            .push((scope.groups.clone(), r.name.clone()));
        let sel = &self.options.selection;
        let chosen = match &sel.only {
            Some(set) => set.contains(&(self.current.clone(), full_name(&scope.groups, &r.name))),
            None => sel.selects(&tags, &scope.groups, &r.name),
        };
        if !chosen {
            for n in r.given_names() {
                self.left_out.insert(n.clone(), r.name.clone());
            }
            return None;
        }
        self.seen.selected += 1;
        self.warn_shadowed(r, w.env, w.o);
        // A request with variables of its own is a scope of its own, as is one that inherits
        // no message from it.
        let own;
        let scope = if r.variables.is_empty() && r.inherit {
            scope
        } else if r.variables.is_empty() {
            own = uninherited(scope);
            &own
        } else {
            let mut inner = if r.inherit {
                scope.clone()
            } else {
                uninherited(scope)
            };
            inner.lower.extend(r.variables.iter().cloned());
            inner.vars = Arc::new(self.starting_vars(&inner.lower, w.env, w.o));
            own = inner;
            &own
        };
        // Its `set:` values come before it is rendered; its captures after.
        captured.extend(scope.sets.iter().map(|s| s.name.clone()));
        captured.extend(r.sets.iter().map(|s| s.name.clone()));
        let mut pr = self.request(r, scope, w.base_dir, captured);
        pr.tags = tags;
        captured.extend(r.captures.iter().map(|c| c.var.clone()));
        Some(pr)
    }

    fn request(
        &mut self,
        r: &Arc<Request>,
        scope: &Scope,
        base_dir: &Path,
        captured: &[String],
    ) -> PlannedRequest {
        let mut headers = scope.headers.clone();
        merge_pairs(&mut headers, &r.headers);
        merge_pairs(&mut headers, &self.cli_headers);
        let mut query = scope.query.clone();
        merge_pairs(&mut query, &r.query);
        let mut skips = scope.skips.clone();
        skips.extend(r.marks.as_ref().and_then(|m| m.skip.clone()));
        let auth = match &r.auth {
            Some(own) => Some(Arc::new(AuthSpec::clone(own))),
            None => scope.auth.clone(),
        };
        let req = if scope.expect.checks.is_empty()
            && !scope.expect.any_status
            && scope.sets.is_empty()
        {
            Arc::clone(r)
        } else {
            let mut own = Request::clone(r);
            own.expect = merged_expect(&scope.expect, &r.expect);
            own.sets = scope.sets.iter().chain(&r.sets).cloned().collect();
            Arc::new(own)
        };
        let pr = PlannedRequest {
            req,
            groups: scope.groups.clone(),
            auth,
            headers,
            query,
            timeout: r.timeout.or(scope.timeout),
            redirects: r
                .follow_redirects
                .or(scope.follow_redirects)
                .unwrap_or(true)
                .then(|| {
                    r.max_redirects
                        .or(scope.max_redirects)
                        .map_or(crate::http::DEFAULT_REDIRECTS, |n| n as usize)
                }),
            skips,
            scope: Arc::clone(&scope.vars),
            needs: Vec::new(),
            tags: Vec::new(),
            snapshot: snapshot_in_force(r.snapshot.as_deref(), scope.snapshot.as_ref()),
            contract: contract_in_force(r, scope),
        };
        if let Some(spec) = &pr.snapshot {
            for p in &spec.ignore {
                if p.is_template() {
                    self.errors.push(Diagnostic::at(
                        format!("a snapshot's ignore path is no template: `{}`", p.source),
                        &p.span,
                    ));
                } else if let Err(d) = self.paths.add(p) {
                    self.errors.push(d);
                }
            }
        }
        let mut pr = pr;
        pr.needs = self.check_request(&pr, base_dir, captured);
        pr
    }

    /// A request's own variable that the environment, `--var-file` or `--var` also sets is
    /// never the one sent (they rank above it): said, since the request reads as if it were.
    fn warn_shadowed(&mut self, r: &Request, env: Option<&Environment>, o: &Overrides) {
        for v in &r.variables {
            let in_env = env.and_then(|e| e.variables.iter().find(|e| e.name == v.name));
            let by = if o.cli.iter().any(|(k, _)| *k == v.name) {
                "`--var`'s".to_string()
            } else if o.var_file.iter().any(|(k, _)| *k == v.name) {
                "`--var-file`'s".to_string()
            } else if let Some(e) = in_env {
                format!("the environment's ({})", e.span)
            } else {
                continue;
            };
            let w = format!(
                "warning: request `{}`: its variable `{}` ({}) is overridden by {by}, which is the value sent",
                r.name, v.name, v.span
            );
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }

    /// collection < groups < environment < --var-file < --var; string values may themselves be
    /// templates over the others (`jobs_url: "{{ base_url }}/jobs"`).
    fn starting_vars(
        &mut self,
        lower: &[Variable],
        env: Option<&Environment>,
        o: &Overrides,
    ) -> ScopeVars {
        let layers = Layers {
            builtin: &o.builtin,
            written: lower
                .iter()
                .chain(env.map(|e| e.variables.as_slice()).unwrap_or_default())
                .collect(),
            var_file: &o.var_file,
            cli: &o.cli,
        };
        let later = std::mem::take(&mut self.later);
        let scope = self.scope_vars(layers, &later);
        self.later = later;
        scope
    }

    /// Two requests whose snapshots would be the same file (names that slug alike, or
    /// `api.yaml` beside `api.yml`) would silently share it: an input error instead.
    fn check_snapshot_files(&mut self, planned: &[PlannedCollection], env: Option<&str>) {
        let mut owners: std::collections::HashMap<PathBuf, (&PlannedCollection, &PlannedRequest)> =
            Default::default();
        for c in planned {
            let dir = crate::snapshot::store::SnapshotDir::new(&c.path, env);
            for pr in c.requests.iter().filter(|r| r.snapshot.is_some()) {
                let file = dir.file(&crate::snapshot::slug(&pr.full_name()));
                match owners.get(&file) {
                    None => {
                        owners.insert(file, (c, pr));
                    }
                    Some((oc, other)) => {
                        let d = Diagnostic::at(
                            format!(
                                "requests `{}` ({}) and `{}` would share the snapshot file `{}`",
                                other.full_name(),
                                oc.shown_path,
                                pr.full_name(),
                                file.display()
                            ),
                            &pr.req.span,
                        )
                        .with_help(format!(
                            "rename one of them; the other is at {}",
                            other.req.span
                        ));
                        self.push_once(d);
                    }
                }
            }
        }
    }

    fn next_scope_id(&mut self) -> usize {
        self.scopes += 1;
        self.scopes
    }

    /// Whether a secret the template names is not set (or set empty where it may not be).
    fn lacks_secret(&self, t: &Template) -> bool {
        template::literal_secrets(t)
            .into_iter()
            .any(|s| match self.secrets.get(&s.name) {
                None => !s.optional,
                Some(v) => v.is_empty() && !s.allow_empty,
            })
    }

    /// Reports each secret the template names that is not set; true when any is missing.
    fn report_missing_secrets(&mut self, t: &Template, needed_by: &str) -> bool {
        let mut missing = false;
        for template::LiteralSecret {
            name,
            allow_empty,
            optional,
        } in template::literal_secrets(t)
        {
            let d = match self.secrets.get(&name) {
                None if optional => {
                    self.defaulted_secrets.insert(name);
                    continue;
                }
                None => Diagnostic::at(
                    format!("secret `{name}` is not set (needed by {needed_by})"),
                    &t.span,
                )
                .with_help(format!(
                    "looked in {}; set it there, or in your CI's secret store",
                    self.secrets.where_looked()
                )),
                // What CI passes for a repository secret that does not exist.
                Some(v) if v.is_empty() && !allow_empty => Diagnostic::at(
                    format!("secret `{name}` is set but empty (needed by {needed_by})"),
                    &t.span,
                )
                .with_help(format!(
                    "it comes from {}; a CI secret that does not exist arrives empty. If empty is meant, write secret(\"{name}\", allow_empty=true)",
                    self.secrets.origin(&name).unwrap_or_default()
                )),
                Some(_) => continue,
            };
            missing = true;
            if self.options.secrets_as_notes {
                self.unset_secrets.insert(name);
            } else {
                self.push_once(d);
            }
        }
        missing
    }

    fn push_once(&mut self, d: Diagnostic) {
        let dup = self
            .errors
            .0
            .iter()
            .any(|e| e.message == d.message && e.span == d.span);
        if !dup {
            self.errors.push(d);
        }
    }

    /// Checks everything about a request that does not need the server; returns the variables
    /// it needs.
    /// `/:order_id` in a URL is Postman's path variable syntax: yarc sends it as written.
    fn check_path_variable(&mut self, pr: &PlannedRequest) {
        let url = &pr.req.url;
        let path_start = url.source.find("://").map_or(0, |i| i + 3);
        let path = url.source.get(path_start..).unwrap_or_default();
        let segment = path
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .split('/')
            .find(|s| {
                s.strip_prefix(':')
                    .and_then(|n| n.chars().next())
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            });
        if let Some(seg) = segment {
            let name = seg.trim_start_matches(':');
            self.warnings.push(format!(
                "warning: request `{}` ({}): the URL has `/{seg}`, which is sent as written; a path variable is `{{{{ {name} }}}}` in yarc",
                pr.req.name, url.span
            ));
        }
    }

    fn check_request(
        &mut self,
        pr: &PlannedRequest,
        base_dir: &Path,
        captured: &[String],
    ) -> Vec<String> {
        let mut known: HashSet<String> = pr.scope.names().cloned().collect();
        known.extend(captured.iter().cloned());
        if let Some(AuthSpec::OAuth2(o)) = pr.auth.as_deref() {
            known.extend(o.variable.iter().cloned());
        }
        known.extend(self.options.data_columns.iter().cloned());
        let path_templates = path_templates(pr);
        let mut templates: Vec<&Template> = vec![&pr.req.url];
        templates.extend(path_templates.iter());
        templates.extend(pr.headers.iter().map(|(_, t)| t));
        templates.extend(pr.query.iter().map(|(_, t)| t));
        templates.extend(pr.req.cookies.iter().map(|(_, t)| t));
        templates.extend(pr.skips.iter());
        for s in &pr.req.sets {
            tvalue_templates(&s.value, &mut templates);
        }
        if let Some(b) = &pr.req.body {
            body_templates(b, &mut templates);
        }
        if let Some(a) = pr.auth.as_deref() {
            auth_templates(a, &mut templates);
        }
        for e in pr.req.expects() {
            for check in &e.checks {
                self.check_target(check, base_dir);
                for p in &check.predicates {
                    predicate_templates(p, &mut templates);
                }
            }
        }
        for c in &pr.req.captures {
            let checked = match c.source.selector() {
                Some((path, true)) => self.paths.add(path),
                Some((path, false)) => check_xpath(path),
                None => Ok(()),
            };
            if let Err(d) = checked {
                self.errors.push(d);
            }
        }
        let mut direct = HashSet::new();
        for t in templates {
            self.check_template(t, &known, &pr.req.name);
            self.trial_render(t, &pr.scope.base);
            direct.extend(self.templates.undeclared(t));
        }
        if let Some(t) = pr
            .req
            .marks
            .as_ref()
            .and_then(|m| m.repeat.as_ref()?.while_.as_ref())
        {
            // Read after each send: what the request itself captures and sets is known then.
            let mut after = known.clone();
            after.extend(pr.req.captures.iter().map(|c| c.var.clone()));
            after.extend(pr.req.sets.iter().map(|s| s.name.clone()));
            self.check_template(t, &after, &pr.req.name);
        }
        self.check_static_values(pr, base_dir, captured);
        self.check_path_variable(pr);
        self.note_static_skips(pr, captured);
        self.needs(pr, &direct, &known)
    }

    /// A `skip:` that holds whatever the run captures is said at plan time: the request's own,
    /// and a group's once for the group. One that reads a variable an earlier request captures
    /// or sets is decided as the run goes, and is not said.
    fn note_static_skips(&mut self, pr: &PlannedRequest, captured: &[String]) {
        let own = pr.req.marks.as_ref().and_then(|m| m.skip.as_ref());
        let set_here: Vec<&String> = pr.req.sets.iter().map(|s| &s.name).collect();
        for t in &pr.skips {
            let changes = |n: &String| captured.contains(n) || set_here.contains(&n);
            if self.templates.undeclared(t).iter().any(changes) {
                continue;
            }
            let Some(reason) = self.static_skip(t, &pr.scope.base) else {
                continue;
            };
            if own.is_some_and(|o| std::ptr::eq(o, t) || o.span == t.span) {
                self.warnings.push(format!(
                    "note: request `{}` ({}) is skipped: {reason}",
                    pr.full_name(),
                    pr.req.span
                ));
            } else if self
                .undefined_reported
                .insert(format!("skip\u{0}{}", t.span))
            {
                self.warnings.push(format!(
                    "note: the requests of the group whose `skip:` is at {} are skipped: {reason}",
                    t.span
                ));
            }
        }
    }

    /// Every variable the request needs, its derived variables' inputs included; one read
    /// through a derived variable that only a later request captures is an input error.
    fn needs(
        &mut self,
        pr: &PlannedRequest,
        direct: &HashSet<String>,
        known: &HashSet<String>,
    ) -> Vec<String> {
        let mut needs: Vec<String> = pr
            .scope
            .expand(direct.iter().cloned())
            .into_iter()
            .collect();
        needs.sort();
        if self.options.check_secrets {
            // The secrets of the variables this request reads, said once each.
            let gaps: Vec<(String, Template)> = (pr.scope.derived.iter())
                .filter(|d| d.template.source.contains("secret("))
                .filter(|d| needs.binary_search(&d.name).is_ok())
                .map(|d| (d.name.clone(), d.template.clone()))
                .collect();
            for (name, t) in gaps {
                self.report_missing_secrets(&t, &format!("variable `{name}`"));
            }
        }
        for name in &needs {
            if direct.contains(name) || known.contains(name) || !self.later.contains(name) {
                continue;
            }
            // Read through a derived variable, and only captured later (or by a request the
            // selection leaves out).
            let via = pr.scope.derived.iter().find(|d| d.deps.contains(name));
            let Some(via) = via else { continue };
            let mut d = Diagnostic::at(
                format!(
                    "undefined variable `{name}` in variable `{}`, which request `{}` uses",
                    via.name, pr.req.name
                ),
                &via.template.span,
            );
            d = match self.left_out.get(name) {
                Some(by) => d.with_help(format!("request `{by}` captures or sets it, and --tag/--name leaves that request out: select it too, or add --with-deps")),
                None => d.with_help(format!("no request before `{}` captures it", pr.req.name)),
            };
            self.push_once(d);
        }
        needs
    }

    /// A URL, body file or multipart file whose template needs only starting variables is
    /// rendered now: a missing scheme, a scheme other than http(s) or a missing file is an input
    /// error before anything is sent.
    fn check_static_values(&mut self, pr: &PlannedRequest, base_dir: &Path, captured: &[String]) {
        if !self.options.check_variables {
            return;
        }
        let base = &pr.scope.base;
        // A request skipped whatever happens is not built: its skip says what is missing.
        if pr.skips.iter().any(|t| self.static_skip(t, base).is_some()) {
            return;
        }
        // A name an earlier request captures or sets has its value only then: what it starts
        // with (a placeholder, an empty declaration) says nothing of the URL that is sent.
        // A secret that is not set is reported as such (or, for `yarc check` without `--env`,
        // noted): the URL is not rendered without it.
        let secrets_set = |t: &Template| {
            template::literal_secrets(t)
                .iter()
                .all(|s| match self.secrets.get(&s.name) {
                    Some(v) => s.allow_empty || !v.is_empty(),
                    None => s.optional,
                })
        };
        let ready = |t: &Template| {
            let names = self.templates.undeclared(t);
            names.iter().all(|n| base.contains_key(n))
                && !names.iter().any(|n| captured.contains(n))
                && secrets_set(t)
        };
        let url = match ready(&pr.req.url).then(|| self.templates.render(&pr.req.url, base)) {
            Some(Err(d)) => {
                // What the run would fail on (a strftime format `now()` cannot read) fails here.
                self.push_once(d);
                return;
            }
            Some(Ok(url)) => Some(url),
            None => None,
        };
        if let Some(url) = url {
            match crate::http::check_url(&url) {
                Err(why) => self.invalid_url(&pr.req.url, &url, &why.to_string(), base),
                Ok(parsed) => self.check_placeholders(&pr.req.url, &parsed, base),
            }
        }
        if let Some(AuthSpec::OAuth2(o)) = pr.auth.as_deref()
            && let TokenEndpoint::Url(t) = &o.endpoint
            && self
                .render_static(t, base)
                .is_some_and(|u| u.trim().is_empty())
        {
            let names = self.named_in(t);
            self.push_once(
                Diagnostic::at("the oauth2 `token_url` is empty", &t.span)
                    .with_label(format!("in `{}`", t.source))
                    .with_help(format!(
                        "set {names} to the token endpoint (an environment, `--var`), or use `issuer:`"
                    )),
            );
        }
        if let Some(AuthSpec::Bearer(t)) = pr.auth.as_deref()
            && self
                .render_static(t, base)
                .is_some_and(|v| v.trim().is_empty())
        {
            let w = format!(
                "warning: the bearer token `{}` ({}) is empty: the requests that use it send no Authorization header (as in Postman)",
                t.source, t.span
            );
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
        self.check_files(pr, base_dir);
    }

    /// The body file and multipart files that need only starting variables exist.
    fn check_files(&mut self, pr: &PlannedRequest, base_dir: &Path) {
        let base = &pr.scope.base;
        let mut files: Vec<&Template> = Vec::new();
        match pr.req.body.as_deref() {
            Some(Body::File(t)) => files.push(t),
            Some(Body::Multipart(parts)) => {
                for p in parts {
                    if let PartValue::File { path, .. } = &p.value {
                        files.push(path);
                    }
                }
            }
            _ => {}
        }
        for t in files {
            let Some(rel) = self.render_static(t, base) else {
                continue;
            };
            let full = base_dir.join(&rel);
            if !full.is_file() {
                self.push_once(
                    Diagnostic::at(format!("file `{rel}` does not exist"), &t.span).with_help(
                        format!(
                            "paths are relative to the collection's folder: looked for `{}`",
                            full.display()
                        ),
                    ),
                );
            }
        }
    }

    /// A URL that renders but can never be what is meant: the placeholder host an import
    /// writes for a base URL the export does not hold, or an empty path segment from a variable
    /// that is empty (`/orders//lines`).
    fn check_placeholders(&mut self, t: &Template, url: &url::Url, base: &Vars) {
        if let Some(host) = url.host_str().filter(|h| *h == PLACEHOLDER_HOST) {
            let names = self.named_in(t);
            // Once per variable: every request of an imported collection may start with it.
            if !self
                .undefined_reported
                .insert(format!("placeholder\u{0}{names}"))
            {
                return;
            }
            self.push_once(
                Diagnostic::at(
                    format!("the URL's host `{host}` is a placeholder: nothing can be sent to it"),
                    &t.span,
                )
                .with_label(format!("in `{}`", t.source))
                .with_help(format!(
                    "set {names} to the API's address (in an environment, or with `--var`)"
                )),
            );
            return;
        }
        if !url.path().contains("//") {
            return;
        }
        let mut empty: Vec<String> = self
            .templates
            .undeclared(t)
            .into_iter()
            .filter(|n| matches!(base.get(n), Some(Value::String(s)) if s.is_empty()))
            .filter(|n| path_segment_of(&t.source, n))
            .collect();
        empty.sort();
        // A warning, not an error: Postman sends `/orders//lines` too, and an imported
        // collection declares empty what a script fills at run time.
        if let Some(name) = empty.first() {
            let w = format!(
                "warning: the URL at {} has an empty path segment: `{name}` is empty (it renders `{}{}`); set it in an environment or with `--var`",
                t.span,
                url.origin().ascii_serialization(),
                url.path()
            );
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }

    /// A URL that renders to no URL. When it starts with a variable that is empty here (a
    /// base URL an environment leaves blank), that is said once per variable, with what to set.
    fn invalid_url(&mut self, t: &Template, url: &str, why: &str, base: &Vars) {
        // The variable the URL starts with, when what it holds here is no address: empty (a
        // base URL an environment leaves blank) or text without a scheme (`<your server>`).
        let start = self.templates.undeclared(t).into_iter().find(|n| {
            matches!(base.get(n), Some(Value::String(s)) if !s.contains("://"))
                && t.source
                    .trim_start()
                    .strip_prefix("{{")
                    .is_some_and(|rest| rest.trim_start().starts_with(n.as_str()))
        });
        let mut d = Diagnostic::at(format!("invalid URL `{url}`: {why}"), &t.span)
            .with_label(format!("in `{}`", t.source));
        if let Some(name) = start {
            if !self
                .undefined_reported
                .insert(format!("empty start\u{0}{name}"))
            {
                return;
            }
            let holds = match base.get(&name) {
                Some(Value::String(s)) if s.trim().is_empty() => "is empty here",
                _ => "holds no address here (no http:// or https://)",
            };
            d = d.with_help(format!(
                "`{name}` {holds}: set it to the API's address (in an environment, or with `--var {name}=https://...`); every request whose URL starts with it needs it"
            ));
        }
        self.push_once(d);
    }

    /// The variables a template reads, for a message: "`a`" or "`a` or `b`".
    fn named_in(&self, t: &Template) -> String {
        let mut names: Vec<String> = self.templates.undeclared(t).into_iter().collect();
        names.sort();
        match names.as_slice() {
            [] => "it".to_string(),
            _ => names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }

    /// Why a `skip:` skips whatever the run captures: it needs only starting variables and
    /// renders truthy with them (`None` otherwise, or when it cannot tell).
    fn static_skip(&self, t: &Template, base: &Vars) -> Option<String> {
        if !self.options.check_variables && !t.is_literal() {
            return None;
        }
        let ready = self
            .templates
            .undeclared(t)
            .iter()
            .all(|n| base.contains_key(n));
        if !ready {
            return None;
        }
        self.templates.skip_reason(t, base).ok().flatten()
    }

    /// The template rendered with the starting variables, when it needs nothing else.
    fn render_static(&self, t: &Template, base: &Vars) -> Option<String> {
        let ready = self
            .templates
            .undeclared(t)
            .iter()
            .all(|n| base.contains_key(n));
        if !ready {
            return None;
        }
        self.templates.render(t, base).ok()
    }

    fn check_target(&mut self, check: &Check, base_dir: &Path) {
        match &check.target {
            Target::Json(path) => {
                if let Err(d) = self.paths.add(path) {
                    self.errors.push(d);
                }
            }
            Target::Xml(path) => {
                if let Err(d) = check_xpath(path) {
                    self.errors.push(d);
                }
            }
            Target::Schema {
                path,
                shown,
                inline,
            } => {
                let full = base_dir.join(path);
                if self.schemas.contains_key(&full) {
                    return;
                }
                let loaded = match inline {
                    Some(value) => jsonschema::validator_for(value)
                        .map_err(|e| SchemaError::Schema(e.to_string())),
                    None => load_schema(&full),
                };
                match loaded {
                    Ok(v) => {
                        self.schemas.insert(full, Arc::new(v));
                    }
                    Err(e) => self.errors.push(Diagnostic::at(
                        match inline {
                            Some(_) => format!("cannot use this schema: {e}"),
                            None => format!("cannot use schema `{shown}`: {e}"),
                        },
                        &check.span,
                    )),
                }
            }
            _ => {}
        }
    }

    /// Templates with control flow are rendered once here, with the starting variables, when they
    /// need nothing else: a loop that never ends or a macro that recurses without end runs out of
    /// fuel now, with its place in the file, and not halfway through a run.
    fn trial_render(&mut self, t: &Template, vars: &Vars) {
        let risky = t.source.contains("{%") || t.source.contains("range(");
        if !risky || !self.options.check_variables || t.is_literal() {
            return;
        }
        if template::literal_secret_names(t)
            .iter()
            .any(|n| self.unset_secrets.contains(n))
        {
            return;
        }
        if !self
            .templates
            .undeclared(t)
            .iter()
            .all(|n| vars.contains_key(n))
        {
            return;
        }
        if let Err(d) = self.templates.render(t, vars) {
            self.push_once(d);
        }
    }

    fn check_template(&mut self, t: &Template, known: &HashSet<String>, request: &str) {
        if let Err(d) = self.templates.compile(t) {
            self.errors.push(d);
            return;
        }
        if self.options.check_secrets {
            self.report_missing_secrets(t, &format!("request `{request}`"));
        }
        // `is defined` and `default(...)` are how a template says a variable is optional.
        if !self.options.check_variables || crate::template::says_optional(&t.source) {
            return;
        }
        let mut missing: Vec<String> = self
            .templates
            .undeclared(t)
            .into_iter()
            .filter(|n| !known.contains(n))
            .collect();
        missing.sort();
        for name in missing {
            // A template shared by many requests (defaults, auth) is reported once.
            let place = format!("{}\u{0}{}", t.span, name);
            if !self.undefined_reported.insert(place) {
                continue;
            }
            if called(&t.source, &name) {
                let d = Diagnostic::at(
                    format!("unknown function `{name}` in request `{request}`"),
                    &t.span,
                )
                .suggest(&name, crate::template::FUNCTIONS.iter().copied())
                .with_help(
                    "the functions yarc knows are listed in docs/format.md (Functions and filters)",
                );
                self.push_once(d);
                continue;
            }
            let mut d = Diagnostic::at(
                format!("undefined variable `{name}` in request `{request}`"),
                &t.span,
            );
            d = match did_you_mean(&name, known.iter().map(String::as_str)) {
                Some(best) => d.with_label(format!("did you mean `{best}`?")),
                None => d.with_label(format!("in `{}`", t.source)),
            };
            d = match self.left_out.get(&name) {
                Some(by) => d.with_help(format!("request `{by}` captures or sets it, and --tag/--name leaves that request out: select it too, or add --with-deps")),
                None => d.with_help("define it under `variables:` (collection or environment), pass `--var name=value`, or capture it in an earlier request"),
            };
            self.push_once(d);
        }
    }
}

/// Whether a template calls `name` (`{{ name(...) }}`): a function, not a variable.
fn called(source: &str, name: &str) -> bool {
    regex::Regex::new(&format!(r"\b{}\s*\(", regex::escape(name)))
        .is_ok_and(|re| re.is_match(source))
}

/// The host `yarc import` gives a base URL the export does not hold (`.invalid` never resolves,
/// RFC 2606); `check` and `run` refuse it, naming the variable to set.
pub const PLACEHOLDER_HOST: &str = "set-me.invalid";

/// Whether `{{ name }}` stands alone in a path segment of a URL template (`/x/{{ name }}/y`).
fn path_segment_of(url: &str, name: &str) -> bool {
    let path_start = url.find("://").map_or(0, |i| i + 3);
    let path = url.get(path_start..).unwrap_or_default();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').skip(1).any(|seg| {
        seg.strip_prefix("{{")
            .and_then(|r| r.strip_suffix("}}"))
            .is_some_and(|inner| inner.trim() == name)
    })
}

/// The names every request of these items captures.
fn capture_names(items: &[Item], out: &mut HashSet<String>) {
    for item in items {
        match item {
            Item::Request(r) => out.extend(r.given_names().cloned()),
            Item::Group(g) if !g.defaults.sets.is_empty() => {
                out.extend(g.defaults.sets.iter().map(|s| s.name.clone()));
                capture_names(&g.items, out);
            }
            Item::Group(g) => capture_names(&g.items, out),
        }
    }
}

/// The request's own setting wins; `snapshot: true` keeps the inherited ignore paths and headers.
fn snapshot_in_force(
    own: Option<&SnapshotSpec>,
    inherited: Option<&SnapshotSpec>,
) -> Option<SnapshotSpec> {
    let spec = match (own, inherited) {
        (Some(o), Some(i)) if o.enabled => {
            let mut merged = o.clone();
            merged.ignore.extend(i.ignore.iter().cloned());
            for h in &i.headers {
                if !merged.headers.iter().any(|m| m.eq_ignore_ascii_case(h)) {
                    merged.headers.push(h.clone());
                }
            }
            merged
        }
        (Some(o), _) => o.clone(),
        (None, Some(i)) => i.clone(),
        (None, None) => return None,
    };
    spec.enabled.then_some(spec)
}

fn var_info(c: &Collection, env: Option<&Environment>, o: &Overrides) -> Vec<VarInfo> {
    let mut out: Vec<VarInfo> = Vec::new();
    // An index by name keeps this linear: environments with 100,000 variables exist.
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut put = |name: &str, source: VarSource, span: Option<Span>, raw: &Value| {
        if let Some(existing) = at.get(name).map(|&i| &mut out[i]) {
            existing.overrides.push(existing.source);
            existing.source = source;
            existing.span = span;
            existing.raw = raw.clone();
        } else {
            at.insert(name.to_string(), out.len());
            out.push(VarInfo {
                name: name.to_string(),
                source,
                span,
                raw: raw.clone(),
                overrides: Vec::new(),
            });
        }
    };
    for (k, v) in &o.builtin {
        put(k, VarSource::Builtin, None, v);
    }
    for v in &c.variables {
        put(
            &v.name,
            VarSource::Collection,
            Some(v.span.clone()),
            &v.value,
        );
    }
    for v in env.map(|e| e.variables.as_slice()).unwrap_or_default() {
        put(
            &v.name,
            VarSource::Environment,
            Some(v.span.clone()),
            &v.value,
        );
    }
    for (k, v) in &o.var_file {
        put(k, VarSource::VarFile, None, v);
    }
    for (k, v) in &o.cli {
        let source = match o.secret_cli.contains(k) {
            true => VarSource::SecretVar,
            false => VarSource::CommandLine,
        };
        put(k, source, None, v);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The entries of `over` replace every earlier one of the same name (case-insensitive); a name
/// `over` repeats keeps all its values.
fn count_requests(items: &[Item]) -> usize {
    items
        .iter()
        .map(|i| match i {
            Item::Request(_) => 1,
            Item::Group(g) => count_requests(&g.items),
        })
        .sum()
}

fn merge_pairs(base: &mut Vec<(String, Template)>, over: &[(String, Template)]) {
    base.retain(|(bk, _)| !over.iter().any(|(k, _)| bk.eq_ignore_ascii_case(k)));
    base.extend(over.iter().cloned());
}

fn tvalue_templates<'a>(v: &'a TValue, out: &mut Vec<&'a Template>) {
    match v {
        TValue::Str(t) => out.push(t),
        TValue::List(items) => items.iter().for_each(|i| tvalue_templates(i, out)),
        TValue::Map(entries) => entries.iter().for_each(|(_, i)| tvalue_templates(i, out)),
        TValue::KeyedMap(entries) => entries.iter().for_each(|(k, i)| {
            out.push(k);
            tvalue_templates(i, out)
        }),
        _ => {}
    }
}

fn body_templates<'a>(b: &'a Body, out: &mut Vec<&'a Template>) {
    match b {
        Body::Json(v) => tvalue_templates(v, out),
        Body::Form(pairs) => out.extend(pairs.iter().flat_map(|(k, t)| [k, t])),
        Body::Multipart(parts) => {
            for p in parts {
                out.push(&p.name);
                match &p.value {
                    PartValue::Text(t) => out.push(t),
                    PartValue::File { path, filename, .. } => {
                        out.push(path);
                        out.extend(filename);
                    }
                    PartValue::Inline {
                        content, filename, ..
                    } => {
                        out.push(content);
                        out.extend(filename);
                    }
                }
            }
        }
        Body::Text(t) | Body::File(t) => out.push(t),
        Body::Graphql {
            query,
            variables,
            operation_name,
        } => {
            out.push(query);
            out.extend(operation_name);
            if let Some(v) = variables {
                tvalue_templates(v, out);
            }
        }
    }
}

fn auth_templates<'a>(a: &'a AuthSpec, out: &mut Vec<&'a Template>) {
    match a {
        AuthSpec::None => {}
        AuthSpec::Bearer(t) => out.push(t),
        AuthSpec::Basic { username, password } => out.extend([username, password]),
        AuthSpec::ApiKey { value, .. } => out.push(value),
        AuthSpec::OAuth2(o) => {
            out.extend([o.endpoint.template(), &o.client_id, &o.client_secret]);
            out.extend(o.user.iter().flat_map(|(u, p)| [u, p]));
            out.extend(o.scope.iter());
            out.extend(o.params.iter().map(|(_, t)| t));
        }
    }
}

fn predicate_templates<'a>(p: &'a Predicate, out: &mut Vec<&'a Template>) {
    match &p.op {
        Op::Equals(v)
        | Op::Contains(v)
        | Op::StartsWith(v)
        | Op::EndsWith(v)
        | Op::Lt(v)
        | Op::Lte(v)
        | Op::Gt(v)
        | Op::Gte(v) => tvalue_templates(v, out),
        Op::In(list) => list.iter().for_each(|v| tvalue_templates(v, out)),
        Op::Not(inner) | Op::Length(inner) | Op::Each(inner) => {
            inner.iter().for_each(|q| predicate_templates(q, out))
        }
        Op::Any(groups) => groups
            .iter()
            .flatten()
            .for_each(|q| predicate_templates(q, out)),
        Op::Matches(Pattern::Templated(t)) => out.push(t),
        _ => {}
    }
}

/// Why an `openapi:` document cannot be used.
#[derive(Debug, thiserror::Error)]
enum DocumentError {
    #[error(transparent)]
    Read(#[from] crate::load::ReadError),
    #[error("not valid YAML or JSON: {0}")]
    Syntax(String),
    #[error(transparent)]
    Contract(#[from] crate::contract::ContractError),
    #[error("its path cannot be read as a file or URL")]
    NotAFile,
}

/// A document's path as shown: from the working folder when it lies below it, else whole.
fn shown_path(full: &Path) -> String {
    let here = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let relative = here.as_deref().and_then(|h| full.strip_prefix(h).ok());
    relative
        .unwrap_or(full)
        .to_string_lossy()
        .replace('\\', "/")
}

/// An OpenAPI document (YAML or JSON) read into its operations, the files its `$ref`s name
/// read beside it.
fn read_document(
    path: &Path,
    shown: &str,
    requests: bool,
) -> Result<crate::contract::Document, DocumentError> {
    let text = crate::load::read_text(path)?;
    let value: Value = serde_saphyr::from_str(&text).map_err(|e| {
        DocumentError::Syntax(e.to_string().lines().next().unwrap_or("").to_string())
    })?;
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = url::Url::from_file_path(&full).map_err(|()| DocumentError::NotAFile)?;
    let files = Arc::new(crate::contract::Files::new(root, value, shown));
    Ok(crate::contract::Document::read(files, requests)?)
}

/// A document fetched from `url`: its `$ref`s may point only into itself (a file next to it
/// would be another download).
fn document_from_text(
    text: &str,
    url: &str,
    requests: bool,
) -> Result<crate::contract::Document, DocumentError> {
    let value: Value = serde_saphyr::from_str(text).map_err(|e| {
        DocumentError::Syntax(e.to_string().lines().next().unwrap_or("").to_string())
    })?;
    let root = url::Url::parse(url).map_err(|_| DocumentError::NotAFile)?;
    let files = Arc::new(crate::contract::Files::new(root, value, url));
    Ok(crate::contract::Document::read(files, requests)?)
}

/// Why a `schema:` file cannot be used.
#[derive(Debug, thiserror::Error)]
enum SchemaError {
    #[error(transparent)]
    Read(#[from] crate::load::ReadError),
    #[error("not valid YAML: {0}")]
    Yaml(String),
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a valid JSON Schema: {0}")]
    Schema(String),
}

/// Whether `schema` is a JSON Schema yarc can check bodies against (its `$schema` draft, or
/// 2020-12): what an importer asks before it writes one into `expect.schema`.
pub fn is_usable_schema(schema: &Value) -> bool {
    jsonschema::validator_for(schema).is_ok()
}

fn load_schema(path: &Path) -> Result<jsonschema::Validator, SchemaError> {
    let text = crate::load::read_text(path)?;
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let value: Value = if is_yaml {
        serde_saphyr::from_str(&text).map_err(|e| {
            SchemaError::Yaml(e.to_string().lines().next().unwrap_or("").to_string())
        })?
    } else {
        serde_json::from_str(&text)?
    };
    jsonschema::validator_for(&value).map_err(|e| SchemaError::Schema(e.to_string()))
}

/// An XPath that does not parse is an error of `yarc check`; one with templates is parsed with
/// `0` for each expression, and again when it is rendered.
fn check_xpath(path: &crate::model::Selector) -> Result<(), Diagnostic> {
    let probe = crate::eval::jsonpath::without_templates(&path.source);
    crate::eval::xpath::compile(&probe)
        .map(|_| ())
        .map_err(|e| Diagnostic::at(format!("`{}`: {e}", path.source), &path.span))
}

/// The JSONPaths and XPaths of a request's checks and captures that are templates
/// (`$.items[?(@.id == '{{ item_id }}')]`), as templates: their variables are read like any.
fn path_templates(pr: &PlannedRequest) -> Vec<Template> {
    let checked = pr
        .req
        .expects()
        .flat_map(|e| &e.checks)
        .filter_map(|c| match &c.target {
            Target::Json(p) | Target::Xml(p) => Some(p),
            _ => None,
        });
    let captured = pr
        .req
        .captures
        .iter()
        .filter_map(|c| c.source.selector().map(|(path, _)| path));
    checked
        .chain(captured)
        .filter(|p| p.is_template())
        .map(|p| Template::new(p.source.clone(), &p.span))
        .collect()
}

#[cfg(test)]
mod tests;
