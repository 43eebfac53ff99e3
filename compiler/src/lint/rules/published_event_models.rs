use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0221",
        "`_published` models are exactly `event_id, timestamp, organization, data`",
        DOC,
    ),
    name: "published-event-models",
    presets: FLOW,
    flow: Some("PublishedEventModels"),
    ignore_keys: &["published_event_model"],
    check,
};

const DOC: &str = r#"
        A model ending in `_published` announces data published to a partner: exactly the fields
        `event_id: string`, `timestamp: date-time-iso8601`, `organization: string` and
        `data: <prefix>_data`, in that order (`order_published` → `data: order_data`).

        Fix: reshape the model as described.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            let Some(prefix) = m.name.strip_suffix("_published") else {
                continue;
            };
            if ignored(&m.attributes, "published_event_model") {
                continue;
            }
            let data = format!("{prefix}_data");
            let expected: [(&str, &str); 4] = [
                ("event_id", "string"),
                ("timestamp", "date-time-iso8601"),
                ("organization", "string"),
                ("data", &data),
            ];
            let names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
            let want: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
            if names != want {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: fields must be exactly {}",
                        m.name,
                        want.join(", ")
                    ),
                );
                continue;
            }
            for (f, (n, t)) in m.fields.iter().zip(expected) {
                let actual = display(cx.repo, &f.ty);
                if actual != t {
                    out.report(
                        &f.loc,
                        format!(
                            "Model {} Field[{n}]: type must be '{t}' and not {actual}",
                            m.name
                        ),
                    );
                }
            }
        }
    }
}
