use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: "L0226",
    name: "upserted-deleted-naming",
    summary: "`_upserted`/`_deleted` models carry a field named and typed after the event",
    severity: Severity::Warning,
    presets: FLOW,
    flow: Some("UpsertedDeletedEventModels"),
    ignore_keys: &["event_model"],
    doc: r#"
        Flow copies events into its data lake by matching the event name to its payload: a model
        whose name contains `_upserted` or `_deleted` (`organization_currency_setting_upserted`,
        `user_upserted_v2`) must have a field whose name and type both match the words before
        that suffix (`currency_setting: currency_setting`). Matching is by words: the words of the
        field name (and of the type's name) appear, in order, among the words of the event's
        prefix, or the other way round. A deleted event may instead carry `id: string`.

        Fix: add or rename the payload field.
    "#,
    check,
};

/// The words of `a` appear in order among the words of `b`.
fn subsequence(a: &str, b: &str) -> bool {
    let mut words = b.split('_');
    a.split('_').all(|w| words.any(|x| x == w))
}

fn matches(name: &str, prefix: &str) -> bool {
    !name.is_empty() && (subsequence(name, prefix) || subsequence(prefix, name))
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            let (prefix, deleted) = match (m.name.find("_upserted"), m.name.find("_deleted")) {
                (Some(i), _) => (&m.name[..i], false),
                (None, Some(i)) => (&m.name[..i], true),
                _ => continue,
            };
            if ignored(&m.attributes, "event_model") {
                continue;
            }
            let ok =
                m.fields.iter().any(|f| {
                    matches(&f.name, prefix) && matches(base_name(cx.repo, &f.ty), prefix)
                }) || deleted
                    && field(m, "id").is_some_and(|f| is_primitive(&f.ty, Primitive::String));
            if !ok {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: must have a field whose name and type match '{prefix}'{}",
                        m.name,
                        if deleted {
                            " (or a field 'id' of type 'string')"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
    }
}
