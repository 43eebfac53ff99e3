use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0228",
        "members of the union `event` have an optional `attributes: beacon_attributes`",
        DOC,
    ),
    name: "beacon-event-attributes",
    presets: FLOW,
    flow: Some("BeaconEventsMustHaveAttributes"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Flow's beacon (browser analytics) events are the members of a union named exactly `event`;
        each carries an optional `attributes` field of type `beacon_attributes`. Flow runs this rule
        alone on its `api-misc` builds; Charter includes it in the `flow` preset, where it only
        fires on a union named `event`.

        Fix: add `{"name": "attributes", "type": "beacon_attributes", "required": false}`.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for u in s.unions.iter().filter(|u| u.name == "event") {
            for t in &u.types {
                let name = base_name(cx.repo, &t.ty);
                let Some(m) = model(s, name) else { continue };
                let ok = field(m, "attributes").is_some_and(|f| {
                    !f.required && base_name(cx.repo, &f.ty) == "beacon_attributes"
                });
                if !ok {
                    out.report(
                        &m.loc,
                        format!("Model {}: must have an optional field 'attributes' of type 'beacon_attributes'", m.name),
                    );
                }
            }
        }
    }
}
