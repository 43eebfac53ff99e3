//! Reading files as they were at a git revision, from git objects (no checkout, no worktree
//! change).
//!
//! [`Repo::discover`] finds the repository of a path; [`Repo::commit`] resolves a revision (with a
//! hint for shallow clones); [`Repo::revision`] starts **one** `git cat-file --batch` process for
//! that commit and [`Revision::read`] asks it for one blob after another over its stdin, so reading
//! a whole api repo costs one process, not one per file. [`read_specs`] is what `diff --against`,
//! `trace --against` and `ci --base` use; other readers (site history, database migrations) reuse
//! [`Repo`] and [`Revision`].

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A git repository: its top-level directory.
#[derive(Clone, Debug)]
pub struct Repo {
    top: PathBuf,
}

fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

impl Repo {
    /// The repository holding `path` (a file or a directory).
    pub fn discover(path: &Path) -> Result<Repo, String> {
        let abs = std::fs::canonicalize(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let dir = if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        };
        let top = run(&dir, &["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("{} is not in a git repository: {e}", path.display()))?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        Ok(Repo { top })
    }

    /// The top-level directory.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// Runs `git ARGS` in the top-level directory and returns its stdout.
    pub fn git(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        run(&self.top, args)
    }

    /// `path` relative to the top-level directory, `/`-separated (`""` for the top itself).
    pub fn relative(&self, path: &Path) -> String {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        abs.strip_prefix(&self.top)
            .unwrap_or(Path::new(""))
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// The commit id of `rev`; a missing revision is explained (shallow clones need a fetch).
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        match self.git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ]) {
            Ok(id) => Ok(String::from_utf8_lossy(&id).trim().to_string()),
            Err(_) => {
                let shallow = self
                    .git(&["rev-parse", "--is-shallow-repository"])
                    .map(|o| String::from_utf8_lossy(&o).trim() == "true")
                    .unwrap_or(false);
                let hint = if shallow {
                    " This is a shallow clone: fetch the revision first (e.g. `git fetch --depth=1 origin <rev>`, \
                     or `fetch-depth: 0` in actions/checkout)."
                } else {
                    " Check the name, or fetch it (`git fetch origin <rev>`)."
                };
                Err(format!("git revision `{rev}` not found.{hint}"))
            }
        }
    }

    /// The files (paths relative to the top) of `commit` under `rel` (`""`: all of them).
    pub fn files(&self, commit: &str, rel: &str) -> Result<Vec<String>, String> {
        let spec = if rel.is_empty() { "." } else { rel };
        let listing = self.git(&[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-tree",
            commit,
            "--",
            spec,
        ])?;
        Ok(listing
            .split(|b| *b == 0)
            .filter(|n| !n.is_empty())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .filter(|n| rel.is_empty() || n == rel || n.starts_with(&format!("{rel}/")))
            .collect())
    }

    /// A reader of the blobs of `commit`: one `git cat-file --batch` process for all of them.
    pub fn revision(&self, commit: &str) -> Result<Revision, String> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(Revision {
            commit: commit.to_string(),
            child,
            stdin: Some(stdin),
            stdout,
        })
    }
}

