//! A curl command (a browser's "Copy as cURL", an API's documentation, a token example) as a
//! yarc request: method, URL, headers, body, basic auth; credentials in headers, query, form
//! fields or JSON become `secret('…')` references and their values are never written.

use super::credential::{field_credential, looks_credential, query_credential};
use super::vars::{env_name, literal, looks_secret, secret_ref};
use super::yaml_out::Y;
use std::collections::BTreeSet;

/// The request and what the user should know about it.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub request: Y,
    /// Environment names of the secrets the request reads (`CLIENT_SECRET`).
    pub secrets: BTreeSet<String>,
    pub notes: Vec<String>,
}

/// What the command asks curl to send (a HAR entry is read into one too).
#[derive(Debug, Default)]
pub(super) struct Curl {
    pub url: Option<String>,
    pub method: Option<String>,
    pub headers: Vec<(String, String)>,
    pub data: Vec<String>,
    pub data_kind: Data,
    pub form: Vec<(String, String)>,
    pub user: Option<String>,
    pub bearer: Option<String>,
    pub get: bool,
    pub head: bool,
    pub timeout: Option<String>,
    pub ignored: Vec<String>,
}

#[derive(Debug, Default, PartialEq)]
pub(super) enum Data {
    #[default]
    None,
    /// `-d`, `--data-raw`, `--data-urlencode`: a form body unless a Content-Type says otherwise.
    Form,
    /// `--json`.
    Json,
    /// A body as recorded (a HAR entry's `postData.text`), its type given by its Content-Type.
    Raw,
}

/// Switches about curl's own output, progress, protocol or redirects: nothing to send.
const QUIET_SWITCHES: &[&str] = &[
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-v",
    "--verbose",
    "-i",
    "--include",
    "-L",
    "--location",
    "--location-trusted",
    "--compressed",
    "-f",
    "--fail",
    "--fail-with-body",
    "-g",
    "--globoff",
    "--http1.1",
    "--http2",
    "-N",
    "--no-buffer",
    "-#",
    "--progress-bar",
];

/// Options with a value that yarc sets elsewhere or has no use for: listed as left out.
const OTHER_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-w",
    "--write-out",
    "--connect-timeout",
    "--retry",
    "--max-redirs",
    "-x",
    "--proxy",
    "-T",
    "--upload-file",
    "-r",
    "--range",
    "-E",
    "--cert",
    "--key",
    "--cacert",
    "-K",
    "--config",
    "-Y",
];

/// Options whose value is the next word (or the rest of a short option: `-XPOST`).
const SHORT_WITH_VALUE: &str = "XHdFuAebomwTrxEKY";

/// Reads a curl command (bash or Windows `cmd` quoting, lines continued with `\`, `^` or a
/// backtick) into a request named `name` (default: method and path).
pub(crate) fn import(text: &str, name: Option<&str>) -> Result<Imported, String> {
    let words = words(text)?;
    let mut words = words.into_iter().peekable();
    match words.peek().map(String::as_str) {
        Some("curl" | "curl.exe") => {
            words.next();
        }
        Some(_) => {}
        None => return Err("no curl command was given (paste one, or name a file with it)".into()),
    }
    let curl = options(words.collect())?;
    request(curl, name)
}

