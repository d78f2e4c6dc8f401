//! Translating Postman's `{{var}}` syntax and names into yarc's: `{{ var }}`, dynamic variables
//! to functions, names that are not identifiers made into identifiers.

use regex::Regex;
use std::sync::OnceLock;

fn braces() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{\s*([^{}]+?)\s*\}\}").expect("valid regex"))
}

/// A Postman variable name as a minijinja identifier: `base-url` → `base_url`.
pub(crate) fn ident(name: &str) -> String {
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
    // A variable named like one of yarc's functions would hide it (`timestamp()` would call
    // the variable's string).
    if crate::template::FUNCTIONS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// The expression of a template that is one `{{ X }}` and nothing else: `X`.
pub(crate) fn one_expression(template: &str) -> Option<&str> {
    let inner = template.strip_prefix("{{ ")?.strip_suffix(" }}")?;
    let nested = ["{{", "}}", "{%"].iter().any(|m| inner.contains(m));
    (!nested).then_some(inner)
}

/// A plain name (letters, digits, `_`), which an expression needs not put in parentheses.
pub(crate) fn is_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The yarc expression for a Postman dynamic variable, if there is one: the four common ones
/// as yarc's own functions, every `$random…` one as `fake('kind')`.
fn dynamic(name: &str) -> Option<String> {
    Some(match name {
        "$guid" | "$randomUUID" => "uuid()".into(),
        "$timestamp" => "timestamp()".into(),
        "$isoTimestamp" => "now()".into(),
        "$randomInt" => "random_int(0, 1000)".into(),
        _ => format!("fake('{}')", crate::fake::kind_of_postman(name)?),
    })
}

/// Rewrites every `{{...}}` in a Postman string. Unknown dynamic variables are counted.
pub(crate) fn convert(text: &str, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in braces().captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let name = c.get(1).map_or("", |m| m.as_str());
        out.push_str(&literal(&text[last..whole.start()]));
        let inner = &text[whole.start() + 2..whole.end() - 2];
        if inner.trim() != inner {
            // `{{ name }}`: Postman looks up " name ", spaces included, finds nothing and sends
            // the text as written.
            out.push_str(&text_expr(whole.as_str()));
        } else if let Some(expr) = dynamic(name) {
            out.push_str(&format!("{{{{ {expr} }}}}"));
        } else if !name_like(name) {
            // Not a name Postman would find (quotes, operators, calls): text, as Postman sends
            // an unknown `{{...}}`; never template code.
            out.push_str(&text_expr(&text[whole.start()..whole.end()]));
        } else if name.starts_with('$') {
            unknown.push(name.to_string());
            // Kept literally, so the request still renders; the summary asks for a look.
            out.push_str(&text_expr(&format!("{{{{{name}}}}}")));
        } else {
            out.push_str(&format!("{{{{ {} }}}}", ident(name)));
        }
        last = whole.end();
    }
    out.push_str(&literal(&text[last..]));
    out
}

/// Whether `{{...}}` holds what a variable name may be made of: Postman finds any name, and
/// `{{baseUrl+ApiVersion}}` is one a collection defines. Quotes, brackets and calls are code
/// someone pasted (`{{JSON.stringify(x)}}`), which Postman sends as written.
fn name_like(name: &str) -> bool {
    let body = name.strip_prefix('$').unwrap_or(name);
    !body.is_empty()
        && body.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '_' | '-' | '.' | ' ' | ':' | '+' | '/' | '#' | '@' | '&' | '%'
                )
        })
}

/// Any text as a minijinja expression that writes it as it is: a JSON string literal, which
/// minijinja reads with the same escapes, so no quote, backslash or brace in it can end the
/// literal and become template code.
pub(crate) fn text_expr(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    format!("{{{{ {quoted} }}}}")
}

