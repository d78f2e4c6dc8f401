//! Adding an imported request to a collection file someone already edits: a text edit at the
//! end of its top-level `requests:` list, so every comment, blank line and quote style of the
//! file stays as it was (a re-serialisation would lose them).

use super::yaml_out::{self, Y};

/// `text` with `request` added as the last item of its top-level `requests:` list (its name
/// made unique among the file's requests); the name it got.
pub(crate) fn request(text: &str, mut request: Y) -> Result<(String, String), String> {
    let taken = names(text)?;
    let name = unique(&request, &taken);
    request.set("name", Y::str(&name));
    let lines: Vec<&str> = text.lines().collect();
    let head = lines.iter().position(|l| is_key(l, "requests"));
    let item = yaml_out::to_string(&Y::Seq(vec![request]));
    let Some(head) = head else {
        let mut out = text.trim_end().to_string();
        out.push_str("\nrequests:\n");
        out.push_str(&indented(&item, 2));
        return Ok((out, name));
    };
    let rest = lines[head]["requests:".len()..].trim();
    let inline_empty = rest == "[]" || rest.starts_with("[] ") || rest.starts_with("[]#");
    if !rest.is_empty() && !rest.starts_with('#') && !inline_empty {
        return Err(
            "its `requests:` is written inline (`requests: [...]`): write it as a block list to add to it"
                .into(),
        );
    }
    let body_start = head + 1;
    let end = (body_start..lines.len())
        .find(|&i| {
            let l = lines[i];
            !l.trim().is_empty()
                && !l.starts_with([' ', '\t', '#'])
                && !l.starts_with("- ")
                && l != "-"
        })
        .unwrap_or(lines.len());
    // Items sit at the indentation of the list's first item (2 when it has none).
    let indent = (body_start..end)
        .map(|i| lines[i])
        .find(|l| l.trim_start().starts_with('-'))
        .map_or(2, |l| l.len() - l.trim_start().len());
    // Inserted after the list's last line of YAML, before blank lines and comments that lead
    // into what follows.
    let last = (body_start..end)
        .rev()
        .find(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map_or(head, |i| i);
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 8);
    for (i, l) in lines.iter().enumerate() {
        if i == head && inline_empty {
            out.push("requests:".into());
        } else {
            out.push((*l).to_string());
        }
        if i == last {
            out.push(indented(&item, indent).trim_end().to_string());
        }
    }
    Ok((out.join("\n") + "\n", name))
}

fn is_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .and_then(|r| r.strip_prefix(':'))
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

fn indented(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| match l.is_empty() {
            true => "\n".to_string(),
            false => format!("{pad}{l}\n"),
        })
        .collect()
}

/// Every request name of the file, groups included.
fn names(text: &str) -> Result<Vec<String>, String> {
    let doc: serde_json::Value = match text.trim().is_empty() {
        true => serde_json::Value::Null,
        false => serde_saphyr::from_str(text).map_err(|e| format!("it is not valid YAML: {e}"))?,
    };
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        for item in v
            .get("requests")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(n) = item.get("name").and_then(|n| n.as_str()) {
                out.push(n.to_string());
            }
            walk(item, out);
        }
    }
    walk(&doc, &mut out);
    Ok(out)
}

fn unique(request: &Y, taken: &[String]) -> String {
    let base = match request {
        Y::Map(entries) => entries
            .iter()
            .find(|(k, _)| k == "name")
            .and_then(|(_, v)| match v {
                Y::Str(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "request".into()),
        _ => "request".into(),
    };
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|n| !taken.contains(n))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(name: &str) -> Y {
        let mut r = Y::map();
        r.set("name", Y::str(name));
        r.set("url", Y::str("https://x/y"));
        r
    }

    #[test]
    fn the_request_goes_last_in_the_list_and_the_rest_stays_byte_for_byte() {
        let text = "# my collection\nname: c   # keep me\nrequests:\n    - name: a   # first\n      url: 'https://x/a'\n\n    # a comment between\n    - group: g\n      requests:\n        - name: b\n          url: https://x/b\n\n# trailer\ndefaults:\n  timeout: 5s\n";
        let (out, name) = request(text, req("b")).expect("added");
        assert_eq!(name, "b (2)", "names are unique across groups");
        let expected = "# my collection\nname: c   # keep me\nrequests:\n    - name: a   # first\n      url: 'https://x/a'\n\n    # a comment between\n    - group: g\n      requests:\n        - name: b\n          url: https://x/b\n    - name: b (2)\n      url: https://x/y\n\n# trailer\ndefaults:\n  timeout: 5s\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn an_empty_or_missing_list_gets_one_and_an_inline_list_is_refused() {
        let (out, _) = request("name: c\nrequests: []\n", req("a")).expect("added");
        assert_eq!(
            out,
            "name: c\nrequests:\n  - name: a\n    url: https://x/y\n"
        );
        let (out, _) = request("name: c\n", req("a")).expect("added");
        assert_eq!(
            out,
            "name: c\nrequests:\n  - name: a\n    url: https://x/y\n"
        );
        let e = request(
            "name: c\nrequests: [{name: a, url: 'https://x'}]\n",
            req("b"),
        )
        .expect_err("inline");
        assert!(e.contains("inline"), "{e}");
        assert!(request("name: [\n", req("b")).is_err());
    }
}
