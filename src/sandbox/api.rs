//! The sandbox's protected APIs (rostering jobs, HRM exports), the echo endpoint and faults.

use super::token::check_bearer;
use super::{Job, Shared, State as SandboxState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

pub(super) fn seed_jobs(st: &mut SandboxState) {
    for (id, name) in [
        ("3f7c1a52-0d1e-4b8a-9c51-7e2f6a9d0b01", "weekly roster"),
        ("8a2d4e6f-1b3c-4d5e-8f70-9a1b2c3d4e02", "holiday cover"),
    ] {
        st.jobs.push((
            id.to_string(),
            Job {
                polls: 99,
                fails: false,
                name: name.to_string(),
            },
        ));
    }
}

fn no_job(id: &str) -> Response {
    let body = json!({"error": "not_found", "message": format!("no job {id}")});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "bad_request", "message": message})),
    )
        .into_response()
}

/// Rostering calls need a token with a rostering scope and the CUSTOMER_ID and USER_ID headers.
fn rostering_guard(s: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    check_bearer(s, headers, "automatic-rostering")?;
    for h in ["CUSTOMER_ID", "USER_ID"] {
        if headers.get(h).is_none_or(|v| v.is_empty()) {
            return Err(bad_request(&format!("missing {h} header")));
        }
    }
    if let Ok(mut st) = s.lock() {
        st.api_requests += 1;
    }
    Ok(())
}

fn job_status_name(job: &Job, needed: u32) -> &'static str {
    match job.polls {
        0 => "starting",
        p if p < needed => "running",
        _ if job.fails => "error",
        _ => "stopped",
    }
}

fn job_json(id: &str, job: &Job, needed: u32) -> Value {
    let status = job_status_name(job, needed);
    let mut v = json!({"jobId": id, "name": job.name, "statusCode": status});
    if status == "error" {
        v["errorMessage"] = json!("no feasible roster: the input has no employees");
    }
    v
}

pub(super) async fn stats(State(s): State<Shared>) -> Response {
    let st = s
        .lock()
        .map(|st| json!({"tokens_issued": st.tokens_issued, "api_requests": st.api_requests}));
    Json(st.unwrap_or(Value::Null)).into_response()
}

/// Revokes every issued token: the next API call with one gets 401, as after a key rotation.
pub(super) async fn revoke(State(s): State<Shared>) -> Response {
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let n = st.tokens.len();
    st.tokens.clear();
    Json(json!({"revoked": n})).into_response()
}

pub(super) async fn list_jobs(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(r) = rostering_guard(&s, &headers) {
        return r;
    }
    let Ok(st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let needed = st.settings.job_polls;
    let items: Vec<Value> = st
        .jobs
        .iter()
        .map(|(id, j)| job_json(id, j, needed))
        .collect();
    Json(json!({"items": items, "total": items.len()})).into_response()
}

pub(super) async fn start_job(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = rostering_guard(&s, &headers) {
        return r;
    }
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return bad_request("the body must be JSON");
    };
    let employees = input.get("employees").and_then(Value::as_array);
    let fails = employees.is_some_and(|e| e.is_empty());
    let name = input
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("unnamed")
        .to_string();
    let id = uuid::Uuid::new_v4().to_string();
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    st.jobs.push((
        id.clone(),
        Job {
            polls: 0,
            fails,
            name,
        },
    ));
    (
        StatusCode::CREATED,
        Json(json!({"jobId": id, "statusCode": "starting"})),
    )
        .into_response()
}

pub(super) async fn job_status(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = rostering_guard(&s, &headers) {
        return r;
    }
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let needed = st.settings.job_polls;
    let Some((_, job)) = st.jobs.iter_mut().find(|(j, _)| *j == id) else {
        return no_job(&id);
    };
    job.polls = job.polls.saturating_add(1);
    Json(job_json(&id, job, needed)).into_response()
}

