use crate::lint::prelude::*;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    code: Code::warning(
        "L0305",
        "event unions share one discriminator and no member type",
        DOC,
    ),
    name: "event-unions-consistent",
    presets: FLOW,
    flow: Some("oneapi: event builds"),
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        When Flow merges its event specs, every union ending in `_event` must use the same
        discriminator field (consumers dispatch on it without knowing the stream), and a member
        type may appear in only one event union (an event belongs to one stream).

        Fix: use one discriminator name (Flow uses `discriminator`) and move shared events to a
        single union.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut first_disc: Option<(String, String)> = None;
    let mut members: HashMap<String, String> = HashMap::new();
    for (_, s) in cx.services() {
        for u in s.unions.iter().filter(|u| u.name.ends_with("_event")) {
            let d = u.discriminator.clone().unwrap_or_default();
            match &first_disc {
                None => first_disc = Some((d, u.name.clone())),
                Some((d0, u0)) if *d0 != d => {
                    out.report(
                        &u.loc,
                        format!(
                            "event union `{}` has discriminator `{d}` but `{u0}` has `{d0}`",
                            u.name
                        ),
                    );
                }
                Some(_) => {}
            }
            for t in &u.types {
                let name = display(cx.repo, &t.ty);
                match members.get(&name) {
                    Some(other) if *other != u.name => {
                        out.report(
                            &t.loc,
                            format!("event `{name}` is also a member of `{other}`"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        members.insert(name, u.name.clone());
                    }
                }
            }
        }
    }
}
