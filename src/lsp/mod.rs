//! `yarc lsp`: a language server on standard input and output. It runs the engine's own check
//! on the editor's unsaved text (no second parser) and answers from the last plan: diagnostics,
//! completion, hover, go to definition, references, document symbols and a "run this request"
//! code lens.

mod analysis;
mod text;

use analysis::Analysis;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use text::{Context, Pos};
use tokio::sync::Mutex;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// The command a "run this request" code lens asks the client to call.
const RUN_COMMAND: &str = "yarc.runRequest";

/// How long typing must pause before a document is checked again.
const SETTLE: Duration = Duration::from_millis(50);

/// Serves one editor on stdin/stdout until it exits.
pub(crate) async fn serve() -> crate::commands::Outcome {
    let (service, socket) = LspService::new(Backend::new);
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
    Ok(crate::outcome::Exit::Ok)
}

struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Open documents: text and the version last received.
    docs: HashMap<PathBuf, (String, i32)>,
    /// The environment checks use (`initializationOptions` / settings `environment`; default:
    /// the first one found beside the collection, or none).
    environment: Option<String>,
    analyses: HashMap<PathBuf, Analysis>,
    /// Files whose diagnostics were last published, by the document they came from.
    published: HashMap<PathBuf, Vec<PathBuf>>,
}

impl Backend {
    fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Checks `path` once typing has settled on `version`, and publishes what was found. A
    /// YAML file that is not a collection (a CI workflow, an environment) is left alone.
    fn schedule(&self, path: PathBuf, version: i32) {
        let state = Arc::clone(&self.state);
        let client = self.client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            let (unsaved, env) = {
                let s = state.lock().await;
                match s.docs.get(&path) {
                    Some((text, v)) if *v == version && is_collection(text) => {}
                    _ => return,
                }
                let texts: HashMap<PathBuf, String> = s
                    .docs
                    .iter()
                    .map(|(p, (t, _))| (p.clone(), t.clone()))
                    .collect();
                let env = s.environment.clone().or_else(|| {
                    crate::load::environment_names(Some(&path))
                        .into_iter()
                        .next()
                });
                (Arc::new(texts), env)
            };
            let found = analysis::analyze(&path, env, unsaved).await;
            // Known before the diagnostics go out: an editor asks for completion on seeing them.
            let merged = {
                let mut s = state.lock().await;
                // A plan that could not be made keeps the last one's requests and names.
                let keep = s.analyses.remove(&path).unwrap_or_default();
                let mut merged = found;
                if merged.requests.is_empty() {
                    merged.requests = keep.requests;
                }
                if merged.vars.is_empty() {
                    merged.vars = keep.vars;
                    merged.captures = keep.captures;
                }
                s.analyses.insert(path.clone(), merged.clone());
                merged
            };
            publish(&client, &state, &path, &merged, version).await;
        });
    }

    /// The environment checks of `path` use.
    async fn environment_for(&self, path: &std::path::Path) -> Option<String> {
        let set = self.state.lock().await.environment.clone();
        set.or_else(|| {
            crate::load::environment_names(Some(path))
                .into_iter()
                .next()
        })
    }

    async fn doc(&self, uri: &Uri) -> Option<(PathBuf, String, Analysis)> {
        let path = uri.to_file_path()?.into_owned();
        let s = self.state.lock().await;
        let text = s.docs.get(&path)?.0.clone();
        let a = s.analyses.get(&path).cloned().unwrap_or_default();
        Some((path, text, a))
    }
}

/// Sends the problems of one check: the document's own, and those in other files it reads
/// (an environment), each to its file; files that had problems and have none now are cleared.
async fn publish(
    client: &Client,
    state: &Mutex<State>,
    doc: &std::path::Path,
    a: &Analysis,
    version: i32,
) {
    let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
    by_file.insert(doc.to_path_buf(), Vec::new());
    for (file, d) in &a.problems {
        let file = absolute(doc, file);
        by_file.entry(file).or_default().push(diagnostic(d));
    }
    for g in &a.general {
        by_file
            .entry(doc.to_path_buf())
            .or_default()
            .push(Diagnostic {
                range: Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("yarc".into()),
                message: g.clone(),
                ..Diagnostic::default()
            });
    }
    let before = {
        let mut s = state.lock().await;
        s.published
            .insert(doc.to_path_buf(), by_file.keys().cloned().collect())
            .unwrap_or_default()
    };
    for gone in before {
        by_file.entry(gone).or_default();
    }
    for (file, diags) in by_file {
        if let Some(uri) = Uri::from_file_path(&file) {
            let v = (file == doc).then_some(version);
            client.publish_diagnostics(uri, diags, v).await;
        }
    }
}

