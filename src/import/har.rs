//! A browser's HAR export (DevTools → Network → "Save all as HAR") as yarc requests: one per
//! API call, the browser's own headers and the page's static files left out, the recorded
//! status asserted, credentials as `secret('…')` — each entry read as the curl command the
//! browser would copy for it (`curl::Curl`), so both imports say the same things the same way.

use super::curl::{Curl, Data, Imported};
use super::yaml_out::Y;
use serde_json::Value;

/// Which entries to keep.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    /// Hosts (or domains: `example.com` keeps `api.example.com`); empty keeps every host.
    pub hosts: Vec<String>,
    /// Methods, in capitals; empty keeps every method.
    pub methods: Vec<String>,
    /// Keep static files (scripts, styles, images, fonts) too.
    pub assets: bool,
}

/// The requests, and what was left out and why.
#[derive(Debug, Default)]
pub(crate) struct Har {
    pub requests: Vec<Imported>,
    pub entries: usize,
    pub assets: usize,
    pub other_hosts: usize,
    pub other_methods: usize,
}

/// Headers the browser (or HTTP/2) adds by itself: yarc sends its own.
const BROWSER_HEADERS: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "accept-encoding",
    "accept-language",
    "user-agent",
    "referer",
    "origin",
    "pragma",
    "cache-control",
    "priority",
    "dnt",
    "te",
    "upgrade-insecure-requests",
];

pub(crate) fn import(har: &Value, filter: &Filter) -> Result<Har, String> {
    let entries = har
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or("it is not a HAR file: no `log.entries` list")?;
    let mut out = Har {
        entries: entries.len(),
        ..Har::default()
    };
    for (i, e) in entries.iter().enumerate() {
        let req = e
            .get("request")
            .ok_or_else(|| format!("entry {} has no `request`", i + 1))?;
        let url = text(req, "url").ok_or_else(|| format!("entry {} has no URL", i + 1))?;
        let method = text(req, "method").unwrap_or("GET").to_ascii_uppercase();
        if !filter.assets && is_asset(e, url) {
            out.assets += 1;
            continue;
        }
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        if !filter.hosts.is_empty() && !filter.hosts.iter().any(|h| on_host(&host, h)) {
            out.other_hosts += 1;
            continue;
        }
        if !filter.methods.is_empty() && !filter.methods.contains(&method) {
            out.other_methods += 1;
            continue;
        }
        let mut imported = super::curl::request(curl_of(req, url, &method), None)
            .map_err(|e| format!("entry {} ({method} {url}): {e}", i + 1))?;
        if let Some(status) = e.pointer("/response/status").and_then(Value::as_u64)
            && (100..600).contains(&status)
        {
            let mut expect = Y::map();
            expect.set("status", Y::Num(status.into()));
            imported.request.set("expect", expect);
        }
        out.requests.push(imported);
    }
    Ok(out)
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn on_host(host: &str, wanted: &str) -> bool {
    let wanted = wanted.to_ascii_lowercase();
    host == wanted || host.ends_with(&format!(".{wanted}"))
}

/// A script, style, image, font or media file (Chrome's `_resourceType`, else the response's
/// type or the path's extension), or a browser-internal URL.
fn is_asset(entry: &Value, url: &str) -> bool {
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return true;
    }
    if let Some(kind) = text(entry, "_resourceType") {
        return !matches!(kind, "xhr" | "fetch" | "document" | "other" | "eventsource");
    }
    let mime = entry
        .pointer("/response/content/mimeType")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let typed = [
        "image/",
        "font/",
        "text/css",
        "javascript",
        "video/",
        "audio/",
    ]
    .iter()
    .any(|t| mime.contains(t));
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let ext = [
        ".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".woff",
        ".woff2", ".ttf", ".map",
    ]
    .iter()
    .any(|x| path.ends_with(x));
    typed || ext
}

