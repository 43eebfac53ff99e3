//! Resolution: imports across the repo, and every type name to a [`crate::ir::TypeId`].

use crate::codes::CodeInfo;
use crate::diag::Diagnostics;
use crate::ir::Repo;
use crate::Options;

pub const CODES: &[CodeInfo] = &[];

pub fn resolve(_repo: &mut Repo, _options: &Options, _diags: &mut Diagnostics) {}
