//! The variables a run sends as credentials, found in the plan before anything is sent: what a
//! capture stores in one is a secret from the moment it is captured, so the capturing request's
//! own response, its captures and `-v` are masked too, not only what comes after its first use.

use crate::model::{AuthSpec, TValue, Template};
use crate::plan::Plan;
use crate::secret::Redactor;
use crate::template::Templates;
use serde_json::Value;
use std::collections::HashMap;

/// Variable → the paths inside it that are sent as credentials (`""`: the whole value;
/// `.access_token` of a captured token response: that field alone, so the rest of the object —
/// a user name, a scope — stays readable).
#[derive(Debug, Default)]
pub(super) struct Credentials {
    paths: HashMap<String, Vec<String>>,
    /// Template texts already read: a suite of 100,000 requests shares a few auth templates.
    seen: std::collections::HashSet<String>,
}

impl Credentials {
    /// Read by an `auth:` block's secret parts, a credential header (`Authorization`,
    /// `Proxy-Authorization`, `Cookie`) or the request's `cookies:` — directly, or through
    /// derived variables and `set:` values.
    pub(super) fn of(plan: &Plan) -> Credentials {
        let t = &plan.templates;
        let mut c = Credentials::default();
        let mut givers: Vec<(&str, &Template)> = Vec::new();
        let mut given = std::collections::HashSet::new();
        for pr in plan.collections.iter().flat_map(|c| &c.requests) {
            for tpl in auth_templates(pr.auth.as_deref()) {
                c.add(t, tpl);
            }
            for (k, v) in &pr.headers {
                if ["authorization", "proxy-authorization", "cookie"]
                    .iter()
                    .any(|h| k.eq_ignore_ascii_case(h))
                {
                    c.add(t, v);
                }
            }
            for (_, v) in &pr.req.cookies {
                c.add(t, v);
            }
            let derived = pr
                .scope
                .derived
                .iter()
                .map(|d| (d.name.as_str(), &d.template));
            let sets = pr.req.sets.iter().filter_map(|s| match &s.value {
                TValue::Str(tpl) => Some((s.name.as_str(), tpl)),
                _ => None,
            });
            for (name, tpl) in derived.chain(sets) {
                if given.insert((name, tpl.source.as_str())) {
                    givers.push((name, tpl));
                }
            }
        }
        // A derived or set variable sent as a credential sends what it reads.
        loop {
            let before: usize = c.paths.values().map(Vec::len).sum();
            for (name, tpl) in &givers {
                if c.paths.contains_key(*name) {
                    c.add(t, tpl);
                }
            }
            if c.paths.values().map(Vec::len).sum::<usize>() == before {
                return c;
            }
        }
    }

    /// The names a template reads, each with the path it reads inside them.
    fn add(&mut self, t: &Templates, tpl: &Template) {
        if tpl.is_literal() || !self.seen.insert(tpl.source.clone()) {
            return;
        }
        for name in t.undeclared(tpl) {
            for path in paths_read(&tpl.source, &name) {
                let known = self.paths.entry(name.clone()).or_default();
                if !known.contains(&path) {
                    known.push(path);
                }
            }
        }
    }

    /// Registers what a capture stored in a credential variable as secret; whether it did.
    pub(super) fn register(&self, var: &str, value: &Value, redactor: &Redactor) -> bool {
        let Some(paths) = self.paths.get(var) else {
            return false;
        };
        for path in paths {
            if let Some(v) = at_path(value, path) {
                redactor.redact_json_register(v);
            }
        }
        true
    }
}

/// The templates of an auth block that hold its credential.
fn auth_templates(auth: Option<&AuthSpec>) -> Vec<&Template> {
    match auth {
        Some(AuthSpec::Bearer(t)) => vec![t],
        Some(AuthSpec::Basic { password, .. }) => vec![password],
        Some(AuthSpec::ApiKey { value, .. }) => vec![value],
        Some(AuthSpec::OAuth2(o)) => {
            let mut v = vec![&o.client_secret];
            v.extend(o.user.as_ref().map(|(_, p)| p));
            v
        }
        _ => Vec::new(),
    }
}

/// The paths a template reads inside `name` (`auth.access_token` → `.access_token`); `""`
/// where it reads the whole value, or reads it in a way this does not follow.
fn paths_read(source: &str, name: &str) -> Vec<String> {
    let pattern = format!(
        r#"\b{}((?:\s*\.\s*[A-Za-z_]\w*|\[\s*(?:\d+|'[^']*'|"[^"]*")\s*\])*)"#,
        regex::escape(name)
    );
    let Ok(re) = regex::Regex::new(&pattern) else {
        return vec![String::new()];
    };
    let mut out: Vec<String> = re
        .captures_iter(source)
        .map(|c| {
            c.get(1)
                .map_or("", |m| m.as_str())
                .replace(char::is_whitespace, "")
        })
        .collect();
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// The value at a path (`.a[0]['b']`) inside a captured value.
fn at_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let re = regex::Regex::new(r#"\.([A-Za-z_]\w*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]"#).ok()?;
    let mut at = value;
    for c in re.captures_iter(path) {
        at = match (c.get(1).or(c.get(3)).or(c.get(4)), c.get(2)) {
            (Some(key), _) => at.get(key.as_str())?,
            (None, Some(i)) => at.get(i.as_str().parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_a_variable_are_followed() {
        assert_eq!(
            paths_read("Bearer {{ auth.access_token }}", "auth"),
            [".access_token"]
        );
        assert_eq!(paths_read("{{ tok[4:] }}", "tok"), [""]);
        assert_eq!(paths_read("{{ a['x'][0] }} {{ a }}", "a"), ["['x'][0]", ""]);
        let v = serde_json::json!({"x": [{"t": "secret-1"}], "user": "alice"});
        assert_eq!(
            at_path(&v, "['x'][0].t"),
            Some(&serde_json::json!("secret-1"))
        );
        assert_eq!(at_path(&v, ""), Some(&v));
        assert_eq!(at_path(&v, ".nope"), None);
    }
}
