//! The file-system edge of loading: expanding folders into collection files, finding the
//! environment file, reading text. Decoding is `parse`'s job.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Collection, Environment};
use crate::parse;
use crate::source::{SourceFile, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Folders that hold other things than collections.
const SKIPPED_DIRS: &[&str] = &[
    "environments",
    "__snapshots__",
    "data",
    "schemas",
    "node_modules",
];

pub struct Loaded {
    pub collections: Vec<Collection>,
    pub environment: Option<Environment>,
    /// Collections decoded with errors (their faulty parts left out), as their messages name them.
    pub partial: Vec<String>,
}

/// Loads every collection named (folders expanded in name order) and the environment.
pub fn load(paths: &[PathBuf], env: Option<&str>) -> Result<Loaded, Diagnostics> {
    let (loaded, errors) = load_partial(paths, env);
    match errors.is_empty() {
        true => Ok(loaded),
        false => Err(errors),
    }
}

/// Loads what can be loaded and every error: a collection with errors is kept with its faulty
/// parts left out (in `partial`), so planning can still find the problems of the rest.
pub fn load_partial(paths: &[PathBuf], env: Option<&str>) -> (Loaded, Diagnostics) {
    let mut errors = Diagnostics::default();
    let mut files = Vec::new();
    for p in paths {
        match collection_files(p) {
            Ok(mut found) => files.append(&mut found),
            Err(d) => errors.push(d),
        }
    }
    if files.is_empty() && errors.is_empty() {
        errors.push(
            Diagnostic::new("no collection files found")
                .with_help("name a .yaml collection or a folder that holds some"),
        );
    }
    let mut collections = Vec::new();
    let mut partial = Vec::new();
    for path in &files {
        let file = match read(path) {
            Ok(f) => f,
            Err(mut e) => {
                errors.0.append(&mut e);
                continue;
            }
        };
        let (c, mut e) = parse::parse_collection_partial(&file, path);
        if !e.is_empty() {
            partial.push(file.path.clone());
            errors.0.append(&mut e.0);
        }
        collections.extend(c);
    }
    let environment = match env {
        None => None,
        // Beside the first collection found (`yarc run . --env x` finds collections/environments).
        Some(name) => {
            match find_environment(name, files.first().or(paths.first()).map(PathBuf::as_path)) {
                Ok(path) => match load_environment(&path, &mut Vec::new()) {
                    Ok(e) => Some(e),
                    Err(mut e) => {
                        errors.0.append(&mut e);
                        None
                    }
                },
                Err(d) => {
                    errors.push(d);
                    None
                }
            }
        }
    };
    let loaded = Loaded {
        collections,
        environment,
        partial,
    };
    (loaded, errors)
}

/// Input files (collections, environments, data, variables, schemas, imports) larger than this
/// are refused before they are read whole; `YARC_MAX_FILE_SIZE` (e.g. `64MiB`) changes it.
pub const MAX_FILE_SIZE: u64 = 16 << 20;

/// The limit in force: `YARC_MAX_FILE_SIZE`, or [`MAX_FILE_SIZE`].
pub fn max_file_size() -> u64 {
    std::env::var("YARC_MAX_FILE_SIZE")
        .ok()
        .and_then(|v| crate::http::parse_size(&v).ok())
        .map_or(MAX_FILE_SIZE, |n| n as u64)
}

tokio::task_local! {
    /// Texts an editor holds unsaved, by path: read instead of the files on disk.
    static UNSAVED: Arc<std::collections::HashMap<PathBuf, String>>;
}

/// Runs `f` with these texts standing in for the files at their paths (a language server's
/// unsaved buffers), so what is planned is what the user sees, not what was last saved.
pub async fn with_unsaved<F: std::future::Future>(
    texts: Arc<std::collections::HashMap<PathBuf, String>>,
    f: F,
) -> F::Output {
    UNSAVED.scope(texts, f).await
}

fn unsaved(path: &Path) -> Option<String> {
    UNSAVED
        .try_with(|texts| texts.get(path).cloned())
        .ok()
        .flatten()
}

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "`{path}` is larger than {limit} (the limit for input files; set YARC_MAX_FILE_SIZE, e.g. 64MiB, to raise it)"
    )]
    TooBig { path: String, limit: String },
    #[error("`{path}` is not UTF-8 text")]
    NotText { path: String },
}