/// A yarc collection: a top-level `requests:` key, or the collection schema's modeline.
fn is_collection(text: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with("requests:") || (l.starts_with('#') && l.contains("collection.schema.json"))
    })
}

fn absolute(doc: &std::path::Path, file: &std::path::Path) -> PathBuf {
    match file.is_absolute() {
        true => file.to_path_buf(),
        false => doc.parent().map_or(file.to_path_buf(), |d| d.join(file)),
    }
}

fn range_of(span: &crate::source::Span) -> Range {
    let line = span.file.line_text(span.line).unwrap_or("");
    let start = text::utf16_col(line, span.col);
    let end = text::utf16_col(line, span.col.saturating_add(span.len.max(1)));
    let l = span.line.saturating_sub(1);
    Range::new(Position::new(l, start), Position::new(l, end.max(start)))
}

fn diagnostic(d: &crate::diagnostic::Diagnostic) -> Diagnostic {
    let mut message = d.message.clone();
    if let Some(label) = &d.label {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    Diagnostic {
        range: d.span.as_ref().map(range_of).unwrap_or_default(),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("yarc".into()),
        message,
        ..Diagnostic::default()
    }
}

fn location(span: &crate::source::Span, doc: &std::path::Path) -> Option<Location> {
    let file = absolute(doc, std::path::Path::new(span.path()));
    Some(Location::new(Uri::from_file_path(file)?, range_of(span)))
}

fn pos(p: Position) -> Pos {
    Pos {
        line: p.line,
        utf16: p.character,
    }
}

/// `initializationOptions` or settings: `{ "environment": "stage" }` (also under `yarc`).
fn environment_of(v: &serde_json::Value) -> Option<String> {
    v.get("environment")
        .or_else(|| v.pointer("/yarc/environment"))
        .and_then(|e| e.as_str())
        .filter(|e| !e.is_empty())
        .map(str::to_string)
}

const FILTERS: &[&str] = &[
    "base64_encode",
    "base64_decode",
    "urlencode",
    "tojson",
    "from_json",
    "date",
    "sha256",
    "hmac_sha256",
    "md5",
    "string",
    "int",
    "float",
    "lower",
    "upper",
    "trim",
    "length",
    "default",
    "join",
    "replace",
    "first",
    "last",
];

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        if let Some(env) = params
            .initialization_options
            .as_ref()
            .and_then(environment_of)
        {
            self.state.lock().await.environment = Some(env);
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "yarc".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::FULL,
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["{".into(), " ".into(), "|".into(), "'".into()]),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![RUN_COMMAND.into()],
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let env = environment_of(&params.settings);
        let docs: Vec<(PathBuf, i32)> = {
            let mut s = self.state.lock().await;
            s.environment = env;
            s.docs.iter().map(|(p, (_, v))| (p.clone(), *v)).collect()
        };
        for (path, version) in docs {
            self.schedule(path, version);
        }
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        let Some(path) = d.uri.to_file_path().map(|p| p.into_owned()) else {
            return;
        };
        self.state
            .lock()
            .await
            .docs
            .insert(path.clone(), (d.text, d.version));
        self.schedule(path, d.version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = params
            .text_document
            .uri
            .to_file_path()
            .map(|p| p.into_owned())
        else {
            return;
        };
        let Some(change) = params.content_changes.into_iter().last() else {
            return;
        };
        let version = params.text_document.version;
        self.state
            .lock()
            .await
            .docs
            .insert(path.clone(), (change.text, version));
        self.schedule(path, version);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        if let Some(path) = params
            .text_document
            .uri
            .to_file_path()
            .map(|p| p.into_owned())
        {
            let mut s = self.state.lock().await;
            s.docs.remove(&path);
            s.analyses.remove(&path);
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let Some((path, text, a)) = self.doc(&at.text_document.uri).await else {
            return Ok(None);
        };
        let items: Vec<CompletionItem> = match text::context(&text, pos(at.position)) {
            Context::Expression => expression_items(&a, at.position.line.saturating_add(1)),
            Context::Filter => FILTERS
                .iter()
                .map(|f| item(f, CompletionItemKind::FUNCTION, "filter".into()))
                .collect(),
            Context::SecretName => a
                .secret_names
                .iter()
                .map(|n| {
                    item(
                        n,
                        CompletionItemKind::CONSTANT,
                        "secret (value never shown)".into(),
                    )
                })
                .collect(),
            Context::Key(parents) if parents.ends_with(&["expect".into(), "json".into()]) => {
                // JSONPaths of what the request answered last time (its snapshot), if stored.
                let env = self.environment_for(&path).await;
                let line = at.position.line.saturating_add(1);
                let request = a.requests.iter().rfind(|r| r.at.line <= line);
                request
                    .map(|r| snapshot_paths(&path, env.as_deref(), &r.name))
                    .unwrap_or_else(|| vec!["$".to_string()])
                    .into_iter()
                    .map(|p| {
                        item(
                            &p,
                            CompletionItemKind::FIELD,
                            "in the stored snapshot".into(),
                        )
                    })
                    .collect()
            }
            Context::Key(parents) => {
                let env_file = path.components().any(|c| c.as_os_str() == "environments");
                text::keys_for(&parents, env_file)
                    .into_iter()
                    .map(|k| item(k, CompletionItemKind::PROPERTY, "key".into()))
                    .collect()
            }
            // `extends: ` in an environment file: the environments beside it.
            Context::Other if text::line(&text, at.position.line).starts_with("extends:") => {
                crate::load::environment_names(Some(&path))
                    .into_iter()
                    .filter(|e| path.file_stem().is_none_or(|s| s.to_string_lossy() != *e))
                    .map(|e| item(&e, CompletionItemKind::MODULE, "environment".into()))
                    .collect()
            }
            Context::Other => Vec::new(),
        };
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some((path, text, a)) = self.doc(&at.text_document.uri).await else {
            return Ok(None);
        };
        let p = pos(at.position);
        let md = |value: String| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: None,
        };
        // A request's first line: what it sends, as the dry run renders it.
        let here = |s: &crate::source::Span| {
            s.line == p.line.saturating_add(1)
                && absolute(&path, std::path::Path::new(s.path())) == path
        };
        if let Some(r) = a.requests.iter().find(|r| here(&r.at)) {
            return Ok(Some(md(format!(
                "**{}**\n\n`{} {}`",
                r.name, r.method, r.url
            ))));
        }
        let Some(word) = text::word_at(&text, p) else {
            return Ok(None);
        };
        if let Some(v) = a.vars.iter().find(|v| v.name == word) {
            let at = v
                .defined
                .as_ref()
                .map(|s| format!(" (`{s}`)"))
                .unwrap_or_default();
            return Ok(Some(md(format!(
                "`{}` = `{}`\n\nfrom {}{at}",
                v.name, v.value, v.source
            ))));
        }
        if let Some(c) = a.captures.iter().find(|c| c.name == word) {
            return Ok(Some(md(format!(
                "`{}`: captured by `{}` (`{}`)",
                c.name, c.by, c.at
            ))));
        }
        if let Some(doc) = predicate_doc(&word) {
            return Ok(Some(md(doc.to_string())));
        }
        Ok(None)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let Some((path, text, a)) = self.doc(&at.text_document.uri).await else {
            return Ok(None);
        };
        let Some(word) = text::word_at(&text, pos(at.position)) else {
            return Ok(None);
        };
        let span = a
            .vars
            .iter()
            .find(|v| v.name == word)
            .and_then(|v| v.defined.clone())
            .or_else(|| {
                a.captures
                    .iter()
                    .find(|c| c.name == word)
                    .map(|c| c.at.clone())
            });
        Ok(span
            .and_then(|s| location(&s, &path))
            .map(GotoDefinitionResponse::Scalar))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let Some((_, text, _)) = self.doc(&at.text_document.uri).await else {
            return Ok(None);
        };
        let Some(word) = text::word_at(&text, pos(at.position)) else {
            return Ok(None);
        };
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        let mut out = Vec::new();
        for (n, l) in text.lines().enumerate() {
            for (i, _) in l.match_indices(word.as_str()) {
                let before = l[..i].chars().next_back();
                let after = l[i + word.len()..].chars().next();
                let inside = l[..i].rfind("{{").is_some_and(|o| !l[o..i].contains("}}"));
                if before.is_some_and(is_word) || after.is_some_and(is_word) || !inside {
                    continue;
                }
                let start = text::utf16_col(l, l[..i].chars().count() as u32 + 1);
                let end = start + word.encode_utf16().count() as u32;
                out.push(Location::new(
                    at.text_document.uri.clone(),
                    Range::new(Position::new(n as u32, start), Position::new(n as u32, end)),
                ));
            }
        }
        Ok(Some(out))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some((path, text, a)) = self.doc(&params.text_document.uri).await else {
            return Ok(None);
        };
        // The collection, its groups and requests, as written in the editor's text.
        let texts = Arc::new(HashMap::from([(path.clone(), text.clone())]));
        let files = vec![path.clone()];
        let loaded =
            crate::load::with_unsaved(texts, async { crate::load::load_partial(&files, None).0 })
                .await;
        let Some(c) = loaded.collections.first() else {
            return Ok(Some(DocumentSymbolResponse::Nested(Vec::new())));
        };
        let children = symbols_of(&c.items, "", &a);
        let last = text.lines().count().saturating_sub(1) as u32;
        let whole = Range::new(Position::new(0, 0), Position::new(last, 0));
        Ok(Some(DocumentSymbolResponse::Nested(vec![symbol(
            c.name.clone(),
            None,
            SymbolKind::MODULE,
            whole,
            Range::new(Position::new(0, 0), Position::new(0, 0)),
            children,
        )])))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some((path, _, a)) = self.doc(&params.text_document.uri).await else {
            return Ok(None);
        };
        let env = self.state.lock().await.environment.clone();
        let lenses = a
            .requests
            .iter()
            .filter(|r| absolute(&path, std::path::Path::new(r.at.path())) == path)
            .map(|r| CodeLens {
                range: range_of(&r.at),
                command: Some(Command {
                    title: "▶ run this request".into(),
                    command: RUN_COMMAND.into(),
                    arguments: Some(vec![serde_json::json!({
                        "file": path.display().to_string(),
                        "name": r.name,
                        "environment": env,
                    })]),
                }),
                data: None,
            })
            .collect();
        Ok(Some(lenses))
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        if params.command != RUN_COMMAND {
            return Ok(None);
        }
        let Some(arg) = params.arguments.first() else {
            return Ok(None);
        };
        let summary = run_request(arg).await;
        self.client.show_message(MessageType::INFO, &summary).await;
        Ok(Some(serde_json::Value::String(summary)))
    }
}

