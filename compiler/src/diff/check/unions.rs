//! Unions: discriminator, members (paired by member type, renames followed), discriminator
//! values and the default member.

use crate::diff::cx::{value, Ctx, Cx, Which};
use crate::diff::pair::{by_key, Paired};
use crate::diff::rules::*;
use crate::ir::Union;

pub(super) fn compare(cx: &mut Cx, label: &str, a: &Union, b: &Union, ctx: &Ctx) {
    if a.discriminator != b.discriminator {
        let msg = format!(
            "{label} discriminator changed from {} to {}",
            value(a.discriminator.as_deref()),
            value(b.discriminator.as_deref())
        );
        cx.emit(&UNION_DISCRIMINATOR_CHANGED, Which::New, &b.loc, msg, ctx);
    }
    let okeys: Vec<String> = a
        .types
        .iter()
        .map(|t| cx.canon(Which::Old, &t.ty.r))
        .collect();
    let nkeys: Vec<String> = b
        .types
        .iter()
        .map(|t| cx.canon(Which::New, &t.ty.r))
        .collect();
    for p in by_key(&okeys, &nkeys, String::clone, String::clone).iter() {
        match p {
            Paired::Removed(i) => {
                let t = &a.types[i];
                let msg = format!("{label} member removed: {}", t.ty.text);
                cx.emit(&UNION_MEMBER_REMOVED, Which::Old, &t.loc, msg, ctx);
            }
            Paired::Matched(i, j, _) => {
                let (t, u) = (&a.types[i], &b.types[j]);
                if t.discriminator_value != u.discriminator_value {
                    let msg = format!(
                        "{label} member {} discriminator value changed from {} to {}",
                        u.ty.text, t.discriminator_value, u.discriminator_value
                    );
                    cx.emit(
                        &UNION_DISCRIMINATOR_VALUE_CHANGED,
                        Which::New,
                        &u.loc,
                        msg,
                        ctx,
                    );
                }
                let ml = format!("{label} member {}", u.ty.text);
                cx.docs(
                    &ml,
                    &t.description,
                    &u.description,
                    &t.deprecation,
                    &u.deprecation,
                    &u.loc,
                    ctx,
                );
                cx.attributes(&ml, &t.attributes, &u.attributes, ctx);
            }
            Paired::Added(j) => {
                let u = &b.types[j];
                let msg = format!("{label} member added: {}", u.ty.text);
                cx.emit(&UNION_MEMBER_ADDED, Which::New, &u.loc, msg, ctx);
            }
        }
    }
    let od = a.default_type().map(|t| cx.canon(Which::Old, &t.ty.r));
    let nd = b.default_type().map(|t| cx.canon(Which::New, &t.ty.r));
    let change = match (&od, &nd) {
        (None, Some(d)) => Some((
            &UNION_DEFAULT_ADDED,
            format!("{label} default type added: {d}"),
        )),
        (Some(x), None) => Some((
            &UNION_DEFAULT_CHANGED,
            format!("{label} default type removed: {x}"),
        )),
        (Some(x), Some(y)) if x != y => Some((
            &UNION_DEFAULT_CHANGED,
            format!("{label} default type changed from {x} to {y}"),
        )),
        _ => None,
    };
    if let Some((rule, msg)) = change {
        cx.emit(rule, Which::New, &b.loc, msg, ctx);
    }
}
