//! Credentials told by their value, whatever name they are under: an export's `X-Custom:
//! sk_live_...` header or `stripe` variable is as secret as its `api_key`. An import asks for
//! such a value with `secret()` instead of writing it.

/// Prefixes providers give their keys and tokens, with the least length of what follows: a
/// shorter tail (`sk_test_`, `sk_test_xxx`) is a placeholder, not a key.
const PREFIXES: &[(&str, usize)] = &[
    ("sk_live_", 16),
    ("sk_test_", 16),
    ("rk_live_", 16),
    ("rk_test_", 16),
    ("whsec_", 16),
    ("ghp_", 20),
    ("gho_", 20),
    ("ghu_", 20),
    ("ghs_", 20),
    ("ghr_", 20),
    ("github_pat_", 20),
    ("glpat-", 16),
    ("xoxb-", 10),
    ("xoxp-", 10),
    ("xoxa-", 10),
    ("xoxr-", 10),
    ("xoxs-", 10),
    ("xapp-", 10),
    ("AKIA", 16),
    ("ASIA", 16),
    ("AIza", 30),
    ("SG.", 30),
    ("sk-", 20),
    ("npm_", 30),
    ("pypi-", 30),
    ("shpat_", 20),
    ("shpss_", 20),
    ("shpca_", 20),
    ("shppa_", 20),
    ("sq0atp-", 16),
    ("sq0csp-", 16),
    ("EAAA", 30),
    ("dop_v1_", 30),
    ("hf_", 30),
    ("key-", 30),
];

/// Whether `value` has the shape of a credential: a provider's key or token (`sk_live_...`,
/// `ghp_...`, `AKIA...`, `xoxb-...`, `AIza...`), a JSON Web Token, a private key, or a URL
/// with a password in it.
pub(crate) fn looks_credential(value: &str) -> bool {
    let v = value.trim();
    if v.contains("{{") {
        return false;
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return true;
    }
    jwt(v) || prefixed(v) || url_password(v).is_some()
}

/// Whether a value under a name that may or may not mean a credential (`key`, `sig`) is one:
/// long, of token characters only, with letters and digits (`AIzaSy...`, not `name` or
/// `2024-01-01`).
pub(crate) fn looks_random(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 16
        && !v.contains("{{")
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=%".contains(c))
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
}

/// Whether a query parameter carries a credential: a secret-looking name with a value
/// (`api_key`, `access_token`, `password`), a credential-shaped value under any name, or a long
/// random value under a name that often holds one (`key`, `sig`, `signature`).
pub(crate) fn query_credential(name: &str, value: &str) -> bool {
    let env = super::vars::env_name(name).to_ascii_lowercase();
    let last = env.rsplit('_').next().unwrap_or("");
    field_credential(name, value)
        || (matches!(last, "key" | "sig" | "signature") && looks_random(value))
}

/// Whether a field's literal (a form or JSON body field, a query parameter) is a credential:
/// under a secret-looking name (`password`, `client_secret`) or shaped like one under any name
/// (`"stripe": "sk_live_..."`). A value of fewer than 4 characters (`"password": "@"` of a test
/// of invalid input) is none: it stays readable, as yarc's masking leaves such values too.
pub(crate) fn field_credential(name: &str, value: &str) -> bool {
    long_enough(value)
        && !value.contains("{{")
        && !no_credential(value)
        && (super::vars::looks_secret(name) || looks_credential(value))
}

/// A value no credential is, whatever its name says: a setting's `"false"` (Keycloak's
/// `require.password.update.after.registration`), a mask a server shows for one it keeps
/// (`"**********"`), the `"string"` an OpenAPI tool writes for every text field.
pub(crate) fn no_credential(value: &str) -> bool {
    let v = value.trim();
    ["true", "false", "null", "undefined", "string"]
        .iter()
        .any(|w| v.eq_ignore_ascii_case(w))
        || (!v.is_empty() && v.chars().all(|c| matches!(c, '*' | '•' | 'x' | 'X')))
}

/// Whether a literal is long enough to be a credential: 4 characters, not counting spaces at
/// its ends (yarc masks no shorter value either).
pub(crate) fn long_enough(value: &str) -> bool {
    value.trim().chars().count() >= 4
}

/// What stands in a copied text (a kept script line, a description) for a credential taken out.
pub(crate) const REMOVED: &str = "<credential not copied>";

/// `text` with every credential-shaped word (`sk_live_...`, a JWT, the password of a URL)
/// replaced by [`REMOVED`]: script lines kept as comments and descriptions are copied as text,
/// and a credential in them is never written.
pub(crate) fn masked(text: &str) -> std::borrow::Cow<'_, str> {
    static WORD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let word = WORD.get_or_init(|| {
        regex::Regex::new(r"[A-Za-z][A-Za-z0-9_\-.=/+:@]{9,}").expect("valid regex")
    });
    if !word.find_iter(text).any(|m| hides(m.as_str())) {
        return std::borrow::Cow::Borrowed(text);
    }
    word.replace_all(text, |c: &regex::Captures<'_>| {
        let w = &c[0];
        match url_password(w) {
            Some(pw) => format!("{}{REMOVED}{}", &w[..pw.start], &w[pw.end..]),
            None if hides(w) => REMOVED.to_string(),
            None => w.to_string(),
        }
    })
}

/// Whether a word of a text holds a credential (trailing punctuation of a sentence aside).
fn hides(word: &str) -> bool {
    looks_credential(word) || looks_credential(word.trim_end_matches(['.', ':', '=', '/']))
}

fn token_chars(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.=/+".contains(c))
}

