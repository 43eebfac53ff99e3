use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0202",
        "fields and parameters use Flow's short names (`ip`, `postal`)",
        DOC,
    ),
    name: "bad-names",
    presets: FLOW,
    flow: Some("BadNames"),
    ignore_keys: &["bad_names"],
    check,
};

const DOC: &str = r#"
        Flow names an IP address `ip` and a postal code `postal` everywhere; `ip_address` and
        `postal_code` are rejected on model fields and operation parameters so the same concept has
        one name across all services.

        Fix: rename the field or parameter.
    "#;

const BAD: &[(&str, &str)] = &[("ip_address", "ip"), ("postal_code", "postal")];

fn check(cx: &Context, out: &mut Sink) {
    let good = |name: &str| BAD.iter().find(|(b, _)| *b == name).map(|(_, g)| *g);
    for (_, s) in cx.services() {
        for m in &s.models {
            if ignored(&m.attributes, "bad_names") {
                continue;
            }
            for f in &m.fields {
                if let Some(g) = good(&f.name) {
                    out.report(
                        &f.loc,
                        format!("Model {} Field[{}]: name must be '{g}'", m.name, f.name),
                    );
                }
            }
        }
        for (r, op) in operations(s) {
            for p in &op.parameters {
                if let Some(g) = good(&p.name) {
                    out.report(
                        &p.loc,
                        format!(
                            "Resource {} {} Parameter {}: name must be '{g}'",
                            r.plural,
                            op.label(),
                            p.name
                        ),
                    );
                }
            }
        }
    }
}
