//! The `charter import openapi` and `charter export openapi` commands: realistic documents
//! imported, checked and generated into a crate that compiles; export as JSON, YAML and bundles;
//! exit codes (the engine itself: `compiler/tests/openapi.rs`).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../../compiler/tests/openapi_support/mod.rs"]
mod openapi_support;
use openapi_support::{fixture_inputs, validate_all};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn charter<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("charter runs")
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

/// Realistic documents (a CRUD API, oneOf with discriminators, allOf inheritance, YAML) through
/// the CLI: import, check, generate Rust, and one clippy build of the crate holding them all.
#[test]
fn real_documents_import_check_and_generate_rust_that_compiles() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-real");
    let _ = std::fs::remove_dir_all(&base);
    let repo = base.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let inputs = fixture_inputs(&root().join("fixtures/openapi/real"));
    assert_eq!(inputs.len(), 4);
    for input in &inputs {
        let out = repo.join(format!(
            "{}.json",
            input.file_stem().unwrap().to_string_lossy()
        ));
        let o = charter(&[
            os("import".as_ref()),
            os("openapi".as_ref()),
            os(input),
            os("--out".as_ref()),
            os(&out),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            input.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let check = charter(&[os("check".as_ref()), os(&repo)]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let krate = base.join("crate");
    let runtime = root().join("runtime");
    let gen = charter(&[
        os("generate".as_ref()),
        os("rust".as_ref()),
        os(&repo),
        os("--out".as_ref()),
        os(&krate),
        os("--runtime-path".as_ref()),
        os(&runtime),
        os("--server".as_ref()),
    ]);
    assert_eq!(
        gen.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let lib = std::fs::read_to_string(krate.join("src/lib.rs")).unwrap();
    assert_eq!(lib.matches("pub mod ").count(), 4, "{lib}");
    let target = std::env::var_os("CHARTER_GEN_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("gen-target"));
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_BUILD_JOBS", "1")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the generated crate does not compile: {}",
        krate.display()
    );
}

#[test]
fn export_cli_writes_json_and_yaml_and_bundles() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi-cli");
    let _ = std::fs::remove_dir_all(&base);
    let specs = root().join("specs");
    let dir = base.join("dir");
    let o = charter(&[
        os("export".as_ref()),
        os("openapi".as_ref()),
        os(&specs),
        os("--out".as_ref()),
        os(&dir),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let user = std::fs::read_to_string(dir.join("io.charter.user.v0.json")).unwrap();
    assert!(
        user.contains("io.charter.common.v0.json#/components/schemas/"),
        "imported types are references"
    );
    let file = base.join("user.yaml");
    let o = charter(&[
        os("export".as_ref()),
        os("openapi".as_ref()),
        os(&specs),
        os("--service".as_ref()),
        os("io.charter.user.v0".as_ref()),
        os("--bundle".as_ref()),
        os("--out".as_ref()),
        os(&file),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(yaml.contains("openapi: 3.1.0"), "{yaml}");
    assert!(
        yaml.contains("io.charter.common.v0.models."),
        "bundled types under qualified names"
    );
    assert!(
        !yaml.contains(".json#/"),
        "a bundle has no external references"
    );
    let (count, failures) = validate_all(std::slice::from_ref(&file));
    assert_eq!((count, failures.as_str()), (1, ""));
    let back = base.join("back.json");
    let o = charter(&[
        os("import".as_ref()),
        os("openapi".as_ref()),
        os(&file),
        os("--out".as_ref()),
        os(&back),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Several services into one file is a usage error.
    let all = base.join("all.json");
    let o = charter(&[
        os("export".as_ref()),
        os("openapi".as_ref()),
        os(&specs),
        os("--out".as_ref()),
        os(&all),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A bad document: exit 1, located diagnostics as JSON, nothing written.
    let bad = root().join("fixtures/openapi/bad/ref-missing.json");
    let x = base.join("x.json");
    let o = charter(&[
        os("import".as_ref()),
        os("openapi".as_ref()),
        os(&bad),
        os("--out".as_ref()),
        os(&x),
        os("--format".as_ref()),
        os("json".as_ref()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!x.exists());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E2203")
        .expect("E2203");
    assert!(e["line"].as_u64().unwrap() > 1, "{e}");
}
