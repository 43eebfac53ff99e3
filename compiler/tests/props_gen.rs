//! Property: generation over random *valid* specs (`support/valid_spec.rs`), through the library
//! API, without compiling (cheap; `gen_random` compiles): with every surface on (models, client,
//! server, mock, factories) and with models only, Charter generates without errors, every file
//! starts with the `@generated` header and parses with syn, every type of the spec gets an item,
//! every operation a client method and a server trait method, and generating twice gives the same
//! bytes.
//!
//! Deterministic (fixed seed); `CHARTER_PROPS_CASES` sets the number of cases (default 48).

#[path = "support/valid_spec.rs"]
mod valid_spec;

use charter::gen::{self, Settings};
use std::collections::BTreeSet;

/// Every identifier defined by an item (struct, enum, trait, fn, method) anywhere in the file.
fn defined(file: &syn::File) -> BTreeSet<String> {
    fn walk(items: &[syn::Item], out: &mut BTreeSet<String>) {
        for it in items {
            match it {
                syn::Item::Struct(s) => drop(out.insert(s.ident.to_string())),
                syn::Item::Enum(e) => drop(out.insert(e.ident.to_string())),
                syn::Item::Fn(f) => drop(out.insert(f.sig.ident.to_string())),
                syn::Item::Trait(t) => {
                    out.insert(t.ident.to_string());
                    for i in &t.items {
                        if let syn::TraitItem::Fn(f) = i {
                            out.insert(format!("{}::{}", t.ident, f.sig.ident));
                        }
                    }
                }
                syn::Item::Impl(i) => {
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            out.insert(f.sig.ident.to_string());
                        }
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        walk(items, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&file.items, &mut out);
    out
}

/// The examples of every type (what the docs site, stub servers and `gen_random`'s probes use)
/// stay small: linear in the spec, also for types with no finite value (a cycle of required
/// fields, which random specs contain).
#[test]
fn examples_of_random_specs_are_bounded() {
    let cases = valid_spec::cases("CHARTER_PROPS_CASES", 48);
    for (case, d) in valid_spec::samples(cases).iter().enumerate() {
        let main = valid_spec::build(d);
        let checked = valid_spec::check_valid(&main, &format!("case {case}"));
        let size = serde_json::to_string(&main).unwrap().len();
        let ex = charter::example::Examples::new(&checked.repo);
        for sid in checked.repo.service_ids() {
            let s = checked.repo.service(sid);
            let kinds = [
                (charter::ir::TypeKind::Model, s.models.len()),
                (charter::ir::TypeKind::Union, s.unions.len()),
                (charter::ir::TypeKind::Enum, s.enums.len()),
            ];
            for (kind, n) in kinds {
                for index in 0..n as u32 {
                    let id = charter::ir::TypeId {
                        service: sid,
                        kind,
                        index,
                    };
                    let v = ex.of_type(id).to_string();
                    assert!(
                        v.len() <= 4 * size,
                        "case {case}: the example of {} has {} bytes (spec: {size})",
                        checked.repo.type_name(id),
                        v.len()
                    );
                }
            }
        }
    }
}

#[test]
fn random_valid_specs_generate_rust_that_parses() {
    let cases = valid_spec::cases("CHARTER_PROPS_CASES", 48);
    let mut files = 0;
    for (case, d) in valid_spec::samples(cases).iter().enumerate() {
        let what = format!("case {case}");
        let main = valid_spec::build(d);
        let checked = valid_spec::check_valid(&main, &what);
        let all = Settings::default().with_server(true).with_mock(true);
        for (label, settings) in [
            ("all", all),
            ("models", Settings::default().with_client(false)),
        ] {
            let g = gen::generate(&checked.repo, &settings);
            assert!(
                !g.diagnostics.has_errors(),
                "{what} ({label}): {:?}",
                g.diagnostics
            );
            assert_eq!(g.files.len(), 2, "{what} ({label}): one file per service");
            let again = gen::generate(&checked.repo, &settings);
            for (f, f2) in g.files.iter().zip(&again.files) {
                assert_eq!(f.path, f2.path, "{what} ({label})");
                assert!(
                    f.contents == f2.contents,
                    "{what} ({label}): {} differs between runs",
                    f.path
                );
                assert!(
                    f.contents.starts_with("// @generated"),
                    "{what} ({label}): {} has no @generated header",
                    f.path
                );
                let file = syn::parse_file(&f.contents)
                    .unwrap_or_else(|e| panic!("{what} ({label}): {} does not parse: {e}", f.path));
                files += 1;
                if !f.path.contains("main") {
                    continue;
                }
                let items = defined(&file);
                let camel = |s: &str| heck::ToUpperCamelCase::to_upper_camel_case(s);
                for section in ["models", "enums", "unions"] {
                    for name in main[section].as_object().unwrap().keys() {
                        assert!(
                            items.contains(&camel(name)),
                            "{what} ({label}): no item for {section} {name}"
                        );
                    }
                }
                if label != "all" {
                    continue;
                }
                for (_, r) in main["resources"].as_object().unwrap() {
                    let ops = r["operations"].as_array().unwrap().len();
                    let traits = items.iter().filter(|i| i.contains("::")).count();
                    assert!(
                        traits >= ops,
                        "{what}: {traits} trait methods for {ops} operations"
                    );
                }
                assert!(items.contains("MockClient"), "{what}: no mock client");
                assert!(items.contains("routes"), "{what}: no server routes");
            }
        }
    }
    assert_eq!(files, cases as usize * 4);
}
