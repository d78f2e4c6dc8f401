//! The minijinja environment: strict undefined, yarc's functions and filters, every template of
//! a run compiled once at plan time, and template errors mapped back to file:line of the YAML.

use crate::diagnostic::Diagnostic;
use crate::model::{TValue, Template};
use crate::secret::Secrets;
use base64::Engine;
use minijinja::value::{Serde, Value as MjValue, ValueKind};
use minijinja::{Environment, Error as MjError, ErrorKind, Output, State, UndefinedBehavior};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// The names the environment defines itself; they are not variables.
pub const FUNCTIONS: &[&str] = &[
    "secret",
    "env",
    "uuid",
    "now",
    "timestamp",
    "timestamp_ms",
    "random_int",
    "random_bytes",
    "fake",
    "range",
    "dict",
    "namespace",
    "debug",
    "loop",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
];

/// Variables in scope for one rendering.
pub type Vars = Map<String, Value>;

pub struct Templates {
    env: Environment<'static>,
    secrets: Arc<Secrets>,
    /// Filter and test names already looked up: whether the environment has them.
    known_names: std::collections::HashMap<String, bool>,
}

thread_local! {
    /// `secret()` calls in the rendering under way, and how many the last written value saw:
    /// a value written after a call was made from the secret.
    static SECRET_READS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static SEEN_READS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Whether a secret the rendering under way read is long enough to be masked: one of 1 to
    /// 3 characters is masked nowhere (docs/security.md), so nothing made of it is either.
    static LONG_SECRET_READ: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Text written from secrets in the rendering under way.
    static DERIVED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Every value the rendering under way wrote, in order, while it reads a variable that
    /// holds a secret (`None`: not recorded).
    static WRITTEN: std::cell::RefCell<Option<Vec<String>>> =
        const { std::cell::RefCell::new(None) };
    /// Whether the last rendering made a new value from a variable that holds a secret.
    static TAINTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Templates {
    /// The environment; `clock` makes `now()`, `timestamp()`, `uuid()` and `random_int()`
    /// real or repeatable.
    pub fn new(secrets: Arc<Secrets>, clock: crate::clock::Clock) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // A text body that ends in a newline sends it (minijinja drops one by default).
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.set_fuel(Some(200_000));
        env.set_recursion_limit(64);
        env.set_formatter(format_value);
        env.add_filter("string", |v: MjValue| -> String { text_of(&v) });
        let store = Arc::clone(&secrets);
        env.add_function(
            "secret",
            move |name: String, kwargs: minijinja::value::Kwargs| -> Result<String, MjError> {
                let default = kwargs.get::<Option<String>>("default")?;
                // A secret that may be left unset may be empty too (CI passes a secret that
                // does not exist as empty).
                let allow_empty = kwargs.get::<Option<bool>>("allow_empty")?.unwrap_or(false)
                    || default.is_some();
                kwargs.assert_all_used()?;
                match store.get(&name) {
                    // The collection's own text, not a secret: nothing to mask.
                    None if default.is_some() => return Ok(default.unwrap_or_default()),
                    _ => SECRET_READS.set(SECRET_READS.get() + 1),
                }
                match store.get(&name) {
                    None => Err(MjError::new(
                        ErrorKind::InvalidOperation,
                        format!("secret `{name}` is not set"),
                    )),
                    Some(v) if v.is_empty() && !allow_empty => Err(MjError::new(
                        ErrorKind::InvalidOperation,
                        format!("secret `{name}` is set but empty"),
                    )),
                    Some(v) => {
                        if !too_short(&v) {
                            LONG_SECRET_READ.set(true);
                        }
                        Ok(v)
                    }
                }
            },
        );
        add_functions(&mut env, clock);
        add_filters(&mut env);
        Templates {
            env,
            secrets,
            known_names: Default::default(),
        }
    }

    /// Checks that a template compiles; a syntax error points into the YAML. Compiled
    /// templates are not kept: minijinja reserves ~12 KiB per compiled template, which for
    /// 100,000 requests was most of a run's memory, and compiling a short template again
    /// when it is rendered costs a few microseconds.
    pub fn compile(&mut self, t: &Template) -> Result<(), Diagnostic> {
        if t.is_literal() {
            return Ok(());
        }
        let tpl = self
            .env
            .template_from_str(&t.source)
            .map_err(|e| template_diagnostic(t, &e, "invalid template"))?;
        // The names it reads, kept while the template is at hand: asking later parses it again.
        reads(t, &tpl);
        self.check_names(t)?;
        literal_calls(t)?;
        if let Some(src) = value_source(t) {
            self.env
                .template_from_str(&src)
                .map_err(|e| template_diagnostic(t, &e, "invalid template"))?;
        }
        Ok(())
    }

    /// minijinja looks filters and tests up only when it reaches them: an unknown one would
    /// fail halfway through a run, or never, in a branch not taken. Every name is checked here.
    fn check_names(&mut self, t: &Template) -> Result<(), Diagnostic> {
        for (kind, name) in filter_and_test_names(&t.source) {
            let key = format!("{kind} {name}");
            let known = match self.known_names.get(&key) {
                Some(k) => *k,
                None => {
                    let probe = format!("{{{{ n is {kind} }}}}");
                    let ctx = minijinja::context! { n => name.clone() };
                    let k = self.env.render_str(&probe, ctx).is_ok_and(|r| r == "true");
                    self.known_names.insert(key, k);
                    k
                }
            };
            if !known {
                let list = if kind == "filter" { FILTERS } else { TESTS };
                return Err(Diagnostic::at(
                    format!("invalid template: unknown {kind} `{name}`"),
                    &t.span,
                )
                .suggest(&name, list.iter().copied())
                .with_help(format!(
                    "the {kind}s yarc knows are listed in docs/format.md (Functions and filters)"
                )));
            }
        }
        Ok(())
    }

    pub fn compile_tvalue(&mut self, v: &TValue) -> Result<(), Diagnostic> {
        match v {
            TValue::Str(t) => self.compile(t),
            TValue::List(items) => items.iter().try_for_each(|i| self.compile_tvalue(i)),
            TValue::Map(entries) => entries.iter().try_for_each(|(_, i)| self.compile_tvalue(i)),
            TValue::KeyedMap(entries) => entries.iter().try_for_each(|(k, i)| {
                self.compile(k)?;
                self.compile_tvalue(i)
            }),
            _ => Ok(()),
        }
    }

    /// Top-level names a template reads that are neither functions nor set inside it.
    pub fn undeclared(&self, t: &Template) -> HashSet<String> {
        if t.is_literal() {
            return HashSet::new();
        }
        let reads = match t.reads.get() {
            Some(r) => Arc::clone(r),
            None => match self.env.template_from_str(&t.source) {
                Ok(tpl) => reads(t, &tpl),
                Err(_) => return HashSet::new(),
            },
        };
        let mut names: HashSet<String> = reads
            .iter()
            .filter(|n| !FUNCTIONS.contains(&n.as_str()))
            .cloned()
            .collect();
        // minijinja's analysis (3.1) does not see what a slice slices (`tok[4:]`): those names
        // are read too. With control flow a name may be the template's own (`{% set %}`).
        if !t.source.contains("{%") {
            names.extend(sliced_reads(&t.source));
        }
        names
    }

    pub fn render(&self, t: &Template, vars: &Vars) -> Result<String, Diagnostic> {
        if t.is_literal() {
            return Ok(t.source.clone());
        }
        self.run(t, &t.source, vars)
    }

    /// Renders to a JSON value: `"{{ expr }}"` alone keeps the expression's type.
    pub fn render_json(&self, t: &Template, vars: &Vars) -> Result<Value, Diagnostic> {
        if t.is_literal() || t.sole_expression().is_none() {
            return self.render(t, vars).map(Value::String);
        }
        let source = value_source(t).unwrap_or_default();
        let text = self.run(t, &source, vars)?;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if value.is_null() {
            // `tojson` writes an undefined value as null: written as text, a variable without a
            // value is an error (a capture whose `when:` did not hold), and here too.
            self.run(t, &t.source, vars)?;
        }
        if read_secret() || TAINTED.get() {
            // The whole value came from a secret: its strings are secrets too.
            self.register_secret(&value);
            // A list of pieces too short to mask (`secret('S') | list`) is masked whole, as
            // yarc writes it and as a server writing `, ` between items echoes it.
            if (value.is_array() || value.is_object()) && holds_short_text(&value) {
                self.secrets
                    .redactor
                    .add(&serde_json::to_string(&value).unwrap_or_default());
                self.secrets.redactor.add(&spaced_json(&value));
            }
        }
        Ok(value)
    }

    /// Registers a value made from a secret: its text, in every form, is masked from now on.
    pub fn register_secret(&self, v: &Value) {
        self.secrets.redactor.redact_json_register(v);
    }

    /// Renders one compiled template; what an expression made from a
    /// `secret()` call writes is registered as secret text, whatever filters it went through.
    fn run(&self, t: &Template, source: &str, vars: &Vars) -> Result<String, Diagnostic> {
        let tpl = self
            .env
            .template_from_str(source)
            .map_err(|e| template_diagnostic(t, &e, "invalid template"))?;
        SECRET_READS.set(0);
        SEEN_READS.set(0);
        LONG_SECRET_READ.set(false);
        // Only the names the template reads go into its context: converting every variable
        // for every rendering made an environment of 50,000 variables take seconds.
        let mut read: Vars = reads(t, &tpl)
            .iter()
            .filter_map(|n| vars.get(n).map(|v| (n.clone(), v.clone())))
            .collect();
        for n in sliced_names(&t.source) {
            if let (false, Some(v)) = (read.contains_key(&n), vars.get(&n)) {
                read.insert(n, v.clone());
            }
        }
        let holders = self.secret_holders(&read);
        TAINTED.set(false);
        WRITTEN.set((!holders.is_empty()).then(Vec::new));
        let result = tpl.render(MjValue::from(Serde(&read)));
        let written = WRITTEN.take();
        let derived = DERIVED.take();
        for d in &derived {
            self.add_written(d);
        }
        match result {
            Ok(text) => {
                // A loop or a subscript can write a secret a piece at a time (`{% for c in
                // secret('S') %}{{ c }}-{% endfor %}`, `{{ secret('S')[0:2] }}`), each piece
                // too short to mask: what such a template writes is masked whole.
                let pieces = source.contains("{%") || derived.iter().any(|d| too_short(d));
                if read_secret() && LONG_SECRET_READ.get() && !derived.is_empty() && pieces {
                    self.secrets.redactor.add(&text);
                }
                if let Some(written) = written {
                    self.add_derived(source, &holders, &written, &text);
                }
                Ok(text)
            }
            Err(e) => Err(template_diagnostic(t, &e, "cannot render template")),
        }
    }

    /// Registers a written value made from a secret. `tojson` of a secret is the secret in
    /// quotes: the text inside is what is masked, so a masked JSON string keeps its quotes
    /// (`"password":"•••••"`).
    fn add_written(&self, written: &str) {
        // A test of a secret (`is defined`, `not token`) says one bit: masking every `true`
        // would garble the output and hide nothing.
        if matches!(
            written.trim(),
            "true" | "false" | "null" | "none" | "True" | "False" | "None"
        ) {
            return;
        }
        match serde_json::from_str::<String>(written) {
            Ok(inner) if written.starts_with('"') => self.secrets.redactor.add(&inner),
            _ => self.secrets.redactor.add(written),
        }
    }

    /// The variables a rendering is given that hold a secret (a token captured and then used
    /// as a credential, a `--secret-var`, a variable made from `secret()`), anywhere inside.
    fn secret_holders(&self, read: &Vars) -> Vec<String> {
        let r = &self.secrets.redactor;
        if !r.is_active() {
            return Vec::new();
        }
        read.iter()
            .filter(|(_, v)| holds_secret(v, r))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// What an expression makes from a variable that holds a secret is secret too, whatever
    /// it went through (`token[2:]`, `token | title`, `token | replace('_', '')`): each
    /// written value is matched with the `{{ … }}` that wrote it, and registered when that
    /// expression reads such a variable and is more than a plain path to a value (a plain
    /// path writes a value that is itself masked or is no secret). With control flow the
    /// written values cannot be matched to their expressions, and the whole text is masked.
    fn add_derived(&self, source: &str, holders: &[String], written: &[String], text: &str) {
        let exprs = expressions(source);
        if written.is_empty() {
            // Only text the template holds, chosen by a condition on a secret: one bit.
            return;
        }
        let made: Option<Vec<&String>> = (!source.contains("{%") && exprs.len() == written.len())
            .then(|| {
                exprs
                    .iter()
                    .zip(written)
                    .filter(|(e, _)| !plain_path(e) && reads_any(e, holders))
                    .map(|(_, w)| w)
                    .collect()
            });
        match made {
            // Pieces too short to mask (`token[0:2]`) are masked with the text around them.
            Some(made) if !made.iter().any(|w| too_short(w)) => {
                for value in &made {
                    self.add_written(value);
                }
                TAINTED.set(!made.is_empty() || TAINTED.get());
            }
            _ => {
                self.secrets.redactor.add(text);
                TAINTED.set(true);
            }
        }
    }

    pub fn render_tvalue(&self, v: &TValue, vars: &Vars) -> Result<Value, Diagnostic> {
        Ok(match v {
            TValue::Null => Value::Null,
            TValue::Bool(b) => Value::Bool(*b),
            TValue::Number(n) => Value::Number(n.clone()),
            TValue::Str(t) => self.render_json(t, vars)?,
            TValue::List(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.render_tvalue(i, vars))
                    .collect::<Result<_, _>>()?,
            ),
            TValue::Map(_) | TValue::KeyedMap(_) => {
                let mut m = Map::new();
                for (k, i) in self.entries(v, vars)? {
                    m.insert(k, self.render_tvalue(i, vars)?);
                }
                Value::Object(m)
            }
        })
    }

    /// A map's entries with their keys rendered (a key that is a template renders as text).
    fn entries<'v>(
        &self,
        v: &'v TValue,
        vars: &Vars,
    ) -> Result<Vec<(String, &'v TValue)>, Diagnostic> {
        match v {
            TValue::Map(entries) => Ok(entries.iter().map(|(k, i)| (k.clone(), i)).collect()),
            TValue::KeyedMap(entries) => entries
                .iter()
                .map(|(k, i)| Ok((self.render(k, vars)?, i)))
                .collect(),
            _ => Ok(Vec::new()),
        }
    }

    /// Renders a JSON body to its text, keys in the order written (`render_tvalue` would sort
    /// them): servers that read JSON as a stream, and signatures over the body, see what the
    /// collection says.
    pub fn render_json_text(&self, v: &TValue, vars: &Vars) -> Result<String, Diagnostic> {
        let mut out = String::new();
        self.write_json(v, vars, &mut out)?;
        Ok(out)
    }

    fn write_json(&self, v: &TValue, vars: &Vars, out: &mut String) -> Result<(), Diagnostic> {
        let text = |v: &Value| serde_json::to_string(v).unwrap_or_default();
        match v {
            TValue::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write_json(item, vars, out)?;
                }
                out.push(']');
            }
            TValue::Map(_) | TValue::KeyedMap(_) => {
                out.push('{');
                for (i, (k, item)) in self.entries(v, vars)?.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&text(&Value::String(k)));
                    out.push(':');
                    self.write_json(item, vars, out)?;
                }
                out.push('}');
            }
            leaf => out.push_str(&text(&self.render_tvalue(leaf, vars)?)),
        }
        Ok(())
    }

    /// Whether a condition (`repeat.while`) renders truthy: anything but empty, false, 0, no,
    /// none, null.
    pub fn holds(&self, t: &Template, vars: &Vars) -> Result<bool, Diagnostic> {
        self.render_json(t, vars).map(|v| truthy(&v))
    }

    /// Why a `skip:` skips, or `None` when it renders falsy (empty, false, 0, no, none, null).
    /// A text that says more than "true" is the reason itself (`skip: the upload file is not
    /// in the export`); otherwise the reason names the condition.
    pub fn skip_reason(&self, t: &Template, vars: &Vars) -> Result<Option<String>, Diagnostic> {
        let v = self.render_json(t, vars)?;
        if !truthy(&v) {
            return Ok(None);
        }
        Ok(Some(match &v {
            Value::String(s) if !["true", "yes", "1", "on"].contains(&s.trim()) => {
                s.trim().to_string()
            }
            // `skip: true`: the request is marked, no condition to name.
            _ if t.is_literal() => "marked `skip: true`".to_string(),
            _ => format!("`{}` is true", t.source),
        }))
    }
}

