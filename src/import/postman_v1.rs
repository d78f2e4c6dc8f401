//! Postman's v1 collection format (exports before 2017: `requests`, `folders`, `order`, a
//! request's `headers` as text and `tests` as one string), read as the v2.1 collection it
//! stands for — what Newman does before it runs one — so the rest of the import reads one
//! format. Pure: JSON in, JSON out.

use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// The v2.1 collection a v1 export stands for, or `None` when `doc` is no v1 collection (it
/// has `info`, or no `requests` list).
pub(crate) fn as_v21(doc: &Value) -> Option<Value> {
    if doc.get("info").is_some() {
        return None;
    }
    let requests = doc.get("requests")?.as_array()?;
    let folders = list(doc, "folders");
    let v1 = V1 { requests, folders };
    let mut used = HashSet::new();
    let mut items = Vec::new();
    for f in top_folders(doc, folders) {
        items.push(v1.folder(f, &mut used, 0));
    }
    let root_ids: Vec<&Value> = match doc.get("order").and_then(Value::as_array) {
        Some(order) => order.iter().collect(),
        // No `order`: the requests of no folder, as listed.
        None => requests
            .iter()
            .filter(|r| r.get("folder").is_none_or(Value::is_null))
            .filter_map(|r| r.get("id"))
            .collect(),
    };
    for id in root_ids {
        if let Some(r) = v1.request(id).filter(|_| used.insert(key(id))) {
            items.push(request(r));
        }
    }
    let mut out = Map::new();
    let mut info = Map::new();
    info.insert("name".into(), doc.get("name").cloned().unwrap_or(json!("")));
    if let Some(d) = doc.get("description").filter(|d| !d.is_null()) {
        info.insert("description".into(), d.clone());
    }
    info.insert(
        "schema".into(),
        json!("https://schema.getpostman.com/json/collection/v2.1.0/collection.json"),
    );
    out.insert("info".into(), Value::Object(info));
    out.insert("item".into(), Value::Array(items));
    copy_renamed(
        doc,
        &mut out,
        &[
            ("variables", "variable"),
            ("auth", "auth"),
            ("events", "event"),
        ],
    );
    Some(Value::Object(out))
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn key(id: &Value) -> String {
    id.as_str().map_or_else(|| id.to_string(), str::to_string)
}

/// The folders at the top: `folders_order`, else every folder no other folder holds.
fn top_folders<'a>(doc: &Value, folders: &'a [Value]) -> Vec<&'a Value> {
    if let Some(order) = doc.get("folders_order").and_then(Value::as_array) {
        return order
            .iter()
            .filter_map(|id| folders.iter().find(|f| f.get("id") == Some(id)))
            .collect();
    }
    let inner: HashSet<String> = folders
        .iter()
        .flat_map(|f| list(f, "folders_order"))
        .map(key)
        .collect();
    folders
        .iter()
        .filter(|f| f.get("id").is_none_or(|id| !inner.contains(&key(id))))
        .collect()
}

/// A v1 export's requests and folders, found by id.
struct V1<'a> {
    requests: &'a [Value],
    folders: &'a [Value],
}

impl V1<'_> {
    fn request(&self, id: &Value) -> Option<&Value> {
        self.requests.iter().find(|r| r.get("id") == Some(id))
    }

    fn folder_of(&self, id: &Value) -> Option<&Value> {
        self.folders.iter().find(|f| f.get("id") == Some(id))
    }

    /// A folder with its folders and requests; nesting stops at 32 levels (a folder listing
    /// itself would never end).
    fn folder(&self, f: &Value, used: &mut HashSet<String>, depth: usize) -> Value {
        let mut items = Vec::new();
        if depth < 32 {
            for id in list(f, "folders_order") {
                if let Some(inner) = self.folder_of(id) {
                    items.push(self.folder(inner, used, depth + 1));
                }
            }
        }
        for id in list(f, "order") {
            if let Some(r) = self.request(id).filter(|_| used.insert(key(id))) {
                items.push(request(r));
            }
        }
        folder_item(f, items)
    }
}

