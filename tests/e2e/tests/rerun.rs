//! `charter::Builder` in a real build script: a tiny crate is built with `cargo build` (sharing the
//! workspace's target directory and lock file, so no dependency is rebuilt), and its build script
//! appends a line to a stamp file each time it runs. An unchanged spec must not re-run
//! generation; an edited spec must.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

const SPEC: &str = r#"{
  "name": "tiny",
  "namespace": "io.tiny.v0",
  "models": {
    "thing": { "fields": [{ "name": "id", "type": "string" }] }
  }
}
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A crate whose build.rs generates `specs/tiny.json` and counts its own runs in `runs.log`.
fn tiny_crate(dir: &Path) {
    let ws = workspace().canonicalize().unwrap();
    let manifest = format!(
        r#"[package]
name = "charter-rerun-probe"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
charter-runtime = {{ path = "{runtime}" }}

[build-dependencies]
charter = {{ path = "{compiler}" }}

# The workspace's dev profile, so its compiled dependencies are reused.
[profile.dev.package."*"]
opt-level = 1
"#,
        runtime = ws.join("runtime").display(),
        compiler = ws.join("compiler").display(),
    );
    write(&dir.join("Cargo.toml"), &manifest);
    std::fs::copy(ws.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    write(
        &dir.join("build.rs"),
        r#"fn main() -> Result<(), charter::build::Error> {
    use std::io::Write;
    let stamp = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runs.log");
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(stamp).unwrap();
    writeln!(f, "generated").unwrap();
    charter::Builder::new().spec("specs/tiny.json").generate()
}
"#,
    );
    write(
        &dir.join("src/lib.rs"),
        "include!(concat!(env!(\"OUT_DIR\"), \"/charter.rs\"));\n",
    );
    write(&dir.join("specs/tiny.json"), SPEC);
}

fn build(dir: &Path) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("runs.log"))
        .unwrap_or_default()
        .lines()
        .count()
}

#[test]
fn an_edited_spec_reruns_generation_and_an_unchanged_one_does_not() {
    let dir = std::env::temp_dir().join(format!("charter-rerun-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    tiny_crate(&dir);

    build(&dir);
    assert_eq!(runs(&dir), 1);

    // Nothing changed: cargo does not run the build script again.
    build(&dir);
    assert_eq!(runs(&dir), 1);

    // Another file of the crate changed: still no generation.
    write(
        &dir.join("src/lib.rs"),
        "include!(concat!(env!(\"OUT_DIR\"), \"/charter.rs\"));\n// edited\n",
    );
    build(&dir);
    assert_eq!(runs(&dir), 1);

    // The spec changed: generation runs, and the new field is in the generated code.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(
        &dir.join("specs/tiny.json"),
        &SPEC.replace(
            r#"{ "name": "id", "type": "string" }"#,
            r#"{ "name": "id", "type": "string" }, { "name": "label", "type": "string" }"#,
        ),
    );
    build(&dir);
    assert_eq!(runs(&dir), 2);
    let generated = generated_file();
    assert!(generated.contains("pub label:"), "{generated}");

    std::fs::remove_dir_all(&dir).unwrap();
}

/// The generated file of the probe crate: the newest `charter-rerun-probe-*/out/charter.rs`.
fn generated_file() -> String {
    let build_dir = target_dir().join("debug/build");
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(&build_dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let file = entry.path().join("out/charter.rs");
        if name.starts_with("charter-rerun-probe-") {
            if let Ok(m) = std::fs::metadata(&file).and_then(|m| m.modified()) {
                if newest.as_ref().is_none_or(|(t, _)| m > *t) {
                    newest = Some((m, file));
                }
            }
        }
    }
    let (_, file) = newest.expect("the probe crate's generated file");
    std::fs::read_to_string(file).unwrap()
}