/// The names `t` reads (`tpl` is it compiled), found once per template. Its value form
/// (`{{ x | tojson }}`) reads the same names.
fn reads(t: &Template, tpl: &minijinja::Template<'_, '_>) -> Arc<[String]> {
    Arc::clone(t.reads.get_or_init(|| {
        tpl.undeclared_variables(false)
            .into_iter()
            .collect::<Vec<_>>()
            .into()
    }))
}

/// The names before a slice (`v[0:10]`, `(v | string)[2:]`): minijinja's analysis of what a
/// template reads (3.1) does not look at what a slice slices. Every word inside a tag with a
/// slice counts, for rendering only (the variables among them are given to the template; the
/// check of undefined variables does not read them).
fn sliced_names(source: &str) -> Vec<String> {
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static WORD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let tag = TAG.get_or_init(|| regex::Regex::new(r"(?s)\{[{%](.*?)[}%]\}").expect("valid regex"));
    let word =
        WORD.get_or_init(|| regex::Regex::new(r"[A-Za-z_][A-Za-z0-9_]*").expect("valid regex"));
    if !source.contains(':') || !source.contains('[') {
        return Vec::new();
    }
    tag.captures_iter(source)
        .filter_map(|c| c.get(1))
        .filter(|inner| inner.as_str().contains(':') && inner.as_str().contains('['))
        .flat_map(|inner| {
            word.find_iter(inner.as_str())
                .map(|w| w.as_str().to_string())
        })
        .collect()
}

