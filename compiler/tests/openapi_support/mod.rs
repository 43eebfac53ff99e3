//! Shared by the OpenAPI tests of the library (`compiler/tests/openapi.rs`) and of the command
//! (`cli/tests/openapi_cli.rs`): the fixture list and the OpenAPI validator.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture_inputs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.ends_with(".api.json") && !n.ends_with(".diagnostics.txt")
        })
        .collect();
    v.sort();
    v
}

fn python() -> String {
    std::env::var("CHARTER_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Validates every file in `files` with openapi-spec-validator in one Python process; returns the
/// count it validated and the failures.
pub fn validate_all(files: &[PathBuf]) -> (usize, String) {
    let list = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("openapi-validate-{}.txt", files.len()));
    let text: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    std::fs::write(&list, text.join("\n")).unwrap();
    let script = r#"
import pathlib, sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
ok, bad = 0, []
for line in pathlib.Path(sys.argv[1]).read_text().splitlines():
    p = pathlib.Path(line)
    try:
        spec, _ = read_from_filename(str(p))
        validate(spec, base_uri=p.resolve().as_uri())
        ok += 1
    except Exception as e:
        bad.append(f"{p}: {str(e)[:400]}")
print(ok)
print("\n".join(bad))
"#;
    let out = Command::new(python())
        .args(["-c", script])
        .arg(&list)
        .output()
        .expect("python runs (install it with .ci/setup/openapi.sh)");
    assert!(
        out.status.success(),
        "openapi-spec-validator did not run (install it with .ci/setup/openapi.sh): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let (count, rest) = stdout.split_once('\n').unwrap_or((&stdout, ""));
    (count.trim().parse().unwrap(), rest.trim().to_string())
}
