use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0226",
        "`_upserted`/`_deleted` models carry a field named and typed after the event",
        DOC,
    ),
    name: "upserted-deleted-naming",
    presets: FLOW,
    flow: Some("UpsertedDeletedEventModels"),
    ignore_keys: &["event_model"],
    check,
};

const DOC: &str = r#"
        Flow copies events into its data lake by matching the event name to its payload: a model
        whose name contains `_upserted` or `_deleted` (`organization_currency_setting_upserted`,
        `user_upserted_v2`) must have a field whose name and type both match the words before
        that suffix (`currency_setting: currency_setting`). Matching is by words: the words of the
        field name appear, in order, among the words of the event's prefix; the type's name and
        the prefix contain one another's words in order. A deleted event may instead carry
        `id: string`. (Flow also exempts a list of its legacy event models by name; Charter does
        not: silence those with the `linter` attribute key `event_model` or a baseline.)

        Fix: add or rename the payload field.
    "#;

/// The words of `a` appear in order among the words of `b`.
fn subsequence(a: &str, b: &str) -> bool {
    let mut words = b.split('_').filter(|w| !w.is_empty());
    a.split('_')
        .filter(|w| !w.is_empty())
        .all(|w| words.any(|x| x == w))
}

/// Flow's payload match: the field's name is made of words of the prefix, and its type's name
/// and the prefix contain one another's words.
fn payload(repo: &Repo, f: &Field, prefix: &str) -> bool {
    let ty = base_name(repo, &f.ty);
    subsequence(&f.name, prefix) && (subsequence(prefix, ty) || subsequence(ty, prefix))
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            let (prefix, deleted) = match (m.name.find("_upserted"), m.name.find("_deleted")) {
                (Some(i), _) if i > 0 => (&m.name[..i], false),
                (_, Some(i)) if i > 0 => (&m.name[..i], true),
                _ => continue,
            };
            if ignored(&m.attributes, "event_model") {
                continue;
            }
            let id = field(m, "id");
            let string_id = id.is_some_and(|f| is_primitive(&f.ty, Primitive::String));
            if m.fields.iter().any(|f| payload(cx.repo, f, prefix)) || deleted && string_id {
                continue;
            }
            match id {
                Some(f) if deleted => {
                    out.report(
                        &f.ty.loc,
                        format!(
                            "Model {}: type of field 'id' must be 'string' and not '{}'",
                            m.name,
                            display(cx.repo, &f.ty)
                        ),
                    );
                }
                _ => {
                    out.report(
                        &m.loc,
                        format!(
                            "Model {}: event must contain a field whose name and type contain {}",
                            m.name,
                            prefix.split('_').collect::<Vec<_>>().join(" or ")
                        ),
                    );
                }
            }
        }
    }
}
