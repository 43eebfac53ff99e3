use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0225",
        "unions have a discriminator named `discriminator`, `type` or `code`",
        DOC,
    ),
    name: "flow-union-discriminator",
    presets: FLOW,
    flow: Some("UnionTypesHaveCommonDiscriminator"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Flow's stricter form of L0106: every union declares a discriminator, and it is named
        `discriminator`, `type` or `code`, so that consumers know where to look without reading the
        spec. Unions ending in `_error` use `code` (the error's code doubles as the discriminator);
        the legacy `localized_price` union may use `key`.

        Fix: rename the discriminator (a wire-format change) or add one.
    "#;

const NAMES: &[&str] = &["discriminator", "type", "code"];

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for u in &s.unions {
            let expected: &[&str] = if u.name == "localized_price" {
                &["key"]
            } else if u.name.ends_with("_error") {
                &["code"]
            } else {
                NAMES
            };
            match u.discriminator.as_deref() {
                None => {
                    out.report(
                        &u.loc,
                        format!(
                            "Union {}: must have a 'discriminator' with value one of ('{}')",
                            u.name,
                            expected.join("', '")
                        ),
                    );
                }
                Some(d) if !expected.contains(&d) => {
                    out.report(
                        &u.loc,
                        format!(
                            "Union {}: discriminator must be one of ('{}') and not '{d}'",
                            u.name,
                            expected.join("', '")
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
}
