//! Random *valid* specs through the generator: proptest builds repos of two services (`main`
//! imports `common`) over the IR's shapes — models with primitive, list, map, enum, union,
//! imported and recursive fields with bounds; unions with and without a discriminator, unions of
//! unions; resources whose operations use every parameter location (path, query, header, form)
//! and bodies — checks that Charter accepts each, generates it with `--server --mock`, that every
//! file parses, and that all of them together compile under `cargo clippy -- -D warnings` (one
//! crate, a module per case, so the cost is one build; it shares `gen_corpus`'s target dir).
//!
//! The runner is deterministic (the same cases every run, so CI never flakes); set
//! `CHARTER_RANDOM_CASES` for more cases locally.

#[path = "support/valid_spec.rs"]
mod valid_spec;

use charter::gen::{self, krate, Settings};
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn random_valid_specs_generate_crates_that_compile() {
    let cases = valid_spec::cases("CHARTER_RANDOM_CASES", 40);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-random");
    let mut files = Vec::new();
    let mut lib = String::from("//! Random valid specs, generated.\n");
    let mut features = Vec::new();
    for (case, d) in valid_spec::samples(cases).iter().enumerate() {
        let spec = valid_spec::build(d);
        let main = serde_json::to_string_pretty(&spec).unwrap();
        let checked = valid_spec::check_valid(&spec, &format!("case {case}"));
        let module = format!("case{case:02}");
        let settings = Settings::default()
            .with_server(true)
            .with_mock(true)
            .with_root_path(format!("crate::{module}"));
        let g = gen::generate(&checked.repo, &settings);
        assert!(
            !g.diagnostics.has_errors(),
            "case {case}: {:?}\n{main}",
            g.diagnostics
        );
        features = g.runtime_features.clone();
        lib.push_str(&format!("pub mod {module} {{\n"));
        for f in &g.files {
            syn::parse_file(&f.contents)
                .unwrap_or_else(|e| panic!("case {case}: {} does not parse: {e}\n{main}", f.path));
            let name = f.path.trim_end_matches(".rs");
            lib.push_str(&format!(
                "    #[path = \"{}\"]\n    pub mod {name};\n",
                f.path
            ));
            files.push(gen::GeneratedFile {
                path: format!("src/{module}/{}", f.path),
                contents: f.contents.clone(),
            });
        }
        lib.push_str("}\n");
        files.push(gen::GeneratedFile {
            path: format!("specs/{module}.json"),
            contents: main,
        });
    }
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let template = gen::Generated {
        runtime_features: features,
        ..gen::Generated::default()
    };
    let mut all: Vec<gen::GeneratedFile> = krate::krate(
        &template,
        "charter-gen-random",
        &krate::RuntimeDep::Path(runtime.display().to_string()),
    )
    .into_iter()
    .filter(|f| f.path == "Cargo.toml")
    .collect();
    all.push(gen::GeneratedFile {
        path: "src/lib.rs".into(),
        contents: lib,
    });
    all.extend(files);
    let _ = std::fs::remove_dir_all(out.join("src"));
    krate::write_changed(&out, &all).unwrap();
    // The target dir of `gen_corpus` (same dependencies and features: built once).
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
        "the crate of {cases} random specs does not compile: {} (specs/ holds their JSON)",
        out.display()
    );
}