/// The variables the `{{ … }}` tags with a slice read: each name outside string literals that
/// is no attribute (`.name`), filter (`| name`), test (`is name`), keyword or call.
pub fn sliced_reads(source: &str) -> Vec<String> {
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "if", "else", "in", "is", "true", "false", "none", "True", "False",
        "None",
    ];
    let mut out = Vec::new();
    for expr in expressions(source) {
        if !(expr.contains('[') && expr.contains(':')) {
            continue;
        }
        let b = expr.as_bytes();
        let (mut i, mut quote, mut before, mut last_word) = (0, None::<u8>, b' ', "");
        while i < b.len() {
            let c = b[i];
            if let Some(q) = quote {
                i += if c == b'\\' { 2 } else { 1 };
                if c == q {
                    quote = None;
                }
                continue;
            }
            if c == b'\'' || c == b'"' {
                quote = Some(c);
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &expr[start..i];
                let call = expr[i..].trim_start().starts_with('(');
                let named = !matches!(before, b'.' | b'|') && last_word != "is" && !call;
                if named && !KEYWORDS.contains(&word) && !FUNCTIONS.contains(&word) {
                    out.push(word.to_string());
                }
                (before, last_word) = (b'a', word);
                continue;
            } else if !c.is_ascii_whitespace() {
                (before, last_word) = (c, "");
            }
            i += 1;
        }
    }
    out
}

/// Whether a template says a variable may be missing: an `is defined` (`is not defined`,
/// `is undefined`) test or the `default` filter — the words themselves in a path
/// (`/settings/default/`) or a name (`zz_undefined`) do not.
pub fn says_optional(source: &str) -> bool {
    static SAYS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = SAYS.get_or_init(|| {
        regex::Regex::new(r"\bis\s+(?:not\s+)?(?:defined|undefined)\b|\|\s*(?:default|d)\b")
            .expect("valid regex")
    });
    expressions(source).iter().any(|e| re.is_match(e))
        || source.contains("{%") && re.is_match(source)
}

/// Whether a rendered `skip:` means "skip": anything but empty, false, 0, no, none, null.
fn truthy(v: &Value) -> bool {
    {
        match v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::String(s) => {
                let s = s.trim().to_ascii_lowercase();
                !(s.is_empty() || ["false", "0", "no", "none", "null"].contains(&s.as_str()))
            }
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
        }
    }
}

/// `env`, `uuid`, `now`, `timestamp`, `random_int`, `fake` (`secret` is added with the store it
/// reads).
fn add_functions(env: &mut Environment<'static>, clock: crate::clock::Clock) {
    env.add_function(
        "env",
        |name: String, default: Option<String>| -> Result<String, MjError> {
            match std::env::var(&name).ok().or(default) {
                Some(v) => Ok(v),
                None => Err(MjError::new(
                    ErrorKind::InvalidOperation,
                    format!("environment variable `{name}` is not set and no default was given"),
                )),
            }
        },
    );
    env.add_function("uuid", move || -> String { clock.uuid() });
    env.add_function(
        "now",
        move |format: Option<String>, add: Option<String>| -> Result<String, MjError> {
            let now = match add.as_deref() {
                None => clock.now(),
                Some(offset) => shifted(clock.now(), offset)
                    .ok_or_else(|| MjError::new(ErrorKind::InvalidOperation, bad_offset(offset)))?,
            };
            written(now, format, "now()")
        },
    );
    env.add_function("timestamp", move || -> i64 { clock.now().timestamp() });
    // JavaScript's `Date.now()`: two values made in the same second still differ.
    env.add_function("timestamp_ms", move || -> i64 {
        clock.now().timestamp_millis()
    });
    env.add_function("random_int", move |a: i64, b: i64| -> i64 {
        clock.random_int(a, b)
    });
    // PKCE's `code_verifier` (`random_bytes(32, "base64url")`), CryptoJS's
    // `WordArray.random(n)`.
    env.add_function(
        "random_bytes",
        move |n: u32, enc: Option<String>| -> Result<String, MjError> {
            let encoding = encoding_named("random_bytes", enc)?;
            if !(1..=1024).contains(&n) {
                let why = format!("random_bytes: {n} bytes; ask for 1 to 1024");
                return Err(MjError::new(ErrorKind::InvalidOperation, why));
            }
            let bytes: Vec<u8> = (0..n).map(|_| clock.random_int(0, 255) as u8).collect();
            Ok(crate::digest::encode(&bytes, encoding))
        },
    );
    env.add_function("fake", move |kind: String| -> Result<String, MjError> {
        clock
            .fake(&kind)
            .ok_or_else(|| MjError::new(ErrorKind::InvalidOperation, unknown_kind(&kind)))
    });
}

/// `base64_encode`, `base64_decode`, `number`, `date`, `from_json`, and the digests.
fn add_filters(env: &mut Environment<'static>) {
    env.add_filter("base64_encode", |s: String| -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    });
    env.add_filter("base64_decode", |s: String| -> Result<String, MjError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            // The decoder's own message names the offending byte and where it is: of a secret,
            // that is a piece of it.
            .map_err(|_| MjError::new(ErrorKind::InvalidOperation, "the text is not base64"))?;
        String::from_utf8(bytes).map_err(|_| {
            MjError::new(
                ErrorKind::InvalidOperation,
                "decoded base64 is not UTF-8 text",
            )
        })
    });
    env.add_filter("number", |v: MjValue| -> MjValue { js_number(&v) });
    env.add_filter("pad_start", pad_start);
    env.add_filter("date", date_filter);
    env.add_filter("from_json", |v: MjValue| -> MjValue {
        match v.as_str().map(serde_json::from_str::<serde_json::Value>) {
            Some(Ok(parsed)) => MjValue::from(Serde(parsed)),
            _ => v,
        }
    });
    add_digest_filters(env);
    add_jwt_filter(env);
}

/// `x | pad_start(2, "0")`: JavaScript's `String(x).padStart(2, "0")` — the text with the
/// fill repeated before it up to the width (in characters), unchanged when it is as long.
fn pad_start(v: MjValue, width: usize, fill: Option<String>) -> String {
    let text = text_of(&v);
    let fill = fill.unwrap_or_else(|| " ".into());
    let missing = width.min(4096).saturating_sub(text.chars().count());
    if fill.is_empty() || missing == 0 {
        return text;
    }
    fill.chars().cycle().take(missing).collect::<String>() + &text
}

/// `x | number`: JavaScript's `Number(x)`, what a Postman script's arithmetic reads a
/// variable as — a number as it is, blank text 0, numeric text its number (`"0x1f"` too),
/// anything else `NaN` (rendered `NaN`, as Newman sends it), never an error.
pub fn js_number(v: &MjValue) -> MjValue {
    use minijinja::value::ValueKind;
    let nan = || MjValue::from(f64::NAN);
    match v.kind() {
        ValueKind::Number => return v.clone(),
        ValueKind::None => return MjValue::from(0),
        ValueKind::Bool => return MjValue::from(i64::from(v.is_true())),
        ValueKind::String => {}
        _ => return nan(),
    }
    let text = v.as_str().unwrap_or_default().trim();
    if text.is_empty() {
        return MjValue::from(0);
    }
    if let Ok(n) = text.parse::<i64>() {
        return MjValue::from(n);
    }
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).map_or_else(|_| nan(), MjValue::from);
    }
    // Rust reads `inf` and `nan`, JavaScript only `Infinity`.
    let worded = text.trim_start_matches(['+', '-']);
    let plain = worded == "Infinity" || !worded.starts_with(|c: char| c.is_ascii_alphabetic());
    match text.replace("Infinity", "inf").parse::<f64>() {
        Ok(n) if plain => MjValue::from(n),
        _ => nan(),
    }
}

