use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: "L0209",
    name: "event-structure",
    summary:
        "members of `_event` unions are paired and laid out `event_id, timestamp, [scope], payload`",
    severity: Severity::Warning,
    presets: FLOW,
    flow: Some("EventStructure"),
    ignore_keys: &["event_model"],
    doc: r#"
        Flow's event consumers and its stream tooling rely on one layout for every event model of a
        union ending in `_event`:

        - every `X_upserted` member has an `X_deleted` member;
        - fields: `event_id`, `timestamp`, optionally one scope field (`organization`, `channel`,
          `channel_id` or `partner`), then the payload; no more than 4 fields;
        - the payload is named after the event (`user` for `user_upserted`, or any run of the
          `_`-separated words of the prefix: `setting` or `currency_setting` for
          `currency_setting_upserted`); a deleted event may carry `id: string` instead;
        - the payload model of an upserted event has an `id: string` field.

        Only members declared in the same spec are inspected, as in Flow.

        Fix: reorder, rename or add fields as described; add the missing `_deleted` event.
    "#,
    check,
};

const SCOPES: &[&str] = &["organization", "channel", "channel_id", "partner"];

/// `currency_setting` is a run of the words of `organization_currency_setting`.
fn names_prefix(name: &str, prefix: &str) -> bool {
    let words: Vec<&str> = prefix.split('_').collect();
    (0..words.len()).any(|i| (i + 1..=words.len()).any(|j| words[i..j].join("_") == name))
}

fn check(cx: &Context, out: &mut Sink) {
    for (sid, s) in cx.services() {
        for u in s.unions.iter().filter(|u| u.name.ends_with("_event")) {
            if ignored(&u.attributes, "event_model") {
                continue;
            }
            let names: Vec<&str> = u.types.iter().map(|t| base_name(cx.repo, &t.ty)).collect();
            for (t, name) in u.types.iter().zip(&names) {
                if let Some(prefix) = name.strip_suffix("_upserted") {
                    let deleted = format!("{prefix}_deleted");
                    if !names.contains(&deleted.as_str()) {
                        out.report(
                            &t.loc,
                            format!(
                                "Union {} type {name}: missing corresponding type '{deleted}'",
                                u.name
                            ),
                        );
                    }
                }
                let Some(m) = model(s, name) else { continue };
                if ignored(&m.attributes, "event_model") {
                    continue;
                }
                check_model(cx.repo, sid, m, out);
            }
        }
    }
}

fn check_model(repo: &Repo, sid: ServiceId, m: &Model, out: &mut Sink) {
    let (prefix, deleted) = if let Some(p) = m.name.strip_suffix("_upserted") {
        (p, false)
    } else if let Some(p) = m.name.strip_suffix("_deleted") {
        (p, true)
    } else {
        // Other events (`order_placed`) only need the common header.
        (m.name.as_str(), false)
    };
    let f: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
    if f.len() > 4 {
        out.report(
            &m.loc,
            format!("Model {}: event must not have more than 4 fields", m.name),
        );
    }
    if f.first() != Some(&"event_id") {
        out.report(
            &m.loc,
            format!("Model {}: first field must be 'event_id'", m.name),
        );
    }
    if f.get(1) != Some(&"timestamp") {
        out.report(
            &m.loc,
            format!("Model {}: second field must be 'timestamp'", m.name),
        );
    }
    let rest = if f.len() > 2 { &m.fields[2..] } else { &[][..] };
    let payload = match rest {
        [] => {
            out.report(
                &m.loc,
                format!("Model {}: missing the event payload field", m.name),
            );
            return;
        }
        [p] => p,
        [scope, p, ..] => {
            if !SCOPES.contains(&scope.name.as_str()) {
                out.report(
                    &scope.loc,
                    format!(
                        "Model {}: third field must be one of {} or the payload",
                        m.name,
                        SCOPES.join(", ")
                    ),
                );
            }
            p
        }
    };
    if !(m.name.ends_with("_upserted") || m.name.ends_with("_deleted")) {
        return;
    }
    let id_ok = payload.name == "id" && is_primitive(&payload.ty, Primitive::String);
    if !(names_prefix(&payload.name, prefix) || deleted && id_ok) {
        out.report(
            &payload.loc,
            format!(
                "Model {}: payload field '{}' must be named after the event ('{}'{})",
                m.name,
                payload.name,
                prefix,
                if deleted { " or 'id'" } else { "" }
            ),
        );
    }
    if deleted && payload.name == "id" && !id_ok {
        out.report(
            &payload.loc,
            format!("Model {} Field[id]: type must be 'string'", m.name),
        );
    }
    if !deleted {
        if let TypeRef::Type(id) = &payload.ty.r {
            if id.kind == TypeKind::Model && id.service == sid {
                let pm = repo.model(*id);
                let has_id =
                    field(pm, "id").is_some_and(|f| is_primitive(&f.ty, Primitive::String));
                if !has_id {
                    out.report(
                        &payload.loc,
                        format!(
                            "Model {}: payload model '{}' must have a field 'id' of type 'string'",
                            m.name, pm.name
                        ),
                    );
                }
            }
        }
    }
}