/// Reads a whole input file, refusing one above [`max_file_size`] without reading past the
/// limit (a device or a growing file included).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let shown = || path.to_string_lossy().into_owned();
    let limit = max_file_size();
    if let Some(text) = unsaved(path).filter(|t| t.len() as u64 <= limit) {
        return Ok(text.into_bytes());
    }
    let too_big = || ReadError::TooBig {
        path: shown(),
        limit: crate::http::show_size(limit),
    };
    let io = |source| ReadError::Io {
        path: shown(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().is_ok_and(|m| m.len() > limit) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotText {
        path: path.display().to_string(),
    })
}

/// Reads an environment file and, through `extends:`, the ones it builds on: their variables
/// come first (this file's win), their `tls:` and `sandbox:` settings where this one has none.
fn load_environment(path: &Path, chain: &mut Vec<PathBuf>) -> Result<Environment, Vec<Diagnostic>> {
    let file = read(path)?;
    let mut env = parse::parse_environment(&file, path).map_err(|e| e.0)?;
    let Some((base_name, span)) = env.extends.take() else {
        return Ok(env);
    };
    chain.push(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()));
    let dir = path.parent().unwrap_or(Path::new(""));
    let Some(base_path) = extended(dir, &base_name) else {
        return Err(vec![
            Diagnostic::at(
                format!(
                    "`extends: {base_name}`: there is no environment `{base_name}` beside this one"
                ),
                &span,
            )
            .with_help(format!(
                "looked for {base_name}.yaml and {base_name}.yml in `{}`",
                display(dir)
            )),
        ]);
    };
    let canonical = base_path
        .canonicalize()
        .unwrap_or_else(|_| base_path.clone());
    if let Some(at) = chain.iter().position(|p| *p == canonical) {
        let mut names: Vec<String> = chain[at..]
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        names.push(names.first().cloned().unwrap_or_default());
        return Err(vec![Diagnostic::at(
            format!(
                "environments extend each other in a cycle: {}",
                names.join(" → ")
            ),
            &span,
        )]);
    }
    let base = load_environment(&base_path, chain)?;
    let mut variables = base.variables;
    variables.append(&mut env.variables);
    env.variables = variables;
    env.sandbox = env.sandbox.or(base.sandbox);
    // Beside each other: the base's document path reads the same from here.
    env.openapi = env.openapi.or(base.openapi);
    env.tls.ca_cert = env.tls.ca_cert.or(base.tls.ca_cert);
    if env.tls.client_cert.is_none() {
        env.tls.client_cert = base.tls.client_cert;
        env.tls.client_key = base.tls.client_key;
    }
    env.tls.insecure |= base.tls.insecure;
    Ok(env)
}

/// The file `extends: NAME` means: NAME.yaml (or .yml) beside the file, or a path.
fn extended(dir: &Path, name: &str) -> Option<PathBuf> {
    if is_yaml(Path::new(name)) || name.contains('/') {
        let p = dir.join(name);
        return p.is_file().then_some(p);
    }
    ["yaml", "yml"]
        .iter()
        .map(|ext| dir.join(format!("{name}.{ext}")))
        .find(|p| p.is_file())
}

/// Reads a file as text; a missing, too large or non-UTF-8 file is a located error.
pub fn read(path: &Path) -> Result<Arc<SourceFile>, Vec<Diagnostic>> {
    let shown = path.to_string_lossy().into_owned();
    let bytes = read_bytes(path).map_err(|e| vec![Diagnostic::new(e.to_string())])?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(shown, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let before = String::from_utf8_lossy(&bytes[..at]).into_owned();
            let line = before.matches('\n').count() as u32 + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            let file = SourceFile::new(shown.clone(), String::from_utf8_lossy(&bytes).into_owned());
            Err(vec![
                Diagnostic::at(
                    format!(
                        "`{shown}` is not UTF-8 text (invalid byte 0x{:02x})",
                        bytes[at]
                    ),
                    &Span::new(&file, line, col, 1),
                )
                .with_help("save the file as UTF-8"),
            ])
        }
    }
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// A file as given, or every YAML file below a folder in name order.
pub fn collection_files(p: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    // An editor's buffer not saved yet is a file too.
    if unsaved(p).is_some() {
        return Ok(vec![p.to_path_buf()]);
    }
    let meta = std::fs::metadata(p)
        .map_err(|e| Diagnostic::new(format!("cannot read `{}`: {e}", p.display())))?;
    if meta.is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut out = Vec::new();
    walk(p, &mut out);
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let skip = |name: &str| name.starts_with('.') || SKIPPED_DIRS.contains(&name);
    walk_tree(dir, &skip, &mut |path| {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if is_yaml(path) && !hidden {
            out.push(path.to_path_buf());
        }
    });
}

