use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0203",
        "fields `id`, `number`, `email` are strings and `guid` is a uuid",
        DOC,
    ),
    name: "common-field-types",
    presets: FLOW,
    flow: Some("CommonFieldTypes"),
    ignore_keys: &["common_field_types"],
    check,
};

const DOC: &str = r#"
        Identifiers are opaque strings at Flow (they may carry prefixes, and numeric ids overflow
        JavaScript's numbers); e-mail addresses and human-facing numbers are strings too; a `guid`
        is a `uuid`. Model fields with these names must have these types.

        Fix: change the field's type.
    "#;

const EXPECTED: &[(&str, Primitive)] = &[
    ("id", Primitive::String),
    ("number", Primitive::String),
    ("guid", Primitive::Uuid),
    ("email", Primitive::String),
];

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            for f in &m.fields {
                let Some((_, p)) = EXPECTED.iter().find(|(n, _)| *n == f.name) else {
                    continue;
                };
                if !is_primitive(&f.ty, *p) {
                    out.report(
                        &f.ty.loc,
                        format!(
                            "Model {} Field[{}]: type must be '{}' and not {}",
                            m.name,
                            f.name,
                            p.name(),
                            display(cx.repo, &f.ty)
                        ),
                    );
                }
            }
        }
    }
}
