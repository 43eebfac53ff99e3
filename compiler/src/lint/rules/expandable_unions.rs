use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0211",
        "`expandable_X` unions list `X` then `X_reference` first",
        DOC,
    ),
    name: "expandable-unions",
    presets: FLOW,
    flow: Some("ExpandableUnionsAreConsistent"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        An `expandable_X` union holds either the full `X` or its `X_reference` (`{"id": ...}`),
        depending on the request's `expand` parameter. Parsers try the members in order, and a
        reference parses as a prefix of the full object, so the full type must come first. When
        `X` is itself a union, the expandable union lists all of `X`'s members, then
        `X_reference`.

        Fix: list `X` (or its members) first and `X_reference` right after.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for u in &s.unions {
            let Some(x) = u.name.strip_prefix("expandable_") else {
                continue;
            };
            let reference = format!("{x}_reference");
            let mut expected: Vec<String> = match union(s, x) {
                Some(xu) => xu
                    .types
                    .iter()
                    .map(|t| base_name(cx.repo, &t.ty).to_string())
                    .collect(),
                None => vec![x.to_string()],
            };
            expected.push(reference);
            let actual: Vec<&str> = u.types.iter().map(|t| base_name(cx.repo, &t.ty)).collect();
            let missing: Vec<&str> = expected
                .iter()
                .map(String::as_str)
                .filter(|e| !actual.contains(e))
                .collect();
            if !missing.is_empty() {
                out.report(
                    &u.loc,
                    format!("Union {}: must contain {}", u.name, missing.join(", ")),
                );
            } else if actual
                .iter()
                .take(expected.len())
                .copied()
                .ne(expected.iter().map(String::as_str))
            {
                out.report(
                    &u.loc,
                    format!(
                        "Union {}: types must start with {} in that order",
                        u.name,
                        expected.join(", ")
                    ),
                );
            }
        }
    }
}
