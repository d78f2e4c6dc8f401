//! Where an imported collection sends its requests and its client credentials, for the import
//! summary: a collection from a stranger is reviewed for that before it gets real credentials.

use super::yaml_out::Y;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many destinations are named; the rest are counted.
const SHOWN: usize = 8;

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Destinations {
    /// The origins requests go to (`https://api.example.com`, `{{ base_url }} = https://...`).
    pub requests: Vec<String>,
    /// The token URLs that receive the client credentials.
    pub credentials: Vec<String>,
}

/// Walks a written collection: every `url:` gives an origin, every `token_url:` a credentials
/// destination. A destination that is a variable is followed by the values the collection and
/// its environments give it.
pub(crate) fn of(doc: &Y, values: &BTreeMap<String, BTreeSet<String>>) -> Destinations {
    let mut urls = BTreeSet::new();
    let mut tokens = BTreeSet::new();
    walk(doc, &mut |key, value| match key {
        "url" => {
            urls.insert(origin(value));
        }
        "token_url" => {
            tokens.insert(value.to_string());
        }
        _ => {}
    });
    Destinations {
        requests: shown(urls, values),
        credentials: shown(tokens, values),
    }
}

fn walk(y: &Y, f: &mut dyn FnMut(&str, &str)) {
    match y {
        Y::Map(entries) => {
            for (k, v) in entries {
                match v {
                    Y::Str(s) => f(k, s),
                    other => walk(other, f),
                }
            }
        }
        Y::Seq(items) => items.iter().for_each(|i| walk(i, f)),
        _ => {}
    }
}

/// The scheme, host and port of a URL as written; a leading `{{ variable }}` stands for them.
fn origin(url: &str) -> String {
    // `{{ base_url }}/x`: the variable is the origin; `{{ protocol }}://{{ host }}/x` is read
    // as any URL with a scheme.
    if url.starts_with("{{")
        && let Some(end) = url.find("}}")
        && !url[end + 2..].starts_with("://")
    {
        return url[..end + 2].to_string();
    }
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    // `user:password@` names who, not where: left out.
    let host = url[start..end]
        .rfind('@')
        .map_or(start, |at| start + at + 1);
    format!("{}{}", &url[..start], &url[host..end])
}

fn shown(found: BTreeSet<String>, values: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let total = found.len();
    let mut out: Vec<String> = found
        .into_iter()
        .take(SHOWN)
        .map(|d| with_values(&d, values))
        .collect();
    if total > SHOWN {
        out.push(format!("and {} more", total - SHOWN));
    }
    out
}

/// `{{ base_url }}/token` followed by ` = https://a/token, https://b/token` when it starts with
/// a variable the collection or an environment gives a value.
fn with_values(d: &str, values: &BTreeMap<String, BTreeSet<String>>) -> String {
    let Some((name, rest)) = d
        .strip_prefix("{{")
        .and_then(|r| r.split_once("}}"))
        .map(|(name, rest)| (name.trim(), rest))
    else {
        return d.to_string();
    };
    match values.get(name) {
        Some(v) if !v.is_empty() => {
            let list: Vec<String> = v.iter().take(SHOWN).map(|v| format!("{v}{rest}")).collect();
            format!("{d} = {}", list.join(", "))
        }
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_token_urls_with_the_values_of_their_variables() {
        let mut doc = Y::map();
        let mut r1 = Y::map();
        r1.set("url", Y::str("{{ base_url }}/jobs?x=1"));
        let mut r2 = Y::map();
        r2.set(
            "url",
            Y::str("https://evil.example:8443/collect?d={{ token }}"),
        );
        let mut r4 = Y::map();
        r4.set(
            "url",
            Y::str("https://bob:{{ secret('PASSWORD') }}@evil.example:8443/x"),
        );
        let mut r3 = Y::map();
        r3.set("url", Y::str("{{ base_url }}/other"));
        doc.set("requests", Y::Seq(vec![r1, r2, r3, r4]));
        doc.child("auth")
            .child("oauth2")
            .set("token_url", Y::str("{{ base_url }}/connect/token"));
        let mut values = BTreeMap::new();
        values.insert(
            "base_url".to_string(),
            BTreeSet::from(["https://api.example.com".to_string()]),
        );
        let d = of(&doc, &values);
        assert_eq!(
            d.requests,
            [
                "https://evil.example:8443",
                "{{ base_url }} = https://api.example.com"
            ]
        );
        assert_eq!(
            d.credentials,
            ["{{ base_url }}/connect/token = https://api.example.com/connect/token"]
        );
    }

    #[test]
    fn many_destinations_are_counted() {
        let items = (0..12)
            .map(|i| {
                let mut r = Y::map();
                r.set("url", Y::str(format!("https://h{i:02}.example/x")));
                r
            })
            .collect();
        let mut doc = Y::map();
        doc.set("requests", Y::Seq(items));
        let d = of(&doc, &BTreeMap::new());
        assert_eq!(d.requests.len(), SHOWN + 1);
        assert_eq!(d.requests.last().map(String::as_str), Some("and 4 more"));
    }
}
