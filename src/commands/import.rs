//! `yarc import postman|openapi|curl`: reads another tool's files, converts them with
//! `crate::import`, writes the collection (and environments), and prints what needs a human look.

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// A Postman collection (v2.1, v2.0 or a v1 export) and its environments.
    Postman {
        /// The exported collection (.json).
        collection: PathBuf,
        /// An exported Postman environment (.json); may be given several times.
        #[arg(long = "environment", value_name = "ENV.json")]
        environments: Vec<PathBuf>,
        /// Exported Postman globals (.json): collection variables where the collection has
        /// none of that name (Postman's own order: the collection's win).
        #[arg(long, value_name = "GLOBALS.json")]
        globals: Option<PathBuf>,
        /// The folder to write the collection and environments/ into.
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// Write what was converted and what was kept (with a reason per kept line) as JSON.
        #[arg(long, value_name = "FILE.json")]
        report: Option<PathBuf>,
        /// Overwrite files an earlier import wrote.
        #[arg(long)]
        force: bool,
    },
    /// An OpenAPI 3.0 or 3.1 document (YAML or JSON).
    Openapi {
        /// The OpenAPI document.
        spec: PathBuf,
        /// The collection file to write.
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// Also write each response's JSON Schema next to the collection and assert it.
        #[arg(long)]
        schemas: bool,
        /// Overwrite files an earlier import wrote.
        #[arg(long)]
        force: bool,
    },
    /// A curl command (a browser's "Copy as cURL", an API's documentation): one request, added
    /// at the end of a collection file (made when missing). Credentials become secret('…').
    Curl {
        /// A file holding the command; `-` or nothing reads it from standard input.
        command: Option<PathBuf>,
        /// The collection file to add the request to; its comments and layout are kept.
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// The request's name (default: its method and path).
        #[arg(long)]
        name: Option<String>,
    },
    /// A browser's HAR export (DevTools, Network, "Save all as HAR"): one request per API call,
    /// added to a collection file (made when missing). Credentials become secret('…').
    Har {
        /// The .har file.
        har: PathBuf,
        /// The collection file to add the requests to; its comments and layout are kept.
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// Keep only calls to this host or domain (`example.com` keeps `api.example.com`);
        /// may be given several times.
        #[arg(long = "host", value_name = "HOST")]
        hosts: Vec<String>,
        /// Keep only this method; may be given several times.
        #[arg(long = "method", value_name = "METHOD")]
        methods: Vec<String>,
        /// Keep scripts, styles, images and fonts too (left out by default).
        #[arg(long)]
        assets: bool,
    },
}

use crate::import::{openapi, postman};
use crate::outcome::Exit;
use clap::Subcommand;
use std::path::Path;
use std::path::PathBuf;

/// `yarc import ...`: reads, converts, writes, and prints what needs a human look.
pub(crate) fn execute(cmd: ImportCommand) -> super::Outcome {
    match cmd {
        ImportCommand::Postman {
            collection,
            environments,
            globals,
            output,
            report,
            force,
        } => postman_files(
            &collection,
            (&environments, globals.as_deref()),
            &output,
            report.as_deref(),
            force,
        ),
        ImportCommand::Openapi {
            spec,
            output,
            schemas,
            force,
        } => openapi_files(&spec, &output, schemas, force),
        ImportCommand::Curl {
            command,
            output,
            name,
        } => match curl_request(command.as_deref(), &output, name.as_deref()) {
            Ok(()) => Ok(Exit::Ok),
            Err(e) => fail(&e),
        },
        ImportCommand::Har {
            har,
            output,
            hosts,
            methods,
            assets,
        } => {
            let filter = crate::import::har::Filter {
                hosts,
                methods: methods.iter().map(|m| m.to_ascii_uppercase()).collect(),
                assets,
            };
            match har_requests(&har, &output, &filter) {
                Ok(()) => Ok(Exit::Ok),
                Err(e) => fail(&e),
            }
        }
    }
}

