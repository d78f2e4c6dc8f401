//! Translating Postman's `{{var}}` syntax and names into yarc's: `{{ var }}`, dynamic variables
//! to functions, names that are not identifiers made into identifiers.

use regex::Regex;
use std::sync::OnceLock;

fn braces() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{\s*([^{}]+?)\s*\}\}").expect("valid regex"))
}

/// A Postman variable name as a minijinja identifier: `base-url` → `base_url`.
pub fn ident(name: &str) -> String {
    let mut out: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The yarc expression for a Postman dynamic variable, if there is one.
fn dynamic(name: &str) -> Option<&'static str> {
    Some(match name {
        "$guid" | "$randomUUID" => "uuid()",
        "$timestamp" => "timestamp()",
        "$isoTimestamp" => "now()",
        "$randomInt" => "random_int(0, 1000)",
        _ => return None,
    })
}

/// Rewrites every `{{...}}` in a Postman string. Unknown dynamic variables are counted.
pub fn convert(text: &str, unknown: &mut Vec<String>) -> String {
    braces()
        .replace_all(text, |c: &regex::Captures| {
            let name = c.get(1).map_or("", |m| m.as_str());
            if let Some(expr) = dynamic(name) {
                return format!("{{{{ {expr} }}}}");
            }
            if name.starts_with('$') {
                unknown.push(name.to_string());
                // Kept literally, so the request still renders; the summary asks for a look.
                return format!("{{{{ '{{{{{name}}}}}' }}}}");
            }
            format!("{{{{ {} }}}}", ident(name))
        })
        .into_owned()
}

/// Whether a variable or header name looks like it holds a secret: a word `secret`,
/// `password` or `apikey` anywhere, or `token` or `key` as the last word (`access_token`,
/// `x-api-key`, but not `token_url`).
pub fn looks_secret(name: &str) -> bool {
    let words: Vec<String> = env_name(name)
        .split('_')
        .map(str::to_ascii_lowercase)
        .collect();
    let last = words.last().map(String::as_str).unwrap_or("");
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "secret" | "password" | "passwd" | "pwd" | "apikey"
        )
    }) || matches!(last, "token" | "key")
}

/// `clientSecret` → `CLIENT_SECRET`: the environment variable a secret is read from.
pub fn env_name(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The template that reads a secret.
pub fn secret_ref(env: &str) -> String {
    format!("{{{{ secret('{env}') }}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_variables_and_dynamic_values() {
        let mut unknown = Vec::new();
        assert_eq!(
            convert("{{baseUrl}}/jobs/{{job-id}}", &mut unknown),
            "{{ baseUrl }}/jobs/{{ job_id }}"
        );
        assert_eq!(
            convert("{{$guid}} {{$timestamp}} {{$randomInt}}", &mut unknown),
            "{{ uuid() }} {{ timestamp() }} {{ random_int(0, 1000) }}"
        );
        assert_eq!(
            convert("{{$randomColor}}", &mut unknown),
            "{{ '{{$randomColor}}' }}"
        );
        assert_eq!(unknown, ["$randomColor"]);
    }

    #[test]
    fn secret_names() {
        assert!(
            looks_secret("client_secret") && looks_secret("apiKey") && looks_secret("access_token")
        );
        assert!(!looks_secret("base_url") && !looks_secret("token_url") && !looks_secret("key_id"));
        assert!(
            looks_secret("X-Api-Key") && looks_secret("password_hash") && looks_secret("token")
        );
        assert_eq!(env_name("clientSecret"), "CLIENT_SECRET");
        assert_eq!(env_name("client secret"), "CLIENT_SECRET");
    }
}