fn prefixed(v: &str) -> bool {
    PREFIXES.iter().any(|(prefix, least)| {
        v.strip_prefix(prefix).is_some_and(|tail| {
            tail.len() >= *least
                && token_chars(tail)
                && tail.chars().any(|c| c.is_ascii_digit())
                && tail.chars().any(|c| c.is_ascii_alphabetic())
        })
    })
}

/// `eyJ...` `.` `eyJ...` `.` signature: a JSON Web Token (header and claims are base64url
/// JSON objects, so both start `eyJ`).
fn jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    let b64url = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    matches!(parts.as_slice(), [h, c, s]
        if h.starts_with("eyJ") && c.starts_with("eyJ") && h.len() >= 10 && c.len() >= 10
            && parts.iter().all(|p| b64url(p)) && (s.is_empty() || s.len() >= 8))
}

/// The password of a URL's `user:password@` (byte range in `url`), when it is written out.
pub(crate) fn url_password(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://")? + 3;
    // The authority ends where a URL ends in text around it too (a JSON body holding
    // `http://example.com` and, later, `user@example.com` is no URL with a password).
    let authority_end = url[start..]
        .find(|c: char| "/?#\"<>\\{}".contains(c) || c.is_whitespace())
        .map_or(url.len(), |i| start + i);
    let at = url[start..authority_end].rfind('@')? + start;
    let colon = url[start..at].find(':')? + start;
    let password = colon + 1..at;
    let text = &url[password.clone()];
    (!text.is_empty() && !text.contains("{{")).then_some(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_in_a_json_text_is_no_url_with_a_password() {
        let body = "{\"site\": \"http://example.com\", \"mail\": \"user@example.com\"}";
        assert!(!looks_credential(body));
        assert!(url_password("https://ada:s3cret@h.example/x").is_some());
        assert!(looks_credential(
            "postgres://app:pw-9f2@db.internal:5432/app"
        ));
        // Sub-delimiters are a password's characters (RFC 3986 userinfo).
        assert!(url_password("https://ada:pa,ss'w@h.example/x").is_some());
    }

    #[test]
    fn provider_keys_tokens_and_private_keys_are_credentials() {
        for v in [
            "sk_live_51H8abcdefghijklmnopqrstuv",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-1234567890-abcdefghij",
            "AIzaSyA1234567890abcdefghijklmnopqrstuv",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
            "https://bob:s3cret@api.example.com/x",
        ] {
            assert!(looks_credential(v), "{v}");
        }
    }

    #[test]
    fn placeholders_templates_and_plain_words_are_not() {
        for v in [
            "sk_test_",
            "sk_test_XXXXXXXXXXXXXXXXXXXXXXXX",
            "sk_live_{{stripe_key}}",
            "sk-abc",
            "skip-this-step-please-now-ok",
            "hello",
            "https://api.example.com/x?a=b",
            "https://bob@api.example.com",
            "https://bob:{{password}}@api.example.com",
            "eyJhbGciOiJIUzI1NiJ9",
            "application/json",
            "2024-01-01T00:00:00Z",
        ] {
            assert!(!looks_credential(v), "{v}");
        }
    }

    #[test]
    fn a_setting_or_a_mask_under_a_secret_name_is_no_credential() {
        // Keycloak's `"require.password.update.after.registration": "false"`, and the
        // `"clientSecret": "**********"` it shows for one it keeps.
        for v in [
            "false",
            "TRUE",
            " null ",
            "**********",
            "xxxxxxxx",
            "••••••••",
        ] {
            assert!(!field_credential("clientSecret", v), "{v}");
        }
        for v in ["assaasa", "false-start", "x1xxxxxx", "s3cr3t!!"] {
            assert!(field_credential("clientSecret", v), "{v}");
        }
    }

    #[test]
    fn a_long_mix_of_letters_and_digits_looks_random() {
        assert!(looks_random("a1b2c3d4e5f6g7h8i9"));
        assert!(looks_random("AIzaSyA1234567890abcdef"));
        assert!(!looks_random("product-name-long-enough"));
        assert!(!looks_random("12345678901234567890"));
        assert!(!looks_random("short1"));
        assert!(!looks_random("has spaces 1234567890"));
    }

    #[test]
    fn query_parameters_that_carry_credentials() {
        assert!(query_credential("api_key", "abcd"));
        assert!(!query_credential("password", "@"));
        assert!(query_credential("access_token", "x1y2"));
        assert!(query_credential("key", "AIzaSyA1234567890abcdefghij"));
        assert!(query_credential("sig", "a1b2c3d4e5f6g7h8i9j0"));
        assert!(query_credential(
            "q",
            "ghp_1234567890abcdefghijklmnopqrstuvwxyz"
        ));
        assert!(!query_credential("key", "name"));
        assert!(!query_credential("page", "2"));
        assert!(!query_credential("api_key", "{{api_key}}"));
        assert!(!query_credential("token", ""));
    }

    #[test]
    fn credentials_in_copied_text_are_taken_out() {
        let line =
            "signIt('sk_live_51H8abcdefghij0123456789', 'https://bob:pw12@h.example/x', other);";
        assert_eq!(
            masked(line),
            "signIt('<credential not copied>', 'https://bob:<credential not copied>@h.example/x', other);"
        );
        let d = "Use ghp_1234567890abcdefghijklmnopqrstuvwxyz. Then call https://api.example.com/x";
        assert_eq!(
            masked(d),
            "Use <credential not copied> Then call https://api.example.com/x"
        );
        assert!(matches!(
            masked("pm.test('ok', () => {});"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_password_of_a_url_is_found_by_its_place() {
        let u = "https://bob:pw@h.example/p?q=a@b";
        assert_eq!(url_password(u).map(|r| &u[r]), Some("pw"));
        assert_eq!(url_password("https://h.example/p?q=a:b@c"), None);
        assert_eq!(url_password("{{base}}/x"), None);
    }
}
