//! The change history of every service: the diff engine ([`crate::diff`]) over the commits of the
//! api repo that touched its specs (`git log`), newest first, with the semver bump each change
//! suggests. Specs are read from git objects ([`crate::git::read_specs`]), never checked
//! out.

use crate::diff::{self, Change, DiffReport, Side};
use crate::{Checked, Options};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// How many commits of history are compared at most (newest first).
pub const DEFAULT_DEPTH: usize = 50;

/// The change history of every service, by service name.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Why there is no history (not a git repository, git missing, …), shown on every service.
    pub unavailable: Option<String>,
    pub services: BTreeMap<String, Vec<Version>>,
    /// Said on every service: the history was cut at this many commits, or at a shallow clone.
    pub truncated: Option<String>,
}

/// One commit that changed a service, with its changes.
#[derive(Clone, Debug, Serialize)]
pub struct Version {
    /// Abbreviated commit id.
    pub commit: String,
    /// Author date (`2026-05-27`).
    pub date: String,
    pub subject: String,
    /// The bump the whole commit suggests for this service.
    pub bump: &'static str,
    /// The commit's specs did not validate, so nothing was compared (the diagnostics' count).
    pub note: Option<String>,
    pub changes: Vec<ChangeView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChangeView {
    pub class: &'static str,
    pub breaking: bool,
    pub rule: &'static str,
    pub message: String,
    pub bump: &'static str,
    pub affects: Vec<String>,
}

/// How many operations and events a change lists before "and N more".
pub const AFFECTS_SHOWN: usize = 5;

fn shorten(mut affects: Vec<String>) -> Vec<String> {
    if affects.len() > AFFECTS_SHOWN + 1 {
        let more = affects.len() - AFFECTS_SHOWN;
        affects.truncate(AFFECTS_SHOWN);
        affects.push(format!("and {more} more"));
    }
    affects
}

/// The history shown on one service's page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ServiceHistory {
    pub note: Option<String>,
    pub versions: Vec<Version>,
}

impl History {
    /// No history, for this reason.
    pub fn unavailable(why: impl Into<String>) -> History {
        History {
            unavailable: Some(why.into()),
            ..History::default()
        }
    }

    pub fn for_service(&self, name: &str) -> ServiceHistory {
        let versions = self.services.get(name).cloned().unwrap_or_default();
        let note = match (&self.unavailable, &self.truncated) {
            (Some(why), _) => Some(why.clone()),
            (None, Some(cut)) => Some(cut.clone()),
            (None, None) if versions.is_empty() => {
                Some("No change to this service in the git history.".to_owned())
            }
            _ => None,
        };
        ServiceHistory { note, versions }
    }
}

fn git(repo: &crate::git::Repo, args: &[&str]) -> Result<String, String> {
    repo.git(args)
        .map(|o| String::from_utf8_lossy(&o).into_owned())
}

/// One checked revision, with the service name of every spec file (by path inside the repo).
struct Rev {
    checked: Option<Checked>,
    files: HashMap<String, String>,
    errors: usize,
}

fn load(rev: &str, path: &Path, options: &Options) -> Rev {
    match crate::git::read_specs(rev, path) {
        Ok(files) => {
            let checked = crate::check_sources(files, options);
            let mut names = HashMap::new();
            for s in &checked.repo.services {
                let p = checked.sources.get(s.file).path.display().to_string();
                let p = p.split_once(':').map(|(_, p)| p.to_owned()).unwrap_or(p);
                names.insert(p, s.name.clone());
            }
            let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
            Rev {
                checked: Some(checked),
                files: names,
                errors,
            }
        }
        // The path did not exist at that revision (its first commit).
        Err(_) => Rev {
            checked: None,
            files: HashMap::new(),
            errors: 0,
        },
    }
}

