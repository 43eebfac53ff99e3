//! Lowering of the resolved form (service.json, §4 of the reference) into the IR.

use super::{Cx, Obj};
use crate::ir;
use crate::json::Node;

/// Lowers a resolved service.json object found at `pointer` (`""`, or `/service` in the wrapped form).
pub fn lower(cx: &mut Cx, root: &Node, pointer: &str) -> Option<ir::Service> {
    let _obj: Obj = cx.obj(root, pointer, "", "service")?;
    let loc = cx.node_loc(root, pointer);
    cx.error("E0112", loc, "service.json input is not supported yet");
    None
}
