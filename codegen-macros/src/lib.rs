//! `#[derive(charter_macros::Api)]`: Rust generated from API Builder specs at compile time.
//!
//! Usage (compiled for real by the trybuild pass suite in `tests/ui/` and by `tests/e2e`):
//!
//! ```text
//! #[derive(charter_macros::Api)]
//! #[charter(spec = "../specs/user.json", client, server)]
//! pub struct UserApi;
//! // → `pub mod io_charter_user_v0 { models, client, server }` and the modules of its imports,
//! //   beside the struct.
//! ```
//!
//! Why a derive and not an attribute on a module: the derive leaves the user's item untouched (the
//! struct is a named handle, `UserApi::MODULES` lists what was generated) and its expansion is
//! plain items beside it, which is what rust-analyzer and rustdoc handle best.
//!
//! Arguments of `#[charter(...)]`:
//! - `spec = "path"` (repeatable): relative to `CARGO_MANIFEST_DIR`; the spec's whole directory
//!   is loaded as the api repo, so imports resolve, and every imported service is generated too;
//! - `client`, `server`, `mock`, `factories`: what to generate besides the models (`mock` brings
//!   the client and the factories; the code then needs charter-runtime's `mock` feature);
//! - `dao`: typed sqlx DAOs for specs with table metadata (needs charter-runtime's `dao` feature);
//! - `events`: producers, consumer traits and dispatchers of the `*_event` unions (charter-runtime
//!   feature `events`);
//! - `root = "crate::api"`: the module holding the derive (default `crate`), where cross-service
//!   paths start;
//! - `crate_path(namespace = "io.charter.common.v0", path = "crate::common")`: take that
//!   service's types from an existing module or crate instead of generating it.
//!
//! Every file read is tracked with `include_bytes!`, so editing a spec (imports included) or the
//! repo's `charter.toml` rebuilds. Every failure is a `compile_error!` on the attribute that
//! quotes the spec diagnostics (`file:line:col: error[CODE]: message`). All the work is done by
//! `charter::build::expand`; this crate only parses the attribute and turns the result into
//! tokens.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use std::path::PathBuf;
use syn::spanned::Spanned;

/// Generates the modules of the services named by `#[charter(spec = "...")]` (see the crate
/// documentation).
#[proc_macro_derive(Api, attributes(charter))]
pub fn derive_api(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct Args {
    specs: Vec<PathBuf>,
    settings: charter::gen::Settings,
}

fn parse_args(input: &syn::DeriveInput) -> syn::Result<(Args, Span)> {
    let mut args = Args {
        specs: Vec::new(),
        settings: charter::gen::Settings::default()
            .with_client(false)
            .with_server(false),
    };
    let mut span = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("charter")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("spec") {
                let s: syn::LitStr = meta.value()?.parse()?;
                // Spec errors point at the first spec path (stable Rust cannot join spans).
                span.get_or_insert(s.span());
                args.specs.push(PathBuf::from(s.value()));
            } else if meta.path.is_ident("client") {
                args.settings.client = true;
            } else if meta.path.is_ident("server") {
                args.settings.server = true;
            } else if meta.path.is_ident("dao") {
                args.settings.dao = true;
            } else if meta.path.is_ident("events") {
                args.settings.events = true;
            } else if meta.path.is_ident("mock") {
                args.settings.mock = true;
            } else if meta.path.is_ident("factories") {
                args.settings.factories = true;
            } else if meta.path.is_ident("root") {
                let s: syn::LitStr = meta.value()?.parse()?;
                syn::parse_str::<syn::Path>(&s.value())
                    .map_err(|_| syn::Error::new(s.span(), "`root` must be a Rust path"))?;
                args.settings.root_path = s.value();
            } else if meta.path.is_ident("crate_path") {
                let (mut ns, mut path) = (None, None);
                meta.parse_nested_meta(|inner| {
                    let s: syn::LitStr = inner.value()?.parse()?;
                    if inner.path.is_ident("namespace") {
                        ns = Some(s.value());
                    } else if inner.path.is_ident("path") {
                        syn::parse_str::<syn::Path>(&s.value())
                            .map_err(|_| syn::Error::new(s.span(), "`path` must be a Rust path"))?;
                        path = Some(s.value());
                    } else {
                        return Err(inner.error("expected `namespace` or `path`"));
                    }
                    Ok(())
                })?;
                match (ns, path) {
                    (Some(ns), Some(path)) => {
                        args.settings.crate_paths.insert(ns, path);
                    }
                    _ => {
                        return Err(meta.error(
                            "crate_path needs both: crate_path(namespace = \"…\", path = \"…\")",
                        ))
                    }
                }
            } else {
                return Err(meta.error(
                    "unknown charter argument: expected spec, client, server, mock, factories, dao, events, root or crate_path",
                ));
            }
            Ok(())
        })?;
    }
    let Some(span) = span else {
        let at = input
            .attrs
            .iter()
            .find(|a| a.path().is_ident("charter"))
            .map(|a| a.span())
            .unwrap_or_else(|| input.ident.span());
        return Err(syn::Error::new(
            at,
            "#[derive(Api)] needs #[charter(spec = \"path/to/spec.json\")]",
        ));
    };
    Ok((args, span))
}

