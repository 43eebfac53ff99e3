use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0204",
        "list GETs type `id`, `limit`, `offset`, `sort`, `expand` the standard way",
        DOC,
    ),
    name: "common-parameter-types",
    presets: FLOW,
    flow: Some("CommonParameterTypes"),
    ignore_keys: &["common_parameter_types"],
    check,
};

const DOC: &str = r#"
        On every GET that returns a list (health checks excepted), Flow's common parameters have
        fixed shapes, so that every list endpoint pages and filters the same way:

        | parameter | type | default | minimum | maximum |
        |---|---|---|---|---|
        | `id` | `[string]` | none | none | 100 |
        | `limit` | `long` | 25 | 1 | 100 |
        | `offset` | `long` | 0 | 0 | none |
        | `sort` | `string` | | | |
        | `expand` | `[string]` | | | |

        Exception: `id` may be `[long]` on paths ending `/versions` (journal ids).

        Fix: change the parameter to the shape above.
    "#;

struct Spec {
    name: &'static str,
    ty: &'static str,
    default: Option<Option<&'static str>>,
    minimum: Option<Option<i64>>,
    maximum: Option<Option<i64>>,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "id",
        ty: "[string]",
        default: Some(None),
        minimum: Some(None),
        maximum: Some(Some(100)),
    },
    Spec {
        name: "limit",
        ty: "long",
        default: Some(Some("25")),
        minimum: Some(Some(1)),
        maximum: Some(Some(100)),
    },
    Spec {
        name: "offset",
        ty: "long",
        default: Some(Some("0")),
        minimum: Some(Some(0)),
        maximum: Some(None),
    },
    Spec {
        name: "sort",
        ty: "string",
        default: None,
        minimum: None,
        maximum: None,
    },
    Spec {
        name: "expand",
        ty: "[string]",
        default: None,
        minimum: None,
        maximum: None,
    },
];

/// Flow's comparison of one property: absent, present or different.
fn compare<T: PartialEq + std::fmt::Display>(
    label: &str,
    actual: Option<T>,
    expected: Option<T>,
) -> Option<String> {
    match (actual, expected) {
        (None, None) => None,
        (None, Some(e)) => Some(format!("{label} was not specified - should be {e}")),
        (Some(_), None) => Some(format!("{label} should not be specified")),
        (Some(a), Some(e)) if a != e => Some(format!("{label} expected[{e}] but found[{a}]")),
        _ => None,
    }
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for r in non_healthcheck(s) {
            for op in r
                .operations
                .iter()
                .filter(|o| is_get(o) && returns_array(o))
            {
                for p in &op.parameters {
                    let Some(spec) = SPECS.iter().find(|x| x.name == p.name) else {
                        continue;
                    };
                    let ty = display(cx.repo, &p.ty);
                    // Journal ids of `/versions` operations are longs.
                    let journal =
                        p.name == "id" && ty == "[long]" && op.path.ends_with("/versions");
                    let mut problems = vec![compare("Type", Some(ty.as_str()), Some(spec.ty))];
                    if let Some(d) = spec.default {
                        problems.push(compare("Default", p.default.as_deref(), d));
                    }
                    if let Some(m) = spec.minimum {
                        problems.push(compare("Minimum", p.minimum, m));
                    }
                    if let Some(m) = spec.maximum {
                        problems.push(compare("Maximum", p.maximum, m));
                    }
                    for msg in problems.into_iter().flatten() {
                        if journal && msg.contains("expected[") {
                            continue;
                        }
                        out.report(
                            &p.loc,
                            format!(
                                "Resource {} {} Parameter {}: {msg}",
                                r.plural,
                                op.label(),
                                p.name
                            ),
                        );
                    }
                }
            }
        }
    }
}