pub(super) async fn job_result(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = rostering_guard(&s, &headers) {
        return r;
    }
    let Ok(st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let needed = st.settings.job_polls;
    let Some((_, job)) = st.jobs.iter().find(|(j, _)| *j == id) else {
        return no_job(&id);
    };
    let status = job_status_name(job, needed);
    Json(json!({
        "jobId": id,
        "statusCode": status,
        "score": {"hard": 0, "soft": -12},
        "roster": {"shifts": [
            {"employeeId": "E-100", "start": "2026-12-01T08:00:00Z", "end": "2026-12-01T16:00:00Z"},
            {"employeeId": "E-101", "start": "2026-12-01T16:00:00Z", "end": "2026-12-02T00:00:00Z"}
        ]}
    }))
    .into_response()
}

fn uris_key(dataset: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in dataset.chars() {
        if c == '-' || c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    format!("{out}FileUris")
}

pub(super) async fn start_export(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(dataset): Path<String>,
) -> Response {
    if let Err(r) = check_bearer(&s, &headers, "hrmanalytics") {
        return r;
    }
    let id = uuid::Uuid::new_v4().to_string();
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    st.api_requests += 1;
    st.exports.insert(format!("{dataset}/{id}"), 0);
    (StatusCode::ACCEPTED, Json(json!({"jobId": id}))).into_response()
}

pub(super) async fn export_status(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path((dataset, job)): Path<(String, String)>,
) -> Response {
    if let Err(r) = check_bearer(&s, &headers, "hrmanalytics") {
        return r;
    }
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    st.api_requests += 1;
    let needed = st.settings.export_polls;
    let base = st.base_url.clone();
    let Some(polls) = st.exports.get_mut(&format!("{dataset}/{job}")) else {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "not_found"}))).into_response();
    };
    *polls += 1;
    if *polls < needed {
        return Json(json!({"jobId": job, "status": "InProgress"})).into_response();
    }
    let mut v = json!({"jobId": job, "status": "Completed"});
    v[uris_key(&dataset)] = json!([format!("{base}/hrm/files/{job}/{dataset}-1.csv")]);
    Json(v).into_response()
}

/// Pre-signed download: a request that carries an Authorization header is refused, as the
/// real storage does, which catches token leakage to third parties.
pub(super) async fn export_file(
    headers: HeaderMap,
    Path((_job, file)): Path<(String, String)>,
) -> Response {
    if headers.contains_key("authorization") {
        return (
            StatusCode::BAD_REQUEST,
            "pre-signed URL: only one auth mechanism allowed; do not send an Authorization header",
        )
            .into_response();
    }
    let csv = if file.starts_with("employees") {
        "employeeId,firstName,lastName,department\nE-100,Anna,de Vries,Support\nE-101,Bram,Jansen,Support\nE-102,Chris,Bakker,Sales\n"
    } else {
        "id,name\n1,sample\n"
    };
    ([("content-type", "text/csv")], csv).into_response()
}

/// Returns the request as received: method, path, query, headers, and the body as text, JSON,
/// form fields or multipart parts.
pub(super) async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let header_map: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                json!(String::from_utf8_lossy(v.as_bytes())),
            )
        })
        .collect();
    let query: HashMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // A header received more than once, with every value in order (`headers` keeps the last).
    let mut repeated = serde_json::Map::new();
    for name in headers.keys() {
        let values: Vec<Value> = headers
            .get_all(name)
            .iter()
            .map(|v| json!(String::from_utf8_lossy(v.as_bytes())))
            .collect();
        if values.len() > 1 {
            repeated.insert(name.as_str().to_string(), Value::Array(values));
        }
    }
    let mut out = json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "headers": header_map,
        "body": String::from_utf8_lossy(&body),
        "body_length": body.len(),
    });
    if !repeated.is_empty() {
        out["repeated_headers"] = Value::Object(repeated);
    }
    if ct.starts_with("application/json") {
        out["json"] = serde_json::from_slice(&body).unwrap_or(Value::Null);
    } else if ct.starts_with("application/x-www-form-urlencoded") {
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(&body).into_owned().collect();
        out["form"] = json!(form);
    } else if let Some(boundary) = ct.split("boundary=").nth(1) {
        out["parts"] = multipart_parts(&body, boundary.trim_matches('"')).await;
        out["body"] = Value::Null;
    }
    Json(out).into_response()
}

/// `/soap`, `/soap/...`: the request as a SOAP 1.1 answer — what a SOAP service's envelope
/// looks like (a prefixed envelope, a body element in a default namespace), to try `expect.xml`.
pub(super) async fn soap(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n",
        "  <soap:Body>\n",
        "    <EchoResponse xmlns=\"urn:yarc:sandbox\">\n"
    ));
    let mut line = |tag: &str, name: Option<&str>, text: &str| {
        let attr = name.map(|n| format!(" name=\"{}\"", xml_escape(n)));
        let attr = attr.unwrap_or_default();
        out.push_str(&format!(
            "      <{tag}{attr}>{}</{tag}>\n",
            xml_escape(text)
        ));
    };
    line("method", None, method.as_str());
    line("path", None, uri.path());
    let query = uri.query().unwrap_or("").as_bytes();
    for (k, v) in url::form_urlencoded::parse(query) {
        line("query", Some(&k), &v);
    }
    for (k, v) in &headers {
        line(
            "header",
            Some(k.as_str()),
            &String::from_utf8_lossy(v.as_bytes()),
        );
    }
    line("body", None, &String::from_utf8_lossy(&body));
    out.push_str("    </EchoResponse>\n  </soap:Body>\n</soap:Envelope>\n");
    ([("content-type", "text/xml; charset=utf-8")], out).into_response()
}