/// The encoding a digest filter or `random_bytes` names (hex when none).
fn encoding_named(what: &str, name: Option<String>) -> Result<crate::digest::Encoding, MjError> {
    use crate::digest::Encoding;
    let name = name.unwrap_or_else(|| "hex".into());
    Encoding::named(&name).ok_or_else(|| {
        MjError::new(
            ErrorKind::InvalidOperation,
            format!("{what}: no encoding `{name}`; use {}", Encoding::NAMES),
        )
    })
}

/// `md5`, `sha1`, `sha256`, `sha512` (`x | sha256`, `x | sha256("base64")`) and their HMACs
/// (`x | hmac_sha256(key)`, `x | hmac_sha256(key, "base64")`): of the text's UTF-8 bytes, as
/// lowercase hex unless an encoding is named.
fn add_digest_filters(env: &mut Environment<'static>) {
    use crate::digest::{Algorithm, digest, encode, hmac};
    let encoding = encoding_named;
    for (name, hmac_name, algorithm) in [
        ("md5", "hmac_md5", Algorithm::Md5),
        ("sha1", "hmac_sha1", Algorithm::Sha1),
        ("sha256", "hmac_sha256", Algorithm::Sha256),
        ("sha384", "hmac_sha384", Algorithm::Sha384),
        ("sha512", "hmac_sha512", Algorithm::Sha512),
    ] {
        env.add_filter(name, move |v: MjValue, enc: Option<String>| {
            let bytes = digest(algorithm, text_of(&v).as_bytes());
            Ok::<_, MjError>(encode(&bytes, encoding(name, enc)?))
        });
        env.add_filter(
            hmac_name,
            move |v: MjValue, key: MjValue, enc: Option<String>| {
                let mac = hmac(algorithm, text_of(&key).as_bytes(), text_of(&v).as_bytes());
                Ok::<_, MjError>(encode(&mac, encoding(hmac_name, enc)?))
            },
        );
    }
}

/// `claims | jwt_sign(key)`: a JSON Web Token signed with HMAC-SHA-256 (`jwt_sign(key,
/// "HS512")` another), its claims a mapping or JSON text, its header `{"typ": "JWT"}` unless
/// given (`header={"kid": "k1"}`); `alg` is always the algorithm's.
fn add_jwt_filter(env: &mut Environment<'static>) {
    let json = |what: &str, v: &MjValue| -> Result<String, MjError> {
        let invalid =
            |e: String| MjError::new(ErrorKind::InvalidOperation, format!("jwt_sign: {what} {e}"));
        let value: serde_json::Value = match v.as_str() {
            Some(text) => {
                serde_json::from_str(text).map_err(|e| invalid(format!("is no JSON: {e}")))?
            }
            None => serde_json::to_value(v).map_err(|e| invalid(e.to_string()))?,
        };
        match value {
            serde_json::Value::Object(_) => Ok(value.to_string()),
            _ => Err(invalid("must be a mapping (a JSON object)".into())),
        }
    };
    env.add_filter(
        "jwt_sign",
        move |claims: MjValue,
              key: MjValue,
              alg: Option<String>,
              kwargs: minijinja::value::Kwargs| {
            let header: Option<MjValue> = kwargs.get("header")?;
            kwargs.assert_all_used()?;
            let header = match header {
                Some(h) => json("the header", &h)?,
                None => r#"{"typ":"JWT"}"#.to_string(),
            };
            let claims = json("the claims", &claims)?;
            let alg = alg.unwrap_or_else(|| "HS256".into());
            crate::digest::jwt_hmac(&alg, &header, &claims, text_of(&key).as_bytes())
                .map_err(|e| MjError::new(ErrorKind::InvalidOperation, format!("jwt_sign: {e}")))
        },
    );
}

/// Whether the rendering just done on this thread called `secret()`.
pub fn read_secret() -> bool {
    SECRET_READS.get() != 0
}