/// The most a pasted command may hold.
const MAX_COMMAND: u64 = 1 << 20;

/// Reads the command, converts it, adds the request to `out` (made when missing) after checking
/// that the file still reads as a collection, and says what to set.
fn curl_request(command: Option<&Path>, out: &Path, name: Option<&str>) -> Result<(), String> {
    let text = match command.filter(|p| *p != Path::new("-")) {
        Some(p) => crate::load::read_text(p).map_err(|e| e.to_string())?,
        None => {
            use std::io::{IsTerminal, Read};
            if std::io::stdin().is_terminal() {
                return Err("paste the curl command on standard input (end with Ctrl-D), or name a file that holds it".into());
            }
            let mut s = String::new();
            std::io::stdin()
                .take(MAX_COMMAND)
                .read_to_string(&mut s)
                .map_err(|e| format!("cannot read the command from standard input: {e}"))?;
            s
        }
    };
    let imported = crate::import::curl::import(&text, name)?;
    let shown = out.display();
    let (existing, names) = add_to_collection(out, "a curl command", vec![imported.request])?;
    let name = names.join("");
    let mut s = format!(
        "{} request `{name}` to {shown}\n",
        if existing { "added" } else { "wrote" }
    );
    s.push_str(&to_look_at(&imported.secrets, &imported.notes, out));
    crate::out!("{s}");
    Ok(())
}

/// The secrets to set, the notes, and the next command.
fn to_look_at(
    secrets: &std::collections::BTreeSet<String>,
    notes: &[String],
    out: &Path,
) -> String {
    let mut s = String::new();
    if !secrets.is_empty() {
        let names: Vec<&str> = secrets.iter().map(String::as_str).collect();
        s.push_str(&format!(
            "  secrets were not copied: set {} in the environment or a .env file\n",
            names.join(", ")
        ));
    }
    for n in notes {
        s.push_str(&format!("  - {n}\n"));
    }
    s.push_str(&format!("next: yarc check {}\n", out.display()));
    s
}

/// Reads a HAR export, adds its API calls to `out`, and says what was left out and what to set.
fn har_requests(har: &Path, out: &Path, filter: &crate::import::har::Filter) -> Result<(), String> {
    let doc = read_json(har)?;
    let h = crate::import::har::import(&doc, filter)
        .map_err(|e| format!("`{}`: {e}", har.display()))?;
    if h.requests.is_empty() {
        return Err(format!(
            "`{}` has no request to import: {} entries, {} static files, {} to other hosts, {} of other methods",
            har.display(),
            h.entries,
            h.assets,
            h.other_hosts,
            h.other_methods
        ));
    }
    let mut secrets = std::collections::BTreeSet::new();
    let mut notes = Vec::new();
    let mut requests = Vec::new();
    for r in h.requests {
        secrets.extend(r.secrets);
        for n in r.notes {
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
        requests.push(r.request);
    }
    let shown = out.display();
    let (existing, names) = add_to_collection(out, "a HAR export", requests)?;
    let mut s = format!(
        "{} {} to {shown} (of {} entries; left out: {}, {} to other hosts, {} of other methods)\n",
        if existing { "added" } else { "wrote" },
        counted(names.len(), "request"),
        h.entries,
        counted(h.assets, "static file"),
        h.other_hosts,
        h.other_methods
    );
    s.push_str(&to_look_at(&secrets, &notes, out));
    crate::out!("{s}");
    Ok(())
}

/// Adds requests at the end of the collection file `out` (made when missing, named after the
/// first request's host), after checking that the result still reads as a collection; whether
/// the file was there, and the names the requests got.
fn add_to_collection(
    out: &Path,
    source: &str,
    requests: Vec<crate::import::yaml_out::Y>,
) -> Result<(bool, Vec<String>), String> {
    use crate::import::yaml_out::{self, Y};
    let shown = out.display();
    let existing = out.exists();
    let mut text = if existing {
        crate::load::read_text(out).map_err(|e| e.to_string())?
    } else {
        let host = requests
            .first()
            .and_then(|r| match r {
                Y::Map(m) => m.iter().find(|(k, _)| k == "url").map(|(_, v)| v.clone()),
                _ => None,
            })
            .and_then(|v| match v {
                Y::Str(u) => url::Url::parse(&u).ok(),
                _ => None,
            })
            .and_then(|u| u.host_str().map(str::to_string));
        format!(
            "{MODELINE}# Imported from {source} by `yarc import`.\nname: {}\n",
            yaml_out::string(host.as_deref().unwrap_or("imported"))
        )
    };
    let mut names = Vec::new();
    for r in requests {
        let (next, name) = crate::import::append::request(&text, r)
            .map_err(|e| format!("cannot add to `{shown}`: {e}"))?;
        text = next;
        names.push(name);
    }
    let file = crate::source::SourceFile::new(shown.to_string(), text.clone());
    if let Err(d) = crate::parse::parse_collection(&file, out) {
        return Err(format!(
            "adding the requests would leave `{shown}` unreadable, so nothing was written:\n{}",
            d.render()
        ));
    }
    crate::files::write_atomic(out, &text).map_err(|e| format!("cannot write `{shown}`: {e}"))?;
    if !existing && let Some(dir) = out.parent() {
        write_schemas(dir)?;
    }
    Ok((existing, names))
}

/// The modeline of a new collection file, pointing at the schema written beside it.
const MODELINE: &str = "# yaml-language-server: $schema=./.yarc/collection.schema.json\n";

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = crate::load::read_text(path).map_err(|e| e.to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(text).map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))
}

