use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0112",
        "event unions are `{service}_event`, with paired members led by `event_id` and `timestamp`",
        DOC,
    ),
    name: "event-union-shape",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &["event_model"],
    check,
};

const DOC: &str = r#"
        Event streams are named after their union (`user_event` → `production.user.v0.user_event.json`)
        and consumers read `event_id` and `timestamp` from every record before they look at the
        discriminator. Conventions that keep this working:

        - a union whose name ends in `_event` is named `{service}_event`, where `{service}` is the
          application key with `-` replaced by `_` (`user_event` in application `user`), or its
          last words (`test_event` in application `lib-event-test`);
        - every `X_upserted` member has an `X_deleted` partner and vice versa, so consumers can
          mirror the data;
        - every member model starts with `event_id` then `timestamp`.

        Fix: rename the union, add the missing partner event, or reorder the fields.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        let app = s.application.replace(['-', '.'], "_");
        let expected = format!("{app}_event");
        for u in s.unions.iter().filter(|u| u.name.ends_with("_event")) {
            let prefix = u.name.strip_suffix("_event").unwrap_or_default();
            let named_after_app =
                !prefix.is_empty() && (app == prefix || app.ends_with(&format!("_{prefix}")));
            if !named_after_app {
                out.report(
                    &u.loc,
                    format!("event union `{}` should be named `{expected}`", u.name),
                )
                .help(format!("rename the union to `{expected}`"));
            }
            let names: Vec<&str> = u.types.iter().map(|t| base_name(cx.repo, &t.ty)).collect();
            for (t, name) in u.types.iter().zip(&names) {
                let partner = if let Some(x) = name.strip_suffix("_upserted") {
                    Some(format!("{x}_deleted"))
                } else {
                    name.strip_suffix("_deleted")
                        .map(|x| format!("{x}_upserted"))
                };
                if let Some(p) = partner {
                    if !names.contains(&p.as_str()) {
                        out.report(
                            &t.loc,
                            format!("event `{name}` of union `{}` has no `{p}` partner", u.name),
                        )
                        .help(format!("add the model `{p}` to the union `{}`", u.name));
                    }
                }
                if let Some(id) = t.ty.r.type_id().filter(|id| id.kind == TypeKind::Model) {
                    let m = cx.repo.model(id);
                    let first: Vec<&str> =
                        m.fields.iter().take(2).map(|f| f.name.as_str()).collect();
                    if first != ["event_id", "timestamp"] {
                        out.report(
                            &m.loc,
                            format!(
                                "event model `{}` must start with fields `event_id`, `timestamp`",
                                m.name
                            ),
                        )
                        .help("make `event_id` (string) and `timestamp` (date-time-iso8601) the first two fields");
                    }
                }
            }
        }
    }
}
