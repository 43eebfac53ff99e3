use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0217",
        "minimums and maximums of fields and parameters are consistent and present",
        DOC,
    ),
    name: "minimum-maximum",
    presets: FLOW,
    flow: Some("MinimumMaximum"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Model fields: a numeric default is at least the minimum; fields whose name contains
        `country` or `origin` have maximum 3 (ISO 3166 alpha-3), `currency` maximum 3 (ISO 4217),
        `language` maximum 2 (ISO 639-1) when a maximum is given; otherwise the maximum is at least
        the minimum.

        Parameters: the minimum is not negative; every list parameter has a maximum (except
        `expand`); for a list of an enum the maximum is the number of enum values; for a list of
        primitives it is 100.

        (A default below the minimum, or a maximum below the minimum, is a validation error,
        E0502 and E0501, before the linter runs; the rule checks them for specs linted without
        validation.)

        Fix: set the bounds as described.
    "#;

fn enum_len(cx: &Context, ty: &Type) -> Option<usize> {
    match ty.r.innermost() {
        TypeRef::Type(id) if id.kind == TypeKind::Enum => Some(cx.repo.enum_(*id).values.len()),
        _ => None,
    }
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for m in &s.models {
            for f in &m.fields {
                let label = format!("Model {} Field[{}]", m.name, f.name);
                if let (Some(min), Some(d)) = (
                    f.minimum,
                    f.default.as_deref().and_then(|d| d.parse::<f64>().ok()),
                ) {
                    if d < min as f64 {
                        out.report(
                            &f.loc,
                            format!("{label}: default must be >= minimum[{min}]"),
                        )
                        .help(format!(
                            "raise the default to at least {min}, or lower the minimum"
                        ));
                    }
                }
                let Some(max) = f.maximum else { continue };
                let name = f.name.as_str();
                // ISO codes: alpha-3 countries and currencies, two-letter languages.
                let fixed = if ["country", "origin", "currency"]
                    .iter()
                    .any(|k| name.contains(k))
                {
                    Some(3)
                } else if name.contains("language") {
                    Some(2)
                } else {
                    None
                };
                match fixed {
                    Some(n) if max != n => {
                        out.report(&f.loc, format!("{label}: maximum must be {n}"))
                            .help(format!("set `maximum` to {n}: the length of the ISO code"));
                    }
                    Some(_) => {}
                    None => {
                        if let Some(min) = f.minimum.filter(|min| max < *min) {
                            out.report(
                                &f.loc,
                                format!("{label}: maximum must be >= minimum[{min}]"),
                            )
                            .help("swap or correct the bounds");
                        }
                    }
                }
            }
        }
        for (r, op) in operations(s) {
            for p in &op.parameters {
                let label = format!("Resource {} {} Parameter {}", r.plural, op.label(), p.name);
                if let Some(min) = p.minimum.filter(|m| *m < 0) {
                    out.report(
                        &p.loc,
                        format!("{label}: minimum must be >= 0 and not {min}"),
                    )
                    .help("set `minimum` to 0 or more, or remove it");
                }
                if !matches!(p.ty.r, TypeRef::List(_)) || p.name == "expand" {
                    continue;
                }
                let expected = enum_len(cx, &p.ty)
                    .map(|n| n as i64)
                    .or_else(|| matches!(p.ty.r.innermost(), TypeRef::Primitive(_)).then_some(100));
                match (p.maximum, expected) {
                    (None, _) => {
                        let help = match expected {
                            Some(e) => format!("add `\"maximum\": {e}`"),
                            None => "add a `maximum` to bound the list".to_string(),
                        };
                        out.report(&p.loc, format!("{label}: missing maximum"))
                            .help(help);
                    }
                    (Some(max), Some(e)) if max != e => {
                        out.report(
                            &p.loc,
                            format!("{label}: maximum must be {e} and not {max}"),
                        )
                        .help(format!("set `maximum` to {e}"));
                    }
                    _ => {}
                }
            }
        }
    }
}
