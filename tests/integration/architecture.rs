//! The layers, checked: which top-level module of `src/` names which (`crate::x`), read from
//! the source. The graph has no cycle (no two modules that need each other), and the front ends
//! (`cli`, `commands`, `ui`) are named by front ends only — the engine knows nothing of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code names (tests left out).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = super::project_root().join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let module = top_module(&src, &path);
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
                if !name.is_empty() && name != module && is_module(&src, &name) {
                    names.insert(name);
                }
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

#[test]
fn the_engine_never_names_a_front_end() {
    let g = graph();
    let front = ["cli", "commands", "ui"];
    let wrong: Vec<String> = g
        .iter()
        .filter(|(m, _)| !front.contains(&m.as_str()))
        .flat_map(|(m, names)| {
            names
                .iter()
                .filter(|n| front.contains(&n.as_str()))
                .map(move |n| format!("{m} names {n}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The workbench is started by a command; it never calls one.
    assert!(
        !g["ui"].contains("commands") && !g["ui"].contains("cli"),
        "{:?}",
        g["ui"]
    );
}

/// The library shows only its `api` module: every top-level module is `pub(crate)`, so the
/// dead-code lint sees an item nothing uses, and `unreachable_pub` keeps `pub` honest inside.
#[test]
fn the_library_surface_is_its_api_module_only() {
    let root = super::project_root();
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("lib.rs");
    let public: Vec<&str> = lib
        .lines()
        .filter(|l| l.starts_with("pub mod ") && *l != "pub mod api {")
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
