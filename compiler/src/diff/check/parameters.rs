//! Parameters of a matched operation (always sent), through the member comparison.

use super::members::{self, Member, MemberRules};
use crate::diff::cx::{Ctx, Cx};
use crate::diff::rules::*;
use crate::ir::Parameter;

pub(super) const PARAMETERS: MemberRules = MemberRules {
    typed_default: true,
    label: "parameter",
    removed: &PARAMETER_REMOVED,
    added: &PARAMETER_ADDED,
    required_added: &PARAMETER_REQUIRED_ADDED,
    type_changed: &PARAMETER_TYPE_CHANGED,
    optional_to_required: &PARAMETER_OPTIONAL_TO_REQUIRED,
    required_to_optional: &PARAMETER_REQUIRED_TO_OPTIONAL,
};

/// Parameters by name; path parameters of a moved operation by position (`moved`), since the
/// move is what renamed them.
pub(super) fn compare(
    cx: &mut Cx,
    label: &str,
    old: &[Parameter],
    new: &[Parameter],
    ctx: &Ctx,
    moved: bool,
) {
    let op: Vec<Member> = old.iter().map(Member::parameter).collect();
    let np: Vec<Member> = new.iter().map(Member::parameter).collect();
    members::compare(cx, &PARAMETERS, label, &op, &np, ctx, moved);
}
