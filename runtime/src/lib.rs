//! Support code shared by the Rust code that Charter generates from API Builder specs.
//!
//! Generated code stays lean: anything that would otherwise be repeated per type or per operation
//! lives here — union wire helpers ([`union`]), how values become path/query/header text
//! ([`param`]), the HTTP client plumbing and its error taxonomy ([`client`]), request validation
//! ([`validation`]) and generated servers' request parsing ([`server`]), handlers ([`route`]) and hardening ([`serve`]:
//! limits, timeouts, request ids ([`request_id`]), the health check ([`health`]), graceful
//! shutdown), and the canned answers
//! and call log of generated mock clients ([`mock`], feature `mock`), and how personal data is
//! redacted, listed and erased ([`redact`], trait [`PersonalData`]); the client's timeouts,
//! bulkhead and circuit breaker ([`resilience`]) and its record and replay modes ([`record`],
//! feature `record`).

pub mod param;
pub mod redact;
pub mod request_id;
pub mod union;
pub mod validation;

// Compiled with the client (it is small and needs nothing else); the `mock` feature is the switch
// that lets generated mock clients compile (see [`require_mock!`]).
#[cfg(feature = "client")]
pub mod mock;

/// Called first by every generated `mock` module: nothing with charter-runtime's `mock` feature,
/// one clear compile error without it (instead of a page of unresolved paths).
#[cfg(feature = "mock")]
#[macro_export]
macro_rules! require_mock {
    () => {};
}

/// Called first by every generated `mock` module: nothing with charter-runtime's `mock` feature,
/// one clear compile error without it (instead of a page of unresolved paths).
#[cfg(not(feature = "mock"))]
#[macro_export]
macro_rules! require_mock {
    () => {
        ::std::compile_error!(
            "this generated mock client needs charter-runtime's `mock` feature: depend on \
             charter-runtime with `features = [\"mock\"]` (a crate written by `charter generate \
             rust --mock` does), or generate without the mock"
        );
    };
}

#[cfg(feature = "dao")]
pub mod dao;

pub use redact::{PersonalData, Redacted};
pub use validation::Validate;

/// `#[derive(New)]`: `new` from the fields not marked `#[new(default)]` (optional fields, `None`;
/// lists, empty) or `#[new(value = "…")]` (defaulted fields, the spec's default), in field order.
/// Generated models and server requests derive it instead of writing the same constructor per
/// type; it is [derive-new](https://docs.rs/derive-new)'s `new`.
pub use derive_new::new as New;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "client")]
pub mod resilience;

#[cfg(feature = "record")]
pub mod record;

#[cfg(feature = "server")]
pub mod health;
#[cfg(feature = "server")]
pub mod route;
#[cfg(feature = "server")]
pub mod serve;
#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "events")]
pub mod events;

/// Re-exported so generated code names one dependency for the wire types it uses.
#[cfg(feature = "server")]
pub use axum;
pub use bytes;
pub use chrono;
pub use http;
pub use rust_decimal;
pub use serde;
pub use serde_json;
/// For tests of generated code (`#[charter_runtime::tokio::test(crate = "charter_runtime::tokio")]`).
pub use tokio;
pub use uuid;

/// Implemented by every generated enum: the wire string of a value, and the value of a wire string
/// (unknown strings are kept in the `Unknown` variant, so decoding never fails).
pub trait WireEnum: Sized {
    fn as_str(&self) -> &str;
    fn from_wire(s: &str) -> Self;
    /// False for the `Unknown` catch-all: servers reject unknown values in requests.
    fn is_known(&self) -> bool;
}

