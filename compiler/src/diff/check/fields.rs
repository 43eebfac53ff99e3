//! Fields of models and interfaces, through the member comparison.

use super::members::{self, Member, MemberRules};
use crate::diff::cx::{Ctx, Cx};
use crate::diff::rules::*;
use crate::ir::Field;

pub(super) const FIELDS: MemberRules = MemberRules {
    typed_default: true,
    label: "field",
    removed: &FIELD_REMOVED,
    added: &FIELD_ADDED,
    required_added: &FIELD_REQUIRED_ADDED,
    type_changed: &FIELD_TYPE_CHANGED,
    optional_to_required: &FIELD_OPTIONAL_TO_REQUIRED,
    required_to_optional: &FIELD_REQUIRED_TO_OPTIONAL,
};

/// The fields of a matched model or interface, judged where the type is used (`ctx`).
pub(super) fn compare(cx: &mut Cx, label: &str, old: &[Field], new: &[Field], ctx: &Ctx) {
    let of: Vec<Member> = old.iter().map(Member::field).collect();
    let nf: Vec<Member> = new.iter().map(Member::field).collect();
    members::compare(cx, &FIELDS, label, &of, &nf, ctx, false);
}
