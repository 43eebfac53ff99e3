use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0209", "members of `_event` unions are paired and laid out `event_id, timestamp, [scope], payload`", DOC),
    name: "event-structure",
    presets: FLOW,
    flow: Some("EventStructure"),
    ignore_keys: &["event_model"],
    check,
};

const DOC: &str = r#"
        Flow's event consumers and its stream tooling rely on one layout for every event model of a
        union ending in `_event`:

        - every `X_upserted` member has a deleted event of the same prefix (`X_deleted`,
          `X_deleted_v2`);
        - deleted events have an `id: string` field;
        - fields: `event_id`, `timestamp`, optionally one scope field (`organization`, `channel`,
          `channel_id` or `partner`), then the payload; no more than 4 fields;
        - the payload of an upserted event is named after the event (`user` for `user_upserted`,
          or any run of the `_`-separated words of the prefix: `setting` or `currency_setting` for
          `currency_setting_upserted`); the payload of a deleted event is `id`;
        - the payload model of an upserted event has an `id: string` field.

        The prefix is the part of the model name before `_upserted`/`_deleted`; members whose name
        has neither are not inspected. Only members declared in the same spec are inspected, as
        in Flow.

        Fix: reorder, rename or add fields as described; add the missing `_deleted` event.
    "#;

const SCOPES: &[&str] = &["organization", "channel", "channel_id", "partner"];

/// `currency_setting` is a run of the words of `organization_currency_setting`.
fn names_prefix(name: &str, prefix: &str) -> bool {
    let words: Vec<&str> = prefix.split('_').collect();
    (0..words.len()).any(|i| (i + 1..=words.len()).any(|j| words[i..j].join("_") == name))
}

/// An event model: `(prefix, deleted)` for `user_upserted` → `("user", false)`,
/// `user_deleted_v2` → `("user", true)`; other members are not inspected.
fn event(name: &str) -> Option<(&str, bool)> {
    match (name.find("_upserted"), name.find("_deleted")) {
        (Some(i), _) if i > 0 => Some((&name[..i], false)),
        (_, Some(i)) if i > 0 => Some((&name[..i], true)),
        _ => None,
    }
}

fn check(cx: &Context, out: &mut Sink) {
    for (sid, s) in cx.services() {
        for u in s.unions.iter().filter(|u| u.name.ends_with("_event")) {
            if ignored(&u.attributes, "event_model") {
                continue;
            }
            let members: Vec<(&UnionType, &Model, &str, bool)> = u
                .types
                .iter()
                .filter_map(|t| {
                    let m = model(s, base_name(cx.repo, &t.ty))?;
                    let (prefix, deleted) = event(&m.name)?;
                    Some((t, m, prefix, deleted))
                })
                .collect();
            for (t, m, prefix, deleted) in &members {
                if !deleted && !members.iter().any(|(_, _, p, d)| *d && p == prefix) {
                    out.report(
                        &t.loc,
                        format!("Union {}: missing delete event for '{}'", u.name, m.name),
                    );
                }
                if !ignored(&m.attributes, "event_model") {
                    check_model(cx.repo, sid, m, prefix, *deleted, out);
                }
            }
        }
    }
}

fn check_model(
    repo: &Repo,
    sid: ServiceId,
    m: &Model,
    prefix: &str,
    deleted: bool,
    out: &mut Sink,
) {
    if deleted {
        match field(m, "id") {
            None => {
                out.report(
                    &m.loc,
                    format!("Deleted event '{}' is missing a field named 'id'", m.name),
                );
            }
            Some(f) if !is_primitive(&f.ty, Primitive::String) => {
                out.report(
                    &f.ty.loc,
                    format!(
                        "Model '{}' Field 'id' must have type 'string' and not '{}'",
                        m.name,
                        display(repo, &f.ty)
                    ),
                );
            }
            Some(_) => {}
        }
    }
    // The payload: `id` for deletes, else the event's prefix or a run of its words.
    let is_payload = |name: &str| {
        if deleted {
            name == "id"
        } else {
            names_prefix(name, prefix)
        }
    };
    let payload_names = if deleted {
        "id".to_string()
    } else {
        prefix.to_string()
    };
    for (i, f) in m.fields.iter().enumerate() {
        let ok = match i {
            0 => f.name == "event_id",
            1 => f.name == "timestamp",
            2 => is_payload(&f.name) || SCOPES.contains(&f.name.as_str()),
            3 => is_payload(&f.name),
            _ => {
                out.report(
                    &f.loc,
                    format!("Model {}: Cannot have more than 4 fields", m.name),
                );
                continue;
            }
        };
        if !ok {
            let allowed = match i {
                0 => "event_id".to_string(),
                1 => "timestamp".to_string(),
                2 => format!("{payload_names}, {}", SCOPES.join(", ")),
                _ => payload_names.clone(),
            };
            out.report(
                &f.loc,
                format!(
                    "Model {} Field[{}]: Invalid name '{}'. Must be one of: {allowed}",
                    m.name, f.name, f.name
                ),
            );
        }
    }
    if !deleted {
        let payload = m.fields.iter().skip(2).find(|f| is_payload(&f.name));
        if let Some(TypeRef::Type(id)) = payload.map(|f| &f.ty.r) {
            if id.kind == TypeKind::Model && id.service == sid {
                let pm = repo.model(*id);
                if !field(pm, "id").is_some_and(|f| is_primitive(&f.ty, Primitive::String)) {
                    out.report(
                        &m.loc,
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
