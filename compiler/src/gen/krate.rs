//! A ready-to-build crate around generated services (`charter generate rust --out DIR`):
//! `Cargo.toml` (the only dependency is `charter-runtime`, which re-exports serde, serde_json,
//! uuid, chrono, rust_decimal and tokio; the default feature `rustls` turns on HTTPS in the
//! client), `src/lib.rs` with one module per service and the re-exports of `charter_runtime` and
//! `serde_json` (so that crates using the generated one need no other dependency), and
//! `src/<module>.rs` per service.

use super::{Generated, GeneratedFile, HEADER};
use std::path::{Component, Path, PathBuf};

/// How the generated crate depends on `charter-runtime`.
#[derive(Clone, Debug)]
pub enum RuntimeDep {
    /// A version requirement from a registry (charter-runtime is not published on crates.io yet:
    /// only for a registry that carries it).
    Version(String),
    /// A path to the `runtime/` directory of a Charter checkout, as written in Cargo.toml
    /// (relative paths are relative to the generated crate).
    Path(String),
}

/// The `runtime/` directory of the Charter checkout that contains `dir`, if any: the first
/// ancestor with a `runtime/Cargo.toml` declaring the package `charter-runtime`.
pub fn find_runtime(dir: &Path) -> Option<PathBuf> {
    let start = absolute(dir);
    start.ancestors().find_map(|a| {
        let manifest = a.join("runtime/Cargo.toml");
        let text = std::fs::read_to_string(&manifest).ok()?;
        let value: toml::Value = toml::from_str(&text).ok()?;
        let name = value.get("package")?.get("name")?.as_str()?;
        (name == "charter-runtime").then(|| a.join("runtime"))
    })
}

/// `target` written relative to `from` (both made absolute first; `..` and `.` resolved
/// lexically), e.g. `../../runtime`. Falls back to the absolute path when they share no prefix.
pub fn relative_path(from: &Path, target: &Path) -> String {
    let (from, target) = (absolute(from), absolute(target));
    let (f, t): (Vec<_>, Vec<_>) = (from.components().collect(), target.components().collect());
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target.display().to_string();
    }
    let mut rel = PathBuf::new();
    for _ in common..f.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c.as_os_str());
    }
    if rel.as_os_str().is_empty() {
        rel.push(".");
    }
    // Cargo.toml paths use `/` on every platform.
    rel.to_string_lossy().replace('\\', "/")
}

/// An absolute, lexically normalised path (the directory need not exist yet).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// The files of a crate named `name` holding `generated`, paths relative to the crate root.
pub fn krate(generated: &Generated, name: &str, runtime: &RuntimeDep) -> Vec<GeneratedFile> {
    let dep = match runtime {
        RuntimeDep::Version(v) => toml::Value::String(v.clone()),
        RuntimeDep::Path(p) => {
            let mut t = toml::map::Map::new();
            t.insert("path".into(), toml::Value::String(p.clone()));
            toml::Value::Table(t)
        }
    };
    // The runtime's default features minus TLS, which the crate's own default feature `rustls`
    // turns on: `default-features = false` on the generated crate gives plain HTTP.
    let mut t = match dep {
        toml::Value::Table(t) => t,
        version => toml::map::Map::from_iter([("version".to_owned(), version)]),
    };
    t.insert("default-features".into(), false.into());
    let features = ["client", "server"]
        .into_iter()
        .map(str::to_owned)
        .chain(generated.runtime_features.iter().cloned())
        .map(toml::Value::String);
    t.insert("features".into(), toml::Value::Array(features.collect()));
    let dep = toml::Value::Table(t);
    let mut package = toml::map::Map::new();
    package.insert("name".into(), name.into());
    package.insert("version".into(), "0.1.0".into());
    package.insert("edition".into(), "2021".into());
    package.insert("publish".into(), false.into());
    let mut deps = toml::map::Map::new();
    deps.insert("charter-runtime".into(), dep);
    let mut root = toml::map::Map::new();
    root.insert("package".into(), toml::Value::Table(package));
    root.insert("dependencies".into(), toml::Value::Table(deps));
    // HTTPS by default (reqwest built with rustls and the webpki roots); a dependent opts out
    // with `default-features = false`.
    let mut features = toml::map::Map::new();
    features.insert("default".into(), toml::Value::Array(vec!["rustls".into()]));
    features.insert(
        "rustls".into(),
        toml::Value::Array(vec!["charter-runtime/rustls".into()]),
    );
    root.insert("features".into(), toml::Value::Table(features));
    // A standalone crate, even when generated inside another workspace.
    root.insert(
        "workspace".into(),
        toml::Value::Table(toml::map::Map::new()),
    );
    let cargo = format!(
        "# @generated by charter — do not edit\n{}",
        toml::to_string(&toml::Value::Table(root)).unwrap_or_default()
    );
    let mut lib = format!(
        "{HEADER}\n//! Generated from API Builder specs by `charter generate rust`.\n\n\
         /// The runtime the generated code uses, re-exported: code using this crate (its tests,\n\
         /// with the mock and canned values) needs no dependency of its own.\n\
         pub use charter_runtime;\n\
         /// For canned JSON values (`serde_json::json!`).\n\
         pub use charter_runtime::serde_json;\n\n"
    );
    for m in &generated.modules {
        lib.push_str(&format!("pub mod {m};\n"));
    }
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            contents: cargo,
        },
        GeneratedFile {
            path: "src/lib.rs".into(),
            contents: lib,
        },
    ];
    files.extend(generated.files.iter().map(|f| GeneratedFile {
        path: format!("src/{}", f.path),
        contents: f.contents.clone(),
    }));
    files
}

/// Compares `files` with what is under `dir`: the unified diff of every stale file (empty when all
/// are up to date).
pub fn stale_diff(dir: &std::path::Path, files: &[GeneratedFile]) -> String {
    let mut out = String::new();
    for f in files {
        let on_disk = std::fs::read_to_string(dir.join(&f.path)).unwrap_or_default();
        if on_disk != f.contents {
            let diff = similar::TextDiff::from_lines(on_disk.as_str(), f.contents.as_str());
            let old = format!("a/{}", f.path);
            let new = format!("b/{}", f.path);
            out.push_str(&diff.unified_diff().header(&old, &new).to_string());
        }
    }
    out
}

/// Writes the files whose contents changed; returns how many were written.
pub fn write_changed(dir: &std::path::Path, files: &[GeneratedFile]) -> std::io::Result<usize> {
    let mut written = 0;
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.contents)?;
        written += 1;
    }
    Ok(written)
}
