use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0214", "names avoid `whitelist`, `blacklist`, `master`, `slave`, `dummy`, `sanity`, `young`, `old`", DOC),
    name: "inclusive-terminology",
    presets: FLOW,
    flow: Some("InclusiveTerminologyLinter"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Flow rejects a handful of terms in favour of clearer, inclusive ones. A name is rejected
        when it *is* one of the terms (exact match): models, fields, enums, enum values and their
        wire values, unions, discriminators, union types and discriminator values, interfaces and
        their fields, headers and parameters.

        | term | use instead |
        |---|---|
        | whitelist | allowlist |
        | blacklist | denylist |
        | master | primary, main |
        | slave | secondary, replica |
        | dummy | placeholder, sample |
        | sanity | confidence, coherence |
        | young, old | newer, older |

        Fix: rename the element with the term suggested above.
    "#;

const TERMS: &[(&str, &str)] = &[
    ("whitelist", "allowlist"),
    ("blacklist", "denylist"),
    ("master", "primary or main"),
    ("slave", "secondary or replica"),
    ("dummy", "placeholder or sample"),
    ("sanity", "confidence or coherence"),
    ("young", "newer"),
    ("old", "older"),
];

fn check(cx: &Context, out: &mut Sink) {
    let mut term = |what: &str, name: &str, loc: &Loc| {
        if let Some((t, instead)) = TERMS.iter().find(|(t, _)| t.eq_ignore_ascii_case(name)) {
            out.report(
                loc,
                format!("{what} '{name}': the term '{t}' is not allowed"),
            )
            .help(format!("use {instead}"));
        }
    };
    for (_, s) in cx.services() {
        for m in &s.models {
            term("model", &m.name, &m.loc);
            for f in &m.fields {
                term("field", &f.name, &f.loc);
            }
        }
        for e in &s.enums {
            term("enum", &e.name, &e.loc);
            for v in &e.values {
                term("enum value", &v.name, &v.loc);
                if let Some(w) = &v.value {
                    term("enum value", w, &v.loc);
                }
            }
        }
        for u in &s.unions {
            term("union", &u.name, &u.loc);
            if let Some(d) = &u.discriminator {
                term("discriminator", d, &u.loc);
            }
            for t in &u.types {
                term("union type", &t.ty.text, &t.loc);
                if t.explicit_discriminator_value {
                    term("discriminator value", &t.discriminator_value, &t.loc);
                }
            }
        }
        for i in &s.interfaces {
            term("interface", &i.name, &i.loc);
            for f in &i.fields {
                term("field", &f.name, &f.loc);
            }
        }
        for h in &s.headers {
            term("header", &h.name, &h.loc);
        }
        for (_, op) in operations(s) {
            for p in &op.parameters {
                term("parameter", &p.name, &p.loc);
            }
        }
    }
}
