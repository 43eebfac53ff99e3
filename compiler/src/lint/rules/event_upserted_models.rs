use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0210", "`_upserted`/`_deleted` models start `event_id`, `timestamp`, then `organization`, `number`", DOC),
    name: "event-upserted-models",
    presets: FLOW,
    flow: Some("EventUpsertedModels"),
    ignore_keys: &["event_model"],
    check,
};

const DOC: &str = r#"
        Models ending in `_upserted` or `_deleted` start with `event_id` then `timestamp`. An
        `organization` field comes right after `timestamp`, or right after `id` when `id` is the
        third field (`event_id, timestamp, organization, id` and `event_id, timestamp, id,
        organization` are both fine); a `number` field comes right after `organization`, and
        requires it (numbers are unique only within an organization). Types:
        `event_id: string`, `timestamp: date-time-iso8601`, `organization: string`,
        `number: string`.

        Fix: reorder or retype the fields.
    "#;

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
            // Flow's layout: `organization`, when present, comes right after `timestamp`, or
            // right after `id` when `id` is third; `number` comes right after `organization`.
            // Other fields (including `id` after `organization`) may follow in any order.
            let (org_at, prior) = match names.get(2) {
                Some(&"id") => (3, "id"),
                _ => (2, "timestamp"),
            };
            let org = names.iter().position(|n| *n == "organization");
            if org.is_some_and(|i| i != org_at) {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: field 'organization' must come right after '{prior}'",
                        m.name
                    ),
                );
            }
            match (org, names.iter().position(|n| *n == "number")) {
                (None, Some(_)) => {
                    out.report(
                        &m.loc,
                        format!(
                            "Model {}: field 'number' requires a field 'organization'",
                            m.name
                        ),
                    );
                }
                (Some(o), Some(n)) if n != o + 1 => {
                    out.report(
                        &m.loc,
                        format!(
                            "Model {}: field 'number' must come right after 'organization'",
                            m.name
                        ),
                    );
                }
                _ => {}
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
