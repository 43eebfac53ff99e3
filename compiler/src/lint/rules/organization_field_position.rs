use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0218",
        "`organization` comes at its conventional position among required fields",
        DOC,
    ),
    name: "organization-field-position",
    presets: FLOW,
    flow: Some("ModelsWithOrganizationField"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Flow puts a model's `organization` at a fixed place so that records read the same way
        everywhere. Among the model's *required* fields, `organization` is at index:

        - 2 after `event_id, timestamp` (events);
        - 3 after `event_id, timestamp, id`, or after `id, timestamp, type` (journal and version
          records);
        - 1 after `id`;
        - 0 otherwise.

        Fix: move the field.
    "#;

fn expected(required: &[&str]) -> usize {
    let starts = |p: &[&str]| required.len() > p.len() && required[..p.len()] == *p;
    if starts(&["event_id", "timestamp", "id"]) || starts(&["id", "timestamp", "type"]) {
        3
    } else if starts(&["event_id", "timestamp"]) {
        2
    } else if starts(&["id"]) {
        1
    } else {
        0
    }
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            let required: Vec<&str> = m
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.as_str())
                .collect();
            let Some(pos) = required.iter().position(|n| *n == "organization") else {
                continue;
            };
            let want = expected(&required);
            if pos != want {
                let f = field(m, "organization").map(|f| &f.loc).unwrap_or(&m.loc);
                out.report(
                    f,
                    format!("Model {}: field 'organization' must be in position[{want}] and not [{pos}]", m.name),
                );
            }
        }
    }
}