fn options(words: Vec<String>) -> Result<Curl, String> {
    let mut c = Curl::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        let (flag, attached) = split_flag(w);
        let Some(flag) = flag else {
            if c.url.is_none() {
                c.url = Some(w.clone());
            } else {
                c.ignored.push("a second URL".into());
            }
            continue;
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = attached.clone() {
                return Ok(v);
            }
            let v = words
                .get(i)
                .cloned()
                .ok_or_else(|| format!("curl option `{flag}` needs a value"))?;
            i += 1;
            Ok(v)
        };
        match flag.as_str() {
            "-X" | "--request" => c.method = Some(value()?.to_ascii_uppercase()),
            "-H" | "--header" => {
                let h = value()?;
                if let Some((k, v)) = header(&h) {
                    c.headers.push((k, v));
                }
            }
            f if BODY_OPTIONS.contains(&f) => body_option(&mut c, f, value()?)?,
            "-u" | "--user" => c.user = Some(value()?),
            "--oauth2-bearer" => c.bearer = Some(value()?),
            "-A" | "--user-agent" => c.headers.push(("User-Agent".into(), value()?)),
            "-e" | "--referer" => c.headers.push(("Referer".into(), value()?)),
            "-b" | "--cookie" => {
                let v = value()?;
                match v.contains('=') {
                    true => c.headers.push(("Cookie".into(), v)),
                    false => c.ignored.push(format!("{flag} {v} (a cookie file)")),
                }
            }
            "--url" => c.url = Some(value()?),
            "-G" | "--get" => c.get = true,
            "-I" | "--head" => c.head = true,
            "-m" | "--max-time" => c.timeout = Some(value()?),
            "-k" | "--insecure" => c.ignored.push(format!(
                "{flag} (to accept any certificate, set `tls: {{ insecure: true }}` in an environment)"
            )),
            f if QUIET_SWITCHES.contains(&f) => {}
            f if OTHER_WITH_VALUE.contains(&f) => {
                // Named, never echoed: a proxy URL or a key path can hold a password.
                value()?;
                c.ignored.push(flag.clone());
            }
            other => c.ignored.push(other.to_string()),
        }
    }
    Ok(c)
}

/// The options that give the body.
const BODY_OPTIONS: &[&str] = &[
    "-d",
    "--data",
    "--data-ascii",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--json",
    "-F",
    "--form",
    "--form-string",
];

/// One body option and its value: form data (`-d`, `--data-urlencode`), JSON (`--json`) or a
/// multipart field (`-F`).
fn body_option(c: &mut Curl, flag: &str, v: String) -> Result<(), String> {
    match flag {
        "--data-urlencode" => {
            c.data.push(urlencoded(&v)?);
            c.data_kind = Data::Form;
        }
        "--json" => {
            c.data.push(v);
            c.data_kind = Data::Json;
        }
        "-F" | "--form" | "--form-string" => {
            let (k, v) = v.split_once('=').unwrap_or((&v, ""));
            c.form.push((k.to_string(), v.to_string()));
        }
        _ => {
            if flag != "--data-raw" && v.starts_with('@') {
                return Err(format!(
                    "`{flag} {v}` reads the body from a file: put the file beside the collection and write `file: {}` in the request",
                    &v[1..]
                ));
            }
            c.data.push(v);
            if c.data_kind == Data::None {
                c.data_kind = Data::Form;
            }
        }
    }
    Ok(())
}

/// `-XPOST` → (`-X`, `POST`); `--data=x` → (`--data`, `x`); `-sSL` → `-s` (the rest read as
/// flags of their own is not worth it: curl's combined short flags are output switches).
fn split_flag(w: &str) -> (Option<String>, Option<String>) {
    if let Some(long) = w.strip_prefix("--") {
        if long.is_empty() {
            return (None, None);
        }
        return match long.split_once('=') {
            Some((k, v)) => (Some(format!("--{k}")), Some(v.to_string())),
            None => (Some(w.to_string()), None),
        };
    }
    let Some(short) = w.strip_prefix('-').filter(|s| !s.is_empty()) else {
        return (None, None);
    };
    let mut chars = short.char_indices();
    // `-sSLX POST`: switches first, then at most one option with a value.
    for (at, ch) in chars.by_ref() {
        if SHORT_WITH_VALUE.contains(ch) {
            let rest = &short[at + ch.len_utf8()..];
            let value = (!rest.is_empty()).then(|| rest.to_string());
            return (Some(format!("-{ch}")), value);
        }
    }
    let last = short.chars().last().unwrap_or('s');
    (Some(format!("-{last}")), None)
}

/// `Name: value`; `Name;` is an empty header; `Name:` removes one of curl's own (nothing here).
fn header(h: &str) -> Option<(String, String)> {
    if let Some(name) = h.strip_suffix(';') {
        return Some((name.trim().to_string(), String::new()));
    }
    let (k, v) = h.split_once(':')?;
    let v = v.trim();
    (!v.is_empty()).then(|| (k.trim().to_string(), v.to_string()))
}

