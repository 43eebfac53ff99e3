//! Helpers shared by the CLI tests that build a throw-away git repository (`--against REV`).

use std::path::Path;
use std::process::Command;

/// Runs `git -C dir ARGS` with a fixed identity and no signing; a failure fails the test.
pub fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.io",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git");
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}
