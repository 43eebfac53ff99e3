//! Random *valid* specs through the generator: proptest builds repos of two services (`main`
//! imports `common`) over the IR's shapes — models with primitive, list, map, enum, union,
//! imported and recursive fields with bounds; unions with and without a discriminator, unions of
//! unions; resources whose operations use every parameter location (path, query, header, form)
//! and bodies — checks that Charter accepts each, generates it with `--server --mock`, that every
//! file parses, and that all of them together compile under `cargo clippy -- -D warnings` (one
//! crate, a module per case, so the cost is one build; it shares `gen_corpus`'s target dir).
//!
//! Then the same crate runs the agreement harness (`support/agree.rs`): for every operation of
//! every case, random argument values — valid ones, numbers and lengths across their bounds,
//! unknown enum values, missing required parameters and fields, wrong types — go to the
//! generated server (in-process through tower's `oneshot`, with a handler that counts the
//! requests reaching it) and to the generated mock client. Both must agree on every
//! accept/reject decision (with the same status), the server never answers 5xx, a rejected
//! request never reaches the handler, and an accepted one always does.
//!
//! The runner is deterministic (the same cases and probes every run, so CI never flakes); set
//! `CHARTER_RANDOM_CASES` (default 40) and `CHARTER_AGREE_PROBES` (probes per operation,
//! default 12) for more locally.

#[path = "support/agree.rs"]
mod agree;
#[path = "support/valid_spec.rs"]
mod valid_spec;

use charter::gen::{self, krate, plan::Plan, Settings};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const KRATE: &str = "charter_gen_random";

#[test]
fn random_valid_specs_compile_and_server_and_mock_agree() {
    let cases = valid_spec::cases("CHARTER_RANDOM_CASES", 40);
    let per_op = valid_spec::cases("CHARTER_AGREE_PROBES", 12) as usize;
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-random");
    let mut files = Vec::new();
    let mut lib = String::from(
        "//! Random valid specs, generated, and their agreement harness.\n\npub mod agree;\n",
    );
    let mut features = Vec::new();
    let mut modules = Vec::new();
    let mut probes: Vec<Value> = Vec::new();
    let mut rng = agree::Rng::new(0x5eed);
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
        lib.push_str(&format!("pub mod {module} {{\n    pub mod harness;\n"));
        let plan = Plan::new(&checked.repo, &settings);
        let mut harness = None;
        for f in &g.files {
            let parsed = syn::parse_file(&f.contents)
                .unwrap_or_else(|e| panic!("case {case}: {} does not parse: {e}\n{main}", f.path));
            let name = f.path.trim_end_matches(".rs");
            if name.contains("main") {
                harness = Some(agree::harness(&plan, &parsed, &module));
            }
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
        let harness = harness.expect("the main service's file");
        probes.extend(agree::probes(
            &checked.repo,
            &harness,
            case,
            per_op,
            &mut rng,
        ));
        files.push(gen::GeneratedFile {
            path: format!("src/{module}/harness.rs"),
            contents: harness.source,
        });
        files.push(gen::GeneratedFile {
            path: format!("specs/{module}.json"),
            contents: main,
        });
        modules.push(module);
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
    // The harness runs the server in-process (tower's `oneshot`) on a tokio runtime: both are
    // dependencies of charter-runtime already, with these features (nothing new to build).
    let mut manifest: toml::Value = toml::from_str(&all[0].contents).unwrap();
    let deps = manifest["dependencies"].as_table_mut().unwrap();
    deps.insert(
        "tokio".into(),
        toml::from_str("version = \"1\"\nfeatures = [\"rt\"]").unwrap(),
    );
    deps.insert(
        "tower".into(),
        toml::from_str("version = \"0.5\"\ndefault-features = false\nfeatures = [\"util\"]")
            .unwrap(),
    );
    all[0].contents = toml::to_string(&manifest).unwrap();
    all.push(gen::GeneratedFile {
        path: "src/lib.rs".into(),
        contents: lib,
    });
    all.push(gen::GeneratedFile {
        path: "src/agree.rs".into(),
        contents: agree::AGREE_RS.into(),
    });
    all.push(gen::GeneratedFile {
        path: "src/main.rs".into(),
        contents: agree::main_rs(KRATE, &modules),
    });
    all.extend(files);
    let _ = std::fs::remove_dir_all(out.join("src"));
    krate::write_changed(&out, &all).unwrap();
    // The target dir of `gen_corpus` (same dependencies and features: built once).
    let target = std::env::var_os("CHARTER_GEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"));
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--all-targets", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the crate of {cases} random specs does not compile: {} (specs/ holds their JSON)",
        out.display()
    );

    // Agreement: every probe on both sides.
    let probes_file = out.join("probes.json");
    std::fs::write(&probes_file, serde_json::to_string_pretty(&probes).unwrap()).unwrap();
    let run = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .arg("--")
        .arg(&probes_file)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
    assert!(
        run.status.success(),
        "the agreement harness failed ({}):\n{}",
        run.status,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
    let outcomes: Vec<Value> = serde_json::from_slice(&run.stdout).expect("outcomes JSON");
    assert_eq!(outcomes.len(), probes.len());
    let mut disagreements = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    let (mut accepted, mut rejected, mut undecodable) = (0, 0, 0);
    for (p, o) in probes.iter().zip(&outcomes) {
        let status = o["status"].as_u64().unwrap();
        *statuses.entry(status).or_insert(0usize) += 1;
        let hits = o["hits"].as_u64().unwrap();
        let mock = &o["mock"];
        let problem = if status >= 500 {
            Some(format!("the server answered {status}"))
        } else if mock.get("accepted").is_some() {
            accepted += 1;
            (!(200..300).contains(&status) || hits != 1).then(|| {
                format!("the mock accepted; the server answered {status} ({hits} handler call(s))")
            })
        } else if let Some(s) = mock["rejected"].as_u64() {
            rejected += 1;
            (status != s || hits != 0).then(|| {
                format!("the mock rejected with {s}; the server answered {status} ({hits} handler call(s))")
            })
        } else if let Some(a) = mock["undecodable"].as_str() {
            undecodable += 1;
            (!(400..500).contains(&status) || hits != 0).then(|| {
                format!("`{a}` cannot be given to the typed mock; the server answered {status} ({hits} handler call(s))")
            })
        } else {
            Some(format!("the mock failed: {mock}"))
        };
        if let Some(problem) = problem {
            disagreements.push(format!(
                "case {} {} {}: {problem}; field {}\n  args {}",
                p["case"], p["method"], p["path"], o["field"], p["args"]
            ));
        }
    }
    eprintln!(
        "{} probes over {cases} specs: {accepted} accepted, {rejected} rejected by both, {undecodable} not expressible in the typed mock; server statuses {statuses:?}",
        probes.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} probes: server and mock disagree (crate: {}):\n{}",
        disagreements.len(),
        probes.len(),
        out.display(),
        disagreements.join("\n")
    );
    // The probes exercised every kind of decision.
    let n = probes.len();
    assert!(accepted * 10 >= n && rejected * 20 >= n && undecodable * 20 >= n,
        "too few of a kind: {accepted} accepted, {rejected} rejected, {undecodable} undecodable of {n}");
}
