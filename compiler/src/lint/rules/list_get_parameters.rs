use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: "L0212",
    name: "list-get-parameters",
    summary: "list GETs take `id` first and end with `limit, offset, sort[, expand]`",
    severity: Severity::Warning,
    presets: FLOW,
    flow: Some("Get"),
    ignore_keys: &["get"],
    doc: r#"
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

        Silence with the `linter` attribute key `get` on the operation.
    "#,
    check,
};

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
                if ignored(&op.attributes, "get") {
                    continue;
                }
                let label = format!("Resource {} {}", r.plural, op.label());
                let params: Vec<&Parameter> = query_params(op).collect();
                let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                let search = names.first() == Some(&"q");
                let expansions = expansions(cx, s, op);
                if !search
                    && !has_attribute(&op.attributes, "non-crud")
                    && names.first() != Some(&"id")
                {
                    out.report(&op.loc, format!("{label}: first parameter must be 'id'"));
                }
                let mut tail: Vec<&str> = if search {
                    Vec::new()
                } else if ignored(&op.attributes, "sort") {
                    vec!["limit", "offset"]
                } else {
                    vec!["limit", "offset", "sort"]
                };
                if !expansions.is_empty() {
                    tail.push("expand");
                }
                if !tail.is_empty()
                    && (names.len() < tail.len() || names[names.len() - tail.len()..] != tail[..])
                {
                    out.report(
                        &op.loc,
                        format!("{label}: last parameters must be {}", tail.join(", ")),
                    );
                }
                match params.iter().find(|p| p.name == "expand") {
                    Some(p) if expansions.is_empty() => {
                        out.report(&p.loc, format!("{label}: parameter 'expand' is not allowed as there are no expansions"));
                    }
                    Some(p) => {
                        let example = expansions.join(",");
                        if p.example.as_deref() != Some(example.as_str()) {
                            out.report(
                                &p.loc,
                                format!("{label} Parameter expand: example must be '{example}'"),
                            );
                        }
                        if p.maximum != Some(expansions.len() as i64) {
                            out.report(
                                &p.loc,
                                format!(
                                    "{label} Parameter expand: maximum must be {}",
                                    expansions.len()
                                ),
                            );
                        }
                    }
                    None => {}
                }
                for p in &params {
                    if p.required && p.default.is_none() {
                        out.report(
                            &p.loc,
                            format!(
                                "{label} Parameter {}: must be optional or have a default",
                                p.name
                            ),
                        );
                    }
                }
            }
        }
    }
}
