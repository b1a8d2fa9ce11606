//! The dependency rule of ARCHITECTURE.md, checked on the source: each layer imports only the
//! layers below it (`main → startup → routes → web → error → services → db → domain`), routes
//! never import another route module, and the pure layers name no web or database crate.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src_dir())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without its comments (so a doc comment naming a module is no import).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level crate modules a file names (`crate::web::…` → `web`), and the external crates
/// it imports among `watched`.
fn references(text: &str) -> Vec<String> {
    let code = code(text);
    let mut found: Vec<String> = code
        .match_indices("crate::")
        .map(|(i, _)| {
            code[i + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|m| !m.is_empty())
        .collect();
    for external in ["actix_web", "actix_session", "diesel", "askama"] {
        if code.contains(&format!("{external}::")) {
            found.push(external.to_owned());
        }
    }
    found.sort();
    found.dedup();
    found
}

/// What a layer may not name.
fn forbidden(layer: &str) -> &'static [&'static str] {
    match layer {
        "domain" => &[
            "config",
            "db",
            "error",
            "routes",
            "seed",
            "services",
            "startup",
            "web",
            "actix_web",
            "actix_session",
            "diesel",
            "askama",
        ],
        "db" => &[
            "error",
            "routes",
            "seed",
            "services",
            "startup",
            "web",
            "actix_web",
            "askama",
        ],
        "services" => &[
            "error",
            "routes",
            "startup",
            "web",
            "actix_web",
            "actix_session",
            "askama",
        ],
        "error" => &["routes", "services", "startup", "web", "db"],
        "web" => &["routes", "startup", "seed"],
        "routes" => &["startup", "seed"],
        _ => &[],
    }
}

fn violations() -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in sources(&src_dir()) {
        let layer = path
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        let refs = references(&text);
        for bad in forbidden(&layer) {
            if refs.iter().any(|r| r == bad) {
                out.push(format!("{path} ({layer}) names {bad}"));
            }
        }
        // A route file reaches its own folder through `super::`, never another route module.
        if layer == "routes" && path != "routes/mod.rs" && code(&text).contains("crate::routes") {
            out.push(format!("{path} imports another route module"));
        }
    }
    out
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let found = violations();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_check_reads_every_layer_and_sees_real_imports() {
    let files = sources(&src_dir());
    for layer in ["domain/", "db/", "services/", "web/", "routes/"] {
        assert!(
            files.iter().filter(|(p, _)| p.starts_with(layer)).count() >= 3,
            "{layer}"
        );
    }
    // The scanner finds what it must refuse, and ignores what is only a comment.
    assert_eq!(
        references("use crate::web::AppState;\nuse diesel::prelude::*;"),
        ["diesel", "web"]
    );
    assert!(references("//! See `crate::services::annexes`.").is_empty());
    // Services do use the database and the domain (so the check is not vacuous).
    let services: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.starts_with("services/"))
        .flat_map(|(_, t)| references(t))
        .collect();
    assert!(services.iter().any(|r| r == "db") && services.iter().any(|r| r == "domain"));
}
