//! Resources (paired by type, the path breaking ties) and the pairing of their operations: by
//! method and path (the same resource preferred), then moves within a matched resource — a path
//! of the same shape (only parameter names differ), the same own path (the resource path
//! changed), or the only candidate with the same method on each side.

use super::operations;
use crate::diff::cx::{Ctx, Cx, Which};
use crate::diff::direction::{self, Usage};
use crate::diff::pair::{pair, Paired, Pass};
use crate::diff::rules::*;
use crate::ir::{Operation, Resource, ServiceId, TypeRef};

/// `/users/:id` → `/users/:`: paths that only differ in parameter names are the same URL.
fn path_shape(p: &str) -> String {
    p.split('/')
        .map(|s| if s.starts_with(':') { ":" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

pub(super) fn all(cx: &mut Cx, o: ServiceId, n: ServiceId) {
    let (orepo, nrepo) = (cx.old.side.repo, cx.new.side.repo);
    let (os, ns) = (orepo.service(o), nrepo.service(n));
    let key = |cx: &Cx, which, r: &Resource| cx.canon(which, &r.ty.r);
    let okeys: Vec<String> = os
        .resources
        .iter()
        .map(|r| key(cx, Which::Old, r))
        .collect();
    let nkeys: Vec<String> = ns
        .resources
        .iter()
        .map(|r| key(cx, Which::New, r))
        .collect();
    let exact =
        |i: usize, j: usize| okeys[i] == nkeys[j] && os.resources[i].path == ns.resources[j].path;
    let typed = |i: usize, j: usize| okeys[i] == nkeys[j];
    let pairing = pair(
        os.resources.len(),
        ns.resources.len(),
        &[Pass::First(&exact), Pass::First(&typed)],
    );
    // operations of matched resources: (operation, resource index)
    let mut old_ops: Vec<(&Operation, usize)> = Vec::new();
    let mut new_ops: Vec<(&Operation, usize)> = Vec::new();
    let none = Ctx::default();
    for p in pairing.iter() {
        match p {
            Paired::Removed(i) => {
                let r = &os.resources[i];
                let affects = r
                    .operations
                    .iter()
                    .map(|op| direction::op_label(orepo, o, op))
                    .collect();
                let msg = format!("resource removed: {}", r.ty.text);
                cx.emit(
                    &RESOURCE_REMOVED,
                    Which::Old,
                    &r.loc,
                    msg,
                    &Ctx::with(Usage::NONE, affects),
                );
            }
            Paired::Matched(i, j, _) => {
                let (r, b) = (&os.resources[i], &ns.resources[j]);
                let label = format!("resource {}", b.ty.text);
                // a resource of a declared type takes that type's plural, reported on the type
                if r.plural != b.plural && !matches!(b.ty.r, TypeRef::Type(_)) {
                    let msg = format!("{label} plural changed from {} to {}", r.plural, b.plural);
                    cx.emit(&TYPE_PLURAL_CHANGED, Which::New, &b.loc, msg, &none);
                }
                cx.docs(
                    &label,
                    &r.description,
                    &b.description,
                    &r.deprecation,
                    &b.deprecation,
                    &b.loc,
                    &none,
                );
                cx.attributes(&label, &r.attributes, &b.attributes, &none);
                old_ops.extend(r.operations.iter().map(|op| (op, i)));
                new_ops.extend(b.operations.iter().map(|op| (op, j)));
            }
            Paired::Added(j) => {
                let b = &ns.resources[j];
                let affects = b
                    .operations
                    .iter()
                    .map(|op| direction::op_label(nrepo, n, op))
                    .collect();
                let msg = format!("resource added: {}", b.ty.text);
                cx.emit(
                    &RESOURCE_ADDED,
                    Which::New,
                    &b.loc,
                    msg,
                    &Ctx::with(Usage::NONE, affects),
                );
            }
        }
    }
    let res_of = |i: usize| pairing.new_of(old_ops[i].1);
    let same_res = |i: usize, j: usize| res_of(i) == Some(new_ops[j].1);
    let (oo, no) = (&old_ops, &new_ops);
    let same_key = |i: usize, j: usize| {
        oo[i].0.method_text == no[j].0.method_text && oo[i].0.path == no[j].0.path
    };
    let same_method =
        |i: usize, j: usize| same_res(i, j) && oo[i].0.method_text == no[j].0.method_text;
    let passes = [
        // 0, 1: the same operation (a key may repeat over resources: the same resource preferred)
        Pass::First(&|i, j| same_key(i, j) && same_res(i, j)),
        Pass::First(&same_key),
        // 2..: moves
        Pass::First(&|i, j| {
            same_method(i, j) && path_shape(&oo[i].0.path) == path_shape(&no[j].0.path)
        }),
        Pass::First(&|i, j| same_method(i, j) && oo[i].0.own_path == no[j].0.own_path),
        Pass::Unique(&same_method),
    ];
    let ops = pair(old_ops.len(), new_ops.len(), &passes);
    // the same operation, then moves and removals in old order, then additions
    for p in ops.iter() {
        if let Paired::Matched(i, j, pass) = p {
            if pass < 2 {
                operations::compare(cx, n, old_ops[i].0, new_ops[j].0, false);
            }
        }
    }
    for p in ops.iter() {
        match p {
            Paired::Matched(i, j, pass) if pass >= 2 => {
                let (op, nop) = (old_ops[i].0, new_ops[j].0);
                let ctx = Ctx::with(Usage::NONE, vec![direction::op_label(orepo, o, op)]);
                let same_url =
                    (path_shape(&op.path) == path_shape(&nop.path)).then_some(&MOVED_SAME_URL);
                let msg = match same_url {
                    Some(_) => format!(
                        "operation {} moved to {} (same URL: path parameters renamed)",
                        op.label(),
                        nop.path
                    ),
                    None => format!("operation {} moved to {}", op.label(), nop.path),
                };
                cx.emit_case(&OPERATION_MOVED, same_url, Which::New, &nop.loc, msg, &ctx);
                operations::compare(cx, n, op, nop, true);
            }
            Paired::Removed(i) => {
                let op = old_ops[i].0;
                let ctx = Ctx::with(Usage::NONE, vec![direction::op_label(orepo, o, op)]);
                let msg = format!("operation removed: {}", op.label());
                cx.emit(&OPERATION_REMOVED, Which::Old, &op.loc, msg, &ctx);
            }
            Paired::Added(j) => {
                let op = new_ops[j].0;
                let ctx = Ctx::with(Usage::NONE, vec![direction::op_label(nrepo, n, op)]);
                let msg = format!("operation added: {}", op.label());
                cx.emit(&OPERATION_ADDED, Which::New, &op.loc, msg, &ctx);
            }
            Paired::Matched(..) => {}
        }
    }
}
