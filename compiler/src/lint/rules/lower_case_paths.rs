use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0103", "operation paths are all lower case", DOC),
    name: "lower-case-paths",
    presets: BOTH,
    flow: Some("LowerCasePaths"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        URLs are case sensitive: `/Users` and `/users` are different resources to every client and
        cache. Keeping paths, including the names of path parameters, lower case removes that class
        of mistakes. Same check as Flow's `LowerCasePaths`.

        Fix: lower-case the resource or operation path (`/users/:user_id`).
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            if op.path.to_lowercase() != op.path {
                out.report(
                    &op.loc,
                    format!("{}: path must be all lower case", op.label()),
                )
                .help(format!("use `{}`", op.path.to_lowercase()));
            }
        }
    }
}
