use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0201", "every attribute is one Flow knows", DOC),
    name: "well-known-attributes",
    presets: FLOW,
    flow: Some("AllAttributesAreWellKnown"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Attributes are free-form metadata, so a misspelt one is silently ignored by every
        generator. Flow accepts only `api-build`, `graphql`, `linter`, `non-crud`, `sort` and
        `io.flow.proxy`, on headers, enums, interfaces, unions, models, resources, operations,
        parameters and responses.

        Fix: remove the attribute, or correct its name.
    "#;

const KNOWN: &[&str] = &[
    "api-build",
    "graphql",
    "linter",
    "non-crud",
    "sort",
    "io.flow.proxy",
];

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        let mut all: Vec<&Attribute> = Vec::new();
        for h in &s.headers {
            all.extend(&h.attributes);
        }
        for e in &s.enums {
            all.extend(&e.attributes);
        }
        for i in &s.interfaces {
            all.extend(&i.attributes);
        }
        for u in &s.unions {
            all.extend(&u.attributes);
        }
        for m in &s.models {
            all.extend(&m.attributes);
        }
        for r in &s.resources {
            all.extend(&r.attributes);
            for op in &r.operations {
                all.extend(&op.attributes);
                for p in &op.parameters {
                    all.extend(&p.attributes);
                }
                for resp in &op.responses {
                    all.extend(&resp.attributes);
                }
            }
        }
        for a in all {
            if !KNOWN.contains(&a.name.as_str()) {
                out.report(&a.loc, format!("unknown attribute named '{}'", a.name))
                    .help(format!("known attributes: {}", KNOWN.join(", ")));
            }
        }
    }
}