/// Runs one request with this binary (`yarc run FILE --name NAME [--env ENV]`) and returns the
/// lines a user reads first: the verdict and the summary.
async fn run_request(arg: &serde_json::Value) -> String {
    let (Some(file), Some(name)) = (
        arg.get("file").and_then(|f| f.as_str()),
        arg.get("name").and_then(|n| n.as_str()),
    ) else {
        return "yarc.runRequest needs { file, name }".into();
    };
    let Ok(exe) = std::env::current_exe() else {
        return "cannot find the yarc binary".into();
    };
    let mut cmd = tokio::process::Command::new(exe);
    cmd.args([
        "run", file, "--name", name, "--color", "never", "--print", "none",
    ]);
    if let Some(env) = arg.get("environment").and_then(|e| e.as_str()) {
        cmd.args(["--env", env]);
    }
    match cmd.output().await {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.contains("PASS") || l.contains("FAIL") || l.contains("passed"))
                .collect();
            crate::untrusted::visible(&lines.join("\n")).into_owned()
        }
        Err(e) => format!("cannot run yarc: {e}"),
    }
}

#[allow(deprecated)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    }
}

/// Groups (holding their requests) and requests, with what each request sends when the last
/// plan knows it.
fn symbols_of(items: &[crate::model::Item], groups: &str, a: &Analysis) -> Vec<DocumentSymbol> {
    use crate::model::Item;
    items
        .iter()
        .map(|item| match item {
            Item::Request(r) => {
                let full = format!("{groups}{}", r.name);
                let sends = a.requests.iter().find(|x| x.name == full);
                let detail = sends.map_or_else(
                    || format!("{} {}", r.method, r.url.source),
                    |x| format!("{} {}", x.method, x.url),
                );
                let at = range_of(&r.span);
                symbol(
                    r.name.clone(),
                    Some(detail),
                    SymbolKind::FUNCTION,
                    at,
                    at,
                    Vec::new(),
                )
            }
            Item::Group(g) => {
                let children = symbols_of(&g.items, &format!("{groups}{} / ", g.name), a);
                let at = range_of(&g.span);
                let end = children
                    .iter()
                    .map(|c| c.range.end)
                    .max()
                    .unwrap_or(at.end)
                    .max(at.end);
                symbol(
                    g.name.clone(),
                    None,
                    SymbolKind::NAMESPACE,
                    Range::new(at.start, end),
                    at,
                    children,
                )
            }
        })
        .collect()
}