/// The impls every generated enum has besides its [`WireEnum`] impl, written once here:
/// `From<String>` (decoding keeps unknown values), `From<Enum> for String` (the wire string),
/// `Display` (the wire string) and [`Validate`] (requests must use the values the spec lists: an
/// unknown one is a 422 naming the field).
///
/// Given the variants and their wire strings (`wire_enum!(Status { Active("active"), … })`), it
/// also writes the [`WireEnum`] impl: `as_str` and `from_wire` map each listed variant to and from
/// its string, the `Unknown(String)` catch-all keeps any other string. Variants listed after
/// `write_only` are written as their string but never read from it (an earlier variant has the
/// same string).
#[macro_export]
macro_rules! wire_enum {
    ($t:ident { $($v:ident($w:literal)),* $(,)? } $(write_only { $($vo:ident($wo:literal)),* $(,)? })?) => {
        impl $crate::WireEnum for $t {
            fn as_str(&self) -> &str {
                match self {
                    $(Self::$v => $w,)*
                    $($(Self::$vo => $wo,)*)?
                    Self::Unknown(s) => s,
                }
            }

            fn is_known(&self) -> bool {
                !::std::matches!(self, Self::Unknown(_))
            }

            fn from_wire(s: &str) -> Self {
                match s {
                    $($w => Self::$v,)*
                    _ => Self::Unknown(::std::borrow::ToOwned::to_owned(s)),
                }
            }
        }

        $crate::wire_enum!($t);
    };
    ($t:ty) => {
        impl ::std::convert::From<::std::string::String> for $t {
            fn from(s: ::std::string::String) -> Self {
                $crate::WireEnum::from_wire(s.as_str())
            }
        }

        impl ::std::convert::From<$t> for ::std::string::String {
            fn from(v: $t) -> Self {
                $crate::WireEnum::as_str(&v).to_owned()
            }
        }

        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::WireEnum::as_str(self))
            }
        }

        impl $crate::Validate for $t {
            fn validate(
                &self,
                at: &$crate::validation::Path<'_>,
            ) -> ::std::result::Result<(), $crate::validation::ValidationError> {
                $crate::validation::known_at(self, at)
            }
        }
    };
}

/// The value a generated constructor `new` builds, from its arguments:
/// `init!(Self { id, members } default { status(defaults::user_status()) } none { parent })` is
/// `Self { id, members, status: defaults::user_status(), parent: None }`: the required fields
/// from the arguments of the same name, the defaulted ones from their expression (the spec's
/// default), the optional ones `None`. Written so for generated models and server requests, whose
/// optional fields are most of their fields.
#[macro_export]
macro_rules! init {
    ($s:ident { $($p:ident),* $(,)? }
     $(default { $($d:ident($de:expr)),* $(,)? })?
     $(none { $($n:ident),* $(,)? })?) => {
        $s {
            $($p,)*
            $($($d: $de,)*)?
            $($($n: ::std::option::Option::None,)*)?
        }
    };
}

/// The [`mock::DocumentedError`] impl of a generated client's error enum, from the status of
/// each variant: `documented_error!(ItemsGetByIdError { Status404(404), Default(500) })`.
#[cfg(feature = "client")]
#[macro_export]
macro_rules! documented_error {
    ($t:ident { $($v:ident($status:literal)),* $(,)? }) => {
        impl $crate::mock::DocumentedError for $t {
            fn status(&self) -> u16 {
                match self {
                    $(Self::$v { .. } => $status,)*
                }
            }
        }
    };
}

/// The [`client::Errors`] impl of a generated client's error enum (and, with the `mock` feature,
/// its [`mock::DocumentedError`] impl), from the status of each variant and whether it carries a
/// JSON body: `errors!(ItemsGetByIdError { Status404(404), Status422(422, body) })`; the spec's
/// `default` response comes last, after `else`: `errors!(E { Status404(404) } else
/// Default(body))` decodes every other status into `Default` (a mock answers it with 500).
#[cfg(feature = "client")]
#[macro_export]
macro_rules! errors {
    ($t:ident { $($v:ident($c:literal $(, $b:ident)?)),* $(,)? } $(else $d:ident $(($db:ident))?)?) => {
        impl $crate::client::Errors for $t {
            fn from_response<R>(
                resp: $crate::client::Response<'_>,
            ) -> ::std::result::Result<R, $crate::client::Error<Self>> {
                match resp.status() {
                    $($c => $crate::errors!(@decode resp, Self::$v $(, $b)?),)*
                    _ => $crate::errors!(@fallback resp $(, Self::$d $(, $db)?)?),
                }
            }
        }
        $crate::__mock_statuses!($t { $($v($c)),* } $($d)?);
    };
    (@decode $r:ident, $p:path) => { $r.err_unit($p) };
    (@decode $r:ident, $p:path, $b:ident) => { $r.err_json($p) };
    (@fallback $r:ident) => { $r.unexpected() };
    (@fallback $r:ident, $p:path $(, $b:ident)?) => { $crate::errors!(@decode $r, $p $(, $b)?) };
}