/// `CARGO_MANIFEST_DIR` of the crate using the derive. `CHARTER_MACROS_MANIFEST_DIR` overrides it
/// for the trybuild tests, whose cases are compiled in a crate under `target/`.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CHARTER_MACROS_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn expand(input: &syn::DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let (args, span) = parse_args(input)?;
    let request = charter::build::Request {
        base_dir: manifest_dir(),
        specs: args.specs,
        settings: args.settings,
    };
    let expansion = charter::build::expand(&request).map_err(|e| {
        let mut msg = String::from("charter: the spec does not generate:");
        for line in e.lines() {
            msg.push_str("\n  ");
            msg.push_str(&line.replace('\n', "\n  "));
        }
        syn::Error::new(span, msg)
    })?;
    // The generator's tokens, used as they are: never printed and parsed again.
    let code = &expansion.tokens;
    let tracked = expansion.inputs.iter().filter_map(|p| {
        let p = std::fs::canonicalize(p).ok()?;
        let p = p.to_str()?.to_owned();
        Some(quote!(
            const _: &[u8] = include_bytes!(#p);
        ))
    });
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let modules = &expansion.modules;
    Ok(quote! {
        #(#tracked)*
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The modules generated beside this type, one per service.
            pub const MODULES: &'static [&'static str] = &[#(#modules),*];
        }
        #code
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(src: &str) -> syn::Result<Args> {
        let input: syn::DeriveInput = syn::parse_str(src).unwrap();
        parse_args(&input).map(|(a, _)| a)
    }

    #[test]
    fn every_argument_reaches_the_settings() {
        let a = args(
            r#"#[charter(spec = "a.json", spec = "b.json", client, server, mock, factories,
                root = "crate::api",
                crate_path(namespace = "io.x.common.v0", path = "x_common"))]
               struct Api;"#,
        )
        .unwrap();
        assert_eq!(a.specs, [PathBuf::from("a.json"), PathBuf::from("b.json")]);
        let s = &a.settings;
        assert!(s.models && s.client && s.server && s.mock && s.factories);
        assert_eq!(s.root_path, "crate::api");
        assert_eq!(s.crate_paths["io.x.common.v0"], "x_common");
        // Models only by default.
        let a = args(r#"#[charter(spec = "a.json")] struct Api;"#).unwrap();
        assert!(!a.settings.client && !a.settings.server && !a.settings.mock);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let message = |src: &str| match args(src) {
            Ok(_) => panic!("accepted: {src}"),
            Err(e) => e.to_string(),
        };
        assert!(message("struct Api;").contains("needs #[charter(spec"));
        assert!(message(r#"#[charter(client)] struct Api;"#).contains("needs #[charter(spec"));
        assert!(message(r#"#[charter(spec = "a.json", sever)] struct Api;"#)
            .contains("unknown charter argument"));
        assert!(
            message(r#"#[charter(spec = "a.json", root = "not a path")] struct Api;"#)
                .contains("`root` must be a Rust path")
        );
        assert!(
            message(r#"#[charter(spec = "a.json", crate_path(namespace = "x"))] struct Api;"#)
                .contains("crate_path needs both")
        );
    }
}
