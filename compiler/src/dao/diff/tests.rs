//! Every fixture in `fixtures/dao-diff/<case>/` (old.json, new.json, expect: the rule ids that
//! must fire, exactly), and every rule has at least one fixture that fires it.

use super::*;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/dao-diff")
}

fn side(path: &Path) -> (crate::Checked, Plan) {
    let text = std::fs::read_to_string(path).unwrap();
    let checked =
        crate::check_sources(vec![(path.to_path_buf(), text)], &crate::Options::default());
    assert!(
        !checked.has_errors(),
        "{}: {:?}",
        path.display(),
        checked.diagnostics
    );
    let (plan, diags) = crate::dao::plan_checked(&checked);
    assert!(!diags.has_errors(), "{}: {diags:?}", path.display());
    (checked, plan)
}

#[test]
fn fixtures_fire_exactly_their_rules() {
    let mut fired = std::collections::BTreeSet::new();
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let dir = entry.unwrap().path();
        let (oc, op) = side(&dir.join("old.json"));
        let (nc, np) = side(&dir.join("new.json"));
        let mut got: Vec<&str> = findings(&op, &np).iter().map(|f| f.rule.id).collect();
        got.sort();
        got.dedup();
        let expect = std::fs::read_to_string(dir.join("expect")).unwrap();
        let want: Vec<&str> = expect.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(got, want, "{}", dir.display());
        fired.extend(want.iter().map(|s| s.to_string()));
        // Located on a side's file, with the rule's class.
        for c in compare(
            Side::new(&oc.repo, &oc.sources),
            Side::new(&nc.repo, &nc.sources),
        ) {
            assert!(c.file.is_some() && c.line.is_some(), "{c:?}");
            assert_eq!(Some(c.class), lookup(c.rule).map(|r| r.class));
        }
        n += 1;
    }
    assert!(n >= RULES.len());
    for (rule, _) in RULES {
        assert!(fired.contains(rule.id), "no fixture fires {}", rule.id);
    }
}

#[test]
fn rules_are_documented_and_unique() {
    let mut ids = std::collections::HashSet::new();
    for (r, _) in RULES {
        assert!(ids.insert(r.id), "{}", r.id);
        assert!(
            r.id.starts_with("DB")
                && !r.doc.is_empty()
                && !r.summary.is_empty()
                && !r.squawk.is_empty()
        );
        assert!(
            crate::diff::rules::lookup(r.id).is_none(),
            "{} clashes with an API diff rule",
            r.id
        );
    }
}
