//! `yarc init [DIR]`: a working layout to start from — one example collection, the sandbox,
//! stage and prod environments (Visma Connect's token URLs, the tenant_id parameter, secrets as
//! `secret()` references), `.env.example`, a `.gitignore` that lists `.env`, the editors' JSON
//! Schemas and a CI job. `yarc run collections --env sandbox` passes at once. Nothing that
//! exists is ever overwritten.

use super::CommandError;
use crate::outcome::Exit;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The folder to start in (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Which CI job to write: github (.github/workflows/api-tests.yml) or gitlab (.gitlab-ci.yml).
    #[arg(long, value_enum, default_value = "github")]
    pub ci: Ci,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    Github,
    Gitlab,
}

/// Every file `init` writes, by path inside the folder.
fn files(ci: Ci) -> Vec<(&'static str, String)> {
    use crate::schema::{Kind, json};
    let mut out = vec![
        (
            "collections/example.yaml",
            include_str!("init/example.yaml").to_string(),
        ),
        (
            "collections/environments/sandbox.yaml",
            include_str!("init/sandbox.yaml").to_string(),
        ),
        (
            "collections/environments/stage.yaml",
            include_str!("init/stage.yaml").to_string(),
        ),
        (
            "collections/environments/prod.yaml",
            include_str!("init/prod.yaml").to_string(),
        ),
        (".env.example", include_str!("init/env.example").to_string()),
        (".gitignore", include_str!("init/gitignore").to_string()),
        (".yarc/collection.schema.json", json(Kind::Collection)),
        (".yarc/environment.schema.json", json(Kind::Environment)),
    ];
    out.push(match ci {
        Ci::Github => (
            ".github/workflows/api-tests.yml",
            include_str!("init/github.yml").replace("{version}", env!("CARGO_PKG_VERSION")),
        ),
        Ci::Gitlab => (
            ".gitlab-ci.yml",
            include_str!("init/gitlab.yml").replace("{version}", env!("CARGO_PKG_VERSION")),
        ),
    });
    out
}

pub(crate) fn execute(a: InitArgs) -> super::Outcome {
    let files = files(a.ci);
    let existing: Vec<String> = files
        .iter()
        .map(|(rel, _)| a.dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(CommandError::stopped(
            format!(
                "`yarc init` writes nothing over what exists, and these are there: {}\n  = help: run it in an empty folder, or name one: `yarc init api-tests`",
                existing.join(", ")
            ),
            Exit::Invalid,
        ));
    }
    for (rel, text) in &files {
        write(&a.dir, rel, text).map_err(|e| CommandError::stopped(e, Exit::Incomplete))?;
        crate::outln!("wrote {}", a.dir.join(rel).display());
    }
    let cd = if a.dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", a.dir.display())
    };
    crate::outln!("next: {cd}yarc run collections --env sandbox");
    Ok(Exit::Ok)
}

fn write(dir: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = dir.join(rel);
    crate::files::write_atomic(&path, text)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
