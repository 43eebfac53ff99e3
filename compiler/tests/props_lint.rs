//! Property: the linter over random *valid* specs (`support/valid_spec.rs`), through the library
//! API with every rule of both presets on. It never panics; every finding is a lint rule's code
//! with a help line, located in one of the repo's files, inside its text, at a JSON pointer that
//! exists in that file and whose span holds that element; and two runs over separately loaded
//! copies give the same findings in the same order.
//!
//! Deterministic (fixed seed); `CHARTER_PROPS_CASES` sets the number of cases (default 64).

#[path = "support/valid_spec.rs"]
mod valid_spec;

use charter::diag::Diagnostics;
use charter::lint::{self, LintConfig, Preset};
use serde_json::Value;

/// What one finding says, for comparing runs.
type Seen = (String, String, String, u32, u32, Option<String>);

fn lint_all(main: &Value, what: &str) -> (charter::Checked, Vec<Seen>, Diagnostics) {
    let checked = valid_spec::check_valid(main, what);
    let mut diags = Diagnostics::new();
    let config = LintConfig::with_presets(&[Preset::Recommended, Preset::Flow]);
    let stats = lint::lint(&checked.repo, &checked.sources, &config, &mut diags);
    assert_eq!(stats.skipped, 0, "{what}: a valid service was not linted");
    assert_eq!(stats.linted, 2, "{what}");
    let seen = diags
        .iter()
        .map(|d| {
            let loc = d.loc.as_ref();
            (
                d.code.id.to_owned(),
                d.message.clone(),
                loc.map(|l| l.pointer.clone()).unwrap_or_default(),
                loc.map_or(0, |l| l.span.start),
                loc.map_or(0, |l| l.span.end),
                d.help.clone(),
            )
        })
        .collect();
    (checked, seen, diags)
}

/// The JSON value at an RFC 6901 pointer.
fn at<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    root.pointer(pointer)
}

#[test]
fn lint_findings_are_located_coded_helped_and_deterministic() {
    let cases = valid_spec::cases("CHARTER_PROPS_CASES", 64);
    let mut total = 0usize;
    let mut codes = std::collections::BTreeSet::new();
    for (case, d) in valid_spec::samples(cases).iter().enumerate() {
        let what = format!("case {case}");
        let main = valid_spec::build(d);
        let (checked, first, diags) = lint_all(&main, &what);
        for d in diags.iter() {
            let id = d.code.id;
            assert!(
                lint::rule(id).is_some(),
                "{what}: {id} is not a lint rule: {}",
                d.message
            );
            let help = d.help.as_deref().unwrap_or("");
            assert!(
                !help.trim().is_empty(),
                "{what}: {id} has no help line: {}",
                d.message
            );
            assert!(!d.message.trim().is_empty(), "{what}: {id} has no message");
            let loc = d
                .loc
                .as_ref()
                .unwrap_or_else(|| panic!("{what}: {id} is not located: {}", d.message));
            assert!(
                (loc.file.0 as usize) < checked.sources.len(),
                "{what}: {id} points at no loaded file"
            );
            let file = checked.sources.get(loc.file);
            let text: &str = &file.text;
            let (s, e) = (loc.span.start as usize, loc.span.end as usize);
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
                "{what}: {id} span {s}..{e} is outside {} ({} bytes)",
                file.path.display(),
                text.len()
            );
            assert!(e > s, "{what}: {id} at {} has an empty span", loc.pointer);
            let json: Value = serde_json::from_str(text).unwrap();
            let value = at(&json, &loc.pointer).unwrap_or_else(|| {
                panic!(
                    "{what}: {id} points at {} which is not in {}: {}",
                    loc.pointer,
                    file.path.display(),
                    d.message
                )
            });
            // The span holds the element: its text is the value at the pointer, or the key
            // of that member (a name that a rule complains about).
            let snippet = &text[s..e];
            let holds = serde_json::from_str::<Value>(snippet).is_ok_and(|v| &v == value)
                || loc
                    .pointer
                    .rsplit('/')
                    .next()
                    .is_some_and(|k| snippet == format!("\"{k}\""));
            assert!(
                holds,
                "{what}: {id} at {}: the span `{snippet}` does not hold the element",
                loc.pointer
            );
            codes.insert(id);
        }
        total += first.len();
        let (_, second, _) = lint_all(&main, &what);
        assert_eq!(first, second, "{what}: two runs disagree");
    }
    // The property must have something to check: random specs trip several rules.
    assert!(
        total > cases as usize,
        "only {total} findings in {cases} cases"
    );
    assert!(codes.len() >= 5, "only rules {codes:?} fired");
    eprintln!(
        "{cases} cases, {total} findings of {} rules: {codes:?}",
        codes.len()
    );
}