/// A folder as a v2.1 item holding `items`.
fn folder_item(f: &Value, items: Vec<Value>) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), f.get("name").cloned().unwrap_or(json!("")));
    out.insert("item".into(), Value::Array(items));
    copy_renamed(
        f,
        &mut out,
        &[
            ("description", "description"),
            ("auth", "auth"),
            ("events", "event"),
        ],
    );
    Value::Object(out)
}

/// The v1 keys `from` of `v` that hold something, under their v2.1 names `to`.
fn copy_renamed(v: &Value, out: &mut Map<String, Value>, keys: &[(&str, &str)]) {
    for (from, to) in keys {
        if let Some(x) = v.get(*from).filter(|x| !x.is_null()) {
            out.insert((*to).into(), x.clone());
        }
    }
}

/// One v1 request as a v2.1 item.
fn request(r: &Value) -> Value {
    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
    let mut req = Map::new();
    req.insert("method".into(), json!(text("method").to_ascii_uppercase()));
    req.insert("header".into(), Value::Array(headers(r)));
    let mut url = Map::new();
    url.insert("raw".into(), json!(text("url")));
    let variables = path_variables(r);
    if !variables.is_empty() {
        url.insert("variable".into(), Value::Array(variables));
    }
    req.insert("url".into(), Value::Object(url));
    if let Some(b) = body(r) {
        req.insert("body".into(), b);
    }
    if let Some(a) = auth(r) {
        req.insert("auth".into(), a);
    }
    if let Some(d) = r.get("description").filter(|d| !d.is_null()) {
        req.insert("description".into(), d.clone());
    }
    let mut item = Map::new();
    item.insert("name".into(), json!(text("name")));
    item.insert("request".into(), Value::Object(req));
    let events = events(r);
    if !events.is_empty() {
        item.insert("event".into(), Value::Array(events));
    }
    Value::Object(item)
}

