//! The source axis checked against the real generator: for every diff fixture, the Rust generated
//! from the old and the new spec (models and client, what callers use) is parsed with syn and its
//! public surface compared — an item, field, variant or method signature of the old code that is
//! gone or different means callers break (`breaking`); only new fields in existing structs or new
//! variants in existing enums means exhaustive literals and matches break (`dangerous`); anything
//! else compiles (`non-breaking`). The source class `charter diff` reports for the fixture must
//! never be below what the generated code shows (the catalogue may be more cautious than one
//! fixture: such cases are printed, not failed).

use charter::diff::{self, Class, Side};
use charter::gen::{self, Settings};
use charter::{check_sources, Checked, Options};
use quote::ToTokens;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn load(dir: &Path, name: &str) -> Checked {
    let mut files = Vec::new();
    let file = dir.join(format!("{name}.json"));
    if file.is_file() {
        files.push((
            PathBuf::from(format!("{name}.json")),
            std::fs::read_to_string(&file).unwrap(),
        ));
    } else {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir.join(name))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        entries.sort();
        for p in entries {
            let rel = format!("{name}/{}", p.file_name().unwrap().to_string_lossy());
            files.push((PathBuf::from(rel), std::fs::read_to_string(&p).unwrap()));
        }
    }
    check_sources(files, &Options::default())
}

/// The public surface: key (`field models::User::id`) → signature text.
type Surface = BTreeMap<String, String>;