/// Every file below `root` in name order (a folder's files where its name sorts), each folder
/// once: a symbolic link back up the tree (a loop) or out of it is not followed, so a walk ends
/// and stays below its root. `skip_dir` names folders not to enter.
pub fn walk_tree(root: &Path, skip_dir: &dyn Fn(&str) -> bool, on_file: &mut dyn FnMut(&Path)) {
    let Ok(top) = root.canonicalize() else {
        return;
    };
    let mut seen = std::collections::HashSet::new();
    walk_below(root, &top, &mut seen, skip_dir, on_file);
}

fn walk_below(
    dir: &Path,
    top: &Path,
    seen: &mut std::collections::HashSet<PathBuf>,
    skip_dir: &dyn Fn(&str) -> bool,
    on_file: &mut dyn FnMut(&Path),
) {
    let Ok(real) = dir.canonicalize() else {
        return;
    };
    if !real.starts_with(top) || !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !path.is_dir() {
            on_file(&path);
        } else if !skip_dir(name) {
            walk_below(&path, top, seen, skip_dir, on_file);
        }
    }
}

/// `--env NAME` looks for `environments/NAME.yaml` beside the first collection and in each
/// parent folder up to the working directory; `--env FILE` takes the path.
pub fn find_environment(name: &str, first: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    let as_path = Path::new(name);
    if is_yaml(as_path) || name.contains('/') {
        if as_path.is_file() {
            return Ok(as_path.to_path_buf());
        }
        return Err(Diagnostic::new(format!(
            "environment file `{name}` does not exist"
        )));
    }
    let mut looked = Vec::new();
    for d in environment_dirs(first) {
        for ext in ["yaml", "yml"] {
            let candidate = d.join(format!("{name}.{ext}"));
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
        looked.push(d);
    }
    let known: Vec<String> = looked
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|it| it.flatten())
        .filter_map(|e| {
            let p = e.path();
            if is_yaml(&p) {
                p.file_stem().map(|s| s.to_string_lossy().into_owned())
            } else {
                None
            }
        })
        .collect();
    let looked: Vec<String> = looked.iter().map(|p| format!("{}/", display(p))).collect();
    let mut d = Diagnostic::new(format!(
        "environment `{name}` not found (looked in {})",
        looked.join(", ")
    ));
    if let Some(best) = crate::diagnostic::did_you_mean(name, known.iter().map(String::as_str)) {
        d = d.with_help(format!("did you mean `{best}`?"));
    } else if !known.is_empty() {
        d = d.with_help(format!("known environments: {}", known.join(", ")));
    }
    Err(d)
}

/// The `environments/` folders `--env NAME` looks in, nearest first: beside the first
/// collection file (inside the folder, if a folder is given), then in each parent up to the
/// working directory.
fn environment_dirs(first: Option<&Path>) -> Vec<PathBuf> {
    let start = match first {
        Some(p) if p.is_dir() => p.to_path_buf(),
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => PathBuf::from("."),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = Vec::new();
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        out.push(d.join("environments"));
        let abs = if d.as_os_str().is_empty() {
            cwd.clone()
        } else {
            d.canonicalize().unwrap_or_default()
        };
        if abs == cwd || d.as_os_str().is_empty() {
            break;
        }
        dir = d.parent();
    }
    out
}

/// The environments `--env NAME` could name for these collections: the files of the nearest
/// `environments/` folder, by name.
pub fn environment_names(first: Option<&Path>) -> Vec<String> {
    for dir in environment_dirs(first) {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_yaml(p) && p.is_file())
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect();
            names.sort();
            names.dedup();
            return names;
        }
    }
    Vec::new()
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy().into_owned();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The folder whose changes matter for an input path: a folder itself, a file's own folder
/// (`.` for a bare file name). `--watch` and `yarc ui` watch these.
pub fn input_folder(p: &Path) -> PathBuf {
    let dir = if p.is_dir() {
        p.to_path_buf()
    } else {
        p.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    }
}

/// A change that can alter what yarc reads: a YAML, JSON, CSV or `.env` file that yarc did not
/// write itself (snapshots, its temporary files, the `written` report files).
pub fn is_input_change(path: &Path, written: &[PathBuf]) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let ours = path.components().any(|c| c.as_os_str() == "__snapshots__")
        || name.ends_with(".yarc-tmp")
        || std::path::absolute(path).is_ok_and(|p| written.contains(&p));
    let kind = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json" | "csv")
    ) || name == ".env";
    kind && !ours
}
