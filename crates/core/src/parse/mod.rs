//! YAML text → model. Owns every "what did the user write" check that needs no variables:
//! unknown keys, wrong types, bad durations and regexes, duplicate names. No I/O here: the
//! caller passes loaded files.

mod collection;
mod expect;
mod fields;
pub mod keys;
pub mod node;

use crate::diagnostic::Diagnostics;
use crate::model::{Collection, Environment, SandboxSettings};
use crate::source::SourceFile;
use fields::Decoder;
use node::parse_yaml;
use std::path::Path;
use std::sync::Arc;

pub use expect::PREDICATES;

/// Decodes one collection file.
pub fn parse_collection(file: &Arc<SourceFile>, path: &Path) -> Result<Collection, Diagnostics> {
    match parse_collection_partial(file, path) {
        (Some(c), errors) if errors.is_empty() => Ok(c),
        (_, errors) => Err(errors),
    }
}

/// The collection with what could be decoded (a part with an error left out), and the errors:
/// planning what is there finds the problems of the rest in the same pass.
pub fn parse_collection_partial(
    file: &Arc<SourceFile>,
    path: &Path,
) -> (Option<Collection>, Diagnostics) {
    let root = match parse_yaml(file) {
        Ok(root) => root,
        Err(d) => return (None, d.into()),
    };
    let mut d = Decoder::default();
    let default_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let collection = d.collection(root, &default_name).map(|p| Collection {
        file: Arc::clone(file),
        path: path.to_path_buf(),
        name: p.name,
        tags: p.tags,
        variables: p.variables,
        auth: p.auth,
        defaults: p.defaults,
        items: p.items,
        cookie_jar: p.cookie_jar,
        openapi: p.openapi,
        contract: p.contract,
    });
    (collection, d.errors)
}

use keys::{ENVIRONMENT as ENV_KEYS, SANDBOX, TLS as TLS_KEYS};

/// Decodes one environment file.
pub fn parse_environment(file: &Arc<SourceFile>, path: &Path) -> Result<Environment, Diagnostics> {
    let root = parse_yaml(file)?;
    let mut d = Decoder::default();
    let Some(f) = d.fields(&root, "the environment file", ENV_KEYS) else {
        return Err(d.errors);
    };
    let name = match f.get("name") {
        Some(n) => d.string(n, "`name`").unwrap_or_default(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let variables = f
        .get("variables")
        .map(|n| d.variables(n))
        .unwrap_or_default();
    let extends = f
        .get("extends")
        .and_then(|n| d.string(n, "`extends`").map(|s| (s, n.span.clone())));
    let sandbox = match f.get("sandbox") {
        None => None,
        Some(n) if matches!(n.kind, node::NodeKind::Bool(_)) => d
            .bool(n, "`sandbox`")
            .unwrap_or(false)
            .then(SandboxSettings::default),
        Some(n) => d.fields(n, "`sandbox`", SANDBOX).map(|s| SandboxSettings {
            token_lifetime: s
                .get("token_lifetime")
                .and_then(|t| d.duration(t, "`token_lifetime`"))
                .map(|t| t.as_secs().max(1)),
        }),
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut tls = crate::model::TlsSettings::default();
    if let Some(n) = f.get("tls")
        && let Some(t) = d.fields(n, "`tls`", TLS_KEYS)
    {
        let mut path_of = |key: &str| {
            let v = t.get(key)?;
            let full = dir.join(d.string(v, &format!("`{key}`"))?);
            if !full.is_file() {
                d.error(
                    v.error(format!(
                        "`tls.{key}`: the file `{}` does not exist",
                        full.display()
                    ))
                    .with_help("paths are relative to the environment file's folder"),
                );
            }
            Some(full)
        };
        tls.ca_cert = path_of("ca_cert");
        tls.client_cert = path_of("client_cert");
        tls.client_key = path_of("client_key");
        tls.insecure = t
            .get("insecure")
            .and_then(|v| d.bool(v, "`insecure`"))
            .unwrap_or(false);
        if tls.client_cert.is_some() != tls.client_key.is_some() {
            d.error(n.error("`tls` needs both `client_cert` and `client_key`, or neither"));
        }
    }
    let openapi = f.get("openapi").and_then(|n| d.openapi(n));
    if !d.errors.is_empty() {
        return Err(d.errors);
    }
    Ok(Environment {
        extends,
        openapi,
        tls,
        name,
        file: Arc::clone(file),
        path: path.to_path_buf(),
        variables,
        sandbox,
    })
}

/// An `expect` block from YAML text (unit tests and fuzzing of the evaluator).
pub fn expect_from_yaml(text: &str) -> Result<crate::model::Expect, Diagnostics> {
    let file = SourceFile::new("t.yaml", text);
    let root = parse_yaml(&file)?;
    let mut d = Decoder::default();
    let e = d.expect(&root, "`expect`");
    if d.errors.is_empty() {
        Ok(e)
    } else {
        Err(d.errors)
    }
}
