use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0104", "operation paths do not end with `/`", DOC),
    name: "no-trailing-slash",
    presets: BOTH,
    flow: Some("PathsDoNotHaveTrailingSlash"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        `/users/` and `/users` are different URLs; routers disagree on whether to redirect one to
        the other. Same check as Flow's `PathsDoNotHaveTrailingSlash`, except that the root path
        `/` itself is accepted.

        Fix: drop the trailing `/` from the resource or operation path.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            if op.path.len() > 1 && op.path.ends_with('/') {
                out.report(&op.loc, format!("{}: path cannot end with '/'", op.label()))
                    .help(format!("use `{}`", op.path.trim_end_matches('/')));
            }
        }
    }
}
