use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0110",
        "public models and operations have a description",
        DOC,
    ),
    name: "descriptions",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Descriptions become the doc comments of generated clients and the text of API Builder's
        documentation site. An undocumented operation or payload forces every consumer to guess.

        Checked: operations whose path does not start with `/internal` or `/_internal_`, and the models that such
        operations expose: their bodies, parameters and responses, and every model reachable from
        those through fields and union members (across the repo). Models used only internally
        are not checked.

        Fix: add a `description` (one sentence is enough).
    "#;

fn is_internal(path: &str) -> bool {
    ["/internal", "/_internal_"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

fn check(cx: &Context, out: &mut Sink) {
    let mut roots = Vec::new();
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            if is_internal(&op.path) {
                continue;
            }
            roots.extend(operation_types(op));
            if op.description.is_none() {
                out.report(
                    &op.loc,
                    format!("{}: operation has no description", op.label()),
                );
            }
        }
    }
    let public = reachable(cx.repo, roots);
    for (sid, s) in cx.services() {
        for (i, m) in s.models.iter().enumerate() {
            if m.description.is_none() && public.contains(&type_id(sid, TypeKind::Model, i)) {
                out.report(
                    &m.loc,
                    format!("public model `{}` has no description", m.name),
                );
            }
        }
    }
}
