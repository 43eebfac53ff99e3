//! Responses of a matched operation, paired by code: removed, added (success or error), type,
//! docs, attributes and response headers (read by the consumer).

use super::members::{self, Member};
use super::service::HEADERS;
use crate::diff::cx::{Ctx, Cx, Which};
use crate::diff::pair::{by_key, Paired};
use crate::diff::rules::*;
use crate::ir::Response;

pub(super) fn compare(
    cx: &mut Cx,
    label: &str,
    old: &[Response],
    new: &[Response],
    resp: &Ctx,
    none: &Ctx,
) {
    for p in by_key(old, new, |r| r.code, |s| s.code).iter() {
        match p {
            Paired::Removed(i) => {
                let r = &old[i];
                let msg = format!("{label} response removed: {}", r.code);
                cx.emit(&RESPONSE_REMOVED, Which::Old, &r.loc, msg, resp);
            }
            Paired::Matched(i, j, _) => {
                let (r, s) = (&old[i], &new[j]);
                let rl = format!("{label} response {}", s.code);
                if cx.type_changed(&r.ty, &s.ty) {
                    let msg = format!("{rl} type changed from {} to {}", r.ty.text, s.ty.text);
                    cx.emit(&RESPONSE_TYPE_CHANGED, Which::New, &s.loc, msg, resp);
                }
                cx.docs(
                    &rl,
                    &r.description,
                    &s.description,
                    &r.deprecation,
                    &s.deprecation,
                    &s.loc,
                    none,
                );
                cx.attributes(&rl, &r.attributes, &s.attributes, none);
                let oh: Vec<Member> = r.headers.iter().map(Member::header).collect();
                let nh: Vec<Member> = s.headers.iter().map(Member::header).collect();
                members::compare(cx, &HEADERS, &rl, &oh, &nh, resp, false);
            }
            Paired::Added(j) => {
                let s = &new[j];
                let rule = if s.code.is_success() {
                    &RESPONSE_SUCCESS_ADDED
                } else {
                    &RESPONSE_ERROR_ADDED
                };
                let msg = format!("{label} response added: {}", s.code);
                cx.emit(rule, Which::New, &s.loc, msg, resp);
            }
        }
    }
}
