//! The real corpus through the Rust generator: the latest version (no `@sha` in the file name) of
//! every spec in `../shared/corpus/` that validates is generated into one crate, a module per
//! spec, and linted with `cargo clippy -- -D warnings` (so it compiles with no warnings and no
//! clippy findings). 100% must compile. Prints the counts and the
//! generated line count.
//!
//! The generated crate builds in its own target directory (`$CHARTER_GEN_TARGET_DIR`, default
//! under cargo's test temp dir) so it never holds the lock of the workspace build.

use charter::gen::{self, krate, Settings};
use charter::{check_sources, Options};
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

#[test]
fn corpus_generates_and_compiles_without_warnings() {
    let mut files: Vec<PathBuf> = ["api-json", "service-json"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(corpus().join(d))
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().contains('@'))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "corpus missing");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-corpus");
    let mut lib = String::from("//! Every valid spec of the corpus, generated.\n");
    let mut modules = Vec::new();
    let (mut generated_specs, mut skipped, mut lines, mut warnings) = (0, 0, 0, 0);
    for (i, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let checked = check_sources(vec![(path.clone(), text)], &Options::default());
        if checked.has_errors() || checked.repo.services.len() != 1 {
            skipped += 1;
            continue;
        }
        let module = format!("spec{i:03}");
        let settings = Settings::default()
            .with_server(true)
            .with_root_path(format!("crate::{module}"));
        let g = gen::generate(&checked.repo, &settings);
        warnings += g.diagnostics.len();
        let contents = &g.files[0].contents;
        lines += contents.lines().count();
        lib.push_str(&format!("pub mod {module};\n"));
        modules.push(gen::GeneratedFile {
            path: format!("src/{module}.rs"),
            contents: contents.clone(),
        });
        generated_specs += 1;
    }
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let mut all = krate::krate(
        &gen::Generated::default(),
        "charter-gen-corpus",
        &krate::RuntimeDep::Path(runtime.display().to_string()),
    );
    all.retain(|f| f.path == "Cargo.toml");
    all.push(gen::GeneratedFile {
        path: "src/lib.rs".into(),
        contents: lib,
    });
    all.extend(modules);
    krate::write_changed(&out, &all).unwrap();
    println!(
        "corpus: {} latest specs, {generated_specs} generated, {skipped} skipped (invalid), {lines} generated lines, {warnings} generation diagnostics",
        files.len()
    );
    let target = std::env::var_os("CHARTER_GEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"));
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "generated corpus crate does not compile: {}",
        out.display()
    );
}

/// Every corpus file, historical versions included, valid or not: generation never panics and
/// always yields files that parse as Rust.
#[test]
fn every_corpus_file_generates_parseable_rust() {
    let mut count = 0;
    for d in ["api-json", "service-json"] {
        for e in std::fs::read_dir(corpus().join(d)).unwrap().flatten() {
            let path = e.path();
            let text = std::fs::read_to_string(&path).unwrap();
            let checked = check_sources(vec![(path.clone(), text)], &Options::default());
            let g = gen::generate(&checked.repo, &Settings::default().with_server(true));
            for f in &g.files {
                if let Err(err) = syn::parse_file(&f.contents) {
                    panic!("{}: {err}", path.display());
                }
                assert!(!f.contents.contains("compile_error!"), "{}", path.display());
            }
            count += 1;
        }
    }
    assert!(count > 300, "{count}");
}