/// How a value is written into text, by every template: JSON spellings (`true`, `false`), and
/// nothing for none — what HTTP APIs and every peer tool expect, not Python's `True`/`None`.
fn format_value(out: &mut Output, state: &mut State, value: &MjValue) -> Result<(), MjError> {
    let reads = SECRET_READS.get();
    if reads != SEEN_READS.get() {
        SEEN_READS.set(reads);
        DERIVED.with_borrow_mut(|d| d.push(text_of(value)));
    }
    WRITTEN.with_borrow_mut(|w| {
        if let Some(w) = w {
            w.push(text_of(value));
        }
    });
    match value.kind() {
        ValueKind::Bool
        | ValueKind::None
        | ValueKind::Undefined
        | ValueKind::Number
        | ValueKind::Seq
        | ValueKind::Map => out.write_str(&text_of(value)).map_err(MjError::from),
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// A value as text: strings as themselves, booleans as `true`/`false`, none as nothing, a
/// list or a map as compact JSON (`[1,{"a":"b"}]`, as `JSON.stringify` writes it), never
/// Python's `[1, {'a': 'b'}]`; a whole number worked out in floating point as JavaScript
/// writes it (`9.5 * 2` is `19`, not `19.0`; infinity `Infinity`).
pub fn text_of(v: &MjValue) -> String {
    match v.kind() {
        ValueKind::Number => {
            let text = v.to_string();
            match text.as_str() {
                "inf" => "Infinity".into(),
                "-inf" => "-Infinity".into(),
                _ => match text.strip_suffix(".0") {
                    Some(whole) if !whole.contains(['e', 'E']) => whole.to_string(),
                    _ => text,
                },
            }
        }
        ValueKind::Bool => if v.is_true() { "true" } else { "false" }.to_string(),
        ValueKind::None | ValueKind::Undefined => String::new(),
        ValueKind::Seq | ValueKind::Map => {
            serde_json::to_string(v).unwrap_or_else(|_| v.to_string())
        }
        _ => v.to_string(),
    }
}

/// Whether a variable's value holds a registered secret in any string or number inside it.
fn holds_secret(v: &Value, r: &crate::secret::Redactor) -> bool {
    match v {
        Value::String(s) => r.finds(s),
        Value::Number(n) => r.finds(&n.to_string()),
        Value::Array(a) => a.iter().any(|v| holds_secret(v, r)),
        Value::Object(o) => o.values().any(|v| holds_secret(v, r)),
        _ => false,
    }
}

/// The expressions of a template's `{{ … }}` tags, in order: a `}}` inside a string literal
/// does not end one, and a `{# … #}` comment holds none.
fn expressions(source: &str) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"{#" => {
                i = source[i..].find("#}").map_or(bytes.len(), |e| i + e + 2);
            }
            b"{{" => {
                let start = i + 2;
                let (mut j, mut quote) = (start, None::<u8>);
                while j < bytes.len() {
                    match (quote, bytes[j]) {
                        (Some(_), b'\\') => j += 1,
                        (Some(q), c) if c == q => quote = None,
                        (None, b'\'' | b'"') => quote = Some(bytes[j]),
                        (None, b'}') if bytes.get(j + 1) == Some(&b'}') => break,
                        _ => {}
                    }
                    j += 1;
                }
                let inner = &source[start.min(j)..j.min(bytes.len())];
                out.push(inner.trim_start_matches('-').trim_end_matches('-'));
                i = j + 2;
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether a JSON value holds a string too short to be masked on its own.
fn holds_short_text(v: &Value) -> bool {
    match v {
        Value::String(s) => too_short(s),
        Value::Array(items) => items.iter().any(holds_short_text),
        Value::Object(fields) => fields.values().any(holds_short_text),
        _ => false,
    }
}

/// JSON as Python's `json.dumps` writes it: `, ` between items and `: ` after keys.
fn spaced_json(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(spaced_json).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), spaced_json(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => other.to_string(),
    }
}

/// A piece of a secret too short to be masked on its own (1 to 3 characters).
fn too_short(written: &str) -> bool {
    let inner = serde_json::from_str::<String>(written).unwrap_or_else(|_| written.to_string());
    (1..4).contains(&inner.chars().count())
}

/// Whether an expression is only a path to a value (`user.token`, `items[0]['id']`), in the
/// parentheses and `tojson` of a value template or not: what it writes is a value as it is.
fn plain_path(expr: &str) -> bool {
    static PATH: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let path = PATH.get_or_init(|| {
        regex::Regex::new(
            r#"^[A-Za-z_]\w*(\s*(\.\s*[A-Za-z_]\w*|\[\s*(\d+|'[^'\\]*'|"[^"\\]*")\s*\]))*$"#,
        )
        .expect("valid regex")
    });
    let mut e = expr.trim();
    if let Some(inner) = e.strip_suffix("| tojson").map(str::trim_end) {
        e = inner;
    }
    if let Some(inner) = e.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        e = inner.trim();
    }
    path.is_match(e)
}

/// Whether an expression names any of `names` (a word of it, string literals included: a
/// name inside one only makes the check more careful).
fn reads_any(expr: &str, names: &[String]) -> bool {
    static WORD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let word =
        WORD.get_or_init(|| regex::Regex::new(r"[A-Za-z_][A-Za-z0-9_]*").expect("valid regex"));
    word.find_iter(expr)
        .any(|w| names.iter().any(|n| n == w.as_str()))
}

/// `"{{ expr }}"` alone renders through this, which keeps the expression's type.
fn value_source(t: &Template) -> Option<String> {
    t.sole_expression()
        .map(|expr| format!("{{{{ ({expr}) | tojson }}}}"))
}

/// Maps a minijinja error to the YAML position: the template's line inside the scalar is
/// added to the scalar's own line.
fn template_diagnostic(t: &Template, e: &MjError, what: &str) -> Diagnostic {
    let line = e.line().unwrap_or(1).max(1) as u32;
    let span = t.span.down(line - 1);
    let mut msg = match e.kind() {
        ErrorKind::UndefinedError => "undefined value".to_string(),
        kind => kind.to_string(),
    };
    if let Some(detail) = e.detail() {
        msg = format!("{msg}: {detail}");
    }
    let d = Diagnostic::at(format!("{what}: {msg}"), &span)
        .with_label(format!("in `{}`", crate::diagnostic::clip(&t.source, 120)));
    if e.kind() == ErrorKind::OutOfFuel {
        return d.with_help(
            "a template may do a bounded amount of work and write at most about 12 MB: \
             a loop or a value that large is refused",
        );
    }
    d
}

/// Filters and tests of every kind yarc's environment has, for "did you mean".
const FILTERS: &[&str] = &[
    "abs",
    "attr",
    "base64_decode",
    "base64_encode",
    "batch",
    "bool",
    "capitalize",
    "chain",
    "count",
    "d",
    "date",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "format",
    "from_json",
    "groupby",
    "hmac_md5",
    "hmac_sha1",
    "hmac_sha256",
    "hmac_sha384",
    "hmac_sha512",
    "indent",
    "int",
    "items",
    "join",
    "jwt_sign",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "md5",
    "min",
    "number",
    "pad_start",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "tojson",
    "trim",
    "unique",
    "upper",
    "urlencode",
    "zip",
];
const TESTS: &[&str] = &[
    "boolean",
    "defined",
    "divisibleby",
    "endingwith",
    "eq",
    "equalto",
    "escaped",
    "even",
    "false",
    "filter",
    "float",
    "ge",
    "greaterthan",
    "gt",
    "in",
    "integer",
    "iterable",
    "le",
    "lessthan",
    "lower",
    "lt",
    "mapping",
    "ne",
    "none",
    "number",
    "odd",
    "safe",
    "sameas",
    "sequence",
    "startingwith",
    "string",
    "test",
    "true",
    "undefined",
    "upper",
];

/// The filters (`x | name`, `{% filter name %}`) and tests (`x is name`) a template uses.
fn filter_and_test_names(source: &str) -> Vec<(&'static str, String)> {
    use std::sync::OnceLock;
    static RES: OnceLock<Option<[regex::Regex; 2]>> = OnceLock::new();
    let Some([filters, tests]) = RES
        .get_or_init(|| {
            Some([
                regex::Regex::new(r"(?:\||\{%-?\s*filter\s)\s*([A-Za-z_][A-Za-z0-9_]*)").ok()?,
                regex::Regex::new(r"\bis\s+(?:not\s+)?([A-Za-z_][A-Za-z0-9_]*)").ok()?,
            ])
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for code in code_blocks(source) {
        for c in filters.captures_iter(&code) {
            out.push(("filter", c[1].to_string()));
        }
        for c in tests.captures_iter(&code) {
            if c[1] != *"not" {
                out.push(("test", c[1].to_string()));
            }
        }
    }
    out
}

/// The code of each `{{ ... }}` and `{% ... %}` block, its string literals emptied (`''`): a
/// literal may hold a closing `}}` (`{{ "{{ self.name | upcase }}" }}`, the text an import
/// keeps as written), which ends no block.
fn code_blocks(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let close = match after.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                rest = &rest[open + 1..];
                continue;
            }
        };
        let mut code = after[..2].to_string();
        let mut chars = after[2..].char_indices();
        let mut end = after.len();
        while let Some((i, c)) = chars.next() {
            if c == '\'' || c == '"' {
                // Up to the literal's own closing quote (a backslash escapes one).
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    match (escaped, d) {
                        (false, '\\') => escaped = true,
                        (false, d) if d == c => break,
                        _ => escaped = false,
                    }
                }
                code.push_str("''");
            } else if after[2 + i..].starts_with(close) {
                end = 2 + i + close.len();
                break;
            } else {
                code.push(c);
            }
        }
        out.push(code);
        rest = &after[end.min(after.len())..];
    }
    out
}

/// The names of secrets that templates ask for with a literal argument, so a missing one
/// stops the run before anything is sent.
pub fn literal_secret_names(t: &Template) -> Vec<String> {
    literal_secrets(t).into_iter().map(|s| s.name).collect()
}

/// A `secret("NAME", ...)` call with a literal name, as a template writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralSecret {
    pub name: String,
    /// `allow_empty=true`: an empty value is meant.
    pub allow_empty: bool,
    /// `default="..."`: it may be left unset (or empty), and the text stands in for it.
    pub optional: bool,
}