fn fail(message: &str) -> super::Outcome {
    Err(super::CommandError::stopped(message, Exit::Invalid))
}

/// An import never overwrites what is there (an edited collection) unless told to.
fn refuse_existing<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = &'a str>,
    force: bool,
) -> Result<(), String> {
    if force {
        return Ok(());
    }
    let there: Vec<String> = files
        .into_iter()
        .map(|rel| dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if there.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} already exist{}: nothing was written (--force overwrites)",
        there.join(", "),
        if there.len() == 1 { "s" } else { "" }
    ))
}

fn write(dir: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = dir.join(rel);
    crate::files::write_atomic(&path, text)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// The schema files the generated modelines point at.
fn write_schemas(dir: &Path) -> Result<(), String> {
    use crate::schema::{Kind, json};
    write(dir, ".yarc/collection.schema.json", &json(Kind::Collection))?;
    write(
        dir,
        ".yarc/environment.schema.json",
        &json(Kind::Environment),
    )
}

/// A Postman environment export: `values`, at the top or under `environment` (the API's form).
fn is_environment(v: &serde_json::Value) -> bool {
    let inner = v.get("environment").unwrap_or(v);
    v.get("values").is_some() || inner.get("values").is_some()
}

fn postman_files(
    collection: &Path,
    (environments, globals): (&[std::path::PathBuf], Option<&Path>),
    out: &Path,
    report: Option<&Path>,
    force: bool,
) -> super::Outcome {
    let mut c = match read_json(collection) {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    // Newman reads a v1 export as the v2.1 collection it stands for; so does the import.
    let v1 = crate::import::postman_v1::as_v21(&c);
    if let Some(v21) = &v1 {
        c = v21.clone();
    }
    let mut from_globals = 0;
    if let Some(g) = globals {
        match read_json(g) {
            Ok(g) => from_globals = postman::with_globals(&mut c, &g),
            Err(e) => return fail(&e),
        }
    }
    let mut envs = Vec::new();
    for e in environments {
        match read_json(e) {
            Ok(v) if !is_environment(&v) => {
                let what = match v.get("info").is_some() && v.get("item").is_some() {
                    true => " (it is a collection export: it has `info` and `item`)",
                    false => "",
                };
                return fail(&format!(
                    "{}: not a Postman environment: it has no `values`{what}",
                    e.display()
                ));
            }
            Ok(v) => envs.push(v),
            Err(e) => return fail(&e),
        }
    }
    // Newman reads upload files from where it runs; a yarc collection from its own folder.
    let beside = |src: &str| out.join(src).is_file();
    let mut imported = match postman::import(&c, &envs, &beside) {
        Ok(i) => i,
        Err(e) => return fail(&e),
    };
    if v1.is_some() {
        imported.report.notes.push(
            "a Postman v1 collection (an export from before 2017): read as the v2.1 collection it stands for, as Newman reads it; re-export it from Postman as v2.1 to keep it current".into(),
        );
    }
    if from_globals > 0 {
        imported.report.notes.push(format!(
            "{from_globals} Postman globals became collection variables (the collection's own of the same name win)"
        ));
    }
    if let Some(text) = env_example(&imported.report) {
        imported.files.push((".env.example".into(), text));
    }
    let names = imported.files.iter().map(|(rel, _)| rel.as_str());
    if let Err(e) = refuse_existing(out, names, force) {
        return fail(&e);
    }
    if let Some(path) = report {
        let json = postman_report(collection, &imported.report);
        if let Err(e) = crate::files::write_atomic(path, &json) {
            return fail(&format!("cannot write `{}`: {e}", path.display()));
        }
    }
    for (rel, text) in &imported.files {
        if let Err(e) = write(out, rel, text) {
            return fail(&e);
        }
    }
    if let Err(e) = write_schemas(out) {
        return fail(&e);
    }
    crate::out!("{}", postman_summary(out, &imported));
    Ok(Exit::Ok)
}

/// `1 request`, `2 requests`: the summaries' counts read as English.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// What the import wrote and converted, what needs a human look, and what to run next.
fn postman_summary(out: &Path, imported: &postman::Imported) -> String {
    let r = &imported.report;
    let mut s = format!(
        "imported {} in {} into {}\n",
        counted(r.requests, "request"),
        counted(r.groups, "group"),
        out.join(&imported.collection_file).display()
    );
    s.push_str(&format!(
        "  from scripts: {} of {} assertions, {} of {} set() calls ({} captures, {} variables); {} converted, {} kept as comments\n",
        r.assertions,
        r.assertions_seen,
        r.captures + r.variables_set,
        r.sets_seen,
        r.captures,
        r.variables_set,
        counted(r.converted_lines, "line"),
        r.kept_lines
    ));
    if r.sent_requests > 0 {
        s.push_str(&format!(
            "  {} that scripts send (pm.sendRequest) {} of their own\n",
            counted(r.sent_requests, "request"),
            if r.sent_requests == 1 {
                "is a request"
            } else {
                "are requests"
            }
        ));
    }
    if r.path_variables > 0 || r.descriptions > 0 {
        s.push_str(&format!(
            "  {}, {}\n",
            counted(r.path_variables, "path variable"),
            counted(r.descriptions, "description")
        ));
    }
    for a in auth_lines(&r.auth) {
        s.push_str(&format!("  auth: {a}\n"));
    }
    let d = &r.destinations;
    if !d.requests.is_empty() {
        s.push_str(&format!("  sends requests to: {}\n", d.requests.join("; ")));
    }
    if !d.credentials.is_empty() {
        s.push_str(&format!(
            "  sends the client credentials to: {}\n",
            d.credentials.join("; ")
        ));
    }
    for (name, file) in &imported.environments {
        s.push_str(&format!(
            "  environment `{name}` → {}\n",
            out.join(file).display()
        ));
    }
    let look = human_look(r);
    if look.is_empty() {
        s.push_str("nothing needs a human look\n");
    } else {
        s.push_str("needs a human look:\n");
        for l in look {
            s.push_str(&format!("  - {l}\n"));
        }
    }
    s.push_str(&format!("next: yarc check {}\n", out.display()));
    s
}

/// The summary's "needs a human look" lines.
fn human_look(r: &postman::Report) -> Vec<String> {
    let mut look = Vec::new();
    if r.kept_lines > 0 {
        let lines = match r.kept_lines {
            1 => "1 script line was".to_string(),
            n => format!("{n} script lines were"),
        };
        look.push(format!(
            "{lines} kept as comments (search for \"postman\"; --report FILE.json gives the reason for each)"
        ));
    }
    if !r.secrets.is_empty() {
        look.push(secrets_to_set(r));
    }
    for d in &r.unknown_dynamic {
        look.push(format!(
            "Postman's dynamic variable {{{{{d}}}}} has no yarc equivalent: it was kept as text"
        ));
    }
    look.extend(skip_lines(&r.skipped));
    look.extend(shared_lines(&r.shared));
    look.extend(r.notes.iter().cloned());
    look
}

/// Notes requests share, one line for all that share one (with what is each one's own listed
/// under it, at most 12), not a line each.
fn shared_lines(shared: &[postman::SharedNote]) -> Vec<String> {
    let mut by_note: Vec<(&str, Vec<&postman::SharedNote>)> = Vec::new();
    for n in shared {
        match by_note.iter_mut().find(|(m, _)| *m == n.many) {
            Some((_, all)) => all.push(n),
            None => by_note.push((&n.many, vec![n])),
        }
    }
    by_note
        .into_iter()
        .map(|(many, all)| match all.as_slice() {
            [one] => one.one.clone(),
            _ => {
                let whose: Vec<String> = all.iter().map(|n| n.whose.clone()).collect();
                let list = listed(&whose);
                let mut line = many
                    .replace("{n}", &all.len().to_string())
                    .replace("{list}", &list);
                let details: Vec<&&postman::SharedNote> =
                    all.iter().filter(|n| !n.detail.is_empty()).collect();
                for n in details.iter().take(12) {
                    line.push_str(&format!("\n      {}: {}", n.whose, n.detail));
                }
                if details.len() > 12 {
                    line.push_str(&format!(
                        "\n      and {} more (--report FILE.json lists each)",
                        details.len() - 12
                    ));
                }
                line
            }
        })
        .collect()
}

/// `request \`a\`, request \`b\`, request \`c\` and 4 more`.
fn listed(names: &[String]) -> String {
    let shown = names[..names.len().min(3)].join(", ");
    match names.len().saturating_sub(3) {
        0 => shown,
        n => format!("{shown} and {n} more"),
    }
}

/// `.env.example` beside the collection: each secret to set, with where its value was in the
/// export, and no value (a `.env` made from it fails the run until each is filled in).
fn env_example(r: &postman::Report) -> Option<String> {
    if r.secrets.is_empty() {
        return None;
    }
    let mut s = String::from(
        "# The secrets `yarc import postman` did not copy. Copy this file to .env beside the\n# collection (never commit .env) and give each its value.\n",
    );
    for name in &r.secrets {
        if let Some(from) = r.secret_from.get(name) {
            s.push_str(&format!(
                "# {name}: {}\n",
                from.describe().replace('\n', " ")
            ));
        }
        s.push_str(&format!("{name}=\n"));
    }
    Some(s)
}

/// The secrets to set, each with where its value was in the export (so the user knows what
/// to copy from Postman).
fn secrets_to_set(r: &postman::Report) -> String {
    let mut s = "secrets were not copied: set each in the environment or a .env file (.env.example lists them)".to_string();
    for name in &r.secrets {
        match r.secret_from.get(name) {
            Some(from) => s.push_str(&format!("\n      {name}: {}", from.describe())),
            None => s.push_str(&format!("\n      {name}")),
        }
    }
    s
}

/// The import's counts as JSON (`--report`).
fn postman_report(source: &Path, r: &postman::Report) -> String {
    let kept: Vec<serde_json::Value> = r
        .kept
        .iter()
        .map(|(place, line, text, why)| {
            serde_json::json!({ "where": place, "line": line, "text": text, "reason": why })
        })
        .collect();
    let v = serde_json::json!({
        "source": source.display().to_string(),
        "requests": r.requests,
        "groups": r.groups,
        "assertions": { "converted": r.assertions, "seen": r.assertions_seen },
        "set_calls": {
            "seen": r.sets_seen,
            "captures": r.captures,
            "variables": r.variables_set,
        },
        "variables": r.variables,
        "path_variables": r.path_variables,
        "descriptions": r.descriptions,
        "secrets": r.secrets,
        "secret_sources": r.secret_from.iter().map(|(name, from)| serde_json::json!({
            "name": name, "where": from.whose, "field": from.field, "key": from.key,
        })).collect::<Vec<_>>(),
        "script_lines": { "converted": r.converted_lines, "kept": r.kept_lines },
        "kept": kept,
        "unknown_dynamic_variables": r.unknown_dynamic,
        "notes": r.notes.iter().chain(r.shared.iter().map(|n| &n.one)).collect::<Vec<_>>(),
        "sent_requests": r.sent_requests,
        "sends_requests_to": r.destinations.requests,
        "sends_client_credentials_to": r.destinations.credentials,
        "skipped": r.skipped.iter().map(|(request, why)| serde_json::json!({ "request": request, "reason": why })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn openapi_files(spec: &Path, out: &Path, with_schemas: bool, force: bool) -> super::Outcome {
    let text = match crate::load::read_text(spec) {
        Ok(t) => t,
        Err(e) => return fail(&e.to_string()),
    };
    let doc = match openapi::parse(&text) {
        Ok(d) => d,
        Err(e) => return fail(&format!("`{}`: {e}", spec.display())),
    };
    let imported = match openapi::import(&doc, with_schemas) {
        Ok(i) => i,
        Err(e) => return fail(&format!("`{}`: {e}", spec.display())),
    };
    let dir = out.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "api.yaml".into());
    let schema_files: Vec<String> = imported
        .schemas
        .iter()
        .map(|(f, _)| format!("schemas/{f}"))
        .collect();
    let names = std::iter::once(name.as_str()).chain(schema_files.iter().map(String::as_str));
    if let Err(e) = refuse_existing(&dir, names, force) {
        return fail(&e);
    }
    if let Err(e) = write(&dir, &name, &imported.collection) {
        return fail(&e);
    }
    for (file, text) in &imported.schemas {
        if let Err(e) = write(&dir, &format!("schemas/{file}"), text) {
            return fail(&e);
        }
    }
    if let Err(e) = write_schemas(&dir) {
        return fail(&e);
    }
    let r = &imported.report;
    let mut s = format!(
        "imported {} in {} into {}\n",
        counted(r.operations, "operation"),
        counted(r.groups, "group"),
        out.display()
    );
    if let Some(a) = &r.auth {
        s.push_str(&format!("  auth: {a}\n"));
    }
    if !imported.schemas.is_empty() {
        s.push_str(&format!(
            "  {} response schemas in {}\n",
            imported.schemas.len(),
            dir.join("schemas").display()
        ));
    }
    let mut look: Vec<String> = Vec::new();
    if !r.secrets.is_empty() {
        look.push(format!(
            "set {} in the environment or a .env file",
            r.secrets.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    look.push("check the example values under `variables:`".into());
    look.extend(r.notes.iter().cloned());
    s.push_str("needs a human look:\n");
    for l in look {
        s.push_str(&format!("  - {l}\n"));
    }
    s.push_str(&format!("next: yarc check {}\n", out.display()));
    crate::out!("{s}");
    Ok(Exit::Ok)
}

/// One line per reason a request is written with `skip:`, naming the requests (the first
/// three when more share it).
fn skip_lines(skipped: &[(String, String)]) -> Vec<String> {
    let mut by_why: Vec<(&str, Vec<&str>)> = Vec::new();
    for (request, why) in skipped {
        match by_why.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(request),
            None => by_why.push((why, vec![request])),
        }
    }
    by_why
        .into_iter()
        .map(|(why, names)| match names.as_slice() {
            [one] => format!("request `{one}` is written with `skip:`: {why}"),
            _ => {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "{} requests ({}) are written with `skip:`: {why}",
                    names.len(),
                    listed(&quoted)
                )
            }
        })
        .collect()
}

/// The summary's auth lines, one per kind for the requests that share it when more than three
/// do (`bearer (22 requests: `A`, `B`, `C` and 19 more)`), not 22 lines.
fn auth_lines<'a>(auth: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut by_kind: Vec<(String, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    for a in auth {
        let Some((kind, name)) = a
            .strip_suffix("`)")
            .and_then(|r| r.split_once(" (request `"))
        else {
            out.push(a.clone());
            continue;
        };
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, names)) => names.push(name.to_string()),
            None => by_kind.push((kind.to_string(), vec![name.to_string()])),
        }
    }
    for (kind, names) in by_kind {
        if names.len() <= 3 {
            out.extend(names.iter().map(|n| format!("{kind} (request `{n}`)")));
            continue;
        }
        let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
        out.push(format!(
            "{kind} ({} requests: {} and {} more)",
            names.len(),
            shown.join(", "),
            names.len() - 3
        ));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::auth_lines;

    #[test]
    fn requests_skipped_for_one_reason_are_one_line() {
        let why = "the upload file is not beside the collection".to_string();
        let mut skipped: Vec<(String, String)> =
            (1..=4).map(|i| (format!("r{i}"), why.clone())).collect();
        skipped.push(("other".into(), "no host".into()));
        assert_eq!(
            super::skip_lines(&skipped),
            [
                "4 requests (`r1`, `r2`, `r3` and 1 more) are written with `skip:`: the upload file is not beside the collection",
                "request `other` is written with `skip:`: no host"
            ]
        );
    }

    #[test]
    fn a_note_requests_share_is_one_line_with_what_is_each_ones_own_under_it() {
        let note = |who: &str, detail: &str, many: &str| crate::import::postman::SharedNote {
            whose: format!("request `{who}`"),
            one: format!("request `{who}` alone: {detail}"),
            many: many.into(),
            detail: detail.into(),
        };
        let fails = "{n} requests ({list}) fail";
        let mut shared: Vec<_> = (1..=14)
            .map(|i| note(&format!("r{i}"), &format!("test `t{i}`"), fails))
            .collect();
        shared.push(note("solo", "", "{n} others"));
        let lines = super::shared_lines(&shared);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let first: Vec<&str> = lines[0].lines().collect();
        assert_eq!(
            first[0],
            "14 requests (request `r1`, request `r2`, request `r3` and 11 more) fail"
        );
        assert_eq!(first[1], "      request `r1`: test `t1`");
        assert_eq!(
            first.len(),
            14,
            "12 shown, then the rest counted: {first:?}"
        );
        assert_eq!(
            first[13],
            "      and 2 more (--report FILE.json lists each)"
        );
        assert_eq!(lines[1], "request `solo` alone: ");
    }

    #[test]
    fn many_requests_with_one_kind_of_auth_are_one_line() {
        let mut auth: Vec<String> = (1..=5)
            .map(|i| format!("bearer (request `r{i}`)"))
            .collect();
        auth.push("basic (request `up`)".into());
        auth.push("oauth2 (collection)".into());
        assert_eq!(
            auth_lines(&auth),
            [
                "basic (request `up`)",
                "bearer (5 requests: `r1`, `r2`, `r3` and 2 more)",
                "oauth2 (collection)"
            ]
        );
    }
}