/// `--data-urlencode`: `content`, `=content`, `name=content` (the content encoded); a file
/// (`@f`, `name@f`) cannot be read here.
fn urlencoded(v: &str) -> Result<String, String> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    if let Some(at) = v.find('@')
        && !v[..at].contains('=')
    {
        return Err(format!(
            "`--data-urlencode {v}` reads a file: write its content in the request instead"
        ));
    }
    Ok(match v.split_once('=') {
        Some(("", content)) => enc(content),
        Some((name, content)) => format!("{name}={}", enc(content)),
        None => enc(v),
    })
}

pub(super) fn request(mut c: Curl, name: Option<&str>) -> Result<Imported, String> {
    let mut out = Imported::default();
    let (mut url, data) = target(&c)?;
    // `https://user:pw@host/`: the credentials leave the URL for basic auth, as `-u` says them.
    if !url.username().is_empty() || url.password().is_some() {
        if c.user.is_none() {
            c.user = Some(format!(
                "{}:{}",
                url.username(),
                url.password().unwrap_or("")
            ));
        }
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    let has_body = !data.is_empty() || !c.form.is_empty();
    let method = match (&c.method, c.head, has_body) {
        (Some(m), ..) => m.clone(),
        (None, true, _) => "HEAD".into(),
        (None, false, true) => "POST".into(),
        (None, false, false) => "GET".into(),
    };
    let mut r = Y::map();
    let path = url.path().to_string();
    r.set(
        "name",
        Y::str(name.map_or_else(|| format!("{method} {path}"), str::to_string)),
    );
    if method != "GET" {
        r.set("method", Y::str(&method));
    }
    let (shown_url, secret_query) = url_text(&url, &mut out);
    r.set("url", Y::str(shown_url));
    if !secret_query.is_empty_map() {
        r.set("query", secret_query);
    }
    let headers = headers(&c, &mut out);
    if !headers.is_empty_map() {
        r.set("headers", headers);
    }
    if let Some(auth) = auth(&c, &mut out) {
        r.set("auth", auth);
    }
    let content_type = c
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.to_ascii_lowercase());
    body(&c, &data, content_type.as_deref(), &mut r, &mut out);
    notes(&c, &data, &path, &mut r, &mut out);
    out.request = r;
    Ok(out)
}

/// The URL (a scheme added when the command has none) and the data left for the body (`-G`
/// moves it into the query).
fn target(c: &Curl) -> Result<(url::Url, String), String> {
    let raw_url = c.url.clone().ok_or("the curl command has no URL")?;
    let raw_url = match raw_url.contains("://") {
        true => raw_url,
        false => format!("http://{raw_url}"),
    };
    let mut url =
        url::Url::parse(&raw_url).map_err(|e| format!("`{raw_url}` is not a URL: {e}"))?;
    let mut data = c.data.join("&");
    if c.get && !data.is_empty() {
        let q = match url.query() {
            Some(q) if !q.is_empty() => format!("{q}&{data}"),
            _ => data.clone(),
        };
        url.set_query(Some(&q));
        data.clear();
    }
    Ok((url, data))
}

/// The headers to write: a Content-Type the body's own key gives is left out, credentials
/// become secrets, `--json` adds its Accept.
fn headers(c: &Curl, out: &mut Imported) -> Y {
    let mut headers = Y::map();
    for (k, v) in &c.headers {
        let kind_given_by_body = k.eq_ignore_ascii_case("content-type")
            && (!c.form.is_empty()
                || (matches!(c.data_kind, Data::Form | Data::Raw)
                    && v.contains("x-www-form-urlencoded"))
                || (c.data_kind == Data::Json && v.contains("json")));
        if kind_given_by_body {
            continue;
        }
        if c.data_kind == Data::Json && k.eq_ignore_ascii_case("accept") && v == "application/json"
        {
            continue;
        }
        headers.set(k.clone(), Y::str(header_value(k, v, out)));
    }
    if c.data_kind == Data::Json {
        headers.set("Accept", Y::str("application/json"));
    }
    headers
}