/// Text Postman sends as written, made safe for minijinja: a brace against a variable
/// (`{{pcc}}}`), `{%`, `{#` and a stray `{{` are written as string expressions.
pub(crate) fn literal(text: &str) -> String {
    if !text.contains('{') && !text.starts_with('}') {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    if let Some(r) = rest.strip_prefix('}') {
        out.push_str("{{ '}' }}");
        rest = r;
    }
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let opens = after.starts_with(['{', '%', '#']) || after.is_empty();
        if opens {
            out.push_str("{{ '{' }}");
        } else {
            out.push('{');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Whether a variable or header name looks like it holds a secret: a word `secret`,
/// `password` or `apikey` anywhere, or `token` or `key` as the last word (`access_token`,
/// `x-api-key`, but not `token_url`).
pub(crate) fn looks_secret(name: &str) -> bool {
    // `Postman-Token`: the id Postman's app gives each request it sends, left in exports.
    if env_name(name) == "POSTMAN_TOKEN" {
        return false;
    }
    // `password1`, `token2`: a numbered credential is one too.
    let words: Vec<String> = env_name(name)
        .split('_')
        .map(|w| {
            w.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_ascii_lowercase()
        })
        .collect();
    let last = words.last().map(String::as_str).unwrap_or("");
    // `key` alone names many things (`project_key`, `address_key`): a credential only after a
    // word that says so.
    let before = words
        .len()
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .map(String::as_str);
    let credential_key = last == "key"
        && matches!(
            before,
            Some(
                "api"
                    | "access"
                    | "secret"
                    | "private"
                    | "subscription"
                    | "auth"
                    | "client"
                    | "signing"
                    | "master"
                    | "encryption"
                    | "app"
                    | "consumer"
                    | "license"
                    | "service"
                    | "partner"
                    | "developer"
                    | "account"
                    | "session"
                    | "merchant"
            )
        );
    // The word for a password in other languages, however the name joins it
    // (`motDePasse`, `mot_de_passe`, `Passwort`, `contraseña`).
    let joined: String = words.concat();
    let foreign = FOREIGN_PASSWORDS.iter().any(|w| joined.contains(w));
    foreign
        || words.iter().any(|w| {
            matches!(
                w.as_str(),
                "secret"
                | "password"
                | "passwd"
                | "pwd"
                | "pass"
                | "passphrase"
                | "apikey"
                // Written as one word (`secretkey`, `accesstoken`).
                | "secretkey"
                | "privatekey"
                | "accesskey"
                | "clientsecret"
                | "apisecret"
                | "accesstoken"
                | "authtoken"
                | "apitoken"
                | "refreshtoken"
                | "bearertoken"
            )
        })
        || last == "token"
        || credential_key
}

/// "Password" in the languages API suites are written in.
const FOREIGN_PASSWORDS: &[&str] = &[
    "motdepasse",
    "passwort",
    "kennwort",
    "wachtwoord",
    "contrasena",
    "contraseña",
    "senha",
    "haslo",
    "hasło",
    "losenord",
    "lösenord",
    "salasana",
    "passord",
    "adgangskode",
    "jelszo",
    "jelszó",
    "heslo",
    "sifre",
    "şifre",
    "пароль",
];

/// `clientSecret` → `CLIENT_SECRET`: the environment variable a secret is read from.
pub(crate) fn env_name(name: &str) -> String {
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
pub(crate) fn secret_ref(env: &str) -> String {
    format!("{{{{ secret('{env}') }}}}")
}

/// The template that reads a secret the export left empty: Newman sends it empty (an empty
/// bearer token sends no Authorization), so the collection runs as imported with it unset, and
/// with the user's value once it is given (`yarc check` names the ones left unset).
pub(crate) fn empty_secret_ref(env: &str) -> String {
    optional_secret_ref(env)
}

/// A secret the user may give and need not: empty when it is not set.
pub(crate) fn optional_secret_ref(env: &str) -> String {
    format!("{{{{ secret('{env}', default='') }}}}")
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
            convert("{{$randomColor}} {{$randomMACAddress}}", &mut unknown),
            "{{ fake('color') }} {{ fake('mac_address') }}"
        );
        assert_eq!(
            convert("{{open_radio:url}}/x", &mut unknown),
            "{{ open_radio_url }}/x"
        );
        // A collection may name a variable so; pasted code stays text.
        assert_eq!(
            convert(
                "{{baseUrl+ApiVersion}}/x {{JSON.stringify(x)}}",
                &mut unknown
            ),
            "{{ baseUrl_ApiVersion }}/x {{ \"{{JSON.stringify(x)}}\" }}"
        );
        assert!(unknown.is_empty());
        assert_eq!(
            convert("{{$randomNothing}}", &mut unknown),
            "{{ \"{{$randomNothing}}\" }}"
        );
        assert_eq!(unknown, ["$randomNothing"]);
    }

    #[test]
    fn a_name_with_spaces_inside_the_braces_is_text_as_in_postman() {
        let mut u = Vec::new();
        assert_eq!(
            convert("{{ $randomBoolean }} {{ base }}/{{id}}", &mut u),
            "{{ \"{{ $randomBoolean }}\" }} {{ \"{{ base }}\" }}/{{ id }}"
        );
        assert!(u.is_empty());
    }

    #[test]
    fn braces_next_to_variables_and_template_syntax_in_text_stay_text() {
        let mut u = Vec::new();
        assert_eq!(convert("{{pcc}}}", &mut u), "{{ pcc }}{{ '}' }}");
        assert_eq!(convert("{{{x}}}", &mut u), "{{ '{' }}{{ x }}{{ '}' }}");
        assert_eq!(
            convert("a {% b {# c", &mut u),
            "a {{ '{' }}% b {{ '{' }}# c"
        );
        assert_eq!(convert("{\"a\":{\"b\":1}}", &mut u), "{\"a\":{\"b\":1}}");
        let env = minijinja::Environment::new();
        for t in [
            "{{pcc}}}",
            "{{{x}}}",
            "a {% b {# c",
            "{{ unclosed",
            "{{x}}{",
        ] {
            let converted = convert(t, &mut u);
            let rendered = env.render_str(&converted, minijinja::context! { pcc => "P", x => "X" });
            assert!(rendered.is_ok(), "{t} -> {converted}: {rendered:?}");
        }
    }

    #[test]
    fn names_of_functions_are_not_hidden() {
        assert_eq!(ident("timestamp"), "timestamp_");
        assert_eq!(
            convert("{{timestamp}} {{$timestamp}}", &mut Vec::new()),
            "{{ timestamp_ }} {{ timestamp() }}"
        );
    }

    #[test]
    fn secret_names() {
        assert!(!looks_secret("Postman-Token"));
        for other in [
            "motDePasse",
            "mot_de_passe",
            "Passwort",
            "wachtwoord",
            "senha",
        ] {
            assert!(looks_secret(other), "{other}");
        }
        assert!(!looks_secret("passerelle") && !looks_secret("surpasse"));
        assert!(
            looks_secret("client_secret") && looks_secret("apiKey") && looks_secret("access_token")
        );
        assert!(!looks_secret("base_url") && !looks_secret("token_url") && !looks_secret("key_id"));
        // `sw_pass`, `adminPass`: a password by its short name; `bypass` is no word of it.
        assert!(looks_secret("sw_pass") && looks_secret("adminPass") && !looks_secret("bypass"));
        // Written as one word.
        assert!(
            looks_secret("secretkey") && looks_secret("accesstoken") && looks_secret("APIToken")
        );
        assert!(!looks_secret("nextpagetoken_url"));
        assert!(
            !looks_secret("project_key") && !looks_secret("addressKey") && !looks_secret("key")
        );
        assert!(looks_secret("Ocp-Apim-Subscription-Key") && looks_secret("access_key"));
        // Numbered: `password1`, `token2` (a second user's), not `pass4word`.
        assert!(looks_secret("password1") && looks_secret("token2") && looks_secret("apiKey2"));
        assert!(!looks_secret("step2") && !looks_secret("base_url1"));
        assert!(
            looks_secret("X-Api-Key") && looks_secret("password_hash") && looks_secret("token")
        );
        assert_eq!(env_name("clientSecret"), "CLIENT_SECRET");
        assert_eq!(env_name("client secret"), "CLIENT_SECRET");
    }
}
