//! Semantic validation: API Builder's phase C rules over the resolved IR (§2.3 of the reference),
//! plus the gaps Charter closes on purpose (§2.4, recorded in docs/compatibility.md).

use crate::codes::CodeInfo;
use crate::diag::Diagnostics;
use crate::ir::Repo;

pub const CODES: &[CodeInfo] = &[];

/// Validates every service of the repo.
pub fn validate(_repo: &Repo, _diags: &mut Diagnostics) {}
