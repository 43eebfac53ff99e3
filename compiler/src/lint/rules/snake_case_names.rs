use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0101",
        "names of types, fields, parameters and discriminators are snake_case",
        DOC,
    ),
    name: "snake-case-names",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        API Builder generators turn names into each language's own case (`user_form` becomes
        `UserForm` in Scala and Rust), and they do so reliably only from `snake_case`. Mixed styles
        in one spec (`userForm` next to `user_id`) also leak into the JSON wire format, where fields
        keep the spelling of the spec.

        Checked: model, enum, union and interface names; model and interface field names; path,
        query and form parameter names (headers keep their HTTP spelling); union discriminators.
        Enum values are not checked: their wire values are often dictated by other systems.

        Fix: rename to lower-case words joined by single underscores (`user_form`).
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut bad = |what: &str, name: &str, loc: &Loc| {
        if !is_snake_case(name) {
            out.report(loc, format!("{what} `{name}` is not snake_case"))
                .help(format!("rename it to `{}`", to_snake_case(name)));
        }
    };
    for (_, s) in cx.services() {
        for m in &s.models {
            bad("model", &m.name, &m.loc);
            for f in &m.fields {
                bad("field", &f.name, &f.loc);
            }
        }
        for e in &s.enums {
            bad("enum", &e.name, &e.loc);
        }
        for i in &s.interfaces {
            bad("interface", &i.name, &i.loc);
            for f in &i.fields {
                bad("field", &f.name, &f.loc);
            }
        }
        for u in &s.unions {
            bad("union", &u.name, &u.loc);
            if let Some(d) = &u.discriminator {
                bad("discriminator", d, &u.loc);
            }
        }
        for (_, op) in operations(s) {
            for p in &op.parameters {
                if p.location != Location::Header && !p.synthesized {
                    bad("parameter", &p.name, &p.loc);
                }
            }
        }
    }
}
