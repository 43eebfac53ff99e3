#[derive(charter_macros::Api)]
#[charter(spec = "tests/ui/specs/nowhere.json", client)]
struct Missing;

fn main() {}
