//! Token trees per generated item, summed over the largest corpus metadata spec's tables.
use quote::ToTokens;
use std::collections::BTreeMap;

fn count(ts: proc_macro2::TokenStream) -> usize {
    ts.into_iter()
        .map(|t| match t {
            proc_macro2::TokenTree::Group(g) => 1 + count(g.stream()),
            _ => 1,
        })
        .sum()
}

fn main() {
    let largest = charter_dao_tests::workspace().join(
        "../shared/corpus/api-json/apicollective__apibuilder__dao__spec__psql-apibuilder.json",
    );
    let text = std::fs::read_to_string(&largest).unwrap();
    let checked =
        charter::check_sources(vec![(largest.clone(), text)], &charter::Options::default());
    let (plan, _) = charter::dao::plan_checked(&checked);
    let sid = plan.services()[0];
    let tables: Vec<_> = plan.for_service(sid).collect();
    let tokens = charter::dao::rust::service_module(&checked.repo, &tables);
    println!("total {}", count(tokens.clone()));
    let f: syn::File = syn::parse2(tokens).unwrap();
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for item in f.items {
        let syn::Item::Mod(m) = item else { continue };
        for it in m.content.unwrap().1 {
            match &it {
                syn::Item::Impl(i) => {
                    let name = i
                        .trait_
                        .as_ref()
                        .map(|t| t.1.segments.last().unwrap().ident.to_string())
                        .unwrap_or_else(|| "inherent".into());
                    for ii in &i.items {
                        let k = match ii {
                            syn::ImplItem::Fn(f) => {
                                let s = f.sig.ident.to_string();
                                let s = if s.starts_with("find_by") {
                                    "find_by*".into()
                                } else if s.starts_with("find_all_by") {
                                    "find_all_by*".into()
                                } else if s.starts_with("delete_all_by") {
                                    "delete_all_by*".into()
                                } else {
                                    s
                                };
                                format!("impl {name} fn {s}")
                            }
                            _ => format!("impl {name} other"),
                        };
                        *by.entry(k).or_default() += count(ii.to_token_stream());
                    }
                }
                syn::Item::Struct(s) => {
                    let n = s.ident.to_string();
                    let k = if n.ends_with("Form") {
                        "struct Form"
                    } else if n.ends_with("Filter") {
                        "struct Filter"
                    } else if n.ends_with("Batch") {
                        "struct Batch"
                    } else if n.ends_with("Table") {
                        "struct Table"
                    } else if n.ends_with("Dao") {
                        "struct Dao"
                    } else {
                        "struct Row"
                    };
                    *by.entry(k.into()).or_default() += count(it.to_token_stream());
                }
                syn::Item::Mod(_) => {
                    *by.entry("mod columns".into()).or_default() += count(it.to_token_stream())
                }
                _ => *by.entry("other".into()).or_default() += count(it.to_token_stream()),
            }
        }
    }
    let mut v: Vec<_> = by.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    for (k, n) in v {
        println!("{n:>7} {k}");
    }
}
