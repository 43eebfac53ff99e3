//! `factories`: one function per model, enum and union building a valid value, for tests and for
//! the mock's default answers (`factories::item()`).
//!
//! Values are deterministic and would pass the generated server's validation: required fields
//! filled, optional fields without a default `None`, defaults applied, enums their first value,
//! unions their member with the shallowest value (the first on ties, so recursive types end),
//! numbers the value nearest 0 within `minimum`/`maximum`, strings the field's name padded or cut
//! to the allowed length, lists and maps empty or as long as their `minimum` asks. Types of another
//! service come from that service's `factories` (generated with the same settings, or a mapped
//! crate generated with factories too).
//!
//! Field and variant names follow `models.rs` (same scopes, same order).

use super::plan::{Place, Plan, ServicePlan};
use super::{ident, naming};
use crate::ir::{Primitive, ServiceId, TypeId, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// Constraints and a name for a generated value (from a field or a parameter).
#[derive(Clone, Copy, Default)]
pub(crate) struct Hint<'a> {
    pub name: Option<&'a str>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
}

/// The body of the `factories` module of a service.
pub(crate) fn factories(plan: &Plan, s: &ServicePlan) -> TokenStream {
    let own = quote!(self);
    let mut out = TokenStream::new();
    let ids = s.types.iter().filter(|id| id.kind != TypeKind::Interface);
    for &id in ids {
        let t = plan.ty(id);
        let Some(fname) = t.factory.as_deref().map(ident) else {
            continue;
        };
        let ty = plan.type_path(s.id, id, Place::Sibling);
        // The type's description is on the type: the factory's doc only names it.
        let body = match id.kind {
            TypeKind::Enum => {
                // The first value (an enum without values has only the catch-all).
                let body = match t.values.first() {
                    Some(v) => {
                        let v = ident(&v.variant);
                        quote!(#ty::#v)
                    }
                    None => quote!(#ty::Unknown(::std::string::String::new())),
                };
                body
            }
            TypeKind::Model => model(plan, id, &own),
            _ => union(plan, id, &own),
        };
        let line = format!(" A valid `{}`.", t.name);
        let mut docs = quote!(#[doc = #line]);
        if !t.finite() {
            docs.extend(quote! {
                #[doc = ""]
                #[doc = " Never returns: the type has no finite value (warning W1204)."]
                #[allow(unconditional_recursion)]
            });
        }
        out.extend(quote! {
            #docs
            pub fn #fname() -> #ty { #body }
        });
    }
    out
}

/// The model's `new` with a valid value for each required field (`new` sets the optional fields
/// to `None` and the defaulted ones to the spec's default).
fn model(plan: &Plan, id: TypeId, own: &TokenStream) -> TokenStream {
    let ty = plan.type_path(id.service, id, Place::Sibling);
    let args = plan.ty(id).fields.iter().filter_map(|f| {
        if f.default.is_some() || f.optional {
            return None;
        }
        let hint = Hint {
            name: Some(f.wire),
            minimum: f.field.minimum,
            maximum: f.field.maximum,
        };
        let v = value(plan, id.service, &f.ty, hint, own);
        Some(if f.boxed {
            quote!(::std::boxed::Box::new(#v))
        } else {
            v
        })
    });
    quote!(#ty::new(#(#args),*))
}

fn union(plan: &Plan, id: TypeId, own: &TokenStream) -> TokenStream {
    let ty = plan.type_path(id.service, id, Place::Sibling);
    let height = |r: &TypeRef| match r {
        TypeRef::Type(t) if t.kind != TypeKind::Interface => plan.ty(*t).height,
        _ => 0,
    };
    let pick = plan.ty(id).members.iter().min_by_key(|m| height(&m.ty));
    match pick {
        Some(m) => {
            let v = ident(&m.variant);
            let value = value(plan, id.service, &m.ty, Hint::default(), own);
            if m.boxed {
                quote!(#ty::#v(::std::boxed::Box::new(#value)))
            } else {
                quote!(#ty::#v(#value))
            }
        }
        None => quote!(#ty::Unknown(::charter_runtime::serde_json::Value::Null)),
    }
}

/// A valid value of type `r` used from service `sid`; `own` is the path of `sid`'s factories
/// module (`self` inside it, `super::factories` next to it).
pub(crate) fn value(
    plan: &Plan,
    sid: ServiceId,
    r: &TypeRef,
    hint: Hint,
    own: &TokenStream,
) -> TokenStream {
    let clamp = |lo: i64, hi: i64| -> i64 {
        let mut v = 0i64;
        if let Some(m) = hint.minimum {
            v = v.max(m);
        }
        if let Some(m) = hint.maximum {
            v = v.min(m);
        }
        v.clamp(lo, hi)
    };
    // How many elements a list or map needs.
    let count = || hint.minimum.unwrap_or(0).clamp(0, 16) as usize;
    match r {
        TypeRef::Primitive(p) => match p {
            Primitive::Boolean => quote!(false),
            Primitive::Integer => {
                let v = clamp(i32::MIN as i64, i32::MAX as i64) as i32;
                quote!(#v)
            }
            Primitive::Long => {
                let v = clamp(i64::MIN, i64::MAX);
                quote!(#v)
            }
            Primitive::Double => {
                let v = clamp(i64::MIN, i64::MAX) as f64;
                quote!(#v)
            }
            Primitive::Decimal => {
                let v = clamp(i64::MIN, i64::MAX);
                quote!(::charter_runtime::rust_decimal::Decimal::from(#v))
            }
            Primitive::String => {
                let text = string(hint);
                quote!(::std::string::String::from(#text))
            }
            Primitive::Uuid => {
                quote!(::charter_runtime::uuid::Uuid::from_u128(
                    0x0123_4567_89ab_4def_8123_4567_89ab_cdef
                ))
            }
            Primitive::DateIso8601 => {
                quote!(
                    ::charter_runtime::chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
                        .unwrap_or_default()
                )
            }
            Primitive::DateTimeIso8601 => quote!(
                ::charter_runtime::chrono::DateTime::from_timestamp(1_704_067_200, 0)
                    .unwrap_or_default()
            ),
            Primitive::Object | Primitive::Json => {
                quote!(::charter_runtime::serde_json::Value::Object(
                    ::charter_runtime::serde_json::Map::new()
                ))
            }
            Primitive::Unit => quote!(()),
        },
        TypeRef::List(inner) => {
            let n = count();
            if n == 0 {
                quote!(::std::vec::Vec::new())
            } else {
                let v = value(plan, sid, inner, Hint::default(), own);
                quote!(::std::vec![#v; #n])
            }
        }
        TypeRef::Map(inner) => {
            let n = count();
            if n == 0 {
                quote!(::std::collections::BTreeMap::new())
            } else {
                let v = value(plan, sid, inner, Hint::default(), own);
                let keys = (1..=n).map(|i| format!("key{i}"));
                quote!(::std::collections::BTreeMap::from([#((::std::string::String::from(#keys), #v)),*]))
            }
        }
        TypeRef::Type(id) => match plan.ty(*id).factory.as_deref() {
            Some(name) => {
                let f = ident(name);
                if id.service == sid {
                    quote!(#own::#f())
                } else {
                    let path = plan.service_path(id.service);
                    quote!(#path::factories::#f())
                }
            }
            // An interface used as a type has no value of its own.
            None => quote!(::std::default::Default::default()),
        },
        TypeRef::External {
            namespace, name, ..
        } => match plan.settings.crate_paths.get(namespace) {
            Some(path) => {
                let path: TokenStream = path.parse().unwrap_or_else(|_| quote!(crate));
                let f = ident(&naming::snake(name));
                quote!(#path::factories::#f())
            }
            None => quote!(::charter_runtime::serde_json::Value::Object(
                ::charter_runtime::serde_json::Map::new()
            )),
        },
        TypeRef::Named(_) | TypeRef::Unresolved(_) => {
            quote!(::charter_runtime::serde_json::Value::Null)
        }
    }
}

/// A string for `hint`: its name (or `value`), padded with `x` or cut to the allowed length.
fn string(hint: Hint) -> String {
    let mut s: String = hint.name.unwrap_or("value").to_owned();
    let min = hint.minimum.unwrap_or(0).clamp(0, 4096) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = hint.maximum {
        let max = max.max(0) as usize;
        if s.chars().count() > max {
            s = s.chars().take(max).collect();
        }
    }
    s
}
