use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0227",
        "`_version` models are `id, timestamp, type, <base>`",
        DOC,
    ),
    name: "version-models",
    presets: FLOW,
    flow: Some("VersionModels"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        A model ending in `_version` is a journal record of another model: exactly 4 required
        fields, `id: string`, `timestamp: date-time-iso8601`, `type: change_type` (Flow's
        `io.flow.common.v0.enums.change_type`), and the versioned object named after the base
        (`user` in `user_version`), typed `<base>`, `<base>_summary` or `expandable_<base>`.

        Fix: reshape the model as described.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            let Some(base) = m.name.strip_suffix("_version") else {
                continue;
            };
            let names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
            let want = ["id", "timestamp", "type", base];
            if names != want || m.fields.iter().any(|f| !f.required) {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: must have exactly 4 required fields: {}",
                        m.name,
                        want.join(", ")
                    ),
                );
                continue;
            }
            let f = &m.fields;
            if !is_primitive(&f[0].ty, Primitive::String) {
                out.report(
                    &f[0].loc,
                    format!("Model {} Field[id]: type must be 'string'", m.name),
                );
            }
            if !is_primitive(&f[1].ty, Primitive::DateTimeIso8601) {
                out.report(
                    &f[1].loc,
                    format!(
                        "Model {} Field[timestamp]: type must be 'date-time-iso8601'",
                        m.name
                    ),
                );
            }
            if base_name(cx.repo, &f[2].ty) != "change_type" {
                out.report(
                    &f[2].loc,
                    format!(
                        "Model {} Field[type]: type must be 'io.flow.common.v0.enums.change_type'",
                        m.name
                    ),
                );
            }
            let t = base_name(cx.repo, &f[3].ty);
            let ok = [
                base.to_string(),
                format!("{base}_summary"),
                format!("expandable_{base}"),
            ];
            if !ok.iter().any(|o| o == t) || f[3].ty.r.is_collection() {
                out.report(
                    &f[3].loc,
                    format!(
                        "Model {} Field[{base}]: type must be one of '{}'",
                        m.name,
                        ok.join("', '")
                    ),
                );
            }
        }
    }
}