/// The report's HTML escaping (valid in XML too), less the characters XML 1.0 cannot hold.
fn xml_escape(text: &str) -> String {
    let held = |c: char| c >= ' ' || matches!(c, '\t' | '\n' | '\r');
    let text: String = text
        .chars()
        .map(|c| if held(c) { c } else { '\u{fffd}' })
        .collect();
    yarc_core::report::html::escape(&text)
}

/// `/wire`, `/wire/...`: the request exactly as it arrived — the request target byte for byte,
/// every header line in order (repeats included), the body as text.
pub(super) async fn wire(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let lines: Vec<[String; 2]> = headers
        .iter()
        .map(|(k, v)| {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            [k.as_str().to_string(), v]
        })
        .collect();
    Json(json!({
        "method": method.as_str(),
        "target": uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"),
        "headers": lines,
        "body": String::from_utf8_lossy(&body),
    }))
    .into_response()
}

async fn multipart_parts(body: &Bytes, boundary: &str) -> Value {
    let stream = futures_stream(body.clone());
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut parts = serde_json::Map::new();
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let ct = field.content_type().map(|m| m.to_string());
        let data = field.bytes().await.unwrap_or_default();
        let part = json!({"file_name": file_name, "content_type": ct, "text": String::from_utf8_lossy(&data), "length": data.len()});
        // A name sent more than once: its parts in order, as a list.
        match parts.get_mut(&name) {
            Some(Value::Array(list)) => list.push(part),
            Some(first) => *first = json!([first.take(), part]),
            None => {
                parts.insert(name, part);
            }
        }
    }
    Value::Object(parts)
}

fn futures_stream(body: Bytes) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::once(async move { Ok(body) })
}

pub(super) async fn fault_status(Path(code): Path<u16>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(json!({"status": code}))).into_response()
}

pub(super) async fn fault_rate_limited() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("retry-after", "1")],
        Json(json!({"error": "rate_limited"})),
    )
        .into_response()
}

/// Fails with 503 on the first call for a key, then succeeds.
pub(super) async fn fault_flaky(State(s): State<Shared>, Path(key): Path<String>) -> Response {
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let n = st.flaky.entry(key).or_insert(0);
    *n += 1;
    if *n == 1 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "try again"})),
        )
            .into_response();
    }
    Json(json!({"ok": true, "calls": *n})).into_response()
}

pub(super) async fn fault_slow(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ms: u64 = q
        .get("ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
        .min(60_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    if let Ok(mut st) = s.lock() {
        st.slow_answered += 1;
    }
    Json(json!({"slept_ms": ms})).into_response()
}

pub(super) async fn fault_invalid_json() -> Response {
    ([("content-type", "application/json")], "{\"items\": [1, 2,").into_response()
}

pub(super) async fn fault_html() -> Response {
    (
        [("content-type", "text/html")],
        "<!doctype html><html><body><h1>Gateway</h1></body></html>",
    )
        .into_response()
}

/// `/redirect?to=/echo&status=302`: a redirect to a path of this server.
pub(super) async fn redirect(Query(q): Query<HashMap<String, String>>) -> Response {
    let to = q.get("to").cloned().unwrap_or_else(|| "/echo".into());
    let status = q
        .get("status")
        .and_then(|s| s.parse().ok())
        .and_then(|c| StatusCode::from_u16(c).ok())
        .filter(StatusCode::is_redirection)
        .unwrap_or(StatusCode::FOUND);
    (status, [("location", to)]).into_response()
}

/// `/cookies/set?name=value`: sets the cookies named in the query; `domain=D` gives each of
/// them `Domain=D`.
pub(super) async fn set_cookie(Query(q): Query<HashMap<String, String>>) -> Response {
    let mut headers = HeaderMap::new();
    let domain = q.get("domain").map(|d| format!("; Domain={d}"));
    for (k, v) in q.iter().filter(|(k, _)| *k != "domain") {
        let attributes = domain.as_deref().unwrap_or_default();
        if let Ok(value) = format!("{k}={v}; Path=/{attributes}").parse() {
            headers.append("set-cookie", value);
        }
    }
    (headers, Json(json!({"set": q}))).into_response()
}

/// A gzip-compressed JSON body, whatever the client asked for.
pub(super) async fn compressed() -> Response {
    use std::io::Write;
    let body = json!({"compressed": true, "items": [1, 2, 3]}).to_string();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    if enc.write_all(body.as_bytes()).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    match enc.finish() {
        Ok(bytes) => (
            [
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