/// The [`mock::DocumentedError`] part of [`errors!`] (nothing without the `mock` feature).
#[cfg(feature = "mock")]
#[doc(hidden)]
#[macro_export]
macro_rules! __mock_statuses {
    ($t:ident { $($v:ident($c:literal)),* } $($d:ident)?) => {
        impl $crate::mock::DocumentedError for $t {
            fn status(&self) -> u16 {
                match self {
                    $(Self::$v { .. } => $c,)*
                    $(Self::$d { .. } => 500,)?
                }
            }
        }
    };
}

#[cfg(all(feature = "client", not(feature = "mock")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __mock_statuses {
    ($($any:tt)*) => {};
}

/// The [`Validate`] impl of a generated model, from the checks of its fields, each a call of a
/// [`validation::Path`] helper on the field: `validate!(Line { sku.bounds("sku", Some(1),
/// Some(12)), parts.check("parts") })` is `impl Validate for Line` whose `validate` runs
/// `at.bounds("sku", &self.sku, Some(1), Some(12))?` then `at.check("parts", &self.parts)?` (the
/// field, its wire name, then the helper's other arguments), in order. One line per model instead
/// of an impl block.
#[macro_export]
macro_rules! validate {
    ($t:ident { $($f:ident.$how:ident($w:literal $(, $a:expr)*)),* $(,)? }) => {
        impl $crate::Validate for $t {
            fn validate(
                &self,
                at: &$crate::validation::Path<'_>,
            ) -> ::std::result::Result<(), $crate::validation::ValidationError> {
                $(at.$how($w, &self.$f $(, $a)*)?;)*
                ::std::result::Result::Ok(())
            }
        }
    };
}

/// The `IntoResponse` impl of a generated server's response enum, from its variants and their
/// statuses: `responses!(ItemsPostResponse { Status201(201, body), Status404(404),
/// Default(status, body) })` answers `Status201(b)` with status 201 and `b` as JSON, `Status404`
/// with an empty 404, and the spec's `default` response (`Default(status, b)` or
/// `Default(status)`) with the status it carries ([`server::reply`], [`server::reply_empty`]).
#[cfg(feature = "server")]
#[macro_export]
macro_rules! responses {
    ($t:ident { $($variants:tt)* }) => {
        $crate::responses!(@arms $t [] $($variants)*);
    };
    (@arms $t:ident [$($arms:tt)*] $v:ident($c:literal, body) $(, $($rest:tt)*)?) => {
        $crate::responses!(@arms $t [$($arms)* Self::$v(b) => $crate::server::reply($c, &b),] $($($rest)*)?);
    };
    (@arms $t:ident [$($arms:tt)*] $v:ident($c:literal) $(, $($rest:tt)*)?) => {
        $crate::responses!(@arms $t [$($arms)* Self::$v => $crate::server::reply_empty($c),] $($($rest)*)?);
    };
    (@arms $t:ident [$($arms:tt)*] $v:ident(status, body) $(, $($rest:tt)*)?) => {
        $crate::responses!(@arms $t [$($arms)* Self::$v(s, b) => $crate::server::reply(s, &b),] $($($rest)*)?);
    };
    (@arms $t:ident [$($arms:tt)*] $v:ident(status) $(, $($rest:tt)*)?) => {
        $crate::responses!(@arms $t [$($arms)* Self::$v(s) => $crate::server::reply_empty(s),] $($($rest)*)?);
    };
    (@arms $t:ident [$($arms:tt)*]) => {
        impl $crate::axum::response::IntoResponse for $t {
            fn into_response(self) -> $crate::axum::response::Response {
                match self {
                    $($arms)*
                }
            }
        }
    };
}

/// `impl Validate for T {}` for each listed type: generated types with nothing to check beyond
/// their fields' types (the trait's default method accepts everything), listed once at the end of
/// the generated `models` module instead of one empty impl each.
#[macro_export]
macro_rules! no_checks {
    ($($t:ty),* $(,)?) => { $(impl $crate::Validate for $t {})* };
}

/// `impl PersonalData for T {}` for each listed type: generated types that hold no personal data
/// (the trait's default methods list and erase nothing), listed once at the end of the generated
/// `models` module instead of one empty impl each.
#[macro_export]
macro_rules! no_personal_data {
    ($($t:ty),* $(,)?) => { $(impl $crate::PersonalData for $t {})* };
}