/// `-u user:password` as basic auth (the password a secret); `--oauth2-bearer` as a bearer secret.
fn auth(c: &Curl, out: &mut Imported) -> Option<Y> {
    if let Some(user) = &c.user {
        let (u, p) = user.split_once(':').unwrap_or((user, ""));
        let mut basic = Y::map();
        basic.set("username", Y::str(literal(u)));
        basic.set("password", Y::str(secret("PASSWORD", out)));
        if p.is_empty() {
            out.notes
                .push("curl -u without a password asks for one: it is read as a secret".into());
        }
        return Some(Y::Map(vec![("basic".into(), basic)]));
    }
    c.bearer.as_ref()?;
    let token = secret("API_TOKEN", out);
    Some(Y::Map(vec![("bearer".into(), Y::str(token))]))
}

/// The timeout, and what the user should know: options left out, a token request.
fn notes(c: &Curl, data: &str, path: &str, r: &mut Y, out: &mut Imported) {
    if let Some(t) = &c.timeout {
        match t.parse::<f64>() {
            Ok(s) if s > 0.0 => r.set("timeout", Y::str(format!("{}ms", (s * 1000.0) as u64))),
            _ => out.notes.push(format!(
                "--max-time {t} is not a number of seconds: left out"
            )),
        }
    }
    if !c.ignored.is_empty() {
        out.notes.push(format!(
            "curl options with nothing to send were left out: {}",
            c.ignored.join(", ")
        ));
    }
    if is_token_request(c, data, path) {
        out.notes.push(
            "this is a client-credentials token request: for the requests that need its token, an `auth: { oauth2: ... }` block (same token URL, client, scope and params) fetches and renews it for you (README: OAuth2)".into(),
        );
    }
}

fn secret(env: &str, out: &mut Imported) -> String {
    out.secrets.insert(env.to_string());
    secret_ref(env)
}

/// The URL as written but for credential query parameters, which become `query:` secrets
/// (sent after the others).
fn url_text(url: &url::Url, out: &mut Imported) -> (String, Y) {
    let mut secrets = Y::map();
    let Some(query) = url.query() else {
        return (literal(url.as_str()), secrets);
    };
    let mut base = url.clone();
    base.set_query(None);
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some((k, v)) if query_credential(k, v) => {
                secrets.set(k.to_string(), Y::str(secret(&env_name(k), out)));
            }
            _ => kept.push(literal(pair)),
        }
    }
    let url = match kept.is_empty() {
        true => literal(base.as_str()),
        false => format!("{}?{}", literal(base.as_str()), kept.join("&")),
    };
    (url, secrets)
}

/// Credentials in a header (`Authorization`, API keys, cookies) become secrets.
fn header_value(name: &str, value: &str, out: &mut Imported) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "authorization" {
        let (scheme, _) = value.split_once(' ').unwrap_or(("", value));
        return match scheme.to_ascii_lowercase().as_str() {
            "bearer" => format!("Bearer {}", secret("API_TOKEN", out)),
            "basic" => format!("Basic {}", secret("BASIC_CREDENTIALS", out)),
            "" => secret("AUTHORIZATION", out),
            other => format!("{} {}", literal(other), secret("AUTHORIZATION", out)),
        };
    }
    if lower == "cookie"
        || looks_secret(name)
        || looks_credential(value)
        || lower.contains("api-key")
        || lower.contains("apikey")
    {
        return secret(&env_name(name), out);
    }
    literal(value)
}

