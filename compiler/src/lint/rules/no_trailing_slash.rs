use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: "L0104",
    name: "no-trailing-slash",
    summary: "operation paths do not end with `/`",
    severity: Severity::Warning,
    presets: BOTH,
    flow: Some("PathsDoNotHaveTrailingSlash"),
    ignore_keys: &[],
    doc: r#"
        `/users/` and `/users` are different URLs; routers disagree on whether to redirect one to
        the other. Same check as Flow's `PathsDoNotHaveTrailingSlash`, except that the root path
        `/` itself is accepted.

        Fix: drop the trailing `/` from the resource or operation path.
    "#,
    check,
};

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
