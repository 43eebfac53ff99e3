//! Per-rule fixtures: fixtures/diff/<RULE>/<case>/{old,new}(.json | directory), case.json (the
//! hand-written expectation: exactly which rules fire with which class) and expected.json (the
//! golden JSON report; `UPDATE_GOLDEN=1` rewrites it, and docs/diff.md).

use charter::diff::{self, report, rules, Side};
use charter::{check_sources, Checked, Options};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn update() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

/// Loads `dir/name.json`, or every .json file under `dir/name/`, with paths relative to `dir`.
fn load(dir: &Path, name: &str) -> Checked {
    try_load(dir, name).unwrap_or_else(|e| panic!("{e}"))
}

fn try_load(dir: &Path, name: &str) -> Result<Checked, String> {
    let mut files = Vec::new();
    let file = dir.join(format!("{name}.json"));
    if file.is_file() {
        files.push((
            PathBuf::from(format!("{name}.json")),
            std::fs::read_to_string(&file).expect("read"),
        ));
    } else {
        let sub = dir.join(name);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&sub)
            .unwrap_or_else(|e| panic!("{}: {e}", sub.display()))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        entries.sort();
        for p in entries {
            let rel = format!("{name}/{}", p.file_name().expect("name").to_string_lossy());
            files.push((
                PathBuf::from(rel),
                std::fs::read_to_string(&p).expect("read"),
            ));
        }
    }
    let checked = check_sources(files, &Options::default());
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "{} {} at {:?}",
                d.code,
                d.message,
                d.loc.as_ref().map(|l| &l.pointer)
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "{}/{name} does not validate: {errors:#?}",
            dir.display()
        ));
    }
    if checked.repo.services.is_empty() {
        return Err(format!("{}/{name} holds no service", dir.display()));
    }
    Ok(checked)
}