/// One `git cat-file --batch` process reading the blobs of one commit.
pub struct Revision {
    commit: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Revision {
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// The bytes of `path` (relative to the top) at this commit; `None` when it does not exist
    /// there or is not a blob.
    pub fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, String> {
        if path.contains('\n') {
            return Ok(None);
        }
        let broken = |e: std::io::Error| format!("git cat-file failed: {e}");
        let stdin = self.stdin.as_mut().expect("open until drop");
        writeln!(stdin, "{}:{path}", self.commit).map_err(broken)?;
        stdin.flush().map_err(broken)?;
        let mut header = String::new();
        self.stdout.read_line(&mut header).map_err(broken)?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        match fields.as_slice() {
            [_, kind, size] => {
                let size: usize = size
                    .parse()
                    .map_err(|_| format!("git cat-file: bad header `{}`", header.trim()))?;
                let mut data = vec![0; size + 1];
                self.stdout.read_exact(&mut data).map_err(broken)?;
                data.pop(); // the newline after the contents
                Ok((*kind == "blob").then_some(data))
            }
            [_, "missing"] | [_, "ambiguous"] => Ok(None),
            _ => Err(format!(
                "git cat-file: unexpected output `{}`",
                header.trim()
            )),
        }
    }
}

impl Drop for Revision {
    fn drop(&mut self) {
        drop(self.stdin.take()); // EOF ends the process
        let _ = self.child.wait();
    }
}

/// Whether a repo path is skipped when looking for specs (hidden directories, build outputs), the
/// same rule as [`crate::load::discover`] on disk.
fn skipped(name: &str) -> bool {
    name.split('/')
        .any(|seg| seg.starts_with('.') || seg == "target" || seg == "node_modules")
}

/// Reads the specs (`.json` files) under `path` as they were at `rev`: `(display path, text)`
/// pairs, displayed as `REV:repo/relative/path`, ready for [`crate::check_sources`].
pub fn read_specs(rev: &str, path: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let repo = Repo::discover(path)?;
    let commit = repo.commit(rev)?;
    let rel = repo.relative(path);
    let names: Vec<String> = repo
        .files(&commit, &rel)?
        .into_iter()
        .filter(|n| n.ends_with(".json") && !skipped(n))
        .collect();
    let mut files = Vec::new();
    if !names.is_empty() {
        let mut revision = repo.revision(&commit)?;
        for name in names {
            let Some(blob) = revision.read(&name)? else {
                continue;
            };
            let text =
                String::from_utf8(blob).map_err(|_| format!("{rev}:{name} is not valid UTF-8"))?;
            files.push((PathBuf::from(format!("{rev}:{name}")), text));
        }
    }
    if files.is_empty() {
        return Err(format!(
            "no .json spec under `{}` at revision `{rev}`",
            path.display()
        ));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "{args:?}: {out:?}");
    }

    #[test]
    fn one_process_reads_every_blob_of_a_revision() {
        let dir = std::env::temp_dir().join(format!("charter-git-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs/.hidden")).unwrap();
        git(&dir, &["init", "-q"]);
        git(&dir, &["config", "user.email", "t@example.com"]);
        git(&dir, &["config", "user.name", "t"]);
        std::fs::write(dir.join("specs/a b.json"), "{\"name\": \"a\"}").unwrap();
        std::fs::write(dir.join("specs/empty.json"), "").unwrap();
        std::fs::write(dir.join("specs/.hidden/x.json"), "{}").unwrap();
        std::fs::write(dir.join("README.md"), "not a spec\n").unwrap();
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-qm", "one"]);
        std::fs::write(dir.join("specs/a b.json"), "{\"name\": \"changed\"}").unwrap();

        let repo = Repo::discover(&dir.join("specs")).unwrap();
        let commit = repo.commit("HEAD").unwrap();
        assert_eq!(commit.len(), 40);
        let mut rev = repo.revision(&commit).unwrap();
        assert_eq!(
            rev.read("specs/a b.json").unwrap().as_deref(),
            Some(&b"{\"name\": \"a\"}"[..])
        );
        assert_eq!(
            rev.read("specs/empty.json").unwrap().as_deref(),
            Some(&[][..])
        );
        assert_eq!(rev.read("nope.json").unwrap(), None);
        assert_eq!(rev.read("specs").unwrap(), None, "a tree is not a blob");
        assert_eq!(
            rev.read("README.md").unwrap().as_deref(),
            Some(&b"not a spec\n"[..])
        );

        let specs = read_specs("HEAD", &dir.join("specs")).unwrap();
        let names: Vec<_> = specs.iter().map(|(p, _)| p.display().to_string()).collect();
        assert_eq!(names, ["HEAD:specs/a b.json", "HEAD:specs/empty.json"]);
        assert_eq!(
            specs[0].1, "{\"name\": \"a\"}",
            "the committed text, not the worktree's"
        );

        let missing = repo.commit("no-such-branch").unwrap_err();
        assert!(missing.contains("not found"), "{missing}");
        assert!(read_specs("HEAD", &dir.join("specs/.hidden")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
