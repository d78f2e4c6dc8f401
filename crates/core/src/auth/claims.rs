//! What an access token says about itself: a JWT's claims — issuer, audience, client, tenant,
//! scopes, times — read without verifying the signature (yarc is not the API; it only shows
//! what it holds, to explain a 401). The token itself is never part of what is shown.

use base64::Engine;
use serde_json::Value;

/// The claims yarc shows, each as the token wrote it (cut to a readable length).
#[derive(Debug, Default, PartialEq)]
pub struct Claims {
    pub issuer: Option<String>,
    pub audience: Vec<String>,
    pub subject: Option<String>,
    pub client: Option<String>,
    pub tenant: Option<String>,
    pub scopes: Vec<String>,
    pub issued_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// A token read: a JWT's claims, or opaque (nothing to read without the server).
#[derive(Debug, PartialEq)]
pub enum Read {
    Jwt(Claims),
    Opaque,
}

/// The longest claim value shown; a server's text is never printed without a bound.
const MAX_SHOWN: usize = 200;

/// Reads a token: three base64url parts whose first two are JSON objects make a JWT.
pub fn read(token: &str) -> Read {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header, payload, _signature] = parts.as_slice() else {
        return Read::Opaque;
    };
    let (Some(h), Some(p)) = (object(header), object(payload)) else {
        return Read::Opaque;
    };
    if !h.contains_key("alg") {
        return Read::Opaque;
    }
    Read::Jwt(Claims::from(&p))
}

fn object(part: &str) -> Option<serde_json::Map<String, Value>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// A claim as text: strings as they are, lists joined by spaces, numbers as written.
fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().filter_map(text).collect::<Vec<_>>().join(" "),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let shown = crate::untrusted::visible(&s.replace(['\n', '\t'], " ")).into_owned();
    Some(match shown.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", &shown[..cut]),
        None => shown,
    })
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(Value::String(s)) => s
            .split_whitespace()
            .filter_map(|w| text(&Value::String(w.into())))
            .collect(),
        _ => Vec::new(),
    }
}

impl Claims {
    fn from(p: &serde_json::Map<String, Value>) -> Claims {
        // The first of the names issuers use for one thing (Visma Connect, Entra ID, Keycloak).
        let first = |names: &[&str]| names.iter().find_map(|n| p.get(*n).and_then(text));
        let scopes = ["scope", "scp", "scopes"]
            .iter()
            .map(|n| list(p.get(*n)))
            .find(|l| !l.is_empty())
            .unwrap_or_default();
        Claims {
            issuer: first(&["iss"]),
            audience: list(p.get("aud")),
            subject: first(&["sub"]),
            client: first(&["client_id", "azp", "appid", "cid"]),
            tenant: first(&["tenant_id", "tid", "tenant", "tenantId"]),
            scopes,
            issued_at: p.get("iat").and_then(Value::as_i64),
            expires_at: p.get("exp").and_then(Value::as_i64),
        }
    }

    /// Label and value for each claim present, times in UTC with the time left at `now`.
    pub fn lines(&self, now: i64) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut put = |label, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                out.push((label, v));
            }
        };
        put("issuer", self.issuer.clone());
        put("audience", Some(self.audience.join(" ")));
        put("subject", self.subject.clone());
        put("client", self.client.clone());
        // What decides most refusals is shown even when absent.
        let said = |v: String| Some(if v.is_empty() { "none".into() } else { v });
        put("tenant", said(self.tenant.clone().unwrap_or_default()));
        put("scopes", said(self.scopes.join(" ")));
        put("issued", self.issued_at.and_then(utc));
        let expires = self.expires_at.and_then(|e| {
            let left = match e.saturating_sub(now) {
                s if s <= 0 => "expired".to_string(),
                s => format!(
                    "{} left",
                    humantime::format_duration(std::time::Duration::from_secs(s as u64))
                ),
            };
            Some(format!("{} ({left})", utc(e)?))
        });
        put("expires", expires);
        out
    }

    /// One line for a message: what decides a 401 (tenant, scopes, audience, client).
    pub fn summary(&self) -> String {
        let or_none = |v: &str| match v.is_empty() {
            true => "none".to_string(),
            false => format!("`{v}`"),
        };
        format!(
            "tenant {}, scopes {}, audience {}, client {}",
            or_none(self.tenant.as_deref().unwrap_or("")),
            or_none(&self.scopes.join(" ")),
            or_none(&self.audience.join(" ")),
            or_none(self.client.as_deref().unwrap_or("")),
        )
    }
}

fn utc(t: i64) -> Option<String> {
    let at = chrono::DateTime::from_timestamp(t, 0)?;
    Some(at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// What a token carries, in one line for a message about a refused token.
pub fn carried(token: &str) -> String {
    match read(token) {
        Read::Jwt(c) => format!("the token carries {}", c.summary()),
        Read::Opaque => {
            "the token is opaque (not a JWT), so only its issuer can say what it carries".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", e(r#"{"alg":"RS256","typ":"JWT"}"#), e(payload))
    }

    #[test]
    fn a_visma_style_token_shows_tenant_scopes_and_time_left() {
        let t = jwt(
            r#"{"iss":"https://connect.example","aud":["api-a","api-b"],"client_id":"app","tenant_id":"t-1","scope":["hrm:read","hrm:write"],"iat":1767225600,"exp":1767229200}"#,
        );
        let Read::Jwt(c) = read(&t) else {
            panic!("a JWT")
        };
        let lines = c.lines(1_767_225_600 + 600);
        let get = |k| lines.iter().find(|(l, _)| *l == k).map(|(_, v)| v.as_str());
        assert_eq!(get("tenant"), Some("t-1"));
        assert_eq!(get("scopes"), Some("hrm:read hrm:write"));
        assert_eq!(get("audience"), Some("api-a api-b"));
        assert_eq!(get("expires"), Some("2026-01-01T01:00:00Z (50m left)"));
        assert_eq!(
            c.summary(),
            "tenant `t-1`, scopes `hrm:read hrm:write`, audience `api-a api-b`, client `app`"
        );
    }

    #[test]
    fn entra_names_and_space_separated_scopes_are_read_too() {
        let t = jwt(r#"{"tid":"x","scp":"a b","appid":"c","exp":10}"#);
        let Read::Jwt(c) = read(&t) else {
            panic!("a JWT")
        };
        assert_eq!(
            (c.tenant.as_deref(), c.client.as_deref()),
            (Some("x"), Some("c"))
        );
        assert_eq!(c.scopes, ["a", "b"]);
        assert!(c.lines(20).iter().any(|(_, v)| v.ends_with("(expired)")));
        // Times a server makes up at the ends of the range: shown or left out, never a panic.
        let t = jwt(r#"{"exp":-9223372036854775808,"iat":9223372036854775807}"#);
        let Read::Jwt(c) = read(&t) else {
            panic!("a JWT")
        };
        let _ = c.lines(i64::MAX);
    }

    #[test]
    fn what_is_not_a_jwt_is_opaque_and_claims_are_cut_and_cleaned() {
        for t in ["sbx_123", "a.b.c", "", "x.y", &jwt("[1]")] {
            assert_eq!(read(t), Read::Opaque, "{t}");
        }
        let long = "é".repeat(500);
        let t = jwt(&format!(r#"{{"sub":"{long}","iss":"a\u001b[31mb"}}"#));
        let Read::Jwt(c) = read(&t) else {
            panic!("a JWT")
        };
        assert_eq!(c.subject.expect("sub").chars().count(), MAX_SHOWN + 1);
        assert!(!c.issuer.expect("iss").contains('\u{1b}'));
    }
}