fn curl_of(req: &Value, url: &str, method: &str) -> Curl {
    let headers: Vec<(String, String)> = req
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| Some((text(h, "name")?.to_string(), text(h, "value")?.to_string())))
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with(':') && !k.starts_with("sec-") && !BROWSER_HEADERS.contains(&k.as_str())
        })
        .collect();
    let mut c = Curl {
        url: Some(url.to_string()),
        method: Some(method.to_string()),
        headers,
        ..Curl::default()
    };
    let Some(post) = req.get("postData") else {
        return c;
    };
    let mime = text(post, "mimeType").unwrap_or("").to_ascii_lowercase();
    let params = post.get("params").and_then(Value::as_array);
    if mime.starts_with("multipart/form-data") {
        for p in params.into_iter().flatten() {
            let name = text(p, "name").unwrap_or("").to_string();
            let value = match text(p, "fileName") {
                Some(f) => format!("@{f}"),
                None => text(p, "value").unwrap_or("").to_string(),
            };
            c.form.push((name, value));
        }
        return c;
    }
    let body = match (text(post, "text"), params) {
        (Some(t), _) if !t.is_empty() => t.to_string(),
        (_, Some(ps)) => ps
            .iter()
            .filter_map(|p| {
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                Some(format!(
                    "{}={}",
                    enc(text(p, "name")?),
                    enc(text(p, "value").unwrap_or(""))
                ))
            })
            .collect::<Vec<_>>()
            .join("&"),
        _ => String::new(),
    };
    if !body.is_empty() {
        c.data.push(body);
        c.data_kind = Data::Raw;
        if !c
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            && !mime.is_empty()
        {
            c.headers.push(("Content-Type".into(), mime));
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(method: &str, url: &str, kind: &str, extra: Value) -> Value {
        let mut e = json!({
            "_resourceType": kind,
            "request": {"method": method, "url": url, "headers": [
                {"name": ":authority", "value": "api.example.com"},
                {"name": "sec-ch-ua", "value": "x"},
                {"name": "accept", "value": "application/json"},
                {"name": "authorization", "value": "Bearer eyJsecret"}
            ]},
            "response": {"status": 201, "content": {"mimeType": "application/json"}}
        });
        if let Value::Object(m) = extra {
            for (k, v) in m {
                e["request"][k] = v;
            }
        }
        e
    }

    #[test]
    fn api_calls_are_kept_with_their_status_and_the_page_is_left_out() {
        let har = json!({"log": {"entries": [
            entry("GET", "https://app.example.com/main.js", "script", json!({})),
            entry("POST", "https://api.example.com/v1/jobs", "fetch", json!({"postData": {"mimeType": "application/json", "text": "{\"size\":3,\"token\":\"t0k3n\"}"}})),
            entry("POST", "https://api.example.com/v1/login", "xhr", json!({"postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "user", "value": "me"}, {"name": "password", "value": "pw-long"}]}})),
            entry("GET", "https://tracker.other.net/p", "xhr", json!({})),
        ]}});
        let filter = Filter {
            hosts: vec!["example.com".into()],
            ..Filter::default()
        };
        let h = import(&har, &filter).expect("imports");
        assert_eq!(
            (h.entries, h.assets, h.other_hosts, h.requests.len()),
            (4, 1, 1, 2)
        );
        let text = super::super::yaml_out::to_string(&Y::Seq(
            h.requests.iter().map(|r| r.request.clone()).collect(),
        ));
        let v: Value = serde_saphyr::from_str(&text).expect("yaml");
        assert_eq!(v[0]["json"]["size"], 3);
        assert_eq!(v[0]["json"]["token"], "{{ secret('TOKEN') }}");
        assert_eq!(v[0]["expect"]["status"], 201);
        assert_eq!(
            v[0]["headers"]["authorization"],
            "Bearer {{ secret('API_TOKEN') }}"
        );
        assert!(
            v[0]["headers"].get(":authority").is_none()
                && v[0]["headers"].get("sec-ch-ua").is_none()
        );
        assert_eq!(v[1]["form"]["user"], "me");
        assert_eq!(v[1]["form"]["password"], "{{ secret('PASSWORD') }}");
        assert!(
            !text.contains("eyJsecret") && !text.contains("pw-long") && !text.contains("t0k3n"),
            "{text}"
        );
    }

    #[test]
    fn what_is_not_a_har_file_says_so() {
        let e = import(&json!({"log": {}}), &Filter::default()).expect_err("no entries");
        assert!(e.contains("not a HAR file"), "{e}");
    }
}
