//! The minijinja environment: strict undefined, yarc's functions and filters, every template of
//! a run compiled once at plan time, and template errors mapped back to file:line of the YAML.

use crate::diagnostic::Diagnostic;
use crate::model::{TValue, Template};
use crate::secret::Secrets;
use base64::Engine;
use minijinja::value::{Serde, Value as MjValue};
use minijinja::{Environment, Error as MjError, ErrorKind, UndefinedBehavior};
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
    "random_int",
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

/// Set by tests to make `now()`, `timestamp()`, `uuid()` and `random_int()` repeatable.
pub fn test_mode() -> bool {
    std::env::var_os("YARC_TEST_MODE").is_some_and(|v| v == "1")
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new(secrets: Arc<Secrets>) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(200_000));
        env.set_recursion_limit(64);
        env.add_function("secret", move |name: String| -> Result<String, MjError> {
            secrets.get(&name).ok_or_else(|| {
                MjError::new(
                    ErrorKind::InvalidOperation,
                    format!("secret `{name}` is not set"),
                )
            })
        });
        env.add_function(
            "env",
            |name: String, default: Option<String>| -> Result<String, MjError> {
                match std::env::var(&name).ok().or(default) {
                    Some(v) => Ok(v),
                    None => Err(MjError::new(
                        ErrorKind::InvalidOperation,
                        format!(
                            "environment variable `{name}` is not set and no default was given"
                        ),
                    )),
                }
            },
        );
        env.add_function("uuid", || -> String {
            if test_mode() {
                "00000000-0000-4000-8000-000000000000".to_string()
            } else {
                uuid::Uuid::new_v4().to_string()
            }
        });
        env.add_function("now", |format: Option<String>| -> String {
            let now = clock();
            match format {
                Some(f) => now.format(&f).to_string(),
                None => now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            }
        });
        env.add_function("timestamp", || -> i64 { clock().timestamp() });
        env.add_function("random_int", |a: i64, b: i64| -> i64 {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            if test_mode() {
                lo
            } else {
                fastrand::i64(lo..=hi)
            }
        });
        env.add_filter("base64_encode", |s: String| -> String {
            base64::engine::general_purpose::STANDARD.encode(s)
        });
        env.add_filter("base64_decode", |s: String| -> Result<String, MjError> {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|e| {
                    MjError::new(ErrorKind::InvalidOperation, format!("not base64: {e}"))
                })?;
            String::from_utf8(bytes).map_err(|_| {
                MjError::new(
                    ErrorKind::InvalidOperation,
                    "decoded base64 is not UTF-8 text",
                )
            })
        });
        env.add_filter("from_json", |v: MjValue| -> MjValue {
            match v.as_str().map(serde_json::from_str::<serde_json::Value>) {
                Some(Ok(parsed)) => MjValue::from(Serde(parsed)),
                _ => v,
            }
        });
        Templates { env }
    }

    /// Compiles a template; a syntax error points into the YAML.
    pub fn compile(&mut self, t: &Template) -> Result<(), Diagnostic> {
        if t.is_literal() {
            return Ok(());
        }
        self.env
            .add_template_owned(t.id.clone(), t.source.clone())
            .map_err(|e| template_diagnostic(t, &e, "invalid template"))?;
        if let Some(expr) = t.sole_expression() {
            let src = format!("{{{{ ({expr}) | tojson }}}}");
            self.env
                .add_template_owned(value_id(t), src)
                .map_err(|e| template_diagnostic(t, &e, "invalid template"))?;
        }
        Ok(())
    }

    pub fn compile_tvalue(&mut self, v: &TValue) -> Result<(), Diagnostic> {
        match v {
            TValue::Str(t) => self.compile(t),
            TValue::List(items) => items.iter().try_for_each(|i| self.compile_tvalue(i)),
            TValue::Map(entries) => entries.iter().try_for_each(|(_, i)| self.compile_tvalue(i)),
            _ => Ok(()),
        }
    }

    /// Top-level names a template reads that are neither functions nor set inside it.
    pub fn undeclared(&self, t: &Template) -> HashSet<String> {
        if t.is_literal() {
            return HashSet::new();
        }
        match self.env.get_template(&t.id) {
            Ok(tpl) => tpl
                .undeclared_variables(false)
                .into_iter()
                .filter(|n| !FUNCTIONS.contains(&n.as_str()))
                .collect(),
            Err(_) => HashSet::new(),
        }
    }

    pub fn render(&self, t: &Template, vars: &Vars) -> Result<String, Diagnostic> {
        if t.is_literal() {
            return Ok(t.source.clone());
        }
        let tpl = self
            .env
            .get_template(&t.id)
            .map_err(|e| template_diagnostic(t, &e, "template not compiled"))?;
        tpl.render(MjValue::from(Serde(vars)))
            .map_err(|e| template_diagnostic(t, &e, "cannot render template"))
    }

    /// Renders to a JSON value: `"{{ expr }}"` alone keeps the expression's type.
    pub fn render_json(&self, t: &Template, vars: &Vars) -> Result<Value, Diagnostic> {
        if t.is_literal() || t.sole_expression().is_none() {
            return self.render(t, vars).map(Value::String);
        }
        let tpl = self
            .env
            .get_template(&value_id(t))
            .map_err(|e| template_diagnostic(t, &e, "template not compiled"))?;
        let text = tpl
            .render(MjValue::from(Serde(vars)))
            .map_err(|e| template_diagnostic(t, &e, "cannot render template"))?;
        Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
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
            TValue::Map(entries) => {
                let mut m = Map::new();
                for (k, i) in entries {
                    m.insert(k.clone(), self.render_tvalue(i, vars)?);
                }
                Value::Object(m)
            }
        })
    }

    /// Whether a rendered `skip:` means "skip": anything but empty, false, 0, no, none.
    pub fn truthy(&self, t: &Template, vars: &Vars) -> Result<bool, Diagnostic> {
        let v = self.render_json(t, vars)?;
        Ok(match v {
            Value::Null => false,
            Value::Bool(b) => b,
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::String(s) => {
                let s = s.trim().to_ascii_lowercase();
                !(s.is_empty() || ["false", "0", "no", "none", "null"].contains(&s.as_str()))
            }
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
        })
    }
}

fn value_id(t: &Template) -> String {
    format!("{}#value", t.id)
}

fn clock() -> chrono::DateTime<chrono::Utc> {
    if test_mode() {
        chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
    } else {
        chrono::Utc::now()
    }
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
    Diagnostic::at(format!("{what}: {msg}"), &span).with_label(format!("in `{}`", t.source))
}

/// The names of secrets that templates ask for with a literal argument, so a missing one
/// stops the run before anything is sent.
pub fn literal_secret_names(t: &Template) -> Vec<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| regex::Regex::new(r#"secret\(\s*["']([^"']+)["']\s*\)"#).ok())
        .as_ref()
    else {
        return Vec::new();
    };
    re.captures_iter(&t.source)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Redactor;
    use crate::source::{SourceFile, Span};

    fn engine() -> Templates {
        Templates::new(Arc::new(Secrets::load(&[], Redactor::new())))
    }

    fn tpl(src: &str) -> Template {
        let f = SourceFile::new("t.yaml", format!("x: \"{src}\"\n"));
        Template::new(src, &Span::new(&f, 1, 4, 0))
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
    fn finds_literal_secret_names() {
        let t = tpl("{{ secret('A_B') }} {{ secret(\"C\") }}");
        assert_eq!(literal_secret_names(&t), vec!["A_B", "C"]);
    }
}
