//! docs/lints.md is generated from the rule docs; this test fails when it is stale.
//! `UPDATE_GOLDEN=1 cargo test -p charter --test lint_docs` regenerates it.

#[test]
fn lints_md_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lints.md");
    let generated = charter::lint::docs::render();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/lints.md is stale: run `UPDATE_GOLDEN=1 cargo test -p charter --test lint_docs`"
    );
    for rule in charter::lint::RULES {
        assert!(generated.contains(&format!("## {} {}", rule.code, rule.name)));
    }
}
