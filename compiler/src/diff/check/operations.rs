//! One matched operation: docs, attributes and body; then its parameters and responses.

use super::{parameters, responses};
use crate::diff::cx::{Ctx, Cx, Which};
use crate::diff::direction::{self, Usage};
use crate::diff::rules::*;
use crate::ir::{Operation, ServiceId};

/// Compares `a` with `b` (`moved`: `b` is `a` on a new path, path parameters pair by position).
pub(super) fn compare(cx: &mut Cx, n: ServiceId, a: &Operation, b: &Operation, moved: bool) {
    let label = b.label();
    let affects = vec![direction::op_label(cx.new.side.repo, n, b)];
    let req = Ctx::with(Usage::REQUEST, affects.clone());
    let none = Ctx::with(Usage::NONE, affects.clone());
    cx.docs(
        &label,
        &a.description,
        &b.description,
        &a.deprecation,
        &b.deprecation,
        &b.loc,
        &none,
    );
    cx.attributes(&label, &a.attributes, &b.attributes, &none);
    match (&a.body, &b.body) {
        (None, Some(x)) => {
            let msg = format!("{label} body added: {}", x.ty.text);
            cx.emit(&BODY_ADDED, Which::New, &x.loc, msg, &req);
        }
        (Some(x), None) => {
            let msg = format!("{label} body removed: {}", x.ty.text);
            cx.emit(&BODY_REMOVED, Which::New, &b.loc, msg, &req);
        }
        (Some(x), Some(y)) => {
            if cx.type_changed(&x.ty, &y.ty) {
                let msg = format!(
                    "{label} body type changed from {} to {}",
                    x.ty.text, y.ty.text
                );
                cx.emit(&BODY_TYPE_CHANGED, Which::New, &y.loc, msg, &req);
            }
            let bl = format!("{label} body");
            cx.docs(
                &bl,
                &x.description,
                &y.description,
                &x.deprecation,
                &y.deprecation,
                &y.loc,
                &none,
            );
            cx.attributes(&bl, &x.attributes, &y.attributes, &none);
        }
        (None, None) => {}
    }
    parameters::compare(cx, &label, &a.parameters, &b.parameters, &req, moved);
    responses::compare(
        cx,
        &label,
        &a.responses,
        &b.responses,
        &Ctx::with(Usage::RESPONSE, affects),
        &none,
    );
}
