use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0216",
        "`_mapping` models are `id` plus two named references",
        DOC,
    ),
    name: "mapping-models",
    presets: FLOW,
    flow: Some("MappingModels"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        A model ending in `_mapping` relates two resources: at least 3 fields; the first is
        `id: string`; the second and third have types ending in `_reference` and are named after
        the type they reference (`experience: experience_reference`); the model is named
        `<second>_<third>_mapping`.

        Fix: reshape or rename the model as described.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in s.models.iter().filter(|m| m.name.ends_with("_mapping")) {
            if m.fields.len() < 3 {
                out.report(
                    &m.loc,
                    format!(
                        "Model {}: mapping models must have at least 3 fields",
                        m.name
                    ),
                );
                continue;
            }
            let id = &m.fields[0];
            if id.name != "id" || !is_primitive(&id.ty, Primitive::String) {
                out.report(
                    &id.loc,
                    format!(
                        "Model {}: first field must be 'id' of type 'string'",
                        m.name
                    ),
                );
            }
            let mut refs = Vec::new();
            for (pos, f) in m.fields[1..3].iter().enumerate() {
                let t = base_name(cx.repo, &f.ty);
                match t.strip_suffix("_reference") {
                    Some(target) => {
                        if f.name != target {
                            out.report(
                                &f.loc,
                                format!(
                                    "Model {} Field[{}]: must be named '{target}' after its type",
                                    m.name, f.name
                                ),
                            );
                        }
                        refs.push(target.to_string());
                    }
                    None => {
                        out.report(
                            &f.loc,
                            format!(
                                "Model {} Field[{}]: {} field must be of a type ending in '_reference'",
                                m.name,
                                f.name,
                                if pos == 0 { "second" } else { "third" }
                            ),
                        );
                    }
                }
            }
            if refs.len() == 2 {
                let expected = format!("{}_{}_mapping", refs[0], refs[1]);
                if m.name != expected {
                    out.report(
                        &m.loc,
                        format!("Model {}: name must be '{expected}'", m.name),
                    );
                }
            }
        }
    }
}
