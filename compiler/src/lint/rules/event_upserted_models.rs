use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: "L0210",
    name: "event-upserted-models",
    summary: "`_upserted`/`_deleted` models order and type `event_id`, `timestamp`, `id`, `organization`, `number`",
    severity: Severity::Warning,
    presets: FLOW,
    flow: Some("EventUpsertedModels"),
    ignore_keys: &["event_model"],
    doc: r#"
        Models ending in `_upserted` or `_deleted` start with `event_id` then `timestamp`; of the
        other well-known fields, those present come in the order `id`, `organization`, `number`.
        `number` requires `organization` (numbers are unique only within an organization). Types:
        `event_id: string`, `timestamp: date-time-iso8601`, `organization: string`,
        `number: string`.

        Fix: reorder or retype the fields.
    "#,
    check,
};

const ORDER: &[&str] = &["event_id", "timestamp", "id", "organization", "number"];

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            if !(m.name.ends_with("_upserted") || m.name.ends_with("_deleted"))
                || ignored(&m.attributes, "event_model")
            {
                continue;
            }
            let names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
            if names.first() != Some(&"event_id") {
                out.report(
                    &m.loc,
                    format!("Model {}: event_id must be the first field", m.name),
                );
            }
            if names.get(1) != Some(&"timestamp") {
                out.report(
                    &m.loc,
                    format!("Model {}: timestamp must be the second field", m.name),
                );
            }
            let known: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| ORDER.contains(n))
                .collect();
            let mut sorted = known.clone();
            sorted.sort_by_key(|n| ORDER.iter().position(|o| o == n));
            if known != sorted {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: fields must be ordered {}",
                        m.name,
                        sorted.join(", ")
                    ),
                );
            }
            if names.contains(&"number") && !names.contains(&"organization") {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: field 'number' requires a field 'organization'",
                        m.name
                    ),
                );
            }
            for f in &m.fields {
                let want = match f.name.as_str() {
                    "event_id" | "organization" | "number" => Primitive::String,
                    "timestamp" => Primitive::DateTimeIso8601,
                    _ => continue,
                };
                if !is_primitive(&f.ty, want) {
                    out.report(
                        &f.loc,
                        format!(
                            "Model {} Field[{}]: type must be '{}' and not {}",
                            m.name,
                            f.name,
                            want.name(),
                            display(cx.repo, &f.ty)
                        ),
                    );
                }
            }
        }
    }
}