/// Reads the history of the specs under `path` from its git repository: every commit that
/// touched them (newest first, at most `depth`), each compared with its first parent.
pub fn read(path: &Path, depth: usize, options: &Options) -> History {
    let repo = match crate::git::Repo::discover(path) {
        Ok(r) => r,
        Err(_) => {
            return History::unavailable(
                "No history: the specs are not in a git repository.".to_owned(),
            )
        }
    };
    let rel = repo.relative(path);
    let spec = if rel.is_empty() { ".".to_owned() } else { rel };
    let log = match git(
        &repo,
        &[
            "log",
            "--first-parent",
            "--format=%H%x1f%h%x1f%as%x1f%s",
            &format!("-{}", depth + 1),
            "HEAD",
            "--",
            &spec,
        ],
    ) {
        Ok(l) => l,
        Err(e) => return History::unavailable(format!("No history: git log failed ({e}).")),
    };
    let mut commits: Vec<[String; 4]> = log
        .lines()
        .filter_map(|l| {
            let mut p = l.splitn(4, '\u{1f}');
            Some([
                p.next()?.to_owned(),
                p.next()?.to_owned(),
                p.next()?.to_owned(),
                p.next().unwrap_or("").to_owned(),
            ])
        })
        .collect();
    let mut history = History::default();
    if commits.len() > depth {
        commits.truncate(depth);
        history.truncated = Some(format!(
            "Only the latest {depth} commits that changed the specs are compared."
        ));
    }
    let shallow = git(&repo, &["rev-parse", "--is-shallow-repository"])
        .map(|o| o.trim() == "true")
        .unwrap_or(false);
    let mut cache: HashMap<String, Rev> = HashMap::new();
    let target = repo.top().join(&spec);
    for [full, short, date, subject] in commits {
        let parent = format!("{full}^");
        let parent_id = git(
            &repo,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{parent}^{{commit}}"),
            ],
        )
        .ok()
        .map(|s| s.trim().to_owned());
        if !cache.contains_key(&full) {
            cache.insert(full.clone(), load(&full, &target, options));
        }
        if let Some(p) = &parent_id {
            if !cache.contains_key(p) {
                cache.insert(p.clone(), load(p, &target, options));
            }
        } else if shallow {
            history.truncated = Some(
                "The history stops at the start of this shallow clone (fetch more history to see older changes)."
                    .to_owned(),
            );
        }
        let new = &cache[&full];
        let old = parent_id.as_ref().and_then(|p| cache.get(p));
        let (Some(new_checked), _) = (&new.checked, ()) else {
            continue;
        };
        let version =
            |bump: &'static str, note: Option<String>, changes: Vec<ChangeView>| Version {
                commit: short.clone(),
                date: date.clone(),
                subject: subject.clone(),
                bump,
                note,
                changes,
            };
        let old_checked = old.and_then(|o| o.checked.as_ref());
        let bad = new.errors + old.map_or(0, |o| o.errors);
        if bad > 0 {
            // Name the services whose files are in the commit; nothing is compared.
            let note = format!(
                "Not compared: this version or the one before it does not validate ({bad} error(s))."
            );
            let mut names: Vec<&String> = new.files.values().collect();
            names.sort();
            names.dedup();
            for name in names {
                history
                    .services
                    .entry(name.clone())
                    .or_default()
                    .push(version("unknown", Some(note.clone()), Vec::new()));
            }
            continue;
        }
        let empty = Checked::default();
        let old_side = old_checked.unwrap_or(&empty);
        let report = diff::diff(
            Side::new(&old_side.repo, &old_side.sources),
            Side::new(&new_checked.repo, &new_checked.sources),
        );
        let mut per: BTreeMap<String, Vec<Change>> = BTreeMap::new();
        for c in report.changes {
            let file = c.file.as_deref().unwrap_or("");
            let file = file.split_once(':').map(|(_, p)| p).unwrap_or(file);
            let name = new
                .files
                .get(file)
                .or_else(|| old.and_then(|o| o.files.get(file)))
                .cloned()
                .unwrap_or_else(|| "(repo)".to_owned());
            per.entry(name).or_default().push(c);
        }
        for (name, changes) in per {
            let bump = DiffReport {
                changes: changes.clone(),
            }
            .suggested_bump()
            .as_str();
            let views = changes
                .into_iter()
                .map(|c| ChangeView {
                    class: c.class.as_str(),
                    breaking: c.class == diff::Class::Breaking,
                    rule: c.rule,
                    bump: DiffReport {
                        changes: vec![c.clone()],
                    }
                    .suggested_bump()
                    .as_str(),
                    message: c.message,
                    affects: shorten(c.affects),
                })
                .collect();
            history
                .services
                .entry(name)
                .or_default()
                .push(version(bump, None, views));
        }
    }
    history
}
