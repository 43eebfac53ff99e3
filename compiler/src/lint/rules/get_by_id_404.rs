use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0108",
        "a GET of one resource by id documents a 404 response",
        DOC,
    ),
    name: "get-by-id-404",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        A `GET` whose path ends in a path parameter (`/users/:id`) and returns one object can fail
        because no such object exists. Clients generated from the spec only handle the responses the
        spec declares; an undeclared 404 surfaces as a generic "unexpected status" error instead of
        `None`/`Option`.

        Checked: GET operations whose last path segment is `:param` and whose success response is
        a single (non-list, non-map, non-`unit`) type.

        Fix: add `"404": { "type": "unit" }` to the responses.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            if !is_get(op)
                || !segments(&op.path)
                    .last()
                    .is_some_and(|x| x.starts_with(':'))
            {
                continue;
            }
            let Some(ok) = success(op) else { continue };
            if ok.ty.r.is_collection() || ok.ty.r == TypeRef::Primitive(Primitive::Unit) {
                continue;
            }
            if !op
                .responses
                .iter()
                .any(|r| r.code == ResponseCode::Code(404))
            {
                out.report(
                    &op.loc,
                    format!("{}: get by id does not document a 404 response", op.label()),
                )
                .help("add \"404\": { \"type\": \"unit\" } to the responses");
            }
        }
    }
}