fn body(c: &Curl, data: &str, content_type: Option<&str>, r: &mut Y, out: &mut Imported) {
    if !c.form.is_empty() {
        let mut parts = Y::map();
        for (k, v) in &c.form {
            let part = match v.strip_prefix('@') {
                Some(file) => {
                    let (path, kind) = file.split_once(";type=").unwrap_or((file, ""));
                    let mut f = Y::map();
                    f.set("file", Y::str(literal(path)));
                    if !kind.is_empty() {
                        f.set("content_type", Y::str(literal(kind)));
                    }
                    out.notes.push(format!(
                        "the form part `{k}` uploads `{path}`: put the file beside the collection"
                    ));
                    f
                }
                None if field_credential(k, v) => Y::str(secret(&env_name(k), out)),
                None => Y::str(literal(v.split(";type=").next().unwrap_or(v))),
            };
            parts.set(k.clone(), part);
        }
        r.set("multipart", parts);
        return;
    }
    if data.is_empty() {
        return;
    }
    let json_declared =
        c.data_kind == Data::Json || content_type.is_some_and(|t| t.contains("json"));
    if json_declared && let Ok(v) = serde_json::from_str::<serde_json::Value>(data) {
        r.set("json", json_value(&v, None, out));
        return;
    }
    let urlencoded = |t: &str| t.contains("x-www-form-urlencoded");
    let form_declared = match c.data_kind {
        Data::Form => content_type.is_none_or(urlencoded),
        Data::Raw => content_type.is_some_and(urlencoded),
        _ => false,
    };
    if form_declared && data.split('&').all(|p| !p.is_empty()) {
        let mut form = Y::map();
        for (k, v) in url::form_urlencoded::parse(data.as_bytes()) {
            let value = match field_credential(&k, &v) {
                true => Y::str(secret(&env_name(&k), out)),
                false => Y::str(literal(&v)),
            };
            match form.get_mut(&k) {
                Some(Y::Seq(list)) => list.push(value),
                Some(one) => {
                    let first = std::mem::take(one);
                    *one = Y::Seq(vec![first, value]);
                }
                None => form.set(k.into_owned(), value),
            }
        }
        r.set("form", form);
        return;
    }
    r.set("text", Y::str(literal(data)));
}

/// A JSON body with credential fields made secrets and text kept as written.
fn json_value(v: &serde_json::Value, key: Option<&str>, out: &mut Imported) -> Y {
    use serde_json::Value as J;
    match v {
        J::String(s) if field_credential(key.unwrap_or(""), s) => {
            Y::str(secret(&env_name(key.unwrap_or("secret")), out))
        }
        J::String(s) => Y::str(literal(s)),
        J::Object(m) => Y::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), json_value(x, Some(k), out)))
                .collect(),
        ),
        J::Array(items) => Y::Seq(items.iter().map(|x| json_value(x, key, out)).collect()),
        other => Y::from_json(other),
    }
}

fn is_token_request(c: &Curl, data: &str, path: &str) -> bool {
    c.data_kind == Data::Form
        && data.contains("grant_type=client_credentials")
        && (path.ends_with("/token") || data.contains("client_secret") || c.user.is_some())
}

/// The words of a shell command, as bash or Windows `cmd` would split them.
pub(crate) fn words(text: &str) -> Result<Vec<String>, String> {
    let cmd = is_cmd(text);
    let text = join_lines(text, cmd);
    match cmd {
        true => cmd_words(&text),
        false => bash_words(&text),
    }
}

/// Chrome's "Copy as cURL (cmd)" continues lines with `^` and escapes with `^`.
fn is_cmd(text: &str) -> bool {
    text.lines().any(|l| l.trim_end().ends_with(" ^")) || text.contains("^\"")
}

fn join_lines(text: &str, cmd: bool) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_end();
        let cont = match cmd {
            true => t.strip_suffix('^'),
            false => t.strip_suffix('\\').or_else(|| t.strip_suffix('`')),
        };
        match cont {
            Some(rest) => {
                out.push_str(rest);
                out.push(' ');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn bash_words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = text.chars().peekable();
    let unclosed = |q: &str| format!("a {q} quote is not closed in the curl command");
    while let Some(ch) = chars.next() {
        match ch {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(w) = cur.take() {
                    out.push(w);
                }
            }
            '\'' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(unclosed("single")),
                    }
                }
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                let w = cur.get_or_insert_with(String::new);
                ansi_c(&mut chars, w).ok_or_else(|| unclosed("$'…'"))?;
            }
            '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => w.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err(unclosed("double")),
                        },
                        Some(c) => w.push(c),
                        None => return Err(unclosed("double")),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next().filter(|c| *c != '\n') {
                    cur.get_or_insert_with(String::new).push(c);
                }
            }
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(cur);
    Ok(out)
}

