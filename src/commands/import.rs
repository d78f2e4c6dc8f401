//! `yarc import postman|openapi`: reads another tool's files, converts them with
//! `crate::import`, writes the collection (and environments), and prints what needs a human look.

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// A Postman collection (v2.1 or v2.0) and its environments.
    Postman {
        /// The exported collection (.json).
        collection: PathBuf,
        /// An exported Postman environment (.json); may be given several times.
        #[arg(long = "environment", value_name = "ENV.json")]
        environments: Vec<PathBuf>,
        /// The folder to write the collection and environments/ into.
        #[arg(long, short = 'o')]
        output: PathBuf,
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
    },
}

use crate::import::{openapi, postman};
use crate::outcome::Exit;
use clap::Subcommand;
use std::path::Path;
use std::path::PathBuf;

/// `yarc import ...`: reads, converts, writes, and prints what needs a human look.
pub fn execute(cmd: ImportCommand) -> i32 {
    match cmd {
        ImportCommand::Postman {
            collection,
            environments,
            output,
        } => postman_files(&collection, &environments, &output),
        ImportCommand::Openapi {
            spec,
            output,
            schemas,
        } => openapi_files(&spec, &output, schemas),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = crate::load::read_text(path)?;
    serde_json::from_str(&text).map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))
}

fn fail(message: &str) -> i32 {
    eprintln!("error: {message}");
    Exit::Invalid.code()
}

fn write(dir: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = dir.join(rel);
    crate::report::write_atomic(&path, text)
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

fn postman_files(collection: &Path, environments: &[std::path::PathBuf], out: &Path) -> i32 {
    let c = match read_json(collection) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut envs = Vec::new();
    for e in environments {
        match read_json(e) {
            Ok(v) => envs.push(v),
            Err(e) => return fail(&e),
        }
    }
    let imported = match postman::import(&c, &envs) {
        Ok(i) => i,
        Err(e) => return fail(&e),
    };
    for (rel, text) in &imported.files {
        if let Err(e) = write(out, rel, text) {
            return fail(&e);
        }
    }
    if let Err(e) = write_schemas(out) {
        return fail(&e);
    }
    let r = &imported.report;
    let mut s = format!(
        "imported {} requests in {} groups into {}\n",
        r.requests,
        r.groups,
        out.join(&imported.collection_file).display()
    );
    s.push_str(&format!(
        "  from test scripts: {} assertions, {} captures\n",
        r.assertions, r.captures
    ));
    for a in &r.auth {
        s.push_str(&format!("  auth: {a}\n"));
    }
    for (name, file) in &imported.environments {
        s.push_str(&format!(
            "  environment `{name}` → {}\n",
            out.join(file).display()
        ));
    }
    let mut look = Vec::new();
    if r.kept_lines > 0 {
        look.push(format!(
            "{} script lines were kept as comments (search for \"postman\")",
            r.kept_lines
        ));
    }
    if !r.secrets.is_empty() {
        look.push(format!(
            "secrets were not copied: set {} in the environment or a .env file",
            r.secrets.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    for d in &r.unknown_dynamic {
        look.push(format!(
            "Postman's dynamic variable {{{{{d}}}}} has no yarc equivalent: it was kept as text"
        ));
    }
    look.extend(r.notes.iter().cloned());
    if look.is_empty() {
        s.push_str("nothing needs a human look\n");
    } else {
        s.push_str("needs a human look:\n");
        for l in look {
            s.push_str(&format!("  - {l}\n"));
        }
    }
    s.push_str(&format!("next: yarc check {}\n", out.display()));
    print!("{s}");
    Exit::Ok.code()
}

fn openapi_files(spec: &Path, out: &Path, with_schemas: bool) -> i32 {
    let text = match crate::load::read_text(spec) {
        Ok(t) => t,
        Err(e) => return fail(&e),
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
        "imported {} operations in {} groups into {}\n",
        r.operations,
        r.groups,
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
    print!("{s}");
    Exit::Ok.code()
}