/// The `secret("NAME")` calls of a template with a literal name, and what each allows.
pub fn literal_secrets(t: &Template) -> Vec<LiteralSecret> {
    // Planning asks this of every URL: most hold no secret, and a substring test is cheaper
    // than the regex's search.
    if !t.source.contains("secret") {
        return Vec::new();
    }
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| {
            regex::Regex::new(
                r#"secret\(\s*["']([^"']+)["']((?:\s*,\s*\w+\s*=\s*(?:true|True|false|False|"[^"]*"|'[^']*'))*)\s*\)"#,
            )
            .ok()
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let flag = |args: &str, key: &str| {
        args.split(',').any(|a| {
            a.split_once('=')
                .is_some_and(|(k, v)| k.trim() == key && matches!(v.trim(), "true" | "True"))
        })
    };
    let given = |args: &str, key: &str| {
        args.split(',')
            .any(|a| a.split_once('=').is_some_and(|(k, _)| k.trim() == key))
    };
    re.captures_iter(&t.source)
        .filter_map(|c| {
            let args = c.get(2).map_or("", |m| m.as_str());
            Some(LiteralSecret {
                name: c.get(1)?.as_str().to_string(),
                allow_empty: flag(args, "allow_empty") || given(args, "default"),
                optional: given(args, "default"),
            })
        })
        .collect()
}

/// A time as RFC 3339 (no format, or `""`) or in a strftime format; `who` names the function
/// or filter in the error.
fn written(
    at: chrono::DateTime<chrono::Utc>,
    format: Option<String>,
    who: &str,
) -> Result<String, MjError> {
    let Some(f) = format.filter(|f| !f.is_empty()) else {
        return Ok(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    };
    // chrono's Display fails on a format it cannot read (`%Q`): an error, not a panic.
    let mut out = String::new();
    std::fmt::Write::write_fmt(&mut out, format_args!("{}", at.format(&f))).map_err(|_| {
        MjError::new(
            ErrorKind::InvalidOperation,
            format!("`{f}` is not a strftime format {who} can use (for example \"%Y-%m-%d\")"),
        )
    })?;
    Ok(out)
}

/// `x | date(format, offset)`: a time a variable holds — RFC 3339 (`2027-01-05T10:30:00Z`,
/// with an offset), a date and time without one (UTC), a date (its midnight, UTC), or Unix
/// milliseconds (as JavaScript's `Date` and moment take a number) — moved by an offset as
/// `now()`'s, and written as `now()` writes.
fn date_filter(
    value: MjValue,
    format: Option<String>,
    offset: Option<String>,
) -> Result<String, MjError> {
    // The text itself is not shown: it may be anything a variable holds.
    let at = time_of(&value).ok_or_else(|| {
        MjError::new(
            ErrorKind::InvalidOperation,
            "the value is not a time the date filter reads (2027-01-05, 2027-01-05T10:30:00Z, or Unix milliseconds)",
        )
    })?;
    let at = match offset.as_deref() {
        None => at,
        Some(o) => shifted(at, o).ok_or_else(|| {
            MjError::new(
                ErrorKind::InvalidOperation,
                format!("`{o}` is not a time to add in date() (for example \"1 day\", \"-2h\" or \"1 month\")"),
            )
        })?,
    };
    written(at, format, "date()")
}

/// The time a value holds, for [`date_filter`].
fn time_of(value: &MjValue) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    if let Some(ms) = value.as_i64() {
        return DateTime::<Utc>::from_timestamp_millis(ms);
    }
    let text = value.as_str()?.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, f) {
            return Some(at.and_utc());
        }
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// `fake("emial")` and `now("%Y", "soon")` written with literal arguments are errors at load,
/// whatever the template around them: a template that also says a variable is optional
/// (`default(...)`, `is defined`) is not rendered by `check`, and the run failed on them.
fn literal_calls(t: &Template) -> Result<(), Diagnostic> {
    // Every template is compiled at load (100,000 requests' worth in a big suite): most call
    // neither, and are let go without a scan.
    if !t.source.contains("fake(") && !t.source.contains("now(") {
        return Ok(());
    }
    static CALLS: std::sync::OnceLock<(regex::Regex, regex::Regex)> = std::sync::OnceLock::new();
    let (fake, now) = CALLS.get_or_init(|| {
        let r = |p: &str| regex::Regex::new(p).expect("a valid pattern");
        (
            r(r#"\bfake\(\s*(?:"([^"]*)"|'([^']*)')\s*\)"#),
            r(r#"\bnow\(\s*(?:"[^"]*"|'[^']*')\s*,\s*(?:"([^"]*)"|'([^']*)')\s*\)"#),
        )
    });
    let text = |c: &regex::Captures<'_>| {
        c.get(1)
            .or_else(|| c.get(2))
            .map_or("", |m| m.as_str())
            .to_string()
    };
    // Inside `{{ }}` and `{% %}` only: the same words in the text around are text.
    let code = match t.source.contains("{%") {
        true => t.source.clone(),
        false => expressions(&t.source).join("\n"),
    };
    for c in fake.captures_iter(&code) {
        let kind = text(&c);
        if !crate::fake::KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(Diagnostic::at(unknown_kind(&kind), &t.span));
        }
    }
    for c in now.captures_iter(&code) {
        let offset = text(&c);
        // Whether the offset reads at all: any time does to move.
        if shifted(chrono::DateTime::UNIX_EPOCH, &offset).is_none() {
            return Err(Diagnostic::at(bad_offset(&offset), &t.span));
        }
    }
    Ok(())
}

/// What `fake()` says of a kind it does not have, with the nearest it has.
fn unknown_kind(kind: &str) -> String {
    let kinds = crate::fake::KINDS.iter().map(|(k, _)| *k);
    let hint = match crate::diagnostic::did_you_mean(kind, kinds) {
        Some(best) => format!("did you mean `{best}`? "),
        None => String::new(),
    };
    format!("fake() has no kind `{kind}`; {hint}(docs/format.md lists every kind)")
}

/// What `now()` says of an offset it cannot read.
fn bad_offset(offset: &str) -> String {
    format!(
        "`{offset}` is not a time to add in now() (for example \"30 days\", \"-2h\" or \"1 month\")"
    )
}

/// The time moved by an offset: `30 days`, `-2h`, `1 week`, or calendar `3 months` / `1 year`.
fn shifted(
    at: chrono::DateTime<chrono::Utc>,
    offset: &str,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = offset.trim();
    let (back, mut t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t).trim_start()),
    };
    let mut at = at;
    // Calendar months first, then a duration after them: `1 year 7 days`. A loop, not a
    // recursion: an offset is written by whoever writes the collection.
    loop {
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (n, unit) = t.split_at(digits);
        let unit = unit.trim_start();
        let word = unit.find(char::is_whitespace).unwrap_or(unit.len());
        let (unit, rest) = unit.split_at(word);
        let months = match unit {
            "month" | "months" | "M" => n.parse::<u32>().ok(),
            "year" | "years" | "y" => n.parse::<u32>().ok().and_then(|n| n.checked_mul(12)),
            _ => None,
        };
        let Some(m) = months else {
            break;
        };
        let m = chrono::Months::new(m);
        at = if back {
            at.checked_sub_months(m)
        } else {
            at.checked_add_months(m)
        }?;
        t = rest.trim();
        if t.is_empty() {
            return Some(at);
        }
    }
    let d = chrono::Duration::from_std(humantime::parse_duration(t).ok()?).ok()?;
    if back {
        at.checked_sub_signed(d)
    } else {
        at.checked_add_signed(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Redactor;
    use crate::source::{SourceFile, Span};

    fn engine() -> Templates {
        Templates::new(
            Arc::new(Secrets::none(Redactor::new())),
            crate::clock::Clock::Fixed,
        )
    }

    fn tpl(src: &str) -> Template {
        let f = SourceFile::new("t.yaml", format!("x: \"{src}\"\n"));
        Template::new(src, &Span::new(&f, 1, 4, 0))
    }

    /// A `fake()` kind or a `now()` offset written in the template is checked when it is
    /// compiled, whatever the template says around it (`default()`, `is defined`): `check`
    /// catches it where it did not render the template.
    #[test]
    fn literal_fake_kinds_and_now_offsets_are_checked_at_compile() {
        let mut t = engine();
        let bad = [
            (
                "{{ fake('emial') }}{{ maybe | default('z') }}",
                "did you mean `email`?",
            ),
            (
                "{{ now('%Y', 'soon') }}{% if x is defined %}x{% endif %}",
                "`soon` is not a time",
            ),
        ];
        for (src, said) in bad {
            let e = t.compile(&tpl(src)).expect_err(src);
            assert!(e.to_string().contains(said), "{src}: {e}");
        }
        for src in [
            "fake('emial') is text here",
            "{{ fake('email') }} {{ now('%Y', '-2h') }}",
        ] {
            t.compile(&tpl(src)).expect(src);
        }
    }

    /// A secret of 1 to 3 characters is masked nowhere (docs/security.md), so the text a
    /// template makes of it is not masked whole either: a JSON body keeps its quotes and a URL
    /// stays a URL. A short piece of a long secret still masks what holds it.
    #[test]
    fn a_secret_too_short_to_mask_leaves_what_holds_it_as_written() {
        let redactor = Redactor::new();
        let secrets = Secrets::none(Arc::clone(&redactor))
            .with_override("S", "ab")
            .with_override("LONG", "kq7_Zx9w_Lm3p");
        let t = Templates::new(Arc::new(secrets), crate::clock::Clock::Fixed);
        let vars = Vars::new();
        let url = t.render(&tpl("http://h.example/s?q={{ secret('S') }}"), &vars);
        let body = t.render(&tpl("[{{ secret('S') | tojson }}]"), &vars);
        let (url, body) = (url.expect("renders"), body.expect("renders"));
        assert_eq!(redactor.redact(&url), "http://h.example/s?q=ab");
        assert_eq!(redactor.redact(&body), r#"["ab"]"#);
        let piece = t.render(&tpl("k={{ secret('LONG')[0:2] }}"), &vars);
        assert_eq!(redactor.redact(&piece.expect("renders")), "•••••");
    }

    /// A token signed with a secret is itself masked wherever it is written.
    #[test]
    fn jwt_sign_signs_claims_and_what_it_makes_with_a_secret_is_masked() {
        let redactor = Redactor::new();
        let secrets = Secrets::none(Arc::clone(&redactor)).with_override("K", "sig-key-0042");
        let t = Templates::new(Arc::new(secrets), crate::clock::Clock::Fixed);
        let mut vars = Vars::new();
        vars.insert("client".into(), Value::from("zgw"));
        let src = "Bearer {{ {'iss': client, 'iat': 1700000000} | jwt_sign(secret('K')) }}";
        let text = t.render(&tpl(src), &vars).expect("renders");
        let token = text.strip_prefix("Bearer ").expect("prefix");
        let parts: Vec<&str> = token.split('.').collect();
        let b64 = |p: &str| {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p);
            String::from_utf8(bytes.expect("base64url")).expect("utf-8")
        };
        assert_eq!(b64(parts[0]), r#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(b64(parts[1]), r#"{"iat":1700000000,"iss":"zgw"}"#);
        assert_eq!(redactor.redact(&text), "Bearer •••••");
        // JSON text for claims, another algorithm and header; bad input says what is wrong.
        let other = "{{ '{\"sub\": \"u\"}' | jwt_sign('k', 'HS512', header={'kid': 'k1'}) }}";
        let token = t.render(&tpl(other), &vars).expect("renders");
        assert_eq!(
            b64(token.split('.').next().unwrap_or_default()),
            r#"{"alg":"HS512","kid":"k1"}"#
        );
        for (bad, says) in [
            ("{{ [1] | jwt_sign('k') }}", "mapping"),
            ("{{ {} | jwt_sign('k', 'RS256') }}", "HS256"),
            ("{{ 'x' | jwt_sign('k') }}", "no JSON"),
        ] {
            let e = t.render(&tpl(bad), &vars).expect_err("refused");
            assert!(format!("{e:?}").contains(says), "{bad}: {e:?}");
        }
    }

    /// A value made from a variable holding a secret is registered; a plain path to a value,
    /// and what other variables make, are not.
    #[test]
    fn what_a_template_makes_from_a_secret_variable_is_masked() {
        let redactor = Redactor::new();
        let t = Templates::new(
            Arc::new(Secrets::none(Arc::clone(&redactor))),
            crate::clock::Clock::Fixed,
        );
        redactor.add("kq7_Zx9w_Lm3p");
        let mut vars = Vars::new();
        vars.insert("token".into(), Value::String("kq7_Zx9w_Lm3p".into()));
        vars.insert("host".into(), Value::String("api.example".into()));
        let user = serde_json::json!({"name": "Alice Doe", "token": "kq7_Zx9w_Lm3p"});
        vars.insert("user".into(), user);
        let text = t
            .render(
                &tpl("{{ host | upper }}/{{ token[2:] }}?n={{ user.name }}&t={{ user['token'] | title }}"),
                &vars,
            )
            .expect("renders");
        assert_eq!(
            redactor.redact(&text),
            "API.EXAMPLE/•••••?n=Alice Doe&t=•••••"
        );
        let v = t.render_json(&tpl("{{ token | split('_') }}"), &vars);
        assert_eq!(v.expect("renders").to_string(), r#"["kq7","Zx9w","Lm3p"]"#);
        assert_eq!(redactor.redact("Zx9w Lm3p"), "••••• •••••");
        assert_eq!(
            redactor.redact("Alice Doe API.EXAMPLE"),
            "Alice Doe API.EXAMPLE"
        );
        // A test of the secret, or text chosen by one, is no secret.
        for src in [
            "{{ token is defined }}",
            "{{ not token }}",
            "{% if token %}enabled{% endif %}",
        ] {
            t.render(&tpl(src), &vars).expect("renders");
            t.render_json(&tpl(src), &vars).expect("renders");
        }
        assert_eq!(redactor.redact("true false enabled"), "true false enabled");
    }

    #[test]
    fn plain_paths_are_told_from_expressions() {
        for p in ["a", "a.b", "a['b'][0]", "(a.b) | tojson", " a . b "] {
            assert!(plain_path(p), "{p}");
        }
        for e in ["a[2:]", "a | upper", "a ~ b", "(a[1:]) | tojson", "a.b()"] {
            assert!(!plain_path(e), "{e}");
        }
        assert_eq!(
            expressions("x {{ a }} y {{- b | c -}}"),
            vec![" a ", " b | c "]
        );
    }

    #[test]
    fn timestamp_ms_is_the_clock_in_milliseconds() {
        let t = engine();
        let at = |src: &str| t.render(&tpl(src), &Vars::new());
        // The fixed clock says 2026-01-01T00:00:00Z.
        assert_eq!(
            at("{{ timestamp_ms() }}").expect("renders"),
            "1767225600000"
        );
        assert_eq!(
            at("{{ timestamp_ms() // 1000 == timestamp() }}").expect("renders"),
            "true"
        );
    }

    #[test]
    fn now_moves_by_an_offset_of_days_hours_or_calendar_months() {
        let t = engine();
        let at = |src: &str| t.render(&tpl(src), &Vars::new());
        // The fixed clock says 2026-01-01T00:00:00Z.
        assert_eq!(
            at("{{ now('%Y-%m-%d', '30 days') }}").expect("renders"),
            "2026-01-31"
        );
        assert_eq!(
            at("{{ now('%Y-%m-%d', '-1 month') }}").expect("renders"),
            "2025-12-01"
        );
        assert_eq!(
            at("{{ now('%Y-%m-%d', '1 year') }}").expect("renders"),
            "2027-01-01"
        );
        assert_eq!(
            at("{{ now('%Y-%m-%d', '1 year 7 days') }}").expect("renders"),
            "2027-01-08"
        );
        assert_eq!(
            at("{{ now('%Y-%m-%d', '-1 month 1 day') }}").expect("renders"),
            "2025-11-30"
        );
        assert_eq!(
            at("{{ now('', '2h') }}").expect("renders"),
            "2026-01-01T02:00:00.000Z"
        );
        let e = at("{{ now('%Y', 'soon') }}").expect_err("an error");
        assert!(e.message.contains("is not a time to add"), "{}", e.message);
    }

    #[test]
    fn the_date_filter_moves_and_writes_a_time_a_variable_holds() {
        let e = engine();
        let mut vars = Vars::new();
        vars.insert("day".into(), Value::from("2027-01-31"));
        vars.insert("at".into(), Value::from("2027-01-05T10:30:00+02:00"));
        vars.insert("naive".into(), Value::from("2027-01-05T10:30:00"));
        vars.insert("ms".into(), Value::from(1_800_000_000_000_i64));
        vars.insert("junk".into(), Value::from("next tuesday"));
        let at = |src: &str| e.render(&tpl(src), &vars);
        assert_eq!(
            at("{{ day | date('%Y-%m-%d', '1 day') }}").expect("renders"),
            "2027-02-01"
        );
        // Calendar months, as now() moves them (moment's too: the last day of a shorter month).
        assert_eq!(
            at("{{ day | date('%Y-%m-%d', '1 month') }}").expect("renders"),
            "2027-02-28"
        );
        assert_eq!(
            at("{{ day | date('%Y-%m-%d', '-1 days') }}").expect("renders"),
            "2027-01-30"
        );
        assert_eq!(
            at("{{ day | date }}").expect("renders"),
            "2027-01-31T00:00:00.000Z"
        );
        assert_eq!(at("{{ at | date('%H:%M') }}").expect("renders"), "08:30");
        assert_eq!(at("{{ naive | date('%H:%M') }}").expect("renders"), "10:30");
        assert_eq!(at("{{ ms | date('%Y') }}").expect("renders"), "2027");
        let bad = at("{{ junk | date('%Y') }}").expect_err("an error");
        assert!(
            bad.message.contains("not a time the date filter reads"),
            "{}",
            bad.message
        );
        // The text itself is not repeated: it may be anything a variable holds.
        assert!(!bad.message.contains("tuesday"), "{}", bad.message);
        // An offset of many parts is read in a loop: no stack to exhaust.
        let long = format!(
            "{{{{ day | date('%Y', '{}') }}}}",
            "0 months ".repeat(100_000)
        );
        assert_eq!(at(&long).expect("renders"), "2027");
        let offset = at("{{ day | date('%Y', 'soon') }}").expect_err("an error");
        assert!(
            offset.message.contains("is not a time to add"),
            "{}",
            offset.message
        );
        let format = at("{{ day | date('%Q') }}").expect_err("an error");
        assert!(
            format.message.contains("date() can use"),
            "{}",
            format.message
        );
    }

    #[test]
    fn slices_read_the_variable_they_slice() {
        let e = engine();
        let mut vars = Vars::new();
        vars.insert("v".into(), Value::from("2024-05-06T07:08:09Z"));
        let out = e.render(
            &tpl("{{ v[0:10] }}|{{ (v | string)[:4] }}|{{ v[1] }}"),
            &vars,
        );
        assert_eq!(out.expect("rendered"), "2024-05-06|2024|0");
    }

    #[test]
    fn renders_and_keeps_types_of_sole_expressions() {
        let mut e = engine();
        let t = tpl("{{ n }}");
        e.compile(&t).unwrap();
        let mut vars = Vars::new();
        vars.insert("n".into(), Value::from(5));
        assert_eq!(e.render_json(&t, &vars).unwrap(), Value::from(5));
        assert_eq!(e.render(&t, &vars).unwrap(), "5");
    }

    #[test]
    fn undefined_variables_fail_and_are_found_statically() {
        let mut e = engine();
        let t = tpl("{{ base_url }}/jobs/{{ job_id }}");
        e.compile(&t).unwrap();
        let names = e.undeclared(&t);
        assert!(names.contains("base_url") && names.contains("job_id"));
        assert!(e.render(&t, &Vars::new()).is_err());
    }

    #[test]
    fn syntax_errors_point_at_the_scalar() {
        let mut e = engine();
        let err = e.compile(&tpl("{{ a ")).unwrap_err();
        assert_eq!(err.span.unwrap().line, 1);
    }

    #[test]
    fn filters_and_functions() {
        let mut e = engine();
        let t =
            tpl("{{ 'a:b' | base64_encode }} {{ 'YTpi' | base64_decode }} {{ random_int(3, 3) }}");
        e.compile(&t).unwrap();
        assert_eq!(e.render(&t, &Vars::new()).unwrap(), "YTpi a:b 3");
    }

    #[test]
    fn random_bytes_are_written_in_the_encoding_named() {
        let mut e = engine();
        let t = tpl(
            "{{ random_bytes(32, 'base64url') }} {{ random_bytes(3) }} {{ random_bytes(4, 'base64') }}",
        );
        e.compile(&t).unwrap();
        let out = e.render(&t, &Vars::new()).unwrap();
        let parts: Vec<&str> = out.split(' ').collect();
        // PKCE's verifier: 43 characters of the URL-safe alphabet.
        assert_eq!(parts[0].len(), 43, "{out}");
        let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        assert!(parts[0].chars().all(url_safe), "{out}");
        assert_eq!(parts[1].len(), 6);
        assert!(parts[1].chars().all(|c| c.is_ascii_hexdigit()), "{out}");
        assert!(parts[2].len() == 8 && parts[2].ends_with("=="), "{out}");
        // Two calls differ (the fixed clock's are all zeros).
        assert_eq!(parts[1], "000000");
        let mut e = Templates::new(
            Arc::new(Secrets::none(Redactor::new())),
            crate::clock::Clock::Real,
        );
        let two = tpl("{{ random_bytes(16) }} {{ random_bytes(16) }}");
        e.compile(&two).unwrap();
        let out = e.render(&two, &Vars::new()).unwrap();
        let (a, b) = out.split_once(' ').unwrap();
        assert_ne!(a, b);
        for bad in ["{{ random_bytes(0) }}", "{{ random_bytes(8, 'base32') }}"] {
            let t = tpl(bad);
            e.compile(&t).unwrap();
            let err = e.render(&t, &Vars::new()).unwrap_err().to_string();
            assert!(err.contains("random_bytes"), "{err}");
        }
    }

    #[test]
    fn number_reads_as_javascript_does() {
        let mut e = engine();
        let t = tpl(
            "{{ '12' | number + 1 }} {{ ' 2.5 ' | number * 2 }} {{ '' | number }} \
             {{ 'null' | number - 1 }} {{ 'abc' | number }} {{ '0x1f' | number }} \
             {{ 'inf' | number }} {{ '-Infinity' | number }} {{ 7 | number }} {{ none | number }}",
        );
        e.compile(&t).unwrap();
        assert_eq!(
            e.render(&t, &Vars::new()).unwrap(),
            "13 5 0 NaN NaN 31 NaN -Infinity 7 0"
        );
    }

    #[test]
    fn pad_start_pads_as_javascript_does() {
        let mut e = engine();
        let t = tpl(
            "{{ 7 | pad_start(2, '0') }} {{ '123' | pad_start(2, '0') }} {{ 'x' | pad_start(4, 'ab') }} \
             {{ 5 | pad_start(3) }}|{{ 'y' | pad_start(3, '') }}",
        );
        e.compile(&t).unwrap();
        assert_eq!(e.render(&t, &Vars::new()).unwrap(), "07 123 abax   5|y");
    }

    #[test]
    fn digests_and_hmacs_sign_text() {
        let mut e = engine();
        let t = tpl(
            "{{ 'abc' | md5 }} {{ 'abc' | sha1 }} {{ msg | hmac_sha256(key) }} \
             {{ msg | hmac_sha256(key, 'base64') }} {{ 'abc' | sha256('base64url') }} {{ n | sha1 }}",
        );
        e.compile(&t).unwrap();
        let mut vars = Vars::new();
        vars.insert("msg".into(), Value::from("what do ya want for nothing?"));
        vars.insert("key".into(), Value::from("Jefe"));
        vars.insert("n".into(), Value::from(5));
        let out = e.render(&t, &vars).unwrap();
        assert_eq!(
            out.split(' ').collect::<Vec<_>>(),
            [
                "900150983cd24fb0d6963f7d28e17f72",
                "a9993e364706816aba3e25717850c26c9cd0d89d",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=",
                "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0",
                // the text "5", as the number is written
                "ac3478d69a3c81fa62e60f5c3696165a4e5e6ac4",
            ]
        );
        let bad = tpl("{{ 'a' | sha256('hexa') }}");
        e.compile(&bad).unwrap();
        let err = e.render(&bad, &Vars::new()).unwrap_err();
        assert!(err.message.contains("sha256: no encoding `hexa`"), "{err}");
    }

    #[test]
    fn booleans_and_none_render_as_json_spells_them() {
        let mut e = engine();
        let t = tpl("{{ a }}/{{ b }}/{{ c }}/{{ a | string }}");
        e.compile(&t).unwrap();
        let mut vars = Vars::new();
        vars.insert("a".into(), Value::Bool(true));
        vars.insert("b".into(), Value::Bool(false));
        vars.insert("c".into(), Value::Null);
        assert_eq!(e.render(&t, &vars).unwrap(), "true/false//true");
    }

    #[test]
    fn unknown_filters_and_tests_fail_at_compile_time() {
        let mut e = engine();
        let err = e.compile(&tpl("{{ x | lowercase }}")).unwrap_err();
        assert!(err.message.contains("unknown filter `lowercase`"), "{err}");
        assert!(e.compile(&tpl("{{ x is nmber }}")).is_err());
        e.compile(&tpl("{{ x | lower | base64_encode }} {{ 'a|b' }}"))
            .unwrap();
        e.compile(&tpl(
            "{% if x is not defined %}{% filter upper %}a{% endfilter %}{% endif %}",
        ))
        .unwrap();
        assert!(
            e.compile(&tpl("{% filter uper %}a{% endfilter %}"))
                .is_err()
        );
        // A closing `}}` inside a string literal ends no block: what the literal holds is text
        // (a body's `"{{ self.name | upcase }}"` kept as written), not a filter to look up.
        e.compile(&tpl(
            "{{ \"{{ self.name | upcase }}\" }} {{ '{{ a | where: 1 }}' }}",
        ))
        .unwrap();
        let err = e.compile(&tpl("{{ '}}' | lowercase }}")).unwrap_err();
        assert!(err.message.contains("`lowercase`"), "{err}");
    }

    #[test]
    fn huge_output_is_refused() {
        let mut e = engine();
        let t = tpl("{% for i in range(1000) %}{{ big }}{% endfor %}");
        e.compile(&t).unwrap();
        let mut vars = Vars::new();
        vars.insert("big".into(), Value::String("x".repeat(70_000)));
        let err = e.render(&t, &vars).unwrap_err();
        assert!(err.message.contains("fuel"), "{err}");
        assert!(err.help.unwrap().contains("12 MB"));
    }

    #[test]
    fn finds_literal_secret_names() {
        let t = tpl("{{ secret('A_B') }} {{ secret(\"C\") }}");
        assert_eq!(literal_secret_names(&t), vec!["A_B", "C"]);
        let t = tpl("{{ secret('E', allow_empty=true) }}{{ secret('D', default='a, b') }}");
        let found = literal_secrets(&t);
        assert_eq!(
            found,
            vec![
                LiteralSecret {
                    name: "E".into(),
                    allow_empty: true,
                    optional: false
                },
                LiteralSecret {
                    name: "D".into(),
                    allow_empty: true,
                    optional: true
                },
            ]
        );
    }
}
