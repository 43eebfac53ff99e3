use crate::lint::prelude::*;

pub const RULE: Rule = Rule {
    code: Code::warning("L0111", "every model, enum and union is used", DOC),
    name: "unused-types",
    presets: RECOMMENDED,
    flow: None,
    ignore_keys: &[],
    check,
};

const DOC: &str = r#"
        A type that no operation exposes, directly or through other types, is dead weight: it is
        generated into every client, documented, and kept compatible, for nobody.

        Roots: every type an operation of the repo mentions (body, parameters, responses,
        response headers), every resource type, unions named `*_event` (published on streams, not
        through operations), and every type of a spec that declares no resources (a library of
        types, used by specs outside the repo). A model, enum or union of a spec that declares
        resources and is not reachable from a root through fields, union members or interfaces is
        reported. Interfaces are not checked.

        Fix: delete the type, or silence the rule on it with the `linter` attribute if it is used
        out of band.
    "#;

fn check(cx: &Context, out: &mut Sink) {
    let mut roots = Vec::new();
    for sid in cx.repo.service_ids() {
        let s = cx.repo.service(sid);
        if s.resources.is_empty() {
            roots.extend((0..s.models.len()).map(|i| type_id(sid, TypeKind::Model, i)));
            roots.extend((0..s.enums.len()).map(|i| type_id(sid, TypeKind::Enum, i)));
            roots.extend((0..s.unions.len()).map(|i| type_id(sid, TypeKind::Union, i)));
        }
        for (i, u) in s.unions.iter().enumerate() {
            if u.name.ends_with("_event") {
                roots.push(type_id(sid, TypeKind::Union, i));
            }
        }
        for r in &s.resources {
            roots.extend(r.ty.r.type_id());
            for op in &r.operations {
                roots.extend(operation_types(op));
            }
        }
        for h in &s.headers {
            roots.extend(h.ty.r.type_id());
        }
    }
    let used = reachable(cx.repo, roots);
    for (sid, s) in cx.services() {
        if s.resources.is_empty() {
            continue;
        }
        let mut unused = |kind: TypeKind, i: usize, name: &str, loc: &Loc| {
            if !used.contains(&type_id(sid, kind, i)) {
                out.report(loc, format!("{} `{name}` is not used", kind.label()))
                    .help("no operation exposes it, directly or through other types");
            }
        };
        for (i, m) in s.models.iter().enumerate() {
            unused(TypeKind::Model, i, &m.name, &m.loc);
        }
        for (i, e) in s.enums.iter().enumerate() {
            unused(TypeKind::Enum, i, &e.name, &e.loc);
        }
        for (i, u) in s.unions.iter().enumerate() {
            unused(TypeKind::Union, i, &u.name, &u.loc);
        }
    }
}
