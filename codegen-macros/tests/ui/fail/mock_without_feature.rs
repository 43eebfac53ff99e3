// The mock asked for while charter-runtime's `mock` feature is off (this crate depends on
// charter-runtime with `client` only): one error naming the feature, not a page of unresolved
// paths.
#[derive(charter_macros::Api)]
#[charter(spec = "tests/ui/specs/good/shop.json", mock)]
struct Mocked;

fn main() {}
