//! The layers, checked. The compiler keeps the engine (`crates/core`, the `yarc-core` crate)
//! from naming the front ends (this crate): here, that the engine depends on no command-line,
//! terminal or server crate, and that within each crate no two top-level modules need each
//! other (`crate::x`, read from the source; the engine's modules keep their names in the front
//! end, so one graph covers both).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code names (tests left out), over both crates.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = super::project_root();
    let mut out = BTreeMap::new();
    for src in [root.join("src"), root.join("crates/core/src")] {
        graph_of(
            &src,
            &[root.join("src"), root.join("crates/core/src")],
            &mut out,
        );
    }
    out
}

fn graph_of(src: &Path, all: &[std::path::PathBuf], out: &mut BTreeMap<String, BTreeSet<String>>) {
    for path in rust_files(src) {
        let module = top_module(src, &path);
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        // Unit tests may reach anywhere; the layers are about the shipped code.
        let shipped = text.split("#[cfg(test)]").next().unwrap_or("");
        let names = out.entry(module.clone()).or_default();
        for (i, _) in shipped.match_indices("crate::") {
            let rest = &shipped[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != module && all.iter().any(|s| is_module(s, &name)) {
                names.insert(name);
            }
        }
    }
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("below src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

fn is_module(src: &Path, name: &str) -> bool {
    src.join(format!("{name}.rs")).exists() || src.join(name).join("mod.rs").exists()
}

/// A cycle through `start`, if there is one: the modules on it, in order.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in g.get(&at).into_iter().flatten() {
            if next == start {
                return Some(path.clone());
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_two_modules_need_each_other() {
    let g = graph();
    assert!(g.len() > 20, "the source was not read: {g:?}");
    let cycles: Vec<String> = g
        .keys()
        .filter_map(|m| cycle(&g, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(
        cycles.is_empty(),
        "modules that need each other:\n{}",
        cycles.join("\n")
    );
}

/// The engine needs no command-line parser, terminal, file watcher or HTTP server: those are
/// the front ends' (it cannot name the front-end crate at all: it does not depend on it).
#[test]
fn the_engine_depends_on_no_front_end_crate() {
    let manifest = std::fs::read_to_string(super::project_root().join("crates/core/Cargo.toml"))
        .expect("core");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("a [dependencies] table");
    for front in [
        "clap",
        "axum",
        "indicatif",
        "notify",
        "owo-colors",
        "yarc =",
    ] {
        assert!(
            !deps.lines().any(|l| l.starts_with(front)),
            "the engine depends on `{front}`"
        );
    }
    let g = graph();
    // The workbench is started by a command; it never calls one.
    assert!(
        !g["ui"].contains("commands") && !g["ui"].contains("cli"),
        "{:?}",
        g["ui"]
    );
}

/// The front-end library shows only its `api` module: every top-level module is `pub(crate)`, so
/// the dead-code lint sees an item nothing uses, and `unreachable_pub` keeps `pub` honest inside.
#[test]
fn the_library_surface_is_its_api_module_only() {
    let root = super::project_root();
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("lib.rs");
    let public: Vec<&str> = lib
        .lines()
        .filter(|l| {
            (l.starts_with("pub mod ") || l.starts_with("pub use ")) && *l != "pub mod api {"
        })
        .collect();
    assert!(public.is_empty(), "public modules beside `api`: {public:?}");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    for lint in ["unsafe_code = \"forbid\"", "unreachable_pub = \"warn\""] {
        assert!(
            manifest.contains(lint),
            "Cargo.toml's [lints.rust] lacks {lint}"
        );
    }
}

/// The engine's errors are types a front end can match on, never bare text: no
/// `Result<_, String>` in `crates/core` (a front end turns an error into words once).
#[test]
fn the_engine_returns_no_text_as_an_error() {
    let mut found = Vec::new();
    for path in rust_files(&super::project_root().join("crates/core/src")) {
        let text = std::fs::read_to_string(&path).expect("read");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("Result<") && code.contains(", String>") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "text as an error:\n{}", found.join("\n"));
}
