//! Baselines: the findings a team accepts today, so that only new ones fail.
//!
//! `charter lint --write-baseline` records every finding (after levels and suppressions) as
//! `(code, file, JSON pointer, message)`: no line numbers, so edits elsewhere in a spec do not
//! invalidate it. When linting, each recorded entry absorbs one matching finding.

use super::config::relative_to;
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Entry {
    pub code: String,
    /// Path relative to the directory of charter.toml, `/`-separated.
    pub file: String,
    pub pointer: String,
    pub message: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Clone, Debug, Default)]
pub struct Baseline {
    pub entries: Vec<Entry>,
    /// Directory paths are relative to.
    pub root: Option<PathBuf>,
}

impl Baseline {
    /// The findings of a run, as a baseline.
    pub fn from_diagnostics<'a>(
        diags: impl IntoIterator<Item = &'a Diagnostic>,
        sources: &SourceMap,
        root: Option<PathBuf>,
    ) -> Baseline {
        let mut entries: Vec<Entry> = diags
            .into_iter()
            .filter_map(|d| entry(d, sources, root.as_deref()))
            .collect();
        entries.sort();
        Baseline { entries, root }
    }

    pub fn read(path: &Path, root: Option<PathBuf>) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let f: File = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if f.version != 1 {
            return Err(format!("unsupported baseline version {}", f.version));
        }
        Ok(Baseline {
            entries: f.findings,
            root,
        })
    }

    pub fn to_json(&self) -> String {
        let f = File {
            version: 1,
            findings: self.entries.clone(),
        };
        serde_json::to_string_pretty(&f).expect("baseline serializes") + "\n"
    }

    /// Drops the findings the baseline records; returns the rest and how many were dropped.
    pub fn filter(&self, diags: Vec<Diagnostic>, sources: &SourceMap) -> (Vec<Diagnostic>, usize) {
        let mut budget: HashMap<&Entry, usize> = HashMap::new();
        for e in &self.entries {
            *budget.entry(e).or_default() += 1;
        }
        let mut dropped = 0;
        let kept = diags
            .into_iter()
            .filter(|d| {
                let Some(e) = entry(d, sources, self.root.as_deref()) else {
                    return true;
                };
                match budget.get_mut(&e) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        dropped += 1;
                        false
                    }
                    _ => true,
                }
            })
            .collect();
        (kept, dropped)
    }
}

fn entry(d: &Diagnostic, sources: &SourceMap, root: Option<&Path>) -> Option<Entry> {
    let loc = d.loc.as_ref()?;
    Some(Entry {
        code: d.code.to_string(),
        file: relative_to(root, &sources.path(loc.file).to_string_lossy()),
        pointer: loc.pointer.clone(),
        message: d.message.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Loc, Span};

    #[test]
    fn baseline_absorbs_one_finding_per_entry() {
        let mut sources = SourceMap::new();
        let f = sources.add("api/a.json", "{}");
        let d = |ptr: &str| {
            Diagnostic::new(
                &crate::lint::rules::lower_case_paths::RULE.code,
                "path must be lower case",
            )
            .at(Loc::new(f, Span::new(0, 1), ptr))
        };
        let b = Baseline::from_diagnostics(&[d("/resources/x")], &sources, None);
        let text = b.to_json();
        let dir = std::env::temp_dir().join(format!("charter-bl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("b.json");
        std::fs::write(&path, text).unwrap();
        let b = Baseline::read(&path, None).unwrap();
        let (kept, dropped) = b.filter(
            vec![d("/resources/x"), d("/resources/x"), d("/resources/y")],
            &sources,
        );
        assert_eq!(dropped, 1);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1].loc.as_ref().unwrap().pointer, "/resources/y");
        std::fs::remove_dir_all(dir).ok();
    }
}
