use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0106", "unions declare a discriminator", DOC),
    name: "union-discriminator",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Without a discriminator a union is serialized by wrapping the value in an object keyed by
        the member's name (`{"user": {...}}`), and a union of primitives or lists can only be
        encoded that way. With one, the member is named by a field inside the object
        (`{"discriminator": "user", ...}`), which every generator and most JSON tooling handles
        better and which lets a member be added later without breaking readers.

        Fix: add `"discriminator": "discriminator"` (or `type`) to the union. This changes the wire
        format: do it before clients depend on the union. Flow's stricter variant is L0225.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for u in &s.unions {
            if u.discriminator.is_none() {
                out.report(&u.loc, format!("union `{}` has no discriminator", u.name))
                    .help("add \"discriminator\": \"discriminator\"");
            }
        }
    }
}
