use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0212",
        "list GETs take `id` first and end with `limit, offset, sort[, expand]`",
        DOC,
    ),
    name: "list-get-parameters",
    presets: FLOW,
    flow: Some("Get"),
    ignore_keys: &["get"],
    check,
};

const DOC: &str = r#"
        Every Flow list endpoint (a GET whose success response is a list; health checks exempt)
        has the same query parameters, in the same order, so that clients and tooling can page,
        sort and expand any collection the same way:

        - the first query parameter is `id` (a filter by ids), unless the operation carries the
          `non-crud` attribute, or the first parameter is `q` (the search variant);
        - the last ones are `limit`, `offset`, `sort` (`limit`, `offset` when the `linter`
          attribute ignores `sort`), followed by `expand` when the response type has expandable
          fields (fields typed `expandable_*`, in the model or in the members of a union);
        - `expand` then has `example` = the sorted, comma-separated expansion names and `maximum` =
          their count; without expansions there must be no `expand`;
        - every query parameter is optional or has a default.

        Fix: add, reorder or make optional the query parameters as listed; silence with the
        `linter` attribute key `get` on the operation.
    "#;

/// Names of the expansions of the response type: `expandable_order` fields → `order`.
fn expansions(cx: &Context, s: &Service, op: &Operation) -> Vec<String> {
    let Some(t) = response_type(cx.repo, op) else {
        return Vec::new();
    };
    let mut models: Vec<&Model> = Vec::new();
    if let Some(m) = model(s, t) {
        models.push(m);
    } else if let Some(u) = union(s, t) {
        models.extend(
            u.types
                .iter()
                .filter_map(|ut| model(s, base_name(cx.repo, &ut.ty))),
        );
    }
    let mut names: Vec<String> = models
        .iter()
        .flat_map(|m| &m.fields)
        .filter_map(|f| {
            base_name(cx.repo, &f.ty)
                .strip_prefix("expandable_")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        for r in non_healthcheck(s) {
            for op in r
                .operations
                .iter()
                .filter(|o| is_get(o) && returns_array(o))
            {
                if !ignored(&op.attributes, "get") {
                    check_operation(cx, s, r, op, out);
                }
            }
        }
    }
}

fn check_operation(cx: &Context, s: &Service, r: &Resource, op: &Operation, out: &mut Sink) {
    let label = format!("Resource {} {}", r.plural, op.label());
    let params: Vec<&Parameter> = query_params(op).collect();
    let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    let (leading, trailing): (&str, &[&str]) = if names.first() == Some(&"q") {
        ("q", &[])
    } else if ignored(&op.attributes, "sort") {
        ("id", &["limit", "offset"])
    } else {
        ("id", &["limit", "offset", "sort"])
    };
    let non_crud = has_attribute(&op.attributes, "non-crud");
    let mut required: Vec<&str> = Vec::new();
    if !non_crud {
        required.push(leading);
    }
    required.extend(trailing);
    let expansions = expansions(cx, s, op);
    let mut all_required = required.clone();
    if !expansions.is_empty() {
        all_required.push("expand");
    }
    let mut blocking = 0;
    let expand = params.iter().find(|p| p.name == "expand");
    match expand {
        Some(p) if expansions.is_empty() => {
            blocking += 1;
            out.report(
                &p.loc,
                format!("{label}: there are no expansions available - should not have a parameter named expand"),
            );
        }
        Some(p) => {
            let example = expansions.join(", ");
            // Flow joins with ", "; the compact "a,b" form is accepted too.
            if p.example.as_deref().map(|e| e.replace(' ', "")) != Some(expansions.join(",")) {
                blocking += 1;
                out.report(
                    &p.loc,
                    format!("{label}: parameter[expand] must have example[{example}]"),
                );
            }
            if p.maximum != Some(expansions.len() as i64) {
                blocking += 1;
                out.report(
                    &p.loc,
                    format!(
                        "{label}: parameter[expand] must have maximum[{}]",
                        expansions.len()
                    ),
                );
            }
        }
        None => {}
    }
    let missing: Vec<&str> = all_required
        .iter()
        .copied()
        .filter(|n| !names.contains(n))
        .collect();
    if !missing.is_empty() {
        blocking += 1;
        let f = out.report(
            &op.loc,
            format!(
                "{label}: missing parameter{}: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ),
        );
        if missing.contains(&"expand") {
            f.help(format!(
                "add {{ \"name\": \"expand\", \"type\": \"[string]\", \"minimum\": 0, \"maximum\": {}, \"example\": \"{}\", \"required\": false }}",
                expansions.len(),
                expansions.join(", ")
            ));
        }
    }
    for p in params.iter().filter(|p| p.required && p.default.is_none()) {
        let what = if required.contains(&p.name.as_str()) {
            "must be optional"
        } else {
            "must be optional or must have a default"
        };
        out.report(&p.loc, format!("{label}: parameter[{}] {what}", p.name));
    }
    if blocking > 0 {
        return;
    }
    let mut tail: Vec<&str> = trailing.to_vec();
    if !expansions.is_empty() {
        tail.push("expand");
    }
    if names.first() != Some(&leading) && !non_crud {
        out.report(
            &op.loc,
            format!("{label}: parameter[{leading}] must be the first parameter"),
        );
    }
    let actual = &names[names.len().saturating_sub(tail.len())..];
    if actual != tail.as_slice() {
        out.report(
            &op.loc,
            format!(
                "{label}: last {} parameters must be {} and not {}",
                tail.len(),
                tail.join(", "),
                actual.join(", ")
            ),
        );
    }
}