/// `$'…'` (bash's ANSI-C quoting, which browsers use for bodies with quotes or newlines).
fn ansi_c(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, w: &mut String) -> Option<()> {
    loop {
        match chars.next()? {
            '\'' => return Some(()),
            '\\' => match chars.next()? {
                'n' => w.push('\n'),
                't' => w.push('\t'),
                'r' => w.push('\r'),
                'x' => {
                    let hex: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_hexdigit))
                        .take(2)
                        .collect();
                    w.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                'u' => {
                    let hex: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_hexdigit))
                        .take(4)
                        .collect();
                    w.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                c => w.push(c),
            },
            c => w.push(c),
        }
    }
}

/// Windows `cmd`: `^x` is `x`; double quotes group, and `\"` inside them is a quote.
fn cmd_words(text: &str) -> Result<Vec<String>, String> {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '^' => plain.extend(chars.next()),
            c => plain.push(c),
        }
    }
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = plain.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(w) = cur.take() {
                    out.push(w);
                }
            }
            '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            w.push('"');
                        }
                        Some('"') => break,
                        Some('\\') if chars.peek() == Some(&'"') => {
                            chars.next();
                            w.push('"');
                        }
                        Some(c) => w.push(c),
                        None => {
                            return Err("a double quote is not closed in the curl command".into());
                        }
                    }
                }
            }
            c => cur.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(i: &Imported) -> serde_json::Value {
        let text = super::super::yaml_out::to_string(&i.request);
        serde_saphyr::from_str(&text).expect("yaml")
    }

    #[test]
    fn bash_quoting_continuations_and_ansi_c_strings() {
        let w = words("curl 'https://x/a?b=1' \\\n  -H \"X-A: \\\"q\\\"\" \\\n  --data-raw $'{\"a\":\"it\\'s\\n\"}'").expect("words");
        assert_eq!(
            w,
            [
                "curl",
                "https://x/a?b=1",
                "-H",
                "X-A: \"q\"",
                "--data-raw",
                "{\"a\":\"it's\n\"}"
            ]
        );
    }

    #[test]
    fn windows_cmd_quoting_from_a_browser() {
        let w = words("curl ^\"https://x/a^\" ^\n  -H ^\"accept: */*^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"").expect("words");
        assert_eq!(
            w,
            [
                "curl",
                "https://x/a",
                "-H",
                "accept: */*",
                "--data-raw",
                "{\"a\":1}"
            ]
        );
    }

    #[test]
    fn a_token_request_keeps_its_secret_out_and_says_what_it_is() {
        let i = import(
            "curl -X POST https://connect.example.com/connect/token -H 'Content-Type: application/x-www-form-urlencoded' -d 'grant_type=client_credentials&client_id=my-app&client_secret=s3cr3t&scope=a b&tenant_id=t1'",
            None,
        )
        .expect("imports");
        let v = yaml(&i);
        assert_eq!(v["method"], "POST");
        assert_eq!(v["form"]["client_secret"], "{{ secret('CLIENT_SECRET') }}");
        assert_eq!(v["form"]["scope"], "a b");
        assert!(v.get("headers").is_none(), "{v}");
        assert!(!serde_json::to_string(&v).expect("json").contains("s3cr3t"));
        assert!(
            i.notes.iter().any(|n| n.contains("oauth2")),
            "{:?}",
            i.notes
        );
    }

    #[test]
    fn a_value_too_short_for_a_credential_is_copied_in_every_field() {
        let i = import(
            "curl 'https://api.example.com/login?token=x' -H 'Content-Type: application/json' -d '{\"password\": \"@\", \"secret\": \"hunter22\"}'",
            None,
        )
        .expect("imports");
        let v = yaml(&i);
        // An invalid-input test's `"password": "@"` is no credential; yarc masks none that short.
        assert_eq!(v["json"]["password"], "@", "{v}");
        assert_eq!(v["json"]["secret"], "{{ secret('SECRET') }}", "{v}");
        assert_eq!(v["url"], "https://api.example.com/login?token=x", "{v}");
        let form = import(
            "curl https://api.example.com/f -F 'password=ab' -d 'ignored=1'",
            None,
        )
        .expect("imports");
        assert_eq!(
            yaml(&form)["multipart"]["password"],
            "ab",
            "{:?}",
            yaml(&form)
        );
    }

    #[test]
    fn credentials_are_told_by_their_value_under_any_name() {
        let i = import(
            "curl 'https://api.example.com/x?key=AIzaSyA1234567890abcdefghij&page=2' -H 'X-Custom: sk_live_51H8abcdefghij0123456789' -H 'Content-Type: application/json' -d '{\"stripe\": \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\", \"n\": \"plain\"}'",
            None,
        )
        .expect("imports");
        let text = serde_json::to_string(&yaml(&i)).expect("json");
        for literal in ["AIzaSyA", "sk_live_", "sk_test_"] {
            assert!(!text.contains(literal), "{literal} in {text}");
        }
        let v = yaml(&i);
        assert_eq!(v["json"]["n"], "plain");
        assert_eq!(v["headers"]["X-Custom"], "{{ secret('X_CUSTOM') }}");
        assert_eq!(v["query"]["key"], "{{ secret('KEY') }}");
    }

    #[test]
    fn json_headers_auth_and_get_data() {
        let i = import(
            "curl -sS https://api.example.com/v1/jobs -H 'Authorization: Bearer eyJabc' -H 'X-Api-Key: k1' --json '{\"name\":\"{{x}}\",\"password\":\"p4ss\"}'",
            Some("create job"),
        )
        .expect("imports");
        let v = yaml(&i);
        assert_eq!(v["name"], "create job");
        assert_eq!(
            v["headers"]["Authorization"],
            "Bearer {{ secret('API_TOKEN') }}"
        );
        assert_eq!(v["headers"]["X-Api-Key"], "{{ secret('X_API_KEY') }}");
        assert_eq!(v["json"]["password"], "{{ secret('PASSWORD') }}");
        assert_eq!(v["json"]["name"], "{{ '{' }}{x}}", "sent as written");
        let g = yaml(&import("curl -G https://h/s -d q=a+b -d n=1 -u me:pw", None).expect("g"));
        assert_eq!(g["url"], "https://h/s?q=a+b&n=1");
        assert!(g.get("method").is_none());
        assert_eq!(g["auth"]["basic"]["password"], "{{ secret('PASSWORD') }}");
    }

    #[test]
    fn options_left_out_are_named_without_their_values() {
        let i = import(
            "curl -x http://user:proxy-pw@proxy:3128 --key /k/secret.pem https://h/a https://u:pw2@h/b",
            None,
        )
        .expect("imports");
        let said = i.notes.join("\n");
        assert!(
            said.contains("-x") && said.contains("--key") && said.contains("a second URL"),
            "{said}"
        );
        for leak in ["proxy-pw", "pw2", "secret.pem"] {
            assert!(!said.contains(leak), "{leak} in {said}");
        }
        // Credentials in the URL become basic auth, the password a secret.
        let v = yaml(&import("curl https://me:url-pw@h/a", None).expect("imports"));
        assert_eq!(v["url"], "https://h/a");
        assert_eq!(v["auth"]["basic"]["username"], "me");
        assert!(!v.to_string().contains("url-pw"), "{v}");
    }

    #[test]
    fn bad_commands_say_what_is_wrong() {
        for (cmd, says) in [
            ("", "no curl command"),
            ("curl -H", "needs a value"),
            ("curl 'https://x", "not closed"),
            ("curl -d @body.json https://x", "reads the body from a file"),
            ("curl -X POST", "has no URL"),
        ] {
            let e = import(cmd, None).expect_err(cmd);
            assert!(e.contains(says), "{cmd}: {e}");
        }
    }
}
