use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0107",
        "POST and PUT bodies are `{resource}_form` models",
        DOC,
    ),
    name: "form-bodies",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Requests that create or replace a resource take a *form*: a model of the fields a client
        may set (`user_form`), distinct from the resource itself (`user`), which also carries
        server-assigned fields such as `id` or timestamps. Reusing the resource model as the body
        invites clients to send fields the server ignores, and ties the two shapes together forever.

        Checked: POST and PUT operations whose body is a declared or imported type (a list of them
        counts by its element). The body type's name must end with `_form`; the help suggests
        `{resource}_form`. Bodies of primitive types (`json`, `object`, …) are not checked.

        Fix: declare a `{resource}_form` model with the writable fields and use it as the body.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (r, op) in operations(s) {
            if !matches!(op.method, Some(Method::Post | Method::Put)) {
                continue;
            }
            let Some(body) = &op.body else { continue };
            if matches!(body.ty.r.innermost(), TypeRef::Primitive(_)) {
                continue;
            }
            let name = base_name(cx.repo, &body.ty);
            if !name.ends_with("_form") {
                let resource = base_name(cx.repo, &r.ty);
                out.report(
                    &body.loc,
                    format!(
                        "{}: body type `{name}` is not a form (a model named `*_form`)",
                        op.label()
                    ),
                )
                .help(format!(
                    "declare a `{resource}_form` model with the writable fields"
                ));
            }
        }
    }
}