/// JSONPaths into the body a request's stored snapshot holds (`$`, `$.items`, `$.items[0].id`,
/// ...), at most four levels and 300 paths; the environment's snapshot, else the one recorded
/// without an environment.
fn snapshot_paths(collection: &std::path::Path, env: Option<&str>, request: &str) -> Vec<String> {
    let key = crate::snapshot::slug(request);
    let body = [env, None]
        .into_iter()
        .find_map(|e| {
            crate::snapshot::store::SnapshotDir::new(collection, e)
                .read(&key)
                .and_then(|r| r.ok())
        })
        .and_then(|t: String| crate::snapshot::from_yaml(&t).ok())
        .and_then(|s| match s.body {
            crate::snapshot::Body::Json(text) => serde_json::from_str(&text).ok(),
            _ => None,
        });
    let mut out = vec!["$".to_string()];
    if let Some(v) = body {
        walk_paths(&v, "$", 0, &mut out);
    }
    out
}

fn walk_paths(v: &serde_json::Value, at: &str, depth: usize, out: &mut Vec<String>) {
    if depth >= 4 || out.len() >= 300 {
        return;
    }
    let plain = |k: &str| {
        k.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = match plain(k) {
                    true => format!("{at}.{k}"),
                    false => format!("{at}['{}']", k.replace('\'', "\\'")),
                };
                out.push(p.clone());
                walk_paths(x, &p, depth + 1, out);
            }
        }
        serde_json::Value::Array(items) => {
            if let Some(first) = items.first() {
                let p = format!("{at}[0]");
                out.push(p.clone());
                walk_paths(first, &p, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// What a predicate checks, for hover.
fn predicate_doc(word: &str) -> Option<&'static str> {
    Some(match word {
        "equals" => "`equals: v` — equal as JSON (`1` equals `1.0`)",
        "exists" => "`exists: true|false` — the path selects something / nothing",
        "type" => "`type: t` — string, number, integer, boolean, array, object, null",
        "contains" => "`contains: v` — substring of a string, element of a list, key of an object",
        "matches" => "`matches: re` — the text matches the regular expression",
        "in" => "`in: [a, b]` — equals one of the values",
        "length" => {
            "`length: {...}` — the length of a string, list or object satisfies the predicates"
        }
        "each" => "`each: {...}` — every element of the list satisfies the predicates",
        "all" => "`all: [{...}]` — every map of predicates holds",
        "any" => {
            "`any: [{...}]` — one of the maps of predicates holds (missing or null: `any: [{ exists: false }, { equals: null }]`)"
        }
        "not" => "`not: {...}` — the predicates inside do not all hold",
        "lt" | "lte" | "gt" | "gte" => {
            "numeric comparison (text compares as numbers when both parse)"
        }
        "starts_with" | "ends_with" => "text prefix / suffix",
        _ => return None,
    })
}

/// A completion item: its label, kind and the line beside it.
fn item(label: &str, kind: CompletionItemKind, detail: String) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        ..CompletionItem::default()
    }
}

/// Inside `{{ }}` on `line`: the variables in force there (the request's own and its groups'
/// included), the captures, and yarc's functions.
fn expression_items(a: &Analysis, line: u32) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = a
        .vars
        .iter()
        .map(|v| {
            item(
                &v.name,
                CompletionItemKind::VARIABLE,
                format!("{} — {}", v.value, v.source),
            )
        })
        .collect();
    if let Some(r) = a.requests.iter().rfind(|r| r.at.line <= line) {
        for (name, value) in &r.scope {
            items.push(item(
                name,
                CompletionItemKind::VARIABLE,
                format!("{value} — variables of `{}` or its groups", r.name),
            ));
        }
    }
    for c in &a.captures {
        if !items.iter().any(|i| i.label == c.name) {
            items.push(item(
                &c.name,
                CompletionItemKind::VARIABLE,
                format!("captured by `{}`", c.by),
            ));
        }
    }
    items.extend(
        crate::template::FUNCTIONS
            .iter()
            .map(|f| item(f, CompletionItemKind::FUNCTION, "yarc function".into())),
    );
    items
}