#[cfg(test)]
mod macro_tests {
    #[derive(Clone, Debug, PartialEq)]
    enum Status {
        Active,
        Legacy,
        Again,
        Unknown(String),
    }

    crate::wire_enum!(Status { Active("active"), Legacy("legacy") } write_only { Again("active") });

    #[derive(Debug, PartialEq)]
    struct User {
        id: String,
        r#type: Option<String>,
        age: i32,
    }

    impl User {
        fn new(id: String) -> Self {
            crate::init!(Self { id } default { age(7) } none { r#type })
        }
    }

    impl User {
        fn with(self, age: i32) -> Self {
            Self {
                age,
                r#type: Some("t".into()),
                ..self
            }
        }
    }

    #[test]
    fn wire_enum_maps_listed_variants_and_keeps_the_rest() {
        use crate::WireEnum;
        assert_eq!(Status::from_wire("active"), Status::Active);
        assert_eq!(Status::Again.as_str(), "active");
        assert_eq!(Status::from("legacy".to_owned()), Status::Legacy);
        assert_eq!(Status::from_wire("new"), Status::Unknown("new".into()));
        assert!(!Status::from_wire("new").is_known());
        assert_eq!(String::from(Status::Legacy), "legacy");
    }

    #[derive(Debug)]
    struct Form {
        name: String,
        r#type: Option<Vec<Status>>,
    }

    crate::validate!(Form { name.bounds("name", Some(2), None), r#type.bounds("type", None, Some(1)), r#type.check("type") });

    #[test]
    fn validate_runs_each_check_in_order_naming_the_field() {
        use crate::validation::Path;
        use crate::Validate;
        let ok = Form {
            name: "ab".into(),
            r#type: Some(vec![Status::Active]),
        };
        assert!(ok.validate(&Path::Root).is_ok());
        let short = Form {
            name: "a".into(),
            r#type: Some(vec![Status::Unknown("x".into())]),
        };
        assert_eq!(short.validate(&Path::Root).unwrap_err().field, "name");
        let unknown = Form {
            name: "ab".into(),
            r#type: Some(vec![Status::Unknown("x".into())]),
        };
        let e = unknown.validate(&Path::Root).unwrap_err();
        assert_eq!((e.status, e.field.as_str()), (422, "type[0]"));
        let long = Form {
            name: "ab".into(),
            r#type: Some(vec![Status::Active, Status::Legacy]),
        };
        assert_eq!(long.validate(&Path::Root).unwrap_err().field, "type");
    }

    #[cfg(feature = "server")]
    #[allow(dead_code)]
    enum ItemsPostResponse {
        Status201(Vec<i32>),
        Status404,
        Default(u16, String),
    }

    #[cfg(feature = "server")]
    crate::responses!(ItemsPostResponse { Status201(201, body), Status404(404), Default(status, body) });

    #[cfg(feature = "server")]
    #[allow(dead_code)]
    enum ItemsDeleteResponse {
        Status204,
        Default(u16),
    }

    #[cfg(feature = "server")]
    crate::responses!(ItemsDeleteResponse { Status204(204), Default(status) });

    #[cfg(feature = "server")]
    #[test]
    fn responses_answer_each_variant_with_its_status() {
        use axum::response::IntoResponse;
        let status = |r: axum::response::Response| r.status().as_u16();
        assert_eq!(
            status(ItemsPostResponse::Status201(vec![1]).into_response()),
            201
        );
        assert_eq!(status(ItemsPostResponse::Status404.into_response()), 404);
        assert_eq!(
            status(ItemsPostResponse::Default(409, "x".into()).into_response()),
            409
        );
        assert_eq!(status(ItemsDeleteResponse::Status204.into_response()), 204);
        assert_eq!(
            status(ItemsDeleteResponse::Default(503).into_response()),
            503
        );
    }

    #[test]
    fn init_sets_arguments_defaults_and_nones() {
        let u = User::new("1".into());
        assert_eq!(
            u,
            User {
                id: "1".into(),
                r#type: None,
                age: 7
            }
        );
        let (id, age) = ("2".to_owned(), 1);
        let r#type = Some("t".to_owned());
        assert_eq!(
            crate::init!(User { id, age, r#type }),
            User::new("2".into()).with(1)
        );
    }
}
