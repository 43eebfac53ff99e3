use crate::lint::prelude::*;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    code: Code::error(
        "L0105",
        "no two operations of the repo share a method and path",
        DOC,
    ),
    name: "duplicate-method-path",
    presets: BOTH,
    flow: Some("DuplicateMethodAndPath"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        Two operations with the same `METHOD /path` cannot both be routed: a server generated from
        the spec (or a gateway in front of several services) serves one and shadows the other.
        Checked across every spec of the repo, so two services that claim the same URL are caught
        too. Flow's `DuplicateMethodAndPath` does the same within one service.

        Fix: remove or rename one of the operations.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut seen: HashMap<(String, String), (String, String)> = HashMap::new();
    for (_, s) in cx.services() {
        for (_, op) in operations(s) {
            let key = (op.method_text.clone(), op.path.clone());
            match seen.get(&key) {
                Some((service, _)) => {
                    let where_ = if *service == s.name {
                        "earlier in this service".to_string()
                    } else {
                        format!("in service `{service}`")
                    };
                    out.report(
                        &op.loc,
                        format!(
                            "duplicate operation {}: already declared {where_}",
                            op.label()
                        ),
                    );
                }
                None => {
                    seen.insert(key, (s.name.clone(), op.label()));
                }
            }
        }
    }
}
