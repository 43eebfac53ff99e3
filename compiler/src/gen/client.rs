//! The async client, on reqwest (placeholder until operations land).
use super::Cx;
use crate::ir::ServiceId;
use proc_macro2::TokenStream;
pub(crate) fn client(_cx: &mut Cx, _sid: ServiceId) -> TokenStream { TokenStream::new() }
