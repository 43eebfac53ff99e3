use crate::lint::prelude::*;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0114",
        "equivalent paths name their parameters the same",
        DOC,
    ),
    name: "equivalent-paths",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Two paths of a service that differ only in the names of their parameters
        (`/payments/:id` for GET and DELETE, `/payments/:key` for PUT) are one URL on the wire but
        two paths in the spec. OpenAPI calls them identical and invalid (Spectral's `path-params`:
        "paths must not be equivalent", Redocly's `no-identical-paths`), so the OpenAPI export of
        the service fails those linters; readers and generated clients see two names for one
        thing, and a router that keys on the template (as Charter's server does) has to merge
        them.

        Checked per service, across its resources: paths are compared with every `:name` segment
        replaced by a placeholder (a suffix such as `.json` in `:id.json` is kept); the spelling most operations use is taken as the right one
        (the first one on a tie) and each operation spelled otherwise is reported.

        Fix: rename the path parameter (and its `parameters` entry, if declared) to the name the
        other operations use.
    "#;

/// The parameter of a segment (`:id` or `:id.json`): its name and the literal suffix.
fn parameter(segment: &str) -> Option<(&str, &str)> {
    let rest = segment.strip_prefix(':')?;
    Some(rest.split_at(rest.find('.').unwrap_or(rest.len())))
}

/// The parameter names of a path, in order.
fn parameter_names(path: &str) -> Vec<&str> {
    segments(path)
        .filter_map(|s| parameter(s).map(|(name, _)| name))
        .collect()
}

/// The path with every parameter name left out: `/users/:id.json` → `/users/:.json`.
fn template(path: &str) -> String {
    let mut out = String::new();
    for seg in segments(path) {
        out.push('/');
        match parameter(seg) {
            Some((_, suffix)) => {
                out.push(':');
                out.push_str(suffix);
            }
            None => out.push_str(seg),
        }
    }
    out
}

fn check(cx: &Context, out: &mut Sink) {
    for (_, s) in cx.services() {
        // normalized path → spelling → operations using it (in spec order).
        let mut groups: BTreeMap<String, Vec<(&str, Vec<&Operation>)>> = BTreeMap::new();
        for (_, op) in operations(s) {
            let spellings = groups.entry(template(&op.path)).or_default();
            match spellings.iter_mut().find(|(p, _)| *p == op.path) {
                Some((_, ops)) => ops.push(op),
                None => spellings.push((op.path.as_str(), vec![op])),
            }
        }
        for spellings in groups.values().filter(|s| s.len() > 1) {
            // Most used spelling; `max_by_key` keeps the last maximum, so search in reverse.
            let (reference, ref_ops) = spellings
                .iter()
                .rev()
                .max_by_key(|(_, ops)| ops.len())
                .expect("more than one spelling");
            let methods: Vec<&str> = ref_ops.iter().map(|o| o.method_text.as_str()).collect();
            let expected = parameter_names(reference);
            for (path, ops) in spellings.iter().filter(|(p, _)| p != reference) {
                let renames: Vec<String> = parameter_names(path)
                    .into_iter()
                    .zip(&expected)
                    .filter(|(a, b)| a != *b)
                    .map(|(a, b)| format!("`:{a}` to `:{b}`"))
                    .collect();
                for op in ops {
                    out.report(
                        &op.loc,
                        format!(
                            "{}: path `{path}` is the same URL as `{reference}` ({}) with \
                             differently named parameters",
                            op.label(),
                            methods.join(", ")
                        ),
                    )
                    .help(format!(
                        "rename {} so that one path serves every method",
                        renames.join(", ")
                    ));
                }
            }
        }
    }
}
