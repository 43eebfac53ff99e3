use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: "L0204",
    name: "common-parameter-types",
    summary: "list GETs type `id`, `limit`, `offset`, `sort`, `expand` the standard way",
    severity: Severity::Warning,
    presets: FLOW,
    flow: Some("CommonParameterTypes"),
    ignore_keys: &["common_parameter_types"],
    doc: r#"
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
    "#,
    check,
};

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

fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "none".into())
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
                    let prefix =
                        format!("Resource {} {} Parameter {}", r.plural, op.label(), p.name);
                    let ty = display(cx.repo, &p.ty);
                    let journal =
                        p.name == "id" && ty == "[long]" && op.path.ends_with("/versions");
                    if ty != spec.ty && !journal {
                        out.report(
                            &p.loc,
                            format!("{prefix}: type must be '{}' and not '{ty}'", spec.ty),
                        );
                    }
                    if let Some(d) = spec.default {
                        if p.default.as_deref() != d {
                            out.report(
                                &p.loc,
                                format!(
                                    "{prefix}: default must be '{}' and not '{}'",
                                    show(&d),
                                    show(&p.default)
                                ),
                            );
                        }
                    }
                    if let Some(m) = spec.minimum {
                        if p.minimum != m {
                            out.report(
                                &p.loc,
                                format!(
                                    "{prefix}: minimum must be '{}' and not '{}'",
                                    show(&m),
                                    show(&p.minimum)
                                ),
                            );
                        }
                    }
                    if let Some(m) = spec.maximum {
                        if p.maximum != m {
                            out.report(
                                &p.loc,
                                format!(
                                    "{prefix}: maximum must be '{}' and not '{}'",
                                    show(&m),
                                    show(&p.maximum)
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}
