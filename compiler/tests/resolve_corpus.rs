//! `charter resolve` output always re-checks clean: every corpus spec that validates is resolved
//! (`emit::service_json::resolved`, what the command prints) and the output, checked on its own,
//! has no error; resolving it again gives the same document (the resolved form is a fixed point).
//!
//! Corpus specs are checked one file at a time (as `charter resolve FILE` does without `--repo`):
//! imports that are not in the repo stay references, which is what the output must carry.

use std::path::PathBuf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn corpus_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["api-json", "service-json"] {
        let Ok(rd) = std::fs::read_dir(PathBuf::from(CORPUS).join(dir)) else {
            continue;
        };
        out.extend(
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json")),
        );
    }
    out.sort();
    out
}

fn resolve(checked: &charter::Checked) -> serde_json::Value {
    let id = checked.repo.service_ids().next().expect("a service");
    charter::emit::service_json::resolved(&checked.repo, id, None).0
}

#[test]
fn resolved_corpus_specs_recheck_clean() {
    let files = corpus_files();
    assert!(
        files.len() >= 300,
        "only {} corpus files at {CORPUS}",
        files.len()
    );
    let (mut resolved, mut failures) = (0, Vec::new());
    for path in &files {
        let checked = charter::check(std::slice::from_ref(path), &charter::Options::default());
        if checked.has_errors() || checked.repo.services.len() != 1 {
            continue;
        }
        let value = resolve(&checked);
        let text = serde_json::to_string_pretty(&value).unwrap();
        let again = charter::check_sources(
            vec![(PathBuf::from("resolved.json"), text)],
            &charter::Options::default(),
        );
        let errors: Vec<String> = again
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let at = d.loc.as_ref().map(|l| l.pointer.as_str()).unwrap_or("");
                format!("{} {at}: {}", d.code, d.message)
            })
            .collect();
        let name = path.file_name().unwrap().to_string_lossy();
        if !errors.is_empty() {
            failures.push(format!("{name}: {}", errors.join("; ")));
            continue;
        }
        if resolve(&again) != value {
            failures.push(format!("{name}: resolving the output again changes it"));
            continue;
        }
        resolved += 1;
    }
    println!("{resolved} corpus specs resolved and re-checked clean");
    assert!(
        failures.is_empty(),
        "{} of {} resolved specs do not re-check clean:\n{}",
        failures.len(),
        failures.len() + resolved,
        failures.join("\n")
    );
    assert!(resolved >= 200, "only {resolved} corpus specs resolved");
}
