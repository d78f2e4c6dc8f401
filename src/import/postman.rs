//! `yarc import postman`: a Postman collection (v2.1 or v2.0) and its environments into a yarc
//! collection and environment files. Folders become groups, `{{var}}` becomes `{{ var }}`, the
//! common test-script patterns become `expect` and `capture`, and secrets are never copied:
//! secret-looking values become `secret("NAME")` references, listed for the user to set.
//! Pure: JSON in, file texts and a report out.

use super::credential::looks_credential;
use super::script::{self, Phase, Script};
use super::vars::{convert, env_name, ident, looks_secret, secret_ref};
use super::yaml_out::{self, Y};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What an import produced and what needs a human look.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub requests: usize,
    pub groups: usize,
    pub assertions: usize,
    pub assertions_seen: usize,
    pub captures: usize,
    pub sets_seen: usize,
    /// `set` calls of a value known before the run, written as variables.
    pub variables_set: usize,
    pub variables: usize,
    pub path_variables: usize,
    pub descriptions: usize,
    pub converted_lines: usize,
    /// Script lines kept as comments.
    pub kept_lines: usize,
    /// (where, line in its script, text, why)
    pub kept: Vec<(String, usize, String, &'static str)>,
    pub secrets: BTreeSet<String>,
    /// Where each secret's value was in the export (the first place), for the user to set it.
    pub secret_from: std::collections::BTreeMap<String, SecretSource>,
    pub unknown_dynamic: BTreeSet<String>,
    pub notes: Vec<String>,
    /// Notes many requests may share, written once for all of them in the summary.
    pub shared: Vec<SharedNote>,
    pub auth: BTreeSet<String>,
    /// Requests written with `skip:` (they cannot run as exported), with why.
    pub skipped: Vec<(String, String)>,
    /// Requests scripts send (`pm.sendRequest`), written as requests of their own.
    pub sent_requests: usize,
    /// Where the requests and the client credentials go.
    pub destinations: super::destinations::Destinations,
}

/// A note several requests may share (a test that could not be converted, code run with
/// `eval`): the summary writes it once for all of them, not a line each.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SharedNote {
    /// `request \`login\``, `the collection`.
    pub whose: String,
    /// The note when it is this one's alone.
    pub one: String,
    /// The note for several — `{n}` their count, `{list}` who — the same for each of them.
    pub many: String,
    /// What is this one's own (its tests' names), listed under the note for several.
    pub detail: String,
}

/// Where a secret's literal stood in the export: what the summary tells the user to copy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SecretSource {
    /// `request \`login\``, `folder \`Admin\``, `the collection`, `environment \`dev\``.
    pub whose: String,
    /// `header`, `credential after the scheme of the header` (`Authorization: Bearer x`'s
    /// `x`), `query parameter`, `path variable`, `url password`, `form field`, `JSON field`,
    /// `auth field`, `variable`, `script`, `undefined` (read, defined nowhere).
    pub field: &'static str,
    /// The header's, field's or variable's name.
    pub key: String,
}

impl SecretSource {
    /// `the header \`api-key\` of request \`sign up\``.
    pub(crate) fn describe(&self) -> String {
        let what = match self.field {
            "undefined" => {
                return format!(
                    "`{}`, which requests read and the export does not define",
                    self.key
                );
            }
            "url password" => "the password in the URL".to_string(),
            "script" => format!("the literal `{}` in a script", self.key),
            field => format!("the {field} `{}`", self.key),
        };
        format!("{what} of {}", self.whose)
    }
}

pub(crate) struct Imported {
    /// (path relative to the output folder, text)
    pub files: Vec<(String, String)>,
    pub collection_file: String,
    pub environments: Vec<(String, String)>,
    pub report: Report,
}

struct Ctx<'a> {
    report: Report,
    /// The collection's and folders' scripts converted for each request they run for whose
    /// assertions and set() calls were counted already: once each, as the file holds them.
    counted_scopes: BTreeSet<String>,
    /// Scripts that declare a name Postman's sandbox already has: the names, and whose script
    /// (one summary line for each set of names).
    redeclared: Vec<(String, String)>,
    /// Whether a file the export names (an upload) is beside the collection.
    file_exists: &'a dyn Fn(&str) -> bool,
    /// Why the request being converted cannot run as imported.
    skip: Vec<String>,
    /// Why Newman fails the request being converted whatever it gets back (its script cannot
    /// run): its `fail:`.
    fail: Vec<String>,
    /// The same for every request below the collection and the folders being converted.
    scope_fail: Vec<String>,
    /// The status each enclosing scope's test script checks (collection first): Newman runs
    /// every one of them, where yarc's defaults give the innermost status.
    scope_status: Vec<Y>,
    /// Names every environment given defines: they outrank the collection's and globals'.
    env_defined: BTreeSet<String>,
    /// Names whose collection-scope `set()`s were left out for that.
    shadowed: BTreeSet<String>,
    /// What scripts may read of the export's variables (JSON Schemas kept in them).
    known: script::Known,
    unknown: Vec<String>,
    /// Request names given so far (lowercased), and how many times each base name was asked for.
    names: HashMap<String, usize>,
    taken: HashSet<String>,
    /// Every request name the export has (lowercased): a number given to a repeated name
    /// never takes one of them (a request named "add (2)" keeps its name).
    exported: HashSet<String>,
    /// Variables a script sets at run time: never asked for as secrets.
    runtime: BTreeSet<String>,
    /// Variables with a value known before the run, set by test scripts.
    set_vars: Y,
    /// Every variable read outside the request that defines it: the first request (numbered
    /// from 1; 0 for the collection itself) that reads it.
    reads: std::collections::BTreeMap<String, usize>,
    /// What the request being converted reads (settled when it is done).
    current: Option<BTreeSet<String>>,
    request_no: usize,
    /// The first request whose capture sets each variable.
    captured_at: std::collections::BTreeMap<String, usize>,
    /// The first request whose `set:` gives each variable before the request is rendered
    /// (not counting a `set:` that reads the variable itself, as a counter does).
    set_at: std::collections::BTreeMap<String, usize>,
    /// Variables an `optional` capture (a guarded `set()`) sets: when it finds nothing the
    /// variable keeps what it had, so it needs a starting value.
    optional: BTreeSet<String>,
    /// The variables every imported environment defines.
    in_every_env: Option<BTreeSet<String>>,
    /// Names every environment of the import leaves empty (None without an environment).
    /// Names some environment gives a value that is not empty.
    valued_in_some_env: BTreeSet<String>,
    /// The variables some imported environment defines (known before the requests).
    in_some_env: BTreeSet<String>,
    /// Variables a URL starts with (`{{base_url}}/jobs`).
    url_starts: BTreeSet<String>,
    /// Requests whose URL in the export has no scheme (given `http://`, as Postman does).
    no_scheme: Vec<String>,
    /// For each variable a request's URL starts with, how many requests.
    url_start_uses: std::collections::BTreeMap<String, usize>,
    /// The collection's plain values (not secrets) of the variables no script sets in the
    /// collection's scope: what Newman sends again after an environment's value is unset.
    collection_plain: HashMap<String, Value>,
    /// URL-start variables defined nowhere, used by some requests only: those are skipped
    /// until the variable is set.
    skip_until_set: Vec<(String, String)>,
    /// Variables a collection's or folder's `defaults.set` gives every request below.
    given: BTreeSet<String>,
    /// How each variable was first written in the export (`{{project-key}}`), by its name here.
    written: HashMap<String, String>,
    /// Variables a converted script reads (`pm.environment.get("n") || 0`): unset, a script
    /// sees `undefined`, not the `{{n}}` text a request would send.
    script_reads: BTreeSet<String>,
    /// Variables a request or converted script reads without a fallback (`get(k) ?? d`).
    read_without_fallback: BTreeSet<String>,
    /// Variables a request or a check reads (where Newman leaves an unset one as written).
    request_reads: BTreeSet<String>,
    /// Variables a `skip:` condition reads (`if (!pm.environment.get("token"))
    /// pm.execution.skipRequest()`): asking whether one is set, so a secret may be unset.
    condition_reads: BTreeSet<String>,
    /// The literal secret each `secret()` name stands for, so that two values never share one.
    secret_values: HashMap<String, String>,
    /// Where the values [`exported_secrets`] named apart are (`TOKEN_2`: the collection's
    /// `token`, beside an environment's other value), for the ones a copy is hidden by.
    secrets_apart: HashMap<String, SecretSource>,
    /// Variables the export sends as credentials (an `Authorization` or `Cookie` header, a
    /// bearer token, a password, an API key's value): secrets whatever their names.
    credential_vars: HashSet<String>,
    /// Where the auth being converted is (`folder \`Admin\``), to name its secrets.
    place: String,
    /// What is being converted (`request \`login\``, `the collection`): where a secret was.
    whose: String,
    /// The plain values the collection and its environments give each variable.
    values: std::collections::BTreeMap<String, BTreeSet<String>>,
    /// Variables the export defines only as empty (every place that defines one leaves it
    /// blank): the user fills them in.
    exported_empty: BTreeSet<String>,
    /// Variables whose every exported value is no JSON (empty, or text such as `test1`).
    exported_not_json: BTreeSet<String>,
    /// A script of the request being converted reads its raw body text (a signature of it):
    /// the body goes out as written, never parsed and written again.
    exact_body: bool,
    /// Requests the item being converted sends from its pre-request and test scripts.
    sent_before: Vec<Y>,
    sent_after: Vec<Y>,
    /// What the pre-request scripts of the collection and the folders around the request
    /// being read send each time they run (outermost first), with whose script it is.
    sent_each: Vec<(String, Vec<Y>)>,
    /// The headers the pre-request scripts of the collection and the folders around the
    /// request being read add (outermost first), each with whether it is an `upsert`: one the
    /// request has already is sent twice (`add`) or in its place (`upsert`), as Newman does.
    added_each: Vec<Vec<(String, Y, bool)>>,
    /// Variables a token request of a script in force stores its token in, with the `oauth2`
    /// block it became: a bearer header or auth of `{{ that }}` gives way to the block.
    token_vars: Vec<(String, Y)>,
    /// The same for token requests of a request's own script: the variable holds the token
    /// for every request after it, in any folder, as a Postman variable does.
    token_vars_after: Vec<(String, Y)>,
    /// The collection's and enclosing folders' scripts that do something else for each request
    /// by its name (whose, the split script), outermost first.
    dispatch: Vec<(String, std::rc::Rc<script::Dispatch>)>,
    /// Variables holding helper code whose work a converted script does (`Script::helpers`).
    helper_vars: Vec<String>,
    /// The auth of the collection and of each enclosing group that sets one, innermost last:
    /// what a request without its own inherits.
    auth_in_force: Vec<Y>,
    /// The collection's own variables (what `pm.collectionVariables.clear()` removes).
    collection_vars: BTreeSet<String>,
    /// Those of them the export gives a value that is not empty.
    collection_configured: BTreeSet<String>,
    /// What a test script gives variables that an earlier request read (or unsets): `set:` on
    /// the next request.
    next_sets: Vec<(String, Y)>,
    /// What the current request's pre-request scripts set (a test script's set of the same
    /// name comes after them).
    pre_request_sets: BTreeSet<String>,
    /// The names and ids of the export's requests: what `setNextRequest("...")` may name.
    jump_targets: HashSet<String>,
    /// Requests whose script jumps to a name or id no request has (Newman ends the run), with
    /// the target; and those whose script ends the run (`setNextRequest(null)`).
    jumps_nowhere: Vec<(String, String)>,
    /// Requests whose own script jumps (`setNextRequest`) in a line the import kept.
    jumps_kept: Vec<String>,
    run_enders: Vec<String>,
    /// Requests whose test script ends Newman's run under a condition it converts
    /// (`if (pm.response.code !== 200) setNextRequest(null)`), with the condition.
    run_ends: Vec<(String, String)>,
    /// Requests whose script always jumps (`setNextRequest("Create quote")` as its last
    /// word on it), by unique name, with the name jumped to.
    jumps_always: Vec<(String, String)>,
    /// Whether some script jumps to a name it computes (`setNextRequest(names.shift())`, a
    /// folder's way back after a shared cleanup request): a jump forward may come back.
    computed_jumps: bool,
    /// Every name a `setNextRequest` of the export jumps to, under a condition or not.
    jumped_to: HashSet<String>,
    /// Each request's unique name in the collection file, with its name in the export.
    export_names: HashMap<String, String>,
}

impl<'a> Ctx<'a> {
    fn new(file_exists: &'a dyn Fn(&str) -> bool, exported_empty: BTreeSet<String>) -> Ctx<'a> {
        Ctx {
            report: Report::default(),
            counted_scopes: BTreeSet::new(),
            redeclared: Vec::new(),
            file_exists,
            skip: Vec::new(),
            fail: Vec::new(),
            scope_fail: Vec::new(),
            scope_status: Vec::new(),
            env_defined: BTreeSet::new(),
            shadowed: BTreeSet::new(),
            known: script::Known::default(),
            unknown: Vec::new(),
            names: HashMap::new(),
            taken: HashSet::new(),
            exported: HashSet::new(),
            runtime: BTreeSet::new(),
            set_vars: Y::map(),
            reads: Default::default(),
            current: None,
            request_no: 0,
            captured_at: Default::default(),
            set_at: Default::default(),
            optional: BTreeSet::new(),
            in_every_env: None,
            valued_in_some_env: BTreeSet::new(),
            in_some_env: BTreeSet::new(),
            url_starts: BTreeSet::new(),
            no_scheme: Vec::new(),
            url_start_uses: Default::default(),
            collection_plain: HashMap::new(),
            skip_until_set: Vec::new(),
            given: BTreeSet::new(),
            written: HashMap::new(),
            script_reads: BTreeSet::new(),
            read_without_fallback: BTreeSet::new(),
            request_reads: BTreeSet::new(),
            condition_reads: BTreeSet::new(),
            token_vars: Vec::new(),
            token_vars_after: Vec::new(),
            dispatch: Vec::new(),
            auth_in_force: Vec::new(),
            collection_vars: BTreeSet::new(),
            collection_configured: BTreeSet::new(),
            next_sets: Vec::new(),
            pre_request_sets: BTreeSet::new(),
            jump_targets: HashSet::new(),
            run_ends: Vec::new(),
            jumps_always: Vec::new(),
            computed_jumps: false,
            jumped_to: HashSet::new(),
            export_names: HashMap::new(),
            jumps_nowhere: Vec::new(),
            jumps_kept: Vec::new(),
            run_enders: Vec::new(),
            helper_vars: Vec::new(),
            sent_before: Vec::new(),
            sent_after: Vec::new(),
            sent_each: Vec::new(),
            added_each: Vec::new(),
            secret_values: HashMap::new(),
            secrets_apart: HashMap::new(),
            credential_vars: HashSet::new(),
            place: String::new(),
            whose: "the collection".into(),
            values: Default::default(),
            exported_empty,
            exported_not_json: BTreeSet::new(),
            exact_body: false,
        }
    }
}

impl Ctx<'_> {
    /// Whether a converted value is `{prefix}{{ var }}` for a variable a token request fills.
    fn is_fetched_token(&self, value: &str, prefix: &str) -> bool {
        self.fetched_by(value, prefix).is_some()
    }

    /// The `oauth2` block that fetches the token `value` sends, if it sends one.
    fn fetched_by(&self, value: &str, prefix: &str) -> Option<&Y> {
        let rest = value.strip_prefix(prefix)?;
        self.token_vars
            .iter()
            .rev()
            .chain(self.token_vars_after.iter().rev())
            .find(|(v, _)| rest.trim() == format!("{{{{ {v} }}}}"))
            .map(|(_, block)| block)
    }

    /// Auth that sends a fetched token: nothing where the block is already in force (the
    /// request inherits it), else the block itself (under a group with `auth: none`).
    fn fetched_auth(&self, block: &Y) -> Option<Y> {
        (self.auth_in_force.last() != Some(block)).then(|| block.clone())
    }

    /// A file the request uploads: the path when it is beside the collection. A path that
    /// leaves the collection's folder (absolute, or with `..`) is blanked — a file from a
    /// stranger must not make the run upload `/etc/passwd` — and the request skipped, as it is
    /// when the file is missing.
    fn upload(&mut self, src: &str, what: &str) -> String {
        let path = std::path::Path::new(src);
        let outside = path.is_absolute()
            || src.starts_with(['/', '\\'])
            || src.get(1..3).is_some_and(|d| d == ":\\" || d == ":/")
            || src.split(['/', '\\']).any(|c| c == "..");
        if outside {
            self.skip_because(format!(
                "{what} (`{src}`) is outside the collection's folder: put a copy beside the collection, name it under `file:` and delete this line"
            ));
            return String::new();
        }
        if src.is_empty() || !(self.file_exists)(src) {
            // A path with line breaks (a JSON text pasted where the file goes) on one line.
            let shown = match src {
                "" => "(none)".to_string(),
                s if s.chars().any(char::is_control) => format!("{s:?}"),
                s => s.to_string(),
            };
            self.skip_because(format!(
                "{what} ({shown}) is not beside the collection: put it there and delete this line"
            ));
        }
        src.to_string()
    }

    /// A reason Newman fails the request whatever it gets back, said once.
    fn fail_once(&mut self, why: String) {
        if !self.fail.contains(&why) {
            self.fail.push(why);
        }
    }

    fn skip_because(&mut self, why: String) {
        if !self.skip.contains(&why) {
            self.skip.push(why);
        }
    }

    fn text(&mut self, s: &str) -> String {
        for c in references().captures_iter(s) {
            self.written
                .entry(ident(&c[1]))
                .or_insert_with(|| c[0].to_string());
        }
        let out = convert(s, &mut self.unknown);
        static READ: std::sync::OnceLock<(regex::Regex, regex::Regex)> = std::sync::OnceLock::new();
        let (re, text) = READ.get_or_init(|| {
            (
                regex::Regex::new(r"\{\{ ([A-Za-z_][A-Za-z0-9_]*) (?:\}\}|\|)")
                    .expect("valid regex"),
                // Text written as a string expression (`{{ "{{ name }}" }}`, what Postman
                // sends as written) reads no variable.
                regex::Regex::new(r#"\{\{ "(?:[^"\\]|\\.)*" \}\}"#).expect("valid regex"),
            )
        });
        let code = text.replace_all(&out, "");
        for c in re.captures_iter(&code) {
            let name = c[1].to_string();
            self.request_reads.insert(name.clone());
            match &mut self.current {
                Some(reads) => {
                    reads.insert(name);
                }
                None => {
                    self.reads.insert(name, 0);
                }
            }
        }
        out
    }

    /// The text converted, without noting what it reads.
    fn text_of(&self, s: &str) -> String {
        convert(s, &mut Vec::new())
    }

    /// A literal secret becomes a `secret()` reference; a template stays. Two different
    /// literals never share a name: the second is named after its place (`ADMIN_TOKEN` for the
    /// folder `Admin`), or numbered. Values are compared here and never written.
    fn secret_or_text(&mut self, value: &str, env: &str, field: (&'static str, &str)) -> String {
        if value.contains("{{") {
            return self.text(value);
        }
        let whose = match self.place.is_empty() {
            true => self.whose.clone(),
            false => self.place.clone(),
        };
        let place = self
            .place
            .split('`')
            .nth(1)
            .map(|p| format!("{}_{env}", env_name(p)));
        let name = std::iter::once(env.to_string())
            .chain(place)
            .chain((2..).map(|n| format!("{env}_{n}")))
            .find(|n| self.secret_values.get(n).is_none_or(|held| held == value))
            .unwrap_or_else(|| env.to_string());
        self.secret_values
            .entry(name.clone())
            .or_insert_with(|| value.to_string());
        self.report.secrets.insert(name.clone());
        self.report
            .secret_from
            .entry(name.clone())
            .or_insert_with(|| SecretSource {
                whose,
                field: field.0,
                key: field.1.to_string(),
            });
        match value {
            "" => super::vars::empty_secret_ref(&name),
            _ => secret_ref(&name),
        }
    }

    /// Remembers the variable a URL starts with (`{{ base_url }}/jobs`), unless it is the
    /// scheme (`{{ protocol }}://{{ host }}/x`).
    fn note_url(&mut self, url: &str) {
        let scheme = url
            .find("}}")
            .is_some_and(|end| url[end + 2..].starts_with("://"));
        if let Some(first) = url_start(url).filter(|_| !scheme) {
            self.url_starts.insert(first.to_string());
        }
    }

    /// A base URL made of other variables (`baseUrl+ApiVersion` =
    /// `{{baseUrlOperateLocal}}/{{apiVersion}}`): the variable its value starts with starts
    /// those URLs too, with as many uses.
    fn url_starts_within(&mut self, variables: &Y) {
        let values: std::collections::HashMap<String, Y> =
            variables.entries().into_iter().collect();
        for _ in 0..4 {
            let inner: Vec<(String, usize)> = (self.url_starts.iter())
                .filter_map(|n| match values.get(n) {
                    Some(Y::Str(v)) => url_start(v).map(|i| (i.to_string(), n)),
                    _ => None,
                })
                .filter(|(i, _)| !self.url_starts.contains(i))
                .map(|(i, n)| (i, self.url_start_uses.get(n).copied().unwrap_or(0)))
                .collect();
            if inner.is_empty() {
                return;
            }
            for (name, uses) in inner {
                *self.url_start_uses.entry(name.clone()).or_default() += uses;
                self.url_starts.insert(name);
            }
        }
    }

    fn unique_name(&mut self, name: &str) -> String {
        let base = if name.trim().is_empty() {
            "request".to_string()
        } else {
            name.trim().to_string()
        };
        // Another request may be named "x (2)" already: the numbering steps over it.
        let n = self.names.entry(base.to_lowercase()).or_insert(0);
        loop {
            *n += 1;
            let name = match *n {
                1 => base.clone(),
                n => format!("{base} ({n})"),
            };
            let key = name.to_lowercase();
            if (*n == 1 || !self.exported.contains(&key)) && self.taken.insert(key) {
                return name;
            }
        }
    }
}

/// Postman globals (an export's `values`) added to the collection's variables where the
/// collection has none of that name — globals rank below collection variables in Postman.
/// How many were added.
pub(crate) fn with_globals(collection: &mut Value, globals: &Value) -> usize {
    let body = match collection.get("collection") {
        Some(inner) if collection.get("info").is_none() && inner.get("info").is_some() => {
            &mut collection["collection"]
        }
        _ => collection,
    };
    let Some(obj) = body.as_object_mut() else {
        return 0;
    };
    let list = obj
        .entry("variable")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(list) = list.as_array_mut() else {
        return 0;
    };
    let has = |list: &[Value], key: &str| {
        list.iter()
            .any(|v| v.get("key").and_then(Value::as_str) == Some(key))
    };
    let mut added = 0;
    for g in globals
        .get("values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(key) = g.get("key").and_then(Value::as_str) else {
            continue;
        };
        // `enabled: false` (an unticked global) is used by Newman all the same.
        if has(list, key) {
            continue;
        }
        let mut v = serde_json::json!({"key": key, "value": g.get("value").cloned().unwrap_or(Value::Null)});
        if let Some(t) = g.get("type") {
            v["type"] = t.clone();
        }
        list.push(v);
        added += 1;
    }
    added
}

/// The names of every request in the export, lowercased.
/// Every request's name and id (`setNextRequest` names one by either).
/// Whether a script of the export jumps to a name it computes: not a text, `null`, or the
/// request's own name (polling).
fn computed_jumps(collection: &Value) -> bool {
    static JUMP: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = JUMP.get_or_init(|| {
        regex::Regex::new(r"setNextRequest\(\s*([^)\s][^)]*)\)").expect("valid regex")
    });
    let scripts = every_script(collection).concat().join("\n");
    re.captures_iter(&scripts).any(|c| {
        let arg = c[1].trim();
        let written = arg.starts_with(['"', '\'', '`']) || arg == "null";
        !written && !arg.contains("requestName") && !arg.contains("request.name")
    })
}

/// What a `setNextRequest` may jump to: every request's name and id; and whether a script
/// jumps to a name it computes.
fn jump_targets(collection: &Value, items: &[Value], cx: &mut Ctx<'_>) {
    names_and_ids(items, &mut cx.jump_targets);
    cx.computed_jumps = computed_jumps(collection);
}

fn names_and_ids(items: &[Value], out: &mut HashSet<String>) {
    for item in items {
        match item.get("item").and_then(Value::as_array) {
            Some(children) => names_and_ids(children, out),
            None => {
                for key in ["name", "id"] {
                    if let Some(v) = item.get(key).and_then(Value::as_str) {
                        out.insert(v.to_string());
                    }
                }
            }
        }
    }
}

/// The condition of a run end that always holds: `setNextRequest(null)` as a script's last
/// word on the next request.
const ALWAYS: &str = "true";

/// A script's `setNextRequest(null)` (Newman ends the run) and its jumps to a name or id no
/// request of the export has (Newman ends the run there too), noted for the summary: yarc runs
/// a file's requests in order.
fn note_jumps(lines: &[String], request: &str, phase: Phase, cx: &mut Ctx<'_>) {
    // A pre-request script's jump holds unless the test script (run after it) jumps too.
    if phase == Phase::Test && lines.iter().any(|l| l.contains("setNextRequest")) {
        cx.jumps_always.retain(|(from, _)| from != request);
        cx.run_ends
            .retain(|(from, cond)| from != request || cond != ALWAYS);
    }
    let last = script::last_jump(lines);
    match &last {
        Some(Some(target)) => cx.jumps_always.push((request.to_string(), target.clone())),
        Some(None) => cx.run_ends.push((request.to_string(), ALWAYS.into())),
        None => {}
    }
    static JUMP: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = JUMP.get_or_init(|| {
        regex::Regex::new(
            r#"(?:postman|pm\.execution)\.setNextRequest\(\s*(null|'[^']*'|"[^"]*")\s*\)"#,
        )
        .expect("valid regex")
    });
    let text = lines.join("\n");
    for c in re.captures_iter(&text) {
        let arg = &c[1];
        if arg == "null" {
            // One that always ends the run skips what follows, saying so there.
            if last != Some(None) && !cx.run_enders.iter().any(|r| r == request) {
                cx.run_enders.push(request.to_string());
            }
            continue;
        }
        let target = &arg[1..arg.len() - 1];
        cx.jumped_to.insert(target.to_string());
        let noted = cx.jumps_nowhere.iter().any(|(r, _)| r == request);
        if !cx.jump_targets.contains(target) && !noted {
            cx.jumps_nowhere
                .push((request.to_string(), target.to_string()));
        }
    }
}

/// The summary's lines for the jumps [`note_jumps`] found.
fn jump_notes(cx: &mut Ctx<'_>) {
    let named = |list: Vec<String>| {
        let n = list.len();
        let mut shown: Vec<String> = list.into_iter().take(3).collect();
        if n > 3 {
            shown.push(format!("{} more", n - 3));
        }
        let requests = match n {
            1 => "1 request".to_string(),
            n => format!("{n} requests"),
        };
        format!("{requests} ({})", shown.join(", "))
    };
    if !cx.run_enders.is_empty() {
        let list = cx.run_enders.iter().map(|r| format!("`{r}`")).collect();
        cx.report.notes.push(format!(
            "`setNextRequest(null)` ends Newman's run in the script of {}: yarc runs every request of the file in order (`--fail-fast` stops at the first failure)",
            named(list)
        ));
    }
    if !cx.jumps_kept.is_empty() {
        let list = cx.jumps_kept.iter().map(|r| format!("`{r}`")).collect();
        cx.report.notes.push(format!(
            "`setNextRequest` stays a comment in the script of {}: Newman goes on to another request there (or sends the same one again, a loop), yarc to the next in the file",
            named(list)
        ));
    }
    if !cx.jumps_nowhere.is_empty() {
        let list = cx
            .jumps_nowhere
            .iter()
            .map(|(r, t)| format!("`{r}` to `{t}`"))
            .collect();
        cx.report.notes.push(format!(
            "`setNextRequest` jumps to a name or id no request of the export has in the script of {} (an id of the workspace it came from?): Newman ends the run there; yarc runs the requests after it in the file's order",
            named(list)
        ));
    }
}

fn exported_names(items: &[Value]) -> HashSet<String> {
    let mut out = HashSet::new();
    for item in items {
        match item.get("item").and_then(Value::as_array) {
            Some(children) => out.extend(exported_names(children)),
            None => {
                let name = item.get("name").and_then(Value::as_str).unwrap_or("");
                out.insert(name.trim().to_lowercase());
            }
        }
    }
    out
}

/// `file_exists` says whether a file the export names (an upload, a body file) is beside the
/// collection; a request that needs one that is not there is written with `skip:`.
pub(crate) fn import(
    collection: &Value,
    environments: &[Value],
    file_exists: &dyn Fn(&str) -> bool,
) -> Result<Imported, String> {
    match without_self_references(collection, environments) {
        Some((c, e)) => import_cleared(&c, &e, file_exists),
        None => import_cleared(collection, environments, file_exists),
    }
}

fn import_cleared(
    collection: &Value,
    environments: &[Value],
    file_exists: &dyn Fn(&str) -> bool,
) -> Result<Imported, String> {
    let (collection, info, items, name) = opened(collection)?;
    let mut cx = Ctx::new(file_exists, exported_empty(collection, environments));
    // A literal secret in a request never takes the name of a variable the export defines
    // with another value (a deliberately wrong token beside the real `token`).
    cx.credential_vars = credential_uses(collection);
    (cx.secret_values, cx.secrets_apart) =
        exported_secrets(collection, environments, &cx.credential_vars);
    cx.exported_not_json = exported_not_json(collection, environments);
    cx.exported = exported_names(items);
    cx.env_defined = defined_by_every_environment(environments);
    cx.known = known(collection, environments);
    jump_targets(collection, items, &mut cx);
    known_variables(collection, environments, &mut cx);
    // Requests first: the variables their scripts set decide what is a secret.
    let mut scope = Scope {
        behaviour: behaviour(collection, "the collection", &mut cx),
        ..Scope::default()
    };
    for (lines, phase) in events(collection, "test", Phase::ScopeTest)
        .into_iter()
        .chain(events(collection, "prerequest", Phase::PreRequest))
    {
        let (s, dispatch) = script::convert_scope(&lines, phase, &cx.known);
        scope.add(s, phase, "collection", &mut cx);
        cx.dispatch
            .extend(dispatch.map(|d| ("the collection".to_string(), d.into())));
    }
    // Before the requests: a literal secret is named for the collection first.
    let own_auth = collection
        .get("auth")
        .and_then(|a| auth(a, "collection", &mut cx));
    let auth = scope_auth(
        scope.oauth2.take(),
        own_auth,
        collection,
        "collection",
        &mut cx,
    );
    cx.auth_in_force.extend(auth.clone());
    cx.scope_fail.append(&mut scope.fail);
    cx.scope_status.extend(scope.expect.get("status").cloned());
    let requests = scoped_items(items, "collection", &mut scope, &mut cx);
    note_unreached(&mut cx, 0);
    jump_notes(&mut cx);
    let requests = Y::Seq(scope.around(requests));
    let (env_files, envs) = environment_files(environments, &mut cx)?;
    cx.whose = "the collection".into();
    let variables = collection_variables(collection, &mut scope, &mut cx);
    let mut requests = requests;
    empty_url_starts(&variables, &mut cx);
    for (name, why) in std::mem::take(&mut cx.skip_until_set) {
        skip_until_set(&mut requests, &name, &why);
    }
    skip_jumped_over(&mut requests, &mut cx);
    skip_after_run_ends(&mut requests, &mut cx);
    undefined_as_declared(&mut requests, &variables, &cx.written);
    gathered_notes(&mut cx);
    for name in schemeless_bases(&cx) {
        let n = add_scheme(&mut requests, &name);
        cx.report.notes.push(format!(
            "`{name}` holds a host without a scheme: Postman sends http://, so the {n} request(s) whose URL starts with it add http:// when it has no scheme of its own"
        ));
    }
    cx.report.unknown_dynamic.extend(cx.unknown.drain(..));
    let described = description(info.get("description"), &mut cx);
    let mut doc = collection_doc(&name, described, variables, auth, scope, requests);
    name_token_variables(&mut doc, &cx);
    hide_copied_secrets(&mut doc, &mut cx.report, &cx.secret_values);
    secrets_named_apart(&doc, &mut cx);
    cx.report.destinations = super::destinations::of(&doc, &cx.values);
    let slug = crate::snapshot::slug(&name);
    let collection_file = format!("{slug}.yaml");
    let mut files = vec![(
        collection_file.clone(),
        modeline("collection", "./") + &yaml_out::to_string(&doc),
    )];
    files.extend(env_files);
    secrets_read(&files, &mut cx.report);
    Ok(Imported {
        files,
        collection_file,
        environments: envs,
        report: cx.report,
    })
}

/// Only the secrets a written file reads are ones to set (not a token an `oauth2` block now
/// fetches in place of the one the export stored).
fn secrets_read(files: &[(String, String)], report: &mut Report) {
    let read = |name: &String| {
        files
            .iter()
            .any(|(_, t)| t.contains(&format!("secret('{name}'")))
    };
    report.secrets.retain(|n| read(n));
    report.secret_from.retain(|n, _| read(n));
}

/// Each environment's file (name, text), and its name beside the file's.
type Files = Vec<(String, String)>;
fn environment_files(environments: &[Value], cx: &mut Ctx<'_>) -> Result<(Files, Files), String> {
    let mut env_files = Vec::new();
    let mut envs = Vec::new();
    for env in environments {
        let (file, text, env_name) = environment(env, cx)?;
        envs.push((env_name, file.clone()));
        env_files.push((file, text));
    }
    Ok((env_files, envs))
}

/// An `oauth2` block made from a token script whose variable something still reads (`X-Token:
/// {{ access_token }}`, a body field): the block names it, so that those get the token the
/// block fetches, as they got the one the script stored in Postman.
fn name_token_variables(doc: &mut Y, cx: &Ctx<'_>) {
    let Some(requests) = doc.get_mut("requests") else {
        return;
    };
    // What the requests read: the variables section declares the name too.
    let text = yaml_out::to_string(requests);
    let read: Vec<(String, Y)> = cx
        .token_vars
        .iter()
        .chain(&cx.token_vars_after)
        .filter(|(var, _)| script::reads_anywhere(&text, var))
        .cloned()
        .collect();
    if !read.is_empty() {
        name_in(doc, &read);
    }
}

fn name_in(y: &mut Y, read: &[(String, Y)]) {
    match y {
        Y::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                if k == "auth"
                    && let Some((var, _)) = read.iter().find(|(_, block)| block == v)
                    && let Some(o) = v.get_mut("oauth2")
                {
                    o.set("variable", Y::str(var));
                    continue;
                }
                name_in(v, read);
            }
        }
        Y::Seq(items) => items.iter_mut().for_each(|i| name_in(i, read)),
        _ => {}
    }
}

/// The variables the environments and the collection itself define, and how Newman shows each
/// one it does not have (`{{store-id}}`), before a request names it.
fn known_variables(collection: &Value, environments: &[Value], cx: &mut Ctx<'_>) {
    cx.in_some_env = environments
        .iter()
        .filter_map(|e| e.get("values")?.as_array())
        .flatten()
        .filter_map(|v| v.get("key")?.as_str())
        .map(super::vars::ident)
        .collect();
    let exported = collection
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for v in exported {
        let Some(key) = v.get("key").and_then(Value::as_str) else {
            continue;
        };
        let name = super::vars::ident(key);
        if !matches!(v.get("value"), None | Some(Value::Null)) && v["value"] != "" {
            cx.collection_configured.insert(name.clone());
        }
        cx.written
            .entry(name.clone())
            .or_insert_with(|| format!("{{{{{key}}}}}"));
        if let Some(value) = plain_value(v, cx) {
            cx.collection_plain.insert(name.clone(), value);
        }
        cx.collection_vars.insert(name);
    }
    for name in set_in_collection_scope(collection) {
        cx.collection_plain.remove(&name);
    }
}

/// A variable's exported value when it is no secret (nor equal to one), and enabled.
fn plain_value(v: &Value, cx: &Ctx<'_>) -> Option<Value> {
    let key = v.get("key")?.as_str()?;
    let value = v.get("value").cloned().unwrap_or(Value::Null);
    let disabled = v.get("disabled").and_then(Value::as_bool) == Some(true);
    let shares = value
        .as_str()
        .is_some_and(|t| cx.secret_values.values().any(|s| s == t));
    let secret = shares || secret_variable(key, v, &cx.credential_vars);
    (!disabled && !secret && !value.is_null()).then_some(value)
}

/// The names any script of the export sets in the collection's scope
/// (`pm.collectionVariables.set("token", ...)`).
fn set_in_collection_scope(collection: &Value) -> BTreeSet<String> {
    let scripts = every_script(collection).concat().join("\n");
    let (names, _) = names_set(&scripts, COLLECTION_SETTERS);
    names.iter().map(|n| super::vars::ident(n)).collect()
}

/// The calls that set a variable in the collection's scope, as a regex.
const COLLECTION_SETTERS: &str = r"pm\.collectionVariables\.set";

/// The names (as written) the scripts give to `setters` (a regex of calls) as a quoted first
/// argument, and whether some such call names its variable otherwise (computed).
fn names_set(scripts: &str, setters: &str) -> (BTreeSet<String>, bool) {
    let named = regex::Regex::new(&format!(r#"(?:{setters})\s*\(\s*["'`]([^"'`]+)["'`]"#));
    let any = regex::Regex::new(&format!(r"(?:{setters})\s*\(\s*[^\s)]"));
    let (Ok(named), Ok(any)) = (named, any) else {
        return (BTreeSet::new(), true);
    };
    let set: BTreeSet<String> = (named.captures_iter(scripts))
        .map(|c| c[1].to_string())
        .collect();
    let computed = any.find_iter(scripts).count() > named.find_iter(scripts).count();
    (set, computed)
}

/// The collection's `variables:`: its own, those its scripts set, then those the requests
/// read that nothing defines; less the helper code a converted script no longer needs.
fn collection_variables(collection: &Value, scope: &mut Scope, cx: &mut Ctx<'_>) -> Y {
    let mut variables = variables(collection.get("variable"), cx);
    for (k, v) in std::mem::take(&mut scope.variables).entries() {
        variables.set(k, v);
    }
    for (k, v) in std::mem::take(&mut cx.set_vars).entries() {
        if variables.get_mut(&k).is_none() {
            variables.set(k, v);
        }
    }
    for helper in std::mem::take(&mut cx.helper_vars) {
        if variables.remove(&super::vars::ident(&helper)).is_some() {
            cx.report.notes.push(format!(
                "the helper code kept in `{helper}` is left out: what the scripts used it for is converted"
            ));
        }
    }
    undeclared(&mut variables, cx);
    variables
}

/// The collection file's document, in the order a reader wants it.
fn collection_doc(
    name: &str,
    description: Option<Y>,
    variables: Y,
    auth: Option<Y>,
    scope: Scope,
    requests: Y,
) -> Y {
    let mut doc = Y::map();
    doc.comment(format!(
        "Imported from the Postman collection \"{name}\" by `yarc import postman`.\nScript lines that were not converted are kept in comments starting \"postman\": give them a look."
    ));
    doc.set("name", Y::str(name));
    if let Some(d) = description {
        doc.set("description", d);
    }
    if !variables.is_empty_map() {
        doc.set("variables", variables);
    }
    if let Some(a) = auth {
        doc.set("auth", a);
    }
    if !scope.expect.is_empty_map() {
        doc.child("defaults").set("expect", scope.expect);
    }
    if !scope.sets.is_empty_map() {
        doc.child("defaults").set("set", scope.sets);
    }
    if !scope.headers.is_empty_map() {
        doc.child("defaults").set("headers", scope.headers);
    }
    if !scope.query.is_empty_map() {
        doc.child("defaults").set("query", scope.query);
    }
    for (k, v) in scope.behaviour.entries() {
        match k.as_str() {
            "cookie_jar" => doc.set(k, v),
            _ => doc.child("defaults").set(k, v),
        }
    }
    if !scope.blocks.is_empty() {
        doc.comment(
            "The collection's own scripts, where not converted, are at the end of this file.",
        );
    }
    doc.set("requests", requests);
    for b in scope.blocks {
        doc.comment(b);
    }
    doc
}

/// Postman's `protocolProfileBehavior` of an item, folder or collection (they inherit it as
/// yarc's `defaults` do) as yarc keys: `followRedirects` → `follow_redirects`, `maxRedirects`
/// → `max_redirects`, `disableCookies` → `cookie_jar: false` (which the caller places or
/// notes); the settings yarc has no key for are noted when they change what is sent.
fn behaviour(node: &Value, whose: &str, cx: &mut Ctx<'_>) -> Y {
    let mut out = Y::map();
    let Some(Value::Object(b)) = node.get("protocolProfileBehavior") else {
        return out;
    };
    let mut note = |what: &str| {
        let n = format!("{whose}: {what}");
        if !cx.report.notes.contains(&n) {
            cx.report.notes.push(n);
        }
    };
    for (k, v) in b {
        match (k.as_str(), v) {
            ("followRedirects", Value::Bool(f)) => out.set("follow_redirects", Y::Bool(*f)),
            ("maxRedirects", Value::Number(n)) if n.as_u64().is_some() => {
                out.set("max_redirects", Y::Num(n.clone()));
            }
            ("disableCookies", Value::Bool(true)) => out.set("cookie_jar", Y::Bool(false)),
            ("strictSSL", Value::Bool(false)) => note(
                "certificates are not checked in Postman (`strictSSL: false`); yarc checks them: run with `--insecure`, or give the environment `tls: { insecure: true }`, to do the same",
            ),
            ("followOriginalHttpMethod", Value::Bool(true)) => note(
                "Postman keeps the method and body when it follows a redirect (`followOriginalHttpMethod`); yarc follows a 301, 302 or 303 with a GET, as Postman does by default",
            ),
            ("followAuthorizationHeader", Value::Bool(true)) => note(
                "Postman sends the Authorization header on to another host a redirect leads to (`followAuthorizationHeader`); yarc never does",
            ),
            ("disableUrlEncoding", Value::Bool(true)) => note(
                "Postman sends the URL without encoding it (`disableUrlEncoding`); yarc sends a URL as written but encodes what a URL cannot hold (spaces, non-ASCII)",
            ),
            _ => {}
        }
    }
    out
}

/// `disableCookies` on a folder: yarc says it per request (or for the whole collection).
fn no_cookies_note(whose: &str, cx: &mut Ctx<'_>) {
    cx.report.notes.push(format!(
        "{whose}: Postman neither sends nor keeps cookies for its requests (`disableCookies`); yarc says it per request: give each of them `cookie_jar: false` (or the collection, at its top)"
    ));
}

/// The collection and environments without the variables whose value is their own `{{name}}`
/// (an environment file left as a template, `"API_BASE_URL": "{{API_BASE_URL}}"`): such a
/// variable is one the export does not define, as Newman finds it; `None` when there is none.
fn without_self_references(
    collection: &Value,
    environments: &[Value],
) -> Option<(Value, Vec<Value>)> {
    fn is_self(v: &Value) -> bool {
        let (Some(key), Some(value)) = (
            v.get("key").and_then(Value::as_str),
            v.get("value").and_then(Value::as_str),
        ) else {
            return false;
        };
        let inner = value
            .trim()
            .strip_prefix("{{")
            .and_then(|t| t.strip_suffix("}}"));
        inner.is_some_and(|name| name.trim() == key.trim())
    }
    let lists = |v: &Value| {
        [
            "/variable",
            "/collection/variable",
            "/values",
            "/environment/values",
        ]
        .map(|p| {
            v.pointer(p)
                .and_then(Value::as_array)
                .is_some_and(|l| l.iter().any(is_self))
        })
        .contains(&true)
    };
    if !lists(collection) && !environments.iter().any(lists) {
        return None;
    }
    let clear = |v: &Value| {
        let mut v = v.clone();
        for p in [
            "/variable",
            "/collection/variable",
            "/values",
            "/environment/values",
        ] {
            if let Some(Value::Array(list)) = v.pointer_mut(p) {
                list.retain(|e| !is_self(e));
            }
        }
        v
    };
    Some((clear(collection), environments.iter().map(clear).collect()))
}

/// The collection inside an export (the Postman API wraps it), with its `info`, its items and
/// its name; or why this is no collection yarc reads.
fn opened(collection: &Value) -> Result<(&Value, &Value, &Vec<Value>, String), String> {
    // The Postman API's export wraps the collection: `{"collection": {...}}` (Newman runs it).
    let collection = match collection.get("collection") {
        Some(inner) if collection.get("info").is_none() && inner.get("info").is_some() => inner,
        _ => collection,
    };
    let info = collection.get("info").ok_or(
        "not a Postman collection: no `info` (a collection export has `info` and `item`; an environment export goes to --environment)",
    )?;
    let schema = info.get("schema").and_then(Value::as_str).unwrap_or("");
    if !(schema.is_empty() || schema.contains("v2.1") || schema.contains("v2.0")) {
        return Err(format!(
            "unsupported Postman collection schema `{schema}` (v1, v2.0 and v2.1 are read)"
        ));
    }
    let items = collection
        .get("item")
        .and_then(Value::as_array)
        .ok_or("not a Postman collection: no `item` list")?;
    let name = info
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("Imported collection")
        .to_string();
    Ok((collection, info, items, name))
}

/// Variables a request reads that nothing in the export defines (Postman globals, a data
/// file, a script that sets them) are declared, empty, so `check` passes once the real values
/// are set; a secret-looking one is read with `secret()`.
fn undeclared(variables: &mut Y, cx: &mut Ctx<'_>) {
    cx.url_starts_within(variables);
    let missing = undefined_reads(variables, cx);
    if missing.is_empty() {
        return;
    }
    variables.comment(
        "Read by requests but not defined in the export (Postman globals, a data file, a script):\nset them here, in an environment or with --var.",
    );
    let mut unset: Vec<(&str, Vec<String>)> = Vec::new();
    let kept_sets = names_set_in_kept(&cx.report.kept);
    for name in missing {
        let (value, how) = if cx.runtime.contains(&name) {
            (
                set_at_run_time(&name, cx),
                kept_sets.contains(&name).then_some(SET_IN_KEPT),
            )
        } else if looks_secret(&name) {
            let value = undefined_secret(&name, cx);
            let how = match value.contains("default=\"") {
                true => {
                    "as a secret that requests send as their `{{...}}` text until it is set, as Newman does"
                }
                false => "as a secret",
            };
            (value, Some(how))
        } else if cx.url_starts.contains(&name) {
            let uses = cx.url_start_uses.get(&name).copied().unwrap_or(0);
            // The base most requests share must be set before anything runs; another host a
            // few requests use only holds those back.
            let main = uses * 2 >= cx.report.requests
                && cx
                    .url_start_uses
                    .iter()
                    .all(|(n, u)| *u < uses || *n >= name);
            if uses > 0 && !main {
                // Some requests only: they are skipped until it is set, the others run.
                cx.skip_until_set.push((
                    name.clone(),
                    format!("set `{name}` (the export does not define it) to run this request"),
                ));
                let which = match uses {
                    1 => "the request whose URL starts with it is".to_string(),
                    n => format!("the {n} requests whose URL starts with it are"),
                };
                cx.report.notes.push(format!(
                    "`{name}` is used but not defined in the export: it was declared empty, and {which} skipped until it is set"
                ));
                variables.set(name, Y::str(""));
                continue;
            }
            // Every request's base: `check` refuses the placeholder, naming the variable.
            (
                format!("https://{}", crate::plan::PLACEHOLDER_HOST),
                Some("as https://set-me.invalid (`yarc check` asks for it)"),
            )
        } else {
            // Newman sends a reference to a variable defined nowhere as it is written; a script
            // reading it gets `undefined` — but no script sets it, so the requests that send
            // it decide.
            let value = match cx.request_reads.contains(&name) {
                true => as_written(cx, &name),
                false => unresolved(cx, &name),
            };
            let how = match value.is_empty() {
                true => "empty: only converted scripts read it, where it is `undefined`",
                false => "as its own `{{...}}` text, which Newman sends",
            };
            (value, Some(how))
        };
        if let Some(how) = how {
            match unset.iter_mut().find(|(h, _)| *h == how) {
                Some((_, names)) => names.push(name.clone()),
                None => unset.push((how, vec![name.clone()])),
            }
        }
        variables.set(name, Y::str(value));
    }
    for (how, names) in unset {
        cx.report.notes.push(undefined_note(&names, how));
    }
}

/// How a variable only script lines kept as comments set is declared.
const SET_IN_KEPT: &str = "as the value Newman sends before a script sets it — and script lines kept as comments set it, where Newman sends what they compute: see that those lines are written in yarc's terms, or give it a value";

/// The variables script lines kept as comments `set()`, by the names as written there.
fn names_set_in_kept(kept: &[(String, usize, String, &'static str)]) -> BTreeSet<String> {
    let texts = kept.iter().map(|(_, _, text, _)| text.as_str());
    script::names_set_in(texts)
        .map(|n| super::vars::ident(&n))
        .collect()
}

/// One note for every variable declared the same way (a collection may read dozens that the
/// export does not define: one line each buried the rest of the summary).
fn undefined_note(names: &[String], how: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [one] => format!("{one} is used but not defined in the export: it was declared {how}"),
        _ => format!(
            "{} variables are used but not defined in the export ({}): each was declared {how}",
            quoted.len(),
            quoted.join(", ")
        ),
    }
}

/// The variables requests read that the export defines nowhere and nothing sets before them.
fn undefined_reads(variables: &Y, cx: &Ctx<'_>) -> Vec<String> {
    let mut defined: BTreeSet<String> = variables.entries().into_iter().map(|(k, _)| k).collect();
    defined.extend(cx.in_every_env.iter().flatten().cloned());
    // A counter reads itself before its first `set:`: that one is declared.
    let reads_itself = |n: &str| cx.reads.get(n) == Some(&0) && cx.given.contains(n);
    defined.extend(cx.given.iter().filter(|n| !reads_itself(n)).cloned());
    // A variable captured before it is first read needs no declaration (and gets none, so
    // a failed capture still skips the requests that need it).
    let captured_first = |n: &str, first: usize| {
        (cx.captured_at.get(n).is_some_and(|c| *c < first) && !cx.optional.contains(n))
            || cx.set_at.get(n).is_some_and(|s| *s <= first)
    };
    cx.reads
        .iter()
        .filter(|(n, first)| !defined.contains(*n) && !captured_first(n, **first))
        .map(|(n, _)| n.clone())
        .collect()
}

/// A credential-named variable the export defines nowhere: a secret to set.
fn undefined_secret(name: &str, cx: &mut Ctx<'_>) -> String {
    // `accessToken` beside an environment's `access_token`: two variables in Postman, so two
    // secrets here (setting one must not fill the other).
    let base = env_name(name);
    let other = |n: &String| cx.report.secret_from.get(n).is_some_and(|s| s.key != name);
    let env = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|n| !other(n))
        .unwrap_or(base);
    cx.report.secrets.insert(env.clone());
    let source = SecretSource {
        whose: "the export".into(),
        field: "undefined",
        key: name.to_string(),
    };
    cx.report.secret_from.entry(env.clone()).or_insert(source);
    // Only asked whether it is set, or read by converted scripts only, each time with a
    // fallback (`get(k) ?? id`: Newman's `undefined` gives way to it): unset is an answer, not
    // a mistake. Read by converted scripts without one, it is a credential the run needs.
    let with_fallback = cx.script_reads.contains(name) && !cx.read_without_fallback.contains(name);
    let scripts_only =
        (cx.condition_reads.contains(name) || with_fallback) && !cx.request_reads.contains(name);
    if scripts_only {
        return format!("{{{{ secret('{env}', default='') }}}}");
    }
    let scripts_read = cx.script_reads.contains(name) || cx.condition_reads.contains(name);
    if cx.request_reads.contains(name) && !scripts_read {
        // Unset, requests send what Newman sends for a reference nothing defines, its own
        // `{{name}}` text (`Bearer {{access_token}}`): the collection runs as imported, and
        // `check` and `run` name the secret left to it.
        let written = cx
            .written
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("{{{{{name}}}}}"));
        let quoted = serde_json::to_string(&written).unwrap_or_else(|_| "\"\"".into());
        return format!("{{{{ secret('{env}', default={quoted}) }}}}");
    }
    secret_ref(&env)
}

/// A variable a script sets (a capture, or a kept line): empty until then, as in Postman — or
/// held back when it starts URLs that no capture or `set:` fills before they are sent.
fn set_at_run_time(name: &str, cx: &mut Ctx<'_>) -> String {
    // Captured (or set) before the first request that reads it: the URL has its value
    // by then. Captured only later, the request is sent before: as Newman would send
    // `{{name}}`, which is no URL, it is held back until the variable is set.
    let first = cx.reads.get(name).copied().unwrap_or(usize::MAX);
    let given = cx.captured_at.get(name).is_some_and(|c| *c < first) || cx.given.contains(name);
    if cx.url_starts.contains(name) && !given {
        let (why, note) = match cx.captured_at.contains_key(name) {
            true => (
                format!(
                    "`{name}` is captured only by a later request: this one is skipped until it has a value"
                ),
                format!(
                    "`{name}` starts URLs but is captured only by a later request: the requests before it are skipped until it has a value"
                ),
            ),
            false => (
                format!(
                    "`{name}` is set by a script yarc does not run: capture it, or set it, to run this request"
                ),
                format!(
                    "`{name}` starts URLs but is set only by a script line that was kept: the requests that use it are skipped until it is given a value"
                ),
            ),
        };
        cx.skip_until_set.push((name.to_string(), why));
        cx.report.notes.push(note);
        String::new()
    } else {
        // Until a script sets it, Newman sends the reference as written: so does yarc.
        unresolved(cx, name)
    }
}

/// A value that stands for one the user fills in (`<your_access_token>`, `YOUR_TOKEN`), not
/// a credential.
fn placeholder(v: &str) -> bool {
    let v = v.trim();
    let angled = v.len() > 2 && v.starts_with('<') && v.ends_with('>') && !v[1..].contains('<');
    angled || v.to_ascii_lowercase().starts_with("your")
}

/// `{{name}}` as the export wrote it, as text yarc sends unchanged (empty for what a script
/// reads: there it is `undefined`).
fn unresolved(cx: &Ctx<'_>, name: &str) -> String {
    match cx.script_reads.contains(name) {
        true => String::new(),
        false => as_written(cx, name),
    }
}

/// What a script sets and unsets: a value known before the run is the collection's (or this
/// request's `set:`, above an environment's); the rest are `sets`, before the request (an
/// unset in a test script: before the next one).
fn variables_of(s: &mut script::Script, phase: Phase, sets: &mut Y, cx: &mut Ctx<'_>) {
    let read_before = |cx: &Ctx<'_>, k: &str| {
        cx.reads
            .get(k)
            .is_some_and(|&n| n >= 1 && n < cx.request_no)
    };
    if phase == Phase::PreRequest {
        let names = s.variables.entries().into_iter().chain(s.sets.entries());
        cx.pre_request_sets.extend(names.map(|(k, _)| k));
    }
    for (k, v) in s.variables.entries() {
        // An environment's value would outrank a collection variable, a request before this
        // one reads the value it had, or the collection (or the globals) gives it a value of
        // its own: what the script sets is given from here on instead, as Postman's set is
        // (after the response, for a test script).
        let elsewhere = cx.in_some_env.contains(&k) || cx.collection_vars.contains(&k);
        // A value made of variables when a test script runs (`set("body", pm.request.body.raw)`,
        // `set("prev", get("token"))`) is what they held then: given in order before the next
        // request, not a collection variable that follows them later.
        let snapshot = phase != Phase::PreRequest
            && matches!(&v, Y::Str(t) if t.contains("{{") && !t.contains("secret("));
        // Its pre-request script set it too: that value is this request's, this one after.
        let set_before = phase != Phase::PreRequest && cx.pre_request_sets.contains(&k);
        match (
            elsewhere || snapshot || set_before || read_before(cx, &k),
            phase,
        ) {
            (false, _) => cx.set_vars.set(k, v),
            (true, Phase::PreRequest) => s.sets.set(&k, v),
            (true, _) => cx.next_sets.push((k, v)),
        }
    }
    note_script_reads(cx, s);
    for (k, v) in s.after.entries() {
        cx.next_sets.push((k, v));
    }
    for (k, v) in s.sets.entries() {
        sets.set(k, v);
    }
    for (name, text) in unset_values(s, cx) {
        match phase {
            Phase::PreRequest => sets.set(&name, text),
            _ => cx.next_sets.push((name, text)),
        }
    }
    kept_by_clear_note(s, cx);
}

/// `pm.collectionVariables.clear()` leaves the values the export gives (configuration a
/// `--var` may give): the summary names them, as Newman sends their `{{name}}` text after it.
fn kept_by_clear_note(s: &script::Script, cx: &mut Ctx<'_>) {
    if !s.cleared.contains(&"collection") {
        return;
    }
    let kept: Vec<String> = (cx.collection_vars.iter())
        .filter(|n| cx.collection_configured.contains(*n) && !cx.in_some_env.contains(*n))
        .map(|n| format!("`{n}`"))
        .collect();
    if kept.is_empty() {
        return;
    }
    let note = format!(
        "`pm.collectionVariables.clear()` in {}: yarc keeps {} (values the export gives, which `--var` may set), where Newman sends their `{{{{name}}}}` text after it",
        cx.whose,
        kept.join(", ")
    );
    if !cx.report.notes.contains(&note) {
        cx.report.notes.push(note);
    }
}

/// What the variables a script unsets or clears hold from then on: the value of the scope
/// below that shows through in Postman (the collection's own value under an environment's),
/// else the `{{name}}` text Newman sends for a variable it does not have (which a converted
/// `has()` or refusal refuses).
fn unset_values(s: &script::Script, cx: &mut Ctx<'_>) -> Vec<(String, Y)> {
    let (unset, shown): (Vec<_>, Vec<_>) = s.unset.iter().partition(|(name, scope)| {
        *scope != "environment" || !cx.collection_plain.contains_key(name)
    });
    let mut values: Vec<(String, Y)> = Vec::new();
    for (name, _) in shown {
        let y = match cx.collection_plain.get(name).cloned() {
            Some(Value::String(t)) => Y::str(cx.text(&t)),
            other => Y::from_json(&other.unwrap_or(Value::Null)),
        };
        values.push((name.clone(), y));
    }
    let texts = unset_names(&unset, &s.cleared, cx);
    values.extend(
        texts
            .into_iter()
            .map(|n| (n.clone(), Y::str(as_written(cx, &n)))),
    );
    values
}

/// The variables a script unsets or clears that Newman has no value of afterwards. A
/// collection variable an environment also defines is the environment's again in Postman, and
/// stays as it is; so does an environment's that the collection defines.
fn unset_names(unset: &[&(String, &str)], cleared: &[&str], cx: &Ctx<'_>) -> Vec<String> {
    let shows = |(name, scope): &&(String, &str)| match *scope {
        "collection" | "globals" => cx.in_some_env.contains(name),
        _ => false,
    };
    let mut names: Vec<String> = unset
        .iter()
        .filter(|u| !shows(u))
        .map(|(n, _)| n.clone())
        .collect();
    for scope in cleared {
        let (of, other) = match *scope {
            "collection" => (&cx.collection_vars, &cx.in_some_env),
            _ => (&cx.in_some_env, &cx.collection_vars),
        };
        let mut all: BTreeSet<String> = of.clone();
        if *scope == "collection" {
            all.extend(cx.set_vars.entries().into_iter().map(|(k, _)| k));
        }
        // One the export gives a value (a base URL) is configuration the user may give with
        // `--var`, which a `set:` would outrank: it keeps its value (in Postman an environment
        // holding it would show through).
        let configured = |n: &String| cx.collection_configured.contains(n);
        names.extend(
            all.into_iter()
                .filter(|n| !other.contains(n) && !configured(n)),
        );
    }
    names.sort();
    names.dedup();
    names
}

/// `{{name}}` as the export wrote it, as text yarc sends unchanged.
fn as_written(cx: &Ctx<'_>, name: &str) -> String {
    let written = cx
        .written
        .get(name)
        .cloned()
        .unwrap_or_else(|| format!("{{{{{name}}}}}"));
    super::vars::text_expr(&written)
}

/// Gives every request whose URL starts with `{{ name }}` a `skip:` that holds while the
/// variable is empty, with a reason saying so.
/// The summary's lines gathered over the whole export, one for each kind.
fn gathered_notes(cx: &mut Ctx<'_>) {
    let notes = no_scheme_note(&cx.no_scheme)
        .into_iter()
        .chain(shadowed_note(cx))
        .chain(redeclared_notes(&cx.redeclared));
    let notes: Vec<String> = notes.collect();
    cx.report.notes.extend(notes);
}

/// One line for each set of names scripts declare again, naming the first few scripts.
fn redeclared_notes(all: &[(String, String)]) -> Vec<String> {
    let mut by_names: Vec<(&str, Vec<&str>)> = Vec::new();
    for (names, whose) in all {
        match by_names.iter_mut().find(|(n, _)| n == names) {
            Some((_, list)) => list.push(whose),
            None => by_names.push((names, vec![whose])),
        }
    }
    let why = "with `const`/`let`, a name Postman's sandbox already has (or one an earlier script assigned without declaring it, which it keeps for the rest of the run): Newman fails that whole script before any of it runs (\"Identifier ... has already been declared\"); the import converts none of it either and writes `fail:` on the requests it runs for, as Newman fails them — rename it in Postman and import again";
    (by_names.into_iter())
        .map(|(names, list)| match list.as_slice() {
            [one] => format!("{one}'s script declares {names} {why}"),
            _ => {
                let shown: Vec<&str> = list.iter().take(3).copied().collect();
                let more = match list.len() - shown.len() {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                format!(
                    "{} scripts declare {names} {why} ({}{more})",
                    list.len(),
                    shown.join(", ")
                )
            }
        })
        .collect()
}

/// One line for every request whose URL has no scheme, naming the first few.
fn no_scheme_note(names: &[String]) -> Option<String> {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    Some(match names.len() {
        0 => return None,
        1 => format!(
            "request {}: the URL has no scheme; Postman sends it with http://, and so does the collection",
            shown[0]
        ),
        n => format!(
            "{n} requests' URLs have no scheme ({}{}): Postman sends them with http://, and so does the collection",
            shown.join(", "),
            match n - shown.len() {
                0 => String::new(),
                more => format!(" and {more} more"),
            }
        ),
    })
}

/// URL-start variables every value of which is a host with no scheme (`localhost:3000`):
/// Newman sends those over http://, yarc needs the scheme written.
fn schemeless_bases(cx: &Ctx<'_>) -> Vec<String> {
    cx.url_starts
        .iter()
        .filter(|name| {
            cx.values.get(*name).is_some_and(|values| {
                !values.is_empty()
                    && values.iter().all(|v| {
                        let v = v.trim();
                        !v.is_empty() && !v.contains("://") && looks_like_host(v)
                    })
            })
        })
        .cloned()
        .collect()
}

/// `localhost:3000`, `127.0.0.1:8001/api`, `api.example.com`, `jira`: a host (and port and
/// path) — not a placeholder for a whole base URL (`JIRA_BASEURL_VALUE`, `<your server>`),
/// which a user fills in with its scheme.
fn looks_like_host(v: &str) -> bool {
    let host = v.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let label = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.');
    host.parse::<std::net::IpAddr>().is_ok()
        || (!host.is_empty()
            && host.chars().all(label)
            && (host.contains('.') || !host.chars().any(|c| c.is_ascii_uppercase())))
}

/// Writes `http://` before every request URL that starts with `{{ name }}` when the
/// variable has no scheme of its own; how many.
fn add_scheme(items: &mut Y, name: &str) -> usize {
    let start = format!("{{{{ {name} }}}}");
    let mut n = 0;
    each_request(items, &mut |item| {
        if let Some(Y::Str(u)) = item.get_mut("url")
            && u.starts_with(&start)
            && !u[start.len()..].starts_with("://")
        {
            // Set to a whole URL (`--var base=https://...`), the variable is used as given.
            let with = format!("{{{{ {name} if \"://\" in {name} else \"http://\" ~ {name} }}}}");
            u.replace_range(..start.len(), &with);
            n += 1;
        }
    });
    n
}

/// A variable that starts URLs, left empty by the collection and every environment and set
/// by a script line that was kept (`pm.environment.set("report_url", item.url)` in a loop):
/// the requests it starts are skipped until it has a value — sent, they have no URL (Newman
/// fails each), and `check` would refuse the whole collection for them.
fn empty_url_starts(variables: &Y, cx: &mut Ctx<'_>) {
    let defined = variables.entries();
    for name in cx.url_starts.clone() {
        let collection_empty = defined
            .iter()
            .find(|(k, _)| k == &name)
            .is_none_or(|(_, v)| matches!(v, Y::Str(t) if t.is_empty()));
        let set_later = cx.runtime.contains(&name)
            && !cx.captured_at.contains_key(&name)
            && !cx.given.contains(&name);
        // No environment gives it a value (an environment may not name it at all).
        let env_empty = !cx.valued_in_some_env.contains(&name);
        // Held back already, as a variable the export does not declare (`set_at_run_time`).
        let held = cx.skip_until_set.iter().any(|(n, _)| *n == name);
        if !(env_empty && collection_empty && set_later) || held {
            continue;
        }
        cx.skip_until_set.push((
            name.clone(),
            format!("`{name}` is set by a script yarc does not run: capture it, or set it, to run this request"),
        ));
        cx.report.notes.push(format!(
            "`{name}` starts URLs but no environment gives it a value and only a script line that was kept sets it: the requests that use it are skipped until it is given a value"
        ));
    }
}

/// The requests a script's unconditional jump passes over (`setNextRequest("Create batch
/// group")` at the end of a login's test script, past a token refresh): Newman never runs
/// them, so they are skipped, saying so. A request some jump names ends the span: the run
/// may reach it, and what follows it, that way.
fn skip_jumped_over(items: &mut Y, cx: &mut Ctx<'_>) {
    if cx.computed_jumps {
        return;
    }
    let mut order = Vec::new();
    leaf_names(items, &mut order);
    let named = |u: &String| cx.export_names.get(u);
    let mut skipped: HashMap<String, String> = HashMap::new();
    for (from, target) in &cx.jumps_always {
        let Some(at) = order.iter().position(|u| u == from) else {
            continue;
        };
        // Newman jumps to the first request of that name: a later one only.
        let Some(to) = order.iter().position(|u| named(u) == Some(target)) else {
            continue;
        };
        let mut passed = 0;
        let mut last_skipped = false;
        for u in order.get(at + 1..to).unwrap_or_default() {
            match named(u) {
                Some(n) if cx.jumped_to.contains(n) => break,
                // A request a script sends goes with the one before it.
                None if !last_skipped => continue,
                _ => {}
            }
            last_skipped = true;
            passed += usize::from(named(u).is_some());
            let why = format!(
                "request `{from}`'s script always jumps to `{target}` (setNextRequest): Newman does not run this one"
            );
            skipped.entry(u.clone()).or_insert(why);
        }
        if passed > 0 {
            cx.report.notes.push(format!(
                "`setNextRequest(\"{target}\")` ends the script of `{from}`: the {passed} request(s) it passes over are skipped, as Newman does not run them"
            ));
        }
    }
    if !skipped.is_empty() {
        mark_skipped(items, &skipped);
    }
}

/// The names of the requests below `items`, in the file's order.
fn leaf_names(items: &Y, out: &mut Vec<String>) {
    let Y::Seq(list) = items else { return };
    for item in list {
        let Y::Map(entries) = item else { continue };
        if let Some((_, inner)) = entries.iter().find(|(k, _)| k == "requests") {
            leaf_names(inner, out);
        } else if let Some((_, Y::Str(n))) = entries.iter().find(|(k, _)| k == "name") {
            out.push(n.clone());
        }
    }
}

/// `skip:` with its reason on each request named in `skipped` that has none yet.
fn mark_skipped(items: &mut Y, skipped: &HashMap<String, String>) {
    each_request(items, &mut |item| {
        let why = for_name(item, skipped);
        // Passed over whatever its own `skip:` says (a script's condition): Newman never
        // reaches it.
        if let (Some(why), Y::Map(entries)) = (why, item) {
            entries.retain(|(k, _)| k != "skip");
            entries.insert(1, ("skip".into(), Y::str(super::vars::literal(&why))));
        }
    });
}

fn skip_until_set(items: &mut Y, name: &str, why: &str) {
    let start = format!("{{{{ {name} }}}}");
    each_request(items, &mut |item| {
        let starts = matches!(item.get_mut("url"), Some(Y::Str(u)) if u.starts_with(&start));
        if !starts || item.get_mut("skip").is_some() {
            return;
        }
        let skip = format!(
            "{{{{ {} if not {name} else \"\" }}}}",
            serde_json::to_string(why).unwrap_or_default()
        );
        if let Y::Map(entries) = item {
            entries.insert(1, ("skip".into(), Y::str(skip)));
        }
    });
}

/// The editor modeline: VS Code's YAML extension completes and validates with yarc's schema,
/// which the importer writes to `.yarc/` in the output folder (`up` leads there).
pub(crate) fn modeline(kind: &str, up: &str) -> String {
    format!("# yaml-language-server: $schema={up}.yarc/{kind}.schema.json\n")
}

/// Whether an exported variable holds a secret: by its name, Postman's "secret" type, or a
/// value shaped like a credential (`stripe: sk_live_...`).
fn secret_variable(key: &str, v: &Value, by_use: &HashSet<String>) -> bool {
    let value = v.get("value").and_then(Value::as_str);
    by_use.contains(&ident(key))
        || (looks_secret(key) && !value.is_some_and(super::credential::no_credential))
        || v.get("type").and_then(Value::as_str) == Some("secret")
        || v.get("value")
            .and_then(Value::as_str)
            .is_some_and(looks_credential)
}

fn variables(list: Option<&Value>, cx: &mut Ctx<'_>) -> Y {
    let mut vars = Y::map();
    for v in list.and_then(Value::as_array).into_iter().flatten() {
        if v.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(key) = v.get("key").and_then(Value::as_str) else {
            continue;
        };
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        // A plain value equal to a secret's (a password that is the user name) would write
        // the secret: it is one too — unless it is as short as a placeholder (`admin`, which a
        // collection's own variables hold as often as a password does).
        let shares = value.as_str().is_some_and(|t| {
            t.len() >= 8 && !t.contains("{{") && cx.secret_values.values().any(|s| s == t)
        });
        let secret = shares || secret_variable(key, v, &cx.credential_vars);
        cx.report.variables += 1;
        if secret
            && cx.runtime.contains(&ident(key))
            && value
                .as_str()
                .is_some_and(|v| v.is_empty() || placeholder(v))
        {
            // Empty, or the template's own `<your_access_token>`, holds no secret: it is the
            // starting value a guarded capture keeps, and what Newman sends until then.
            vars.set(
                ident(key),
                Y::str(cx.text(value.as_str().unwrap_or_default())),
            );
            continue;
        }
        let runtime = secret && cx.runtime.contains(&ident(key));
        if runtime {
            // Newman starts with the exported value until the script sets it (a kept script
            // line never does in yarc): the secret, which may stay unset.
            vars.comment(format!(
                "`{}` is set at run time by a script (a capture or a kept script line); until then the secret, which may be left unset",
                ident(key)
            ));
        }
        let y = match value {
            _ if secret => {
                let env = env_name(key);
                cx.report.secrets.insert(env.clone());
                let source = SecretSource {
                    whose: cx.whose.clone(),
                    field: "variable",
                    key: key.to_string(),
                };
                cx.report.secret_from.entry(env.clone()).or_insert(source);
                match value.as_str().unwrap_or_default() {
                    _ if runtime => Y::str(super::vars::optional_secret_ref(&env)),
                    "" => Y::str(super::vars::empty_secret_ref(&env)),
                    _ => Y::str(secret_ref(&env)),
                }
            }
            Value::String(s) => {
                let text = cx.text(&s);
                cx.values
                    .entry(ident(key))
                    .or_default()
                    .insert(text.clone());
                Y::str(text)
            }
            other => Y::from_json(&other),
        };
        vars.set(ident(key), y);
    }
    vars
}

fn environment(env: &Value, cx: &mut Ctx<'_>) -> Result<(String, String, String), String> {
    let env = match env.get("environment") {
        Some(inner) if env.get("values").is_none() && inner.get("values").is_some() => inner,
        _ => env,
    };
    let name = env
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("environment")
        .to_string();
    let values = env
        .get("values")
        .ok_or_else(|| format!("environment `{name}` has no `values`"))?;
    let mut doc = Y::map();
    doc.comment(format!(
        "Imported from the Postman environment \"{name}\". Secrets are not copied: they are read\nwith secret(\"NAME\") from the process environment or a .env file."
    ));
    doc.set("name", Y::str(&name));
    cx.whose = format!("environment `{name}`");
    // A value the export marks `enabled: false` (unticked in Postman) is one Newman resolves
    // all the same: it is imported like the others.
    let mut vars = variables(Some(values), cx);
    // The token an `oauth2` block now fetches, left empty in the export: nothing to set (as a
    // secret, an unset one would refuse the run for a value nothing reads).
    for (var, _) in cx.token_vars.iter().chain(&cx.token_vars_after) {
        let empty = super::vars::empty_secret_ref(&env_name(var));
        if matches!(vars.get_mut(var), Some(Y::Str(t)) if *t == empty) {
            vars.set(var.clone(), Y::str(""));
        }
    }
    let keys: BTreeSet<String> = vars.entries().into_iter().map(|(k, _)| k).collect();
    cx.in_every_env = Some(match cx.in_every_env.take() {
        Some(before) => before.intersection(&keys).cloned().collect(),
        None => keys,
    });
    cx.valued_in_some_env.extend(
        vars.entries()
            .into_iter()
            .filter(|(_, v)| !matches!(v, Y::Str(t) if t.is_empty()))
            .map(|(k, _)| k),
    );
    doc.set("variables", vars);
    let slug = crate::snapshot::slug(&name);
    Ok((
        format!("environments/{slug}.yaml"),
        modeline("environment", "../") + &yaml_out::to_string(&doc),
        slug,
    ))
}

/// A collection's or folder's scripts: assertions for every request below, variables, and
/// the blocks that were not converted.
#[derive(Default)]
struct Scope {
    expect: Y,
    variables: Y,
    /// Pre-request `set()`s: `defaults.set`, given before every request below.
    sets: Y,
    /// Headers a pre-request script adds: `defaults.headers`.
    headers: Y,
    /// Those, each with whether it is an `upsert` (see [`Ctx::added_each`]).
    added: Vec<(String, Y, bool)>,
    /// Query parameters a pre-request script adds: `defaults.query`.
    query: Y,
    /// The `oauth2` block a token request in the scope's pre-request script becomes, and the
    /// variable the script stored the token in.
    oauth2: Option<(Y, String)>,
    blocks: Vec<String>,
    /// Requests the scope's scripts send (`pm.sendRequest`): once, before its first request
    /// (pre-request) or after its last (test), where Postman sends them around every request.
    before: Vec<Y>,
    after: Vec<Y>,
    /// Requests its pre-request script sends each time it runs: before every request below,
    /// as Postman sends them.
    each: Vec<Y>,
    /// Why Newman fails every request below (a script of the scope it cannot run).
    fail: Vec<String>,
    /// Its `protocolProfileBehavior` as yarc keys (`follow_redirects`, `max_redirects`):
    /// `defaults` of every request below.
    behaviour: Y,
    /// Its pre-request script's `pm.execution.skipRequest()`, always or under a condition:
    /// the `skip:` of every request below.
    skip: Option<String>,
}

impl Scope {
    fn add(&mut self, mut s: Script, phase: Phase, whose: &str, cx: &mut Ctx<'_>) {
        hide_literal_secrets(&mut s, cx);
        drop_shadowed_sets(&mut s, cx);
        self.skip = self.skip.take().or(s.skip.take());
        if let Y::Map(entries) = s.expect.clone() {
            if !entries.is_empty() && self.expect.is_empty_map() {
                self.expect = Y::map();
            }
            for (k, v) in entries {
                merge_into(&mut self.expect, &k, v);
            }
        }
        for (k, v) in s.variables.entries() {
            self.variables.set(k, v);
        }
        note_script_reads(cx, &s);
        for (k, v) in s.sets.entries() {
            // The collection's `defaults.set` gives a value before every request; a folder's
            // only from its first request on: a request before the folder still needs one.
            match whose {
                "collection" => {
                    cx.given.insert(k.clone());
                }
                _ => {
                    cx.set_at.entry(k.clone()).or_insert(cx.request_no + 1);
                }
            }
            self.sets.set(k, v);
        }
        for (k, v) in s.headers.entries() {
            let removed = s.replaced.iter().any(|r| r.eq_ignore_ascii_case(&k));
            let upsert = s.upserted.contains(&k) || removed;
            self.added.push((k.clone(), v.clone(), upsert));
            self.headers.set(k, v);
        }
        for (k, v) in s.query.entries() {
            self.query.set(k, v);
        }
        if let Some((block, var)) = s.oauth2.clone() {
            self.oauth2 = Some((block.clone(), var.clone()));
            cx.report.auth.insert(format!(
                "oauth2 from the token request of {whose}'s pre-request script, replacing `{var}`"
            ));
            cx.token_vars.push((var, block));
        }
        cx.helper_vars.extend(s.helpers.iter().cloned());
        if let Some(b) = count(&s, phase, whose, cx) {
            self.blocks.push(b);
        }
        if phase == Phase::ScopeTest {
            scope_unchecked(&mut s, whose, cx);
        }
        unconverted_rewrite(&s, phase, whose, cx);
        self.fail.append(&mut cx.fail);
        let every_time = std::mem::take(&mut s.every_time);
        for (i, mut sent) in s.requests.into_iter().enumerate() {
            // A request with no word on it is sent once (never dropped, as a zip would).
            let each = every_time.get(i).copied().unwrap_or(false);
            if each && phase == Phase::PreRequest {
                let named = sent_request(sent, whose, cx);
                self.each.push(named);
                continue;
            }
            let when = match phase {
                Phase::PreRequest => "before its first request",
                _ => "after its last request",
            };
            let guard = match sent.get_mut("skip") {
                Some(_) => "its `if (...) return` guard is its `skip:`, read then",
                None => "a guard such as `if (token) return` is left as a comment",
            };
            let named = sent_request(sent, whose, cx);
            cx.report.notes.push(format!(
                "a request {whose}'s script sends runs once, {when} (Postman sends it around every request there; {guard})"
            ));
            match phase {
                Phase::PreRequest => self.before.push(named),
                _ => self.after.push(named),
            }
        }
    }

    /// The scope's requests with the ones its scripts send around them; those below it
    /// skipped when its pre-request script skips them.
    fn around(&mut self, mut requests: Vec<Y>) -> Vec<Y> {
        if let Some(skip) = self.skip.take() {
            let mut list = Y::Seq(requests);
            each_request(&mut list, &mut |item| add_skip(item, &skip));
            requests = match list {
                Y::Seq(l) => l,
                _ => Vec::new(),
            };
        }
        let mut out = std::mem::take(&mut self.before);
        out.extend(requests);
        out.append(&mut self.after);
        out
    }
}

/// The auth of a collection or folder whose pre-request script fetches a token: the `oauth2`
/// block when the scope's own auth sends that token, or when it has none and something below
/// reads the token's variable; else its own auth (a request that sends the token in its
/// header or bearer auth still gets the block). A token nothing sends is not fetched.
fn scope_auth(
    fetched: Option<(Y, String)>,
    own: Option<Y>,
    node: &Value,
    whose: &str,
    cx: &mut Ctx<'_>,
) -> Option<Y> {
    let (block, var) = match fetched {
        None => return own,
        Some(f) => f,
    };
    if own.as_ref() == Some(&block) || (own.is_none() && mentions(node, &var, true)) {
        return Some(block);
    }
    if !mentions(node, &var, true) {
        cx.report
            .auth
            .retain(|a| !(a.contains(whose) && a.contains(&format!("`{var}`"))));
        cx.report.notes.push(format!(
            "the token {whose}'s pre-request script fetches into `{var}` is sent by no request: the token request was left out"
        ));
    }
    own
}

/// Whether anything of a collection or folder (its own scripts left out) names the variable:
/// `{{var}}` in a request, or the name quoted in a script (`pm.environment.get("var")`).
fn mentions(node: &Value, var: &str, top: bool) -> bool {
    match node {
        Value::String(s) => {
            static NAMES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            let names = NAMES.get_or_init(|| {
                regex::Regex::new(r#"\{\{\s*([^{}]+?)\s*\}\}|["'`]([^"'`\s]+)["'`]"#)
                    .expect("valid regex")
            });
            names.captures_iter(s).any(|c| {
                c.get(1)
                    .or(c.get(2))
                    .is_some_and(|m| ident(m.as_str()) == var)
            })
        }
        Value::Array(list) => list.iter().any(|v| mentions(v, var, false)),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| !(top && k == "event") && mentions(v, var, false)),
        _ => false,
    }
}

/// A request a script sends, named after whose script it is.
fn sent_request(sent: Y, whose: &str, cx: &mut Ctx<'_>) -> Y {
    let mut named = Y::map();
    let name = cx.unique_name(&format!("{whose} — sent by its script"));
    named.set("name", Y::str(name));
    // Postman sends it as the script wrote it: no collection or folder auth, no header or
    // query another script added to the requests, no collection test on its response.
    named.set("inherit", Y::Bool(false));
    if let Y::Map(entries) = sent {
        for (k, mut v) in entries {
            match k.as_str() {
                "headers" => hide_header_secrets(&mut v, cx),
                // `JSON.stringify({ password: "..." })`: a literal the script holds.
                "json" | "form" => hide_field_secrets(&mut v, "script", cx),
                _ => {}
            }
            named.set(k, v);
        }
    }
    note_reads(cx, &named, Reader::Request);
    cx.report.sent_requests += 1;
    named
}

/// A header's literal credential as a `secret()` reference: the value of a secret-looking
/// header (`X-Api-Key`) or `Cookie`, a value shaped like a credential under any name
/// (`X-Custom: sk_live_...`), the credential after an `Authorization` header's scheme (`Bearer
/// {{ secret('AUTHORIZATION') }}`). `None`: nothing to hide (a template, an empty value, any
/// other header).
fn hidden_header(name: &str, value: &str, cx: &mut Ctx<'_>) -> Option<String> {
    let credential = ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h));
    if value.contains("{{") && credential {
        return hidden_literals(name, value, cx);
    }
    if value.contains("{{") || value.trim().is_empty() || super::credential::no_credential(value) {
        return None;
    }
    let field = ("header", name);
    let cookie = name.eq_ignore_ascii_case("cookie");
    if looks_secret(name) || cookie || looks_credential(value) {
        return Some(cx.secret_or_text(value, &env_name(name), field));
    }
    let authorization = ["authorization", "proxy-authorization"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h));
    if !authorization {
        return None;
    }
    // The user copies what follows the scheme: the whole value would send `Bearer Bearer x`.
    let after = ("credential after the scheme of the header", name);
    Some(match value.trim().split_once(' ') {
        // `Bearer **********`: a mask the export shows, no credential.
        Some((_, credential)) if super::credential::no_credential(credential) => return None,
        Some((scheme, credential)) if !credential.trim().is_empty() => format!(
            "{scheme} {}",
            cx.secret_or_text(credential.trim(), &env_name(name), after)
        ),
        _ => cx.secret_or_text(value.trim(), &env_name(name), field),
    })
}

/// The text literals of the expressions a script made a credential header of (`Basic {{
/// (("bob" ~ ":") ~ "pw-4001") | base64_encode }}`, from `btoa(user + ":" + pw)`), each of 4
/// characters or more as a `secret()` reference: the import never writes a password.
fn hidden_literals(name: &str, value: &str, cx: &mut Ctx<'_>) -> Option<String> {
    static LITERAL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = LITERAL.get_or_init(|| regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).expect("valid"));
    let mut out = String::new();
    let mut rest = value;
    let mut changed = false;
    while let Some(open) = rest.find("{{") {
        let close = rest[open..].find("}}").map_or(rest.len(), |c| open + c + 2);
        out.push_str(&rest[..open]);
        let expr = &rest[open..close];
        let mut last = 0;
        for m in re.find_iter(expr) {
            let text: String = serde_json::from_str(m.as_str()).unwrap_or_default();
            // `"bob:"`: a user name and its colon, no credential.
            let user = text.ends_with(':') && text.matches(':').count() == 1;
            if user || text.chars().count() < 4 || !text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let reference = cx.secret_or_text(&text, &env_name(name), ("header", name));
            let call = reference.trim_start_matches("{{ ").trim_end_matches(" }}");
            out.push_str(&expr[last..m.start()]);
            out.push_str(call);
            last = m.end();
            changed = true;
        }
        out.push_str(&expr[last..]);
        rest = &rest[close..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The literal credentials of headers a script writes (added to the request, or of a request
/// it sends), hidden as the export's own headers are.
fn hide_header_secrets(headers: &mut Y, cx: &mut Ctx<'_>) {
    let Y::Map(entries) = headers else {
        return;
    };
    for (k, v) in entries.iter_mut() {
        if let Y::Str(text) = v
            && let Some(hidden) = hidden_header(k, text, cx)
        {
            *v = Y::str(hidden);
        }
    }
}

/// The credentials of a body's fields (`password`, `client_secret`, a `sk_live_...` value, at
/// any depth) as `secret()` references; `field` says what kind of field for the summary.
fn hide_field_secrets(body: &mut Y, field: &'static str, cx: &mut Ctx<'_>) {
    match body {
        Y::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                match v {
                    Y::Str(text) if super::credential::field_credential(k, text) => {
                        *v = Y::str(cx.secret_or_text(text, &env_name(k), (field, k)));
                    }
                    _ => hide_field_secrets(v, field, cx),
                }
            }
        }
        Y::Seq(items) => items
            .iter_mut()
            .for_each(|i| hide_field_secrets(i, field, cx)),
        _ => {}
    }
}

/// A secret a script holds as a literal — the token request's `client_secret`, a
/// `set("api_key", "...")` — becomes a `secret()` reference, as the export's own values do:
/// the import never writes it.
fn hide_literal_secrets(s: &mut Script, cx: &mut Ctx<'_>) {
    let hide = |key: &str, y: &mut Y, cx: &mut Ctx<'_>| {
        // "null": what a set of a missing value leaves — no credential.
        if let Y::Str(v) = y
            && !v.is_empty()
            && v != "null"
            && !v.contains("{{")
        {
            *y = Y::str(cx.secret_or_text(v, &env_name(key), ("script", key)));
        }
    };
    if let Some((Y::Map(auth), _)) = &mut s.oauth2
        && let Some((_, Y::Map(o))) = auth.first_mut()
    {
        for (k, v) in o.iter_mut() {
            match (k.as_str(), v) {
                ("client_secret", v) => hide(k, v, cx),
                ("params", Y::Map(params)) => {
                    for (pk, pv) in params.iter_mut().filter(|(pk, _)| looks_secret(pk)) {
                        hide(pk, pv, cx);
                    }
                }
                _ => {}
            }
        }
    }
    // A header or query parameter a script adds is named as the export's own are.
    hide_header_secrets(&mut s.headers, cx);
    for map in [&mut s.variables, &mut s.sets, &mut s.query] {
        if let Y::Map(entries) = map {
            let credential =
                |k: &str, v: &Y| looks_secret(k) || matches!(v, Y::Str(t) if looks_credential(t));
            for (k, v) in entries.iter_mut().filter(|(k, v)| credential(k, v)) {
                hide(k, v, cx);
            }
        }
    }
}

/// `expect.json` from two scripts: the maps are merged, not replaced.
fn merge_into(map: &mut Y, key: &str, value: Y) {
    match (map.get_mut(key), value) {
        (Some(Y::Map(_)), Y::Map(inner)) => {
            let target = map.child(key);
            for (k, v) in inner {
                target.set(k, v);
            }
        }
        // `cases:` of two scripts of one scope: each holds.
        (Some(Y::Seq(held)), Y::Seq(more)) => held.extend(more),
        (_, v) => map.set(key, v),
    }
}

/// `collection` as a sentence names it: "the collection" (a folder or request is named).
fn the(whose: &str) -> String {
    match whose {
        "collection" => "the collection".into(),
        other => other.into(),
    }
}

/// A credential the import made a secret, copied elsewhere as written: a script's set() or
/// check of the body field it sent (`set("pw", JSON.parse(pm.request.body.raw).password)`), a
/// check of the header it sent, a kept script line. Each copy reads the secret instead (a
/// comment names it), so the literal is in no file the import writes. What a request sends
/// (its URL, headers, body, auth) was judged field by field where it was written: a user name
/// that happens to equal the password stays as it is there.
fn hide_copied_secrets(doc: &mut Y, report: &mut Report, secrets: &HashMap<String, String>) {
    // A placeholder (`<add your apiKey>`) is no credential: a check that a variable is no
    // longer it must stay as written.
    let placeholder = |v: &str| v.contains(['<', '>', ' ']) || v == "null";
    let mut known: Vec<(&str, &str)> = secrets
        .iter()
        .filter(|(_, v)| !v.is_empty() && !placeholder(v))
        .map(|(n, v)| (v.as_str(), n.as_str()))
        .collect();
    // The longest first: a secret that holds another is replaced whole.
    known.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(b.1)));
    if known.is_empty() {
        return;
    }
    let hider = Hider::new(known);
    hider.walk(doc, None);
    for kept in &mut report.kept {
        kept.2 = hider.in_text(&kept.2, 6, false);
    }
}

/// The secrets named apart that a hidden copy reads: listed for the user to set, as others.
fn secrets_named_apart(doc: &Y, cx: &mut Ctx<'_>) {
    if cx.secrets_apart.is_empty() {
        return;
    }
    let text = super::yaml_out::to_string(doc);
    for (name, source) in &cx.secrets_apart {
        if text.contains(&format!("secret('{name}')")) && cx.report.secrets.insert(name.clone()) {
            cx.report
                .secret_from
                .entry(name.clone())
                .or_insert_with(|| source.clone());
        }
    }
}

/// A secret as JavaScript's `encodeURIComponent` writes it, and a template that writes the
/// same from `secret()`: minijinja's `urlencode`, then each character it writes otherwise
/// written as JavaScript does. None when encoding changes nothing.
fn percent_encoded(value: &str, name: &str) -> Option<(String, String)> {
    let js = |c: char| {
        let keep = c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c);
        let mut buf = [0u8; 4];
        match keep {
            true => c.to_string(),
            false => c
                .encode_utf8(&mut buf)
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect(),
        }
    };
    let env = minijinja::Environment::new();
    let mj = |c: char| {
        env.render_str(
            "{{ v | urlencode }}",
            minijinja::context! { v => c.to_string() },
        )
        .unwrap_or_default()
    };
    let encoded: String = value.chars().map(js).collect();
    if encoded == value {
        return None;
    }
    let mut template = format!("secret('{name}') | urlencode");
    let mut seen = BTreeSet::new();
    for c in value.chars().filter(|c| seen.insert(*c)) {
        let (theirs, ours) = (mj(c), js(c));
        if theirs != ours {
            let text = |t: &str| serde_json::to_string(t).unwrap_or_default();
            template.push_str(&format!(" | replace({}, {})", text(&theirs), text(&ours)));
        }
    }
    Some((encoded, format!("{{{{ {template} }}}}")))
}

/// Secret values (the longest first) and their names, for [`hide_copied_secrets`].
struct Hider<'a> {
    known: Vec<(&'a str, &'a str)>,
    /// Each secret of 6 characters or more as `encodeURIComponent` writes it, and the template
    /// that writes the same ([`percent_encoded`]), made once for every text walked.
    encoded: Vec<(String, String)>,
}

impl<'a> Hider<'a> {
    fn new(known: Vec<(&'a str, &'a str)>) -> Self {
        let encoded = (known.iter())
            .filter(|(v, _)| v.len() >= 6)
            .filter_map(|(v, n)| percent_encoded(v, n))
            .collect();
        Hider { known, encoded }
    }

    /// `t` with each secret of at least `min` characters in it read (`{{ secret('X') }}`) or,
    /// in a comment, named.
    fn in_text(&self, t: &str, min: usize, read: bool) -> String {
        self.known.iter().filter(|(v, _)| v.len() >= min).fold(
            t.to_string(),
            |t, (v, n)| match read {
                true => t.replace(v, &super::vars::secret_ref(n)),
                false => t.replace(v, &format!("secret('{n}')")),
            },
        )
    }

    /// `t` with each percent-encoded copy of a secret read through `urlencode`, and each
    /// base64 word whose text holds one (`Basic aHItdXNlcjpwQHNz...` of `hr-user:p@ss...`) made
    /// again from that text with the secret read.
    fn in_encodings(&self, t: &str) -> String {
        use base64::Engine;
        static WORD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let word = WORD
            .get_or_init(|| regex::Regex::new(r"[A-Za-z0-9+/]{12,}={0,2}").expect("valid regex"));
        let secrets = || self.known.iter().filter(|(v, _)| v.len() >= 6);
        let mut out = t.to_string();
        for (encoded, template) in &self.encoded {
            out = out.replace(encoded, template);
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        word.replace_all(&out, |c: &regex::Captures| {
            let whole = c[0].to_string();
            let Some(text) = b64
                .decode(&whole)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            else {
                return whole;
            };
            if b64.encode(&text) != whole || !secrets().any(|(v, _)| text.contains(v)) {
                return whole;
            }
            let mut pieces = vec![serde_json::to_string(&text).unwrap_or_default()];
            for (v, n) in secrets() {
                let literal = serde_json::to_string(v).unwrap_or_default();
                let read = format!("\" ~ secret('{n}') ~ \"");
                pieces = pieces
                    .iter()
                    .map(|p| p.replace(&literal[1..literal.len() - 1], &read))
                    .collect();
            }
            format!("{{{{ ({}) | base64_encode }}}}", pieces.concat())
        })
        .into_owned()
    }

    /// A template whose expressions hold a secret as a string literal (what a script's
    /// `btoa(user + ":" + "test123")` becomes): each such literal reads the secret instead.
    fn in_expressions(&self, t: &str) -> String {
        let mut out = String::with_capacity(t.len());
        let mut rest = t;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}").map(|c| open + c) else {
                break;
            };
            out.push_str(&rest[..open]);
            let expression = self
                .known
                .iter()
                .fold(rest[open..close].to_string(), |e, (v, n)| {
                    let literal = serde_json::to_string(v).unwrap_or_default();
                    e.replace(&literal, &format!("secret('{n}')"))
                });
            out.push_str(&expression);
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }

    /// `derived`: inside what a script made of the request (`expect`, `capture`, `set`,
    /// variables), where a copy of a secret (of at least that many characters) is hidden
    /// wherever it is.
    fn walk(&self, y: &mut Y, derived: Option<usize>) {
        const SENT: &[&str] = &[
            "url",
            "query",
            "headers",
            "json",
            "form",
            "multipart",
            "text",
            "body",
            "auth",
        ];
        match y {
            Y::Str(t) if let Some(min) = derived => {
                if let Some((_, n)) = self.known.iter().find(|(v, _)| v == t && v.len() >= min) {
                    *t = super::vars::secret_ref(n);
                } else if !t.contains("{{") {
                    // Inside a longer text (`Bearer env-tok`): the text as a template; so is
                    // a copy percent-encoded or in base64 (`Basic aHItdXNlcjpw...`).
                    *t = self.in_encodings(&self.in_text(t, 6, true));
                } else {
                    *t = self.in_expressions(t);
                }
            }
            Y::Comment(c) => *c = self.in_text(c, 6, false),
            Y::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    // A check's type is a word of the format (`type: string`), never a copy
                    // of a secret that happens to be that word.

                    let type_name = |t: &str| crate::model::JsonType::NAMES.contains(&t);
                    if k == "type" && matches!(v, Y::Str(t) if type_name(t)) {
                        continue;
                    }
                    // The collection's variables mix what the export defines (judged by the
                    // rules already: a user name equal to a short password stays) with what
                    // scripts set: a copy there is hidden when it is 8 characters or more.
                    let here = match k.as_str() {
                        "expect" | "capture" | "set" => Some(1),
                        "variables" => Some(8),
                        _ => None,
                    };
                    if derived.is_some() || here.is_some() || !SENT.contains(&k.as_str()) {
                        self.walk(v, derived.or(here));
                    }
                }
            }
            Y::Seq(items) => items.iter_mut().for_each(|v| self.walk(v, derived)),
            _ => {}
        }
    }
}

/// A script that reads a Node name the sandbox lacks: Newman runs it up to there, then fails
/// the request (a pre-request script's request is still sent).
fn undefined_read(u: &script::UndefinedRead, phase: Phase, whose: &str, cx: &mut Ctx<'_>) {
    if u.missing != script::Missing::Name {
        return sandbox_lacks(u, phase, whose, cx);
    }
    let (name, script) = (&u.name, phase.script());
    let fix = match (script::requirable(name), script::response_local(name)) {
        (true, _) => format!("add `const {name} = require('{name}')` before it in Postman"),
        (false, true) => format!(
            "declare `{name}` before it in Postman, say as `const {name} = pm.response.json()`"
        ),
        (false, false) => format!("rewrite it without `{name}` in Postman"),
    };
    cx.report.notes.push(format!(
        "{}'s {script} script reads `{name}`, a name Postman's sandbox does not have: Newman stops the script at its first read of it (ReferenceError) and fails the request; the import converts the script up to that line and writes `fail:` — {fix} and import again",
        the(whose)
    ));
    let why = format!(
        "Newman stops {}'s {script} script where it reads `{name}`, which is not defined in Postman's sandbox ({fix}, import again, and delete this line)",
        the(whose)
    );
    cx.fail_once(why);
}

/// A script that requires a module Postman's sandbox has not, or calls a lodash 4 function
/// on its global `_` (lodash 3): Newman stops the script there and fails the request.
fn sandbox_lacks(u: &script::UndefinedRead, phase: Phase, whose: &str, cx: &mut Ctx<'_>) {
    let (name, script, whose) = (&u.name, phase.script(), the(whose));
    let (what, error, fix) = match u.missing {
        script::Missing::Module => (
            format!("requires `{name}`, a module Postman's sandbox does not have"),
            "Error: Cannot find module",
            format!("rewrite it without `{name}` in Postman"),
        ),
        script::Missing::Undeclared | script::Missing::Called => (
            format!("reads `{name}`, which no script declares and Postman's sandbox does not have"),
            "ReferenceError",
            format!("declare `{name}` before it in Postman"),
        ),
        script::Missing::Early => (
            format!("reads `{name}` before the `let` or `const` that declares it"),
            "ReferenceError: Cannot access before initialization",
            format!("move the declaration of `{name}` above it in Postman"),
        ),
        _ => (
            format!("calls `_.{name}`, which Postman's global `_` (lodash 3) does not have"),
            "TypeError",
            format!("call it as `require('lodash').{name}(...)` (lodash 4) in Postman"),
        ),
    };
    cx.report.notes.push(format!(
        "{whose}'s {script} script {what}: Newman stops the script there ({error}) and fails the request; the import converts the script up to that line and writes `fail:` — {fix} and import again"
    ));
    cx.fail_once(format!(
        "Newman stops {whose}'s {script} script where it {what} ({fix}, import again, and delete this line)"
    ));
}

/// A script that runs a variable's code with `eval` (a signing library, shared tests): yarc
/// cannot run it, so the request says so rather than pass without what that code did.
fn evaluated(name: &str, phase: Phase, whose: &str, cx: &mut Ctx<'_>) {
    let script = phase.script();
    let fix = "do what that code does in yarc's terms (a header, a signature, checks) and delete the line";
    cx.report.shared.push(SharedNote {
        whose: the(whose),
        one: format!(
            "{}'s {script} script runs the code kept in `{name}` with `eval`: yarc cannot run it, so the import writes `fail:` on the requests it runs for — {fix}",
            the(whose)
        ),
        many: format!(
            "{{n}} {script} scripts ({{list}}) run the code kept in `{name}` with `eval`: yarc cannot run it, so the import writes `fail:` on the requests they run for — {fix}"
        ),
        detail: String::new(),
    });
    let why = format!(
        "the {script} script of {} runs the code in `{name}` with eval, which yarc cannot run: do what it does here (a header, a signature, checks) and delete this line",
        the(whose)
    );
    cx.fail_once(why);
}

/// A script's assertions and set() calls, seen and converted. A scope's script converted again
/// for each request it runs for is counted where it is first converted, as the export holds it
/// once (Duo's 4 set() calls were counted 644 times).
fn count_checks(s: &Script, phase: Phase, whose: &str, cx: &mut Ctx<'_>) {
    let scope = whose
        .split_once(", for request `")
        .map(|(scope, _)| format!("{scope} {phase:?}"));
    if !scope.is_none_or(|k| cx.counted_scopes.insert(k)) {
        return;
    }
    let r = &mut cx.report;
    r.assertions += s.assertions;
    r.assertions_seen += s.assertions_seen;
    r.captures += s.captures;
    r.sets_seen += s.sets_seen;
    r.variables_set += s.variables_set;
}

/// Adds a script's counts to the report; its block of kept lines as comment text, if any.
fn count(s: &Script, phase: Phase, whose: &str, cx: &mut Ctx<'_>) -> Option<String> {
    if !s.redeclared.is_empty() {
        let names: Vec<String> = s.redeclared.iter().map(|n| format!("`{n}`")).collect();
        let names = names.join(", ");
        cx.redeclared.push((names.clone(), whose.to_string()));
        let why = format!(
            "Newman cannot run {whose}'s {} script: it declares {names} again, a name Postman's sandbox already has; rename it and delete this line",
            phase.script()
        );
        cx.fail_once(why);
    }
    if s.awaits_at_top {
        cx.report.notes.push(format!(
            "{}'s script uses `await` outside an async function: Newman fails that whole script before any of it runs (Postman's app runs it); the import converts none of it either and writes `fail:` on the requests it runs for — wrap it in an `async` function, or convert it by hand",
            the(whose)
        ));
        let why = format!(
            "Newman cannot run {}'s {} script (`await` outside an async function) and yarc does not run it either: convert it by hand and delete this line",
            the(whose),
            phase.script()
        );
        cx.fail_once(why);
    }
    if let Some(u) = &s.undefined_read {
        undefined_read(u, phase, whose, cx);
    }
    // A vendor's token helper whose work was converted needs nothing of the user.
    if let Some(name) = s.evaluated.as_ref().filter(|n| !s.helpers.contains(n)) {
        evaluated(name, phase, whose, cx);
    }
    if s.reversed_schema {
        cx.report.notes.push(format!(
            "{}'s test script calls `ajv.validate(body, schema)`: ajv takes the schema first, so Postman validates nothing there (it passes whatever the response); the import validates the response against the schema, as meant — a response that does not match fails in yarc and passed in Postman",
            the(whose)
        ));
    }
    count_checks(s, phase, whose, cx);
    let r = &mut cx.report;
    r.converted_lines += s.converted_lines;
    r.kept_lines += s.kept.len();
    let kind = if phase == Phase::PreRequest {
        "pre-request"
    } else {
        "test"
    };
    for (line, text, why) in &s.kept {
        r.kept.push((
            format!("{whose} ({kind} script)"),
            *line,
            super::credential::masked(text).into_owned(),
            *why,
        ));
    }
    cx.runtime.extend(s.set_names.iter().cloned());
    if s.block.is_empty() {
        return None;
    }
    let mut text = format!(
        "postman {kind} script, not converted ({} of {} lines; reasons in `yarc import --report`):",
        s.kept.len(),
        s.kept.len() + s.converted_lines
    );
    for l in &s.block {
        text.push_str("\n  ");
        text.push_str(&super::credential::masked(l));
    }
    Some(text)
}

fn events(node: &Value, listen: &str, phase: Phase) -> Vec<(Vec<String>, Phase)> {
    node.get("event")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.get("listen").and_then(Value::as_str) == Some(listen)
                && e.get("disabled").and_then(Value::as_bool) != Some(true)
        })
        .filter_map(|e| e.get("script")?.get("exec"))
        .map(|exec| match exec {
            Value::Array(lines) => lines
                .iter()
                .filter_map(Value::as_str)
                .flat_map(str::lines)
                .map(str::to_string)
                .collect(),
            Value::String(s) => s.lines().map(str::to_string).collect(),
            _ => Vec::new(),
        })
        .map(|lines| (lines, phase))
        .collect()
}

/// Postman keeps a description as text or as `{ content, type }`.
fn description(d: Option<&Value>, cx: &mut Ctx<'_>) -> Option<Y> {
    let text = match d? {
        Value::String(s) => s.as_str(),
        other => other.get("content")?.as_str()?,
    };
    let text = text.replace("\r\n", "\n");
    let mut text = super::credential::masked(text.trim_end()).into_owned();
    // A secret the export holds, written out in the documentation beside it ("Password:
    // hasan123456"): masked, as every byte yarc writes keeps it.
    let shown =
        |v: &&String| v.len() >= 6 && (v.len() >= 12 || v.chars().any(|c| !c.is_alphabetic()));
    for v in cx.secret_values.values().filter(shown) {
        if text.contains(v.as_str()) {
            text = text.replace(v.as_str(), "•••••");
        }
    }
    if text.trim().is_empty() {
        return None;
    }
    cx.report.descriptions += 1;
    Some(Y::str(text))
}

/// An item and the requests its scripts send (`pm.sendRequest`): those of its pre-request
/// script before it, those of its test script after it.
/// The items of a collection or folder, each with the requests the scripts around it send.
fn scoped_items(items: &[Value], whose: &str, scope: &mut Scope, cx: &mut Ctx<'_>) -> Vec<Y> {
    cx.sent_each
        .push((whose.to_string(), std::mem::take(&mut scope.each)));
    cx.added_each.push(scope.added.clone());
    let out = items.iter().flat_map(|i| with_sent(i, cx)).collect();
    cx.sent_each.pop();
    cx.added_each.pop();
    out
}

/// The request's own headers, those the scopes' scripts add again, and its own script's.
fn request_headers(
    req: &Value,
    (from_script, added, removed): (&Y, &[String], &[String]),
    cx: &mut Ctx<'_>,
) -> Y {
    let mut headers = headers(req.get("header"), cx);
    if let Y::Map(entries) = &mut headers {
        entries.retain(|(k, _)| !removed.iter().any(|r| r.eq_ignore_ascii_case(k)));
    }
    let mut scopes: Vec<(String, Y, bool)> = cx.added_each.iter().flatten().cloned().collect();
    // Its own scripts run after the scopes'.
    for (k, v) in from_script.entries() {
        let upsert = !added.contains(&k);
        scopes.push((k, v, upsert));
    }
    added_again(&mut headers, &scopes);
    for (k, v) in from_script.entries() {
        let own = |n: &String| n.eq_ignore_ascii_case(&k);
        if !headers.entries().iter().any(|(n, _)| own(n)) {
            headers.set(k, v);
        }
    }
    headers
}

/// A header the request has that a collection's or folder's pre-request script adds again
/// (`pm.request.headers.add({ key: "Content-Type", ... })`): sent twice, the request's own
/// first, as Newman sends it (`X: [own, added]`); one it sets (`upsert`) is sent in its place.
fn added_again(headers: &mut Y, scripts: &[(String, Y, bool)]) {
    for (k, added, upsert) in scripts {
        let Y::Map(entries) = headers else { return };
        let Some((_, own)) = entries.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(k)) else {
            continue;
        };
        if *upsert {
            *own = added.clone();
            continue;
        }
        let mut both = match std::mem::replace(own, Y::Null) {
            Y::Seq(list) => list,
            one => vec![one],
        };
        both.push(added.clone());
        *own = Y::Seq(both);
    }
}

fn with_sent(node: &Value, cx: &mut Ctx<'_>) -> Vec<Y> {
    let main = item(node, cx);
    let mut out = match (&main, node.get("item")) {
        (Some(request), None) => sent_each(request, cx),
        _ => Vec::new(),
    };
    out.append(&mut cx.sent_before);
    out.extend(main);
    out.append(&mut cx.sent_after);
    out
}

/// What the scripts of the scopes around a request send each time they run, written before
/// it (Postman runs a collection's or folder's pre-request script before every request
/// below), each copy named for it.
fn sent_each(request: &Y, cx: &mut Ctx<'_>) -> Vec<Y> {
    let of = match request.get("name") {
        Some(Y::Str(n)) => n.clone(),
        _ => String::new(),
    };
    let each: Vec<(String, Y)> = (cx.sent_each.iter())
        .flat_map(|(whose, list)| list.iter().map(move |r| (whose.clone(), r.clone())))
        .collect();
    let mut out = Vec::new();
    for (whose, mut sent) in each {
        let name = cx.unique_name(&format!("{whose} — sent by its script before `{of}`"));
        sent.set("name", Y::str(name));
        out.push(sent);
    }
    out
}

/// The item's description (or its request's), when it has one.
fn described(r: &mut Y, node: &Value, req: &Value, cx: &mut Ctx<'_>) {
    let text = node.get("description").or_else(|| req.get("description"));
    if let Some(d) = description(text, cx) {
        r.set("description", d);
    }
}

fn item(node: &Value, cx: &mut Ctx<'_>) -> Option<Y> {
    if node.get("disabled").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let name = node.get("name").and_then(Value::as_str).unwrap_or("");
    if let Some(children) = node.get("item").and_then(Value::as_array) {
        return Some(folder(node, name, children, cx));
    }
    let req = node.get("request")?;
    cx.report.requests += 1;
    cx.request_no += 1;
    cx.current = Some(BTreeSet::new());
    let mut r = Y::map();
    let unique = cx.unique_name(name);
    cx.export_names.insert(unique.clone(), name.to_string());
    // The name the collection file gives it: several requests of one export may share a name.
    cx.whose = format!("request `{unique}`");
    r.set("name", Y::str(&unique));
    described(&mut r, node, req, cx);
    let method = method_of(req);
    (method != "GET").then(|| r.set("method", Y::str(&method)));
    let vars_before = cx.token_vars.len();
    let ItemScripts {
        blocks,
        mut expect,
        capture,
        sets,
        headers: script_headers,
        query,
        token,
        retry,
        repeat,
        exact_body,
        skip: script_skip,
        json_body,
        made_sent,
        added,
        removed,
        removed_query,
        upserted_query,
    } = item_scripts(node, name, &unique, cx);
    let url = sent_url(&item_url(req, &unique, cx), &removed_query, &upserted_query);
    r.set("url", Y::str(url));
    if !query.is_empty_map() {
        r.set("query", query);
    }
    let mut headers = request_headers(req, (&script_headers, &added, &removed), cx);
    cx.exact_body = exact_body;
    let mut body = item_body(node, req, &method, &mut headers, cx);
    let sets = made_first(&mut body, &made_sent, sets);
    cx.exact_body = false;
    if !headers.is_empty_map() {
        r.set("headers", headers);
    }
    set_body(&mut r, body, json_body);
    let own_auth = item_auth(req, name, cx);
    if let Some(a) = token.or(own_auth) {
        r.set("auth", a);
    }
    request_settings(node, name, &mut r, cx);
    let fetched: Vec<(String, Y)> = cx.token_vars.drain(vars_before..).collect();
    cx.token_vars_after.extend(fetched);
    skip_if_needed(&unique, script_skip, &mut r, cx);
    statuses_in_scopes(&mut expect, cx);
    fail_if_needed(&mut r, cx);
    settle_reads(cx, &capture, &sets);
    let given = |y: Y| (!y.is_empty_map()).then_some(y);
    for (key, value) in [
        ("set", given(sets)),
        ("retry", retry),
        ("repeat", repeat),
        ("expect", given(expect)),
        ("capture", given(capture)),
    ] {
        if let Some(v) = value {
            r.set(key, v);
        }
    }
    for b in blocks {
        r.comment(b);
    }
    Some(r)
}

/// Each made-up value of the JSON body a test script reads (`"email": "john.{{ random_int(0,
/// 1000) }}@x.io"`) made first, in its variable (`set: { sent_email: ... }`), and sent from
/// there (`"email": "{{ sent_email }}"`).
/// A body sent as written (a script reads its text) keeps its own: the variable is made
/// beside it, a value of its own.
fn made_first(body: &mut Option<(&'static str, Y)>, made: &[script::MadeSent], mut sets: Y) -> Y {
    for m in made {
        let field = match body {
            Some(("json", json)) => at_steps(json, &m.at),
            _ => None,
        };
        let value = match field {
            Some(Y::Str(made_up)) => std::mem::replace(made_up, format!("{{{{ {} }}}}", m.var)),
            _ => m.made.clone(),
        };
        sets.set(&m.var, Y::Str(value));
    }
    sets
}

/// The value at keys and indexes from the top of `y`.
fn at_steps<'y>(y: &'y mut Y, steps: &[Value]) -> Option<&'y mut Y> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(y);
    };
    let next = match (step, y) {
        (Value::String(k), y @ Y::Map(_)) => y.get_mut(k)?,
        (Value::Number(n), Y::Seq(items)) => items.get_mut(usize::try_from(n.as_u64()?).ok()?)?,
        _ => return None,
    };
    at_steps(next, rest)
}

/// The request's body, or the JSON body its pre-request script writes over the one the export
/// holds.
fn set_body(r: &mut Y, body: Option<(&'static str, Y)>, given: Option<Y>) {
    match (body, given) {
        (Some(("json", _)), Some(given)) => r.set("json", given),
        (Some((key, body)), _) => r.set(key, body),
        (None, _) => {}
    }
}

/// A request's own settings (`protocolProfileBehavior`) as its keys, or notes.
fn request_settings(node: &Value, name: &str, r: &mut Y, cx: &mut Ctx<'_>) {
    let whose = format!("request `{name}`");
    for (k, v) in behaviour(node, &whose, cx).entries() {
        r.set(k, v);
    }
}

/// `skip:` with the reasons the request cannot run as exported, if any; else the one its
/// pre-request script gives, if any.
fn skip_if_needed(unique: &str, by_script: Option<String>, r: &mut Y, cx: &mut Ctx<'_>) {
    if cx.skip.is_empty() {
        if let Some(skip) = by_script {
            skip_by_script(skip, r, cx);
        }
        return;
    }
    let why = std::mem::take(&mut cx.skip).join("; ");
    cx.report.skipped.push((unique.to_string(), why.clone()));
    if let Y::Map(entries) = r {
        entries.insert(1, ("skip".into(), Y::str(super::vars::literal(&why))));
    }
}

/// `skip:` from the request's pre-request script (`pm.execution.skipRequest()`), unless the
/// request is skipped already; what its condition reads is only asked whether it is set.
fn skip_by_script(skip: String, r: &mut Y, cx: &mut Ctx<'_>) {
    let Y::Map(entries) = r else { return };
    if entries.iter().any(|(k, _)| k == "skip") {
        return;
    }
    let skip = Y::str(skip);
    note_asked(cx, &skip);
    entries.insert(1, ("skip".into(), skip));
}

/// Notes what `y` reads as variables whose being unset is an answer (a `skip:` condition, a
/// bearer sent only while set), not a mistake: declared with a default, never required.
fn note_asked(cx: &mut Ctx<'_>, y: &Y) {
    let before = cx.script_reads.clone();
    note_reads(cx, y, Reader::Script);
    let read = cx
        .script_reads
        .difference(&before)
        .cloned()
        .collect::<Vec<_>>();
    cx.condition_reads.extend(read);
}

/// `fail:` with why Newman fails the request whatever it gets back, if it does.
/// Every status check of the request's scopes and its own holds in Newman (each test script
/// runs); yarc's defaults give the request's own status, or the innermost scope's. Where the
/// two differ, the request says the statuses all allow — and when none is, it fails, as it
/// does in Newman whatever the server answers (a collection's `status(200)` under a request's
/// `status(201)`).
fn statuses_in_scopes(expect: &mut Y, cx: &mut Ctx<'_>) {
    let own = expect.get("status").cloned();
    let Some(given) = own.as_ref().or(cx.scope_status.last()) else {
        return;
    };
    let every = cx.scope_status.iter().chain(own.as_ref());
    let (Some(given_codes), Some(all)) = (
        status_codes(given),
        every.map(status_codes).collect::<Option<Vec<_>>>(),
    ) else {
        return;
    };
    let held: BTreeSet<u16> = given_codes
        .into_iter()
        .filter(|c| all.iter().all(|codes| codes.contains(c)))
        .collect();
    if Some(&held) == status_codes(given).as_ref() {
        return;
    }
    match held.len() {
        0 => cx.fail.push(format!(
            "Newman fails it whatever it gets: its scripts check the status as {}",
            cx.scope_status
                .iter()
                .chain(own.as_ref())
                .map(status_said)
                .collect::<Vec<_>>()
                .join(" and ")
        )),
        1 => expect.set(
            "status",
            Y::Num(held.first().copied().unwrap_or(200).into()),
        ),
        _ => expect.set(
            "status",
            Y::Seq(held.into_iter().map(|c| Y::Num(c.into())).collect()),
        ),
    }
}

/// A written status as a sentence says it: `200`, `2xx`, `one of 200, 201`.
fn status_said(y: &Y) -> String {
    match y {
        Y::Num(n) => n.to_string(),
        Y::Str(s) => s.clone(),
        Y::Seq(items) => format!(
            "one of {}",
            items.iter().map(status_said).collect::<Vec<_>>().join(", ")
        ),
        other => yaml_out::to_string(other).trim().to_string(),
    }
}

/// The codes a written status allows (`200`, `"2xx"`, `"any"`, a list of them); `None` for
/// any other form.
fn status_codes(y: &Y) -> Option<BTreeSet<u16>> {
    match y {
        Y::Num(n) => n
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
            .map(|c| BTreeSet::from([c])),
        Y::Str(s) if s == "any" => Some((100..=599).collect()),
        Y::Str(s) if s.len() == 3 && s.ends_with("xx") => {
            let class = s[..1].parse::<u16>().ok().filter(|c| (1..=5).contains(c))?;
            Some((class * 100..class * 100 + 100).collect())
        }
        Y::Str(s) => s.parse::<u16>().ok().map(|c| BTreeSet::from([c])),
        Y::Seq(items) => items.iter().try_fold(BTreeSet::new(), |mut all, i| {
            all.extend(status_codes(i)?);
            Some(all)
        }),
        _ => None,
    }
}

fn fail_if_needed(r: &mut Y, cx: &mut Ctx<'_>) {
    let mut why = cx.scope_fail.clone();
    for own in std::mem::take(&mut cx.fail) {
        if !why.contains(&own) {
            why.push(own);
        }
    }
    if !why.is_empty() {
        r.set("fail", Y::str(why.join("; ")));
    }
}

/// What a request's own script says beyond its conversion: its jumps, and the tests yarc
/// could not convert at all.
fn own_script_notes(
    source: &Source<'_>,
    unique: &str,
    phase: Phase,
    s: &mut script::Script,
    cx: &mut Ctx<'_>,
) {
    if let Source::Scope(whose, _) = source {
        // The part of a scope's script read for this request: its tests are this request's.
        unchecked_tests(s, cx);
        unconverted_rewrite(s, phase, whose, cx);
    }
    if let Source::Own(lines) = source {
        note_jumps(lines, unique, phase, cx);
        // A jump to a name written out (or `null`) has its own note above.
        static LITERAL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let literal = LITERAL.get_or_init(|| {
            regex::Regex::new(r#"setNextRequest\(\s*(?:null|'[^']*'|"[^"]*")\s*\)"#)
                .expect("a valid pattern")
        });
        let kept_jump =
            (s.kept.iter()).any(|(_, t, _)| t.contains("setNextRequest(") && !literal.is_match(t));
        if kept_jump && !cx.jumps_kept.iter().any(|r| r == unique) {
            cx.jumps_kept.push(unique.to_string());
        }
        unchecked_tests(s, cx);
        unconverted_rewrite(s, phase, "its own", cx);
        let ends: Vec<String> = std::mem::take(&mut s.run_ends)
            .into_iter()
            .filter(|(_, to)| to.as_ref().is_none_or(|t| !cx.jump_targets.contains(t)))
            .map(|(cond, _)| cond)
            .collect();
        if let [cond] = ends.as_slice() {
            cx.run_enders.retain(|r| r != unique);
            cx.jumps_nowhere.retain(|(r, _)| r != unique);
            cx.run_ends.push((unique.to_string(), cond.clone()));
            // What the condition reads is declared with the rest (`if (!get("id"))`: `id`).
            let read = cond.replace(script::STATUS_HERE, "0");
            note_reads(cx, &Y::str(format!("{{{{ {read} }}}}")), Reader::Script);
        }
    }
}

/// The requests after one whose test script ends Newman's run when a condition holds: each
/// is skipped when it holds (evaluated before it, with the variables of then), saying why.
/// The request captures its status when the condition reads it.
fn skip_after_run_ends(items: &mut Y, cx: &mut Ctx<'_>) {
    let mut order = Vec::new();
    leaf_names(items, &mut order);
    // For each request after one: the (reason, condition) of each run end before it.
    let mut ends: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (k, (from, cond)) in std::mem::take(&mut cx.run_ends).into_iter().enumerate() {
        let Some(at) = order.iter().position(|u| *u == from) else {
            continue;
        };
        let mut cond = cond;
        if cond.contains(script::STATUS_HERE) {
            let var = format!("newman_status_{}", k + 1);
            cond = cond.replace(script::STATUS_HERE, &var);
            capture_status(items, &from, &var);
        }
        let shown = readable_condition(&cond);
        let (why, note) = match cond == ALWAYS {
            true => (
                format!(
                    "request `{from}`'s script ends Newman's run (setNextRequest(null)): Newman does not run this one"
                ),
                format!(
                    "`setNextRequest(null)` ends Newman's run after `{from}`: the {} request(s) after it are skipped (delete that line from the script and these `skip:` lines to run them)",
                    order.len() - at - 1
                ),
            ),
            false => (
                format!(
                    "request `{from}`'s test script ends Newman's run (setNextRequest) when `{shown}`: Newman does not run this one"
                ),
                format!(
                    "`setNextRequest` ends Newman's run in the test script of `{from}` when `{shown}`: the {} request(s) after it are skipped when it holds",
                    order.len() - at - 1
                ),
            ),
        };
        for later in &order[at + 1..] {
            ends.entry(later.clone())
                .or_default()
                .push((why.clone(), cond.clone()));
        }
        cx.report.notes.push(note);
    }
    let skips: HashMap<String, String> = ends
        .into_iter()
        .map(|(name, list)| {
            // An end that always holds: the first such is the reason, written as text.
            let first_always = list.iter().position(|(_, c)| c == ALWAYS);
            if let Some(i) = first_always.filter(|i| list[..*i].is_empty()) {
                return (name, super::vars::literal(&list[i].0));
            }
            let chain = list
                .iter()
                .rev()
                .fold("\"\"".to_string(), |rest, (why, cond)| {
                    let why = serde_json::to_string(why).unwrap_or_default();
                    format!("({why} if {cond} else {rest})")
                });
            (name, format!("{{{{ {chain} }}}}"))
        })
        .collect();
    skip_unless_skipped(items, &skips);
}

/// A run end's condition as the skip reason shows it: without the parentheses around the whole
/// and with `x` for the `(x and x != "{{x}}")` that reads a variable as Postman's `get()` does.
fn readable_condition(cond: &str) -> String {
    let mut text = cond.to_string();
    for name in postman_reads(cond) {
        text = text.replace(&script::read_as_postman(&name), &name);
    }
    let inner = text.strip_prefix('(').and_then(|t| t.strip_suffix(')'));
    match inner {
        Some(t) if balanced(t) => t.to_string(),
        _ => text,
    }
}

/// The variables `text` reads as [`script::read_as_postman`] writes them.
fn postman_reads(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices(" != \"{{") {
        let name = text[at + 7..].split("}}").next().unwrap_or_default();
        let read = text.contains(&script::read_as_postman(name))
            || text.contains(&script::joined_as_postman(name));
        if read && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// The `{{name}}` text that stands for `undefined` in converted checks and conditions, as the
/// variables section declares it: a condition's read of a variable as Postman's `get()` is
/// the variable itself where nothing gives it that text (which the import declares for a
/// variable the export defines nowhere, or one a script unsets); and the text is the name as
/// the export writes it (`{{known:course:id}}`), where the scripts gave the name yarc uses.
fn undefined_as_declared(requests: &mut Y, variables: &Y, written: &HashMap<String, String>) {
    let mut reads = Vec::new();
    let mut own = HashSet::new();
    for y in [&*requests, variables] {
        each_string(y, &mut |s| {
            reads.extend(postman_reads(s));
            if let Some(name) = s
                .strip_prefix("{{ \"{{")
                .and_then(|n| n.strip_suffix("}}\" }}"))
            {
                own.insert(super::vars::ident(name));
            }
            // A secret that is that text until it is set: `secret('ID', default="{{id}}")`.
            if let Some(name) = s
                .strip_suffix("}}\") }}")
                .and_then(|n| n.rsplit_once("default=\"{{"))
                .map(|(_, n)| n)
            {
                own.insert(super::vars::ident(name));
            }
        });
    }
    reads.retain(|n| !own.contains(n));
    let respelt: Vec<(String, String)> = written
        .iter()
        .filter(|(name, w)| **w != format!("{{{{{name}}}}}"))
        .map(|(name, w)| {
            let json = serde_json::to_string(w).unwrap_or_default();
            (format!("\"{{{{{name}}}}}\""), json)
        })
        .collect();
    each_string_mut(requests, &mut |s| {
        if !s.contains("\"{{") {
            return;
        }
        for name in &reads {
            *s = s.replace(&script::read_as_postman(name), name);
            *s = s.replace(&script::joined_as_postman(name), name);
        }
        for (from, to) in &respelt {
            if s.contains(from.as_str()) {
                *s = s.replace(from.as_str(), to);
            }
        }
    });
}

fn each_string(y: &Y, f: &mut impl FnMut(&str)) {
    match y {
        Y::Str(s) => f(s),
        Y::Map(m) => m.iter().for_each(|(_, v)| each_string(v, f)),
        Y::Seq(l) => l.iter().for_each(|v| each_string(v, f)),
        _ => {}
    }
}

fn each_string_mut(y: &mut Y, f: &mut impl FnMut(&mut String)) {
    match y {
        Y::Str(s) => f(s),
        Y::Map(m) => m.iter_mut().for_each(|(_, v)| each_string_mut(v, f)),
        Y::Seq(l) => l.iter_mut().for_each(|v| each_string_mut(v, f)),
        _ => {}
    }
}

/// Whether no `)` in `text` closes a `(` before it.
fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    text.chars().all(|c| {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        depth >= 0
    })
}

/// `skip:` on each request `skips` names that has no `skip:` of its own.
fn skip_unless_skipped(items: &mut Y, skips: &HashMap<String, String>) {
    each_request(items, &mut |item| {
        if let Some(skip) = for_name(item, skips) {
            add_skip(item, &skip);
        }
    });
}

/// `skip:` on a request; beside a `skip:` of its own, whichever holds first says why.
fn add_skip(item: &mut Y, skip: &str) {
    match item.get_mut("skip") {
        Some(Y::Str(own)) => match (
            super::vars::one_expression(skip),
            super::vars::one_expression(own),
        ) {
            (Some(a), Some(b)) => *own = format!("{{{{ ({a}) or ({b}) }}}}"),
            // A text is a skip whatever holds.
            (None, _) => *own = skip.to_string(),
            (Some(_), None) => {}
        },
        Some(_) => {}
        None => {
            if let Y::Map(entries) = item {
                entries.insert(1, ("skip".into(), Y::str(skip)));
            }
        }
    }
}

/// `capture: { var: { status: true } }` on the request named `name`.
fn capture_status(items: &mut Y, name: &str, var: &str) {
    each_request(items, &mut |item| {
        if matches!(item.get_mut("name"), Some(Y::Str(n)) if n == name) {
            let status = Y::Map(vec![("status".into(), Y::Bool(true))]);
            item.child("capture").set(var, status);
        }
    });
}

/// Each request of a list of requests and groups, the groups' own included.
fn each_request(items: &mut Y, f: &mut impl FnMut(&mut Y)) {
    let Y::Seq(list) = items else { return };
    for item in list {
        match item.get_mut("requests") {
            Some(inner) => each_request(inner, f),
            None => f(item),
        }
    }
}

/// What `by_name` holds for a request's name.
fn for_name(item: &mut Y, by_name: &HashMap<String, String>) -> Option<String> {
    match item.get_mut("name") {
        Some(Y::Str(n)) => by_name.get(n.as_str()).cloned(),
        _ => None,
    }
}

/// The tests a script holds that yarc could not convert at all, named (a test by its name;
/// the checks of a loop or `if` kept whole by its head, "checks in `for (...)`"), with the
/// words that say them ("test", "it"); `None` when there are none.
fn unchecked_names(
    s: &mut script::Script,
) -> Option<(Vec<String>, &'static str, &'static str, bool)> {
    let flows = s.unchecked.iter().any(|n| n.starts_with("the checks in `"));
    let names: Vec<String> = (s.unchecked.drain(..))
        .map(|n| match (n.strip_prefix("the checks in "), flows) {
            (Some(head), _) => format!("checks in {head}"),
            (None, true) => format!("test `{n}`"),
            (None, false) => format!("`{n}`"),
        })
        .collect();
    if names.is_empty() {
        return None;
    }
    // A script of thousands is named by its first few: the line stays one to read.
    const SHOWN: usize = 8;
    let mut names = names;
    if names.len() > SHOWN {
        let more = names.len() - SHOWN;
        names.truncate(SHOWN);
        names.push(format!("and {more} more"));
    }
    let (tests, them) = match (names.len(), flows) {
        (_, true) => ("script's", "them"),
        (1, false) => ("test", "it"),
        _ => ("tests", "them"),
    };
    Some((names, tests, them, flows))
}

/// Tests a collection's or folder's test script holds that yarc could not convert at all:
/// every request it runs for is failed with their names (`fail:`), as for a request's own —
/// Postman checks them after each of those requests.
fn scope_unchecked(s: &mut script::Script, whose: &str, cx: &mut Ctx<'_>) {
    let Some((names, tests, them, _)) = unchecked_names(s) else {
        return;
    };
    let names = names.join(", ");
    let whose = match whose {
        "collection" => "the collection",
        w => w,
    };
    // "checks in `if (...)`" says itself what it is; a test is named as one.
    let what = match tests {
        "script's" => names,
        _ => format!("{tests} {names}"),
    };
    cx.fail_once(format!(
        "the Postman test script of {whose} has {what} that could not be converted (see the comment there): yarc cannot check {them}; check by hand, convert, then delete this line"
    ));
    cx.report.notes.push(format!(
        "the test script of {whose} has {what} that could not be converted: every request it runs for is written with `fail:`, and must not pass unchecked"
    ));
}

/// A pre-request script that changes the request's body, URL or method in a line the import
/// kept (a signature put in the body with `pm.request.body.update(...)`): yarc sends the
/// request as written, which Postman never sent, so every request it runs for is failed until
/// someone converts it.
fn unconverted_rewrite(s: &script::Script, phase: Phase, whose: &str, cx: &mut Ctx<'_>) {
    static REWRITE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = REWRITE.get_or_init(|| {
        regex::Regex::new(
            // What the import never converts: a header or query parameter a kept line adds may
            // still be sent (a bearer the import gives the requests the script would add it to).
            // An auth the script updates, a query it adds as text, stay comments: they are not.
            // A form field or a query parameter a kept line adds, changes or removes too.
            r"\bpm\.request\.(?:body\.update|url\.update|auth\.update|url\.addQueryParams\(\s*[^\s\[{]|(?:body(?:\.raw)?|method|url)\s*=[^=]|body\.(?:formdata|urlencoded)\.(?:add|upsert|remove|append|clear)\(|url\.query\.(?:add|upsert|remove)\()",
        )
        .expect("a valid pattern")
    });
    if phase != Phase::PreRequest {
        return;
    }
    let Some(found) = s.kept.iter().find_map(|(_, text, _)| re.find(text)) else {
        return;
    };
    let call = found
        .as_str()
        .trim_end_matches(|c: char| !c.is_alphanumeric());
    let whose = match whose {
        "collection" => "the collection's".to_string(),
        "its own" => "its".to_string(),
        w => format!("{w}'s"),
    };
    cx.fail_once(format!(
        "{whose} Postman pre-request script changes the request (`{call}`) in lines that could not be converted (see the comment there): yarc sends the request as written, which Postman never sent; convert them by hand, then delete this line"
    ));
    cx.report.shared.push(SharedNote {
        whose: cx.whose.clone(),
        one: format!(
            "{} failed with `fail:`: {whose} pre-request script changes it (`{call}`) in lines that could not be converted",
            cx.whose
        ),
        many: "{n} requests are written with `fail:`: a pre-request script changes them in lines that could not be converted, and yarc would send what Postman never sent".into(),
        detail: format!("{whose} `{call}`"),
    });
}

/// Tests of the response a request's own script holds that yarc could not convert at all: the
/// request is failed with their names (`fail:`), never a silent pass where Postman checks.
fn unchecked_tests(s: &mut script::Script, cx: &mut Ctx<'_>) {
    let Some((names, tests, them, flows)) = unchecked_names(s) else {
        return;
    };
    cx.fail.push(format!(
        "its Postman {tests} {} could not be converted (see the comment below): yarc cannot check {them}; check by hand, convert, then delete this line",
        names.join(", ")
    ));
    cx.report.shared.push(SharedNote {
        whose: cx.whose.clone(),
        one: format!(
            "{} failed with `fail:`: Postman {tests} {} could not be converted, and the request must not pass unchecked",
            cx.whose,
            names.join(", ")
        ),
        many: "{n} requests are written with `fail:`: Postman tests of theirs could not be converted, and a request must not pass unchecked".into(),
        detail: match flows {
            true => names.join(", "),
            false => format!("{tests} {}", names.join(", ")),
        },
    });
}

/// Whether the request has a header of that name the export disables.
fn disabled_header(node: &Value, name: &str) -> bool {
    let list = node.pointer("/request/header").and_then(Value::as_array);
    list.into_iter().flatten().any(|h| {
        h.get("disabled").and_then(Value::as_bool) == Some(true)
            && h.get("key")
                .and_then(Value::as_str)
                .is_some_and(|k| k.trim().eq_ignore_ascii_case(name))
    })
}

/// The request's method, in capitals (a request written as a bare URL is a GET).
fn method_of(req: &Value) -> String {
    match req {
        Value::String(_) => "GET".to_string(),
        _ => req
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase(),
    }
}

/// The request's URL as Newman sends it (`http://` added where the export has no scheme),
/// noted for the summary's destinations.
fn item_url(req: &Value, unique: &str, cx: &mut Ctx<'_>) -> String {
    let mut url = url(req, unique, cx);
    let scheme_part = url.split(['?', '#']).next().unwrap_or("");
    if !url.is_empty() && !url.starts_with("{{") && !scheme_part.contains("://") {
        // Postman sends `example.com/x` as `http://example.com/x`.
        url.insert_str(0, "http://");
        cx.no_scheme.push(unique.to_string());
    }
    if url.trim().is_empty() {
        // Newman fails it ("request url is empty"), sends nothing and goes on.
        cx.skip_because(
            "it has no URL in the export (Postman does not send it): give it one and delete this line"
                .to_string(),
        );
    } else if let Some(why) = unsendable(&url) {
        // One request that cannot be built must not refuse the whole collection.
        cx.skip_because(format!(
            "its URL in the export cannot be sent (`{url}`: {why}): correct it and delete this line"
        ));
    }
    cx.note_url(&url);
    if let Some(first) = url_start(&url) {
        *cx.url_start_uses.entry(first.to_string()).or_default() += 1;
    }
    url
}

/// The variable a URL (or a value) starts with: `base_url` of `{{ base_url }}/jobs`.
fn url_start(url: &str) -> Option<&str> {
    url.strip_prefix("{{ ")
        .and_then(|r| r.split([' ', '}']).next())
}

/// Why a URL that starts with its scheme and host (not a variable) cannot be sent, whatever
/// its variables hold: `http://about:blank` (Postman's `about:blank` placeholder), a port that
/// is no number.
fn unsendable(url: &str) -> Option<String> {
    if url.is_empty() || url.starts_with("{{") {
        return None;
    }
    static TEMPLATE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let template = TEMPLATE.get_or_init(|| regex::Regex::new(r"\{\{.*?\}\}").expect("valid regex"));
    // A variable in the host or port may hold anything: only what is written is judged.
    let authority = url
        .split_once("://")
        .map_or("", |(_, r)| r.split(['/', '?', '#']).next().unwrap_or(""));
    if template.is_match(authority) {
        return None;
    }
    let probe = template.replace_all(url, "x");
    match url::Url::parse(&probe) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => None,
        Ok(_) => Some("it names no host".into()),
        Err(e) => Some(e.to_string()),
    }
}

/// The request's own auth. `auth: noauth` with its own `Authorization: Bearer
/// {{access_token}}` header, the token an oauth2 block in scope fetches: that block sends it.
fn item_auth(req: &Value, name: &str, cx: &mut Ctx<'_>) -> Option<Y> {
    let own = req
        .get("auth")
        .and_then(|a| auth(a, &format!("request `{name}`"), cx));
    match (own, fetched_in_header(req, cx)) {
        (Some(none), Some(block)) if none == Y::str("none") => cx.fetched_auth(&block),
        (None, Some(block)) => cx.fetched_auth(&block),
        (own, _) => own,
    }
}

/// The request's raw body when it is JSON (as written, `{{var}}`s inside its strings), or
/// only a variable whose text a script may parse; its form fields for a form body.
fn sent_body(node: &Value) -> Option<script::Sent> {
    let body = node.pointer("/request/body")?;
    let mode = body.get("mode").and_then(Value::as_str);
    if let Some(mode @ ("urlencoded" | "formdata")) = mode {
        // Text fields that are sent, the first of a name: what `request.data[name]` reads.
        let mut fields = serde_json::Map::new();
        for f in body.get(mode)?.as_array()? {
            let on = f.get("disabled").and_then(Value::as_bool) != Some(true);
            let text = f
                .get("type")
                .and_then(Value::as_str)
                .is_none_or(|t| t == "text");
            if let (true, true, Some(k), Some(v)) = (on, text, f.get("key"), f.get("value")) {
                let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
                    continue;
                };
                fields.entry(k).or_insert_with(|| Value::String(v.into()));
            }
        }
        return Some(script::Sent::Form(fields));
    }
    if mode != Some("raw") {
        return None;
    }
    let raw = body.get("raw")?.as_str()?;
    if let Ok(json) = serde_json::from_str(raw) {
        return Some(script::Sent::Json(json));
    }
    if !only_a_variable(raw) {
        return None;
    }
    let converted = super::vars::convert(raw.trim(), &mut Vec::new());
    let expr = super::vars::one_expression(&converted)?;
    Some(script::Sent::Variable(expr.to_string()))
}

/// The request's query parameters as the export writes them, each with whether it is
/// disabled: its URL's `query` list, or what its URL text holds after `?`.
fn url_query(node: &Value) -> Option<Vec<(String, Option<String>, bool)>> {
    let url = node.pointer("/request/url")?;
    if let Some(list) = url.get("query").and_then(Value::as_array) {
        let param = |p: &Value| {
            let key = p.get("key").map(value_text).unwrap_or_default();
            let value = p.get("value").filter(|v| !v.is_null()).map(value_text);
            (
                key,
                value,
                p.get("disabled").and_then(Value::as_bool) == Some(true),
            )
        };
        return Some(list.iter().map(param).collect());
    }
    let raw = url
        .as_str()
        .or_else(|| url.get("raw").and_then(Value::as_str))?;
    let (_, query) = raw.split_once('?')?;
    let query = query.split('#').next().unwrap_or("");
    let param = |p: &str| match p.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string()), false),
        None => (p.to_string(), None, false),
    };
    Some(
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(param)
            .collect(),
    )
}

/// What scripts may read of a request (see [`script::Request`]), owned.
struct RequestParts {
    sent: Option<script::Sent>,
    query: Option<Vec<(String, Option<String>)>>,
    text: script::RequestText,
}

impl RequestParts {
    fn of(node: &Value) -> RequestParts {
        let listed = url_query(node);
        let text = request_text(node, listed.as_deref());
        let query = listed.map(|l| l.into_iter().map(|(k, v, _)| (k, v)).collect());
        RequestParts {
            sent: sent_body(node),
            query,
            text,
        }
    }

    fn request(&self) -> script::Request<'_> {
        script::Request::new(self.sent.as_ref(), self.query.as_deref(), Some(&self.text))
    }
}

/// A JSON value as text: a string as itself, anything else as JSON.
fn value_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// The request's method, path, query string (its enabled parameters, unencoded) and raw body
/// as the export writes them.
fn request_text(
    node: &Value,
    query: Option<&[(String, Option<String>, bool)]>,
) -> script::RequestText {
    let method = node
        .pointer("/request/method")
        .and_then(Value::as_str)
        .unwrap_or("GET");
    let path = node
        .pointer("/request/url/path")
        .and_then(Value::as_array)
        .map(|segments| {
            format!(
                "/{}",
                segments
                    .iter()
                    .map(value_text)
                    .collect::<Vec<_>>()
                    .join("/")
            )
        });
    let raw_body = node
        .pointer("/request/body")
        .filter(|b| b.get("mode").and_then(Value::as_str) == Some("raw"))
        .and_then(|b| b.get("raw"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let sent_query = query
        .unwrap_or_default()
        .iter()
        .filter(|(_, _, disabled)| !disabled)
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    let query = query.map(|list| {
        let enabled = list.iter().filter(|(_, _, disabled)| !disabled);
        let pairs: Vec<String> = enabled
            .map(|(k, v, _)| match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            })
            .collect();
        pairs.join("&")
    });
    script::RequestText {
        method: method.to_uppercase(),
        path,
        query,
        raw_body,
        sent_segments: sent_segments(node),
        sent_query,
        url: raw_url(node),
        headers: written_headers(node),
    }
}

/// The request's headers as the export writes them, disabled ones too.
fn written_headers(node: &Value) -> Vec<(String, String)> {
    let Some(list) = node.pointer("/request/header").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|h| {
            let key = h.get("key").and_then(Value::as_str)?;
            Some((
                key.to_string(),
                h.get("value").map(value_text).unwrap_or_default(),
            ))
        })
        .collect()
}

/// The request's path segments with each path variable's value put in for its `:name`, as
/// Newman sends them.
fn sent_segments(node: &Value) -> Option<Vec<String>> {
    let segments = node.pointer("/request/url/path")?.as_array()?;
    let values = node
        .pointer("/request/url/variable")
        .and_then(Value::as_array);
    let value_of = |name: &str| {
        values?
            .iter()
            .find(|v| v.get("key").and_then(Value::as_str) == Some(name))
            .and_then(|v| v.get("value"))
            .map(value_text)
    };
    let sent = segments.iter().map(|s| {
        let s = value_text(s);
        match s.strip_prefix(':').and_then(value_of) {
            Some(v) => v,
            None => s,
        }
    });
    Some(sent.collect())
}

/// What a request's own scripts became.
#[derive(Default)]
struct ItemScripts {
    /// The kept lines, as comment blocks.
    blocks: Vec<String>,
    expect: Y,
    capture: Y,
    sets: Y,
    headers: Y,
    query: Y,
    /// A token request in its own pre-request script: its auth (and the header that sent the
    /// token by hand goes).
    token: Option<Y>,
    /// Its test script sends it again until a condition holds: `retry:`.
    retry: Option<Y>,
    /// Its test script sends it again while a condition on variables holds: `repeat:`.
    repeat: Option<Y>,
    /// A script read its raw body text: it is sent as written.
    exact_body: bool,
    /// Its pre-request script skips it (`pm.execution.skipRequest()`): `skip:`.
    skip: Option<String>,
    /// The JSON body its own pre-request script gives it, in place of the one written.
    json_body: Option<Y>,
    /// Made-up values of its body a test script reads: made first, in a variable.
    made_sent: Vec<script::MadeSent>,
    /// The headers of `headers` its scripts add (`add`, not `upsert`): one the request has
    /// already is sent twice, as Newman sends it.
    added: Vec<String>,
    /// The headers its own pre-request script removes: not sent.
    removed: Vec<String>,
    /// The query parameters its own pre-request script removes: not sent.
    removed_query: Vec<String>,
    /// The query parameters its own pre-request script upserts, with their new values.
    upserted_query: Vec<(String, Y)>,
}

/// The headers a script of the request adds, and which of them it adds beside one the
/// request has (`add`, not `upsert` nor after `remove`). An `upsert` of a header the request
/// has disabled updates it, and it stays disabled: none is sent.
fn own_headers(s: &Script, node: &Value, out: &mut ItemScripts) {
    out.removed.extend(s.removed.iter().cloned());
    out.removed_query.extend(s.removed_query.iter().cloned());
    out.upserted_query.extend(s.upserted_query.iter().cloned());
    for (k, v) in s.headers.entries() {
        let upserted = s.upserted.contains(&k);
        if upserted && disabled_header(node, &k) {
            continue;
        }
        let removed = s.replaced.iter().any(|r| r.eq_ignore_ascii_case(&k));
        if !upserted && !removed {
            out.added.push(k.clone());
        }
        out.headers.set(k, v);
    }
}

/// The URL without the query parameters of those names (`?limit=10&debug=true` without
/// `debug`: `?limit=10`), as Postman's `removeQueryParams` leaves it.
/// The URL as the request's own pre-request script leaves it: parameters removed, others
/// upserted in place.
fn sent_url(url: &str, removed: &[String], upserts: &[(String, Y)]) -> String {
    with_upserts(&without_query(url, removed), upserts)
}

/// `url` with each parameter of `upserts` given its new value where the URL has it, encoded
/// as a query value (`date={{ (now("%Y-%m-%d")) | urlencode }}`).
fn with_upserts(url: &str, upserts: &[(String, Y)]) -> String {
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let Some((base, query)) = head.split_once('?').filter(|_| !upserts.is_empty()) else {
        return url.to_string();
    };
    let value = |v: &Y| match v {
        Y::Str(t) => match super::vars::one_expression(t) {
            Some(inner) => format!("{{{{ ({inner}) | urlencode }}}}"),
            _ if !t.contains("{{") => url::form_urlencoded::byte_serialize(t.as_bytes())
                .collect::<String>()
                .replace('+', "%20"),
            // Text around a template: as written, the template's value unencoded.
            _ => t.clone(),
        },
        other => yaml_out::to_string(other).trim().to_string(),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            match upserts.iter().find(|(k, _)| k == key) {
                Some((k, v)) => format!("{k}={}", value(v)),
                None => pair.to_string(),
            }
        })
        .collect();
    let mut out = format!("{base}?{}", pairs.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn without_query(url: &str, names: &[String]) -> String {
    if names.is_empty() {
        return url.to_string();
    }
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let Some((base, query)) = head.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            !names.iter().any(|n| n == key)
        })
        .collect();
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The request's URL as the export writes it (`{{base}}/x?id={{id}}`): what a pre-request
/// script reads as `request.url`.
fn raw_url(node: &Value) -> String {
    match node.pointer("/request/url") {
        Some(Value::String(s)) => s.clone(),
        Some(u) => u
            .get("raw")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        None => String::new(),
    }
}

/// A script that runs for a request: its own, or the part of a collection's or folder's
/// script chosen by its name.
enum Source<'d> {
    Own(Vec<String>),
    Scope(&'d str, &'d script::Dispatch),
}

/// The scripts that run for a request, in Postman's order: in each phase the collection's
/// and the folders' (their parts chosen by the request's name are this request's), then its
/// own.
fn script_sources<'d>(
    node: &Value,
    dispatched: &'d [(String, std::rc::Rc<script::Dispatch>)],
) -> Vec<(Phase, Source<'d>)> {
    let mut sources = Vec::new();
    for (listen, phase, scope) in [
        ("prerequest", Phase::PreRequest, Phase::PreRequest),
        ("test", Phase::Test, Phase::ScopeTest),
    ] {
        for (whose, d) in dispatched.iter().filter(|(_, d)| d.phase == scope) {
            sources.push((phase, Source::Scope(whose, d)));
        }
        for (lines, _) in events(node, listen, phase) {
            sources.push((phase, Source::Own(lines)));
        }
    }
    sources
}

/// The request's pre-request and test scripts converted; the requests they send are queued
/// beside it and a token request's variable is in force until the request is written.
fn item_scripts(node: &Value, name: &str, unique: &str, cx: &mut Ctx<'_>) -> ItemScripts {
    let mut out = ItemScripts::default();
    cx.pre_request_sets.clear();
    for (name, value) in std::mem::take(&mut cx.next_sets) {
        out.sets.set(name, value);
    }
    let parts = RequestParts::of(node);
    let request = parts.request();
    let dispatched = cx.dispatch.clone();
    for (phase, source) in script_sources(node, &dispatched) {
        let (mut s, whose) = match &source {
            Source::Scope(whose, d) => (
                script::convert_dispatched(d, request, name, &raw_url(node), &cx.known),
                format!("{whose}, for request `{unique}`"),
            ),
            Source::Own(lines) => (
                script::convert_item(lines, phase, request, Some(name), &cx.known),
                format!("request `{unique}`"),
            ),
        };
        if let (Phase::PreRequest, Source::Own(_)) = (phase, &source) {
            unsent_values(node, &s, cx);
        }
        out.retry = s.retry.take().or(out.retry.take());
        out.repeat = s.repeat.take().or(out.repeat.take());
        out.skip = out.skip.take().or(s.skip.take());
        if let (Some(body), Source::Own(_)) = (s.json_body.take(), &source) {
            out.json_body = Some(body);
        }
        out.exact_body |= s.raw_body_read;
        out.made_sent.extend(std::mem::take(&mut s.made_sent));
        hide_literal_secrets(&mut s, cx);
        drop_shadowed_sets(&mut s, cx);
        let block = count(&s, phase, &whose, cx);
        own_script_notes(&source, unique, phase, &mut s, cx);
        out.blocks.extend(match &source {
            Source::Scope(scope, _) => block.map(|b| {
                b.replacen("postman ", &format!("postman {scope}'s "), 1)
                    .replacen(
                        ", not converted",
                        " (its part for this request), not converted",
                        1,
                    )
            }),
            Source::Own(_) => block,
        });
        let mut script_sets = Y::map();
        variables_of(&mut s, phase, &mut script_sets, cx);
        own_headers(&s, node, &mut out);
        for (k, v) in s.query.entries() {
            out.query.set(k, v);
        }
        if let Y::Map(entries) = s.expect {
            for (k, v) in entries {
                merge_into(&mut out.expect, &k, v);
            }
        }
        for (k, v) in s.capture.entries() {
            out.capture.set(k, v);
        }
        queue_sent(
            std::mem::take(&mut s.requests),
            phase,
            &mut script_sets,
            unique,
            cx,
        );
        for (k, v) in script_sets.entries() {
            out.sets.set(k, v);
        }
        if let Some(token) = script_auth(s.oauth2.take(), s.bearer.take(), unique, cx) {
            out.token = Some(token);
        }
    }
    out
}

/// The auth a request's own pre-request script gives it: a bearer it adds only while the
/// token is set, or the token it fetches.
fn script_auth(
    oauth2: Option<(Y, String)>,
    bearer: Option<Y>,
    unique: &str,
    cx: &mut Ctx<'_>,
) -> Option<Y> {
    if let Some((block, var)) = oauth2 {
        cx.report.auth.insert(format!("oauth2 from the token request of request `{unique}`'s pre-request script, replacing `{var}`"));
        cx.token_vars.push((var, block.clone()));
        return Some(block);
    }
    let bearer = bearer?;
    note_asked(cx, &bearer);
    Some(bearer)
}

/// A request whose own pre-request script computes its whole body, in lines yarc does not run
/// (`JSON.stringify` of an object the script filled, sent as `{{payload}}`): sent, it would
/// write what the variable held before, not what Postman sends — it is skipped, saying why. A
/// value in a header, the URL or a field of the body (a signature, a nonce) is sent as it
/// stands: a server refuses it, loud.
fn unsent_values(node: &Value, s: &script::Script, cx: &mut Ctx<'_>) {
    let Some(raw) = node.pointer("/request/body/raw").and_then(Value::as_str) else {
        return;
    };
    for name in s.computed_and_kept() {
        if raw.trim() == format!("{{{{{name}}}}}") {
            cx.skip.push(format!(
                "its pre-request script builds its body, `{name}`, in lines yarc does not run (kept as comments): write them as yarc values, then delete this line"
            ));
        }
    }
}

/// The requests a script sends, queued before (pre-request) or after (test) its request. What
/// a pre-request script sets, it sets before the requests it sends go out (they leave once it
/// has run): the first of them gives those values (`sets` is then empty).
fn queue_sent(requests: Vec<Y>, phase: Phase, sets: &mut Y, unique: &str, cx: &mut Ctx<'_>) {
    for sent in requests {
        let mut named = sent_request(sent, unique, cx);
        if phase == Phase::PreRequest && !sets.is_empty_map() {
            let mut given = std::mem::take(sets);
            if let Some(own) = named.get_mut("set") {
                for (k, v) in own.entries() {
                    given.set(k, v);
                }
            }
            named.set("set", given);
        }
        match phase {
            Phase::PreRequest => cx.sent_before.push(named),
            _ => cx.sent_after.push(named),
        }
    }
}

/// What the request just converted reads and does not define itself, and what it captures,
/// in request order.
fn settle_reads(cx: &mut Ctx<'_>, capture: &Y, sets: &Y) {
    for name in cx.current.take().unwrap_or_default() {
        cx.reads.entry(name).or_insert(cx.request_no);
    }
    for (name, how) in capture.entries() {
        // Taken only when found (or when its condition holds): what it had before shows.
        let kept =
            |(k, v): &(String, Y)| k == "optional" && matches!(v, Y::Bool(true)) || k == "when";
        if matches!(&how, Y::Map(m) if m.iter().any(kept)) {
            cx.optional.insert(name.clone());
        }
        cx.captured_at.entry(name).or_insert(cx.request_no);
    }
    for (name, value) in sets.entries() {
        cx.captured_at.entry(name.clone()).or_insert(cx.request_no);
        let counts = matches!(&value, Y::Str(t) if super::script::reads(t, &name));
        if !counts {
            cx.set_at.entry(name).or_insert(cx.request_no);
        }
    }
}

/// Every string of a value that holds a template.
fn templates_in(y: &Y, out: &mut Vec<String>) {
    each_string(y, &mut |s| {
        if s.contains("{{") || s.contains("{%") {
            out.push(s.to_string());
        }
    });
}

/// Who reads a variable a script's conversion names: the script itself (a `set:` value,
/// where an unset variable is `undefined`, so empty here) or what the request sends and
/// checks (where Newman leaves an unset `{{name}}` as written).
#[derive(Clone, Copy, PartialEq)]
enum Reader {
    Script,
    Request,
}

/// What a converted script reads: its `set:` values and variables as a script reads them (an
/// unset one is `undefined`), its headers and checks as the request does.
fn note_script_reads(cx: &mut Ctx<'_>, s: &Script) {
    // A token script's URL and client, read with `pm.environment.get(...)`.
    if let Some((block, _)) = &s.oauth2 {
        note_reads(cx, block, Reader::Script);
    }
    note_reads(cx, &s.sets, Reader::Script);
    note_reads(cx, &s.headers, Reader::Request);
    // A response-time limit is only ever a script's number (`get("max_ms") || 5000`): a
    // variable nothing defines is `undefined` there, never sent.
    let mut expect = s.expect.clone();
    if let Some(time) = expect.remove("time") {
        note_reads(cx, &time, Reader::Script);
    }
    note_reads(cx, &expect, Reader::Request);
    // Given in order: a value read by one after it (a random number made once, then read by
    // a user's name and e-mail) is set by then, no variable the user must give.
    let mut given = BTreeSet::new();
    for (k, v) in s.variables.entries() {
        let reader = match s.sent_bodies.contains(&k) {
            true => Reader::Request,
            false => Reader::Script,
        };
        let had = cx.current.clone().unwrap_or_default();
        note_reads(cx, &Y::Map(vec![(k.clone(), v)]), reader);
        if let Some(now) = &mut cx.current {
            now.retain(|n| had.contains(n) || !given.contains(n));
        }
        given.insert(k);
    }
}

/// The variables a converted script reads (a counter reads itself): read by the request (or,
/// from a collection or folder script, by the collection).
fn note_reads(cx: &mut Ctx<'_>, sets: &Y, reader: Reader) {
    let env = minijinja::Environment::new();
    let mut texts = Vec::new();
    templates_in(sets, &mut texts);
    for t in texts {
        let Ok(tpl) = env.template_from_str(&t) else {
            continue;
        };
        let mut names = tpl.undeclared_variables(false);
        // What a slice slices (`(tok or "")[0:8]`) is not in minijinja's analysis.
        if !t.contains("{%") {
            names.extend(crate::template::sliced_reads(&t));
        }
        for name in names {
            if crate::template::FUNCTIONS.contains(&name.as_str()) {
                continue;
            }
            // Read for its value: no longer only asked whether it is set.
            cx.condition_reads.remove(&name);
            match reader {
                Reader::Script => cx.script_reads.insert(name.clone()),
                Reader::Request => cx.request_reads.insert(name.clone()),
            };
            if !only_with_fallback(&t, &name) {
                cx.read_without_fallback.insert(name.clone());
            }
            match &mut cx.current {
                Some(reads) => {
                    reads.insert(name);
                }
                None => {
                    cx.reads.insert(name, 0);
                }
            }
        }
    }
}

/// Whether every read of `name` in a template is the left side of a fallback, `(name or ...)`
/// or [`script::nullish`] (what `get(k) || d` and `get(k) ?? d` become): unset, the fallback
/// stands in.
fn only_with_fallback(template: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let reads = template
        .match_indices(name)
        .filter(|(at, _)| {
            let before = template[..*at].chars().next_back();
            let after = template[at + name.len()..].chars().next();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
        .count();
    let or = template.matches(&format!("({name} or ")).count();
    let nullish = script::nullish(name, "");
    let nullish = template.matches(nullish.trim_end_matches(")")).count();
    reads > 0 && or + script::NULLISH_READS * nullish == reads
}

fn folder(node: &Value, name: &str, children: &[Value], cx: &mut Ctx<'_>) -> Y {
    cx.report.groups += 1;
    let mut g = Y::map();
    g.set(
        "group",
        Y::str(if name.is_empty() { "folder" } else { name }),
    );
    if let Some(d) = description(node.get("description"), cx) {
        g.set("description", d);
    }
    let whose = format!("folder `{name}`");
    let mut scope = Scope {
        behaviour: behaviour(node, &whose, cx),
        ..Scope::default()
    };
    cx.whose = whose.clone();
    let vars_before = cx.token_vars.len();
    let dispatch_before = cx.dispatch.len();
    for (lines, phase) in events(node, "test", Phase::ScopeTest)
        .into_iter()
        .chain(events(node, "prerequest", Phase::PreRequest))
    {
        let (s, dispatch) = script::convert_scope(&lines, phase, &cx.known);
        scope.add(s, phase, &whose, cx);
        cx.dispatch
            .extend(dispatch.map(|d| (whose.clone(), d.into())));
    }
    let own_auth = node
        .get("auth")
        .and_then(|a| auth(a, &format!("folder `{name}`"), cx));
    let in_force = cx.auth_in_force.len();
    if let Some(a) = scope_auth(scope.oauth2.take(), own_auth, node, &whose, cx) {
        cx.auth_in_force.push(a.clone());
        g.set("auth", a);
    }
    let fails_before = cx.scope_fail.len();
    cx.scope_fail.append(&mut scope.fail);
    let statuses_before = cx.scope_status.len();
    cx.scope_status.extend(scope.expect.get("status").cloned());
    let children = scoped_items(children, &whose, &mut scope, cx);
    cx.scope_status.truncate(statuses_before);
    cx.scope_fail.truncate(fails_before);
    let requests = scope.around(children);
    if !scope.variables.is_empty_map() {
        g.set("variables", scope.variables);
    }
    if !scope.expect.is_empty_map() {
        g.child("defaults").set("expect", scope.expect);
    }
    if !scope.sets.is_empty_map() {
        g.child("defaults").set("set", scope.sets);
    }
    if !scope.headers.is_empty_map() {
        g.child("defaults").set("headers", scope.headers);
    }
    if !scope.query.is_empty_map() {
        g.child("defaults").set("query", scope.query);
    }
    for (k, v) in scope.behaviour.entries() {
        match k.as_str() {
            "cookie_jar" => no_cookies_note(&whose, cx),
            _ => g.child("defaults").set(k, v),
        }
    }
    for b in scope.blocks {
        g.comment(b);
    }
    g.set("requests", Y::Seq(requests));
    cx.token_vars.truncate(vars_before);
    cx.auth_in_force.truncate(in_force);
    note_unreached(cx, dispatch_before);
    cx.dispatch.truncate(dispatch_before);
    g
}

/// Says which lines of the scope scripts that decide by the request's name ran for no request
/// (left out of the YAML: no request of the export takes that branch).
fn note_unreached(cx: &mut Ctx<'_>, from: usize) {
    for (whose, d) in &cx.dispatch[from..] {
        let lines = d.unreached();
        if lines.is_empty() {
            continue;
        }
        let phase = d.phase.script();
        cx.report.notes.push(format!(
            "{whose}'s {phase} script: {} run for no request of the export (a branch for a request name it does not have) and were left out",
            line_ranges(&lines)
        ));
    }
}

/// `lines 3-5, 9`.
fn line_ranges(lines: &std::collections::BTreeSet<usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    for &l in lines {
        run = match run {
            Some((a, b)) if l == b + 1 => Some((a, l)),
            Some((a, b)) => {
                parts.push(if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                });
                Some((l, l))
            }
            None => Some((l, l)),
        };
    }
    if let Some((a, b)) = run {
        parts.push(if a == b {
            a.to_string()
        } else {
            format!("{a}-{b}")
        });
    }
    let word = if lines.len() == 1 { "line" } else { "lines" };
    format!("{word} {}", parts.join(", "))
}

/// The URL as Newman sends it, query string included (written into the URL, it goes out
/// byte for byte: `redirect_uri=http%3A%2F%2Fx` is not encoded again). For a URL object Newman
/// reads only its parts (`host`, `path`, `query`...), never `raw`; path variables (`/:id`) take
/// their values from `url.variable`, a `:name` without a value is sent as written.
fn url(req: &Value, request: &str, cx: &mut Ctx<'_>) -> String {
    let u = match req {
        Value::String(s) => return cx.text(s.trim_start()),
        _ => req.get("url"),
    };
    let (written, declared) = match u {
        Some(Value::String(s)) => (s.trim_start().to_string(), &[][..]),
        Some(o) => {
            let declared = o.get("variable").and_then(Value::as_array);
            let has_parts = o.get("host").is_some() || o.get("path").is_some();
            let text = match (has_parts, o.get("raw").and_then(Value::as_str)) {
                (false, Some(raw)) => raw.trim_start().to_string(),
                _ => from_parts(o),
            };
            (text, declared.map(Vec::as_slice).unwrap_or(&[]))
        }
        None => (String::new(), &[][..]),
    };
    let written = match host_tidied(&written) {
        Ok(w) => w,
        Err(c) => {
            cx.skip_because(format!(
                "its URL's host (`{written}`) holds `{c}` outside its variables, which no host can: Newman cannot send it and goes on; fix the URL and delete this line"
            ));
            written
        }
    };
    let mut hidden = Vec::new();
    let filled = path_variables(&written, declared, request, &mut hidden, cx);
    let mut url = url_text(&controls_encoded(&filled), cx);
    for (value, secret) in hidden {
        url = url.replacen(&value, &secret, 1);
    }
    url
}

/// The URL converted, its literal credentials as `secret()` references: the password of
/// `user:password@`, and a query parameter's value under a secret-looking name (`api_key`,
/// `token`), shaped like a credential, or long and random under `key`/`sig`/`signature`.
fn url_text(url: &str, cx: &mut Ctx<'_>) -> String {
    let (head, tail) = match url.split_once('?') {
        Some((h, t)) => (h, Some(t)),
        None => (url, None),
    };
    let mut out = match super::credential::url_password(head) {
        Some(pw) => {
            let secret = cx.secret_or_text(&head[pw.clone()], "PASSWORD", ("url password", ""));
            format!(
                "{}{secret}{}",
                cx.text(&head[..pw.start]),
                cx.text(&head[pw.end..])
            )
        }
        None => cx.text(head),
    };
    let Some(tail) = tail else {
        return out;
    };
    let (query, fragment) = match tail.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (tail, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) if super::credential::query_credential(k, v) => {
                let secret = cx.secret_or_text(v, &env_name(k), ("query parameter", k));
                format!("{}={secret}", cx.text(k))
            }
            _ => cx.text(p),
        })
        .collect();
    out.push('?');
    out.push_str(&params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&cx.text(f));
    }
    out
}

/// The URL with spaces around its host taken out (`http://{{host}} /login`, which Newman sends
/// to the host), or the character outside the host's variables that no host can hold
/// (`{{host}}}/x`: Newman fails that request).
fn host_tidied(url: &str) -> Result<String, char> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) if !s.contains(['/', '{']) => (&url[..s.len() + 3], r),
        _ => ("", url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..end].trim();
    let mut outside = host.to_string();
    while let Some(start) = outside.find("{{") {
        let Some(close) = outside[start..].find("}}") else {
            break;
        };
        outside.replace_range(start..start + close + 2, "");
    }
    if let Some(c) = outside
        .chars()
        .find(|c| c.is_whitespace() || "{}<>\"\\^`|".contains(*c))
    {
        return Err(c);
    }
    Ok(format!("{scheme}{host}{}", &rest[end..]))
}

/// A newline, tab or other control character in a URL (a path segment pasted with its line
/// end: `336\n`) as Newman sends it, percent-encoded: a URL parser would drop it.
fn controls_encoded(url: &str) -> String {
    url.chars()
        .map(|c| match c {
            c if c.is_ascii_control() => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// A URL object's parts joined as Newman joins them: `protocol://auth@host:port/path?query`
/// (the fragment is never sent). Query keys escape `&`, `#` and `=`, values `&` and `#`,
/// outside `{{...}}`; a parameter without a value is its key alone; disabled ones are left out.
fn from_parts(u: &Value) -> String {
    let piece = |p: &Value| match p {
        Value::String(s) => Some(s.clone()),
        other => other
            .get("value")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let join = |key: &str, sep: &str| match u.get(key) {
        Some(Value::Array(parts)) => parts.iter().filter_map(piece).collect::<Vec<_>>().join(sep),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let mut out = match u.get("protocol").and_then(Value::as_str) {
        Some(p) if !p.is_empty() => format!("{}://", p.trim_end_matches("://")),
        _ => String::new(),
    };
    if let Some(auth) = u.get("auth").filter(|a| a.is_object()) {
        let user = auth.get("user").and_then(Value::as_str).unwrap_or("");
        let pass = auth.get("password").and_then(Value::as_str).unwrap_or("");
        if !user.is_empty() || !pass.is_empty() {
            out.push_str(&format!("{user}:{pass}@"));
        }
    }
    out.push_str(&join("host", "."));
    if let Some(port) = u
        .get("port")
        .and_then(|p| piece(p).or(p.as_u64().map(|n| n.to_string())))
        && !port.is_empty()
    {
        out.push(':');
        out.push_str(&port);
    }
    let path = join("path", "/");
    match u.get("path") {
        // Newman sends `/` + the segments joined: an empty first segment (`["", "admin"]`)
        // makes `//admin`, as written.
        Some(Value::Array(parts)) if !parts.is_empty() => {
            out.push('/');
            out.push_str(&path);
        }
        _ if !path.is_empty() => {
            if !path.starts_with('/') {
                out.push('/');
            }
            out.push_str(&path);
        }
        _ => {}
    }
    let params: Vec<String> = u
        .get("query")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("disabled").and_then(Value::as_bool) != Some(true))
        .map(|p| {
            let key = p.get("key").and_then(Value::as_str).unwrap_or("");
            let key = escape_outside_vars(key, &[('&', "%26"), ('#', "%23"), ('=', "%3D")]);
            match p.get("value") {
                None | Some(Value::Null) => key,
                Some(v) => {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    let v = escape_outside_vars(&v, &[('&', "%26"), ('#', "%23")]);
                    format!("{key}={v}")
                }
            }
        })
        .collect();
    if !params.is_empty() {
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// Escapes characters of a query key or value, except inside `{{...}}` (Postman's unparse).
fn escape_outside_vars(s: &str, map: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        if rest.starts_with("{{")
            && let Some(end) = rest.find("}}")
            && !rest[2..end].contains(['{', '}'])
        {
            out.push_str(&rest[..end + 2]);
            rest = &rest[end + 2..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match map.iter().find(|(m, _)| *m == c) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `/:name` segments filled with the values of `url.variable`, as Newman fills them: the name
/// runs to the first `.` (`/:id.json`), only a non-empty value replaces it, and only in the
/// path. The value is written into the URL (a variable would be shadowed by an environment's
/// variable of the same name, which Newman never lets happen).
///
/// A credential (`/:token` = `ghp_...`) is written as its value and put in `hidden` with the
/// `secret()` reference that stands for it in the converted URL.
fn path_variables(
    url: &str,
    declared: &[Value],
    request: &str,
    hidden: &mut Vec<(String, String)>,
    cx: &mut Ctx<'_>,
) -> String {
    let before_query = url.find(['?', '#']).unwrap_or(url.len());
    let path_start = url[..before_query].find("://").map_or(0, |i| i + 3);
    let path_end = url[path_start..]
        .find(['?', '#'])
        .map_or(url.len(), |i| path_start + i);
    let (head, path, tail) = (
        &url[..path_start],
        &url[path_start..path_end],
        &url[path_end..],
    );
    let segments: Vec<String> = path
        .split('/')
        .enumerate()
        .map(|(i, seg)| {
            let Some(var) = seg.strip_prefix(':').filter(|_| i > 0) else {
                return seg.to_string();
            };
            let name = var.split('.').next().unwrap_or(var);
            let rest = &var[name.len()..];
            let found = declared
                .iter()
                .find(|v| v.get("key").and_then(Value::as_str) == Some(name))
                .and_then(|v| v.get("value"));
            let value = match found {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => String::new(),
            };
            if name.is_empty() {
                return seg.to_string();
            }
            if value.is_empty() {
                cx.report.shared.push(SharedNote {
                    whose: format!("`{request}` (`:{name}`)"),
                    one: format!(
                        "request `{request}`: path variable `:{name}` has no value in the export: it is sent as `:{name}`, as Newman sends it"
                    ),
                    many: "{n} path variables have no value in the export ({list}): each is sent as written, `:name`, as Newman sends it".into(),
                    detail: String::new(),
                });
                return seg.to_string();
            }
            cx.report.path_variables += 1;
            // `/:token` = `ghp_...`: a credential is asked for, never written.
            if !value.contains("{{") && (looks_secret(name) || looks_credential(&value)) {
                let secret = cx.secret_or_text(&value, &env_name(name), ("path variable", name));
                hidden.push((value.clone(), secret));
            }
            format!("{value}{rest}")
        })
        .collect();
    format!("{head}{}{tail}", segments.join("/"))
}

/// Enabled headers as Newman sends them: a name written several times is sent once per value
/// (a list), names that differ only in case keep the last one (Node's client does), empty
/// names are left out.
/// The oauth2 block in scope that fetches the token the request's own `Authorization` header
/// sends (the header is left out, see `headers`).
fn fetched_in_header(req: &Value, cx: &Ctx<'_>) -> Option<Y> {
    let Some(Value::Array(list)) = req.get("header") else {
        return None;
    };
    list.iter().find_map(|h| {
        let on = h.get("disabled").and_then(Value::as_bool) != Some(true);
        let key = h.get("key").and_then(Value::as_str)?;
        let value = h.get("value").and_then(Value::as_str)?;
        match on && key.trim().eq_ignore_ascii_case("authorization") {
            true => cx.fetched_by(&cx.text_of(value), "Bearer ").cloned(),
            false => None,
        }
    })
}

fn headers(list: Option<&Value>, cx: &mut Ctx<'_>) -> Y {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for h in list.and_then(Value::as_array).into_iter().flatten() {
        if h.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let (Some(k), Some(v)) = (
            h.get("key").and_then(Value::as_str),
            h.get("value")
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
        ) else {
            continue;
        };
        if k.trim().is_empty() {
            continue;
        }
        if k.eq_ignore_ascii_case("authorization")
            && cx.is_fetched_token(&cx.text_of(&v), "Bearer ")
        {
            // The oauth2 block the token request became sends it.
            continue;
        }
        let value = hidden_header(k, &v, cx).unwrap_or_else(|| cx.text(&v));
        match out
            .iter_mut()
            .find(|(name, _)| name.eq_ignore_ascii_case(k))
        {
            Some((name, values)) if name == k => values.push(value),
            Some(entry) => *entry = (k.to_string(), vec![value]),
            None => out.push((k.to_string(), vec![value])),
        }
    }
    let mut y = Y::map();
    for (k, mut values) in out {
        let v = match values.len() {
            1 => Y::str(values.remove(0)),
            _ => Y::Seq(values.into_iter().map(Y::str).collect()),
        };
        y.set(k, v);
    }
    y
}

/// The Content-Type Newman gives a raw body of each language when the request names none.
fn raw_type(language: &str) -> &'static str {
    match language {
        "json" => "application/json",
        "xml" => "application/xml",
        "html" => "text/html",
        "javascript" => "application/javascript",
        _ => "text/plain",
    }
}

/// A body that is one variable (`{{payload}}`): Newman sends the variable's text as it is at
/// that moment, so yarc sends it as text too (as `json:` it would be parsed and written again,
/// its keys reordered, and a value set to plain text later sent in quotes).
fn only_a_variable(raw: &str) -> bool {
    let raw = raw.trim();
    raw.strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .is_some_and(|inner| {
            !inner.is_empty() && inner.trim() == inner && !inner.contains(['{', '}'])
        })
}

fn json_type(t: &str) -> bool {
    let t = t.trim().to_ascii_lowercase();
    let essence = t.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// An item's body as Newman sends it: none for GET, HEAD, COPY, PURGE and UNLOCK (unless the
/// item turns body pruning off).
fn item_body(
    node: &Value,
    req: &Value,
    method: &str,
    headers: &mut Y,
    cx: &mut Ctx<'_>,
) -> Option<(&'static str, Y)> {
    let behaviour = |p: &str| {
        node.pointer(&format!("/protocolProfileBehavior/{p}")) == Some(&Value::Bool(true))
    };
    if matches!(method, "GET" | "HEAD" | "COPY" | "PURGE" | "UNLOCK")
        && !behaviour("disableBodyPruning")
    {
        return None;
    }
    // `disabledSystemHeaders: { content-type: true }`: Newman adds none for a raw body.
    let untyped = behaviour("disabledSystemHeaders/content-type");
    req.get("body").and_then(|b| body(b, headers, untyped, cx))
}

/// A raw body: `json:` when Newman treats it as JSON and it parses, else `text:` with the
/// Content-Type Newman adds for its language (none where the request turns it off).
fn raw_body(
    b: &Value,
    headers: &mut Y,
    user_type: Option<String>,
    untyped: bool,
    cx: &mut Ctx<'_>,
) -> Option<(&'static str, Y)> {
    let raw = b.get("raw").and_then(Value::as_str).unwrap_or("");
    if raw.is_empty() {
        return None;
    }
    if untyped && user_type.is_none() {
        let text = cx.text(raw);
        return Some(("text", Y::str(hide_text_secrets(&text, cx))));
    }
    let language = b
        .pointer("/options/raw/language")
        .and_then(Value::as_str)
        .unwrap_or("");
    let as_json =
        language == "json" || (language.is_empty() && user_type.as_deref().is_some_and(json_type));
    let blank = as_json
        .then(|| bare_blank(raw, &cx.exported_not_json))
        .flatten();
    if let Some(name) = &blank {
        let what = match cx.exported_empty.contains(&ident(name)) {
            true => "it is empty in the export",
            false => "its value in the export is no JSON",
        };
        let note = format!(
            "JSON bodies that paste `{{{{{name}}}}}` outside quotes are kept as text: {what}, so Newman sends them as written (not JSON) until it is set; yarc sends the same"
        );
        if !cx.report.notes.contains(&note) {
            cx.report.notes.push(note);
        }
    } else if as_json && !cx.exact_body && !only_a_variable(raw) {
        if let Some(number) = rounded_number(raw) {
            cx.report.notes.push(format!(
                "a raw JSON body holding the number {number}, which JSON tools would round, is sent as text, as Newman sends it"
            ));
        } else if let Some(mut json) = json_body(raw, cx) {
            hide_field_secrets(&mut json, "JSON field", cx);
            return Some(("json", json));
        }
    }
    let note_unparsed = as_json && blank.is_none() && !only_a_variable(raw) && !cx.exact_body;
    if note_unparsed && rounded_number(raw).is_none() {
        cx.report
                .notes
                .push("a raw JSON body did not parse and is sent as text, as Newman sends it (comments taken out)".into());
    }
    if user_type.is_none() {
        headers.set("Content-Type", Y::str(raw_type(language)));
    }
    // Newman takes the comments out of a JSON body even when what is left is no JSON.
    let raw = match as_json {
        true => strip_json_comments(raw),
        false => raw.to_string(),
    };
    let text = cx.text(&raw);
    Some(("text", Y::str(hide_text_secrets(&text, cx))))
}

/// A body sent as text that holds JSON fields with credentials (`[{"password": "x"}]`, a
/// list; JSON without a Content-Type): each such value read from `secret()` where it
/// stands, as a JSON body's field is.
fn hide_text_secrets(text: &str, cx: &mut Ctx<'_>) -> String {
    static FIELD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = FIELD.get_or_init(|| {
        regex::Regex::new(r#""([A-Za-z_$][\w$.-]*)"(\s*:\s*)"((?:[^"\\{}]|\\.)*)""#)
            .expect("valid regex")
    });
    if !re.is_match(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in re.captures_iter(text) {
        let (whole, key, value) = (c.get(0).expect("a match"), &c[1], &c[3]);
        let Ok(value_text) = serde_json::from_str::<String>(&format!("\"{value}\"")) else {
            continue;
        };
        if !super::credential::field_credential(key, &value_text) {
            continue;
        }
        let read = cx.secret_or_text(&value_text, &env_name(key), ("JSON field", key));
        let Some(expr) = super::vars::one_expression(&read) else {
            continue;
        };
        out.push_str(&text[at..whole.start()]);
        out.push_str(&format!("\"{key}\"{}{{{{ {expr} | tojson }}}}", &c[2]));
        at = whole.end();
    }
    out.push_str(&text[at..]);
    out
}

/// The body and the key it is written under. A raw body is `json:` when Newman treats it as
/// JSON (language json, or none and a JSON Content-Type) and it parses; otherwise `text:`, with
/// the Content-Type Newman would add (`headers` gets it when the request names none and
/// `untyped`, Postman's disabled Content-Type system header, does not say otherwise). A file
/// the body needs that the export does not hold makes the request skipped, with the reason.
fn body(b: &Value, headers: &mut Y, untyped: bool, cx: &mut Ctx<'_>) -> Option<(&'static str, Y)> {
    if b.get("disabled").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let user_type = match headers {
        Y::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| match v {
                Y::Str(s) => s.clone(),
                _ => String::new(),
            }),
        _ => None,
    };
    match b.get("mode").and_then(Value::as_str)? {
        "raw" => raw_body(b, headers, user_type, untyped, cx),
        "urlencoded" => {
            let form = pairs(b.get("urlencoded"), cx);
            (!form.is_empty_map()).then_some(("form", form))
        }
        "formdata" => formdata(b, cx).map(|parts| ("multipart", parts)),
        "file" => {
            let src = b.pointer("/file/src").and_then(Value::as_str).unwrap_or("");
            if src.is_empty() {
                // No file chosen in the export: Newman sends the request without a body.
                return None;
            }
            let src = cx.upload(src, "the body file");
            Some(("file", Y::str(super::vars::literal(&src))))
        }
        "graphql" => {
            let q = b
                .pointer("/graphql/query")
                .and_then(Value::as_str)
                .unwrap_or("");
            let vars = b
                .pointer("/graphql/variables")
                .and_then(Value::as_str)
                .unwrap_or("");
            // Newman pastes the variables' text as it is: text that is no JSON (`{"id": 1,}`)
            // makes a body that is none either, which yarc sends alike.
            let not_json = !vars.trim().is_empty()
                && !vars.contains("{{")
                && serde_json::from_str::<Value>(vars).is_err();
            // So does a variable the export leaves empty pasted outside quotes (`{"id": {{id}}}`).
            let verbatim = not_json || bare_blank(vars, &cx.exported_not_json).is_some();
            if verbatim && let Some(text) = graphql_text(q, vars, headers, user_type.is_none(), cx)
            {
                return Some(("text", text));
            }
            let mut m = Y::map();
            m.set("query", Y::str(cx.text(q)));
            if let Some(v) = json_body(vars, cx).filter(|_| !vars.trim().is_empty()) {
                m.set("variables", v);
            }
            // `"variables": null` in the export: Newman writes the whole object with JSON,
            // the null included.
            if b.pointer("/graphql/variables") == Some(&Value::Null) {
                m.set("variables", Y::Null);
            }
            Some(("json", m))
        }
        _ => None,
    }
}

/// The body Newman writes for a GraphQL request: its query as JSON, its variables' text as
/// it is.
fn graphql_text(
    query: &str,
    vars: &str,
    headers: &mut Y,
    untyped: bool,
    cx: &mut Ctx<'_>,
) -> Option<Y> {
    let query = serde_json::to_string(query).ok()?;
    if untyped {
        headers.set("Content-Type", Y::str("application/json"));
    }
    Some(Y::str(cx.text(&format!(
        "{{\"query\":{query},\"variables\":{vars}}}"
    ))))
}

/// Multipart parts; a file part whose file is not there makes the request skipped (Newman
/// drops the part and sends the rest, which an API answers with an error).
fn formdata(b: &Value, cx: &mut Ctx<'_>) -> Option<Y> {
    let mut parts = Y::map();
    for p in b
        .get("formdata")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if p.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(k) = p.get("key").and_then(Value::as_str) else {
            continue;
        };
        let name = field_name(k, cx);
        if p.get("type").and_then(Value::as_str) == Some("file") {
            let src = match p.get("src") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(a)) => {
                    a.first().and_then(Value::as_str).unwrap_or("").to_string()
                }
                _ => String::new(),
            };
            if src.is_empty() {
                // No file chosen in the export: Newman sends the part empty, named "".
                let note = "multipart file parts with no file chosen in the export are sent as Newman sends them, empty (`content: \"\"`): name a file under `file:` to upload one".to_string();
                if !cx.report.notes.contains(&note) {
                    cx.report.notes.push(note);
                }
                let empty = vec![
                    ("content".into(), Y::str("")),
                    ("filename".into(), Y::str("")),
                ];
                add_part(&mut parts, &name, Y::Map(empty));
                continue;
            }
            let src = cx.upload(&src, &format!("the upload file of part `{k}`"));
            let file = Y::str(super::vars::literal(&src));
            add_part(&mut parts, &name, Y::Map(vec![("file".into(), file)]));
        } else {
            let v = p.get("value").map_or(String::new(), |v| {
                v.as_str().map_or_else(|| v.to_string(), str::to_string)
            });
            let v = match super::credential::field_credential(k, &v) {
                true => cx.secret_or_text(&v, &env_name(k), ("form field", k)),
                false => cx.text(&v),
            };
            // A text part with its own type (`contentType`): Newman sends that Content-Type.
            let typed = p
                .get("contentType")
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty() && !t.contains("{{"));
            match typed {
                Some(t) => add_part(
                    &mut parts,
                    &name,
                    Y::Map(vec![
                        ("content".into(), Y::str(v)),
                        ("content_type".into(), Y::str(t.trim())),
                    ]),
                ),
                None => add_part(&mut parts, &name, Y::str(v)),
            }
        }
    }
    (!parts.is_empty_map()).then_some(parts)
}

/// A part under its name; a name given again holds a list of its parts (yarc sends each).
fn add_part(parts: &mut Y, name: &str, part: Y) {
    match parts.get_mut(name) {
        Some(Y::Seq(list)) => list.push(part),
        Some(first) => *first = Y::Seq(vec![std::mem::take(first), part]),
        None => parts.set(name, part),
    }
}

/// Urlencoded fields in the order Newman sends them: they pass through a JavaScript object, so
/// integer-like keys come first, ascending, and a repeated key's values go out together at its
/// first place (a list).
fn pairs(list: Option<&Value>, cx: &mut Ctx<'_>) -> Y {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for p in list.and_then(Value::as_array).into_iter().flatten() {
        if p.get("disabled").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(k) = p.get("key").and_then(Value::as_str) else {
            continue;
        };
        let v = p.get("value").map_or(String::new(), |v| {
            v.as_str().map_or_else(|| v.to_string(), str::to_string)
        });
        let v = match super::credential::field_credential(k, &v) {
            true => cx.secret_or_text(&v, &env_name(k), ("form field", k)),
            false => cx.text(&v),
        };
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some((_, values)) => values.push(v),
            None => fields.push((k.to_string(), vec![v])),
        }
    }
    let index = |k: &str| {
        (!k.is_empty() && k.len() < 10 && k.bytes().all(|b| b.is_ascii_digit()))
            .then(|| k.parse::<u64>().ok())
            .flatten()
            .filter(|n| n.to_string() == k)
    };
    fields.sort_by_key(|(k, _)| match index(k) {
        Some(n) => (0, n),
        None => (1, 0),
    });
    let mut out = Y::map();
    for (k, mut values) in fields {
        let v = match values.len() {
            1 => Y::str(values.remove(0)),
            _ => Y::Seq(values.into_iter().map(Y::str).collect()),
        };
        out.set(field_name(&k, cx), v);
    }
    out
}

/// A form field's name as yarc writes it: a template where it reads a variable (`{{field}}`,
/// which Postman fills in the name too), the text as written otherwise.
fn field_name(k: &str, cx: &mut Ctx<'_>) -> String {
    match k.contains('{') {
        true => cx.text(k),
        false => k.to_string(),
    }
}

/// The first variable a JSON body pastes in as a value (`"RoleId": {{role}}`, outside quotes)
/// that the export leaves empty or gives text that is no JSON: Newman sends `"RoleId": ,` or
/// `"password": test1` then.
fn bare_blank(raw: &str, empty: &BTreeSet<String>) -> Option<String> {
    static BARE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = BARE.get_or_init(|| {
        // After a key, in a list, or the whole body (`{{product_update}}`).
        regex::Regex::new(r"(?:^|[:\[,])\s*\{\{\s*([^{}\s]+)\s*\}\}").expect("valid regex")
    });
    re.captures_iter(raw)
        .map(|c| c[1].to_string())
        .find(|n| empty.contains(&ident(n)))
}

/// The values of the secret-looking variables of the collection and its environments, by
/// the name their `secret()` reference gets: an environment's first (its value is the one
/// Postman sends); another value of the same name is named apart (`TOKEN_2`, with where it is),
/// so a check of that literal never reads a secret holding another.
fn exported_secrets(
    collection: &Value,
    environments: &[Value],
    by_use: &HashSet<String>,
) -> (HashMap<String, String>, HashMap<String, SecretSource>) {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut apart = HashMap::new();
    let mut lists: Vec<(String, Option<&Value>)> = environments
        .iter()
        .map(|e| {
            let name = e
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("environment");
            let list = e.get("values").or_else(|| e.pointer("/environment/values"));
            (format!("environment `{name}`"), list)
        })
        .collect();
    lists.push(("the collection".into(), collection.get("variable")));
    for (whose, list) in lists {
        for v in list.and_then(Value::as_array).into_iter().flatten() {
            let Some(key) = v.get("key").and_then(Value::as_str) else {
                continue;
            };
            if !secret_variable(key, v, by_use) {
                continue;
            }
            let value = v.get("value").and_then(Value::as_str).unwrap_or_default();
            let env = env_name(key);
            let name = std::iter::once(env.clone())
                .chain((2..).map(|n| format!("{env}_{n}")))
                .find(|n| out.get(n).is_none_or(|held| held == value))
                .unwrap_or(env.clone());
            if name != env && !out.contains_key(&name) {
                let source = SecretSource {
                    whose: whose.clone(),
                    field: "variable",
                    key: key.to_string(),
                };
                apart.insert(name.clone(), source);
            }
            out.entry(name).or_insert_with(|| value.to_string());
        }
    }
    (out, apart)
}

/// The variables (as yarc names them) the export sends as credentials, wherever it does:
/// the `{{name}}`s in `Authorization`, `Proxy-Authorization` and `Cookie` headers and in the
/// secret fields of every auth block (a bearer token, a password, an API key's value, ...).
fn credential_uses(node: &Value) -> HashSet<String> {
    const HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];
    const FIELDS: &[&str] = &[
        "token",
        "password",
        "value",
        "accessToken",
        "clientSecret",
        "refreshToken",
        "secretKey",
        "sessionToken",
        "authKey",
        "consumerSecret",
        "tokenSecret",
        "secret",
        "privateKey",
    ];
    let mut out = HashSet::new();
    let mut texts: Vec<&str> = Vec::new();
    let mut stack = vec![node];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(Value::Array(hs)) = o.get("header") {
                    texts.extend(hs.iter().filter_map(|h| {
                        let k = h.get("key")?.as_str()?;
                        HEADERS
                            .contains(&k.to_ascii_lowercase().as_str())
                            .then_some(())?;
                        h.get("value")?.as_str()
                    }));
                }
                if let Some(auth) = o.get("auth")
                    && let Some(kind) = auth.get("type").and_then(Value::as_str)
                    && let Some(Value::Array(fields)) = auth.get(kind)
                {
                    texts.extend(fields.iter().filter_map(|f| {
                        FIELDS.contains(&f.get("key")?.as_str()?).then_some(())?;
                        f.get("value")?.as_str()
                    }));
                }
                stack.extend(o.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    for t in texts {
        out.extend(references().captures_iter(t).map(|c| ident(&c[1])));
    }
    out
}

/// A Postman variable reference, `{{name}}` (not a `{{$dynamic}}` one): group 1 is the name.
fn references() -> &'static regex::Regex {
    static NAMES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| regex::Regex::new(r"\{\{\s*([^{}$][^{}]*?)\s*\}\}").expect("valid regex"))
}

/// Names the collection and its environments define only with an empty value.
fn exported_empty(collection: &Value, environments: &[Value]) -> BTreeSet<String> {
    exported_where(collection, environments, |v| {
        v.is_none_or(|x| x.as_str() == Some(""))
    })
}

/// Names whose every value in the collection and its environments is no JSON (empty, or text
/// such as `test1`): pasted into a JSON body outside quotes, Newman sends what is no JSON.
fn exported_not_json(collection: &Value, environments: &[Value]) -> BTreeSet<String> {
    exported_where(collection, environments, |v| match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).is_err(),
        Some(_) => false,
    })
}

/// The JSON objects the collection's and environments' variables hold (one name, one value:
/// a name given two different ones is left out).
fn known(collection: &Value, environments: &[Value]) -> script::Known {
    let mut json: HashMap<String, Value> = HashMap::new();
    let mut texts = BTreeSet::new();
    let mut conflicting = BTreeSet::new();
    let lists = variable_lists(collection, environments);
    for v in lists.flatten().filter_map(Value::as_array).flatten() {
        let (Some(key), Some(text)) = (
            v.get("key").and_then(Value::as_str),
            v.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        texts.insert(ident(key));
        let Ok(parsed @ Value::Object(_)) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        if json
            .get(&ident(key))
            .is_some_and(|before| *before != parsed)
        {
            conflicting.insert(ident(key));
        }
        json.insert(ident(key), parsed);
    }
    json.retain(|k, _| !conflicting.contains(k));
    // Objects a script stores (`pm.globals.set("schemas", schemas)`), when the export gives
    // the name nothing else.
    let mut stored: HashMap<String, Value> = HashMap::new();
    let (mut twice, mut script_sets) = (BTreeSet::new(), BTreeSet::new());
    let mut null_sets = BTreeSet::new();
    for lines in every_script(collection) {
        script_sets.extend(script::set_targets(&lines));
        null_sets.extend(script::null_sets(&lines));
        for (name, v) in script::objects_set(&lines, &stored) {
            if stored.get(&name).is_some_and(|before| *before != v) {
                twice.insert(name.clone());
            }
            stored.insert(name, v);
        }
    }
    stored.retain(|k, _| !twice.contains(k) && !texts.contains(k) && !json.contains_key(k));
    let values = exported_values(collection, environments, &script_sets);
    script::Known {
        json: std::rc::Rc::new(json),
        texts: std::rc::Rc::new(texts),
        script_sets: std::rc::Rc::new(script_sets),
        null_sets: std::rc::Rc::new(null_sets),
        stored: std::rc::Rc::new(stored),
        values: std::rc::Rc::new(values),
        scope_lacks: std::rc::Rc::new(scope_lacks(collection, environments)),
        unsets: every_script(collection)
            .iter()
            .flatten()
            .any(|l| l.contains(".unset(") || l.contains(".clear(")),
        made_global: Default::default(),
        assigned: std::rc::Rc::new(assigned_anywhere(collection)),
    }
}

/// The names any script of the export assigns (`x = ...`) or declares.
fn assigned_anywhere(collection: &Value) -> BTreeSet<String> {
    static NAME: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = NAME.get_or_init(|| {
        regex::Regex::new(
            r"\b(?:var|let|const|function|class)\s+([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$]*)\s*(?:=[^=>]|=$)",
        )
        .expect("valid regex")
    });
    let text = every_script(collection).concat().join("\n");
    (re.captures_iter(&text))
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Reads of a scope that cannot hold the name ([`script::Known::scope_lacks`]): a name the
/// collection or an environment defines, or a script sets, read from the collection's or the
/// environment's scope that none of them gives it. The environment's only when environments
/// were given (the user's own may hold it); never where a script sets a name it computes.
fn scope_lacks(collection: &Value, environments: &[Value]) -> BTreeSet<String> {
    let names = |list: Option<&Value>| -> BTreeSet<String> {
        (list.and_then(Value::as_array).into_iter().flatten())
            .filter_map(|v| v.get("key").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    let globals =
        |e: &&Value| e.get("_postman_variable_scope").and_then(Value::as_str) == Some("globals");
    let in_collection = names(collection.get("variable"));
    let (global_files, env_files): (Vec<&Value>, Vec<&Value>) =
        environments.iter().partition(globals);
    let list = |e: &Value| {
        e.get("values")
            .or_else(|| e.pointer("/environment/values"))
            .cloned()
    };
    let in_env: BTreeSet<String> = env_files
        .iter()
        .flat_map(|e| names(list(e).as_ref()))
        .collect();
    let in_globals: BTreeSet<String> = global_files
        .iter()
        .flat_map(|e| names(list(e).as_ref()))
        .collect();
    let scripts = every_script(collection).concat().join("\n");
    let set_in = |setters: &str| names_set(&scripts, setters);
    let (env_sets, env_computed) = set_in(r"pm\.environment\.set|postman\.setEnvironmentVariable");
    let (coll_sets, coll_computed) = set_in(COLLECTION_SETTERS);
    let (other_sets, _) = set_in(r"pm\.globals\.set|postman\.setGlobalVariable|pm\.variables\.set");
    let everything: BTreeSet<&String> = [
        &in_collection,
        &in_env,
        &in_globals,
        &env_sets,
        &coll_sets,
        &other_sets,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut out = BTreeSet::new();
    for n in everything {
        if !coll_computed && !in_collection.contains(n) && !coll_sets.contains(n) {
            out.insert(format!("collection:{n}"));
        }
        if !env_files.is_empty() && !env_computed && !in_env.contains(n) && !env_sets.contains(n) {
            out.insert(format!("environment:{n}"));
        }
    }
    out
}

/// The one value the export gives each variable no script sets (by its name as written): not
/// one the collection and an environment, or two environments, give differently, nor one that
/// is a template itself or switched off.
fn exported_values(
    collection: &Value,
    environments: &[Value],
    script_sets: &BTreeSet<String>,
) -> HashMap<String, script::Exported> {
    let mut values: HashMap<String, script::Exported> = HashMap::new();
    let mut conflicting = BTreeSet::new();
    // The collection's list comes first, the environments' after it.
    let lists = variable_lists(collection, environments).enumerate();
    for (list, v) in lists.flat_map(|(i, l)| {
        let items = l.and_then(Value::as_array).into_iter().flatten();
        items.map(move |v| (i, v))
    }) {
        let off = v.get("disabled").and_then(Value::as_bool) == Some(true)
            || v.get("enabled").and_then(Value::as_bool) == Some(false);
        let (Some(key), Some(text)) = (
            v.get("key").and_then(Value::as_str),
            v.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        if off || text.contains("{{") || script_sets.contains(&ident(key)) {
            conflicting.insert(key.to_string());
            continue;
        }
        let entry = values
            .entry(key.to_string())
            .or_insert_with(|| script::Exported {
                value: text.to_string(),
                ..Default::default()
            });
        if entry.value != text {
            conflicting.insert(key.to_string());
        }
        match list {
            0 => entry.in_collection = true,
            _ => entry.in_environment = true,
        }
    }
    values.retain(|k, _| !conflicting.contains(k));
    values
}

/// The lines of every script of the collection, its folders' and its requests'.
fn every_script(node: &Value) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = ["prerequest", "test"]
        .into_iter()
        .flat_map(|listen| events(node, listen, Phase::Test))
        .map(|(lines, _)| lines)
        .collect();
    for item in node
        .get("item")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.extend(every_script(item));
    }
    out
}

/// The variable lists of the collection and of each environment (either export form).
fn variable_lists<'a>(
    collection: &'a Value,
    environments: &'a [Value],
) -> impl Iterator<Item = Option<&'a Value>> {
    std::iter::once(collection.get("variable")).chain(
        environments
            .iter()
            .map(|e| e.get("values").or_else(|| e.pointer("/environment/values"))),
    )
}

/// Names every environment given defines (none without environments): Postman reads them
/// before the collection's and the globals' variables of the same name.
fn defined_by_every_environment(environments: &[Value]) -> BTreeSet<String> {
    let mut out: Option<BTreeSet<String>> = None;
    for e in environments {
        let list = e.get("values").or_else(|| e.pointer("/environment/values"));
        let names: BTreeSet<String> = list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|v| v.get("disabled").and_then(Value::as_bool) != Some(true))
            .filter_map(|v| v.get("key").and_then(Value::as_str).map(ident))
            .collect();
        out = Some(match out {
            Some(before) => &before & &names,
            None => names,
        });
    }
    out.unwrap_or_default()
}

/// A script's `pm.collectionVariables.set()` (or the globals') of a name every environment
/// defines changes nothing Newman sends: it reads the environment's. Left out, and said —
/// unless the script also sets the name in the environment's (or the local) scope.
fn drop_shadowed_sets(s: &mut Script, cx: &mut Ctx<'_>) {
    for name in std::mem::take(&mut s.shared) {
        if !cx.env_defined.contains(&name) || s.reaching.contains(&name) {
            continue;
        }
        let mut gone = false;
        for map in [&mut s.capture, &mut s.sets, &mut s.variables] {
            gone |= map.remove(&name).is_some();
        }
        if gone {
            cx.shadowed.insert(name);
        }
    }
}

/// One summary line for [`drop_shadowed_sets`].
fn shadowed_note(cx: &Ctx<'_>) -> Option<String> {
    if cx.shadowed.is_empty() {
        return None;
    }
    let names: Vec<String> = cx.shadowed.iter().map(|n| format!("`{n}`")).collect();
    Some(format!(
        "scripts set {} in the collection's (or the globals') scope, but the environment defines them, which Postman reads first: those sets change nothing Newman sends and are left out",
        names.join(", ")
    ))
}

/// Names every enabled definition of which in the collection and its environments holds.
fn exported_where(
    collection: &Value,
    environments: &[Value],
    holds: impl Fn(Option<&Value>) -> bool,
) -> BTreeSet<String> {
    let mut seen: std::collections::BTreeMap<String, bool> = Default::default();
    let lists = variable_lists(collection, environments);
    for list in lists.flatten().filter_map(Value::as_array) {
        for v in list {
            let enabled = v.get("disabled").and_then(Value::as_bool) != Some(true);
            let (Some(key), true) = (v.get("key").and_then(Value::as_str), enabled) else {
                continue;
            };
            let all = seen.entry(ident(key)).or_insert(true);
            *all &= holds(v.get("value"));
        }
    }
    seen.into_iter()
        .filter(|(_, b)| *b)
        .map(|(k, _)| k)
        .collect()
}

/// A raw body that is JSON once its `{{var}}`s are stood in for (inside a JSON string as is,
/// outside one quoted); a string that was only a variable becomes `"{{ var }}"`, which yarc
/// sends with the variable's own type.
/// `//` and `/* */` comments out of JSON text, outside strings (strip-json-comments, as
/// Newman does: nothing put in their place).
fn strip_json_comments(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if !in_string && (rest.starts_with("//") || rest.starts_with("/*")) {
            let end = match rest.starts_with("//") {
                true => rest.find('\n').unwrap_or(rest.len()),
                false => rest.find("*/").map_or(rest.len(), |e| e + 2),
            };
            rest = &rest[end..];
            continue;
        }
        match c {
            '\\' if in_string && !escaped => escaped = true,
            '"' if !escaped => {
                in_string = !in_string;
            }
            _ => escaped = false,
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The dynamic variables whose text is JSON (a number, a boolean): pasted into a JSON body
/// unquoted, they keep it JSON.
const JSON_DYNAMIC: &[&str] = &["$timestamp", "$randomInt", "$randomBoolean", "$randomPrice"];

fn json_body(raw: &str, cx: &mut Ctx<'_>) -> Option<Y> {
    let mut text = String::new();
    // (the converted template, whether it stood inside a JSON string), and the text as written
    let mut found: Vec<(String, bool)> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    // Newman takes comments out before sending; yarc writes the rest as JSON.
    let uncommented = strip_json_comments(raw.strip_prefix('\u{feff}').unwrap_or(raw));
    let mut rest = uncommented.as_str();
    while let Some(c) = rest.chars().next() {
        // A variable to Postman is `{{` and `}}` with no brace between: `"{{last_name}",` is
        // text, and the `}}` of a later `"{{password}}"` closes only that one.
        if !escaped
            && rest.starts_with("{{")
            && let Some(end) = rest.find("}}")
            && !rest[2..end].contains(['{', '}'])
        {
            let inner = &rest[2..end];
            if !in_string && inner.trim() != inner {
                // `"on": {{ flag }}`: no variable to Postman, which sends the braces — not
                // JSON; the body is sent as text, as written.
                return None;
            }
            if !in_string && inner.starts_with('$') && !JSON_DYNAMIC.contains(&inner) {
                // `"name": {{$randomFullName}}`: Postman pastes a name in, unquoted — not JSON
                // (the API answers 400); the body is sent as text, as written, so yarc does too.
                return None;
            }
            let stand_in = format!("__yarc_{}__", found.len());
            let converted = cx.text(&rest[..end + 2]);
            if in_string {
                found.push((converted, true));
                text.push_str(&stand_in);
            } else {
                // Postman pastes the text in: `"size": {{n}}` sends a number. `from_json` does too.
                let expr = converted.trim_end_matches('}').trim_end();
                found.push((format!("{expr} | from_json }}}}"), false));
                text.push_str(&format!("\"{stand_in}\""));
            }
            rest = &rest[end + 2..];
            continue;
        }
        if in_string && c == '\\' && !escaped {
            escaped = true;
        } else {
            if c == '"' && !escaped {
                in_string = !in_string;
            }
            escaped = false;
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let parsed: super::yaml_out::Ordered = serde_json::from_str(&text).ok()?;
    let restore = |s: &str| restore_templates(s, &found);
    // A key that is a variable (`"{{field}}": 1`) is rendered, as Postman pastes it in.
    Some(tvalue(parsed.0, &restore, &restore))
}

/// A number in a JSON text that a 64-bit integer or float cannot hold as written: an integer
/// beyond `u64` (a 25-digit id), a decimal of more than 17 significant digits. Newman sends
/// the text as it is; parsed and written again, such a number would change.
fn rounded_number(raw: &str) -> Option<&str> {
    let (mut in_string, mut escaped) = (false, false);
    let (mut start, mut after_word) = (None, false);
    for (i, c) in raw.char_indices().chain([(raw.len(), ' ')]) {
        let numeric = !in_string && (c.is_ascii_digit() || "-+.eE".contains(c));
        let opens = !after_word && (c.is_ascii_digit() || c == '-');
        after_word = c.is_alphanumeric() || c == '_';
        match (start, numeric) {
            (None, true) if opens => start = Some(i),
            (Some(s), false) => {
                start = None;
                if rounds(&raw[s..i]) {
                    return Some(&raw[s..i]);
                }
            }
            _ => {}
        }
        if in_string && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == '"' && !escaped {
            in_string = !in_string;
        }
        escaped = false;
    }
    None
}

/// Whether a JSON number's text (`12345678901234567890123`, `0.123456789012345678`) loses
/// digits as an `i64`, `u64` or `f64`.
fn rounds(number: &str) -> bool {
    if number.parse::<i64>().is_ok() || number.parse::<u64>().is_ok() {
        return false;
    }
    let mantissa = number.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    significant.len() > 17
}

/// A JSON string with its stand-ins replaced by the converted templates; the text around them
/// made safe for minijinja (`"{{pcc}}}"` keeps its last brace as text). A string that is one
/// variable alone stays a string (`"{{$timestamp}}"`, `"{{id}}"`): Postman pastes text into
/// the quotes, where yarc would send the value's own type.
fn restore_templates(s: &str, found: &[(String, bool)]) -> String {
    if let Some((t, true)) = s
        .strip_prefix("__yarc_")
        .and_then(|r| r.strip_suffix("__"))
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| found.get(i))
    {
        return as_string(t);
    }
    static MARK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = MARK.get_or_init(|| regex::Regex::new(r"__yarc_(\d+)__").expect("valid regex"));
    let mut out = String::new();
    let mut last = 0;
    for c in re.captures_iter(s) {
        let (Some(whole), Some(f)) = (
            c.get(0),
            c[1].parse::<usize>().ok().and_then(|i| found.get(i)),
        ) else {
            continue;
        };
        out.push_str(&super::vars::literal(&s[last..whole.start()]));
        out.push_str(&f.0);
        last = whole.end();
    }
    out.push_str(&super::vars::literal(&s[last..]));
    out
}

/// `{{ x }}` → `{{ x | string }}` (parenthesised when it is more than a name or a call).
fn as_string(t: &str) -> String {
    let Some(expr) = super::vars::one_expression(t) else {
        return t.to_string();
    };
    if matches!(expr, "uuid()" | "now()") || expr.starts_with("fake('") {
        return t.to_string();
    }
    let simple = super::vars::is_word(expr)
        || (expr.ends_with(')') && !expr[..expr.find('(').unwrap_or(0)].contains(' '));
    match simple {
        true => format!("{{{{ {expr} | string }}}}"),
        false => format!("{{{{ ({expr}) | string }}}}"),
    }
}

/// The parsed body back with its (already converted) templates in place.
fn tvalue(v: Y, restore: &dyn Fn(&str) -> String, key: &dyn Fn(&str) -> String) -> Y {
    match v {
        Y::Str(s) => Y::str(restore(&s)),
        Y::Seq(a) => Y::Seq(a.into_iter().map(|i| tvalue(i, restore, key)).collect()),
        Y::Map(o) => Y::Map(
            o.into_iter()
                .map(|(k, i)| (key(&k), tvalue(i, restore, key)))
                .collect(),
        ),
        other => other,
    }
}

/// Whether a Postman OAuth 2.0 auth can be fetched by yarc: the client-credentials grant
/// (named, or left out), or the password grant with its user, with a token URL and a client.
fn client_credentials(f: &dyn Fn(&str) -> String) -> bool {
    let grant = f("grant_type");
    let user = grant == "password_credentials" && !f("username").trim().is_empty();
    (grant.is_empty() || grant == "client_credentials" || user)
        && !f("accessTokenUrl").trim().is_empty()
        && !f("clientId").trim().is_empty()
}

/// An OAuth 2.0 auth yarc cannot fetch a token for (authorization code, implicit, a password
/// grant without its user, or no token URL): Newman sends the token stored in the export, and so does the collection — as a
/// secret, never copied. Without a stored token Newman sends no auth at all.
fn stored_token(f: &dyn Fn(&str) -> String, whose: &str, cx: &mut Ctx<'_>) -> Option<Y> {
    let token = f("accessToken");
    let grant = f("grant_type");
    let grant = if grant.is_empty() {
        "no token URL".to_string()
    } else {
        format!("grant `{grant}`")
    };
    if token.trim().is_empty() {
        cx.report.notes.push(format!(
            "{whose}: OAuth 2.0 ({grant}) with no stored token: Newman sends no auth, and the collection says `auth: none`; get a token and give it as a bearer"
        ));
        cx.report
            .auth
            .insert(format!("none ({whose}: OAuth 2.0 without a token)"));
        return Some(Y::str("none"));
    }
    let value = cx.secret_or_text(&token, "ACCESS_TOKEN", ("auth field", "accessToken"));
    // A token held in a variable (`{{ctp_access_token}}`, which a request captures) is sent
    // as it is: nothing to set. A stored literal is a secret, named as the import named it.
    let secret = value
        .split("secret('")
        .nth(1)
        .and_then(|r| r.split('\'').next());
    if let Some(name) = secret {
        cx.report.shared.push(SharedNote {
            whose: the(whose),
            one: format!(
                "{}: OAuth 2.0 ({grant}) is sent with the token Postman stored, as Newman sends it: set {name} to a current token",
                the(whose)
            ),
            many: format!(
                "{{n}} requests and folders ({{list}}) send OAuth 2.0 ({grant}) with the token Postman stored, as Newman sends it: set {name} to a current token"
            ),
            detail: String::new(),
        });
    }
    cx.report
        .auth
        .insert(format!("bearer ({whose}: the stored OAuth 2.0 token)"));
    let prefix = f("headerPrefix");
    let prefix = if prefix.is_empty() {
        "Bearer".to_string()
    } else {
        prefix
    };
    Some(match (f("addTokenTo").as_str(), prefix.as_str()) {
        ("queryParams", _) => Y::Map(vec![(
            "api_key".into(),
            Y::Map(vec![
                ("query".into(), Y::str("access_token")),
                ("value".into(), Y::str(value)),
            ]),
        )]),
        (_, "Bearer") => Y::Map(vec![("bearer".into(), Y::str(value))]),
        (_, other) => Y::Map(vec![(
            "api_key".into(),
            Y::Map(vec![
                ("header".into(), Y::str("Authorization")),
                (
                    "value".into(),
                    Y::str(format!("{} {value}", super::vars::literal(other))),
                ),
            ]),
        )]),
    })
}

/// A field of a Postman auth block: v2.1 keeps them as `[{key, value}]`, v2.0 as an object.
fn field(block: Option<&Value>, key: &str) -> Option<String> {
    match block? {
        Value::Array(items) => items
            .iter()
            .find(|i| i.get("key").and_then(Value::as_str) == Some(key))
            .and_then(|i| i.get("value"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        Value::Object(o) => o.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    }
}

fn auth(a: &Value, whose: &str, cx: &mut Ctx<'_>) -> Option<Y> {
    cx.place = whose.to_string();
    let y = auth_block(a, whose, cx);
    cx.place.clear();
    y
}

fn auth_block(a: &Value, whose: &str, cx: &mut Ctx<'_>) -> Option<Y> {
    let kind = a.get("type").and_then(Value::as_str)?;
    let block = a.get(kind);
    let f = |k: &str| field(block, k).unwrap_or_default();
    let y = match kind {
        "noauth" => Y::str("none"),
        "bearer" if cx.is_fetched_token(&cx.text_of(&f("token")), "") => {
            let block = cx.fetched_by(&cx.text_of(&f("token")), "")?.clone();
            return cx.fetched_auth(&block);
        }
        "bearer" => {
            let token = cx.secret_or_text(&f("token"), "TOKEN", ("auth field", "token"));
            Y::Map(vec![("bearer".into(), Y::str(token))])
        }
        "basic" => {
            let user = cx.text(&f("username"));
            let pass = cx.secret_or_text(&f("password"), "PASSWORD", ("auth field", "password"));
            Y::Map(vec![(
                "basic".into(),
                Y::Map(vec![
                    ("username".into(), Y::str(user)),
                    ("password".into(), Y::str(pass)),
                ]),
            )])
        }
        "apikey" => {
            let key = f("key");
            let value = cx.secret_or_text(
                &f("value"),
                &env_name(if key.is_empty() { "api_key" } else { &key }),
                ("auth field", "value"),
            );
            let place = if f("in") == "query" {
                "query"
            } else {
                "header"
            };
            let key = if key.is_empty() {
                "X-Api-Key".to_string()
            } else {
                key
            };
            Y::Map(vec![(
                "api_key".into(),
                Y::Map(vec![
                    (place.into(), Y::str(key)),
                    ("value".into(), Y::str(value)),
                ]),
            )])
        }
        "jwt" => return jwt_auth(block, whose, cx),
        "oauth2" if !client_credentials(&f) => return stored_token(&f, whose, cx),
        "oauth2" => client_credentials_block(block, cx),
        // Never the auth of its folder or collection instead: Postman sends that credential
        // nowhere here.
        other => {
            cx.report.notes.push(format!(
                "{whose}: auth type `{other}` is not supported: it is written `auth: none` and sent without credentials (not with its folder's or collection's); add them by hand"
            ));
            return Some(Y::str("none"));
        }
    };
    cx.report.auth.insert(format!("{kind} ({whose})"));
    Some(y)
}

/// Postman's JWT Bearer auth with an HMAC algorithm: the token its payload and header make,
/// signed with `jwt_sign` when the request is sent — `auth: { bearer: ... }`, or an
/// `api_key` for another prefix or the query. A private key's algorithm (RS256, ES256) or a
/// base64 secret is not supported: sent without credentials, saying so.
fn jwt_auth(block: Option<&Value>, whose: &str, cx: &mut Ctx<'_>) -> Option<Y> {
    let f = |k: &str| field(block, k).unwrap_or_default();
    let alg = f("algorithm");
    let base64_secret = f("isSecretBase64Encoded") == "true";
    if !matches!(alg.as_str(), "HS256" | "HS384" | "HS512") || base64_secret {
        let what = match base64_secret {
            true => "a base64-encoded secret".to_string(),
            false => format!("algorithm `{alg}`"),
        };
        cx.report.notes.push(format!(
            "{whose}: JWT auth with {what} is not supported (HS256, HS384 and HS512 with a text secret are): it is written `auth: none` and sent without credentials; add them by hand"
        ));
        return Some(Y::str("none"));
    }
    let key = cx.secret_or_text(&f("secret"), "JWT_SECRET", ("auth field", "secret"));
    let expression = |cx: &mut Ctx<'_>, text: &str| as_expression(&cx.text(text));
    let payload = match f("payload").trim() {
        "" => "{}".to_string(),
        p => p.to_string(),
    };
    let mut args = vec![as_expression(&key), serde_json::to_string(&alg).ok()?];
    // Postman's header is the one written, `alg` set: none written is `{"alg": ...}` alone.
    let header = match f("header").trim() {
        "" => "{}".to_string(),
        h => expression(cx, h),
    };
    args.push(format!("header={header}"));
    let token = format!(
        "{{{{ {} | jwt_sign({}) }}}}",
        expression(cx, &payload),
        args.join(", ")
    );
    // Postman's default when the field is missing; an empty one sends the token alone.
    let prefix = field(block, "headerPrefix").unwrap_or_else(|| "Bearer".into());
    cx.report.auth.insert(format!("jwt ({whose})"));
    let (place, name, value) = match (f("addTokenTo").as_str(), prefix.as_str()) {
        ("queryParam", _) => {
            let key = Some(f("queryParamKey")).filter(|k| !k.is_empty());
            let key = key.unwrap_or_else(|| "token".into());
            ("query", key, token)
        }
        (_, "Bearer") => return Some(Y::Map(vec![("bearer".into(), Y::str(token))])),
        (_, "") => ("header", "Authorization".to_string(), token),
        (_, p) => (
            "header",
            "Authorization".to_string(),
            format!("{p} {token}"),
        ),
    };
    Some(Y::Map(vec![(
        "api_key".into(),
        Y::Map(vec![
            (place.into(), Y::str(name)),
            ("value".into(), Y::str(value)),
        ]),
    )]))
}

/// A template text as one minijinja expression that writes the same: its text pieces as
/// string literals, its `{{ ... }}` parts as text, joined with `~`.
fn as_expression(template: &str) -> String {
    if let Some(one) = super::vars::one_expression(template) {
        return match one.contains(['|', ' ']) {
            true => format!("({one})"),
            false => one.to_string(),
        };
    }
    static PART: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let part = PART.get_or_init(|| regex::Regex::new(r"\{\{\s*(.*?)\s*\}\}").expect("valid regex"));
    let mut pieces = Vec::new();
    let mut at = 0;
    for c in part.captures_iter(template) {
        let whole = c.get(0).expect("a match");
        if whole.start() > at {
            pieces.push(serde_json::to_string(&template[at..whole.start()]).unwrap_or_default());
        }
        pieces.push(format!("({} | string)", &c[1]));
        at = whole.end();
    }
    if at < template.len() || pieces.is_empty() {
        pieces.push(serde_json::to_string(&template[at..]).unwrap_or_default());
    }
    match pieces.as_slice() {
        [one] => one.clone(),
        _ => format!("({})", pieces.join(" ~ ")),
    }
}

/// Postman's OAuth 2.0 client-credentials auth: the `oauth2` block, its client's way of
/// authenticating and its extra token fields (`tenant_id`) included.
fn client_credentials_block(block: Option<&Value>, cx: &mut Ctx<'_>) -> Y {
    let f = |k: &str| field(block, k).unwrap_or_default();
    let mut o = Y::map();
    let token_url = cx.text(&f("accessTokenUrl"));
    cx.note_url(&token_url);
    o.set("token_url", Y::str(token_url));
    o.set("client_id", Y::str(cx.text(&f("clientId"))));
    let password_grant = f("grant_type") == "password_credentials";
    // A public client of the password grant has no secret.
    if !(password_grant && f("clientSecret").is_empty()) {
        let secret = cx.secret_or_text(
            &f("clientSecret"),
            "CLIENT_SECRET",
            ("auth field", "clientSecret"),
        );
        o.set("client_secret", Y::str(secret));
    }
    if password_grant {
        o.set("username", Y::str(cx.text(&f("username"))));
        let password = cx.secret_or_text(&f("password"), "PASSWORD", ("auth field", "password"));
        o.set("password", Y::str(password));
    }
    let scope = f("scope");
    if !scope.is_empty() {
        o.set("scope", Y::str(cx.text(&scope)));
    }
    o.set(
        "credentials",
        Y::str(if f("client_authentication") == "header" {
            "basic"
        } else {
            "body"
        }),
    );
    let extra = field(block, "tokenRequestParams").or_else(|| field(block, "token_request_params"));
    if let Some(extra) = extra.and_then(|e| serde_json::from_str::<Value>(&e).ok()) {
        let mut params = Y::map();
        for p in extra.as_array().into_iter().flatten() {
            if p.get("enabled").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            if let (Some(k), Some(v)) = (
                p.get("key").and_then(Value::as_str),
                p.get("value").and_then(Value::as_str),
            ) {
                params.set(k, Y::str(cx.text(v)));
            }
        }
        if !params.is_empty_map() {
            o.set("params", params);
        }
    }
    Y::Map(vec![("oauth2".into(), o)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_percent_encoded_or_in_base64_is_read_where_it_was_copied() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let hider = Hider::new(vec![("p@ss:w0rd", "PASSWORD"), ("k/ey+1==", "API_KEY")]);
        let basic = format!("Basic {}", b64("hr-user:p@ss:w0rd"));
        let query = "api_key=k%2Fey%2B1%3D%3D&x=1";
        let mut env = minijinja::Environment::new();
        env.add_function("secret", |n: String| match n.as_str() {
            "PASSWORD" => "p@ss:w0rd".to_string(),
            _ => "k/ey+1==".to_string(),
        });
        env.add_filter("base64_encode", move |s: String| b64(&s));
        for text in [basic.as_str(), query] {
            let hidden = hider.in_encodings(text);
            assert!(
                !hidden.contains(&b64("hr-user:p@ss:w0rd")) && !hidden.contains("k%2Fey"),
                "{hidden}"
            );
            // The template renders the very text the export held.
            assert_eq!(env.render_str(&hidden, ()).unwrap(), text, "{hidden}");
        }
        // A base64 word of no secret stays.
        let plain = format!("Basic {}", b64("hr-user:nothing-here"));
        assert_eq!(hider.in_encodings(&plain), plain);
    }

    #[test]
    fn a_json_number_no_64_bit_type_holds_is_found() {
        let found = |raw: &str| rounded_number(raw).map(str::to_string);
        assert_eq!(
            found(r#"{"id": 1234567890123456789012345}"#).as_deref(),
            Some("1234567890123456789012345")
        );
        assert_eq!(
            found(r#"{"x": [1, -0.12345678901234567891]}"#).as_deref(),
            Some("-0.12345678901234567891")
        );
        // What u64, i64 and f64 hold as written, or the digits inside text and names.
        for raw in [
            r#"{"id": 12345678901234567890, "min": -9223372036854775808}"#,
            r#"{"amount": 100.00, "rate": 1.5e-7, "big": 1e300}"#,
            r#"{"ref": "1234567890123456789012345", "q": "\"1234567890123456789012345"}"#,
            r#"{"n": {{id12345678901234567890123}}}"#,
        ] {
            assert_eq!(found(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_setting_named_like_a_secret_is_a_plain_variable() {
        let none = HashSet::new();
        let var = |value: &str| json!({ "key": "require_password_update", "value": value });
        assert!(!secret_variable(
            "require_password_update",
            &var("false"),
            &none
        ));
        assert!(secret_variable(
            "require_password_update",
            &var("hunter22"),
            &none
        ));
        // What the export marks secret stays one.
        let marked = json!({ "key": "flag", "value": "true", "type": "secret" });
        assert!(secret_variable("flag", &marked, &none));
    }

    #[test]
    fn a_secret_equal_to_a_type_name_leaves_the_type_checks_alone() {
        // A password of "integer" (a Swagger example) copied nowhere: `type: integer` stays.
        let check = Y::Map(vec![("type".into(), Y::str("integer"))]);
        let json = Y::Map(vec![("$.id".into(), check)]);
        let expect = Y::Map(vec![("json".into(), json)]);
        let copy = Y::Map(vec![("pin".into(), Y::str("integer"))]);
        let mut doc = Y::Map(vec![("expect".into(), expect), ("set".into(), copy)]);
        let secrets = HashMap::from([("PIN".to_string(), "integer".to_string())]);
        hide_copied_secrets(&mut doc, &mut Report::default(), &secrets);
        let text = yaml_out::to_string(&doc);
        assert!(text.contains("type: integer"), "{text}");
        assert!(text.contains("pin: \"{{ secret('PIN') }}\""), "{text}");
    }
    use serde_json::json;

    fn collection(items: Value) -> Value {
        json!({"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": items})
    }

    /// The `name`s of a list of requests.
    fn names_of(list: &Value) -> Vec<&str> {
        list.as_array()
            .expect("list")
            .iter()
            .map(|r| r["name"].as_str().unwrap_or_default())
            .collect()
    }

    fn test_event(lines: &[&str]) -> Value {
        json!([{"listen": "test", "script": {"exec": lines}}])
    }

    #[test]
    fn a_body_a_test_keeps_reads_its_variables_as_the_request_does() {
        let c = collection(json!([
            {"name": "a", "event": test_event(&["pm.globals.set('b', pm.request.body.raw);"]),
             "request": {"method": "POST", "url": "https://api.example.com/a",
                         "body": {"mode": "raw", "raw": "{\"u\": \"{{later_url}}\"}"}}},
            {"name": "c", "event": test_event(&["pm.globals.set('later_url', pm.response.json().url);"]),
             "request": {"url": "https://api.example.com/c"}},
            {"name": "d", "request": {"method": "POST", "url": "https://api.example.com/d",
                         "body": {"mode": "raw", "raw": "{{b}}"}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        // Sent before anything sets it, the request (and so the body kept) holds its text.
        assert_eq!(col["variables"]["later_url"], "{{ \"{{later_url}}\" }}");
        assert_eq!(
            col["requests"][1]["set"]["b"],
            "{\"u\": \"{{ later_url }}\"}"
        );
    }

    #[test]
    fn a_credential_defined_nowhere_is_sent_as_newman_sends_it_until_set() {
        let c = collection(json!([
            {"name": "me", "request": {"url": "https://api.example.com/me",
             "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]}}},
            {"name": "check", "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.environment.set('sig', 'Key ' + pm.environment.get('api_key'));"]}}],
             "request": {"url": "https://api.example.com/k", "header": [{"key": "X-Key", "value": "{{api_key}}"}]}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert_eq!(
            col["variables"]["access_token"],
            "{{ secret('ACCESS_TOKEN', default=\"{{access_token}}\") }}"
        );
        // A converted script reads it too: there it is `undefined`, so no text stands in.
        assert_eq!(col["variables"]["api_key"], "{{ secret('API_KEY') }}");
        assert!(
            out.report.notes.iter().any(|n| n.contains("`access_token` is used but not defined in the export: it was declared as a secret that requests send as their `{{...}}` text")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn the_summary_asks_for_what_follows_an_authorization_headers_scheme() {
        let c = collection(
            json!([{"name": "a", "request": {"url": "https://h.example/a",
            "header": [{"key": "Authorization", "value": "Bearer 1b22bf1a-6050-4151"}]}}]),
        );
        let out = import(&c, &[], &|_| true).expect("import");
        assert!(
            out.files[0]
                .1
                .contains("Authorization: Bearer {{ secret('AUTHORIZATION') }}")
        );
        assert_eq!(
            out.report.secret_from["AUTHORIZATION"].describe(),
            "the credential after the scheme of the header `Authorization` of request `a`"
        );
    }

    #[test]
    fn a_name_written_with_spaces_in_its_braces_is_text_and_declares_nothing() {
        let c = collection(
            json!([{"name": "r", "request": {"url": "https://h.example/x?q={{ name }}"}}]),
        );
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert!(col.get("variables").is_none(), "{col}");
        assert!(
            out.report.notes.iter().all(|n| !n.contains("`name`")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn a_collection_script_run_for_each_request_is_counted_once() {
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "https://h.example/a"}},
            {"name": "b", "request": {"url": "https://h.example/b"}},
            {"name": "c", "request": {"url": "https://h.example/c"}},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "const path = pm.request.url.getPath();",
            "pm.variables.set('sig', CryptoJS.HmacSHA1(path, 'k').toString());",
            "pm.variables.set('at', new Date().toISOString());",
        ]}}]);
        let out = import(&c, &[], &|_| true).expect("import");
        assert_eq!(out.report.sets_seen, 2, "{:?}", out.report.kept);
    }

    #[test]
    fn path_variables_without_a_value_share_one_summary_note() {
        let req = |name: &str| {
            json!({"name": name, "request": {"url": {
            "raw": "https://h.example/p/:id", "host": ["h", "example"], "path": ["p", ":id"],
            "variable": [{"key": "id", "value": ""}]}}})
        };
        let c = collection(json!([req("a"), req("b")]));
        let out = import(&c, &[], &|_| true).expect("import");
        let manys: Vec<&str> = out.report.shared.iter().map(|n| n.many.as_str()).collect();
        assert_eq!(manys.len(), 2, "{:?}", out.report.shared);
        assert_eq!(manys[0], manys[1]);
        assert_eq!(out.report.shared[1].whose, "`b` (`:id`)");
    }

    #[test]
    fn a_url_start_only_a_kept_line_sets_is_noted_once() {
        let c = collection(json!([
            {"name": "find", "request": {"url": "https://h.example/find"},
             "event": test_event(&["const u = new URL(pm.response.json().next);", "pm.environment.set(\"host\", u.protocol + '//' + u.host);"])},
            {"name": "use", "request": {"url": "{{host}}/x"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let notes: Vec<&String> = out
            .report
            .notes
            .iter()
            .filter(|n| n.contains("starts URLs"))
            .collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn a_stored_oauth_token_held_in_a_variable_asks_nothing_of_the_user() {
        let oauth = |token: &str| {
            json!({"type": "oauth2", "oauth2": [
            {"key": "accessToken", "value": token}, {"key": "tokenType", "value": "Bearer"}]})
        };
        let mut c = collection(json!([{"name": "a", "request": {"url": "https://h.example/a"}}]));
        c["auth"] = oauth("{{ctp_access_token}}");
        let out = import(&c, &[], &|_| true).expect("import");
        assert!(out.report.shared.is_empty(), "{:?}", out.report.shared);
        c["auth"] = oauth("eyJ0eXAi.stored.token");
        let out = import(&c, &[], &|_| true).expect("import");
        assert_eq!(
            out.report
                .shared
                .iter()
                .map(|n| n.one.as_str())
                .collect::<Vec<_>>(),
            [
                "the collection: OAuth 2.0 (no token URL) is sent with the token Postman stored, as Newman sends it: set ACCESS_TOKEN to a current token"
            ]
        );
    }

    #[test]
    fn variables_the_export_does_not_define_are_named_in_one_note_per_way_declared() {
        let c = collection(json!([
            {"name": "a", "request": {"url": "https://api.example.com/orgs/{{org_id}}/users/{{user_id}}?page={{page}}"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let notes: Vec<&String> = out
            .report
            .notes
            .iter()
            .filter(|n| n.contains("not defined in the export"))
            .collect();
        assert_eq!(
            notes,
            [
                "3 variables are used but not defined in the export (`org_id`, `page`, `user_id`): each was declared as its own `{{...}}` text, which Newman sends"
            ],
        );
    }

    #[test]
    fn a_variable_script_lines_kept_as_comments_set_is_named() {
        let c = collection(json!([
            {"name": "a", "event": test_event(&["pm.environment.set('p2', pm.response.json().price.toFixed(2));"]),
             "request": {"url": "https://api.example.com/a"}},
            {"name": "b", "request": {"url": "https://api.example.com/b?p={{p2}}"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let note = out.report.notes.iter().find(|n| n.contains("`p2`"));
        assert!(
            note.is_some_and(|n| n.contains("script lines kept as comments set it")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn a_body_its_own_script_computes_in_kept_lines_is_not_sent_stale() {
        let pre = |lines: &[&str]| json!([{"listen": "prerequest", "script": {"exec": lines}}]);
        let body = json!({"mode": "raw", "raw": "{{payload}}"});
        let c = collection(json!([
            {"name": "link", "event": pre(&[
                "const consent = JSON.parse(pm.environment.get('consent'));",
                "consent.provision.data = [];",
                "pm.environment.set('payload', JSON.stringify(consent));",
            ]), "request": {"method": "PUT", "url": "https://x.test/c", "body": body}},
            {"name": "signed", "event": pre(&[
                "const sig = CryptoJS.lib.WordArray.random(16).toString();",
                "pm.environment.set('sig', sig);",
            ]), "request": {"method": "GET", "url": "https://x.test/s", "header": [{"key": "X-Sig", "value": "{{sig}}"}]}},
            {"name": "other", "event": pre(&[
                "pm.environment.set('payload', JSON.stringify(JSON.parse(pm.environment.get('c'))));",
            ]), "request": {"method": "GET", "url": "https://x.test/o"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let r = &col["requests"];
        let skip = r[0]["skip"].as_str().unwrap_or_default();
        assert!(
            skip.contains("builds its body, `payload`"),
            "{}",
            out.files[0].1
        );
        // A header's value is sent as it stands (a server refuses a stale signature, loud);
        // a request that does not send what its script computes is sent.
        assert!(r[1].get("skip").is_none(), "{}", out.files[0].1);
        assert!(r[2].get("skip").is_none(), "{}", out.files[0].1);
    }

    #[test]
    fn a_credential_in_a_path_variable_is_asked_for_never_written() {
        let c = collection(json!([
            {"name": "r", "request": {"method": "GET", "url": {
                "raw": "https://x.test/v1/:token/items/:id",
                "host": ["x", "test"], "path": ["v1", ":token", "items", ":id"],
                "variable": [{"key": "token", "value": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"},
                             {"key": "id", "value": "42"}]}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        assert!(!text.contains("ghp_"), "{text}");
        assert!(
            text.contains("x.test/v1/{{ secret('TOKEN') }}/items/42"),
            "{text}"
        );
        assert!(out.report.secrets.contains("TOKEN"));
    }

    #[test]
    fn what_a_pre_request_script_sets_before_it_sends_is_set_by_the_request_it_sends() {
        let pre = json!([{"listen": "prerequest", "script": {"exec": [
            "pm.environment.set('rpt', 'N-' + pm.collectionVariables.get('stamp'));",
            "pm.sendRequest({ url: 'https://x.test/notices/' + pm.environment.get('rpt'), method: 'GET' }, (e, r) => {});",
        ]}}]);
        let c = collection(json!([
            {"name": "pay", "event": pre, "request": {"method": "POST", "url": "https://x.test/pay",
             "body": {"mode": "raw", "raw": "{\"rpt\": \"{{rpt}}\"}", "options": {"raw": {"language": "json"}}}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let r = &col["requests"];
        assert_eq!(
            names_of(r),
            ["pay — sent by its script", "pay"],
            "{}",
            out.files[0].1
        );
        assert_eq!(r[0]["set"]["rpt"], "N-{{ stamp }}", "{}", out.files[0].1);
        assert!(r[1].get("set").is_none(), "{}", out.files[0].1);
    }

    #[test]
    fn a_url_that_cannot_be_sent_is_told_apart_from_one_variables_fill() {
        assert_eq!(
            unsendable("http://about:blank").as_deref(),
            Some("invalid port number")
        );
        assert_eq!(
            unsendable("https://api.example.com/x/{{ id }}?a={{ b }}"),
            None
        );
        assert_eq!(unsendable("{{ base_url }}/x"), None);
        assert_eq!(unsendable("https://{{ host }}:{{ port }}/x"), None);
        assert!(unsendable("http://exa mple.com/").is_some());
    }

    #[test]
    fn a_host_is_sent_without_spaces_around_it_and_a_stray_brace_skips_the_request() {
        assert_eq!(
            host_tidied("http://{{baseURL}} /login"),
            Ok("http://{{baseURL}}/login".to_string())
        );
        assert_eq!(
            host_tidied(" {{h}}:8080 ?a=b c"),
            Ok("{{h}}:8080?a=b c".to_string())
        );
        assert_eq!(host_tidied("{{open-api-host}}}/open-api/x"), Err('}'));
        assert_eq!(host_tidied("https://api.exa mple.com/x"), Err(' '));
        // A path, query or another URL in the query is not the host.
        assert_eq!(
            host_tidied("{{base}}/a b?next=http://x y/{z}"),
            Ok("{{base}}/a b?next=http://x y/{z}".to_string())
        );
        let c = collection(json!([
            {"name": "typo", "request": {"method": "GET", "url": {"raw": "{{host}}}/x", "host": ["{{host}}}"], "path": ["x"]}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let skip = col["requests"][0]["skip"].as_str().unwrap_or_default();
        assert!(skip.contains("holds `}`"), "{}", out.files[0].1);
    }

    #[test]
    fn a_graphql_body_pasting_an_empty_variable_is_sent_as_newman_pastes_it() {
        let gql = |vars: &str| json!({"mode": "graphql", "graphql": {"query": "mutation($id: Int!) { del(id: $id) }", "variables": vars}});
        let mut c = collection(json!([
            {"name": "empty", "request": {"method": "POST", "url": "https://x.test/g", "body": gql("{\"id\": {{gone}}}")}},
            {"name": "set", "request": {"method": "POST", "url": "https://x.test/g", "body": gql("{\"id\": {{n}}}")}},
        ]));
        c["variable"] = json!([{"key": "gone", "value": ""}, {"key": "n", "value": "7"}]);
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let r = &col["requests"];
        assert_eq!(
            r[0]["text"],
            "{\"query\":\"mutation($id: Int!) { del(id: $id) }\",\"variables\":{\"id\": {{ gone }}{{ '}' }}}",
            "{}",
            out.files[0].1
        );
        assert_eq!(r[0]["headers"]["Content-Type"], "application/json");
        assert_eq!(r[1]["json"]["variables"]["id"], "{{ n | from_json }}");
    }

    #[test]
    fn a_script_of_many_unconvertible_tests_is_named_by_its_first_few() {
        let exec: Vec<String> = (0..20)
            .map(|i| format!("const p{i} = pm.require('pkg{i}');"))
            .collect();
        let c = collection(json!([{"name": "a", "request": {"url": "http://x.io/a"},
            "event": [{"listen": "test", "script": {"exec": exec}}]}]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let fail = col["requests"][0]["fail"]
            .as_str()
            .expect("fail")
            .to_string();
        assert!(
            fail.contains("pm.require('pkg7')") && fail.contains("and 12 more"),
            "{fail}"
        );
        assert!(!fail.contains("pkg8'"), "{fail}");
    }

    #[test]
    fn a_base_without_a_scheme_gets_http_as_in_postman() {
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "{{host}}/a"}},
            {"name": "b", "request": {"url": "{{api}}/b"}},
            {"name": "c", "request": {"url": {"raw": "{{protocol}}://{{host}}/c", "protocol": "{{protocol}}", "host": ["{{host}}"], "path": ["c"]}}},
        ]));
        c["variable"] = json!([
            {"key": "host", "value": "localhost:3000"},
            {"key": "api", "value": "https://api.example.com"},
            {"key": "protocol", "value": "http"},
        ]);
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        // With http:// added only when the value has no scheme (`--var host=https://...`).
        assert_eq!(
            col["requests"][0]["url"],
            json!("{{ host if \"://\" in host else \"http://\" ~ host }}/a")
        );
        assert_eq!(col["requests"][1]["url"], json!("{{ api }}/b"));
        // A variable that is the scheme is no base without one.
        assert_eq!(
            col["requests"][2]["url"],
            json!("{{ protocol }}://{{ host }}/c")
        );
        assert!(
            out.report
                .notes
                .iter()
                .any(|n| n.contains("`host` holds a host without a scheme")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn a_literal_token_never_takes_the_name_of_the_exported_one() {
        let mut c = collection(json!([
            {"name": "wrong", "request": {"url": "https://api.example.com/x",
             "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "wrong-token"}]}}},
        ]));
        c["variable"] = json!([{"key": "token", "value": ""}]);
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert_eq!(
            col["requests"][0]["auth"]["bearer"],
            "{{ secret('WRONG_TOKEN') }}"
        );
        assert_eq!(
            col["variables"]["token"],
            "{{ secret('TOKEN', default='') }}"
        );
    }

    #[test]
    fn requests_without_a_scheme_are_one_line_of_the_summary() {
        let c = collection(json!([
            {"name": "a", "request": {"url": "localhost:5000/a"}},
            {"name": "b", "request": {"url": "localhost:5000/b"}},
            {"name": "c", "request": {"url": "localhost:5000/c"}},
            {"name": "d", "request": {"url": "localhost:5000/d"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let lines: Vec<&String> = out
            .report
            .notes
            .iter()
            .filter(|n| n.contains("no scheme"))
            .collect();
        assert_eq!(
            lines,
            [
                "4 requests' URLs have no scheme (`a`, `b`, `c` and 1 more): Postman sends them with http://, and so does the collection"
            ]
        );
    }

    #[test]
    fn repeated_names_are_numbered_past_a_name_that_is_taken_already() {
        let c = collection(json!([
            {"name": "add", "request": {"url": "{{base}}/a"}},
            {"name": "add", "request": {"url": "{{base}}/b"}},
            {"name": "Add (2)", "request": {"url": "{{base}}/c"}},
            {"name": "add (3)", "request": {"url": "{{base}}/d"}},
            {"name": "add", "request": {"url": "{{base}}/e"}},
            {"name": "pm", "request": {"url": "{{base}}/f"},
             "event": test_event(&["pm.expect(pm.response.code).equals(\"200\");"])},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let names = names_of(&col["requests"]);
        assert_eq!(
            names,
            ["add", "add (4)", "Add (2)", "add (3)", "add (5)", "pm"]
        );
        // A status compared with a string never holds in Postman: a predicate that fails the
        // same way, never the number (nor `status: "200"`, which yarc refuses).
        assert_eq!(
            col["requests"][5]["expect"]["status"],
            json!({"equals": "200"})
        );
    }

    #[test]
    fn a_login_a_folder_script_sends_is_written_before_each_of_its_requests() {
        let login = [
            "const base = pm.environment.get('base');",
            "if (pm.globals.get('session')) { return }",
            "pm.sendRequest({ url: base + '/login', method: 'POST',",
            "  header: { 'Content-Type': 'application/json' },",
            "  body: JSON.stringify({ user: 'ada', key: pm.environment.get('key') }) },",
            "  function (err, res) {",
            "    pm.expect(err).to.be.null;",
            "    pm.globals.set('session', res.json().token);",
            "  });",
        ];
        let c = collection(json!([
            {"name": "before", "request": {"url": "{{base}}/z"}},
            {"name": "api", "event": [{"listen": "prerequest", "script": {"exec": login}}],
             "item": [
                {"name": "one", "request": {"url": "{{base}}/a", "header": [{"key": "X-Session", "value": "{{session}}"}]}},
                {"name": "two", "request": {"url": "{{base}}/b"}},
             ]},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let group = &col["requests"][1]["requests"];
        let names = names_of(group);
        // Postman runs the folder's script before each request: the guard decides each time.
        assert_eq!(
            names,
            [
                "folder `api` — sent by its script before `one`",
                "one",
                "folder `api` — sent by its script before `two`",
                "two"
            ]
        );
        for sent in [&group[0], &group[2]] {
            assert_eq!(sent["method"], "POST");
            assert_eq!(sent["url"], "{{ base }}/login");
            // Sent as the script wrote it: nothing of the folder's or collection's defaults.
            assert_eq!(sent["inherit"], false);
            assert_eq!(sent["json"], json!({"user": "ada", "key": "{{ key }}"}));
            assert_eq!(sent["capture"]["session"]["json"], "$.token");
            assert!(sent["skip"].as_str().is_some_and(|s| s.contains("session")));
        }
        assert_eq!(out.report.sent_requests, 1);
        // Under a condition the import cannot read: once, before the first, and said.
        let mut guarded: Vec<&str> = login.to_vec();
        guarded[1] = "if (!pm.globals.get('session') || jwtExpired(pm.globals.get('session'))) {";
        guarded.push("}");
        let c = collection(json!([
            {"name": "api", "event": [{"listen": "prerequest", "script": {"exec": guarded}}],
             "item": [
                {"name": "one", "request": {"url": "{{base}}/a"}},
                {"name": "two", "request": {"url": "{{base}}/b"}},
             ]},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let names = names_of(&col["requests"][0]["requests"]);
        assert_eq!(names, ["folder `api` — sent by its script", "one", "two"]);
        assert!(
            out.report
                .notes
                .iter()
                .any(|n| n.contains("runs once, before its first request")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn globals_are_collection_variables_below_the_collections_own() {
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "{{domain}}{{endpoint}}/{{id}}"}},
        ]));
        c["variable"] = json!([{"key": "domain", "value": "https://own.example"}]);
        let globals = json!({"name": "My Workspace Globals", "_postman_variable_scope": "globals", "values": [
            {"key": "domain", "value": "https://global.example", "enabled": true},
            {"key": "endpoint", "value": "/api/cart", "enabled": true},
            {"key": "off", "value": "x", "enabled": false},
            {"key": "api_secret", "value": "s3cr3t", "type": "secret", "enabled": true},
        ]});
        assert_eq!(with_globals(&mut c, &globals), 3);
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert_eq!(col["variables"]["domain"], "https://own.example");
        assert_eq!(col["variables"]["endpoint"], "/api/cart");
        // Unticked (`enabled: false`): Newman resolves it all the same.
        assert_eq!(col["variables"]["off"], "x");
        assert_eq!(col["variables"]["api_secret"], "{{ secret('API_SECRET') }}");
        assert!(!out.files[0].1.contains("s3cr3t"));
    }

    #[test]
    fn a_token_script_reading_variables_nothing_defines_still_checks() {
        let script = [
            "pm.sendRequest({",
            "    url: pm.environment.get('API_HOST') + pm.environment.get('AUTH_TOKEN_PATH'),",
            "    method: 'POST',",
            "    header: { 'Content-Type': 'application/x-www-form-urlencoded' },",
            "    body: { mode: 'urlencoded', urlencoded: [",
            "        { key: 'grant_type', value: 'client_credentials' },",
            "        { key: 'client_id', value: pm.environment.get('AUTH_CLIENT_ID') },",
            "        { key: 'client_secret', value: pm.environment.get('AUTH_SECRET') }",
            "    ] }",
            "}, function (err, res) { pm.environment.set('ACCESS_TOKEN', res.json().access_token); });",
        ];
        let mut c = collection(json!([
            {"name": "a", "request": {"method": "GET", "url": "{{API_HOST}}/x",
             "header": [{"key": "Authorization", "value": "Bearer {{ACCESS_TOKEN}}"}]}},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": script}}]);
        let env = json!({"name": "local", "values": [{"key": "API_HOST", "value": "http://localhost", "enabled": true}]});
        let out = import(&c, &[env], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        for name in ["AUTH_TOKEN_PATH", "AUTH_CLIENT_ID"] {
            assert!(
                col["variables"].get(name).is_some(),
                "{name}: {}",
                out.files[0].1
            );
        }
    }

    #[test]
    fn a_made_up_name_pasted_unquoted_into_json_is_sent_as_text_as_postman_does() {
        let raw = "{\r\n  \"name\": {{$randomFullName}},\r\n  \"n\": {{$randomInt}}\r\n}";
        let numbers = "{\"n\": {{$randomInt}}, \"at\": {{$timestamp}}, \"id\": {{id}}}";
        let c = collection(json!([
            {"name": "a", "request": {"method": "POST", "url": "{{base}}/x",
             "body": {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}}},
            {"name": "b", "request": {"method": "POST", "url": "{{base}}/x",
             "body": {"mode": "raw", "raw": numbers, "options": {"raw": {"language": "json"}}}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let a = &col["requests"][0];
        assert!(a.get("json").is_none(), "{a}");
        assert_eq!(
            a["text"],
            "{\r\n  \"name\": {{ fake('full_name') }},\r\n  \"n\": {{ random_int(0, 1000) }}\r\n}"
        );
        // Numbers and variables pasted in stay JSON.
        let b = &col["requests"][1];
        assert!(b.get("json").is_some(), "{b}");
    }

    #[test]
    fn a_json_body_with_spaced_braces_outside_strings_is_sent_as_text() {
        let raw = "{\n  \"name\": \"{{ n }}\",\n  \"on\": {{ $randomBoolean }}\n}";
        let c = collection(json!([
            {"name": "a", "request": {"method": "PUT", "url": "{{base}}/x",
             "body": {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let r = &col["requests"][0];
        assert!(r.get("json").is_none(), "{r}");
        assert_eq!(
            r["text"],
            "{\n  \"name\": \"{{ \"{{ n }}\" }}\",\n  \"on\": {{ \"{{ $randomBoolean }}\" }}\n}"
        );
    }

    #[test]
    fn a_variable_with_a_brace_missing_in_a_json_body_is_text_and_the_next_one_a_variable() {
        // Postman's variables have no brace inside: `{{last_name}` is text, and the `}}` of
        // the next field's `{{password}}` closes only that one (the two fields were one).
        let raw = "{\n  \"last_name\": \"{{last_name}\",\n  \"password\": \"{{password}}\"\n}";
        let c = collection(json!([
            {"name": "a", "request": {"method": "POST", "url": "{{base}}/x",
             "body": {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let json = &col["requests"][0]["json"];
        assert_eq!(json["last_name"], "{{ '{' }}{last_name}", "{json}");
        assert_eq!(json["password"], "{{ password | string }}", "{json}");
    }

    #[test]
    fn a_folders_pre_request_set_does_not_define_the_variable_for_requests_before_it() {
        let set = json!([{"listen": "prerequest", "script": {"exec": ["pm.variables.set('inst', '4222');"]}}]);
        let c = collection(json!([
            {"name": "early", "request": {"url": "{{base}}/a/{{inst}}"}},
            {"name": "Institutions", "event": set, "item": [
                {"name": "late", "request": {"url": "{{base}}/b/{{inst}}"}},
            ]},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        // Newman sends the reference as written before the folder has run.
        assert_eq!(col["variables"]["inst"], "{{ \"{{inst}}\" }}");
        assert_eq!(col["requests"][1]["defaults"]["set"]["inst"], "4222");
    }

    #[test]
    fn secrets_a_script_holds_as_literals_are_never_written() {
        let pre = json!([{"listen": "prerequest", "script": {"exec": [
            "pm.environment.set('api_key', 'AkEy12345678');",
            "pm.sendRequest({ url: 'https://login.example.com/token', method: 'POST', body: { mode: 'raw',",
            "  raw: 'grant_type=client_credentials&client_id=abc&client_secret=S3cr3tValue9' } },",
            "  (e, r) => pm.environment.set('tok', r.json().access_token));",
        ]}}]);
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "https://api.example.com/x",
             "header": [{"key": "Authorization", "value": "Bearer {{tok}}"}, {"key": "X-Key", "value": "{{api_key}}"}]},
             "event": test_event(&["pm.environment.set('refresh_token', 'RtLit987654');"])},
        ]));
        c["event"] = pre;
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        for literal in ["AkEy12345678", "S3cr3tValue9", "RtLit987654"] {
            assert!(!text.contains(literal), "{literal} in {text}");
        }
        let col: Value = serde_saphyr::from_str(text).expect("yaml");
        assert_eq!(
            col["auth"]["oauth2"]["client_secret"],
            "{{ secret('CLIENT_SECRET') }}"
        );
        assert_eq!(col["defaults"]["set"]["api_key"], "{{ secret('API_KEY') }}");
        let secrets: Vec<&str> = out.report.secrets.iter().map(String::as_str).collect();
        assert_eq!(secrets, ["API_KEY", "CLIENT_SECRET", "REFRESH_TOKEN"]);
    }

    #[test]
    fn a_collection_script_that_reads_a_node_module_unrequired_fails_every_request() {
        let mut c = collection(json!([
            {"name": "one", "request": {"url": "https://h.example/1"}},
            {"name": "two", "request": {"url": "https://h.example/2"}}]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "pm.environment.set('stamp', moment().format('YYYY'));"]}}]);
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        for r in col["requests"].as_array().expect("requests") {
            let fail = r["fail"].as_str().unwrap_or_default();
            assert!(fail.contains("reads `moment`"), "{r}");
            assert!(fail.contains("require('moment')"), "{r}");
        }
        assert!(
            out.report
                .notes
                .iter()
                .any(|n| n.contains("the collection's pre-request script reads `moment`")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn a_script_that_runs_a_variables_code_with_eval_fails_its_requests() {
        let mut c = collection(json!([
            {"name": "one", "request": {"url": "https://h.example/1"}},
            {"name": "two", "request": {"url": "https://h.example/2"},
             "event": test_event(&["if (pm.response.code === 200) { eval(pm.globals.get('checks')); }"])}]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "eval(pm.environment.get('preRequestSignatures'));", "eval(globals.loadUtils);"]}}]);
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        for r in col["requests"].as_array().expect("requests") {
            let fail = r["fail"].as_str().unwrap_or_default();
            assert!(
                fail.contains("runs the code in `preRequestSignatures` with eval"),
                "{r}"
            );
            // An eval under a condition runs only sometimes: it is kept, and fails nothing.
            assert!(!fail.contains("`checks`"), "{r}");
        }
        let note =
            "the collection's pre-request script runs the code kept in `preRequestSignatures`";
        assert!(
            out.report.shared.iter().any(|n| n.one.contains(note)),
            "{:?}",
            out.report.shared
        );
    }

    #[test]
    fn a_secret_a_script_copies_from_the_body_it_sent_reads_the_secret() {
        let body = json!({"mode": "raw", "raw": "{\"user\": \"ada\", \"password\": \"Hunt-Pw-77331\"}",
                          "options": {"raw": {"language": "json"}}});
        let c = collection(json!([
            {"name": "login", "request": {"method": "POST", "url": "https://h.example/login", "body": body},
             "event": test_event(&[
                "const raw = pm.request.body.raw;",
                "const sent = JSON.parse(raw);",
                "pm.environment.set('pw', sent.password);",
                "pm.environment.set('basic', 'Basic Hunt-Pw-77331');",
                "pm.test('echo', () => pm.expect(pm.response.json().password).to.eql(sent.password));",
                "console.log('Hunt-Pw-77331'.length);",
                "pm.environment.set('auth', btoa('ada' + ':' + 'Hunt-Pw-77331'));"])},
            {"name": "next", "request": {"url": "https://h.example/x?p={{pw}}&b={{basic}}"}}]));
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        assert!(!text.contains("Hunt-Pw-77331"), "{text}");
        let kept = format!("{:?}", out.report.kept);
        assert!(!kept.contains("Hunt-Pw-77331"), "{kept}");
        // A collection variable equal to a short password is the export's own: left.
        let mut c = collection(json!([{"name": "login", "request": {"method": "POST",
            "url": "https://h.example/login", "auth": {"type": "basic", "basic": [
                {"key": "username", "value": "admin"}, {"key": "password", "value": "admin"}]}}}]));
        c["variable"] = json!([{"key": "login", "value": "admin"}]);
        let (short, short_text) = imported(&c);
        assert_eq!(short["variables"]["login"], "admin", "{short_text}");
        let col: Value = serde_saphyr::from_str(text).expect("yaml");
        assert_eq!(col["variables"]["pw"], "{{ secret('PASSWORD') }}", "{text}");
        assert_eq!(col["variables"]["basic"], "Basic {{ secret('PASSWORD') }}");
        let auth = col["requests"][1]["set"]["auth"]
            .as_str()
            .unwrap_or_default();
        assert!(auth.contains("secret('PASSWORD')"), "{text}");
        let checks = &col["requests"][0]["expect"]["json"];
        assert_eq!(checks["$.password"], "{{ secret('PASSWORD') }}", "{text}");
    }

    #[test]
    fn a_base_url_made_of_variables_asks_for_the_one_it_starts_with() {
        let mut c = collection(json!([
            {"name": "one", "request": {"url": "{{baseUrl+ApiVersion}}/process-definitions"}},
            {"name": "two", "request": {"url": "{{baseUrl+ApiVersion}}/process-instances"}}]));
        c["variable"] =
            json!([{"key": "baseUrl+ApiVersion", "value": "{{baseUrlLocal}}/{{apiVersion}}"}]);
        let (col, _) = imported(&c);
        let vars = &col["variables"];
        assert_eq!(
            vars["baseUrl_ApiVersion"],
            "{{ baseUrlLocal }}/{{ apiVersion }}"
        );
        assert_eq!(vars["baseUrlLocal"], "https://set-me.invalid", "{vars}");
        assert_eq!(vars["apiVersion"], "{{ \"{{apiVersion}}\" }}", "{vars}");
    }

    #[test]
    fn a_placeholder_for_a_base_url_is_no_host() {
        for host in [
            "localhost:3000",
            "127.0.0.1:8001/api",
            "api.example.com",
            "jira",
        ] {
            assert!(looks_like_host(host), "{host}");
        }
        for not in [
            "JIRA_BASEURL_VALUE",
            "<your server>",
            "YOUR_HOST",
            "{{base}}",
            "/api",
        ] {
            assert!(!looks_like_host(not), "{not}");
        }
    }

    #[test]
    fn a_secret_is_said_to_be_in_the_request_the_collection_names() {
        let login = |pw: &str| {
            json!({"name": "Create User", "request": {"method": "POST", "url": "https://a.example/u",
                "body": {"mode": "raw", "raw": format!("{{\"password\": \"{pw}\"}}"),
                    "options": {"raw": {"language": "json"}}}}})
        };
        let c = json!({"info": {"name": "c"}, "item": [login(""), login("Test123pw")]});
        let out = import(&c, &[], &|_| true).expect("import");
        let keys: Vec<&String> = out.report.secret_from.keys().collect();
        assert_eq!(keys.len(), 1, "{keys:?}");
        assert_eq!(
            out.report.secret_from[keys[0]].describe(),
            "the JSON field `password` of request `Create User (2)`"
        );
    }

    #[test]
    fn literal_credentials_of_the_exports_own_requests_are_never_written() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0";
        let c = json!({"info": {"name": "c"}, "item": [
            {"name": "login", "request": {"method": "POST",
             "url": "https://api.example.com/l?api_key=Qw3rtyKey99&key=AIzaSyA1234567890abcdefghij&page=2",
             "header": [{"key": "X-Custom", "value": "sk_live_51H8abcdefghij0123456789"},
                        {"key": "Cookie", "value": "session=9f8e7d6c5b4a"},
                        {"key": "X-Trace", "value": jwt}],
             "body": {"mode": "urlencoded", "urlencoded": [
                 {"key": "username", "value": "bob"}, {"key": "password", "value": "Hunter2Pw"},
                 {"key": "bad", "value": "@"}]}}},
            {"name": "raw", "request": {"method": "POST", "url": "https://bob:UrlPw123@api.example.com/r",
             "body": {"mode": "raw", "raw": "{\"user\": {\"password\": \"JsonPw456\", \"gh\": \"ghp_1234567890abcdefghijklmnopqrstuvwxyz\"}}",
                      "options": {"raw": {"language": "json"}}}}},
            {"name": "parts", "request": {"method": "POST", "url": {"raw": "https://api.example.com/p?token=TokLit7890",
             "protocol": "https", "host": ["api", "example", "com"], "path": ["p"],
             "query": [{"key": "token", "value": "TokLit7890"}]},
             "body": {"mode": "formdata", "formdata": [{"key": "client_secret", "value": "PartSecret1", "type": "text"}]}}}],
            "variable": [{"key": "stripe", "value": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}]});
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        for literal in [
            "Qw3rtyKey99",
            "AIzaSyA",
            "sk_live_",
            "9f8e7d6c5b4a",
            "eyJ",
            "Hunter2Pw",
            "UrlPw123",
            "JsonPw456",
            "ghp_",
            "TokLit7890",
            "PartSecret1",
            "sk_test_",
        ] {
            assert!(!text.contains(literal), "{literal} in {text}");
        }
        let col: Value = serde_saphyr::from_str(text).expect("yaml");
        let login = &col["requests"][0];
        assert_eq!(
            login["url"],
            "https://api.example.com/l?api_key={{ secret('API_KEY') }}&key={{ secret('KEY') }}&page=2"
        );
        // Too short to be a credential: a test of invalid input stays readable.
        assert_eq!(login["form"]["bad"], "@");
        assert_eq!(login["form"]["username"], "bob");
        assert_eq!(
            col["requests"][1]["url"],
            "https://bob:{{ secret('PASSWORD_2') }}@api.example.com/r"
        );
        let from = |n: &str| out.report.secret_from[n].describe();
        assert_eq!(from("X_CUSTOM"), "the header `X-Custom` of request `login`");
        assert_eq!(
            from("PASSWORD"),
            "the form field `password` of request `login`"
        );
        assert_eq!(
            from("PASSWORD_2"),
            "the password in the URL of request `raw`"
        );
        assert_eq!(from("GH"), "the JSON field `gh` of request `raw`");
        assert_eq!(
            from("TOKEN"),
            "the query parameter `token` of request `parts`"
        );
        assert_eq!(from("STRIPE"), "the variable `stripe` of the collection");
        let dest = out.report.destinations.requests.join(" ");
        assert!(!dest.contains("bob") && !dest.contains("secret"), "{dest}");
    }

    #[test]
    fn credentials_in_kept_script_lines_and_descriptions_are_taken_out() {
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "https://api.example.com/a",
             "description": "Call it with ghp_1234567890abcdefghijklmnopqrstuvwxyz"},
             "event": test_event(&["signIt('sk_live_51H8abcdefghij0123456789', pm.request);"])}]));
        c["description"] =
            json!("Token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jV");
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        for literal in ["ghp_", "sk_live_", "eyJ"] {
            assert!(!text.contains(literal), "{literal} in {text}");
        }
        assert!(
            text.contains("signIt('<credential not copied>', pm.request);"),
            "{text}"
        );
        let kept: Vec<&str> = out.report.kept.iter().map(|k| k.2.as_str()).collect();
        assert!(!kept.iter().any(|k| k.contains("sk_live_")), "{kept:?}");
    }

    #[test]
    fn a_text_part_with_its_own_type_keeps_it() {
        let c = collection(json!([
            {"name": "p", "request": {"method": "POST", "url": "https://h.example/a",
             "body": {"mode": "formdata", "formdata": [
                 {"key": "instance", "value": "{\"a\":1}", "type": "text", "contentType": "application/json"},
                 {"key": "plain", "value": "x", "type": "text"}]}}}]));
        let (col, _) = imported(&c);
        let parts = &col["requests"][0]["multipart"];
        assert_eq!(
            parts["instance"],
            json!({"content": "{\"a\":1}", "content_type": "application/json"})
        );
        assert_eq!(parts["plain"], "x");
    }

    #[test]
    fn a_test_of_the_response_that_cannot_be_converted_fails_its_request() {
        let c = collection(json!([
            {"name": "html", "request": {"url": "https://h.example/a"},
             "event": test_event(&[
                 "const $ = cheerio.load(pm.response.text());",
                 "pm.test('logged in', function () { pm.expect($('.sku').text()).to.contain('SW1'); });",
                 "pm.test('ok', function () { pm.response.to.have.status(200); });"])},
            {"name": "stores", "request": {"url": "https://h.example/b"},
             "event": test_event(&[
                 "pm.test('saved', function () { const r = pm.response.json(); pm.environment.set('t', r.t); pm.expect(pm.environment.get('t')).to.eql(r.t); });"])},
            {"name": "own body", "request": {"url": "https://h.example/c"},
             "event": test_event(&[
                 "var requestBody = JSON.parse(pm.request.body.raw);",
                 "pm.test('sent a name', function () { pm.expect(requestBody).to.have.property('name'); });"])},
            {"name": "other", "request": {"url": "https://h.example/d"},
             "event": test_event(&[
                 "pm.test('right request', () => { pm.expect(pm.info.requestName).to.eql('Other'); });",
                 "pm.test('refund', () => { pm.expect.fail('TODO: write this check'); });",
                 "pm.test('placeholder', () => { pm.expect(true).to.be.false; });"])}]));
        let (col, _) = imported(&c);
        let fail = col["requests"][0]["fail"].as_str().unwrap_or_default();
        assert!(
            fail.contains("its Postman test `logged in` could not be converted"),
            "{col}"
        );
        assert_eq!(col["requests"][0]["expect"]["status"], 200);
        // Storing and checking what it stored: bookkeeping, no test of its own.
        assert!(col["requests"][1].get("fail").is_none(), "{col}");
        // A check of the request it sent that yarc cannot make is Postman's to decide: it may
        // fail there (`pm.request.method` of a GET compared with "POST").
        let fail = col["requests"][2]["fail"].as_str().unwrap_or_default();
        assert!(
            fail.contains("`sent a name` could not be converted"),
            "{col}"
        );
        // A check of something else than the response is Postman's to decide all the same.
        let fail = col["requests"][3]["fail"].as_str().unwrap_or_default();
        assert!(
            fail.contains("tests `right request`, `refund`, `placeholder` could not"),
            "{col}"
        );
    }

    /// A request's own pre-request script that removes a header or query parameter: the
    /// request goes without it, as Newman sends it; a folder's removal stays a comment.
    #[test]
    fn what_a_script_removes_from_its_request_is_not_sent() {
        let pre = |lines: &[&str]| json!([{"listen": "prerequest", "script": {"exec": lines}}]);
        let c = collection(json!([
            {"name": "edits", "event": pre(&[
                "pm.request.headers.remove('X-Debug');",
                "pm.request.removeQueryParams(['debug', 'trace']);"]),
             "request": {"url": "https://h.example/i?limit=10&debug=true&trace#top",
                         "header": [{"key": "X-Debug", "value": "1"}, {"key": "Accept", "value": "*/*"}]}},
            {"name": "folder", "event": pre(&["pm.request.headers.remove('Accept');"]),
             "item": [{"name": "inner", "request": {"url": "https://h.example/j",
                       "header": [{"key": "Accept", "value": "*/*"}]}}]}]));
        let (col, _) = imported(&c);
        let edits = &col["requests"][0];
        assert_eq!(edits["url"], "https://h.example/i?limit=10#top", "{col}");
        assert!(edits["headers"].get("X-Debug").is_none(), "{col}");
        assert_eq!(edits["headers"]["Accept"], "*/*", "{col}");
        assert_eq!(
            without_query("https://h.example/i?debug=1", &["debug".into()]),
            "https://h.example/i"
        );
        let inner = &col["requests"][1]["requests"][0];
        assert_eq!(inner["headers"]["Accept"], "*/*", "{col}");
    }

    /// An environment left as a template (`API_BASE_URL` = `{{API_BASE_URL}}`) defines nothing:
    /// the variable is asked for as one the export does not define, not a cycle.
    #[test]
    fn a_variable_whose_value_is_its_own_name_is_not_defined() {
        let c = collection(
            json!([{"name": "farmers", "request": {"url": "{{API_BASE_URL}}/farmers"}}]),
        );
        let env = json!({"name": "local", "values": [
            {"key": "API_BASE_URL", "value": "{{API_BASE_URL}}", "enabled": true},
            {"key": "region", "value": "{{ region }}", "enabled": true},
            {"key": "kept", "value": "{{other}}", "enabled": true}]});
        let cleared = without_self_references(&c, std::slice::from_ref(&env));
        let (_, envs) = cleared.expect("two self references");
        let keys: Vec<&str> = envs[0]["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["key"].as_str())
            .collect();
        assert_eq!(keys, ["kept"]);
        let out = import(&c, &[env], &|_| true).expect("import");
        let notes = out.report.notes.join("\n");
        assert!(notes.contains("`API_BASE_URL`"), "{notes}");
        assert!(without_self_references(&c, &[]).is_none());
    }

    /// Form-data fields of one name are all sent: a list under the name.
    #[test]
    fn form_data_fields_of_one_name_are_all_kept() {
        let c = collection(
            json!([{"name": "profile", "request": {"method": "POST", "url": "https://h.example/p",
            "body": {"mode": "formdata", "formdata": [
                {"key": "interest", "value": "math", "type": "text"},
                {"key": "name", "value": "Ada", "type": "text"},
                {"key": "interest", "value": "engines", "type": "text"},
                {"key": "interest", "value": "looms", "type": "text"}]}}}]),
        );
        let (col, _) = imported(&c);
        let parts = &col["requests"][0]["multipart"];
        assert_eq!(
            parts["interest"],
            json!(["math", "engines", "looms"]),
            "{col}"
        );
        assert_eq!(parts["name"], "Ada", "{col}");
    }

    /// A plain value equal to a secret's (a password that is the user name) is a secret too:
    /// written as it is, it would write the password.
    #[test]
    fn a_value_equal_to_a_secret_is_a_secret() {
        let c = collection(json!([{"name": "login", "request": {"url": "https://h.example/a"}}]));
        let env = json!({"name": "local", "values": [
            {"key": "adminUserName", "value": "ada.admin@example.com", "enabled": true},
            {"key": "adminPassword", "value": "ada.admin@example.com", "enabled": true}]});
        let out = import(&c, &[env], &|_| true).expect("import");
        for (path, text) in &out.files {
            assert!(!text.contains("ada.admin@example.com"), "{path}:\n{text}");
        }
        assert!(
            out.report.secrets.contains("ADMIN_USER_NAME"),
            "{:?}",
            out.report.secrets
        );
        // Nor does the documentation that writes it out beside the variable.
        let mut c =
            collection(json!([{"name": "login", "request": {"url": "https://h.example/a"}}]));
        c["info"]["description"] = json!("Test login: ada / Hunt-Pw-4411 (password)");
        c["variable"] = json!([{"key": "password", "value": "Hunt-Pw-4411"}]);
        let out = import(&c, &[], &|_| true).expect("import");
        for (path, text) in &out.files {
            assert!(!text.contains("Hunt-Pw-4411"), "{path}:\n{text}");
        }
        assert!(out.files[0].1.contains("ada / •••••"), "{}", out.files[0].1);
    }

    /// A variable the export gives a value (an empty one too) that no script sets or unsets is
    /// never `undefined`: `to.be.undefined` of it fails, as in Postman.
    #[test]
    fn an_empty_variable_the_export_defines_is_not_undefined() {
        let mut c = collection(json!([
            {"name": "blank", "request": {"url": "https://h.example/a"},
             "event": test_event(&["pm.test('u', () => pm.expect(pm.collectionVariables.get('blank')).to.be.undefined);"])}]));
        c["variable"] = json!([{"key": "blank", "value": ""}]);
        let (col, _) = imported(&c);
        assert_eq!(
            col["requests"][0]["expect"]["vars"]["blank"],
            json!({"exists": false}),
            "{col}"
        );
    }

    /// A read of a scope that cannot hold the name is `undefined` in Postman: a test of it is
    /// Postman's to decide (`fail:`), while a read of the scope that holds it is converted.
    #[test]
    fn a_read_of_a_scope_without_the_name_is_left_to_postman() {
        let mut c = collection(json!([
            {"name": "wrong scope", "request": {"url": "https://h.example/a"},
             "event": test_event(&["pm.test('env', () => pm.expect(pm.environment.get('onlycoll')).to.eql('c1'));"])},
            {"name": "right scope", "request": {"url": "https://h.example/b"},
             "event": test_event(&["pm.test('coll', () => pm.expect(pm.collectionVariables.get('onlycoll')).to.eql('c1'));"])}]));
        c["variable"] = json!([{"key": "onlycoll", "value": "c1"}]);
        let env = json!({"name": "local", "values": [{"key": "stage", "value": "test", "enabled": true}]});
        let lacks = scope_lacks(&c, std::slice::from_ref(&env));
        assert!(lacks.contains("environment:onlycoll"), "{lacks:?}");
        assert!(!lacks.contains("collection:onlycoll"), "{lacks:?}");
        let out = import(&c, &[env], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let fail = col["requests"][0]["fail"].as_str().unwrap_or_default();
        assert!(fail.contains("test `env` could not be converted"), "{col}");
        assert_eq!(
            col["requests"][1]["expect"]["vars"]["onlycoll"], "c1",
            "{col}"
        );
        // Without an environment given, the user's own may hold it: converted as before.
        assert!(!scope_lacks(&c, &[]).contains("environment:onlycoll"));
    }

    /// An auth type yarc does not make (digest) is `auth: none`: the request never takes the
    /// collection's bearer, which Postman sends nowhere there.
    #[test]
    fn an_auth_yarc_does_not_make_sends_no_other_credential() {
        let mut c = collection(json!([
            {"name": "digest", "request": {"url": "https://h.example/d",
             "auth": {"type": "digest", "digest": [{"key": "username", "value": "ada"}]}}},
            {"name": "plain", "request": {"url": "https://h.example/p"}}]));
        c["auth"] = json!({"type": "bearer", "bearer": [{"key": "token", "value": "t0k"}]});
        let out = import(&c, &[], &|_| true).expect("import");
        let notes = out.report.notes.join("\n");
        assert!(
            notes.contains("auth type `digest` is not supported: it is written `auth: none`"),
            "{notes}"
        );
        let (col, _) = imported(&c);
        assert_eq!(col["requests"][0]["auth"], "none", "{col}");
        assert!(col["requests"][1].get("auth").is_none(), "{col}");
    }

    #[test]
    fn jumps_that_end_newmans_run_are_named_in_the_summary() {
        let c = collection(json!([
            {"name": "a", "request": {"url": "https://h.example/a"},
             "event": test_event(&["if (pm.response.code !== 200) { postman.setNextRequest(null); }"])},
            {"name": "b", "id": "id-b", "request": {"url": "https://h.example/b"},
             "event": test_event(&["postman.setNextRequest('0f1e-gone');", "postman.setNextRequest('id-b');"])},
            {"name": "c", "request": {"url": "https://h.example/c"},
             "event": test_event(&["postman.setNextRequest('a');"])}]));
        let out = import(&c, &[], &|_| true).expect("import");
        let notes = out.report.notes.join("\n");
        // Under a condition it converts: the requests after it are skipped when it holds.
        assert!(
            notes.contains(
                "`setNextRequest` ends Newman's run in the test script of `a` when `newman_status_1 != 200`: the 2 request(s) after it are skipped when it holds"
            ),
            "{notes}"
        );
        let (col, _) = imported(&c);
        assert_eq!(
            col["requests"][0]["capture"]["newman_status_1"]["status"], true,
            "{col}"
        );
        let skip = col["requests"][2]["skip"].as_str().unwrap_or_default();
        assert!(skip.contains("if (newman_status_1 != 200) else"), "{col}");
        assert!(
            notes.contains("in the script of 1 request (`b` to `0f1e-gone`)"),
            "{notes}"
        );
        // A jump to a request the export has (by name or id) is no such note.
        assert!(!notes.contains("`c` to"), "{notes}");
        // A jump the import cannot read (a loop over pages) is named: yarc goes on in order.
        let pages = collection(json!([
            {"name": "page", "request": {"url": "https://h.example/p"},
             "event": test_event(&[
                 "const p = Number(pm.collectionVariables.get('page'));",
                 "if (p < 3) { pm.collectionVariables.set('page', p + 1); postman.setNextRequest(pm.info.requestName); }"])}]));
        let out = import(&pages, &[], &|_| true).expect("import");
        let notes = out.report.notes.join("\n");
        assert!(
            notes.contains("`setNextRequest` stays a comment in the script of 1 request (`page`)"),
            "{notes}"
        );
    }

    /// A request whose bearer token `var` a pre-request script fetches with client
    /// credentials, the secret given by the script expression `secret`.
    fn token_fetched(var: &str, secret: &str) -> Value {
        collection(json!([
            {"name": "a", "request": {"url": "https://h.example/a", "auth": {"type": "bearer",
              "bearer": [{"key": "token", "value": format!("{{{{{var}}}}}")}]}},
             "event": [{"listen": "prerequest", "script": {"exec": [
                 "pm.sendRequest({ url: 'https://h.example/token', method: 'POST', body: { mode: 'urlencoded', urlencoded: [",
                 "  { key: 'grant_type', value: 'client_credentials' },",
                 "  { key: 'client_id', value: 'app' },",
                 format!("  {{ key: 'client_secret', value: {secret} }}] }} }},"),
                 format!("  (err, res) => pm.environment.set('{var}', res.json().access_token));")]}}]}]))
    }

    #[test]
    fn a_credential_only_scripts_read_is_optional_only_behind_a_fallback() {
        let token = |secret: &str| token_fetched("tok", secret);
        let (col, _) = imported(&token("pm.environment.get('client_secret') ?? 'none'"));
        assert_eq!(
            col["variables"]["client_secret"], "{{ secret('CLIENT_SECRET', default='') }}",
            "{col}"
        );
        // Without a fallback the run needs it: a required secret, refused when unset.
        let (col, _) = imported(&token("pm.environment.get('client_secret')"));
        assert_eq!(
            col["variables"]["client_secret"], "{{ secret('CLIENT_SECRET') }}",
            "{col}"
        );
    }

    #[test]
    fn an_empty_token_the_oauth2_block_replaces_is_no_secret_to_set() {
        let c = token_fetched("Token_x", "pm.environment.get('client_secret')");
        let env = json!({"name": "local", "values": [
            {"key": "client_secret", "value": "s3cr3t-value", "enabled": true},
            {"key": "Token_x", "value": "", "enabled": true}]});
        let out = import(&c, &[env], &|_| true).expect("import");
        let env: Value = serde_saphyr::from_str(&out.files[1].1).expect("yaml");
        assert_eq!(env["variables"]["Token_x"], "", "{env}");
        assert_eq!(
            out.report.secrets.iter().collect::<Vec<_>>(),
            ["CLIENT_SECRET"],
            "{:?}",
            out.report.secrets
        );
    }

    #[test]
    fn a_request_after_a_run_end_keeps_its_own_skip_too() {
        let c = collection(json!([
            {"name": "a", "request": {"url": "https://h.example/a"},
             "event": test_event(&["if (pm.response.code !== 200) { postman.setNextRequest(null); }"])},
            {"name": "b", "request": {"url": "https://h.example/b"},
             "event": [{"listen": "prerequest", "script": {"exec": [
                 "if (pm.environment.get('mode') === 'offline') { pm.execution.skipRequest(); }"]}}]}]));
        let (col, _) = imported(&c);
        let skip = col["requests"][1]["skip"].as_str().unwrap_or_default();
        assert!(skip.starts_with("{{ ((\"request `a`'s"), "{skip}");
        assert!(
            skip.contains("if (newman_status_1 != 200) else \"\")) or ("),
            "{skip}"
        );
        assert!(skip.contains("(mode == \"offline\")"), "{skip}");
    }

    #[test]
    fn settings_become_redirect_keys_or_notes() {
        let mut c = collection(json!([
            {"name": "f", "protocolProfileBehavior": {"followRedirects": false, "maxRedirects": 3},
             "item": [{"name": "a", "request": {"url": "https://h.example/a"},
                       "protocolProfileBehavior": {"strictSSL": false, "disableCookies": true}}]}]));
        c["protocolProfileBehavior"] = json!({"disableCookies": true, "followRedirects": true});
        let out = import(&c, &[], &|_| true).expect("import");
        let (col, _) = imported(&c);
        assert_eq!(col["cookie_jar"], false);
        assert_eq!(col["defaults"]["follow_redirects"], true);
        let group = &col["requests"][0];
        assert_eq!(group["defaults"]["follow_redirects"], false);
        assert_eq!(group["defaults"]["max_redirects"], 3);
        let notes = out.report.notes.join("\n");
        assert!(
            notes.contains(
                "request `a`: certificates are not checked in Postman (`strictSSL: false`)"
            ),
            "{notes}"
        );
        // A request's own `disableCookies` is its `cookie_jar: false`.
        assert_eq!(group["requests"][0]["cookie_jar"], false, "{col}");
        assert!(!notes.contains("request `a`: Postman neither"), "{notes}");
    }

    #[test]
    fn a_fetched_token_is_the_scope_auth_only_where_something_sends_it() {
        let pre = json!([{"listen": "prerequest", "script": {"exec": [
            "pm.sendRequest({ url: 'https://login.example.com/token', method: 'POST', body: { mode: 'raw',",
            "  raw: 'grant_type=client_credentials&client_id=abc&client_secret=' + pm.environment.get('secret') } },",
            "  (e, r) => pm.environment.set('tok', r.json().access_token));",
        ]}}]);
        let plain = json!({"name": "plain", "request": {"url": "https://api.example.com/x"}});
        let mut c = collection(json!([plain.clone()]));
        c["event"] = pre.clone();
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert_eq!(col.get("auth"), None, "{}", out.files[0].1);
        assert!(
            out.report.auth.iter().all(|a| !a.contains("oauth2")),
            "{:?}",
            out.report.auth
        );
        assert!(
            out.report
                .notes
                .iter()
                .any(|n| n.contains("sent by no request")),
            "{:?}",
            out.report.notes
        );
        // One request sends it in its header: that one gets the block, the other sends none.
        let mut c = collection(json!([plain, {"name": "header", "request": {
            "url": "https://api.example.com/y", "auth": {"type": "noauth"},
            "header": [{"key": "Authorization", "value": "Bearer {{tok}}"}]}}]));
        c["event"] = pre;
        c["auth"] = json!({"type": "noauth"});
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert_eq!(col["auth"], "none", "{}", out.files[0].1);
        assert_eq!(col["requests"][0].get("auth"), None);
        assert!(
            col["requests"][1]["auth"]["oauth2"].is_object(),
            "{}",
            out.files[0].1
        );
    }

    #[test]
    fn json_comments_go_and_strings_keep_theirs() {
        let raw = "{\n  \"a\": \"http://x // y\", // gone\n  \"b\": /* gone */ 1,\n  \"c\": \"q\\\"//s\"\n}";
        assert_eq!(
            strip_json_comments(raw),
            "{\n  \"a\": \"http://x // y\", \n  \"b\":  1,\n  \"c\": \"q\\\"//s\"\n}"
        );
        assert_eq!(strip_json_comments("{\"x\": // id\n}"), "{\"x\": \n}");
    }

    #[test]
    fn run_time_variables_with_an_exported_value_start_as_secrets_that_may_stay_unset() {
        let c = collection(json!([
            {"name": "uses", "request": {"url": "{{base}}/a", "header": [{"key": "Authorization", "value": "Bearer {{access_token}}"}]}},
            {"name": "logs in", "request": {"url": "{{base}}/login"},
             "event": test_event(&["pm.environment.set('access_token', pm.response.json().token);"])},
            {"name": "later", "request": {"url": "{{base}}/b/{{access_token}}/{{session_token}}"},
             "event": test_event(&["switch (x) { case 1: postman.setEnvironmentVariable('session_token', y); }"])},
        ]));
        let env = json!({"name": "e", "values": [
            {"key": "base", "value": "http://localhost:1"},
            {"key": "access_token", "value": "do-not-copy"},
            {"key": "session_token", "value": "do-not-copy-either"},
        ]});
        let out = import(&c, &[env], &|_| true).expect("import");
        let text: String = out.files.iter().map(|(_, t)| t.as_str()).collect();
        assert!(!text.contains("do-not-copy"), "{text}");
        // Newman sends the exported value until a script sets it (a kept script line never
        // does in yarc): named as secrets, which may stay unset (a stale token often is).
        let names: Vec<&String> = out.report.secrets.iter().collect();
        assert_eq!(names, ["ACCESS_TOKEN", "SESSION_TOKEN"]);
        let env: Value = serde_saphyr::from_str(&out.files[1].1).expect("yaml");
        assert_eq!(
            env["variables"]["session_token"],
            "{{ secret('SESSION_TOKEN', default='') }}"
        );
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert!(col.get("variables").is_none(), "{text}");
    }

    #[test]
    fn a_variable_captured_before_it_is_read_is_not_declared() {
        let c = collection(json!([
            {"name": "start", "request": {"url": "http://localhost:1/jobs"},
             "event": test_event(&["var d = pm.response.json();", "pm.environment.set('job_id', d.id);"])},
            {"name": "poll", "request": {"url": "http://localhost:1/jobs/{{job_id}}"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        assert!(col.get("variables").is_none(), "{}", out.files[0].1);
    }

    #[test]
    fn a_file_body_with_no_file_chosen_is_sent_without_a_body() {
        let c = collection(json!([
            {"name": "put", "request": {"method": "PUT", "url": "{{base}}/up",
             "body": {"mode": "file", "file": {"src": null}}}},
            {"name": "put empty", "request": {"method": "PUT", "url": "{{base}}/up",
             "body": {"mode": "file", "file": {}}}},
        ]));
        let out = import(&c, &[], &|_| false).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        for r in col["requests"].as_array().expect("requests") {
            assert!(r.get("skip").is_none() && r.get("file").is_none(), "{r}");
        }
    }

    #[test]
    fn uploads_from_outside_the_collection_are_blanked_and_the_request_skipped() {
        let part = |src: &str| {
            json!({"name": src, "request": {"method": "POST", "url": "http://localhost:1/u",
                "body": {"mode": "formdata", "formdata": [{"key": "f", "type": "file", "src": src}]}}})
        };
        let c = collection(json!([
            part("../../../../etc/passwd"),
            part("/etc/hostname"),
            part("C:\\Windows\\win.ini"),
            part("data/ok.csv"),
            {"name": "raw file", "request": {"method": "POST", "url": "http://localhost:1/u",
                "body": {"mode": "file", "file": {"src": "../secret.key"}}}},
        ]));
        let out = import(&c, &[], &|p| p == "data/ok.csv").expect("import");
        let text = &out.files[0].1;
        for hostile in ["etc/passwd", "/etc/hostname", "win.ini", "secret.key"] {
            assert!(
                !text
                    .lines()
                    .any(|l| l.trim_start().starts_with("file:") && l.contains(hostile)),
                "{hostile}: {text}"
            );
        }
        let skipped: Vec<&str> = out.report.skipped.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(
            skipped,
            [
                "../../../../etc/passwd",
                "/etc/hostname",
                "C:\\Windows\\win.ini",
                "raw file"
            ]
        );
        assert!(
            out.report
                .skipped
                .iter()
                .all(|(_, why)| why.contains("outside the collection's folder"))
        );
        assert!(text.contains("file: data/ok.csv"), "{text}");
    }

    #[test]
    fn a_url_only_a_kept_script_sets_and_every_environment_leaves_empty_is_skipped_until_set() {
        let loop_set = [
            "var urls = {};",
            "pm.response.json().output.forEach(function (o) { urls[o.type] = o.url; });",
            "pm.environment.set('coverage_url', urls[pm.environment.get('kind')]);",
        ];
        let c = collection(json!([
            {"name": "export", "request": {"url": "{{base}}/export"},
             "event": [{"listen": "test", "script": {"exec": loop_set}}]},
            {"name": "coverage", "request": {"url": "{{coverage_url}}"}},
            {"name": "other", "request": {"url": "{{base}}/other"}},
        ]));
        let env = json!({"name": "e", "values": [
            {"key": "base", "value": "http://localhost:1"},
            {"key": "coverage_url", "value": ""},
        ]});
        let out = import(&c, &[env], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let skip = col["requests"][1]["skip"].as_str().expect(&out.files[0].1);
        assert!(skip.contains("if not coverage_url"), "{skip}");
        assert!(col["requests"][2].get("skip").is_none());
        assert!(
            out.report
                .notes
                .iter()
                .any(|n| n.contains("`coverage_url` starts URLs")),
            "{:?}",
            out.report.notes
        );
        // An environment that does not name it at all leaves it empty too, as does none.
        for envs in [
            vec![json!({"name": "e", "values": [{"key": "base", "value": "http://localhost:1"}]})],
            vec![],
        ] {
            let out = import(&c, &envs, &|_| true).expect("import");
            let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
            assert!(col["requests"][1]["skip"].is_string(), "{}", out.files[0].1);
        }
    }

    #[test]
    fn exports_of_the_postman_api_are_unwrapped() {
        let inner = collection(json!([{"name": "a", "request": {"url": "http://localhost:1/a"}}]));
        let env = json!({"environment": {"name": "e", "values": [{"key": "k", "value": "v"}]}});
        let out = import(&json!({ "collection": inner }), &[env], &|_| true).expect("import");
        assert_eq!(out.report.requests, 1);
        assert_eq!(out.environments[0].0, "e");
    }

    #[test]
    fn a_request_without_a_url_is_skipped_and_the_others_run() {
        let c = collection(json!([
            {"name": "blank", "request": {"method": "GET", "url": ""}},
            {"name": "none", "request": {"method": "POST", "header": []}},
            {"name": "fine", "request": {"url": "http://localhost:1/a"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        for i in 0..2 {
            let skip = col["requests"][i]["skip"].as_str().expect("a skip");
            assert!(skip.contains("has no URL in the export"), "{skip}");
        }
        assert!(col["requests"][2].get("skip").is_none());
        assert_eq!(out.report.skipped.len(), 2);
    }

    #[test]
    fn a_url_only_a_kept_script_fills_holds_back_its_request_only() {
        let c = collection(json!([
            {"name": "find", "request": {"url": "http://localhost:1/ops"},
             "event": test_event(&["var ops = pm.response.json().ops; var i = 0;", "while (i < ops.length) { pm.environment.set('op_url', ops[i].href); i += 2; }"])},
            {"name": "capture it", "request": {"url": "{{op_url}}"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let skip = col["requests"][1]["skip"].as_str().expect(&out.files[0].1);
        assert!(
            skip.contains("is set by a script yarc does not run"),
            "{skip}"
        );
        assert!(col["requests"][0].get("skip").is_none());
        assert_eq!(col["variables"]["op_url"], "");
    }

    #[test]
    fn a_request_a_script_sends_becomes_a_request_of_its_own() {
        let c = collection(json!([
            {"name": "order", "request": {"method": "POST", "url": "{{base}}/orders"},
             "event": [
                {"listen": "prerequest", "script": {"exec": [
                    "pm.sendRequest({ url: pm.environment.get('base') + '/reset', method: 'DELETE' }, function () {});"
                ]}},
                {"listen": "test", "script": {"exec": [
                    "pm.sendRequest(pm.environment.get('base') + '/audit', function (err, res) {",
                    "    pm.test('audited', function () { pm.expect(res.code).to.eql(200); });",
                    "    pm.environment.set('audit_id', res.json().id);",
                    "});"
                ]}}
             ]},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let names = names_of(&col["requests"]);
        assert_eq!(
            names,
            [
                "order — sent by its script",
                "order",
                "order — sent by its script (2)"
            ]
        );
        let reset = &col["requests"][0];
        assert_eq!(
            (reset["method"].as_str(), reset["url"].as_str()),
            (Some("DELETE"), Some("{{ base }}/reset"))
        );
        assert_eq!(reset["expect"]["status"], "any");
        let audit = &col["requests"][2];
        assert_eq!(audit["url"], "{{ base }}/audit");
        assert_eq!(audit["expect"]["status"], 200);
        assert_eq!(audit["capture"]["audit_id"]["json"], "$.id");
        assert_eq!(out.report.sent_requests, 2);
        assert!(out.report.kept.is_empty(), "{:?}", out.report.kept);
    }

    #[test]
    fn a_pre_request_header_read_is_decided_by_the_requests_own_headers() {
        // A collection's script adds a key to what writes, unless the request has one; a
        // request's own script asks `has()` the same way.
        let add = "if (!pm.request.headers.get('Idempotency-Key')) { pm.request.headers.add({ key: 'Idempotency-Key', value: pm.variables.replaceIn('{{$guid}}') }); }";
        let mut c = collection(json!([
            {"name": "get", "request": {"url": "https://h.example/a"}},
            {"name": "post", "request": {"method": "POST", "url": "https://h.example/a"}},
            {"name": "keyed", "request": {"method": "POST", "url": "https://h.example/a",
             "header": [{"key": "idempotency-key", "value": "k-1", "disabled": true}]}},
            {"name": "own", "request": {"url": "https://h.example/b",
             "header": [{"key": "X-Trace", "value": "t"}]},
             "event": [{"listen": "prerequest", "script": {"exec": [
                "if (pm.request.headers.has('X-Trace')) { pm.request.headers.add({ key: 'X-Seen', value: 'yes' }); }"
             ]}}]},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "if (['POST', 'PUT'].includes(pm.request.method)) {", add, "}"
        ]}}]);
        let (col, text) = imported(&c);
        let r = &col["requests"];
        assert!(r[0].get("headers").is_none(), "{text}");
        assert_eq!(r[1]["headers"]["Idempotency-Key"], "{{ uuid() }}", "{text}");
        // Newman's `get` finds a disabled header too: nothing is added, none is sent.
        assert!(
            r[2].get("headers")
                .is_none_or(|h| h.get("Idempotency-Key").is_none()),
            "{text}"
        );
        assert_eq!(r[3]["headers"]["X-Seen"], "yes", "{text}");
        assert!(!text.contains("# postman"), "{text}");
    }

    #[test]
    fn scripts_that_declare_the_same_names_again_are_one_summary_line() {
        let of = |names: &str, whose: &str| (names.to_string(), whose.to_string());
        let notes = redeclared_notes(&[
            of("`responseBody`", "request `a`"),
            of("`data`", "request `b`"),
            of("`responseBody`", "request `c`"),
            of("`responseBody`", "request `d`"),
            of("`responseBody`", "request `e`"),
        ]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("4 scripts declare `responseBody` with"),
            "{notes:?}"
        );
        assert!(
            notes[0].ends_with("(request `a`, request `c`, request `d` and 1 more)"),
            "{notes:?}"
        );
        assert!(
            notes[1].starts_with("request `b`'s script declares `data` with"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_made_up_value_a_test_script_reads_back_is_made_first_and_sent_from_its_variable() {
        let c = collection(json!([
            {"name": "register", "request": {"method": "POST", "url": "https://h.example/r",
             "body": {"mode": "raw", "raw": "{\"user\": {\"email\": \"a.{{$randomInt}}@x.io\"}, \"n\": 1}",
                      "options": {"raw": {"language": "json"}}}},
             "event": [{"listen": "test", "script": {"exec": [
                "const sent = JSON.parse(pm.request.body.raw);",
                "pm.collectionVariables.set('email', sent.user.email);"
             ]}}]},
            {"name": "login", "request": {"method": "POST", "url": "https://h.example/l",
             "body": {"mode": "raw", "raw": "{\"email\": \"{{email}}\"}",
                      "options": {"raw": {"language": "json"}}}}},
        ]));
        let (col, text) = imported(&c);
        let r = &col["requests"];
        assert_eq!(
            r[0]["json"]["user"]["email"], "{{ sent_user_email }}",
            "{text}"
        );
        assert_eq!(
            r[0]["set"]["sent_user_email"], "a.{{ random_int(0, 1000) }}@x.io",
            "{text}"
        );
        assert_eq!(r[1]["set"]["email"], "{{ sent_user_email }}", "{text}");
    }

    #[test]
    fn a_header_a_scope_adds_again_is_sent_twice_and_one_it_upserts_in_place() {
        let add = |k: &str| format!("pm.request.headers.add({{ key: '{k}', value: 'added' }});");
        let mut c = collection(json!([
            {"name": "own", "request": {"method": "POST", "url": "https://h.example/a",
             "header": [{"key": "content-type", "value": "application/json"}]}},
            {"name": "none", "request": {"method": "POST", "url": "https://h.example/a"}},
            {"name": "folder", "item": [
                {"name": "replaced", "request": {"url": "https://h.example/b",
                 "header": [{"key": "Accept", "value": "text/plain"}]}}],
             "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.request.headers.upsert({ key: 'Accept', value: 'application/xml' });"]}}]},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            add("Content-Type"), add("Accept")
        ]}}]);
        let (col, text) = imported(&c);
        let r = &col["requests"];
        assert_eq!(
            r[0]["headers"]["content-type"],
            json!(["application/json", "added"]),
            "{text}"
        );
        assert!(r[1].get("headers").is_none(), "{text}");
        assert_eq!(
            r[2]["requests"][0]["headers"]["Accept"], "application/xml",
            "{text}"
        );
    }

    #[test]
    fn a_header_a_requests_own_script_adds_again_is_sent_twice() {
        let c = collection(json!([
            {"name": "own", "request": {"url": "https://h.example/a",
             "header": [{"key": "X-Key", "value": ""}, {"key": "X-Up", "value": "old"}]},
             "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.request.headers.add({ key: 'x-key', value: 'k-1' });",
                "pm.request.headers.upsert({ key: 'x-up', value: 'new' });",
             ]}}]},
        ]));
        let (col, text) = imported(&c);
        let h = &col["requests"][0]["headers"];
        assert_eq!(h["X-Key"], json!(["", "k-1"]), "{text}");
        assert_eq!(h["X-Up"], "new", "{text}");
        assert!(
            h.get("x-up").is_none() && h.get("x-key").is_none(),
            "{text}"
        );
    }

    #[test]
    fn a_folders_skip_request_skips_each_request_below_it() {
        let pre = |line: &str| json!([{"listen": "prerequest", "script": {"exec": [line]}}]);
        let req = |name: &str, event: Value| json!({"name": name, "request": {"url": "https://h.example/x"}, "event": event});
        let c = collection(json!([
            {"name": "never", "event": pre("pm.execution.skipRequest();"), "item": [
                req("a", json!([])),
                req("b", pre(r#"if (pm.environment.get("fast") === "yes") { pm.execution.skipRequest(); }"#)),
            ]},
            {"name": "flagged", "event": pre(r#"if (pm.environment.get("mode") === "ro") { pm.execution.skipRequest(); }"#),
             "item": [req("c", json!([]))]},
            req("d", json!([])),
        ]));
        let (col, text) = imported(&c);
        let never = &col["requests"][0]["requests"];
        for r in [&never[0], &never[1]] {
            // Always skipped, whatever the request's own condition says.
            assert!(
                r["skip"].as_str().is_some_and(|s| !s.contains("{{")),
                "{text}"
            );
        }
        let flagged = col["requests"][1]["requests"][0]["skip"].as_str();
        assert!(
            flagged.is_some_and(|s| s.contains("mode == \"ro\"")),
            "{text}"
        );
        assert!(col["requests"][2].get("skip").is_none(), "{text}");
    }

    #[test]
    fn a_jump_in_a_pre_request_script_skips_what_it_passes_over() {
        let ev = |listen: &str, line: &str| json!({"listen": listen, "script": {"exec": [line]}});
        let req = |name: &str, events: Value| json!({"name": name, "request": {"url": "https://h.example/x"}, "event": events});
        let c = collection(json!([
            req(
                "a",
                json!([ev("prerequest", r#"postman.setNextRequest("c");"#)])
            ),
            req("b", json!([])),
            req(
                "c",
                json!([
                    ev("prerequest", r#"postman.setNextRequest("e");"#),
                    ev("test", r#"postman.setNextRequest("d");"#)
                ])
            ),
            req("d", json!([])),
            req("e", json!([])),
        ]));
        let (col, text) = imported(&c);
        let skipped: Vec<bool> = (0..5)
            .map(|i| col["requests"][i].get("skip").is_some())
            .collect();
        // The test script's jump (to the next one) is the one Newman takes.
        assert_eq!(skipped, [false, true, false, false, false], "{text}");
    }

    #[test]
    fn jwt_bearer_auth_is_a_token_jwt_sign_makes() {
        let jwt = |extra: Value| {
            let mut items = vec![
                json!({"key": "algorithm", "value": "HS384"}),
                json!({"key": "secret", "value": "k-5e1f0a9c33"}),
                json!({"key": "payload", "value": "{\"sub\": \"{{client}}\"}"}),
            ];
            items.extend(extra.as_array().cloned().unwrap_or_default());
            json!({"type": "jwt", "jwt": items})
        };
        let c = collection(json!([
            {"name": "a", "request": {"url": "https://h.example/a", "auth": jwt(json!([]))}},
            {"name": "q", "request": {"url": "https://h.example/q", "auth": jwt(json!([
                {"key": "addTokenTo", "value": "queryParam"}, {"key": "queryParamKey", "value": "t"}]))}},
            {"name": "rs", "request": {"url": "https://h.example/r", "auth":
                {"type": "jwt", "jwt": [{"key": "algorithm", "value": "RS256"}]}}},
        ]));
        let (col, text) = imported(&c);
        let bearer = col["requests"][0]["auth"]["bearer"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(
            bearer,
            r#"{{ ("{\"sub\": \"" ~ (client | string) ~ "\"}") | jwt_sign(secret('JWT_SECRET'), "HS384", header={}) }}"#,
            "{text}"
        );
        assert_eq!(
            col["requests"][1]["auth"]["api_key"]["query"], "t",
            "{text}"
        );
        assert_eq!(col["requests"][2]["auth"], "none", "{text}");
        assert!(!text.contains("k-5e1f0a9c33"), "{text}");
    }

    #[test]
    fn a_script_that_always_ends_the_run_skips_every_request_after_it() {
        let test = |line: &str| json!([{"listen": "test", "script": {"exec": [line]}}]);
        let req = |name: &str, event: Value| json!({"name": name, "request": {"url": "https://h.example/x"}, "event": event});
        let c = collection(json!([
            req("a", json!([])),
            req("b", test("postman.setNextRequest(null);")),
            {"name": "f", "item": [req("c", json!([]))]},
            req("d", test("if (x) { postman.setNextRequest(null); }")),
        ]));
        let (col, text) = imported(&c);
        assert!(col["requests"][1].get("skip").is_none(), "{text}");
        let c_skip = col["requests"][2]["requests"][0]["skip"]
            .as_str()
            .unwrap_or_default();
        assert!(
            c_skip.contains("setNextRequest(null)") && !c_skip.contains("{{"),
            "{text}"
        );
        assert!(col["requests"][3]["skip"].is_string(), "{text}");
    }

    #[test]
    fn a_form_field_or_query_parameter_a_kept_line_changes_fails_the_request() {
        let pre = |line: &str| json!([{"listen": "prerequest", "script": {"exec": [line]}}]);
        let req = |name: &str, line: &str| json!({"name": name, "request": {"url": "https://h.example/x"}, "event": pre(line)});
        let c = collection(json!([
            req(
                "form",
                "pm.request.body.urlencoded.add({ key: 'b', value: pm.environment.get('x') + '-1' });"
            ),
            req(
                "query",
                "const cfg = JSON.parse(pm.environment.get('cfg')); cfg.pages.forEach(p => pm.request.url.query.add({ key: 'p', value: p.id }));"
            ),
        ]));
        let (col, text) = imported(&c);
        for i in 0..2 {
            let fail = col["requests"][i]["fail"].as_str().unwrap_or_default();
            assert!(fail.contains("changes the request"), "{text}");
        }
    }

    #[test]
    fn graphql_variables_that_are_no_json_are_sent_as_written() {
        let gql = |vars: Value| json!({"mode": "graphql", "graphql": {"query": "query { a }", "variables": vars}});
        let c = collection(json!([
            {"name": "bad", "request": {"method": "POST", "url": "https://h.example/g", "body": gql(json!("{\"id\": 1,}"))}},
            {"name": "null", "request": {"method": "POST", "url": "https://h.example/g", "body": gql(Value::Null)}},
        ]));
        let (col, text) = imported(&c);
        assert_eq!(
            col["requests"][0]["text"], r#"{"query":"query { a }","variables":{"id": 1,}}"#,
            "{text}"
        );
        assert_eq!(
            col["requests"][1]["json"]["variables"],
            Value::Null,
            "{text}"
        );
    }

    #[test]
    fn a_credential_in_a_body_sent_as_text_is_read_from_a_secret() {
        let raw = "[{\"login\": \"newUser\", \"password\": \"N3wPass-\\\"q\\\"\"}]";
        let c = collection(json!([
            {"name": "list", "request": {"method": "POST", "url": "https://h.example/u",
              "body": {"mode": "raw", "raw": raw}}},
        ]));
        let (col, text) = imported(&c);
        assert!(!text.contains("N3wPass"), "{text}");
        let body = col["requests"][0]["text"].as_str().unwrap_or_default();
        assert!(
            body.contains(r#""password": {{ secret('PASSWORD') | tojson }}"#),
            "{text}"
        );
        assert!(body.contains(r#""login": "newUser""#), "{text}");
    }

    fn imported(c: &Value) -> (Value, String) {
        let out = import(c, &[], &|_| true).expect("import");
        let text = out.files[0].1.clone();
        (serde_saphyr::from_str(&text).expect("yaml"), text)
    }

    #[test]
    fn a_mask_or_a_setting_in_a_secret_header_is_copied_as_written() {
        let header = |k: &str, v: &str| json!({"key": k, "value": v});
        let c = collection(json!([
            {"name": "masked", "request": {"url": "https://h.example/a", "header": [
                header("X-Api-Key", "**********"), header("X-Password", "false"),
                header("Authorization", "Bearer **********")]}},
            {"name": "real", "request": {"url": "https://h.example/b", "header": [
                header("X-Api-Key", "k-7f3a9c2e11")]}}]));
        let (col, text) = imported(&c);
        let masked = &col["requests"][0]["headers"];
        assert_eq!(masked["X-Api-Key"], json!("**********"), "{text}");
        assert_eq!(masked["X-Password"], json!("false"), "{text}");
        assert_eq!(
            masked["Authorization"],
            json!("Bearer **********"),
            "{text}"
        );
        assert!(!text.contains("k-7f3a9c2e11"), "{text}");
    }

    #[test]
    fn a_password_a_script_encodes_into_an_authorization_header_is_not_copied() {
        let pre = |lines: &[&str]| json!([{"listen": "prerequest", "script": {"exec": lines}}]);
        let c = collection(json!([
            {"name": "btoa", "request": {"url": "https://h.example/a"}, "event": pre(&[
                "const user = 'bob';", "const pw = 'Ibt1-btoapw-4001';",
                "pm.request.headers.add({key: 'Authorization', value: 'Basic ' + btoa(user + ':' + pw)});"])},
            {"name": "cryptojs", "request": {"url": "https://h.example/b"}, "event": pre(&[
                "var words = CryptoJS.enc.Utf8.parse('bob:Icb1-cryptob64pw-4003');",
                "var enc = CryptoJS.enc.Base64.stringify(words);",
                "pm.request.headers.add({key: 'Authorization', value: 'Basic ' + enc});"])},
            {"name": "user and colon", "request": {"url": "https://h.example/c"}, "event": pre(&[
                "const password = 'Ibt2-btoapassword-4004';",
                "pm.request.headers.add({key: 'Authorization', value: 'Basic ' + btoa('bob:' + password)});"])}]));
        let (col, text) = imported(&c);
        for literal in [
            "Ibt1-btoapw-4001",
            "Icb1-cryptob64pw-4003",
            "Ibt2-btoapassword-4004",
        ] {
            assert!(!text.contains(literal), "{text}");
        }
        let third = col["requests"][2]["headers"]["Authorization"]
            .as_str()
            .unwrap_or_default();
        assert!(third.contains("\"bob:\" ~ secret('AUTHORIZATION"), "{text}");
    }

    #[test]
    fn a_literal_a_script_sets_over_a_collection_variable_is_set_where_the_script_runs() {
        let pre = |lines: &[&str]| json!([{"listen": "prerequest", "script": {"exec": lines}}]);
        let mut c = collection(json!([
            {"name": "first", "request": {"url": "https://h.example/a?limit={{limit}}"}},
            {"name": "paged", "request": {"url": "https://h.example/b?limit={{limit}}"},
             "event": pre(&["pm.globals.set('limit', 30);"])}]));
        c["variable"] = json!([{"key": "limit", "value": ""}]);
        let (col, text) = imported(&c);
        // Newman sends "" first, then 30: the set is the second request's own.
        assert_eq!(col["variables"]["limit"], "", "{text}");
        assert_eq!(col["requests"][1]["set"]["limit"], 30, "{text}");
    }

    #[test]
    fn variables_sent_as_credentials_are_secrets_whatever_their_names() {
        let mut c = collection(json!([
            {"name": "h", "request": {"url": "https://h.example/a", "header": [
                {"key": "Authorization", "value": "Bearer {{jwt}}"},
                {"key": "Cookie", "value": "SESSION={{sess}}"}]}},
            {"name": "b", "request": {"url": "https://h.example/b", "auth": {"type": "basic",
                "basic": [{"key": "username", "value": "{{user}}"}, {"key": "password", "value": "{{pw}}"}]}}},
            {"name": "k", "request": {"url": "https://h.example/c", "auth": {"type": "apikey",
                "apikey": [{"key": "key", "value": "X-Key"}, {"key": "value", "value": "{{k}}"}]}}}]));
        c["variable"] = json!([
            {"key": "jwt", "value": "Jcv1-colljwt-1001"}, {"key": "sess", "value": "Jcv2-sess-1002"},
            {"key": "user", "value": "bob"}, {"key": "pw", "value": "Jcv3-pw-1003"},
            {"key": "k", "value": "Jcv4-k-1004"}]);
        let (col, text) = imported(&c);
        for literal in [
            "Jcv1-colljwt-1001",
            "Jcv2-sess-1002",
            "Jcv3-pw-1003",
            "Jcv4-k-1004",
        ] {
            assert!(!text.contains(literal), "{text}");
        }
        assert_eq!(col["variables"]["jwt"], "{{ secret('JWT') }}", "{text}");
        // A user name is no credential.
        assert_eq!(col["variables"]["user"], "bob", "{text}");
    }

    #[test]
    fn a_collection_script_switching_on_the_request_name_is_each_requests_own() {
        let mut c = collection(json!([
            {"name": "Login", "request": {"url": "https://api.example.com/login", "method": "POST"}},
            {"name": "Create order", "request": {"url": "https://api.example.com/orders", "method": "POST"}},
            {"name": "List", "request": {"url": "https://api.example.com/orders"}},
        ]));
        c["event"] = test_event(&[
            "pm.test('status', () => pm.response.to.have.status(200));",
            "var data = pm.response.json();",
            "switch (pm.info.requestName) {",
            "    case 'Login':",
            "        pm.environment.set('token', data.token);",
            "        break;",
            "    case 'Create order':",
            "        pm.environment.set('order_id', data.id);",
            "        someHelper(data);",
            "        break;",
            "}",
        ]);
        let (col, text) = imported(&c);
        // What does not depend on the name stays the collection's.
        assert_eq!(col["defaults"]["expect"]["status"], json!(200), "{text}");
        let r = &col["requests"];
        assert_eq!(r[0]["capture"]["token"]["json"], json!("$.token"), "{text}");
        assert_eq!(r[1]["capture"]["order_id"]["json"], json!("$.id"), "{text}");
        assert!(r[2].get("capture").is_none(), "{text}");
        assert!(r[0].get("capture").unwrap()["order_id"].is_null(), "{text}");
        // The branch's kept line is under its request alone, not the whole switch.
        let kept: Vec<&str> = (text.lines())
            .filter(|l| l.contains("someHelper") && l.trim_start().starts_with('#'))
            .collect();
        assert_eq!(kept.len(), 1, "{text}");
        assert!(
            text.contains(
                "# postman the collection's test script (its part for this request), not converted"
            ),
            "{text}"
        );
        assert!(!text.contains("case 'Login'"), "{text}");
    }

    #[test]
    fn a_json_body_pasting_a_variable_the_export_leaves_empty_is_sent_as_written() {
        let raw = |text: &str| json!({"mode": "raw", "raw": text, "options": {"raw": {"language": "json"}}});
        let c = collection(json!([
            {"name": "whole", "request": {"method": "PUT", "url": "https://x.test/p", "body": raw("{{product_update}}")}},
            {"name": "field", "request": {"method": "PUT", "url": "https://x.test/r", "body": raw("{\"RoleId\": {{role}}}")}},
            {"name": "json", "request": {"method": "PUT", "url": "https://x.test/j", "body": raw("{{payload}}")}},
        ]));
        let env = json!({"name": "dev", "values": [
            {"key": "product_update", "value": ""}, {"key": "role", "value": ""},
            {"key": "payload", "value": "{\"a\": 1}"},
        ]});
        let out = import(&c, &[env], &|_| true).expect("import");
        let text = &out.files[0].1;
        let col: Value = serde_saphyr::from_str(text).expect("yaml");
        let r = &col["requests"];
        // Newman pastes the empty value in: an empty body, `{"RoleId": }`; yarc sends the same.
        assert_eq!(r[0]["text"], "{{ product_update }}", "{text}");
        assert_eq!(r[1]["text"], "{\"RoleId\": {{ role }}{{ '}' }}", "{text}");
        assert_eq!(
            r[0]["headers"]["Content-Type"], "application/json",
            "{text}"
        );
        // A value that is JSON is sent as its text, as Newman sends it (keys in its order).
        assert_eq!(r[2]["text"], "{{ payload }}", "{text}");
        assert_eq!(
            r[2]["headers"]["Content-Type"], "application/json",
            "{text}"
        );
    }

    #[test]
    fn a_token_a_requests_script_fetches_reaches_the_requests_after_it() {
        let fetch = [
            "pm.sendRequest({ url: pm.environment.get('auth') + '/oauth/token', method: 'POST',",
            "  body: { mode: 'urlencoded', urlencoded: [",
            "    { key: 'grant_type', value: 'client_credentials' },",
            "    { key: 'client_id', value: pm.environment.get('client_id') },",
            "    { key: 'client_secret', value: pm.environment.get('client_secret') } ] } },",
            "  function (err, res) { pm.environment.set('ACCESS_TOKEN', res.json().access_token); });",
        ];
        let bearer = json!([{"key": "Authorization", "value": "Bearer {{ACCESS_TOKEN}}"}]);
        let c = collection(json!([
            {"name": "before", "request": {"url": "https://x.test/a", "header": bearer}},
            {"name": "get token", "event": [{"listen": "prerequest", "script": {"exec": fetch}}],
             "request": {"url": "https://x.test/b", "header": bearer}},
            {"name": "animals", "item": [
                {"name": "later", "request": {"url": "https://x.test/c", "header": bearer}},
            ]},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        let col: Value = serde_saphyr::from_str(text).expect("yaml");
        let r = &col["requests"];
        // Before the fetch, Newman sends the header as it is; from the fetch on, the token.
        assert_eq!(
            r[0]["headers"]["Authorization"], "Bearer {{ ACCESS_TOKEN }}",
            "{text}"
        );
        assert!(r[1]["auth"]["oauth2"].is_object(), "{text}");
        let later = &r[2]["requests"][0];
        assert_eq!(later["auth"], r[1]["auth"], "{text}");
        assert!(later.get("headers").is_none(), "{text}");
    }

    #[test]
    fn a_literal_set_after_a_request_that_reads_the_variable_is_not_its_starting_value() {
        let set = |listen: &str| {
            json!([{"listen": listen, "script": {"exec": [
                "pm.collectionVariables.set('payment_method', 'cod');"
            ]}}])
        };
        let c = collection(json!([
            {"name": "early", "request": {"url": "https://x.test/pay?m={{payment_method}}"}},
            {"name": "choose", "event": set("prerequest"), "request": {"url": "https://x.test/choose"}},
            {"name": "after", "event": set("test"), "request": {"url": "https://x.test/a?m={{payment_method}}"}},
            {"name": "last", "request": {"url": "https://x.test/b?m={{payment_method}}"}},
        ]));
        let out = import(&c, &[], &|_| true).expect("import");
        let text = &out.files[0].1;
        let col: Value = serde_saphyr::from_str(text).expect("yaml");
        // `early` sends what Newman sends before the set: not `cod`.
        assert_ne!(col["variables"]["payment_method"], "cod", "{text}");
        let r = &col["requests"];
        assert_eq!(r[1]["set"]["payment_method"], "cod", "{text}");
        // A test script's set holds after its response: from the next request on.
        assert!(r[2].get("set").is_none(), "{text}");
        assert_eq!(r[3]["set"]["payment_method"], "cod", "{text}");
    }

    #[test]
    fn cleared_and_unset_variables_are_the_text_newman_sends_from_then_on() {
        let mut c = collection(json!([
            {"name": "reset",
             "event": [
                {"listen": "prerequest", "script": {"exec": ["pm.collectionVariables.clear();"]}},
                {"listen": "test", "script": {"exec": ["pm.environment.unset('session');"]}},
             ],
             "request": {"url": "{{host}}/reset"}},
            {"name": "use",
             "event": [{"listen": "prerequest", "script": {"exec": [
                "if (!pm.collectionVariables.has('store-id')) { pm.expect.fail('not found: store-id'); }"
             ]}}],
             "request": {"url": "{{host}}/stores/{{store-id}}?s={{session}}"}},
        ]));
        c["variable"] = json!([
            {"key": "store-id", "value": ""}, {"key": "mode", "value": "x"},
            {"key": "api_base", "value": "http://127.0.0.1:9"},
        ]);
        let env = json!({"name": "dev", "values": [
            {"key": "host", "value": "http://127.0.0.1:9"}, {"key": "session", "value": "s1"},
            {"key": "mode", "value": "y"},
        ]});
        let out = import(&c, &[env], &|_| true).expect("import");
        let col: Value = serde_saphyr::from_str(&out.files[0].1).expect("yaml");
        let r = &col["requests"];
        // The collection's own variables go (one the environment also has is its again; one
        // the export gives a value, such as a base URL, keeps it: `--var` may give it).
        assert_eq!(
            r[0]["set"],
            json!({"store_id": "{{ \"{{store-id}}\" }}"}),
            "{}",
            out.files[0].1
        );
        // An unset in a test script holds from the next request on.
        assert_eq!(
            r[1]["set"]["session"], "{{ \"{{session}}\" }}",
            "{}",
            out.files[0].1
        );
        // `has()` denies that text, as Newman denies a variable it does not have.
        assert_eq!(
            r[1]["expect"]["vars"]["store_id"]["not"]["equals"], "{{ \"{{store-id}}\" }}",
            "{}",
            out.files[0].1
        );
        // The summary names what the clear leaves, which Newman would not.
        let notes = out.report.notes.join("\n");
        assert!(
            notes.contains(
                "`pm.collectionVariables.clear()` in request `reset`: yarc keeps `api_base`"
            ),
            "{notes}"
        );
    }

    #[test]
    fn a_branch_for_a_request_the_export_does_not_have_is_named_in_the_summary() {
        let mut c = collection(json!([
            {"name": "Login", "request": {"url": "https://api.example.com/login", "method": "POST"}},
            {"name": "List", "request": {"url": "https://api.example.com/orders"}},
        ]));
        c["event"] = test_event(&[
            "switch (pm.info.requestName) {",
            "    case 'Login':",
            "        pm.environment.set('token', pm.response.json().token);",
            "        break;",
            "    case 'Old login':",
            "        pm.environment.set('legacy', pm.response.json().token);",
            "        pm.test('legacy', () => pm.response.to.have.status(201));",
            "        break;",
            "}",
        ]);
        let out = import(&c, &[], &|_| true).expect("import");
        let notes = out.report.notes.join("\n");
        assert!(
            notes.contains(
                "the collection's test script: lines 6-7 run for no request of the export"
            ),
            "{notes}"
        );
        // Every branch taken: nothing to say.
        c["event"] = test_event(&[
            "if (pm.info.requestName === 'Login') {",
            "    pm.environment.set('token', pm.response.json().token);",
            "} else {",
            "    pm.test('ok', () => pm.response.to.have.status(200));",
            "}",
        ]);
        let out = import(&c, &[], &|_| true).expect("import");
        assert!(
            !out.report
                .notes
                .iter()
                .any(|n| n.contains("run for no request")),
            "{:?}",
            out.report.notes
        );
    }

    #[test]
    fn a_folder_script_deciding_by_the_name_sets_what_each_request_sends() {
        let folder_pre = json!([{"listen": "prerequest", "script": {"exec": [
            "const action = pm.info.requestName.split(' ')[0].replace(/^_/, '');",
            "const token = pm.environment.get('token');",
            "pm.variables.set('header', `<Action>${action}</Action><T>${token}</T>`);",
            "if (pm.info.requestName.toLowerCase().includes('create')) {",
            "    pm.variables.set('mode', 'write');",
            "} else {",
            "    pm.variables.set('mode', 'read');",
            "}",
            "pm.variables.set('footer', '</End>');",
        ]}}]);
        let c = collection(json!([
            {"name": "Soap", "event": folder_pre, "item": [
                {"name": "_SessionCreateRQ 1.0", "request": {"url": "https://api.example.com/s"}},
                {"name": "TP_ReadRQ 1.1", "request": {"url": "https://api.example.com/s"}},
            ]},
        ]));
        let (col, text) = imported(&c);
        let g = &col["requests"][0];
        assert_eq!(g["defaults"]["set"]["footer"], json!("</End>"), "{text}");
        let first = &g["requests"][0]["set"];
        assert_eq!(
            first["header"],
            json!("<Action>SessionCreateRQ</Action><T>{{ token }}</T>"),
            "{text}"
        );
        assert_eq!(first["mode"], json!("write"), "{text}");
        let second = &g["requests"][1]["set"];
        assert_eq!(
            second["header"],
            json!("<Action>TP_ReadRQ</Action><T>{{ token }}</T>")
        );
        assert_eq!(second["mode"], json!("read"), "{text}");
        assert!(!text.contains("# postman"), "{text}");
    }

    #[test]
    fn a_decision_the_name_alone_cannot_take_stays_the_scopes() {
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "https://api.example.com/a"}},
            {"name": "b", "request": {"url": "https://api.example.com/b"}},
        ]));
        c["event"] = test_event(&[
            "if (pm.info.requestName === pm.environment.get('login_request')) {",
            "    pm.environment.set('token', pm.response.json().token);",
            "}",
            "console.log(pm.info.requestName);",
        ]);
        let (col, text) = imported(&c);
        assert!(col["requests"][0].get("capture").is_none(), "{text}");
        // Kept once, at the collection, as before.
        assert_eq!(text.matches("login_request").count(), 1, "{text}");
    }

    #[test]
    fn a_pre_request_script_deciding_by_the_url_as_written_is_each_requests_own() {
        let mut c = collection(json!([
            {"name": "_Login 1.0", "request": {"url": "{{soap_endpoint}}", "method": "POST"}},
            {"name": "orders", "request": {"url": "{{rest_endpoint}}/v1/orders"}},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "const URI = request.url.split('/')[0];",
            "const isSoap = ((URI) == ('{{soap_endpoint}}'));",
            "if (isSoap == true) {",
            "    const action = request.name.replace(/^_|[0-9]./, '').trim().split(' ')[0];",
            "    pm.variables.set('header', `<Action>${action}</Action>`);",
            "}",
            "console.info('pre-request of', pm.info.requestName);",
        ]}}]);
        let (col, text) = imported(&c);
        let r = &col["requests"];
        assert_eq!(
            r[0]["set"]["header"],
            json!("<Action>Login</Action>"),
            "{text}"
        );
        assert!(r[1].get("set").is_none(), "{text}");
        // The log line is the collection's, once.
        assert_eq!(text.matches("console.info").count(), 1, "{text}");
        // A test script's `request.url` is the URL sent, not as written: never decided on.
        c["event"] = test_event(&[
            "if (request.url.includes('{{soap_endpoint}}')) { pm.environment.set('soap', 'yes'); }",
        ]);
        let (col, text) = imported(&c);
        assert!(col["requests"][0].get("set").is_none(), "{text}");
        assert!(text.contains("request.url.includes"), "{text}");
    }

    #[test]
    fn a_switch_of_thousands_of_names_stays_the_scopes_and_imports() {
        let mut lines = vec!["switch (pm.info.requestName) {".to_string()];
        for i in 0..2_000 {
            lines.push(format!(
                "case 'r{i}': pm.environment.set('v', pm.response.json().a{i}); break;"
            ));
        }
        lines.push("}".into());
        let mut c =
            collection(json!([{"name": "r5", "request": {"url": "https://api.example.com/a"}}]));
        c["event"] = json!([{"listen": "test", "script": {"exec": lines}}]);
        let (col, text) = imported(&c);
        assert!(
            col["requests"][0].get("capture").is_none(),
            "{}",
            &text[..400]
        );
        assert!(text.contains("case 'r1999'"));
    }

    #[test]
    fn a_literal_credential_a_script_adds_to_a_header_or_the_query_is_never_written() {
        let mut c = collection(json!([
            {"name": "a", "request": {"url": "https://api.example.com/a"}},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "pm.request.headers.add({ key: 'X-Api-Key', value: 'sk_live_abcdef123456' });",
            "pm.request.url.addQueryParams([{ key: 'api_key', value: 'qk_live_987654zyx' }]);",
        ]}}]);
        let (col, text) = imported(&c);
        assert!(!text.contains("sk_live_abcdef123456"), "{text}");
        assert!(!text.contains("qk_live_987654zyx"), "{text}");
        assert_eq!(
            col["defaults"]["headers"]["X-Api-Key"],
            json!("{{ secret('X_API_KEY') }}"),
            "{text}"
        );
        assert_eq!(
            col["defaults"]["query"]["api_key"],
            json!("{{ secret('API_KEY') }}"),
            "{text}"
        );
    }

    #[test]
    fn literal_credentials_in_headers_and_a_sent_requests_body_are_never_written() {
        let mut c = collection(json!([
            {"name": "a", "request": {"method": "POST", "url": "https://api.example.com/a",
             "header": [{"key": "Authorization", "value": "Bearer eyJhbGciOiJIUzI1NiJ9.lit.sig"}]},
             "event": [{"listen": "test", "script": {"exec": [
                "pm.sendRequest({ url: 'https://api.example.com/b', method: 'POST',",
                "  header: { 'X-Api-Key': 'sk_live_abcdef123456', 'Authorization': 'Basic dXNlcjpwYXNz' },",
                "  body: { mode: 'raw', raw: JSON.stringify({ user: 'ada', password: 'hunter2-literal' }) } },",
                "  (err, res) => { pm.environment.set('t', res.json().token); });",
             ]}}]},
        ]));
        c["event"] = json!([{"listen": "prerequest", "script": {"exec": [
            "pm.request.headers.upsert({ key: 'Authorization', value: 'Basic cm9vdDpyb290' });",
        ]}}]);
        let (_, text) = imported(&c);
        for literal in [
            "eyJhbGci",
            "sk_live_",
            "dXNlcjpwYXNz",
            "hunter2",
            "cm9vdDpyb290",
        ] {
            assert!(!text.contains(literal), "{literal} in\n{text}");
        }
        // The collection's `upsert` sets the request's own header (Newman sends Basic).
        let col: Value = serde_saphyr::from_str(&text).expect("yaml");
        assert_eq!(
            col["requests"][0]["headers"]["Authorization"], "Basic {{ secret('AUTHORIZATION') }}",
            "{text}"
        );
        assert!(text.contains("user: ada"), "{text}");
    }

    /// Newman runs every scope's test script and the request's own: a request passes only on
    /// a status they all allow, where yarc's defaults give the innermost one.
    #[test]
    fn the_statuses_of_scopes_and_request_all_hold() {
        let status = |code: &str| test_event(&[&format!("pm.test('s', () => {code});")]);
        let mut c = collection(json!([
            {"name": "folder", "event": status("pm.response.to.have.status(200)"), "item": [
                {"name": "created", "event": status("pm.response.to.have.status(201)"),
                 "request": {"url": "https://api.example.com/a", "method": "POST"}},
                {"name": "inherits", "request": {"url": "https://api.example.com/b"}},
            ]},
            {"name": "either", "event": status("pm.expect(pm.response.code).to.be.oneOf([201, 404])"),
             "request": {"url": "https://api.example.com/c"}},
            {"name": "missing", "event": status("pm.response.to.have.status(404)"),
             "request": {"url": "https://api.example.com/d"}},
        ]));
        c["event"] = status("pm.response.to.be.success");
        let (col, text) = imported(&c);
        let r = &col["requests"];
        let folder = &r[0]["requests"];
        assert!(
            folder[0]["fail"]
                .as_str()
                .is_some_and(|f| f.contains("2xx and 200 and 201")),
            "{text}"
        );
        assert!(folder[1].get("fail").is_none(), "{text}");
        assert!(
            folder[1].get("expect").is_none(),
            "the folder's 200 is in force: {text}"
        );
        assert_eq!(r[1]["expect"]["status"], json!(201), "{text}");
        assert!(r[1].get("fail").is_none(), "{text}");
        assert!(
            r[2]["fail"]
                .as_str()
                .is_some_and(|f| f.contains("2xx and 404")),
            "{text}"
        );
    }

    /// A request whose pre-request and test scripts both set a variable: the pre-request's value
    /// is this request's, the test script's the next request's (before, it was lost).
    #[test]
    fn a_test_scripts_set_follows_its_pre_request_scripts_set_of_the_name() {
        let c = collection(json!([
            {"name": "one", "request": {"url": "https://h.example/s?stage={{stage}}"},
             "event": [
                {"listen": "prerequest", "script": {"exec": ["pm.environment.set('stage', 'pre');"]}},
                {"listen": "test", "script": {"exec": ["pm.environment.set('stage', 'post');"]}}]},
            {"name": "two", "request": {"url": "https://h.example/s?stage={{stage}}"}},
        ]));
        let (col, text) = imported(&c);
        let r = &col["requests"];
        assert_eq!(r[0]["set"]["stage"], "pre", "{text}");
        assert_eq!(r[1]["set"]["stage"], "post", "{text}");
    }
}
