use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0102", "a resource's path contains its plural", DOC),
    name: "plural-path",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        By default a resource of type `user` lives at `/users`, its plural. An explicit path that
        does not mention the plural at all (`/people` for `user`, `/user/:id`) makes the URL space
        inconsistent with the type names and with the rest of the API.

        The rule passes when some static segment of the resource path equals the plural, either as
        written (`gift_cards`) or with dashes (`gift-cards`). Resources at the root (`""` or `/`)
        are not checked.

        Fix: use the plural in the path (`/:organization/users`), or set the resource's `plural`.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for r in &s.resources {
            if !r.explicit_path || segments(&r.path).next().is_none() || r.plural.is_empty() {
                continue;
            }
            let dashed = r.plural.replace('_', "-");
            if !segments(&r.path).any(|seg| seg == r.plural || seg == dashed) {
                out.report(
                    &r.loc,
                    format!(
                        "resource path `{}` does not contain its plural `{}`",
                        r.path, r.plural
                    ),
                )
                .help(format!("use a path like `/{}`", r.plural));
            }
        }
    }
}
