use crate::lint::prelude::*;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    code: Code::error(
        "L0301",
        "no two specs of the repo declare a type of the same name",
        DOC,
    ),
    name: "duplicate-type-names",
    presets: FLOW,
    flow: Some("oneapi: duplicate type names"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Flow merges all of its services into one API (`oneapi`), where types live in a single
        namespace; two services declaring `price` then collide. The check is case-insensitive and
        covers models, enums and unions (interfaces are exempt, as in Flow).

        Fix: rename one of the types, or move the shared type to a common spec both import.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for (_, s) in cx.services() {
        let names = s
            .models
            .iter()
            .map(|m| (&m.name, &m.loc, "model"))
            .chain(s.enums.iter().map(|e| (&e.name, &e.loc, "enum")))
            .chain(s.unions.iter().map(|u| (&u.name, &u.loc, "union")));
        for (name, loc, kind) in names {
            match seen.get(&name.to_lowercase()) {
                Some(other) if *other != s.namespace => {
                    out.report(
                        loc,
                        format!("{kind} `{name}` is also declared by `{other}`"),
                    )
                    .help("type names must be unique across the services of the repo");
                }
                Some(_) => {}
                None => {
                    seen.insert(name.to_lowercase(), s.namespace.clone());
                }
            }
        }
    }
}
