//! Lowering of the authoring form (api.json, §1 of the reference) into the IR.

use super::Cx;
use crate::ir;
use crate::json::Node;

pub fn lower(cx: &mut Cx, root: &Node) -> Option<ir::Service> {
    let _ = (cx, root);
    None
}