fn text(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

fn sig(s: &syn::Signature) -> String {
    let inputs: Vec<String> = s.inputs.iter().map(text).collect();
    format!("({}) {}", inputs.join(", "), text(&s.output))
}

fn items(path: &str, list: &[syn::Item], out: &mut Surface) {
    for item in list {
        match item {
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    items(&format!("{path}::{}", m.ident), inner, out);
                }
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let p = format!("{path}::{}", s.ident);
                out.insert(format!("struct {p}"), text(&s.generics));
                derives(&s.attrs, path, &s.ident.to_string(), out);
                for f in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    let name = f.ident.as_ref().map_or("0".to_string(), |i| i.to_string());
                    out.insert(format!("field {p}::{name}"), text(&f.ty));
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let p = format!("{path}::{}", e.ident);
                out.insert(format!("enum {p}"), text(&e.generics));
                derives(&e.attrs, path, &e.ident.to_string(), out);
                for v in &e.variants {
                    out.insert(format!("variant {p}::{}", v.ident), text(&v.fields));
                }
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(format!("fn {path}::{}", f.sig.ident), sig(&f.sig));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.insert(format!("type {path}::{}", t.ident), text(&t.ty));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.insert(format!("const {path}::{}", c.ident), text(&c.ty));
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let p = format!("{path}::{}", t.ident);
                out.insert(format!("trait {p}"), String::new());
                for it in &t.items {
                    if let syn::TraitItem::Fn(f) = it {
                        out.insert(format!("method {p}::{}", f.sig.ident), sig(&f.sig));
                    }
                }
            }
            syn::Item::Impl(i) => {
                let ty = text(&i.self_ty);
                match &i.trait_ {
                    Some((_, tr, _)) => {
                        out.insert(impl_key(&trait_name(tr), path, &ty), String::new());
                    }
                    None => {
                        for it in &i.items {
                            if let syn::ImplItem::Fn(f) = it {
                                if is_pub(&f.vis) {
                                    out.insert(
                                        format!("method {path}::{ty}::{}", f.sig.ident),
                                        sig(&f.sig),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            // The runtime's item macros write impls the generated code lists once per module
            // (`no_checks!(A, B)`, `no_personal_data!(A)`, `wire_enum!(Status)`).
            syn::Item::Macro(m) => {
                let traits: &[&str] = match trait_name(&m.mac.path).as_str() {
                    "no_checks" => &["Validate"],
                    "no_personal_data" => &["PersonalData"],
                    "wire_enum" => &["From", "Display", "Validate"],
                    _ => &[],
                };
                let types = m
                    .mac
                    .parse_body_with(
                        syn::punctuated::Punctuated::<syn::Type, syn::Token![,]>::parse_terminated,
                    )
                    .unwrap_or_default();
                for ty in &types {
                    for tr in traits {
                        out.insert(impl_key(tr, path, &text(ty)), String::new());
                    }
                }
            }
            _ => {}
        }
    }
}

/// An implemented trait, by its last path segment: a derived `Debug` and a hand-written
/// `impl ::std::fmt::Debug` are the same to callers.
fn impl_key(tr: &str, path: &str, ty: &str) -> String {
    format!("impl {tr} for {path}::{ty}")
}

fn trait_name(p: &syn::Path) -> String {
    p.segments
        .last()
        .map_or(String::new(), |s| s.ident.to_string())
}

fn derives(attrs: &[syn::Attribute], path: &str, ty: &str, out: &mut Surface) {
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = a.parse_nested_meta(|m| {
            out.insert(impl_key(&trait_name(&m.path), path, ty), String::new());
            Ok(())
        });
    }
}

fn surface(c: &Checked) -> Option<Surface> {
    let g = gen::generate(&c.repo, &Settings::default());
    if g.diagnostics.iter().any(|d| d.is_error()) || g.files.is_empty() {
        return None;
    }
    let mut out = Surface::new();
    for f in &g.files {
        let file = syn::parse_file(&f.contents).expect("generated code parses");
        items(&f.path, &file.items, &mut out);
    }
    Some(out)
}

/// What the generated code shows, with the first reason.
fn observed(old: &Surface, new: &Surface) -> (Class, String) {
    for (k, v) in old {
        match new.get(k) {
            None => return (Class::Breaking, format!("gone: {k}")),
            Some(w) if w != v => return (Class::Breaking, format!("changed: {k}: {v} → {w}")),
            _ => {}
        }
    }
    for k in new.keys().filter(|k| !old.contains_key(*k)) {
        let parent = |kind: &str, rest: &str| {
            let owner = rest.rsplit_once("::").map_or(rest, |(o, _)| o);
            old.contains_key(&format!("{kind} {owner}"))
        };
        if let Some(rest) = k.strip_prefix("field ") {
            if parent("struct", rest) {
                return (
                    Class::Dangerous,
                    format!("new field of an existing struct: {k}"),
                );
            }
        }
        if let Some(rest) = k.strip_prefix("variant ") {
            if parent("enum", rest) {
                return (
                    Class::Dangerous,
                    format!("new variant of an existing enum: {k}"),
                );
            }
        }
    }
    (Class::NonBreaking, String::new())
}

#[test]
fn reported_source_class_is_never_below_the_generated_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/diff");
    let mut dirs: Vec<PathBuf> = Vec::new();
    for rd in std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
    {
        for cd in std::fs::read_dir(rd.path())
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
        {
            dirs.push(cd.path());
        }
    }
    dirs.sort();
    let (mut compared, mut cautious) = (0, Vec::new());
    let mut understated = Vec::new();
    for dir in &dirs {
        let (old, new) = (load(dir, "old"), load(dir, "new"));
        let (Some(so), Some(sn)) = (surface(&old), surface(&new)) else {
            continue;
        };
        let report = diff::diff(
            Side::new(&old.repo, &old.sources),
            Side::new(&new.repo, &new.sources),
        );
        let reported = report
            .changes
            .iter()
            .map(|c| c.source)
            .max()
            .unwrap_or(Class::NonBreaking);
        let (seen, why) = observed(&so, &sn);
        compared += 1;
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        if seen > reported {
            understated.push(format!(
                "{name}: reported {}, generated code shows {} ({why})",
                reported.as_str(),
                seen.as_str()
            ));
        } else if seen < reported {
            cautious.push(format!(
                "{name}: reported {}, generated code shows {}",
                reported.as_str(),
                seen.as_str()
            ));
        }
    }
    println!(
        "{compared} fixtures compared; more cautious than the generated code in {}:",
        cautious.len()
    );
    for c in &cautious {
        println!("  {c}");
    }
    assert!(compared > 150, "only {compared} fixtures generated");
    assert!(
        understated.is_empty(),
        "source class below the generated code:\n{}",
        understated.join("\n")
    );
}
