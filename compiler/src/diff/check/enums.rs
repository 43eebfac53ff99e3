//! Enum values, paired by name: removed, added, wire string changed, docs and attributes.

use crate::diff::cx::{Ctx, Cx, Which};
use crate::diff::pair::{by_key, Paired};
use crate::diff::rules::*;
use crate::ir::Enum;

pub(super) fn compare(cx: &mut Cx, label: &str, a: &Enum, b: &Enum, ctx: &Ctx) {
    let pairing = by_key(&a.values, &b.values, |v| v.name.clone(), |w| w.name.clone());
    for p in pairing.iter() {
        match p {
            Paired::Removed(i) => {
                let v = &a.values[i];
                let msg = format!("{label} value removed: {}", v.name);
                cx.emit(&ENUM_VALUE_REMOVED, Which::Old, &v.loc, msg, ctx);
            }
            Paired::Matched(i, j, _) => {
                let (v, w) = (&a.values[i], &b.values[j]);
                if v.wire() != w.wire() {
                    let msg = format!(
                        "{label} value {} wire string changed from {} to {}",
                        v.name,
                        v.wire(),
                        w.wire()
                    );
                    cx.emit(&ENUM_VALUE_WIRE_CHANGED, Which::New, &w.loc, msg, ctx);
                }
                let vl = format!("{label} value {}", v.name);
                cx.docs(
                    &vl,
                    &v.description,
                    &w.description,
                    &v.deprecation,
                    &w.deprecation,
                    &w.loc,
                    ctx,
                );
                cx.attributes(&vl, &v.attributes, &w.attributes, ctx);
            }
            Paired::Added(j) => {
                let w = &b.values[j];
                let msg = format!("{label} value added: {}", w.name);
                cx.emit(&ENUM_VALUE_ADDED, Which::New, &w.loc, msg, ctx);
            }
        }
    }
}