#[test]
fn every_fixture_validates() {
    let errors: Vec<String> = cases()
        .iter()
        .flat_map(|(_, dir)| ["old", "new"].map(|side| try_load(dir, side).err()))
        .flatten()
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = repo_root().join("fixtures/diff");
    let mut out = Vec::new();
    let mut rules_dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/diff")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    rules_dirs.sort();
    for rd in rules_dirs {
        let rule = rd.file_name().expect("name").to_string_lossy().into_owned();
        let mut case_dirs: Vec<PathBuf> = std::fs::read_dir(&rd)
            .expect("rule dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        case_dirs.sort();
        for cd in case_dirs {
            out.push((rule.clone(), cd));
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct Expect {
    rule: String,
    /// Wire class.
    class: String,
    /// Source class.
    source: String,
}

#[derive(serde::Deserialize)]
struct Case {
    expect: Vec<Expect>,
}

#[test]
fn every_fixture_reports_exactly_what_it_expects() {
    let mut failures = Vec::new();
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let all = cases();
    assert!(all.len() > 50, "too few fixtures: {}", all.len());
    for (rule, dir) in &all {
        let old = load(dir, "old");
        let new = load(dir, "new");
        let result = diff::diff(
            Side::new(&old.repo, &old.sources),
            Side::new(&new.repo, &new.sources),
        );
        let json = report::render_json(&result) + "\n";
        let golden = dir.join("expected.json");
        if update() {
            std::fs::write(&golden, &json).expect("write golden");
        } else {
            let want = std::fs::read_to_string(&golden).unwrap_or_default();
            if want != json {
                failures.push(format!(
                    "{}: report differs from expected.json:\n{json}",
                    dir.display()
                ));
            }
        }
        let case: Case = serde_json::from_str(
            &std::fs::read_to_string(dir.join("case.json")).expect("case.json"),
        )
        .expect("case.json shape");
        let mut want: Vec<(String, String, String)> = case
            .expect
            .into_iter()
            .map(|e| (e.rule, e.class, e.source))
            .collect();
        let mut got: Vec<(String, String, String)> = result
            .changes
            .iter()
            .map(|c| {
                let (w, s) = (c.class.as_str(), c.source.as_str());
                (c.rule.to_string(), w.to_string(), s.to_string())
            })
            .collect();
        want.sort();
        got.sort();
        if want != got {
            failures.push(format!(
                "{}: expected {want:?}, got {got:?}\n{json}",
                dir.display()
            ));
        }
        for (r, c, _) in &got {
            if r == rule {
                seen.entry(r.clone()).or_default().insert(c.clone());
            }
        }
        assert!(
            rules::lookup(rule).is_some(),
            "fixture dir {rule} is not a rule"
        );
    }
    assert!(
        failures.is_empty(),
        "{} failing fixture(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // every rule has a fixture, and directional rules one per class they can take
    let mut missing = Vec::new();
    for r in rules::RULES {
        let classes = seen.get(r.id).cloned().unwrap_or_default();
        if classes.is_empty() {
            missing.push(format!("{}: no fixture", r.id));
            continue;
        }
        if r.directional() {
            for c in [r.request, r.response] {
                if !classes.contains(c.as_str()) {
                    missing.push(format!("{}: no fixture where it is {}", r.id, c.as_str()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn diff_of_a_spec_with_itself_is_empty() {
    for (_, dir) in cases() {
        for side in ["old", "new"] {
            let a = load(&dir, side);
            let b = load(&dir, side);
            let r = diff::diff(
                Side::new(&a.repo, &a.sources),
                Side::new(&b.repo, &b.sources),
            );
            assert!(
                r.changes.is_empty(),
                "{}/{side}: {:?}",
                dir.display(),
                r.changes
            );
        }
    }
}

#[test]
fn docs_are_fresh() {
    let path = repo_root().join("docs/diff.md");
    let want = diff::docs_markdown();
    if update() {
        std::fs::create_dir_all(path.parent().expect("docs")).expect("mkdir");
        std::fs::write(&path, &want).expect("write docs");
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/diff.md is stale: run UPDATE_GOLDEN=1 cargo test -p charter --test diff_fixtures"
    );
}

/// The rows of ServiceDiffSpec (reference §3.3) with several sub-cases, and how many: a fixture
/// names one as `#21.3`. Sub-cases that are "no change" are covered by
/// `diff_of_a_spec_with_itself_is_empty` and listed in `elsewhere` as `(row, sub-case)`.
const SUB_CASES: &[(u32, u32)] = &[
    (9, 4),
    (10, 4),
    (16, 3),
    (17, 3),
    (18, 3),
    (20, 2),
    (21, 7),
    (22, 3),
    (23, 3),
    (26, 2),
    (27, 3),
    (28, 3),
    (29, 2),
    (31, 2),
    (33, 2),
    (34, 2),
    (35, 3),
    (36, 3),
    (37, 2),
    (39, 2),
    (43, 9),
    (45, 3),
    (46, 2),
    (47, 5),
    (48, 5),
    (50, 5),
    (51, 3),
    (52, 3),
    (53, 2),
    (54, 3),
    (57, 2),
    (60, 2),
    (62, 4),
    (63, 2),
    (64, 4),
    (65, 2),
    (66, 3),
    (67, 2),
    (69, 2),
];

/// `(row, sub-case)` of every `#N` / `#N.k` a case.json's `apibuilder` names, with API Builder's
/// letter when it gives one (`B`, `NB`; `B+NB` gives none).
fn apibuilder_refs(text: &str) -> Vec<(u32, Option<u32>, Option<&str>)> {
    let letter = text
        .split_whitespace()
        .last()
        .filter(|l| *l == "B" || *l == "NB");
    text.split('#')
        .skip(1)
        .filter_map(|part| {
            let head: String = part
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let mut it = head.split('.');
            let row = it.next()?.parse().ok()?;
            let sub = it.next().and_then(|s| s.parse().ok());
            Some((row, sub, letter))
        })
        .collect()
}

/// Each fixture's class of its own rule is compared with API Builder's B/NB letter for the row it
/// reproduces (breaking ↔ B, non-breaking ↔ NB; dangerous is neither): a difference needs a
/// `differs_from_apibuilder` note saying why.
#[test]
fn apibuilder_letters_agree_or_are_explained() {
    let mut bad = Vec::new();
    let mut compared = 0;
    for (rule, dir) in cases() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let Some(text) = v.get("apibuilder").and_then(|a| a.as_str()) else {
            continue;
        };
        let Some(letter) = apibuilder_refs(text).first().and_then(|r| r.2) else {
            continue;
        };
        let classes: BTreeSet<&str> = v["expect"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["rule"] == rule.as_str())
            .map(|e| e["class"].as_str().unwrap())
            .collect();
        let ours = if classes.contains("breaking") {
            "B"
        } else if classes.contains("dangerous") {
            "D"
        } else {
            "NB"
        };
        compared += 1;
        if ours != letter && v.get("differs_from_apibuilder").is_none() {
            bad.push(format!(
                "{}: API Builder says {letter}, Charter {ours} on the wire, and no note says why",
                dir.display()
            ));
        }
    }
    assert!(compared > 100, "only {compared} fixtures compared");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every row of API Builder's ServiceDiffSpec (reference §3.3) is reproduced by a fixture whose
/// case.json names it, and every sub-case of the rows in [`SUB_CASES`], except the rows listed
/// here with the reason.
#[test]
fn every_service_diff_spec_row_is_reproduced() {
    // sub-cases that compare a spec with an unchanged copy
    let same = "no change: diff_of_a_spec_with_itself_is_empty";
    let elsewhere_sub: Vec<((u32, u32), &str)> = [
        (9, 1),
        (10, 1),
        (22, 1),
        (27, 1),
        (35, 1),
        (47, 2),
        (48, 2),
        (50, 1),
        (51, 1),
        (54, 1),
        (62, 1),
    ]
    .into_iter()
    .map(|rk| (rk, same))
    .collect();
    let elsewhere: &[(u32, &str)] = &[
        (1, "no change: diff_of_a_spec_with_itself_is_empty"),
        (11, "headers without change: diff_of_a_spec_with_itself_is_empty"),
        (19, "imports without change: diff_of_a_spec_with_itself_is_empty"),
        (5, "organization key: not part of api.json (set at upload), so not expressible as a fixture"),
        (6, "application key: not part of api.json (set at upload), so not expressible as a fixture"),
        (8, "version: not part of api.json (set at upload), so not expressible as a fixture"),
    ];
    let mut covered = BTreeSet::new();
    let mut covered_sub = BTreeSet::new();
    for (_, dir) in cases() {
        let text = std::fs::read_to_string(dir.join("case.json")).expect("case.json");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let Some(rows) = v.get("apibuilder").and_then(|a| a.as_str()) else {
            continue;
        };
        for (row, sub, _) in apibuilder_refs(rows) {
            covered.insert(row);
            if let Some(k) = sub {
                covered_sub.insert((row, k));
            }
        }
    }
    let missing_sub: Vec<(u32, u32)> = SUB_CASES
        .iter()
        .flat_map(|&(row, n)| (1..=n).map(move |k| (row, k)))
        .filter(|rk| !covered_sub.contains(rk) && !elsewhere_sub.iter().any(|(e, _)| e == rk))
        .collect();
    assert!(
        missing_sub.is_empty(),
        "ServiceDiffSpec sub-cases without a fixture (name them as #row.k): {missing_sub:?}"
    );
    let missing: Vec<u32> = (1..=69)
        .filter(|n| !covered.contains(n) && !elsewhere.iter().any(|(m, _)| m == n))
        .collect();
    assert!(
        missing.is_empty(),
        "ServiceDiffSpec rows without a fixture: {missing:?}"
    );
}
