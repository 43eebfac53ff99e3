//! The real corpus through the Rust generator: the latest version (no `@sha` in the file name) of
//! every spec in `../shared/corpus/` that validates is generated with `--server --mock` (models,
//! client, server, factories, mock client and the checks they share), a module per spec, and
//! linted with `cargo clippy -- -D warnings` (so it compiles with no warnings and no clippy
//! findings). 100% must compile. Prints the counts and the generated line count.
//!
//! Memory: one crate of all ~700,000 generated lines made a clippy-driver of ~12 GB, so the
//! modules are packed into batch crates of at most [`BATCH_LINES`] lines (a spec larger than that
//! is a batch of its own), members of one workspace: cargo checks them in parallel (as many as
//! `-j` allows), each a few GB at most. The workspace builds in its own target directory
//! (`$CHARTER_GEN_TARGET_DIR`, default under cargo's test temp dir) so it never holds the lock of
//! the workspace build.

use charter::gen::{self, krate, Settings};
use charter::{check_sources, Options};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The most generated lines in one batch crate.
const BATCH_LINES: usize = 120_000;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

struct Batch {
    lines: usize,
    modules: Vec<gen::GeneratedFile>,
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
    let mut specs: Vec<(String, usize, String)> = Vec::new();
    let (mut skipped, mut warnings) = (0, 0);
    let mut features = Vec::new();
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
            .with_mock(true)
            .with_root_path(format!("crate::{module}"));
        let g = gen::generate(&checked.repo, &settings);
        warnings += g.diagnostics.len();
        features = g.runtime_features;
        let contents = g.files[0].contents.clone();
        specs.push((module, contents.lines().count(), contents));
    }
    let generated_specs = specs.len();
    let lines: usize = specs.iter().map(|s| s.1).sum();
    // First fit, largest first: few batches, each under the bound.
    specs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut batches: Vec<Batch> = Vec::new();
    for (module, n, contents) in specs {
        let file = gen::GeneratedFile {
            path: format!("src/{module}.rs"),
            contents,
        };
        match batches
            .iter_mut()
            .find(|b| b.lines + n <= BATCH_LINES || b.modules.is_empty())
        {
            Some(b) => {
                b.lines += n;
                b.modules.push(file);
            }
            None => batches.push(Batch {
                lines: n,
                modules: vec![file],
            }),
        }
    }
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let template = gen::Generated {
        runtime_features: features,
        ..gen::Generated::default()
    };
    let mut all = Vec::new();
    let mut members = Vec::new();
    for (n, b) in batches.iter_mut().enumerate() {
        let dir = format!("batch{n:02}");
        b.modules.sort_by(|x, y| x.path.cmp(&y.path));
        let mut lib = String::from("//! Valid specs of the corpus, generated.\n");
        for m in &b.modules {
            let name = m.path.trim_start_matches("src/").trim_end_matches(".rs");
            lib.push_str(&format!("pub mod {name};\n"));
        }
        let cargo = krate::krate(
            &template,
            &format!("charter-gen-corpus-{n:02}"),
            &krate::RuntimeDep::Path(runtime.display().to_string()),
        )
        .into_iter()
        .find(|f| f.path == "Cargo.toml")
        .expect("a Cargo.toml");
        // A member of the batches' workspace, not a standalone crate.
        let contents = cargo.contents.replace("\n[workspace]\n", "\n");
        assert!(!contents.contains("[workspace]"), "{contents}");
        all.push(gen::GeneratedFile {
            path: format!("{dir}/Cargo.toml"),
            contents,
        });
        all.push(gen::GeneratedFile {
            path: format!("{dir}/src/lib.rs"),
            contents: lib,
        });
        for m in &b.modules {
            all.push(gen::GeneratedFile {
                path: format!("{dir}/{}", m.path),
                contents: m.contents.clone(),
            });
        }
        members.push(format!("{dir:?}"));
    }
    all.push(gen::GeneratedFile {
        path: "Cargo.toml".into(),
        contents: format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    });
    // Only changed files are written (an unchanged batch is not checked again); batches and
    // modules of an earlier run that are not in this one are removed.
    let wanted: std::collections::BTreeSet<PathBuf> =
        all.iter().map(|f| out.join(&f.path)).collect();
    for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
        let dir = entry.path();
        if !entry.file_name().to_string_lossy().starts_with("batch") {
            continue;
        }
        if !wanted.iter().any(|w| w.starts_with(&dir)) {
            std::fs::remove_dir_all(&dir).unwrap();
            continue;
        }
        for src in std::fs::read_dir(dir.join("src"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if !wanted.contains(&src.path()) {
                std::fs::remove_file(src.path()).unwrap();
            }
        }
    }
    krate::write_changed(&out, &all).unwrap();
    println!(
        "corpus: {} latest specs, {generated_specs} generated, {skipped} skipped (invalid), {lines} generated lines in {} batches (largest {} lines), {warnings} generation diagnostics",
        files.len(),
        batches.len(),
        batches.iter().map(|b| b.lines).max().unwrap_or(0),
    );
    assert!(generated_specs >= 100, "{generated_specs} specs generated");
    let target = std::env::var_os("CHARTER_GEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"));
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--workspace", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "generated corpus crates do not compile: {}",
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
