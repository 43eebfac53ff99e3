//! No finder or filter exists for a column without an index: `users.nickname` is not indexed in
//! specs/db.json, so `find_by_nickname`, `find_all_by_nickname` and a `nickname` filter do not
//! compile (while `find_by_email`, on a unique index, does: `tests/dao.rs`); nor does
//! `delete_all_by_nickname`.

#[test]
fn no_finder_for_an_unindexed_column() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
