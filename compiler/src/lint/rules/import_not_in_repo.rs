use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0303", "every imported spec is part of the repo", DOC),
    name: "import-not-in-repo",
    presets: FLOW,
    flow: Some("oneapi: imports"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        An import whose service is not one of the specs being linted cannot be checked: its types
        are taken on trust, and repo-wide rules (duplicate types, duplicate operations) cannot see
        it. In a monorepo of specs such as Flow's, every import should resolve inside the repo.
        (Resolution already warns about this as W1001; this rule lets a lint configuration make it
        an error per path.)

        Fix: add the imported spec to the repo, or lint the directory that holds it.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for i in &s.imports {
            if i.target.is_none() {
                let name = i.namespace.clone().unwrap_or_else(|| i.uri.clone());
                out.report(&i.loc, format!("imported spec `{name}` is not in the repo"))
                    .help("add it to the specs being linted");
            }
        }
    }
}
