//! Goldens of what Charter generates for specs/db.json: the DAO code (`src/db.rs`, compiled by
//! this crate under `deny(warnings)`) and the schema (`fixtures/dao/db.sql`, applied by
//! `tests/migrations.rs`). `UPDATE_GOLDEN=1` rewrites them.

use charter_dao_tests::{plan, workspace};

fn check(path: std::path::PathBuf, want: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, want).expect("write golden");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let diff = similar::TextDiff::from_lines(have.as_str(), want)
            .unified_diff()
            .header("golden", "generated")
            .to_string();
        panic!(
            "{} is stale (UPDATE_GOLDEN=1 to accept):\n{diff}",
            path.display()
        );
    }
}

#[test]
fn generated_dao_and_schema_match_the_goldens() {
    let specs = workspace().join("specs");
    let (checked, plan) = plan(&[specs]);
    let sid = plan
        .services()
        .into_iter()
        .find(|s| checked.repo.service(*s).name == "db")
        .expect("specs/db.json has tables");
    let tables: Vec<_> = plan.for_service(sid).collect();
    let rust = charter::dao::rust::file(&checked.repo, &tables, "DAOs of specs/db.json.");
    check(workspace().join("tests/dao/src/db.rs"), &rust);
    let sql = charter::dao::sql::schema(&tables, "Schema of `db`");
    check(workspace().join("fixtures/dao/db.sql"), &sql);
}

#[test]
fn generation_is_deterministic() {
    let specs = workspace().join("specs");
    let (checked, plan) = plan(std::slice::from_ref(&specs));
    let (checked2, plan2) = plan_again(&specs);
    for (a, b) in plan.services().into_iter().zip(plan2.services()) {
        let ta: Vec<_> = plan.for_service(a).collect();
        let tb: Vec<_> = plan2.for_service(b).collect();
        assert_eq!(
            charter::dao::rust::file(&checked.repo, &ta, "x"),
            charter::dao::rust::file(&checked2.repo, &tb, "x")
        );
    }
}

fn plan_again(p: &std::path::Path) -> (charter::Checked, charter::dao::Plan) {
    plan(&[p.to_path_buf()])
}