/// `headerData` when the export has it (with each header's enabled flag), else the `headers`
/// text, one `Name: value` a line (a line starting `//` is a disabled header).
fn headers(r: &Value) -> Vec<Value> {
    let data = list(r, "headerData");
    if !data.is_empty() {
        return data
            .iter()
            .map(|h| {
                let disabled = h.get("enabled") == Some(&Value::Bool(false));
                json!({"key": h.get("key").cloned().unwrap_or(json!("")),
                       "value": h.get("value").cloned().unwrap_or(json!("")),
                       "disabled": disabled})
            })
            .collect();
    }
    let text = r.get("headers").and_then(Value::as_str).unwrap_or("");
    text.lines()
        .filter_map(|line| {
            let (disabled, line) = match line.trim().strip_prefix("//") {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (k, v) = line.split_once(':')?;
            let k = k.trim();
            (!k.is_empty()).then(|| json!({"key": k, "value": v.trim(), "disabled": disabled}))
        })
        .collect()
}

/// `pathVariableData` (or the `pathVariables` map) as the URL's `variable` list.
fn path_variables(r: &Value) -> Vec<Value> {
    let data = list(r, "pathVariableData");
    if !data.is_empty() {
        return data.to_vec();
    }
    match r.get("pathVariables") {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
        _ => Vec::new(),
    }
}

/// The body by `dataMode`: `raw` (`rawModeData`), `urlencoded` and `params` (form-data)
/// from `data`, each field's `enabled: false` a disabled one.
fn body(r: &Value) -> Option<Value> {
    let fields = || -> Vec<Value> {
        list(r, "data")
            .iter()
            .map(|d| {
                let mut d = d.clone();
                if let Some(o) = d.as_object_mut()
                    && o.get("enabled") == Some(&Value::Bool(false))
                {
                    o.insert("disabled".into(), Value::Bool(true));
                }
                d
            })
            .collect()
    };
    match r.get("dataMode").and_then(Value::as_str)? {
        "raw" => {
            let raw = r.get("rawModeData").and_then(Value::as_str)?;
            let mut b = json!({"mode": "raw", "raw": raw});
            if let Some(o) = r.get("dataOptions").filter(|o| o.is_object()) {
                b["options"] = o.clone();
            }
            Some(b)
        }
        "urlencoded" => Some(json!({"mode": "urlencoded", "urlencoded": fields()})),
        "params" => Some(json!({"mode": "formdata", "formdata": fields()})),
        _ => None,
    }
}

/// A v1 request's auth: the newer form is v2.1's already; the older `currentHelper` with its
/// `helperAttributes` (basic and bearer) is written in it.
fn auth(r: &Value) -> Option<Value> {
    if let Some(a) = r.get("auth").filter(|a| a.is_object()) {
        return Some(a.clone());
    }
    let attrs = r.get("helperAttributes")?;
    let field = |k: &str| attrs.get(k).cloned().unwrap_or(json!(""));
    match r.get("currentHelper").and_then(Value::as_str)? {
        "basicAuth" => Some(json!({"type": "basic", "basic": [
            {"key": "username", "value": field("username")},
            {"key": "password", "value": field("password")}]})),
        "bearerAuth" => Some(json!({"type": "bearer", "bearer": [
            {"key": "token", "value": field("token")}]})),
        _ => None,
    }
}

/// `events` when the export has them, else the `preRequestScript` and `tests` strings.
fn events(r: &Value) -> Vec<Value> {
    let listed = list(r, "events");
    if !listed.is_empty() {
        return listed.to_vec();
    }
    let mut out = Vec::new();
    for (key, listen) in [("preRequestScript", "prerequest"), ("tests", "test")] {
        if let Some(src) = r
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
        {
            let lines: Vec<&str> = src.lines().collect();
            out.push(
                json!({"listen": listen, "script": {"type": "text/javascript", "exec": lines}}),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_export_reads_as_the_v21_collection_it_stands_for() {
        let v1 = json!({
            "id": "c1", "name": "old", "order": ["r1"], "folders_order": ["f1"],
            "folders": [{"id": "f1", "name": "users", "order": ["r2"], "folders_order": []}],
            "requests": [
                {"id": "r1", "name": "ping", "method": "get", "url": "{{base}}/ping",
                 "headers": "Accept: application/json\n// X-Off: 1\n",
                 "tests": "tests[\"ok\"] = responseCode.code === 200;"},
                {"id": "r2", "name": "add", "method": "POST", "url": "{{base}}/users/:id",
                 "folder": "f1", "pathVariables": {"id": "7"}, "dataMode": "urlencoded",
                 "data": [{"key": "name", "value": "bo", "type": "text"},
                          {"key": "off", "value": "x", "type": "text", "enabled": false}],
                 "currentHelper": "basicAuth", "helperAttributes": {"username": "u", "password": "p"}}
            ]
        });
        let v2 = as_v21(&v1).expect("a v1 collection");
        assert_eq!(v2["info"]["name"], "old");
        let users = &v2["item"][0];
        assert_eq!(users["name"], "users");
        let add = &users["item"][0];
        assert_eq!(
            add["request"]["url"]["variable"][0],
            json!({"key": "id", "value": "7"})
        );
        assert_eq!(add["request"]["body"]["urlencoded"][1]["disabled"], true);
        assert_eq!(add["request"]["auth"]["type"], "basic");
        let ping = &v2["item"][1];
        assert_eq!(ping["request"]["method"], "GET");
        assert_eq!(
            ping["request"]["header"][1],
            json!({"key": "X-Off", "value": "1", "disabled": true})
        );
        assert_eq!(ping["event"][0]["listen"], "test");
        assert!(as_v21(&v2).is_none());
    }

    #[test]
    fn a_folder_that_holds_itself_ends() {
        let v1 = json!({"name": "loop", "requests": [], "folders_order": ["f"],
            "folders": [{"id": "f", "name": "f", "folders_order": ["f"], "order": []}]});
        let v2 = as_v21(&v1).expect("v1");
        assert_eq!(v2["item"][0]["name"], "f");
    }
}
