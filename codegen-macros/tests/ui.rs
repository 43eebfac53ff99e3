//! trybuild suites of the derive: a spec with an import that compiles and runs, and the
//! compile errors for a missing spec, an invalid one and a mock without charter-runtime's `mock`
//! feature (one error naming it; messages pinned in `ui/fail/*.stderr`).

#[test]
fn ui() {
    // trybuild compiles each case in a crate under target/: spec paths stay relative to this crate.
    std::env::set_var("CHARTER_MACROS_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
