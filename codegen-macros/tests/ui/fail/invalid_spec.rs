#[derive(charter_macros::Api)]
#[charter(spec = "tests/ui/specs/bad/bad.json")]
struct Bad;

fn main() {}
